//! The lead export's input side (issue 9): adversarial exports full of canary strings
//! (no header row, a status column mapped to e-mails, free-text and personal values in
//! closed-list columns, duplicate ids, a quote left open, a year typo) run through
//! `build`, `check` in every format, `leads digest` and `serve`: exact messages, exit
//! codes, and no canary in any printed line or output byte. Then the category forms:
//! declared values (a vocabulary table or an ordered list) and the slugs-only plain form.

use crate::common;

use common::{Run, SiteTest, tree};
use partnersite::leads::{Cell, Digest};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const HEADER: &str = "lead_id,received_date,requester_name,email,phone,country,region,assigned_provider,status,service_requested,budget_band,notes\n";

/// Lower-case pieces of the private columns; none may ever be printed or published.
const CANARIES: [&str; 6] = ["canary", "jane", "smith", "7700", "900123", "lid-"];

const NOTE: &str = "\"Other: please call Jane on +44 7700 900123, \"\"asap\"\"\"";

/// One export row; the private columns hold canaries.
fn row(id: &str, date: &str, country: &str, partner: &str, status: &str, service: &str) -> String {
    format!(
        "{id},{date},CANARY-NAME Jane Smith,canary@example.org,+44 7700 900123,{country},,{partner},{status},{service},under-10k,{NOTE}\n"
    )
}

fn site_with(csv: &str) -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.write("leads/export.csv", csv);
    site
}

/// One expected diagnostic.
struct Want<'a> {
    path: &'a str,
    line: usize,
    message: &'a str,
    hint: &'a str,
}

fn text_of(diags: &[Want]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}{}: error: {}\n  = help: {}",
                d.path,
                at(d.line, ":"),
                d.message,
                d.hint
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `:3` (or `,line=3`), or nothing for line 0 (unknown).
fn at(line: usize, sep: &str) -> String {
    if line == 0 {
        String::new()
    } else {
        format!("{sep}{line}")
    }
}

