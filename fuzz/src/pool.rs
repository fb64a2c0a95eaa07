//! Target (d): packet pools driven by an arbitrary sequence of calls.
//!
//! One or two pools are carved out of `Vec<u64>` buffers; the input then
//! drives allocate / data_append (chaining from either pool) / copy /
//! extract_offset / data_retrieve / release / double release. A model keeps
//! the chains the test holds and the bytes each must contain. After every
//! step: available + packets held == total for each pool, the free list has
//! exactly `available` distinct packets of that pool, none of them held, no
//! packet is in two chains, every chain's length matches the model. Always
//! `NX_NO_WAIT`. At the end everything is released and available == total.

use crate::Reader;
use core::ptr;
use nx_pop3_client::netx::packet::*;
use nx_pop3_client::netx::types::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How often each operation ran successfully (allocate, append, append that
/// chained, copy, extract, release, second release, retrieve); for the
/// crate's own test that the harness reaches every path.
pub static HITS: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];

fn hit(i: usize) {
    HITS[i].fetch_add(1, Ordering::Relaxed);
}

struct Pool {
    hdr: Box<NX_PACKET_POOL>,
    _mem: Vec<u64>,
    /// Address of every packet carved, from the header layout.
    packets: HashSet<usize>,
    invalid: u32,
}

struct Held {
    head: *mut NX_PACKET,
    data: Vec<u8>,
}

fn pool_ptr(p: &mut Pool) -> *mut NX_PACKET_POOL {
    &mut *p.hdr
}

unsafe fn chain(head: *mut NX_PACKET) -> Vec<*mut NX_PACKET> {
    let mut v = Vec::new();
    let mut p = head;
    while !p.is_null() {
        v.push(p);
        assert!(v.len() <= 100_000, "chain loops");
        p = (*p).nx_packet_next;
    }
    v
}

unsafe fn seg_len(p: *mut NX_PACKET) -> usize {
    (*p).nx_packet_append_ptr as usize - (*p).nx_packet_prepend_ptr as usize
}

unsafe fn create(r: &mut Reader) -> Option<Pool> {
    let payload = u32::from(r.u8() % 200) + 1;
    let words = usize::from(r.u8() % 128) * 8 + 1;
    let mut mem = vec![0u64; words];
    let mut hdr: Box<NX_PACKET_POOL> = Box::new(core::mem::zeroed());
    let bytes = (words * 8) as u32;
    let s = nx_packet_pool_create(&mut *hdr, ptr::null_mut(), payload, mem.as_mut_ptr() as *mut VOID, bytes);
    let each = PACKET_HEADER_SIZE + ((payload as usize + 7) & !7);
    let fits = words * 8 / each;
    if fits == 0 {
        assert_eq!(s, NX_SIZE_ERROR);
        return None;
    }
    assert_eq!(s, NX_SUCCESS);
    assert_eq!(hdr.nx_packet_pool_total as usize, fits);
    assert_eq!(hdr.nx_packet_pool_available as usize, fits);
    let base = mem.as_ptr() as usize;
    let packets = (0..fits).map(|i| base + i * each).collect();
    Some(Pool { hdr, _mem: mem, packets, invalid: 0 })
}

