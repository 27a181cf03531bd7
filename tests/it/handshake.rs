//! Real mutual-TLS handshakes with rustls over loopback, using the files `pki` wrote: the
//! certificates must work in a real TLS stack, and a wrong one must be refused for the
//! right reason (the rustls error kind, not merely "it failed").
//!
//! Each handshake runs a one-connection server thread on 127.0.0.1 (port chosen by the OS)
//! that requires and verifies a client certificate, and a client in the test thread that
//! verifies the server. Every socket has read and write timeouts and the server thread is
//! always joined, so a broken handshake fails the test instead of hanging it.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use rustls::crypto::CryptoProvider;
use rustls::crypto::aws_lc_rs::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, IpAddr, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::version::{TLS12, TLS13};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, ClientConnection, ConnectionCommon, ExtendedKeyPurpose,
    ProtocolVersion, RootCertStore, ServerConfig, ServerConnection, SideData, StreamOwned, SupportedProtocolVersion,
};

use crate::common::{Pki, parse};

/// Bound on every blocking socket operation (accept, connect, read, write).
const TIMEOUT: Duration = Duration::from_secs(10);
/// What the client sends once the handshake is done.
const PING: &[u8] = b"ping from the client";
/// What the server sends once the handshake is done.
const PONG: &[u8] = b"pong from the server";

// ---------------------------------------------------------------------------------------
// Reading what pki wrote
// ---------------------------------------------------------------------------------------

/// Every certificate in a PEM file, in order.
pub(crate) fn certs(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// The private key in a PEM file.
fn key(path: &Path) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_file(path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// Trust anchors: every certificate in `ca_pem` (pki's `ca.pem` holds exactly one).
fn roots(ca_pem: &Path) -> Arc<RootCertStore> {
    let mut store = RootCertStore::empty();
    for c in certs(ca_pem) {
        store.add(c).unwrap_or_else(|e| panic!("{} as a trust anchor: {e:?}", ca_pem.display()));
    }
    assert_eq!(store.len(), 1, "{} should hold one root", ca_pem.display());
    Arc::new(store)
}

/// A certificate chain (leaf first) and its private key, as one side presents them.
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Identity {
    /// `NAME.pem` (the leaf alone) and `NAME-key.pem` from the working directory.
    fn leaf(pki: &Pki, name: &str) -> Identity {
        Identity::from_files(&pki.path(&format!("{name}.pem")), &pki.path(&format!("{name}-key.pem")))
    }

    /// `NAME-chain.pem` (leaf and intermediates) and `NAME-key.pem`.
    fn chain(pki: &Pki, name: &str) -> Identity {
        Identity::from_files(&pki.path(&format!("{name}-chain.pem")), &pki.path(&format!("{name}-key.pem")))
    }

    fn from_files(cert: &Path, key_file: &Path) -> Identity {
        let chain = certs(cert);
        assert!(!chain.is_empty(), "no certificate in {}", cert.display());
        Identity { chain, key: key(key_file) }
    }
}

// ---------------------------------------------------------------------------------------
// rustls configuration
// ---------------------------------------------------------------------------------------

fn provider() -> Arc<CryptoProvider> {
    Arc::new(default_provider())
}

/// A server presenting `id` that requires a client certificate chaining to `client_ca`.
fn server_config(id: Identity, client_ca: &Path, version: &'static SupportedProtocolVersion) -> Arc<ServerConfig> {
    let verifier = WebPkiClientVerifier::builder_with_provider(roots(client_ca), provider())
        .build()
        .expect("client certificate verifier");
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("protocol version")
        .with_client_cert_verifier(verifier)
        .with_single_cert(id.chain, id.key)
        .expect("the server's key matches its certificate");
    Arc::new(config)
}

/// A client presenting `id` that verifies the server against `server_ca`.
fn client_config(id: Identity, server_ca: &Path, version: &'static SupportedProtocolVersion) -> Arc<ClientConfig> {
    let config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("protocol version")
        .with_root_certificates(roots(server_ca))
        .with_client_auth_cert(id.chain, id.key)
        .expect("the client's key matches its certificate");
    Arc::new(config)
}

/// `localhost` as a DNS server name.
fn dns(name: &str) -> ServerName<'static> {
    ServerName::try_from(name.to_string()).expect("valid DNS name")
}

/// 127.0.0.1 as an IP-address server name.
fn loopback_ip() -> ServerName<'static> {
    ServerName::IpAddress(IpAddr::from(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST)))
}

