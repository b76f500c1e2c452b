//! One read policy for every site file: links into the lead export, into `.git` or out
//! of `content/`, FIFOs, oversized and non-UTF-8 files are refused by `build` and `check`
//! alike (and by `serve`'s re-read), naming the file; SVG logos pass an allow-list.
#![cfg(unix)]

use crate::common;

use common::SiteTest;
use std::process::Command;

const ALPHA: &str = "content/partners/alpha-hosting";
const CANARY: &str = "CANARYTOKEN-GIT-0001";

/// The leads fixture (a private export in `leads/export.csv`) with a `.git/config`
/// holding a token, as in a CI checkout.
fn site() -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.write(
        ".git/config",
        format!("[http]\n\textraheader = AUTHORIZATION: basic {CANARY}\n"),
    );
    site
}

fn link(site: &SiteTest, target: &str, at: &str) {
    if site.path(at).exists() {
        site.remove(at);
    }
    site.symlink(target, at);
}

fn mkfifo(site: &SiteTest, at: &str) {
    let path = site.path(at);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    if path.exists() {
        std::fs::remove_file(&path).unwrap();
    }
    let made = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success(), "mkfifo {at}");
}

/// `build` and `check` both fail with exactly these diagnostics, print no private byte
/// and write nothing.
fn refused_by_build_and_check(site: &SiteTest, diagnostics: &str) {
    let build = site.build(&[]);
    build.expect_errors(diagnostics);
    let check = site.check(&[]);
    check.expect_failure(1);
    let n = diagnostics.matches(": error: ").count();
    let count = format!("{n} error{} found", if n == 1 { "" } else { "s" });
    assert_eq!(
        check.stderr.trim_end(),
        format!("{}\n\n{count}", diagnostics.trim_end()),
        "check: {check:?}"
    );
    for run in [&build, &check] {
        for secret in [CANARY, "CANARYNAME", "canarymail"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{secret} printed: {run:?}"
            );
        }
    }
    assert!(!site.public().exists(), "a refused build wrote output");
}

#[test]
fn baseline_builds_and_checks() {
    let site = site();
    site.write(&format!("{ALPHA}/about.md"), "We host Open edX.\n");
    site.check(&[]).expect_success();
    site.build(&[]).expect_success();
}

#[test]
fn about_md_linked_to_the_lead_export() {
    let site = site();
    link(
        &site,
        "../../../leads/export.csv",
        &format!("{ALPHA}/about.md"),
    );
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/about.md: error: this is a link into the lead export `leads/export.csv`
  = help: the lead export is private: never link to it; put the content in this file",
    );
}

#[test]
fn case_study_linked_to_git_config() {
    let site = site();
    site.write(
        ".git/notes.md",
        format!("+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\n{CANARY}\n"),
    );
    link(
        &site,
        "../../../../.git/config",
        &format!("{ALPHA}/case-studies/leak.md"),
    );
    link(
        &site,
        "../../../../.git/notes.md",
        &format!("{ALPHA}/posts/leak.md"),
    );
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/case-studies/leak.md: error: this is a link into the `.git` folder
  = help: `.git` holds the repository's settings and tokens: never link into it; put the content in this file
content/partners/alpha-hosting/posts/leak.md: error: this is a link into the `.git` folder
  = help: `.git` holds the repository's settings and tokens: never link into it; put the content in this file",
    );
}

#[test]
fn content_links_leaving_content_are_refused() {
    let site = site();
    site.write(
        "notes/secret.md",
        format!("+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\n{CANARY}\n"),
    );
    link(
        &site,
        "../../../notes/secret.md",
        &format!("{ALPHA}/about.md"),
    );
    link(&site, "../../../notes", &format!("{ALPHA}/posts"));
    // A logo linked to an SVG elsewhere in the site (not in content/).
    site.write(
        "static/shared.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    link(
        &site,
        "../../../static/shared.svg",
        &format!("{ALPHA}/logo.svg"),
    );
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/about.md: error: this is a link to a file outside content/
  = help: copy the file into content/ instead of linking to it
content/partners/alpha-hosting/partner.toml:4:8: error: `logo`: `logo.svg` is a link to a file outside content/; copy the file into the partner folder
content/partners/alpha-hosting/posts: error: this is a link to a file outside content/
  = help: copy the file into content/ instead of linking to it",
    );
    // Links that stay inside content/ are fine.
    site.remove(&format!("{ALPHA}/about.md"))
        .remove(&format!("{ALPHA}/posts"))
        .remove(&format!("{ALPHA}/logo.svg"));
    site.write("content/shared/about.md", "Shared text.\n");
    link(&site, "../../shared/about.md", &format!("{ALPHA}/about.md"));
    link(
        &site,
        "../beta-learning/logo.svg",
        &format!("{ALPHA}/logo.svg"),
    );
    site.check(&[]).expect_success();
    site.build(&[]).expect_success();
    assert!(
        site.output_text("partners/alpha-hosting/index.html")
            .contains("Shared text.")
    );
}