unsafe fn check(pools: &mut [Pool], held: &[Held]) {
    let mut seen = HashSet::new();
    let mut per_pool = vec![0u32; pools.len()];
    for h in held {
        let c = chain(h.head);
        let mut total = 0;
        for &p in &c {
            assert!(seen.insert(p as usize), "packet {p:?} in two chains (or twice in one)");
            let owner = (*p).nx_packet_pool_owner;
            let i = pools.iter_mut().position(|pl| pool_ptr(pl) == owner).expect("packet of no pool");
            assert!(pools[i].packets.contains(&(p as usize)), "packet not carved from its owner");
            assert_eq!(
                (*p).nx_packet_union_next.nx_packet_tcp_queue_next as ALIGN_TYPE,
                NX_PACKET_ALLOCATED,
                "held packet not marked allocated"
            );
            per_pool[i] += 1;
            total += seg_len(p);
        }
        assert_eq!(total, h.data.len(), "sum of segment lengths");
        assert_eq!((*h.head).nx_packet_length as usize, h.data.len(), "head nx_packet_length");
        let last = (*h.head).nx_packet_last;
        assert!(last.is_null() || last == *c.last().unwrap(), "nx_packet_last is not the last packet");
    }
    for (i, pl) in pools.iter_mut().enumerate() {
        let hdr = &*pl.hdr;
        assert_eq!(hdr.nx_packet_pool_available + per_pool[i], hdr.nx_packet_pool_total, "available + held != total");
        assert_eq!(hdr.nx_packet_pool_invalid_releases, pl.invalid, "invalid releases counter");
        let mut free = 0;
        let mut p = hdr.nx_packet_pool_available_list;
        while !p.is_null() {
            assert!(pl.packets.contains(&(p as usize)), "free list entry not of this pool");
            assert!(seen.insert(p as usize), "free packet {p:?} held or twice on the free list");
            assert_eq!((*p).nx_packet_union_next.nx_packet_tcp_queue_next as ALIGN_TYPE, NX_PACKET_FREE);
            free += 1;
            assert!(free <= hdr.nx_packet_pool_total, "free list longer than the pool");
            p = (*p).nx_packet_queue_next;
        }
        assert_eq!(free, hdr.nx_packet_pool_available, "free list length != available");
    }
}

pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let two = r.u8() & 1 != 0;
    let mut pools = Vec::new();
    unsafe {
        match create(&mut r) {
            Some(p) => pools.push(p),
            None => return,
        }
        if two {
            if let Some(p) = create(&mut r) {
                pools.push(p);
            }
        }
        let mut held: Vec<Held> = Vec::new();
        // Heads released by the test (addresses), for second releases.
        let mut released: Vec<usize> = Vec::new();
        let mut steps = 0;
        while !r.is_empty() && steps < 400 {
            steps += 1;
            let op = r.u8();
            let pi = usize::from(op >> 7) % pools.len();
            let pool = pool_ptr(&mut pools[pi]);
            let pick = usize::from(r.u8());
            match op % 9 {
                0 | 1 => {
                    let payload = (*pool).nx_packet_pool_payload_size;
                    let headroom = u32::from(r.u8()) % (payload + 8);
                    let avail = (*pool).nx_packet_pool_available;
                    let mut p = ptr::null_mut();
                    let s = nx_packet_allocate(pool, &mut p, headroom, NX_NO_WAIT);
                    if headroom > payload {
                        assert_eq!(s, NX_INVALID_PARAMETERS);
                    } else if avail == 0 {
                        assert_eq!(s, NX_NO_PACKET);
                    } else {
                        assert_eq!(s, NX_SUCCESS);
                        assert_eq!(seg_len(p), 0);
                        assert_eq!((*p).nx_packet_length, 0);
                        assert!((*p).nx_packet_next.is_null());
                        released.retain(|&a| a != p as usize);
                        held.push(Held { head: p, data: Vec::new() });
                        hit(0);
                    }
                }
                2 | 3 if !held.is_empty() => {
                    let j = pick % held.len();
                    let len = usize::from(r.u16() % 1200);
                    let bytes: Vec<u8> = (0..len).map(|i| (i as u8) ^ op ^ (steps as u8)).collect();
                    let head = held[j].head;
                    let before = chain(head);
                    let s = nx_packet_data_append(head, bytes.as_ptr() as *const VOID, len as u32, pool, NX_NO_WAIT);
                    if s == NX_SUCCESS {
                        held[j].data.extend_from_slice(&bytes);
                        hit(if chain(head).len() > before.len() { 2 } else { 1 });
                    } else {
                        assert_eq!(s, NX_NO_PACKET);
                        assert_eq!(chain(head), before, "failed append changed the chain");
                    }
                }
                4 if !held.is_empty() => {
                    let j = pick % held.len();
                    let mut np = ptr::null_mut();
                    let s = nx_packet_copy(held[j].head, &mut np, pool, NX_NO_WAIT);
                    if s == NX_SUCCESS {
                        let data = held[j].data.clone();
                        for p in chain(np) {
                            released.retain(|&a| a != p as usize);
                        }
                        held.push(Held { head: np, data });
                        hit(3);
                    } else {
                        assert_eq!(s, NX_NO_PACKET);
                    }
                }
                5 if !held.is_empty() => {
                    let j = pick % held.len();
                    let h = &held[j];
                    let offset = u32::from(r.u16()) % (h.data.len() as u32 + 4);
                    let want_len = usize::from(r.u16() % 1500);
                    let mut buf = vec![0xA5u8; want_len + 16];
                    let mut n: ULONG = 0xDEAD;
                    let s = nx_packet_data_extract_offset(
                        h.head,
                        offset,
                        buf.as_mut_ptr() as *mut VOID,
                        want_len as u32,
                        &mut n,
                    );
                    if offset as usize > h.data.len() {
                        assert_eq!(s, NX_PACKET_OFFSET_ERROR);
                        assert_eq!(n, 0);
                    } else {
                        assert_eq!(s, NX_SUCCESS);
                        let want = &h.data[offset as usize..];
                        let want = &want[..want.len().min(want_len)];
                        assert_eq!(n as usize, want.len(), "extract count");
                        assert_eq!(&buf[..want.len()], want, "extract bytes");
                        hit(4);
                    }
                    assert!(buf[n as usize..].iter().all(|&b| b == 0xA5), "extract wrote past its count");
                }
                6 if !held.is_empty() => {
                    let h = held.swap_remove(pick % held.len());
                    let s = nx_packet_release(h.head);
                    assert_eq!(s, NX_SUCCESS);
                    released.push(h.head as usize);
                    hit(5);
                }
                7 => {
                    // Second release of a packet that is free: either a head
                    // the test released, or any carved packet not held.
                    let held_set: HashSet<usize> =
                        held.iter().flat_map(|h| chain(h.head)).map(|p| p as usize).collect();
                    let target = if pick & 1 == 0 && !released.is_empty() {
                        Some(released[pick / 2 % released.len()])
                    } else {
                        let pl = &pools[pi];
                        let mut all: Vec<usize> = pl.packets.iter().copied().collect();
                        all.sort_unstable();
                        let a = all[pick % all.len()];
                        (!held_set.contains(&a)).then_some(a)
                    };
                    if let Some(a) = target.filter(|a| !held_set.contains(a)) {
                        let owner = (*(a as *mut NX_PACKET)).nx_packet_pool_owner;
                        let k = pools.iter_mut().position(|pl| pool_ptr(pl) == owner).expect("owner");
                        let s = nx_packet_release(a as *mut NX_PACKET);
                        assert_eq!(s, NX_PTR_ERROR, "second release accepted");
                        pools[k].invalid += 1;
                        hit(6);
                    }
                }
                8 if !held.is_empty() => {
                    // Retrieve into a buffer of exactly the expected size,
                    // followed by a canary.
                    let h = &held[pick % held.len()];
                    let mut buf = vec![0x5Au8; h.data.len() + 32];
                    let mut n: ULONG = 0xDEAD;
                    let s = nx_packet_data_retrieve(h.head, buf.as_mut_ptr() as *mut VOID, &mut n);
                    assert_eq!(s, NX_SUCCESS);
                    assert_eq!(n as usize, h.data.len(), "retrieve count");
                    assert_eq!(&buf[..h.data.len()], &h.data[..], "retrieve bytes");
                    assert!(buf[h.data.len()..].iter().all(|&b| b == 0x5A), "retrieve overran");
                    hit(7);
                }
                _ => {}
            }
            check(&mut pools, &held);
        }
        for h in held.drain(..) {
            assert_eq!(nx_packet_release(h.head), NX_SUCCESS);
        }
        check(&mut pools, &[]);
        for pl in pools.iter_mut() {
            assert_eq!(pl.hdr.nx_packet_pool_available, pl.hdr.nx_packet_pool_total);
            nx_packet_pool_delete(pool_ptr(pl));
        }
    }
}
