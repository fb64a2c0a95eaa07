//! `extern "C"` exports of the NetX core subset: packets and pools, IP
//! instances and the driver protocol, TCP sockets, the RAM driver.
//!
//! `_nx_X` trusts its arguments and calls `crate::netx`; `_nxe_X` checks
//! pointers, object ids and values as NetX does, then calls `_nx_X`. Every
//! body runs inside `ffi_status!`/`ffi_void!`: no panic crosses into C.
#![allow(non_snake_case, clippy::missing_safety_doc, clippy::too_many_arguments)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use core::mem::size_of;

use crate::drivers::ram;
use crate::netx::types::*;
use crate::netx::{ip, packet, tcp};

/// True when `p` is a created pool.
///
/// # Safety
/// `p` is NULL or addresses `NX_PACKET_POOL`-sized memory the caller keeps
/// for the call (created or not: only the id words are read).
unsafe fn pool_ok(p: *const NX_PACKET_POOL) -> bool {
    // SAFETY: this function's contract is the one of pool_is_live.
    unsafe { packet::pool_is_live(p) }
}
/// True when `p` is a created IP instance.
///
/// # Safety
/// `p` is NULL or addresses `NX_IP`-sized memory the caller keeps for the call.
unsafe fn ip_ok(p: *const NX_IP) -> bool {
    // SAFETY: this function's contract is the one of ip_is_created.
    unsafe { ip::ip_is_created(p) }
}
/// True when `p` is a created socket on a created IP instance.
///
/// # Safety
/// `p` is NULL or addresses `NX_TCP_SOCKET`-sized memory the caller keeps for
/// the call.
unsafe fn sock_ok(p: *const NX_TCP_SOCKET) -> bool {
    // SAFETY: this function's contract is the one of socket_is_created.
    if !unsafe { tcp::socket_is_created(p) } {
        return false;
    }
    // SAFETY: a created socket (just checked): `nx_tcp_socket_ip_ptr` was
    // written by create and never changes.
    let ip = unsafe { (*p).nx_tcp_socket_ip_ptr };
    // SAFETY: NULL or the NX_IP the socket was created on, which ip_ok accepts.
    unsafe { ip_ok(ip) }
}
/// True when `ip` is a created IP instance and `s` a created socket on it.
///
/// # Safety
/// Each is NULL or addresses memory of its type the caller keeps for the call.
unsafe fn sock_on_ip_ok(ip: *const NX_IP, s: *const NX_TCP_SOCKET) -> bool {
    // SAFETY: this function's contract for `ip`; only its id words are read.
    if !unsafe { ip_ok(ip) } {
        return false;
    }
    // SAFETY: this function's contract for `s`.
    if !unsafe { sock_ok(s) } {
        return false;
    }
    // SAFETY: a created socket (just checked): its IP field was written by
    // create and never changes.
    let on = unsafe { (*s).nx_tcp_socket_ip_ptr };
    core::ptr::eq(on, ip)
}
/// Most packets a chain handed in may have (a longer one, or a loop, is
/// `NX_INVALID_PACKET`).
const MAX_CHAIN: usize = 1 << 16;
/// NetX's checks on a packet handed in, made on EVERY packet of the chain
/// (NetX looks at the head only; a freed or foreign packet further on would
/// make a length underflow): an allocated packet of a live pool
/// (`NX_PTR_ERROR`), `prepend_ptr` not before `data_start` (`NX_UNDERFLOW`),
/// `append_ptr` not past `data_end` (`NX_OVERFLOW`), `prepend_ptr` not past
/// `append_ptr` (`NX_INVALID_PACKET`).
///
/// # Safety
/// `head` is NULL or the head of a chain of `NX_PACKET`s the caller owns
/// (NetX rule for a packet handed in: no other thread writes them during the
/// call); each packet's `nx_packet_next` is NULL or the next one.
unsafe fn packet_check(head: *const NX_PACKET) -> UINT {
    if head.is_null() {
        return NX_PTR_ERROR;
    }
    let mut p = head;
    let mut n = 0usize;
    while !p.is_null() {
        // SAFETY: non-NULL, and a packet of the caller's chain (contract).
        let pk: &NX_PACKET = unsafe { &*p };
        n += 1;
        if n > MAX_CHAIN {
            return NX_INVALID_PACKET;
        }
        // SAFETY: reading a field of a union of two pointers: either is a
        // plain address, compared with NetX's marker values only.
        let marker = unsafe { pk.nx_packet_union_next.nx_packet_tcp_queue_next } as ALIGN_TYPE;
        // SAFETY: the owner field of a caller's packet is NULL or
        // NX_PACKET_POOL-sized memory (the pool it was carved from).
        if !unsafe { pool_ok(pk.nx_packet_pool_owner) } || marker != NX_PACKET_ALLOCATED {
            return NX_PTR_ERROR;
        }
        if pk.nx_packet_prepend_ptr < pk.nx_packet_data_start {
            return NX_UNDERFLOW;
        }
        if pk.nx_packet_append_ptr > pk.nx_packet_data_end {
            return NX_OVERFLOW;
        }
        if pk.nx_packet_prepend_ptr > pk.nx_packet_append_ptr {
            return NX_INVALID_PACKET;
        }
        p = pk.nx_packet_next;
    }
    NX_SUCCESS
}
/// A checked release refused by [`packet_check`]: a head packet that is
/// already free is still counted in its pool's `nx_packet_pool_invalid_releases`
/// (the core release does that and changes nothing else).
///
/// # Safety
/// As [`packet_check`], for the head packet.
unsafe fn release_refused(p: *mut NX_PACKET, status: UINT) -> UINT {
    if p.is_null() {
        return status;
    }
    // SAFETY: non-NULL; a packet the caller handed in (contract).
    let pk: &NX_PACKET = unsafe { &*p };
    // SAFETY: as in packet_check: the union holds an address either way.
    let marker = unsafe { pk.nx_packet_union_next.nx_packet_tcp_queue_next } as ALIGN_TYPE;
    // SAFETY: the owner field is NULL or the pool the packet was carved from.
    if marker == NX_PACKET_FREE && unsafe { pool_ok(pk.nx_packet_pool_owner) } {
        // SAFETY: a free packet of a live pool: the core release only counts
        // it as an invalid release (under the pool's lock) and changes nothing.
        return unsafe { packet::nx_packet_release(p) };
    }
    status
}
fn port_ok(port: UINT) -> bool {
    port != 0 && port <= 0xFFFF
}

// ================================================================ packets

/// Creates a packet pool in the caller's memory: `memory_ptr`/`memory_size`
/// are carved into packets of `payload_size` bytes (rounded up to 8), each
/// after an `NX_PACKET` header; `nx_packet_pool_total` = `available` = count.
/// Returns `NX_SUCCESS`, or `NX_SIZE_ERROR` if not one packet fits. No heap.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_pool_create(
    pool_ptr: *mut NX_PACKET_POOL,
    name_ptr: *mut CHAR,
    payload_size: ULONG,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `pool_ptr`
        // is an NX_PACKET_POOL block not yet created, `name_ptr` NULL or a C string, `memory_ptr`
        // `memory_size` bytes; all kept until the pool is deleted.
        unsafe { packet::nx_packet_pool_create(pool_ptr, name_ptr, payload_size, memory_ptr, memory_size) }
    })
}

