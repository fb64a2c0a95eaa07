/* test_pop3_layout: compile-time checks of the NetX compatibility contract
   (docs/COMPAT.md, "Exactly the same": names, numbers and the public
   fields of every structure): status values, constants, and the order of every public field
   of NX_POP3_CLIENT, NX_PACKET, NX_PACKET_POOL, NX_IP_DRIVER, NX_TCP_SOCKET.
   Applications declare these structs statically and read their fields, so
   the names, the order and the types must be NetX's. Prints the sizes. */

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SA(cond) _Static_assert(cond, #cond)
/* Field b comes after field a. */
#define AFTER(T, a, b) _Static_assert(offsetof(T, a) < offsetof(T, b), #T ": " #a " before " #b)
#define SAME_TYPE(T, f, U) _Static_assert(_Generic(((T *)0)->f, U: 1, default: 0), #T "." #f " has type " #U)

/* ---------------------------------------------------------------- section 1: types */
SA(sizeof(ULONG) == 4);
SA(sizeof(UINT) == 4);
SA(sizeof(UCHAR) == 1);
SA(sizeof(CHAR) == 1);
SA(sizeof(USHORT) == 2);
SA(sizeof(INT) == sizeof(int));
SA((ULONG)-1 > 0);
SA((UINT)-1 > 0);

/* ---------------------------------------------------------------- section 1: constants */
SA(NX_TRUE == 1);
SA(NX_FALSE == 0);
SA(NX_NULL == 0);
SA(NX_IP_PERIODIC_RATE == 100);
SA(NX_NO_WAIT == 0);
SA(NX_WAIT_FOREVER == 0xFFFFFFFFUL);
SA(TX_WAIT_FOREVER == NX_WAIT_FOREVER);
SA(TX_NO_WAIT == NX_NO_WAIT);
SA(IP_ADDRESS(192, 0, 2, 1) == 0xC0000201UL);
SA(IP_ADDRESS(255, 255, 255, 0) == 0xFFFFFF00UL);
SA(NX_ANY_PORT == 0);
SA(NX_IP_NORMAL == 0);
SA(NX_FRAGMENT_OKAY == 0);
SA(NX_IP_TIME_TO_LIVE == 0x80);
SA(NX_IP_VERSION_V4 == 4);
SA(NX_IP_VERSION_V6 == 6);
SA(NX_IP_ID == 0x49502020UL);
SA(NX_PACKET_POOL_ID == 0x5041434BUL);
SA(NX_TCP_ID == 0x54435020UL);

/* General status codes. */
SA(NX_SUCCESS == 0x00);
SA(NX_NO_PACKET == 0x01);
SA(NX_UNDERFLOW == 0x02);
SA(NX_OVERFLOW == 0x03);
SA(NX_NO_MAPPING == 0x04);
SA(NX_DELETED == 0x05);
SA(NX_POOL_ERROR == 0x06);
SA(NX_PTR_ERROR == 0x07);
SA(NX_WAIT_ERROR == 0x08);
SA(NX_SIZE_ERROR == 0x09);
SA(NX_OPTION_ERROR == 0x0A);
SA(NX_DELETE_ERROR == 0x10);
SA(NX_CALLER_ERROR == 0x11);
SA(NX_INVALID_PACKET == 0x12);
SA(NX_NOT_ENABLED == 0x14);
SA(NX_ALREADY_ENABLED == 0x15);
SA(NX_ENTRY_NOT_FOUND == 0x16);
SA(NX_NO_MORE_ENTRIES == 0x17);
SA(NX_IP_ADDRESS_ERROR == 0x21);
SA(NX_ALREADY_BOUND == 0x22);
SA(NX_PORT_UNAVAILABLE == 0x23);
SA(NX_NOT_BOUND == 0x24);
SA(NX_NOT_CREATED == 0x27);
SA(NX_ALREADY_RELEASED == 0x31);
SA(NX_DUPLICATE_LISTEN == 0x34);
SA(NX_NOT_CLOSED == 0x35);
SA(NX_NOT_LISTEN_STATE == 0x36);
SA(NX_IN_PROGRESS == 0x37);
SA(NX_NOT_CONNECTED == 0x38);
SA(NX_STILL_BOUND == 0x42);
SA(NX_UNHANDLED_COMMAND == 0x44);
SA(NX_INVALID_PORT == 0x46);
SA(NX_CONNECTION_PENDING == 0x48);
SA(NX_TX_QUEUE_DEPTH == 0x49);
SA(NX_NOT_SUPPORTED == 0x4B);
SA(NX_INVALID_INTERFACE == 0x4C);
SA(NX_INVALID_PARAMETERS == 0x4D);
SA(NX_NOT_FOUND == 0x4E);
SA(NX_PACKET_OFFSET_ERROR == 0x53);

/* ---------------------------------------------------------------- section 2: POP3 statuses */
SA(NX_POP3_CLIENT_ERROR_CONSTANT == 0xB0);
SA(NX_POP3_PARAM_ERROR == 0xB1);
SA(NX_POP3_INVALID_MAIL_ITEM == 0xB2);
SA(NX_POP3_APOP_FAILED_MD5_DIGEST == 0xB3);
SA(NX_POP3_SERVER_ERROR_STATUS == 0xB4);
SA(NX_POP3_MAIL_BUFFER_OVERFLOW == 0xB5);
SA(NX_POP3_INSUFFICIENT_PACKET_PAYLOAD == 0xB6);
SA(NX_POP3_CLIENT_INVALID_STATE == 0xB7);
SA(NX_POP3_CLIENT_INVALID_INDEX == 0xB8);

/* ---------------------------------------------------------------- section 2: settings */
SA(NX_POP3_MAX_USERNAME == 40);
SA(NX_POP3_MAX_PASSWORD == 20);
SA(NX_POP3_SERVER_PROCESS_ID_SIZE == 75);
SA(NX_POP3_MAX_SERVER_REPLY == 512);
SA(NX_POP3_MAX_CLIENT_COMMAND == 150);
SA(NX_POP3_CLIENT_PACKET_TIMEOUT == 1 * NX_IP_PERIODIC_RATE);
SA(NX_POP3_TCP_SOCKET_SEND_WAIT == 10 * NX_IP_PERIODIC_RATE);
SA(NX_POP3_CLIENT_CONNECTION_TIMEOUT == 30 * NX_IP_PERIODIC_RATE);
SA(NX_POP3_CLIENT_DISCONNECT_TIMEOUT == 10 * NX_IP_PERIODIC_RATE);
SA(NX_POP3_SERVER_REPLY_TIMEOUT == 10 * NX_IP_PERIODIC_RATE);
SA(NX_POP3_CLIENT_TCP_WINDOW_SIZE == 1460);
SA(NX_POP3_CLIENT_MAIL_BUFFER_SIZE == 2000);
SA(NX_POP3_CODE_INVALID == 0);
SA(NX_POP3_CODE_OK == 1);
SA(NX_POP3_CODE_ERR == 2);
SA(NX_POP3_MAX_BINARY_MD5 == 16);
SA(NX_POP3_MAX_ASCII_MD5 == 32);
SA(sizeof(NX_POP3_POSITIVE_STATUS) == 4);
SA(sizeof(NX_POP3_NEGATIVE_STATUS) == 5);
SA(sizeof(NX_POP3_END_OF_MESSAGE) == 6);

/* ---------------------------------------------------------------- section 3: constants */
SA(NX_PHYSICAL_HEADER == 16);
SA(NX_IPv4_PACKET == 36);
SA(NX_IPv4_TCP_PACKET == 56);
SA(NX_IPv6_PACKET == 56);
SA(NX_IPv6_TCP_PACKET == 76);
SA(NX_TCP_PACKET == 76);
SA(NX_UDP_PACKET == 64);
SA(NX_RECEIVE_PACKET == 0);
SA(NX_IP_INITIALIZE_DONE == 0x1);
SA(NX_IP_ADDRESS_RESOLVED == 0x2);
SA(NX_IP_LINK_ENABLED == 0x4);
SA(NX_IP_ARP_ENABLED == 0x8);
SA(NX_IP_TCP_ENABLED == 0x20);
SA(NX_LINK_PACKET_SEND == 0);
SA(NX_LINK_INITIALIZE == 1);
SA(NX_LINK_ENABLE == 2);
SA(NX_LINK_DISABLE == 3);
SA(NX_LINK_PACKET_BROADCAST == 4);
SA(NX_LINK_ARP_SEND == 5);
SA(NX_LINK_ARP_RESPONSE_SEND == 6);
SA(NX_LINK_RARP_SEND == 7);
SA(NX_LINK_MULTICAST_JOIN == 8);
SA(NX_LINK_MULTICAST_LEAVE == 9);
SA(NX_LINK_GET_STATUS == 10);
SA(NX_LINK_GET_ALLOC_ERRORS == 16);
SA(NX_LINK_UNINITIALIZE == 17);
SA(NX_LINK_DEFERRED_PROCESSING == 18);
SA(NX_LINK_INTERFACE_ATTACH == 19);
SA(NX_LINK_SET_PHYSICAL_ADDRESS == 20);
SA(NX_LINK_INTERFACE_DETACH == 23);
SA(NX_LINK_GET_INTERFACE_TYPE == 28);
SA(NX_LINK_USER_COMMAND == 50);
SA(NX_TCP_CLOSED == 1);
SA(NX_TCP_LISTEN_STATE == 2);
SA(NX_TCP_SYN_SENT == 3);
SA(NX_TCP_SYN_RECEIVED == 4);
SA(NX_TCP_ESTABLISHED == 5);
SA(NX_TCP_CLOSE_WAIT == 6);
SA(NX_TCP_FIN_WAIT_1 == 7);
SA(NX_TCP_FIN_WAIT_2 == 8);
SA(NX_TCP_CLOSING == 9);
SA(NX_TCP_TIMED_WAIT == 10);
SA(NX_TCP_LAST_ACK == 11);

/* ---------------------------------------------------------------- NX_POP3_CLIENT */
SA(offsetof(NX_POP3_CLIENT, nx_pop3_client_name) == 0);
AFTER(NX_POP3_CLIENT, nx_pop3_client_name, nx_pop3_client_password);
AFTER(NX_POP3_CLIENT, nx_pop3_client_password, nx_pop3_client_tcp_socket);
AFTER(NX_POP3_CLIENT, nx_pop3_client_tcp_socket, nx_pop3_client_packet_pool_ptr);
AFTER(NX_POP3_CLIENT, nx_pop3_client_packet_pool_ptr, nx_pop3_client_enable_APOP_authentication);
AFTER(NX_POP3_CLIENT, nx_pop3_client_enable_APOP_authentication, nx_pop3_client_mail_status);
AFTER(NX_POP3_CLIENT, nx_pop3_client_mail_status, nx_pop3_client_maildrop_items);
AFTER(NX_POP3_CLIENT, nx_pop3_client_maildrop_items, nx_pop3_client_maildrop_index);
AFTER(NX_POP3_CLIENT, nx_pop3_client_maildrop_index, nx_pop3_client_total_message_size);
AFTER(NX_POP3_CLIENT, nx_pop3_client_total_message_size, nx_pop3_client_ready_to_download);
AFTER(NX_POP3_CLIENT, nx_pop3_client_ready_to_download, nx_pop3_server_process_id);
AFTER(NX_POP3_CLIENT, nx_pop3_server_process_id, nx_pop3_client_md5data);
AFTER(NX_POP3_CLIENT, nx_pop3_client_md5data, nx_pop3_client_message_ptr);
SA(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_client_name) == NX_POP3_MAX_USERNAME + 1);
SA(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_client_password) == NX_POP3_MAX_PASSWORD + 1);
SA(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_server_process_id) == NX_POP3_SERVER_PROCESS_ID_SIZE + 1);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_tcp_socket, NX_TCP_SOCKET);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_packet_pool_ptr, NX_PACKET_POOL *);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_enable_APOP_authentication, UINT);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_mail_status, UINT);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_maildrop_items, UINT);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_maildrop_index, UINT);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_total_message_size, ULONG);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_ready_to_download, UINT);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_md5data, NX_MD5);
SAME_TYPE(NX_POP3_CLIENT, nx_pop3_client_message_ptr, NX_PACKET *);
SA(sizeof(NX_POP3_CLIENT) <= 1024);

