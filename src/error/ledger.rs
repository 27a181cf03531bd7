//! What is wrong with a damaged ledger: the reason inside [`super::Error::Ledger`].

use std::fmt;

/// What is wrong with a ledger (carried by [`Error::Ledger`] with its location).
#[derive(Debug)]
pub enum LedgerProblem {
    /// Nothing at all, not even the header.
    Empty,
    /// The first line is not a ledger header.
    NotALedger,
    /// A header of a format version this build does not read.
    Version {
        /// The version the header names.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// A line that is not an event.
    BadLine {
        /// Its number, from 1 (the header).
        line: usize,
        /// Why it does not parse.
        source: serde_json::Error,
    },
    /// A revocation or renewal of a serial with no `issued` event before it.
    NeverIssued {
        /// Its line number.
        line: usize,
        /// The serial.
        serial: String,
        /// "revokes" or "renews".
        what: &'static str,
    },
    /// A recorded serial that is not hex.
    BadSerial {
        /// The serial as recorded.
        serial: String,
    },
    /// The CRL number of an issuer is at the largest pki records: the next CRL would wrap
    /// to 0, and CRL numbers must never go backwards (RFC 5280, 5.2.3).
    CrlNumberExhausted {
        /// The issuer ("root" or an intermediate's name).
        issuer: String,
        /// Its last CRL number.
        number: u64,
    },
}

impl fmt::Display for LedgerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerProblem::Empty => f.write_str("the file is empty (its first line should be {\"pki_ledger\":2})"),
            LedgerProblem::NotALedger => {
                f.write_str("the first line is not {\"pki_ledger\":2}: this is not a pki ledger")
            }
            LedgerProblem::Version { found, supported } => {
                write!(f, "format version {found} is not supported by this pki (it reads version {supported})")
            }
            LedgerProblem::BadLine { line, source } => write!(f, "line {line} is not a ledger event: {source}"),
            LedgerProblem::NeverIssued { line, serial, what } => {
                write!(f, "line {line}: {what} serial {serial}, which was never issued")
            }
            LedgerProblem::BadSerial { serial } => write!(f, "serial '{serial}' is not hex"),
            LedgerProblem::CrlNumberExhausted { issuer, number } => write!(
                f,
                "the last CRL number of '{issuer}' is {number}, the largest pki records; CRL numbers never go back, so no CRL was written"
            ),
        }
    }
}
