//! TCP sockets over smoltcp with NetX semantics (`_nx_`: no argument checks).
//!
//! Each `NX_TCP_SOCKET` owns exactly one smoltcp socket (created in
//! `nx_tcp_socket_create` with its buffers: receive = the window, at least
//! 1460 bytes; transmit = [`TX_BUFFER`] by default, `max_queue_depth` × MSS
//! after `nx_tcp_socket_transmit_configure`). Its state lives in a slot of the
//! instance's socket table (`TcpState`, fixed size, under the instance's
//! `core` lock); the socket's private area holds only its own address (the
//! self-check) and a generation-checked reference to the slot (`SockRef`).
//! Delete frees the slot and bumps its generation, so a thread still inside
//! a call on the socket finds its reference stale and returns `NX_PTR_ERROR`
//! without reading the socket's memory again: a handle never outlives its
//! socket, and a delete never waits (it may come from a callback running
//! inside a call on the same socket). Disconnect, unbind, unaccept and
//! unlisten bump the slot's `epoch`: a thread waiting on the socket since
//! before returns the NetX status of what happened (`NX_NOT_CONNECTED`,
//! `NX_NOT_BOUND`).
//!
//! Server side: a listen entry per port holds `listen_queue_size` extra
//! smoltcp sockets (the backlog), all listening on the port, so a SYN that
//! arrives while the NetX socket is busy or between `unaccept` and `relisten`
//! is not refused. `accept`/`relisten` swap a connected backlog socket's
//! handle into the NetX socket and leave the NetX socket's listening one in
//! the backlog.
//!
//! `nx_tcp_socket_state` mirrors smoltcp's state after every poll. The
//! disconnect callback runs once when the peer closes or resets a connection
//! we did not close first; the listen callback runs when a connection is
//! established on a listened port. Both run with no lock held.
//!
//! Every `pub unsafe fn` here has the same contract, as the NetX services it
//! stands for: its pointers are valid, point at objects of the named type
//! that are created (ids set), and stay valid for the call.

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc)]

use core::mem::MaybeUninit;
use core::ptr;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{Socket, SocketBuffer, State};
use smoltcp::wire::{IpAddress, Ipv4Address};

use crate::netx::ip::{self, Cb, IpCore, IpUse, Wait};
use crate::netx::packet;
use crate::netx::types::*;
use crate::port::Deadline;

/// Default transmit buffer of a socket, a build setting; a program sets its
/// own per socket with `nx_tcp_socket_transmit_configure` (`max_queue_depth`
/// × MSS), before connect or listen.
///
/// Host (std port): 64 KiB, room for many segments, so that a send returns
/// at once and the window, not the buffer, limits the sender. With it the
/// receiving side's window updates drive the whole transfer on one thread
/// (RAM driver): measured with a 1460-byte window, 474 MB/s with 64 KiB, 223
/// with 32 KiB, 119 with 8 KiB (`tcp_throughput`).
#[cfg(not(any(feature = "port-threadx", feature = "port-baremetal")))]
pub const TX_BUFFER: usize = 64 * 1024;
/// Default transmit buffer of a socket on the embedded ports (ThreadX, bare
/// metal): four full segments (4 × 1460), what a microcontroller can give
/// per socket; a send larger than the free room waits for ACKs.
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
pub const TX_BUFFER: usize = 4 * MSS;
/// The MSS a socket announces and `max_queue_depth` counts in.
pub(crate) const MSS: usize = 1460;
/// Largest transmit buffer `nx_tcp_socket_transmit_configure` gives (larger
/// depths are capped): 1 MiB.
pub(crate) const MAX_TX_BUFFER: usize = 1 << 20;
/// Smallest receive buffer (one full segment).
pub const MIN_WINDOW: usize = 1460;
/// Lowest port `NX_ANY_PORT` gives (0xC000..=0xFFFF, the IANA dynamic range).
const FIRST_ANY_PORT: u16 = 0xC000;
/// Sockets per IP instance (`nx_tcp_socket_create` beyond: `NX_NO_MORE_ENTRIES`).
pub const MAX_SOCKETS: usize = 32;
/// Ports listened on at once per instance (NetX's `NX_MAX_LISTEN_REQUESTS`;
/// beyond: `NX_MAX_LISTEN`).
pub const MAX_LISTENS: usize = 10;
/// Largest `listen_queue_size` (beyond: `NX_SIZE_ERROR`).
pub const MAX_LISTEN_QUEUE: usize = 16;

/// A generation-checked reference to a socket's slot.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SockRef {
    idx: u16,
    gen: u32,
}

/// Private part of an `NX_TCP_SOCKET`: its own address first (self-check,
/// with the id), then its slot.
#[repr(C)]
struct TcpPriv {
    me: usize,
    r: SockRef,
}

const _: () = assert!(private_fits::<TcpPriv, NX_TCP_SOCKET_PRIVATE_WORDS>());

/// State of one created socket (in the instance's table).
struct Slot {
    sock: *mut NX_TCP_SOCKET,
    handle: SocketHandle,
    bufs: Bufs,
    /// Client bind port (0 = not bound).
    port: u16,
    /// Listen entry this socket serves (0 = none).
    listen_port: u16,
    /// Seen connected since the last connect/accept.
    was_connected: bool,
    /// Disconnect callback done, or we closed first.
    cb_done: bool,
    window: u32,
    /// Transmit buffer bytes (default [`TX_BUFFER`]; listen backlog
    /// sockets get the same).
    tx_size: u32,
    /// Threads waiting for data / for transmit room, and the room wanted.
    rx_waiters: u16,
    tx_waiters: u16,
    tx_min: u32,
    /// Bumped by disconnect/unbind/unaccept/unlisten; waiters from before
    /// return `epoch_status`.
    epoch: u32,
    epoch_status: UINT,
    disconnect_cb: NX_TCP_SOCKET_CALLBACK,
}

struct SlotEntry {
    gen: u32,
    s: Option<Slot>,
}

/// A smoltcp socket's ring buffers, in the instance's memory area.
#[derive(Clone, Copy)]
struct Bufs {
    rx: *mut u8,
    tx: *mut u8,
}

#[derive(Clone, Copy)]
struct Backlog {
    handle: SocketHandle,
    bufs: Bufs,
    notified: bool,
}

struct ListenEntry {
    port: u16,
    /// The socket currently listening (None after accept until relisten).
    socket: Option<SockRef>,
    /// The socket that called listen, and its callback.
    owner: Option<SockRef>,
    cb: NX_TCP_LISTEN_CALLBACK,
    backlog: [Option<Backlog>; MAX_LISTEN_QUEUE],
}

/// TCP bookkeeping of one IP instance (inside its `core`). Fixed size.
pub(crate) struct TcpState {
    slots: [SlotEntry; MAX_SOCKETS],
    count: usize,
    /// One past the highest slot in use (polls look no further).
    hi: usize,
    listens: [Option<ListenEntry>; MAX_LISTENS],
    /// Sockets to drop from the set after the next poll (their RST sent).
    removed: [Option<(SocketHandle, Bufs)>; MAX_LISTEN_QUEUE],
    next_port: u16,
}

impl TcpState {
    /// An empty table written in place at `p` (the IP instance's area), not
    /// built on the stack and copied: the table is kilobytes.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned.
    pub(crate) unsafe fn init(p: *mut TcpState) {
        // Start the search at a random place in the range (RFC 6056), not at
        // 0xC000 in every process: a client restarted at once would reuse the
        // port of its previous run while the server still holds that
        // connection in TIME_WAIT.
        let start = FIRST_ANY_PORT + (crate::port::random_u64() % 0x4000) as u16;
        // SAFETY: `p` is valid for writes (caller); only the field's address is computed.
        let slots = unsafe { &raw mut (*p).slots }.cast::<[MaybeUninit<SlotEntry>; MAX_SOCKETS]>();
        // SAFETY: the field, aligned and valid for writes; MaybeUninit asks
        // nothing of the old contents, and nothing else refers to the table yet.
        for e in unsafe { &mut *slots } {
            e.write(SlotEntry { gen: 0, s: None });
        }
        // SAFETY: as `slots`.
        let listens = unsafe { &raw mut (*p).listens }.cast::<[MaybeUninit<Option<ListenEntry>>; MAX_LISTENS]>();
        // SAFETY: as `slots`.
        for e in unsafe { &mut *listens } {
            e.write(None);
        }
        // SAFETY: `p` valid for writes; `removed` is Copy (no drop glue), so
        // a plain store drops nothing of the uninitialised old value.
        unsafe { (*p).removed = [None; MAX_LISTEN_QUEUE] };
        // SAFETY: as above (a usize).
        unsafe { (*p).count = 0 };
        // SAFETY: as above (a usize).
        unsafe { (*p).hi = 0 };
        // SAFETY: as above (a u16).
        unsafe { (*p).next_port = start };
    }
    /// Sockets created on the instance.
    pub(crate) fn created(&self) -> usize {
        self.count
    }
    fn get(&mut self, r: SockRef) -> Option<&mut Slot> {
        let e = self.slots.get_mut(r.idx as usize)?;
        if e.gen == r.gen {
            e.s.as_mut()
        } else {
            None
        }
    }
    fn valid(&self, r: SockRef) -> bool {
        self.slots.get(r.idx as usize).is_some_and(|e| e.gen == r.gen && e.s.is_some())
    }
    fn listen_mut(&mut self, port: u16) -> Option<&mut ListenEntry> {
        self.listens.iter_mut().flatten().find(|e| e.port == port)
    }
    fn port_in_use(&self, port: u16) -> bool {
        self.slots.iter().any(|e| e.s.as_ref().is_some_and(|s| s.port == port))
            || self.listens.iter().flatten().any(|e| e.port == port)
    }
}