/* NX_MD5 */
SA(offsetof(NX_MD5, nx_md5_states) == 0);
AFTER(NX_MD5, nx_md5_states, nx_md5_bit_count);
AFTER(NX_MD5, nx_md5_bit_count, nx_md5_buffer);
SA(sizeof(((NX_MD5 *)0)->nx_md5_states) == 4 * sizeof(ULONG));
SA(sizeof(((NX_MD5 *)0)->nx_md5_bit_count) == 2 * sizeof(ULONG));
SA(sizeof(((NX_MD5 *)0)->nx_md5_buffer) == 64);

/* ---------------------------------------------------------------- NX_PACKET */
SA(offsetof(NX_PACKET, nx_packet_pool_owner) == 0);
AFTER(NX_PACKET, nx_packet_pool_owner, nx_packet_next);
AFTER(NX_PACKET, nx_packet_next, nx_packet_prepend_ptr);
AFTER(NX_PACKET, nx_packet_prepend_ptr, nx_packet_append_ptr);
AFTER(NX_PACKET, nx_packet_append_ptr, nx_packet_data_start);
AFTER(NX_PACKET, nx_packet_data_start, nx_packet_data_end);
AFTER(NX_PACKET, nx_packet_data_end, nx_packet_last);
AFTER(NX_PACKET, nx_packet_last, nx_packet_queue_next);
AFTER(NX_PACKET, nx_packet_queue_next, nx_packet_union_next);
AFTER(NX_PACKET, nx_packet_union_next, nx_packet_length);
AFTER(NX_PACKET, nx_packet_length, nx_packet_ip_version);
SA(sizeof(((NX_PACKET *)0)->nx_packet_union_next) == sizeof(void *));
/* The pointers are packed one after the other, as in NetX. */
SA(offsetof(NX_PACKET, nx_packet_union_next) == 8 * sizeof(void *));
SAME_TYPE(NX_PACKET, nx_packet_pool_owner, NX_PACKET_POOL *);
SAME_TYPE(NX_PACKET, nx_packet_next, NX_PACKET *);
SAME_TYPE(NX_PACKET, nx_packet_prepend_ptr, UCHAR *);
SAME_TYPE(NX_PACKET, nx_packet_append_ptr, UCHAR *);
SAME_TYPE(NX_PACKET, nx_packet_data_start, UCHAR *);
SAME_TYPE(NX_PACKET, nx_packet_data_end, UCHAR *);
SAME_TYPE(NX_PACKET, nx_packet_last, NX_PACKET *);
SAME_TYPE(NX_PACKET, nx_packet_queue_next, NX_PACKET *);
SAME_TYPE(NX_PACKET, nx_packet_length, ULONG);
SAME_TYPE(NX_PACKET, nx_packet_ip_version, UCHAR);

