//! Target (f): arbitrary sequences of NetX API calls on TCP sockets and IP
//! instances, from two threads at once (issue 9), through the checked
//! (`_nxe_`) exports a C program uses.
//!
//! Two IP instances on the RAM driver live for the whole run (their memory
//! areas and pools leaked once). Per input, two threads each run up to 64
//! operations read from their half of the input: create / delete (each
//! thread creates and deletes only its own two sockets; the other thread may
//! call anything else on them), bind, unbind, connect, listen, accept,
//! relisten, unaccept, unlisten, send, receive, disconnect, state wait,
//! bytes available, and `nx_ip_delete` (refused while sockets exist). Waits
//! are `NX_NO_WAIT` or one tick. Every call must return (no crash, no hang:
//! libFuzzer's timeout), with a NetX status. At the end every socket is
//! taken down, a deleted instance is created again, and every packet must
//! be back in its pool.

use crate::{net, Reader};
use core::ptr;
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::ffi::netx::*;
use nx_pop3_client::netx::types::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// How often each operation returned `NX_SUCCESS` (for the crate's test that
/// the harness reaches the interesting paths).
pub static HITS: [AtomicUsize; 16] = [const { AtomicUsize::new(0) }; 16];

const IP_MEMORY: usize = 2 << 20;
const PACKETS: usize = 96;
const PAYLOAD: u32 = 1536;
const PORTS: [UINT; 2] = [80, 81];

struct World {
    ips: [*mut NX_IP; 2],
    pools: [*mut NX_PACKET_POOL; 2],
    mem: [net::IpMemory; 2],
    socks: [*mut NX_TCP_SOCKET; 4],
}
// SAFETY: the raw pointers are leaked allocations that live for the process;
// the library's own locks order every access to the objects behind them.
unsafe impl Send for World {}
unsafe impl Sync for World {}

fn addr(i: usize) -> ULONG {
    u32::from_be_bytes([10, 9, 0, 1 + i as u8])
}

unsafe fn create_ip(w: &World, i: usize) {
    net::ip_create(w.ips[i], addr(i), w.pools[i], nx_ram_network_driver, w.mem[i]);
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| unsafe {
        let w = World {
            ips: [net::leak(core::mem::zeroed::<NX_IP>()), net::leak(core::mem::zeroed::<NX_IP>())],
            pools: [net::pool_create(PAYLOAD, PACKETS), net::pool_create(PAYLOAD, PACKETS)],
            mem: [net::IpMemory::new(IP_MEMORY), net::IpMemory::new(IP_MEMORY)],
            socks: [(); 4].map(|_| net::leak(core::mem::zeroed::<NX_TCP_SOCKET>())),
        };
        for i in 0..2 {
            create_ip(&w, i);
        }
        w
    })
}

fn hit(op: usize, s: UINT) {
    if s == NX_SUCCESS {
        HITS[op].fetch_add(1, Ordering::Relaxed);
    }
}

