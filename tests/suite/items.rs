//! Profiles, item pages and listings as a visitor sees them (issue 12): human dates in
//! the site's language (the ISO date kept in `datetime`), one heading for the about text,
//! the badge snippets with their copy script, the item sidebar (partner card, contact,
//! other items), logos in the listings and the client logo wall.

use crate::common;

use common::{SiteTest, attr, one, one_in, select, select_in, text};
use scraper::Html;

const EDU: &str = "content/partners/eduvantage";
/// The example site's base path.
const BASE: &str = "/partners/";

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    site
}

/// `2026-03-14` -> `14 March 2026`, written here independently of the filter.
fn english(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (y, rest) = iso.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let month = MONTHS[m.parse::<usize>().unwrap() - 1];
    format!("{} {month} {y}", d.parse::<u32>().unwrap())
}

/// Every `<time>` of a page: (datetime attribute, text).
fn times(doc: &Html) -> Vec<(String, String)> {
    select(doc, "time")
        .into_iter()
        .map(|t| (attr(t, "datetime").to_string(), text(t)))
        .collect()
}

/// The pages of the example that show dates: a profile, a case study, a partner's post, a
/// program post and the two listings.
const DATED: &[&str] = &[
    "partners/eduvantage/",
    "case-studies/eduvantage/kestrel-ridge-sis-integration/",
    "blog/eduvantage/zero-downtime-upgrades/",
    "blog/partner-directory-launch/",
    "case-studies/",
    "blog/",
];

#[test]
fn dates_read_as_words_and_keep_the_iso_date_in_datetime() {
    let site = built_example();
    for page in DATED {
        let doc = site.html(page);
        let found = times(&doc);
        assert!(!found.is_empty(), "{page}: no <time>");
        for (iso, shown) in found {
            assert_eq!(iso.len(), 10, "{page}: datetime {iso:?}");
            assert_eq!(shown, english(&iso), "{page}: <time datetime={iso:?}>");
        }
    }
    let profile = site.html("partners/eduvantage/");
    let since = times(&profile);
    assert!(
        since.contains(&("2017-05-22".into(), "22 May 2017".into())),
        "{since:?}"
    );
    // Machine formats keep ISO dates.
    let feed = site.output_text("case-studies/atom.xml");
    assert!(
        feed.contains("<updated>2026-09-17T00:00:00Z</updated>"),
        "{feed}"
    );
    assert!(!feed.contains("September"));
    let sitemap = site.output_text("sitemap.xml");
    assert!(!sitemap.contains("September") && !sitemap.contains("May"));
}

#[test]
fn dates_follow_the_language_of_site_toml() {
    let site = SiteTest::example();
    site.replace("site.toml", "language = \"en\"", "language = \"de\"");
    site.build(&[]).expect_success();
    let doc = site.html("partners/eduvantage/");
    assert!(
        times(&doc).contains(&("2017-05-22".into(), "22. Mai 2017".into())),
        "{:?}",
        times(&doc)
    );
    let doc = site.html("case-studies/eduvantage/kestrel-ridge-sis-integration/");
    let byline = text(one(&doc, ".byline time"));
    assert_eq!(byline, "17. September 2026");

    site.replace("site.toml", "language = \"de\"", "language = \"es\"");
    site.build(&[]).expect_success();
    let doc = site.html("blog/eduvantage/zero-downtime-upgrades/");
    assert_eq!(text(one(&doc, ".byline time")), "25 de agosto de 2026");

    // A language without a table of its own reads English.
    site.replace("site.toml", "language = \"es\"", "language = \"sv\"");
    site.build(&[]).expect_success();
    let doc = site.html("blog/eduvantage/zero-downtime-upgrades/");
    assert_eq!(text(one(&doc, ".byline time")), "25 August 2026");
}

/// The headings of the profile's about section, in order.
fn about_headings(doc: &Html) -> Vec<String> {
    select(doc, ".profile-about h2")
        .into_iter()
        .map(text)
        .collect()
}

#[test]
fn the_about_section_has_one_heading() {
    let site = SiteTest::example();
    // eduVantage's about.md opens with "## About eduVantage": that heading names the
    // section, no "About" is put before it.
    site.build(&[]).expect_success();
    let doc = site.html("partners/eduvantage/");
    let headings = about_headings(&doc);
    assert_eq!(
        headings.first().map(String::as_str),
        Some("About eduVantage")
    );
    assert!(!headings.iter().any(|h| h == "About"), "{headings:?}");
    let section = one(&doc, ".profile-about");
    let named_by = attr(section, "aria-labelledby");
    assert_eq!(text(one(&doc, &format!("#{named_by}"))), "About eduVantage");
    // An about.md that opens with a paragraph gets a heading naming the partner.
    site.edit(&format!("{EDU}/about.md"), |t| {
        t.replacen("## About eduVantage\n", "", 1)
    });
    site.build(&[]).expect_success();
    let doc = site.html("partners/eduvantage/");
    assert_eq!(about_headings(&doc)[0], "About eduVantage");
    assert_eq!(
        attr(one(&doc, ".profile-about"), "aria-labelledby"),
        "about-h"
    );
    assert_eq!(text(one(&doc, "#about-h")), "About eduVantage");
}

