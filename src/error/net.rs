//! Why a TLS connection (`probe`) was not made: resolving, connecting, the deadline, the
//! handshake.

use std::fmt;

/// Why a probe got no TLS connection.
#[derive(Debug)]
pub enum NetError {
    /// The host name did not resolve.
    Resolve {
        /// HOST:PORT.
        addr: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// The name resolved to no address.
    NoAddress {
        /// HOST:PORT.
        addr: String,
    },
    /// No TCP connection (the last address tried).
    Connect {
        /// The address.
        addr: std::net::SocketAddr,
        /// The error.
        source: std::io::Error,
    },
    /// The probe did not finish within `--timeout`.
    Timeout {
        /// The limit, for the whole probe.
        after: std::time::Duration,
        /// The step it was in: "connecting", "the handshake", ...
        step: &'static str,
    },
    /// The handshake failed.
    Handshake(std::io::Error),
    /// The server sent an alert right after the handshake (e.g. no client certificate).
    Refused(std::io::Error),
    /// The socket could not be set up.
    Socket(std::io::Error),
    /// rustls refused the client configuration.
    Setup(rustls::Error),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Resolve { addr, source } => write!(f, "cannot resolve '{addr}': {source}"),
            NetError::NoAddress { addr } => write!(f, "no address for '{addr}'"),
            NetError::Connect { addr, source } => write!(f, "cannot connect to {addr}: {source}"),
            NetError::Timeout { after, step } => {
                write!(f, "timed out after {} s, during {step} (--timeout bounds the whole probe)", after.as_secs())
            }
            NetError::Handshake(e) => write!(f, "the TLS handshake failed: {e}"),
            NetError::Refused(e) => write!(f, "the server refused the connection: {e}"),
            NetError::Socket(e) => write!(f, "{e}"),
            NetError::Setup(e) => write!(f, "{e}"),
        }
    }
}
