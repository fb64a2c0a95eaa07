//! The ThreadX port: locks and waits on ThreadX event flags, `tx_time_get`,
//! `tx_thread_create` on the caller's stack and priority.
//!
//! Compact by design: a [`Lock`] is three words plus its value and a
//! [`Signal`] one word, so they fit the private areas of NetX control blocks
//! (a `TX_MUTEX` is 52 to 76 bytes). Both block on ONE event flags group the
//! port creates on first use (a static, never deleted): each blocked thread
//! claims one of its 32 flags and waits for it; a release or notify sets the
//! flags its waiters claimed (ThreadX wakes every suspended thread the set
//! satisfies). A 33rd simultaneously blocked thread polls once a tick
//! instead. Like NetX's own `nx_ip_protection` mutex (`TX_NO_INHERIT`),
//! locks do not inherit priority; they are never held across a wait.
//!
//! The ThreadX services are reached through the small C file
//! `src/port/nx_port_threadx.c` the application compiles with its own
//! `tx_api.h`: real ThreadX defines every service as a macro
//! (`tx_event_flags_create` becomes `_txe_event_flags_create(...,
//! sizeof(TX_EVENT_FLAGS_GROUP))` with error checking, `_tx_...` without),
//! and the sizes of its control blocks depend on the application's
//! `tx_user.h` and `tx_port.h`. The C file checks at compile time that each
//! control block fits the storage reserved here (`NX_PORT_TX_*_WORDS`, kept
//! equal to the constants below by a unit test).

use super::{Deadline, Relock, StackArea, MIN_STACK_BYTES};
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void, CStr};
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, AtomicUsize, Ordering};

/// Words reserved for a `TX_EVENT_FLAGS_GROUP` (40 bytes, 56 with
/// performance information).
pub const TX_FLAGS_WORDS: usize = 20;
/// Words reserved for a `TX_THREAD` (42 words in ThreadX's default
/// configuration on Cortex-M, about 64 with every option and execution
/// profiling; the rest is room for `TX_THREAD_USER_EXTENSION`).
pub const TX_THREAD_WORDS: usize = 96;

const TX_SUCCESS: u32 = 0x00;
const TX_WAIT_ERROR: u32 = 0x04;
const TX_WAIT_FOREVER: u32 = 0xFFFF_FFFF;



/// True: this port runs a helper thread per IP instance.
pub const HAS_THREADS: bool = true;

// The services of src/port/nx_port_threadx.c (compiled by the application
// with its tx_api.h). UINT and ULONG are 32 bits on every ThreadX target.
extern "C" {
    fn nx_port_tx_flags_create(group: *mut c_void) -> u32;
    fn nx_port_tx_flags_get(group: *mut c_void, requested: u32, wait_option: u32) -> u32;
    fn nx_port_tx_flags_set(group: *mut c_void, flags: u32, and_mask: u32) -> u32;
    fn nx_port_tx_thread_create(
        thread: *mut c_void,
        name: *const c_char,
        entry: extern "C" fn(u32),
        stack: *mut c_void,
        stack_size: u32,
        priority: u32,
    ) -> u32;
    fn nx_port_tx_thread_terminate(thread: *mut c_void) -> u32;
    fn nx_port_tx_thread_delete(thread: *mut c_void) -> u32;
    fn nx_port_tx_thread_identify() -> *mut c_void;
    fn nx_port_tx_thread_sleep(ticks: u32) -> u32;
    fn nx_port_tx_time_get() -> u32;
    fn nx_port_tx_interrupt_disable() -> u32;
    fn nx_port_tx_interrupt_restore(posture: u32);
    fn nx_port_tx_ticks_per_second() -> u32;
}

// ---------------------------------------------------------------- storage

/// Opaque, suitably aligned room for a ThreadX control block.
#[repr(C, align(8))]
struct TxStorage<const W: usize>(UnsafeCell<[MaybeUninit<usize>; W]>);

