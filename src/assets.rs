//! Image files partners publish (logos, client logos): path containment, type by
//! content signature, and the extension matching the content.

use std::path::{Component, Path, PathBuf};

/// Image kinds we publish, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Svg,
    Png,
    Jpeg,
    Webp,
}

impl ImageKind {
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Svg => "SVG",
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Webp => "WebP",
        }
    }

    fn from_extension(ext: &str) -> Option<ImageKind> {
        match ext.to_ascii_lowercase().as_str() {
            "svg" => Some(ImageKind::Svg),
            "png" => Some(ImageKind::Png),
            "jpg" | "jpeg" => Some(ImageKind::Jpeg),
            "webp" => Some(ImageKind::Webp),
            _ => None,
        }
    }
}

/// Recognise an image by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        let head = &bytes[..bytes.len().min(4096)];
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start_matches('\u{feff}').trim_start();
        (t.starts_with('<') && text.contains("<svg")).then_some(ImageKind::Svg)
    }
}

/// Resolve `rel` (as written in partner.toml) inside `dir` and check it is a real image.
/// `root` is the site root: the resolved file (after symlinks) must stay under it.
/// Returns the absolute path or an explanation for the editor.
pub fn resolve_image(root: &Path, dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = Path::new(rel);
    if rel.is_empty() {
        return Err("the file name is empty".into());
    }
    if rel_path.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') {
        return Err(format!(
            "`{rel}` is an absolute path; name a file inside the partner folder"
        ));
    }
    if rel_path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "`{rel}` leaves the partner folder; name a file inside it"
        ));
    }
    let Some(expected) = rel_path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ImageKind::from_extension)
    else {
        return Err(format!(
            "`{rel}` is not an image file name; use .svg, .png, .jpg or .webp"
        ));
    };
    let full = dir.join(rel_path);
    let canonical = full
        .canonicalize()
        .map_err(|_| format!("file `{rel}` not found in the partner folder"))?;
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !canonical.starts_with(&canonical_root) {
        return Err(format!(
            "`{rel}` is a link to a file outside the site; copy the file into the partner folder"
        ));
    }
    if !canonical.is_file() {
        return Err(format!("`{rel}` is not a file"));
    }
    let bytes = read_head(&canonical).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
    match sniff(&bytes) {
        Some(kind) if kind == expected => Ok(full),
        Some(kind) => Err(format!(
            "`{rel}` holds a {} image but its name says {}; rename it or convert it",
            kind.name(),
            expected.name()
        )),
        None => Err(format!(
            "`{rel}` is not an image (expected {} content)",
            expected.name()
        )),
    }
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(4096);
    std::fs::File::open(path)?
        .take(4096)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxxxx"), Some(ImageKind::Png));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg/>"),
            Some(ImageKind::Svg)
        );
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(
            resolve_image(root, root, "../x.png")
                .unwrap_err()
                .contains("leaves")
        );
        assert!(
            resolve_image(root, root, "/etc/passwd.png")
                .unwrap_err()
                .contains("absolute")
        );
        std::fs::write(root.join("a.png"), b"not an image").unwrap();
        assert!(
            resolve_image(root, root, "a.png")
                .unwrap_err()
                .contains("not an image")
        );
        std::fs::write(
            root.join("b.png"),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        assert!(
            resolve_image(root, root, "b.png")
                .unwrap_err()
                .contains("holds a SVG")
        );
        std::fs::write(
            root.join("c.svg"),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        assert!(resolve_image(root, root, "c.svg").is_ok());
    }
}
