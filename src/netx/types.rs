//! The NetX object model as C sees it: basic types, constants, status codes
//! and the `#[repr(C)]` control blocks that live in the caller's memory.
//!
//! Each control block keeps the public NetX fields first, in NetX order, and
//! ends with an opaque, size-asserted private area (`..._private`) that holds
//! the Rust state. Nothing here points into the object itself, so C may
//! declare these statically; it must not move them while they are created.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_void};

/// `unsigned int`.
pub type UINT = u32;
/// 32-bit unsigned on every target, as in NetX ports (on 64-bit hosts it is `uint32_t`).
pub type ULONG = u32;
/// `char`.
pub type CHAR = c_char;
/// `unsigned char`.
pub type UCHAR = u8;
/// `unsigned short`.
pub type USHORT = u16;
/// `int`.
pub type INT = i32;
/// `void`.
pub type VOID = c_void;
/// Pointer-sized unsigned (NetX `ALIGN_TYPE`).
pub type ALIGN_TYPE = usize;

// ---------------------------------------------------------------- constants

pub const NX_TRUE: UINT = 1;
pub const NX_FALSE: UINT = 0;
pub const NX_NULL: UINT = 0;
/// Ticks per second; every `wait_option` is in ticks.
pub const NX_IP_PERIODIC_RATE: ULONG = 100;
pub const NX_NO_WAIT: ULONG = 0;
/// `((ULONG) 0xFFFFFFFF)` in C, as in NetX (a plain literal would be `long`
/// or `long long` there).
#[allow(clippy::unnecessary_cast)]
pub const NX_WAIT_FOREVER: ULONG = 0xFFFF_FFFF as ULONG;
pub const NX_ANY_PORT: UINT = 0;
pub const NX_IP_NORMAL: ULONG = 0;
pub const NX_FRAGMENT_OKAY: ULONG = 0;
pub const NX_DONT_FRAGMENT: ULONG = 0x0000_4000;
pub const NX_IP_TIME_TO_LIVE: UINT = 0x80;
pub const NX_IP_VERSION_V4: ULONG = 4;
pub const NX_IP_VERSION_V6: ULONG = 6;

// Object ids, stored in the first field on create and cleared on delete.
// Cast in C, as NetX writes them.
#[allow(clippy::unnecessary_cast)]
pub const NX_IP_ID: ULONG = 0x4950_2020 as ULONG;
#[allow(clippy::unnecessary_cast)]
pub const NX_PACKET_POOL_ID: ULONG = 0x5041_434B as ULONG;
#[allow(clippy::unnecessary_cast)]
pub const NX_TCP_ID: ULONG = 0x5443_5020 as ULONG;

// Status codes.
pub const NX_SUCCESS: UINT = 0x00;
pub const NX_NO_PACKET: UINT = 0x01;
pub const NX_UNDERFLOW: UINT = 0x02;
pub const NX_OVERFLOW: UINT = 0x03;
pub const NX_NO_MAPPING: UINT = 0x04;
pub const NX_DELETED: UINT = 0x05;
pub const NX_POOL_ERROR: UINT = 0x06;
pub const NX_PTR_ERROR: UINT = 0x07;
pub const NX_WAIT_ERROR: UINT = 0x08;
pub const NX_SIZE_ERROR: UINT = 0x09;
pub const NX_OPTION_ERROR: UINT = 0x0A;
pub const NX_DELETE_ERROR: UINT = 0x10;
pub const NX_CALLER_ERROR: UINT = 0x11;
pub const NX_INVALID_PACKET: UINT = 0x12;
pub const NX_NOT_ENABLED: UINT = 0x14;
pub const NX_ALREADY_ENABLED: UINT = 0x15;
pub const NX_ENTRY_NOT_FOUND: UINT = 0x16;
pub const NX_NO_MORE_ENTRIES: UINT = 0x17;
pub const NX_IP_ADDRESS_ERROR: UINT = 0x21;
pub const NX_ALREADY_BOUND: UINT = 0x22;
pub const NX_PORT_UNAVAILABLE: UINT = 0x23;
pub const NX_NOT_BOUND: UINT = 0x24;
pub const NX_NOT_CREATED: UINT = 0x27;
pub const NX_ALREADY_RELEASED: UINT = 0x31;
pub const NX_DUPLICATE_LISTEN: UINT = 0x34;
pub const NX_NOT_CLOSED: UINT = 0x35;
pub const NX_NOT_LISTEN_STATE: UINT = 0x36;
pub const NX_IN_PROGRESS: UINT = 0x37;
pub const NX_NOT_CONNECTED: UINT = 0x38;
pub const NX_STILL_BOUND: UINT = 0x42;
/// Generic failure (also what a caught internal panic becomes).
pub const NX_NOT_SUCCESSFUL: UINT = 0x43;
pub const NX_UNHANDLED_COMMAND: UINT = 0x44;
pub const NX_INVALID_PORT: UINT = 0x46;
pub const NX_CONNECTION_PENDING: UINT = 0x48;
pub const NX_TX_QUEUE_DEPTH: UINT = 0x49;
pub const NX_NOT_SUPPORTED: UINT = 0x4B;
pub const NX_INVALID_INTERFACE: UINT = 0x4C;
pub const NX_INVALID_PARAMETERS: UINT = 0x4D;
pub const NX_NOT_FOUND: UINT = 0x4E;
pub const NX_PACKET_OFFSET_ERROR: UINT = 0x53;

