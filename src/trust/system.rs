//! The OS trust store: which layout this machine has (Debian, Fedora, Arch, SUSE, found by
//! which anchors directory exists, in the order mkcert and smallstep/truststore look), the
//! root's file in its anchors directory, and the distribution's update command that
//! rebuilds the bundle and the hashed links from it.

use std::ffi::OsString;
use std::path::PathBuf;

use super::exec::{run_ok, shown};
use super::{Absent, Action, Failure, Found, Machine, Presence, Store, StoreKind, TrustRoot};

/// One distribution family's system store.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// For messages: "Debian/Ubuntu".
    pub name: &'static str,
    /// The anchors directory, absolute on a real machine.
    pub anchors: &'static str,
    /// The file name of the root in it: `{}` is the FP.
    pub file: &'static str,
    /// The update command and its arguments.
    pub update: (&'static str, &'static [&'static str]),
    /// The bundle the update command writes (what curl, Python and Go read).
    pub bundle: &'static str,
}

/// Fedora, RHEL, CentOS (first: mkcert's order, since /etc/pki exists nowhere else).
const FEDORA: Layout = Layout {
    name: "Fedora/RHEL",
    anchors: "/etc/pki/ca-trust/source/anchors",
    file: "pki-{}.pem",
    update: ("update-ca-trust", &["extract"]),
    bundle: "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
};
/// Debian, Ubuntu: only `*.crt` files are picked up.
pub const DEBIAN: Layout = Layout {
    name: "Debian/Ubuntu",
    anchors: "/usr/local/share/ca-certificates",
    file: "pki-{}.crt",
    update: ("update-ca-certificates", &[]),
    bundle: "/etc/ssl/certs/ca-certificates.crt",
};
/// Arch (p11-kit).
const ARCH: Layout = Layout {
    name: "Arch",
    anchors: "/etc/ca-certificates/trust-source/anchors",
    file: "pki-{}.crt",
    update: ("trust", &["extract-compat"]),
    bundle: "/etc/ca-certificates/extracted/tls-ca-bundle.pem",
};
/// openSUSE, SLES.
const SUSE: Layout = Layout {
    name: "SUSE",
    anchors: "/usr/share/pki/trust/anchors",
    file: "pki-{}.pem",
    update: ("update-ca-certificates", &[]),
    bundle: "/var/lib/ca-certificates/ca-bundle.pem",
};

/// Every layout, in the order they are looked for.
pub const LAYOUTS: [Layout; 4] = [FEDORA, DEBIAN, ARCH, SUSE];

/// Where the update commands live besides `$PATH`.
const SBIN: [&str; 4] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/// The system store of `machine`, or why there is none (`chosen`: `--store system` was
/// named, so its absence is a failure).
pub fn find(machine: &Machine, chosen: bool) -> Found {
    match LAYOUTS.iter().find(|l| machine.sys(l.anchors).is_dir()) {
        Some(l) => Found::Store(Box::new(System { layout: *l, machine: machine.clone() })),
        None => {
            let looked: Vec<String> = LAYOUTS.iter().map(|l| machine.sys(l.anchors).display().to_string()).collect();
            Found::Absent(Absent {
                kind: StoreKind::System,
                reason: format!("no known system trust store (none of {} is a directory)", looked.join(", ")),
                fails: chosen,
            })
        }
    }
}

/// The system store of one layout.
struct System {
    layout: Layout,
    machine: Machine,
}

impl System {
    fn file_for(&self, root: &TrustRoot) -> PathBuf {
        self.machine.sys(self.layout.anchors).join(self.layout.file.replace("{}", root.fp()))
    }

    /// The update command with its arguments, or `None` under `PKI_TRUST_ROOT` for a
    /// layout whose command cannot be pointed there (only Debian's can).
    fn update_args(&self, action: Action) -> Option<Vec<OsString>> {
        let (_, base) = self.layout.update;
        let mut args: Vec<OsString> = base.iter().map(OsString::from).collect();
        // Debian's update-ca-certificates only drops the links of a removed file, and
        // rebuilds them cleanly, with --fresh (its own advice for removals).
        if action == Action::Uninstall && self.layout.name == DEBIAN.name {
            args.push("--fresh".into());
        }
        if self.machine.root.is_some() {
            if self.layout.name != DEBIAN.name {
                return None;
            }
            for (flag, dir) in [
                ("--certsconf", "/etc/ca-certificates.conf"),
                ("--certsdir", "/usr/share/ca-certificates"),
                ("--localcertsdir", "/usr/local/share/ca-certificates"),
                ("--etccertsdir", "/etc/ssl/certs"),
                ("--hooksdir", "/etc/ca-certificates/update.d"),
            ] {
                args.push(flag.into());
                args.push(self.machine.sys(dir).into());
            }
        }
        Some(args)
    }

    /// Run the update command (or say why it was not run: the note of the line).
    fn update(&self, action: Action) -> Result<Option<String>, Failure> {
        let (program, _) = self.layout.update;
        let Some(args) = self.update_args(action) else {
            return Ok(Some(format!("{program} not run: it cannot be pointed at PKI_TRUST_ROOT")));
        };
        let Some(exe) = self.machine.which(program, &SBIN) else {
            return Err(Failure::plain(format!(
                "{program} not found (looked on PATH and in {}); install the ca-certificates package",
                SBIN.join(", ")
            )));
        };
        run_ok(&exe, &args).map(|_| None).map_err(Failure::plain)
    }

    /// Debian's update-ca-certificates tells its hooks only what `--fresh` re-added, never
    /// a local file that went away, so ca-certificates-java's `jks-keystore` would keep the
    /// root in Java's cacerts (as `debian:pki-FP.pem`) for good. Tell each hook what the
    /// tool would have: `-ETCCERTSDIR/pki-FP.pem` on its stdin, its own protocol.
    fn tell_hooks_removed(&self, root: &TrustRoot) -> Result<(), Failure> {
        let hooks = self.machine.sys("/etc/ca-certificates/update.d");
        let Ok(entries) = std::fs::read_dir(&hooks) else { return Ok(()) };
        let mut hooks: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        hooks.retain(|p| super::exec::is_executable(p));
        hooks.sort();
        let line =
            format!("-{}\n", self.machine.sys("/etc/ssl/certs").join(format!("pki-{}.pem", root.fp())).display());
        for hook in hooks {
            let ran = super::exec::run_with(&hook, &[] as &[&str], Some(line.as_bytes())).map_err(Failure::plain)?;
            if !ran.ok {
                return Err(Failure::plain(format!("the hook {} failed: {}", hook.display(), ran.said)));
            }
        }
        Ok(())
    }

    /// Whether the root's file holds the root, and whether the bundle does (`None`: no
    /// bundle, or one this run would not rebuild under `PKI_TRUST_ROOT`).
    fn traces(&self, root: &TrustRoot) -> (bool, Option<bool>) {
        let file = std::fs::read(self.file_for(root)).is_ok_and(|b| root.is_in(&b));
        if self.update_args(Action::Install).is_none() {
            return (file, None);
        }
        let bundle = std::fs::read(self.machine.sys(self.layout.bundle)).ok().map(|b| root.is_in(&b));
        (file, bundle)
    }

    /// Fail early, before anything is written, when a directory the change writes to
    /// is not writable: the file's directory and (Debian) the links' directory.
    fn check_writable(&self) -> Result<(), Failure> {
        let mut dirs = vec![self.machine.sys(self.layout.anchors)];
        if self.layout.name == DEBIAN.name {
            dirs.push(self.machine.sys("/etc/ssl/certs"));
        }
        for d in dirs {
            if let Err(e) = tempfile::tempfile_in(&d) {
                return Err(Failure::io("write to", &d, &e));
            }
        }
        Ok(())
    }
}

impl Store for System {
    fn kind(&self) -> StoreKind {
        StoreKind::System
    }

    fn location(&self, root: &TrustRoot) -> String {
        self.file_for(root).display().to_string()
    }

    /// The root's file holds it, and so does the bundle when the update command made one
    /// (a file whose update failed is not installed yet: install runs the update again).
    fn contains(&self, root: &TrustRoot) -> Presence {
        let (file, bundle) = self.traces(root);
        Ok(file && bundle.unwrap_or(true))
    }

    /// Either the file or the bundle holding the root is something to remove.
    fn any_trace(&self, root: &TrustRoot) -> Presence {
        let (file, bundle) = self.traces(root);
        Ok(file || bundle.unwrap_or(false))
    }

    fn plan(&self, action: Action, root: &TrustRoot) -> Vec<String> {
        let file = self.file_for(root);
        let mut steps = vec![match action {
            Action::Install => format!("write {}", file.display()),
            Action::Uninstall => format!("remove {}", file.display()),
        }];
        let (program, _) = self.layout.update;
        match self.update_args(action) {
            Some(args) => {
                let exe = self.machine.which(program, &SBIN).unwrap_or_else(|| PathBuf::from(program));
                steps.push(format!("run {}", shown(&exe, &args)));
            }
            None => steps.push(format!("({program} not run under PKI_TRUST_ROOT)")),
        }
        let hooks = self.machine.sys("/etc/ca-certificates/update.d");
        if action == Action::Uninstall
            && self.layout.name == DEBIAN.name
            && self.update_args(action).is_some()
            && hooks.is_dir()
        {
            steps.push(format!("tell the hooks in {} that pki-{}.pem went away", hooks.display(), root.fp()));
        }
        steps
    }

    fn install(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        self.check_writable()?;
        let file = self.file_for(root);
        crate::store::fsutil::write_public(&file, root.pem.as_bytes(), true)
            .map_err(|e| Failure::plain(e.to_string()))?;
        self.update(Action::Install)
    }

    fn uninstall(&self, root: &TrustRoot) -> Result<Option<String>, Failure> {
        self.check_writable()?;
        let file = self.file_for(root);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Failure::io("remove", &file, &e)),
            _ => {}
        }
        let note = self.update(Action::Uninstall)?;
        if self.layout.name == DEBIAN.name && note.is_none() {
            self.tell_hooks_removed(root)?;
        }
        Ok(note)
    }
}

/// The bundle of the machine's system store, if one is there: the first that exists of
/// every layout's (and the older names some distributions keep as links).
pub fn bundle(machine: &Machine) -> Option<PathBuf> {
    LAYOUTS
        .iter()
        .map(|l| l.bundle)
        .chain(["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"])
        .map(|p| machine.sys(p))
        .find(|p| p.is_file())
}
