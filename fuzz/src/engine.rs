//! Target (a): the sans-IO engine fed arbitrary server bytes in any state.
//!
//! Input: byte 0 picks the state, byte 1 a parameter (timestamp buffer size),
//! byte 2 the length `k` of a cut table, then `k` cut sizes (chunk sizes and,
//! for `decode`, output sizes), then the server bytes.
//!
//! Besides "never panics" and the bounds invariants, each result is compared
//! with a plain line-by-line reference model of RFC 1939 written here.

use crate::{Cuts, Reader};
use nx_pop3_client::pop3::{resp_code, Arg, BodyDecoder, Reply, ReplyParser, RespCode, MAX_SERVER_REPLY};

pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let mode = r.u8() % 4;
    let param = r.u8();
    let k = usize::from(r.u8() % 32);
    let table = r.bytes(k);
    let input = r.rest();
    match mode {
        0 => replies(input, table, usize::from(param)),
        1 => replies(input, table, 0),
        2 => body(input, table, false),
        _ => body(input, table, true),
    }
}

/// What the reference model says about one whole line (`line` has no LF).
#[derive(Debug, PartialEq, Eq)]
pub enum RefLine {
    Ok { ok: bool, args: [Arg; 2], stamp: Option<Vec<u8>>, text: Vec<u8> },
    Err,
}

fn classify(word: &[u8]) -> Arg {
    if word.iter().all(u8::is_ascii_digit) {
        let mut n: u64 = 0;
        for &d in word {
            n = n * 10 + u64::from(d - b'0');
            if n > u64::from(u32::MAX) {
                return Arg::TooBig;
            }
        }
        Arg::Num(n as u32)
    } else {
        Arg::Text
    }
}

/// Reference model of a status line: `line` is everything before the LF.
pub fn ref_line(line: &[u8]) -> RefLine {
    if line.len() + 1 > MAX_SERVER_REPLY || line.contains(&0) {
        return RefLine::Err;
    }
    let content = line.strip_suffix(b"\r").unwrap_or(line);
    let (ok, rest) = if let Some(rest) = content.strip_prefix(b"+OK") {
        (true, rest)
    } else if let Some(rest) = content.strip_prefix(b"-ERR") {
        (false, rest)
    } else {
        return RefLine::Err;
    };
    let words: &[u8] = match rest.split_first() {
        None => b"",
        Some((b' ', w)) => w,
        Some(_) => return RefLine::Err,
    };
    let mut args = [Arg::None; 2];
    for (slot, w) in args.iter_mut().zip(words.split(|&b| b == b' ').filter(|w| !w.is_empty())) {
        *slot = classify(w);
    }
    let stamp = words.iter().position(|&b| b == b'<').and_then(|s| {
        let t = &words[s..];
        let close = t.iter().position(|&b| b == b'>' || b <= b' ')?;
        (t[close] == b'>').then(|| t[..=close].to_vec())
    });
    RefLine::Ok { ok, args, stamp, text: words.to_vec() }
}

/// Reference model of a response code (RFC 2449 section 8, RFC 3206) at the
/// start of a status line's text.
pub fn ref_code(text: &[u8]) -> RespCode {
    let Some(rest) = text.strip_prefix(b"[") else { return RespCode::None };
    let Some(close) = rest.iter().position(|&b| b == b']') else { return RespCode::None };
    let inner = &rest[..close];
    if inner.iter().any(|b| !(0x21..=0x7e).contains(b)) {
        return RespCode::None;
    }
    let levels: Vec<Vec<u8>> = inner.split(|&b| b == b'/').map(|l| l.to_ascii_uppercase()).collect();
    if levels.iter().any(Vec::is_empty) {
        return RespCode::None;
    }
    match (levels[0].as_slice(), levels.get(1).map(Vec::as_slice)) {
        (b"IN-USE", _) => RespCode::InUse,
        (b"LOGIN-DELAY", _) => RespCode::LoginDelay,
        (b"AUTH", _) => RespCode::Auth,
        (b"SYS", Some(b"TEMP")) => RespCode::SysTemp,
        (b"SYS", Some(b"PERM")) => RespCode::SysPerm,
        (b"SYS", _) => RespCode::Sys,
        _ => RespCode::Other,
    }
}

/// Feeds `input` cut by `table` to a ReplyParser with a `ts_size`-byte
/// timestamp buffer; checks every result against [`ref_line`].
pub fn replies(input: &[u8], table: &[u8], ts_size: usize) {
    let mut parser = ReplyParser::new();
    let mut ts = vec![0u8; ts_size];
    // The text buffer: as big as the timestamp's, so that long texts are cut.
    let mut text = vec![0u8; ts_size];
    let mut cuts = Cuts::new(table);
    let mut pos = 0usize;
    // Start of the line the parser is in (None: discarding up to a LF).
    let mut line_start = 0usize;
    while pos < input.len() {
        let n = cuts.next(input.len() - pos).max(1);
        let chunk_end = pos + n;
        while pos < chunk_end {
            let chunk = &input[pos..chunk_end];
            let (consumed, result) = parser.feed_text(chunk, &mut ts, &mut text);
            assert!(consumed <= chunk.len(), "consumed {consumed} > {}", chunk.len());
            pos += consumed;
            let Some(result) = result else {
                assert_eq!(consumed, chunk.len(), "no reply but input left unconsumed");
                break;
            };
            assert!(consumed >= 1, "a reply out of zero bytes");
            let last = input[pos - 1];
            // The line as the reference model sees it: up to its LF (or the
            // end of the input when the error came before the LF).
            let lf = input[line_start..].iter().position(|&b| b == b'\n').map(|i| line_start + i);
            let line = &input[line_start..lf.unwrap_or(input.len())];
            let want = ref_line(line);
            match result {
                Ok(reply) => {
                    assert_eq!(last, b'\n', "reply not ended by LF");
                    assert_eq!(Some(pos - 1), lf);
                    check_reply(&reply, &ts, &text, &want, line);
                }
                Err(e) => {
                    assert_eq!(want, RefLine::Err, "parser said {e:?} for line {line:?}");
                }
            }
            line_start = if last == b'\n' { pos } else { lf.map_or(input.len(), |i| i + 1) };
        }
    }
}

