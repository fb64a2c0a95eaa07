//! Operating-system services the stack needs, behind one small interface.
//!
//! Everything above this room (netx, drivers, client) reaches threads, locks,
//! timed waits and the tick clock only through here. Three implementations,
//! chosen by cargo feature (README "Build configurations"):
//!
//! | port | feature | locks | waits | clock | helper thread |
//! |------|---------|-------|-------|-------|---------------|
//! | std (host, `host.rs`) | default | futex mutex | condvar | `Instant` | `std::thread` |
//! | ThreadX | `port-threadx` | atomics, blocking on event flags | event flags | `tx_time_get` | `tx_thread_create` on the caller's stack and priority |
//! | bare metal | `port-baremetal` | interrupt-masking critical section | runs the idle hook until the deadline | `nx_port_ticks_get()` from the application | none |
//!
//! # The interface (the same names in every port)
//!
//! - [`Lock<T>`]: `const fn new`, `lock() -> Guard`, `try_lock() -> Option<Guard>`.
//!   Not re-entrant: locking a lock the caller already holds deadlocks (std)
//!   or panics (ThreadX, bare metal). Never taken from an ISR.
//! - [`IsrLock<T>`]: the same interface for state an interrupt handler
//!   touches (a driver calling `_nx_ip_driver_deferred_receive` or
//!   allocating a packet with `NX_NO_WAIT` from its ISR). A short critical
//!   section with interrupts masked on ThreadX and bare metal (keep it short,
//!   never wait inside it); the same type as [`Lock`] on std.
//! - [`Signal`]: `wait_until(guard, deadline) -> (guard, timed_out)` releases
//!   the lock ([`Guard`] or [`IsrGuard`]), waits and re-takes it; spurious
//!   wake-ups happen on every port, so callers re-check their condition in a
//!   loop. `notify_all` / `notify_one` may be called from an ISR on ThreadX
//!   (no lock needed). On bare metal a wait runs the idle hook once instead
//!   of sleeping (see below) and notify does nothing.
//! - [`Deadline`]: `after_ticks(wait_option)`, `after_ms`, `never`, `expired`,
//!   `min`, `remaining_ticks`.
//! - Clock: [`now_ms`] (monotonic, 64-bit), [`ticks`] (NetX ticks, wraps like
//!   `tx_time_get`), [`sleep_ticks`], [`random_u64`].
//! - Threads: [`spawn_in`] starts a helper thread in caller-given storage
//!   ([`ThreadSlot`], which must not move until [`Thread::join`]) on a
//!   caller-given stack ([`StackArea`], e.g. `nx_ip_create`'s
//!   `memory_ptr`/`memory_size`) at a caller-given ThreadX priority (e.g.
//!   `nx_ip_create`'s `priority`); `None` if it cannot start, and always on
//!   bare metal ([`HAS_THREADS`] is false there). [`spawn`] takes a closure
//!   and needs the heap: std only (it returns `None` without `std`).
//!   [`current_thread_id`]: a number naming the calling thread while it
//!   runs (std: a thread-local's address; ThreadX: `tx_thread_identify`,
//!   0 outside a thread; bare metal: 1, the one thread of execution).
//! - [`set_idle_hook`]: bare metal only (a no-op elsewhere): the function a
//!   blocking wait runs to make progress (poll drivers, deferred queues,
//!   smoltcp, timers). netx registers it when the first IP instance is
//!   created; it must not block.
//! - [`catch_panic`]: at the C boundary only; a plain call when panics abort.
//! - [`host_area`] / [`host_area_free`] / [`HOST_AREA_BYTES`]: std only
//!   (`None` elsewhere): an IP instance's memory from the heap when the
//!   application's area is too small (NetX programs size it as the IP
//!   thread's stack).
//!
//! # Moving, sizes, where things live
//!
//! Every type here can live inside a C object's private area or the memory
//! an application gives (`nx_ip_create`'s `memory_ptr`): it holds no pointer
//! to itself, allocates nothing when created (`const fn new`), and may be
//! moved while unlocked and without waiters. Sizes on a 32-bit target:
//! [`Lock<T>`] is 12 bytes + `T` on ThreadX (a state, a waiter mask, the
//! owner), 1 byte + `T` on bare metal; [`Signal`] 4 bytes on ThreadX, 0 on
//! bare metal. [`ThreadSlot`] holds a `TX_THREAD` (about 400 bytes in all) and
//! must not move while its thread exists; give the helper thread's stack
//! with it ([`StackArea`], at least [`MIN_STACK_BYTES`]).
//!
//! # ThreadX rules
//!
//! No waiting in ISRs, timer callbacks or `tx_application_define` (a wait
//! there returns at once, timed out; an uncontended [`Lock`] works there);
//! [`Lock`] is never taken from an ISR ([`IsrLock`] is). Never hold an
//! [`IsrLock`] across a wait or while taking a [`Lock`]. The ThreadX
//! services are reached through `src/port/nx_port_threadx.c`, which the
//! application compiles with its own `tx_api.h` (it checks at compile time
//! that `TX_EVENT_FLAGS_GROUP` and `TX_THREAD` fit the storage reserved
//! here, and maps to `_tx_`/`_txe_` as the application's ThreadX
//! configuration does).
//!
//! # Bare-metal rules
//!
//! Interrupts are masked while any lock is held, so keep lock sections
//! short and never hold one lock across a wait on another's [`Signal`]
//! (the idle hook would find it held and panic). Waits inside the idle hook
//! (a callback) do not run the hook again: they spin until their deadline.
//!
//! # Application hooks (embedded builds)
//!
//! - `VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line)`:
//!   called on a panic (a bug: the library never panics on bad input); must
//!   not return (reset, or log and halt). Both embedded ports.
//! - `ULONG nx_port_ticks_get(VOID)`: bare metal only: a tick counter at
//!   [`TICKS_PER_SECOND`] (100 Hz, 10 ms; e.g. counted by the SysTick
//!   handler), wrapping at 2^32.
//!
//! A missing hook fails at link time with its name.

