//! `_nx_ram_network_driver`: every IP instance in the process that uses it
//! sits on one Ethernet segment in memory.
//!
//! Instance n (in order of `NX_LINK_INITIALIZE`) gets MAC
//! 00:11:22:33:44:56 + n (msw 0x0011, lsw 0x22334456 + n) and MTU 1500. A
//! frame goes to the instance whose MAC matches, or to all the others when it
//! is a broadcast or multicast (IPv6's 33:33:xx groups included:
//! `NX_LINK_MULTICAST_JOIN` / `LEAVE` are accepted and every station hears
//! every group, as NetX's own RAM driver does). It is copied into the
//! receiver's default pool with `NX_NO_WAIT`, leaving `NX_PHYSICAL_HEADER` bytes of headroom; when that
//! pool is empty the frame is dropped, as a real NIC would, and counted
//! (`NX_LINK_GET_ALLOC_ERRORS`). The sender's packet is always released with
//! `nx_packet_transmit_release`.
//!
//! The "wire" is a module-private registry behind one lock; entries are
//! removed on `NX_LINK_UNINITIALIZE` / `NX_LINK_INTERFACE_DETACH`. Delivery
//! under the wire lock takes only the receiver's deferred-queue and pool
//! locks, never its stack lock. After the wire lock is released, the
//! receiver's stack processes the frame on the sending thread if its lock is
//! free (`ip::poll_inline`), else its helper thread is woken: no thread
//! hand-off per frame, no deadlock (a station being processed this way is
//! marked busy and UNINITIALIZE waits for it).

#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
use core::ptr;

use crate::netx::types::*;
use crate::netx::{ip, packet};
use crate::port::Lock;

struct Station {
    ip: *mut NX_IP,
    msw: ULONG,
    lsw: ULONG,
    rx: u64,
    tx: u64,
    drops: u64,
    /// Deliveries being processed outside the lock; UNINITIALIZE waits for 0.
    busy: u32,
}

/// Stations on the wire at once (a further `NX_LINK_INITIALIZE` fails with
/// `NX_NO_MORE_ENTRIES`, so `nx_ip_create` returns `NX_NOT_SUCCESSFUL`).
pub const MAX_STATIONS: usize = 32;

struct Wire {
    stations: [Option<Station>; MAX_STATIONS],
    next_instance: ULONG,
}

impl Wire {
    fn find(&mut self, ip: *mut NX_IP) -> Option<&mut Station> {
        self.stations.iter_mut().flatten().find(|s| s.ip == ip)
    }
}

// SAFETY: the raw pointers are only used while the station is registered,
// i.e. while its IP instance exists; always under the lock.
unsafe impl Send for Wire {}

static WIRE: Lock<Wire> = Lock::new(Wire { stations: [const { None }; MAX_STATIONS], next_instance: 0 });

const BASE_MSW: ULONG = 0x0011;
const BASE_LSW: ULONG = 0x2233_4456;

