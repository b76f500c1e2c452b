//! Lead allocation (issue 13) end to end on the example site: `leads allocate` fills the
//! partner and records the method, changing no other byte (CRLF, quoted line breaks);
//! `leads verify` passes on its output and names the line of a partner edited by hand;
//! `--print-replay`; overwriting the input is refused; no cell of the export is printed.

use crate::common;

use common::{Run, SiteTest};

const HEADER: &str = "lead_id,received_date,first_name,email,country,region,assigned_provider,status,service_requested,market_segment,requested_partner,notes";

/// (the row before the partner cell, the partner cell, the rest of the row, line end).
const ROWS: [(&str, &str, &str, &str); 6] = [
    (
        "A-1,2026-03-01,Zelda Canary,zelda.canary@example.org,DE,,",
        "",
        ",new,hosting,small,,\"line one\r\nline two, with a comma\"",
        "\r\n",
    ),
    (
        "A-2,2026-03-02,Yuri Canary,yuri.canary@example.org,BR,,",
        "eduvantage",
        ",new,training,,,plain",
        "\r\n",
    ),
    (
        "A-3,2026-03-02,Xena Canary,xena.canary@example.org,KE,,",
        "  ",
        ",new,,,ipe-digital,\"quoted \"\"x\"\"\"",
        "\r\n",
    ),
    (
        "A-4,2026-03-03,Wanda Canary,wanda.canary@example.org,JP,,",
        "\"\"",
        ",new,mobile,,atlas-mesa-learning,x",
        "\r\n",
    ),
    (
        "A-5,2026-03-03,Vera Canary,vera.canary@example.org,,,",
        "",
        ",contacted,,,,\"a\nb\"",
        "\n",
    ),
    (
        "A-6,2026-03-04,Uma Canary,uma.canary@example.org,DE,,",
        "",
        ",new,hosting,,,last row without a line end",
        "",
    ),
];

fn input() -> String {
    let mut s = format!("{HEADER}\r\n");
    for (a, p, b, end) in ROWS {
        s.push_str(&format!("{a}{p}{b}{end}"));
    }
    s
}

fn allocate(site: &SiteTest, input: &str, output: &str) -> Run {
    site.run(&["leads", "allocate", "--input", input, "--output", output])
}

fn no_personal_data(run: &Run) {
    let all = format!("{}{}", run.stdout, run.stderr).to_lowercase();
    for canary in ["canary", "zelda", "example.org", "line one", "@"] {
        assert!(
            !all.contains(canary),
            "{canary:?} printed\n{}",
            run.describe()
        );
    }
}

/// (partner, method, relaxed) of each data row of an allocated export.
fn allocated(bytes: &[u8]) -> Vec<(String, String, String)> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (p, m, r) = (
        col("assigned_provider"),
        col("allocation_method"),
        col("allocation_relaxed"),
    );
    rdr.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[p].to_string(), rec[m].to_string(), rec[r].to_string())
        })
        .collect()
}

#[test]
fn allocate_fills_the_partner_and_changes_no_other_byte() {
    let site = SiteTest::example();
    site.write("leads/incoming.csv", input());
    let run = allocate(&site, "leads/incoming.csv", "leads/out.csv");
    run.expect_success()
        .stdout_contains("allocated 5 lead(s) without a partner")
        .stdout_contains("requested 1")
        .stdout_contains("1 kept their partner")
        .stdout_contains("by region (leads allocated now):\n  europe: 2\n");
    no_personal_data(&run);
    let out = std::fs::read(site.path("leads/out.csv")).unwrap();
    let got = allocated(&out);
    // Byte for byte: the input with the partner cell filled where it was empty and the
    // two columns appended before each line end.
    let mut want = format!("{HEADER},allocation_method,allocation_relaxed\r\n");
    for ((a, p, b, end), (partner, method, relaxed)) in ROWS.iter().zip(&got) {
        let p = if p.trim_matches(|c| c == ' ' || c == '"').is_empty() {
            partner.as_str()
        } else {
            p
        };
        want.push_str(&format!("{a}{p}{b},{method},{relaxed}{end}"));
    }
    assert_eq!(String::from_utf8(out.clone()).unwrap(), want);
    // Europe and hosting, an eligible tier: one of the four that do both.
    let europe_hosting = [
        "eduvantage",
        "ipe-digital",
        "ostersjo-larande",
        "rheinwerk-lernsysteme",
    ];
    assert!(europe_hosting.contains(&got[0].0.as_str()), "{got:?}");
    assert_eq!((got[0].1.as_str(), got[0].2.as_str()), ("rule", "0"));
    assert_eq!(
        got[1],
        ("eduvantage".into(), "existing".into(), String::new())
    );
    assert_eq!(
        got[2],
        ("ipe-digital".into(), "requested".into(), String::new())
    );
    // A community partner was requested: not an eligible tier, so by rule.
    assert_eq!(got[3].1, "rule");
    assert_ne!(got[3].0, "atlas-mesa-learning");
    // Asia-Pacific and mobile: nobody eligible does both; the service is dropped.
    assert_eq!(
        (got[3].0.as_str(), got[3].2.as_str()),
        ("harbourline-learning", "1")
    );

    // Deterministic, atomic (no temp file left), and the columns reused in place.
    allocate(&site, "leads/incoming.csv", "leads/out.csv").expect_success();
    assert_eq!(std::fs::read(site.path("leads/out.csv")).unwrap(), out);
    let mut names: Vec<String> = std::fs::read_dir(site.path("leads"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2024-h2.json",
            "export-2025-2026.csv",
            "incoming.csv",
            "out.csv"
        ]
    );
    allocate(&site, "leads/out.csv", "leads/again.csv")
        .expect_success()
        .stdout_contains("allocated 0 lead(s)");
    assert_eq!(std::fs::read(site.path("leads/again.csv")).unwrap(), out);
}

