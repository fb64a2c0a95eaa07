//! TCP sockets over smoltcp with NetX semantics (`_nx_`: no argument checks).
//!
//! Each `NX_TCP_SOCKET` owns exactly one smoltcp socket (created in
//! `nx_tcp_socket_create` with its buffers: receive = the window, at least
//! 1460 bytes; transmit = [`TX_BUFFER`]), whose handle sits in the socket's
//! private area with the bound port and callback flags. All private state is
//! touched only with the IP instance's `core` lock held.
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

#![allow(clippy::missing_safety_doc)]

use core::ptr;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{Socket, SocketBuffer, State};
use smoltcp::wire::{IpAddress, Ipv4Address};

use crate::netx::ip::{self, Callbacks, IpCore, Wait};
use crate::netx::packet;
use crate::netx::types::*;
use crate::port::Deadline;

/// Transmit buffer of every socket: room for many segments, so that a send
/// returns at once and the window, not the buffer, limits the sender.
pub const TX_BUFFER: usize = 64 * 1024;
/// Smallest receive buffer (one full segment).
pub const MIN_WINDOW: usize = 1460;
/// Lowest port `NX_ANY_PORT` gives (0xC000..=0xFFFF, the IANA dynamic range).
const FIRST_ANY_PORT: u16 = 0xC000;

/// Private part of an `NX_TCP_SOCKET`.
struct TcpPriv {
    handle: SocketHandle,
    /// Client bind port (0 = not bound).
    port: u16,
    /// Listen entry this socket serves (0 = none).
    listen_port: u16,
    /// Seen connected since the last connect/accept.
    was_connected: bool,
    /// Disconnect callback done, or we closed first.
    cb_done: bool,
    window: u32,
    /// Threads waiting for data / for transmit room, and the room wanted.
    rx_waiters: u16,
    tx_waiters: u16,
    tx_min: u32,
}

const _: () = assert!(private_fits::<TcpPriv, NX_TCP_SOCKET_PRIVATE_WORDS>());

struct Backlog {
    handle: SocketHandle,
    notified: bool,
}

struct ListenEntry {
    port: u16,
    /// The NetX socket currently listening (NULL after accept until relisten).
    socket: *mut NX_TCP_SOCKET,
    /// The socket that called listen (listen callback argument).
    owner: *mut NX_TCP_SOCKET,
    backlog: Vec<Backlog>,
}

/// TCP bookkeeping of one IP instance (inside its `core`).
pub(crate) struct TcpState {
    sockets: Vec<*mut NX_TCP_SOCKET>,
    listens: Vec<ListenEntry>,
    next_port: u16,
}

impl TcpState {
    pub(crate) fn new() -> Self {
        // Start the search at a random place in the range (RFC 6056), not at
        // 0xC000 in every process: a client restarted at once would reuse the
        // port of its previous run while the server still holds that
        // connection in TIME_WAIT.
        let start = FIRST_ANY_PORT + (crate::port::random_u64() % 0x4000) as u16;
        TcpState { sockets: Vec::with_capacity(8), listens: Vec::new(), next_port: start }
    }
}

unsafe fn tp<'a>(s: *mut NX_TCP_SOCKET) -> &'a mut TcpPriv {
    // SAFETY: caller guarantees `s` is a created socket.
    &mut *((*s).nx_tcp_socket_private.as_mut_ptr() as *mut TcpPriv)
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

fn new_socket(window: usize) -> Socket<'static> {
    let rx = window.max(MIN_WINDOW);
    let mut s = Socket::new(SocketBuffer::new(vec![0u8; rx]), SocketBuffer::new(vec![0u8; TX_BUFFER.max(rx)]));
    // NetX has neither Nagle nor delayed ACKs; both would stall a small
    // window (and delayed ACKs measured slower with big ones too).
    s.set_nagle_enabled(false);
    s.set_ack_delay(None);
    s
}

