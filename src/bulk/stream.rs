//! Streaming an input through worker threads in fixed-size chunks cut at line ends.
//!
//! Workers take turns at one shared reader: under a lock a worker copies the carried-over
//! partial line into its own buffer, fills the buffer from the reader, cuts it after the
//! last line end and leaves the tail for the next chunk; outside the lock it parses its
//! chunk into its own [`Acc`]. Chunks are numbered, so the first error in file order gets
//! its exact line number even though chunks finish out of order.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use memchr::{memchr, memrchr};

use super::chunk::{
    self, AllocationRow, Blanks, ExpenditureRow, LocalError, MAX_BLANK_LINES, ProjectRow, RowKind,
};
use super::ctx::Ctx;
use super::fields::{self, around};
use super::ids::{IdLog, IdSet};
use super::schema::Table;
use super::sums::Acc;
use crate::import::{InputError, InputErrorKind as Kind, Location, SNIFF_WINDOW};

/// The longest line a buffer grows to hold (a row of the widest input, every field at its
/// longest, is a few kilobytes) and the longest header line: the CSV importer's caps.
pub(crate) use crate::import::{MAX_HEADER, MAX_LINE};

/// The reader and what is carried from one chunk to the next.
struct Feed<R> {
    reader: R,
    carry: Vec<u8>,
    next_seq: u64,
    eof: bool,
}

/// The checks across chunks of one read, in chunk order, by whichever worker hands in the
/// next chunk's logs: its ids against those of earlier reads (`prior`) and of earlier
/// chunks (`seen`), and its blank lines added to those before ([`MAX_BLANK_LINES`]).
struct Commit<'p> {
    prior: &'p IdSet,
    /// The input's schema: a repeated project id is named as one.
    table: Table,
    state: Mutex<CommitState>,
}

struct CommitState {
    /// The next chunk to check.
    next: u64,
    /// Logs handed in ahead of their turn.
    pending: BTreeMap<u64, (IdLog, Blanks)>,
    /// The ids of this read so far.
    seen: IdSet,
    /// The blank lines of the chunks checked so far.
    blank_lines: u64,
    /// The first repeat: chunk number and error.
    error: Option<(u64, LocalError)>,
}

impl Commit<'_> {
    /// Hands in the logs of chunk `seq` and checks every chunk whose turn has come.
    fn submit(&self, seq: u64, log: IdLog, blanks: Blanks, stop: &AtomicU64) {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if st.error.is_some() {
            return;
        }
        st.pending.insert(seq, (log, blanks));
        loop {
            let next = st.next;
            let Some((log, blanks)) = st.pending.remove(&next) else {
                break;
            };
            let repeat = st
                .seen
                .first_repeat(self.prior, &log)
                .map(|(line, id)| LocalError {
                    line,
                    column: Some(0),
                    kind: if self.table == Table::Projects {
                        Kind::DuplicateProject { id }
                    } else {
                        Kind::DuplicateId { id }
                    },
                });
            let before = st.blank_lines;
            st.blank_lines = before.saturating_add(blanks.count());
            let too_blank = (st.blank_lines > MAX_BLANK_LINES)
                .then(|| blanks.nth(MAX_BLANK_LINES + 1 - before))
                .flatten()
                .map(|line| LocalError {
                    line,
                    column: None,
                    kind: Kind::TooManyBlankLines {
                        limit: MAX_BLANK_LINES,
                    },
                });
            // The earlier line of the two, when both.
            let first = match (repeat, too_blank) {
                (Some(a), Some(b)) => Some(if b.line < a.line { b } else { a }),
                (a, b) => a.or(b),
            };
            if let Some(error) = first {
                stop.fetch_min(next, Ordering::Relaxed);
                st.pending.clear();
                st.error = Some((next, error));
                break;
            }
            st.next = next.saturating_add(1);
        }
    }
}

/// What a worker ends with.
struct Outcome {
    acc: Acc,
    /// (chunk number, lines in it) of every chunk parsed without error.
    lines: Vec<(u64, u64)>,
    /// The first error this worker met: chunk number and error.
    error: Option<(u64, LocalError)>,
}