// ---------------------------------------------------------------------------------------
// One connection over loopback
// ---------------------------------------------------------------------------------------

/// What one side of a connection ended with.
#[derive(Debug)]
pub(crate) struct Seen {
    /// The certificates the peer presented, leaf first.
    pub(crate) peer: Vec<CertificateDer<'static>>,
    /// The application data received from the peer.
    received: Vec<u8>,
    /// The negotiated protocol version.
    version: Option<ProtocolVersion>,
}

/// How one side of a connection failed.
#[derive(Debug)]
enum Failure {
    /// rustls refused: a certificate error, an alert from the peer, ...
    Tls(rustls::Error),
    /// The socket failed (timeout, reset, EOF without close_notify).
    Io(#[allow(dead_code, reason = "shown through Debug when a test fails")] io::Error),
}

/// rustls reports its errors through `io::Error`; take the `rustls::Error` back out.
fn failure(e: io::Error) -> Failure {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(tls) => Failure::Tls(tls.clone()),
        None => Failure::Io(e),
    }
}

/// Both sides of one connection.
#[derive(Debug)]
pub(crate) struct Outcome {
    server: Result<Seen, Failure>,
    client: Result<Seen, Failure>,
}

impl Outcome {
    /// Both sides completed the handshake, exchanged PING/PONG and closed cleanly.
    pub(crate) fn assert_ok(self) -> (Seen, Seen) {
        match self {
            Outcome { server: Ok(s), client: Ok(c) } => {
                assert_eq!(s.received, PING, "the server got the client's bytes");
                assert_eq!(c.received, PONG, "the client got the server's bytes");
                (s, c)
            }
            other => panic!("the handshake should have succeeded: {other:#?}"),
        }
    }

    /// The rustls error of the server side, which must have failed.
    fn server_error(&self) -> &rustls::Error {
        match &self.server {
            Err(Failure::Tls(e)) => e,
            other => panic!("expected a TLS error on the server side, got {other:#?}\n{self:#?}"),
        }
    }

    /// The rustls error of the client side, which must have failed.
    fn client_error(&self) -> &rustls::Error {
        match &self.client {
            Err(Failure::Tls(e)) => e,
            other => panic!("expected a TLS error on the client side, got {other:#?}\n{self:#?}"),
        }
    }
}

/// Run one connection: a server thread on 127.0.0.1 with `server`, a client with
/// `client` asking for `name`. Returns when both sides are done (bounded by [`TIMEOUT`]).
fn connect(server: Arc<ServerConfig>, client: Arc<ClientConfig>, name: ServerName<'static>) -> Outcome {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let server_thread = thread::spawn(move || serve_one(listener, server));
    let client = run_client(addr, client, name);
    let server = server_thread.join().expect("the server thread panicked");
    Outcome { server, client }
}

fn set_timeouts(sock: &TcpStream) {
    sock.set_read_timeout(Some(TIMEOUT)).expect("read timeout");
    sock.set_write_timeout(Some(TIMEOUT)).expect("write timeout");
}

/// Accept one connection, giving up after [`TIMEOUT`].
fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match listener.accept() {
            Ok((sock, _)) => {
                sock.set_nonblocking(false)?;
                return Ok(sock);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(e),
        }
    }
}

