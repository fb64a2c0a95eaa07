//! IP instances over smoltcp, reached only through the NetX driver protocol.
//!
//! State of one instance (`IpShared`, boxed; the box pointer sits in
//! `nx_ip_private[0]`. The box is used instead of embedding because the helper
//! thread needs an address that never changes and smoltcp's `Interface` is
//! several KiB, its size depending on smoltcp's build configuration; it is
//! allocated once in `nx_ip_create`, never during traffic):
//!
//! - `ctl`: a small lock that never covers a call out of this module: the
//!   deferred receive queue (NX_PACKETs linked through `nx_packet_queue_next`,
//!   no allocation), the transmit queue towards the driver, the deferred
//!   processing request, the helper thread's next wake-up time. Drivers reach
//!   only this lock, so `_nx_ip_packet_deferred_receive` never blocks on the
//!   stack and may be called from inside a driver send on any instance.
//! - `core`: the main lock around smoltcp (`Interface`, `SocketSet`, our
//!   device, TCP bookkeeping). `sock_sig` wakes socket waiters after a poll
//!   that changed something. Lock order: `core` → `ctl` → pool locks.
//! - A helper thread that waits for queued packets, smoltcp's `poll_delay`, a
//!   deferred-processing request or shutdown, then polls.
//!
//! Frames smoltcp sends are collected during a poll and handed to the driver
//! after `core` is released, in order (one flusher at a time, the others just
//! queue). The driver gets the packet with `prepend_ptr` at the IP/ARP header,
//! the Ethernet header smoltcp built still sitting in the headroom.
//!
//! Every `pub unsafe fn` here has the same contract, as the NetX services it
//! stands for: its pointers are valid, point at objects of the named type
//! that are created (ids set), and stay valid for the call.

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc)]

use core::mem::size_of;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};

use smoltcp::iface::{Config, Interface, PollResult, SocketSet, SocketStorage};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::time::Instant as SInstant;
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpCidr, Ipv4Address};

use crate::netx::area::{self, Area};
use crate::netx::packet;
use crate::netx::tcp::{self, TcpState};
use crate::netx::types::*;
use crate::port::{self, Deadline, Guard, IsrLock, Lock, Signal, Thread};

/// Ethernet header length.
const ETH_HDR: usize = 14;
/// Source MAC put on frames rebuilt for smoltcp (locally administered unicast).
const PEER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
/// Longest sleep of the helper thread while smoltcp has a timer pending.
const HELPER_PERIOD_MS: u64 = 50;
/// Tries of `poll_inline` for a busy stack lock before it wakes the helper.
const INLINE_LOCK_RETRIES: u32 = 200;
/// Spin iterations of a data-path waiter before it sleeps (tens of µs).
const SPIN_ROUNDS: u32 = 4000;
/// Spin rounds per wait at most (other traffic on the instance restarts a
/// round; this bounds the CPU a waiter can burn to well under a millisecond).
/// 0: no spinning. On the 2-CPU machine this project is measured on, shared
/// with other work, the spinning waiter took the CPU from the threads that
/// do the work (the TAP reader, the server, the RAM driver's sender); issue
/// 12, interleaved runs: pop3_fetch on Dovecot's 200 small messages 20 /
/// 31 / 23.5 ms median without, 22 / 35 / 25 ms with 8 rounds (1 MiB: 37 /
/// 37.5 ms); `make bench` e2e over the RAM driver 378-420 MB/s without,
/// 265-307 with (window 1460), 190-334 / 247-282 (window 65535). A host
/// with cores to spare may gain from a few rounds.
const SPIN_BUDGET: u32 = 0;
/// Marker in `nx_packet_reserved[0]`: the packet came through the ARP path.
const RX_KIND_ARP: u8 = 0xA5;

/// The small lock: queues and wake-up bookkeeping.
pub(crate) struct Ctl {
    rx_head: *mut NX_PACKET,
    rx_tail: *mut NX_PACKET,
    tx_head: *mut NX_PACKET,
    tx_tail: *mut NX_PACKET,
    flushing: bool,
    deferred: bool,
    pub(crate) shutdown: bool,
    kick: bool,
    helper_waiting: bool,
    /// When the sleeping helper wakes by itself (ms; None = not before a kick).
    helper_target_ms: Option<u64>,
    /// When smoltcp next wants a poll (ms, port clock).
    next_poll_ms: Option<u64>,
    /// Threads running this instance's callbacks now.
    cb_running: u32,
    /// Which threads ([`port::current_thread_id`]) run them, as far as
    /// [`CB_THREADS`] slots go (0: free): `nx_ip_delete` from inside a
    /// callback answers `NX_CALLER_ERROR` at once when it finds its own.
    cb_threads: [usize; CB_THREADS],
}

/// Callback-running threads an instance names at once (more still count
/// in `cb_running`; a delete from one of those finds out by waiting).
const CB_THREADS: usize = 2;

/// What a thread waiting in [`IpShared::wait_for`] waits for, so that a poll
/// wakes it only when that may have happened (no wake-up per segment for a
/// sender waiting for room, for instance).
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    /// Any change on the instance.
    Any,
    /// Data (or the end of it) on this socket.
    Rx(tcp::SockRef),
    /// This many bytes of room in the socket's transmit buffer (or the end of
    /// sending).
    Tx(tcp::SockRef, usize),
}

/// A callback collected during a poll: the C function (read from the socket
/// while it was valid, under the lock) and its arguments.
#[derive(Clone, Copy)]
pub(crate) enum Cb {
    None,
    Disconnect(unsafe extern "C" fn(*mut NX_TCP_SOCKET), *mut NX_TCP_SOCKET),
    Listen(unsafe extern "C" fn(*mut NX_TCP_SOCKET, UINT), *mut NX_TCP_SOCKET, UINT),
}

/// Callbacks collected during a poll, called after the lock is released.
/// One per instance, in [`IpCore`] (under the core lock), so that no poll
/// builds a 264-byte array on the caller's stack; [`IpShared::run_pending`]
/// drains it a few at a time with the lock released.
pub(crate) struct Callbacks {
    items: [Cb; 16],
    pub(crate) len: usize,
}

/// Callbacks [`IpShared::run_pending`] takes per lock round.
const CB_BATCH: usize = 2;

impl Callbacks {
    pub(crate) const fn new() -> Self {
        Callbacks { items: [Cb::None; 16], len: 0 }
    }
    /// False when full (the caller retries on a later poll).
    pub(crate) fn push(&mut self, cb: Cb) -> bool {
        if self.len == self.items.len() {
            return false;
        }
        self.items[self.len] = cb;
        self.len += 1;
        true
    }
    /// Moves the oldest callbacks into `out` (in order); how many.
    fn drain_into(&mut self, out: &mut [Cb]) -> usize {
        let n = self.len.min(out.len());
        out[..n].copy_from_slice(&self.items[..n]);
        self.items.copy_within(n..self.len, 0);
        self.len -= n;
        n
    }
}

/// smoltcp's view of the link: frames from the deferred queue, frames into
/// packets of the default pool.
pub(crate) struct NxDevice {
    shared: *const IpShared,
    pool: *mut NX_PACKET_POOL,
    mtu: usize,
    rx_list: *mut NX_PACKET,
    /// Receive scratch (chained frames; our MAC in its last 6 bytes) and
    /// transmit scratch (a frame with no packet to go in), in the area.
    rx_buf: &'static mut [u8],
    tx_scratch: &'static mut [u8],
    out_head: *mut NX_PACKET,
    out_tail: *mut NX_PACKET,
    rx_count: usize,
    pub(crate) tx_drops: u64,
    /// IPv6 state and receive gate (see `ipv6`).
    pub(crate) v6: crate::netx::ipv6::V6State,
}

/// smoltcp sockets per instance: the TCP sockets plus every listen backlog
/// socket (a socket beyond: `NX_NO_MORE_ENTRIES` / `NX_SIZE_ERROR`).
pub const SMOLTCP_SOCKETS: usize = 32;

/// The helper thread's stack, carved from the caller's area (the ThreadX
/// port runs the helper on it; the std port carves it too but the OS gives
/// the stack; bare metal has no helper thread and carves none). On the
/// embedded ports smoltcp's poll runs on the instance's service stack
/// ([`port::SERVICE_STACK`]), not here: what is left is the helper's loop
/// (960 B on Cortex-M4, `bench/m4/stack_graph.py --port threadx`), the
/// driver's deferred processing and transmit (indirect calls), the
/// application's callbacks (a listen or disconnect callback that calls a
/// TCP service takes about 1.2 KiB more) and the context ThreadX saves on
/// a preempted thread's stack (up to about 200 B with the FPU).
pub(crate) const HELPER_STACK: usize = 3072;
/// What [`Layout::carve`] takes for the helper's stack on this port.
const CARVED_STACK: usize = if port::HAS_THREADS { HELPER_STACK } else { 0 };

/// Fixed part of the memory area `nx_ip_create` needs besides twice
/// (MTU + 20) bytes of frame scratch, on a port with a helper thread (std,
/// ThreadX): the helper thread's control block and its 3,072-byte stack
/// (the std port carves the stack too), the 3,072-byte service stack
/// smoltcp's poll runs on (ThreadX), the instance's state and smoltcp's
/// socket storage, with alignment slack: 27,648 + 3,072 + 3,072.
/// The header's `NX_IP_MEMORY_OVERHEAD` is this figure unless the program
/// defines `NX_POP3_PORT_BAREMETAL`.
pub const NX_IP_MEMORY_OVERHEAD_THREADS: ULONG = 33792;
/// The same on the bare-metal port: no helper thread, the service stack
/// only: 27,648 + 3,072. The header's `NX_IP_MEMORY_OVERHEAD` when the
/// program defines `NX_POP3_PORT_BAREMETAL` (a bare-metal build's
/// `nx_pop3_config.h` does).
pub const NX_IP_MEMORY_OVERHEAD_BAREMETAL: ULONG = 30720;
/// This port's figure: `nx_ip_create` refuses a smaller area on an
/// embedded port (`NX_SIZE_ERROR`). Checked at compile time against what
/// [`Layout::carve`] takes (state, socket storage, 64 bytes of alignment
/// slack, and the stacks on this port).
pub(crate) const NX_IP_MEMORY_OVERHEAD: ULONG =
    if port::HAS_THREADS { NX_IP_MEMORY_OVERHEAD_THREADS } else { NX_IP_MEMORY_OVERHEAD_BAREMETAL };
const _: () = assert!(
    size_of::<port::ThreadSlot>()
        + CARVED_STACK
        + port::SERVICE_STACK
        + size_of::<IpCore>()
        + SMOLTCP_SOCKETS * size_of::<SocketStorage<'static>>()
        + 64
        <= NX_IP_MEMORY_OVERHEAD as usize
);
// The bare-metal figure is never the larger one (a program that does not
// define NX_POP3_PORT_BAREMETAL gives more than needed, never less).
const _: () = assert!(NX_IP_MEMORY_OVERHEAD_BAREMETAL <= NX_IP_MEMORY_OVERHEAD_THREADS);

