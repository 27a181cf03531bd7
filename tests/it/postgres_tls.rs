//! TLS to the ledger database, against a real PostgreSQL whose server certificate pki
//! issued: the server refuses every connection without TLS (`hostnossl ... reject`), so
//! each success here went through TLS. libpq's sslmodes keep their meaning (verify-full
//! checks chain and host name, verify-ca the chain, require encrypts), `~/.postgresql/
//! root.crt` is the default root file, and a client certificate from pki logs in a role
//! that the server authenticates by certificate, with no password at all.

use std::path::Path;

use super::postgres::Postgres;
use crate::common::Pki;

/// The CA the database's certificates come from, with a server certificate for
/// `localhost` only and a client certificate for the role `ledger`.
struct DbCa {
    pki: Pki,
}

impl DbCa {
    fn new() -> DbCa {
        let pki = Pki::new();
        pki.init(&["--cn", "Database CA"]);
        pki.ok(&["issue", "server", "--san", "localhost", "--name", "server", "-q"]);
        pki.ok(&["issue", "client", "--cn", "ledger", "--name", "client", "-q"]);
        DbCa { pki }
    }

    fn root(&self) -> String {
        self.pki.ca_dir().join("ca.pem").display().to_string()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.pki.path(name)).unwrap()
    }

    fn file(&self, name: &str) -> String {
        self.pki.path(name).display().to_string()
    }
}

/// A cluster with TLS only: the server certificate from `ca`, clients' certificates
/// checked against it, `ledger` logging in by certificate, `pki` by password.
fn tls_cluster(ca: &DbCa) -> Option<Postgres> {
    let root = std::fs::read(ca.root()).unwrap();
    let (cert, key) = (ca.read("server.pem"), ca.read("server-key.pem"));
    let files: [(&str, &[u8]); 3] = [("server.pem", &cert), ("server.key", &key), ("clients.pem", &root)];
    let conf = "\nssl = on\nssl_cert_file = '{dir}/server.pem'\nssl_key_file = '{dir}/server.key'\nssl_ca_file = '{dir}/clients.pem'\n";
    let hba = "hostnossl all all 0.0.0.0/0 reject\nhostssl all ledger 127.0.0.1/32 cert\nhostssl all pki 127.0.0.1/32 scram-sha-256";
    // `ledger` owns a database of its own (and so its public schema, for the tables).
    let sql = "CREATE ROLE ledger LOGIN; CREATE DATABASE ledgerdb OWNER ledger";
    Postgres::own_configured(&files, sql, conf, hba)
}

fn url(pg: &Postgres, user: &str, host: &str, query: &str) -> String {
    format!("postgres://{user}@{host}:{}/{}?{query}", pg.port(), pg.dbname())
}

/// `pki ca init --ledger URL` in a fresh CA directory: its stderr and whether it worked.
fn init(pg: &Postgres, url: &str, home: Option<&Path>) -> (Pki, Option<String>) {
    let pki = Pki::new();
    let mut call = pg.pki(&pki, &["ca", "init", "-q", "--ledger", url]);
    if let Some(h) = home {
        call = call.env("HOME", h);
    }
    let out = call.output();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => (pki, None),
        Some(1) => {
            assert!(!pki.ca_dir().join("ca.pem").exists(), "{url}: a CA after a failure");
            (pki, Some(err))
        }
        c => panic!("{url}: exit {c:?}: {err}"),
    }
}