/* ---------------------------------------------------------------- NX_PACKET_POOL */
SA(offsetof(NX_PACKET_POOL, nx_packet_pool_id) == 0);
AFTER(NX_PACKET_POOL, nx_packet_pool_id, nx_packet_pool_name);
AFTER(NX_PACKET_POOL, nx_packet_pool_name, nx_packet_pool_available);
AFTER(NX_PACKET_POOL, nx_packet_pool_available, nx_packet_pool_total);
AFTER(NX_PACKET_POOL, nx_packet_pool_total, nx_packet_pool_empty_requests);
AFTER(NX_PACKET_POOL, nx_packet_pool_empty_requests, nx_packet_pool_empty_suspensions);
AFTER(NX_PACKET_POOL, nx_packet_pool_empty_suspensions, nx_packet_pool_invalid_releases);
AFTER(NX_PACKET_POOL, nx_packet_pool_invalid_releases, nx_packet_pool_available_list);
AFTER(NX_PACKET_POOL, nx_packet_pool_available_list, nx_packet_pool_start);
AFTER(NX_PACKET_POOL, nx_packet_pool_start, nx_packet_pool_size);
AFTER(NX_PACKET_POOL, nx_packet_pool_size, nx_packet_pool_payload_size);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_id, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_name, CHAR *);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_available, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_total, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_empty_requests, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_empty_suspensions, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_invalid_releases, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_available_list, NX_PACKET *);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_start, CHAR *);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_size, ULONG);
SAME_TYPE(NX_PACKET_POOL, nx_packet_pool_payload_size, ULONG);

