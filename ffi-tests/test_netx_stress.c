/* Lifetime stress (issue 9), bounded and not timed: one server instance and
   two client instances on the RAM driver (through a wrapper that counts any
   driver command an instance gets after NX_LINK_UNINITIALIZE). Per round,
   each server thread creates a socket, listens, accepts, echoes until the
   peer closes, disconnects, unaccepts, unlistens and deletes it; each client
   thread creates a socket, binds, connects, sends a checksummed stream,
   reads the echo, disconnects, unbinds and deletes it. Meanwhile a thread
   per client instance keeps trying to delete it (NX_SOCKETS_BOUND while
   sockets exist) and creates/deletes sockets of its own that another thread
   waits on. At the end the instances are deleted and every packet must be
   back in its pool. Run plain, under ASan and under valgrind. */
#include "netx_test_common.h"

#define SERVER_IP IP_ADDRESS(192, 168, 11, 1)
#define BASE_PORT 7000
#define CLIENTS 2
#define PER_CLIENT 2
#define CONNS (CLIENTS * PER_CLIENT)
#define ROUNDS (slow_mode() ? 3 : 12)
#define STREAM_BYTES (slow_mode() ? 20000UL : 200000UL)

static NODE server, clients[CLIENTS];
static volatile int after_uninit, uninit_seen[CLIENTS + 1];

static int node_index(NX_IP *ip)
{
    int i;
    if (ip == &server.ip)
        return 0;
    for (i = 0; i < CLIENTS; i++)
        if (ip == &clients[i].ip)
            return i + 1;
    return -1;
}

static VOID wrap_driver(NX_IP_DRIVER *req)
{
    int i = node_index(req->nx_ip_driver_ptr);
    if (i >= 0 && uninit_seen[i] && req->nx_ip_driver_command != NX_LINK_UNINITIALIZE)
        after_uninit++;
    _nx_ram_network_driver(req);
    if (i >= 0 && req->nx_ip_driver_command == NX_LINK_UNINITIALIZE)
        uninit_seen[i] = 1;
}

typedef struct WORKER {
    TX_THREAD thread;
    int index;
    volatile UINT status;
    volatile int line;
    volatile int rounds;
} WORKER;

static WORKER servers[CONNS], cls[CONNS], chaos[CLIENTS];
/* Round a server thread listens for (a client of an older round's listen
   entry would be reset by its unlisten). */
static volatile int listening[CONNS];
static volatile int stop_chaos;

#define FAILW(w, s)            \
    do {                       \
        (w)->status = (s);     \
        (w)->line = __LINE__;  \
        goto out;              \
    } while (0)

