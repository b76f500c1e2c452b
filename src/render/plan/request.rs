//! The request form (`[request]`, issue 13): `/request/`, and `/partners/<slug>/request/`
//! for each listed partner of a tier that receives leads, the same form naming the
//! partner in a hidden field. Every field is named as the export's column, so what the
//! program's backend stores is an export `leads allocate` reads as it is.

use super::Planned;
use crate::config::{CONSENT_FIELD, HONEYPOT_FIELD, Request, SiteConfig};
use crate::content::{Partner, Site, sort_key};
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, Owner, page_ctx};
use crate::render::views::{Urls, paths};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// The path of the general form.
pub(in crate::render) const PATH: &str = "request/";

/// The path of a partner's form: `partners/<slug>/request/`.
pub(in crate::render) fn partner_path(slug: &str) -> String {
    format!("{}request/", paths::partner(slug))
}

/// True when a partner's profile offers the form: `[request]` is set and its tier
/// receives leads (`[allocation]`, else `[leads]` eligible tiers, else every tier).
pub(in crate::render) fn offered(p: &Partner, c: &SiteConfig) -> bool {
    c.request.is_some() && c.tier_receives_leads(&p.tier)
}

/// A form as the template shows it.
#[derive(Serialize)]
struct Form {
    endpoint: String,
    consent: String,
    privacy_url: Option<String>,
    /// A fieldset each: the buyer's project (the country and the categories), then the
    /// contact fields of `[request.contact]`.
    groups: Vec<Group>,
    consent_field: &'static str,
    honeypot_field: &'static str,
}

/// A fieldset and its legend.
#[derive(Serialize)]
struct Group {
    legend: &'static str,
    fields: Vec<Field>,
}

/// One field: `control` is `select`, `textarea` or an `<input type>`; `id` is `f1`,
/// `f2`... in form order.
#[derive(Serialize)]
struct Field {
    name: String,
    id: String,
    label: String,
    control: &'static str,
    required: bool,
    autocomplete: &'static str,
    /// The first, empty choice of a select (`Choose a country`, `No preference`).
    placeholder: &'static str,
    choices: Vec<Choice>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The partner a partner's form is for.
#[derive(Serialize)]
struct ForPartner {
    name: String,
    slug: String,
    url: String,
    /// `[leads.columns] requested_partner`: the hidden field's name.
    field: String,
}

/// Plan the form pages; nothing without `[request]`.
pub(super) fn plan<'a>(site: &'a Site, urls: &Urls, out: &mut Planned<'a>) {
    let c = &site.config;
    let Some(request) = &c.request else {
        return;
    };
    let form = Arc::new(tera::Value::from_serializable(&form(site, request)));
    let owner = Owner::file(Path::new(crate::config::SITE_FILE));
    out.sources
        .push((format!("{PATH}index.html"), owner.clone()));
    let mut ctx = page_ctx("Request a proposal", PATH, urls);
    ctx.insert_value("form", (*form).clone());
    ctx.insert("for_partner", &None::<()>);
    ctx.insert("form_origin", &request.origin);
    out.jobs.push(Job::page(
        PATH,
        "request.html",
        Ctx::Ready(Box::new(ctx)),
        Deps::Structure,
    ));
    for p in site.partners.iter().filter(|p| offered(p, c)) {
        let path = partner_path(&p.slug);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&p.record_path)));
        let (form, u) = (form.clone(), urls.clone());
        let ctx = Ctx::lazy(move || {
            let path = partner_path(&p.slug);
            let title = format!("Request a proposal from {}", p.name);
            let mut ctx = page_ctx(&title, &path, &u);
            ctx.insert_value("form", (*form).clone());
            let partner = ForPartner {
                name: p.name.clone(),
                slug: p.slug.clone(),
                url: u.url(&paths::partner(&p.slug)),
                field: request.requested_column.clone(),
            };
            ctx.insert("for_partner", &partner);
            ctx.insert("form_origin", &request.origin);
            ctx
        });
        let deps = Deps::on(Source::Partner(&p.slug));
        out.jobs.push(Job::page(&path, "request.html", ctx, deps));
    }
}

/// The form's fields, shared by every form page.
fn form(site: &Site, request: &Request) -> Form {
    let c = &site.config;
    let mut project = vec![country(c, request)];
    if let Some(cats) = c.leads.as_ref().and_then(|l| l.categories.as_ref()) {
        for cat in &cats.0 {
            let choices: Vec<Choice> = match &cat.known {
                Some(known) => known
                    .iter()
                    .map(|e| Choice {
                        value: e.id.clone(),
                        label: e.label.clone(),
                    })
                    .collect(),
                None => facet_choices(site, &cat.name),
            };
            project.push(Field {
                name: cat.column.clone(),
                id: String::new(),
                label: humanize(&cat.name),
                control: if choices.is_empty() { "text" } else { "select" },
                required: false,
                autocomplete: "off",
                placeholder: "No preference",
                choices,
            });
        }
    }
    let mut contact: Vec<Field> = request
        .contact
        .iter()
        .map(|(role, column)| Field {
            name: column.clone(),
            id: String::new(),
            label: role.label().to_string(),
            control: role.control(),
            required: role.required(),
            autocomplete: role.autocomplete(),
            placeholder: "",
            choices: Vec::new(),
        })
        .collect();
    // Ids by position: two column names never give one id.
    for (i, f) in project.iter_mut().chain(contact.iter_mut()).enumerate() {
        f.id = format!("f{}", i + 1);
    }
    Form {
        endpoint: request.endpoint.clone(),
        consent: request.consent.clone(),
        privacy_url: request.privacy_url.clone(),
        groups: vec![
            Group {
                legend: "Your project",
                fields: project,
            },
            Group {
                legend: "How to reach you",
                fields: contact,
            },
        ],
        consent_field: CONSENT_FIELD,
        honeypot_field: HONEYPOT_FIELD,
    }
}

/// The country: the countries of `[regions]`, by name.
fn country(c: &SiteConfig, request: &Request) -> Field {
    let mut choices: Vec<Choice> = c
        .regions
        .0
        .iter()
        .flat_map(|r| r.countries.iter())
        .map(|code| Choice {
            value: code.clone(),
            label: crate::iso::country_name(code).unwrap_or(code).to_string(),
        })
        .collect();
    choices.sort_by(|a, b| {
        sort_key(&a.label)
            .cmp(&sort_key(&b.label))
            .then(a.value.cmp(&b.value))
    });
    choices.dedup_by(|a, b| a.value == b.value);
    Field {
        name: request.country_column.clone(),
        id: String::new(),
        label: "Country".into(),
        control: "select",
        required: true,
        autocomplete: "country",
        placeholder: "Choose a country",
        choices,
    }
}

/// A plain category's choices: the vocabulary of the partner facet it maps to in
/// `[allocation.categories]`; none (a free-text field) when it maps to none.
fn facet_choices(site: &Site, name: &str) -> Vec<Choice> {
    let Some(allocation) = &site.config.allocation else {
        return Vec::new();
    };
    let Some((_, facet)) = allocation.categories.iter().find(|(n, _)| n == name) else {
        return Vec::new();
    };
    facet
        .terms(&site.config, &site.partners)
        .into_iter()
        .map(|(value, label)| Choice { value, label })
        .collect()
}

/// `market_segment` -> `Market segment`.
fn humanize(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(super::humanize("market_segment"), "Market segment");
        assert_eq!(super::humanize("budget"), "Budget");
    }
}
