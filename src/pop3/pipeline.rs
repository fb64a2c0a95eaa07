//! Which reply comes next: the kind of reply each command gets, and a
//! fixed-size queue of the replies expected, for a client that sends
//! commands ahead (RFC 2449 section 6.6, `PIPELINING`). Replies come back in
//! the order of the commands, so the front of the queue says how to parse
//! the next bytes.
//!
//! Driving a reply of kind `k` (popped when done):
//! 1. the status line with [`ReplyParser`](super::ReplyParser);
//! 2. if [`k.multi_line(reply.ok)`](ReplyKind::multi_line), the lines after
//!    it with the parser for `k`: [`CapaParser`](super::CapaParser),
//!    [`ListWalk`](super::ListWalk), [`UidlWalk`](super::UidlWalk) or
//!    [`BodyDecoder`](super::BodyDecoder) (`RETR`, `TOP`), until its end.

use super::command::Command;

/// The form of the reply a command gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// A status line only (the greeting, `USER`, `PASS`, `APOP`, `STAT`,
    /// `LIST n`, `UIDL n`, `DELE`, `NOOP`, `RSET`, `QUIT`).
    Status,
    /// `CAPA`: capability lines after `+OK`.
    Capa,
    /// `LIST`: a scan listing after `+OK`.
    ListAll,
    /// `UIDL`: a unique-id listing after `+OK`.
    UidlAll,
    /// `RETR`, `TOP`: dot-stuffed message data after `+OK`.
    Message,
}

impl ReplyKind {
    /// `true` if lines follow a status line with this `ok` (an `-ERR` is
    /// always a single line).
    pub fn multi_line(self, ok: bool) -> bool {
        ok && self != ReplyKind::Status
    }
}

impl Command<'_> {
    /// The form of this command's reply.
    pub fn reply_kind(&self) -> ReplyKind {
        match self {
            Command::Capa => ReplyKind::Capa,
            Command::ListAll => ReplyKind::ListAll,
            Command::UidlAll => ReplyKind::UidlAll,
            Command::Retr(_) | Command::Top { .. } => ReplyKind::Message,
            _ => ReplyKind::Status,
        }
    }
}

/// The queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineFull;

/// Replies expected, oldest first, at most `N`, with the bytes of their
/// commands (to bound what is in flight, e.g. below the server's receive
/// window so that sending ahead cannot deadlock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipeline<const N: usize> {
    kinds: [ReplyKind; N],
    sizes: [u16; N],
    head: usize,
    len: usize,
    bytes: usize,
}

impl<const N: usize> Default for Pipeline<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Pipeline<N> {
    /// Nothing expected.
    pub const fn new() -> Self {
        Self { kinds: [ReplyKind::Status; N], sizes: [0; N], head: 0, len: 0, bytes: 0 }
    }

    /// Records a command sent (`command_len` bytes as encoded), whose reply
    /// is expected after those already queued.
    pub fn push(&mut self, kind: ReplyKind, command_len: usize) -> Result<(), PipelineFull> {
        if self.len >= N {
            return Err(PipelineFull);
        }
        let at = self.head.checked_add(self.len).and_then(|i| i.checked_rem(N)).ok_or(PipelineFull)?;
        let (Some(k), Some(s)) = (self.kinds.get_mut(at), self.sizes.get_mut(at)) else {
            return Err(PipelineFull);
        };
        *k = kind;
        *s = u16::try_from(command_len).unwrap_or(u16::MAX);
        self.len = self.len.saturating_add(1);
        self.bytes = self.bytes.saturating_add(usize::from(*s));
        Ok(())
    }

    /// The kind of the next reply, if any is expected.
    pub fn front(&self) -> Option<ReplyKind> {
        if self.len == 0 {
            return None;
        }
        self.kinds.get(self.head).copied()
    }

    /// The next reply has been read completely: forget it.
    pub fn pop(&mut self) -> Option<ReplyKind> {
        let kind = self.front()?;
        let size = self.sizes.get(self.head).copied().unwrap_or(0);
        self.bytes = self.bytes.saturating_sub(usize::from(size));
        self.head = self.head.checked_add(1).map_or(0, |h| if h >= N { 0 } else { h });
        self.len = self.len.saturating_sub(1);
        Some(kind)
    }

    /// Replies expected.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No reply expected.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `N` replies expected: no command may be sent.
    pub fn is_full(&self) -> bool {
        self.len >= N
    }

    /// Bytes of the commands whose replies have not been read completely.
    pub fn bytes_in_flight(&self) -> usize {
        self.bytes
    }

    /// Forgets everything (after the connection is lost).
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}
