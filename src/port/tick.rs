//! Time for the embedded ports: a 32-bit tick counter (ThreadX's
//! `tx_time_get`, or the bare-metal application's `nx_port_ticks_get`)
//! extended to 64 bits, and [`Deadline`]s in ticks.

use super::WAIT_FOREVER;
use core::sync::atomic::{AtomicU32, Ordering};

/// The 64-bit tick count at the last reading, as two halves (Cortex-M4 has
/// no 64-bit atomics). Its low half is always the last raw reading. Updated
/// inside the port's critical section only.
static HI: AtomicU32 = AtomicU32::new(0);
static LO: AtomicU32 = AtomicU32::new(0);

/// Extends a raw 32-bit tick reading to 64 bits. Correct as long as the
/// clock is read at least once per 2^31 ticks (248 days at 100 Hz): every
/// wait, timer and `now_ms` reads it.
pub(super) fn extend(raw: u32) -> u64 {
    super::critical(|| {
        let total = ((HI.load(Ordering::Relaxed) as u64) << 32) | LO.load(Ordering::Relaxed) as u64;
        let d = raw.wrapping_sub(total as u32);
        if d > u32::MAX / 2 {
            // Older than the last reading (another context read the clock
            // between our reading and this critical section): time does
            // not go back.
            return total;
        }
        let total = total + d as u64;
        HI.store((total >> 32) as u32, Ordering::Relaxed);
        LO.store(total as u32, Ordering::Relaxed);
        total
    })
}

/// Ticks since the clock started, 64-bit.
pub(super) fn now_ticks() -> u64 {
    extend(super::raw_ticks())
}

/// Milliseconds to ticks, rounded up.
pub(super) fn ms_to_ticks(ms: u64) -> u64 {
    let rate = super::ticks_per_second() as u64;
    (ms.saturating_mul(rate)).div_ceil(1000)
}

/// Ticks to milliseconds, rounded down.
pub(super) fn ticks_to_ms(t: u64) -> u64 {
    let rate = (super::ticks_per_second() as u64).max(1);
    (t / rate) * 1000 + (t % rate) * 1000 / rate
}

/// A point in time after which a wait gives up; `None` inside means forever.
/// In ticks of the port's clock.
#[derive(Clone, Copy, Debug)]
pub struct Deadline(Option<u64>);

impl Deadline {
    /// From a NetX `wait_option` in ticks (`NX_WAIT_FOREVER` = never).
    pub fn after_ticks(wait_option: u32) -> Self {
        if wait_option == WAIT_FOREVER {
            Deadline(None)
        } else {
            Deadline(Some(now_ticks() + wait_option as u64))
        }
    }
    /// After a number of milliseconds (rounded up to whole ticks).
    pub fn after_ms(ms: u64) -> Self {
        Deadline(Some(now_ticks().saturating_add(ms_to_ticks(ms))))
    }
    /// Never expires.
    pub const fn never() -> Self {
        Deadline(None)
    }
    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        matches!(self.0, Some(t) if now_ticks() >= t)
    }
    /// The earlier of two deadlines.
    pub fn min(self, other: Deadline) -> Deadline {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Deadline(Some(a.min(b))),
            (Some(a), None) | (None, Some(a)) => Deadline(Some(a)),
            (None, None) => Deadline(None),
        }
    }
    /// Ticks left as a NetX `wait_option` (`NX_WAIT_FOREVER` for never, 0
    /// once expired).
    pub fn remaining_ticks(&self) -> u32 {
        match self.0 {
            None => WAIT_FOREVER,
            Some(t) => t.saturating_sub(now_ticks()).min(WAIT_FOREVER as u64 - 1) as u32,
        }
    }
}

/// Milliseconds since the clock started.
pub fn now_ms() -> u64 {
    ticks_to_ms(now_ticks())
}

/// 64 bits for TCP initial sequence numbers and the first ephemeral port.
/// Embedded targets have no OS entropy: this mixes the tick clock, a counter
/// and the address of a stack slot through SplitMix64, so it differs from
/// boot to boot only as much as the boot timing does.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u64;
    let local = 0u8;
    let addr = &local as *const u8 as usize as u64;
    let mut z = now_ticks() ^ (n << 40) ^ addr.rotate_left(17) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Tests: restart the 64-bit clock at a raw reading (a fake clock may go back).
#[cfg(all(test, feature = "port-baremetal"))]
pub(super) fn restart_at(raw: u32) {
    HI.store(0, Ordering::SeqCst);
    LO.store(raw, Ordering::SeqCst);
}
