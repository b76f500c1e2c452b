//! Templates and theme static files: the default theme is compiled into the binary; a
//! site's `themes/<name>/` and then `templates/` replace it file by file.

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fsread::{Area, SiteFiles};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub(crate) mod dates;

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_control_characters() {
        let mut out = Vec::new();
        super::escape("A<b>&\"'\u{1}\u{1b}z\té\u{fffe}\u{ffff}!", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A&lt;b&gt;&amp;&quot;&#39;z\té!"
        );
    }
}

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embed![
    "base.html",
    "card.html",
    "index.html",
    "listing.html",
    "folder.html",
    "partner.html",
    "case_study.html",
    "post.html",
    "page.html",
    "list.html",
    "testimonials.html",
    "clients.html",
    "pager.html",
    "contributions.html",
    "transparency.html",
    "request.html",
    "period_switch.html",
    "trends.html",
    "decision.html",
    "decisions.html",
    "spotlight.html",
    "spotlight_block.html",
    "spotlight_items.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "badge.svg",
    "badge-card.svg",
    "badge-mark.svg",
];

/// The default theme's static files, by output path.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "directory.js",
        include_bytes!("../../themes/default/static/directory.js"),
    ),
    (
        "copy.js",
        include_bytes!("../../themes/default/static/copy.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// Static files to publish: embedded bytes or a file on disk.
#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// A ready template engine plus the static files of the theme and the site.
pub struct Theme {
    pub tera: tera::Tera,
    /// Output path -> file. Later layers replace earlier ones.
    pub static_files: BTreeMap<String, StaticFile>,
    /// Folders whose changes matter to `serve`.
    pub watched: Vec<PathBuf>,
    /// Template name -> the file it comes from (relative to the site root, or
    /// `(default theme)/templates/<name>`), to place template errors.
    pub sources: BTreeMap<String, PathBuf>,
}

/// Every file of a folder (links and special files included: the read policy, not the
/// walk, decides what is refused), sorted by output path.
fn read_dir_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<(String, PathBuf)> = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect();
    out.sort();
    out
}

/// Escape text for HTML and XML: the five special characters, and the characters XML
/// 1.0 forbids even as references (C0 controls, U+FFFE, U+FFFF, which a TOML escape can
/// put in a name) dropped. Safe runs are written whole (tera's default writes byte by byte).
pub fn escape(input: &str, buf: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_pieces(input, |piece| buf.write_all(piece.as_bytes()))
}

/// [`escape`] appending to a `String`.
pub fn escape_into(out: &mut String, input: &str) {
    let _ = escape_pieces(input, |piece| {
        out.push_str(piece);
        Ok::<(), std::convert::Infallible>(())
    });
}

/// The escaped text of `input` as pieces: safe runs of it (sliced at ASCII bytes or
/// before a dropped U+FFFE/U+FFFF, so on character boundaries) and replacements.
fn escape_pieces<E>(input: &str, mut put: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = input.as_bytes();
    let mut start = 0;
    let mut i = 0;
    loop {
        // The hot loop: one table lookup per byte of a safe run.
        while bytes
            .get(i)
            .is_some_and(|&b| SPECIAL.get(usize::from(b)) == Some(&false))
        {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { break };
        let (replacement, len): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            // U+FFFE and U+FFFF: EF BF BE / EF BF BF.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            0xEF => {
                i += 1;
                continue;
            }
            _ => ("", 1), // a C0 control other than tab, LF and CR
        };
        put(input.get(start..i).unwrap_or_default())?;
        put(replacement)?;
        i += len;
        start = i;
    }
    put(input.get(start..).unwrap_or_default())
}