#[test]
fn logo_linked_to_the_lead_export() {
    let site = site();
    site.replace(
        &format!("{ALPHA}/partner.toml"),
        "logo = \"logo.svg\"",
        "logo = \"logo.png\"",
    );
    link(
        &site,
        "../../../leads/export.csv",
        &format!("{ALPHA}/logo.png"),
    );
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/partner.toml:4:8: error: `logo`: `logo.png` is a link into the lead export `leads/export.csv`; copy the file into the partner folder",
    );
}

#[test]
fn static_file_and_template_linked_to_private_files() {
    let site = site();
    link(&site, "../leads/export.csv", "static/leads.csv");
    link(&site, "../.git/config", "templates/page.html");
    refused_by_build_and_check(
        &site,
        "static/leads.csv: error: this is a link into the lead export `leads/export.csv`
  = help: the lead export is private: never link to it; put the content in this file
templates/page.html: error: this is a link into the `.git` folder
  = help: `.git` holds the repository's settings and tokens: never link into it; put the content in this file",
    );
}

#[test]
fn fifos_never_block() {
    let site = site();
    mkfifo(&site, &format!("{ALPHA}/about.md"));
    mkfifo(&site, &format!("{ALPHA}/posts/hello.md"));
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/about.md: error: this is a FIFO (named pipe), not a regular file
  = help: replace it with a plain file
content/partners/alpha-hosting/posts/hello.md: error: this is a FIFO (named pipe), not a regular file
  = help: replace it with a plain file",
    );
    // Templates and static files are checked once the content passes.
    let site = self::site();
    mkfifo(&site, "static/feed.xml");
    mkfifo(&site, "templates/page.html");
    refused_by_build_and_check(
        &site,
        "static/feed.xml: error: this is a FIFO (named pipe), not a regular file
  = help: replace it with a plain file
templates/page.html: error: this is a FIFO (named pipe), not a regular file
  = help: replace it with a plain file",
    );
}

#[test]
fn fifo_lead_export_never_blocks() {
    let site = site();
    mkfifo(&site, "leads/export.csv");
    refused_by_build_and_check(
        &site,
        "leads/export.csv: error: this is a FIFO (named pipe), not a regular file
  = help: replace it with a plain file",
    );
}

#[test]
fn size_limit_and_utf8_apply_to_templates_and_static_files() {
    let site = site();
    site.replace(
        "site.toml",
        "[leads]",
        "[security]\nmax_file_size = 1000\n\n[leads]",
    );
    site.write("static/big.txt", "x".repeat(1001));
    site.write(
        "templates/404.html",
        format!("{{# {} #}}", "y".repeat(1000)),
    );
    site.write("templates/page.html", b"{{ page.title }} caf\xe9\n");
    refused_by_build_and_check(
        &site,
        "static/big.txt: error: file is 1001 bytes; the limit is 1000 bytes
  = help: split the content or raise [security] max_file_size in site.toml
templates/404.html: error: file is 1006 bytes; the limit is 1000 bytes
  = help: split the content or raise [security] max_file_size in site.toml
templates/page.html:1:21: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding",
    );
}