/// The driver entry point (`_nx_ram_network_driver` in C).
///
/// # Safety
/// `req` must be a valid request from an IP instance, as the driver protocol says.
pub unsafe extern "C" fn nx_ram_network_driver(req: *mut NX_IP_DRIVER) {
    // SAFETY: the driver protocol: the request is the caller's, live and
    // used by no one else for the call.
    let r = unsafe { &mut *req };
    let ip_ptr = r.nx_ip_driver_ptr;
    let ifc = r.nx_ip_driver_interface;
    r.nx_ip_driver_status = NX_SUCCESS;
    match r.nx_ip_driver_command {
        NX_LINK_INTERFACE_ATTACH => {}
        NX_LINK_INITIALIZE => {
            // SAFETY: the request's interface, live for the call; a raw place
            // read (the interface is shared with the stack).
            let index = if ifc.is_null() { 0 } else { (unsafe { (*ifc).nx_interface_index }) as UINT };
            let (msw, lsw) = {
                let mut w = WIRE.lock();
                for st in w.stations.iter_mut() {
                    if st.as_ref().is_some_and(|s| s.ip == ip_ptr && s.busy == 0) {
                        *st = None;
                    }
                }
                let Some(free) = w.stations.iter().position(|s| s.is_none()) else {
                    r.nx_ip_driver_status = NX_NO_MORE_ENTRIES;
                    return;
                };
                let n = w.next_instance;
                w.next_instance += 1;
                let (msw, lsw) = (BASE_MSW, BASE_LSW.wrapping_add(n));
                w.stations[free] = Some(Station { ip: ip_ptr, msw, lsw, rx: 0, tx: 0, drops: 0, busy: 0 });
                (msw, lsw)
            };
            // SAFETY: the request's instance, being created by this call;
            // `index` is its interface's.
            unsafe { ip::nx_ip_interface_mtu_set(ip_ptr, index, 1500) };
            // SAFETY: as the MTU (no driver update: this is the driver).
            unsafe { ip::nx_ip_interface_physical_address_set(ip_ptr, index, msw, lsw, NX_FALSE) };
            // SAFETY: as the MTU.
            unsafe { ip::nx_ip_interface_address_mapping_configure(ip_ptr, index, NX_TRUE) };
        }
        NX_LINK_ENABLE | NX_LINK_DISABLE => {
            if !ifc.is_null() {
                // SAFETY: the request's interface, live for the call.
                unsafe { ip::link_set(ifc, r.nx_ip_driver_command == NX_LINK_ENABLE) };
            }
        }
        NX_LINK_UNINITIALIZE | NX_LINK_INTERFACE_DETACH => loop {
            // Wait until no other thread is running this instance's stack
            // for a frame it delivered.
            let mut w = WIRE.lock();
            match w.stations.iter().position(|s| s.as_ref().is_some_and(|s| s.ip == ip_ptr)) {
                Some(i) if w.stations[i].as_ref().is_some_and(|s| s.busy > 0) => {
                    drop(w);
                    crate::port::sleep_ticks(1);
                }
                Some(i) => {
                    w.stations[i] = None;
                    break;
                }
                None => break,
            }
        },
        NX_LINK_PACKET_SEND | NX_LINK_PACKET_BROADCAST | NX_LINK_ARP_SEND | NX_LINK_ARP_RESPONSE_SEND | NX_LINK_RARP_SEND => {
            // SAFETY: a send request: its packet and instance are live for the call.
            unsafe { transmit(r) };
        }
        NX_LINK_MULTICAST_JOIN | NX_LINK_MULTICAST_LEAVE | NX_LINK_DEFERRED_PROCESSING => {}
        NX_LINK_SET_PHYSICAL_ADDRESS => {
            let mut w = WIRE.lock();
            if let Some(s) = w.find(ip_ptr) {
                s.msw = r.nx_ip_driver_physical_address_msw;
                s.lsw = r.nx_ip_driver_physical_address_lsw;
            }
        }
        NX_LINK_GET_STATUS | NX_LINK_GET_SPEED | NX_LINK_GET_DUPLEX_TYPE | NX_LINK_GET_ERROR_COUNT
        | NX_LINK_GET_RX_COUNT | NX_LINK_GET_TX_COUNT | NX_LINK_GET_ALLOC_ERRORS | NX_LINK_GET_INTERFACE_TYPE => {
            let v: ULONG = {
                let mut w = WIRE.lock();
                let st = w.find(ip_ptr);
                match (r.nx_ip_driver_command, st) {
                    // SAFETY: the request's interface, live for the call.
                    (NX_LINK_GET_STATUS, _) => (!ifc.is_null() && unsafe { ip::link_is_up(ifc) }) as ULONG,
                    (NX_LINK_GET_SPEED, _) => 0,
                    (NX_LINK_GET_DUPLEX_TYPE, _) => 0,
                    (NX_LINK_GET_ERROR_COUNT, _) => 0,
                    (NX_LINK_GET_RX_COUNT, Some(s)) => s.rx as ULONG,
                    (NX_LINK_GET_TX_COUNT, Some(s)) => s.tx as ULONG,
                    (NX_LINK_GET_ALLOC_ERRORS, Some(s)) => s.drops as ULONG,
                    // NX_INTERFACE_TYPE_ETHERNET
                    (NX_LINK_GET_INTERFACE_TYPE, _) => 2,
                    _ => 0,
                }
            };
            if !r.nx_ip_driver_return_ptr.is_null() {
                // SAFETY: the driver protocol: a non-NULL return pointer is
                // the caller's output, writable for the call.
                unsafe { *r.nx_ip_driver_return_ptr = v };
            }
        }
        _ => r.nx_ip_driver_status = NX_UNHANDLED_COMMAND,
    }
}

