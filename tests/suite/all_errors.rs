//! All errors in one run: every problem of one front matter, partner.toml or site.toml
//! comes out together; a usable site.toml with errors does not hide content errors;
//! content errors do not hide lead-export errors; date mistakes get advice that works.

use crate::common;

use common::SiteTest;

const CEDAR: &str = "content/partners/cedar-and-quill/partner.toml";
const BLOG_POST: &str = "content/blog/welcome.md";

fn site() -> SiteTest {
    SiteTest::from_fixture("site-basic")
}

#[test]
fn a_post_with_three_mistakes_reports_all_three() {
    let site = site();
    site.replace(BLOG_POST, "title =", "tittle =");
    site.replace(BLOG_POST, "date = 2026-01-01", "date = \"2026-01-01\"");
    site.replace(BLOG_POST, "topic = \"company-news\"", "topic = \"news\"");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:2:1: error: unknown key `tittle`
  = help: did you mean `title`?
content/blog/welcome.md:3:8: error: expected a date like 2026-03-14 (without quotes)
  = help: remove the quotes: 2026-01-01
content/blog/welcome.md:4:9: error: `topic`: `news` is not a topic in [topics] of site.toml
  = help: valid values: `accessibility`, `company-news`",
    );
    // check reports the same, in one run too.
    site.check(&[])
        .expect_failure(1)
        .stderr_contains("3 errors found");
}

#[test]
fn a_wrong_value_that_leaves_a_required_key_missing_is_reported_once() {
    let site = site();
    site.replace(
        BLOG_POST,
        "title = \"Welcome to the directory\"",
        "title = 5",
    );
    site.replace(BLOG_POST, "summary =", "summry =");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:2:9: error: expected text in quotes, found the number `5`
  = help: write text in quotes here
content/blog/welcome.md:5:1: error: unknown key `summry`
  = help: did you mean `summary`?",
    );
}

#[test]
fn a_partner_toml_reports_every_unknown_key_wrong_type_and_unknown_id() {
    let site = site();
    site.replace(CEDAR, "summary =", "sumary =");
    site.replace(CEDAR, "pricing = \"subscription\"", "pricing = 5");
    site.replace(
        CEDAR,
        "services = [\"hosting\", \"consulting\"]",
        "services = [\"hostin\", \"consulting\"]",
    );
    site.replace(CEDAR, "acquired = 4", "acquired = \"4\"");
    site.replace(CEDAR, "date = 2026-03-01", "dat = 2026-03-01");
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:5:1: error: unknown key `sumary`
  = help: did you mean `summary`?
content/partners/cedar-and-quill/partner.toml:8:13: error: `services`: `hostin` is not an id in [services] of site.toml
  = help: did you mean `hosting`?
content/partners/cedar-and-quill/partner.toml:10:11: error: expected text in quotes, found the number `5`
  = help: write text in quotes here
content/partners/cedar-and-quill/partner.toml:17:12: error: expected a whole number, found the text \"4\"
  = help: write a whole number here
content/partners/cedar-and-quill/partner.toml:24:1: error: unknown key `dat`
  = help: did you mean `date`?",
    );
}

#[test]
fn a_site_toml_error_does_not_hide_content_errors() {
    let site = site();
    site.replace(
        "site.toml",
        "cname = \"partners.example.org\"",
        "cname = \"partners.example.org\"\ncolour = \"blue\"",
    );
    site.write(
        "site.toml",
        format!(
            "{}\n[security]\npartner_html = \"sanitise\"\n",
            site.read("site.toml")
        ),
    );
    site.replace(BLOG_POST, "topic = \"company-news\"", "topic = \"news\"");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:4:9: error: `topic`: `news` is not a topic in [topics] of site.toml
  = help: valid values: `accessibility`, `company-news`
site.toml:7:1: error: unknown key `colour`
  = help: valid keys: `title`, `base_url`, `description`, `language`, `theme`, `cname`, `tiers`, `regions`, `services`, `pricing`, `company_size`, `market_size`, `topics`, `decision_topics`, `rules`, `leads`, `allocation`, `request`, `security`, `links`, `badge`, `spotlight`
site.toml:48:16: error: `sanitise` is not a valid value (expected one of `sanitize`, `escape`, `allow`)
  = help: did you mean `sanitize`?",
    );
    // But content is checked against the vocabularies: a cut-short [services] would
    // blame every partner offering the dropped service, so that still stops first.
    let site = self::site();
    site.replace("site.toml", "hosting = \"Hosting\"", "hosting = 5");
    site.replace(BLOG_POST, "topic = \"company-news\"", "topic = \"news\"");
    site.build(&[]).expect_errors(
        "site.toml:25:11: error: expected text in quotes, found the number `5`
  = help: write text in quotes here",
    );
}

#[test]
fn content_errors_do_not_hide_lead_export_errors() {
    let site = SiteTest::from_fixture("leads/site");
    site.build(&[]).expect_success();
    site.replace("leads/export.csv", ",won,", ",wom,");
    site.replace(
        "content/partners/beta-learning/partner.toml",
        "tier = \"verified-provider\"",
        "tier = \"verified-providr\"",
    );
    // beta-learning's record is refused; its leads are not reported as an unknown partner.
    site.build(&[])
        .expect_failure(1)
        .stderr_contains(
            "content/partners/beta-learning/partner.toml:2:8: error: `tier`: `verified-providr` is not an id in [tiers] of site.toml",
        )
        .stderr_contains("leads/export.csv:1: error: unknown status `wom` (column `status`)")
        .stderr_contains("\n\n2 errors found\n");
}

/// Write `date = <value>` into the blog post, expect exactly `error` with `advice`, then
/// write the value the advice names and expect the build to pass.
fn date_advice(value: &str, error: &str, advice: &str, fixed: &str) {
    let site = site();
    site.replace(BLOG_POST, "date = 2026-01-01", &format!("date = {value}"));
    site.build(&[])
        .expect_errors(&format!("{error}\n  = help: {advice}"));
    assert!(advice.contains(fixed), "the advice names {fixed}");
    site.replace(
        BLOG_POST,
        &format!("date = {value}"),
        &format!("date = {fixed}"),
    );
    site.build(&[]).expect_success();
}

#[test]
fn a_day_first_date_gets_the_iso_form() {
    date_advice(
        "14/03/2026",
        "content/blog/welcome.md:3:8: error: `14/03/2026` is not a date in the form YYYY-MM-DD",
        "write the date as 2026-03-14 (YYYY-MM-DD, without quotes)",
        "2026-03-14",
    );
}

#[test]
fn a_quoted_date_gets_remove_the_quotes() {
    date_advice(
        "\"2026-03-14\"",
        "content/blog/welcome.md:3:8: error: expected a date like 2026-03-14 (without quotes)",
        "remove the quotes: 2026-03-14",
        "2026-03-14",
    );
}

#[test]
fn a_quoted_day_first_date_gets_the_iso_form() {
    date_advice(
        "\"14/03/2026\"",
        "content/blog/welcome.md:3:8: error: expected a date like 2026-03-14 (without quotes)",
        "write the date as 2026-03-14 (YYYY-MM-DD, without quotes)",
        "2026-03-14",
    );
}

#[test]
fn an_unpadded_date_gets_the_zero_padded_form() {
    date_advice(
        "2026-3-14",
        "content/blog/welcome.md:3:8: error: invalid date, expected a two-digit month (MM)",
        "write the date zero-padded: 2026-03-14 (YYYY-MM-DD, without quotes)",
        "2026-03-14",
    );
}
