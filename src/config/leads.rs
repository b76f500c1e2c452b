//! `[leads]`: where the private lead export lives, how to read it, and the
//! `[leads.categories]` it may publish; and their checks.

use super::{Regions, SITE_FILE, VOCABULARIES, Vocab, VocabEntry, error_at, is_slug, slugify};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// `[leads.columns]`: the export's column names for the fields partnersite reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadColumns {
    pub id: String,
    pub received: String,
    pub country: String,
    pub region: Option<String>,
    pub partner: String,
    pub status: String,
    /// The partner the buyer chose on the request form (`[allocation]`); a column absent
    /// from the header means no lead names one.
    pub requested_partner: Option<String>,
    /// How each lead was allocated [default: `allocation_method`].
    pub allocation_method: Option<String>,
    /// How many `match` constraints were dropped [default: `allocation_relaxed`].
    pub allocation_relaxed: Option<String>,
}

impl LeadColumns {
    /// (key, column) of every column mapped, in the table's order.
    pub fn mapped(&self) -> Vec<(&'static str, &str)> {
        [
            ("id", Some(&self.id)),
            ("received", Some(&self.received)),
            ("country", Some(&self.country)),
            ("region", self.region.as_ref()),
            ("partner", Some(&self.partner)),
            ("status", Some(&self.status)),
            ("requested_partner", self.requested_partner.as_ref()),
            ("allocation_method", self.allocation_method.as_ref()),
            ("allocation_relaxed", self.allocation_relaxed.as_ref()),
        ]
        .into_iter()
        .filter_map(|(key, col)| col.map(|c| (key, c.as_str())))
        .collect()
    }
}

/// `[leads]`: where the private export lives and how to read it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadsConfig {
    /// The export or digest read. With `[[leads.period]]`, validation sets it (and
    /// `from`, `to`) to the newest period's, so the current report reads as before.
    #[serde(default = "super::periods::absent_source")]
    pub source: Spanned<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub eligible_tiers: Option<Vec<Spanned<String>>>,
    #[serde(default = "default_min_cell")]
    pub min_cell: u32,
    pub policy: Option<Spanned<String>>,
    #[serde(default)]
    pub allow_unknown_partners: bool,
    pub columns: Option<LeadColumns>,
    /// Report name -> column and allowed values, in display order.
    pub categories: Option<Categories>,
    /// `[[leads.period]]`: the archive of reports, oldest first (empty: one `source`).
    #[serde(default, rename = "period")]
    pub periods: Vec<super::periods::PeriodConfig>,
}

/// The key of category values outside a category's known values.
pub const OTHER: &str = "other";
/// Longest category value published by name in the plain form (longer ones are `other`).
pub const MAX_VALUE_LEN: usize = 40;

/// True for a slug of at most [`MAX_VALUE_LEN`] characters: the only values a plain
/// `[leads.categories]` entry publishes by name.
pub fn is_value_slug(s: &str) -> bool {
    s.len() <= MAX_VALUE_LEN && is_slug(s)
}

/// `[leads.categories]`, in display order.
#[derive(Debug, Clone, Default)]
pub struct Categories(pub Vec<Category>);

impl Categories {
    pub fn get(&self, name: &str) -> Option<&Category> {
        self.0.iter().find(|c| c.name == name)
    }
}

/// One `[leads.categories]` entry: `name = "column"` or `name = { column, values }`.
#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    /// Byte span of the name in site.toml.
    pub span: std::ops::Range<usize>,
    pub column: String,
    pub values: CategoryValues,
    /// The allowed values with their display labels, in published order (filled by
    /// validation from `values` and `labels`); `None` in the plain form.
    pub known: Option<Vec<VocabEntry>>,
    /// `labels = { id = "Label" }`: display labels of a list's values (else the id).
    pub labels: Option<Spanned<std::collections::BTreeMap<String, String>>>,
}

impl Category {
    /// The display label of a published value.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.known
            .as_ref()?
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label.as_str())
    }
}

/// How a category declares its values.
#[derive(Debug, Clone)]
pub enum CategoryValues {
    /// The plain form: slugs are published by name, every other value is `other`.
    Slugs,
    /// `values = "services"`: the ids and labels of a vocabulary table.
    Vocab(Spanned<String>),
    /// `values = ["lt-5k", ...]`: an ordered list.
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for Categories {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Categories;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `name = \"column\"` or `name = { column = \"...\", values = ... }` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Categories, A::Error> {
                let mut out = Vec::new();
                while let Some((key, def)) = map.next_entry::<Spanned<String>, CategoryDef>()? {
                    let span = key.span();
                    let (column, values, labels) = match def {
                        CategoryDef::Column(c) => (c, CategoryValues::Slugs, None),
                        CategoryDef::Table(t) => (
                            t.column,
                            match t.values.map(|v| (v.span(), v.into_inner())) {
                                None => CategoryValues::Slugs,
                                Some((span, ValuesDef::Vocab(v))) => {
                                    CategoryValues::Vocab(Spanned::new(span, v))
                                }
                                Some((_, ValuesDef::List(l))) => CategoryValues::List(l),
                            },
                            t.labels,
                        ),
                    };
                    out.push(Category {
                        name: key.into_inner(),
                        span,
                        column,
                        values,
                        known: None,
                        labels,
                    });
                }
                Ok(Categories(out))
            }
        }
        d.deserialize_map(V)
    }
}

