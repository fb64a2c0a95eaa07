//! The bare-metal port: no RTOS, one thread of execution plus interrupt
//! handlers.
//!
//! - No helper thread ([`spawn_in`] returns `None`). A blocking call drives
//!   the stack itself: [`Signal::wait_until`] releases the lock, runs the
//!   idle hook netx registers with [`set_idle_hook`] (poll the drivers, the
//!   deferred queues, smoltcp, the timers), takes the lock again and
//!   returns; the caller re-checks its condition and waits again until it
//!   holds or the deadline passes.
//! - Locks are critical sections: interrupts are masked while any lock is
//!   held (PRIMASK on Cortex-M), so an ISR may take any lock (a driver
//!   calling `_nx_ip_driver_deferred_receive` or allocating a packet).
//!   A lock found already held is a re-entrant call (a bug): it panics.
//! - The clock is the application's `ULONG nx_port_ticks_get(VOID)`, a
//!   counter at [`TICKS_PER_SECOND`] (100 Hz) that wraps at 2^32, e.g.
//!   incremented by the SysTick handler. Without it the program does not
//!   link (undefined `nx_port_ticks_get`).
//!
//! On a hosted target (the host build of this port: tests and a
//! single-threaded `pop3_fetch`) there are no interrupts and a critical
//! section masks nothing.

use super::{Deadline, Relock, StackArea, TICKS_PER_SECOND};
use core::cell::UnsafeCell;
use core::ffi::CStr;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

/// False: no helper threads; blocking calls run the idle hook.
pub const HAS_THREADS: bool = false;

extern "C" {
    /// Application hook: `ULONG nx_port_ticks_get(VOID)`.
    fn nx_port_ticks_get() -> u32;
}

// ---------------------------------------------------------------- critical sections

#[cfg(all(target_arch = "arm", target_os = "none"))]
mod irq {
    use core::arch::asm;
    /// Masks interrupts; returns the previous PRIMASK.
    pub fn disable() -> u32 {
        let primask: u32;
        // SAFETY: reads PRIMASK and sets it; no memory is touched, but
        // the asm is a compiler barrier (no `nomem`).
        unsafe { asm!("mrs {}, PRIMASK", "cpsid i", out(reg) primask, options(nostack, preserves_flags)) };
        primask
    }
    /// Unmasks interrupts if they were unmasked before `disable`.
    pub fn restore(primask: u32) {
        if primask & 1 == 0 {
            // SAFETY: re-enables interrupts; compiler barrier as above.
            unsafe { asm!("cpsie i", options(nostack, preserves_flags)) };
        }
    }
}

#[cfg(all(not(target_os = "none"), not(all(target_arch = "arm", target_os = "none"))))]
mod irq {
    /// A hosted target has no interrupts to mask.
    pub fn disable() -> u32 {
        0
    }
    pub fn restore(_: u32) {}
}

#[cfg(all(target_os = "none", not(target_arch = "arm")))]
mod irq {
    extern "C" {
        /// Application hooks on bare-metal targets other than Cortex-M:
        /// `UINT nx_port_interrupt_disable(VOID)` masks interrupts and
        /// returns the previous state; `VOID nx_port_interrupt_restore(UINT)`
        /// restores it.
        fn nx_port_interrupt_disable() -> u32;
        fn nx_port_interrupt_restore(state: u32);
    }
    pub fn disable() -> u32 {
        // SAFETY: application hook.
        unsafe { nx_port_interrupt_disable() }
    }
    pub fn restore(state: u32) {
        // SAFETY: application hook.
        unsafe { nx_port_interrupt_restore(state) }
    }
}

static CS_DEPTH: AtomicU32 = AtomicU32::new(0);
static CS_SAVED: AtomicU32 = AtomicU32::new(0);

/// Masks interrupts; nests, and sections may end in any order (the state is
/// restored when the last ends).
fn cs_enter() {
    let old = irq::disable();
    let depth = CS_DEPTH.load(Ordering::Relaxed);
    if depth == 0 {
        CS_SAVED.store(old, Ordering::Relaxed);
    }
    CS_DEPTH.store(depth + 1, Ordering::Relaxed);
}

fn cs_exit() {
    let depth = CS_DEPTH.load(Ordering::Relaxed).saturating_sub(1);
    CS_DEPTH.store(depth, Ordering::Relaxed);
    if depth == 0 {
        irq::restore(CS_SAVED.load(Ordering::Relaxed));
    }
}

/// Runs `f` with interrupts masked.
pub(super) fn critical<R>(f: impl FnOnce() -> R) -> R {
    cs_enter();
    let r = f();
    cs_exit();
    r
}

// ---------------------------------------------------------------- Lock

/// A lock: a critical section (interrupts masked) while held. Not
/// re-entrant: locking a held lock panics.
pub struct Lock<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: one thread of execution; interrupts are masked while the value is
// accessed, so an ISR never sees it half-changed.
unsafe impl<T: Send> Sync for Lock<T> {}

