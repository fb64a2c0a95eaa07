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

/// Bounded writer over the caller's buffer. A piece that does not fit sets
/// `overflow` (checked once, at the end: no early return per piece).
struct Line<'o> {
    out: &'o mut [u8],
    len: usize,
    overflow: bool,
}

impl Line<'_> {
    /// One shared copy for every piece of every command (small code).
    #[inline(never)]
    fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        match self.out.get_mut(self.len..end) {
            Some(dst) if end <= MAX_CLIENT_COMMAND => {
                dst.copy_from_slice(bytes);
                self.len = end;
            }
            _ => self.overflow = true,
        }
    }
}

/// An argument of a command line.
#[derive(Clone, Copy)]
enum Part<'a> {
    None,
    Text(&'a [u8]),
    Num(u32),
}

/// Refuses an empty argument or one holding CR, LF or NUL.
#[inline(never)]
fn bad_arg(part: Part<'_>) -> bool {
    match part {
        Part::Text(arg) => arg.is_empty() || arg.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)),
        Part::None | Part::Num(_) => false,
    }
}

/// The verbs, four bytes each (`TOP` padded with a space), in [`verb`] order.
const VERBS: &[u8; 52] = b"USERPASSAPOPSTATLISTUIDLTOP CAPARETRDELEQUITNOOPRSET";

/// Index of a verb in [`VERBS`].
const USER: u8 = 0;
const PASS: u8 = 1;
const APOP: u8 = 2;
const STAT: u8 = 3;
const LIST: u8 = 4;
const UIDL: u8 = 5;
const TOP: u8 = 6;
const CAPA: u8 = 7;
const RETR: u8 = 8;
const DELE: u8 = 9;
const QUIT: u8 = 10;
const NOOP: u8 = 11;
const RSET: u8 = 12;

/// Writes the command line, e.g. `b"RETR 12\r\n"` or
/// `b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"`, into `out` and
/// returns its length (CR LF included).
///
/// Arguments are checked first ([`EncodeError::BadArgument`]), then the
/// length ([`EncodeError::TooLong`]). On error the content of `out` is
/// unspecified.
pub fn encode_command(cmd: &Command<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    // Table-driven: a verb index and up to two arguments, then one writer
    // loop (a match arm per command writing its own line costs ~3x the code).
    let (verb, args) = match *cmd {
        Command::User(name) => (USER, [Part::Text(name), Part::None]),
        Command::Pass(pass) => (PASS, [Part::Text(pass), Part::None]),
        Command::Apop { user, digest } => (APOP, [Part::Text(user), Part::Text(digest)]),
        Command::Stat => (STAT, [Part::None; 2]),
        Command::List(n) => (LIST, [Part::Num(n), Part::None]),
        Command::Retr(n) => (RETR, [Part::Num(n), Part::None]),
        Command::Dele(n) => (DELE, [Part::Num(n), Part::None]),
        Command::Uidl(n) => (UIDL, [Part::Num(n), Part::None]),
        Command::Top { message, lines } => (TOP, [Part::Num(message), Part::Num(lines)]),
        Command::ListAll => (LIST, [Part::None; 2]),
        Command::UidlAll => (UIDL, [Part::None; 2]),
        Command::Capa => (CAPA, [Part::None; 2]),
        Command::Quit => (QUIT, [Part::None; 2]),
        Command::Noop => (NOOP, [Part::None; 2]),
        Command::Rset => (RSET, [Part::None; 2]),
    };
    if bad_arg(args[0]) || bad_arg(args[1]) {
        return Err(EncodeError::BadArgument);
    }
    let at = usize::from(verb).wrapping_mul(4);
    let len = if verb == TOP { 3 } else { 4 };
    let mut line = Line { out, len: 0, overflow: false };
    line.push(VERBS.get(at..at.wrapping_add(len)).unwrap_or(&[]));
    let mut digits = [0u8; 10];
    for part in &args {
        let bytes = match *part {
            Part::None => break,
            Part::Text(text) => text,
            Part::Num(n) => {
                let count = decimal(n, &mut digits);
                digits.get(..count).unwrap_or(&[])
            }
        };
        line.push(b" ");
        line.push(bytes);
    }
    line.push(b"\r\n");
    if line.overflow {
        return Err(EncodeError::TooLong);
    }
    Ok(line.len)
}
