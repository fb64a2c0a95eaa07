//! Server status lines (`+OK ...` / `-ERR ...`), parsed as a stream.

use super::MAX_SERVER_REPLY;

/// One leading word of a reply after the status: `+OK 2 320` gives
/// `[Num(2), Num(320)]`, `+OK 120 octets` gives `[Num(120), Text]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// No such word.
    None,
    /// All digits, value fits in a `u32`.
    Num(u32),
    /// All digits, but the value is above `u32::MAX`.
    TooBig,
    /// Not all digits.
    Text,
}

/// Extended response code (RFC 2449 section 8, RFC 3206): the bracketed
/// first word of the text, as in `-ERR [IN-USE] mailbox locked`.
///
/// Codes are hierarchical (`SYS/TEMP`); levels are compared without regard
/// to case and levels past the ones known here are ignored (`[SYS/TEMP/X]`
/// is [`RespCode::SysTemp`]). Recognised on every status line, `+OK` too
/// (the grammar allows it; servers send them on `-ERR`), by
/// [`ReplyParser::feed_text`] when the code fits in its text buffer (16
/// bytes hold each code named here, `[LOGIN-DELAY]` being the longest),
/// and by [`resp_code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RespCode {
    /// No code: the text does not start with a well-formed `[...]`
    /// (levels of printable characters separated by `/`, closed by `]`
    /// before the end of the line).
    None,
    /// `[IN-USE]`: authenticated, but the maildrop is locked (RFC 2449 8.1.2).
    InUse,
    /// `[LOGIN-DELAY]`: logged in too recently (RFC 2449 8.1.1).
    LoginDelay,
    /// `[SYS/TEMP]`: temporary system failure, try later (RFC 3206).
    SysTemp,
    /// `[SYS/PERM]`: permanent system failure (RFC 3206).
    SysPerm,
    /// `[SYS]` with no or an unknown second level (RFC 3206).
    Sys,
    /// `[AUTH]`: the credentials were refused (RFC 3206).
    Auth,
    /// A well-formed code not listed here.
    Other,
}

/// The response code at the start of `text` (a status line's text, after
/// `+OK ` or `-ERR `): `[`, levels of bytes 0x21 to 0x7E other than `/` and
/// `]`, separated by `/`, then `]` (RFC 2449 section 9).
pub fn resp_code(text: &[u8]) -> RespCode {
    if text.first() != Some(&b'[') {
        return RespCode::None;
    }
    // The first two levels, as ranges of `text`.
    let mut levels = [(0usize, 0usize); 2];
    let mut count = 0usize;
    let mut start = 1usize;
    for (i, &byte) in text.iter().enumerate().skip(1) {
        if byte == b'/' || byte == b']' {
            if i == start {
                return RespCode::None;
            }
            if let Some(level) = levels.get_mut(count) {
                *level = (start, i);
            }
            count = count.saturating_add(1);
            start = i.saturating_add(1);
            if byte == b']' {
                return known_code(text, levels);
            }
        } else if !(0x21..=0x7e).contains(&byte) {
            break;
        }
    }
    RespCode::None
}

/// The code named by the first two levels (ranges of `text`).
#[inline(never)]
fn known_code(text: &[u8], levels: [(usize, usize); 2]) -> RespCode {
    let [first, second] = levels.map(|(a, b)| text.get(a..b).unwrap_or(&[]));
    let is = same_name;
    if is(first, b"IN-USE") {
        RespCode::InUse
    } else if is(first, b"LOGIN-DELAY") {
        RespCode::LoginDelay
    } else if is(first, b"AUTH") {
        RespCode::Auth
    } else if !is(first, b"SYS") {
        RespCode::Other
    } else if is(second, b"TEMP") {
        RespCode::SysTemp
    } else if is(second, b"PERM") {
        RespCode::SysPerm
    } else {
        RespCode::Sys
    }
}

/// `level` is `name` (upper case) without regard to case.
#[inline(never)]
fn same_name(level: &[u8], name: &[u8]) -> bool {
    level.len() == name.len() && level.iter().zip(name).all(|(a, b)| a.to_ascii_uppercase() == *b)
}