fn check_reply(reply: &Reply, ts: &[u8], text: &[u8], want: &RefLine, line: &[u8]) {
    let RefLine::Ok { ok, args, stamp, text: want_text } = want else {
        panic!("parser accepted {line:?} as {reply:?}, reference says error");
    };
    assert_eq!(reply.ok, *ok, "line {line:?}");
    assert_eq!(reply.args, *args, "line {line:?}");
    assert!(reply.timestamp_len <= ts.len());
    let want_stamp: &[u8] = match stamp {
        Some(s) if s.len() <= ts.len() => s,
        _ => b"",
    };
    assert_eq!(&ts[..reply.timestamp_len], want_stamp, "timestamp of {line:?}");
    assert_eq!(reply.text_len, want_text.len(), "text length of {line:?}");
    let kept = want_text.len().min(text.len());
    // The code is read from what the text buffer holds.
    assert_eq!(reply.code, ref_code(&want_text[..kept]), "response code of {line:?}");
    assert_eq!(resp_code(want_text), ref_code(want_text), "resp_code of {line:?}");
    assert_eq!(&text[..kept], &want_text[..kept], "text of {line:?}");
    assert_eq!(reply.text(text).is_some(), want_text.len() <= text.len());
}

/// Reference model of multi-line data (RFC 1939): a line starts at the
/// beginning and after every CR LF; at a line start `.` CR LF ends the data
/// and any other `.` is removed (dot-stuffing). Returns (output, end,
/// consumed).
pub fn ref_body(input: &[u8]) -> (Vec<u8>, bool, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        // At a line start.
        if input[i..].starts_with(b".\r\n") {
            return (out, true, i + 3);
        }
        if input[i..] == *b".\r" {
            // Pending: terminator or not is decided by the next byte.
            return (out, false, input.len());
        }
        if input[i] == b'.' {
            i += 1;
        }
        let end = input[i..].windows(2).position(|w| w == b"\r\n").map_or(input.len(), |p| i + p + 2);
        out.extend_from_slice(&input[i..end]);
        i = end;
    }
    (out, false, input.len())
}

/// Feeds `input` cut by `table` to a BodyDecoder (`decode` with output sizes
/// from the table, or `decode_in_place`), checks the bounds invariants and
/// compares the result with [`ref_body`].
pub fn body(input: &[u8], table: &[u8], in_place: bool) {
    let mut dec = BodyDecoder::new();
    let mut cuts = Cuts::new(table);
    let mut sizes = Cuts::new(table.get(1..).unwrap_or(&[]));
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut end = false;
    while pos < input.len() && !end {
        let n = cuts.next(input.len() - pos).max(1);
        let chunk_end = pos + n;
        let mut stalls = 0;
        while pos < chunk_end {
            let chunk = &input[pos..chunk_end];
            let d = if in_place {
                let mut buf = chunk.to_vec();
                // The CR owed after `.` CR ended the previous chunk: in place
                // has no room for it, the caller delivers it.
                if dec.cr_pending(buf[0]) {
                    out.push(b'\r');
                    dec.cr_delivered();
                }
                let d = dec.decode_in_place(&mut buf);
                assert!(d.produced <= d.consumed, "in place: produced {} > consumed {}", d.produced, d.consumed);
                assert!(d.consumed <= buf.len());
                assert!(d.end || d.consumed == buf.len(), "in place left input without end");
                out.extend_from_slice(&buf[..d.produced]);
                d
            } else {
                let size = if stalls > 2 { chunk.len() } else { sizes.next(usize::MAX) % 300 };
                let mut buf = vec![0xA5u8; size];
                let d = dec.decode(chunk, &mut buf);
                assert!(d.consumed <= chunk.len(), "consumed {} > {}", d.consumed, chunk.len());
                assert!(d.produced <= size, "produced {} > {size}", d.produced);
                out.extend_from_slice(&buf[..d.produced]);
                if d.consumed == 0 && d.produced == 0 && !d.end {
                    assert!(size == 0, "no progress with {size} bytes of room and {} of input", chunk.len());
                    stalls += 1;
                }
                d
            };
            assert_eq!(d.end, dec.is_end());
            pos += d.consumed;
            if d.end {
                end = true;
                // After the end nothing more is consumed or produced.
                let rest = &input[pos..];
                let mut buf = vec![0u8; rest.len() + 8];
                let again = dec.decode(rest, &mut buf);
                assert_eq!((again.consumed, again.produced, again.end), (0, 0, true));
                let mut copy = rest.to_vec();
                let again = dec.decode_in_place(&mut copy);
                assert_eq!((again.consumed, again.produced, again.end), (0, 0, true));
                assert_eq!(copy, rest);
                break;
            }
        }
    }
    let (want, want_end, want_consumed) = ref_body(input);
    assert_eq!(end, want_end, "end flag");
    assert_eq!(pos, want_consumed, "total consumed");
    assert!(out == want, "output differs from the reference model:\n got  {out:?}\n want {want:?}");
}