static void server_entry(ULONG input)
{
    WORKER *w = &servers[input];
    UINT port = BASE_PORT + (UINT)input;
    int round;
    for (round = 0; round < ROUNDS; round++) {
        NX_TCP_SOCKET *s = (NX_TCP_SOCKET *)calloc(1, sizeof(*s));
        UINT st = nx_tcp_socket_create(&server.ip, s, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8192, NULL, NULL);
        if (st != NX_SUCCESS)
            FAILW(w, st);
        st = nx_tcp_server_socket_listen(&server.ip, port, s, 2, NULL);
        if (st != NX_SUCCESS)
            FAILW(w, st);
        listening[input] = round + 1;
        st = nx_tcp_server_socket_accept(s, 20 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            FAILW(w, st);
        for (;;) {
            NX_PACKET *p;
            st = nx_tcp_socket_receive(s, &p, 20 * NX_IP_PERIODIC_RATE);
            if (st == NX_NOT_CONNECTED)
                break;
            if (st != NX_SUCCESS)
                FAILW(w, st);
            st = nx_tcp_socket_send(s, p, 20 * NX_IP_PERIODIC_RATE);
            if (st != NX_SUCCESS) {
                nx_packet_release(p);
                FAILW(w, st);
            }
        }
        nx_tcp_socket_disconnect(s, 2 * NX_IP_PERIODIC_RATE);
        if ((st = nx_tcp_server_socket_unaccept(s)) != NX_SUCCESS)
            FAILW(w, st);
        if ((st = nx_tcp_server_socket_unlisten(&server.ip, port)) != NX_SUCCESS)
            FAILW(w, st);
        if ((st = nx_tcp_socket_delete(s)) != NX_SUCCESS)
            FAILW(w, st);
        memset(s, 0x5A, sizeof(*s));
        free(s);
        w->rounds++;
    }
    w->status = NX_SUCCESS;
out:
    return;
}

static void client_entry(ULONG input)
{
    WORKER *w = &cls[input];
    NODE *n = &clients[input / PER_CLIENT];
    UINT port = BASE_PORT + (UINT)input;
    int round;
    static __thread UCHAR buf[3000];
    for (round = 0; round < ROUNDS; round++) {
        NX_TCP_SOCKET *s = (NX_TCP_SOCKET *)calloc(1, sizeof(*s));
        SUM sent = { 0, 0, 0 }, got = { 0, 0, 0 };
        unsigned long long off = 0;
        int tries;
        UINT st = nx_tcp_socket_create(&n->ip, s, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL);
        if (st != NX_SUCCESS)
            FAILW(w, st);
        if ((st = nx_tcp_client_socket_bind(s, NX_ANY_PORT, NX_IP_PERIODIC_RATE)) != NX_SUCCESS)
            FAILW(w, st);
        while (listening[input] <= round)
            tx_thread_sleep(1);
        for (tries = 0; tries < 5; tries++) {
            st = nx_tcp_client_socket_connect(s, SERVER_IP, port, 5 * NX_IP_PERIODIC_RATE);
            if (st == NX_SUCCESS)
                break;
            tx_thread_sleep(1);
        }
        if (st != NX_SUCCESS)
            FAILW(w, st);
        while (off < STREAM_BYTES || got.bytes < sent.bytes) {
            NX_PACKET *p;
            if (off < STREAM_BYTES) {
                ULONG len = 1 + (ULONG)((off * 13 + (ULONG)input) % sizeof(buf)), i;
                if (len > STREAM_BYTES - off)
                    len = (ULONG)(STREAM_BYTES - off);
                for (i = 0; i < len; i++)
                    buf[i] = pattern((ULONG)input, off + i);
                st = nx_packet_allocate(&n->pool, &p, NX_IPv4_TCP_PACKET, 5 * NX_IP_PERIODIC_RATE);
                if (st == NX_SUCCESS)
                    st = nx_packet_data_append(p, buf, len, &n->pool, 5 * NX_IP_PERIODIC_RATE);
                if (st == NX_SUCCESS) {
                    st = nx_tcp_socket_send(s, p, 20 * NX_IP_PERIODIC_RATE);
                    if (st != NX_SUCCESS)
                        nx_packet_release(p);
                }
                if (st != NX_SUCCESS)
                    FAILW(w, st);
                sum_add(&sent, buf, len);
                off += len;
            }
            /* Read the echo before sending more (no zero-window stalls). */
            while (got.bytes < sent.bytes) {
                st = nx_tcp_socket_receive(s, &p, 20 * NX_IP_PERIODIC_RATE);
                if (st != NX_SUCCESS)
                    FAILW(w, st);
                sum_packet(&got, p);
                nx_packet_release(p);
            }
        }
        if (got.a != sent.a || got.b != sent.b)
            FAILW(w, NX_INVALID_PACKET);
        nx_tcp_socket_disconnect(s, 5 * NX_IP_PERIODIC_RATE);
        if ((st = nx_tcp_client_socket_unbind(s)) != NX_SUCCESS)
            FAILW(w, st);
        if ((st = nx_tcp_socket_delete(s)) != NX_SUCCESS)
            FAILW(w, st);
        memset(s, 0x5A, sizeof(*s));
        free(s);
        w->rounds++;
    }
    w->status = NX_SUCCESS;
out:
    return;
}

/* Per client instance: a socket another thread waits on is deleted under
   it, and the instance is asked to go while sockets exist. */
typedef struct SIDE {
    TX_THREAD thread;
    NX_TCP_SOCKET *sock;
    volatile int go, done;
    volatile UINT status;
} SIDE;
static SIDE sides[CLIENTS];

static void side_entry(ULONG input)
{
    SIDE *sd = &sides[input];
    while (!sd->go)
        tx_thread_sleep(1);
    sd->status = nx_tcp_socket_state_wait(sd->sock, NX_TCP_ESTABLISHED, 10 * NX_IP_PERIODIC_RATE);
    sd->done = 1;
}

static void chaos_entry(ULONG input)
{
    WORKER *w = &chaos[input];
    NODE *n = &clients[input];
    while (!stop_chaos) {
        SIDE *sd = &sides[input];
        UINT st;
        memset(sd, 0, sizeof(*sd));
        sd->sock = (NX_TCP_SOCKET *)calloc(1, sizeof(NX_TCP_SOCKET));
        st = nx_tcp_socket_create(&n->ip, sd->sock, "side", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL);
        if (st != NX_SUCCESS)
            FAILW(w, st);
        /* A socket exists (ours): the instance must refuse to go. */
        st = nx_ip_delete(&n->ip);
        if (st != NX_SOCKETS_BOUND)
            FAILW(w, st == NX_SUCCESS ? NX_NOT_SUCCESSFUL : st);
        tx_thread_create(&sd->thread, "side", side_entry, (ULONG)input, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        sd->go = 1;
        tx_thread_sleep(1 + (ULONG)(w->rounds % 3));
        if ((st = nx_tcp_socket_delete(sd->sock)) != NX_SUCCESS)
            FAILW(w, st);
        memset(sd->sock, 0x5A, sizeof(NX_TCP_SOCKET));
        tx_thread_join(&sd->thread);
        free(sd->sock);
        if (sd->status != NX_PTR_ERROR)
            FAILW(w, sd->status);
        w->rounds++;
    }
    w->status = NX_SUCCESS;
out:
    return;
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    int f = failures, i;
    (void)input;
    CHECK_EQ(node_create(&server, "server", SERVER_IP, 128, wrap_driver), NX_SUCCESS);
    for (i = 0; i < CLIENTS; i++)
        CHECK_EQ(node_create(&clients[i], "client", IP_ADDRESS(192, 168, 11, 10 + i), 64, wrap_driver), NX_SUCCESS);
    report("three IP instances", f);
    if (failures == 0) {
        f = failures;
        for (i = 0; i < CONNS; i++) {
            servers[i].status = cls[i].status = 0xFFFF;
            tx_thread_create(&servers[i].thread, "srv", server_entry, (ULONG)i, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
            tx_thread_create(&cls[i].thread, "cli", client_entry, (ULONG)i, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        }
        for (i = 0; i < CLIENTS; i++) {
            chaos[i].status = 0xFFFF;
            tx_thread_create(&chaos[i].thread, "chaos", chaos_entry, (ULONG)i, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        }
        for (i = 0; i < CONNS; i++) {
            tx_thread_join(&cls[i].thread);
            tx_thread_join(&servers[i].thread);
            if (cls[i].status != NX_SUCCESS)
                printf("client %d: status 0x%x at line %d, round %d\n", i, cls[i].status, cls[i].line, cls[i].rounds);
            if (servers[i].status != NX_SUCCESS)
                printf("server %d: status 0x%x at line %d, round %d\n", i, servers[i].status, servers[i].line, servers[i].rounds);
            CHECK_EQ(cls[i].status, NX_SUCCESS);
            CHECK_EQ(servers[i].status, NX_SUCCESS);
        }
        stop_chaos = 1;
        for (i = 0; i < CLIENTS; i++) {
            tx_thread_join(&chaos[i].thread);
            if (chaos[i].status != NX_SUCCESS)
                printf("chaos %d: status 0x%x at line %d, round %d\n", i, chaos[i].status, chaos[i].line, chaos[i].rounds);
            CHECK_EQ(chaos[i].status, NX_SUCCESS);
            CHECK(chaos[i].rounds > 0);
        }
        printf("rounds: %d connections x %d, %d + %d deleted-under-a-waiter sockets\n", CONNS, ROUNDS, chaos[0].rounds,
               chaos[1].rounds);
        report("create/connect/send/receive/disconnect/delete from many threads", f);
    }
    f = failures;
    for (i = 0; i < CLIENTS; i++)
        node_delete(&clients[i]);
    node_delete(&server);
    CHECK_EQ(after_uninit, 0);
    report("instances deleted, every packet back in its pool, no driver call after UNINITIALIZE", f);
    printf("%s test_netx_stress\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 120)
