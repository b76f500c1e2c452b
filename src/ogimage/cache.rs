//! The share-image cache: PNGs by content hash in `<site root>/.partnersite-cache/og/`,
//! outside the output (which a build replaces whole). The key is the SHA-256 of the card's
//! text, of a fingerprint of the layout code (see `Card::png`) and of the font, outline
//! and rasteriser versions (`RASTER`), so a change to a card, its layout or its
//! rendering makes a new entry instead of serving a stale one. A cached file is used only
//! if it is a whole, valid PNG of the right size (every chunk's CRC checked); otherwise it
//! is rendered again and replaced. Entries are written to a temporary file and renamed,
//! so concurrent builds never see, nor leave, a half-written one.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cache folder under the site root.
pub const DIR: &str = ".partnersite-cache";
/// Its share-image folder.
pub const OG: &str = "og";

/// Changes with anything besides the drawing that decides a PNG's bytes: the font, how
/// its outlines are written, the rasteriser and the encoder settings. Bump it with the
/// font, `text::PathData`, resvg, tiny-skia or png.
const RASTER: &str = "dejavu-sans-bold-2.37 outlines-v1 resvg-0.49 tiny-skia-0.12 png-0.18 indexed8-or-rgb8 balanced nofilter";

/// A cached PNG larger than this is not one of ours.
const MAX_BYTES: u64 = 8 << 20;

/// The share-image cache of a site.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// The cache of the site at `root`.
    pub fn new(root: &Path) -> Cache {
        Cache {
            root: root.to_path_buf(),
        }
    }

    /// The folder that holds the PNGs.
    pub fn dir(&self) -> PathBuf {
        self.root.join(DIR).join(OG)
    }

    /// The PNG that `key_text` (what decides the card's pixels) names: from the cache
    /// when a valid entry exists, else rendered by `render` and stored. A cache that cannot be read or written (a read-only site,
    /// a link where the folder should be) only costs the rendering.
    pub fn get(
        &self,
        key_text: &str,
        (width, height): (u32, u32),
        render: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Vec<u8>> {
        let key = key(key_text);
        let usable = self.usable();
        if usable
            && let Some(bytes) = read(&self.dir().join(format!("{key}.png")))
            && valid_png(&bytes, width, height)
        {
            return Ok(bytes);
        }
        let bytes = render()?;
        if usable {
            store(&self.dir(), &key, &bytes);
        }
        Ok(bytes)
    }

    /// The cache folders are real folders (or not there yet): never a link, which could
    /// send our writes elsewhere.
    fn usable(&self) -> bool {
        let top = self.root.join(DIR);
        [top.clone(), top.join(OG)]
            .iter()
            .all(|p| match std::fs::symlink_metadata(p) {
                Ok(m) => m.is_dir(),
                Err(e) => e.kind() == std::io::ErrorKind::NotFound,
            })
    }
}

/// Hex SHA-256 of the rendering settings and the key text.
fn key(key_text: &str) -> String {
    digest(&format!("{RASTER}\0{key_text}"))
}

/// Hex SHA-256 of a text.
pub fn digest(text: &str) -> String {
    crate::sha::sha256_hex(&[text.as_bytes()])
}

/// A cached file's bytes: a regular file (never a link or a FIFO), of sane size.
fn read(path: &Path) -> Option<Vec<u8>> {
    let file = crate::fsread::open_regular(path).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Write to a temporary file beside the entry, then rename it into place (atomic on one
/// file system): a reader sees the old entry or the new one, never part of one. Errors
/// are ignored: the next build renders the card again.
fn store(dir: &Path, key: &str, bytes: &[u8]) {
    static N: AtomicU64 = AtomicU64::new(0);
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let n = N.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{key}.{}-{n}.tmp", std::process::id()));
    let written = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes));
    if written.is_err() || std::fs::rename(&tmp, dir.join(format!("{key}.png"))).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// A whole PNG of this size: the signature, IHDR first with these dimensions, every
/// chunk's CRC right, and IEND last with nothing after it (so a truncated or altered file
/// is refused).
pub fn valid_png(bytes: &[u8], width: u32, height: u32) -> bool {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let be32 = |b: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let Some(mut rest) = bytes.strip_prefix(SIGNATURE) else {
        return false;
    };
    let mut first = true;
    loop {
        let Some(len) = be32(rest, 0).map(|n| n as usize) else {
            return false;
        };
        let (Some(kind), Some(data), Some(crc)) =
            (rest.get(4..8), rest.get(8..8 + len), be32(rest, 8 + len))
        else {
            return false;
        };
        let mut h = crc32fast::Hasher::new();
        h.update(kind);
        h.update(data);
        if h.finalize() != crc {
            return false;
        }
        if std::mem::take(&mut first)
            && (kind != b"IHDR" || (be32(data, 0), be32(data, 4)) != (Some(width), Some(height)))
        {
            return false;
        }
        rest = rest.get(12 + len..).unwrap_or_default();
        if kind == b"IEND" {
            return rest.is_empty();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_or_altered_png_is_refused() {
        let mut png = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png, 3, 2);
            enc.set_color(png::ColorType::Rgb);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[7; 18]).unwrap();
        }
        assert!(valid_png(&png, 3, 2));
        assert!(!valid_png(&png, 3, 3), "other size");
        assert!(!valid_png(&png[..png.len() - 1], 3, 2), "cut");
        let mut extra = png.clone();
        extra.push(0);
        assert!(!valid_png(&extra, 3, 2), "trailing bytes");
        for at in [10, 20, png.len() - 20] {
            let mut bad = png.clone();
            bad[at] ^= 1;
            assert!(!valid_png(&bad, 3, 2), "byte {at} altered");
        }
        assert!(!valid_png(b"", 3, 2));
    }
}
