//! `pki serve --fixtures DIR`: every case of a fixture set (`pki fixtures`) at once, each
//! on its own port, with `DIR/ports.json` written once all of them listen, until SIGINT
//! or SIGTERM.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueHint};
use signal_hook::consts::{SIGINT, SIGTERM};

use super::{MAX_CONNECTIONS, Slots, accept_loop};
use crate::commands::Global;
use crate::error::{Error, Result};
use crate::fixtures::{Case, PORTS};
use crate::keys::PlainOnly;
use crate::render::{self, Outcome};
use crate::report::ServeReport;
use crate::store::fsutil;
use crate::tls::{self, SwappableCert};

/// The flags of `serve --fixtures`.
#[derive(Debug, Args)]
pub struct FixturesServeArgs {
    /// Serve every case of the fixture set in DIR, each on its own port
    ///
    /// DIR is what 'pki fixtures DIR' wrote. Each case presents its chain.pem with its
    /// key.pem, on the next free port from --port upwards (a port in use is skipped, and
    /// said so). DIR/ports.json ({"CASE": PORT}) is written once every case listens, and
    /// removed again at exit; a table of the cases is printed. SIGINT (Ctrl-C) or SIGTERM
    /// closes every port and exits 0.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath, conflicts_with_all = ["cert", "key", "chain"])]
    pub fixtures: Option<PathBuf>,

    /// The address every case listens on (with --fixtures; default 127.0.0.1)
    #[arg(long, value_name = "ADDR", requires = "fixtures", conflicts_with_all = ["cert", "key", "chain"])]
    pub listen_ip: Option<IpAddr>,

    /// The first port (with --fixtures; default 8443): the cases take it and the free ports above it
    ///
    /// 0: a free port chosen by the system for each case.
    #[arg(long, value_name = "N", requires = "fixtures", conflicts_with_all = ["cert", "key", "chain"])]
    pub port: Option<u16>,
}

/// The first port tried without --port.
pub const DEFAULT_PORT: u16 = 8443;

/// One case ready to serve.
struct Served {
    case: Case,
    cert: Arc<SwappableCert>,
    config: Arc<rustls::ServerConfig>,
}

/// Run `pki serve --fixtures DIR`.
pub(super) fn run(dir: &Path, a: &FixturesServeArgs, global: &Global) -> Result<Outcome> {
    // Catch the signals first: a script that kills the server as soon as it sees
    // ports.json must find them caught already.
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::io(dir, "watch for SIGINT and SIGTERM while serving", e))?;
    let cases = crate::fixtures::read_manifest(dir)?;
    let ports_file = dir.join(PORTS);
    // A ports.json left by an earlier run must not say "ready" before this one is.
    match std::fs::remove_file(&ports_file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&ports_file, "remove", e)),
        _ => {}
    }
    let served = cases.into_iter().map(|c| load(dir, c)).collect::<Result<Vec<_>>>()?;

    let first = a.port.unwrap_or(DEFAULT_PORT);
    let ip = a.listen_ip.unwrap_or(crate::fixtures::LOOPBACK);
    let mut next = u32::from(first);
    let mut listening = Vec::new();
    for s in served {
        let (listener, addr) = bind_next(ip, &mut next, first == 0, &s.case.name, global)?;
        listening.push((s, listener, addr));
    }

    let slots = Slots::new(MAX_CONNECTIONS);
    let connections = Arc::new(AtomicUsize::new(0));
    let mut rows = Vec::new();
    let mut ports = BTreeMap::new();
    for (s, listener, addr) in listening {
        ports.insert(s.case.name.clone(), addr.port());
        rows.push((s.case.clone(), addr));
        let (slots, count, g) = (slots.clone(), connections.clone(), global.clone());
        let label = format!("[{}] ", s.case.name);
        std::thread::Builder::new()
            .name(format!("fixture {}", s.case.name))
            .spawn(move || accept_loop(&listener, &s.config, &s.cert, &slots, (&label, &count), false, &g))
            .map_err(|e| Error::io(dir, "start a thread to serve a case of", e))?;
    }
    let json = serde_json::to_string_pretty(&ports).map_err(|e| Error::crypto("writing ports.json", e))? + "\n";
    fsutil::write_public(&ports_file, json.as_bytes(), true)?;
    for line in render::fixtures::ports_table(&rows) {
        render::log(&line, global);
    }
    render::log(
        &format!("serving {} cases; ports in {}; stop with Ctrl-C or SIGTERM", rows.len(), ports_file.display()),
        global,
    );

    let signal = signals.forever().next();
    let _ = std::fs::remove_file(&ports_file);
    let name = match signal {
        Some(SIGINT) => "SIGINT",
        _ => "SIGTERM",
    };
    render::log(&format!("{name}: closing {} ports", rows.len()), global);
    // The listeners close with the process, as soon as run returns.
    Ok(Outcome::new(ServeReport { connections: connections.load(Ordering::Relaxed) }))
}

/// A case's chain and key, checked to belong together, as a server configuration.
fn load(dir: &Path, case: Case) -> Result<Served> {
    let folder = dir.join(&case.name);
    let plain = PlainOnly("it is encrypted; fixture keys never are (make the set again with 'pki fixtures --force')");
    let pair = crate::keys::load_pair(&folder.join("chain.pem"), &folder.join("key.pem"), &plain)?;
    let cert = SwappableCert::new(tls::certified_key(pair)?);
    let config = tls::server_config(cert.clone(), None, false)?;
    Ok(Served { case, cert, config })
}

/// A listener on `ip` at the first free port from `*next` up (any free port when `any`),
/// and `*next` moved past it.
fn bind_next(ip: IpAddr, next: &mut u32, any: bool, case: &str, global: &Global) -> Result<(TcpListener, SocketAddr)> {
    loop {
        let port = if any { 0 } else { *next };
        let Ok(p) = u16::try_from(port) else {
            return Err(Error::InvalidValue {
                flag: "--port",
                value: port.to_string(),
                reason: format!("no free port is left up to 65535 for the case '{case}'"),
                hint: Some("choose a lower --port, or --port 0 for any free ports".into()),
            });
        };
        let addr = SocketAddr::new(ip, p);
        match TcpListener::bind(addr) {
            Ok(l) => {
                let local = l.local_addr().map_err(|e| Error::io(addr.to_string(), "listen on", e))?;
                *next = u32::from(local.port()) + 1;
                return Ok((l, local));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && !any => {
                render::log(&format!("port {p} is in use; {case} takes the next free one"), global);
                *next += 1;
            }
            Err(e) => return Err(Error::io(addr.to_string(), "listen on", e)),
        }
    }
}
