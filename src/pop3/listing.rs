//! Multi-line listings, parsed as a stream entry by entry: the scan
//! listing of `LIST` and the unique-id listing of `UIDL` without argument
//! (RFC 1939 sections 5 and 7), the same lines in the `+OK` of `LIST n` and
//! `UIDL n`, and the line framing shared with [`CapaParser`](super::CapaParser).
//!
//! A walk is fed the bytes that follow the `+OK` status line (read with
//! [`ReplyParser`](super::ReplyParser)) and hands out one entry per result,
//! whatever the segmentation and however many entries there are: it keeps a
//! few bytes of state and no line buffer; a unique-id goes straight into the
//! caller's buffer.
//!
//! Lines: a line ends at LF, a CR just before it is part of the line end; a
//! CR anywhere else is an error. At the start of a line `.` CR LF (or `.`
//! LF) ends the listing, and any other leading `.` is dot-stuffing, removed.
//! A line longer than [`MAX_SERVER_REPLY`] bytes (line end included) is an
//! error.
//!
//! Entries: `number SP size [SP anything]` for `LIST` (RFC 1939 allows
//! anything after the size), `number SP unique-id [SP...]` for `UIDL`, where
//! the number is 1 to `u32::MAX`, the size fits in a `u32`, and the
//! unique-id is 1 to 70 bytes 0x21 to 0x7E (RFC 1939 section 7); runs of
//! spaces count as one separator. In a walk, message numbers must increase.
//!
//! Errors: the walk reports the first bad line as soon as it is known to be
//! bad and from then on consumes the rest of the listing silently; it reports
//! [`Walk::End`] at the terminator as usual, so the session can go on with the
//! next reply right where this one ended.

use super::MAX_SERVER_REPLY;

/// Longest unique-id, RFC 1939 section 7.
pub const MAX_UID: usize = 70;

/// Why a listing line (or a `LIST n` / `UIDL n` reply) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkError {
    /// The line does not have the form of the listing's entries (missing
    /// field, a non-digit in a number, message number 0, a number above
    /// `u32::MAX`, a stray CR, a bad CAPA line).
    Malformed,
    /// The line is longer than [`MAX_SERVER_REPLY`] bytes.
    TooLong,
    /// The message number is not above the previous entry's.
    OutOfOrder,
    /// The unique-id is longer than [`MAX_UID`] bytes or holds a byte
    /// outside 0x21 to 0x7E: a server error.
    BadUid,
    /// The unique-id is valid but longer than the caller's buffer: nothing
    /// was written past the buffer and the entry is not handed out.
    UidBufferTooSmall,
}

/// What a feed returns: bytes consumed, and a result if one was reached.
pub type Fed<T> = (usize, Option<Result<Walk<T>, WalkError>>);

/// One result of a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk<T> {
    /// The next entry.
    Entry(T),
    /// The terminator line was consumed; nothing after it was. Further feeds
    /// consume nothing and report `End` again.
    End,
}

/// A scan listing entry (`LIST`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// Message number.
    pub number: u32,
    /// Size in octets.
    pub size: u32,
}

/// A unique-id listing entry (`UIDL`); the unique-id is in the caller's
/// buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UidlEntry {
    /// Message number.
    pub number: u32,
    /// Length of the unique-id at the start of the caller's buffer (1 to
    /// [`MAX_UID`]).
    pub uid_len: usize,
}

/// What the framing made of one byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Consumed, nothing to do (a stuffing dot, a CR before LF).
    Nothing,
    /// A byte of the line's content.
    Content(u8),
    /// The LF ending a line.
    EndOfLine,
    /// The LF of the terminator line.
    End,
    /// The line is bad.
    Error(WalkError),
}

/// Where the framing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FrameState {
    /// At the first byte of a line.
    LineStart,
    /// A `.` started the line.
    Dot,
    /// `.` CR started the line.
    DotCr,
    /// Inside a line.
    Mid,
    /// The terminator has been consumed.
    End,
}

