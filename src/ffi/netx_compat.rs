//! `extern "C"` exports of `crate::netx::compat`: the gateway and interface
//! address services, interface capabilities, and the driver receive entry
//! points NetX offers besides the deferred ones. `_nx_X` trusts its
//! arguments; `_nxe_X` checks them as NetX does, then calls `_nx_X`.
#![allow(non_snake_case, clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use crate::netx::compat;
use crate::netx::types::*;

/// True when `p` is a created IP instance.
///
/// # Safety
/// `p` is NULL or addresses `NX_IP`-sized memory the caller keeps for the call.
unsafe fn ip_ok(p: *const NX_IP) -> bool {
    // SAFETY: this function's contract is the one of ip_is_created.
    unsafe { crate::netx::ip::ip_is_created(p) }
}

/// A packet handed to an instance that does not exist: it is released.
///
/// # Safety
/// `p` is NULL or a packet chain the caller hands over (it owned it).
unsafe fn release(p: *mut NX_PACKET) {
    if !p.is_null() {
        // SAFETY: a chain the caller owned and hands over (contract).
        unsafe { crate::netx::packet::nx_packet_release(p) };
    }
}

// ================================================================ gateway and addresses

/// Sets the IP instance's default gateway: IPv4 traffic to an address off the
/// interface's network is sent to `ip_address` (its MAC found by ARP).
/// Returns `NX_SUCCESS`; `NX_IP_ADDRESS_ERROR` when the gateway is not on the
/// network of a valid interface; `NX_NO_MORE_ENTRIES` if the route table is full.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_gateway_address_set(ip_ptr: *mut NX_IP, ip_address: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { compat::nx_ip_gateway_address_set(ip_ptr, ip_address) }
    })
}

/// Checked `nx_ip_gateway_address_set`: `NX_PTR_ERROR` for an IP not
/// created, `NX_IP_ADDRESS_ERROR` for address 0; then as `_nx_ip_gateway_address_set`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_gateway_address_set(ip_ptr: *mut NX_IP, ip_address: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        if ip_address == 0 {
            return NX_IP_ADDRESS_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_gateway_address_set(ip_ptr, ip_address) }
    })
}

/// Stores the default gateway in `*ip_address`. Returns `NX_SUCCESS`, or
/// `NX_NOT_FOUND` when none is set (`*ip_address` is then 0).
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_gateway_address_get(ip_ptr: *mut NX_IP, ip_address: *mut ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `ip_address` is writable; all kept alive for the call.
        unsafe { compat::nx_ip_gateway_address_get(ip_ptr, ip_address) }
    })
}

/// Checked `nx_ip_gateway_address_get`: `NX_PTR_ERROR` for an IP not created
/// or a NULL output.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_gateway_address_get(ip_ptr: *mut NX_IP, ip_address: *mut ULONG) -> UINT {
    ffi_status!({
        check_ptr!(ip_address);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let ip_address: &mut ULONG = unsafe { &mut *ip_address };
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `ip_address` is a live output (reference above). `ip_ptr` stays raw, not
        // `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_gateway_address_get(ip_ptr, ip_address) }
    })
}

/// Removes the default gateway and its route. Returns `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_gateway_address_clear(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { compat::nx_ip_gateway_address_clear(ip_ptr) }
    })
}

/// Checked `nx_ip_gateway_address_clear`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_gateway_address_clear(ip_ptr: *mut NX_IP) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_gateway_address_clear(ip_ptr) }
    })
}

/// Stores the primary interface's address and network mask (host byte order).
/// Returns `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_address_get(ip_ptr: *mut NX_IP, ip_address: *mut ULONG, network_mask: *mut ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `ip_address` is writable, `network_mask` is writable; all kept alive for
        // the call.
        unsafe { compat::nx_ip_address_get(ip_ptr, ip_address, network_mask) }
    })
}

/// Checked `nx_ip_address_get`: `NX_PTR_ERROR` for an IP not created or a
/// NULL output.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_address_get(ip_ptr: *mut NX_IP, ip_address: *mut ULONG, network_mask: *mut ULONG) -> UINT {
    ffi_status!({
        check_ptr!(ip_address, network_mask);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let ip_address: &mut ULONG = unsafe { &mut *ip_address };
        // SAFETY: as `ip_address`: checked non-NULL, the caller's output for the call.
        let network_mask: &mut ULONG = unsafe { &mut *network_mask };
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `ip_address`, `network_mask` are live outputs (references above). `ip_ptr`
        // stays raw, not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_address_get(ip_ptr, ip_address, network_mask) }
    })
}

/// Changes the primary interface's address and network mask (0 clears the
/// address). Connections made with the old address stay as they are; the
/// gateway is kept. Returns `NX_SUCCESS`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_address_set(ip_ptr: *mut NX_IP, ip_address: ULONG, network_mask: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { compat::nx_ip_address_set(ip_ptr, ip_address, network_mask) }
    })
}

/// Checked `nx_ip_address_set`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_address_set(ip_ptr: *mut NX_IP, ip_address: ULONG, network_mask: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_address_set(ip_ptr, ip_address, network_mask) }
    })
}

