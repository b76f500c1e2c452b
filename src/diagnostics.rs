//! Diagnostics: every content problem as `path:line:col: error: message` with a hint,
//! collected across a whole run, sorted, and printed for content editors.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the site's content, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the site root (forward slashes when printed).
    pub path: PathBuf,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    /// How to fix it, e.g. "did you mean `europe`?".
    pub hint: Option<String>,
    /// A stable name for tools, e.g. `missing-content` for the required-content rule.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Place the diagnostic at a 1-based line and column.
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    /// Place the diagnostic at a byte offset of `text`, shifted down by `line_offset`
    /// lines (front matter starts after the opening `+++`).
    pub fn at_offset(self, text: &str, offset: usize, line_offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.at(line + line_offset, col)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The path as printed: forward slashes on every platform.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// A path printed with forward slashes, as editors see it in the repository.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Characters that must never reach a terminal or a CI log raw: control characters (a
/// newline could start a forged `::error` workflow command, ESC starts terminal escape
/// sequences, C1 U+009B is a CSI on some terminals), line separators, and the bidi
/// controls that make text display in another order than it reads.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from the site (file names, keys, values) made safe to print on one line:
/// `\n`, `\r`, `\t` and `\u{1b}`-style escapes instead of the raw characters. Backslashes
/// are left as they are (paths are printed with forward slashes anyway).
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => {
                use fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path given on the command line or found on disk, made safe to print (see
/// [`escape_terminal`]).
pub fn printable_path(path: &Path) -> String {
    escape_terminal(&path.to_string_lossy()).into_owned()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Every part comes from the site's files: escaped, so a file name or value can
        // neither end the line nor send an escape sequence.
        write!(f, "{}", escape_terminal(&self.display_path()))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        write!(f, ": {level}: {}", escape_terminal(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {}", escape_terminal(hint))?;
        }
        Ok(())
    }
}

/// 1-based (line, column) of a byte offset; columns count characters, not bytes.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The candidate `input` most likely misspells, as a list of at most one (rustc's
/// `find_best_match_for_name` idea): a case-insensitive match; else the fewest edits (a
/// swap of neighbours is one edit), at most a third of `input`'s length rounded up, ties
/// going to the longer common start and then to the alphabetically first; else the
/// shortest candidate that `input` begins (`aurora` -> `aurora-learning`). One answer, so
/// a typo never gets a list of loosely similar ids.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = input.to_lowercase();
    let candidates: Vec<(String, &str)> = candidates
        .into_iter()
        .map(|c| (c.to_lowercase(), c))
        .collect();
    if let Some((_, c)) = candidates.iter().find(|(l, _)| *l == lower) {
        return vec![c];
    }
    let max = lower.chars().count().div_ceil(3).max(1);
    let near = candidates
        .iter()
        .map(|(l, c)| {
            (
                strsim::osa_distance(&lower, l),
                strsim::jaro_winkler(&lower, l),
                *c,
            )
        })
        .filter(|(d, _, _)| *d <= max)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    if let Some((_, _, c)) = near {
        return vec![c];
    }
    if lower.chars().count() < 3 {
        return Vec::new();
    }
    candidates
        .into_iter()
        .filter(|(l, _)| l.starts_with(&lower))
        .map(|(_, c)| c)
        .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
        .into_iter()
        .collect()
}

/// The one wording of a suggestion: "did you mean `x`?" (callers pass `best` as it
/// should read, e.g. `/partners/x/` or `#setup`).
pub fn did_you_mean(best: &str) -> String {
    format!("did you mean `{best}`?")
}

/// "did you mean `x`?" when something close exists, else the list of valid values.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    if candidates.clone().into_iter().next().is_none() {
        return "no valid values are defined".to_string();
    }
    suggest_among(input, candidates, "values")
}

/// "did you mean `x`?" when something close exists, else "valid <noun>: `a`, `b`".
fn suggest_among<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    noun: &str,
) -> String {
    match closest(input, candidates.clone()).first() {
        Some(best) => did_you_mean(best),
        None => format!("valid {noun}: {}", ticked(candidates)),
    }
}

