//! The seam between the POP3 client and the TCP/IP stack (issue 10, item 8).
//!
//! Everything the client needs from the stack goes through this file:
//! the socket (create, connect, disconnect), sending a line, receiving with a
//! deadline, and the packets it receives (their data, unlinking one from a
//! chain, trimming, copying bytes into a new packet, releasing). The rest of
//! `src/client` never names `crate::netx::tcp` or `crate::netx::packet` nor
//! reads a packet's pointers. A backend over an application's own NetX Duo
//! (calling `nx_tcp_socket_receive`, `nx_packet_release`... of the real
//! NetX) is this file again, against those functions: the packet and socket
//! types are NetX's, so nothing else changes.

#![deny(unsafe_op_in_unsafe_fn)]

use core::ptr;
use core::slice;

use super::*;
use crate::netx::{packet, tcp};
use crate::port::Deadline;

fn check(status: UINT) -> Result<(), UINT> {
    if status == NX_SUCCESS {
        Ok(())
    } else {
        Err(status)
    }
}

fn socket(c: *mut NX_POP3_CLIENT) -> *mut NX_TCP_SOCKET {
    // SAFETY: only computes the address of a field; nothing is read.
    unsafe { ptr::addr_of_mut!((*c).nx_pop3_client_tcp_socket) }
}

// ---------------------------------------------------------------- the socket

/// Creates the client's TCP socket on `ip` with a receive window of `window`.
///
/// # Safety
/// `c` points to a client being created; `ip` to a created IP instance.
pub(super) unsafe fn socket_create(c: *mut NX_POP3_CLIENT, ip: *mut NX_IP, window: ULONG) -> UINT {
    // SAFETY: the caller's contract; the name is a static C string.
    unsafe {
        tcp::nx_tcp_socket_create(
            ip,
            socket(c),
            c"POP3 Client socket".as_ptr() as *mut CHAR,
            NX_IP_NORMAL,
            NX_FRAGMENT_OKAY,
            NX_IP_TIME_TO_LIVE,
            window,
            None,
            None,
        )
    }
}

/// Binds the socket to any port and connects to `server`:`port`, each step
/// within `wait` ticks.
///
/// # Safety
/// `c` is a created client whose socket exists.
pub(super) unsafe fn connect(c: *mut NX_POP3_CLIENT, server: &NXD_ADDRESS, port: ULONG, wait: ULONG) -> Result<(), UINT> {
    // SAFETY: the socket exists (caller); `server` is a valid reference.
    unsafe {
        check(tcp::nx_tcp_client_socket_bind(socket(c), NX_ANY_PORT, wait))?;
        check(tcp::nxd_tcp_client_socket_connect(socket(c), server, port as UINT, wait))
    }
}

/// Disconnects (within `wait` ticks), unbinds and deletes the socket.
///
/// # Safety
/// `c` is a created client whose socket exists.
pub(super) unsafe fn disconnect(c: *mut NX_POP3_CLIENT, wait: ULONG) {
    let s = socket(c);
    // SAFETY: the socket exists (caller); each call accepts any socket state.
    unsafe {
        tcp::nx_tcp_socket_disconnect(s, wait);
        tcp::nx_tcp_client_socket_unbind(s);
        tcp::nx_tcp_socket_delete(s);
    }
}

// ---------------------------------------------------------------- sending

/// Sends one packet from `pool` holding the bytes `fill` writes into the
/// buffer it is given (the packet's payload; it returns the length). The
/// packet is waited for up to `alloc_wait` ticks, the send up to
/// `send_wait`. Whatever fails, no packet is left behind.
///
/// # Safety
/// `c` is a created, connected client; `pool` a created packet pool.
pub(super) unsafe fn send(
    c: *mut NX_POP3_CLIENT,
    pool: *mut NX_PACKET_POOL,
    alloc_wait: ULONG,
    send_wait: ULONG,
    fill: impl FnOnce(&mut [u8]) -> Result<usize, UINT>,
) -> Result<(), UINT> {
    let mut p: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: `pool` is created (caller); `p` is a valid out-pointer.
    check(unsafe { packet::nx_packet_allocate(pool, &mut p, NX_RECEIVE_PACKET, alloc_wait) })?;
    // SAFETY: a packet just allocated is ours; its payload runs from
    // prepend_ptr to data_end.
    let (start, out) = unsafe {
        let start = (*p).nx_packet_prepend_ptr;
        let room = ((*p).nx_packet_data_end as usize).saturating_sub(start as usize);
        (start, slice::from_raw_parts_mut(start, room))
    };
    let room = out.len();
    let len = match fill(out) {
        Ok(len) if len <= room => len,
        other => {
            // SAFETY: the packet is ours and not queued anywhere.
            unsafe { packet::nx_packet_release(p) };
            return Err(other.err().unwrap_or(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD));
        }
    };
    // SAFETY: `len` bytes of the payload were written; the packet is ours.
    let status = unsafe {
        (*p).nx_packet_append_ptr = start.add(len);
        (*p).nx_packet_length = len as ULONG;
        tcp::nx_tcp_socket_send(socket(c), p, send_wait)
    };
    if status != NX_SUCCESS {
        // SAFETY: a failed send leaves the packet with the caller.
        unsafe { packet::nx_packet_release(p) };
    }
    check(status)
}

// ---------------------------------------------------------------- receiving

