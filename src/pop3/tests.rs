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

/// The text of a good status line `line` (LF included): after `+OK ` or
/// `-ERR `, without the line end.
fn expected_text(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let skip = if line.starts_with(b"+OK") { 3 } else { 4 };
    line.get(skip + 1..).unwrap_or(b"")
}

/// Feeds `stream` cut at `cuts` (sorted offsets); returns every result with
/// the stream offset just after the byte that produced it, the timestamp,
/// and whether the parser is left inside a line. The text of each good line
/// is checked here (and then zeroed in the event).
fn replies(stream: &[u8], cuts: &[usize]) -> (Vec<Event>, bool) {
    let mut parser = ReplyParser::new();
    let mut stamp = [0u8; 80];
    let mut text = [0u8; 600];
    let mut line_start = 0;
    let mut events = Vec::new();
    let mut offset = 0;
    let mut bounds = cuts.to_vec();
    bounds.push(stream.len());
    let mut start = 0;
    for end in bounds {
        let mut chunk = &stream[start..end];
        start = end;
        while !chunk.is_empty() {
            let (n, result) = parser.feed_text(chunk, &mut stamp, &mut text);
            assert!(n <= chunk.len());
            offset += n;
            chunk = &chunk[n..];
            match result {
                None => assert!(chunk.is_empty(), "None before the input was used up"),
                Some(mut result) => {
                    if let Ok(reply) = &mut result {
                        assert_eq!(stream[offset - 1], b'\n', "result before LF");
                        let want = expected_text(&stream[line_start..offset]);
                        assert_eq!(reply.text(&text), Some(want), "text");
                        reply.text_len = 0;
                    }
                    let stamp_len = result.map(|r| r.timestamp_len).unwrap_or(0);
                    events.push((offset, result, stamp[..stamp_len].to_vec()));
                    stamp = [0u8; 80];
                    text = [0u8; 600];
                    line_start = if stream[offset - 1] == b'\n' {
                        offset
                    } else {
                        stream[offset..].iter().position(|&b| b == b'\n').map_or(stream.len(), |i| offset + i + 1)
                    };
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
    Ok(Reply { ok: true, args, timestamp_len: 0, code: RespCode::None, text_len: 0 })
}

fn err(args: [Arg; 2]) -> Result<Reply, ReplyError> {
    Ok(Reply { ok: false, args, timestamp_len: 0, code: RespCode::None, text_len: 0 })
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
        Ok(Reply {
            ok: true,
            args: [Arg::Text, Arg::Text],
            timestamp_len: RFC_STAMP.len(),
            code: RespCode::None,
            text_len: 0,
        })
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
    let text_len = |r: Result<Reply, ReplyError>, len| r.map(|r| Reply { text_len: len, ..r });
    assert_eq!(result, Some(text_len(ok([Arg::Num(1), Arg::None]), 1)));
    let (n2, result) = parser.feed(&stream[n..], &mut []);
    assert_eq!(n2, 8);
    assert_eq!(result, Some(text_len(err([Arg::Text, Arg::None]), 1)));
    let (events, _) = replies_any_chunking(stream);
    assert_eq!(events.len(), 2);
    // A reply followed by message data: only the line is consumed.
    let stream = b"+OK 120 octets\r\nFrom: a\r\n.\r\n";
    let mut parser = ReplyParser::new();
    let (n, result) = parser.feed(stream, &mut []);
    assert_eq!(n, 16);
    assert_eq!(result, Some(text_len(ok([Arg::Num(120), Arg::Text]), 10)));
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

// ================================================================ RFC 2449 and the rest of RFC 1939

// ---------------------------------------------------------------- new commands

#[test]
fn new_commands_encode_exactly() {
    let cases: &[(Command<'_>, &[u8], ReplyKind)] = &[
        (Command::Capa, b"CAPA\r\n", ReplyKind::Capa),
        (Command::ListAll, b"LIST\r\n", ReplyKind::ListAll),
        (Command::Uidl(7), b"UIDL 7\r\n", ReplyKind::Status),
        (Command::UidlAll, b"UIDL\r\n", ReplyKind::UidlAll),
        (Command::Top { message: 3, lines: 0 }, b"TOP 3 0\r\n", ReplyKind::Message),
        (Command::Top { message: u32::MAX, lines: u32::MAX }, b"TOP 4294967295 4294967295\r\n", ReplyKind::Message),
        (Command::Retr(1), b"RETR 1\r\n", ReplyKind::Message),
        (Command::List(1), b"LIST 1\r\n", ReplyKind::Status),
        (Command::Noop, b"NOOP\r\n", ReplyKind::Status),
        (Command::Rset, b"RSET\r\n", ReplyKind::Status),
        (Command::Stat, b"STAT\r\n", ReplyKind::Status),
    ];
    for (cmd, want, kind) in cases {
        assert_eq!(encode(*cmd).unwrap(), *want, "{cmd:?}");
        assert_eq!(cmd.reply_kind(), *kind, "{cmd:?}");
        for short in 0..want.len() {
            let mut out = vec![0u8; short];
            assert_eq!(encode_command(cmd, &mut out), Err(EncodeError::TooLong), "{cmd:?} {short}");
        }
    }
    assert!(!ReplyKind::Message.multi_line(false));
    assert!(ReplyKind::Message.multi_line(true));
    assert!(!ReplyKind::Status.multi_line(true));
}

// ---------------------------------------------------------------- response codes

/// `line` (one good status line) gives `code` whatever the chunking.
fn code_of(line: &[u8]) -> RespCode {
    let (events, in_line) = replies_any_chunking(line);
    assert!(!in_line);
    assert_eq!(events.len(), 1, "{:?}", std::string::String::from_utf8_lossy(line));
    events[0].1.unwrap().code
}

#[test]
fn resp_codes_recognised() {
    use RespCode::*;
    let cases: &[(&[u8], RespCode)] = &[
        (b"-ERR [IN-USE] Do you have another POP session running?\r\n", InUse),
        (b"-ERR [LOGIN-DELAY] wait 15 minutes\r\n", LoginDelay),
        (b"-ERR [SYS/TEMP] try later\r\n", SysTemp),
        (b"-ERR [SYS/PERM] account disabled\r\n", SysPerm),
        (b"-ERR [AUTH] bad password\r\n", Auth),
        (b"-ERR [SYS] something\r\n", Sys),
        (b"-ERR [SYS/OTHER] something\r\n", Sys),
        (b"-ERR [sys/temp] lower case\r\n", SysTemp),
        (b"-ERR [in-use]\r\n", InUse),
        (b"-ERR [IN-USE]\n", InUse),
        (b"-ERR [IN-USE]x\r\n", InUse),
        (b"-ERR [IN-USE/MORE/LEVELS] x\r\n", InUse),
        (b"-ERR [SYS/TEMP/MORE] x\r\n", SysTemp),
        (b"-ERR [SYS/TEMPX] x\r\n", Sys),
        (b"-ERR [AUTHX] x\r\n", Other),
        (b"-ERR [AUT] x\r\n", Other),
        (b"-ERR [X-VENDOR/THING] x\r\n", Other),
        (b"-ERR [UTF8] x\r\n", Other),
        (b"+OK [IN-USE] on +OK too\r\n", InUse),
        // Not codes.
        (b"-ERR IN-USE\r\n", None),
        (b"-ERR\r\n", None),
        (b"-ERR \r\n", None),
        (b"-ERR []\r\n", None),
        (b"-ERR [IN-USE\r\n", None),
        (b"-ERR [IN USE] x\r\n", None),
        (b"-ERR  [IN-USE] two spaces\r\n", None),
        (b"-ERR x [IN-USE]\r\n", None),
        (b"-ERR [SYS//TEMP]\r\n", None),
        (b"-ERR [SYS/]\r\n", None),
        (b"-ERR [/TEMP]\r\n", None),
        (b"-ERR [IN-USE\x01]\r\n", None),
        (b"-ERR [IN-USE\xc3\xa9]\r\n", None),
        (b"-ERR [IN-USE\r]\r\n", None),
    ];
    for (line, want) in cases {
        assert_eq!(code_of(line), *want, "{:?}", std::string::String::from_utf8_lossy(line));
    }
}

#[test]
fn reply_text_capture() {
    let line = b"-ERR [SYS/TEMP] try again later\r\n";
    let mut parser = ReplyParser::new();
    // Big enough: the whole text.
    let mut text = [b'#'; 40];
    let (n, r) = parser.feed_text(line, &mut [], &mut text);
    assert_eq!(n, line.len());
    let r = r.unwrap().unwrap();
    assert_eq!(r.text_len, 26);
    assert_eq!(r.text(&text), Some(&b"[SYS/TEMP] try again later"[..]));
    assert!(text[26..].iter().all(|&b| b == b'#'));
    // Too small: cut, never past the buffer, and `text` says so.
    let mut backing = [b'#'; 40];
    let (_, r) = parser.feed_text(line, &mut [], &mut backing[..10]);
    let r = r.unwrap().unwrap();
    assert_eq!((r.text_len, r.code), (26, RespCode::SysTemp));
    assert_eq!(r.text(&backing[..10]), None);
    assert_eq!(&backing[..10], b"[SYS/TEMP]");
    assert!(backing[10..].iter().all(|&b| b == b'#'));
    // The code is read from the text buffer: cut before its `]`, no code.
    let (_, r) = parser.feed_text(line, &mut [], &mut backing[..9]);
    assert_eq!(r.unwrap().unwrap().code, RespCode::None);
    // The plain feed reports the length, writes nothing, and has no code.
    let (_, r) = parser.feed(line, &mut []);
    let r = r.unwrap().unwrap();
    assert_eq!((r.text_len, r.code), (26, RespCode::None));
    // The same function for a stored text.
    assert_eq!(resp_code(b"[SYS/TEMP] try again later"), RespCode::SysTemp);
    assert_eq!(resp_code(b"[LOGIN-DELAY]"), RespCode::LoginDelay);
    assert_eq!(resp_code(b"[LOGIN-DELAY"), RespCode::None);
    assert_eq!(resp_code(b""), RespCode::None);
}

// ---------------------------------------------------------------- walks

/// A listing parser under test, with its output made comparable.
trait Walker {
    type Out: PartialEq + core::fmt::Debug + Clone;
    fn fresh() -> Self;
    /// One feed; the output includes the bytes written to `buf` (the
    /// unique-id or the raw CAPA line).
    fn step(&mut self, input: &[u8], buf: &mut [u8]) -> Fed<Self::Out>;
    fn end(&self) -> bool;
    fn inside(&self) -> bool;
}

impl Walker for ListWalk {
    type Out = ListEntry;
    fn fresh() -> Self {
        ListWalk::new()
    }
    fn step(&mut self, input: &[u8], _buf: &mut [u8]) -> Fed<ListEntry> {
        self.feed(input)
    }
    fn end(&self) -> bool {
        self.is_end()
    }
    fn inside(&self) -> bool {
        self.in_line()
    }
}

impl Walker for UidlWalk {
    type Out = (u32, Vec<u8>);
    fn fresh() -> Self {
        UidlWalk::new()
    }
    fn step(&mut self, input: &[u8], buf: &mut [u8]) -> Fed<(u32, Vec<u8>)> {
        let (n, r) = self.feed(input, buf);
        let r = r.map(|r| {
            r.map(|w| match w {
                Walk::Entry(e) => {
                    assert!(e.uid_len >= 1 && e.uid_len <= MAX_UID && e.uid_len <= buf.len());
                    Walk::Entry((e.number, buf[..e.uid_len].to_vec()))
                }
                Walk::End => Walk::End,
            })
        });
        (n, r)
    }
    fn end(&self) -> bool {
        self.is_end()
    }
    fn inside(&self) -> bool {
        self.in_line()
    }
}

impl Walker for CapaParser {
    type Out = (Capa, Vec<u8>, usize);
    fn fresh() -> Self {
        CapaParser::new()
    }
    fn step(&mut self, input: &[u8], buf: &mut [u8]) -> Fed<(Capa, Vec<u8>, usize)> {
        let (n, r) = self.feed(input, buf);
        let r = r.map(|r| {
            r.map(|w| match w {
                Walk::Entry(l) => Walk::Entry((l.capa, buf[..l.len.min(buf.len())].to_vec(), l.len)),
                Walk::End => Walk::End,
            })
        });
        (n, r)
    }
    fn end(&self) -> bool {
        self.is_end()
    }
    fn inside(&self) -> bool {
        self.in_line()
    }
}

type WalkEvents<O> = Vec<(usize, Result<Walk<O>, WalkError>)>;

/// Feeds `stream` cut at `cuts` to a fresh walker with a `buf_len`-byte
/// buffer (guarded: nothing may be written past it). Returns the events
/// with the stream offset after each, and the bytes consumed in all.
fn walk<W: Walker>(stream: &[u8], cuts: &[usize], buf_len: usize) -> (WalkEvents<W::Out>, usize, W) {
    let mut w = W::fresh();
    let mut backing = vec![b'#'; buf_len + 16];
    let mut events = Vec::new();
    let mut offset = 0;
    let mut bounds = cuts.to_vec();
    bounds.push(stream.len());
    let mut start = 0;
    'chunks: for end in bounds {
        let mut chunk = &stream[start.max(offset)..end.max(offset)];
        start = end;
        while !chunk.is_empty() {
            let (n, r) = w.step(chunk, &mut backing[..buf_len]);
            assert!(backing[buf_len..].iter().all(|&b| b == b'#'), "wrote past the buffer");
            assert!(n <= chunk.len());
            offset += n;
            chunk = &chunk[n..];
            match r {
                None => assert!(chunk.is_empty(), "None before the input was used up"),
                Some(r) => {
                    assert!(n >= 1, "a result out of zero bytes");
                    if let Ok(Walk::Entry(_)) = r {
                        assert!(!w.inside(), "an entry before its line ended");
                    }
                    let end = r == Ok(Walk::End);
                    events.push((offset, r));
                    if end {
                        assert!(w.end());
                        // Nothing more is consumed.
                        let (again, r) = w.step(&stream[offset..], &mut backing[..buf_len]);
                        assert_eq!((again, r), (0, Some(Ok(Walk::End))));
                        break 'chunks;
                    }
                }
            }
        }
    }
    (events, offset, w)
}

/// Every chunking gives the same events: whole, byte by byte, split at every
/// byte (every 97th for long streams), at every pair of bytes (short streams).
fn walk_any<W: Walker>(stream: &[u8], buf_len: usize) -> (WalkEvents<W::Out>, usize) {
    let (events, used, _) = walk::<W>(stream, &[], buf_len);
    let whole = (events, used);
    let bytewise: Vec<usize> = (1..stream.len()).collect();
    let (e, u, _) = walk::<W>(stream, &bytewise, buf_len);
    assert_eq!((e, u), whole, "byte by byte");
    let step = if stream.len() > 3000 { 97 } else { 1 };
    for cut in (0..=stream.len()).step_by(step) {
        let (e, u, _) = walk::<W>(stream, &[cut], buf_len);
        assert_eq!((e, u), whole, "split at {cut}");
    }
    if stream.len() <= 48 {
        for a in 0..=stream.len() {
            for b in a..=stream.len() {
                let (e, u, _) = walk::<W>(stream, &[a, b], buf_len);
                assert_eq!((e, u), whole, "split at {a},{b}");
            }
        }
    }
    whole
}

fn le(number: u32, size: u32) -> Result<Walk<ListEntry>, WalkError> {
    Ok(Walk::Entry(ListEntry { number, size }))
}

#[test]
fn list_walk_good() {
    let next = b"+OK next reply\r\n";
    type Case<'a> = (&'a [u8], &'a [(u32, u32)]);
    let cases: &[Case<'_>] = &[
        (b".\r\n", &[]),
        (b"1 120\r\n2 200\r\n.\r\n", &[(1, 120), (2, 200)]),
        (b"1 120\n2 200\n.\n", &[(1, 120), (2, 200)]),
        (b"1 120 extra words\r\n3 0\r\n.\r\n", &[(1, 120), (3, 0)]),
        (b"1   120\r\n", &[(1, 120)]),
        (b".7 1\r\n.\r\n", &[(7, 1)]),
        (b"4294967295 4294967295\r\n.\r\n", &[(u32::MAX, u32::MAX)]),
        (b"0001 0\r\n.\r\n", &[(1, 0)]),
    ];
    for (body, want) in cases {
        let mut stream = body.to_vec();
        if !stream.ends_with(b".\r\n") && !stream.ends_with(b".\n") {
            stream.extend_from_slice(b".\r\n");
        }
        let end_at = stream.len();
        stream.extend_from_slice(next);
        let (events, used) = walk_any::<ListWalk>(&stream, 0);
        assert_eq!(used, end_at, "{:?}", std::string::String::from_utf8_lossy(body));
        let mut expect: Vec<_> = want.iter().map(|&(n, s)| le(n, s)).collect();
        expect.push(Ok(Walk::End));
        assert_eq!(events.iter().map(|e| e.1).collect::<Vec<_>>(), expect);
        // The next reply is intact.
        let mut parser = ReplyParser::new();
        let (n, r) = parser.feed(&stream[used..], &mut []);
        assert_eq!(n, next.len());
        assert!(r.unwrap().unwrap().ok);
    }
}

/// A bad line: the error is reported at the byte that shows it, the rest of
/// the listing is skipped, `End` comes at its terminator, and the next
/// reply is untouched.
fn check_bad_walk<W: Walker>(body: &[u8], buf_len: usize, want_before: usize, want: WalkError) {
    let mut stream = body.to_vec();
    stream.extend_from_slice(b"9999 9999\r\n.\r\n");
    let end_at = stream.len();
    stream.extend_from_slice(b"+OK\r\n");
    let (events, used) = walk_any::<W>(&stream, buf_len);
    let what = std::string::String::from_utf8_lossy(body).into_owned();
    assert_eq!(used, end_at, "{what}");
    assert_eq!(events.len(), want_before + 2, "{what}: {events:?}");
    assert_eq!(events[want_before].1, Err(want), "{what}");
    assert_eq!(events[want_before + 1].1, Ok(Walk::End), "{what}");
}

#[test]
fn list_walk_bad_lines() {
    use WalkError::*;
    let long = {
        let mut l = b"1 1 ".to_vec();
        l.resize(MAX_SERVER_REPLY - 2, b'x');
        l.extend_from_slice(b"\r\n");
        l
    };
    // Exactly the cap is fine.
    assert_eq!(long.len(), MAX_SERVER_REPLY);
    let mut ok_stream = long.clone();
    ok_stream.extend_from_slice(b".\r\n");
    assert_eq!(walk_any::<ListWalk>(&ok_stream, 0).0.len(), 2);
    let mut too_long = long.clone();
    too_long.insert(5, b'x');
    let mut too_long_lf = long[..MAX_SERVER_REPLY - 2].to_vec();
    too_long_lf.extend_from_slice(b"xx\n");
    let cases: &[(&[u8], usize, WalkError)] = &[
        (b"0 120\r\n", 0, Malformed),
        (b"1\r\n", 0, Malformed),
        (b"1 \r\n", 0, Malformed),
        (b" 1 1\r\n", 0, Malformed),
        (b"x 1\r\n", 0, Malformed),
        (b"1 12a\r\n", 0, Malformed),
        (b"1 -1\r\n", 0, Malformed),
        (b"\r\n", 0, Malformed),
        (b"4294967296 1\r\n", 0, Malformed),
        (b"1 4294967296\r\n", 0, Malformed),
        (b"1 1\r2\r\n", 0, Malformed),
        (b".\rx\r\n", 0, Malformed),
        (b"1 1\r\n1 1\r\n", 1, OutOfOrder),
        (b"2 1\r\n1 1\r\n", 1, OutOfOrder),
        (b"1 1\r\n2 2\r\nbad\r\n3 3\r\n", 2, Malformed),
        (&too_long, 0, TooLong),
        (&too_long_lf, 0, TooLong),
    ];
    for &(body, before, want) in cases {
        check_bad_walk::<ListWalk>(body, 0, before, want);
    }
}

#[test]
fn list_walk_error_offsets() {
    // The error comes at the byte that shows the line bad, not later.
    let stream = b"1 1\r\n2 x2\r\n.\r\n";
    let (events, _) = walk_any::<ListWalk>(stream, 0);
    assert_eq!(events[1], (8, Err(WalkError::Malformed)));
    assert_eq!(events[2], (stream.len(), Ok(Walk::End)));
    // A walk cut off mid-line says so; between lines it does not.
    let (_, _, w) = walk::<ListWalk>(b"1 1\r\n2 ", &[], 0);
    assert!(w.in_line() && !w.is_end());
    let (_, _, w) = walk::<ListWalk>(b"1 1\r\n", &[], 0);
    assert!(!w.in_line() && !w.is_end() && !w.failed());
    let (_, _, w) = walk::<ListWalk>(b"x", &[], 0);
    assert!(w.failed());
}

#[test]
fn uidl_walk_good_and_buffer_sizes() {
    let uid70: Vec<u8> = (0..70).map(|i| 0x21 + (i as u8).wrapping_mul(7) % 94).collect();
    let mut stream = b"1 QhdPYR:00WBw1Ph7x7\r\n2 !\r\n".to_vec();
    stream.extend_from_slice(b"3 ");
    stream.extend_from_slice(&uid70);
    stream.extend_from_slice(b"\r\n5 ~}|  \r\n..\r\n.\r\n");
    let (events, used) = walk_any::<UidlWalk>(&stream, MAX_UID);
    assert_eq!(used, stream.len());
    let got: Vec<_> = events.into_iter().map(|e| e.1).collect();
    assert_eq!(
        got,
        vec![
            Ok(Walk::Entry((1, b"QhdPYR:00WBw1Ph7x7".to_vec()))),
            Ok(Walk::Entry((2, b"!".to_vec()))),
            Ok(Walk::Entry((3, uid70.clone()))),
            Ok(Walk::Entry((5, b"~}|".to_vec()))),
            // `..` unstuffs to `.`: a line with no message number.
            Err(WalkError::Malformed),
            Ok(Walk::End),
        ]
    );
    // A buffer of exactly the unique-id's length is enough; one byte less is
    // an error, never a truncated unique-id.
    let stream = b"1 abcdefghij\r\n.\r\n";
    let (events, _) = walk_any::<UidlWalk>(stream, 10);
    assert_eq!(events[0].1, Ok(Walk::Entry((1, b"abcdefghij".to_vec()))));
    check_bad_walk::<UidlWalk>(b"1 abcdefghij\r\n", 9, 0, WalkError::UidBufferTooSmall);
    check_bad_walk::<UidlWalk>(b"1 a\r\n", 0, 0, WalkError::UidBufferTooSmall);
}

#[test]
fn uidl_walk_bad_unique_ids() {
    use WalkError::*;
    let mut uid71 = b"1 ".to_vec();
    uid71.extend(std::iter::repeat_n(b'u', 71));
    uid71.extend_from_slice(b"\r\n");
    let cases: &[(&[u8], usize, WalkError)] = &[
        (&uid71, 0, BadUid),
        (b"1 a b\r\n", 0, BadUid),
        (b"1 ab\x7f\r\n", 0, BadUid),
        (b"1 ab\xc3\xa9\r\n", 0, BadUid),
        (b"1 a\tb\r\n", 0, BadUid),
        (b"1 a\x00b\r\n", 0, BadUid),
        (b"1 a\rb\r\n", 0, Malformed),
        (b"1\r\n", 0, Malformed),
        (b"1 \r\n", 0, Malformed),
        (b"0 a\r\n", 0, Malformed),
        (b"a 1\r\n", 0, Malformed),
        (b"1 a\r\n1 b\r\n", 1, OutOfOrder),
        (b"1 a\r\n3 c\r\n2 b\r\n", 2, OutOfOrder),
    ];
    for &(body, before, want) in cases {
        check_bad_walk::<UidlWalk>(body, MAX_UID, before, want);
    }
}

#[test]
fn uidl_walk_ten_thousand_entries() {
    let mut stream = Vec::new();
    let mut want = Vec::new();
    for n in 1..=10_000u32 {
        // Unique-ids of 1 to 70 bytes over the whole printable range.
        let len = 1 + (n as usize * 13) % 70;
        let uid: Vec<u8> = (0..len).map(|i| 0x21 + ((n as usize + i * 31) % 94) as u8).collect();
        // Message numbers with gaps (deleted messages are not listed).
        let number = n * 3 + (n % 3);
        stream.extend_from_slice(std::format!("{number} ").as_bytes());
        stream.extend_from_slice(&uid);
        stream.extend_from_slice(b"\r\n");
        want.push(Ok(Walk::Entry((number, uid))));
    }
    stream.extend_from_slice(b".\r\n");
    want.push(Ok(Walk::End));
    let check = |cuts: &[usize]| {
        let (events, used, _) = walk::<UidlWalk>(&stream, cuts, MAX_UID);
        assert_eq!(used, stream.len());
        assert!(events.iter().map(|e| &e.1).eq(want.iter()));
    };
    check(&[]);
    check(&(1..stream.len()).collect::<Vec<_>>());
    let mut rng = XorShift(0xfeed_5eed);
    for _ in 0..20 {
        let mut cuts = Vec::new();
        let mut at = 0;
        while at < stream.len() {
            at += 1 + rng.below(3000);
            cuts.push(at.min(stream.len()));
        }
        check(&cuts);
    }
    for cut in (0..stream.len()).step_by(4099) {
        check(&[cut]);
    }
}

#[test]
fn list_and_uidl_of_one_message() {
    // Through the status line's text, as a client does it.
    let mut parser = ReplyParser::new();
    let mut text = [0u8; MAX_SERVER_REPLY];
    let (_, r) = parser.feed_text(b"+OK 2 QhdPYR:00WBw1Ph7x7\r\n", &mut [], &mut text);
    let r = r.unwrap().unwrap();
    let mut uid = [0u8; MAX_UID];
    let e = parse_uidl_one(r.text(&text).unwrap(), &mut uid).unwrap();
    assert_eq!((e.number, &uid[..e.uid_len]), (2, &b"QhdPYR:00WBw1Ph7x7"[..]));
    let (_, r) = parser.feed_text(b"+OK 2 200\r\n", &mut [], &mut text);
    let r = r.unwrap().unwrap();
    assert_eq!(parse_list_one(r.text(&text).unwrap()), Ok(ListEntry { number: 2, size: 200 }));
    assert_eq!(parse_list_one(b"2 200 octets"), Ok(ListEntry { number: 2, size: 200 }));
    for bad in [&b""[..], b"2", b"2 ", b"x 2", b"0 1", b"2 2x", b"2 99999999999"] {
        assert_eq!(parse_list_one(bad), Err(WalkError::Malformed), "{bad:?}");
    }
    let mut uid = [b'#'; 8];
    assert_eq!(parse_uidl_one(b"1 a b", &mut uid), Err(WalkError::BadUid));
    assert_eq!(parse_uidl_one(b"1 abc\x01", &mut uid), Err(WalkError::BadUid));
    assert_eq!(parse_uidl_one(b"1", &mut uid), Err(WalkError::Malformed));
    assert_eq!(parse_uidl_one(b"1 abcdefghi", &mut uid), Err(WalkError::UidBufferTooSmall));
    let long = [b'x'; MAX_SERVER_REPLY];
    assert_eq!(parse_list_one(&long), Err(WalkError::TooLong));
    let mut uid71 = b"1 ".to_vec();
    uid71.extend(std::iter::repeat_n(b'u', 71));
    let mut big = [0u8; 100];
    assert_eq!(parse_uidl_one(&uid71, &mut big), Err(WalkError::BadUid));
    assert_eq!(parse_uidl_one(&uid71[..72], &mut big).unwrap().uid_len, 70);
}

// ---------------------------------------------------------------- CAPA

const DOVECOT_CAPA: &[u8] = b"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\n\
SASL PLAIN LOGIN cram-md5 X-UNKNOWN-MECH SCRAM-SHA-256 A-MECHANISM-NAME-LONGER-THAN-20\r\nSTLS\r\n\
UTF8 USER\r\nLOGIN-DELAY 900 USER\r\nEXPIRE NEVER\r\nIMPLEMENTATION Dovecot (Debian) \xc3\xa9\r\nLANG\r\n\
X-SOMETHING with params\r\n.\r\n";

#[test]
fn capa_full_reply() {
    let stream = DOVECOT_CAPA;
    let (events, used) = walk_any::<CapaParser>(stream, 100);
    assert_eq!(used, stream.len());
    let (_, _, parser) = walk::<CapaParser>(stream, &[], 100);
    let caps = parser.capabilities();
    use Capa::*;
    let lines: Vec<_> = events.iter().map(|e| e.1.clone()).collect();
    let want_capas = [
        Other, Top, Uidl, RespCodes, Pipelining, AuthRespCode, User, Sasl, Stls, Utf8, LoginDelay, Expire,
        Implementation, Lang, Other,
    ];
    assert_eq!(lines.len(), want_capas.len() + 1);
    for (got, want) in lines.iter().zip(want_capas) {
        let Ok(Walk::Entry((capa, raw, len))) = got else { panic!("{got:?}") };
        assert_eq!(*capa, want);
        assert_eq!(raw.len(), *len);
    }
    assert_eq!(lines[12], Ok(Walk::Entry((Implementation, b"IMPLEMENTATION Dovecot (Debian) \xc3\xa9".to_vec(), 34))));
    assert_eq!(lines.last().unwrap(), &Ok(Walk::End));
    for c in [Top, Uidl, RespCodes, Pipelining, AuthRespCode, User, Sasl, Stls, Utf8, LoginDelay, Expire, Implementation, Lang, Other] {
        assert!(caps.has(c), "{c:?}");
    }
    assert_eq!(
        caps.sasl,
        sasl::PLAIN | sasl::LOGIN | sasl::CRAM_MD5 | sasl::SCRAM_SHA_256 | sasl::OTHER
    );
    assert_eq!((caps.login_delay, caps.login_delay_per_user), (900, true));
    assert_eq!((caps.expire, caps.expire_per_user), (crate::pop3::Expire::Never, false));
    assert!(caps.utf8_user);
    // A minimal server.
    let (_, _, p) = walk::<CapaParser>(b"USER\r\nexpire 0 user\r\n.\r\n", &[], 0);
    let caps = p.capabilities();
    assert!(caps.has(User) && caps.has(Expire) && !caps.has(Top) && !caps.has(Pipelining));
    assert_eq!((caps.expire, caps.expire_per_user), (crate::pop3::Expire::Days(0), true));
    assert_eq!(caps.sasl, 0);
    assert_eq!(*CapaParser::new().capabilities(), Capabilities::new());
}

#[test]
fn capa_numbers_with_leading_zeros() {
    // Found by the `walks` fuzz target: leading zeros do not count against
    // the word buffer (the value is what must fit 32 bits).
    let (_, _, p) = walk::<CapaParser>(b"LOGIN-DELAY 000000000000097667489\r\nEXPIRE 00000000000000000000 USER\r\n.\r\n", &[], 0);
    let caps = p.capabilities();
    assert_eq!(caps.login_delay, 97_667_489);
    assert_eq!((caps.expire, caps.expire_per_user), (crate::pop3::Expire::Days(0), true));
    // Too big is still refused, zeros or not.
    let (events, _) = walk_any::<CapaParser>(b"LOGIN-DELAY 0004294967296\r\n.\r\n", 0);
    assert_eq!(events[0].1, Err(WalkError::Malformed));
}

#[test]
fn capa_raw_line_buffer() {
    // A line longer than the buffer is cut at the buffer, `len` is whole.
    let (events, _) = walk_any::<CapaParser>(b"SASL PLAIN LOGIN\r\n.\r\n", 8);
    assert_eq!(events[0].1, Ok(Walk::Entry((Capa::Sasl, b"SASL PLA".to_vec(), 16))));
    let (events, _) = walk_any::<CapaParser>(b"TOP\r\n.\r\n", 0);
    assert_eq!(events[0].1, Ok(Walk::Entry((Capa::Top, Vec::new(), 3))));
}

#[test]
fn capa_bad_lines() {
    use WalkError::*;
    let mut long = b"IMPLEMENTATION ".to_vec();
    long.resize(MAX_SERVER_REPLY, b'x');
    long.extend_from_slice(b"\r\n");
    let cases: &[(&[u8], usize, WalkError)] = &[
        (b"\r\n", 0, Malformed),
        (b" TOP\r\n", 0, Malformed),
        (b"TOP\r\nUI\x01DL\r\n", 1, Malformed),
        (b"TOP\tX\r\n", 0, Malformed),
        (b"LOGIN-DELAY\r\n", 0, Malformed),
        (b"LOGIN-DELAY abc\r\n", 0, Malformed),
        (b"LOGIN-DELAY 99999999999\r\n", 0, Malformed),
        (b"LOGIN-DELAY 10 FOO\r\n", 0, Malformed),
        (b"LOGIN-DELAY 10 USER X\r\n", 0, Malformed),
        (b"EXPIRE\r\n", 0, Malformed),
        (b"EXPIRE SOMETIMES\r\n", 0, Malformed),
        (b"EXPIRE NEVER FOO\r\n", 0, Malformed),
        (b"TOP\r\nUIDL\r\nSTLS\rX\r\n", 2, Malformed),
        (&long, 0, TooLong),
    ];
    for &(body, before, want) in cases {
        check_bad_walk::<CapaParser>(body, 64, before, want);
    }
    // The good lines before the error stay recorded, the bad one's values
    // do not.
    let (_, _, p) = walk::<CapaParser>(b"TOP\r\nLOGIN-DELAY 5 X\r\nUIDL\r\n.\r\n", &[], 0);
    assert!(p.failed() && p.is_end());
    assert!(p.capabilities().has(Capa::Top) && !p.capabilities().has(Capa::LoginDelay));
    assert!(!p.capabilities().has(Capa::Uidl));
    assert_eq!(p.capabilities().login_delay, 0);
}

// ---------------------------------------------------------------- pipelining and whole sessions

#[test]
fn pipeline_queue() {
    let mut p: Pipeline<3> = Pipeline::new();
    assert!(p.is_empty() && p.front().is_none() && p.pop().is_none());
    p.push(ReplyKind::Capa, 6).unwrap();
    p.push(ReplyKind::UidlAll, 6).unwrap();
    p.push(ReplyKind::Message, 8).unwrap();
    assert!(p.is_full());
    assert_eq!(p.push(ReplyKind::Status, 6), Err(PipelineFull));
    assert_eq!((p.len(), p.bytes_in_flight()), (3, 20));
    assert_eq!(p.pop(), Some(ReplyKind::Capa));
    p.push(ReplyKind::Status, 6).unwrap();
    // Wraps around, order kept.
    assert_eq!(p.pop(), Some(ReplyKind::UidlAll));
    assert_eq!(p.front(), Some(ReplyKind::Message));
    assert_eq!(p.pop(), Some(ReplyKind::Message));
    assert_eq!(p.bytes_in_flight(), 6);
    assert_eq!(p.pop(), Some(ReplyKind::Status));
    assert_eq!((p.pop(), p.len(), p.bytes_in_flight()), (None, 0, 0));
    for i in 0..10 {
        p.push(ReplyKind::Message, i).unwrap();
        assert_eq!(p.pop(), Some(ReplyKind::Message));
    }
    p.push(ReplyKind::Capa, 1).unwrap();
    p.clear();
    assert!(p.is_empty());
    let mut zero: Pipeline<0> = Pipeline::new();
    assert_eq!(zero.push(ReplyKind::Status, 1), Err(PipelineFull));
    assert!(zero.is_full() && zero.pop().is_none());
}

#[derive(Clone, Debug, PartialEq)]
enum Ev {
    Status(bool, RespCode, Vec<u8>),
    List(ListEntry),
    Uid(u32, Vec<u8>),
    Capa(Capa, Vec<u8>),
    Data(Vec<u8>),
    End,
    Bad(WalkError),
}

enum Phase {
    Status,
    Capa(CapaParser),
    List(ListWalk),
    Uidl(UidlWalk),
    Body(BodyDecoder),
}

/// Reads the replies to `kinds` (commands sent ahead) from `stream` cut at
/// `cuts`, as a pipelining client does: the queue's front says what comes.
fn session(stream: &[u8], kinds: &[ReplyKind], cuts: &[usize]) -> (Vec<Ev>, usize) {
    let mut queue: Pipeline<16> = Pipeline::new();
    for &k in kinds {
        queue.push(k, 6).unwrap();
    }
    let mut events: Vec<Ev> = Vec::new();
    let mut phase = Phase::Status;
    let mut parser = ReplyParser::new();
    let mut text = [0u8; MAX_SERVER_REPLY];
    let mut buf = [0u8; 100];
    let mut offset = 0;
    let mut bounds = cuts.to_vec();
    bounds.push(stream.len());
    let mut start = 0;
    for end in bounds {
        let mut chunk = &stream[start..end];
        start = end;
        while !chunk.is_empty() && !queue.is_empty() {
            let kind = queue.front().unwrap();
            let (n, done) = match &mut phase {
                Phase::Status => {
                    let (n, r) = parser.feed_text(chunk, &mut [], &mut text);
                    match r {
                        None => (n, false),
                        Some(r) => {
                            let r = r.unwrap();
                            events.push(Ev::Status(r.ok, r.code, r.text(&text).unwrap().to_vec()));
                            if kind.multi_line(r.ok) {
                                phase = match kind {
                                    ReplyKind::Capa => Phase::Capa(CapaParser::new()),
                                    ReplyKind::ListAll => Phase::List(ListWalk::new()),
                                    ReplyKind::UidlAll => Phase::Uidl(UidlWalk::new()),
                                    _ => Phase::Body(BodyDecoder::new()),
                                };
                                (n, false)
                            } else {
                                (n, true)
                            }
                        }
                    }
                }
                Phase::Capa(p) => {
                    let (n, r) = p.feed(chunk, &mut buf);
                    match r {
                        Some(Ok(Walk::Entry(l))) => events.push(Ev::Capa(l.capa, buf[..l.len].to_vec())),
                        Some(Ok(Walk::End)) => events.push(Ev::End),
                        Some(Err(e)) => events.push(Ev::Bad(e)),
                        None => {}
                    }
                    (n, p.is_end())
                }
                Phase::List(w) => {
                    let (n, r) = w.feed(chunk);
                    match r {
                        Some(Ok(Walk::Entry(e))) => events.push(Ev::List(e)),
                        Some(Ok(Walk::End)) => events.push(Ev::End),
                        Some(Err(e)) => events.push(Ev::Bad(e)),
                        None => {}
                    }
                    (n, w.is_end())
                }
                Phase::Uidl(w) => {
                    let (n, r) = w.feed(chunk, &mut buf);
                    match r {
                        Some(Ok(Walk::Entry(e))) => events.push(Ev::Uid(e.number, buf[..e.uid_len].to_vec())),
                        Some(Ok(Walk::End)) => events.push(Ev::End),
                        Some(Err(e)) => events.push(Ev::Bad(e)),
                        None => {}
                    }
                    (n, w.is_end())
                }
                Phase::Body(d) => {
                    let mut out = vec![0u8; chunk.len() + 1];
                    let r = d.decode(chunk, &mut out);
                    if r.produced > 0 {
                        match events.last_mut() {
                            Some(Ev::Data(data)) => data.extend_from_slice(&out[..r.produced]),
                            _ => events.push(Ev::Data(out[..r.produced].to_vec())),
                        }
                    }
                    if r.end {
                        events.push(Ev::End);
                    }
                    (r.consumed, r.end)
                }
            };
            offset += n;
            chunk = &chunk[n..];
            if done {
                queue.pop();
                phase = Phase::Status;
            }
        }
    }
    (events, offset)
}

#[test]
fn pipelined_session_any_split() {
    use ReplyKind::*;
    let kinds = [Capa, UidlAll, ListAll, Message, Status, Status, Message, UidlAll, Status, Message];
    let mut stream = Vec::new();
    stream.extend_from_slice(b"+OK Capability list follows\r\nTOP\r\nPIPELINING\r\n.\r\n");
    stream.extend_from_slice(b"+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
    stream.extend_from_slice(b"+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n");
    // TOP 1 2: headers, the empty line, two body lines, one of them stuffed.
    stream.extend_from_slice(b"+OK top of message follows\r\nSubject: x\r\n\r\n..dot line\r\n.\r\n");
    stream.extend_from_slice(b"+OK\r\n"); // NOOP
    stream.extend_from_slice(b"+OK maildrop has 2 messages\r\n"); // RSET
    stream.extend_from_slice(b"-ERR no such message\r\n"); // RETR 9: no body follows
    stream.extend_from_slice(b"-ERR [SYS/TEMP] try later\r\n"); // UIDL: no listing follows
    stream.extend_from_slice(b"-ERR [IN-USE] locked\r\n");
    stream.extend_from_slice(b"+OK\r\n.\r\n"); // an empty message
    let end = stream.len();
    stream.extend_from_slice(b"+OK not asked for\r\n");
    let want = vec![
        Ev::Status(true, RespCode::None, b"Capability list follows".to_vec()),
        Ev::Capa(crate::pop3::Capa::Top, b"TOP".to_vec()),
        Ev::Capa(crate::pop3::Capa::Pipelining, b"PIPELINING".to_vec()),
        Ev::End,
        Ev::Status(true, RespCode::None, b"".to_vec()),
        Ev::Uid(1, b"whqtswO00WBw418f9t5JxYwZ".to_vec()),
        Ev::Uid(2, b"QhdPYR:00WBw1Ph7x7".to_vec()),
        Ev::End,
        Ev::Status(true, RespCode::None, b"2 messages (320 octets)".to_vec()),
        Ev::List(ListEntry { number: 1, size: 120 }),
        Ev::List(ListEntry { number: 2, size: 200 }),
        Ev::End,
        Ev::Status(true, RespCode::None, b"top of message follows".to_vec()),
        Ev::Data(b"Subject: x\r\n\r\n.dot line\r\n".to_vec()),
        Ev::End,
        Ev::Status(true, RespCode::None, b"".to_vec()),
        Ev::Status(true, RespCode::None, b"maildrop has 2 messages".to_vec()),
        Ev::Status(false, RespCode::None, b"no such message".to_vec()),
        Ev::Status(false, RespCode::SysTemp, b"[SYS/TEMP] try later".to_vec()),
        Ev::Status(false, RespCode::InUse, b"[IN-USE] locked".to_vec()),
        Ev::Status(true, RespCode::None, b"".to_vec()),
        Ev::End,
    ];
    let whole = session(&stream, &kinds, &[]);
    assert_eq!(whole, (want, end));
    assert_eq!(session(&stream, &kinds, &(1..stream.len()).collect::<Vec<_>>()), whole, "byte by byte");
    for cut in 0..=stream.len() {
        assert_eq!(session(&stream, &kinds, &[cut]), whole, "split at {cut}");
    }
    let mut rng = XorShift(0xabcdef);
    for _ in 0..300 {
        let mut cuts: Vec<usize> = (0..rng.below(12)).map(|_| rng.below(stream.len() + 1)).collect();
        cuts.sort_unstable();
        assert_eq!(session(&stream, &kinds, &cuts), whole, "cuts {cuts:?}");
    }
}

#[test]
fn top_with_dot_lines_any_split() {
    // TOP's data is RETR's: every dot case of the body decoder, whole and
    // split at every byte, after a status line.
    let body: &[u8] = b"From: a\r\n..\r\n...\r\n.x\r\n.\rX\r\n\r\n.. \r\n";
    let want: &[u8] = b"From: a\r\n.\r\n..\r\nx\r\n\rX\r\n\r\n. \r\n";
    let mut stream = b"+OK\r\n".to_vec();
    stream.extend_from_slice(body);
    stream.extend_from_slice(b".\r\n");
    let kinds = [ReplyKind::Message];
    let whole = session(&stream, &kinds, &[]);
    assert_eq!(
        whole,
        (vec![Ev::Status(true, RespCode::None, b"".to_vec()), Ev::Data(want.to_vec()), Ev::End], stream.len())
    );
    for a in 0..=stream.len() {
        assert_eq!(session(&stream, &kinds, &[a]), whole, "split at {a}");
        for b in a..=stream.len() {
            assert_eq!(session(&stream, &kinds, &[a, b]), whole, "split at {a},{b}");
        }
    }
}

#[test]
fn engine_state_sizes() {
    // The client keeps these in its control block: small, fixed.
    assert!(core::mem::size_of::<ListWalk>() <= 24, "{}", core::mem::size_of::<ListWalk>());
    assert!(core::mem::size_of::<UidlWalk>() <= 24);
    assert!(core::mem::size_of::<CapaParser>() <= 72, "{}", core::mem::size_of::<CapaParser>());
    assert!(core::mem::size_of::<Pipeline<4>>() <= 64);
    std::eprintln!(
        "sizes: ReplyParser {} ListWalk {} UidlWalk {} CapaParser {} Capabilities {} Pipeline<4> {} BodyDecoder {}",
        core::mem::size_of::<ReplyParser>(),
        core::mem::size_of::<ListWalk>(),
        core::mem::size_of::<UidlWalk>(),
        core::mem::size_of::<CapaParser>(),
        core::mem::size_of::<Capabilities>(),
        core::mem::size_of::<Pipeline<4>>(),
        core::mem::size_of::<BodyDecoder>()
    );
}

#[test]
fn capa_every_sasl_mechanism() {
    let table: &[(&[u8], u16)] = &[
        (b"PLAIN", sasl::PLAIN),
        (b"login", sasl::LOGIN),
        (b"CRAM-MD5", sasl::CRAM_MD5),
        (b"DIGEST-MD5", sasl::DIGEST_MD5),
        (b"SCRAM-SHA-1", sasl::SCRAM_SHA_1),
        (b"SCRAM-SHA-256", sasl::SCRAM_SHA_256),
        (b"GSSAPI", sasl::GSSAPI),
        (b"EXTERNAL", sasl::EXTERNAL),
        (b"ANONYMOUS", sasl::ANONYMOUS),
        (b"XOAUTH2", sasl::XOAUTH2),
        (b"OAUTHBEARER", sasl::OAUTHBEARER),
        (b"NTLM", sasl::NTLM),
        (b"SCRAM-SHA-256-PLUS", sasl::OTHER),
        (b"PLAINX", sasl::OTHER),
        (b"PLAI", sasl::OTHER),
        (b"A-NAME-FAR-LONGER-THAN-TWENTY-BYTES", sasl::OTHER),
    ];
    for &(name, bit) in table {
        let mut stream = b"SASL ".to_vec();
        stream.extend_from_slice(name);
        stream.extend_from_slice(b"\r\n.\r\n");
        let (_, _, p) = walk::<CapaParser>(&stream, &[], 0);
        assert_eq!(p.capabilities().sasl, bit, "{:?}", std::string::String::from_utf8_lossy(name));
    }
}

/// `feed_line` is `feed_text` without the response code: same consumption,
/// same reply (text, arguments, timestamp) but `code` always `None`, at
/// every split of the input.
#[test]
fn feed_line_is_feed_text_without_code() {
    let lines: [(&[u8], RespCode); 4] = [
        (b"-ERR [IN-USE] locked\r\n", RespCode::InUse),
        (b"+OK [SYS/TEMP] 2 320 <1.2@x>\r\n", RespCode::SysTemp),
        (b"+OK 5 octets\r\n", RespCode::None),
        (b"-ERR [AUTH]\r\n", RespCode::Auth),
    ];
    for (line, code) in lines {
        for split in 0..=line.len() {
            let (mut a, mut b) = (ReplyParser::new(), ReplyParser::new());
            let (mut ta, mut tb) = ([0u8; 64], [0u8; 64]);
            let (mut sa, mut sb) = ([0u8; 16], [0u8; 16]);
            let (first, second) = line.split_at(split);
            let (na, ra) = a.feed_text(first, &mut sa, &mut ta);
            let (nb, rb) = b.feed_line(first, &mut sb, &mut tb);
            assert_eq!(na, nb);
            let (ra, rb) = match (ra, rb) {
                (Some(ra), Some(rb)) => (ra.unwrap(), rb.unwrap()),
                (None, None) => {
                    let (na, ra) = a.feed_text(second, &mut sa, &mut ta);
                    let (nb, rb) = b.feed_line(second, &mut sb, &mut tb);
                    assert_eq!(na, nb);
                    (ra.unwrap().unwrap(), rb.unwrap().unwrap())
                }
                other => panic!("{other:?}"),
            };
            assert_eq!(rb.code, RespCode::None);
            assert_eq!(ra.code, code, "{line:?}");
            assert_eq!(Reply { code: RespCode::None, ..ra }, rb);
            assert_eq!(resp_code(rb.text(&tb).unwrap()), ra.code);
            assert_eq!((ta, sa), (tb, sb));
        }
    }
}
