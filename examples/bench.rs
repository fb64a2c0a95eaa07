//! `make bench`: throughput, heap use and sizes of the POP3 client.
//!
//! Not a test: it prints a table and then `key=value` lines. Each figure is
//! the median of 5 runs.
//!
//! - `engine_mb_s`: the body decoder alone on a 64 MiB dot-stuffed stream fed
//!   in 1460-byte chunks (in place, as the client uses it).
//! - `e2e_mb_s_w1460`, `e2e_mb_s_w65535`: a 16 MiB message downloaded through
//!   the C API (`_nxe_pop3_client_*`), the client, TCP and the RAM driver,
//!   from a server on a second IP instance, with a 1460-byte and a 64 KiB
//!   client receive window.
//! - `steady_state_allocs`: heap allocations made in the whole process from
//!   just after `nx_pop3_client_create` until the message is downloaded (the
//!   server thread allocates nothing either), counted by a global allocator.
//! - `sizeof_*`: the control blocks.
//!
//! `pop3_text_bytes` is measured by `scripts/pop3-text-size.sh` (linking).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use nx_pop3_client::client::NX_POP3_CLIENT;
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::ffi::pop3::*;
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet, tcp};
use nx_pop3_client::pop3::BodyDecoder;

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

// SAFETY: forwards every call to `System` unchanged and only counts; the
// counters are atomics, so this allocator is as sound as `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's GlobalAlloc contract, passed on as is.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from this allocator, i.e. from `System`, with `l`.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's GlobalAlloc contract, passed on as is (`p`
        // came from `System`).
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ENGINE_BYTES: usize = 64 << 20;
const MESSAGE_BYTES: usize = 16 << 20;
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// A message of ~72-byte lines, one in ten starting with a dot, and its
/// stuffed form with the terminator.
fn message(size: usize) -> (Vec<u8>, Vec<u8>) {
    let mut m = Vec::with_capacity(size);
    let mut line = 0u64;
    while m.len() + 80 < size {
        if line % 10 == 0 {
            m.push(b'.');
        }
        m.extend_from_slice(format!("{line:08} the quick brown fox jumps over the lazy dog 0123456789abcdef\r\n").as_bytes());
        line += 1;
    }
    while m.len() < size - 2 {
        m.push(b'x');
    }
    m.extend_from_slice(b"\r\n");
    let mut s = Vec::with_capacity(size + size / 50 + 8);
    let mut at_start = true;
    for &b in &m {
        if at_start && b == b'.' {
            s.push(b'.');
        }
        s.push(b);
        at_start = b == b'\n';
    }
    s.extend_from_slice(b".\r\n");
    (m, s)
}

fn engine_mb_s(stuffed: &[u8]) -> f64 {
    let mut buf = vec![0u8; 1460];
    let mut best = Vec::new();
    for _ in 0..RUNS {
        let mut d = BodyDecoder::new();
        let mut out = 0usize;
        let t = Instant::now();
        for chunk in stuffed.chunks(1460) {
            let b = &mut buf[..chunk.len()];
            b.copy_from_slice(chunk);
            out += d.decode_in_place(b).produced;
        }
        let secs = t.elapsed().as_secs_f64();
        assert!(d.is_end() && out + 3 < stuffed.len());
        best.push(stuffed.len() as f64 / secs / 1e6);
    }
    median(best)
}

/// An IP instance on the RAM link with its own pool. The control blocks are
/// leaked heap blocks used only through raw pointers, as a C program uses
/// them: the instance's thread works on them at the same time, so no `&mut`
/// to them is ever made.
struct Node {
    ip: *mut NX_IP,
    pool: *mut NX_PACKET_POOL,
    _mem: Vec<u64>,
    /// The IP instance's memory area (its state and the sockets' buffers).
    _ipmem: Vec<u64>,
}

