/* IPv6 the NetX Duo way, on two IP instances per RAM driver:
   - bad input before and after nxd_ipv6_enable (statuses, never a crash);
   - the address table: link-local from the MAC (NULL address, prefix 10),
     global, duplicate, full, delete, index out of range;
   - IPv6 only (IPv4 address 0): connect over a global address, peer info,
     10 MiB each way with a checksum; 100 connections over link-local;
   - dual stack: an IPv4 and an IPv6 connection open at once;
   - an unknown destination: NX_NOT_CONNECTED within the connect timeout;
   - malformed ICMPv6/ND frames handed in by a driver: dropped and counted
     (nx_icmp_info_get), every packet back in its pool;
   - the NetX-shaped C driver (nx_ram_driver_netx.c): the stack asks it to
     join all-nodes and the solicited-node groups (and leave them on
     nxd_ipv6_disable), frames with EtherType 0x86DD both ways. */
#include "netx_test_common.h"
#include "nx_link.h"
#include "nx_ram_driver_netx.h"
#include "nxd_pop3_client.h"

#define BULK_BYTES (slow_mode() ? 1024UL * 1024 : 10UL * 1024 * 1024)
#define BULK_PACKET_TYPE NX_IPv6_TCP_PACKET
#include "netx_bulk.h"
#define SEQ_CONNECTIONS 100

static NODE a1, a2; /* dual stack */
static NODE b1, b2; /* IPv6 only */
static NODE c1, c2; /* IPv6 only, C driver */

static NXD_ADDRESS v6(ULONG w0, ULONG w1, ULONG w2, ULONG w3)
{
    NXD_ADDRESS a;
    memset(&a, 0, sizeof(a));
    a.nxd_ip_version = NX_IP_VERSION_V6;
    a.nxd_ip_address.v6[0] = w0;
    a.nxd_ip_address.v6[1] = w1;
    a.nxd_ip_address.v6[2] = w2;
    a.nxd_ip_address.v6[3] = w3;
    return a;
}

static int same(const NXD_ADDRESS *x, const NXD_ADDRESS *y)
{
    return x->nxd_ip_version == y->nxd_ip_version && memcmp(x->nxd_ip_address.v6, y->nxd_ip_address.v6, 16) == 0;
}

/* fe80::/64 + modified EUI-64 of the interface's MAC. */
static NXD_ADDRESS link_local_of(NX_IP *ip)
{
    ULONG msw = ip->nx_ip_interface[0].nx_interface_physical_address_msw;
    ULONG lsw = ip->nx_ip_interface[0].nx_interface_physical_address_lsw;
    return v6(0xfe800000UL, 0, ((msw ^ 0x0200UL) << 16) | ((lsw >> 16) & 0xff00UL) | 0xffUL,
              0xfe000000UL | (lsw & 0x00ffffffUL));
}

static UINT setup_v6(NODE *n, const NXD_ADDRESS *global)
{
    NXD_ADDRESS g = *global;
    UINT s = nxd_ipv6_enable(&n->ip);
    if (s == NX_SUCCESS)
        s = nxd_icmp_enable(&n->ip);
    if (s == NX_SUCCESS)
        s = nxd_ipv6_linklocal_address_set(&n->ip, NX_NULL);
    if (s == NX_SUCCESS)
        s = nxd_ipv6_global_address_set(&n->ip, &g, 64);
    return s;
}

/* ---------------------------------------------------------------- bulk */

