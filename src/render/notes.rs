//! Warnings noticed by the command layer while a command runs, outside any report (a CA
//! passphrase given for a key that is not encrypted is learnt deep in a load): kept here
//! and printed with the report's own warnings, or before the error when the command fails.

use std::sync::Mutex;

static PENDING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Keep a warning for stderr; the same text twice is kept once.
pub fn warn(message: String) {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if !pending.contains(&message) {
        pending.push(message);
    }
}

/// The warnings kept so far, emptied.
pub(crate) fn take() -> Vec<String> {
    std::mem::take(&mut *PENDING.lock().unwrap_or_else(|e| e.into_inner()))
}