/* ---------------------------------------------------------------- NX_IP_DRIVER */
SA(offsetof(NX_IP_DRIVER, nx_ip_driver_command) == 0);
AFTER(NX_IP_DRIVER, nx_ip_driver_command, nx_ip_driver_status);
AFTER(NX_IP_DRIVER, nx_ip_driver_status, nx_ip_driver_physical_address_msw);
AFTER(NX_IP_DRIVER, nx_ip_driver_physical_address_msw, nx_ip_driver_physical_address_lsw);
AFTER(NX_IP_DRIVER, nx_ip_driver_physical_address_lsw, nx_ip_driver_packet);
AFTER(NX_IP_DRIVER, nx_ip_driver_packet, nx_ip_driver_return_ptr);
AFTER(NX_IP_DRIVER, nx_ip_driver_return_ptr, nx_ip_driver_ptr);
AFTER(NX_IP_DRIVER, nx_ip_driver_ptr, nx_ip_driver_interface);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_command, UINT);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_status, UINT);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_physical_address_msw, ULONG);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_physical_address_lsw, ULONG);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_packet, NX_PACKET *);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_return_ptr, ULONG *);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_ptr, NX_IP *);
SAME_TYPE(NX_IP_DRIVER, nx_ip_driver_interface, NX_INTERFACE *);

