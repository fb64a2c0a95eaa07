/* One thread, no ThreadX thread created, no tx_kernel_enter: two IP
   instances on the RAM driver and a TCP exchange made of blocking calls
   only. With the std and ThreadX ports the instances' helper threads work in
   the background; with the bare-metal port (no threads) each blocking call
   drives the drivers and the stack itself until its condition or its
   deadline. The same program must behave the same on every port. */
#include "tx_api.h"
#include "nx_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static UCHAR mem_a[32 * 1600], mem_b[32 * 1600];
/* nx_ip_create's memory area: the helper thread's stack, and wherever the
   stack keeps the instance's and its sockets' state. */
#ifdef NX_IP_MEMORY_OVERHEAD
#define IP_MEMORY (NX_IP_MEMORY_OVERHEAD + 4096 + 2 * NX_TCP_SOCKET_MEMORY_MAX)
#else
#define IP_MEMORY 8192
#endif
static ULONG stack_a[IP_MEMORY / sizeof(ULONG)], stack_b[IP_MEMORY / sizeof(ULONG)];
static NX_PACKET_POOL pool_a, pool_b;
static NX_IP ip_a, ip_b, ip_c;
/* A third instance no call of this program waits on: its driver asks for
   deferred processing (as from an ISR) and only the instance's helper
   thread, or on bare metal the port's idle hook run by waits on the other
   instances, can deliver NX_LINK_DEFERRED_PROCESSING. */
#ifdef NX_IP_MEMORY_OVERHEAD
#define IP_MEMORY_C (NX_IP_MEMORY_OVERHEAD + 4096)
#else
#define IP_MEMORY_C 8192
#endif
static ULONG stack_c[IP_MEMORY_C / sizeof(ULONG)];
static volatile ULONG deferred_seen;
static NX_TCP_SOCKET srv, cli;
extern VOID _nx_ram_network_driver(NX_IP_DRIVER *driver_req_ptr);
ULONG tx_time_get(VOID); /* not declared by every board's minimal tx_api.h */

static VOID spy_driver(NX_IP_DRIVER *req)
{
    if (req->nx_ip_driver_command == NX_LINK_DEFERRED_PROCESSING) {
        deferred_seen++;
        req->nx_ip_driver_status = NX_SUCCESS;
        return;
    }
    _nx_ram_network_driver(req);
}

static int failures;
#define CHECK_EQ(expr, want)                                                                      \
    do {                                                                                          \
        UINT _s = (expr);                                                                         \
        if (_s != (UINT)(want)) {                                                                 \
            printf("FAIL %s:%d: %s = 0x%x, want 0x%x\n", __FILE__, __LINE__, #expr, _s, (UINT)(want)); \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)
#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
            failures++;                                                       \
        }                                                                     \
    } while (0)

int main(void)
{
    NX_PACKET *p = NX_NULL;
    ULONG n = 0, t0, dt;
    UINT s;
    char buf[64];
    const ULONG slow = getenv("NX_TEST_SLOW") != NULL ? 20 : 1;

    nx_system_initialize();
    CHECK_EQ(nx_packet_pool_create(&pool_a, "a", 1536, mem_a, sizeof(mem_a)), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_create(&pool_b, "b", 1536, mem_b, sizeof(mem_b)), NX_SUCCESS);
    CHECK_EQ(nx_ip_create(&ip_a, "a", IP_ADDRESS(192, 0, 2, 1), 0xFFFFFF00UL, &pool_a, _nx_ram_network_driver, stack_a,
                          sizeof(stack_a), 1),
             NX_SUCCESS);
    CHECK_EQ(nx_ip_create(&ip_b, "b", IP_ADDRESS(192, 0, 2, 2), 0xFFFFFF00UL, &pool_b, _nx_ram_network_driver, stack_b,
                          sizeof(stack_b), 1),
             NX_SUCCESS);
    CHECK_EQ(nx_tcp_enable(&ip_a), NX_SUCCESS);
    CHECK_EQ(nx_tcp_enable(&ip_b), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &srv, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8192, NX_NULL,
                                  NX_NULL),
             NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_b, &cli, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8192, NX_NULL,
                                  NX_NULL),
             NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&ip_a, 110, &srv, 2, NX_NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli, NX_ANY_PORT, NX_WAIT_FOREVER), NX_SUCCESS);

    /* The handshake completes inside the blocking connect (ARP included). */
    CHECK_EQ(nx_tcp_client_socket_connect(&cli, IP_ADDRESS(192, 0, 2, 1), 110, 500), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&srv, 500), NX_SUCCESS);

    CHECK_EQ(nx_packet_allocate(&pool_b, &p, NX_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_data_append(p, "+OK hello\r\n", 11, &pool_b, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_send(&cli, p, 500), NX_SUCCESS);
    p = NX_NULL;
    CHECK_EQ(nx_tcp_socket_receive(&srv, &p, 500), NX_SUCCESS);
    if (p != NX_NULL) {
        CHECK_EQ(nx_packet_data_retrieve(p, buf, &n), NX_SUCCESS);
        CHECK(n == 11 && memcmp(buf, "+OK hello\r\n", 11) == 0);
        nx_packet_release(p);
    }

    CHECK_EQ(nx_ip_create(&ip_c, "c", IP_ADDRESS(192, 0, 2, 3), 0xFFFFFF00UL, &pool_b, spy_driver, stack_c,
                          sizeof(stack_c), 1),
             NX_SUCCESS);
    nx_ip_driver_deferred_processing(&ip_c);

    /* Nothing comes: the wait runs out on time, driven by the ports' clocks. */
    t0 = tx_time_get();
    p = NX_NULL;
    CHECK_EQ(nx_tcp_socket_receive(&cli, &p, 50), NX_NO_PACKET);
    dt = tx_time_get() - t0;
    CHECK(dt >= 49 && dt <= 60 * slow);
    printf("%s empty receive: NX_NO_PACKET after %lu ticks (50 asked)\n", dt >= 49 && dt <= 60 * slow ? "PASS" : "FAIL",
           (unsigned long)dt);
    /* Meanwhile the other instance was served (helper thread or idle hook). */
    CHECK(deferred_seen == 1);
    printf("%s deferred processing of an instance nobody waits on: %lu (1 wanted)\n", deferred_seen == 1 ? "PASS" : "FAIL",
           (unsigned long)deferred_seen);
    CHECK_EQ(nx_ip_delete(&ip_c), NX_SUCCESS);

    CHECK_EQ(nx_tcp_socket_disconnect(&cli, 200), NX_SUCCESS);
    /* The peer has closed already: NX_SUCCESS or NX_NOT_CONNECTED. */
    s = nx_tcp_socket_disconnect(&srv, 200);
    CHECK(s == NX_SUCCESS || s == NX_NOT_CONNECTED);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&ip_a, 110), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_unbind(&cli), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&srv), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&cli), NX_SUCCESS);
    CHECK_EQ(nx_ip_delete(&ip_a), NX_SUCCESS);
    CHECK_EQ(nx_ip_delete(&ip_b), NX_SUCCESS);
    CHECK(pool_a.nx_packet_pool_available == pool_a.nx_packet_pool_total);
    CHECK(pool_b.nx_packet_pool_available == pool_b.nx_packet_pool_total);
    CHECK_EQ(nx_packet_pool_delete(&pool_a), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_delete(&pool_b), NX_SUCCESS);

    printf("%s test_netx_onethread\n", failures == 0 ? "PASS" : "FAIL");
    return failures == 0 ? 0 : 1;
}
