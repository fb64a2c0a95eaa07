//! Packets and packet pools in the caller's memory (`_nx_` semantics).
//!
//! A pool carves the caller's memory into packets: an [`NX_PACKET`] header
//! followed by its payload, rounded up so that every header is 8-aligned.
//! Free packets are linked through `nx_packet_queue_next` from
//! `nx_packet_pool_available_list`; `nx_packet_union_next` holds
//! [`NX_PACKET_FREE`] or [`NX_PACKET_ALLOCATED`], which is how a second
//! release of the same packet is detected. The pool's private area holds an
//! [`IsrLock`] (free list, counters, number of waiters: a driver's ISR may
//! allocate and release) and a [`Signal`] that releases wake allocators
//! with. No heap, and no pool lock is ever held while calling out of this
//! module. An allocation with a wait option waits on the signal with the
//! lock released; from an ISR (ThreadX) the wait returns at once, so an
//! ISR's allocation from an empty pool answers `NX_NO_PACKET`.
//!
//! A chain: `nx_packet_next` links the packets, the head's `nx_packet_last`
//! points at the last one (NULL for a single packet, which we also accept on a
//! chain's head by walking it) and the head's `nx_packet_length` is the total.
//!
//! Every `pub unsafe fn` here has the same contract, as the NetX services it
//! stands for: its pointers are valid, point at objects of the named type
//! that are created (ids set), and stay valid for the call.

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc)]

use core::mem::size_of;
use core::ptr;

use crate::netx::types::*;
use crate::port::{Deadline, IsrLock, Signal};

/// What a pool's private area holds. `me` (first) is the pool's own
/// address: with the id it tells a created pool from any other memory (the
/// NetX way: id and self-check fields, no global table).
#[repr(C)]
pub(crate) struct PoolPriv {
    me: usize,
    /// Guards the free list, counters and the id; the value is the number of
    /// allocators waiting. Never torn down: after delete it stays usable, so
    /// a late release takes it and finds the id cleared. An [`IsrLock`]:
    /// drivers allocate with `NX_NO_WAIT` in receive ISRs and release
    /// transmitted packets in TX-complete ISRs (on ThreadX and bare metal
    /// interrupts are masked while it is held: the sections below are a few
    /// pointer moves, and nothing waits or calls out inside them).
    lock: IsrLock<u32>,
    /// Released packets wake allocators here.
    sig: Signal,
}

/// Reads a pool's id. Volatile: delete clears it under the pool's lock
/// while a release or an id check may read it without.
unsafe fn pool_id(pool: *const NX_PACKET_POOL) -> ULONG {
    // SAFETY: the caller's pointer addresses an NX_PACKET_POOL-sized object;
    // only the field's address is computed, no reference is made.
    let id = unsafe { &raw const (*pool).nx_packet_pool_id };
    // SAFETY: `id` is an aligned field of that live object.
    unsafe { ptr::read_volatile(id) }
}

/// True when `pool` is a created pool: id and self-check field (reads only
/// the pool's own memory).
pub unsafe fn pool_is_created(pool: *const NX_PACKET_POOL) -> bool {
    if pool.is_null() {
        return false;
    }
    // SAFETY: the caller's non-NULL pointer addresses an NX_PACKET_POOL-sized object.
    if unsafe { pool_id(pool) } != NX_PACKET_POOL_ID {
        return false;
    }
    // SAFETY: as above; only the private area's address is computed.
    let me = unsafe { &raw const (*pool).nx_packet_pool_private } as *const usize;
    // SAFETY: the private area's first word, aligned (a u64 array).
    unsafe { ptr::read_volatile(me) == pool as usize }
}

const _: () = assert!(private_fits::<PoolPriv, NX_PACKET_POOL_PRIVATE_WORDS>());

/// Size of a packet header, 8-aligned.
pub const PACKET_HEADER_SIZE: usize = (size_of::<NX_PACKET>() + 7) & !7;