/// Checked `nx_packet_pool_create`. `pool_control_block_size` is
/// `sizeof(NX_PACKET_POOL)` as the caller sees it. Returns `NX_PTR_ERROR` for
/// a NULL pool or memory, a size mismatch, or a pool already created;
/// `NX_SIZE_ERROR` for a zero payload or memory too small for one packet;
/// else as `_nx_packet_pool_create`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_pool_create(
    pool_ptr: *mut NX_PACKET_POOL,
    name_ptr: *mut CHAR,
    payload_size: ULONG,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
    pool_control_block_size: UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(pool_ptr, memory_ptr);
        if pool_control_block_size as usize != size_of::<NX_PACKET_POOL>()
            // SAFETY: non-NULL and of the caller's NX_PACKET_POOL size (checked
            // just before); only the id words are read.
            || unsafe { packet::pool_is_created(pool_ptr) }
        {
            return NX_PTR_ERROR;
        }
        if payload_size == 0 {
            return NX_SIZE_ERROR;
        }
        // SAFETY: `pool_ptr` a non-NULL block of the right size, not yet a
        // pool; `memory_ptr` non-NULL, `memory_size` bytes the caller gives
        // the pool until it is deleted (NetX rule); raw, not `&mut`: once
        // created, the pool is shared by every thread that allocates from it.
        unsafe { _nx_packet_pool_create(pool_ptr, name_ptr, payload_size, memory_ptr, memory_size) }
    })
}

/// Deletes a pool: its id is cleared under the pool's lock, so a release
/// racing with the delete returns `NX_PTR_ERROR` and changes nothing;
/// threads waiting in allocate return `NX_DELETED` and are waited out.
/// Once this returns the library no longer touches the pool. Packets still
/// out become unusable. Returns `NX_SUCCESS` (`NX_PTR_ERROR` if already
/// deleted).
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_pool_delete(pool_ptr: *mut NX_PACKET_POOL) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `pool_ptr`
        // is a created pool, kept alive for the call.
        unsafe { packet::nx_packet_pool_delete(pool_ptr) }
    })
}

/// Checked `nx_packet_pool_delete`: `NX_PTR_ERROR` for NULL or a pool that is
/// not created (deleting twice included).
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_pool_delete(pool_ptr: *mut NX_PACKET_POOL) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { pool_ok(pool_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `pool_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `pool_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_packet_pool_delete(pool_ptr) }
    })
}

/// Allocates one packet with `packet_type` bytes of headroom
/// (`prepend_ptr = append_ptr = data_start + packet_type`, length 0). An
/// empty pool counts `nx_packet_pool_empty_requests` and waits up to
/// `wait_option` ticks. Returns `NX_SUCCESS` (the caller owns `*packet_ptr`),
/// `NX_NO_PACKET`, `NX_INVALID_PARAMETERS` (headroom > payload), `NX_DELETED`.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_allocate(
    pool_ptr: *mut NX_PACKET_POOL,
    packet_ptr: *mut *mut NX_PACKET,
    packet_type: ULONG,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `pool_ptr`
        // is a created pool, `packet_ptr` is a writable slot; all kept alive for the call.
        unsafe { packet::nx_packet_allocate(pool_ptr, packet_ptr, packet_type, wait_option) }
    })
}

/// Checked `nx_packet_allocate`: `NX_PTR_ERROR` (NULL, pool not created),
/// `NX_OPTION_ERROR` (`packet_type` not a multiple of 4); `*packet_ptr` is set
/// to NULL first.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_allocate(
    pool_ptr: *mut NX_PACKET_POOL,
    packet_ptr: *mut *mut NX_PACKET,
    packet_type: ULONG,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr);
        // SAFETY: checked non-NULL; the caller lends this output slot for the
        // call and no other thread touches it (NetX rule).
        let out: &mut *mut NX_PACKET = unsafe { &mut *packet_ptr };
        *out = core::ptr::null_mut();
        // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { pool_ok(pool_ptr) } {
            return NX_PTR_ERROR;
        }
        if packet_type % 4 != 0 {
            return NX_OPTION_ERROR;
        }
        // SAFETY: `pool_ptr` checked created just above and kept alive by the
        // caller for the call (NetX rule); raw, not `&mut`: other threads
        // allocate from and release to it at the same time. `out` is a live slot.
        unsafe { _nx_packet_allocate(pool_ptr, out, packet_type, wait_option) }
    })
}

/// Releases a whole chain to its owner pools (waking a waiting allocator).
/// Returns `NX_SUCCESS`, or `NX_PTR_ERROR` for a packet already free
/// (`nx_packet_pool_invalid_releases` + 1, free list untouched) or whose
/// owner is not a live pool.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_release(packet_ptr: *mut NX_PACKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, kept alive for the call.
        unsafe { packet::nx_packet_release(packet_ptr) }
    })
}

/// Checked `nx_packet_release(p)`, which passes `&p`: on `NX_SUCCESS`, `*p`
/// becomes NULL. Every packet of the chain is checked first, so a bad chain
/// is refused whole (nothing released): `NX_PTR_ERROR` (NULL, owner not
/// live, a packet free or foreign; a free head also counts in the pool's
/// `nx_packet_pool_invalid_releases`), `NX_UNDERFLOW` (prepend before data
/// start), `NX_OVERFLOW` (append past data end), `NX_INVALID_PACKET`
/// (append before prepend); on failure the caller keeps the packet.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_release(packet_ptr_ptr: *mut *mut NX_PACKET) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr_ptr);
        // SAFETY: checked non-NULL; the caller's `&p`, lent for the call and
        // touched by no other thread (NetX rule).
        let slot: &mut *mut NX_PACKET = unsafe { &mut *packet_ptr_ptr };
        let p = *slot;
        // SAFETY: `p` is the chain the caller hands in: it owns it (NetX rule).
        let s = unsafe { packet_check(p) };
        if s != NX_SUCCESS {
            // SAFETY: as packet_check just above.
            return unsafe { release_refused(p, s) };
        }
        // SAFETY: every packet of the chain checked above (allocated, of a
        // live pool, pointers inside its buffer); the caller owns it.
        let s = unsafe { _nx_packet_release(p) };
        if s == NX_SUCCESS {
            *slot = core::ptr::null_mut();
        }
        s
    })
}

/// Releases a transmitted chain (drivers call this when done). As
/// `_nx_packet_release`.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_transmit_release(packet_ptr: *mut NX_PACKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, kept alive for the call.
        unsafe { packet::nx_packet_transmit_release(packet_ptr) }
    })
}

/// Checked `nx_packet_transmit_release(p)` (passes `&p`; NULL on success).
/// Statuses as `_nxe_packet_release`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_transmit_release(packet_ptr_ptr: *mut *mut NX_PACKET) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr_ptr);
        // SAFETY: checked non-NULL; the caller's `&p`, lent for the call and
        // touched by no other thread (NetX rule).
        let slot: &mut *mut NX_PACKET = unsafe { &mut *packet_ptr_ptr };
        let p = *slot;
        // SAFETY: `p` is the chain the caller hands in: it owns it (NetX rule).
        let s = unsafe { packet_check(p) };
        if s != NX_SUCCESS {
            // SAFETY: as packet_check just above.
            return unsafe { release_refused(p, s) };
        }
        // SAFETY: every packet of the chain checked above (allocated, of a
        // live pool, pointers inside its buffer); the caller owns it.
        let s = unsafe { _nx_packet_transmit_release(p) };
        if s == NX_SUCCESS {
            *slot = core::ptr::null_mut();
        }
        s
    })
}

/// Appends `size` bytes to a chain, chaining packets from `pool_ptr` (waiting
/// up to `wait_option` ticks) when the last one is full; the head's length
/// grows by `size`. All-or-nothing: `NX_NO_PACKET` leaves the chain as it was.
/// The caller keeps owning the chain.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_data_append(
    packet_ptr: *mut NX_PACKET,
    data_start: *mut VOID,
    data_size: ULONG,
    pool_ptr: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, `data_start` is memory of the size given, `pool_ptr` is a
        // created pool; all kept alive for the call.
        unsafe { packet::nx_packet_data_append(packet_ptr, data_start, data_size, pool_ptr, wait_option) }
    })
}

