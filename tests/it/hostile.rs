//! Hostile input to the commands that read files from strangers: `inspect`, `verify`
//! (as CERT, as `--ca`, as `--untrusted`) and `bundle`. Each case is what docs/cli.md
//! ("Global", "pki inspect") asks: exit 1 with an `error:` naming the file in single
//! quotes as the user typed it, or exit 0 when the input is legal; never a panic (101);
//! bounded time; and nothing written anywhere (the whole temp world is compared before
//! and after every refusal, and `bundle` is always given `-o out.pem`).
//!
//! What `inspect.rs` already covers is not repeated here (empty files, truncated PEM, bad
//! base64, junk, truncated DER, nested SEQUENCEs, a 70 MiB file, 10,000 blocks, mutated
//! DER). This file adds: broken PEM structure, enormous lines, DER length forms,
//! certificates that are legal but unusual (1,000 SANs, odd serials, v1, an unknown
//! critical extension, GeneralizedTime), and paths that are not plain files.
//!
//! Certificates come from `pki` itself (no openssl needed) or, for the unusual ones, from
//! openssl with fixed dates; `verify` always gets `--at`, either a fixed time inside fixed
//! dates or a time computed from the certificates themselves, never the clock.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use time::OffsetDateTime;

use crate::common::{
    OPENSSL_CA_CNF, Pki, expect_ok, norm_hex, only, openssl_time, ossl, parse, pem_wrap, read_cert, require,
    server_leaf_ext, text, warnings,
};

/// No run may take longer than this: a hang or a runaway parse fails the test.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A refusal of a big file "quickly": one pass over the bytes, well under this.
const QUICK: Duration = Duration::from_secs(10);

/// The time `verify` judges the openssl fixtures at: inside their fixed 2024 validity.
const AT: &str = "2024-06-01T00:00:00Z";

/// The ways the read-side commands take a file (`FILE`); `root.pem` and `leaf.pem` are
/// a good root and a leaf it issued, `AT` a time (see [`World::at`]).
const READERS: [&str; 6] = [
    "inspect FILE",
    "inspect --json FILE",
    "verify FILE --ca root.pem --at AT",
    "verify leaf.pem --ca FILE --at AT",
    "verify leaf.pem --ca root.pem --untrusted FILE --at AT",
    "bundle FILE -o out.pem",
];

/// One of each command, for the big files (the `--ca` and `--untrusted` readers share
/// the CERT reader's code).
const ONE_EACH: [&str; 3] = ["inspect FILE", "verify FILE --ca root.pem --at AT", "bundle FILE -o out.pem"];

// ---------------------------------------------------------------------------------------
// Running things
// ---------------------------------------------------------------------------------------

/// `pki ARGS`, bounded by [`TIMEOUT`]; returns the output and how long it took (the
/// shared runner fails the test on a panic or a hang).
fn run_timed(pki: &Pki, args: &[String]) -> (Output, Duration) {
    pki.call(args).within(TIMEOUT).timed()
}

/// `pki ARGS`, bounded by [`TIMEOUT`], with no panic whatever the exit code.
fn run(pki: &Pki, args: &[&str]) -> Output {
    pki.call(args).within(TIMEOUT).output()
}

/// `pki inspect --json FILES --at AT`, exit 0; the items.
fn inspect_json(pki: &Pki, files: &[&str]) -> Vec<Value> {
    let mut args = vec!["inspect", "--json", "--at", AT];
    args.extend_from_slice(files);
    let stdout = expect_ok(&run(pki, &args), &format!("pki {args:?}"));
    match serde_json::from_str(&stdout) {
        Ok(Value::Array(a)) => a,
        other => panic!("pki {args:?}: --json must print one array, got {other:?}"),
    }
}

/// `pki verify ARGS --json`: the exit code (0 or 3, never anything else) and the verdict.
fn verdict(pki: &Pki, args: &[&str]) -> (i32, Value) {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    a.push("--json");
    let out = run(pki, &a);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 3)),
        "pki {a:?}: expected a verdict (exit 0 or 3), got {code:?}\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("pki {a:?}: bad JSON ({e})"));
    assert_eq!(v["valid"].as_bool(), Some(code == Some(0)), "pki {a:?}: exit code and verdict disagree: {v:#}");
    (code.unwrap(), v)
}

/// The error codes of a verdict.
fn codes(v: &Value) -> Vec<String> {
    v["errors"].as_array().expect("errors array").iter().map(|e| e["code"].as_str().unwrap().to_string()).collect()
}

/// Every error message of a verdict, joined.
fn messages(v: &Value) -> String {
    let errors = v["errors"].as_array().expect("errors array");
    errors.iter().map(|e| e["message"].as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

/// Every file under `dir` (recursively) with its size and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                todo.push(p.clone());
            }
            out.insert(p, (m.len(), m.modified().ok()));
        }
    }
    out
}

/// One reader line with `FILE` and `AT` filled in.
fn reader_args(line: &str, file: &str, at: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| match w {
            "FILE" => file.to_string(),
            "AT" => at.to_string(),
            w => w.to_string(),
        })
        .collect()
}

/// Assert that every reader in `readers` refuses `file`: exit 1 within `limit` (never
/// killed, never a panic), an `error: cannot read 'FILE'` naming it as typed and saying
/// each of `says`, nothing on stdout but items marked `error` (inspect), and nothing
/// written.
fn refused_by(pki: &Pki, at: &str, readers: &[&str], file: &str, says: &[&str], limit: Duration) {
    refused_running(pki, at, readers, file, says, limit, &|args| run_timed(pki, args));
}

