//! The partner badges (the strip `badge.svg` and the card `badge-card.svg`): tier colours
//! from `[badge.colors]` with their errors, readable text on any colour, text boxes that
//! hold their text, escaping; and the contributions page's counted / required cells.

use crate::common::{self, SiteTest, attr, line_col, one, one_in, select, select_in, text};

/// The example's partners, one per tier.
const PARTNER: &str = "cedar-and-quill-learning";
const VERIFIED: &str = "ipe-digital";
const COMMUNITY: &str = "atlas-mesa-learning";

/// The example's `[badge.colors]` lines.
const VERIFIED_COLOR: &str = "verified-provider = \"#0a6e4f\"";
const COMMUNITY_COLOR: &str = "community = \"#5b3f8c\"";

fn svg(site: &SiteTest, slug: &str, file: &str) -> String {
    let rel = format!("partners/{slug}/{file}");
    let svg = site.output_text(&rel);
    common::assert_well_formed_xml(&rel, &svg);
    svg
}

/// The fill of the strip's tier segment (its second rect) and of its tier text.
fn strip_colors(svg: &str) -> (String, String) {
    let doc = roxmltree::Document::parse(svg).expect("the badge parses");
    let rects: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.parent().is_some_and(|p| p == doc.root_element()))
        .collect();
    let text = doc
        .descendants()
        .find(|n| n.has_tag_name("text"))
        .expect("a text");
    let fill = |n: roxmltree::Node| n.attribute("fill").unwrap_or_default().to_string();
    (fill(rects[1]), fill(text))
}

