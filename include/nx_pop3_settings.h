/* POP3 client compile-time settings and service names (nxd_pop3_client.h).

   As with NetX, a program overrides a timeout or the TCP window by defining it
   before this header is included (or with -D). The library is precompiled, so
   the service macro nx_pop3_client_create carries the program's values to it
   (through _nx_pop3_client_settings_carry), as nx_ip_create carries
   sizeof(NX_IP). Values are in ticks (NX_IP_PERIODIC_RATE per second).

   Settings that change the layout of NX_POP3_CLIENT (NX_POP3_MAX_USERNAME,
   NX_POP3_MAX_PASSWORD, NX_POP3_SERVER_PROCESS_ID_SIZE) are build settings of
   the library (environment variables of its build; the values it was built
   with are NX_POP3_LIB_* in the generated nx_pop3_config.h); defining a
   different value is a compile error. The line limits
   (NX_POP3_MAX_SERVER_REPLY, NX_POP3_MAX_CLIENT_COMMAND) are fixed. */
#ifndef NX_POP3_SETTINGS_H
#define NX_POP3_SETTINGS_H

#include "nx_pop3_client.h"

/* A layout limit defined after nx_api.h (NetX allows settings there) must
   still be the library's value (nx_pop3_config.h). */
#if NX_POP3_MAX_USERNAME != NX_POP3_LIB_MAX_USERNAME
#error "NX_POP3_MAX_USERNAME differs from the library's NX_POP3_LIB_MAX_USERNAME (nx_pop3_config.h)"
#endif
#if NX_POP3_MAX_PASSWORD != NX_POP3_LIB_MAX_PASSWORD
#error "NX_POP3_MAX_PASSWORD differs from the library's NX_POP3_LIB_MAX_PASSWORD (nx_pop3_config.h)"
#endif
#if NX_POP3_SERVER_PROCESS_ID_SIZE != NX_POP3_LIB_SERVER_PROCESS_ID_SIZE
#error "NX_POP3_SERVER_PROCESS_ID_SIZE differs from the library's NX_POP3_LIB_SERVER_PROCESS_ID_SIZE (nx_pop3_config.h)"
#endif

#ifndef NX_POP3_CLIENT_PACKET_TIMEOUT
#define NX_POP3_CLIENT_PACKET_TIMEOUT (1 * NX_IP_PERIODIC_RATE)
#endif
#ifndef NX_POP3_TCP_SOCKET_SEND_WAIT
#define NX_POP3_TCP_SOCKET_SEND_WAIT (10 * NX_IP_PERIODIC_RATE)
#endif
#ifndef NX_POP3_CLIENT_CONNECTION_TIMEOUT
#define NX_POP3_CLIENT_CONNECTION_TIMEOUT (30 * NX_IP_PERIODIC_RATE)
#endif
#ifndef NX_POP3_CLIENT_DISCONNECT_TIMEOUT
#define NX_POP3_CLIENT_DISCONNECT_TIMEOUT (10 * NX_IP_PERIODIC_RATE)
#endif
#ifndef NX_POP3_SERVER_REPLY_TIMEOUT
#define NX_POP3_SERVER_REPLY_TIMEOUT (10 * NX_IP_PERIODIC_RATE)
#endif
#ifndef NX_POP3_CLIENT_TCP_WINDOW_SIZE
#define NX_POP3_CLIENT_TCP_WINDOW_SIZE 1460
#endif
/* Kept for source compatibility; the client streams, it needs no mail buffer. */
#ifndef NX_POP3_CLIENT_MAIL_BUFFER_SIZE
#define NX_POP3_CLIENT_MAIL_BUFFER_SIZE 2000
#endif

