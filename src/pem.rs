//! Reading what users hand us: PEM with any number of blocks (LF or CRLF, text between
//! blocks allowed) or one DER object detected by content, with bounds on the work a
//! file can cause.

use x509_parser::prelude::FromDer;

/// The largest input `pki` reads (bigger files are refused, not half-read).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// The most PEM blocks read from one input.
pub const MAX_BLOCKS: usize = 100_000;

/// What a PEM block or DER object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `CERTIFICATE` (also `TRUSTED CERTIFICATE`, `X509 CERTIFICATE`).
    Certificate,
    /// `PRIVATE KEY` (PKCS#8).
    PrivateKey,
    /// `EC PRIVATE KEY` (SEC 1).
    EcPrivateKey,
    /// `RSA PRIVATE KEY` (PKCS#1).
    RsaPrivateKey,
    /// `ENCRYPTED PRIVATE KEY` (PKCS#8).
    EncryptedPrivateKey,
    /// `CERTIFICATE REQUEST` (also `NEW CERTIFICATE REQUEST`).
    Csr,
    /// `X509 CRL`.
    Crl,
    /// `PUBLIC KEY` (SubjectPublicKeyInfo).
    PublicKey,
    /// A private key block encrypted the old OpenSSL way (RFC 1421 `Proc-Type: 4,ENCRYPTED`
    /// and `DEK-Info` headers). Its item's `der` holds the DEK-Info value, not DER: the key
    /// itself cannot be read without its passphrase.
    LegacyEncryptedKey,
}

impl ItemKind {
    fn from_label(label: &str) -> Option<ItemKind> {
        Some(match label {
            "CERTIFICATE" | "TRUSTED CERTIFICATE" | "X509 CERTIFICATE" => ItemKind::Certificate,
            "PRIVATE KEY" => ItemKind::PrivateKey,
            "EC PRIVATE KEY" => ItemKind::EcPrivateKey,
            "RSA PRIVATE KEY" => ItemKind::RsaPrivateKey,
            "ENCRYPTED PRIVATE KEY" => ItemKind::EncryptedPrivateKey,
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => ItemKind::Csr,
            "X509 CRL" => ItemKind::Crl,
            "PUBLIC KEY" => ItemKind::PublicKey,
            _ => return None,
        })
    }
}

/// One object read from an input.
#[derive(Clone, Debug)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// Its DER bytes.
    pub der: Vec<u8>,
    /// Its position in the input, from 1 (PEM block number; 1 for DER).
    pub index: usize,
}

/// Everything read from one input.
#[derive(Clone, Debug, Default)]
pub struct Items {
    /// The recognised objects, in order.
    pub items: Vec<Item>,
    /// Notes about what was passed over (unknown labels), for warnings.
    pub skipped: Vec<String>,
}

/// Why an input could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than [`MAX_INPUT_BYTES`].
    TooLarge(usize),
    /// Empty or only whitespace.
    Empty,
    /// Neither PEM nor a DER object `pki` knows.
    Unrecognised,
    /// A PEM block that is broken; `block` counts from 1.
    BadPem {
        /// Which block.
        block: usize,
        /// What is wrong.
        reason: String,
    },
    /// More than [`MAX_BLOCKS`] blocks.
    TooManyBlocks,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge(_) => {
                write!(f, "it is more than the {} MiB pki reads", MAX_INPUT_BYTES >> 20)
            }
            ReadError::Empty => write!(f, "it is empty"),
            ReadError::Unrecognised => {
                write!(f, "it holds nothing recognisable (no PEM block, and not a DER certificate, key, CSR or CRL)")
            }
            ReadError::BadPem { block, reason } => {
                write!(f, "PEM block {block} is malformed: {reason}")
            }
            ReadError::TooManyBlocks => write!(f, "it has more than {MAX_BLOCKS} PEM blocks"),
        }
    }
}

