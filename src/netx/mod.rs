//! The NetX object model: packets and pools in caller memory, IP instances
//! over smoltcp reached only through the NetX driver protocol, TCP sockets,
//! ticks and waits. Unchecked (`_nx_`) semantics live here; argument checks
//! and `extern "C"` live in `ffi`.
//!
//! Every function is `pub unsafe fn`, named like the NetX service without the
//! leading underscore, takes raw pointers to created objects and returns a
//! NetX status. Waits are in ticks (`NX_NO_WAIT`, `NX_WAIT_FOREVER`).
//!
//! ```text
//! packet::nx_packet_pool_create(pool, name, payload_size, memory_ptr, memory_size) -> UINT
//! packet::nx_packet_pool_delete(pool) -> UINT
//! packet::nx_packet_allocate(pool, *mut *mut NX_PACKET, packet_type, wait) -> UINT
//! packet::nx_packet_release(packet) -> UINT                  // whole chain
//! packet::nx_packet_transmit_release(packet) -> UINT
//! packet::nx_packet_data_append(packet, data, size, pool, wait) -> UINT
//! packet::nx_packet_data_retrieve(packet, buffer, *mut ULONG) -> UINT
//! packet::nx_packet_data_extract_offset(packet, offset, buffer, len, *mut ULONG) -> UINT
//! packet::nx_packet_length_get(packet, *mut ULONG) -> UINT
//! packet::nx_packet_copy(packet, *mut *mut NX_PACKET, pool, wait) -> UINT
//! packet::nx_packet_pool_info_get(pool, total, free, empty_requests, empty_suspensions, invalid_releases) -> UINT
//!
//! ip::nx_system_initialize()
//! ip::nx_ip_create(ip, name, ip_address, network_mask, default_pool, driver, memory_ptr, memory_size, priority) -> UINT
//! ip::nx_ip_delete(ip) -> UINT
//! ip::nx_arp_enable(ip, cache, size) / nx_tcp_enable(ip) / nx_icmp_enable(ip) -> UINT
//! ip::nx_ip_status_check(ip, needed, *mut ULONG actual, wait) -> UINT
//! ip::nx_ip_interface_mtu_set / nx_ip_interface_physical_address_set / nx_ip_interface_address_mapping_configure
//! ip::nx_ip_packet_deferred_receive(ip, packet) / nx_arp_packet_deferred_receive(ip, packet) / nx_ip_driver_deferred_processing(ip)
//!
//! tcp::nx_tcp_socket_create(ip, socket, name, tos, fragment, ttl, window_size, urgent_cb, disconnect_cb) -> UINT
//! tcp::nx_tcp_socket_delete(socket) -> UINT
//! tcp::nx_tcp_client_socket_bind(socket, port, wait) -> UINT
//! tcp::nx_tcp_client_socket_unbind(socket) -> UINT
//! tcp::nx_tcp_client_socket_connect(socket, server_ip: ULONG, server_port, wait) -> UINT
//! tcp::nxd_tcp_client_socket_connect(socket, *const NXD_ADDRESS, server_port, wait) -> UINT
//! tcp::nx_tcp_server_socket_listen(ip, port, socket, listen_queue_size, listen_cb) -> UINT
//! tcp::nx_tcp_server_socket_accept(socket, wait) -> UINT
//! tcp::nx_tcp_server_socket_relisten(ip, port, socket) -> UINT
//! tcp::nx_tcp_server_socket_unaccept(socket) -> UINT
//! tcp::nx_tcp_server_socket_unlisten(ip, port) -> UINT
//! tcp::nx_tcp_socket_send(socket, packet: *mut NX_PACKET, wait) -> UINT   // success: stack owns packet
//! tcp::nx_tcp_socket_receive(socket, *mut *mut NX_PACKET, wait) -> UINT   // success: caller owns packet
//! tcp::nx_tcp_socket_disconnect(socket, wait) -> UINT
//! tcp::nx_tcp_socket_state_wait(socket, desired_state, wait) -> UINT
//! tcp::nx_tcp_socket_bytes_available(socket, *mut ULONG) -> UINT
//! ```

//!
//! ## Threads and locks
//!
//! Each IP instance has a helper thread and two locks (see [`ip`]): `core`
//! around smoltcp and the TCP bookkeeping, and a small `ctl` lock for the
//! deferred receive and transmit queues. Lock order: `core` → `ctl` → a
//! pool's lock. No lock is held while a driver or a callback is called.
//! Application calls (send, receive, connect...) poll smoltcp themselves, so
//! data leaves without a thread hand-off; the helper thread serves frames
//! queued by drivers, timers and `NX_LINK_DEFERRED_PROCESSING`. A driver that
//! delivers from a safe context (the RAM driver) may have the receiving
//! stack process the frame on its own thread ([`ip::poll_inline`]). Callbacks
//! (listen, disconnect) run on whichever thread polled: an application thread
//! or the helper.
//!
//! ## Differences from NetX worth knowing
//!
//! - `nx_tcp_socket_send` copies the data into the socket's transmit buffer
//!   and releases the packet at once (NetX keeps it until acknowledged); on a
//!   timeout with part of the data queued, the queued prefix is removed from
//!   the packet and `NX_TX_QUEUE_DEPTH` is returned.
//! - `nx_tcp_socket_receive` hands out one packet (never a chain) from the
//!   default pool, data at `data_start` (no headroom).
//! - ICMP echo is answered whether or not `nx_icmp_enable` was called; the
//!   ARP cache memory is checked but smoltcp keeps its own cache.
//! - IPv6 is not configured yet: `nxd_tcp_client_socket_connect` with an IPv6
//!   address gives `NX_NOT_SUPPORTED`.
//! - The MTU a driver sets during `NX_LINK_INITIALIZE` is used (capped so a
//!   frame fits one pool packet); later `nx_ip_interface_mtu_set` calls are
//!   recorded only.

pub mod types;
pub mod packet;
pub mod ip;
pub mod tcp;
pub mod compat;