unsafe fn priv_of<'a>(pool: *mut NX_PACKET_POOL) -> &'a PoolPriv {
    // SAFETY: the caller's pointer addresses a live pool; only the private
    // area's address is computed.
    let area = unsafe { &raw const (*pool).nx_packet_pool_private } as *const PoolPriv;
    // SAFETY: the caller guarantees the pool was created: the area holds a
    // PoolPriv (written by create, never torn down), shared only through `&`.
    unsafe { &*area }
}

/// True when `pool` points at a created pool (id check only).
pub unsafe fn pool_is_live(pool: *const NX_PACKET_POOL) -> bool {
    // SAFETY: the caller's pointer is NULL or addresses an NX_PACKET_POOL-sized object.
    unsafe { pool_is_created(pool) }
}

/// Creates a pool: carves `memory_size` bytes at `memory_ptr` into packets of
/// `payload_size` bytes (rounded up to 8). `NX_SIZE_ERROR` if not even one fits.
pub unsafe fn nx_packet_pool_create(
    pool: *mut NX_PACKET_POOL,
    name: *mut CHAR,
    payload_size: ULONG,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
) -> UINT {
    let payload = ((payload_size as usize) + 7) & !7;
    let start = memory_ptr as usize;
    let aligned = (start + 7) & !7;
    let skip = aligned - start;
    let usable = (memory_size as usize).saturating_sub(skip);
    let each = PACKET_HEADER_SIZE + payload;
    let count = usable / each;
    if payload == 0 || count == 0 {
        return NX_SIZE_ERROR;
    }
    // Header fields first (C may read them), then the private state.
    // SAFETY: the caller's pool block, not created yet, so no other thread
    // uses it; all-zero bytes are a valid NX_PACKET_POOL.
    unsafe { ptr::write_bytes(pool, 0, 1) };
    // SAFETY: as above: the block is ours alone until the id is set below.
    let p = unsafe { &mut *pool };
    p.nx_packet_pool_name = name;
    p.nx_packet_pool_start = memory_ptr as *mut CHAR;
    p.nx_packet_pool_size = memory_size;
    p.nx_packet_pool_payload_size = payload as ULONG;
    p.nx_packet_pool_total = count as ULONG;
    p.nx_packet_pool_available = count as ULONG;
    // Build the free list front to back.
    let mut head: *mut NX_PACKET = ptr::null_mut();
    for i in (0..count).rev() {
        let pkt = (aligned + i * each) as *mut NX_PACKET;
        // SAFETY: packet `i` lies inside the caller's memory area (count
        // packets of `each` bytes fit after `aligned`), 8-aligned; all-zero
        // bytes are a valid NX_PACKET.
        unsafe { ptr::write_bytes(pkt as *mut u8, 0, PACKET_HEADER_SIZE) };
        // SAFETY: as above; the area is the pool's alone, nothing else points at this packet yet.
        let k = unsafe { &mut *pkt };
        let data = pkt as usize + PACKET_HEADER_SIZE;
        k.nx_packet_pool_owner = pool;
        k.nx_packet_data_start = data as *mut UCHAR;
        k.nx_packet_data_end = (data + payload) as *mut UCHAR;
        k.nx_packet_prepend_ptr = data as *mut UCHAR;
        k.nx_packet_append_ptr = data as *mut UCHAR;
        k.nx_packet_union_next.nx_packet_tcp_queue_next = NX_PACKET_FREE as *mut NX_PACKET;
        k.nx_packet_queue_next = head;
        head = pkt;
    }
    p.nx_packet_pool_available_list = head;
    let area = p.nx_packet_pool_private.as_mut_ptr() as *mut PoolPriv;
    // SAFETY: the private area is large enough and aligned for a PoolPriv
    // (asserted at compile time) and holds nothing to drop.
    unsafe { ptr::write(area, PoolPriv { me: pool as usize, lock: IsrLock::new(0), sig: Signal::new() }) };
    // SAFETY: a field of the caller's pool, aligned; volatile so the id is
    // stored last, after everything an id check lets others read.
    unsafe { ptr::write_volatile(&mut p.nx_packet_pool_id, NX_PACKET_POOL_ID) };
    NX_SUCCESS
}

