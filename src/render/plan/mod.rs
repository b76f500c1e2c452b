//! Planning: the whole site as a list of output jobs, each with what it depends on. The
//! planner always plans everything; which jobs are rendered is decided afterwards (a
//! full build renders all of them, `serve` only those an edit touched).
//!
//! One module per part of the site: [`directory`] (home, partners.json, value pages),
//! [`partner`] (profiles, item pages, badges, assets), [`listings`] (the paginated
//! lists), [`taxonomies`] (tag and topic pages), [`feeds`] (Atom), [`site`] (program
//! posts, pages, the navigation, extras and site files), [`request`] (the request form),
//! [`decisions`] (program decisions: pages, listing, feed), [`spotlight`] (the spotlight
//! page and feed), [`indexes`] (an index page for every folder of the site's URLs).

mod decisions;
mod directory;
mod feeds;
mod indexes;
mod listings;
mod partner;
mod request;
mod site;
mod spotlight;
mod taxonomies;

pub(super) use site::nav;
pub(super) use spotlight::{SpotlightView, view as spotlight_view};
pub(super) use taxonomies::{tag_path, tag_slug, topic_path};

use super::Extras;
use super::deps::Deps;
use super::job::{Job, Sources};
use super::theme::Theme;
use super::views::{Term, Urls};
use crate::content::Site;
use crate::facets::FacetDef;
use crate::kinds::{self, Shape};
use std::sync::{Arc, OnceLock};

/// Each facet with its values, computed once for the filters, the value pages and
/// partners.json.
pub(super) type FacetTerms = Arc<Vec<(&'static FacetDef, Vec<Term>)>>;

/// The output jobs of a site, who produces them, and the work their rendering shares.
#[derive(Default)]
pub(super) struct Planned<'a> {
    pub jobs: Vec<Job<'a>>,
    pub sources: Sources<'a>,
    /// Work shared by several jobs (the directory's card HTML), done once before
    /// rendering when any job with its dependencies is rendered.
    pub prepare: Vec<Prepare<'a>>,
}

/// Shared work: it fills a cell the jobs read, or returns the template failure (named
/// after a page) that leaves those jobs out.
pub(super) struct Prepare<'a> {
    pub deps: Deps<'a>,
    #[allow(clippy::type_complexity)]
    pub run: Box<dyn FnOnce(&tera::Tera) -> Option<(String, tera::Error)> + Send + 'a>,
}

/// Every partner's card as a template value and as HTML rendered with card.html, built
/// once for the home page and the value pages (where a partner appears about ten times).
pub(super) struct Cards {
    pub values: Vec<tera::Value>,
    pub html: Vec<tera::Value>,
}

/// The cards, once [`Prepare`] has built them.
pub(super) type SharedCards = Arc<OnceLock<Cards>>;

/// The template of an item page of the kind with this shape ([`crate::kinds::Kind`]'s
/// `item_template`).
fn item_template(shape: Shape) -> &'static str {
    kinds::by_shape(shape).item_template.unwrap_or("page.html")
}

/// Plan every output of the site.
pub(super) fn plan<'a>(
    site: &'a Site,
    theme: &'a Theme,
    facets: &FacetTerms,
    extras: Extras,
    spotlight: Option<(&crate::spotlight::Edition<'a>, &SpotlightView)>,
    urls: &Urls,
) -> Planned<'a> {
    let mut out = Planned::default();
    let nav = site::nav(site, &extras, urls);
    let cards = SharedCards::default();
    directory::plan(site, facets, &cards, urls, &mut out);
    let mut lists = partner::plan_all(site, &cards, &extras.partner_panels, urls, &mut out);
    site::program_posts(site, urls, &mut lists, &mut out);
    site::pages(site, urls, &mut out);
    request::plan(site, urls, &mut out);
    decisions::plan(site, urls, &mut out);
    let lists = lists.sorted();
    let browse = taxonomies::plan(&lists, &site.config, urls, &mut out);
    listings::plan(&lists, &browse, urls, &mut out);
    feeds::plan(&lists, &site.config, urls, &mut out);
    site::files(site, theme, urls, &mut out);
    if let Some((edition, view)) = spotlight {
        spotlight::plan(edition, view, site, urls, &mut out);
    }
    let extra_pages: Vec<(String, String)> = extras
        .pages
        .iter()
        .map(|e| (e.path.clone(), e.title.clone()))
        .collect();
    site::extras(extras, urls, &mut out);
    indexes::plan(site, facets, &extra_pages, urls, &mut out);
    debug_assert_eq!(
        indexes::missing(&out),
        Vec::<String>::new(),
        "folders without an index page"
    );
    site::sitemap(urls, &mut out);
    super::meta::image_jobs(site, &mut out.jobs);
    super::meta::attach(&mut out.jobs, site, urls, nav);
    out
}
