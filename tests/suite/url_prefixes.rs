//! Trimming a URL never gives a 404 (issue 12): every folder above a page has an index
//! page, and the facet and partner-item indexes link to pages that exist.

use crate::common;

use common::{SiteTest, attr, select, text};
use std::collections::BTreeSet;
use std::path::Path;

/// The example site's base path (`base_url` in site.toml).
const BASE: &str = "/partners/";

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    site
}

/// A link of a page to the output file it names (`/partners/x/` -> `x/index.html`; the
/// fixtures' base path is `/dir/`).
fn target(public: &Path, href: &str) -> std::path::PathBuf {
    let rel = [BASE, "/dir/"]
        .iter()
        .find_map(|base| href.strip_prefix(base))
        .unwrap_or_else(|| panic!("{href}: not under {BASE} or /dir/"));
    public.join(common::index_of(rel))
}

/// The links of the index's list, as (text, href), each to a file that exists.
fn listed(site: &SiteTest, page: &str) -> Vec<(String, String)> {
    let doc = site.html(page);
    let links: Vec<(String, String)> = select(&doc, "main ul.items h2 a")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").to_string()))
        .collect();
    for (_, href) in &links {
        assert!(
            target(&site.public(), href).is_file(),
            "{page}: link {href} names no file"
        );
    }
    links
}

#[test]
fn every_folder_above_a_page_has_an_index_page() {
    let site = built_example();
    let pages: BTreeSet<String> = site
        .output_files()
        .into_iter()
        .filter_map(|f| {
            (f == "index.html" || f.ends_with("/index.html"))
                .then(|| f.trim_end_matches("index.html").to_string())
        })
        .collect();
    assert!(pages.contains("regions/europe/"), "{pages:?}");
    let mut missing = Vec::new();
    for page in &pages {
        let mut folder = page.trim_end_matches('/');
        while let Some(i) = folder.rfind('/') {
            folder = &folder[..i];
            if !pages.contains(&format!("{folder}/")) {
                missing.push(format!("{folder}/ (above {page})"));
            }
        }
        if !pages.contains("") {
            missing.push(format!("the root (above {page})"));
        }
    }
    missing.dedup();
    assert!(
        missing.is_empty(),
        "folders without index.html: {missing:#?}"
    );
    for folder in ["regions/", "tiers/", "services/", "partners/", "program/"] {
        assert!(pages.contains(folder), "{folder} has no index page");
    }
}

#[test]
fn a_facet_index_lists_its_values_with_partner_counts() {
    let site = built_example();
    let links = listed(&site, "regions/");
    let europe = links
        .iter()
        .position(|(label, href)| label == "Europe" && href == "/partners/regions/europe/")
        .unwrap_or_else(|| panic!("no Europe link: {links:?}"));
    let value_page = site.html("regions/europe/");
    let count = text(common::one(&value_page, "main .count"));
    let doc = site.html("regions/");
    let metas: Vec<String> = select(&doc, "main ul.items li .meta")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(metas[europe], count, "the index and the value page agree");
    assert_eq!(text(common::one(&doc, "main h1")), "Region served");
}

#[test]
fn a_partner_kind_index_lists_its_items_newest_first_and_links_the_profile() {
    let site = built_example();
    let links = listed(&site, "case-studies/eduvantage/");
    let hrefs: Vec<&str> = links.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "/partners/case-studies/eduvantage/kestrel-ridge-sis-integration/",
            "/partners/case-studies/eduvantage/marlow-clinical-onboarding-mobile/",
            "/partners/case-studies/eduvantage/bellhaven-platform-upgrade/",
        ]
    );
    let doc = site.html("case-studies/eduvantage/");
    let dates: Vec<String> = select(&doc, "main ul.items time")
        .into_iter()
        .map(|t| attr(t, "datetime").to_string())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let profile = select(&doc, "main a")
        .into_iter()
        .find(|a| attr(*a, "href") == "/partners/partners/eduvantage/")
        .expect("a link to the profile");
    assert!(target(&site.public(), attr(profile, "href")).is_file());
    let blog = listed(&site, "blog/eduvantage/");
    assert_eq!(blog.len(), 3, "{blog:?}");
}

#[test]
fn a_page_already_at_a_folder_stays_its_index() {
    // A program post named after a partner with posts sits where that partner's post
    // index would go: the post keeps the URL and the build still succeeds.
    let site = SiteTest::from_fixture("site-basic");
    site.write(
        "content/blog/cedar-and-quill.md",
        "+++\ntitle = \"Cedar news\"\ndate = 2026-01-02\ntopic = \"company-news\"\n+++\nHello.\n",
    );
    site.build(&[]).expect_success();
    let doc = site.html("blog/cedar-and-quill/");
    assert_eq!(text(common::one(&doc, "main h1")), "Cedar news");
    assert!(
        site.public()
            .join("blog/ostersjo-larande/index.html")
            .is_file()
    );
}

#[test]
fn a_paginated_listing_has_an_index_of_its_pages() {
    // 48 items a page: 50 program posts (plus the fixture's) make the blog two pages long.
    let site = SiteTest::from_fixture("site-basic");
    for n in 0..50 {
        site.write(
            &format!("content/blog/note-{n:02}.md"),
            format!("+++\ntitle = \"Note {n}\"\ndate = 2026-02-{:02}\ntopic = \"company-news\"\n+++\nText.\n", n % 28 + 1),
        );
    }
    site.build(&[]).expect_success();
    assert!(site.public().join("blog/page/2/index.html").is_file());
    let hrefs: Vec<String> = listed(&site, "blog/page/")
        .into_iter()
        .map(|(_, href)| href)
        .collect();
    assert_eq!(hrefs, ["/dir/blog/", "/dir/blog/page/2/"]);
}

#[test]
fn every_breadcrumb_of_a_value_page_links_to_a_page_that_exists() {
    let site = built_example();
    for page in ["regions/europe/", "countries/de/", "services/hosting/"] {
        let doc = site.html(page);
        let crumbs: Vec<(String, String)> = select(&doc, "nav.breadcrumbs li a")
            .into_iter()
            .map(|a| (text(a), attr(a, "href").to_string()))
            .collect();
        assert_eq!(crumbs.len(), 3, "{page}: every crumb is a link: {crumbs:?}");
        for (_, href) in &crumbs {
            assert!(
                target(&site.public(), href).is_file(),
                "{page}: breadcrumb {href} names no file"
            );
        }
        let facet = page.split('/').next().unwrap_or_default();
        assert_eq!(crumbs[1].1, format!("{BASE}{facet}/"), "{page}: {crumbs:?}");
    }
    let europe = site.html("regions/europe/");
    assert_eq!(
        text(select(&europe, "nav.breadcrumbs li a")[1]),
        "Region served"
    );
}
