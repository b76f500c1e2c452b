//! Terminal and CI safety: file names, keys and values from the site are printed escaped
//! in every format, so no input can forge a GitHub workflow command (a line starting
//! with `::`) or send an escape sequence to the terminal.

use crate::common;

use common::{Run, SiteTest};

/// A name that would start a line with a forged `::error` if printed raw.
const FORGED: &str = "x\n::error file=a::pwned";
/// Set the terminal title (OSC) and clear the screen (CSI).
const OSC: &str = "\x1b]0;pwned\x07";
const CLEAR: &str = "\x1b[2J";
const C1_CSI: char = '\u{9b}';
const BIDI: char = '\u{202e}';

/// The rules fixture with hostile names and values in every place that reaches a message.
fn hostile_site() -> SiteTest {
    let site = SiteTest::from_fixture("rules-site");
    // A partner folder whose name is not a slug, and a Markdown file under content/.
    site.write(
        &format!("content/partners/{FORGED}/partner.toml"),
        "name = \"x\"\n",
    );
    site.write(&format!("content/blog/{FORGED}.md"), "hello\n");
    // A file name with escape sequences and a carriage return.
    site.write(
        &format!("content/blog/a{OSC}b{CLEAR}\rc.md"),
        "+++\ntitle = 1\n+++\n",
    );
    // A C1 CSI (U+009B, an ESC `[` on some terminals) and a bidi override in a name.
    site.write(&format!("content/blog/c{C1_CSI}2J{BIDI}d.md"), "hello\n");
    // Escape sequences in a value (an unknown topic) and in a key, written as TOML escapes.
    site.write(
        "content/blog/value.md",
        "+++\ntitle = \"t\"\ndate = 2026-01-05\ntopic = \"\\u001b]0;pwned\\u0007\\r\\n::error::v\"\n+++\nbody\n",
    );
    site.write(
        "content/blog/key.md",
        "+++\ntitle = \"t\"\ndate = 2026-01-05\n\"\\u001b[2J\\n::error::k\" = 1\n+++\nbody\n",
    );
    site
}

/// Every stdout and stderr line of `run`: no ESC, no CR, and no line starting with `::`
/// unless `github` allows it, in which case it must be a well-formed annotation.
fn assert_safe(run: &Run, github: bool) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains('\x1b'),
            "ESC reached {name}: {:?}\n{run:?}",
            text
        );
        assert!(!text.contains('\r'), "raw CR on {name}: {text:?}");
        assert!(!text.contains('\x07'), "raw BEL on {name}: {text:?}");
        assert!(
            !text.contains(C1_CSI) && !text.contains(BIDI),
            "raw C1 or bidi control on {name}: {text:?}"
        );
        for line in text.lines() {
            if line.starts_with("::") {
                assert!(
                    github && name == "stdout",
                    "forged workflow command on {name}: {line:?}\n{run:?}"
                );
                assert_annotation(line);
            }
        }
    }
}

