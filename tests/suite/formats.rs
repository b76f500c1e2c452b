//! The versioned public formats: `leads.json` (the digest) and `partners.json` carry a
//! `version`; a digest written by an earlier release still loads; a digest of a newer
//! format is refused as such, and unknown keys in a known format remain errors.

use crate::common;

use common::SiteTest;
use serde_json::Value;

/// A digest written by partnersite at commit 88383ec, before digests had a version.
const V0_DIGEST: &str = include_str!("../fixtures/digests/v0-88383ec.json");

/// A digest written by partnersite at commit 003f6ad, the last of format 1 (before
/// `audit.before_joined`).
const V1_DIGEST: &str = include_str!("../fixtures/digests/v1-003f6ad.json");

/// A digest written by partnersite at commit 065dc24, the last of format 2 (before the
/// `allocation` section).
const V2_DIGEST: &str = include_str!("../fixtures/digests/v2-065dc24.json");

/// The leads fixture site with `[leads] source` pointing at `leads/digest.json`, which
/// holds `digest`.
fn site_with_digest(digest: &str) -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.replace(
        "site.toml",
        "source = \"leads/export.csv\"",
        "source = \"leads/digest.json\"",
    )
    .write("leads/digest.json", digest);
    site
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"))
}

/// The v0 digest with top-level keys inserted after its opening brace.
fn v0_with(keys: &str) -> String {
    let rest = V0_DIGEST
        .strip_prefix("{\n")
        .expect("the fixture starts with `{`");
    format!("{{\n{keys}{rest}")
}

// A regression guard: the code as it was wrote this digest, so it passes there too.
#[test]
fn a_digest_written_by_88383ec_loads_and_publishes_the_same_counts() {
    assert!(
        !V0_DIGEST.contains("\"version\""),
        "the fixture must stay v0"
    );
    let site = site_with_digest(V0_DIGEST);
    site.build(&[]).expect_success();
    let published = json(&site.output_text("transparency/leads.json"));
    let Value::Object(old) = json(V0_DIGEST) else {
        panic!("the fixture is not a JSON object");
    };
    assert_eq!(old.len(), 14, "the v0 format has 14 top-level keys");
    for (key, value) in &old {
        assert_eq!(published.get(key), Some(value), "`{key}` differs");
    }
    let page = site.output_text("transparency/");
    assert!(
        page.contains("<dt>Leads</dt><dd>47</dd>"),
        "the page does not show the 47 leads"
    );
}

// A regression guard, as for v0: format 1 loads into format 2 and publishes the same
// values; the page says the before-joined audit was not counted rather than showing 0.
#[test]
fn a_digest_written_by_003f6ad_loads_and_says_what_it_did_not_count() {
    assert!(V1_DIGEST.starts_with("{\n  \"version\": 1,"));
    let site = site_with_digest(V1_DIGEST);
    site.build(&[]).expect_success();
    let published = json(&site.output_text("transparency/leads.json"));
    let Value::Object(old) = json(V1_DIGEST) else {
        panic!("the fixture is not a JSON object");
    };
    for (key, value) in old.iter().filter(|(k, _)| *k != "version") {
        assert_eq!(published.get(key), Some(value), "`{key}` differs");
    }
    assert_eq!(published["version"], Value::from(3));
    assert_eq!(published["audit"].get("before_joined"), None);
    let page = site.output_text("transparency/");
    assert!(
        page.contains("Leads received before their partner joined are not counted in this digest"),
        "{page}"
    );
}

// A regression guard, as for v0: format 2 loads and publishes the same values.
#[test]
fn a_digest_written_by_065dc24_loads_and_publishes_the_same_values() {
    assert!(V2_DIGEST.starts_with("{\n  \"version\": 2,"));
    let site = site_with_digest(V2_DIGEST);
    site.build(&[]).expect_success();
    let published = json(&site.output_text("transparency/leads.json"));
    let Value::Object(old) = json(V2_DIGEST) else {
        panic!("the fixture is not a JSON object");
    };
    for (key, value) in old.iter().filter(|(k, _)| *k != "version") {
        assert_eq!(published.get(key), Some(value), "`{key}` differs");
    }
    assert!(published["audit"].get("before_joined").is_some());
}

#[test]
fn a_digest_of_a_newer_format_is_refused_as_such() {
    // A newer format may also have keys this partnersite does not know: the version is
    // told first.
    let site = site_with_digest(&v0_with("  \"version\": 999,\n  \"new_table\": {},\n"));
    site.build(&[]).expect_errors(
        "leads/digest.json: error: the digest was written by a newer partnersite \
         (format version 999; this one reads up to 3): upgrade partnersite\n  \
         = help: install the partnersite release that wrote it (or a later one), or make \
         the digest again with this one",
    );
}

#[test]
fn an_unknown_key_in_a_digest_of_a_known_format_is_an_error() {
    let site = site_with_digest(&v0_with("  \"version\": 1,\n  \"min_cel\": 5,\n"));
    site.build(&[]).expect_errors(
        "leads/digest.json:3:11: error: the digest does not match the schema: unknown field \
         `min_cel`, expected one of `version`, `period`, `min_cell`, `totals`, `by_region`, \
         `by_partner`, `by_quarter`, `by_quarter_region`, `by_country`, `by_category`, \
         `by_partner_attribute`, `region_partner`, `region_equity`, `concentration`, `audit`, `allocation`\n  \
         = help: write it with `partnersite leads digest`; its shape is documented in the README",
    );
}

#[test]
fn leads_json_and_the_digest_command_carry_the_version_first() {
    let site = SiteTest::from_fixture("leads/site");
    site.build(&[]).expect_success();
    let published = site.output_text("transparency/leads.json");
    assert!(
        published.starts_with("{\n  \"version\": 3,\n  \"period\": {"),
        "{published}"
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
    .expect_success();
    assert_eq!(site.read("digest.json"), published);
    // The digest it writes loads again as `source`.
    site_with_digest(&published).build(&[]).expect_success();
}

// A regression guard: partners.json has carried `"version": 1` since its first release.
#[test]
fn partners_json_carries_a_version() {
    let site = SiteTest::from_fixture("leads/site");
    site.build(&[]).expect_success();
    let partners = json(&site.output_text("partners.json"));
    assert_eq!(partners["version"], Value::from(1));
    assert!(
        site.output_text("partners.json")
            .starts_with("{\"version\":1,"),
        "the version is not the first key"
    );
}
