//! `partnersite build` on the `site-basic` fixture: the directory, value pages, profiles,
//! drafts, anonymity, base_url, escaping, partners.json, badges, feeds, links,
//! determinism, atomic failure and the CLI's exit codes.

use crate::common;

use common::{
    BASE_URL, SiteTest, assert_snapshot, assert_well_formed_xml, attr, card_slugs, check_links,
    html_file, one, one_in, run_in, select, text, tree,
};
use std::collections::BTreeSet;

/// Listed partners in directory order: name without case and accents, ties by slug
/// ("Ñandú"/nandu before "Nandu"/nandu-sur although "N" < "Ñ" byte-wise).
const PARTNERS: &[(&str, &str)] = &[
    ("cedar-and-quill", "Cedar & Quill"),
    ("edunext-like", "eduNEXT-like"),
    ("nandu", "Ñandú"),
    ("nandu-sur", "Nandu"),
    ("oconnell-learning", "O'Connell Learning"),
    ("ostersjo-larande", "Östersjö Lärande"),
];

const DRAFT: (&str, &str) = ("zephyr-draft", "Zephyr Draft");

const CEDAR: &str = "cedar-and-quill";
const EDUNEXT: &str = "edunext-like";
const NANDU: &str = "nandu";
const NANDU_SUR: &str = "nandu-sur";
const OCONNELL: &str = "oconnell-learning";
const OSTERSJO: &str = "ostersjo-larande";

/// Every value page of the fixture (without drafts): path, heading, partners in order.
const VALUE_PAGES: &[(&str, &str, &[&str])] = &[
    ("company-size/1-10/", "1-10 employees", &[OCONNELL]),
    ("company-size/11-50/", "11-50 employees", &[CEDAR, EDUNEXT]),
    ("company-size/500-plus/", "500+ employees", &[OSTERSJO]),
    ("countries/ar/", "Argentina", &[NANDU]),
    ("countries/br/", "Brazil", &[NANDU_SUR]),
    ("countries/es/", "Spain", &[EDUNEXT]),
    ("countries/ie/", "Ireland", &[OCONNELL]),
    ("countries/se/", "Sweden", &[OSTERSJO]),
    ("countries/us/", "United States", &[CEDAR]),
    (
        "languages/en/",
        "English",
        &[CEDAR, EDUNEXT, OCONNELL, OSTERSJO],
    ),
    ("languages/es/", "Spanish", &[EDUNEXT, NANDU]),
    ("languages/fr/", "French", &[CEDAR]),
    ("languages/ga/", "Irish", &[OCONNELL]),
    ("languages/pt/", "Portuguese", &[NANDU, NANDU_SUR]),
    ("languages/sv/", "Swedish", &[OSTERSJO]),
    (
        "market-size/large/",
        "Large organisations",
        &[CEDAR, EDUNEXT, OSTERSJO],
    ),
    ("market-size/small/", "Small organisations", &[OCONNELL]),
    (
        "pricing/fixed-price/",
        "Fixed price",
        &[EDUNEXT, NANDU_SUR, OCONNELL],
    ),
    ("pricing/subscription/", "Subscription", &[CEDAR, OSTERSJO]),
    (
        "regions/europe/",
        "Europe",
        &[CEDAR, EDUNEXT, OCONNELL, OSTERSJO],
    ),
    (
        "regions/latin-america/",
        "Latin America",
        &[EDUNEXT, NANDU, NANDU_SUR],
    ),
    ("regions/north-america/", "North America", &[CEDAR]),
    ("services/consulting/", "Consulting", &[CEDAR, NANDU]),
    (
        "services/course-development/",
        "Course development",
        &[OCONNELL, OSTERSJO],
    ),
    (
        "services/hosting/",
        "Hosting",
        &[CEDAR, EDUNEXT, NANDU_SUR, OSTERSJO],
    ),
    (
        "tiers/partner/",
        "Open edX Partner",
        &[CEDAR, EDUNEXT, NANDU_SUR, OSTERSJO],
    ),
    (
        "tiers/verified-provider/",
        "Verified Provider",
        &[NANDU, OCONNELL],
    ),
];

