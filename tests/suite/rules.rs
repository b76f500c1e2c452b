//! Required-content rules (issue 3): X per partner, what is required per kind, what counts
//! and why an item is ignored; `check` in text, JSON and GitHub formats with `--partner`;
//! `on_missing` fail / warn / unlist end to end through `build`; the contributions page;
//! bad input in `[rules]`.
//!
//! The `rules-site` fixture is compliant as shipped (`check` passes):
//! - aurora-learning: 10 clients, X = 2; every ignore reason once (a draft, an item dated
//!   2025-12-31, a post without a topic, a post on an unapproved topic, an old client
//!   logo), items dated 2026-01-01 and 2026-12-31, an anonymous case study and testimonial,
//!   3 case studies counted for 2 required.
//! - birch-digital: 3 clients, X = 1, every logo refused (0 required), 2 of 3
//!   testimonials refused (1 required); its values (NZ, `mi`) are its own.
//! - cobalt-edu: no `[clients]` table (0 clients): X = 1, no testimonial or logo required.
//! - delta-academy: exempt, no content at all (22 clients, X = 5).
//! - ember-draft: a draft partner, never checked.

use crate::common;

use common::{Run, SiteTest, assert_snapshot, card_slugs, one, select, text, tree};
use partnersite::config::{Kind, OnMissing, RuleName, Rules};
use partnersite::content::{Depth, Partner, Site};
use partnersite::pipeline::{BuildOptions, load_full};
use partnersite::rules::{self, Status};
use serde_json::{Value, json};

const AURORA: &str = "aurora-learning";
const BIRCH: &str = "birch-digital";
const COBALT: &str = "cobalt-edu";
const DELTA: &str = "delta-academy";
const EMBER: &str = "ember-draft";

/// Published partners, in directory order.
const PUBLISHED: &[&str] = &[AURORA, BIRCH, COBALT, DELTA];

const AURORA_TOML: &str = "content/partners/aurora-learning/partner.toml";
const BIRCH_TOML: &str = "content/partners/birch-digital/partner.toml";
const BIRCH_CASE_STUDY: &str = "content/partners/birch-digital/case-studies/kauri-campus.md";
const AURORA_A11Y_POST: &str = "content/partners/aurora-learning/posts/a11y-audit.md";

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" width="8" height="8"><rect width="8" height="8" fill="#123"/></svg>
"##;

/// The fixture's `[rules]` table without exemptions, for tests that replace it.
const RULES: &str = r#"[rules]
year = 2026
rule = "percent"
percent = 20
minimum = 1
fixed = 1
require = ["case-studies", "posts", "testimonials", "client-logos"]
approved_topics = ["accessibility", "platform-release-highlights"]
on_missing = "fail"
"#;

fn site() -> SiteTest {
    SiteTest::from_fixture("rules-site")
}

// --- Helpers -----------------------------------------------------------------------------

/// Replace everything from `[rules]` to the end of site.toml (the fixture keeps `[rules]`
/// last) by `rules`; an empty string removes the table.
fn set_rules(site: &SiteTest, rules: &str) {
    let text = site.read("site.toml");
    let (head, _) = text
        .split_once("\n[rules]\n")
        .expect("site.toml has [rules]");
    site.write("site.toml", format!("{head}\n{rules}"));
}

/// A minimal published partner; `clients` is the `[clients]` table (or "").
fn add_partner(site: &SiteTest, slug: &str, clients: &str) {
    site.write(&format!("content/partners/{slug}/logo.svg"), LOGO);
    site.write(
        &format!("content/partners/{slug}/partner.toml"),
        format!(
            "name = \"Generated {slug}\"\ntier = \"partner\"\nwebsite = \"https://{slug}.example\"\n\
             logo = \"logo.svg\"\nsummary = \"Generated for a rule case.\"\ncountry = \"DE\"\n\
             regions = [\"europe\"]\nservices = [\"hosting\"]\n{clients}\n"
        ),
    );
}

/// One item of `kind` for partner `slug`. `extra` holds more front matter lines (for a
/// client logo: ignored). Testimonials get an author unless `extra` is given. Returns the
/// path that reports name.
fn add_item(
    site: &SiteTest,
    slug: &str,
    kind: &str,
    name: &str,
    date: &str,
    extra: &str,
) -> String {
    let dir = format!("content/partners/{slug}");
    if kind == "client-logos" {
        site.write(&format!("{dir}/clients/{name}.svg"), LOGO);
        let record = format!("{dir}/partner.toml");
        let text = site.read(&record);
        site.write(
            &record,
            format!(
                "{text}\n[[client_logos]]\nclient = \"{name}\"\nfile = \"clients/{name}.svg\"\ndate = {date}\n"
            ),
        );
        return record;
    }
    let front = match kind {
        "case-studies" | "posts" => format!("title = \"{name}\"\ndate = {date}\n{extra}"),
        "testimonials" if extra.is_empty() => {
            format!("author = \"Someone\"\ndate = {date}\n")
        }
        "testimonials" => format!("date = {date}\n{extra}"),
        other => panic!("unknown kind {other}"),
    };
    let path = format!("{dir}/{kind}/{name}.md");
    site.write(&path, format!("+++\n{}\n+++\nBody.\n", front.trim_end()));
    path
}

/// `check --format json <args>`: the run and the parsed output.
fn check_json(site: &SiteTest, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = site.check(&all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("check --format json printed no JSON ({e}):\n{run:?}"));
    (run, value)
}

