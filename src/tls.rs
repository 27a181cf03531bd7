//! TLS with rustls for `serve` and `probe`: server configurations with optional client
//! authentication and a hot-swappable certificate, and a client that records the chain a
//! server presents so `pki verify`'s checks can judge it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Result};

/// The crypto provider everything here uses (aws-lc-rs).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A socket whose reads and writes together must finish before one deadline.
///
/// A socket timeout bounds each read on its own: a peer that sends one byte a second never
/// trips a 10 s timeout and keeps the connection forever. Here every read and write first
/// sets the socket's timeout to the time left, and fails with `TimedOut` once none is left,
/// so the whole exchange (a handshake, a probe) is bounded, however the peer drips.
#[derive(Debug)]
pub struct DeadlineStream<'a> {
    sock: &'a TcpStream,
    deadline: Instant,
}

impl<'a> DeadlineStream<'a> {
    /// `sock`, usable until `deadline`.
    pub fn new(sock: &'a TcpStream, deadline: Instant) -> DeadlineStream<'a> {
        DeadlineStream { sock, deadline }
    }

    /// The time left, or `TimedOut` when there is none.
    fn left(&self) -> std::io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        // A zero socket timeout is refused by the OS (and would mean "none"): below a
        // millisecond counts as spent.
        if left < Duration::from_millis(1) {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the deadline passed"));
        }
        Ok(left)
    }

    /// A blocking socket whose timeout expires reports `WouldBlock` (EAGAIN) on Unix:
    /// call it what it is.
    fn timed_out(e: std::io::Error) -> std::io::Error {
        if e.kind() == std::io::ErrorKind::WouldBlock {
            std::io::Error::new(std::io::ErrorKind::TimedOut, "the deadline passed")
        } else {
            e
        }
    }
}

impl Read for DeadlineStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.sock.set_read_timeout(Some(self.left()?))?;
        (&mut &*self.sock).read(buf).map_err(Self::timed_out)
    }
}

impl Write for DeadlineStream<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sock.set_write_timeout(Some(self.left()?))?;
        (&mut &*self.sock).write(buf).map_err(Self::timed_out)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A certificate chain and its key (already checked to belong together by
/// [`crate::keys::load_pair`]) as rustls wants them.
pub fn certified_key(pair: crate::keys::Pair) -> Result<CertifiedKey> {
    CertifiedKey::from_der(pair.chain, pair.key.to_rustls(), &provider()).map_err(|e| Error::BadKey {
        path: pair.key.path().to_path_buf(),
        reason: format!("unusable certificate or key: {e}"),
    })
}

/// The certificate the server presents; replaced atomically by `--watch` for new
/// handshakes, while connections already open keep theirs.
#[derive(Debug)]
pub struct SwappableCert(Mutex<Arc<CertifiedKey>>);

impl SwappableCert {
    /// Start with `key`.
    pub fn new(key: CertifiedKey) -> Arc<SwappableCert> {
        Arc::new(SwappableCert(Mutex::new(Arc::new(key))))
    }

    /// Use `key` for the next handshakes.
    pub fn swap(&self, key: CertifiedKey) {
        if let Ok(mut g) = self.0.lock() {
            *g = Arc::new(key);
        }
    }

    /// The serial (hex) of the certificate presented now.
    pub fn current_serial(&self) -> String {
        self.0
            .lock()
            .ok()
            .and_then(|g| g.cert.first().and_then(|c| crate::certinfo::CertInfo::parse(c).ok()).map(|i| i.serial_hex))
            .unwrap_or_default()
    }
}

impl ResolvesServerCert for SwappableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0.lock().ok().map(|g| g.clone())
    }
}

/// One connection's view of a [`SwappableCert`]: it remembers what it handed out.
#[derive(Debug)]
pub struct RecordingResolver {
    inner: Arc<SwappableCert>,
    chosen: Mutex<Option<Arc<CertifiedKey>>>,
}

