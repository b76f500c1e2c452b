//! Bad input: every problem of the issue's list, each with the exact message a content
//! editor sees (`path:line:col: error: message`, the hint, the count), and all problems of
//! a run reported together, sorted by path.

use crate::common;

use common::SiteTest;

const CEDAR: &str = "content/partners/cedar-and-quill/partner.toml";
const NANDU: &str = "content/partners/nandu/partner.toml";
const CASE_STUDY: &str = "content/partners/cedar-and-quill/case-studies/campus-migration.md";
const TESTIMONIAL: &str = "content/partners/cedar-and-quill/testimonials/jane.md";
const PAGE: &str = "content/pages/about-the-program.md";
const BLOG_POST: &str = "content/blog/welcome.md";

fn site() -> SiteTest {
    SiteTest::from_fixture("site-basic")
}

// --- Malformed TOML: the position is in the original file -----------------------------

#[test]
fn malformed_toml_in_site_toml() {
    let site = site();
    site.replace(
        "site.toml",
        "base_url = \"https://example.org/dir/\"",
        "base_url = \"https://example.org/dir/",
    );
    site.build(&[]).expect_errors(
        r#"site.toml:2:37: error: this text has no closing `"`
  = help: end the text with `"` on the same line (use `"""` around text of several lines)"#,
    );
}

#[test]
fn malformed_toml_in_partner_toml() {
    let site = site();
    site.replace(CEDAR, "tier = \"partner\"", "tier = partner");
    site.build(&[]).expect_errors(
        r#"content/partners/cedar-and-quill/partner.toml:2:8: error: text values must be quoted
  = help: write it like `key = "text"`"#,
    );
}

#[test]
fn malformed_toml_in_front_matter_is_placed_in_the_markdown_file() {
    let site = site();
    // Line 4 of the file is line 3 of the front matter: the `+++` line counts.
    site.replace(
        CASE_STUDY,
        "client = \"Example University\"",
        "client = \"Example University",
    );
    site.replace(
        BLOG_POST,
        "topic = \"company-news\"",
        "topic \"company-news\"",
    );
    site.build(&[]).expect_errors(
        r#"content/blog/welcome.md:4:7: error: key with no value, expected `=`
content/partners/cedar-and-quill/case-studies/campus-migration.md:4:29: error: this text has no closing `"`
  = help: end the text with `"` on the same line (use `"""` around text of several lines)"#,
    );
}

#[test]
fn duplicate_key() {
    let site = site();
    site.replace(
        CEDAR,
        "tier = \"partner\"",
        "tier = \"partner\"\nname = \"Twice\"",
    );
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:3:1: error: duplicate key `name`
  = help: this key is already set above in the same table; keep only one",
    );
}

// --- Front matter delimiters -----------------------------------------------------------

#[test]
fn missing_front_matter() {
    let site = site();
    site.write(PAGE, "title = \"About\"\n\nNo delimiters.\n");
    site.build(&[]).expect_errors(
        r#"content/pages/about-the-program.md:1:1: error: missing front matter: the file must start with a `+++` line
  = help: start the file with `+++`, the TOML fields (e.g. `title = "..."`), then another `+++` line"#,
    );
}

#[test]
fn unclosed_front_matter() {
    let site = site();
    site.write(PAGE, "+++\ntitle = \"About\"\n\nNo closing line.\n");
    site.build(&[]).expect_errors(
        "content/pages/about-the-program.md:1:1: error: front matter is not closed: no second `+++` line
  = help: add a line with only `+++` after the last front matter field",
    );
}

// --- Missing and unknown keys ----------------------------------------------------------

