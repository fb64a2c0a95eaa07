//! Target `session`: arbitrary frames delivered to an IP instance through
//! the driver protocol's deferred-receive calls while a TCP connection and
//! a POP3 session run on it (issue 9, "Fuzzing the other two inputs" (a)).
//!
//! Two instances on the RAM driver (10.10.0.0/24, created for each input
//! and deleted after it, pools made once): A runs a
//! scripted POP3 server on port 110 in a thread of its own, B runs the POP3
//! client through the C exports a NetX program calls (`_nxe_pop3_client_create`
//! with short timeouts carried as `nx_pop3_client_create` does, STAT, RETR and
//! the `message_get` loop, DELE, QUIT, delete). A's driver is the RAM driver
//! seen through `server_driver`, which notes the ports, sequence and
//! acknowledgement numbers of A's last TCP segment to B.
//!
//! Input: one configuration byte (1 to 3 messages, APOP or USER/PASS, each
//! reply sent whole or in two pieces, 0 to 47 of the 48 packets of B's pool
//! held during the session, the client's receive window), then frames, each `head` + fields:
//! `head & 7` picks a raw IP datagram (0) or ARP packet (1) (`u16` length,
//! bytes), an IPv4 datagram from A to B of a fuzzed protocol (2), or (3..7)
//! a TCP segment from A's port 110 to the client's port built on the live
//! connection: fuzzed flags, sequence and acknowledgement offsets from A's
//! last segment, window, options and payload (`"+OK ..."` text reaches the
//! client's parser). Bit 3 of `head` sets the packet's interface, bits 4-5
//! pick the driver receive path: the deferred-receive calls, the immediate
//! ones, or an Ethernet frame through `_nx_ip_driver_deferred_receive` (see
//! `net::inject`). The server injects the frames into B, from the pool B's
//! driver receives into, before each reply it sends: a frame with bit 7 of
//! `head` set ends the frames of one reply; what is left goes in after the
//! session.
//!
//! Checked: every client call returns a NetX status from the set the header
//! documents (a panic is a crash: libFuzzer's hook aborts, and the crate's
//! test counts panics), a packet handed out holds what `bytes_retrieved`
//! says, the client's delete and then A's socket and both instances delete
//! with `NX_SUCCESS`, every packet of both pools is back at the end, and
//! the run ends in bounded time (libFuzzer's `-timeout`).

use crate::{net, Reader};
use core::ptr;
use nx_pop3_client::client::*;
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::ffi::netx::*;
use nx_pop3_client::ffi::pop3::*;
use nx_pop3_client::netx::types::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};

/// Inputs whose session logged in (for the crate's test).
pub static LOGGED_IN: AtomicUsize = AtomicUsize::new(0);
/// Inputs whose session downloaded every message exactly and ended with
/// every call succeeding (for the crate's test: the seeds without frames).
pub static CLEAN: AtomicUsize = AtomicUsize::new(0);
/// Panics seen (also those the C boundary turns into `NX_NOT_SUCCESSFUL`).
pub static PANICS: AtomicUsize = AtomicUsize::new(0);

const PAYLOAD: u32 = 1536;
const PACKETS: usize = 48;
const IP_MEMORY: usize = 1 << 20;
const PORT: UINT = 110;
const MAX_FRAMES: usize = 64;
/// Client timeouts, ticks (10 ms): a lost connection costs a few of them.
const REPLY_TIMEOUT: ULONG = 2;
const CONNECT_TIMEOUT: ULONG = 20;

/// The maildrop: short messages, a dot-stuffed one, one longer than a segment.
fn maildrop() -> &'static [Vec<u8>; 3] {
    static M: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
    M.get_or_init(|| {
        [
            b"From: a@example.com\r\nSubject: one\r\n\r\nhello\r\n".to_vec(),
            b"Subject: two\r\n\r\n.leading dot\r\n.\r\n..\r\nend\r\n".to_vec(),
            b"Subject: three\r\n\r\n".iter().chain(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n".repeat(60).iter()).copied().collect(),
        ]
    })
}