/// True when `nx_ip_create` makes up for too small an area from the heap
/// (std port): `_nxe_ip_create` then does not refuse a small `memory_size`.
pub(crate) const HOST_AREA_FALLBACK: bool = port::HOST_AREA_BYTES != 0;

/// Slots smoltcp's socket set spans at first (it doubles when full).
const INITIAL_SOCKET_SLOTS: usize = 4;

impl IpCore {
    /// Makes room for one more smoltcp socket: false when all
    /// [`SMOLTCP_SOCKETS`] are in use.
    pub(crate) fn socket_room(&mut self) -> bool {
        if self.smoltcp_used < self.storage_len {
            return true;
        }
        if self.storage_len >= SMOLTCP_SOCKETS {
            return false;
        }
        let len = (self.storage_len * 2).min(SMOLTCP_SOCKETS);
        // The old set's borrow of the storage ends before the new one starts.
        drop(core::mem::replace(&mut self.sockets, SocketSet::new(&mut [][..])));
        // SAFETY: `storage` holds SMOLTCP_SOCKETS initialized slots in the
        // caller's area (written at create), which outlives the set; the
        // first `storage_len` keep their sockets, so handles stay valid.
        let slice = unsafe { core::slice::from_raw_parts_mut(self.storage, len) };
        self.sockets = SocketSet::new(slice);
        self.storage_len = len;
        true
    }
}

/// Where the fixed part of an area goes.
struct Layout {
    slot: *mut port::ThreadSlot,
    stack: *mut u8,
    /// smoltcp's poll runs here ([`port::SERVICE_STACK`] bytes).
    svc_stack: *mut u8,
    core: *mut IpCore,
    storage: *mut SocketStorage<'static>,
    rx: *mut u8,
    tx: *mut u8,
    heap: *mut u8,
    heap_len: usize,
}

impl Layout {
    /// None when the area cannot hold the fixed part.
    fn carve(memory_ptr: *mut VOID, memory_size: ULONG, mtu: usize) -> Option<Layout> {
        if memory_ptr.is_null() {
            return None;
        }
        let base = memory_ptr as usize;
        let end = base.checked_add(memory_size as usize)?;
        let mut off = 0;
        let slot = area::carve::<port::ThreadSlot>(base, end, &mut off, 1)?;
        let stack = area::carve::<u64>(base, end, &mut off, CARVED_STACK / 8)? as *mut u8;
        let svc_stack = area::carve::<u64>(base, end, &mut off, port::SERVICE_STACK / 8)? as *mut u8;
        let core = area::carve::<IpCore>(base, end, &mut off, 1)?;
        let storage = area::carve::<SocketStorage<'static>>(base, end, &mut off, SMOLTCP_SOCKETS)?;
        let rx = area::carve::<u8>(base, end, &mut off, mtu + ETH_HDR + 6)?;
        let tx = area::carve::<u8>(base, end, &mut off, mtu + ETH_HDR)?;
        let heap = (base + off) as *mut u8;
        Some(Layout { slot, stack, svc_stack, core, storage, rx, tx, heap, heap_len: end - (base + off) })
    }
}

/// Everything under the main lock. Lives in the instance's memory area.
pub(crate) struct IpCore {
    pub(crate) iface: Interface,
    pub(crate) sockets: SocketSet<'static>,
    /// smoltcp sockets in `sockets` (at most [`SMOLTCP_SOCKETS`]).
    pub(crate) smoltcp_used: usize,
    /// smoltcp's storage in the area, and how much of it `sockets` spans:
    /// smoltcp walks every slot of its set on each poll, so the set starts
    /// small and grows (never shrinks: handles are slot indices).
    storage: *mut SocketStorage<'static>,
    storage_len: usize,
    /// The rest of the area: the sockets' ring buffers.
    pub(crate) area: Area,
    pub(crate) dev: NxDevice,
    pub(crate) tcp: TcpState,
    /// Threads waiting on `sock_sig` (no wake-up system call when 0).
    sock_waiters: u32,
    /// Callbacks collected by polls, not yet run ([`IpShared::run_pending`]).
    pub(crate) cbs: Callbacks,
    /// Where smoltcp's poll runs ([`port::run_on_stack`]; unused on a port
    /// that polls on its own threads' stacks).
    svc_stack: port::StackArea,
}

/// One IP instance's state, in the `NX_IP`'s private area. `me` (first) is
/// the instance's own address: with the id it tells a created instance from
/// other memory. The locks are never torn down (see the lifetime rule in
/// `netx`): a call racing with delete takes `ctl` and finds `shutdown`.
#[repr(C)]
pub(crate) struct IpShared {
    me: usize,
    /// Under an [`IsrLock`]: a driver's ISR queues received frames here
    /// (`_nx_ip_packet_deferred_receive`) and asks for deferred processing.
    /// Its signal is notified after the lock is released.
    pub(crate) ctl: IsrLock<Ctl>,
    ctl_sig: Signal,
    pub(crate) core: Lock<CorePtr>,
    pub(crate) sock_sig: Signal,
    /// Calls inside the instance now ([`enter`] .. drop of [`IpUse`]). An
    /// atomic, not under `ctl`: entering is on every call's path. With
    /// `closing` it forms a Dekker pair (both SeqCst): an entering call
    /// counts itself, then looks at `closing`; delete sets `closing`, then
    /// waits for the count to reach zero. Either the call sees `closing` and
    /// leaves, or delete sees the call and waits for it.
    users: AtomicU32,
    closing: AtomicBool,
    /// No helper thread (bare metal, or the OS refused one): the
    /// application's calls drive the instance ([`IpShared::service`] in every
    /// wait, [`nx_ip_service`] from a super-loop).
    polled: AtomicBool,
    /// Bumped by every poll that changed something; lets a data-path waiter
    /// spin briefly on it before it sleeps (see `wait_for`).
    gen: AtomicU32,
    thread: Lock<Option<Thread>>,
    /// The instance's memory when the port took it from the heap (std
    /// only: the caller's area was too small); freed by delete. Written at
    /// create before the helper starts, read by delete after it is joined.
    host_mem: *mut u8,
    host_mem_len: usize,
    ip: *mut NX_IP,
    pub(crate) arp_enabled: Lock<bool>,
    pub(crate) tcp_enabled: Lock<bool>,
    pub(crate) icmp_enabled: Lock<bool>,
}

// SAFETY: the raw pointers inside point at C objects that outlive the
// instance (the NX_IP and its pool) or at packets we own; every access is
// under one of the locks.
unsafe impl Send for IpShared {}
// SAFETY: as above: shared access goes through the locks and atomics.
unsafe impl Sync for IpShared {}
// SAFETY: Ctl's packet queue pointers are packets we own; read only under `ctl`.
unsafe impl Send for Ctl {}
// SAFETY: IpCore's raw pointers (pool, packets, service stack) are used only under the core lock.
unsafe impl Send for IpCore {}

const _: () = assert!(private_fits::<IpShared, NX_IP_PRIVATE_WORDS>());

/// True when `ip` is a created instance: id and self-check field (reads only
/// the instance's own memory).
///
/// # Safety
/// `ip` is NULL or addresses memory the size of an `NX_IP`.
pub unsafe fn ip_is_created(ip: *const NX_IP) -> bool {
    if ip.is_null() {
        return false;
    }
    // SAFETY: the caller's non-NULL pointer addresses an NX_IP-sized
    // object; only the field's address is computed, no reference.
    let id = unsafe { &raw const (*ip).nx_ip_id };
    // SAFETY: an aligned field of that object; volatile, as delete clears it
    // while other threads check it.
    if unsafe { ptr::read_volatile(id) } != NX_IP_ID {
        return false;
    }
    // SAFETY: as `id`.
    let me = unsafe { &raw const (*ip).nx_ip_private } as *const usize;
    // SAFETY: the private area's first word (aligned, a u64 array); volatile, as `id`.
    unsafe { ptr::read_volatile(me) == ip as usize }
}

/// The shared state of a created IP instance, or None.
pub(crate) unsafe fn shared<'a>(ip: *mut NX_IP) -> Option<&'a IpShared> {
    // SAFETY: the caller's pointer is NULL or addresses an NX_IP-sized object.
    if !unsafe { ip_is_created(ip) } {
        return None;
    }
    // SAFETY: as above; only the private area's address is computed.
    let area = unsafe { &raw const (*ip).nx_ip_private } as *const IpShared;
    // SAFETY: a created instance's private area holds an IpShared (written
    // by create before the id); shared use goes through its locks and atomics.
    Some(unsafe { &*area })
}

/// A call inside an IP instance: while one exists, `nx_ip_delete` waits
/// (the instance's memory and driver stay). Made by [`enter`].
pub(crate) struct IpUse<'a> {
    sh: &'a IpShared,
}

impl<'a> core::ops::Deref for IpUse<'a> {
    type Target = IpShared;
    fn deref(&self) -> &IpShared {
        self.sh
    }
}

impl Drop for IpUse<'_> {
    fn drop(&mut self) {
        // The last touch of the instance by this call (delete polls the
        // count; it needs no wake-up).
        self.sh.users.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Enters a created instance that is not being deleted: `NX_PTR_ERROR`
/// otherwise.
pub(crate) unsafe fn enter<'a>(ip: *mut NX_IP) -> Result<IpUse<'a>, UINT> {
    // SAFETY: the caller's pointer addresses an NX_IP-sized object.
    let Some(sh) = (unsafe { shared(ip) }) else { return Err(NX_PTR_ERROR) };
    sh.users.fetch_add(1, Ordering::SeqCst);
    if sh.closing.load(Ordering::SeqCst) {
        sh.users.fetch_sub(1, Ordering::SeqCst);
        return Err(NX_PTR_ERROR);
    }
    Ok(IpUse { sh })
}

fn now_instant() -> SInstant {
    SInstant::from_millis(port::now_ms() as i64)
}

/// Where an instance's `IpCore` lives: in the memory area given to
/// `nx_ip_create` (null before create finished and after delete).
pub(crate) struct CorePtr(*mut IpCore);

impl CorePtr {
    pub(crate) fn as_mut(&mut self) -> Option<&mut IpCore> {
        // SAFETY: non-null only between create and delete, pointing at an
        // IpCore written in the caller's area; reached only under `core`.
        unsafe { self.0.as_mut() }
    }
    fn take(&mut self) -> *mut IpCore {
        core::mem::replace(&mut self.0, ptr::null_mut())
    }
}

/// Deref helper: `core` is always present while a call is inside a created
/// instance (it goes only in `nx_ip_delete`, after every call left).
pub(crate) fn core_of<'a>(g: &'a mut Guard<'_, CorePtr>) -> &'a mut IpCore {
    g.as_mut().expect("IP core present")
}

// ---------------------------------------------------------------- device

pub(crate) struct NxRxToken<'a> {
    pkt: *mut NX_PACKET,
    scratch: &'a mut [u8],
}