#[test]
fn missing_required_field() {
    let site = site();
    site.replace(CEDAR, "website = \"https://cedar-quill.example\"\n", "");
    // Every missing key of a record at once, not one per build.
    site.replace(CEDAR, "logo = \"logo.svg\"\n", "");
    site.replace(CASE_STUDY, "date = 2026-01-15\n", "");
    site.replace(TESTIMONIAL, "author = \"Jane Doe\"\n", "");
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/case-studies/campus-migration.md:2:1: error: missing required key `date`
  = help: add `date = ...`
content/partners/cedar-and-quill/partner.toml:1:1: error: missing required key `logo`
  = help: add `logo = ...`
content/partners/cedar-and-quill/partner.toml:1:1: error: missing required key `website`
  = help: add `website = ...`
content/partners/cedar-and-quill/testimonials/jane.md:2:1: error: missing required key `author`
  = help: name the person quoted, or set `anonymous = true`",
    );
}

#[test]
fn unknown_key_with_did_you_mean() {
    let site = site();
    site.replace("site.toml", "[services]", "[servics]");
    site.build(&[]).expect_errors(
        "site.toml:24:2: error: unknown key `servics`
  = help: did you mean `services`?",
    );

    let site = self::site();
    site.replace(CEDAR, "summary =", "sumary =");
    site.replace(BLOG_POST, "title =", "tilte =");
    site.replace(TESTIMONIAL, "role =", "rol =");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:2:1: error: unknown key `tilte`
  = help: did you mean `title`?
content/partners/cedar-and-quill/partner.toml:5:1: error: unknown key `sumary`
  = help: did you mean `summary`?
content/partners/cedar-and-quill/testimonials/jane.md:3:1: error: unknown key `rol`
  = help: did you mean `role`?",
    );
}

// --- Values ----------------------------------------------------------------------------

#[test]
fn unknown_vocabulary_ids_with_the_closest_valid_ids() {
    let site = site();
    site.replace(CEDAR, "tier = \"partner\"", "tier = \"partners\"");
    site.replace(
        CEDAR,
        "regions = [\"north-america\", \"europe\"]",
        "regions = [\"north-amerika\", \"asia\"]",
    );
    site.replace(
        CEDAR,
        "services = [\"hosting\", \"consulting\"]",
        "services = [\"hostin\"]",
    );
    site.replace(CEDAR, "pricing = \"subscription\"", "pricing = \"monthly\"");
    site.replace(
        CEDAR,
        "company_size = \"11-50\"",
        "company_size = \"11-49\"",
    );
    site.replace(BLOG_POST, "topic = \"company-news\"", "topic = \"news\"");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:4:9: error: `topic`: `news` is not a topic in [topics] of site.toml
  = help: valid values: `accessibility`, `company-news`
content/partners/cedar-and-quill/partner.toml:2:8: error: `tier`: `partners` is not an id in [tiers] of site.toml
  = help: did you mean `partner`?
content/partners/cedar-and-quill/partner.toml:7:12: error: `regions`: `north-amerika` is not a region in site.toml
  = help: did you mean `north-america`?
content/partners/cedar-and-quill/partner.toml:7:29: error: `regions`: `asia` is not a region in site.toml
  = help: valid values: `europe`, `north-america`, `latin-america`
content/partners/cedar-and-quill/partner.toml:8:13: error: `services`: `hostin` is not an id in [services] of site.toml
  = help: did you mean `hosting`?
content/partners/cedar-and-quill/partner.toml:10:11: error: `pricing`: `monthly` is not an id in [pricing] of site.toml
  = help: valid values: `subscription`, `fixed-price`
content/partners/cedar-and-quill/partner.toml:11:16: error: `company_size`: `11-49` is not an id in [company_size] of site.toml
  = help: did you mean `11-50`?",
    );
}