/// The objects of every run, in memory that lives for the process. The
/// instances and A's socket are created for each input and deleted after
/// it: nothing an input did (an ARP entry pointing elsewhere, a socket
/// state) reaches the next one, so a finding reproduces alone.
struct World {
    ips: [*mut NX_IP; 2],
    pools: [*mut NX_PACKET_POOL; 2],
    /// A's listening socket.
    srv: *mut NX_TCP_SOCKET,
    client: *mut NX_POP3_CLIENT,
    mem: [net::IpMemory; 2],
}
// SAFETY: leaked allocations living for the process; the library's locks
// order every access, and one input runs at a time.
unsafe impl Send for World {}
unsafe impl Sync for World {}

fn addr(i: usize) -> ULONG {
    u32::from_be_bytes([10, 10, 0, 1 + i as u8])
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| unsafe {
        World {
            ips: [net::leak(core::mem::zeroed::<NX_IP>()), net::leak(core::mem::zeroed::<NX_IP>())],
            pools: [net::pool_create(PAYLOAD, PACKETS), net::pool_create(PAYLOAD, PACKETS)],
            srv: net::leak(core::mem::zeroed::<NX_TCP_SOCKET>()),
            client: net::leak(core::mem::zeroed::<NX_POP3_CLIENT>()),
            mem: [net::IpMemory::new(IP_MEMORY), net::IpMemory::new(IP_MEMORY)],
        }
    })
}

/// Creates both instances and A's listening socket.
unsafe fn up(w: &World) {
    let drivers: [unsafe extern "C" fn(*mut NX_IP_DRIVER); 2] = [server_driver, nx_ram_network_driver];
    for i in 0..2 {
        net::ip_create(w.ips[i], addr(i), w.pools[i], drivers[i], w.mem[i]);
        assert_eq!(_nxe_icmp_enable(w.ips[i]), NX_SUCCESS);
    }
    net::tcp_socket_create(w.ips[0], w.srv, 4096);
    assert_eq!(_nxe_tcp_server_socket_listen(w.ips[0], PORT, w.srv, 1, None), NX_SUCCESS);
}

/// Deletes what `up` created (the client deleted its socket); then every
/// packet must be back in its pool.
unsafe fn down(w: &World) {
    _nxe_tcp_socket_disconnect(w.srv, NX_NO_WAIT);
    _nxe_tcp_server_socket_unaccept(w.srv);
    assert_eq!(_nxe_tcp_server_socket_unlisten(w.ips[0], PORT), NX_SUCCESS);
    assert_eq!(_nxe_tcp_socket_delete(w.srv), NX_SUCCESS);
    for &ip in &w.ips {
        assert_eq!(_nxe_ip_delete(ip), NX_SUCCESS, "ip delete");
    }
    net::pools_settle(&w.pools);
}

/// What A last sent to B over TCP: the template of a spoofed segment.
#[derive(Clone, Copy, Default)]
struct Seen {
    sport: u16,
    dport: u16,
    /// Sequence number after the segment (SYN and FIN count one).
    seq_next: u32,
    ack: u32,
}

static SEEN: Mutex<Seen> = Mutex::new(Seen { sport: 0, dport: 0, seq_next: 0, ack: 0 });

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A's driver: the RAM driver, noting A's outgoing TCP segments to B first.
unsafe extern "C" fn server_driver(req: *mut NX_IP_DRIVER) {
    // SAFETY: the driver protocol: the request and its packet are live for
    // the call; the packet's first buffer holds its IP header.
    unsafe {
        let r = &*req;
        let p = r.nx_ip_driver_packet;
        if r.nx_ip_driver_command == NX_LINK_PACKET_SEND && !p.is_null() {
            let n = (*p).nx_packet_append_ptr as usize - (*p).nx_packet_prepend_ptr as usize;
            note(core::slice::from_raw_parts((*p).nx_packet_prepend_ptr, n));
        }
        nx_ram_network_driver(req);
    }
}

fn note(b: &[u8]) {
    if b.len() < 40 || b[0] >> 4 != 4 || b[9] != 6 || be32(b, 16) != addr(1) {
        return;
    }
    let ihl = usize::from(b[0] & 15) * 4;
    if b.len() < ihl + 20 {
        return;
    }
    let t = &b[ihl..];
    let doff = usize::from(t[12] >> 4) * 4;
    let len = usize::from(be16(b, 2)).saturating_sub(ihl + doff) as u32;
    let flags = t[13];
    let seq_next = be32(t, 4)
        .wrapping_add(len)
        .wrapping_add(u32::from(flags & 2 != 0))
        .wrapping_add(u32::from(flags & 1 != 0));
    let mut s = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    *s = Seen { sport: be16(t, 0), dport: be16(t, 2), seq_next, ack: be32(t, 8) };
}

