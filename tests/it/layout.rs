//! The shape of `src/`: no import cycle between modules, no file over 450 lines.
//!
//! Granularity of the cycle check. Every file is a module (`src/a/b.rs` is `a::b`,
//! `src/a/mod.rs` is `a`). Cycles are looked for among siblings, at every level of the
//! tree: among the top-level modules of the crate, then among the children of each
//! directory, and so on down. A directory counts as one module at the level above it (its
//! files are its parts, so `store/ledger.rs -> keys` is `store -> keys`), and its `mod.rs`
//! is its face: a part may use its own directory's face (`super::CaDir`) and the face may
//! use its parts, so those two edges are not dependencies between siblings. `lib.rs` is the
//! face of the crate and `main.rs` is another crate (it sees the library as `pki::`).
//! This is the check that catches what a review found by hand (`cli -> commands -> cli`,
//! `render -> commands -> render`, `describe -> certinfo -> describe`), and also a cycle
//! between two files of one directory (`commands/issue.rs <-> commands/args.rs`).
//!
//! References are read from the source text: `crate::`, `super::` and `self::` paths
//! anywhere (in `use` and inline), `use child::...` of a declared child module, and `pub
//! use` re-exports are followed to the module that defines the item (`crate::Result` is
//! `error`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a file in `src/` may be (STYLE.md: split a file past about 400 lines).
const MAX_LINES: usize = 450;

type ModPath = Vec<String>;

