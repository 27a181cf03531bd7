//! The PostgreSQL ledger's URL (`postgres://USER@HOST[:PORT]/DB`, never with a password,
//! with libpq's TLS parameters `sslmode`, `sslrootcert`, `sslcert`, `sslkey`) and the libpq
//! password file format (`~/.pgpass`), both pure: `commands/` reads the environment and
//! `pgtls` the TLS files.

use crate::error::{DbError, DbErrorKind, Error, Result};

/// A checked ledger URL: where to connect, and as whom.
#[derive(Clone, Debug)]
pub struct PgTarget {
    /// The URL as recorded in `ledger.url`.
    pub url: String,
    /// The host name or address (or the socket directory).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The database.
    pub dbname: String,
    /// The user.
    pub user: String,
    /// TLS, as the URL asks for it.
    pub tls: TlsParams,
    /// The driver's configuration (no password yet).
    pub(crate) config: postgres::Config,
}

/// libpq's `sslmode`: whether to use TLS, and what to check of the server's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS when the server offers it (`allow` and `prefer`, libpq's default).
    Prefer,
    /// TLS or no connection; the certificate checked only against a root file if there is one.
    Require,
    /// TLS, the server's chain checked against the roots.
    VerifyCa,
    /// TLS, the chain and the host name checked.
    VerifyFull,
}

impl SslMode {
    /// Its name in URLs.
    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where the roots that the server's certificate must chain to come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCerts {
    /// A PEM file (`sslrootcert=/abs/path`).
    File(std::path::PathBuf),
    /// The system's trust store (`sslrootcert=system`, as in libpq 16).
    System,
}

/// The TLS parameters of a ledger URL (unset: libpq's defaults under `~/.postgresql`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsParams {
    /// `sslmode` (default `prefer`, as libpq).
    pub mode: SslMode,
    /// `sslrootcert`.
    pub root: Option<RootCerts>,
    /// `sslcert`: the client certificate, for servers that authenticate by certificate.
    pub cert: Option<std::path::PathBuf>,
    /// `sslkey`: its key (unencrypted).
    pub key: Option<std::path::PathBuf>,
}