#[test]
fn site_toml_is_read_under_the_policy() {
    let site = site();
    let text = site.read("site.toml");
    site.write("private/site.toml", &text);
    site.remove("site.toml");
    link(&site, ".git/config", "site.toml");
    let out = site.check(&[]);
    out.expect_failure(1);
    assert_eq!(
        out.stderr.trim_end(),
        "site.toml: error: this is a link into the `.git` folder
  = help: `.git` holds the repository's settings and tokens: never link into it; put the content in this file

1 error found"
    );
    site.remove("site.toml");
    let big = format!("{text}\n#{}\n", "z".repeat(5 * 1024 * 1024));
    site.write("site.toml", &big);
    let out = site.build(&[]);
    out.expect_errors(&format!(
        "site.toml: error: file is {} bytes; the limit is 5242880 bytes
  = help: split the content or raise [security] max_file_size in site.toml",
        big.len()
    ));
}

#[test]
fn serve_reload_refuses_a_file_that_became_a_link() {
    use partnersite::content::{self, Patched};
    use partnersite::pipeline::{self, BuildOptions};
    let site = site();
    let about = format!("{ALPHA}/about.md");
    site.write(&about, "We host Open edX.\n");
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        preview: true,
        ..Default::default()
    };
    let (mut full, _) = pipeline::load_full(&opts).unwrap().unwrap();
    let rel = std::path::Path::new(&about);
    site.write(&about, "We host Open edX, edited.\n");
    assert_eq!(
        content::reload_file(&mut full, rel).unwrap().unwrap(),
        Patched::Partner("alpha-hosting".into())
    );
    for (target, message) in [
        (
            "../../../leads/export.csv",
            "content/partners/alpha-hosting/about.md: error: this is a link into the lead export `leads/export.csv`",
        ),
        (
            "../../../.git/config",
            "content/partners/alpha-hosting/about.md: error: this is a link into the `.git` folder",
        ),
    ] {
        link(&site, target, &about);
        let diags = content::reload_file(&mut full, rel)
            .expect("a re-read, not a full reload")
            .expect_err("the link must be refused");
        let printed: Vec<String> = diags.0.iter().map(|d| d.to_string()).collect();
        assert_eq!(printed.len(), 1, "{printed:?}");
        assert!(printed[0].starts_with(message), "{printed:?}");
        let about = full.partner("alpha-hosting").unwrap().about_html.clone();
        let html = about.unwrap_or_default().text().into_owned();
        assert!(!html.contains("CANARY"), "{html}");
    }
}

// ---------------------------------------------------------------------------------------
// SVG logos

const NS: &str = "xmlns=\"http://www.w3.org/2000/svg\"";

fn svg(body: &str) -> String {
    format!("<svg {NS} viewBox=\"0 0 8 8\">{body}</svg>")
}

#[test]
fn svg_css_and_presentation_attributes_reference_only_the_file() {
    let only = "only url(#id) references inside the file are allowed";
    for (body, why) in [
        (
            "<style>rect { fill: url(http://evil.example/p.svg#g) }</style>".to_string(),
            format!("its <style> element loads an external resource `url(http://evil.example/p.svg#g)`; {only} (line 1)"),
        ),
        (
            "<style>rect { fill: \\75 rl(http://evil.example/p) }</style>".into(),
            format!("its <style> element loads an external resource `url(http://evil.example/p)` (written with comments or CSS escapes); {only} (line 1)"),
        ),
        (
            "<style>rect { fill: u/**/rl(http://evil.example/p) }</style>".into(),
            format!("its <style> element loads an external resource `url(http://evil.example/p)` (written with comments or CSS escapes); {only} (line 1)"),
        ),
        (
            "<style>rect { fill: u<!-- split -->rl(http://evil.example/p) }</style>".into(),
            format!("its <style> element loads an external resource `url(http://evil.example/p)`; {only} (line 1)"),
        ),
        (
            "<style>@import \"https://evil.example/a.css\";</style>".into(),
            "its <style> element loads an external resource with @import (line 1)".into(),
        ),
        (
            "<style>@\\69mport \"https://evil.example/a.css\";</style>".into(),
            "its <style> element loads an external resource with @import (written with comments or CSS escapes) (line 1)".into(),
        ),
        (
            "<rect width=\"8\" height=\"8\" fill=\"url(http://x)\"/>".into(),
            format!("its fill attribute loads an external resource `url(http://x)`; {only} (line 1)"),
        ),
        (
            "<rect width=\"8\" height=\"8\" mask=\"url( 'https://x/m.svg#m' )\"/>".into(),
            format!("its mask attribute loads an external resource `url(https://x/m.svg#m)`; {only} (line 1)"),
        ),
        (
            "<foreignObject width=\"8\" height=\"8\"/>".into(),
            "it contains the element <foreignObject> (line 1), which is not allowed in a logo; use shapes, paths, text and gradients".into(),
        ),
        (
            "<image href=\"#a\" width=\"8\" height=\"8\"/>".into(),
            "it contains the element <image> (line 1), which is not allowed in a logo; use shapes, paths, text and gradients".into(),
        ),
        (
            "<rect width=\"8\" height=\"8\" formaction=\"x\"/>".into(),
            "its <rect> element has the attribute `formaction` (line 1), which is not allowed in a logo".into(),
        ),
    ] {
        assert_eq!(
            partnersite::assets::check_svg(svg(&body).as_bytes()),
            Err(why),
            "{body}"
        );
    }
}

