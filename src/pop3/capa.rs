//! The `CAPA` reply (RFC 2449 section 5), parsed as a stream line by line.
//!
//! [`CapaParser`] is fed the bytes after the `+OK` status line. For each
//! capability line it hands out a [`CapaLine`] (which capability, and the
//! raw line in the caller's buffer for those who want it) and records what
//! it understood in [`Capabilities`]: the flags of the known capabilities,
//! the SASL mechanisms, the `LOGIN-DELAY` and `EXPIRE` values. The line
//! framing (end of line, dot-stuffing, terminator, 512-byte cap) is that of
//! the [listings](super::listing).
//!
//! A line is refused ([`WalkError::Malformed`]) if it is empty, starts with a
//! space, holds a control byte, or gives `LOGIN-DELAY` or `EXPIRE` a value
//! that is not a number (`EXPIRE` also takes `NEVER`) or a second parameter
//! other than `USER`. Unknown capabilities are not errors ([`Capa::Other`]).
//! After an error the rest of the reply is skipped up to its terminator,
//! reported as [`Walk::End`]; the capabilities of the good lines before the
//! error stay recorded.

use super::listing::{Fed, Frame, Step, Walk, WalkError};

/// A capability (RFC 2449 section 6, RFC 3206, RFC 6856).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Capa {
    /// `TOP`.
    Top = 0,
    /// `USER` (USER/PASS login).
    User = 1,
    /// `UIDL`.
    Uidl = 2,
    /// `SASL mechanisms...` ([`Capabilities::sasl`]).
    Sasl = 3,
    /// `RESP-CODES`: `-ERR` replies may carry [`RespCode`](super::RespCode)s.
    RespCodes = 4,
    /// `AUTH-RESP-CODE` (RFC 3206).
    AuthRespCode = 5,
    /// `PIPELINING`: commands may be sent ahead of their replies.
    Pipelining = 6,
    /// `STLS` (RFC 2595).
    Stls = 7,
    /// `UTF8 [USER]` (RFC 6856).
    Utf8 = 8,
    /// `LOGIN-DELAY seconds [USER]`.
    LoginDelay = 9,
    /// `EXPIRE days|NEVER [USER]`.
    Expire = 10,
    /// `IMPLEMENTATION text` (the text is in the raw line).
    Implementation = 11,
    /// `LANG` (RFC 6856).
    Lang = 12,
    /// A capability not listed here.
    Other = 13,
}

/// Names of the known capabilities, upper case, each followed by a space,
/// in the order of [`CAPAS`] (one string: smaller than a table of slices).
const CAPA_NAMES: &[u8] =
    b"TOP USER UIDL SASL RESP-CODES AUTH-RESP-CODE PIPELINING STLS UTF8 LOGIN-DELAY EXPIRE IMPLEMENTATION LANG ";

/// The capabilities named by [`CAPA_NAMES`].
const CAPAS: [Capa; 13] = [
    Capa::Top,
    Capa::User,
    Capa::Uidl,
    Capa::Sasl,
    Capa::RespCodes,
    Capa::AuthRespCode,
    Capa::Pipelining,
    Capa::Stls,
    Capa::Utf8,
    Capa::LoginDelay,
    Capa::Expire,
    Capa::Implementation,
    Capa::Lang,
];

/// Index of `word` among the space-terminated names of `list`.
fn find_name(list: &[u8], word: &[u8]) -> Option<usize> {
    let mut index = 0usize;
    let mut start = 0usize;
    for (i, &byte) in list.iter().enumerate() {
        if byte == b' ' {
            if list.get(start..i) == Some(word) {
                return Some(index);
            }
            index = index.saturating_add(1);
            start = i.saturating_add(1);
        }
    }
    None
}

/// SASL mechanisms as bits of [`Capabilities::sasl`].
pub mod sasl {
    /// `PLAIN`.
    pub const PLAIN: u16 = 1 << 0;
    /// `LOGIN`.
    pub const LOGIN: u16 = 1 << 1;
    /// `CRAM-MD5`.
    pub const CRAM_MD5: u16 = 1 << 2;
    /// `DIGEST-MD5`.
    pub const DIGEST_MD5: u16 = 1 << 3;
    /// `SCRAM-SHA-1`.
    pub const SCRAM_SHA_1: u16 = 1 << 4;
    /// `SCRAM-SHA-256`.
    pub const SCRAM_SHA_256: u16 = 1 << 5;
    /// `GSSAPI`.
    pub const GSSAPI: u16 = 1 << 6;
    /// `EXTERNAL`.
    pub const EXTERNAL: u16 = 1 << 7;
    /// `ANONYMOUS`.
    pub const ANONYMOUS: u16 = 1 << 8;
    /// `XOAUTH2`.
    pub const XOAUTH2: u16 = 1 << 9;
    /// `OAUTHBEARER`.
    pub const OAUTHBEARER: u16 = 1 << 10;
    /// `NTLM`.
    pub const NTLM: u16 = 1 << 11;
    /// Any other mechanism (see the raw line).
    pub const OTHER: u16 = 1 << 15;

