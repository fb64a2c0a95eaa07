//! `extern "C"` exports of the NetX Duo IPv6 services (`nxd_ipv6_*`,
//! `nxd_icmp_enable`, `nxd_tcp_socket_peer_info_get`, `nx_icmp_info_get`).
//!
//! As in NetX Duo: `_nxd_X` trusts its arguments and calls
//! `crate::netx::ipv6`; `_nxde_X` checks pointers, object ids and values,
//! then calls `_nxd_X` (`_nx_` / `_nxe_` for the IPv4-named ICMP service).
//! No stack logic here.
#![allow(non_snake_case, clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use crate::netx::ipv6::{self, NX_MAX_IPV6_ADDRESSES};
use crate::netx::types::*;
use crate::netx::{ip, tcp};

/// True when `p` is a created IP instance.
///
/// # Safety
/// `p` is NULL or addresses `NX_IP`-sized memory the caller keeps for the call.
unsafe fn ip_ok(p: *const NX_IP) -> bool {
    // SAFETY: this function's contract is the one of ip_is_created.
    unsafe { ip::ip_is_created(p) }
}

/// Enables IPv6 on `ip_ptr`: the addresses set so far take effect and the
/// driver is asked (`NX_LINK_MULTICAST_JOIN`) to join all-nodes
/// (33:33:00:00:00:01) and each address's solicited-node group.
/// `NX_SUCCESS`, `NX_ALREADY_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ipv6::nxd_ipv6_enable(ip_ptr) }
    })
}

/// Checked `nxd_ipv6_enable`: `NX_PTR_ERROR` for NULL or an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_ipv6_enable(ip_ptr) }
    })
}

/// Disables IPv6: every IPv6 address and the default router are removed and
/// the driver is asked to leave the groups (`NX_LINK_MULTICAST_LEAVE`).
/// `NX_SUCCESS`, `NX_NOT_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_disable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ipv6::nxd_ipv6_disable(ip_ptr) }
    })
}

/// Checked `nxd_ipv6_disable`: `NX_PTR_ERROR` for NULL or an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_disable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_ipv6_disable(ip_ptr) }
    })
}

/// Enables ICMPv4 and ICMPv6: echo requests are answered and Neighbor
/// Discovery runs (without it no IPv6 neighbor is resolved, as in NetX Duo).
/// `NX_SUCCESS`, `NX_ALREADY_ENABLED`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_icmp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ipv6::nxd_icmp_enable(ip_ptr) }
    })
}

/// Checked `nxd_icmp_enable`: `NX_PTR_ERROR` for NULL or an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxde_icmp_enable(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_icmp_enable(ip_ptr) }
    })
}

/// Adds an IPv6 address (`NX_IP_VERSION_V6`, four host-order words) with
/// its prefix length on interface `interface_index`; `*address_index` (may
/// be NULL) gets its table index. A NULL `ip_address` with `prefix_length`
/// 10 makes the link-local address from the interface's MAC
/// (`nxd_ipv6_linklocal_address_set`). May be called before
/// `nxd_ipv6_enable`: the address takes effect then. While IPv6 is enabled
/// the driver is asked to join the address's solicited-node group.
///
/// `NX_SUCCESS`; `NX_IP_ADDRESS_ERROR` (NULL address with another prefix
/// length, version not 6, unspecified or multicast address, prefix length
/// over 128); `NX_INVALID_INTERFACE`; `NX_DUPLICATED_ENTRY`;
/// `NX_NO_MORE_ENTRIES` (table of `NX_MAX_IPV6_ADDRESSES` full).
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_address_set(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    ip_address: *mut NXD_ADDRESS,
    prefix_length: ULONG,
    address_index: *mut UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `ip_address` NULL (link-local form) or a readable NXD_ADDRESS,
        // `address_index` NULL or writable; all kept alive for the call.
        unsafe { ipv6::nxd_ipv6_address_set(ip_ptr, interface_index, ip_address, prefix_length, address_index) }
    })
}

