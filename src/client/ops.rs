//! The client operations, with `_nx_` semantics: the client is trusted to be
//! created (the `_nxe_` checks are in `ffi`, which also turns the C pointer
//! into the [`Client`] handle), but nothing the network or the caller's data
//! controls can make them misbehave.

use core::ptr;
use core::slice;

use super::*;
use crate::pop3::{self, Arg, Command, EncodeError, Reply};
use crate::port::Deadline;

pub(super) type Status = Result<(), UINT>;

pub(super) fn check(status: UINT) -> Status {
    if status == NX_SUCCESS {
        Ok(())
    } else {
        Err(status)
    }
}

pub(super) fn done(result: Status) -> UINT {
    match result {
        Ok(()) => NX_SUCCESS,
        Err(status) => status,
    }
}

/// A NUL-terminated C string of at most `max` bytes without CR or LF.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that stays unchanged while the
/// returned slice is used.
unsafe fn c_string<'a>(s: *const CHAR, max: usize) -> Result<&'a [u8], UINT> {
    if s.is_null() {
        return Err(NX_PTR_ERROR);
    }
    let mut len = 0;
    // Reads at most max + 1 bytes, stopping at the NUL.
    // SAFETY: `s` is a NUL-terminated string (caller) and no byte past its NUL is read.
    while unsafe { s.wrapping_add(len).read() } != 0 {
        if len == max {
            return Err(NX_POP3_PARAM_ERROR);
        }
        len += 1;
    }
    // SAFETY: the `len` bytes before the NUL were just read; they stay unchanged (caller).
    let bytes = unsafe { slice::from_raw_parts(s as *const u8, len) };
    if bytes.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Err(NX_POP3_PARAM_ERROR);
    }
    Ok(bytes)
}

// ---------------------------------------------------------------- receive side

/// The held bytes not consumed yet; empty when nothing is held. Fully consumed
/// packets are released on the way. The bytes are inside the held packet,
/// which only a change of `nx_pop3_client_message_ptr` can release: the
/// slice keeps `nx` borrowed, so that cannot happen while it is used.
pub(super) fn held<'x>(nx: &'x mut Fields<'_>, st: &mut ClientState) -> &'x mut [u8] {
    held_and_id(nx, st).0
}

/// [`held`], and the bytes of `nx_pop3_server_process_id` (the greeting's
/// timestamp is written there as the line is parsed): disjoint memory, both
/// borrowed from `nx`.
pub(super) fn held_and_id<'x>(
    nx: &'x mut Fields<'_>,
    st: &mut ClientState,
) -> (&'x mut [u8], &'x mut [u8; NX_POP3_CLIENT_PROCESS_ID_SIZE]) {
    loop {
        let p = nx.message_ptr();
        if p.is_null() {
            return (&mut [], nx.process_id_mut());
        }
        // SAFETY: the held packet is the client's own (the module doc of
        // `stack`), outside the client struct, and stays held while `nx` is
        // borrowed by the slice.
        let seg: &'x mut [u8] = unsafe { stack::data(p) };
        let off = st.rx_offset as usize;
        if off < seg.len() {
            return (&mut seg[off..], nx.process_id_mut());
        }
        // Done with this packet: keep the rest of the chain, release it alone.
        // SAFETY: `p` is the head of the held chain, the client's own.
        nx.set_message_ptr(unsafe { stack::detach(p) });
        st.rx_offset = 0;
        // SAFETY: `p` is now a lone packet of the client's, held no more, not used again.
        unsafe { stack::release(p) };
    }
}

/// Makes sure some unconsumed bytes are held, receiving until the deadline.
pub(super) fn fill(c: &mut Client<'_>, deadline: Deadline) -> Status {
    while held(&mut c.nx, c.st).is_empty() {
        let p = stack::receive_until(&c.nx, deadline)?;
        c.nx.set_message_ptr(p);
        c.st.rx_offset = 0;
    }
    Ok(())
}

/// Releases every held byte and packet.
pub(super) fn drop_held(c: &mut Client<'_>) {
    // SAFETY: the held chain is the client's own; it is forgotten just below.
    unsafe { stack::release(c.nx.message_ptr()) };
    c.nx.set_message_ptr(ptr::null_mut());
    c.st.rx_offset = 0;
}

