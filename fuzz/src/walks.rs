//! Target (e): the multi-line listing parsers (`LIST`, `UIDL`, `CAPA`) fed
//! arbitrary server bytes in arbitrary chunks.
//!
//! Input: byte 0 picks the parser, byte 1 the caller's buffer size (unique-id
//! or raw CAPA line), byte 2 the length `k` of a cut table, then `k` chunk
//! sizes, then the server bytes. CR LF `.` CR LF is appended so that every
//! input has a terminator somewhere.
//!
//! Checked: never panics; the bounds invariants (consumed, no result out of
//! nothing, nothing written past the buffer); the events and their offsets do
//! not depend on the chunking (compared with one whole feed); `End` comes
//! exactly after the first terminator line; every line before the first
//! error gives exactly one entry, equal to what a plain line-by-line
//! reference model of RFC 1939 / RFC 2449 makes of it; the line of the error
//! is one the reference refuses; nothing but `End` follows an error.

use crate::{Cuts, Reader};
use nx_pop3_client::pop3::{
    Capa, CapaParser, ListWalk, UidlWalk, Walk, WalkError, MAX_SERVER_REPLY, MAX_UID,
};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Out {
    List(u32, u32),
    Uid(u32, Vec<u8>),
    Capa(Capa, Vec<u8>, usize),
    End,
}

type Events = Vec<(usize, Result<Out, WalkError>)>;

enum Parser {
    List(ListWalk),
    Uidl(UidlWalk),
    Capa(CapaParser),
}

impl Parser {
    fn feed(&mut self, input: &[u8], buf: &mut [u8]) -> (usize, Option<Result<Out, WalkError>>) {
        fn map<T>(r: Option<Result<Walk<T>, WalkError>>, f: impl FnOnce(T) -> Out) -> Option<Result<Out, WalkError>> {
            r.map(|r| {
                r.map(|w| match w {
                    Walk::Entry(e) => f(e),
                    Walk::End => Out::End,
                })
            })
        }
        match self {
            Parser::List(w) => {
                let (n, r) = w.feed(input);
                (n, map(r, |e| Out::List(e.number, e.size)))
            }
            Parser::Uidl(w) => {
                let (n, r) = w.feed(input, buf);
                (n, map(r, |e| {
                    assert!(e.uid_len >= 1 && e.uid_len <= MAX_UID && e.uid_len <= buf.len(), "uid_len {}", e.uid_len);
                    Out::Uid(e.number, buf[..e.uid_len].to_vec())
                }))
            }
            Parser::Capa(p) => {
                let (n, r) = p.feed(input, buf);
                (n, map(r, |l| Out::Capa(l.capa, buf[..l.len.min(buf.len())].to_vec(), l.len)))
            }
        }
    }
}

pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let mode = r.u8() % 3;
    let buf_len = usize::from(r.u8());
    let k = usize::from(r.u8() % 32);
    let table = r.bytes(k).to_vec();
    let mut input = r.rest().to_vec();
    input.extend_from_slice(b"\r\n.\r\n");
    let fresh = || match mode {
        0 => Parser::List(ListWalk::new()),
        1 => Parser::Uidl(UidlWalk::new()),
        _ => Parser::Capa(CapaParser::new()),
    };
    let whole = feed_all(fresh(), &input, &[], buf_len);
    let chunked = feed_all(fresh(), &input, &table, buf_len);
    assert_eq!(whole, chunked, "chunking changed the events");
    check_against_reference(&input, &whole, mode, buf_len);
}

/// Feeds `input` in chunks from `table`; stops after `End`.
fn feed_all(mut parser: Parser, input: &[u8], table: &[u8], buf_len: usize) -> Events {
    let mut cuts = Cuts::new(table);
    let mut backing = vec![0xA5u8; buf_len + 8];
    let mut events = Events::new();
    let mut pos = 0usize;
    let mut failed = false;
    while pos < input.len() {
        let n = cuts.next(input.len() - pos).max(1);
        let chunk_end = pos + n;
        while pos < chunk_end {
            let chunk = &input[pos..chunk_end];
            let (consumed, result) = parser.feed(chunk, &mut backing[..buf_len]);
            assert!(backing[buf_len..].iter().all(|&b| b == 0xA5), "wrote past the buffer");
            assert!(consumed <= chunk.len());
            pos += consumed;
            let Some(result) = result else {
                assert_eq!(consumed, chunk.len(), "no result but input left");
                break;
            };
            assert!(consumed >= 1, "a result out of zero bytes");
            if failed {
                assert_eq!(result, Ok(Out::End), "after an error only End");
            }
            failed |= result.is_err();
            let end = result == Ok(Out::End);
            events.push((pos, result));
            if end {
                let (again, r) = parser.feed(&input[pos..], &mut backing[..buf_len]);
                assert_eq!((again, r), (0, Some(Ok(Out::End))));
                return events;
            }
        }
    }
    panic!("no End although the input ends with a terminator");
}

/// The lines of `input` (LF-delimited, LF included), up to and including the
/// first terminator line (`.` or `.` CR before the LF).
fn lines(input: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(lf) = input[start..].iter().position(|&b| b == b'\n') {
        let line = &input[start..start + lf + 1];
        out.push((start, line));
        start += lf + 1;
        if line == b".\n" || line == b".\r\n" {
            break;
        }
    }
    out
}

