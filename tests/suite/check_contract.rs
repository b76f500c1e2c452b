//! The check/build contract: `check` runs every stage of `build` but the write, so it
//! fails exactly when `build` fails, with the same diagnostics (file:line:col) in every
//! `--format`, and a failed build leaves the previous output as it was.

use crate::common;

use common::{SiteTest, tree};

const NANDU: &str = "content/partners/nandu/partner.toml";

/// A built copy of the `site-basic` fixture: a later failed build must leave it as is.
fn built_site() -> SiteTest {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    site
}

/// `build` and `check` both fail with exactly `diagnostics` (text format), and the
/// previous output is untouched.
fn both_fail_with(site: &SiteTest, diagnostics: &str) {
    let before = tree(&site.public());
    site.build(&[]).expect_errors(diagnostics);
    assert_eq!(
        tree(&site.public()),
        before,
        "a failed build changed the output"
    );
    assert_eq!(
        site.root_entries(),
        vec!["content", "public", "site.toml", "static", "templates"]
            .into_iter()
            .filter(|n| site.path(n).exists())
            .map(String::from)
            .collect::<Vec<_>>(),
        "a temporary folder was left behind"
    );
    let n = diagnostics
        .lines()
        .filter(|l| l.contains(": error: "))
        .count();
    let check = site.check(&[]);
    check.expect_failure(1).expect_stderr(&format!(
        "{}\n\n{n} error{} found",
        diagnostics.trim_end(),
        if n == 1 { "" } else { "s" }
    ));
    assert!(
        !check.stdout.contains("check passed"),
        "check says it passed:\n{}",
        check.stdout
    );
    assert_eq!(tree(&site.public()), before, "check wrote into the output");
}

/// `check --format github` and `--format json` report the same locations and messages.
fn machine_formats(site: &SiteTest, github: &[&str], json: &[(&str, usize, usize, &str)]) {
    let run = site.check(&["--format", "github"]);
    run.expect_failure(1);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(lines, github, "github annotations\n{}", run.stdout);

    let run = site.check(&["--format", "json"]);
    run.expect_failure(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json output");
    let got: Vec<(String, usize, usize, String)> = v["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap() as usize,
                e["col"].as_u64().unwrap() as usize,
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, usize, usize, String)> = json
        .iter()
        .map(|(p, l, c, m)| (p.to_string(), *l, *c, m.to_string()))
        .collect();
    assert_eq!(got, want, "json errors\n{}", run.stdout);
}

const RESERVED: &str = "rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)";

#[test]
fn a_program_page_on_a_generated_url_fails_check_and_build() {
    let site = built_site();
    site.write("content/pages/blog.md", "+++\ntitle = \"Our blog\"\n+++\n");
    site.write(
        "content/pages/clients.md",
        "+++\ntitle = \"Clients\"\n+++\n",
    );
    both_fail_with(
        &site,
        &format!(
            "content/pages/blog.md:1:1: error: the URL /blog/ is reserved: partnersite generates it from the template list.html
  = help: {RESERVED}
content/pages/clients.md:1:1: error: the URL /clients/ is reserved: partnersite generates it from the template clients.html
  = help: {RESERVED}"
        ),
    );
    machine_formats(
        &site,
        &[
            &format!(
                "::error file=content/pages/blog.md,line=1,col=1::the URL /blog/ is reserved: partnersite generates it from the template list.html%0A{RESERVED}"
            ),
            &format!(
                "::error file=content/pages/clients.md,line=1,col=1::the URL /clients/ is reserved: partnersite generates it from the template clients.html%0A{RESERVED}"
            ),
        ],
        &[
            (
                "content/pages/blog.md",
                1,
                1,
                "the URL /blog/ is reserved: partnersite generates it from the template list.html",
            ),
            (
                "content/pages/clients.md",
                1,
                1,
                "the URL /clients/ is reserved: partnersite generates it from the template clients.html",
            ),
        ],
    );
}

const TEMPLATE_HINT: &str =
    "fix the template (a site's templates/<name> replaces the theme's file of that name)";

#[test]
fn broken_template_overrides_fail_check_and_build_at_their_line() {
    let site = built_site();
    // A syntax error, an unknown filter (both found when compiling) and an unknown
    // variable (found when rendering): all reported in one run.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock %}\n",
    );
    site.write(
        "templates/card.html",
        "<li class=\"card\">\n  {{ partner.name | shout }}\n</li>\n",
    );
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n{{ author.name }}\n{% endblock %}\n",
    );
    both_fail_with(
        &site,
        &format!(
            "templates/card.html:2:21: error: template error: Unknown filter `shout`
  = help: {TEMPLATE_HINT}
templates/page.html:3:19: error: template error: Found `}}` but expected }}}}.
  = help: {TEMPLATE_HINT}
