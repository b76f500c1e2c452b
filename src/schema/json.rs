//! The key tables of [`super::keys`] as JSON Schema (draft-07, the draft Taplo and Even
//! Better TOML validate with), with this site's ids filled in from site.toml.

use super::keys::{Ids, Key, Lit, MapKeys, SLUG, Ty};
use crate::config::SiteConfig;
use serde_json::{Map, Value, json};

/// The `$schema` of every file written.
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// The ids a list holds on this site, in site.toml's order (the code's for fixed lists).
pub fn ids(config: &SiteConfig, ids: Ids) -> Vec<String> {
    let own = |v: &crate::config::Vocab| v.ids().map(str::to_string).collect();
    let fixed = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    match ids {
        Ids::Tiers => own(&config.tiers),
        Ids::Regions => config.regions.ids().map(str::to_string).collect(),
        Ids::Services => own(&config.services),
        Ids::Pricing => own(&config.pricing),
        Ids::CompanySize => own(&config.company_size),
        Ids::MarketSize => own(&config.market_size),
        Ids::Topics => own(&config.topics),
        Ids::DecisionTopics => own(&config.decision_topics),
        Ids::Countries => crate::iso::COUNTRIES
            .iter()
            .map(|(c, _)| c.to_string())
            .collect(),
        Ids::Languages => crate::iso::LANGUAGES
            .iter()
            .map(|(c, _)| c.to_string())
            .collect(),
        Ids::Vocabularies => fixed(&crate::config::VOCABULARIES),
        Ids::RuleKinds => crate::config::Kind::ALL
            .iter()
            .map(|k| k.id().to_string())
            .collect(),
        Ids::Facets => crate::facets::FACETS
            .iter()
            .map(|f| f.key.to_string())
            .collect(),
        Ids::LeadCategories => config
            .leads
            .iter()
            .flat_map(|l| l.categories.iter().flat_map(|c| c.0.iter()))
            .map(|c| c.name.clone())
            .collect(),
        Ids::Constraints => std::iter::once(crate::config::MATCH_REGION.to_string())
            .chain(
                config
                    .allocation
                    .iter()
                    .flat_map(|a| a.categories.iter().map(|(name, _)| name.clone())),
            )
            .collect(),
        Ids::Rel => fixed(&crate::config::EXTERNAL_REL),
        Ids::Menus => fixed(&crate::content::Menu::NAMES),
    }
}

/// Where a list's ids come from, for descriptions: `[tiers] of site.toml`.
fn source(ids: Ids) -> &'static str {
    match ids {
        Ids::Tiers => "[tiers] of site.toml",
        Ids::Regions => "[regions] of site.toml",
        Ids::Services => "[services] of site.toml",
        Ids::Pricing => "[pricing] of site.toml",
        Ids::CompanySize => "[company_size] of site.toml",
        Ids::MarketSize => "[market_size] of site.toml",
        Ids::Topics => "[topics] of site.toml",
        Ids::DecisionTopics => "[decision_topics] of site.toml",
        Ids::LeadCategories => "[leads.categories] of site.toml",
        Ids::Constraints => "`region` and [allocation.categories] of site.toml",
        Ids::Countries
        | Ids::Languages
        | Ids::Vocabularies
        | Ids::RuleKinds
        | Ids::Facets
        | Ids::Rel
        | Ids::Menus => "",
    }
}

/// One of a list's ids. An empty list allows nothing, as the loader does.
fn one_of(config: &SiteConfig, list: Ids) -> Map<String, Value> {
    let values = ids(config, list);
    let mut m = Map::new();
    if values.is_empty() {
        m.insert("not".into(), json!({}));
        m.insert(
            "description".into(),
            Value::String(format!("No ids are defined in {}.", source(list))),
        );
    } else {
        m.insert("type".into(), json!("string"));
        m.insert("enum".into(), json!(values));
    }
    m
}

