//! `partnersite new partner` and `partnersite init`: scaffolding that builds and passes
//! `check` as written.

use crate::config::{self, SiteConfig, Vocab, is_slug, slugify};
use crate::kinds;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn ids(v: &Vocab) -> String {
    v.entries
        .iter()
        .map(|e| format!("{} ({})", e.id, e.label))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first(v: &Vocab) -> &str {
    v.entries.first().map_or("", |e| e.id.as_str())
}

/// TOML basic string literal.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A placeholder logo: the initials on a coloured square.
pub fn placeholder_logo(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    // The site's one HTML/XML escaper; writing into a Vec cannot fail.
    let mut escaped = Vec::new();
    let _ = crate::render::theme::escape(&initials, &mut escaped);
    let escaped = String::from_utf8_lossy(&escaped);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 120\" width=\"120\" height=\"120\"><rect width=\"120\" height=\"120\" rx=\"16\" fill=\"#1f2a44\"/><text x=\"60\" y=\"74\" font-family=\"Verdana,sans-serif\" font-size=\"44\" fill=\"#ffffff\" text-anchor=\"middle\">{escaped}</text></svg>\n"
    )
}

/// Fill the `{name}` placeholders of a scaffold template in one pass (a value that
/// itself holds braces is copied as written); unknown names are left as they are.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = vars.iter().find(|(k, _)| *k == name)?.1;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The optional vocabulary keys of partner.toml with their comment, listed in the
/// scaffold when the site defines the vocabulary.
fn optional_keys(c: &SiteConfig) -> String {
    let mut s = String::new();
    for (comment, key, vocab) in [
        ("Pricing model", "pricing", &c.pricing),
        ("Company size", "company_size", &c.company_size),
        ("Market you serve", "market_size", &c.market_size),
    ] {
        if !vocab.entries.is_empty() {
            let _ = writeln!(
                s,
                "# {comment}, one of: {}\n{key} = {}",
                ids(vocab),
                toml_str(first(vocab))
            );
        }
    }
    s
}

