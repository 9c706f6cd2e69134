//! The RFC 4180 reader shared by the CSV import: bytes → UTF-8 text → records of fields,
//! each with the physical line it starts on.
//!
//! Quoted fields with commas, doubled quotes and line breaks; LF or CRLF; a UTF-8
//! byte-order mark; a last line without a line break; blank lines skipped. A record that
//! spans lines is named by its first line. Headers, records and fields have caps
//! ([`MAX_HEADER`], [`MAX_COLUMNS`], [`MAX_LINE`], [`MAX_FIELD`]). A file that is GBK or UTF-16 rather than UTF-8
//! is named as such.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use super::error::{InputError, InputErrorKind, Location};
use crate::error::start_of;

/// One record of a CSV input: the physical line it starts on and its fields.
pub(crate) type Line = (u64, Vec<String>);

/// The longest header the reader takes, in bytes (without its line end): 64 KiB, a
/// thousand long Chinese column names.
pub(crate) const MAX_HEADER: usize = 64 << 10;

/// The most columns a header may have.
pub(crate) const MAX_COLUMNS: usize = 1024;

/// The longest record the reader takes, in bytes (without its line end; with the line
/// breaks inside quoted fields): 1 MiB.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// The longest field the reader takes, in bytes: 64 KiB (names and notes are free text;
/// ids, codes and amounts are far shorter).
pub(crate) const MAX_FIELD: usize = 64 << 10;

/// The most blank lines an input may have (as on the bulk path): an input of nothing but
/// line ends would otherwise be read for ever.
pub(crate) const MAX_BLANK_LINES: u64 = 1 << 16;

/// Counts a blank line at `line`: an error past [`MAX_BLANK_LINES`].
fn count_blank(input: &Arc<str>, blank: &mut u64, line: u64) -> Result<(), InputError> {
    *blank += 1;
    if *blank > MAX_BLANK_LINES {
        return Err(InputError::new(
            Location::new(Arc::clone(input)).line(line),
            InputErrorKind::TooManyBlankLines {
                limit: MAX_BLANK_LINES,
            },
        ));
    }
    Ok(())
}

/// The error for a record over its cap ([`MAX_HEADER`] for the input's first record, else
/// [`MAX_LINE`]), quoting its start.
fn too_long(input: &Arc<str>, line: u64, header: bool, text: &str) -> InputError {
    let start = start_of(text.as_bytes());
    let kind = if header {
        InputErrorKind::HeaderTooLong {
            limit: MAX_HEADER,
            start,
        }
    } else {
        InputErrorKind::LineTooLong {
            limit: MAX_LINE,
            start,
        }
    };
    InputError::new(Location::new(Arc::clone(input)).line(line), kind)
}

/// Reads all of `reader`, decodes it and splits it into records; `input` names it in
/// errors. Returns the records and the encoding found.
pub(crate) fn read_lines(
    input: &Arc<str>,
    reader: impl Read,
) -> Result<(Vec<Line>, &'static str), InputError> {
    let io = |e: std::io::Error| InputError::new(Location::new(Arc::clone(input)), e.into());
    // The first line first, as the streamed reader reads it: what it shows the input to be
    // comes before a read error further on.
    let mut reader = BufReader::new(reader);
    let mut bytes = Vec::new();
    Read::take(&mut reader, SNIFF_WINDOW as u64)
        .read_until(b'\n', &mut bytes)
        .map_err(io)?;
    if let Some(kind) = sniff(&bytes) {
        return Err(InputError::new(
            Location::new(Arc::clone(input)).line(1),
            kind,
        ));
    }
    reader.read_to_end(&mut bytes).map_err(io)?;
    let (text, encoding) = decode(input, &bytes, 1)?;
    Ok((split_records_from(input, &text, 1, true, &mut 0)?, encoding))
}