/// The content of a line: line end and stuffing dot removed; `None` if a CR
/// is not right before the LF.
fn content(line: &[u8]) -> Option<&[u8]> {
    let body = line.strip_suffix(b"\n")?;
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if body.contains(&b'\r') {
        return None;
    }
    Some(body.strip_prefix(b".").unwrap_or(body))
}

fn number(word: &[u8]) -> Option<u32> {
    if word.is_empty() || !word.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for &d in word {
        n = n * 10 + u64::from(d - b'0');
        if n > u64::from(u32::MAX) {
            return None;
        }
    }
    Some(n as u32)
}

/// Reference model of one listing line: `Ok(entry)` or `Err(())` (refused).
fn ref_entry(line: &[u8], uidl: bool, buf_len: usize) -> Result<Out, WalkError> {
    if line.len() > MAX_SERVER_REPLY {
        return Err(WalkError::TooLong);
    }
    let c = content(line).ok_or(WalkError::Malformed)?;
    let sp = c.iter().position(|&b| b == b' ').ok_or(WalkError::Malformed)?;
    let n = number(&c[..sp]).filter(|&n| n != 0).ok_or(WalkError::Malformed)?;
    let rest = &c[sp..];
    let rest = &rest[rest.iter().position(|&b| b != b' ').ok_or(WalkError::Malformed)?..];
    let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let (value, after) = rest.split_at(end);
    if uidl {
        if value.len() > MAX_UID || !value.iter().all(|b| (0x21..=0x7e).contains(b)) || after.iter().any(|&b| b != b' ') {
            return Err(WalkError::BadUid);
        }
        if value.len() > buf_len {
            return Err(WalkError::UidBufferTooSmall);
        }
        Ok(Out::Uid(n, value.to_vec()))
    } else {
        Ok(Out::List(n, number(value).ok_or(WalkError::Malformed)?))
    }
}

const CAPAS: [(&str, Capa); 13] = [
    ("TOP", Capa::Top),
    ("USER", Capa::User),
    ("UIDL", Capa::Uidl),
    ("SASL", Capa::Sasl),
    ("RESP-CODES", Capa::RespCodes),
    ("AUTH-RESP-CODE", Capa::AuthRespCode),
    ("PIPELINING", Capa::Pipelining),
    ("STLS", Capa::Stls),
    ("UTF8", Capa::Utf8),
    ("LOGIN-DELAY", Capa::LoginDelay),
    ("EXPIRE", Capa::Expire),
    ("IMPLEMENTATION", Capa::Implementation),
    ("LANG", Capa::Lang),
];

/// Reference model of one CAPA line.
fn ref_capa(line: &[u8], buf_len: usize) -> Result<Out, WalkError> {
    if line.len() > MAX_SERVER_REPLY {
        return Err(WalkError::TooLong);
    }
    let c = content(line).ok_or(WalkError::Malformed)?;
    if c.is_empty() || c[0] == b' ' || c.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(WalkError::Malformed);
    }
    let words: Vec<Vec<u8>> = c.split(|&b| b == b' ').filter(|w| !w.is_empty()).map(|w| w.to_ascii_uppercase()).collect();
    let capa = CAPAS.iter().find(|(name, _)| name.as_bytes() == words[0]).map_or(Capa::Other, |&(_, c)| c);
    if capa == Capa::LoginDelay || capa == Capa::Expire {
        let value_ok = match words.get(1) {
            Some(w) if capa == Capa::Expire && w == b"NEVER" => true,
            Some(w) => number(w).is_some(),
            None => false,
        };
        let user_ok = words.get(2).is_none_or(|w| w == b"USER");
        if !value_ok || !user_ok || words.len() > 3 {
            return Err(WalkError::Malformed);
        }
    }
    Ok(Out::Capa(capa, c[..c.len().min(buf_len)].to_vec(), c.len()))
}

fn check_against_reference(input: &[u8], events: &Events, mode: u8, buf_len: usize) {
    let lines = lines(input);
    let (last_start, last) = *lines.last().expect("a terminator line");
    assert_eq!(events.last().unwrap(), &(last_start + last.len(), Ok(Out::End)), "End not right after the first terminator");
    let mut prev = 0u32;
    for (i, (offset, result)) in events.iter().enumerate().take(events.len() - 1) {
        let (start, line) = lines[i];
        let want = match mode {
            0 | 1 => ref_entry(line, mode == 1, buf_len).and_then(|e| match e {
                Out::List(n, _) | Out::Uid(n, _) if n <= prev => Err(WalkError::OutOfOrder),
                e => Ok(e),
            }),
            _ => ref_capa(line, buf_len),
        };
        match result {
            Ok(out) => {
                assert_eq!(*offset, start + line.len(), "entry not at its line's end");
                assert_eq!(Ok(out.clone()), want, "line {line:?}");
                if let Out::List(n, _) | Out::Uid(n, _) = out {
                    prev = *n;
                }
            }
            Err(e) => {
                assert!(*offset > start && *offset <= start + line.len(), "error outside its line");
                assert!(want.is_err(), "parser said {e:?}, reference accepts line {line:?}");
                // Rules that the reference names without doubt.
                if matches!(want, Err(WalkError::UidBufferTooSmall) | Err(WalkError::OutOfOrder)) {
                    assert_eq!(Err(*e), want, "line {line:?}");
                }
                return;
            }
        }
    }
    // No error: one entry per line before the terminator.
    assert_eq!(events.len(), lines.len(), "entries and lines differ");
}