// Packet types: headroom left before `nx_packet_prepend_ptr`.
pub const NX_PHYSICAL_HEADER: ULONG = 16;
pub const NX_IPv4_PACKET: ULONG = 36;
pub const NX_IPv4_TCP_PACKET: ULONG = 56;
pub const NX_IPv6_PACKET: ULONG = 56;
pub const NX_IPv6_TCP_PACKET: ULONG = 76;
pub const NX_TCP_PACKET: ULONG = 76;
pub const NX_UDP_PACKET: ULONG = 64;
pub const NX_RECEIVE_PACKET: ULONG = 0;
/// Marker in `nx_packet_union_next` of a packet on its pool's free list
/// (`((ALIGN_TYPE) 0xFFFFFFFF)` in C, as in NetX).
#[allow(clippy::unnecessary_cast)]
pub const NX_PACKET_FREE: ALIGN_TYPE = 0xFFFF_FFFF as ALIGN_TYPE;
/// Marker in `nx_packet_union_next` of an allocated packet
/// (`((ALIGN_TYPE) 0xAAAAAAAA)` in C).
#[allow(clippy::unnecessary_cast)]
pub const NX_PACKET_ALLOCATED: ALIGN_TYPE = 0xAAAA_AAAA as ALIGN_TYPE;

// IP status bits for `nx_ip_status_check`.
pub const NX_IP_INITIALIZE_DONE: ULONG = 0x0001;
pub const NX_IP_ADDRESS_RESOLVED: ULONG = 0x0002;
pub const NX_IP_LINK_ENABLED: ULONG = 0x0004;
pub const NX_IP_ARP_ENABLED: ULONG = 0x0008;
pub const NX_IP_UDP_ENABLED: ULONG = 0x0010;
pub const NX_IP_TCP_ENABLED: ULONG = 0x0020;
pub const NX_IP_IGMP_ENABLED: ULONG = 0x0040;
pub const NX_IP_RARP_COMPLETE: ULONG = 0x0080;
pub const NX_IP_INTERFACE_LINK_ENABLED: ULONG = 0x0100;