#define NX_POP3_POSITIVE_STATUS "+OK"
#define NX_POP3_NEGATIVE_STATUS "-ERR"
#define NX_POP3_COMMAND_GREETING "GREETING"
#define NX_POP3_COMMAND_USER "USER"
#define NX_POP3_COMMAND_APOP "APOP"
#define NX_POP3_COMMAND_PASS "PASS"
#define NX_POP3_COMMAND_STAT "STAT"
#define NX_POP3_COMMAND_LIST "LIST"
#define NX_POP3_COMMAND_RETR "RETR"
#define NX_POP3_COMMAND_DELE "DELE"
#define NX_POP3_COMMAND_QUIT "QUIT"
#define NX_POP3_COMMAND_RSET "RSET"
#define NX_POP3_COMMAND_NOOP "NOOP"
#define NX_POP3_COMMAND_TERMINATION "\r\n"
#define NX_POP3_END_OF_MESSAGE_TAG ".\r\n"
#define NX_POP3_DOT "."
#define NX_POP3_END_OF_MESSAGE "\r\n.\r\n"
#define NX_POP3_DOT_CRLF ".\r\n"
#define NX_POP3_CODE_INVALID 0
#define NX_POP3_CODE_OK 1
#define NX_POP3_CODE_ERR 2

#ifndef NX_DISABLE_ERROR_CHECKING
#define nx_pop3_client_create(c, a, i, p, s, port, n, pw) \
    _nxe_pop3_client_create(_nx_pop3_client_settings_carry((c), NX_POP3_CLIENT_PACKET_TIMEOUT, \
        NX_POP3_TCP_SOCKET_SEND_WAIT, NX_POP3_CLIENT_CONNECTION_TIMEOUT, NX_POP3_CLIENT_DISCONNECT_TIMEOUT, \
        NX_POP3_SERVER_REPLY_TIMEOUT, NX_POP3_CLIENT_TCP_WINDOW_SIZE), a, i, p, s, port, n, pw)
#define nxd_pop3_client_create(c, a, i, p, s, port, n, pw) \
    _nxde_pop3_client_create(_nx_pop3_client_settings_carry((c), NX_POP3_CLIENT_PACKET_TIMEOUT, \
        NX_POP3_TCP_SOCKET_SEND_WAIT, NX_POP3_CLIENT_CONNECTION_TIMEOUT, NX_POP3_CLIENT_DISCONNECT_TIMEOUT, \
        NX_POP3_SERVER_REPLY_TIMEOUT, NX_POP3_CLIENT_TCP_WINDOW_SIZE), a, i, p, s, port, n, pw)
#define nx_pop3_client_mail_items_get _nxe_pop3_client_mail_items_get
#define nx_pop3_client_mail_item_size_get _nxe_pop3_client_mail_item_size_get
#define nx_pop3_client_mail_item_get _nxe_pop3_client_mail_item_get
#define nx_pop3_client_mail_item_message_get _nxe_pop3_client_mail_item_message_get
#define nx_pop3_client_mail_item_delete _nxe_pop3_client_mail_item_delete
#define nx_pop3_client_quit _nxe_pop3_client_quit
#define nx_pop3_client_delete _nxe_pop3_client_delete
#define nx_pop3_client_timeouts_set _nxe_pop3_client_timeouts_set
#else
#define nx_pop3_client_create(c, a, i, p, s, port, n, pw) \
    _nx_pop3_client_create(_nx_pop3_client_settings_carry((c), NX_POP3_CLIENT_PACKET_TIMEOUT, \
        NX_POP3_TCP_SOCKET_SEND_WAIT, NX_POP3_CLIENT_CONNECTION_TIMEOUT, NX_POP3_CLIENT_DISCONNECT_TIMEOUT, \
        NX_POP3_SERVER_REPLY_TIMEOUT, NX_POP3_CLIENT_TCP_WINDOW_SIZE), a, i, p, s, port, n, pw)