/// The text of a CSV input and the name of its encoding: UTF-8 (with or without a
/// byte-order mark), UTF-16 with a byte-order mark, or GBK (what Excel and WPS save on
/// Chinese Windows, decoded as GB18030, its superset). GBK is tried only when the first line
/// beyond ASCII does not show UTF-8 ([`shows_utf8`]), as the streamed reader decides. Bytes
/// that are none of these are an error naming the line of the first bad byte.
pub(crate) fn decode<'b>(
    input: &Arc<str>,
    bytes: &'b [u8],
    first_line: u64,
) -> Result<(Cow<'b, str>, &'static str), InputError> {
    let at = |line: u64, kind| {
        let line = line.saturating_add(first_line - 1);
        InputError::new(Location::new(Arc::clone(input)).line(line), kind)
    };
    // Byte-order marks only at the start of the input (text from a later line on is decoded
    // as part of the whole).
    let start = first_line == 1;
    if let Some((enc, name)) = utf16_mark(bytes).filter(|_| start) {
        let (text, had_errors) = enc.decode_with_bom_removal(bytes.get(2..).unwrap_or_default());
        if had_errors {
            return Err(at(1, InputErrorKind::Utf16));
        }
        return Ok((text, name));
    }
    if let Some(rest) = bytes.strip_prefix(BOM).filter(|_| start) {
        return utf8(rest)
            .map(|t| (Cow::Borrowed(t), "UTF-8 with BOM"))
            .map_err(|(line, b)| at(line, InputErrorKind::NotUtf8(b)));
    }
    match utf8(bytes) {
        Ok(t) => Ok((Cow::Borrowed(t), "UTF-8")),
        Err((line, bad)) => {
            // The first line with a byte beyond ASCII decides, as the streamed reader
            // decides it: when that line is UTF-8, so is the input, and GBK is not tried.
            if !first_wide_line_is_utf8(bytes) && looks_gbk(bytes) {
                let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
                if !had_errors {
                    return Ok((text, "GBK"));
                }
            }
            Err(at(line, InputErrorKind::NotUtf8(bad)))
        }
    }
}

/// How much of an input's first line [`sniff`] looks at: what the streamed reader reads of
/// a header before it calls the header too long ([`MAX_HEADER`], a byte-order mark, a line
/// end and one byte more), so every reader judges the same bytes.
pub(crate) const SNIFF_WINDOW: usize = MAX_HEADER + 6;

/// What the first line of an input (its bytes as read, with or without the line end; at
/// most [`SNIFF_WINDOW`] bytes are looked at) shows it to be instead of CSV text, for both
/// CSV readers (this one and the bulk path), before they look at columns: UTF-32 (its
/// byte-order mark, or code units of four bytes); UTF-16 without a byte-order mark (ASCII
/// characters as two bytes, one of them NUL); a spreadsheet (a zip archive, as an `.xlsx`
/// workbook is, or an Excel 97–2003 `.xls`); two UTF-8 byte-order marks; lines that end in
/// a carriage return alone. A UTF-16 byte-order mark ([`utf16_mark`]) is each reader's own
/// matter: CSV import decodes the file, the bulk path names it.
pub(crate) fn sniff(first: &[u8]) -> Option<InputErrorKind> {
    let first = first.get(..SNIFF_WINDOW).unwrap_or(first);
    if utf32(first) {
        return Some(InputErrorKind::Utf32);
    }
    if utf16_mark(first).is_some() {
        return None;
    }
    if [&b"PK\x03\x04"[..], b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|m| first.starts_with(m))
    {
        return Some(InputErrorKind::ZipArchive);
    }
    if first.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some(InputErrorKind::XlsWorkbook);
    }
    let text = first.strip_prefix(BOM).unwrap_or(first);
    if text.starts_with(BOM) {
        return Some(InputErrorKind::TwoByteOrderMarks);
    }
    if text.contains(&0) {
        // UTF-16 without a mark, or bytes that are not text: nothing more to say about
        // the line ends of either.
        return utf16_without_mark(text).then_some(InputErrorKind::Utf16);
    }
    // Carriage returns before the line end are line ends themselves (`\r\r\n`, as a CSV
    // writer on Windows leaves them, is one line end), unless the header is quoted (a
    // quoted header cell may hold one).
    let line = text.strip_suffix(b"\n").unwrap_or(text);
    let end = line.iter().rposition(|&b| b != b'\r').map_or(0, |i| i + 1);
    let line = line.get(..end).unwrap_or(line);
    if memchr::memchr(b'\r', line).is_some() && memchr::memchr(b'"', line).is_none() {
        return Some(InputErrorKind::CarriageReturns);
    }
    None
}

