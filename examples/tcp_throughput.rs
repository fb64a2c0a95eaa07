//! TCP throughput of the NetX core: a 64 MiB one-way transfer between two IP
//! instances on the RAM driver, pools of 1536-byte packets, through the
//! `_nx_` Rust services the C exports call. Not a test: it prints the median
//! of 5 runs for a 1460-byte and a 65535-byte receive window, and the heap
//! allocations made during the transfers (target: 0 in steady state).
//!
//! ```text
//! cargo run --release --example tcp_throughput
//! TCP_WINDOWS=65535 cargo run --release --example tcp_throughput   # one window only
//! ```
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet, tcp};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);
static ACCEPTED: AtomicBool = AtomicBool::new(false);

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
        // SAFETY: `p` came from `alloc` above, i.e. from `System`, with `l`.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TOTAL: usize = 64 << 20;
const PAYLOAD: u32 = 1536;
const CHUNK: usize = 1460;
const PORT: u32 = 9000;

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
/// until it is deleted; the process ends soon after).
///
/// # Safety
/// All zeros must be a valid `T`: true of the NetX control blocks (integers,
/// raw pointers, arrays and optional function pointers).
unsafe fn control_block<T>() -> *mut T {
    // SAFETY: all zeros is a valid T (this function's contract).
    Box::into_raw(Box::new(unsafe { std::mem::zeroed::<T>() }))
}

fn node(addr: u32, packets: usize) -> Node {
    let mut mem = vec![0u64; packets * (PAYLOAD as usize + 128) / 8];
    let mut ipmem = vec![0u64; (4 << 20) / 8];
    // SAFETY: NX_PACKET_POOL and NX_IP are NetX control blocks.
    let (pool, ipp) = unsafe { (control_block::<NX_PACKET_POOL>(), control_block::<NX_IP>()) };
    // SAFETY: fresh zeroed blocks; `mem` and `ipmem` live in the Node, which
    // outlives the instance (deleted at the end of main, the pool never).
    unsafe {
        let s = packet::nx_packet_pool_create(pool, ptr::null_mut(), PAYLOAD, mem.as_mut_ptr() as _, (mem.len() * 8) as u32);
        assert_eq!(s, NX_SUCCESS);
        let s = ip::nx_ip_create(ipp, ptr::null_mut(), addr, 0xFFFF_FF00, pool, Some(nx_ram_network_driver), ipmem.as_mut_ptr() as _, (ipmem.len() * 8) as u32, 1);
        assert_eq!(s, NX_SUCCESS);
        ip::nx_arp_enable(ipp, ptr::null_mut(), 0);
        ip::nx_tcp_enable(ipp);
    }
    Node { ip: ipp, pool, _mem: mem, _ipmem: ipmem }
}

struct SendPtr<T>(*mut T);
// SAFETY: the socket behind it is a NetX object made to be used from several
// threads (its state is under the IP instance's lock).
unsafe impl<T> Send for SendPtr<T> {}

