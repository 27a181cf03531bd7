//! TLS to the ledger database, on rustls (aws-lc-rs), as libpq's `sslmode` means it:
//! `verify-full` checks the server's chain and host name, `verify-ca` the chain only,
//! `require` and `prefer` encrypt and check the chain only when there are roots to check
//! it against (`sslrootcert`, else `~/.postgresql/root.crt`: libpq does the same). A
//! client certificate (`sslcert`/`sslkey`, else `~/.postgresql/postgresql.crt` and `.key`
//! when both are there) is presented to a server that asks for one.

use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pgurl::{PgTarget, RootCerts, SslMode};
use crate::error::{DbErrorKind, Result};

/// A connector for `target`, and what it checks (for messages): None when the URL says
/// `sslmode=disable` (or the host is a Unix socket).
pub(crate) fn connector(target: &PgTarget, libpq_dir: Option<&Path>) -> Result<Option<(MakeRustlsConnect, String)>> {
    if target.config.get_ssl_mode() == postgres::config::SslMode::Disable {
        return Ok(None);
    }
    let tls = &target.tls;
    let default = |name: &str| libpq_dir.map(|d| d.join(name)).filter(|p| p.is_file());
    let root = tls.root.clone().or_else(|| default("root.crt").map(RootCerts::File));
    let provider = crate::tls::provider();
    let fail = |why: String| target.error(DbErrorKind::Tls(why));
    let (verifier, checks): (Arc<dyn ServerCertVerifier>, String) = match (tls.mode, root) {
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(fail(format!(
                "sslmode={} needs the roots the server's certificate chains to: add sslrootcert=/abs/ca.pem (or sslrootcert=system) to the URL, or put them in ~/.postgresql/root.crt",
                tls.mode.name()
            )));
        }
        // require/prefer without roots (libpq's meaning): encrypted, the certificate not
        // checked; the handshake's signatures are (probe's verifier does exactly that).
        (_, None) => (crate::tls::RecordingVerifier::new(), "the server's certificate is not checked".into()),
        (mode, Some(root)) => {
            let (roots, from) = load_roots(&root).map_err(fail)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| fail(e.to_string()))?;
            match mode {
                SslMode::VerifyFull => (webpki, format!("chain and host name checked against {from}")),
                _ => (Arc::new(ChainOnly(webpki)), format!("chain checked against {from}")),
            }
        }
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let client = match (&tls.cert, &tls.key) {
        (Some(c), Some(k)) => Some((c.clone(), k.clone())),
        _ => default("postgresql.crt").zip(default("postgresql.key")),
    };
    let config = match client {
        Some((cert, key)) => {
            let unlock = crate::keys::PlainOnly("an encrypted sslkey: pki reads only an unencrypted one (mode 0600)");
            let pair = crate::keys::load_pair(&cert, &key, &unlock)?;
            builder.with_client_auth_cert(pair.chain, pair.key.to_rustls()).map_err(|e| fail(e.to_string()))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Some((MakeRustlsConnect::new(config), checks)))
}

/// The roots, and where they came from.
fn load_roots(root: &RootCerts) -> std::result::Result<(RootCertStore, String), String> {
    let mut store = RootCertStore::empty();
    match root {
        RootCerts::File(path) => {
            let certs = crate::input::read_certs(path).map_err(|e| e.to_string())?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!("'{}' holds no usable root certificate", path.display()));
            }
            Ok((store, format!("'{}'", path.display())))
        }
        RootCerts::System => {
            let certs = rustls_native_certs::load_native_certs().certs;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err("the system trust store holds no root certificate".into());
            }
            Ok((store, "the system trust store".into()))
        }
    }
}

/// verify-ca: the chain as webpki checks it, whatever name the certificate is for.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The TLS failure of a connection, in words: `detail` is the driver's chain of errors.
pub(crate) fn explain(detail: &str, checks: &str) -> String {
    if detail.contains("server does not support TLS") {
        return "the server does not offer TLS (ssl = off in its postgresql.conf)".into();
    }
    let why = detail.trim_start_matches("error performing TLS handshake: ");
    let why = if why.contains("UnknownIssuer") {
        "the server's certificate is not signed by these roots".to_string()
    } else if why.contains("not valid for name") {
        format!("the server's certificate is not for this host name ({why})")
    } else if why.contains("Expired") {
        "the server's certificate has expired".to_string()
    } else {
        why.to_string()
    };
    format!("{why} ({checks})")
}

/// Whether a connection failure happened in TLS.
pub(crate) fn is_tls(detail: &str) -> bool {
    detail.contains("TLS handshake") || detail.contains("server does not support TLS")
}
