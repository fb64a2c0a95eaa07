//! The blocking NetX-style POP3 client: the sans-IO engine ([`crate::pop3`])
//! driven over a NetX TCP socket ([`crate::netx`]) with NetX waits.
//!
//! All client state lives in [`NX_POP3_CLIENT`], in the caller's memory: the
//! public NetX fields first, the engine state in the private tail. No heap.
//!
//! The connection is a byte stream: replies and message data are parsed
//! wherever segment boundaries fall. Received bytes not yet consumed stay in
//! the packet held in `nx_pop3_client_message_ptr` (owned by the client).
//! Message data is dot-unstuffed in place inside the received packets, which
//! are then handed to the application as they are: no copy, no extra packet.
#![allow(non_camel_case_types, non_snake_case)]
#![deny(unsafe_op_in_unsafe_fn)]

mod ext;
mod ops;
mod services;
mod stack;

pub use ext::{apop_fallback_set, last_reply_get, NX_POP3_CLIENT_LAST_REPLY_SIZE};
pub use ops::*;
pub use services::*;

use crate::netx::types::*;
use crate::pop3::{BodyDecoder, ReplyParser};

/// The layout limits of this build (`build.rs`: environment variables
/// `NX_POP3_MAX_USERNAME`, `NX_POP3_MAX_PASSWORD`,
/// `NX_POP3_SERVER_PROCESS_ID_SIZE` when the library is built). C sees the
/// same values as `NX_POP3_LIB_*` in the generated `nx_pop3_config.h`.
mod layout {
    include!(concat!(env!("OUT_DIR"), "/nx_pop3_layout.rs"));
}
use layout::{NX_POP3_LIB_MAX_PASSWORD, NX_POP3_LIB_MAX_USERNAME, NX_POP3_LIB_SERVER_PROCESS_ID_SIZE};

/// Longest user name, in bytes (layout: a build setting of the library, default 40).
pub const NX_POP3_MAX_USERNAME: usize = NX_POP3_LIB_MAX_USERNAME;
/// Longest password, in bytes (layout: a build setting of the library, default 20).
pub const NX_POP3_MAX_PASSWORD: usize = NX_POP3_LIB_MAX_PASSWORD;
/// Room for the greeting's `<...>` timestamp (layout: a build setting of the library, default 75).
pub const NX_POP3_SERVER_PROCESS_ID_SIZE: usize = NX_POP3_LIB_SERVER_PROCESS_ID_SIZE;
/// Longest server reply line, CRLF included (fixed when the library is built).
pub const NX_POP3_MAX_SERVER_REPLY: usize = 512;
/// Longest client command line, CRLF included (fixed when the library is built).
pub const NX_POP3_MAX_CLIENT_COMMAND: usize = 150;
const _: () = assert!(
    NX_POP3_MAX_SERVER_REPLY == crate::pop3::MAX_SERVER_REPLY && NX_POP3_MAX_CLIENT_COMMAND == crate::pop3::MAX_CLIENT_COMMAND
);
/// Bytes of `nx_pop3_client_name` (`NX_POP3_MAX_USERNAME + 1`).
pub const NX_POP3_CLIENT_NAME_SIZE: usize = NX_POP3_MAX_USERNAME + 1;
/// Bytes of `nx_pop3_client_password` (`NX_POP3_MAX_PASSWORD + 1`).
pub const NX_POP3_CLIENT_PASSWORD_SIZE: usize = NX_POP3_MAX_PASSWORD + 1;
/// Bytes of `nx_pop3_server_process_id` (`NX_POP3_SERVER_PROCESS_ID_SIZE + 1`).
pub const NX_POP3_CLIENT_PROCESS_ID_SIZE: usize = NX_POP3_SERVER_PROCESS_ID_SIZE + 1;
/// Binary MD5 digest size.
pub const NX_POP3_MAX_BINARY_MD5: usize = 16;
/// Hex MD5 digest size.
pub const NX_POP3_MAX_ASCII_MD5: usize = 32;