fn assert_no_canary(what: &str, bytes: &[u8]) {
    let lower = bytes.to_ascii_lowercase();
    for c in CANARIES {
        assert!(
            !lower.windows(c.len()).any(|w| w == c.as_bytes()),
            "{what} holds {c:?}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

fn assert_run_clean(run: &Run) {
    let what = format!("`partnersite {}`", run.args.join(" "));
    assert_no_canary(&format!("{what} stdout"), run.stdout.as_bytes());
    assert_no_canary(&format!("{what} stderr"), run.stderr.as_bytes());
}

/// `build`, `check` (text, json, github) and `leads digest` all fail with exactly these
/// errors (sorted as printed) and print no canary; the output is left as it was.
fn expect_errors_everywhere(site: &SiteTest, want: &[Want]) {
    let text = text_of(want);
    let before = site.public().exists().then(|| tree(&site.public()));
    let build = site.build(&[]);
    build.expect_errors(&text);
    assert_run_clean(&build);
    let after = site.public().exists().then(|| tree(&site.public()));
    assert!(before == after, "a failed build changed the output");

    let count = format!(
        "{} error{} found",
        want.len(),
        if want.len() == 1 { "" } else { "s" }
    );
    let check = site.check(&[]);
    check
        .expect_failure(1)
        .expect_stderr(&format!("{text}\n\n{count}"));
    assert_run_clean(&check);

    let json = site.check(&["--format", "json"]);
    json.expect_failure(1);
    assert_run_clean(&json);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let got: Vec<(String, u64, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, String)> = want
        .iter()
        .map(|w| (w.path.to_string(), w.line as u64, w.message.to_string()))
        .collect();
    assert_eq!(got, expected);

    let gh = site.check(&["--format", "github"]);
    gh.expect_failure(1);
    assert_run_clean(&gh);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    let expected: Vec<String> = want
        .iter()
        .map(|w| {
            format!(
                "::error file={}{}::{}%0A{}",
                w.path,
                at(w.line, ",line="),
                w.message,
                w.hint
            )
        })
        .collect();
    assert_eq!(lines, expected);

    let digest = site.run(&["leads", "digest", "--root", "."]);
    digest
        .expect_failure(1)
        .expect_stderr(&format!("{text}\n\n{count}"));
    assert_run_clean(&digest);
    assert!(digest.stdout.is_empty());
}

/// `build` and `leads digest` succeed; nothing printed or written holds a canary.
fn expect_clean_build(site: &SiteTest) -> (Run, Digest) {
    let build = site.build(&[]);
    build.expect_success();
    assert_run_clean(&build);
    for (path, bytes) in tree(&site.public()) {
        assert_no_canary(&path, &bytes);
    }
    for format in ["text", "json", "github"] {
        let check = site.check(&["--format", format]);
        assert_run_clean(&check);
    }
    let digest = site.run(&["leads", "digest", "--root", "."]);
    digest.expect_success();
    assert_run_clean(&digest);
    let json = serde_json::from_str(&digest.stdout).unwrap();
    (build, json)
}

/// A digest table as (key, cell) pairs, in published order.
fn table(digest: &Digest, category: &str) -> Vec<(String, Cell)> {
    digest
        .by_category
        .get(category)
        .unwrap_or_else(|| panic!("no category {category}"))
        .0
        .clone()
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, Cell)> {
    list.iter()
        .map(|(k, n)| (k.to_string(), Some(*n)))
        .collect()
}

// ---------- private data never printed ----------

#[test]
fn an_export_without_its_header_row_is_named_not_printed() {
    let site = site_with(&format!(
        "{}{}",
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-2",
            "2025-02-02",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
    ));
    expect_errors_everywhere(
        &site,
        &[Want {
            path: "leads/export.csv",
            line: 1,
            message: "line 1 does not hold the mapped headers `lead_id`, `received_date`, `country`, `region`, `assigned_provider`, `status` ([leads.columns])",
            hint: "the export must start with its header row naming the columns: export it again with headers, or correct the names in [leads.columns]",
        }],
    );
}

#[test]
fn a_status_column_mapped_to_e_mails_prints_no_e_mail() {
    let site = site_with(&format!(
        "{HEADER}{}{}",
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-2",
            "2025-02-02",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
    ));
    site.replace("site.toml", "status = \"status\"", "status = \"email\"");
    let message = "the value in column `email` is not a known status (not shown: it does not look like one and may be personal data)";
    let hint = "the statuses are new, contacted, won and lost; check that [leads.columns] status names the status column";
    expect_errors_everywhere(
        &site,
        &[
            Want {
                path: "leads/export.csv",
                line: 2,
                message,
                hint,
            },
            Want {
                path: "leads/export.csv",
                line: 3,
                message,
                hint,
            },
        ],
    );
}

#[test]
fn closed_list_values_are_shown_only_when_they_look_like_ids_and_ids_never() {
    let site = site_with(&format!(
        "{HEADER}{}{}{}{}{}",
        // A country that is an e-mail and a region that is a phone number.
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "canary@example.org",
            "alpha-hosting",
            "won",
            ""
        )
        .replacen(",,alpha-hosting", ",+44 7700 900123,alpha-hosting", 1),
        // A partner that is a name (spaces).
        row(
            "LID-CANARY-2",
            "2025-02-02",
            "DE",
            "CANARY-NAME Jane Smith",
            "won",
            ""
        ),
        // A received date that is a phone number.
        row(
            "LID-CANARY-3",
            "+44 7700 900123",
            "DE",
            "alpha-hosting",
            "won",
            ""
        ),
        // Typos that look like ids are shown, with a suggestion.
        row(
            "LID-CANARY-4",
            "2025-02-04",
            "DE",
            "alpha-hostin",
            "wonn",
            ""
        ),
        // A duplicate id: both lines, never the id.
        row(
            "LID-CANARY-1",
            "2025-02-05",
            "DE",
            "alpha-hosting",
            "won",
            ""
        ),
    ));
    let not_shown = "(not shown: it does not look like one and may be personal data)";
    let country = format!("the value in column `country` is not a known country code {not_shown}");
    let region = format!("the value in column `region` is not a known region {not_shown}");
    let partner = format!(
        "the value in column `assigned_provider` is not a known partner {not_shown}: no such folder in content/partners/"
    );
    let date = format!("the value in column `received_date` is not a date {not_shown}");
    expect_errors_everywhere(
        &site,
        &[
            Want {
                path: "leads/export.csv",
                line: 2,
                message: &country,
                hint: "use an ISO 3166-1 alpha-2 code such as DE or BR, or leave the cell empty",
            },
            Want {
                path: "leads/export.csv",
                line: 2,
                message: &region,
                hint: "valid values: `europe`, `north-america`, `latin-america` (the ids of [regions] in site.toml), or leave the cell empty",
            },
            Want {
                path: "leads/export.csv",
                line: 3,
                message: &partner,
                hint: "partner slugs are the folder names in content/partners/; set [leads] allow_unknown_partners = true to count unknown slugs in the audit instead",
            },
            Want {
                path: "leads/export.csv",
                line: 4,
                message: &date,
                hint: "write dates as YYYY-MM-DD, e.g. 2026-03-14",
            },
            Want {
                path: "leads/export.csv",
                line: 5,
                message: "unknown status `wonn` (column `status`)",
                hint: "did you mean `won`? The statuses are new, contacted, won and lost",
            },
            Want {
                path: "leads/export.csv",
                line: 6,
                message: "duplicate lead id: line 6 repeats the id of line 2",
                hint: "each lead must appear once; remove the repeated row",
            },
        ],
    );
    // A partner typo (in a row that is otherwise valid) is shown with its suggestion.
    site.write(
        "leads/export.csv",
        format!(
            "{HEADER}{}",
            row(
                "LID-CANARY-4",
                "2025-02-04",
                "DE",
                "alpha-hostin",
                "won",
                ""
            )
        ),
    );
    expect_errors_everywhere(
        &site,
        &[Want {
            path: "leads/export.csv",
            line: 2,
            message: "unknown partner `alpha-hostin` (column `assigned_provider`): no such folder in content/partners/",
            hint: "did you mean `alpha-hosting`?",
        }],
    );
}

#[test]
fn a_header_row_with_private_cells_lists_only_column_names() {
    // One mapped header is misspelt, so the others show this is a header row; a cell
    // that is not a column name (an e-mail here) is counted, not shown.
    let header = HEADER
        .replace("received_date", "received")
        .replace("requester_name", "canary@example.org");
    let site = site_with(&format!(
        "{header}{}",
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        )
    ));
    expect_errors_everywhere(
        &site,
        &[Want {
            path: "leads/export.csv",
            line: 1,
            message: "the column `received_date` ([leads.columns] received) is not in the header",
            hint: "headers found: `lead_id`, `received`, `email`, `phone`, `country`, `region`, `assigned_provider`, `status`, `service_requested`, `budget_band`, `notes`, 1 not shown (they do not look like column names)",
        }],
    );
}

#[test]
fn free_text_category_values_are_counted_as_other_never_published() {
    let mut csv = HEADER.to_string();
    for i in 0..6 {
        csv.push_str(&row(
            &format!("LID-CANARY-{i}"),
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "\"Other: please call Jane on +44 7700 900123\"",
        ));
    }
    for i in 6..12 {
        csv.push_str(&row(
            &format!("LID-CANARY-{i}"),
            "2025-03-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting",
        ));
    }
    let site = site_with(&csv);
    let (_, digest) = expect_clean_build(&site);
    assert_eq!(
        table(&digest, "service"),
        pairs(&[("hosting", 6), ("other", 6)])
    );
    let html = site.output_text("transparency/");
    assert!(
        html.contains("<td>Other</td>") || html.contains(">Other<"),
        "no Other row"
    );
}

// ---------- smaller holes ----------

#[test]
fn a_quote_left_open_at_the_end_is_an_error_naming_its_line() {
    // Open in the last column: the five rows after it would become one value. (The
    // rows after an open quote hold no quote, or the next one would close it.)
    let plain = |id: &str, service: &str| {
        row(id, "2025-02-03", "DE", "alpha-hosting", "won", service).replace(NOTE, "note")
    };
    let mut rows: Vec<String> = (1..8)
        .map(|i| plain(&format!("LID-CANARY-{i}"), "hosting"))
        .collect();
    rows[1] = rows[1].replace(",note\n", ",\"Other: please call Jane on +44 7700 900123\n");
    let want = |line| Want {
        path: "leads/export.csv",
        line,
        message: "",
        hint: "close the quoted value with \", and double every quote inside a quoted value (\"\")",
    };
    let message = |line: usize| {
        format!(
            "a quote opened on line {line} is never closed: every line after it would be read as part of one value"
        )
    };
    let site = site_with(&format!("{HEADER}{}", rows.concat()));
    let m3 = message(3);
    expect_errors_everywhere(
        &site,
        &[Want {
            message: &m3,
            ..want(3)
        }],
    );

    // Open in a middle column (the swallowed record then also has too few fields), with
    // a multi-line quoted note before it in the same file.
    rows[1] = plain("LID-CANARY-2", "hosting");
    rows[3] = plain("LID-CANARY-4", "\"hosting");
    rows[0] = rows[0].replace(",note\n", ",\"two\nlines\"\n");
    let site = site_with(&format!("{HEADER}{}", rows.concat()));
    let m6 = message(6);
    expect_errors_everywhere(
        &site,
        &[Want {
            message: &m6,
            ..want(6)
        }],
    );

    // In the header row itself.
    let site = site_with(&format!("\"lead_id,{}", &HEADER[8..]));
    let m1 = message(1);
    expect_errors_everywhere(
        &site,
        &[Want {
            message: &m1,
            ..want(1)
        }],
    );
}

#[test]
fn without_period_bounds_a_lead_before_2000_is_an_error() {
    let csv = format!(
        "{HEADER}{}{}",
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-2",
            "0025-03-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
    );
    // With bounds the lead is outside the period, skipped: the quarters are the period's.
    let site = site_with(&csv);
    let (_, digest) = expect_clean_build(&site);
    let quarters: Vec<&str> = digest.by_quarter.keys().collect();
    assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);

    site.replace("site.toml", "from = 2025-01-01\n", "")
        .replace("site.toml", "to = 2025-12-31\n", "");
    expect_errors_everywhere(
        &site,
        &[Want {
            path: "leads/export.csv",
            line: 3,
            message: "the received date 0025-03-01 (column `received_date`) is before 2000",
            hint: "a typo in the year? Write the full year (YYYY-MM-DD), or set [leads] from in site.toml to count only the leads from that date on",
        }],
    );
}