fn serve_one(listener: TcpListener, config: Arc<ServerConfig>) -> Result<Seen, Failure> {
    let sock = accept(&listener).map_err(Failure::Io)?;
    set_timeouts(&sock);
    let conn = ServerConnection::new(config).map_err(Failure::Tls)?;
    session(StreamOwned::new(conn, sock), PONG, PING.len())
}

fn run_client(addr: SocketAddr, config: Arc<ClientConfig>, name: ServerName<'static>) -> Result<Seen, Failure> {
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(Failure::Io)?;
    set_timeouts(&sock);
    let conn = ClientConnection::new(config, name).map_err(Failure::Tls)?;
    session(StreamOwned::new(conn, sock), PING, PONG.len())
}

/// One side's life: handshake, send `send`, receive `want` bytes, close_notify, wait for
/// the peer's close_notify. On failure (after rustls has sent its alert), shut down our
/// write half and drain the socket, so the peer reads our alert rather than a TCP reset.
fn session<C, S>(mut tls: StreamOwned<C, TcpStream>, send: &[u8], want: usize) -> Result<Seen, Failure>
where
    C: DerefMut + Deref<Target = ConnectionCommon<S>>,
    S: SideData,
{
    let result = exchange(&mut tls, send, want);
    if result.is_err() {
        let _ = tls.sock.shutdown(Shutdown::Write);
        let mut sink = [0u8; 1024];
        while let Ok(n) = tls.sock.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
    }
    result
}

fn exchange<C, S>(tls: &mut StreamOwned<C, TcpStream>, send: &[u8], want: usize) -> Result<Seen, Failure>
where
    C: DerefMut + Deref<Target = ConnectionCommon<S>>,
    S: SideData,
{
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).map_err(failure)?;
    }
    tls.write_all(send).map_err(failure)?;
    tls.flush().map_err(failure)?;
    let mut received = vec![0u8; want];
    tls.read_exact(&mut received).map_err(failure)?;
    let peer = tls
        .conn
        .peer_certificates()
        .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    let version = tls.conn.protocol_version();
    tls.conn.send_close_notify();
    tls.flush().map_err(failure)?;
    // The peer's close_notify reads as a clean end of stream (an EOF without it is an error).
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).map_err(failure)?;
    assert!(rest.is_empty(), "unexpected extra data: {rest:?}");
    Ok(Seen { peer, received, version })
}

// ---------------------------------------------------------------------------------------
// Assertions on what the peers saw
// ---------------------------------------------------------------------------------------

/// The CN of a DER certificate, read with x509-parser.
fn cn(der: &[u8]) -> String {
    let cert = parse(der);
    let cns: Vec<String> =
        cert.subject().iter_common_name().map(|a| a.as_str().expect("UTF-8 CN").to_string()).collect();
    assert_eq!(cns.len(), 1, "exactly one CN: {cns:?}");
    cns.into_iter().next().unwrap()
}

/// The server saw exactly the client certificate (chain) in `expected_file`, leaf CN=`who`.
fn assert_server_saw_client(server: &Seen, expected_file: &Path, who: &str) {
    assert_eq!(
        server.peer,
        certs(expected_file),
        "the server saw the client's certificates from {}",
        expected_file.display()
    );
    assert_eq!(cn(&server.peer[0]), who);
}

const VERSIONS: [&SupportedProtocolVersion; 2] = [&TLS13, &TLS12];

/// The root certificate, `CA_DIR/ca.pem`.
pub(crate) fn ca_pem(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("ca.pem")
}

/// The key type of a certificate's public key, in `--key-type` terms (x509-parser's reading).
fn key_type_of(der: &[u8]) -> String {
    let cert = parse(der);
    let spki = cert.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let param = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
    match (alg.as_str(), param.as_deref()) {
        ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => "ecdsa-p256".into(),
        ("1.2.840.10045.2.1", Some("1.3.132.0.34")) => "ecdsa-p384".into(),
        ("1.3.101.112", None) => "ed25519".into(),
        ("1.2.840.113549.1.1.1", _) => match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => format!("rsa-{}", rsa.key_size()),
            other => panic!("unreadable RSA key: {other:?}"),
        },
        other => panic!("unexpected public key algorithm {other:?}"),
    }
}