/// Reads one status line, within the reply timeout. With `greeting`, the
/// first `<...>` of the line is kept in `nx_pop3_server_process_id`.
pub(super) fn read_reply(c: &mut Client<'_>, greeting: bool) -> Result<Reply, UINT> {
    read_reply_text(c, greeting, &mut [])
}

/// [`read_reply`], also copying the line's text (after the status and its
/// space) into `text`, as much as fits ([`Reply::text_len`] says how long
/// the text is). [`Reply::code`] is not read ([`pop3::resp_code`] of the
/// text gives it).
pub(super) fn read_reply_text(c: &mut Client<'_>, greeting: bool, text: &mut [u8]) -> Result<Reply, UINT> {
    let deadline = Deadline::after_ticks(c.st.settings.reply_timeout);
    ext::reply_expected(c.st);
    loop {
        if let Err(status) = fill(c, deadline) {
            c.st.reply.reset();
            return Err(status);
        }
        let (input, id) = held_and_id(&mut c.nx, c.st);
        let stamp: &mut [u8] = if greeting { &mut id[..NX_POP3_SERVER_PROCESS_ID_SIZE] } else { &mut [] };
        // No response codes here (only last_reply_code reads them, from
        // the stored line): feed_line keeps their parser out of programs.
        let (used, result) = c.st.reply.feed_line(input, stamp, text);
        c.st.rx_offset += used as u32;
        ext::record_reply(c.st, input.get(..used).unwrap_or(input), result.is_some());
        match result {
            None => continue,
            Some(Ok(reply)) => {
                if greeting {
                    // In bounds: the array holds SERVER_PROCESS_ID_SIZE + 1.
                    id[reply.timestamp_len.min(NX_POP3_SERVER_PROCESS_ID_SIZE)] = 0;
                }
                return Ok(reply);
            }
            Some(Err(_)) => {
                if greeting {
                    id[0] = 0;
                }
                return Err(NX_POP3_SERVER_ERROR_STATUS);
            }
        }
    }
}

/// Reads and drops the rest of a message the application stopped reading.
pub(super) fn finish_message(c: &mut Client<'_>) -> Status {
    // message_get clears the flag when the message ends.
    while c.nx.ready_to_download() == NX_TRUE {
        let (p, _, _) = message_get(c)?;
        // SAFETY: message_get handed the packet over: it is ours, not used again.
        unsafe { stack::release(p) };
    }
    Ok(())
}

/// Drops whatever arrived after a message's terminator: nothing was asked for.
pub(super) fn drop_stray(c: &mut Client<'_>) {
    drop_held(c);
    while let Ok(p) = stack::receive(&c.nx, NX_NO_WAIT) {
        // SAFETY: the chain just received is ours, not used again.
        unsafe { stack::release(p) };
    }
    c.st.after_body = false;
}

// ---------------------------------------------------------------- send side

/// Sends one command line in one packet from the client's pool.
pub(super) fn send_command(c: &mut Client<'_>, cmd: &Command<'_>) -> Status {
    finish_message(c)?;
    // Replies of commands sent ahead, and the rest of a listing, are not
    // what this command waits for: read and drop them first.
    if let Some(hooks) = c.st.ext {
        (hooks.settle)(c)?;
    }
    if c.st.after_body {
        drop_stray(c);
    }
    let settings = c.st.settings;
    stack::send(&c.nx, settings.packet_timeout, settings.send_wait, |out| {
        pop3::encode_command(cmd, out).map_err(|e| match e {
            EncodeError::TooLong => NX_POP3_INSUFFICIENT_PACKET_PAYLOAD,
            EncodeError::BadArgument => NX_POP3_PARAM_ERROR,
        })
    })
}

/// One command and its status line.
pub(super) fn transact(c: &mut Client<'_>, cmd: &Command<'_>) -> Result<Reply, UINT> {
    send_command(c, cmd)?;
    read_reply(c, false)
}

/// `+OK` or `NX_POP3_SERVER_ERROR_STATUS`.
pub(super) fn expect_ok(c: &mut Client<'_>, cmd: &Command<'_>) -> Status {
    if transact(c, cmd)?.ok {
        Ok(())
    } else {
        Err(NX_POP3_SERVER_ERROR_STATUS)
    }
}

// ---------------------------------------------------------------- the services