#[test]
fn allocate_refuses_to_overwrite_its_input_by_any_name() {
    let site = SiteTest::example();
    site.write("leads/incoming.csv", input());
    site.symlink("incoming.csv", "leads/link.csv");
    std::fs::hard_link(site.path("leads/incoming.csv"), site.path("leads/hard.csv")).unwrap();
    for output in [
        "leads/incoming.csv",
        "leads/../leads/incoming.csv",
        "leads/link.csv",
        "leads/hard.csv",
    ] {
        allocate(&site, "leads/incoming.csv", output)
            .expect_failure(2)
            .stderr_contains("is the input file");
        assert_eq!(site.read("leads/incoming.csv"), input(), "{output}");
    }
}

#[test]
fn a_category_value_outside_the_facet_names_the_line_never_the_value() {
    let site = SiteTest::example();
    let bad = input().replace(",new,hosting,,,last", ",new,jane.canary@example.org,,,last");
    site.write("leads/incoming.csv", bad);
    let run = allocate(&site, "leads/incoming.csv", "leads/out.csv");
    run.expect_failure(1)
        .stderr_contains("leads/incoming.csv:9: error: [leads.categories] service: the value in column `service_requested` is not an id of the partner facet `services` (not shown)")
        .stderr_contains("allocate failed: nothing was written");
    no_personal_data(&run);
    assert!(!site.path("leads/out.csv").exists());
}

/// The physical start line, lead id and partner of the first `rule` row.
fn first_rule_row(bytes: &[u8]) -> (u64, u64, String) {
    let mut rdr = csv::Reader::from_reader(bytes);
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (p, m) = (col("assigned_provider"), col("allocation_method"));
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).unwrap() {
        if &rec[m] == "rule" {
            let pos = rec.position().unwrap();
            return (pos.line(), pos.byte(), rec[p].to_string());
        }
    }
    panic!("no rule row");
}

#[test]
fn verify_passes_on_an_allocation_and_names_the_line_of_a_hand_edit() {
    let site = SiteTest::example();
    // The example export has leads without a partner.
    allocate(&site, "leads/export-2025-2026.csv", "leads/allocated.csv")
        .expect_success()
        .stdout_contains("allocated 240 lead(s) without a partner");
    site.replace(
        "site.toml",
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/allocated.csv\"",
    );
    let run = site.run(&["leads", "verify"]);
    run.expect_success()
        .stdout_contains("verify passed: 240 rule, requested and none lead(s) of 3200");
    no_personal_data(&run);
    // The report builds from the allocated export and publishes what the replay finds.
    site.build(&[]).expect_success();
    report_shows_the_allocation(&site);

    let bytes = std::fs::read(site.path("leads/allocated.csv")).unwrap();
    let (line, byte, partner) = first_rule_row(&bytes);
    let other = if partner == "eduvantage" {
        "rheinwerk-lernsysteme"
    } else {
        "eduvantage"
    };
    let mut text = String::from_utf8(bytes).unwrap();
    let at = byte as usize + text[byte as usize..].find(&format!(",{partner},")).unwrap();
    text.replace_range(at + 1..at + 1 + partner.len(), other);
    site.write("leads/allocated.csv", &text);
    let run = site.run(&["leads", "verify"]);
    run.expect_failure(1).stdout_contains(&format!(
        "leads/allocated.csv:{line}: the export records rule (partner `{other}`, "
    ));
    assert!(
        run.stdout
            .lines()
            .next()
            .unwrap()
            .contains(&format!("; the policy gives rule (partner `{partner}`, ")),
        "{}",
        run.describe()
    );
    no_personal_data(&run);
}