//! # What the stack does to run on the embedded ports
//!
//! - Start the helper thread with [`spawn_in`], its [`ThreadSlot`] and
//!   stack in the application's memory (`nx_ip_create`'s
//!   `memory_ptr`/`memory_size`, `priority`); `NX_SIZE_ERROR`-style status
//!   when the area is too small, never a panic. [`spawn`] (closure) needs
//!   the heap and exists for the host only.
//! - When [`HAS_THREADS`] is false, register an idle hook with
//!   [`set_idle_hook`] that does what the helper thread does once: the
//!   drivers' deferred processing, the receive queue, smoltcp's poll and
//!   timers, the transmit flush, then callbacks. Blocking calls then make
//!   progress by themselves; a `Deadline::never()` wait spins on the hook.
//! - State an ISR touches (the deferred-receive queue; a pool's free list
//!   when a driver allocates with `NX_NO_WAIT` from its ISR) goes under an
//!   [`IsrLock`], and its signal is notified after the lock is released.
//! - No `std`, `alloc`, `Box`, `Vec` (`make check-layers`); the TAP driver
//!   and its exports are host only: `std` (a reader thread), or the `tap`
//!   feature with this port on Linux (polled, no heap).
//!
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(not(any(feature = "std", feature = "port-threadx", feature = "port-baremetal")))]
compile_error!("choose a port: the default `std` feature, or `port-threadx`, or `port-baremetal`");

#[cfg(all(feature = "port-threadx", feature = "port-baremetal"))]
compile_error!("`port-threadx` and `port-baremetal` exclude each other");

// The port modules hold imports (extern blocks) and constants, no C
// exports: cbindgen skips them.

/// NetX ticks per second (`NX_IP_PERIODIC_RATE`) on the std and bare-metal
/// ports. The ThreadX port uses the application's `TX_TIMER_TICKS_PER_SECOND`.
#[allow(dead_code)] // the ThreadX port uses the application's rate
pub(crate) const TICKS_PER_SECOND: u32 = 100;
/// `NX_WAIT_FOREVER`.
pub(crate) const WAIT_FOREVER: u32 = 0xFFFF_FFFF;

#[cfg(all(feature = "std", not(any(feature = "port-threadx", feature = "port-baremetal"))))]
/// cbindgen:ignore
mod host;
#[cfg(all(feature = "std", not(any(feature = "port-threadx", feature = "port-baremetal"))))]
pub use self::host::*;

#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
/// cbindgen:ignore
mod guard;
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub use self::guard::Relock;
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
/// cbindgen:ignore
mod tick;
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub use self::tick::Deadline;

#[cfg(feature = "port-threadx")]
/// cbindgen:ignore
mod threadx;
#[cfg(all(feature = "port-threadx", feature = "std"))]
/// cbindgen:ignore
mod threadx_heap;
#[cfg(feature = "port-threadx")]
pub use self::threadx::*;

#[cfg(all(feature = "port-baremetal", not(feature = "port-threadx")))]
/// cbindgen:ignore
mod baremetal;
#[cfg(all(feature = "port-baremetal", not(feature = "port-threadx")))]
pub use self::baremetal::*;

#[cfg(all(not(feature = "std"), not(test)))]
/// cbindgen:ignore
mod panic;

/// No heap on the embedded ports: `nx_ip_create` with too small an area
/// answers `NX_SIZE_ERROR` there (the std port's [`host_area`] takes the
/// instance's memory from the heap instead).
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub(crate) const HOST_AREA_BYTES: usize = 0;
/// Always `None` on the embedded ports.
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub(crate) fn host_area(_bytes: usize) -> Option<*mut u8> {
    None
}
/// Nothing to give back on the embedded ports.
///
/// # Safety
/// None needed here; `unsafe` for the same signature as the std port.
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub(crate) unsafe fn host_area_free(_ptr: *mut u8, _bytes: usize) {}

/// A caller-given stack for a helper thread (`nx_ip_create`'s
/// `memory_ptr`/`memory_size`). Ignored by the std port (the OS gives the
/// stack); the ThreadX port requires at least [`MIN_STACK_BYTES`].
#[derive(Clone, Copy, Debug)]
pub struct StackArea {
    /// Lowest address of the area.
    pub ptr: *mut u8,
    /// Size in bytes.
    pub size: usize,
}