impl phy::RxToken for NxRxToken<'_> {
    fn consume<R, F: FnOnce(&[u8]) -> R>(mut self, f: F) -> R {
        let pkt = core::mem::replace(&mut self.pkt, ptr::null_mut());
        // SAFETY: we own `pkt` (taken from the deferred queue); nothing else
        // refers to it until it is released below, after this reference's last use.
        let k = unsafe { &*pkt };
        let is_arp = k.nx_packet_reserved[0] == RX_KIND_ARP;
        // SAFETY: a received packet holds at least one byte at its prepend
        // pointer (the deferred receive paths drop empty ones).
        let first = unsafe { *k.nx_packet_prepend_ptr };
        let ethertype: u16 = if is_arp {
            0x0806
        } else if first >> 4 == 6 {
            0x86DD
        } else {
            0x0800
        };
        let headroom = k.nx_packet_prepend_ptr as usize - k.nx_packet_data_start as usize;
        let single = k.nx_packet_next.is_null();
        let our_mac = self.scratch_mac();
        let r = if single && headroom >= ETH_HDR {
            // Rebuild the Ethernet header in place, in the headroom.
            let start = k.nx_packet_prepend_ptr.wrapping_sub(ETH_HDR);
            let len = k.nx_packet_append_ptr as usize - start as usize;
            // SAFETY: ETH_HDR bytes of headroom (checked) and the data up to
            // the append pointer, all inside the packet's payload, which is
            // ours and apart from its header (`k`).
            let frame = unsafe { core::slice::from_raw_parts_mut(start, len) };
            frame[0..6].copy_from_slice(&our_mac);
            frame[6..12].copy_from_slice(&PEER_MAC);
            frame[12..14].copy_from_slice(&ethertype.to_be_bytes());
            f(frame)
        } else {
            let mut n = ETH_HDR;
            let mut p = pkt;
            while !p.is_null() {
                // SAFETY: a packet of our chain, read only here.
                let q = unsafe { &*p };
                let l = q.nx_packet_append_ptr as usize - q.nx_packet_prepend_ptr as usize;
                if n + l > self.scratch.len() - 6 {
                    break;
                }
                // SAFETY: `l` bytes of the packet's data; n + l fits the
                // scratch (checked just above); pool and scratch do not overlap.
                unsafe { ptr::copy_nonoverlapping(q.nx_packet_prepend_ptr, self.scratch.as_mut_ptr().wrapping_add(n), l) };
                n += l;
                p = q.nx_packet_next;
            }
            self.scratch[0..6].copy_from_slice(&our_mac);
            self.scratch[6..12].copy_from_slice(&PEER_MAC);
            self.scratch[12..14].copy_from_slice(&ethertype.to_be_bytes());
            f(&self.scratch[..n])
        };
        // SAFETY: our packet, consumed; no reference to it is left.
        unsafe { packet::nx_packet_release(pkt) };
        r
    }
}

impl NxRxToken<'_> {
    /// Our MAC, kept in the last 6 bytes of the scratch buffer.
    fn scratch_mac(&self) -> [u8; 6] {
        let n = self.scratch.len();
        let mut m = [0u8; 6];
        m.copy_from_slice(&self.scratch[n - 6..]);
        m
    }
}

impl Drop for NxRxToken<'_> {
    fn drop(&mut self) {
        if !self.pkt.is_null() {
            // SAFETY: an unconsumed token still owns its packet.
            unsafe { packet::nx_packet_release(self.pkt) };
        }
    }
}

pub(crate) struct NxTxToken<'a> {
    pkt: *mut NX_PACKET,
    pool: *mut NX_PACKET_POOL,
    scratch: &'a mut [u8],
    out_head: &'a mut *mut NX_PACKET,
    out_tail: &'a mut *mut NX_PACKET,
    drops: &'a mut u64,
}

impl phy::TxToken for NxTxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(mut self, len: usize, f: F) -> R {
        let mut pkt = core::mem::replace(&mut self.pkt, ptr::null_mut());
        if pkt.is_null() {
            let mut p = ptr::null_mut();
            // SAFETY: the instance's default pool, live while the instance
            // is; `p` is a local output.
            if unsafe { packet::allocate_until(self.pool, &mut p, 0, Deadline::never(), true) } == NX_SUCCESS {
                pkt = p;
            }
        }
        // Frame at data_start + 2, so the IP header lands at data_start + 16.
        let off = NX_PHYSICAL_HEADER as usize - ETH_HDR;
        let fits = !pkt.is_null() && len >= ETH_HDR && {
            // SAFETY: a non-NULL `pkt` was just allocated: ours alone until
            // it is queued for the driver below.
            let k = unsafe { &*pkt };
            (k.nx_packet_data_end as usize - k.nx_packet_data_start as usize) >= off + len
        };
        if !fits {
            if !pkt.is_null() {
                // SAFETY: our packet, not queued anywhere.
                unsafe { packet::nx_packet_release(pkt) };
            }
            *self.drops += 1;
            // smoltcp never asks for more than the MTU we gave it
            // (the scratch's size); the frame is dropped either way.
            let n = len.min(self.scratch.len());
            return f(&mut self.scratch[..n]);
        }
        // SAFETY: as above: our packet, not queued yet, no other reference.
        let k = unsafe { &mut *pkt };
        let start = k.nx_packet_data_start.wrapping_add(off);
        // SAFETY: off + len bytes fit the payload (checked above); the
        // payload is ours and apart from the header (`k`).
        let frame = unsafe { core::slice::from_raw_parts_mut(start, len) };
        let r = f(frame);
        let ethertype = u16::from_be_bytes([frame[12], frame[13]]);
        k.nx_packet_prepend_ptr = start.wrapping_add(ETH_HDR);
        k.nx_packet_append_ptr = start.wrapping_add(len);
        k.nx_packet_length = (len - ETH_HDR) as ULONG;
        k.nx_packet_ip_version = if ethertype == 0x86DD { 6 } else { 4 };
        k.nx_packet_queue_next = ptr::null_mut();
        if self.out_head.is_null() {
            *self.out_head = pkt;
        } else {
            // SAFETY: the tail of our output list: a packet we queued in an
            // earlier consume of this poll, still ours (the list is handed
            // to the driver after the poll).
            unsafe { (**self.out_tail).nx_packet_queue_next = pkt };
        }
        *self.out_tail = pkt;
        r
    }
}

impl Drop for NxTxToken<'_> {
    fn drop(&mut self) {
        if !self.pkt.is_null() {
            // SAFETY: an unconsumed token still owns its packet.
            unsafe { packet::nx_packet_release(self.pkt) };
        }
    }
}

impl NxDevice {
    fn refill_rx(&mut self) {
        if self.rx_list.is_null() {
            // SAFETY: `shared` outlives the device (it owns it).
            let sh = unsafe { &*self.shared };
            let mut c = sh.ctl.lock();
            self.rx_list = c.rx_head;
            c.rx_head = ptr::null_mut();
            c.rx_tail = ptr::null_mut();
        }
    }
}

impl Device for NxDevice {
    type RxToken<'a> = NxRxToken<'a>;
    type TxToken<'a> = NxTxToken<'a>;

    fn receive(&mut self, _t: SInstant) -> Option<(NxRxToken<'_>, NxTxToken<'_>)> {
        self.refill_rx();
        let pkt = loop {
            let pkt = self.rx_list;
            if pkt.is_null() {
                return None;
            }
            // SAFETY: packets on our list are ours (taken from the deferred
            // queue under `ctl`); no other reference to this one exists.
            let k = unsafe { &mut *pkt };
            self.rx_list = k.nx_packet_queue_next;
            k.nx_packet_queue_next = ptr::null_mut();
            // IPv6 gate: not enabled, or malformed ICMPv6/ND: dropped
            // and counted (`ipv6`).
            // SAFETY: our packet (as `k`, whose last use is above).
            if k.nx_packet_reserved[0] != RX_KIND_ARP && unsafe { self.v6.rx_drop(pkt, self.rx_buf) } {
                // SAFETY: our packet, off the list; no reference to it is left.
                unsafe { packet::nx_packet_release(pkt) };
                continue;
            }
            break pkt;
        };
        self.rx_count += 1;
        let NxDevice { pool, rx_buf, tx_scratch, out_head, out_tail, tx_drops, .. } = self;
        Some((
            NxRxToken { pkt, scratch: rx_buf },
            NxTxToken { pkt: ptr::null_mut(), pool: *pool, scratch: tx_scratch, out_head, out_tail, drops: tx_drops },
        ))
    }

    fn transmit(&mut self, _t: SInstant) -> Option<NxTxToken<'_>> {
        let mut p = ptr::null_mut();
        // SAFETY: the default pool is live while the instance is.
        let s = unsafe { packet::allocate_until(self.pool, &mut p, 0, Deadline::never(), true) };
        if s != NX_SUCCESS {
            return None;
        }
        let NxDevice { pool, tx_scratch, out_head, out_tail, tx_drops, .. } = self;
        Some(NxTxToken { pkt: p, pool: *pool, scratch: tx_scratch, out_head, out_tail, drops: tx_drops })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = self.mtu + ETH_HDR;
        caps
    }
}

// ---------------------------------------------------------------- polling

impl IpShared {
    /// Polls smoltcp with `core` held; mirrors socket states, queues the
    /// frames produced for the driver, updates the helper's wake-up time and
    /// wakes socket waiters. Returns whether anything changed.
    /// Callbacks go to `core.cbs`: call [`IpShared::run_pending`] after
    /// releasing the lock when it is not empty.
    pub(crate) fn poll_locked(&self, core: &mut IpCore) -> bool {
        let now = now_instant();
        let IpCore { iface, dev, sockets, svc_stack, .. } = core;
        // SAFETY: the service stack is memory carved for it in the area and
        // belongs to this instance's core, which we hold exclusively (`&mut`
        // under the core lock, never taken by an ISR): no other poll runs on it.
        let r = unsafe { port::run_on_stack(*svc_stack, || iface.poll(now, dev, sockets)) };
        let rx = core::mem::replace(&mut core.dev.rx_count, 0);
        let changed = r == PollResult::SocketStateChanged || rx > 0;
        // SAFETY: sockets on the list are created and belong to this instance.
        let wake = unsafe { tcp::after_poll(core) };
        let delay = core.iface.poll_delay(now, &core.sockets);
        let now_ms = now.total_millis() as u64;
        let next = delay.map(|d| now_ms + d.total_millis());
        let out = core::mem::replace(&mut core.dev.out_head, ptr::null_mut());
        let out_tail = core::mem::replace(&mut core.dev.out_tail, ptr::null_mut());
        let kick = {
            let mut c = self.ctl.lock();
            if !out.is_null() {
                if c.tx_head.is_null() {
                    c.tx_head = out;
                } else {
                    // SAFETY: tail is a packet on our queue.
                    unsafe { (*c.tx_tail).nx_packet_queue_next = out };
                }
                c.tx_tail = out_tail;
            }
            // A helper sleeping with a timeout wakes within HELPER_PERIOD_MS
            // anyway, so it is kicked only for a deadline before its own
            // (retransmission timers are >= 1 s: no wake-up system call per
            // segment); a helper sleeping with no timeout is kicked for any.
            let kick = c.helper_waiting
                && match (next, c.helper_target_ms) {
                    (Some(a), Some(t)) => a < t,
                    (Some(_), None) => true,
                    (None, _) => false,
                };
            c.next_poll_ms = next;
            if kick {
                c.kick = true;
            }
            kick
        };
        if kick {
            self.ctl_sig.notify_one();
        }
        if changed || wake {
            self.gen.fetch_add(1, Ordering::Release);
        }
        if (changed && core.sock_waiters > 0) || wake {
            self.sock_sig.notify_all();
        }
        changed
    }

