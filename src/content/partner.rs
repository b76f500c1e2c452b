//! `partner.toml` -> validated partner record fields, every problem located in the file.

use super::{Asset, ClientLogo, Clients};
use crate::assets::resolve_image;
use crate::config::{SiteConfig, Vocab, is_http_url};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::iso;
use crate::tomlcheck::{self, Missing};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClients {
    #[serde(default)]
    acquired: Option<Spanned<i64>>,
    #[serde(default)]
    refused_logo: Option<Spanned<i64>>,
    #[serde(default)]
    refused_testimonial: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClientLogo {
    client: Spanned<String>,
    file: Spanned<String>,
    date: Spanned<Date>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    name: Spanned<String>,
    tier: Spanned<String>,
    website: Spanned<String>,
    logo: Spanned<String>,
    summary: Spanned<String>,
    country: Spanned<String>,
    regions: Spanned<Vec<Spanned<String>>>,
    services: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    languages: Vec<Spanned<String>>,
    pricing: Option<Spanned<String>>,
    company_size: Option<Spanned<String>>,
    market_size: Option<Spanned<String>>,
    joined: Option<Date>,
    contact: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    clients: Option<RawClients>,
    #[serde(default)]
    client_logos: Vec<Spanned<RawClientLogo>>,
}

/// The fields of a partner record, before its Markdown content is attached.
#[derive(Debug, Clone)]
pub struct PartnerRecord {
    pub name: String,
    pub tier: String,
    pub website: String,
    pub logo: Asset,
    pub summary: String,
    pub country: String,
    pub regions: Vec<String>,
    pub services: Vec<String>,
    pub languages: Vec<String>,
    pub pricing: Option<String>,
    pub company_size: Option<String>,
    pub market_size: Option<String>,
    pub joined: Option<Date>,
    pub contact: Option<String>,
    pub draft: bool,
    pub clients: Clients,
    pub client_logos: Vec<ClientLogo>,
}

pub const SUMMARY_MAX: usize = 200;

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    diags: Diagnostics,
}

impl Ctx<'_> {
    fn err<T>(&mut self, at: &Spanned<T>, message: String, hint: Option<String>) {
        if tomlcheck::is_filler(&at.span()) {
            return; // a stand-in for a key already reported
        }
        let d = Diagnostic::error(self.path, message)
            .at_offset(self.text, at.span().start, 0)
            .maybe_hint(hint);
        self.diags.push(d);
    }

    fn vocab_id(&mut self, key: &str, v: &Spanned<String>, vocab: &Vocab, table: &str) {
        if !vocab.contains(v.get_ref()) {
            self.err(
                v,
                format!(
                    "`{key}`: `{}` is not an id in [{table}] of site.toml",
                    v.get_ref()
                ),
                Some(suggest(v.get_ref(), vocab.ids())),
            );
        }
    }
}

/// Parse and validate one partner.toml. `rel_path` is relative to the site root (used
/// in diagnostics), `dir` is the partner folder on disk.
pub fn parse_partner_toml(
    config: &SiteConfig,
    rel_path: &Path,
    dir: &Path,
    text: &str,
) -> (Option<PartnerRecord>, Diagnostics) {
    // Every key of the record is checked even when some are wrong (the record is then
    // refused below: its diagnostics hold errors).
    let parsed = tomlcheck::parse::<RawPartner>(rel_path, text, 0, Missing::Fill);
    let acquired_known = !parsed.repaired_key("clients.acquired");
    let Some(raw) = parsed.value else {
        return (None, parsed.diags);
    };
    let mut cx = Ctx {
        path: rel_path,
        text,
        diags: parsed.diags,
    };
    cx.check_listing(config, &raw);
    cx.check_places(config, &raw);
    cx.check_optional(config, &raw);
    let files = crate::fsread::SiteFiles::new(config);
    let logo = cx.image(&files, dir, &raw.logo, "`logo`");
    let clients = cx.clients(raw.clients.as_ref(), acquired_known);
    let client_logos = cx.client_logos(&files, dir, &raw.client_logos);
    if cx.diags.has_errors() {
        return (None, cx.diags);
    }
    let Some(logo) = logo else {
        return (None, cx.diags);
    };
    (Some(raw.into_record(logo, clients, client_logos)), cx.diags)
}

fn plain(v: Spanned<Vec<Spanned<String>>>) -> Vec<String> {
    v.into_inner()
        .into_iter()
        .map(Spanned::into_inner)
        .collect()
}

