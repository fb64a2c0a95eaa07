//! The NetX POP3 client API: `_nx_` (unchecked), `_nxe_` (checked) and the
//! exported helpers. Argument checks and pointer conversion only; the client
//! logic is in `crate::client`.
//!
//! Safety of every export: the caller passes pointers that are NULL or point
//! to objects of the declared C types (the `_nxe_` forms check NULLs and ids;
//! the `_nx_` forms trust them, as in NetX), strings NUL-terminated, buffers
//! of the sizes given that do not overlap the client, and calls on one client
//! from one thread at a time (as in NetX: the client has no lock).
//!
//! The client pointer becomes a [`Client`] handle once, here ([`created!`],
//! [`trusted!`]); below, the client is safe Rust over that `&mut` handle.
//! Outputs of the NetX services are written here, from the values the client
//! returns, through the raw pointers the program gave (which may point into
//! the client struct itself).
#![allow(non_snake_case, clippy::missing_safety_doc, clippy::too_many_arguments)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(clippy::multiple_unsafe_ops_per_block)]

use core::slice;

use crate::client::{self, Client, Settings, NX_POP3_CLIENT};
use crate::client::NX_POP3_PARAM_ERROR;
use crate::netx::types::*;
use crate::pop3;

/// The handle of the created client `$c`; returns `NX_PTR_ERROR` from the
/// export for NULL or a client not created.
macro_rules! created {
    ($c:expr) => {{
        // SAFETY: the export's contract: `$c` is NULL or NX_POP3_CLIENT memory used by no other thread during this call.
        let Some(c) = (unsafe { created_handle($c) }) else { return NX_PTR_ERROR };
        c
    }};
}

/// The handle of the created client at `c`, or `None` for NULL or a client
/// not created. Out of line: one copy of the check serves every checked
/// export (it was inlined in each: about 14 bytes of Cortex-M4 code apiece).
///
/// # Safety
/// `c` is NULL or points to `NX_POP3_CLIENT` memory that stays valid for `'a`
/// and that no other call uses meanwhile (one thread per client, as in NetX).
#[inline(never)]
unsafe fn created_handle<'a>(c: *mut NX_POP3_CLIENT) -> Option<Client<'a>> {
    let c = core::ptr::NonNull::new(c)?;
    // SAFETY: not NULL, so NX_POP3_CLIENT memory (caller); is_created reads only the id.
    if !unsafe { client::is_created(c.as_ptr()) } {
        return None;
    }
    // SAFETY: a created client (just checked), valid for 'a and used by no other call meanwhile (caller).
    Some(unsafe { Client::from_ptr(c) })
}

/// The handle of the client `$c`, which an `_nx_` form trusts to be created;
/// returns `NX_PTR_ERROR` from the export for NULL.
macro_rules! trusted {
    ($c:expr) => {{
        let Some(c) = core::ptr::NonNull::<NX_POP3_CLIENT>::new($c) else { return NX_PTR_ERROR };
        // SAFETY: the unchecked form trusts its caller (NetX's `_nx_` contract): a created client, valid for this call and used by no other thread meanwhile.
        unsafe { Client::from_ptr(c) }
    }};
}

/// Writes `value` through the output pointer `p` when it is not NULL.
///
/// # Safety
/// `p` is NULL or valid for writes of a `T` (the export's contract).
unsafe fn put<T>(p: *mut T, value: T) {
    if !p.is_null() {
        // SAFETY: not NULL, so valid for writes (caller).
        unsafe { p.write(value) };
    }
}

fn v4(address: ULONG) -> NXD_ADDRESS {
    NXD_ADDRESS { nxd_ip_version: NX_IP_VERSION_V4, nxd_ip_address: NXD_ADDRESS_UNION { v4: address } }
}

/// What every create export returns: on failure, a client that is not
/// created (an already created one is left alone) is marked so that the
/// `nx_pop3_client_delete` NetX programs call next returns `NX_SUCCESS`.
///
/// # Safety
/// `client_ptr` is NULL or points to writable `NX_POP3_CLIENT` memory that no
/// other thread uses during the call.
unsafe fn after_create(client_ptr: *mut NX_POP3_CLIENT, status: UINT) -> UINT {
    // SAFETY: not NULL (checked first), so NX_POP3_CLIENT memory (caller).
    if status != NX_SUCCESS && !client_ptr.is_null() && !unsafe { client::is_created(client_ptr) } {
        // SAFETY: as above, and not a created client.
        unsafe { client::mark_failed_create(client_ptr) };
    }
    status
}

/// The `_nxe_` checks of the create arguments but for the pointers.
///
/// # Safety
/// The pointers are not NULL and point to objects of their types.
unsafe fn check_create_args(
    client_ptr: *mut NX_POP3_CLIENT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_port: ULONG,
) -> UINT {
    // SAFETY: NX_POP3_CLIENT memory (caller).
    if unsafe { client::is_created(client_ptr) } {
        return NX_PTR_ERROR;
    }
    // SAFETY: a packet pool control block (caller).
    if unsafe { (*packet_pool_ptr).nx_packet_pool_id } != NX_PACKET_POOL_ID {
        return NX_PTR_ERROR;
    }
    // SAFETY: an IP control block (caller).
    if unsafe { (*ip_ptr).nx_ip_id } != NX_IP_ID || server_port == 0 {
        return NX_POP3_PARAM_ERROR;
    }
    NX_SUCCESS
}

/// Stores the program's compile-time POP3 settings (ticks, and the TCP receive
/// window in bytes) in `client_ptr` for the create call that follows, and
/// returns `client_ptr`. The `nx_pop3_client_create` / `nxd_pop3_client_create`
/// macros call it, so a program's `#define NX_POP3_SERVER_REPLY_TIMEOUT ...`
/// reaches the precompiled library. Not meant to be called directly. NULL in,
/// NULL out.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_settings_carry(
    client_ptr: *mut NX_POP3_CLIENT,
    packet_timeout: ULONG,
    send_wait: ULONG,
    connection_timeout: ULONG,
    disconnect_timeout: ULONG,
    reply_timeout: ULONG,
    window_size: ULONG,
) -> *mut NX_POP3_CLIENT {
    // SAFETY: not NULL (checked first), so NX_POP3_CLIENT memory (the export's contract).
    if !client_ptr.is_null() && !unsafe { client::is_created(client_ptr) } {
        let mut settings =
            Settings::new(packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout, window_size);
        // Switches set before create (nx_pop3_client_apop_fallback_set) stay.
        // SAFETY: as above.
        if let Some(earlier) = unsafe { client::carried_settings(client_ptr) } {
            settings.flags = earlier.flags;
        }
        // SAFETY: as above, writable, used by no other thread (the export's contract).
        unsafe { client::carry_settings(client_ptr, settings) };
    }
    client_ptr
}