/// A zeroed NetX control block on the heap, leaked (the library uses it
/// until it is deleted; a few hundred bytes per run).
///
/// # Safety
/// All zeros must be a valid `T`: true of the NetX control blocks (integers,
/// raw pointers, arrays and optional function pointers).
unsafe fn control_block<T>() -> *mut T {
    // SAFETY: all zeros is a valid T (this function's contract).
    Box::into_raw(Box::new(unsafe { std::mem::zeroed::<T>() }))
}

fn node(addr: u32, packets: usize) -> Node {
    let mut mem = vec![0u64; packets * (1536 + 128) / 8];
    let mut ipmem = vec![0u64; (4 << 20) / 8];
    // SAFETY: NX_PACKET_POOL and NX_IP are NetX control blocks.
    let (pool, ipb) = unsafe { (control_block::<NX_PACKET_POOL>(), control_block::<NX_IP>()) };
    // SAFETY: fresh zeroed blocks; `mem` and `ipmem` live in the Node, which
    // outlives the instance (deleted at the end of e2e; the pool is never
    // deleted and never used after the Node).
    unsafe {
        let s = packet::nx_packet_pool_create(pool, ptr::null_mut(), 1536, mem.as_mut_ptr() as _, (mem.len() * 8) as u32);
        assert_eq!(s, 0);
        let s = ip::nx_ip_create(ipb, ptr::null_mut(), addr, 0xFFFF_FF00, pool, Some(nx_ram_network_driver), ipmem.as_mut_ptr() as _, (ipmem.len() * 8) as u32, 1);
        assert_eq!(s, 0);
        ip::nx_arp_enable(ipb, ptr::null_mut(), 0);
        ip::nx_tcp_enable(ipb);
    }
    Node { ip: ipb, pool, _mem: mem, _ipmem: ipmem }
}

struct P<T>(*mut T);
// SAFETY: the socket and pool behind it are NetX objects made to be used from
// several threads (their state is under their own locks).
unsafe impl<T> Send for P<T> {}