/// The encoding named by a UTF-16 byte-order mark at the start of `bytes` (not UTF-32's,
/// which begins with UTF-16's little-endian mark), and its name.
pub(crate) fn utf16_mark(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        None
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        Some((encoding_rs::UTF_16LE, "UTF-16LE"))
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some((encoding_rs::UTF_16BE, "UTF-16BE"))
    } else {
        None
    }
}

/// UTF-32 (either byte order): its byte-order mark, or two or more four-byte code units
/// with NUL in the top byte and a plane of at most 16 in the next, none of them U+0000.
fn utf32(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return true;
    }
    let units = |top: usize, plane: usize| {
        bytes.len() >= 8
            && bytes.chunks_exact(4).all(|u| {
                u.get(top) == Some(&0)
                    && u.get(plane).is_some_and(|&p| p <= 0x10)
                    && u.iter().any(|&b| b != 0)
            })
    };
    units(3, 2) || units(0, 1)
}

/// UTF-16 without a byte-order mark (either byte order): two or more code units that are an
/// ASCII character and a NUL, and no unit of two NULs. Chinese characters have no NUL byte,
/// so a header of Chinese names is found by its commas.
fn utf16_without_mark(bytes: &[u8]) -> bool {
    let ascii = |b: u8| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let units = |high: usize| {
        let mut ascii_units = 0;
        for u in bytes.chunks_exact(2) {
            let (Some(&hi), Some(&lo)) = (u.get(high), u.get(1 - high)) else {
                return false;
            };
            if hi == 0 {
                if !ascii(lo) {
                    return false;
                }
                ascii_units += 1;
            }
        }
        ascii_units >= 2
    };
    units(1) || units(0)
}

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether the first line holding a byte beyond ASCII shows the input to be UTF-8
/// ([`shows_utf8`]); `true` when every byte is ASCII.
fn first_wide_line_is_utf8(bytes: &[u8]) -> bool {
    let Some(wide) = bytes.iter().position(|b| !b.is_ascii()) else {
        return true;
    };
    let (before, after) = bytes.split_at(wide);
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', after).map_or(bytes.len(), |i| wide + i + 1);
    bytes.get(start..end).is_some_and(shows_utf8)
}

/// Whether a line (the first of an input holding a byte beyond ASCII) shows the input to be
/// UTF-8, judged on its first [`SNIFF_WINDOW`] bytes, which the streamed reader always holds
/// (a character cut at the end of them aside): they are UTF-8 and hold a character of three
/// or four bytes, as Chinese text in UTF-8 does. A line of two-byte sequences alone may be
/// GBK (`实施` in GBK reads as UTF-8 `ʵʩ`), so the reader decides on the whole input then.
fn shows_utf8(line: &[u8]) -> bool {
    let line = line.get(..SNIFF_WINDOW).unwrap_or(line);
    let utf8 = match std::str::from_utf8(line) {
        Ok(_) => true,
        // Cut inside a character at the end of the window (not a bad byte).
        Err(e) => e.error_len().is_none() && line.len() == SNIFF_WINDOW,
    };
    utf8 && line.iter().any(|&b| b >= 0xE0)
}

/// The bytes as UTF-8, or the line and value of the first byte that is not.
fn utf8(bytes: &[u8]) -> Result<&str, (u64, u8)> {
    std::str::from_utf8(bytes).map_err(|e| {
        let (good, rest) = bytes.split_at(e.valid_up_to().min(bytes.len()));
        let breaks = memchr::memchr_iter(b'\n', good).count() as u64;
        // `valid_up_to` is the offset of a byte of the input, so `rest` is not empty.
        (breaks + 1, rest.first().copied().unwrap_or_default())
    })
}

/// Whether every non-ASCII byte pairs into a GBK double-byte character (lead 0x81–0xFE,
/// trail 0x40–0xFE except 0x7F) and there is at least one.
pub(crate) fn looks_gbk(bytes: &[u8]) -> bool {
    let mut pairs = 0usize;
    let mut it = bytes.iter();
    while let Some(&b) = it.next() {
        if b < 0x80 {
            continue;
        }
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        match it.next() {
            Some(&t) if (0x40..=0xFE).contains(&t) && t != 0x7F => pairs += 1,
            _ => return false,
        }
    }
    pairs > 0
}