const FACET_SEGMENTS: &[&str] = &[
    "tiers/",
    "regions/",
    "countries/",
    "services/",
    "pricing/",
    "company-size/",
    "market-size/",
    "languages/",
];

/// Canaries that must never reach the output: anonymous names and unpublished drafts.
const ANONYMOUS_CANARIES: &[&str] = &["SECRET-CLIENT-CANARY", "SECRET-AUTHOR-CANARY"];
const DRAFT_CANARIES: &[&str] = &[
    "DRAFT-CASE-STUDY-CANARY",
    "DRAFT-PAGE-CANARY",
    "DRAFT-POST-CANARY",
    "Zephyr Draft",
];

fn built() -> SiteTest {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    site
}

fn slugs(list: &[(&str, &str)]) -> Vec<String> {
    list.iter().map(|(s, _)| s.to_string()).collect()
}

/// Value pages present in the output.
fn value_pages(files: &[String]) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| FACET_SEGMENTS.iter().any(|s| f.starts_with(s)))
        .map(|f| f.trim_end_matches("index.html").to_string())
        // The facet's own index (`regions/`) is not a value page.
        .filter(|f| !FACET_SEGMENTS.contains(&f.as_str()))
        .collect()
}

/// Files whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn every_listed_partner_has_a_card_and_a_profile() {
    let site = built();
    let home = site.html("");
    assert_eq!(card_slugs(&home), slugs(PARTNERS));
    for (card, (slug, name)) in select(&home, "li.card").into_iter().zip(PARTNERS) {
        assert_eq!(text(one_in(card, ".card-name")), *name);
        let profile_url = format!("/dir/partners/{slug}/");
        one_in(card, &format!("a[href=\"{profile_url}\"]"));
        let logo = one_in(card, "img");
        assert_eq!(attr(logo, "src"), format!("/dir/partners/{slug}/logo.svg"));

        let profile = site.html(&format!("partners/{slug}/"));
        assert_eq!(text(one(&profile, "h1")), *name);
        assert_eq!(
            text(one(&profile, "title")),
            format!("{name} · Test Partner Directory")
        );
    }
    assert_eq!(
        text(one(&home, "#count")),
        format!("{} partners", PARTNERS.len())
    );
}

#[test]
fn cards_are_sorted_by_name_ignoring_case_and_accents_ties_by_slug() {
    let site = built();
    let names: Vec<String> = select(&site.html(""), "li.card .card-name")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        names,
        [
            "Cedar & Quill",
            "eduNEXT-like",
            "Ñandú",
            "Nandu",
            "O'Connell Learning",
            "Östersjö Lärande"
        ]
    );
}

#[test]
fn every_value_page_lists_exactly_the_matching_partners() {
    let site = built();
    let files = site.output_files();
    let expected: BTreeSet<String> = VALUE_PAGES.iter().map(|(p, _, _)| p.to_string()).collect();
    assert_eq!(value_pages(&files), expected, "value pages written");
    for (path, heading, partners) in VALUE_PAGES {
        let doc = site.html(path);
        assert_eq!(text(one(&doc, "h1")), *heading, "{path}");
        assert_eq!(card_slugs(&doc), *partners, "{path}");
    }
    // Without JavaScript the home page reaches every value page.
    let home = site.html("");
    let browse: BTreeSet<String> = select(&home, "section.browse a")
        .into_iter()
        .map(|a| attr(a, "href").trim_start_matches("/dir/").to_string())
        .collect();
    assert_eq!(browse, expected, "home page browse links");
}