/// A parsed status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// `true` for `+OK`, `false` for `-ERR`.
    pub ok: bool,
    /// The first two words after the status.
    pub args: [Arg; 2],
    /// Bytes of the line's first `<...>` (brackets included) stored at the
    /// start of the timestamp buffer given to [`ReplyParser::feed`]; 0 if
    /// there is none, or it did not fit, or it was malformed.
    pub timestamp_len: usize,
    /// The response code at the start of the text, read by
    /// [`resp_code`] from the text buffer given to
    /// [`ReplyParser::feed_text`] (so found if its `]` fits in it);
    /// always [`RespCode::None`] from [`ReplyParser::feed`] and
    /// [`ReplyParser::feed_line`].
    pub code: RespCode,
    /// Length of the text: everything after the status and its SP, up to
    /// the line end (CR LF or LF) excluded, response code included. The
    /// first `min(text_len, text.len())` bytes are in the text buffer given
    /// to [`ReplyParser::feed_text`] (nothing with [`ReplyParser::feed`]).
    pub text_len: usize,
}

impl Reply {
    /// The whole text from the buffer given to [`ReplyParser::feed_text`],
    /// or `None` if it did not fit in that buffer.
    pub fn text<'t>(&self, buffer: &'t [u8]) -> Option<&'t [u8]> {
        buffer.get(..self.text_len)
    }
}

/// Why a status line was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyError {
    /// The line does not start with `+OK` or `-ERR` followed by SP or the
    /// end of the line (e.g. `+OKjunk`, `hello`, an empty line).
    BadStatus,
    /// The line is longer than [`MAX_SERVER_REPLY`] bytes (counting CR LF).
    TooLong,
    /// A NUL byte in the status line.
    Nul,
}

/// Where the parser is within the current line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Matching `+OK` / `-ERR`.
    Status,
    /// Status complete; SP or the end of the line must follow.
    AfterStatus,
    /// Reading the words after the status.
    Words,
    /// Throwing away the rest of a bad line, up to its LF.
    Discard,
}

/// Progress of the timestamp (`<...>`) capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stamp {
    /// No `<` seen yet.
    Search,
    /// Inside `<...`, copying.
    Open,
    /// `<...>` complete and stored.
    Done,
    /// The first `<...>` was unusable; no further search.
    Failed,
}

/// Streaming status-line parser. It keeps no line buffer, only a few bytes
/// of state, so a reply may arrive split at any byte: the result is the
/// same whatever the split.
///
/// A line ends at LF; a CR just before the LF is optional and not part of
/// the line (a CR anywhere else is an ordinary byte). After the status
/// (`+OK` or `-ERR`, upper case, then SP or end of line), the rest of the
/// line is split into words at runs of spaces; the first two are reported
/// as [`Arg`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyParser {
    phase: Phase,
    ok: bool,
    /// Bytes of the status token matched so far.
    matched: u8,
    /// Bytes of the current line seen so far (stops counting past the cap).
    len: u16,
    /// A CR was seen and is held back until the next byte shows whether it
    /// ends the line.
    cr: bool,
    /// Words completed so far (saturating).
    word: u8,
    /// The word being read, `Arg::None` between words.
    cur: Arg,
    args: [Arg; 2],
    stamp: Stamp,
    stamp_len: u16,
    /// Bytes of text seen (see [`Reply::text_len`]).
    text_len: u16,
}

/// The line cap as a `u16` (it is 512).
const CAP: u16 = if MAX_SERVER_REPLY < u16::MAX as usize {
    MAX_SERVER_REPLY as u16
} else {
    u16::MAX - 1
};

impl Default for ReplyParser {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplyParser {
    /// A parser at the start of a line.
    pub const fn new() -> Self {
        Self {
            phase: Phase::Status,
            ok: false,
            matched: 0,
            len: 0,
            cr: false,
            word: 0,
            cur: Arg::None,
            args: [Arg::None; 2],
            stamp: Stamp::Search,
            stamp_len: 0,
            text_len: 0,
        }
    }

