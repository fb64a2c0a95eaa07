/* Shared helpers of the test_netx_*.c programs: PASS/FAIL reporting, IP
   instances with their pools, a checksum. Header-only, static functions. */
#ifndef NETX_TEST_COMMON_H
#define NETX_TEST_COMMON_H

#include "tx_api.h"
#include "nx_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            fflush(stdout);                                                          \
            failures++;                                                              \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                               \
    do {                                                                             \
        unsigned long _a = (unsigned long)(a), _b = (unsigned long)(b);              \
        if (_a != _b) {                                                              \
            printf("FAIL %s:%d: %s == %s (0x%lx != 0x%lx)\n", __FILE__, __LINE__, #a, #b, _a, _b); \
            fflush(stdout);                                                          \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static inline void report(const char *name, int failures_before)
{
    static ULONG last;
    ULONG now = tx_time_get();
    printf("%s %s (%lu ticks)\n", failures == failures_before ? "PASS" : "FAIL", name, (unsigned long)(now - last));
    last = now;
    fflush(stdout);
}

/* Under valgrind (NX_TEST_SLOW set) transfers shrink and time limits grow. */
static inline int slow_mode(void)
{
    return getenv("NX_TEST_SLOW") != NULL;
}

/* Upper bound for a duration check, in ticks. */
static inline ULONG slack(ULONG ticks)
{
    return slow_mode() ? ticks * 20 : ticks;
}

static TX_THREAD watchdog_thread;

static inline void watchdog_entry(ULONG seconds)
{
    tx_thread_sleep(seconds * NX_IP_PERIODIC_RATE);
    printf("FAIL watchdog: not finished after %lu s (deadlock?)\n", (unsigned long)seconds);
    fflush(stdout);
    exit(2);
}

/* Ends the process with a FAIL line if the test is not done in time. */
static inline void start_watchdog(ULONG seconds)
{
    if (slow_mode())
        seconds *= 10;
    tx_thread_create(&watchdog_thread, "watchdog", watchdog_entry, seconds, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
}

/* The ThreadX entry of a test: tx_application_define initialises NetX, starts
   the watchdog and creates `thread` running `entry` (priority 1, on the
   harness's own stack); main enters the kernel. One line at the end of a test
   file: NETX_TEST_MAIN(main_thread, main_entry, 60) */
#define NETX_TEST_MAIN(thread, entry, watchdog_seconds)                                                           \
    void tx_application_define(void *first_unused_memory)                                                         \
    {                                                                                                             \
        (void)first_unused_memory;                                                                                \
        nx_system_initialize();                                                                                   \
        start_watchdog(watchdog_seconds);                                                                         \
        tx_thread_create(&(thread), "main", (entry), 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);          \
    }                                                                                                             \
    int main(void)                                                                                                \
    {                                                                                                             \
        tx_kernel_enter();                                                                                        \
        return 0;                                                                                                 \
    }

#define POOL_PAYLOAD 1536
/* Header + payload per packet, generously. */
#define POOL_BYTES(n) ((n) * (POOL_PAYLOAD + 160))

/* The IP instance's memory area (nx_ip_create's memory_ptr/memory_size):
   all of its TCP/IP state and the sockets' buffers come from it. At least
   NX_IP_MEMORY_OVERHEAD + 2 * (MTU + 20) bytes, plus, for every socket that
   exists at once (listen backlog sockets included), NX_TCP_SOCKET_MEMORY of
   its window: 4 MiB leaves room for every test. */
#define IP_MEMORY_BYTES (4UL * 1024 * 1024)

typedef struct NODE {
    NX_IP ip;
    NX_PACKET_POOL pool;
    ULONG stack[1024];
    ULONG arp[256];
    ULONG *pool_mem;
    ULONG *ip_mem;
} NODE;

static inline UINT node_create(NODE *n, const char *name, ULONG address, ULONG packets, VOID (*driver)(NX_IP_DRIVER *))
{
    UINT s;
    n->pool_mem = (ULONG *)malloc(POOL_BYTES(packets));
    if (n->pool_mem == NULL)
        return NX_SIZE_ERROR;
    s = nx_packet_pool_create(&n->pool, (CHAR *)name, POOL_PAYLOAD, n->pool_mem, POOL_BYTES(packets));
    if (s != NX_SUCCESS)
        return s;
    n->ip_mem = (ULONG *)malloc(IP_MEMORY_BYTES);
    if (n->ip_mem == NULL)
        return NX_SIZE_ERROR;
    s = nx_ip_create(&n->ip, (CHAR *)name, address, 0xFFFFFF00UL, &n->pool, driver, n->ip_mem, IP_MEMORY_BYTES, 1);
    if (s != NX_SUCCESS)
        return s;
    s = nx_arp_enable(&n->ip, n->arp, sizeof(n->arp));
    if (s != NX_SUCCESS)
        return s;
    s = nx_icmp_enable(&n->ip);
    if (s != NX_SUCCESS)
        return s;
    return nx_tcp_enable(&n->ip);
}

/* Deletes the instance and the pool; checks every packet came back first. */
static inline void node_delete(NODE *n)
{
    /* Frames in flight (e.g. a last ACK) settle within a few ticks. */
    int i;
    CHECK_EQ(nx_ip_delete(&n->ip), NX_SUCCESS);
    for (i = 0; i < 100 && n->pool.nx_packet_pool_available != n->pool.nx_packet_pool_total; i++)
        tx_thread_sleep(1);
    CHECK_EQ(n->pool.nx_packet_pool_available, n->pool.nx_packet_pool_total);
    CHECK_EQ(nx_packet_pool_delete(&n->pool), NX_SUCCESS);
    free(n->pool_mem);
    n->pool_mem = NULL;
    free(n->ip_mem);
    n->ip_mem = NULL;
}

/* Ends a test's one connection and both nodes: the server side closes first
   without waiting, the client's close completes it; the listen entry and both
   sockets go, then each node (every packet back in its pool). */
static inline void end_connection(NODE *client, NODE *server, NX_TCP_SOCKET *cli, NX_TCP_SOCKET *srv, UINT port)
{
    CHECK_EQ(nx_tcp_socket_disconnect(srv, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_disconnect(cli, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&server->ip, port), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(cli), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(cli), NX_SUCCESS);
    node_delete(client);
    node_delete(server);
}

/* Order-sensitive checksum (Fletcher-like, 64-bit). */
typedef struct SUM {
    unsigned long long a, b, bytes;
} SUM;

static inline void sum_add(SUM *s, const UCHAR *p, ULONG n)
{
    ULONG i;
    for (i = 0; i < n; i++) {
        s->a = (s->a + p[i]) % 4294967291ULL;
        s->b = (s->b + s->a) % 4294967291ULL;
    }
    s->bytes += n;
}

/* Adds a whole packet chain to a checksum. */
static inline void sum_packet(SUM *s, NX_PACKET *p)
{
    for (; p != NULL; p = p->nx_packet_next)
        sum_add(s, p->nx_packet_prepend_ptr, (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr));
}

/* Deterministic test data: byte i of stream `seed`. */
static inline UCHAR pattern(ULONG seed, unsigned long long i)
{
    return (UCHAR)((i * 2654435761ULL + seed * 97ULL + (i >> 9)) >> 7);
}

#endif