/// Deletes a pool. Lifetime rule (see `netx`): under the pool's lock the id
/// is cleared (every later call, and a release racing with this one, finds
/// it so and returns `NX_PTR_ERROR`), allocators waiting are woken (they
/// return `NX_DELETED`) and waited out; the lock itself stays usable in the
/// pool's memory. Once this returns, nothing in the library touches the
/// pool. Packets still allocated from it become unusable.
pub unsafe fn nx_packet_pool_delete(pool: *mut NX_PACKET_POOL) -> UINT {
    // SAFETY: the caller's pool is created (the service's contract).
    let pp = unsafe { priv_of(pool) };
    {
        let _g = pp.lock.lock();
        // SAFETY: the caller's pool (NX_PACKET_POOL-sized memory).
        if unsafe { pool_id(pool) } != NX_PACKET_POOL_ID {
            return NX_PTR_ERROR;
        }
        // SAFETY: the pool's id and free list are written only under its
        // lock, held here; the field's address only, no reference.
        let id = unsafe { &raw mut (*pool).nx_packet_pool_id };
        // SAFETY: `id` is an aligned field of the live pool; volatile, as readers check it unlocked.
        unsafe { ptr::write_volatile(id, 0) };
        // SAFETY: under the pool's lock, held here.
        unsafe { (*pool).nx_packet_pool_available_list = ptr::null_mut() };
        pp.sig.notify_all();
    }
    loop {
        let g = pp.lock.lock();
        if *g == 0 {
            break;
        }
        pp.sig.notify_all();
        let _ = pp.sig.wait_until(g, Deadline::after_ticks(1));
    }
    NX_SUCCESS
}

/// `nx_packet_allocate` with a deadline instead of ticks. With `no_wait`
/// the deadline is not looked at.
pub unsafe fn allocate_until(
    pool: *mut NX_PACKET_POOL,
    packet_ptr: *mut *mut NX_PACKET,
    packet_type: ULONG,
    deadline: Deadline,
    no_wait: bool,
) -> UINT {
    let p = pool;
    // SAFETY: the caller's created pool; the payload size is set at create and never changes.
    if packet_type > unsafe { (*p).nx_packet_pool_payload_size } {
        return NX_INVALID_PARAMETERS;
    }
    // SAFETY: the caller's pool is created (the service's contract).
    let pp = unsafe { priv_of(pool) };
    let mut g = pp.lock.lock();
    let mut counted = false;
    let pkt = loop {
        // SAFETY: the caller's pool (NX_PACKET_POOL-sized memory).
        if unsafe { pool_id(p) } != NX_PACKET_POOL_ID {
            return NX_DELETED;
        }
        // SAFETY: the free list and counters are touched only under the
        // pool's lock, held here (no reference outlives this statement).
        let head = unsafe { (*p).nx_packet_pool_available_list };
        if !head.is_null() {
            // SAFETY: a packet on the free list belongs to the pool, under its lock.
            let next = unsafe { (*head).nx_packet_queue_next };
            // SAFETY: under the pool's lock, held here.
            unsafe { (*p).nx_packet_pool_available_list = next };
            // SAFETY: under the pool's lock, held here.
            unsafe { (*p).nx_packet_pool_available -= 1 };
            break head;
        }
        if !counted {
            // SAFETY: under the pool's lock, held here.
            unsafe { (*p).nx_packet_pool_empty_requests += 1 };
            counted = true;
            if no_wait {
                return NX_NO_PACKET;
            }
            // SAFETY: under the pool's lock, held here.
            unsafe { (*p).nx_packet_pool_empty_suspensions += 1 };
        }
        *g += 1;
        let (g2, timed_out) = pp.sig.wait_until(g, deadline);
        g = g2;
        *g -= 1;
        // SAFETY: under the pool's lock, taken again by the wait.
        if timed_out && unsafe { (*p).nx_packet_pool_available_list }.is_null() {
            return NX_NO_PACKET;
        }
    };
    drop(g);
    // SAFETY: the packet just left the free list: it is this caller's alone.
    let k = unsafe { &mut *pkt };
    k.nx_packet_next = ptr::null_mut();
    k.nx_packet_last = ptr::null_mut();
    k.nx_packet_queue_next = ptr::null_mut();
    k.nx_packet_union_next.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED as *mut NX_PACKET;
    k.nx_packet_prepend_ptr = k.nx_packet_data_start.wrapping_add(packet_type as usize);
    k.nx_packet_append_ptr = k.nx_packet_prepend_ptr;
    k.nx_packet_length = 0;
    k.nx_packet_ip_version = 0;
    k.nx_packet_ip_header = ptr::null_mut();
    k.nx_packet_address.nx_packet_interface_ptr = ptr::null_mut();
    k.nx_packet_interface_capability_flag = 0;
    // SAFETY: the caller's output pointer (the service's contract).
    unsafe { *packet_ptr = pkt };
    NX_SUCCESS
}

