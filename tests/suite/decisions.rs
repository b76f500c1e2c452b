//! Program decisions and consultations (issue 14, part 2): `content/decisions/*.md`,
//! the `/decisions/` listing grouped by stage, a page each, the Atom feed, the home
//! page's open consultations, the errors of bad front matter, and the warning for a
//! consultation past its closing day, with "today" from `SOURCE_DATE_EPOCH` or from
//! the newest dated content.

use crate::common;

use common::{Run, SiteTest, attr, one, one_in, select, select_in, text};
use std::process::Command;

/// Noon UTC of 2026-05-01, 2026-06-01, 2026-06-02 and 2026-06-20 (Unix seconds).
const MAY_1: &str = "1777636800";
const JUNE_1: &str = "1780315200";
const JUNE_2: &str = "1780401600";
const JUNE_20: &str = "1781956800";

const TOPICS: &str = "
[decision_topics]
leads = \"Lead distribution\"
rules = \"Content rules\"
badge = \"Partner badge\"
";

/// The decisions of [`site`]: (file stem, front matter).
const DECISIONS: &[(&str, &str)] = &[
    (
        "weights",
        "title = \"Lead weights for 2027\"\nstatus = \"consultation\"\nopened = 2026-05-01\n\
         closes = 2026-06-01\naffects = [\"leads\", \"rules\"]\n\
         discussion = \"https://discuss.example.org/t/weights\"",
    ),
    (
        "badge",
        "title = \"Badge colours\"\nstatus = \"consultation\"\nopened = 2026-04-10\n\
         closes = 2026-05-20\naffects = [\"badge\"]",
    ),
    (
        "old-consult",
        "title = \"Directory order\"\nstatus = \"consultation\"\nopened = 2026-02-01\n\
         closes = 2026-03-01",
    ),
    (
        "rule",
        "title = \"Content rule 2026\"\nstatus = \"decided\"\nopened = 2026-01-10\n\
         closes = 2026-02-01\ndecided = 2026-02-20\naffects = [\"rules\"]\n\
         discussion = \"https://discuss.example.org/t/rule\"\n\
         outcome = \"One item of each kind per five new clients.\"",
    ),
    (
        "rule-2025",
        "title = \"Content rule 2025\"\nstatus = \"decided\"\nopened = 2025-01-10\n\
         decided = 2025-02-01\noutcome = \"Two case studies a year.\"",
    ),
    (
        "idea",
        "title = \"Regional leads\"\nstatus = \"proposed\"\nopened = 2026-04-20",
    ),
    (
        "paid",
        "title = \"Paid placement\"\nstatus = \"withdrawn\"\nopened = 2026-01-05\n\
         outcome = \"Withdrawn after the first comments.\"",
    ),
    (
        "secret",
        "title = \"Secret plan\"\nstatus = \"proposed\"\nopened = 2026-04-25\ndraft = true",
    ),
];

/// The basic fixture with `[decision_topics]` and [`DECISIONS`].
fn site() -> SiteTest {
    let site = SiteTest::from_fixture("site-basic");
    site.edit("site.toml", |t| format!("{t}{TOPICS}"));
    for (slug, front) in DECISIONS {
        site.write(
            &format!("content/decisions/{slug}.md"),
            format!("+++\n{front}\n+++\n\nWhy it matters.\n"),
        );
    }
    site
}

/// `partnersite <command> --root <site>` with `SOURCE_DATE_EPOCH` set to `epoch`, or
/// unset (whatever the environment of the tests says).
fn run_at(site: &SiteTest, epoch: Option<&str>, command: &str) -> Run {
    let root = site.root().display().to_string();
    let args = [command, "--root", root.as_str()];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnersite"));
    cmd.args(args).current_dir(site.root());
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    common::run_command(cmd, site.root(), &args)
}

fn built(epoch: &str) -> SiteTest {
    let site = site();
    run_at(&site, Some(epoch), "build").expect_success();
    site
}

