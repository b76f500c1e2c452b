//! The transparency report: reading lead exports (RFC 4180, BOM, CRLF, folders, digests),
//! every bad-input message, the aggregates against hand counts, suppression, and the
//! privacy promise (no private value or lead id in any output byte).

use crate::common;

use common::SiteTest;
use partnersite::config;
use partnersite::content::{self, Site};
use partnersite::diagnostics::Diagnostics;
use partnersite::leads::{self, Digest};
use partnersite::output::MemorySink;
use partnersite::pipeline::{self, BuildOptions, Outcome};
use partnersite::render::{self, RenderOptions, Theme};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    common::repo().join("tests/fixtures/leads/site")
}

/// A scratch copy of the fixture site.
fn leads_site() -> SiteTest {
    SiteTest::from_fixture("leads/site")
}

/// The fixture's one lead export.
const EXPORT: &str = "leads/export.csv";

/// The diagnostics of a digest that must fail, as text.
fn digest_errors(site: &SiteTest) -> Vec<String> {
    match digest_of(site.root()) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.iter().map(|d| d.to_string()).collect(),
    }
}

fn full_site(root: &Path) -> Site {
    let (config, diags) = config::load(root).unwrap();
    assert!(!diags.has_errors(), "{diags:?}");
    let (site, diags) = content::load(config.unwrap(), content::Depth::Full);
    assert!(!diags.has_errors(), "{diags:?}");
    site.unwrap()
}

fn digest_of(root: &Path) -> Result<Option<Digest>, Diagnostics> {
    let site = full_site(root);
    leads::load(&site.config, &site.partners)
}

fn digest() -> Digest {
    digest_of(&fixture()).unwrap().unwrap()
}

/// The whole site built through the pipeline, with the report wired in, in memory.
fn build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let Outcome::Ready(p) = pipeline::prepare(&opts).unwrap() else {
        panic!("the fixture site does not build");
    };
    let digest = leads::load(&p.site.config, &p.all_partners)
        .unwrap()
        .unwrap();
    let policy = leads::policy_url(&p.site).unwrap();
    let extras = leads::extras(&digest, &p.site, &p.all_partners, policy);
    let theme =
        Theme::load(&p.site.config.root, &p.site.config.theme).unwrap_or_else(|d| panic!("{d:?}"));
    let sink = MemorySink::default();
    render::render(&p.site, &theme, extras, &RenderOptions::default(), &sink)
        .unwrap()
        .unwrap_or_else(|d| panic!("{d:?}"));
    sink.into_files()
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .clone(),
    )
    .unwrap()
}

const HEADER: &str =
    "lead_id,received_date,country,region,assigned_provider,status,service_requested,budget_band\n";

// ---------- aggregates ----------