/// Allocates one packet with `packet_type` bytes of headroom, waiting up to
/// `wait_option` ticks for one to be released. `NX_NO_PACKET` when none came,
/// `NX_INVALID_PARAMETERS` when the headroom exceeds the payload.
pub unsafe fn nx_packet_allocate(
    pool: *mut NX_PACKET_POOL,
    packet_ptr: *mut *mut NX_PACKET,
    packet_type: ULONG,
    wait_option: ULONG,
) -> UINT {
    // No clock read for NX_NO_WAIT (the common case on the data path).
    let deadline = if wait_option == NX_NO_WAIT { Deadline::never() } else { Deadline::after_ticks(wait_option) };
    // SAFETY: the caller's created pool and output pointer (the service's contract).
    unsafe { allocate_until(pool, packet_ptr, packet_type, deadline, wait_option == NX_NO_WAIT) }
}

/// Returns one packet (not its successors) to its pool.
unsafe fn release_one(pkt: *mut NX_PACKET) -> UINT {
    // SAFETY: `pkt` is a packet the caller owns (the service's contract).
    let pool = unsafe { (*pkt).nx_packet_pool_owner };
    // SAFETY: a packet's owner field names NX_PACKET_POOL-sized memory; only
    // its id and self-check field are read.
    if !unsafe { pool_is_live(pool) } {
        return NX_PTR_ERROR;
    }
    // SAFETY: a created pool's private area holds a PoolPriv, never torn down.
    let pp = unsafe { priv_of(pool) };
    let g = pp.lock.lock();
    // Checked again under the lock: a delete may have run since.
    // SAFETY: the owner pool's memory, as above.
    if unsafe { pool_id(pool) } != NX_PACKET_POOL_ID {
        return NX_PTR_ERROR;
    }
    // SAFETY: the packet is the caller's until it is on the free list; the
    // mark is read under the pool's lock, as every release writes it.
    let k = unsafe { &mut *pkt };
    // SAFETY: the union holds a pointer-sized mark either way (both fields are raw pointers).
    if unsafe { k.nx_packet_union_next.nx_packet_tcp_queue_next } as ALIGN_TYPE == NX_PACKET_FREE {
        // SAFETY: the pool's counters are touched only under its lock, held here.
        unsafe { (*pool).nx_packet_pool_invalid_releases += 1 };
        return NX_PTR_ERROR;
    }
    k.nx_packet_union_next.nx_packet_tcp_queue_next = NX_PACKET_FREE as *mut NX_PACKET;
    k.nx_packet_next = ptr::null_mut();
    k.nx_packet_last = ptr::null_mut();
    // SAFETY: the free list is touched only under the pool's lock, held here.
    k.nx_packet_queue_next = unsafe { (*pool).nx_packet_pool_available_list };
    // SAFETY: under the pool's lock, held here.
    unsafe { (*pool).nx_packet_pool_available_list = pkt };
    // SAFETY: under the pool's lock, held here.
    unsafe { (*pool).nx_packet_pool_available += 1 };
    // Notified under the lock: once it is released this thread no longer
    // touches the pool (a delete may follow at once, and the application
    // may then reuse the pool's memory). On ThreadX that is
    // tx_event_flags_set with interrupts masked, which ThreadX allows (a
    // thread it readies runs once the posture is restored).
    if *g > 0 {
        pp.sig.notify_all();
    }
    drop(g);
    NX_SUCCESS
}

