/* The TAP driver's polled mode (bare-metal port, cargo feature `tap`): one
   thread, no tx_kernel_enter, no thread in the library. Each blocking call's
   wait must read the TAP itself (NX_LINK_DEFERRED_PROCESSING, re-armed by
   the driver every round).

   1. Six rounds of: an instance on the TAP, a TCP connect to the host side's
      closed port 9 with a 5 s wait: it must end well before the wait with a
      refusal (the ARP reply and the RST came in through polled reads only),
      then the instance deleted. Six rounds > the driver's 4-entry table:
      entries are given back on NX_LINK_UNINITIALIZE.
   2. With four more TAPs (NX_TEST_TAP_EXTRA=a,b,c,d): four instances at
      once work, a fifth gets NX_NOT_SUCCESSFUL with errno ENOMEM (the table
      is full, no crash, its TAP is closed again); after deleting one, the
      fifth works.
   3. Every packet back in the pool.

   Needs root and TAPs (host side 192.0.2.1/24): `make tap-polled-check`
   makes them in a private namespace. Without NX_TEST_TAP: SKIP. */
#include "netx_test_common.h"

#include <errno.h>

#define HOST_SIDE IP_ADDRESS(192, 0, 2, 1)
#define OURS IP_ADDRESS(192, 0, 2, 2)
#define INSTANCES 5

#ifdef NX_IP_MEMORY_OVERHEAD
#define IP_MEMORY (NX_IP_MEMORY_OVERHEAD + 4096 + 2 * NX_TCP_SOCKET_MEMORY_MAX)
#else
#define IP_MEMORY 65536
#endif

static UCHAR pool_mem[64 * 1700];
static NX_PACKET_POOL pool;
static NX_IP ips[INSTANCES];
static ULONG ip_mem[INSTANCES][IP_MEMORY / sizeof(ULONG)];
static ULONG arp_mem[INSTANCES][64];
extern VOID _nx_tap_network_driver(NX_IP_DRIVER *driver_req_ptr);

static UINT create_on(int k, const char *tap)
{
    UINT s = nx_tap_network_driver_interface_set((CHAR *)tap);
    if (s != NX_SUCCESS)
        return s;
    memset(&ips[k], 0, sizeof(ips[k]));
    return nx_ip_create(&ips[k], "tap", OURS, 0xFFFFFF00UL, &pool, _nx_tap_network_driver, ip_mem[k],
                        sizeof(ip_mem[k]), 1);
}

int main(void)
{
    const char *tap = getenv("NX_TEST_TAP");
    const char *extra = getenv("NX_TEST_TAP_EXTRA");
    ULONG actual = 0, total = 0, free_now = 0;
    int f;

    if (!tap || !*tap) {
        printf("SKIP tap_polled_check: set NX_TEST_TAP (make tap-polled-check)\n");
        return 0;
    }
    nx_system_initialize();
    CHECK_EQ(nx_packet_pool_create(&pool, "p", 1536, pool_mem, sizeof(pool_mem)), NX_SUCCESS);

    f = failures;
    for (int round = 0; round < 6; round++) {
        NX_TCP_SOCKET s;
        UINT st = create_on(0, tap);
        CHECK_EQ(st, NX_SUCCESS);
        if (st != NX_SUCCESS) {
            printf("  create failed, errno %d\n", nx_tap_network_driver_last_error());
            break;
        }
        CHECK_EQ(nx_arp_enable(&ips[0], arp_mem[0], sizeof(arp_mem[0])), NX_SUCCESS);
        CHECK_EQ(nx_tcp_enable(&ips[0]), NX_SUCCESS);
        CHECK_EQ(nx_ip_status_check(&ips[0], NX_IP_LINK_ENABLED, &actual, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        memset(&s, 0, sizeof(s));
        CHECK_EQ(nx_tcp_socket_create(&ips[0], &s, "c", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 4096, NX_NULL, NX_NULL),
                 NX_SUCCESS);
        CHECK_EQ(nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
        ULONG t0 = tx_time_get();
        st = nx_tcp_client_socket_connect(&s, HOST_SIDE, 9, 5 * NX_IP_PERIODIC_RATE);
        ULONG dt = tx_time_get() - t0;
        CHECK(st != NX_SUCCESS);
        /* A refusal well before the 5 s wait: the RST was read. */
        CHECK(dt < slack(2 * NX_IP_PERIODIC_RATE));
        if (round == 0)
            printf("  connect to the closed port: status 0x%x after %lu ticks\n", st, (unsigned long)dt);
        nx_tcp_client_socket_unbind(&s);
        CHECK_EQ(nx_tcp_socket_delete(&s), NX_SUCCESS);
        CHECK_EQ(nx_ip_delete(&ips[0]), NX_SUCCESS);
    }
    report("polled TAP: 6 x (create, ARP + RST read by the waits alone, delete)", f);

    if (extra && *extra) {
        char names[4][16];
        int n = 0;
        const char *p = extra;
        while (n < 4 && *p) {
            size_t len = strcspn(p, ",");
            snprintf(names[n++], sizeof(names[0]), "%.*s", (int)len, p);
            p += len;
            if (*p == ',')
                p++;
        }
        f = failures;
        CHECK_EQ(n, 4);
        if (n == 4) {
            /* Four at once (tap + three extra), the fifth on the fourth extra. */
            CHECK_EQ(create_on(0, tap), NX_SUCCESS);
            for (int k = 1; k < 4; k++)
                CHECK_EQ(create_on(k, names[k - 1]), NX_SUCCESS);
            CHECK_EQ(create_on(4, names[3]), NX_NOT_SUCCESSFUL);
            CHECK_EQ(nx_tap_network_driver_last_error(), ENOMEM);
            /* One given back: the fifth now gets an entry (and its TAP
               opens again: the failed attempt closed it). */
            CHECK_EQ(nx_ip_delete(&ips[2]), NX_SUCCESS);
            CHECK_EQ(create_on(4, names[3]), NX_SUCCESS);
            CHECK_EQ(nx_ip_status_check(&ips[4], NX_IP_LINK_ENABLED, &actual, NX_IP_PERIODIC_RATE), NX_SUCCESS);
            for (int k = 0; k < INSTANCES; k++)
                if (k != 2)
                    CHECK_EQ(nx_ip_delete(&ips[k]), NX_SUCCESS);
        }
        report("polled TAP: 4 instances at once; a 5th refused (ENOMEM) until one is deleted", f);
    }

    f = failures;
    CHECK_EQ(nx_packet_pool_info_get(&pool, &total, &free_now, NX_NULL, NX_NULL, NX_NULL), NX_SUCCESS);
    CHECK_EQ(free_now, total);
    report("polled TAP: every packet back in the pool", f);

    printf("%s tap_polled_check\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