/// `::error file=...,line=N,col=N::message` with every property escaped: the first
/// `::` after the properties ends them, and the properties hold no raw `:` or `,` other
/// than the separators.
fn assert_annotation(line: &str) {
    let rest = ["::error ", "::warning ", "::notice "]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or_else(|| panic!("not an annotation: {line:?}"));
    let (props, _message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no message: {line:?}"));
    for prop in props.split(',') {
        let (key, value) = prop
            .split_once('=')
            .unwrap_or_else(|| panic!("bad property {prop:?} in {line:?}"));
        assert!(
            matches!(key, "file" | "line" | "col"),
            "property {key:?} in {line:?}"
        );
        assert!(!value.contains(':'), "raw `:` in {line:?}");
        if key != "file" {
            assert!(value.parse::<u32>().is_ok(), "{line:?}");
        }
    }
}

#[test]
fn build_escapes_names_and_values() {
    let site = hostile_site();
    let run = site.build(&[]);
    run.expect_failure(1);
    assert_safe(&run, false);
    // Each name and value is shown escaped, on the line of its diagnostic.
    for line in [
        "content/partners/x\\n::error file=a::pwned: error: partner folder name `x\\n::error file=a::pwned` is not a valid slug",
        "content/blog/a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2J\\rc.md:2:9: error: expected text in quotes, found the number `1`",
        "content/blog/key.md:4:1: error: unknown key `\\u{1b}[2J\\n::error::k`",
    ] {
        run.stderr_contains(&format!("\n{line}\n"));
    }
    let topic = run
        .stderr
        .lines()
        .find(|l| l.starts_with("content/blog/value.md:"))
        .unwrap_or_else(|| panic!("no topic error\n{}", run.stderr));
    assert!(
        topic.contains("`\\u{1b}]0;pwned\\u{7}\\r\\n::error::v`"),
        "{topic}"
    );
}

#[test]
fn check_text_escapes_names_and_values() {
    let site = hostile_site();
    let run = site.check(&[]);
    run.expect_failure(1);
    assert_safe(&run, false);
    run.stderr_contains("content/blog/x\\n::error file=a::pwned.md");
    run.stderr_contains("\ncontent/blog/c\\u{9b}2J\\u{202e}d.md: error: file name ");
}

#[test]
fn check_json_escapes_names_and_values() {
    let site = hostile_site();
    let run = site.check(&["--format", "json"]);
    run.expect_failure(1);
    assert_safe(&run, false);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let paths: Vec<&str> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    // JSON keeps the exact names (escaped by the JSON encoding, not altered).
    assert!(
        paths.contains(&format!("content/blog/a{OSC}b{CLEAR}\rc.md").as_str()),
        "{paths:?}"
    );
    // C1 controls and bidi overrides are written as \u escapes too (serde_json alone
    // writes them raw).
    assert!(
        paths.contains(&format!("content/blog/c{C1_CSI}2J{BIDI}d.md").as_str()),
        "{paths:?}"
    );
    assert!(
        run.stdout.contains("c\\u009b2J\\u202ed.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\\u001b]0;pwned\\u0007"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_github_escapes_names_and_values() {
    let site = hostile_site();
    let run = site.check(&["--format", "github"]);
    run.expect_failure(1);
    assert_safe(&run, true);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("::")), "{}", run.stdout);
    // The file property: `\n` shown as text, then `:` and `,` percent-escaped.
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("::error file=content/partners/x\\n%3A%3Aerror file=a%3A%3Apwned::")),
        "{}",
        run.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::error file=content/blog/a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2J\\rc.md,line=2,col=9::"
        )),
        "{}",
        run.stdout
    );
}

/// The rules fixture plus a valid partner whose name, item title and exemption reason hold
/// escape sequences: they reach the required-content report of `check` and `build`.
fn hostile_partner_site() -> SiteTest {
    let site = SiteTest::from_fixture("rules-site");
    site.write(
        "content/partners/evil/logo.svg",
        site.read("content/partners/aurora-learning/logo.svg"),
    );
    site.write(
        "content/partners/evil/partner.toml",
        "name = \"\\u001b[2J\\n::error::name\"\ntier = \"partner\"\nwebsite = \"https://e.example\"\nlogo = \"logo.svg\"\nsummary = \"s\"\ncountry = \"DE\"\nregions = [\"europe\"]\nservices = [\"hosting\"]\n",
    );
    site.write(
        "content/partners/evil/posts/news.md",
        "+++\ntitle = \"\\u001b]0;pwned\\u0007\\n::error::title\"\ndate = 2026-03-01\ntopic = \"accessibility\"\n+++\nBody.\n",
    );
    let config = site.read("site.toml").replace(
        "delta-academy = \"Joined",
        "delta-academy = \"\\u001b[2J\\r::error::reason Joined",
    );
    site.write("site.toml", &config);
    site
}

#[test]
fn report_escapes_partner_names_titles_and_reasons() {
    let site = hostile_partner_site();
    let run = site.check(&[]);
    run.expect_failure(1);
    assert_safe(&run, false);
    run.stdout_contains("\nevil (\\u{1b}[2J\\n::error::name): missing 1 case study\n");
    let run = site.check(&["--partner", "delta-academy"]);
    assert_safe(&run, false);
    run.stdout_contains("exempt: \\u{1b}[2J\\r::error::reason Joined");
    for args in [
        vec!["build"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "github"],
        vec!["check", "--partner", "evil"],
        vec!["leads", "digest"],
    ] {
        let root = site.root().display().to_string();
        let mut all = args.clone();
        all.extend(["--root", root.as_str()]);
        let run = site.run(&all);
        assert_safe(&run, args.contains(&"github"));
    }
}

#[test]
fn new_partner_and_init_messages_are_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join(format!("s{CLEAR}\n::error::init"));
    let run = common::run_in(dir.path(), &["init", target.to_str().expect("utf-8")]);
    run.expect_success();
    assert_safe(&run, false);
    run.stdout_contains("s\\u{1b}[2J\\n::error::init");
    let run = common::run_in(
        dir.path(),
        &[
            "new",
            "partner",
            &format!("a{OSC}"),
            "--root",
            target.to_str().expect("utf-8"),
        ],
    );
    run.expect_failure(2);
    assert_safe(&run, false);
}