/// One source file: where it is, the module it is, and its code without comments or
/// literals.
struct SrcFile {
    path: String,
    module: ModPath,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `dir`, text).
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `a/b.rs` -> `[a, b]`, `a/mod.rs` -> `[a]`, `lib.rs` -> `[]`.
fn module_of(rel: &str) -> ModPath {
    let mut parts: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The code with comments, strings and char literals blanked out, so that a path in a doc
/// comment or a message is not taken for a dependency.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c[i] == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && (at(i + 2) == '"' || at(i + 2) == '#')))
            && !(i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && (at(i + 2) == '\'' || at(i + 1) == '\\') {
            // A char literal ('x', '\n', '\u{..}'); a lifetime ('a) has no closing quote.
            i += 1;
            while i < c.len() && c[i] != '\'' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphabetic() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else if c[i].is_whitespace() {
            i += 1;
        } else {
            out.push(c[i].to_string());
            i += 1;
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Parse a path or use-tree at `toks[*i]`, pushing every full path it names.
fn parse_tree(toks: &[String], i: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    while *i < toks.len() {
        let t = toks[*i].as_str();
        if t == "{" {
            *i += 1;
            while *i < toks.len() && toks[*i] != "}" {
                let before = *i;
                parse_tree(toks, i, prefix.clone(), out);
                if toks.get(*i).is_some_and(|t| t == "as") {
                    *i += 2;
                }
                if toks.get(*i).is_some_and(|t| t == ",") || *i == before {
                    *i += 1;
                }
            }
            *i += 1;
            return;
        }
        if is_ident(t) {
            prefix.push(t.to_string());
            *i += 1;
            if toks.get(*i).is_some_and(|t| t == "::") {
                *i += 1;
                continue;
            }
        }
        break;
    }
    if !prefix.is_empty() {
        out.push(prefix);
    }
}

/// Every path the file names that starts at `crate`, `super` or `self`, or at a child
/// module in a `use`; also whether each came from a `pub use`.
fn raw_paths(file: &SrcFile, modules: &BTreeSet<ModPath>) -> Vec<(Vec<String>, bool)> {
    let toks = tokens(&file.code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        let after_sep = i > 0 && toks[i - 1] == "::";
        if t == "use" {
            let public = i > 0 && (toks[i - 1] == "pub" || toks[i - 1] == ")");
            let mut j = i + 1;
            if toks.get(j).is_some_and(|t| t == "::") {
                j += 1;
            }
            let mut paths = Vec::new();
            parse_tree(&toks, &mut j, Vec::new(), &mut paths);
            for p in paths {
                let first = p[0].as_str();
                let rooted = matches!(first, "crate" | "super" | "self");
                let mut child = file.module.clone();
                child.push(first.to_string());
                if rooted {
                    out.push((p, public));
                } else if modules.contains(&child) {
                    let mut q = vec!["self".to_string()];
                    q.extend(p);
                    out.push((q, public));
                }
            }
            i = j.max(i + 1);
        } else if matches!(t, "crate" | "super" | "self") && !after_sep && toks.get(i + 1).is_some_and(|t| t == "::") {
            let mut j = i;
            let mut paths = Vec::new();
            parse_tree(&toks, &mut j, Vec::new(), &mut paths);
            out.extend(paths.into_iter().map(|p| (p, false)));
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// `segs` (starting at crate/super/self) as an absolute path, from the file's module.
fn absolute(file: &SrcFile, segs: &[String]) -> Vec<String> {
    let mut base: Vec<String> = Vec::new();
    let mut k = 0;
    match segs[0].as_str() {
        "crate" => k = 1,
        "self" => {
            base = file.module.clone();
            k = 1;
        }
        _ => {
            // super is relative to the module the file is: `a/b.rs` is `a::b`.
            base = file.module.clone();
            while segs.get(k).is_some_and(|s| s == "super") {
                base.pop();
                k += 1;
            }
        }
    }
    base.extend(segs[k..].iter().filter(|s| *s != "self").cloned());
    base
}

/// The sources, the modules they define, and the dependencies found between modules:
/// (from module, to module) -> a file that makes it.
struct Graph {
    edges: BTreeMap<(ModPath, ModPath), String>,
}

fn analyse(files: &[SrcFile]) -> Graph {
    let modules: BTreeSet<ModPath> = files.iter().map(|f| f.module.clone()).collect();
    let mut refs = Vec::new();
    // (module, name) -> absolute path it re-exports.
    let mut reexports: BTreeMap<(ModPath, String), Vec<String>> = BTreeMap::new();
    for f in files {
        for (p, public) in raw_paths(f, &modules) {
            let abs = absolute(f, &p);
            if public && let Some(name) = abs.last() {
                reexports.insert((f.module.clone(), name.clone()), abs.clone());
            }
            refs.push((f, abs));
        }
    }
    // The module an absolute path lands in, following re-exports.
    let resolve = |mut abs: Vec<String>| -> ModPath {
        for _ in 0..8 {
            let mut m = abs.clone();
            while !modules.contains(&m) {
                m.pop();
            }
            match abs.get(m.len()).and_then(|name| reexports.get(&(m.clone(), name.clone()))) {
                Some(target) if *target != abs => abs = target.clone(),
                _ => return m,
            }
        }
        abs
    };
    let mut edges = BTreeMap::new();
    for (f, abs) in refs {
        let to = resolve(abs);
        let cp = f.module.iter().zip(&to).take_while(|(a, b)| a == b).count();
        // A face using its parts, or a part using its face: not an edge between siblings.
        if cp < f.module.len() && cp < to.len() {
            let from = f.module[..=cp].to_vec();
            let to = to[..=cp].to_vec();
            edges.entry((from, to)).or_insert_with(|| f.path.clone());
        }
    }
    Graph { edges }
}

/// A cycle in the graph, written `a -> b -> a` with the file behind each edge.
fn find_cycle(graph: &Graph) -> Option<String> {
    let mut next: BTreeMap<&ModPath, Vec<&ModPath>> = BTreeMap::new();
    for (from, to) in graph.edges.keys() {
        next.entry(from).or_default().push(to);
    }
    // Depth-first search with colours; a grey node met again closes a cycle.
    fn dfs<'a>(
        n: &'a ModPath,
        next: &BTreeMap<&'a ModPath, Vec<&'a ModPath>>,
        state: &mut BTreeMap<&'a ModPath, u8>,
        stack: &mut Vec<&'a ModPath>,
    ) -> Option<Vec<&'a ModPath>> {
        state.insert(n, 1);
        stack.push(n);
        for &m in next.get(n).map(Vec::as_slice).unwrap_or_default() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|x| *x == m).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m);
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = dfs(m, next, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
        None
    }
    let mut state = BTreeMap::new();
    for &n in next.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(cycle) = dfs(n, &next, &mut state, &mut Vec::new())
        {
            let mut text = cycle.iter().map(|m| m.join("::")).collect::<Vec<_>>().join(" -> ");
            text.push_str("\n  because:");
            for w in cycle.windows(2) {
                let file = &graph.edges[&(w[0].clone(), w[1].clone())];
                text.push_str(&format!("\n    src/{file} uses {}", w[1].join("::")));
            }
            return Some(text);
        }
    }
    None
}

fn load(files: Vec<(String, String)>) -> Vec<SrcFile> {
    files
        .into_iter()
        // main.rs is the binary crate: it reaches the library as `pki::`, not `crate::`.
        .filter(|(rel, _)| rel != "main.rs")
        .map(|(rel, text)| SrcFile { module: module_of(&rel), code: strip(&text), path: rel })
        .collect()
}

#[test]
fn no_import_cycle_between_src_modules() {
    let files = load(rust_files(&src_dir()));
    assert!(files.len() > 20, "found only {} files under src/", files.len());
    let graph = analyse(&files);
    // The check must see the crate's real dependencies, or it checks nothing.
    assert!(graph.edges.contains_key(&(vec!["commands".into()], vec!["render".into()])), "{:?}", graph.edges.keys());
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between src/ modules: {cycle}\nmove what both need into a module below them");
    }
}

/// The checker itself finds the cycles it is for (so the test above can fail).
#[test]
fn cycle_check_finds_cycles() {
    let case = |files: &[(&str, &str)]| {
        find_cycle(&analyse(&load(files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect())))
    };
    let lib = ("lib.rs", "pub mod a; pub mod b; pub mod c; pub use a::Thing;");
    // Two top-level modules, one through a directory's part and a re-export.
    let found = case(&[
        lib,
        ("a/mod.rs", "mod x; pub use x::Thing;"),
        ("a/x.rs", "use crate::b::{self, other::B}; // crate::c::nothing\npub struct Thing;"),
        ("b.rs", "fn f() -> crate::Thing { let s = \"crate::c\"; todo!() }"),
        ("c.rs", ""),
    ]);
    let found = found.expect("a -> b -> a is a cycle");
    assert!(found.contains("a -> b -> a") || found.contains("b -> a -> b"), "{found}");
    assert!(found.contains("src/a/x.rs uses b") || found.contains("src/b.rs uses a"), "{found}");
    // Comments and strings are not dependencies; a part using its face is not a cycle.
    assert_eq!(
        case(&[
            lib,
            ("a/mod.rs", "mod x; pub use x::Thing; pub fn face() {}"),
            ("a/x.rs", "use super::face; pub struct Thing; // crate::b\n"),
            ("b.rs", "use crate::a::Thing; const S: &str = \"crate::c\";"),
            ("c.rs", "/* crate::b */ fn f(c: char) -> bool { c == '\"' } use crate::b;"),
        ]),
        None
    );
    // Two parts of one directory.
    let found = case(&[
        lib,
        ("a/mod.rs", "mod x; mod y;"),
        ("a/x.rs", "use super::y::Y; pub struct X;"),
        ("a/y.rs", "pub struct Y(crate::a::x::X);"),
    ])
    .expect("a::x -> a::y -> a::x is a cycle");
    assert!(found.contains("a::x -> a::y -> a::x") || found.contains("a::y -> a::x -> a::y"), "{found}");
}

#[test]
fn no_src_file_is_over_the_limit() {
    let files = rust_files(&src_dir());
    let long: Vec<String> = files
        .iter()
        .map(|(rel, text)| (rel, text.lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(rel, n)| format!("src/{rel}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines (split them by job):\n{}", long.join("\n"));
}
