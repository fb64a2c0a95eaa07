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

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TOTAL: usize = 64 << 20;
const PAYLOAD: u32 = 1536;
const CHUNK: usize = 1460;
const PORT: u32 = 9000;

struct Node {
    ip: Box<NX_IP>,
    pool: Box<NX_PACKET_POOL>,
    _mem: Vec<u64>,
    /// The IP instance's memory area (its state and the sockets' buffers).
    _ipmem: Vec<u64>,
}

unsafe fn node(addr: u32, packets: usize) -> Node {
    let mut mem = vec![0u64; packets * (PAYLOAD as usize + 128) / 8];
    let mut pool: Box<NX_PACKET_POOL> = Box::new(std::mem::zeroed());
    let s = packet::nx_packet_pool_create(&mut *pool, ptr::null_mut(), PAYLOAD, mem.as_mut_ptr() as _, (mem.len() * 8) as u32);
    assert_eq!(s, NX_SUCCESS);
    let mut ipmem = vec![0u64; (4 << 20) / 8];
    let mut ipb: Box<NX_IP> = Box::new(std::mem::zeroed());
    let s = ip::nx_ip_create(&mut *ipb, ptr::null_mut(), addr, 0xFFFF_FF00, &mut *pool, Some(nx_ram_network_driver), ipmem.as_mut_ptr() as _, (ipmem.len() * 8) as u32, 1);
    assert_eq!(s, NX_SUCCESS);
    ip::nx_arp_enable(&mut *ipb, ptr::null_mut(), 0);
    ip::nx_tcp_enable(&mut *ipb);
    Node { ip: ipb, pool, _mem: mem, _ipmem: ipmem }
}

struct SendPtr<T>(*mut T);
unsafe impl<T> Send for SendPtr<T> {}

/// One transfer; returns MB/s (10^6 bytes per second).
unsafe fn run(window: u32, total: usize, server: &mut Node, client: &mut Node) -> f64 {
    let mut srv: Box<NX_TCP_SOCKET> = Box::new(std::mem::zeroed());
    let mut cli: Box<NX_TCP_SOCKET> = Box::new(std::mem::zeroed());
    assert_eq!(tcp::nx_tcp_socket_create(&mut *server.ip, &mut *srv, ptr::null_mut(), 0, 0, 0x80, window, None, None), 0);
    assert_eq!(tcp::nx_tcp_socket_create(&mut *client.ip, &mut *cli, ptr::null_mut(), 0, 0, 0x80, window, None, None), 0);
    assert_eq!(tcp::nx_tcp_server_socket_listen(&mut *server.ip, PORT, &mut *srv, 0, None), 0);
    let sp = SendPtr(&mut *srv as *mut NX_TCP_SOCKET);
    let receiver = std::thread::spawn(move || {
        let sp = sp;
        let s = sp.0;
        assert_eq!(tcp::nx_tcp_server_socket_accept(s, 500), 0);
        ACCEPTED.store(true, Ordering::SeqCst);
        let mut got = 0usize;
        while got < total {
            let mut p = ptr::null_mut();
            let st = tcp::nx_tcp_socket_receive(s, &mut p, 1000);
            assert_eq!(st, 0, "receive after {got} bytes");
            got += (*p).nx_packet_length as usize;
            packet::nx_packet_release(p);
        }
        got
    });
    assert_eq!(tcp::nx_tcp_client_socket_bind(&mut *cli, NX_ANY_PORT, 0), 0);
    assert_eq!(tcp::nx_tcp_client_socket_connect(&mut *cli, server.ip.nx_ip_interface[0].nx_interface_ip_address, PORT, 500), 0);
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
        assert_eq!(packet::nx_packet_allocate(&mut *client.pool, &mut p, NX_IPv4_TCP_PACKET, 500), 0);
        assert_eq!(packet::nx_packet_data_append(p, data.as_ptr() as _, n as u32, &mut *client.pool, 500), 0);
        assert_eq!(tcp::nx_tcp_socket_send(&mut *cli, p, 1000), 0);
        sent += n;
    }
    let got = receiver.join().unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    let secs = t0.elapsed().as_secs_f64();
    assert_eq!(got, total);
    tcp::nx_tcp_socket_disconnect(&mut *srv, 0);
    tcp::nx_tcp_socket_disconnect(&mut *cli, 200);
    tcp::nx_tcp_server_socket_unaccept(&mut *srv);
    tcp::nx_tcp_server_socket_unlisten(&mut *server.ip, PORT);
    tcp::nx_tcp_client_socket_unbind(&mut *cli);
    tcp::nx_tcp_socket_delete(&mut *srv);
    tcp::nx_tcp_socket_delete(&mut *cli);
    total as f64 / secs / 1e6
}

fn main() {
    unsafe {
        let mut server = node(u32::from_be_bytes([10, 1, 0, 1]), 128);
        let mut client = node(u32::from_be_bytes([10, 1, 0, 2]), 128);
        println!("TCP throughput, 64 MiB one way, RAM driver, 1536-byte pool packets, median of 5 runs");
        let mut results = Vec::new();
        // TCP_WINDOWS=65535 (comma-separated) runs only those windows.
        let windows: Vec<u32> = std::env::var("TCP_WINDOWS")
            .ok()
            .map(|v| v.split(',').filter_map(|w| w.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![1460, 65535]);
        for window in windows {
            // Warm-up (not measured): every thread has run once, caches are warm.
            run(window, 1 << 20, &mut server, &mut client);
            let before = ALLOCS.load(Ordering::SeqCst);
            let mut runs: Vec<f64> = (0..5).map(|_| run(window, TOTAL, &mut server, &mut client)).collect();
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
        assert_eq!(ip::nx_ip_delete(&mut *client.ip), 0);
        assert_eq!(ip::nx_ip_delete(&mut *server.ip), 0);
    }
}
