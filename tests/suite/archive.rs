//! The transparency archive (issue 14, part 1): `[[leads.period]]` pages with their own
//! downloads, an old period's bytes kept when a new period is added, the trends page's
//! numbers (from each period's leads.json, withheld cells kept withheld), the config
//! errors (exact stderr), an older digest format as a period, `leads digest --period`,
//! and a single `[leads] source` as before.

use crate::common;

use common::{SiteTest, attr, select, select_in, text, tree};
use scraper::Html;
use serde_json::Value;

const HEADER: &str =
    "lead_id,received_date,country,region,assigned_provider,status,service_requested,budget_band\n";

/// The leads fixture with `[leads] source`, `from` and `to` replaced by `periods`
/// (appended at the end of site.toml).
fn archive(periods: &str) -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.edit("site.toml", |t| {
        let t = t.replacen(
            "source = \"leads/export.csv\"\nfrom = 2025-01-01\nto = 2025-12-31\n",
            "",
            1,
        );
        format!("{t}\n{periods}")
    });
    site
}

/// `[[leads.period]]` blocks: (id, source, from, to).
fn periods(list: &[(&str, &str, Option<&str>, Option<&str>)]) -> String {
    let mut out = String::new();
    for (id, source, from, to) in list {
        out.push_str(&format!(
            "[[leads.period]]\nid = \"{id}\"\nsource = \"{source}\"\n"
        ));
        if let Some(f) = from {
            out.push_str(&format!("from = {f}\n"));
        }
        if let Some(t) = to {
            out.push_str(&format!("to = {t}\n"));
        }
    }
    out
}

const H1: (&str, &str, Option<&str>, Option<&str>) = (
    "2025-h1",
    "leads/export.csv",
    Some("2025-01-01"),
    Some("2025-06-30"),
);
const H2: (&str, &str, Option<&str>, Option<&str>) = (
    "2025-h2",
    "leads/export.csv",
    Some("2025-07-01"),
    Some("2025-12-31"),
);

fn json(site: &SiteTest, rel: &str) -> Value {
    site.json(rel)
}

/// The switcher's links (text without the dates, href) and which one is current.
fn switcher(doc: &Html) -> Vec<(String, String, bool)> {
    select(doc, "nav.period-switch a")
        .into_iter()
        .map(|a| {
            let t = text(a);
            let label = t.split(" (").next().unwrap_or_default().to_string();
            (
                label,
                attr(a, "href").to_string(),
                a.value().attr("aria-current").is_some(),
            )
        })
        .collect()
}

#[test]
fn every_period_has_its_page_and_downloads_and_the_newest_is_the_current_report() {
    let site = archive(&periods(&[H1, H2]));
    site.build(&[]).expect_success();
    let h1 = json(&site, "transparency/2025-h1/leads.json");
    let h2 = json(&site, "transparency/2025-h2/leads.json");
    assert_eq!(h1["period"]["from"], "2025-01-01");
    assert_eq!(h1["period"]["to"], "2025-06-30");
    assert_eq!(h2["period"]["from"], "2025-07-01");
    // The current report is the newest period, byte for byte.
    assert_eq!(
        site.output_text("transparency/leads.json"),
        site.output_text("transparency/2025-h2/leads.json")
    );
    let all: u64 = [&h1, &h2]
        .iter()
        .map(|d| d["totals"]["leads"].as_u64().unwrap())
        .sum();
    assert_eq!(all, 47, "the two halves share the export's 47 leads");
    // Each period has every CSV of the report, with its own numbers.
    for dir in ["transparency/2025-h1/", "transparency/2025-h2/"] {
        for csv in ["by-region.csv", "summary.csv", "by-category-service.csv"] {
            assert!(site.public().join(dir).join(csv).is_file(), "no {dir}{csv}");
        }
    }
    assert_ne!(
        site.output_text("transparency/2025-h1/by-region.csv"),
        site.output_text("transparency/2025-h2/by-region.csv")
    );
    let doc = site.html("transparency/2025-h1/");
    let downloads: Vec<String> = select(&doc, "a[href$='.json']")
        .into_iter()
        .map(|a| attr(a, "href").to_string())
        .collect();
    assert!(
        downloads.contains(&"/dir/transparency/2025-h1/leads.json".to_string()),
        "{downloads:?}"
    );
    // Sitemap and link checker cover the new pages.
    let sitemap = site.output_text("sitemap.xml");
    for url in [
        "transparency/2025-h1/",
        "transparency/2025-h2/",
        "transparency/trends/",
    ] {
        assert!(
            sitemap.contains(&format!("https://example.org/dir/{url}</loc>")),
            "{url} not in the sitemap"
        );
    }
    site.assert_links_ok(&site.public(), "https://example.org/dir/");
}

