//! Extensions beyond NetX that a real client program needs (issue 8):
//!
//! - the server's last status line, kept in the client struct (caller
//!   memory, no heap) and still readable after a failed create (until the
//!   struct is deleted or created again), so that a program can say *why*
//!   the server refused;
//! - refusing APOP's silent fallback to USER/PASS (NetX's default, which
//!   sends the password in clear, stays the default).
//!
//! Both live in the private tail of [`NX_POP3_CLIENT`]; the rest of the
//! client only calls [`record_reply`], [`zero_keeping_last_reply`] and [`apop_fallback`].

use core::mem::offset_of;

use super::*;

/// Bytes of the last server reply kept (the rest of a longer line is dropped).
pub const NX_POP3_CLIENT_LAST_REPLY_SIZE: usize = 127;

/// `Settings::flags`: APOP refused (or not offered) fails the login instead
/// of falling back to USER/PASS.
pub(crate) const FLAG_NO_APOP_FALLBACK: u32 = 1;

/// The last status line the server sent, without its line end.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct LastReply {
    len: u8,
    text: [u8; NX_POP3_CLIENT_LAST_REPLY_SIZE],
    /// A line is being received: the next fed bytes append to `text`.
    open: bool,
}

impl LastReply {
    /// Stored bytes, line end removed once the line is complete.
    fn bytes(&self) -> &[u8] {
        &self.text[..(self.len as usize).min(NX_POP3_CLIENT_LAST_REPLY_SIZE)]
    }
}

/// No line stored and none being received (a zeroed client's state).
#[cfg(test)]
pub(crate) fn last_reply_is_empty(r: &LastReply) -> bool {
    r.len == 0 && !r.open
}

/// A new status line is awaited: its first byte replaces the stored line
/// (which stays readable until then), even if the previous line was cut
/// short by a timeout or a closed connection.
pub(crate) fn reply_expected(st: &mut ClientState) {
    st.last_reply.open = false;
}

/// Notes bytes of a status line as the reply parser consumes them. `start`
/// begins a new line (forgetting the previous one); `end` closes it (the
/// line end is stripped).
pub(crate) fn record_reply(st: &mut ClientState, bytes: &[u8], end: bool) {
    let r = &mut st.last_reply;
    if !r.open {
        r.len = 0;
        r.open = true;
    }
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            if end && i + 1 == bytes.len() {
                break; // this line's own end
            }
            // The end of a bad line the parser skipped: keep what follows.
            r.len = 0;
            continue;
        }
        let n = r.len as usize;
        if let Some(slot) = r.text.get_mut(n) {
            *slot = b;
            r.len += 1;
        }
    }
    if end {
        r.open = false;
        if r.len > 0 && r.text.get((r.len as usize).wrapping_sub(1)) == Some(&b'\r') {
            r.len -= 1;
        }
    }
}

/// Zeroes the struct but for the last reply's bytes, so that a program can
/// report what the server said after the clean-up of a failed create (the
/// line is closed: `open` is zeroed with the rest).
///
/// # Safety
/// `c` points to writable memory of `NX_POP3_CLIENT` size that nothing else
/// uses: no handle of it is used again, and it holds no socket.
pub(crate) unsafe fn zero_keeping_last_reply(c: *mut NX_POP3_CLIENT) {
    const KEEP: usize = offset_of!(NX_POP3_CLIENT, nx_pop3_client_private) + offset_of!(ClientState, last_reply);
    const KEPT_END: usize = KEEP + offset_of!(LastReply, open);
    let bytes = c.cast::<u8>();
    // SAFETY: the first KEEP bytes of the struct (the caller's contract);
    // all-zero is a valid value of every field there.
    unsafe { core::ptr::write_bytes(bytes, 0, KEEP) };
    // SAFETY: the bytes from the end of the kept text to the end of the
    // struct (the caller's contract); all-zero is valid there as well.
    unsafe { core::ptr::write_bytes(bytes.wrapping_add(KEPT_END), 0, core::mem::size_of::<NX_POP3_CLIENT>() - KEPT_END) };
}

