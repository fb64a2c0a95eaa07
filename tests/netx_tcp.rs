//! Two IP instances on the RAM driver: TCP end to end from Rust.
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet, tcp};
use std::ptr;

pub struct Node {
    pub ip: Box<NX_IP>,
    pub pool: Box<NX_PACKET_POOL>,
    _mem: Vec<u64>,
    /// The IP instance's memory area (its state and the sockets' buffers).
    _ipmem: Vec<u64>,
}

fn ipaddr(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

unsafe fn node(addr: u32, packets: usize) -> Node {
    let mut mem = vec![0u64; packets * (1536 + 128) / 8];
    let mut pool: Box<NX_PACKET_POOL> = Box::new(std::mem::zeroed());
    assert_eq!(packet::nx_packet_pool_create(&mut *pool, ptr::null_mut(), 1536, mem.as_mut_ptr() as _, (mem.len() * 8) as u32), 0);
    let mut ipmem = vec![0u64; (4 << 20) / 8];
    let mut ipb: Box<NX_IP> = Box::new(std::mem::zeroed());
    assert_eq!(
        ip::nx_ip_create(&mut *ipb, ptr::null_mut(), addr, 0xFFFFFF00, &mut *pool, Some(nx_ram_network_driver), ipmem.as_mut_ptr() as _, (ipmem.len() * 8) as u32, 1),
        0
    );
    ip::nx_arp_enable(&mut *ipb, ptr::null_mut(), 0);
    ip::nx_tcp_enable(&mut *ipb);
    Node { ip: ipb, pool, _mem: mem, _ipmem: ipmem }
}

struct P<T>(*mut T);
unsafe impl<T> Send for P<T> {}

#[test]
fn connect_transfer_disconnect() {
    unsafe {
        let mut a = node(ipaddr(10, 0, 0, 1), 64);
        let mut b = node(ipaddr(10, 0, 0, 2), 64);
        let mut srv: Box<NX_TCP_SOCKET> = Box::new(std::mem::zeroed());
        let mut cli: Box<NX_TCP_SOCKET> = Box::new(std::mem::zeroed());
        assert_eq!(tcp::nx_tcp_socket_create(&mut *b.ip, &mut *srv, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_socket_create(&mut *a.ip, &mut *cli, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_server_socket_listen(&mut *b.ip, 80, &mut *srv, 5, None), 0);
        let sp = P(&mut *srv as *mut NX_TCP_SOCKET);
        let total = 1 << 20;
        let server = std::thread::spawn(move || {
            let sp = sp;
            let s = sp.0;
            assert_eq!(tcp::nx_tcp_server_socket_accept(s, 500), 0);
            let mut got = 0usize;
            let mut sum = 0u64;
            loop {
                let mut p = ptr::null_mut();
                let st = tcp::nx_tcp_socket_receive(s, &mut p, 500);
                if st != 0 {
                    assert_eq!(st, NX_NOT_CONNECTED);
                    break;
                }
                let n = (*p).nx_packet_length as usize;
                let d = std::slice::from_raw_parts((*p).nx_packet_prepend_ptr, n);
                for &x in d {
                    sum = sum.wrapping_mul(31).wrapping_add(x as u64);
                }
                got += n;
                packet::nx_packet_release(p);
            }
            tcp::nx_tcp_socket_disconnect(s, 100);
            assert_eq!(tcp::nx_tcp_server_socket_unaccept(s), 0);
            (got, sum)
        });
        assert_eq!(tcp::nx_tcp_client_socket_bind(&mut *cli, NX_ANY_PORT, 0), 0);
        assert_eq!(tcp::nx_tcp_client_socket_connect(&mut *cli, ipaddr(10, 0, 0, 2), 80, 300), 0);
        let mut sum = 0u64;
        let mut sent = 0usize;
        let t0 = std::time::Instant::now();
        while sent < total {
            let mut p = ptr::null_mut();
            assert_eq!(packet::nx_packet_allocate(&mut *a.pool, &mut p, NX_IPv4_TCP_PACKET, 100), 0);
            let buf: Vec<u8> = (0..1400).map(|i| ((sent + i) * 7 % 251) as u8).collect();
            for &x in &buf {
                sum = sum.wrapping_mul(31).wrapping_add(x as u64);
            }
            assert_eq!(packet::nx_packet_data_append(p, buf.as_ptr() as _, 1400, &mut *a.pool, 100), 0);
            assert_eq!(tcp::nx_tcp_socket_send(&mut *cli, p, 500), 0);
            sent += 1400;
        }
        assert_eq!(tcp::nx_tcp_socket_disconnect(&mut *cli, 300), 0);
        let (got, rsum) = server.join().unwrap();
        eprintln!("{} bytes in {:?}", got, t0.elapsed());
        assert_eq!(got, sent);
        assert_eq!(rsum, sum);
        assert_eq!(tcp::nx_tcp_client_socket_unbind(&mut *cli), 0);
        assert_eq!(tcp::nx_tcp_server_socket_unlisten(&mut *b.ip, 80), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(&mut *cli), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(&mut *srv), 0);
        assert_eq!(ip::nx_ip_delete(&mut *a.ip), 0);
        assert_eq!(ip::nx_ip_delete(&mut *b.ip), 0);
        assert_eq!(a.pool.nx_packet_pool_available, a.pool.nx_packet_pool_total);
        assert_eq!(b.pool.nx_packet_pool_available, b.pool.nx_packet_pool_total);
    }
}