    /// Forgets any partial line; the next byte fed starts a new line.
    /// (Out of line: called from four places of the byte loop.)
    #[inline(never)]
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// `true` if part of a line (possibly a bad line being discarded) has
    /// been consumed and its LF has not arrived yet: a connection that
    /// closes now closes mid-reply.
    pub fn in_line(&self) -> bool {
        self.len != 0 || self.phase == Phase::Discard
    }

    /// Feeds bytes of the reply stream.
    ///
    /// Consumes up to and including the LF that ends the line, never more.
    /// Returns `(consumed, None)` when all of `input` was consumed and the
    /// line is not finished, `(consumed, Some(Ok(reply)))` at the end of a
    /// good line, and `(consumed, Some(Err(e)))` as soon as the line is known
    /// to be bad (for [`ReplyError::TooLong`]: when byte
    /// `MAX_SERVER_REPLY + 1` of the line arrives without the line having
    /// ended). After `Some(..)` the parser is ready for the next line; after
    /// an error that was detected before the bad line's LF, it first
    /// silently discards the rest of the bad line, up to and including its
    /// LF, then parses the next line.
    ///
    /// `timestamp` receives the line's first `<...>`, brackets included
    /// (see [`Reply::timestamp_len`]): pass the same buffer to every feed of
    /// one line, or an empty slice if not wanted. The timestamp is refused
    /// (length 0) if it does not fit, has no closing `>` on the line, or
    /// contains a space or control byte. Bytes of `timestamp` past the
    /// reported length may be overwritten.
    pub fn feed(
        &mut self,
        input: &[u8],
        timestamp: &mut [u8],
    ) -> (usize, Option<Result<Reply, ReplyError>>) {
        self.feed_line(input, timestamp, &mut [])
    }

    /// Same as [`feed`](Self::feed), and also copies the line's text (see
    /// [`Reply::text_len`]) into `text`, as much as fits: pass the same
    /// buffer to every feed of one line. Bytes of `text` past the reported
    /// length may be overwritten. A text longer than the buffer is not an
    /// error: [`Reply::text`] says whether it is whole.
    pub fn feed_text(
        &mut self,
        input: &[u8],
        timestamp: &mut [u8],
        text: &mut [u8],
    ) -> (usize, Option<Result<Reply, ReplyError>>) {
        let (consumed, mut result) = self.feed_line(input, timestamp, text);
        if let Some(Ok(reply)) = &mut result {
            reply.code = resp_code(text.get(..reply.text_len).unwrap_or(text));
        }
        (consumed, result)
    }

    /// [`feed_text`](Self::feed_text) without the response code
    /// ([`Reply::code`] is always [`RespCode::None`]; [`resp_code`] of
    /// [`Reply::text`] gives it): for callers that do not look at codes, so
    /// that their programs do not link the code parser.
    pub fn feed_line(
        &mut self,
        input: &[u8],
        timestamp: &mut [u8],
        text: &mut [u8],
    ) -> (usize, Option<Result<Reply, ReplyError>>) {
        let mut consumed = 0usize;
        for &byte in input {
            consumed = consumed.saturating_add(1);
            if let Some(result) = self.byte(byte, timestamp, text) {
                return (consumed, Some(result));
            }
        }
        (consumed, None)
    }

    /// One byte of the stream.
    fn byte(&mut self, byte: u8, timestamp: &mut [u8], text: &mut [u8]) -> Option<Result<Reply, ReplyError>> {
        if self.phase == Phase::Discard {
            if byte == b'\n' {
                self.reset();
            }
            return None;
        }
        self.len = self.len.saturating_add(1);
        if self.len > CAP {
            return self.fail(ReplyError::TooLong, byte);
        }
        if byte == b'\n' {
            let result = self.end_of_line();
            self.reset();
            return Some(result);
        }
        if self.cr {
            // The held CR does not end the line: it is line content.
            self.cr = false;
            if let Err(error) = self.content(b'\r', timestamp, text) {
                return self.fail(error, byte);
            }
        }
        if byte == b'\r' {
            self.cr = true;
            return None;
        }
        if byte == 0 {
            return self.fail(ReplyError::Nul, byte);
        }
        match self.content(byte, timestamp, text) {
            Ok(()) => None,
            Err(error) => self.fail(error, byte),
        }
    }

