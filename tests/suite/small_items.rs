//! Issue 10's smaller items: output to a reader that stops reading (broken pipe), the help
//! line in JSON diagnostics, one strict "did you mean", and counts that read right in the
//! singular.

use crate::common;

use common::SiteTest;
use std::path::Path;
use std::process::{Command, Stdio};

const CEDAR: &str = "content/partners/cedar-and-quill/partner.toml";
const CASE_STUDY: &str = "content/partners/cedar-and-quill/case-studies/campus-migration.md";

/// Run the binary with its standard output a pipe whose reading end is already closed
/// (what `| head -1` leaves behind once head exits): every write fails with EPIPE.
/// Returns the exit code and stderr.
fn run_into_closed_pipe(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    // The writing end of a pipe whose only reader, `true`, has already exited (std's
    // `io::pipe` is newer than the crate's MSRV).
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("run true");
    let writer = reader.stdin.take().expect("pipe");
    reader.wait().expect("wait for true");
    let out = Command::new(env!("CARGO_BIN_EXE_partnersite"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run partnersite");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let site = SiteTest::from_fixture("site-basic");
    let root = site.root().display().to_string();
    let root = root.as_str();
    for args in [
        vec!["check", "--root", root, "--format", "json"],
        vec!["check", "--root", root, "--format", "text"],
        vec!["check", "--root", root, "--format", "github"],
        vec!["build", "--root", root],
        vec!["new", "partner", "acme", "--root", root],
    ] {
        let (code, stderr) = run_into_closed_pipe(site.root(), &args);
        assert_eq!((code, stderr.as_str()), (Some(0), ""), "{args:?}");
    }
    // The build was written in full although nobody read its summary.
    assert!(site.public().join("index.html").is_file());
    assert!(site.path("content/partners/acme/partner.toml").is_file());

    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run_into_closed_pipe(dir.path(), &["init", "fresh"]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert!(dir.path().join("fresh/site.toml").is_file());
}

#[test]
fn a_closed_stdout_keeps_the_verdict_of_a_failing_check() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace(CEDAR, "tier = \"partner\"", "tier = \"gold\"");
    let root = site.root().display().to_string();
    for format in ["json", "text", "github"] {
        let args = ["check", "--root", root.as_str(), "--format", format];
        let (code, stderr) = run_into_closed_pipe(site.root(), &args);
        assert_eq!(code, Some(1), "{format}: {stderr}");
        assert!(
            !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
            "{format}: {stderr}"
        );
    }
}

/// `sh -c 'partnersite ... | head -1'` under `pipefail`, as a CI step runs it.
#[test]
fn check_piped_into_head_under_pipefail() {
    let site = SiteTest::from_fixture("site-basic");
    // Far more output than a pipe holds, so head exits while partnersite still writes.
    for i in 0..2000 {
        site.write(
            &format!("content/blog/post-{i:03}.md"),
            "+++\ntitle = \"A post\"\ndate = 2026-01-01\nsummary = \"x\"\ntopic = \"nope\"\n+++\nText.\n",
        );
    }
    let script = format!(
        "set -o pipefail; '{}' check --root '{}' --format github | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_partnersite"),
        site.root().display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 1: the site has errors; never 2 ("Broken pipe") or 101 (a panic).
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1", "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn json_diagnostics_keep_the_help_line() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace(
        CEDAR,
        "services = [\"hosting\", \"consulting\"]",
        "services = [\"hostng\"]",
    );
    site.replace(CASE_STUDY, "date = 2026-01-15", "date = 2026-01-32");
    let run = site.check(&["--format", "json"]);
    run.expect_failure(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        json["errors"],
        serde_json::json!([
            {
                "path": CASE_STUDY,
                "line": 3,
                "col": 8,
                "message": "invalid date, expected day between 01 and 31",
                "help": null
            },
            {
                "path": CEDAR,
                "line": 8,
                "col": 13,
                "message": "`services`: `hostng` is not an id in [services] of site.toml",
                "help": "did you mean `hosting`?"
            }
        ])
    );
}

#[test]
fn did_you_mean_offers_only_the_best_candidate() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace(
        CEDAR,
        "services = [\"hosting\", \"consulting\"]",
        "services = [\"hostng\"]",
    );
    site.replace(
        CEDAR,
        "regions = [\"north-america\", \"europe\"]",
        "regions = [\"north-amerika\"]",
    );
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:7:12: error: `regions`: `north-amerika` is not a region in site.toml
  = help: did you mean `north-america`?
content/partners/cedar-and-quill/partner.toml:8:13: error: `services`: `hostng` is not an id in [services] of site.toml
  = help: did you mean `hosting`?",
    );
}

#[test]
fn one_lead_and_one_partner_read_in_the_singular() {
    let site = SiteTest::from_fixture("leads/site");
    for other in [
        "beta-learning",
        "delta-draft",
        "epsilon-learning",
        "gamma-sur",
    ] {
        site.remove(&format!("content/partners/{other}"));
    }
    site.write(
        "leads/export.csv",
        "lead_id,received_date,country,region,assigned_provider,status,service_requested,budget_band\n\
         L1,2025-02-01,DE,,alpha-hosting,won,hosting,small\n",
    );
    let root = site.root().display().to_string();
    site.run(&[
        "leads",
        "digest",
        "--root",
        &root,
        "--output",
        "digest.json",
    ])
    .expect_success()
    .expect_stderr("wrote digest.json (1 lead)");
    site.build(&[])
        .expect_success()
        .stdout_contains(", 1 partner) into ");
    let page = site.output_text("transparency/");
    assert!(
        page.contains("(the 1 partner of the program; the largest first)"),
        "{page}"
    );
}
