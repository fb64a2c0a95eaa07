//! The rest of POP3 as NetX-style extension services (issue 12): `CAPA`,
//! `UIDL n`, the `LIST` and `UIDL` walks, `TOP`, `NOOP`, `RSET`, the last
//! reply's response code, and `RETR` commands sent ahead when the server
//! offers `PIPELINING`.
//!
//! Nothing here runs unless the program calls one of these services: a
//! NetX program sees exactly NetX's commands.
//!
//! Pipelining ([`mail_items_request`]): the program names a range of
//! messages; each `mail_item_get` of the next message in that range tops up
//! the `RETR` commands sent ahead (as few packets as the pool's payload
//! allows, at most [`PIPELINE_DEPTH`] replies expected, at most
//! [`PIPELINE_BYTES`] bytes of commands, below any transmit buffer and far
//! below any TCP window: the sends never wait for the server to read, so the client
//! never blocks on a send while the server blocks on its replies), then reads
//! the reply of the oldest. Message data is handed out by `message_get` as
//! for a single `RETR`; the bytes after a message's terminator are the next
//! replies and are kept. Any other command first reads and drops the replies
//! still expected (the rest of the request is cancelled).

use super::ops::{check_index, done, expect_ok, fill, finish_message, held, read_reply, read_reply_text,
                 send_command, start_download, transact, Status};
use super::*;
use super::stack;
use crate::pop3::{self, Capa, CapaParser, Command, Expire, ListWalk, RespCode, UidlWalk, Walk, WalkError};
use crate::port::Deadline;

/// Replies of commands sent ahead, at most.
pub(crate) const PIPELINE_DEPTH: usize = 256;
/// Bytes of commands sent ahead whose replies have not been read, at most:
/// below the smallest transmit buffer (4 x MSS, `netx::tcp::TX_BUFFER`), so
/// the sends never wait. 1024 bytes (about 64 commands) cost Dovecot's 200
/// small messages 1-2 ms: it answered the first 64 commands, then idled until
/// the client had read enough to send more (issue 12, BENCHMARKS.md).
pub(crate) const PIPELINE_BYTES: usize = 4096;

/// Longest unique-id (RFC 1939): a buffer of `NX_POP3_MAX_UID + 1` bytes
/// holds any unique-id and its NUL.
pub const NX_POP3_MAX_UID: usize = 70;

// Capability bits of `nx_pop3_capabilities_flags`.
/// `TOP`.
pub const NX_POP3_CAPA_TOP: ULONG = 1 << 0;
/// `USER`.
pub const NX_POP3_CAPA_USER: ULONG = 1 << 1;
/// `UIDL`.
pub const NX_POP3_CAPA_UIDL: ULONG = 1 << 2;
/// `SASL` (mechanisms in `nx_pop3_capabilities_sasl`).
pub const NX_POP3_CAPA_SASL: ULONG = 1 << 3;
/// `RESP-CODES`.
pub const NX_POP3_CAPA_RESP_CODES: ULONG = 1 << 4;
/// `AUTH-RESP-CODE`.
pub const NX_POP3_CAPA_AUTH_RESP_CODE: ULONG = 1 << 5;
/// `PIPELINING`.
pub const NX_POP3_CAPA_PIPELINING: ULONG = 1 << 6;
/// `STLS`.
pub const NX_POP3_CAPA_STLS: ULONG = 1 << 7;
/// `UTF8`.
pub const NX_POP3_CAPA_UTF8: ULONG = 1 << 8;
/// `LOGIN-DELAY` (seconds in `nx_pop3_capabilities_login_delay`).
pub const NX_POP3_CAPA_LOGIN_DELAY: ULONG = 1 << 9;
/// `EXPIRE` (policy in `nx_pop3_capabilities_expire`).
pub const NX_POP3_CAPA_EXPIRE: ULONG = 1 << 10;
/// `IMPLEMENTATION` (the text is in the raw lines).
pub const NX_POP3_CAPA_IMPLEMENTATION: ULONG = 1 << 11;
/// `LANG`.
pub const NX_POP3_CAPA_LANG: ULONG = 1 << 12;
/// A capability not listed here (see the raw lines).
pub const NX_POP3_CAPA_OTHER: ULONG = 1 << 13;

