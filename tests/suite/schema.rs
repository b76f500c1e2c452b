//! `partnersite schema`: the example site's files validate against the schemas it writes
//! (with the `jsonschema` crate, draft-07), typos and unknown ids do not, the schemas
//! allow exactly the keys the loader accepts, and the command's output is checked,
//! deterministic and refused where it must be.

use crate::common;

use common::SiteTest;
use partnersite::kinds::KINDS;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The schema files, in the order the command writes them.
fn schema_names() -> Vec<String> {
    let mut names = vec!["site".to_string(), "partner".to_string()];
    names.extend(
        [
            "case-studies",
            "posts",
            "testimonials",
            "pages",
            "decisions",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    names
}

/// Run `schema` into the site's default folder and read every schema.
fn write_schemas(site: &SiteTest) -> Vec<(String, Value)> {
    let root = site.root().display().to_string();
    site.run(&["schema", "--root", &root]).expect_success();
    schema_names()
        .into_iter()
        .map(|name| {
            let text = site.read(&format!("schemas/{name}.schema.json"));
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn schema<'a>(schemas: &'a [(String, Value)], name: &str) -> &'a Value {
    &schemas.iter().find(|(n, _)| n == name).unwrap().1
}

/// TOML as the JSON an editor's tool validates: dates become their text (Taplo does so).
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// The validation errors of a TOML text against a schema (empty: valid).
fn errors(schema: &Value, toml_text: &str) -> Vec<String> {
    let doc: toml::Table = toml::from_str(toml_text).unwrap();
    let instance = to_json(&toml::Value::Table(doc));
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn front_matter(text: &str) -> &str {
    partnersite::content::split_front_matter(text)
        .unwrap()
        .front
}

/// Every Markdown file of a kind with front matter: (kind id, path relative to the root).
fn markdown_files(root: &Path) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let md_in = |dir: PathBuf| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        files
    };
    let partners: Vec<PathBuf> = {
        let mut p: Vec<PathBuf> = std::fs::read_dir(root.join("content/partners"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        p.sort();
        p
    };
    for kind in KINDS {
        let mut files = Vec::new();
        if let Some(folder) = kind.program_folder {
            files.extend(md_in(root.join("content").join(folder)));
        }
        if let Some(folder) = kind.partner_folder {
            for p in &partners {
                files.extend(md_in(p.join(folder)));
            }
        }
        for f in files {
            let rel = f.strip_prefix(root).unwrap().display().to_string();
            out.push((kind.id, rel));
        }
    }
    out
}

fn partner_records(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("content/partners"))
        .unwrap()
        .map(|e| e.unwrap().path().join("partner.toml"))
        .filter(|p| p.is_file())
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn writes_one_schema_per_file_kind_and_reports_what_it_wrote() {
    let site = SiteTest::example();
    let root = site.root().display().to_string();
    let run = site.run(&["schema", "--root", &root]);
    run.expect_success().expect_stderr("");
    assert_eq!(
        run.stdout,
        "wrote site.schema.json, partner.schema.json, case-studies.schema.json, \
         posts.schema.json, testimonials.schema.json, pages.schema.json, decisions.schema.json into [ROOT]/schemas\n"
    );
    let mut files: Vec<String> = std::fs::read_dir(site.path("schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = schema_names()
        .iter()
        .map(|n| format!("{n}.schema.json"))
        .collect();
    want.sort();
    assert_eq!(files, want);
    // Every kind with Markdown files of its own has a schema (a new kind must add one).
    for kind in KINDS {
        let has_files = kind.partner_folder.is_some() || kind.program_folder.is_some();
        assert_eq!(
            site.path(&format!("schemas/{}.schema.json", kind.id))
                .is_file(),
            has_files,
            "kind {}",
            kind.id
        );
    }
    // The same bytes again: nothing is rewritten.
    let before = common::tree(&site.path("schemas"));
    let again = site.run(&["schema", "--root", &root]);
    again.expect_success();
    assert_eq!(again.stdout, "7 schemas in [ROOT]/schemas are up to date\n");
    assert_eq!(common::tree(&site.path("schemas")), before);
}

#[test]
fn schemas_are_draft_07_with_sorted_keys_and_the_sites_ids() {
    let site = SiteTest::example();
    let schemas = write_schemas(&site);
    for (name, value) in &schemas {
        assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::draft7::meta::is_valid(value), "{name}");
        // Canonical bytes: serde_json's sorted maps, pretty-printed, one final newline.
        let text = site.read(&format!("schemas/{name}.schema.json"));
        let canonical = serde_json::to_string_pretty(value).unwrap() + "\n";
        assert_eq!(text, canonical, "{name} is not written with sorted keys");
    }
    let partner = schema(&schemas, "partner");
    let tiers = &partner["properties"]["tier"]["enum"];
    assert_eq!(
        tiers,
        &serde_json::json!(["partner", "verified-provider", "community"])
    );
    let services = &partner["properties"]["services"]["items"]["enum"];
    assert_eq!(services.as_array().unwrap().len(), 8, "{services}");
    assert_eq!(
        partner["properties"]["regions"]["items"]["enum"][0],
        "europe"
    );
    assert_eq!(
        partner["properties"]["summary"]["description"],
        "One sentence of plain text, at most 200 characters."
    );
    assert_eq!(partner["additionalProperties"], false);
    // A testimonial needs its author unless it is anonymous.
    let t = schema(&schemas, "testimonials");
    assert!(errors(t, "anonymous = true\ndate = 2026-01-01\n").is_empty());
    assert_eq!(t["else"]["required"], serde_json::json!(["author"]));
    let post = schema(&schemas, "posts");
    assert_eq!(post["properties"]["topic"]["enum"][0], "accessibility");
    assert_eq!(post["required"], serde_json::json!(["title", "date"]));
}

#[test]
fn every_file_of_the_example_site_validates_against_its_schema() {
    let site = SiteTest::example();
    let schemas = write_schemas(&site);
    let mut checked = 0;
    let e = errors(schema(&schemas, "site"), &site.read("site.toml"));
    assert!(e.is_empty(), "site.toml: {e:#?}");
    for rel in partner_records(site.root()) {
        let e = errors(schema(&schemas, "partner"), &site.read(&rel));
        assert!(e.is_empty(), "{rel}: {e:#?}");
        checked += 1;
    }
    assert_eq!(checked, 13, "every partner record");
    let files = markdown_files(site.root());
    let kinds: BTreeSet<&str> = files.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            "case-studies",
            "decisions",
            "pages",
            "posts",
            "testimonials"
        ])
    );
    for (kind, rel) in &files {
        let text = site.read(rel);
        let e = errors(schema(&schemas, kind), front_matter(&text));
        assert!(e.is_empty(), "{rel}: {e:#?}");
    }
    assert!(files.len() > 20, "{files:?}");
}

/// (schema, TOML, what must be reported): a typo in a key or an id that is not the site's.
const INVALID: &[(&str, &str, &str)] = &[
    (
        "partner",
        "name = \"A\"\ntierr = \"partner\"\ntier = \"partner\"\nwebsite = \"https://a.org\"\nlogo = \"logo.svg\"\nsummary = \"S.\"\ncountry = \"DE\"\nregions = [\"europe\"]\nservices = [\"hosting\"]\n",
        "tierr",
    ),
    (
        "partner",
        "name = \"A\"\ntier = \"partnr\"\nwebsite = \"https://a.org\"\nlogo = \"logo.svg\"\nsummary = \"S.\"\ncountry = \"DE\"\nregions = [\"europe\"]\nservices = [\"hosting\"]\n",
        "partnr",
    ),
    (
        "partner",
        "name = \"A\"\ntier = \"partner\"\nwebsite = \"https://a.org\"\nlogo = \"logo.svg\"\nsummary = \"S.\"\ncountry = \"DE\"\nregions = [\"eurpe\"]\nservices = [\"hostng\"]\n",
        "eurpe",
    ),
    (
        "partner",
        "name = \"A\"\ntier = \"partner\"\nwebsite = \"https://a.org\"\nlogo = \"logo.svg\"\nsummary = \"S.\"\ncountry = \"XX\"\nregions = [\"europe\"]\nservices = [\"hosting\"]\ncompany_size = \"12\"\n",
        "XX",
    ),
    (
        "posts",
        "title = \"T\"\ndate = 2026-01-01\ntopic = \"accesibility\"\n",
        "accesibility",
    ),
    (
        "posts",
        "title = \"T\"\ndate = 2026-01-01\ntopc = \"x\"\n",
        "topc",
    ),
    ("pages", "title = \"T\"\nmenu = \"side\"\n", "side"),
    (
        "decisions",
        "title = \"T\"\nstatus = \"consultation\"\nopened = 2026-01-01\naffects = [\"leeds\"]\n",
        "leeds",
    ),
    (
        "decisions",
        "title = \"T\"\nstatus = \"decidd\"\nopened = 2026-01-01\n",
        "decidd",
    ),
    (
        "testimonials",
        "author = \"A\"\ndate = 2026-01-01\nanonymus = true\n",
        "anonymus",
    ),
    (
        "testimonials",
        "role = \"CTO\"\ndate = 2026-01-01\n",
        "author",
    ),
    (
        "case-studies",
        "title = \"T\"\ndate = 2026-03-14T10:00:00\n",
        "2026-03-14T10:00:00",
    ),
    (
        "site",
        "titel = \"T\"\ntitle = \"T\"\nbase_url = \"https://a.org/\"\n",
        "titel",
    ),
    (
        "site",
        "title = \"T\"\nbase_url = \"https://a.org/\"\n[rules]\nyear = 2026\napproved_topics = [\"nope\"]\n",
        "nope",
    ),
    (
        "site",
        "title = \"T\"\nbase_url = \"https://a.org/\"\n[badge.colors]\npartnr = \"#000000\"\n",
        "partnr",
    ),
];

#[test]
fn a_typo_in_a_key_or_a_wrong_id_fails_validation() {
    let site = SiteTest::example();
    let schemas = write_schemas(&site);
    for (name, text, culprit) in INVALID {
        let e = errors(schema(&schemas, name), text);
        assert!(
            e.iter().any(|m| m.contains(culprit)),
            "{name} accepted {culprit:?}: {e:#?}\n{text}"
        );
    }
}

// ---- the schemas' keys are the loader's keys ------------------------------------------

/// One step from a table to a nested one.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    /// Any entry of an open table (`[regions.<id>]`).
    Entry,
    /// An element of an array of tables (`[[client_logos]]`).
    Item,
}

/// Every closed table of a schema (`additionalProperties: false`): its path and keys.
fn closed_tables(node: &Value, path: &[Step], out: &mut Vec<(Vec<Step>, BTreeSet<String>)>) {
    if node["additionalProperties"] == false {
        let props = node["properties"].as_object().unwrap();
        out.push((path.to_vec(), props.keys().cloned().collect()));
        for (k, sub) in props {
            let mut p = path.to_vec();
            p.push(Step::Key(k.clone()));
            closed_tables(sub, &p, out);
        }
    }
    if node["additionalProperties"].is_object() {
        let mut p = path.to_vec();
        p.push(Step::Entry);
        closed_tables(&node["additionalProperties"], &p, out);
    }
    if node["items"].is_object() {
        let mut p = path.to_vec();
        p.push(Step::Item);
        closed_tables(&node["items"], &p, out);
    }
    for branch in node["anyOf"].as_array().into_iter().flatten() {
        closed_tables(branch, path, out);
    }
}

/// The table at `path` in `doc`, created (empty) where the document has none.
fn table_at<'a>(doc: &'a mut toml::Table, path: &[Step]) -> &'a mut toml::Table {
    let Some((first, rest)) = path.split_first() else {
        return doc;
    };
    let next = match first {
        Step::Key(k) => doc
            .entry(k.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new())),
        Step::Entry => {
            let key = doc
                .iter()
                .find(|(_, v)| v.is_table())
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| "zz-entry".to_string());
            doc.entry(key)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        }
        Step::Item => unreachable!("an array is reached through its key"),
    };
    match (next, rest.first()) {
        (toml::Value::Array(items), Some(Step::Item)) => {
            if items.is_empty() {
                items.push(toml::Value::Table(toml::Table::new()));
            }
            let toml::Value::Table(t) = &mut items[0] else {
                panic!("not an array of tables")
            };
            table_at(t, &rest[1..])
        }
        (v @ toml::Value::String(_), Some(Step::Item)) | (v @ toml::Value::String(_), _) => {
            // Created as a table where the path goes through an array or a plain value.
            *v = toml::Value::Table(toml::Table::new());
            let toml::Value::Table(t) = v else {
                unreachable!()
            };
            table_at(t, rest)
        }
        (toml::Value::Table(t), Some(Step::Item)) => {
            // A missing array of tables, created as one.
            let _ = t;
            panic!("the example lacks the array of tables at {path:?}")
        }
        (toml::Value::Table(t), _) => table_at(t, rest),
        (other, _) => panic!("{other:?} at {path:?} is not a table"),
    }
}