#[test]
fn badge_snippets_get_copy_buttons_from_a_script_of_the_profile_only() {
    let site = built_example();
    let doc = site.html("partners/eduvantage/");
    // The script is the theme's file, deferred, loaded on the profile.
    let scripts: Vec<&str> = select(&doc, "script[src]")
        .into_iter()
        .map(|s| attr(s, "src"))
        .collect();
    assert_eq!(scripts, [format!("{BASE}copy.js")]);
    let js = std::fs::read_to_string(site.public().join("copy.js")).unwrap();
    assert!(js.contains("navigator.clipboard") && js.contains("Copied"));
    // Each snippet says what it is for the button's name; the status region exists
    // before any copy so that screen readers hear "Copied".
    for (id, what) in [
        ("badge-html", "HTML snippet"),
        ("badge-md", "Markdown snippet"),
    ] {
        let field = one(&doc, &format!("textarea#{id}"));
        assert_eq!(attr(field, "data-copy"), what);
        assert!(field.value().attr("readonly").is_some());
        let label = one(&doc, &format!("label[for={id}]"));
        assert!(!text(label).is_empty());
    }
    let status = one(&doc, ".badge-embed [data-copy-status]");
    assert_eq!(attr(status, "role"), "status");
    assert_eq!(text(status), "");
    // Without JavaScript there is no button that does nothing.
    assert!(select(&doc, "button").is_empty());
    // Other pages do not load it.
    for page in [
        "case-studies/eduvantage/kestrel-ridge-sis-integration/",
        "clients/",
    ] {
        let doc = site.html(page);
        assert!(select(&doc, "script[src]").is_empty(), "{page}");
    }
}

#[test]
fn an_item_page_shows_the_partners_card_contact_and_other_items() {
    let site = built_example();
    let doc = site.html("case-studies/eduvantage/kestrel-ridge-sis-integration/");
    let aside = one(&doc, "aside.item-aside");
    // After the article: below it when the columns stack.
    let layout = one(&doc, ".item-layout");
    let children: Vec<&str> = layout
        .children()
        .filter_map(|c| c.value().as_element().map(|e| e.name()))
        .collect();
    assert_eq!(children, ["article", "aside"]);
    let logo = one_in(aside, "li.card img.card-logo");
    assert_eq!(
        attr(logo, "src"),
        format!("{BASE}partners/eduvantage/logo.svg")
    );
    assert_eq!(attr(logo, "alt"), "");
    assert!(logo.value().attr("width").is_some() && logo.value().attr("height").is_some());
    let name = one_in(aside, ".card-name a");
    assert_eq!(text(name), "eduVantage");
    assert_eq!(attr(name, "href"), format!("{BASE}partners/eduvantage/"));
    assert_eq!(text(one_in(aside, ".tier")), "Open edX Partner");
    assert!(text(one_in(aside, ".card-summary")).starts_with("Enterprise Open edX hosting"));
    // The very card the directory lists.
    let home = site.html("");
    let card = one(&home, "li.card[data-slug=eduvantage]");
    assert_eq!(one_in(aside, "li.card").html(), card.html());
    let links: Vec<&str> = select_in(aside, ".aside-actions a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        links,
        [
            "https://eduvantage.example",
            "https://eduvantage.example/contact"
        ]
    );
    // Its other items, newest first, three at most, this one left out.
    let more: Vec<(String, String)> = select_in(aside, ".aside-more li")
        .into_iter()
        .map(|li| {
            (
                text(one_in(li, "a")),
                attr(one_in(li, "time"), "datetime").to_string(),
            )
        })
        .collect();
    assert_eq!(
        more,
        [
            (
                "How we upgrade busy platforms without downtime".into(),
                "2026-08-25".into()
            ),
            (
                "Clinical onboarding in the palm of the hand".into(),
                "2026-06-09".into()
            ),
            (
                "What a screen reader audit of our mobile apps taught us".into(),
                "2026-05-07".into()
            ),
        ]
    );
    let hrefs: Vec<&str> = select_in(aside, ".aside-more a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        hrefs[1],
        format!("{BASE}case-studies/eduvantage/marlow-clinical-onboarding-mobile/")
    );

    // A post's page has the same sidebar; a partner with one other item lists one; a
    // partner without a contact link shows the website alone.
    let doc = site.html("blog/lotus-path-learning/micro-lessons-for-artisans/");
    let aside = one(&doc, "aside.item-aside");
    assert_eq!(select_in(aside, ".aside-more li").len(), 1);
    let doc = site.html("blog/partner-directory-launch/");
    assert!(
        select(&doc, "aside.item-aside").is_empty(),
        "a program post has no partner"
    );

    site.edit(&format!("{EDU}/partner.toml"), |t| {
        t.replacen("contact = \"https://eduvantage.example/contact\"\n", "", 1)
    });
    site.build(&[]).expect_success();
    let doc = site.html("case-studies/eduvantage/kestrel-ridge-sis-integration/");
    assert_eq!(select(&doc, "aside.item-aside .aside-actions a").len(), 1);
}

