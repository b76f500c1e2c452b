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
    let report = |e: &toml::de::Error| from_toml_error(path, text, line_offset, e);
    let mut diags = Diagnostics::default();
    let none = |diags| Parsed {
        value: None,
        diags,
        repaired: Vec::new(),
    };
    // Most files have no problem: the first attempt takes the table without a copy, and
    // only a file with errors is parsed a second time to be repaired.
    let first = match DeTable::parse(text) {
        Ok(t) => T::deserialize(toml::de::Deserializer::from(t)),
        Err(e) => {
            diags.push(report(&e));
            return none(diags);
        }
    };
    if let Ok(v) = first {
        return Parsed {
            value: Some(v),
            diags,
            repaired: Vec::new(),
        };
    }
    let Ok(root) = DeTable::parse(text) else {
        return none(diags);
    };
    let mut doc = Repairs {
        root,
        missing,
        removed: Vec::new(),
        filling: None,
        repaired: Vec::new(),
    };
    let mut value = None;
    for _ in 0..MAX_ROUNDS {
        match T::deserialize(toml::de::Deserializer::from(doc.root.clone())) {
            Ok(v) => {
                value = Some(v);
                break;
            }
            Err(e) => {
                let step = doc.step(&e);
                if step.report {
                    diags.push(report(&e));
                }
                if !step.go_on {
                    break;
                }
            }
        }
    }
    Parsed {
        value,
        diags,
        repaired: doc.repaired,
    }
}

/// What to do after one deserialization error.
struct Step {
    report: bool,
    go_on: bool,
}

const fn step(report: bool, go_on: bool) -> Step {
    Step { report, go_on }
}

/// The document being repaired, and what was done to it.
struct Repairs<'i> {
    root: Spanned<DeTable<'i>>,
    missing: Missing,
    /// (table path, key) of every key taken away, so the "missing" error it causes is
    /// not reported a second time.
    removed: Vec<(Vec<Seg>, String)>,
    /// The key being filled and the index of the stand-in tried.
    filling: Option<(Vec<Seg>, String, usize)>,
    repaired: Vec<String>,
}

impl Repairs<'_> {
    fn step(&mut self, err: &toml::de::Error) -> Step {
        let Some(span) = err.span() else {
            return step(true, false);
        };
        if let Some((table, key, tried)) = &mut self.filling
            && is_filler(&span)
        {
            // The stand-in has the wrong type: try the next one.
            *tried += 1;
            let Some(filler) = FILLERS.get(*tried) else {
                return step(false, false);
            };
            set(&mut self.root, table, key, filler);
            return step(false, true);
        }
        self.filling = None;
        let raw = err.message().trim();
        match raw
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(key) => self.missing_key(key, &span),
            None => self.wrong_key(raw, &span),
        }
    }

    fn missing_key(&mut self, key: &str, span: &Range<usize>) -> Step {
        let Some(table) = table_at(&self.root, span) else {
            return step(true, false);
        };
        let report = !self.removed.contains(&(table.clone(), key.to_string()));
        let path = dotted(&table, Some(key));
        if !self.repaired.contains(&path) {
            self.repaired.push(path);
        }
        match self.missing {
            Missing::Fill => {
                set(&mut self.root, &table, key, FILLERS[0]);
                self.filling = Some((table, key.to_string(), 0));
            }
            Missing::Drop if table.is_empty() => return step(report, false),
            Missing::Drop => {
                if let Some((Seg::Key(k), parent)) = table.split_last() {
                    self.removed.push((parent.to_vec(), k.clone()));
                }
                remove(&mut self.root, &table);
            }
        }
        step(report, true)
    }

    /// An unknown key is renamed to the key it most likely misspells (when that key is
    /// not set), so the value is still checked; anything else wrong is removed.
    fn wrong_key(&mut self, raw: &str, span: &Range<usize>) -> Step {
        let Some(at) = deepest(self.root.get_ref(), span, &mut Vec::new()) else {
            return step(true, false);
        };
        if let Some((field, expected)) = unknown_field(raw) {
            let best = closest(&field, expected.iter().map(String::as_str))
                .first()
                .map(|b| b.to_string());
            if best.is_some_and(|b| rename(&mut self.root, &at, &b)) {
                return step(true, true);
            }
        }
        self.repaired.push(dotted(&at, None));
        if let Some((Seg::Key(k), parent)) = at.split_last() {
            self.removed.push((parent.to_vec(), k.clone()));
        }
        remove(&mut self.root, &at);
        step(true, true)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only through serde
    struct Item {
        name: Spanned<String>,
        #[serde(default)]
        size: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: Spanned<String>,
        #[serde(default)]
        items: Vec<Item>,
        sub: Option<Item>,
    }

    fn messages<T>(p: &Parsed<T>) -> Vec<String> {
        p.diags.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn every_problem_of_nested_tables() {
        let text = "titel = \"x\"\n[[items]]\nname = 1\nsize = 2\n[[items]]\nname = \"b\"\nsize = \"3\"\n[sub]\nnme = \"c\"\n";
        let p: Parsed<Doc> = parse(Path::new("f.toml"), text, 0, Missing::Fill);
        assert_eq!(
            messages(&p),
            [
                "f.toml:1:1: error: unknown key `titel`\n  = help: did you mean `title`?",
                "f.toml:3:8: error: expected text in quotes, found the number `1`\n  = help: write text in quotes here",
                "f.toml:7:8: error: expected a whole number, found the text \"3\"\n  = help: write a whole number here",
                "f.toml:9:1: error: unknown key `nme`\n  = help: did you mean `name`?",
            ]
        );
        let doc = p.value.as_ref().unwrap();
        assert_eq!(doc.title.get_ref(), "x");
        assert!(is_filler(&doc.items[0].name.span()));
        assert_eq!(p.repaired, ["items.0.name", "items.1.size"]);
    }

    #[test]
    fn drop_mode_gives_up_at_the_top_and_drops_nested_tables() {
        let text = "title = 5\n";
        let p: Parsed<Doc> = parse(Path::new("f.toml"), text, 0, Missing::Drop);
        assert!(p.value.is_none());
        assert_eq!(
            messages(&p).len(),
            1,
            "the missing title is not reported again"
        );
        let text = "title = \"t\"\n[sub]\nsize = 1\n";
        let p: Parsed<Doc> = parse(Path::new("f.toml"), text, 0, Missing::Drop);
        assert!(p.value.as_ref().unwrap().sub.is_none());
        assert_eq!(
            messages(&p),
            ["f.toml:2:1: error: missing required key `name`\n  = help: add `name = ...`"]
        );
    }

    #[test]
    fn the_number_of_rounds_is_bounded() {
        let text: String = (0..200).map(|i| format!("k{i} = 1\n")).collect();
        let text = format!("title = \"t\"\n{text}");
        let p: Parsed<Doc> = parse(Path::new("f.toml"), &text, 0, Missing::Fill);
        assert!(p.value.is_none());
        assert_eq!(p.diags.0.len(), MAX_ROUNDS);
    }
}
