//! Benchmark FLOOR: the least any pulldown-cmark site generator can do. Walks
//! `SITE/content` for every `.md` file, strips the `+++` front matter, renders the
//! Markdown into a fixed HTML shell (no templates, no model, no listings) and writes
//! `foo.md` to `OUT/foo/index.html`, in parallel with rayon. See bench/README.md.
//!
//! `cargo run --release --example floor -- SITE_DIR OUT_DIR`

use anyhow::{Context, Result, bail};
use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;
use walkdir::WalkDir;

/// The parser options a generator uses (the same set as partnersite's markdown.rs).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// (front matter, body); no front matter when the file does not start with `+++`.
fn split_front_matter(text: &str) -> (&str, &str) {
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return ("", text);
    };
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return (&rest[..pos], &rest[pos + line.len()..]);
        }
        pos += line.len();
    }
    ("", text)
}

/// The `title = "..."` of the front matter, else the file stem.
fn title<'a>(front: &'a str, path: &'a Path) -> &'a str {
    front
        .lines()
        .find_map(|l| {
            let v = l
                .strip_prefix("title")?
                .trim_start()
                .strip_prefix('=')?
                .trim();
            v.strip_prefix('"')?.strip_suffix('"')
        })
        .unwrap_or_else(|| path.file_stem().and_then(|s| s.to_str()).unwrap_or(""))
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn render_one(src: &Path, rel: &Path, out_root: &Path) -> Result<()> {
    let text = fs::read_to_string(src).with_context(|| format!("reading {}", src.display()))?;
    let (front, body) = split_front_matter(&text);
    let mut page = String::with_capacity(body.len() * 3 / 2 + 256);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    escape(title(front, src), &mut page);
    page.push_str("</title></head><body><main>\n");
    html::push_html(&mut page, Parser::new_ext(body, options()));
    page.push_str("</main></body></html>\n");
    let dir = out_root.join(rel.with_extension(""));
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let dest = dir.join("index.html");
    fs::write(&dest, page).with_context(|| format!("writing {}", dest.display()))
}

fn main() -> Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [site, out] = args.as_slice() else {
        bail!("usage: floor SITE_DIR OUT_DIR");
    };
    let start = Instant::now();
    let content = site.join("content");
    let mut files = Vec::new();
    for entry in WalkDir::new(&content) {
        let entry = entry.with_context(|| format!("walking {}", content.display()))?;
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "md") {
            let rel = path.strip_prefix(&content)?.to_path_buf();
            files.push((path.to_path_buf(), rel));
        }
    }
    files
        .par_iter()
        .try_for_each(|(src, rel)| render_one(src, rel, out))?;
    println!(
        "floor: {} pages written to {} in {:.3} s",
        files.len(),
        out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
