//! Image files partners publish (logos, client logos): path containment, type by
//! content signature, and the extension matching the content.

mod svg;

pub use svg::check_svg;

use crate::fsread::{Area, Opened, Refused, SiteFiles};
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
    } else if bytes.get(..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(ImageKind::Webp)
    } else {
        let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start_matches('\u{feff}').trim_start();
        (t.starts_with('<') && text.contains("<svg")).then_some(ImageKind::Svg)
    }
}

/// Resolve `rel` (as written in partner.toml) inside `dir` and check it is a real image,
/// read under the site's read policy ([`crate::fsread`]: a link must stay in content/).
/// Returns the absolute path or an explanation for the editor.
pub fn resolve_image(files: &SiteFiles, dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let expected = kind_of_name(rel)?;
    let rel_path = Path::new(rel);
    let full = dir.join(rel_path);
    let refused = |r: Refused| match r {
        Refused::NotFound => format!("file `{rel}` not found in the partner folder"),
        Refused::Dangling | Refused::Outside(_) | Refused::IntoGit | Refused::IntoLeads(_) => {
            format!(
                "`{rel}` {}; copy the file into the partner folder",
                r.describe()
            )
        }
        r => format!("`{rel}` {}", r.describe()),
    };
    // The resolved target is what gets copied: the copy does not follow links.
    let full = if passes_symlink(dir, rel_path, rel)? {
        files.check_link(&full, Area::Content).map_err(refused)?
    } else {
        full
    };
    // One open and one fstat for the type, size and content checks.
    let Opened { file, len } = files
        .open(&full, Area::Content, u64::MAX)
        .map_err(refused)?;
    let bytes = read_checked(file, len, expected, rel)?;
    match sniff(&bytes) {
        Some(ImageKind::Svg) if expected == ImageKind::Svg => {
            check_svg(&bytes).map_err(|why| format!("`{rel}` is refused: {why}"))?;
            Ok(full)
        }
        Some(kind) if kind == expected => {
            check_raster(&bytes).map_err(|why| format!("`{rel}`: {why}"))?;
            Ok(full)
        }
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

/// The image kind `rel`'s extension names, once `rel` is a relative path that stays
/// inside its folder.
fn kind_of_name(rel: &str) -> Result<ImageKind, String> {
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
    rel_path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ImageKind::from_extension)
        .ok_or_else(|| format!("`{rel}` is not an image file name; use .svg, .png, .jpg or .webp"))
}

/// True when `dir` or a component of `rel_path` is a symlink. Only a symlink can lead
/// elsewhere (the path has no `..`), so the path is resolved fully only then: `lstat` of
/// a few components is far cheaper than `realpath` on every image of a large site.
fn passes_symlink(dir: &Path, rel_path: &Path, rel: &str) -> Result<bool, String> {
    let mut link = std::fs::symlink_metadata(dir)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(true);
    let mut prefix = dir.to_path_buf();
    for part in rel_path.components() {
        prefix.push(part);
        match std::fs::symlink_metadata(&prefix) {
            Ok(m) => link |= m.file_type().is_symlink(),
            Err(_) => return Err(format!("file `{rel}` not found in the partner folder")),
        }
    }
    Ok(link)
}

/// The bytes the content checks need (a whole SVG, the header of a raster image), once
/// the file's size `len` is within the limit of its kind.
fn read_checked(
    mut file: std::fs::File,
    len: u64,
    expected: ImageKind,
    rel: &str,
) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if expected == ImageKind::Svg && len > SVG_MAX_BYTES {
        return Err(format!(
            "`{rel}` is {} KiB; SVG logos are limited to {} KiB",
            len / 1024,
            SVG_MAX_BYTES / 1024
        ));
    }
    if len > RASTER_MAX_BYTES {
        return Err(format!(
            "`{rel}` is {} KiB; images are limited to {} KiB",
            len / 1024,
            RASTER_MAX_BYTES / 1024
        ));
    }
    let limit = if expected == ImageKind::Svg {
        len
    } else {
        4096
    };
    let mut buf = Vec::with_capacity(usize::try_from(limit).unwrap_or(4096));
    (&mut file)
        .take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read `{rel}`: {e}"))?;
    Ok(buf)
}

/// Largest SVG accepted.
pub const SVG_MAX_BYTES: u64 = 512 * 1024;
/// Largest raster image accepted.
pub const RASTER_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Largest width or height accepted for a raster image.
pub const MAX_DIMENSION: usize = 8192;

/// Raster images: the header must give plausible dimensions.
fn check_raster(bytes: &[u8]) -> Result<(), String> {
    let size = imagesize::blob_size(bytes)
        .map_err(|_| "the image header is damaged or truncated".to_string())?;
    if size.width == 0 || size.height == 0 {
        return Err("the image has no pixels".into());
    }
    if size.width > MAX_DIMENSION || size.height > MAX_DIMENSION {
        return Err(format!(
            "the image is {}x{} pixels; the limit is {MAX_DIMENSION} on each side",
            size.width, size.height
        ));
    }
    Ok(())
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
    fn svg_checks() {
        let ok = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/><use href="#g"/></svg>"##;
        assert_eq!(check_svg(ok), Ok(()));
        for (svg, why) in [
            (&br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..], "<script>"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>"#, "<script>"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#, "event handler"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>"#, "foreignObject"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><image x:href="https://evil.example/x.png"/></svg>"#, "external resource"),
            (br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>"#, "DOCTYPE"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>"#, "<style>"),
            (br#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x.example/a)"/></svg>"#, "style attribute"),
        ] {
            let err = check_svg(svg).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root_buf = dir.path().canonicalize().unwrap();
        let root = root_buf.as_path();
        let files = SiteFiles::for_root(root, root, 1000);
        let files = &files;
        assert!(
            resolve_image(files, root, "../x.png")
                .unwrap_err()
                .contains("leaves")
        );
        assert!(
            resolve_image(files, root, "/etc/passwd.png")
                .unwrap_err()
                .contains("absolute")
        );
        std::fs::write(root.join("a.png"), b"not an image").unwrap();
        assert!(
            resolve_image(files, root, "a.png")
                .unwrap_err()
                .contains("not an image")
        );
        std::fs::write(
            root.join("b.png"),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        assert!(
            resolve_image(files, root, "b.png")
                .unwrap_err()
                .contains("holds a SVG")
        );
        std::fs::write(
            root.join("c.svg"),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        assert!(resolve_image(files, root, "c.svg").is_ok());
    }
}
