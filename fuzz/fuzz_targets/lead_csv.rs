//! The lead export reader on arbitrary bytes: `leads::load` (CSV reader, validation and
//! aggregation) against a copy of the leads test fixture whose export file is replaced
//! by the input. Never panics; every diagnostic formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnersite::config::{self, SiteConfig};
use partnersite::content::{self, Partner};
use partnersite::leads;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    config: SiteConfig,
    partners: Vec<Partner>,
    export: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // tmpfs when there is one: the export is rewritten on every run.
        let shm = Path::new("/dev/shm");
        let mut b = tempfile::Builder::new();
        b.prefix("partnersite-fuzz-leads-");
        let dir = if shm.is_dir() {
            b.tempdir_in(shm)
        } else {
            b.tempdir()
        }
        .expect("temp dir");
        let root = dir.path().join("site");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/leads/site");
        copy_dir(&src, &root);
        let (config, diags) = config::load(&root).expect("read site.toml");
        assert!(!diags.has_errors(), "fixture site.toml is invalid");
        let config = config.expect("config");
        let (site, diags) = content::load(config.clone(), content::Depth::Records);
        assert!(!diags.has_errors(), "fixture content is invalid");
        let site = site.expect("site");
        Fixture {
            export: root.join("leads/export.csv"),
            _dir: dir,
            config,
            partners: site.partners,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    std::fs::write(&f.export, data).expect("write export");
    match leads::load(&f.config, &f.partners) {
        Ok(Some(digest)) => {
            // The digest is what gets published: it must serialize.
            let _ = leads::write_digest(&digest);
        }
        Ok(None) => {}
        Err(diags) => {
            assert!(diags.has_errors());
            for d in diags.iter() {
                let _ = d.to_string();
            }
        }
    }
});