/* ---------------------------------------------------------------- NX_TCP_SOCKET */
SA(offsetof(NX_TCP_SOCKET, nx_tcp_socket_id) == 0);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_id, nx_tcp_socket_name);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_name, nx_tcp_socket_port);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_port, nx_tcp_socket_connect_ip);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_connect_ip, nx_tcp_socket_connect_port);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_connect_port, nx_tcp_socket_state);
AFTER(NX_TCP_SOCKET, nx_tcp_socket_state, nx_tcp_socket_ip_ptr);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_id, ULONG);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_name, CHAR *);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_port, UINT);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_connect_ip, NXD_ADDRESS);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_connect_port, UINT);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_state, UINT);
SAME_TYPE(NX_TCP_SOCKET, nx_tcp_socket_ip_ptr, NX_IP *);

/* ---------------------------------------------------------------- NXD_ADDRESS, NX_IP, NX_INTERFACE */
SA(offsetof(NXD_ADDRESS, nxd_ip_version) == 0);
AFTER(NXD_ADDRESS, nxd_ip_version, nxd_ip_address);
SA(sizeof(((NXD_ADDRESS *)0)->nxd_ip_address) == 4 * sizeof(ULONG));
SAME_TYPE(NXD_ADDRESS, nxd_ip_version, ULONG);
SAME_TYPE(NXD_ADDRESS, nxd_ip_address.v4, ULONG);
SA(offsetof(NX_IP, nx_ip_id) == 0);
AFTER(NX_IP, nx_ip_id, nx_ip_name);
SAME_TYPE(NX_IP, nx_ip_id, ULONG);
SAME_TYPE(NX_IP, nx_ip_default_packet_pool, NX_PACKET_POOL *);
SAME_TYPE(NX_INTERFACE, nx_interface_ip_address, ULONG);
SAME_TYPE(NX_INTERFACE, nx_interface_ip_network_mask, ULONG);
SAME_TYPE(NX_INTERFACE, nx_interface_ip_mtu_size, ULONG);
SAME_TYPE(NX_INTERFACE, nx_interface_physical_address_msw, ULONG);
SAME_TYPE(NX_INTERFACE, nx_interface_physical_address_lsw, ULONG);

/* Fields NetX drivers and programs use (issue 8): the receive interface a
   driver sets, its NetX alias, the interface capability flag, the gateway. */