#[test]
fn aggregates_match_hand_counts() {
    let d = digest();
    assert_eq!(d.period.from.to_string(), "2025-01-01");
    assert_eq!(d.period.to.to_string(), "2025-12-31");
    let t = &d.totals;
    assert_eq!(
        (
            t.leads,
            t.assigned,
            t.unassigned,
            t.new,
            t.contacted,
            t.won,
            t.lost
        ),
        (47, 44, 3, 17, 5, 15, 10)
    );

    let keys: Vec<&str> = d.by_region.keys().collect();
    assert_eq!(
        keys,
        ["europe", "north-america", "latin-america", "unspecified"]
    );
    let eu = d.by_region.get("europe").unwrap();
    assert_eq!((eu.leads, eu.assigned, eu.won, eu.lost), (22, 22, 8, 5));
    assert_eq!(eu.won_rate, Some(0.6154));
    let la = d.by_region.get("latin-america").unwrap();
    assert_eq!((la.leads, la.assigned), (12, 11));
    let un = d.by_region.get("unspecified").unwrap();
    assert_eq!((un.leads, un.assigned, un.won_rate), (2, 0, None));

    // Every listed partner (drafts are not), by slug, zeros included.
    let slugs: Vec<&str> = d.by_partner.keys().collect();
    assert_eq!(
        slugs,
        [
            "alpha-hosting",
            "beta-learning",
            "epsilon-learning",
            "gamma-sur"
        ]
    );
    let a = d.by_partner.get("alpha-hosting").unwrap();
    assert_eq!(
        (a.leads, a.new, a.contacted, a.won, a.lost),
        (16, 5, 2, 6, 3)
    );
    assert_eq!(a.won_rate, Some(0.6667));
    assert_eq!(a.share, Some(0.3636));
    assert_eq!(d.by_partner.get("gamma-sur").unwrap().share, Some(0.1591));

    assert_eq!(d.audit.outside_served_region, 1);
    assert_eq!(d.audit.unknown_partner, 1);

    // Eligible = tier "partner", not draft: alpha 16, epsilon 8, gamma 7.
    // Gini: sorted [7, 8, 16], sum (2i - n + 1) x = -14 + 0 + 32 = 18; 18 / (3 * 31).
    assert_eq!(d.concentration.gini, Some(0.1935));
    assert_eq!(d.concentration.top5_share, Some(0.7045));

    let eq = d.region_equity.get("europe").unwrap();
    assert_eq!(eq.leads_share, Some(0.4681));
    assert_eq!(eq.partners_serving_share, Some(0.6667));
    assert_eq!(eq.partners_hq_share, Some(0.6667));
    assert_eq!(eq.leads_per_serving_partner, Some(11.0));
    let eq = d.region_equity.get("north-america").unwrap();
    assert_eq!(
        (eq.partners_serving_share, eq.partners_hq_share),
        (Some(0.3333), Some(0.0))
    );
    assert_eq!(
        d.region_equity
            .get("unspecified")
            .unwrap()
            .leads_per_serving_partner,
        None
    );

    let attr = &d.by_partner_attribute;
    assert_eq!(attr.tier.get("partner"), Some(&31));
    assert_eq!(attr.tier.get("verified-provider"), Some(&12));
    assert_eq!(attr.company_size.get("unspecified"), Some(&20));
    assert_eq!(attr.region.get("north-america"), Some(&12));

    assert_eq!(
        d.region_partner
            .get("north-america")
            .unwrap()
            .get("alpha-hosting"),
        Some(&1)
    );
    // The draft partner's lead is in the audit, never under its slug.
    assert!(
        d.region_partner
            .get("europe")
            .unwrap()
            .get("delta-draft")
            .is_none()
    );

    let quarters: Vec<&str> = d.by_quarter.keys().collect();
    assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    assert_eq!(d.by_quarter.iter().map(|(_, n)| n).sum::<u64>(), 47);
}

#[test]
fn small_counts_are_withheld_with_a_complement() {
    let d = digest();
    // FR 4, CA 2, BR 4 and unspecified 3 are below min_cell. Countries also add up to
    // their region's published total, so each region that lost one country loses its
    // next smallest too: ES 6 (Europe: DE 12, ES 6, FR 4), US 9 (North America: US 9,
    // CA 2), AR 7 (Latin America: AR 7, BR 4). DE 12 stays published.
    let c = &d.by_country;
    assert_eq!(c.get("DE"), Some(&Some(12)));
    for k in ["FR", "CA", "BR", "unspecified", "ES", "US", "AR"] {
        assert_eq!(c.get(k), Some(&None), "{k}");
    }
    // One small value (`=50k+`, not a slug, so counted as `other`: 3): the next
    // smallest (10k-50k: 14) is withheld too.
    let budget = d.by_category.get("budget").unwrap();
    assert_eq!(budget.get("=50k+"), None);
    assert_eq!(budget.get("other"), Some(&None));
    assert_eq!(budget.get("10k-50k"), Some(&None));
    assert_eq!(budget.get("under-10k"), Some(&Some(30)));
    let service = d.by_category.get("service").unwrap();
    assert_eq!(service.get("hosting"), Some(&Some(20)));
    // No quarter row leaves exactly one cell withheld.
    for (q, row) in d.by_quarter_region.iter() {
        let withheld = row.iter().filter(|(_, v)| v.is_none()).count();
        assert!(withheld != 1, "{q}: {row:?}");
        let published: u64 = row.iter().filter_map(|(_, v)| *v).sum();
        assert!(published <= *d.by_quarter.get(q).unwrap());
    }
}