/// Releases a whole chain to its owner pools. `NX_PTR_ERROR` (and
/// `nx_packet_pool_invalid_releases` + 1) for a packet that is already free;
/// the free list is not touched then.
pub unsafe fn nx_packet_release(packet: *mut NX_PACKET) -> UINT {
    let mut p = packet;
    let mut status = NX_SUCCESS;
    while !p.is_null() {
        // SAFETY: every packet of the caller's chain is the caller's; `next`
        // is read before the packet goes back (release clears it).
        let next = unsafe { (*p).nx_packet_next };
        // SAFETY: as above: the caller's packet.
        let s = unsafe { release_one(p) };
        if s != NX_SUCCESS {
            // A freed packet's `next` is cleared, so stop here either way.
            if p == packet {
                return s;
            }
            status = s;
            break;
        }
        p = next;
    }
    status
}

/// Same as [`nx_packet_release`] (transmitted packets are never queued here).
pub unsafe fn nx_packet_transmit_release(packet: *mut NX_PACKET) -> UINT {
    // SAFETY: the caller's packet chain (the service's contract).
    unsafe { nx_packet_release(packet) }
}

/// The next packet of a chain (NULL after the last).
///
/// # Safety
/// `p` is a packet of a chain the caller owns.
unsafe fn next_of(p: *mut NX_PACKET) -> *mut NX_PACKET {
    // SAFETY: the caller's packet; only its own field is read.
    unsafe { (*p).nx_packet_next }
}

/// The last packet of a chain.
pub unsafe fn chain_last(head: *mut NX_PACKET) -> *mut NX_PACKET {
    let mut p = head;
    loop {
        // SAFETY: `p` is a packet of the caller's chain (the head, then each `next`).
        let next = unsafe { next_of(p) };
        if next.is_null() {
            return p;
        }
        p = next;
    }
}

/// Appends `size` bytes, chaining packets from `pool` (headroom 0) when the
/// last one is full. All extra packets are allocated first: on failure nothing
/// changes and the allocation status is returned.
pub unsafe fn nx_packet_data_append(
    packet: *mut NX_PACKET,
    data: *const VOID,
    size: ULONG,
    pool: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    let mut src = data as *const u8;
    let mut left = size as usize;
    // SAFETY: the caller's packet chain (the service's contract).
    let last = unsafe { chain_last(packet) };
    let room = {
        // SAFETY: the chain's last packet is the caller's (no one else
        // touches it); the reference ends here, before `packet` (maybe the
        // same packet) is written.
        let l = unsafe { &*last };
        l.nx_packet_data_end as usize - l.nx_packet_append_ptr as usize
    };
    // Allocate what does not fit (the clock is read only if needed).
    let deadline = if left > room && wait_option != NX_NO_WAIT {
        Deadline::after_ticks(wait_option)
    } else {
        Deadline::never()
    };
    let mut extra_head: *mut NX_PACKET = ptr::null_mut();
    let mut extra_tail: *mut NX_PACKET = ptr::null_mut();
    if left > room {
        let mut need = left - room;
        while need > 0 {
            let mut np: *mut NX_PACKET = ptr::null_mut();
            // SAFETY: the caller's created pool; `np` is a local output.
            let s = unsafe { allocate_until(pool, &mut np, 0, deadline, wait_option == NX_NO_WAIT) };
            if s != NX_SUCCESS {
                if !extra_head.is_null() {
                    // SAFETY: the chain allocated above is ours and linked nowhere else.
                    unsafe { nx_packet_release(extra_head) };
                }
                return s;
            }
            // SAFETY: the packet just allocated is ours alone.
            let k = unsafe { &*np };
            let cap = k.nx_packet_data_end as usize - k.nx_packet_append_ptr as usize;
            if extra_head.is_null() {
                extra_head = np;
            } else {
                // SAFETY: `extra_tail` is the previous packet allocated here, ours alone.
                unsafe { (*extra_tail).nx_packet_next = np };
            }
            extra_tail = np;
            need = need.saturating_sub(cap);
        }
    }
    // Fill the last packet, then the new ones.
    let n = left.min(room);
    {
        // SAFETY: the caller's last packet, not aliased while this lives.
        let l = unsafe { &mut *last };
        // SAFETY: `src` has `size` readable bytes (the service's contract)
        // and the packet `room` >= n writable ones after its append pointer;
        // caller memory and pool memory do not overlap.
        unsafe { ptr::copy_nonoverlapping(src, l.nx_packet_append_ptr, n) };
        l.nx_packet_append_ptr = l.nx_packet_append_ptr.wrapping_add(n);
    }
    src = src.wrapping_add(n);
    left -= n;
    let mut p = extra_head;
    while !p.is_null() {
        // SAFETY: one of the packets allocated above, ours alone.
        let k = unsafe { &mut *p };
        let cap = k.nx_packet_data_end as usize - k.nx_packet_append_ptr as usize;
        let n = left.min(cap);
        // SAFETY: `left` >= n bytes remain readable at `src`, `cap` >= n
        // writable after the append pointer; the buffers do not overlap.
        unsafe { ptr::copy_nonoverlapping(src, k.nx_packet_append_ptr, n) };
        k.nx_packet_append_ptr = k.nx_packet_append_ptr.wrapping_add(n);
        k.nx_packet_length = n as ULONG;
        src = src.wrapping_add(n);
        left -= n;
        p = k.nx_packet_next;
    }
    if !extra_head.is_null() {
        // SAFETY: the caller's last packet.
        unsafe { (*last).nx_packet_next = extra_head };
        // SAFETY: the caller's head packet.
        unsafe { (*packet).nx_packet_last = extra_tail };
    }
    // SAFETY: the caller's head packet.
    unsafe { (*packet).nx_packet_length += size };
    NX_SUCCESS
}

