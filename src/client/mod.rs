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
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(clippy::multiple_unsafe_ops_per_block)]

mod ext;
mod ops;
mod services;
mod stack;

pub use stack::{Connector, CONNECT_ANY, CONNECT_V4};
pub use ext::{apop_fallback_set, last_reply_get, NX_POP3_CLIENT_LAST_REPLY_SIZE};
pub use ops::*;
pub use services::*;

use core::marker::PhantomData;
use core::mem::offset_of;
use core::ptr::NonNull;
use core::slice;

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
///
/// All-zero bytes are the state of a client just created, but for
/// `settings`, `id` and `reply`: create zeroes the struct and writes those
/// three (initialising every field cost 38 bytes of Cortex-M4 code). The
/// other fields are integers, bools, an `Option` of a reference, or built
/// of those and of `repr(u8)` enums whose first variant is the initial one;
/// the test `zeroed_state_is_initial` checks each against its constructor.
/// (`reply` holds `pop3::Arg`, whose layout is the compiler's: a `repr(u8)`
/// there cost 60 bytes of engine code, more than writing it.)
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

/// The address of the client's private tail (no dereference: safe).
fn state_ptr(client: *mut NX_POP3_CLIENT) -> *mut ClientState {
    client.wrapping_byte_add(offset_of!(NX_POP3_CLIENT, nx_pop3_client_private)).cast::<ClientState>()
}

/// The address of a field of the client's private tail (no dereference: safe).
macro_rules! private_field_ptr {
    ($client:expr, $field:ident: $t:ty) => {
        state_ptr($client).wrapping_byte_add(offset_of!(ClientState, $field)).cast::<$t>()
    };
}
pub(crate) use private_field_ptr;

/// The address of a public field of the client (no dereference: safe).
macro_rules! public_field_ptr {
    ($client:expr, $field:ident: $t:ty) => {
        $client.wrapping_byte_add(offset_of!(NX_POP3_CLIENT, $field)).cast::<$t>()
    };
}
pub(crate) use public_field_ptr;

/// The address of the client's socket field (no dereference: safe).
fn socket_ptr(client: *mut NX_POP3_CLIENT) -> *mut NX_TCP_SOCKET {
    public_field_ptr!(client, nx_pop3_client_tcp_socket: NX_TCP_SOCKET)
}

/// A created client, for the length of one call: the handle every service of
/// this module takes. The export in `src/ffi/pop3.rs` makes it once from the C
/// pointer ([`Client::from_ptr`]); below that, the client is safe Rust over
/// `&mut`.
///
/// The two halves are disjoint memory, borrowed apart: [`Client::st`] is the
/// private tail as a `&mut ClientState`; [`Client::nx`] reaches the public
/// NetX fields one at a time. The struct as a whole is never borrowed:
/// `nx_pop3_client_tcp_socket` is written by the IP instance's thread
/// (state, byte counters) while a call runs, so it is only ever passed on as
/// a raw pointer ([`Fields::socket`]).
pub struct Client<'a> {
    /// The public fields of `NX_POP3_CLIENT` that C programs read.
    pub(crate) nx: Fields<'a>,
    /// The private state (the `nx_pop3_client_private` tail).
    pub(crate) st: &'a mut ClientState,
}

/// The public fields of a created client, one at a time (see [`Client`]).
///
/// Invariant: `c` points to a created `NX_POP3_CLIENT` that lives for `'a`,
/// and for `'a` only the thread holding this handle reads or writes its
/// public fields other than the socket (the contract of [`Client::from_ptr`]).
pub(crate) struct Fields<'a> {
    c: NonNull<NX_POP3_CLIENT>,
    _life: PhantomData<&'a mut NX_POP3_CLIENT>,
}

impl<'a> Client<'a> {
    /// The handle of the created client at `c`, for one call.
    ///
    /// # Safety
    /// `c` points to a created client ([`is_created`]: its private
    /// tail holds a whole `ClientState`, written by create) that stays valid
    /// for `'a`; and no other call on the same client runs while the handle
    /// lives. The client has no lock or in-use flag, and never had one: as
    /// in NetX (whose POP3 client has none either), a client is used by one
    /// thread at a time, the C caller's contract. This is the one place the
    /// library relies on it: the exports in `src/ffi/pop3.rs` make the handle
    /// at the start of a call and drop it at its end.
    pub unsafe fn from_ptr(c: NonNull<NX_POP3_CLIENT>) -> Self {
        // SAFETY: `c` is a created client, valid for 'a and used by no other
        // call (the caller's contract); `Fields` never touches the private
        // tail, so this is the only reference to it.
        let st = unsafe { &mut *state_ptr(c.as_ptr()) };
        Client { nx: Fields { c, _life: PhantomData }, st }
    }
}

