/* Object lifetimes (issue 9): one thread deletes or detaches an object while
   another thread is inside a call on it. Every case must end with a NetX
   status, never a crash, a hang or a use of freed memory (run it under ASan
   and valgrind: sockets and pools here live in malloc'd memory that is
   freed as soon as the delete returns, so a late touch is reported).

   1. nx_ip_delete while a thread is blocked in receive: NX_SOCKETS_BOUND.
   2. Waiters on a socket wake with NetX's status when it is disconnected
      (NX_NOT_CONNECTED), unbound (NX_NOT_BOUND) or deleted (NX_PTR_ERROR),
      and never see the next socket's connection.
   3. nx_ip_delete from a callback of the instance: NX_CALLER_ERROR, no hang.
   4. A socket unaccepted and deleted leaves no pointer in its listen entry.
   5. listen_queue_size 0xFFFFFFFF: NX_SIZE_ERROR.
   Found by reading: pool delete vs a concurrent release; the link flag
   toggled by a driver while other threads read it; _nxe_ checks on every
   packet of a chain. */
#include "netx_test_common.h"

#define SERVER_IP IP_ADDRESS(192, 168, 9, 1)
#define CLIENT_IP IP_ADDRESS(192, 168, 9, 2)
#define PORT_A 6001
#define PORT_B 6002
#define PORT_C 6003

static NODE server, client;

static NX_TCP_SOCKET *new_socket(NX_IP *ip, const char *name, VOID (*disc)(NX_TCP_SOCKET *))
{
    NX_TCP_SOCKET *s = (NX_TCP_SOCKET *)calloc(1, sizeof(NX_TCP_SOCKET));
    CHECK_EQ(nx_tcp_socket_create(ip, s, (CHAR *)name, NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, disc), NX_SUCCESS);
    return s;
}

/* Deletes and frees: any later touch of *s by the library is caught by ASan/valgrind. */
static void free_socket(NX_TCP_SOCKET *s)
{
    CHECK_EQ(nx_tcp_socket_delete(s), NX_SUCCESS);
    memset(s, 0xA5, sizeof(*s));
    free(s);
}