/// The listing's groups: (heading id, titles in order).
fn groups(site: &SiteTest) -> Vec<(String, Vec<String>)> {
    let doc = site.html("decisions/");
    select(&doc, "section.decision-group")
        .into_iter()
        .map(|g| {
            let h = one_in(g, "h2");
            let titles = select_in(g, "li h3 a").into_iter().map(text).collect();
            (attr(h, "id").to_string(), titles)
        })
        .collect()
}

#[test]
fn the_listing_groups_decisions_by_stage_newest_first() {
    let site = built(MAY_1);
    let found = groups(&site);
    let want: Vec<(String, Vec<String>)> = [
        ("group-open", vec!["Lead weights for 2027", "Badge colours"]),
        ("group-awaiting", vec!["Directory order"]),
        ("group-proposed", vec!["Regional leads"]),
        (
            "group-decided",
            vec!["Content rule 2026", "Content rule 2025"],
        ),
        ("group-withdrawn", vec!["Paid placement"]),
    ]
    .into_iter()
    .map(|(id, ts)| (id.to_string(), ts.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(found, want);
    let doc = site.html("decisions/");
    let headings: Vec<String> = select(&doc, "section.decision-group > h2")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        headings,
        [
            "Open consultations (2)",
            "Closed, awaiting decision (1)",
            "Proposed (1)",
            "Decided (2)",
            "Withdrawn (1)"
        ]
    );
    // Each entry's date is the one that matters for its stage.
    let metas: Vec<String> = select(&doc, ".decisions-list .meta")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        metas,
        [
            "Open for comments · comments until 1 June 2026",
            "Open for comments · comments until 20 May 2026",
            "Closed, awaiting decision · closed 1 March 2026",
            "Proposed · opened 20 April 2026",
            "Decided · decided 20 February 2026",
            "Decided · decided 1 February 2025",
            "Withdrawn · opened 5 January 2026",
        ]
    );
    // Drafts are not published, and the header links to the listing.
    assert!(!site.public().join("decisions/secret").exists());
    let nav: Vec<String> = select(&doc, ".site-nav a").into_iter().map(text).collect();
    assert!(nav.contains(&"Decisions".to_string()), "{nav:?}");
}

#[test]
fn a_decision_page_shows_its_stage_dates_topics_discussion_and_outcome() {
    let site = built(MAY_1);
    let facts = |page: &str| -> Vec<(String, String)> {
        let doc = site.html(page);
        select(&doc, ".decision-facts > div")
            .into_iter()
            .map(|d| {
                let dd = one_in(d, "dd");
                let tags: Vec<String> = select_in(dd, ".tag").into_iter().map(text).collect();
                let shown = if tags.is_empty() {
                    text(dd)
                } else {
                    tags.join(", ")
                };
                (text(one_in(d, "dt")), shown)
            })
            .collect()
    };
    let open = site.html("decisions/weights/");
    assert_eq!(text(one(&open, "h1")), "Lead weights for 2027");
    let badge = one(&open, ".decision-status .status");
    assert_eq!(text(badge), "Open for comments");
    assert_eq!(attr(badge, "class"), "status status-open");
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        facts("decisions/weights/"),
        pairs(&[
            ("Opened", "1 May 2026"),
            ("Comments until", "1 June 2026"),
            ("Affects", "Lead distribution, Content rules"),
        ])
    );
    let discuss = one(&open, ".decision-discuss a");
    assert_eq!(
        attr(discuss, "href"),
        "https://discuss.example.org/t/weights"
    );
    assert_eq!(text(discuss), "Comment in the public discussion");
    assert!(select(&open, ".decision-outcome").is_empty());
    assert_eq!(
        attr(one(&open, "meta[name=description]"), "content"),
        "Open for comments until 1 June 2026."
    );
    assert!(text(one(&open, "article")).contains("Why it matters."));

    let decided = site.html("decisions/rule/");
    assert_eq!(text(one(&decided, ".decision-status .status")), "Decided");
    assert_eq!(
        facts("decisions/rule/"),
        pairs(&[
            ("Opened", "10 January 2026"),
            ("Consultation closed", "1 February 2026"),
            ("Decided", "20 February 2026"),
            ("Affects", "Content rules"),
        ])
    );
    assert_eq!(text(one(&decided, ".decision-outcome h2")), "Outcome");
    assert_eq!(
        text(one(&decided, ".decision-outcome p")),
        "One item of each kind per five new clients."
    );
    assert_eq!(
        text(one(&decided, ".decision-discuss a")),
        "Read the public discussion"
    );
    let awaiting = site.html("decisions/old-consult/");
    assert_eq!(
        text(one(&awaiting, ".decision-status .status")),
        "Closed, awaiting decision"
    );
    let withdrawn = site.html("decisions/paid/");
    assert_eq!(
        text(one(&withdrawn, ".decision-outcome h2")),
        "Why it was withdrawn"
    );
}

