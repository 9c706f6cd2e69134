//! The RFC 4180 reader shared by the CSV import: bytes → UTF-8 text → records of fields,
//! each with the physical line it starts on.
//!
//! Quoted fields with commas, doubled quotes and line breaks; LF or CRLF; a UTF-8
//! byte-order mark; a last line without a line break; blank lines skipped. A record that
//! spans lines is named by its first line. A file that is GBK or UTF-16 rather than UTF-8
//! is named as such.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use super::error::{InputError, InputErrorKind, Location};

/// One record of a CSV input: the physical line it starts on and its fields.
pub(crate) type Line = (u64, Vec<String>);

/// Reads all of `reader` and splits it into records; `input` names it in errors.
#[cfg(test)]
pub(crate) fn read_lines(input: &Arc<str>, reader: impl Read) -> Result<Vec<Line>, InputError> {
    CsvRecords::new(input, reader).collect()
}

/// The records of a CSV input, read as they are needed: the input is never held whole.
///
/// The errors are those of reading it whole, in the same order of precedence: a read
/// error first, then the first byte that is not UTF-8 (named GBK or UTF-16 when the whole
/// input looks so), then the first malformed record. So when one of these turns up, the
/// rest of the input is read (and dropped) to see whether an error that comes first is
/// further on; [`CsvRecords::finish`] does the same for an error the caller found in a
/// record (a bad value, a refused record), which any of these outranks.
pub(crate) struct CsvRecords<R> {
    input: Arc<str>,
    reader: BufReader<R>,
    /// The physical line the next line read is.
    line: u64,
    /// Bytes of the current physical line.
    bytes: Vec<u8>,
    /// Text of the record being gathered (lines until its quotes balance), and its first
    /// line.
    chunk: String,
    chunk_line: u64,
    quotes: usize,
    gbk: GbkScan,
    ready: VecDeque<Line>,
    done: bool,
}

/// [`looks_gbk`] over an input read in pieces.
#[derive(Default)]
struct GbkScan {
    pairs: usize,
    lead: bool,
    failed: bool,
}

impl GbkScan {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.failed {
                return;
            }
            if self.lead {
                self.lead = false;
                if (0x40..=0xFE).contains(&b) && b != 0x7F {
                    self.pairs += 1;
                } else {
                    self.failed = true;
                }
            } else if b >= 0x80 {
                if (0x81..=0xFE).contains(&b) {
                    self.lead = true;
                } else {
                    self.failed = true;
                }
            }
        }
    }

    fn verdict(&self) -> bool {
        !self.failed && !self.lead && self.pairs > 0
    }
}

impl<R: Read> CsvRecords<R> {
    pub(crate) fn new(input: &Arc<str>, reader: R) -> CsvRecords<R> {
        CsvRecords {
            input: Arc::clone(input),
            reader: BufReader::with_capacity(1 << 16, reader),
            line: 1,
            bytes: Vec::new(),
            chunk: String::new(),
            chunk_line: 1,
            quotes: 0,
            gbk: GbkScan::default(),
            ready: VecDeque::new(),
            done: false,
        }
    }

    fn at(&self, line: u64, kind: InputErrorKind) -> InputError {
        InputError::new(Location::new(Arc::clone(&self.input)).line(line), kind)
    }

