//! Templates and theme static files: the default theme is compiled into the binary; a
//! site's `themes/<name>/` and then `templates/` replace it file by file.

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fsread::{Area, SiteFiles};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

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
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "badge.svg",
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
    let bytes = input.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (replacement, len): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&#39;", 1),
            0..=8 | 11 | 12 | 14..=31 => (b"", 1),
            // U+FFFE and U+FFFF: EF BF BE / EF BF BF.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => (b"", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        buf.write_all(bytes.get(start..i).unwrap_or_default())?;
        buf.write_all(replacement)?;
        i += len;
        start = i;
    }
    buf.write_all(bytes.get(start..).unwrap_or_default())
}

impl Theme {
    /// Load the theme named in site.toml for the site at `root`, with the default
    /// `[security]` size limit.
    pub fn load(root: &Path, theme: &str) -> Result<Theme, Diagnostics> {
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let limit = crate::config::SecurityConfig::default().max_file_size;
        Self::load_with(&SiteFiles::for_root(root, &canonical, limit), root, theme)
    }

    /// Load the theme of a site under its read policy (`[security] max_file_size` for
    /// templates and static files; links must stay in the site root).
    pub fn for_site(config: &SiteConfig) -> Result<Theme, Diagnostics> {
        Self::load_with(&SiteFiles::new(config), &config.root, &config.theme)
    }

    fn load_with(files: &SiteFiles, root: &Path, theme: &str) -> Result<Theme, Diagnostics> {
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
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        tera.set_escape_fn(escape);
        let sources = templates
            .iter()
            .map(|(name, (text, _))| (name.as_str(), text.as_str()));
        if let Err(e) = tera.add_raw_templates(sources) {
            // Tera names the template in its report; point at the overriding folder.
            let path = templates
                .values()
                .map(|(_, p)| p)
                .find(|p| {
                    !p.starts_with("(default theme)")
                        && e.to_string()
                            .contains(&*p.file_name().unwrap_or_default().to_string_lossy())
                })
                .cloned()
                .unwrap_or_else(|| PathBuf::from("templates"));
            diags.push(Diagnostic::error(path, format!("template error: {e}")));
        }
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        Ok(Theme {
            tera,
            static_files,
            watched,
        })
    }
}