/// Put one unknown key (`zzqx<n>`) into every closed table of `schema` in `doc`; gives
/// (key, path, schema keys) for each.
fn inject(
    schema: &Value,
    doc: &mut toml::Table,
    counter: &mut usize,
) -> Vec<(String, Vec<Step>, BTreeSet<String>)> {
    let mut tables = Vec::new();
    closed_tables(schema, &[], &mut tables);
    let mut out = Vec::new();
    for (path, keys) in tables {
        let bogus = format!("zzqx{counter}");
        *counter += 1;
        table_at(doc, &path).insert(bogus.clone(), toml::Value::Integer(1));
        out.push((bogus, path, keys));
    }
    out
}

/// The keys the loader names for an unknown key: `= help: valid keys: `a`, `b``.
fn loader_keys(stderr: &str, bogus: &str) -> BTreeSet<String> {
    let needle = format!("error: unknown key `{bogus}`\n");
    let at = stderr
        .find(&needle)
        .unwrap_or_else(|| panic!("the loader did not report `{bogus}`:\n{stderr}"));
    let help = stderr[at + needle.len()..].lines().next().unwrap();
    let list = help
        .trim()
        .strip_prefix("= help: valid keys: ")
        .unwrap_or_else(|| panic!("no list of valid keys for `{bogus}`: {help}"));
    list.split(", ")
        .map(|k| k.trim_matches('`').to_string())
        .collect()
}

