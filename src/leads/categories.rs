//! `[leads.categories]` cells -> published keys. A closed category (a vocabulary table
//! or an ordered list) publishes only its ids; the plain form only slugs of at most 40
//! characters; every other value counts as `other`. A value that is not published is
//! never kept, not even in memory: only its count is.

// Value slots are indices this module hands out itself, each below `counts.len()`.
#![allow(clippy::indexing_slicing)]

use super::UNSPECIFIED;
use crate::config::{Category, OTHER, is_value_slug};
use std::collections::HashMap;

/// A plain category with more distinct slugs than this is probably free text (names
/// written as slugs, say), which would be published as keys: refused.
pub const MAX_CATEGORY_VALUES: usize = 200;

/// The distinct published values of one category and their counts.
pub struct CategoryCounts {
    /// Published value -> slot.
    index: HashMap<Box<[u8]>, u32>,
    values: Vec<String>,
    counts: Vec<u64>,
    other: u32,
    unspecified: u32,
    /// Declared values only (`values = ...`): every one is published, in this order.
    closed: bool,
    /// `unspecified` is one of the declared values (then always published).
    declared_unspecified: bool,
}

/// A plain category met more than [`MAX_CATEGORY_VALUES`] distinct slugs.
pub struct TooManyValues;

impl CategoryCounts {
    pub fn new(cat: &Category) -> Self {
        let mut c = CategoryCounts {
            index: HashMap::new(),
            values: Vec::new(),
            counts: Vec::new(),
            other: 0,
            unspecified: 0,
            closed: cat.known.is_some(),
            declared_unspecified: false,
        };
        for e in cat.known.iter().flatten() {
            c.intern(&e.id);
        }
        c.declared_unspecified = c.index.contains_key(UNSPECIFIED.as_bytes());
        c.other = c.intern(OTHER);
        c.unspecified = c.intern(UNSPECIFIED);
        c
    }

    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&i) = self.index.get(value.as_bytes()) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(value.to_string());
        self.counts.push(0);
        self.index.insert(value.as_bytes().into(), i);
        i
    }

    /// The slot a (trimmed) cell counts in.
    pub fn slot(&mut self, raw: &[u8]) -> Result<u32, TooManyValues> {
        if raw.is_empty() {
            return Ok(self.unspecified);
        }
        if let Some(&i) = self.index.get(raw) {
            return Ok(i);
        }
        if self.closed {
            // Declared ids are lower-case; an export may capitalise them.
            if raw.iter().any(u8::is_ascii_uppercase)
                && let Some(&i) = self.index.get(raw.to_ascii_lowercase().as_slice())
            {
                return Ok(i);
            }
            return Ok(self.other);
        }
        match std::str::from_utf8(raw) {
            Ok(v) if is_value_slug(v) => {
                // `other` and `unspecified` are always interned, hence the 2.
                if self.values.len() >= MAX_CATEGORY_VALUES + 2 {
                    return Err(TooManyValues);
                }
                Ok(self.intern(v))
            }
            _ => Ok(self.other),
        }
    }

    pub fn add(&mut self, slot: u32) {
        self.counts[slot as usize] += 1;
    }

    /// `(key, count)` as published: a closed category lists every declared value in
    /// order (zeros included), then `other`, then `unspecified` when counted; the plain
    /// form the values counted, sorted, then `other` and `unspecified` when counted.
    pub fn published(&self) -> Vec<(&str, u64)> {
        let all = self
            .values
            .iter()
            .map(String::as_str)
            .zip(self.counts.iter().copied());
        if self.closed {
            return all
                .filter(|(v, c)| *c > 0 || *v != UNSPECIFIED || self.declared_unspecified)
                .collect();
        }
        let mut out: Vec<(&str, u64)> = all.filter(|(_, c)| *c > 0).collect();
        out.sort_by_key(|(v, _)| (*v == UNSPECIFIED, *v == OTHER, *v));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CategoryValues, VocabEntry};

    fn category(known: Option<&[&str]>) -> Category {
        Category {
            name: "budget".into(),
            span: 0..0,
            column: "budget_band".into(),
            values: CategoryValues::Slugs,
            labels: None,
            known: known.map(|ids| {
                ids.iter()
                    .map(|id| VocabEntry {
                        id: id.to_string(),
                        label: id.to_string(),
                        span: 0..0,
                    })
                    .collect()
            }),
        }
    }

    fn count(c: &mut CategoryCounts, cells: &[&str]) {
        for cell in cells {
            let slot = c.slot(cell.as_bytes()).ok().unwrap();
            c.add(slot);
        }
    }

    #[test]
    fn closed_lists_keep_their_order_and_count_the_rest_as_other() {
        let mut c = CategoryCounts::new(&category(Some(&["lt-5k", "5k-20k", "20k-50k"])));
        count(
            &mut c,
            &["20k-50k", "LT-5K", "call Jane", "", "huge", "5k-20k"],
        );
        assert_eq!(
            c.published(),
            [
                ("lt-5k", 1),
                ("5k-20k", 1),
                ("20k-50k", 1),
                ("other", 2),
                ("unspecified", 1)
            ]
        );
        let c = CategoryCounts::new(&category(Some(&["a", "other"])));
        assert_eq!(c.published(), [("a", 0), ("other", 0)]);
    }

    #[test]
    fn the_plain_form_publishes_slugs_only() {
        let mut c = CategoryCounts::new(&category(None));
        let long = "a".repeat(41);
        count(
            &mut c,
            &[
                "hosting", "Hosting", "x@y.org", &long, "other", "ab-c", "hosting",
            ],
        );
        assert_eq!(c.published(), [("ab-c", 1), ("hosting", 2), ("other", 4)]);
        let mut c = CategoryCounts::new(&category(None));
        for i in 0..MAX_CATEGORY_VALUES {
            assert!(c.slot(format!("v{i}").as_bytes()).is_ok());
        }
        assert!(c.slot(b"one-more").is_err());
        assert!(c.slot(b"v1").is_ok());
    }
}