fn checksum(sum: u32, b: &[u8]) -> u32 {
    let mut sum = sum;
    for c in b.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 datagram from `src` to B carrying `l4` as protocol `proto`, header
/// checksum right.
fn ipv4(src: ULONG, proto: u8, ttl: u8, frag: u16, l4: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 20];
    h[0] = 0x45;
    h[2..4].copy_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
    h[4..6].copy_from_slice(&0x1234u16.to_be_bytes());
    h[6..8].copy_from_slice(&frag.to_be_bytes());
    h[8] = ttl;
    h[9] = proto;
    h[12..16].copy_from_slice(&src.to_be_bytes());
    h[16..20].copy_from_slice(&addr(1).to_be_bytes());
    let c = fold(checksum(0, &h));
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h.extend_from_slice(l4);
    h
}

/// One frame of the input, built when it is injected.
enum Frame {
    /// `kind` as `net::inject` reads it.
    Raw { kind: u8, bytes: Vec<u8> },
    /// `iface` is `kind` but for bit 0 (ARP), which a template never sets.
    Ip { iface: u8, proto: u8, ttl: u8, frag: u16, spoof: Option<ULONG>, payload: Vec<u8> },
    Tcp {
        iface: u8,
        flags: u8,
        seq: i16,
        ack: i16,
        window: u16,
        bad_sum: bool,
        ports: Option<(u16, u16)>,
        options: Vec<u8>,
        payload: Vec<u8>,
    },
}

impl Frame {
    fn bytes(&self) -> (u8, Vec<u8>) {
        match self {
            Frame::Raw { kind, bytes } => (*kind, bytes.clone()),
            Frame::Ip { iface, proto, ttl, frag, spoof, payload } => {
                (*iface, ipv4(spoof.unwrap_or(addr(0)), *proto, *ttl, *frag, payload))
            }
            Frame::Tcp { iface, flags, seq, ack, window, bad_sum, ports, options, payload } => {
                let s = *SEEN.lock().unwrap_or_else(|e| e.into_inner());
                let (sp, dp) = ports.unwrap_or((s.sport, s.dport));
                let mut t = vec![0u8; 20];
                t[0..2].copy_from_slice(&sp.to_be_bytes());
                t[2..4].copy_from_slice(&dp.to_be_bytes());
                t[4..8].copy_from_slice(&s.seq_next.wrapping_add(*seq as i32 as u32).to_be_bytes());
                t[8..12].copy_from_slice(&s.ack.wrapping_add(*ack as i32 as u32).to_be_bytes());
                t[12] = ((5 + options.len() / 4) as u8) << 4;
                t[13] = *flags;
                t[14..16].copy_from_slice(&window.to_be_bytes());
                t.extend_from_slice(options);
                t.extend_from_slice(payload);
                let mut pseudo = [0u8; 12];
                pseudo[0..4].copy_from_slice(&addr(0).to_be_bytes());
                pseudo[4..8].copy_from_slice(&addr(1).to_be_bytes());
                pseudo[9] = 6;
                pseudo[10..12].copy_from_slice(&(t.len() as u16).to_be_bytes());
                let c = fold(checksum(checksum(0, &pseudo), &t)) ^ u16::from(*bad_sum);
                t[16..18].copy_from_slice(&c.to_be_bytes());
                (*iface, ipv4(addr(0), 6, 64, 0x4000, &t))
            }
        }
    }
}