/// Waits up to `wait` ticks for data; the packet (a chain, possibly) is the
/// caller's. `NX_NO_PACKET` on timeout, `NX_NOT_CONNECTED` when the peer
/// closed and nothing is left.
///
/// # Safety
/// `c` is a created client whose socket exists.
pub(super) unsafe fn receive(c: *mut NX_POP3_CLIENT, wait: ULONG) -> Result<*mut NX_PACKET, UINT> {
    let mut p: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: the socket exists (caller); `p` is a valid out-pointer.
    check(unsafe { tcp::nx_tcp_socket_receive(socket(c), &mut p, wait) })?;
    Ok(p)
}

/// [`receive`] before `deadline`.
///
/// # Safety
/// As [`receive`].
pub(super) unsafe fn receive_until(c: *mut NX_POP3_CLIENT, deadline: Deadline) -> Result<*mut NX_PACKET, UINT> {
    // SAFETY: the caller's contract.
    unsafe { receive(c, deadline.remaining_ticks()) }
}

// ---------------------------------------------------------------- packets

/// The bytes of one packet of a chain, `prepend_ptr .. append_ptr`.
///
/// # Safety
/// `p` is a packet the client owns; the slice is used only while it does.
pub(super) unsafe fn data<'a>(p: *mut NX_PACKET) -> &'a mut [u8] {
    // SAFETY: `p` is a live packet (caller).
    let (start, end) = unsafe { ((*p).nx_packet_prepend_ptr, (*p).nx_packet_append_ptr) };
    if start.is_null() || (end as usize) <= (start as usize) {
        return &mut [];
    }
    // SAFETY: a packet's prepend..append range lies inside its payload, which
    // the client owns while it holds the packet.
    unsafe { slice::from_raw_parts_mut(start, end as usize - start as usize) }
}

/// The packet after `p` in its chain (NULL at the end).
///
/// # Safety
/// `p` is a packet the client owns.
pub(super) unsafe fn next(p: *mut NX_PACKET) -> *mut NX_PACKET {
    // SAFETY: `p` is a live packet (caller).
    unsafe { (*p).nx_packet_next }
}

/// Unlinks the first packet of a chain; returns the rest (a chain of its own,
/// its length set).
///
/// # Safety
/// `p` is the head of a chain the client owns.
pub(super) unsafe fn detach(p: *mut NX_PACKET) -> *mut NX_PACKET {
    // SAFETY: every packet of the chain is live and the client's (caller).
    unsafe {
        let rest = (*p).nx_packet_next;
        (*p).nx_packet_next = ptr::null_mut();
        (*p).nx_packet_last = ptr::null_mut();
        if !rest.is_null() {
            let mut len = 0u32;
            let mut q = rest;
            while !q.is_null() {
                len = len.saturating_add(data(q).len() as u32);
                q = (*q).nx_packet_next;
            }
            (*rest).nx_packet_length = len;
        }
        rest
    }
}

/// Links the chain `rest` after the chain `head`.
///
/// # Safety
/// Both are chains the client owns (`rest` may be NULL).
pub(super) unsafe fn append_chain(head: *mut NX_PACKET, rest: *mut NX_PACKET) {
    // SAFETY: the caller's contract.
    unsafe { (*packet::chain_last(head)).nx_packet_next = rest };
}

/// Makes a lone packet hold exactly `len` bytes starting `skip` bytes into
/// its current data (`skip + len` at most the current length).
///
/// # Safety
/// `p` is a lone packet the client owns.
pub(super) unsafe fn trim(p: *mut NX_PACKET, skip: usize, len: usize) {
    // SAFETY: the new range lies inside the old one, inside the payload.
    unsafe {
        let start = (*p).nx_packet_prepend_ptr.add(skip);
        (*p).nx_packet_prepend_ptr = start;
        (*p).nx_packet_append_ptr = start.add(len);
        (*p).nx_packet_length = len as ULONG;
    }
}

/// A new packet from the pool `like` came from, holding
/// `bytes`; waits for packets until `deadline`.
///
/// # Safety
/// `like` is a packet the client owns; `bytes` does not overlap the new packet.
pub(super) unsafe fn copy_new(like: *mut NX_PACKET, bytes: &[u8], deadline: Deadline) -> Result<*mut NX_PACKET, UINT> {
    // SAFETY: `like` is live (caller), so its pool is created.
    let pool = unsafe { (*like).nx_packet_pool_owner };
    let mut q: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: `pool` is created; `q` is a valid out-pointer.
    check(unsafe { packet::nx_packet_allocate(pool, &mut q, NX_RECEIVE_PACKET, deadline.remaining_ticks()) })?;
    // Written straight into the payload rather than by nx_packet_data_append
    // (which chains further packets: not needed, and ~320 B of Cortex-M4
    // code a program calling the NetX services would not link otherwise).
    // `bytes` lies in a packet of the same pool, so it fits; if not, the
    // packet is released and the copy refused.
    // SAFETY: a packet just allocated is ours; its payload runs from
    // prepend_ptr to data_end; `bytes` is a valid slice, not inside `q`.
    unsafe {
        let start = (*q).nx_packet_prepend_ptr;
        let room = ((*q).nx_packet_data_end as usize).saturating_sub(start as usize);
        if bytes.len() > room {
            packet::nx_packet_release(q);
            return Err(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD);
        }
        ptr::copy_nonoverlapping(bytes.as_ptr(), start, bytes.len());
        (*q).nx_packet_append_ptr = start.add(bytes.len());
        (*q).nx_packet_length = bytes.len() as ULONG;
    }
    Ok(q)
}

/// Releases a packet (a whole chain) the client owns; NULL is ignored.
///
/// # Safety
/// `p` is NULL or a chain the client owns; it is not used afterwards.
pub(super) unsafe fn release(p: *mut NX_PACKET) {
    if !p.is_null() {
        // SAFETY: the caller's contract.
        unsafe { packet::nx_packet_release(p) };
    }
}