#[test]
fn without_period_bounds_a_period_over_ten_years_is_a_warning() {
    let csv = format!(
        "{HEADER}{}{}{}",
        row(
            "LID-CANARY-1",
            "2025-06-30",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-2",
            "2014-03-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-3",
            "2020-01-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
    );
    let site = site_with(&csv);
    site.replace("site.toml", "from = 2025-01-01\n", "")
        .replace("site.toml", "to = 2025-12-31\n", "");
    let warning = "leads/export.csv:3: warning: the report's period runs from 2014-03-01 to 2025-06-30, more than 10 years (from the first lead to the last)\n  = help: check this lead's received date for a typo in the year, or set [leads] from and to in site.toml";
    let (build, digest) = expect_clean_build(&site);
    build.stderr_contains(warning);
    site.check(&[]).stderr_contains(warning);
    site.run(&["leads", "digest", "--root", "."])
        .stderr_contains(warning);
    let gh = site.check(&["--format", "github"]);
    assert!(
        gh.stdout.lines().any(|l| l.starts_with(
            "::warning file=leads/export.csv,line=3::the report's period runs from 2014-03-01"
        )),
        "{}",
        gh.stdout
    );
    // The quarter table is exactly the period: 2014-Q1 to 2025-Q2.
    let quarters: Vec<&str> = digest.by_quarter.keys().collect();
    assert_eq!(quarters.len(), 46);
    assert_eq!((quarters[0], quarters[45]), ("2014-Q1", "2025-Q2"));
    // Ten years exactly is no warning.
    site.write(
        "leads/export.csv",
        format!(
            "{HEADER}{}{}",
            row(
                "LID-CANARY-1",
                "2015-06-30",
                "DE",
                "alpha-hosting",
                "won",
                "hosting"
            ),
            row(
                "LID-CANARY-2",
                "2025-06-30",
                "DE",
                "alpha-hosting",
                "won",
                "hosting"
            ),
        ),
    );
    let build = site.build(&[]);
    build.expect_success();
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
}

// ---------- serve ----------

#[test]
fn serve_prints_and_shows_no_private_value() {
    let site = site_with(&format!(
        "{}{}",
        row(
            "LID-CANARY-1",
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting"
        ),
        row(
            "LID-CANARY-2",
            "2025-02-02",
            "canary@example.org",
            "alpha-hosting",
            "won",
            "hosting"
        ),
    ));
    let (mut child, rx) = common::spawn_serve(site.root(), &[]);
    let mut printed = Vec::new();
    let mut base = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while base.is_none() && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some(rest) = line.split(" at http://").nth(1) {
                base = rest.split_whitespace().next().map(str::to_string);
            }
            printed.push(line);
        }
    }
    let page = base.as_ref().map(|addr| {
        let mut s = std::net::TcpStream::connect(addr.trim_end_matches('/')).unwrap();
        write!(s, "GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        buf
    });
    let _ = child.kill();
    let _ = child.wait();
    let printed = printed.join("\n");
    assert!(base.is_some(), "serve did not start:\n{printed}");
    assert!(
        printed.contains(
            "leads/export.csv:1: error: line 1 does not hold the mapped headers `lead_id`"
        ),
        "{printed}"
    );
    assert_no_canary("serve stderr", printed.as_bytes());
    let page = page.unwrap_or_default();
    assert_no_canary("the served page", &page);
}