unsafe fn mirror_one(core: &mut IpCore, s: *mut NX_TCP_SOCKET, cbs: &mut Callbacks) {
    let p = tp(s);
    let sock = core.sockets.get::<Socket>(p.handle);
    let st = sock.state();
    (*s).nx_tcp_socket_state = nx_state(st);
    if is_synchronized(st) && !p.was_connected {
        p.was_connected = true;
        if let Some(ep) = sock.remote_endpoint() {
            if let IpAddress::Ipv4(a) = ep.addr {
                (*s).nx_tcp_socket_connect_ip.nxd_ip_version = NX_IP_VERSION_V4;
                (*s).nx_tcp_socket_connect_ip.nxd_ip_address.v4 = u32::from_be_bytes(a.octets());
            }
            (*s).nx_tcp_socket_connect_port = ep.port as UINT;
        }
        if let Some(ep) = sock.local_endpoint() {
            (*s).nx_tcp_socket_port = ep.port as UINT;
        }
        if p.listen_port != 0 {
            cbs.push(Callbacks::LISTEN, s, p.listen_port as UINT);
        }
    }
    let peer_gone = matches!(st, State::CloseWait | State::Closed | State::LastAck | State::TimeWait | State::Closing);
    if p.was_connected
        && !p.cb_done
        && peer_gone
        && (*s).nx_tcp_disconnect_callback.is_some()
        && cbs.push(Callbacks::DISCONNECT, s, 0)
    {
        p.cb_done = true;
    }
}

/// Counts a thread waiting on a socket for data or room (`delta` = +1/-1).
pub(crate) unsafe fn register_wait(wait: Wait, delta: i32) {
    match wait {
        Wait::Rx(s) => {
            let p = tp(s);
            p.rx_waiters = (p.rx_waiters as i32 + delta) as u16;
        }
        Wait::Tx(s, min) => {
            let p = tp(s);
            p.tx_waiters = (p.tx_waiters as i32 + delta) as u16;
            p.tx_min = min as u32;
        }
        Wait::Any => {}
    }
}

/// After every poll: mirror states, collect callbacks. True when a thread
/// waiting for data or room on some socket should wake up.
pub(crate) unsafe fn after_poll(core: &mut IpCore, cbs: &mut Callbacks) -> bool {
    let mut wake = false;
    for i in 0..core.tcp.sockets.len() {
        let s = core.tcp.sockets[i];
        mirror_one(core, s, cbs);
        let p = tp(s);
        if p.rx_waiters > 0 || p.tx_waiters > 0 {
            let sock = core.sockets.get::<Socket>(p.handle);
            if p.rx_waiters > 0 && (sock.recv_queue() > 0 || !sock.may_recv()) {
                wake = true;
            }
            if p.tx_waiters > 0
                && (sock.send_capacity() - sock.send_queue() >= p.tx_min as usize || !sock.may_send())
            {
                wake = true;
            }
        }
    }
    for e in core.tcp.listens.iter_mut() {
        for b in e.backlog.iter_mut() {
            let sock = core.sockets.get_mut::<Socket>(b.handle);
            if matches!(sock.state(), State::Closed | State::TimeWait) {
                // A queued connection reset (or closed) before anyone
                // accepted it: the slot listens again.
                sock.abort();
                let _ = sock.listen(e.port);
                b.notified = false;
                continue;
            }
            if !b.notified && is_synchronized(sock.state()) {
                b.notified = true;
                if !e.owner.is_null() && (*e.owner).nx_tcp_listen_callback.is_some() {
                    cbs.push(Callbacks::LISTEN, e.owner, e.port as UINT);
                }
            }
        }
    }
    wake
}