impl RecordingResolver {
    /// A resolver over `inner`.
    pub fn new(inner: &Arc<SwappableCert>) -> RecordingResolver {
        RecordingResolver { inner: inner.clone(), chosen: Mutex::new(None) }
    }

    /// The serial (hex) of the certificate this connection was given.
    pub fn served_serial(&self) -> String {
        self.chosen
            .lock()
            .ok()
            .and_then(|g| g.as_ref().and_then(|k| k.cert.first().cloned()))
            .and_then(|c| crate::certinfo::CertInfo::parse(&c).ok())
            .map(|i| i.serial_hex)
            .unwrap_or_default()
    }
}

impl ResolvesServerCert for RecordingResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let k = self.inner.resolve(hello);
        if let Ok(mut g) = self.chosen.lock() {
            g.clone_from(&k);
        }
        k
    }
}

/// A server configuration: TLS 1.2 and 1.3, the swappable certificate, and client
/// certificates verified against `client_ca` (required or optional).
pub fn server_config(
    cert: Arc<SwappableCert>,
    client_ca: Option<Vec<CertificateDer<'static>>>,
    require: bool,
) -> Result<Arc<rustls::ServerConfig>> {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::crypto("TLS setup", e))?;
    let builder = match client_ca {
        Some(cas) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in cas {
                roots.add(c).map_err(|e| Error::crypto("loading --client-ca", e))?;
            }
            let v = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
            let v = if require { v } else { v.allow_unauthenticated() };
            builder.with_client_cert_verifier(v.build().map_err(|e| Error::crypto("client verifier", e))?)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_cert_resolver(cert);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A verifier that accepts any chain but remembers it (signatures in the handshake are
/// still checked), so `probe` can show the chain and judge it with `verify`'s checks.
#[derive(Debug)]
pub struct RecordingVerifier {
    seen: Mutex<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl RecordingVerifier {
    /// A new, empty recorder.
    pub fn new() -> Arc<RecordingVerifier> {
        Arc::new(RecordingVerifier { seen: Mutex::new(Vec::new()), provider: provider() })
    }

    /// The chain the server presented (leaf first).
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        self.seen.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut g) = self.seen.lock() {
            *g = std::iter::once(end_entity).chain(intermediates).map(|c| c.clone().into_owned()).collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The client side's certificate resolver: presents the client certificate when there is
/// one, and remembers whether the server asked for one and which CA names it sent.
#[derive(Debug)]
struct RecordingClientCert {
    key: Option<Arc<CertifiedKey>>,
    /// `Some(names)` once the server sent a CertificateRequest (DER Names, maybe none).
    requested: Mutex<Option<Vec<Vec<u8>>>>,
}

impl rustls::client::ResolvesClientCert for RecordingClientCert {
    fn resolve(&self, root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        if let Ok(mut g) = self.requested.lock() {
            *g = Some(root_hint_subjects.iter().map(|n| n.to_vec()).collect());
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A CA name from a CertificateRequest as text ("CN=Issuing CA"), or a note when it does
/// not parse as an X.500 Name.
fn ca_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    match x509_parser::x509::X509Name::from_der(der) {
        Ok((_, name)) => crate::x509text::dn(&name),
        Err(_) => format!("(a name pki cannot parse, {} bytes)", der.len()),
    }
}

/// What a probe saw.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// The chain the server presented.
    pub chain: Vec<CertificateDer<'static>>,
    /// Whether the server asked for a client certificate.
    pub client_cert_requested: bool,
    /// The CA names it said it accepts (empty: any, or not asked).
    pub client_ca_names: Vec<String>,
    /// "TLSv1.3" / "TLSv1.2".
    pub protocol: String,
    /// The cipher suite, e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher_suite: String,
}

/// Connect to `addr`, shake hands as `server_name`, presenting `client` when given, and
/// return what the server presented. `timeout` bounds the whole probe: name resolution,
/// connecting, the handshake and the short read after it together, not each step alone.
pub fn probe(
    addr: &str,
    server_name: ServerName<'static>,
    client: Option<CertifiedKey>,
    timeout: Duration,
) -> std::result::Result<Handshake, NetError> {
    let deadline = Instant::now() + timeout;
    let timed_out = |step: &'static str| NetError::Timeout { after: timeout, step };
    let recorder = RecordingVerifier::new();
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(NetError::Setup)?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone());
    let client_cert = Arc::new(RecordingClientCert { key: client.map(Arc::new), requested: Mutex::new(None) });
    let config = builder.with_client_cert_resolver(client_cert.clone());
    let addrs = resolve(addr, deadline).ok_or_else(|| timed_out("name resolution"))??;
    let mut last = NetError::NoAddress { addr: addr.to_string() };
    let mut stream = None;
    for a in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out("connecting"));
        }
        match TcpStream::connect_timeout(&a, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(source) => last = NetError::Connect { addr: a, source },
        }
    }
    let sock = match stream {
        Some(s) => s,
        None if Instant::now() >= deadline => return Err(timed_out("connecting")),
        None => return Err(last),
    };
    let mut io = DeadlineStream::new(&sock, deadline);
    let mut conn = rustls::ClientConnection::new(Arc::new(config), server_name).map_err(NetError::Setup)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut io).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => timed_out("the handshake"),
            _ => NetError::Handshake(e),
        })?;
    }
    let protocol = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2",
        _ => "unknown",
    }
    .to_string();
    let cipher_suite = conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default();
    // A server that requires a client certificate rejects a missing one only after the
    // handshake, in TLS 1.3: read a little (half a second, within the deadline) to see
    // that refusal here, not later.
    let mut peek = DeadlineStream::new(&sock, deadline.min(Instant::now() + Duration::from_millis(500)));
    let mut tls = rustls::Stream::new(&mut conn, &mut peek);
    let _ = tls.write_all(b"");
    let mut buf = [0u8; 1];
    sock_peek(&mut tls, &mut buf)?;
    conn.send_close_notify();
    let _ = conn.complete_io(&mut io);
    let requested = client_cert.requested.lock().ok().and_then(|g| g.clone());
    Ok(Handshake {
        chain: recorder.chain(),
        protocol,
        cipher_suite,
        client_cert_requested: requested.is_some(),
        client_ca_names: requested.unwrap_or_default().iter().map(|n| ca_name(n)).collect(),
    })
}