#define nxd_pop3_client_create(c, a, i, p, s, port, n, pw) \
    _nxd_pop3_client_create(_nx_pop3_client_settings_carry((c), NX_POP3_CLIENT_PACKET_TIMEOUT, \
        NX_POP3_TCP_SOCKET_SEND_WAIT, NX_POP3_CLIENT_CONNECTION_TIMEOUT, NX_POP3_CLIENT_DISCONNECT_TIMEOUT, \
        NX_POP3_SERVER_REPLY_TIMEOUT, NX_POP3_CLIENT_TCP_WINDOW_SIZE), a, i, p, s, port, n, pw)
#define nx_pop3_client_mail_items_get _nx_pop3_client_mail_items_get
#define nx_pop3_client_mail_item_size_get _nx_pop3_client_mail_item_size_get
#define nx_pop3_client_mail_item_get _nx_pop3_client_mail_item_get
#define nx_pop3_client_mail_item_message_get _nx_pop3_client_mail_item_message_get
#define nx_pop3_client_mail_item_delete _nx_pop3_client_mail_item_delete
#define nx_pop3_client_quit _nx_pop3_client_quit
#define nx_pop3_client_delete _nx_pop3_client_delete
#define nx_pop3_client_timeouts_set _nx_pop3_client_timeouts_set
#endif

/* Extensions for real client programs (issue 8): the server's last reply,
   APOP without the USER/PASS fallback. */
#ifndef NX_DISABLE_ERROR_CHECKING
#define nx_pop3_client_last_reply_get _nxe_pop3_client_last_reply_get
#define nx_pop3_client_apop_fallback_set _nxe_pop3_client_apop_fallback_set
#else
#define nx_pop3_client_last_reply_get _nx_pop3_client_last_reply_get
#define nx_pop3_client_apop_fallback_set _nx_pop3_client_apop_fallback_set
#endif

/* Extensions (issue 12): CAPA, NOOP, RSET, UIDL n, TOP, the last reply's
   response code, the LIST and UIDL walks, RETR commands sent ahead
   (PIPELINING). No NetX program calls them: nothing it sees changes. */
#ifndef NX_DISABLE_ERROR_CHECKING
#define nx_pop3_client_capabilities_get _nxe_pop3_client_capabilities_get
#define nx_pop3_client_noop _nxe_pop3_client_noop
#define nx_pop3_client_rset _nxe_pop3_client_rset
#define nx_pop3_client_mail_item_uidl_get _nxe_pop3_client_mail_item_uidl_get
#define nx_pop3_client_mail_item_top_get _nxe_pop3_client_mail_item_top_get
#define nx_pop3_client_last_reply_code_get _nxe_pop3_client_last_reply_code_get
#define nx_pop3_client_list_start _nxe_pop3_client_list_start
#define nx_pop3_client_list_next _nxe_pop3_client_list_next
#define nx_pop3_client_uidl_start _nxe_pop3_client_uidl_start
#define nx_pop3_client_uidl_next _nxe_pop3_client_uidl_next
#define nx_pop3_client_mail_items_request _nxe_pop3_client_mail_items_request
#else
#define nx_pop3_client_capabilities_get _nx_pop3_client_capabilities_get
#define nx_pop3_client_noop _nx_pop3_client_noop
#define nx_pop3_client_rset _nx_pop3_client_rset
#define nx_pop3_client_mail_item_uidl_get _nx_pop3_client_mail_item_uidl_get
#define nx_pop3_client_mail_item_top_get _nx_pop3_client_mail_item_top_get
#define nx_pop3_client_last_reply_code_get _nx_pop3_client_last_reply_code_get
#define nx_pop3_client_list_start _nx_pop3_client_list_start
#define nx_pop3_client_list_next _nx_pop3_client_list_next
#define nx_pop3_client_uidl_start _nx_pop3_client_uidl_start
#define nx_pop3_client_uidl_next _nx_pop3_client_uidl_next
#define nx_pop3_client_mail_items_request _nx_pop3_client_mail_items_request
#endif

#endif /* NX_POP3_SETTINGS_H */
