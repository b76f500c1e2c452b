//! Links and images in Markdown (issue 10): internal links and anchors checked by `build`
//! and `check` with the link's line, root-relative URLs under base_url's path, `@/`
//! content links, images next to an item copied with their size, external images warned.

use crate::common;

use common::{SiteTest, attr, one, select};

/// A program page at `content/pages/links.md` whose body starts on line 4.
fn with_page(body: &str) -> SiteTest {
    let site = SiteTest::from_fixture("site-basic");
    site.write(
        "content/pages/links.md",
        format!("+++\ntitle = \"Links\"\n+++\n{body}"),
    );
    site
}

/// The diagnostic and help lines of a run's stderr.
fn diagnostics(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| {
            l.starts_with("content/") || l.starts_with("site.toml") || l.starts_with("  = help:")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `build` and `check` both fail with exactly these diagnostics; nothing is written.
fn fails_with(site: &SiteTest, expected: &str) {
    site.build(&[]).expect_errors(expected);
    assert!(
        !site.public().exists(),
        "build wrote {:?}",
        site.output_files()
    );
    assert_eq!(
        site.root_entries()
            .iter()
            .filter(|n| n.contains("public"))
            .count(),
        0
    );
    let check = site.check(&[]);
    check.expect_failure(1);
    assert_eq!(
        diagnostics(&check.stderr),
        expected.trim_end(),
        "{}",
        check.stderr
    );
}

/// A PNG header of the given size (imagesize and the checks read only the header).
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(b"\0\0\0\0IEND\xaeB`\x82");
    b
}

#[test]
fn a_link_to_a_missing_page_fails_build_and_check_with_its_line() {
    let site = with_page("Intro.\n\nSee [x](/partners/does-not-exist/).\n");
    fails_with(
        &site,
        "content/pages/links.md:6:5: error: broken link `/partners/does-not-exist/`: the site has no page /partners/does-not-exist/\n  \
         = help: check the address (a draft page is not published)\n",
    );
}

#[test]
fn a_missing_anchor_on_the_same_page_fails() {
    let site = with_page("## Part one\n\nBack to [x](#nope) or [part one](#part-one).\n");
    fails_with(
        &site,
        "content/pages/links.md:6:9: error: broken link `#nope`: no heading with id `nope` on this page\n  \
         = help: the headings of this page have the ids `#part-one`\n",
    );
}

#[test]
fn a_missing_anchor_on_another_page_fails() {
    let site = with_page(
        "[ok](/partners/cedar-and-quill/#where-we-work)\n[x](/partners/cedar-and-quill/#where-we-wrk)\n",
    );
    fails_with(
        &site,
        "content/pages/links.md:5:1: error: broken link `/partners/cedar-and-quill/#where-we-wrk`: no heading with id `where-we-wrk` on /partners/cedar-and-quill/\n  \
         = help: did you mean `#where-we-work`?\n",
    );
}

#[test]
fn a_relative_link_resolves_against_the_page_url() {
    // `../nowhere/` from /blog/welcome/ is /blog/nowhere/.
    let site = SiteTest::from_fixture("site-basic");
    site.replace(
        "content/blog/welcome.md",
        "Browse [the partners](../../)",
        "Browse [the partners](../nowhere/)",
    );
    let run = site.build(&[]);
    run.expect_failure(1);
    assert!(
        run.stderr.contains(
            "content/blog/welcome.md:7:8: error: broken link `../nowhere/`: the site has no page /blog/nowhere/"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_content_link_to_a_missing_file_fails_with_its_line() {
    let site = with_page("\n[x](@/partners/cedar-and-quill/case-studies/nope.md)\n");
    fails_with(
        &site,
        "content/pages/links.md:5:1: error: `@/partners/cedar-and-quill/case-studies/nope.md`: there is no file content/partners/cedar-and-quill/case-studies/nope.md\n  \
         = help: `@/` links name a file inside content/; check the path and the file name\n",
    );
}

#[test]
fn links_internal_warn_reports_and_builds() {
    let site = with_page("[x](/partners/does-not-exist/)\n");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("{toml}\n[links]\ninternal = \"warn\"\n"),
    );
    let run = site.build(&[]);
    run.expect_success();
    assert_eq!(
        diagnostics(&run.stderr),
        "content/pages/links.md:4:1: warning: broken link `/partners/does-not-exist/`: the site has no page /partners/does-not-exist/\n  \
         = help: check the address (a draft page is not published)"
    );
    assert!(site.public().join("links/index.html").is_file());
    site.check(&[]).expect_success();
}

#[test]
fn a_misspelt_links_value_gets_a_suggestion() {
    let site = SiteTest::from_fixture("site-basic");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("{toml}\n[links]\ninternal = \"warning\"\n"),
    );
    let run = site.build(&[]);
    run.expect_failure(1);
    assert!(
        run.stderr.contains("error: `warning` is not a valid value (expected one of `error`, `warn`)\n  = help: did you mean `warn`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn root_relative_links_and_images_get_the_base_path() {
    let site = with_page(
        "[p](/partners/cedar-and-quill/) [home](/) ![icon](/favicon.svg) [ext](https://x.example/)\n",
    );
    for (url, base) in [
        (common::BASE_URL, "/dir/"),
        ("https://someone.github.io/partners/", "/partners/"),
        ("https://partners.example.org/", "/"),
    ] {
        let args = ["--base-url", url];
        site.build(&args).expect_success();
        let doc = site.html("links/");
        let hrefs: Vec<&str> = select(&doc, "main p a")
            .into_iter()
            .map(|a| attr(a, "href"))
            .collect();
        assert_eq!(
            hrefs,
            [
                format!("{base}partners/cedar-and-quill/"),
                base.to_string(),
                "https://x.example/".into()
            ]
        );
        assert_eq!(
            attr(one(&doc, "main p img"), "src"),
            format!("{base}favicon.svg")
        );
        site.assert_links_ok(&site.public(), url);
    }
}

#[test]
fn content_links_resolve_to_the_item_url() {
    let site = with_page(
        "[a](@/partners/cedar-and-quill/case-studies/campus-migration.md#the-result)\n\
         [b](@/pages/about-the-program.md) [c](@/blog/welcome.md) [d](@/partners/cedar-and-quill/about.md)\n\
         [e](@/partners/ostersjo-larande/posts/hello-baltic.md)\n",
    );
    site.build(&[]).expect_success();
    let doc = site.html("links/");
    let hrefs: Vec<&str> = select(&doc, "main p a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/dir/case-studies/cedar-and-quill/campus-migration/#the-result",
            "/dir/about-the-program/",
            "/dir/blog/welcome/",
            "/dir/partners/cedar-and-quill/",
            "/dir/blog/ostersjo-larande/hello-baltic/",
        ]
    );
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

const CASE: &str = "content/partners/cedar-and-quill/case-studies/campus-migration.md";

#[test]
fn an_image_next_to_an_item_is_copied_with_its_size() {
    let site = SiteTest::from_fixture("site-basic");
    let bytes = png(640, 480);
    site.write(
        "content/partners/cedar-and-quill/case-studies/diagram.png",
        &bytes,
    );
    site.replace(
        CASE,
        "Forty courses",
        "![The old setup](diagram.png \"Before\")\n\nForty courses",
    );
    let run = site.build(&[]);
    run.expect_success();
    assert!(!run.stderr.contains("diagram.png"), "{}", run.stderr);
    let out = "case-studies/cedar-and-quill/campus-migration/diagram.png";
    assert_eq!(std::fs::read(site.public().join(out)).unwrap(), bytes);
    let doc = site.html("case-studies/cedar-and-quill/campus-migration/");
    let img = one(&doc, "article img");
    assert_eq!(
        [
            attr(img, "src"),
            attr(img, "alt"),
            attr(img, "title"),
            attr(img, "width"),
            attr(img, "height")
        ],
        [
            &format!("/dir/{out}")[..],
            "The old setup",
            "Before",
            "640",
            "480"
        ]
    );
    site.assert_links_ok(&site.public(), common::BASE_URL);
}

#[test]
fn an_image_not_shown_is_still_reported_as_ignored() {
    let site = SiteTest::from_fixture("site-basic");
    site.write(
        "content/partners/cedar-and-quill/case-studies/unused.png",
        png(2, 2),
    );
    let run = site.build(&[]);
    run.expect_success();
    assert!(
        run.stderr.contains(
            "content/partners/cedar-and-quill/case-studies/unused.png: warning: ignored: not a Markdown (.md) file\n  \
             = help: an image here is published when an item shows it: `![Diagram](diagram.png)`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_image_is_an_error_with_its_line() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace(CASE, "Forty courses", "Forty ![d](diagram.png) courses");
    fails_with(
        &site,
        "content/partners/cedar-and-quill/case-studies/campus-migration.md:10:7: error: image: file `diagram.png` not found in the folder of this file\n  \
         = help: an image is a PNG, JPEG, WebP or SVG file stored next to this Markdown file (checked like logos), written by its file name, e.g. `![Diagram](diagram.png)`\n",
    );
}

#[cfg(unix)]
#[test]
fn an_image_linked_to_a_file_outside_the_site_is_refused() {
    let site = SiteTest::from_fixture("site-basic");
    let outside = site.root().parent().unwrap().join("secret.png");
    std::fs::write(&outside, png(4, 4)).unwrap();
    std::os::unix::fs::symlink(
        &outside,
        site.path("content/partners/cedar-and-quill/case-studies/d.png"),
    )
    .unwrap();
    site.replace(CASE, "Forty courses", "![d](d.png)\nForty courses");
    fails_with(
        &site,
        "content/partners/cedar-and-quill/case-studies/campus-migration.md:10:1: error: image: `d.png` is a link to a file outside the site; copy the file into the folder of this file\n  \
         = help: an image is a PNG, JPEG, WebP or SVG file stored next to this Markdown file (checked like logos), written by its file name, e.g. `![Diagram](diagram.png)`\n",
    );
}

#[test]
fn an_external_image_is_a_warning_naming_the_fix() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace(
        CASE,
        "Forty courses",
        "See ![d](https://cdn.example/d.png).\nForty courses",
    );
    let run = site.build(&[]);
    run.expect_success();
    assert_eq!(
        diagnostics(&run.stderr),
        "content/partners/cedar-and-quill/case-studies/campus-migration.md:10:5: warning: external image `https://cdn.example/d.png` is blocked by the site's Content-Security-Policy (img-src 'self'): visitors see no image\n  \
         = help: download the image, commit it next to this Markdown file and write its file name, e.g. `![Diagram](diagram.png)`"
    );
}
