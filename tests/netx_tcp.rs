//! Two IP instances on the RAM driver: TCP end to end from Rust.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet, tcp};
use std::ptr;

mod common;
use common::node;

fn ipaddr(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}


struct P<T>(*mut T);
// SAFETY: the socket behind it is a NetX object made for use from several
// threads (its state is under the IP instance's lock).
unsafe impl<T> Send for P<T> {}

#[test]
fn connect_transfer_disconnect() {
    // SAFETY: every object is created here before use and deleted only after
    // the server thread is joined; each packet is used only by the thread
    // that allocated or received it, until it is sent or released.
    unsafe {
        let a = node(ipaddr(10, 0, 0, 1), 64, 4 << 20);
        let b = node(ipaddr(10, 0, 0, 2), 64, 4 << 20);
        let srv: *mut NX_TCP_SOCKET = Box::into_raw(Box::new(std::mem::zeroed()));
        let cli: *mut NX_TCP_SOCKET = Box::into_raw(Box::new(std::mem::zeroed()));
        assert_eq!(tcp::nx_tcp_socket_create(b.ip, srv, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_socket_create(a.ip, cli, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_server_socket_listen(b.ip, 80, srv, 5, None), 0);
        let sp = P(srv);
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
        assert_eq!(tcp::nx_tcp_client_socket_bind(cli, NX_ANY_PORT, 0), 0);
        assert_eq!(tcp::nx_tcp_client_socket_connect(cli, ipaddr(10, 0, 0, 2), 80, 300), 0);
        let mut sum = 0u64;
        let mut sent = 0usize;
        let t0 = std::time::Instant::now();
        while sent < total {
            let mut p = ptr::null_mut();
            assert_eq!(packet::nx_packet_allocate(a.pool, &mut p, NX_IPv4_TCP_PACKET, 100), 0);
            let buf: Vec<u8> = (0..1400).map(|i| ((sent + i) * 7 % 251) as u8).collect();
            for &x in &buf {
                sum = sum.wrapping_mul(31).wrapping_add(x as u64);
            }
            assert_eq!(packet::nx_packet_data_append(p, buf.as_ptr() as _, 1400, a.pool, 100), 0);
            assert_eq!(tcp::nx_tcp_socket_send(cli, p, 500), 0);
            sent += 1400;
        }
        assert_eq!(tcp::nx_tcp_socket_disconnect(cli, 300), 0);
        let (got, rsum) = server.join().unwrap();
        eprintln!("{} bytes in {:?}", got, t0.elapsed());
        assert_eq!(got, sent);
        assert_eq!(rsum, sum);
        assert_eq!(tcp::nx_tcp_client_socket_unbind(cli), 0);
        assert_eq!(tcp::nx_tcp_server_socket_unlisten(b.ip, 80), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(cli), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(srv), 0);
        assert_eq!(ip::nx_ip_delete(a.ip), 0);
        assert_eq!(ip::nx_ip_delete(b.ip), 0);
        assert_eq!((*a.pool).nx_packet_pool_available, (*a.pool).nx_packet_pool_total);
        assert_eq!((*b.pool).nx_packet_pool_available, (*b.pool).nx_packet_pool_total);
    }
}