// The carry function again, under a name holding this build's layout limits
// (generated by build.rs; nx_pop3_config.h maps the C name to it).
include!(concat!(env!("OUT_DIR"), "/nx_pop3_layout_guard.rs"));

/// Creates a POP3 client, connects to the IPv4 server and logs in
/// (`nx_pop3_client_create`, checked form).
///
/// Zeroes `*client_ptr`, copies the name and password, creates a TCP socket
/// (window `NX_POP3_CLIENT_TCP_WINDOW_SIZE`) bound to any port, connects within
/// `NX_POP3_CLIENT_CONNECTION_TIMEOUT`, reads the greeting, then logs in: with
/// `APOP_authentication` and a `<...>` timestamp in the greeting it sends
/// `APOP name digest` and falls back to USER/PASS if the server answers `-ERR`;
/// otherwise USER/PASS (and the APOP flag is cleared when there is no timestamp).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL pointer, a pool that is not
/// created, or a client already created; `NX_POP3_PARAM_ERROR` for an IP that is
/// not created, a zero address or port, a name longer than `NX_POP3_MAX_USERNAME`
/// or a password longer than `NX_POP3_MAX_PASSWORD`, or either holding CR or LF;
/// `NX_POP3_SERVER_ERROR_STATUS` when the greeting, USER or PASS is answered
/// `-ERR` or with something that is not a reply (unlike NetX, a rejected password
/// fails the create); TCP statuses as they come (`NX_NOT_CONNECTED`,
/// `NX_NO_PACKET` when a reply did not arrive within
/// `NX_POP3_SERVER_REPLY_TIMEOUT`, ...); `NX_NO_PACKET` or
/// `NX_POP3_INSUFFICIENT_PACKET_PAYLOAD` when a command packet cannot be had
/// from `packet_pool_ptr` within `NX_POP3_CLIENT_PACKET_TIMEOUT` or is too small.
///
/// On failure nothing is left behind: socket deleted, every packet back in its
/// pool, `*client_ptr` zeroed but for a private mark, so that the
/// `nx_pop3_client_delete` NetX programs call after a failed create returns
/// `NX_SUCCESS` (a client already created is left as it was). Packets: command packets come from
/// `packet_pool_ptr`; received data comes in the IP instance's default pool.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_create(
    client_ptr: *mut NX_POP3_CLIENT,
    APOP_authentication: UINT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_ip_address: ULONG,
    server_port: ULONG,
    client_name: *mut CHAR,
    client_password: *mut CHAR,
) -> UINT {
    let status = ffi_status!({
        check_ptr!(client_ptr, ip_ptr, packet_pool_ptr, client_name, client_password);
        // SAFETY: none is NULL (just checked); objects of their types (the export's contract).
        let s = unsafe { check_create_args(client_ptr, ip_ptr, packet_pool_ptr, server_port) };
        if s != NX_SUCCESS {
            return s;
        }
        if server_ip_address == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        // SAFETY: checked above: a client not created, a created IP and pool, strings (the export's contract).
        unsafe {
            client::create(
                client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &v4(server_ip_address), server_port,
                client_name, client_password, client::CONNECT_V4,
            )
        }
    });
    // SAFETY: the export's contract for `client_ptr`.
    unsafe { after_create(client_ptr, status) }
}

/// Unchecked form of `nx_pop3_client_create` (see `_nxe_pop3_client_create`).
/// Only a client already created is refused (`NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_create(
    client_ptr: *mut NX_POP3_CLIENT,
    APOP_authentication: UINT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_ip_address: ULONG,
    server_port: ULONG,
    client_name: *mut CHAR,
    client_password: *mut CHAR,
) -> UINT {
    let status = ffi_status!({
        check_ptr!(client_ptr);
        // SAFETY: not NULL (just checked): NX_POP3_CLIENT memory (the export's contract).
        if unsafe { client::is_created(client_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: a client not created (just checked); the other arguments are trusted (NetX's `_nx_` contract).
        unsafe {
            client::create(
                client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &v4(server_ip_address), server_port,
                client_name, client_password, client::CONNECT_V4,
            )
        }
    });
    // SAFETY: the export's contract for `client_ptr`.
    unsafe { after_create(client_ptr, status) }
}

/// Creates a POP3 client for an IPv4 or IPv6 server address
/// (`nxd_pop3_client_create`, checked form). Same behaviour and statuses as
/// `_nxe_pop3_client_create`; `NX_POP3_PARAM_ERROR` also for an address whose
/// version is neither 4 nor 6, an IPv4 address of zero, or an IPv6 address
/// that is unspecified or multicast.
#[no_mangle]
pub unsafe extern "C" fn _nxde_pop3_client_create(
    client_ptr: *mut NX_POP3_CLIENT,
    APOP_authentication: UINT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_ip_address: *mut NXD_ADDRESS,
    server_port: ULONG,
    client_name: *mut CHAR,
    client_password: *mut CHAR,
) -> UINT {
    let status = ffi_status!({
        check_ptr!(client_ptr, ip_ptr, packet_pool_ptr, server_ip_address, client_name, client_password);
        // SAFETY: none is NULL (just checked); objects of their types (the export's contract).
        let s = unsafe { check_create_args(client_ptr, ip_ptr, packet_pool_ptr, server_port) };
        if s != NX_SUCCESS {
            return s;
        }
        // SAFETY: not NULL (checked above): an NXD_ADDRESS (the export's contract).
        let a = unsafe { *server_ip_address };
        match a.nxd_ip_version {
            // SAFETY: every field of the address union is a plain integer array: any bits are valid.
            NX_IP_VERSION_V4 if unsafe { a.nxd_ip_address.v4 } != 0 => {}
            NX_IP_VERSION_V6 if crate::netx::ipv6::v6_of(&a).is_some_and(crate::netx::ipv6::v6_usable) => {}
            _ => return NX_POP3_PARAM_ERROR,
        }
        // SAFETY: checked above: a client not created, a created IP and pool, strings (the export's contract).
        unsafe {
            client::create(
                client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &a, server_port, client_name, client_password,
                client::CONNECT_ANY,
            )
        }
    });
    // SAFETY: the export's contract for `client_ptr`.
    unsafe { after_create(client_ptr, status) }
}

/// Unchecked form of `nxd_pop3_client_create` (see `_nxde_pop3_client_create`).
#[no_mangle]
pub unsafe extern "C" fn _nxd_pop3_client_create(
    client_ptr: *mut NX_POP3_CLIENT,
    APOP_authentication: UINT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_ip_address: *mut NXD_ADDRESS,
    server_port: ULONG,
    client_name: *mut CHAR,
    client_password: *mut CHAR,
) -> UINT {
    let status = ffi_status!({
        check_ptr!(client_ptr, server_ip_address);
        // SAFETY: not NULL (just checked): NX_POP3_CLIENT memory (the export's contract).
        if unsafe { client::is_created(client_ptr) } {
            return NX_PTR_ERROR;
        }
        // SAFETY: not NULL (checked above): an NXD_ADDRESS (the export's contract).
        let a = unsafe { *server_ip_address };
        // SAFETY: a client not created (just checked); the other arguments are trusted (NetX's `_nx_` contract).
        unsafe {
            client::create(
                client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &a, server_port, client_name, client_password,
                client::CONNECT_ANY,
            )
        }
    });
    // SAFETY: the export's contract for `client_ptr`.
    unsafe { after_create(client_ptr, status) }
}

/// Sends `STAT` (`nx_pop3_client_mail_items_get`, checked form). On `+OK n size`
/// stores n in `nx_pop3_client_maildrop_items` and size in
/// `nx_pop3_client_total_message_size` and in the outputs.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL pointer or a client not
/// created; `NX_POP3_SERVER_ERROR_STATUS` for `-ERR`, a malformed reply or a
/// number beyond 32 bits (the outputs are then 0); TCP and packet statuses as
/// they come (`NX_NO_PACKET` when no reply came within the reply timeout,
/// `NX_NOT_CONNECTED` when the server closed). No packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_items_get(
    client_ptr: *mut NX_POP3_CLIENT,
    number_mail_items: *mut UINT,
    maildrop_total_size: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(number_mail_items, maildrop_total_size);
        let mut c = created!(client_ptr);
        mail_items_get(&mut c, number_mail_items, maildrop_total_size)
    })
}