/// The records of a CSV input read line by line, for [`import_csv`](super::import_csv):
/// an input that is ASCII, or UTF-8 (with a byte-order mark, or whose first line beyond
/// ASCII shows it, [`shows_utf8`]), is never held whole.
///
/// It reads what [`read_lines`] reads, to the same records and the same first error. An
/// input with a UTF-16 byte-order mark is left to [`read_lines`] ([`Start::Whole`]). From
/// a first line beyond ASCII that does not show UTF-8 (GBK, say), the rest is read whole
/// and decoded as [`decode`] would decode the whole input (the lines before it are ASCII,
/// the same in UTF-8 and GBK). Errors keep the precedence of reading whole:
/// when a line is malformed, or the caller finds a row bad or a record refused
/// ([`CsvStream::finish`]), the rest is read to see whether a read error, an encoding error
/// or a malformed line further on comes first — except past a cap ([`MAX_HEADER`],
/// [`MAX_LINE`]): a line is read only as far as shows it over its cap, and the stream stops
/// there (the rest may be endless).
pub(crate) struct CsvStream<R> {
    input: Arc<str>,
    reader: BufReader<R>,
    /// The physical line the next line read is.
    line: u64,
    bytes: Vec<u8>,
    /// Text of the record being gathered (lines until its quotes balance), its first line
    /// and its quotes.
    chunk: String,
    chunk_line: u64,
    quotes: usize,
    /// The input is UTF-8 throughout: it began with a UTF-8 byte-order mark, or its first
    /// line beyond ASCII shows it to be UTF-8 ([`shows_utf8`]).
    utf8: bool,
    ready: VecDeque<Line>,
    /// `chunk` holds one line without quotes, ready, which starts on this line: its
    /// fields are lent out by [`CsvStream::next_with`] without a `String` each.
    plain: Option<u64>,
    done: bool,
    /// No record is taken yet: the next is the header ([`MAX_HEADER`]).
    header: bool,
    /// Blank lines so far ([`MAX_BLANK_LINES`]).
    blank: u64,
}

