//! Navigation (issue 12): tag and topic pages with their feeds and indexes, the `menu`
//! front-matter key of program pages, and `serve` re-rendering a tag page when a case
//! study it lists is edited.

use crate::common;

use common::{SiteTest, attr, one, select, text};
use partnersite::content::{self, Patched};
use partnersite::output::MemorySink;
use partnersite::pipeline::{self, BuildOptions, Outcome};
use partnersite::render::{Dirty, RenderOptions};
use std::path::Path;

const CEDAR_CS: &str = "content/partners/cedar-and-quill/case-studies";

/// A published case study of Cedar & Quill.
fn case_study(slug: &str, date: &str, tags: &[&str]) -> (String, String) {
    // Rust's debug form of a printable string is a valid TOML basic string.
    let tags: Vec<String> = tags.iter().map(|t| format!("{t:?}")).collect();
    (
        format!("{CEDAR_CS}/{slug}.md"),
        format!(
            "+++\ntitle = \"Study {slug}\"\ndate = {date}\ntags = [{}]\n+++\nBody of {slug}.\n",
            tags.join(", ")
        ),
    )
}

fn write_study(site: &SiteTest, slug: &str, date: &str, tags: &[&str]) {
    let (path, text) = case_study(slug, date, tags);
    site.write(&path, text);
}

/// The (text, href) of the items of a listing page.
fn items(doc: &scraper::Html) -> Vec<(String, String)> {
    select(doc, "main ul.items > li > h2 a")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").to_string()))
        .collect()
}

#[test]
fn tags_that_fold_to_one_slug_are_one_page_shown_with_the_first_spelling() {
    let site = SiteTest::from_fixture("site-basic");
    write_study(&site, "one", "2026-02-01", &["open edX"]);
    write_study(&site, "two", "2026-03-01", &["Open edX", "open-edx"]);
    write_study(&site, "three", "2026-01-20", &["Öpen EDX!"]);
    site.build(&[]).expect_success();
    let tag_dirs: Vec<String> = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("case-studies/tags/") && f.ends_with("/index.html"))
        .collect();
    assert_eq!(
        tag_dirs,
        [
            "case-studies/tags/index.html",
            "case-studies/tags/migration/index.html",
            "case-studies/tags/open-edx/index.html",
        ]
    );
    let page = site.html("case-studies/tags/open-edx/");
    // "Open edX" sorts before "open edX", "open-edx" and "Öpen EDX!".
    assert_eq!(text(one(&page, "h1")), "Case studies tagged “Open edX”");
    let listed: Vec<String> = items(&page).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        listed,
        ["Study two", "Study one", "Study three"],
        "newest first, once each"
    );
    // The pills on the case study link to the page, each in its own spelling.
    let item = site.html("case-studies/cedar-and-quill/two/");
    let pills: Vec<(String, String)> = select(&item, ".tag-list a.tag")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").to_string()))
        .collect();
    let url = "/dir/case-studies/tags/open-edx/";
    assert_eq!(
        pills,
        [
            ("Open edX".into(), url.into()),
            ("open-edx".into(), url.into())
        ]
    );
    // The index lists it once, with its count, beside the fixture's own tag.
    let index = site.html("case-studies/tags/");
    assert_eq!(
        items(&index),
        [
            (
                "migration".into(),
                "/dir/case-studies/tags/migration/".into()
            ),
            ("Open edX".into(), url.into()),
        ]
    );
    let counts: Vec<String> = select(&index, "main ul.items .meta")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(counts, ["1 case study", "3 case studies"]);
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