/// The smallest helper-thread stack [`spawn_in`] accepts (ThreadX's
/// `TX_MINIMUM_STACK` is about 200 bytes on Cortex-M; the helper does more).
#[allow(dead_code)] // the std port ignores stacks
pub(crate) const MIN_STACK_BYTES: usize = 1024;

/// Bytes of the separate stack `nx_ip_create` carves for smoltcp's poll on
/// the embedded ports: whichever thread polls (the application's thread
/// inside a blocking call, bare metal's idle hook, the ThreadX helper
/// thread) runs `iface.poll` there ([`run_on_stack`], Cortex-M), under the
/// instance's core lock, which owns it. smoltcp's ingress and egress paths
/// alone take about 2.3 KiB on Cortex-M4, more than a NetX program gives
/// its threads; 3 KiB covers the measured deepest use (2,404 B painted)
/// with margin. The std port carves it too (unused there: polls run on
/// the caller's stack) so that one `NX_IP_MEMORY_OVERHEAD_THREADS` is exact
/// for std and ThreadX alike: a program sized on the host fits the target.
///
/// ThreadX notes: a thread preempted or blocked while on the service stack
/// is fine (ThreadX saves the thread's PSP in its `TX_THREAD` and restores
/// it; no other thread uses the area meanwhile: it waits for the core
/// lock); interrupt handlers run on MSP, not here. With
/// `TX_ENABLE_STACK_CHECKING`, ThreadX may report a stack error
/// (`_tx_thread_stack_error_handler`) for a thread suspended while its
/// stack pointer is on the service stack, outside the stack it was created
/// with: an application that enables stack checking must expect that (or
/// give its threads the stack for the poll and build without the service
/// stack: not offered).
pub(crate) const SERVICE_STACK: usize = 3072;

/// Runs `f` with the stack pointer moved to the top of `stack` (Cortex-M:
/// a four-instruction trampoline), so that a deep call (smoltcp's poll)
/// does not need the caller's thread to have the stack for it. Elsewhere
/// (host builds), a plain call.
///
/// # Safety
/// While `f` runs, nothing else uses `stack` (callers hold the lock that
/// owns it, so calls on the same area never nest), and `stack` is writable
/// memory of `stack.size` (at least 256) bytes.
#[cfg(all(target_arch = "arm", target_os = "none"))]
pub(crate) unsafe fn run_on_stack<R, F: FnOnce() -> R>(stack: StackArea, f: F) -> R {
    struct Ctx<F, R> {
        f: Option<F>,
        r: Option<R>,
    }
    extern "C" fn tramp<R, F: FnOnce() -> R>(ctx: *mut u8) {
        // SAFETY: `ctx` is the `Ctx` on the caller's stack below, alive and
        // not otherwise used for the whole call.
        let ctx = unsafe { &mut *(ctx as *mut Ctx<F, R>) };
        if let Some(f) = ctx.f.take() {
            ctx.r = Some(f());
        }
    }
    debug_assert!(stack.size >= 256 && !stack.ptr.is_null());
    let mut ctx = Ctx { f: Some(f), r: None };
    // AAPCS: 8-byte aligned stack at a call.
    let top = (stack.ptr as usize + stack.size) & !7;
    // SAFETY: `top` is the end of memory only this call uses (caller's
    // contract); the old stack pointer is kept in r4 (callee-saved, so the
    // trampoline preserves it) and restored before the asm ends; every
    // register the AAPCS lets the callee clobber is declared clobbered.
    unsafe {
        core::arch::asm!(
            "mov r4, sp",
            "mov sp, {top}",
            "blx {func}",
            "mov sp, r4",
            top = in(reg) top,
            func = in(reg) tramp::<R, F> as extern "C" fn(*mut u8) as usize,
            inout("r0") &mut ctx as *mut Ctx<F, R> as *mut u8 => _,
            out("r4") _, out("r1") _, out("r2") _, out("r3") _, out("r12") _, out("lr") _,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _, out("s4") _, out("s5") _,
            out("s6") _, out("s7") _, out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
        );
    }
    match ctx.r {
        Some(r) => r,
        None => unreachable!("run_on_stack: no result"),
    }
}

/// Runs `f` (a plain call: this target runs it on the caller's stack).
///
/// # Safety
/// None beyond the Cortex-M version's contract.
#[cfg(not(all(target_arch = "arm", target_os = "none")))]
#[inline(always)]
pub(crate) unsafe fn run_on_stack<R, F: FnOnce() -> R>(_stack: StackArea, f: F) -> R {
    f()
}

/// Runs `f`, turning a panic into `None` (used at the C boundary only).
/// Where panics abort (every embedded build), this is a plain call.
#[inline(always)]
pub fn catch_panic<R, F: FnOnce() -> R>(f: F) -> Option<R> {
    #[cfg(all(feature = "std", panic = "unwind"))]
    {
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(f)).ok()
    }
    #[cfg(not(all(feature = "std", panic = "unwind")))]
    {
        Some(f())
    }
}
