//! Reading input files for the read-side commands (`-` is stdin), bounded in size, with
//! errors that name the file.

use std::io::Read;
use std::path::Path;

use rustls_pki_types::CertificateDer;

use crate::error::{Error, Result};
use crate::pem::{self, ItemKind, MAX_INPUT_BYTES};

/// Read a whole input, refusing more than [`MAX_INPUT_BYTES`] without reading it all.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("-", "read", e))?;
    } else {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
        if meta.is_dir() {
            return Err(Error::io(
                path,
                "read",
                std::io::Error::from(std::io::ErrorKind::IsADirectory),
            ));
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut buf))
            .map_err(|e| Error::io(path, "read", e))?;
    }
    Ok(buf)
}

/// Read and split one input into items, naming it in errors.
pub fn read_items(path: &Path) -> Result<pem::Items> {
    let bytes = read_input(path)?;
    pem::read_items(&bytes).map_err(|e| Error::BadInput {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The certificates of one input, in order; none is an error naming the file.
pub fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let items = read_items(path)?;
    let certs: Vec<_> = items
        .items
        .into_iter()
        .filter(|i| i.kind == ItemKind::Certificate)
        .map(|i| CertificateDer::from(i.der))
        .collect();
    if certs.is_empty() {
        return Err(Error::BadInput {
            path: path.to_path_buf(),
            reason: "it holds no certificate".into(),
        });
    }
    Ok(certs)
}

/// The CRLs of one input; none is an error naming the file.
pub fn read_crls(path: &Path) -> Result<Vec<Vec<u8>>> {
    let items = read_items(path)?;
    let crls: Vec<_> = items
        .items
        .into_iter()
        .filter(|i| i.kind == ItemKind::Crl)
        .map(|i| i.der)
        .collect();
    if crls.is_empty() {
        return Err(Error::BadInput {
            path: path.to_path_buf(),
            reason: "it holds no CRL".into(),
        });
    }
    Ok(crls)
}
