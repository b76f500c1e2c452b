//! Scaffolds keep a site green: `init` -> `check` -> `build`, `new partner` in a fresh
//! site and in the example site -> `build`, under every `on_missing`.

use crate::common;

use common::SiteTest;

/// `partnersite init site` in an empty folder, as the site test (the new site is its
/// `site/` sub-folder, run with `--root site`).
fn init() -> SiteTest {
    let site = SiteTest::empty();
    site.run(&["init", "site"]).expect_success();
    site
}

#[test]
fn init_then_check_then_build() {
    let site = init();
    site.run(&["check", "--root", "site"])
        .expect_success()
        .stdout_contains("check passed");
    site.run(&["build", "--root", "site"]).expect_success();
    assert!(site.path("site/public/index.html").is_file());
    // The Pages workflow comes along, pinned to this release.
    let workflow = site.read("site/.github/workflows/pages.yml");
    assert!(
        workflow.contains(&format!("PARTNERSITE_TAG: v{}", env!("CARGO_PKG_VERSION"))),
        "{workflow}"
    );
}

#[test]
fn shipped_workflow_pins_this_release_and_keys_the_cache_on_it() {
    let workflow =
        std::fs::read_to_string(common::repo().join(".github/workflows/pages.yml")).unwrap();
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
        let site = init();
        if on_missing != "fail" {
            site.replace(
                "site/site.toml",
                "on_missing = \"fail\"",
                &format!("on_missing = \"{on_missing}\""),
            );
        }
        assert!(
            site.read("site/site.toml")
                .contains(&format!("on_missing = \"{on_missing}\"")),
            "{on_missing}"
        );
        site.run(&["new", "partner", "acme", "--root", "site"])
            .expect_success()
            .stdout_contains("set `draft = false` in partner.toml");
        let record = site.read("site/content/partners/acme/partner.toml");
        assert!(record.contains("\ndraft = true\n"), "{record}");
        site.run(&["check", "--root", "site"]).expect_success();
        site.run(&["build", "--root", "site"]).expect_success();
        // A draft: not listed until the editor publishes it.
        assert!(
            !site.path("site/public/partners/acme").exists(),
            "{on_missing}"
        );
    }
}

#[test]
fn new_partner_in_the_example_site_keeps_it_building() {
    let site = SiteTest::example();
    site.run(&["new", "partner", "acme-learning"])
        .expect_success();
    site.run(&["build"]).expect_success();
    // Published as is, the placeholder lacks its required content: the hint holds.
    site.replace(
        "content/partners/acme-learning/partner.toml",
        "\ndraft = true\n",
        "\ndraft = false\n",
    );
    site.run(&["check", "--partner", "acme-learning"])
        .expect_failure(1)
        .stdout_contains("acme-learning");
}

#[test]
fn one_partner_reads_in_the_singular() {
    let site = init();
    let run = site.run(&["build", "--root", "site"]);
    run.expect_success()
        .stdout_contains(" files, 1 partner) into ");
}