/// The schema of a type.
pub fn ty(config: &SiteConfig, t: &Ty) -> Map<String, Value> {
    let obj = |v: Value| match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    match t {
        Ty::Str => obj(json!({"type": "string"})),
        Ty::Pattern(p) => obj(json!({"type": "string", "pattern": p})),
        Ty::MaxLen(n) => obj(json!({"type": "string", "maxLength": n})),
        Ty::Int(min, max) => {
            let mut m = obj(json!({"type": "integer"}));
            if let Some(min) = min {
                m.insert("minimum".into(), json!(min));
            }
            if let Some(max) = max {
                m.insert("maximum".into(), json!(max));
            }
            m
        }
        Ty::Bool => obj(json!({"type": "boolean"})),
        // Taplo hands TOML dates to the validator as strings.
        Ty::Date => obj(json!({"type": "string", "format": "date"})),
        Ty::Fixed(values) => obj(json!({"type": "string", "enum": values})),
        Ty::Of(list) => one_of(config, *list),
        Ty::List(item) => obj(json!({"type": "array", "items": ty(config, item)})),
        Ty::Table(keys) => table(config, keys),
        Ty::Map(keys, value) => {
            let mut m = obj(json!({"type": "object", "additionalProperties": ty(config, value)}));
            match keys {
                MapKeys::Slug => {
                    m.insert("propertyNames".into(), json!({"pattern": SLUG}));
                }
                MapKeys::Of(list) => {
                    m.insert("propertyNames".into(), Value::Object(one_of(config, *list)));
                }
                MapKeys::Any => {}
            }
            m
        }
        Ty::Either(types) => {
            let any: Vec<Value> = types.iter().map(|t| Value::Object(ty(config, t))).collect();
            obj(json!({ "anyOf": any }))
        }
    }
}

/// A table with exactly `keys`.
pub fn table(config: &SiteConfig, keys: &[Key]) -> Map<String, Value> {
    let mut properties = Map::new();
    for key in keys {
        properties.insert(key.name.to_string(), Value::Object(property(config, key)));
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    m
}

/// One key: its type, description and default.
fn property(config: &SiteConfig, key: &Key) -> Map<String, Value> {
    let mut m = ty(config, &key.ty);
    let mut doc = key.doc.to_string();
    let list = match key.ty {
        Ty::Of(list) => Some(list),
        Ty::List(Ty::Of(list)) => Some(*list),
        _ => None,
    };
    if let Some(list) = list {
        let from = source(list);
        if !from.is_empty() && !doc.contains(from) {
            doc.push_str(&format!(" Ids from {from}."));
        }
    }
    m.insert("description".into(), Value::String(doc));
    if let Some(default) = key.default {
        let v = match default {
            Lit::Str(s) => json!(s),
            Lit::Int(i) => json!(i),
            Lit::Bool(b) => json!(b),
            Lit::EmptyList => json!([]),
        };
        m.insert("default".into(), v);
    }
    m
}

/// A whole schema file: the root table of a document.
pub fn document(config: &SiteConfig, title: &str, doc: &str, keys: &[Key]) -> Value {
    let mut m = table(config, keys);
    m.insert("$schema".into(), json!(DRAFT));
    m.insert("title".into(), json!(title));
    m.insert("description".into(), json!(doc));
    m.insert(
        "$comment".into(),
        json!(
            "Written by `partnersite schema` from this site's site.toml: run it again after changing a vocabulary."
        ),
    );
    sorted(Value::Object(m))
}

/// `key` required unless `unless` is `true` (draft-07 `if`/`else`).
pub fn required_unless(doc: Value, key: &str, unless: &str) -> Value {
    let mut doc = doc;
    if let Value::Object(m) = &mut doc {
        m.insert(
            "if".into(),
            json!({"properties": {unless: {"const": true}}, "required": [unless]}),
        );
        m.insert("else".into(), json!({"required": [key]}));
    }
    sorted(doc)
}

/// The same value with every object's keys in sorted order, whichever map serde_json was
/// built with (`preserve_order` would keep insertion order): the bytes never depend on
/// the order the code inserted keys in.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