// Driver commands.
pub const NX_LINK_PACKET_SEND: UINT = 0;
pub const NX_LINK_INITIALIZE: UINT = 1;
pub const NX_LINK_ENABLE: UINT = 2;
pub const NX_LINK_DISABLE: UINT = 3;
pub const NX_LINK_PACKET_BROADCAST: UINT = 4;
pub const NX_LINK_ARP_SEND: UINT = 5;
pub const NX_LINK_ARP_RESPONSE_SEND: UINT = 6;
pub const NX_LINK_RARP_SEND: UINT = 7;
pub const NX_LINK_MULTICAST_JOIN: UINT = 8;
pub const NX_LINK_MULTICAST_LEAVE: UINT = 9;
pub const NX_LINK_GET_STATUS: UINT = 10;
pub const NX_LINK_GET_SPEED: UINT = 11;
pub const NX_LINK_GET_DUPLEX_TYPE: UINT = 12;
pub const NX_LINK_GET_ERROR_COUNT: UINT = 13;
pub const NX_LINK_GET_RX_COUNT: UINT = 14;
pub const NX_LINK_GET_TX_COUNT: UINT = 15;
pub const NX_LINK_GET_ALLOC_ERRORS: UINT = 16;
pub const NX_LINK_UNINITIALIZE: UINT = 17;
pub const NX_LINK_DEFERRED_PROCESSING: UINT = 18;
pub const NX_LINK_INTERFACE_ATTACH: UINT = 19;
pub const NX_LINK_SET_PHYSICAL_ADDRESS: UINT = 20;
pub const NX_INTERFACE_CAPABILITY_GET: UINT = 21;
pub const NX_INTERFACE_CAPABILITY_SET: UINT = 22;
pub const NX_LINK_INTERFACE_DETACH: UINT = 23;
pub const NX_LINK_GET_INTERFACE_TYPE: UINT = 28;
pub const NX_LINK_USER_COMMAND: UINT = 50;

// TCP socket states.
pub const NX_TCP_CLOSED: UINT = 1;
pub const NX_TCP_LISTEN_STATE: UINT = 2;
pub const NX_TCP_SYN_SENT: UINT = 3;
pub const NX_TCP_SYN_RECEIVED: UINT = 4;
pub const NX_TCP_ESTABLISHED: UINT = 5;
pub const NX_TCP_CLOSE_WAIT: UINT = 6;
pub const NX_TCP_FIN_WAIT_1: UINT = 7;
pub const NX_TCP_FIN_WAIT_2: UINT = 8;
pub const NX_TCP_CLOSING: UINT = 9;
pub const NX_TCP_TIMED_WAIT: UINT = 10;
pub const NX_TCP_LAST_ACK: UINT = 11;

/// Physical interfaces per IP instance.
pub const NX_MAX_PHYSICAL_INTERFACES: usize = 1;
/// Interfaces per IP instance (physical plus loopback slot).
pub const NX_MAX_IP_INTERFACES: usize = NX_MAX_PHYSICAL_INTERFACES + 1;

// Sizes (in 64-bit words) of the private areas. Fixed when the library is
// built; the Rust side asserts its state fits.
pub const NX_PACKET_POOL_PRIVATE_WORDS: usize = 8;
/// The IP state lives in one heap block made at `nx_ip_create` (the helper
/// thread needs a fixed address); the private area holds its pointer, with
/// room to spare.
pub const NX_IP_PRIVATE_WORDS: usize = 4;
pub const NX_TCP_SOCKET_PRIVATE_WORDS: usize = 8;

// ---------------------------------------------------------------- control blocks

/// Pointer-sized union after `nx_packet_queue_next`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union NX_PACKET_UNION_NEXT {
    pub nx_packet_tcp_queue_next: *mut NX_PACKET,
    pub nx_packet_fragment_next: *mut NX_PACKET,
}

/// A packet: this header, then its payload, carved from a pool's memory.
#[repr(C)]
pub struct NX_PACKET {
    pub nx_packet_pool_owner: *mut NX_PACKET_POOL,
    pub nx_packet_next: *mut NX_PACKET,
    pub nx_packet_prepend_ptr: *mut UCHAR,
    pub nx_packet_append_ptr: *mut UCHAR,
    pub nx_packet_data_start: *mut UCHAR,
    pub nx_packet_data_end: *mut UCHAR,
    pub nx_packet_last: *mut NX_PACKET,
    pub nx_packet_queue_next: *mut NX_PACKET,
    pub nx_packet_union_next: NX_PACKET_UNION_NEXT,
    pub nx_packet_length: ULONG,
    pub nx_packet_ip_version: UCHAR,
    pub nx_packet_reserved: [UCHAR; 3],
    pub nx_packet_ip_header: *mut UCHAR,
    /// NetX's `nx_packet_address`: the interface a packet came in on (a
    /// driver sets `nx_packet_address.nx_packet_interface_ptr` on receive,
    /// also spelled `nx_packet_ip_interface`).
    pub nx_packet_address: NX_PACKET_ADDRESS,
    /// Offloads a driver may apply to this packet (`NX_INTERFACE_CAPABILITY_*`):
    /// always 0 here, every checksum is computed in software. Drivers built
    /// with `NX_ENABLE_INTERFACE_CAPABILITY` read it on send.
    pub nx_packet_interface_capability_flag: ULONG,
}