/// Checked `nx_packet_data_append`: `NX_PTR_ERROR` (NULL, pool not created),
/// `NX_SIZE_ERROR` (size 0), `NX_UNDERFLOW`/`NX_OVERFLOW` (bad packet pointers).
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_data_append(
    packet_ptr: *mut NX_PACKET,
    data_start: *mut VOID,
    data_size: ULONG,
    pool_ptr: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(data_start);
        // SAFETY: the chain the caller hands in and owns (NetX rule).
        let s = unsafe { packet_check(packet_ptr) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { pool_ok(pool_ptr) } {
            return NX_PTR_ERROR;
        }
        if data_size == 0 {
            return NX_SIZE_ERROR;
        }
        // SAFETY: chain and pool checked just above; `data_start` non-NULL,
        // `data_size` readable bytes (NetX rule); all kept alive by the caller
        // for the call. The pool stays raw: other threads allocate from it.
        unsafe { _nx_packet_data_append(packet_ptr, data_start, data_size, pool_ptr, wait_option) }
    })
}

/// Copies the data of the whole chain to `buffer_start` (which must hold
/// `nx_packet_length` bytes); `*bytes_copied` = bytes copied. `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_data_retrieve(
    packet_ptr: *mut NX_PACKET,
    buffer_start: *mut VOID,
    bytes_copied: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, `buffer_start` holds the chain's length, `bytes_copied` is
        // writable; all kept alive for the call.
        unsafe { packet::nx_packet_data_retrieve(packet_ptr, buffer_start, bytes_copied) }
    })
}

/// Checked `nx_packet_data_retrieve`: `NX_PTR_ERROR` for NULL arguments or a
/// packet whose pool is not live; `NX_UNDERFLOW`/`NX_OVERFLOW`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_data_retrieve(
    packet_ptr: *mut NX_PACKET,
    buffer_start: *mut VOID,
    bytes_copied: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(buffer_start, bytes_copied);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let bytes_copied: &mut ULONG = unsafe { &mut *bytes_copied };
        // SAFETY: the chain the caller hands in and owns (NetX rule).
        let s = unsafe { packet_check(packet_ptr) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: chain checked just above; `buffer_start` non-NULL and holds
        // the chain's length, `bytes_copied` non-NULL (NetX rule); all kept
        // alive by the caller for the call.
        unsafe { _nx_packet_data_retrieve(packet_ptr, buffer_start, bytes_copied) }
    })
}

/// Copies up to `buffer_length` bytes starting `offset` bytes into the chain;
/// `*bytes_copied` = bytes copied. `NX_PACKET_OFFSET_ERROR` if `offset` is
/// past the data.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_data_extract_offset(
    packet_ptr: *mut NX_PACKET,
    offset: ULONG,
    buffer_start: *mut VOID,
    buffer_length: ULONG,
    bytes_copied: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, `buffer_start` holds `buffer_length` bytes, `bytes_copied` is
        // writable; all kept alive for the call.
        unsafe { packet::nx_packet_data_extract_offset(packet_ptr, offset, buffer_start, buffer_length, bytes_copied) }
    })
}

/// Checked `nx_packet_data_extract_offset`: `NX_PTR_ERROR` for NULL arguments
/// or a packet whose pool is not live.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_data_extract_offset(
    packet_ptr: *mut NX_PACKET,
    offset: ULONG,
    buffer_start: *mut VOID,
    buffer_length: ULONG,
    bytes_copied: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(buffer_start, bytes_copied);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let bytes_copied: &mut ULONG = unsafe { &mut *bytes_copied };
        // SAFETY: the chain the caller hands in and owns (NetX rule).
        let s = unsafe { packet_check(packet_ptr) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: chain checked just above; `buffer_start` non-NULL and holds
        // `buffer_length` bytes, `bytes_copied` non-NULL (NetX rule); all kept
        // alive by the caller for the call.
        unsafe { _nx_packet_data_extract_offset(packet_ptr, offset, buffer_start, buffer_length, bytes_copied) }
    })
}

/// `*length` = the chain's total data length. `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_length_get(packet_ptr: *mut NX_PACKET, length: *mut ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, `length` is writable; all kept alive for the call.
        unsafe { packet::nx_packet_length_get(packet_ptr, length) }
    })
}

/// Checked `nx_packet_length_get`: `NX_PTR_ERROR` for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_length_get(packet_ptr: *mut NX_PACKET, length: *mut ULONG) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr, length);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let length: &mut ULONG = unsafe { &mut *length };
        // SAFETY: both checked non-NULL; a packet the caller owns and an
        // output it lends for the call (NetX rule; as NetX, the packet's
        // fields are not checked here).
        unsafe { _nx_packet_length_get(packet_ptr, length) }
    })
}

/// Copies a chain into new packet(s) from `pool_ptr` (same headroom, waiting
/// up to `wait_option` ticks). On `NX_SUCCESS` the caller owns both the
/// original and `*new_packet_ptr`; `NX_NO_PACKET` otherwise.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_copy(
    packet_ptr: *mut NX_PACKET,
    new_packet_ptr: *mut *mut NX_PACKET,
    pool_ptr: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `packet_ptr`
        // is a packet chain it owns, `new_packet_ptr` is a writable slot, `pool_ptr` is a created
        // pool; all kept alive for the call.
        unsafe { packet::nx_packet_copy(packet_ptr, new_packet_ptr, pool_ptr, wait_option) }
    })
}

/// Checked `nx_packet_copy`: `NX_PTR_ERROR` for NULL arguments, a pool not
/// created or a bad packet; `*new_packet_ptr` is set to NULL first.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_copy(
    packet_ptr: *mut NX_PACKET,
    new_packet_ptr: *mut *mut NX_PACKET,
    pool_ptr: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(new_packet_ptr);
        // SAFETY: checked non-NULL; the caller lends this output slot for the
        // call and no other thread touches it (NetX rule).
        let out: &mut *mut NX_PACKET = unsafe { &mut *new_packet_ptr };
        *out = core::ptr::null_mut();
        // SAFETY: the chain the caller hands in and owns (NetX rule).
        let s = unsafe { packet_check(packet_ptr) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { pool_ok(pool_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: chain and pool checked just above, kept alive by the caller
        // for the call; `out` a live slot. The pool stays raw: other threads
        // allocate from it at the same time.
        unsafe { _nx_packet_copy(packet_ptr, out, pool_ptr, wait_option) }

    })
}

/// Pool statistics; any output pointer may be NULL. `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_packet_pool_info_get(
    pool_ptr: *mut NX_PACKET_POOL,
    total_packets: *mut ULONG,
    free_packets: *mut ULONG,
    empty_pool_requests: *mut ULONG,
    empty_pool_suspensions: *mut ULONG,
    invalid_packet_releases: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `pool_ptr`
        // is a created pool, each output is NULL or writable; all kept alive for the call.
        unsafe {
            packet::nx_packet_pool_info_get(
                pool_ptr,
                total_packets,
                free_packets,
                empty_pool_requests,
                empty_pool_suspensions,
                invalid_packet_releases,
            )
        }
    })
}

/// Checked `nx_packet_pool_info_get`: `NX_PTR_ERROR` for a pool not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_packet_pool_info_get(
    pool_ptr: *mut NX_PACKET_POOL,
    total_packets: *mut ULONG,
    free_packets: *mut ULONG,
    empty_pool_requests: *mut ULONG,
    empty_pool_suspensions: *mut ULONG,
    invalid_packet_releases: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { pool_ok(pool_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `pool_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `total_packets`, `free_packets`, `empty_pool_requests`,
        // `empty_pool_suspensions`, `invalid_packet_releases` are NULL or valid, as the service
        // allows. `pool_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe {
            _nx_packet_pool_info_get(
                pool_ptr,
                total_packets,
                free_packets,
                empty_pool_requests,
                empty_pool_suspensions,
                invalid_packet_releases,
            )
        }
    })
}

// ================================================================ IP