/// The instance goes away: its sockets become unusable (ids cleared).
pub(crate) unsafe fn on_ip_delete(core: &mut IpCore) {
    for &s in &core.tcp.sockets {
        ptr::write_volatile(&mut (*s).nx_tcp_socket_id, 0);
        (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
    }
    core.tcp.sockets.clear();
    core.tcp.listens.clear();
}

/// True when `s` is a created socket of any created IP instance (looks only
/// at the instances' socket lists, never at `*s`).
pub unsafe fn socket_is_created(s: *const NX_TCP_SOCKET) -> bool {
    let mut ips = [0usize; 64];
    let n = ip::created_ips(&mut ips);
    for &ipa in &ips[..n] {
        if let Some(sh) = ip::shared(ipa as *mut NX_IP) {
            let g = sh.core.lock();
            if let Some(core) = g.as_ref() {
                if core.tcp.sockets.iter().any(|&x| ptr::eq(x, s)) {
                    return true;
                }
            }
        }
    }
    false
}

macro_rules! ip_of {
    ($s:expr) => {
        match ip::shared((*$s).nx_tcp_socket_ip_ptr) {
            Some(sh) => sh,
            None => return NX_PTR_ERROR,
        }
    };
}

/// Creates a socket on `ip` with a receive window of `window_size` bytes.
/// `NX_NOT_ENABLED` before `nx_tcp_enable`.
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
    let Some(sh) = ip::shared(ip) else { return NX_PTR_ERROR };
    if !*sh.tcp_enabled.lock() {
        return NX_NOT_ENABLED;
    }
    let sock = new_socket(window_size as usize);
    ptr::write_bytes(s as *mut u8, 0, core::mem::size_of::<NX_TCP_SOCKET>());
    let x = &mut *s;
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
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let handle = core.sockets.add(sock);
    ptr::write(
        x.nx_tcp_socket_private.as_mut_ptr() as *mut TcpPriv,
        TcpPriv {
            handle,
            port: 0,
            listen_port: 0,
            was_connected: false,
            cb_done: false,
            window: window_size,
            rx_waiters: 0,
            tx_waiters: 0,
            tx_min: 0,
        },
    );
    core.tcp.sockets.push(s);
    ptr::write_volatile(&mut x.nx_tcp_socket_id, NX_TCP_ID);
    NX_SUCCESS
}

