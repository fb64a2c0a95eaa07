//! Target (g): arbitrary frames delivered to an IP instance through the
//! driver protocol's deferred-receive calls (issue 9), while a TCP
//! connection runs on it.
//!
//! Two instances on the RAM driver (created once): A listens on port 80, B
//! connects from port 6000 (fixed, so that seeds can aim at the
//! connection). Per input: connect, then for each chunk of the input either
//! hand A a frame built from the chunk (the first byte picks the driver
//! receive path, `_nx_ip_packet_deferred_receive`,
//! `_nx_arp_packet_deferred_receive`, the immediate forms or an Ethernet
//! frame through `_nx_ip_driver_deferred_receive`, and whether the packet
//! names its interface: `net::inject`; the rest is the datagram, any length up to the pool's payload), or move
//! a little data over the connection (B sends, A receives with a short
//! wait). Every call must return a NetX status; the connection may be
//! broken by the frames (then it ends with `NX_NOT_CONNECTED`). At the end
//! both sockets are taken down and every packet must be back in its pool.

use crate::{net, Reader};
use core::ptr;
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::ffi::netx::*;
use nx_pop3_client::netx::types::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Inputs whose connection was established (for the crate's test).
pub static CONNECTED: AtomicUsize = AtomicUsize::new(0);

const PAYLOAD: u32 = 1536;
const PACKETS: usize = 64;
const IP_MEMORY: usize = 1 << 20;

struct World {
    ips: [*mut NX_IP; 2],
    pools: [*mut NX_PACKET_POOL; 2],
    socks: [*mut NX_TCP_SOCKET; 2],
    /// Kept reachable (the ARP cache is not referenced from the instance).
    mem: [net::IpMemory; 2],
}
// SAFETY: leaked allocations living for the process; the library's locks
// order every access.
unsafe impl Send for World {}
unsafe impl Sync for World {}

fn addr(i: usize) -> ULONG {
    u32::from_be_bytes([10, 8, 0, 1 + i as u8])
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| unsafe {
        let mut w = World {
            ips: [ptr::null_mut(); 2],
            pools: [ptr::null_mut(); 2],
            socks: [ptr::null_mut(); 2],
            mem: [net::IpMemory::new(IP_MEMORY), net::IpMemory::new(IP_MEMORY)],
        };
        for i in 0..2 {
            w.pools[i] = net::pool_create(PAYLOAD, PACKETS);
            w.ips[i] = net::leak(core::mem::zeroed::<NX_IP>());
            net::ip_create(w.ips[i], addr(i), w.pools[i], nx_ram_network_driver, w.mem[i]);
            assert_eq!(_nxe_icmp_enable(w.ips[i]), NX_SUCCESS);
            w.socks[i] = net::tcp_socket(w.ips[i], 4096);
        }
        w
    })
}

pub fn run(data: &[u8]) {
    static ONE: Mutex<()> = Mutex::new(());
    let _g = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let w = world();
    let (srv, cli) = (w.socks[0], w.socks[1]);
    // SAFETY: the world's objects live for the process.
    unsafe {
        assert_eq!(_nxe_tcp_server_socket_listen(w.ips[0], 80, srv, 1, None), NX_SUCCESS);
        let mut connected = false;
        if _nxe_tcp_client_socket_bind(cli, 6000, 10) == NX_SUCCESS {
            connected = _nxe_tcp_client_socket_connect(cli, addr(0), 80, 100) == NX_SUCCESS
                && _nxe_tcp_server_socket_accept(srv, 100) == NX_SUCCESS;
        }
        if connected {
            CONNECTED.fetch_add(1, Ordering::Relaxed);
        }
        let mut r = Reader::new(data);
        let mut steps = 0;
        while !r.is_empty() && steps < 48 {
            steps += 1;
            let head = r.u8();
            if head & 0x80 == 0 {
                let len = r.u16() as usize % 1600;
                let frame = r.bytes(len);
                net::inject(w.ips[0], w.pools[0], head, frame);
                continue;
            }
            if !connected {
                continue;
            }
            // A little traffic over the connection.
            let pool = w.pools[1];
            let mut p: *mut NX_PACKET = ptr::null_mut();
            if _nxe_packet_allocate(pool, &mut p, NX_IPv4_TCP_PACKET, NX_NO_WAIT) == NX_SUCCESS {
                let msg = [head; 64];
                let n = 1 + (head as usize & 0x3F);
                let mut s = _nxe_packet_data_append(p, msg.as_ptr() as *mut VOID, n as ULONG, pool, NX_NO_WAIT);
                if s == NX_SUCCESS {
                    s = _nxe_tcp_socket_send(cli, &mut p, NX_NO_WAIT);
                }
                if !p.is_null() {
                    assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
                }
                let _ = s;
            }
            let mut q: *mut NX_PACKET = ptr::null_mut();
            let s = _nxe_tcp_socket_receive(srv, &mut q, if head & 0x40 != 0 { 1 } else { NX_NO_WAIT });
            if s == NX_SUCCESS {
                assert_eq!(_nxe_packet_release(&mut q), NX_SUCCESS);
            } else {
                assert!(q.is_null());
                assert!(matches!(s, NX_NO_PACKET | NX_NOT_CONNECTED), "receive {s:#x}");
            }
        }
        // Down: reset both ends, drop the listen entry.
        _nxe_tcp_socket_disconnect(cli, NX_NO_WAIT);
        _nxe_tcp_socket_disconnect(srv, NX_NO_WAIT);
        _nxe_tcp_client_socket_unbind(cli);
        _nxe_tcp_server_socket_unaccept(srv);
        assert_eq!(_nxe_tcp_server_socket_unlisten(w.ips[0], 80), NX_SUCCESS);
        net::pools_settle(&w.pools);
    }
}
