//! partnersite: a static site generator for an open-source ecosystem's partner program.
//!
//! Data flows one way: [`config`] (site.toml) -> [`content`] (load + validate) ->
//! [`render`] (tera, in parallel) -> [`output`] (atomic write). [`pipeline`] ties the
//! stages together for `build`, `check` and `serve`; `check` is the same pipeline
//! without the write (it renders into a sink that keeps nothing).
//!
//! Nothing read from a site folder or a lead export may panic the build: `unwrap`,
//! `expect` and unchecked indexing are denied outside tests. Functions stay short:
//! clippy's `too_many_lines` is an error over 80 lines of code (`clippy.toml`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
#![deny(clippy::too_many_lines)]

pub mod assets;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod decisions;
pub mod diagnostics;
pub mod facets;
pub mod formats;
pub mod fsread;
pub mod iso;
pub mod kinds;
pub mod leads;
pub mod links;
pub mod markdown;
pub mod ogimage;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod sha;
pub mod spotlight;
pub mod timings;
pub mod today;
pub mod tomlcheck;
pub mod week;
