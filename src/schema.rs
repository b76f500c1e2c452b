//! `partnersite schema`: JSON Schemas (draft-07) of site.toml, partner.toml and the front
//! matter of every kind, with this site's vocabulary ids as enums, for editors' tools
//! (Taplo, Even Better TOML). The keys, types and descriptions are the tables of
//! [`keys`]; [`json`] turns them into schemas.
//!
//! The files are written into `<root>/schemas/` by default, each only when its bytes
//! change, through a temporary file renamed into place; `--check` compares instead.

pub mod json;
pub mod keys;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::kinds::KINDS;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The default output folder, relative to the site root.
pub const DEFAULT_DIR: &str = "schemas";
/// The schema of site.toml.
pub const SITE: &str = "site.schema.json";
/// The schema of partner.toml.
pub const PARTNER: &str = "partner.schema.json";

/// The file name of the schema of a kind's front matter (`posts.schema.json`).
pub fn front_matter_file(kind_id: &str) -> String {
    format!("{kind_id}.schema.json")
}

/// Taplo's directive naming a schema of the default folder, for a file `depth` folders
/// below the site root: `#:schema ./schemas/site.schema.json` (depth 0),
/// `#:schema ../../../schemas/partner.schema.json` (`content/partners/<slug>/`).
pub fn directive(depth: usize, file: &str) -> String {
    let up = if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    };
    format!("#:schema {up}{DEFAULT_DIR}/{file}\n")
}

/// Every schema of the site: (file name, bytes), in a fixed order (site.toml,
/// partner.toml, then the kinds in table order).
pub fn schemas(config: &SiteConfig) -> Vec<(String, Vec<u8>)> {
    let mut docs = vec![
        (
            SITE.to_string(),
            json::document(
                config,
                "site.toml",
                "partnersite's site settings, vocabularies and tables.",
                keys::SITE,
            ),
        ),
        (
            PARTNER.to_string(),
            json::document(
                config,
                "partner.toml",
                "A partner record: content/partners/<slug>/partner.toml.",
                keys::PARTNER,
            ),
        ),
    ];
    for kind in KINDS {
        if let Some(front) = keys::front_matter(kind.shape) {
            let doc = format!(
                "The TOML front matter (between +++ lines) of {}.",
                kind.plural
            );
            let title = format!("Front matter: {}", kind.plural);
            let mut value = json::document(config, &title, &doc, front);
            if let Some((key, unless)) = keys::required_unless(kind.shape) {
                value = json::required_unless(value, key, unless);
            }
            docs.push((front_matter_file(kind.id), value));
        }
    }
    docs.into_iter()
        .map(|(name, value)| {
            // A Value always serialises; the fallback is never reached.
            let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
            bytes.push(b'\n');
            (name, bytes)
        })
        .collect()
}

/// What [`write()`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// File names written (their bytes changed).
    pub changed: Vec<String>,
    /// File names already up to date.
    pub same: Vec<String>,
}

/// Why an output folder is refused (exit code 2, nothing written).
#[derive(Debug)]
pub struct Refused(pub Diagnostic);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

/// Refuse an output folder inside what the site reads as sources, or inside a build
/// output (the next build would delete the schemas), or a path that is a file.
pub fn check_output(root: &Path, output: &Path, leads_source: Option<&str>) -> Result<()> {
    let out = crate::fsread::resolve_path(output)?;
    let real_root = crate::fsread::resolve_path(root)?;
    let refuse = |why: String, hint: &str| -> Result<()> {
        Err(Refused(
            Diagnostic::error(output, format!("cannot write schemas here: {why}")).hint(hint),
        )
        .into())
    };
    const HINT: &str = "write them to the default `schemas/` beside site.toml (omit --output)";
    let mut sources: Vec<(PathBuf, String)> = [
        ("content", "where every file is read as content"),
        ("templates", "the site's templates"),
        ("themes", "the site's themes"),
        (".git", "the site's git repository"),
        (crate::ogimage::cache::DIR, "the share-image cache"),
    ]
    .iter()
    .map(|(d, what)| (real_root.join(d), format!("the `{d}/` folder ({what})")))
    .collect();
    if let Some(source) = leads_source {
        sources.push((
            crate::fsread::resolve_path(&root.join(source))?,
            format!("the leads source `{source}` (private lead data)"),
        ));
    }
    for (source, what) in sources {
        if out.starts_with(&source) {
            return refuse(format!("it is or lies inside {what}"), HINT);
        }
    }
    if let Some(built) = out
        .ancestors()
        .find(|d| d.join(crate::output::MARKER).is_file())
    {
        return refuse(
            format!(
                "it lies inside the build output {}, which the next build replaces whole",
                crate::diagnostics::printable_path(built)
            ),
            HINT,
        );
    }
    if out.exists() && !out.is_dir() {
        return refuse("it is a file, not a folder".into(), HINT);
    }
    Ok(())
}

/// Write `files` into `dir` (created if missing): a file whose bytes are unchanged is
/// left alone (its modification time too), the others written to a temporary file and
/// renamed over the old one, so an editor never reads half a schema.
pub fn write(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Written::default();
    for (name, bytes) in files {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|old| &old == bytes) {
            written.same.push(name.clone());
            continue;
        }
        let tmp = dir.join(format!(".{name}.partnersite-tmp-{}", std::process::id()));
        let result = std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .with_context(|| format!("cannot write {}", path.display()));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        written.changed.push(name.clone());
    }
    Ok(written)
}

/// The files of `files` that `dir` does not hold with these exact bytes (`--check`).
pub fn stale(dir: &Path, files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter(|(name, bytes)| !std::fs::read(dir.join(name)).is_ok_and(|old| &old == bytes))
        .map(|(name, _)| name.clone())
        .collect()
}