    /// Hands queued frames to the driver, in order, with no stack lock held.
    /// If another thread is already doing so, it will send ours too.
    pub(crate) fn flush(&self) {
        let mut c = self.ctl.lock();
        if c.flushing || c.tx_head.is_null() {
            return;
        }
        c.flushing = true;
        loop {
            let mut batch = core::mem::replace(&mut c.tx_head, ptr::null_mut());
            c.tx_tail = ptr::null_mut();
            if batch.is_null() {
                c.flushing = false;
                return;
            }
            drop(c);
            while !batch.is_null() {
                // SAFETY: queued packets are ours until the driver takes
                // them; this one is off the shared queue (taken under `ctl`).
                let next = unsafe { (*batch).nx_packet_queue_next };
                // SAFETY: as above.
                unsafe { (*batch).nx_packet_queue_next = ptr::null_mut() };
                // SAFETY: our packet, handed to the instance's driver.
                unsafe { self.send_to_driver(batch) };
                batch = next;
            }
            c = self.ctl.lock();
        }
    }

    /// Hands one frame to the instance's driver (or releases it when the
    /// instance has no driver or its link is down).
    ///
    /// # Safety
    /// `self.ip` is live (entered, or being created/deleted by this call);
    /// `pkt` is a frame built by [`NxTxToken`], owned by the instance.
    unsafe fn send_to_driver(&self, pkt: *mut NX_PACKET) {
        let ip = self.ip;
        // SAFETY: the caller's contract: `ip` is live; only the interface's
        // address is computed, no reference (drivers write its link state).
        let ifc = unsafe { &raw mut (*ip).nx_ip_interface[0] };
        // SAFETY: that interface; the driver entry is set at create and
        // never changes (a raw place read).
        let Some(driver) = (unsafe { (*ifc).nx_interface_link_driver_entry }) else {
            // SAFETY: the instance's frame, handed to no one.
            unsafe { packet::nx_packet_transmit_release(pkt) };
            return;
        };
        // SAFETY: the live instance's interface.
        if !unsafe { link_is_up(ifc) } {
            // SAFETY: the instance's frame, handed to no one.
            unsafe { packet::nx_packet_transmit_release(pkt) };
            return;
        }
        // SAFETY: the instance's frame, not handed to the driver yet; read only.
        let prepend = unsafe { (*pkt).nx_packet_prepend_ptr };
        // SAFETY: NxTxToken built the Ethernet header in the ETH_HDR bytes
        // before the prepend pointer, inside the packet's payload.
        let eth = unsafe { core::slice::from_raw_parts(prepend.wrapping_sub(ETH_HDR), ETH_HDR) };
        let mac = &eth[0..6];
        let ethertype = u16::from_be_bytes([eth[12], eth[13]]);
        let command = if ethertype == 0x0806 {
            // SAFETY: an ARP frame from smoltcp: its 28-byte body follows
            // the header, so bytes 6 and 7 (the operation) are there.
            let arp = unsafe { core::slice::from_raw_parts(prepend, 8) };
            let op = u16::from_be_bytes([arp[6], arp[7]]);
            if op == 1 {
                NX_LINK_ARP_SEND
            } else {
                NX_LINK_ARP_RESPONSE_SEND
            }
        } else if mac.iter().all(|&b| b == 0xff) {
            NX_LINK_PACKET_BROADCAST
        } else {
            NX_LINK_PACKET_SEND
        };
        let mut req = NX_IP_DRIVER {
            nx_ip_driver_command: command,
            nx_ip_driver_status: NX_SUCCESS,
            nx_ip_driver_physical_address_msw: u16::from_be_bytes([mac[0], mac[1]]) as ULONG,
            nx_ip_driver_physical_address_lsw: u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]),
            nx_ip_driver_packet: pkt,
            nx_ip_driver_return_ptr: ptr::null_mut(),
            nx_ip_driver_ptr: ip,
            nx_ip_driver_interface: ifc,
        };
        // SAFETY: the driver registered for this instance, called as
        // NetX calls it: a request for its own instance and interface,
        // the packet handed over.
        unsafe { driver(&mut req) };
    }

    /// Runs the callbacks polls collected (`IpCore::cbs`), with no lock
    /// held, a few at a time, counted in `cb_running` (`nx_ip_delete`
    /// refuses to run inside one: it would wait for itself). Not inlined: its
    /// batch stays out of the callers' frames.
    #[inline(never)]
    pub(crate) fn run_pending(&self) {
        loop {
            let mut batch = [Cb::None; CB_BATCH];
            let n = {
                let mut g = self.core.lock();
                match g.as_mut() {
                    Some(core) => core.cbs.drain_into(&mut batch),
                    None => 0,
                }
            };
            if n == 0 {
                return;
            }
            let me = port::current_thread_id();
            let slot = {
                let mut c = self.ctl.lock();
                c.cb_running += 1;
                let slot = if me != 0 { c.cb_threads.iter().position(|&t| t == 0) } else { None };
                if let Some(i) = slot {
                    c.cb_threads[i] = me;
                }
                slot
            };
            for cb in &batch[..n] {
                // The guard keeps a panic in Rust code from skipping the count;
                // the C callbacks themselves cannot unwind.
                let _ = port::catch_panic(|| match *cb {
                    // SAFETY: C functions given by the application, called with
                    // the socket they were registered on (valid when collected).
                    Cb::Disconnect(f, s) => unsafe { f(s) },
                    // SAFETY: as above, with the port it listens on.
                    Cb::Listen(f, s, port) => unsafe { f(s, port) },
                    Cb::None => {}
                });
            }
            let mut c = self.ctl.lock();
            c.cb_running -= 1;
            if let Some(i) = slot {
                c.cb_threads[i] = 0;
            }
        }
    }

    /// Polls once and sends what came out; runs callbacks. No lock held on entry.
    pub(crate) fn poll_now(&self) {
        let cbs = {
            let mut g = self.core.lock();
            match g.as_mut() {
                Some(core) => {
                    self.poll_locked(core);
                    core.cbs.len
                }
                None => 0,
            }
        };
        self.flush();
        if cbs > 0 {
            self.run_pending();
        }
    }

    /// Runs `f` on the core in a loop until it yields a result: after each
    /// call, polls if `f` asked for it (then re-runs `f` at once if the poll
    /// changed something), otherwise waits for a change or the deadline.
    /// `f` gets `timed_out` = true once the deadline has passed and must then
    /// return a result.
    pub(crate) fn wait_for<R>(
        &self,
        deadline: Deadline,
        wait: Wait,
        mut f: impl FnMut(&mut IpCore, bool) -> (Option<R>, bool),
    ) -> R {
        let mut g = self.core.lock();
        let mut spins_left = SPIN_BUDGET;
        loop {
            let timed_out = deadline.expired();
            let (res, need_poll) = f(core_of(&mut g), timed_out);
            if need_poll {
                let (g2, again) = self.wait_poll(g, res.is_some());
                match (res, g2) {
                    (Some(r), None) => return r,
                    (_, Some(g2)) => g = g2,
                    // Not reached: wait_poll keeps the lock unless done.
                    (None, None) => g = self.core.lock(),
                }
                if again {
                    continue;
                }
            } else if let Some(r) = res {
                return r;
            }
            if spins_left > 0 && matches!(wait, Wait::Rx(_)) {
                // Data path: the next segment usually comes within
                // microseconds (processed by another thread). Spin on the
                // poll counter a little before sleeping: it saves a wake-up
                // system call and two context switches per segment.
                spins_left -= 1;
                let gen0 = self.gen.load(Ordering::Acquire);
                drop(g);
                let mut quiet = true;
                for _ in 0..SPIN_ROUNDS {
                    if self.gen.load(Ordering::Acquire) != gen0 {
                        quiet = false;
                        break;
                    }
                    core::hint::spin_loop();
                }
                if quiet {
                    // Nothing happened for a whole round: sleep next time.
                    spins_left = 0;
                }
                g = self.core.lock();
                continue;
            }
            if self.polled() {
                // No helper: serve the instance here (frames queued by the
                // driver, timers, deferred processing), then wait at most a
                // tick before looking again ("check, poll, wait").
                drop(g);
                self.service();
                g = self.core.lock();
                if deadline.expired() {
                    continue;
                }
                // SAFETY: as below.
                unsafe { self.register(core_of(&mut g), wait, 1) };
                let (g2, _) = self.sock_sig.wait_until(g, deadline.min(Deadline::after_ticks(1)));
                g = g2;
                // SAFETY: as below.
                unsafe { self.register(core_of(&mut g), wait, -1) };
                continue;
            }
            // SAFETY: sockets named in `wait` are created (callers' contract).
            unsafe { self.register(core_of(&mut g), wait, 1) };
            let (g2, _) = self.sock_sig.wait_until(g, deadline);
            g = g2;
            // SAFETY: the same sockets, still created (callers' contract).
            unsafe { self.register(core_of(&mut g), wait, -1) };
        }
    }

    /// [`IpShared::wait_for`]'s poll, out of line so that the frames of the
    /// services waiting in it hold only their own locals: polls, then (when
    /// callbacks or frames are pending, or `done`) releases the lock, sends
    /// and runs callbacks. Returns no guard when it released the lock and
    /// `done` (the caller returns its result); else the guard and whether to
    /// look again at once (the poll changed something, or the lock was
    /// released: frames we sent may have been answered on this very thread
    /// by a driver that delivers inline, with no one waiting to be woken).
    #[inline(never)]
    fn wait_poll<'a>(&'a self, mut g: Guard<'a, CorePtr>, done: bool) -> (Option<Guard<'a, CorePtr>>, bool) {
        let core = core_of(&mut g);
        let changed = self.poll_locked(core);
        let cbs = core.cbs.len;
        let tx_pending = !self.ctl.lock().tx_head.is_null();
        if cbs > 0 || tx_pending || done {
            drop(g);
            self.flush();
            if cbs > 0 {
                self.run_pending();
            }
            if done {
                return (None, false);
            }
            return (Some(self.core.lock()), true);
        }
        (Some(g), changed)
    }

    unsafe fn register(&self, core: &mut IpCore, wait: Wait, delta: i32) {
        match wait {
            Wait::Any => core.sock_waiters = (core.sock_waiters as i32 + delta) as u32,
            _ => tcp::register_wait(&mut core.tcp, wait, delta),
        }
    }

    /// The helper thread: rounds of "wait, poll, flush, callbacks" until
    /// shutdown. Each round runs under a panic guard: a panic (a bug) ends
    /// that round only, never the thread, so the instance keeps running.
    fn helper(&self) {
        let mut idle_backoff = false;
        loop {
            match port::catch_panic(|| self.helper_round(&mut idle_backoff)) {
                Some(true) => return,
                Some(false) => {}
                None => port::sleep_ticks(1),
            }
        }
    }

    /// One round of the helper; true when the instance shuts down.
    fn helper_round(&self, idle_backoff: &mut bool) -> bool {
        let deferred;
        {
            let mut c = self.ctl.lock();
            loop {
                if c.shutdown {
                    return true;
                }
                if !c.rx_head.is_null() || c.deferred || c.kick {
                    break;
                }
                let now = port::now_ms();
                let wait_ms = match c.next_poll_ms {
                    Some(t) if t <= now && !*idle_backoff => break,
                    Some(t) => Some(t.saturating_sub(now).max(*idle_backoff as u64).min(HELPER_PERIOD_MS)),
                    None => None,
                };
                let deadline = match wait_ms {
                    Some(ms) => Deadline::after_ms(ms),
                    None => Deadline::never(),
                };
                c.helper_target_ms = wait_ms.map(|ms| now + ms);
                c.helper_waiting = true;
                let (c2, timed_out) = self.ctl_sig.wait_until(c, deadline);
                c = c2;
                c.helper_waiting = false;
                if timed_out {
                    break;
                }
            }
            deferred = core::mem::replace(&mut c.deferred, false);
            c.kick = false;
        }
        let changed = self.service_round(deferred);
        // smoltcp may ask for an immediate poll it cannot act on (empty
        // pool): back off by 1 ms instead of spinning.
        *idle_backoff = !changed && matches!(self.ctl.lock().next_poll_ms, Some(t) if t <= port::now_ms());
        false
    }

    /// What the helper does once it woke: the driver's deferred processing
    /// if asked, a poll of smoltcp (queued frames, timers), the transmit
    /// flush, then callbacks. True when the poll changed something. Called by
    /// a caller that is inside the instance (helper, or an entered call).
    fn service_round(&self, deferred: bool) -> bool {
        if deferred {
            let ip = self.ip;
            // SAFETY: the instance is alive while its helper runs (delete
            // joins the helper before anything is torn down) and while a
            // call is inside it; only the interface's address is computed.
            let ifc = unsafe { &raw mut (*ip).nx_ip_interface[0] };
            // SAFETY: as above: a live instance and its first interface.
            unsafe { driver_command(ip, ifc, NX_LINK_DEFERRED_PROCESSING) };
        }
        let (changed, cbs) = {
            let mut g = self.core.lock();
            match g.as_mut() {
                Some(core) => (self.poll_locked(core), core.cbs.len),
                None => (false, 0),
            }
        };
        self.flush();
        if cbs > 0 {
            self.run_pending();
        }
        changed
    }

    /// True when the instance has no helper thread.
    pub(crate) fn polled(&self) -> bool {
        self.polled.load(Ordering::Relaxed)
    }

    /// In polled mode, what a waiting call does instead of relying on the
    /// helper: one service round (no lock held on entry).
    pub(crate) fn service(&self) {
        let deferred = core::mem::replace(&mut self.ctl.lock().deferred, false);
        self.service_round(deferred);
    }
}

