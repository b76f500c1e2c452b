//! How `check` and `build` show problems: the per-partner required-content table for
//! people, JSON for tools, and GitHub Actions annotations.

use crate::config::Kind;
use crate::diagnostics::{
    Diagnostic, Diagnostics, Severity, escape_terminal as esc, is_unsafe_char,
};
use crate::kinds;
use crate::rules::{JsonError, JsonReport, MISSING_CONTENT, Report, Status, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(s: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("{code}{s}{RESET}")
    } else {
        s.to_string()
    }
}

/// A diagnostic line, with `error`/`warning` coloured on terminals.
pub fn colour_diagnostic(d: &Diagnostic, colour: bool) -> String {
    let plain = d.to_string();
    if !colour {
        return plain;
    }
    let (word, code) = match d.severity {
        Severity::Error => (": error: ", RED),
        Severity::Warning => (": warning: ", YELLOW),
    };
    plain.replacen(
        word,
        &format!(": {BOLD}{code}{}{RESET}: ", word.trim_matches([':', ' '])),
        1,
    )
}

fn cell(v: &Verdict, k: Kind, required: bool) -> String {
    if !required {
        return "-".into();
    }
    format!("{}/{}", v.counted.get(k), v.required.get(k))
}

/// The per-partner table, then details for each failing partner (or for `only`).
pub fn text(report: &Report, only: Option<&str>, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Required content for {} ({})",
        report.year,
        report.describe_rule()
    );
    let verdicts: Vec<&Verdict> = report
        .verdicts
        .iter()
        .filter(|v| only.is_none_or(|s| s == v.slug))
        .collect();
    table(&mut out, report, &verdicts, colour);
    let count = |status: Status| verdicts.iter().filter(|v| v.status == status).count();
    let (ok, missing, exempt) = (
        count(Status::Ok),
        count(Status::Missing),
        count(Status::Exempt),
    );
    let _ = writeln!(
        out,
        "\n{ok} complete, {missing} missing content, {exempt} exempt"
    );
    for v in verdicts
        .iter()
        .filter(|v| v.status == Status::Missing || only.is_some())
    {
        details(&mut out, v, colour);
    }
    out
}

/// One row per partner: its X, the counted/required content of each kind the rules
/// count ([`kinds::counted`], a column each), its status.
fn table(out: &mut String, report: &Report, verdicts: &[&Verdict], colour: bool) {
    let name_w = verdicts
        .iter()
        .map(|v| esc(&v.slug).chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    // A column is as wide as the kind's plural, and wide enough for `10/10`.
    let columns: Vec<(&kinds::Kind, Kind, usize)> = kinds::counted()
        .filter_map(|k| Some((k, k.rule?, k.plural.chars().count().max(6))))
        .collect();
    let _ = write!(out, "\n{:name_w$}  {:>3}", "partner", "X");
    for (k, _, w) in &columns {
        let _ = write!(out, "  {:>w$}", k.plural);
    }
    out.push_str("  status\n");
    for v in verdicts {
        let status = match v.status {
            Status::Ok => paint("ok", GREEN, colour),
            Status::Exempt => paint("exempt", YELLOW, colour),
            Status::Missing => paint("MISSING", RED, colour),
        };
        let _ = write!(out, "{:name_w$}  {:>3}", esc(&v.slug), v.x);
        for &(_, rule, w) in &columns {
            let required = report.rules.require.contains(&rule);
            let _ = write!(out, "  {:>w$}", cell(v, rule, required));
        }
        let _ = writeln!(out, "  {status}");
    }
}

/// One partner's verdict with what was counted and what was ignored, and why.
fn details(out: &mut String, v: &Verdict, colour: bool) {
    let _ = writeln!(
        out,
        "\n{} ({}): {}",
        paint(&esc(&v.slug), BOLD, colour),
        esc(&v.name),
        match v.status {
            Status::Missing => format!("missing {}", crate::rules::missing_phrase(v)),
            Status::Exempt => format!("exempt: {}", esc(v.reason.as_deref().unwrap_or(""))),
            Status::Ok => "complete".into(),
        }
    );
    let _ = writeln!(out, "  clients acquired: {}, so X = {}", v.acquired, v.x);
    for item in &v.counted_items {
        let _ = writeln!(
            out,
            "  counted  {:13} {}",
            item.kind.label(),
            esc(&item.label)
        );
    }
    for i in &v.ignored {
        let _ = writeln!(
            out,
            "  ignored  {:13} {}: {}",
            i.kind.label(),
            esc(&i.path),
            esc(&i.reason)
        );
    }
}

/// `check --format json`.
pub fn json(
    report: Option<&Report>,
    diags: &Diagnostics,
    only: Option<&str>,
    configured: Option<(u16, crate::config::RuleName)>,
) -> serde_json::Result<String> {
    let partners: BTreeMap<&str, &Verdict> = report
        .map(|r| {
            r.verdicts
                .iter()
                .filter(|v| only.is_none_or(|s| s == v.slug))
                .map(|v| (v.slug.as_str(), v))
                .collect()
        })
        .unwrap_or_default();
    let errors = diags
        .errors()
        .filter(|d| d.code != Some(MISSING_CONTENT))
        .map(|d| JsonError {
            path: d.display_path(),
            line: d.line,
            col: d.col,
            message: d.message.clone(),
            help: d.hint.clone(),
        })
        .collect();
    serde_json::to_string_pretty(&JsonReport {
        year: report.map(|r| r.year).or(configured.map(|c| c.0)),
        rule: report.map(|r| r.rule).or(configured.map(|c| c.1)),
        partners,
        errors,
    })
    .map(json_escape_unsafe)
}

/// serde_json escapes C0 controls but writes DEL, C1 controls (U+009B is a CSI on some
/// terminals), line separators and bidi controls raw. Outside strings the pretty printer
/// writes only newlines and spaces, so `\uXXXX` escapes of the others keep the JSON and
/// its values the same. (All of them are in the Basic Multilingual Plane.)
fn json_escape_unsafe(json: String) -> String {
    let unsafe_char = |c: char| c != '\n' && is_unsafe_char(c);
    if !json.chars().any(unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Escape a GitHub workflow command's data (`%`, CR, LF) and properties (also `:`, `,`),
/// as GitHub's actions/toolkit does; control characters of the text are first shown as
/// escapes (`\n`, `\u{1b}`), so the only line breaks are the ones we put in (`%0A`).
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = esc(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// `check --format github`: one workflow command per problem.
pub fn github(report: Option<&Report>, diags: &Diagnostics, only: Option<&str>) -> Vec<String> {
    let mut lines = Vec::new();
    for d in diags.iter() {
        let level = if d.is_error() { "error" } else { "warning" };
        let mut props = format!("file={}", gh_escape(&d.display_path(), true));
        if d.line > 0 {
            let _ = write!(props, ",line={}", d.line);
            if d.col > 0 {
                let _ = write!(props, ",col={}", d.col);
            }
        }
        let mut msg = gh_escape(&d.message, false);
        if let Some(h) = &d.hint {
            msg.push_str("%0A");
            msg.push_str(&gh_escape(h, false));
        }
        lines.push(format!("::{level} {props}::{msg}"));
    }
    // Ignored items of failing partners as notices: the "why" behind each missing count.
    if let Some(r) = report {
        for v in r.failing().filter(|v| only.is_none_or(|s| s == v.slug)) {
            for i in &v.ignored {
                lines.push(format!(
                    "::notice file={}::{}",
                    gh_escape(&i.path, true),
                    gh_escape(&format!("not counted for {}: {}", r.year, i.reason), false)
                ));
            }
        }
    }
    lines
}
