//! [`QuoteTracker`]: a pass-through reader that follows the CSV quoting state of the bytes
//! it hands to the `csv` crate, to tell whether the file ended inside a quoted value.
//! The `csv` crate accepts such a file: the open quote silently swallows every row after
//! it into one value, which it does not report.

use std::io::Read;

const BOM: &[u8] = b"\xef\xbb\xbf";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside a quoted value (a quote here opens one only at the start of a field).
    Unquoted,
    /// Inside a quoted value.
    Quoted,
    /// A quote inside a quoted value: doubled (`""`) it stays quoted, else it closed.
    QuoteInQuoted,
}

/// Wraps the export's reader. It follows csv-core's reading of RFC 4180 with the
/// defaults partnersite uses (`,` delimiter, `"` quotes doubled inside, CR, LF or CRLF
/// line ends, a UTF-8 BOM skipped): a quote opens a value only as a field's first byte,
/// elsewhere it is literal.
pub struct QuoteTracker<R> {
    inner: R,
    state: State,
    /// The byte before the next chunk (a line end at the start of the stream).
    prev: u8,
    /// BOM bytes matched (or skipped past) at the start of the stream, up to 3.
    bom: usize,
    eof: bool,
    /// Line ends seen since the quote that opened the current quoted value.
    newlines_in_quote: u64,
}

impl<R: Read> QuoteTracker<R> {
    pub fn new(inner: R) -> Self {
        QuoteTracker {
            inner,
            state: State::Unquoted,
            prev: b'\n',
            bom: 0,
            eof: false,
            newlines_in_quote: 0,
        }
    }

    /// At the end of the stream inside a quoted value: the number of line ends between
    /// the opening quote and the end (so the quote opened `that many` lines before the
    /// last line).
    pub fn open_at_eof(&self) -> Option<u64> {
        (self.eof && self.state == State::Quoted).then_some(self.newlines_in_quote)
    }

    fn scan(&mut self, mut buf: &[u8]) {
        while self.bom < BOM.len() {
            match (buf.first(), BOM.get(self.bom)) {
                (Some(b), Some(want)) if b == want => {
                    buf = buf.get(1..).unwrap_or_default();
                    self.bom += 1;
                }
                (None, _) => return,
                _ => self.bom = BOM.len(),
            }
        }
        let mut i = 0;
        while i < buf.len() {
            let rest = buf.get(i..).unwrap_or_default();
            match self.state {
                State::Unquoted => match memchr::memchr(b'"', rest) {
                    None => break,
                    Some(k) => {
                        let j = i + k;
                        let before = match j.checked_sub(1) {
                            Some(b) => buf.get(b).copied().unwrap_or(self.prev),
                            None => self.prev,
                        };
                        if matches!(before, b',' | b'\n' | b'\r') {
                            self.state = State::Quoted;
                            self.newlines_in_quote = 0;
                        }
                        i = j + 1;
                    }
                },
                State::Quoted => {
                    let end = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                    let inside = rest.get(..end).unwrap_or_default();
                    self.newlines_in_quote += memchr::memchr_iter(b'\n', inside).count() as u64;
                    if end < rest.len() {
                        self.state = State::QuoteInQuoted;
                    }
                    i += end + 1;
                }
                State::QuoteInQuoted => {
                    if rest.first() == Some(&b'"') {
                        self.state = State::Quoted;
                        i += 1;
                    } else {
                        self.state = State::Unquoted;
                    }
                }
            }
        }
        if let Some(&last) = buf.last() {
            self.prev = last;
        }
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        if n == 0 && !out.is_empty() {
            self.eof = true;
        }
        self.scan(out.get(..n).unwrap_or_default());
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `input` in chunks of `size` bytes; the open-quote result at the end.
    fn run(input: &[u8], size: usize) -> Option<u64> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut t = QuoteTracker::new(Chunks(input, size));
        std::io::copy(&mut t, &mut std::io::sink()).unwrap();
        t.open_at_eof()
    }

    #[test]
    fn open_quotes_at_the_end_are_found_in_any_chunking() {
        let cases: [(&[u8], Option<u64>); 9] = [
            (b"a,b\n1,\"x\"\n", None),
            (b"a,b\n1,\"x\ny\"\"z\"\n", None),
            (b"a,b\n1,\"x\n2,y\n3,z\n", Some(3)),
            (b"a,b\n1,5\" screen\n", None),
            (b"a,b\n1, \"x\n", None),
            (b"\xef\xbb\xbf\"a\",b\n1,2\n", None),
            (b"\xef\xbb\xbf\"a,b\n1,2\n", Some(2)),
            (b"a,b\r\n\"1,2\r\n", Some(1)),
            (b"a,b\n1,\"\"\"\n", Some(1)),
        ];
        for (input, want) in cases {
            for size in [1, 2, 3, 7, 1 << 20] {
                assert_eq!(
                    run(input, size),
                    want,
                    "{:?} in chunks of {size}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }
}