/// `a`, `b`, `c`: each in backticks, comma-separated.
fn ticked<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// All diagnostics of one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Sort by path, position and message, and drop exact duplicates, so the output does
    /// not depend on which parallel task finished first.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        self.0.dedup();
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Convert a TOML parse/deserialize error into a diagnostic with line and column in the
/// original file. `text` is the TOML text that was parsed, `line_offset` the number of
/// lines before it in the file (1 for front matter after `+++`). Unknown-field errors get a
/// "did you mean".
pub fn from_toml_error(
    path: &Path,
    text: &str,
    line_offset: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    let raw = err.message().trim().to_string();
    let (mut message, hint) = explain_toml_message(&raw);
    // The parser does not name the repeated key; its span does.
    if raw == "duplicate key"
        && let Some(key) = err.span().and_then(|s| text.get(s))
        && !key.is_empty()
        && !key.contains('\n')
    {
        message = format!("duplicate key `{}`", key.trim());
    }
    let (message, hint) = match date_advice(text, err.span(), &raw) {
        Some((better, advice)) => (better.unwrap_or(message), Some(advice)),
        None => (message, hint),
    };
    let d = Diagnostic::error(path, message).maybe_hint(hint);
    match err.span() {
        Some(span) => d.at_offset(text, span.start, line_offset),
        None => d,
    }
}

/// For a date written another way, advice that leads straight to a valid value (and,
/// when the parser's wording would mislead, e.g. "text values must be quoted" for
/// `14/03/2026`, a better message).
fn date_advice(
    text: &str,
    span: Option<std::ops::Range<usize>>,
    raw: &str,
) -> Option<(Option<String>, String)> {
    let span = span?;
    if raw.starts_with("expected a date like 2026-03-14 (without quotes)") {
        let value = text.get(span)?;
        let advice = crate::date::advice(value).unwrap_or_else(|| {
            "write the date as YYYY-MM-DD without quotes, e.g. 2026-03-14".to_string()
        });
        return Some((None, advice));
    }
    // A syntax error: the value is the rest of the line after `=`.
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    let (key, value) = text.get(start..end)?.split_once('=')?;
    if span.start < start + key.len() {
        return None;
    }
    let value = value.split(" #").next().unwrap_or(value).trim();
    let advice = crate::date::advice(value)?;
    let better = (raw.starts_with("string values must be quoted")
        || raw.starts_with("invalid float"))
    .then(|| format!("`{value}` is not a date in the form YYYY-MM-DD"));
    Some((better, advice))
}

/// The key and the expected keys of serde's "unknown field `x`, expected one of ...".
pub fn unknown_field(raw: &str) -> Option<(String, Vec<String>)> {
    let rest = raw.strip_prefix("unknown field `")?;
    let (field, tail) = rest.split_once('`')?;
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field.to_string(), expected))
}

