//! IPv6 the NetX Duo way: `nxd_ipv6_enable` / `nxd_ipv6_disable`,
//! `nxd_icmp_enable` (ICMPv6 with Neighbor Discovery), the address table
//! (`nxd_ipv6_address_set` / `_get` / `_delete`), the default router, and
//! the receive-side checks that drop and count malformed ICMPv6/ND frames.
//!
//! smoltcp does the protocol work (NDP: NS/NA and the neighbor cache, echo
//! replies, TCP over IPv6); this module keeps NetX's view of it:
//!
//! - an address table of [`NX_MAX_IPV6_ADDRESSES`] entries per instance,
//!   indexed as NetX indexes it (`address_index`), installed into smoltcp's
//!   interface while IPv6 is enabled. Addresses may be set before
//!   `nxd_ipv6_enable` (as NetX allows); they take effect when it runs.
//! - the multicast groups Neighbor Discovery needs, asked of the driver with
//!   `NX_LINK_MULTICAST_JOIN` / `NX_LINK_MULTICAST_LEAVE` (the group's MAC in
//!   `nx_ip_driver_physical_address_msw/lsw`): all-nodes (33:33:00:00:00:01)
//!   while IPv6 is enabled, and each address's solicited-node group
//!   (33:33:ff:xx:xx:xx). No lock is held while the driver runs.
//! - a receive gate ([`V6State::rx_drop`]): IPv6 frames before
//!   `nxd_ipv6_enable`, ICMPv6 before `nxd_icmp_enable`, and malformed ones
//!   (bad IPv6 header, truncated or unknown-shape ICMPv6, bad checksum, ND
//!   with a hop limit other than 255) are dropped before smoltcp sees them
//!   and counted (`nx_icmp_info_get`: checksum errors, unhandled messages).
//!
//! State lives in the instance's device ([`crate::netx::ip`]'s `NxDevice`,
//! in the memory area): it is read and written under the instance's `core`
//! lock only.
//!
//! Every `pub unsafe fn` has the NetX contract of `ip`: its pointers are
//! valid and point at created objects (the `_nxde_` forms check that).

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc)]

use core::ptr;

use smoltcp::iface::Route;
use smoltcp::phy::ChecksumCapabilities;
use smoltcp::time::{Duration, Instant as SInstant};
use smoltcp::wire::{
    Icmpv6Packet, Icmpv6Repr, IpAddress, IpCidr, IpProtocol, Ipv6Address, Ipv6Cidr, Ipv6ExtHeader, Ipv6Packet,
    Ipv6Repr,
};

use crate::netx::compat::{NX_DUPLICATED_ENTRY, NX_NO_INTERFACE_ADDRESS};
use crate::netx::ip::{self, IpCore};
use crate::netx::types::*;
use crate::port;

/// Addresses in an instance's IPv6 address table (NetX Duo's default for
/// one physical interface: three per interface).
pub const NX_MAX_IPV6_ADDRESSES: usize = 3;

/// The prefix length that makes `nxd_ipv6_address_set` with a NULL address
/// build the link-local address from the interface's MAC.
const LINK_LOCAL_PREFIX: ULONG = 10;

/// Router lifetime (seconds) that never expires.
const ROUTER_LIFETIME_INFINITE: ULONG = 0xFFFF;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    addr: Ipv6Address,
    prefix: u8,
    ifc: u8,
}

/// One instance's IPv6 state (in its device, under the `core` lock).
pub(crate) struct V6State {
    enabled: bool,
    icmpv6: bool,
    addrs: [Option<Entry>; NX_MAX_IPV6_ADDRESSES],
    router: Option<Ipv6Address>,
    /// ICMPv6 messages dropped for a bad checksum.
    pub(crate) checksum_errors: u32,
    /// Malformed IPv6/ICMPv6/ND frames dropped (truncated, unknown shape,
    /// bad options, ND hop limit not 255).
    pub(crate) unhandled: u32,
    /// IPv6 frames dropped because IPv6 (or ICMPv6) is not enabled.
    pub(crate) not_enabled: u32,
}