/// The bytes [`escape`] stops at: the five special characters, the C0 controls XML
/// forbids, and 0xEF (the lead byte of U+FFFE and U+FFFF).
// Indexing in a const initialiser: an index out of range fails the build, not a run.
#[allow(clippy::indexing_slicing)]
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 32 {
        t[b] = !matches!(b, 9 | 10 | 13);
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// A lenient load that fails on any error diagnostic.
fn strict(loaded: Result<(Theme, Diagnostics), Diagnostics>) -> Result<Theme, Diagnostics> {
    match loaded? {
        (_, diags) if diags.has_errors() => Err(diags.sorted()),
        (theme, _) => Ok(theme),
    }
}

impl Theme {
    /// Load the theme named in site.toml for the site at `root`, with the default
    /// `[security]` size limit; any template error fails.
    pub fn load(root: &Path, theme: &str) -> Result<Theme, Diagnostics> {
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let limit = crate::config::SecurityConfig::default().max_file_size;
        strict(Self::load_lenient(
            &SiteFiles::for_root(root, &canonical, limit),
            root,
            theme,
        ))
    }

    /// Load the theme of a site under its read policy (`[security] max_file_size` for
    /// templates and static files; links must stay in the site root), with every
    /// template error as a diagnostic (see `Theme::load_lenient`).
    pub fn for_site_lenient(config: &SiteConfig) -> Result<(Theme, Diagnostics), Diagnostics> {
        Self::load_lenient(&SiteFiles::new(config), &config.root, &config.theme)
    }

    /// Load the theme, with every template error as a diagnostic. A site template that
    /// does not compile is replaced by the default theme's, so the site can still be
    /// rendered to find the other problems; `Err` when even that is not possible.
    fn load_lenient(
        files: &SiteFiles,
        root: &Path,
        theme: &str,
    ) -> Result<(Theme, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut templates: BTreeMap<String, (String, PathBuf)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, s)| {
                (
                    n.to_string(),
                    (
                        s.to_string(),
                        PathBuf::from(format!("(default theme)/templates/{n}")),
                    ),
                )
            })
            .collect();
        let mut static_files: BTreeMap<String, StaticFile> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), StaticFile::Embedded(b)))
            .collect();
        let mut watched = Vec::new();
        let theme_dir = root.join("themes").join(theme);
        // The repository that builds partnersite is itself a site whose themes/default is
        // the embedded theme's source: reading it from disk keeps `serve` live for theme work.
        for dir in [theme_dir.join("templates"), root.join("templates")] {
            watched.push(dir.clone());
            for (name, path) in read_dir_files(&dir) {
                match files.read_text(&path, Area::Site) {
                    Ok(text) => {
                        templates.insert(name, (text, files.rel(&path)));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        for dir in [theme_dir.join("static"), root.join("static")] {
            watched.push(dir.clone());
            for (name, path) in read_dir_files(&dir) {
                // Vetted here, so that `check` refuses what `build` would; the copy opens
                // the resolved file again without following links or blocking.
                match files.resolve(&path, Area::Site, files.max_file_size()) {
                    Ok(target) => {
                        static_files.insert(name, StaticFile::Disk(target));
                    }
                    Err(r) => diags.push(r.diagnostic(&files.rel(&path))),
                }
            }
        }
        let sources: BTreeMap<String, PathBuf> = templates
            .iter()
            .map(|(name, (_, path))| (name.clone(), path.clone()))
            .collect();
        let tera = compile(&mut templates, &sources, &mut diags)?;
        let sources = templates
            .into_iter()
            .map(|(name, (_, path))| (name, path))
            .collect();
        Ok((
            Theme {
                tera,
                static_files,
                watched,
                sources,
            },
            diags.sorted(),
        ))
    }
}

/// Compile the templates. The broken site templates give way to the default theme's, so
/// that the rest of the site is still planned and rendered and all errors come out in
/// one run; `Err` when that does not help.
fn compile(
    templates: &mut BTreeMap<String, (String, PathBuf)>,
    sources: &BTreeMap<String, PathBuf>,
    diags: &mut Diagnostics,
) -> Result<tera::Tera, Diagnostics> {
    let mut tera = new_tera();
    while let Err(e) = tera.add_raw_templates(texts(templates)) {
        let found = compile_diagnostics(templates, &e, sources);
        let before = templates.len();
        for d in &found {
            templates.retain(|_, (_, path)| path != &d.path || path.starts_with("(default theme)"));
        }
        diags.extend(found);
        if templates.len() == before {
            return Err(std::mem::take(diags).sorted());
        }
        for (name, text) in DEFAULT_TEMPLATES {
            templates.entry(name.to_string()).or_insert_with(|| {
                let path = PathBuf::from(format!("(default theme)/templates/{name}"));
                (text.to_string(), path)
            });
        }
        tera = new_tera();
    }
    Ok(tera)
}

fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    tera.set_escape_fn(escape);
    tera.register_filter("human_date", dates::filter);
    tera
}

fn texts(templates: &BTreeMap<String, (String, PathBuf)>) -> impl Iterator<Item = (&str, &str)> {
    templates
        .iter()
        .map(|(name, (text, _))| (name.as_str(), text.as_str()))
}

/// Every template problem of a failed compilation. Tera stops at the first syntax error,
/// so each site template is parsed on its own first: all of them come out in one run.
fn compile_diagnostics(
    templates: &BTreeMap<String, (String, PathBuf)>,
    whole: &tera::Error,
    sources: &BTreeMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, (text, path)) in templates {
        if path.starts_with("(default theme)") {
            continue;
        }
        let mut alone = tera::Tera::default();
        if let Err(e) = alone.add_raw_template(name, text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            out.extend(tera_diagnostics(&e, sources));
        }
    }
    if out.is_empty() {
        out = tera_diagnostics(whole, sources);
    }
    out
}