/// Sends `command` (no packet) to the driver of `ifc`; its status.
///
/// # Safety
/// `ip`/`ifc` address a live NX_IP and one of its interfaces (entered, or
/// being created/deleted by this call).
unsafe fn driver_command(ip: *mut NX_IP, ifc: *mut NX_INTERFACE, command: UINT) -> UINT {
    // SAFETY: the caller's live interface; the driver entry is set at create
    // and never changes (a raw place read: drivers write the interface).
    let Some(driver) = (unsafe { (*ifc).nx_interface_link_driver_entry }) else {
        return NX_NOT_SUCCESSFUL;
    };
    let mut ret: ULONG = 0;
    let mut req = NX_IP_DRIVER {
        nx_ip_driver_command: command,
        nx_ip_driver_status: NX_SUCCESS,
        nx_ip_driver_physical_address_msw: 0,
        nx_ip_driver_physical_address_lsw: 0,
        nx_ip_driver_packet: ptr::null_mut(),
        nx_ip_driver_return_ptr: &mut ret,
        nx_ip_driver_ptr: ip,
        nx_ip_driver_interface: ifc,
    };
    // SAFETY: the driver registered for this interface, called as NetX
    // calls it: a request for its own instance and interface; `ret`
    // outlives the call.
    unsafe { driver(&mut req) };
    req.nx_ip_driver_status
}

/// Instances the bare-metal idle hook serves (addresses of their `NX_IP`;
/// 0 = free). An instance beyond these is still driven by its own calls'
/// waits and `nx_ip_service`, not by waits on other instances.
static IDLE_IPS: Lock<[usize; 8]> = Lock::new([0; 8]);

/// Lists (or unlists) `ip` for the idle hook; registers the hook.
fn idle_list(ip: *mut NX_IP, add: bool) {
    let mut l = IDLE_IPS.lock();
    if add {
        if let Some(e) = l.iter_mut().find(|e| **e == 0 || **e == ip as usize) {
            *e = ip as usize;
        }
    } else {
        for e in l.iter_mut().filter(|e| **e == ip as usize) {
            *e = 0;
        }
    }
    drop(l);
    if add {
        port::set_idle_hook(Some(idle_poll_all));
    }
}

/// The bare-metal idle hook: one helper round (the driver's deferred
/// processing when it asked for it, received frames, smoltcp's timers, the
/// transmit flush, callbacks) per listed instance. Never blocks.
fn idle_poll_all() {
    let ips = *IDLE_IPS.lock();
    for ip in ips.into_iter().filter(|ip| *ip != 0) {
        // SAFETY: a listed address is an NX_IP that was created and is
        // unlisted before its delete finishes; `enter` checks it is still
        // created and not closing, and keeps delete waiting meanwhile.
        if let Ok(sh) = unsafe { enter(ip as *mut NX_IP) } {
            sh.service();
        }
    }
}

// ---------------------------------------------------------------- services

/// Nothing to set up on the host; kept for source compatibility.
pub unsafe fn nx_system_initialize() {
    let _ = port::ticks();
}

static PRIMARY_NAME: &[u8] = b"PRI\0";