/// The addresses of `addr` (HOST:PORT), or `None` when the resolver has not answered by
/// `deadline`. `getaddrinfo` takes no timeout, so it runs on a thread of its own that is
/// left behind if it hangs (the probe ends soon after anyway).
fn resolve(addr: &str, deadline: Instant) -> Option<std::result::Result<Vec<SocketAddr>, NetError>> {
    let lookup = |addr: String| {
        addr.to_socket_addrs().map(Iterator::collect).map_err(|source| NetError::Resolve { addr, source })
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = addr.to_string();
    let spawned = std::thread::Builder::new().name("resolve".into()).spawn(move || {
        let _ = tx.send(lookup(owned));
    });
    if spawned.is_err() {
        // No thread to spare: resolve here, unbounded, rather than not at all.
        return Some(lookup(addr.to_string()));
    }
    rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()
}

/// Read one byte if the server sends something quickly; an alert becomes an error.
fn sock_peek<T: std::io::Read>(tls: &mut T, buf: &mut [u8]) -> std::result::Result<(), NetError> {
    match tls.read(buf) {
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData || e.kind() == std::io::ErrorKind::ConnectionAborted => {
            Err(NetError::Refused(e))
        }
        Err(e) if e.to_string().contains("alert") => Err(NetError::Refused(e)),
        _ => Ok(()),
    }
}

pub use crate::error::NetError;