/// Pointer-sized union `nx_packet_address` of `NX_PACKET`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union NX_PACKET_ADDRESS {
    pub nx_packet_interface_ptr: *mut NX_INTERFACE,
    /// NetX's IPv6 address entry (not used here).
    pub nx_packet_ipv6_address_ptr: *mut VOID,
}

/// A packet pool in caller memory.
#[repr(C)]
pub struct NX_PACKET_POOL {
    pub nx_packet_pool_id: ULONG,
    pub nx_packet_pool_name: *mut CHAR,
    pub nx_packet_pool_available: ULONG,
    pub nx_packet_pool_total: ULONG,
    pub nx_packet_pool_empty_requests: ULONG,
    pub nx_packet_pool_empty_suspensions: ULONG,
    pub nx_packet_pool_invalid_releases: ULONG,
    pub nx_packet_pool_available_list: *mut NX_PACKET,
    pub nx_packet_pool_start: *mut CHAR,
    pub nx_packet_pool_size: ULONG,
    pub nx_packet_pool_payload_size: ULONG,
    /// Library state (lock, waiters). Do not touch.
    pub nx_packet_pool_private: [u64; NX_PACKET_POOL_PRIVATE_WORDS],
}

/// IPv4 or IPv6 address.
#[repr(C)]
#[derive(Clone, Copy)]
pub union NXD_ADDRESS_UNION {
    pub v4: ULONG,
    pub v6: [ULONG; 4],
}

/// `NXD_ADDRESS`: version (4 or 6) and address, host byte order.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NXD_ADDRESS {
    pub nxd_ip_version: ULONG,
    pub nxd_ip_address: NXD_ADDRESS_UNION,
}

/// Driver entry point type.
pub type NX_IP_DRIVER_ENTRY = Option<unsafe extern "C" fn(driver_req: *mut NX_IP_DRIVER)>;

/// One network interface of an IP instance.
#[repr(C)]
pub struct NX_INTERFACE {
    pub nx_interface_name: *mut CHAR,
    pub nx_interface_valid: UCHAR,
    pub nx_interface_address_mapping_needed: UCHAR,
    pub nx_interface_link_up: UCHAR,
    pub nx_interface_index: UCHAR,
    pub nx_interface_link_status_change: UCHAR,
    pub nx_interface_reserved: [UCHAR; 3],
    pub nx_interface_ip_instance: *mut NX_IP,
    pub nx_interface_physical_address_msw: ULONG,
    pub nx_interface_physical_address_lsw: ULONG,
    pub nx_interface_ip_address: ULONG,
    pub nx_interface_ip_network_mask: ULONG,
    pub nx_interface_ip_network: ULONG,
    pub nx_interface_ip_mtu_size: ULONG,
    pub nx_interface_additional_link_info: *mut VOID,
    pub nx_interface_link_driver_entry: NX_IP_DRIVER_ENTRY,
    /// Offload capabilities the driver reports (`NX_INTERFACE_CAPABILITY_*`);
    /// recorded only: the library computes every checksum itself.
    pub nx_interface_capability_flag: ULONG,
}

/// A request from the IP layer to a driver.
#[repr(C)]
pub struct NX_IP_DRIVER {
    pub nx_ip_driver_command: UINT,
    pub nx_ip_driver_status: UINT,
    pub nx_ip_driver_physical_address_msw: ULONG,
    pub nx_ip_driver_physical_address_lsw: ULONG,
    pub nx_ip_driver_packet: *mut NX_PACKET,
    pub nx_ip_driver_return_ptr: *mut ULONG,
    pub nx_ip_driver_ptr: *mut NX_IP,
    pub nx_ip_driver_interface: *mut NX_INTERFACE,
}