impl<const W: usize> TxStorage<W> {
    const fn new() -> Self {
        TxStorage(UnsafeCell::new([MaybeUninit::uninit(); W]))
    }
    fn ptr(&self) -> *mut c_void {
        self.0.get() as *mut c_void
    }
}

const UNINIT: u8 = 0;
const CREATING: u8 = 1;
const READY: u8 = 2;

/// A ThreadX object created in place on first use.
#[repr(C)]
struct TxObject<const W: usize> {
    mem: TxStorage<W>,
    state: AtomicU8,
    /// Where the object was created: ThreadX links created objects into a
    /// list, so it must not move afterwards.
    home: AtomicUsize,
}

// SAFETY: the storage is handed to ThreadX once (under the CREATING state)
// and only ever used through ThreadX services, which any thread may call.
unsafe impl<const W: usize> Sync for TxObject<W> {}

impl<const W: usize> TxObject<W> {
    const fn new() -> Self {
        TxObject { mem: TxStorage::new(), state: AtomicU8::new(UNINIT), home: AtomicUsize::new(0) }
    }

    /// The object, created now if needed.
    fn ensure(&self, create: unsafe extern "C" fn(*mut c_void) -> u32) -> *mut c_void {
        let p = self.mem.ptr();
        loop {
            match self.state.load(Ordering::Acquire) {
                READY => {
                    if self.home.load(Ordering::Relaxed) != p as usize {
                        panic!("port: a ThreadX lock or signal moved after its first use");
                    }
                    return p;
                }
                UNINIT => {
                    if self
                        .state
                        .compare_exchange(UNINIT, CREATING, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        // SAFETY: `p` is our storage, large and aligned enough
                        // for the control block (checked by the C file), and
                        // nobody else uses it while we are CREATING.
                        let status = unsafe { create(p) };
                        if status != TX_SUCCESS {
                            self.state.store(UNINIT, Ordering::Release);
                            panic!("port: creating a ThreadX object failed");
                        }
                        self.home.store(p as usize, Ordering::Relaxed);
                        self.state.store(READY, Ordering::Release);
                        return p;
                    }
                }
                // Another thread is creating it: give it the CPU whatever
                // its priority (a relinquish would not let a lower one run).
                // SAFETY: plain ThreadX service.
                _ => unsafe {
                    nx_port_tx_thread_sleep(1);
                },
            }
        }
    }