/// Creates an IP instance: state, driver ATTACH / INITIALIZE / ENABLE, the
/// smoltcp interface (MAC and MTU as the driver set them during INITIALIZE),
/// then the helper thread. `NX_NOT_SUCCESSFUL` if the driver fails or the
/// thread cannot start (everything is undone then).
#[allow(clippy::too_many_arguments)]
pub unsafe fn nx_ip_create(
    ip: *mut NX_IP,
    name: *mut CHAR,
    ip_address: ULONG,
    network_mask: ULONG,
    default_pool: *mut NX_PACKET_POOL,
    driver: NX_IP_DRIVER_ENTRY,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
    priority: UINT,
) -> UINT {
    // SAFETY: the service's contract: `ip` addresses the caller's NX_IP
    // block, not created yet; all-zero bytes are a valid NX_IP.
    unsafe { ptr::write_bytes(ip, 0, 1) };
    // SAFETY: as above: until its id is set below no other code reads or
    // writes the block (checked calls find id 0), so this reference is
    // unaliased for as long as it is used.
    let i = unsafe { &mut *ip };
    i.nx_ip_name = name;
    i.nx_ip_default_packet_pool = default_pool;
    for (n, ifc) in i.nx_ip_interface.iter_mut().enumerate() {
        ifc.nx_interface_index = n as UCHAR;
        ifc.nx_interface_ip_instance = ip;
    }
    let ifc = &mut i.nx_ip_interface[0];
    ifc.nx_interface_name = PRIMARY_NAME.as_ptr() as *mut CHAR;
    ifc.nx_interface_valid = 1;
    ifc.nx_interface_address_mapping_needed = 1;
    ifc.nx_interface_ip_address = ip_address;
    ifc.nx_interface_ip_network_mask = network_mask;
    ifc.nx_interface_ip_network = ip_address & network_mask;
    ifc.nx_interface_ip_mtu_size = 1500;
    ifc.nx_interface_link_driver_entry = driver;

    let shp = i.nx_ip_private.as_mut_ptr() as *mut IpShared;
    // SAFETY: the private area fits and aligns an IpShared (asserted at
    // compile time) and holds nothing to drop.
    unsafe {
        ptr::write(
            shp,
            IpShared {
                me: ip as usize,
                ctl: IsrLock::new(Ctl {
                    rx_head: ptr::null_mut(),
                    rx_tail: ptr::null_mut(),
                    tx_head: ptr::null_mut(),
                    tx_tail: ptr::null_mut(),
                    flushing: false,
                    deferred: false,
                    shutdown: false,
                    kick: false,
                    helper_waiting: false,
                    helper_target_ms: None,
                    next_poll_ms: None,
                    cb_running: 0,
                    cb_threads: [0; CB_THREADS],
                }),
                ctl_sig: Signal::new(),
                core: Lock::new(CorePtr(ptr::null_mut())),
                sock_sig: Signal::new(),
                users: AtomicU32::new(0),
                closing: AtomicBool::new(false),
                polled: AtomicBool::new(false),
                gen: AtomicU32::new(0),
                thread: Lock::new(None),
                host_mem: ptr::null_mut(),
                host_mem_len: 0,
                ip,
                arp_enabled: Lock::new(false),
                tcp_enabled: Lock::new(false),
                icmp_enabled: Lock::new(false),
            },
        )
    };
    // SAFETY: an aligned field of the block; volatile and last, as an id
    // check lets other threads use the instance.
    unsafe { ptr::write_volatile(&mut i.nx_ip_id, NX_IP_ID) };
    // From here on the block is shared (drivers write its interface):
    // raw pointers, one field at a time.
    // SAFETY: the caller's block, live for the call; only the address is computed.
    let ifc = unsafe { &raw mut (*ip).nx_ip_interface[0] };

    let undo = |ip: *mut NX_IP| {
        // SAFETY: the block being created, live for the call; only the
        // field's address is computed.
        let id = unsafe { &raw mut (*ip).nx_ip_id };
        // SAFETY: an aligned field; volatile, as checked calls read it unlocked.
        unsafe { ptr::write_volatile(id, 0) };
        // SAFETY: `shp` holds the IpShared written above; only the field's
        // address is computed.
        let me = unsafe { &raw mut (*shp).me };
        // SAFETY: an aligned field; volatile, as `id`.
        unsafe { ptr::write_volatile(me, 0) };
        // SAFETY: the IpShared written above; shared use goes through its
        // locks and atomics.
        let sh = unsafe { &*shp };
        sh.ctl.lock().shutdown = true;
        sh.closing.store(true, Ordering::SeqCst);
        // SAFETY: the instance's queues hold only packets it owns.
        unsafe { drain_queues(sh) };
    };

    // SAFETY: the instance's first interface and the driver set above
    // (`ip` live for the call).
    unsafe { driver_command(ip, ifc, NX_LINK_INTERFACE_ATTACH) };
    // SAFETY: as ATTACH.
    if unsafe { driver_command(ip, ifc, NX_LINK_INITIALIZE) } != NX_SUCCESS {
        undo(ip);
        return NX_NOT_SUCCESSFUL;
    }
    // SAFETY: the interface the driver just initialised (a raw place read:
    // the driver may write the interface's link state meanwhile).
    let mtu = (unsafe { (*ifc).nx_interface_ip_mtu_size } as usize).clamp(576, 9000);
    // SAFETY: the service's contract: `default_pool` is a created pool; its
    // payload size never changes.
    let pool_payload = unsafe { (*default_pool).nx_packet_pool_payload_size } as usize;
    // A frame must fit one pool packet after NX_PHYSICAL_HEADER - 14 bytes.
    let mtu = mtu.min(pool_payload.saturating_sub(NX_PHYSICAL_HEADER as usize)).max(68);
    // The fixed part of the caller's memory area (see `area`).
    let mut layout = Layout::carve(memory_ptr, memory_size, mtu);
    let mut host_mem = ptr::null_mut();
    // Too small for the fixed part and one socket (a NetX program gives
    // the IP thread's stack, e.g. 2 KiB): the std port takes the
    // instance's memory from the heap, once; embedded ports cannot.
    if !memory_ptr.is_null() && layout.as_ref().map_or(true, |l| l.heap_len < tcp::socket_bytes(tcp::MIN_WINDOW)) {
        if let Some(p) = port::host_area(port::HOST_AREA_BYTES) {
            layout = Layout::carve(p as *mut VOID, port::HOST_AREA_BYTES as ULONG, mtu);
            host_mem = p;
        }
    }
    let Some(layout) = layout else {
        if !host_mem.is_null() {
            // SAFETY: from the host_area call above, with its size; unused.
            unsafe { port::host_area_free(host_mem, port::HOST_AREA_BYTES) };
        }
        // SAFETY: as ATTACH.
        unsafe { driver_command(ip, ifc, NX_LINK_UNINITIALIZE) };
        undo(ip);
        return NX_SIZE_ERROR;
    };
    // SAFETY: the IpShared written above; `host_mem` is read only by
    // delete, which a program does not call before create returned. One
    // field in place, no `&mut`: other threads may hold `&IpShared` already.
    unsafe { (*shp).host_mem = host_mem };
    // SAFETY: as `host_mem`.
    unsafe { (*shp).host_mem_len = port::HOST_AREA_BYTES };
    // IpCore (smoltcp's Interface, the socket table: about 5 KB on
    // Cortex-M4) is written in place, field by field: built on the stack
    // and copied, it made this call's frame 11 KB.
    //
    // `c` is the IpCore slot carved from the caller's area: aligned, valid
    // for writes, uninitialised, and nothing refers to it until it is
    // published under `core` below. Fields without drop glue (asserted
    // after this function) are stored with a plain assignment, which drops
    // nothing of the old bytes; the others are written.
    let c = layout.core;
    // SAFETY: the carved receive scratch, `mtu + ETH_HDR + 6` bytes of the
    // area, used only by this device while the instance exists.
    let rx_buf = unsafe { core::slice::from_raw_parts_mut(layout.rx, mtu + ETH_HDR + 6) };
    // SAFETY: the carved transmit scratch, `mtu + ETH_HDR` bytes, as `rx_buf`.
    let tx_scratch = unsafe { core::slice::from_raw_parts_mut(layout.tx, mtu + ETH_HDR) };
    // SAFETY: `c` as said above; NxDevice has no drop glue.
    unsafe {
        (*c).dev = NxDevice {
            shared: shp,
            pool: default_pool,
            mtu,
            rx_list: ptr::null_mut(),
            rx_buf,
            tx_scratch,
            out_head: ptr::null_mut(),
            out_tail: ptr::null_mut(),
            rx_count: 0,
            tx_drops: 0,
            v6: crate::netx::ipv6::V6State::new(),
        }
    };
    // SAFETY: the device just written; the only reference to it until the
    // IpCore is published.
    let dev = unsafe { &mut (*c).dev };
    // SAFETY: the interface the driver initialised (its MAC fields).
    let mac = unsafe { mac_of(ifc) };
    let n = dev.rx_buf.len();
    dev.rx_buf[n - 6..].copy_from_slice(&mac);
    // SAFETY: `c` as said above; only the field's address is computed.
    let iface = unsafe { &raw mut (*c).iface };
    // SAFETY: `iface` is the IpCore's field, written once there; `ip` is
    // the instance being created.
    unsafe { init_iface(iface, dev, mac, ip_address, network_mask, ip) };
    for i in 0..SMOLTCP_SOCKETS {
        // SAFETY: entry `i` of the carved socket storage (SMOLTCP_SOCKETS
        // aligned entries), written once.
        unsafe { layout.storage.wrapping_add(i).write(SocketStorage::EMPTY) };
    }
    // SAFETY: the first INITIAL_SOCKET_SLOTS entries, just written, used
    // only by this SocketSet; the area outlives the instance's sockets
    // ('static is that promise).
    let storage: &'static mut [SocketStorage<'static>] = unsafe { core::slice::from_raw_parts_mut(layout.storage, INITIAL_SOCKET_SLOTS) };
    // SAFETY: `c` as said above; only the field's address is computed.
    let sockets = unsafe { &raw mut (*c).sockets };
    // SAFETY: that field, uninitialised: written, not assigned (SocketSet has drop glue).
    unsafe { sockets.write(SocketSet::new(storage)) };
    // SAFETY: `c` as said above; a usize.
    unsafe { (*c).smoltcp_used = 0 };
    // SAFETY: `c` as said above; a raw pointer.
    unsafe { (*c).storage = layout.storage };
    // SAFETY: `c` as said above; a usize.
    unsafe { (*c).storage_len = INITIAL_SOCKET_SLOTS };
    // SAFETY: `c` as said above; only the field's address is computed.
    let tcp = unsafe { &raw mut (*c).tcp };
    // SAFETY: that field: valid for writes and aligned.
    unsafe { TcpState::init(tcp) };
    // SAFETY: the carved buffer space of the caller's area, used by nothing
    // else while the instance exists.
    let area = unsafe { Area::new(layout.heap, layout.heap_len) };
    // SAFETY: `c` as said above; Area has no drop glue.
    unsafe { (*c).area = area };
    // SAFETY: `c` as said above; a u32.
    unsafe { (*c).sock_waiters = 0 };
    // SAFETY: `c` as said above; Callbacks has no drop glue.
    unsafe { (*c).cbs = Callbacks::new() };
    // SAFETY: `c` as said above; StackArea has no drop glue.
    unsafe { (*c).svc_stack = port::StackArea { ptr: layout.svc_stack, size: port::SERVICE_STACK } };
    // Every field written above: a field added to IpCore fails to compile
    // here until it is written too.
    let _ = |c: IpCore| {
        let IpCore { iface: _, sockets: _, smoltcp_used: _, storage: _, storage_len: _, area: _, dev: _, tcp: _, sock_waiters: _, cbs: _, svc_stack: _ } = c;
    };
    // SAFETY: the IpShared written above (its lock, through a shared reference).
    unsafe { (*shp).core.lock().0 = layout.core };
    // SAFETY: as ATTACH.
    unsafe { driver_command(ip, ifc, NX_LINK_ENABLE) };

    fn entry(arg: usize) {
        // SAFETY: `arg` is the instance's IpShared, which outlives its
        // helper thread (delete joins it before anything is torn down).
        unsafe { (*(arg as *const IpShared)).helper() }
    }
    // SAFETY: the carved thread slot (aligned, valid for writes), written
    // once before the thread starts.
    unsafe { layout.slot.write(port::ThreadSlot::new()) };
    let th = if NO_HELPER.load(Ordering::Relaxed) {
        None
    } else {
        // SAFETY: the slot and stack are carved from the instance's memory,
        // which stays until delete joined the thread; `shp` (the IpShared)
        // outlives the thread likewise.
        unsafe {
            port::spawn_in(
                layout.slot,
                c"nx_ip",
                port::StackArea { ptr: layout.stack, size: CARVED_STACK },
                priority,
                entry,
                shp as usize,
            )
        }
    };
    match th {
        // SAFETY: the IpShared written above (its lock, through a shared reference).
        Some(t) => unsafe { *(*shp).thread.lock() = Some(t) },
        // Bare metal (no threads), or the OS refused one: the
        // application's calls drive the instance, and on bare metal
        // the port's idle hook too (every blocking wait runs it).
        None => {
            // SAFETY: the IpShared written above (an atomic, through a shared reference).
            unsafe { (*shp).polled.store(true, Ordering::Relaxed) };
            if !port::HAS_THREADS {
                idle_list(ip, true);
            }
        }
    }
    NX_SUCCESS
}

// nx_ip_create stores these IpCore fields with plain assignments into
// uninitialised memory: sound only while they have no drop glue.
const _: () = assert!(!core::mem::needs_drop::<NxDevice>());
const _: () = assert!(!core::mem::needs_drop::<Area>());
const _: () = assert!(!core::mem::needs_drop::<Callbacks>());
const _: () = assert!(!core::mem::needs_drop::<port::StackArea>());

/// Writes the instance's smoltcp `Interface` to `dst`, out of line: the one
/// `Interface`-sized temporary (`Interface::new` returns by value) lives in
/// this frame only, not in `nx_ip_create`'s for the rest of it.
#[inline(never)]
unsafe fn init_iface(dst: *mut Interface, dev: &mut NxDevice, mac: [u8; 6], ip_address: ULONG, network_mask: ULONG, ip: *mut NX_IP) {
    let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(mac)));
    config.random_seed = port::random_u64() ^ ((ip_address as u64) << 20) ^ (ip as usize as u64);
    // SAFETY: `dst` is the IpCore's field in the area, written once here.
    unsafe { dst.write(Interface::new(config, dev, now_instant())) };
    // SAFETY: just written.
    let iface = unsafe { &mut *dst };
    let a = ip_address.to_be_bytes();
    let prefix = network_mask.count_ones() as u8;
    iface.update_ip_addrs(|addrs| {
        let _ = addrs.push(IpCidr::new(Ipv4Address::new(a[0], a[1], a[2], a[3]).into(), prefix));
    });
}