/* Connects cli (on client) to srv (listening on server) at dst:port. */
static void pair_connect(NODE *server, NX_TCP_SOCKET *srv, NODE *client, NX_TCP_SOCKET *cli, NXD_ADDRESS *dst, UINT port)
{
    CHECK_EQ(nx_tcp_socket_create(&server->ip, srv, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client->ip, cli, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server->ip, port, srv, 2, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(cli, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nxd_tcp_client_socket_connect(cli, dst, port, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(srv, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
}

static void pair_close(NODE *server, NX_TCP_SOCKET *srv, NX_TCP_SOCKET *cli, UINT port)
{
    nx_tcp_socket_disconnect(cli, NX_IP_PERIODIC_RATE);
    nx_tcp_socket_disconnect(srv, NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_server_socket_unaccept(srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server->ip, port), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(cli), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(cli), NX_SUCCESS);
}

/* One message each way on an open connection. */
static int exchange(NODE *from, NX_TCP_SOCKET *s, NX_TCP_SOCKET *r, const char *msg)
{
    NX_PACKET *p;
    UCHAR back[64];
    ULONG n = 0, len = (ULONG)strlen(msg);
    UINT st = nx_packet_allocate(&from->pool, &p, NX_IPv6_TCP_PACKET, NX_IP_PERIODIC_RATE);
    if (st == NX_SUCCESS) {
        nx_packet_data_append(p, (VOID *)msg, len, &from->pool, NX_NO_WAIT);
        st = nx_tcp_socket_send(s, p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            nx_packet_release(p);
    }
    while (st == NX_SUCCESS && n < len) {
        ULONG got;
        st = nx_tcp_socket_receive(r, &p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            break;
        nx_packet_data_retrieve(p, back + n, &got);
        n += got;
        nx_packet_release(p);
    }
    return st == NX_SUCCESS && n == len && memcmp(back, msg, len) == 0;
}

/* ---------------------------------------------------------------- bad input */

static void test_bad_input_before_enable(void)
{
    int f = failures;
    NXD_ADDRESS a, g = v6(0x20010db8UL, 1, 0, 1), v4a;
    ULONG prefix;
    UINT ifc, idx = 99;
    NX_TCP_SOCKET s;
    memset(&v4a, 0, sizeof(v4a));
    v4a.nxd_ip_version = NX_IP_VERSION_V4;
    v4a.nxd_ip_address.v4 = IP_ADDRESS(192, 0, 2, 1);

    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 0, &a, &prefix, &ifc), NX_NO_INTERFACE_ADDRESS);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 3, &a, &prefix, &ifc), NX_NO_MORE_ENTRIES);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 0xFFFFFFFFu, &a, &prefix, &ifc), NX_NO_MORE_ENTRIES);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 0, NULL, &prefix, &ifc), NX_PTR_ERROR);
    CHECK_EQ(nxd_ipv6_address_delete(&b1.ip, 0), NX_NO_INTERFACE_ADDRESS);
    CHECK_EQ(nxd_ipv6_address_delete(&b1.ip, 7), NX_NO_MORE_ENTRIES);
    CHECK_EQ(nxd_ipv6_disable(&b1.ip), NX_NOT_ENABLED);
    CHECK_EQ(nxd_ipv6_default_router_add(&b1.ip, &g, 0xFFFF, 0), NX_NOT_ENABLED);
    CHECK_EQ(nxd_ipv6_enable(NULL), NX_PTR_ERROR);
    CHECK_EQ(nxd_icmp_enable(NULL), NX_PTR_ERROR);
    CHECK_EQ(nxd_ipv6_address_set(NULL, 0, &g, 64, &idx), NX_PTR_ERROR);
    /* IPv4 address to an IPv6-only call, unknown version, multicast,
       unspecified, NULL without prefix 10, bad prefix, bad interface. */
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &v4a, 64, &idx), NX_IP_ADDRESS_ERROR);
    a = g;
    a.nxd_ip_version = 5;
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &a, 64, &idx), NX_IP_ADDRESS_ERROR);
    a = v6(0xff020000UL, 0, 0, 1);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &a, 64, &idx), NX_IP_ADDRESS_ERROR);
    a = v6(0, 0, 0, 0);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &a, 64, &idx), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, NX_NULL, 64, &idx), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &g, 129, &idx), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 1, &g, 64, &idx), NX_INVALID_INTERFACE);
    CHECK_EQ(nxd_ipv6_default_router_add(&b1.ip, &v4a, 0xFFFF, 0), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(idx, 99);
    /* An IPv6 connect before nxd_ipv6_enable; bad server addresses. */
    CHECK_EQ(nx_tcp_socket_create(&b2.ip, &s, "early", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &g, 80, NX_IP_PERIODIC_RATE), NX_NOT_ENABLED);
    a = v6(0, 0, 0, 0);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, 80, NX_IP_PERIODIC_RATE), NX_IP_ADDRESS_ERROR);
    a = v6(0xff020000UL, 0, 0, 1);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, 80, NX_IP_PERIODIC_RATE), NX_IP_ADDRESS_ERROR);
    a = g;
    a.nxd_ip_version = 0;
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, 80, NX_IP_PERIODIC_RATE), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(_nxd_tcp_client_socket_connect(&s, &a, 80, NX_IP_PERIODIC_RATE), NX_IP_ADDRESS_ERROR);
    {
        ULONG port;
        CHECK_EQ(nxd_tcp_socket_peer_info_get(&s, &a, &port), NX_NOT_CONNECTED);
        CHECK_EQ(nxd_tcp_socket_peer_info_get(&s, NULL, &port), NX_PTR_ERROR);
    }
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_SUCCESS);
    /* nxd_pop3_client_create: zero, multicast or unknown-version server
       addresses are refused before anything is sent. */
    {
        static NX_POP3_CLIENT pc;
        NXD_ADDRESS bad[3];
        int i;
        bad[0] = v6(0, 0, 0, 0);
        bad[1] = v6(0xff020000UL, 0, 0, 1);
        bad[2] = g;
        bad[2].nxd_ip_version = 5;
        for (i = 0; i < 3; i++)
            CHECK_EQ(nxd_pop3_client_create(&pc, NX_FALSE, &b2.ip, &b2.pool, &bad[i], 110, (CHAR *)"u", (CHAR *)"p"),
                     NX_POP3_PARAM_ERROR);
        /* Before nxd_ipv6_enable, a good IPv6 server: the connect's status. */
        CHECK_EQ(nxd_pop3_client_create(&pc, NX_FALSE, &b2.ip, &b2.pool, &g, 110, (CHAR *)"u", (CHAR *)"p"),
                 NX_NOT_ENABLED);
    }
    report("IPv6 bad input and calls before nxd_ipv6_enable: NetX statuses", f);
}