/// Unchecked form of `nx_pop3_client_mail_items_get`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_items_get(
    client_ptr: *mut NX_POP3_CLIENT,
    number_mail_items: *mut UINT,
    maildrop_total_size: *mut ULONG,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        mail_items_get(&mut c, number_mail_items, maildrop_total_size)
    })
}

/// `client::mail_items_get`, its outputs written (0 on failure).
fn mail_items_get(c: &mut Client<'_>, items: *mut UINT, size: *mut ULONG) -> UINT {
    let (status, (n, s)) = match client::mail_items_get(c) {
        Ok(v) => (NX_SUCCESS, v),
        Err(e) => (e, (0, 0)),
    };
    // SAFETY: NULL or writable (the export's contract).
    unsafe { put(items, n) };
    // SAFETY: as above.
    unsafe { put(size, s) };
    status
}

/// Sends `LIST mail_item` (`nx_pop3_client_mail_item_size_get`, checked form)
/// and stores the message's size in `*size` (0 on any failure).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_CLIENT_INVALID_INDEX` for index
/// 0; `NX_POP3_INVALID_MAIL_ITEM` for an index above the count of the last STAT
/// or a reply naming another message; `NX_POP3_SERVER_ERROR_STATUS` for `-ERR`
/// or a malformed reply; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_size_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_item: UINT,
    size: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(size);
        let mut c = created!(client_ptr);
        with_ulong(client::mail_item_size_get(&mut c, mail_item), size)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_size_get`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_size_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_item: UINT,
    size: *mut ULONG,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        with_ulong(client::mail_item_size_get(&mut c, mail_item), size)
    })
}

/// The status of `result`; its value (0 on failure) written to `out`.
fn with_ulong(result: Result<ULONG, UINT>, out: *mut ULONG) -> UINT {
    let (status, v) = match result {
        Ok(v) => (NX_SUCCESS, v),
        Err(e) => (e, 0),
    };
    // SAFETY: NULL or writable (the export's contract).
    unsafe { put(out, v) };
    status
}

/// Sends `RETR mail_item` (`nx_pop3_client_mail_item_get`, checked form). On
/// `+OK` the client is ready to download the message with
/// `nx_pop3_client_mail_item_message_get`, and `*item_size` is the octet count
/// of the reply (0 if the reply has none).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_CLIENT_INVALID_INDEX` for index
/// 0; `NX_POP3_INVALID_MAIL_ITEM` for an index above the count of the last STAT;
/// `NX_POP3_SERVER_ERROR_STATUS` for `-ERR`, a malformed reply, or an octet count
/// beyond 32 bits; TCP and packet statuses as they come. If a previous message
/// was not read to its end, its rest is read and dropped first.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_item: UINT,
    item_size: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(item_size);
        let mut c = created!(client_ptr);
        with_ulong(client::mail_item_get(&mut c, mail_item), item_size)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_get`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_item: UINT,
    item_size: *mut ULONG,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        with_ulong(client::mail_item_get(&mut c, mail_item), item_size)
    })
}

/// Hands out the next packet of the message being downloaded
/// (`nx_pop3_client_mail_item_message_get`, checked form). The outputs are
/// cleared first.
///
/// The packet holds message bytes exactly as the server stores them:
/// dot-stuffing undone, the terminating `.` line never included (the message's
/// own last CRLF is). `*bytes_retrieved` equals the packet's `nx_packet_length`.
/// `*final_packet` is `NX_TRUE` on the packet that ends the message (it may hold
/// 0 bytes); the client is then no longer ready to download.
///
/// Ownership: on `NX_SUCCESS` the caller owns `*recv_packet_ptr` (a packet of
/// the client IP instance's default pool) and releases it with
/// `nx_packet_release`; on failure `*recv_packet_ptr` is NULL.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_CLIENT_INVALID_STATE` when no
/// message is being downloaded; `NX_NO_PACKET` when no data came within the
/// reply timeout; `NX_NOT_CONNECTED` when the server closed before the end.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_message_get(
    client_ptr: *mut NX_POP3_CLIENT,
    recv_packet_ptr: *mut *mut NX_PACKET,
    bytes_retrieved: *mut ULONG,
    final_packet: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(recv_packet_ptr, bytes_retrieved, final_packet);
        let mut c = created!(client_ptr);
        message_get(&mut c, recv_packet_ptr, bytes_retrieved, final_packet)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_message_get` (the outputs must
/// still be valid pointers: `NX_PTR_ERROR` otherwise).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_message_get(
    client_ptr: *mut NX_POP3_CLIENT,
    recv_packet_ptr: *mut *mut NX_PACKET,
    bytes_retrieved: *mut ULONG,
    final_packet: *mut UINT,
) -> UINT {
    // The same checks as the checked form: they cost nothing next to a
    // network round trip, and one copy of the code is smaller.
    // SAFETY: the checked form takes what this form's caller guarantees.
    unsafe { _nxe_pop3_client_mail_item_message_get(client_ptr, recv_packet_ptr, bytes_retrieved, final_packet) }
}

/// `client::message_get`, its outputs written (cleared on failure).
fn message_get(c: &mut Client<'_>, packet: *mut *mut NX_PACKET, bytes: *mut ULONG, last: *mut UINT) -> UINT {
    let (status, (p, n, f)) = match client::message_get(c) {
        Ok(v) => (NX_SUCCESS, v),
        Err(e) => (e, (core::ptr::null_mut(), 0, NX_FALSE)),
    };
    // SAFETY: checked not NULL by the exports; writable (their contract).
    unsafe { put(packet, p) };
    // SAFETY: as above.
    unsafe { put(bytes, n) };
    // SAFETY: as above.
    unsafe { put(last, f) };
    status
}

/// Sends `DELE mail_index` (`nx_pop3_client_mail_item_delete`, checked form).
///
/// Returns `NX_SUCCESS` on `+OK`; `NX_PTR_ERROR`; `NX_POP3_CLIENT_INVALID_INDEX`
/// for index 0; `NX_POP3_SERVER_ERROR_STATUS` for `-ERR` or a malformed reply;
/// TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_delete(client_ptr: *mut NX_POP3_CLIENT, mail_index: UINT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::mail_item_delete(&mut c, mail_index)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_delete(client_ptr: *mut NX_POP3_CLIENT, mail_index: UINT) -> UINT {
    // The same checks as the checked form: they cost nothing next to a
    // network round trip, and one copy of the code is smaller.
    // SAFETY: the checked form takes what this form's caller guarantees.
    unsafe { _nxe_pop3_client_mail_item_delete(client_ptr, mail_index) }
}

/// Sends `QUIT` (`nx_pop3_client_quit`, checked form). Does not disconnect:
/// `nx_pop3_client_delete` does.
///
/// Returns `NX_SUCCESS` on `+OK`; `NX_PTR_ERROR`; `NX_POP3_SERVER_ERROR_STATUS`
/// for `-ERR` or a malformed reply; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_quit(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::quit(&mut c)
    })
}

/// Unchecked form of `nx_pop3_client_quit`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_quit(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    // The same checks as the checked form: they cost nothing next to a
    // network round trip, and one copy of the code is smaller.
    // SAFETY: the checked form takes what this form's caller guarantees.
    unsafe { _nxe_pop3_client_quit(client_ptr) }
}

/// Deletes the client (`nx_pop3_client_delete`, checked form): releases every
/// packet it holds, disconnects within `NX_POP3_CLIENT_DISCONNECT_TIMEOUT`
/// (aborting the connection if the server does not close), unbinds and deletes
/// the socket and zeroes `*client_ptr`. The packet pool is the application's to
/// delete.
///
/// Returns `NX_SUCCESS`, also for the first delete after a failed
/// `nx_pop3_client_create` (as NetX; the failed create already released
/// everything, this call only clears the struct); `NX_PTR_ERROR` for NULL, a
/// client never created, or a further delete.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_delete(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr);
        // SAFETY: not NULL (just checked): NX_POP3_CLIENT memory (the export's contract).
        if unsafe { client::is_failed_create(client_ptr) } {
            // The failed create released everything: only the struct is
            // zeroed, so that a further delete gives NX_PTR_ERROR (as NetX).
            // SAFETY: marked by a failed create (just checked): no socket in it, and no other thread uses it (the export's contract).
            unsafe { client::zero(client_ptr) };
            return NX_SUCCESS;
        }
        let mut c = created!(client_ptr);
        client::close(&mut c);
        // SAFETY: the handle `c` is not used again and close deleted the socket: nothing else uses the memory (the export's contract).
        unsafe { client::zero(client_ptr) };
        NX_SUCCESS
    })
}

/// Unchecked form of `nx_pop3_client_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_delete(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    // The same checks as the checked form: they cost nothing next to a
    // network round trip, and one copy of the code is smaller.
    // SAFETY: the checked form takes what this form's caller guarantees.
    unsafe { _nxe_pop3_client_delete(client_ptr) }
}

