/* Two IP instances on the RAM driver: connect/accept, 10 MiB each way with a
   checksum, 100 sequential connections on one listening port, disconnect from
   either side, receive timeout, send on a closed socket, bad input, and every
   packet back in its pool. */
#include "netx_test_common.h"

#define SERVER_IP IP_ADDRESS(192, 168, 7, 1)
#define CLIENT_IP IP_ADDRESS(192, 168, 7, 2)
#define BULK_PORT 5001
#define SEQ_PORT 5002
#define BULK_BYTES (slow_mode() ? 1024UL * 1024 : 10UL * 1024 * 1024)
#include "netx_bulk.h"
#define SEQ_CONNECTIONS 100

static NODE server, client;
static NX_TCP_SOCKET srv_sock, cli_sock;

/* ---------------------------------------------------------------- bulk */

static TX_THREAD closer_thread;
static volatile UINT closer_receive, closer_disconnect;

static void closer_entry(ULONG input)
{
    NX_PACKET *p;
    (void)input;
    closer_receive = nx_tcp_socket_receive(&srv_sock, &p, 5 * NX_IP_PERIODIC_RATE);
    if (closer_receive == NX_SUCCESS)
        nx_packet_release(p);
    closer_disconnect = nx_tcp_socket_disconnect(&srv_sock, 5 * NX_IP_PERIODIC_RATE);
}

