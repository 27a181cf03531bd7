//! End-to-end tests: the real `pki` binary, run as a user would run it.

mod common;

mod bad_input;
mod ca;
mod concurrency;
mod handshake;
mod interop_openssl;
mod issue;
mod limbo;
mod bundle;
mod inspect;
mod verify;