/// Records an interface's offload capabilities (`NX_INTERFACE_CAPABILITY_*`,
/// in `nx_interface_capability_flag`); a driver calls it during
/// `NX_LINK_INITIALIZE`. The library computes every checksum itself whatever
/// is recorded. Returns `NX_SUCCESS` or `NX_INVALID_INTERFACE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_interface_capability_set(ip_ptr: *mut NX_IP, interface_index: UINT, capability_flag: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, kept alive for the call.
        unsafe { compat::nx_ip_interface_capability_set(ip_ptr, interface_index, capability_flag) }
    })
}

/// Checked `nx_ip_interface_capability_set`: `NX_PTR_ERROR` for an IP not created.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_interface_capability_set(ip_ptr: *mut NX_IP, interface_index: UINT, capability_flag: ULONG) -> UINT {
    ffi_status!({
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule). `ip_ptr` stays raw, not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_interface_capability_set(ip_ptr, interface_index, capability_flag) }
    })
}

/// Stores an interface's recorded capabilities in `*capability_flag`.
/// Returns `NX_SUCCESS` or `NX_INVALID_INTERFACE`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_interface_capability_get(ip_ptr: *mut NX_IP, interface_index: UINT, capability_flag: *mut ULONG) -> UINT {
    ffi_status!({
        // SAFETY: unchecked NetX call (no checks by design), so the caller guarantees: `ip_ptr` is
        // a created IP, `capability_flag` is writable; all kept alive for the call.
        unsafe { compat::nx_ip_interface_capability_get(ip_ptr, interface_index, capability_flag) }
    })
}

/// Checked `nx_ip_interface_capability_get`: `NX_PTR_ERROR` for an IP not
/// created or a NULL output.
#[no_mangle]
pub unsafe extern "C" fn _nxe_ip_interface_capability_get(ip_ptr: *mut NX_IP, interface_index: UINT, capability_flag: *mut ULONG) -> UINT {
    ffi_status!({
        check_ptr!(capability_flag);
        // SAFETY: checked non-NULL; an output the caller lends for the call and
        // no other thread touches meanwhile (NetX rule).
        let capability_flag: &mut ULONG = unsafe { &mut *capability_flag };
        // SAFETY: NULL or an NX_IP block the caller lends for the call (NetX rule for checked
        // calls); only its id words are read.
        if !unsafe { ip_ok(ip_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: `ip_ptr` checked created just above and kept alive by the caller for the call
        // (NetX rule); `capability_flag` is a live output (reference above). `ip_ptr` stays raw,
        // not `&mut`: other threads use it at the same time.
        unsafe { compat::nx_ip_interface_capability_get(ip_ptr, interface_index, capability_flag) }
    })
}

// ================================================================ driver receive paths

/// Driver receive path, immediate form (NetX drivers use it with
/// `NX_DIRECT_ISR_CALL`): `prepend_ptr` at the IPv4/IPv6 header. Queued for
/// the instance's stack like `_nx_ip_packet_deferred_receive`; never blocks.
/// The instance owns the packet afterwards.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_packet_receive(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET) {
    ffi_void!({
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if unsafe { ip_ok(ip_ptr) } {
            // SAFETY: instance checked created just above, kept alive by its
            // driver while it delivers; the packet is the driver's to hand over.
            unsafe { compat::nx_ip_packet_receive(ip_ptr, packet_ptr) }
        } else {
            // SAFETY: the driver hands over a packet it owns (or NULL).
            unsafe { release(packet_ptr) }
        }
    });
}

/// Driver receive path for RARP frames. RARP is not supported: the packet is
/// released (the library owns it once passed here, as in NetX).
#[no_mangle]
pub unsafe extern "C" fn _nx_rarp_packet_deferred_receive(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET) {
    ffi_void!({
        // SAFETY: the packet is NULL or one the driver owns and hands over
        // (driver protocol); the instance is not read.
        unsafe { compat::nx_rarp_packet_deferred_receive(ip_ptr, packet_ptr) }
    });
}

/// Registers the driver's handler for packets it passes to
/// `_nx_ip_driver_deferred_receive` (NULL removes it). Stored in the
/// instance's `nx_ip_driver_deferred_packet_handler`.
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_driver_deferred_enable(ip_ptr: *mut NX_IP, driver_deferred_packet_handler: NX_IP_DEFERRED_PACKET_HANDLER) {
    ffi_void!({
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if unsafe { ip_ok(ip_ptr) } {
            // SAFETY: checked created just above, kept alive by its driver
            // while it runs; the handler field is written volatile.
            unsafe { compat::nx_ip_driver_deferred_enable(ip_ptr, driver_deferred_packet_handler) }
        }
    });
}

/// Hands a received frame to the handler registered with
/// `_nx_ip_driver_deferred_enable`. NetX calls the handler on the IP thread;
/// on the host it is called at once on the calling thread, with no library
/// lock held, so it must not wait for the caller. Without a handler (or for an
/// IP not created) the packet is released. The library owns the packet
/// afterwards (the handler does, while it runs).
#[no_mangle]
pub unsafe extern "C" fn _nx_ip_driver_deferred_receive(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET) {
    ffi_void!({
        // SAFETY: the driver passes its own instance: NULL or an NX_IP block
        // (driver protocol); only the id words are read.
        if unsafe { ip_ok(ip_ptr) } {
            // SAFETY: instance checked created just above, kept alive by its
            // driver while it delivers; the packet is the driver's to hand over.
            unsafe { compat::nx_ip_driver_deferred_receive(ip_ptr, packet_ptr) }
        } else {
            // SAFETY: the driver hands over a packet it owns (or NULL).
            unsafe { release(packet_ptr) }
        }
    });

}
