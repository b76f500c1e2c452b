//! One TOML document -> a typed struct, with every unknown key, wrong type and bad value
//! of the file reported in one run (serde alone stops at the first).
//!
//! The document is parsed once into toml's spanned table. Deserializing it into `T`
//! fails at the first problem; that problem is recorded, the key it names is repaired
//! (a misspelt key renamed to the key it most likely means, a wrong value removed, a
//! required key that went missing because of that filled with a stand-in), and the
//! table is deserialized again, at most [`MAX_ROUNDS`] times. A repaired value is only
//! good for checking the rest of the file: callers never build a model from it (there
//! is always an error when something was repaired).

use crate::diagnostics::{Diagnostics, closest, from_toml_error, unknown_field};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// More problems than this in one file are not worth another round each.
pub const MAX_ROUNDS: usize = 50;

/// The span given to stand-in values: no real value starts there, so checks that run on
/// a repaired value can tell a stand-in from what the editor wrote ([`is_filler`]).
const FILLER: Range<usize> = usize::MAX..usize::MAX;

/// Stand-ins tried in turn for a required key, until one has the key's type.
const FILLERS: [&str; 6] = ["\"\"", "[]", "2000-01-01", "0", "false", "{}"];

/// True for the span of a stand-in value: checks skip it (its key was already reported).
pub fn is_filler(span: &Range<usize>) -> bool {
    span.start == FILLER.start
}

/// What to do when a required key is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Fill it with a stand-in and go on checking the other keys (front matter, records).
    Fill,
    /// Drop the table that lacks it, so its parent's default applies; at the top level,
    /// give up (site.toml: a site without `base_url` cannot be checked further).
    Drop,
}

/// The outcome of [`parse`].
#[derive(Debug)]
pub struct Parsed<T> {
    /// The value, possibly repaired; `None` when the file could not be read as `T`.
    pub value: Option<T>,
    /// Every problem found, positioned in the original file.
    pub diags: Diagnostics,
    /// Dotted paths of the keys removed, dropped or filled (not those renamed).
    pub repaired: Vec<String>,
}

impl<T> Parsed<T> {
    /// True when the top-level key `key` was removed or filled because it was wrong.
    pub fn repaired_key(&self, key: &str) -> bool {
        self.repaired
            .iter()
            .any(|p| p == key || p.starts_with(&format!("{key}.")))
    }
}

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Deserialize `text` (found `line_offset` lines into the file at `path`) as `T`,
/// reporting every problem. Syntax errors stop at the first (the parser cannot tell
/// what follows a broken line).
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    line_offset: usize,
    missing: Missing,
) -> Parsed<T> {
    let mut out = Parsed {
        value: None,
        diags: Diagnostics::default(),
        repaired: Vec::new(),
    };
    let mut root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            out.diags.push(from_toml_error(path, text, line_offset, &e));
            return out;
        }
    };
    // (table path, key) of every key taken away, so the "missing" error it causes is not
    // reported a second time.
    let mut removed: Vec<(Vec<Seg>, String)> = Vec::new();
    let mut filling: Option<(Vec<Seg>, String, usize)> = None;
    for _ in 0..MAX_ROUNDS {
        let err = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(v) => {
                out.value = Some(v);
                return out;
            }
            Err(e) => e,
        };
        let Some(span) = err.span() else {
            out.diags
                .push(from_toml_error(path, text, line_offset, &err));
            return out;
        };
        if let Some((table, key, tried)) = &mut filling {
            if is_filler(&span) {
                *tried += 1;
                let Some(filler) = FILLERS.get(*tried) else {
                    return out;
                };
                set(&mut root, table, key, filler);
                continue;
            }
        }
        filling = None;
        let raw = err.message().trim();
        if let Some(key) = raw
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            let Some(table) = table_at(&root, &span) else {
                out.diags
                    .push(from_toml_error(path, text, line_offset, &err));
                return out;
            };
            if !removed.contains(&(table.clone(), key.to_string())) {
                out.diags
                    .push(from_toml_error(path, text, line_offset, &err));
            }
            out.repaired.push(dotted(&table, Some(key)));
            match missing {
                Missing::Fill => {
                    set(&mut root, &table, key, FILLERS[0]);
                    filling = Some((table, key.to_string(), 0));
                }
                Missing::Drop if table.is_empty() => return out,
                Missing::Drop => {
                    if let Some((Seg::Key(k), parent)) = table.split_last() {
                        removed.push((parent.to_vec(), k.clone()));
                    }
                    remove(&mut root, &table);
                }
            }
            continue;
        }
        out.diags
            .push(from_toml_error(path, text, line_offset, &err));
        let Some(at) = deepest(root.get_ref(), &span, &mut Vec::new()) else {
            return out;
        };
        if let Some((field, expected)) = unknown_field(raw) {
            let best = closest(&field, expected.iter().map(String::as_str))
                .first()
                .map(|b| b.to_string());
            if let Some(best) = best {
                if rename(&mut root, &at, &best) {
                    continue;
                }
            }
        }
        out.repaired.push(dotted(&at, None));
        if let Some((Seg::Key(k), parent)) = at.split_last() {
            removed.push((parent.to_vec(), k.clone()));
        }
        remove(&mut root, &at);
    }
    out
}

