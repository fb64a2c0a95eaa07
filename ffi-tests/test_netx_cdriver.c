/* A driver written in C on the NetX driver protocol carries the traffic of
   two IP instances: the proof that foreign NetX drivers work.

   The "cable" driver: on send it prepends a real Ethernet header in the
   packet's headroom, copies the frame into the peer's default pool, queues
   it and asks the peer's IP thread for NX_LINK_DEFERRED_PROCESSING, where it
   strips the header and hands the packet to _nx_ip_packet_deferred_receive or
   _nx_arp_packet_deferred_receive by ethertype. */
#include "netx_test_common.h"

#define SERVER_IP IP_ADDRESS(172, 16, 0, 1)
#define CLIENT_IP IP_ADDRESS(172, 16, 0, 2)
#define PORT 7001
#define BYTES (2UL * 1024 * 1024)

typedef struct CABLE_PORT {
    NX_IP *ip;
    ULONG msw, lsw;
    NX_PACKET *head, *tail;
} CABLE_PORT;

static CABLE_PORT ports[2];
static pthread_mutex_t cable_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile ULONG frames_ip, frames_arp, deferred_calls, bad_requests, dropped, echo_replies;

static int port_of(NX_IP *ip)
{
    return ports[0].ip == ip ? 0 : (ports[1].ip == ip ? 1 : -1);
}

static void put_mac(UCHAR *d, ULONG msw, ULONG lsw)
{
    d[0] = (UCHAR)(msw >> 8); d[1] = (UCHAR)msw;
    d[2] = (UCHAR)(lsw >> 24); d[3] = (UCHAR)(lsw >> 16); d[4] = (UCHAR)(lsw >> 8); d[5] = (UCHAR)lsw;
}

