/* test_netx_netx_driver: TCP between two IP instances linked by the
   NetX-shaped RAM driver written in C (nx_ram_driver_netx.c): connect,
   256 KB each way with a checksum, close from the client, every packet back.
   Then the NetX services drivers and programs use beyond the core: the
   gateway (a frame to an off-link address leaves for the gateway's MAC, and
   no longer once the gateway is cleared), interface address get/set (the
   peer sees the new address), NetX's compatibility field names, interface
   capabilities, the driver receive paths (_nx_ip_packet_receive, RARP,
   _nx_ip_driver_deferred_enable/receive) and the byte-order macros.

   Compiles with <net/if.h> included first (its IFNAMSIZ must not clash with
   the library's header) and the driver declared before and after nx_api.h. */
#define _DEFAULT_SOURCE 1
#include <net/if.h>

struct NX_IP_DRIVER_STRUCT;
void _nx_ram_network_driver_netx(struct NX_IP_DRIVER_STRUCT *driver_req_ptr);

#include "netx_test_common.h"
#include "nx_link.h"
#include "nx_ram_driver_netx.h"

void _nx_ram_network_driver_netx(struct NX_IP_DRIVER_STRUCT *driver_req_ptr);

#define SERVER_IP IP_ADDRESS(192, 0, 2, 1)
#define CLIENT_IP IP_ADDRESS(192, 0, 2, 2)
#define CLIENT_IP2 IP_ADDRESS(192, 0, 2, 9)
#define OFF_LINK IP_ADDRESS(198, 51, 100, 7)
#define PORT 7010
#define BYTES (slow_mode() ? 64UL * 1024 : 256UL * 1024)

static NODE server, client;
static NX_TCP_SOCKET srv_sock, cli_sock;
static TX_THREAD main_thread, server_thread;
static TX_SEMAPHORE server_done;
static SUM server_got, server_sent;
static UINT server_status;
static ULONG server_peer;

/* ---------------------------------------------------------------- the client's driver, watched */

static volatile ULONG spy_to_off_link, spy_to_off_link_via_gateway;

/* Counts the TCP SYNs the client sends to OFF_LINK, and those addressed to
   the server's MAC (the gateway), then hands every request on. */
static void spy_driver(NX_IP_DRIVER *req)
{
    if (req->nx_ip_driver_command == NX_LINK_PACKET_SEND && req->nx_ip_driver_packet != NX_NULL &&
        req->nx_ip_driver_packet->nx_packet_ip_version == NX_IP_VERSION_V4) {
        UCHAR *h = req->nx_ip_driver_packet->nx_packet_prepend_ptr;
        ULONG dst = ((ULONG)h[16] << 24) | ((ULONG)h[17] << 16) | ((ULONG)h[18] << 8) | (ULONG)h[19];
        /* TCP SYNs only: the RST that ends an attempt may leave later. */
        if (dst == OFF_LINK && h[9] == 6 && (h[0] & 0x0F) == 5 && (h[20 + 13] & 0x02) != 0) {
            spy_to_off_link++;
            if (req->nx_ip_driver_physical_address_msw == server.ip.nx_ip_arp_physical_address_msw &&
                req->nx_ip_driver_physical_address_lsw == server.ip.nx_ip_arp_physical_address_lsw)
                spy_to_off_link_via_gateway++;
        }
    }
    _nx_ram_network_driver_netx(req);
}

/* ---------------------------------------------------------------- TCP */

