//! The spotlight for smaller companies (`[spotlight]`, README "Spotlight"): the home
//! page's and the blog's block, `/spotlight/` and its feed, the weekly rotation driven by
//! "today" (`SOURCE_DATE_EPOCH`, else the newest dated content), the config errors, and
//! nothing at all without the table. The fairness over 52 editions is a unit test of
//! `src/spotlight.rs`.

use crate::common;

use common::{
    Run, SiteTest, assert_well_formed_xml, attr, one, run_command, select, select_in, text, tree,
};
use std::process::Command;

const SITE_TOML: &str = r#"title = "Spotlight Test"
base_url = "https://example.org/dir/"
description = "A site with small and large partners."

[tiers]
partner = "Open edX Partner"

[regions.europe]
label = "Europe"
countries = ["IE"]

[services]
hosting = "Hosting"

[company_size]
1-10 = "1-10 employees"
11-50 = "11-50 employees"
500-plus = "500+ employees"

[topics]
news = "News"

[spotlight]
company_sizes = ["1-10", "11-50"]
count = 2
"#;

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" width="8" height="8"><rect width="8" height="8" fill="#246"/></svg>"##;

/// A partner of `size` (`draft` when asked).
fn partner(site: &SiteTest, slug: &str, name: &str, size: &str, draft: bool) {
    site.write(
        &format!("content/partners/{slug}/partner.toml"),
        format!(
            "name = \"{name}\"\ntier = \"partner\"\nwebsite = \"https://{slug}.example\"\n\
             logo = \"logo.svg\"\nsummary = \"{name} summary.\"\ncountry = \"IE\"\n\
             regions = [\"europe\"]\nservices = [\"hosting\"]\ncompany_size = \"{size}\"\ndraft = {draft}\n"
        ),
    );
    site.write(&format!("content/partners/{slug}/logo.svg"), LOGO);
}

/// A case study or post (`folder` = `case-studies` or `posts`) of a partner.
fn item(site: &SiteTest, slug: &str, folder: &str, name: &str, title: &str, date: &str) {
    let extra = if folder == "posts" {
        "topic = \"news\"\n"
    } else {
        ""
    };
    site.write(
        &format!("content/partners/{slug}/{folder}/{name}.md"),
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\nsummary = \"About {title}.\"\n{extra}+++\nText.\n"
        ),
    );
}

/// Three eligible partners (alpha, bravo, charlie), one whose only item is too old
/// (delta), one too large (echo), a draft partner (foxtrot) and one whose recent item is
/// a draft (golf). The newest dated content is the program post of 2026-11-20 (a
/// Friday of 2026-W47), so without SOURCE_DATE_EPOCH today is that day.
fn site() -> SiteTest {
    let site = SiteTest::empty();
    site.write("site.toml", SITE_TOML);
    partner(&site, "alpha", "Alpha", "1-10", false);
    item(
        &site,
        "alpha",
        "case-studies",
        "a-case",
        "Alpha case",
        "2026-06-01",
    );
    partner(&site, "bravo", "Bravo", "11-50", false);
    item(
        &site,
        "bravo",
        "posts",
        "b-post",
        "Bravo post",
        "2026-05-01",
    );
    partner(&site, "charlie", "Charlie", "1-10", false);
    item(
        &site,
        "charlie",
        "case-studies",
        "c-case",
        "Charlie case",
        "2026-04-01",
    );
    item(
        &site,
        "charlie",
        "posts",
        "c-post",
        "Charlie post",
        "2026-07-01",
    );
    partner(&site, "delta", "Delta", "11-50", false);
    item(
        &site,
        "delta",
        "case-studies",
        "d-case",
        "Delta case",
        "2025-11-19",
    );
    partner(&site, "echo", "Echo", "500-plus", false);
    item(&site, "echo", "posts", "e-post", "Echo post", "2026-10-01");
    partner(&site, "foxtrot", "Foxtrot", "1-10", true);
    item(
        &site,
        "foxtrot",
        "posts",
        "f-post",
        "Foxtrot post",
        "2026-10-01",
    );
    partner(&site, "golf", "Golf", "1-10", false);
    item(&site, "golf", "posts", "g-post", "Golf post", "2024-10-01");
    site.write(
        "content/partners/golf/posts/g-draft.md",
        "+++\ntitle = \"Golf draft\"\ndate = 2026-10-01\ntopic = \"news\"\ndraft = true\n+++\nText.\n",
    );
    site.write(
        "content/blog/program-news.md",
        "+++\ntitle = \"Program news\"\ndate = 2026-11-20\ntopic = \"news\"\n+++\nNews.\n",
    );
    site
}