/* ---------------------------------------------------------------- address table */

static void test_addresses(void)
{
    int f = failures;
    NXD_ADDRESS a, ll = link_local_of(&b1.ip), g = v6(0x20010db8UL, 1, 0, 1), extra = v6(0x20010db8UL, 2, 0, 1);
    ULONG prefix;
    UINT ifc, idx;

    /* Addresses may be set before enable (they take effect with it). */
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, NX_NULL, 10, &idx), NX_SUCCESS);
    CHECK_EQ(idx, 0);
    CHECK_EQ(nxd_ipv6_enable(&b1.ip), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_enable(&b1.ip), NX_ALREADY_ENABLED);
    CHECK_EQ(nxd_icmp_enable(&b1.ip), NX_SUCCESS);
    CHECK_EQ(nxd_icmp_enable(&b1.ip), NX_ALREADY_ENABLED);
    CHECK_EQ(nxd_ipv6_global_address_set(&b1.ip, &g, 64), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 0, &a, &prefix, &ifc), NX_SUCCESS);
    CHECK(same(&a, &ll));
    CHECK_EQ(prefix, 10);
    CHECK_EQ(ifc, 0);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 1, &a, &prefix, &ifc), NX_SUCCESS);
    CHECK(same(&a, &g));
    CHECK_EQ(a.nxd_ip_address.v6[0], 0x20010db8UL);
    CHECK_EQ(a.nxd_ip_address.v6[3], 1);
    CHECK_EQ(prefix, 64);
    CHECK_EQ(nxd_ipv6_global_address_set(&b1.ip, &g, 64), NX_DUPLICATED_ENTRY);
    CHECK_EQ(nxd_ipv6_linklocal_address_set(&b1.ip, NX_NULL), NX_DUPLICATED_ENTRY);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &extra, 64, &idx), NX_SUCCESS);
    CHECK_EQ(idx, 2);
    a = v6(0x20010db8UL, 3, 0, 1);
    CHECK_EQ(nxd_ipv6_address_set(&b1.ip, 0, &a, 64, &idx), NX_NO_MORE_ENTRIES);
    CHECK_EQ(nxd_ipv6_address_delete(&b1.ip, 2), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_address_delete(&b1.ip, 2), NX_NO_INTERFACE_ADDRESS);
    CHECK_EQ(nxd_ipv6_address_get(&b1.ip, 2, &a, &prefix, &ifc), NX_NO_INTERFACE_ADDRESS);
    CHECK_EQ(setup_v6(&b2, &(NXD_ADDRESS){0}) == NX_SUCCESS, 0); /* global {0}: version 0 refused */
    {
        NXD_ADDRESS g2 = v6(0x20010db8UL, 1, 0, 2);
        CHECK_EQ(nxd_ipv6_global_address_set(&b2.ip, &g2, 64), NX_SUCCESS);
    }
    CHECK_EQ(nxd_ipv6_address_get(&b2.ip, 0, &a, &prefix, &ifc), NX_SUCCESS);
    {
        NXD_ADDRESS ll2 = link_local_of(&b2.ip);
        CHECK(same(&a, &ll2));
    }
    report("address table: link-local from the MAC, global, duplicate, full, delete", f);
}

/* ---------------------------------------------------------------- IPv6 only */