static UINT send_pattern(NX_TCP_SOCKET *s, NX_PACKET_POOL *pool, ULONG seed, ULONG bytes, SUM *sum)
{
    static __thread UCHAR buf[3000];
    ULONG off = 0;
    while (off < bytes) {
        NX_PACKET *p;
        ULONG n = 1 + (off * 13) % sizeof(buf), i;
        UINT st;
        if (n > bytes - off)
            n = bytes - off;
        for (i = 0; i < n; i++)
            buf[i] = pattern(seed, off + i);
        st = nx_packet_allocate(pool, &p, NX_IPv4_TCP_PACKET, 5 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nx_packet_data_append(p, buf, n, pool, 5 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS) {
            st = nx_tcp_socket_send(s, p, 10 * NX_IP_PERIODIC_RATE);
            if (st != NX_SUCCESS)
                nx_packet_release(p);
        }
        if (st != NX_SUCCESS)
            return st;
        sum_add(sum, buf, n);
        off += n;
    }
    return NX_SUCCESS;
}

static UINT receive_bytes(NX_TCP_SOCKET *s, ULONG bytes, SUM *sum)
{
    while (sum->bytes < bytes) {
        NX_PACKET *p;
        UINT st = nx_tcp_socket_receive(s, &p, 10 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            return st;
        sum_packet(sum, p);
        nx_packet_release(p);
    }
    return NX_SUCCESS;
}

static void server_entry(ULONG input)
{
    NX_PACKET *p;
    UINT st;
    (void)input;
    st = nx_tcp_server_socket_accept(&srv_sock, 10 * NX_IP_PERIODIC_RATE);
    server_peer = srv_sock.nx_tcp_socket_connect_ip.nxd_ip_address.v4;
    if (st == NX_SUCCESS)
        st = receive_bytes(&srv_sock, BYTES, &server_got);
    if (st == NX_SUCCESS)
        st = send_pattern(&srv_sock, &server.pool, 2, BYTES, &server_sent);
    /* The client closes: no more data, then NX_NOT_CONNECTED. */
    if (st == NX_SUCCESS) {
        st = nx_tcp_socket_receive(&srv_sock, &p, 10 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS) {
            nx_packet_release(p);
            st = NX_INVALID_PACKET;
        } else if (st == NX_NOT_CONNECTED) {
            st = NX_SUCCESS;
        }
    }
    nx_tcp_socket_disconnect(&srv_sock, 2 * NX_IP_PERIODIC_RATE);
    nx_tcp_server_socket_unaccept(&srv_sock);
    server_status = st;
    tx_semaphore_put(&server_done);
}

/* One connection: client -> server BYTES, server -> client BYTES, client closes. */
static void exchange(ULONG expect_client_address)
{
    SUM sent = {0, 0, 0}, got = {0, 0, 0}, want = {0, 0, 0};
    ULONG i;
    memset(&server_got, 0, sizeof server_got);
    memset(&server_sent, 0, sizeof server_sent);
    server_status = 0xFFFF;
    CHECK_EQ(nx_tcp_server_socket_relisten(&server.ip, PORT, &srv_sock), NX_SUCCESS);
    tx_thread_create(&server_thread, "server", server_entry, 0, NULL, 0, 2, 2, TX_NO_TIME_SLICE, TX_AUTO_START);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli_sock, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&cli_sock, SERVER_IP, PORT, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(cli_sock.nx_tcp_socket_state, NX_TCP_ESTABLISHED);
    CHECK_EQ(send_pattern(&cli_sock, &client.pool, 1, BYTES, &sent), NX_SUCCESS);
    CHECK_EQ(receive_bytes(&cli_sock, BYTES, &got), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&cli_sock, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&cli_sock), NX_SUCCESS);
    CHECK_EQ(tx_semaphore_get(&server_done, 30 * NX_IP_PERIODIC_RATE), TX_SUCCESS);
    tx_thread_join(&server_thread);
    CHECK_EQ(server_status, NX_SUCCESS);
    CHECK_EQ(server_peer, expect_client_address);
    /* Both directions arrived whole and in order. */
    CHECK_EQ(server_got.bytes, BYTES);
    CHECK(server_got.a == sent.a && server_got.b == sent.b);
    for (i = 0; i < BYTES; i++) {
        UCHAR c = pattern(2, i);
        sum_add(&want, &c, 1);
    }
    CHECK_EQ(got.bytes, BYTES);
    CHECK(got.a == want.a && got.b == want.b);
    CHECK(server_sent.a == want.a && server_sent.b == want.b);
}

static void test_tcp(void)
{
    int before = failures;
    ULONG sent0 = nx_ram_netx_stats.sent;
    exchange(CLIENT_IP);
    /* Everything went through the NetX-shaped driver. */
    CHECK(nx_ram_netx_stats.sent - sent0 > 2 * BYTES / 1460);
    CHECK(nx_ram_netx_stats.received_arp >= 2);
    CHECK_EQ(nx_ram_netx_stats.unhandled, 0);
    report("TCP over the NetX-shaped RAM driver: connect, data both ways, close", before);
}

/* ---------------------------------------------------------------- addresses */

static void test_addresses(void)
{
    int before = failures;
    ULONG a = 0, m = 0, flags = 0xFFFF;
    CHECK_EQ(nx_ip_address_get(&client.ip, &a, &m), NX_SUCCESS);
    CHECK_EQ(a, CLIENT_IP);
    CHECK_EQ(m, 0xFFFFFF00UL);
    /* NetX's compatibility names for interface 0. */
    CHECK_EQ(client.ip.nx_ip_address, CLIENT_IP);
    CHECK_EQ(client.ip.nx_ip_network_mask, 0xFFFFFF00UL);
    CHECK_EQ(client.ip.nx_ip_network, CLIENT_IP & 0xFFFFFF00UL);
    CHECK_EQ(client.ip.nx_ip_driver_mtu, 1500);
    CHECK_EQ(client.ip.nx_ip_driver_link_up, NX_TRUE);
    CHECK_EQ(client.ip.nx_ip_driver_mapping_needed, NX_TRUE);
    CHECK(client.ip.nx_ip_link_driver_entry == spy_driver);
    CHECK_EQ(client.ip.nx_ip_arp_physical_address_msw, 0x0011);
    /* The driver recorded "no offload" during initialize. */
    CHECK_EQ(nx_ip_interface_capability_get(&client.ip, 0, &flags), NX_SUCCESS);
    CHECK_EQ(flags, 0);
    CHECK_EQ(nx_ip_interface_capability_set(&client.ip, 0, NX_INTERFACE_CAPABILITY_CHECKSUM_ALL), NX_SUCCESS);
    CHECK_EQ(client.ip.nx_ip_interface[0].nx_interface_capability_flag, NX_INTERFACE_CAPABILITY_CHECKSUM_ALL);
    CHECK_EQ(nx_ip_interface_capability_set(&client.ip, 0, 0), NX_SUCCESS);
    CHECK_EQ(nx_ip_interface_capability_get(&client.ip, 5, &flags), NX_INVALID_INTERFACE);
    CHECK_EQ(nx_ip_interface_capability_get(&client.ip, 0, NX_NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_address_get(NX_NULL, &a, &m), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_address_get(&client.ip, NX_NULL, &m), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_address_set(NX_NULL, CLIENT_IP2, 0xFFFFFF00UL), NX_PTR_ERROR);

    /* A new address: the server sees the next connection come from it. */
    CHECK_EQ(nx_ip_address_set(&client.ip, CLIENT_IP2, 0xFFFFFF00UL), NX_SUCCESS);
    CHECK_EQ(nx_ip_address_get(&client.ip, &a, &m), NX_SUCCESS);
    CHECK_EQ(a, CLIENT_IP2);
    CHECK_EQ(client.ip.nx_ip_address, CLIENT_IP2);
    exchange(CLIENT_IP2);
    CHECK_EQ(nx_ip_address_set(&client.ip, CLIENT_IP, 0xFFFFFF00UL), NX_SUCCESS);
    report("nx_ip_address_get/set, NetX's field names, interface capabilities", before);
}

/* ---------------------------------------------------------------- gateway */

static void try_off_link(void)
{
    /* Nobody answers for OFF_LINK: the connect fails; what matters is where
       the SYN went. */
    CHECK_EQ(nx_tcp_client_socket_bind(&cli_sock, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK(nx_tcp_client_socket_connect(&cli_sock, OFF_LINK, 80, 100) != NX_SUCCESS);
    nx_tcp_socket_disconnect(&cli_sock, NX_NO_WAIT);
    CHECK_EQ(nx_tcp_client_socket_unbind(&cli_sock), NX_SUCCESS);
}

static void test_gateway(void)
{
    int before = failures;
    ULONG g = 1;
    CHECK_EQ(nx_ip_gateway_address_get(&client.ip, &g), NX_NOT_FOUND);
    CHECK_EQ(g, 0);
    CHECK_EQ(nx_ip_gateway_address_set(&client.ip, IP_ADDRESS(203, 0, 113, 1)), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nx_ip_gateway_address_set(&client.ip, 0), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nx_ip_gateway_address_set(NX_NULL, SERVER_IP), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_gateway_address_get(&client.ip, NX_NULL), NX_PTR_ERROR);

    /* Gateway = the server: the SYN leaves addressed to the server's MAC. */
    CHECK_EQ(nx_ip_gateway_address_set(&client.ip, SERVER_IP), NX_SUCCESS);
    CHECK_EQ(nx_ip_gateway_address_get(&client.ip, &g), NX_SUCCESS);
    CHECK_EQ(g, SERVER_IP);
    CHECK_EQ(client.ip.nx_ip_gateway_address, SERVER_IP);
    CHECK(client.ip.nx_ip_gateway_interface == &client.ip.nx_ip_interface[0]);
    spy_to_off_link = spy_to_off_link_via_gateway = 0;
    try_off_link();
    CHECK(spy_to_off_link >= 1);
    CHECK_EQ(spy_to_off_link_via_gateway, spy_to_off_link);

    /* Cleared: an off-link destination has no route, nothing is sent (as
       before the gateway was set; checked last because smoltcp keeps a
       socket quiet for a second after it found no route). */
    CHECK_EQ(nx_ip_gateway_address_clear(&client.ip), NX_SUCCESS);
    CHECK_EQ(nx_ip_gateway_address_get(&client.ip, &g), NX_NOT_FOUND);
    CHECK(client.ip.nx_ip_gateway_interface == NX_NULL);
    spy_to_off_link = 0;
    try_off_link();
    CHECK_EQ(spy_to_off_link, 0);
    report("nx_ip_gateway_address_set/get/clear: off-link traffic goes to the gateway", before);
}

/* ---------------------------------------------------------------- driver receive paths */

static NX_IP *handler_ip;
static NX_PACKET *handler_packet;
static int handler_calls;

static void deferred_handler(NX_IP *ip_ptr, NX_PACKET *packet_ptr)
{
    handler_calls++;
    handler_ip = ip_ptr;
    handler_packet = packet_ptr;
    nx_packet_release(packet_ptr);
}

static NX_PACKET *junk_packet(void)
{
    NX_PACKET *p = NX_NULL;
    static const UCHAR junk[28] = {0x45, 0, 0, 28};
    if (nx_packet_allocate(&client.pool, &p, NX_RECEIVE_PACKET, NX_NO_WAIT) != NX_SUCCESS)
        return NX_NULL;
    nx_packet_data_append(p, (VOID *)junk, sizeof junk, &client.pool, NX_NO_WAIT);
    return p;
}

static void wait_pool_full(NX_PACKET_POOL *pool)
{
    int i;
    for (i = 0; i < 100 && pool->nx_packet_pool_available != pool->nx_packet_pool_total; i++)
        tx_thread_sleep(1);
}

static void test_receive_paths(void)
{
    int before = failures;
    NX_PACKET *p;
    ULONG total = client.pool.nx_packet_pool_total;

    /* RARP: not supported, the packet is taken and released. */
    p = junk_packet();
    CHECK(p != NX_NULL);
    _nx_rarp_packet_deferred_receive(&client.ip, p);
    wait_pool_full(&client.pool);
    CHECK_EQ(client.pool.nx_packet_pool_available, total);

    /* Immediate receive: taken by the instance (a bad datagram is dropped). */
    p = junk_packet();
    _nx_ip_packet_receive(&client.ip, p);
    wait_pool_full(&client.pool);
    CHECK_EQ(client.pool.nx_packet_pool_available, total);

    /* Driver deferred receive: no handler, released; a handler gets it. */
    p = junk_packet();
    _nx_ip_driver_deferred_receive(&client.ip, p);
    CHECK_EQ(client.pool.nx_packet_pool_available, total);
    _nx_ip_driver_deferred_enable(&client.ip, deferred_handler);
    CHECK(client.ip.nx_ip_driver_deferred_packet_handler == deferred_handler);
    p = junk_packet();
    _nx_ip_driver_deferred_receive(&client.ip, p);
    CHECK_EQ(handler_calls, 1);
    CHECK(handler_ip == &client.ip);
    CHECK(handler_packet == p);
    CHECK_EQ(client.pool.nx_packet_pool_available, total);
    _nx_ip_driver_deferred_enable(&client.ip, NX_NULL);
    p = junk_packet();
    _nx_ip_driver_deferred_receive(&client.ip, p);
    CHECK_EQ(handler_calls, 1);
    CHECK_EQ(client.pool.nx_packet_pool_available, total);
    report("_nx_ip_packet_receive, RARP, _nx_ip_driver_deferred_enable/receive", before);
}

/* ---------------------------------------------------------------- constants and macros */

static void test_macros(void)
{
    int before = failures;
    ULONG l = 0x11223344UL;
    USHORT s = 0xA1B2;
    UCHAR bytes[4];
    NX_CHANGE_ULONG_ENDIAN(l);
    NX_CHANGE_USHORT_ENDIAN(s);
    /* After the change the value is in network order in memory. */
    memcpy(bytes, &l, 4);
    CHECK(bytes[0] == 0x11 && bytes[1] == 0x22 && bytes[2] == 0x33 && bytes[3] == 0x44);
    memcpy(bytes, &s, 2);
    CHECK(bytes[0] == 0xA1 && bytes[1] == 0xB2);
    /* Twice is the identity; usable as a statement in if/else. */
    if (l != 0)
        NX_CHANGE_ULONG_ENDIAN(l);
    else
        NX_CHANGE_USHORT_ENDIAN(s);
    CHECK_EQ(l, 0x11223344UL);
    CHECK_EQ(IFNAMSIZ, 16);
    CHECK_EQ(NX_SOCKETS_BOUND, 0x28);
    CHECK_EQ(NX_LINK_RAW_PACKET_SEND, 29);
    CHECK_EQ(NX_INTERFACE_TYPE_UNKNOWN, 0);
    CHECK_EQ(NX_INTERFACE_TYPE_ETHERNET, 2);
    CHECK_EQ(NX_INTERFACE_CAPABILITY_TCP_RX_CHECKSUM, 0x8);
    CHECK_EQ(NX_WAIT_FOREVER, 0xFFFFFFFFUL);
    CHECK_EQ(sizeof(NX_WAIT_FOREVER), sizeof(ULONG));
    report("NX_CHANGE_ULONG/USHORT_ENDIAN, NetX constants", before);
}

static void main_entry(ULONG input)
{
    ULONG actual;
    int before = failures;
    (void)input;
    CHECK_EQ(node_create(&server, "server", SERVER_IP, 96, _nx_ram_network_driver_netx), NX_SUCCESS);
    CHECK_EQ(node_create(&client, "client", CLIENT_IP, 96, spy_driver), NX_SUCCESS);
    CHECK_EQ(nx_ip_status_check(&client.ip, NX_IP_LINK_ENABLED, &actual, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_ram_netx_stats.attached, 2);
    CHECK_EQ(nx_ram_netx_stats.initialized, 2);
    CHECK_EQ(nx_tcp_socket_create(&server.ip, &srv_sock, "server", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                                  16384, NX_NULL, NX_NULL),
             NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &cli_sock, "client", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                                  16384, NX_NULL, NX_NULL),
             NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT, &srv_sock, 5, NX_NULL), NX_SUCCESS);
    tx_semaphore_create(&server_done, "server done", 0);
    report("two instances on the NetX-shaped RAM driver", before);

    test_macros();
    test_tcp();
    /* The gateway first: an address change flushes the ARP cache, and
       smoltcp then waits up to a second before it asks again. */
    test_gateway();
    test_addresses();
    test_receive_paths();

    before = failures;
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, PORT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&cli_sock), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&srv_sock), NX_SUCCESS);
    /* Let the last segments settle before the instances go. */
    tx_thread_sleep(10);
    node_delete(&client);
    node_delete(&server);
    CHECK_EQ(nx_ram_netx_stats.uninitialized, 2);
    report("sockets and instances deleted, every packet back", before);
    printf("%s: test_netx_netx_driver\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
