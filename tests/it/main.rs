//! End-to-end tests: the real `pki` binary, run as a user would run it.

mod common;

mod bad_input;
mod batch;
mod bundle;
mod ca;
mod concurrency;
mod crash;
mod fixtures;
mod generated;
mod handshake;
mod hostile;
mod inspect;
mod interop_openssl;
mod issue;
mod issue14_issuing;
mod issue14_reading;
mod layout;
mod ledger;
mod lifecycle;
mod limbo;
mod name_constraints;
mod net_limits;
mod pkcs11;
mod postgres;
mod recipes;
mod red_team;
mod secrets;
mod serve;
mod setup;
mod strict;
mod terminal;
mod trust;
mod trust_nss;
mod verify;
mod x509;