/// The interface's MAC address, from its two NetX words.
///
/// # Safety
/// `ifc` addresses a live NX_INTERFACE.
unsafe fn mac_of(ifc: *const NX_INTERFACE) -> [u8; 6] {
    // SAFETY: the caller's live interface; a raw place read (the driver
    // writes the interface, so no reference is made).
    let msw = unsafe { (*ifc).nx_interface_physical_address_msw };
    // SAFETY: as `msw`.
    let lsw = unsafe { (*ifc).nx_interface_physical_address_lsw };
    let l = lsw.to_be_bytes();
    [(msw >> 8) as u8, msw as u8, l[0], l[1], l[2], l[3]]
}

/// Releases every packet on the instance's receive and transmit queues.
///
/// # Safety
/// The queues hold only packets the instance owns (what the deferred
/// receive paths and polls put there).
unsafe fn drain_queues(sh: &IpShared) {
    let (mut rx, mut tx) = {
        let mut c = sh.ctl.lock();
        c.rx_tail = ptr::null_mut();
        c.tx_tail = ptr::null_mut();
        (core::mem::replace(&mut c.rx_head, ptr::null_mut()), core::mem::replace(&mut c.tx_head, ptr::null_mut()))
    };
    for list in [&mut rx, &mut tx] {
        while !list.is_null() {
            // SAFETY: a queued packet, the instance's (the caller's
            // contract), off the shared queue since it was taken under `ctl`.
            let k = unsafe { &mut **list };
            let next = k.nx_packet_queue_next;
            k.nx_packet_queue_next = ptr::null_mut();
            // SAFETY: as `k`, whose last use is above.
            unsafe { packet::nx_packet_release(*list) };
            *list = next;
        }
    }
}

/// Creates instances without a helper thread from now on, as on a port with
/// no threads (host tests of the bare-metal path).
pub static NO_HELPER: AtomicBool = AtomicBool::new(false);

/// One round of the work the helper thread does (driver deferred
/// processing, received frames, smoltcp timers, transmit flush, callbacks),
/// on the calling thread. For an instance without a helper thread (bare
/// metal): the application's blocking calls do this by themselves while
/// they wait; a super-loop calls it when no call is waiting. Harmless with
/// a helper. `NX_PTR_ERROR` for an instance not created.
pub unsafe fn nx_ip_service(ip: *mut NX_IP) -> UINT {
    // SAFETY: the caller's pointer addresses an NX_IP-sized object.
    match unsafe { enter(ip) } {
        Ok(sh) => {
            sh.service();
            NX_SUCCESS
        }
        Err(e) => e,
    }
}

/// How long `nx_ip_delete` waits for callbacks of the instance that are
/// running on other threads before it concludes it runs inside one.
const DELETE_CALLBACK_WAIT_TICKS: u32 = 100;

/// Deletes an instance, following the lifetime rule (see `netx`):
///
/// - `NX_SOCKETS_BOUND` while sockets are created on it (delete them first),
///   as NetX;
/// - `NX_CALLER_ERROR` when called on the instance's own helper thread or
///   from inside one of the instance's callbacks (listen, disconnect: they
///   run on the helper, on an application thread inside a call, or inline
///   in the RAM driver; the thread is known by [`port::current_thread_id`]),
///   at once; when callbacks run on other threads, delete waits for them,
///   and answers `NX_CALLER_ERROR` if one still runs after about a second
///   (a thread the port cannot name, or more than `CB_THREADS` at once);
/// - otherwise new calls are refused from now on (`NX_PTR_ERROR`), the
///   helper thread is stopped and joined, every call still inside the
///   instance is waited out, then the driver gets `NX_LINK_DISABLE` and
///   `NX_LINK_UNINITIALIZE`, queued packets go back to their pools and the
///   id is cleared. Nothing touches the `NX_IP` after this returns.
pub unsafe fn nx_ip_delete(ip: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let Some(sh) = (unsafe { shared(ip) }) else { return NX_PTR_ERROR };
    if sh.thread.lock().as_ref().is_some_and(|t| t.is_current()) {
        return NX_CALLER_ERROR;
    }
    let me = port::current_thread_id();
    let deadline = Deadline::after_ticks(DELETE_CALLBACK_WAIT_TICKS);
    loop {
        {
            let mut g = sh.core.lock();
            let mut c = sh.ctl.lock();
            if c.shutdown {
                return NX_PTR_ERROR;
            }
            if g.as_mut().is_some_and(|core| core.tcp.created() > 0) {
                return NX_SOCKETS_BOUND;
            }
            // Inside one of the instance's callbacks on this very
            // thread: waiting would wait for ourselves.
            if me != 0 && c.cb_running > 0 && c.cb_threads.contains(&me) {
                return NX_CALLER_ERROR;
            }
            if c.cb_running == 0 {
                c.shutdown = true;
                sh.closing.store(true, Ordering::SeqCst);
                break;
            }
        }
        if deadline.expired() {
            return NX_CALLER_ERROR;
        }
        port::sleep_ticks(1);
    }
    // Wakes the helper (it finds `shutdown`): after the IsrLock is let go.
    sh.ctl_sig.notify_all();
    if let Some(t) = sh.thread.lock().take() {
        t.join();
    }
    if !port::HAS_THREADS {
        idle_list(ip, false);
    }
    while sh.users.load(Ordering::SeqCst) > 0 {
        port::sleep_ticks(1);
    }
    // SAFETY: a created instance (`shared` checked it), kept by the caller
    // for the call; only the interface's address is computed, no reference
    // (the driver writes the interface).
    let ifc = unsafe { &raw mut (*ip).nx_ip_interface[0] };
    // SAFETY: the instance's driver and first interface; no call is inside
    // the instance any more and its helper is joined.
    unsafe { driver_command(ip, ifc, NX_LINK_DISABLE) };
    // SAFETY: as DISABLE.
    unsafe { driver_command(ip, ifc, NX_LINK_UNINITIALIZE) };
    // SAFETY: the live interface of the instance.
    unsafe { link_set(ifc, false) };
    let core = sh.core.lock().take();
    // SAFETY: NULL, or the IpCore create wrote in the area; taken out of
    // `core` above, so this is the only reference to it from now on.
    if let Some(core) = unsafe { core.as_mut() } {
        if !core.dev.rx_list.is_null() {
            let mut p = core.dev.rx_list;
            while !p.is_null() {
                // SAFETY: a packet on the device's receive list, the instance's.
                let n = unsafe { (*p).nx_packet_queue_next };
                // SAFETY: as above; nothing refers to it after this.
                unsafe { packet::nx_packet_release(p) };
                p = n;
            }
            core.dev.rx_list = ptr::null_mut();
        }
        let mut p = core.dev.out_head;
        while !p.is_null() {
            // SAFETY: a frame on the device's output list, the instance's.
            let n = unsafe { (*p).nx_packet_queue_next };
            // SAFETY: as above; nothing refers to it after this.
            unsafe { packet::nx_packet_release(p) };
            p = n;
        }
        // The sockets' buffers are the caller's area: nothing to free but
        // what the smoltcp objects own (nothing on the heap).
        // SAFETY: the IpCore is initialised and unreachable from here on
        // (taken out of `core`); it is dropped once.
        unsafe { ptr::drop_in_place(core) };
    }
    // SAFETY: the instance's queues hold only packets it owns.
    unsafe { drain_queues(sh) };
    // SAFETY: the caller's block, live for the call; only the field's
    // address is computed.
    let id = unsafe { &raw mut (*ip).nx_ip_id };
    // SAFETY: an aligned field; volatile, as checked calls read it unlocked.
    unsafe { ptr::write_volatile(id, 0) };
    // SAFETY: as `id`.
    let shp = unsafe { &raw mut (*ip).nx_ip_private } as *mut IpShared;
    // SAFETY: the IpShared create wrote there; only the field's address is computed.
    let me = unsafe { &raw mut (*shp).me };
    // SAFETY: an aligned field; volatile, as `id`.
    unsafe { ptr::write_volatile(me, 0) };
    // SAFETY: the IpShared; no other thread is inside the instance any more
    // (calls waited out, helper joined), so nothing reads this field meanwhile.
    let host_mem = unsafe { core::mem::replace(&mut (*shp).host_mem, ptr::null_mut()) };
    if !host_mem.is_null() {
        // SAFETY: as `host_mem`.
        let len = unsafe { (*shp).host_mem_len };
        // Nothing of the instance uses its memory any more (helper
        // joined, calls waited out, core dropped, queues drained).
        // SAFETY: from create's host_area call, with its size.
        unsafe { port::host_area_free(host_mem, len) };
    }
    NX_SUCCESS
}

/// Reads an interface's `nx_interface_link_up` (drivers write it from any
/// thread: one byte, accessed atomically on our side).
pub unsafe fn link_is_up(ifc: *const NX_INTERFACE) -> bool {
    // SAFETY: the caller's live interface; only the field's address is computed.
    let b = unsafe { &raw const (*ifc).nx_interface_link_up } as *mut u8;
    // SAFETY: a byte inside the live interface, valid for the call; every
    // access to it from Rust is atomic (a u8 has an AtomicU8's alignment).
    unsafe { AtomicU8::from_ptr(b) }.load(Ordering::Acquire) != 0
}

/// Writes an interface's `nx_interface_link_up` atomically (drivers: on
/// `NX_LINK_ENABLE` / `NX_LINK_DISABLE`).
pub unsafe fn link_set(ifc: *mut NX_INTERFACE, up: bool) {
    // SAFETY: the caller's live interface; only the field's address is computed.
    let b = unsafe { &raw mut (*ifc).nx_interface_link_up };
    // SAFETY: a byte inside the live interface, valid for the call; every
    // access to it from Rust is atomic (a u8 has an AtomicU8's alignment).
    unsafe { AtomicU8::from_ptr(b) }.store(up as u8, Ordering::Release)
}

/// Sets one of the instance's enable flags: `NX_ALREADY_ENABLED` when it
/// was set already (`nx_arp_enable`, `nx_tcp_enable`, `nx_icmp_enable`).
///
/// # Safety
/// `ip` addresses an NX_IP-sized object (the services' contract).
unsafe fn enable_once(ip: *mut NX_IP, flag: fn(&IpShared) -> &Lock<bool>) -> UINT {
    // SAFETY: the caller's contract.
    let sh = match unsafe { enter(ip) } {
        Ok(u) => u,
        Err(e) => return e,
    };
    let mut e = flag(&sh).lock();
    if *e {
        return NX_ALREADY_ENABLED;
    }
    *e = true;
    NX_SUCCESS
}

/// Records that ARP is enabled (smoltcp keeps its own neighbor cache; the
/// caller's cache memory is checked and left untouched).
pub unsafe fn nx_arp_enable(ip: *mut NX_IP, _cache: *mut VOID, _size: ULONG) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    unsafe { enable_once(ip, |sh| &sh.arp_enabled) }
}