/// Copies the data of the whole chain into `buffer`; `*bytes_copied` = total.
pub unsafe fn nx_packet_data_retrieve(packet: *mut NX_PACKET, buffer: *mut VOID, bytes_copied: *mut ULONG) -> UINT {
    let mut dst = buffer as *mut u8;
    let mut total = 0usize;
    let mut p = packet;
    while !p.is_null() {
        // SAFETY: a packet of the caller's chain, read only.
        let k = unsafe { &*p };
        let n = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
        // SAFETY: the packet holds `n` bytes at its prepend pointer; the
        // caller's buffer holds the chain's length (the service's contract).
        unsafe { ptr::copy_nonoverlapping(k.nx_packet_prepend_ptr, dst, n) };
        dst = dst.wrapping_add(n);
        total += n;
        p = k.nx_packet_next;
    }
    // SAFETY: the caller's output pointer.
    unsafe { *bytes_copied = total as ULONG };
    NX_SUCCESS
}

/// Copies up to `buffer_length` bytes starting `offset` bytes into the chain.
/// `NX_PACKET_OFFSET_ERROR` when `offset` is past the data.
pub unsafe fn nx_packet_data_extract_offset(
    packet: *mut NX_PACKET,
    offset: ULONG,
    buffer: *mut VOID,
    buffer_length: ULONG,
    bytes_copied: *mut ULONG,
) -> UINT {
    // SAFETY: the caller's head packet, read only.
    if offset > unsafe { (*packet).nx_packet_length } {
        // SAFETY: the caller's output pointer.
        unsafe { *bytes_copied = 0 };
        return NX_PACKET_OFFSET_ERROR;
    }
    let mut skip = offset as usize;
    let mut left = buffer_length as usize;
    let mut dst = buffer as *mut u8;
    let mut total = 0usize;
    let mut p = packet;
    while !p.is_null() && left > 0 {
        // SAFETY: a packet of the caller's chain, read only.
        let k = unsafe { &*p };
        let len = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
        if skip >= len {
            skip -= len;
        } else {
            let n = (len - skip).min(left);
            // SAFETY: the packet holds `len` > skip bytes at its prepend
            // pointer, n <= len - skip; the caller's buffer holds
            // `buffer_length` >= n more bytes at `dst`.
            unsafe { ptr::copy_nonoverlapping(k.nx_packet_prepend_ptr.wrapping_add(skip), dst, n) };
            dst = dst.wrapping_add(n);
            total += n;
            left -= n;
            skip = 0;
        }
        p = k.nx_packet_next;
    }
    // SAFETY: the caller's output pointer.
    unsafe { *bytes_copied = total as ULONG };
    NX_SUCCESS
}