/// Extension (not in NetX): changes a created client's timeouts at run time,
/// in ticks: the command packet allocation wait, the TCP send wait, the
/// connection timeout (used by `_nxd_pop3_client_connect`), the disconnect
/// timeout and the server reply timeout (each wait for a reply or for message
/// data). The defaults are the compile-time settings of `nxd_pop3_client.h`.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a client not created;
/// `NX_POP3_PARAM_ERROR` for a zero reply or connection timeout (it would make
/// every call fail at once).
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_timeouts_set(
    client_ptr: *mut NX_POP3_CLIENT,
    packet_timeout: ULONG,
    send_wait: ULONG,
    connection_timeout: ULONG,
    disconnect_timeout: ULONG,
    reply_timeout: ULONG,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        if reply_timeout == 0 || connection_timeout == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        client::timeouts_set(
            &mut c,
            [packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout],
        )
    })
}

/// Unchecked form of `nx_pop3_client_timeouts_set`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_timeouts_set(
    client_ptr: *mut NX_POP3_CLIENT,
    packet_timeout: ULONG,
    send_wait: ULONG,
    connection_timeout: ULONG,
    disconnect_timeout: ULONG,
    reply_timeout: ULONG,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::timeouts_set(
            &mut c,
            [packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout],
        )
    })
}

// ---------------------------------------------------------------- extensions (issue 8)

/// Extension (not in NetX): copies the server's last status line (`+OK ...`
/// or `-ERR ...`, the greeting included, CR LF removed) to `buffer`,
/// NUL-terminated: at most `buffer_size - 1` bytes, and at most
/// `NX_POP3_CLIENT_LAST_REPLY_SIZE` (127; the rest of a longer line is not
/// kept). `*reply_length` (if not NULL) gets the bytes copied; 0 and an empty
/// string when no reply was received (for example a connection that failed).
///
/// The line is kept in the client struct and stays readable after a failed
/// `nx_pop3_client_create` (until the struct is deleted or created again;
/// `nx_pop3_client_delete` zeroes it), so a program can report why the
/// server refused:
/// `login refused by the server: -ERR [AUTH] Authentication failed.` The
/// bytes are the server's: print them with care (any byte but LF, a NUL
/// too in a malformed line).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL `client_ptr` or `buffer`;
/// `NX_POP3_PARAM_ERROR` for a `buffer_size` of 0. No packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_last_reply_get(
    client_ptr: *mut NX_POP3_CLIENT,
    buffer: *mut CHAR,
    buffer_size: UINT,
    reply_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, buffer);
        if buffer_size == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        // SAFETY: pointers checked not NULL, valid as the export's contract says.
        unsafe { last_reply_get(client_ptr, buffer, buffer_size, reply_length) }
    })
}