/// Issue `server --san localhost,127.0.0.1` and `client --cn alice` with keys of
/// `key_type`, then handshake over TLS 1.3 and 1.2, as `localhost` and as `127.0.0.1`.
fn mutual_tls_with_key_type(key_type: &str) {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "--key-type", key_type, "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "--key-type", key_type, "-q"]);
    for leaf in ["localhost.pem", "alice.pem"] {
        assert_eq!(key_type_of(&certs(&pki.path(leaf))[0]), key_type, "{leaf}");
    }
    let ca = ca_pem(&pki);
    for version in VERSIONS {
        for name in [dns("localhost"), loopback_ip()] {
            let outcome = connect(
                server_config(Identity::leaf(&pki, "localhost"), &ca, version),
                client_config(Identity::leaf(&pki, "alice"), &ca, version),
                name.clone(),
            );
            let (server, client) = outcome.assert_ok();
            assert_server_saw_client(&server, &pki.path("alice.pem"), "alice");
            assert_eq!(client.peer, certs(&pki.path("localhost.pem")));
            assert_eq!(server.version, Some(version.version), "{name:?}");
            assert_eq!(client.version, Some(version.version), "{name:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Handshakes that must succeed
// ---------------------------------------------------------------------------------------

#[test]
fn mutual_tls_with_default_ecdsa_p256_keys() {
    mutual_tls_with_key_type("ecdsa-p256");
}

#[test]
fn mutual_tls_with_ecdsa_p384_keys() {
    mutual_tls_with_key_type("ecdsa-p384");
}

#[test]
fn mutual_tls_with_ed25519_keys() {
    mutual_tls_with_key_type("ed25519");
}

#[test]
fn mutual_tls_with_rsa_2048_keys() {
    mutual_tls_with_key_type("rsa-2048");
}

#[test]
fn mutual_tls_when_the_cas_keys_differ_from_the_leaves() {
    // Every signature algorithm in one chain: an RSA root signs a P-384 intermediate, which
    // signs Ed25519 and P-256 leaves.
    let pki = Pki::new();
    pki.init(&["--key-type", "rsa-2048"]);
    pki.ok(&["ca", "intermediate", "--name", "mixed", "--key-type", "ecdsa-p384", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "mixed", "--san", "localhost", "--key-type", "ed25519", "-q"]);
    pki.ok(&["issue", "client", "--issuer", "mixed", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    for (file, want) in [
        (ca.clone(), "rsa-2048"),
        (pki.ca_dir().join("intermediates/mixed/ca.pem"), "ecdsa-p384"),
        (pki.path("localhost.pem"), "ed25519"),
        (pki.path("alice.pem"), "ecdsa-p256"),
    ] {
        assert_eq!(key_type_of(&certs(&file)[0]), want, "{}", file.display());
    }
    for version in VERSIONS {
        let outcome = connect(
            server_config(Identity::chain(&pki, "localhost"), &ca, version),
            client_config(Identity::chain(&pki, "alice"), &ca, version),
            dns("localhost"),
        );
        let (server, _) = outcome.assert_ok();
        assert_server_saw_client(&server, &pki.path("alice-chain.pem"), "alice");
    }
}

#[test]
fn mutual_tls_through_an_intermediate_with_the_chain_files() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "localhost,127.0.0.1", "-q"]);
    pki.ok(&["issue", "client", "--issuer", "web", "--cn", "alice", "-q"]);
    let intermediate = certs(&pki.ca_dir().join("intermediates/web/ca.pem"));
    assert_eq!(intermediate.len(), 1);
    let ca = ca_pem(&pki);
    for version in VERSIONS {
        for name in [dns("localhost"), loopback_ip()] {
            let outcome = connect(
                server_config(Identity::chain(&pki, "localhost"), &ca, version),
                client_config(Identity::chain(&pki, "alice"), &ca, version),
                name,
            );
            let (server, client) = outcome.assert_ok();
            // Both sides presented leaf + intermediate, and only the root was trusted.
            assert_eq!(client.peer, vec![certs(&pki.path("localhost.pem")).remove(0), intermediate[0].clone()]);
            assert_server_saw_client(&server, &pki.path("alice-chain.pem"), "alice");
            assert_eq!(server.peer[1], intermediate[0]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Handshakes that must fail, for the right reason
// ---------------------------------------------------------------------------------------

#[test]
fn a_server_leaf_without_its_intermediate_is_an_unknown_issuer() {
    // NAME.pem alone does not chain to the root: NAME-chain.pem is what a server must send.
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    let outcome = handshake13((&pki, "localhost"), (&pki, "alice"), &ca);
    assert_eq!(outcome.client_error(), &rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer));
    assert_eq!(outcome.server_error(), &rustls::Error::AlertReceived(AlertDescription::UnknownCA));
}

#[test]
fn a_client_certificate_from_another_ca_is_refused_by_the_server() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let other = Pki::new();
    other.init(&["--cn", "Other Root CA"]);
    other.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    for version in VERSIONS {
        let outcome = connect(
            server_config(Identity::leaf(&pki, "localhost"), &ca, version),
            client_config(Identity::leaf(&other, "alice"), &ca, version),
            dns("localhost"),
        );
        assert_eq!(
            outcome.server_error(),
            &rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
            "{version:?}"
        );
        assert_eq!(outcome.client_error(), &rustls::Error::AlertReceived(AlertDescription::UnknownCA), "{version:?}");
    }
}

#[test]
fn a_server_certificate_from_another_ca_is_refused_by_the_client() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let other = Pki::new();
    other.init(&["--cn", "Other Root CA"]);
    other.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let ca = ca_pem(&pki);
    let outcome = handshake13((&other, "localhost"), (&pki, "alice"), &ca);
    assert_eq!(outcome.client_error(), &rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer));
    assert_eq!(outcome.server_error(), &rustls::Error::AlertReceived(AlertDescription::UnknownCA));
}

/// Regression: two `pki ca init` runs by one user on one host used to give two roots with
/// the same subject, and a certificate from the other CA was then reported as a bad
/// signature. Default roots now carry a random OU, so it is an unknown issuer.
#[test]
fn a_client_certificate_from_another_default_ca_is_an_unknown_issuer() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let other = Pki::new();
    other.init(&[]);
    other.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    assert_ne!(
        parse(&certs(&ca)[0]).subject().to_string(),
        parse(&certs(&ca_pem(&other))[0]).subject().to_string(),
        "two default roots must not share a subject"
    );
    let outcome = handshake13((&pki, "localhost"), (&other, "alice"), &ca);
    assert_eq!(outcome.server_error(), &rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer));
}

#[test]
fn a_server_certificate_for_other_names_is_not_valid_for_the_name_asked_for() {
    let pki = Pki::new();
    pki.init(&[]);
    // DNS names only: neither `other.test` nor `localhost` covers the IP 127.0.0.1, and a
    // SAN of `other.test` does not cover `localhost`.
    pki.ok(&["issue", "server", "--san", "other.test", "-q"]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    for (server_file, name) in
        [("other.test", dns("localhost")), ("localhost", loopback_ip()), ("other.test", loopback_ip())]
    {
        let outcome = connect(
            server_config(Identity::leaf(&pki, server_file), &ca, &TLS13),
            client_config(Identity::leaf(&pki, "alice"), &ca, &TLS13),
            name.clone(),
        );
        match outcome.client_error() {
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { expected, .. }) => {
                assert_eq!(expected, &name, "{server_file}")
            }
            other => panic!("{server_file} for {name:?}: expected NotValidForName, got {other:?}"),
        }
        assert_eq!(outcome.server_error(), &rustls::Error::AlertReceived(AlertDescription::BadCertificate));
    }
}

/// A TLS 1.3 handshake to `localhost`: the server presents `server` (a world and the name
/// of a leaf in it), the client presents `client`, and both trust only `ca`.
pub(crate) fn handshake13(server: (&Pki, &str), client: (&Pki, &str), ca: &Path) -> Outcome {
    connect(
        server_config(Identity::leaf(server.0, server.1), ca, &TLS13),
        client_config(Identity::leaf(client.0, client.1), ca, &TLS13),
        dns("localhost"),
    )
}

/// 2020-02-01T00:00:00Z, the notAfter the expired certificates are minted with.
fn feb_2020() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(1_580_515_200))
}