/// Initializes the NetX system (starts the tick clock). Always `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_system_initialize() -> UINT {
    ffi_status!({
        // SAFETY: takes no pointer; unsafe only by the NetX service signature.
        unsafe { ip::nx_system_initialize() };
        NX_SUCCESS
    })
}

/// Creates an IP instance with one interface driven by `ip_link_driver`:
/// sends it `NX_LINK_INTERFACE_ATTACH`, `NX_LINK_INITIALIZE` (the driver sets
/// MTU and MAC) and `NX_LINK_ENABLE`, then starts the instance's helper
/// thread. Frames the stack sends come from `default_pool`, as do the
/// packets `nx_tcp_socket_receive` hands out. `priority` is accepted and
/// unused on the host.
///
/// `memory_ptr`/`memory_size` (the IP thread's stack in NetX) is the
/// instance's memory: all its TCP/IP state and every socket's buffers come
/// from it, nothing from a heap. It must hold `NX_IP_MEMORY_OVERHEAD` +
/// 2 × (MTU + 20) bytes (the MTU the driver sets, capped by the pool's
/// payload; 3,040 bytes for 1500), plus, for each TCP socket that exists at
/// the same time (listen backlog sockets included), its buffers:
/// `round8(max(window, 1460))` for receiving + 65,536 for sending + 32 bytes
/// (`NX_TCP_SOCKET_MEMORY_SMALL` = 67,616 for windows up to 2,048 bytes,
/// `NX_TCP_SOCKET_MEMORY_MAX` = 131,104 for any window up to 65,536). A socket that
/// does not fit is refused with `NX_SIZE_ERROR` at create or listen. The
/// memory must stay untouched until `nx_ip_delete` returned `NX_SUCCESS`.
///
/// Too small an area (less than the fixed part plus one socket with a
/// 1460-byte window, e.g. the 2,048 bytes of NetX's own samples, where it
/// is the IP thread's stack): on the host (std port) the instance takes
/// 1 MiB from the heap once, here, instead (fixed part and about seven
/// sockets with 64 KiB windows; given back by `nx_ip_delete`; the caller's
/// area is then not used); on the embedded ports (ThreadX, bare metal: no
/// heap) `NX_SIZE_ERROR`, or, when the fixed part fits, sockets that do not
/// fit get `NX_SIZE_ERROR`.
///
/// Returns `NX_SUCCESS`; `NX_SIZE_ERROR` if the memory is NULL, or cannot
/// hold the fixed part on an embedded port (or the heap refused on the
/// host); `NX_NOT_SUCCESSFUL` if the driver fails to initialize (everything
/// undone then). No helper thread (bare metal, or the OS refused one): the
/// application's blocking calls and `nx_ip_service` drive the instance.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_create(
    ip_ptr: *mut NX_IP,
    name: *mut CHAR,
    ip_address: ULONG,
    network_mask: ULONG,
    default_pool: *mut NX_PACKET_POOL,
    ip_link_driver: NX_IP_DRIVER_ENTRY,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
    priority: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller
        // guarantees: `ip_ptr` an NX_IP block not yet created, `name` NULL or
        // a C string, `default_pool` a created pool, `ip_link_driver` a NetX
        // driver, `memory_ptr` `memory_size` bytes; kept until nx_ip_delete.
        unsafe {
            ip::nx_ip_create(ip_ptr, name, ip_address, network_mask, default_pool, ip_link_driver, memory_ptr, memory_size, priority)
        }
    })
}

/// Checked `nx_ip_create`; `ip_control_block_size` is `sizeof(NX_IP)` as the
/// caller sees it. `NX_PTR_ERROR`: NULL IP, pool, driver or memory, size
/// mismatch, IP already created, pool not created. `NX_SIZE_ERROR`: memory
/// smaller than `NX_IP_MEMORY_OVERHEAD` on an embedded port (the
/// library's port's figure: `NX_IP_MEMORY_OVERHEAD_BAREMETAL` or
/// `NX_IP_MEMORY_OVERHEAD_THREADS`; the exact
/// need, MTU included, is checked by `_nx_ip_create`; the host takes a
/// small area's memory from the heap, see there). `NX_OPTION_ERROR`:
/// priority above 31.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_create(
    ip_ptr: *mut NX_IP,
    name: *mut CHAR,
    ip_address: ULONG,
    network_mask: ULONG,
    default_pool: *mut NX_PACKET_POOL,
    ip_link_driver: NX_IP_DRIVER_ENTRY,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
    priority: UINT,
    ip_control_block_size: UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(ip_ptr, memory_ptr);
        if ip_link_driver.is_none()
            || ip_control_block_size as usize != size_of::<NX_IP>()
            // SAFETY: non-NULL and of the caller's NX_IP size (checked just
            // before); only the id words are read.
            || unsafe { ip::ip_is_created(ip_ptr) }
            // SAFETY: NULL or an NX_PACKET_POOL block the caller lends for
            // the call (NetX rule for checked calls); only its id words are read.
            || !unsafe { pool_ok(default_pool) }
        {
            return NX_PTR_ERROR;
        }
        if memory_size < ip::NX_IP_MEMORY_OVERHEAD && !ip::HOST_AREA_FALLBACK {
            return NX_SIZE_ERROR;
        }
        if priority > 31 {
            return NX_OPTION_ERROR;
        }
        // SAFETY: `ip_ptr` a non-NULL NX_IP block not yet created,
        // `default_pool` checked created, `memory_ptr` non-NULL, the driver
        // non-NULL; the caller keeps them until nx_ip_delete (NetX rule).
        // Raw, not `&mut`: the instance's thread shares them once created.
        unsafe {
            _nx_ip_create(ip_ptr, name, ip_address, network_mask, default_pool, ip_link_driver, memory_ptr, memory_size, priority)
        }
    })
}

/// Deletes an IP instance. `NX_SOCKETS_BOUND` while TCP sockets are still
/// created on it (delete them first, as in NetX). `NX_CALLER_ERROR` when
/// called from the instance's own thread or from inside one of its callbacks
/// (listen, disconnect: on its thread, on an application thread inside a
/// call, or inline in the RAM driver's delivery), which would wait for
/// itself; the instance is left intact. Otherwise new calls on the instance
/// are refused (`NX_PTR_ERROR`), its thread is stopped, every call still
/// inside it (a status check, a driver's delivery) is waited out, the driver
/// gets `NX_LINK_DISABLE` and `NX_LINK_UNINITIALIZE` (no driver call follows
/// it), every queued packet goes back to its pool and the id is cleared:
/// `NX_SUCCESS`, after which the library no longer touches the `NX_IP`.
/// `NX_PTR_ERROR` if another delete is in progress.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_delete(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_ip_delete(ip_ptr) }
    })
}

/// Checked `nx_ip_delete`: `NX_PTR_ERROR` for NULL or an IP not created
/// (deleting twice included); then as `_nx_ip_delete` (`NX_SOCKETS_BOUND`,
/// `NX_CALLER_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_delete(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_ip_delete(ip_ptr) }
    })
}

/// Enables ARP. The cache memory is checked but not used (smoltcp keeps its
/// own neighbor cache). `NX_SUCCESS` or `NX_ALREADY_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nx_arp_enable(ip_ptr: *mut NX_IP, arp_cache_memory: *mut VOID, arp_cache_size: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `arp_cache_memory` is memory of the size given; all kept alive for the
        // call.
        unsafe { ip::nx_arp_enable(ip_ptr, arp_cache_memory, arp_cache_size) }
    })
}