// ---------- category forms ----------

/// An export whose service and budget columns hold these values, one lead each.
fn category_export(cells: &[(&str, &str)]) -> String {
    let mut csv = HEADER.to_string();
    for (i, (service, budget)) in cells.iter().enumerate() {
        csv.push_str(
            &row(
                &format!("c{i}"),
                "2025-02-01",
                "DE",
                "alpha-hosting",
                "won",
                service,
            )
            .replace(",under-10k,", &format!(",{budget},")),
        );
    }
    csv
}

#[test]
fn declared_values_publish_in_their_order_with_other() {
    let mut cells = Vec::new();
    cells.extend(std::iter::repeat_n(("consulting", "20k-50k"), 6));
    cells.extend(std::iter::repeat_n(("Hosting", "lt-5k"), 5));
    cells.extend(std::iter::repeat_n(("hosting", "LT-5K"), 2));
    cells.extend(std::iter::repeat_n(
        ("\"Other: please call Jane on +44 7700 900123\"", "huge"),
        5,
    ));
    cells.extend(std::iter::repeat_n(("web-design", ""), 5));
    let site = site_with(&category_export(&cells));
    site.replace(
        "site.toml",
        "service = \"service_requested\"\nbudget = \"budget_band\"",
        "service = { column = \"service_requested\", values = \"services\" }\nbudget = { column = \"budget_band\", values = [\"lt-5k\", \"5k-20k\", \"20k-50k\"] }",
    );
    let (_, digest) = expect_clean_build(&site);
    // [services] order (hosting, consulting); "web-design" is a slug but not declared.
    assert_eq!(
        table(&digest, "service"),
        pairs(&[("hosting", 7), ("consulting", 6), ("other", 10)])
    );
    // The list's order, zeros included, then other and unspecified.
    assert_eq!(
        table(&digest, "budget"),
        pairs(&[
            ("lt-5k", 7),
            ("5k-20k", 0),
            ("20k-50k", 6),
            ("other", 5),
            ("unspecified", 5)
        ])
    );
    assert_eq!(
        site.output_text("transparency/by-category-budget.csv"),
        "value,leads\nlt-5k,7\n5k-20k,0\n20k-50k,6\nother,5\nunspecified,5\n"
    );
    // Labels come from the vocabulary.
    let html = site.output_text("transparency/");
    for label in ["Hosting", "Consulting", "Other", "Not specified"] {
        assert!(html.contains(&format!(">{label}<")), "no {label} label");
    }
}