/// Base of the POP3 status codes.
pub const NX_POP3_CLIENT_ERROR_CONSTANT: UINT = 0xB0;
/// Bad argument (zero address or port, name or password too long or holding CR/LF).
pub const NX_POP3_PARAM_ERROR: UINT = 0xB1;
/// Mail index above the count of the last STAT, or a LIST reply for another index.
pub const NX_POP3_INVALID_MAIL_ITEM: UINT = 0xB2;
/// APOP digest could not be computed.
pub const NX_POP3_APOP_FAILED_MD5_DIGEST: UINT = 0xB3;
/// The server answered `-ERR`, or with something that is not a valid reply.
pub const NX_POP3_SERVER_ERROR_STATUS: UINT = 0xB4;
/// Kept for source compatibility (the client streams; it has no mail buffer).
pub const NX_POP3_MAIL_BUFFER_OVERFLOW: UINT = 0xB5;
/// A command does not fit in one packet of the client's pool.
pub const NX_POP3_INSUFFICIENT_PACKET_PAYLOAD: UINT = 0xB6;
/// The call does not fit the session's state (e.g. message data asked for with no RETR).
pub const NX_POP3_CLIENT_INVALID_STATE: UINT = 0xB7;
/// Mail index 0.
pub const NX_POP3_CLIENT_INVALID_INDEX: UINT = 0xB8;

/// Size of the private tail of [`NX_POP3_CLIENT`], in 64-bit words.
pub const NX_POP3_CLIENT_PRIVATE_WORDS: usize = 36;

/// Defaults of the compile-time settings (ticks), used when the program's
/// values did not travel with `nx_pop3_client_create`.
pub const DEFAULT_SETTINGS: Settings = Settings {
    carried: 0,
    packet_timeout: NX_IP_PERIODIC_RATE,
    send_wait: 10 * NX_IP_PERIODIC_RATE,
    connection_timeout: 30 * NX_IP_PERIODIC_RATE,
    disconnect_timeout: 10 * NX_IP_PERIODIC_RATE,
    reply_timeout: 10 * NX_IP_PERIODIC_RATE,
    window_size: 1460,
    flags: 0,
};

/// Marks settings written by `_nx_pop3_client_settings_carry` just before create.
const SETTINGS_CARRIED: u32 = 0x5345_5454; // "SETT"
/// Marks a created client (the original struct has no id field; ours is private).
const CLIENT_ID: u32 = 0x504F_5033; // "POP3"

/// The POP3 client control block, in caller memory.
#[repr(C)]
pub struct NX_POP3_CLIENT {
    pub nx_pop3_client_name: [CHAR; NX_POP3_CLIENT_NAME_SIZE],
    pub nx_pop3_client_password: [CHAR; NX_POP3_CLIENT_PASSWORD_SIZE],
    pub nx_pop3_client_tcp_socket: NX_TCP_SOCKET,
    pub nx_pop3_client_packet_pool_ptr: *mut NX_PACKET_POOL,
    pub nx_pop3_client_enable_APOP_authentication: UINT,
    pub nx_pop3_client_mail_status: UINT,
    pub nx_pop3_client_maildrop_items: UINT,
    pub nx_pop3_client_maildrop_index: UINT,
    pub nx_pop3_client_total_message_size: ULONG,
    pub nx_pop3_client_ready_to_download: UINT,
    pub nx_pop3_server_process_id: [CHAR; NX_POP3_CLIENT_PROCESS_ID_SIZE],
    pub nx_pop3_client_md5data: NX_MD5,
    /// Received packet holding bytes not consumed yet (owned by the client).
    pub nx_pop3_client_message_ptr: *mut NX_PACKET,
    /// Library state. Do not touch.
    pub nx_pop3_client_private: [u64; NX_POP3_CLIENT_PRIVATE_WORDS],
}

/// Timeouts (ticks) and receive window of one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Settings {
    carried: u32,
    pub packet_timeout: ULONG,
    pub send_wait: ULONG,
    pub connection_timeout: ULONG,
    pub disconnect_timeout: ULONG,
    pub reply_timeout: ULONG,
    pub window_size: ULONG,
    /// Extension switches (`ext::FLAG_*`); 0 is NetX's behaviour.
    pub(crate) flags: u32,
}