/// Checked `nx_arp_enable`: `NX_PTR_ERROR` (NULL, IP not created),
/// `NX_SIZE_ERROR` (cache smaller than 52 bytes, one NetX ARP entry).
#[no_mangle]
pub unsafe extern "C" fn _nxe_arp_enable(ip_ptr: *mut NX_IP, arp_cache_memory: *mut VOID, arp_cache_size: ULONG) -> UINT {
    ffi_status!({
        check_ptr!(arp_cache_memory);
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        if arp_cache_size < 52 {
            return NX_SIZE_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `arp_cache_memory` checked non-NULL, lent for the call. `ip_ptr` stays raw,
        // not `&mut`: other threads use it at the same time.
        unsafe { _nx_arp_enable(ip_ptr, arp_cache_memory, arp_cache_size) }
    })
}

/// Enables TCP on the instance. `NX_SUCCESS` or `NX_ALREADY_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_tcp_enable(ip_ptr) }
    })
}

/// Checked `nx_tcp_enable`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_enable(ip_ptr) }
    })
}

/// Enables ICMP (ping is answered). `NX_SUCCESS` or `NX_ALREADY_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nx_icmp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_icmp_enable(ip_ptr) }
    })
}

/// Checked `nx_icmp_enable`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_icmp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_icmp_enable(ip_ptr) }
    })
}

/// Waits up to `wait_option` ticks until every bit of `needed_status`
/// (`NX_IP_INITIALIZE_DONE`, `NX_IP_ADDRESS_RESOLVED`, `NX_IP_LINK_ENABLED`,
/// `NX_IP_ARP_ENABLED`, `NX_IP_TCP_ENABLED`) is set; `*actual_status` gets
/// the bits. `NX_SUCCESS` or `NX_NOT_SUCCESSFUL` (timeout); `NX_PTR_ERROR`
/// if the instance is deleted while this waits (the delete does not wait
/// for the timeout).
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_status_check(
    ip_ptr: *mut NX_IP,
    needed_status: ULONG,
    actual_status: *mut ULONG,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `actual_status` is writable; all kept alive for the call.
        unsafe { ip::nx_ip_status_check(ip_ptr, needed_status, actual_status, wait_option) }
    })
}

/// Checked `nx_ip_status_check`: `NX_PTR_ERROR` for NULL or an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_status_check(
    ip_ptr: *mut NX_IP,
    needed_status: ULONG,
    actual_status: *mut ULONG,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(actual_status);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let actual_status: &mut ULONG = unsafe { &mut *actual_status };
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `actual_status` is a live output (reference above). `ip_ptr` stays raw, not
        // `&mut`: other threads use it at the same time.
        unsafe { _nx_ip_status_check(ip_ptr, needed_status, actual_status, wait_option) }
    })
}

/// Sets an interface's IP MTU (drivers call it during `NX_LINK_INITIALIZE`;
/// later changes are recorded but the stack keeps its first MTU).
/// `NX_SUCCESS` or `NX_INVALID_INTERFACE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_interface_mtu_set(ip_ptr: *mut NX_IP, interface_index: UINT, mtu_size: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_ip_interface_mtu_set(ip_ptr, interface_index, mtu_size) }
    })
}

/// Checked `nx_ip_interface_mtu_set`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_interface_mtu_set(ip_ptr: *mut NX_IP, interface_index: UINT, mtu_size: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_ip_interface_mtu_set(ip_ptr, interface_index, mtu_size) }
    })
}

/// Sets an interface's MAC (`physical_msw` = top 16 bits, `physical_lsw` =
/// low 32). With `update_driver`, the driver first gets
/// `NX_LINK_SET_PHYSICAL_ADDRESS` (its failure status is returned).
/// `NX_SUCCESS` or `NX_INVALID_INTERFACE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_interface_physical_address_set(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    physical_msw: ULONG,
    physical_lsw: ULONG,
    update_driver: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_ip_interface_physical_address_set(ip_ptr, interface_index, physical_msw, physical_lsw, update_driver) }
    })
}

/// Checked `nx_ip_interface_physical_address_set`: `NX_PTR_ERROR` for an IP
/// not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_interface_physical_address_set(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    physical_msw: ULONG,
    physical_lsw: ULONG,
    update_driver: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_ip_interface_physical_address_set(ip_ptr, interface_index, physical_msw, physical_lsw, update_driver) }
    })
}

/// Records whether the interface needs address mapping (ARP).
/// `NX_SUCCESS` or `NX_INVALID_INTERFACE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_interface_address_mapping_configure(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    mapping_needed: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ip::nx_ip_interface_address_mapping_configure(ip_ptr, interface_index, mapping_needed) }
    })
}

/// Checked `nx_ip_interface_address_mapping_configure`: `NX_PTR_ERROR` for an
/// IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_interface_address_mapping_configure(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    mapping_needed: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_ip_interface_address_mapping_configure(ip_ptr, interface_index, mapping_needed) }
    })
}

/// Driver receive path for IPv4/IPv6: `packet_ptr` holds one datagram,
/// `prepend_ptr` at the IP header (Ethernet header stripped). Never blocks;
/// callable from any thread, also from inside a driver send. The IP instance
/// owns the packet afterwards (released if the instance is not created).
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_packet_deferred_receive(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET) {
    ffi_void!({
        if packet_ptr.is_null() {
            return;
        }
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            // SAFETY: the driver hands over a packet it owns; the library
            // owns it now and gives it back to its pool.
            unsafe { packet::nx_packet_release(packet_ptr) };
            return;
        }
        // SAFETY: instance checked created just above, kept alive by its
        // driver while it delivers; the packet is the driver's to hand over.
        unsafe { ip::nx_ip_packet_deferred_receive(ip_ptr, packet_ptr) }
    });
}

/// Driver receive path for ARP: as `_nx_ip_packet_deferred_receive`, with
/// `prepend_ptr` at the ARP header.
#[no_mangle]
pub unsafe extern "C" fn _nx_arp_packet_deferred_receive(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET) {
    ffi_void!({
        if packet_ptr.is_null() {
            return;
        }
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            // SAFETY: the driver hands over a packet it owns; the library
            // owns it now and gives it back to its pool.
            unsafe { packet::nx_packet_release(packet_ptr) };
            return;
        }
        // SAFETY: instance checked created just above, kept alive by its
        // driver while it delivers; the packet is the driver's to hand over.
        unsafe { ip::nx_arp_packet_deferred_receive(ip_ptr, packet_ptr) }
    });
}

/// Asks the instance's thread to send `NX_LINK_DEFERRED_PROCESSING` to the
/// driver soon. Never blocks; callable from any thread.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_driver_deferred_processing(ip_ptr: *mut NX_IP) {
    ffi_void!({
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if unsafe { ip_ok(ip_ptr) } {
            // SAFETY: checked created just above; its driver keeps it alive
            // while it runs. Raw: the instance's thread uses it too.
            unsafe { ip::nx_ip_driver_deferred_processing(ip_ptr) }
        }
    });
}

/// The RAM network driver: every IP instance of the process that uses it is
/// on one in-memory Ethernet segment (MAC 00:11:22:33:44:56 + instance number,
/// MTU 1500). Frames are copied into the receiver's default pool (dropped when
/// it is empty); the sender's packet is released. Unknown commands set
/// `nx_ip_driver_status` to `NX_UNHANDLED_COMMAND`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ram_network_driver(driver_req_ptr: *mut NX_IP_DRIVER) {
    ffi_void!({
        if !driver_req_ptr.is_null() {
            // SAFETY: non-NULL; the IP instance's request, valid for the
            // call (driver protocol: only the library calls a driver entry).
            unsafe { ram::nx_ram_network_driver(driver_req_ptr) }
        }
    });
}

// ================================================================ TCP