#[test]
fn listings_show_each_partners_logo() {
    let site = built_example();
    for page in ["case-studies/", "blog/"] {
        let doc = site.html(page);
        let mut with_logo = 0;
        for li in select(&doc, "ul.items-list > li") {
            let partner = select_in(li, ".meta a[href^=\"/partners/partners/\"]");
            let logos = select_in(li, "img.item-logo");
            match partner.first() {
                Some(a) => {
                    assert_eq!(logos.len(), 1, "{page}: {}", li.html());
                    let logo = logos[0];
                    assert_eq!(attr(logo, "src"), format!("{}logo.svg", attr(*a, "href")));
                    // The name is next to it.
                    assert_eq!(attr(logo, "alt"), "");
                    assert_eq!(attr(logo, "width"), "120");
                    assert_eq!(attr(logo, "height"), "40");
                    with_logo += 1;
                }
                None => assert!(logos.is_empty(), "{page}: a program post with a logo"),
            }
        }
        assert!(with_logo > 10, "{page}: {with_logo} logos");
    }
}

#[test]
fn client_logos_are_named_by_alt_and_title_not_repeated_as_text() {
    let site = built_example();
    for (page, css) in [
        ("clients/", "ul.wall > li"),
        ("partners/eduvantage/", ".profile-clients li"),
    ] {
        let doc = site.html(page);
        let items = select(&doc, css);
        assert!(items.len() >= 3, "{page}");
        for li in items {
            let img = one_in(li, "img");
            let name = attr(img, "alt");
            assert!(!name.is_empty(), "{page}: {}", li.html());
            assert_eq!(attr(img, "title"), name);
            assert_eq!((attr(img, "width"), attr(img, "height")), ("180", "90"));
            assert!(
                !text(li).contains(name),
                "{page}: name shown twice: {}",
                li.html()
            );
            assert!(select_in(li, ".logo-name").is_empty());
        }
    }
    let doc = site.html("clients/");
    let names: Vec<&str> = select(&doc, "ul.wall img")
        .into_iter()
        .map(|i| attr(i, "alt"))
        .collect();
    assert!(names.contains(&"Bellhaven State University"), "{names:?}");
    // The partner that brought the client is still named and linked.
    let li = select(&doc, "ul.wall > li")
        .into_iter()
        .find(|li| attr(one_in(*li, "img"), "alt") == "Bellhaven State University")
        .unwrap();
    assert_eq!(
        attr(one_in(li, ".logo-via a"), "href"),
        format!("{BASE}partners/eduvantage/")
    );
}

/// A raw HTTP/1.0 GET of `path` from a `serve` at `addr`: (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// A child process killed (and reaped) when dropped, even by a failing assertion.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_sidebar_card_is_rendered_again_when_serve_rebuilds_only_the_item() {
    use std::time::{Duration, Instant};
    let site = SiteTest::example();
    let (child, rx) = common::spawn_serve(site.root(), &[]);
    let server = Killed(child);
    let started = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_millis(200))
            .unwrap_or_default();
        if let Some(rest) = line.split(" at http://").nth(1) {
            break rest.split(['/', ' ']).next().unwrap().to_string();
        }
        assert!(Instant::now() < started, "serve did not start");
    };
    std::thread::spawn(move || while rx.recv().is_ok() {});
    let path = "/case-studies/eduvantage/kestrel-ridge-sis-integration/";
    let path = match get(&addr, path).0 {
        200 => path.to_string(),
        _ => format!("{}{}", BASE.trim_end_matches('/'), path),
    };
    let card = |body: &str| {
        let doc = Html::parse_document(body);
        select(&doc, "aside.item-aside li.card .card-name a")
            .into_iter()
            .map(text)
            .collect::<Vec<_>>()
    };
    let (status, before) = get(&addr, &path);
    assert_eq!(status, 200, "{before}");
    assert_eq!(card(&before), ["eduVantage"]);
    // An edit of the case study alone renders its page without the directory's cards:
    // the sidebar renders the card itself.
    site.edit(
        &format!("{EDU}/case-studies/kestrel-ridge-sis-integration.md"),
        |t| format!("{t}\nA sentence added while serving.\n"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let (status, body) = get(&addr, &path);
        if status == 200 && body.contains("A sentence added while serving.") {
            break body;
        }
        assert!(Instant::now() < deadline, "the edit never showed");
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(server);
    assert_eq!(card(&after), ["eduVantage"]);
    let doc = Html::parse_document(&after);
    let summary = text(one(&doc, "aside.item-aside .card-summary"));
    assert!(
        summary.starts_with("Enterprise Open edX hosting"),
        "{summary}"
    );
}