/// Read every recognised object from `bytes`: PEM if it has a BEGIN line, else one DER object.
pub fn read_items(bytes: &[u8]) -> Result<Items, ReadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge(bytes.len()));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    if contains(bytes, b"-----BEGIN ") {
        return read_pem(bytes);
    }
    match detect_der(bytes) {
        Some(kind) => Ok(Items { items: vec![Item { kind, der: bytes.to_vec(), index: 1 }], skipped: Vec::new() }),
        None => Err(ReadError::Unrecognised),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn read_pem(bytes: &[u8]) -> Result<Items, ReadError> {
    check_end_lines(bytes)?;
    let mut out = Items::default();
    // Computed once, on the first block the PEM reader refuses.
    let mut legacy: Option<Vec<Option<String>>> = None;
    for (i, block) in x509_parser::pem::Pem::iter_from_buffer(bytes).enumerate() {
        let index = i + 1;
        if index > MAX_BLOCKS {
            return Err(ReadError::TooManyBlocks);
        }
        let pem = match block {
            Ok(pem) => pem,
            Err(e) => match legacy.get_or_insert_with(|| legacy_headers(bytes)).get(index - 1).cloned().flatten() {
                Some(dek) => {
                    out.items.push(Item { kind: ItemKind::LegacyEncryptedKey, der: dek.into_bytes(), index });
                    continue;
                }
                None => return Err(ReadError::BadPem { block: index, reason: pem_reason(&e) }),
            },
        };
        match ItemKind::from_label(pem.label.trim()) {
            Some(kind) => out.items.push(Item { kind, der: pem.contents, index }),
            None => out.skipped.push(format!("PEM block {index} ('{}') is not a kind pki reads", pem.label)),
        }
    }
    if out.items.is_empty() && out.skipped.is_empty() {
        return Err(ReadError::Unrecognised);
    }
    Ok(out)
}

/// Every block's END line must name the label its BEGIN line gave, whole (RFC 7468,
/// section 2): x509-parser's reader checks only the `-----END` prefix, so without this
/// `BEGIN CERTIFICATE ... END PRIVATE KEY` or an END line cut short would be accepted.
/// This checks the framing only; the blocks are still decoded by x509-parser.
fn check_end_lines(bytes: &[u8]) -> Result<(), ReadError> {
    let mut open: Option<(usize, &[u8])> = None;
    let mut blocks = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.trim_ascii_end();
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            blocks += 1;
            open = Some((blocks, rest.strip_suffix(b"-----").unwrap_or(rest)));
        } else if line.starts_with(b"-----END") {
            let Some((block, label)) = open.take() else { continue };
            let whole = line.strip_prefix(b"-----END ").and_then(|r| r.strip_suffix(b"-----"));
            if whole != Some(label) {
                let text = |b: &[u8]| String::from_utf8_lossy(b).chars().take(80).collect::<String>();
                return Err(ReadError::BadPem {
                    block,
                    reason: format!(
                        "its END line '{}' does not match its BEGIN line (expected '-----END {}-----')",
                        text(line),
                        text(label)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// For every PEM block in order: its DEK-Info header when it is a legacy encrypted key
/// (`Proc-Type: 4,ENCRYPTED`), which the PEM reader cannot decode; one pass over the text.
fn legacy_headers(bytes: &[u8]) -> Vec<Option<String>> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.starts_with("-----BEGIN ") {
            continue;
        }
        let (mut encrypted, mut dek) = (false, None);
        for _ in 0..4 {
            let Some(next) = lines.peek() else { break };
            let next = next.trim();
            if next.starts_with("-----") {
                break;
            }
            if next.starts_with("Proc-Type:") && next.contains("ENCRYPTED") {
                encrypted = true;
            } else if let Some(v) = next.strip_prefix("DEK-Info:") {
                dek = Some(v.trim().to_string());
            }
            lines.next();
        }
        out.push(encrypted.then(|| dek.unwrap_or_default()));
    }
    out
}

fn pem_reason(e: &x509_parser::error::PEMError) -> String {
    use x509_parser::error::PEMError;
    match e {
        PEMError::Base64DecodeError => "bad base64".into(),
        PEMError::IncompletePEM => "no END line (truncated?)".into(),
        PEMError::InvalidHeader => "bad BEGIN line".into(),
        PEMError::MissingHeader => "no BEGIN line".into(),
        PEMError::IOError(e) => e.to_string(),
    }
}

/// Guess what a DER object is by parsing it as each kind in turn.
pub fn detect_der(der: &[u8]) -> Option<ItemKind> {
    use pkcs8::der::Decode;
    if der.first() != Some(&0x30) {
        return None;
    }
    let whole = |rest: &[u8]| rest.is_empty();
    if matches!(x509_parser::certificate::X509Certificate::from_der(der), Ok((r, _)) if whole(r)) {
        return Some(ItemKind::Certificate);
    }
    if matches!(x509_parser::revocation_list::CertificateRevocationList::from_der(der), Ok((r, _)) if whole(r)) {
        return Some(ItemKind::Crl);
    }
    if matches!(x509_parser::certification_request::X509CertificationRequest::from_der(der), Ok((r, _)) if whole(r)) {
        return Some(ItemKind::Csr);
    }
    if pkcs8::EncryptedPrivateKeyInfo::from_der(der).is_ok() {
        return Some(ItemKind::EncryptedPrivateKey);
    }
    if pkcs8::PrivateKeyInfo::from_der(der).is_ok() {
        return Some(ItemKind::PrivateKey);
    }
    if matches!(x509_parser::x509::SubjectPublicKeyInfo::from_der(der), Ok((r, _)) if whole(r)) {
        return Some(ItemKind::PublicKey);
    }
    if pkcs1::RsaPrivateKey::from_der(der).is_ok() {
        return Some(ItemKind::RsaPrivateKey);
    }
    let sec1 = rustls_pki_types::PrivateKeyDer::Sec1(rustls_pki_types::PrivateSec1KeyDer::from(der));
    if rcgen::KeyPair::try_from(&sec1).is_ok() {
        return Some(ItemKind::EcPrivateKey);
    }
    None
}

/// The two encodings of one object: PEM text or binary DER (`pki convert --to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PEM text.
    Pem,
    /// Binary DER.
    Der,
}

/// "PEM" and "DER", as people write them (`--json` says "pem" and "der").
impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Pem => "PEM",
            Format::Der => "DER",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_junk() {
        assert_eq!(read_items(b"").unwrap_err(), ReadError::Empty);
        assert_eq!(read_items(b" \n\t").unwrap_err(), ReadError::Empty);
        assert_eq!(read_items(b"hello").unwrap_err(), ReadError::Unrecognised);
        assert_eq!(read_items(&[0x30, 0x03, 0x02, 0x01]).unwrap_err(), ReadError::Unrecognised);
    }

    #[test]
    fn truncated_and_bad_base64() {
        let e = read_items(b"-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap_err();
        assert!(matches!(e, ReadError::BadPem { block: 1, .. }), "{e:?}");
        let e = read_items(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").unwrap_err();
        assert!(matches!(e, ReadError::BadPem { block: 1, .. }), "{e:?}");
    }

    #[test]
    fn an_end_line_must_name_the_begin_label_whole() {
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n";
        for end in ["-----END PRIVATE KEY-----", "-----END CERTIF", "-----END CERTIFICATE----", "-----END-----"] {
            let e = read_items(format!("{cert}{end}\n").as_bytes()).unwrap_err();
            match e {
                ReadError::BadPem { block: 1, reason } => assert!(reason.contains(end), "{reason}"),
                e => panic!("{end}: {e:?}"),
            }
        }
        // The second block is the bad one; CRLF and trailing blanks are fine.
        let good = "-----BEGIN FOO-----\r\nAAAA\r\n-----END FOO-----  \r\n";
        let e = read_items(format!("{good}{cert}-----END FOO-----\n").as_bytes()).unwrap_err();
        assert!(matches!(e, ReadError::BadPem { block: 2, .. }), "{e:?}");
        assert!(read_items(good.as_bytes()).is_ok());
    }

    #[test]
    fn unknown_labels_are_skipped_not_fatal() {
        let r = read_items(b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n").unwrap();
        assert!(r.items.is_empty());
        assert_eq!(r.skipped.len(), 1);
    }
}