const _: () = assert!(
    NX_POP3_CAPA_PIPELINING == 1 << Capa::Pipelining as u32
        && NX_POP3_CAPA_OTHER == 1 << Capa::Other as u32
        && NX_POP3_CAPA_UIDL == 1 << Capa::Uidl as u32
        && NX_POP3_CAPA_LANG == 1 << Capa::Lang as u32
);

// SASL mechanism bits of `nx_pop3_capabilities_sasl`.
/// `PLAIN`.
pub const NX_POP3_SASL_PLAIN: ULONG = 1 << 0;
/// `LOGIN`.
pub const NX_POP3_SASL_LOGIN: ULONG = 1 << 1;
/// `CRAM-MD5`.
pub const NX_POP3_SASL_CRAM_MD5: ULONG = 1 << 2;
/// `DIGEST-MD5`.
pub const NX_POP3_SASL_DIGEST_MD5: ULONG = 1 << 3;
/// `SCRAM-SHA-1`.
pub const NX_POP3_SASL_SCRAM_SHA_1: ULONG = 1 << 4;
/// `SCRAM-SHA-256`.
pub const NX_POP3_SASL_SCRAM_SHA_256: ULONG = 1 << 5;
/// `GSSAPI`.
pub const NX_POP3_SASL_GSSAPI: ULONG = 1 << 6;
/// `EXTERNAL`.
pub const NX_POP3_SASL_EXTERNAL: ULONG = 1 << 7;
/// `ANONYMOUS`.
pub const NX_POP3_SASL_ANONYMOUS: ULONG = 1 << 8;
/// `XOAUTH2`.
pub const NX_POP3_SASL_XOAUTH2: ULONG = 1 << 9;
/// `OAUTHBEARER`.
pub const NX_POP3_SASL_OAUTHBEARER: ULONG = 1 << 10;
/// `NTLM`.
pub const NX_POP3_SASL_NTLM: ULONG = 1 << 11;
/// Another mechanism (see the raw lines).
pub const NX_POP3_SASL_OTHER: ULONG = 1 << 15;

const _: () = assert!(
    NX_POP3_SASL_NTLM == pop3::sasl::NTLM as ULONG
        && NX_POP3_SASL_OTHER == pop3::sasl::OTHER as ULONG
        && NX_POP3_SASL_PLAIN == pop3::sasl::PLAIN as ULONG
);

/// `nx_pop3_capabilities_expire`: no `EXPIRE` capability.
pub const NX_POP3_EXPIRE_UNKNOWN: ULONG = 0xFFFF_FFFF;
/// `nx_pop3_capabilities_expire`: `EXPIRE NEVER`.
pub const NX_POP3_EXPIRE_NEVER: ULONG = 0xFFFF_FFFE;

// Bits of `nx_pop3_capabilities_per_user`.
/// `LOGIN-DELAY n USER`: the delay varies by user.
pub const NX_POP3_CAPA_LOGIN_DELAY_PER_USER: ULONG = 1 << 0;
/// `EXPIRE n USER`: the policy varies by user.
pub const NX_POP3_CAPA_EXPIRE_PER_USER: ULONG = 1 << 1;
/// `UTF8 USER`: UTF-8 user names and passwords accepted.
pub const NX_POP3_CAPA_UTF8_USER: ULONG = 1 << 2;

/// What the server's `CAPA` reply announced (extension, RFC 2449).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NX_POP3_CAPABILITIES {
    /// `NX_POP3_CAPA_*` bits of the capabilities announced.
    pub nx_pop3_capabilities_flags: ULONG,
    /// `NX_POP3_SASL_*` bits of the SASL mechanisms announced.
    pub nx_pop3_capabilities_sasl: ULONG,
    /// `LOGIN-DELAY` seconds (0 without it).
    pub nx_pop3_capabilities_login_delay: ULONG,
    /// `EXPIRE` days, `NX_POP3_EXPIRE_NEVER` or `NX_POP3_EXPIRE_UNKNOWN`.
    pub nx_pop3_capabilities_expire: ULONG,
    /// `NX_POP3_CAPA_*_PER_USER` and `NX_POP3_CAPA_UTF8_USER` bits.
    pub nx_pop3_capabilities_per_user: ULONG,
}