#[test]
fn print_replay_writes_one_hashed_line_per_lead_in_allocation_order() {
    let site = SiteTest::example();
    let run = site.run(&["leads", "verify", "--print-replay"]);
    run.expect_success().stderr_contains("verify passed");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3200);
    let mut last = String::new();
    for l in &lines {
        let f: Vec<&str> = l.split('\t').collect();
        // hashed id, received, region, service, partner, method, relaxed
        assert_eq!(f.len(), 7, "{l}");
        assert_eq!(f[0].len(), 64);
        assert!(f[1] >= last.as_str(), "not in received order: {l}");
        last = f[1].to_string();
    }
    assert!(!run.stdout.contains("L-0"), "a lead id is printed");
    no_personal_data(&run);
    // The same data and seed give the same bytes; another seed other hashes.
    assert_eq!(
        site.run(&["leads", "verify", "--print-replay"]).stdout,
        run.stdout
    );
    site.replace("site.toml", "seed = \"openedx-2026\"", "seed = \"another\"");
    let other = site.run(&["leads", "verify", "--print-replay"]);
    assert_ne!(other.stdout.lines().next(), lines.first().copied());
}

#[test]
fn allocation_names_are_checked_with_their_position() {
    let site = SiteTest::example();
    site.replace(
        "site.toml",
        "match = [\"region\", \"service\"]",
        "match = [\"region\", \"servise\"]",
    );
    let run = site.check(&[]);
    run.expect_failure(1);
    let line = site
        .read("site.toml")
        .lines()
        .position(|l| l.contains("servise"))
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!(
            "site.toml:{line}:20: error: [allocation] match: unknown constraint `servise`"
        )) && run.stderr.contains("did you mean `service`?"),
        "{}",
        run.describe()
    );
}

