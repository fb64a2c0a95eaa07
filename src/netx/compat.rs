//! What NetX drivers and programs use beyond the core subset, so that they
//! compile and run unchanged: NetX's other status numbers, link commands,
//! interface types and capability flags, the default gateway (a smoltcp
//! default route), the interface address services, and the driver receive
//! entry points NetX offers besides the deferred ones.
//!
//! Every `pub unsafe fn` here has the same contract as the NetX service it
//! stands for: its pointers are valid, point at objects of the named type that
//! are created (ids set), and stay valid for the call.
#![allow(clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use core::ptr;

use smoltcp::wire::{IpCidr, Ipv4Address};

use crate::netx::ip;
use crate::netx::packet;
use crate::netx::types::*;

// ---------------------------------------------------------------- status codes

// NetX's other status numbers (the ones of `types` are those the library
// returns itself; programs compare against these too).
pub const NX_INVALID_SOCKET: UINT = 0x13;
pub const NX_ARP_TIMER_ERROR: UINT = 0x18;
pub const NX_RESERVED_CODE0: UINT = 0x19;
pub const NX_WAIT_ABORTED: UINT = 0x1A;
pub const NX_IP_INTERNAL_ERROR: UINT = 0x20;
pub const NX_RESERVED_CODE1: UINT = 0x25;
pub const NX_SOCKET_UNBOUND: UINT = 0x26;
pub const NX_NO_RESPONSE: UINT = 0x29;
pub const NX_POOL_DELETED: UINT = 0x30;
pub const NX_RESERVED_CODE2: UINT = 0x32;
pub const NX_WINDOW_OVERFLOW: UINT = 0x39;
pub const NX_ALREADY_SUSPENDED: UINT = 0x40;
pub const NX_DISCONNECT_FAILED: UINT = 0x41;
pub const NX_NO_FREE_PORTS: UINT = 0x45;
pub const NX_INVALID_RELISTEN: UINT = 0x47;
pub const NX_NOT_IMPLEMENTED: UINT = 0x4A;
pub const NX_CANNOT_START: UINT = 0x4F;
pub const NX_NO_INTERFACE_ADDRESS: UINT = 0x50;
pub const NX_INVALID_MTU_DATA: UINT = 0x51;
pub const NX_DUPLICATED_ENTRY: UINT = 0x52;
pub const NX_OPTION_HEADER_ERROR: UINT = 0x54;
pub const NX_CONTINUE: UINT = 0x55;
pub const NX_TCPIP_OFFLOAD_ERROR: UINT = 0x56;

// ---------------------------------------------------------------- driver protocol

// Link commands the library never sends; drivers name them in their switch.
pub const NX_LINK_FACTORY_ADDRESS_GET: UINT = 24;
pub const NX_LINK_RX_ENABLE: UINT = 25;
pub const NX_LINK_RX_DISABLE: UINT = 26;
pub const NX_LINK_6LOWPAN_COMMAND: UINT = 27;
/// NetX Duo 6.4 (VLAN): send a frame whose link header is already built.
pub const NX_LINK_RAW_PACKET_SEND: UINT = 29;

// Interface types (`NX_LINK_GET_INTERFACE_TYPE`).
pub const NX_INTERFACE_TYPE_UNKNOWN: ULONG = 0;
pub const NX_INTERFACE_TYPE_OTHER: ULONG = 1;
pub const NX_INTERFACE_TYPE_ETHERNET: ULONG = 2;
pub const NX_INTERFACE_TYPE_WIFI: ULONG = 3;
pub const NX_INTERFACE_TYPE_CELLULAR: ULONG = 4;
pub const NX_INTERFACE_TYPE_BLUETOOTH: ULONG = 5;
pub const NX_INTERFACE_TYPE_LORAWAN: ULONG = 6;
pub const NX_INTERFACE_TYPE_MAX: ULONG = 7;