/// The private tail: session state of the engine and the client.
#[repr(C)]
pub(crate) struct ClientState {
    /// First, so that settings carried before create survive until create reads them.
    pub settings: Settings,
    pub id: u32,
    /// Offset of the first unconsumed byte in the held packet (first in chain).
    pub rx_offset: u32,
    /// A message ended; whatever arrives before the next command is stray.
    pub after_body: bool,
    /// The socket exists (created and not yet deleted).
    pub socket_created: bool,
    /// Stray bytes discarded so far (after a terminator, before a command).
    pub stray_bytes: u32,
    pub reply: ReplyParser,
    pub body: BodyDecoder,
    /// The server's last status line (extension; survives a failed create).
    pub last_reply: ext::LastReply,
    /// The capability flags of the last `CAPA` (extension, issue 12).
    pub capa_flags: u16,
    /// A `LIST` or `UIDL` listing being walked (extension).
    pub walk: services::WalkState,
    /// `RETR` commands sent ahead (PIPELINING): replies expected, oldest
    /// first, after the one being read (extension).
    pub pipe: services::Ahead,
    /// Message number of the oldest reply in `pipe`.
    pub pipe_next_reply: u32,
    /// Next message number of the request to send `RETR` for, and the end
    /// of the request (exclusive): nothing more to send when equal.
    pub req_next_send: u32,
    pub req_end: u32,
    /// The listing walk and pipelining parts of the nine NetX services,
    /// set by the extensions that need them ([`services::EXT_HOOKS`]).
    pub ext: Option<&'static services::ExtHooks>,
}

const _: () = assert!(private_fits::<ClientState, NX_POP3_CLIENT_PRIVATE_WORDS>());

fn state_ptr(client: *mut NX_POP3_CLIENT) -> *mut ClientState {
    // SAFETY: only computes an address inside the client; nothing is read.
    unsafe { core::ptr::addr_of_mut!((*client).nx_pop3_client_private) as *mut ClientState }
}

/// The private state of a created client.
///
/// # Safety
/// `client` points to a live, created `NX_POP3_CLIENT` (see [`is_created`]):
/// create wrote a whole `ClientState` there, so every field is valid.
pub(crate) unsafe fn state<'a>(client: *mut NX_POP3_CLIENT) -> &'a mut ClientState {
    // SAFETY: `client` points to a live, created `NX_POP3_CLIENT` (see [`is_created`]): create wrote a whole `ClientState` there, so every field is valid.
    unsafe {
        &mut *state_ptr(client)
    }
}

/// True when `client` was created and not deleted since.
///
/// # Safety
/// `client` points to readable memory of `NX_POP3_CLIENT` size.
pub unsafe fn is_created(client: *mut NX_POP3_CLIENT) -> bool {
    // SAFETY: `client` points to readable memory of `NX_POP3_CLIENT` size.
    unsafe {
        // A plain u32 read: valid whatever the memory holds.
        core::ptr::addr_of!((*state_ptr(client)).id).read() == CLIENT_ID
    }
}

/// Settings a program carried to create through the service macro, if any.
///
/// # Safety
/// `client` points to readable memory of `NX_POP3_CLIENT` size.
pub(crate) unsafe fn carried_settings(client: *mut NX_POP3_CLIENT) -> Option<Settings> {
    // SAFETY: `client` points to readable memory of `NX_POP3_CLIENT` size.
    unsafe {
        // Settings is all u32: any bit pattern is a valid value.
        let s = core::ptr::addr_of!((*state_ptr(client)).settings).read();
        (s.carried == SETTINGS_CARRIED).then_some(s)
    }
}

/// Stores the program's compile-time settings in the client just before create
/// (what the `nx_pop3_client_create` macro does through
/// `_nx_pop3_client_settings_carry`).
///
/// # Safety
/// `client` points to writable memory of `NX_POP3_CLIENT` size.
pub unsafe fn carry_settings(client: *mut NX_POP3_CLIENT, mut settings: Settings) {
    // SAFETY: `client` points to writable memory of `NX_POP3_CLIENT` size.
    unsafe {
        settings.carried = SETTINGS_CARRIED;
        core::ptr::addr_of_mut!((*state_ptr(client)).settings).write(settings);
    }
}