/// Creates a TCP socket on `ip_ptr` with a receive window of `window_size`
/// bytes (at least 1460 are used). Its receive and transmit buffers come
/// from the instance's memory area (see `nx_ip_create`) and go back at
/// delete. `NX_SUCCESS`; `NX_NOT_ENABLED` before `nx_tcp_enable`;
/// `NX_SIZE_ERROR` when the instance's memory has no room for the buffers;
/// `NX_NO_MORE_ENTRIES` with 32 sockets (listen backlog sockets included)
/// on the instance already.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_create(
    ip_ptr: *mut NX_IP,
    socket_ptr: *mut NX_TCP_SOCKET,
    name: *mut CHAR,
    type_of_service: ULONG,
    fragment: ULONG,
    time_to_live: UINT,
    window_size: ULONG,
    tcp_urgent_data_callback: NX_TCP_SOCKET_CALLBACK,
    tcp_disconnect_callback: NX_TCP_SOCKET_CALLBACK,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `socket_ptr` an NX_TCP_SOCKET block not yet created, `name` NULL or a C
        // string; the socket kept until it is deleted.
        unsafe {
            tcp::nx_tcp_socket_create(
                ip_ptr,
                socket_ptr,
                name,
                type_of_service,
                fragment,
                time_to_live,
                window_size,
                tcp_urgent_data_callback,
                tcp_disconnect_callback,
            )
        }
    })
}

/// Checked `nx_tcp_socket_create`; `tcp_socket_size` is
/// `sizeof(NX_TCP_SOCKET)` as the caller sees it. `NX_PTR_ERROR`: NULL, size
/// mismatch, IP not created, socket already created on this instance (its
/// table is searched, as NetX searches the instance's created-socket list;
/// the block itself is not read, so one on the stack need not be zeroed). `NX_OPTION_ERROR`:
/// window 0 or above 1 GiB, fragment not `NX_FRAGMENT_OKAY`/`NX_DONT_FRAGMENT`,
/// time to live or type of service above 255.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_create(
    ip_ptr: *mut NX_IP,
    socket_ptr: *mut NX_TCP_SOCKET,
    name: *mut CHAR,
    type_of_service: ULONG,
    fragment: ULONG,
    time_to_live: UINT,
    window_size: ULONG,
    tcp_urgent_data_callback: NX_TCP_SOCKET_CALLBACK,
    tcp_disconnect_callback: NX_TCP_SOCKET_CALLBACK,
    tcp_socket_size: UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(socket_ptr);
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX
        // rule for checked calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) }
            || tcp_socket_size as usize != size_of::<NX_TCP_SOCKET>()
            // SAFETY: `ip_ptr` checked created just before; `socket_ptr` is
            // only compared with the instance's table, never read.
            || unsafe { tcp::socket_created_on(ip_ptr, socket_ptr) }
        {
            return NX_PTR_ERROR;
        }

        if window_size == 0
            || window_size > (1 << 30)
            || (fragment != NX_FRAGMENT_OKAY && fragment != NX_DONT_FRAGMENT)
            || time_to_live > 0xFF
            || type_of_service > 0xFF
        {
            return NX_OPTION_ERROR;
        }
        // SAFETY: `ip_ptr` checked created, `socket_ptr` non-NULL, of the
        // caller's size and not yet a socket of this instance (checked just
        // above); `name` NULL or a C string; the caller keeps them until
        // delete (NetX rule). Raw: the IP thread shares both once created.
        unsafe {
            _nx_tcp_socket_create(
                ip_ptr,
                socket_ptr,
                name,
                type_of_service,
                fragment,
                time_to_live,
                window_size,
                tcp_urgent_data_callback,
                tcp_disconnect_callback,
            )
        }
    })
}

/// Sets a socket's transmit buffer to `max_queue_depth` segments of 1460
/// bytes (at least one, at most 1 MiB) instead of the build's default
/// (65,536 bytes on the host, 4 × 1460 = 5,840 on the embedded ports). Call
/// it after `nx_tcp_socket_create`, before connect or listen: the buffer is
/// taken from the IP instance's memory area at once (see `nx_ip_create`)
/// and the old one given back; listen backlog sockets made later get the
/// same size. A send larger than the free room waits for acknowledgements.
/// `timeout`, `max_retries` and `timeout_shift` are accepted and not used
/// (retransmissions are timed from the measured round-trip time).
///
/// `NX_SUCCESS`; `NX_NOT_CLOSED` while the socket is connecting, connected,
/// closing or listening; `NX_SIZE_ERROR` when the area has no room for the
/// new buffer (the socket keeps its old one); `NX_PTR_ERROR` for a socket
/// deleted meanwhile.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_transmit_configure(
    socket_ptr: *mut NX_TCP_SOCKET,
    max_queue_depth: ULONG,
    timeout: ULONG,
    max_retries: ULONG,
    timeout_shift: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_socket_transmit_configure(socket_ptr, max_queue_depth, timeout, max_retries, timeout_shift) }
    })
}

/// Checked `nx_tcp_socket_transmit_configure`, as NetX: `NX_PTR_ERROR` for
/// NULL or a socket not created; `NX_OPTION_ERROR` for a `max_queue_depth`,
/// `timeout` or `max_retries` of 0.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_transmit_configure(
    socket_ptr: *mut NX_TCP_SOCKET,
    max_queue_depth: ULONG,
    timeout: ULONG,
    max_retries: ULONG,
    timeout_shift: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if max_queue_depth == 0 || timeout == 0 || max_retries == 0 {
            return NX_OPTION_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_socket_transmit_configure(socket_ptr, max_queue_depth, timeout, max_retries, timeout_shift) }
    })
}

/// Deletes a socket. `NX_SUCCESS`, or `NX_STILL_BOUND` while it is bound or
/// serves a listen port. Never waits, so it may be called from a callback:
/// a thread still inside a call on the socket (say, `nx_tcp_socket_state_wait`)
/// returns `NX_PTR_ERROR` and never touches the socket again, and listen
/// entries forget it (no callback ever gets it). Once this returns, the
/// socket's memory may be reused.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_delete(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_socket_delete(socket_ptr) }
    })
}

/// Checked `nx_tcp_socket_delete`: `NX_PTR_ERROR` for NULL or a socket not
/// created (deleting twice included).
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_delete(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_socket_delete(socket_ptr) }
    })
}

/// Binds a client socket to `port`, or with `NX_ANY_PORT` to a free port in
/// 0xC000..=0xFFFF, searched from a random start (RFC 6056; NetX starts at
/// 0xC000, which a restarted client would reuse while the server still has
/// the old connection in TIME_WAIT). A port in use is waited for up to `wait_option` ticks.
/// `NX_SUCCESS`, `NX_ALREADY_BOUND`, `NX_PORT_UNAVAILABLE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_client_socket_bind(socket_ptr: *mut NX_TCP_SOCKET, port: UINT, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_client_socket_bind(socket_ptr, port, wait_option) }
    })
}

/// Checked `nx_tcp_client_socket_bind`: `NX_PTR_ERROR` (socket not created),
/// `NX_INVALID_PORT` (port above 0xFFFF).
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_client_socket_bind(socket_ptr: *mut NX_TCP_SOCKET, port: UINT, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if port > 0xFFFF {
            return NX_INVALID_PORT;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_client_socket_bind(socket_ptr, port, wait_option) }
    })
}

/// Unbinds a client socket. `NX_SUCCESS`, `NX_NOT_BOUND`, `NX_NOT_CLOSED`
/// (still connected: disconnect first). Threads waiting on the socket
/// return `NX_NOT_BOUND`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_client_socket_unbind(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_client_socket_unbind(socket_ptr) }
    })
}

/// Checked `nx_tcp_client_socket_unbind`: `NX_PTR_ERROR` for a socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_client_socket_unbind(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_client_socket_unbind(socket_ptr) }
    })
}

/// Connects a bound client socket to `server_ip:server_port` (IPv4, host
/// order), waiting up to `wait_option` ticks for the handshake. `NX_SUCCESS`;
/// `NX_IN_PROGRESS` with `NX_NO_WAIT`; `NX_NOT_CONNECTED` (refused or timed
/// out); `NX_NOT_BOUND`; `NX_NOT_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_client_socket_connect(
    socket_ptr: *mut NX_TCP_SOCKET,
    server_ip: ULONG,
    server_port: UINT,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option) }
    })
}