/// Line framing of a multi-line listing (module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    state: FrameState,
    /// A CR was consumed and must be followed by LF.
    cr: bool,
    /// After an error: consume up to the terminator, report nothing else.
    draining: bool,
    /// Bytes of the current line so far (saturating).
    len: u16,
}

impl Frame {
    pub(crate) const fn new() -> Self {
        Self { state: FrameState::LineStart, cr: false, draining: false, len: 0 }
    }

    pub(crate) fn is_end(&self) -> bool {
        self.state == FrameState::End
    }

    pub(crate) fn is_draining(&self) -> bool {
        self.draining
    }

    /// `true` when no byte of a line has been consumed since the last line
    /// ended (a connection that closes now closes between lines).
    pub(crate) fn at_line_start(&self) -> bool {
        self.state == FrameState::LineStart || self.state == FrameState::End
    }

    /// Called when the content parser refused the line: report nothing more
    /// and skip to the terminator.
    pub(crate) fn fail(&mut self) {
        self.draining = true;
        self.cr = false;
    }

    /// One byte. In draining mode only `End` (and `Nothing`) come out.
    pub(crate) fn byte(&mut self, byte: u8) -> Step {
        if self.state == FrameState::End {
            return Step::End;
        }
        let step = self.frame(byte);
        if self.draining {
            return match step {
                Step::End => Step::End,
                _ => Step::Nothing,
            };
        }
        if let Step::Error(_) = step {
            self.fail();
        }
        step
    }

    fn frame(&mut self, byte: u8) -> Step {
        self.len = self.len.saturating_add(1);
        if !self.draining && usize::from(self.len) > MAX_SERVER_REPLY {
            // A terminator line is never this long: this LF (if it is one)
            // ends an ordinary line.
            self.state = if byte == b'\n' { FrameState::LineStart } else { FrameState::Mid };
            self.len = 0;
            return Step::Error(WalkError::TooLong);
        }
        if byte == b'\n' {
            self.cr = false;
            self.len = 0;
            let ends = matches!(self.state, FrameState::Dot | FrameState::DotCr);
            self.state = if ends { FrameState::End } else { FrameState::LineStart };
            return if ends { Step::End } else { Step::EndOfLine };
        }
        if self.cr || self.state == FrameState::DotCr {
            // A CR not followed by LF.
            self.cr = false;
            self.state = FrameState::Mid;
            return Step::Error(WalkError::Malformed);
        }
        match (self.state, byte) {
            (FrameState::LineStart, b'.') => {
                self.state = FrameState::Dot;
                Step::Nothing
            }
            (FrameState::Dot, b'\r') => {
                self.state = FrameState::DotCr;
                Step::Nothing
            }
            (_, b'\r') => {
                self.state = FrameState::Mid;
                self.cr = true;
                Step::Nothing
            }
            _ => {
                self.state = FrameState::Mid;
                Step::Content(byte)
            }
        }
    }
}

/// Field being read in an entry line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// The message number.
    Number,
    /// Spaces after the number.
    Gap,
    /// The size or the unique-id.
    Value,
    /// After the value (and a space).
    Rest,
}

/// Parser of one entry line's content (no framing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EntryLine {
    field: Field,
    number: u32,
    /// The size (`LIST`) or the unique-id length (`UIDL`).
    value: u32,
    /// Bytes of the current field so far (saturating).
    digits: u8,
}

impl EntryLine {
    const fn new() -> Self {
        Self { field: Field::Number, number: 0, value: 0, digits: 0 }
    }

    /// `acc * 10 + digit`, `None` on overflow.
    fn push_digit(acc: u32, byte: u8) -> Option<u32> {
        acc.checked_mul(10)?.checked_add(u32::from(byte.wrapping_sub(b'0')))
    }

