//! Share metadata (issue 12): Open Graph, Twitter card and JSON-LD on every page kind,
//! the share images (1200x630 PNGs, the same bytes on every build, cached outside the
//! output by content hash), and hostile names that must stay inside their attribute,
//! their JSON-LD string and their SVG text.

use crate::common;

use common::{SiteTest, attr, select};
use scraper::Html;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The example site's base_url (site.toml).
const BASE_URL: &str = "https://openedx.github.io/partners/";
const CACHE: &str = ".partnersite-cache/og";

/// One page of each kind the planner makes, with its JSON-LD main type and the partner
/// whose share image it shows (`None`: the site's).
const KINDS: &[(&str, &str, Option<&str>)] = &[
    ("", "WebSite", None),
    ("partners/eduvantage/", "Organization", Some("eduvantage")),
    (
        "case-studies/eduvantage/kestrel-ridge-sis-integration/",
        "Article",
        Some("eduvantage"),
    ),
    (
        "blog/eduvantage/zero-downtime-upgrades/",
        "Article",
        Some("eduvantage"),
    ),
    ("blog/first-transparency-report/", "Article", None),
    ("about/", "WebPage", None),
    ("case-studies/", "CollectionPage", None),
    ("blog/", "CollectionPage", None),
    ("testimonials/", "CollectionPage", None),
    ("clients/", "CollectionPage", None),
    ("regions/europe/", "CollectionPage", None),
    ("regions/", "CollectionPage", None),
    ("partners/", "CollectionPage", None),
    ("case-studies/eduvantage/", "CollectionPage", None),
    ("program/", "CollectionPage", None),
    ("transparency/", "WebPage", None),
    ("program/contributions/", "WebPage", None),
    ("request/", "WebPage", None),
    ("partners/eduvantage/request/", "WebPage", None),
];

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    site
}

