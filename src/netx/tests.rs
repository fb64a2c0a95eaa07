//! netx tests that need std threads (`scripts/check-layers.sh` keeps
//! `std::thread`/`std::sync` out of netx's own files). ThreadX port only
//! (over the harness, `make port-test`).
#![cfg(feature = "port-threadx")]

use core::ptr;

use crate::netx::packet::*;
use crate::netx::types::*;
use crate::port;

/// A driver's ISR allocates with `NX_NO_WAIT` (receive) and releases
/// (transmit complete) while threads allocate with waits and release on
/// a small pool: on the ThreadX port, over the harness's simulated
/// interrupt context (interrupts masked, no suspension: a wait there
/// returns `TX_WAIT_ERROR`, as ThreadX answers an ISR). The ISR must
/// never find the pool's lock held by the thread it interrupted (a
/// thread-only lock would have to block there: the port panics), its
/// allocation with a wait must come back at once, and every packet must
/// end up on the free list.
#[test]
fn isr_allocates_and_releases_while_threads_wait() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::Arc;
    extern "C" {
        fn tx_harness_isr_enter();
        fn tx_harness_isr_exit();
    }
    struct P(*mut NX_PACKET_POOL);
    // SAFETY: the pool is shared on purpose; every access goes through
    // the pool's services.
    unsafe impl Send for P {}
    // SAFETY: as above.
    unsafe impl Sync for P {}
    #[repr(C, align(8))]
    struct Mem([u8; 16384]);
    let mut mem = Box::new(Mem([0; 16384]));
    // 4 packets: threads wait for packets most of the time.
    let payload = (16384 / 4 - PACKET_HEADER_SIZE) as u32;
    // SAFETY: zeroed is a valid (not created) pool.
    let mut pool: Box<NX_PACKET_POOL> = Box::new(unsafe { core::mem::zeroed() });
    // SAFETY: the pool and its memory outlive every use below.
    let s = unsafe {
        nx_packet_pool_create(&mut *pool, ptr::null_mut(), payload, mem.0.as_mut_ptr() as *mut VOID, mem.0.len() as u32)
    };
    assert_eq!(s, NX_SUCCESS);
    assert_eq!(pool.nx_packet_pool_total, 4);
    let pp = Arc::new(P(&mut *pool));
    let stop = Arc::new(AtomicBool::new(false));
    let isr_got = Arc::new(AtomicU32::new(0));
    let mut ts = Vec::new();
    for _ in 0..3 {
        let (pp, stop) = (pp.clone(), stop.clone());
        ts.push(std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let mut p = ptr::null_mut();
                // SAFETY: a created pool (deleted after the join).
                if unsafe { nx_packet_allocate(pp.0, &mut p, 0, 2) } == NX_SUCCESS {
                    n += 1;
                    // SAFETY: the packet is ours.
                    assert_eq!(unsafe { nx_packet_release(p) }, NX_SUCCESS);
                }
            }
            n
        }));
    }
    {
        let (pp, stop, isr_got) = (pp.clone(), stop.clone(), isr_got.clone());
        ts.push(std::thread::spawn(move || {
            let t0 = port::now_ms();
            while port::now_ms() - t0 < 1500 {
                // SAFETY: harness call, paired with the exit below.
                unsafe { tx_harness_isr_enter() };
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut held = [ptr::null_mut(); 2];
                    // SAFETY: the pool is created (deleted after the join);
                    // `held[0]` a local output.
                    let s = unsafe { nx_packet_allocate(pp.0, &mut held[0], 0, NX_NO_WAIT) };
                    assert!(s == NX_SUCCESS || s == NX_NO_PACKET, "ISR allocate: {s:#x}");
                    let t = port::now_ms();
                    // SAFETY: as above, into `held[1]`.
                    let s = unsafe { nx_packet_allocate(pp.0, &mut held[1], 0, 50) };
                    assert!(s == NX_SUCCESS || s == NX_NO_PACKET, "ISR allocate with a wait: {s:#x}");
                    assert!(port::now_ms() - t < 40, "an ISR's allocation waited");
                    for p in held {
                        if !p.is_null() {
                            isr_got.fetch_add(1, Ordering::Relaxed);
                            // SAFETY: a packet allocated just above, released once.
                            assert_eq!(unsafe { nx_packet_release(p) }, NX_SUCCESS);
                        }
                    }
                }));
                // SAFETY: paired with the enter above.
                unsafe { tx_harness_isr_exit() };
                if let Err(e) = r {
                    stop.store(true, Ordering::Relaxed);
                    std::panic::resume_unwind(e);
                }
                std::thread::yield_now();
            }
            stop.store(true, Ordering::Relaxed);
            0
        }));
    }
    let threads: u32 = ts.into_iter().map(|t| t.join().expect("no panic")).sum();
    assert!(threads > 0 && isr_got.load(Ordering::Relaxed) > 0);
    assert_eq!(pool.nx_packet_pool_available, 4);
    // SAFETY: created, no user left.
    assert_eq!(unsafe { nx_packet_pool_delete(&mut *pool) }, NX_SUCCESS);
}

