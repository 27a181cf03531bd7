//! The ledger in PostgreSQL (`ca init --ledger URL`): the same commands, the same events,
//! serials and CRL numbers kept unique by the database under concurrent writers, and
//! clear errors (exit 1, naming the host, within 10 s) when the database is not there.
//!
//! The fixture [`Postgres`] gives each test a fresh database: on the server named by
//! `PKI_TEST_POSTGRES_URL` (an admin URL; its password in `PKI_TEST_POSTGRES_PASSWORD` or
//! `PGPASSWORD`) when set, else on a throwaway cluster of its own (initdb as `postgres`,
//! scram passwords, a free port on 127.0.0.1, stopped on drop).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{Invocation, Pki, require, tool};

/// Processes and issuances each for the concurrency test (the CA setup is `ca_init`).
const WRITERS: usize = 4;
const ISSUES_EACH: usize = 50;

/// A database for one test.
pub(crate) struct Postgres {
    /// postgres://USER@HOST:PORT/DB, no password.
    pub url: String,
    /// The password (`PGPASSWORD` for pki).
    pub password: String,
    /// Our own cluster, when there is no shared server.
    cluster: Option<Cluster>,
}

struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Postgres {
    /// A fresh database, or None when the tools are missing and that is allowed.
    pub(crate) fn new() -> Option<Postgres> {
        Postgres::start_with(true)
    }

    /// A fresh database on a cluster of the test's own (to stop and start it).
    pub(crate) fn own() -> Option<Postgres> {
        Postgres::start_with(false)
    }

    fn start_with(shared: bool) -> Option<Postgres> {
        let db = format!("pki_test_{}_{}", std::process::id(), rand_suffix());
        if shared && let Ok(admin) = std::env::var("PKI_TEST_POSTGRES_URL") {
            let password = std::env::var("PKI_TEST_POSTGRES_PASSWORD")
                .or_else(|_| std::env::var("PGPASSWORD"))
                .unwrap_or_default();
            create_db(&admin, &password, &db);
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            return Some(Postgres { url: format!("{base}/{db}"), password, cluster: None });
        }
        if !require("initdb") || !require("pg_ctl") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        set_mode(dir.path(), 0o755);
        let password = format!("pw-{}", rand_suffix());
        std::fs::write(dir.path().join("pw"), &password).unwrap();
        let port = free_port();
        as_postgres(&["chown", "-R", "postgres", &dir.path().display().to_string()], true);
        let data = dir.path().join("data").display().to_string();
        let pwfile = dir.path().join("pw").display().to_string();
        as_postgres(&["initdb", "-D", &data, "-U", "pki", "--auth=scram-sha-256", "--pwfile", &pwfile], false);
        let cluster = Cluster { dir, port };
        cluster.start();
        let admin = format!("postgres://pki@127.0.0.1:{port}/postgres");
        create_db(&admin, &password, &db);
        Some(Postgres { url: format!("postgres://pki@127.0.0.1:{port}/{db}"), password, cluster: Some(cluster) })
    }

    /// A fresh database on a cluster of the test's own, then reconfigured and restarted:
    /// `files` written into the cluster's directory (the server's, mode 0600), `sql` run in
    /// the database, `conf` added to postgresql.conf and `hba` put first in pg_hba.conf
    /// (`{dir}` in either stands for the cluster's directory).
    pub(crate) fn own_configured(files: &[(&str, &[u8])], sql: &str, conf: &str, hba: &str) -> Option<Postgres> {
        let pg = Postgres::start_with(false)?;
        let cluster = pg.cluster.as_ref().unwrap();
        let dir = cluster.dir.path();
        let mut config: postgres::Config = pg.url.parse().unwrap();
        config.password(&pg.password);
        let mut admin = config.connect(postgres::NoTls).expect("admin connection");
        for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
            admin.batch_execute(statement).unwrap();
        }
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
            set_mode(&dir.join(name), 0o600);
        }
        let d = dir.display().to_string();
        let data = dir.join("data");
        let mut text = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        text.push_str(&conf.replace("{dir}", &d));
        std::fs::write(data.join("postgresql.conf"), text).unwrap();
        let old = std::fs::read_to_string(data.join("pg_hba.conf")).unwrap();
        std::fs::write(data.join("pg_hba.conf"), format!("{}\n{old}", hba.replace("{dir}", &d))).unwrap();
        as_postgres(&["chown", "-R", "postgres", &d], true);
        cluster.stop("fast");
        cluster.start();
        Some(pg)
    }

    /// The port of the server.
    pub(crate) fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap()
    }

    /// The database's name.
    pub(crate) fn dbname(&self) -> &str {
        self.url.rsplit('/').next().unwrap()
    }

    /// Stop our cluster at once (`pg_ctl stop -m immediate`).
    pub(crate) fn stop(&self) {
        self.cluster.as_ref().expect("own cluster").stop("immediate");
    }

    /// Start our cluster again.
    pub(crate) fn start(&self) {
        self.cluster.as_ref().expect("own cluster").start();
    }

    /// Whether the test owns the cluster (and so may stop it).
    pub(crate) fn own_cluster(&self) -> bool {
        self.cluster.is_some()
    }

    /// `pki ARGS` in `pki`'s world with the password in PGPASSWORD.
    pub(crate) fn pki(&self, pki: &Pki, args: &[&str]) -> Invocation {
        pki.call(args).env("PGPASSWORD", &self.password)
    }
}