static void test_bulk(void)
{
    int f = failures;
    STREAM *up_tx = &streams[0], *up_rx = &streams[1], *down_tx = &streams[2], *down_rx = &streams[3];
    SUM want_up = { 0, 0, 0 }, want_down = { 0, 0, 0 };
    unsigned long long i;
    ULONG t0;

    CHECK_EQ(nx_tcp_socket_create(&server.ip, &srv_sock, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &cli_sock, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, BULK_PORT, &srv_sock, 2, NULL), NX_SUCCESS);
    CHECK_EQ(srv_sock.nx_tcp_socket_state, NX_TCP_LISTEN_STATE);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli_sock, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK(cli_sock.nx_tcp_socket_port >= 0xC000);
    CHECK_EQ(nx_tcp_client_socket_connect(&cli_sock, SERVER_IP, BULK_PORT, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&srv_sock, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(cli_sock.nx_tcp_socket_state, NX_TCP_ESTABLISHED);
    CHECK_EQ(srv_sock.nx_tcp_socket_state, NX_TCP_ESTABLISHED);
    CHECK_EQ(srv_sock.nx_tcp_socket_connect_ip.nxd_ip_address.v4, CLIENT_IP);
    CHECK_EQ(srv_sock.nx_tcp_socket_connect_port, cli_sock.nx_tcp_socket_port);
    CHECK_EQ(cli_sock.nx_tcp_socket_connect_port, BULK_PORT);
    report("connect/accept", f);

    f = failures;
    t0 = tx_time_get();
    up_tx->sock = &cli_sock; up_tx->pool = &client.pool; up_tx->seed = 1;
    up_rx->sock = &srv_sock; up_rx->seed = 1;
    down_tx->sock = &srv_sock; down_tx->pool = &server.pool; down_tx->seed = 2;
    down_rx->sock = &cli_sock; down_rx->seed = 2;
    tx_thread_create(&up_tx->thread, "up_tx", sender_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&up_rx->thread, "up_rx", receiver_entry, 1, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&down_tx->thread, "down_tx", sender_entry, 2, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&down_rx->thread, "down_rx", receiver_entry, 3, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_join(&up_tx->thread);
    tx_thread_join(&up_rx->thread);
    tx_thread_join(&down_tx->thread);
    tx_thread_join(&down_rx->thread);
    for (i = 0; i < BULK_BYTES; i++) {
        UCHAR a = pattern(1, i), b = pattern(2, i);
        sum_add(&want_up, &a, 1);
        sum_add(&want_down, &b, 1);
    }
    CHECK_EQ(up_tx->status, NX_SUCCESS);
    CHECK_EQ(up_rx->status, NX_SUCCESS);
    CHECK_EQ(down_tx->status, NX_SUCCESS);
    CHECK_EQ(down_rx->status, NX_SUCCESS);
    CHECK(up_tx->sum.a == want_up.a && up_tx->sum.b == want_up.b);
    CHECK(up_rx->sum.a == want_up.a && up_rx->sum.b == want_up.b && up_rx->sum.bytes == BULK_BYTES);
    CHECK(down_rx->sum.a == want_down.a && down_rx->sum.b == want_down.b && down_rx->sum.bytes == BULK_BYTES);
    printf("bulk: 2 x %lu KiB in %lu ticks\n", BULK_BYTES / 1024, (unsigned long)(tx_time_get() - t0));
    report("10 MiB each way (1 MiB under valgrind), checksums match", f);

    /* Receive timeout on an idle connection. */
    f = failures;
    {
        NX_PACKET *p = (NX_PACKET *)&p;
        ULONG bytes = 1;
        t0 = tx_time_get();
        CHECK_EQ(nx_tcp_socket_receive(&srv_sock, &p, 15), NX_NO_PACKET);
        CHECK(p == NULL);
        CHECK(tx_time_get() - t0 >= 14 && tx_time_get() - t0 <= slack(60));
        CHECK_EQ(nx_tcp_socket_bytes_available(&srv_sock, &bytes), NX_SUCCESS);
        CHECK_EQ(bytes, 0);
    }
    report("receive timeout", f);

    /* Client closes; the server (another thread) sees NX_NOT_CONNECTED once
       drained and closes too, which completes the client's disconnect. */
    f = failures;
    {
        NX_PACKET *p;
        t0 = tx_time_get();
        tx_thread_create(&closer_thread, "closer", closer_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        CHECK_EQ(nx_tcp_socket_disconnect(&cli_sock, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(cli_sock.nx_tcp_socket_state, NX_TCP_CLOSED);
        tx_thread_join(&closer_thread);
        CHECK_EQ(closer_receive, NX_NOT_CONNECTED);
        CHECK_EQ(closer_disconnect, NX_SUCCESS);
        CHECK(tx_time_get() - t0 < slack(100));
        /* Send on a closed socket: refused, the caller keeps the packet. */
        CHECK_EQ(nx_packet_allocate(&client.pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, "x", 1, &client.pool, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_send(&cli_sock, p, 10), NX_NOT_CONNECTED);
        CHECK(p != NULL);
        CHECK_EQ(nx_packet_release(p), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_disconnect(&cli_sock, 10), NX_NOT_CONNECTED);
    }
    CHECK_EQ(nx_tcp_server_socket_unaccept(&srv_sock), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, BULK_PORT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&cli_sock), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&srv_sock), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&cli_sock), NX_SUCCESS);
    report("disconnect, NX_NOT_CONNECTED after close, send on closed socket", f);
}

/* ---------------------------------------------------------------- 100 connections */

static TX_THREAD seq_server_thread;
static volatile int seq_served, seq_listening;
static volatile UINT seq_server_status;

static volatile int listen_callbacks, disconnect_callbacks;
static NX_TCP_SOCKET *volatile callback_socket;

static void on_listen(NX_TCP_SOCKET *socket_ptr, UINT port)
{
    if (port == SEQ_PORT && socket_ptr == callback_socket)
        listen_callbacks++;
}

static void on_disconnect(NX_TCP_SOCKET *socket_ptr)
{
    if (socket_ptr == callback_socket)
        disconnect_callbacks++;
}

static void seq_server_entry(ULONG input)
{
    static NX_TCP_SOCKET s;
    int i;
    UINT st;
    (void)input;
    seq_server_status = NX_SUCCESS;
    callback_socket = &s;
    st = nx_tcp_socket_create(&server.ip, &s, "seq_srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, on_disconnect);
    if (st == NX_SUCCESS)
        st = nx_tcp_server_socket_listen(&server.ip, SEQ_PORT, &s, 3, on_listen);
    seq_listening = 1;
    for (i = 0; st == NX_SUCCESS && i < SEQ_CONNECTIONS; i++) {
        NX_PACKET *p;
        st = nx_tcp_server_socket_accept(&s, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            break;
        st = nx_tcp_socket_receive(&s, &p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            break;
        /* Echo it back. */
        st = nx_tcp_socket_send(&s, p, 5 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS) {
            nx_packet_release(p);
            break;
        }
        if (i % 2 == 1) {
            /* Server closes first. */
            nx_tcp_socket_disconnect(&s, 5 * NX_IP_PERIODIC_RATE);
        } else {
            /* Client closes first: wait for its FIN. */
            st = nx_tcp_socket_receive(&s, &p, 5 * NX_IP_PERIODIC_RATE);
            if (st != NX_NOT_CONNECTED) {
                if (st == NX_SUCCESS)
                    nx_packet_release(p);
                st = NX_NOT_SUCCESSFUL;
                break;
            }
            st = NX_SUCCESS;
            nx_tcp_socket_disconnect(&s, 5 * NX_IP_PERIODIC_RATE);
        }
        st = nx_tcp_server_socket_unaccept(&s);
        if (st != NX_SUCCESS)
            break;
        seq_served++;
        st = nx_tcp_server_socket_relisten(&server.ip, SEQ_PORT, &s);
        if (st == NX_CONNECTION_PENDING)
            st = NX_SUCCESS;
    }
    if (st != NX_SUCCESS)
        printf("seq server: status 0x%x at connection %d\n", st, i);
    seq_server_status = st;
    nx_tcp_server_socket_unaccept(&s);
    nx_tcp_server_socket_unlisten(&server.ip, SEQ_PORT);
    if (nx_tcp_socket_delete(&s) != NX_SUCCESS)
        seq_server_status = NX_NOT_SUCCESSFUL;
}

static void test_sequential(void)
{
    int f = failures, i;
    NX_TCP_SOCKET c;
    ULONG t0 = tx_time_get();
    seq_served = 0;
    tx_thread_create(&seq_server_thread, "seq_srv", seq_server_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    while (!seq_listening)
        tx_thread_sleep(1);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &c, "seq_cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SUCCESS);
    for (i = 0; i < SEQ_CONNECTIONS; i++) {
        NX_PACKET *p;
        char msg[32];
        UCHAR back[64];
        ULONG n = 0;
        UINT st;
        int len = snprintf(msg, sizeof(msg), "hello %d", i);
        st = nx_tcp_client_socket_bind(&c, NX_ANY_PORT, NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nx_tcp_client_socket_connect(&c, SERVER_IP, SEQ_PORT, 5 * NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS)
            st = nx_packet_allocate(&client.pool, &p, NX_IPv4_TCP_PACKET, NX_IP_PERIODIC_RATE);
        if (st == NX_SUCCESS) {
            nx_packet_data_append(p, msg, (ULONG)len, &client.pool, NX_NO_WAIT);
            st = nx_tcp_socket_send(&c, p, 5 * NX_IP_PERIODIC_RATE);
            if (st != NX_SUCCESS)
                nx_packet_release(p);
        }
        /* The echo may arrive in pieces. */
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
            printf("FAIL connection %d: status 0x%x, %lu bytes\n", i, st, (unsigned long)n);
            failures++;
            nx_tcp_socket_disconnect(&c, 10);
            nx_tcp_client_socket_unbind(&c);
            break;
        }
        if (i % 2 == 1) {
            /* Server closes first: we see NX_NOT_CONNECTED. */
            st = nx_tcp_socket_receive(&c, &p, 5 * NX_IP_PERIODIC_RATE);
            CHECK_EQ(st, NX_NOT_CONNECTED);
            if (st == NX_SUCCESS)
                nx_packet_release(p);
        }
        CHECK_EQ(nx_tcp_socket_disconnect(&c, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(nx_tcp_client_socket_unbind(&c), NX_SUCCESS);
    }
    tx_thread_join(&seq_server_thread);
    CHECK_EQ(seq_server_status, NX_SUCCESS);
    CHECK_EQ(seq_served, SEQ_CONNECTIONS);
    /* One listen callback per connection; the disconnect callback only when
       the client closed first (every other connection). */
    CHECK_EQ(listen_callbacks, SEQ_CONNECTIONS);
    CHECK_EQ(disconnect_callbacks, SEQ_CONNECTIONS / 2);
    CHECK_EQ(nx_tcp_socket_delete(&c), NX_SUCCESS);
    printf("sequential: %d connections in %lu ticks\n", SEQ_CONNECTIONS, (unsigned long)(tx_time_get() - t0));
    report("100 sequential connections on one listening port, both sides closing, callbacks", f);
}

/* ---------------------------------------------------------------- backlog */

/* A second client connects while the server socket is busy with the first:
   it waits in the listen queue; relisten hands it over at once
   (NX_CONNECTION_PENDING) and accept completes without waiting. */
static void test_backlog(void)
{
    int f = failures;
    NX_TCP_SOCKET s, c1, c2;
    NX_PACKET *p;
    ULONG n;
    UCHAR b[8];
    CHECK_EQ(nx_tcp_socket_create(&server.ip, &s, "bl_srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &c1, "bl_c1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &c2, "bl_c2", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, 5003, &s, 1, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, 5003, &s, 1, NULL), NX_DUPLICATE_LISTEN);
    CHECK_EQ(nx_tcp_client_socket_bind(&c1, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&c2, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK(c1.nx_tcp_socket_port != c2.nx_tcp_socket_port);
    CHECK_EQ(nx_tcp_client_socket_connect(&c1, SERVER_IP, 5003, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&s, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_connect_port, c1.nx_tcp_socket_port);
    /* The server socket is busy: c2 is queued, not refused. */
    CHECK_EQ(nx_tcp_client_socket_connect(&c2, SERVER_IP, 5003, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_packet_allocate(&client.pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_data_append(p, "two", 3, &client.pool, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_send(&c2, p, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    /* Done with c1. */
    CHECK_EQ(nx_tcp_socket_disconnect(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&c1, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_CLOSED);
    CHECK_EQ(nx_tcp_server_socket_relisten(&server.ip, 5003, &s), NX_CONNECTION_PENDING);
    CHECK_EQ(nx_tcp_server_socket_accept(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_connect_port, c2.nx_tcp_socket_port);
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    if (p != NULL) {
        CHECK_EQ(nx_packet_data_retrieve(p, b, &n), NX_SUCCESS);
        CHECK(n == 3 && memcmp(b, "two", 3) == 0);
        nx_packet_release(p);
    }
    /* Another client queues up too, then gives up (its close times out and
       resets): the queue slot must listen again, so the next client, still
       while the server socket is busy, is queued rather than refused. */
    CHECK_EQ(nx_tcp_client_socket_unbind(&c1), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&c1, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&c1, SERVER_IP, 5003, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&c1, 10), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&c1), NX_SUCCESS);
    tx_thread_sleep(2);
    CHECK_EQ(nx_tcp_client_socket_bind(&c1, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&c1, SERVER_IP, 5003, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    /* Done with c2; the queued c1 is next. */
    CHECK_EQ(nx_tcp_socket_disconnect(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&c2, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_relisten(&server.ip, 5003, &s), NX_CONNECTION_PENDING);
    CHECK_EQ(nx_tcp_server_socket_accept(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_connect_port, c1.nx_tcp_socket_port);
    CHECK_EQ(nx_tcp_socket_disconnect(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&c1, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&c1), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s), NX_SUCCESS);
    /* Nothing queued now: relisten just listens. */
    CHECK_EQ(nx_tcp_server_socket_relisten(&server.ip, 5003, &s), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_LISTEN_STATE);
    CHECK_EQ(nx_tcp_server_socket_accept(&s, 5), NX_NOT_CONNECTED);
    /* The port still serves: a new connection is accepted. */
    CHECK_EQ(nx_tcp_client_socket_bind(&c1, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&c1, SERVER_IP, 5003, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&s, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_connect_port, c1.nx_tcp_socket_port);
    CHECK_EQ(nx_tcp_socket_disconnect(&s, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(&c1, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, 5003), NX_SUCCESS);
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_CLOSED);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, 5003), NX_ENTRY_NOT_FOUND);
    CHECK_EQ(nx_tcp_client_socket_unbind(&c1), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&c2), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&c1), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&c2), NX_SUCCESS);
    report("listen queue: a connection waits while the socket is busy, relisten gives NX_CONNECTION_PENDING", f);
}

/* ---------------------------------------------------------------- bad input */

static void test_bad_input(void)
{
    int f = failures;
    NX_TCP_SOCKET s, foreign;
    NX_IP foreign_ip;
    NX_PACKET *p = NULL;
    ULONG n;
    NXD_ADDRESS a;
    memset(&foreign, 0x33, sizeof(foreign));
    memset(&foreign_ip, 0x44, sizeof(foreign_ip));
    CHECK_EQ(nx_tcp_socket_create(NULL, &s, "s", 0, 0, 0x80, 1460, NULL, NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_create(&foreign_ip, &s, "s", 0, 0, 0x80, 1460, NULL, NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, NULL, "s", 0, 0, 0x80, 1460, NULL, NULL), NX_PTR_ERROR);
    CHECK_EQ(_nxe_tcp_socket_create(&client.ip, &s, "s", 0, 0, 0x80, 1460, NULL, NULL, sizeof(s) + 4), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &s, "s", 0, 0, 0x80, 0, NULL, NULL), NX_OPTION_ERROR);
    CHECK_EQ(nx_tcp_client_socket_bind(NULL, 0, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_client_socket_bind(&foreign, 0, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_send(&foreign, p, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_receive(&foreign, &p, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_receive(NULL, &p, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_bytes_available(&foreign, &n), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_server_socket_listen(&foreign_ip, 80, &foreign, 1, NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&client.ip, 4444), NX_ENTRY_NOT_FOUND);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &s, "s", 0, 0, 0x80, 1460, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &s, "s", 0, 0, 0x80, 1460, NULL, NULL), NX_PTR_ERROR); /* twice */
    CHECK_EQ(nx_tcp_client_socket_bind(&s, 0x10000, 0), NX_INVALID_PORT);
    CHECK_EQ(nx_tcp_client_socket_connect(&s, SERVER_IP, 80, 10), NX_NOT_BOUND);
    CHECK_EQ(nx_tcp_client_socket_bind(&s, 7777, 0), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&s, 7778, 0), NX_ALREADY_BOUND);
    {
        /* A port in use: waited for, then NX_PORT_UNAVAILABLE. */
        NX_TCP_SOCKET s2;
        ULONG t0 = tx_time_get();
        CHECK_EQ(nx_tcp_socket_create(&client.ip, &s2, "s2", 0, 0, 0x80, 1460, NULL, NULL), NX_SUCCESS);
        CHECK_EQ(nx_tcp_client_socket_bind(&s2, 7777, 5), NX_PORT_UNAVAILABLE);
        CHECK(tx_time_get() - t0 >= 4);
        CHECK_EQ(nx_tcp_client_socket_bind(&s2, 7777, NX_NO_WAIT), NX_PORT_UNAVAILABLE);
        CHECK_EQ(nx_tcp_socket_delete(&s2), NX_SUCCESS);
    }
    CHECK_EQ(nx_tcp_client_socket_connect(&s, 0, 80, 10), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nx_tcp_client_socket_connect(&s, SERVER_IP, 0, 10), NX_INVALID_PORT);
    a.nxd_ip_version = 5;
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, 80, 10), NX_IP_ADDRESS_ERROR);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, NULL, 80, 10), NX_PTR_ERROR);
    /* Nobody listens: refused. */
    a.nxd_ip_version = NX_IP_VERSION_V4;
    a.nxd_ip_address.v4 = SERVER_IP;
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, 4444, 2 * NX_IP_PERIODIC_RATE), NX_NOT_CONNECTED);
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, 5), NX_NOT_CONNECTED);
    CHECK_EQ(nx_tcp_socket_state_wait(&s, 99, 0), NX_OPTION_ERROR);
    CHECK_EQ(nx_tcp_socket_state_wait(&s, NX_TCP_CLOSED, 10), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_STILL_BOUND);
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_NOT_BOUND);
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_PTR_ERROR); /* twice */
    CHECK_EQ(nx_tcp_client_socket_bind(&s, 0, 0), NX_PTR_ERROR); /* use after delete */
    CHECK_EQ(nx_ip_create(&client.ip, "again", CLIENT_IP, 0xFFFFFF00UL, &client.pool, _nx_ram_network_driver, client.stack, sizeof(client.stack), 1), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_delete(&foreign_ip), NX_PTR_ERROR);
    CHECK_EQ(nx_ip_delete(NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_arp_enable(&client.ip, client.arp, sizeof(client.arp)), NX_ALREADY_ENABLED);
    CHECK_EQ(nx_tcp_enable(&client.ip), NX_ALREADY_ENABLED);
    report("TCP and IP bad input", f);
}

static void test_ip_basics(void)
{
    int f = failures;
    ULONG st = 0, v = 0;
    NX_IP_DRIVER req;
    CHECK_EQ(nx_ip_status_check(&client.ip, NX_IP_INITIALIZE_DONE | NX_IP_LINK_ENABLED | NX_IP_ARP_ENABLED | NX_IP_TCP_ENABLED, &st, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(client.ip.nx_ip_interface[0].nx_interface_ip_mtu_size, 1500);
    CHECK_EQ(client.ip.nx_ip_interface[0].nx_interface_physical_address_msw, 0x0011);
    CHECK(server.ip.nx_ip_interface[0].nx_interface_physical_address_lsw != client.ip.nx_ip_interface[0].nx_interface_physical_address_lsw);
    CHECK_EQ(client.ip.nx_ip_interface[0].nx_interface_link_up, 1);
    memset(&req, 0, sizeof(req));
    req.nx_ip_driver_command = NX_LINK_GET_STATUS;
    req.nx_ip_driver_ptr = &client.ip;
    req.nx_ip_driver_interface = &client.ip.nx_ip_interface[0];
    req.nx_ip_driver_return_ptr = &v;
    _nx_ram_network_driver(&req);
    CHECK_EQ(req.nx_ip_driver_status, NX_SUCCESS);
    CHECK_EQ(v, 1);
    req.nx_ip_driver_command = 77;
    _nx_ram_network_driver(&req);
    CHECK_EQ(req.nx_ip_driver_status, NX_UNHANDLED_COMMAND);
    report("IP status, RAM driver MAC/MTU/status", f);
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    int f = failures;
    (void)input;
    CHECK_EQ(node_create(&server, "server", SERVER_IP, 96, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&client, "client", CLIENT_IP, 96, _nx_ram_network_driver), NX_SUCCESS);
    report("two IP instances on the RAM driver", f);
    if (failures == 0) {
        test_ip_basics();
        test_bulk();
        test_sequential();
        test_backlog();
        test_bad_input();
    }
    f = failures;
    node_delete(&client);
    node_delete(&server);
    report("every packet back in its pool, instances deleted", f);
    /* Delete twice, use after delete. */
    f = failures;
    {
        NX_TCP_SOCKET s;
        ULONG st;
        CHECK_EQ(nx_ip_delete(&client.ip), NX_PTR_ERROR);
        CHECK_EQ(nx_tcp_enable(&client.ip), NX_PTR_ERROR);
        CHECK_EQ(nx_ip_status_check(&client.ip, NX_IP_LINK_ENABLED, &st, NX_NO_WAIT), NX_PTR_ERROR);
        CHECK_EQ(nx_tcp_socket_create(&client.ip, &s, "late", 0, 0, 0x80, 1460, NULL, NULL), NX_PTR_ERROR);
        CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, 80), NX_PTR_ERROR);
        CHECK_EQ(nx_packet_pool_delete(&client.pool), NX_PTR_ERROR);
    }
    report("IP and pool: delete twice, use after delete", f);
    printf("%s test_netx_tcp\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