// ---------- reading ----------

#[test]
fn rfc4180_quoting_and_plain_lf() {
    let s = leads_site();
    s.write(
        EXPORT,
        format!(
            "{HEADER}\
         a1,2025-02-01,DE,,alpha-hosting,won,\"consulting, training\",\"say \"\"hi\"\"\"\n\
         a2,2025-02-02,DE,,alpha-hosting,won,\"multi\nline\",x\n\
         a3,2025-02-03,DE,,alpha-hosting,lost,\"consulting, training\",x\n"
        ),
    );
    let d = digest_of(s.root()).unwrap().unwrap();
    // The quoted values are read whole (the rows stay aligned), and, not being slugs,
    // counted as `other`.
    let service = d.by_category.get("service").unwrap();
    assert_eq!(service.keys().collect::<Vec<_>>(), ["other"]);
    let budget = d.by_category.get("budget").unwrap();
    assert_eq!(budget.keys().collect::<Vec<_>>(), ["x", "other"]);
    assert_eq!(d.totals.leads, 3);
    assert_eq!(d.by_partner.get("alpha-hosting").unwrap().won, 2);
}

#[test]
fn bom_and_crlf() {
    // The fixture export has a BOM, CRLF line ends and CRLF inside quoted notes.
    let bytes = std::fs::read(fixture().join("leads/export.csv")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbflead_id,"));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    assert_eq!(digest().totals.leads, 47);
    // A BOM before a quoted first header.
    let s = leads_site();
    s.write(EXPORT,
        "\u{feff}\"lead_id\",received_date,country,region,assigned_provider,status,service_requested,budget_band\r\n\
         b1,2025-03-01,,,,new,,\r\n",
    );
    let d = digest_of(s.root()).unwrap().unwrap();
    assert_eq!(d.totals.leads, 1);
    // One lead: a table of one cell equals the published total, so it is published
    // (withholding it would only pretend).
    assert_eq!(d.by_country.get("unspecified"), Some(&Some(1)));
    assert_eq!(
        d.by_category.get("service").unwrap().get("unspecified"),
        Some(&Some(1))
    );
}

#[test]
fn a_folder_of_exports_is_read_in_name_order() {
    let s = leads_site();
    s.replace("site.toml", "source = \"leads/export.csv\"", "source = \"monthly/\"")
        .write(
            "monthly/2025-02.csv",
            format!("{HEADER}m2,2025-02-01,US,,beta-learning,won,,\n"),
        )
        // Columns in another order in another file.
        .write(
            "monthly/2025-01.csv",
            "status,lead_id,received_date,country,region,assigned_provider,service_requested,budget_band,notes\n\
             lost,m1,2025-01-01,US,,beta-learning,,,private\n",
        )
        .write("monthly/readme.txt", "not an export");
    let d = digest_of(s.root()).unwrap().unwrap();
    assert_eq!(d.totals.leads, 2);
    assert_eq!(
        d.by_partner.get("beta-learning").unwrap().won_rate,
        Some(0.5)
    );
    // Duplicates across files name the other file.
    s.write(
        "monthly/2025-03.csv",
        format!("{HEADER}m1,2025-03-01,US,,beta-learning,won,,\n"),
    );
    let errors = digest_errors(&s);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("monthly/2025-03.csv:2: error: duplicate lead id: line 2 repeats the id of monthly/2025-01.csv:2"),
        "{errors:?}"
    );
}