/* A connected pair: client socket *c to server socket *srv on `port`. */
static void connect_pair(NX_TCP_SOCKET **c, NX_TCP_SOCKET **srv, UINT port)
{
    *srv = new_socket(&server.ip, "srv", NULL);
    *c = new_socket(&client.ip, "cli", NULL);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, port, *srv, 2, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(*c, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(*c, SERVER_IP, port, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(*srv, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
}

static void close_pair(NX_TCP_SOCKET *c, NX_TCP_SOCKET *srv, UINT port)
{
    nx_tcp_socket_disconnect(c, NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_client_socket_unbind(c), NX_SUCCESS);
    free_socket(c);
    nx_tcp_socket_disconnect(srv, NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_server_socket_unaccept(srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, port), NX_SUCCESS);
    free_socket(srv);
}

/* ---------------------------------------------------------------- waiters */

typedef struct WAITER {
    TX_THREAD thread;
    NX_TCP_SOCKET *sock;
    int kind; /* 0 receive, 1 state_wait(ESTABLISHED), 2 accept, 3 send */
    volatile int started, done;
    volatile UINT status;
} WAITER;

static WAITER waiters[4];

static void waiter_entry(ULONG i)
{
    WAITER *w = &waiters[i];
    NX_PACKET *p = NULL;
    UINT s = NX_NOT_SUCCESSFUL;
    w->started = 1;
    switch (w->kind) {
    case 0:
        s = nx_tcp_socket_receive(w->sock, &p, 10 * NX_IP_PERIODIC_RATE);
        if (s == NX_SUCCESS)
            nx_packet_release(p);
        break;
    case 1:
        s = nx_tcp_socket_state_wait(w->sock, NX_TCP_ESTABLISHED, 10 * NX_IP_PERIODIC_RATE);
        break;
    case 2:
        s = nx_tcp_server_socket_accept(w->sock, 10 * NX_IP_PERIODIC_RATE);
        break;
    }
    w->status = s;
    w->done = 1;
}

static void start_waiter(int i, NX_TCP_SOCKET *s, int kind)
{
    WAITER *w = &waiters[i];
    memset(w, 0, sizeof(*w));
    w->sock = s;
    w->kind = kind;
    w->status = 0xFFFF;
    tx_thread_create(&w->thread, "waiter", waiter_entry, (ULONG)i, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    while (!w->started)
        tx_thread_sleep(1);
    /* Let it reach the wait. */
    tx_thread_sleep(5);
}

/* Waits (bounded) for waiter i to finish and joins it. */
static int finish_waiter(int i, ULONG ticks)
{
    ULONG t;
    for (t = 0; t < slack(ticks) && !waiters[i].done; t++)
        tx_thread_sleep(1);
    if (!waiters[i].done)
        return 0;
    tx_thread_join(&waiters[i].thread);
    return 1;
}

/* 1 */
static void test_ip_delete_with_receiver(void)
{
    int f = failures;
    NX_TCP_SOCKET *c, *srv;
    connect_pair(&c, &srv, PORT_A);
    start_waiter(0, c, 0);
    CHECK_EQ(nx_ip_delete(&client.ip), NX_SOCKETS_BOUND);
    CHECK_EQ(nx_ip_delete(&server.ip), NX_SOCKETS_BOUND);
    CHECK(!waiters[0].done);
    /* The instance still works: the receiver gets data. */
    {
        NX_PACKET *p;
        CHECK_EQ(nx_packet_allocate(&server.pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, "x", 1, &server.pool, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_send(srv, p, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    }
    CHECK(finish_waiter(0, 200));
    CHECK_EQ(waiters[0].status, NX_SUCCESS);
    close_pair(c, srv, PORT_A);
    report("1: nx_ip_delete with a socket in receive gives NX_SOCKETS_BOUND", f);
}

/* 2 */
static void test_socket_waiters(void)
{
    int f = failures;
    NX_TCP_SOCKET *c, *srv, *a, *b;

    /* Disconnect by another thread: the receiver gets NX_NOT_CONNECTED. */
    connect_pair(&c, &srv, PORT_A);
    start_waiter(0, c, 0);
    CHECK_EQ(nx_tcp_socket_disconnect(c, NX_NO_WAIT), NX_SUCCESS);
    CHECK(finish_waiter(0, 200));
    CHECK_EQ(waiters[0].status, NX_NOT_CONNECTED);
    close_pair(c, srv, PORT_A);

    /* Unbind by another thread: a state waiter gets NX_NOT_BOUND. */
    a = new_socket(&client.ip, "a", NULL);
    CHECK_EQ(nx_tcp_client_socket_bind(a, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    start_waiter(0, a, 1);
    CHECK_EQ(nx_tcp_client_socket_unbind(a), NX_SUCCESS);
    CHECK(finish_waiter(0, 200));
    CHECK_EQ(waiters[0].status, NX_NOT_BOUND);

    /* Deleted (and freed) while a thread waits on it, then a new socket
       connects on the same instance: the waiter must not see it. */
    start_waiter(0, a, 1);
    free_socket(a);
    srv = new_socket(&server.ip, "srv", NULL);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT_B, srv, 2, NULL), NX_SUCCESS);
    b = new_socket(&client.ip, "b", NULL);
    CHECK_EQ(nx_tcp_client_socket_bind(b, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(b, SERVER_IP, PORT_B, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(srv, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK(finish_waiter(0, 200));
    CHECK_EQ(waiters[0].status, NX_PTR_ERROR);

    /* An accept waiter when its socket is unaccepted: NX_NOT_BOUND. */
    {
        NX_TCP_SOCKET *l = new_socket(&server.ip, "l", NULL);
        CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT_C, l, 1, NULL), NX_SUCCESS);
        start_waiter(1, l, 2);
        CHECK_EQ(nx_tcp_server_socket_unaccept(l), NX_SUCCESS);
        CHECK(finish_waiter(1, 200));
        CHECK_EQ(waiters[1].status, NX_NOT_BOUND);
        CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, PORT_C), NX_SUCCESS);
        free_socket(l);
    }
    close_pair(b, srv, PORT_B);
    report("2: waiters wake on disconnect/unbind/delete with NetX's status", f);
}

/* ---------------------------------------------------------------- 3: delete from a callback */

static NODE victim;
static NX_TCP_SOCKET *victim_sock;
static volatile UINT cb_delete_status = 0xFFFF;
static volatile ULONG cb_delete_ticks;
static volatile int cb_calls;

static void on_victim_listen(NX_TCP_SOCKET *s, UINT port)
{
    (void)s;
    if (cb_calls++ > 0)
        return;
    /* Drop everything on the instance, then the instance itself, from its
       own callback (run inline by the RAM driver or on its helper thread). */
    nx_tcp_server_socket_unlisten(&victim.ip, port);
    nx_tcp_server_socket_unaccept(victim_sock);
    nx_tcp_socket_delete(victim_sock);
    {
        ULONG t0 = tx_time_get();
        UINT st = nx_ip_delete(&victim.ip);
        cb_delete_ticks = tx_time_get() - t0;
        cb_delete_status = st;
    }
}

static void test_delete_from_callback(void)
{
    int f = failures, i;
    NX_TCP_SOCKET *c;
    CHECK_EQ(node_create(&victim, "victim", IP_ADDRESS(192, 168, 9, 3), 32, _nx_ram_network_driver), NX_SUCCESS);
    victim_sock = new_socket(&victim.ip, "v", NULL);
    CHECK_EQ(nx_tcp_server_socket_listen(&victim.ip, PORT_A, victim_sock, 1, on_victim_listen), NX_SUCCESS);
    c = new_socket(&client.ip, "c", NULL);
    CHECK_EQ(nx_tcp_client_socket_bind(c, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    nx_tcp_client_socket_connect(c, IP_ADDRESS(192, 168, 9, 3), PORT_A, 2 * NX_IP_PERIODIC_RATE);
    for (i = 0; i < 300 && cb_delete_status == 0xFFFF; i++)
        tx_thread_sleep(1);
    CHECK_EQ(cb_delete_status, NX_CALLER_ERROR);
    /* At once: the library knows the callback runs on the calling thread
       (it used to find out by waiting about a second for the callback to
       end). A generous bound, half a second. */
    if (cb_delete_ticks >= NX_IP_PERIODIC_RATE / 2) {
        printf("FAIL: nx_ip_delete from the callback took %lu ticks\n", (unsigned long)cb_delete_ticks);
        failures++;
    }
    nx_tcp_socket_disconnect(c, NX_NO_WAIT);
    CHECK_EQ(nx_tcp_client_socket_unbind(c), NX_SUCCESS);
    free_socket(c);
    free(victim_sock);
    /* From an ordinary thread it works. */
    node_delete(&victim);
    report("3: nx_ip_delete from the instance's own callback: NX_CALLER_ERROR, no hang", f);
}

/* ---------------------------------------------------------------- 4: stale listen entry */

static volatile int stale_callbacks;
static void on_listen_count(NX_TCP_SOCKET *s, UINT port)
{
    (void)s;
    (void)port;
    stale_callbacks++;
}

static void test_listen_entry_cleared(void)
{
    int f = failures;
    NX_TCP_SOCKET *l = new_socket(&server.ip, "l", NULL), *c;
    UINT st;
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT_B, l, 2, on_listen_count), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(l), NX_SUCCESS);
    free_socket(l);
    /* A SYN on the port now must not reach the freed socket. */
    c = new_socket(&client.ip, "c", NULL);
    CHECK_EQ(nx_tcp_client_socket_bind(c, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    st = nx_tcp_client_socket_connect(c, SERVER_IP, PORT_B, 2 * NX_IP_PERIODIC_RATE);
    CHECK(st == NX_SUCCESS || st == NX_NOT_CONNECTED);
    tx_thread_sleep(5);
    CHECK_EQ(stale_callbacks, 0);
    nx_tcp_socket_disconnect(c, NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_client_socket_unbind(c), NX_SUCCESS);
    free_socket(c);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, PORT_B), NX_SUCCESS);
    report("4: unaccept + delete leaves no pointer in the listen entry", f);
}

/* ---------------------------------------------------------------- 5: listen queue size */

static void test_listen_queue_bound(void)
{
    int f = failures;
    NX_TCP_SOCKET *l = new_socket(&server.ip, "l", NULL);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT_C, l, 0xFFFFFFFFUL, NULL), NX_SIZE_ERROR);
    CHECK_EQ(_nx_tcp_server_socket_listen(&server.ip, PORT_C, l, 0x10000UL, NULL), NX_SIZE_ERROR);
    CHECK_EQ(l->nx_tcp_socket_state, NX_TCP_CLOSED);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT_C, l, 5, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(l), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server.ip, PORT_C), NX_SUCCESS);
    free_socket(l);
    report("5: listen_queue_size 0xFFFFFFFF gives NX_SIZE_ERROR", f);
}

/* ---------------------------------------------------------------- pool delete vs release */

#define RACE_PACKETS 24
static NX_PACKET *race_packets[RACE_PACKETS];
static volatile int race_go, race_done;
static volatile UINT race_bad;
static TX_THREAD race_thread;

static void race_release_entry(ULONG input)
{
    int i;
    (void)input;
    while (!race_go)
        ;
    for (i = 0; i < RACE_PACKETS; i++) {
        UINT s = _nx_packet_release(race_packets[i]);
        if (s != NX_SUCCESS && s != NX_PTR_ERROR)
            race_bad = s;
    }
    race_done = 1;
}

static void test_pool_delete_vs_release(void)
{
    int f = failures, round, i;
    for (round = 0; round < (slow_mode() ? 20 : 200); round++) {
        NX_PACKET_POOL *pool = (NX_PACKET_POOL *)calloc(1, sizeof(NX_PACKET_POOL));
        void *mem = malloc(RACE_PACKETS * 400);
        CHECK_EQ(nx_packet_pool_create(pool, "race", 200, mem, RACE_PACKETS * 400), NX_SUCCESS);
        for (i = 0; i < RACE_PACKETS; i++)
            CHECK_EQ(nx_packet_allocate(pool, &race_packets[i], 0, NX_NO_WAIT), NX_SUCCESS);
        race_go = 0;
        race_done = 0;
        tx_thread_create(&race_thread, "rel", race_release_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        race_go = 1;
        for (i = 0; i < round % 7; i++)
            ;
        CHECK_EQ(nx_packet_pool_delete(pool), NX_SUCCESS);
        {
            /* Nothing may change in the pool once delete returned. */
            NX_PACKET_POOL snap = *pool;
            tx_thread_join(&race_thread);
            CHECK(race_done);
            CHECK(memcmp(&snap, pool, sizeof(snap)) == 0);
            CHECK(pool->nx_packet_pool_available_list == NULL);
        }
        CHECK_EQ(race_bad, 0);
        free(mem);
        free(pool);
        if (failures != f)
            break;
    }
    report("pool delete vs concurrent release: late releases give NX_PTR_ERROR, pool untouched", f);
}

/* ---------------------------------------------------------------- link flag */

static volatile int link_stop;
static TX_THREAD link_thread;

static void link_toggle_entry(ULONG input)
{
    NX_IP_DRIVER req;
    (void)input;
    while (!link_stop) {
        memset(&req, 0, sizeof(req));
        req.nx_ip_driver_ptr = &client.ip;
        req.nx_ip_driver_interface = &client.ip.nx_ip_interface[0];
        req.nx_ip_driver_command = NX_LINK_DISABLE;
        _nx_ram_network_driver(&req);
        req.nx_ip_driver_command = NX_LINK_ENABLE;
        _nx_ram_network_driver(&req);
    }
}

static void test_link_flag(void)
{
    int f = failures, i;
    ULONG st;
    link_stop = 0;
    tx_thread_create(&link_thread, "link", link_toggle_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    for (i = 0; i < 200; i++) {
        UINT s = nx_ip_status_check(&client.ip, NX_IP_LINK_ENABLED, &st, 1);
        CHECK(s == NX_SUCCESS || s == NX_NOT_SUCCESSFUL);
    }
    link_stop = 1;
    tx_thread_join(&link_thread);
    CHECK_EQ(nx_ip_status_check(&client.ip, NX_IP_LINK_ENABLED, &st, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    report("link flag toggled by the driver while another thread reads it", f);
}

/* ---------------------------------------------------------------- chains */

static void test_chain_checks(void)
{
    int f = failures;
    NX_PACKET *p1, *p2, *keep;
    NX_TCP_SOCKET *c, *srv;
    ULONG before = client.pool.nx_packet_pool_available;

    /* A freed packet second in a chain: the checked release refuses the
       whole chain and releases nothing. */
    CHECK_EQ(nx_packet_allocate(&client.pool, &p1, 0, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_allocate(&client.pool, &p2, 0, NX_NO_WAIT), NX_SUCCESS);
    keep = p2;
    CHECK_EQ(nx_packet_release(p2), NX_SUCCESS);
    p1->nx_packet_next = keep;
    p1->nx_packet_last = keep;
    CHECK_EQ(nx_packet_release(p1), NX_PTR_ERROR);
    CHECK(p1 != NULL);
    CHECK_EQ(client.pool.nx_packet_pool_available, before - 1);
    p1->nx_packet_next = NULL;
    p1->nx_packet_last = NULL;
    CHECK_EQ(nx_packet_release(p1), NX_SUCCESS);

    /* A second packet whose append is before its prepend: send refuses it
       (the length would underflow). */
    connect_pair(&c, &srv, PORT_A);
    CHECK_EQ(nx_packet_allocate(&client.pool, &p1, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_allocate(&client.pool, &p2, 0, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_data_append(p1, "abc", 3, &client.pool, NX_NO_WAIT), NX_SUCCESS);
    p2->nx_packet_prepend_ptr = p2->nx_packet_data_start + 8;
    p2->nx_packet_append_ptr = p2->nx_packet_data_start + 4;
    p1->nx_packet_next = p2;
    p1->nx_packet_last = p2;
    p1->nx_packet_length = 3;
    CHECK_EQ(nx_tcp_socket_send(c, p1, NX_NO_WAIT), NX_INVALID_PACKET);
    /* A foreign (never allocated) packet second in a chain. */
    {
        static NX_PACKET fake;
        static UCHAR fake_data[64];
        memset(&fake, 0, sizeof(fake));
        fake.nx_packet_pool_owner = &client.pool;
        fake.nx_packet_data_start = fake.nx_packet_prepend_ptr = fake.nx_packet_append_ptr = fake_data;
        fake.nx_packet_data_end = fake_data + sizeof(fake_data);
        p1->nx_packet_next = &fake;
        p1->nx_packet_last = &fake;
        CHECK_EQ(nx_tcp_socket_send(c, p1, NX_NO_WAIT), NX_PTR_ERROR);
        CHECK_EQ(nx_packet_release(p1), NX_PTR_ERROR);
    }
    p1->nx_packet_next = NULL;
    p1->nx_packet_last = NULL;
    p2->nx_packet_prepend_ptr = p2->nx_packet_append_ptr = p2->nx_packet_data_start;
    CHECK_EQ(nx_packet_release(p2), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_send(c, p1, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    close_pair(c, srv, PORT_A);
    report("_nxe_ checks every packet of a chain", f);
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    int f = failures;
    (void)input;
    CHECK_EQ(node_create(&server, "server", SERVER_IP, 64, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&client, "client", CLIENT_IP, 64, _nx_ram_network_driver), NX_SUCCESS);
    report("two IP instances on the RAM driver", f);
    if (failures == 0) {
        test_ip_delete_with_receiver();
        test_socket_waiters();
        test_delete_from_callback();
        test_listen_entry_cleared();
        test_listen_queue_bound();
        test_pool_delete_vs_release();
        test_link_flag();
        test_chain_checks();
    }
    f = failures;
    node_delete(&client);
    node_delete(&server);
    report("every packet back in its pool, instances deleted", f);
    printf("%s test_netx_lifetime\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