/// `build` with `SOURCE_DATE_EPOCH` set to `epoch` (`--output <out>` when given).
fn build_at(site: &SiteTest, epoch: &str, out: Option<&str>) -> Run {
    let root = site.root().display().to_string();
    let mut args = vec!["build", "--root", root.as_str()];
    if let Some(out) = out {
        args.extend(["--output", out]);
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnersite"));
    cmd.args(&args)
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", epoch);
    run_command(cmd, site.root(), &args)
}

/// Unix seconds of noon UTC on `y-m-d`.
fn epoch(y: i64, m: i64, d: i64) -> String {
    // Days from civil (Howard Hinnant), as src/date.rs.
    let y = y - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + 43_200).to_string()
}

/// The titles of the spotlight block's items on a page, in order.
fn block_titles(site: &SiteTest, page: &str) -> Vec<String> {
    let doc = site.html(page);
    select(&doc, "section.spotlight .spotlight-title a")
        .into_iter()
        .map(text)
        .collect()
}

/// The titles on /spotlight/, in order.
fn page_titles(site: &SiteTest) -> Vec<String> {
    let doc = site.html("spotlight/");
    select(&doc, ".spotlight-items .spotlight-title a")
        .into_iter()
        .map(text)
        .collect()
}

#[test]
fn the_home_page_and_the_blog_feature_this_weeks_partners() {
    let site = site();
    site.build(&[]).expect_success();
    // 2026-W47 is edition 150 since 2024-W01: 150 × 2 mod 3 = 0, so alpha and bravo
    // (slug order alpha, bravo, charlie), newest item first.
    assert_eq!(block_titles(&site, ""), ["Alpha case", "Bravo post"]);
    assert_eq!(block_titles(&site, "blog/"), ["Alpha case", "Bravo post"]);
    let home = site.html("");
    let item = select(&home, "section.spotlight .spotlight-item")[0];
    assert_eq!(
        text(one_in_item(item, ".spotlight-kind")),
        "Case study · Alpha"
    );
    assert_eq!(
        attr(one_in_item(item, ".spotlight-title a"), "href"),
        "/dir/case-studies/alpha/a-case/"
    );
    assert_eq!(
        text(one_in_item(item, ".meta")),
        "1 June 2026 · 1-10 employees"
    );
    assert_eq!(text(one_in_item(item, ".summary")), "About Alpha case.");
    let links: Vec<(String, &str)> = select(&home, ".spotlight-links a")
        .into_iter()
        .map(|a| (text(a), attr(a, "href")))
        .collect();
    assert_eq!(
        links,
        [
            ("How partners take turns".to_string(), "/dir/spotlight/"),
            ("Atom feed".to_string(), "/dir/spotlight/atom.xml")
        ]
    );
    // On phones the block is a teaser naming the partners (CSS picks which shows).
    assert_eq!(
        text(one(&home, ".spotlight-teaser")),
        "This week: Alpha and Bravo. See their work"
    );
    // Only the blog's first listing page shows it, not other listings or topic pages.
    for page in ["case-studies/", "blog/topics/news/", "spotlight/"] {
        let doc = site.html(page);
        assert!(
            select(&doc, "section.spotlight").is_empty(),
            "{page} shows the block"
        );
    }
}

fn one_in_item<'a>(el: scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    let found = select_in(el, css);
    assert_eq!(found.len(), 1, "{css}: {} found", found.len());
    found[0]
}

