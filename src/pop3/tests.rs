//! Tests of the engine. std is allowed here.

#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

extern crate std;

use std::vec;
use std::vec::Vec;

use super::*;

// ---------------------------------------------------------------- APOP, MD5

const RFC_STAMP: &[u8] = b"<1896.697170952@dbc.mtview.ca.us>";
const RFC_DIGEST: &[u8; 32] = b"c4c9334bac560ecc979e58001b3e22fb";

#[test]
fn apop_rfc1939_vector() {
    assert_eq!(&apop_digest(RFC_STAMP, b"tanstaaf"), RFC_DIGEST);
    let digest = apop_digest(RFC_STAMP, b"tanstaaf");
    let mut out = [0u8; 64];
    let n = encode_command(&Command::Apop { user: b"mrose", digest: &digest }, &mut out).unwrap();
    assert_eq!(&out[..n], b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
}

#[test]
fn md5_known_values() {
    assert_eq!(&md5_hex(b""), b"d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(&md5_hex(b"abc"), b"900150983cd24fb0d6963f7d28e17f72");
    let mut joined = Vec::from(RFC_STAMP);
    joined.extend_from_slice(b"tanstaaf");
    assert_eq!(&md5_hex(&joined), RFC_DIGEST);
}

/// The test suite of RFC 1321, appendix A.5.
#[test]
fn md5_rfc1321_suite() {
    let suite: &[(&[u8], &[u8; 32])] = &[
        (b"", b"d41d8cd98f00b204e9800998ecf8427e"),
        (b"a", b"0cc175b9c0f1b6a831c399e269772661"),
        (b"abc", b"900150983cd24fb0d6963f7d28e17f72"),
        (b"message digest", b"f96b697d7cb7938d525a2f31aaf161d0"),
        (b"abcdefghijklmnopqrstuvwxyz", b"c3fcd3d76192e4007dfb496cca67e13b"),
        (
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            b"d174ab98d277d9f5a5611c2c9f419d9f",
        ),
        (
            b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            b"57edf4a22be3c955ac49da2e2107b67a",
        ),
    ];
    for (input, want) in suite {
        assert_eq!(&md5_hex(input), *want, "{:?}", std::string::String::from_utf8_lossy(input));
    }
}

/// Lengths around the padding boundaries (55/56 bytes: the length still
/// fits in the last block or not; 64: a whole block), whole and fed in two
/// parts split at every byte. Expected values from Python's hashlib.
#[test]
fn md5_padding_boundaries_and_splits() {
    let cases: &[(usize, &[u8; 32])] = &[
        (55, b"ef1772b6dff9a122358552954ad0df65"),
        (56, b"3b0c8ac703f828b04c6c197006d17218"),
        (57, b"652b906d60af96844ebd21b674f35e93"),
        (63, b"b06521f39153d618550606be297466d5"),
        (64, b"014842d480b571495a4a0363793f7367"),
        (65, b"c743a45e0d2e6a95cb859adae0248435"),
        (119, b"8a7bd0732ed6a28ce75f6dabc90e1613"),
        (120, b"5f61c0ccad4cac44c75ff505e1f1e537"),
        (1000, b"cabe45dcc9ae5b66ba86600cca6b8ba8"),
    ];
    for &(n, want) in cases {
        let data = vec![b'a'; n];
        assert_eq!(&md5_hex(&data), want, "{n} bytes");
        for cut in 0..=n {
            let mut h = Md5::new();
            h.update(&data[..cut]);
            h.update(&data[cut..]);
            let mut hex = [0u8; 32];
            hex_ascii(&h.finalize(), &mut hex);
            assert_eq!(&hex, want, "{n} bytes split at {cut}");
        }
    }
    let all: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    assert_eq!(&md5_hex(&all), b"b2ea9f7fcea831a4a63b213f41a8855b");
}

#[test]
fn hex_ascii_fits_whole_pairs_only() {
    let mut out = [b'#'; 8];
    assert_eq!(hex_ascii(&[0x00, 0xff, 0x1a], &mut out[..5]), 4);
    assert_eq!(&out, b"00ff####");
    assert_eq!(hex_ascii(&[0xab], &mut out[..1]), 0);
    assert_eq!(hex_ascii(&[], &mut out), 0);
    assert_eq!(hex_ascii(&[0x09, 0xa0, 0x5c, 0xe7], &mut out), 8);
    assert_eq!(&out, b"09a05ce7");
}

#[test]
fn decimal_digits() {
    let mut out = [b'#'; 12];
    assert_eq!(decimal(0, &mut out), 1);
    assert_eq!(&out[..2], b"0#");
    assert_eq!(decimal(7, &mut out), 1);
    assert_eq!(decimal(10, &mut out), 2);
    assert_eq!(&out[..3], b"10#");
    assert_eq!(decimal(u32::MAX, &mut out), 10);
    assert_eq!(&out[..11], b"4294967295#");
    let mut small = [b'#'; 3];
    assert_eq!(decimal(1234, &mut small), 0);
    assert_eq!(&small, b"###");
    assert_eq!(decimal(123, &mut small), 3);
    assert_eq!(&small, b"123");
    assert_eq!(decimal(5, &mut []), 0);
}

// ---------------------------------------------------------------- commands

fn encode(cmd: Command<'_>) -> Result<Vec<u8>, EncodeError> {
    let mut out = [0u8; 256];
    encode_command(&cmd, &mut out).map(|n| out[..n].to_vec())
}

#[test]
fn every_command_encodes_exactly() {
    let digest = *RFC_DIGEST;
    let cases: &[(Command<'_>, &[u8])] = &[
        (Command::User(b"mrose"), b"USER mrose\r\n"),
        (Command::Pass(b"tanstaaf"), b"PASS tanstaaf\r\n"),
        (Command::Pass(b"two words"), b"PASS two words\r\n"),
        (
            Command::Apop { user: b"mrose", digest: &digest },
            b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
        ),
        (Command::Stat, b"STAT\r\n"),
        (Command::List(1), b"LIST 1\r\n"),
        (Command::List(0), b"LIST 0\r\n"),
        (Command::Retr(12), b"RETR 12\r\n"),
        (Command::Dele(u32::MAX), b"DELE 4294967295\r\n"),
        (Command::Quit, b"QUIT\r\n"),
        (Command::Noop, b"NOOP\r\n"),
        (Command::Rset, b"RSET\r\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(encode(*cmd).unwrap(), *want, "{cmd:?}");
        // Exactly enough room works; one byte less is TooLong, as is every
        // smaller buffer.
        let mut out = vec![0u8; want.len()];
        assert_eq!(encode_command(cmd, &mut out), Ok(want.len()));
        assert_eq!(&out[..], *want);
        for short in 0..want.len() {
            let mut out = vec![0u8; short];
            assert_eq!(encode_command(cmd, &mut out), Err(EncodeError::TooLong), "{cmd:?} {short}");
        }
    }
}

#[test]
fn injection_and_empty_arguments_refused() {
    let digest = *RFC_DIGEST;
    for bad in [&b"a\rb"[..], b"a\nb", b"a\0b", b"\r\n", b"x\r\nDELE 1", b""] {
        assert_eq!(encode(Command::User(bad)), Err(EncodeError::BadArgument));
        assert_eq!(encode(Command::Pass(bad)), Err(EncodeError::BadArgument));
        assert_eq!(
            encode(Command::Apop { user: bad, digest: &digest }),
            Err(EncodeError::BadArgument)
        );
    }
    let mut bad_digest = digest;
    bad_digest[5] = b'\n';
    assert_eq!(
        encode(Command::Apop { user: b"u", digest: &bad_digest }),
        Err(EncodeError::BadArgument)
    );
    // BadArgument wins over TooLong.
    assert_eq!(encode_command(&Command::User(b"a\rb"), &mut []), Err(EncodeError::BadArgument));
}

#[test]
fn command_length_cap() {
    // "USER " + name + CRLF: 7 + name bytes; 150 is the cap.
    let name = [b'n'; 143];
    let mut out = [0u8; 400];
    assert_eq!(encode_command(&Command::User(&name), &mut out), Ok(MAX_CLIENT_COMMAND));
    let name = [b'n'; 144];
    assert_eq!(encode_command(&Command::User(&name), &mut out), Err(EncodeError::TooLong));
}

// ---------------------------------------------------------------- replies

type Event = (usize, Result<Reply, ReplyError>, Vec<u8>);

/// Feeds `stream` cut at `cuts` (sorted offsets); returns every result with
/// the stream offset just after the byte that produced it, the timestamp,
/// and whether the parser is left inside a line.
fn replies(stream: &[u8], cuts: &[usize]) -> (Vec<Event>, bool) {
    let mut parser = ReplyParser::new();
    let mut stamp = [0u8; 80];
    let mut events = Vec::new();
    let mut offset = 0;
    let mut bounds = cuts.to_vec();
    bounds.push(stream.len());
    let mut start = 0;
    for end in bounds {
        let mut chunk = &stream[start..end];
        start = end;
        while !chunk.is_empty() {
            let (n, result) = parser.feed(chunk, &mut stamp);
            assert!(n <= chunk.len());
            offset += n;
            chunk = &chunk[n..];
            match result {
                None => assert!(chunk.is_empty(), "None before the input was used up"),
                Some(result) => {
                    if result.is_ok() {
                        assert_eq!(stream[offset - 1], b'\n', "result before LF");
                    }
                    let stamp_len = result.map(|r| r.timestamp_len).unwrap_or(0);
                    events.push((offset, result, stamp[..stamp_len].to_vec()));
                    stamp = [0u8; 80];
                }
            }
        }
    }
    (events, parser.in_line())
}

/// All chunkings of `stream` give the same events; returns them.
fn replies_any_chunking(stream: &[u8]) -> (Vec<Event>, bool) {
    let whole = replies(stream, &[]);
    let bytewise: Vec<usize> = (1..stream.len()).collect();
    assert_eq!(replies(stream, &bytewise), whole, "byte by byte");
    let step = if stream.len() > 2000 { 61 } else { 1 };
    for cut in (0..=stream.len()).step_by(step) {
        assert_eq!(replies(stream, &[cut]), whole, "split at {cut}");
    }
    if stream.len() <= 64 {
        for a in 0..=stream.len() {
            for b in a..=stream.len() {
                assert_eq!(replies(stream, &[a, b]), whole, "split at {a},{b}");
            }
        }
    }
    whole
}

fn ok(args: [Arg; 2]) -> Result<Reply, ReplyError> {
    Ok(Reply { ok: true, args, timestamp_len: 0 })
}

fn err(args: [Arg; 2]) -> Result<Reply, ReplyError> {
    Ok(Reply { ok: false, args, timestamp_len: 0 })
}

/// `line` followed by a good reply: `line` gives `want` at offset `at`, and
/// the next line still parses.
fn check_line(line: &[u8], at: usize, want: Result<Reply, ReplyError>) {
    let mut stream = line.to_vec();
    stream.extend_from_slice(b"+OK 7\r\n");
    let (events, in_line) = replies_any_chunking(&stream);
    assert!(!in_line);
    assert_eq!(events.len(), 2, "{:?}: {events:?}", std::string::String::from_utf8_lossy(line));
    assert_eq!((events[0].0, events[0].1), (at, want), "{:?}", std::string::String::from_utf8_lossy(line));
    assert_eq!(events[1].0, stream.len());
    assert_eq!(events[1].1, ok([Arg::Num(7), Arg::None]));
}

#[test]
fn reply_good_lines() {
    use Arg::*;
    let cases: &[(&[u8], Result<Reply, ReplyError>)] = &[
        (b"+OK\r\n", ok([None, None])),
        (b"+OK\n", ok([None, None])),
        (b"+OK \r\n", ok([None, None])),
        (b"-ERR\r\n", err([None, None])),
        (b"+OK 2 320\r\n", ok([Num(2), Num(320)])),
        (b"+OK 120 octets\r\n", ok([Num(120), Text])),
        (b"-ERR no such message\r\n", err([Text, Text])),
        (b"+OK 99999999999 1\r\n", ok([TooBig, Num(1)])),
        (b"+OK 4294967295 0\r\n", ok([Num(u32::MAX), Num(0)])),
        (b"+OK 4294967296 0\r\n", ok([TooBig, Num(0)])),
        (b"+OK 0000000000000000000012 x\r\n", ok([Num(12), Text])),
        (b"+OK  2   320  \r\n", ok([Num(2), Num(320)])),
        (b"+OK 1 2 3 4\r\n", ok([Num(1), Num(2)])),
        (b"+OK 12a 3\r\n", ok([Text, Num(3)])),
        (b"+OK 1\r2\r\n", ok([Text, None])),
        (b"+OK 1 \xff\x80\r\n", ok([Num(1), Text])),
        (b"+OK 5\r\r\n", ok([Text, None])),
    ];
    for (line, want) in cases {
        check_line(line, line.len(), *want);
    }
}

#[test]
fn reply_incomplete_line_needs_more() {
    for line in [&b"+OK"[..], b"+OK 4294967295 0", b"+OK 2 320\r", b"-ER", b"+", b"hello"] {
        let (events, in_line) = replies_any_chunking(line);
        if line == b"hello" {
            // The error is known at once; the rest of the line is being skipped.
            assert_eq!(events.len(), 1);
            assert!(in_line);
            continue;
        }
        assert!(events.is_empty(), "{line:?}");
        assert!(in_line);
    }
    let (events, in_line) = replies_any_chunking(b"");
    assert!(events.is_empty() && !in_line);
    // Completing the line gives the reply.
    let (events, _) = replies_any_chunking(b"+OK 4294967295 0\r\n");
    assert_eq!(events[0].1, ok([Arg::Num(u32::MAX), Arg::Num(0)]));
}

#[test]
fn reply_bad_status() {
    let bad = Err(ReplyError::BadStatus);
    check_line(b"+OKjunk\r\n", 4, bad);
    check_line(b"hello\r\n", 1, bad);
    check_line(b"\r\n", 2, bad);
    check_line(b"\n", 1, bad);
    check_line(b"+O\r\n", 4, bad);
    check_line(b"+O\n", 3, bad);
    check_line(b"-ERROR\r\n", 5, bad);
    check_line(b"+ok\r\n", 2, bad);
    check_line(b" +OK\r\n", 1, bad);
    check_line(b"+OK\rX\r\n", 5, bad);
    check_line(b"+OK\r\r\n", 5, bad);
    check_line(b"+OK\t1\r\n", 4, bad);
}

#[test]
fn reply_nul() {
    let nul = Err(ReplyError::Nul);
    check_line(b"\0\r\n", 1, nul);
    check_line(b"+OK \0abc\r\n", 5, nul);
    check_line(b"+OK 1 2 3 \0\r\n", 11, nul);
    check_line(b"+OK 1\r\0\r\n", 7, nul);
    check_line(b"+\0OK\r\n", 2, nul);
    // A bad status is found first.
    check_line(b"x\0\r\n", 1, Err(ReplyError::BadStatus));
}

#[test]
fn reply_too_long() {
    let too_long = Err(ReplyError::TooLong);
    let mut line = b"+OK ".to_vec();
    line.resize(600 - 2, b'a');
    line.extend_from_slice(b"\r\n");
    check_line(&line, MAX_SERVER_REPLY + 1, too_long);

    let mut line = b"-ERR ".to_vec();
    line.resize(64 * 1024 - 2, b'x');
    line.extend_from_slice(b"\r\n");
    check_line(&line, MAX_SERVER_REPLY + 1, too_long);

    // Exactly at the cap is fine; one more byte is not, even if it is the
    // LF (the LF then ends the bad line and the next line is not eaten).
    let mut line = b"+OK 1 ".to_vec();
    line.resize(MAX_SERVER_REPLY - 2, b'z');
    line.extend_from_slice(b"\r\n");
    assert_eq!(line.len(), MAX_SERVER_REPLY);
    check_line(&line, MAX_SERVER_REPLY, ok([Arg::Num(1), Arg::Text]));
    let mut line = b"+OK 1 ".to_vec();
    line.resize(MAX_SERVER_REPLY - 1, b'z');
    line.extend_from_slice(b"\r\n");
    check_line(&line, MAX_SERVER_REPLY + 1, too_long);
    let mut line = b"+OK 1 ".to_vec();
    line.resize(MAX_SERVER_REPLY, b'z');
    line.extend_from_slice(b"\n");
    check_line(&line, MAX_SERVER_REPLY + 1, too_long);
    let mut line = b"+OK 1 ".to_vec();
    line.resize(MAX_SERVER_REPLY - 1, b'z');
    line.extend_from_slice(b"\n");
    check_line(&line, MAX_SERVER_REPLY, ok([Arg::Num(1), Arg::Text]));
}

#[test]
fn reply_greeting_timestamp() {
    let line = b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
    let (events, _) = replies_any_chunking(line);
    assert_eq!(events.len(), 1);
    let (at, result, stamp) = &events[0];
    assert_eq!(*at, line.len());
    assert_eq!(
        *result,
        Ok(Reply { ok: true, args: [Arg::Text, Arg::Text], timestamp_len: RFC_STAMP.len() })
    );
    assert_eq!(&stamp[..], RFC_STAMP);
    assert_eq!(find_timestamp(line), Some(RFC_STAMP));

    let cases: &[(&[u8], &[u8])] = &[
        (b"+OK <a@b>\r\n", b"<a@b>"),
        (b"+OK<a@b>\r\n", b""),                // bad status, no timestamp
        (b"+OK x<a>y <b>\r\n", b"<a>"),
        (b"+OK <a<b>c>\r\n", b"<a<b>"),
        (b"+OK <a b>\r\n", b""),
        (b"+OK <a b> <c>\r\n", b""),
        (b"+OK <abc\r\n", b""),
        (b"+OK <abc\r>\r\n", b""),
        (b"+OK <>\r\n", b"<>"),
        (b"-ERR <x>\r\n", b"<x>"),
        (b"+OK >< <\r\n", b""),
    ];
    for (line, want) in cases {
        let (events, _) = replies_any_chunking(line);
        assert_eq!(&events[0].2[..], *want, "{line:?}");
        if line.starts_with(b"+OK ") || line.starts_with(b"-ERR ") {
            let want = if want.is_empty() { None } else { Some(*want) };
            assert_eq!(find_timestamp(line), want, "{line:?}");
        }
    }
}

#[test]
fn reply_timestamp_buffer_too_small() {
    let line = b"+OK ready <12345>\r\n";
    for size in 0..=10 {
        let mut parser = ReplyParser::new();
        let mut backing = [b'#'; 16];
        let (n, result) = parser.feed(line, &mut backing[..size]);
        assert_eq!(n, line.len());
        let reply = result.unwrap().unwrap();
        assert_eq!(reply.timestamp_len, if size >= 7 { 7 } else { 0 });
        assert!(backing[size..].iter().all(|&b| b == b'#'), "wrote past the buffer");
        if size >= 7 {
            assert_eq!(&backing[..7], b"<12345>");
        }
    }
}

#[test]
fn two_replies_in_one_buffer() {
    let stream = b"+OK 1\r\n-ERR x\r\n";
    let mut parser = ReplyParser::new();
    let (n, result) = parser.feed(stream, &mut []);
    assert_eq!(n, 7);
    assert_eq!(result, Some(ok([Arg::Num(1), Arg::None])));
    let (n2, result) = parser.feed(&stream[n..], &mut []);
    assert_eq!(n2, 8);
    assert_eq!(result, Some(err([Arg::Text, Arg::None])));
    let (events, _) = replies_any_chunking(stream);
    assert_eq!(events.len(), 2);
    // A reply followed by message data: only the line is consumed.
    let stream = b"+OK 120 octets\r\nFrom: a\r\n.\r\n";
    let mut parser = ReplyParser::new();
    let (n, result) = parser.feed(stream, &mut []);
    assert_eq!(n, 16);
    assert_eq!(result, Some(ok([Arg::Num(120), Arg::Text])));
}

#[test]
fn reply_parser_reset_and_size() {
    let mut parser = ReplyParser::new();
    assert_eq!(parser.feed(b"+OK 12", &mut []), (6, None));
    assert!(parser.in_line());
    parser.reset();
    assert!(!parser.in_line());
    assert_eq!(parser.feed(b"-ERR\r\n", &mut []).1, Some(err([Arg::None; 2])));
    assert!(core::mem::size_of::<ReplyParser>() <= 48);
    assert_eq!(ReplyParser::default(), ReplyParser::new());
}

#[test]
fn reply_random_streams_any_chunking() {
    // Random lines of reply-ish bytes: chunking never changes the events.
    let mut rng = XorShift(0x1234_5678_9abc_def1);
    for _ in 0..300 {
        let mut stream = Vec::new();
        for _ in 0..rng.below(4) + 1 {
            let start: &[u8] = match rng.below(5) {
                0 => b"+OK ",
                1 => b"-ERR ",
                2 => b"+OK",
                3 => b"",
                _ => b"+O",
            };
            stream.extend_from_slice(start);
            let len = if rng.below(10) == 0 { 700 } else { rng.below(30) };
            for _ in 0..len {
                stream.push(*rng.pick(b"0123456789 <>a\r\n\0"));
            }
        }
        let whole = replies(&stream, &[]);
        let bytewise: Vec<usize> = (1..stream.len()).collect();
        assert_eq!(replies(&stream, &bytewise), whole);
        for _ in 0..10 {
            let mut cuts: Vec<usize> = (0..rng.below(5)).map(|_| rng.below(stream.len() + 1)).collect();
            cuts.sort_unstable();
            assert_eq!(replies(&stream, &cuts), whole);
        }
    }
}

// ---------------------------------------------------------------- body

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `decode` with an output buffer of this size per call.
    Copy(usize),
    /// `decode_in_place` on each chunk.
    InPlace,
}

/// Decodes `stream` cut at `cuts`; returns (output, consumed, end). Stops
/// feeding at the end of the message.
fn body(stream: &[u8], cuts: &[usize], mode: Mode) -> (Vec<u8>, usize, bool) {
    let mut decoder = BodyDecoder::new();
    let mut out = Vec::new();
    let mut consumed = 0;
    let mut bounds = cuts.to_vec();
    bounds.push(stream.len());
    let mut start = 0;
    for end in bounds {
        let chunk = &stream[start..end];
        start = end;
        match mode {
            Mode::Copy(cap) => {
                let mut pos = 0;
                let mut buf = vec![0xeeu8; cap + 4];
                loop {
                    let d = decoder.decode(&chunk[pos..], &mut buf[..cap]);
                    assert!(buf[cap..].iter().all(|&b| b == 0xee), "wrote past output");
                    assert!(d.produced <= cap && d.consumed <= chunk.len() - pos);
                    out.extend_from_slice(&buf[..d.produced]);
                    pos += d.consumed;
                    consumed += d.consumed;
                    if d.end {
                        assert!(decoder.is_end());
                        // Nothing more is consumed after the end.
                        let again = decoder.decode(&chunk[pos..], &mut buf[..cap]);
                        assert_eq!(again, Decoded { consumed: 0, produced: 0, end: true });
                        return (out, consumed, true);
                    }
                    if pos == chunk.len() {
                        break;
                    }
                    assert!(d.consumed + d.produced > 0, "no progress");
                }
            }
            Mode::InPlace => {
                let mut buf = chunk.to_vec();
                // A CR owed from `.` CR at the end of the last chunk: the
                // caller delivers it (in place has no room before byte 0).
                if let Some(&first) = chunk.first() {
                    if decoder.cr_pending(first) {
                        out.push(b'\r');
                        decoder.cr_delivered();
                    }
                }
                let d = decoder.decode_in_place(&mut buf);
                assert!(d.produced <= d.consumed);
                assert_eq!(&buf[d.consumed..], &chunk[d.consumed..], "bytes after the end touched");
                out.extend_from_slice(&buf[..d.produced]);
                consumed += d.consumed;
                if d.end {
                    return (out, consumed, true);
                }
                assert_eq!(d.consumed, chunk.len());
            }
        }
    }
    (out, consumed, false)
}

/// Every chunking and mode gives `want`.
fn check_body(stream: &[u8], want: &[u8], want_consumed: usize, want_end: bool) {
    let want = (want.to_vec(), want_consumed, want_end);
    let name = std::string::String::from_utf8_lossy(stream);
    let bytewise: Vec<usize> = (1..stream.len()).collect();
    for mode in [Mode::Copy(4096), Mode::Copy(1), Mode::Copy(2), Mode::Copy(3), Mode::InPlace] {
        assert_eq!(body(stream, &[], mode), want, "{name:?} whole {mode:?}");
        assert_eq!(body(stream, &bytewise, mode), want, "{name:?} bytewise {mode:?}");
        for cut in 0..=stream.len() {
            assert_eq!(body(stream, &[cut], mode), want, "{name:?} at {cut} {mode:?}");
        }
        if stream.len() <= 40 {
            for a in 0..=stream.len() {
                for b in a..=stream.len() {
                    assert_eq!(body(stream, &[a, b], mode), want, "{name:?} at {a},{b} {mode:?}");
                }
            }
        }
    }
}

#[test]
fn body_table() {
    let long_line: Vec<u8> = b"ab.cd\r.\n".iter().cycle().take(200).copied().collect();
    let mut long_stream = long_line.clone();
    long_stream.extend_from_slice(b"\r\n.\r\n");
    // Every line start (after CR LF) followed by a dot loses the dot.
    let mut long_want = Vec::new();
    let (mut line_start, mut prev) = (true, 0u8);
    for &b in &long_line {
        if !(line_start && b == b'.') {
            long_want.push(b);
        }
        line_start = prev == b'\r' && b == b'\n';
        prev = b;
    }
    long_want.extend_from_slice(b"\r\n");

    let cases: &[(&[u8], &[u8])] = &[
        (b"Hello\r\nWorld\r\n.\r\n", b"Hello\r\nWorld\r\n"),
        (b".\r\n", b""),
        (b"\r\n.\r\n", b"\r\n"),
        (b"..x\r\n.\r\n", b".x\r\n"),
        (b".x\r\n.\r\n", b"x\r\n"),
        (b"..\r\n.\r\n", b".\r\n"),
        (b"a\r\n..\r\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
        (b"...\r\n.\r\n", b"..\r\n"),
        // A bare LF starts no line: its dots are data, and LF . CR LF is no end.
        (b"a\nb\n.c\n..d\n.\r\n\r\n.\r\n", b"a\nb\n.c\n..d\n.\r\n\r\n"),
        (b".\n\r\n.\r\n", b"\n\r\n"),
        (b"abc\n.\r\nmore text\r\n.\r\n", b"abc\n.\r\nmore text\r\n"),
        (b"line 1\nline 2\n.\n..x\nnot the end\r\n.\r\n", b"line 1\nline 2\n.\n..x\nnot the end\r\n"),
        (b"\0\xff\x80.\r\n\xfe\r\n.\r\n", b"\0\xff\x80.\r\n\xfe\r\n"),
        (b"x.\r\n.y.\r\n.\r\n", b"x.\r\ny.\r\n"),
        // `.` CR then not LF: the dot is stuffing, the CR is data.
        (b".\rX\r\n.\r\n", b"\rX\r\n"),
        (b".\r.\r\n.\r\n", b"\r.\r\n"),
        (b".\r\r\n.\r\n", b"\r\r\n"),
        (b"a\r\n.\r\rb\r\n.\r\n", b"a\r\n\r\rb\r\n"),
        (b"..\rx\r\n.\ry\r\n.\r\n", b".\rx\r\n\ry\r\n"),
        (b"a\r\r\n.\r\n", b"a\r\r\n"),
        (b"a\n\r\n.\r\n", b"a\n\r\n"),
        (b"0123456789abcdef\n.0123456789abcdef\n..\r\n.\r\n", b"0123456789abcdef\n.0123456789abcdef\n..\r\n"),
        (b"0123456789abcdef\r\n.0123456789abcdef\r\n..\r\n.\r\n", b"0123456789abcdef\r\n0123456789abcdef\r\n.\r\n"),
        (b"\n\n\n\n\n\n\n\n\n.\n\n\n\n\n\n\n\n.\r\n\r\n.\r\n", b"\n\n\n\n\n\n\n\n\n.\n\n\n\n\n\n\n\n.\r\n\r\n"),
        (b"a\r\r\n..\r\n.\r\n", b"a\r\r\n.\r\n"),
    ];
    for (stream, want) in cases {
        check_body(stream, want, stream.len(), true);
    }
    check_body(&long_stream, &long_want, long_stream.len(), true);
}

#[test]
fn body_trailing_bytes_left_unconsumed() {
    check_body(b"a\r\n.\r\n+OK extra", b"a\r\n", 6, true);
    check_body(b".\r\n.\r\n", b"", 3, true);
    check_body(b"x\r\n.\r\n\r\n.\r\n", b"x\r\n", 6, true);
}

#[test]
fn body_incomplete() {
    check_body(b"abc\r\n.", b"abc\r\n", 6, false);
    check_body(b"abc\r\n.\r", b"abc\r\n", 7, false);
    check_body(b"abc\r\n", b"abc\r\n", 5, false);
    check_body(b"", b"", 0, false);
    check_body(b"\r\n.\n", b"\r\n\n", 4, false);
    check_body(b"a\r\n. \r\n", b"a\r\n \r\n", 7, false);
}

#[test]
fn body_stuffed_dot_line_split_is_not_the_end() {
    // "..\r\n" split as "." | ".\r\n": the second segment is exactly
    // ".\r\n" but is not the terminator.
    let stream = b"x\r\n..\r\ny\r\n.\r\n";
    let chunks: [&[u8]; 3] = [b"x\r\n.", b".\r\n", b"y\r\n.\r\n"];
    for mode in [Mode::Copy(64), Mode::Copy(1), Mode::InPlace] {
        assert_eq!(body(stream, &[4, 7], mode), (b"x\r\n.\r\ny\r\n".to_vec(), stream.len(), true));
    }
    let mut decoder = BodyDecoder::new();
    let mut out = [0u8; 16];
    let d = decoder.decode(chunks[0], &mut out);
    assert_eq!(d, Decoded { consumed: 4, produced: 3, end: false });
    let d = decoder.decode(chunks[1], &mut out);
    assert_eq!(d, Decoded { consumed: 3, produced: 3, end: false });
    assert_eq!(&out[..3], b".\r\n");
    let d = decoder.decode(chunks[2], &mut out);
    assert_eq!(d, Decoded { consumed: 6, produced: 3, end: true });
}

#[test]
fn body_terminator_split_anywhere() {
    let stream = b"Subject: hi\r\n\r\nbody.\r\n..\r\n.\r\n";
    for a in 0..=stream.len() {
        for b in a..=stream.len() {
            for c in b..=stream.len() {
                let got = body(stream, &[a, b, c], Mode::Copy(8));
                assert_eq!(got, (b"Subject: hi\r\n\r\nbody.\r\n.\r\n".to_vec(), stream.len(), true));
            }
        }
    }
}

#[test]
fn body_end_is_sticky_until_reset() {
    let mut decoder = BodyDecoder::new();
    let mut out = [0u8; 8];
    assert!(decoder.decode(b".\r\n", &mut out).end);
    assert_eq!(decoder.decode(b"abc", &mut out), Decoded { consumed: 0, produced: 0, end: true });
    let mut buf = *b"abc";
    assert_eq!(decoder.decode_in_place(&mut buf), Decoded { consumed: 0, produced: 0, end: true });
    decoder.reset();
    assert!(!decoder.is_end());
    assert_eq!(decoder.decode(b"abc", &mut out), Decoded { consumed: 3, produced: 3, end: false });
    assert_eq!(BodyDecoder::default(), BodyDecoder::new());
    assert!(core::mem::size_of::<BodyDecoder>() <= 4);
}

#[test]
fn body_full_output_still_sees_the_end() {
    // Output exactly as large as the message: the terminator is consumed in
    // the same call.
    let mut decoder = BodyDecoder::new();
    let mut out = [0u8; 5];
    let d = decoder.decode(b"ab\r\n.x\r\n.\r\nZZ", &mut out[..4]);
    assert_eq!(d, Decoded { consumed: 5, produced: 4, end: false });
    let d = decoder.decode(b"x\r\n.\r\nZZ", &mut out[..3]);
    assert_eq!(d, Decoded { consumed: 6, produced: 3, end: true });
    // Empty output: only bytes that produce nothing are consumed.
    let mut decoder = BodyDecoder::new();
    assert_eq!(decoder.decode(b"abc", &mut []), Decoded { consumed: 0, produced: 0, end: false });
    assert_eq!(decoder.decode(b".\r\n", &mut []), Decoded { consumed: 3, produced: 0, end: true });
}

/// Reference encoder: dot-stuffs `message` (line starts as RFC 1939 has
/// them: start and after every CR LF) and appends the terminator.
fn stuff(message: &[u8]) -> Vec<u8> {
    let mut message = message.to_vec();
    if !message.is_empty() && !message.ends_with(b"\r\n") {
        message.extend_from_slice(b"\r\n");
    }
    let mut out = Vec::new();
    let (mut line_start, mut prev) = (true, 0u8);
    for &b in &message {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = prev == b'\r' && b == b'\n';
        prev = b;
    }
    out.extend_from_slice(b".\r\n");
    out
}

fn random_message(rng: &mut XorShift) -> Vec<u8> {
    let len = match rng.below(8) {
        0 => 0,
        1 => rng.below(3000),
        _ => rng.below(120),
    };
    (0..len)
        .map(|_| match rng.below(10) {
            0..=2 => b'.',
            3 | 4 => b'\r',
            5 | 6 => b'\n',
            _ => rng.next() as u8,
        })
        .collect()
}

fn random_cuts(rng: &mut XorShift, len: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut pos = 0;
    let max = *rng.pick(&[1usize, 2, 3, 5, 17, 64, 1460]);
    while pos < len {
        pos += 1 + rng.below(max);
        if pos < len {
            cuts.push(pos);
        }
    }
    cuts
}

#[test]
fn body_property_round_trip() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..4000 {
        let message = random_message(&mut rng);
        let mut original = message.clone();
        if !original.is_empty() && !original.ends_with(b"\r\n") {
            original.extend_from_slice(b"\r\n");
        }
        let encoded = stuff(&message);
        let mut stream = encoded.clone();
        // Whatever follows the terminator is left alone.
        stream.extend_from_slice(&random_message(&mut rng));
        let cuts = random_cuts(&mut rng, stream.len());
        let mode = match rng.below(4) {
            0 => Mode::InPlace,
            1 => Mode::Copy(1 + rng.below(4)),
            2 => Mode::Copy(1 + rng.below(200)),
            _ => Mode::Copy(4096),
        };
        let got = body(&stream, &cuts, mode);
        assert_eq!(got, (original, encoded.len(), true), "{mode:?} {cuts:?}");
    }
}

#[test]
fn body_copy_and_in_place_agree_on_any_input() {
    // Arbitrary, often malformed, input: both entry points and all
    // chunkings agree.
    let mut rng = XorShift(0x0123_4567_89ab_cdef);
    for _ in 0..3000 {
        let stream = random_message(&mut rng);
        let reference = body(&stream, &[], Mode::Copy(1 << 16));
        let cuts = random_cuts(&mut rng, stream.len());
        assert_eq!(body(&stream, &cuts, Mode::InPlace), reference);
        assert_eq!(body(&stream, &cuts, Mode::Copy(1 + rng.below(7))), reference);
        assert_eq!(body(&stream, &[], Mode::InPlace), reference);
    }
}

// ---------------------------------------------------------------- parse_response_word

/// Runs parse_response_word into a sub-slice of a canary-filled array and
/// checks nothing past the sub-slice is written. Returns (count, out bytes).
fn word(buffer: &[u8], index: u32, out_len: usize, upper: bool, crlf: bool) -> (usize, Vec<u8>) {
    let mut backing = [0xa5u8; 96];
    let n = parse_response_word(buffer, index, &mut backing[..out_len], upper, crlf);
    assert!(backing[out_len..].iter().all(|&b| b == 0xa5), "wrote past out");
    assert!(n <= out_len);
    if n < out_len {
        assert_eq!(backing[n], 0, "NUL after the word");
    }
    (n, backing[..n].to_vec())
}

#[test]
fn response_words() {
    let reply = b"+OK 2 320\r\n";
    assert_eq!(word(reply, 1, 32, false, false), (3, b"+OK".to_vec()));
    assert_eq!(word(reply, 2, 32, false, false), (1, b"2".to_vec()));
    assert_eq!(word(reply, 3, 32, false, false), (3, b"320".to_vec()));
    assert_eq!(word(reply, 3, 32, false, true), (5, b"320\r\n".to_vec()));
    assert_eq!(word(reply, 2, 32, false, true), (1, b"2".to_vec()));
    assert_eq!(word(reply, 4, 32, false, false), (0, vec![]));
    assert_eq!(word(reply, 99, 32, false, false), (0, vec![]));
    assert_eq!(word(reply, u32::MAX, 32, false, false), (0, vec![]));
    assert_eq!(word(reply, 0, 32, false, false), (0, vec![]));
    assert_eq!(word(b"", 1, 32, false, false), (0, vec![]));
    assert_eq!(word(b"x", 1, 32, false, false), (1, b"x".to_vec()));
    assert_eq!(word(b"x", 2, 32, false, false), (0, vec![]));
    assert_eq!(word(b"\n", 1, 32, false, true), (0, vec![]));
    assert_eq!(word(b"-err No Such\r\n", 1, 32, true, false), (4, b"-ERR".to_vec()));
    assert_eq!(word(b"-err No Such\r\n", 3, 32, true, true), (6, b"SUCH\r\n".to_vec()));
    assert_eq!(word(b"a\xe9b c", 1, 32, true, false), (3, b"A\xe9B".to_vec()));
    // Single spaces separate: two spaces hold an empty word.
    assert_eq!(word(b"a  b", 2, 32, false, false), (0, vec![]));
    assert_eq!(word(b"a  b", 3, 32, false, false), (1, b"b".to_vec()));
    // Nothing after the end of the line counts.
    assert_eq!(word(b"+OK\r\nnext line", 2, 32, false, false), (0, vec![]));
    assert_eq!(word(b"+OK 1\rx y", 3, 32, false, false), (0, vec![]));
    // Bare LF or lone CR: no CRLF to copy.
    assert_eq!(word(b"+OK 1\n", 2, 32, false, true), (1, b"1".to_vec()));
    assert_eq!(word(b"+OK 1\r", 2, 32, false, true), (1, b"1".to_vec()));
}

#[test]
fn response_word_small_outputs() {
    let long = b"+OK averyveryverylongwordindeed\r\n";
    assert_eq!(word(long, 2, 0, false, false), (0, vec![]));
    assert_eq!(word(long, 2, 1, false, false), (1, b"a".to_vec()));
    assert_eq!(word(long, 2, 2, true, true), (2, b"AV".to_vec()));
    assert_eq!(word(long, 9, 0, false, false), (0, vec![]));
    assert_eq!(word(long, 9, 1, false, false), (0, vec![]));
    // Word fits but the CRLF only partly.
    assert_eq!(word(b"+OK abc\r\n", 2, 4, false, true), (4, b"abc\r".to_vec()));
    assert_eq!(word(b"+OK abc\r\n", 2, 5, false, true), (5, b"abc\r\n".to_vec()));
    assert_eq!(word(b"+OK abc\r\n", 2, 3, false, false), (3, b"abc".to_vec()));
    for len in 0..40 {
        let (n, _) = word(long, 2, len, false, true);
        assert_eq!(n, len.min(29));
    }
}

#[test]
fn timestamp_search() {
    assert_eq!(find_timestamp(b""), None);
    assert_eq!(find_timestamp(b"+OK ready"), None);
    assert_eq!(find_timestamp(b"<"), None);
    assert_eq!(find_timestamp(b"<>"), Some(&b"<>"[..]));
    assert_eq!(find_timestamp(b"x <a\0b>"), None);
    assert_eq!(find_timestamp(b"x <ab> <cd>"), Some(&b"<ab>"[..]));
}