/// Unchecked form of `nx_pop3_client_last_reply_get` (NULL pointers and a
/// zero size are still refused: `NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_last_reply_get(
    client_ptr: *mut NX_POP3_CLIENT,
    buffer: *mut CHAR,
    buffer_size: UINT,
    reply_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, buffer);
        if buffer_size == 0 {
            return NX_PTR_ERROR;
        }
        // SAFETY: pointers checked not NULL, valid as the export's contract says.
        unsafe { last_reply_get(client_ptr, buffer, buffer_size, reply_length) }
    })
}

/// # Safety
/// `client_ptr` points to NX_POP3_CLIENT memory no other thread writes
/// meanwhile; `buffer` to `size` writable bytes outside it; `length` is NULL
/// or writable.
unsafe fn last_reply_get(client_ptr: *mut NX_POP3_CLIENT, buffer: *mut CHAR, size: UINT, length: *mut UINT) -> UINT {
    // SAFETY: `size` writable bytes outside the client (caller).
    let out = unsafe { slice::from_raw_parts_mut(buffer as *mut u8, size as usize) };
    // SAFETY: the caller's contract for `client_ptr`.
    let n = unsafe { client::last_reply_get(client_ptr, out) };
    // SAFETY: NULL or writable (caller).
    unsafe { put(length, n as UINT) };
    NX_SUCCESS
}

/// Extension (not in NetX): with `allow_fallback` `NX_FALSE`, a login asked
/// for with APOP never falls back to USER/PASS (which sends the password in
/// clear): create fails with `NX_POP3_SERVER_ERROR_STATUS` when the server
/// answers APOP with `-ERR`, and with `NX_POP3_APOP_FAILED_MD5_DIGEST` when
/// its greeting has no `<...>` timestamp (it offers no APOP). `NX_TRUE`
/// restores NetX's behaviour, the default.
///
/// Call it before `nx_pop3_client_create` (it applies to the next create of
/// this struct; a struct is zeroed by a failed create and by delete, so set
/// it again before creating again) or on a created client (it applies to its
/// next `_nxd_pop3_client_connect`).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for NULL; `NX_POP3_PARAM_ERROR` for a
/// value other than `NX_TRUE` or `NX_FALSE`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_apop_fallback_set(client_ptr: *mut NX_POP3_CLIENT, allow_fallback: UINT) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr);
        if allow_fallback != NX_TRUE && allow_fallback != NX_FALSE {
            return NX_POP3_PARAM_ERROR;
        }
        // SAFETY: not NULL (checked above): NX_POP3_CLIENT memory used by no other thread (the export's contract).
        unsafe { client::apop_fallback_set(client_ptr, allow_fallback == NX_TRUE) };
        NX_SUCCESS
    })
}

/// Unchecked form of `nx_pop3_client_apop_fallback_set` (any non-zero value
/// allows the fallback).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_apop_fallback_set(client_ptr: *mut NX_POP3_CLIENT, allow_fallback: UINT) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr);
        // SAFETY: not NULL (just checked): NX_POP3_CLIENT memory used by no other thread (the export's contract).
        unsafe { client::apop_fallback_set(client_ptr, allow_fallback != 0) };
        NX_SUCCESS
    })
}

// ---------------------------------------------------------------- extensions (issue 12)

/// Extension (not in NetX): sends `CAPA` (RFC 2449) and reports what the
/// server announced: `*capabilities` gets the `NX_POP3_CAPA_*` flags, the
/// `NX_POP3_SASL_*` mechanisms, the `LOGIN-DELAY` seconds, the `EXPIRE`
/// policy and the per-user bits. When `lines` is not NULL it gets the raw
/// capability lines (dot-stuffing removed), each followed by LF, then a NUL,
/// as many whole lines as fit in `lines_size` bytes; `*lines_length` (if not
/// NULL) is the length of all lines: at least `lines_size` when some did not
/// fit. The capabilities are remembered: `PIPELINING` enables
/// `nx_pop3_client_mail_items_request`'s commands sent ahead.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL `client_ptr` or
/// `capabilities`, or a client not created; `NX_POP3_SERVER_ERROR_STATUS`
/// when the server answers `-ERR` (it has no CAPA: `*capabilities` is all
/// clear) or a line is malformed (the capabilities of the good lines are
/// reported, the rest of the reply is skipped: the session goes on);
/// `NX_NOT_CONNECTED`, `NX_NO_PACKET` (no reply within the reply timeout)
/// and the statuses of sending as for the NetX services. Packets: the
/// command packet comes from the client's pool; no packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_capabilities_get(
    client_ptr: *mut NX_POP3_CLIENT,
    capabilities: *mut client::NX_POP3_CAPABILITIES,
    lines: *mut CHAR,
    lines_size: UINT,
    lines_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(capabilities);
        let mut c = created!(client_ptr);
        // SAFETY: `capabilities` checked not NULL; the others NULL or valid (the export's contract).
        unsafe { capabilities_get(&mut c, capabilities, lines, lines_size, lines_length) }
    })
}

/// Unchecked form of `nx_pop3_client_capabilities_get`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_capabilities_get(
    client_ptr: *mut NX_POP3_CLIENT,
    capabilities: *mut client::NX_POP3_CAPABILITIES,
    lines: *mut CHAR,
    lines_size: UINT,
    lines_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(capabilities);
        let mut c = trusted!(client_ptr);
        // SAFETY: `capabilities` checked not NULL; the others NULL or valid (the export's contract).
        unsafe { capabilities_get(&mut c, capabilities, lines, lines_size, lines_length) }
    })
}

/// # Safety
/// `caps` is writable; `lines` is NULL or `lines_size` writable bytes;
/// `lines_length` is NULL or writable; none overlaps the client or another.
unsafe fn capabilities_get(
    c: &mut Client<'_>,
    caps: *mut client::NX_POP3_CAPABILITIES,
    lines: *mut CHAR,
    lines_size: UINT,
    lines_length: *mut UINT,
) -> UINT {
    let out: &mut [u8] = if lines.is_null() {
        &mut []
    } else {
        // SAFETY: `lines_size` writable bytes, overlapping nothing else here (caller).
        unsafe { slice::from_raw_parts_mut(lines as *mut u8, lines_size as usize) }
    };
    let mut need = 0usize;
    // SAFETY: writable, overlapping nothing else here (caller).
    let status = client::capabilities_get(c, unsafe { &mut *caps }, out, &mut need);
    // SAFETY: NULL or writable (caller).
    unsafe { put(lines_length, need.min(UINT::MAX as usize) as UINT) };
    status
}