    /// The object if it was created (and has not moved).
    fn get(&self) -> Option<*mut c_void> {
        if self.state.load(Ordering::Acquire) == READY && self.home.load(Ordering::Relaxed) == self.mem.ptr() as usize {
            Some(self.mem.ptr())
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------- critical sections

static CS_DEPTH: AtomicU32 = AtomicU32::new(0);
static CS_SAVED: AtomicU32 = AtomicU32::new(0);

/// Masks interrupts (`tx_interrupt_control(TX_INT_DISABLE)`); nests, and the
/// sections may end in any order (the posture is restored when the last
/// ends). Single core: nothing else runs until it ends.
fn cs_enter() {
    // SAFETY: plain ThreadX service.
    let old = unsafe { nx_port_tx_interrupt_disable() };
    let depth = CS_DEPTH.load(Ordering::Relaxed);
    if depth == 0 {
        CS_SAVED.store(old, Ordering::Relaxed);
    }
    CS_DEPTH.store(depth + 1, Ordering::Relaxed);
}

fn cs_exit() {
    let depth = CS_DEPTH.load(Ordering::Relaxed) - 1;
    CS_DEPTH.store(depth, Ordering::Relaxed);
    if depth == 0 {
        // SAFETY: plain ThreadX service; restores the posture cs_enter saw.
        unsafe { nx_port_tx_interrupt_restore(CS_SAVED.load(Ordering::Relaxed)) };
    }
}

/// Runs `f` with interrupts masked.
pub(super) fn critical<R>(f: impl FnOnce() -> R) -> R {
    cs_enter();
    let r = f();
    cs_exit();
    r
}

// ---------------------------------------------------------------- wake flags

/// The event flags group every blocked thread waits on.
static WAKE: TxObject<TX_FLAGS_WORDS> = TxObject::new();
/// Flags of [`WAKE`] claimed by blocked threads.
static WAKE_CLAIMED: AtomicU32 = AtomicU32::new(0);

/// Claims a free flag of the wake group (0 when all 32 are taken).
fn claim_flag() -> u32 {
    loop {
        let m = WAKE_CLAIMED.load(Ordering::Relaxed);
        if m == u32::MAX {
            return 0;
        }
        let b = 1u32 << (!m).trailing_zeros();
        if WAKE_CLAIMED.compare_exchange(m, m | b, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
            return b;
        }
    }
}

/// Gives a flag back, cleared: a waker that read the claim before it was
/// dropped may still set it, which costs the next owner one spurious wake.
fn release_flag(group: *mut c_void, bit: u32) {
    // SAFETY: `group` is the created wake group.
    unsafe { nx_port_tx_flags_set(group, !bit, 1) };
    WAKE_CLAIMED.fetch_and(!bit, Ordering::Release);
}

/// Blocks until `bit` is set or `ticks` pass (`bit` 0: sleeps one tick).
/// Returns the ThreadX status.
fn block(group: *mut c_void, bit: u32, ticks: u32) -> u32 {
    if bit == 0 {
        // SAFETY: a plain ThreadX service on the calling thread.
        unsafe { nx_port_tx_thread_sleep(1) }
    } else {
        // SAFETY: a plain ThreadX service on a created group.
        unsafe { nx_port_tx_flags_get(group, bit, ticks) }
    }
}

/// Sets the flags in `claimed` (wakes the threads that claimed them).
fn wake(claimed: &AtomicU32) {
    let m = claimed.load(Ordering::SeqCst);
    if m != 0 {
        if let Some(group) = WAKE.get() {
            // SAFETY: created group; tx_event_flags_set may be called from ISRs.
            unsafe { nx_port_tx_flags_set(group, m, 0) };
        }
    }
}

fn current_thread() -> usize {
    // SAFETY: plain ThreadX service.
    unsafe { nx_port_tx_thread_identify() as usize }
}

/// A number that names the calling thread while it runs: its `TX_THREAD`
/// (`tx_thread_identify`); 0 outside a thread (initialization; in an ISR
/// ThreadX names the interrupted thread, but nothing here asks from one).
pub fn current_thread_id() -> usize {
    current_thread()
}

// ---------------------------------------------------------------- Lock

const FREE: u32 = 0;
const HELD: u32 = 1;
/// Held, and a thread may be blocked waiting for it.
const CONTENDED: u32 = 2;

/// A mutual-exclusion lock (three words plus the value). Uncontended, one
/// atomic operation each way; contended, the waiter blocks on the wake
/// group. Not re-entrant: a thread locking a lock it holds panics. Never
/// from an ISR (see [`IsrLock`]). May be moved while unlocked.
pub struct Lock<T> {
    state: AtomicU32,
    /// Wake flags claimed by threads blocked on this lock.
    waiters: AtomicU32,
    /// The holding thread (`tx_thread_identify`), to catch re-entry.
    owner: AtomicUsize,
    value: UnsafeCell<T>,
}

// SAFETY: the lock gives one thread at a time access to the value.
unsafe impl<T: Send> Sync for Lock<T> {}

/// Held lock. Released on drop.
pub struct Guard<'a, T> {
    lock: &'a Lock<T>,
    _not_send: PhantomData<*const ()>,
}

impl<T> Lock<T> {
    /// A new, unlocked lock.
    pub const fn new(value: T) -> Self {
        Lock {
            state: AtomicU32::new(FREE),
            waiters: AtomicU32::new(0),
            owner: AtomicUsize::new(0),
            value: UnsafeCell::new(value),
        }
    }

    fn guard(&self) -> Guard<'_, T> {
        self.owner.store(current_thread(), Ordering::Relaxed);
        Guard { lock: self, _not_send: PhantomData }
    }

    /// Blocks until the lock is held.
    pub fn lock(&self) -> Guard<'_, T> {
        if self.state.compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed).is_ok() {
            return self.guard();
        }
        let me = current_thread();
        if me != 0 && self.owner.load(Ordering::Relaxed) == me {
            panic!("port: a lock taken twice by one thread");
        }
        let group = WAKE.ensure(nx_port_tx_flags_create);
        let bit = claim_flag();
        self.waiters.fetch_or(bit, Ordering::SeqCst);
        // Drepper's mutex: mark it contended; whoever releases it then
        // wakes the claimed flags (ours included: claimed before the swap).
        while self.state.swap(CONTENDED, Ordering::SeqCst) != FREE {
            if block(group, bit, TX_WAIT_FOREVER) == TX_WAIT_ERROR {
                // Outside a thread nothing can wait, and nothing else runs.
                self.waiters.fetch_and(!bit, Ordering::SeqCst);
                release_flag(group, bit);
                panic!("port: a held lock taken outside a thread (ISR?)");
            }
        }
        self.waiters.fetch_and(!bit, Ordering::SeqCst);
        if bit != 0 {
            release_flag(group, bit);
        }
        self.guard()
    }

    /// Takes the lock only if it is free.
    pub fn try_lock(&self) -> Option<Guard<'_, T>> {
        if self.state.compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed).is_ok() {
            Some(self.guard())
        } else {
            None
        }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.lock.owner.store(0, Ordering::Relaxed);
        if self.lock.state.swap(FREE, Ordering::SeqCst) == CONTENDED {
            wake(&self.lock.waiters);
        }
    }
}