#[test]
fn tls_to_the_ledger_checks_what_sslmode_says() {
    let ca = DbCa::new();
    let Some(pg) = tls_cluster(&ca) else { return };
    let root = ca.root();
    let other = Pki::new();
    other.init(&["--cn", "Some Other CA"]);
    let other_root = other.ca_dir().join("ca.pem").display().to_string();

    // No TLS: the server refuses (so every success below went through TLS).
    let (_, err) = init(&pg, &url(&pg, "pki", "127.0.0.1", "sslmode=disable"), None);
    let err = err.expect("sslmode=disable refused");
    assert!(err.contains("TLS to the ledger database at 127.0.0.1:") && err.contains("over TLS only"), "{err}");
    assert!(err.contains("hint: check sslmode"), "{err}");

    // verify-full: the chain against the right roots and the name in the certificate.
    let full =
        |host: &str, rootfile: &str| url(&pg, "pki", host, &format!("sslmode=verify-full&sslrootcert={rootfile}"));
    let (pki, err) = init(&pg, &full("localhost", &root), None);
    assert_eq!(err, None);
    pg.pki(&pki, &["issue", "server", "--san", "app.test", "-q"]).ok();
    let listed = pg.pki(&pki, &["list"]).ok();
    assert!(listed.contains("app.test"), "{listed}");
    let export = pg.pki(&pki, &["ledger", "export"]).ok();
    assert_eq!(export.lines().count(), 2, "the header and the leaf: {export}");
    assert!(export.lines().nth(1).unwrap().contains("\"sans\":[\"app.test\"]"), "{export}");

    let (_, err) = init(&pg, &full("localhost", &other_root), None);
    let err = err.expect("another CA's roots refused");
    assert!(err.contains("TLS to the ledger database at localhost:"), "{err}");
    assert!(err.contains("not signed by these roots") && err.contains(&other_root), "{err}");

    let (_, err) = init(&pg, &full("127.0.0.1", &root), None);
    let err = err.expect("a certificate for localhost refused at 127.0.0.1");
    assert!(err.contains("not for this host name"), "{err}");

    // sslrootcert=system: the system's store, here as SSL_CERT_FILE names it (which
    // rustls-native-certs, like OpenSSL, honours).
    let system = full("localhost", "system");
    let pki = Pki::new();
    pg.pki(&pki, &["ca", "init", "-q", "--ledger", &system]).env("SSL_CERT_FILE", &root).ok();
    let err =
        pg.pki(&Pki::new(), &["ca", "init", "-q", "--ledger", &system]).env("SSL_CERT_FILE", &other_root).fails(1);
    assert!(
        err.contains("not signed by these roots (chain and host name checked against the system trust store)"),
        "{err}"
    );

    // verify-ca: the chain only, so 127.0.0.1 is fine; another CA still is not.
    let ca_only = |rootfile: &str| url(&pg, "pki", "127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={rootfile}"));
    assert_eq!(init(&pg, &ca_only(&root), None).1, None);
    assert!(init(&pg, &ca_only(&other_root), None).1.expect("refused").contains("not signed by these roots"));

    // verify-full without roots: an error naming what is missing; libpq's default file
    // ~/.postgresql/root.crt counts.
    let home = tempfile::tempdir().unwrap();
    let bare = url(&pg, "pki", "localhost", "sslmode=verify-full");
    let err = init(&pg, &bare, Some(home.path())).1.expect("no roots");
    assert!(err.contains("needs the roots") && err.contains("add sslrootcert=/abs/ca.pem"), "{err}");
    std::fs::create_dir_all(home.path().join(".postgresql")).unwrap();
    std::fs::copy(&root, home.path().join(".postgresql/root.crt")).unwrap();
    assert_eq!(init(&pg, &bare, Some(home.path())).1, None);

    // require with no roots anywhere: encrypted, the certificate not checked (libpq's
    // meaning); with the default root file present, it is checked as verify-ca.
    let empty = tempfile::tempdir().unwrap();
    let require = url(&pg, "pki", "127.0.0.1", "sslmode=require");
    assert_eq!(init(&pg, &require, Some(empty.path())).1, None);
    std::fs::copy(&other_root, home.path().join(".postgresql/root.crt")).unwrap();
    let err = init(&pg, &require, Some(home.path())).1.expect("root.crt checked");
    assert!(err.contains("not signed by these roots") && err.contains("root.crt"), "{err}");

    // A client certificate from the database's CA logs `ledger` in, with no password.
    let query = format!(
        "sslmode=verify-full&sslrootcert={root}&sslcert={}&sslkey={}",
        ca.file("client.pem"),
        ca.file("client-key.pem")
    );
    let with_cert = format!("postgres://ledger@localhost:{}/ledgerdb?{query}", pg.port());
    let pki = Pki::new();
    pki.call(["ca", "init", "-q", "--ledger", &with_cert]).env_remove("PGPASSWORD").ok();
    pki.call(["issue", "client", "--cn", "by-certificate", "-q"]).env_remove("PGPASSWORD").ok();
    // Without it the server refuses the role.
    let no_cert = format!("postgres://ledger@localhost:{}/ledgerdb?sslmode=verify-full&sslrootcert={root}", pg.port());
    let err = init(&pg, &no_cert, None).1.expect("no client certificate");
    assert!(err.contains("refused user 'ledger'") && err.contains("valid client certificate"), "{err}");
    assert!(err.contains("hint: give the client certificate in the URL (sslcert="), "{err}");
}

#[test]
fn a_server_without_tls_is_named_as_such() {
    let Some(pg) = Postgres::new() else { return };
    let (_, err) = init(&pg, &pg.url, None);
    assert_eq!(err, None, "the test server, without TLS, is fine with the default sslmode (prefer)");
    let (_, err) = init(&pg, &format!("{}?sslmode=require", pg.url), None);
    let err = err.expect("require refused");
    assert!(err.contains("does not offer TLS") && err.contains("127.0.0.1:"), "{err}");
}