/// The fields of one record as [`CsvStream::next_with`] lends them.
#[derive(Clone, Copy)]
pub(crate) enum Fields<'a> {
    /// A line without quotes, without its line end: the fields are what lies between the
    /// commas.
    Plain(&'a str),
    /// A record split by the RFC 4180 splitter.
    Split(&'a [String]),
}

/// How [`CsvStream::open`] found an input.
pub(crate) enum Start<R> {
    Stream(CsvStream<R>),
    /// UTF-16: to be read whole, from these bytes on.
    Whole(std::io::Chain<std::io::Cursor<Vec<u8>>, BufReader<R>>),
}

impl<R: Read> CsvStream<R> {
    pub(crate) fn open(input: &Arc<str>, reader: R) -> Result<Start<R>, InputError> {
        let mut s = CsvStream {
            input: Arc::clone(input),
            reader: BufReader::with_capacity(1 << 16, reader),
            line: 1,
            bytes: Vec::new(),
            chunk: String::new(),
            chunk_line: 1,
            quotes: 0,
            utf8: false,
            ready: VecDeque::new(),
            plain: None,
            done: false,
            header: true,
            blank: 0,
        };
        s.read_physical()?;
        if let Some(kind) = sniff(&s.bytes) {
            return Err(InputError::new(
                Location::new(Arc::clone(input)).line(1),
                kind,
            ));
        }
        if utf16_mark(&s.bytes).is_some() {
            let first = std::mem::take(&mut s.bytes);
            return Ok(Start::Whole(std::io::Cursor::new(first).chain(s.reader)));
        }
        if s.bytes.starts_with(BOM) {
            s.utf8 = true;
            s.bytes.drain(..3);
        }
        s.take_line()?;
        Ok(Start::Stream(s))
    }

    fn io_error(&self, e: std::io::Error) -> InputError {
        InputError::new(Location::new(Arc::clone(&self.input)), e.into())
    }

    /// The cap on the record being read: [`MAX_HEADER`] for the header, else
    /// [`MAX_LINE`].
    fn limit(&self) -> usize {
        if self.header { MAX_HEADER } else { MAX_LINE }
    }

    /// Reads the next physical line into `bytes`, or as much of it as shows it over the
    /// cap (a byte-order mark, a line end and one byte more); `false` at the end.
    fn read_physical(&mut self) -> Result<bool, InputError> {
        self.bytes.clear();
        let most = (self.limit() + 6) as u64;
        let n = Read::take(&mut self.reader, most)
            .read_until(b'\n', &mut self.bytes)
            .map_err(|e| self.io_error(e))?;
        Ok(n > 0)
    }

    /// The records split from `text` (starting on `line`) taken as ready.
    fn split(&mut self, text: &str, line: u64) -> Result<(), InputError> {
        let records = split_records_from(&self.input, text, line, self.header, &mut self.blank)?;
        self.header &= records.is_empty();
        self.ready.extend(records);
        Ok(())
    }

    /// The rest of the input after `bytes` (the line read last), whole.
    fn rest(&mut self) -> Result<Vec<u8>, InputError> {
        let mut rest = std::mem::take(&mut self.bytes);
        self.reader
            .read_to_end(&mut rest)
            .map_err(|e| self.io_error(e))?;
        Ok(rest)
    }

    /// An encoding error in `rest` (starting on the current line), as [`decode`] finds it.
    fn encoding_error(&self, rest: &[u8]) -> Option<InputError> {
        if self.utf8 {
            utf8(rest).err().map(|(line, bad)| {
                let at =
                    Location::new(Arc::clone(&self.input)).line(line.saturating_add(self.line - 1));
                InputError::new(at, InputErrorKind::NotUtf8(bad))
            })
        } else if rest.is_ascii() {
            None
        } else {
            decode(&self.input, rest, self.line).err()
        }
    }

    /// The record being gathered in `chunk` (its quotes `open` or not) within its cap; over
    /// it, the splitter names what comes first in the record (a stray quote, or the cap),
    /// and past the cap the rest of the input is not read.
    fn check_cap(&mut self, open: bool) -> Result<(), InputError> {
        let body = if open {
            self.chunk.len()
        } else {
            body_len(&self.chunk)
        };
        if body <= self.limit() {
            return Ok(());
        }
        let e = split_records_from(
            &self.input,
            &self.chunk,
            self.chunk_line,
            self.header,
            &mut self.blank.clone(),
        )
        .err()
        .unwrap_or_else(|| too_long(&self.input, self.chunk_line, self.header, &self.chunk));
        if matches!(
            e.kind(),
            InputErrorKind::HeaderTooLong { .. } | InputErrorKind::LineTooLong { .. }
        ) {
            return Err(e);
        }
        self.bytes.clear();
        let rest = self.rest()?;
        Err(self.encoding_error(&rest).unwrap_or(e))
    }

    /// Takes the line in `bytes` into the record being gathered, and splits the record
    /// when its quotes balance (or at the end of the input).
    fn take_line(&mut self) -> Result<(), InputError> {
        if self.bytes.is_empty() {
            self.done = true;
            if !self.chunk.is_empty() {
                let chunk = std::mem::take(&mut self.chunk);
                self.split(&chunk, self.chunk_line)?;
            }
            return Ok(());
        }
        if self.chunk.is_empty() && self.quotes == 0 {
            // The commonest line: no quotes, ASCII (or anything once the input is known to
            // be UTF-8), starting a record. One look at its bytes, and it becomes the record's
            // text without a copy; what follows is what the general path below does with
            // such a line.
            let utf8 = self.utf8;
            // Without short-circuits, so that the look is one vectorised pass.
            #[expect(
                clippy::needless_bitwise_bool,
                reason = "no branch per byte: the loop vectorises"
            )]
            let plain = self
                .bytes
                .iter()
                .fold(true, |ok, &b| ok & (b != b'"') & (utf8 | b.is_ascii()));
            if plain {
                match String::from_utf8(std::mem::take(&mut self.bytes)) {
                    Ok(text) => {
                        self.bytes = std::mem::replace(&mut self.chunk, text).into_bytes();
                        self.chunk_line = self.line;
                        self.line = self.line.saturating_add(1);
                        if body_len(&self.chunk) > self.limit() {
                            let (input, header) = (&self.input, self.header);
                            return Err(too_long(input, self.chunk_line, header, &self.chunk));
                        }
                        if plain_body(&self.chunk).is_some() {
                            self.plain = Some(self.chunk_line);
                            self.header = false;
                        } else {
                            self.chunk.clear();
                            count_blank(&self.input, &mut self.blank, self.chunk_line)?;
                        }
                        return Ok(());
                    }
                    // Not UTF-8 where UTF-8 is known: the general path names it.
                    Err(e) => self.bytes = e.into_bytes(),
                }
            }
        }
        if !self.utf8 && !self.bytes.is_ascii() && shows_utf8(&self.bytes) {
            // The first line beyond ASCII is UTF-8: so is the input (as `decode` decides),
            // read on line by line; a later byte that is not UTF-8 is an error.
            self.utf8 = true;
        }
        if self.utf8 && self.bytes.len() >= self.limit() + 6 && !self.bytes.ends_with(b"\n") {
            // A line read only as far as shows it over its cap may end inside a character:
            // that character goes, and the line is named as too long below.
            if let Err(e) = std::str::from_utf8(&self.bytes) {
                if e.error_len().is_none() {
                    self.bytes.truncate(e.valid_up_to());
                }
            }
        }
        if !self.utf8 && !self.bytes.is_ascii() {
            return self.split_rest_whole();
        }
        let Ok(text) = std::str::from_utf8(&self.bytes) else {
            // Only once the input is known to be UTF-8 (other non-ASCII lines went whole
            // above): the rest begins with this line, so its encoding error is found.
            let rest = self.rest()?;
            let line = self.line;
            return Err(self.encoding_error(&rest).unwrap_or_else(|| {
                debug_assert!(false, "a line that is not UTF-8 starts the rest");
                InputError::new(
                    Location::new(Arc::clone(&self.input)).line(line),
                    InputErrorKind::NotUtf8(0),
                )
            }));
        };
        if self.chunk.is_empty() {
            self.chunk_line = self.line;
        }
        self.quotes += memchr::memchr_iter(b'"', text.as_bytes()).count();
        self.chunk.push_str(text);
        self.line = self.line.saturating_add(1);
        let open = self.quotes % 2 == 1;
        self.check_cap(open)?;
        if open {
            return Ok(());
        }
        if self.quotes == 0 {
            // One line without quotes: its fields are what lies between the commas, lent
            // out from `chunk` (cleared when they are taken); a blank line is skipped.
            if plain_body(&self.chunk).is_some() {
                self.plain = Some(self.chunk_line);
                self.header = false;
                return Ok(());
            }
            count_blank(&self.input, &mut self.blank, self.chunk_line)?;
        } else {
            let chunk = std::mem::take(&mut self.chunk);
            let split = self.split(&chunk, self.chunk_line);
            // Its memory is kept for the next record.
            self.chunk = chunk;
            match split {
                Ok(()) => {}
                Err(e) => {
                    // An encoding or read error further on comes first.
                    self.bytes.clear();
                    let rest = self.rest()?;
                    return Err(self.encoding_error(&rest).unwrap_or(e));
                }
            }
        }
        self.chunk.clear();
        self.quotes = 0;
        Ok(())
    }

    /// From a first line beyond ASCII that is not UTF-8 (GBK, or bytes of no encoding):
    /// the rest decides the encoding, as the whole input would, and is split at once.
    fn split_rest_whole(&mut self) -> Result<(), InputError> {
        let rest = self.rest()?;
        let (text, _) = decode(&self.input, &rest, self.line)?;
        let start = if self.chunk.is_empty() {
            self.line
        } else {
            self.chunk_line
        };
        let mut all = std::mem::take(&mut self.chunk);
        all.push_str(&text);
        self.done = true;
        self.split(&all, start)
    }

    /// Reads lines until a record is ready or the input ends.
    fn fill(&mut self) -> Result<(), InputError> {
        while self.ready.is_empty() && self.plain.is_none() && !self.done {
            self.read_physical()?;
            self.take_line()?;
        }
        Ok(())
    }

    /// Reads the rest of the input after the caller found an error in a record: the
    /// error that outranks it, if the rest of the input has one.
    pub(crate) fn finish(&mut self) -> Option<InputError> {
        loop {
            self.ready.clear();
            if self.plain.take().is_some() {
                self.chunk.clear();
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill() {
                self.done = true;
                return Some(e);
            }
        }
    }
}