/// Extension (not in NetX): sends `NOOP`. Returns `NX_SUCCESS` on `+OK`;
/// `NX_POP3_SERVER_ERROR_STATUS` on `-ERR` or a reply that is not POP3;
/// `NX_PTR_ERROR` for NULL or a client not created; the TCP statuses as for
/// the NetX services. No packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_noop(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::noop(&mut c)
    })
}

/// Unchecked form of `nx_pop3_client_noop`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_noop(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::noop(&mut c)
    })
}

/// Extension (not in NetX): sends `RSET` (the messages marked deleted in
/// this session are unmarked). Statuses as for `nx_pop3_client_noop`.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_rset(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::rset(&mut c)
    })
}

/// Unchecked form of `nx_pop3_client_rset`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_rset(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::rset(&mut c)
    })
}

/// Extension (not in NetX): sends `UIDL mail_index` and copies the message's
/// unique-id (1 to `NX_POP3_MAX_UID` printable bytes, RFC 1939) to
/// `uid_buffer`, NUL-terminated; `*uid_length` (if not NULL) gets its length.
/// A buffer of `NX_POP3_MAX_UID + 1` bytes always suffices.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL `client_ptr` or
/// `uid_buffer`, or a client not created; `NX_POP3_PARAM_ERROR` for a
/// `buffer_size` of 0; `NX_POP3_CLIENT_INVALID_INDEX` for index 0;
/// `NX_POP3_INVALID_MAIL_ITEM` for an index above the last STAT's count or a
/// reply naming another message; `NX_SIZE_ERROR` when the unique-id does not
/// fit (never truncated); `NX_POP3_SERVER_ERROR_STATUS` on `-ERR` or a reply
/// that is not `+OK n unique-id` with a valid unique-id; the TCP statuses as
/// for the NetX services. On failure `uid_buffer` holds an empty string. No
/// packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_uidl_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: UINT,
    uid_buffer: *mut CHAR,
    buffer_size: UINT,
    uid_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(uid_buffer);
        let mut c = created!(client_ptr);
        if buffer_size == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        // SAFETY: `uid_buffer` checked not NULL; the pointers valid as the export's contract says.
        unsafe { uidl_get(&mut c, mail_index, uid_buffer, buffer_size, uid_length) }
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_uidl_get` (NULL pointers and
/// a zero size are still refused: `NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_uidl_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: UINT,
    uid_buffer: *mut CHAR,
    buffer_size: UINT,
    uid_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, uid_buffer);
        if buffer_size == 0 {
            return NX_PTR_ERROR;
        }
        let mut c = trusted!(client_ptr);
        // SAFETY: `uid_buffer` checked not NULL; the pointers valid as the export's contract says.
        unsafe { uidl_get(&mut c, mail_index, uid_buffer, buffer_size, uid_length) }
    })
}

/// # Safety
/// `buffer` points to `size` writable bytes outside the client; `length` is
/// NULL or writable.
unsafe fn uidl_get(c: &mut Client<'_>, item: UINT, buffer: *mut CHAR, size: UINT, length: *mut UINT) -> UINT {
    // SAFETY: `size` writable bytes outside the client (caller).
    let out = unsafe { slice::from_raw_parts_mut(buffer as *mut u8, size as usize) };
    let mut n = 0usize;
    let status = client::uidl_get(c, item, out, &mut n);
    // SAFETY: NULL or writable (caller).
    unsafe { put(length, n as UINT) };
    status
}

