//! `pki trust --store nss` finds every NSS database a user has, as real NSS databases made
//! by certutil in a temporary HOME: Chromium's `~/.pki/nssdb` and its snap twin, and the
//! Firefox profiles named by `profiles.ini` in each place Firefox keeps one (classic,
//! `~/.config/mozilla` which mkcert#668 missed, snap, flatpak), relative and absolute.

use std::path::{Path, PathBuf};

use crate::common::*;

/// `certutil -N` a fresh database in `dir`.
fn new_db(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let out = tool("certutil", &["-N", "--empty-password", "-d", &format!("sql:{}", s(dir))], dir);
    assert!(out.status.success(), "certutil -N in {}: {}", dir.display(), both(&out));
}

/// Whether the database in `dir` holds a certificate named `nick`.
fn holds(dir: &Path, nick: &str) -> bool {
    let out = tool("certutil", &["-L", "-d", &format!("sql:{}", s(dir)), "-n", nick], dir);
    out.status.success()
}

#[test]
fn every_nss_database_of_the_user_is_found_and_written() {
    if !require("certutil") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--permit", "local"]);
    let home = pki.root().join("home");
    let elsewhere = pki.root().join("profiles-elsewhere/abs.default");
    let mut dbs: Vec<PathBuf> =
        [".pki/nssdb", "snap/chromium/current/.pki/nssdb"].iter().map(|d| home.join(d)).collect();
    for (n, base) in [
        ".mozilla/firefox",
        ".config/mozilla/firefox",
        "snap/firefox/common/.mozilla/firefox",
        ".var/app/org.mozilla.firefox/.mozilla/firefox",
    ]
    .iter()
    .enumerate()
    {
        let base = home.join(base);
        std::fs::create_dir_all(&base).unwrap();
        // A relative profile with a database, and one named but never started (no database).
        let mut ini = format!(
            "[General]\nStartWithLastProfile=1\n\n[Profile0]\nName=default\nIsRelative=1\nPath=p{n}.default-release\n\n\
             [Profile1]\nName=unused\nIsRelative=1\nPath=never-started\n"
        );
        if n == 0 {
            ini.push_str(&format!("\n[Profile2]\nName=abs\nIsRelative=0\nPath={}\n", s(&elsewhere)));
            dbs.push(elsewhere.clone());
        }
        std::fs::write(base.join("profiles.ini"), ini).unwrap();
        dbs.push(base.join(format!("p{n}.default-release")));
    }
    for d in &dbs {
        new_db(d);
    }
    let doc = pki.json(&["trust", "status"]);
    let nick = format!("pki root {}", &doc["fingerprint_sha256"].as_str().unwrap()[..16]);
    let found: Vec<String> = doc["stores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|st| st["store"] == "nss")
        .map(|st| st["location"].as_str().unwrap().to_string())
        .collect();
    let mut want: Vec<String> = dbs.iter().map(|d| s(d).to_string()).collect();
    assert_eq!(sorted(found), sorted(want.clone()), "status did not list exactly the user's databases");

    let out = pki.ok(&["trust", "install", "--store", "nss"]);
    let mut lines: Vec<String> = lines(&out);
    lines.sort();
    want = want.iter().map(|d| format!("nss: installed ({d})")).collect();
    want.sort();
    assert_eq!(lines, want);
    for d in &dbs {
        assert!(holds(d, &nick), "{nick} is not in {}", d.display());
    }
    assert!(!home.join(".mozilla/firefox/never-started").exists(), "a profile without a database was created");

    let out = pki.ok(&["trust", "uninstall", "--store", "nss"]);
    assert_eq!(lines_of(&out, "nss: removed").len(), dbs.len(), "{out}");
    for d in &dbs {
        assert!(!holds(d, &nick), "{nick} stayed in {}", d.display());
    }
}

/// The lines of `out` that start with `prefix`.
fn lines_of(out: &str, prefix: &str) -> Vec<String> {
    out.lines().filter(|l| l.starts_with(prefix)).map(String::from).collect()
}