#[test]
fn the_spotlight_page_lists_the_edition_and_explains_the_rotation() {
    let site = site();
    site.build(&[]).expect_success();
    let doc = site.html("spotlight/");
    assert_eq!(text(one(&doc, "h1")), "Spotlight on smaller companies");
    assert_eq!(
        text(one(&doc, "#edition-h")),
        "This week: 16 November 2026 to 22 November 2026 (week 2026-W47)"
    );
    assert_eq!(page_titles(&site), ["Alpha case", "Bravo post"]);
    let rotation: Vec<String> = select(&doc, ".spotlight-eligible li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        rotation,
        [
            "Alpha (featured this week)",
            "Bravo (featured this week)",
            "Charlie"
        ]
    );
    let how = text(one(&doc, ".spotlight-how"));
    assert!(how.contains("1-10 employees or 11-50 employees"), "{how}");
    assert!(
        how.contains("365 days up to the site's date (20 November 2026)"),
        "{how}"
    );
    assert!(
        how.contains("features the next 2 partners in the line"),
        "{how}"
    );
    assert!(how.contains("over any 52 weeks in a row"), "{how}");
    // Linked from the footer of every page.
    let home = site.html("");
    let footer: Vec<&str> = select(&home, ".footer-nav a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert!(footer.contains(&"/dir/spotlight/"), "{footer:?}");
    assert!(site.check_links().is_empty(), "{:?}", site.check_links());
}

#[test]
fn the_feed_lists_the_featured_items_and_every_page_links_it() {
    let site = site();
    site.build(&[]).expect_success();
    let xml = site.output_text("spotlight/atom.xml");
    assert_well_formed_xml("spotlight/atom.xml", &xml);
    assert!(xml.contains(
        "<title>Spotlight Test — Spotlight on smaller companies</title>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/dir/spotlight/atom.xml\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/dir/spotlight/\"/>\n\
         <id>https://example.org/dir/spotlight/atom.xml</id>\n\
         <updated>2026-06-01T00:00:00Z</updated>"
    ), "{xml}");
    let entries: Vec<&str> = xml
        .split("<entry>")
        .skip(1)
        .map(|e| e.split("</title>").next().unwrap_or(""))
        .collect();
    assert_eq!(
        entries,
        ["\n<title>Alpha case", "\n<title>Bravo post"],
        "{xml}"
    );
    assert!(xml.contains(
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/dir/blog/bravo/b-post/\"/>\n\
         <id>https://example.org/dir/blog/bravo/b-post/</id>\n\
         <updated>2026-05-01T00:00:00Z</updated>\n\
         <author><name>Bravo</name></author>"
    ), "{xml}");
    for page in ["", "blog/", "spotlight/", "partners/alpha/"] {
        let doc = site.html(page);
        let feeds: Vec<&str> = select(&doc, "link[rel=alternate][type=\"application/atom+xml\"]")
            .into_iter()
            .map(|l| attr(l, "href"))
            .collect();
        assert!(
            feeds.contains(&"/dir/spotlight/atom.xml"),
            "{page}: {feeds:?}"
        );
    }
}

#[test]
fn each_week_features_the_next_partners_across_week_53() {
    let site = site();
    // (day, week, featured titles): edition e features slug positions 2e, 2e + 1 mod 3.
    let weeks = [
        // 2026-W47, edition 150: 0, 1.
        ((2026, 11, 18), "2026-W47", vec!["Alpha case", "Bravo post"]),
        // 2026-W48, edition 151: 2, 0.
        (
            (2026, 11, 23),
            "2026-W48",
            vec!["Charlie post", "Alpha case"],
        ),
        // 2026-W49, edition 152: 1, 2.
        (
            (2026, 12, 6),
            "2026-W49",
            vec!["Charlie post", "Bravo post"],
        ),
        // 2026-W53 (Thursday 31 December), edition 156: 0, 1.
        ((2026, 12, 31), "2026-W53", vec!["Alpha case", "Bravo post"]),
        // Sunday 3 January 2027 is still 2026-W53.
        ((2027, 1, 3), "2026-W53", vec!["Alpha case", "Bravo post"]),
        // 2027-W01, edition 157: 2, 0.
        ((2027, 1, 4), "2027-W01", vec!["Charlie post", "Alpha case"]),
    ];
    for ((y, m, d), week, titles) in weeks {
        build_at(&site, &epoch(y, m, d), None).expect_success();
        let heading = text(one(&site.html("spotlight/"), "#edition-h"));
        assert!(heading.ends_with(&format!("(week {week})")), "{heading}");
        assert_eq!(page_titles(&site), titles, "{y}-{m}-{d}");
        assert_eq!(block_titles(&site, ""), titles, "{y}-{m}-{d}");
    }
}

#[test]
fn only_items_up_to_today_and_at_most_365_days_old_count() {
    let site = site();
    // 2026-05-15 (2026-W20, edition 123: 246 mod 3 = 0): alpha's only item is dated
    // later, so alpha is out; charlie's post too, so its case study is shown; delta's
    // case study of 2025-11-19 is recent then.
    build_at(&site, &epoch(2026, 5, 15), None).expect_success();
    let doc = site.html("spotlight/");
    let rotation: Vec<String> = select(&doc, ".spotlight-eligible li a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(rotation, ["Bravo", "Charlie", "Delta"]);
    assert_eq!(page_titles(&site), ["Bravo post", "Charlie case"]);
    // delta's case study of 2025-11-19 is 366 days before 2026-11-20: too old. One day
    // later it is 365 days old and counts.
    build_at(&site, &epoch(2026, 11, 20), None).expect_success();
    assert_eq!(
        select(&site.html("spotlight/"), ".spotlight-eligible li").len(),
        3
    );
    site.replace(
        "content/partners/delta/case-studies/d-case.md",
        "2025-11-19",
        "2025-11-20",
    );
    build_at(&site, &epoch(2026, 11, 20), None).expect_success();
    let rotation: Vec<String> = select(&site.html("spotlight/"), ".spotlight-eligible li a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(rotation, ["Alpha", "Bravo", "Charlie", "Delta"]);
}

#[test]
fn the_same_sources_and_week_build_the_same_site() {
    let site = site();
    let (a, b) = (site.path("out-a"), site.path("out-b"));
    let (a, b) = (a.display().to_string(), b.display().to_string());
    build_at(&site, &epoch(2026, 12, 2), Some(&a)).expect_success();
    build_at(&site, &epoch(2026, 12, 2), Some(&b)).expect_success();
    assert!(tree(site.path("out-a").as_path()) == tree(site.path("out-b").as_path()));
    // Without SOURCE_DATE_EPOCH, twice from the content.
    let c = site.path("out-c").display().to_string();
    let d = site.path("out-d").display().to_string();
    site.build(&["--output", &c]).expect_success();
    site.build(&["--output", &d]).expect_success();
    assert!(tree(site.path("out-c").as_path()) == tree(site.path("out-d").as_path()));
}

#[test]
fn without_the_table_nothing_is_shown_and_no_page_is_built() {
    let site = site();
    site.edit("site.toml", |t| {
        t.replace(
            "\n[spotlight]\ncompany_sizes = [\"1-10\", \"11-50\"]\ncount = 2\n",
            "",
        )
    });
    site.build(&[]).expect_success();
    assert!(!site.public().join("spotlight").exists());
    for page in ["", "blog/"] {
        let html = site.output_text(page);
        assert!(!html.contains("spotlight"), "{page} mentions the spotlight");
    }
}

#[test]
fn a_site_without_partners_of_those_sizes_shows_an_empty_edition() {
    let site = site();
    site.replace("site.toml", "[\"1-10\", \"11-50\"]", "[\"11-50\"]");
    site.remove("content/partners/bravo");
    site.build(&[]).expect_success();
    assert!(block_titles(&site, "").is_empty());
    assert!(select(&site.html(""), "section.spotlight").is_empty());
    let doc = site.html("spotlight/");
    assert_eq!(
        text(one(&doc, "#edition-h + p.empty")),
        "No partner of these sizes published a case study or a post in the 365 days up to 20 November 2026."
    );
}

#[test]
fn every_mistake_in_the_table_is_reported_in_one_run() {
    let site = site();
    site.replace(
        "site.toml",
        "company_sizes = [\"1-10\", \"11-50\"]\ncount = 2",
        "company_sizes = [\"1-10\", \"11-5O\", \"1-10\", \"huge\"]\ncount = 0\nevery = \"week\"",
    );
    site.build(&[]).expect_errors(
        "site.toml:24:26: error: [spotlight] company_sizes: `11-5O` is not an id in [company_size]
  = help: did you mean `11-50`?
site.toml:24:35: error: [spotlight] company_sizes: `1-10` is listed twice
  = help: remove the second `1-10`
site.toml:24:43: error: [spotlight] company_sizes: `huge` is not an id in [company_size]
  = help: valid values: `1-10`, `11-50`, `500-plus`
site.toml:25:9: error: [spotlight] count is 0; it must be 1 to 12
  = help: write how many partners each weekly edition features, e.g. count = 3
site.toml:26:1: error: unknown key `every`
  = help: valid keys: `company_sizes`, `count`",
    );
    site.check(&[])
        .expect_failure(1)
        .stderr_contains("5 errors found");
}

#[test]
fn an_empty_list_a_count_too_high_and_a_missing_list_are_errors() {
    let site = site();
    site.replace("site.toml", "[\"1-10\", \"11-50\"]", "[]");
    site.replace("site.toml", "count = 2", "count = 13");
    site.build(&[]).expect_errors(
        "site.toml:24:17: error: [spotlight] company_sizes is empty: no partner could be featured
  = help: list the sizes of the companies to feature, e.g. company_sizes = [\"1-10\", \"11-50\"]
site.toml:25:9: error: [spotlight] count is 13; it must be 1 to 12
  = help: write how many partners each weekly edition features, e.g. count = 3",
    );
    let site = self::site();
    site.replace("site.toml", "company_sizes = [\"1-10\", \"11-50\"]\n", "");
    site.build(&[]).expect_errors(
        "site.toml:23:1: error: missing required key `company_sizes`
  = help: add `company_sizes = ...`",
    );
}

#[test]
fn a_source_date_epoch_that_is_not_a_number_is_an_error() {
    let site = site();
    build_at(&site, "yesterday", None).expect_errors(
        "site.toml:23:1: error: [spotlight] needs today's date: SOURCE_DATE_EPOCH is \"yesterday\", not a number of seconds since 1970-01-01 UTC; set it to e.g. `$(git log -1 --format=%ct)` or unset it",
    );
    assert!(!site.public().exists(), "a failed build wrote output");
}

/// `serve`'s incremental rebuild after a featured item's title changed renders the home
/// page, the blog and the spotlight again: the same bytes as a full rebuild.
#[test]
fn serve_re_renders_the_block_when_a_featured_item_changes() {
    use partnersite::content;
    use partnersite::output::MemorySink;
    use partnersite::pipeline::{self, BuildOptions, Outcome};
    use partnersite::render::{Dirty, RenderOptions};
    use std::collections::BTreeMap;

    let site = site();
    let o = BuildOptions {
        root: site.root().to_path_buf(),
        preview: true,
        ..Default::default()
    };
    let render = |full: &content::Site, only: Option<Dirty>| -> BTreeMap<String, Vec<u8>> {
        let Outcome::Ready(prepared) = pipeline::finish(full, Default::default(), &o) else {
            panic!("the site does not build");
        };
        let sink = MemorySink::default();
        let opts = RenderOptions {
            body_end: None,
            only,
        };
        pipeline::render_site(&prepared, &opts, &sink)
            .unwrap()
            .unwrap();
        sink.into_files()
    };
    let (mut full, _) = pipeline::load_full(&o).unwrap().unwrap();
    let mut files = render(&full, None);
    let rel = "content/partners/bravo/posts/b-post.md";
    site.replace(rel, "title = \"Bravo post\"", "title = \"Bravo, edited\"");
    content::reload_file(&mut full, std::path::Path::new(rel))
        .expect("incremental")
        .unwrap();
    let mut dirty = Dirty::default();
    dirty.partners.insert("bravo".into());
    let changed = render(&full, Some(dirty));
    for page in [
        "index.html",
        "blog/index.html",
        "spotlight/index.html",
        "spotlight/atom.xml",
    ] {
        assert!(changed.contains_key(page), "{page} not rendered again");
    }
    files.extend(changed);
    let (fresh, _) = pipeline::load_full(&o).unwrap().unwrap();
    let expected = render(&fresh, None);
    for (path, bytes) in &expected {
        assert!(
            files.get(path) == Some(bytes),
            "{path} differs after an incremental rebuild"
        );
    }
    assert!(String::from_utf8_lossy(&expected["index.html"]).contains("Bravo, edited"));
}