/// Enables TCP (sockets can be created afterwards).
pub unsafe fn nx_tcp_enable(ip: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    unsafe { enable_once(ip, |sh| &sh.tcp_enabled) }
}

/// Enables ICMP. Echo requests are answered by smoltcp in any case.
pub unsafe fn nx_icmp_enable(ip: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    unsafe { enable_once(ip, |sh| &sh.icmp_enabled) }
}

/// The instance's `NX_IP_*` status bits now.
///
/// # Safety
/// `ip` is a created instance, `sh` its shared state.
unsafe fn status_bits(ip: *mut NX_IP, sh: &IpShared) -> ULONG {
    // SAFETY: the caller's created instance; only the interface's address
    // is computed, no reference (the driver writes its link state).
    let ifc = unsafe { &raw const (*ip).nx_ip_interface[0] };
    let mut s = NX_IP_INITIALIZE_DONE;
    // SAFETY: that interface; a raw place read of its address.
    if unsafe { (*ifc).nx_interface_ip_address } != 0 {
        s |= NX_IP_ADDRESS_RESOLVED;
    }
    // SAFETY: that live interface.
    if unsafe { link_is_up(ifc) } {
        s |= NX_IP_LINK_ENABLED | NX_IP_INTERFACE_LINK_ENABLED;
    }
    if *sh.arp_enabled.lock() {
        s |= NX_IP_ARP_ENABLED;
    }
    if *sh.tcp_enabled.lock() {
        s |= NX_IP_TCP_ENABLED;
    }
    s
}

/// Waits up to `wait_option` ticks until every bit of `needed_status` is set;
/// `*actual_status` gets the bits. `NX_NOT_SUCCESSFUL` on timeout;
/// `NX_PTR_ERROR` if the instance is deleted meanwhile (the delete does not
/// wait for the timeout).
pub unsafe fn nx_ip_status_check(ip: *mut NX_IP, needed_status: ULONG, actual_status: *mut ULONG, wait_option: ULONG) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let sh = match unsafe { enter(ip) } {
        Ok(u) => u,
        Err(e) => return e,
    };
    let deadline = Deadline::after_ticks(wait_option);
    loop {
        if sh.ctl.lock().shutdown {
            return NX_PTR_ERROR;
        }
        // SAFETY: entered: a created instance, and its shared state.
        let s = unsafe { status_bits(ip, &sh) };
        if s & needed_status == needed_status {
            // SAFETY: the service's contract: a writable output lent for the call.
            unsafe { *actual_status = s };
            return NX_SUCCESS;
        }
        if deadline.expired() {
            // SAFETY: as above.
            unsafe { *actual_status = s & needed_status };
            return NX_NOT_SUCCESSFUL;
        }
        port::sleep_ticks(1);
    }
}

/// Sets an interface's IP MTU (bytes). Takes effect at once when called
/// during the driver's INITIALIZE (the usual place); later changes are
/// recorded but smoltcp keeps the MTU it started with.
pub unsafe fn nx_ip_interface_mtu_set(ip: *mut NX_IP, index: UINT, mtu: ULONG) -> UINT {
    if index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the service's contract: a created NX_IP (index checked above);
    // one field in place, no reference (drivers write the interface; this
    // one is written by the driver and the application, during INITIALIZE).
    unsafe { (*ip).nx_ip_interface[index as usize].nx_interface_ip_mtu_size = mtu };
    NX_SUCCESS
}

/// Sets an interface's MAC (`msw` = top 16 bits). With `update_driver`, the
/// driver gets `NX_LINK_SET_PHYSICAL_ADDRESS`.
pub unsafe fn nx_ip_interface_physical_address_set(ip: *mut NX_IP, index: UINT, msw: ULONG, lsw: ULONG, update_driver: UINT) -> UINT {
    if index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the service's contract: a created NX_IP (index checked above);
    // only the interface's address is computed, no reference.
    let ifc = unsafe { &raw mut (*ip).nx_ip_interface[index as usize] };
    if update_driver != 0 {
        // SAFETY: that interface; the driver entry is set at create and
        // never changes (a raw place read).
        if let Some(driver) = unsafe { (*ifc).nx_interface_link_driver_entry } {
            let mut req = NX_IP_DRIVER {
                nx_ip_driver_command: NX_LINK_SET_PHYSICAL_ADDRESS,
                nx_ip_driver_status: NX_SUCCESS,
                nx_ip_driver_physical_address_msw: msw,
                nx_ip_driver_physical_address_lsw: lsw,
                nx_ip_driver_packet: ptr::null_mut(),
                nx_ip_driver_return_ptr: ptr::null_mut(),
                nx_ip_driver_ptr: ip,
                nx_ip_driver_interface: ifc,
            };
            // SAFETY: the driver registered for this interface, called as
            // NetX calls it: a request for its own instance and interface.
            unsafe { driver(&mut req) };
            if req.nx_ip_driver_status != NX_SUCCESS {
                return req.nx_ip_driver_status;
            }
        }
    }
    // SAFETY: the live interface; the MAC words are written by the driver
    // and this service only. One field in place, no reference.
    unsafe { (*ifc).nx_interface_physical_address_msw = msw };
    // SAFETY: as `msw`.
    unsafe { (*ifc).nx_interface_physical_address_lsw = lsw };
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    if let Some(sh) = unsafe { shared(ip) } {
        // SAFETY: the live interface whose MAC was just set.
        let mac = unsafe { mac_of(ifc) };
        let mut g = sh.core.lock();
        if let Some(core) = g.as_mut() {
            core.iface.set_hardware_addr(HardwareAddress::Ethernet(EthernetAddress(mac)));
            let n = core.dev.rx_buf.len();
            core.dev.rx_buf[n - 6..].copy_from_slice(&mac);
        }
    }
    NX_SUCCESS
}

/// Records whether the interface needs address mapping (ARP).
pub unsafe fn nx_ip_interface_address_mapping_configure(ip: *mut NX_IP, index: UINT, mapping_needed: UINT) -> UINT {
    if index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the service's contract: a created NX_IP (index checked above);
    // one field in place, no reference (drivers write the interface).
    unsafe { (*ip).nx_ip_interface[index as usize].nx_interface_address_mapping_needed = (mapping_needed != 0) as UCHAR };
    NX_SUCCESS
}

/// Queues a received frame (`kind`: IP or ARP) on the instance's deferred
/// receive queue; wakes the helper if asked and it waits.
///
/// # Safety
/// `ip` is NULL or addresses an NX_IP-sized object; `pkt` is NULL or a
/// packet the driver owns and hands over.
unsafe fn enqueue_rx(ip: *mut NX_IP, pkt: *mut NX_PACKET, kind: u8, wake: bool) {
    if pkt.is_null() {
        return;
    }
    // SAFETY: the caller's contract for `ip`.
    let Some(sh) = (unsafe { shared(ip) }) else {
        // SAFETY: the driver's packet, handed over to us.
        unsafe { packet::nx_packet_release(pkt) };
        return;
    };
    {
        // SAFETY: the driver's packet, ours now and on no queue yet.
        let k = unsafe { &mut *pkt };
        k.nx_packet_reserved[0] = kind;
        k.nx_packet_queue_next = ptr::null_mut();
    }
    let mut c = sh.ctl.lock();
    if c.shutdown {
        drop(c);
        // SAFETY: ours, not queued.
        unsafe { packet::nx_packet_release(pkt) };
        return;
    }
    if c.rx_head.is_null() {
        c.rx_head = pkt;
    } else {
        // SAFETY: the queue's tail, an instance packet; the queue is touched
        // only under `ctl`, held here.
        unsafe { (*c.rx_tail).nx_packet_queue_next = pkt };
    }
    c.rx_tail = pkt;
    let wake = wake && c.helper_waiting;
    drop(c);
    if wake {
        sh.ctl_sig.notify_one();
    }
}

/// For drivers that deliver from a context where running the stack is safe
/// (no driver lock held, not an interrupt), like the RAM driver: queues the
/// packet without waking the helper thread. Call [`poll_inline`] next.
pub unsafe fn deferred_receive_no_wake(ip: *mut NX_IP, pkt: *mut NX_PACKET, arp: bool) {
    // SAFETY: the service's contract: the driver's instance and a packet it hands over.
    unsafe { enqueue_rx(ip, pkt, if arp { RX_KIND_ARP } else { 0 }, false) }
}

/// Processes what is queued for `ip` on the calling thread if its stack lock
/// is free, else wakes its helper thread to do it. Saves a thread hand-off
/// per frame: with the RAM driver a whole exchange (data, ACK, window update)
/// runs on the thread that started it. The caller must hold no lock that the
/// stack's driver calls could take.
pub unsafe fn poll_inline(ip: *mut NX_IP) {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let Ok(sh) = (unsafe { enter(ip) }) else { return };
    // The holder usually lets go within a microsecond or two; retrying a
    // little is much cheaper than waking the helper thread.
    let mut guard = sh.core.try_lock();
    for _ in 0..INLINE_LOCK_RETRIES {
        if guard.is_some() {
            break;
        }
        core::hint::spin_loop();
        guard = sh.core.try_lock();
    }
    match guard {
        Some(mut g) => {
            let cbs = match g.as_mut() {
                Some(core) => {
                    sh.poll_locked(core);
                    core.cbs.len
                }
                None => 0,
            };
            drop(g);
            sh.flush();
            if cbs > 0 {
                sh.run_pending();
            }
        }
        None => {
            let c = sh.ctl.lock();
            let wake = c.helper_waiting && !c.rx_head.is_null();
            drop(c);
            if wake {
                sh.ctl_sig.notify_one();
            }
        }
    }
}

/// A driver hands over a received IPv4/IPv6 datagram (`prepend_ptr` at the IP
/// header). Never blocks; the instance owns the packet afterwards.
pub unsafe fn nx_ip_packet_deferred_receive(ip: *mut NX_IP, pkt: *mut NX_PACKET) {
    // SAFETY: the service's contract: the driver's instance and a packet it hands over.
    unsafe { enqueue_rx(ip, pkt, 0, true) }
}

/// A driver hands over a received ARP packet. Never blocks; the instance owns
/// the packet afterwards.
pub unsafe fn nx_arp_packet_deferred_receive(ip: *mut NX_IP, pkt: *mut NX_PACKET) {
    // SAFETY: the service's contract: the driver's instance and a packet it hands over.
    unsafe { enqueue_rx(ip, pkt, RX_KIND_ARP, true) }
}

/// Asks the helper thread (bare metal: the next idle round or wait) to send
/// `NX_LINK_DEFERRED_PROCESSING` to the driver. Callable from an ISR.
pub unsafe fn nx_ip_driver_deferred_processing(ip: *mut NX_IP) {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let Some(sh) = (unsafe { shared(ip) }) else { return };
    sh.ctl.lock().deferred = true;
    sh.ctl_sig.notify_one();
}