    /// A content byte. `uid` is `Some(buffer)` for a unique-id listing.
    fn byte(&mut self, byte: u8, uid: Option<&mut [u8]>) -> Result<(), WalkError> {
        match (self.field, byte) {
            (Field::Number, b'0'..=b'9') => {
                self.number = Self::push_digit(self.number, byte).ok_or(WalkError::Malformed)?;
                self.digits = self.digits.saturating_add(1);
            }
            (Field::Number, b' ') if self.digits > 0 => self.field = Field::Gap,
            (Field::Number, _) => return Err(WalkError::Malformed),
            (Field::Gap, b' ') => {}
            (Field::Gap, _) => {
                self.field = Field::Value;
                self.digits = 0;
                return self.value_byte(byte, uid);
            }
            (Field::Value, b' ') => self.field = Field::Rest,
            (Field::Value, _) => return self.value_byte(byte, uid),
            (Field::Rest, b' ') => {}
            // After a unique-id only spaces; after a size anything.
            (Field::Rest, _) if uid.is_some() => return Err(WalkError::BadUid),
            (Field::Rest, _) => {}
        }
        Ok(())
    }

    fn value_byte(&mut self, byte: u8, uid: Option<&mut [u8]>) -> Result<(), WalkError> {
        match uid {
            None => {
                if !byte.is_ascii_digit() {
                    return Err(WalkError::Malformed);
                }
                self.value = Self::push_digit(self.value, byte).ok_or(WalkError::Malformed)?;
            }
            Some(buffer) => {
                if !(0x21..=0x7e).contains(&byte) {
                    return Err(WalkError::BadUid);
                }
                let at = self.value as usize;
                if at >= MAX_UID {
                    return Err(WalkError::BadUid);
                }
                let slot = buffer.get_mut(at).ok_or(WalkError::UidBufferTooSmall)?;
                *slot = byte;
                self.value = self.value.saturating_add(1);
            }
        }
        self.digits = self.digits.saturating_add(1);
        Ok(())
    }

    /// The line ended: the `(number, value)` of a complete entry.
    fn finish(&mut self) -> Result<(u32, u32), WalkError> {
        let done = *self;
        *self = Self::new();
        match done.field {
            Field::Value | Field::Rest if done.number != 0 => Ok((done.number, done.value)),
            _ => Err(WalkError::Malformed),
        }
    }
}

/// The walk shared by `LIST` and `UIDL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Walker {
    frame: Frame,
    line: EntryLine,
    /// Message number of the previous entry (0 before the first).
    last: u32,
}

impl Walker {
    const fn new() -> Self {
        Self { frame: Frame::new(), line: EntryLine::new(), last: 0 }
    }

    fn feed(&mut self, input: &[u8], mut uid: Option<&mut [u8]>) -> Fed<(u32, u32)> {
        if self.frame.is_end() {
            return (0, Some(Ok(Walk::End)));
        }
        let mut consumed = 0usize;
        for &byte in input {
            consumed = consumed.saturating_add(1);
            let result = match self.frame.byte(byte) {
                Step::Nothing => continue,
                Step::End => Ok(Walk::End),
                Step::Error(e) => Err(e),
                Step::Content(b) => match self.line.byte(b, uid.as_deref_mut()) {
                    Ok(()) => continue,
                    Err(e) => Err(e),
                },
                Step::EndOfLine => match self.line.finish() {
                    Ok((number, _)) if number <= self.last => Err(WalkError::OutOfOrder),
                    Ok((number, value)) => {
                        self.last = number;
                        Ok(Walk::Entry((number, value)))
                    }
                    Err(e) => Err(e),
                },
            };
            if result.is_err() {
                self.frame.fail();
            }
            return (consumed, Some(result));
        }
        (consumed, None)
    }
}

/// Streaming walk of a `LIST` scan listing (the lines after `+OK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListWalk {
    walker: Walker,
}

impl Default for ListWalk {
    fn default() -> Self {
        Self::new()
    }
}

impl ListWalk {
    /// A walk at the first line of the listing.
    pub const fn new() -> Self {
        Self { walker: Walker::new() }
    }

