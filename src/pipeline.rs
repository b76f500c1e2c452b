//! The stages wired together: load -> validate -> model -> render -> write, shared by
//! `build`, `check` and `serve`.

use crate::config::{self, SiteConfig};
use crate::content::{self, Site};
use crate::diagnostics::Diagnostics;
use crate::output::Sink;
use crate::render::{self, Extras, RenderOptions, RenderSummary, Theme};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// A site loaded and validated, ready to render.
pub struct Loaded {
    pub site: Site,
    /// Warnings (the build goes on).
    pub diagnostics: Diagnostics,
}

/// Outcome of load + validate: the model, or every problem found.
pub enum LoadOutcome {
    Ok(Box<Loaded>),
    Failed(Diagnostics),
}

/// Read site.toml and the content, validate everything. I/O errors on the site root
/// itself are `Err`; content problems are `LoadOutcome::Failed`.
pub fn load(opts: &BuildOptions) -> Result<LoadOutcome> {
    let (config, mut diags) = config::load(&opts.root)?;
    let Some(mut config) = config else {
        return Ok(LoadOutcome::Failed(diags.sorted()));
    };
    if let Some(url) = &opts.base_url {
        config.set_base_url(url);
    }
    let (site, content_diags) = content::load(config);
    diags.extend(content_diags);
    let diags = diags.sorted();
    match site {
        Some(site) if !diags.has_errors() => Ok(LoadOutcome::Ok(Box::new(Loaded {
            site,
            diagnostics: diags,
        }))),
        _ => Ok(LoadOutcome::Failed(diags)),
    }
}

/// Render a loaded site into `sink`.
pub fn render_site(
    site: &Site,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<std::result::Result<RenderSummary, Diagnostics>> {
    let theme = match Theme::load(&site.config.root, &site.config.theme) {
        Ok(t) => t,
        Err(d) => return Ok(Err(d)),
    };
    render::render(site, &theme, Extras::default(), opts, sink)
}

/// The published view of a site: drafts removed unless asked for.
pub fn published(mut site: Site, drafts: bool) -> Site {
    if !drafts {
        site.remove_drafts();
    }
    site
}

/// Where `build` writes by default.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// Convenience for tests and tools: the site's configuration only.
pub fn load_config(root: &Path) -> Result<(Option<SiteConfig>, Diagnostics)> {
    Ok(config::load(root)?)
}
