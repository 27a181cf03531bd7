//! `pki ca init` and `pki ca intermediate`.

use crate::common::*;

#[test]
fn init_creates_root_with_private_modes() {
    let pki = Pki::new();
    pki.init(&[]);
    assert_eq!(mode(&pki.ca_dir()), 0o700);
    assert_eq!(mode(&pki.ca_dir().join("ca-key.pem")), 0o600);
    let der = read_cert(&pki.ca_dir().join("ca.pem"));
    let cert = parse(&der);
    let bc = cert.basic_constraints().unwrap().expect("basicConstraints");
    assert!(bc.critical && bc.value.ca);
}