/// Checked `nxd_ipv6_address_set`: `NX_PTR_ERROR` for an IP not created,
/// `NX_IP_ADDRESS_ERROR` for an address of another version, then as
/// `_nxd_ipv6_address_set`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_address_set(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    ip_address: *mut NXD_ADDRESS,
    prefix_length: ULONG,
    address_index: *mut UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: NULL (the link-local form) or an address the caller lends
        // for the call and does not change meanwhile (NetX rule).
        let addr: Option<&NXD_ADDRESS> = unsafe { ip_address.as_ref() };
        if addr.is_some_and(|a| a.nxd_ip_version != NX_IP_VERSION_V6) {
            return NX_IP_ADDRESS_ERROR;
        }
        if interface_index as usize >= NX_MAX_PHYSICAL_INTERFACES {
            return NX_INVALID_INTERFACE;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `ip_address`, `address_index` are NULL or valid, as the service allows.
        // `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_ipv6_address_set(ip_ptr, interface_index, ip_address, prefix_length, address_index) }
    })
}

/// Reads IPv6 address table entry `address_index`: address (version 6,
/// host-order words), prefix length, interface index.
/// `NX_SUCCESS`; `NX_NO_MORE_ENTRIES` (index not below
/// `NX_MAX_IPV6_ADDRESSES`); `NX_NO_INTERFACE_ADDRESS` (entry empty: outputs
/// untouched).
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_address_get(
    ip_ptr: *mut NX_IP,
    address_index: UINT,
    ip_address: *mut NXD_ADDRESS,
    prefix_length: *mut ULONG,
    interface_index: *mut UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `ip_address`, `prefix_length` and `interface_index` writable outputs;
        // all kept alive for the call.
        unsafe { ipv6::nxd_ipv6_address_get(ip_ptr, address_index, ip_address, prefix_length, interface_index) }
    })
}

/// Checked `nxd_ipv6_address_get`: `NX_PTR_ERROR` for a NULL output or an
/// IP not created, then as `_nxd_ipv6_address_get`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_address_get(
    ip_ptr: *mut NX_IP,
    address_index: UINT,
    ip_address: *mut NXD_ADDRESS,
    prefix_length: *mut ULONG,
    interface_index: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(ip_address, prefix_length, interface_index);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let ip_address: &mut NXD_ADDRESS = unsafe { &mut *ip_address };
        // SAFETY: as `ip_address`.
        let prefix_length: &mut ULONG = unsafe { &mut *prefix_length };
        // SAFETY: as `ip_address`.
        let interface_index: &mut UINT = unsafe { &mut *interface_index };
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        if address_index as usize >= NX_MAX_IPV6_ADDRESSES {
            return NX_NO_MORE_ENTRIES;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `ip_address`, `prefix_length`, `interface_index` are live outputs
        // (references above). `ip_ptr` stays raw, not `&mut`: other threads use it at the same
        // time.
        unsafe { _nxd_ipv6_address_get(ip_ptr, address_index, ip_address, prefix_length, interface_index) }
    })
}

/// Removes IPv6 address table entry `address_index`; the driver is asked to
/// leave its solicited-node group unless another address shares it.
/// `NX_SUCCESS`; `NX_NO_MORE_ENTRIES` (index out of range);
/// `NX_NO_INTERFACE_ADDRESS` (entry empty).
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_address_delete(ip_ptr: *mut NX_IP, address_index: UINT) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { ipv6::nxd_ipv6_address_delete(ip_ptr, address_index) }
    })
}

/// Checked `nxd_ipv6_address_delete`: `NX_PTR_ERROR` for an IP not created,
/// then as `_nxd_ipv6_address_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_address_delete(ip_ptr: *mut NX_IP, address_index: UINT) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        if address_index as usize >= NX_MAX_IPV6_ADDRESSES {
            return NX_NO_MORE_ENTRIES;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_ipv6_address_delete(ip_ptr, address_index) }
    })
}

/// Sets the IPv6 default router (one; a new one replaces it) for
/// `router_lifetime` seconds (0xFFFF: forever), reached on interface
/// `interface_index`. `NX_SUCCESS`; `NX_IP_ADDRESS_ERROR` (version not 6,
/// unspecified or multicast); `NX_INVALID_INTERFACE`; `NX_NOT_ENABLED`
/// (before `nxd_ipv6_enable`); `NX_NO_MORE_ENTRIES` (route table full).
#[no_mangle]
pub unsafe extern "C" fn _nxd_ipv6_default_router_add(
    ip_ptr: *mut NX_IP,
    router_addr: *mut NXD_ADDRESS,
    router_lifetime: ULONG,
    interface_index: UINT,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `router_addr` is a readable NXD_ADDRESS; all kept alive for the call.
        unsafe { ipv6::nxd_ipv6_default_router_add(ip_ptr, router_addr, router_lifetime, interface_index) }
    })
}

