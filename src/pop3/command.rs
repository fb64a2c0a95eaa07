//! Client commands and their encoding as command lines.

use super::apop::decimal;
use super::MAX_CLIENT_COMMAND;

/// A client command (RFC 1939 sections 5 to 7, RFC 2449 `CAPA`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// `USER name`.
    User(&'a [u8]),
    /// `PASS password` (the password may contain spaces, RFC 1939 section 7).
    Pass(&'a [u8]),
    /// `APOP name digest`, digest as made by [`apop_digest`](super::apop_digest).
    Apop {
        /// Mailbox name.
        user: &'a [u8],
        /// Lowercase hex MD5 of timestamp and password.
        digest: &'a [u8; 32],
    },
    /// `STAT`.
    Stat,
    /// `LIST n`.
    List(u32),
    /// `LIST` (all messages: a multi-line scan listing).
    ListAll,
    /// `UIDL n` (RFC 1939 section 7).
    Uidl(u32),
    /// `UIDL` (all messages: a multi-line unique-id listing).
    UidlAll,
    /// `TOP n lines` (RFC 1939 section 7): the headers and the first
    /// `lines` lines of the body.
    Top {
        /// Message number.
        message: u32,
        /// Body lines wanted.
        lines: u32,
    },
    /// `CAPA` (RFC 2449 section 5).
    Capa,
    /// `RETR n`.
    Retr(u32),
    /// `DELE n`.
    Dele(u32),
    /// `QUIT`.
    Quit,
    /// `NOOP`.
    Noop,
    /// `RSET`.
    Rset,
}

/// Why a command could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// An argument holds CR, LF or NUL (it would inject a command), or is empty.
    BadArgument,
    /// The line does not fit in `out`, or is longer than
    /// [`MAX_CLIENT_COMMAND`] bytes (CR LF included).
    TooLong,
}

/// Bounded writer over the caller's buffer.
struct Line<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Line<'_> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let end = self.len.checked_add(bytes.len()).ok_or(EncodeError::TooLong)?;
        if end > MAX_CLIENT_COMMAND {
            return Err(EncodeError::TooLong);
        }
        let dst = self.out.get_mut(self.len..end).ok_or(EncodeError::TooLong)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// Refuses an empty argument or one holding CR, LF or NUL.
fn check_arg(arg: &[u8]) -> Result<&[u8], EncodeError> {
    if arg.is_empty() || arg.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        Err(EncodeError::BadArgument)
    } else {
        Ok(arg)
    }
}

/// Writes the command line, e.g. `b"RETR 12\r\n"` or
/// `b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"`, into `out` and
/// returns its length (CR LF included).
///
/// Arguments are checked first ([`EncodeError::BadArgument`]), then the
/// length ([`EncodeError::TooLong`]). On error the content of `out` is
/// unspecified.
pub fn encode_command(cmd: &Command<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut digits = [0u8; 10];
    let mut digits2 = [0u8; 10];
    let (verb, arg1, arg2): (&[u8], Option<&[u8]>, Option<&[u8]>) = match *cmd {
        Command::User(name) => (b"USER", Some(check_arg(name)?), None),
        Command::Pass(pass) => (b"PASS", Some(check_arg(pass)?), None),
        Command::Apop { user, digest } => {
            (b"APOP", Some(check_arg(user)?), Some(check_arg(digest)?))
        }
        Command::Stat => (b"STAT", None, None),
        Command::List(n) | Command::Retr(n) | Command::Dele(n) | Command::Uidl(n) => {
            let verb: &[u8] = match *cmd {
                Command::List(_) => b"LIST",
                Command::Retr(_) => b"RETR",
                Command::Uidl(_) => b"UIDL",
                _ => b"DELE",
            };
            let count = decimal(n, &mut digits);
            (verb, Some(digits.get(..count).unwrap_or(&[])), None)
        }
        Command::Top { message, lines } => {
            let count = decimal(message, &mut digits);
            let count2 = decimal(lines, &mut digits2);
            (b"TOP", Some(digits.get(..count).unwrap_or(&[])), Some(digits2.get(..count2).unwrap_or(&[])))
        }
        Command::ListAll => (b"LIST", None, None),
        Command::UidlAll => (b"UIDL", None, None),
        Command::Capa => (b"CAPA", None, None),
        Command::Quit => (b"QUIT", None, None),
        Command::Noop => (b"NOOP", None, None),
        Command::Rset => (b"RSET", None, None),
    };
    let mut line = Line { out, len: 0 };
    line.push(verb)?;
    for arg in [arg1, arg2].into_iter().flatten() {
        line.push(b" ")?;
        line.push(arg)?;
    }
    line.push(b"\r\n")?;
    Ok(line.len)
}