impl<R: Read> Iterator for CsvStream<R> {
    type Item = Result<Line, InputError>;

    fn next(&mut self) -> Option<Result<Line, InputError>> {
        if let Err(e) = self.fill() {
            self.done = true;
            self.ready.clear();
            return Some(Err(e));
        }
        if let Some(line) = self.plain.take() {
            let record = split_plain(&self.chunk, line);
            self.chunk.clear();
            return record.map(Ok);
        }
        self.ready.pop_front().map(Ok)
    }
}

impl<R: Read> CsvStream<R> {
    /// The next record, its first line and its fields lent to `f` (no `String` per field
    /// for a line without quotes); what [`Iterator::next`] gives, without the copies.
    pub(crate) fn next_with<T>(
        &mut self,
        f: impl FnOnce(u64, Fields<'_>) -> T,
    ) -> Option<Result<T, InputError>> {
        if let Err(e) = self.fill() {
            self.done = true;
            self.ready.clear();
            return Some(Err(e));
        }
        if let Some(line) = self.plain.take() {
            let out = plain_body(&self.chunk).map(|body| f(line, Fields::Plain(body)));
            self.chunk.clear();
            return out.map(Ok);
        }
        let (line, fields) = self.ready.pop_front()?;
        Some(Ok(f(line, Fields::Split(&fields))))
    }
}

/// The bytes of a record's text without its line end (LF or CRLF).
fn body_len(text: &str) -> usize {
    let end = if text.ends_with("\r\n") {
        2
    } else {
        usize::from(text.ends_with('\n'))
    };
    text.len() - end
}

/// A line without quotes, without its line end (LF or CRLF); `None` for a blank line.
fn plain_body(text: &str) -> Option<&str> {
    let body = match text.strip_suffix('\n') {
        Some(b) => b.strip_suffix('\r').unwrap_or(b),
        None => text,
    };
    let blank = !body.contains(',') && body.trim().is_empty();
    (!blank).then_some(body)
}

/// [`split_records_from`] for one line without quotes, as it would split it: the fields
/// between commas, without the line end (LF or CRLF); `None` for a blank line.
fn split_plain(text: &str, line: u64) -> Option<Line> {
    let body = plain_body(text)?;
    Some((line, body.split(',').map(str::to_owned).collect()))
}

/// Splits text that starts on line `first_line` of its input into records of fields,
/// each with the physical line it starts on; blank lines are skipped. `header`: the first
/// record of `text` is the input's first (capped at [`MAX_HEADER`], the others at
/// [`MAX_LINE`]); `blank` counts the blank lines of the input ([`MAX_BLANK_LINES`]).
fn split_records_from(
    input: &Arc<str>,
    text: &str,
    first_line: u64,
    mut header: bool,
    blank: &mut u64,
) -> Result<Vec<Line>, InputError> {
    let at = |line: u64, kind| InputError::new(Location::new(Arc::clone(input)).line(line), kind);
    let mut out = Vec::new();
    let mut line = first_line;
    let mut chars = text.char_indices().peekable();
    while let Some(&(record_start, _)) = chars.peek() {
        let start = line;
        let limit = if header { MAX_HEADER } else { MAX_LINE };
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false; // the current field began with a quote
        let mut in_quotes = false;
        let mut after_quote = false; // a quoted field has closed
        while let Some((i, c)) = chars.next() {
            // The record's bytes so far, line breaks inside quotes included, its own line
            // end not: at most `limit`.
            let end = i + c.len_utf8();
            let line_end =
                !in_quotes && (c == '\n' || c == '\r' && chars.peek().map(|p| p.1) == Some('\n'));
            if end - record_start > limit && !line_end {
                return Err(too_long(
                    input,
                    start,
                    header,
                    text.get(record_start..).unwrap_or_default(),
                ));
            }
            if in_quotes {
                match c {
                    '"' if chars.peek().map(|p| p.1) == Some('"') => {
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
                '\r' if chars.peek().map(|p| p.1) == Some('\n') => {}
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
        let is_blank =
            fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()) && !quoted;
        if is_blank {
            count_blank(input, blank, start)?;
        } else {
            out.push((start, fields));
            header = false;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<Line>, InputError> {
        split_records_from(&Arc::from("t.csv"), text, 1, true, &mut 0)
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

    #[test]
    fn sniff_names_what_a_file_is_and_passes_csv_text() {
        use InputErrorKind as K;
        let name = |b: &[u8]| sniff(b).map(|k| format!("{k:?}"));
        let utf16 = |t: &str, le: bool| -> Vec<u8> {
            t.encode_utf16()
                .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
                .collect()
        };
        let utf32 =
            |t: &str| -> Vec<u8> { t.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect() };
        for ok in [
            &b"id,date\n"[..],
            b"id,date\r\n",
            // What Python's csv module writes on Windows to a file opened without
            // newline='': one line end.
            b"id,date\r\r\n",
            b"\r\r\n",
            b"id,date",
            b"\xEF\xBB\xBFid,date\r\n",
            b"\xFF\xFEi\0d\0",
            b"\xFE\xFF\0i\0d",
            b"",
            b"\0",
            &[0; 64],
            b"PKid,date\n",
            // A quoted header cell may hold a carriage return.
            b"id,\"amount\ryuan\"\n",
            "编号,日期\n".as_bytes(),
        ] {
            assert_eq!(name(ok), None, "{ok:?}");
        }
        let k = |k: K| Some(format!("{k:?}"));
        assert_eq!(name(b"\xFF\xFE\0\0i\0\0\0"), k(K::Utf32));
        assert_eq!(name(b"\0\0\xFE\xFF\0\0\0i"), k(K::Utf32));
        assert_eq!(name(b"i\0\0\0d\0\0\0\n"), k(K::Utf32));
        assert_eq!(name(&utf32("编号,日期\r\n")), k(K::Utf32));
        assert_eq!(name(b"i\0d\0\n"), k(K::Utf16));
        assert_eq!(name(b"\0i\0d\0\n"), k(K::Utf16));
        // A header of Chinese names, found by its commas; its CRLF is not a CR alone.
        for le in [true, false] {
            assert_eq!(name(&utf16("编号,日期,金额（元）\r\n", le)), k(K::Utf16));
        }
        assert_eq!(name(b"PK\x03\x04"), k(K::ZipArchive));
        assert_eq!(name(b"PK\x05\x06"), k(K::ZipArchive));
        assert_eq!(
            name(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            k(K::XlsWorkbook)
        );
        assert_eq!(name(b"\xEF\xBB\xBF\xEF\xBB\xBFid"), k(K::TwoByteOrderMarks));
        assert_eq!(name(b"id,date\r1,2\r"), k(K::CarriageReturns));
        assert_eq!(name(b"id\rdate\r\n"), k(K::CarriageReturns));
        // Only the first SNIFF_WINDOW bytes count: a CR past them is not seen.
        let mut long = vec![b'x'; SNIFF_WINDOW];
        long.extend_from_slice(b"\ry\n");
        assert_eq!(name(&long), None);
        long.insert(10, b'\r');
        assert_eq!(name(&long), k(K::CarriageReturns));
    }

    #[test]
    fn encodings_are_decoded_and_named() {
        let d =
            |bytes: &[u8]| decode(&Arc::from("t.csv"), bytes, 1).map(|(t, e)| (t.into_owned(), e));
        // "北海" in GBK.
        let gbk = [b'a', b',', 0xB1, 0xB1, 0xBA, 0xA3, b'\n'];
        assert_eq!(d(&gbk).unwrap(), ("a,北海\n".to_owned(), "GBK"));
        assert_eq!(
            d(&[0xFF, 0xFE, b'a', 0, 0x17, 0x53]).unwrap(),
            ("a北".to_owned(), "UTF-16LE")
        );
        assert_eq!(
            d(&[0xFE, 0xFF, 0, b'a']).unwrap(),
            ("a".to_owned(), "UTF-16BE")
        );
        assert_eq!(
            d(&[b'a', b'\n', 0xFF]).unwrap_err().to_string(),
            "t.csv line 2: not UTF-8: invalid byte 0xFF"
        );
        assert_eq!(
            d("\u{feff}a".as_bytes()).unwrap(),
            ("a".to_owned(), "UTF-8 with BOM")
        );
        assert_eq!(d(b"a").unwrap(), ("a".to_owned(), "UTF-8"));
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