// ---------------------------------------------------------------- IsrLock

/// A lock an ISR may take: interrupts masked while it is held (keep it
/// short; never wait, sleep or take a [`Lock`] inside). Not re-entrant.
pub struct IsrLock<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: interrupts are masked while the value is accessed (single core).
unsafe impl<T: Send> Sync for IsrLock<T> {}

/// Held [`IsrLock`].
pub struct IsrGuard<'a, T> {
    lock: &'a IsrLock<T>,
    _not_send: PhantomData<*const ()>,
}

impl<T> IsrLock<T> {
    /// A new, unlocked lock.
    pub const fn new(value: T) -> Self {
        IsrLock { held: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }
    /// Masks interrupts and takes the lock.
    pub fn lock(&self) -> IsrGuard<'_, T> {
        match self.try_lock() {
            Some(g) => g,
            None => panic!("port: an IsrLock taken twice"),
        }
    }
    /// The same as [`IsrLock::lock`] but `None` instead of a panic when the
    /// caller (or the code it interrupted) holds the lock.
    pub fn try_lock(&self) -> Option<IsrGuard<'_, T>> {
        cs_enter();
        if self.held.swap(true, Ordering::Acquire) {
            cs_exit();
            return None;
        }
        Some(IsrGuard { lock: self, _not_send: PhantomData })
    }
}

impl<T> Drop for IsrGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::Release);
        cs_exit();
    }
}

super::guard::guard_impls!(Guard, Lock);

super::guard::guard_impls!(IsrGuard, IsrLock);

// ---------------------------------------------------------------- Signal

/// Wait-with-timeout / notify (one word).
///
/// A waiter claims a wake flag and records it here while it still holds the
/// caller's lock, then waits for the flag; notify sets every recorded flag.
/// A notifier changes the waited-for state under the lock before it
/// notifies, so it sees every waiter that checked the state before the
/// change: no wake-up is lost, whether the waiter is already suspended or
/// between releasing the lock and suspending (its flag stays set).
pub struct Signal {
    claimed: AtomicU32,
}

impl Signal {
    /// A new signal with no waiters.
    pub const fn new() -> Self {
        Signal { claimed: AtomicU32::new(0) }
    }