/// Getters of public scalar fields (see [`Fields`]).
macro_rules! scalar_get {
    ($($get:ident: $field:ident: $t:ty;)*) => {$(
        pub(crate) fn $get(&self) -> $t {
            // SAFETY: `c` is a live created client whose public fields only this handle's thread uses (Fields' invariant).
            unsafe { public_field_ptr!(self.c.as_ptr(), $field: $t).read() }
        }
    )*};
}

/// Setters of public scalar fields (see [`Fields`]).
macro_rules! scalar_set {
    ($($set:ident: $field:ident: $t:ty;)*) => {$(
        pub(crate) fn $set(&mut self, value: $t) {
            // SAFETY: `c` is a live created client whose public fields only this handle's thread uses (Fields' invariant); `&mut self` keeps any other borrow of them out.
            unsafe { public_field_ptr!(self.c.as_ptr(), $field: $t).write(value) }
        }
    )*};
}

impl<'a> Fields<'a> {
    scalar_get! {
        message_ptr: nx_pop3_client_message_ptr: *mut NX_PACKET;
        ready_to_download: nx_pop3_client_ready_to_download: UINT;
        maildrop_items: nx_pop3_client_maildrop_items: UINT;
        apop_enabled: nx_pop3_client_enable_APOP_authentication: UINT;
        packet_pool: nx_pop3_client_packet_pool_ptr: *mut NX_PACKET_POOL;
    }
    scalar_set! {
        set_message_ptr: nx_pop3_client_message_ptr: *mut NX_PACKET;
        set_ready_to_download: nx_pop3_client_ready_to_download: UINT;
        set_maildrop_items: nx_pop3_client_maildrop_items: UINT;
        set_maildrop_index: nx_pop3_client_maildrop_index: UINT;
        set_total_message_size: nx_pop3_client_total_message_size: ULONG;
        set_apop_enabled: nx_pop3_client_enable_APOP_authentication: UINT;
    }

    /// The client's TCP socket: a raw pointer only, as the IP instance's
    /// thread writes its fields while the client runs (safe: no dereference).
    pub(crate) fn socket(&self) -> *mut NX_TCP_SOCKET {
        socket_ptr(self.c.as_ptr())
    }

    /// The stored user name, up to its NUL; for all of `'a` (while the
    /// next commands are sent), as nothing writes it while the client is
    /// created (create wrote it, before the handle; `Fields` has no setter).
    pub(crate) fn name(&self) -> &'a [u8] {
        // SAFETY: Fields' invariant (no other writer for 'a), and no writer through `Fields`.
        until_nul(unsafe { &*public_field_ptr!(self.c.as_ptr(), nx_pop3_client_name: [CHAR; NX_POP3_CLIENT_NAME_SIZE]) })
    }

    /// The stored password, up to its NUL; for all of `'a`, as [`Fields::name`].
    pub(crate) fn password(&self) -> &'a [u8] {
        // SAFETY: Fields' invariant (no other writer for 'a), and no writer through `Fields`.
        until_nul(unsafe { &*public_field_ptr!(self.c.as_ptr(), nx_pop3_client_password: [CHAR; NX_POP3_CLIENT_PASSWORD_SIZE]) })
    }

    /// The greeting's timestamp (`nx_pop3_server_process_id`), up to its NUL.
    pub(crate) fn process_id(&self) -> &[u8] {
        // SAFETY: Fields' invariant; the shared borrow of `self` keeps writers out.
        until_nul(unsafe { &*public_field_ptr!(self.c.as_ptr(), nx_pop3_server_process_id: [CHAR; NX_POP3_CLIENT_PROCESS_ID_SIZE]) })
    }

    /// All bytes of `nx_pop3_server_process_id`.
    /// A fixed-size array, so that indexing up to its last byte needs no
    /// bounds check (and no panic path in the firmware image).
    pub(crate) fn process_id_mut(&mut self) -> &mut [u8; NX_POP3_CLIENT_PROCESS_ID_SIZE] {
        // SAFETY: Fields' invariant; `&mut self` keeps any other borrow of the
        // fields out; CHAR and u8 have the same size, alignment and values.
        unsafe { &mut *public_field_ptr!(self.c.as_ptr(), nx_pop3_server_process_id: [CHAR; NX_POP3_CLIENT_PROCESS_ID_SIZE]).cast::<[u8; NX_POP3_CLIENT_PROCESS_ID_SIZE]>() }
    }
}

