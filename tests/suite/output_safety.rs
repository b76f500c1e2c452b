//! Output safety: `build` refuses output paths that would delete the site's sources or
//! folders it did not write, swaps its output in without a gap, recovers what killed
//! builds left behind, and serialises concurrent builds to one output.

use crate::common;

use common::{SiteTest, tree};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

const SOURCE_HELP: &str = "  = help: choose an output folder outside the site's sources, such as the default \
`public/` beside site.toml; --force does not override this\nbuild refused: nothing was written";

/// Every entry under `dir` (folders, files with their bytes, symlinks with their target),
/// without following symlinks: equal before and after means nothing was touched.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .display()
            .to_string();
        let kind = entry.file_type();
        let what = if kind.is_symlink() {
            format!(
                "link {}",
                std::fs::read_link(entry.path()).unwrap().display()
            )
        } else if kind.is_dir() {
            "dir".to_string()
        } else {
            format!("file {:?}", std::fs::read(entry.path()).unwrap())
        };
        out.insert(rel, what);
    }
    out
}

/// The leads fixture with every kind of source present: static/, templates/, themes/,
/// .git/ and the leads export, plus a symlink to content/.
fn full_site() -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.write("static/robots.txt", "User-agent: *\n")
        .write("templates/.keep", "")
        .write("themes/plain/templates/.keep", "")
        .write(".git/HEAD", "ref: refs/heads/main\n")
        .write(".git/objects/.keep", "");
    std::os::unix::fs::symlink(site.path("content"), site.path("content-link")).unwrap();
    site
}

fn sandbox(site: &SiteTest) -> &Path {
    site.root().parent().unwrap()
}

/// Exit code 2, exactly this message, and not one byte changed around the site.
fn assert_refused(site: &SiteTest, args: &[&str], expected: &str) {
    let before = snapshot(sandbox(site));
    let run = site.build(args);
    run.expect_failure(2).expect_stderr(expected);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        snapshot(sandbox(site)) == before,
        "the tree changed after {args:?}"
    );
}

fn source_refusal(shown: &str, why: &str) -> String {
    format!("{shown}: error: cannot build into this folder: {why}\n{SOURCE_HELP}")
}

#[test]
fn the_sites_sources_are_refused_even_with_force() {
    let site = full_site();
    let parent = sandbox(&site).display().to_string();
    let replaced = "and a build replaces its output folder whole";
    let cases: Vec<(String, String)> = vec![
        (".".into(), format!("it is the site root, {replaced}")),
        ("[ROOT]".into(), format!("it is the site root, {replaced}")),
        (
            "..".into(),
            format!("it contains the site root, {replaced}"),
        ),
        (
            parent.clone(),
            format!("it contains the site root, {replaced}"),
        ),
        ("/".into(), format!("it contains the site root, {replaced}")),
        (
            "content".into(),
            format!("it is the site's `content/` folder, {replaced}"),
        ),
        (
            "content/partners/new".into(),
            "it lies inside the site's `content/` folder, which a build must never write".into(),
        ),
        (
            "static".into(),
            format!("it is the site's `static/` folder, {replaced}"),
        ),
        (
            "templates".into(),
            format!("it is the site's `templates/` folder, {replaced}"),
        ),
        (
            "themes".into(),
            format!("it is the site's `themes/` folder, {replaced}"),
        ),
        (
            "themes/plain".into(),
            "it lies inside the site's `themes/` folder, which a build must never write".into(),
        ),
        (
            "leads".into(),
            format!(
                "it contains the leads source `leads/export.csv` (private lead data), {replaced}"
            ),
        ),
        (
            "leads/export.csv".into(),
            format!("it is the leads source `leads/export.csv` (private lead data), {replaced}"),
        ),
        (
            ".git".into(),
            format!("it is the site's git repository `.git`, {replaced}"),
        ),
        (
            ".git/objects".into(),
            "it lies inside the site's git repository `.git`, which a build must never write"
                .into(),
        ),
        // Through a symlink and through `..` (with a part that does not exist yet).
        (
            "content-link".into(),
            format!("it is the site's `content/` folder, {replaced}"),
        ),
        (
            "content-link/partners/x".into(),
            "it lies inside the site's `content/` folder, which a build must never write".into(),
        ),
        (
            "public/../content".into(),
            format!("it is the site's `content/` folder, {replaced}"),
        ),
        (
            "no/such/../../static".into(),
            format!("it is the site's `static/` folder, {replaced}"),
        ),
        (
            "../site/.git".into(),
            format!("it is the site's git repository `.git`, {replaced}"),
        ),
    ];
    let root = site.root().display().to_string();
    for (output, why) in &cases {
        let arg = output.replace("[ROOT]", &root);
        // Messages show the path as given; the harness writes the site root as [ROOT].
        let shown = arg.replace(&root, "[ROOT]");
        let expected = source_refusal(&shown, why);
        assert_refused(&site, &["--output", &arg], &expected);
        assert_refused(&site, &["--output", &arg, "--force"], &expected);
    }
}

#[test]
fn the_git_repository_above_the_site_is_refused() {
    let site = SiteTest::from_fixture("site-basic");
    std::fs::create_dir_all(sandbox(&site).join(".git/refs")).unwrap();
    let git = sandbox(&site).join(".git");
    let expected = source_refusal(
        "../.git/refs",
        &format!(
            "it lies inside the git repository {}, which a build must never write",
            git.display()
        ),
    );
    assert_refused(&site, &["--output", "../.git/refs"], &expected);
}

