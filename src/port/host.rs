//! The host port: `std` threads, futex-based locks, the monotonic clock.
//!
//! Every type here may be moved while unlocked (Linux futex-based `std`
//! primitives hold no pointer to themselves).

use super::{StackArea, TICKS_PER_SECOND, WAIT_FOREVER};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Milliseconds per tick.
const MS_PER_TICK: u64 = 1000 / TICKS_PER_SECOND as u64;

/// True: this port runs a helper thread per IP instance.
pub const HAS_THREADS: bool = true;

/// A mutual-exclusion lock. Poisoning is ignored: a panic on another thread
/// never turns into a second panic here (panics are caught at the C boundary).
pub struct Lock<T>(Mutex<T>);

/// Held lock.
pub type Guard<'a, T> = MutexGuard<'a, T>;

/// A lock an ISR may take: on the host (no interrupts) a plain [`Lock`].
pub type IsrLock<T> = Lock<T>;
/// Held [`IsrLock`].
pub type IsrGuard<'a, T> = Guard<'a, T>;

impl<T> Lock<T> {
    /// A new, unlocked lock.
    pub const fn new(value: T) -> Self {
        Lock(Mutex::new(value))
    }
    /// Blocks until the lock is held.
    pub fn lock(&self) -> Guard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Takes the lock only if it is free.
    pub fn try_lock(&self) -> Option<Guard<'_, T>> {
        match self.0.try_lock() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

/// A point in time after which a wait gives up; `None` inside means forever.
#[derive(Clone, Copy, Debug)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// From a NetX `wait_option` in ticks (`NX_WAIT_FOREVER` = never).
    pub fn after_ticks(wait_option: u32) -> Self {
        if wait_option == WAIT_FOREVER {
            Deadline(None)
        } else {
            Deadline(Some(
                Instant::now() + Duration::from_millis(wait_option as u64 * MS_PER_TICK),
            ))
        }
    }
    /// After a number of milliseconds.
    pub fn after_ms(ms: u64) -> Self {
        Deadline(Some(Instant::now() + Duration::from_millis(ms)))
    }
    /// Never expires.
    pub const fn never() -> Self {
        Deadline(None)
    }
    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        matches!(self.0, Some(t) if Instant::now() >= t)
    }
    /// The earlier of two deadlines.
    pub fn min(self, other: Deadline) -> Deadline {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Deadline(Some(a.min(b))),
            (Some(a), None) | (None, Some(a)) => Deadline(Some(a)),
            (None, None) => Deadline(None),
        }
    }
    /// Ticks left, rounded up, as a NetX `wait_option` (`NX_WAIT_FOREVER` for never).
    pub fn remaining_ticks(&self) -> u32 {
        match self.remaining() {
            None => WAIT_FOREVER,
            Some(d) => {
                let t = (d.as_millis() as u64).div_ceil(MS_PER_TICK);
                t.min(WAIT_FOREVER as u64 - 1) as u32
            }
        }
    }
    fn remaining(&self) -> Option<Duration> {
        self.0.map(|t| t.saturating_duration_since(Instant::now()))
    }
}

/// Wait-with-timeout / notify, paired with a [`Lock`].
pub struct Signal(Condvar);

impl Signal {
    /// A new signal with no waiters.
    pub const fn new() -> Self {
        Signal(Condvar::new())
    }
    /// Releases the guard, waits for a notification or the deadline, and
    /// takes the lock again. Returns the guard and whether the deadline passed.
    /// Spurious wake-ups happen: callers re-check their condition.
    pub fn wait_until<'a, T>(&self, guard: Guard<'a, T>, deadline: Deadline) -> (Guard<'a, T>, bool) {
        match deadline.remaining() {
            None => (self.0.wait(guard).unwrap_or_else(|e| e.into_inner()), false),
            Some(d) if d.is_zero() => (guard, true),
            Some(d) => {
                let (g, r) = self.0.wait_timeout(guard, d).unwrap_or_else(|e| e.into_inner());
                (g, r.timed_out() || deadline.expired())
            }
        }
    }
    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.0.notify_one();
    }
}

impl Default for Signal {
    fn default() -> Self {
        Self::new()
    }
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Milliseconds since the stack's clock started (first use in the process).
pub fn now_ms() -> u64 {
    epoch().elapsed().as_millis() as u64
}

/// NetX ticks (10 ms) since the clock started; wraps like `tx_time_get`.
pub fn ticks() -> u32 {
    (now_ms() / MS_PER_TICK) as u32
}

/// 64 unpredictable bits (seeded by the OS once per process): for TCP
/// initial sequence numbers and the first ephemeral port, so that a program
/// restarted at once does not reuse the previous run's port and sequence
/// space (a peer still in TIME_WAIT would answer the new SYN with an ACK
/// for the old connection, costing a one-second retransmission).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(now_ms());
    h.finish()
}