unsafe fn op(w: &World, me: usize, r: &mut Reader) {
    let b = r.u8();
    let x = r.u8();
    let code = (b & 0x0F) as usize;
    let wait: ULONG = if b & 0x80 != 0 { 1 } else { NX_NO_WAIT };
    // Any socket for most calls; our own two for create and delete.
    let any = w.socks[(x & 3) as usize];
    let own = w.socks[me * 2 + (x & 1) as usize];
    let ipi = ((x >> 2) & 1) as usize;
    let ip = w.ips[ipi];
    let port = PORTS[((x >> 3) & 1) as usize];
    let s = match code {
        0 => _nxe_tcp_socket_create(
            ip,
            own,
            ptr::null_mut(),
            0,
            0,
            0x80,
            1460 + u32::from(x >> 4) * 4096,
            None,
            None,
            core::mem::size_of::<NX_TCP_SOCKET>() as UINT,
        ),
        1 => _nxe_tcp_socket_delete(own),
        2 => _nxe_tcp_client_socket_bind(any, if x & 0x40 != 0 { 7000 } else { NX_ANY_PORT }, wait),
        3 => _nxe_tcp_client_socket_unbind(any),
        4 => {
            // To the other instance, or to itself.
            let dst = if x & 0x40 != 0 { ipi } else { 1 - ipi };
            _nxe_tcp_client_socket_connect(any, addr(dst), port, wait)
        }
        5 => _nxe_tcp_server_socket_listen(ip, port, any, UINT::from(x >> 6), None),
        6 => _nxe_tcp_server_socket_accept(any, wait),
        7 => _nxe_tcp_server_socket_relisten(ip, port, any),
        8 => _nxe_tcp_server_socket_unaccept(any),
        9 => _nxe_tcp_server_socket_unlisten(ip, port),
        10 => {
            let pool = w.pools[ipi];
            let mut p: *mut NX_PACKET = ptr::null_mut();
            let mut s = _nxe_packet_allocate(pool, &mut p, NX_IPv4_TCP_PACKET, NX_NO_WAIT);
            if s == NX_SUCCESS {
                let data = r.bytes(1 + (x as usize) * 8);
                if !data.is_empty() {
                    s = _nxe_packet_data_append(p, data.as_ptr() as *mut VOID, data.len() as ULONG, pool, NX_NO_WAIT);
                }
                if s == NX_SUCCESS {
                    s = _nxe_tcp_socket_send(any, &mut p, wait);
                }
                if !p.is_null() {
                    assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
                }
            }
            s
        }
        11 => {
            let mut p: *mut NX_PACKET = ptr::null_mut();
            let s = _nxe_tcp_socket_receive(any, &mut p, wait);
            if s == NX_SUCCESS {
                assert!(!p.is_null());
                assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
            } else {
                assert!(p.is_null());
            }
            s
        }
        12 => _nxe_tcp_socket_disconnect(any, wait),
        13 => _nxe_tcp_socket_state_wait(any, NX_TCP_ESTABLISHED, wait),
        14 => {
            let mut n: ULONG = 0;
            _nxe_tcp_socket_bytes_available(any, &mut n)
        }
        _ => {
            let s = _nxe_ip_delete(ip);
            // Sockets exist on both instances nearly always; a success is
            // possible only when none does (then the end recreates it).
            assert!(matches!(s, NX_SUCCESS | NX_SOCKETS_BOUND | NX_PTR_ERROR | NX_CALLER_ERROR), "ip delete {s:#x}");
            s
        }
    };
    hit(code, s);
}

/// Takes every socket down, recreates deleted instances, checks the pools.
unsafe fn cleanup(w: &World) {
    for &s in &w.socks {
        _nxe_tcp_socket_disconnect(s, NX_NO_WAIT);
        _nxe_tcp_server_socket_unaccept(s);
        _nxe_tcp_client_socket_unbind(s);
    }
    for i in 0..2 {
        for port in PORTS {
            _nxe_tcp_server_socket_unlisten(w.ips[i], port);
        }
    }
    for &s in &w.socks {
        let st = _nxe_tcp_socket_delete(s);
        assert!(matches!(st, NX_SUCCESS | NX_PTR_ERROR), "cleanup delete {st:#x}");
    }
    for i in 0..2 {
        let mut st: ULONG = 0;
        if _nxe_ip_status_check(w.ips[i], NX_IP_INITIALIZE_DONE, &mut st, NX_NO_WAIT) != NX_SUCCESS {
            create_ip(w, i);
        }
    }
    net::pools_settle(&w.pools);
}

pub fn run(data: &[u8]) {
    // One input at a time (libFuzzer runs one; the crate's test may not).
    static ONE: Mutex<()> = Mutex::new(());
    let _g = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let w = world();
    let half = data.len() / 2;
    let (a, b) = data.split_at(half);
    // Threads that are joined (pthread_join), not scoped: a scoped thread
    // counts as finished before its thread-local destructors run, and
    // LeakSanitizer, checking right after the input, then reported std's own
    // thread handle as leaked (a false positive that failed `make fuzz`).
    let threads: Vec<_> = [(0usize, a.to_vec()), (1usize, b.to_vec())]
        .into_iter()
        .map(|(me, part)| {
            std::thread::spawn(move || {
                let mut r = Reader::new(&part);
                let mut n = 0;
                while !r.is_empty() && n < 64 {
                    // SAFETY: the world's objects live for the process.
                    unsafe { op(w, me, &mut r) };
                    n += 1;
                }
            })
        })
        .collect();
    for t in threads {
        // A panic in either thread is a finding: pass it on to libFuzzer.
        if let Err(e) = t.join() {
            std::panic::resume_unwind(e);
        }
    }
    // SAFETY: as above; both threads have finished.
    unsafe { cleanup(w) };
}