impl PgTarget {
    /// Check `url`: the postgres:// or postgresql:// form with a user, a host and a
    /// database, no password; TLS file paths absolute (the URL is read from any directory).
    pub fn parse(url: &str) -> Result<PgTarget> {
        let bad = |why: &str| db_error(url, DbErrorKind::BadUrl(why.into()));
        let url = url.trim();
        let Some(rest) = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://")) else {
            return Err(bad("it must start with postgres:// or postgresql://"));
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (query_base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        // The TLS parameters are pki's (the driver knows only disable, prefer and require).
        let mut kept = Vec::new();
        let mut tls = TlsParams { mode: SslMode::Prefer, root: None, cert: None, key: None };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned();
            let path = |what: &str| -> Result<std::path::PathBuf> {
                let p = std::path::PathBuf::from(&v);
                match p.is_absolute() {
                    true => Ok(p),
                    false => Err(bad(&format!(
                        "{what}={v}: give an absolute path (the CA directory's ledger.url is read from any directory)"
                    ))),
                }
            };
            match k {
                "sslmode" => {
                    tls.mode = match v.as_str() {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        _ => {
                            return Err(bad(&format!(
                                "unknown sslmode '{v}' (disable, allow, prefer, require, verify-ca, verify-full)"
                            )));
                        }
                    }
                }
                "sslrootcert" if v == "system" => tls.root = Some(RootCerts::System),
                "sslrootcert" => tls.root = Some(RootCerts::File(path("sslrootcert")?)),
                "sslcert" => tls.cert = Some(path("sslcert")?),
                "sslkey" => tls.key = Some(path("sslkey")?),
                "sslpassword" => {
                    // Named by the server only: the URL holds a secret.
                    let why = "sslpassword: pki reads only an unencrypted sslkey (keep it mode 0600)";
                    return Err(db_error(authority, DbErrorKind::BadUrl(why.into())));
                }
                "password" => return Err(db_error(authority, DbErrorKind::PasswordInUrl)),
                _ => kept.push(pair),
            }
        }
        let (userinfo, _) = authority.rsplit_once('@').unwrap_or(("", authority));
        if userinfo.contains(':') {
            return Err(db_error(authority.rsplit('@').next().unwrap_or_default(), DbErrorKind::PasswordInUrl));
        }
        let driver_url =
            if kept.is_empty() { query_base.to_string() } else { format!("{query_base}?{}", kept.join("&")) };
        let mut config: postgres::Config = driver_url.parse().map_err(|e| bad(&format!("{e}")))?;
        if config.get_password().is_some() {
            return Err(db_error(authority, DbErrorKind::PasswordInUrl));
        }
        let user =
            config.get_user().filter(|u| !u.is_empty()).ok_or_else(|| bad("no user (postgres://USER@HOST/DB)"))?;
        let dbname = config
            .get_dbname()
            .filter(|d| !d.is_empty())
            .ok_or_else(|| bad("no database (postgres://USER@HOST/DB)"))?;
        let host = match config.get_hosts() {
            [postgres::config::Host::Tcp(h)] => h.clone(),
            [postgres::config::Host::Unix(p)] => p.display().to_string(),
            [] => return Err(bad("no host (postgres://USER@HOST/DB)")),
            _ => return Err(bad("one host only")),
        };
        let port = match config.get_ports() {
            [] => 5432,
            [p] => *p,
            _ => return Err(bad("one port only")),
        };
        let (user, dbname) = (user.to_string(), dbname.to_string());
        let socket = matches!(config.get_hosts(), [postgres::config::Host::Unix(_)]);
        if socket && !matches!(tls.mode, SslMode::Disable | SslMode::Prefer) {
            return Err(bad(
                "TLS is not used over a Unix socket; connect to a host name for sslmode=require or verify-*",
            ));
        }
        if tls.cert.is_some() != tls.key.is_some() {
            return Err(bad("sslcert and sslkey go together"));
        }
        let mode = match tls.mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer if socket => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => postgres::config::SslMode::Require,
        };
        config.ssl_mode(mode).application_name("pki");
        Ok(PgTarget { url: url.to_string(), host, port, dbname, user, tls, config })
    }

    /// `HOST:PORT`, as messages name the server.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// A [`DbError`] about this server.
    pub fn error(&self, kind: DbErrorKind) -> Error {
        db_error(&self.server(), kind)
    }
}

/// An [`Error::Db`].
pub(crate) fn db_error(target: &str, kind: DbErrorKind) -> Error {
    Error::Db(Box::new(DbError { target: target.to_string(), kind }))
}