    /// Reads the next physical line (`false` at the end) and checks its encoding; with
    /// `keep`, adds its text to the record being gathered.
    fn read_line(&mut self, keep: bool) -> Result<bool, InputError> {
        self.bytes.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.bytes)
            .map_err(|e| InputError::new(Location::new(Arc::clone(&self.input)), e.into()))?;
        if n == 0 {
            return Ok(false);
        }
        let mut start = 0;
        if self.line == 1 {
            if self.bytes.starts_with(&[0xFF, 0xFE]) || self.bytes.starts_with(&[0xFE, 0xFF]) {
                return Err(self.at(1, InputErrorKind::Utf16));
            }
            if self.bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                start = 3;
            }
        }
        let line = self.bytes.get(start..).unwrap_or_default();
        self.gbk.feed(line);
        let text = std::str::from_utf8(line);
        if let (true, Ok(text)) = (keep, text) {
            if self.chunk.is_empty() {
                self.chunk_line = self.line;
            }
            self.quotes += memchr::memchr_iter(b'"', text.as_bytes()).count();
            self.chunk.push_str(text);
        }
        if let Err(e) = text {
            // `valid_up_to` is the offset of the first byte that is not UTF-8: in the line.
            let bad = line.get(e.valid_up_to()).copied().unwrap_or_default();
            let at = self.line;
            // Whether the input is GBK depends on all of it.
            self.drain_bytes()?;
            let kind = if self.gbk.verdict() {
                InputErrorKind::Gbk
            } else {
                InputErrorKind::NotUtf8(bad)
            };
            return Err(self.at(at, kind));
        }
        Ok(true)
    }

    /// Reads the rest of the input for the GBK verdict and read errors.
    fn drain_bytes(&mut self) -> Result<(), InputError> {
        loop {
            self.bytes.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.bytes)
                .map_err(|e| InputError::new(Location::new(Arc::clone(&self.input)), e.into()))?;
            if n == 0 {
                return Ok(());
            }
            self.gbk.feed(&self.bytes);
        }
    }

    /// Reads the rest of the input for errors that outrank a malformed record.
    fn drain_lines(&mut self) -> Result<(), InputError> {
        while self.read_line(false)? {
            self.line = self.line.saturating_add(1);
        }
        Ok(())
    }

    /// Reads lines until at least one record is ready or the input ends.
    fn fill(&mut self) -> Result<(), InputError> {
        while self.ready.is_empty() && !self.done {
            let more = self.read_line(true)?;
            if more {
                self.line = self.line.saturating_add(1);
                if self.quotes % 2 == 1 {
                    continue;
                }
            } else {
                self.done = true;
                if self.chunk.is_empty() {
                    break;
                }
            }
            if self.quotes == 0 {
                // One line without quotes: its fields are what lies between the commas.
                self.ready.extend(split_plain(&self.chunk, self.chunk_line));
                self.chunk.clear();
                continue;
            }
            match split_records_from(&self.input, &self.chunk, self.chunk_line) {
                Ok(records) => self.ready.extend(records),
                Err(e) => {
                    self.drain_lines()?;
                    return Err(e);
                }
            }
            self.chunk.clear();
            self.quotes = 0;
        }
        Ok(())
    }

    /// Reads the rest of the input after the caller found an error in a record: the
    /// error that outranks it, if the rest of the input has one.
    pub(crate) fn finish(&mut self) -> Option<InputError> {
        loop {
            self.ready.clear();
            if self.done {
                return None;
            }
            if let Err(e) = self.fill() {
                return Some(e);
            }
        }
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Result<Line, InputError>;

    fn next(&mut self) -> Option<Result<Line, InputError>> {
        if let Err(e) = self.fill() {
            self.done = true;
            self.ready.clear();
            self.chunk.clear();
            return Some(Err(e));
        }
        self.ready.pop_front().map(Ok)
    }
}

/// [`split_records_from`] for one line without quotes, as it would split it: the fields
/// between commas, without the line end (LF or CRLF); `None` for a blank line.
fn split_plain(text: &str, line: u64) -> Option<Line> {
    let body = match text.strip_suffix('\n') {
        Some(b) => b.strip_suffix('\r').unwrap_or(b),
        None => text,
    };
    let fields: Vec<String> = body.split(',').map(str::to_owned).collect();
    let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty());
    (!blank).then_some((line, fields))
}

/// Splits text into records of fields, each with the physical line it starts on; blank
/// lines are skipped.
#[cfg(test)]
pub(crate) fn split_records(input: &Arc<str>, text: &str) -> Result<Vec<Line>, InputError> {
    split_records_from(input, text, 1)
}