#[test]
fn rows_outside_the_period_are_skipped() {
    let s = leads_site();
    s.write(
        EXPORT,
        format!(
            "{HEADER}o1,2024-12-31,DE,,no-such-partner,won,,\n\
         o2,2025-01-01,DE,,alpha-hosting,won,,\n\
         o3,2026-01-01,DE,,alpha-hosting,won,,\n"
        ),
    );
    let d = digest_of(s.root()).unwrap().unwrap();
    assert_eq!(d.totals.leads, 1);
    // Without bounds the period is the first and last date seen.
    s.replace("site.toml", "from = 2025-01-01\n", "")
        .replace("site.toml", "to = 2025-12-31\n", "")
        .write(EXPORT, format!(
            "{HEADER}o2,2025-03-04,DE,,alpha-hosting,won,,\no3,2026-01-01,DE,,alpha-hosting,won,,\n"
        ));
    let d = digest_of(s.root()).unwrap().unwrap();
    assert_eq!(d.totals.leads, 2);
    assert_eq!(
        (d.period.from.to_string(), d.period.to.to_string()),
        ("2025-03-04".into(), "2026-01-01".into())
    );
    assert_eq!(
        d.by_quarter.keys().collect::<Vec<_>>(),
        ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    );
}

// ---------- bad input ----------

fn one_error(csv: &str) -> String {
    let s = leads_site();
    s.write(EXPORT, csv);
    let errors = digest_errors(&s);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn missing_column_is_named_with_the_headers_found() {
    let e = one_error(
        "lead_id,received,country,region,assigned_provider,status,service_requested,budget_band\n",
    );
    assert!(e.starts_with("leads/export.csv:1: error: the column `received_date` ([leads.columns] received) is not in the header"), "{e}");
    assert!(
        e.contains("headers found: `lead_id`, `received`, `country`"),
        "{e}"
    );
}

#[test]
fn malformed_csv_names_the_line() {
    let e = one_error(&format!(
        "{HEADER}x1,2025-01-02,DE,,alpha-hosting,won,,\n\"x2\nstill x2\",2025-01-02,DE,,alpha-hosting,won,,,extra\n"
    ));
    assert!(
        e.starts_with(
            "leads/export.csv:3: error: malformed CSV: this row has 9 field(s), the header has 8"
        ),
        "{e}"
    );
}

#[test]
fn invalid_values_name_line_and_column() {
    let cases = [
        (
            "y1,2025-02-30,DE,,alpha-hosting,won,,",
            "invalid received date `2025-02-30` (column `received_date`)",
            "YYYY-MM-DD",
        ),
        (
            "y1,2025-02-03,XX,,alpha-hosting,won,,",
            "unknown country code `XX` (column `country`)",
            "ISO 3166-1 alpha-2",
        ),
        (
            "y1,2025-02-03,DE,eurpe,alpha-hosting,won,,",
            "unknown region `eurpe` (column `region`)",
            "did you mean `europe`?",
        ),
        (
            "y1,2025-02-03,DE,,alpha-hosting,closed,,",
            "unknown status `closed` (column `status`)",
            "statuses are new, contacted, won and lost",
        ),
        (
            "y1,2025-02-03,DE,,alpha-hostin,won,,",
            "unknown partner `alpha-hostin` (column `assigned_provider`)",
            "did you mean `alpha-hosting`?",
        ),
        (
            ",2025-02-03,DE,,alpha-hosting,won,,",
            "empty lead id (column `lead_id`)",
            "unique id",
        ),
    ];
    for (row, message, hint) in cases {
        let e = one_error(&format!("{HEADER}ok1,2025-01-01,DE,,,new,,\n{row}\n"));
        assert!(
            e.starts_with(&format!("leads/export.csv:3: error: {message}")),
            "{row}: {e}"
        );
        assert!(e.contains(hint), "{row}: {e}");
    }
}

#[test]
fn unknown_partners_can_be_allowed_into_the_audit() {
    let s = leads_site();
    s.replace(
        "site.toml",
        "policy = \"allocation\"",
        "policy = \"allocation\"\nallow_unknown_partners = true",
    )
    .write(
        EXPORT,
        format!(
            "{HEADER}u1,2025-02-03,DE,,someone-else,won,,\nu2,2025-02-03,FR,,delta-draft,won,,\n"
        ),
    );
    let d = digest_of(s.root()).unwrap().unwrap();
    assert_eq!(d.audit.unknown_partner, 2);
    assert_eq!(d.totals.assigned, 2);
    assert!(d.by_partner.get("someone-else").is_none());
}

#[test]
fn duplicate_ids_give_both_lines() {
    let e = one_error(&format!(
        "{HEADER}d1,2025-01-01,DE,,,new,,\nd2,2025-01-01,DE,,,new,,\nd1,2024-01-01,DE,,,new,,\n"
    ));
    assert!(
        e.starts_with(
            "leads/export.csv:4: error: duplicate lead id: line 4 repeats the id of line 2"
        ),
        "{e}"
    );
    assert!(!e.contains("d1"), "lead ids are never printed: {e}");
}

#[test]
fn empty_exports_are_errors() {
    let e = one_error(HEADER);
    assert!(e.contains("holds no lead"), "{e}");
    let e = one_error("");
    assert!(
        e.starts_with("leads/export.csv: error: the lead export is empty"),
        "{e}"
    );
}

#[test]
fn errors_are_all_collected_then_capped() {
    let mut csv = HEADER.to_string();
    for i in 0..70 {
        csv.push_str(&format!("e{i},not-a-date,DE,,,new,,\n"));
    }
    csv.push_str("e70,2025-01-01,DE,,,sold,,\n");
    let s = leads_site();
    s.write(EXPORT, &csv);
    let errors = digest_errors(&s);
    assert_eq!(errors.len(), 51, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains(":52: error: … and 21 more problem(s)")),
        "{errors:?}"
    );
}

