//! The example site's whole output, byte for byte, against its expected tree (as cobalt's
//! `tests/cmd/*.out`): `tests/expected/example/` holds every text file verbatim, and
//! `tests/expected/example.binaries` lists each binary file (images, fonts) and each
//! verbatim copy of a theme static file (`style.css`, `directory.js`) by SHA-256, size and
//! path instead of a second copy of what the repository already holds.
//! `PARTNERSITE_BLESS=1 cargo test --test suite example_site` rewrites both (stale files
//! removed); review the result with `git diff`.

use crate::common;

use common::{SiteTest, tree};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Extensions of files recorded in the manifest rather than stored (anything that is not
/// UTF-8 is recorded too).
const BINARY: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "woff", "woff2", "ttf", "otf", "pdf",
];

/// One expected output file: its bytes, or for a binary file its size and SHA-256.
#[derive(Clone, PartialEq, Debug)]
enum Expected {
    Text(Vec<u8>),
    Binary { size: usize, sha256: String },
}

/// Whether the output file is a verbatim copy of the default theme's static file of the
/// same path (`style.css`, `directory.js`): the repository already holds its text.
fn copy_of_theme_file(rel: &str, bytes: &[u8]) -> bool {
    let source = common::repo().join("themes/default/static").join(rel);
    std::fs::read(source).is_ok_and(|theirs| theirs == bytes)
}

fn classify(rel: &str, bytes: &[u8]) -> Expected {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    if BINARY.contains(&ext)
        || std::str::from_utf8(bytes).is_err()
        || copy_of_theme_file(rel, bytes)
    {
        Expected::Binary {
            size: bytes.len(),
            sha256: hex(&Sha256::digest(bytes)),
        }
    } else {
        Expected::Text(bytes.to_vec())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn expected_dir() -> std::path::PathBuf {
    common::repo().join("tests/expected/example")
}

fn manifest_path() -> std::path::PathBuf {
    common::repo().join("tests/expected/example.binaries")
}

const MANIFEST_HEAD: &str = "# The example site's binary output files and copies of theme static files: sha256, size in bytes, path.\n\
# Written by `PARTNERSITE_BLESS=1 cargo test --test suite example_site`.\n";

/// The committed expected tree: text files from the folder, binary files from the manifest.
fn load_expected() -> BTreeMap<String, Expected> {
    let dir = expected_dir();
    let mut files: BTreeMap<String, Expected> = if dir.is_dir() {
        tree(&dir)
            .into_iter()
            .map(|(rel, bytes)| (rel, Expected::Text(bytes)))
            .collect()
    } else {
        BTreeMap::new()
    };
    let manifest = std::fs::read_to_string(manifest_path()).unwrap_or_default();
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.splitn(3, ' ');
        let (Some(sha256), Some(size), Some(rel)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("tests/expected/example.binaries: bad line {line:?}");
        };
        let size = size.parse().expect("a size in bytes");
        let sha256 = sha256.to_string();
        files.insert(rel.to_string(), Expected::Binary { size, sha256 });
    }
    files
}

/// Replace the expected tree by `actual`.
fn bless(actual: &BTreeMap<String, Expected>) {
    let dir = expected_dir();
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let mut manifest = MANIFEST_HEAD.to_string();
    for (rel, file) in actual {
        match file {
            Expected::Text(bytes) => {
                let path = dir.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
            Expected::Binary { size, sha256 } => {
                let _ = writeln!(manifest, "{sha256} {size} {rel}");
            }
        }
    }
    std::fs::write(manifest_path(), manifest).unwrap();
}

/// The first differing line of two texts with two lines of context, `-` expected and `+`
/// actual, each with its line number.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let Some(at) = (0..e.len().max(a.len())).find(|&i| e.get(i) != a.get(i)) else {
        return "(the files differ in line endings or a final newline)\n".to_string();
    };
    let from = at.saturating_sub(2);
    let mut out = String::new();
    for (i, line) in e.iter().enumerate().take(at).skip(from) {
        let _ = writeln!(out, " {:5} {line}", i + 1);
    }
    for (sign, lines) in [('-', &e), ('+', &a)] {
        for (i, line) in lines.iter().enumerate().skip(at).take(3) {
            let _ = writeln!(out, "{sign}{:5} {line}", i + 1);
        }
    }
    out
}

