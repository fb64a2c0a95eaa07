//! IP instances without a helper thread (the bare-metal case, where the
//! port cannot start one): one application thread does everything, and its
//! blocking calls drive the stack. Own test binary: `ip::NO_HELPER` is
//! process-wide.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet, tcp};
use std::ptr;
use std::sync::atomic::Ordering;

mod common;
use common::node;


fn ipaddr(d: u8) -> u32 {
    u32::from_be_bytes([10, 0, 7, d])
}

#[test]
fn one_thread_no_helper_connect_transfer_close() {
    ip::NO_HELPER.store(true, Ordering::SeqCst);
    // SAFETY: one thread: every object is created here before use and used
    // after its delete only where the test checks the refusal (the id check
    // of `nx_ip_service` on a deleted, still allocated block); each packet is
    // used until it is sent or released.
    unsafe {
        let a = node(ipaddr(1), 64, 1 << 20);
        let b = node(ipaddr(2), 64, 1 << 20);
        let srv: *mut NX_TCP_SOCKET = Box::into_raw(Box::new(std::mem::zeroed()));
        let cli: *mut NX_TCP_SOCKET = Box::into_raw(Box::new(std::mem::zeroed()));
        assert_eq!(tcp::nx_tcp_socket_create(b.ip, srv, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_socket_create(a.ip, cli, ptr::null_mut(), 0, 0, 0x80, 8192, None, None), 0);
        assert_eq!(tcp::nx_tcp_server_socket_listen(b.ip, 80, srv, 2, None), 0);
        assert_eq!(tcp::nx_tcp_client_socket_bind(cli, NX_ANY_PORT, 0), 0);
        // Nobody answers: the wait ends at its deadline (no helper needed).
        let t0 = std::time::Instant::now();
        assert_eq!(tcp::nx_tcp_client_socket_connect(cli, ipaddr(9), 80, 20), NX_NOT_CONNECTED);
        let el = t0.elapsed().as_millis();
        assert!((150..2000).contains(&el), "{el} ms");
        // ARP, SYN, SYN-ACK, ACK: all driven by this call's waits.
        assert_eq!(tcp::nx_tcp_client_socket_connect(cli, ipaddr(2), 80, 300), 0);
        assert_eq!(tcp::nx_tcp_server_socket_accept(srv, 300), 0);
        let mut sent = 0u64;
        let mut got = 0u64;
        let mut sum_tx = 0u64;
        let mut sum_rx = 0u64;
        for round in 0..200u32 {
            let n = 1 + (round as usize * 37) % 1400;
            let buf: Vec<u8> = (0..n).map(|i| (i as u32 ^ round) as u8).collect();
            for &x in &buf {
                sum_tx = sum_tx.wrapping_mul(31).wrapping_add(x as u64);
            }
            let mut p = ptr::null_mut();
            assert_eq!(packet::nx_packet_allocate(a.pool, &mut p, NX_IPv4_TCP_PACKET, 100), 0);
            assert_eq!(packet::nx_packet_data_append(p, buf.as_ptr() as _, n as u32, a.pool, 100), 0);
            assert_eq!(tcp::nx_tcp_socket_send(cli, p, 300), 0);
            sent += n as u64;
            while got < sent {
                let mut q = ptr::null_mut();
                assert_eq!(tcp::nx_tcp_socket_receive(srv, &mut q, 300), 0, "round {round}");
                let len = (*q).nx_packet_length as usize;
                for &x in std::slice::from_raw_parts((*q).nx_packet_prepend_ptr, len) {
                    sum_rx = sum_rx.wrapping_mul(31).wrapping_add(x as u64);
                }
                got += len as u64;
                packet::nx_packet_release(q);
            }
        }
        assert_eq!(got, sent);
        assert_eq!(sum_rx, sum_tx);
        // The server closes; the client sees the end, then closes too.
        assert_eq!(tcp::nx_tcp_socket_disconnect(srv, NX_NO_WAIT), 0);
        let mut q = ptr::null_mut();
        assert_eq!(tcp::nx_tcp_socket_receive(cli, &mut q, 300), NX_NOT_CONNECTED);
        assert_eq!(tcp::nx_tcp_socket_disconnect(cli, 300), 0);
        assert_eq!(tcp::nx_tcp_client_socket_unbind(cli), 0);
        assert_eq!(tcp::nx_tcp_server_socket_unaccept(srv), 0);
        assert_eq!(tcp::nx_tcp_server_socket_unlisten(b.ip, 80), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(cli), 0);
        assert_eq!(tcp::nx_tcp_socket_delete(srv), 0);
        // A super-loop round is harmless.
        assert_eq!(ip::nx_ip_service(a.ip), 0);
        assert_eq!(ip::nx_ip_delete(a.ip), 0);
        assert_eq!(ip::nx_ip_delete(b.ip), 0);
        assert_eq!(ip::nx_ip_service(a.ip), NX_PTR_ERROR);
        assert_eq!((*a.pool).nx_packet_pool_available, (*a.pool).nx_packet_pool_total);
        assert_eq!((*b.pool).nx_packet_pool_available, (*b.pool).nx_packet_pool_total);
    }
}
