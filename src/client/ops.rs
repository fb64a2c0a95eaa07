//! The client operations, with `_nx_` semantics: the pointers are trusted to
//! be non-NULL (the `_nxe_` checks are in `ffi`), but nothing the network or
//! the caller's data controls can make them misbehave.

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

/// The bytes of one packet of a chain (see [`stack::data`]).
pub(super) unsafe fn segment<'a>(p: *mut NX_PACKET) -> &'a mut [u8] {
    // SAFETY: `p` is a packet the client holds (caller), as stack::data asks.
    unsafe {
        stack::data(p)
    }
}

/// A NUL-terminated C string of at most `max` bytes without CR or LF.
unsafe fn c_string<'a>(s: *const CHAR, max: usize) -> Result<&'a [u8], UINT> {
    // SAFETY: `s` is checked for NULL; otherwise a NUL-terminated string (the service's contract), read up to its NUL or max + 1 bytes.
    unsafe {
        if s.is_null() {
            return Err(NX_PTR_ERROR);
        }
        let mut len = 0;
        // Reads at most max + 1 bytes, stopping at the NUL.
        while *s.add(len) != 0 {
            if len == max {
                return Err(NX_POP3_PARAM_ERROR);
            }
            len += 1;
        }
        let bytes = slice::from_raw_parts(s as *const u8, len);
        if bytes.iter().any(|&b| b == b'\r' || b == b'\n') {
            return Err(NX_POP3_PARAM_ERROR);
        }
        Ok(bytes)
    }
}

/// The stored user name or password (a NUL-terminated field of the client).
#[inline(never)]
fn field(bytes: &[CHAR]) -> &[u8] {
    // SAFETY: CHAR and u8 have the same size and alignment.
    let b = unsafe { slice::from_raw_parts(bytes.as_ptr() as *const u8, bytes.len()) };
    let len = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..len]
}

fn field_mut(bytes: &mut [CHAR]) -> &mut [u8] {
    // SAFETY: CHAR and u8 have the same size and alignment.
    unsafe { slice::from_raw_parts_mut(bytes.as_mut_ptr() as *mut u8, bytes.len()) }
}


// ---------------------------------------------------------------- receive side

/// The held bytes not consumed yet; empty when nothing is held. Fully consumed
/// packets are released on the way.
pub(super) unsafe fn held<'a>(c: *mut NX_POP3_CLIENT) -> &'a mut [u8] {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        let st = state(c);
        loop {
            let p = (*c).nx_pop3_client_message_ptr;
            if p.is_null() {
                return &mut [];
            }
            let seg = segment(p);
            let off = st.rx_offset as usize;
            if off < seg.len() {
                return &mut seg[off..];
            }
            // Done with this packet: keep the rest of the chain, release it alone.
            (*c).nx_pop3_client_message_ptr = stack::detach(p);
            st.rx_offset = 0;
            stack::release(p);
        }
    }
}

/// Makes sure some unconsumed bytes are held, receiving until the deadline.
pub(super) unsafe fn fill(c: *mut NX_POP3_CLIENT, deadline: Deadline) -> Status {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        while held(c).is_empty() {
            (*c).nx_pop3_client_message_ptr = stack::receive_until(c, deadline)?;
            state(c).rx_offset = 0;
        }
        Ok(())
    }
}

/// Releases every held byte and packet.
pub(super) unsafe fn drop_held(c: *mut NX_POP3_CLIENT) -> usize {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        let p = (*c).nx_pop3_client_message_ptr;
        let mut bytes = 0usize;
        let mut q = p;
        let mut first = true;
        while !q.is_null() {
            let len = segment(q).len();
            let skip = if first { (state(c).rx_offset as usize).min(len) } else { 0 };
            bytes += len - skip;
            first = false;
            q = stack::next(q);
        }
        stack::release(p);
        (*c).nx_pop3_client_message_ptr = ptr::null_mut();
        state(c).rx_offset = 0;
        bytes
    }
}

/// Reads one status line, within the reply timeout. With `greeting`, the
/// first `<...>` of the line is kept in `nx_pop3_server_process_id`.
pub(super) unsafe fn read_reply(c: *mut NX_POP3_CLIENT, greeting: bool) -> Result<Reply, UINT> {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        read_reply_text(c, greeting, &mut [])
    }
}

