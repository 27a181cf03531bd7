//! NSS databases (Chromium and Chrome read `~/.pki/nssdb`; each Firefox profile has its
//! own): finding them, and changing them with NSS's `certutil`, the only tool that writes
//! them (no Rust crate does). A directory with `cert9.db` is opened as `sql:DIR`; one with
//! only the legacy `cert8.db` as `dbm:DIR`.

use std::path::{Path, PathBuf};

use super::exec::{run, run_ok, shown};
use super::{Absent, Action, Failure, Found, Machine, Presence, Store, StoreKind, TrustRoot};

/// Where Firefox keeps `profiles.ini`, relative to `$HOME`: classic, newer (XDG:
/// mkcert#668), snap and flatpak.
const FIREFOX_DIRS: [&str; 4] = [
    ".mozilla/firefox",
    ".config/mozilla/firefox",
    "snap/firefox/common/.mozilla/firefox",
    ".var/app/org.mozilla.firefox/.mozilla/firefox",
];

/// Shared NSS databases relative to `$HOME`: Chromium and Chrome, and the snap Chromium.
const SHARED_DBS: [&str; 2] = [".pki/nssdb", "snap/chromium/current/.pki/nssdb"];

/// The package that has certutil, for the message when it is missing.
const PACKAGE: &str = "libnss3-tools (Fedora: nss-tools, Arch: nss)";

/// Every NSS database of the user, then every `--nss-db`; one entry each, and one
/// "skipped" entry when there is none.
pub fn find(machine: &Machine) -> Vec<Found> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(home) = &machine.home {
        dirs.extend(SHARED_DBS.iter().map(|d| home.join(d)));
        for f in FIREFOX_DIRS {
            dirs.extend(firefox_profiles(&home.join(f)));
        }
    }
    dirs.retain(|d| db_prefix(d).is_some());
    dirs.extend(machine.nss_dbs.iter().cloned());
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let key = d.canonicalize().unwrap_or_else(|_| d.clone());
        !seen.contains(&key) && {
            seen.push(key);
            true
        }
    });
    if dirs.is_empty() {
        return vec![Found::Absent(Absent {
            kind: StoreKind::Nss,
            reason: "no NSS database found (~/.pki/nssdb, Firefox profiles); Chromium or Firefox creates one on \
                     its first run, or pass --nss-db DIR"
                .into(),
            fails: false,
        })];
    }
    let certutil = machine.which("certutil", &[]);
    dirs.into_iter().map(|dir| Found::Store(Box::new(NssDb { dir, certutil: certutil.clone() }))).collect()
}

/// `sql:` for a directory with `cert9.db`, `dbm:` for one with only `cert8.db`.
fn db_prefix(dir: &Path) -> Option<&'static str> {
    if dir.join("cert9.db").is_file() {
        Some("sql:")
    } else if dir.join("cert8.db").is_file() {
        Some("dbm:")
    } else {
        None
    }
}

/// The profile directories a `profiles.ini` in `dir` names (`Path=`, relative to `dir`
/// when `IsRelative=1`, absolute otherwise).
pub fn firefox_profiles(dir: &Path) -> Vec<PathBuf> {
    let Ok(ini) = std::fs::read_to_string(dir.join("profiles.ini")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut section = String::new();
    let (mut path, mut relative) = (None::<String>, true);
    let mut flush = |section: &str, path: &mut Option<String>, relative: bool| {
        if let Some(p) = path.take()
            && section.starts_with("Profile")
        {
            out.push(if relative { dir.join(&p) } else { PathBuf::from(&p) });
        }
    };
    for line in ini.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            flush(&section, &mut path, relative);
            section = name.to_string();
            relative = true;
        } else if let Some(v) = line.strip_prefix("Path=") {
            path = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("IsRelative=") {
            relative = v.trim() != "0";
        }
    }
    flush(&section, &mut path, relative);
    out
}

