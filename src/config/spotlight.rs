//! `[spotlight]`: which company sizes the spotlight features (ids of `[company_size]`)
//! and how many partners each edition features. What an edition shows is decided in
//! [`crate::spotlight`].

use super::{Vocab, error_at};
use crate::diagnostics::{Diagnostics, suggest};
use serde::Deserialize;
use toml::Spanned;

/// The most partners one edition may feature: a home-page block, not a second directory.
pub const MAX_COUNT: i64 = 12;
/// Partners featured per edition when `count` is left out.
pub const DEFAULT_COUNT: usize = 3;

/// `[spotlight]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpotlight {
    company_sizes: Spanned<Vec<Spanned<String>>>,
    count: Option<Spanned<i64>>,
}

/// The validated `[spotlight]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spotlight {
    /// Ids of `[company_size]`, in the order written, once each.
    pub company_sizes: Vec<String>,
    /// Partners featured per edition (1 to [`MAX_COUNT`]).
    pub count: usize,
}

/// Check `[spotlight]` against `[company_size]`; every problem is reported. `None` when
/// nothing usable is left (no valid size).
pub(super) fn validate(
    raw: RawSpotlight,
    sizes: &Vocab,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Spotlight> {
    let mut company_sizes: Vec<String> = Vec::new();
    for id in raw.company_sizes.get_ref() {
        let at = id.span().start;
        let id = id.get_ref();
        if !sizes.contains(id) {
            let hint = if sizes.entries.is_empty() {
                "add a `[company_size]` table to site.toml (e.g. `1-10 = \"1–10 employees\"`) and give partners a `company_size`".to_string()
            } else {
                suggest(id, sizes.ids())
            };
            diags.push(
                error_at(
                    text,
                    at,
                    format!("[spotlight] company_sizes: `{id}` is not an id in [company_size]"),
                )
                .hint(hint),
            );
        } else if company_sizes.contains(id) {
            diags.push(
                error_at(
                    text,
                    at,
                    format!("[spotlight] company_sizes: `{id}` is listed twice"),
                )
                .hint(format!("remove the second `{id}`")),
            );
        } else {
            company_sizes.push(id.clone());
        }
    }
    if raw.company_sizes.get_ref().is_empty() {
        diags.push(
            error_at(
                text,
                raw.company_sizes.span().start,
                "[spotlight] company_sizes is empty: no partner could be featured",
            )
            .hint(format!(
                "list the sizes of the companies to feature, e.g. company_sizes = [{}]",
                example(sizes)
            )),
        );
    }
    let count = raw.count.map_or(Some(DEFAULT_COUNT), |count| {
        let n = *count.get_ref();
        let ok = (1..=MAX_COUNT).contains(&n);
        if !ok {
            diags.push(
                error_at(
                    text,
                    count.span().start,
                    format!("[spotlight] count is {n}; it must be 1 to {MAX_COUNT}"),
                )
                .hint(format!(
                    "write how many partners each weekly edition features, e.g. count = {DEFAULT_COUNT}"
                )),
            );
        }
        ok.then(|| usize::try_from(n).ok()).flatten()
    });
    (!company_sizes.is_empty())
        .then_some(())
        .and(count)
        .map(|count| Spotlight {
            company_sizes,
            count,
        })
}

/// `"1-10", "11-50"`: the first two ids of `[company_size]`, quoted.
fn example(sizes: &Vocab) -> String {
    let ids: Vec<String> = sizes.ids().take(2).map(|id| format!("{id:?}")).collect();
    if ids.is_empty() {
        "\"1-10\"".into()
    } else {
        ids.join(", ")
    }
}