/// [`refused_by`], each reader run by `run`.
fn refused_running(
    pki: &Pki,
    at: &str,
    readers: &[&str],
    file: &str,
    says: &[&str],
    limit: Duration,
    run: &dyn Fn(&[String]) -> (Output, Duration),
) {
    for line in readers {
        let args = reader_args(line, file, at);
        let what = format!("pki {}", args.join(" "));
        let before = snapshot(pki.root());
        let (out, took) = run(&args);
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what}: expected exit 1 (None = killed after {TIMEOUT:?})\nstdout: {}\nstderr: {stderr}",
            text(&out.stdout)
        );
        assert!(took < limit, "{what}: took {took:?}, more than {limit:?}");
        assert!(
            stderr.contains(&format!("error: cannot read '{file}'")),
            "{what}: the error must name the file as typed, in single quotes:\n{stderr}"
        );
        for s in says {
            assert!(stderr.contains(s), "{what}: the error should say {s:?}:\n{stderr}");
        }
        if line.contains("--json") {
            // A malformed block is shown in place, as an item with an `error`; nothing
            // may be shown as if it had been read.
            let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
            let items = v.as_array().expect("an array");
            assert!(items.iter().all(|i| i["error"].is_string()), "{what}: {v:#}");
        } else if !line.starts_with("inspect") {
            assert!(out.stdout.is_empty(), "{what}: stdout should be empty: {}", text(&out.stdout));
        }
        assert_eq!(snapshot(pki.root()), before, "{what}: something was written");
    }
}

/// [`refused_by`] with every reader and the default time limit.
fn refused(w: &World, file: &str, says: &[&str]) {
    refused_by(&w.pki, &w.at, &READERS, file, says, TIMEOUT);
}

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

/// A pki CA and a leaf: `root.pem` (the CA's root, copied), `leaf.pem` (CN=leaf.test,
/// SAN leaf.test) in the working directory, and `at`, a time inside both, computed from
/// the certificates (so that nothing depends on when the test runs).
struct World {
    pki: Pki,
    at: String,
}