/// Extension (not in NetX): sends `TOP mail_index body_lines` (RFC 1939): the
/// message's headers and its first `body_lines` body lines are then handed
/// out by `nx_pop3_client_mail_item_message_get`, exactly as after
/// `nx_pop3_client_mail_item_get` (dot-stuffing removed, one packet per call,
/// the application releases each packet).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for NULL or a client not created;
/// `NX_POP3_CLIENT_INVALID_INDEX` for index 0; `NX_POP3_INVALID_MAIL_ITEM`
/// above the last STAT's count; `NX_POP3_SERVER_ERROR_STATUS` on `-ERR`; the
/// TCP statuses as for the NetX services.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_top_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: UINT,
    body_lines: UINT,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::top_get(&mut c, mail_index, body_lines)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_top_get`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_top_get(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: UINT,
    body_lines: UINT,
) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::top_get(&mut c, mail_index, body_lines)
    })
}

/// Extension (not in NetX): the response code (RFC 2449 section 8, RFC 3206)
/// of the server's last status line, the one `nx_pop3_client_last_reply_get`
/// copies: `NX_POP3_RESP_CODE_NONE`, `_IN_USE` (the maildrop is locked: try
/// later), `_LOGIN_DELAY`, `_SYS_TEMP` (try later), `_SYS_PERM`, `_SYS`,
/// `_AUTH` (wrong credentials) or `_OTHER`. Readable after a failed create, as
/// the line is.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL pointer. No packet changes
/// owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_last_reply_code_get(client_ptr: *mut NX_POP3_CLIENT, code: *mut UINT) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, code);
        // SAFETY: not NULL (just checked): NX_POP3_CLIENT memory no other thread writes meanwhile (the export's contract).
        let value = unsafe { client::last_reply_code(client_ptr) };
        // SAFETY: not NULL (checked above), writable (the export's contract).
        unsafe { put(code, value) };
        NX_SUCCESS
    })
}

/// Unchecked form of `nx_pop3_client_last_reply_code_get` (NULL pointers are
/// still refused).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_last_reply_code_get(client_ptr: *mut NX_POP3_CLIENT, code: *mut UINT) -> UINT {
    // The same checks as the checked form: they cost nothing next to a
    // network round trip, and one copy of the code is smaller.
    // SAFETY: the checked form takes what this form's caller guarantees.
    unsafe { _nxe_pop3_client_last_reply_code_get(client_ptr, code) }
}

/// Extension (not in NetX): sends `LIST` (no argument) and reads its status
/// line; the scan listing is then handed out one entry per call by
/// `nx_pop3_client_list_next`, straight from the received packets (no
/// buffer, no limit on the number of messages). Any other command first
/// reads and drops the rest of the listing.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for NULL or a client not created;
/// `NX_POP3_SERVER_ERROR_STATUS` on `-ERR`; the TCP statuses as for the NetX
/// services.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_list_start(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::walk_start(&mut c, false)
    })
}

/// Unchecked form of `nx_pop3_client_list_start`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_list_start(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::walk_start(&mut c, false)
    })
}

/// Extension (not in NetX): the next entry of the listing
/// `nx_pop3_client_list_start` began: `*mail_index` and `*size` (octets).
///
/// Returns `NX_SUCCESS`; `NX_NO_MORE_ENTRIES` at the end of the listing (the
/// walk is over); `NX_PTR_ERROR` for NULL or a client not created;
/// `NX_POP3_CLIENT_INVALID_STATE` when no LIST walk is going on;
/// `NX_POP3_SERVER_ERROR_STATUS` for a malformed, too long or out-of-order
/// line (the rest of the listing is skipped: the next call returns
/// `NX_NO_MORE_ENTRIES` when its end has arrived, and any command may
/// follow); `NX_NOT_CONNECTED` when the connection closed before the end;
/// `NX_NO_PACKET` when nothing arrived within the reply timeout. The outputs
/// are 0 unless `NX_SUCCESS`. No packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_list_next(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: *mut UINT,
    size: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(mail_index, size);
        let mut c = created!(client_ptr);
        // SAFETY: checked not NULL; writable (the export's contract).
        unsafe { list_next(&mut c, mail_index, size) }
    })
}

/// Unchecked form of `nx_pop3_client_list_next`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_list_next(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: *mut UINT,
    size: *mut ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(mail_index, size);
        let mut c = trusted!(client_ptr);
        // SAFETY: checked not NULL; writable (the export's contract).
        unsafe { list_next(&mut c, mail_index, size) }
    })
}

/// # Safety
/// `mail_index` and `size` are NULL or writable.
unsafe fn list_next(c: &mut Client<'_>, mail_index: *mut UINT, size: *mut ULONG) -> UINT {
    let (mut n, mut octets, mut len) = (0, 0, 0usize);
    let status = client::walk_next(c, false, &mut n, &mut octets, &mut [], &mut len);
    // SAFETY: NULL or writable (caller).
    unsafe { put(mail_index, n) };
    // SAFETY: as above.
    unsafe { put(size, octets) };
    status
}

/// Extension (not in NetX): sends `UIDL` (no argument) and reads its status
/// line; the unique-id listing is then handed out one entry per call by
/// `nx_pop3_client_uidl_next`. As `nx_pop3_client_list_start` otherwise.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_uidl_start(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::walk_start(&mut c, true)
    })
}

/// Unchecked form of `nx_pop3_client_uidl_start`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_uidl_start(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::walk_start(&mut c, true)
    })
}

/// Extension (not in NetX): the next entry of the listing
/// `nx_pop3_client_uidl_start` began: `*mail_index`, and the unique-id in
/// `uid_buffer`, NUL-terminated, `*uid_length` (if not NULL) bytes. A buffer
/// of `NX_POP3_MAX_UID + 1` bytes always suffices.
///
/// Returns as `nx_pop3_client_list_next`; also `NX_POP3_PARAM_ERROR` for a
/// `buffer_size` of 0, `NX_SIZE_ERROR` for a unique-id longer than the
/// buffer (never truncated; the rest of the listing is skipped), and
/// `NX_POP3_SERVER_ERROR_STATUS` for a unique-id that is not 1 to 70 bytes
/// 0x21 to 0x7E. On failure `uid_buffer` holds an empty string.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_uidl_next(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: *mut UINT,
    uid_buffer: *mut CHAR,
    buffer_size: UINT,
    uid_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(mail_index, uid_buffer);
        let mut c = created!(client_ptr);
        if buffer_size == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        // SAFETY: checked not NULL; the pointers valid as the export's contract says.
        unsafe { uidl_next(&mut c, mail_index, uid_buffer, buffer_size, uid_length) }
    })
}

/// Unchecked form of `nx_pop3_client_uidl_next` (NULL pointers and a zero
/// size are still refused: `NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_uidl_next(
    client_ptr: *mut NX_POP3_CLIENT,
    mail_index: *mut UINT,
    uid_buffer: *mut CHAR,
    buffer_size: UINT,
    uid_length: *mut UINT,
) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, mail_index, uid_buffer);
        if buffer_size == 0 {
            return NX_PTR_ERROR;
        }
        let mut c = trusted!(client_ptr);
        // SAFETY: checked not NULL; the pointers valid as the export's contract says.
        unsafe { uidl_next(&mut c, mail_index, uid_buffer, buffer_size, uid_length) }
    })
}

/// # Safety
/// `buffer` points to `size` writable bytes outside the client; `mail_index`
/// and `length` are NULL or writable.
unsafe fn uidl_next(c: &mut Client<'_>, mail_index: *mut UINT, buffer: *mut CHAR, size: UINT, length: *mut UINT) -> UINT {
    // SAFETY: `size` writable bytes outside the client (caller).
    let out = unsafe { slice::from_raw_parts_mut(buffer as *mut u8, size as usize) };
    let (mut index, mut octets, mut n) = (0, 0, 0usize);
    let status = client::walk_next(c, true, &mut index, &mut octets, out, &mut n);
    // SAFETY: NULL or writable (caller).
    unsafe { put(mail_index, index) };
    // SAFETY: as above.
    unsafe { put(length, n as UINT) };
    status
}

/// Extension (not in NetX): asks for messages `first_index` to
/// `first_index + count - 1`, which the program then fetches in that order
/// with `nx_pop3_client_mail_item_get` and
/// `nx_pop3_client_mail_item_message_get`, one message at a time as usual.
/// When the server announced `PIPELINING` in the last
/// `nx_pop3_client_capabilities_get`, the client sends the `RETR` commands
/// ahead (from the first `mail_item_get` on; at most 256 replies expected and
/// 4096 bytes of commands in flight, so a send never waits for the server)
/// while the program reads the earlier messages; otherwise nothing changes:
/// one command at a time. Asking for another message, or any other command,
/// first reads and drops the replies still expected and ends the request.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for NULL or a client not created;
/// `NX_POP3_PARAM_ERROR` for a `count` of 0; `NX_POP3_CLIENT_INVALID_INDEX`
/// for index 0; `NX_POP3_INVALID_MAIL_ITEM` when the range goes past the last
/// STAT's count; the statuses of reading the replies of an earlier request.
/// No command is sent by this call itself (but for an earlier request's
/// replies). No packet changes owner.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_items_request(
    client_ptr: *mut NX_POP3_CLIENT,
    first_index: UINT,
    count: UINT,
) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::mail_items_request(&mut c, first_index, count)
    })
}

/// Unchecked form of `nx_pop3_client_mail_items_request`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_items_request(
    client_ptr: *mut NX_POP3_CLIENT,
    first_index: UINT,
    count: UINT,
) -> UINT {
    ffi_status!({
        let mut c = trusted!(client_ptr);
        client::mail_items_request(&mut c, first_index, count)
    })
}