/// The slot reference in a created socket's private area.
///
/// # Safety
/// `s` addresses a created NX_TCP_SOCKET.
unsafe fn slot_ref(s: *mut NX_TCP_SOCKET) -> SockRef {
    // SAFETY: the caller's socket; only the private area's address is computed.
    let area = unsafe { &raw const (*s).nx_tcp_socket_private } as *const TcpPriv;
    // SAFETY: a created socket's area holds a TcpPriv (written by create);
    // one Copy field read in place, no reference to the shared block.
    unsafe { (*area).r }
}

/// Reads a socket's id. Volatile: delete clears it under the `core` lock
/// while other threads check it without.
unsafe fn socket_id(s: *const NX_TCP_SOCKET) -> ULONG {
    // SAFETY: the caller's pointer addresses an NX_TCP_SOCKET-sized object;
    // only the field's address is computed.
    let id = unsafe { &raw const (*s).nx_tcp_socket_id };
    // SAFETY: an aligned field of that object.
    unsafe { ptr::read_volatile(id) }
}

/// True when `s` is a created socket: id and self-check field (reads only
/// the socket's own memory).
pub unsafe fn socket_is_created(s: *const NX_TCP_SOCKET) -> bool {
    if s.is_null() {
        return false;
    }
    // SAFETY: the caller's non-NULL pointer addresses an NX_TCP_SOCKET-sized object.
    if unsafe { socket_id(s) } != NX_TCP_ID {
        return false;
    }
    // SAFETY: as above; only the private area's address is computed.
    let me = unsafe { &raw const (*s).nx_tcp_socket_private } as *const usize;
    // SAFETY: the area's first word, aligned (a u64 array); volatile, as
    // delete clears it while others check.
    unsafe { ptr::read_volatile(me) == s as usize }
}

/// True when `s` is a socket created on `ip` (looks only at the instance's
/// own table, never at `*s`: NetX's check against the IP's list of created
/// sockets, which keeps a control block on the stack from being read
/// before it is initialised).
pub unsafe fn socket_created_on(ip: *mut NX_IP, s: *const NX_TCP_SOCKET) -> bool {
    // SAFETY: the caller's pointer addresses an NX_IP-sized object.
    let Ok(sh) = (unsafe { ip::enter(ip) }) else { return false };
    let mut g = sh.core.lock();
    let Some(core) = g.as_mut() else { return false };
    core.tcp.slots.iter().any(|e| e.s.as_ref().is_some_and(|p| ptr::eq(p.sock, s)))
}

fn nx_state(st: State) -> UINT {
    match st {
        State::Closed => NX_TCP_CLOSED,
        State::Listen => NX_TCP_LISTEN_STATE,
        State::SynSent => NX_TCP_SYN_SENT,
        State::SynReceived => NX_TCP_SYN_RECEIVED,
        State::Established => NX_TCP_ESTABLISHED,
        State::CloseWait => NX_TCP_CLOSE_WAIT,
        State::FinWait1 => NX_TCP_FIN_WAIT_1,
        State::FinWait2 => NX_TCP_FIN_WAIT_2,
        State::Closing => NX_TCP_CLOSING,
        State::TimeWait => NX_TCP_TIMED_WAIT,
        State::LastAck => NX_TCP_LAST_ACK,
    }
}

/// Connected at some point: established or any state after it.
fn is_synchronized(st: State) -> bool {
    !matches!(st, State::Closed | State::Listen | State::SynSent | State::SynReceived)
}

/// Receive buffer of a socket with this window: the window, at least
/// [`MIN_WINDOW`] (exactly: a window of 1464 would add a 4-byte segment to
/// every 1460-byte one; the area rounds the block, not the buffer).
pub const fn rx_bytes(window: usize) -> usize {
    if window < MIN_WINDOW {
        MIN_WINDOW
    } else {
        window
    }
}

/// Transmit buffer for `max_queue_depth` segments: depth × [`MSS`], at
/// least one segment, at most [`MAX_TX_BUFFER`].
pub const fn tx_bytes_for_depth(max_queue_depth: usize) -> usize {
    let t = max_queue_depth.saturating_mul(MSS);
    if t < MSS {
        MSS
    } else if t > MAX_TX_BUFFER {
        MAX_TX_BUFFER
    } else {
        t
    }
}

/// Bytes of the IP instance's memory area one socket (or listen backlog
/// socket) with this window and the default transmit buffer takes while it
/// exists.
pub const fn socket_bytes(window: usize) -> usize {
    socket_bytes_tx(window, TX_BUFFER)
}

/// The same with a transmit buffer of `tx` bytes.
pub const fn socket_bytes_tx(window: usize, tx: usize) -> usize {
    crate::netx::area::block_bytes(rx_bytes(window)) + crate::netx::area::block_bytes(tx)
}

/// Adds a smoltcp socket with buffers from the instance's area.
/// `NX_NO_MORE_ENTRIES` when smoltcp's socket set is full, `NX_SIZE_ERROR`
/// when the area has no room for the buffers.
fn add_socket(core: &mut IpCore, window: usize, tn: usize) -> Result<(SocketHandle, Bufs), UINT> {
    if !core.socket_room() {
        return Err(NX_NO_MORE_ENTRIES);
    }
    let rn = rx_bytes(window);
    let rx = core.area.alloc(rn).ok_or(NX_SIZE_ERROR)?;
    let Some(tx) = core.area.alloc(tn) else {
        // SAFETY: just allocated from this area, unused.
        unsafe { core.area.free(rx) };
        return Err(NX_SIZE_ERROR);
    };
    // SAFETY: two blocks of the caller's area, ours until `remove_socket`
    // frees them, which happens only after smoltcp dropped the socket; the
    // area outlives every socket of the instance ('static is that promise).
    let s = unsafe { new_socket(rx, rn, tx, tn) };
    core.smoltcp_used += 1;
    Ok((core.sockets.add(s), Bufs { rx, tx }))
}

/// A smoltcp socket over two buffers of the area.
///
/// # Safety
/// `rx`/`rn` and `tx`/`tn` are blocks of the instance's area, used by no
/// other socket, that stay allocated until the socket is dropped (the area
/// outlives every socket of the instance: 'static is that promise).
unsafe fn new_socket(rx: *mut u8, rn: usize, tx: *mut u8, tn: usize) -> Socket<'static> {
    // SAFETY: the caller's contract: `rn` bytes at `rx`, this socket's alone
    // for as long as it exists.
    let rb: &'static mut [u8] = unsafe { core::slice::from_raw_parts_mut(rx, rn) };
    let tb: &'static mut [u8] = if tx.is_null() {
        // A NULL `tx` comes only with `tn` = 0: no buffer.
        &mut []
    } else {
        // SAFETY: the caller's contract, as `rb`, for `tn` bytes at `tx`.
        unsafe { core::slice::from_raw_parts_mut(tx, tn) }
    };
    let mut s = Socket::new(SocketBuffer::new(rb), SocketBuffer::new(tb));
    // NetX has neither Nagle nor delayed ACKs; both would stall a small
    // window (and delayed ACKs measured slower with big ones too).
    s.set_nagle_enabled(false);
    s.set_ack_delay(None);
    s
}

/// Removes a smoltcp socket and gives its buffers back to the area.
fn remove_socket(core: &mut IpCore, h: SocketHandle, b: Bufs) {
    let _ = core.sockets.remove(h);
    core.smoltcp_used -= 1;
    // SAFETY: the buffers came from this area in `add_socket` (or
    // `nx_tcp_socket_transmit_configure`); the socket that used them is gone.
    unsafe { core.area.free(b.rx) };
    if !b.tx.is_null() {
        // SAFETY: as the receive block above.
        unsafe { core.area.free(b.tx) };
    }
}

/// The listen callback for a connection on `port`: the entry's callback
/// with its listening socket (or the one that called listen) if still valid.
fn listen_cb(tcp: &TcpState, port: u16) -> Option<Cb> {
    let e = tcp.listens.iter().flatten().find(|e| e.port == port)?;
    let f = e.cb?;
    let r = e.socket.filter(|r| tcp.valid(*r)).or(e.owner.filter(|r| tcp.valid(*r)))?;
    let s = tcp.slots[r.idx as usize].s.as_ref()?.sock;
    Some(Cb::Listen(f, s, port as UINT))
}