/// The frames of the input, each with "the reply goes out after me".
fn parse(r: &mut Reader) -> Vec<(Frame, bool)> {
    let mut frames = Vec::new();
    while !r.is_empty() && frames.len() < MAX_FRAMES {
        let head = r.u8();
        // net::inject's kind: the interface bit and the receive path; a
        // template is an IP datagram, never a whole Ethernet frame (path 3).
        let path = (head >> 4) & 3;
        let raw = (head & 8) >> 2 | path << 2;
        let iface = (head & 8) >> 2 | path.min(2) << 2;
        let f = match head & 7 {
            k @ (0 | 1) => {
                let len = usize::from(r.u16()) % 1600;
                Frame::Raw { kind: k | raw, bytes: r.bytes(len).to_vec() }
            }
            2 => {
                let proto = r.u8();
                let ttl = r.u8();
                let frag = r.u16();
                let spoof = if proto & 0x80 != 0 { Some(r.u32()) } else { None };
                let len = usize::from(r.u16()) % 1600;
                Frame::Ip { iface, proto: proto & 0x7F, ttl, frag, spoof, payload: r.bytes(len).to_vec() }
            }
            _ => {
                let flags = r.u8();
                let seq = r.u16() as i16;
                let ack = r.u16() as i16;
                let window = r.u16();
                let o = r.u8();
                let ports = if o & 2 != 0 { Some((r.u16(), r.u16())) } else { None };
                let options = r.bytes(usize::from((o >> 2) & 3) * 4).to_vec();
                let options = options[..options.len() / 4 * 4].to_vec();
                let len = if o & 0x10 != 0 { usize::from(r.u16()) % 1400 } else { usize::from(r.u8()) };
                Frame::Tcp {
                    iface,
                    flags,
                    seq,
                    ack,
                    window,
                    bad_sum: o & 1 != 0,
                    ports,
                    options,
                    payload: r.bytes(len).to_vec(),
                }
            }
        };
        frames.push((f, head & 0x80 != 0));
    }
    frames
}

struct Server {
    w: &'static World,
    frames: std::vec::IntoIter<(Frame, bool)>,
    messages: usize,
    apop: bool,
    split: bool,
    done: Arc<AtomicBool>,
}

impl Server {
    /// Injects this reply's frames into B.
    fn frames(&mut self) {
        for (f, last) in self.frames.by_ref() {
            let (kind, bytes) = f.bytes();
            // SAFETY: the world's objects live for the process.
            unsafe { net::inject(self.w.ips[1], self.w.pools[1], kind, &bytes) };
            if last {
                break;
            }
        }
    }

    /// Sends `data` (in two pieces when so configured); false once the
    /// connection is gone.
    fn send(&mut self, data: &[u8]) -> bool {
        self.frames();
        let cut = if self.split && data.len() > 1 { data.len() / 2 } else { data.len() };
        for piece in [&data[..cut], &data[cut..]] {
            if piece.is_empty() {
                continue;
            }
            // SAFETY: the world's objects live for the process.
            let s = unsafe { send(self.w.srv, self.w.pools[0], piece) };
            if s != NX_SUCCESS {
                return false;
            }
        }
        true
    }

    fn reply(&mut self, line: &[u8]) -> bool {
        let line = String::from_utf8_lossy(line).to_ascii_uppercase();
        let mut words = line.split_ascii_whitespace();
        let verb = words.next().unwrap_or("");
        let index = words.next().and_then(|a| a.parse::<usize>().ok()).filter(|&i| i >= 1 && i <= self.messages);
        let text: Vec<u8> = match (verb, index) {
            ("USER" | "PASS" | "APOP" | "NOOP" | "RSET", _) => b"+OK\r\n".to_vec(),
            ("STAT", _) => {
                let total: usize = maildrop()[..self.messages].iter().map(|m| m.len()).sum();
                format!("+OK {} {total}\r\n", self.messages).into_bytes()
            }
            ("RETR", Some(i)) => {
                let m = &maildrop()[i - 1];
                let mut t = format!("+OK {} octets\r\n", m.len()).into_bytes();
                for l in m.split_inclusive(|&b| b == b'\n') {
                    if l.first() == Some(&b'.') {
                        t.push(b'.');
                    }
                    t.extend_from_slice(l);
                }
                t.extend_from_slice(b".\r\n");
                t
            }
            ("DELE", Some(_)) => b"+OK deleted\r\n".to_vec(),
            ("QUIT", _) => {
                self.send(b"+OK bye\r\n");
                return false;
            }
            _ => b"-ERR\r\n".to_vec(),
        };
        self.send(&text)
    }

    fn run(&mut self) {
        let w = self.w;
        // SAFETY: the world's objects live for the process.
        unsafe {
            if _nxe_tcp_server_socket_accept(w.srv, CONNECT_TIMEOUT) != NX_SUCCESS {
                return;
            }
            self.serve();
            // Closes as a server does after QUIT or the client's FIN, so that
            // the client's disconnect need not wait for its timeout.
            _nxe_tcp_socket_disconnect(w.srv, 2);
        }
    }