#[test]
fn the_switcher_links_the_periods_up_to_the_page_the_current_report_and_the_trends() {
    let site = archive(&periods(&[H1, H2]));
    site.build(&[]).expect_success();
    let s = |label: &str, href: &str, current: bool| (label.to_string(), href.to_string(), current);
    assert_eq!(
        switcher(&site.html("transparency/")),
        [
            s("Current report", "/dir/transparency/", true),
            s("2025-h1", "/dir/transparency/2025-h1/", false),
            s("2025-h2", "/dir/transparency/2025-h2/", false),
            s("Trends across periods", "/dir/transparency/trends/", false),
        ]
    );
    // An older page never names a later period: adding one does not change it.
    assert_eq!(
        switcher(&site.html("transparency/2025-h1/")),
        [
            s("Current report", "/dir/transparency/", false),
            s("2025-h1", "/dir/transparency/2025-h1/", true),
            s("Trends across periods", "/dir/transparency/trends/", false),
        ]
    );
    assert_eq!(
        switcher(&site.html("transparency/trends/")),
        [
            s("Current report", "/dir/transparency/", false),
            s("2025-h1", "/dir/transparency/2025-h1/", false),
            s("2025-h2", "/dir/transparency/2025-h2/", false),
            s("Trends across periods", "/dir/transparency/trends/", true),
        ]
    );
    // Only the current report gets the nav entry and the profile panels.
    let nav = site.output_text("index.html");
    assert_eq!(nav.matches("href=\"/dir/transparency/\"").count(), 1);
}

#[test]
fn an_old_period_keeps_its_bytes_when_a_new_period_is_added() {
    let site = archive(&periods(&[H1]));
    site.build(&[]).expect_success();
    let before = tree(&site.public().join("transparency/2025-h1"));
    assert!(before.contains_key("leads.json") && before.contains_key("index.html"));
    // Commit the period's digest, then add the next period.
    site.run(&[
        "leads",
        "digest",
        "--period",
        "2025-h1",
        "--output",
        "leads/2025-h1.json",
    ])
    .expect_success();
    assert_eq!(
        site.read("leads/2025-h1.json"),
        site.output_text("transparency/2025-h1/leads.json")
    );
    site.edit("site.toml", |t| {
        let t = t.replacen(
            "id = \"2025-h1\"\nsource = \"leads/export.csv\"\nfrom = 2025-01-01\nto = 2025-06-30\n",
            "id = \"2025-h1\"\nsource = \"leads/2025-h1.json\"\n",
            1,
        );
        format!("{t}{}", periods(&[H2]))
    });
    site.build(&[]).expect_success();
    let after = tree(&site.public().join("transparency/2025-h1"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            after.get(name) == Some(bytes),
            "transparency/2025-h1/{name} changed"
        );
    }
    assert!(
        site.public()
            .join("transparency/2025-h2/index.html")
            .is_file()
    );
}

/// The rows (`th` text, `td` texts) of the table captioned `caption…` on `doc`.
fn table(doc: &Html, caption: &str) -> Vec<(String, Vec<String>)> {
    let t = select(doc, "table.data")
        .into_iter()
        .find(|t| {
            select_in(*t, "caption")
                .first()
                .is_some_and(|c| text(*c).starts_with(caption))
        })
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    select_in(t, "tbody tr")
        .into_iter()
        .map(|tr| {
            let th = text(select_in(tr, "th")[0]);
            (th, select_in(tr, "td").into_iter().map(text).collect())
        })
        .collect()
}

