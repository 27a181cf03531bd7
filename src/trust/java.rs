//! Java's trust store: the `cacerts` of `$JAVA_HOME` (else of the `java` on PATH, its
//! links followed), changed with the JDK's `keytool`, alias `pki-FP`. Where Debian's
//! ca-certificates-java hook feeds `cacerts` from the system store, Java is left to it.

use std::path::{Path, PathBuf};

use super::exec::{run, run_ok, shown};
use super::{Absent, Action, Failure, Found, Machine, Presence, Store, StoreKind, TrustRoot};

/// The password every JDK ships `cacerts` with.
const STOREPASS: &str = "changeit";

/// The store to change, or why Java is skipped.
pub fn find(machine: &Machine) -> Found {
    match locate(machine) {
        Err(reason) => Found::Absent(Absent { kind: StoreKind::Java, reason, fails: false }),
        Ok(j) => match fed_by_system(machine, &j.cacerts) {
            Some(reason) => Found::Absent(Absent { kind: StoreKind::Java, reason, fails: false }),
            None => Found::Store(Box::new(j)),
        },
    }
}

/// The store even where the system store feeds it (for `status`, which asks whether the
/// root is in it, under any alias).
pub fn find_any(machine: &Machine) -> Found {
    match locate(machine) {
        Ok(j) => Found::Store(Box::new(j)),
        Err(reason) => Found::Absent(Absent { kind: StoreKind::Java, reason, fails: false }),
    }
}

/// Why Java is left to the system store, if it is: Debian's ca-certificates-java hook
/// is installed (its `jks-keystore` in the update hooks) and this `cacerts` is, links
/// followed, the one it refreshes. Under `PKI_TRUST_ROOT` both are looked for in that tree,
/// whose update runs its own hooks directory.
fn fed_by_system(machine: &Machine, cacerts: &Path) -> Option<String> {
    let hook = machine.sys("/etc/ca-certificates/update.d/jks-keystore");
    let fed = machine.sys("/etc/ssl/certs/java/cacerts");
    let same = match (cacerts.canonicalize(), fed.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    (hook.is_file() && same).then(|| {
        format!(
            "the system store feeds Java here ({} is refreshed by ca-certificates-java's {} hook)",
            cacerts.display(),
            hook.display()
        )
    })
}

/// Find the JDK: `$JAVA_HOME`, else the `java` on PATH with its links followed.
fn locate(machine: &Machine) -> Result<Java, String> {
    let home = match &machine.java_home {
        Some(h) => h.clone(),
        None => {
            let java = machine.which("java", &[]).ok_or("no Java found (JAVA_HOME is not set and no java on PATH)")?;
            let real = java.canonicalize().unwrap_or(java);
            // JAVA_HOME/bin/java, or JAVA_HOME/jre/bin/java (Java 8).
            let home = real.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
            if home.ends_with("jre") { home.parent().map(Path::to_path_buf).unwrap_or(home) } else { home }
        }
    };
    let cacerts = ["lib/security/cacerts", "jre/lib/security/cacerts"]
        .iter()
        .map(|p| home.join(p))
        .find(|p| p.exists())
        .ok_or_else(|| format!("no cacerts in the JDK at '{}' (lib/security/cacerts)", home.display()))?;
    let keytool = [home.join("bin/keytool"), home.join("jre/bin/keytool")]
        .into_iter()
        .find(|p| super::exec::is_executable(p))
        .or_else(|| machine.which("keytool", &[]));
    Ok(Java { cacerts, keytool })
}

/// One JDK's `cacerts`.
struct Java {
    cacerts: PathBuf,
    keytool: Option<PathBuf>,
}

impl Java {
    fn keytool(&self) -> Result<&Path, String> {
        self.keytool.as_deref().ok_or_else(|| "keytool not found (the JDK's bin/ or PATH)".to_string())
    }

    fn alias(root: &TrustRoot) -> String {
        format!("pki-{}", root.fp())
    }

    fn args(&self, rest: &[&str]) -> Vec<String> {
        let mut a: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        a.extend(["-keystore".into(), self.cacerts.display().to_string(), "-storepass".into(), STOREPASS.into()]);
        a
    }

    fn install_args(&self, root: &TrustRoot) -> Vec<String> {
        let alias = Self::alias(root);
        let file = root.path.display().to_string();
        self.args(&["-importcert", "-noprompt", "-trustcacerts", "-alias", &alias, "-file", &file])
    }

    /// The aliases in `cacerts` that hold this root (keytool lists each entry's SHA-256
    /// fingerprint as `AB:CD:...` after its alias line).
    fn aliases_of(&self, root: &TrustRoot) -> Result<Vec<String>, String> {
        let ran = run_ok(self.keytool()?, &self.args(&["-list"]))?;
        let want: String = root
            .sha256
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).to_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        let mut out = Vec::new();
        let mut alias = None;
        for line in ran.stdout.lines() {
            if let Some(fp) = line.strip_prefix("Certificate fingerprint (SHA-256): ") {
                if fp.trim() == want
                    && let Some(a) = alias.take()
                {
                    out.push(a);
                }
            } else if line.contains(", trustedCertEntry,") || line.contains(", PrivateKeyEntry,") {
                alias = line.split(',').next().map(str::to_string);
            }
        }
        Ok(out)
    }

    /// Fail early when `cacerts` cannot be written (a JDK owned by root).
    fn check_writable(&self) -> Result<(), Failure> {
        std::fs::OpenOptions::new()
            .append(true)
            .open(&self.cacerts)
            .map(|_| ())
            .map_err(|e| Failure::io("write", &self.cacerts, &e))
    }
}

impl Store for Java {
    fn kind(&self) -> StoreKind {
        StoreKind::Java
    }

    fn location(&self, _: &TrustRoot) -> String {
        self.cacerts.display().to_string()
    }

    fn contains(&self, root: &TrustRoot) -> Presence {
        Ok(!self.aliases_of(root)?.is_empty())
    }

    fn plan(&self, action: Action, root: &TrustRoot) -> Vec<String> {
        let exe = self.keytool.clone().unwrap_or_else(|| PathBuf::from("keytool"));
        let args = match action {
            Action::Install => self.install_args(root),
            Action::Uninstall => self.args(&["-delete", "-alias", &Self::alias(root)]),
        };
        vec![format!("run {}", shown(&exe, &args))]
    }

    fn install(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        self.check_writable()?;
        run_ok(self.keytool().map_err(Failure::plain)?, &self.install_args(root)).map(|_| None).map_err(Failure::plain)
    }

    /// Every alias holding this root goes (`pki-FP`, and one a hook or a person added).
    fn uninstall(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        self.check_writable()?;
        let keytool = self.keytool().map_err(Failure::plain)?;
        for alias in self.aliases_of(root).map_err(Failure::plain)? {
            let ran = run(keytool, &self.args(&["-delete", "-alias", &alias])).map_err(Failure::plain)?;
            if !ran.ok {
                return Err(Failure::plain(format!("keytool -delete -alias {alias} failed: {}", ran.said)));
            }
        }
        Ok(None)
    }
}
