//! `content::parse_partner_toml` on arbitrary text, against a fixed small site.toml and
//! a partner folder holding valid logos: never panics, and every diagnostic formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnersite::config::{self, SiteConfig};
use partnersite::content::parse_partner_toml;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SITE_TOML: &str = r#"title = "Fuzz Directory"
base_url = "https://example.org/dir/"
description = "fuzz"

[tiers]
partner = "Open edX Partner"
verified-provider = "Verified Provider"

[regions.europe]
label = "Europe"
countries = ["DE", "FR"]

[regions.north-america]
label = "North America"
countries = ["US", "CA"]

[services]
hosting = "Hosting"
consulting = "Consulting"

[pricing]
subscription = "Subscription"

[company_size]
11-50 = "11-50 employees"

[market_size]
large = "Large organisations"

[topics]
news = "News"
"#;

const SVG: &[u8] =
    b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\"><rect width=\"8\" height=\"8\"/></svg>";
/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

struct Fixture {
    _dir: tempfile::TempDir,
    config: SiteConfig,
    partner_dir: PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("partnersite-fuzz-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().to_path_buf();
        let partner_dir = root.join("content/partners/fuzz");
        std::fs::create_dir_all(partner_dir.join("clients")).expect("mkdir");
        std::fs::write(root.join("site.toml"), SITE_TOML).expect("write");
        for (name, bytes) in [
            ("logo.svg", SVG),
            ("logo.png", PNG),
            ("clients/a.svg", SVG),
            ("clients/b.png", PNG),
            ("not-an-image.png", b"hello".as_slice()),
        ] {
            std::fs::write(partner_dir.join(name), bytes).expect("write");
        }
        let (config, diags) = config::parse_str(&root, SITE_TOML.to_string());
        assert!(!diags.has_errors(), "fixture site.toml is invalid");
        Fixture {
            _dir: dir,
            config: config.expect("config"),
            partner_dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = fixture();
    let rel = Path::new("content/partners/fuzz/partner.toml");
    let (record, diags) = parse_partner_toml(&f.config, rel, &f.partner_dir, text);
    // A record comes back exactly when there is no error.
    assert_eq!(record.is_some(), !diags.has_errors());
    for d in diags.iter() {
        let _ = d.to_string();
    }
});
