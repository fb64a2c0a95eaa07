//! The NetX POP3 client API: `_nx_` (unchecked), `_nxe_` (checked) and the
//! exported helpers. Argument checks and pointer conversion only; the client
//! logic is in `crate::client`.
//!
//! Safety of every export: the caller passes pointers that are NULL or point
//! to objects of the declared C types (the `_nxe_` forms check NULLs and ids;
//! the `_nx_` forms trust them, as in NetX), and strings NUL-terminated.
#![allow(non_snake_case, clippy::missing_safety_doc, clippy::too_many_arguments)]

use core::slice;

use crate::client::{self, Settings, NX_POP3_CLIENT};
use crate::client::NX_POP3_PARAM_ERROR;
use crate::netx::types::*;
use crate::pop3;

/// Returns `NX_PTR_ERROR` unless `c` is a created client.
macro_rules! created {
    ($c:expr) => {
        if $c.is_null() || !client::is_created($c) {
            return NX_PTR_ERROR;
        }
    };
}

fn v4(address: ULONG) -> NXD_ADDRESS {
    NXD_ADDRESS { nxd_ip_version: NX_IP_VERSION_V4, nxd_ip_address: NXD_ADDRESS_UNION { v4: address } }
}

/// What every create export returns: on failure, a client that is not
/// created (an already created one is left alone) is marked so that the
/// `nx_pop3_client_delete` NetX programs call next returns `NX_SUCCESS`.
unsafe fn after_create(client_ptr: *mut NX_POP3_CLIENT, status: UINT) -> UINT {
    if status != NX_SUCCESS && !client_ptr.is_null() && !client::is_created(client_ptr) {
        client::mark_failed_create(client_ptr);
    }
    status
}

unsafe fn check_create_args(
    client_ptr: *mut NX_POP3_CLIENT,
    ip_ptr: *mut NX_IP,
    packet_pool_ptr: *mut NX_PACKET_POOL,
    server_port: ULONG,
) -> UINT {
    if client::is_created(client_ptr) {
        return NX_PTR_ERROR;
    }
    if (*packet_pool_ptr).nx_packet_pool_id != NX_PACKET_POOL_ID {
        return NX_PTR_ERROR;
    }
    if (*ip_ptr).nx_ip_id != NX_IP_ID || server_port == 0 {
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
    if !client_ptr.is_null() && !client::is_created(client_ptr) {
        client::carry_settings(
            client_ptr,
            Settings::new(packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout, window_size),
        );
    }
    client_ptr
}

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
        let s = check_create_args(client_ptr, ip_ptr, packet_pool_ptr, server_port);
        if s != NX_SUCCESS {
            return s;
        }
        if server_ip_address == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        client::create(
            client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &v4(server_ip_address), server_port,
            client_name, client_password,
        )
    });
    after_create(client_ptr, status)
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
        if client::is_created(client_ptr) {
            return NX_PTR_ERROR;
        }
        client::create(
            client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &v4(server_ip_address), server_port,
            client_name, client_password,
        )
    });
    after_create(client_ptr, status)
}

/// Creates a POP3 client for an IPv4 or IPv6 server address
/// (`nxd_pop3_client_create`, checked form). Same behaviour and statuses as
/// `_nxe_pop3_client_create`; `NX_POP3_PARAM_ERROR` also for an address whose
/// version is neither 4 nor 6, or an IPv4 address of zero.
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
        let s = check_create_args(client_ptr, ip_ptr, packet_pool_ptr, server_port);
        if s != NX_SUCCESS {
            return s;
        }
        let a = *server_ip_address;
        match a.nxd_ip_version {
            NX_IP_VERSION_V4 if a.nxd_ip_address.v4 != 0 => {}
            NX_IP_VERSION_V6 => {}
            _ => return NX_POP3_PARAM_ERROR,
        }
        client::create(
            client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &a, server_port, client_name, client_password,
        )
    });
    after_create(client_ptr, status)
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
        if client::is_created(client_ptr) {
            return NX_PTR_ERROR;
        }
        client::create(
            client_ptr, APOP_authentication, ip_ptr, packet_pool_ptr, &*server_ip_address, server_port,
            client_name, client_password,
        )
    });
    after_create(client_ptr, status)
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
        created!(client_ptr);
        client::mail_items_get(client_ptr, number_mail_items, maildrop_total_size)
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
        created!(client_ptr);
        client::mail_items_get(client_ptr, number_mail_items, maildrop_total_size)
    })
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
        created!(client_ptr);
        client::mail_item_size_get(client_ptr, mail_item, size)
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
        created!(client_ptr);
        client::mail_item_size_get(client_ptr, mail_item, size)
    })
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
        created!(client_ptr);
        client::mail_item_get(client_ptr, mail_item, item_size)
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
        created!(client_ptr);
        client::mail_item_get(client_ptr, mail_item, item_size)
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
        created!(client_ptr);
        client::message_get(client_ptr, recv_packet_ptr, bytes_retrieved, final_packet)
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
    ffi_status!({
        check_ptr!(recv_packet_ptr, bytes_retrieved, final_packet);
        created!(client_ptr);
        client::message_get(client_ptr, recv_packet_ptr, bytes_retrieved, final_packet)
    })
}

