//! The transparency report as a reader meets it (issue 12 "Report"): charts that scale
//! (a viewBox, no fixed size), labels rather than ids, category values in their declared
//! order, thousands separators, countries grouped by region and sorted by name, long
//! tables collapsed, focusable scrolling tables, the audit naming the partners and cells
//! concerned (leads before `joined` included), the period named on the page and on the
//! profile panels, and one percentage rule on both.

use crate::common;

use common::{SiteTest, attr, one, select, select_in, text};
use scraper::Html;

/// The example site, built once per test.
fn example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    site
}

/// The rows (`th[scope=row]` text, value cell text) of the table captioned `caption…`.
fn rows(doc: &Html, caption: &str) -> Vec<(String, String)> {
    let table = select(doc, "table.data")
        .into_iter()
        .find(|t| {
            select_in(*t, "caption")
                .first()
                .is_some_and(|c| text(*c).starts_with(caption))
        })
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    select_in(table, "tbody tr")
        .into_iter()
        .filter_map(|tr| {
            let th = select_in(tr, "th[scope=row]").into_iter().next()?;
            let td = select_in(tr, "td").into_iter().next()?;
            Some((text(th), text(td)))
        })
        .collect()
}

fn labels(rows: &[(String, String)]) -> Vec<&str> {
    rows.iter().map(|(l, _)| l.as_str()).collect()
}

const PERIOD: &str = "1 Jan 2025 – 30 Jun 2026";

#[test]
fn charts_have_a_viewbox_and_no_fixed_size() {
    let site = example();
    let doc = site.html("transparency/");
    let charts = select(&doc, "figure.chart svg");
    assert!(charts.len() >= 6, "{} charts", charts.len());
    for svg in charts {
        let el = svg.value();
        let view_box = el.attr("viewbox").or(el.attr("viewBox"));
        assert!(
            view_box.is_some_and(|v| v.starts_with("0 0 ")),
            "no viewBox"
        );
        assert_eq!(el.attr("width"), None, "a fixed width");
        assert_eq!(el.attr("height"), None, "a fixed height");
    }
    // Each chart sits with its data table, and the style sheet lets it fill its box.
    let css = site.output_text("style.css");
    assert!(css.contains(".report .chart svg {\n  width: 100%;"));
    let page = site.output_text("transparency/");
    assert!(!page.contains("width=\"640\""));
}

#[test]
fn ids_are_shown_by_their_labels() {
    let site = example();
    let doc = site.html("transparency/");
    // A list of values with `labels` in site.toml.
    let budget = rows(&doc, "Leads per budget");
    assert_eq!(
        labels(&budget),
        [
            "Under 10k",
            "10k to 50k",
            "50k to 250k",
            "Over 250k",
            "Other"
        ]
    );
    // Quarters as words, vocabularies by label.
    let quarters = rows(&doc, "Leads per quarter and region");
    assert_eq!(quarters[0].0, "Q1 2025");
    let tiers = rows(&doc, "Leads by partner tier");
    assert_eq!(
        labels(&tiers),
        [
            "Open edX Partner",
            "Verified Provider",
            "Community Contributor"
        ]
    );
    let page = site.output_text("transparency/");
    for id in ["lt-10k</", "gt-250k</", ">2025-Q1<", ">verified-provider<"] {
        assert!(!page.contains(id), "the page shows the id {id}");
    }
    // A `labels` key naming no value is an error.
    let bad = SiteTest::example();
    bad.replace(
        "site.toml",
        "lt-10k = \"Under 10k\"",
        "lt-1k = \"Under 10k\"",
    );
    bad.check(&[])
        .expect_error()
        .stderr_contains("labels: `lt-1k` is not one of the values");
}