    /// Releases the guard, waits for a notification or the deadline, and
    /// takes the lock again. Returns the guard and whether the deadline
    /// passed. Spurious wake-ups happen: callers re-check their condition.
    /// Outside a thread (ISR, timer, `tx_application_define`) it cannot
    /// wait: it returns at once, timed out.
    pub fn wait_until<'a, G: Relock<'a>>(&self, guard: G, deadline: Deadline) -> (G, bool) {
        let ticks = deadline.remaining_ticks();
        if ticks == 0 {
            return (guard, true);
        }
        let group = WAKE.ensure(nx_port_tx_flags_create);
        let bit = claim_flag();
        self.claimed.fetch_or(bit, Ordering::SeqCst);
        let lock = guard.unlock();
        let status = block(group, bit, ticks);
        self.claimed.fetch_and(!bit, Ordering::SeqCst);
        if bit != 0 {
            release_flag(group, bit);
        }
        let guard = G::relock(lock);
        let timed_out = status == TX_WAIT_ERROR || deadline.expired();
        (guard, timed_out)
    }

    /// Wakes every waiter. May be called from an ISR, with or without the lock.
    pub fn notify_all(&self) {
        wake(&self.claimed);
    }

    /// Wakes at least one waiter (here: every waiter; spurious wake-ups are
    /// part of the contract).
    pub fn notify_one(&self) {
        self.notify_all();
    }
}

