//! Site-wide outputs: program posts and pages, the navigation, the pages and files later
//! stages contribute (extras), and the site files (404, robots.txt, CNAME, static files,
//! sitemap.xml).

use super::listings::Lists;
use super::{Planned, item_template};
use crate::content::{Menu, Site};
use crate::kinds::{Shape, by_shape};
use crate::render::Extras;
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, Make, Owner, image_jobs, page_ctx};
use crate::render::theme::{StaticFile, Theme};
use crate::render::views::{self, NavLink, Urls, paths};
use tera::Context;

/// Program posts (content/blog/): a page each, and an entry in the blog listing.
pub(super) fn program_posts<'a>(
    site: &'a Site,
    urls: &Urls,
    lists: &mut Lists<'a>,
    out: &mut Planned<'a>,
) {
    for item in &site.blog {
        let source = Source::ProgramPost(&item.slug);
        let deps = Deps::on(source);
        let view = views::post(item, None, &site.config, urls);
        let path = paths::post(None, &item.slug);
        let mut ctx = page_ctx(&item.title, &path, urls);
        ctx.insert("item", &view);
        ctx.insert("content", &item.html);
        // No partner, no sidebar; the same variables as a partner's post page.
        ctx.insert("sidebar", &None::<()>);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&item.path)));
        let ctx = Ctx::Ready(Box::new(ctx));
        out.jobs.push(Job::page(
            &path,
            item_template(Shape::Post),
            ctx,
            deps.clone(),
        ));
        image_jobs(&item.links, &[], &deps, &mut out.jobs, &mut out.sources);
        lists.add(by_shape(Shape::Post), [view], [item.date], Some(source));
    }
}

/// The header's and the footer's links. The header is kept short (on phones it folds
/// behind one Menu button): the directory, the listings of the kinds with a feed (case
/// studies, blog), the extras' header entries and the pages with `menu = "header"`. The
/// footer has the other listings, the extras' footer entries and the pages with
/// `menu = "footer"` (the default); `menu = "none"` pages are in neither.
pub(in crate::render) fn nav(
    site: &Site,
    extras: &Extras,
    urls: &Urls,
) -> (Vec<NavLink>, Vec<NavLink>) {
    let link = |title: &str, path: &str| NavLink {
        title: title.to_string(),
        url: urls.url(path),
    };
    let (mut header, mut footer) = (vec![link("Partners", "")], Vec::new());
    for kind in crate::kinds::listed() {
        // Decisions have a listing only once the program publishes one.
        if kind.shape == Shape::Decision && site.decisions.is_empty() {
            continue;
        }
        if let Some(l) = kind.listing {
            let menu = if kind.feed.is_some() {
                &mut header
            } else {
                &mut footer
            };
            menu.push(link(l.title, l.path));
        }
    }
    header.extend(extras.nav.iter().map(|(title, path)| link(title, path)));
    footer.extend(extras.footer_nav.iter().map(|(t, path)| link(t, path)));
    for page in &site.pages {
        let l = link(&page.title, &paths::page(&page.slug));
        match page.menu {
            Menu::Header => header.push(l),
            Menu::Footer => footer.push(l),
            Menu::None => {}
        }
    }
    (header, footer)
}

/// Pages (content/pages/). `serve` rebuilds everything when one changes, so they depend
/// on the structure alone.
pub(super) fn pages<'a>(site: &'a Site, urls: &Urls, out: &mut Planned<'a>) {
    for page in &site.pages {
        let path = paths::page(&page.slug);
        let mut ctx = page_ctx(&page.title, &path, urls);
        ctx.insert("content", &page.html);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&page.path)));
        let ctx = Ctx::Ready(Box::new(ctx));
        out.jobs.push(Job::page(
            &path,
            item_template(Shape::Page),
            ctx,
            Deps::Structure,
        ));
        image_jobs(
            &page.links,
            &[],
            &Deps::Structure,
            &mut out.jobs,
            &mut out.sources,
        );
    }
}

/// 404.html, .nojekyll, robots.txt, CNAME and the static files.
pub(super) fn files<'a>(site: &'a Site, theme: &'a Theme, urls: &Urls, out: &mut Planned<'a>) {
    let c = &site.config;
    let ctx = Ctx::Ready(Box::new(page_ctx("Page not found", "404.html", urls)));
    let jobs = &mut out.jobs;
    jobs.push(Job::file(
        "404.html".into(),
        "404.html",
        ctx,
        Deps::Structure,
    ));
    jobs.push(Job::bytes(".nojekyll", Vec::new(), Deps::Structure));
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        urls.abs("sitemap.xml")
    );
    jobs.push(Job::bytes(
        "robots.txt",
        robots.into_bytes(),
        Deps::Structure,
    ));
    if let Some(cname) = &c.cname {
        let bytes = format!("{cname}\n").into_bytes();
        jobs.push(Job::bytes("CNAME", bytes, Deps::Structure));
    }
    for (path, source) in &theme.static_files {
        if let StaticFile::Disk(file) = source {
            let rel = file.strip_prefix(&c.root).unwrap_or(file);
            out.sources.push((path.clone(), Owner::whole(rel)));
        }
        out.jobs
            .push(Job::copy(path.clone(), source.clone(), Deps::Structure));
    }
}

/// The pages and files of later stages (rules, lead report): they count or summarise
/// items, so any Markdown edit renders them again.
pub(super) fn extras(extras: Extras, urls: &Urls, out: &mut Planned) {
    for extra in extras.pages {
        let mut ctx = page_ctx(&extra.title, &extra.path, urls);
        ctx.extend(extra.ctx);
        let ctx = Ctx::Ready(Box::new(ctx));
        out.jobs
            .push(Job::page(&extra.path, extra.template, ctx, Deps::AnyText));
    }
    for (path, bytes) in extras.files {
        out.jobs.push(Job::bytes(path, bytes, Deps::AnyText));
    }
}

/// sitemap.xml: every page planned so far (call it last).
pub(super) fn sitemap(urls: &Urls, out: &mut Planned) {
    let mut sitemap: Vec<String> = out
        .jobs
        .iter()
        .filter_map(|j| match j.make {
            Make::Template { sitemap: true, .. } => {
                Some(urls.abs(j.path.trim_end_matches("index.html")))
            }
            _ => None,
        })
        .collect();
    sitemap.sort();
    let mut ctx = Context::new();
    ctx.insert("urls", &sitemap);
    out.jobs.push(Job::file(
        "sitemap.xml".into(),
        "sitemap.xml",
        Ctx::Ready(Box::new(ctx)),
        Deps::Structure,
    ));
}