    fn serve(&mut self) {
        let w = self.w;
        let greeting: &[u8] =
            if self.apop { b"+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n" } else { b"+OK POP3 ready\r\n" };
        if !self.send(greeting) {
            return;
        }
        let mut buf = Vec::new();
        while !self.done.load(Ordering::Acquire) {
            let mut p: *mut NX_PACKET = ptr::null_mut();
            // SAFETY: as above; a packet received is ours to read and release.
            let s = unsafe { _nxe_tcp_socket_receive(w.srv, &mut p, 1) };
            if s == NX_NO_PACKET {
                continue;
            }
            if s != NX_SUCCESS {
                return;
            }
            // SAFETY: `p` is a received packet.
            unsafe {
                let len = (*p).nx_packet_length as usize;
                let mut data = vec![0u8; len];
                let mut got: ULONG = 0;
                assert_eq!(_nxe_packet_data_retrieve(p, data.as_mut_ptr() as *mut VOID, &mut got), NX_SUCCESS);
                assert_eq!(got as usize, len);
                assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
                buf.extend_from_slice(&data);
            }
            while let Some(end) = buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = buf.drain(..=end).collect();
                if !self.reply(&line) {
                    return;
                }
            }
        }
    }
}

/// Sends `data` on `sock` in one packet of `pool`.
unsafe fn send(sock: *mut NX_TCP_SOCKET, pool: *mut NX_PACKET_POOL, data: &[u8]) -> UINT {
    let mut p: *mut NX_PACKET = ptr::null_mut();
    let mut s = _nxe_packet_allocate(pool, &mut p, NX_IPv4_TCP_PACKET, 2);
    if s != NX_SUCCESS {
        return s;
    }
    s = _nxe_packet_data_append(p, data.as_ptr() as *mut VOID, data.len() as ULONG, pool, 2);
    if s == NX_SUCCESS {
        s = _nxe_tcp_socket_send(sock, &mut p, 2);
    }
    if s != NX_SUCCESS && !p.is_null() {
        assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
    }
    s
}

/// The statuses of the client calls.
#[derive(Default)]
struct Calls {
    /// Replies that did not come within the reply timeout.
    stalls: u32,
}

impl Calls {
    /// A client call's status must be one of those the header documents for it.
    fn check(&mut self, what: &str, s: UINT) -> UINT {
        let known = matches!(
            s,
            NX_SUCCESS
                | NX_NO_PACKET
                | NX_NOT_CONNECTED
                | NX_NOT_BOUND
                | NX_TX_QUEUE_DEPTH
                | NX_IN_PROGRESS
                | NX_POP3_PARAM_ERROR
                | NX_POP3_INVALID_MAIL_ITEM
                | NX_POP3_SERVER_ERROR_STATUS
                | NX_POP3_INSUFFICIENT_PACKET_PAYLOAD
                | NX_POP3_CLIENT_INVALID_STATE
                | NX_POP3_CLIENT_INVALID_INDEX
        );
        assert!(known, "{what} returned {s:#x}");
        self.stalls += u32::from(s == NX_NO_PACKET);
        s
    }

    /// After two stalls the stream is lost: quit and delete only (keeps a
    /// run within a few reply timeouts).
    fn lost(&self) -> bool {
        self.stalls >= 2
    }
}