impl Default for Signal {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------- clock

pub(super) fn raw_ticks() -> u32 {
    // SAFETY: plain ThreadX service.
    unsafe { nx_port_tx_time_get() }
}

pub(super) fn ticks_per_second() -> u32 {
    // SAFETY: returns a compile-time constant of the application's ThreadX.
    unsafe { nx_port_tx_ticks_per_second() }
}

pub use super::tick::{now_ms, random_u64};

/// ThreadX ticks (`tx_time_get`).
pub fn ticks() -> u32 {
    raw_ticks()
}

/// Sleeps the calling thread for a number of ticks (`tx_thread_sleep`).
/// Outside a thread it returns at once.
pub fn sleep_ticks(ticks: u32) {
    if ticks > 0 {
        // SAFETY: plain ThreadX service (TX_CALLER_ERROR outside a thread).
        unsafe { nx_port_tx_thread_sleep(ticks) };
    }
}

/// Bare metal only; ThreadX helper threads make progress on their own.
pub fn set_idle_hook(_hook: Option<fn()>) {}

// ---------------------------------------------------------------- threads

/// Storage for a helper thread: its `TX_THREAD` and entry. Must not move
/// from [`spawn_in`] until [`Thread::join`] returns.
#[repr(C)]
pub struct ThreadSlot {
    tcb: TxStorage<TX_THREAD_WORDS>,
    entry: UnsafeCell<Option<fn(usize)>>,
    arg: UnsafeCell<usize>,
    done: AtomicBool,
}

// SAFETY: entry/arg are written before the thread starts and read by it only.
unsafe impl Sync for ThreadSlot {}

impl ThreadSlot {
    /// Empty storage.
    pub const fn new() -> Self {
        ThreadSlot {
            tcb: TxStorage::new(),
            entry: UnsafeCell::new(None),
            arg: UnsafeCell::new(0),
            done: AtomicBool::new(false),
        }
    }
}

impl Default for ThreadSlot {
    fn default() -> Self {
        Self::new()
    }
}

/// A helper thread of the stack.
pub struct Thread {
    slot: *mut ThreadSlot,
    /// The heap storage of a thread started by [`spawn`] (std only).
    #[cfg(feature = "std")]
    pub(super) owned: Option<super::threadx_heap::Owned>,
}

// SAFETY: the handle only names the slot; join and is_current use ThreadX
// services that any thread may call.
unsafe impl Send for Thread {}

extern "C" fn thread_entry(_input: u32) {
    // SAFETY: a plain ThreadX service on the calling thread.
    let slot = unsafe { nx_port_tx_thread_identify() } as *const ThreadSlot;
    // SAFETY: the TX_THREAD is the first field of a #[repr(C)] ThreadSlot,
    // so the running thread's control block is its slot, which stays put
    // until join (spawn_in's contract); shared use only (it is Sync).
    let s = unsafe { &*slot };
    // SAFETY: spawn_in wrote entry and arg before creating the thread and
    // nothing writes them while it runs.
    if let Some(entry) = unsafe { *s.entry.get() } {
        // SAFETY: as `entry`.
        entry(unsafe { *s.arg.get() });
    }
    s.done.store(true, Ordering::Release);
}

/// Starts `entry(arg)` on a new ThreadX thread whose control block lives in
/// `slot`, on the stack `stack` (at least [`MIN_STACK_BYTES`]), at ThreadX
/// `priority` (preemption threshold the same, no time slice). `None` when
/// the slot is NULL or misaligned, the stack NULL or smaller than
/// [`MIN_STACK_BYTES`] once 8-byte aligned, or ThreadX refuses (a priority
/// beyond `TX_MAX_PRIORITIES`...).
///
/// # Safety
/// `slot` must be valid, unused by another thread, and stay where it is
/// until [`Thread::join`] returns; the stack area must be the caller's to
/// give for as long as the thread runs; `arg` must be valid for `entry` on
/// another thread for as long as it runs.
pub unsafe fn spawn_in(
    slot: *mut ThreadSlot,
    name: &'static CStr,
    stack: StackArea,
    priority: u32,
    entry: fn(usize),
    arg: usize,
) -> Option<Thread> {
    if slot.is_null() || (slot as usize) % core::mem::align_of::<ThreadSlot>() != 0 || stack.ptr.is_null() {
        return None;
    }
    // ThreadX wants an 8-byte aligned stack: use the aligned part.
    let skip = (stack.ptr as usize).wrapping_neg() % 8;
    let size = stack.size.saturating_sub(skip) & !7;
    if size < MIN_STACK_BYTES {
        return None;
    }
    // SAFETY: the caller gives us the slot (non-NULL, aligned: checked
    // above), unused by another thread; shared use only (it is Sync).
    let s = unsafe { &*slot };
    // SAFETY: the thread does not exist yet: nothing reads `entry` meanwhile.
    unsafe { *s.entry.get() = Some(entry) };
    // SAFETY: as `entry`.
    unsafe { *s.arg.get() = arg };
    s.done.store(false, Ordering::Release);
    // SAFETY: a ThreadX service: the slot's TCB storage (it stays put until
    // join), a 'static name, our entry, the aligned part of the caller's
    // stack with its size.
    let status = unsafe {
        nx_port_tx_thread_create(
            s.tcb.ptr(),
            name.as_ptr(),
            thread_entry,
            stack.ptr.wrapping_add(skip) as *mut c_void,
            size.min(u32::MAX as usize) as u32,
            priority,
        )
    };
    if status != TX_SUCCESS {
        return None;
    }
    Some(Thread {
        slot,
        #[cfg(feature = "std")]
        owned: None,
    })
}

/// Starts a helper thread running a closure: with `std` only (the heap holds
/// the closure, the control block and the stack; see `threadx_heap.rs`);
/// `None` otherwise (use [`spawn_in`]).
pub fn spawn<F: FnOnce() + Send + 'static>(name: &str, f: F) -> Option<Thread> {
    #[cfg(feature = "std")]
    {
        super::threadx_heap::spawn(name, f)
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = (name, f);
        None
    }
}

impl Thread {
    /// Waits for the thread's entry to return, then deletes the thread.
    /// ThreadX has no join: this polls once a tick (used when an IP
    /// instance is deleted).
    pub fn join(self) {
        // SAFETY: the slot outlives the thread (spawn_in's contract); shared
        // use only (it is Sync).
        let s = unsafe { &*self.slot };
        while !s.done.load(Ordering::Acquire) {
            // SAFETY: a plain ThreadX service on the calling thread.
            unsafe { nx_port_tx_thread_sleep(1) };
        }
        let tcb = s.tcb.ptr();
        // The entry returned; terminate makes it deletable even if it
        // has not quite reached ThreadX's completion yet.
        // SAFETY: the thread's created TCB, in the slot.
        unsafe { nx_port_tx_thread_terminate(tcb) };
        // SAFETY: the same TCB, terminated just above; deleted once.
        unsafe { nx_port_tx_thread_delete(tcb) };
    }

