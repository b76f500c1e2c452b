//! Scaffolds keep a site green: `init` -> `check` -> `build`, `new partner` in a fresh
//! site and in the example site -> `build`, under every `on_missing`.

use crate::common;

use common::{copy_dir, run_in};
use std::path::Path;

fn copy_example(dest: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dest).unwrap();
    for entry in [
        "site.toml",
        "content",
        "leads",
        "static",
        "themes",
        "templates",
    ] {
        let src = repo.join(entry);
        if src.is_dir() {
            copy_dir(&src, &dest.join(entry));
        } else if src.is_file() {
            std::fs::copy(&src, dest.join(entry)).unwrap();
        }
    }
}

fn set_on_missing(root: &Path, value: &str) {
    let path = root.join("site.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("on_missing = \"fail\""), "site.toml: {text}");
    std::fs::write(
        &path,
        text.replace(
            "on_missing = \"fail\"",
            &format!("on_missing = \"{value}\""),
        ),
    )
    .unwrap();
}

#[test]
fn init_then_check_then_build() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["init", "site"]).expect_success();
    let root = tmp.path().join("site");
    run_in(&root, &["check"])
        .expect_success()
        .stdout_contains("check passed");
    run_in(&root, &["build"]).expect_success();
    assert!(root.join("public/index.html").is_file());
    // The Pages workflow comes along, pinned to this release.
    let workflow = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    assert!(
        workflow.contains(&format!("PARTNERSITE_TAG: v{}", env!("CARGO_PKG_VERSION"))),
        "{workflow}"
    );
}

#[test]
fn shipped_workflow_pins_this_release_and_keys_the_cache_on_it() {
    let workflow = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/pages.yml"),
    )
    .unwrap();
    assert!(workflow.contains(&format!("PARTNERSITE_TAG: v{}", env!("CARGO_PKG_VERSION"))));
    assert!(!workflow.contains("--branch"), "{workflow}");
    for line in workflow
        .lines()
        .filter(|l| l.trim_start().starts_with("key:"))
    {
        assert_eq!(
            line.trim(),
            "key: partnersite-${{ runner.os }}-${{ env.PARTNERSITE_TAG }}"
        );
    }
}

#[test]
fn new_partner_in_a_fresh_site_keeps_it_building_under_every_on_missing() {
    for on_missing in ["fail", "warn", "unlist"] {
        let tmp = tempfile::tempdir().unwrap();
        run_in(tmp.path(), &["init", "site"]).expect_success();
        let root = tmp.path().join("site");
        set_on_missing(&root, on_missing);
        run_in(&root, &["new", "partner", "acme"])
            .expect_success()
            .stdout_contains("set `draft = false` in partner.toml");
        let record =
            std::fs::read_to_string(root.join("content/partners/acme/partner.toml")).unwrap();
        assert!(record.contains("\ndraft = true\n"), "{record}");
        run_in(&root, &["check"]).expect_success();
        run_in(&root, &["build"]).expect_success();
        // A draft: not listed until the editor publishes it.
        assert!(!root.join("public/partners/acme").exists(), "{on_missing}");
    }
}

#[test]
fn new_partner_in_the_example_site_keeps_it_building() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_example(&root);
    run_in(&root, &["new", "partner", "acme-learning"]).expect_success();
    run_in(&root, &["build"]).expect_success();
    // Published as is, the placeholder lacks its required content: the hint holds.
    let record = root.join("content/partners/acme-learning/partner.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replace("\ndraft = true\n", "\ndraft = false\n"),
    )
    .unwrap();
    run_in(&root, &["check", "--partner", "acme-learning"])
        .expect_failure(1)
        .stdout_contains("acme-learning");
}

#[test]
fn one_partner_reads_in_the_singular() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["init", "site"]).expect_success();
    let run = run_in(&tmp.path().join("site"), &["build"]);
    run.expect_success();
    assert!(
        run.stdout.contains(" files, 1 partner) into "),
        "{}",
        run.stdout
    );
}
