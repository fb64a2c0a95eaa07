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

//!
//! The client's socket is a raw pointer ([`Fields::socket`]): the IP
//! instance's thread writes its fields while the client runs. Every socket
//! call below relies on the same fact, the invariant of a created client:
//! create made the socket, and only delete deletes it (after which the
//! handle is gone), so a [`Client`]'s socket exists. Packets are raw
//! pointers too; the ones the client holds are its own (no other thread
//! touches a packet between its receive and its release), which is what the
//! packet helpers at the end ask of their callers.

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

// ---------------------------------------------------------------- the socket

/// Creates the client's TCP socket `s` on `ip` with a receive window of `window`.
///
/// # Safety
/// `s` is the socket field of a client being created (writable, not a
/// created socket); `ip` points to a created IP instance.
pub(super) unsafe fn socket_create(s: *mut NX_TCP_SOCKET, ip: *mut NX_IP, window: ULONG) -> UINT {
    let name = c"POP3 Client socket".as_ptr() as *mut CHAR;
    // SAFETY: the caller's contract for `s` and `ip`; the name is a static C string.
    unsafe { tcp::nx_tcp_socket_create(ip, s, name, NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, window, None, None) }
}

/// How a client reaches its server: [`CONNECT_V4`] for the IPv4 services
/// (`nx_pop3_client_create`), [`CONNECT_ANY`] for the `nxd_` ones. The
/// exports choose, so a program that never calls an `nxd_` service links no
/// IPv6 connect code (as with NetX Duo's separate `nxd_` objects): 224 bytes
/// on Cortex-M4.
#[derive(Clone, Copy)]
pub struct Connector(fn(*mut NX_TCP_SOCKET, &NXD_ADDRESS, UINT, ULONG) -> UINT);

/// IPv4 only: any other address version is `NX_IP_ADDRESS_ERROR`.
pub const CONNECT_V4: Connector = Connector(|s, server, port, wait| {
    if server.nxd_ip_version != NX_IP_VERSION_V4 {
        return NX_IP_ADDRESS_ERROR;
    }
    // SAFETY: the union's v4 member is a plain integer, valid whatever the bits.
    let v4 = unsafe { server.nxd_ip_address.v4 };
    // SAFETY: `s` is a created client's socket (module doc).
    unsafe { tcp::nx_tcp_client_socket_connect(s, v4, port, wait) }
});

/// IPv4 or IPv6.
// SAFETY: `s` is a created client's socket (module doc); `server` a valid reference.
pub const CONNECT_ANY: Connector = Connector(|s, server, port, wait| unsafe { tcp::nxd_tcp_client_socket_connect(s, server, port, wait) });

/// Binds the socket to any port and connects to `server`:`port` through
/// `via`, each step within `wait` ticks.
pub(super) fn connect(nx: &Fields<'_>, via: Connector, server: &NXD_ADDRESS, port: ULONG, wait: ULONG) -> Result<(), UINT> {
    // SAFETY: a created client's socket exists (module doc).
    check(unsafe { tcp::nx_tcp_client_socket_bind(nx.socket(), NX_ANY_PORT, wait) })?;
    check((via.0)(nx.socket(), server, port as UINT, wait))
}

/// Disconnects (within `wait` ticks), unbinds and deletes the socket: the
/// last use of it (the caller, delete, zeroes the client next).
pub(super) fn disconnect(nx: &Fields<'_>, wait: ULONG) {
    let s = nx.socket();
    // SAFETY: a created client's socket exists (module doc); disconnect accepts any socket state.
    unsafe { tcp::nx_tcp_socket_disconnect(s, wait) };
    // SAFETY: as above; unbind accepts any socket state.
    unsafe { tcp::nx_tcp_client_socket_unbind(s) };
    // SAFETY: as above; the socket is not used after this.
    unsafe { tcp::nx_tcp_socket_delete(s) };
}

// ---------------------------------------------------------------- sending

