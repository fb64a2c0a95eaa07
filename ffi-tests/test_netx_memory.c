/* The IP instance takes every byte from the memory area given to
   nx_ip_create (issue 10): too little memory is a status, never a crash;
   sockets and listen backlogs take their buffers from it and give them back
   on delete, so the same area serves again and again. */
#include "netx_test_common.h"

#define ADDR_A IP_ADDRESS(192, 168, 12, 1)
#define ADDR_B IP_ADDRESS(192, 168, 12, 2)
/* The fixed part with a 1500-byte MTU: overhead + 2 * (1500 + 20). */
#define FIXED (NX_IP_MEMORY_OVERHEAD + 2 * 1520)
/* A socket with a window up to 2,048 and the build's default transmit
   buffer (64 KiB on the host, 4 x 1460 on the embedded ports). */
#ifdef NX_TEST_EMBEDDED_PORT
#define SOCK_SMALL NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED
#else
#define SOCK_SMALL NX_TCP_SOCKET_MEMORY_SMALL
#endif

static NX_PACKET_POOL pool;
static ULONG pool_mem[POOL_BYTES(32) / sizeof(ULONG)];
static NX_IP ip_a, ip_b;
static ULONG arp[64];

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    int f = failures, i;
    UCHAR *mem = (UCHAR *)malloc(FIXED + 4 * SOCK_SMALL + 64);
    UCHAR *mem_b = (UCHAR *)malloc(FIXED + 2 * NX_TCP_SOCKET_MEMORY_MAX + 64);
    NX_TCP_SOCKET s[6];
    (void)input;
    memset(s, 0, sizeof(s));
    CHECK_EQ(nx_packet_pool_create(&pool, "pool", POOL_PAYLOAD, pool_mem, sizeof(pool_mem)), NX_SUCCESS);

#ifdef NX_TEST_EMBEDDED_PORT
    /* Too little: a status, and nothing created (no heap on these ports). */
    CHECK_EQ(nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, mem, 2048, 1), NX_SIZE_ERROR);
    CHECK_EQ(_nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, mem, 8192, 1), NX_SIZE_ERROR);
    CHECK_EQ(_nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, NULL, FIXED * 2, 1), NX_SIZE_ERROR);
    CHECK_EQ(nx_tcp_enable(&ip_a), NX_PTR_ERROR);
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
    report("IP memory too small or NULL: NX_SIZE_ERROR, nothing created", f);
#else
    /* The host (std port) makes up for too small an area (NetX samples give
       the IP thread's 2 KiB stack) from the heap, once per instance: the
       area itself stays untouched, sockets with big windows fit, and delete
       gives the memory back (valgrind and ASan runs see no leak). NULL is
       still an error. */
    {
        UCHAR small[8192];
        int k;
        memset(small, 0x5A, sizeof(small));
        CHECK_EQ(nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, small, 2048, 1), NX_SUCCESS);
        CHECK_EQ(nx_tcp_enable(&ip_a), NX_SUCCESS);
        for (k = 0; k < 3; k++)
            CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[k], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
        for (k = 0; k < 3; k++)
            CHECK_EQ(nx_tcp_socket_delete(&s[k]), NX_SUCCESS);
        CHECK_EQ(nx_ip_delete(&ip_a), NX_SUCCESS);
        CHECK_EQ(_nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, small, 8192, 1), NX_SUCCESS);
        CHECK_EQ(nx_ip_delete(&ip_a), NX_SUCCESS);
        for (k = 0; k < (int)sizeof(small); k++)
            if (small[k] != 0x5A)
                break;
        CHECK_EQ(k, (int)sizeof(small));
    }
    CHECK_EQ(_nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, NULL, FIXED * 2, 1), NX_SIZE_ERROR);
    CHECK_EQ(nx_tcp_enable(&ip_a), NX_PTR_ERROR);
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
    report("IP memory too small: from the heap on the host (freed by delete); NULL: NX_SIZE_ERROR", f);