    /// Names of the mechanisms above, upper case, each followed by a
    /// space; mechanism `i` of the list is bit `1 << i`.
    pub(super) const NAMES: &[u8] =
        b"PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256 GSSAPI EXTERNAL ANONYMOUS XOAUTH2 OAUTHBEARER NTLM ";
}

/// The `EXPIRE` policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expire {
    /// No `EXPIRE` capability.
    Unknown,
    /// `EXPIRE NEVER`: messages are never deleted by the server.
    Never,
    /// `EXPIRE days` (0: a retrieved message may be deleted at once).
    Days(u32),
}

/// What the capability lines said, accumulated over the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// One bit per [`Capa`]: bit `capa as u8`. See [`has`](Self::has).
    pub flags: u16,
    /// The [`sasl`] mechanisms announced.
    pub sasl: u16,
    /// `LOGIN-DELAY` seconds (0 without the capability).
    pub login_delay: u32,
    /// `LOGIN-DELAY ... USER`: the delay varies by user.
    pub login_delay_per_user: bool,
    /// `EXPIRE` policy.
    pub expire: Expire,
    /// `EXPIRE ... USER`: the policy varies by user.
    pub expire_per_user: bool,
    /// `UTF8 USER`: the server accepts UTF-8 user names and passwords.
    pub utf8_user: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self::new()
    }
}

impl Capabilities {
    /// Nothing announced.
    pub const fn new() -> Self {
        Self {
            flags: 0,
            sasl: 0,
            login_delay: 0,
            login_delay_per_user: false,
            expire: Expire::Unknown,
            expire_per_user: false,
            utf8_user: false,
        }
    }

    /// `true` if the capability was announced.
    pub fn has(&self, capa: Capa) -> bool {
        self.flags & bit(capa) != 0
    }
}

fn bit(capa: Capa) -> u16 {
    1u16.wrapping_shl(u32::from(capa as u8))
}

/// One capability line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapaLine {
    /// Which capability.
    pub capa: Capa,
    /// Length of the line (dot-stuffing removed, line end excluded). The
    /// first `min(len, line.len())` bytes are in the buffer given to
    /// [`CapaParser::feed`]; a line longer than the buffer is cut there, and
    /// `len` says so.
    pub len: usize,
}

/// Longest word compared with the known names (SASL mechanism names have
/// at most 20 characters, RFC 4422).
const WORD: usize = 20;

/// Streaming parser of a `CAPA` reply (module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapaParser {
    frame: Frame,
    caps: Capabilities,
    /// The current word, upper case, its first [`WORD`] bytes.
    word: [u8; WORD],
    /// Bytes of the current word (saturating; above [`WORD`]: too long to
    /// be a known name).
    word_len: u8,
    /// Words completed on this line.
    words: u8,
    capa: Capa,
    /// Bytes of the line so far.
    len: u16,
    // Values of this line, committed to `caps` when it ends well.
    number: Option<u32>,
    never: bool,
    user: bool,
    sasl: u16,
}

impl Default for CapaParser {
    fn default() -> Self {
        Self::new()
    }
}

impl CapaParser {
    /// A parser at the first line after `+OK`.
    pub const fn new() -> Self {
        Self {
            frame: Frame::new(),
            caps: Capabilities::new(),
            word: [0; WORD],
            word_len: 0,
            words: 0,
            capa: Capa::Other,
            len: 0,
            number: None,
            never: false,
            user: false,
            sasl: 0,
        }
    }

    /// The capabilities of the good lines so far.
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// `true` once the terminator has been consumed.
    pub fn is_end(&self) -> bool {
        self.frame.is_end()
    }

    /// `true` after an error: the rest of the reply is being skipped.
    pub fn failed(&self) -> bool {
        self.frame.is_draining()
    }

    /// `true` if part of a line has been consumed: a connection that closes
    /// now closes mid-line.
    pub fn in_line(&self) -> bool {
        !self.frame.at_line_start()
    }