/// The built report of the allocated example: the policy in words, the counts by method
/// (240 by rule), and the commitment, which is the SHA-256 of `--print-replay`.
fn report_shows_the_allocation(site: &SiteTest) {
    use sha2::{Digest, Sha256};
    let json = site.json("transparency/leads.json");
    let a = &json["allocation"];
    assert_eq!(a["policy"]["seed"], "openedx-2026");
    assert_eq!(
        a["policy"]["match"],
        serde_json::json!(["region", "service"])
    );
    assert_eq!(a["policy"]["weights"]["partner"], 2);
    assert_eq!(a["leads"], 3200);
    assert_eq!(
        a["methods"],
        serde_json::json!({"existing": 2960, "manual": 0, "requested": 0, "rule": 240,
                           "none": 0, "unallocated": 0})
    );
    let relaxed: u64 = a["relaxed"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(relaxed, 240, "the relaxations add up to the rule leads");
    // Expected rule leads add up to the rule leads (each lead shares 1 among its
    // candidates), up to the rounding to one decimal.
    let expected: f64 = a["by_partner"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["expected_rule"].as_f64().unwrap())
        .sum();
    assert!((expected - 240.0).abs() < 1.0, "{expected}");
    let replay = site.run(&["leads", "verify", "--print-replay"]);
    replay.expect_success();
    let sha: String = Sha256::digest(replay.stdout.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(a["commitment"], sha.as_str());
    let page = site.output_text("transparency/");
    for needle in [
        "<h2 id=\"policy-h\">Allocation</h2>",
        "Weights by tier: Open edX Partner 2 and Verified Provider 1.",
        "in this order: has the lead&#39;s service among its services; then serves the lead&#39;s region.",
        "the public seed “openedx-2026”",
        "<tr><th scope=\"row\">By the policy (rule)</th><td class=\"num\">240</td></tr>",
        &format!("<code>{sha}</code>"),
        "<code>partnersite leads verify --print-replay | sha256sum</code>",
    ] {
        assert!(page.contains(needle), "{needle} not on the page");
    }
}

#[test]
fn the_section_is_deterministic_and_another_seed_changes_only_tie_breaks() {
    let site = SiteTest::example();
    allocate(&site, "leads/export-2025-2026.csv", "leads/allocated.csv").expect_success();
    site.replace(
        "site.toml",
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/allocated.csv\"",
    );
    site.build(&[]).expect_success();
    let first = site.output_text("transparency/leads.json");
    site.build(&[]).expect_success();
    assert_eq!(site.output_text("transparency/leads.json"), first);
    // Another seed over the same recorded partners: the replay hashes other ids, so the
    // commitment changes, and verify names the rule leads whose tie went the other way;
    // the counts by method and the relaxations stay (a seed only breaks ties).
    site.replace("site.toml", "seed = \"openedx-2026\"", "seed = \"another\"");
    site.build(&[]).expect_success();
    let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    let (a, b) = (json(&first), site.json("transparency/leads.json"));
    let (a, b) = (&a["allocation"], &b["allocation"]);
    assert_ne!(a["commitment"], b["commitment"]);
    assert_eq!(a["methods"], b["methods"]);
    assert_eq!(a["relaxed"], b["relaxed"]);
    assert_eq!(b["policy"]["seed"], "another");
}

#[test]
fn small_counts_by_method_are_withheld_and_the_auditor_passes() {
    let site = SiteTest::example();
    site.write("leads/incoming.csv", input());
    allocate(&site, "leads/incoming.csv", "leads/small.csv").expect_success();
    // One period (the older one's digest counts by the budget category dropped below).
    site.replace(
        "site.toml",
        "[[leads.period]]\nid = \"2024-h2\"\nsource = \"leads/2024-h2.json\"",
        "",
    )
    .replace(
        "site.toml",
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/small.csv\"",
    )
    .replace("site.toml", "from = 2025-01-01\n", "")
    .replace("site.toml", "to = 2026-06-30\n", "")
    .edit("site.toml", |t| {
        t.lines()
            .filter(|l| !l.starts_with("budget = "))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    site.build(&[]).expect_success();
    let json = site.json("transparency/leads.json");
    let a = &json["allocation"];
    assert_eq!(a["leads"], 6);
    // Europe has 2 leads, both by rule: a row whose total is published determines
    // nothing by itself, but a cell of 2 < min_cell next to others is withheld.
    let europe = &a["by_region"]["europe"];
    assert_eq!(europe["leads"], 2);
    assert!(
        europe["methods"]["rule"].is_null(),
        "a small count is published: {europe}"
    );
    let page = site.output_text("transparency/");
    assert!(
        page.contains("<td class=\"num\">&lt; 5</td>"),
        "no withheld cell shown"
    );
}

#[test]
fn without_allocation_there_is_no_section_and_the_page_says_so() {
    let site = SiteTest::example();
    site.edit("site.toml", |t| {
        let start = t
            .find("# How leads without a partner are assigned")
            .unwrap();
        let end = t.find("market_segment = \"market_size\"\n").unwrap()
            + "market_segment = \"market_size\"\n".len();
        format!("{}{}", &t[..start], &t[end..])
    });
    site.build(&[]).expect_success();
    let json = site.json("transparency/leads.json");
    assert_eq!(json.get("allocation"), None);
    assert!(
        site.output_text("transparency/")
            .contains("No allocation policy is published"),
        "the page does not say so"
    );
}

#[test]
fn a_digest_with_the_section_publishes_it_only_under_the_same_policy() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let published = site.output_text("transparency/leads.json");
    let root = site.root().display().to_string();
    site.run(&[
        "leads",
        "digest",
        "--root",
        &root,
        "--output",
        "leads/digest.json",
    ])
    .expect_success();
    site.replace(
        "site.toml",
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/digest.json\"",
    );
    site.build(&[]).expect_success();
    assert_eq!(site.output_text("transparency/leads.json"), published);
    site.replace("site.toml", "seed = \"openedx-2026\"", "seed = \"another\"");
    site.build(&[]).expect_errors(
        "leads/digest.json: error: the digest's allocation policy differs from [allocation] in site.toml\n  \
         = help: make the digest again with `partnersite leads digest` under the site.toml that publishes it",
    );
}

#[test]
fn the_section_counts_the_leads_of_the_period_like_the_rest_of_the_report() {
    let site = SiteTest::example();
    allocate(&site, "leads/export-2025-2026.csv", "leads/allocated.csv").expect_success();
    site.replace(
        "site.toml",
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/allocated.csv\"",
    )
    .replace("site.toml", "from = 2025-01-01", "from = 2026-01-01");
    site.build(&[]).expect_success();
    let json = site.json("transparency/leads.json");
    let a = &json["allocation"];
    let leads = json["totals"]["leads"].as_u64().unwrap();
    assert!(leads < 3200, "the period keeps fewer leads");
    assert_eq!(a["leads"], leads);
    let methods: u64 = a["methods"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(methods, leads);
    for (slug, row) in a["by_partner"].as_object().unwrap() {
        assert_eq!(row["leads"], json["by_partner"][slug]["leads"], "{slug}");
    }
    for (region, row) in a["by_region"].as_object().unwrap() {
        assert_eq!(row["leads"], json["by_region"][region]["leads"], "{region}");
    }
    // The commitment is still the whole replay's.
    let replay = site.run(&["leads", "verify", "--print-replay"]);
    assert_eq!(replay.stdout.lines().count(), 3200);
}