/// Mirrors smoltcp's state into the socket's public fields; collects the
/// listen callback on a first connection and the disconnect callback when
/// the peer closes (into `core.cbs`). The slot must be valid.
unsafe fn mirror_one(core: &mut IpCore, r: SockRef) {
    let Some(p) = core.tcp.get(r) else { return };
    let s = p.sock;
    let sock = core.sockets.get::<Socket>(p.handle);
    let st = sock.state();
    // SAFETY: the slot is valid, so `s` is a created socket (delete frees
    // the slot under the same lock before the memory may go); its public
    // fields are written under the `core` lock, held by our caller (`core`).
    // One field in place, no reference: the application may read it meanwhile.
    unsafe { (*s).nx_tcp_socket_state = nx_state(st) };
    if is_synchronized(st) && !p.was_connected {
        p.was_connected = true;
        if let Some(ep) = sock.remote_endpoint() {
            // SAFETY: as the state above (valid slot, `core` lock held).
            unsafe { (*s).nx_tcp_socket_connect_ip = crate::netx::ipv6::nxd_of(ep.addr) };
            // SAFETY: as the state above.
            unsafe { (*s).nx_tcp_socket_connect_port = ep.port as UINT };
        }
        if let Some(ep) = sock.local_endpoint() {
            // SAFETY: as the state above.
            unsafe { (*s).nx_tcp_socket_port = ep.port as UINT };
        }
        let lp = p.listen_port;
        if lp != 0 {
            if let Some(cb) = listen_cb(&core.tcp, lp) {
                core.cbs.push(cb);
            }
        }
    }
    let Some(p) = core.tcp.get(r) else { return };
    let peer_gone = matches!(st, State::CloseWait | State::Closed | State::LastAck | State::TimeWait | State::Closing);
    if p.was_connected && !p.cb_done && peer_gone {
        if let Some(f) = p.disconnect_cb {
            if core.cbs.push(Cb::Disconnect(f, p.sock)) {
                p.cb_done = true;
            }
        }
    }
}

/// Counts a thread waiting on a socket for data or room (`delta` = +1/-1).
/// A stale reference (socket deleted meanwhile) is ignored.
pub(crate) fn register_wait(tcp: &mut TcpState, wait: Wait, delta: i32) {
    match wait {
        Wait::Rx(r) => {
            if let Some(p) = tcp.get(r) {
                p.rx_waiters = (p.rx_waiters as i32 + delta).max(0) as u16;
            }
        }
        Wait::Tx(r, min) => {
            if let Some(p) = tcp.get(r) {
                p.tx_waiters = (p.tx_waiters as i32 + delta).max(0) as u16;
                p.tx_min = min as u32;
            }
        }
        Wait::Any => {}
    }
}

/// After every poll: mirror states, collect callbacks. True when a thread
/// waiting for data or room on some socket should wake up.
pub(crate) unsafe fn after_poll(core: &mut IpCore) -> bool {
    let mut wake = false;
    for i in 0..core.tcp.hi {
        let e = &core.tcp.slots[i];
        if e.s.is_none() {
            continue;
        }
        let r = SockRef { idx: i as u16, gen: e.gen };
        // SAFETY: valid slot.
        unsafe { mirror_one(core, r) };
        let Some(p) = core.tcp.slots[i].s.as_ref() else { continue };
        if p.rx_waiters > 0 || p.tx_waiters > 0 {
            let sock = core.sockets.get::<Socket>(p.handle);
            if p.rx_waiters > 0 && (sock.recv_queue() > 0 || !sock.may_recv()) {
                wake = true;
            }
            if p.tx_waiters > 0 && (sock.send_capacity() - sock.send_queue() >= p.tx_min as usize || !sock.may_send()) {
                wake = true;
            }
        }
    }
    for li in 0..MAX_LISTENS {
        let Some(e) = core.tcp.listens[li].as_mut() else { continue };
        let port = e.port;
        let mut notify = 0;
        for b in e.backlog.iter_mut().flatten() {
            let sock = core.sockets.get_mut::<Socket>(b.handle);
            if matches!(sock.state(), State::Closed | State::TimeWait) {
                // A queued connection reset (or closed) before anyone
                // accepted it: the slot listens again.
                sock.abort();
                let _ = sock.listen(port);
                b.notified = false;
                continue;
            }
            if !b.notified && is_synchronized(sock.state()) {
                b.notified = true;
                notify += 1;
            }
        }
        for _ in 0..notify {
            if let Some(cb) = listen_cb(&core.tcp, port) {
                core.cbs.push(cb);
            }
        }
    }
    wake
}

/// Enters the socket's IP instance and reads the socket's slot reference.
/// `NX_PTR_ERROR` for a socket not created or an instance being deleted.
unsafe fn enter<'a>(s: *mut NX_TCP_SOCKET) -> Result<(IpUse<'a>, SockRef), UINT> {
    // SAFETY: the caller's pointer addresses an NX_TCP_SOCKET-sized object.
    if !unsafe { socket_is_created(s) } {
        return Err(NX_PTR_ERROR);
    }
    // SAFETY: a created socket; its IP pointer is set at create and never changes.
    let ip = unsafe { (*s).nx_tcp_socket_ip_ptr };
    // SAFETY: a created socket's instance pointer addresses an NX_IP-sized object.
    let u = unsafe { ip::enter(ip) }?;
    // SAFETY: checked created just above.
    Ok((u, unsafe { slot_ref(s) }))
}

macro_rules! enter_sock {
    ($s:expr) => {{
        // SAFETY: the service's contract: `$s` addresses an NX_TCP_SOCKET.
        let entered = unsafe { enter($s) };
        match entered {
            Ok(x) => x,
            Err(e) => return e,
        }
    }};
}

/// The socket's slot, or `NX_PTR_ERROR` from the service (deleted meanwhile).
macro_rules! slot {
    ($core:expr, $r:expr) => {
        match $core.tcp.get($r) {
            Some(p) => p,
            None => return NX_PTR_ERROR,
        }
    };
}

fn bump(p: &mut Slot, status: UINT) {
    p.epoch = p.epoch.wrapping_add(1);
    p.epoch_status = status;
}

/// Creates a socket on `ip` with a receive window of `window_size` bytes.
/// `NX_NOT_ENABLED` before `nx_tcp_enable`; `NX_NO_MORE_ENTRIES` when the
/// instance has [`MAX_SOCKETS`] sockets; `NX_PTR_ERROR` if the instance is
/// being deleted.
#[allow(clippy::too_many_arguments)]
pub unsafe fn nx_tcp_socket_create(
    ip: *mut NX_IP,
    s: *mut NX_TCP_SOCKET,
    name: *mut CHAR,
    type_of_service: ULONG,
    fragment: ULONG,
    time_to_live: UINT,
    window_size: ULONG,
    urgent_cb: NX_TCP_SOCKET_CALLBACK,
    disconnect_cb: NX_TCP_SOCKET_CALLBACK,
) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let sh = match unsafe { ip::enter(ip) } {
        Ok(u) => u,
        Err(e) => return e,
    };
    if !*sh.tcp_enabled.lock() {
        return NX_NOT_ENABLED;
    }
    let mut g = sh.core.lock();
    // A delete that started after we entered checked the socket count under
    // this lock: it must not find a socket appear behind it.
    if sh.ctl.lock().shutdown {
        return NX_PTR_ERROR;
    }
    let core = ip::core_of(&mut g);
    let Some(idx) = core.tcp.slots.iter().position(|e| e.s.is_none()) else { return NX_NO_MORE_ENTRIES };
    let (handle, bufs) = match add_socket(core, window_size as usize, TX_BUFFER) {
        Ok(x) => x,
        Err(e) => return e,
    };
    // SAFETY: the service's contract: `s` addresses the caller's
    // NX_TCP_SOCKET block, not created yet; all-zero bytes are a valid one.
    unsafe { ptr::write_bytes(s, 0, 1) };
    // SAFETY: as above: until its id is set (the last write below) no other
    // code reads or writes the block, so this reference is unaliased.
    let x = unsafe { &mut *s };
    x.nx_tcp_socket_name = name;
    x.nx_tcp_socket_ip_ptr = ip;
    x.nx_tcp_socket_type_of_service = type_of_service;
    x.nx_tcp_socket_fragment_enable = fragment;
    x.nx_tcp_socket_time_to_live = time_to_live;
    x.nx_tcp_socket_rx_window_default = window_size;
    x.nx_tcp_socket_mss = 1460;
    x.nx_tcp_socket_state = NX_TCP_CLOSED;
    x.nx_tcp_urgent_data_callback = urgent_cb;
    x.nx_tcp_disconnect_callback = disconnect_cb;
    let e = &mut core.tcp.slots[idx];
    e.s = Some(Slot {
        sock: s,
        handle,
        bufs,
        port: 0,
        listen_port: 0,
        was_connected: false,
        cb_done: false,
        window: window_size,
        tx_size: TX_BUFFER as u32,
        rx_waiters: 0,
        tx_waiters: 0,
        tx_min: 0,
        epoch: 0,
        epoch_status: NX_SUCCESS,
        disconnect_cb,
    });
    let r = SockRef { idx: idx as u16, gen: e.gen };
    core.tcp.count += 1;
    core.tcp.hi = core.tcp.hi.max(idx + 1);
    let area = x.nx_tcp_socket_private.as_mut_ptr() as *mut TcpPriv;
    // SAFETY: the private area fits and aligns a TcpPriv (asserted at
    // compile time) and holds nothing to drop.
    unsafe { ptr::write(area, TcpPriv { me: s as usize, r }) };
    // SAFETY: an aligned field of the block; volatile and last, as an id
    // check lets other threads use the socket.
    unsafe { ptr::write_volatile(&mut x.nx_tcp_socket_id, NX_TCP_ID) };
    NX_SUCCESS
}

