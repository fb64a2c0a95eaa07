/* NetX service names mapped to the library's symbols, as NetX's nx_api.h does.
   Included at the end of nx_pop3_client.h (generated); not meant to be
   included on its own.

   Without NX_DISABLE_ERROR_CHECKING each service maps to its checked `_nxe_`
   form; with it, to the unchecked `_nx_` form. The forms that NetX passes
   `&p` through (nx_packet_release, nx_packet_transmit_release,
   nx_tcp_socket_send) do the same here: on success the caller's packet
   pointer becomes NULL. The create services pass sizeof of the control block,
   so a program built against a different header is refused. */
#ifndef NX_API_SERVICES_H
#define NX_API_SERVICES_H

#define IP_ADDRESS(a, b, c, d) ((((ULONG)(a)) << 24) | (((ULONG)(b)) << 16) | (((ULONG)(c)) << 8) | ((ULONG)(d)))
#define NX_PARAMETER_NOT_USED(p) ((void)(p))

#define nx_system_initialize _nx_system_initialize
#define nx_ip_driver_deferred_processing _nx_ip_driver_deferred_processing

#ifndef NX_DISABLE_ERROR_CHECKING

#define nx_packet_allocate _nxe_packet_allocate
#define nx_packet_copy _nxe_packet_copy
#define nx_packet_data_append _nxe_packet_data_append
#define nx_packet_data_extract_offset _nxe_packet_data_extract_offset
#define nx_packet_data_retrieve _nxe_packet_data_retrieve
#define nx_packet_length_get _nxe_packet_length_get
#define nx_packet_pool_create(p, n, s, m, l) _nxe_packet_pool_create(p, n, s, m, l, sizeof(NX_PACKET_POOL))
#define nx_packet_pool_delete _nxe_packet_pool_delete
#define nx_packet_pool_info_get _nxe_packet_pool_info_get
#define nx_packet_release(p) _nxe_packet_release(&(p))
#define nx_packet_transmit_release(p) _nxe_packet_transmit_release(&(p))

#define nx_ip_create(i, n, a, m, d, l, p, s, pr) _nxe_ip_create(i, n, a, m, d, l, p, s, pr, sizeof(NX_IP))
#define nx_ip_delete _nxe_ip_delete
#define nx_ip_status_check _nxe_ip_status_check
#define nx_ip_interface_mtu_set _nxe_ip_interface_mtu_set
#define nx_ip_interface_physical_address_set _nxe_ip_interface_physical_address_set
#define nx_ip_interface_address_mapping_configure _nxe_ip_interface_address_mapping_configure
#define nx_arp_enable _nxe_arp_enable
#define nx_icmp_enable _nxe_icmp_enable
#define nx_tcp_enable _nxe_tcp_enable

#define nx_tcp_socket_create(i, s, n, t, f, l, w, u, d) _nxe_tcp_socket_create(i, s, n, t, f, l, w, u, d, sizeof(NX_TCP_SOCKET))
#define nx_tcp_socket_delete _nxe_tcp_socket_delete
#define nx_tcp_socket_transmit_configure _nxe_tcp_socket_transmit_configure
#define nx_tcp_client_socket_bind _nxe_tcp_client_socket_bind
#define nx_tcp_client_socket_unbind _nxe_tcp_client_socket_unbind
#define nx_tcp_client_socket_connect _nxe_tcp_client_socket_connect
#define nxd_tcp_client_socket_connect _nxde_tcp_client_socket_connect
#define nx_tcp_server_socket_listen _nxe_tcp_server_socket_listen
#define nx_tcp_server_socket_accept _nxe_tcp_server_socket_accept
#define nx_tcp_server_socket_relisten _nxe_tcp_server_socket_relisten
#define nx_tcp_server_socket_unaccept _nxe_tcp_server_socket_unaccept
#define nx_tcp_server_socket_unlisten _nxe_tcp_server_socket_unlisten
#define nx_tcp_socket_send(s, p, w) _nxe_tcp_socket_send(s, &(p), w)
#define nx_tcp_socket_receive _nxe_tcp_socket_receive
#define nx_tcp_socket_disconnect _nxe_tcp_socket_disconnect
#define nx_tcp_socket_state_wait _nxe_tcp_socket_state_wait
#define nx_tcp_socket_bytes_available _nxe_tcp_socket_bytes_available

#else /* NX_DISABLE_ERROR_CHECKING */

#define nx_packet_allocate _nx_packet_allocate
#define nx_packet_copy _nx_packet_copy
#define nx_packet_data_append _nx_packet_data_append
#define nx_packet_data_extract_offset _nx_packet_data_extract_offset
#define nx_packet_data_retrieve _nx_packet_data_retrieve
#define nx_packet_length_get _nx_packet_length_get
#define nx_packet_pool_create _nx_packet_pool_create
#define nx_packet_pool_delete _nx_packet_pool_delete
#define nx_packet_pool_info_get _nx_packet_pool_info_get
#define nx_packet_release _nx_packet_release
#define nx_packet_transmit_release _nx_packet_transmit_release

#define nx_ip_create _nx_ip_create
#define nx_ip_delete _nx_ip_delete
#define nx_ip_status_check _nx_ip_status_check
#define nx_ip_interface_mtu_set _nx_ip_interface_mtu_set
#define nx_ip_interface_physical_address_set _nx_ip_interface_physical_address_set
#define nx_ip_interface_address_mapping_configure _nx_ip_interface_address_mapping_configure
#define nx_arp_enable _nx_arp_enable
#define nx_icmp_enable _nx_icmp_enable
#define nx_tcp_enable _nx_tcp_enable

#define nx_tcp_socket_create _nx_tcp_socket_create
#define nx_tcp_socket_delete _nx_tcp_socket_delete
#define nx_tcp_socket_transmit_configure _nx_tcp_socket_transmit_configure
#define nx_tcp_client_socket_bind _nx_tcp_client_socket_bind
#define nx_tcp_client_socket_unbind _nx_tcp_client_socket_unbind
#define nx_tcp_client_socket_connect _nx_tcp_client_socket_connect
#define nxd_tcp_client_socket_connect _nxd_tcp_client_socket_connect
#define nx_tcp_server_socket_listen _nx_tcp_server_socket_listen
#define nx_tcp_server_socket_accept _nx_tcp_server_socket_accept
#define nx_tcp_server_socket_relisten _nx_tcp_server_socket_relisten
#define nx_tcp_server_socket_unaccept _nx_tcp_server_socket_unaccept
#define nx_tcp_server_socket_unlisten _nx_tcp_server_socket_unlisten
#define nx_tcp_socket_send _nx_tcp_socket_send
#define nx_tcp_socket_receive _nx_tcp_socket_receive
#define nx_tcp_socket_disconnect _nx_tcp_socket_disconnect
#define nx_tcp_socket_state_wait _nx_tcp_socket_state_wait
#define nx_tcp_socket_bytes_available _nx_tcp_socket_bytes_available

#endif /* NX_DISABLE_ERROR_CHECKING */

#endif /* NX_API_SERVICES_H */