/// Checked `nxd_ipv6_default_router_add`: `NX_PTR_ERROR` for NULL or an IP
/// not created, then as `_nxd_ipv6_default_router_add`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_ipv6_default_router_add(
    ip_ptr: *mut NX_IP,
    router_addr: *mut NXD_ADDRESS,
    router_lifetime: ULONG,
    interface_index: UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(router_addr);
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `router_addr` checked non-NULL, lent for the call. `ip_ptr` stays raw, not
        // `&mut`: other threads use it at the same time.
        unsafe { _nxd_ipv6_default_router_add(ip_ptr, router_addr, router_lifetime, interface_index) }
    })
}

/// The connected peer's address (`NX_IP_VERSION_V4` or `_V6`) and port.
/// `NX_SUCCESS`; `NX_NOT_CONNECTED` unless the connection is established.
#[no_mangle]
pub unsafe extern "C" fn _nxd_tcp_socket_peer_info_get(
    socket_ptr: *mut NX_TCP_SOCKET,
    peer_ip_address: *mut NXD_ADDRESS,
    peer_port: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `socket_ptr`
        // is a created socket, `peer_ip_address` and `peer_port` writable outputs; all kept
        // alive for the call.
        unsafe { tcp::nxd_tcp_socket_peer_info_get(socket_ptr, peer_ip_address, peer_port) }
    })
}

/// Checked `nxd_tcp_socket_peer_info_get`: `NX_PTR_ERROR` for a NULL
/// pointer or a socket not created, then as `_nxd_tcp_socket_peer_info_get`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_tcp_socket_peer_info_get(
    socket_ptr: *mut NX_TCP_SOCKET,
    peer_ip_address: *mut NXD_ADDRESS,
    peer_port: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(peer_ip_address, peer_port);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let peer_ip_address: &mut NXD_ADDRESS = unsafe { &mut *peer_ip_address };
        // SAFETY: as `peer_ip_address`.
        let peer_port: &mut ULONG = unsafe { &mut *peer_port };
        // SAFETY: NULL or an NX_TCP_SOCKET block the caller lends for the
        // call (NetX rule for checked calls); only its id words are read.
        if !unsafe { tcp::socket_is_created(socket_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: a created socket (just checked): its IP field was written
        // by create and never changes.
        let ip_ptr = unsafe { (*socket_ptr).nx_tcp_socket_ip_ptr };
        // SAFETY: NULL or the NX_IP the socket was created on; only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `socket_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `peer_ip_address`, `peer_port` are live outputs (references above).
        // `socket_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { _nxd_tcp_socket_peer_info_get(socket_ptr, peer_ip_address, peer_port) }
    })
}

/// ICMP counters. `*icmp_checksum_errors` and `*icmp_unhandled_messages`
/// count the ICMPv6/Neighbor Discovery messages dropped on receive (bad
/// checksum; malformed, or ND not from the link); the ping counters are 0
/// (this library sends no pings). Any output may be NULL. `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_icmp_info_get(
    ip_ptr: *mut NX_IP,
    pings_sent: *mut ULONG,
    ping_timeouts: *mut ULONG,
    ping_threads_suspended: *mut ULONG,
    ping_responses_received: *mut ULONG,
    icmp_checksum_errors: *mut ULONG,
    icmp_unhandled_messages: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, each output NULL or writable; all kept alive for the call.
        unsafe {
            ipv6::nx_icmp_info_get(
                ip_ptr, pings_sent, ping_timeouts, ping_threads_suspended, ping_responses_received,
                icmp_checksum_errors, icmp_unhandled_messages,
            )
        }
    })
}

/// Checked `nx_icmp_info_get`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_icmp_info_get(
    ip_ptr: *mut NX_IP,
    pings_sent: *mut ULONG,
    ping_timeouts: *mut ULONG,
    ping_threads_suspended: *mut ULONG,
    ping_responses_received: *mut ULONG,
    icmp_checksum_errors: *mut ULONG,
    icmp_unhandled_messages: *mut ULONG,
) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `pings_sent`, `ping_timeouts`, `ping_threads_suspended`,
        // `ping_responses_received`, `icmp_checksum_errors`, `icmp_unhandled_messages` are NULL or
        // valid, as the service allows. `ip_ptr` stays raw, not `&mut`: other threads use it at the
        // same time.
        unsafe {
            _nx_icmp_info_get(
                ip_ptr, pings_sent, ping_timeouts, ping_threads_suspended, ping_responses_received,
                icmp_checksum_errors, icmp_unhandled_messages,
            )
        }
    })
}