/// Deletes a socket. `NX_STILL_BOUND` while bound or listening.
pub unsafe fn nx_tcp_socket_delete(s: *mut NX_TCP_SOCKET) -> UINT {
    let sh = ip_of!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = tp(s);
    if p.port != 0 || p.listen_port != 0 {
        return NX_STILL_BOUND;
    }
    let sock = core.sockets.get_mut::<Socket>(p.handle);
    sock.abort();
    core.sockets.remove(p.handle);
    core.tcp.sockets.retain(|&x| x != s);
    ptr::write_volatile(&mut (*s).nx_tcp_socket_id, 0);
    (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
    NX_SUCCESS
}

fn port_in_use(core: &IpCore, port: u16) -> bool {
    // SAFETY: listed sockets are created.
    core.tcp.sockets.iter().any(|&s| unsafe { tp(s).port == port })
        || core.tcp.listens.iter().any(|e| e.port == port)
}

/// Binds a client socket to `port`, or to a free port in 0xC000..=0xFFFF (searched from a random start) for
/// `NX_ANY_PORT`. A port in use: waits up to `wait_option` ticks for it,
/// then `NX_PORT_UNAVAILABLE`. `NX_ALREADY_BOUND` if bound.
pub unsafe fn nx_tcp_client_socket_bind(s: *mut NX_TCP_SOCKET, port: UINT, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    let deadline = Deadline::after_ticks(wait_option);
    loop {
        {
            let mut g = sh.core.lock();
            let core = ip::core_of(&mut g);
            if tp(s).port != 0 || tp(s).listen_port != 0 {
                return NX_ALREADY_BOUND;
            }
            let chosen = if port == NX_ANY_PORT {
                let mut found = 0u16;
                for _ in 0..=(0xFFFF - FIRST_ANY_PORT) {
                    let c = core.tcp.next_port;
                    core.tcp.next_port = if c == 0xFFFF { FIRST_ANY_PORT } else { c + 1 };
                    if !port_in_use(core, c) {
                        found = c;
                        break;
                    }
                }
                found
            } else if !port_in_use(core, port as u16) {
                port as u16
            } else {
                0
            };
            if chosen != 0 {
                tp(s).port = chosen;
                (*s).nx_tcp_socket_port = chosen as UINT;
                (*s).nx_tcp_socket_client_type = NX_TRUE;
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
/// connected (a socket still closing is aborted).
pub unsafe fn nx_tcp_client_socket_unbind(s: *mut NX_TCP_SOCKET) -> UINT {
    let sh = ip_of!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let p = tp(s);
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
    (*s).nx_tcp_socket_port = 0;
    (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
    NX_SUCCESS
}

/// Connects to `server_ip:server_port` (IPv4, host order). With `NX_NO_WAIT`
/// returns `NX_IN_PROGRESS`; otherwise waits for the handshake: `NX_SUCCESS`,
/// or `NX_NOT_CONNECTED` on refusal or timeout. `NX_NOT_BOUND`, `NX_NOT_CLOSED`.
pub unsafe fn nx_tcp_client_socket_connect(s: *mut NX_TCP_SOCKET, server_ip: ULONG, server_port: UINT, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    let h;
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = tp(s);
        if p.port == 0 {
            return NX_NOT_BOUND;
        }
        h = p.handle;
        let local = p.port;
        let sock = core.sockets.get_mut::<Socket>(h);
        if sock.state() == State::TimeWait {
            sock.abort();
        }
        if sock.state() != State::Closed {
            return NX_NOT_CLOSED;
        }
        let a = server_ip.to_be_bytes();
        let remote = (IpAddress::Ipv4(Ipv4Address::new(a[0], a[1], a[2], a[3])), server_port as u16);
        let sock = core.sockets.get_mut::<Socket>(h);
        let cx = core.iface.context();
        if sock.connect(cx, remote, local).is_err() {
            return NX_NOT_SUCCESSFUL;
        }
        p.was_connected = false;
        p.cb_done = false;
        (*s).nx_tcp_socket_connect_ip.nxd_ip_version = NX_IP_VERSION_V4;
        (*s).nx_tcp_socket_connect_ip.nxd_ip_address.v4 = server_ip;
        (*s).nx_tcp_socket_connect_port = server_port;
        (*s).nx_tcp_socket_state = NX_TCP_SYN_SENT;
    }
    if wait_option == NX_NO_WAIT {
        sh.poll_now();
        return NX_IN_PROGRESS;
    }
    let mut first = true;
    sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let poll = core::mem::replace(&mut first, false);
        let sock = core.sockets.get_mut::<Socket>(h);
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

/// IPv6-capable connect. IPv4 addresses go to [`nx_tcp_client_socket_connect`];
/// IPv6 gives `NX_NOT_SUPPORTED` (no IPv6 address is configured yet).
pub unsafe fn nxd_tcp_client_socket_connect(s: *mut NX_TCP_SOCKET, server_ip: *const NXD_ADDRESS, server_port: UINT, wait_option: ULONG) -> UINT {
    if (*server_ip).nxd_ip_version != NX_IP_VERSION_V4 {
        return NX_NOT_SUPPORTED;
    }
    nx_tcp_client_socket_connect(s, (*server_ip).nxd_ip_address.v4, server_port, wait_option)
}

/// Listens on `port` with socket `s` and `listen_queue_size` more connections
/// queued. `NX_DUPLICATE_LISTEN` if the port already has a listener,
/// `NX_ALREADY_BOUND` if `s` is bound, `NX_NOT_CLOSED` if `s` is not closed.
pub unsafe fn nx_tcp_server_socket_listen(
    ip: *mut NX_IP,
    port: UINT,
    s: *mut NX_TCP_SOCKET,
    listen_queue_size: UINT,
    listen_cb: NX_TCP_LISTEN_CALLBACK,
) -> UINT {
    let Some(sh) = ip::shared(ip) else { return NX_PTR_ERROR };
    let port16 = port as u16;
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    if core.tcp.listens.iter().any(|e| e.port == port16) {
        return NX_DUPLICATE_LISTEN;
    }
    let p = tp(s);
    if p.port != 0 || p.listen_port != 0 {
        return NX_ALREADY_BOUND;
    }
    let sock = core.sockets.get_mut::<Socket>(p.handle);
    if sock.state() == State::TimeWait {
        sock.abort();
    }
    if sock.state() != State::Closed {
        return NX_NOT_CLOSED;
    }
    if sock.listen(port16).is_err() {
        return NX_INVALID_PORT;
    }
    let mut backlog = Vec::with_capacity(listen_queue_size as usize);
    for _ in 0..listen_queue_size.min(64) {
        let mut b = new_socket(p.window as usize);
        let _ = b.listen(port16);
        backlog.push(Backlog { handle: core.sockets.add(b), notified: false });
    }
    (*s).nx_tcp_listen_callback = listen_cb;
    core.tcp.listens.push(ListenEntry { port: port16, socket: s, owner: s, backlog });
    p.listen_port = port16;
    p.was_connected = false;
    p.cb_done = false;
    (*s).nx_tcp_socket_port = port;
    (*s).nx_tcp_socket_client_type = NX_FALSE;
    (*s).nx_tcp_socket_state = NX_TCP_LISTEN_STATE;
    NX_SUCCESS
}

/// Takes a connected backlog socket, if any, into `s` (whose own smoltcp
/// socket then listens in the backlog). True if one was taken.
unsafe fn take_from_backlog(core: &mut IpCore, s: *mut NX_TCP_SOCKET, port: u16) -> bool {
    let p = tp(s);
    let Some(e) = core.tcp.listens.iter_mut().find(|e| e.port == port) else { return false };
    let mut found = None;
    for (i, b) in e.backlog.iter().enumerate() {
        if is_synchronized(core.sockets.get::<Socket>(b.handle).state()) {
            found = Some(i);
            break;
        }
    }
    let Some(i) = found else { return false };
    let mine = p.handle;
    let theirs = e.backlog[i].handle;
    let notified = e.backlog[i].notified;
    e.backlog[i] = Backlog { handle: mine, notified: false };
    let own = core.sockets.get_mut::<Socket>(mine);
    if own.state() != State::Listen {
        own.abort();
        let _ = own.listen(port);
    }
    p.handle = theirs;
    p.was_connected = false;
    p.cb_done = false;
    let mut cbs = Callbacks::new_pub();
    mirror_one(core, s, &mut cbs);
    if notified {
        // The listen callback already ran for this connection.
    }
    true
}

/// Waits up to `wait_option` ticks for a connection on a listening socket.
/// `NX_SUCCESS` once connected, `NX_NOT_CONNECTED` on timeout,
/// `NX_NOT_LISTEN_STATE` if `s` is not listening.
pub unsafe fn nx_tcp_server_socket_accept(s: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    let port = {
        let mut g = sh.core.lock();
        let _ = ip::core_of(&mut g);
        tp(s).listen_port
    };
    if port == 0 {
        return NX_NOT_LISTEN_STATE;
    }
    let r = sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let h = tp(s).handle;
        let sock = core.sockets.get_mut::<Socket>(h);
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
        if st == State::Listen && take_from_backlog(core, s, port) {
            return (Some(NX_SUCCESS), false);
        }
        if timed_out {
            return (Some(NX_NOT_CONNECTED), false);
        }
        (None, false)
    });
    if r == NX_SUCCESS {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        if let Some(e) = core.tcp.listens.iter_mut().find(|e| e.port == port) {
            if e.socket == s {
                e.socket = ptr::null_mut();
            }
        }
        let mut cbs = Callbacks::new_pub();
        mirror_one(core, s, &mut cbs);
    }
    r
}

/// Makes `s` listen again on `port` after `unaccept`. `NX_CONNECTION_PENDING`
/// when a queued connection was handed to `s` at once (call accept next).
/// `NX_NOT_FOUND` if nobody listens on `port`, `NX_NOT_CLOSED` if `s` is not
/// closed, `NX_ALREADY_BOUND` if another socket already waits on the port.
pub unsafe fn nx_tcp_server_socket_relisten(ip: *mut NX_IP, port: UINT, s: *mut NX_TCP_SOCKET) -> UINT {
    let Some(sh) = ip::shared(ip) else { return NX_PTR_ERROR };
    let port16 = port as u16;
    let r = {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let Some(ei) = core.tcp.listens.iter().position(|e| e.port == port16) else { return NX_NOT_FOUND };
        if !core.tcp.listens[ei].socket.is_null() && core.tcp.listens[ei].socket != s {
            return NX_ALREADY_BOUND;
        }
        let p = tp(s);
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
        p.listen_port = port16;
        p.was_connected = false;
        p.cb_done = false;
        (*s).nx_tcp_socket_port = port;
        (*s).nx_tcp_socket_client_type = NX_FALSE;
        (*s).nx_tcp_socket_state = NX_TCP_LISTEN_STATE;
        if take_from_backlog(core, s, port16) {
            core.tcp.listens[ei].socket = ptr::null_mut();
            NX_CONNECTION_PENDING
        } else {
            core.tcp.listens[ei].socket = s;
            NX_SUCCESS
        }
    };
    sh.poll_now();
    r
}

/// Detaches a server socket from its listen port so it can relisten. A
/// connection still open or closing is aborted. `NX_NOT_LISTEN_STATE` if `s`
/// serves no port.
pub unsafe fn nx_tcp_server_socket_unaccept(s: *mut NX_TCP_SOCKET) -> UINT {
    let sh = ip_of!(s);
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = tp(s);
        if p.listen_port == 0 {
            return NX_NOT_LISTEN_STATE;
        }
        let sock = core.sockets.get_mut::<Socket>(p.handle);
        if sock.state() != State::Closed {
            sock.abort();
        }
        if let Some(e) = core.tcp.listens.iter_mut().find(|e| e.port == p.listen_port) {
            if e.socket == s {
                e.socket = ptr::null_mut();
            }
        }
        p.listen_port = 0;
        p.cb_done = true;
        (*s).nx_tcp_socket_port = 0;
        (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
    }
    sh.poll_now();
    NX_SUCCESS
}

/// Stops listening on `port`; queued connections are reset. A socket still
/// waiting in accept/listen on it goes back to CLOSED. `NX_ENTRY_NOT_FOUND`.
pub unsafe fn nx_tcp_server_socket_unlisten(ip: *mut NX_IP, port: UINT) -> UINT {
    let Some(sh) = ip::shared(ip) else { return NX_PTR_ERROR };
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let Some(i) = core.tcp.listens.iter().position(|e| e.port == port as u16) else {
            return NX_ENTRY_NOT_FOUND;
        };
        let e = core.tcp.listens.remove(i);
        for b in e.backlog {
            core.sockets.get_mut::<Socket>(b.handle).abort();
            // Removed after the RST went out (next poll), see below.
            core.tcp_removed_push(b.handle);
        }
        if !e.socket.is_null() {
            let p = tp(e.socket);
            let sock = core.sockets.get_mut::<Socket>(p.handle);
            if sock.state() == State::Listen {
                sock.abort();
                p.listen_port = 0;
                (*e.socket).nx_tcp_socket_port = 0;
                (*e.socket).nx_tcp_socket_state = NX_TCP_CLOSED;
            }
        }
    }
    sh.poll_now();
    let mut g = sh.core.lock();
    ip::core_of(&mut g).tcp_removed_flush();
    NX_SUCCESS
}

impl IpCore {
    fn tcp_removed_push(&mut self, h: SocketHandle) {
        // Keep the socket in the set until the next poll sent its RST.
        self.tcp_removed.push(h);
    }
    fn tcp_removed_flush(&mut self) {
        while let Some(h) = self.tcp_removed.pop() {
            self.sockets.remove(h);
        }
    }
}

/// Sends the chain's data. Success: the stack owns the packet (released at
/// once: the bytes were copied). Failure: the caller keeps it.
/// `NX_NOT_CONNECTED` if the connection cannot send. If the deadline passes
/// with part of the data queued, the queued prefix is removed from the packet
/// (the chain keeps only what was not sent) and `NX_TX_QUEUE_DEPTH` returned;
/// with nothing queued, `NX_TX_QUEUE_DEPTH` and the packet untouched.
pub unsafe fn nx_tcp_socket_send(s: *mut NX_TCP_SOCKET, pkt: *mut NX_PACKET, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    let mut cur = pkt;
    let mut off = 0usize;
    let mut sent = 0usize;
    let r = sh.wait_for(Deadline::after_ticks(wait_option), Wait::Tx(s, TX_BUFFER / 4), |core, timed_out| {
        let h = tp(s).handle;
        let sock = core.sockets.get_mut::<Socket>(h);
        if !sock.may_send() {
            return (Some(NX_NOT_CONNECTED), false);
        }
        let mut progressed = false;
        while !cur.is_null() {
            let start = (*cur).nx_packet_prepend_ptr.add(off);
            let len = (*cur).nx_packet_append_ptr as usize - start as usize;
            if len == 0 {
                cur = (*cur).nx_packet_next;
                off = 0;
                continue;
            }
            let n = sock.send_slice(core::slice::from_raw_parts(start, len)).unwrap_or(0);
            if n == 0 {
                break;
            }
            progressed = true;
            sent += n;
            off += n;
        }
        if cur.is_null() {
            return (Some(NX_SUCCESS), true);
        }
        if timed_out {
            return (Some(NX_TX_QUEUE_DEPTH), progressed);
        }
        (None, progressed)
    });
    if r == NX_SUCCESS {
        let mut g = sh.core.lock();
        let _ = ip::core_of(&mut g);
        (*s).nx_tcp_socket_bytes_sent = (*s).nx_tcp_socket_bytes_sent.wrapping_add(sent as ULONG);
        drop(g);
        packet::nx_packet_release(pkt);
    } else if sent > 0 {
        // Remove the queued prefix so that a retry does not send it twice.
        let mut p = pkt;
        let mut left = sent;
        while !p.is_null() && left > 0 {
            let len = (*p).nx_packet_append_ptr as usize - (*p).nx_packet_prepend_ptr as usize;
            let n = len.min(left);
            (*p).nx_packet_prepend_ptr = (*p).nx_packet_prepend_ptr.add(n);
            left -= n;
            p = (*p).nx_packet_next;
        }
        (*pkt).nx_packet_length = (*pkt).nx_packet_length.saturating_sub(sent as ULONG);
    }
    r
}

/// Waits up to `wait_option` ticks for data and hands it over in ONE packet
/// from the IP instance's default pool (the caller releases it).
/// `NX_NO_PACKET` on timeout or when no packet could be allocated in time;
/// `NX_NOT_CONNECTED` when the connection is not open for receiving and no
/// data is left (the peer closed).
pub unsafe fn nx_tcp_socket_receive(s: *mut NX_TCP_SOCKET, packet_ptr: *mut *mut NX_PACKET, wait_option: ULONG) -> UINT {
    *packet_ptr = ptr::null_mut();
    let sh = ip_of!(s);
    let pool = (*(*s).nx_tcp_socket_ip_ptr).nx_ip_default_packet_pool;
    let deadline = Deadline::after_ticks(wait_option);
    let mut pkt: *mut NX_PACKET = ptr::null_mut();
    loop {
        enum R {
            Got,
            NeedPacket,
            Status(UINT),
        }
        let r = sh.wait_for(deadline, Wait::Rx(s), |core, timed_out| {
            let h = tp(s).handle;
            let sock = core.sockets.get_mut::<Socket>(h);
            if sock.recv_queue() > 0 {
                if pkt.is_null() {
                    let mut p = ptr::null_mut();
                    if packet::allocate_until(pool, &mut p, NX_RECEIVE_PACKET, deadline, true) != NX_SUCCESS {
                        return (Some(R::NeedPacket), false);
                    }
                    pkt = p;
                }
                let room = (*pkt).nx_packet_data_end as usize - (*pkt).nx_packet_append_ptr as usize;
                let buf = core::slice::from_raw_parts_mut((*pkt).nx_packet_append_ptr, room);
                // A window update is worth sending at once only when the
                // window was at most half open; otherwise the next poll or
                // ACK carries it (saves a poll per packet with big windows).
                let window_was_small = sock.recv_queue() * 2 >= sock.recv_capacity();
                let n = sock.recv_slice(buf).unwrap_or(0);
                (*pkt).nx_packet_append_ptr = (*pkt).nx_packet_append_ptr.add(n);
                (*pkt).nx_packet_length += n as ULONG;
                (*s).nx_tcp_socket_bytes_received = (*s).nx_tcp_socket_bytes_received.wrapping_add(n as ULONG);
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
        match r {
            R::Got => {
                (*pkt).nx_packet_ip_version = NX_IP_VERSION_V4 as UCHAR;
                *packet_ptr = pkt;
                return NX_SUCCESS;
            }
            R::Status(st) => {
                if !pkt.is_null() {
                    packet::nx_packet_release(pkt);
                }
                return st;
            }
            R::NeedPacket => {
                // Wait for the pool with no stack lock held.
                let mut p = ptr::null_mut();
                if packet::allocate_until(pool, &mut p, NX_RECEIVE_PACKET, deadline, wait_option == NX_NO_WAIT) != NX_SUCCESS {
                    return NX_NO_PACKET;
                }
                pkt = p;
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
pub unsafe fn nx_tcp_socket_disconnect(s: *mut NX_TCP_SOCKET, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    let h;
    {
        let mut g = sh.core.lock();
        let core = ip::core_of(&mut g);
        let p = tp(s);
        p.cb_done = true;
        h = p.handle;
        let sock = core.sockets.get_mut::<Socket>(h);
        match sock.state() {
            State::Closed => return NX_NOT_CONNECTED,
            State::TimeWait => {
                sock.abort();
                (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
                return NX_SUCCESS;
            }
            State::Listen | State::SynSent => {
                sock.abort();
                (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
                if p.listen_port != 0 {
                    let lp = p.listen_port;
                    if let Some(e) = core.tcp.listens.iter_mut().find(|e| e.port == lp) {
                        if e.socket == s {
                            e.socket = ptr::null_mut();
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
    sh.wait_for(deadline, Wait::Any, |core, timed_out| {
        let poll = core::mem::replace(&mut first, false);
        let sock = core.sockets.get_mut::<Socket>(h);
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
    let mut g = sh.core.lock();
    let _ = ip::core_of(&mut g);
    (*s).nx_tcp_socket_state = NX_TCP_CLOSED;
    NX_SUCCESS
}

/// Waits up to `wait_option` ticks until the socket is in `desired_state`.
/// `NX_NOT_SUCCESSFUL` on timeout.
pub unsafe fn nx_tcp_socket_state_wait(s: *mut NX_TCP_SOCKET, desired_state: UINT, wait_option: ULONG) -> UINT {
    let sh = ip_of!(s);
    sh.wait_for(Deadline::after_ticks(wait_option), Wait::Any, |core, timed_out| {
        let st = nx_state(core.sockets.get::<Socket>(tp(s).handle).state());
        (*s).nx_tcp_socket_state = st;
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
    let sh = ip_of!(s);
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    let sock = core.sockets.get::<Socket>(tp(s).handle);
    let n = sock.recv_queue();
    *bytes_available = n as ULONG;
    if n == 0 && matches!(sock.state(), State::Closed | State::Listen | State::SynSent) {
        return NX_NOT_CONNECTED;
    }
    NX_SUCCESS
}
