//! `pki probe`: connect to a TLS server, show the chain it presents, and judge it with
//! `pki verify`'s checks.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};
use rustls::pki_types::ServerName;

use crate::commands::Global;

use crate::error::{Error, Result};
use crate::input::read_certs;
use crate::keys::{self, PlainOnly};
use crate::render::Outcome;
use crate::report::ProbeReport;
use crate::tls;
use crate::verify::{self, Purpose};

/// The one-line description of `ProbeArgs` (also shown in its parent's list).
pub const PROBE_ABOUT: &str = "Connect to a TLS server, show its chain and say whether it verifies";

/// `pki probe`.
#[derive(Debug, Args)]
#[command(
    about = PROBE_ABOUT,
    long_about = "Connect to HOST:PORT with rustls, show the chain the server presented (as \
'pki inspect' would), the negotiated protocol and cipher suite, and the result of verifying the \
chain for --servername (default: HOST) against --ca (default: the system's roots and the CA \
directory's root), with the same error codes as 'pki verify', and whether the server asked for \
a client certificate and which CAs it accepts. With --cert and --key it presents a client \
certificate. --timeout \
bounds the whole probe (name lookup, connecting, the handshake, the reading after it), not each \
step: a silent port or a server that drips one byte at a time never hangs it.",
    after_help = "EXAMPLES:\n  pki probe localhost:8443    # the CA directory's root is trusted too\n  \
pki probe localhost:8443 --ca ca.pem --cert alice.pem --key alice-key.pem\n  \
pki probe 127.0.0.1:9443 --servername x.test --ca ca.pem --json\n\n\
EXIT CODES:\n  0 handshake and verification succeeded   1 no TLS connection could be made   2 usage error\n  3 the server's chain does not verify"
)]
pub struct ProbeArgs {
    /// The server: HOST:PORT ([IPv6]:PORT for IPv6)
    #[arg(value_name = "HOST:PORT")]
    pub target: String,
    /// The name to ask for (SNI) and to verify (default: HOST)
    #[arg(long, value_name = "NAME")]
    pub servername: Option<String>,
    /// Trust anchors (repeatable; default: the system's roots and the CA directory's root)
    #[arg(long = "ca", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ca: Vec<PathBuf>,
    /// A client certificate to present (with --key)
    #[arg(long, value_name = "FILE", requires = "key", value_hint = ValueHint::FilePath)]
    pub cert: Option<PathBuf>,
    /// The client certificate's key
    #[arg(long, value_name = "FILE", requires = "cert", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,
    /// Seconds the whole probe may take: connecting, the handshake and reading, together
    ///
    /// One deadline for everything, not a limit per read: a server that sends a byte a
    /// second is abandoned when it passes. 1 to 300.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

/// HOST from HOST:PORT or [HOST]:PORT.
fn host_of(target: &str) -> Option<&str> {
    if let Some(rest) = target.strip_prefix('[') {
        return rest.split_once(']').map(|(h, _)| h);
    }
    target.rsplit_once(':').map(|(h, _)| h)
}

/// Run `pki probe`.
pub fn run(a: ProbeArgs, global: &Global) -> Result<Outcome> {
    let host = host_of(&a.target).filter(|h| !h.is_empty()).ok_or_else(|| Error::InvalidValue {
        flag: "HOST:PORT",
        value: a.target.clone(),
        reason: "expected HOST:PORT, as in localhost:8443 or [::1]:8443".into(),
        hint: None,
    })?;
    let name_text = a.servername.clone().unwrap_or_else(|| host.to_string());
    let server_name = ServerName::try_from(name_text.clone()).map_err(|_| Error::InvalidValue {
        flag: "--servername",
        value: name_text.clone(),
        reason: "not a valid DNS name or IP address".into(),
        hint: None,
    })?;
    let client = match (&a.cert, &a.key) {
        (Some(c), Some(k)) => {
            let plain = PlainOnly("it is encrypted; pki probe needs the plain key");
            Some(tls::certified_key(keys::load_pair(c, k, &plain)?)?)
        }
        _ => None,
    };
    let mut anchors = Vec::new();
    for c in &a.ca {
        anchors.extend(read_certs(c)?);
    }
    if a.ca.is_empty() {
        anchors.extend(rustls_native_certs::load_native_certs().certs);
        // The CA directory's root too, so that a server with a pki certificate verifies
        // without --ca (docs/cli.md).
        let root = global.ca().cert_path();
        if root.exists() {
            anchors.extend(read_certs(&root)?);
        }
    }
    let hs = tls::probe(&a.target, server_name.to_owned(), client, Duration::from_secs(a.timeout))
        .map_err(|source| Error::Network { target: a.target.clone(), source })?;
    let Some(leaf) = hs.chain.first().cloned() else {
        return Err(Error::NoPeerCertificate { target: a.target.clone() });
    };
    let (host_check, ip_check) = match name_text.parse::<std::net::IpAddr>() {
        Ok(ip) => (None, Some(ip)),
        Err(_) => (Some(name_text.clone()), None),
    };
    let mut verdict = verify::verify(&verify::Input {
        leaf,
        intermediates: hs.chain[1..].to_vec(),
        anchors,
        crls: Vec::new(),
        host: host_check,
        ip: ip_check,
        purpose: Purpose::Server,
        at: global.now,
        key: None,
        profile: verify::Profile::Strict,
    });
    // verify's hint names --untrusted, which probe does not take: the intermediates are
    // what the server sends.
    for p in verdict.errors.iter_mut().filter(|p| p.code == verify::Code::UnknownIssuer) {
        p.hint = Some(if a.ca.is_empty() {
            "pass the issuing root with --ca FILE (the system roots and the CA directory's root were tried); if an intermediate is missing, the server must send it: serve NAME-chain.pem, not NAME.pem".into()
        } else {
            "pass the issuing root with --ca FILE; if an intermediate is missing, the server must send it: serve NAME-chain.pem, not NAME.pem".into()
        });
    }
    let presented = hs
        .chain
        .iter()
        .enumerate()
        .filter_map(|(i, c)| crate::describe::cert::describe(c, &a.target, i + 1).ok())
        .collect();
    Ok(Outcome::new(ProbeReport {
        target: a.target.clone(),
        server_name: name_text,
        protocol: hs.protocol,
        cipher_suite: hs.cipher_suite,
        presented,
        verification: verdict,
        client_cert_requested: hs.client_cert_requested,
        client_ca_names: hs.client_ca_names,
        presented_client_cert: a.cert.is_some(),
        now: global.now,
    }))
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts() {
        assert_eq!(host_of("localhost:8443"), Some("localhost"));
        assert_eq!(host_of("[::1]:8443"), Some("::1"));
        assert_eq!(host_of("10.0.0.1:443"), Some("10.0.0.1"));
        assert_eq!(host_of("nohost"), None);
    }
}