/// Held lock.
pub struct Guard<'a, T> {
    lock: &'a Lock<T>,
    _not_send: PhantomData<*const ()>,
}

/// Every lock here is ISR-safe.
pub type IsrLock<T> = Lock<T>;
/// Held [`IsrLock`].
pub type IsrGuard<'a, T> = Guard<'a, T>;

impl<T> Lock<T> {
    /// A new, unlocked lock.
    pub const fn new(value: T) -> Self {
        Lock { held: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }
    /// Masks interrupts and takes the lock; panics if it is held (a
    /// re-entrant call: nothing else could release it).
    pub fn lock(&self) -> Guard<'_, T> {
        match self.try_lock() {
            Some(g) => g,
            None => panic!("port: a lock taken twice (re-entrant call, or a wait inside a callback)"),
        }
    }
    /// `None` instead of a panic when the lock is held.
    pub fn try_lock(&self) -> Option<Guard<'_, T>> {
        cs_enter();
        if self.held.swap(true, Ordering::Acquire) {
            cs_exit();
            return None;
        }
        Some(Guard { lock: self, _not_send: PhantomData })
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::Release);
        cs_exit();
    }
}

super::guard::guard_impls!(Guard, Lock);

// ---------------------------------------------------------------- idle hook

/// The registered idle hook (a `fn()` as an address; 0 = none).
static IDLE_HOOK: AtomicUsize = AtomicUsize::new(0);
/// True while the idle hook runs (a wait inside it does not run it again).
static IN_IDLE: AtomicBool = AtomicBool::new(false);

/// Registers (or with `None` removes) the function a blocking wait runs to
/// make progress: poll the drivers and deferred queues, run smoltcp and the
/// timers. It must not block; it runs with no lock held (take what it needs).
pub fn set_idle_hook(hook: Option<fn()>) {
    IDLE_HOOK.store(hook.map_or(0, |f| f as usize), Ordering::Release);
}

/// Runs the idle hook once (not from inside itself).
fn run_idle() {
    if IN_IDLE.swap(true, Ordering::Acquire) {
        core::hint::spin_loop();
        return;
    }
    let h = IDLE_HOOK.load(Ordering::Acquire);
    if h != 0 {
        // SAFETY: `h` was stored from a `fn()` by set_idle_hook.
        let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(h) };
        f();
    } else {
        core::hint::spin_loop();
    }
    IN_IDLE.store(false, Ordering::Release);
}

// ---------------------------------------------------------------- Signal

/// Wait / notify without threads: a wait drives the stack once.
pub struct Signal {
    _private: (),
}

impl Signal {
    /// A new signal.
    pub const fn new() -> Self {
        Signal { _private: () }
    }

    /// Releases the guard, runs the idle hook once, takes the lock again.
    /// Returns the guard and whether the deadline passed. Always returns
    /// soon: the caller re-checks its condition and waits again.
    pub fn wait_until<'a, G: Relock<'a>>(&self, guard: G, deadline: Deadline) -> (G, bool) {
        if deadline.expired() {
            return (guard, true);
        }
        let lock = guard.unlock();
        run_idle();
        let guard = G::relock(lock);
        (guard, deadline.expired())
    }

    /// Nothing to wake: waiters re-check after each idle round.
    pub fn notify_all(&self) {}

    /// Nothing to wake: waiters re-check after each idle round.
    pub fn notify_one(&self) {}
}

impl Default for Signal {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------- clock

pub(super) fn raw_ticks() -> u32 {
    // SAFETY: application hook, no arguments.
    unsafe { nx_port_ticks_get() }
}

pub(super) fn ticks_per_second() -> u32 {
    TICKS_PER_SECOND
}

pub use super::tick::{now_ms, random_u64};

/// NetX ticks (10 ms): the application's counter.
pub fn ticks() -> u32 {
    raw_ticks()
}

/// Waits a number of ticks, running the idle hook meanwhile.
pub fn sleep_ticks(ticks: u32) {
    let d = Deadline::after_ticks(ticks);
    while !d.expired() {
        run_idle();
    }
}

// ---------------------------------------------------------------- threads

/// Storage for a helper thread (none on bare metal).
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

/// A helper thread: never exists on bare metal.
pub struct Thread {
    never: core::convert::Infallible,
}

/// No threads on bare metal: always `None`.
///
/// # Safety
/// None needed here; `unsafe` for the same signature as the other ports.
pub unsafe fn spawn_in(
    _slot: *mut ThreadSlot,
    _name: &'static CStr,
    _stack: StackArea,
    _priority: u32,
    _entry: fn(usize),
    _arg: usize,
) -> Option<Thread> {
    None
}

/// The one thread of execution (interrupt handlers aside, which never ask):
/// always 1.
pub fn current_thread_id() -> usize {
    1
}

/// No threads on bare metal: always `None`.
pub fn spawn<F: FnOnce() + Send + 'static>(_name: &str, _f: F) -> Option<Thread> {
    None
}