AFTER(NX_PACKET, nx_packet_ip_version, nx_packet_address);
SAME_TYPE(NX_PACKET, nx_packet_address.nx_packet_interface_ptr, NX_INTERFACE *);
SAME_TYPE(NX_PACKET, nx_packet_ip_interface, NX_INTERFACE *);
SA(sizeof(((NX_PACKET *)0)->nx_packet_address) == sizeof(void *));
SAME_TYPE(NX_INTERFACE, nx_interface_capability_flag, ULONG);
SAME_TYPE(NX_PACKET, nx_packet_interface_capability_flag, ULONG);
SAME_TYPE(NX_INTERFACE, nx_interface_link_up, UCHAR);
SAME_TYPE(NX_IP, nx_ip_gateway_address, ULONG);
SAME_TYPE(NX_IP, nx_ip_gateway_interface, NX_INTERFACE *);
SAME_TYPE(NX_IP, nx_ip_driver_deferred_packet_handler, VOID (*)(NX_IP *, NX_PACKET *));
/* NetX's compatibility names for interface 0. */
SAME_TYPE(NX_IP, nx_ip_address, ULONG);
SAME_TYPE(NX_IP, nx_ip_network_mask, ULONG);
SAME_TYPE(NX_IP, nx_ip_driver_mtu, ULONG);
SAME_TYPE(NX_IP, nx_ip_driver_link_up, UCHAR);
SAME_TYPE(NX_IP, nx_ip_arp_physical_address_msw, ULONG);

/* Struct tags: NetX's names of the same types. */
SA(_Generic((struct NX_PACKET_STRUCT *)0, NX_PACKET *: 1, default: 0));
SA(_Generic((struct NX_PACKET_POOL_STRUCT *)0, NX_PACKET_POOL *: 1, default: 0));
SA(_Generic((struct NX_IP_STRUCT *)0, NX_IP *: 1, default: 0));
SA(_Generic((struct NX_IP_DRIVER_STRUCT *)0, NX_IP_DRIVER *: 1, default: 0));
SA(_Generic((struct NX_INTERFACE_STRUCT *)0, NX_INTERFACE *: 1, default: 0));
SA(_Generic((struct NX_TCP_SOCKET_STRUCT *)0, NX_TCP_SOCKET *: 1, default: 0));
SA(_Generic((struct NXD_ADDRESS_STRUCT *)0, NXD_ADDRESS *: 1, default: 0));
SA(_Generic((struct NX_MD5_STRUCT *)0, NX_MD5 *: 1, default: 0));
SA(_Generic((struct NX_POP3_CLIENT_STRUCT *)0, NX_POP3_CLIENT *: 1, default: 0));

/* Constants with NetX's types (a bare 4294967295 would be long, or long long
   on 32-bit targets). */
SA(_Generic(NX_WAIT_FOREVER, ULONG: 1, default: 0));
SA(_Generic(NX_IP_ID, ULONG: 1, default: 0));
SA(_Generic(NX_PACKET_POOL_ID, ULONG: 1, default: 0));
SA(_Generic(NX_TCP_ID, ULONG: 1, default: 0));
SA(_Generic(NX_PACKET_FREE, ALIGN_TYPE: 1, default: 0));
SA(_Generic(NX_PACKET_ALLOCATED, ALIGN_TYPE: 1, default: 0));
SA(NX_PACKET_FREE == 0xFFFFFFFFUL);
SA(NX_PACKET_ALLOCATED == 0xAAAAAAAAUL);

/* The nine services and the helpers, with the original prototypes: assigning
   each to a pointer of the NetX type fails to compile if a type differs. */
static UINT (*const fp_create)(NX_POP3_CLIENT *, UINT, NX_IP *, NX_PACKET_POOL *, ULONG, ULONG, CHAR *, CHAR *) =
    _nxe_pop3_client_create;
static UINT (*const fp_create_nx)(NX_POP3_CLIENT *, UINT, NX_IP *, NX_PACKET_POOL *, ULONG, ULONG, CHAR *, CHAR *) =
    _nx_pop3_client_create;
static UINT (*const fp_dcreate)(NX_POP3_CLIENT *, UINT, NX_IP *, NX_PACKET_POOL *, NXD_ADDRESS *, ULONG, CHAR *,
                                CHAR *) = _nxde_pop3_client_create;
