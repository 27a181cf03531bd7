//! `pki serve`: a TLS test endpoint that reports every handshake, with optional client
//! certificates and hot reload of renewed certificates; with `--fixtures`, every case of
//! a fixture set at once, one port each (fixtures.rs).

mod fixtures;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, ValueHint};
use rustls::sign::CertifiedKey;

use crate::commands::Global;
use crate::commands::args::PairArgs;
use crate::error::{Error, Result};
use crate::input::read_certs;
use crate::keys::PlainOnly;
use crate::render::{self, Outcome};
use crate::report::ServeReport;
use crate::tls::{self, DeadlineStream, SwappableCert};

/// Connections handled at once; one more waits [`SLOT_WAIT`] for a slot, then is refused.
/// Each costs a thread, and a container's pids limit or a small `ulimit -u` caps threads.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a connection waits for a free slot before it is refused.
const SLOT_WAIT: Duration = Duration::from_millis(250);
/// Everything one connection gets: the handshake, the first bytes, the report. A client
/// that drips one byte a second is cut off here, not kept forever.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(10);
/// The first wait after a failed `accept` (no file descriptor left, ...); doubled at every
/// failure in a row up to [`ACCEPT_BACKOFF_MAX`], instead of retrying at full speed.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
/// The longest wait between two `accept`s that fail.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);
/// The stack of a connection's thread. The default (2 MiB) is far more than a handshake
/// needs, and under `ulimit -v` every thread's stack counts whole: 64 default stacks took
/// 128 MiB of a 381 MiB limit. A debug build handles RSA-4096 with client certificates
/// over TLS 1.2 and 1.3 in 128 KiB; four times that leaves room.
const CONNECTION_STACK: usize = 512 * 1024;

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
exits after one connection.\n\nLimits: at most 64 connections at once (more are refused and \
logged), and 10 s for each one's handshake and report in all, however slowly the client sends.",
    after_help = "EXAMPLES:\n  pki serve --cert localhost.pem --key localhost-key.pem\n  \
pki serve --cert localhost-chain.pem --key localhost-key.pem \\\n      --client-ca ca.pem --require-client-cert --watch\n  \
curl --cacert ca.pem --cert alice-chain.pem --key alice-key.pem https://localhost:8443/\n  \
pki serve --cert x.pem --key x-key.pem --listen 127.0.0.1:0 --once\n  \
pki serve --fixtures ./tls-cases --port 9000\n\n\
EXIT CODES:\n  0 stopped after --once, or (--fixtures) by SIGINT or SIGTERM   \
1 error (unreadable files, key mismatch, address in use)   2 usage error"
)]
pub struct ServeArgs {
    #[command(flatten)]
    /// The certificate, its key and its chain (all but --fixtures).
    pub pair: Option<PairArgs>,
    /// Address to listen on (port 0: any free port, printed at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443", conflicts_with = "fixtures")]
    pub listen: String,
    /// Verify client certificates against this CA
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "fixtures")]
    pub client_ca: Option<PathBuf>,
    /// Refuse clients without a valid certificate (needs --client-ca)
    #[arg(long, requires = "client_ca")]
    pub require_client_cert: bool,
    /// Reload the certificate and key when their files change
    #[arg(long, conflicts_with = "fixtures")]
    pub watch: bool,
    /// Exit after one connection
    #[arg(long, conflicts_with = "fixtures")]
    pub once: bool,
    #[command(flatten)]
    /// `--fixtures DIR`, `--listen-ip`, `--port`.
    pub fixtures: fixtures::FixturesServeArgs,
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
    let pair = match (&a.fixtures.fixtures, &a.pair) {
        (Some(dir), _) => return fixtures::run(dir, &a.fixtures, global),
        (None, Some(pair)) => pair.clone(),
        // clap requires --cert and --key without --fixtures; this is that same message.
        (None, None) => {
            return Err(Error::invalid("--cert", "", "pki serve needs --cert FILE --key FILE, or --fixtures DIR"));
        }
    };
    let key = load(&pair)?;
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
    let watched = pair.paths();
    let baseline = stamp(&watched.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    if a.watch {
        let files = pair.clone();
        let cert = cert.clone();
        let g = global.clone();
        let spawned = std::thread::Builder::new().name("watch".into()).spawn(move || {
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
        // No thread for the watcher: say so now rather than serve without watching.
        spawned.map_err(|e| Error::io(&pair.cert, "start a thread (--watch) to watch", e))?;
    }

    render::log(&format!("listening on {local} (serial {})", cert.current_serial()), global);
    let connections = AtomicUsize::new(0);
    accept_loop(&listener, &config, &cert, &Slots::new(MAX_CONNECTIONS), ("", &connections), a.once, global);
    Ok(Outcome::new(ServeReport { connections: connections.load(Ordering::Relaxed) }))
}

/// Accept connections on `listener` and handle each on a thread of its own (one of
/// `slots`), until the first one with `once`, else for ever, counting them in `count`.
/// `label` starts every log line (the case, under `--fixtures`).
fn accept_loop(
    listener: &TcpListener,
    config: &Arc<rustls::ServerConfig>,
    cert: &Arc<SwappableCert>,
    slots: &Arc<Slots>,
    (label, count): (&str, &AtomicUsize),
    once: bool,
    global: &Global,
) {
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors (EMFILE) or memory: the error repeats until a
                // connection closes, so wait instead of spinning on it.
                render::log(&format!("{label}accept failed: {e}; retrying in {} ms", backoff.as_millis()), global);
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        backoff = ACCEPT_BACKOFF_MIN;
        count.fetch_add(1, Ordering::Relaxed);
        if once {
            handle(stream, config.clone(), cert, label, global);
            break;
        }
        let Some(slot) = slots.take(SLOT_WAIT) else {
            render::log(&format!("{label}{peer} refused: {MAX_CONNECTIONS} connections in flight"), global);
            continue;
        };
        let (config, cert, g, label_owned) = (config.clone(), cert.clone(), global.clone(), label.to_string());
        let spawned =
            std::thread::Builder::new().name("connection".into()).stack_size(CONNECTION_STACK).spawn(move || {
                let _slot = slot;
                handle(stream, config, &cert, &label_owned, &g);
            });
        // No thread to be had (a pids limit, ulimit -u, no memory): this connection is
        // dropped (the closure, its socket and its slot with it), the server goes on.
        if let Err(e) = spawned {
            render::log(&format!("{label}{peer} dropped: cannot start a thread for it: {e}"), global);
        }
    }
}

/// A count of connections in flight, at most `max`.
#[derive(Debug)]
struct Slots {
    max: usize,
    busy: Mutex<usize>,
    freed: Condvar,
}

/// One connection's place in [`Slots`], given back when dropped.
#[derive(Debug)]
struct Slot(Arc<Slots>);

impl Slots {
    fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots { max, busy: Mutex::new(0), freed: Condvar::new() })
    }

    /// A slot, waiting up to `wait` for one to be given back; `None` when all stay taken.
    fn take(self: &Arc<Slots>, wait: Duration) -> Option<Slot> {
        let busy = self.busy.lock().ok()?;
        let (mut busy, _) = self.freed.wait_timeout_while(busy, wait, |n| *n >= self.max).ok()?;
        if *busy >= self.max {
            return None;
        }
        *busy += 1;
        Some(Slot(self.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.0.busy.lock() {
            *busy = busy.saturating_sub(1);
        }
        self.0.freed.notify_one();
    }
}

/// One connection: handshake, report, log line, all within [`CONNECTION_DEADLINE`].
/// Never panics, never blocks forever.
fn handle(sock: TcpStream, config: Arc<rustls::ServerConfig>, cert: &Arc<SwappableCert>, label: &str, global: &Global) {
    let deadline = Instant::now() + CONNECTION_DEADLINE;
    let peer = format!("{label}{}", sock.peer_addr().map(|a| a.to_string()).unwrap_or_else(|_| "?".into()));
    let mut io = DeadlineStream::new(&sock, deadline);
    // This connection's own resolver records which certificate it was given, so the report
    // names the serial actually served even if --watch swaps certificates mid-handshake.
    let chosen = Arc::new(tls::RecordingResolver::new(cert));
    let mut config = (*config).clone();
    config.cert_resolver = chosen.clone();
    let Ok(mut conn) = rustls::ServerConnection::new(Arc::new(config)) else { return };
    while conn.is_handshaking() {
        match conn.complete_io(&mut io) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                let limit = CONNECTION_DEADLINE.as_secs();
                render::log(&format!("{peer} handshake failed: not finished within {limit} s, dropped"), global);
                return;
            }
            Err(e) => {
                render::log(&format!("{peer} handshake failed: {e}"), global);
                return;
            }
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
    // The client may send a request first (curl does) or nothing (a raw client): wait a
    // second at most for one.
    let mut first = [0u8; 1024];
    let n = {
        let mut peek = DeadlineStream::new(&sock, deadline.min(Instant::now() + Duration::from_secs(1)));
        rustls::Stream::new(&mut conn, &mut peek).read(&mut first).unwrap_or(0)
    };
    let is_http = [&b"GET "[..], b"HEAD ", b"POST ", b"PUT ", b"OPTIONS "].iter().any(|m| first[..n].starts_with(m));
    let body = if is_http {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{report}",
            report.len()
        )
    } else {
        report.clone()
    };
    let mut tls = rustls::Stream::new(&mut conn, &mut io);
    let _ = tls.write_all(body.as_bytes());
    let _ = tls.flush();
    conn.send_close_notify();
    let _ = conn.complete_io(&mut io);
    render::log(
        &format!("{peer} {protocol} {suite} sni={sni} client=\"{}\" serial={serial}", render::sanitize::field(&client)),
        global,
    );
}