impl Cluster {
    fn start(&self) {
        let d = self.dir.path().display().to_string();
        let opts = format!("-k {d} -p {} -h 127.0.0.1", self.port);
        let log = format!("{d}/log");
        as_postgres(&["pg_ctl", "-D", &format!("{d}/data"), "-o", &opts, "-l", &log, "-w", "start"], false);
    }

    fn stop(&self, mode: &str) {
        let d = self.dir.path().display().to_string();
        as_postgres(&["pg_ctl", "-D", &format!("{d}/data"), "-m", mode, "-w", "stop"], true);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop("fast");
    }
}

/// Run a command as `postgres` when we are root (initdb refuses root).
fn as_postgres(args: &[&str], may_fail: bool) {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let out = if root && args[0] != "chown" {
        Command::new("runuser").args(["-u", "postgres", "--"]).args(args).output()
    } else if args[0] == "chown" && !root {
        return;
    } else {
        Command::new(args[0]).args(&args[1..]).output()
    }
    .unwrap();
    assert!(may_fail || out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

pub(crate) fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn rand_suffix() -> String {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{t:x}")
}

fn create_db(admin: &str, password: &str, db: &str) {
    let mut config: postgres::Config = admin.parse().unwrap();
    config.password(password);
    let mut c = config.connect(postgres::NoTls).expect("admin connection to the test server");
    c.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
}

/// A CA whose ledger is in `pg`.
fn ca_init(pki: &Pki, pg: &Postgres) {
    pg.pki(pki, &["ca", "init", "-q", "--ledger", &pg.url]).ok();
}

/// Every line of `pki ledger export`, parsed (the header first).
fn export(pki: &Pki, pg: &Postgres) -> Vec<serde_json::Value> {
    let out = pg.pki(pki, &["ledger", "export"]).ok();
    assert!(out.starts_with("{\"pki_ledger\":2}\n"), "{out}");
    out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn issue_list_revoke_crl_export_through_the_database() {
    let Some(pg) = Postgres::new() else { return };
    let pki = Pki::new();
    ca_init(&pki, &pg);
    let ca = pki.ca_dir();
    assert!(ca.join("ledger.url").exists() && !ca.join("ledger.jsonl").exists());
    assert_eq!(std::fs::read_to_string(ca.join("ledger.url")).unwrap(), format!("{}\n", pg.url));
    pg.pki(&pki, &["issue", "server", "--san", "a.test", "-q"]).ok();
    pg.pki(&pki, &["issue", "client", "--cn", "bob", "-q"]).ok();
    pg.pki(&pki, &["revoke", "a.test.pem", "-q"]).ok();
    pg.pki(&pki, &["crl", "-q"]).ok();
    let list: serde_json::Value = serde_json::from_str(&pg.pki(&pki, &["list", "--json"]).ok()).unwrap();
    let rows = list.as_array().or_else(|| list["certificates"].as_array()).expect("rows").clone();
    assert_eq!(rows.len(), 2, "{list}");
    let events = export(&pki, &pg);
    let kinds: Vec<&str> = events[1..].iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["issued", "issued", "revoked", "crl-number"]);
    assert_eq!(events[4]["number"], 1);
    // The export is a ledger.jsonl: a file CA with it lists the same.
    let text = pg.pki(&pki, &["ledger", "export"]).ok();
    let copy = Pki::new();
    std::fs::create_dir_all(copy.ca_dir()).unwrap();
    for f in ["ca.pem", "ca-key.pem"] {
        std::fs::copy(ca.join(f), copy.ca_dir().join(f)).unwrap();
    }
    std::fs::write(copy.ca_dir().join("ledger.jsonl"), &text).unwrap();
    assert_eq!(copy.ok(&["list", "--json"]), pg.pki(&pki, &["list", "--json"]).ok());
    // -o writes the same bytes.
    let out = pki.path("backup.jsonl");
    pg.pki(&pki, &["ledger", "export", "-q", "-o", out.to_str().unwrap()]).ok();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    // No password anywhere under the CA directory.
    for e in walk(&ca) {
        let bytes = std::fs::read(&e).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(&pg.password), "{}", e.display());
    }
    // The database itself refuses a serial recorded twice for an issuer, and a CRL number.
    let mut config: postgres::Config = pg.url.parse().unwrap();
    let mut db = config.password(&pg.password).connect(postgres::NoTls).unwrap();
    for kind in ["issued", "crl-number"] {
        let copy = format!(
            "INSERT INTO pki_ledger (ca, kind, issuer, serial, crl_number, event) \
             SELECT ca, kind, issuer, serial, crl_number, event FROM pki_ledger WHERE kind = '{kind}' LIMIT 1"
        );
        let e = db.batch_execute(&copy).expect_err(kind);
        assert_eq!(e.code(), Some(&postgres::error::SqlState::UNIQUE_VIOLATION), "{kind}: {e}");
    }
    // Idempotent re-init; a different URL is refused.
    pg.pki(&pki, &["ca", "init", "-q", "--exist-ok", "--ledger", &pg.url]).ok();
    let other = format!("{}x", pg.url);
    let err = pg.pki(&pki, &["ca", "init", "--exist-ok", "--ledger", &other]).fails(1);
    assert!(err.contains("ledger.url") || err.contains(&pg.url), "{err}");
    // --force: a new root, an empty ledger under its fingerprint, the old rows kept.
    pg.pki(&pki, &["ca", "init", "-q", "--force"]).ok();
    assert!(ca.join("ledger.url").exists() && !ca.join("ledger.jsonl").exists());
    assert_eq!(export(&pki, &pg).len(), 1);
    let retired: Vec<PathBuf> = std::fs::read_dir(ca.join("retired")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(retired[0].join("ledger.url").exists());
    let old = pki
        .call_bare(["--ca-dir", retired[0].to_str().unwrap(), "ledger", "export"])
        .env("PGPASSWORD", &pg.password)
        .ok();
    assert_eq!(old, text);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

/// The issue's shared CA: the root key in a SoftHSM2 token, the ledger in PostgreSQL, so
/// that no process reads a key file. 4 processes x 50 issuances at once: every one recorded
/// once, no serial twice, every certificate verifies; revocations from two processes at once
/// and one CRL, signed in the token, listing them all; CRL numbers that never repeat; and a
/// batch through the same token and database.
#[test]
fn concurrent_writers_with_a_token_key_lose_nothing_and_reuse_no_serial() {
    let Some(pg) = Postgres::new() else { return };
    let Some(hsm) = crate::pkcs11::SoftHsm::new("team") else { return };
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let with_token = |args: &[&str]| hsm.pki(&pki, args).env("PGPASSWORD", &pg.password);
    with_token(&["ca", "init", "-q", "--key-uri", &hsm.uri("root"), "--ledger", &pg.url]).ok();
    let on_disk = walk(&pki.ca_dir());
    assert!(!on_disk.iter().any(|p| p.ends_with("ca-key.pem")), "{on_disk:?}");
    for p in &on_disk {
        let bytes = std::fs::read(p).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"), "{} holds a private key", p.display());
    }
    let run_all = |args: &dyn Fn(usize, usize) -> Vec<String>, n: usize, each: usize| {
        let children: Vec<_> = (0..n)
            .map(|w| {
                let mut script = String::new();
                for i in 0..each {
                    let a = args(w, i).iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(" ");
                    script.push_str(&format!("\"$PKI\" --ca-dir \"$CA\" {a} -q || exit 1\n"));
                }
                let mut c = Command::new("sh");
                c.arg("-c").arg(script).current_dir(pki.work()).env("PGPASSWORD", &pg.password);
                c.env("SOFTHSM2_CONF", hsm.conf())
                    .env("PKI_PKCS11_MODULE", crate::pkcs11::MODULE)
                    .env("PKI_PKCS11_PIN", crate::pkcs11::PIN);
                c.env("PKI", assert_cmd::cargo::cargo_bin("pki")).env("CA", pki.ca_dir());
                c.spawn().unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
    };
    run_all(&|w, i| vec!["issue".into(), "client".into(), "--cn".into(), format!("w{w}-{i}")], WRITERS, ISSUES_EACH);
    let events = export(&pki, &pg);
    let issued: Vec<_> = events.iter().filter(|e| e["event"] == "issued").collect();
    assert_eq!(issued.len(), WRITERS * ISSUES_EACH);
    let serials: BTreeSet<_> = issued.iter().map(|e| e["serial"].as_str().unwrap()).collect();
    assert_eq!(serials.len(), WRITERS * ISSUES_EACH);
    let ca_pem = pki.ca_dir().join("ca.pem").display().to_string();
    let files: Vec<String> =
        (0..WRITERS).flat_map(|w| (0..ISSUES_EACH).map(move |i| format!("w{w}-{i}.pem"))).collect();
    let mut args = vec!["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", &ca_pem];
    args.extend(files.iter().map(String::as_str));
    let out = tool("openssl", &args, &pki.work());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches(": OK").count(), files.len());
    // Revocations from two processes at once, then one CRL lists them all.
    run_all(&|w, i| vec!["revoke".into(), format!("w{w}-{i}.pem")], 2, 10);
    with_token(&["crl", "-q"]).ok();
    let crl = tool("openssl", &["crl", "-in", "../ca/crl.pem", "-CAfile", &ca_pem, "-noout", "-text"], &pki.work());
    assert!(String::from_utf8_lossy(&crl.stderr).contains("verify OK"), "{}", String::from_utf8_lossy(&crl.stderr));
    let text = String::from_utf8_lossy(&crl.stdout);
    assert_eq!(text.matches("Serial Number:").count(), 20, "{text}");
    // CRL numbers from concurrent `pki crl` strictly increase, none used twice.
    run_all(&|_, _| vec!["crl".into()], 3, 5);
    let numbers: Vec<u64> = export(&pki, &pg)
        .iter()
        .filter(|e| e["event"] == "crl-number")
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=16).collect::<Vec<u64>>());
    // A batch through the same token and database: one process, all recorded.
    let lines: String = (0..30).map(|i| format!("{{\"profile\":\"client\",\"cn\":\"b{i}\"}}\n")).collect();
    with_token(&["issue", "batch", "-", "--out-dir", "batch", "-q"]).stdin(lines).ok();
    let issued = export(&pki, &pg).iter().filter(|e| e["event"] == "issued").count();
    assert_eq!(issued, WRITERS * ISSUES_EACH + 30);
    let out = tool("openssl", &["verify", "-CAfile", &ca_pem, "batch/b0.pem", "batch/b29.pem"], &pki.work());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn database_stopped_mid_run_loses_nothing_reported() {
    let Some(pg) = Postgres::own() else { return };
    let pki = Pki::new();
    ca_init(&pki, &pg);
    let mut results = Vec::new();
    for i in 0..40 {
        if i == 10 {
            pg.stop();
        }
        if i == 30 {
            pg.start();
        }
        let name = format!("n{i}");
        let (out, took) =
            pg.pki(&pki, &["issue", "client", "--cn", &name, "-q"]).within(Duration::from_secs(30)).timed();
        assert!(took < Duration::from_secs(12), "{name} took {took:?}");
        results.push((name, out));
    }
    let events = export(&pki, &pg);
    let recorded: BTreeSet<String> = events
        .iter()
        .filter(|e| e["event"] == "issued")
        .map(|e| e["subject"].as_str().unwrap().trim_start_matches("CN=").to_string())
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for (name, out) in &results {
        if out.status.success() {
            ok += 1;
            assert!(recorded.contains(name), "{name} reported issued but is not in the ledger");
            assert!(pki.path(&format!("{name}.pem")).exists());
        } else {
            failed += 1;
            assert_eq!(out.status.code(), Some(1));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("127.0.0.1:"), "{err}");
            assert!(!pki.path(&format!("{name}.pem")).exists(), "{name}: a file for a failed issuance");
            assert!(!recorded.contains(name));
        }
    }
    assert!(ok >= 20 && failed >= 20, "ok {ok} failed {failed}");
}

#[test]
fn unreachable_refused_and_wrong_password_are_clear_errors() {
    let Some(pg) = Postgres::new() else { return };
    let pki = Pki::new();
    // A closed port.
    let closed = format!("postgres://pki@127.0.0.1:{}/x", free_port());
    let err = pg.pki(&pki, &["ca", "init", "--ledger", &closed]).fails(1);
    assert!(err.contains("127.0.0.1:") && err.contains("within 10 s"), "{err}");
    assert!(!pki.ca_dir().exists(), "nothing created");
    // A server that accepts and never answers: bounded by the 10 s limit.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("postgres://pki@127.0.0.1:{}/x", silent.local_addr().unwrap().port());
    let (out, took) = pg.pki(&pki, &["ca", "init", "--ledger", &url]).within(Duration::from_secs(30)).timed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(12), "{took:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("within 10 s"));
    // A password in the URL is refused, and never echoed.
    let with_pw = pg.url.replacen("pki@", "pki:hunter2@", 1);
    let err = pg.pki(&pki, &["ca", "init", "--ledger", &with_pw]).fails(1);
    assert!(err.contains("password") && !err.contains("hunter2"), "{err}");
    // A wrong password names the user and the source.
    let err = pki.call(["ca", "init", "--ledger", &pg.url]).env("PGPASSWORD", "wrong").fails(1);
    assert!(err.contains("'pki'") && err.contains("PGPASSWORD"), "{err}");
    // --ledger-password-file works, and ~/.pgpass does.
    let pw = pki.path("pw");
    std::fs::write(&pw, format!("{}\n", pg.password)).unwrap();
    pki.call(["--ledger-password-file", pw.to_str().unwrap(), "ca", "init", "-q", "--ledger", &pg.url]).ok();
    let home = pki.root().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let port = pg.url.rsplit(':').next().unwrap().split('/').next().unwrap();
    std::fs::write(home.join(".pgpass"), format!("127.0.0.1:{port}:*:pki:{}\n", pg.password)).unwrap();
    set_mode(&home.join(".pgpass"), 0o600);
    pki.ok(&["issue", "client", "--cn", "via-pgpass", "-q"]);
    // The database gone: list fails naming the host.
    if pg.own_cluster() {
        pg.stop();
        let err = pki.fails(1, &["list"]);
        assert!(err.contains("127.0.0.1:"), "{err}");
        pg.start();
    }
}