// Capability flags (`nx_interface_capability_flag`). Recorded only: the
// library computes every checksum itself.
pub const NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM: ULONG = 0x0000_0001;
pub const NX_INTERFACE_CAPABILITY_IPV4_RX_CHECKSUM: ULONG = 0x0000_0002;
pub const NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM: ULONG = 0x0000_0004;
pub const NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM: ULONG = 0x0000_0008;
pub const NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM: ULONG = 0x0000_0010;
pub const NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM: ULONG = 0x0000_0020;
pub const NX_INTERFACE_CAPABILITY_ICMPV4_TX_CHECKSUM: ULONG = 0x0000_0040;
pub const NX_INTERFACE_CAPABILITY_ICMPV4_RX_CHECKSUM: ULONG = 0x0000_0080;
pub const NX_INTERFACE_CAPABILITY_ICMPV6_RX_CHECKSUM: ULONG = 0x0000_0100;
pub const NX_INTERFACE_CAPABILITY_ICMPV6_TX_CHECKSUM: ULONG = 0x0000_0200;
pub const NX_INTERFACE_CAPABILITY_IGMP_TX_CHECKSUM: ULONG = 0x0000_0400;
pub const NX_INTERFACE_CAPABILITY_IGMP_RX_CHECKSUM: ULONG = 0x0000_0800;
pub const NX_INTERFACE_CAPABILITY_PTP_TIMESTAMP: ULONG = 0x0000_1000;
pub const NX_INTERFACE_CAPABILITY_TCPIP_OFFLOAD: ULONG = 0x0000_2000;
pub const NX_INTERFACE_CAPABILITY_CHECKSUM_ALL: ULONG = NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_IPV4_RX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_ICMPV4_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_ICMPV4_RX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_ICMPV6_RX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_ICMPV6_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_IGMP_TX_CHECKSUM
    | NX_INTERFACE_CAPABILITY_IGMP_RX_CHECKSUM;

// ---------------------------------------------------------------- addresses

fn v4(a: ULONG) -> Ipv4Address {
    let b = a.to_be_bytes();
    Ipv4Address::new(b[0], b[1], b[2], b[3])
}