/// [`read_reply`], also copying the line's text (after the status and its
/// space) into `text`, as much as fits ([`Reply::text_len`] says how long
/// the text is). [`Reply::code`] is not read ([`pop3::resp_code`] of the
/// text gives it).
pub(super) unsafe fn read_reply_text(c: *mut NX_POP3_CLIENT, greeting: bool, text: &mut [u8]) -> Result<Reply, UINT> {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        let deadline = Deadline::after_ticks(state(c).settings.reply_timeout);
        ext::reply_expected(c);
        loop {
            if let Err(status) = fill(c, deadline) {
                state(c).reply.reset();
                return Err(status);
            }
            let input = held(c);
            let id = field_mut(&mut (*c).nx_pop3_server_process_id);
            let stamp: &mut [u8] = if greeting { &mut id[..NX_POP3_SERVER_PROCESS_ID_SIZE] } else { &mut [] };
            let st = state(c);
            // No response codes here (only last_reply_code reads them, from
            // the stored line): feed_line keeps their parser out of programs.
            let (used, result) = st.reply.feed_line(input, stamp, text);
            st.rx_offset += used as u32;
            ext::record_reply(c, input.get(..used).unwrap_or(input), result.is_some());
            match result {
                None => continue,
                Some(Ok(reply)) => {
                    if greeting {
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
}

/// Reads and drops the rest of a message the application stopped reading.
pub(super) unsafe fn finish_message(c: *mut NX_POP3_CLIENT) -> Status {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        // message_get clears the flag (through `c`) when the message ends.
        loop {
            if (*c).nx_pop3_client_ready_to_download != NX_TRUE {
                return Ok(());
            }
            let mut p: *mut NX_PACKET = ptr::null_mut();
            let (mut bytes, mut last) = (0, 0);
            check(message_get(c, &mut p, &mut bytes, &mut last))?;
            stack::release(p);
        }
    }
}

/// Drops whatever arrived after a message's terminator: nothing was asked for.
pub(super) unsafe fn drop_stray(c: *mut NX_POP3_CLIENT) {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        let mut stray = drop_held(c);
        while let Ok(p) = stack::receive(c, NX_NO_WAIT) {
            let mut q = p;
            while !q.is_null() {
                stray += segment(q).len();
                q = stack::next(q);
            }
            stack::release(p);
        }
        let st = state(c);
        st.stray_bytes = st.stray_bytes.saturating_add(stray as u32);
        st.after_body = false;
    }
}

// ---------------------------------------------------------------- send side

/// Sends one command line in one packet from the client's pool.
pub(super) unsafe fn send_command(c: *mut NX_POP3_CLIENT, cmd: &Command<'_>) -> Status {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        finish_message(c)?;
        // Replies of commands sent ahead, and the rest of a listing, are not
        // what this command waits for: read and drop them first.
        if let Some(hooks) = state(c).ext {
            (hooks.settle)(c)?;
        }
        if state(c).after_body {
            drop_stray(c);
        }
        let settings = state(c).settings;
        stack::send(c, (*c).nx_pop3_client_packet_pool_ptr, settings.packet_timeout, settings.send_wait, |out| {
            pop3::encode_command(cmd, out).map_err(|e| match e {
                EncodeError::TooLong => NX_POP3_INSUFFICIENT_PACKET_PAYLOAD,
                EncodeError::BadArgument => NX_POP3_PARAM_ERROR,
            })
        })
    }
}

/// One command and its status line.
pub(super) unsafe fn transact(c: *mut NX_POP3_CLIENT, cmd: &Command<'_>) -> Result<Reply, UINT> {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        send_command(c, cmd)?;
        read_reply(c, false)
    }
}

/// `+OK` or `NX_POP3_SERVER_ERROR_STATUS`.
pub(super) unsafe fn expect_ok(c: *mut NX_POP3_CLIENT, cmd: &Command<'_>) -> Status {
    // SAFETY: `c` is a created client (every caller's contract): its fields and private state are valid and the packets it holds are its own.
    unsafe {
        if transact(c, cmd)?.ok {
            Ok(())
        } else {
            Err(NX_POP3_SERVER_ERROR_STATUS)
        }
    }
}

// ---------------------------------------------------------------- the services