    /// Feeds bytes of the reply; the raw line goes to `line` (pass the same
    /// buffer to every feed of one line, or an empty one). Consumes up to and
    /// including the LF that ends a line, the terminator or the byte that
    /// shows a line to be bad, never more. Results as for
    /// [`ListWalk::feed`](super::ListWalk::feed): `Some(Ok(Walk::Entry(line)))`
    /// per capability line, `Some(Ok(Walk::End))` at the terminator,
    /// `Some(Err(WalkError::Malformed | WalkError::TooLong))` at a bad line.
    pub fn feed(&mut self, input: &[u8], line: &mut [u8]) -> Fed<CapaLine> {
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
                Step::Content(b) => match self.content(b, line) {
                    Ok(()) => continue,
                    Err(e) => Err(e),
                },
                Step::EndOfLine => self.end_of_line().map(Walk::Entry),
            };
            self.start_line();
            if result.is_err() {
                self.frame.fail();
            }
            return (consumed, Some(result));
        }
        (consumed, None)
    }

    fn start_line(&mut self) {
        self.word_len = 0;
        self.words = 0;
        self.capa = Capa::Other;
        self.len = 0;
        self.number = None;
        self.never = false;
        self.user = false;
        self.sasl = 0;
    }

    fn content(&mut self, byte: u8, line: &mut [u8]) -> Result<(), WalkError> {
        if let Some(slot) = line.get_mut(usize::from(self.len)) {
            *slot = byte;
        }
        self.len = self.len.saturating_add(1);
        if byte < 0x20 || byte == 0x7f {
            return Err(WalkError::Malformed);
        }
        if byte == b' ' {
            if self.word_len == 0 {
                // A leading space, or a run of spaces between words.
                return if self.words == 0 { Err(WalkError::Malformed) } else { Ok(()) };
            }
            return self.end_word();
        }
        // A number's leading zeros are not kept (`LOGIN-DELAY 000…0900` is
        // 900): only the significant digits must fit the word buffer.
        if self.words == 1
            && matches!(self.capa, Capa::LoginDelay | Capa::Expire)
            && self.word_len == 1
            && self.word.first() == Some(&b'0')
            && byte.is_ascii_digit()
        {
            if let Some(first) = self.word.first_mut() {
                *first = byte;
            }
            return Ok(());
        }
        if let Some(slot) = self.word.get_mut(usize::from(self.word_len)) {
            *slot = byte.to_ascii_uppercase();
        }
        self.word_len = self.word_len.saturating_add(1);
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), WalkError> {
        // The word just read, if it can be a known name (not too long).
        let buffer = self.word;
        let word = buffer.get(..usize::from(self.word_len));
        let index = self.words;
        self.words = self.words.saturating_add(1);
        self.word_len = 0;
        if index == 0 {
            self.capa = word
                .and_then(|w| find_name(CAPA_NAMES, w))
                .and_then(|i| CAPAS.get(i).copied())
                .unwrap_or(Capa::Other);
            return Ok(());
        }
        match self.capa {
            Capa::Sasl => {
                self.sasl |= word
                    .and_then(|w| find_name(sasl::NAMES, w))
                    .and_then(|i| u32::try_from(i).ok())
                    .map_or(sasl::OTHER, |i| 1u16.wrapping_shl(i));
            }
            Capa::LoginDelay | Capa::Expire => match (index, word) {
                (1, Some(b"NEVER")) if self.capa == Capa::Expire => self.never = true,
                (1, Some(digits)) if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
                    let mut n = 0u32;
                    for &d in digits {
                        n = n
                            .checked_mul(10)
                            .and_then(|n| n.checked_add(u32::from(d.wrapping_sub(b'0'))))
                            .ok_or(WalkError::Malformed)?;
                    }
                    self.number = Some(n);
                }
                (2, Some(b"USER")) => self.user = true,
                _ => return Err(WalkError::Malformed),
            },
            Capa::Utf8 if index == 1 && word == Some(b"USER") => self.user = true,
            _ => {}
        }
        Ok(())
    }

    fn end_of_line(&mut self) -> Result<CapaLine, WalkError> {
        if self.word_len != 0 {
            self.end_word()?;
        }
        if self.words == 0 {
            return Err(WalkError::Malformed);
        }
        let caps = &mut self.caps;
        match self.capa {
            Capa::LoginDelay => {
                caps.login_delay = self.number.ok_or(WalkError::Malformed)?;
                caps.login_delay_per_user = self.user;
            }
            Capa::Expire => {
                caps.expire = match self.number {
                    Some(days) => Expire::Days(days),
                    None if self.never => Expire::Never,
                    None => return Err(WalkError::Malformed),
                };
                caps.expire_per_user = self.user;
            }
            Capa::Sasl => caps.sasl |= self.sasl,
            Capa::Utf8 => caps.utf8_user |= self.user,
            _ => {}
        }
        caps.flags |= bit(self.capa);
        Ok(CapaLine { capa: self.capa, len: usize::from(self.len) })
    }
}