/// `*length` = the chain's total length (from the head).
pub unsafe fn nx_packet_length_get(packet: *mut NX_PACKET, length: *mut ULONG) -> UINT {
    // SAFETY: the caller's packet (the service's contract).
    let n = unsafe { (*packet).nx_packet_length };
    // SAFETY: the caller's output pointer.
    unsafe { *length = n };
    NX_SUCCESS
}

/// Copies a chain into new packet(s) from `pool`, keeping the head's headroom
/// (clamped to the pool's payload).
pub unsafe fn nx_packet_copy(
    packet: *mut NX_PACKET,
    new_packet: *mut *mut NX_PACKET,
    pool: *mut NX_PACKET_POOL,
    wait_option: ULONG,
) -> UINT {
    // SAFETY: the caller's packet chain is read only here and not touched by others.
    let head = unsafe { &*packet };
    let headroom = (head.nx_packet_prepend_ptr as usize - head.nx_packet_data_start as usize) as ULONG;
    // SAFETY: the caller's created pool; the payload size never changes after create.
    let headroom = headroom.min(unsafe { (*pool).nx_packet_pool_payload_size }) & !3;
    let mut np: *mut NX_PACKET = ptr::null_mut();
    // SAFETY: the caller's created pool; `np` is a local output.
    let s = unsafe { nx_packet_allocate(pool, &mut np, headroom, wait_option) };
    if s != NX_SUCCESS {
        return s;
    }
    // SAFETY: the packet just allocated is ours alone.
    unsafe { (*np).nx_packet_ip_version = head.nx_packet_ip_version };
    let mut p = packet;
    while !p.is_null() {
        // SAFETY: a packet of the caller's chain, read only.
        let k = unsafe { &*p };
        let n = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
        // SAFETY: `np` is ours, the pool the caller's; the source bytes are `k`'s data.
        let s = unsafe { nx_packet_data_append(np, k.nx_packet_prepend_ptr as *const VOID, n as ULONG, pool, wait_option) };
        if s != NX_SUCCESS {
            // SAFETY: the copy is ours and linked nowhere else.
            unsafe { nx_packet_release(np) };
            return s;
        }
        p = k.nx_packet_next;
    }
    // SAFETY: the caller's output pointer.
    unsafe { *new_packet = np };
    NX_SUCCESS
}