/// Creates the client, connects to the server and logs in (`_nx[d]_pop3_client_create`).
/// On failure nothing is left behind: socket deleted, packets released, struct zeroed.
///
/// # Safety
/// `c`, `ip`, `pool`, `server`, `name` and `password` are valid (the `_nxe_` checks).
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
) -> UINT {
    // SAFETY: `c`, `ip`, `pool`, `server`, `name` and `password` are valid (the `_nxe_` checks).
    unsafe {
        if ip.is_null() || pool.is_null() {
            return NX_PTR_ERROR;
        }
        let mut settings = carried_settings(c).unwrap_or(DEFAULT_SETTINGS);
        settings.carried = 0;
        let (name, password) = match (c_string(name, NX_POP3_MAX_USERNAME), c_string(password, NX_POP3_MAX_PASSWORD)) {
            (Ok(n), Ok(p)) => (n, p),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        if port == 0 || port > 0xFFFF {
            return NX_POP3_PARAM_ERROR;
        }
        ptr::write_bytes(c, 0, 1);
        ptr::write(
            state_ptr(c),
            ClientState {
                settings,
                id: CLIENT_ID,
                rx_offset: 0,
                after_body: false,
                socket_created: false,
                stray_bytes: 0,
                reply: pop3::ReplyParser::new(),
                body: pop3::BodyDecoder::new(),
                last_reply: ext::LastReply::new(),
                capa_flags: 0,
                walk: services::WalkState::None,
                pipe: services::Ahead::new(),
                pipe_next_reply: 0,
                req_next_send: 0,
                req_end: 0,
                ext: None,
            },
        );
        // c_string bounded both by the field sizes less their NUL.
        if let Some(dst) = field_mut(&mut (*c).nx_pop3_client_name).get_mut(..name.len()) {
            dst.copy_from_slice(name);
        }
        if let Some(dst) = field_mut(&mut (*c).nx_pop3_client_password).get_mut(..password.len()) {
            dst.copy_from_slice(password);
        }
        (*c).nx_pop3_client_packet_pool_ptr = pool;
        (*c).nx_pop3_client_enable_APOP_authentication = (apop != 0) as UINT;

        let status = stack::socket_create(c, ip, settings.window_size);
        if status != NX_SUCCESS {
            ptr::write_bytes(c, 0, 1);
            return status;
        }
        state(c).socket_created = true;
        let status = connect(c, server, port);
        if status != NX_SUCCESS {
            ext::keeping_last_reply(c, |c| delete(c));
        }
        status
    }
}

/// Binds, connects, reads the greeting and logs in (`_nxd_pop3_client_connect`).
/// APOP when asked for and the greeting has a timestamp, falling back to
/// USER/PASS when the server refuses it; USER/PASS otherwise (and the APOP
/// flag is cleared when there is no timestamp).
///
/// # Safety
/// `c` is a created client.
pub unsafe fn connect(c: *mut NX_POP3_CLIENT, server: &NXD_ADDRESS, port: ULONG) -> UINT {
    // SAFETY: `c` is a created client.
    unsafe {
        done((|| {
            let wait = state(c).settings.connection_timeout;
            stack::connect(c, server, port, wait)?;
            if !read_reply(c, true)?.ok {
                return Err(NX_POP3_SERVER_ERROR_STATUS);
            }
            if (*c).nx_pop3_client_enable_APOP_authentication != 0 {
                if field(&(*c).nx_pop3_server_process_id).is_empty() {
                    if !ext::apop_fallback(c) {
                        return Err(NX_POP3_APOP_FAILED_MD5_DIGEST);
                    }
                    (*c).nx_pop3_client_enable_APOP_authentication = NX_FALSE;
                } else {
                    match apop(c) {
                        NX_SUCCESS => return Ok(()),
                        NX_POP3_SERVER_ERROR_STATUS if ext::apop_fallback(c) => {}
                        other => return Err(other),
                    }
                }
            }
            check(user_pass(c))
        })())
    }
}

/// `USER name` then `PASS password` (`_nx_pop3_client_user_pass`).
///
/// # Safety
/// `c` is a created, connected client.
pub unsafe fn user_pass(c: *mut NX_POP3_CLIENT) -> UINT {
    // SAFETY: `c` is a created, connected client.
    unsafe {
        done((|| {
            expect_ok(c, &Command::User(field(&(*c).nx_pop3_client_name)))?;
            expect_ok(c, &Command::Pass(field(&(*c).nx_pop3_client_password)))
        })())
    }
}

/// `APOP name digest` with the digest of the greeting's timestamp and the
/// password (`_nx_pop3_client_apop`). `NX_POP3_SERVER_ERROR_STATUS` on `-ERR`.
///
/// # Safety
/// `c` is a created, connected client.
pub unsafe fn apop(c: *mut NX_POP3_CLIENT) -> UINT {
    // SAFETY: `c` is a created, connected client.
    unsafe {
        let digest = pop3::apop_digest(field(&(*c).nx_pop3_server_process_id), field(&(*c).nx_pop3_client_password));
        done(expect_ok(
            c,
            &Command::Apop { user: field(&(*c).nx_pop3_client_name), digest: &digest },
        ))
    }
}

/// `STAT`: stores the count and size in the client and the outputs (0 on failure).
///
/// # Safety
/// `c` is a created client; the outputs are NULL or writable.
pub unsafe fn mail_items_get(c: *mut NX_POP3_CLIENT, items: *mut UINT, size: *mut ULONG) -> UINT {
    // SAFETY: `c` is a created client; the outputs are NULL or writable.
    unsafe {
        let put = |n: UINT, s: ULONG| {
            if !items.is_null() {
                *items = n;
            }
            if !size.is_null() {
                *size = s;
            }
        };
        put(0, 0);
        let reply = match transact(c, &Command::Stat) {
            Ok(r) => r,
            Err(e) => return e,
        };
        match (reply.ok, reply.args) {
            (true, [Arg::Num(n), Arg::Num(s)]) => {
                (*c).nx_pop3_client_maildrop_items = n;
                (*c).nx_pop3_client_total_message_size = s;
                put(n, s);
                NX_SUCCESS
            }
            _ => NX_POP3_SERVER_ERROR_STATUS,
        }
    }
}

pub(super) fn check_index(c: *mut NX_POP3_CLIENT, item: UINT) -> Status {
    if item == 0 {
        return Err(NX_POP3_CLIENT_INVALID_INDEX);
    }
    // SAFETY: the caller of every service passes a created client.
    if item > unsafe { (*c).nx_pop3_client_maildrop_items } {
        return Err(NX_POP3_INVALID_MAIL_ITEM);
    }
    Ok(())
}

/// `LIST n`: the size of one message; the reply must name the same message.
///
/// # Safety
/// `c` is a created client; `size` is NULL or writable.
pub unsafe fn mail_item_size_get(c: *mut NX_POP3_CLIENT, item: UINT, size: *mut ULONG) -> UINT {
    // SAFETY: `c` is a created client; `size` is NULL or writable.
    unsafe {
        if !size.is_null() {
            *size = 0;
        }
        done((|| {
            check_index(c, item)?;
            let reply = transact(c, &Command::List(item))?;
            match (reply.ok, reply.args) {
                (true, [Arg::Num(n), Arg::Num(s)]) if n == item => {
                    if !size.is_null() {
                        *size = s;
                    }
                    Ok(())
                }
                (true, [Arg::Num(_), Arg::Num(_)]) => Err(NX_POP3_INVALID_MAIL_ITEM),
                _ => Err(NX_POP3_SERVER_ERROR_STATUS),
            }
        })())
    }
}

/// `RETR n`: on `+OK` the client is ready to download and `*item_size` is the
/// octet count of the reply (0 if it has none). An octet count beyond 32 bits
/// gives `NX_POP3_SERVER_ERROR_STATUS`; the message is then still drained
/// before the next command.
///
/// # Safety
/// `c` is a created client; `item_size` is NULL or writable.
pub unsafe fn mail_item_get(c: *mut NX_POP3_CLIENT, item: UINT, item_size: *mut ULONG) -> UINT {
    // SAFETY: `c` is a created client; `item_size` is NULL or writable.
    unsafe {
        if !item_size.is_null() {
            *item_size = 0;
        }
        done((|| {
            check_index(c, item)?;
            // A RETR sent ahead (nx_pop3_client_mail_items_request) is not sent again.
            let reply = match state(c).ext {
                Some(hooks) => (hooks.retr)(c, item)?,
                None => transact(c, &Command::Retr(item))?,
            };
            start_download(c, item, reply, item_size)
        })())
    }
}

/// After the `+OK` or `-ERR` of `RETR` or `TOP`: ready to hand out the
/// message data, `*item_size` from the octet count if any.
pub(super) unsafe fn start_download(c: *mut NX_POP3_CLIENT, item: UINT, reply: Reply, item_size: *mut ULONG) -> Status {
    // SAFETY: `c` is a created client and `item_size` NULL or writable (mail_item_get's and top_get's contract).
    unsafe {
        {
            if !reply.ok {
                return Err(NX_POP3_SERVER_ERROR_STATUS);
            }
            (*c).nx_pop3_client_ready_to_download = NX_TRUE;
            (*c).nx_pop3_client_maildrop_index = item;
            state(c).body.reset();
            match reply.args[0] {
                Arg::Num(n) => {
                    if !item_size.is_null() {
                        *item_size = n;
                    }
                    Ok(())
                }
                Arg::TooBig => Err(NX_POP3_SERVER_ERROR_STATUS),
                Arg::None | Arg::Text => Ok(()),
            }
        }
    }
}

/// Hands out the next packet of message data (dot-unstuffed, terminator
/// removed); `*final_packet` is `NX_TRUE` on the packet that ends the message.
///
/// # Safety
/// `c` is a created client; the outputs are writable.
pub unsafe fn message_get(
    c: *mut NX_POP3_CLIENT,
    packet_out: *mut *mut NX_PACKET,
    bytes: *mut ULONG,
    final_packet: *mut UINT,
) -> UINT {
    // SAFETY: `c` is a created client; the outputs are writable.
    unsafe {
        *packet_out = ptr::null_mut();
        *bytes = 0;
        *final_packet = NX_FALSE;
        if (*c).nx_pop3_client_ready_to_download != NX_TRUE {
            return NX_POP3_CLIENT_INVALID_STATE;
        }
        let deadline = Deadline::after_ticks(state(c).settings.reply_timeout);
        loop {
            if let Err(status) = fill(c, deadline) {
                return status;
            }
            // The held bytes fill() made sure of (no slicing to check again),
            // taken before the state is borrowed: held() reads it too.
            let buf = held(c);
            let p = (*c).nx_pop3_client_message_ptr;
            let st = state(c);
            let off = st.rx_offset as usize;
            if buf.first().is_some_and(|&b| st.body.cr_pending(b)) {
                // `.` CR ended the last packet and no LF follows: the CR is
                // message data, and this packet has no room before its first
                // byte for it. It goes out alone (rare: a malformed line split
                // exactly there).
                return cr_packet(c, p, deadline, packet_out, bytes);
            }
            let d = st.body.decode_in_place(buf);
            if !d.end && d.produced == 0 {
                st.rx_offset += d.consumed as u32;
                continue;
            }
            let mut rest = stack::detach(p);
            if d.end {
                let after = buf.get(d.consumed..).unwrap_or(&[]);
                // Commands are sent ahead only once `ext` is set.
                let ahead = if st.pipe.is_empty() { None } else { st.ext };
                if let Some(hooks) = ahead {
                    // Commands were sent ahead: what follows the terminator is
                    // their replies, kept by the hook (which, failing, drops
                    // everything held: see services::keep_after).
                    match (hooks.keep_after)(c, p, after, rest, deadline) {
                        Ok(q) => rest = q,
                        Err(status) => return status,
                    }
                } else {
                    // Bytes after the terminator were not asked for: dropped, counted.
                    st.stray_bytes = st.stray_bytes.saturating_add(after.len() as u32);
                    st.after_body = true;
                }
                (*c).nx_pop3_client_ready_to_download = NX_FALSE;
                *final_packet = NX_TRUE;
            }
            // The decoded bytes are at the start of the unconsumed part: hand the packet over.
            (*c).nx_pop3_client_message_ptr = rest;
            st.rx_offset = 0;
            stack::trim(p, off, d.produced);
            *packet_out = p;
            *bytes = d.produced as ULONG;
            return NX_SUCCESS;
        }
    }
}

/// Hands out a one-byte packet holding the CR the decoder owes (see
/// [`pop3::BodyDecoder::cr_pending`]), from the pool of the received data.
unsafe fn cr_packet(
    c: *mut NX_POP3_CLIENT,
    held: *mut NX_PACKET,
    deadline: Deadline,
    packet_out: *mut *mut NX_PACKET,
    bytes: *mut ULONG,
) -> UINT {
    // SAFETY: `c` is a created client, `held` the packet it holds, the outputs writable (message_get's contract).
    unsafe {
        let p = match stack::copy_new(held, b"\r", deadline) {
            Ok(p) => p,
            Err(status) => return status,
        };
        state(c).body.cr_delivered();
        *packet_out = p;
        *bytes = 1;
        NX_SUCCESS
    }
}

/// `DELE n`.
///
/// # Safety
/// `c` is a created client.
pub unsafe fn mail_item_delete(c: *mut NX_POP3_CLIENT, item: UINT) -> UINT {
    // SAFETY: `c` is a created client.
    unsafe {
        if item == 0 {
            return NX_POP3_CLIENT_INVALID_INDEX;
        }
        done(expect_ok(c, &Command::Dele(item)))
    }
}

/// `QUIT` (does not disconnect).
///
/// # Safety
/// `c` is a created client.
pub unsafe fn quit(c: *mut NX_POP3_CLIENT) -> UINT {
    // SAFETY: `c` is a created client.
    unsafe {
        done(expect_ok(c, &Command::Quit))
    }
}

/// Releases what the client holds, disconnects (within the disconnect
/// timeout), unbinds and deletes the socket, zeroes the struct.
///
/// # Safety
/// `c` is a created client.
pub unsafe fn delete(c: *mut NX_POP3_CLIENT) -> UINT {
    // SAFETY: `c` is a created client.
    unsafe {
        drop_held(c);
        if state(c).socket_created {
            stack::disconnect(c, state(c).settings.disconnect_timeout);
        }
        ptr::write_bytes(c, 0, 1);
        NX_SUCCESS
    }
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
    // SAFETY: `c` points to writable memory of `NX_POP3_CLIENT` size that is not a created client.
    unsafe {
        ptr::addr_of_mut!((*state_ptr(c)).id).write(FAILED_CREATE_ID);
    }
}

/// True when the last create on `c` failed and no delete followed.
///
/// # Safety
/// `c` points to readable memory of `NX_POP3_CLIENT` size.
pub unsafe fn is_failed_create(c: *mut NX_POP3_CLIENT) -> bool {
    // SAFETY: `c` points to readable memory of `NX_POP3_CLIENT` size.
    unsafe {
        // A plain u32 read: valid whatever the memory holds.
        ptr::addr_of!((*state_ptr(c)).id).read() == FAILED_CREATE_ID
    }
}

/// The delete that follows a failed create: nothing is left to free (the
/// create released it all); zeroes the struct, so that a further delete gives
/// `NX_PTR_ERROR`, and returns `NX_SUCCESS`, as NetX does.
///
/// # Safety
/// `c` is a client marked by [`mark_failed_create`].
pub unsafe fn delete_failed_create(c: *mut NX_POP3_CLIENT) -> UINT {
    // SAFETY: `c` is a client marked by [`mark_failed_create`].
    unsafe {
        ptr::write_bytes(c, 0, 1);
        NX_SUCCESS
    }
}

/// Changes the timeouts (ticks) of a created client.
///
/// # Safety
/// `c` is a created client.
pub unsafe fn timeouts_set(c: *mut NX_POP3_CLIENT, t: [ULONG; 5]) -> UINT {
    // SAFETY: `c` is a created client.
    unsafe {
        let s = &mut state(c).settings;
        [s.packet_timeout, s.send_wait, s.connection_timeout, s.disconnect_timeout, s.reply_timeout] = t;
        NX_SUCCESS
    }
}

/// Hex MD5 of `process_id` followed by the client's password, NUL-terminated
/// (33 bytes), as NetX's `_nx_pop3_digest_authenticate` computes it.
///
/// # Safety
/// `c` points to a client (its password field is read).
pub unsafe fn digest_authenticate(c: *mut NX_POP3_CLIENT, process_id: &[u8], result: &mut [u8; 33]) {
    // SAFETY: `c` points to a client (its password field is read).
    unsafe {
        let digest = pop3::apop_digest(process_id, field(&(*c).nx_pop3_client_password));
        result[..32].copy_from_slice(&digest);
        result[32] = 0;
    }
}

/// Keeps the first `<...>` of `buffer` in `nx_pop3_server_process_id` (empty
/// if there is none or it does not fit).
///
/// # Safety
/// `c` points to a client.
pub unsafe fn parse_process_id(c: *mut NX_POP3_CLIENT, buffer: &[u8]) {
    // SAFETY: `c` points to a client.
    unsafe {
        let id = field_mut(&mut (*c).nx_pop3_server_process_id);
        match pop3::find_timestamp(buffer) {
            Some(t) if t.len() <= NX_POP3_SERVER_PROCESS_ID_SIZE => {
                id[..t.len()].copy_from_slice(t);
                id[t.len()] = 0;
            }
            _ => id[0] = 0,
        }
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