#[test]
fn hostile_tags_stay_inside_their_folder_and_are_escaped() {
    let site = SiteTest::from_fixture("site-basic");
    let long = "very long tag ".repeat(40);
    write_study(
        &site,
        "hostile",
        "2026-02-01",
        &[
            "<script>alert(1)</script>",
            "../../../etc/passwd",
            &long,
            "\u{1F680}",
            "!!!",
            "   ",
            "a&b \"quoted\"",
        ],
    );
    site.build(&[]).expect_success();
    let tags: Vec<String> = site
        .output_files()
        .into_iter()
        .filter_map(|f| {
            let rest = f.strip_prefix("case-studies/tags/")?;
            rest.split_once('/').map(|(dir, _)| dir.to_string())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for t in &tags {
        assert!(
            !t.is_empty()
                && t.len() <= 70
                && t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "unsafe tag folder {t:?}"
        );
    }
    for want in [
        "script-alert-1-script",
        "etc-passwd",
        "rocket",
        "a-b-quoted",
        "migration",
    ] {
        assert!(tags.contains(&want.to_string()), "no {want} in {tags:?}");
    }
    assert!(
        tags.iter()
            .any(|t| t.starts_with("very-long-tag-very-long-tag"))
    );
    // Punctuation alone: a stable hashed folder, not an empty or a shared one.
    assert!(
        tags.iter().any(|t| t.starts_with("tag-") && t.len() == 12),
        "{tags:?}"
    );
    assert_eq!(tags.len(), 7, "{tags:?}");
    let page = site.output_text("case-studies/tags/script-alert-1-script/");
    assert!(!page.contains("<script>alert"), "the tag is not escaped");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;")
    );
    let feed = site.output_text("case-studies/tags/a-b-quoted/atom.xml");
    common::assert_well_formed_xml("tag feed", &feed);
    assert!(feed.contains("a&amp;b"), "{feed}");
    // The blank tag has no pill link; the others do.
    let item = site.html("case-studies/cedar-and-quill/hostile/");
    assert_eq!(select(&item, ".tag-list a.tag").len(), 6);
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

#[test]
fn tag_and_topic_pages_have_feeds_alternate_links_indexes_and_sitemap_entries() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    for (page, feed) in [
        (
            "case-studies/tags/migration/",
            "/dir/case-studies/tags/migration/atom.xml",
        ),
        (
            "blog/topics/accessibility/",
            "/dir/blog/topics/accessibility/atom.xml",
        ),
    ] {
        let doc = site.html(page);
        let alternates: Vec<&str> = select(
            &doc,
            "head link[rel=alternate][type='application/atom+xml']",
        )
        .into_iter()
        .map(|l| attr(l, "href"))
        .collect();
        assert!(alternates.contains(&feed), "{page}: {alternates:?}");
        let xml = site.output_text(feed.strip_prefix("/dir/").unwrap());
        common::assert_well_formed_xml(feed, &xml);
        assert_eq!(xml.matches("<entry>").count(), 1, "{feed}");
        let crumbs: Vec<String> = select(&doc, ".breadcrumbs a")
            .into_iter()
            .map(text)
            .collect();
        assert_eq!(crumbs.len(), 3, "{page}: {crumbs:?}");
    }
    let topic = site.html("blog/topics/accessibility/");
    assert_eq!(
        items(&topic),
        [(
            "Accessible video in Open edX".into(),
            "/dir/blog/cedar-and-quill/accessible-video/".into()
        )]
    );
    // Every topic of [topics] has a page; the index counts their posts.
    let index = site.html("blog/topics/");
    let metas: Vec<String> = select(&index, "main ul.items .meta")
        .into_iter()
        .map(text)
        .collect();
    let labels: Vec<String> = items(&index).into_iter().map(|(t, _)| t).collect();
    assert_eq!(labels, ["Accessibility", "Company news"]);
    assert_eq!(metas, ["1 post", "2 posts"]);
    // Pills link to them: the post's topic, the blog listing's topics.
    let post = site.html("blog/cedar-and-quill/accessible-video/");
    assert_eq!(
        attr(one(&post, ".eyebrow a"), "href"),
        "/dir/blog/topics/accessibility/"
    );
    let blog = site.html("blog/");
    assert!(
        select(&blog, "main .meta a.tag")
            .iter()
            .any(|a| attr(*a, "href") == "/dir/blog/topics/company-news/")
    );
    let browse = select(&blog, ".feed-link a");
    assert_eq!(
        (text(browse[0]), attr(browse[0], "href")),
        ("Browse by topic".to_string(), "/dir/blog/topics/")
    );
    let sitemap = site.output_text("sitemap.xml");
    for url in [
        "case-studies/tags/",
        "case-studies/tags/migration/",
        "blog/topics/",
        "blog/topics/company-news/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{}{url}</loc>", common::BASE_URL)),
            "{url}"
        );
    }
    assert!(!sitemap.contains("atom.xml"));
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