/// Deletes a socket. `NX_STILL_BOUND` while bound or listening. Never waits:
/// a thread still inside a call on the socket (say, a receive whose
/// disconnect callback deletes it) finds its slot reference stale and
/// returns `NX_PTR_ERROR` without touching the socket's memory again, so the
/// memory may be reused as soon as this returns. Listen entries forget it.
pub unsafe fn nx_tcp_socket_delete(s: *mut NX_TCP_SOCKET) -> UINT {
    let (sh, r) = enter_sock!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = slot!(core, r);
    if p.port != 0 || p.listen_port != 0 {
        return NX_STILL_BOUND;
    }
    let (h, bufs) = (p.handle, p.bufs);
    core.sockets.get_mut::<Socket>(h).abort();
    remove_socket(core, h, bufs);
    for e in core.tcp.listens.iter_mut().flatten() {
        if e.socket == Some(r) {
            e.socket = None;
        }
        if e.owner == Some(r) {
            e.owner = None;
        }
    }
    let e = &mut core.tcp.slots[r.idx as usize];
    e.s = None;
    e.gen = e.gen.wrapping_add(1);
    core.tcp.count -= 1;
    while core.tcp.hi > 0 && core.tcp.slots[core.tcp.hi - 1].s.is_none() {
        core.tcp.hi -= 1;
    }
    // SAFETY: the service's contract: `s` is the caller's created socket
    // (its slot was valid above, under the `core` lock still held); only the
    // field's address is computed, no reference (other threads may check the id).
    let id = unsafe { &raw mut (*s).nx_tcp_socket_id };
    // SAFETY: an aligned field of that socket; volatile, as other threads check it unlocked.
    unsafe { ptr::write_volatile(id, 0) };
    // SAFETY: as `id`.
    let me = unsafe { &raw mut (*s).nx_tcp_socket_private } as *mut usize;
    // SAFETY: the private area's first word (aligned, a u64 array); volatile, as `id`.
    unsafe { ptr::write_volatile(me, 0) };
    // SAFETY: the socket's public fields are written under the `core` lock,
    // held here; one field in place (the application may read it meanwhile).
    unsafe { (*s).nx_tcp_socket_state = NX_TCP_CLOSED };
    sh.sock_sig.notify_all();
    NX_SUCCESS
}

/// Binds a client socket to `port`, or to a free port in 0xC000..=0xFFFF (searched from a random start) for
/// `NX_ANY_PORT`. A port in use: waits up to `wait_option` ticks for it,
/// then `NX_PORT_UNAVAILABLE`. `NX_ALREADY_BOUND` if bound.
pub unsafe fn nx_tcp_client_socket_bind(s: *mut NX_TCP_SOCKET, port: UINT, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let deadline = Deadline::after_ticks(wait_option);
    loop {
        {
            let mut g = sh.core.lock();
            let core = ip::core_of(&mut g);
            let p = slot!(core, r);
            if p.port != 0 || p.listen_port != 0 {
                return NX_ALREADY_BOUND;
            }
            let tcp = &mut core.tcp;
            let chosen = if port == NX_ANY_PORT {
                let mut found = 0u16;
                for _ in 0..=(0xFFFF - FIRST_ANY_PORT) {
                    let c = tcp.next_port;
                    tcp.next_port = if c == 0xFFFF { FIRST_ANY_PORT } else { c + 1 };
                    if !tcp.port_in_use(c) {
                        found = c;
                        break;
                    }
                }
                found
            } else if !tcp.port_in_use(port as u16) {
                port as u16
            } else {
                0
            };
            if chosen != 0 {
                slot!(core, r).port = chosen;
                // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
                // socket is created; its public fields are written only under that lock. One
                // field in place, no reference: the application may read the block meanwhile.
                unsafe { (*s).nx_tcp_socket_port = chosen as UINT };
                // SAFETY: as the line above (valid slot, `core` lock held).
                unsafe { (*s).nx_tcp_socket_client_type = NX_TRUE };
                return NX_SUCCESS;
            }
        }
        if deadline.expired() || wait_option == NX_NO_WAIT {
            return NX_PORT_UNAVAILABLE;
        }
        crate::port::sleep_ticks(1);
    }
}

/// Unbinds a client socket. `NX_NOT_BOUND` if not bound, `NX_NOT_CLOSED` while
/// connected (a socket still closing is aborted). Threads waiting on the
/// socket return `NX_NOT_BOUND`.
pub unsafe fn nx_tcp_client_socket_unbind(s: *mut NX_TCP_SOCKET) -> UINT {
    let (sh, r) = enter_sock!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = slot!(core, r);
    if p.port == 0 {
        return NX_NOT_BOUND;
    }
    let sock = core.sockets.get_mut::<Socket>(p.handle);
    match sock.state() {
        State::Closed => {}
        State::FinWait1 | State::FinWait2 | State::Closing | State::TimeWait | State::LastAck => sock.abort(),
        _ => return NX_NOT_CLOSED,
    }
    p.port = 0;
    bump(p, NX_NOT_BOUND);
    // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
    // socket is created; its public fields are written only under that lock. One
    // field in place, no reference: the application may read the block meanwhile.
    unsafe { (*s).nx_tcp_socket_port = 0 };
    // SAFETY: as the line above (valid slot, `core` lock held).
    unsafe { (*s).nx_tcp_socket_state = NX_TCP_CLOSED };
    sh.sock_sig.notify_all();
    NX_SUCCESS
}

/// Connects to `server_ip:server_port` (IPv4, host order). With `NX_NO_WAIT`
/// returns `NX_IN_PROGRESS`; otherwise waits for the handshake: `NX_SUCCESS`,
/// or `NX_NOT_CONNECTED` on refusal, timeout or a disconnect by another
/// thread; `NX_NOT_BOUND` if unbound meanwhile. `NX_NOT_BOUND`, `NX_NOT_CLOSED`.
pub unsafe fn nx_tcp_client_socket_connect(s: *mut NX_TCP_SOCKET, server_ip: ULONG, server_port: UINT, wait_option: ULONG) -> UINT {
    let a = server_ip.to_be_bytes();
    // SAFETY: the service's contract, passed on.
    unsafe { connect_to(s, IpAddress::Ipv4(Ipv4Address::new(a[0], a[1], a[2], a[3])), server_port, wait_option) }
}

/// Connect to either address version (IPv6: `ipv6::connect_check` first).
unsafe fn connect_to(s: *mut NX_TCP_SOCKET, server: IpAddress, server_port: UINT, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let epoch0;
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = slot!(core, r);
        if p.port == 0 {
            return NX_NOT_BOUND;
        }
        let h = p.handle;
        let local = p.port;
        epoch0 = p.epoch;
        let sock = core.sockets.get_mut::<Socket>(h);
        if sock.state() == State::TimeWait {
            sock.abort();
        }
        if sock.state() != State::Closed {
            return NX_NOT_CLOSED;
        }
        if matches!(server, IpAddress::Ipv6(_)) {
            if let Err(e) = crate::netx::ipv6::connect_check(core) {
                return e;
            }
        }
        let remote = (server, server_port as u16);
        let sock = core.sockets.get_mut::<Socket>(h);
        let cx = core.iface.context();
        if sock.connect(cx, remote, local).is_err() {
            return NX_NOT_SUCCESSFUL;
        }
        let p = slot!(core, r);
        p.was_connected = false;
        p.cb_done = false;
        // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
        // socket is created; its public fields are written only under that lock. One
        // field in place, no reference: the application may read the block meanwhile.
        unsafe { (*s).nx_tcp_socket_connect_ip = crate::netx::ipv6::nxd_of(server) };
        // SAFETY: as the line above (valid slot, `core` lock held).
        unsafe { (*s).nx_tcp_socket_connect_port = server_port };
        // SAFETY: as the line above (valid slot, `core` lock held).
        unsafe { (*s).nx_tcp_socket_state = NX_TCP_SYN_SENT };
    }
    if wait_option == NX_NO_WAIT {
        sh.poll_now();
        return NX_IN_PROGRESS;
    }
    let mut first = true;
    sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let poll = core::mem::replace(&mut first, false);
        let Some(p) = core.tcp.get(r) else { return (Some(NX_PTR_ERROR), false) };
        if p.epoch != epoch0 {
            return (Some(p.epoch_status), false);
        }
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        match sock.state() {
            State::SynSent | State::SynReceived if timed_out => {
                sock.abort();
                (Some(NX_NOT_CONNECTED), true)
            }
            State::SynSent | State::SynReceived => (None, poll),
            State::Closed | State::Listen => (Some(NX_NOT_CONNECTED), poll),
            _ => (Some(NX_SUCCESS), poll),
        }
    })
}