    /// Reports `error`, detected at `byte`, and skips the rest of the line.
    fn fail(&mut self, error: ReplyError, byte: u8) -> Option<Result<Reply, ReplyError>> {
        self.reset();
        if byte != b'\n' {
            self.phase = Phase::Discard;
        }
        Some(Err(error))
    }

    /// A content byte of the line (not the line's final CR or LF).
    fn content(&mut self, byte: u8, timestamp: &mut [u8], text: &mut [u8]) -> Result<(), ReplyError> {
        match self.phase {
            Phase::Status => {
                if self.matched == 0 {
                    self.ok = match byte {
                        b'+' => true,
                        b'-' => false,
                        _ => return Err(ReplyError::BadStatus),
                    };
                    self.matched = 1;
                    return Ok(());
                }
                let token: &[u8] = if self.ok { b"+OK" } else { b"-ERR" };
                if token.get(usize::from(self.matched)) != Some(&byte) {
                    return Err(ReplyError::BadStatus);
                }
                self.matched = self.matched.saturating_add(1);
                if usize::from(self.matched) >= token.len() {
                    self.phase = Phase::AfterStatus;
                }
                Ok(())
            }
            Phase::AfterStatus => {
                if byte == b' ' {
                    self.phase = Phase::Words;
                    Ok(())
                } else {
                    Err(ReplyError::BadStatus)
                }
            }
            Phase::Words => {
                if let Some(slot) = text.get_mut(usize::from(self.text_len)) {
                    *slot = byte;
                }
                self.text_len = self.text_len.saturating_add(1);
                self.stamp_byte(byte, timestamp);
                self.word_byte(byte);
                Ok(())
            }
            Phase::Discard => Ok(()),
        }
    }

    /// Follows the first `<...>` of the line.
    fn stamp_byte(&mut self, byte: u8, timestamp: &mut [u8]) {
        match self.stamp {
            Stamp::Search if byte == b'<' => {
                self.stamp = Stamp::Open;
                self.stamp_len = 0;
            }
            Stamp::Open if byte > b' ' => {}
            Stamp::Open => {
                self.stamp = Stamp::Failed;
                return;
            }
            _ => return,
        }
        match timestamp.get_mut(usize::from(self.stamp_len)) {
            Some(slot) => {
                *slot = byte;
                self.stamp_len = self.stamp_len.saturating_add(1);
                if byte == b'>' {
                    self.stamp = Stamp::Done;
                }
            }
            None => self.stamp = Stamp::Failed,
        }
    }

    /// Classifies the words after the status.
    fn word_byte(&mut self, byte: u8) {
        if byte == b' ' {
            self.end_word();
            return;
        }
        self.cur = match (self.cur, byte) {
            (Arg::None, b'0'..=b'9') => Arg::Num(u32::from(byte.wrapping_sub(b'0'))),
            (Arg::Num(n), b'0'..=b'9') => n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u32::from(byte.wrapping_sub(b'0'))))
                .map_or(Arg::TooBig, Arg::Num),
            (Arg::TooBig, b'0'..=b'9') => Arg::TooBig,
            _ => Arg::Text,
        };
    }

    fn end_word(&mut self) {
        if self.cur != Arg::None {
            if let Some(slot) = self.args.get_mut(usize::from(self.word)) {
                *slot = self.cur;
            }
            self.word = self.word.saturating_add(1);
            self.cur = Arg::None;
        }
    }

    /// The LF of a line that is not (yet) known to be bad.
    fn end_of_line(&mut self) -> Result<Reply, ReplyError> {
        if self.phase == Phase::Status {
            return Err(ReplyError::BadStatus);
        }
        self.end_word();
        Ok(Reply {
            ok: self.ok,
            args: self.args,
            timestamp_len: if self.stamp == Stamp::Done {
                usize::from(self.stamp_len)
            } else {
                0
            },
            code: RespCode::None,
            text_len: usize::from(self.text_len),
        })
    }
}