/// The four per-kind numbers of a JSON verdict's `required`/`counted`/`missing`, in the
/// documented order.
fn per_kind(verdict: &Value, field: &str) -> [u64; 4] {
    let obj = verdict[field]
        .as_object()
        .unwrap_or_else(|| panic!("no `{field}` in {verdict}"));
    assert_eq!(obj.len(), 4, "{field}: {obj:?}");
    KINDS.map(|k| {
        obj[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{field}.{k} in {verdict}"))
    })
}

const KINDS: [&str; 4] = ["case-studies", "posts", "testimonials", "client-logos"];

/// `(path, reason)` of a JSON verdict's `ignored` list.
fn ignored(verdict: &Value) -> Vec<(String, String)> {
    verdict["ignored"]
        .as_array()
        .unwrap_or_else(|| panic!("no `ignored` in {verdict}"))
        .iter()
        .map(|i| {
            let obj = i.as_object().unwrap();
            assert_eq!(obj.len(), 2, "an ignored item is {{path, reason}}: {i}");
            (
                i["path"].as_str().unwrap().to_string(),
                i["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn partner_slugs(json: &Value) -> Vec<String> {
    json["partners"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// Load the site through the library, as `check` does.
fn load(site: &SiteTest) -> Site {
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        depth: Depth::Validate,
        ..Default::default()
    };
    let (loaded, _warnings) = load_full(&opts)
        .expect("site root readable")
        .unwrap_or_else(|d| panic!("fixture does not load: {:#?}", d.0));
    loaded
}

/// Rules for library tests: percent 20, minimum 1, fixed 1, every kind.
fn lib_rules() -> Rules {
    Rules {
        year: 2026,
        rule: RuleName::Percent,
        percent: 20,
        minimum: 1,
        fixed: 1,
        require: Kind::ALL.to_vec(),
        approved_topics: vec!["accessibility".into()],
        on_missing: OnMissing::Fail,
        overrides: vec![],
        exemptions: vec![],
        publish_contributions: false,
    }
}

/// Files under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

// --- X and required counts: the library, table-driven -----------------------------------

#[test]
fn x_percent_rule_rounds_up_in_integers() {
    // (percent, minimum, acquired, X): the issue's table first.
    let table: &[(u64, u64, u64, u64)] = &[
        (20, 1, 0, 1),
        (20, 1, 3, 1),
        (20, 1, 10, 2),
        (20, 1, 11, 3),
        (20, 1, 22, 5),
        (20, 1, 48, 10),
        // Around the boundaries of ceil(20% * n).
        (20, 1, 1, 1),
        (20, 1, 5, 1),
        (20, 1, 6, 2),
        (20, 1, 50, 10),
        (20, 1, 51, 11),
        (20, 1, 1000, 200),
        // Percentages that floats get wrong: 33% of 300 is exactly 99, 7% of 100 is 7.
        (33, 1, 300, 99),
        (33, 1, 301, 100),
        (7, 1, 100, 7),
        (7, 1, 101, 8),
        (100, 1, 7, 7),
        (0, 1, 100, 1),
        // The minimum.
        (20, 3, 0, 3),
        (20, 3, 10, 3),
        (20, 3, 15, 3),
        (20, 3, 16, 4),
        (20, 3, 48, 10),
        (20, 0, 0, 0),
        (20, 0, 1, 1),
    ];
    for &(percent, minimum, acquired, x) in table {
        let r = Rules {
            percent,
            minimum,
            ..lib_rules()
        };
        assert_eq!(
            rules::x_for(&r, acquired),
            x,
            "percent {percent}, minimum {minimum}, {acquired} clients"
        );
    }
}

#[test]
fn x_fixed_rule_ignores_clients_and_the_percent_keys() {
    for (fixed, acquired) in [(1, 0), (1, 48), (4, 0), (4, 3), (4, 1000), (0, 10)] {
        let r = Rules {
            rule: RuleName::Fixed,
            fixed,
            percent: 50,
            minimum: 7,
            ..lib_rules()
        };
        assert_eq!(
            rules::x_for(&r, acquired),
            fixed,
            "fixed {fixed}, {acquired} clients"
        );
    }
}

struct RequiredCase {
    name: &'static str,
    rule: RuleName,
    fixed: u64,
    require: &'static [Kind],
    overrides: &'static [(Kind, u64)],
    /// acquired, refused_logo, refused_testimonial
    clients: (u64, u64, u64),
    x: u64,
    /// case studies, posts, testimonials, client logos
    required: [u64; 4],
}

const ALL: &[Kind] = &Kind::ALL;

const fn case(
    name: &'static str,
    clients: (u64, u64, u64),
    x: u64,
    required: [u64; 4],
) -> RequiredCase {
    RequiredCase {
        name,
        rule: RuleName::Percent,
        fixed: 1,
        require: ALL,
        overrides: &[],
        clients,
        x,
        required,
    }
}

#[test]
fn required_per_kind_table() {
    use Kind::*;
    let cases = [
        case("zero clients", (0, 0, 0), 1, [1, 1, 0, 0]),
        case("one client", (1, 0, 0), 1, [1, 1, 1, 1]),
        case("no refusals", (10, 0, 0), 2, [2, 2, 2, 2]),
        case("refusals equal to X", (10, 2, 2), 2, [2, 2, 2, 2]),
        case(
            "refusals above X, enough clients left",
            (10, 8, 8),
            2,
            [2, 2, 2, 2],
        ),
        case(
            "partial refusal: one client left",
            (10, 9, 9),
            2,
            [2, 2, 1, 1],
        ),
        case("partial refusal of logos only", (10, 9, 0), 2, [2, 2, 2, 1]),
        case(
            "partial refusal of testimonials only",
            (10, 0, 9),
            2,
            [2, 2, 1, 2],
        ),
        case("all refused", (10, 10, 10), 2, [2, 2, 0, 0]),
        case("all of 3 refused", (3, 3, 3), 1, [1, 1, 0, 0]),
        case("48 clients", (48, 40, 0), 10, [10, 10, 10, 8]),
        RequiredCase {
            rule: RuleName::Fixed,
            fixed: 3,
            ..case("fixed rule", (10, 0, 0), 3, [3, 3, 3, 3])
        },
        RequiredCase {
            rule: RuleName::Fixed,
            fixed: 3,
            ..case("fixed rule above the clients", (2, 0, 1), 3, [3, 3, 1, 2])
        },
        RequiredCase {
            rule: RuleName::Fixed,
            fixed: 3,
            ..case("fixed rule, no clients", (0, 0, 0), 3, [3, 3, 0, 0])
        },
        RequiredCase {
            overrides: &[(Posts, 2)],
            ..case("override raises posts", (3, 0, 0), 1, [1, 2, 1, 1])
        },
        RequiredCase {
            overrides: &[(CaseStudies, 0)],
            ..case("override to 0", (10, 0, 0), 2, [0, 2, 2, 2])
        },
        RequiredCase {
            overrides: &[(Testimonials, 5), (ClientLogos, 5)],
            ..case(
                "override still capped by refusals",
                (10, 8, 7),
                2,
                [2, 2, 3, 2],
            )
        },
        RequiredCase {
            rule: RuleName::Fixed,
            fixed: 3,
            overrides: &[(Posts, 1)],
            ..case("override with the fixed rule", (10, 0, 0), 3, [3, 1, 3, 3])
        },
        RequiredCase {
            require: &[CaseStudies],
            overrides: &[(Posts, 3)],
            ..case(
                "override of a kind not required",
                (10, 0, 0),
                2,
                [2, 0, 0, 0],
            )
        },
        RequiredCase {
            require: &[Posts, Testimonials],
            ..case("kinds not required are 0", (10, 0, 0), 2, [0, 2, 2, 0])
        },
        RequiredCase {
            require: &[],
            ..case("nothing required", (48, 0, 0), 10, [0, 0, 0, 0])
        },
    ];
    let site = site();
    let loaded = load(&site);
    let template: &Partner = loaded.partner(AURORA).unwrap();
    for c in &cases {
        let r = Rules {
            rule: c.rule,
            fixed: c.fixed,
            require: c.require.to_vec(),
            overrides: c.overrides.to_vec(),
            ..lib_rules()
        };
        let mut p = template.clone();
        (
            p.clients.acquired,
            p.clients.refused_logo,
            p.clients.refused_testimonial,
        ) = c.clients;
        let (x, required) = rules::required(&r, &p);
        assert_eq!(x, c.x, "{}: X", c.name);
        assert_eq!(required.0, c.required, "{}: required", c.name);
    }
}

#[test]
fn evaluate_checks_every_published_partner_and_marks_exemptions() {
    let site = site();
    let loaded = load(&site);
    let r = loaded.config.rules.clone().expect("[rules]");
    let report = rules::evaluate(&loaded, &r);
    let got: Vec<(&str, Status)> = report
        .verdicts
        .iter()
        .map(|v| (v.slug.as_str(), v.status))
        .collect();
    // All tiers (birch is a verified provider); the draft partner is not checked.
    assert_eq!(
        got,
        [
            (AURORA, Status::Ok),
            (BIRCH, Status::Ok),
            (COBALT, Status::Ok),
            (DELTA, Status::Exempt),
        ]
    );
    assert!(report.is_ok());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let delta = &report.verdicts[3];
    assert_eq!(
        delta.reason.as_deref(),
        Some("Joined in November 2026; first report due next year")
    );
    // The library verdict agrees with the one built item by item.
    let aurora = rules::verdict(&r, loaded.partner(AURORA).unwrap());
    assert_eq!(
        (aurora.x, aurora.required.0, aurora.counted.0),
        (2, [2; 4], [3, 2, 2, 2])
    );
}

// --- X through the CLI: generated partners, one `check` run per table -------------------

#[test]
fn x_and_refusals_end_to_end_through_check_json() {
    let site = site();
    // (slug, [clients] table, X, required)
    let table: &[(&str, &str, u64, [u64; 4])] = &[
        ("acquired-0", "[clients]\nacquired = 0", 1, [1, 1, 0, 0]),
        ("acquired-3", "[clients]\nacquired = 3", 1, [1, 1, 1, 1]),
        ("acquired-10", "[clients]\nacquired = 10", 2, [2, 2, 2, 2]),
        ("acquired-11", "[clients]\nacquired = 11", 3, [3, 3, 3, 3]),
        ("acquired-22", "[clients]\nacquired = 22", 5, [5, 5, 5, 5]),
        (
            "acquired-48",
            "[clients]\nacquired = 48",
            10,
            [10, 10, 10, 10],
        ),
        ("no-clients-table", "", 1, [1, 1, 0, 0]),
        (
            "refused-equal-x",
            "[clients]\nacquired = 10\nrefused_logo = 2\nrefused_testimonial = 2",
            2,
            [2, 2, 2, 2],
        ),
        (
            "refused-above-x",
            "[clients]\nacquired = 10\nrefused_logo = 8\nrefused_testimonial = 5",
            2,
            [2, 2, 2, 2],
        ),
        (
            "refused-partly",
            "[clients]\nacquired = 10\nrefused_logo = 9\nrefused_testimonial = 9",
            2,
            [2, 2, 1, 1],
        ),
        (
            "refused-all",
            "[clients]\nacquired = 22\nrefused_logo = 22\nrefused_testimonial = 22",
            5,
            [5, 5, 0, 0],
        ),
    ];
    for (slug, clients, _, _) in table {
        add_partner(&site, slug, clients);
    }
    let (run, json) = check_json(&site, &[]);
    run.expect_failure(1);
    for (slug, _, x, required) in table {
        let v = &json["partners"][slug];
        assert_eq!(v["x"], *x, "{slug}: {v}");
        assert_eq!(per_kind(v, "required"), *required, "{slug}");
        assert_eq!(per_kind(v, "counted"), [0; 4], "{slug}");
        assert_eq!(per_kind(v, "missing"), *required, "{slug}");
        let status = if *required == [0; 4] { "ok" } else { "missing" };
        assert_eq!(v["status"], status, "{slug}");
    }
}

#[test]
fn fixed_rule_overrides_and_require_through_check_json() {
    // (rules lines after `year`, [X, required] of aurora (10 clients), birch (3 clients,
    // all logos and 2 testimonials refused) and cobalt (0 clients)).
    type Expect = [(u64, [u64; 4]); 3];
    let table: &[(&str, &str, Expect)] = &[
        (
            "the fixture's percent rule",
            "",
            [(2, [2, 2, 2, 2]), (1, [1, 1, 1, 0]), (1, [1, 1, 0, 0])],
        ),
        (
            "fixed rule; the percent keys stay but are not used",
            "rule = \"fixed\"\nfixed = 2\npercent = 90\nminimum = 9",
            [(2, [2, 2, 2, 2]), (2, [2, 2, 1, 0]), (2, [2, 2, 0, 0])],
        ),
        (
            "percent rule; the fixed key stays but is not used",
            "rule = \"percent\"\npercent = 50\nminimum = 1\nfixed = 9",
            [(5, [5, 5, 5, 5]), (2, [2, 2, 1, 0]), (1, [1, 1, 0, 0])],
        ),
        (
            "per-kind overrides",
            "[rules.overrides]\nposts = 3\ncase-studies = 0\ntestimonials = 4",
            [(2, [0, 3, 4, 2]), (1, [0, 3, 1, 0]), (1, [0, 3, 0, 0])],
        ),
        (
            "only case studies and posts required",
            "require = [\"case-studies\", \"posts\"]",
            [(2, [2, 2, 0, 0]), (1, [1, 1, 0, 0]), (1, [1, 1, 0, 0])],
        ),
        (
            "nothing required",
            "require = []",
            [(2, [0; 4]), (1, [0; 4]), (1, [0; 4])],
        ),
    ];
    for (name, lines, expect) in table {
        let site = site();
        // Lines before the overrides table go right after `year`.
        let (plain, tables) = match lines.split_once("[rules.overrides]") {
            Some((a, b)) => (a.to_string(), format!("[rules.overrides]{b}\n")),
            None => (lines.to_string(), String::new()),
        };
        set_rules(
            &site,
            &format!(
                "[rules]\nyear = 2026\n{plain}\napproved_topics = [\"accessibility\", \"platform-release-highlights\"]\n{tables}"
            ),
        );
        let (_, json) = check_json(&site, &[]);
        assert_eq!(json["errors"], json!([]), "{name}");
        for (slug, (x, required)) in [AURORA, BIRCH, COBALT].iter().zip(expect) {
            let v = &json["partners"][slug];
            assert_eq!(v["x"], *x, "{name}: {slug} X");
            assert_eq!(
                per_kind(v, "required"),
                *required,
                "{name}: {slug} required"
            );
            let counted = per_kind(v, "counted");
            let missing = per_kind(v, "missing");
            for i in 0..4 {
                assert_eq!(
                    missing[i],
                    required[i].saturating_sub(counted[i]),
                    "{name}: {slug} missing {}",
                    KINDS[i]
                );
            }
        }
    }
}

#[test]
fn rule_names_in_the_json_and_text_headers() {
    let site = site();
    let (_, json) = check_json(&site, &[]);
    assert_eq!(
        (&json["year"], &json["rule"]),
        (&json!(2026), &json!("percent"))
    );
    site.check(&[]).expect_success().stdout_contains(
        "Required content for 2026 (percent rule: 20% of clients acquired, at least 1)",
    );

    set_rules(
        &site,
        "[rules]\nyear = 2027\nrule = \"fixed\"\nfixed = 2\nrequire = []\n[rules.overrides]\nposts = 3\n",
    );
    let (_, json) = check_json(&site, &[]);
    assert_eq!(
        (&json["year"], &json["rule"]),
        (&json!(2027), &json!("fixed"))
    );
    site.check(&[])
        .stdout_contains("Required content for 2027 (fixed rule: 2 per kind; 3 posts (override))");
}

// --- What counts: items and dates --------------------------------------------------------

#[test]
fn year_boundaries_for_every_kind() {
    let site = site();
    set_rules(&site, RULES);
    // (date, counts for 2026)
    let dates = [
        ("2025-12-31", false),
        ("2026-01-01", true),
        ("2026-06-15", true),
        ("2026-12-31", true),
        ("2027-01-01", false),
    ];
    let mut cases = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        for (date, counts) in dates {
            let slug = format!("{}-{}", kind, date);
            add_partner(&site, &slug, "[clients]\nacquired = 1");
            let extra = if *kind == "posts" {
                "topic = \"accessibility\""
            } else {
                ""
            };
            let path = add_item(&site, &slug, kind, "item", date, extra);
            cases.push((slug, k, date, counts, path));
        }
    }
    let (_, json) = check_json(&site, &[]);
    for (slug, k, date, counts, path) in cases {
        let v = &json["partners"][&slug];
        let mut counted = [0; 4];
        counted[k] = u64::from(counts);
        assert_eq!(per_kind(v, "counted"), counted, "{slug}");
        let what = if k == 3 { "client logo \"item\" " } else { "" };
        let expect: Vec<(String, String)> = if counts {
            vec![]
        } else {
            vec![(path, format!("{what}dated {date}, outside 2026"))]
        };
        assert_eq!(ignored(v), expect, "{slug}");
    }
}

#[test]
fn drafts_topics_and_anonymous_items() {
    let site = site();
    // (case, kind, extra front matter, ignore reason or None when the item counts)
    let table: &[(&str, &str, &str, Option<&str>)] = &[
        ("cs-plain", "case-studies", "client = \"A\"", None),
        (
            "cs-anonymous",
            "case-studies",
            "client = \"SECRET-CLIENT-CANARY\"\nanonymous = true",
            None,
        ),
        ("cs-draft", "case-studies", "draft = true", Some("draft")),
        ("post-approved", "posts", "topic = \"accessibility\"", None),
        (
            "post-approved-2",
            "posts",
            "topic = \"platform-release-highlights\"",
            None,
        ),
        (
            "post-unapproved",
            "posts",
            "topic = \"company-news\"",
            Some("topic \"company-news\" is not an approved topic"),
        ),
        (
            "post-no-topic",
            "posts",
            "",
            Some("no topic: only posts on an approved topic count"),
        ),
        (
            "post-draft",
            "posts",
            "topic = \"accessibility\"\ndraft = true",
            Some("draft"),
        ),
        (
            "t-named",
            "testimonials",
            "author = \"Ann\"\nclient = \"A\"",
            None,
        ),
        (
            "t-anonymous",
            "testimonials",
            "author = \"SECRET-AUTHOR-CANARY\"\nanonymous = true",
            None,
        ),
        (
            "t-anonymous-no-author",
            "testimonials",
            "anonymous = true",
            None,
        ),
        (
            "t-draft",
            "testimonials",
            "author = \"Ann\"\ndraft = true",
            Some("draft"),
        ),
    ];
    for (slug, kind, extra, _) in table {
        add_partner(&site, slug, "[clients]\nacquired = 1");
        add_item(&site, slug, kind, "item", "2026-05-05", extra);
    }
    let (_, json) = check_json(&site, &[]);
    for (slug, kind, _, reason) in table {
        let v = &json["partners"][slug];
        let k = KINDS.iter().position(|x| x == kind).unwrap();
        let mut counted = [0; 4];
        counted[k] = u64::from(reason.is_none());
        assert_eq!(per_kind(v, "counted"), counted, "{slug}");
        let path = format!("content/partners/{slug}/{kind}/item.md");
        let expect: Vec<(String, String)> =
            reason.map(|r| (path, r.to_string())).into_iter().collect();
        assert_eq!(ignored(v), expect, "{slug}");
    }
}

#[test]
fn a_draft_is_reported_as_draft_whatever_its_date_and_topic() {
    let site = site();
    add_partner(&site, "drafts", "");
    add_item(
        &site,
        "drafts",
        "case-studies",
        "old",
        "2025-01-01",
        "draft = true",
    );
    add_item(
        &site,
        "drafts",
        "posts",
        "off-topic",
        "2026-01-01",
        "topic = \"company-news\"\ndraft = true",
    );
    // An unapproved post of another year: the date is named first.
    add_item(
        &site,
        "drafts",
        "posts",
        "old-news",
        "2025-06-01",
        "topic = \"company-news\"",
    );
    let (_, json) = check_json(&site, &[]);
    let mut got = ignored(&json["partners"]["drafts"]);
    got.sort();
    assert_eq!(
        got,
        [
            (
                "content/partners/drafts/case-studies/old.md".into(),
                "draft".into()
            ),
            (
                "content/partners/drafts/posts/off-topic.md".into(),
                "draft".into()
            ),
            (
                "content/partners/drafts/posts/old-news.md".into(),
                "dated 2025-06-01, outside 2026".into()
            ),
        ]
    );
}

#[test]
fn the_fixture_partner_counts_and_ignores_as_documented() {
    let site = site();
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    let v = &json["partners"][AURORA];
    assert_eq!(v["status"], "ok");
    assert_eq!(v["x"], 2);
    assert_eq!(per_kind(v, "required"), [2, 2, 2, 2]);
    // `counted` is not capped at `required`: 3 case studies for 2.
    assert_eq!(per_kind(v, "counted"), [3, 2, 2, 2]);
    assert_eq!(per_kind(v, "missing"), [0, 0, 0, 0]);
    let mut got = ignored(v);
    got.sort();
    let p = |f: &str| format!("content/partners/aurora-learning/{f}");
    assert_eq!(
        got,
        [
            (
                p("case-studies/last-year.md"),
                "dated 2025-12-31, outside 2026".into()
            ),
            (p("case-studies/unfinished.md"), "draft".into()),
            (
                p("partner.toml"),
                "client logo \"Old Client\" dated 2025-12-31, outside 2026".into()
            ),
            (
                p("posts/musings.md"),
                "no topic: only posts on an approved topic count".into()
            ),
            (
                p("posts/news.md"),
                "topic \"company-news\" is not an approved topic".into()
            ),
            (p("posts/next-release.md"), "draft".into()),
        ]
    );
}

#[test]
fn kinds_not_required_are_neither_counted_nor_reported() {
    let site = site();
    set_rules(
        &site,
        "[rules]\nyear = 2026\nrequire = [\"case-studies\"]\n[rules.exemptions]\ndelta-academy = \"New\"\n",
    );
    // No approved topics, but posts are not required: no warning.
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    assert_eq!(run.stderr, "");
    let v = &json["partners"][AURORA];
    assert_eq!(per_kind(v, "required"), [2, 0, 0, 0]);
    assert_eq!(per_kind(v, "counted"), [3, 0, 0, 0]);
    assert_eq!(per_kind(v, "missing"), [0; 4]);
    let paths: Vec<String> = ignored(v).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "content/partners/aurora-learning/case-studies/unfinished.md",
            "content/partners/aurora-learning/case-studies/last-year.md"
        ],
        "only case studies are reported"
    );
    // Text: kinds not required show `-`.
    let run = site.check(&[]);
    run.expect_success().stdout_contains(
        "aurora-learning    2           3/2       -             -             -  ok",
    );
    // A partner without any content but a case study passes.
    site.remove("content/partners/cobalt-edu/posts");
    site.check(&[]).expect_success();
}

#[test]
fn exemptions_are_reported_with_their_reason_and_never_fail() {
    let site = site();
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    let v = &json["partners"][DELTA];
    assert_eq!(v["status"], "exempt");
    assert_eq!(
        v["reason"],
        "Joined in November 2026; first report due next year"
    );
    assert_eq!(v["x"], 5);
    assert_eq!(per_kind(v, "counted"), [0; 4]);
    // Only exempt partners have a reason.
    for slug in [AURORA, BIRCH, COBALT] {
        assert!(
            json["partners"][slug].get("reason").is_none(),
            "{slug}: {}",
            json["partners"][slug]
        );
    }
    // Exempting a failing partner makes the check pass.
    site.remove(BIRCH_CASE_STUDY);
    site.check(&[]).expect_failure(1);
    site.replace(
        "site.toml",
        "[rules.exemptions]\n",
        "[rules.exemptions]\nbirch-digital = \"Paused for 2026\"\n",
    );
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    assert_eq!(json["partners"][BIRCH]["status"], "exempt");
    assert_eq!(json["partners"][BIRCH]["reason"], "Paused for 2026");
    assert_eq!(per_kind(&json["partners"][BIRCH], "missing"), [1, 0, 0, 0]);
    let text = site.check(&["--partner", BIRCH]);
    text.expect_success()
        .stdout_contains("birch-digital (Birch Digital): exempt: Paused for 2026");
}

#[test]
fn without_approved_topics_no_post_counts_and_check_warns() {
    const WARNING: &str = "site.toml: warning: [rules] has no approved_topics: no post counts toward the requirement
  = help: list the topics the Marketing Working Group approved, e.g. approved_topics = [\"accessibility\"]";
    for rules in [
        "[rules]\nyear = 2026\n",
        "[rules]\nyear = 2026\napproved_topics = []\n",
    ] {
        let site = site();
        set_rules(&site, rules);
        let (run, json) = check_json(&site, &[]);
        run.expect_failure(1);
        assert_eq!(json["errors"], json!([]));
        for slug in [AURORA, BIRCH, COBALT] {
            let v = &json["partners"][slug];
            assert_eq!(per_kind(v, "counted")[1], 0, "{slug}");
            assert_eq!(v["status"], "missing", "{slug}");
        }
        let reasons: Vec<String> = ignored(&json["partners"][COBALT])
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(
            reasons,
            ["topic \"platform-release-highlights\" is not an approved topic"]
        );
        let run = site.check(&[]);
        run.expect_failure(1);
        // Diagnostics are sorted by path: site.toml comes after content/.
        assert!(
            run.stderr
                .contains(&format!("\n{WARNING}\n\n4 errors found, 1 warning\n")),
            "{rules}: no warning\n{}",
            run.stderr
        );
        site.check(&["--format", "github"])
            .stdout_contains("::warning file=site.toml::[rules] has no approved_topics: no post counts toward the requirement%0A");
    }
}

#[test]
fn defaults_apply_when_keys_are_absent() {
    let site = site();
    set_rules(
        &site,
        "[rules]\nyear = 2026\napproved_topics = [\"accessibility\", \"platform-release-highlights\"]\n",
    );
    let loaded = load(&site);
    let r = loaded.config.rules.clone().unwrap();
    assert_eq!(
        (r.rule, r.percent, r.minimum, r.fixed, r.on_missing),
        (RuleName::Percent, 20, 1, 1, OnMissing::Fail)
    );
    assert_eq!(r.require, Kind::ALL);
    assert!(r.overrides.is_empty() && r.exemptions.is_empty() && !r.publish_contributions);
    // delta-academy is no longer exempt, and on_missing defaults to fail.
    let (run, json) = check_json(&site, &[]);
    run.expect_failure(1);
    assert_eq!(json["partners"][DELTA]["status"], "missing");
    assert_eq!(per_kind(&json["partners"][DELTA], "required"), [5; 4]);
    site.build(&[]).expect_failure(1);
    assert!(!site.public().exists());
}

#[test]
fn without_a_rules_table_nothing_is_checked() {
    let site = site();
    set_rules(&site, "");
    site.remove(BIRCH_CASE_STUDY);
    site.remove("content/partners/aurora-learning/posts");
    let run = site.check(&[]);
    run.expect_success();
    assert_eq!(
        run.stdout,
        "no [rules] table in site.toml: no required content is checked\ncheck passed\n"
    );
    assert_eq!(run.stderr, "");
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    assert_eq!(
        json,
        json!({"year": null, "rule": null, "partners": {}, "errors": []})
    );
    let run = site.check(&["--format", "github"]);
    run.expect_success();
    assert_eq!(run.stdout, "");
    site.build(&[]).expect_success();
    assert_eq!(card_slugs(&site.html("")), PUBLISHED);
    assert!(
        !site
            .output_files()
            .iter()
            .any(|f| f.starts_with("program/"))
    );
}

// --- `check`: exit codes and formats ----------------------------------------------------

/// The fixture with two failing partners: aurora lacks an approved post, birch's only case
/// study is dated 2027-01-01.
fn failing_site() -> SiteTest {
    let site = site();
    site.remove(AURORA_A11Y_POST);
    site.replace(BIRCH_CASE_STUDY, "date = 2026-05-05", "date = 2027-01-01");
    site
}

#[test]
fn check_exit_codes() {
    let site = site();
    let run = site.check(&[]);
    run.expect_success();
    assert!(run.stdout.ends_with("\ncheck passed\n"), "{}", run.stdout);
    assert_eq!(run.stderr, "");
    for format in ["text", "json", "github"] {
        site.check(&["--format", format]).expect_success();
    }

    // Missing content: 1, in every format.
    site.remove(AURORA_A11Y_POST);
    for format in ["text", "json", "github"] {
        site.check(&["--format", format]).expect_failure(1);
    }
    // Only the named partner decides with --partner.
    site.check(&["--partner", AURORA]).expect_failure(1);
    site.check(&["--partner", COBALT]).expect_success();
    site.check(&["--partner", DELTA]).expect_success();

    // Unknown slug (or a draft partner's): 2, with a suggestion.
    let run = site.check(&["--partner", "aurora"]);
    run.expect_failure(2);
    assert_eq!(
        run.stderr,
        "error: no published partner `aurora` (did you mean `aurora-learning`?)\n"
    );
    assert_eq!(run.stdout, "");
    site.check(&["--partner", EMBER, "--format", "json"])
        .expect_failure(2)
        .stderr_contains("no published partner `ember-draft`");

    // No site.toml: 2.
    let missing = site.root().join("nowhere").display().to_string();
    let run = site.run(&["check", "--root", &missing]);
    run.expect_failure(2);
    assert_eq!(
        run.stderr,
        "error: no site.toml in [ROOT]/nowhere (use --root to point at the site folder)\n"
    );

    // A content error: 1.
    site.write(AURORA_A11Y_POST, site_file_of_fixture(AURORA_A11Y_POST));
    site.check(&[]).expect_success();
    site.replace(
        BIRCH_TOML,
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    site.check(&[]).expect_failure(1);
    let (run, json) = check_json(&site, &[]);
    run.expect_failure(1);
    assert_eq!(
        json["errors"],
        json!([{
            "path": BIRCH_TOML,
            "line": 2,
            "col": 8,
            "message": "`tier`: `gold` is not an id in [tiers] of site.toml",
            "help": "valid values: `partner`, `verified-provider`"
        }])
    );

    // `check` never writes.
    assert!(!site.public().exists());
    assert_eq!(site.root_entries(), ["content", "site.toml"]);
}

fn site_file_of_fixture(rel: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules-site")
            .join(rel),
    )
    .unwrap()
}

#[test]
fn check_with_an_unknown_partner_is_a_usage_error_even_without_a_report() {
    // Without a [rules] table.
    let site = site();
    set_rules(&site, "");
    site.check(&["--partner", "nosuch"])
        .expect_failure(2)
        .stderr_contains("no published partner `nosuch`");
    // With a content error elsewhere (the report could not be computed).
    let site = self::site();
    site.replace(
        BIRCH_TOML,
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    site.check(&["--partner", "nosuch"])
        .expect_failure(2)
        .stderr_contains("no published partner `nosuch`");
}

#[test]
fn check_partner_never_passes_when_its_rules_were_not_checked() {
    // aurora is missing a post; another partner's content error stops the loading before
    // the rules run. `check --partner aurora-learning` must not say "check passed".
    let site = failing_site();
    site.replace(
        BIRCH_TOML,
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    let run = site.check(&["--partner", AURORA]);
    assert!(
        !run.stdout.contains("check passed"),
        "`check passed` although aurora-learning's content was never checked:\n{run:?}"
    );
    run.expect_failure(1);
}

#[test]
fn check_with_a_content_error_does_not_claim_there_is_no_rules_table() {
    let site = site();
    site.replace(
        BIRCH_TOML,
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    let run = site.check(&[]);
    run.expect_failure(1);
    assert!(
        !run.stdout.contains("no [rules] table"),
        "site.toml has a [rules] table:\n{run:?}"
    );
    // JSON: `year` and `rule` are null only without a [rules] table (README).
    let (_, json) = check_json(&site, &[]);
    assert_eq!(
        (&json["year"], &json["rule"]),
        (&json!(2026), &json!("percent")),
        "{json}"
    );
}

#[test]
fn check_text_shows_the_table_and_details_of_failing_partners() {
    let site = failing_site();
    let run = site.check(&[]);
    run.expect_failure(1);
    let expected = r#"Required content for 2026 (percent rule: 20% of clients acquired, at least 1)

partner            X  case studies   posts  testimonials  client logos  status
aurora-learning    2           3/2     1/2           2/2           2/2  MISSING
birch-digital      1           0/1     1/1           1/1           0/0  MISSING
cobalt-edu         1           1/1     1/1           0/0           0/0  ok
delta-academy      5           0/5     0/5           0/5           0/5  exempt

1 complete, 2 missing content, 1 exempt

aurora-learning (Aurora Learning): missing 1 post on an approved topic
  clients acquired: 10, so X = 2
  counted  case studies  content/partners/aurora-learning/case-studies/year-end.md
  counted  case studies  content/partners/aurora-learning/case-studies/anonymous-rollout.md
  counted  case studies  content/partners/aurora-learning/case-studies/year-start.md
  counted  posts         content/partners/aurora-learning/posts/release-notes.md
  counted  testimonials  content/partners/aurora-learning/testimonials/anonymous.md
  counted  testimonials  content/partners/aurora-learning/testimonials/named.md
  counted  client logos  content/partners/aurora-learning/partner.toml (client logo "Alpha University")
  counted  client logos  content/partners/aurora-learning/partner.toml (client logo "Beta College")
  ignored  case studies  content/partners/aurora-learning/case-studies/unfinished.md: draft
  ignored  case studies  content/partners/aurora-learning/case-studies/last-year.md: dated 2025-12-31, outside 2026
  ignored  posts         content/partners/aurora-learning/posts/next-release.md: draft
  ignored  posts         content/partners/aurora-learning/posts/musings.md: no topic: only posts on an approved topic count
  ignored  posts         content/partners/aurora-learning/posts/news.md: topic "company-news" is not an approved topic
  ignored  client logos  content/partners/aurora-learning/partner.toml: client logo "Old Client" dated 2025-12-31, outside 2026

birch-digital (Birch Digital): missing 1 case study
  clients acquired: 3, so X = 1
  counted  posts         content/partners/birch-digital/posts/captions.md
  counted  testimonials  content/partners/birch-digital/testimonials/kauri-dean.md
  ignored  case studies  content/partners/birch-digital/case-studies/kauri-campus.md: dated 2027-01-01, outside 2026
  ignored  client logos  content/partners/birch-digital/partner.toml: client logo "Birch Old Client" dated 2025-06-01, outside 2026
"#;
    assert_eq!(run.stdout, expected, "\n{}", run.stdout);
    // The missing content is also on stderr as diagnostics on partner.toml.
    assert_eq!(
        run.stderr,
        "content/partners/aurora-learning/partner.toml:1:1: error: aurora-learning is missing 1 post on an approved topic for 2026
  = help: add content dated in 2026; `partnersite check --partner aurora-learning` lists what counted and what was ignored
content/partners/birch-digital/partner.toml:1:1: error: birch-digital is missing 1 case study for 2026
  = help: add content dated in 2026; `partnersite check --partner birch-digital` lists what counted and what was ignored

2 errors found
"
    );
}

#[test]
fn check_partner_shows_only_that_partner() {
    let site = failing_site();
    let run = site.check(&["--partner", BIRCH]);
    run.expect_failure(1);
    assert_eq!(
        run.stdout,
        r#"Required content for 2026 (percent rule: 20% of clients acquired, at least 1)

partner          X  case studies   posts  testimonials  client logos  status
birch-digital    1           0/1     1/1           1/1           0/0  MISSING

0 complete, 1 missing content, 0 exempt

birch-digital (Birch Digital): missing 1 case study
  clients acquired: 3, so X = 1
  counted  posts         content/partners/birch-digital/posts/captions.md
  counted  testimonials  content/partners/birch-digital/testimonials/kauri-dean.md
  ignored  case studies  content/partners/birch-digital/case-studies/kauri-campus.md: dated 2027-01-01, outside 2026
  ignored  client logos  content/partners/birch-digital/partner.toml: client logo "Birch Old Client" dated 2025-06-01, outside 2026
"#
    );
    assert!(!run.stderr.contains(AURORA), "{}", run.stderr);

    // A complete partner: its details anyway, and a pass.
    let run = site.check(&["--partner", COBALT]);
    run.expect_success();
    assert_eq!(
        run.stdout,
        "Required content for 2026 (percent rule: 20% of clients acquired, at least 1)

partner       X  case studies   posts  testimonials  client logos  status
cobalt-edu    1           1/1     1/1           0/0           0/0  ok

1 complete, 0 missing content, 0 exempt

cobalt-edu (Cobalt Edu): complete
  clients acquired: 0, so X = 1
  counted  case studies  content/partners/cobalt-edu/case-studies/pilot.md
  counted  posts         content/partners/cobalt-edu/posts/release-tour.md
check passed
"
    );
    assert_eq!(run.stderr, "");

    // JSON and GitHub formats are filtered the same way.
    let (_, json) = check_json(&site, &["--partner", BIRCH]);
    assert_eq!(partner_slugs(&json), [BIRCH]);
    let run = site.check(&["--format", "github", "--partner", COBALT]);
    run.expect_success();
    assert_eq!(run.stdout, "");
}

#[test]
fn check_github_annotates_partner_toml() {
    let site = failing_site();
    let run = site.check(&["--format", "github"]);
    run.expect_failure(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(
        errors,
        [
            "::error file=content/partners/aurora-learning/partner.toml,line=1,col=1::aurora-learning is missing 1 post on an approved topic for 2026%0Aadd content dated in 2026; `partnersite check --partner aurora-learning` lists what counted and what was ignored",
            "::error file=content/partners/birch-digital/partner.toml,line=1,col=1::birch-digital is missing 1 case study for 2026%0Aadd content dated in 2026; `partnersite check --partner birch-digital` lists what counted and what was ignored",
        ]
    );
    // Every other line is a notice for an ignored item of a failing partner.
    let notices: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("::error "))
        .collect();
    assert_eq!(notices.len(), 8, "{notices:#?}");
    assert!(
        notices.iter().all(|l| l.starts_with("::notice file=")),
        "{notices:#?}"
    );
    assert!(notices.contains(
        &"::notice file=content/partners/birch-digital/case-studies/kauri-campus.md::not counted for 2026: dated 2027-01-01, outside 2026"
    ));
    assert!(notices.contains(
        &"::notice file=content/partners/aurora-learning/posts/news.md::not counted for 2026: topic \"company-news\" is not an approved topic"
    ));
    assert!(!run.stdout.contains(COBALT) && !run.stdout.contains(DELTA));

    // Content errors carry their line and column.
    site.replace(
        BIRCH_TOML,
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    let run = site.check(&["--format", "github"]);
    run.expect_failure(1);
    assert!(
        run.stdout.lines().any(|l| l
            == "::error file=content/partners/birch-digital/partner.toml,line=2,col=8::`tier`: `gold` is not an id in [tiers] of site.toml%0Avalid values: `partner`, `verified-provider`"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_json_schema_and_snapshot() {
    let site = failing_site();
    let (run, json) = check_json(&site, &[]);
    run.expect_failure(1);
    // Every published partner, keys sorted; no draft partner.
    assert_eq!(partner_slugs(&json), PUBLISHED);
    let top: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["errors", "partners", "rule", "year"]);
    for slug in PUBLISHED {
        let v = &json["partners"][slug];
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        let mut expected = vec!["counted", "ignored", "missing", "required", "status", "x"];
        if *slug == DELTA {
            expected.push("reason");
            expected.sort();
        }
        assert_eq!(keys, expected, "{slug}");
    }
    // Kinds in the documented order, in the raw text.
    let first = &run.stdout[run.stdout.find("\"required\"").unwrap()..];
    let positions: Vec<usize> = KINDS
        .iter()
        .map(|k| first.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Missing content is in `partners`, not in `errors`.
    assert_eq!(json["errors"], json!([]));
    assert_eq!(json["partners"][AURORA]["status"], "missing");
    assert_eq!(per_kind(&json["partners"][AURORA], "missing"), [0, 1, 0, 0]);
    assert_eq!(per_kind(&json["partners"][BIRCH], "missing"), [1, 0, 0, 0]);
    assert!(
        run.stderr.is_empty(),
        "JSON mode prints nothing else: {}",
        run.stderr
    );

    assert_snapshot("check-json.txt", &run.stdout);
}

// --- on_missing through `build` ---------------------------------------------------------

#[test]
fn on_missing_fail_exits_1_lists_partners_and_leaves_the_output_untouched() {
    let site = site();
    let out = site.path("out");
    let out_arg = out.display().to_string();
    site.build(&["--output", &out_arg]).expect_success();
    let before = tree(&out);
    assert!(before.contains_key("partners/birch-digital/index.html"));
    let entries = site.root_entries();

    site.replace(BIRCH_CASE_STUDY, "date = 2026-05-05", "date = 2027-01-01");
    let run = site.build(&["--output", &out_arg]);
    run.expect_failure(1);
    run.expect_stderr(
        r#"content/partners/birch-digital/partner.toml:1:1: error: birch-digital is missing 1 case study for 2026
  = help: add content dated in 2026; `partnersite check --partner birch-digital` lists what counted and what was ignored

1 error found

Required content for 2026 (percent rule: 20% of clients acquired, at least 1)

partner            X  case studies   posts  testimonials  client logos  status
aurora-learning    2           3/2     2/2           2/2           2/2  ok
birch-digital      1           0/1     1/1           1/1           0/0  MISSING
cobalt-edu         1           1/1     1/1           0/0           0/0  ok
delta-academy      5           0/5     0/5           0/5           0/5  exempt

2 complete, 1 missing content, 1 exempt

birch-digital (Birch Digital): missing 1 case study
  clients acquired: 3, so X = 1
  counted  posts         content/partners/birch-digital/posts/captions.md
  counted  testimonials  content/partners/birch-digital/testimonials/kauri-dean.md
  ignored  case studies  content/partners/birch-digital/case-studies/kauri-campus.md: dated 2027-01-01, outside 2026
  ignored  client logos  content/partners/birch-digital/partner.toml: client logo "Birch Old Client" dated 2025-06-01, outside 2026
build failed: nothing was written"#,
    );
    assert_eq!(run.stdout, "");
    assert!(tree(&out) == before, "the previous output changed");
    assert_eq!(site.root_entries(), entries, "a temporary folder was left");
}

#[test]
fn on_missing_warn_builds_and_prints_warnings() {
    let site = site();
    site.replace(
        "site.toml",
        "on_missing = \"fail\"",
        "on_missing = \"warn\"",
    );
    site.replace(BIRCH_CASE_STUDY, "date = 2026-05-05", "date = 2027-01-01");
    let run = site.build(&[]);
    run.expect_success();
    run.expect_stderr(
        "content/partners/birch-digital/partner.toml:1:1: warning: birch-digital is missing 1 case study for 2026
  = help: add content dated in 2026; `partnersite check --partner birch-digital` lists what counted and what was ignored",
    );
    assert!(
        run.stdout.starts_with("built ") && run.stdout.contains(" 4 partners)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("not published"), "{}", run.stdout);
    assert_eq!(card_slugs(&site.html("")), PUBLISHED);
    site.html("partners/birch-digital/");
    site.html("case-studies/birch-digital/kauri-campus/");
    // `check` still fails on missing content whatever on_missing says.
    site.check(&[]).expect_failure(1);
}

/// Output files that show birch-digital when it is published.
const BIRCH_PLACES: &[&str] = &[
    "index.html",
    "partners.json",
    "countries/nz/index.html",
    "languages/mi/index.html",
    "regions/oceania/index.html",
    "services/course-development/index.html",
    "tiers/verified-provider/index.html",
    "pricing/fixed-price/index.html",
    "case-studies/index.html",
    "case-studies/atom.xml",
    "blog/index.html",
    "blog/atom.xml",
    "testimonials/index.html",
    "clients/index.html",
    "sitemap.xml",
    "partners/birch-digital/index.html",
    "partners/birch-digital/badge.svg",
    "partners/birch-digital/logo.svg",
    "partners/birch-digital/clients/birch-client.svg",
    "case-studies/birch-digital/kauri-campus/index.html",
    "blog/birch-digital/captions/index.html",
];

#[test]
fn on_missing_unlist_publishes_nothing_of_the_partner() {
    // Published (compliant): birch is in every place listed.
    let site = site();
    site.replace(
        "site.toml",
        "on_missing = \"fail\"",
        "on_missing = \"unlist\"",
    );
    site.build(&[]).expect_success();
    let files = site.output_files();
    let with_birch = files_containing(&site.public(), "birch-digital");
    for place in BIRCH_PLACES {
        assert!(files.contains(&place.to_string()), "{place} not written");
        if !place.ends_with(".svg") {
            assert!(
                with_birch.contains(&place.to_string()),
                "{place} lacks birch"
            );
        }
    }

    // Unlisted: gone from all of them.
    site.replace(BIRCH_CASE_STUDY, "date = 2026-05-05", "date = 2027-01-01");
    let run = site.build(&[]);
    run.expect_success();
    run.expect_stderr(
        "content/partners/birch-digital/partner.toml:1:1: warning: birch-digital is not published: missing 1 case study for 2026",
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("built ") && lines[0].contains(" 3 partners)"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "not published (missing required content): birch-digital"
    );

    let files = site.output_files();
    for gone in [
        "partners/birch-digital/",
        "case-studies/birch-digital/",
        "blog/birch-digital/",
        "countries/nz/",
        "languages/mi/",
    ] {
        assert!(
            !files.iter().any(|f| f.starts_with(gone)),
            "{gone} still written"
        );
    }
    for needle in [
        "birch-digital",
        "Birch Digital",
        "Birch Old Client",
        "Kauri",
    ] {
        assert_eq!(
            files_containing(&site.public(), needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // Every page's cards, and partners.json.
    for f in files.iter().filter(|f| f.ends_with(".html")) {
        let doc = site.html(f);
        assert!(!card_slugs(&doc).iter().any(|s| s == BIRCH), "{f}");
    }
    assert_eq!(card_slugs(&site.html("")), [AURORA, COBALT, DELTA]);
    assert!(card_slugs(&site.html("tiers/verified-provider/")).is_empty());
    let json: Value = serde_json::from_str(&site.output_text("partners.json")).unwrap();
    let slugs: Vec<&str> = json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, [AURORA, COBALT, DELTA]);
    // The exempt partner has no content at all and stays published.
    site.html("partners/delta-academy/");
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

#[test]
fn contributions_page_lists_partners_with_their_counts() {
    let site = site();
    site.replace(
        "site.toml",
        "on_missing = \"fail\"",
        "on_missing = \"unlist\"\npublish_contributions = true",
    );
    site.build(&[]).expect_success();
    let doc = site.html("program/contributions/");
    assert_eq!(text(one(&doc, "h1")), "Partner contributions 2026");
    let rows: Vec<Vec<String>> = select(&doc, "table.data tbody tr")
        .into_iter()
        .map(|tr| select_in(tr, "th, td .contrib-status, td .contrib-count"))
        .collect();
    assert_eq!(
        rows,
        [
            [
                "Aurora Learning",
                "✓ Met",
                "3 / 2",
                "2 / 2",
                "2 / 2",
                "2 / 2"
            ],
            ["Birch Digital", "✓ Met", "1 / 1", "1 / 1", "1 / 1", "0 / 0"],
            ["Cobalt Edu", "✓ Met", "1 / 1", "1 / 1", "0 / 0", "0 / 0"],
            [
                "Delta Academy",
                "– Exempt",
                "0 / 5",
                "0 / 5",
                "0 / 5",
                "0 / 5"
            ],
        ]
    );
    let headers: Vec<String> = select(&doc, "table.data thead th")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        headers,
        [
            "Partner",
            "Status",
            "Case studies",
            "Posts",
            "Testimonials",
            "Client logos"
        ]
    );
    // Linked from the footer's navigation; every link resolves.
    assert!(
        select(&site.html(""), "footer nav a")
            .into_iter()
            .any(|a| text(a) == "Contributions")
    );
    site.assert_links_ok(&site.public(), common::BASE_URL);

    // An unlisted partner is not on the page.
    site.replace(BIRCH_CASE_STUDY, "date = 2026-05-05", "date = 2027-01-01");
    site.build(&[]).expect_success();
    let names: Vec<String> = select(&site.html("program/contributions/"), "tbody th")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(names, ["Aurora Learning", "Cobalt Edu", "Delta Academy"]);

    // Off by default.
    let site = self::site();
    site.build(&[]).expect_success();
    assert!(
        !site
            .output_files()
            .iter()
            .any(|f| f.starts_with("program/"))
    );
}

fn select_in(el: scraper::ElementRef, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    el.select(&sel).map(text).collect()
}

// --- Bad input in [rules] ----------------------------------------------------------------

/// Replace `from` by `to` in the fixture's site.toml and build: exactly these diagnostics.
fn rules_error(from: &str, to: &str, diagnostics: &str) {
    let site = site();
    site.replace("site.toml", from, to);
    site.build(&[]).expect_errors(diagnostics);
    site.check(&[])
        .expect_failure(1)
        .stderr_contains(diagnostics);
}

#[test]
fn negative_numbers() {
    rules_error(
        "percent = 20",
        "percent = -5",
        "site.toml:40:11: error: [rules] `percent` is negative (-5)
  = help: use a whole number of 0 or more",
    );
    rules_error(
        "on_missing = \"fail\"\n",
        "on_missing = \"fail\"\n[rules.overrides]\nposts = -1\n",
        "site.toml:47:9: error: [rules] `overrides.posts` is negative (-1)
  = help: use a whole number of 0 or more",
    );
}

#[test]
fn approved_topic_not_in_topics() {
    rules_error(
        "approved_topics = [\"accessibility\", \"platform-release-highlights\"]",
        "approved_topics = [\"accessibility\", \"platform-release\"]",
        "site.toml:44:37: error: [rules] approved_topics: `platform-release` is not a topic in [topics]
  = help: did you mean `platform-release-highlights`?",
    );
}

#[test]
fn exemption_for_an_unknown_slug() {
    rules_error(
        "delta-academy = ",
        "delta-acadmy = ",
        "site.toml:48:1: error: [rules.exemptions] `delta-acadmy` is not a partner folder in content/partners/
  = help: did you mean `delta-academy`?",
    );
}

#[test]
fn unknown_kind_in_overrides() {
    rules_error(
        "on_missing = \"fail\"\n",
        "on_missing = \"fail\"\n[rules.overrides]\npost = 2\n",
        "site.toml:47:1: error: unknown key `post`
  = help: did you mean `posts`?",
    );
}

#[test]
fn refused_counts_above_acquired() {
    let site = site();
    site.replace(BIRCH_TOML, "refused_logo = 3", "refused_logo = 4");
    site.replace(
        BIRCH_TOML,
        "refused_testimonial = 2",
        "refused_testimonial = 5",
    );
    site.build(&[]).expect_errors(
        "content/partners/birch-digital/partner.toml:14:16: error: [clients] `refused_logo` (4) is larger than `acquired` (3)
  = help: a refusal is counted among the clients acquired; fix one of the two numbers
content/partners/birch-digital/partner.toml:15:23: error: [clients] `refused_testimonial` (5) is larger than `acquired` (3)
  = help: a refusal is counted among the clients acquired; fix one of the two numbers",
    );
    // Equal to acquired is fine (all refused).
    let site = self::site();
    site.replace(
        BIRCH_TOML,
        "refused_testimonial = 2",
        "refused_testimonial = 3",
    );
    let (run, json) = check_json(&site, &[]);
    run.expect_success();
    assert_eq!(per_kind(&json["partners"][BIRCH], "required"), [1, 1, 0, 0]);
    // Refusals without `acquired`: 0 clients, so any refusal is too many.
    let site = self::site();
    site.write(
        AURORA_TOML,
        site.read(AURORA_TOML)
            .replace("acquired = 10\n", "")
            .replace("refused_logo = 0", "refused_logo = 1"),
    );
    site.build(&[])
        .expect_failure(1)
        .stderr_contains("error: [clients] `refused_logo` (1) is larger than `acquired` (0)");
}

/// Messages whose exact wording is the owner's call: the position, the words that must be
/// there, and a help line.
fn rules_error_with_hint(from: &str, to: &str, position: &str, words: &[&str]) {
    let site = site();
    site.replace("site.toml", from, to);
    let run = site.build(&[]);
    run.expect_failure(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with(&format!("{position}: error: ")))
        .unwrap_or_else(|| panic!("no error at {position}\n{}", run.stderr));
    for w in words {
        assert!(lines[first].contains(w), "{:?} lacks {w:?}", lines[first]);
    }
    assert!(
        lines
            .get(first + 1)
            .is_some_and(|l| l.starts_with("  = help: ")),
        "no help line after {:?}\n{}",
        lines[first],
        run.stderr
    );
}

#[test]
fn unknown_rule_name() {
    rules_error_with_hint(
        "rule = \"percent\"",
        "rule = \"percentage\"",
        "site.toml:39:8",
        &["`percentage`", "`percent`", "`fixed`"],
    );
}

#[test]
fn unknown_kind_in_require() {
    rules_error_with_hint(
        "require = [\"case-studies\", \"posts\", \"testimonials\", \"client-logos\"]",
        "require = [\"case-studies\", \"blog-posts\"]",
        "site.toml:43:28",
        &["`blog-posts`", "`posts`"],
    );
}

#[test]
fn unknown_on_missing_value() {
    rules_error_with_hint(
        "on_missing = \"fail\"",
        "on_missing = \"explode\"",
        "site.toml:45:14",
        &["`explode`", "`fail`", "`warn`", "`unlist`"],
    );
}

#[test]
fn non_integer_numbers() {
    for (from, to, position, value) in [
        ("percent = 20", "percent = 12.5", "site.toml:40:11", "12.5"),
        ("minimum = 1", "minimum = \"one\"", "site.toml:41:11", "one"),
    ] {
        rules_error_with_hint(from, to, position, &[value]);
        // Rust's type names mean nothing to a content editor.
        let site = site();
        site.replace("site.toml", from, to);
        let run = site.build(&[]);
        assert!(!run.stderr.contains("i64"), "{}", run.stderr);
    }
}