fn addr(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// A POP3 server for one session: greeting, USER/PASS, STAT, RETR 1 (the
/// message, in 16 KiB sends), QUIT.
///
/// # Safety
/// `s` is a created, listening socket and `pool` a created pool, both alive
/// until this returns.
unsafe fn serve(s: *mut NX_TCP_SOCKET, pool: *mut NX_PACKET_POOL, stuffed: &[u8], size: usize) {
    let send = |bytes: &[u8]| {
        let mut p = ptr::null_mut();
        // SAFETY: socket and pool alive (this function's contract); `p` is
        // allocated here, then handed to the stack or released.
        unsafe {
            assert_eq!(packet::nx_packet_allocate(pool, &mut p, NX_TCP_PACKET, NX_WAIT_FOREVER), 0);
            assert_eq!(packet::nx_packet_data_append(p, bytes.as_ptr() as _, bytes.len() as u32, pool, NX_WAIT_FOREVER), 0);
            let st = tcp::nx_tcp_socket_send(s, p, 1000);
            if st != 0 {
                packet::nx_packet_release(p);
            }
            st
        }
    };
    // SAFETY: a listening socket (contract).
    assert_eq!(unsafe { tcp::nx_tcp_server_socket_accept(s, 1000) }, 0);
    send(b"+OK bench server ready\r\n");
    // Replies are made before the session, so the server allocates nothing
    // while the client is measured.
    let stat = format!("+OK 1 {size}\r\n");
    let retr = format!("+OK {size} octets\r\n");
    let mut line = [0u8; 512];
    let mut used = 0usize;
    loop {
        let mut p = ptr::null_mut();
        // SAFETY: a created socket (contract); `p` is a local output slot.
        if unsafe { tcp::nx_tcp_socket_receive(s, &mut p, 3000) } != 0 {
            break;
        }
        // SAFETY: on success `p` is a packet this thread owns, one buffer
        // (the receive hands over a single packet): its `nx_packet_length`
        // bytes at `prepend_ptr` are readable until the release below.
        let data = unsafe { std::slice::from_raw_parts((*p).nx_packet_prepend_ptr, (*p).nx_packet_length as usize) };
        let n = data.len().min(line.len() - used);
        line[used..used + n].copy_from_slice(&data[..n]);
        used += n;
        // SAFETY: the packet is ours and `data` is not used any more.
        unsafe { packet::nx_packet_release(p) };
        while let Some(end) = line[..used].iter().position(|&b| b == b'\n') {
            let cmd = line[..end].strip_suffix(b"\r").unwrap_or(&line[..end]);
            if cmd.starts_with(b"USER") || cmd.starts_with(b"PASS") {
                send(b"+OK\r\n");
            } else if cmd == b"STAT" {
                send(stat.as_bytes());
            } else if cmd == b"RETR 1" {
                send(retr.as_bytes());
                for chunk in stuffed.chunks(16 * 1024) {
                    send(chunk);
                }
            } else if cmd == b"QUIT" {
                send(b"+OK bye\r\n");
            } else {
                send(b"-ERR\r\n");
            }
            line.copy_within(end + 1..used, 0);
            used -= end + 1;
        }
    }
    // SAFETY: a created socket (contract).
    unsafe {
        tcp::nx_tcp_socket_disconnect(s, 100);
        tcp::nx_tcp_server_socket_unaccept(s);
    }
}

/// One download through the C API; returns (MB/s, allocations during it).
fn e2e(window: u32, original: &[u8], stuffed: &'static [u8], port: u32) -> (f64, u64) {
    let server = node(addr(192, 0, 2, 1), 512);
    let client_node = node(addr(192, 0, 2, 2), 256);
    // SAFETY: NX_TCP_SOCKET is a NetX control block.
    let srv = unsafe { control_block::<NX_TCP_SOCKET>() };
    // SAFETY: a created instance and a fresh, leaked socket block.
    unsafe {
        assert_eq!(tcp::nx_tcp_socket_create(server.ip, srv, ptr::null_mut(), 0, 0, 0x80, 65535, None, None), 0);
        assert_eq!(tcp::nx_tcp_server_socket_listen(server.ip, port, srv, 5, None), 0);
    }
    let (sp, pp) = (P(srv), P(server.pool));
    let size = original.len();
    let th = std::thread::spawn(move || {
        let (sp, pp) = (sp, pp);
        // SAFETY: listening socket and created pool, deleted (the socket) or
        // left alone (the pool) only after this thread is joined.
        unsafe { serve(sp.0, pp.0, stuffed, size) }
    });

    // SAFETY: NX_POP3_CLIENT is a NetX-style control block.
    let c = unsafe { control_block::<NX_POP3_CLIENT>() };
    let mut user = *b"bench\0";
    let mut pass = *b"secret\0";
    // SAFETY: a fresh client block that only this thread uses.
    let cp = unsafe { _nx_pop3_client_settings_carry(c, 100, 1000, 1000, 100, 1000, window) };
    // SAFETY: that client block, a created instance and pool, and two C
    // strings that outlive the client (deleted below).
    let st = unsafe { _nxe_pop3_client_create(cp, 0, client_node.ip, client_node.pool, addr(192, 0, 2, 1), port, user.as_mut_ptr() as _, pass.as_mut_ptr() as _) };
    assert_eq!(st, 0, "create");
    ALLOCS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let t = Instant::now();
    let (mut n, mut total) = (0u32, 0u32);
    let mut item = 0u32;
    // SAFETY: a created client; the outputs are locals.
    unsafe {
        assert_eq!(_nxe_pop3_client_mail_items_get(c, &mut n, &mut total), 0);
        assert_eq!(_nxe_pop3_client_mail_item_get(c, 1, &mut item), 0);
    }
    let mut got = 0usize;
    let mut check = 0usize;
    loop {
        let (mut p, mut bytes, mut last) = (ptr::null_mut(), 0u32, 0u32);
        // SAFETY: a created client; the outputs are locals.
        assert_eq!(unsafe { _nxe_pop3_client_mail_item_message_get(c, &mut p, &mut bytes, &mut last) }, 0);
        // SAFETY: on success `p` is one packet we own holding `bytes` bytes
        // at `prepend_ptr`, readable until the release below.
        let data = unsafe { std::slice::from_raw_parts((*p).nx_packet_prepend_ptr, bytes as usize) };
        // Spot-check the bytes (a full compare would time the compare).
        if got + data.len() <= original.len() && check < 64 {
            assert_eq!(data, &original[got..got + data.len()]);
            check += 1;
        }
        got += data.len();
        // SAFETY: the packet is ours and `data` is not used any more.
        unsafe { packet::nx_packet_release(p) };
        if last != 0 {
            break;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    COUNTING.store(false, Ordering::SeqCst);
    let allocs = ALLOCS.load(Ordering::SeqCst);
    assert_eq!(got, original.len());
    // SAFETY: a created client.
    unsafe {
        assert_eq!(_nxe_pop3_client_quit(c), 0);
        assert_eq!(_nxe_pop3_client_delete(c), 0);
    }
    th.join().unwrap();
    // SAFETY: the server thread is joined; socket and instances still
    // created; after the deletes no thread uses the pool, so its counters
    // are read without a race.
    unsafe {
        tcp::nx_tcp_server_socket_unaccept(srv);
        tcp::nx_tcp_server_socket_unlisten(server.ip, port);
        assert_eq!(tcp::nx_tcp_socket_delete(srv), 0);
        assert_eq!(ip::nx_ip_delete(client_node.ip), 0);
        assert_eq!(ip::nx_ip_delete(server.ip), 0);
        assert_eq!((*client_node.pool).nx_packet_pool_available, (*client_node.pool).nx_packet_pool_total);
    }
    (got as f64 / secs / 1e6, allocs)
}

fn main() {
    let (_, engine_stream) = message(ENGINE_BYTES);
    let engine = engine_mb_s(&engine_stream);
    drop(engine_stream);

    let (original, stuffed) = message(MESSAGE_BYTES);
    let stuffed: &'static [u8] = Box::leak(stuffed.into_boxed_slice());
    let mut results = Vec::new();
    let mut allocs = 0u64;
    let mut port = 1100;
    for window in [1460u32, 65535] {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            port += 1;
            let (mbs, a) = e2e(window, &original, stuffed, port);
            allocs = allocs.max(a);
            runs.push(mbs);
        }
        results.push(median(runs));
    }
    let sizes = [
        ("sizeof_nx_pop3_client", std::mem::size_of::<NX_POP3_CLIENT>()),
        ("sizeof_nx_tcp_socket", std::mem::size_of::<NX_TCP_SOCKET>()),
        ("sizeof_nx_packet", std::mem::size_of::<NX_PACKET>()),
    ];
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    println!("nx_pop3_client benchmarks (median of {RUNS} runs)");
    println!("machine: {cpu}, {} cpus", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
    println!("profile: release (opt-level 3); command: make bench");
    println!("{:<28} {:>12}", "figure", "value");
    println!("{:<28} {:>12.0}", "engine MB/s (64 MiB)", engine);
    println!("{:<28} {:>12.1}", "e2e MB/s, window 1460", results[0]);
    println!("{:<28} {:>12.1}", "e2e MB/s, window 65535", results[1]);
    println!("{:<28} {:>12}", "steady-state allocations", allocs);
    for (k, v) in sizes {
        println!("{k:<28} {v:>12}");
    }
    println!("engine_mb_s={engine:.0}");
    println!("e2e_mb_s_w1460={:.1}", results[0]);
    println!("e2e_mb_s_w65535={:.1}", results[1]);
    println!("steady_state_allocs={allocs}");
    for (k, v) in sizes {
        println!("{k}={v}");
    }
}
