//! Reading every file a user names (`-` is stdin): bounded in size, guarded against
//! named pipes that never open, with errors that name the file.

use std::io::Read;
use std::path::Path;

use rustls_pki_types::CertificateDer;

use crate::error::{Error, Result};
use crate::pem::{self, ItemKind, MAX_INPUT_BYTES};

/// The most `pki` reads of a key or passphrase file: far more than any real one.
pub const MAX_SECRET_BYTES: usize = 1024 * 1024;

/// Read a whole input, refusing more than [`MAX_INPUT_BYTES`] without reading it all.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    read_capped(path, "read", MAX_INPUT_BYTES)
}

/// Read a key or passphrase file (at most [`MAX_SECRET_BYTES`]); `action` says what was
/// being done in an I/O error ("read passphrase file").
pub fn read_secret(path: &Path, action: &'static str) -> Result<Vec<u8>> {
    read_capped(path, action, MAX_SECRET_BYTES)
}

fn read_capped(path: &Path, action: &'static str, cap: usize) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let limit = cap as u64 + 1;
    let too_big =
        || Error::BadInput { path: path.to_path_buf(), reason: format!("it is more than the {} pki reads", size(cap)) };
    if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf).map_err(|e| Error::io("-", action, e))?;
    } else {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, action, e))?;
        if meta.is_dir() {
            return Err(Error::io(path, action, std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
        if meta.len() > cap as u64 {
            return Err(Error::BadInput {
                path: path.to_path_buf(),
                reason: format!("it is {}, more than the {} pki reads", size(meta.len() as usize), size(cap)),
            });
        }
        if std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()) {
            buf = read_fifo(path, action, limit)?;
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, action, e))?;
            file.take(limit).read_to_end(&mut buf).map_err(|e| Error::io(path, action, e))?;
        }
    }
    // A device or pipe has no length to check first: the cap is checked on what was read.
    if buf.len() > cap {
        return Err(too_big());
    }
    Ok(buf)
}

/// "64 MiB", "1 MiB", "300 KiB".
fn size(bytes: usize) -> String {
    match bytes >> 20 {
        0 => format!("{} KiB", bytes >> 10),
        m => format!("{m} MiB"),
    }
}

/// How long to wait for a writer to open a named pipe given as input.
const FIFO_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// How long a named pipe may stay silent once open (a writer that holds it open and
/// never writes, or stops half-way).
const FIFO_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

/// Read a named pipe (a FIFO, or `<(command)`) without ever hanging: opening it blocks
/// until a writer comes and each read until it writes, so both happen on a helper thread
/// and are waited for a bounded time ([`FIFO_WAIT`], then [`FIFO_IDLE`] between chunks).
/// On a timeout the helper thread stays blocked until the process exits.
fn read_fifo(path: &Path, action: &'static str, limit: u64) -> Result<Vec<u8>> {
    let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<Vec<u8>>>();
    let p = path.to_path_buf();
    let spawned = std::thread::Builder::new().name("fifo-reader".into()).spawn(move || {
        let mut file = match std::fs::File::open(&p) {
            Ok(f) => f.take(limit),
            Err(e) => return drop(tx.send(Err(e))),
        };
        let _ = tx.send(Ok(Vec::new())); // opened
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => {
                    if tx.send(Ok(chunk[..n].to_vec())).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return drop(tx.send(Err(e))),
            }
        }
    });
    if let Err(e) = spawned {
        return Err(Error::io(path, action, e));
    }
    let silent = |wait: std::time::Duration, what: &str| Error::BadInput {
        path: path.to_path_buf(),
        reason: format!("it is a named pipe and {what} within {} s", wait.as_secs()),
    };
    match rx.recv_timeout(FIFO_WAIT) {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(Error::io(path, action, e)),
        Err(_) => return Err(silent(FIFO_WAIT, "nothing opened it for writing")),
    }
    let mut buf = Vec::new();
    loop {
        match rx.recv_timeout(FIFO_IDLE) {
            Ok(Ok(bytes)) => buf.extend_from_slice(&bytes),
            Ok(Err(e)) => return Err(Error::io(path, action, e)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(buf),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(silent(FIFO_IDLE, "its writer sent nothing more"));
            }
        }
    }
}

/// Read and split one input into items, naming it in errors.
pub fn read_items(path: &Path) -> Result<pem::Items> {
    let bytes = read_input(path)?;
    pem::read_items(&bytes).map_err(|e| Error::BadInput { path: path.to_path_buf(), reason: e.to_string() })
}

/// The certificate items of one input, in order, each checked to be a parseable X.509
/// certificate; none, or a broken one, is an error naming the file.
pub fn read_cert_items(path: &Path) -> Result<Vec<pem::Item>> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let items = read_items(path)?;
    let certs: Vec<pem::Item> = items.items.into_iter().filter(|i| i.kind == ItemKind::Certificate).collect();
    if certs.is_empty() {
        return Err(Error::BadInput { path: path.to_path_buf(), reason: "it holds no certificate".into() });
    }
    for c in &certs {
        match X509Certificate::from_der(&c.der) {
            Ok(([], _)) => {}
            Ok(_) => {
                return Err(Error::BadInput {
                    path: path.to_path_buf(),
                    reason: format!("certificate in block {} has trailing data after it", c.index),
                });
            }
            Err(_) => {
                return Err(Error::BadInput {
                    path: path.to_path_buf(),
                    reason: format!("block {} is not a valid X.509 certificate (malformed DER)", c.index),
                });
            }
        }
    }
    Ok(certs)
}

/// The certificates of one input, in order (see [`read_cert_items`]).
pub fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    Ok(read_cert_items(path)?.into_iter().map(|i| CertificateDer::from(i.der)).collect())
}

/// The CRLs of one input; none is an error naming the file.
pub fn read_crls(path: &Path) -> Result<Vec<Vec<u8>>> {
    let items = read_items(path)?;
    let crls: Vec<_> = items.items.into_iter().filter(|i| i.kind == ItemKind::Crl).map(|i| i.der).collect();
    if crls.is_empty() {
        return Err(Error::BadInput { path: path.to_path_buf(), reason: "it holds no CRL".into() });
    }
    Ok(crls)
}