impl V6State {
    pub(crate) const fn new() -> Self {
        V6State {
            enabled: false,
            icmpv6: false,
            addrs: [None; NX_MAX_IPV6_ADDRESSES],
            router: None,
            checksum_errors: 0,
            unhandled: 0,
            not_enabled: 0,
        }
    }

    /// True when a received packet must be dropped (the caller releases it
    /// and does not hand it to smoltcp). Looks at IPv6 packets only; ICMPv6
    /// is checked whole (checksum, message shape, ND options). `scratch`
    /// receives a chained packet's bytes; its last 6 bytes are not touched.
    ///
    /// # Safety
    /// `pkt` is a received packet owned by the instance.
    pub(crate) unsafe fn rx_drop(&mut self, pkt: *const NX_PACKET, scratch: &mut [u8]) -> bool {
        // SAFETY: the caller's packet, owned by the instance; read only here
        // and written by no one meanwhile.
        let k = unsafe { &*pkt };
        let first_len = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
        if first_len == 0 {
            return false;
        }
        // SAFETY: the packet's data lies between its prepend and append
        // pointers, `first_len` > 0 bytes (read only).
        let first = unsafe { core::slice::from_raw_parts(k.nx_packet_prepend_ptr, first_len) };
        if first[0] >> 4 != 6 {
            return false;
        }
        if !self.enabled {
            self.not_enabled = self.not_enabled.wrapping_add(1);
            return true;
        }
        // Bulk traffic (TCP) is left to smoltcp without a copy.
        if first_len >= 40 && first[6] == u8::from(IpProtocol::Tcp) {
            return false;
        }
        let bytes: &[u8] = if k.nx_packet_next.is_null() {
            first
        } else {
            let room = scratch.len().saturating_sub(6);
            let mut n = 0;
            let mut p = pkt;
            while !p.is_null() {
                // SAFETY: a packet of the caller's chain, read only.
                let q = unsafe { &*p };
                let l = q.nx_packet_append_ptr as usize - q.nx_packet_prepend_ptr as usize;
                let take = l.min(room - n);
                // SAFETY: `take` <= l bytes of the packet's data; n + take <=
                // room fits the scratch; pool memory and scratch do not overlap.
                unsafe { ptr::copy_nonoverlapping(q.nx_packet_prepend_ptr, scratch.as_mut_ptr().wrapping_add(n), take) };
                n += take;
                p = q.nx_packet_next;
            }
            &scratch[..n]
        };
        match self.check(bytes) {
            Verdict::Pass => false,
            Verdict::NotEnabled => {
                self.not_enabled = self.not_enabled.wrapping_add(1);
                true
            }
            Verdict::Checksum => {
                self.checksum_errors = self.checksum_errors.wrapping_add(1);
                true
            }
            Verdict::Malformed => {
                self.unhandled = self.unhandled.wrapping_add(1);
                true
            }
        }
    }

    fn check(&self, bytes: &[u8]) -> Verdict {
        let Ok(packet) = Ipv6Packet::new_checked(bytes) else { return Verdict::Malformed };
        let Ok(repr) = Ipv6Repr::parse(&packet) else { return Verdict::Malformed };
        let mut next = repr.next_header;
        let mut payload = packet.payload();
        if next == IpProtocol::HopByHop {
            let Ok(ext) = Ipv6ExtHeader::new_checked(payload) else { return Verdict::Malformed };
            next = ext.next_header();
            let skip = 8 + 8 * ext.header_len() as usize;
            if skip > payload.len() {
                return Verdict::Malformed;
            }
            payload = &payload[skip..];
        }
        if next != IpProtocol::Icmpv6 {
            return Verdict::Pass;
        }
        if !self.icmpv6 {
            return Verdict::NotEnabled;
        }
        let Ok(icmp) = Icmpv6Packet::new_checked(payload) else { return Verdict::Malformed };
        if !icmp.verify_checksum(&repr.src_addr, &repr.dst_addr) {
            return Verdict::Checksum;
        }
        match Icmpv6Repr::parse(&repr.src_addr, &repr.dst_addr, &icmp, &ChecksumCapabilities::default()) {
            Err(_) => Verdict::Malformed,
            // RFC 4861: ND messages that did not come from the link itself.
            Ok(Icmpv6Repr::Ndisc(_)) if repr.hop_limit != 255 => Verdict::Malformed,
            Ok(_) => Verdict::Pass,
        }
    }
}