impl NX_POP3_CAPABILITIES {
    const NONE: Self = NX_POP3_CAPABILITIES {
        nx_pop3_capabilities_flags: 0,
        nx_pop3_capabilities_sasl: 0,
        nx_pop3_capabilities_login_delay: 0,
        nx_pop3_capabilities_expire: NX_POP3_EXPIRE_UNKNOWN,
        nx_pop3_capabilities_per_user: 0,
    };

    fn from(caps: &pop3::Capabilities) -> Self {
        let mut per_user = 0;
        if caps.login_delay_per_user {
            per_user |= NX_POP3_CAPA_LOGIN_DELAY_PER_USER;
        }
        if caps.expire_per_user {
            per_user |= NX_POP3_CAPA_EXPIRE_PER_USER;
        }
        if caps.utf8_user {
            per_user |= NX_POP3_CAPA_UTF8_USER;
        }
        NX_POP3_CAPABILITIES {
            nx_pop3_capabilities_flags: ULONG::from(caps.flags),
            nx_pop3_capabilities_sasl: ULONG::from(caps.sasl),
            nx_pop3_capabilities_login_delay: caps.login_delay,
            nx_pop3_capabilities_expire: match caps.expire {
                Expire::Unknown => NX_POP3_EXPIRE_UNKNOWN,
                Expire::Never => NX_POP3_EXPIRE_NEVER,
                Expire::Days(d) => d.min(NX_POP3_EXPIRE_NEVER - 1),
            },
            nx_pop3_capabilities_per_user: per_user,
        }
    }
}

// Response codes (RFC 2449 section 8, RFC 3206) of the last reply.
/// No response code.
pub const NX_POP3_RESP_CODE_NONE: UINT = 0;
/// `[IN-USE]`: the maildrop is locked by another session.
pub const NX_POP3_RESP_CODE_IN_USE: UINT = 1;
/// `[LOGIN-DELAY]`: logged in too recently.
pub const NX_POP3_RESP_CODE_LOGIN_DELAY: UINT = 2;
/// `[SYS/TEMP]`: temporary failure, try again later.
pub const NX_POP3_RESP_CODE_SYS_TEMP: UINT = 3;
/// `[SYS/PERM]`: permanent failure.
pub const NX_POP3_RESP_CODE_SYS_PERM: UINT = 4;
/// `[SYS]` with no or another second level.
pub const NX_POP3_RESP_CODE_SYS: UINT = 5;
/// `[AUTH]`: the credentials were refused.
pub const NX_POP3_RESP_CODE_AUTH: UINT = 6;
/// Another well-formed `[...]` code.
pub const NX_POP3_RESP_CODE_OTHER: UINT = 7;

/// `RETR` commands sent ahead whose replies have not been read: all are
/// `RETR` of consecutive messages from `pipe_next_reply` on, so two counters
/// say everything (the engine's general queue, [`pop3::Pipeline`], would
/// keep a kind and a size per command: 216 bytes of the client struct at
/// this depth).
#[derive(Clone, Copy)]
pub(crate) struct Ahead {
    len: u16,
    bytes: u16,
}

