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
        }
    }

    /// Forgets any partial line; the next byte fed starts a new line.
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
        let mut consumed = 0usize;
        for &byte in input {
            consumed = consumed.saturating_add(1);
            if let Some(result) = self.byte(byte, timestamp) {
                return (consumed, Some(result));
            }
        }
        (consumed, None)
    }

    /// One byte of the stream.
    fn byte(&mut self, byte: u8, timestamp: &mut [u8]) -> Option<Result<Reply, ReplyError>> {
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
            if let Err(error) = self.content(b'\r', timestamp) {
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
        match self.content(byte, timestamp) {
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
    fn content(&mut self, byte: u8, timestamp: &mut [u8]) -> Result<(), ReplyError> {
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
        })
    }
}