fn compare(stderr: &str, injected: &[(String, Vec<Step>, BTreeSet<String>)], file: &str) {
    for (bogus, path, schema_keys) in injected {
        let loader = loader_keys(stderr, bogus);
        assert_eq!(
            &loader, schema_keys,
            "{file} {path:?}: the loader accepts (left) what the schema allows (right)"
        );
    }
}

#[test]
fn the_schemas_allow_exactly_the_keys_the_loader_accepts() {
    let site = SiteTest::example();
    let schemas = write_schemas(&site);
    let mut n = 0;
    let clean_site = site.read("site.toml");

    // site.toml alone (a broken vocabulary stops the content from being checked).
    let mut doc: toml::Table = toml::from_str(&clean_site).unwrap();
    let injected = inject(schema(&schemas, "site"), &mut doc, &mut n);
    assert!(injected.len() >= 10, "{injected:?}");
    site.write("site.toml", toml::to_string(&doc).unwrap());
    let run = site.check(&[]);
    compare(&run.stderr, &injected, "site.toml");
    site.write("site.toml", &clean_site);

    // One partner.toml and one file of each kind, in one run.
    let mut all = Vec::new();
    let rel = "content/partners/cedar-and-quill-learning/partner.toml";
    let mut doc: toml::Table = toml::from_str(&site.read(rel)).unwrap();
    let injected = inject(schema(&schemas, "partner"), &mut doc, &mut n);
    site.write(rel, toml::to_string(&doc).unwrap());
    all.push((rel.to_string(), injected));
    let files = markdown_files(site.root());
    for name in schema_names().iter().skip(2) {
        let (_, rel) = files
            .iter()
            .find(|(k, _)| k == name)
            .unwrap_or_else(|| panic!("the example site has no file of kind {name}"));
        let text = site.read(rel);
        let split = partnersite::content::split_front_matter(&text).unwrap();
        let mut doc: toml::Table = toml::from_str(split.front).unwrap();
        let injected = inject(schema(&schemas, name), &mut doc, &mut n);
        let new = format!("+++\n{}+++\n{}", toml::to_string(&doc).unwrap(), split.body);
        site.write(rel, new);
        all.push((rel.clone(), injected));
    }
    let run = site.check(&[]);
    for (file, injected) in &all {
        compare(&run.stderr, injected, file);
    }
}