/// The client's session; true when every call succeeded and every message
/// came down as the server has it.
unsafe fn session(w: &World, apop: bool, messages: usize, window: ULONG) -> bool {
    let c = w.client;
    let mut clean = true;
    let mut calls = Calls::default();
    _nx_pop3_client_settings_carry(c, 2, 2, CONNECT_TIMEOUT, 2, REPLY_TIMEOUT, window);
    let mut name = *b"user\0";
    let mut pass = *b"secret\0";
    let s = _nxe_pop3_client_create(
        c,
        UINT::from(apop),
        w.ips[1],
        w.pools[1],
        addr(0),
        PORT,
        name.as_mut_ptr() as *mut CHAR,
        pass.as_mut_ptr() as *mut CHAR,
    );
    if calls.check("create", s) == NX_SUCCESS {
        LOGGED_IN.fetch_add(1, Ordering::Relaxed);
        let (mut n, mut size): (UINT, ULONG) = (0, 0);
        let s = calls.check("mail_items_get", _nxe_pop3_client_mail_items_get(c, &mut n, &mut size));
        clean &= s == NX_SUCCESS && n as usize == messages;
        for i in 1..=n.min(3) {
            if calls.lost() {
                clean = false;
                break;
            }
            let mut item_size: ULONG = 0;
            let s = calls.check("mail_item_get", _nxe_pop3_client_mail_item_get(c, i, &mut item_size));
            clean &= s == NX_SUCCESS;
            if s == NX_SUCCESS {
                let mut got = Vec::new();
                let mut ended = false;
                for _ in 0..64 {
                    let mut p: *mut NX_PACKET = ptr::null_mut();
                    let (mut bytes, mut last): (ULONG, UINT) = (0, 0);
                    let s = calls.check(
                        "mail_item_message_get",
                        _nxe_pop3_client_mail_item_message_get(c, &mut p, &mut bytes, &mut last),
                    );
                    if s != NX_SUCCESS {
                        assert!(p.is_null(), "message_get failed but handed out a packet");
                        break;
                    }
                    assert!(!p.is_null());
                    assert_eq!(bytes, (*p).nx_packet_length);
                    let mut data = vec![0u8; bytes as usize];
                    let mut copied: ULONG = 0;
                    assert_eq!(_nxe_packet_data_retrieve(p, data.as_mut_ptr() as *mut VOID, &mut copied), NX_SUCCESS);
                    assert_eq!(copied, bytes);
                    got.extend_from_slice(&data);
                    assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
                    if last != 0 {
                        ended = true;
                        break;
                    }
                }
                clean &= ended && (i as usize) <= messages && got == maildrop()[i as usize - 1];
            }
            let s = calls.check("mail_item_delete", _nxe_pop3_client_mail_item_delete(c, i));
            clean &= s == NX_SUCCESS;
        }
        let s = calls.check("quit", _nxe_pop3_client_quit(c));
        clean &= s == NX_SUCCESS;
    } else {
        clean = false;
    }
    assert_eq!(_nxe_pop3_client_delete(c), NX_SUCCESS, "delete");
    clean
}

pub fn run(data: &[u8]) {
    static ONE: Mutex<()> = Mutex::new(());
    let _g = ONE.lock().unwrap_or_else(|e| e.into_inner());
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        // Counts every panic, also one the C boundary catches; the hook
        // before it (libFuzzer's) aborts.
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::Relaxed);
            before(info);
        }));
    });
    let panics = PANICS.load(Ordering::Relaxed);
    let w = world();
    let mut r = Reader::new(data);
    let config = r.u8();
    let messages = 1 + usize::from(config & 3) % 3;
    let apop = config & 4 != 0;
    // Packets of B's pool held for the whole session (a scarce pool: frames
    // dropped, command packets late) and the client's receive window.
    let hold = [0, 40, 45, 47][usize::from((config >> 4) & 3)];
    let window = [4096, 1460, 536, 16384][usize::from(config >> 6)];
    let frames = parse(&mut r);
    let no_frames = frames.is_empty();
    *SEEN.lock().unwrap_or_else(|e| e.into_inner()) = Seen::default();
    // SAFETY: the world's objects live for the process.
    unsafe { up(w) };
    let done = Arc::new(AtomicBool::new(false));
    let mut server = Server { w, frames: frames.into_iter(), messages, apop, split: config & 8 != 0, done: done.clone() };
    // A joined thread, not a scoped one (see api.rs: LeakSanitizer).
    let t = std::thread::spawn(move || {
        server.run();
        // Whatever the session left.
        while server.frames.len() > 0 {
            server.frames();
        }
    });
    // SAFETY: as above; one input at a time uses the client.
    let mut held = Vec::new();
    // SAFETY: as above; the held packets are released below.
    let clean = unsafe {
        for _ in 0..hold {
            let mut p: *mut NX_PACKET = ptr::null_mut();
            if _nxe_packet_allocate(w.pools[1], &mut p, 0, NX_NO_WAIT) == NX_SUCCESS {
                held.push(p);
            }
        }
        session(w, apop, messages, window)
    };
    done.store(true, Ordering::Release);
    if let Err(e) = t.join() {
        std::panic::resume_unwind(e);
    }
    // SAFETY: as above; the server thread has finished.
    unsafe {
        for mut p in held {
            assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
        }
        down(w)
    };
    if clean && no_frames {
        CLEAN.fetch_add(1, Ordering::Relaxed);
    }
    assert_eq!(PANICS.load(Ordering::Relaxed), panics, "a panic (caught at the C boundary)");
}