impl Ahead {
    pub(crate) const fn new() -> Self {
        Ahead { len: 0, bytes: 0 }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
    fn len(&self) -> usize {
        usize::from(self.len)
    }
    fn bytes_in_flight(&self) -> usize {
        usize::from(self.bytes)
    }
    fn push(&mut self, size: usize) {
        self.len = self.len.saturating_add(1);
        self.bytes = self.bytes.saturating_add(size as u16);
    }
    /// The reply to `RETR n` has been read.
    fn pop(&mut self, n: u32) {
        self.len = self.len.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(retr_len(n) as u16);
    }
    fn clear(&mut self) {
        *self = Self::new();
    }
}

/// A listing being walked.
///
/// `repr(u8)`, `None` first: all-zero bytes are `None` (a created client's
/// state starts zeroed, [`ClientState`]).
#[derive(Clone, Copy)]
#[repr(u8)]
pub(crate) enum WalkState {
    None,
    List(ListWalk),
    Uidl(UidlWalk),
}

// ---------------------------------------------------------------- CAPA

/// `CAPA`: the capabilities, and the raw lines (each followed by LF, then a
/// NUL) in `lines` as far as whole lines fit; `*lines_length` is the length
/// of all lines (at least `lines.len()` when they did not all fit).
pub fn capabilities_get(
    c: &mut Client<'_>,
    caps: &mut NX_POP3_CAPABILITIES,
    lines: &mut [u8],
    lines_length: &mut usize,
) -> UINT {
    *caps = NX_POP3_CAPABILITIES::NONE;
    *lines_length = 0;
    if let Some(first) = lines.first_mut() {
        *first = 0;
    }
    c.st.capa_flags = 0;
    done((|| {
        if !transact(c, &Command::Capa)?.ok {
            return Err(NX_POP3_SERVER_ERROR_STATUS);
        }
        let deadline = Deadline::after_ticks(c.st.settings.reply_timeout);
        let mut parser = CapaParser::new();
        // Room for line bytes: keep one byte for the LF and one for the NUL.
        let room_end = lines.len().saturating_sub(2);
        let (mut at, mut need, mut fits, mut bad) = (0usize, 0usize, true, false);
        loop {
            fill(c, deadline)?;
            let input = held(&mut c.nx, c.st);
            let out: &mut [u8] = if fits && at < room_end { &mut lines[at..room_end] } else { &mut [] };
            let (used, result) = parser.feed(input, out);
            c.st.rx_offset += used as u32;
            match result {
                None => {}
                Some(Ok(Walk::Entry(line))) => {
                    need = need.saturating_add(line.len + 1);
                    if fits && at + line.len <= room_end {
                        at += line.len;
                        lines[at] = b'\n';
                        at += 1;
                    } else {
                        fits = false;
                    }
                }
                Some(Ok(Walk::End)) => break,
                Some(Err(_)) => bad = true, // the parser skips to the end
            }
        }
        if let Some(nul) = lines.get_mut(at) {
            *nul = 0;
        }
        *lines_length = need;
        *caps = NX_POP3_CAPABILITIES::from(parser.capabilities());
        if bad {
            return Err(NX_POP3_SERVER_ERROR_STATUS);
        }
        c.st.capa_flags = parser.capabilities().flags;
        Ok(())
    })())
}

// ---------------------------------------------------------------- single commands

/// `NOOP`.
pub fn noop(c: &mut Client<'_>) -> UINT {
    done(expect_ok(c, &Command::Noop))
}

/// `RSET`: the messages marked deleted are unmarked.
pub fn rset(c: &mut Client<'_>) -> UINT {
    done(expect_ok(c, &Command::Rset))
}

/// `UIDL n`: the unique-id of message `item`, NUL-terminated, in `out`
/// (`*uid_length` bytes). `NX_SIZE_ERROR` if it does not fit (nothing but an
/// empty string is written then).
pub fn uidl_get(c: &mut Client<'_>, item: UINT, out: &mut [u8], uid_length: &mut usize) -> UINT {
    *uid_length = 0;
    if let Some(first) = out.first_mut() {
        *first = 0;
    }
    done((|| {
        check_index(c, item)?;
        send_command(c, &Command::Uidl(item))?;
        let mut text = [0u8; pop3::MAX_SERVER_REPLY];
        let reply = read_reply_text(c, false, &mut text)?;
        if !reply.ok {
            return Err(NX_POP3_SERVER_ERROR_STATUS);
        }
        let text = reply.text(&text).ok_or(NX_POP3_SERVER_ERROR_STATUS)?;
        let room = out.len().saturating_sub(1);
        let result = pop3::parse_uidl_one(text, &mut out[..room]);
        match result {
            Ok(e) if e.number == item => {
                out[e.uid_len] = 0;
                *uid_length = e.uid_len;
                return Ok(());
            }
            _ => {}
        }
        if let Some(first) = out.first_mut() {
            *first = 0;
        }
        Err(match result {
            Ok(_) => NX_POP3_INVALID_MAIL_ITEM,
            Err(WalkError::UidBufferTooSmall) => NX_SIZE_ERROR,
            Err(_) => NX_POP3_SERVER_ERROR_STATUS,
        })
    })())
}

/// `TOP n lines`: the headers and `lines` lines of the body, handed out by
/// `message_get` as for `RETR`.
pub fn top_get(c: &mut Client<'_>, item: UINT, lines: UINT) -> UINT {
    done((|| {
        check_index(c, item)?;
        let reply = transact(c, &Command::Top { message: item, lines })?;
        start_download(c, item, reply).map(|_| ())
    })())
}

/// The response code of the last status line the server sent
/// (`NX_POP3_RESP_CODE_*`), from the line kept for `last_reply_get`.
///
/// # Safety
/// As [`last_reply_get`].
pub unsafe fn last_reply_code(c: *mut NX_POP3_CLIENT) -> UINT {
    let mut line = [0u8; NX_POP3_CLIENT_LAST_REPLY_SIZE + 2];
    // SAFETY: the caller's contract, which is last_reply_get's.
    let n = unsafe { last_reply_get(c, &mut line) };
    if n == 0 {
        return NX_POP3_RESP_CODE_NONE;
    }
    line[n] = b'\n';
    let mut parser = pop3::ReplyParser::new();
    // The code is read from the reply's text, so the text must be captured.
    let mut text = [0u8; NX_POP3_CLIENT_LAST_REPLY_SIZE];
    match parser.feed_text(&line[..=n], &mut [], &mut text) {
        (_, Some(Ok(reply))) => match reply.code {
            RespCode::None => NX_POP3_RESP_CODE_NONE,
            RespCode::InUse => NX_POP3_RESP_CODE_IN_USE,
            RespCode::LoginDelay => NX_POP3_RESP_CODE_LOGIN_DELAY,
            RespCode::SysTemp => NX_POP3_RESP_CODE_SYS_TEMP,
            RespCode::SysPerm => NX_POP3_RESP_CODE_SYS_PERM,
            RespCode::Sys => NX_POP3_RESP_CODE_SYS,
            RespCode::Auth => NX_POP3_RESP_CODE_AUTH,
            RespCode::Other => NX_POP3_RESP_CODE_OTHER,
        },
        _ => NX_POP3_RESP_CODE_NONE,
    }
}

// ---------------------------------------------------------------- walks

/// `LIST` (`uidl` false) or `UIDL` without argument: the listing is then
/// handed out entry by entry by [`walk_next`].
pub fn walk_start(c: &mut Client<'_>, uidl: bool) -> UINT {
    done((|| {
        let reply = transact(c, if uidl { &Command::UidlAll } else { &Command::ListAll })?;
        if !reply.ok {
            return Err(NX_POP3_SERVER_ERROR_STATUS);
        }
        c.st.walk = if uidl { WalkState::Uidl(UidlWalk::new()) } else { WalkState::List(ListWalk::new()) };
        c.st.ext = Some(&EXT_HOOKS);
        Ok(())
    })())
}

/// One entry of the listing [`walk_start`] began: the message number, and
/// the size (`LIST`) in `*size` or the unique-id (`UIDL`) in `uid`,
/// NUL-terminated, `*uid_length` bytes. `NX_NO_MORE_ENTRIES` at the end of
/// the listing (the walk is over), `NX_POP3_CLIENT_INVALID_STATE` without a
/// walk of that kind, `NX_POP3_SERVER_ERROR_STATUS` for a bad line,
/// `NX_SIZE_ERROR` for a unique-id longer than `uid` (after either error the
/// rest of the listing is skipped: the next call gives `NX_NO_MORE_ENTRIES`
/// once its end has arrived), `NX_NOT_CONNECTED` when the connection closed
/// before the end, `NX_NO_PACKET` when nothing arrived within the reply
/// timeout.
pub fn walk_next(
    c: &mut Client<'_>,
    uidl: bool,
    number: &mut UINT,
    size: &mut ULONG,
    uid: &mut [u8],
    uid_length: &mut usize,
) -> UINT {
    *number = 0;
    *size = 0;
    *uid_length = 0;
    if let Some(first) = uid.first_mut() {
        *first = 0;
    }
    match (c.st.walk, uidl) {
        (WalkState::List(_), false) | (WalkState::Uidl(_), true) => {}
        _ => return NX_POP3_CLIENT_INVALID_STATE,
    }
    let room = uid.len().saturating_sub(1);
    let deadline = Deadline::after_ticks(c.st.settings.reply_timeout);
    loop {
        if let Err(status) = fill(c, deadline) {
            return status;
        }
        let input = held(&mut c.nx, c.st);
        let st = &mut *c.st;
        let (used, result) = match &mut st.walk {
            WalkState::List(w) => {
                let (used, r) = w.feed(input);
                (used, r.map(|r| r.map(|w| match w {
                    Walk::Entry(e) => Walk::Entry((e.number, e.size, 0)),
                    Walk::End => Walk::End,
                })))
            }
            WalkState::Uidl(w) => {
                let (used, r) = w.feed(input, &mut uid[..room]);
                (used, r.map(|r| r.map(|w| match w {
                    Walk::Entry(e) => Walk::Entry((e.number, 0, e.uid_len)),
                    Walk::End => Walk::End,
                })))
            }
            WalkState::None => return NX_POP3_CLIENT_INVALID_STATE,
        };
        st.rx_offset += used as u32;
        match result {
            None => continue,
            Some(Ok(Walk::Entry((n, s, len)))) => {
                *number = n;
                *size = s;
                if uidl {
                    uid[len] = 0;
                    *uid_length = len;
                }
                return NX_SUCCESS;
            }
            Some(Ok(Walk::End)) => {
                st.walk = WalkState::None;
                return NX_NO_MORE_ENTRIES;
            }
            Some(Err(e)) => {
                if let Some(first) = uid.first_mut() {
                    *first = 0;
                }
                return if e == WalkError::UidBufferTooSmall { NX_SIZE_ERROR } else { NX_POP3_SERVER_ERROR_STATUS };
            }
        }
    }
}

/// Reads and drops the rest of a listing the program stopped walking.
pub(super) fn finish_walk(c: &mut Client<'_>) -> Status {
    let uidl = match c.st.walk {
        WalkState::None => return Ok(()),
        WalkState::List(_) => false,
        WalkState::Uidl(_) => true,
    };
    let mut uid = [0u8; NX_POP3_MAX_UID + 1];
    let (mut n, mut s, mut len) = (0, 0, 0);
    loop {
        match walk_next(c, uidl, &mut n, &mut s, &mut uid, &mut len) {
            NX_NO_MORE_ENTRIES => return Ok(()),
            NX_SUCCESS | NX_POP3_SERVER_ERROR_STATUS | NX_SIZE_ERROR => {}
            other => {
                c.st.walk = WalkState::None;
                return Err(other);
            }
        }
    }
}

// ---------------------------------------------------------------- pipelining

/// Asks for messages `first` to `first + count - 1`, which the program then
/// fetches in that order with `mail_item_get` and `message_get`. With
/// `PIPELINING` (announced in the last `CAPA`), `RETR` commands are sent
/// ahead from the first `mail_item_get` on; otherwise nothing changes (one
/// command at a time).
pub fn mail_items_request(c: &mut Client<'_>, first: UINT, count: UINT) -> UINT {
    done((|| {
        if count == 0 {
            return Err(NX_POP3_PARAM_ERROR);
        }
        check_index(c, first)?;
        let last = first.checked_add(count - 1).ok_or(NX_POP3_INVALID_MAIL_ITEM)?;
        check_index(c, last)?;
        drain_pipeline(c)?;
        let st = &mut *c.st;
        st.ext = Some(&EXT_HOOKS);
        if st.capa_flags & (NX_POP3_CAPA_PIPELINING as u16) != 0 {
            st.req_next_send = first;
            st.req_end = last + 1;
        }
        Ok(())
    })())
}

/// The status line of `RETR item`: the reply of a command sent ahead when
/// `item` is the next one of the request, otherwise a command sent now (which
/// cancels the request).
pub(super) fn retr(c: &mut Client<'_>, item: UINT) -> Result<pop3::Reply, UINT> {
    let st = &*c.st;
    let queued = !st.pipe.is_empty() && item == st.pipe_next_reply;
    let starts = st.pipe.is_empty() && st.req_next_send < st.req_end && item == st.req_next_send;
    if !queued && !starts {
        return transact(c, &Command::Retr(item));
    }
    finish_message(c)?;
    if starts {
        finish_walk(c)?;
        if c.st.after_body {
            // Bytes after the previous message's end, when nothing was
            // expected: stray.
            super::ops::drop_stray(c);
        }
    }
    if let Err(status) = top_up(c) {
        forget_pipeline(c.st);
        return Err(status);
    }
    match read_reply(c, false) {
        Ok(reply) => {
            let st = &mut *c.st;
            st.pipe.pop(st.pipe_next_reply);
            st.pipe_next_reply = st.pipe_next_reply.wrapping_add(1);
            Ok(reply)
        }
        Err(status) => {
            forget_pipeline(c.st);
            Err(status)
        }
    }
}

/// Sends more `RETR` commands of the request when half the pipeline or more
/// is free: up to the depth and the byte bound, as many per packet as fit.
fn top_up(c: &mut Client<'_>) -> Status {
    let st = &mut *c.st;
    if st.req_next_send >= st.req_end || st.pipe.len() > PIPELINE_DEPTH / 2 {
        return Ok(());
    }
    if st.pipe.is_empty() {
        st.pipe_next_reply = st.req_next_send;
    }
    while top_up_packet(c)? {}
    Ok(())
}

/// One packet of `RETR` commands; `false` when nothing more may be sent.
fn top_up_packet(c: &mut Client<'_>) -> Result<bool, UINT> {
    let st = &*c.st;
    let room_for = |st: &ClientState, next: u32| -> bool {
        next < st.req_end && st.pipe.len() < PIPELINE_DEPTH && st.pipe.bytes_in_flight() + retr_len(next) <= PIPELINE_BYTES
    };
    if !room_for(st, st.req_next_send) {
        return Ok(false);
    }
    let settings = st.settings;
    let mut count = 0usize;
    let first = st.req_next_send;
    let (end, in_flight, mut bytes) = (st.req_end, st.pipe.len(), st.pipe.bytes_in_flight());
    stack::send(&c.nx, settings.packet_timeout, settings.send_wait, |out| {
        let mut len = 0usize;
        let mut next = first;
        while next < end && in_flight + count < PIPELINE_DEPTH {
            let Ok(n) = pop3::encode_command(&Command::Retr(next), &mut out[len..]) else { break };
            if bytes + n > PIPELINE_BYTES {
                break;
            }
            len += n;
            bytes += n;
            count += 1;
            next += 1;
        }
        if count == 0 {
            Err(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD)
        } else {
            Ok(len)
        }
    })?;
    let st = &mut *c.st;
    for n in first..first + count as u32 {
        st.pipe.push(retr_len(n));
    }
    st.req_next_send = first + count as u32;
    Ok(room_for(st, st.req_next_send))
}

/// Bytes of `RETR n` CR LF.
fn retr_len(n: u32) -> usize {
    let mut digits = 1;
    let mut v = n;
    while v >= 10 {
        v /= 10;
        digits += 1;
    }
    7 + digits
}

/// Reads and drops the replies of commands sent ahead (and their message
/// data), and cancels the rest of the request.
pub(super) fn drain_pipeline(c: &mut Client<'_>) -> Status {
    c.st.req_next_send = 0;
    c.st.req_end = 0;
    while !c.st.pipe.is_empty() {
        let reply = match read_reply(c, false) {
            Ok(reply) => reply,
            Err(status) => {
                forget_pipeline(c.st);
                return Err(status);
            }
        };
        let st = &mut *c.st;
        st.pipe.pop(st.pipe_next_reply);
        st.pipe_next_reply = st.pipe_next_reply.wrapping_add(1);
        if reply.ok {
            c.nx.set_ready_to_download(NX_TRUE);
            c.st.body.reset();
            if let Err(status) = finish_message(c) {
                forget_pipeline(c.st);
                return Err(status);
            }
        }
    }
    Ok(())
}

/// Forgets the commands sent ahead and the request (the connection is out of
/// step or lost).
pub(super) fn forget_pipeline(st: &mut ClientState) {
    st.pipe.clear();
    st.req_next_send = 0;
    st.req_end = 0;
}

/// The parts of the nine NetX services that only the extensions make
/// reachable (a listing being walked, `RETR` commands sent ahead). The
/// services reach them through [`ClientState::ext`], which `walk_start` and
/// `mail_items_request` set: NetX's own idiom (`nx_tcp_enable` installs
/// `_nx_tcp_packet_receive` through a pointer), so that a program that calls
/// neither extension does not link the listing parser and the pipelining
/// (about 1.4 KB of Cortex-M4 code).
pub(crate) struct ExtHooks {
    /// Before a command is sent: reads and drops the replies of commands
    /// sent ahead and the rest of a listing.
    pub settle: fn(&mut Client<'_>) -> Status,
    /// `RETR`'s status line, from the commands sent ahead when in step ([`retr`]).
    pub retr: fn(&mut Client<'_>, UINT) -> Result<pop3::Reply, UINT>,
    /// `message_get` with commands sent ahead: the bytes after the
    /// terminator kept for their replies ([`keep_after`]).
    pub keep_after: KeepAfter,
}

/// The type of [`ExtHooks::keep_after`].
pub(crate) type KeepAfter =
    unsafe fn(&mut Client<'_>, *mut NX_PACKET, usize, *mut NX_PACKET, Deadline) -> Result<*mut NX_PACKET, UINT>;

/// The hooks `walk_start` and `mail_items_request` install.
pub(crate) static EXT_HOOKS: ExtHooks = ExtHooks { settle, retr, keep_after };

/// [`ExtHooks::keep_after`]: `message_get` found the terminator in `p`
/// (handed to the application next) with the bytes from offset `after` of
/// its data following it, and `rest` held after `p`, while commands were
/// sent ahead: returns the chain to hold instead of `rest` (a copy of those
/// bytes, if any, then `rest`).
///
/// On failure (no packet for the bytes after the terminator) they are lost,
/// and with them the step of the replies still expected: everything held is
/// dropped (`p` too), the pipeline forgotten, the download over; the session
/// is out of step (delete the client).
///
/// # Safety
/// `p` is a lone packet of the client's (detached from the held chain) and
/// `rest` the rest of that chain, as in `message_get`.
unsafe fn keep_after(
    c: &mut Client<'_>,
    p: *mut NX_PACKET,
    after: usize,
    rest: *mut NX_PACKET,
    deadline: Deadline,
) -> Result<*mut NX_PACKET, UINT> {
    // SAFETY: `p` is the client's (caller); the slice is dropped before `p` can be released.
    let bytes = unsafe { stack::data(p) };
    let after = bytes.get(after..).unwrap_or(&[]);
    if after.is_empty() {
        return Ok(rest);
    }
    // SAFETY: `p` is the client's and `after` lies in it, outside the new
    // packet; `rest` is a chain the client holds (caller).
    match unsafe { keep_copy(p, after, rest, deadline) } {
        Ok(q) => Ok(q),
        Err(status) => {
            // SAFETY: `p` and `rest` are the client's (caller), held again just below.
            unsafe { stack::append_chain(p, rest) };
            c.nx.set_message_ptr(p);
            super::ops::drop_held(c);
            forget_pipeline(c.st);
            c.nx.set_ready_to_download(NX_FALSE);
            Err(status)
        }
    }
}

/// [`ExtHooks::settle`].
fn settle(c: &mut Client<'_>) -> Status {
    drain_pipeline(c)?;
    finish_walk(c)
}

/// Copies `after` (bytes after a message's terminator, inside `p`) into a
/// packet of `p`'s pool, followed by the chain `rest`; returns that chain.
///
/// # Safety
/// `p` is a packet of the client's, `after` lies in it; `rest` is NULL or a
/// chain the client holds.
pub(super) unsafe fn keep_copy(
    p: *mut NX_PACKET,
    after: &[u8],
    rest: *mut NX_PACKET,
    deadline: Deadline,
) -> Result<*mut NX_PACKET, UINT> {
    // SAFETY: `p` is the client's, and `after` (inside `p`) cannot overlap a new packet (caller).
    let q = unsafe { stack::copy_new(p, after, deadline) }?;
    // SAFETY: `q` was just allocated (ours); `rest` is a chain the client holds (caller).
    unsafe { stack::append_chain(q, rest) };
    Ok(q)
}