/// serde's and the TOML parser's message in an editor's words, with a hint. serde names
/// fields with backticks ("unknown field `nmae`, expected one of `name`, `tier`"): an
/// unknown key or value gets a "did you mean" or the valid ones.
fn explain_toml_message(raw: &str) -> (String, Option<String>) {
    if let Some((field, expected)) = unknown_field(raw) {
        let hint = if expected.is_empty() {
            "remove this key".to_string()
        } else {
            suggest_among(&field, expected.iter().map(String::as_str), "keys")
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("missing field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        return (
            format!("missing required key `{field}`"),
            Some(format!("add `{field} = ...`")),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `")
        && let Some((value, tail)) = rest.split_once('`')
    {
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        return (
            format!(
                "`{value}` is not a valid value (expected one of {})",
                ticked(expected.iter().copied())
            ),
            Some(suggest_among(value, expected.iter().copied(), "values")),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (message, hint) = explain_invalid_type(rest);
        return (message, Some(hint));
    }
    if let Some((message, hint)) = explain_syntax(raw) {
        return (message.to_string(), Some(hint.to_string()));
    }
    (raw.replace('\n', " "), None)
}

/// serde's "invalid type: floating point `12.5`, expected i64" (after the prefix).
fn explain_invalid_type(rest: &str) -> (String, String) {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let wanted = match expected {
        e if e.starts_with('i') || e.starts_with('u') => "a whole number",
        "a boolean" => "true or false",
        "a string" => "text in quotes",
        "a sequence" => "a list like [\"a\", \"b\"]",
        "" => "another type",
        e => e,
    };
    let found = found
        .replace("floating point", "the number")
        .replace("string", "the text")
        .replace("integer", "the number");
    (
        format!("expected {wanted}, found {found}"),
        format!("write {wanted} here"),
    )
}

/// The TOML parser's wording for the syntax slips editors make most, in their words.
fn explain_syntax(raw: &str) -> Option<(&'static str, &'static str)> {
    let plain = match raw {
        "invalid basic string, expected `\"`" => (
            "this text has no closing `\"`",
            "end the text with `\"` on the same line (use `\"\"\"` around text of several lines)",
        ),
        "invalid multi-line basic string, expected `\"`" => (
            "this text has no closing `\"\"\"`",
            "end the text with `\"\"\"`",
        ),
        "invalid literal string, expected `'`" => (
            "this text has no closing `'`",
            "end the text with `'` on the same line",
        ),
        "string values must be quoted, expected literal string" => (
            "text values must be quoted",
            "write it like `key = \"text\"`",
        ),
        "duplicate key" => (
            "duplicate key",
            "this key is already set above in the same table; keep only one",
        ),
        _ if raw.starts_with("missing escaped value") => (
            "unknown escape sequence after `\\`",
            "write `\\\\` for a backslash, or use single quotes for text with backslashes",
        ),
        _ if raw.starts_with("invalid basic string, expected non-double-quote") => (
            "this text contains an invisible control character",
            "delete and retype the text around this position",
        ),
        _ => return None,
    };
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes() {
        assert!(matches!(escape_terminal("plain é `x`"), Cow::Borrowed(_)));
        assert_eq!(
            escape_terminal("a\n::error::b\r\t\x1b[2J\u{9b}\u{202e}\x7f\\"),
            "a\\n::error::b\\r\\t\\u{1b}[2J\\u{9b}\\u{202e}\\u{7f}\\"
        );
        let d = Diagnostic::error("content/a\nb.md", "bad `\x1b]0;x\x07`").hint("fix\nit");
        assert_eq!(
            d.to_string(),
            "content/a\\nb.md: error: bad `\\u{1b}]0;x\\u{7}`\n  = help: fix\\nit"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
    }

    #[test]
    fn suggests_closest() {
        assert_eq!(
            suggest("eurpe", ["europe", "africa"]),
            "did you mean `europe`?"
        );
        assert_eq!(
            suggest("zzz", ["europe", "africa"]),
            "valid values: `europe`, `africa`"
        );
        let services = ["hosting", "consulting", "course-development"];
        assert_eq!(suggest("hostng", services), "did you mean `hosting`?");
        assert_eq!(suggest("HOSTING", services), "did you mean `hosting`?");
        assert_eq!(
            suggest("aurora", ["aurora-learning", "birch"]),
            "did you mean `aurora-learning`?"
        );
        // A tie goes to the longer common start, then to the alphabetically first.
        assert_eq!(closest("cat", ["bat", "cap"]), ["cap"]);
        assert_eq!(closest("cat", ["cbt", "cas"]), ["cas"]);
        assert_eq!(closest("ab", ["ax", "ay"]), ["ax"]);
    }

    #[test]
    fn unknown_field_gets_suggestion() {
        let (m, h) = explain_toml_message("unknown field `nmae`, expected one of `name`, `tier`");
        assert_eq!(m, "unknown key `nmae`");
        assert_eq!(h.as_deref(), Some("did you mean `name`?"));
        let (_, h) = explain_toml_message("unknown field `zzzz`, expected one of `name`, `tier`");
        assert_eq!(h.as_deref(), Some("valid keys: `name`, `tier`"));
        let (_, h) = explain_toml_message("unknown field `zzzz`, there are no fields");
        assert_eq!(h.as_deref(), Some("remove this key"));
        let raw = "unknown variant `wran`, expected one of `fail`, `warn`, `unlist`";
        let (m, h) = explain_toml_message(raw);
        assert_eq!(
            m,
            "`wran` is not a valid value (expected one of `fail`, `warn`, `unlist`)"
        );
        assert_eq!(h.as_deref(), Some("did you mean `warn`?"));
        let (_, h) = explain_toml_message(&raw.replace("wran", "zzzz"));
        assert_eq!(h.as_deref(), Some("valid values: `fail`, `warn`, `unlist`"));
        assert_eq!(suggest("x", []), "no valid values are defined");
    }

    #[test]
    fn syntax_errors_in_plain_words() {
        let (m, _) = explain_toml_message("invalid basic string, expected `\"`");
        assert_eq!(m, "this text has no closing `\"`");
        let (m, h) = explain_toml_message("key with no value, expected `=`");
        assert_eq!((m.as_str(), h), ("key with no value, expected `=`", None));
    }
}