    /// Feeds bytes of the listing. Consumes up to and including the LF that
    /// completes an entry, the terminator or the byte that shows a line to be
    /// bad, never more. Returns `(consumed, None)` when all of `input` was
    /// consumed without a result; `Some(Ok(Walk::Entry(_)))` for each entry,
    /// `Some(Ok(Walk::End))` at the terminator, `Some(Err(_))` at the first
    /// bad line (after which the rest of the listing is skipped up to the
    /// terminator, which is still reported as `End`).
    pub fn feed(&mut self, input: &[u8]) -> Fed<ListEntry> {
        let (n, result) = self.walker.feed(input, None);
        let result = result.map(|r| r.map(|w| match w {
            Walk::Entry((number, size)) => Walk::Entry(ListEntry { number, size }),
            Walk::End => Walk::End,
        }));
        (n, result)
    }

    /// `true` once the terminator has been consumed.
    pub fn is_end(&self) -> bool {
        self.walker.frame.is_end()
    }

    /// `true` after an error: the rest of the listing is being skipped.
    pub fn failed(&self) -> bool {
        self.walker.frame.is_draining()
    }

    /// `true` if part of a line has been consumed: a connection that closes
    /// now closes mid-line.
    pub fn in_line(&self) -> bool {
        !self.walker.frame.at_line_start()
    }
}

/// Streaming walk of a `UIDL` unique-id listing (the lines after `+OK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UidlWalk {
    walker: Walker,
}

impl Default for UidlWalk {
    fn default() -> Self {
        Self::new()
    }
}

impl UidlWalk {
    /// A walk at the first line of the listing.
    pub const fn new() -> Self {
        Self { walker: Walker::new() }
    }

    /// Same as [`ListWalk::feed`]; the unique-id of each entry is written to
    /// the start of `uid` (pass the same buffer to every feed of one entry).
    /// A unique-id longer than `uid` is [`WalkError::UidBufferTooSmall`]
    /// (71 bytes of room always suffice: [`MAX_UID`]). Bytes of `uid` past
    /// the reported length may be overwritten.
    pub fn feed(&mut self, input: &[u8], uid: &mut [u8]) -> Fed<UidlEntry> {
        let (n, result) = self.walker.feed(input, Some(uid));
        let result = result.map(|r| r.map(|w| match w {
            Walk::Entry((number, len)) => Walk::Entry(UidlEntry { number, uid_len: len as usize }),
            Walk::End => Walk::End,
        }));
        (n, result)
    }

    /// `true` once the terminator has been consumed.
    pub fn is_end(&self) -> bool {
        self.walker.frame.is_end()
    }

    /// `true` after an error: the rest of the listing is being skipped.
    pub fn failed(&self) -> bool {
        self.walker.frame.is_draining()
    }

    /// `true` if part of a line has been consumed: a connection that closes
    /// now closes mid-line.
    pub fn in_line(&self) -> bool {
        !self.walker.frame.at_line_start()
    }
}

/// Runs the entry parser over a whole line without its line end.
fn parse_one(text: &[u8], mut uid: Option<&mut [u8]>) -> Result<(u32, u32), WalkError> {
    if text.len() >= MAX_SERVER_REPLY {
        return Err(WalkError::TooLong);
    }
    let mut line = EntryLine::new();
    for &byte in text {
        line.byte(byte, uid.as_deref_mut())?;
    }
    line.finish()
}

/// The entry in the text of the `+OK` reply to `LIST n`
/// ([`Reply::text`](super::Reply::text)), e.g. `b"2 200"`.
pub fn parse_list_one(text: &[u8]) -> Result<ListEntry, WalkError> {
    parse_one(text, None).map(|(number, size)| ListEntry { number, size })
}

/// The entry in the text of the `+OK` reply to `UIDL n`
/// ([`Reply::text`](super::Reply::text)), e.g. `b"2 QhdPYR:00WBw1Ph7x7"`;
/// the unique-id is written to the start of `uid`, as by [`UidlWalk::feed`].
pub fn parse_uidl_one(text: &[u8], uid: &mut [u8]) -> Result<UidlEntry, WalkError> {
    parse_one(text, Some(uid)).map(|(number, len)| UidlEntry { number, uid_len: len as usize })
}