#[test]
fn invalid_country_codes() {
    let site = site();
    site.replace(CEDAR, "country = \"US\"", "country = \"XX\"");
    site.replace(NANDU, "country = \"AR\"", "country = \"ar\"");
    site.replace(
        "site.toml",
        "countries = [\"CA\", \"US\"]",
        "countries = [\"CA\", \"USA\"]",
    );
    site.build(&[]).expect_errors(
        r#"content/partners/cedar-and-quill/partner.toml:6:11: error: `country`: `XX` is not an ISO 3166-1 alpha-2 country code
  = help: use an ISO 3166-1 alpha-2 code such as "DE", "US" or "BR"
content/partners/nandu/partner.toml:6:11: error: `country`: `ar` is not an ISO 3166-1 alpha-2 country code
  = help: write it in upper case: "AR"
site.toml:18:20: error: region `north-america`: `USA` is not an ISO 3166-1 alpha-2 country code
  = help: use an ISO 3166-1 alpha-2 code such as "DE" or "BR""#,
    );
}

#[test]
fn invalid_dates() {
    let site = site();
    site.replace(CASE_STUDY, "date = 2026-01-15", "date = 2026-02-30");
    site.replace(BLOG_POST, "date = 2026-01-01", "date = \"2026-01-01\"");
    site.replace(CEDAR, "joined = 2021-12-14", "joined = 2021-13-01");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:3:8: error: expected a date like 2026-03-14 (without quotes)
  = help: remove the quotes: 2026-01-01
content/partners/cedar-and-quill/case-studies/campus-migration.md:3:8: error: invalid date, expected day between 01 and 28
content/partners/cedar-and-quill/partner.toml:13:10: error: invalid date, expected month between 01 and 12",
    );
}

#[test]
fn invalid_urls() {
    let site = site();
    site.replace(
        CEDAR,
        "website = \"https://cedar-quill.example\"",
        "website = \"cedar-quill.example\"",
    );
    site.replace(
        CEDAR,
        "contact = \"mailto:hello@cedar-quill.example\"",
        "contact = \"javascript:alert(1)\"",
    );
    site.build(&[]).expect_errors(
        r#"content/partners/cedar-and-quill/partner.toml:3:11: error: `website` "cedar-quill.example" is not an http(s) URL
  = help: write the full address, e.g. "https://example.com"
content/partners/cedar-and-quill/partner.toml:14:11: error: `contact` "javascript:alert(1)" is not a mailto: or https: URL
  = help: write "mailto:hello@example.org" or "https://example.org/contact""#,
    );

    let site = self::site();
    site.replace(
        "site.toml",
        "base_url = \"https://example.org/dir/\"",
        "base_url = \"example.org/dir/\"",
    );
    site.build(&[]).expect_errors(
        r#"site.toml:2:12: error: `base_url` "example.org/dir/" is not an http(s) URL
  = help: write it like "https://openedx.github.io/partners/""#,
    );
}

#[test]
fn summary_over_200_characters() {
    let site = site();
    let long = "é".repeat(201); // characters, not bytes
    site.replace(
        NANDU,
        "summary = \"Consultoría Open edX en Argentina.\"",
        &format!("summary = \"{long}\""),
    );
    site.build(&[]).expect_errors(
        "content/partners/nandu/partner.toml:5:11: error: `summary` is 201 characters long; the limit is 200
  = help: shorten it by 1 character; the long text belongs in about.md",
    );
    let site = self::site();
    site.replace(
        NANDU,
        "summary = \"Consultoría Open edX en Argentina.\"",
        &format!("summary = \"{}\"", "é".repeat(200)),
    );
    site.build(&[]).expect_success();
}

#[test]
fn bad_slugs_in_folder_and_file_names() {
    let site = site();
    site.rename("content/partners/nandu", "content/partners/Nandu_SA");
    site.rename(BLOG_POST, "content/blog/Welcome Post.md");
    site.rename(
        CASE_STUDY,
        "content/partners/cedar-and-quill/case-studies/campus--migration.md",
    );
    site.build(&[]).expect_errors(
        "content/blog/Welcome Post.md: error: file name `Welcome Post.md` is not a valid slug
  = help: rename it to `welcome-post.md` (lower-case letters, digits and single hyphens)
content/partners/Nandu_SA: error: partner folder name `Nandu_SA` is not a valid slug
  = help: rename the folder to `nandu-sa` (it becomes the URL)
content/partners/cedar-and-quill/case-studies/campus--migration.md: error: file name `campus--migration.md` is not a valid slug
  = help: rename it to `campus-migration.md` (lower-case letters, digits and single hyphens)",
    );
}