templates/post.html:4:4: error: template error: Variable `author` is not defined. Available variables: content, item, live_reload, meta, nav_footer, nav_header, page, sidebar, site
  = help: {TEMPLATE_HINT}; it fails on /blog/cedar-and-quill/accessible-video/ and 2 other pages"
        ),
    );
    machine_formats(
        &site,
        &[
            &format!(
                "::error file=templates/card.html,line=2,col=21::template error: Unknown filter `shout`%0A{TEMPLATE_HINT}"
            ),
            &format!(
                "::error file=templates/page.html,line=3,col=19::template error: Found `}}` but expected }}}}.%0A{TEMPLATE_HINT}"
            ),
            &format!(
                "::error file=templates/post.html,line=4,col=4::template error: Variable `author` is not defined. Available variables: content, item, live_reload, meta, nav_footer, nav_header, page, sidebar, site%0A{TEMPLATE_HINT}; it fails on /blog/cedar-and-quill/accessible-video/ and 2 other pages"
            ),
        ],
        &[
            (
                "templates/card.html",
                2,
                21,
                "template error: Unknown filter `shout`",
            ),
            (
                "templates/page.html",
                3,
                19,
                "template error: Found `}` but expected }}.",
            ),
            (
                "templates/post.html",
                4,
                4,
                "template error: Variable `author` is not defined. Available variables: content, item, live_reload, meta, nav_footer, nav_header, page, sidebar, site",
            ),
        ],
    );
}

#[test]
fn a_logo_in_a_folder_named_index_html_and_a_static_file_over_a_page_fail_cleanly() {
    let site = built_site();
    site.write(
        "content/partners/nandu/index.html/logo.svg",
        site.read("content/partners/nandu/logo.svg"),
    );
    site.replace(
        NANDU,
        "logo = \"logo.svg\"",
        "logo = \"index.html/logo.svg\"",
    );
    site.write("static/about-the-program/index.html", "<p>mine</p>");
    site.write("static/blog/index.html/style.css", "p {}");
    both_fail_with(
        &site,
        "content/partners/nandu/partner.toml:4:8: error: `logo`: the output file /partners/nandu/index.html/logo.svg would be inside /partners/nandu/index.html, which is a file too (the output of content/partners/nandu/partner.toml:1:1)
  = help: rename the folder `index.html`: an output path cannot be both a file and a folder
static/about-the-program/index.html: error: two files have the same URL /about-the-program/
  = help: content/pages/about-the-program.md:1:1 also renders to it; rename one of the files
static/blog/index.html/style.css: error: the output file /blog/index.html/style.css would be inside /blog/index.html, which is a file too (partnersite generates it from the template list.html)
  = help: rename the folder `index.html`: an output path cannot be both a file and a folder",
    );
    machine_formats(
        &site,
        &[
            "::error file=content/partners/nandu/partner.toml,line=4,col=8::`logo`: the output file /partners/nandu/index.html/logo.svg would be inside /partners/nandu/index.html, which is a file too (the output of content/partners/nandu/partner.toml:1:1)%0Arename the folder `index.html`: an output path cannot be both a file and a folder",
            "::error file=static/about-the-program/index.html::two files have the same URL /about-the-program/%0Acontent/pages/about-the-program.md:1:1 also renders to it; rename one of the files",
            "::error file=static/blog/index.html/style.css::the output file /blog/index.html/style.css would be inside /blog/index.html, which is a file too (partnersite generates it from the template list.html)%0Arename the folder `index.html`: an output path cannot be both a file and a folder",
        ],
        &[
            (
                NANDU,
                4,
                8,
                "`logo`: the output file /partners/nandu/index.html/logo.svg would be inside /partners/nandu/index.html, which is a file too (the output of content/partners/nandu/partner.toml:1:1)",
            ),
            (
                "static/about-the-program/index.html",
                0,
                0,
                "two files have the same URL /about-the-program/",
            ),
            (
                "static/blog/index.html/style.css",
                0,
                0,
                "the output file /blog/index.html/style.css would be inside /blog/index.html, which is a file too (partnersite generates it from the template list.html)",
            ),
        ],
    );
}

/// One way to break (or not) the fixture site.
type Breakage = (&'static str, fn(&SiteTest));

#[test]
fn check_fails_if_and_only_if_build_fails() {
    let cases: &[Breakage] = &[
        ("unchanged", |_| {}),
        ("a content error", |s| {
            s.replace(NANDU, "tier = \"verified-provider\"", "tier = \"gold\"");
        }),
        ("a page on /case-studies/", |s| {
            s.write(
                "content/pages/case-studies.md",
                "+++\ntitle = \"Stories\"\n+++\n",
            );
        }),
        ("a logo named badge.svg", |s| {
            s.rename(
                "content/partners/nandu/logo.svg",
                "content/partners/nandu/badge.svg",
            );
            s.replace(NANDU, "logo = \"logo.svg\"", "logo = \"badge.svg\"");
        }),
        ("a static file inside a generated page", |s| {
            s.write("static/partners/nandu/index.html/x.css", "p {}");
        }),
        ("a static robots.txt", |s| {
            s.write("static/robots.txt", "User-agent: *\n");
        }),
        ("an unclosed block in base.html", |s| {
            s.write("templates/base.html", "<html>{% if page %}</html>\n");
        }),
        ("a template extending a missing one", |s| {
            s.write("templates/page.html", "{% extends \"nope.html\" %}\n");
        }),
        ("an unknown variable in the 404 page", |s| {
            s.write("templates/404.html", "{{ missing }}\n");
        }),
        ("a harmless template override", |s| {
            s.write("templates/404.html", "<p>{{ page.title }}</p>\n");
        }),
    ];
    let mut failures = Vec::new();
    for (name, breakage) in cases {
        let site = SiteTest::from_fixture("site-basic");
        breakage(&site);
        let check = site.check(&[]).code;
        let build = site.build(&[]).code;
        let expected = if name.starts_with("unchanged") || name.starts_with("a harmless") {
            Some(0)
        } else {
            Some(1)
        };
        if check != build || build != expected {
            failures.push(format!(
                "{name}: check exited {check:?}, build {build:?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