/// A commented partner.toml (`scaffold/partner.toml`) for a new partner, with the site's
/// vocabularies listed; `draft` is what the record starts as (`new partner` writes a
/// draft so the site stays green until the editor publishes it).
pub fn partner_toml(c: &SiteConfig, name: &str, year: u16, draft: bool) -> String {
    let region = c.regions.0.first();
    let country = region
        .and_then(|r| r.countries.first())
        .map_or("US", |c| c.as_str());
    let region_ids = c
        .regions
        .0
        .iter()
        .map(|r| format!("{} ({})", r.id, r.label))
        .collect::<Vec<_>>()
        .join(", ");
    let vars = [
        ("name", toml_str(name)),
        ("tier_ids", ids(&c.tiers)),
        ("tier", toml_str(first(&c.tiers))),
        (
            "summary",
            toml_str(&format!("{name} helps organisations run Open edX.")),
        ),
        ("country", toml_str(country)),
        ("region_ids", region_ids),
        ("region", region.map_or(String::new(), |r| toml_str(&r.id))),
        ("service_ids", ids(&c.services)),
        ("service", toml_str(first(&c.services))),
        ("optional", optional_keys(c)),
        ("year", year.to_string()),
        ("draft", draft.to_string()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // content/partners/<slug>/partner.toml -> <root>/schemas/partner.schema.json
    let directive = crate::schema::directive(3, crate::schema::PARTNER);
    directive + &fill(include_str!("scaffold/partner.toml"), &vars)
}

/// about.md and one example item per partner kind that has one ([`crate::kinds::Kind::example`]).
fn example_files(year: u16, draft: bool, topic: &str) -> Vec<(String, String)> {
    let (year, topic) = (year.to_string(), toml_str(topic));
    let vars = [
        ("year", year.as_str()),
        ("draft", if draft { "draft = true\n" } else { "" }),
        ("topic", topic.as_str()),
    ];
    let mut files = vec![("about.md".to_string(), ABOUT_MD.to_string())];
    for kind in kinds::partner_kinds() {
        if let (Some(folder), Some((file, template))) = (kind.partner_folder, kind.example) {
            files.push((format!("{folder}/{file}"), fill(template, &vars)));
        }
    }
    files
}

const ABOUT_MD: &str = "## Who we are\n\nTell learners and organisations what you do with Open edX, who you work with and where.\n\n## What we offer\n\n- Hosting, upgrades and support\n- Course design and production\n";

/// Scaffold `content/partners/<slug>/`.
pub fn new_partner(root: &Path, slug: &str, name: Option<&str>) -> Result<PathBuf> {
    if !is_slug(slug) {
        bail!(
            "`{slug}` is not a valid slug (lower-case letters, digits and single hyphens), e.g. `{}`",
            slugify(slug)
        );
    }
    let (config, diags) = config::load(root)?;
    let Some(config) = config else {
        bail!(
            "site.toml has errors; run `partnersite check` first:\n{}",
            diags
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    };
    let dir = root.join("content").join("partners").join(slug);
    if dir.exists() {
        bail!(
            "{} already exists; choose another slug or edit that folder",
            dir.display()
        );
    }
    let name = name.map(str::to_string).unwrap_or_else(|| {
        slug.split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    });
    let year = config.rules.as_ref().map_or(2026, |r| r.year);
    let topic = config
        .rules
        .as_ref()
        .and_then(|r| r.approved_topics.first().cloned())
        .unwrap_or_else(|| first(&config.topics).to_string());
    write(
        &dir.join("partner.toml"),
        &partner_toml(&config, &name, year, true),
    )?;
    write(&dir.join("logo.svg"), &placeholder_logo(&name))?;
    for (rel, text) in example_files(year, true, &topic) {
        write(&dir.join(rel), &text)?;
    }
    Ok(dir)
}

const INIT_SITE: &str = r#"title = "Open edX Partner Directory"
base_url = "https://example.org/"
description = "Service providers who build on Open edX."
language = "en"
theme = "default"

[tiers]
partner = "Open edX Partner"
verified-provider = "Verified Provider"

[regions.europe]
label = "Europe"
countries = ["AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "NO", "PL", "PT", "SE"]

[regions.north-america]
label = "North America"
countries = ["CA", "US"]

[regions.latin-america]
label = "Latin America"
countries = ["AR", "BR", "CL", "CO", "MX", "PE", "UY"]

[regions.africa]
label = "Africa"
countries = ["EG", "GH", "KE", "MA", "NG", "ZA"]

[regions.asia-pacific]
label = "Asia-Pacific"
countries = ["AU", "CN", "IN", "JP", "KR", "NZ", "SG"]

[services]
hosting = "Hosting"
consulting = "Consulting"
course-development = "Course development"
theming = "Theming"
integrations = "Integrations"
training = "Training"

[pricing]
subscription = "Subscription"
fixed-price = "Fixed price"
custom-quote = "Custom quote"

[company_size]
1-10 = "1-10 employees"
11-50 = "11-50 employees"
51-200 = "51-200 employees"
200-plus = "200+ employees"

[market_size]
small = "Small organisations"
large = "Large organisations"

[topics]
accessibility = "Accessibility"
platform-release-highlights = "Platform release highlights"
learning-design = "Learning design"

# What program decisions (content/decisions/*.md) may affect: their `affects` ids.
[decision_topics]
leads = "Lead distribution"
rules = "Content rules"
directory = "Directory listing"
governance = "Program governance"

[rules]
year = 2026
rule = "percent"
percent = 20
minimum = 1
require = ["case-studies", "posts", "testimonials", "client-logos"]
approved_topics = ["accessibility", "platform-release-highlights", "learning-design"]
on_missing = "fail"
"#;

/// The GitHub Pages workflow shipped in this repository, pinned to this release.
pub const PAGES_WORKFLOW: &str = include_str!("../.github/workflows/pages.yml");

/// Create a new minimal site in `dir` (which must not exist or be empty).
pub fn init(dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!("{} is not empty; choose a new folder", dir.display());
    }
    let site_toml = crate::schema::directive(0, crate::schema::SITE) + INIT_SITE;
    write(&dir.join("site.toml"), &site_toml)?;
    write(&dir.join(".gitignore"), "/public\n/.partnersite-cache\n")?;
    write(&dir.join(".github/workflows/pages.yml"), PAGES_WORKFLOW)?;
    write(
        &dir.join("content/pages/about.md"),
        "+++\ntitle = \"About the program\"\nweight = 1\n# Where the navigation links to the page: \"header\", \"footer\" (the default) or \"none\".\nmenu = \"header\"\n+++\n\nThe partner program lists service providers who build on Open edX.\n",
    )?;
    write(
        &dir.join("content/pages/allocation.md"),
        "+++\ntitle = \"How leads are allocated\"\nweight = 2\n+++\n\nLeads from the website are forwarded to partners who serve the requester's region.\n",
    )?;
    write(
        &dir.join("content/decisions/example-decision.md"),
        include_str!("scaffold/decision.md"),
    )?;
    let (config, diags) = config::load(dir)?;
    let Some(config) = config else {
        bail!(
            "internal error: the scaffolded site.toml is invalid: {:?}",
            diags
        );
    };
    let pdir = dir.join("content/partners/example-partner");
    write(&pdir.join("partner.toml"), &partner_toml(&config, "Example Partner", 2026, false).replace(
        "# One [[client_logos]] block per logo a client approved for publication (files in clients/):\n# [[client_logos]]\n# client = \"Example University\"\n# file = \"clients/example-university.svg\"\n# date = 2026-03-01",
        "# One [[client_logos]] block per logo a client approved for publication (files in clients/):\n[[client_logos]]\nclient = \"Example University\"\nfile = \"clients/example-university.svg\"\ndate = 2026-03-01",
    ))?;
    write(&pdir.join("logo.svg"), &placeholder_logo("Example Partner"))?;
    write(
        &pdir.join("clients/example-university.svg"),
        &placeholder_logo("Example University"),
    )?;
    for (rel, text) in example_files(2026, false, "accessibility") {
        write(&pdir.join(rel), &text)?;
    }
    // The schemas the `#:schema` lines of site.toml and partner.toml name.
    crate::schema::write(
        &dir.join(crate::schema::DEFAULT_DIR),
        &crate::schema::schemas(&config),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_logo_escapes_the_initials() {
        let text = |name: &str| {
            let svg = placeholder_logo(name);
            let start = svg.find("middle\">").map_or(0, |i| i + 8);
            let end = svg.rfind("</text>").unwrap_or(svg.len());
            svg[start..end].to_string()
        };
        assert_eq!(text("ada lovelace"), "AL");
        assert_eq!(text("&co <x>"), "&amp;&lt;");
        assert_eq!(text("Solo"), "S");
    }
}