    /// True when called on this thread itself.
    pub fn is_current(&self) -> bool {
        // SAFETY: the slot is valid until join (spawn_in's contract); only
        // the TCB's address is taken.
        let tcb = unsafe { (*self.slot).tcb.ptr() };
        // SAFETY: a plain ThreadX service on the calling thread.
        unsafe { nx_port_tx_thread_identify() == tcb }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomicUsize;
    use std::sync::Arc;

    #[test]
    fn storage_constants_match_the_c_file() {
        let c = include_str!("nx_port_threadx.c");
        for (name, value) in [
            ("NX_PORT_TX_FLAGS_WORDS", TX_FLAGS_WORDS),
            ("NX_PORT_TX_THREAD_WORDS", TX_THREAD_WORDS),
        ] {
            let line = c.lines().find(|l| l.starts_with(&format!("#define {name} "))).expect(name);
            let v: usize = line.split_whitespace().nth(2).unwrap().parse().unwrap();
            assert_eq!(v, value, "{name}");
        }
    }

    #[test]
    fn lock_excludes_and_try_lock_fails_while_held() {
        let l = Arc::new(Lock::new(0u64));
        let g = l.lock();
        let l2 = l.clone();
        let t = std::thread::spawn(move || l2.try_lock().is_none());
        assert!(t.join().unwrap());
        drop(g);
        let mut ts = Vec::new();
        for _ in 0..4 {
            let l = l.clone();
            ts.push(std::thread::spawn(move || {
                for _ in 0..10_000 {
                    *l.lock() += 1;
                }
            }));
        }
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(*l.lock(), 40_000);
    }

    #[test]
    fn try_lock_by_the_holder_fails_instead_of_nesting() {
        let l = Lock::new(1u32);
        let _g = l.lock();
        assert!(l.try_lock().is_none());
    }

    #[test]
    fn signal_times_out_after_about_the_deadline() {
        let l = Lock::new(0u32);
        let s = Signal::new();
        let t0 = now_ms();
        let (g, timed_out) = s.wait_until(l.lock(), Deadline::after_ticks(5));
        drop(g);
        assert!(timed_out);
        let dt = now_ms() - t0;
        assert!((40..500).contains(&dt), "{dt} ms");
        assert_eq!(s.claimed.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn notify_wakes_every_waiter_none_lost() {
        // Many rounds of: waiters wait for the generation to change; the
        // notifier bumps it under the lock and notifies. A lost wake-up
        // shows as a waiter timing out (1 s).
        let state = Arc::new((Lock::new(0u32), Signal::new()));
        let lost = Arc::new(StdAtomicUsize::new(0));
        let mut ts = Vec::new();
        for _ in 0..3 {
            let state = state.clone();
            let lost = lost.clone();
            ts.push(std::thread::spawn(move || {
                let (l, s) = &*state;
                let mut seen = 0;
                while seen < 200 {
                    let mut g = l.lock();
                    let deadline = Deadline::after_ms(1000);
                    while *g == seen {
                        let (g2, to) = s.wait_until(g, deadline);
                        g = g2;
                        if to && *g == seen {
                            lost.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                    seen = *g;
                }
            }));
        }
        for _ in 0..200 {
            std::thread::sleep(std::time::Duration::from_micros(300));
            let (l, s) = &*state;
            *l.lock() += 1;
            s.notify_all();
        }
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(lost.load(Ordering::Relaxed), 0);
        assert_eq!(state.1.claimed.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn isr_lock_nests_with_others_in_any_order() {
        let a = IsrLock::new(1u32);
        let b = IsrLock::new(2u32);
        let ga = a.lock();
        let gb = b.lock();
        assert!(a.try_lock().is_none());
        drop(ga);
        assert_eq!(CS_DEPTH.load(Ordering::Relaxed), 1);
        drop(gb);
        assert_eq!(CS_DEPTH.load(Ordering::Relaxed), 0);
        assert_eq!(*a.lock() + *b.lock(), 3);
    }

    #[test]
    fn clock_counts_threadx_ticks() {
        let t0 = ticks();
        let m0 = now_ms();
        sleep_ticks(3);
        assert!(ticks().wrapping_sub(t0) >= 3);
        assert!(now_ms() - m0 >= 30);
        assert_eq!(ticks_per_second(), 100);
    }

    #[test]
    fn spawn_in_runs_on_the_given_slot_and_joins() {
        static SLOT_RAN: AtomicU32 = AtomicU32::new(0);
        fn entry(arg: usize) {
            SLOT_RAN.store(arg as u32, Ordering::Release);
        }
        let mut slot = Box::new(ThreadSlot::new());
        let mut stack = vec![0u64; 1024];
        let area = StackArea { ptr: stack.as_mut_ptr() as *mut u8, size: stack.len() * 8 };
        // SAFETY: slot and stack outlive the join below.
        let t = unsafe { spawn_in(&mut *slot, c"test", area, 3, entry, 42) }.expect("thread");
        assert!(!t.is_current());
        t.join();
        assert_eq!(SLOT_RAN.load(Ordering::Acquire), 42);
        let small = StackArea { ptr: stack.as_mut_ptr() as *mut u8, size: 100 };
        // SAFETY: each is refused before anything starts.
        assert!(unsafe { spawn_in(&mut *slot, c"test", small, 3, entry, 1) }.is_none());
        // Exactly the minimum, but not 8-aligned: too small once aligned.
        let odd = StackArea { ptr: (stack.as_mut_ptr() as *mut u8).wrapping_add(1), size: MIN_STACK_BYTES };
        // SAFETY: refused before anything starts.
        assert!(unsafe { spawn_in(&mut *slot, c"test", odd, 3, entry, 1) }.is_none());
        let null = StackArea { ptr: core::ptr::null_mut(), size: 8192 };
        // SAFETY: refused before anything starts.
        assert!(unsafe { spawn_in(&mut *slot, c"test", null, 3, entry, 1) }.is_none());
        let misaligned_slot = ((&mut *slot as *mut ThreadSlot as usize) + 4) as *mut ThreadSlot;
        // SAFETY: refused before anything starts.
        assert!(unsafe { spawn_in(misaligned_slot, c"test", area, 3, entry, 1) }.is_none());
        // An unaligned but large enough area runs, on its aligned part.
        let shifted = StackArea { ptr: (stack.as_mut_ptr() as *mut u8).wrapping_add(3), size: 4000 };
        // SAFETY: slot and stack outlive the join below.
        let t = unsafe { spawn_in(&mut *slot, c"test", shifted, 3, entry, 9) }.expect("thread");
        t.join();
        assert_eq!(SLOT_RAN.load(Ordering::Acquire), 9);
    }

    #[test]
    #[cfg(feature = "std")]
    fn spawn_closure_and_is_current() {
        let (tx, rx) = std::sync::mpsc::channel();
        let t = spawn("x", move || tx.send(7).unwrap()).expect("thread");
        assert_eq!(rx.recv().unwrap(), 7);
        t.join();
    }

    #[test]
    fn a_lock_moves_while_unlocked_and_stays_small() {
        let l = Lock::new(5u8);
        drop(l.lock());
        let moved = Box::new(l);
        *moved.lock() += 1;
        assert_eq!(*moved.try_lock().unwrap(), 6);
        assert!(core::mem::size_of::<Lock<()>>() <= 3 * core::mem::size_of::<usize>());
        assert_eq!(core::mem::size_of::<Signal>(), 4);
    }

    #[test]
    fn many_blocked_threads_share_the_32_flags() {
        // 40 threads block on one lock: 32 on flags, the rest poll.
        let l = Arc::new(Lock::new(0u32));
        let g = l.lock();
        let mut ts = Vec::new();
        for _ in 0..40 {
            let l = l.clone();
            ts.push(std::thread::spawn(move || *l.lock() += 1));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(g);
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(*l.lock(), 40);
        assert_eq!(WAKE_CLAIMED.load(Ordering::Relaxed), 0);
    }
}