/// Connect with an `NXD_ADDRESS`: IPv4 as [`nx_tcp_client_socket_connect`];
/// IPv6 the same, after `NX_NOT_ENABLED` (before `nxd_ipv6_enable`) and
/// `NX_NO_INTERFACE_ADDRESS` (no IPv6 address set). `NX_IP_ADDRESS_ERROR` for
/// another version.
pub unsafe fn nxd_tcp_client_socket_connect(s: *mut NX_TCP_SOCKET, server_ip: *const NXD_ADDRESS, server_port: UINT, wait_option: ULONG) -> UINT {
    // SAFETY: the service's contract: `server_ip` addresses the caller's
    // NXD_ADDRESS, lent for the call and read only.
    let server = unsafe { &*server_ip };
    match server.nxd_ip_version {
        NX_IP_VERSION_V4 => {
            // SAFETY: every bit pattern is a valid ULONG (the union holds plain integers).
            let v4 = unsafe { server.nxd_ip_address.v4 };
            // SAFETY: the service's contract, passed on (`s` addresses an NX_TCP_SOCKET).
            unsafe { nx_tcp_client_socket_connect(s, v4, server_port, wait_option) }
        }
        NX_IP_VERSION_V6 => match crate::netx::ipv6::v6_of(server) {
            // SAFETY: the service's contract, passed on.
            Some(a) => unsafe { connect_to(s, IpAddress::Ipv6(a), server_port, wait_option) },
            None => NX_IP_ADDRESS_ERROR,
        },
        _ => NX_IP_ADDRESS_ERROR,
    }
}

/// The connected peer's address (IPv4 or IPv6) and port. `NX_NOT_CONNECTED`
/// unless the socket is established (or later, the peer still known).
pub unsafe fn nxd_tcp_socket_peer_info_get(s: *mut NX_TCP_SOCKET, peer_ip_address: *mut NXD_ADDRESS, peer_port: *mut ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = slot!(core, r);
    let sock = core.sockets.get::<Socket>(p.handle);
    if !is_synchronized(sock.state()) {
        return NX_NOT_CONNECTED;
    }
    let Some(ep) = sock.remote_endpoint() else { return NX_NOT_CONNECTED };
    // SAFETY: the service's contract: a writable output lent for the call.
    unsafe { *peer_ip_address = crate::netx::ipv6::nxd_of(ep.addr) };
    // SAFETY: the service's contract: a writable output lent for the call.
    unsafe { *peer_port = ep.port as ULONG };
    NX_SUCCESS
}

/// Listens on `port` with socket `s` and `listen_queue_size` more connections
/// queued. `NX_SIZE_ERROR` if `listen_queue_size` exceeds
/// [`MAX_LISTEN_QUEUE`], `NX_MAX_LISTEN` when [`MAX_LISTENS`] ports are
/// listened on already, `NX_DUPLICATE_LISTEN` if the port already has a
/// listener, `NX_ALREADY_BOUND` if `s` is bound, `NX_NOT_CLOSED` if `s` is
/// not closed, `NX_PTR_ERROR` if `s` is not a socket of `ip`.
pub unsafe fn nx_tcp_server_socket_listen(
    ip: *mut NX_IP,
    port: UINT,
    s: *mut NX_TCP_SOCKET,
    listen_queue_size: UINT,
    listen_cb: NX_TCP_LISTEN_CALLBACK,
) -> UINT {
    if listen_queue_size as usize > MAX_LISTEN_QUEUE {
        return NX_SIZE_ERROR;
    }
    let (sh, r) = enter_sock!(s);
    // SAFETY: a created socket (checked by `enter`); its IP pointer is set at
    // create and never changes.
    if unsafe { (*s).nx_tcp_socket_ip_ptr } != ip {
        return NX_PTR_ERROR;
    }
    let port16 = port as u16;
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    if !core.tcp.valid(r) {
        return NX_PTR_ERROR;
    }
    if core.tcp.listens.iter().flatten().any(|e| e.port == port16) {
        return NX_DUPLICATE_LISTEN;
    }
    let Some(li) = core.tcp.listens.iter().position(|e| e.is_none()) else { return NX_MAX_LISTEN };
    let p = slot!(core, r);
    if p.port != 0 || p.listen_port != 0 {
        return NX_ALREADY_BOUND;
    }
    let (window, tx_size) = (p.window, p.tx_size);
    let sock = core.sockets.get_mut::<Socket>(p.handle);
    if sock.state() == State::TimeWait {
        sock.abort();
    }
    if sock.state() != State::Closed {
        return NX_NOT_CLOSED;
    }
    let mut backlog: [Option<Backlog>; MAX_LISTEN_QUEUE] = [None; MAX_LISTEN_QUEUE];
    for k in 0..listen_queue_size as usize {
        match add_socket(core, window as usize, tx_size as usize) {
            Ok((handle, bufs)) => {
                let _ = core.sockets.get_mut::<Socket>(handle).listen(port16);
                backlog[k] = Some(Backlog { handle, bufs, notified: false });
            }
            Err(e) => {
                for b in backlog.iter().flatten() {
                    remove_socket(core, b.handle, b.bufs);
                }
                return if e == NX_NO_MORE_ENTRIES { NX_SIZE_ERROR } else { e };
            }
        }
    }
    let p = slot!(core, r);
    if core.sockets.get_mut::<Socket>(p.handle).listen(port16).is_err() {
        for b in backlog.iter().flatten() {
            remove_socket(core, b.handle, b.bufs);
        }
        return NX_INVALID_PORT;
    }
    // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
    // socket is created; its public fields are written only under that lock. One
    // field in place, no reference: the application may read the block meanwhile.
    unsafe { (*s).nx_tcp_listen_callback = listen_cb };
    core.tcp.listens[li] = Some(ListenEntry { port: port16, socket: Some(r), owner: Some(r), cb: listen_cb, backlog });
    // SAFETY: `s` is the created socket of the valid slot `r` (checked
    // above), and the `core` lock is held here.
    unsafe { mark_listening(slot!(core, r), s, port) };
    NX_SUCCESS
}

/// Puts a server socket in the listen state on `port`: its slot and its
/// public fields (`nx_tcp_server_socket_listen` and `_relisten`).
///
/// # Safety
/// `s` is the created socket whose valid slot is `p`, and the instance's
/// `core` lock is held (its public fields are written only under it).
unsafe fn mark_listening(p: &mut Slot, s: *mut NX_TCP_SOCKET, port: UINT) {
    p.listen_port = port as u16;
    p.was_connected = false;
    p.cb_done = false;
    // SAFETY: a created socket, `core` lock held (caller). One field in
    // place, no reference: the application may read the block meanwhile.
    unsafe { (*s).nx_tcp_socket_port = port };
    // SAFETY: as the line above.
    unsafe { (*s).nx_tcp_socket_client_type = NX_FALSE };
    // SAFETY: as the line above.
    unsafe { (*s).nx_tcp_socket_state = NX_TCP_LISTEN_STATE };
}

/// Takes a connected backlog socket, if any, into slot `r` (whose own
/// smoltcp socket then listens in the backlog). True if one was taken.
unsafe fn take_from_backlog(core: &mut IpCore, r: SockRef, port: u16) -> bool {
    let Some((mine, mine_bufs)) = core.tcp.get(r).map(|p| (p.handle, p.bufs)) else { return false };
    let sockets = &mut core.sockets;
    let Some(e) = core.tcp.listens.iter_mut().flatten().find(|e| e.port == port) else { return false };
    let Some(b) = e
        .backlog
        .iter_mut()
        .flatten()
        .find(|b| is_synchronized(sockets.get::<Socket>(b.handle).state()))
    else {
        return false;
    };
    let (theirs, theirs_bufs) = (b.handle, b.bufs);
    *b = Backlog { handle: mine, bufs: mine_bufs, notified: false };
    let own = sockets.get_mut::<Socket>(mine);
    if own.state() != State::Listen {
        own.abort();
        let _ = own.listen(port);
    }
    if let Some(p) = core.tcp.get(r) {
        p.handle = theirs;
        p.bufs = theirs_bufs;
        p.was_connected = false;
        p.cb_done = false;
    }
    // The listen callback already ran for this connection (when it was
    // queued), so the mirror's own callback is dropped.
    let queued = core.cbs.len;
    // SAFETY: `r` is valid (checked above, same lock).
    unsafe { mirror_one(core, r) };
    core.cbs.len = queued;
    true
}