/// Sends `DELE mail_index` (`nx_pop3_client_mail_item_delete`, checked form).
///
/// Returns `NX_SUCCESS` on `+OK`; `NX_PTR_ERROR`; `NX_POP3_CLIENT_INVALID_INDEX`
/// for index 0; `NX_POP3_SERVER_ERROR_STATUS` for `-ERR` or a malformed reply;
/// TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_mail_item_delete(client_ptr: *mut NX_POP3_CLIENT, mail_index: UINT) -> UINT {
    ffi_status!({
        created!(client_ptr);
        client::mail_item_delete(client_ptr, mail_index)
    })
}

/// Unchecked form of `nx_pop3_client_mail_item_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_mail_item_delete(client_ptr: *mut NX_POP3_CLIENT, mail_index: UINT) -> UINT {
    ffi_status!({
        created!(client_ptr);
        client::mail_item_delete(client_ptr, mail_index)
    })
}

/// Sends `QUIT` (`nx_pop3_client_quit`, checked form). Does not disconnect:
/// `nx_pop3_client_delete` does.
///
/// Returns `NX_SUCCESS` on `+OK`; `NX_PTR_ERROR`; `NX_POP3_SERVER_ERROR_STATUS`
/// for `-ERR` or a malformed reply; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nxe_pop3_client_quit(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        created!(client_ptr);
        client::quit(client_ptr)
    })
}

/// Unchecked form of `nx_pop3_client_quit`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_quit(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        created!(client_ptr);
        client::quit(client_ptr)
    })
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
        if client::is_failed_create(client_ptr) {
            return client::delete_failed_create(client_ptr);
        }
        created!(client_ptr);
        client::delete(client_ptr)
    })
}

/// Unchecked form of `nx_pop3_client_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_delete(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        check_ptr!(client_ptr);
        if client::is_failed_create(client_ptr) {
            return client::delete_failed_create(client_ptr);
        }
        created!(client_ptr);
        client::delete(client_ptr)
    })
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
        created!(client_ptr);
        if reply_timeout == 0 || connection_timeout == 0 {
            return NX_POP3_PARAM_ERROR;
        }
        client::timeouts_set(
            client_ptr,
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
        created!(client_ptr);
        client::timeouts_set(
            client_ptr,
            [packet_timeout, send_wait, connection_timeout, disconnect_timeout, reply_timeout],
        )
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
        created!(client_ptr);
        client::connect(client_ptr, &*server_ip_address, server_port)
    })
}

/// Logs in with `USER` then `PASS` on a connected client.
///
/// Returns `NX_SUCCESS`; `NX_PTR_ERROR`; `NX_POP3_SERVER_ERROR_STATUS` when
/// either is refused; TCP and packet statuses as they come.
#[no_mangle]
pub unsafe extern "C" fn _nx_pop3_client_user_pass(client_ptr: *mut NX_POP3_CLIENT) -> UINT {
    ffi_status!({
        created!(client_ptr);
        client::user_pass(client_ptr)
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
        created!(client_ptr);
        client::apop(client_ptr)
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
        let id = slice::from_raw_parts(process_ID_ptr as *const u8, process_ID_length as usize);
        client::digest_authenticate(client_ptr, id, &mut *(result as *mut [u8; 33]));
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
            client::parse_process_id(client_ptr, slice::from_raw_parts(buffer as *const u8, buffer_length as usize));
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
            let src = slice::from_raw_parts(source as *const u8, n);
            let dst = slice::from_raw_parts_mut(destination as *mut u8, 2 * n + 1);
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
        let out = slice::from_raw_parts_mut(string_to_convert as *mut u8, n + 1);
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
        let out = slice::from_raw_parts_mut(argument as *mut u8, argument_length as usize);
        let input: &[u8] =
            if buffer.is_null() { &[] } else { slice::from_raw_parts(buffer as *const u8, buffer_length as usize) };
        pop3::parse_response_word(input, argument_index, out, convert_to_uppercase != 0, include_crlf != 0);
    });
}