/// One NSS database.
struct NssDb {
    dir: PathBuf,
    certutil: Option<PathBuf>,
}

impl NssDb {
    fn nickname(root: &TrustRoot) -> String {
        format!("pki root {}", root.fp())
    }

    /// `sql:DIR` (or `dbm:DIR`), or why this directory is not a database.
    fn db(&self) -> Result<String, String> {
        match db_prefix(&self.dir) {
            Some(p) => Ok(format!("{p}{}", self.dir.display())),
            None => Err(format!(
                "no NSS database in '{}' (no cert9.db or cert8.db); create one with: certutil -N --empty-password -d sql:{}",
                self.dir.display(),
                self.dir.display()
            )),
        }
    }

    fn certutil(&self) -> Result<&Path, String> {
        self.certutil.as_deref().ok_or_else(|| format!("certutil not found on PATH: install {PACKAGE}"))
    }

    fn args<'a>(&self, db: &'a str, rest: &[&'a str]) -> Vec<String> {
        let mut a = vec!["-d".to_string(), db.to_string()];
        a.extend(rest.iter().map(|s| s.to_string()));
        a
    }
}

impl Store for NssDb {
    fn kind(&self) -> StoreKind {
        StoreKind::Nss
    }

    fn location(&self, _: &TrustRoot) -> String {
        self.dir.display().to_string()
    }

    /// `certutil -L -n NICK` finds the nickname and prints the certificate: it must be
    /// this root (`-a`: PEM, compared as certificates).
    fn contains(&self, root: &TrustRoot) -> Presence {
        let db = self.db()?;
        let certutil = self.certutil()?;
        let nick = Self::nickname(root);
        let ran = run(certutil, &self.args(&db, &["-L", "-a", "-n", &nick]))?;
        Ok(ran.ok && root.is_in(ran.stdout.as_bytes()))
    }

    fn plan(&self, action: Action, root: &TrustRoot) -> Vec<String> {
        let db = self.db().unwrap_or_default();
        let exe = self.certutil.clone().unwrap_or_else(|| PathBuf::from("certutil"));
        let nick = Self::nickname(root);
        let root_path = root.path.display().to_string();
        let args = match action {
            Action::Install => self.args(&db, &["-A", "-n", &nick, "-t", "C,,", "-i", &root_path]),
            Action::Uninstall => self.args(&db, &["-D", "-n", &nick]),
        };
        vec![format!("run {}", shown(&exe, &args))]
    }

    fn install(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        let db = self.db().map_err(Failure::plain)?;
        let certutil = self.certutil().map_err(Failure::plain)?;
        let nick = Self::nickname(root);
        let root_path = root.path.display().to_string();
        run_ok(certutil, &self.args(&db, &["-A", "-n", &nick, "-t", "C,,", "-i", &root_path]))
            .map(|_| None)
            .map_err(Failure::plain)
    }

    fn uninstall(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        let db = self.db().map_err(Failure::plain)?;
        let certutil = self.certutil().map_err(Failure::plain)?;
        run_ok(certutil, &self.args(&db, &["-D", "-n", &Self::nickname(root)])).map(|_| None).map_err(Failure::plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_ini_relative_and_absolute_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("profiles.ini"),
            "[Install4F96D1932A9F858E]\nDefault=abc.default-release\nLocked=1\n\n\
             [Profile1]\nName=default\nIsRelative=1\nPath=abc.default\n\n\
             [Profile0]\nName=work\nIsRelative=0\nPath=/srv/work-profile\nDefault=1\n\n\
             [General]\nStartWithLastProfile=1\nVersion=2\n",
        )
        .unwrap();
        assert_eq!(
            firefox_profiles(dir.path()),
            vec![dir.path().join("abc.default"), PathBuf::from("/srv/work-profile")]
        );
        assert!(firefox_profiles(&dir.path().join("missing")).is_empty());
    }
}