/// `content` of the `<meta>` with this `property` (Open Graph) or `name` (Twitter).
fn meta(doc: &Html, key: &str) -> Option<String> {
    let css = format!(r#"meta[property="{key}"], meta[name="{key}"]"#);
    select(doc, &css)
        .first()
        .map(|m| attr(*m, "content").to_string())
}

fn must(doc: &Html, page: &str, key: &str) -> String {
    meta(doc, key).unwrap_or_else(|| panic!("{page}: no {key}"))
}

/// Every JSON-LD document of a page, parsed.
fn json_ld(doc: &Html, page: &str) -> Vec<serde_json::Value> {
    select(doc, r#"script[type="application/ld+json"]"#)
        .into_iter()
        .map(|s| {
            let text: String = s.text().collect();
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{page}: JSON-LD does not parse: {e}\n{text}"))
        })
        .collect()
}

/// The output file an absolute URL of the example site names.
fn file_of(public: &Path, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(BASE_URL)
        .unwrap_or_else(|| panic!("{url} is not under {BASE_URL}"));
    public.join(common::index_of(rel))
}

/// The metadata every HTML page has (the 404 page aside): OG title, description, image
/// (an output file of 1200x630) and URL (absolute, equal to the canonical link), the
/// Twitter card, and JSON-LD documents that parse, each with a `@type`.
fn check_page(site: &SiteTest, page: &str) -> Html {
    let doc = site.html(page);
    assert!(!must(&doc, page, "og:title").is_empty(), "{page}");
    assert_eq!(
        must(&doc, page, "og:description"),
        must(&doc, page, "description"),
        "{page}: og:description is the page's description"
    );
    let url = must(&doc, page, "og:url");
    assert_eq!(url, format!("{BASE_URL}{page}"), "{page}: og:url");
    let canonical = select(&doc, r#"link[rel="canonical"]"#);
    assert_eq!(canonical.len(), 1, "{page}: one canonical link");
    assert_eq!(
        attr(canonical[0], "href"),
        url,
        "{page}: canonical = og:url"
    );
    let image = must(&doc, page, "og:image");
    let png = std::fs::read(file_of(&site.public(), &image))
        .unwrap_or_else(|e| panic!("{page}: og:image {image}: {e}"));
    let size = imagesize::blob_size(&png).unwrap();
    assert_eq!((size.width, size.height), (1200, 630), "{page}: {image}");
    assert_eq!(must(&doc, page, "og:image:width"), "1200");
    assert_eq!(must(&doc, page, "og:image:height"), "630");
    assert!(!must(&doc, page, "og:image:alt").is_empty());
    assert_eq!(
        must(&doc, page, "og:site_name"),
        "Open edX Partner Directory"
    );
    assert_eq!(must(&doc, page, "og:locale"), "en");
    assert_eq!(must(&doc, page, "twitter:card"), "summary_large_image");
    assert!(!must(&doc, page, "twitter:title").is_empty());
    let docs = json_ld(&doc, page);
    assert!(!docs.is_empty(), "{page}: no JSON-LD");
    for d in &docs {
        assert_eq!(d["@context"], "https://schema.org", "{page}");
        assert!(d["@type"].is_string(), "{page}: {d}");
    }
    doc
}

#[test]
fn every_page_kind_has_open_graph_twitter_and_json_ld() {
    let site = built_example();
    for &(page, main_type, partner) in KINDS {
        let doc = check_page(&site, page);
        let docs = json_ld(&doc, page);
        assert_eq!(docs[0]["@type"], main_type, "{page}: {}", docs[0]);
        let crumbs = docs.iter().any(|d| d["@type"] == "BreadcrumbList");
        assert_eq!(
            crumbs,
            !page.is_empty(),
            "{page}: breadcrumbs below the home page"
        );
        let image = must(&doc, page, "og:image");
        let expected = match partner {
            Some(slug) => format!("{BASE_URL}partners/{slug}/og.png"),
            None => format!("{BASE_URL}og.png"),
        };
        assert_eq!(image, expected, "{page}");
        let article = main_type == "Article";
        assert_eq!(must(&doc, page, "og:type") == "article", article, "{page}");
        if article {
            let date = must(&doc, page, "article:published_time");
            assert_eq!(docs[0]["datePublished"], date.as_str(), "{page}");
            assert_eq!(docs[0]["publisher"]["@type"], "Organization");
            assert_eq!(docs[0]["image"], image.as_str());
        }
    }
    // Every other page of the site too (pagination, facet values, tags...).
    for file in site.output_files() {
        if let Some(page) = file.strip_suffix("index.html") {
            check_page(&site, page);
        }
    }
}

#[test]
fn a_profile_describes_its_partner_as_an_organization() {
    let site = built_example();
    let doc = site.html("partners/eduvantage/");
    let org = &json_ld(&doc, "profile")[0];
    assert_eq!(org["name"], "eduVantage");
    assert_eq!(org["url"], "https://eduvantage.example");
    assert_eq!(
        org["sameAs"],
        serde_json::json!(["https://eduvantage.example"])
    );
    assert_eq!(
        org["logo"],
        format!("{BASE_URL}partners/eduvantage/logo.svg")
    );
    assert_eq!(org["address"]["addressCountry"], "US");
    let served = org["areaServed"].as_array().unwrap();
    assert!(served.iter().any(|r| r == "Europe"), "{org}");
    let home = json_ld(&site.html(""), "home");
    assert_eq!(home[0]["url"], BASE_URL);
}

#[test]
fn the_404_page_has_no_canonical_url_and_is_not_indexed() {
    let site = built_example();
    let doc = site.html("404.html");
    assert!(select(&doc, r#"link[rel="canonical"]"#).is_empty());
    assert_eq!(meta(&doc, "robots").as_deref(), Some("noindex"));
    assert_eq!(meta(&doc, "og:url"), None);
    assert_eq!(meta(&doc, "og:title").as_deref(), Some("Page not found"));
    assert_eq!(
        meta(&doc, "og:image").as_deref(),
        Some(format!("{BASE_URL}og.png").as_str())
    );
    assert!(json_ld(&doc, "404").is_empty());
}

/// (path, inode, mtime) of every cached PNG.
fn cache_entries(site: &SiteTest) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(site.path(CACHE))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, (m.ino(), m.modified().unwrap()))
        })
        .collect()
}

/// Every PNG of the output, by path.
fn pngs(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    common::tree(&site.public())
        .into_iter()
        .filter(|(p, _)| p.ends_with("og.png"))
        .collect()
}

#[test]
fn share_images_are_cached_outside_the_output_and_the_same_on_every_build() {
    let site = built_example();
    let first = pngs(&site);
    // The site's card and one per partner (13), each 1200x630.
    assert_eq!(first.len(), 14, "{:?}", first.keys());
    for (path, png) in &first {
        let size = imagesize::blob_size(png).unwrap();
        assert_eq!((size.width, size.height), (1200, 630), "{path}");
    }
    let entries = cache_entries(&site);
    assert_eq!(entries.len(), 14, "one cache entry per card: {entries:?}");
    assert!(entries.keys().all(|n| n.ends_with(".png") && n.len() == 68));
    // The second build reads the cache: no entry is written again.
    site.build(&[]).expect_success();
    assert!(pngs(&site) == first, "rebuilt PNGs differ");
    assert_eq!(cache_entries(&site), entries, "cache entries rewritten");
    // Without the cache the same bytes come out.
    site.remove(".partnersite-cache");
    site.build(&[]).expect_success();
    assert!(pngs(&site) == first, "PNGs rendered again differ");
}

#[test]
fn a_corrupt_or_truncated_cache_entry_is_rendered_again() {
    let site = built_example();
    let first = pngs(&site);
    let names: Vec<String> = cache_entries(&site).into_keys().collect();
    let (cut, flipped, junk) = (&names[0], &names[1], &names[2]);
    let path = |n: &str| site.path(&format!("{CACHE}/{n}"));
    let good_cut = std::fs::read(path(cut)).unwrap();
    std::fs::write(path(cut), &good_cut[..good_cut.len() / 2]).unwrap();
    let mut bytes = std::fs::read(path(flipped)).unwrap();
    let good_flipped = bytes.clone();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(path(flipped), &bytes).unwrap();
    std::fs::write(path(junk), b"not a png").unwrap();
    site.build(&[]).expect_success();
    assert!(
        pngs(&site) == first,
        "a damaged cache entry reached the output"
    );
    assert_eq!(
        std::fs::read(path(cut)).unwrap(),
        good_cut,
        "cut entry replaced"
    );
    assert_eq!(std::fs::read(path(flipped)).unwrap(), good_flipped);
    assert!(
        first
            .values()
            .any(|p| *p == std::fs::read(path(junk)).unwrap())
    );
    let leftovers: Vec<String> = std::fs::read_dir(site.path(CACHE))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".png"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn check_writes_no_share_image_and_the_cache_is_never_an_output() {
    let site = SiteTest::example();
    site.check(&[]).expect_success();
    assert!(
        !site.path(".partnersite-cache").exists(),
        "check wrote the cache"
    );
    site.build(&[]).expect_success();
    for out in [".partnersite-cache", ".partnersite-cache/og"] {
        site.build(&["--output", out]).expect_failure(2);
    }
    assert_eq!(cache_entries(&site).len(), 14, "the cache survived");
}

/// A partner name that tries to leave its attribute, its `<script>` and its SVG text.
const HOSTILE: &str = r#"Evil "Co" </script><script>alert(1)</script> <b>&amp; 'x'"#;

#[test]
fn a_hostile_partner_name_stays_inside_its_attribute_and_its_json_ld() {
    let site = SiteTest::example();
    site.replace(
        "content/partners/eduvantage/partner.toml",
        "name = \"eduVantage\"",
        &format!("name = {}", toml_string(HOSTILE)),
    );
    site.replace(
        "content/partners/eduvantage/case-studies/kestrel-ridge-sis-integration.md",
        "title = \"One enrolment record, three systems\"",
        &format!("title = {}", toml_string(HOSTILE)),
    );
    site.build(&[]).expect_success();
    for (page, key) in [
        ("partners/eduvantage/", "name"),
        (
            "case-studies/eduvantage/kestrel-ridge-sis-integration/",
            "headline",
        ),
    ] {
        let raw = site.output_text(page);
        let head = raw.split("</head>").next().unwrap();
        assert!(!head.contains("<script>alert"), "{page}: markup escaped");
        let doc = Html::parse_document(&raw);
        assert_eq!(must(&doc, page, "og:title"), HOSTILE, "{page}");
        assert_eq!(must(&doc, page, "twitter:title"), HOSTILE, "{page}");
        // Only the page's own scripts: the JSON-LD ones and those with a src.
        for s in select(&doc, "script") {
            let ok = s.value().attr("type") == Some("application/ld+json")
                || s.value().attr("src").is_some();
            assert!(ok, "{page}: injected script {:?}", s.html());
        }
        let docs = json_ld(&doc, page);
        assert_eq!(docs[0][key], HOSTILE, "{page}");
    }
    let png = std::fs::read(site.public().join("partners/eduvantage/og.png")).unwrap();
    let size = imagesize::blob_size(&png).unwrap();
    assert_eq!((size.width, size.height), (1200, 630));
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