/// Creates the client, connects to the server and logs in (`_nx[d]_pop3_client_create`).
/// On failure nothing is left behind: socket deleted, packets released, struct zeroed.
///
/// # Safety
/// `c` points to writable memory of `NX_POP3_CLIENT` size that is not a
/// created client and that no other thread uses during the call; `ip` and
/// `pool` are NULL or point to a created IP instance and packet pool; `name`
/// and `password` are NULL or NUL-terminated strings (the `_nxe_` checks).
#[allow(clippy::too_many_arguments)]
pub unsafe fn create(
    c: *mut NX_POP3_CLIENT,
    apop: UINT,
    ip: *mut NX_IP,
    pool: *mut NX_PACKET_POOL,
    server: &NXD_ADDRESS,
    port: ULONG,
    name: *const CHAR,
    password: *const CHAR,
    via: stack::Connector,
) -> UINT {
    if ip.is_null() || pool.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: `c` points to readable memory of `NX_POP3_CLIENT` size (caller).
    let mut settings = unsafe { carried_settings(c) }.unwrap_or(DEFAULT_SETTINGS);
    settings.carried = 0;
    // SAFETY: NULL or a NUL-terminated string (caller), not written during the call.
    let name = unsafe { c_string(name, NX_POP3_MAX_USERNAME) };
    // SAFETY: as above.
    let password = unsafe { c_string(password, NX_POP3_MAX_PASSWORD) };
    let (name, password) = match (name, password) {
        (Ok(n), Ok(p)) => (n, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if port == 0 || port > 0xFFFF {
        return NX_POP3_PARAM_ERROR;
    }
    // SAFETY: `c` points to writable memory of `NX_POP3_CLIENT` size (caller),
    // in which no socket lives (not created).
    unsafe { ptr::write_bytes(c, 0, 1) };
    // SAFETY: as above, used by no other thread (caller); all-zero is a valid NX_POP3_CLIENT.
    let cl = unsafe { &mut *c };
    // c_string bounded both by the field sizes less their NUL.
    if let Some(dst) = as_bytes_mut(&mut cl.nx_pop3_client_name).get_mut(..name.len()) {
        dst.copy_from_slice(name);
    }
    if let Some(dst) = as_bytes_mut(&mut cl.nx_pop3_client_password).get_mut(..password.len()) {
        dst.copy_from_slice(password);
    }
    cl.nx_pop3_client_packet_pool_ptr = pool;
    cl.nx_pop3_client_enable_APOP_authentication = (apop != 0) as UINT;
    // The private tail: all-zero is the initial state but for these (see `ClientState`).
    // SAFETY: fields of the private tail (in bounds, aligned: `private_fits`), which `cl` does not borrow.
    unsafe { private_field_ptr!(c, settings: Settings).write(settings) };
    // SAFETY: as above.
    unsafe { private_field_ptr!(c, id: u32).write(CLIENT_ID) };
    // SAFETY: as above.
    unsafe { private_field_ptr!(c, reply: pop3::ReplyParser).write(pop3::ReplyParser::new()) };

    let Some(nn) = ptr::NonNull::new(c) else { return NX_PTR_ERROR };
    // SAFETY: `c` is now a created client (id and state written above; no
    // socket yet, which `socket_created` says), used by no other thread
    // during this call (caller).
    let mut client = unsafe { Client::from_ptr(nn) };
    // SAFETY: the socket field of the client being created (zeroed just
    // above); `ip` is a created IP instance (caller).
    let mut status = unsafe { stack::socket_create(client.nx.socket(), ip, settings.window_size) };
    if status == NX_SUCCESS {
        client.st.socket_created = true;
        status = connect(&mut client, via, server, port);
    }
    if status != NX_SUCCESS {
        // As a delete, but the server's last reply stays readable: one
        // clean-up path for every failure.
        close(&mut client);
        // SAFETY: the handle is not used again and the socket is deleted
        // (or was never created): nothing else uses the memory.
        unsafe { ext::zero_keeping_last_reply(c) };
    }
    status
}

/// Binds, connects, reads the greeting and logs in (`_nxd_pop3_client_connect`).
/// APOP when asked for and the greeting has a timestamp, falling back to
/// USER/PASS when the server refuses it; USER/PASS otherwise (and the APOP
/// flag is cleared when there is no timestamp).
pub fn connect(c: &mut Client<'_>, via: stack::Connector, server: &NXD_ADDRESS, port: ULONG) -> UINT {
    done((|| {
        let wait = c.st.settings.connection_timeout;
        stack::connect(&c.nx, via, server, port, wait)?;
        if !read_reply(c, true)?.ok {
            return Err(NX_POP3_SERVER_ERROR_STATUS);
        }
        if c.nx.apop_enabled() != 0 {
            if c.nx.process_id().is_empty() {
                if !ext::apop_fallback(c.st) {
                    return Err(NX_POP3_APOP_FAILED_MD5_DIGEST);
                }
                c.nx.set_apop_enabled(NX_FALSE);
            } else {
                match apop(c) {
                    NX_SUCCESS => return Ok(()),
                    NX_POP3_SERVER_ERROR_STATUS if ext::apop_fallback(c.st) => {}
                    other => return Err(other),
                }
            }
        }
        check(user_pass(c))
    })())
}

/// `USER name` then `PASS password` (`_nx_pop3_client_user_pass`).
pub fn user_pass(c: &mut Client<'_>) -> UINT {
    done((|| {
        let (name, password) = (c.nx.name(), c.nx.password());
        expect_ok(c, &Command::User(name))?;
        expect_ok(c, &Command::Pass(password))
    })())
}

/// `APOP name digest` with the digest of the greeting's timestamp and the
/// password (`_nx_pop3_client_apop`). `NX_POP3_SERVER_ERROR_STATUS` on `-ERR`.
pub fn apop(c: &mut Client<'_>) -> UINT {
    let digest = pop3::apop_digest(c.nx.process_id(), c.nx.password());
    let name = c.nx.name();
    done(expect_ok(c, &Command::Apop { user: name, digest: &digest }))
}

/// `STAT`: stores the count and size in the client and returns them (the
/// export writes 0 to its outputs on failure).
pub fn mail_items_get(c: &mut Client<'_>) -> Result<(UINT, ULONG), UINT> {
    let reply = transact(c, &Command::Stat)?;
    match (reply.ok, reply.args) {
        (true, [Arg::Num(n), Arg::Num(s)]) => {
            c.nx.set_maildrop_items(n);
            c.nx.set_total_message_size(s);
            Ok((n, s))
        }
        _ => Err(NX_POP3_SERVER_ERROR_STATUS),
    }
}

pub(super) fn check_index(c: &Client<'_>, item: UINT) -> Status {
    if item == 0 {
        return Err(NX_POP3_CLIENT_INVALID_INDEX);
    }
    if item > c.nx.maildrop_items() {
        return Err(NX_POP3_INVALID_MAIL_ITEM);
    }
    Ok(())
}

/// `LIST n`: the size of one message; the reply must name the same message.
pub fn mail_item_size_get(c: &mut Client<'_>, item: UINT) -> Result<ULONG, UINT> {
    check_index(c, item)?;
    let reply = transact(c, &Command::List(item))?;
    match (reply.ok, reply.args) {
        (true, [Arg::Num(n), Arg::Num(s)]) if n == item => Ok(s),
        (true, [Arg::Num(_), Arg::Num(_)]) => Err(NX_POP3_INVALID_MAIL_ITEM),
        _ => Err(NX_POP3_SERVER_ERROR_STATUS),
    }
}

/// `RETR n`: on `+OK` the client is ready to download; returns the octet
/// count of the reply (0 if it has none). An octet count beyond 32 bits
/// gives `NX_POP3_SERVER_ERROR_STATUS`; the message is then still drained
/// before the next command.
pub fn mail_item_get(c: &mut Client<'_>, item: UINT) -> Result<ULONG, UINT> {
    check_index(c, item)?;
    // A RETR sent ahead (nx_pop3_client_mail_items_request) is not sent again.
    let reply = match c.st.ext {
        Some(hooks) => (hooks.retr)(c, item)?,
        None => transact(c, &Command::Retr(item))?,
    };
    start_download(c, item, reply)
}

/// After the `+OK` or `-ERR` of `RETR` or `TOP`: ready to hand out the
/// message data; the octet count if any (0 without).
pub(super) fn start_download(c: &mut Client<'_>, item: UINT, reply: Reply) -> Result<ULONG, UINT> {
    if !reply.ok {
        return Err(NX_POP3_SERVER_ERROR_STATUS);
    }
    c.nx.set_ready_to_download(NX_TRUE);
    c.nx.set_maildrop_index(item);
    c.st.body.reset();
    match reply.args[0] {
        Arg::Num(n) => Ok(n),
        Arg::TooBig => Err(NX_POP3_SERVER_ERROR_STATUS),
        Arg::None | Arg::Text => Ok(0),
    }
}

/// Hands out the next packet of message data (dot-unstuffed, terminator
/// removed): the packet (now the caller's), its byte count, and `NX_TRUE` on
/// the packet that ends the message.
pub fn message_get(c: &mut Client<'_>) -> Result<(*mut NX_PACKET, ULONG, UINT), UINT> {
    if c.nx.ready_to_download() != NX_TRUE {
        return Err(NX_POP3_CLIENT_INVALID_STATE);
    }
    let deadline = Deadline::after_ticks(c.st.settings.reply_timeout);
    loop {
        fill(c, deadline)?;
        let buf = held(&mut c.nx, c.st);
        let off = c.st.rx_offset as usize;
        if buf.first().is_some_and(|&b| c.st.body.cr_pending(b)) {
            // `.` CR ended the last packet and no LF follows: the CR is
            // message data, and this packet has no room before its first
            // byte for it. It goes out alone (rare: a malformed line split
            // exactly there).
            return cr_packet(c, deadline);
        }
        let d = c.st.body.decode_in_place(buf);
        if !d.end && d.produced == 0 {
            c.st.rx_offset += d.consumed as u32;
            continue;
        }
        let p = c.nx.message_ptr();
        // SAFETY: `p` is the head of the held chain, the client's own.
        let mut rest = unsafe { stack::detach(p) };
        let mut last = NX_FALSE;
        if d.end {
            // Bytes after the terminator, in `p` from `after` on.
            let after = off + d.consumed;
            // Commands are sent ahead only once `ext` is set.
            let ahead = if c.st.pipe.is_empty() { None } else { c.st.ext };
            if let Some(hooks) = ahead {
                // Commands were sent ahead: what follows the terminator is
                // their replies, kept by the hook (which, failing, drops
                // everything held: see services::keep_after).
                // SAFETY: `p` is the detached head (still the client's, not
                // held) and `rest` the rest of the held chain, as the hook asks.
                rest = unsafe { (hooks.keep_after)(c, p, after, rest, deadline) }?;
            } else {
                // Bytes after the terminator were not asked for: dropped
                // before the next command is sent.
                c.st.after_body = true;
            }
            c.nx.set_ready_to_download(NX_FALSE);
            last = NX_TRUE;
        }
        // The decoded bytes are at the start of the unconsumed part: hand the packet over.
        c.nx.set_message_ptr(rest);
        c.st.rx_offset = 0;
        // SAFETY: `p` is a lone packet of the client's; `off + produced` lies within its data.
        unsafe { stack::trim(p, off, d.produced) };
        return Ok((p, d.produced as ULONG, last));
    }
}

/// Hands out a one-byte packet holding the CR the decoder owes (see
/// [`pop3::BodyDecoder::cr_pending`]), from the pool of the received data.
fn cr_packet(c: &mut Client<'_>, deadline: Deadline) -> Result<(*mut NX_PACKET, ULONG, UINT), UINT> {
    // SAFETY: the held packet (message_get found held bytes) is the client's own.
    let p = unsafe { stack::copy_new(c.nx.message_ptr(), b"\r", deadline) }?;
    c.st.body.cr_delivered();
    Ok((p, 1, NX_FALSE))
}

/// `DELE n`.
pub fn mail_item_delete(c: &mut Client<'_>, item: UINT) -> UINT {
    if item == 0 {
        return NX_POP3_CLIENT_INVALID_INDEX;
    }
    done(expect_ok(c, &Command::Dele(item)))
}

/// `QUIT` (does not disconnect).
pub fn quit(c: &mut Client<'_>) -> UINT {
    done(expect_ok(c, &Command::Quit))
}

/// The first half of a delete: releases what the client holds, disconnects
/// (within the disconnect timeout), unbinds and deletes the socket. The
/// caller then stops using the handle and zeroes the struct ([`zero`]); the
/// zeroing is not done here, through the handle's own pointer, while the
/// handle's `&mut` to the private state is still a live argument.
pub fn close(c: &mut Client<'_>) {
    drop_held(c);
    if c.st.socket_created {
        stack::disconnect(&c.nx, c.st.settings.disconnect_timeout);
    }
}

/// Zeroes the struct: the second half of a delete (after [`close`]), and
/// the delete after a failed create.
///
/// # Safety
/// `c` points to writable memory of `NX_POP3_CLIENT` size that nothing else
/// uses: no handle of it is used again, and it holds no socket (never
/// created, or deleted by [`close`]).
pub unsafe fn zero(c: *mut NX_POP3_CLIENT) {
    // SAFETY: the caller's contract; all-zero is a valid NX_POP3_CLIENT.
    unsafe { ptr::write_bytes(c, 0, 1) };
}

/// Marks a client whose create failed (`id` in the private tail). NetX
/// programs, NetX's own POP3 sample among them, call `nx_pop3_client_delete`
/// after a failed `nx_pop3_client_create` and NetX answers `NX_SUCCESS`; the
/// mark lets that one delete succeed although the failed create already freed
/// everything. Only the marker is written: the rest of the struct is as the
/// failed create left it (zeroed, or untouched when an argument was refused).
const FAILED_CREATE_ID: u32 = 0x504F_5046; // "POPF"

/// Marks `c` as "create failed" (see [`FAILED_CREATE_ID`]).
///
/// # Safety
/// `c` points to writable memory of `NX_POP3_CLIENT` size that is not a
/// created client.
pub unsafe fn mark_failed_create(c: *mut NX_POP3_CLIENT) {
    // SAFETY: `c` points to writable memory of `NX_POP3_CLIENT` size (caller).
    unsafe { private_field_ptr!(c, id: u32).write(FAILED_CREATE_ID) };
}

/// True when the last create on `c` failed and no delete followed.
///
/// # Safety
/// `c` points to readable memory of `NX_POP3_CLIENT` size.
pub unsafe fn is_failed_create(c: *mut NX_POP3_CLIENT) -> bool {
    // SAFETY: `c` points to readable memory of `NX_POP3_CLIENT` size (caller); a plain u32 read is valid whatever the memory holds.
    let id = unsafe { private_field_ptr!(c, id: u32).read() };
    id == FAILED_CREATE_ID
}

/// Changes the timeouts (ticks) of a created client.
pub fn timeouts_set(c: &mut Client<'_>, t: [ULONG; 5]) -> UINT {
    let s = &mut c.st.settings;
    [s.packet_timeout, s.send_wait, s.connection_timeout, s.disconnect_timeout, s.reply_timeout] = t;
    NX_SUCCESS
}

/// Hex MD5 of `process_id` followed by the client's password, NUL-terminated
/// (33 bytes), as NetX's `_nx_pop3_digest_authenticate` computes it.
///
/// # Safety
/// `c` points to a client (created or not) whose password field no other
/// thread writes during the call.
pub unsafe fn digest_authenticate(c: *mut NX_POP3_CLIENT, process_id: &[u8], result: &mut [u8; 33]) {
    // SAFETY: the password field of a client, not written meanwhile (caller);
    // only this field is borrowed (the socket may be in use by the IP thread).
    let password = unsafe { &*public_field_ptr!(c, nx_pop3_client_password: [CHAR; NX_POP3_CLIENT_PASSWORD_SIZE]) };
    let digest = pop3::apop_digest(process_id, until_nul(password));
    result[..32].copy_from_slice(&digest);
    result[32] = 0;
}

/// Keeps the first `<...>` of `buffer` in `nx_pop3_server_process_id` (empty
/// if there is none or it does not fit).
///
/// # Safety
/// `c` points to a client (created or not) whose process id field no other
/// thread uses during the call, and `buffer` does not overlap it.
pub unsafe fn parse_process_id(c: *mut NX_POP3_CLIENT, buffer: &[u8]) {
    // SAFETY: the process id field of a client, used by no one else meanwhile
    // (caller); only this field is borrowed (the socket may be in use by the IP thread).
    let id = as_bytes_mut(unsafe { &mut *public_field_ptr!(c, nx_pop3_server_process_id: [CHAR; NX_POP3_CLIENT_PROCESS_ID_SIZE]) });
    match pop3::find_timestamp(buffer) {
        Some(t) if t.len() <= NX_POP3_SERVER_PROCESS_ID_SIZE => {
            id[..t.len()].copy_from_slice(t);
            id[t.len()] = 0;
        }
        _ => id[0] = 0,
    }
}

impl Settings {
    /// Settings from the program's values (ticks, and the receive window in bytes).
    pub const fn new(
        packet_timeout: ULONG,
        send_wait: ULONG,
        connection_timeout: ULONG,
        disconnect_timeout: ULONG,
        reply_timeout: ULONG,
        window_size: ULONG,
    ) -> Self {
        Settings { carried: 0, packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout, window_size, flags: 0 }
    }
}
