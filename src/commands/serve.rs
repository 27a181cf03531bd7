//! `pki serve`: a TLS test endpoint that reports every handshake, with optional client
//! certificates and hot reload of renewed certificates.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::{Args, ValueHint};
use rustls::sign::CertifiedKey;

use crate::commands::Global;
use crate::commands::args::PairArgs;
use crate::error::{Error, Result};
use crate::input::read_certs;
use crate::keys::PlainOnly;
use crate::render::{self, Outcome};
use crate::report::ServeReport;
use crate::tls::{self, SwappableCert};

/// The one-line description of `ServeArgs` (also shown in its parent's list).
pub const SERVE_ABOUT: &str = "Run a TLS test endpoint that reports each handshake";

/// `pki serve`.
#[derive(Debug, Args)]
#[command(
    about = SERVE_ABOUT,
    long_about = "Serve TLS (1.2 and 1.3, rustls) with the given certificate and key, and answer \
every connection, HTTP or raw, with a short report of the handshake: protocol, cipher suite, \
the server name the client asked for, and the client certificate's subject or \"none\". One log \
line per connection goes to stdout.\n\nWith --client-ca, client certificates are verified against \
it (optional unless --require-client-cert). With --watch, the certificate and key are reloaded \
when their files change, for new connections only; open connections keep the old ones, and a \
broken or mismatched new pair is refused (the old one stays, and the log says why). --once \
exits after one connection.",
    after_help = "EXAMPLES:\n  pki serve --cert localhost.pem --key localhost-key.pem\n  \
pki serve --cert localhost-chain.pem --key localhost-key.pem --client-ca ca.pem --require-client-cert --watch\n  \
curl --cacert ca.pem --cert alice.pem --key alice-key.pem https://localhost:8443/\n  \
pki serve --cert x.pem --key x-key.pem --listen 127.0.0.1:0 --once\n\n\
EXIT CODES:\n  0 stopped after --once   1 error (unreadable files, key mismatch, address in use)   2 usage error"
)]
pub struct ServeArgs {
    #[command(flatten)]
    /// The certificate, its key and its chain.
    pub pair: PairArgs,
    /// Address to listen on (port 0: any free port, printed at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// Verify client certificates against this CA
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub client_ca: Option<PathBuf>,
    /// Refuse clients without a valid certificate (needs --client-ca)
    #[arg(long, requires = "client_ca")]
    pub require_client_cert: bool,
    /// Reload the certificate and key when their files change
    #[arg(long)]
    pub watch: bool,
    /// Exit after one connection
    #[arg(long)]
    pub once: bool,
}

/// The served files, loaded and checked.
fn load(files: &PairArgs) -> Result<CertifiedKey> {
    tls::certified_key(files.load(&PlainOnly("it is encrypted; pki serve needs the plain key"))?)
}

fn stamp(paths: &[&Path]) -> Vec<Option<(SystemTime, u64)>> {
    paths.iter().map(|p| std::fs::metadata(p).ok().and_then(|m| Some((m.modified().ok()?, m.len())))).collect()
}

/// Run `pki serve`.
pub fn run(a: ServeArgs, global: &Global) -> Result<Outcome> {
    let key = load(&a.pair)?;
    let cert = SwappableCert::new(key);
    let client_ca = match &a.client_ca {
        Some(p) => Some(read_certs(p)?),
        None => None,
    };
    let config = tls::server_config(cert.clone(), client_ca, a.require_client_cert)?;
    let listener = TcpListener::bind(&a.listen).map_err(|e| Error::io(Path::new(&a.listen), "listen on", e))?;
    let local = listener.local_addr().map_err(|e| Error::io(Path::new(&a.listen), "listen on", e))?;
    // The watcher's baseline is taken before "listening on" is printed, so a change made
    // as soon as a script sees that line is never missed.
    let watched = a.pair.paths();
    let baseline = stamp(&watched.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    if a.watch {
        let files = a.pair.clone();
        let cert = cert.clone();
        let g = global.clone();
        std::thread::spawn(move || {
            let paths: Vec<&Path> = watched.iter().map(PathBuf::as_path).collect();
            let mut last = baseline;
            loop {
                std::thread::sleep(Duration::from_millis(250));
                let now = stamp(&paths);
                if now == last {
                    continue;
                }
                // Let a writer finish (pki writes by rename, others may not).
                std::thread::sleep(Duration::from_millis(150));
                last = stamp(&paths);
                match load(&files) {
                    Ok(key) => {
                        cert.swap(key);
                        render::log(&format!("reloaded: now serving serial {}", cert.current_serial()), &g);
                    }
                    Err(e) => render::log(
                        &format!("kept serial {}: the new files are unusable: {e}", cert.current_serial()),
                        &g,
                    ),
                }
            }
        });
    }

    render::log(&format!("listening on {local} (serial {})", cert.current_serial()), global);

    let mut connections = 0;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        connections += 1;
        if a.once {
            handle(stream, config.clone(), &cert, global);
            break;
        }
        let (config, cert, g) = (config.clone(), cert.clone(), global.clone());
        std::thread::spawn(move || handle(stream, config, &cert, &g));
    }
    Ok(Outcome::new(ServeReport { connections }))
}

/// One connection: handshake, report, log line. Never panics, never blocks forever.
fn handle(mut sock: TcpStream, config: Arc<rustls::ServerConfig>, cert: &Arc<SwappableCert>, global: &Global) {
    let peer = sock.peer_addr().map(|a| a.to_string()).unwrap_or_else(|_| "?".into());
    let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = sock.set_write_timeout(Some(Duration::from_secs(10)));
    // This connection's own resolver records which certificate it was given, so the report
    // names the serial actually served even if --watch swaps certificates mid-handshake.
    let chosen = Arc::new(tls::RecordingResolver::new(cert));
    let mut config = (*config).clone();
    config.cert_resolver = chosen.clone();
    let Ok(mut conn) = rustls::ServerConnection::new(Arc::new(config)) else { return };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut sock) {
            render::log(&format!("{peer} handshake failed: {e}"), global);
            return;
        }
    }
    let protocol = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2",
        _ => "unknown",
    };
    let suite = conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default();
    let sni = conn.server_name().unwrap_or("none").to_string();
    let client = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| crate::certinfo::CertInfo::parse(c).ok())
        .map(|i| i.subject)
        .unwrap_or_else(|| "none".into());
    let serial = chosen.served_serial();
    let report = render::serve_report(protocol, &suite, &sni, &client, &serial);
    let _ = sock.set_read_timeout(Some(Duration::from_millis(1000)));
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    let mut first = [0u8; 1024];
    let n = tls.read(&mut first).unwrap_or(0);
    let is_http = [&b"GET "[..], b"HEAD ", b"POST ", b"PUT ", b"OPTIONS "].iter().any(|m| first[..n].starts_with(m));
    let body = if is_http {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{report}",
            report.len()
        )
    } else {
        report.clone()
    };
    let _ = tls.write_all(body.as_bytes());
    let _ = tls.flush();
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    render::log(
        &format!("{peer} {protocol} {suite} sni={sni} client=\"{}\" serial={serial}", render::sanitize::field(&client)),
        global,
    );
}