#[test]
fn drafts_are_excluded_by_default() {
    let site = built();
    let files = site.output_files();
    assert!(!files.iter().any(|f| f.contains("zephyr")), "{files:#?}");
    assert!(!files.contains(&"countries/de/index.html".to_string()));
    assert!(!files.contains(&"languages/de/index.html".to_string()));
    assert!(!files.iter().any(|f| f.contains("unfinished-study")));
    assert!(!files.iter().any(|f| f.contains("coming-soon")));
    assert!(!files.iter().any(|f| f.contains("secret-plans")));
    for canary in DRAFT_CANARIES {
        assert_eq!(
            files_containing(&site.public(), canary),
            Vec::<String>::new(),
            "{canary}"
        );
    }
}

#[test]
fn drafts_are_included_with_the_drafts_flag() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&["--drafts"]).expect_success();
    let mut expected = slugs(PARTNERS);
    expected.push(DRAFT.0.to_string());
    assert_eq!(card_slugs(&site.html("")), expected);
    assert_eq!(
        text(one(&site.html("partners/zephyr-draft/"), "h1")),
        DRAFT.1
    );
    assert_eq!(card_slugs(&site.html("countries/de/")), ["zephyr-draft"]);
    assert_eq!(card_slugs(&site.html("languages/de/")), ["zephyr-draft"]);
    assert_eq!(
        card_slugs(&site.html("tiers/partner/")),
        [CEDAR, EDUNEXT, NANDU_SUR, OSTERSJO, "zephyr-draft"]
    );
    for page in [
        "case-studies/cedar-and-quill/unfinished-study/",
        "blog/coming-soon/",
        "secret-plans/",
    ] {
        site.html(page);
    }
    site.assert_links_ok(&site.public(), BASE_URL);
}

#[test]
fn anonymous_clients_and_authors_appear_in_no_output_file() {
    let site = SiteTest::from_fixture("site-basic");
    // With drafts too: the more that is published, the more places a name could leak.
    for args in [&[][..], &["--drafts"][..]] {
        site.build(args).expect_success();
        for canary in ANONYMOUS_CANARIES {
            assert_eq!(
                files_containing(&site.public(), canary),
                Vec::<String>::new(),
                "{canary} leaked with {args:?}"
            );
        }
    }
    // The neutral label is shown instead.
    let cs = site.html("case-studies/cedar-and-quill/confidential-rollout/");
    assert!(text(one(&cs, "p.byline")).ends_with("Client: Anonymous client"));
    let profile = site.html("partners/cedar-and-quill/");
    let captions: Vec<String> = select(&profile, "figure.quote figcaption")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        captions,
        [
            "Anonymous client",
            "Jane Doe, Head of Digital Learning, Example University"
        ]
    );
}

