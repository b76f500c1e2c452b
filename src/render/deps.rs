//! What each planned output depends on, and what changed since the last render: the
//! planner records the first on every job, `serve` says the second, and only the jobs an
//! edit can have changed are rendered again.

use std::collections::BTreeSet;

/// A Markdown source that `serve` re-reads in place, without a full rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source<'a> {
    /// One partner's Markdown: about.md and its case studies, posts and testimonials.
    Partner(&'a str),
    /// A program post (content/blog/).
    ProgramPost(&'a str),
}

/// The Markdown an output shows. Every output may also read the site's structure
/// (site.toml, partner records, the theme, static files, pages, which files exist, and
/// every item's date and draft flag); `serve` rebuilds everything when any of that
/// changes, so it is not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deps<'a> {
    /// No Markdown item: the structure alone (the directory, badges, assets, 404, ...).
    Structure,
    /// The Markdown of one source (a profile, an item page): most outputs, kept without
    /// an allocation each.
    One(Source<'a>),
    /// The Markdown of these sources, sorted, two or more (a listing page, a feed).
    On(Vec<Source<'a>>),
    /// Any Markdown at all (pages that count or summarise every item, such as the rules'
    /// contributions page and the lead report).
    AnyText,
}

impl<'a> Deps<'a> {
    /// One source.
    pub fn on(source: Source<'a>) -> Deps<'a> {
        Deps::One(source)
    }

    /// The sources of a list of items, once each ([`Deps::Structure`] for none).
    pub fn on_all(sources: impl IntoIterator<Item = Source<'a>>) -> Deps<'a> {
        let mut v: Vec<Source> = sources.into_iter().collect();
        if v.is_empty() {
            return Deps::Structure;
        }
        v.sort();
        v.dedup();
        match v.as_slice() {
            [one] => Deps::One(*one),
            _ => Deps::On(v),
        }
    }

    /// The Markdown sources it names (none for [`Deps::Structure`] and
    /// [`Deps::AnyText`]).
    pub fn sources(&self) -> &[Source<'a>] {
        match self {
            Deps::One(source) => std::slice::from_ref(source),
            Deps::On(sources) => sources,
            Deps::Structure | Deps::AnyText => &[],
        }
    }
}

/// What changed since the last render, as `serve` re-read it: an output is rendered
/// again when it depends on any of it (see [`Dirty::touches`]).
#[derive(Debug, Default, Clone)]
pub struct Dirty {
    /// Partners whose Markdown changed.
    pub partners: BTreeSet<String>,
    /// Program posts (by slug) that changed.
    pub program_posts: BTreeSet<String>,
}

impl Dirty {
    /// Whether an output with these dependencies may have changed.
    pub fn touches(&self, deps: &Deps) -> bool {
        match deps {
            Deps::AnyText => true,
            _ => deps.sources().iter().any(|s| match s {
                Source::Partner(slug) => self.partners.contains(*slug),
                Source::ProgramPost(slug) => self.program_posts.contains(*slug),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_is_touched_by_what_it_shows() {
        let mut dirty = Dirty::default();
        dirty.partners.insert("acme".into());
        assert!(dirty.touches(&Deps::on(Source::Partner("acme"))));
        assert!(!dirty.touches(&Deps::on(Source::Partner("other"))));
        assert!(!dirty.touches(&Deps::on(Source::ProgramPost("acme"))));
        assert!(dirty.touches(&Deps::on_all([
            Source::ProgramPost("news"),
            Source::Partner("acme")
        ])));
        assert!(dirty.touches(&Deps::AnyText));
        assert!(!dirty.touches(&Deps::Structure));
    }
}