/// Sends one packet from the client's pool holding the bytes `fill` writes
/// into the buffer it is given (the packet's payload; it returns the length).
/// The packet is waited for up to `alloc_wait` ticks, the send up to
/// `send_wait`. Whatever fails, no packet is left behind.
pub(super) fn send(
    nx: &Fields<'_>,
    alloc_wait: ULONG,
    send_wait: ULONG,
    fill: impl FnOnce(&mut [u8]) -> Result<usize, UINT>,
) -> Result<(), UINT> {
    let mut p: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: the pool create was given, which the program keeps created while
    // the client exists (NetX's contract); `p` is a valid out-pointer.
    check(unsafe { packet::nx_packet_allocate(nx.packet_pool(), &mut p, NX_RECEIVE_PACKET, alloc_wait) })?;
    // SAFETY: a packet just allocated is ours alone.
    let pk = unsafe { &mut *p };
    let start = pk.nx_packet_prepend_ptr;
    let room = (pk.nx_packet_data_end as usize).saturating_sub(start as usize);
    // SAFETY: an allocated packet's payload runs from prepend_ptr to data_end, and is ours.
    let out = unsafe { slice::from_raw_parts_mut(start, room) };
    let len = match fill(out) {
        Ok(len) if len <= room => len,
        other => {
            // SAFETY: the packet is ours and not queued anywhere.
            unsafe { packet::nx_packet_release(p) };
            return Err(other.err().unwrap_or(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD));
        }
    };
    pk.nx_packet_append_ptr = start.wrapping_add(len);
    pk.nx_packet_length = len as ULONG;
    // SAFETY: the socket exists (module doc); the packet is ours and holds `len` written bytes.
    let status = unsafe { tcp::nx_tcp_socket_send(nx.socket(), p, send_wait) };
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
pub(super) fn receive(nx: &Fields<'_>, wait: ULONG) -> Result<*mut NX_PACKET, UINT> {
    let mut p: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: a created client's socket exists (module doc); `p` is a valid out-pointer.
    check(unsafe { tcp::nx_tcp_socket_receive(nx.socket(), &mut p, wait) })?;
    Ok(p)
}

/// [`receive`] before `deadline`.
pub(super) fn receive_until(nx: &Fields<'_>, deadline: Deadline) -> Result<*mut NX_PACKET, UINT> {
    receive(nx, deadline.remaining_ticks())
}

// ---------------------------------------------------------------- packets

/// The bytes of one packet of a chain, `prepend_ptr .. append_ptr`.
///
/// # Safety
/// `p` is a packet the client owns; the slice is used only while it does.
pub(super) unsafe fn data<'a>(p: *mut NX_PACKET) -> &'a mut [u8] {
    // SAFETY: `p` is a live packet, the client's alone (caller).
    let pk = unsafe { &*p };
    let (start, end) = (pk.nx_packet_prepend_ptr, pk.nx_packet_append_ptr);
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
    // SAFETY: the head is live and the client's alone (caller).
    let head = unsafe { &mut *p };
    let rest = head.nx_packet_next;
    head.nx_packet_next = ptr::null_mut();
    head.nx_packet_last = ptr::null_mut();
    if !rest.is_null() {
        let mut len = 0u32;
        let mut q = rest;
        while !q.is_null() {
            // SAFETY: every packet of the chain is live and the client's (caller).
            len = len.saturating_add(unsafe { data(q) }.len() as u32);
            // SAFETY: as above.
            q = unsafe { next(q) };
        }
        // SAFETY: as above; `rest` is not NULL.
        unsafe { (*rest).nx_packet_length = len };
    }
    rest
}

/// Links the chain `rest` after the chain `head`.
///
/// # Safety
/// Both are chains the client owns (`rest` may be NULL).
pub(super) unsafe fn append_chain(head: *mut NX_PACKET, rest: *mut NX_PACKET) {
    // SAFETY: `head` is a chain the client owns (caller).
    let last = unsafe { packet::chain_last(head) };
    // SAFETY: the last packet of that chain, live and the client's.
    unsafe { (*last).nx_packet_next = rest };
}

/// Makes a lone packet hold exactly `len` bytes starting `skip` bytes into
/// its current data (`skip + len` at most the current length).
///
/// # Safety
/// `p` is a lone packet the client owns.
pub(super) unsafe fn trim(p: *mut NX_PACKET, skip: usize, len: usize) {
    // SAFETY: the packet is live and the client's alone (caller).
    let pk = unsafe { &mut *p };
    // The new range lies inside the old one (caller), inside the payload.
    let start = pk.nx_packet_prepend_ptr.wrapping_add(skip);
    pk.nx_packet_prepend_ptr = start;
    pk.nx_packet_append_ptr = start.wrapping_add(len);
    pk.nx_packet_length = len as ULONG;
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
    // SAFETY: a packet just allocated is ours alone.
    let pk = unsafe { &mut *q };
    let start = pk.nx_packet_prepend_ptr;
    let room = (pk.nx_packet_data_end as usize).saturating_sub(start as usize);
    if bytes.len() > room {
        // SAFETY: the packet is ours and not queued anywhere.
        unsafe { packet::nx_packet_release(q) };
        return Err(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD);
    }
    // SAFETY: the payload has room for `bytes` from prepend_ptr on; `bytes` is
    // a valid slice outside the new packet (caller).
    unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), start, bytes.len()) };
    pk.nx_packet_append_ptr = start.wrapping_add(bytes.len());
    pk.nx_packet_length = bytes.len() as ULONG;
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