/// A driver's deferred packet handler (`_nx_ip_driver_deferred_enable`).
pub type NX_IP_DEFERRED_PACKET_HANDLER = Option<unsafe extern "C" fn(ip_ptr: *mut NX_IP, packet_ptr: *mut NX_PACKET)>;

/// An IP instance in caller memory.
#[repr(C)]
pub struct NX_IP {
    pub nx_ip_id: ULONG,
    pub nx_ip_name: *mut CHAR,
    /// Default gateway (`nx_ip_gateway_address_set`), 0 for none.
    pub nx_ip_gateway_address: ULONG,
    /// Interface the gateway is reached through (NULL for none).
    pub nx_ip_gateway_interface: *mut NX_INTERFACE,
    pub nx_ip_interface: [NX_INTERFACE; NX_MAX_IP_INTERFACES],
    pub nx_ip_default_packet_pool: *mut NX_PACKET_POOL,
    /// The driver's handler for `_nx_ip_driver_deferred_receive`
    /// (`_nx_ip_driver_deferred_enable`), NULL for none.
    pub nx_ip_driver_deferred_packet_handler: NX_IP_DEFERRED_PACKET_HANDLER,
    /// Library state (the TCP/IP stack, queues, helper thread). Do not touch.
    pub nx_ip_private: [u64; NX_IP_PRIVATE_WORDS],
}

/// Socket callback types.
pub type NX_TCP_SOCKET_CALLBACK = Option<unsafe extern "C" fn(socket_ptr: *mut NX_TCP_SOCKET)>;
pub type NX_TCP_LISTEN_CALLBACK = Option<unsafe extern "C" fn(socket_ptr: *mut NX_TCP_SOCKET, port: UINT)>;

/// A TCP socket in caller memory.
#[repr(C)]
pub struct NX_TCP_SOCKET {
    pub nx_tcp_socket_id: ULONG,
    pub nx_tcp_socket_name: *mut CHAR,
    pub nx_tcp_socket_client_type: UINT,
    pub nx_tcp_socket_port: UINT,
    pub nx_tcp_socket_mss: ULONG,
    pub nx_tcp_socket_connect_ip: NXD_ADDRESS,
    pub nx_tcp_socket_connect_port: UINT,
    pub nx_tcp_socket_state: UINT,
    pub nx_tcp_socket_rx_window_default: ULONG,
    pub nx_tcp_socket_bytes_sent: ULONG,
    pub nx_tcp_socket_bytes_received: ULONG,
    pub nx_tcp_socket_time_to_live: UINT,
    pub nx_tcp_socket_type_of_service: ULONG,
    pub nx_tcp_socket_fragment_enable: ULONG,
    pub nx_tcp_socket_ip_ptr: *mut NX_IP,
    pub nx_tcp_urgent_data_callback: NX_TCP_SOCKET_CALLBACK,
    pub nx_tcp_disconnect_callback: NX_TCP_SOCKET_CALLBACK,
    pub nx_tcp_listen_callback: NX_TCP_LISTEN_CALLBACK,
    /// Library state. Do not touch.
    pub nx_tcp_socket_private: [u64; NX_TCP_SOCKET_PRIVATE_WORDS],
}

/// MD5 context layout kept for source compatibility (`NX_POP3_CLIENT` has one).
#[repr(C)]
pub struct NX_MD5 {
    pub nx_md5_states: [ULONG; 4],
    pub nx_md5_bit_count: [ULONG; 2],
    pub nx_md5_buffer: [UCHAR; 64],
}

/// Casts an object's private area to the Rust state it holds.
///
/// The compile-time check refuses a state that does not fit or needs more
/// than 8-byte alignment.
pub(crate) const fn private_fits<T, const N: usize>() -> bool {
    core::mem::size_of::<T>() <= N * 8 && core::mem::align_of::<T>() <= 8
}