#[test]
fn two_items_with_the_same_url() {
    // A logo named like the generated badge, and a static file over a generated page.
    let logo = site();
    logo.rename(
        "content/partners/nandu-sur/logo.svg",
        "content/partners/nandu-sur/badge.svg",
    );
    logo.replace(
        "content/partners/nandu-sur/partner.toml",
        "logo = \"logo.svg\"",
        "logo = \"badge.svg\"",
    );
    logo.write("static/blog/index.html", "<p>mine</p>");
    logo.build(&[]).expect_errors(
        "content/partners/nandu-sur/partner.toml:4:8: error: `logo`: the URL /partners/nandu-sur/badge.svg is reserved: partnersite generates it from the template badge.svg
  = help: rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)
static/blog/index.html: error: the URL /blog/ is reserved: partnersite generates it from the template list.html
  = help: rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)",
    );

    // Pages live at /<slug>/: a page may not take a generated section's URL.
    let site = site();
    site.write("content/pages/blog.md", "+++\ntitle = \"Our blog\"\n+++\n");
    site.write(
        "content/pages/case-studies.md",
        "+++\ntitle = \"Stories\"\n+++\n",
    );
    site.build(&[]).expect_errors(
        "content/pages/blog.md:1:1: error: the URL /blog/ is reserved: partnersite generates it from the template list.html
  = help: rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)
content/pages/case-studies.md:1:1: error: the URL /case-studies/ is reserved: partnersite generates it from the template list.html
  = help: rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)",
    );
}

// --- Logos -----------------------------------------------------------------------------

#[test]
fn logo_missing_not_an_image_or_mislabelled() {
    let site = site();
    site.replace(NANDU, "logo = \"logo.svg\"", "logo = \"nandu.svg\"");
    site.replace(
        "content/partners/oconnell-learning/partner.toml",
        "logo = \"logo.svg\"",
        "logo = \"logo.png\"",
    );
    site.write(
        "content/partners/oconnell-learning/logo.png",
        "this is not a picture",
    );
    // An SVG saved under a .png name.
    site.replace(
        "content/partners/edunext-like/partner.toml",
        "logo = \"logo.svg\"",
        "logo = \"logo.png\"",
    );
    site.rename(
        "content/partners/edunext-like/logo.svg",
        "content/partners/edunext-like/logo.png",
    );
    site.replace(
        "content/partners/ostersjo-larande/partner.toml",
        "logo = \"logo.svg\"",
        "logo = \"logo.txt\"",
    );
    site.replace(
        CEDAR,
        "file = \"clients/pixel-college.png\"",
        "file = \"clients/pixel-college.jpg\"",
    );
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:28:8: error: [[client_logos]] `file`: file `clients/pixel-college.jpg` not found in the partner folder
content/partners/edunext-like/partner.toml:4:8: error: `logo`: `logo.png` holds a SVG image but its name says PNG; rename it or convert it
content/partners/nandu/partner.toml:4:8: error: `logo`: file `nandu.svg` not found in the partner folder
content/partners/oconnell-learning/partner.toml:4:8: error: `logo`: `logo.png` is not an image (expected PNG content)
content/partners/ostersjo-larande/partner.toml:4:8: error: `logo`: `logo.txt` is not an image file name; use .svg, .png, .jpg or .webp",
    );
}