/// Waits up to `wait_option` ticks for a connection on a listening socket.
/// `NX_SUCCESS` once connected, `NX_NOT_CONNECTED` on timeout,
/// `NX_NOT_LISTEN_STATE` if `s` is not listening; `NX_NOT_BOUND` if another
/// thread unaccepts it or unlistens the port meanwhile, `NX_NOT_CONNECTED`
/// if it disconnects it, `NX_PTR_ERROR` if it deletes it.
pub unsafe fn nx_tcp_server_socket_accept(s: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let (port, epoch0) = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = slot!(core, r);
        (p.listen_port, p.epoch)
    };
    if port == 0 {
        return NX_NOT_LISTEN_STATE;
    }
    let r2 = sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let Some(p) = core.tcp.get(r) else { return (Some(NX_PTR_ERROR), false) };
        if p.epoch != epoch0 {
            return (Some(p.epoch_status), false);
        }
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        let mut st = sock.state();
        if st == State::Closed {
            // A connection on our own listening socket was reset before we
            // got to it: listen again.
            let _ = sock.listen(port);
            st = sock.state();
        }
        if is_synchronized(st) {
            return (Some(NX_SUCCESS), false);
        }
        // SAFETY: `r` is valid (checked above, under the same `core` lock).
        if st == State::Listen && unsafe { take_from_backlog(core, r, port) } {
            return (Some(NX_SUCCESS), false);
        }
        if timed_out {
            return (Some(NX_NOT_CONNECTED), false);
        }
        (None, false)
    });
    if r2 == NX_SUCCESS {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        if let Some(e) = core.tcp.listen_mut(port) {
            if e.socket == Some(r) {
                e.socket = None;
            }
        }
        // Its callbacks are dropped, as before (see take_from_backlog).
        let queued = core.cbs.len;
        // SAFETY: mirror_one finds the slot itself (returns if `r` went
        // stale), under the `core` lock held here.
        unsafe { mirror_one(core, r) };
        core.cbs.len = queued;
    }
    r2
}

/// Makes `s` listen again on `port` after `unaccept`. `NX_CONNECTION_PENDING`
/// when a queued connection was handed to `s` at once (call accept next).
/// `NX_NOT_FOUND` if nobody listens on `port`, `NX_NOT_CLOSED` if `s` is not
/// closed, `NX_ALREADY_BOUND` if another socket already waits on the port.
pub unsafe fn nx_tcp_server_socket_relisten(ip: *mut NX_IP, port: UINT, s: *mut NX_TCP_SOCKET) -> UINT {
    let (sh, r) = enter_sock!(s);
    // SAFETY: a created socket (checked by `enter`); its IP pointer is set at
    // create and never changes.
    if unsafe { (*s).nx_tcp_socket_ip_ptr } != ip {
        return NX_PTR_ERROR;
    }
    let port16 = port as u16;
    let res = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        if !core.tcp.valid(r) {
            return NX_PTR_ERROR;
        }
        let Some(li) = core.tcp.listens.iter().position(|e| e.as_ref().is_some_and(|e| e.port == port16)) else {
            return NX_NOT_FOUND;
        };
        let cur = core.tcp.listens[li].as_ref().and_then(|e| e.socket);
        if cur.is_some_and(|c| c != r && core.tcp.valid(c)) {
            return NX_ALREADY_BOUND;
        }
        let p = slot!(core, r);
        if p.port != 0 {
            return NX_ALREADY_BOUND;
        }
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        if sock.state() == State::TimeWait {
            sock.abort();
        }
        if !matches!(sock.state(), State::Closed | State::Listen) {
            return NX_NOT_CLOSED;
        }
        if sock.state() == State::Closed && sock.listen(port16).is_err() {
            return NX_INVALID_PORT;
        }
        // SAFETY: `s` is the created socket of the valid slot `r` (checked
        // above), and the `core` lock is held here.
        unsafe { mark_listening(p, s, port) };
        // SAFETY: `r` is valid (its slot was found above, same `core` lock).
        let taken = unsafe { take_from_backlog(core, r, port16) };
        if let Some(e) = core.tcp.listens[li].as_mut() {
            e.socket = if taken { None } else { Some(r) };
        }
        if taken {
            NX_CONNECTION_PENDING
        } else {
            NX_SUCCESS
        }
    };
    sh.poll_now();
    res
}

/// Detaches a server socket from its listen port so it can relisten. A
/// connection still open or closing is aborted. `NX_NOT_LISTEN_STATE` if `s`
/// serves no port. Threads waiting on the socket return `NX_NOT_BOUND`.
pub unsafe fn nx_tcp_server_socket_unaccept(s: *mut NX_TCP_SOCKET) -> UINT {
    let (sh, r) = enter_sock!(s);
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = slot!(core, r);
        if p.listen_port == 0 {
            return NX_NOT_LISTEN_STATE;
        }
        let lp = p.listen_port;
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        if sock.state() != State::Closed {
            sock.abort();
        }
        p.listen_port = 0;
        p.cb_done = true;
        bump(p, NX_NOT_BOUND);
        if let Some(e) = core.tcp.listen_mut(lp) {
            if e.socket == Some(r) {
                e.socket = None;
            }
        }
        // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
        // socket is created; its public fields are written only under that lock. One
        // field in place, no reference: the application may read the block meanwhile.
        unsafe { (*s).nx_tcp_socket_port = 0 };
        // SAFETY: as the line above (valid slot, `core` lock held).
        unsafe { (*s).nx_tcp_socket_state = NX_TCP_CLOSED };
        sh.sock_sig.notify_all();
    }
    sh.poll_now();
    NX_SUCCESS
}

/// Stops listening on `port`; queued connections are reset. A socket still
/// waiting in accept/listen on it goes back to CLOSED (its waiters return
/// `NX_NOT_BOUND`). `NX_ENTRY_NOT_FOUND`.
pub unsafe fn nx_tcp_server_socket_unlisten(ip: *mut NX_IP, port: UINT) -> UINT {
    // SAFETY: the service's contract: `ip` addresses an NX_IP-sized object.
    let sh = match unsafe { ip::enter(ip) } {
        Ok(u) => u,
        Err(e) => return e,
    };
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let Some(i) = core.tcp.listens.iter().position(|e| e.as_ref().is_some_and(|e| e.port == port as u16)) else {
            return NX_ENTRY_NOT_FOUND;
        };
        let Some(e) = core.tcp.listens[i].take() else { return NX_ENTRY_NOT_FOUND };
        for b in e.backlog.iter().flatten() {
            core.sockets.get_mut::<Socket>(b.handle).abort();
            // Removed after the RST went out (next poll, below; another
            // unlisten in between may flush it first). With no free
            // entry (many unlistens at once) it goes now, without RST.
            match core.tcp.removed.iter().position(|x| x.is_none()) {
                Some(k) => core.tcp.removed[k] = Some((b.handle, b.bufs)),
                None => remove_socket(core, b.handle, b.bufs),
            }
        }
        if let Some(r) = e.socket {
            if let Some(p) = core.tcp.get(r) {
                let sock = core.sockets.get_mut::<Socket>(p.handle);
                if sock.state() == State::Listen {
                    sock.abort();
                    p.listen_port = 0;
                    bump(p, NX_NOT_BOUND);
                    let so = p.sock;
                    // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
                    // socket is created; its public fields are written only under that lock. One
                    // field in place, no reference: the application may read the block meanwhile.
                    unsafe { (*so).nx_tcp_socket_port = 0 };
                    // SAFETY: as the line above (valid slot, `core` lock held).
                    unsafe { (*so).nx_tcp_socket_state = NX_TCP_CLOSED };
                    sh.sock_sig.notify_all();
                }
            }
        }
    }
    sh.poll_now();
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    for k in 0..MAX_LISTEN_QUEUE {
        if let Some((h, b)) = core.tcp.removed[k].take() {
            remove_socket(core, h, b);
        }
    }
    NX_SUCCESS
}