/// Missing, extra and differing files, and the first differing text file's lines.
fn report(expected: &BTreeMap<String, Expected>, actual: &BTreeMap<String, Expected>) -> String {
    let mut out = String::new();
    for rel in expected.keys().filter(|k| !actual.contains_key(*k)) {
        let _ = writeln!(out, "missing from the output: {rel}");
    }
    for rel in actual.keys().filter(|k| !expected.contains_key(*k)) {
        let _ = writeln!(out, "not expected: {rel}");
    }
    let differing: Vec<&String> = actual
        .iter()
        .filter(|(rel, file)| expected.get(*rel).is_some_and(|e| e != *file))
        .map(|(rel, _)| rel)
        .collect();
    for rel in &differing {
        let _ = writeln!(out, "differs: {rel}");
    }
    if let Some(rel) = differing.first() {
        match (&expected[*rel], &actual[*rel]) {
            (Expected::Text(e), Expected::Text(a)) => {
                let (e, a) = (String::from_utf8_lossy(e), String::from_utf8_lossy(a));
                let _ = write!(out, "--- {rel}\n{}", first_difference(&e, &a));
            }
            (e, a) => {
                let _ = writeln!(out, "--- {rel}\nexpected {e:?}\n     got {a:?}");
            }
        }
    }
    out
}

#[test]
fn the_example_site_builds_to_its_expected_tree_byte_for_byte() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let actual: BTreeMap<String, Expected> = tree(&site.public())
        .into_iter()
        .map(|(rel, bytes)| {
            let file = classify(&rel, &bytes);
            (rel, file)
        })
        .collect();
    if std::env::var_os("PARTNERSITE_BLESS").is_some() {
        bless(&actual);
        return;
    }
    let expected = load_expected();
    assert!(
        !expected.is_empty(),
        "no expected tree in {}: run with PARTNERSITE_BLESS=1 to write it",
        Path::new("tests/expected/example").display()
    );
    let problems = report(&expected, &actual);
    assert!(
        problems.is_empty(),
        "the example site's output differs from tests/expected/example \
         (rerun with PARTNERSITE_BLESS=1 to accept, then review with git diff)\n{problems}"
    );
}

#[test]
fn the_difference_report_names_every_kind_of_difference() {
    let text = |s: &str| Expected::Text(s.as_bytes().to_vec());
    let expected = BTreeMap::from([
        ("a.html".to_string(), text("one\ntwo\nthree\nfour\n")),
        ("gone.css".to_string(), text("p {}\n")),
        ("same.txt".to_string(), text("x\n")),
    ]);
    let actual = BTreeMap::from([
        ("a.html".to_string(), text("one\ntwo\nTHREE\nfour\n")),
        ("new.js".to_string(), text("1;\n")),
        ("same.txt".to_string(), text("x\n")),
    ]);
    assert_eq!(
        report(&expected, &actual),
        "missing from the output: gone.css\n\
         not expected: new.js\n\
         differs: a.html\n\
         --- a.html\n     1 one\n     2 two\n-    3 three\n-    4 four\n+    3 THREE\n+    4 four\n"
    );
    assert_eq!(
        first_difference("a\n", "a"),
        "(the files differ in line endings or a final newline)\n"
    );
    assert_eq!(report(&expected, &expected.clone()), "");
    // Binary files are known by size and SHA-256 (the FIPS 180-2 "abc" vector).
    assert_eq!(
        classify("logo.png", b"abc"),
        Expected::Binary {
            size: 3,
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".into()
        }
    );
    assert_eq!(classify("a.html", b"abc"), text("abc"));
}