/// [`split_records`] for text that starts on line `first_line` of its input.
fn split_records_from(
    input: &Arc<str>,
    text: &str,
    first_line: u64,
) -> Result<Vec<Line>, InputError> {
    let at = |line: u64, kind| InputError::new(Location::new(Arc::clone(input)).line(line), kind);
    let mut out = Vec::new();
    let mut line = first_line;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false; // the current field began with a quote
        let mut in_quotes = false;
        let mut after_quote = false; // a quoted field has closed
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => {
                        in_quotes = false;
                        after_quote = true;
                    }
                    '\n' => {
                        line = line.saturating_add(1);
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    (quoted, after_quote) = (false, false);
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line = line.saturating_add(1);
                    break;
                }
                '"' if field.is_empty() && !quoted => {
                    quoted = true;
                    in_quotes = true;
                }
                _ if after_quote || c == '"' => {
                    return Err(at(line, InputErrorKind::StrayQuote));
                }
                _ => field.push(c),
            }
        }
        if in_quotes {
            return Err(at(start, InputErrorKind::UnclosedQuote));
        }
        fields.push(field);
        let blank =
            fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()) && !quoted;
        if !blank {
            out.push((start, fields));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<Line>, InputError> {
        split_records(&Arc::from("t.csv"), text)
    }

    #[test]
    fn quoted_fields_crlf_and_truncated_last_line() {
        let r = split("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n\n3,4").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[1],
            (2, vec!["x, \"y\"".to_owned(), "two\nlines".to_owned()])
        );
        assert_eq!(r[2], (5, vec!["3".to_owned(), "4".to_owned()]));
        assert_eq!(
            split("a,\"b\n").unwrap_err().to_string(),
            "t.csv line 1: quoted field is not closed before the end of the file"
        );
        assert!(matches!(
            split("a,b\"c\n").unwrap_err().kind(),
            InputErrorKind::StrayQuote
        ));
        assert!(matches!(
            split("a,\"b\"c\n").unwrap_err().kind(),
            InputErrorKind::StrayQuote
        ));
        assert_eq!(
            split("a,\"\"\n").unwrap(),
            vec![(1, vec!["a".to_owned(), String::new()])]
        );
    }

    fn read(name: &str, bytes: &[u8]) -> Result<Vec<Line>, InputError> {
        read_lines(&Arc::from(name), bytes)
    }

    #[test]
    fn encodings_are_named() {
        // "北海" in GBK.
        let gbk = [b'a', b',', 0xB1, 0xB1, 0xBA, 0xA3, b'\n'];
        assert!(matches!(
            read("g.csv", &gbk).unwrap_err().kind(),
            InputErrorKind::Gbk
        ));
        assert!(matches!(
            read("u.csv", &[0xFF, 0xFE, b'a', 0]).unwrap_err().kind(),
            InputErrorKind::Utf16
        ));
        assert_eq!(
            read("x.csv", &[b'a', b'\n', 0xFF]).unwrap_err().to_string(),
            "x.csv line 2: not UTF-8: invalid byte 0xFF"
        );
        assert_eq!(
            read("b.csv", "\u{feff}a".as_bytes()).unwrap(),
            vec![(1, vec!["a".to_owned()])]
        );
    }

    #[test]
    fn lines_without_quotes_split_as_the_general_splitter_does() {
        for text in [
            "a,b\n", "a,b\r\n", "a\r", "a\r\r\n", "\r\n", " \n", ",\n", "x",
        ] {
            let general = split_records(&Arc::from("t.csv"), text).unwrap();
            assert_eq!(
                split_plain(text, 1).into_iter().collect::<Vec<_>>(),
                general,
                "{text:?}"
            );
        }
    }

    #[test]
    fn errors_keep_their_precedence_when_read_in_pieces() {
        // A later bad byte outranks an earlier malformed record, as when read whole; a
        // later GBK byte pair names the whole input.
        let text = b"a,b\"c\nok\n\xB1\xB1\n";
        assert!(matches!(
            read("p.csv", text).unwrap_err().kind(),
            InputErrorKind::Gbk
        ));
        let text = b"a,b\"c\nok\n\xFF\n";
        assert_eq!(
            read("p.csv", text).unwrap_err().to_string(),
            "p.csv line 3: not UTF-8: invalid byte 0xFF"
        );
        // A record's quoted line break; the next record starts two lines on.
        assert_eq!(
            read("q.csv", b"\"x\ny\",1\n2,3").unwrap(),
            vec![
                (1, vec!["x\ny".to_owned(), "1".to_owned()]),
                (3, vec!["2".to_owned(), "3".to_owned()])
            ]
        );
        // An error found in a record is outranked by a malformed record further on.
        let mut records = CsvRecords::new(&Arc::from("f.csv"), &b"a\nb\nc\"d\n"[..]);
        assert!(records.next().is_some());
        assert!(matches!(
            records.finish().map(|e| e.kind().clone()),
            Some(InputErrorKind::StrayQuote)
        ));
    }

    #[test]
    fn a_failing_reader_is_named() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk gone"))
            }
        }
        let err = read_lines(&Arc::from("r.csv"), Broken).unwrap_err();
        assert_eq!(err.to_string(), "r.csv: cannot read: disk gone");
    }
}