#[test]
fn an_expired_server_certificate_is_refused_as_expired() {
    expired_certificate_is_refused(true);
}

#[test]
fn an_expired_client_certificate_is_refused_as_expired() {
    expired_certificate_is_refused(false);
}

/// The server's (or the client's) certificate expired on 2020-02-01: the side that checks
/// it refuses it as expired, with that notAfter, and the side that sent it hears
/// `CertificateExpired`.
fn expired_certificate_is_refused(server_expired: bool) {
    let pki = Pki::new();
    pki.init(&[]);
    let past: &[&str] = &["--not-before", "2020-01-01", "--not-after", "2020-02-01"];
    let (server_extra, client_extra) = if server_expired { (past, &[][..]) } else { (&[][..], past) };
    pki.ok(&[&["issue", "server", "--san", "localhost", "-q"][..], server_extra].concat());
    pki.ok(&[&["issue", "client", "--cn", "alice", "-q"][..], client_extra].concat());
    let ca = ca_pem(&pki);
    let outcome = handshake13((&pki, "localhost"), (&pki, "alice"), &ca);
    let (checker, sender) = if server_expired {
        (outcome.client_error(), outcome.server_error())
    } else {
        (outcome.server_error(), outcome.client_error())
    };
    match checker {
        rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { not_after, .. }) => {
            assert_eq!(not_after, &feb_2020())
        }
        other => panic!("expected an expired certificate, got {other:?}"),
    }
    assert_eq!(sender, &rustls::Error::AlertReceived(AlertDescription::CertificateExpired));
}