/// WCAG 2 contrast of two `#rrggbb` colours, computed here independently of the binary.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |hex: &str| {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    };
    let (a, b) = (lum(a), lum(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn each_tier_has_its_colour_from_site_toml_with_readable_text() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    for (slug, color) in [
        (PARTNER, "#d23228"),
        (VERIFIED, "#0a6e4f"),
        (COMMUNITY, "#5b3f8c"),
    ] {
        let (bg, fg) = strip_colors(&svg(&site, slug, "badge.svg"));
        assert_eq!(bg, color, "{slug}");
        assert_eq!(fg, "#ffffff", "{slug}");
        let card = svg(&site, slug, "badge-card.svg");
        assert!(
            card.contains(&format!("fill=\"{color}\"")),
            "{slug}: {card}"
        );
    }

    // A light colour gets black text; short hex is accepted.
    site.replace("site.toml", VERIFIED_COLOR, "verified-provider = \"#FD5\"");
    site.build(&[]).expect_success();
    let (bg, fg) = strip_colors(&svg(&site, VERIFIED, "badge.svg"));
    assert_eq!((bg.as_str(), fg.as_str()), ("#ffdd55", "#000000"));
    assert!(contrast(&bg, &fg) >= 4.5);

    // Without `[badge.colors]` the tiers still differ (the default palette), readable.
    site.edit("site.toml", |t| {
        let start = t.find("[badge.colors]").unwrap();
        let end = start + t[start..].find("\n\n").unwrap();
        format!("{}{}", &t[..start], &t[end..])
    });
    site.build(&[]).expect_success();
    let colors: Vec<(String, String)> = [PARTNER, VERIFIED, COMMUNITY]
        .iter()
        .map(|slug| strip_colors(&svg(&site, slug, "badge.svg")))
        .collect();
    assert_ne!(colors[0].0, colors[1].0);
    assert_ne!(colors[1].0, colors[2].0);
    for (bg, fg) in &colors {
        assert!(contrast(bg, fg) >= 4.5, "{bg} on {fg}");
    }
}

#[test]
fn a_bad_colour_and_an_unknown_tier_are_errors_at_their_line_and_column() {
    let site = SiteTest::example();
    site.replace(
        "site.toml",
        VERIFIED_COLOR,
        "verified-provider = \"#0a6e4\"",
    )
    .replace("site.toml", COMMUNITY_COLOR, "comunity = \"#5b3f8c\"");
    let toml = site.read("site.toml");
    let (l1, c1) = line_col(&toml, toml.find("\"#0a6e4\"").unwrap());
    let (l2, c2) = line_col(&toml, toml.find("comunity").unwrap());
    site.build(&[]).expect_errors(&format!(
        "site.toml:{l1}:{c1}: error: [badge.colors] `verified-provider`: \"#0a6e4\" is not a hex colour
  = help: write it as `#` and six hex digits, e.g. \"#0a6e4f\"
site.toml:{l2}:{c2}: error: [badge.colors] `comunity` is not a tier
  = help: did you mean `community`?"
    ));
}

/// Every `<text>` of an SVG: its x, its textLength, and lengthAdjust.
fn texts(svg: &str) -> Vec<(String, f64, f64, String)> {
    let doc = roxmltree::Document::parse(svg).expect("the badge parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let num = |a: &str| -> f64 {
                n.attribute(a)
                    .unwrap_or_else(|| panic!("<text> without {a}"))
                    .parse()
                    .unwrap()
            };
            (
                n.text().unwrap_or_default().to_string(),
                num("x"),
                num("textLength"),
                n.attribute("lengthAdjust").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn badge_text_is_sized_to_its_box_with_text_length() {
    let site = SiteTest::example();
    let long = "Wide Wandering Mammoth Workshop Wonders WWW Multimedia Maker";
    assert_eq!(long.chars().count(), 60);
    site.replace(
        &format!("content/partners/{COMMUNITY}/partner.toml"),
        "name = \"Atlas Mesa Learning\"",
        &format!("name = \"{long}\""),
    );
    site.build(&[]).expect_success();
    let mut lengths = std::collections::BTreeMap::new();
    for slug in [PARTNER, VERIFIED, COMMUNITY] {
        let svg = svg(&site, slug, "badge.svg");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let width: f64 = doc
            .root_element()
            .attribute("width")
            .unwrap()
            .parse()
            .unwrap();
        let split: f64 = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .nth(1)
            .and_then(|n| n.attribute("width"))
            .unwrap()
            .parse()
            .unwrap();
        let t = texts(&svg);
        assert_eq!(t.len(), 2, "{svg}");
        for (label, x, len, adjust) in &t {
            assert_eq!(adjust, "spacingAndGlyphs", "{label}");
            // Real glyph widths: at least 5 px a character at 11 px for these labels.
            assert!(*len >= 5.0 * label.chars().count() as f64, "{label}: {len}");
            lengths.insert(label.clone(), *len);
            let _ = x;
        }
        let (tier, name) = (&t[0], &t[1]);
        assert!(tier.1 + tier.2 + 6.0 <= split, "{}: {svg}", tier.0);
        assert!(
            name.1 >= split && name.1 + name.2 + 6.0 <= width,
            "{}: {svg}",
            name.0
        );
    }
    // Measured, not counted: as many characters, different widths.
    assert!(lengths["Community Contributor"] > lengths["Open edX Partner"]);
    assert!(lengths[long] > 300.0);

    // The card: every line within its 320 px, squeezed where it must be.
    let card = svg(&site, COMMUNITY, "badge-card.svg");
    let lines = texts(&card);
    assert_eq!(lines.len(), 4, "tier, two name lines, footer: {card}");
    for (label, x, len, adjust) in &lines {
        assert_eq!(adjust, "spacingAndGlyphs", "{label}");
        assert!(x + len <= 306.0, "{label}: {x} + {len}");
    }
    let name: Vec<&str> = lines[1..3].iter().map(|l| l.0.as_str()).collect();
    assert_eq!(name.join(" "), long);
}

#[test]
fn badges_draw_the_mark_inline_and_are_labelled() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let favicon = site.output_text("favicon.svg");
    let d = favicon
        .split("d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for file in ["badge.svg", "badge-card.svg"] {
        let svg = svg(&site, PARTNER, file);
        assert!(svg.contains(&format!("d=\"{d}\"")), "{file} lacks the mark");
        assert!(!svg.contains("href"), "{file} refers to another file");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let title = root.children().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(root.attribute("aria-label"), title.text());
        assert!(
            title
                .text()
                .unwrap()
                .starts_with("Open edX Partner: Cedar & Quill Learning")
        );
    }
    let card = svg(&site, PARTNER, "badge-card.svg");
    assert!(card.contains(">Member since 2020 · Open edX Partner Directory</text>"));
    // The profile offers the card beside the strip.
    let profile = site.html(&format!("partners/{PARTNER}/"));
    let link = one(&profile, "section.badge-embed a[href$=\"badge-card.svg\"]");
    assert_eq!(text(link), "badge-card.svg");
}

#[test]
fn a_hostile_name_is_escaped_in_both_badges() {
    let site = SiteTest::example();
    let hostile = r#"<script>alert("x")</script> & 'Q' ]]> <!--"#;
    site.replace(
        &format!("content/partners/{PARTNER}/partner.toml"),
        "name = \"Cedar & Quill Learning\"",
        &format!("name = '''{hostile}'''"),
    );
    site.build(&[]).expect_success();
    for file in ["badge.svg", "badge-card.svg"] {
        let svg = svg(&site, PARTNER, file);
        assert!(!svg.contains("<script"), "{file}: {svg}");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
        let shown: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(shown.join(" ").contains(hostile), "{file}: {shown:?}");
        let label = doc.root_element().attribute("aria-label").unwrap();
        assert!(label.contains(hostile), "{file}: {label}");
    }
}

#[test]
fn the_badge_snippets_link_to_the_absolute_profile_url() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let profile = site.html(&format!("partners/{PARTNER}/"));
    let permalink = format!("https://openedx.github.io/partners/partners/{PARTNER}/");
    let snippet = scraper::Html::parse_fragment(&text(one(&profile, "textarea#badge-html")));
    assert_eq!(attr(one(&snippet, "a"), "href"), permalink);
    assert!(text(one(&profile, "textarea#badge-md")).ends_with(&format!("]({permalink})")));
}

/// The example with a stricter rule (60% of clients), so that partners fall short.
fn short_of_content() -> SiteTest {
    let site = SiteTest::example();
    site.replace("site.toml", "percent = 20", "percent = 60")
        .replace(
            "site.toml",
            "on_missing = \"fail\"",
            "on_missing = \"warn\"",
        );
    site.build(&[]).expect_success();
    site
}

#[test]
fn contributions_show_counted_over_required_and_the_status_in_words() {
    let site = short_of_content();
    let doc = site.html("program/contributions/");
    let headers: Vec<String> = select(&doc, "table.contrib thead th")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        headers,
        [
            "Partner",
            "Status",
            "Case studies",
            "Posts",
            "Testimonials",
            "Client logos"
        ]
    );
    let row = |name: &str| {
        select(&doc, "table.contrib tbody tr")
            .into_iter()
            .find(|tr| text(one_in(*tr, "th")) == name)
            .unwrap_or_else(|| panic!("no row for {name}"))
    };
    // Cedar & Quill: 5 clients acquired... 2 of each kind counted, 5 required.
    let cedar = row("Cedar & Quill Learning");
    let cells: Vec<String> = select_in(cedar, "td").into_iter().map(text).collect();
    assert_eq!(cells[0], "✗ Missing 12 items");
    assert_eq!(cells[1], "2 / 5 case studies, 3 missing");
    let counts: Vec<String> = select_in(cedar, "td .contrib-count")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(counts, ["2 / 5", "2 / 5", "2 / 5", "2 / 5"]);
    assert_eq!(select_in(cedar, "td.num.is-short").len(), 4);
    // Met and exempt are words too, with the exemption's reason.
    let lotus = row("Lotus Path Learning");
    assert_eq!(text(one_in(lotus, "td.contrib-state")), "✓ Met");
    assert!(select_in(lotus, "td.is-short").is_empty());
    let atlas = text(one_in(row("Atlas Mesa Learning"), "td.contrib-state"));
    assert!(atlas.starts_with("– Exempt Joined the program"), "{atlas}");
    // Every status is one of the words, never a colour alone.
    for td in select(&doc, "table.contrib td.contrib-state") {
        let status = text(one_in(td, ".contrib-status"));
        assert!(
            status == "✓ Met" || status == "– Exempt" || status.starts_with("✗ Missing "),
            "{status}"
        );
    }
    let summary = text(one(&doc, ".contrib-summary"));
    assert_eq!(
        summary,
        "13 partners: ✓ 1 met ✗ 11 missing content – 1 exempt"
    );
}

#[test]
fn a_kind_the_rule_does_not_require_says_so() {
    let site = SiteTest::example();
    site.replace(
        "site.toml",
        "require = [\"case-studies\", \"posts\", \"testimonials\", \"client-logos\"]",
        "require = [\"case-studies\", \"posts\"]",
    );
    site.build(&[]).expect_success();
    let doc = site.html("program/contributions/");
    let tr = select(&doc, "table.contrib tbody tr")[1];
    let cells: Vec<String> = select_in(tr, "td.num").into_iter().map(text).collect();
    assert_eq!(
        cells,
        [
            "2 / 2 case studies",
            "2 / 2 posts",
            "testimonials not required",
            "client logos not required"
        ]
    );
}
