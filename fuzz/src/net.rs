//! Setup shared by the targets that run a network (`api`, `frames`, `session`):
//! leaked packet pools and IP instances that live for the process, frame
//! injection through the driver protocol's deferred-receive calls, and the
//! end-of-input check that every packet is back in its pool.

use core::ptr;
use nx_pop3_client::ffi::netx::*;
use nx_pop3_client::ffi::netx_compat::*;
use nx_pop3_client::netx::types::*;

/// A heap object that lives for the process (the stack keeps pointers to it).
pub fn leak<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// A zeroed, leaked, 8-byte aligned memory area of `bytes` bytes.
pub fn area(bytes: usize) -> *mut u64 {
    Box::leak(vec![0u64; bytes.div_ceil(8)].into_boxed_slice()).as_mut_ptr()
}

/// A created pool of `packets` packets of `payload` bytes.
///
/// # Safety
/// Call from one thread at a time (creation is not shared).
pub unsafe fn pool_create(payload: u32, packets: usize) -> *mut NX_PACKET_POOL {
    let pool = leak(core::mem::zeroed::<NX_PACKET_POOL>());
    let bytes = packets * (payload as usize + 160);
    let s = _nxe_packet_pool_create(
        pool,
        ptr::null_mut(),
        payload,
        area(bytes) as *mut VOID,
        bytes as ULONG,
        core::mem::size_of::<NX_PACKET_POOL>() as UINT,
    );
    assert_eq!(s, NX_SUCCESS, "pool create");
    pool
}

/// Memory of an IP instance: its area and its ARP cache. Keep it in the
/// target's world: the instance does not point to the ARP cache memory, and
/// LeakSanitizer reports memory nothing points to.
#[derive(Clone, Copy)]
pub struct IpMemory {
    pub area: *mut u64,
    pub bytes: usize,
    pub arp: *mut u64,
}

impl IpMemory {
    pub fn new(bytes: usize) -> Self {
        Self { area: area(bytes), bytes, arp: area(1024) }
    }
}

/// Creates the IP instance `ip` at `addr`/24 on `driver` with ARP and TCP
/// enabled (ICMP is the caller's choice).
///
/// # Safety
/// `ip` and `pool` point to live objects; `mem` is not used by another instance.
pub unsafe fn ip_create(
    ip: *mut NX_IP,
    addr: ULONG,
    pool: *mut NX_PACKET_POOL,
    driver: unsafe extern "C" fn(*mut NX_IP_DRIVER),
    mem: IpMemory,
) {
    let s = _nxe_ip_create(
        ip,
        ptr::null_mut(),
        addr,
        0xFFFF_FF00,
        pool,
        Some(driver),
        mem.area as *mut VOID,
        mem.bytes as ULONG,
        1,
        core::mem::size_of::<NX_IP>() as UINT,
    );
    assert_eq!(s, NX_SUCCESS, "ip create");
    assert_eq!(_nxe_arp_enable(ip, mem.arp as *mut VOID, 1024), NX_SUCCESS);
    assert_eq!(_nxe_tcp_enable(ip), NX_SUCCESS);
    _nx_ip_driver_deferred_enable(ip, Some(ethernet_handler));
}

/// The deferred handler an Ethernet driver registers: strips the 14-byte
/// Ethernet header and passes the packet on by its type, as NetX drivers
/// do (IPv4/IPv6 to `_nx_ip_packet_deferred_receive`, ARP to
/// `_nx_arp_packet_deferred_receive`, RARP to
/// `_nx_rarp_packet_deferred_receive`; anything else is released).
unsafe extern "C" fn ethernet_handler(ip: *mut NX_IP, p: *mut NX_PACKET) {
    let n = (*p).nx_packet_append_ptr as usize - (*p).nx_packet_prepend_ptr as usize;
    if n < 14 {
        let mut p = p;
        assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
        return;
    }
    let h = (*p).nx_packet_prepend_ptr;
    let kind = u16::from_be_bytes([*h.add(12), *h.add(13)]);
    (*p).nx_packet_prepend_ptr = h.add(14);
    (*p).nx_packet_length -= 14;
    match kind {
        0x0800 | 0x86DD => {
            (*p).nx_packet_ip_version = if kind == 0x0800 { 4 } else { 6 };
            _nx_ip_packet_deferred_receive(ip, p)
        }
        0x0806 => _nx_arp_packet_deferred_receive(ip, p),
        0x8035 => _nx_rarp_packet_deferred_receive(ip, p),
        _ => {
            let mut p = p;
            assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
        }
    }
}

/// A created TCP socket on `ip` with receive window `window`.
///
/// # Safety
/// `ip` is a created instance.
pub unsafe fn tcp_socket(ip: *mut NX_IP, window: ULONG) -> *mut NX_TCP_SOCKET {
    let sock = leak(core::mem::zeroed::<NX_TCP_SOCKET>());
    tcp_socket_create(ip, sock, window);
    sock
}