/// Checked `nx_tcp_client_socket_connect`: `NX_PTR_ERROR` (socket not
/// created), `NX_IP_ADDRESS_ERROR` (address 0), `NX_INVALID_PORT`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_client_socket_connect(
    socket_ptr: *mut NX_TCP_SOCKET,
    server_ip: ULONG,
    server_port: UINT,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if server_ip == 0 {
            return NX_IP_ADDRESS_ERROR;
        }
        if !port_ok(server_port) {
            return NX_INVALID_PORT;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option) }
    })
}

/// Connect with an `NXD_ADDRESS` (IPv4 or IPv6, host-order words). IPv4 as
/// `_nx_tcp_client_socket_connect`; IPv6 the same statuses, and
/// `NX_NOT_ENABLED` before `nxd_ipv6_enable`, `NX_NO_INTERFACE_ADDRESS` when
/// no IPv6 address is set; `NX_IP_ADDRESS_ERROR` for another version.
#[no_mangle]
pub unsafe extern "C" fn _nxd_tcp_client_socket_connect(
    socket_ptr: *mut NX_TCP_SOCKET,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, `server_ip` is a readable NXD_ADDRESS; all kept alive for the call.
        unsafe { tcp::nxd_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option) }
    })
}

/// Checked `nxd_tcp_client_socket_connect`: `NX_PTR_ERROR` (NULL, socket not
/// created), `NX_IP_ADDRESS_ERROR` (version not 4/6, IPv4 address 0, IPv6
/// address unspecified or multicast), `NX_INVALID_PORT`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_tcp_client_socket_connect(
    socket_ptr: *mut NX_TCP_SOCKET,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(server_ip);
        // SAFETY: checked non-NULL; an address the caller lends for the call
        // and does not change meanwhile (NetX rule).
        let addr: &NXD_ADDRESS = unsafe { &*server_ip };
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        let v = addr.nxd_ip_version;
        // SAFETY: the union is plain words: any bits are a valid `v4`.
        let v4 = unsafe { addr.nxd_ip_address.v4 };
        if (v != NX_IP_VERSION_V4 && v != NX_IP_VERSION_V6)
            || (v == NX_IP_VERSION_V4 && v4 == 0)
            || (v == NX_IP_VERSION_V6 && !crate::netx::ipv6::v6_of(addr).is_some_and(crate::netx::ipv6::v6_usable))
        {
            return NX_IP_ADDRESS_ERROR;
        }
        if !port_ok(server_port) {
            return NX_INVALID_PORT;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by
        // the caller for the call (NetX rule); raw: the IP thread uses it too.
        // The address only crosses as the pointer the service reads.
        unsafe { _nxd_tcp_client_socket_connect(socket_ptr, core::ptr::from_ref(addr).cast_mut(), server_port, wait_option) }

    })
}

/// Listens on `port` with `socket_ptr`; up to `listen_queue_size` more
/// connections are queued until accepted. `tcp_listen_callback` (may be
/// NULL) runs when a connection arrives, with the socket listening on the
/// port (or, between accept and relisten, the one that called listen; not
/// called once that socket is deleted). `NX_SUCCESS`, `NX_SIZE_ERROR`
/// (`listen_queue_size` above 16), `NX_MAX_LISTEN` (10 ports listened on
/// already), `NX_DUPLICATE_LISTEN`, `NX_ALREADY_BOUND`, `NX_NOT_CLOSED`,
/// `NX_PTR_ERROR` (socket not of this instance).
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_server_socket_listen(
    ip_ptr: *mut NX_IP,
    port: UINT,
    socket_ptr: *mut NX_TCP_SOCKET,
    listen_queue_size: UINT,
    tcp_listen_callback: NX_TCP_LISTEN_CALLBACK,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `socket_ptr` is a created socket; all kept alive for the call.
        unsafe { tcp::nx_tcp_server_socket_listen(ip_ptr, port, socket_ptr, listen_queue_size, tcp_listen_callback) }
    })
}

/// Checked `nx_tcp_server_socket_listen`: `NX_PTR_ERROR` (IP or socket not
/// created), `NX_INVALID_PORT`; then as `_nx_tcp_server_socket_listen`
/// (`listen_queue_size` above 16: `NX_SIZE_ERROR`, never an allocation).
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_server_socket_listen(
    ip_ptr: *mut NX_IP,
    port: UINT,
    socket_ptr: *mut NX_TCP_SOCKET,
    listen_queue_size: UINT,
    tcp_listen_callback: NX_TCP_LISTEN_CALLBACK,
) -> UINT {
    ffi_status!({
        // SAFETY: each NULL or a block of its type the caller lends for the
        // call (NetX rule for checked calls).
        if !unsafe { sock_on_ip_ok(ip_ptr, socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if !port_ok(port) {
            return NX_INVALID_PORT;
        }
        // SAFETY: `ip_ptr`, `socket_ptr` checked created just above and kept alive by the caller
        // for the call (NetX rule). `ip_ptr`, `socket_ptr` stay raw, not `&mut`: other threads use
        // them at the same time.
        unsafe { _nx_tcp_server_socket_listen(ip_ptr, port, socket_ptr, listen_queue_size, tcp_listen_callback) }
    })
}

/// Waits up to `wait_option` ticks for a connection on a listening socket.
/// `NX_SUCCESS`, `NX_NOT_CONNECTED` (timeout, or another thread disconnects
/// the socket), `NX_NOT_LISTEN_STATE`, `NX_NOT_BOUND` (another thread
/// unaccepts it or unlistens the port while this waits).
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_server_socket_accept(socket_ptr: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_server_socket_accept(socket_ptr, wait_option) }
    })
}

/// Checked `nx_tcp_server_socket_accept`: `NX_PTR_ERROR` for a socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_server_socket_accept(socket_ptr: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_server_socket_accept(socket_ptr, wait_option) }
    })
}

/// Makes an unaccepted socket serve `port` again. `NX_SUCCESS` (listening),
/// `NX_CONNECTION_PENDING` (a queued connection was handed over: call
/// accept), `NX_NOT_FOUND` (nobody listens on `port`), `NX_NOT_CLOSED`,
/// `NX_ALREADY_BOUND`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_server_socket_relisten(ip_ptr: *mut NX_IP, port: UINT, socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `socket_ptr` is a created socket; all kept alive for the call.
        unsafe { tcp::nx_tcp_server_socket_relisten(ip_ptr, port, socket_ptr) }
    })
}

/// Checked `nx_tcp_server_socket_relisten`: `NX_PTR_ERROR` (IP or socket not
/// created), `NX_INVALID_PORT`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_server_socket_relisten(ip_ptr: *mut NX_IP, port: UINT, socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: each NULL or a block of its type the caller lends for the
        // call (NetX rule for checked calls).
        if !unsafe { sock_on_ip_ok(ip_ptr, socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if !port_ok(port) {
            return NX_INVALID_PORT;
        }
        // SAFETY: `ip_ptr`, `socket_ptr` checked created just above and kept alive by the caller
        // for the call (NetX rule). `ip_ptr`, `socket_ptr` stay raw, not `&mut`: other threads use
        // them at the same time.
        unsafe { _nx_tcp_server_socket_relisten(ip_ptr, port, socket_ptr) }
    })
}

/// Detaches a server socket from its listen port (a connection still open is
/// reset); threads waiting on it (accept, receive) return `NX_NOT_BOUND`.
/// `NX_SUCCESS` or `NX_NOT_LISTEN_STATE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_server_socket_unaccept(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_server_socket_unaccept(socket_ptr) }
    })
}

/// Checked `nx_tcp_server_socket_unaccept`: `NX_PTR_ERROR` for a socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_server_socket_unaccept(socket_ptr: *mut NX_TCP_SOCKET) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_server_socket_unaccept(socket_ptr) }
    })
}