impl World {
    fn new() -> World {
        let pki = Pki::new();
        pki.init(&[]);
        pki.ok(&["issue", "server", "-q", "--san", "leaf.test", "--name", "leaf"]);
        std::fs::copy(pki.ca_dir().join("ca.pem"), pki.path("root.pem")).unwrap();
        let nb = |f: &str| parse(&read_cert(&pki.path(f))).validity().not_before.to_datetime();
        let at = stamp(nb("root.pem").max(nb("leaf.pem")) + time::Duration::hours(1));
        World { pki, at }
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        let p = self.pki.path(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(p, bytes).unwrap();
    }

    fn leaf_pem(&self) -> String {
        std::fs::read_to_string(self.pki.path("leaf.pem")).unwrap()
    }

    fn leaf_der(&self) -> Vec<u8> {
        read_cert(&self.pki.path("leaf.pem"))
    }

    /// The leaf's SHA-256 fingerprint as `inspect` reports it.
    fn leaf_fingerprint(&self) -> String {
        let c = only(inspect_json(&self.pki, &["leaf.pem"]), "leaf.pem");
        c["fingerprint_sha256"].as_str().unwrap().to_string()
    }
}

/// RFC 3339 UTC, as `--at` takes it.
fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The base64 lines of a one-block PEM text (between BEGIN and END).
fn body_lines(pem: &str) -> Vec<&str> {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// A DER certificate's outer SEQUENCE header and contents. pki's leaves are between 256
/// and 65,535 bytes long, so the header is `30 82 LL LL`.
fn split_outer(der: &[u8]) -> &[u8] {
    assert_eq!(der[..2], [0x30, 0x82], "the premise: a two-octet long-form length");
    let n = usize::from(der[2]) << 8 | usize::from(der[3]);
    assert_eq!(der.len(), 4 + n, "the premise: the length covers the rest");
    &der[4..]
}

/// `30 82 LEN` + `body`: a header whose length says `len` whatever the body holds.
fn with_length(len: usize, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
    v.extend_from_slice(body);
    v
}

/// A TLS server leaf's extensions for leaf.test (an `-extfile` for `openssl ca` and
/// `x509 -req`).
fn leaf_ext() -> String {
    server_leaf_ext("DNS:leaf.test").join("\n") + "\n"
}

/// Certificates minted by openssl in the working directory: `root.pem`/`root.key`
/// (CN=Root, P-256, 2020-01-01 .. 2060-01-01, so notAfter is a GeneralizedTime) and a
/// leaf key and request `leaf.key`/`leaf.csr` (CN=leaf.test) for [`Ossl::leaf`].
struct Ossl {
    dir: PathBuf,
}

impl Ossl {
    /// Mint the root; when openssl is missing, fail (or skip under `PKI_ALLOW_MISSING_TOOLS=1`).
    fn mint(pki: &Pki) -> Option<Ossl> {
        if !require("openssl") {
            return None;
        }
        let o = Ossl { dir: pki.work() };
        o.write("ca.cnf", OPENSSL_CA_CNF);
        o.write("index.txt", "");
        o.write("serial", "1000\n");
        o.write(
            "root.ext",
            "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n",
        );
        o.ossl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key");
        o.ossl("req -new -key root.key -subj /CN=Root -out root.csr");
        o.ossl(
            "ca -batch -config ca.cnf -selfsign -keyfile root.key -in root.csr -out root.pem \
             -extfile root.ext -startdate 20200101000000Z -enddate 20600101000000Z -notext",
        );
        o.ossl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key");
        o.ossl("req -new -key leaf.key -subj /CN=leaf.test -out leaf.csr");
        Some(o)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.dir.join(name), bytes).unwrap();
    }

    fn ossl(&self, line: &str) -> String {
        ossl(&self.dir, line)
    }

    /// `openssl ca`: a leaf `OUT` signed by the root, valid `start` .. `end`
    /// (`YYYYMMDDHHMMSSZ`), with the extensions `ext` (none: a v1 certificate).
    fn leaf(&self, out: &str, ext: Option<&str>, start: &str, end: &str) {
        let mut line = format!(
            "ca -batch -config ca.cnf -cert root.pem -keyfile root.key -in leaf.csr -out {out} \
             -startdate {start} -enddate {end} -notext"
        );
        if let Some(ext) = ext {
            let file = format!("{out}.ext");
            self.write(&file, ext);
            line.push_str(&format!(" -extfile {file}"));
        }
        self.ossl(&line);
    }

    /// `openssl x509 -req -set_serial SERIAL`: a leaf valid for 30 days from now (openssl
    /// 3.0 cannot set the dates here). Returns a time inside its validity, read from it.
    fn leaf_with_serial(&self, out: &str, serial: &str) -> String {
        self.write("leaf.ext", leaf_ext());
        self.ossl(&format!(
            "x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial {serial} -days 30 \
             -extfile leaf.ext -out {out}"
        ));
        let nb = parse(&read_cert(&self.dir.join(out))).validity().not_before.to_datetime();
        stamp(nb + time::Duration::hours(1))
    }

    /// `openssl x509 -noout OPTION` of a file: the value after `=`.
    fn field(&self, file: &str, option: &str) -> String {
        let out = self.ossl(&format!("x509 -in {file} -noout {option}"));
        out.trim().split_once('=').expect("KEY=VALUE").1.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// 1. Files with nothing in them, or nothing pki knows
// ---------------------------------------------------------------------------------------

#[test]
fn whitespace_only_and_crlf_only_files_are_refused_by_every_reader() {
    let w = World::new();
    let files: [(&str, &[u8]); 3] =
        [("spaces.pem", b"   \t  \n \n\t\n"), ("crlf.pem", b"\r\n\r\n\r\n\r\n"), ("mixed.pem", b"\r\n \t\r\n\x0c\r\n")];
    for (name, bytes) in files {
        w.write(name, bytes);
        refused(&w, name, &["it is empty"]);
    }
}

#[test]
fn unknown_pem_labels_alone_hold_no_certificate_for_verify_and_bundle() {
    let w = World::new();
    let files = [
        ("foo.pem", "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
        ("nolabel.pem", "-----BEGIN -----\nAAAA\n-----END -----\n"),
    ];
    for (name, pem) in files {
        w.write(name, pem);
        // (inspect: see the next test.)
        refused_by(&w.pki, &w.at, &READERS[2..], name, &["it holds no certificate"], TIMEOUT);
    }
    // An END line naming another label is malformed (issue 13, item 11), for every reader.
    w.write("foobar.pem", "-----BEGIN FOO-----\nAAAA\n-----END BAR-----\n");
    refused_by(&w.pki, &w.at, &READERS, "foobar.pem", &["PEM block 1 is malformed: its END line"], TIMEOUT);
}

#[test]
fn inspect_refuses_a_file_of_unknown_pem_labels_only() {
    // docs/cli.md: "A file that ... holds nothing recognisable: exit 1, naming it". A
    // file whose only block is `-----BEGIN FOO-----` holds nothing pki recognises, yet
    // `pki inspect foo.pem` prints a warning ("PEM block 1 ('FOO') is not a kind pki
    // reads") and exits 0 (with `--json`: `[]`, exit 0). A warning never changes the exit
    // code (STYLE.md), so nothing says the file was useless.
    let w = World::new();
    w.write("foo.pem", "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n");
    refused_by(&w.pki, &w.at, &READERS[..2], "foo.pem", &[], TIMEOUT);
}

#[test]
fn unknown_labels_beside_a_certificate_are_skipped_with_a_warning_naming_them() {
    // Legal: PEM files may hold kinds pki does not read; the certificate is still read.
    let w = World::new();
    w.write("mixed.pem", format!("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n{}", w.leaf_pem()));
    let out = run(&w.pki, &["inspect", "--json", "--at", &w.at, "mixed.pem"]);
    let items: Value = serde_json::from_str(&expect_ok(&out, "inspect mixed.pem")).unwrap();
    let c = only(items.as_array().unwrap().clone(), "mixed.pem");
    assert_eq!((c["kind"].as_str(), c["index"].as_u64()), (Some("certificate"), Some(2)), "{c:#}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("warning: mixed.pem: PEM block 1 ('FOO')"), "{stderr}");
    let (code, v) = verdict(&w.pki, &["mixed.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", &w.at]);
    assert_eq!(code, 0, "{v:#}");
    expect_ok(&run(&w.pki, &["bundle", "mixed.pem", "root.pem", "-o", "out.pem"]), "bundle mixed.pem");
    assert_eq!(read_cert(&w.pki.path("out.pem")), w.leaf_der());
}

// ---------------------------------------------------------------------------------------
// 2. Broken PEM structure
// ---------------------------------------------------------------------------------------

#[test]
fn a_begin_line_inside_another_block_is_refused() {
    let w = World::new();
    let leaf = w.leaf_pem();
    let body = body_lines(&leaf);
    // A whole certificate block in the middle of another one's base64.
    let mut nested = String::from("-----BEGIN CERTIFICATE-----\n");
    for l in &body[..3] {
        nested.push_str(l);
        nested.push('\n');
    }
    nested.push_str(&leaf);
    for l in &body[3..] {
        nested.push_str(l);
        nested.push('\n');
    }
    nested.push_str("-----END CERTIFICATE-----\n");
    w.write("nested.pem", nested);
    // A BEGIN line straight after another.
    w.write("twice.pem", format!("-----BEGIN CERTIFICATE-----\n{leaf}"));
    // Another label's block inside a certificate block.
    let inner_key = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----BEGIN PRIVATE KEY-----\nAAAA\n\
         -----END PRIVATE KEY-----\n{}\n-----END CERTIFICATE-----\n",
        body[0], body[1]
    );
    w.write("inner-key.pem", inner_key);
    for name in ["nested.pem", "twice.pem", "inner-key.pem"] {
        refused(&w, name, &["PEM block 1 is malformed"]);
    }
}

#[test]
fn a_begin_without_an_end_is_refused() {
    let w = World::new();
    let leaf = w.leaf_pem();
    let no_end: String = leaf.lines().filter(|l| !l.starts_with("-----END")).map(|l| format!("{l}\n")).collect();
    w.write("no-end.pem", &no_end);
    // A good block, then one that never ends: the file is refused, not half-read.
    w.write("then-open.pem", format!("{leaf}-----BEGIN CERTIFICATE-----\nMIIB\n"));
    // Two BEGIN lines, CRLF, and nothing else.
    w.write("two-begins.pem", "-----BEGIN CERTIFICATE-----\r\n-----BEGIN CERTIFICATE-----\r\n");
    refused(&w, "no-end.pem", &["PEM block 1 is malformed", "no END line"]);
    refused(&w, "then-open.pem", &["PEM block 2 is malformed", "no END line"]);
    refused(&w, "two-begins.pem", &["no END line"]);
}

#[test]
fn an_end_without_a_begin_is_refused_alone_and_is_text_beside_a_block() {
    let w = World::new();
    let leaf = w.leaf_pem();
    // The base64 and an END line, no BEGIN: no PEM block at all.
    let no_begin: String = leaf.lines().filter(|l| !l.starts_with("-----BEGIN")).map(|l| format!("{l}\n")).collect();
    w.write("no-begin.pem", &no_begin);
    w.write("end-only.pem", "-----END CERTIFICATE-----\n");
    refused(&w, "no-begin.pem", &["nothing recognisable"]);
    refused(&w, "end-only.pem", &["nothing recognisable"]);

    // A stray END line before or after a good block is text outside the block, which
    // RFC 7468 (section 2) permits.
    let fp = w.leaf_fingerprint();
    w.write("end-before.pem", format!("-----END CERTIFICATE-----\n{leaf}"));
    w.write("end-after.pem", format!("{leaf}-----END CERTIFICATE-----\n"));
    for name in ["end-before.pem", "end-after.pem"] {
        let c = only(inspect_json(&w.pki, &[name]), name);
        assert_eq!(c["fingerprint_sha256"].as_str(), Some(fp.as_str()), "{name}");
        let (code, v) = verdict(&w.pki, &[name, "--ca", "root.pem", "--host", "leaf.test", "--at", &w.at]);
        assert_eq!(code, 0, "{name}: {v:#}");
        expect_ok(&run(&w.pki, &["bundle", name, "root.pem"]), name);
    }
}

#[test]
fn mismatched_labels_are_read_by_the_begin_label_or_refused() {
    // RFC 7468, section 2: parsers MAY disregard the label on the END line. So a
    // certificate block that ends with another label is either read as the certificate
    // its BEGIN line announces, or refused naming the file; never anything else.
    let w = World::new();
    let leaf = w.leaf_pem();
    let fp = w.leaf_fingerprint();
    w.write("end-key.pem", leaf.replace("-----END CERTIFICATE-----", "-----END PRIVATE KEY-----"));
    w.write("end-foo.pem", leaf.replace("-----END CERTIFICATE-----", "-----END FOO-----"));
    for name in ["end-key.pem", "end-foo.pem"] {
        let out = run(&w.pki, &["inspect", "--json", "--at", &w.at, name]);
        match out.status.code() {
            Some(0) => {
                let items: Value = serde_json::from_slice(&out.stdout).unwrap();
                let c = only(items.as_array().unwrap().clone(), name);
                assert_eq!(c["kind"], "certificate", "{name}: {c:#}");
                assert_eq!(c["fingerprint_sha256"].as_str(), Some(fp.as_str()), "{name}");
            }
            _ => refused(&w, name, &[]),
        }
    }
    // A certificate's body under a PRIVATE KEY label is what the label says: a broken
    // key for inspect, and no certificate for verify and bundle.
    w.write("key-label.pem", leaf.replace("CERTIFICATE", "PRIVATE KEY"));
    refused_by(&w.pki, &w.at, &READERS[..2], "key-label.pem", &["block 1 (private_key) is malformed"], TIMEOUT);
    refused_by(&w.pki, &w.at, &READERS[2..], "key-label.pem", &["it holds no certificate"], TIMEOUT);
}

// ---------------------------------------------------------------------------------------
// 3. One enormous line
// ---------------------------------------------------------------------------------------

/// 20 MB without a newline.
const LINE: usize = 20_000_000;

#[test]
fn a_20_mb_line_is_refused_quickly_inside_or_outside_a_block() {
    let w = World::new();
    // Outside any block: neither PEM nor DER.
    w.write("line.txt", vec![b'A'; LINE]);
    refused_by(&w.pki, &w.at, &ONE_EACH, "line.txt", &["nothing recognisable"], QUICK);
    // Inside a certificate block: 15 MB of DER that is not a certificate.
    let mut inside = b"-----BEGIN CERTIFICATE-----\n".to_vec();
    inside.extend(std::iter::repeat_n(b'A', LINE));
    inside.extend_from_slice(b"\n-----END CERTIFICATE-----\n");
    w.write("inside.pem", inside);
    refused_by(&w.pki, &w.at, &ONE_EACH, "inside.pem", &["block 1", "malformed"], QUICK);
    // On the BEGIN line itself, never ended.
    let mut open = b"-----BEGIN CERTIFICATE-----".to_vec();
    open.extend(std::iter::repeat_n(b'A', LINE));
    w.write("open.pem", open);
    refused_by(&w.pki, &w.at, &ONE_EACH, "open.pem", &["PEM block 1 is malformed"], QUICK);
}

#[test]
fn a_20_mb_line_of_text_around_a_certificate_is_passed_over() {
    // RFC 7468, section 2: "Data before the encapsulation boundaries are permitted, and
    // parsers MUST NOT malfunction when processing such data", however long its lines.
    let w = World::new();
    let fp = w.leaf_fingerprint();
    let mut around = vec![b'x'; LINE];
    around.push(b'\n');
    around.extend_from_slice(w.leaf_pem().as_bytes());
    around.extend(std::iter::repeat_n(b'y', LINE));
    w.write("around.pem", around);
    let start = Instant::now();
    let c = only(inspect_json(&w.pki, &["around.pem"]), "around.pem");
    assert_eq!(c["fingerprint_sha256"].as_str(), Some(fp.as_str()));
    let (code, v) = verdict(&w.pki, &["around.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", &w.at]);
    assert_eq!(code, 0, "{v:#}");
    expect_ok(&run(&w.pki, &["bundle", "around.pem", "root.pem"]), "bundle around.pem");
    assert!(start.elapsed() < 3 * QUICK, "three runs took {:?}", start.elapsed());
}

// ---------------------------------------------------------------------------------------
// 4. DER length forms
// ---------------------------------------------------------------------------------------

#[test]
fn der_whose_outer_length_is_too_long_or_too_short_is_refused() {
    let w = World::new();
    let der = w.leaf_der();
    let body = split_outer(&der);
    let n = body.len();
    let mut huge = vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xf0]; // says 4 GiB
    huge.extend_from_slice(body);
    let cases = [
        ("long", with_length(n + 1, body)),
        ("short", with_length(n - 1, body)),
        ("huge", huge),
        ("zero", with_length(0, body)),
    ];
    for (name, bytes) in &cases {
        let der_name = format!("{name}.der");
        w.write(&der_name, bytes);
        refused(&w, &der_name, &["nothing recognisable"]);
        // The same bytes in a certificate block.
        let pem_name = format!("{name}.pem");
        w.write(&pem_name, pem_wrap("CERTIFICATE", bytes));
        refused(&w, &pem_name, &["block 1", "malformed"]);
    }
}

#[test]
fn an_indefinite_length_certificate_is_refused() {
    // BER's indefinite form (30 80 ... 00 00) of a real certificate: not DER. (openssl
    // reads it; DER readers must not.)
    let w = World::new();
    let der = w.leaf_der();
    let mut indef = vec![0x30, 0x80];
    indef.extend_from_slice(split_outer(&der));
    indef.extend_from_slice(&[0, 0]);
    w.write("indef.der", &indef);
    refused(&w, "indef.der", &["nothing recognisable"]);
    w.write("indef.pem", pem_wrap("CERTIFICATE", &indef));
    refused(&w, "indef.pem", &["block 1", "malformed"]);
}

/// The leaf with non-minimal length encodings: the outer SEQUENCE's length in three and
/// four octets with leading zeros (`30 83 00 LL LL`, `30 84 00 00 LL LL`), and the
/// tbsCertificate's the same way. Valid BER, not DER.
fn non_minimal(der: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let body = split_outer(der);
    let n = body.len();
    let (hi, lo) = ((n >> 8) as u8, n as u8);
    let outer3 = [&[0x30, 0x83, 0, hi, lo][..], body].concat();
    let outer4 = [&[0x30, 0x84, 0, 0, hi, lo][..], body].concat();
    assert_eq!(body[..2], [0x30, 0x82], "the premise: a long tbsCertificate");
    let tbs = [&[0x30, 0x83, 0][..], &body[2..]].concat();
    let inner = [&with_length(tbs.len(), &[])[..], &tbs].concat();
    vec![("outer3", outer3), ("outer4", outer4), ("inner", inner)]
}

#[test]
fn verify_rejects_non_minimal_der_lengths_in_the_certificate() {
    // Exit 3 `malformed` (webpki reads DER only) or exit 1 naming the file: both say the
    // certificate is unusable; anything else (exit 0, a panic) is wrong.
    let w = World::new();
    for (name, bytes) in non_minimal(&w.leaf_der()) {
        let file = format!("{name}.der");
        w.write(&file, &bytes);
        let out = run(&w.pki, &["verify", &file, "--ca", "root.pem", "--host", "leaf.test", "--at", &w.at, "--json"]);
        match out.status.code() {
            Some(3) => {
                let v: Value = serde_json::from_slice(&out.stdout).expect("a verdict");
                assert_eq!(codes(&v), ["malformed"], "{file}: {v:#}");
            }
            _ => refused_by(&w.pki, &w.at, &READERS[2..3], &file, &[], TIMEOUT),
        }
    }
}

#[test]
fn inspect_refuses_or_flags_non_minimal_der_lengths() {
    // `pki inspect outer3.der` (the leaf with its outer length as 30 83 00 LL LL) exits 0
    // and shows the certificate with no warning, and a SHA-256 fingerprint of the BER
    // bytes that no DER reader will ever see; webpki (`pki verify`) calls the same file
    // malformed. docs/cli.md reads "a single DER object": refuse it naming the file
    // (exit 1), or at least warn that it is not DER.
    let w = World::new();
    for (name, bytes) in non_minimal(&w.leaf_der()) {
        let file = format!("{name}.der");
        w.write(&file, &bytes);
        let out = run(&w.pki, &["inspect", "--json", "--at", &w.at, &file]);
        match out.status.code() {
            Some(1) => assert!(text(&out.stderr).contains(&format!("'{file}'")), "{}", text(&out.stderr)),
            _ => {
                let items: Value = serde_json::from_slice(&out.stdout).unwrap();
                let c = only(items.as_array().unwrap().clone(), &file);
                let warned = warnings(&c).iter().any(|w| w.contains("DER"));
                assert!(warned, "{file}: exit {:?} and no warning that it is not DER: {c:#}", out.status.code());
            }
        }
    }
}

#[test]
fn bundle_refuses_non_minimal_der_lengths() {
    // `pki bundle outer3.der root.pem -o out.pem` exits 0 and writes the BER bytes as the
    // chain's leaf: a chain rustls (webpki) rejects as malformed. Each link's signature
    // checks out (the tbsCertificate is untouched), so nothing stops it.
    let w = World::new();
    for (name, bytes) in non_minimal(&w.leaf_der()).into_iter().take(2) {
        let file = format!("{name}.der");
        w.write(&file, &bytes);
        let before = snapshot(w.pki.root());
        let out = run(&w.pki, &["bundle", &file, "root.pem", "-o", "out.pem"]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(&format!("'{file}'")), "{}", text(&out.stderr));
        assert_eq!(snapshot(w.pki.root()), before, "{file}: something was written");
    }
}

#[test]
fn verify_names_a_ca_file_it_cannot_use() {
    // The root with its outer length as 30 83 00 LL LL parses for x509-parser, so
    // `read_certs` accepts the file, but webpki refuses it as an anchor and pki says
    // "unknown_issuer: no usable trust anchor was given" (exit 3) without naming the
    // file. docs/cli.md: a malformed file is exit 1 and every error names the file.
    let w = World::new();
    let root = read_cert(&w.pki.path("root.pem"));
    let (_, bytes) = non_minimal(&root).swap_remove(0);
    w.write("bad-root.der", &bytes);
    refused_by(&w.pki, &w.at, &["verify leaf.pem --ca FILE --at AT"], "bad-root.der", &[], TIMEOUT);
}

// ---------------------------------------------------------------------------------------
// 5. Legal but unusual certificates (openssl)
// ---------------------------------------------------------------------------------------

#[test]
fn a_certificate_with_1000_sans_is_read_and_verified() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    let names: Vec<String> = (1..=1000).map(|i| format!("n{i}.many.test")).collect();
    let mut ext = String::from(
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
         extendedKeyUsage = serverAuth\nsubjectAltName = @alt\n[ alt ]\n",
    );
    for (i, n) in names.iter().enumerate() {
        ext.push_str(&format!("DNS.{} = {n}\n", i + 1));
    }
    o.leaf("many.pem", Some(&ext), "20240101000000Z", "20241231000000Z");

    let c = only(inspect_json(&pki, &["many.pem"]), "many.pem");
    let dns: Vec<&str> = c["dns_names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(dns, names, "all 1,000 names, in order");
    let human = expect_ok(&run(&pki, &["inspect", "--at", AT, "many.pem"]), "inspect many.pem");
    assert!(human.contains("DNS:n1.many.test, ") && human.contains("DNS:n1000.many.test"), "{human}");

    for host in ["n1.many.test", "n500.many.test", "n1000.many.test"] {
        let (code, v) = verdict(&pki, &["many.pem", "--ca", "root.pem", "--host", host, "--at", AT]);
        assert_eq!(code, 0, "{host}: {v:#}");
    }
    let (code, v) = verdict(&pki, &["many.pem", "--ca", "root.pem", "--host", "n1001.many.test", "--at", AT]);
    assert_eq!((code, codes(&v)), (3, vec!["name_mismatch".to_string()]), "{v:#}");
    expect_ok(&run(&pki, &["bundle", "many.pem", "root.pem", "-o", "out.pem"]), "bundle many.pem");
    assert_eq!(read_cert(&pki.path("out.pem")), read_cert(&pki.path("many.pem")));
}

/// Serials RFC 5280 allows (20 octets) and does not (negative, zero, 21 octets), as
/// `openssl x509 -set_serial` takes them: (file, serial).
const SERIALS: [(&str, &str); 4] = [
    ("negative.pem", "-1"),
    ("zero.pem", "0"),
    ("octets20.pem", "0x7faaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ("octets21.pem", "0x01bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
];

#[test]
fn unusual_serials_are_shown_and_verify_gives_a_verdict() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    for (file, serial) in SERIALS {
        let at = o.leaf_with_serial(file, serial);
        let der = read_cert(&pki.path(file));
        let octets = parse(&der).raw_serial().len();
        assert_eq!(
            octets,
            match file {
                "octets20.pem" => 20,
                "octets21.pem" => 21,
                _ => 1,
            },
            "the premise: {file}'s serial has the intended size"
        );

        let c = only(inspect_json(&pki, &[file]), file);
        let shown = c["serial"].as_str().expect("a serial").to_string();
        assert!(!shown.is_empty(), "{file}: {c:#}");
        let openssl = o.field(file, "-serial");
        if !serial.starts_with('-') {
            assert_eq!(norm_hex(&shown), norm_hex(&openssl), "{file}: pki and openssl disagree");
        }
        if file == "octets20.pem" {
            assert!(!warnings(&c).iter().any(|w| w.contains("serial")), "20 octets are fine: {c:#}");
        }

        // webpki may refuse the ones RFC 5280 forbids (malformed); the strict profile refuses
        // the others (serial_invalid). Either way a verdict, and only with --profile webpki
        // may one of them pass.
        let (code, v) = verdict(&pki, &[file, "--ca", "root.pem", "--host", "leaf.test", "--at", &at]);
        if file == "octets20.pem" {
            assert_eq!(code, 0, "a 20-octet serial is legal: {v:#}");
        } else {
            assert_eq!(code, 3, "{file}: RFC 5280 4.1.2.2 forbids it: {v:#}");
            let c = codes(&v);
            assert!(c == ["malformed"] || c == ["serial_invalid"], "{file}: {v:#}");
        }
        let (code, v) =
            verdict(&pki, &[file, "--ca", "root.pem", "--host", "leaf.test", "--at", &at, "--profile", "webpki"]);
        if code == 3 {
            assert_eq!(codes(&v), ["malformed"], "{file}: {v:#}");
        }
    }
}

#[test]
fn inspect_warns_about_serials_rfc5280_forbids() {
    // RFC 5280, 4.1.2.2: the serial "MUST be a positive integer" of at most 20 octets.
    // `pki inspect` shows `openssl x509 -set_serial -1` as serial "ff" (the
    // two's-complement octet; openssl prints "-01"), which reads as 255, and gives no
    // warning for -1, 0 or a 21-octet serial, though it warns about other RFC 5280
    // breaches (duplicate extensions, keyEncipherment on EC keys).
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    for (file, serial) in SERIALS {
        o.leaf_with_serial(file, serial);
    }
    for file in ["negative.pem", "zero.pem", "octets21.pem"] {
        let c = only(inspect_json(&pki, &[file]), file);
        assert!(warnings(&c).iter().any(|w| w.contains("serial")), "{file}: no warning about the serial: {c:#}");
    }
    let c = only(inspect_json(&pki, &["negative.pem"]), "negative.pem");
    assert!(c["serial"].as_str().unwrap().starts_with('-'), "a negative serial shown as positive: {c:#}");
}

#[test]
fn a_v1_certificate_is_shown_with_a_warning_and_is_malformed_for_verify() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    o.leaf("v1.pem", None, "20240101000000Z", "20241231000000Z");
    let mut der = read_cert(&pki.path("v1.pem"));
    if parse(&der).version().0 != 0 {
        // A newer openssl may write v3 even without extensions: make the version field
        // say v1 (the signature then fails, but the version is rejected before that).
        let at = der.windows(5).position(|w| w == [0xa0, 0x03, 0x02, 0x01, 0x02]).expect("a version field");
        der[at + 4] = 0;
        std::fs::write(pki.path("v1.pem"), pem_wrap("CERTIFICATE", &der)).unwrap();
    }
    assert_eq!(parse(&read_cert(&pki.path("v1.pem"))).version().0, 0, "the premise: a v1 certificate");

    let c = only(inspect_json(&pki, &["v1.pem"]), "v1.pem");
    assert_eq!(c["version"], 1, "{c:#}");
    assert_eq!(c["subject"], "CN=leaf.test", "{c:#}");
    assert!(warnings(&c).iter().any(|w| w.contains("v1")), "a warning naming v1: {c:#}");
    let (code, v) = verdict(&pki, &["v1.pem", "--ca", "root.pem", "--at", AT]);
    assert_eq!((code, codes(&v)), (3, vec!["malformed".to_string()]), "{v:#}");
}

#[test]
fn an_unknown_critical_extension_is_named_by_inspect_and_rejected_by_verify() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    let ext = format!("{}1.2.3.4 = critical,ASN1:UTF8String:x\n", leaf_ext());
    o.leaf("crit.pem", Some(&ext), "20240101000000Z", "20241231000000Z");
    let c = only(inspect_json(&pki, &["crit.pem"]), "crit.pem");
    assert_eq!(c["dns_names"], serde_json::json!(["leaf.test"]), "the rest still read: {c:#}");
    assert!(
        warnings(&c).iter().any(|w| w.contains("1.2.3.4") && w.contains("critical")),
        "a warning naming the OID: {c:#}"
    );
    let human = run(&pki, &["inspect", "--at", AT, "crit.pem"]);
    expect_ok(&human, "inspect crit.pem");
    assert!(text(&human.stdout).contains("1.2.3.4"), "{}", text(&human.stdout));

    let (code, v) = verdict(&pki, &["crit.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", AT]);
    assert_eq!(code, 3, "{v:#}");
    assert!(messages(&v).contains("critical extension"), "{v:#}");
    // The same certificate without it is valid: the extension is what verify rejects.
    o.leaf("plain.pem", Some(&leaf_ext()), "20240101000000Z", "20241231000000Z");
    let (code, v) = verdict(&pki, &["plain.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", AT]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn generalized_times_after_2049_are_read_and_verified() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    o.leaf("late.pem", Some(&leaf_ext()), "20240101000000Z", "20500102030405Z");
    let der = read_cert(&pki.path("late.pem"));
    assert!(der.windows(17).any(|w| w == b"\x18\x0f20500102030405Z"), "the premise: a GeneralizedTime notAfter");

    let c = only(inspect_json(&pki, &["late.pem"]), "late.pem");
    assert_eq!(c["not_before"].as_str().unwrap(), openssl_time(&o.field("late.pem", "-startdate")));
    assert_eq!(c["not_after"].as_str().unwrap(), openssl_time(&o.field("late.pem", "-enddate")));
    assert_eq!(c["not_after"], "2050-01-02T03:04:05Z");
    let root = only(inspect_json(&pki, &["root.pem"]), "root.pem");
    assert_eq!(root["not_after"], "2060-01-01T00:00:00Z");

    for at in [AT, "2050-01-02T03:00:00Z"] {
        let (code, v) = verdict(&pki, &["late.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", at]);
        assert_eq!(code, 0, "at {at}: {v:#}");
    }
    let (code, v) = verdict(&pki, &["late.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", "2050-01-03"]);
    assert_eq!((code, codes(&v)), (3, vec!["expired".to_string()]), "{v:#}");
}

#[test]
fn a_not_before_in_1940_is_read_right_and_verify_gives_a_verdict() {
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    o.leaf("old.pem", Some(&leaf_ext()), "19400101000000Z", "20500101000000Z");
    let der = read_cert(&pki.path("old.pem"));
    assert!(der.windows(17).any(|w| w == b"\x18\x0f19400101000000Z"), "the premise: a GeneralizedTime notBefore");
    let c = only(inspect_json(&pki, &["old.pem"]), "old.pem");
    assert_eq!(c["not_before"].as_str().unwrap(), openssl_time(&o.field("old.pem", "-startdate")));
    assert_eq!(c["not_before"], "1940-01-01T00:00:00Z");
    assert_eq!(c["not_after"], "2050-01-01T00:00:00Z");
    let human = expect_ok(&run(&pki, &["inspect", "--at", AT, "old.pem"]), "inspect old.pem");
    assert!(human.contains("1940-01-01T00:00:00Z"), "{human}");
    // A verdict, whichever it is (see the ignored test below for which it should be).
    verdict(&pki, &["old.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", AT]);
}

#[test]
fn verify_of_a_certificate_valid_since_1940_is_valid_or_says_why() {
    // `pki verify old.pem --ca root.pem --at 2024-06-01` (notBefore 19400101000000Z, a
    // well-formed GeneralizedTime, as RFC 5280 4.1.2.5 requires before 1950) answers
    // "malformed: a certificate in the chain is malformed: a time is badly encoded":
    // webpki's UnixTime cannot hold a time before 1970 and reports BadDerTime. The time
    // is not badly encoded. Either accept it (it is valid at --at), or say what is wrong:
    // the message should name the date.
    let pki = Pki::new();
    let Some(o) = Ossl::mint(&pki) else { return };
    o.leaf("old.pem", Some(&leaf_ext()), "19400101000000Z", "20500101000000Z");
    let (code, v) = verdict(&pki, &["old.pem", "--ca", "root.pem", "--host", "leaf.test", "--at", AT]);
    assert!(code == 0 || messages(&v).contains("1940"), "{v:#}");
    assert!(!messages(&v).contains("badly encoded"), "{v:#}");
}

// ---------------------------------------------------------------------------------------
// 6. Paths that are not plain files
// ---------------------------------------------------------------------------------------

#[test]
fn a_directory_and_a_missing_path_are_refused_by_verify_and_bundle() {
    let w = World::new();
    std::fs::create_dir_all(w.pki.path("adir")).unwrap();
    refused(&w, "adir", &["it is a directory"]);
    refused(&w, "nope/missing.pem", &["no such file or directory"]);
}

#[test]
fn the_file_is_named_exactly_as_typed() {
    let w = World::new();
    w.write("sub/junk.pem", "just some text\n");
    for typed in ["sub/junk.pem", "./sub/junk.pem", "sub/../sub/junk.pem"] {
        refused(&w, typed, &["nothing recognisable"]);
    }
    let abs = w.pki.path("sub/junk.pem").display().to_string();
    refused_by(&w.pki, &w.at, &ONE_EACH, &abs, &["nothing recognisable"], TIMEOUT);
}

#[test]
fn an_unreadable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let id = std::process::Command::new("id").arg("-u").output().expect("run id -u");
    let root = text(&id.stdout).trim() == "0";
    let w = World::new();
    std::fs::copy(w.pki.path("leaf.pem"), w.pki.path("locked.pem")).unwrap();
    std::fs::set_permissions(w.pki.path("locked.pem"), std::fs::Permissions::from_mode(0o000)).unwrap();
    if !root {
        refused(&w, "locked.pem", &["permission denied"]);
        return;
    }
    // Root reads a mode-000 file anyway: pki runs as nobody (CI runs as root), with the
    // world's directories open to it so that only the file itself is refused.
    if !crate::common::require("setpriv") {
        return;
    }
    for d in [w.pki.root().to_path_buf(), w.pki.work(), w.pki.root().join("home")] {
        std::fs::create_dir_all(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let as_nobody = |args: &[String]| {
        w.pki
            .call(args)
            .within(TIMEOUT)
            .wrapped("setpriv", &["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .timed()
    };
    refused_running(&w.pki, &w.at, &READERS, "locked.pem", &["permission denied"], TIMEOUT, &as_nobody);
}

/// A named pipe at `path`.
fn mkfifo(path: &Path) {
    let st = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(st.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_without_a_writer_is_refused_without_hanging() {
    // `mkfifo pipe; pki inspect pipe` never returns: read_input checks metadata (not a
    // directory, length 0) and then opens the file, which for a FIFO blocks until a
    // writer appears. The same for `verify pipe`, `verify --ca pipe` and `bundle pipe`.
    // A reader that must not hang opens with O_NONBLOCK (then sees end of file: "it is
    // empty") or refuses what is not a regular file; `<(...)` pipes have a writer and
    // keep working either way (see the next test).
    let w = World::new();
    mkfifo(&w.pki.path("pipe"));
    let limit = Duration::from_secs(5);
    for line in READERS {
        let args = reader_args(line, "pipe", &w.at);
        let start = Instant::now();
        let out = w.pki.call(&args).within(limit).output();
        assert_eq!(
            out.status.code(),
            Some(1),
            "pki {args:?}: expected exit 1, got {:?} after {:?} (None = killed: it hung)\n{}",
            out.status.code(),
            start.elapsed(),
            text(&out.stderr)
        );
        assert!(text(&out.stderr).contains("'pipe'"), "{}", text(&out.stderr));
    }
}

#[test]
fn a_fifo_with_a_writer_is_read() {
    // Legal: `pki inspect <(openssl ...)` hands pki a pipe with a writer.
    let w = World::new();
    mkfifo(&w.pki.path("pipe"));
    let fp = w.leaf_fingerprint();
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg("cat leaf.pem > pipe")
        .current_dir(w.pki.work())
        .spawn()
        .expect("spawn the writer");
    let out = run(&w.pki, &["inspect", "--json", "--at", &w.at, "pipe"]);
    // The writer is done once pki has read; if pki never opened the pipe, stop it.
    let _ = writer.kill();
    let _ = writer.wait();
    let items: Value = serde_json::from_str(&expect_ok(&out, "inspect pipe")).unwrap();
    let c = only(items.as_array().unwrap().clone(), "pipe");
    assert_eq!(c["fingerprint_sha256"].as_str(), Some(fp.as_str()));
    assert_eq!(c["source"], "pipe");
}

#[test]
fn an_endless_device_is_refused_at_the_size_limit() {
    let w = World::new();
    for dev in ["/dev/zero", "/dev/urandom"] {
        refused_by(&w.pki, &w.at, &READERS, dev, &["more than the 64 MiB"], QUICK);
    }
}

#[test]
fn fifty_megabytes_of_random_bytes_are_refused_quickly() {
    // Pseudo-random (xorshift, fixed seed: the same bytes every run), starting like a
    // DER SEQUENCE so that every DER reader has a go at it.
    let w = World::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = Vec::with_capacity(50_000_000);
    while bytes.len() < 50_000_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes[..2].copy_from_slice(&[0x30, 0x84]);
    w.write("random.bin", &bytes);
    refused_by(&w.pki, &w.at, &ONE_EACH, "random.bin", &["nothing recognisable"], QUICK);
}

// ---------------------------------------------------------------------------------------
// 7. Work that grows faster than the input
// ---------------------------------------------------------------------------------------

#[test]
fn many_legacy_encrypted_blocks_are_read_in_bounded_time() {
    // pem::read_pem calls legacy_encryption(bytes, index) for every block x509-parser
    // cannot decode, and that rescans the whole input from the start up to block
    // `index`: O(blocks^2). 1,000 blocks take 0.3 s, 5,000 take 6 s, 20,000 (2.6 MB, far
    // under the 100,000-block and 64 MiB limits) take about 90 s, for inspect, verify
    // and bundle alike.
    let w = World::new();
    let block = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                 DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    w.write("legacy.pem", block.repeat(20_000));
    for line in ONE_EACH {
        let args = reader_args(line, "legacy.pem", &w.at);
        let (out, took) = run_timed(&w.pki, &args);
        assert!(out.status.code().is_some(), "pki {args:?}: killed after {took:?}");
        assert!(took < QUICK, "pki {args:?}: took {took:?}");
    }
}

#[test]
fn key_matching_grows_with_the_input_not_its_square() {
    // describe::key::match_keys compares every key with every certificate given in the
    // call. Reading 30,000 certificates takes 1.7 s and 30,000 unrelated keys 0.8 s; both
    // in one call take 9.4 s (50,000 of each: 21 s) on the machine this was found on. A
    // map by public key would make it linear. Judged against the two runs alone, not
    // against the clock.
    let w = World::new();
    // A key that belongs to none of the certificates.
    w.pki.ok(&["issue", "server", "-q", "--san", "other.test", "--name", "other"]);
    let n = 30_000;
    w.write("certs.pem", w.leaf_pem().repeat(n));
    w.write("keys.pem", std::fs::read_to_string(w.pki.path("other-key.pem")).unwrap().repeat(n));
    let time_of = |files: &[&str]| {
        let start = Instant::now();
        let args = [&["inspect", "--json", "--at", w.at.as_str()][..], files].concat();
        let out = w.pki.call(&args).within(TIMEOUT * 3).output();
        assert_eq!(out.status.code(), Some(0), "{files:?}: {}", text(&out.stderr));
        start.elapsed()
    };
    let alone = time_of(&["certs.pem"]) + time_of(&["keys.pem"]);
    let both = time_of(&["certs.pem", "keys.pem"]);
    assert!(both < 2 * alone + Duration::from_secs(2), "alone {alone:?}, together {both:?}");
}