/// Sends the chain's data. Success: the stack owns the packet (released at
/// once: the bytes were copied). Failure: the caller keeps it.
/// `NX_NOT_CONNECTED` if the connection cannot send (or another thread
/// disconnects it meanwhile). If the deadline passes
/// with part of the data queued, the queued prefix is removed from the packet
/// (the chain keeps only what was not sent) and `NX_TX_QUEUE_DEPTH` returned;
/// with nothing queued, `NX_TX_QUEUE_DEPTH` and the packet untouched.
pub unsafe fn nx_tcp_socket_send(s: *mut NX_TCP_SOCKET, pkt: *mut NX_PACKET, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let (epoch0, tx_room) = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = slot!(core, r);
        (p.epoch, core.sockets.get::<Socket>(p.handle).send_capacity() / 4)
    };
    let mut cur = pkt;
    let mut off = 0usize;
    let mut sent = 0usize;
    let res = sh.wait_for(Deadline::after_ticks(wait_option), Wait::Tx(r, tx_room), |core, timed_out| {
        let Some(p) = core.tcp.get(r) else { return (Some(NX_PTR_ERROR), false) };
        if p.epoch != epoch0 {
            return (Some(p.epoch_status), false);
        }
        let so = p.sock;
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        if !sock.may_send() {
            return (Some(NX_NOT_CONNECTED), false);
        }
        let mut progressed = false;
        while !cur.is_null() {
            // SAFETY: the chain is the caller's until this call succeeds
            // (checked by `_nxe_`: every packet allocated, prepend <= append);
            // no one else touches it, and this reference is only read.
            let k = unsafe { &*cur };
            let start = k.nx_packet_prepend_ptr.wrapping_add(off);
            let len = (k.nx_packet_append_ptr as usize).saturating_sub(start as usize);
            if len == 0 {
                cur = k.nx_packet_next;
                off = 0;
                continue;
            }
            // SAFETY: `len` bytes of the packet's data at `start` (off < the
            // packet's data length, as `len` > 0), not written while sent.
            let data = unsafe { core::slice::from_raw_parts(start, len) };
            let n = sock.send_slice(data).unwrap_or(0);
            if n == 0 {
                break;
            }
            progressed = true;
            sent += n;
            off += n;
        }
        if cur.is_null() {
            // SAFETY: the slot is valid (found above, under the `core` lock
            // the wait holds), so `so` is a created socket; its public fields
            // are written only under that lock. One field in place, no
            // reference: the application may read the block meanwhile.
            let before = unsafe { (*so).nx_tcp_socket_bytes_sent };
            // SAFETY: as the read above.
            unsafe { (*so).nx_tcp_socket_bytes_sent = before.wrapping_add(sent as ULONG) };
            return (Some(NX_SUCCESS), true);
        }
        if timed_out {
            return (Some(NX_TX_QUEUE_DEPTH), progressed);
        }
        (None, progressed)
    });
    if res == NX_SUCCESS {
        // SAFETY: success: the stack owns the chain now, and its bytes were copied.
        unsafe { packet::nx_packet_release(pkt) };
    } else if sent > 0 {
        // Remove the queued prefix so that a retry does not send it twice.
        let mut p = pkt;
        let mut left = sent;
        while !p.is_null() && left > 0 {
            // SAFETY: failure: the chain stays the caller's, lent for the
            // call; no other reference to this packet exists meanwhile.
            let k = unsafe { &mut *p };
            let len = (k.nx_packet_append_ptr as usize).saturating_sub(k.nx_packet_prepend_ptr as usize);
            let n = len.min(left);
            k.nx_packet_prepend_ptr = k.nx_packet_prepend_ptr.wrapping_add(n);
            left -= n;
            p = k.nx_packet_next;
        }
        // SAFETY: the caller's head packet, as above.
        let head = unsafe { &mut *pkt };
        head.nx_packet_length = head.nx_packet_length.saturating_sub(sent as ULONG);
    }
    res
}

/// Waits up to `wait_option` ticks for data and hands it over in ONE packet
/// from the IP instance's default pool (the caller releases it).
/// `NX_NO_PACKET` on timeout or when no packet could be allocated in time;
/// `NX_NOT_CONNECTED` when the connection is not open for receiving and no
/// data is left (the peer closed), or another thread disconnects the socket
/// meanwhile; `NX_NOT_BOUND` if it unbinds or unaccepts it; `NX_PTR_ERROR`
/// if it deletes it.
pub unsafe fn nx_tcp_socket_receive(s: *mut NX_TCP_SOCKET, packet_ptr: *mut *mut NX_PACKET, wait_option: ULONG) -> UINT {
    // SAFETY: the service's contract: a writable output lent for the call.
    unsafe { *packet_ptr = ptr::null_mut() };
    let (sh, r) = enter_sock!(s);
    // SAFETY: a created socket (checked by `enter`); its IP pointer is set at
    // create and never changes.
    let ip = unsafe { (*s).nx_tcp_socket_ip_ptr };
    // SAFETY: the socket's instance, created (`enter` holds it open); its
    // default pool is set at create and never changes.
    let pool = unsafe { (*ip).nx_ip_default_packet_pool };
    let epoch0 = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        slot!(core, r).epoch
    };
    let deadline = Deadline::after_ticks(wait_option);
    let mut pkt: *mut NX_PACKET = ptr::null_mut();
    loop {
        enum R {
            Got,
            NeedPacket,
            Status(UINT),
        }
        let res = sh.wait_for(deadline, Wait::Rx(r), |core, timed_out| {
            let Some(p) = core.tcp.get(r) else { return (Some(R::Status(NX_PTR_ERROR)), false) };
            if p.epoch != epoch0 {
                return (Some(R::Status(p.epoch_status)), false);
            }
            let so = p.sock;
            let sock = core.sockets.get_mut::<Socket>(p.handle);
            if sock.recv_queue() > 0 {
                if pkt.is_null() {
                    let mut np = ptr::null_mut();
                    // SAFETY: the instance's default pool (created, kept for
                    // the instance's life); `np` is a local output.
                    if unsafe { packet::allocate_until(pool, &mut np, NX_RECEIVE_PACKET, deadline, true) } != NX_SUCCESS {
                        return (Some(R::NeedPacket), false);
                    }
                    pkt = np;
                }
                // SAFETY: a packet from the pool is ours until handed out; no
                // other reference to it exists.
                let k = unsafe { &mut *pkt };
                let room = k.nx_packet_data_end as usize - k.nx_packet_append_ptr as usize;
                // SAFETY: the `room` bytes after the append pointer are the
                // packet's own payload (not its header, which `k` borrows).
                let buf = unsafe { core::slice::from_raw_parts_mut(k.nx_packet_append_ptr, room) };
                // A window update is worth sending at once only when the
                // window was at most half open; otherwise the next poll or
                // ACK carries it (saves a poll per packet with big windows).
                let window_was_small = sock.recv_queue() * 2 >= sock.recv_capacity();
                let n = sock.recv_slice(buf).unwrap_or(0);
                k.nx_packet_append_ptr = k.nx_packet_append_ptr.wrapping_add(n);
                k.nx_packet_length += n as ULONG;
                // SAFETY: the slot is valid (found above, under the `core`
                // lock the wait holds), so `so` is a created socket; its public
                // fields are written only under that lock. One field in place,
                // no reference: the application may read the block meanwhile.
                let before = unsafe { (*so).nx_tcp_socket_bytes_received };
                // SAFETY: as the read above.
                unsafe { (*so).nx_tcp_socket_bytes_received = before.wrapping_add(n as ULONG) };
                return (Some(R::Got), window_was_small);
            }
            if !sock.may_recv() && !matches!(sock.state(), State::SynSent | State::SynReceived) {
                return (Some(R::Status(NX_NOT_CONNECTED)), false);
            }
            if timed_out {
                return (Some(R::Status(NX_NO_PACKET)), false);
            }
            (None, false)
        });
        match res {
            R::Got => {
                // SAFETY: the packet is still ours (not handed out yet).
                unsafe { (*pkt).nx_packet_ip_version = NX_IP_VERSION_V4 as UCHAR };
                // SAFETY: the service's contract: a writable output lent for the call.
                unsafe { *packet_ptr = pkt };
                return NX_SUCCESS;
            }
            R::Status(st) => {
                if !pkt.is_null() {
                    // SAFETY: a packet we allocated and never handed out.
                    unsafe { packet::nx_packet_release(pkt) };
                }
                return st;
            }
            R::NeedPacket => {
                // Wait for the pool with no stack lock held. Without a
                // helper thread the packets may be in the instance's own
                // queues: serve it between tries.
                let mut np = ptr::null_mut();
                let got = if sh.polled() && wait_option != NX_NO_WAIT {
                    loop {
                        sh.service();
                        // SAFETY: the instance's default pool; `np` is a local output.
                        let st = unsafe { packet::allocate_until(pool, &mut np, NX_RECEIVE_PACKET, deadline.min(Deadline::after_ticks(1)), false) };
                        if st == NX_SUCCESS {
                            break true;
                        }
                        if deadline.expired() {
                            break false;
                        }
                    }
                } else {
                    // SAFETY: the instance's default pool; `np` is a local output.
                    let st = unsafe { packet::allocate_until(pool, &mut np, NX_RECEIVE_PACKET, deadline, wait_option == NX_NO_WAIT) };
                    st == NX_SUCCESS
                };
                if !got {
                    return NX_NO_PACKET;
                }
                pkt = np;
            }
        }
    }
}