/// Sets the default gateway: IPv4 traffic to addresses off every interface's
/// network goes to `gateway` (a smoltcp default route). The gateway must be
/// on the network of a valid interface, else `NX_IP_ADDRESS_ERROR`.
pub unsafe fn nx_ip_gateway_address_set(ip_ptr: *mut NX_IP, gateway: ULONG) -> UINT {
    // SAFETY: the module's contract: `ip_ptr` addresses an NX_IP kept for the call.
    let Some(sh) = (unsafe { ip::shared(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut g = sh.core.lock();
    let Some(core) = g.as_mut() else { return NX_PTR_ERROR };
    let mut on_link: *mut NX_INTERFACE = ptr::null_mut();
    for i in 0..NX_MAX_PHYSICAL_INTERFACES {
        // SAFETY: a created instance (checked by `shared`); the address
        // fields are written only at create and under the core lock, held
        // here. Raw place reads, no reference: drivers write other fields of
        // the interface (link state) at the same time.
        let ifc = unsafe { &raw mut (*ip_ptr).nx_ip_interface[i] };
        // SAFETY: `ifc` is that interface; a raw place read, as above.
        let valid = unsafe { (*ifc).nx_interface_valid };
        // SAFETY: as above.
        let addr = unsafe { (*ifc).nx_interface_ip_address };
        // SAFETY: as above.
        let mask = unsafe { (*ifc).nx_interface_ip_network_mask };
        if valid != 0 && mask != 0 && gateway & mask == addr & mask {
            on_link = ifc;
            break;
        }
    }
    if on_link.is_null() {
        return NX_IP_ADDRESS_ERROR;
    }
    if core.iface.routes_mut().add_default_ipv4_route(v4(gateway)).is_err() {
        return NX_NO_MORE_ENTRIES;
    }
    // SAFETY: as above: the gateway fields are written only under the core
    // lock, held here.
    unsafe { (*ip_ptr).nx_ip_gateway_address = gateway };
    // SAFETY: as above (core lock held).
    unsafe { (*ip_ptr).nx_ip_gateway_interface = on_link };
    NX_SUCCESS
}

/// The default gateway, or `NX_NOT_FOUND` when none is set (`*gateway` = 0).
pub unsafe fn nx_ip_gateway_address_get(ip_ptr: *mut NX_IP, gateway: *mut ULONG) -> UINT {
    // SAFETY: the module's contract: `ip_ptr` addresses an NX_IP kept for the call.
    let Some(sh) = (unsafe { ip::shared(ip_ptr) }) else { return NX_PTR_ERROR };
    let _g = sh.core.lock();
    // SAFETY: a created instance; the gateway field is written only under
    // the core lock, held here.
    let gw = unsafe { (*ip_ptr).nx_ip_gateway_address };
    // SAFETY: the module's contract: `gateway` is a writable output lent for the call.
    unsafe { *gateway = gw };
    if gw == 0 {
        NX_NOT_FOUND
    } else {
        NX_SUCCESS
    }
}

/// Removes the default gateway (and its route).
pub unsafe fn nx_ip_gateway_address_clear(ip_ptr: *mut NX_IP) -> UINT {
    // SAFETY: the module's contract: `ip_ptr` addresses an NX_IP kept for the call.
    let Some(sh) = (unsafe { ip::shared(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut g = sh.core.lock();
    if let Some(core) = g.as_mut() {
        core.iface.routes_mut().remove_default_ipv4_route();
    }
    // SAFETY: a created instance; the gateway fields are written only under
    // the core lock, held here.
    unsafe { (*ip_ptr).nx_ip_gateway_address = 0 };
    // SAFETY: as above (core lock held).
    unsafe { (*ip_ptr).nx_ip_gateway_interface = ptr::null_mut() };
    NX_SUCCESS
}

/// Address and network mask of the primary interface.
pub unsafe fn nx_ip_address_get(ip_ptr: *mut NX_IP, address: *mut ULONG, mask: *mut ULONG) -> UINT {
    // SAFETY: the module's contract: `ip_ptr` addresses an NX_IP kept for the call.
    let Some(sh) = (unsafe { ip::shared(ip_ptr) }) else { return NX_PTR_ERROR };
    let _g = sh.core.lock();
    // SAFETY: a created instance; the interface's address fields are written
    // only at create and under the core lock, held here (raw place reads: a
    // driver may write the interface's link state meanwhile).
    let a = unsafe { (*ip_ptr).nx_ip_interface[0].nx_interface_ip_address };
    // SAFETY: as above (core lock held, raw place read).
    let m = unsafe { (*ip_ptr).nx_ip_interface[0].nx_interface_ip_network_mask };
    // SAFETY: the module's contract: `address` is writable, lent for the call.
    unsafe { *address = a };
    // SAFETY: the module's contract: `mask` is writable, lent for the call.
    unsafe { *mask = m };
    NX_SUCCESS
}

/// Changes the address and network mask of the primary interface (0 clears
/// the address: the instance then answers nothing). Connections made with the
/// old address are not moved; the gateway is kept. smoltcp forgets its ARP
/// cache on an address change (and asks again at most once a second).
pub unsafe fn nx_ip_address_set(ip_ptr: *mut NX_IP, address: ULONG, mask: ULONG) -> UINT {
    // SAFETY: the module's contract: `ip_ptr` addresses an NX_IP kept for the call.
    let Some(sh) = (unsafe { ip::shared(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut g = sh.core.lock();
    let Some(core) = g.as_mut() else { return NX_PTR_ERROR };
    // SAFETY: a created instance; the interface's address fields are written
    // only at create and under the core lock, held here (raw place writes, no
    // `&mut`: a driver may write the interface's link state meanwhile).
    let ifc = unsafe { &raw mut (*ip_ptr).nx_ip_interface[0] };
    // SAFETY: `ifc` is that interface; core lock held, raw place write.
    unsafe { (*ifc).nx_interface_ip_address = address };
    // SAFETY: as above.
    unsafe { (*ifc).nx_interface_ip_network_mask = mask };
    // SAFETY: as above.
    unsafe { (*ifc).nx_interface_ip_network = address & mask };

    let prefix = mask.leading_ones() as u8;
    core.iface.update_ip_addrs(|addrs| {
        addrs.retain(|c| !matches!(c, IpCidr::Ipv4(_)));
        if address != 0 {
            let _ = addrs.push(IpCidr::new(v4(address).into(), prefix));
        }
    });
    NX_SUCCESS
}

/// Records the interface's offload capabilities (`nx_interface_capability_flag`).
pub unsafe fn nx_ip_interface_capability_set(ip_ptr: *mut NX_IP, index: UINT, flags: ULONG) -> UINT {
    if index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the module's contract: `ip_ptr` addresses a created NX_IP kept
    // for the call; the field is the driver's and the application's, never
    // touched by the library's threads (index checked just above).
    unsafe { (*ip_ptr).nx_ip_interface[index as usize].nx_interface_capability_flag = flags };
    NX_SUCCESS
}

/// The interface's recorded capabilities.
pub unsafe fn nx_ip_interface_capability_get(ip_ptr: *mut NX_IP, index: UINT, flags: *mut ULONG) -> UINT {
    if index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the module's contract: `ip_ptr` addresses a created NX_IP;
    // the field is the driver's and the application's (index checked above).
    let f = unsafe { (*ip_ptr).nx_ip_interface[index as usize].nx_interface_capability_flag };
    // SAFETY: the module's contract: `flags` is a writable output lent for the call.
    unsafe { *flags = f };
    NX_SUCCESS
}

// ---------------------------------------------------------------- driver receive paths

/// `_nx_ip_packet_receive`: NetX processes the datagram at once (drivers call
/// it with `NX_DIRECT_ISR_CALL`). Here it is queued like
/// `_nx_ip_packet_deferred_receive` (the stack runs on its own thread); the
/// instance owns the packet afterwards.
pub unsafe fn nx_ip_packet_receive(ip_ptr: *mut NX_IP, pkt: *mut NX_PACKET) {
    // SAFETY: the module's contract, forwarded: a created instance and the
    // packet its driver hands over.
    unsafe { ip::nx_ip_packet_deferred_receive(ip_ptr, pkt) }
}

/// `_nx_rarp_packet_deferred_receive`: RARP is not supported; the packet is
/// released (the instance owns it, as in NetX).
pub unsafe fn nx_rarp_packet_deferred_receive(_ip_ptr: *mut NX_IP, pkt: *mut NX_PACKET) {
    if !pkt.is_null() {
        // SAFETY: the module's contract: a packet the driver owned and hands over.
        unsafe { packet::nx_packet_release(pkt) };
    }
}

/// Registers `handler` for the packets the driver of `ip_ptr` passes to
/// `_nx_ip_driver_deferred_receive` (NULL removes it); kept in the instance's
/// `nx_ip_driver_deferred_packet_handler`, as in NetX.
pub unsafe fn nx_ip_driver_deferred_enable(ip_ptr: *mut NX_IP, handler: NX_IP_DEFERRED_PACKET_HANDLER) {
    // SAFETY: the module's contract: a created NX_IP kept for the call (the
    // field's address only, no reference).
    let field = unsafe { &raw mut (*ip_ptr).nx_ip_driver_deferred_packet_handler };
    // SAFETY: an aligned field of that NX_IP; written and read volatile, by its driver only.
    unsafe { ptr::write_volatile(field, handler) };
}

/// `_nx_ip_driver_deferred_receive`: hands the packet to the handler the
/// driver registered. NetX runs the handler on the IP thread; the host has no
/// interrupts, so it runs here, on the calling thread, with no library lock
/// held. Without a handler the packet is released.
pub unsafe fn nx_ip_driver_deferred_receive(ip_ptr: *mut NX_IP, pkt: *mut NX_PACKET) {
    if pkt.is_null() {
        return;
    }
    // SAFETY: the module's contract: a created NX_IP kept for the call (the
    // field's address only, no reference).
    let field = unsafe { &raw const (*ip_ptr).nx_ip_driver_deferred_packet_handler };
    // SAFETY: an aligned field of that NX_IP; written and read volatile, by its driver only.
    let handler = unsafe { ptr::read_volatile(field) };
    match handler {
        // SAFETY: the handler the driver registered for this instance, called
        // as NetX calls it: its instance and a packet it now owns.
        Some(f) => unsafe { f(ip_ptr, pkt) },
        None => {
            // SAFETY: the module's contract: a packet the driver owned and hands over.
            unsafe { packet::nx_packet_release(pkt) };
        }
    }
}