/// "1,234" for a count.
fn count(v: &Value) -> String {
    let n = v.as_u64().unwrap();
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

/// "42.9%" from a 4-decimal ratio (the report's rule).
fn pct(v: &Value) -> String {
    match v.as_f64() {
        Some(r) => {
            let tenths = ((r * 10_000.0).round() as u64 + 5) / 10;
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

#[test]
fn the_trends_page_shows_each_periods_published_numbers() {
    let site = archive(&periods(&[H1, H2]));
    site.build(&[]).expect_success();
    let ds = [
        json(&site, "transparency/2025-h1/leads.json"),
        json(&site, "transparency/2025-h2/leads.json"),
    ];
    let doc = site.html("transparency/trends/");
    let totals = table(&doc, "Leads, won rate and concentration per period");
    assert_eq!(totals.len(), 2);
    for ((id, cells), d) in totals.iter().zip(&ds) {
        assert!(id.starts_with("2025-h"));
        let t = &d["totals"];
        let won = t["won"].as_u64().unwrap();
        let closed = won + t["lost"].as_u64().unwrap();
        let won_rate = if closed == 0 {
            "—".to_string()
        } else {
            pct(&Value::from(
                ((won * 20_000 + closed) / (2 * closed)) as f64 / 10_000.0,
            ))
        };
        assert_eq!(
            cells[1..],
            [
                count(&t["leads"]),
                count(&t["assigned"]),
                won_rate,
                format!("{:.4}", d["concentration"]["gini"].as_f64().unwrap()),
                pct(&d["concentration"]["top5_share"]),
            ]
        );
    }
    // Leads per region: count and share per period, and the change of the share.
    let regions = table(&doc, "Leads per region and share of all leads");
    let labels: Vec<&str> = regions.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["Europe", "North America", "Latin America", "Unspecified"]
    );
    for ((_, cells), id) in
        regions
            .iter()
            .zip(["europe", "north-america", "latin-america", "unspecified"])
    {
        let mut want = Vec::new();
        for d in &ds {
            want.push(count(&d["by_region"][id]["leads"]));
            want.push(pct(&d["region_equity"][id]["leads_share"]));
        }
        let (a, b) = (
            ds[0]["region_equity"][id]["leads_share"].as_f64().unwrap(),
            ds[1]["region_equity"][id]["leads_share"].as_f64().unwrap(),
        );
        let d = ((b - a) * 10_000.0).round() as i64;
        let tenths = (d.abs() + 5) / 10;
        let sign = match (tenths, d.signum()) {
            (0, _) | (_, 0) => "",
            (_, 1) => "+",
            _ => "−",
        };
        want.push(format!("{sign}{}.{} pp", tenths / 10, tenths % 10));
        assert_eq!(cells, &want, "{id}");
    }
    // Concentration and won rate have a chart each, with their title naming the span.
    let titles: Vec<String> = select(&doc, "figure.chart svg title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        titles,
        [
            "Leads per period, 1 Jan – 31 Dec 2025",
            "Won rate per period, 1 Jan – 31 Dec 2025",
            "Gini coefficient per period, 1 Jan – 31 Dec 2025",
            "Top-5 share per period, 1 Jan – 31 Dec 2025",
        ]
    );
}

/// An export of `(date, country, service, how many)` rows, each to alpha-hosting, won.
fn export(rows: &[(&str, &str, &str, usize)]) -> String {
    let mut csv = String::from(HEADER);
    let mut id = 0;
    for &(date, country, service, n) in rows {
        for _ in 0..n {
            id += 1;
            csv.push_str(&format!(
                "L{id},{date},{country},,alpha-hosting,won,{service},lt-5k\n"
            ));
        }
    }
    csv
}

#[test]
fn withheld_cells_stay_withheld_in_the_comparison() {
    let site = archive(&periods(&[H1, H2]));
    site.write(
        "leads/export.csv",
        export(&[
            ("2025-02-01", "DE", "hosting", 20),
            ("2025-02-01", "DE", "consulting", 2),
            ("2025-02-01", "DE", "", 9),
            ("2025-08-01", "DE", "hosting", 25),
            ("2025-08-01", "DE", "consulting", 8),
            ("2025-08-01", "DE", "", 3),
        ]),
    );
    site.build(&[]).expect_success();
    let ds = [
        json(&site, "transparency/2025-h1/leads.json"),
        json(&site, "transparency/2025-h2/leads.json"),
    ];
    let doc = site.html("transparency/trends/");
    let rows = table(&doc, "Leads per service, per period");
    let keys = ["consulting", "hosting", "unspecified"];
    assert_eq!(
        rows.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["consulting", "hosting", "Not specified"]
    );
    let mut withheld = 0;
    let mut changes = 0;
    for ((label, cells), key) in rows.iter().zip(keys) {
        let v: Vec<Option<u64>> = ds
            .iter()
            .map(|d| d["by_category"]["service"][key].as_u64())
            .collect();
        let shown: Vec<String> = v
            .iter()
            .map(|c| c.map_or("< 5".to_string(), |n| n.to_string()))
            .collect();
        let change = match (v[0], v[1]) {
            (Some(a), Some(b)) if b >= a => format!("+{}", b - a).replace("+0", "0"),
            (Some(a), Some(b)) => format!("−{}", a - b),
            _ => "withheld".to_string(),
        };
        withheld += v.iter().filter(|c| c.is_none()).count();
        changes += usize::from(v.iter().all(Option::is_some));
        assert_eq!(
            cells,
            &[shown[0].clone(), shown[1].clone(), change],
            "{label}"
        );
    }
    assert!(
        withheld >= 2,
        "the fixture withholds consulting in H1 and its complement"
    );
    assert!(changes >= 1, "some value is published in both periods");
    // The withheld cells carry the class the style sheet marks.
    assert_eq!(
        select(&doc, "td.withheld").len(),
        withheld,
        "one td.withheld per withheld cell"
    );
    // Nowhere on the page is a withheld count written out.
    let page = site.output_text("transparency/trends/");
    assert!(!page.contains(">2<"), "consulting's 2 leads of H1 appear");
}

#[test]
fn a_digest_of_an_older_format_is_a_period() {
    let site = archive(&periods(&[
        ("2025", "leads/2025.json", None, None),
        (
            "2026-h1",
            "leads/2026.csv",
            Some("2026-01-01"),
            Some("2026-06-30"),
        ),
    ]));
    site.write(
        "leads/2025.json",
        include_str!("../fixtures/digests/v0-88383ec.json"),
    );
    site.write(
        "leads/2026.csv",
        export(&[
            ("2026-03-01", "DE", "hosting", 12),
            ("2026-04-01", "FR", "consulting", 7),
        ]),
    );
    site.build(&[]).expect_success();
    let old = json(&site, "transparency/2025/leads.json");
    assert_eq!(old["version"], 3, "published in the current format");
    assert_eq!(old["period"]["from"], "2025-01-01");
    assert!(old["audit"].get("before_joined").is_none());
    let page = site.output_text("transparency/2025/");
    assert!(page.contains("not counted in this digest"));
    assert_eq!(
        json(&site, "transparency/leads.json")["totals"]["leads"],
        19
    );
}

#[test]
fn one_source_builds_as_before_and_as_a_one_period_archive() {
    let single = SiteTest::from_fixture("leads/site");
    single.build(&[]).expect_success();
    assert!(!single.public().join("transparency/trends").exists());
    assert!(select(&single.html("transparency/"), "nav.period-switch").is_empty());
    let one = archive(&periods(&[(
        "2025",
        "leads/export.csv",
        Some("2025-01-01"),
        Some("2025-12-31"),
    )]));
    one.build(&[]).expect_success();
    assert_eq!(
        single.output_text("transparency/leads.json"),
        one.output_text("transparency/2025/leads.json")
    );
    assert_eq!(
        single.output_text("transparency/by-partner.csv"),
        one.output_text("transparency/by-partner.csv")
    );
}

#[test]
fn leads_digest_names_an_unknown_period() {
    let site = archive(&periods(&[H1, H2]));
    site.run(&["leads", "digest", "--period", "2025-h3"])
        .expect_failure(2)
        .expect_stderr(
            "error: --period `2025-h3`: no [[leads.period]] has this id\n  = help: did you mean `2025-h1`? (the periods: 2025-h1, 2025-h2)",
        );
    // Without --period: the newest period.
    site.run(&["leads", "digest", "--output", "d.json"])
        .expect_success();
    assert_eq!(
        serde_json::from_str::<Value>(&site.read("d.json")).unwrap()["period"]["from"],
        "2025-07-01"
    );
}

// ---------- site.toml errors ----------

/// The fixture with `leads_keys` in place of `[leads] source`, `from` and `to`, and
/// `tail` appended (line 59 is the first line of `tail`).
fn with_config(leads_keys: &str, tail: &str) -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.edit("site.toml", |t| {
        let t = t.replacen(
            "source = \"leads/export.csv\"\nfrom = 2025-01-01\nto = 2025-12-31\n",
            leads_keys,
            1,
        );
        format!("{t}\n{tail}")
    });
    site
}

#[test]
fn every_period_error_is_reported_in_one_run() {
    let site = with_config(
        "",
        "[[leads.period]]\nid = \"2025 H1\"\nsource = \"leads/export.csv\"\nfrom = 2025-06-30\nto = 2025-01-01\n\n\
         [[leads.period]]\nid = \"trends\"\nsource = \"content/x.csv\"\nfrom = 2025-03-01\nto = 2025-07-31\n\n\
         [[leads.period]]\nid = \"trends\"\nsource = \"leads/export.csv\"\nfrom = 2025-07-01\n",
    );
    site.build(&[]).expect_errors(
        "site.toml:60:6: error: [[leads.period]] id `2025 H1` is not a slug
  = help: the id is the page's URL segment (/transparency/<id>/): lower-case letters, digits and single hyphens, e.g. `2025-h1`
site.toml:62:8: error: [[leads.period]] `2025 H1`: `from` (2025-06-30) is after `to` (2025-01-01)
  = help: swap the two dates
site.toml:66:6: error: [[leads.period]] id `trends` is reserved
  = help: /transparency/trends/ is the page comparing the periods: name the period by its dates, e.g. `2026-h1`
site.toml:67:10: error: [[leads.period]] `trends`: source `content/x.csv` is inside `content/`, which partnersite reads or publishes
  = help: keep the private export out of content/, static/, templates/ and themes/ (e.g. in leads/, or outside the repository)
site.toml:67:10: error: [leads] source: `content/x.csv` not found
  = help: give a .csv file, a folder of .csv files or a .json digest, relative to the site folder
site.toml:72:6: error: [[leads.period]] id `trends` is reserved
  = help: /transparency/trends/ is the page comparing the periods: name the period by its dates, e.g. `2026-h1`
site.toml:72:6: error: [[leads.period]] id `trends` is used twice
  = help: the first is on line 66; each period needs its own id
site.toml:74:8: error: [[leads.period]] `trends` starts on 2025-07-01, not after the end of `trends` (2025-07-31)
  = help: list the periods oldest first, each starting after the previous one ends: overlapping periods would let a reader subtract one report from the other and recover withheld counts",
    );
    assert!(!site.public().exists(), "a failed build wrote output");
}

#[test]
fn source_and_periods_together_are_refused() {
    with_config("source = \"leads/export.csv\"\n", &periods(&[H1]))
        .build(&[])
        .expect_errors(
            "site.toml:43:10: error: [leads] has both `source` and [[leads.period]]
  = help: move `source` (with `from` and `to`) into the newest [[leads.period]], or remove the periods",
        );
}

#[test]
fn leads_from_and_to_with_periods_are_refused() {
    with_config("from = 2025-01-01\n", &periods(&[H1]))
        .build(&[])
        .expect_errors(
            "site.toml:42:1: error: [leads] `from` and `to` do not apply to [[leads.period]]
  = help: give each [[leads.period]] its own `from` and `to`",
        );
}

#[test]
fn no_source_at_all_is_an_error() {
    with_config("", "").build(&[]).expect_errors(
        "site.toml:42:1: error: [leads] has no `source`
  = help: add source = \"leads/\" (a CSV file, a folder of CSVs or a digest), or one [[leads.period]] per report",
    );
}

#[test]
fn a_period_without_source_is_an_error() {
    with_config("", "[[leads.period]]\nid = \"2025\"\nfrom = 2025-01-01\n")
        .build(&[])
        .expect_errors(
            "site.toml:59:1: error: missing required key `source`
  = help: add `source = ...`",
        );
}

#[test]
fn periods_out_of_order_are_refused() {
    with_config("", &periods(&[H2, H1])).build(&[]).expect_errors(
        "site.toml:67:8: error: [[leads.period]] `2025-h1` starts on 2025-01-01, not after the end of `2025-h2` (2025-12-31)
  = help: list the periods oldest first, each starting after the previous one ends: overlapping periods would let a reader subtract one report from the other and recover withheld counts",
    );
}

/// `2025` (bounds from its data: 1 Feb – 1 Aug) overlaps `2025-h2` (from 1 Jul).
#[test]
fn periods_that_overlap_by_their_data_are_refused() {
    let site = with_config(
        "",
        &periods(&[
            ("2025", "leads/2025.csv", None, None),
            ("2025-h2", "leads/export.csv", Some("2025-07-01"), None),
        ]),
    );
    let rows = [
        ("2025-02-01", "DE", "hosting", 6),
        ("2025-08-01", "DE", "hosting", 6),
    ];
    site.write("leads/2025.csv", export(&rows));
    site.write("leads/export.csv", export(&rows));
    site.build(&[]).expect_errors(
        "site.toml:63:6: error: [[leads.period]] `2025-h2` starts on 2025-07-01, not after the end of `2025` (2025-08-01)
  = help: list the periods oldest first, each starting after the previous one ends: overlapping periods would let a reader subtract one report from the other and recover withheld counts",
    );
}

#[test]
fn a_link_into_an_older_periods_export_is_refused_like_one_into_the_current() {
    let site = archive(&periods(&[
        (
            "2024",
            "leads/2024.csv",
            Some("2024-01-01"),
            Some("2024-12-31"),
        ),
        H1,
    ]));
    site.write(
        "leads/2024.csv",
        export(&[("2024-03-01", "DE", "hosting", 6)]),
    );
    site.symlink(site.path("leads/2024.csv"), "static/leads.csv");
    let run = site.build(&[]);
    run.expect_failure(1)
        .stderr_contains("is a link into the lead export `leads/2024.csv`");
    assert!(!site.public().join("leads.csv").exists());
}

#[test]
fn problems_in_several_periods_come_out_in_one_run() {
    let site = archive(&periods(&[
        (
            "2024",
            "leads/2024.csv",
            Some("2024-01-01"),
            Some("2024-12-31"),
        ),
        (
            "2025",
            "leads/2025.csv",
            Some("2025-01-01"),
            Some("2025-12-31"),
        ),
    ]));
    let bad = |date: &str| export(&[(date, "DE", "hosting", 6)]).replacen(",won,", ",wom,", 1);
    site.write("leads/2024.csv", bad("2024-03-01"));
    site.write("leads/2025.csv", bad("2025-03-01"));
    site.build(&[])
        .expect_failure(1)
        .stderr_contains("leads/2024.csv:2: error: unknown status `wom` (column `status`)")
        .stderr_contains("leads/2025.csv:2: error: unknown status `wom` (column `status`)")
        .stderr_contains("2 errors found");
}

/// The trends page's "Allocation methods" rows are each period's `allocation.methods`
/// totals as its own leads.json publishes them; a period whose digest has no allocation
/// section shows "—" and the page says why.
#[test]
fn trends_compare_allocation_methods_per_period() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let doc = Html::parse_document(&site.output_text("transparency/trends/"));
    let old = site.json("transparency/2024-h2/leads.json");
    assert!(old.get("allocation").is_none_or(Value::is_null), "{old}");
    let new = site.json("transparency/2025-26/leads.json");
    let methods = new["allocation"]["methods"].as_object().unwrap();
    let rows = select(&doc, "#allocation-methods-cap ~ tbody tr");
    assert_eq!(rows.len(), methods.len());
    for (row, (_, n)) in rows.iter().zip(methods) {
        let cells: Vec<String> = select_in(*row, "td").into_iter().map(text).collect();
        let n = n.as_u64().unwrap();
        let shown = n.to_string();
        let grouped = if n >= 1000 {
            format!("{},{:03}", n / 1000, n % 1000)
        } else {
            shown
        };
        assert_eq!(cells, ["—".to_string(), grouped]);
    }
    assert!(
        site.output_text("transparency/trends/")
            .contains("that period’s digest has no allocation section")
    );
}