/// Copies the last status line the server sent (CRLF removed, at most
/// [`NX_POP3_CLIENT_LAST_REPLY_SIZE`] bytes, and at most `out.len() - 1`) to
/// `out` followed by a NUL; returns the bytes copied (0: no reply yet).
///
/// # Safety
/// `c` points to readable memory of `NX_POP3_CLIENT` size, and no other
/// thread writes the client during the call.
pub unsafe fn last_reply_get(c: *mut NX_POP3_CLIENT, out: &mut [u8]) -> usize {
    if out.is_empty() {
        return 0;
    }
    let r = private_field_ptr!(c, last_reply: LastReply);
    // Plain u8 reads (a bool is avoided: only len and text are read), valid whatever the memory holds.
    let len = r.wrapping_byte_add(offset_of!(LastReply, len)).cast::<u8>();
    let text = r.wrapping_byte_add(offset_of!(LastReply, text)).cast::<[u8; NX_POP3_CLIENT_LAST_REPLY_SIZE]>();
    // SAFETY: readable memory of `NX_POP3_CLIENT` size (caller), not written meanwhile.
    let len = unsafe { len.read() };
    // SAFETY: as above.
    let text = unsafe { text.read() };
    let stored = LastReply { len, text, open: false };
    let b = stored.bytes();
    let n = b.len().min(out.len() - 1);
    out[..n].copy_from_slice(&b[..n]);
    out[n] = 0;
    n
}

/// Whether a refused or impossible APOP may fall back to USER/PASS.
pub(crate) fn apop_fallback(st: &ClientState) -> bool {
    st.settings.flags & FLAG_NO_APOP_FALLBACK == 0
}

/// Allows (NetX's default) or refuses APOP's fallback to USER/PASS: for a
/// created client from its next `_nxd_pop3_client_connect`, otherwise for
/// the next create of this struct (kept with the settings create reads).
///
/// # Safety
/// `c` points to writable memory of `NX_POP3_CLIENT` size that no other
/// thread uses during the call.
pub unsafe fn apop_fallback_set(c: *mut NX_POP3_CLIENT, allow: bool) {
    let set = |s: &mut Settings| {
        if allow {
            s.flags &= !FLAG_NO_APOP_FALLBACK;
        } else {
            s.flags |= FLAG_NO_APOP_FALLBACK;
        }
    };
    // SAFETY: readable memory of `NX_POP3_CLIENT` size (caller).
    if unsafe { is_created(c) } {
        let settings = private_field_ptr!(c, settings: Settings);
        // SAFETY: as above; Settings is all u32: any bit pattern is a valid value.
        let mut s = unsafe { settings.read() };
        set(&mut s);
        // SAFETY: writable memory of `NX_POP3_CLIENT` size, used by no other thread (caller).
        unsafe { settings.write(s) };
    } else {
        // SAFETY: as above.
        let mut s = unsafe { carried_settings(c) }.unwrap_or(DEFAULT_SETTINGS);
        set(&mut s);
        // SAFETY: as above.
        unsafe { carry_settings(c, s) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// include/nx_pop3_config.h is what build.rs writes for the defaults:
    /// programs compiled against include/ see the default library's limits.
    #[test]
    fn committed_config_header_matches_a_default_build() {
        if (NX_POP3_MAX_USERNAME, NX_POP3_MAX_PASSWORD, NX_POP3_SERVER_PROCESS_ID_SIZE) != (40, 20, 75) {
            return; // a build with other limits: its header is written elsewhere
        }
        let committed = include_str!("../../include/nx_pop3_config.h");
        let generated = include_str!(concat!(env!("OUT_DIR"), "/nx_pop3_config.h"));
        assert_eq!(committed, generated, "include/nx_pop3_config.h is stale: copy it from the build's OUT_DIR");
    }
}