/// Reads until `buf` is full or the reader is exhausted; returns the bytes in `buf`.
fn fill<R: Read>(
    reader: &mut R,
    buf: &mut [u8],
    mut filled: usize,
    eof: &mut bool,
) -> io::Result<usize> {
    while !*eof {
        let Some(space) = buf.get_mut(filled..) else {
            break;
        };
        if space.is_empty() {
            break;
        }
        match reader.read(space) {
            Ok(0) => *eof = true,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Why no chunk was taken.
enum Taken {
    /// The reader failed.
    Read(io::Error),
    /// A line longer than [`MAX_LINE`]; its first bytes.
    Long(String),
}

/// Takes the next chunk into `buf`; returns its length and number, or `None` at the end.
fn next_chunk<R: Read>(
    feed: &mut Feed<R>,
    buf: &mut Vec<u8>,
    cap: usize,
) -> Result<Option<(usize, u64)>, Taken> {
    if feed.eof && feed.carry.is_empty() {
        return Ok(None);
    }
    let mut filled = feed.carry.len();
    if buf.len() < cap.max(filled + 1) {
        buf.resize(cap.max(filled + 1), 0);
    }
    // `buf` holds at least `filled + 1` bytes (resized above).
    buf.split_at_mut(filled).0.copy_from_slice(&feed.carry);
    feed.carry.clear();
    // Bytes already searched for a line end.
    let mut searched = 0;
    loop {
        filled = fill(&mut feed.reader, buf, filled, &mut feed.eof).map_err(Taken::Read)?;
        // `fill` returns at most `buf.len()`.
        let data = buf.split_at(filled.min(buf.len())).0;
        if let Some(i) = memrchr(b'\n', data.split_at(searched.min(data.len())).1) {
            let i = searched + i;
            feed.carry.extend_from_slice(around(data, i).1);
            filled = i + 1;
            break;
        }
        searched = data.len();
        if filled > MAX_LINE {
            // One line (the chunk's first: a chunk starts at a line start) past the limit.
            let start = fields::start_of(data);
            feed.eof = true;
            return Err(Taken::Long(start));
        }
        if feed.eof {
            break;
        }
        // One line longer than the buffer: grow it and read on, up to the limit.
        buf.resize(buf.len() * 2, 0);
    }
    if filled == 0 {
        return Ok(None);
    }
    let seq = feed.next_seq;
    feed.next_seq += 1;
    Ok(Some((filled, seq)))
}

fn worker<R: Read, K: RowKind>(feed: &Mutex<Feed<R>>, w: &Workers) -> Outcome {
    let (stop, cap, ctx, commit) = (w.stop, w.cap, w.ctx, w.commit);
    let slot = w
        .slots
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop()
        .unwrap_or_default();
    let mut out = Outcome {
        acc: Acc::with_slot(slot),
        lines: Vec::new(),
        error: None,
    };
    // A buffer of an earlier read when there is one: its pages are already mapped.
    let mut buf = w
        .buffers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop()
        .unwrap_or_default();
    loop {
        let taken = {
            let mut feed = feed.lock().unwrap_or_else(PoisonError::into_inner);
            if stop.load(Ordering::Relaxed) < feed.next_seq {
                // An earlier chunk failed: nothing later matters.
                break;
            }
            let seq = feed.next_seq;
            next_chunk(&mut feed, &mut buf, cap).map_err(|e| (seq, e))
        };
        match taken {
            Ok(None) => break,
            Ok(Some((len, seq))) => {
                // `next_chunk` returns at most `buf.len()`.
                let chunk = buf.split_at(len.min(buf.len())).0;
                let mut ids = IdLog::default();
                let mut blanks = Blanks::default();
                let parsed =
                    chunk::lines::<K>(chunk, seq, &mut out.acc, ctx, &mut ids, &mut blanks);
                // Also after an error: a repeat or a blank line too many on an earlier line
                // comes first.
                commit.submit(seq, ids, blanks, stop);
                match parsed {
                    Ok(n) => out.lines.push((seq, n)),
                    Err(e) => {
                        stop.fetch_min(seq, Ordering::Relaxed);
                        out.error = Some((seq, e));
                        break;
                    }
                }
            }
            Err((seq, e)) => {
                stop.fetch_min(seq, Ordering::Relaxed);
                let (line, kind) = match e {
                    Taken::Read(e) => (0, Kind::from(e)),
                    Taken::Long(start) => (
                        1,
                        Kind::LineTooLong {
                            limit: MAX_LINE,
                            start,
                        },
                    ),
                };
                out.error = Some((
                    seq,
                    LocalError {
                        line,
                        column: None,
                        kind,
                    },
                ));
                break;
            }
        }
    }
    // On this worker's thread, while the others may still be parsing; only the check at
    // every date needs the grants in order.
    if ctx.every_date {
        out.acc.sort_grants();
    }
    // A buffer grown for a long line serves the next read at the size asked for.
    buf.truncate(cap);
    w.buffers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(buf);
    out
}

/// Reads the header line (at most [`MAX_HEADER`] bytes); returns the bytes read past it.
/// Each byte is searched for the line end once. A header over the cap is judged on its
/// first [`SNIFF_WINDOW`] bytes, as CSV import judges it, whatever sizes the reader returns.
fn header<R: Read>(reader: &mut R, name: &str, table: Table) -> Result<Vec<u8>, InputError> {
    let at_header = |k| InputError::new(Location::new(name).line(1), k);
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(InputError::new(Location::new(name), Kind::from(e))),
        };
        if n == 0 {
            if buf.iter().all(u8::is_ascii_whitespace) {
                return Err(InputError::new(Location::new(name), table.no_header()));
            }
            if buf.len() > MAX_HEADER {
                return Err(at_header(too_long(&buf)));
            }
            table.check_header(&buf).map_err(at_header)?;
            return Ok(Vec::new());
        }
        // `read` returns at most `chunk.len()`.
        let new = chunk.split_at(n.min(chunk.len())).0;
        if let Some(i) = memchr(b'\n', new) {
            let i = buf.len() + i;
            buf.extend_from_slice(new);
            let (line, rest) = around(&buf, i);
            if line.len() > MAX_HEADER {
                return Err(at_header(too_long(line)));
            }
            table.check_header(line).map_err(at_header)?;
            return Ok(rest.to_vec());
        }
        buf.extend_from_slice(new);
        if buf.len() >= SNIFF_WINDOW {
            return Err(at_header(too_long(&buf)));
        }
    }
}

/// A header line over [`MAX_HEADER`]: what its bytes show the input to be instead (a file
/// of carriage-return line ends is one long line), or a header too long.
fn too_long(line: &[u8]) -> Kind {
    crate::import::sniff(line).unwrap_or_else(|| Kind::HeaderTooLong {
        limit: MAX_HEADER,
        start: fields::start_of(line),
    })
}

/// Where rows of a read were: chunk number and line in the chunk → line in the input.
pub(crate) struct Lines {
    /// (chunk number, lines before it), by chunk number.
    before: Vec<(u64, u64)>,
}

impl Lines {
    /// The input line (the header is line 1) of position `seq << 32 | line`.
    pub(crate) fn line(&self, pos: u64) -> u64 {
        let (seq, local) = (pos >> 32, pos & 0xFFFF_FFFF);
        let i = self.before.partition_point(|(s, _)| *s < seq);
        let before = self.before.get(i).map_or(0, |(_, b)| *b);
        1 + before + local
    }
}

/// The workers of the reads of one aggregator: how many, their buffer size, and the
/// buffers of the last read, kept so that the next read finds their pages mapped.
#[derive(Debug, Default)]
pub(crate) struct Crew {
    pub(crate) threads: usize,
    pub(crate) cap: usize,
    pub(crate) buffers: Vec<Vec<u8>>,
    /// Cleared code tables of accumulators gone ([`Acc::release_slot`]).
    pub(crate) slots: Vec<Vec<u32>>,
}

/// Streams `reader` (a CSV of `table`) through the crew's workers (`crew.threads` of them,
/// each with a `crew.cap`-byte buffer); returns one accumulator per worker and the ids
/// read (none are in `prior`), or the first error in file order.
pub(crate) fn run<R: Read + Send>(
    mut reader: R,
    name: &str,
    table: Table,
    ctx: &Ctx,
    prior: &IdSet,
    crew: &mut Crew,
) -> Result<(Vec<Acc>, IdSet, Lines), InputError> {
    let (threads, cap) = (crew.threads, crew.cap);
    let carry = header(&mut reader, name, table)?;
    let feed = Mutex::new(Feed {
        reader,
        carry,
        next_seq: 0,
        eof: false,
    });
    let stop = AtomicU64::new(u64::MAX);
    let commit = Commit {
        prior,
        table,
        state: Mutex::new(CommitState {
            next: 0,
            pending: BTreeMap::new(),
            seen: IdSet::default(),
            blank_lines: 0,
            error: None,
        }),
    };
    let pool = Mutex::new(std::mem::take(&mut crew.buffers));
    let slots = Mutex::new(std::mem::take(&mut crew.slots));
    let w = Workers {
        stop: &stop,
        cap,
        ctx,
        commit: &commit,
        threads,
        buffers: &pool,
        slots: &slots,
    };
    let mut outcomes: Vec<Outcome> = match table {
        Table::Allocations => spread::<R, AllocationRow>(&feed, &w),
        Table::Projects => spread::<R, ProjectRow>(&feed, &w),
        Table::Expenditures => spread::<R, ExpenditureRow>(&feed, &w),
    };
    crew.buffers = pool.into_inner().unwrap_or_else(PoisonError::into_inner);
    crew.slots = slots.into_inner().unwrap_or_else(PoisonError::into_inner);
    let state = commit
        .state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(repeat) = state.error {
        // The repeat is one more candidate for the first error in file order.
        outcomes.push(Outcome {
            acc: Acc::new(),
            lines: Vec::new(),
            error: Some(repeat),
        });
    }
    let mut accs = Vec::with_capacity(outcomes.len());
    let mut chunk_lines = Vec::new();
    let mut first: Option<(u64, LocalError)> = None;
    for o in outcomes {
        accs.push(o.acc);
        chunk_lines.extend(o.lines);
        if let Some((seq, e)) = o.error {
            if first
                .as_ref()
                .is_none_or(|(s, f)| (seq, e.line) < (*s, f.line))
            {
                first = Some((seq, e));
            }
        }
    }
    if let Some((bad, e)) = first {
        // Lines before the failing chunk: every earlier chunk finished without error.
        let before: u64 = chunk_lines
            .iter()
            .filter(|(seq, _)| *seq < bad)
            .map(|(_, n)| n)
            .sum();
        let mut at = Location::new(name);
        if e.line > 0 {
            at = at.line(1 + before + e.line);
        }
        if let Some(column) = e.column.and_then(|c| table.column(c)) {
            at = at.column(column);
        }
        return Err(InputError::new(at, e.kind));
    }
    chunk_lines.sort_unstable();
    let mut before = Vec::with_capacity(chunk_lines.len());
    let mut total = 0u64;
    for (seq, n) in chunk_lines {
        before.push((seq, total));
        total += n;
    }
    Ok((accs, state.seen, Lines { before }))
}

/// What every worker of one read shares.
struct Workers<'a, 'p> {
    stop: &'a AtomicU64,
    cap: usize,
    ctx: &'a Ctx<'p>,
    commit: &'a Commit<'a>,
    threads: usize,
    /// Read buffers to reuse.
    buffers: &'a Mutex<Vec<Vec<u8>>>,
    /// Code tables to reuse.
    slots: &'a Mutex<Vec<Vec<u32>>>,
}

fn spread<R: Read + Send, K: RowKind>(feed: &Mutex<Feed<R>>, w: &Workers) -> Vec<Outcome> {
    let run = || worker::<R, K>(feed, w);
    if w.threads <= 1 {
        return vec![run()];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..w.threads).map(|_| s.spawn(run)).collect();
        let mut outcomes = vec![run()];
        for h in handles {
            match h.join() {
                Ok(o) => outcomes.push(o),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        outcomes
    })
}
