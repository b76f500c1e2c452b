//! The integration test suite, one binary (as mdBook's tests/testsuite): small fixture
//! sites in `tests/fixtures/` copied into temp dirs, the real binary run against them, and
//! checks over the output. `cargo test` runs it; one area alone: `cargo test --test suite
//! links::`. The headless Chromium tests are a separate target (`tests/browser.rs`).

mod common;

mod all_errors;
mod allocation;
mod archive;
mod bad_input;
mod badge;
mod build;
mod check_contract;
mod decisions;
mod directory;
mod example_site;
mod file_policy;
mod formats;
mod items;
mod leads;
mod leads_input;
mod links;
mod meta;
mod navigation;
mod output_safety;
mod privacy;
mod report;
mod request;
mod rules;
mod scaffold;
mod schema;
mod security;
mod serve;
mod serve_http;
mod serve_watch;
mod small_items;
mod spotlight;
mod terminal_safety;
mod url_prefixes;