#endif

    /* Room for four small sockets, exactly. */
    f = failures;
    CHECK_EQ(nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, mem,
                          FIXED + 4 * SOCK_SMALL + 64, 1), NX_SUCCESS);
    CHECK_EQ(nx_arp_enable(&ip_a, arp, sizeof(arp)), NX_SUCCESS);
    CHECK_EQ(nx_tcp_enable(&ip_a), NX_SUCCESS);
    for (i = 0; i < 4; i++)
        CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[i], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[4], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SIZE_ERROR);
    CHECK_EQ(s[4].nx_tcp_socket_id, 0);
    /* A backlog needs room too. */
    CHECK_EQ(nx_tcp_socket_delete(&s[3]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&ip_a, 80, &s[0], 2, NULL), NX_SIZE_ERROR);
    CHECK_EQ(s[0].nx_tcp_socket_state, NX_TCP_CLOSED);
    CHECK_EQ(nx_tcp_server_socket_listen(&ip_a, 80, &s[0], 1, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[3], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SIZE_ERROR);
    /* Unlisten gives the backlog's buffers back. */
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s[0]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&ip_a, 80), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[3], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL), NX_SUCCESS);
    /* A big window does not fit where small ones did. */
    for (i = 0; i < 4; i++)
        CHECK_EQ(nx_tcp_socket_delete(&s[i]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[0], "big", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4 * SOCK_SMALL, NULL, NULL), NX_SIZE_ERROR);
    /* Create and delete many times: nothing is lost. */
    for (i = 0; i < 200; i++) {
        CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[i % 4], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460 + (ULONG)(i % 500), NULL, NULL), NX_SUCCESS);
        if (i % 4 == 3) {
            int k;
            for (k = 0; k < 4; k++)
                CHECK_EQ(nx_tcp_socket_delete(&s[k]), NX_SUCCESS);
        }
        if (failures != f)
            break;
    }
    report("sockets and backlogs take their buffers from the IP memory and give them back", f);

    /* Two instances with big windows talk through what they were given. */
    f = failures;
    CHECK_EQ(nx_ip_create(&ip_b, "b", ADDR_B, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, mem_b,
                          FIXED + 2 * NX_TCP_SOCKET_MEMORY_MAX + 64, 1), NX_SUCCESS);
    CHECK_EQ(nx_arp_enable(&ip_b, arp, sizeof(arp)), NX_SUCCESS);
    CHECK_EQ(nx_tcp_enable(&ip_b), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_b, &s[4], "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&ip_b, 81, &s[4], 1, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[0], "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_bind(&s[0], NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&s[0], ADDR_B, 81, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_accept(&s[4], 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    {
        NX_PACKET *p;
        ULONG n;
        UCHAR back[8];
        CHECK_EQ(nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, "ping", 4, &pool, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_send(&s[0], p, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_receive(&s[4], &p, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_retrieve(p, back, &n), NX_SUCCESS);
        CHECK(n == 4 && memcmp(back, "ping", 4) == 0);
        nx_packet_release(p);
    }
    nx_tcp_socket_disconnect(&s[0], NX_IP_PERIODIC_RATE);
    nx_tcp_socket_disconnect(&s[4], NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_client_socket_unbind(&s[0]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s[4]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&ip_b, 81), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s[0]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s[4]), NX_SUCCESS);
    report("two instances connect within the memory they were given", f);

    /* nx_tcp_socket_transmit_configure: the transmit buffer is depth x 1460
       bytes of the IP memory, set before connect or listen. */
    f = failures;
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[0], "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_transmit_configure(NULL, 4, 100, 10, 0), NX_PTR_ERROR);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 0, 100, 10, 0), NX_OPTION_ERROR);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 4, 0, 10, 0), NX_OPTION_ERROR);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 4, 100, 0, 0), NX_OPTION_ERROR);
    /* 1,000 segments (1.4 MB) do not fit: the socket keeps its buffer. */
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 1000, 100, 10, 0), NX_SIZE_ERROR);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 2, 100, 10, 0), NX_SUCCESS);
    /* The area holds exactly four default sockets: three more fit next to
       the configured one; a fifth fits only once they give back their
       default buffers for 2 x 1460 bytes. */
    for (i = 1; i < 4; i++)
        CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[i], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[5], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SIZE_ERROR);
    for (i = 1; i < 4; i++)
        CHECK_EQ(nx_tcp_socket_transmit_configure(&s[i], 2, 100, 10, 0), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&ip_a, &s[5], "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SUCCESS);
    for (i = 1; i < 4; i++)
        CHECK_EQ(nx_tcp_socket_delete(&s[i]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s[5]), NX_SUCCESS);
    /* Listening: too late; a backlog gets the listener's size. */
    CHECK_EQ(nx_tcp_socket_create(&ip_b, &s[4], "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 2048, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[4], 3, 100, 10, 0), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&ip_b, 82, &s[4], 1, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[4], 4, 100, 10, 0), NX_NOT_CLOSED);
    /* A send of 4,500 bytes through a 2,920-byte buffer (the peer's window
       is 2,048 and nobody reads yet): it waits for ACKs, and everything
       arrives in order. */
    CHECK_EQ(nx_tcp_client_socket_bind(&s[0], NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&s[0], ADDR_B, 82, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_transmit_configure(&s[0], 4, 100, 10, 0), NX_NOT_CLOSED);
    CHECK_EQ(nx_tcp_server_socket_accept(&s[4], 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    {
        static UCHAR big[4500], got[4500];
        ULONG total = 0, n;
        NX_PACKET *p;
        int k, tries = 0;
        for (k = 0; k < (int)sizeof(big); k++)
            big[k] = (UCHAR)(k * 7 + k / 251);
        CHECK_EQ(nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, big, sizeof(big), &pool, NX_NO_WAIT), NX_SUCCESS);
        CHECK_EQ(nx_tcp_socket_send(&s[0], p, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
        while (total < sizeof(big) && tries++ < 20) {
            if (nx_tcp_socket_receive(&s[4], &p, NX_IP_PERIODIC_RATE / 10) != NX_SUCCESS)
                continue;
            if (nx_packet_length_get(p, &n) == NX_SUCCESS && total + n <= sizeof(got))
                CHECK_EQ(nx_packet_data_retrieve(p, got + total, &n), NX_SUCCESS);
            total += n;
            nx_packet_release(p);
        }
        CHECK_EQ(total, (ULONG)sizeof(big));
        CHECK(memcmp(big, got, sizeof(big)) == 0);
    }
    nx_tcp_socket_disconnect(&s[0], NX_IP_PERIODIC_RATE);
    nx_tcp_socket_disconnect(&s[4], NX_IP_PERIODIC_RATE);
    CHECK_EQ(nx_tcp_client_socket_unbind(&s[0]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unaccept(&s[4]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_unlisten(&ip_b, 82), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s[0]), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_delete(&s[4]), NX_SUCCESS);
    report("nx_tcp_socket_transmit_configure: depth x 1460 bytes of the IP memory, before connect/listen", f);

    f = failures;
    CHECK_EQ(nx_ip_delete(&ip_a), NX_SUCCESS);
    CHECK_EQ(nx_ip_delete(&ip_b), NX_SUCCESS);
    for (i = 0; i < 100 && pool.nx_packet_pool_available != pool.nx_packet_pool_total; i++)
        tx_thread_sleep(1);
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
    /* The area may be reused at once: scribble over it, create again. */
    memset(mem, 0xEE, FIXED + 4 * SOCK_SMALL + 64);
    CHECK_EQ(nx_ip_create(&ip_a, "a", ADDR_A, 0xFFFFFF00UL, &pool, _nx_ram_network_driver, mem,
                          FIXED + 4 * SOCK_SMALL + 64, 1), NX_SUCCESS);
    CHECK_EQ(nx_ip_delete(&ip_a), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS);
    free(mem);
    free(mem_b);
    report("instances deleted, memory reusable at once, every packet back", f);
    printf("%s test_netx_memory\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
