/* A receiver whose default pool holds only 4 packets: frames are dropped when
   it is empty (as a real NIC would), TCP retransmits, and the transfer is
   slower but complete and in order, with no deadlock and no leaked packet. */
#include "netx_test_common.h"

#define SERVER_IP IP_ADDRESS(10, 9, 0, 1)
#define CLIENT_IP IP_ADDRESS(10, 9, 0, 2)
#define PORT 6001
#define BYTES (256UL * 1024)

static NODE server, client;
static NX_TCP_SOCKET srv, cli;
static TX_THREAD main_thread, rx_thread;
static SUM got;
static volatile UINT rx_status;

static void rx_entry(ULONG input)
{
    (void)input;
    NX_PACKET *held[4];
    int nheld = 0, holding = 0;
    ULONG count = 0;
    rx_status = nx_tcp_server_socket_accept(&srv, 5 * NX_IP_PERIODIC_RATE);
    while (rx_status == NX_SUCCESS && got.bytes < BYTES) {
        NX_PACKET *p;
        rx_status = nx_tcp_socket_receive(&srv, &p, 10 * NX_IP_PERIODIC_RATE);
        if (rx_status != NX_SUCCESS)
            break;
        sum_packet(&got, p);
        /* Now and then hold all four packets for five ticks: frames that
           arrive meanwhile find the pool empty and are dropped. */
        if (!holding && ++count % 48 == 0 && got.bytes + 65536 < BYTES)
            holding = 1;
        if (holding) {
            held[nheld++] = p;
            if (nheld == 4) {
                tx_thread_sleep(5);
                while (nheld > 0)
                    nx_packet_release(held[--nheld]);
                holding = 0;
            }
            continue;
        }
        nx_packet_release(p);
    }
    while (nheld > 0)
        nx_packet_release(held[--nheld]);
    if (rx_status != NX_SUCCESS)
        printf("receiver: status 0x%x after %llu bytes\n", rx_status, got.bytes);
}

static void main_entry(ULONG input)
{
    int f = failures;
    SUM want = { 0, 0, 0 };
    static UCHAR buf[1400];
    unsigned long long off = 0, i;
    ULONG t0, drops = 0;
    NX_IP_DRIVER req;
    (void)input;
    CHECK_EQ(node_create(&server, "tiny", SERVER_IP, 4, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(server.pool.nx_packet_pool_total, 4);
    CHECK_EQ(node_create(&client, "client", CLIENT_IP, 64, _nx_ram_network_driver), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&server.ip, &srv, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &cli, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 4096, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT, &srv, 0, NULL), NX_SUCCESS);
    tx_thread_create(&rx_thread, "rx", rx_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&cli, SERVER_IP, PORT, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    t0 = tx_time_get();
    while (failures == f && off < BYTES) {
        NX_PACKET *p;
        ULONG n = sizeof(buf);
        UINT s;
        for (i = 0; i < n; i++)
            buf[i] = pattern(7, off + i);
        if (n > BYTES - off)
            n = (ULONG)(BYTES - off);
        CHECK_EQ(nx_packet_allocate(&client.pool, &p, NX_IPv4_TCP_PACKET, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, buf, n, &client.pool, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        s = nx_tcp_socket_send(&cli, p, 20 * NX_IP_PERIODIC_RATE);
        CHECK_EQ(s, NX_SUCCESS);
        if (s != NX_SUCCESS)
            nx_packet_release(p);
        sum_add(&want, buf, n);
        off += n;
    }
    tx_thread_join(&rx_thread);
    CHECK_EQ(rx_status, NX_SUCCESS);
    CHECK(got.bytes == BYTES && got.a == want.a && got.b == want.b);
    memset(&req, 0, sizeof(req));
    req.nx_ip_driver_command = NX_LINK_GET_ALLOC_ERRORS;
    req.nx_ip_driver_ptr = &server.ip;
    req.nx_ip_driver_interface = &server.ip.nx_ip_interface[0];
    req.nx_ip_driver_return_ptr = &drops;
    _nx_ram_network_driver(&req);
    printf("tiny pool: %lu KiB in %lu ticks, %lu frames dropped at the receiver\n", BYTES / 1024,
           (unsigned long)(tx_time_get() - t0), (unsigned long)drops);
    CHECK(drops > 0); /* the loss path was exercised */
    report("tiny receive pool: complete, in order, no deadlock", f);
    f = failures;
    end_connection(&client, &server, &cli, &srv, PORT);
    report("every packet back in its pool", f);
    printf("%s test_netx_tinypool\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