#[test]
fn the_plain_form_publishes_slugs_and_counts_the_rest_as_other() {
    let long = "a".repeat(41);
    let mut cells = Vec::new();
    cells.extend(std::iter::repeat_n(("course-design", "x"), 5));
    cells.extend(std::iter::repeat_n(("Hosting", "x"), 2));
    cells.extend(std::iter::repeat_n(("hosting", "x"), 6));
    cells.extend(std::iter::repeat_n(("canary@example.org", "x"), 2));
    cells.extend(std::iter::repeat_n((long.as_str(), "x"), 1));
    cells.extend(std::iter::repeat_n(("web--design", "x"), 1));
    let site = site_with(&category_export(&cells));
    let (_, digest) = expect_clean_build(&site);
    assert_eq!(
        table(&digest, "service"),
        pairs(&[("course-design", 5), ("hosting", 6), ("other", 6)])
    );
}

#[test]
fn category_declarations_are_checked_with_positions() {
    let site = site_with(&category_export(&[("hosting", "x")]));
    site.replace(
        "site.toml",
        "service = \"service_requested\"\nbudget = \"budget_band\"",
        "service = { column = \"service_requested\", values = \"sevices\" }\nbudget = { column = \"budget_band\", values = [\"<5k\", \"5k-20k\", \"5k-20k\"] }\nleak = \"lead_id\"",
    );
    let toml = site.read("site.toml");
    let line = toml
        .lines()
        .position(|l| l.starts_with("service = {"))
        .unwrap()
        + 1;
    let check = site.check(&[]);
    check.expect_failure(1).expect_stderr(&format!(
        "site.toml:{line}:52: error: [leads.categories] service: `values` names no vocabulary table `sevices`
  = help: did you mean `services`? (a table of site.toml whose ids are the allowed values), or give a list like [\"lt-5k\", \"5k-20k\"]
site.toml:{}:46: error: [leads.categories] budget: `<5k` is not a valid value id
  = help: values are published as keys: lower-case letters, digits and single hyphens, at most 40 characters, e.g. `5k`
site.toml:{}:63: error: [leads.categories] budget: `5k-20k` is listed twice
  = help: list each value once
site.toml:{}:1: error: [leads.categories] leak reads the column `lead_id`, already mapped by [leads.columns] id
  = help: map each column once; a category publishes its values, so it must never read the lead id or a personal column

4 errors found",
        line + 1,
        line + 1,
        line + 2
    ));
    // Unknown keys get a suggestion.
    site.replace(
        "site.toml",
        "leak = \"lead_id\"",
        "leak = { colum = \"x\" }",
    );
    let check = site.check(&[]);
    check.expect_failure(1);
    assert!(
        check.stderr.contains(&format!(
            "site.toml:{}:10: error: unknown key `colum`\n  = help: did you mean `column`?",
            line + 2
        )),
        "{}",
        check.stderr
    );
}

#[test]
fn a_digest_source_may_publish_only_allowed_category_values() {
    let mut csv = HEADER.to_string();
    for i in 0..6 {
        csv.push_str(&row(
            &format!("c{i}"),
            "2025-02-01",
            "DE",
            "alpha-hosting",
            "won",
            "hosting",
        ));
    }
    let site = site_with(&csv);
    let (_, mut digest) = expect_clean_build(&site);
    // A digest made by an older version published free text as a key.
    digest
        .by_category
        .0
        .iter_mut()
        .find(|(k, _)| k == "service")
        .unwrap()
        .1
        .0
        .push(("Other: please call Jane on +44 7700 900123".into(), None));
    site.write(
        "private/digest.json",
        partnersite::leads::write_digest(&digest),
    )
    .replace(
        "site.toml",
        "source = \"leads/export.csv\"",
        "source = \"private/digest.json\"",
    );
    expect_errors_everywhere(
        &site,
        &[Want {
            path: "private/digest.json",
            line: 0,
            message: "the digest's by_category `service` holds 1 value(s) that [leads.categories] does not allow (not shown)",
            hint: "make the digest again with `partnersite leads digest`: values that are not allowed are counted as `other`",
        }],
    );
}