static UINT (*const fp_dcreate_nx)(NX_POP3_CLIENT *, UINT, NX_IP *, NX_PACKET_POOL *, NXD_ADDRESS *, ULONG, CHAR *,
                                   CHAR *) = _nxd_pop3_client_create;
static UINT (*const fp_items)(NX_POP3_CLIENT *, UINT *, ULONG *) = nx_pop3_client_mail_items_get;
static UINT (*const fp_size)(NX_POP3_CLIENT *, UINT, ULONG *) = nx_pop3_client_mail_item_size_get;
static UINT (*const fp_get)(NX_POP3_CLIENT *, UINT, ULONG *) = nx_pop3_client_mail_item_get;
static UINT (*const fp_msg)(NX_POP3_CLIENT *, NX_PACKET **, ULONG *, UINT *) = nx_pop3_client_mail_item_message_get;
static UINT (*const fp_dele)(NX_POP3_CLIENT *, UINT) = nx_pop3_client_mail_item_delete;
static UINT (*const fp_quit)(NX_POP3_CLIENT *) = nx_pop3_client_quit;
static UINT (*const fp_delete)(NX_POP3_CLIENT *) = nx_pop3_client_delete;
static UINT (*const fp_items_nx)(NX_POP3_CLIENT *, UINT *, ULONG *) = _nx_pop3_client_mail_items_get;
static UINT (*const fp_size_nx)(NX_POP3_CLIENT *, UINT, ULONG *) = _nx_pop3_client_mail_item_size_get;
static UINT (*const fp_get_nx)(NX_POP3_CLIENT *, UINT, ULONG *) = _nx_pop3_client_mail_item_get;
static UINT (*const fp_msg_nx)(NX_POP3_CLIENT *, NX_PACKET **, ULONG *, UINT *) = _nx_pop3_client_mail_item_message_get;
static UINT (*const fp_dele_nx)(NX_POP3_CLIENT *, UINT) = _nx_pop3_client_mail_item_delete;
static UINT (*const fp_quit_nx)(NX_POP3_CLIENT *) = _nx_pop3_client_quit;
static UINT (*const fp_delete_nx)(NX_POP3_CLIENT *) = _nx_pop3_client_delete;
static UINT (*const fp_digest)(NX_POP3_CLIENT *, CHAR *, UINT, CHAR *) = _nx_pop3_digest_authenticate;
static VOID (*const fp_ppid)(NX_POP3_CLIENT *, CHAR *, UINT) = _nx_pop3_parse_process_id;
static VOID (*const fp_hex)(CHAR *, UINT, CHAR *) = _nx_pop3_hex_ascii_convert;
static UINT (*const fp_num)(UINT, CHAR *) = _nx_pop3_server_number_convert;
static VOID (*const fp_parse)(CHAR *, UINT, UINT, CHAR *, UINT, UINT, UINT) = _nx_pop3_parse_response;
static UINT (*const fp_connect)(NX_POP3_CLIENT *, NXD_ADDRESS *, ULONG) = _nxd_pop3_client_connect;
static UINT (*const fp_userpass)(NX_POP3_CLIENT *) = _nx_pop3_client_user_pass;
static UINT (*const fp_apop)(NX_POP3_CLIENT *) = _nx_pop3_client_apop;

/* A NetX application declares the client statically. */
static NX_POP3_CLIENT static_client;

#define PRINT_SIZE(T) printf("sizeof(%s) = %zu\n", #T, sizeof(T))