// ---- the command --------------------------------------------------------------------

#[test]
fn check_flag_reports_missing_and_stale_schemas_and_writes_nothing() {
    let site = SiteTest::example();
    let root = site.root().display().to_string();
    site.run(&["schema", "--root", &root, "--check"])
        .expect_failure(1)
        .expect_stderr(
            "error: out of date or missing in [ROOT]/schemas: site.schema.json, partner.schema.json, \
             case-studies.schema.json, posts.schema.json, testimonials.schema.json, pages.schema.json, decisions.schema.json\n  \
             = help: run `partnersite schema` and commit the result",
        );
    assert!(!site.path("schemas").exists());
    site.run(&["schema", "--root", &root]).expect_success();
    site.run(&["schema", "--root", &root, "--check"])
        .expect_success()
        .stdout_contains("7 schemas in [ROOT]/schemas are up to date");
    // A new service changes the partner schema (and site.toml's own, which names none).
    site.replace(
        "site.toml",
        "mobile = \"Mobile apps\"",
        "mobile = \"Mobile apps\"\nlti = \"LTI tools\"",
    );
    site.run(&["schema", "--root", &root, "--check"])
        .expect_failure(1)
        .stderr_contains("missing in [ROOT]/schemas: partner.schema.json\n");
}

#[test]
fn a_broken_site_toml_writes_nothing() {
    let site = SiteTest::example();
    site.replace("site.toml", "[tiers]", "[tierz]");
    let root = site.root().display().to_string();
    let run = site.run(&["schema", "--root", &root]);
    run.expect_failure(1)
        .stderr_contains(
            "site.toml:7:2: error: unknown key `tierz`\n  = help: did you mean `tiers`?",
        )
        .stderr_contains("schema failed: fix site.toml first; nothing was written");
    assert!(!site.path("schemas").exists());
}