#[test]
fn logo_outside_the_partner_folder() {
    let site = site();
    site.replace(
        NANDU,
        "logo = \"logo.svg\"",
        "logo = \"../nandu-sur/logo.svg\"",
    );
    site.replace(
        "content/partners/oconnell-learning/partner.toml",
        "logo = \"logo.svg\"",
        "logo = \"/etc/logo.svg\"",
    );
    site.replace(
        CEDAR,
        "file = \"clients/example-university.svg\"",
        "file = \"clients/../../nandu/logo.svg\"",
    );
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:23:8: error: [[client_logos]] `file`: `clients/../../nandu/logo.svg` leaves the partner folder; name a file inside it
content/partners/nandu/partner.toml:4:8: error: `logo`: `../nandu-sur/logo.svg` leaves the partner folder; name a file inside it
content/partners/oconnell-learning/partner.toml:4:8: error: `logo`: `/etc/logo.svg` is an absolute path; name a file inside the partner folder",
    );
}

#[cfg(unix)]
#[test]
fn logo_symlink_leaving_the_site_root() {
    let site = site();
    let outside = site.root().parent().unwrap().join("outside.svg");
    std::fs::write(&outside, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    site.remove("content/partners/nandu/logo.svg");
    std::os::unix::fs::symlink(&outside, site.path("content/partners/nandu/logo.svg")).unwrap();
    site.remove("content/partners/cedar-and-quill/clients/example-university.svg");
    std::os::unix::fs::symlink(
        &outside,
        site.path("content/partners/cedar-and-quill/clients/example-university.svg"),
    )
    .unwrap();
    site.build(&[]).expect_errors(
        "content/partners/cedar-and-quill/partner.toml:23:8: error: [[client_logos]] `file`: `clients/example-university.svg` is a link to a file outside the site; copy the file into the partner folder
content/partners/nandu/partner.toml:4:8: error: `logo`: `logo.svg` is a link to a file outside the site; copy the file into the partner folder",
    );
    // A link that stays inside the site is fine (shared logos in a monorepo).
    site.remove("content/partners/nandu/logo.svg");
    std::os::unix::fs::symlink(
        "../nandu-sur/logo.svg",
        site.path("content/partners/nandu/logo.svg"),
    )
    .unwrap();
    site.remove("content/partners/cedar-and-quill/clients/example-university.svg");
    site.write(
        "content/partners/cedar-and-quill/clients/example-university.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build(&[]).expect_success();
}

// --- Text ------------------------------------------------------------------------------

#[test]
fn non_utf8_text() {
    let site = site();
    site.write(
        BLOG_POST,
        b"+++\ntitle = \"Caf\xe9\"\ndate = 2026-01-01\n+++\nLatin-1, not UTF-8.\n",
    );
    site.write("content/partners/nandu/about.md", b"Hola.\n\n\xff\xfe\n");
    site.write(NANDU, b"name = \"\xd1and\xfa\"\n");
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:2:13: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding
content/partners/nandu/about.md:3:1: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding
content/partners/nandu/partner.toml:1:9: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding",
    );

    let site = self::site();
    let mut text = site.read("site.toml").into_bytes();
    text.extend_from_slice(b"# \xe9\n");
    site.write("site.toml", &text);
    site.build(&[]).expect_errors(
        "site.toml:45:3: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding",
    );
}

#[test]
fn empty_titles_and_names() {
    let site = site();
    site.replace(PAGE, "title = \"About the program\"", "title = \"  \"");
    site.replace(
        CASE_STUDY,
        "title = \"Campus migration to Open edX\"",
        "title = \"\"",
    );
    site.replace(
        BLOG_POST,
        "title = \"Welcome to the directory\"",
        "title = \"\"",
    );
    site.replace(NANDU, "name = \"Ñandú\"", "name = \"\"");
    site.replace(
        "site.toml",
        "title = \"Test Partner Directory\"",
        "title = \"\"",
    );
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:2:9: error: `title` is empty
  = help: write a title
content/pages/about-the-program.md:2:9: error: `title` is empty
  = help: write a title
content/partners/cedar-and-quill/case-studies/campus-migration.md:2:9: error: `title` is empty
  = help: write a title
content/partners/nandu/partner.toml:1:8: error: `name` is empty
  = help: write the partner's public name
site.toml:1:9: error: `title` is empty
  = help: give the site a title",
    );
}