// ---------------------------------------------------------------- exported helpers

/// Binds the created client's socket, connects to the server within the
/// connection timeout, reads the greeting and logs in (APOP or USER/PASS, as
/// in create). Called by create; exported as NetX does.
///
/// Returns the statuses of `_nxe_pop3_client_create` (`NX_PTR_ERROR` for NULL or
/// a client not created).
#[no_mangle]
pub unsafe extern "C" fn _nxd_pop3_client_connect(
    client_ptr: *mut NX_POP3_CLIENT,
    server_ip_address: *mut NXD_ADDRESS,
    server_port: ULONG,
) -> UINT {
    ffi_status!({
        check_ptr!(server_ip_address);
        let mut c = created!(client_ptr);
        // SAFETY: not NULL (checked above): an NXD_ADDRESS (the export's contract).
        let server = unsafe { *server_ip_address };
        client::connect(&mut c, client::CONNECT_ANY, &server, server_port)
    })
}

/// Logs in with `USER` then `PASS` on a connected client.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_SERVER_ERROR_STATUS` when
/// either is refused; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_user_pass(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::user_pass(&mut c)
    })
}

/// Logs in with `APOP name digest` on a connected client, the digest made from
/// `nx_pop3_server_process_id` and the password.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_SERVER_ERROR_STATUS` when
/// refused; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_apop(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        let mut c = created!(client_ptr);
        client::apop(&mut c)
    })
}

/// Writes to `result` (33 bytes) the lowercase hex MD5 of the
/// `process_ID_length` bytes at `process_ID_ptr` followed by the client's
/// password, NUL-terminated, as NetX does (with an empty password: the MD5 of
/// the given bytes alone).
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR` for a NULL pointer.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_digest_authenticate(
    client_ptr: *mut NX_POP3_CLIENT,
    process_ID_ptr: *mut CHAR,
    process_ID_length: UINT,
    result: *mut CHAR,
) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr, process_ID_ptr, result);
        // SAFETY: not NULL (just checked): `process_ID_length` readable bytes (the export's contract).
        let id = unsafe { slice::from_raw_parts(process_ID_ptr as *const u8, process_ID_length as usize) };
        // SAFETY: not NULL (checked above): 33 writable bytes, overlapping neither `id` nor the client (the export's contract).
        let result = unsafe { &mut *(result as *mut [u8; 33]) };
        // SAFETY: not NULL (checked above): a client whose password no other thread writes meanwhile (the export's contract).
        unsafe { client::digest_authenticate(client_ptr, id, result) };
        NX_SUCCESS
    })
}

/// Copies the first `<...>` of the `buffer_length` bytes at `buffer` (brackets
/// included) into the client's `nx_pop3_server_process_id`, NUL-terminated;
/// leaves it empty if there is none or it is longer than
/// `NX_POP3_SERVER_PROCESS_ID_SIZE`. NULL pointers: nothing happens.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_parse_process_id(client_ptr: *mut NX_POP3_CLIENT, buffer: *mut CHAR, buffer_length: UINT) {
    ffi_void!({
        if !client_ptr.is_null() && !buffer.is_null() {
            // SAFETY: not NULL (just checked): `buffer_length` readable bytes (the export's contract).
            let bytes = unsafe { slice::from_raw_parts(buffer as *const u8, buffer_length as usize) };
            // SAFETY: not NULL (just checked): a client no other thread uses meanwhile, its process id field outside `buffer` (the export's contract).
            unsafe { client::parse_process_id(client_ptr, bytes) };
        }
    });
}

/// Writes the lowercase hex of `source_length` bytes at `source` to
/// `destination`, followed by a NUL: `destination` must hold
/// `2 * source_length + 1` bytes. NULL pointers: nothing happens.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_hex_ascii_convert(source: *mut CHAR, source_length: UINT, destination: *mut CHAR) {
    ffi_void!({
        if !source.is_null() && !destination.is_null() {
            let n = source_length as usize;
            // SAFETY: not NULL (just checked): `source_length` readable bytes (the export's contract).
            let src = unsafe { slice::from_raw_parts(source as *const u8, n) };
            // SAFETY: not NULL (just checked): `2 * source_length + 1` writable bytes outside `source` (the export's contract).
            let dst = unsafe { slice::from_raw_parts_mut(destination as *mut u8, 2 * n + 1) };
            let written = pop3::hex_ascii(src, dst);
            dst[written] = 0;
        }
    });
}

/// Writes `number` in decimal to `string_to_convert`, followed by a NUL (at
/// most 11 bytes), and returns the number of digits. NULL: returns 0.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_server_number_convert(number: UINT, string_to_convert: *mut CHAR) -> UINT {
    ffi_status!({
        if string_to_convert.is_null() {
            return 0;
        }
        let mut digits = [0u8; 10];
        let n = pop3::decimal(number, &mut digits);
        // SAFETY: not NULL (checked above): 11 writable bytes (the export's contract), and n + 1 <= 11.
        let out = unsafe { slice::from_raw_parts_mut(string_to_convert as *mut u8, n + 1) };
        out[..n].copy_from_slice(&digits[..n]);
        out[n] = 0;
        n as UINT
    })
}

/// Copies word `argument_index` (1-based; words separated by spaces, a word
/// ends at a space, CR, LF or the end of the buffer) of the `buffer_length`
/// bytes at `buffer` into `argument`, uppercased if `convert_to_uppercase`,
/// with its CRLF if `include_crlf` and one follows. Writes at most
/// `argument_length` bytes and never outside `argument[0 .. argument_length)`,
/// whatever the input; a NUL follows the word when there is room. A missing
/// word, index 0 or an empty buffer gives an empty string.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_parse_response(
    buffer: *mut CHAR,
    argument_index: UINT,
    buffer_length: UINT,
    argument: *mut CHAR,
    argument_length: UINT,
    convert_to_uppercase: UINT,
    include_crlf: UINT,
) {
    ffi_void!({
        if argument.is_null() || argument_length == 0 {
            return;
        }
        // SAFETY: not NULL (just checked): `argument_length` writable bytes outside `buffer` (the export's contract).
        let out = unsafe { slice::from_raw_parts_mut(argument as *mut u8, argument_length as usize) };
        let input: &[u8] = if buffer.is_null() {
            &[]
        } else {
            // SAFETY: not NULL (just checked): `buffer_length` readable bytes (the export's contract).
            unsafe { slice::from_raw_parts(buffer as *const u8, buffer_length as usize) }
        };
        pop3::parse_response_word(input, argument_index, out, convert_to_uppercase != 0, include_crlf != 0);
    });
}