/// Pool statistics; any output pointer may be NULL.
pub unsafe fn nx_packet_pool_info_get(
    pool: *mut NX_PACKET_POOL,
    total_packets: *mut ULONG,
    free_packets: *mut ULONG,
    empty_pool_requests: *mut ULONG,
    empty_pool_suspensions: *mut ULONG,
    invalid_packet_releases: *mut ULONG,
) -> UINT {
    // SAFETY: the caller's pool is created (the service's contract).
    let pp = unsafe { priv_of(pool) };
    let _g = pp.lock.lock();
    // SAFETY: the counters are written only under the pool's lock, held
    // while this shared reference lives.
    let p = unsafe { &*pool };
    for (out, v) in [
        (total_packets, p.nx_packet_pool_total),
        (free_packets, p.nx_packet_pool_available),
        (empty_pool_requests, p.nx_packet_pool_empty_requests),
        (empty_pool_suspensions, p.nx_packet_pool_empty_suspensions),
        (invalid_packet_releases, p.nx_packet_pool_invalid_releases),
    ] {
        if !out.is_null() {
            // SAFETY: the caller's non-NULL output pointer.
            unsafe { *out = v };
        }
    }
    NX_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port;

    #[repr(C, align(8))]
    struct Mem([u8; 16384]);

    fn new_pool(payload: u32, mem: &mut Mem) -> Box<NX_PACKET_POOL> {
        // SAFETY: zeroed is a valid (not created) pool.
        let mut pool: Box<NX_PACKET_POOL> = Box::new(unsafe { core::mem::zeroed() });
        // SAFETY: `pool` is a fresh boxed block, `mem` outlives the pool (the tests delete it first).
        let s = unsafe {
            nx_packet_pool_create(&mut *pool, ptr::null_mut(), payload, mem.0.as_mut_ptr() as *mut VOID, mem.0.len() as u32)
        };
        assert_eq!(s, NX_SUCCESS);
        pool
    }

    #[test]
    fn carve_allocate_release_double_release() {
        let mut mem = Mem([0; 16384]);
        let mut pool = new_pool(256, &mut mem);
        let total = pool.nx_packet_pool_total;
        assert_eq!(total as usize, 16384 / (PACKET_HEADER_SIZE + 256));
        let pp: *mut NX_PACKET_POOL = &mut *pool;
        let mut v = Vec::new();
        loop {
            let mut p = ptr::null_mut();
            // SAFETY: `pp` is the created pool; `p` a local output.
            if unsafe { nx_packet_allocate(pp, &mut p, NX_IPv4_TCP_PACKET, NX_NO_WAIT) } != NX_SUCCESS {
                break;
            }
            v.push(p);
        }
        assert_eq!(v.len() as u32, total);
        let t0 = port::now_ms();
        let mut p = ptr::null_mut();
        // SAFETY: as above (a 5-tick wait on the empty pool).
        assert_eq!(unsafe { nx_packet_allocate(pp, &mut p, 0, 5) }, NX_NO_PACKET);
        assert!(port::now_ms() - t0 >= 45);
        for &p in &v {
            // SAFETY: each packet came from the pool and is released once here.
            assert_eq!(unsafe { nx_packet_release(p) }, NX_SUCCESS);
        }
        // SAFETY: the double release under test: the packet's memory is the
        // pool's, still there; release finds it free.
        assert_eq!(unsafe { nx_packet_release(v[0]) }, NX_PTR_ERROR);
        assert_eq!(pool.nx_packet_pool_invalid_releases, 1);
        assert_eq!(pool.nx_packet_pool_available, total);
        // SAFETY: the created pool, every packet back.
        unsafe { nx_packet_pool_delete(&mut *pool) };
    }

    #[test]
    fn append_chain_and_retrieve() {
        let mut mem = Mem([0; 16384]);
        let mut pool = new_pool(100, &mut mem);
        let pp: *mut NX_PACKET_POOL = &mut *pool;
        let mut p = ptr::null_mut();
        // SAFETY: `pp` is the created pool; `p` a local output.
        assert_eq!(unsafe { nx_packet_allocate(pp, &mut p, NX_IPv4_TCP_PACKET, NX_NO_WAIT) }, 0);
        let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        // SAFETY: `p` is ours; 1000 readable bytes at `data`.
        assert_eq!(unsafe { nx_packet_data_append(p, data.as_ptr() as _, 1000, pp, NX_NO_WAIT) }, 0);
        // SAFETY: our packet, read only.
        assert_eq!(unsafe { (*p).nx_packet_length }, 1000);
        let mut out = vec![0u8; 1000];
        let mut n = 0;
        // SAFETY: our chain; `out` holds its 1000 bytes.
        unsafe { nx_packet_data_retrieve(p, out.as_mut_ptr() as _, &mut n) };
        assert_eq!(n, 1000);
        assert_eq!(out, data);
        let mut c = ptr::null_mut();
        // SAFETY: our chain, the created pool, a local output.
        assert_eq!(unsafe { nx_packet_copy(p, &mut c, pp, NX_NO_WAIT) }, 0);
        let mut out2 = vec![0u8; 10];
        // SAFETY: the copy is ours; `out2` holds the 10 bytes asked for.
        unsafe { nx_packet_data_extract_offset(c, 995, out2.as_mut_ptr() as _, 10, &mut n) };
        assert_eq!(n, 5);
        assert_eq!(&out2[..5], &data[995..]);
        // SAFETY: ours, released once.
        unsafe { nx_packet_release(p) };
        // SAFETY: ours, released once.
        unsafe { nx_packet_release(c) };
        assert_eq!(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
        // SAFETY: the created pool, every packet back.
        unsafe { nx_packet_pool_delete(&mut *pool) };
    }
}
