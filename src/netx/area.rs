//! The memory area an IP instance gets from `nx_ip_create`
//! (`memory_ptr`/`memory_size`): every byte of the instance's TCP/IP state
//! comes from it, none from a heap.
//!
//! Layout, from the first 8-aligned address:
//!
//! ```text
//! ThreadSlot (the helper thread's control block; empty on std/bare metal)
//! helper thread stack (HELPER_STACK; none on bare metal)
//! IpCore (smoltcp interface, TCP tables, device state)
//! SocketStorage × SMOLTCP_SOCKETS (smoltcp's socket set)
//! receive scratch, transmit scratch (MTU + 20 bytes each)
//! buffer space: each TCP socket's receive and transmit ring buffers
//! ```
//!
//! The buffer space is handed out by `Area`, a first-fit allocator over
//! that part of the caller's memory (blocks carry an 8-byte-aligned 16-byte
//! header; freed blocks are merged with their neighbours). Buffers are taken
//! when a socket is created (and for each listen backlog socket) and given
//! back when it is deleted, so the space a program must give is the fixed
//! part plus, for every socket that exists at the same time,
//! `tcp::socket_bytes` of its window. A socket that does not fit is refused
//! with `NX_SIZE_ERROR`, never a crash.

#![deny(unsafe_op_in_unsafe_fn)]
use core::mem::{align_of, size_of};
use core::ptr;

/// Block header: its size (header included) in the first word.
const HDR: usize = 16;
const ALIGN: usize = 8;
/// Smallest remainder worth splitting off as a free block.
const MIN_SPLIT: usize = 64;

#[repr(C)]
struct Free {
    size: usize,
    next: *mut Free,
}

/// First-fit allocator over part of the caller's memory area.
pub(crate) struct Area {
    free: *mut Free,
    /// Bytes handed out now (headers included), for tests and figures.
    pub(crate) used: usize,
}

const fn round_up(n: usize, a: usize) -> usize {
    (n + a - 1) & !(a - 1)
}

impl Area {
    /// An empty allocator (nothing to hand out).
    pub(crate) const fn empty() -> Self {
        Area { free: ptr::null_mut(), used: 0 }
    }

    /// Takes `[start, start + len)` as free space.
    ///
    /// # Safety
    /// The range is writable memory that nothing else uses while the area
    /// exists.
    pub(crate) unsafe fn new(start: *mut u8, len: usize) -> Self {
        let s = round_up(start as usize, ALIGN);
        let end = (start as usize).saturating_add(len) & !(ALIGN - 1);
        if end < s + HDR + MIN_SPLIT {
            return Area::empty();
        }
        let f = s as *mut Free;
        // SAFETY: `f` is 8-aligned and inside the caller's range.
        unsafe { f.write(Free { size: end - s, next: ptr::null_mut() }) };
        Area { free: f, used: 0 }
    }

    /// `n` bytes, 8-aligned, or None when no free block is big enough.
    pub(crate) fn alloc(&mut self, n: usize) -> Option<*mut u8> {
        let need = round_up(n, ALIGN).checked_add(HDR)?;
        let mut link: &mut *mut Free = &mut self.free;
        while !link.is_null() {
            let b = *link;
            // SAFETY: every block on the free list is inside the area,
            // aligned, with a valid header (written by `new`, `alloc` or
            // `free`), and only this allocator (borrowed mutably) touches it.
            let blk = unsafe { &mut *b };
            let size = blk.size;
            if size >= need {
                let used = if size - need >= MIN_SPLIT {
                    let rest = (b as *mut u8).wrapping_add(need) as *mut Free;
                    // SAFETY: `rest` is 8-aligned (`need` is) and lies
                    // inside block `b`, with at least MIN_SPLIT bytes after it.
                    unsafe { rest.write(Free { size: size - need, next: blk.next }) };
                    *link = rest;
                    need
                } else {
                    *link = blk.next;
                    size
                };
                // SAFETY: the block's first word (aligned, in the area); the
                // block is off the free list, so only this allocator sees it.
                unsafe { (b as *mut usize).write(used) };
                self.used += used;
                return Some((b as *mut u8).wrapping_add(HDR));
            }
            link = &mut blk.next;
        }
        None
    }

    /// Gives back a block from [`Area::alloc`].
    ///
    /// # Safety
    /// `p` came from this area's `alloc` and is not used any more.
    pub(crate) unsafe fn free(&mut self, p: *mut u8) {
        let b = p.wrapping_sub(HDR) as *mut Free;
        // SAFETY: the caller's contract: `p - HDR` is the header of a block
        // of this area, its first word the block's size.
        let size = unsafe { (b as *const usize).read() };
        self.used -= size;
        // Free blocks are kept sorted by address so neighbours merge.
        let mut prev: *mut Free = ptr::null_mut();
        let mut cur = self.free;
        while !cur.is_null() && (cur as usize) < (b as usize) {
            prev = cur;
            // SAFETY: a free block of this area, with a valid header.
            cur = unsafe { (*cur).next };
        }
        // SAFETY: `b` is the block's header: aligned, inside the area, and
        // no longer used by anyone (the caller's contract).
        unsafe { b.write(Free { size, next: cur }) };
        // SAFETY: `b` now holds a valid header; only this allocator touches it.
        let bb = unsafe { &mut *b };
        if !cur.is_null() && (b as usize) + size == cur as usize {
            // SAFETY: `cur` is a free block of this area, distinct from `b`
            // (it starts where `b` ends).
            let c = unsafe { &*cur };
            bb.size += c.size;
            bb.next = c.next;
        }
        if prev.is_null() {
            self.free = b;
        } else {
            // SAFETY: `prev` is a free block of this area below `b`, so
            // distinct from it; only this allocator touches it.
            let pv = unsafe { &mut *prev };
            pv.next = b;
            if (prev as usize) + pv.size == b as usize {
                pv.size += bb.size;
                pv.next = bb.next;
            }
        }
    }
}

/// Bytes of area a block of `n` bytes takes.
pub const fn block_bytes(n: usize) -> usize {
    round_up(n, ALIGN) + HDR
}

/// Carves the fixed part of an area: returns the address of an object of
/// type `T` at `*off` (aligned), advancing `*off`; None when out of room.
pub(crate) fn carve<T>(base: usize, end: usize, off: &mut usize, count: usize) -> Option<*mut T> {
    let a = round_up(base + *off, align_of::<T>().max(ALIGN));
    let bytes = size_of::<T>().checked_mul(count)?;
    let next = a.checked_add(bytes)?;
    if next > end {
        return None;
    }
    *off = next - base;
    Some(a as *mut T)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_free_merge() {
        let mut mem = vec![0u64; 4096];
        // SAFETY: `mem` is 32 KiB, 8-aligned, and outlives `a`.
        let mut a = unsafe { Area::new(mem.as_mut_ptr() as *mut u8, 4096 * 8) };
        let x = a.alloc(1000).unwrap();
        let y = a.alloc(2000).unwrap();
        let z = a.alloc(3000).unwrap();
        assert_eq!(x as usize % 8, 0);
        assert!(a.alloc(40000).is_none());
        // SAFETY: each block came from `a.alloc` and is freed once.
        unsafe { a.free(y) };
        // SAFETY: as `y`.
        unsafe { a.free(x) };
        // SAFETY: as `y`.
        unsafe { a.free(z) };
        assert_eq!(a.used, 0);
        // Everything merged back into one block: the whole space fits again.
        let big = a.alloc(4096 * 8 - 64).unwrap();
        // SAFETY: `big` came from `a.alloc`.
        unsafe { a.free(big) };
    }
}