#[test]
fn category_values_keep_their_declared_order() {
    let site = SiteTest::example();
    // Declared out of text order: the page follows the declaration.
    site.replace(
        "site.toml",
        "values = [\"lt-10k\", \"10k-50k\", \"50k-250k\", \"gt-250k\"]",
        "values = [\"gt-250k\", \"lt-10k\", \"50k-250k\", \"10k-50k\"]",
    );
    site.build(&[]).expect_success();
    let doc = site.html("transparency/");
    assert_eq!(
        labels(&rows(&doc, "Leads per budget")),
        [
            "Over 250k",
            "Under 10k",
            "50k to 250k",
            "10k to 50k",
            "Other"
        ]
    );
    // A vocabulary's order (small, medium, large, enterprise), not the labels' text order.
    assert_eq!(
        labels(&rows(&doc, "Leads per market segment")),
        [
            "Small organisations",
            "Medium-sized organisations",
            "Large organisations",
            "Enterprises and governments",
            "Other"
        ]
    );
}

#[test]
fn counts_have_thousands_separators() {
    let site = example();
    let doc = site.html("transparency/");
    let stat = |dt: &str| {
        select(&doc, ".stat")
            .into_iter()
            .find(|s| text(one_in_stat(*s, "dt")) == dt)
            .map(|s| text(one_in_stat(s, "dd")))
            .unwrap()
    };
    assert_eq!(stat("Leads"), "3,200");
    assert_eq!(stat("Forwarded to a partner"), "2,960");
    let status = rows(&doc, "Leads per status");
    assert_eq!(status[2], ("Won".into(), "1,093".into()));
    // Every number cell of every table: no run of 4 digits without a separator.
    for td in select(&doc, "td.num") {
        let t = text(td);
        let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
        assert!(digits.len() < 4, "{t:?} has no separator");
    }
    // The site's language decides the separator.
    let de = SiteTest::example();
    de.replace("site.toml", "language = \"en\"", "language = \"de\"");
    de.build(&[]).expect_success();
    let page = de.output_text("transparency/");
    assert!(page.contains("<dd>3.200</dd>"), "German grouping");
    assert!(page.contains("<dd>48,0%</dd>"), "German decimal mark");
}

fn one_in_stat<'a>(el: scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    common::one_in(el, css)
}

#[test]
fn countries_are_grouped_by_region_and_sorted_by_name() {
    let site = example();
    let doc = site.html("transparency/");
    let toml: toml::Value = toml::from_str(&site.read("site.toml")).unwrap();
    let regions = toml["regions"].as_table().unwrap();
    let groups = select(&doc, "#countries-h ~ details");
    let summaries: Vec<String> = groups
        .iter()
        .map(|g| text(common::one_in(*g, "summary")))
        .collect();
    assert_eq!(
        summaries,
        [
            "Europe: 33 countries",
            "North America: 15 countries",
            "Latin America: 23 countries",
            "Africa: 30 countries",
            "Middle East: 16 countries",
            "Asia-Pacific: 24 countries",
            "Not specified: 1 country",
        ]
    );
    let json = site.json("transparency/leads.json");
    let mut seen = 0;
    for (g, (_, region)) in groups.iter().zip(regions) {
        let codes = region["countries"].as_array().unwrap();
        let keys: Vec<&str> = select_in(*g, "tbody th")
            .into_iter()
            .map(|th| th.text().next().unwrap_or_default())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_by_key(|k| deunicode::deunicode(k).to_lowercase());
        assert_eq!(keys, sorted, "not sorted by name");
        // Every country of the group is one of its region's (by name, via the CSV).
        let csv = site.output_text("transparency/by-country.csv");
        for name in &keys {
            let code = csv::Reader::from_reader(csv.as_bytes())
                .records()
                .map(Result::unwrap)
                .find(|r| &r[1] == *name)
                .map(|r| r[0].to_string())
                .unwrap_or_else(|| panic!("{name} not in by-country.csv"));
            let code = code.as_str();
            assert!(
                codes.iter().any(|c| c.as_str() == Some(code)),
                "{name} in the wrong group"
            );
        }
        seen += keys.len();
    }
    let countries = json["by_country"].as_object().unwrap();
    assert_eq!(seen + 1, countries.len(), "every country once");
}