#[test]
fn bad_digests_are_rejected_with_a_position() {
    let s = leads_site();
    s.replace(
        "site.toml",
        "source = \"leads/export.csv\"",
        "source = \"public-leads.json\"",
    );
    let mut json = String::from_utf8(leads::write_digest(&digest())).unwrap();
    json = json.replacen("\"leads\": 47", "\"leeds\": 47", 1);
    s.write("public-leads.json", &json);
    let errors = digest_errors(&s);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("public-leads.json:9:11:")
            && errors[0].contains("unknown field `leeds`"),
        "{errors:?}"
    );
    // A digest made with a lower min_cell is refused.
    let json = String::from_utf8(leads::write_digest(&digest()))
        .unwrap()
        .replacen("\"min_cell\": 5", "\"min_cell\": 2", 1);
    s.write("public-leads.json", &json);
    let errors = digest_errors(&s);
    assert!(errors[0].contains("made with min_cell = 2"), "{errors:?}");
}

// ---------- digest ----------

#[test]
fn digest_round_trips() {
    let d = digest();
    let bytes = leads::write_digest(&d);
    assert!(bytes.ends_with(b"}\n"));
    let back: Digest = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, d);
    assert_eq!(leads::write_digest(&back), bytes);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"won_rate\": 0.6667"), "{text}");
    assert!(text.contains("\"FR\": null"), "{text}");
}