static void test_v6_bulk(void)
{
    int f = failures;
    static NX_TCP_SOCKET srv, cli;
    NXD_ADDRESS dst = v6(0x20010db8UL, 1, 0, 1), peer, cli_addr = v6(0x20010db8UL, 1, 0, 2);
    ULONG port, t0;
    unsigned long long i;
    SUM want_up = { 0, 0, 0 }, want_down = { 0, 0, 0 };

    pair_connect(&b1, &srv, &b2, &cli, &dst, 6001);
    CHECK_EQ(cli.nx_tcp_socket_state, NX_TCP_ESTABLISHED);
    CHECK(same(&cli.nx_tcp_socket_connect_ip, &dst));
    CHECK(same(&srv.nx_tcp_socket_connect_ip, &cli_addr));
    CHECK_EQ(nxd_tcp_socket_peer_info_get(&srv, &peer, &port), NX_SUCCESS);
    CHECK(same(&peer, &cli_addr));
    CHECK_EQ(port, cli.nx_tcp_socket_port);
    CHECK_EQ(nxd_tcp_socket_peer_info_get(&cli, &peer, &port), NX_SUCCESS);
    CHECK(same(&peer, &dst));
    CHECK_EQ(port, 6001);
    report("IPv6 only: connect to a global address, peer info", f);

    f = failures;
    t0 = tx_time_get();
    memset(streams, 0, sizeof(streams));
    streams[0].sock = &cli; streams[0].pool = &b2.pool; streams[0].seed = 1;
    streams[1].sock = &srv; streams[1].seed = 1;
    streams[2].sock = &srv; streams[2].pool = &b1.pool; streams[2].seed = 2;
    streams[3].sock = &cli; streams[3].seed = 2;
    tx_thread_create(&streams[0].thread, "up_tx", sender_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&streams[1].thread, "up_rx", receiver_entry, 1, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&streams[2].thread, "down_tx", sender_entry, 2, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&streams[3].thread, "down_rx", receiver_entry, 3, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    for (i = 0; i < 4; i++)
        tx_thread_join(&streams[i].thread);
    for (i = 0; i < BULK_BYTES; i++) {
        UCHAR x = pattern(1, i), y = pattern(2, i);
        sum_add(&want_up, &x, 1);
        sum_add(&want_down, &y, 1);
    }
    for (i = 0; i < 4; i++)
        CHECK_EQ(streams[i].status, NX_SUCCESS);
    CHECK(streams[1].sum.a == want_up.a && streams[1].sum.b == want_up.b && streams[1].sum.bytes == BULK_BYTES);
    CHECK(streams[3].sum.a == want_down.a && streams[3].sum.b == want_down.b && streams[3].sum.bytes == BULK_BYTES);
    printf("IPv6 bulk: 2 x %lu KiB in %lu ticks\n", BULK_BYTES / 1024, (unsigned long)(tx_time_get() - t0));
    report("IPv6 only: 10 MiB each way (1 MiB under valgrind), checksums match", f);
    f = failures;
    pair_close(&b1, &srv, &cli, 6001);
    report("IPv6 only: close", f);
}

static TX_THREAD seq_thread;
static volatile int seq_listening, seq_served;
static volatile UINT seq_status;

static void seq_server_entry(ULONG input)
{
    static NX_TCP_SOCKET s;
    int i;
    UINT st;
    (void)input;
    st = nx_tcp_socket_create(&b1.ip, &s, "seq", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL);
    if (st == NX_SUCCESS)
        st = nx_tcp_server_socket_listen(&b1.ip, 6002, &s, 3, NULL);
    seq_listening = 1;
    for (i = 0; st == NX_SUCCESS && i < SEQ_CONNECTIONS; i++) {
        NX_PACKET *p;
        st = nx_tcp_server_socket_accept(&s, 5 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nx_tcp_socket_receive(&s, &p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            break;
        st = nx_tcp_socket_send(&s, p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS) {
            nx_packet_release(p);
            break;
        }
        nx_tcp_socket_disconnect(&s, 5 * NX_IP_PERIODIC_RATE);
        st = nx_tcp_server_socket_unaccept(&s);
        if (st == NX_SUCCESS)
            seq_served++;
        if (st == NX_SUCCESS)
            st = nx_tcp_server_socket_relisten(&b1.ip, 6002, &s);
        if (st == NX_CONNECTION_PENDING)
            st = NX_SUCCESS;
    }
    if (st != NX_SUCCESS)
        printf("seq server: 0x%x at %d\n", st, i);
    seq_status = st;
    nx_tcp_server_socket_unaccept(&s);
    nx_tcp_server_socket_unlisten(&b1.ip, 6002);
    nx_tcp_socket_delete(&s);
}

static void test_v6_sequential_link_local(void)
{
    int f = failures, i;
    NX_TCP_SOCKET c;
    NXD_ADDRESS ll = link_local_of(&b1.ip);
    ULONG t0 = tx_time_get();
    tx_thread_create(&seq_thread, "seq", seq_server_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    while (!seq_listening)
        tx_thread_sleep(1);
    CHECK_EQ(nx_tcp_socket_create(&b2.ip, &c, "seq_cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SUCCESS);
    for (i = 0; i < SEQ_CONNECTIONS; i++) {
        char msg[32];
        UINT st;
        NX_PACKET *p;
        UCHAR back[64];
        ULONG n = 0;
        int len = snprintf(msg, sizeof(msg), "hello %d", i);
        st = nx_tcp_client_socket_bind(&c, NX_ANY_PORT, NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nxd_tcp_client_socket_connect(&c, &ll, 6002, 5 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nx_packet_allocate(&b2.pool, &p, NX_IPv6_TCP_PACKET, NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS) {
            nx_packet_data_append(p, msg, (ULONG)len, &b2.pool, NX_NO_WAIT);
            st = nx_tcp_socket_send(&c, p, 5 * NX_IP_PERIODIC_RATE);
            if (st != NX_SUCCESS)
                nx_packet_release(p);
        }
        while (st == NX_SUCCESS && n < (ULONG)len) {
            ULONG got;
            st = nx_tcp_socket_receive(&c, &p, 5 * NX_IP_PERIODIC_RATE);
            if (st != NX_SUCCESS)
                break;
            nx_packet_data_retrieve(p, back + n, &got);
            n += got;
            nx_packet_release(p);
        }
        if (st != NX_SUCCESS || n != (ULONG)len || memcmp(back, msg, (size_t)len) != 0) {
            printf("FAIL connection %d: status 0x%x\n", i, st);
            failures++;
            nx_tcp_socket_disconnect(&c, 10);
            nx_tcp_client_socket_unbind(&c);
            break;
        }
        nx_tcp_socket_disconnect(&c, 5 * NX_IP_PERIODIC_RATE);
        CHECK_EQ(nx_tcp_client_socket_unbind(&c), NX_SUCCESS);
    }
    tx_thread_join(&seq_thread);
    CHECK_EQ(seq_status, NX_SUCCESS);
    CHECK_EQ(seq_served, SEQ_CONNECTIONS);
    CHECK_EQ(nx_tcp_socket_delete(&c), NX_SUCCESS);
    printf("IPv6 sequential: %d connections in %lu ticks\n", SEQ_CONNECTIONS, (unsigned long)(tx_time_get() - t0));
    report("IPv6 only: 100 connections to a link-local address", f);
}

static void test_unknown_destination(void)
{
    int f = failures;
    NX_TCP_SOCKET c;
    NXD_ADDRESS nowhere = v6(0x20010db8UL, 1, 0, 0x99);
    ULONG t0;
    CHECK_EQ(nx_tcp_socket_create(&b2.ip, &c, "nowhere", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&c, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    t0 = tx_time_get();
    CHECK_EQ(nxd_tcp_client_socket_connect(&c, &nowhere, 110, 2 * NX_IP_PERIODIC_RATE), NX_NOT_CONNECTED);
    CHECK(tx_time_get() - t0 >= 2 * NX_IP_PERIODIC_RATE - 1 && tx_time_get() - t0 <= slack(3 * NX_IP_PERIODIC_RATE));
    CHECK_EQ(c.nx_tcp_socket_state, NX_TCP_CLOSED);
    CHECK_EQ(nx_tcp_client_socket_unbind(&c), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&c), NX_SUCCESS);
    report("IPv6: unknown destination gives NX_NOT_CONNECTED within the connect timeout", f);
}

/* Frames the library's RAM driver delivered to an instance. */
static ULONG ram_rx_count(NODE *n)
{
    NX_IP_DRIVER req;
    ULONG v = 0;
    memset(&req, 0, sizeof(req));
    req.nx_ip_driver_command = NX_LINK_GET_RX_COUNT;
    req.nx_ip_driver_ptr = &n->ip;
    req.nx_ip_driver_interface = &n->ip.nx_ip_interface[0];
    req.nx_ip_driver_return_ptr = &v;
    _nx_ram_network_driver(&req);
    return v;
}

/* An off-link destination: without a default router nothing leaves; with
   b1 as the router, b2 sends the SYN to b1's link-local address (resolved
   by ND; b1 does not forward: the connect times out either way). */
static void test_default_router(void)
{
    int f = failures;
    NX_TCP_SOCKET c;
    NXD_ADDRESS far = v6(0x20010db8UL, 0xffff0000UL, 0, 1), ll1 = link_local_of(&b1.ip), bad;
    ULONG rx0;
    CHECK_EQ(nx_tcp_socket_create(&b2.ip, &c, "far", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&c, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    tx_thread_sleep(5);
    rx0 = ram_rx_count(&b1);
    CHECK_EQ(nxd_tcp_client_socket_connect(&c, &far, 110, NX_IP_PERIODIC_RATE / 2), NX_NOT_CONNECTED);
    CHECK_EQ(ram_rx_count(&b1), rx0);
    bad = v6(0xff020000UL, 0, 0, 2);
    CHECK_EQ(nxd_ipv6_default_router_add(&b2.ip, &bad, 0xFFFF, 0), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nxd_ipv6_default_router_add(&b2.ip, &ll1, 0xFFFF, 1), NX_INVALID_INTERFACE);
    CHECK_EQ(nxd_ipv6_default_router_add(&b2.ip, NULL, 0xFFFF, 0), NX_PTR_ERROR);
    CHECK_EQ(nxd_ipv6_default_router_add(&b2.ip, &ll1, 0xFFFF, 0), NX_SUCCESS);
    rx0 = ram_rx_count(&b1);
    CHECK_EQ(nxd_tcp_client_socket_connect(&c, &far, 110, NX_IP_PERIODIC_RATE / 2), NX_NOT_CONNECTED);
    CHECK(ram_rx_count(&b1) >= rx0 + 1); /* the SYN (b1 is a known neighbor by now) */
    CHECK_EQ(nx_tcp_client_socket_unbind(&c), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&c), NX_SUCCESS);
    report("IPv6 default router: off-link traffic goes to it, none without it", f);
}

/* Neighbor Discovery needs nxd_icmp_enable, as in NetX Duo: until d1 calls
   it, d1 drops d2's neighbor solicitations and the connect times out. */
static void test_nd_needs_icmpv6(void)
{
    int f = failures;
    static NODE d1, d2;
    static NX_TCP_SOCKET srv, cli;
    NXD_ADDRESS g1 = v6(0x20010db8UL, 0xd, 0, 1), g2 = v6(0x20010db8UL, 0xd, 0, 2);
    CHECK_EQ(node_create(&d1, "d1", 0, 64, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&d2, "d2", 0, 64, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_enable(&d1.ip), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_global_address_set(&d1.ip, &g1, 64), NX_SUCCESS);
    CHECK_EQ(setup_v6(&d2, &g2), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&d1.ip, &srv, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&d2.ip, &cli, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&d1.ip, 6030, &srv, 1, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nxd_tcp_client_socket_connect(&cli, &g1, 6030, NX_IP_PERIODIC_RATE / 2), NX_NOT_CONNECTED);
    CHECK_EQ(nxd_icmp_enable(&d1.ip), NX_SUCCESS);
    CHECK_EQ(nxd_tcp_client_socket_connect(&cli, &g1, 6030, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&srv, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    pair_close(&d1, &srv, &cli, 6030);
    node_delete(&d1);
    node_delete(&d2);
    report("Neighbor Discovery answers only after nxd_icmp_enable", f);
}

/* ---------------------------------------------------------------- dual stack */

static void test_dual_stack(void)
{
    int f = failures;
    static NX_TCP_SOCKET s4, c4, s6, c6;
    NXD_ADDRESS d4, d6 = v6(0x20010db8UL, 9, 0, 1), peer;
    ULONG port;
    memset(&d4, 0, sizeof(d4));
    d4.nxd_ip_version = NX_IP_VERSION_V4;
    d4.nxd_ip_address.v4 = IP_ADDRESS(192, 0, 2, 61);
    pair_connect(&a1, &s4, &a2, &c4, &d4, 6010);
    pair_connect(&a1, &s6, &a2, &c6, &d6, 6011);
    CHECK_EQ(nxd_tcp_socket_peer_info_get(&s4, &peer, &port), NX_SUCCESS);
    CHECK_EQ(peer.nxd_ip_version, NX_IP_VERSION_V4);
    CHECK_EQ(peer.nxd_ip_address.v4, IP_ADDRESS(192, 0, 2, 62));
    CHECK_EQ(nxd_tcp_socket_peer_info_get(&s6, &peer, &port), NX_SUCCESS);
    {
        NXD_ADDRESS want = v6(0x20010db8UL, 9, 0, 2);
        CHECK(same(&peer, &want));
    }
    CHECK(exchange(&a2, &c4, &s4, "over IPv4"));
    CHECK(exchange(&a2, &c6, &s6, "over IPv6"));
    CHECK(exchange(&a1, &s4, &c4, "back over IPv4"));
    CHECK(exchange(&a1, &s6, &c6, "back over IPv6"));
    pair_close(&a1, &s4, &c4, 6010);
    pair_close(&a1, &s6, &c6, 6011);
    report("dual stack: IPv4 and IPv6 connections at once, peer info of each", f);
}

/* ---------------------------------------------------------------- malformed ICMPv6 */

static USHORT icmpv6_checksum(const UCHAR *ip6)
{
    unsigned long sum = 0;
    ULONG len = ((ULONG)ip6[4] << 8) | ip6[5], i;
    for (i = 8; i < 40; i += 2)
        sum += ((ULONG)ip6[i] << 8) | ip6[i + 1];
    sum += len + 58;
    for (i = 0; i < len; i += 2)
        sum += ((ULONG)ip6[40 + i] << 8) | (i + 1 < len ? ip6[40 + i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (USHORT)~sum;
}

/* An IPv6 packet from src (NULL: fe80::99) to dst carrying ICMPv6 type
   (code 0) and body. */
static ULONG build_from(UCHAR *buf, const NXD_ADDRESS *src, const NXD_ADDRESS *dst, UCHAR hop, UCHAR type,
                        const UCHAR *body, ULONG body_len, int good_sum);
static ULONG build(UCHAR *buf, const NXD_ADDRESS *dst, UCHAR hop, UCHAR type, const UCHAR *body, ULONG body_len, int good_sum)
{
    return build_from(buf, NULL, dst, hop, type, body, body_len, good_sum);
}

static ULONG build_from(UCHAR *buf, const NXD_ADDRESS *src, const NXD_ADDRESS *dst, UCHAR hop, UCHAR type,
                        const UCHAR *body, ULONG body_len, int good_sum)
{
    ULONG i, len = 4 + body_len;
    USHORT c;
    memset(buf, 0, 40 + len);
    buf[0] = 0x60;
    buf[4] = (UCHAR)(len >> 8);
    buf[5] = (UCHAR)len;
    buf[6] = 58;
    buf[7] = hop;
    buf[8] = 0xfe; buf[9] = 0x80; buf[23] = 0x99;
    for (i = 0; src != NULL && i < 4; i++) {
        ULONG w = src->nxd_ip_address.v6[i];
        buf[8 + 4 * i] = (UCHAR)(w >> 24); buf[9 + 4 * i] = (UCHAR)(w >> 16);
        buf[10 + 4 * i] = (UCHAR)(w >> 8); buf[11 + 4 * i] = (UCHAR)w;
    }
    for (i = 0; i < 4; i++) {
        ULONG w = dst->nxd_ip_address.v6[i];
        buf[24 + 4 * i] = (UCHAR)(w >> 24); buf[25 + 4 * i] = (UCHAR)(w >> 16);
        buf[26 + 4 * i] = (UCHAR)(w >> 8); buf[27 + 4 * i] = (UCHAR)w;
    }
    buf[40] = type;
    memcpy(buf + 44, body, body_len);
    c = icmpv6_checksum(buf);
    if (!good_sum)
        c ^= 0x1234;
    buf[42] = (UCHAR)(c >> 8);
    buf[43] = (UCHAR)c;
    return 40 + len;
}

static void inject(NODE *n, const UCHAR *frame, ULONG len)
{
    NX_PACKET *p;
    if (nx_packet_allocate(&n->pool, &p, NX_PHYSICAL_HEADER, NX_NO_WAIT) != NX_SUCCESS) {
        failures++;
        return;
    }
    nx_packet_data_append(p, (VOID *)frame, len, &n->pool, NX_NO_WAIT);
    p->nx_packet_ip_version = NX_IP_VERSION_V6;
    _nx_ip_packet_deferred_receive(&n->ip, p);
}

static void test_malformed_icmpv6(void)
{
    int f = failures;
    UCHAR buf[128], body[32];
    NXD_ADDRESS me = v6(0x20010db8UL, 1, 0, 1);
    ULONG sum_errors = 9, unhandled = 9, pings = 9, len;
    memset(body, 0, sizeof(body));
    body[3] = 1; /* echo id/seq */
    CHECK_EQ(nx_icmp_info_get(&b1.ip, &pings, NULL, NULL, NULL, &sum_errors, &unhandled), NX_SUCCESS);
    CHECK_EQ(pings, 0);
    CHECK_EQ(sum_errors, 0);
    CHECK_EQ(unhandled, 0);
    /* 1: an echo request with a bad checksum. */
    len = build(buf, &me, 64, 128, body, 8, 0);
    inject(&b1, buf, len);
    /* 2: an echo request cut short (payload length beyond the data). */
    len = build(buf, &me, 64, 128, body, 8, 1);
    inject(&b1, buf, len - 6);
    /* 3: a neighbor solicitation with a hop limit of 64 (not from the link). */
    {
        UCHAR ns[20];
        int i;
        memset(ns, 0, sizeof(ns));
        for (i = 0; i < 4; i++) {
            ULONG w = me.nxd_ip_address.v6[i];
            ns[4 + 4 * i] = (UCHAR)(w >> 24); ns[5 + 4 * i] = (UCHAR)(w >> 16);
            ns[6 + 4 * i] = (UCHAR)(w >> 8); ns[7 + 4 * i] = (UCHAR)w;
        }
        len = build(buf, &me, 64, 135, ns, 20, 1);
        inject(&b1, buf, len);
        /* 4: a neighbor solicitation whose option has length 0. */
        {
            UCHAR ns2[28];
            memcpy(ns2, ns, 20);
            ns2[20] = 1; ns2[21] = 0;
            memset(ns2 + 22, 0, 6);
            len = build(buf, &me, 255, 135, ns2, 28, 1);
            inject(&b1, buf, len);
        }
    }
    /* 5: a well-formed echo request: answered, not counted. */
    len = build(buf, &me, 64, 128, body, 8, 1);
    inject(&b1, buf, len);
    /* 6: not an IPv6 header at all (version 6, 10 bytes). */
    inject(&b1, buf, 10);
    tx_thread_sleep(20);
    CHECK_EQ(nx_icmp_info_get(&b1.ip, NULL, NULL, NULL, NULL, &sum_errors, &unhandled), NX_SUCCESS);
    CHECK_EQ(sum_errors, 1);
    CHECK_EQ(unhandled, 4);
    CHECK_EQ(nx_icmp_info_get(NULL, NULL, NULL, NULL, NULL, &sum_errors, &unhandled), NX_PTR_ERROR);
    report("malformed ICMPv6/ND frames dropped and counted (nx_icmp_info_get)", f);
}

/* ---------------------------------------------------------------- C driver */

static void test_netx_driver(void)
{
    int f = failures;
    static NX_TCP_SOCKET srv, cli;
    NXD_ADDRESS g1 = v6(0x20010db8UL, 7, 0, 1), g2 = v6(0x20010db8UL, 7, 0, 2);
    ULONG before = nx_ram_netx_stats.received_ip;
    CHECK_EQ(node_create(&c1, "c1", 0, 64, _nx_ram_network_driver_netx), NX_SUCCESS);
    CHECK_EQ(node_create(&c2, "c2", 0, 64, _nx_ram_network_driver_netx), NX_SUCCESS);
    CHECK_EQ(nx_ram_netx_stats.multicast_joined, 0);
    CHECK_EQ(setup_v6(&c1, &g1), NX_SUCCESS);
    CHECK_EQ(setup_v6(&c2, &g2), NX_SUCCESS);
    /* Each: all-nodes, the link-local's and the global's solicited-node groups. */
    CHECK_EQ(nx_ram_netx_stats.multicast_joined, 6);
    CHECK_EQ(nx_ram_netx_stats.multicast_errors, 0);
    pair_connect(&c1, &srv, &c2, &cli, &g1, 6020);
    CHECK(exchange(&c2, &cli, &srv, "through the C driver"));
    CHECK(exchange(&c1, &srv, &cli, "and back"));
    pair_close(&c1, &srv, &cli, 6020);
    CHECK(nx_ram_netx_stats.received_ip > before);
    /* Echo: a request "from c2" handed to c1 is answered (the reply reaches
       c2 through the driver); one with a bad checksum is not. */
    {
        UCHAR buf[128], body[8] = { 0, 7, 0, 1, 'p', 'i', 'n', 'g' };
        ULONG len, n0;
        tx_thread_sleep(5);
        n0 = nx_ram_netx_stats.received_ipv6;
        len = build_from(buf, &g2, &g1, 64, 128, body, sizeof body, 1);
        inject(&c1, buf, len);
        tx_thread_sleep(10);
        CHECK_EQ(nx_ram_netx_stats.received_ipv6, n0 + 1);
        n0 = nx_ram_netx_stats.received_ipv6;
        len = build_from(buf, &g2, &g1, 64, 128, body, sizeof body, 0);
        inject(&c1, buf, len);
        tx_thread_sleep(10);
        CHECK_EQ(nx_ram_netx_stats.received_ipv6, n0);
    }
    CHECK(nx_ram_netx_stats.received_ipv6 > 0);
    CHECK_EQ(nxd_ipv6_disable(&c1.ip), NX_SUCCESS);
    CHECK_EQ(nxd_ipv6_disable(&c2.ip), NX_SUCCESS);
    CHECK_EQ(nx_ram_netx_stats.multicast_joined, 0);
    CHECK_EQ(nx_ram_netx_stats.multicast_errors, 0);
    CHECK_EQ(nxd_ipv6_disable(&c2.ip), NX_NOT_ENABLED);
    {
        NXD_ADDRESS a;
        ULONG prefix;
        UINT ifc;
        CHECK_EQ(nxd_ipv6_address_get(&c1.ip, 0, &a, &prefix, &ifc), NX_NO_INTERFACE_ADDRESS);
    }
    node_delete(&c1);
    node_delete(&c2);
    report("NetX-shaped C driver: multicast join/leave for ND, IPv6 frames both ways", f);
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    int f = failures;
    (void)input;
    CHECK_EQ(node_create(&a1, "a1", IP_ADDRESS(192, 0, 2, 61), 96, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&a2, "a2", IP_ADDRESS(192, 0, 2, 62), 96, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&b1, "b1", 0, 96, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&b2, "b2", 0, 96, _nx_ram_network_driver), NX_SUCCESS);
    {
        NXD_ADDRESS x1 = v6(0x20010db8UL, 9, 0, 1), x2 = v6(0x20010db8UL, 9, 0, 2);
        CHECK_EQ(setup_v6(&a1, &x1), NX_SUCCESS);
        CHECK_EQ(setup_v6(&a2, &x2), NX_SUCCESS);
    }
    report("four IP instances on the RAM driver (two dual stack, two IPv6 only)", f);
    if (failures == 0) {
        test_bad_input_before_enable();
        test_addresses();
        test_v6_bulk();
        test_v6_sequential_link_local();
        test_unknown_destination();
        test_default_router();
        test_nd_needs_icmpv6();
        test_dual_stack();
        test_malformed_icmpv6();
        test_netx_driver();
    }
    f = failures;
    node_delete(&a1);
    node_delete(&a2);
    node_delete(&b1);
    node_delete(&b2);
    report("every packet back in its pool, instances deleted", f);
    printf("%s test_netx_ipv6\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 120)