/// Creates the TCP socket `sock` (not created) on `ip` with receive window `window`.
///
/// # Safety
/// `ip` is a created instance; `sock` points to a socket struct that is not created.
pub unsafe fn tcp_socket_create(ip: *mut NX_IP, sock: *mut NX_TCP_SOCKET, window: ULONG) {
    let s = _nxe_tcp_socket_create(
        ip,
        sock,
        ptr::null_mut(),
        0,
        0,
        0x80,
        window,
        None,
        None,
        core::mem::size_of::<NX_TCP_SOCKET>() as UINT,
    );
    assert_eq!(s, NX_SUCCESS, "socket create");
}

/// Hands `ip` one received frame, as a driver does: a packet of `pool`
/// (`ip`'s default pool, as a NIC's receive buffers) holding `data` (cut to
/// the payload) after `NX_PHYSICAL_HEADER` bytes of headroom. `kind` picks
/// the driver receive path: bit 0, an ARP packet (else IP); bit 1, the
/// packet names its interface as a NetX driver sets it (else none); bits 2-3:
/// 0, `_nx_ip_packet_deferred_receive` / `_nx_arp_packet_deferred_receive`;
/// 1, `_nx_ip_packet_receive` (the immediate form) /
/// `_nx_rarp_packet_deferred_receive`; 2, an Ethernet frame (a header to
/// `ip`'s MAC of type IPv4, IPv6 or ARP before `data`) to
/// `_nx_ip_driver_deferred_receive`, whose handler strips it
/// (`ethernet_handler`); 3, `data` is the whole Ethernet frame, same path.
/// An empty pool drops the frame, as a NIC would.
///
/// # Safety
/// `ip` and `pool` point to live objects; `ip` was made by `ip_create`.
pub unsafe fn inject(ip: *mut NX_IP, pool: *mut NX_PACKET_POOL, kind: u8, data: &[u8]) {
    let arp = kind & 1 != 0;
    let path = (kind >> 2) & 3;
    let v6 = data.first().is_some_and(|b| b >> 4 == 6);
    let mut frame = Vec::new();
    if path == 2 {
        let ifc = &(*ip).nx_ip_interface[0];
        let (msw, lsw) = (ifc.nx_interface_physical_address_msw, ifc.nx_interface_physical_address_lsw);
        frame.extend_from_slice(&(msw as u16).to_be_bytes());
        frame.extend_from_slice(&lsw.to_be_bytes());
        frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 1]);
        let ethertype: u16 = if arp { 0x0806 } else if v6 { 0x86DD } else { 0x0800 };
        frame.extend_from_slice(&ethertype.to_be_bytes());
    }
    frame.extend_from_slice(data);
    let mut p: *mut NX_PACKET = ptr::null_mut();
    if _nxe_packet_allocate(pool, &mut p, NX_PHYSICAL_HEADER, NX_NO_WAIT) != NX_SUCCESS {
        return;
    }
    if !frame.is_empty() {
        let room = (*pool).nx_packet_pool_payload_size - NX_PHYSICAL_HEADER;
        let n = frame.len().min(room as usize);
        if _nxe_packet_data_append(p, frame.as_ptr() as *mut VOID, n as ULONG, pool, NX_NO_WAIT) != NX_SUCCESS {
            assert_eq!(_nxe_packet_release(&mut p), NX_SUCCESS);
            return;
        }
    }
    (*p).nx_packet_ip_version = if v6 { 6 } else { 4 };
    if kind & 2 != 0 {
        (*p).nx_packet_address.nx_packet_interface_ptr = &mut (*ip).nx_ip_interface[0];
    }
    // The instance owns the packet now, whatever it holds.
    match (path, arp) {
        (0, false) => _nx_ip_packet_deferred_receive(ip, p),
        (0, true) => _nx_arp_packet_deferred_receive(ip, p),
        (1, false) => _nx_ip_packet_receive(ip, p),
        (1, true) => _nx_rarp_packet_deferred_receive(ip, p),
        _ => _nx_ip_driver_deferred_receive(ip, p),
    }
}

/// Waits (bounded: frames in flight, a last RST, settle within a few ticks)
/// until every packet of every pool is back, else fails naming the pool.
///
/// # Safety
/// The pools are created.
pub unsafe fn pools_settle(pools: &[*mut NX_PACKET_POOL]) {
    let full = |p: *mut NX_PACKET_POOL| (*p).nx_packet_pool_available == (*p).nx_packet_pool_total;
    for _ in 0..300 {
        if pools.iter().all(|&p| full(p)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    for (i, &p) in pools.iter().enumerate() {
        assert_eq!((*p).nx_packet_pool_available, (*p).nx_packet_pool_total, "pool {i} leaked");
    }
}