/// A tera error as diagnostics at the template file, with line and column where tera
/// knows them. Messages that bundle several reports (unknown filters) give one each.
pub fn tera_diagnostics(e: &tera::Error, sources: &BTreeMap<String, PathBuf>) -> Vec<Diagnostic> {
    let at = |name: &str| {
        sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    };
    let hint =
        "fix the template (a site's templates/<name> replaces the theme's file of that name)";
    let mut out = Vec::new();
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            out.push(
                Diagnostic::error(at(r.filename()), format!("template error: {}", r.message()))
                    .at(span.start_line, span.start_col + 1),
            );
        }
        tera::ErrorKind::MissingParent { current, parent } => out.push(
            Diagnostic::error(
                at(current),
                format!("template error: `{current}` extends `{parent}`, which does not exist"),
            )
            .at(1, 1),
        ),
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => {
            out.push(Diagnostic::error(at(tpl), format!("template error: {e}")).at(1, 1))
        }
        _ => {
            let text = e.to_string();
            out.extend(
                reports(&text)
                    .into_iter()
                    .map(|(message, name, line, col)| {
                        Diagnostic::error(at(name), format!("template error: {message}"))
                            .at(line, col)
                    }),
            );
            if out.is_empty() {
                let mut message = text;
                let mut cause = std::error::Error::source(e);
                while let Some(c) = cause {
                    message = format!("{message}: {c}");
                    cause = c.source();
                }
                let name = sources.keys().find(|n| message.contains(&format!("'{n}'")));
                let path = name.map_or_else(|| PathBuf::from("templates"), |n| at(n));
                out.push(Diagnostic::error(
                    path,
                    format!("template error: {message}"),
                ));
            }
        }
    }
    out.into_iter().map(|d| d.hint(hint)).collect()
}

/// (message, template, line, column) of each `error: ...` / `--> name:line:col` report
/// tera formatted into one message.
fn reports(text: &str) -> Vec<(&str, &str, usize, usize)> {
    let mut out = Vec::new();
    let mut message = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
            let mut parts = loc.rsplitn(3, ':');
            let (col, line, name) = (parts.next(), parts.next(), parts.next());
            if let (Some(col), Some(line), Some(name)) = (col, line, name)
                && let (Ok(line), Ok(col)) = (line.parse(), col.parse())
            {
                out.push((m, name, line, col));
            }
            message = None;
        }
    }
    out
}