int main(void)
{
    int failed = 0;
    const void *fps[] = {
        (const void *)&fp_create, (const void *)&fp_create_nx, (const void *)&fp_dcreate, (const void *)&fp_dcreate_nx,
        (const void *)&fp_items, (const void *)&fp_size, (const void *)&fp_get, (const void *)&fp_msg,
        (const void *)&fp_dele, (const void *)&fp_quit, (const void *)&fp_delete, (const void *)&fp_items_nx,
        (const void *)&fp_size_nx, (const void *)&fp_get_nx, (const void *)&fp_msg_nx, (const void *)&fp_dele_nx,
        (const void *)&fp_quit_nx, (const void *)&fp_delete_nx, (const void *)&fp_digest, (const void *)&fp_ppid,
        (const void *)&fp_hex, (const void *)&fp_num, (const void *)&fp_parse, (const void *)&fp_connect,
        (const void *)&fp_userpass, (const void *)&fp_apop,
    };
    (void)fps;

    /* The string settings, compared at run time. */
    static const struct {
        const char *name, *value, *expected;
    } strings[] = {
        {"NX_POP3_POSITIVE_STATUS", NX_POP3_POSITIVE_STATUS, "+OK"},
        {"NX_POP3_NEGATIVE_STATUS", NX_POP3_NEGATIVE_STATUS, "-ERR"},
        {"NX_POP3_COMMAND_USER", NX_POP3_COMMAND_USER, "USER"},
        {"NX_POP3_COMMAND_PASS", NX_POP3_COMMAND_PASS, "PASS"},
        {"NX_POP3_COMMAND_APOP", NX_POP3_COMMAND_APOP, "APOP"},
        {"NX_POP3_COMMAND_STAT", NX_POP3_COMMAND_STAT, "STAT"},
        {"NX_POP3_COMMAND_LIST", NX_POP3_COMMAND_LIST, "LIST"},
        {"NX_POP3_COMMAND_RETR", NX_POP3_COMMAND_RETR, "RETR"},
        {"NX_POP3_COMMAND_DELE", NX_POP3_COMMAND_DELE, "DELE"},
        {"NX_POP3_COMMAND_QUIT", NX_POP3_COMMAND_QUIT, "QUIT"},
        {"NX_POP3_COMMAND_RSET", NX_POP3_COMMAND_RSET, "RSET"},
        {"NX_POP3_COMMAND_NOOP", NX_POP3_COMMAND_NOOP, "NOOP"},
        {"NX_POP3_COMMAND_GREETING", NX_POP3_COMMAND_GREETING, "GREETING"},
        {"NX_POP3_END_OF_MESSAGE", NX_POP3_END_OF_MESSAGE, "\r\n.\r\n"},
        {"NX_POP3_END_OF_MESSAGE_TAG", NX_POP3_END_OF_MESSAGE_TAG, ".\r\n"},
        {"NX_POP3_COMMAND_TERMINATION", NX_POP3_COMMAND_TERMINATION, "\r\n"},
        {"NX_POP3_DOT", NX_POP3_DOT, "."},
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        int ok = strcmp(strings[i].value, strings[i].expected) == 0;
        printf("%s: %s\n", ok ? "PASS" : "FAIL", strings[i].name);
        failed |= !ok;
    }

    /* A static client is all zero, and not created: delete refuses it. */
    {
        const unsigned char *b = (const unsigned char *)&static_client;
        int zero = 1;
        for (size_t i = 0; i < sizeof(static_client); i++)
            zero &= b[i] == 0;
        UINT st = nx_pop3_client_delete(&static_client);
        int ok = zero && st == NX_PTR_ERROR;
        printf("%s: delete of a never-created static client gives NX_PTR_ERROR (got 0x%02X)\n", ok ? "PASS" : "FAIL",
               st);
        failed |= !ok;
    }

    PRINT_SIZE(NX_POP3_CLIENT);
    PRINT_SIZE(NX_TCP_SOCKET);
    PRINT_SIZE(NX_PACKET);
    PRINT_SIZE(NX_PACKET_POOL);
    PRINT_SIZE(NX_IP);
    PRINT_SIZE(NX_IP_DRIVER);
    PRINT_SIZE(NX_INTERFACE);
    PRINT_SIZE(NXD_ADDRESS);
    PRINT_SIZE(NX_MD5);
    printf("offsetof(NX_POP3_CLIENT, nx_pop3_client_message_ptr) = %zu\n",
           offsetof(NX_POP3_CLIENT, nx_pop3_client_message_ptr));
    printf("%s: test_pop3_layout (static assertions compiled)\n", failed ? "FAIL" : "PASS");
    return failed ? 1 : 0;
}
