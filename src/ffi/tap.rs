//! The TAP driver's exports: the driver entry and its two helpers. The driver
//! itself is `crate::drivers::tap`. Safety of each export: the pointer
//! arguments are as the doc comment says (NetX contract); NULL is checked.

#![allow(clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use crate::drivers::tap;
use crate::netx::types::*;

/// The Linux TAP network driver (`VOID (*)(NX_IP_DRIVER *)`, pass it to
/// `nx_ip_create`): the IP instance sends and receives Ethernet frames through
/// an existing TAP interface, chosen beforehand with
/// `nx_tap_network_driver_interface_set` (default `tap0`).
///
/// `NX_LINK_INITIALIZE` opens the interface (`/dev/net/tun`, `IFF_TAP |
/// IFF_NO_PI`; it is never created), takes its MTU from the host (1500 if
/// unknown), gives the instance a locally administered MAC `02:4E:pp:pp:nn:nn`
/// (process id, instance number; change it with
/// `nx_ip_interface_physical_address_set(ip, 0, msw, lsw, NX_TRUE)`), and
/// starts a reader thread (in a host build with the bare-metal port, `tap`
/// feature: no thread; every `NX_LINK_DEFERRED_PROCESSING` round, which the
/// driver asks for itself, reads the interface without blocking, so blocking
/// calls and `nx_ip_service` receive). If the TAP cannot be opened (missing, not a TAP,
/// busy, no permission) the status is `NX_NOT_SUCCESSFUL`, so `nx_ip_create`
/// returns `NX_NOT_SUCCESSFUL`; `nx_tap_network_driver_last_error` gives the
/// `errno` (bare-metal port: `ENOMEM` when 4 instances already have one).
/// `NX_LINK_UNINITIALIZE` (from `nx_ip_delete`) stops the thread and
/// closes the interface. Several IP instances may each have their own TAP.
///
/// Sends (`NX_LINK_PACKET_SEND`, `_BROADCAST`, `NX_LINK_ARP_SEND`,
/// `_RESPONSE_SEND`): the driver owns the packet and always releases it with
/// `nx_packet_transmit_release`; a failed write (the host side is down: `EIO`)
/// sets `NX_NOT_SUCCESSFUL` and is counted (`NX_LINK_GET_ERROR_COUNT`), and
/// the driver keeps running. Received frames are copied into the instance's
/// default pool without waiting (dropped and counted in
/// `NX_LINK_GET_ALLOC_ERRORS` when it is empty). `NX_LINK_GET_STATUS` is 1
/// when the link is enabled and the host interface is up. Unknown commands set
/// `NX_UNHANDLED_COMMAND`. Linux only.
#[no_mangle]
pub unsafe extern "C" fn _nx_tap_network_driver(driver_req_ptr: *mut NX_IP_DRIVER) {
    ffi_void!({
        if !driver_req_ptr.is_null() {
            // SAFETY: non-NULL; the IP instance's request, valid for the
            // call (driver protocol: only the library calls a driver entry).
            unsafe { tap::nx_tap_network_driver(driver_req_ptr) }
        }
    });
}

/// Chooses the TAP interface (e.g. `"tap0"`) that the TAP driver opens for
/// the next IP instance created with it: call it before `nx_ip_create`. The
/// choice stays until changed. The name is copied.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for NULL; `NX_SIZE_ERROR` for an
/// empty name or one longer than 15 bytes (`IFNAMSIZ - 1`).
#[no_mangle]
pub unsafe extern "C" fn nx_tap_network_driver_interface_set(interface_name: *mut CHAR) -> UINT {
    ffi_status!({
        check_ptr!(interface_name);
        // Bounded scan: never read past IFNAMSIZ bytes.
        let mut len = 0;
        // SAFETY: a C string (caller's contract) is readable up to its NUL;
        // the loop stops at the NUL, and never goes past IFNAMSIZ bytes.
        while len < tap::IFNAMSIZ && unsafe { *interface_name.wrapping_add(len) } != 0 {
            len += 1;
        }
        if len == tap::IFNAMSIZ {
            return NX_SIZE_ERROR;
        }
        // SAFETY: the `len` bytes before the NUL were just read one by one;
        // the caller does not change the string during the call.
        let name: &[u8] = unsafe { core::slice::from_raw_parts(interface_name as *const u8, len) };
        tap::set_interface_name(name)

    })
}

/// The `errno` of the TAP driver's last failed attempt to open an interface
/// (e.g. `ENODEV` 19: no such interface; `EPERM` 1: not allowed; `EINVAL` 22:
/// not a TAP; `EBUSY` 16: in use), or 0 if none failed. For messages after
/// `nx_ip_create` returned `NX_NOT_SUCCESSFUL`.
#[no_mangle]
pub extern "C" fn nx_tap_network_driver_last_error() -> INT {
    tap::last_error()
}