fn dotted(path: &[Seg], key: Option<&str>) -> String {
    let mut parts: Vec<String> = path
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    parts.extend(key.map(str::to_string));
    parts.join(".")
}

fn contains(span: &Range<usize>, at: usize) -> bool {
    span.start <= at && (at < span.end || span.start == span.end)
}

/// The path of the innermost key or array item whose key or value holds `span`.
fn deepest(table: &DeTable<'_>, span: &Range<usize>, path: &mut Vec<Seg>) -> Option<Vec<Seg>> {
    for (k, v) in table.iter() {
        path.push(Seg::Key(k.get_ref().to_string()));
        let inner = deepest_value(v.get_ref(), span, path);
        let hit = inner.or_else(|| {
            (contains(&k.span(), span.start) || contains(&v.span(), span.start))
                .then(|| path.clone())
        });
        path.pop();
        if hit.is_some() {
            return hit;
        }
    }
    None
}

fn deepest_value(v: &DeValue<'_>, span: &Range<usize>, path: &mut Vec<Seg>) -> Option<Vec<Seg>> {
    match v {
        DeValue::Table(t) => deepest(t, span, path),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(Seg::Index(i));
            let hit = deepest_value(item.get_ref(), span, path)
                .or_else(|| contains(&item.span(), span.start).then(|| path.clone()));
            path.pop();
            hit
        }),
        _ => None,
    }
}

/// The path of the table whose span is `span` (serde's "missing field" carries the span
/// of the table that lacks it).
fn table_at(root: &Spanned<DeTable<'_>>, span: &Range<usize>) -> Option<Vec<Seg>> {
    fn walk(v: &DeValue<'_>, span: &Range<usize>, path: &mut Vec<Seg>) -> Option<Vec<Seg>> {
        let children: Vec<(Seg, &Spanned<DeValue<'_>>)> = match v {
            DeValue::Table(t) => t
                .iter()
                .map(|(k, v)| (Seg::Key(k.get_ref().to_string()), v))
                .collect(),
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (Seg::Index(i), v))
                .collect(),
            _ => return None,
        };
        for (seg, child) in children {
            path.push(seg);
            let hit = walk(child.get_ref(), span, path).or_else(|| {
                (child.span() == *span && child.get_ref().is_table()).then(|| path.clone())
            });
            path.pop();
            if hit.is_some() {
                return hit;
            }
        }
        None
    }
    if root.span() == *span {
        return Some(Vec::new());
    }
    walk(
        &DeValue::Table(root.get_ref().clone()),
        span,
        &mut Vec::new(),
    )
}

/// The value at `path`, mutably.
fn value_mut<'a, 'i>(table: &'a mut DeTable<'i>, path: &[Seg]) -> Option<&'a mut DeValue<'i>> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(k) = first else { return None };
    let mut v = table.get_mut(k.as_str())?.get_mut();
    for seg in rest {
        v = match (v, seg) {
            (DeValue::Table(t), Seg::Key(k)) => t.get_mut(k.as_str())?.get_mut(),
            (DeValue::Array(a), Seg::Index(i)) => a.get_mut(*i)?.get_mut(),
            _ => return None,
        };
    }
    Some(v)
}

/// The table at `path` (the root for an empty path).
fn table_mut<'a, 'i>(
    root: &'a mut Spanned<DeTable<'i>>,
    path: &[Seg],
) -> Option<&'a mut DeTable<'i>> {
    if path.is_empty() {
        return Some(root.get_mut());
    }
    match value_mut(root.get_mut(), path)? {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// Remove the key or array item at `path`.
fn remove(root: &mut Spanned<DeTable<'_>>, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match last {
        Seg::Key(k) => {
            if let Some(t) = table_mut(root, parent) {
                t.remove(k.as_str());
            }
        }
        Seg::Index(i) => {
            if let Some(DeValue::Array(a)) = value_mut(root.get_mut(), parent) {
                let mut kept = toml::de::DeArray::new();
                for (j, item) in a.iter().enumerate() {
                    if j != *i {
                        kept.push(item.clone());
                    }
                }
                *a = kept;
            }
        }
    }
}

/// Rename the key at `path` to `to` when its table has no such key yet.
fn rename(root: &mut Spanned<DeTable<'_>>, path: &[Seg], to: &str) -> bool {
    let Some((Seg::Key(from), parent)) = path.split_last() else {
        return false;
    };
    let Some(t) = table_mut(root, parent) else {
        return false;
    };
    if t.contains_key(to) {
        return false;
    }
    let Some((key, value)) = t.remove_entry(from.as_str()) else {
        return false;
    };
    t.insert(Spanned::new(key.span(), to.to_string().into()), value);
    true
}

/// Set `key` of the table at `path` to the stand-in `filler`.
fn set(root: &mut Spanned<DeTable<'_>>, path: &[Seg], key: &str, filler: &'static str) {
    let Ok(value) = DeValue::parse(filler) else {
        return;
    };
    if let Some(t) = table_mut(root, path) {
        t.insert(
            Spanned::new(FILLER, key.to_string().into()),
            Spanned::new(FILLER, value.into_inner()),
        );
    }
}