impl Thread {
    /// Cannot be called (no thread exists).
    pub fn join(self) {
        match self.never {}
    }
    /// Cannot be called (no thread exists).
    pub fn is_current(&self) -> bool {
        match self.never {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The fake clock behind `nx_port_ticks_get` in these tests.
    static FAKE_TICKS: AtomicU32 = AtomicU32::new(0);
    /// The tests share the clock and the hook: one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    #[no_mangle]
    extern "C" fn nx_port_ticks_get() -> u32 {
        FAKE_TICKS.load(Ordering::SeqCst)
    }

    static HOOK_CALLS: AtomicU32 = AtomicU32::new(0);
    static READY_AFTER: AtomicU32 = AtomicU32::new(u32::MAX);
    static READY: Lock<bool> = Lock::new(false);
    static SIG: Signal = Signal::new();

    /// A stack that needs 1 tick per poll and becomes ready after READY_AFTER polls.
    fn fake_stack_poll() {
        let n = HOOK_CALLS.fetch_add(1, Ordering::SeqCst) + 1;
        FAKE_TICKS.fetch_add(1, Ordering::SeqCst);
        if n >= READY_AFTER.load(Ordering::SeqCst) {
            *READY.lock() = true;
            SIG.notify_all();
        }
    }

    fn setup(ready_after: u32, start: u32) -> std::sync::MutexGuard<'static, ()> {
        let g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        FAKE_TICKS.store(start, Ordering::SeqCst);
        super::super::tick::restart_at(start);
        HOOK_CALLS.store(0, Ordering::SeqCst);
        READY_AFTER.store(ready_after, Ordering::SeqCst);
        *READY.lock() = false;
        set_idle_hook(Some(fake_stack_poll));
        g
    }

    /// What a blocking NetX call does: wait for READY or the deadline.
    fn wait_ready(wait_option: u32) -> bool {
        let deadline = Deadline::after_ticks(wait_option);
        let mut g = READY.lock();
        while !*g {
            let (g2, timed_out) = SIG.wait_until(g, deadline);
            g = g2;
            if timed_out {
                return *g;
            }
        }
        true
    }

    #[test]
    fn a_wait_drives_the_stack_until_its_condition() {
        let _s = setup(3, 1000);
        assert!(wait_ready(100));
        assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 3);
        assert_eq!(ticks(), 1003);
    }

    #[test]
    fn a_wait_drives_the_stack_until_its_deadline() {
        let _s = setup(u32::MAX, 50);
        assert!(!wait_ready(5));
        assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 5);
        // NX_NO_WAIT: no poll at all.
        assert!(!wait_ready(0));
        assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 5);
    }

    #[test]
    fn sleep_runs_the_hook_for_the_ticks() {
        let _s = setup(u32::MAX, 7);
        sleep_ticks(4);
        assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_wait_inside_the_hook_does_not_run_it_again() {
        static INNER: AtomicU32 = AtomicU32::new(0);
        fn nested_hook() {
            INNER.fetch_add(1, Ordering::SeqCst);
            FAKE_TICKS.fetch_add(1, Ordering::SeqCst);
            // A (forbidden) wait from a callback: must not recurse.
            let l = Lock::new(());
            let (_g, _) = Signal::new().wait_until(l.lock(), Deadline::after_ticks(1));
        }
        let _s = setup(u32::MAX, 0);
        INNER.store(0, Ordering::SeqCst);
        set_idle_hook(Some(nested_hook));
        sleep_ticks(3);
        assert_eq!(INNER.load(Ordering::SeqCst), 3);
        set_idle_hook(None);
    }

    #[test]
    fn the_clock_is_monotonic_across_the_counter_wrap() {
        let _s = setup(u32::MAX, u32::MAX - 1);
        let before = now_ms();
        FAKE_TICKS.store(2, Ordering::SeqCst);
        let after = now_ms();
        assert_eq!(after - before, 40); // MAX-1 -> 2 is 4 ticks
        let d = Deadline::after_ticks(10);
        FAKE_TICKS.store(11, Ordering::SeqCst);
        assert!(!d.expired());
        assert_eq!(d.remaining_ticks(), 1);
        FAKE_TICKS.store(12, Ordering::SeqCst);
        assert!(d.expired());
        assert_eq!(d.remaining_ticks(), 0);
        assert_eq!(Deadline::never().remaining_ticks(), super::super::WAIT_FOREVER);
    }

    #[test]
    fn a_lock_taken_twice_is_refused() {
        let _s = setup(u32::MAX, 0);
        let l = Lock::new(3u8);
        let g = l.lock();
        assert!(l.try_lock().is_none());
        drop(g);
        assert_eq!(*l.try_lock().unwrap(), 3);
        assert_eq!(CS_DEPTH.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn there_are_no_threads() {
        let mut slot = ThreadSlot::new();
        let mut stack = [0u8; 2048];
        let area = StackArea { ptr: stack.as_mut_ptr(), size: stack.len() };
        // SAFETY: returns None without touching anything.
        assert!(unsafe { spawn_in(&mut slot, c"x", area, 1, |_| {}, 0) }.is_none());
        assert!(spawn("x", || {}).is_none());
    }
}