/// Delivers the request's frame to the stations it is for, then releases it.
///
/// # Safety
/// A send request from an IP instance: its packet (handed to the driver)
/// and instance are live for the call.
unsafe fn transmit(r: &mut NX_IP_DRIVER) {
    let pkt = r.nx_ip_driver_packet;
    if pkt.is_null() {
        r.nx_ip_driver_status = NX_PTR_ERROR;
        return;
    }
    let sender = r.nx_ip_driver_ptr;
    let (msw, lsw) = (r.nx_ip_driver_physical_address_msw, r.nx_ip_driver_physical_address_lsw);
    let broadcast = r.nx_ip_driver_command == NX_LINK_PACKET_BROADCAST
        || r.nx_ip_driver_command == NX_LINK_ARP_SEND
        || r.nx_ip_driver_command == NX_LINK_RARP_SEND
        || (msw & 0x0100) != 0;
    let arp = matches!(r.nx_ip_driver_command, NX_LINK_ARP_SEND | NX_LINK_ARP_RESPONSE_SEND | NX_LINK_RARP_SEND);
    let mut inline: [*mut NX_IP; 8] = [ptr::null_mut(); 8];
    let mut n_inline = 0usize;
    {
        let mut w = WIRE.lock();
        if let Some(st) = w.find(sender) {
            st.tx += 1;
        }
        for st in w.stations.iter_mut().flatten() {
            if st.ip == sender || !(broadcast || (st.msw == msw && st.lsw == lsw)) {
                continue;
            }
            let rip = st.ip;
            // SAFETY: a registered station's instance exists (UNINITIALIZE
            // unregisters it under this lock, held here); only the
            // interface's address is computed, no reference.
            let rifc = unsafe { &raw mut (*rip).nx_ip_interface[0] };
            // SAFETY: that live interface.
            if !unsafe { ip::link_is_up(rifc) } {
                continue;
            }
            // SAFETY: the live instance; its default pool is set at create and never changes.
            let pool = unsafe { (*rip).nx_ip_default_packet_pool };
            let mut copy: *mut NX_PACKET = ptr::null_mut();
            // SAFETY: the receiver's created pool; `copy` is a local output.
            if unsafe { packet::nx_packet_allocate(pool, &mut copy, NX_PHYSICAL_HEADER, NX_NO_WAIT) } != NX_SUCCESS {
                st.drops += 1;
                continue;
            }
            let mut ok = true;
            let mut p = pkt;
            while !p.is_null() {
                // SAFETY: a packet of the frame the sender handed to the
                // driver: ours for the call, read only.
                let k = unsafe { &*p };
                let n = k.nx_packet_append_ptr as usize - k.nx_packet_prepend_ptr as usize;
                // SAFETY: `copy` is ours, the pool the receiver's; the source
                // is `n` bytes of `k`'s data.
                if unsafe { packet::nx_packet_data_append(copy, k.nx_packet_prepend_ptr as *const VOID, n as ULONG, pool, NX_NO_WAIT) }
                    != NX_SUCCESS
                {
                    ok = false;
                    break;
                }
                p = k.nx_packet_next;
            }
            if !ok {
                // SAFETY: the copy is ours and queued nowhere.
                unsafe { packet::nx_packet_release(copy) };
                st.drops += 1;
                continue;
            }
            // SAFETY: the sender's frame, ours for the call (read only).
            let version = unsafe { (*pkt).nx_packet_ip_version };
            {
                // SAFETY: the copy is ours until it is queued just below.
                let c = unsafe { &mut *copy };
                c.nx_packet_ip_version = version;
                c.nx_packet_address.nx_packet_interface_ptr = rifc;
            }
            st.rx += 1;
            if n_inline < inline.len() {
                // Queued now, processed below on this thread, lock released.
                // SAFETY: the live receiver; the copy is handed over.
                unsafe { ip::deferred_receive_no_wake(rip, copy, arp) };
                st.busy += 1;
                inline[n_inline] = rip;
                n_inline += 1;
            } else if arp {
                // SAFETY: the live receiver; the copy is handed over.
                unsafe { ip::nx_arp_packet_deferred_receive(rip, copy) };
            } else {
                // SAFETY: the live receiver; the copy is handed over.
                unsafe { ip::nx_ip_packet_deferred_receive(rip, copy) };
            }
        }
    }
    // SAFETY: the sender's frame, handed to the driver, released once.
    unsafe { packet::nx_packet_transmit_release(pkt) };
    // Run the receivers' stacks here instead of waking their threads: the
    // whole exchange (data, ACK, window update, next data) then stays on one
    // thread. The wire lock is not held, so their sends can come back in.
    for &rip in &inline[..n_inline] {
        // SAFETY: the station is marked busy, so UNINITIALIZE (and with it
        // the instance's delete) waits: the instance is live. No lock is held.
        unsafe { ip::poll_inline(rip) };
        let mut w = WIRE.lock();
        if let Some(st) = w.find(rip) {
            st.busy -= 1;
        }
    }
}