#[test]
fn a_client_certificate_cannot_serve_tls() {
    // A client certificate that names `localhost` (so only its EKU is wrong) presented by
    // a server: clientAuth is not serverAuth.
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "client", "--cn", "imposter", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    let outcome = handshake13((&pki, "imposter"), (&pki, "alice"), &ca);
    assert_eq!(
        outcome.client_error(),
        &rustls::Error::InvalidCertificate(CertificateError::InvalidPurposeContext {
            required: ExtendedKeyPurpose::ServerAuth,
            presented: vec![ExtendedKeyPurpose::ClientAuth],
        })
    );
    assert_eq!(outcome.server_error(), &rustls::Error::AlertReceived(AlertDescription::UnsupportedCertificate));
}

#[test]
fn a_server_certificate_cannot_authenticate_a_client() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "server", "--san", "alice.test", "--cn", "alice", "-q"]);
    let ca = ca_pem(&pki);
    let outcome = handshake13((&pki, "localhost"), (&pki, "alice.test"), &ca);
    assert_eq!(
        outcome.server_error(),
        &rustls::Error::InvalidCertificate(CertificateError::InvalidPurposeContext {
            required: ExtendedKeyPurpose::ClientAuth,
            presented: vec![ExtendedKeyPurpose::ServerAuth],
        })
    );
    assert_eq!(outcome.client_error(), &rustls::Error::AlertReceived(AlertDescription::UnsupportedCertificate));
}