#[test]
fn every_internal_url_honours_the_base_url_sub_path() {
    let site = built();
    assert_urls_under(&site.public(), "/dir/", BASE_URL);
    assert_eq!(
        site.output_text("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/dir/sitemap.xml\n"
    );
    let home = site.html("");
    assert_eq!(
        attr(one(&home, "link[rel=canonical]"), "href"),
        "https://example.org/dir/"
    );
}

#[test]
fn the_base_url_flag_overrides_site_toml() {
    let site = SiteTest::from_fixture("site-basic");
    let out = site.root().join("out");
    let out_arg = out.display().to_string();
    site.build(&[
        "--base-url",
        "https://other.example/a/b",
        "--output",
        &out_arg,
    ])
    .expect_success();
    assert_urls_under(&out, "/a/b/", "https://other.example/a/b/");
    site.assert_links_ok(&out, "https://other.example/a/b/");
    assert_eq!(files_containing(&out, "/dir/"), Vec::<String>::new());
    assert_eq!(
        files_containing(&out, "https://example.org"),
        Vec::<String>::new()
    );
    let doc = html_file(&out, "partners/nandu/");
    assert_eq!(
        attr(one(&doc, "link[rel=canonical]"), "href"),
        "https://other.example/a/b/partners/nandu/"
    );

    // A site at the root of its host.
    let root_out = site.root().join("root-out");
    let root_arg = root_out.display().to_string();
    site.build(&[
        "--base-url",
        "https://partners.example.org",
        "--output",
        &root_arg,
    ])
    .expect_success();
    site.assert_links_ok(&root_out, "https://partners.example.org/");
    let home = html_file(&root_out, "");
    assert_eq!(
        attr(one(&home, "a.brand"), "href"),
        "/",
        "brand link of a root site"
    );
}

/// Every root-relative `href`/`src` in every HTML file starts with `base_path`, every
/// absolute URL on our host with `base_url`, and sitemap and feed URLs too.
fn assert_urls_under(out: &std::path::Path, base_path: &str, base_url: &str) {
    let host = &base_url[..base_url.len() - common::url_path(base_url).len() + 1];
    let mut bad = Vec::new();
    for (path, bytes) in tree(out) {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        let mut urls: Vec<String> = Vec::new();
        for el in select(&doc, "[href], [src], [data-index]") {
            for a in ["href", "src", "data-index"] {
                urls.extend(el.value().attr(a).map(str::to_string));
            }
        }
        urls.extend(select(&doc, "loc, id").into_iter().map(text));
        for url in urls {
            let ok = if url.starts_with('/') && !url.starts_with("//") {
                url.starts_with(base_path)
            } else if url.starts_with(host) {
                url.starts_with(base_url)
            } else {
                true
            };
            if !ok {
                bad.push(format!("{path}: {url}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "URLs outside {base_url}:\n{}",
        bad.join("\n")
    );
}

#[test]
fn names_with_special_characters_render_intact_and_escaped() {
    let site = built();
    for (slug, name) in PARTNERS {
        let profile = site.html(&format!("partners/{slug}/"));
        assert_eq!(text(one(&profile, "h1")), *name);
    }
    let raw = site.output_text("partners/cedar-and-quill/");
    assert!(raw.contains("<h1>Cedar &amp; Quill</h1>"), "raw h1 escaped");
    assert!(
        !raw.contains("Cedar & Quill"),
        "unescaped & in the raw HTML"
    );
    let home = site.output_text("");
    assert!(home.contains(">Cedar &amp; Quill<"));
    assert!(home.contains("Östersjö Lärande"), "UTF-8 kept as is");
    // A summary with quotes and & in an attribute (meta description) survives parsing.
    let profile = site.html("partners/cedar-and-quill/");
    assert_eq!(
        attr(one(&profile, "meta[name=description]"), "content"),
        "Course design & hosting for universities, \"done right\"."
    );
}

#[test]
fn partners_json_lists_exactly_the_listed_partners() {
    let site = built();
    let json: serde_json::Value =
        serde_json::from_str(&site.output_text("partners.json")).expect("partners.json parses");
    let partners = json["partners"].as_array().expect("a partners array");
    let got: Vec<(&str, &str)> = partners
        .iter()
        .map(|p| (p["slug"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    assert_eq!(got, PARTNERS);
    let cedar = &partners[0];
    assert_eq!(cedar["url"], "/dir/partners/cedar-and-quill/");
    assert_eq!(cedar["logo"], "/dir/partners/cedar-and-quill/logo.svg");
    assert_eq!(cedar["tier"], "partner");
    assert_eq!(cedar["country"], "us");
    assert_eq!(
        cedar["regions"],
        serde_json::json!(["north-america", "europe"])
    );
    assert_eq!(
        cedar["services"],
        serde_json::json!(["hosting", "consulting"])
    );
    assert_eq!(cedar["languages"], serde_json::json!(["en", "fr"]));
    assert_eq!(cedar["pricing"], "subscription");
    let nandu = &partners[2];
    assert_eq!(nandu["pricing"], serde_json::Value::Null);
    // Vocabulary labels, in display order.
    assert_eq!(
        json["vocabularies"]["regions"],
        serde_json::json!([
            ["europe", "Europe"],
            ["north-america", "North America"],
            ["latin-america", "Latin America"]
        ])
    );
    assert_eq!(
        json["vocabularies"]["tier"],
        serde_json::json!([
            ["partner", "Open edX Partner"],
            ["verified-provider", "Verified Provider"]
        ])
    );
}

#[test]
fn every_partner_has_a_well_formed_badge() {
    let site = built();
    for (slug, name) in PARTNERS {
        let path = format!("partners/{slug}/badge.svg");
        let svg = site.output_text(&path);
        assert_well_formed_xml(&path, &svg);
        let doc = scraper::Html::parse_fragment(&svg);
        let tier = if [NANDU, OCONNELL].contains(slug) {
            "Verified Provider"
        } else {
            "Open edX Partner"
        };
        assert_eq!(text(one(&doc, "svg > title")), format!("{tier}: {name}"));
        let texts: Vec<String> = select(&doc, "text").into_iter().map(text).collect();
        assert_eq!(texts, [tier, *name]);
    }
    let svg = site.output_text("partners/cedar-and-quill/badge.svg");
    assert!(svg.contains(">Cedar &amp; Quill</text>"));
}

#[test]
fn the_profile_shows_badge_embed_snippets_linking_to_the_profile() {
    let site = built();
    let profile = site.html("partners/cedar-and-quill/");
    let permalink = "https://example.org/dir/partners/cedar-and-quill/";
    let badge = format!("{permalink}badge.svg");
    // The HTML snippet, once pasted, is a link to the profile around the badge.
    let snippet = text(one(&profile, "textarea#badge-html"));
    let pasted = scraper::Html::parse_fragment(&snippet);
    assert_eq!(attr(one(&pasted, "a"), "href"), permalink);
    let img = one(&pasted, "a > img");
    assert_eq!(attr(img, "src"), badge);
    assert_eq!(attr(img, "alt"), "Open edX Partner: Cedar & Quill");
    assert_eq!(
        text(one(&profile, "textarea#badge-md")),
        format!("[![Open edX Partner: Cedar & Quill]({badge})]({permalink})")
    );
    // The preview on the profile shows the same badge.
    let preview = one(&profile, "section.badge-embed img");
    assert!(
        ["badge.svg", "/dir/partners/cedar-and-quill/badge.svg"].contains(&attr(preview, "src")),
        "{}",
        preview.html()
    );
}

#[test]
fn feeds_sitemap_and_site_files_are_written() {
    let site = built();
    let files = site.output_files();
    for f in [
        "404.html",
        ".nojekyll",
        "CNAME",
        "robots.txt",
        "sitemap.xml",
        "blog/atom.xml",
        "case-studies/atom.xml",
        "partners.json",
        "style.css",
        "directory.js",
        "partners/cedar-and-quill/logo.svg",
        "partners/cedar-and-quill/clients/example-university.svg",
        "partners/cedar-and-quill/clients/pixel-college.png",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing");
    }
    assert_eq!(site.output_text("CNAME"), "partners.example.org\n");
    assert_eq!(site.output_text(".nojekyll"), "");
    // Logos are copied byte for byte.
    let png = "content/partners/cedar-and-quill/clients/pixel-college.png";
    assert_eq!(
        std::fs::read(
            site.public()
                .join("partners/cedar-and-quill/clients/pixel-college.png")
        )
        .unwrap(),
        std::fs::read(site.path(png)).unwrap()
    );

    for feed in ["blog/atom.xml", "case-studies/atom.xml", "sitemap.xml"] {
        assert_well_formed_xml(feed, &site.output_text(feed));
    }
    let blog = scraper::Html::parse_document(&site.output_text("blog/atom.xml"));
    let titles: Vec<String> = select(&blog, "entry > title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        titles,
        [
            "Accessible video in Open edX",
            "Hej från Östersjön",
            "Welcome to the directory"
        ]
    );
    let cs = scraper::Html::parse_document(&site.output_text("case-studies/atom.xml"));
    let titles: Vec<String> = select(&cs, "entry > title").into_iter().map(text).collect();
    assert_eq!(
        titles,
        ["A confidential rollout", "Campus migration to Open edX"]
    );

    // The sitemap lists every HTML page but the 404, as absolute URLs.
    let sitemap = scraper::Html::parse_document(&site.output_text("sitemap.xml"));
    let locs: BTreeSet<String> = select(&sitemap, "loc").into_iter().map(text).collect();
    let pages: BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with("index.html"))
        .map(|f| format!("{BASE_URL}{}", f.trim_end_matches("index.html")))
        .collect();
    assert_eq!(locs, pages);

    // 404.html works from any depth: root-relative links only.
    let not_found = site.html("404.html");
    assert_eq!(text(one(&not_found, "h1")), "Page not found");

    // No CNAME when site.toml sets none.
    let site = SiteTest::from_fixture("site-basic");
    site.replace("site.toml", "cname = \"partners.example.org\"\n", "");
    site.build(&[]).expect_success();
    assert!(!site.output_files().contains(&"CNAME".to_string()));
}

#[test]
fn content_pages_posts_case_studies_and_listings_are_rendered() {
    let site = built();
    let page = site.html("about-the-program/");
    assert_eq!(text(one(&page, "h1")), "About the program");
    assert_eq!(attr(one(&page, "h2#join"), "id"), "join");
    // Pages join the footer's navigation in weight order (no `menu` key: the footer).
    let nav: Vec<String> = select(&page, "footer nav a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        nav,
        [
            "Testimonials",
            "Clients",
            "About the program",
            "How leads are allocated"
        ]
    );

    let post = site.html("blog/cedar-and-quill/accessible-video/");
    assert_eq!(text(one(&post, "h1")), "Accessible video in Open edX");
    assert!(text(one(&post, "p.byline")).contains("by Cedar & Quill"));
    assert!(
        text(one(&post, "article")).contains("Accessibility"),
        "topic shown"
    );
    let program_post = site.html("blog/welcome/");
    assert_eq!(text(one(&program_post, "h1")), "Welcome to the directory");

    let cs = site.html("case-studies/cedar-and-quill/campus-migration/");
    assert!(text(one(&cs, "p.byline")).ends_with("Client: Example University"));

    let blog = site.html("blog/");
    let items: Vec<String> = select(&blog, "ul.items li h2 a[href^=\"/dir/blog/\"]")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        items,
        [
            "Accessible video in Open edX",
            "Hej från Östersjön",
            "Welcome to the directory"
        ]
    );
    let clients = site.html("clients/");
    let logos: Vec<(&str, String)> = select(&clients, "ul.logos li")
        .into_iter()
        .map(|li| {
            (
                attr(one_in(li, "img"), "src"),
                attr(one_in(li, "img"), "alt").to_string(),
            )
        })
        .collect();
    assert_eq!(logos.len(), 2, "{logos:?}");
    assert_eq!(
        logos[0].0,
        "/dir/partners/cedar-and-quill/clients/example-university.svg"
    );
    assert!(logos[0].1.contains("Example University"), "{logos:?}");
    assert_eq!(
        logos[1].0,
        "/dir/partners/cedar-and-quill/clients/pixel-college.png"
    );
    assert!(logos[1].1.contains("Pixel College"), "{logos:?}");

    let profile = site.html("partners/cedar-and-quill/");
    // The profile links to the partner's case studies and posts and shows its client logos.
    let hrefs: BTreeSet<&str> = select(&profile, "main a[href]")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    for url in [
        "/dir/case-studies/cedar-and-quill/campus-migration/",
        "/dir/case-studies/cedar-and-quill/confidential-rollout/",
        "/dir/blog/cedar-and-quill/accessible-video/",
        "https://cedar-quill.example",
        "mailto:hello@cedar-quill.example",
    ] {
        assert!(
            hrefs.contains(url),
            "profile lacks a link to {url}: {hrefs:#?}"
        );
    }
    let srcs: BTreeSet<&str> = select(&profile, "main img[src]")
        .into_iter()
        .map(|i| attr(i, "src"))
        .collect();
    for src in [
        "/dir/partners/cedar-and-quill/clients/example-university.svg",
        "/dir/partners/cedar-and-quill/clients/pixel-college.png",
    ] {
        assert!(srcs.contains(src), "profile lacks {src}: {srcs:#?}");
    }
}

#[test]
fn the_output_file_list_matches_its_snapshot() {
    // A new or vanished output file shows up here; PARTNERSITE_BLESS=1 accepts the change.
    let site = built();
    assert_snapshot(
        "site-basic-files.txt",
        &(site.output_files().join("\n") + "\n"),
    );
}

#[test]
fn the_link_checker_passes_on_the_whole_output() {
    let site = built();
    site.assert_links_ok(&site.public(), BASE_URL);
}

#[test]
fn the_link_checker_reports_broken_links_and_anchors() {
    // The checker must be able to fail, or its passing means nothing.
    // The build's own link check would refuse these: make it warn so they reach the output.
    // `/elsewhere/` is raw HTML, as Markdown's root-relative links get the base path.
    let site = SiteTest::from_fixture("site-basic");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("{toml}\n[links]\ninternal = \"warn\"\n"),
    );
    site.write(
        "content/pages/broken.md",
        "+++\ntitle = \"Broken\"\n+++\n[a](../nowhere/) [b](../about-the-program/#nope)\n\n\
         <a href=\"/elsewhere/\">c</a> [d](#missing) [e](https://example.org/dir/gone.html)\n",
    );
    site.build(&[]).expect_success();
    let errors = site.check_links();
    let raw = site.output_text("broken/");
    // Each error points at its URL in the raw file; strip the position to compare the rest.
    let mut messages = Vec::new();
    for e in &errors {
        let (place, message) = e.split_once(": ").unwrap();
        let mut parts = place.rsplitn(3, ':');
        let col: usize = parts.next().unwrap().parse().unwrap();
        let line: usize = parts.next().unwrap().parse().unwrap();
        assert_eq!(parts.next(), Some("public/broken/index.html"));
        let at_line = raw.lines().nth(line - 1).unwrap();
        let at: String = at_line.chars().skip(col - 1).collect();
        let url = message.split('`').nth(1).unwrap();
        assert!(at.starts_with(url), "{e} points at {at:?}");
        messages.push(message.to_string());
    }
    assert_eq!(
        messages,
        [
            "`../nowhere/`: no file nowhere/index.html in the output",
            "`../about-the-program/#nope`: no element with id `nope` in about-the-program/index.html",
            "`/elsewhere/` is outside the base path /dir/ (it breaks under a sub-path)",
            "`#missing`: no element with id `missing` in broken/index.html",
            "`https://example.org/dir/gone.html`: no file gone.html in the output",
        ]
    );
    assert_eq!(check_links(&site.public(), BASE_URL), errors);
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    // Two copies in two temp dirs: the output depends neither on the run nor on the path.
    let a = SiteTest::from_fixture("site-basic");
    let b = SiteTest::from_fixture("site-basic");
    a.build(&["--drafts"]).expect_success();
    b.build(&["--drafts"]).expect_success();
    let (ta, tb) = (tree(&a.public()), tree(&b.public()));
    assert_eq!(
        ta.keys().collect::<Vec<_>>(),
        tb.keys().collect::<Vec<_>>(),
        "same file list"
    );
    for (path, bytes) in &ta {
        assert!(tb[path] == *bytes, "{path} differs between two builds");
    }
    // And a rebuild over an existing output gives the same bytes again.
    a.build(&["--drafts"]).expect_success();
    assert!(tree(&a.public()) == ta, "rebuild differs");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = built();
    let before = tree(&site.public());
    let entries = site.root_entries();
    assert_eq!(entries, ["content", "public", "site.toml"]);

    // A content error: stops before rendering.
    site.replace(
        "content/partners/nandu/partner.toml",
        "tier = \"verified-provider\"",
        "tier = \"gold\"",
    );
    site.build(&[])
        .expect_failure(1)
        .stderr_contains("build failed");
    assert!(tree(&site.public()) == before, "output changed");
    assert_eq!(site.root_entries(), entries, "a temporary folder was left");

    // A render-stage error (a page taking a generated URL): the temporary output had been
    // started and must be gone.
    site.replace(
        "content/partners/nandu/partner.toml",
        "tier = \"gold\"",
        "tier = \"verified-provider\"",
    );
    site.write(
        "content/pages/blog.md",
        "+++\ntitle = \"Blog twin\"\n+++\nx\n",
    );
    site.build(&[]).expect_failure(1).stderr_contains("/blog/");
    assert!(tree(&site.public()) == before, "output changed");
    assert_eq!(site.root_entries(), entries, "a temporary folder was left");

    // Fixed: the next build replaces the output and leaves nothing beside it.
    site.remove("content/pages/blog.md");
    site.replace(
        "content/partners/nandu/partner.toml",
        "name = \"Ñandú\"",
        "name = \"Ñandú Renamed\"",
    );
    site.build(&[]).expect_success();
    assert_eq!(
        text(one(&site.html("partners/nandu/"), "h1")),
        "Ñandú Renamed"
    );
    assert_eq!(site.root_entries(), entries);
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let site = SiteTest::from_fixture("site-basic");
    let missing = site.root().join("no-such-folder").display().to_string();
    site.run(&["build", "--root", &missing])
        .expect_failure(2)
        .stderr_contains("no-such-folder");
    site.build(&["--frobnicate"])
        .expect_failure(2)
        .stderr_contains("--frobnicate");
    site.run(&["frobnicate"]).expect_failure(2);
    site.run(&[]).expect_failure(2);
    assert!(!site.public().exists(), "nothing written");
}

#[test]
fn help_and_version() {
    let site = SiteTest::from_fixture("site-basic");
    site.run(&["--help"])
        .expect_success()
        .stdout_contains("build");
    let help = site.run(&["build", "--help"]);
    help.expect_success();
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        help.stdout_contains(flag);
    }
    site.run(&["--version"])
        .expect_success()
        .stdout_contains(&format!("partnersite {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_successful_build_prints_a_short_summary() {
    let site = SiteTest::from_fixture("site-basic");
    let run = site.build(&[]);
    run.expect_success();
    assert_eq!(run.stderr, "");
    let line = run.stdout.trim_end();
    assert!(
        line.starts_with("built ")
            && line.contains(" 6 partners")
            && line.contains("[ROOT]/public"),
        "{line}"
    );
}

#[test]
fn the_example_site_builds_and_every_link_resolves() {
    // The repository's own site.toml + content/ (read only; the output goes to a temp dir).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let public_arg = public.display().to_string();
    run_in(root, &["build", "--root", ".", "--output", &public_arg]).expect_success();
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("site.toml")).unwrap())
            .expect("site.toml parses");
    let base_url = format!(
        "{}/",
        config["base_url"].as_str().unwrap().trim_end_matches('/')
    );
    let errors = check_links(&public, &base_url);
    assert!(
        errors.is_empty(),
        "{} broken links:\n{}",
        errors.len(),
        errors.join("\n")
    );
    let cards = card_slugs(&html_file(&public, ""));
    assert!(
        cards.len() >= 12,
        "the example has at least 12 partners: {cards:?}"
    );
}

#[test]
fn deeply_nested_raw_html_is_shown_as_text_with_a_warning() {
    let site = SiteTest::from_fixture("site-basic");
    let body = "<div>".repeat(600) + "deep" + &"</div>".repeat(600);
    site.write(
        "content/partners/cedar-and-quill/posts/deep.md",
        format!("+++\ntitle = \"Deep\"\ndate = 2026-04-01\n+++\n\n{body}\n"),
    );
    let run = site.build(&[]);
    run.expect_success();
    assert!(
        run.stderr.contains(
            "content/partners/cedar-and-quill/posts/deep.md: warning: raw HTML is nested too deeply"
        ),
        "{}",
        run.stderr
    );
}