/// Sleeps the calling thread for a number of ticks.
pub fn sleep_ticks(ticks: u32) {
    std::thread::sleep(Duration::from_millis(ticks as u64 * MS_PER_TICK));
}

/// A helper thread of the stack (an IP instance's thread, a driver's reader).
pub struct Thread(std::thread::JoinHandle<()>);

/// Starts a named helper thread. `None` if the OS refuses.
pub fn spawn<F: FnOnce() + Send + 'static>(name: &str, f: F) -> Option<Thread> {
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(256 * 1024)
        .spawn(f)
        .ok()
        .map(Thread)
}

/// Storage for a helper thread started by [`spawn_in`] (nothing on the host:
/// the OS keeps the thread).
#[derive(Default)]
pub struct ThreadSlot {
    _private: (),
}

impl ThreadSlot {
    /// Empty storage.
    pub const fn new() -> Self {
        ThreadSlot { _private: () }
    }
}

/// Starts `entry(arg)` on a helper thread. The host ignores `stack` and
/// `priority` (the OS gives a 256 KiB stack); see the ThreadX port for their
/// meaning. `None` if the OS refuses.
///
/// # Safety
/// `slot` must stay where it is until [`Thread::join`] returns (other ports
/// keep the thread's control block there); `arg` must be valid for `entry`
/// on another thread for as long as it runs.
pub unsafe fn spawn_in(
    _slot: *mut ThreadSlot,
    name: &'static core::ffi::CStr,
    _stack: StackArea,
    _priority: u32,
    entry: fn(usize),
    arg: usize,
) -> Option<Thread> {
    std::thread::Builder::new()
        .name(name.to_string_lossy().into_owned())
        .stack_size(256 * 1024)
        .spawn(move || entry(arg))
        .ok()
        .map(Thread)
}

/// Bytes [`host_area`] is asked for when `nx_ip_create`'s area is too small
/// (NetX programs give it the IP thread's stack, often 2 KiB): 1 MiB, room
/// for the instance's fixed part and about seven sockets with the host's
/// largest buffers.
pub const HOST_AREA_BYTES: usize = 1 << 20;

/// Memory for an IP instance from the heap (host only: the embedded ports
/// return `None`). Zeroed, 16-byte aligned; give it back with
/// [`host_area_free`] with the same size. `None` if the heap refuses.
pub fn host_area(bytes: usize) -> Option<*mut u8> {
    let layout = std::alloc::Layout::from_size_align(bytes, 16).ok()?;
    if bytes == 0 {
        return None;
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    (!p.is_null()).then_some(p)
}

/// Gives back memory from [`host_area`].
///
/// # Safety
/// `ptr`/`bytes` come from one [`host_area`] call, and nothing uses the
/// memory any more.
pub unsafe fn host_area_free(ptr: *mut u8, bytes: usize) {
    // SAFETY: `bytes` and 16 are the size and alignment `host_area` built
    // a valid Layout from (the caller's contract: the same `bytes`).
    let layout = unsafe { std::alloc::Layout::from_size_align_unchecked(bytes, 16) };
    // SAFETY: the caller's contract: `ptr` came from `host_area` with this
    // layout and nothing uses the memory any more.
    unsafe { std::alloc::dealloc(ptr, layout) }
}

/// Bare metal only; the host's helper threads make progress on their own.
pub fn set_idle_hook(_hook: Option<fn()>) {}

/// A number that names the calling thread while it runs (never 0): the
/// address of a thread-local.
pub fn current_thread_id() -> usize {
    std::thread_local!(static ME: u8 = const { 0 });
    ME.with(|m| m as *const u8 as usize)
}

impl Thread {
    /// Waits for the thread to end.
    pub fn join(self) {
        let _ = self.0.join();
    }
    /// True when called on this thread itself.
    pub fn is_current(&self) -> bool {
        self.0.thread().id() == std::thread::current().id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_times_out_after_about_the_deadline() {
        let l = Lock::new(0u32);
        let s = Signal::new();
        let start = now_ms();
        let (g, timed_out) = s.wait_until(l.lock(), Deadline::after_ticks(5));
        drop(g);
        assert!(timed_out);
        assert!(now_ms() - start >= 45);
    }

    #[test]
    fn no_wait_deadline_is_already_expired() {
        let l = Lock::new(());
        let s = Signal::new();
        let (_g, timed_out) = s.wait_until(l.lock(), Deadline::after_ticks(0));
        assert!(timed_out);
    }
}