// --- All at once -----------------------------------------------------------------------

#[test]
fn every_problem_of_a_run_is_reported_sorted_by_path() {
    let site = site();
    // One problem in each of several files, written in an order unlike the sorted one.
    site.replace(
        "site.toml",
        "countries = [\"AR\", \"BR\"]",
        "countries = [\"AR\", \"br\"]",
    );
    site.write(PAGE, "No front matter.\n");
    site.replace(NANDU, "tier = \"verified-provider\"", "tier = \"verified\"");
    site.replace(CASE_STUDY, "date = 2026-01-15", "date = 2026-01-32");
    site.replace(BLOG_POST, "title =", "titel =");
    site.replace(
        "content/partners/ostersjo-larande/partner.toml",
        "country = \"SE\"",
        "country = \"Sweden\"",
    );
    site.write(
        "content/partners/oconnell-learning/posts/hello.md",
        b"+++\ntitle = \"Dia dhuit\"\ndate = 2026-01-01\n+++\n\xe1\n",
    );
    let run = site.build(&[]);
    run.expect_errors(
        r#"content/blog/welcome.md:2:1: error: unknown key `titel`
  = help: did you mean `title`?
content/pages/about-the-program.md:1:1: error: missing front matter: the file must start with a `+++` line
  = help: start the file with `+++`, the TOML fields (e.g. `title = "..."`), then another `+++` line
content/partners/cedar-and-quill/case-studies/campus-migration.md:3:8: error: invalid date, expected day between 01 and 31
content/partners/nandu/partner.toml:2:8: error: `tier`: `verified` is not an id in [tiers] of site.toml
  = help: did you mean `verified-provider`?
content/partners/oconnell-learning/posts/hello.md:5:1: error: file is not valid UTF-8 text
  = help: re-save the file with UTF-8 encoding
content/partners/ostersjo-larande/partner.toml:6:11: error: `country`: `Sweden` is not an ISO 3166-1 alpha-2 country code
  = help: use an ISO 3166-1 alpha-2 code such as "DE", "US" or "BR"
site.toml:22:20: error: region `latin-america`: `br` is not an ISO 3166-1 alpha-2 country code
  = help: write it in upper case: "BR""#,
    );
    assert!(
        run.stderr.contains("\n\n7 errors found\n"),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists(), "nothing was written");
}

#[test]
fn check_reports_the_same_problems_and_writes_nothing() {
    let site = site();
    site.replace(CEDAR, "tier = \"partner\"", "tier = \"gold\"");
    site.check(&[]).expect_failure(1).expect_stderr(
        "content/partners/cedar-and-quill/partner.toml:2:8: error: `tier`: `gold` is not an id in [tiers] of site.toml
  = help: valid values: `partner`, `verified-provider`

1 error found",
    );
    assert!(!site.public().exists(), "check wrote output");
}

// --- Small items (issue 10) -------------------------------------------------------------

#[test]
fn a_country_listed_twice_in_one_region_names_the_region_once() {
    let site = site();
    site.replace(
        "site.toml",
        "countries = [\"DE\", \"ES\", \"IE\", \"SE\"]",
        "countries = [\"DE\", \"ES\", \"IE\", \"SE\", \"DE\"]",
    );
    site.build(&[]).expect_errors(
        "site.toml:12:10: error: country `DE` is listed twice in region `europe`
  = help: remove the second `DE`",
    );
}

#[test]
fn yaml_front_matter_gets_a_hint() {
    let site = site();
    site.write(
        BLOG_POST,
        "---\ntitle: Welcome\ndate: 2026-01-01\n---\n\nHello.\n",
    );
    site.build(&[]).expect_errors(
        "content/blog/welcome.md:1:1: error: missing front matter: the file must start with a `+++` line
  = help: this looks like YAML front matter (`---`): partnersite reads TOML between `+++` lines; replace both `---` lines with `+++` and write the fields as TOML (`title = \"...\"`, `date = 2026-03-14`)",
    );
}
