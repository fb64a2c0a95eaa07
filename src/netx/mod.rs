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
//! ip::nx_ip_delete(ip) -> UINT                                 // NX_SOCKETS_BOUND, NX_CALLER_ERROR
//! ip::nx_ip_service(ip) -> UINT                                // one helper round (no helper thread)
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
//! tcp::nxd_tcp_socket_peer_info_get(socket, *mut NXD_ADDRESS, *mut ULONG) -> UINT
//!
//! ipv6::nxd_ipv6_enable(ip) / nxd_ipv6_disable(ip) / nxd_icmp_enable(ip) -> UINT
//! ipv6::nxd_ipv6_address_set(ip, interface_index, *const NXD_ADDRESS or NULL, prefix_length, *mut UINT) -> UINT
//! ipv6::nxd_ipv6_address_get(ip, address_index, *mut NXD_ADDRESS, *mut ULONG, *mut UINT) -> UINT
//! ipv6::nxd_ipv6_address_delete(ip, address_index) -> UINT
//! ipv6::nxd_ipv6_default_router_add(ip, *const NXD_ADDRESS, lifetime, interface_index) -> UINT
//! ipv6::nx_icmp_info_get(ip, 6 × *mut ULONG) -> UINT
//! ```

//!
//! ## Threads and locks
//!
//! Each IP instance has a helper thread, started with `port::spawn_in` on
//! a stack carved from the instance's memory area at `nx_ip_create`'s
//! priority (none on a port without threads: then every wait of an
//! application call serves the instance itself, see [`ip::nx_ip_service`],
//! and on bare metal the port's idle hook serves every instance) and two
//! locks (see [`ip`]): `core` around smoltcp and the TCP bookkeeping, and a
//! small `ctl` lock for the deferred receive and transmit queues, an
//! `IsrLock` (a driver's ISR queues frames there; no other lock is taken
//! while it is held, and its signal is notified after it is let go). Lock
//! order: `core` → `ctl`; a pool's lock is never taken under `ctl`. No lock
//! is held while a driver or a callback is called.
//! Application calls (send, receive, connect...) poll smoltcp themselves, so
//! data leaves without a thread hand-off; the helper thread serves frames
//! queued by drivers, timers and `NX_LINK_DEFERRED_PROCESSING`. A driver that
//! delivers from a safe context (the RAM driver) may have the receiving
//! stack process the frame on its own thread ([`ip::poll_inline`]). Callbacks
//! (listen, disconnect) run on whichever thread polled: an application thread
//! or the helper.
//!
//! ## Memory
//!
//! No heap: pools carve the caller's memory into packets; an IP instance's
//! locks, queues and lifetime state live in the `NX_IP` itself, and
//! everything else (smoltcp's interface and socket set, the TCP tables,
//! frame scratch, every socket's ring buffers) in the memory area given to
//! `nx_ip_create` ([`area`]: how many bytes and why). The RAM driver's wire
//! is a fixed table. (Only the host-only TAP driver and the std port use the
//! heap.)
//!
//! ## Object lifetimes: the one rule
//!
//! Control blocks (`NX_PACKET_POOL`, `NX_IP`, `NX_TCP_SOCKET`) are the
//! caller's memory; a delete must leave no thread of ours touching one
//! after it returns, and a call racing with a delete must end with a NetX
//! status. One rule, used by pools, IP instances, sockets and drivers:
//!
//! 1. **Validity is id + self-check, read from the object itself.** Each
//!    private area starts with the object's own address; an object is
//!    created when its id is set and that field matches (no global table).
//! 2. **State that a racing call may still lock lives in the object and is
//!    never torn down.** A pool's lock and an instance's `ctl` lock stay
//!    valid after delete; the id is cleared under the lock, so a late call
//!    takes the lock and finds the object gone (`NX_PTR_ERROR`).
//! 3. **Every call into an instance is counted** (`ip::enter` gives an
//!    `IpUse`, dropped on return; the helper thread and a driver's inline
//!    poll count too). `nx_ip_delete` refuses while sockets exist
//!    (`NX_SOCKETS_BOUND`, as NetX), refuses from the instance's own helper
//!    thread or while one of its callbacks runs (`NX_CALLER_ERROR`: it would
//!    wait for itself), otherwise marks the instance shutting down (new
//!    calls: `NX_PTR_ERROR`), joins the helper, waits until the count is
//!    zero, and only then sends `NX_LINK_UNINITIALIZE`: no driver call can
//!    run after it (the TAP transmit included).
//! 4. **Sockets are generation-checked slots, and deletes never wait.** A
//!    socket's state is a slot of its instance's fixed table; the socket
//!    holds `(slot, generation)`. Every access, including each turn of a
//!    wait, checks the reference under the instance's `core` lock; delete
//!    frees the slot and bumps the generation, so a thread still inside a
//!    call on it returns `NX_PTR_ERROR` without reading the socket again, and
//!    a delete from a callback inside such a call cannot deadlock.
//!    Disconnect, unbind, unaccept and unlisten bump the slot's epoch: waiters
//!    from before return `NX_NOT_CONNECTED` or `NX_NOT_BOUND`. Listen entries
//!    hold slot references too (a deleted socket is never called back).
//! 5. **A pool's allocators are counted under its lock;** delete clears the
//!    id, wakes them (`NX_DELETED`) and waits them out. A release checks the
//!    id under the lock and notifies before unlocking.
//! 6. **Callbacks get their C function read under the lock** and run with
//!    no lock held, counted in the instance's `cb_running`.
//! 7. **Drivers follow the same rule for their own state:** the RAM driver
//!    counts deliveries in progress per station and `NX_LINK_UNINITIALIZE`
//!    waits for them; the TAP driver joins its reader. The interface's
//!    `nx_interface_link_up` byte is read and written atomically on our side
//!    ([`ip::link_is_up`], [`ip::link_set`]).
//!
//! Waits are "check the condition, poll, wait" loops that tolerate spurious
//! wake-ups, so a port whose wait drives the stack itself (bare metal) fits.
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
//! - IPv6 ([`ipv6`]): static addresses only (no DAD, SLAAC or MLD), one
//!   default router; neighbors are learnt from NS/NA options.
//! - The MTU a driver sets during `NX_LINK_INITIALIZE` is used (capped so a
//!   frame fits one pool packet); later `nx_ip_interface_mtu_set` calls are
//!   recorded only.

pub mod types;
pub mod packet;
pub mod ip;
pub mod tcp;
pub mod area;
pub mod compat;
pub mod ipv6;
#[cfg(test)]
mod tests;