#[test]
fn svg_refusal_fails_build_and_check_naming_the_construct() {
    let site = site();
    site.write(
        &format!("{ALPHA}/logo.svg"),
        svg("<style>rect { fill: u/**/rl(http://evil.example/p) }</style>"),
    );
    refused_by_build_and_check(
        &site,
        "content/partners/alpha-hosting/partner.toml:4:8: error: `logo`: `logo.svg` is refused: its <style> element loads an external resource `url(http://evil.example/p)` (written with comments or CSS escapes); only url(#id) references inside the file are allowed (line 1)",
    );
}

#[test]
fn clean_svg_logo_still_passes() {
    let clean = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<svg {NS} xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" viewBox=\"0 0 64 64\" role=\"img\" aria-label=\"Alpha\" inkscape:version=\"1.3\">
  <title>Alpha Hosting</title>
  <desc>A blue disc with a gradient</desc>
  <defs>
    <linearGradient id=\"g\" x1=\"0\" x2=\"1\"><stop offset=\"0\" stop-color=\"#0af\"/><stop offset=\"1\" stop-color=\"#04a\"/></linearGradient>
    <clipPath id=\"c\"><circle cx=\"32\" cy=\"32\" r=\"30\"/></clipPath>
    <filter id=\"f\"><feGaussianBlur stdDeviation=\"1\"/></filter>
    <style>/* brand */ .t {{ font: bold 12px sans-serif; fill: url(#g); content: \"\\201C\" }}</style>
  </defs>
  <g clip-path=\"url(#c)\" filter=\"url( '#f' )\">
    <rect width=\"64\" height=\"64\" fill=\"url(#g)\" style=\"stroke: #000; stroke-width: 2\"/>
    <path d=\"M8 56 L32 8 L56 56 Z\" fill=\"none\" stroke=\"#fff\" transform=\"rotate(0 32 32)\"/>
  </g>
  <use xlink:href=\"#c\"/>
  <text class=\"t\" x=\"32\" y=\"40\" text-anchor=\"middle\">A<tspan dx=\"1\">H</tspan></text>
</svg>
"
    );
    assert_eq!(partnersite::assets::check_svg(clean.as_bytes()), Ok(()));
    let site = site();
    site.write(&format!("{ALPHA}/logo.svg"), &clean);
    site.check(&[]).expect_success();
    site.build(&[]).expect_success();
}

/// A lead export kept in a folder that is read or published (here `static/`, copied into
/// the output whole) is refused before anything is read or written.
#[test]
fn a_lead_export_inside_a_published_folder_is_refused() {
    for folder in ["static", "content", "templates", "themes/default"] {
        let site = site();
        let export = site.read("leads/export.csv");
        site.write(&format!("{folder}/export.csv"), &export);
        site.replace(
            "site.toml",
            "source = \"leads/export.csv\"",
            &format!("source = \"{folder}/export.csv\""),
        );
        let top = folder.split('/').next().unwrap();
        for run in [site.build(&[]), site.check(&[])] {
            run.expect_failure(1).stderr_contains(&format!(
                "error: [leads] source `{folder}/export.csv` is inside `{top}/`, which partnersite reads or publishes"
            ));
        }
        assert!(!site.public().exists(), "{folder}: nothing is written");
    }
}
