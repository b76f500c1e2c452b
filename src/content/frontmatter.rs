//! Splits a Markdown file into its `+++` TOML front matter and body.

/// The parts of a Markdown file with front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML text between the `+++` lines.
    pub front: &'a str,
    /// Number of lines before `front` in the file (the opening `+++`), to map TOML error
    /// positions back to the file.
    pub front_line_offset: usize,
    pub body: &'a str,
}

/// Why a file's front matter could not be found. Each carries the 1-based line to blame.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line.
    Missing,
    /// The opening `+++` has no closing `+++`.
    Unclosed,
}

/// Split `text` at its `+++` delimiters. A UTF-8 BOM and CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\r\n")
        .or_else(|| text.strip_prefix("+++\n"))
        .ok_or(SplitError::Missing)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                front,
                front_line_offset: 1,
                body,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = split("+++\ntitle = \"x\"\n+++\nbody\n").unwrap();
        assert_eq!(s.front, "title = \"x\"\n");
        assert_eq!(s.body, "body\n");
        let s = split("\u{feff}+++\r\na = 1\r\n+++\r\n").unwrap();
        assert_eq!(s.front, "a = 1\r\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn errors() {
        assert_eq!(split("title = 1\n"), Err(SplitError::Missing));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::Unclosed));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("+++"), Err(SplitError::Missing));
    }
}