#[test]
fn site_from_digest_is_byte_identical() {
    let from_csv = build(&fixture());
    let s = leads_site();
    s.write("private/digest.json", leads::write_digest(&digest()))
        .replace(
            "site.toml",
            "source = \"leads/export.csv\"",
            "source = \"private/digest.json\"",
        );
    std::fs::remove_dir_all(s.root().join("leads")).unwrap();
    let from_digest = build(s.root());
    assert_eq!(
        from_csv.keys().collect::<Vec<_>>(),
        from_digest.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &from_csv {
        assert!(from_digest[path] == *bytes, "{path} differs");
    }
}

// ---------- privacy ----------

#[test]
fn no_private_value_reaches_any_output() {
    let mut files = build(&fixture());
    files.insert("(digest)".into(), leads::write_digest(&digest()));
    assert!(files.contains_key("transparency/index.html"));
    let needles: [&[u8]; 4] = [b"canary", b"leadid", b"lead_id", b"smith"];
    for (path, bytes) in &files {
        let lower = bytes.to_ascii_lowercase();
        for needle in needles {
            assert!(
                !lower.windows(needle.len()).any(|w| w == needle),
                "{path} holds {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }
}

// ---------- rendering ----------

#[test]
fn report_page_downloads_and_panels() {
    let files = build(&fixture());
    let html = text(&files, "transparency/index.html");
    // Withheld cells, escaped names, the policy link, inline charts, no inline style.
    assert!(
        html.contains("<td class=\"num\">&lt; 5</td>"),
        "withheld cell"
    );
    assert!(html.contains("Beta &lt;Learning&gt; &amp; &quot;Co&quot;"));
    assert!(!html.contains("<Learning>"));
    assert!(html.contains("<a href=\"/dir/allocation/\">allocation policy</a>"));
    assert_eq!(html.matches("<figure class=\"chart").count(), 5);
    assert!(html.contains("role=\"img\" aria-label=\"Leads per region, 1 Jan – 31 Dec 2025\""));
    assert!(!html.contains("style="));
    // No script but the JSON-LD data blocks.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script type=\"application/ld+json\">")
            .count()
    );
    assert!(html.contains("<a href=\"/dir/transparency/by-region.csv\">by-region.csv</a>"));
    // Nav entry on every page.
    let index = text(&files, "index.html");
    assert!(index.contains("<a href=\"/dir/transparency/\">Transparency</a>"));

    assert_eq!(
        files["transparency/leads.json"],
        leads::write_digest(&digest())
    );
    for name in [
        "summary",
        "by-region",
        "by-partner",
        "by-quarter",
        "by-quarter-region",
        "by-country",
        "by-category-service",
        "by-category-budget",
        "by-partner-attribute",
        "region-partner",
        "region-equity",
    ] {
        assert!(
            files.contains_key(&format!("transparency/{name}.csv")),
            "{name}"
        );
    }
    let csv = text(&files, "transparency/by-partner.csv");
    assert!(csv.starts_with("partner,name,tier,country,regions_served,leads,"));
    assert!(
        csv.contains("alpha-hosting,Alpha Hosting,partner,DE,europe,16,5,2,6,3,0.6667,0.3636\n")
    );
    assert!(csv.contains(",'=Epsilon+Learning,"), "{csv}");
    let budget = text(&files, "transparency/by-category-budget.csv");
    assert_eq!(budget, "value,leads\n10k-50k,\nunder-10k,30\nother,\n");
    let country = text(&files, "transparency/by-country.csv");
    assert!(country.contains("FR,France,\n"));

    let profile = text(&files, "partners/alpha-hosting/index.html");
    assert!(
        profile
            .contains("Leads received 1 Jan – 31 Dec 2025: <strong>16</strong>, won rate 66.7%."),
        "panel"
    );
}

#[test]
fn unpublished_partners_are_named_without_a_link() {
    let site = full_site(&fixture());
    let d = digest();
    let mut published = site.clone();
    published.remove_drafts();
    published.partners.retain(|p| p.slug != "gamma-sur");
    let extras = leads::extras(&d, &published, &site.partners, None);
    let page = &extras.pages[0];
    let (path, ctx) = (format!("{}index.html", page.path), &page.ctx);
    assert_eq!(
        (path.as_str(), page.template),
        ("transparency/index.html", "transparency.html")
    );
    let report: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(ctx.get("report").unwrap()).unwrap()).unwrap();
    let url = |name: &str| {
        report["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["url"].clone())
    };
    assert_eq!(url("Gamma Sur"), Some(serde_json::Value::Null));
    assert_eq!(
        url("Alpha Hosting"),
        Some("/dir/partners/alpha-hosting/".into())
    );
    assert_eq!(
        extras.nav,
        [("Transparency".to_string(), "transparency/".to_string())]
    );
    assert!(extras.partner_panels.contains_key("gamma-sur"));
}

#[test]
fn policy_must_be_a_published_page() {
    let s = leads_site();
    s.replace(
        "site.toml",
        "policy = \"allocation\"",
        "policy = \"alocation\"",
    );
    let site = full_site(s.root());
    let e = leads::policy_url(&site).unwrap_err().to_string();
    assert!(
        e.contains("no published page `alocation`") && e.contains("did you mean `allocation`?"),
        "{e}"
    );
}