/// One transfer; returns MB/s (10^6 bytes per second).
fn run(window: u32, total: usize, server: &Node, client: &Node) -> f64 {
    // SAFETY: NX_TCP_SOCKET is a NetX control block.
    let (srv, cli) = unsafe { (control_block::<NX_TCP_SOCKET>(), control_block::<NX_TCP_SOCKET>()) };
    // SAFETY: created instances (node) and fresh socket blocks, leaked, so
    // alive for the whole run.
    unsafe {
        assert_eq!(tcp::nx_tcp_socket_create(server.ip, srv, ptr::null_mut(), 0, 0, 0x80, window, None, None), 0);
        assert_eq!(tcp::nx_tcp_socket_create(client.ip, cli, ptr::null_mut(), 0, 0, 0x80, window, None, None), 0);
        assert_eq!(tcp::nx_tcp_server_socket_listen(server.ip, PORT, srv, 0, None), 0);
    }
    let sp = SendPtr(srv);
    let receiver = std::thread::spawn(move || {
        let sp = sp;
        let s = sp.0;
        // SAFETY: a created socket, deleted only after this thread is joined.
        assert_eq!(unsafe { tcp::nx_tcp_server_socket_accept(s, 500) }, 0);
        ACCEPTED.store(true, Ordering::SeqCst);
        let mut got = 0usize;
        while got < total {
            let mut p = ptr::null_mut();
            // SAFETY: as accept; `p` is a local output slot.
            let st = unsafe { tcp::nx_tcp_socket_receive(s, &mut p, 1000) };
            assert_eq!(st, 0, "receive after {got} bytes");
            // SAFETY: on success `p` is a packet this thread owns; it goes
            // back to its pool right after its length is read.
            unsafe {
                got += (*p).nx_packet_length as usize;
                packet::nx_packet_release(p);
            }
        }
        got
    });
    // SAFETY: a created socket and instance; the address field was written
    // at create and never changes here.
    unsafe {
        assert_eq!(tcp::nx_tcp_client_socket_bind(cli, NX_ANY_PORT, 0), 0);
        let server_addr = (*server.ip).nx_ip_interface[0].nx_interface_ip_address;
        assert_eq!(tcp::nx_tcp_client_socket_connect(cli, server_addr, PORT, 500), 0);
    }
    let data = vec![0x5Au8; CHUNK];
    // Count from when both threads are running (thread start-up allocates).
    while !ACCEPTED.swap(false, Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let t0 = Instant::now();
    COUNTING.store(true, Ordering::SeqCst);
    let mut sent = 0usize;
    while sent < total {
        let n = CHUNK.min(total - sent);
        let mut p = ptr::null_mut();
        // SAFETY: a created pool and socket; `p` is allocated here and
        // handed to the stack by the send (asserted to succeed); `data`
        // holds `n` bytes.
        unsafe {
            assert_eq!(packet::nx_packet_allocate(client.pool, &mut p, NX_IPv4_TCP_PACKET, 500), 0);
            assert_eq!(packet::nx_packet_data_append(p, data.as_ptr() as _, n as u32, client.pool, 500), 0);
            assert_eq!(tcp::nx_tcp_socket_send(cli, p, 1000), 0);
        }
        sent += n;
    }
    let got = receiver.join().unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    let secs = t0.elapsed().as_secs_f64();
    assert_eq!(got, total);
    // SAFETY: the sockets and the instance are still created; the receiver
    // thread is joined, so nothing else uses the sockets.
    unsafe {
        tcp::nx_tcp_socket_disconnect(srv, 0);
        tcp::nx_tcp_socket_disconnect(cli, 200);
        tcp::nx_tcp_server_socket_unaccept(srv);
        tcp::nx_tcp_server_socket_unlisten(server.ip, PORT);
        tcp::nx_tcp_client_socket_unbind(cli);
        tcp::nx_tcp_socket_delete(srv);
        tcp::nx_tcp_socket_delete(cli);
    }
    total as f64 / secs / 1e6
}

fn main() {
    let server = node(u32::from_be_bytes([10, 1, 0, 1]), 128);
    let client = node(u32::from_be_bytes([10, 1, 0, 2]), 128);
    println!("TCP throughput, 64 MiB one way, RAM driver, 1536-byte pool packets, median of 5 runs");
    let mut results = Vec::new();
    // TCP_WINDOWS=65535 (comma-separated) runs only those windows.
    let windows: Vec<u32> = std::env::var("TCP_WINDOWS")
        .ok()
        .map(|v| v.split(',').filter_map(|w| w.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1460, 65535]);
    for window in windows {
        // Warm-up (not measured): every thread has run once, caches are warm.
        run(window, 1 << 20, &server, &client);
        let before = ALLOCS.load(Ordering::SeqCst);
        let mut runs: Vec<f64> = (0..5).map(|_| run(window, TOTAL, &server, &client)).collect();
        let allocs = ALLOCS.load(Ordering::SeqCst) - before;
        runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let runs_txt: Vec<String> = runs.iter().map(|r| format!("{r:.0}")).collect();
        println!(
            "  window {window:>5}: median {:>7.1} MB/s   (runs: {}; heap allocations during the 5 transfers: {allocs})",
            runs[2],
            runs_txt.join(" ")
        );
        results.push((window, runs[2]));
    }
    for (w, r) in results {
        println!("tcp_mb_s_w{w}={r:.1}");
    }
    // SAFETY: created instances with no socket left (every run deleted its own).
    unsafe {
        assert_eq!(ip::nx_ip_delete(client.ip), 0);
        assert_eq!(ip::nx_ip_delete(server.ip), 0);
    }
}
