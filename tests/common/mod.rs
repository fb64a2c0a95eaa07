//! What the Rust integration tests share: IP instances on the RAM link.
#![allow(dead_code)]
use nx_pop3_client::drivers::ram::nx_ram_network_driver;
use nx_pop3_client::netx::types::*;
use nx_pop3_client::netx::{ip, packet};
use std::ptr;

/// An IP instance on the RAM link with its pool. The control blocks are
/// leaked heap blocks used only through raw pointers, as C uses them: the
/// instance's thread works on them too, so no `&mut` to them is made.
pub struct Node {
    pub ip: *mut NX_IP,
    pub pool: *mut NX_PACKET_POOL,
    _mem: Vec<u64>,
    /// The IP instance's memory area (its state and the sockets' buffers).
    _ipmem: Vec<u64>,
}

/// A node at `addr` with `packets` packets of 1,536 bytes and `ip_mem`
/// bytes of IP instance memory.
pub fn node(addr: u32, packets: usize, ip_mem: usize) -> Node {
    let mut mem = vec![0u64; packets * (1536 + 128) / 8];
    let mut ipmem = vec![0u64; ip_mem / 8];
    // SAFETY: NX_PACKET_POOL and NX_IP are plain C data (integers, raw pointers,
    // arrays, optional function pointers): all zeros is valid. Leaked: the
    // library uses them until deleted.
    let pool: *mut NX_PACKET_POOL = Box::into_raw(Box::new(unsafe { std::mem::zeroed() }));
    // SAFETY: as just above.
    let ipb: *mut NX_IP = Box::into_raw(Box::new(unsafe { std::mem::zeroed() }));
    // SAFETY: fresh zeroed blocks; `mem` and `ipmem` live in the Node, which
    // outlives the instance.
    unsafe {
        assert_eq!(packet::nx_packet_pool_create(pool, ptr::null_mut(), 1536, mem.as_mut_ptr() as _, (mem.len() * 8) as u32), 0);
        assert_eq!(
            ip::nx_ip_create(ipb, ptr::null_mut(), addr, 0xFFFFFF00, pool, Some(nx_ram_network_driver), ipmem.as_mut_ptr() as _, (ipmem.len() * 8) as u32, 1),
            0
        );
        ip::nx_arp_enable(ipb, ptr::null_mut(), 0);
        ip::nx_tcp_enable(ipb);
    }
    Node { ip: ipb, pool, _mem: mem, _ipmem: ipmem }
}