enum CategoryDef {
    Column(String),
    Table(CategoryTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryTable {
    column: String,
    values: Option<Spanned<ValuesDef>>,
    labels: Option<Spanned<std::collections::BTreeMap<String, String>>>,
}

enum ValuesDef {
    Vocab(String),
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for CategoryDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CategoryDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name, or a table like `{ column = \"budget_band\", values = [\"lt-5k\", \"5k-20k\"] }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CategoryDef, E> {
                Ok(CategoryDef::Column(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CategoryDef, A::Error> {
                CategoryTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CategoryDef::Table)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ValuesDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValuesDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "the name of a vocabulary table (e.g. \"services\") or a list of value ids",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ValuesDef, E> {
                Ok(ValuesDef::Vocab(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ValuesDef, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<String>>()? {
                    out.push(v);
                }
                Ok(ValuesDef::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

fn default_min_cell() -> u32 {
    5
}

/// Check `[leads]` (eligible tiers, where the source is, the date range) and resolve its
/// categories' values. `vocabs` are the vocabulary tables `values = "<name>"` may name.
pub(super) fn validate(
    leads: &mut LeadsConfig,
    root: &Path,
    tiers: &Vocab,
    vocabs: &[(&str, &Vocab)],
    regions: &Regions,
    text: &str,
    diags: &mut Diagnostics,
) {
    if let Some(eligible) = &leads.eligible_tiers {
        for t in eligible {
            if !tiers.contains(t.get_ref()) {
                diags.push(
                    error_at(
                        text,
                        t.span().start,
                        format!("[leads] eligible_tiers: unknown tier `{}`", t.get_ref()),
                    )
                    .hint(suggest(t.get_ref(), tiers.ids())),
                );
            }
        }
    }
    super::periods::validate(leads, root, text, diags);
    if let Some(folder) = leads_in_site_folder(root, leads.source.get_ref())
        && leads.periods.is_empty()
    {
        diags.push(
            error_at(
                text,
                leads.source.span().start,
                format!(
                    "[leads] source `{}` is inside `{folder}/`, which partnersite reads or publishes",
                    leads.source.get_ref()
                ),
            )
            .hint("keep the private export out of content/, static/, templates/ and themes/ (e.g. in leads/, or outside the repository)"),
        );
    }
    if let (Some(from), Some(to)) = (leads.from, leads.to)
        && from > to
        && leads.periods.is_empty()
    {
        diags.push(
            Diagnostic::error(
                SITE_FILE,
                format!("[leads] `from` ({from}) is after `to` ({to})"),
            )
            .hint("swap the two dates"),
        );
    }
    validate_categories(leads, vocabs, regions, text, diags);
}

/// Resolve each category's allowed values (`values = "<vocabulary>"` or a list) and
/// check them; and refuse two mapped names for one column (a category mapped to the
/// lead id column would publish lead ids).
fn validate_categories(
    leads: &mut LeadsConfig,
    vocabs: &[(&str, &Vocab)],
    regions: &Regions,
    text: &str,
    diags: &mut Diagnostics,
) {
    let mut mapped: Vec<(String, &str)> = Vec::new();
    if let Some(c) = &leads.columns {
        for (key, col) in c.mapped() {
            mapped.push((format!("[leads.columns] {key}"), col));
        }
    }
    let Some(categories) = &mut leads.categories else {
        return;
    };
    for cat in &mut categories.0 {
        let here = format!("[leads.categories] {}", cat.name);
        if let Some((other, _)) = mapped.iter().find(|(_, col)| *col == cat.column) {
            diags.push(
                error_at(
                    text,
                    cat.span.start,
                    format!("{here} reads the column `{}`, already mapped by {other}", cat.column),
                )
                .hint("map each column once; a category publishes its values, so it must never read the lead id or a personal column"),
            );
        }
        mapped.push((here.clone(), cat.column.as_str()));
        cat.known = match &cat.values {
            CategoryValues::Slugs => None,
            CategoryValues::Vocab(name) => {
                Some(vocab_values(&here, name, vocabs, regions, text, diags))
            }
            CategoryValues::List(list) => {
                Some(list_values(&here, list, cat.span.start, text, diags))
            }
        };
        let list = matches!(cat.values, CategoryValues::List(_));
        apply_labels(
            &here,
            list,
            cat.labels.as_ref(),
            &mut cat.known,
            text,
            diags,
        );
    }
}

/// `labels = { id = "Label" }` of a list of values: each key must be one of the values.
fn apply_labels(
    here: &str,
    list: bool,
    labels: Option<&Spanned<std::collections::BTreeMap<String, String>>>,
    known: &mut Option<Vec<VocabEntry>>,
    text: &str,
    diags: &mut Diagnostics,
) {
    let Some(labels) = labels else {
        return;
    };
    let at = labels.span().start;
    let Some(known) = known.as_mut().filter(|_| list) else {
        diags.push(
            error_at(
                text,
                at,
                format!("{here}: `labels` needs `values` as a list of ids"),
            )
            .hint("a vocabulary table has its own labels; the plain form publishes ids"),
        );
        return;
    };
    for (id, label) in labels.get_ref() {
        match known.iter_mut().find(|e| e.id == *id) {
            Some(e) => e.label.clone_from(label),
            None => diags.push(
                error_at(
                    text,
                    at,
                    format!("{here}: labels: `{id}` is not one of the values"),
                )
                .hint(suggest(id, known.iter().map(|e| e.id.as_str()))),
            ),
        }
    }
}

/// The entries of the vocabulary table `values = "<name>"` names.
fn vocab_values(
    here: &str,
    name: &Spanned<String>,
    vocabs: &[(&str, &Vocab)],
    regions: &Regions,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<VocabEntry> {
    let err = |msg: String| Diagnostic::error(SITE_FILE, msg).at_offset(text, name.span().start, 0);
    let entries = if name.get_ref() == "regions" {
        Some(
            regions
                .0
                .iter()
                .map(|r| VocabEntry {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    span: r.span.clone(),
                })
                .collect::<Vec<_>>(),
        )
    } else {
        vocabs
            .iter()
            .find(|(n, _)| *n == name.get_ref())
            .map(|(_, v)| v.entries.clone())
    };
    match entries {
        None => {
            diags.push(
                err(format!(
                    "{here}: `values` names no vocabulary table `{}`",
                    name.get_ref()
                ))
                .hint(format!(
                    "{} (a table of site.toml whose ids are the allowed values), or give a list like [\"lt-5k\", \"5k-20k\"]",
                    suggest(name.get_ref(), VOCABULARIES)
                )),
            );
            Vec::new()
        }
        Some(e) => {
            if e.is_empty() {
                diags.push(
                    err(format!("{here}: the table [{}] is empty", name.get_ref()))
                        .hint("add the allowed values to that table, or give a list"),
                );
            }
            e
        }
    }
}

/// The entries of `values = [...]`: slugs of at most [`MAX_VALUE_LEN`] characters, each
/// once (they are published as keys, in this order).
fn list_values(
    here: &str,
    list: &[Spanned<String>],
    at: usize,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<VocabEntry> {
    let mut out: Vec<VocabEntry> = Vec::new();
    if list.is_empty() {
        diags.push(
            Diagnostic::error(SITE_FILE, format!("{here}: `values` is an empty list"))
                .at_offset(text, at, 0)
                .hint("list the allowed values, e.g. values = [\"lt-5k\", \"5k-20k\"]"),
        );
    }
    for v in list {
        let id = v.get_ref();
        let d = |msg: String| Diagnostic::error(SITE_FILE, msg).at_offset(text, v.span().start, 0);
        if !is_value_slug(id) {
            diags.push(d(format!("{here}: `{id}` is not a valid value id")).hint(format!(
                "values are published as keys: lower-case letters, digits and single hyphens, at most {MAX_VALUE_LEN} characters, e.g. `{}`",
                slugify(id)
            )));
        } else if out.iter().any(|e| e.id == *id) {
            diags.push(d(format!("{here}: `{id}` is listed twice")).hint("list each value once"));
        } else {
            out.push(VocabEntry {
                id: id.clone(),
                label: id.clone(),
                span: v.span(),
            });
        }
    }
    out
}

/// The site folder (`content`, `static`, `templates`, `themes`) that holds the leads
/// source, if any: files there are read as content or copied into the output.
pub(super) fn leads_in_site_folder(root: &Path, source: &str) -> Option<&'static str> {
    let resolve = |p: &Path| crate::fsread::resolve_path(p).ok();
    let (root, full) = (resolve(root)?, resolve(&root.join(source))?);
    ["content", "static", "templates", "themes"]
        .into_iter()
        .find(|folder| full.starts_with(root.join(folder)))
}