enum Verdict {
    Pass,
    NotEnabled,
    Checksum,
    Malformed,
}

// ---------------------------------------------------------------- addresses

/// The address of an `NXD_ADDRESS` of version 6 (four host-order words).
pub fn v6_of(a: &NXD_ADDRESS) -> Option<Ipv6Address> {
    if a.nxd_ip_version != NX_IP_VERSION_V6 {
        return None;
    }
    // SAFETY: version 6: the union holds the four words.
    let w = unsafe { a.nxd_ip_address.v6 };
    let mut o = [0u8; 16];
    for (i, word) in w.iter().enumerate() {
        o[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    Some(Ipv6Address::from(o))
}

/// The `NXD_ADDRESS` of an IPv6 address.
pub fn nxd_of_v6(a: Ipv6Address) -> NXD_ADDRESS {
    let o = a.octets();
    let mut w = [0 as ULONG; 4];
    for (i, word) in w.iter_mut().enumerate() {
        *word = u32::from_be_bytes([o[i * 4], o[i * 4 + 1], o[i * 4 + 2], o[i * 4 + 3]]);
    }
    NXD_ADDRESS { nxd_ip_version: NX_IP_VERSION_V6, nxd_ip_address: NXD_ADDRESS_UNION { v6: w } }
}

/// The `NXD_ADDRESS` of a smoltcp address (either version).
pub fn nxd_of(a: IpAddress) -> NXD_ADDRESS {
    match a {
        IpAddress::Ipv4(a) => NXD_ADDRESS {
            nxd_ip_version: NX_IP_VERSION_V4,
            nxd_ip_address: NXD_ADDRESS_UNION { v4: u32::from_be_bytes(a.octets()) },
        },
        IpAddress::Ipv6(a) => nxd_of_v6(a),
    }
}

/// A unicast address a socket may connect to or a host may have: not
/// unspecified, not multicast.
pub fn v6_usable(a: Ipv6Address) -> bool {
    !a.is_unspecified() && !a.is_multicast()
}

/// The link-local address made from a MAC (modified EUI-64, RFC 4291).
pub fn link_local_of(mac: [u8; 6]) -> Ipv6Address {
    let mut o = [0u8; 16];
    o[0] = 0xfe;
    o[1] = 0x80;
    o[8] = mac[0] ^ 0x02;
    o[9] = mac[1];
    o[10] = mac[2];
    o[11] = 0xff;
    o[12] = 0xfe;
    o[13] = mac[3];
    o[14] = mac[4];
    o[15] = mac[5];
    Ipv6Address::from(o)
}

/// The Ethernet group (msw, lsw) of an address's solicited-node group
/// 33:33:ff:xx:xx:xx (RFC 2464: 33:33 + the group's low 32 bits).
fn solicited_mac(a: Ipv6Address) -> (ULONG, ULONG) {
    let o = a.octets();
    (0x3333, u32::from_be_bytes([0xff, o[13], o[14], o[15]]))
}

/// All-nodes group ff02::1 on Ethernet.
const ALL_NODES_MAC: (ULONG, ULONG) = (0x3333, 0x0000_0001);

/// Groups to join or leave after the lock is released.
struct Groups {
    items: [(ULONG, ULONG); NX_MAX_IPV6_ADDRESSES + 1],
    len: usize,
}

impl Groups {
    fn new() -> Self {
        Groups { items: [(0, 0); NX_MAX_IPV6_ADDRESSES + 1], len: 0 }
    }
    fn push(&mut self, g: (ULONG, ULONG)) {
        if self.len < self.items.len() && !self.items[..self.len].contains(&g) {
            self.items[self.len] = g;
            self.len += 1;
        }
    }
}

/// Asks the driver to join or leave each group (no lock held).
unsafe fn driver_groups(ip_ptr: *mut NX_IP, command: UINT, groups: &Groups) {
    for &(msw, lsw) in &groups.items[..groups.len] {
        // SAFETY: the instance is entered by the caller: its interface and
        // driver stay valid for the call. Only the address is computed, no
        // reference (the driver writes the interface).
        let ifc = unsafe { &raw mut (*ip_ptr).nx_ip_interface[0] };
        // SAFETY: that interface; the driver entry is set at create and
        // never changes (a raw place read).
        let Some(driver) = (unsafe { (*ifc).nx_interface_link_driver_entry }) else { return };
        let mut req = NX_IP_DRIVER {
            nx_ip_driver_command: command,
            nx_ip_driver_status: NX_SUCCESS,
            nx_ip_driver_physical_address_msw: msw,
            nx_ip_driver_physical_address_lsw: lsw,
            nx_ip_driver_packet: ptr::null_mut(),
            nx_ip_driver_return_ptr: ptr::null_mut(),
            nx_ip_driver_ptr: ip_ptr,
            nx_ip_driver_interface: ifc,
        };
        // SAFETY: the driver registered for this interface, called as NetX
        // calls it: a request for its own instance and interface.
        unsafe { driver(&mut req) };
    }
}

fn install(core: &mut IpCore, e: Entry) -> bool {
    let mut ok = false;
    core.iface.update_ip_addrs(|addrs| {
        ok = addrs.push(IpCidr::Ipv6(Ipv6Cidr::new(e.addr, e.prefix))).is_ok();
    });
    ok
}

fn uninstall(core: &mut IpCore, a: Ipv6Address) {
    core.iface.update_ip_addrs(|addrs| addrs.retain(|c| *c != IpCidr::Ipv6(Ipv6Cidr::new(a, c.prefix_len()))));
}

fn remove_router(core: &mut IpCore) {
    let _ = core.iface.routes_mut().remove_default_ipv6_route();
}

fn add_router(core: &mut IpCore, r: Ipv6Address, lifetime: ULONG) -> bool {
    let expires_at = if lifetime == ROUTER_LIFETIME_INFINITE {
        None
    } else {
        Some(SInstant::from_millis(port::now_ms() as i64) + Duration::from_secs(lifetime as u64))
    };
    remove_router(core);
    let mut ok = false;
    core.iface.routes_mut().update(|routes| {
        ok = routes
            .push(Route {
                cidr: IpCidr::Ipv6(Ipv6Cidr::new(Ipv6Address::UNSPECIFIED, 0)),
                via_router: IpAddress::Ipv6(r),
                preferred_until: None,
                expires_at,
            })
            .is_ok();
    });
    ok
}

/// Entered instance and its IPv6 state: runs `f` under the `core` lock.
unsafe fn with_v6<R>(ip_ptr: *mut NX_IP, f: impl FnOnce(&mut IpCore) -> R) -> Result<R, UINT> {
    // SAFETY: the caller's pointer addresses an NX_IP-sized object.
    let sh = unsafe { ip::enter(ip_ptr) }?;
    let mut g = sh.core.lock();
    let core = ip::core_of(&mut g);
    Ok(f(core))
}

fn v6(core: &mut IpCore) -> &mut V6State {
    &mut core.dev.v6
}

// ---------------------------------------------------------------- services

/// Enables IPv6: the address table is installed, the driver is asked to
/// join all-nodes and each address's solicited-node group.
/// `NX_ALREADY_ENABLED` when enabled.
pub unsafe fn nxd_ipv6_enable(ip_ptr: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let Ok(_use) = (unsafe { ip::enter(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut joins = Groups::new();
    let f = |core: &mut IpCore| {
        if v6(core).enabled {
            return NX_ALREADY_ENABLED;
        }
        v6(core).enabled = true;
        joins.push(ALL_NODES_MAC);
        let addrs = v6(core).addrs;
        for e in addrs.iter().flatten() {
            install(core, *e);
            joins.push(solicited_mac(e.addr));
        }
        NX_SUCCESS
    };
    // SAFETY: the service's contract, as for `enter` above.
    let r = unsafe { with_v6(ip_ptr, f) };
    match r {
        Ok(NX_SUCCESS) => {
            // SAFETY: the instance is entered (`_use`) for the call; no lock is held.
            unsafe { driver_groups(ip_ptr, NX_LINK_MULTICAST_JOIN, &joins) };
            NX_SUCCESS
        }
        Ok(s) | Err(s) => s,
    }
}

/// Disables IPv6: the addresses and the default router are removed (the
/// table is cleared, as NetX invalidates it), the driver is asked to leave
/// the groups. `NX_NOT_ENABLED` when not enabled.
pub unsafe fn nxd_ipv6_disable(ip_ptr: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let Ok(_use) = (unsafe { ip::enter(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut leaves = Groups::new();
    let f = |core: &mut IpCore| {
        if !v6(core).enabled {
            return NX_NOT_ENABLED;
        }
        let addrs = v6(core).addrs;
        for e in addrs.iter().flatten() {
            uninstall(core, e.addr);
            leaves.push(solicited_mac(e.addr));
        }
        leaves.push(ALL_NODES_MAC);
        if v6(core).router.take().is_some() {
            remove_router(core);
        }
        let s = v6(core);
        s.addrs = [None; NX_MAX_IPV6_ADDRESSES];
        s.enabled = false;
        NX_SUCCESS
    };
    // SAFETY: the service's contract, as for `enter` above.
    let r = unsafe { with_v6(ip_ptr, f) };
    match r {
        Ok(NX_SUCCESS) => {
            // SAFETY: the instance is entered (`_use`) for the call; no lock is held.
            unsafe { driver_groups(ip_ptr, NX_LINK_MULTICAST_LEAVE, &leaves) };
            NX_SUCCESS
        }
        Ok(s) | Err(s) => s,
    }
}

/// Enables ICMPv4 and ICMPv6 (echo answered, Neighbor Discovery: without
/// it IPv6 neighbors cannot be resolved, as in NetX Duo).
/// `NX_ALREADY_ENABLED` when ICMPv6 is enabled already.
pub unsafe fn nxd_icmp_enable(ip_ptr: *mut NX_IP) -> UINT {
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let s = unsafe { ip::nx_icmp_enable(ip_ptr) };
    if s != NX_SUCCESS && s != NX_ALREADY_ENABLED {
        return s;
    }
    let f = |core: &mut IpCore| {
        if v6(core).icmpv6 {
            return NX_ALREADY_ENABLED;
        }
        v6(core).icmpv6 = true;
        NX_SUCCESS
    };
    // SAFETY: as above.
    unsafe { with_v6(ip_ptr, f) }.unwrap_or_else(|e| e)
}

/// Adds an address to the table. A NULL `ip_address` with `prefix_length`
/// 10 makes the link-local address from the interface's MAC (fe80::/10,
/// modified EUI-64), as NetX does. `*address_index` (if not NULL) gets the
/// entry's index.
///
/// `NX_IP_ADDRESS_ERROR` for a NULL address with another prefix length, an
/// address not of version 6, unspecified or multicast, or a prefix length
/// over 128; `NX_INVALID_INTERFACE`; `NX_DUPLICATED_ENTRY` if the address is
/// in the table; `NX_NO_MORE_ENTRIES` when the table is full.
pub unsafe fn nxd_ipv6_address_set(
    ip_ptr: *mut NX_IP,
    interface_index: UINT,
    ip_address: *const NXD_ADDRESS,
    prefix_length: ULONG,
    address_index: *mut UINT,
) -> UINT {
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let Ok(_use) = (unsafe { ip::enter(ip_ptr) }) else { return NX_PTR_ERROR };
    if interface_index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    if prefix_length > 128 {
        return NX_IP_ADDRESS_ERROR;
    }
    let addr = if ip_address.is_null() {
        if prefix_length != LINK_LOCAL_PREFIX {
            return NX_IP_ADDRESS_ERROR;
        }
        // SAFETY: the entered instance (index checked above); raw place
        // reads, no reference (the driver writes the interface meanwhile).
        let ifc = unsafe { &raw const (*ip_ptr).nx_ip_interface[interface_index as usize] };
        // SAFETY: that interface.
        let l = unsafe { (*ifc).nx_interface_physical_address_lsw }.to_be_bytes();
        // SAFETY: that interface.
        let m = unsafe { (*ifc).nx_interface_physical_address_msw };
        link_local_of([(m >> 8) as u8, m as u8, l[0], l[1], l[2], l[3]])
    } else {
        // SAFETY: the service's contract: a non-NULL `ip_address` is the
        // caller's NXD_ADDRESS, lent for the call and read only.
        match v6_of(unsafe { &*ip_address }) {
            Some(a) if v6_usable(a) => a,
            _ => return NX_IP_ADDRESS_ERROR,
        }
    };
    let e = Entry { addr, prefix: prefix_length as u8, ifc: interface_index as u8 };
    let mut joins = Groups::new();
    let f = |core: &mut IpCore| {
        let s = v6(core);
        if s.addrs.iter().flatten().any(|x| x.addr == addr) {
            return Err(NX_DUPLICATED_ENTRY);
        }
        let Some(i) = s.addrs.iter().position(|x| x.is_none()) else { return Err(NX_NO_MORE_ENTRIES) };
        let enabled = s.enabled;
        let shared_group = s.addrs.iter().flatten().any(|x| solicited_mac(x.addr) == solicited_mac(addr));
        if enabled && !install(core, e) {
            return Err(NX_NO_MORE_ENTRIES);
        }
        v6(core).addrs[i] = Some(e);
        if enabled && !shared_group {
            joins.push(solicited_mac(addr));
        }
        Ok(i)
    };
    // SAFETY: the service's contract, as for `enter` above.
    let r = unsafe { with_v6(ip_ptr, f) };
    match r {
        Ok(Ok(i)) => {
            // SAFETY: the instance is entered (`_use`) for the call; no lock is held.
            unsafe { driver_groups(ip_ptr, NX_LINK_MULTICAST_JOIN, &joins) };
            if !address_index.is_null() {
                // SAFETY: the service's contract: a non-NULL output lent for the call.
                unsafe { *address_index = i as UINT };
            }
            NX_SUCCESS
        }
        Ok(Err(s)) | Err(s) => s,
    }
}

/// Reads table entry `address_index`: the address (version 6, host-order
/// words), its prefix length and interface. `NX_NO_MORE_ENTRIES` for an
/// index out of range, `NX_NO_INTERFACE_ADDRESS` for an empty entry (the
/// outputs are not written then).
pub unsafe fn nxd_ipv6_address_get(
    ip_ptr: *mut NX_IP,
    address_index: UINT,
    ip_address: *mut NXD_ADDRESS,
    prefix_length: *mut ULONG,
    interface_index: *mut UINT,
) -> UINT {
    if address_index as usize >= NX_MAX_IPV6_ADDRESSES {
        return NX_NO_MORE_ENTRIES;
    }
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    match unsafe { with_v6(ip_ptr, |core| v6(core).addrs[address_index as usize]) } {
        Err(e) => e,
        Ok(None) => NX_NO_INTERFACE_ADDRESS,
        Ok(Some(e)) => {
            // SAFETY: the service's contract: writable outputs lent for the call.
            unsafe { *ip_address = nxd_of_v6(e.addr) };
            // SAFETY: as `ip_address`.
            unsafe { *prefix_length = e.prefix as ULONG };
            // SAFETY: as `ip_address`.
            unsafe { *interface_index = e.ifc as UINT };
            NX_SUCCESS
        }
    }
}

/// Removes table entry `address_index` (and leaves its solicited-node group
/// unless another address shares it). `NX_NO_MORE_ENTRIES` for an index
/// out of range, `NX_NO_INTERFACE_ADDRESS` for an empty entry.
pub unsafe fn nxd_ipv6_address_delete(ip_ptr: *mut NX_IP, address_index: UINT) -> UINT {
    if address_index as usize >= NX_MAX_IPV6_ADDRESSES {
        return NX_NO_MORE_ENTRIES;
    }
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let Ok(_use) = (unsafe { ip::enter(ip_ptr) }) else { return NX_PTR_ERROR };
    let mut leaves = Groups::new();
    let f = |core: &mut IpCore| {
        let s = v6(core);
        let Some(e) = s.addrs[address_index as usize].take() else { return NX_NO_INTERFACE_ADDRESS };
        let still = s.addrs.iter().flatten().any(|x| solicited_mac(x.addr) == solicited_mac(e.addr));
        if s.enabled {
            uninstall(core, e.addr);
            if !still {
                leaves.push(solicited_mac(e.addr));
            }
        }
        NX_SUCCESS
    };
    // SAFETY: the service's contract, as for `enter` above.
    let r = unsafe { with_v6(ip_ptr, f) };
    match r {
        Ok(NX_SUCCESS) => {
            // SAFETY: the instance is entered (`_use`) for the call; no lock is held.
            unsafe { driver_groups(ip_ptr, NX_LINK_MULTICAST_LEAVE, &leaves) };
            NX_SUCCESS
        }
        Ok(s) | Err(s) => s,
    }
}

/// Sets the default router: IPv6 traffic to destinations off every
/// address's prefix goes through it, for `router_lifetime` seconds (0xFFFF:
/// forever). One default router (adding another replaces it).
/// `NX_IP_ADDRESS_ERROR` for an address not of version 6, unspecified or
/// multicast; `NX_INVALID_INTERFACE`; `NX_NOT_ENABLED` before
/// `nxd_ipv6_enable`; `NX_NO_MORE_ENTRIES` when smoltcp's route table is
/// full.
pub unsafe fn nxd_ipv6_default_router_add(
    ip_ptr: *mut NX_IP,
    router_addr: *const NXD_ADDRESS,
    router_lifetime: ULONG,
    interface_index: UINT,
) -> UINT {
    if interface_index as usize >= NX_MAX_PHYSICAL_INTERFACES {
        return NX_INVALID_INTERFACE;
    }
    // SAFETY: the service's contract: the caller's NXD_ADDRESS, lent for
    // the call and read only.
    let Some(r) = v6_of(unsafe { &*router_addr }).filter(|a| v6_usable(*a)) else { return NX_IP_ADDRESS_ERROR };
    let f = |core: &mut IpCore| {
        if !v6(core).enabled {
            return NX_NOT_ENABLED;
        }
        if !add_router(core, r, router_lifetime) {
            return NX_NO_MORE_ENTRIES;
        }
        v6(core).router = Some(r);
        NX_SUCCESS
    };
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    unsafe { with_v6(ip_ptr, f) }.unwrap_or_else(|e| e)
}

/// Whether a TCP connect to `a` may start (called under the `core` lock):
/// `NX_NOT_ENABLED` before `nxd_ipv6_enable`, `NX_NO_INTERFACE_ADDRESS` when
/// the table is empty.
pub(crate) fn connect_check(core: &mut IpCore) -> Result<(), UINT> {
    let s = v6(core);
    if !s.enabled {
        return Err(NX_NOT_ENABLED);
    }
    if s.addrs.iter().all(|x| x.is_none()) {
        return Err(NX_NO_INTERFACE_ADDRESS);
    }
    Ok(())
}

/// ICMP counters: `icmp_checksum_errors` and `icmp_unhandled_messages` count
/// the ICMPv6/ND messages dropped by the receive checks (bad checksum;
/// malformed or not from the link). Echo requests are answered by the stack
/// and not counted; pings are not sent by this library: the other outputs
/// are 0. Each output may be NULL.
pub unsafe fn nx_icmp_info_get(
    ip_ptr: *mut NX_IP,
    pings_sent: *mut ULONG,
    ping_timeouts: *mut ULONG,
    ping_threads_suspended: *mut ULONG,
    ping_responses_received: *mut ULONG,
    icmp_checksum_errors: *mut ULONG,
    icmp_unhandled_messages: *mut ULONG,
) -> UINT {
    // SAFETY: the service's contract: `ip_ptr` addresses an NX_IP-sized object.
    let (c, u) = match unsafe { with_v6(ip_ptr, |core| (v6(core).checksum_errors, v6(core).unhandled)) } {
        Ok(x) => x,
        Err(e) => return e,
    };
    for (p, v) in [
        (pings_sent, 0),
        (ping_timeouts, 0),
        (ping_threads_suspended, 0),
        (ping_responses_received, 0),
        (icmp_checksum_errors, c),
        (icmp_unhandled_messages, u),
    ] {
        if !p.is_null() {
            // SAFETY: the service's contract: a non-NULL output lent for the call.
            unsafe { *p = v };
        }
    }
    NX_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nxd_words_round_trip() {
        let a: Ipv6Address = "2001:db8::1".parse().unwrap();
        let n = nxd_of_v6(a);
        // SAFETY: nxd_of_v6 wrote the v6 member.
        assert_eq!(unsafe { n.nxd_ip_address.v6 }, [0x2001_0db8, 0, 0, 1]);
        assert_eq!(v6_of(&n), Some(a));
        let v4 = NXD_ADDRESS { nxd_ip_version: 4, nxd_ip_address: NXD_ADDRESS_UNION { v4: 1 } };
        assert_eq!(v6_of(&v4), None);
    }

    #[test]
    fn link_local_from_mac() {
        let a = link_local_of([0x00, 0x11, 0x22, 0x33, 0x44, 0x56]);
        assert_eq!(a, "fe80::211:22ff:fe33:4456".parse::<Ipv6Address>().unwrap());
        assert_eq!(solicited_mac(a), (0x3333, 0xff33_4456));
    }

    fn echo(hop: u8, corrupt: bool) -> Vec<u8> {
        let src: Ipv6Address = "fe80::1".parse().unwrap();
        let dst: Ipv6Address = "fe80::2".parse().unwrap();
        let icmp = Icmpv6Repr::EchoRequest { ident: 1, seq_no: 2, data: b"abcd" };
        let mut buf = vec![0u8; 40 + icmp.buffer_len()];
        let ip = Ipv6Repr { src_addr: src, dst_addr: dst, next_header: IpProtocol::Icmpv6, payload_len: icmp.buffer_len(), hop_limit: hop };
        ip.emit(&mut Ipv6Packet::new_unchecked(&mut buf[..]));
        icmp.emit(&src, &dst, &mut Icmpv6Packet::new_unchecked(&mut buf[40..]), &ChecksumCapabilities::default());
        if corrupt {
            buf[45] ^= 0x55;
        }
        buf
    }

    #[test]
    fn gate_checks_icmpv6() {
        let mut s = V6State::new();
        s.enabled = true;
        s.icmpv6 = true;
        assert!(matches!(s.check(&echo(64, false)), Verdict::Pass));
        assert!(matches!(s.check(&echo(64, true)), Verdict::Checksum));
        assert!(matches!(s.check(&echo(64, false)[..44]), Verdict::Malformed));
        s.icmpv6 = false;
        assert!(matches!(s.check(&echo(64, false)), Verdict::NotEnabled));
    }
}