static void cable_send(NX_IP_DRIVER *req, int me)
{
    NX_PACKET *p = req->nx_ip_driver_packet, *c;
    int peer = 1 - me;
    UCHAR *eth;
    USHORT type;
    ULONG n;
    UINT cmd = req->nx_ip_driver_command;
    int arp = (cmd == NX_LINK_ARP_SEND || cmd == NX_LINK_ARP_RESPONSE_SEND);
    /* What the library promises: IP/ARP header at prepend_ptr, room for ours. */
    if (p->nx_packet_prepend_ptr - p->nx_packet_data_start < NX_PHYSICAL_HEADER ||
        (p->nx_packet_ip_version != 4 && p->nx_packet_ip_version != 6) ||
        (!arp && (p->nx_packet_prepend_ptr[0] >> 4) != p->nx_packet_ip_version))
        bad_requests++;
    /* An ICMP echo reply (protocol 1, type 0) on its way out: ping answered. */
    if (!arp && p->nx_packet_prepend_ptr[9] == 1 && p->nx_packet_prepend_ptr[20] == 0)
        echo_replies++;
    type = arp ? 0x0806 : (p->nx_packet_ip_version == 6 ? 0x86DD : 0x0800);
    p->nx_packet_prepend_ptr -= 14;
    p->nx_packet_length += 14;
    eth = p->nx_packet_prepend_ptr;
    put_mac(eth, req->nx_ip_driver_physical_address_msw, req->nx_ip_driver_physical_address_lsw);
    put_mac(eth + 6, ports[me].msw, ports[me].lsw);
    eth[12] = (UCHAR)(type >> 8);
    eth[13] = (UCHAR)type;
    pthread_mutex_lock(&cable_lock);
    if (ports[peer].ip != NULL &&
        nx_packet_allocate(ports[peer].ip->nx_ip_default_packet_pool, &c, NX_RECEIVE_PACKET, NX_NO_WAIT) == NX_SUCCESS) {
        n = (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
        if (nx_packet_data_append(c, p->nx_packet_prepend_ptr, n, ports[peer].ip->nx_ip_default_packet_pool, NX_NO_WAIT) == NX_SUCCESS) {
            c->nx_packet_queue_next = NULL;
            if (ports[peer].head == NULL)
                ports[peer].head = c;
            else
                ports[peer].tail->nx_packet_queue_next = c;
            ports[peer].tail = c;
        } else {
            nx_packet_release(c);
            dropped++;
        }
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&cable_lock);
    if (ports[peer].ip != NULL)
        _nx_ip_driver_deferred_processing(ports[peer].ip);
    /* Done with the sender's packet. */
    nx_packet_transmit_release(p);
}

static void cable_deferred(int me)
{
    NX_PACKET *list, *p;
    pthread_mutex_lock(&cable_lock);
    list = ports[me].head;
    ports[me].head = ports[me].tail = NULL;
    pthread_mutex_unlock(&cable_lock);
    deferred_calls++;
    while ((p = list) != NULL) {
        USHORT type = (USHORT)((p->nx_packet_prepend_ptr[12] << 8) | p->nx_packet_prepend_ptr[13]);
        list = p->nx_packet_queue_next;
        p->nx_packet_queue_next = NULL;
        p->nx_packet_prepend_ptr += 14;
        p->nx_packet_length -= 14;
        if (type == 0x0806) {
            frames_arp++;
            _nx_arp_packet_deferred_receive(ports[me].ip, p);
        } else if (type == 0x0800) {
            frames_ip++;
            p->nx_packet_ip_version = 4;
            _nx_ip_packet_deferred_receive(ports[me].ip, p);
        } else {
            nx_packet_release(p);
        }
    }
}

static void cable_driver(NX_IP_DRIVER *req)
{
    NX_IP *ip = req->nx_ip_driver_ptr;
    int me = port_of(ip);
    req->nx_ip_driver_status = NX_SUCCESS;
    switch (req->nx_ip_driver_command) {
    case NX_LINK_INTERFACE_ATTACH:
        break;
    case NX_LINK_INITIALIZE:
        me = ports[0].ip == NULL ? 0 : 1;
        ports[me].ip = ip;
        ports[me].msw = 0x0200;
        ports[me].lsw = 0x00C0FFE0 + (ULONG)me;
        nx_ip_interface_mtu_set(ip, 0, 1500);
        nx_ip_interface_physical_address_set(ip, 0, ports[me].msw, ports[me].lsw, NX_FALSE);
        nx_ip_interface_address_mapping_configure(ip, 0, NX_TRUE);
        break;
    case NX_LINK_ENABLE:
        req->nx_ip_driver_interface->nx_interface_link_up = NX_TRUE;
        break;
    case NX_LINK_DISABLE:
        req->nx_ip_driver_interface->nx_interface_link_up = NX_FALSE;
        break;
    case NX_LINK_UNINITIALIZE:
        if (me >= 0) {
            NX_PACKET *p;
            pthread_mutex_lock(&cable_lock);
            while ((p = ports[me].head) != NULL) {
                ports[me].head = p->nx_packet_queue_next;
                nx_packet_release(p);
            }
            ports[me].ip = NULL;
            pthread_mutex_unlock(&cable_lock);
        }
        break;
    case NX_LINK_PACKET_SEND:
    case NX_LINK_PACKET_BROADCAST:
    case NX_LINK_ARP_SEND:
    case NX_LINK_ARP_RESPONSE_SEND:
        if (me < 0) {
            nx_packet_transmit_release(req->nx_ip_driver_packet);
            break;
        }
        cable_send(req, me);
        break;
    case NX_LINK_DEFERRED_PROCESSING:
        if (me >= 0)
            cable_deferred(me);
        break;
    case NX_LINK_GET_STATUS:
        *req->nx_ip_driver_return_ptr = req->nx_ip_driver_interface->nx_interface_link_up;
        break;
    default:
        req->nx_ip_driver_status = NX_UNHANDLED_COMMAND;
        break;
    }
}

static USHORT ip_checksum(const UCHAR *p, ULONG n)
{
    ULONG sum = 0, i;
    for (i = 0; i + 1 < n; i += 2)
        sum += (ULONG)((p[i] << 8) | p[i + 1]);
    if (n & 1)
        sum += (ULONG)(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (USHORT)~sum;
}

/* Hands `to` an ICMP echo request from `from`, as its driver would. */
static UINT inject_ping(NX_IP *to, ULONG from, ULONG dst, USHORT seq)
{
    NX_PACKET *p;
    UCHAR *d;
    USHORT c;
    UINT s = nx_packet_allocate(to->nx_ip_default_packet_pool, &p, NX_PHYSICAL_HEADER, NX_NO_WAIT);
    if (s != NX_SUCCESS)
        return s;
    d = p->nx_packet_prepend_ptr;
    memset(d, 0, 20 + 8 + 32);
    d[0] = 0x45; d[3] = 20 + 8 + 32; d[8] = 64; d[9] = 1;
    d[12] = (UCHAR)(from >> 24); d[13] = (UCHAR)(from >> 16); d[14] = (UCHAR)(from >> 8); d[15] = (UCHAR)from;
    d[16] = (UCHAR)(dst >> 24); d[17] = (UCHAR)(dst >> 16); d[18] = (UCHAR)(dst >> 8); d[19] = (UCHAR)dst;
    c = ip_checksum(d, 20); d[10] = (UCHAR)(c >> 8); d[11] = (UCHAR)c;
    d[20] = 8; d[24] = 0x12; d[25] = 0x34; d[26] = (UCHAR)(seq >> 8); d[27] = (UCHAR)seq;
    memset(d + 28, 'p', 32);
    c = ip_checksum(d + 20, 8 + 32); d[22] = (UCHAR)(c >> 8); d[23] = (UCHAR)c;
    p->nx_packet_append_ptr = d + 20 + 8 + 32;
    p->nx_packet_length = 20 + 8 + 32;
    p->nx_packet_ip_version = 4;
    _nx_ip_packet_deferred_receive(to, p);
    return NX_SUCCESS;
}

static NODE server, client;
static NX_TCP_SOCKET srv, cli;
static TX_THREAD main_thread, rx_thread;
static SUM got;
static volatile UINT rx_status;

static void rx_entry(ULONG input)
{
    (void)input;
    rx_status = nx_tcp_server_socket_accept(&srv, 5 * NX_IP_PERIODIC_RATE);
    while (rx_status == NX_SUCCESS && got.bytes < BYTES) {
        NX_PACKET *p;
        rx_status = nx_tcp_socket_receive(&srv, &p, 5 * NX_IP_PERIODIC_RATE);
        if (rx_status == NX_SUCCESS) {
            sum_packet(&got, p);
            nx_packet_release(p);
        }
    }
}

static void main_entry(ULONG input)
{
    int f = failures;
    SUM want = { 0, 0, 0 };
    static UCHAR buf[3000];
    unsigned long long off = 0, i;
    ULONG st = 0;
    (void)input;
    CHECK_EQ(node_create(&server, "server", SERVER_IP, 64, cable_driver), NX_SUCCESS);
    CHECK_EQ(node_create(&client, "client", CLIENT_IP, 64, cable_driver), NX_SUCCESS);
    CHECK_EQ(server.ip.nx_ip_interface[0].nx_interface_physical_address_lsw, 0x00C0FFE0);
    CHECK_EQ(nx_ip_status_check(&client.ip, NX_IP_LINK_ENABLED, &st, NX_IP_PERIODIC_RATE), NX_SUCCESS);
    report("two IP instances on a C driver", f);

    f = failures;
    CHECK_EQ(nx_tcp_socket_create(&server.ip, &srv, "srv", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 16384, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_socket_create(&client.ip, &cli, "cli", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 16384, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_tcp_server_socket_listen(&server.ip, PORT, &srv, 1, NULL), NX_SUCCESS);
    tx_thread_create(&rx_thread, "rx", rx_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    CHECK_EQ(nx_tcp_client_socket_bind(&cli, NX_ANY_PORT, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_tcp_client_socket_connect(&cli, SERVER_IP, PORT, 5 * NX_IP_PERIODIC_RATE), NX_SUCCESS);
    while (failures == f && off < BYTES) {
        NX_PACKET *p;
        ULONG n = sizeof(buf);
        if (n > BYTES - off)
            n = (ULONG)(BYTES - off);
        for (i = 0; i < n; i++)
            buf[i] = pattern(3, off + i);
        CHECK_EQ(nx_packet_allocate(&client.pool, &p, NX_IPv4_TCP_PACKET, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        CHECK_EQ(nx_packet_data_append(p, buf, n, &client.pool, NX_IP_PERIODIC_RATE), NX_SUCCESS);
        if (nx_tcp_socket_send(&cli, p, 5 * NX_IP_PERIODIC_RATE) != NX_SUCCESS) {
            failures++;
            nx_packet_release(p);
        }
        sum_add(&want, buf, n);
        off += n;
    }
    tx_thread_join(&rx_thread);
    CHECK_EQ(rx_status, NX_SUCCESS);
    CHECK(got.bytes == BYTES && got.a == want.a && got.b == want.b);
    CHECK(frames_arp >= 2);
    CHECK(frames_ip > BYTES / 1500);
    CHECK(deferred_calls > 0);
    CHECK_EQ(bad_requests, 0);
    printf("cable: %lu IP frames, %lu ARP frames, %lu deferred-processing calls, %lu dropped\n",
           (unsigned long)frames_ip, (unsigned long)frames_arp, (unsigned long)deferred_calls, (unsigned long)dropped);
    report("2 MiB over the C driver, checksum matches", f);

    /* Ping: the server answers echo requests (nx_icmp_enable). */
    f = failures;
    {
        int k;
        USHORT n;
        for (n = 1; n <= 3; n++)
            CHECK_EQ(inject_ping(&server.ip, CLIENT_IP, SERVER_IP, n), NX_SUCCESS);
        for (k = 0; k < 100 && echo_replies < 3; k++)
            tx_thread_sleep(1);
        CHECK_EQ(echo_replies, 3);
    }
    report("ping answered", f);

    f = failures;
    end_connection(&client, &server, &cli, &srv, PORT);
    report("every packet back in its pool", f);
    printf("%s test_netx_cdriver\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 60)