#[test]
fn outputs_inside_the_sources_or_a_build_are_refused() {
    let site = SiteTest::example();
    let root = site.root().display().to_string();
    let refused = |output: &str, why: &str| {
        let run = site.run(&["schema", "--root", &root, "--output", output]);
        run.expect_failure(2).expect_stderr(&format!(
            "{output}: error: cannot write schemas here: {why}\n  \
             = help: write them to the default `schemas/` beside site.toml (omit --output)\n\
             schema refused: nothing was written"
        ));
    };
    refused(
        "content/schemas",
        "it is or lies inside the `content/` folder (where every file is read as content)",
    );
    refused(
        "themes",
        "it is or lies inside the `themes/` folder (the site's themes)",
    );
    refused(
        "leads/export-2025-2026.csv",
        "it is or lies inside the leads source `leads/export-2025-2026.csv` (private lead data)",
    );
    refused("site.toml", "it is a file, not a folder");
    site.build(&[]).expect_success();
    refused(
        "public/schemas",
        "it lies inside the build output [ROOT]/public, which the next build replaces whole",
    );
    assert!(!site.path("content/schemas").exists());
    assert!(!site.path("public/schemas").exists());
    // A folder that cannot be created: an I/O error, exit 2, naming the path.
    let run = site.run(&["schema", "--root", &root, "--output", "site.toml/x"]);
    run.expect_failure(2)
        .stderr_contains("error: cannot create site.toml/x: ");
    // Any other folder, inside the site or not, is fine.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("editor-schemas");
    site.run(&["schema", "--root", &root, "--output", out.to_str().unwrap()])
        .expect_success();
    assert!(out.join("site.schema.json").is_file());
}

// ---- scaffolds ------------------------------------------------------------------------

/// The file named by a TOML file's `#:schema` first line, resolved from its folder.
fn directive_target(site: &SiteTest, rel: &str) -> PathBuf {
    let text = site.read(rel);
    let first = text.lines().next().unwrap();
    let target = first
        .strip_prefix("#:schema ")
        .unwrap_or_else(|| panic!("{rel} starts with {first:?}"));
    site.path(rel).parent().unwrap().join(target)
}

#[test]
fn init_writes_the_schemas_and_points_its_files_at_them() {
    let site = SiteTest::empty();
    site.run(&["init", "site"]).expect_success();
    let first_line = |rel: &str| site.read(rel).lines().next().unwrap().to_string();
    assert_eq!(
        first_line("site/site.toml"),
        "#:schema ./schemas/site.schema.json"
    );
    let partner = "site/content/partners/example-partner/partner.toml";
    assert_eq!(
        first_line(partner),
        "#:schema ../../../schemas/partner.schema.json"
    );
    let site_toml = directive_target(&site, "site/site.toml");
    let record = directive_target(&site, partner);
    // Both resolve to the files `init` wrote, which they validate against.
    for (file, target) in [("site/site.toml", &site_toml), (partner, &record)] {
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(target).unwrap()).unwrap();
        let e = errors(&schema, &site.read(file));
        assert!(e.is_empty(), "{file}: {e:#?}");
    }
    site.run(&["schema", "--root", "site", "--check"])
        .expect_success();
    site.run(&["check", "--root", "site"]).expect_success();
}

#[test]
fn new_partner_points_its_record_at_the_schema() {
    let site = SiteTest::example();
    let root = site.root().display().to_string();
    site.run(&["new", "partner", "acme-learning", "--root", &root])
        .expect_success()
        .stdout_contains(
            "note: partner.toml's `#:schema` line names schemas/partner.schema.json, which does not exist yet: run `partnersite schema`",
        );
    site.run(&["schema", "--root", &root]).expect_success();
    let rel = "content/partners/acme-learning/partner.toml";
    let target = directive_target(&site, rel);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let e = errors(&schema, &site.read(rel));
    assert!(e.is_empty(), "{rel}: {e:#?}");
    // With the schema there, no note.
    let run = site.run(&["new", "partner", "birch-labs", "--root", &root]);
    run.expect_success();
    assert!(!run.stdout.contains("note:"), "{}", run.stdout);
}