#[test]
fn long_tables_are_collapsed_behind_a_summary() {
    let site = example();
    let doc = site.html("transparency/");
    // The region x partner table has more than 15 rows: collapsed, closed.
    let allocation = one(&doc, "#allocation-h + details");
    assert_eq!(allocation.value().attr("open"), None);
    assert!(text(common::one_in(allocation, "summary")).starts_with("7 regions"));
    assert_eq!(select_in(allocation, "table").len(), 1);
    // Short tables are not.
    for caption in ["regions-cap", "status-cap", "partners-cap"] {
        let table = one(&doc, &format!("#{caption}"));
        let inside = table.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| e.name() == "details")
        });
        assert!(!inside, "{caption} is collapsed");
    }
}

#[test]
fn scrolling_tables_are_focusable_named_regions() {
    let site = example();
    let doc = site.html("transparency/");
    let wraps = select(&doc, ".table-wrap");
    assert!(wraps.len() > 10);
    for w in wraps {
        assert_eq!(attr(w, "tabindex"), "0");
        assert_eq!(attr(w, "role"), "region");
        let id = attr(w, "aria-labelledby");
        let label = one(&doc, &format!("#{id}"));
        assert!(text(label).contains(PERIOD), "{id}: no period in its name");
    }
}

/// `partner slug -> regions served`, from partners.json.
fn served(site: &SiteTest) -> Vec<(String, String, Vec<String>)> {
    let index = site.json("partners.json");
    index["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let regions = p["regions"].as_array().unwrap();
            (
                p["slug"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                regions
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_audit_names_partners_outside_their_regions() {
    let site = example();
    let json = site.json("transparency/leads.json");
    let doc = site.html("transparency/");
    let total = json["audit"]["outside_served_region"].as_u64().unwrap();
    assert_eq!(total, 25);
    let intro = text(one(&doc, "#audit-outside"));
    assert!(intro.starts_with("25 leads went to partners outside the regions they serve"));
    let items: Vec<String> = select(&doc, "ul[aria-labelledby=audit-outside] li")
        .into_iter()
        .map(text)
        .collect();
    // Recompute every named cell from the published region x partner table.
    let mut sum = 0;
    let mut expected = Vec::new();
    for (slug, name, regions) in served(&site) {
        let mut cells = Vec::new();
        for (region, row) in json["region_partner"].as_object().unwrap() {
            let n = row[&slug].as_u64().unwrap_or(0);
            if n > 0 && region != "unspecified" && !regions.contains(region) {
                cells.push((region.clone(), n));
            }
        }
        let n: u64 = cells.iter().map(|c| c.1).sum();
        if n > 0 {
            sum += n;
            expected.push((name, n));
        }
    }
    assert_eq!(sum, total, "the named cells add up to the audit count");
    assert_eq!(items.len(), expected.len());
    for (name, n) in expected {
        assert!(
            items
                .iter()
                .any(|i| i.starts_with(&format!("{name}: {n} ("))),
            "{name} ({n}) not named in {items:?}"
        );
    }
    assert!(items.contains(&"Lotus Path Learning: 5 (North America 4, Latin America 1)".into()));
}

#[test]
fn leads_before_a_partner_joined_are_flagged_and_named() {
    let site = example();
    let json = site.json("transparency/leads.json");
    assert_eq!(json["version"], 3);
    let b = &json["audit"]["before_joined"];
    assert_eq!(b["leads"], 318);
    assert_eq!(b["by_partner"]["atlas-mesa-learning"], 275);
    assert_eq!(b["by_partner"]["lotus-path-learning"], 43);
    assert_eq!(b["by_partner"].as_object().unwrap().len(), 2);
    let doc = site.html("transparency/");
    let items: Vec<String> = select(&doc, "ul[aria-labelledby=audit-joined] li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        items,
        [
            "Atlas Mesa Learning: 275 (joined 10 Nov 2026)",
            "Lotus Path Learning: 43 (joined 18 Apr 2025)"
        ]
    );
    assert!(text(one(&doc, "#audit-cap")).contains(PERIOD));
}

#[test]
fn withheld_before_joined_counts_are_named_without_their_count() {
    let site = SiteTest::from_fixture("leads/site");
    // Alpha Hosting has 16 leads in 2025, some before this date; Epsilon Learning a few.
    for slug in ["alpha-hosting", "epsilon-learning"] {
        site.edit(&format!("content/partners/{slug}/partner.toml"), |t| {
            format!("{t}\njoined = 2025-03-01\n")
        });
    }
    site.build(&[]).expect_success();
    let json = site.json("transparency/leads.json");
    let cells = json["audit"]["before_joined"]["by_partner"]
        .as_object()
        .unwrap()
        .clone();
    assert!(!cells.is_empty(), "{json}");
    let doc = site.html("transparency/");
    let items: Vec<String> = select(&doc, "ul[aria-labelledby=audit-joined] li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(items.len(), cells.len(), "{items:?}");
    for (slug, v) in &cells {
        let name = site.json("partners.json")["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == slug.as_str())
            .map(|p| p["name"].as_str().unwrap().to_string())
            .unwrap();
        let shown = match v.as_u64() {
            Some(n) => n.to_string(),
            None => "< 5".into(),
        };
        let want = format!("{name}: {shown} (joined 1 Mar 2025)");
        assert!(items.contains(&want), "{want} not in {items:?}");
    }
}

#[test]
fn the_profile_panel_names_the_period_and_rounds_like_the_report() {
    let site = example();
    let report = site.html("transparency/");
    let partners = rows(&report, "Leads per partner");
    let json = site.json("transparency/leads.json");
    let mut checked = 0;
    for (slug, name, _) in served(&site) {
        let profile = site.html(&format!("partners/{slug}/"));
        let panel = text(one(&profile, "section[aria-labelledby=leads-h]"));
        assert!(!panel.contains("this period"), "{panel}");
        assert!(
            panel.contains(&format!("Leads received {PERIOD}: ")),
            "{panel}"
        );
        // The report's won rate of this partner (11 columns: won rate is the 10th).
        let row = select(&report, "table.data tbody tr")
            .into_iter()
            .find(|tr| {
                select_in(*tr, "th[scope=row]")
                    .first()
                    .is_some_and(|th| text(*th) == name)
                    && select_in(*tr, "td").len() == 10
            })
            .unwrap_or_else(|| panic!("{name} not in the partner table"));
        let cells: Vec<String> = select_in(row, "td").into_iter().map(text).collect();
        let (leads, won_rate) = (&cells[3], &cells[8]);
        assert!(
            panel.contains(&format!(": {leads}, won rate {won_rate}.")),
            "{slug}: report says {leads} / {won_rate}, panel: {panel}"
        );
        assert!(json["by_partner"][&slug]["won_rate"].is_number());
        checked += 1;
    }
    assert_eq!(checked, partners.len());
    // A rate where whole-percent and one-decimal rounding differ: 42.3% (was "42%").
    let atlas = text(one(
        &site.html("partners/atlas-mesa-learning/"),
        "section[aria-labelledby=leads-h]",
    ));
    assert!(atlas.contains("won rate 42.3%."), "{atlas}");
}

#[test]
fn the_method_note_states_the_rules_and_the_period() {
    let site = example();
    let doc = site.html("transparency/");
    let note = text(one(&doc, ".report-method"));
    assert!(note.contains(&format!("Every number on this page covers {PERIOD}")));
    assert!(note.contains("rounded half-up to one decimal"));
    assert!(note.contains("The partner profiles use the same rule"));
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    assert!(readme.contains("rounded half-up to one decimal"), "README");
    // Every chart's accessible name names the period.
    for svg in select(&doc, "figure.chart svg") {
        assert!(attr(svg, "aria-label").ends_with(PERIOD));
    }
}