/// A C string field as bytes.
pub(crate) fn as_bytes(s: &[CHAR]) -> &[u8] {
    // SAFETY: CHAR and u8 have the same size and alignment, and every bit pattern is valid for both.
    unsafe { slice::from_raw_parts(s.as_ptr().cast::<u8>(), s.len()) }
}

/// A C string field as bytes, writable.
pub(crate) fn as_bytes_mut(s: &mut [CHAR]) -> &mut [u8] {
    // SAFETY: CHAR and u8 have the same size and alignment, and every bit pattern is valid for both.
    unsafe { slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u8>(), s.len()) }
}

/// A NUL-terminated field's bytes before the NUL (all of them without one).
#[inline(never)]
pub(crate) fn until_nul(s: &[CHAR]) -> &[u8] {
    let b = as_bytes(s);
    let len = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..len]
}

/// True when `client` was created and not deleted since.
///
/// # Safety
/// `client` points to readable memory of `NX_POP3_CLIENT` size.
pub unsafe fn is_created(client: *mut NX_POP3_CLIENT) -> bool {
    // SAFETY: `client` points to readable memory of `NX_POP3_CLIENT` size (caller); a plain u32 read is valid whatever the memory holds.
    let id = unsafe { private_field_ptr!(client, id: u32).read() };
    id == CLIENT_ID
}

/// Settings a program carried to create through the service macro, if any.
///
/// # Safety
/// `client` points to readable memory of `NX_POP3_CLIENT` size.
pub(crate) unsafe fn carried_settings(client: *mut NX_POP3_CLIENT) -> Option<Settings> {
    // SAFETY: `client` points to readable memory of `NX_POP3_CLIENT` size (caller); Settings is all u32, so any bit pattern is a valid value.
    let s = unsafe { private_field_ptr!(client, settings: Settings).read() };
    (s.carried == SETTINGS_CARRIED).then_some(s)
}

/// Stores the program's compile-time settings in the client just before create
/// (what the `nx_pop3_client_create` macro does through
/// `_nx_pop3_client_settings_carry`).
///
/// # Safety
/// `client` points to writable memory of `NX_POP3_CLIENT` size.
pub unsafe fn carry_settings(client: *mut NX_POP3_CLIENT, mut settings: Settings) {
    settings.carried = SETTINGS_CARRIED;
    // SAFETY: `client` points to writable memory of `NX_POP3_CLIENT` size (caller).
    unsafe { private_field_ptr!(client, settings: Settings).write(settings) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What create relies on (see [`ClientState`]): a zeroed private tail is
    /// the initial state of every part of the session create does not write.
    #[test]
    fn zeroed_state_is_initial() {
        let z = core::mem::MaybeUninit::<ClientState>::zeroed();
        let st = z.as_ptr();
        // Each field create leaves zeroed is read alone (`reply` is written,
        // and its all-zero bytes are not claimed to be a valid value).
        macro_rules! zeroed_field {
            ($f:ident: $t:ty) => {
                // SAFETY: an in-bounds field of zeroed memory; all-zero is a
                // valid $t (integers, bools, Option<&T>, repr(u8) enums with
                // tag 0 on their first variant), which the assertions check.
                unsafe { core::ptr::addr_of!((*st).$f).read() }
            };
        }
        assert_eq!(zeroed_field!(body: crate::pop3::BodyDecoder), crate::pop3::BodyDecoder::new());
        assert!(matches!(zeroed_field!(walk: services::WalkState), services::WalkState::None));
        assert!(zeroed_field!(pipe: services::Ahead).is_empty());
        assert!(zeroed_field!(ext: Option<&'static services::ExtHooks>).is_none());
        assert!(ext::last_reply_is_empty(&zeroed_field!(last_reply: ext::LastReply)));
        assert!(!zeroed_field!(after_body: bool) && !zeroed_field!(socket_created: bool));
        assert_eq!((zeroed_field!(rx_offset: u32), zeroed_field!(capa_flags: u16)), (0, 0));
        assert_eq!((zeroed_field!(pipe_next_reply: u32), zeroed_field!(req_next_send: u32), zeroed_field!(req_end: u32)), (0, 0, 0));
    }
}