/// Closes the connection gracefully, waiting up to `wait_option` ticks for
/// the FIN handshake (our FIN acknowledged and the peer's FIN received), then
/// resets it if it did not finish. The socket is CLOSED afterwards (a client
/// socket stays bound). With `NX_NO_WAIT` the FIN is sent and the call
/// returns at once. `NX_NOT_CONNECTED` if it
/// was closed already; a listening socket stops listening (`NX_SUCCESS`).
/// Other threads waiting on the socket return `NX_NOT_CONNECTED`.
pub unsafe fn nx_tcp_socket_disconnect(s: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = slot!(core, r);
        p.cb_done = true;
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        let st = sock.state();
        if st != State::Closed {
            bump(p, NX_NOT_CONNECTED);
            sh.sock_sig.notify_all();
        }
        match st {
            State::Closed => return NX_NOT_CONNECTED,
            State::TimeWait => {
                sock.abort();
                // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
                // socket is created; its public fields are written only under that lock. One
                // field in place, no reference: the application may read the block meanwhile.
                unsafe { (*s).nx_tcp_socket_state = NX_TCP_CLOSED };
                return NX_SUCCESS;
            }
            State::Listen | State::SynSent => {
                sock.abort();
                // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
                // socket is created; its public fields are written only under that lock. One
                // field in place, no reference: the application may read the block meanwhile.
                unsafe { (*s).nx_tcp_socket_state = NX_TCP_CLOSED };
                let lp = p.listen_port;
                if lp != 0 {
                    if let Some(e) = core.tcp.listen_mut(lp) {
                        if e.socket == Some(r) {
                            e.socket = None;
                        }
                    }
                }
                drop(g);
                sh.poll_now();
                return NX_SUCCESS;
            }
            _ => sock.close(),
        }
    }
    if wait_option == NX_NO_WAIT {
        // The FIN leaves now; the close completes in the background (unbind
        // or unaccept reset it if it is still in progress then).
        sh.poll_now();
        return NX_SUCCESS;
    }
    let deadline = Deadline::after_ticks(wait_option);
    let mut first = true;
    let res = sh.wait_for(deadline, Wait::Any, |core, timed_out| {
        let poll = core::mem::replace(&mut first, false);
        let Some(p) = core.tcp.get(r) else { return (Some(NX_PTR_ERROR), false) };
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        match sock.state() {
            State::Closed => (Some(NX_SUCCESS), poll),
            State::TimeWait => {
                sock.abort();
                (Some(NX_SUCCESS), true)
            }
            _ if timed_out => {
                sock.abort();
                (Some(NX_SUCCESS), true)
            }
            _ => (None, poll),
        }
    });
    if res == NX_SUCCESS {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        if let Some(p) = core.tcp.get(r) {
            // SAFETY: the slot is valid (checked under the `core` lock, held here), so the
            // socket is created; its public fields are written only under that lock. One
            // field in place, no reference: the application may read the block meanwhile.
            unsafe { (*p.sock).nx_tcp_socket_state = NX_TCP_CLOSED };
        }
    }
    NX_SUCCESS
}

/// Waits up to `wait_option` ticks until the socket is in `desired_state`.
/// `NX_NOT_SUCCESSFUL` on timeout; if another thread disconnects, unbinds
/// or deletes the socket meanwhile: `NX_NOT_CONNECTED`, `NX_NOT_BOUND`,
/// `NX_PTR_ERROR`.
pub unsafe fn nx_tcp_socket_state_wait(s: *mut NX_TCP_SOCKET, desired_state: UINT, wait_option: ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let epoch0 = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        slot!(core, r).epoch
    };
    sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let Some(p) = core.tcp.get(r) else { return (Some(NX_PTR_ERROR), false) };
        if p.epoch != epoch0 {
            return (Some(p.epoch_status), false);
        }
        let st = nx_state(core.sockets.get::<Socket>(p.handle).state());
        // SAFETY: valid slot: `p.sock` is a created socket.
        unsafe { (*p.sock).nx_tcp_socket_state = st };
        if st == desired_state {
            (Some(NX_SUCCESS), false)
        } else if timed_out {
            (Some(NX_NOT_SUCCESSFUL), false)
        } else {
            (None, false)
        }
    })
}

/// `*bytes_available` = received bytes not yet handed over.
/// `NX_NOT_CONNECTED` when the socket never connected and holds nothing.
pub unsafe fn nx_tcp_socket_bytes_available(s: *mut NX_TCP_SOCKET, bytes_available: *mut ULONG) -> UINT {
    let (sh, r) = enter_sock!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = slot!(core, r);
    let sock = core.sockets.get::<Socket>(p.handle);
    let n = sock.recv_queue();
    // SAFETY: the service's contract: a writable output lent for the call.
    unsafe { *bytes_available = n as ULONG };
    if n == 0 && matches!(sock.state(), State::Closed | State::Listen | State::SynSent) {
        return NX_NOT_CONNECTED;
    }
    NX_SUCCESS
}

/// Bytes of the IP instance's memory area one socket (or listen backlog
/// socket) takes on the host (std port, 64 KiB default transmit buffer)
/// with a window of up to 65,536 bytes: 64 KiB of receive and 64 KiB of
/// transmit buffer plus two 16-byte block headers. In general a socket with
/// a window of `w` bytes and a transmit buffer of `t` bytes (default
/// 65,536 on the host, 5,840 on the embedded ports, else `max_queue_depth`
/// × 1460 from `nx_tcp_socket_transmit_configure`) takes
/// `round8(max(w, 1460))` + `round8(t)` + 32.
pub const NX_TCP_SOCKET_MEMORY_MAX: ULONG = 131_104;
/// Bytes of the area a socket with a window of at most 2,048 bytes and the
/// host's default transmit buffer (64 KiB) takes.
pub const NX_TCP_SOCKET_MEMORY_SMALL: ULONG = 67_616;
/// Bytes of the area a socket with a window of at most 2,048 bytes and the
/// embedded ports' default transmit buffer (4 × 1460 = 5,840) takes: what a
/// POP3 client needs on a microcontroller.
pub const NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED: ULONG = 7_920;
const _: () = assert!(socket_bytes_tx(65536, 65536) == NX_TCP_SOCKET_MEMORY_MAX as usize);
const _: () = assert!(socket_bytes_tx(2048, 65536) == NX_TCP_SOCKET_MEMORY_SMALL as usize);
const _: () = assert!(socket_bytes_tx(2048, 4 * MSS) == NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED as usize);
#[cfg(not(any(feature = "port-threadx", feature = "port-baremetal")))]
const _: () = assert!(socket_bytes(2048) == NX_TCP_SOCKET_MEMORY_SMALL as usize);
#[cfg(any(feature = "port-threadx", feature = "port-baremetal"))]
const _: () = assert!(socket_bytes(2048) == NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED as usize);

/// Sets the transmit buffer of a socket to `max_queue_depth` segments
/// (× 1460 bytes, at least one, at most 1 MiB) in place of the build's
/// default ([`TX_BUFFER`]): the buffer is taken from the instance's memory
/// area at once and the old one given back; listen backlog sockets made
/// later get the same size. Before connect or listen: `NX_NOT_CLOSED` while
/// the socket is connecting, connected, closing or listening.
/// `NX_SIZE_ERROR` when the area has no room (the socket keeps its buffer).
/// `timeout`, `max_retries`, `timeout_shift` are accepted and not used
/// (smoltcp times retransmissions from its RTT estimate).
pub unsafe fn nx_tcp_socket_transmit_configure(
    s: *mut NX_TCP_SOCKET,
    max_queue_depth: ULONG,
    _timeout: ULONG,
    _max_retries: ULONG,
    _timeout_shift: ULONG,
) -> UINT {
    let (sh, r) = enter_sock!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = slot!(core, r);
    let (h, bufs, window, old_tn) = (p.handle, p.bufs, p.window as usize, p.tx_size as usize);
    if p.listen_port != 0 {
        return NX_NOT_CLOSED;
    }
    let sock = core.sockets.get_mut::<Socket>(h);
    if sock.state() == State::TimeWait {
        sock.abort();
    }
    if sock.state() != State::Closed {
        return NX_NOT_CLOSED;
    }
    let tn = tx_bytes_for_depth(max_queue_depth as usize);
    if tn == old_tn {
        return NX_SUCCESS;
    }
    // The old socket (closed, nothing queued) goes, and its transmit
    // block with it; a new one takes the same receive block.
    let _ = core.sockets.remove(h);
    if !bufs.tx.is_null() {
        // SAFETY: the block came from this area; its socket is gone.
        unsafe { core.area.free(bufs.tx) };
    }
    let (tx, status, tn) = match core.area.alloc(tn) {
        Some(tx) => (tx, NX_SUCCESS, tn),
        // The block just freed is still free (maybe merged with its
        // neighbours): the old size fits again.
        None => match core.area.alloc(old_tn) {
            Some(tx) => (tx, NX_SIZE_ERROR, old_tn),
            // Not reached (first fit over a list holding that block);
            // should it be, the socket gets an empty transmit buffer
            // (sends wait, then time out) rather than a stale handle.
            None => (ptr::null_mut(), NX_SIZE_ERROR, 0),
        },
    };
    let rn = rx_bytes(window);
    // SAFETY: the receive block is this socket's (its old smoltcp socket
    // is dropped), the transmit block was just allocated.
    let hn = core.sockets.add(unsafe { new_socket(bufs.rx, rn, tx, tn) });
    let p = slot!(core, r);
    p.handle = hn;
    p.bufs.tx = tx;
    p.tx_size = tn as u32;
    status
}