/// The password for `target` in a libpq password file's text: the first line
/// `host:port:database:user:password` whose fields match (`*` matches anything; `\:` and
/// `\\` are a colon and a backslash). A host that is a socket directory matches
/// `localhost`, as in libpq. Comments (`#`) and malformed lines are skipped.
pub fn pgpass_lookup(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let host = if host.starts_with('/') { "localhost" } else { host };
    let port = port.to_string();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_start().starts_with('#') || line.is_empty() {
            continue;
        }
        let fields = split_fields(line);
        if fields.len() != 5 {
            continue;
        }
        let matches = |f: &str, v: &str| f == "*" || f == v;
        if matches(&fields[0], host)
            && matches(&fields[1], &port)
            && matches(&fields[2], dbname)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

/// A password-file line's fields: split at unescaped ':', with `\x` read as `x`. A
/// wildcard is only an unescaped lone `*` (an escaped one, `\*`, is a literal star).
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('*') if fields.len() < 5 => fields.last_mut().expect("one field").push_str("\\*"),
                Some(n) => fields.last_mut().expect("one field").push(n),
                None => {}
            },
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_fields_wildcards_and_escapes() {
        let text = "# comment\n\nbad line\ndb.example:5432:pki:pki:first\n*:*:pki:pki:second\n\
                    host\\:x:5432:*:u:esc\\:aped\\\\\nlocalhost:5433:*:*:sock\n*:*:*:bob:pw:with:colons\n";
        assert_eq!(pgpass_lookup(text, "db.example", 5432, "pki", "pki").as_deref(), Some("first"));
        assert_eq!(pgpass_lookup(text, "other", 6000, "pki", "pki").as_deref(), Some("second"));
        assert_eq!(pgpass_lookup(text, "host:x", 5432, "any", "u").as_deref(), Some("esc:aped\\"));
        assert_eq!(pgpass_lookup(text, "/run/postgresql", 5433, "d", "x").as_deref(), Some("sock"));
        assert_eq!(pgpass_lookup(text, "h", 1, "d", "bob").as_deref(), Some("pw:with:colons"));
        assert_eq!(pgpass_lookup(text, "h", 1, "d", "nobody"), None);
        // An escaped star is a literal star, not a wildcard.
        assert_eq!(pgpass_lookup("\\*:*:*:*:pw\n", "h", 1, "d", "u"), None);
        assert_eq!(pgpass_lookup("\\*:*:*:*:pw\r\n", "*", 1, "d", "u"), None);
    }

    #[test]
    fn urls() {
        let t = PgTarget::parse("postgres://pki@db.example:6543/ledger").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.dbname.as_str(), t.user.as_str()),
            ("db.example", 6543, "ledger", "pki")
        );
        assert_eq!(t.server(), "db.example:6543");
        let t = PgTarget::parse("postgresql://pki@127.0.0.1/ledger?sslmode=disable&connect_timeout=3").unwrap();
        assert_eq!((t.port, t.server()), (5432, "127.0.0.1:5432".to_string()));
        assert_eq!(t.tls.mode, SslMode::Disable);
        let t = PgTarget::parse("postgres://pki@h/db").unwrap();
        assert_eq!(t.tls, TlsParams { mode: SslMode::Prefer, root: None, cert: None, key: None });
        let t = PgTarget::parse(
            "postgres://pki@h/db?sslmode=verify-full&sslrootcert=/a%20b/ca.pem&sslcert=/c.pem&sslkey=/k.pem",
        )
        .unwrap();
        assert_eq!(t.tls.mode, SslMode::VerifyFull);
        assert_eq!(t.tls.root, Some(RootCerts::File("/a b/ca.pem".into())));
        assert_eq!((t.tls.cert.unwrap(), t.tls.key.unwrap()), ("/c.pem".into(), "/k.pem".into()));
        let t = PgTarget::parse("postgres://pki@h/db?sslrootcert=system&sslmode=verify-ca").unwrap();
        assert_eq!((t.tls.mode, t.tls.root), (SslMode::VerifyCa, Some(RootCerts::System)));
        for (url, why) in [
            ("postgres://pki:secret@h/db", "password"),
            ("postgres://pki@h/db?password=secret", "password"),
            ("mysql://pki@h/db", "postgres://"),
            ("postgres://h/db", "no user"),
            ("postgres://pki@h", "no database"),
            ("postgres://pki@h/db?sslmode=bogus", "unknown sslmode"),
            ("postgres://pki@h/db?sslmode=verify-full&sslrootcert=ca.pem", "absolute path"),
            ("postgres://pki@h/db?sslcert=/c.pem", "go together"),
            ("postgres://pki@h/db?sslpassword=secret", "unencrypted"),
            ("postgres://pki@%2Frun%2Fpostgresql/db?sslmode=require", "Unix socket"),
        ] {
            let e = PgTarget::parse(url).unwrap_err().to_string();
            assert!(e.contains(why), "{url}: {e}");
            assert!(!e.contains("secret"), "the password is never echoed: {e}");
        }
    }
}