#[test]
fn the_feed_is_atom_newest_first_and_linked_from_the_pages() {
    let site = built(MAY_1);
    let xml = site.output_text("decisions/atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the feed is XML");
    let atom = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(atom));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| -> String {
        n.children()
            .find(|c| c.has_tag_name((atom, name)))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("no <{name}>"))
            .to_string()
    };
    assert_eq!(child(feed, "title"), "Test Partner Directory — Decisions");
    assert_eq!(
        child(feed, "id"),
        "https://example.org/dir/decisions/atom.xml"
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((atom, "entry")))
        .collect();
    let got: Vec<(String, String)> = entries
        .iter()
        .map(|e| (child(*e, "updated"), child(*e, "title")))
        .collect();
    let want = [
        (
            "2026-05-01T00:00:00Z",
            "Open for comments: Lead weights for 2027",
        ),
        ("2026-04-20T00:00:00Z", "Proposed: Regional leads"),
        ("2026-04-10T00:00:00Z", "Open for comments: Badge colours"),
        ("2026-02-20T00:00:00Z", "Decided: Content rule 2026"),
        (
            "2026-02-01T00:00:00Z",
            "Closed, awaiting decision: Directory order",
        ),
        ("2026-01-05T00:00:00Z", "Withdrawn: Paid placement"),
        ("2025-02-01T00:00:00Z", "Decided: Content rule 2025"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(child(feed, "updated"), "2026-05-01T00:00:00Z");
    for e in &entries {
        let id = child(*e, "id");
        assert!(id.starts_with("https://example.org/dir/decisions/"), "{id}");
        let link = e
            .children()
            .find(|c| c.has_tag_name((atom, "link")))
            .and_then(|l| l.attribute("href"));
        assert_eq!(link, Some(id.as_str()));
    }
    assert_eq!(
        child(entries[3], "summary"),
        "One item of each kind per five new clients."
    );
    for page in ["decisions/", "decisions/weights/"] {
        let doc = site.html(page);
        let alt = one(
            &doc,
            "link[rel=alternate][href=\"/dir/decisions/atom.xml\"]",
        );
        assert_eq!(attr(alt, "type"), "application/atom+xml");
    }
    let listing = site.html("decisions/");
    assert_eq!(
        attr(one(&listing, ".feed-link a"), "href"),
        "/dir/decisions/atom.xml"
    );
}

#[test]
fn the_home_page_shows_open_consultations_closing_soonest_first() {
    let site = built(MAY_1);
    let home = site.html("");
    let block = one(&home, "section.consultations");
    let items: Vec<(String, String, String)> = select_in(block, "li")
        .into_iter()
        .map(|li| {
            let a = one_in(li, "a");
            let t = one_in(li, "time");
            (
                attr(a, "href").to_string(),
                text(a),
                format!("{} {}", attr(t, "datetime"), text(t)),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (
                "/dir/decisions/badge/".to_string(),
                "Badge colours".to_string(),
                "2026-05-20 20 May 2026".to_string()
            ),
            (
                "/dir/decisions/weights/".to_string(),
                "Lead weights for 2027".to_string(),
                "2026-06-01 1 June 2026".to_string()
            ),
        ]
    );
    // Once both have closed, the home page has no open consultation to show.
    let later = built(JUNE_20);
    assert!(select(&later.html(""), "section.consultations").is_empty());
    assert_eq!(
        groups(&later).first().map(|g| g.0.as_str()),
        Some("group-awaiting")
    );
}

#[test]
fn a_consultation_past_its_closing_day_warns_and_shows_as_awaiting() {
    let site = site();
    // 1 June is the closing day itself: still open; only the March one has closed.
    let warn = |file: &str, closed: &str, today: &str| {
        format!(
            "content/decisions/{file}.md:5:10: warning: the consultation closed on {closed}, \
             before today ({today}, from SOURCE_DATE_EPOCH): it shows as \"closed, awaiting decision\"
  = help: once decided, set `status = \"decided\"` with `decided` and `outcome`; to keep it open, move `closes` later"
        )
    };
    run_at(&site, Some(JUNE_1), "check")
        .expect_success()
        .expect_stderr(&format!(
            "{}\n{}",
            warn("badge", "2026-05-20", "2026-06-01"),
            warn("old-consult", "2026-03-01", "2026-06-01"),
        ));
    run_at(&site, Some(JUNE_2), "check")
        .expect_success()
        .expect_stderr(&format!(
            "{}\n{}\n{}",
            warn("badge", "2026-05-20", "2026-06-02"),
            warn("old-consult", "2026-03-01", "2026-06-02"),
            warn("weights", "2026-06-01", "2026-06-02"),
        ));
    run_at(&site, Some(JUNE_2), "build").expect_success();
    let page = site.html("decisions/weights/");
    assert_eq!(
        text(one(&page, ".decision-status .status")),
        "Closed, awaiting decision"
    );
    run_at(&site, Some(JUNE_1), "build").expect_success();
    let page = site.html("decisions/weights/");
    assert_eq!(
        text(one(&page, ".decision-status .status")),
        "Open for comments"
    );
}

#[test]
fn without_source_date_epoch_today_is_the_newest_dated_content() {
    let site = site();
    // The newest published date of the fixture is the decision opened on 1 May 2026.
    let run = run_at(&site, None, "check");
    run.expect_success().stderr_contains(
        "content/decisions/old-consult.md:5:10: warning: the consultation closed on 2026-03-01, \
         before today (2026-05-01, the newest dated content)",
    );
    assert!(!run.stderr.contains("badge.md"), "{}", run.stderr);
    // A later post moves today past both closing days.
    site.write(
        "content/blog/summer.md",
        "+++\ntitle = \"Summer\"\ndate = 2026-06-10\n+++\n\nHello.\n",
    );
    run_at(&site, None, "check")
        .expect_success()
        .stderr_contains("weights.md:5:10: warning: the consultation closed on 2026-06-01");
    // An unreadable SOURCE_DATE_EPOCH is an error, not a silent fallback.
    run_at(&site, Some("yesterday"), "build").expect_errors(
        "SOURCE_DATE_EPOCH: error: SOURCE_DATE_EPOCH is \"yesterday\", not a number of seconds since 1970-01-01 UTC; set it to e.g. `$(git log -1 --format=%ct)` or unset it
  = help: it decides which consultations are still open (see the README, \"Decisions and consultations\")",
    );
}

#[test]
fn the_same_sources_and_today_build_the_same_bytes() {
    let a = built(MAY_1);
    let b = built(MAY_1);
    let pick = |s: &SiteTest| {
        common::tree(&s.public())
            .into_iter()
            .filter(|(p, _)| p.starts_with("decisions/") || p == "index.html")
            .collect::<Vec<_>>()
    };
    let (ta, tb) = (pick(&a), pick(&b));
    assert_eq!(
        ta.len(),
        10,
        "{:?}",
        ta.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    assert!(ta == tb, "two builds differ");
}

#[test]
fn decision_pages_are_in_the_sitemap_and_their_links_are_checked() {
    let site = built(MAY_1);
    let sitemap = site.output_text("sitemap.xml");
    for page in ["decisions/", "decisions/weights/", "decisions/paid/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/dir/{page}</loc>")),
            "{page} not in the sitemap"
        );
    }
    assert!(!sitemap.contains("decisions/secret/"));
    assert_eq!(site.check_links(), Vec::<String>::new());
    // A broken link in a decision fails the build at its line.
    site.write(
        "content/decisions/idea.md",
        "+++\ntitle = \"Regional leads\"\nstatus = \"proposed\"\nopened = 2026-04-20\n+++\n\n\
         See [the rule](@/decisions/rules.md).\n",
    );
    let run = run_at(&site, Some(MAY_1), "build");
    run.expect_failure(1)
        .stderr_contains("content/decisions/idea.md:7:5: error:");
}

#[test]
fn a_site_without_decisions_has_no_decisions_pages_or_link() {
    let site = SiteTest::from_fixture("site-basic");
    run_at(&site, Some(MAY_1), "build").expect_success();
    assert!(!site.public().join("decisions").exists());
    let home = site.html("");
    let nav: Vec<String> = select(&home, ".site-nav a").into_iter().map(text).collect();
    assert!(!nav.contains(&"Decisions".to_string()), "{nav:?}");
    assert!(select(&home, "section.consultations").is_empty());
}

/// Write `front` as the front matter of `content/decisions/<slug>.md`.
fn decision(site: &SiteTest, slug: &str, front: &str) {
    site.write(
        &format!("content/decisions/{slug}.md"),
        format!("+++\n{front}\n+++\n\nText.\n"),
    );
}

#[test]
fn every_bad_decision_is_reported_at_its_line_in_one_run() {
    let site = SiteTest::from_fixture("site-basic");
    site.edit("site.toml", |t| format!("{t}{TOPICS}"));
    let head = "title = \"T\"\nstatus =";
    decision(
        &site,
        "a-status",
        &format!("{head} \"consulting\"\nopened = 2026-05-01"),
    );
    decision(
        &site,
        "b-closes",
        &format!("{head} \"consultation\"\nopened = 2026-05-01"),
    );
    decision(
        &site,
        "c-decided",
        &format!("{head} \"decided\"\nopened = 2026-05-01"),
    );
    decision(
        &site,
        "d-order",
        &format!("{head} \"consultation\"\nopened = 2026-05-01\ncloses = 2026-04-01"),
    );
    decision(
        &site,
        "e-order",
        &format!("{head} \"decided\"\nopened = 2026-05-01\ndecided = 2026-04-30\noutcome = \"x\""),
    );
    decision(
        &site,
        "f-affects",
        &format!("{head} \"proposed\"\nopened = 2026-05-01\naffects = [\"rules\", \"lead\"]"),
    );
    decision(
        &site,
        "g-discussion",
        &format!(
            "{head} \"proposed\"\nopened = 2026-05-01\n\
             discussion = \"http://discuss.example.org/t/x\""
        ),
    );
    decision(
        &site,
        "h-decided",
        &format!("{head} \"proposed\"\nopened = 2026-05-01\ndecided = 2026-05-02"),
    );
    decision(&site, "i-opened", &format!("{head} \"proposed\""));
    run_at(&site, Some(MAY_1), "build").expect_errors(
        "content/decisions/a-status.md:3:10: error: `status`: `consulting` is not a status (proposed, consultation, decided or withdrawn)
  = help: did you mean `consultation`?
content/decisions/b-closes.md:3:10: error: missing `closes`: it is required when `status` is `consultation`
  = help: add the last day partners can comment, e.g. `closes = 2026-11-15`
content/decisions/c-decided.md:3:10: error: missing `decided`: it is required when `status` is `decided`
  = help: add the day it was decided, e.g. `decided = 2026-11-30`
content/decisions/c-decided.md:3:10: error: missing `outcome`: it is required when `status` is `decided`
  = help: say what was decided in one sentence, e.g. `outcome = \"Weights stay 2:1.\"`
content/decisions/d-order.md:5:10: error: `closes` (2026-04-01) is before `opened` (2026-05-01)
  = help: `closes` must be on or after 2026-05-01; check both dates
content/decisions/e-order.md:5:11: error: `decided` (2026-04-30) is before `opened` (2026-05-01)
  = help: `decided` must be on or after 2026-05-01; check both dates
content/decisions/f-affects.md:5:21: error: `affects`: `lead` is not a topic in [decision_topics] of site.toml
  = help: did you mean `leads`?
content/decisions/g-discussion.md:5:14: error: `discussion`: \"http://discuss.example.org/t/x\" is not an https URL
  = help: link the public discussion with its full address, e.g. `discussion = \"https://discuss.openedx.org/t/...\"`
content/decisions/h-decided.md:5:11: error: `decided` is set but `status` is `proposed`
  = help: set `status = \"decided\"` (with an `outcome`), or remove `decided`
content/decisions/i-opened.md:2:1: error: missing required key `opened`
  = help: add `opened = ...`",
    );
    // check reports the same.
    run_at(&site, Some(MAY_1), "check")
        .expect_failure(1)
        .stderr_contains("10 errors found");
}

#[test]
fn affects_without_decision_topics_says_to_add_the_table() {
    let site = SiteTest::from_fixture("site-basic");
    decision(
        &site,
        "weights",
        "title = \"T\"\nstatus = \"proposed\"\nopened = 2026-05-01\naffects = [\"leads\"]",
    );
    run_at(&site, Some(MAY_1), "build").expect_errors(
        "content/decisions/weights.md:5:11: error: `affects` names decision topics, but site.toml has no [decision_topics] table
  = help: add one to site.toml, e.g. `[decision_topics]` then `leads = \"Lead distribution\"`, one `id = \"Label\"` line per topic",
    );
}

#[test]
fn init_writes_decision_topics_and_a_draft_example_decision() {
    let site = SiteTest::empty();
    site.run(&["init", "site"]).expect_success();
    assert!(
        site.read("site/site.toml")
            .contains("\n[decision_topics]\n")
    );
    let example = site.read("site/content/decisions/example-decision.md");
    assert!(example.contains("draft = true"), "{example}");
    site.run(&["build", "--root", "site"]).expect_success();
    assert!(!site.path("site/public/decisions").exists());
    site.run(&["build", "--root", "site", "--drafts"])
        .expect_success();
    assert!(
        site.path("site/public/decisions/example-decision/index.html")
            .is_file()
    );
}

/// A raw HTTP/1.0 GET of `path` from a `serve` at `addr`: the body.
fn get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn serve_rebuilds_the_site_when_a_decision_changes() {
    use std::time::{Duration, Instant};
    let site = site();
    // A decision is re-read by a full rebuild: its dates and status shape the home page.
    let o = partnersite::pipeline::BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let (mut full, _) = partnersite::pipeline::load_full(&o).unwrap().unwrap();
    let rel = std::path::Path::new("content/decisions/weights.md");
    assert!(partnersite::content::reload_file(&mut full, rel).is_none());

    /// Kills `serve` however the test ends.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let (child, rx) = common::spawn_serve(site.root(), &[]);
    let _serve = Kill(child);
    let started = Instant::now() + Duration::from_secs(60);
    let mut addr = None;
    while addr.is_none() && Instant::now() < started {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            addr = line
                .split(" at http://")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .map(|a| a.trim_end_matches('/').to_string());
        }
    }
    let addr = addr.expect("serve did not start");
    std::thread::spawn(move || while rx.recv().is_ok() {});
    assert!(get(&addr, "/").contains("Lead weights for 2027"));
    site.replace(
        "content/decisions/weights.md",
        "title = \"Lead weights for 2027\"",
        "title = \"Lead weights, revised\"",
    );
    // A watchdog, not a timing assertion: the rebuild usually takes well under a second.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut page = String::new();
    while Instant::now() < deadline && !page.contains("Lead weights, revised") {
        std::thread::sleep(Duration::from_millis(100));
        page = get(&addr, "/decisions/weights/");
    }
    let home = get(&addr, "/");
    let listing = get(&addr, "/decisions/");
    assert!(page.contains("<h1>Lead weights, revised</h1>"), "{page}");
    assert!(home.contains("Lead weights, revised"), "home not rebuilt");
    assert!(
        listing.contains("Lead weights, revised"),
        "listing not rebuilt"
    );
}
