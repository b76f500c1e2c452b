//! A small writer of JSON-LD text for a `<script>` element, as serde_json writes a
//! `serde_json::Value` (compact, object keys in byte order as its `BTreeMap` keeps them)
//! with `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` escapes, so that a
//! `</script>` in a partner's name cannot end the element. Writing the text directly
//! instead of building `Value` trees was most of the cost of share metadata (every page
//! has two documents).

/// A JSON object being written; keys are sorted when it is finished.
#[derive(Default)]
pub(super) struct Obj {
    fields: Vec<(&'static str, String)>,
}

impl Obj {
    pub fn new() -> Obj {
        Obj::default()
    }

    /// `key: "value"`.
    pub fn str(mut self, key: &'static str, value: &str) -> Obj {
        let mut v = String::with_capacity(value.len() + 2);
        string(&mut v, value);
        self.fields.push((key, v));
        self
    }

    /// `key: "value"`, or `key: null`.
    pub fn opt_str(self, key: &'static str, value: Option<&str>) -> Obj {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null".into()),
        }
    }

    /// `key: n`.
    pub fn num(self, key: &'static str, n: usize) -> Obj {
        self.raw(key, n.to_string())
    }

    /// `key: ["a", "b"]`.
    pub fn strs<'s>(self, key: &'static str, values: impl IntoIterator<Item = &'s str>) -> Obj {
        let items: Vec<String> = values
            .into_iter()
            .map(|s| {
                let mut v = String::new();
                string(&mut v, s);
                v
            })
            .collect();
        self.raw(key, array(items))
    }

    /// `key: value`, with `value` already JSON (an object or array written here).
    pub fn raw(mut self, key: &'static str, value: String) -> Obj {
        self.fields.push((key, value));
        self
    }

    /// Whether `key` was written.
    pub fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|(k, _)| *k == key)
    }

    /// The object's text, keys in byte order (a key written twice keeps its last value,
    /// as a map insert does).
    pub fn finish(mut self) -> String {
        // Stable: of equal keys the last written comes last, and is the one kept.
        self.fields.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::with_capacity(self.fields.iter().map(|f| f.1.len() + 24).sum());
        out.push('{');
        let n = self.fields.len();
        for (i, (key, value)) in self.fields.iter().enumerate() {
            if self.fields.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            string(&mut out, key);
            out.push(':');
            out.push_str(value);
            if i + 1 < n {
                out.push(',');
            }
        }
        out.push('}');
        out
    }
}

/// `[a,b]` from JSON texts.
pub(super) fn array(items: Vec<String>) -> String {
    let mut out = String::from("[");
    out.push_str(&items.join(","));
    out.push(']');
    out
}

/// A JSON string: serde_json's escapes (`"`, `\`, control characters), plus the five
/// characters a `<script>` element must not see.
pub(super) fn string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        if SPECIAL.get(usize::from(b)) != Some(&true) {
            i += 1;
            continue;
        }
        let (escaped, len): (std::borrow::Cow<'static, str>, usize) = match b {
            b'"' => ("\\\"".into(), 1),
            b'\\' => ("\\\\".into(), 1),
            b'\n' => ("\\n".into(), 1),
            b'\r' => ("\\r".into(), 1),
            b'\t' => ("\\t".into(), 1),
            0x08 => ("\\b".into(), 1),
            0x0c => ("\\f".into(), 1),
            b'<' => ("\\u003c".into(), 1),
            b'>' => ("\\u003e".into(), 1),
            b'&' => ("\\u0026".into(), 1),
            // U+2028 and U+2029: E2 80 A8 / E2 80 A9; other characters led by E2 stay.
            0xE2 => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0xA8]) => ("\\u2028".into(), 3),
                Some([0x80, 0xA9]) => ("\\u2029".into(), 3),
                _ => {
                    i += 1;
                    continue;
                }
            },
            c => (format!("\\u{c:04x}").into(), 1),
        };
        // Every stop is an ASCII byte or the lead byte of a character: a boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(&escaped);
        i += len;
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// The bytes [`string`] stops at: control characters, `"`, `\`, `<`, `>`, `&`, and 0xE2
/// (the lead byte of U+2028 and U+2029).
// Indexing in a const initialiser: an index out of range fails the build, not a run.
#[allow(clippy::indexing_slicing)]
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xE2] = true;
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the writer must equal: serde_json's text, then the script escapes.
    fn reference(v: &serde_json::Value) -> String {
        let text = serde_json::to_string(v).unwrap();
        text.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    }

    #[test]
    fn writes_what_serde_json_writes_with_script_escapes() {
        let hostile = "</script><b>\"q\" \\ é\u{1}\u{1f}\t\n\r\u{8}\u{c}&\u{2028}\u{2029}\u{7f}";
        let inner = Obj::new()
            .str("name", hostile)
            .str("@type", "Thing")
            .finish();
        let got = Obj::new()
            .str("url", "https://e.org/a?b=1&c=2")
            .num("position", 3)
            .opt_str("missing", None)
            .strs("list", ["x", hostile])
            .raw("inner", inner)
            .str("@context", "https://schema.org")
            .str("name", "first")
            .str("name", "second")
            .finish();
        let want = json!({
            "url": "https://e.org/a?b=1&c=2",
            "position": 3,
            "missing": null,
            "list": ["x", hostile],
            "inner": { "name": hostile, "@type": "Thing" },
            "@context": "https://schema.org",
            "name": "second",
        });
        assert_eq!(got, reference(&want));
        let back: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(back, want);
        assert!(!got.contains('<') && !got.contains('>') && !got.contains('&'));
    }
}