#[test]
fn a_file_is_refused_even_with_force() {
    let site = SiteTest::from_fixture("site-basic");
    std::fs::write(sandbox(&site).join("notes.txt"), "keep me\n").unwrap();
    let expected = "../notes.txt: error: cannot build into this path: it is a file, not a folder\n  \
= help: remove it or choose another --output (a new or empty folder, or one partnersite wrote)\n\
build refused: nothing was written";
    assert_refused(&site, &["--output", "../notes.txt"], expected);
    assert_refused(&site, &["--output", "../notes.txt", "--force"], expected);
}

#[test]
fn a_folder_partnersite_did_not_write_needs_force() {
    let site = SiteTest::from_fixture("site-basic");
    site.write("dist/keep.txt", "mine\n");
    let expected = "dist: error: cannot replace this folder: it is not empty and partnersite did \
not write it (it has no `.partnersite-output` file), so replacing it would delete what it holds\n  \
= help: choose a new or empty folder, or pass --force to replace it (everything in it is deleted)\n\
build refused: nothing was written";
    assert_refused(&site, &["--output", "dist"], expected);

    site.build(&["--output", "dist", "--force"])
        .expect_success();
    let files = tree(&site.path("dist"));
    assert!(!files.contains_key("keep.txt"), "the folder was replaced");
    assert!(files.contains_key("index.html"));
    assert_marker(&site.path("dist"));
}

fn assert_marker(dir: &Path) {
    let marker = std::fs::read_to_string(dir.join(".partnersite-output")).unwrap();
    assert_eq!(
        marker,
        "This folder was written by partnersite, a static site generator.\n\
         The next `partnersite build` into it replaces the whole folder.\n"
    );
}

#[test]
fn a_marked_folder_is_replaced_and_an_empty_one_is_used() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    assert_marker(&site.public());
    let first = tree(&site.public());
    site.write("public/stale.html", "old page");
    site.build(&[]).expect_success();
    assert!(
        tree(&site.public()) == first,
        "the marked folder was replaced whole"
    );

    std::fs::create_dir(site.path("dist")).unwrap();
    site.build(&["--output", "dist"]).expect_success();
    assert!(
        tree(&site.path("dist")) == first,
        "the empty folder received the site"
    );
    assert_eq!(
        site.root_entries(),
        ["content", "dist", "public", "site.toml"]
    );
}

#[test]
fn temporary_folders_of_killed_builds_are_removed() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    let good = tree(&site.public());
    // A build killed while writing, and one killed after its swap but before removing the
    // previous output.
    site.write(".public.partnersite-tmp-4000000/index.html", "half")
        .write(".public.partnersite-tmp-4000001/partners/x.html", "half")
        .write(".public.partnersite-old/index.html", "previous");
    site.build(&[]).expect_success();
    assert_eq!(site.root_entries(), ["content", "public", "site.toml"]);
    assert!(tree(&site.public()) == good);
}

#[test]
fn a_half_finished_swap_is_recovered_by_the_next_build() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&[]).expect_success();
    let previous = snapshot(&site.public());
    // Killed between moving the previous output aside and moving the new one in.
    site.rename("public", ".public.partnersite-old");
    // The next build fails while rendering: the previous output must be back in place.
    site.write(
        "content/pages/blog.md",
        "+++\ntitle = \"Blog twin\"\n+++\nx\n",
    );
    site.build(&[])
        .expect_failure(1)
        .stderr_contains("[ROOT]/public: warning: a build was interrupted while swapping in its output: the previous output was restored before building");
    assert!(
        snapshot(&site.public()) == previous,
        "previous output restored"
    );
    assert_eq!(site.root_entries(), ["content", "public", "site.toml"]);
}

#[test]
fn a_build_waits_for_the_lock_of_another_build() {
    let site = SiteTest::from_fixture("site-basic");
    let lock_path = site.path(".public.partnersite-lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    fs4::FileExt::lock(&lock).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnersite"))
        .args(["build", "--root", "."])
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        "waiting for another build into ./public to finish (lock file ./.public.partnersite-lock)\n"
            .replace("./.public", &format!("{}/.public", site.root().display()))
    );
    // Still waiting: nothing written while another build holds the lock.
    assert!(!site.public().exists());
    drop(lock);
    assert!(child.wait().unwrap().success());
    assert_marker(&site.public());
    assert_eq!(site.root_entries(), ["content", "public", "site.toml"]);
}

#[test]
fn concurrent_builds_to_one_output_each_commit_completely() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&["--output", "../single"]).expect_success();
    let single = tree(&sandbox(&site).join("single"));
    assert!(single.contains_key(".partnersite-output"));
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_partnersite"))
                .args(["build", "--root", ".", "--output", "../out"])
                .current_dir(site.root())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a build failed:\n{stderr}");
        for line in stderr.lines() {
            assert!(
                line.starts_with("waiting for another build into ../out"),
                "{line}"
            );
        }
    }
    assert!(
        tree(&sandbox(&site).join("out")) == single,
        "output equals one build"
    );
    let mut entries: Vec<String> = std::fs::read_dir(sandbox(&site))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["out", "single", "site"],
        "nothing left beside the output"
    );
}

#[test]
fn an_output_that_is_a_symlink_replaces_its_folder_and_keeps_the_link() {
    let site = SiteTest::from_fixture("site-basic");
    site.build(&["--output", "../real"]).expect_success();
    let real = sandbox(&site).join("real");
    std::os::unix::fs::symlink(&real, site.path("public")).unwrap();
    site.write("content/pages/extra.md", "+++\ntitle = \"Extra\"\n+++\nx\n");
    site.build(&[]).expect_success();
    assert!(
        site.public().symlink_metadata().unwrap().is_symlink(),
        "link kept"
    );
    assert!(
        real.join("extra/index.html").is_file(),
        "the linked folder was replaced"
    );
    assert_marker(&real);
}