/// Stops listening on `port` (queued connections are reset; a socket still
/// listening goes back to CLOSED and its waiters return `NX_NOT_BOUND`).
/// `NX_SUCCESS` or `NX_ENTRY_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_server_socket_unlisten(ip_ptr: *mut NX_IP, port: UINT) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { tcp::nx_tcp_server_socket_unlisten(ip_ptr, port) }
    })
}

/// Checked `nx_tcp_server_socket_unlisten`: `NX_PTR_ERROR` (IP not created),
/// `NX_INVALID_PORT`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_server_socket_unlisten(ip_ptr: *mut NX_IP, port: UINT) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        if !port_ok(port) {
            return NX_INVALID_PORT;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_server_socket_unlisten(ip_ptr, port) }
    })
}

/// Sends the data of `packet_ptr`'s chain (any size: it leaves as several
/// segments), waiting up to `wait_option` ticks for room. On `NX_SUCCESS` the
/// stack owns the packet (the data was copied and the packet released). On
/// failure the caller still owns it: `NX_NOT_CONNECTED` (also when another
/// thread disconnects the socket meanwhile), `NX_NOT_BOUND` (it unbinds
/// it), `NX_PTR_ERROR` (it deletes it); `NX_TX_QUEUE_DEPTH`
/// on timeout, after removing from the packet any prefix that was queued (so
/// a retry sends only the rest).
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_send(socket_ptr: *mut NX_TCP_SOCKET, packet_ptr: *mut NX_PACKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, `packet_ptr` is a packet chain it owns; all kept alive for the call.
        unsafe { tcp::nx_tcp_socket_send(socket_ptr, packet_ptr, wait_option) }
    })
}

/// Checked `nx_tcp_socket_send(s, p, wait)`, which passes `&p`: on
/// `NX_SUCCESS` `*packet_ptr_ptr` becomes NULL (the stack owns the packet).
/// Every packet of the chain is checked: `NX_PTR_ERROR` (NULL, socket not
/// created, a packet free, foreign or of a pool not live),
/// `NX_UNDERFLOW`/`NX_OVERFLOW` (pointers outside the buffer),
/// `NX_INVALID_PACKET` (append before prepend, or a chain longer than 65536
/// packets); the caller keeps the chain then. Then as `_nx_tcp_socket_send`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_send(
    socket_ptr: *mut NX_TCP_SOCKET,
    packet_ptr_ptr: *mut *mut NX_PACKET,
    wait_option: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr_ptr);
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: checked non-NULL; the caller's `&p`, lent for the call and
        // touched by no other thread (NetX rule).
        let slot: &mut *mut NX_PACKET = unsafe { &mut *packet_ptr_ptr };
        let p = *slot;
        // SAFETY: `p` is the chain the caller hands in: it owns it (NetX rule).
        let s = unsafe { packet_check(p) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: socket checked created and every packet of the chain
        // checked just above; the caller keeps the socket alive for the call
        // (NetX rule). Raw: the IP thread uses the socket too.
        let s = unsafe { _nx_tcp_socket_send(socket_ptr, p, wait_option) };
        if s == NX_SUCCESS {
            *slot = core::ptr::null_mut();
        }
        s
    })
}

/// Waits up to `wait_option` ticks for data and hands it over as one packet
/// from the IP instance's default pool: the caller owns `*packet_ptr` and
/// releases it. `NX_NO_PACKET` (timeout, or no pool packet in time),
/// `NX_NOT_CONNECTED` (the peer closed and all data was read, never
/// connected, or another thread disconnected the socket while this waited),
/// `NX_NOT_BOUND` (another thread unbound or unaccepted it), `NX_PTR_ERROR`
/// (another thread deleted it: the socket is not touched again).
/// `*packet_ptr` is NULL on failure.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_receive(socket_ptr: *mut NX_TCP_SOCKET, packet_ptr: *mut *mut NX_PACKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, `packet_ptr` is a writable slot; all kept alive for the call.
        unsafe { tcp::nx_tcp_socket_receive(socket_ptr, packet_ptr, wait_option) }
    })
}

/// Checked `nx_tcp_socket_receive`: `NX_PTR_ERROR` for NULL or a socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_receive(socket_ptr: *mut NX_TCP_SOCKET, packet_ptr: *mut *mut NX_PACKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        check_ptr!(packet_ptr);
        // SAFETY: checked non-NULL; the caller lends this output slot for the
        // call and no other thread touches it (NetX rule).
        let out: &mut *mut NX_PACKET = unsafe { &mut *packet_ptr };
        *out = core::ptr::null_mut();
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by
        // the caller for the call (NetX rule); raw, not `&mut`: the IP thread
        // uses it at the same time. `out` is a live slot.
        unsafe { _nx_tcp_socket_receive(socket_ptr, out, wait_option) }

    })
}

/// Closes the connection (FIN handshake, up to `wait_option` ticks, then
/// reset). The socket is CLOSED afterwards; a client socket stays bound.
/// Other threads waiting on the socket return `NX_NOT_CONNECTED`.
/// `NX_SUCCESS`, or `NX_NOT_CONNECTED` if it was closed already.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_disconnect(socket_ptr: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_socket_disconnect(socket_ptr, wait_option) }
    })
}

/// Checked `nx_tcp_socket_disconnect`: `NX_PTR_ERROR` for a socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_disconnect(socket_ptr: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_socket_disconnect(socket_ptr, wait_option) }
    })
}

/// Waits up to `wait_option` ticks for the socket to reach `desired_state`
/// (`NX_TCP_CLOSED` .. `NX_TCP_LAST_ACK`). `NX_SUCCESS` or `NX_NOT_SUCCESSFUL`
/// (timeout); `NX_NOT_CONNECTED`, `NX_NOT_BOUND` or `NX_PTR_ERROR` when
/// another thread disconnects, unbinds or deletes the socket meanwhile.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_state_wait(socket_ptr: *mut NX_TCP_SOCKET, desired_state: UINT, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, kept alive for the call.
        unsafe { tcp::nx_tcp_socket_state_wait(socket_ptr, desired_state, wait_option) }
    })
}

/// Checked `nx_tcp_socket_state_wait`: `NX_PTR_ERROR` (socket not created),
/// `NX_OPTION_ERROR` (state outside 1..=11).
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_state_wait(socket_ptr: *mut NX_TCP_SOCKET, desired_state: UINT, wait_option: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        if !(NX_TCP_CLOSED..=NX_TCP_LAST_ACK).contains(&desired_state) {
            return NX_OPTION_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_socket_state_wait(socket_ptr, desired_state, wait_option) }
    })
}

/// `*bytes_available` = received bytes not yet read. `NX_SUCCESS`, or
/// `NX_NOT_CONNECTED` when the socket never connected and holds nothing.
#[no_mangle]
pub unsafe extern "C" fn _nx_tcp_socket_bytes_available(socket_ptr: *mut NX_TCP_SOCKET, bytes_available: *mut ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, `bytes_available` is writable; all kept alive for the call.
        unsafe { tcp::nx_tcp_socket_bytes_available(socket_ptr, bytes_available) }
    })
}

/// Checked `nx_tcp_socket_bytes_available`: `NX_PTR_ERROR` for NULL or a
/// socket not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_tcp_socket_bytes_available(socket_ptr: *mut NX_TCP_SOCKET, bytes_available: *mut ULONG) -> UINT {
    ffi_status!({
        check_ptr!(bytes_available);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let bytes_available: &mut ULONG = unsafe { &mut *bytes_available };
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the call (NetX rule for
        // checked calls); only its id words are read.
        if !unsafe { sock_ok(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `bytes_available` is a live output (reference above). `socket_ptr` stays
        // raw, not `&mut`: other threads use it at the same time.
        unsafe { _nx_tcp_socket_bytes_available(socket_ptr, bytes_available) }
    })
}