#[test]
fn a_tag_page_paginates_like_the_listings_and_its_pages_folder_has_an_index() {
    let site = SiteTest::from_fixture("site-basic");
    for n in 1..=49 {
        write_study(
            &site,
            &format!("bulk-{n:02}"),
            &format!("2025-{:02}-{:02}", n % 12 + 1, n % 28 + 1),
            &["Bulk"],
        );
    }
    site.build(&[]).expect_success();
    let first = site.html("case-studies/tags/bulk/");
    assert_eq!(items(&first).len(), 48);
    let second = site.html("case-studies/tags/bulk/page/2/");
    assert_eq!(items(&second).len(), 1);
    assert_eq!(
        attr(one(&first, "a[rel=next]"), "href"),
        "/dir/case-studies/tags/bulk/page/2/"
    );
    let pages = site.html("case-studies/tags/bulk/page/");
    assert_eq!(items(&pages).len(), 2);
    let feed = site.output_text("case-studies/tags/bulk/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 49);
}

#[test]
fn the_menu_key_puts_a_page_in_the_header_the_footer_or_neither() {
    let site = SiteTest::from_fixture("site-basic");
    let about = "content/pages/about-the-program.md";
    let allocation = "content/pages/allocation-policy.md";
    site.replace(about, "weight = 1\n", "weight = 1\nmenu = \"header\"\n");
    site.build(&[]).expect_success();
    let nav =
        |sel: &str| -> Vec<String> { select(&site.html(""), sel).into_iter().map(text).collect() };
    assert_eq!(
        nav("header nav a"),
        ["Partners", "Case studies", "Blog", "About the program"]
    );
    // No `menu`: the footer, with the listings that have no feed.
    assert_eq!(
        nav("footer nav a"),
        ["Testimonials", "Clients", "How leads are allocated"]
    );
    let first = site.read(allocation).lines().nth(1).unwrap().to_string();
    site.replace(allocation, &first, &format!("{first}\nmenu = \"none\""));
    site.build(&[]).expect_success();
    assert_eq!(nav("footer nav a"), ["Testimonials", "Clients"]);
    assert!(
        site.output_files()
            .contains(&"allocation-policy/index.html".to_string())
    );

    site.replace(about, "menu = \"header\"", "menu = \"heder\"");
    site.build(&[]).expect_errors(
        "content/pages/about-the-program.md:4:8: error: `menu`: `heder` is not a menu (header, footer or none)
  = help: did you mean `header`?",
    );
}

fn opts(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        preview: true,
        ..Default::default()
    }
}

fn render(
    site: &content::Site,
    o: &BuildOptions,
    only: Option<Dirty>,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    let prepared = match pipeline::finish(site, Default::default(), o) {
        Outcome::Ready(p) => p,
        Outcome::Failed(d, _) => panic!("{:?}", d),
    };
    let sink = MemorySink::default();
    let ro = RenderOptions {
        body_end: None,
        only,
    };
    pipeline::render_site(&prepared, &ro, &sink)
        .unwrap()
        .unwrap();
    sink.into_files()
}

#[test]
fn serve_renders_a_tag_page_again_when_a_case_study_it_lists_changes() {
    let site = SiteTest::from_fixture("site-basic");
    let o = opts(site.root());
    let (mut full, _) = pipeline::load_full(&o).unwrap().unwrap();
    let rel = format!("{CEDAR_CS}/campus-migration.md");
    site.replace(&rel, "title = \"", "title = \"Edited: ");
    let patched = content::reload_file(&mut full, Path::new(&rel)).expect("incremental");
    assert_eq!(patched.unwrap(), Patched::Partner("cedar-and-quill".into()));
    let mut dirty = Dirty::default();
    dirty.partners.insert("cedar-and-quill".into());
    let changed = render(&full, &o, Some(dirty));
    for path in [
        "case-studies/tags/migration/index.html",
        "case-studies/tags/migration/atom.xml",
    ] {
        let bytes = changed
            .get(path)
            .unwrap_or_else(|| panic!("{path} not rendered again"));
        assert!(
            String::from_utf8_lossy(bytes).contains("Edited: "),
            "{path}"
        );
    }
    // Counts only: the tags index is not rendered again by a text edit.
    assert!(!changed.contains_key("case-studies/tags/index.html"));

    // A changed tag moves the item between pages: a full rebuild.
    site.replace(&rel, "tags = [\"migration\"]", "tags = [\"moving\"]");
    assert!(content::reload_file(&mut full, Path::new(&rel)).is_none());
    let post = "content/partners/cedar-and-quill/posts/accessible-video.md";
    site.replace(
        post,
        "topic = \"accessibility\"",
        "topic = \"company-news\"",
    );
    assert!(content::reload_file(&mut full, Path::new(post)).is_none());
}

#[test]
fn only_a_case_studys_first_twenty_tags_get_pages() {
    let site = SiteTest::from_fixture("site-basic");
    let tags: Vec<String> = (1..=25).map(|n| format!("t{n}")).collect();
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    write_study(&site, "many", "2026-02-01", &tags);
    site.build(&[]).expect_success();
    let pages = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("case-studies/tags/t") && f.ends_with("/index.html"))
        .count();
    assert_eq!(pages, 20);
    let item = site.html("case-studies/cedar-and-quill/many/");
    assert_eq!(
        select(&item, ".tag-list .tag").len(),
        25,
        "every tag is shown"
    );
    assert_eq!(select(&item, ".tag-list a.tag").len(), 20);
    let listing = site.html("case-studies/tags/t1/");
    assert_eq!(select(&listing, "main .tag-list a.tag").len(), 20);
}