impl RawPartner {
    /// The validated record (call only when its checks found no error).
    fn into_record(
        self,
        logo: Asset,
        clients: Clients,
        client_logos: Vec<ClientLogo>,
    ) -> PartnerRecord {
        PartnerRecord {
            name: self.name.into_inner(),
            tier: self.tier.into_inner(),
            website: self.website.into_inner(),
            logo,
            summary: self.summary.into_inner(),
            country: self.country.into_inner(),
            regions: plain(self.regions),
            services: plain(self.services),
            languages: self
                .languages
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            pricing: self.pricing.map(Spanned::into_inner),
            company_size: self.company_size.map(Spanned::into_inner),
            market_size: self.market_size.map(Spanned::into_inner),
            joined: self.joined,
            contact: self.contact.map(Spanned::into_inner),
            draft: self.draft,
            clients,
            client_logos,
        }
    }
}

impl Ctx<'_> {
    /// `name`, `tier`, `website` and `summary`: what the directory card shows.
    fn check_listing(&mut self, config: &SiteConfig, raw: &RawPartner) {
        if raw.name.get_ref().trim().is_empty() {
            self.err(
                &raw.name,
                "`name` is empty".into(),
                Some("write the partner's public name".into()),
            );
        }
        self.vocab_id("tier", &raw.tier, &config.tiers, "tiers");
        if !is_http_url(raw.website.get_ref()) {
            self.err(
                &raw.website,
                format!(
                    "`website` {:?} is not an http(s) URL",
                    raw.website.get_ref()
                ),
                Some("write the full address, e.g. \"https://example.com\"".into()),
            );
        }
        let summary = raw.summary.get_ref();
        let summary_len = summary.chars().count();
        if summary.trim().is_empty() {
            self.err(
                &raw.summary,
                "`summary` is empty".into(),
                Some("write one sentence of plain text".into()),
            );
        } else if summary_len > SUMMARY_MAX {
            let over = summary_len - SUMMARY_MAX;
            self.err(
                &raw.summary,
                format!("`summary` is {summary_len} characters long; the limit is {SUMMARY_MAX}"),
                Some(format!(
                    "shorten it by {over} character{}; the long text belongs in about.md",
                    if over == 1 { "" } else { "s" }
                )),
            );
        }
    }

    /// `country`, `regions`, `services` and `languages`.
    fn check_places(&mut self, config: &SiteConfig, raw: &RawPartner) {
        let country = raw.country.get_ref();
        if iso::country_name(country).is_none() {
            let upper = country.to_ascii_uppercase();
            let hint = if iso::country_name(&upper).is_some() {
                format!("write it in upper case: \"{upper}\"")
            } else {
                "use an ISO 3166-1 alpha-2 code such as \"DE\", \"US\" or \"BR\"".into()
            };
            self.err(
                &raw.country,
                format!("`country`: `{country}` is not an ISO 3166-1 alpha-2 country code"),
                Some(hint),
            );
        }
        if raw.regions.get_ref().is_empty() {
            self.err(
                &raw.regions,
                "`regions` is empty".into(),
                Some(format!(
                    "list the regions served: {}",
                    config.regions.ids().collect::<Vec<_>>().join(", ")
                )),
            );
        }
        for r in raw.regions.get_ref() {
            if config.regions.get(r.get_ref()).is_none() {
                self.err(
                    r,
                    format!("`regions`: `{}` is not a region in site.toml", r.get_ref()),
                    Some(suggest(r.get_ref(), config.regions.ids())),
                );
            }
        }
        if raw.services.get_ref().is_empty() {
            self.err(
                &raw.services,
                "`services` is empty".into(),
                Some(format!(
                    "list at least one of: {}",
                    config.services.ids().collect::<Vec<_>>().join(", ")
                )),
            );
        }
        for s in raw.services.get_ref() {
            self.vocab_id("services", s, &config.services, "services");
        }
        for l in &raw.languages {
            self.language(l);
        }
    }

    fn language(&mut self, l: &Spanned<String>) {
        if iso::language_name(l.get_ref()).is_some() {
            return;
        }
        let lower = l.get_ref().to_ascii_lowercase();
        let hint = if iso::language_name(&lower).is_some() {
            format!("write it in lower case: \"{lower}\"")
        } else {
            "use an ISO 639-1 code such as \"en\", \"fr\" or \"pt\"".into()
        };
        self.err(
            l,
            format!(
                "`languages`: `{}` is not an ISO 639-1 language code",
                l.get_ref()
            ),
            Some(hint),
        );
    }

    /// The optional vocabulary keys and `contact`.
    fn check_optional(&mut self, config: &SiteConfig, raw: &RawPartner) {
        for (key, v, vocab) in [
            ("pricing", &raw.pricing, &config.pricing),
            ("company_size", &raw.company_size, &config.company_size),
            ("market_size", &raw.market_size, &config.market_size),
        ] {
            if let Some(v) = v {
                self.vocab_id(key, v, vocab, key);
            }
        }
        if let Some(c) = &raw.contact {
            let ok = c
                .get_ref()
                .strip_prefix("mailto:")
                .is_some_and(|a| a.contains('@') && !a.contains(char::is_whitespace))
                || (c.get_ref().starts_with("https://") && is_http_url(c.get_ref()));
            if !ok {
                self.err(
                    c,
                    format!("`contact` {:?} is not a mailto: or https: URL", c.get_ref()),
                    Some(
                        "write \"mailto:hello@example.org\" or \"https://example.org/contact\""
                            .into(),
                    ),
                );
            }
        }
    }

    /// An image file named by `v`, inside the partner folder; `what` prefixes the error.
    fn image(
        &mut self,
        files: &crate::fsread::SiteFiles,
        dir: &Path,
        v: &Spanned<String>,
        what: &str,
    ) -> Option<Asset> {
        match resolve_image(files, dir, v.get_ref()) {
            Ok(source) => Some(Asset {
                source,
                rel: v.get_ref().replace('\\', "/"),
                at: crate::diagnostics::line_col(self.text, v.span().start),
            }),
            Err(why) => {
                self.err(v, format!("{what}: {why}"), None);
                None
            }
        }
    }

    /// A `[clients]` number, 0 when absent or negative (which is reported).
    fn count(&mut self, v: &Option<Spanned<i64>>, key: &str) -> u64 {
        match v {
            None => 0,
            Some(v) => u64::try_from(*v.get_ref()).unwrap_or_else(|_| {
                self.err(
                    v,
                    format!("[clients] `{key}` is negative ({})", v.get_ref()),
                    Some("use a whole number of 0 or more".into()),
                );
                0
            }),
        }
    }

    /// `[clients]`; a refusal count above `acquired` is an error when `acquired` was
    /// read from the file.
    fn clients(&mut self, raw: Option<&RawClients>, acquired_known: bool) -> Clients {
        let Some(c) = raw else {
            return Clients::default();
        };
        let acquired = self.count(&c.acquired, "acquired");
        let refused_logo = self.count(&c.refused_logo, "refused_logo");
        let refused_testimonial = self.count(&c.refused_testimonial, "refused_testimonial");
        for (key, n, v) in [
            ("refused_logo", refused_logo, &c.refused_logo),
            (
                "refused_testimonial",
                refused_testimonial,
                &c.refused_testimonial,
            ),
        ] {
            if let Some(v) = v
                && n > acquired
                && acquired_known
            {
                self.err(
                    v,
                    format!("[clients] `{key}` ({n}) is larger than `acquired` ({acquired})"),
                    Some(
                        "a refusal is counted among the clients acquired; fix one of the two numbers"
                            .into(),
                    ),
                );
            }
        }
        Clients {
            acquired,
            refused_logo,
            refused_testimonial,
        }
    }

    /// `[[client_logos]]`: the entries whose file resolved.
    fn client_logos(
        &mut self,
        files: &crate::fsread::SiteFiles,
        dir: &Path,
        raw: &[Spanned<RawClientLogo>],
    ) -> Vec<ClientLogo> {
        let mut out = Vec::new();
        for entry in raw {
            let e = entry.get_ref();
            let line = crate::diagnostics::line_col(self.text, entry.span().start).0;
            if e.client.get_ref().trim().is_empty() {
                self.err(
                    &e.client,
                    "[[client_logos]] `client` is empty".into(),
                    Some("write the client's name".into()),
                );
            }
            if let Some(file) = self.image(files, dir, &e.file, "[[client_logos]] `file`") {
                out.push(ClientLogo {
                    client: e.client.get_ref().clone(),
                    file,
                    date: *e.date.get_ref(),
                    line,
                });
            }
        }
        out
    }
}
