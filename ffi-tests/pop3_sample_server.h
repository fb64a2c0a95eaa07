/* The second module of the sample tests (test_pop3_sample*.c): it serves
   the NetX-shaped POP3 sample program (netx_pop3_sample.c, linked in
   unchanged) from a second IP instance on the sample's own driver, then
   checks what the sample did from the outside.

   Through the harness's test_application_define hook it creates, after the
   sample's tx_application_define and before any thread runs, a packet pool,
   the server IP instance (192.2.2.89, the sample's SERVER_ADDRESS), a
   listening socket on port 110 and a server thread. The server speaks a fixed
   script: APOP greeting, APOP with the expected digest, STAT, then RETR and
   DELE for each of two messages (the second dot-stuffed and spread over
   several packets), QUIT. Once the sample's thread has ended it checks that
   every step happened in order, that the sample's one nx_pop3_client_delete
   returned NX_SUCCESS (seen through -Wl,--wrap) and cleared the client, and
   that every packet of both pools came back.

   Variants, by macro before inclusion:
     SAMPLE_SERVER_REFUSES   the greeting is -ERR: the sample's create fails and
                             its delete after the failed create must succeed.
     SAMPLE_NETX_DRIVER      both instances run on the NetX-shaped C driver
                             (the program is built with
                             -D_nx_ram_network_driver=_nx_ram_network_driver_netx);
                             also checks that the traffic went through it. */
#ifndef POP3_SAMPLE_SERVER_H
#define POP3_SAMPLE_SERVER_H

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#ifdef SAMPLE_NETX_DRIVER
#include "nx_ram_driver_netx.h"
#endif

/* The sample's driver, declared as NetX programs do: the same type as the
   library's (or the test driver's) definition. */
void _nx_ram_network_driver(struct NX_IP_DRIVER_STRUCT *driver_req);

/* The sample's objects (globals of netx_pop3_sample.c). */
extern TX_THREAD demo_client_thread;
extern NX_POP3_CLIENT demo_client;
extern NX_PACKET_POOL client_packet_pool;
extern NX_IP client_ip;

#define SRV_ADDRESS IP_ADDRESS(192, 2, 2, 89)
#define SRV_PORT 110
#define SRV_PAYLOAD 1536
#define SRV_PACKETS 48
#define SRV_STAMP "<4711.1700000000@server.example>"
/* MD5 of SRV_STAMP followed by the sample's password "testpwd". */
#define SRV_DIGEST "5c29859f23a10ae718a967465856850d"

static NX_PACKET_POOL srv_pool;
static NX_IP srv_ip;
static NX_TCP_SOCKET srv_socket;
static TX_THREAD srv_thread, srv_watchdog;
static ULONG srv_pool_mem[(SRV_PACKETS * (SRV_PAYLOAD + 256)) / sizeof(ULONG)] __attribute__((aligned(16)));
static ULONG srv_stack[1024], srv_arp[256];

static int srv_failures;
static int srv_steps;

#define SRV_FAIL(...)                                                                                            \
    do {                                                                                                         \
        printf("FAIL: " __VA_ARGS__);                                                                            \
        printf("\n");                                                                                            \
        fflush(stdout);                                                                                          \
        srv_failures++;                                                                                          \
    } while (0)

/* Every nx_pop3_client_delete the sample makes, with its status: the
   program is linked with -Wl,--wrap=_nxe_pop3_client_delete, so its calls
   come here first (the sample's source is not changed). */
UINT __real__nxe_pop3_client_delete(NX_POP3_CLIENT *client_ptr);
UINT __wrap__nxe_pop3_client_delete(NX_POP3_CLIENT *client_ptr);
static int srv_deletes;
static UINT srv_delete_status = 0xFFFF;

UINT __wrap__nxe_pop3_client_delete(NX_POP3_CLIENT *client_ptr)
{
    UINT st = __real__nxe_pop3_client_delete(client_ptr);
    srv_deletes++;
    srv_delete_status = st;
    return st;
}

/* ---------------------------------------------------------------- the mail */

static const char srv_msg1[] = "From: sender@example.com\r\nSubject: one\r\n\r\nHello from message one.\r\n";
static char srv_msg2[6000];
static ULONG srv_msg2_len;

static void srv_make_msg2(void)
{
    ULONG n = 0;
    int i;
    n += (ULONG)snprintf(srv_msg2 + n, sizeof srv_msg2 - n, "From: sender@example.com\r\nSubject: two\r\n\r\n");
    for (i = 0; n < 5000; i++)
        n += (ULONG)snprintf(srv_msg2 + n, sizeof srv_msg2 - n, i % 7 == 0 ? ".line %d starts with a dot\r\n"
                                                                          : "line %d of message two\r\n", i);
    srv_msg2_len = n;
}

/* ---------------------------------------------------------------- I/O */

static char srv_rx[2048];
static ULONG srv_rx_len;

static UINT srv_send(const char *data, ULONG len)
{
    NX_PACKET *p;
    UINT st = nx_packet_allocate(&srv_pool, &p, NX_TCP_PACKET, 2 * NX_IP_PERIODIC_RATE);
    if (st != NX_SUCCESS)
        return st;
    st = nx_packet_data_append(p, (VOID *)data, len, &srv_pool, 2 * NX_IP_PERIODIC_RATE);
    if (st == NX_SUCCESS)
        st = nx_tcp_socket_send(&srv_socket, p, 5 * NX_IP_PERIODIC_RATE);
    if (st != NX_SUCCESS)
        nx_packet_release(p);
    return st;
}

static UINT srv_send_str(const char *s) { return srv_send(s, (ULONG)strlen(s)); }

/* A message as the server sends it: "+OK n octets", the body with every line
   that starts with '.' stuffed, the terminating ".". */
static UINT srv_send_message(const char *msg, ULONG len)
{
    static char wire[8000];
    ULONG w = 0, i;
    int bol = 1;
    w += (ULONG)snprintf(wire, sizeof wire, "+OK %lu octets\r\n", (unsigned long)len);
    for (i = 0; i < len && w + 8 < sizeof wire; i++) {
        if (bol && msg[i] == '.')
            wire[w++] = '.';
        wire[w++] = msg[i];
        bol = msg[i] == '\n';
    }
    memcpy(wire + w, ".\r\n", 3);
    w += 3;
    return srv_send(wire, w);
}

/* Reads one line (without CRLF) into line; NX_SUCCESS or the receive status. */
static UINT srv_line(char *line, ULONG cap)
{
    for (;;) {
        ULONG i;
        for (i = 0; i + 1 < srv_rx_len; i++) {
            if (srv_rx[i] == '\r' && srv_rx[i + 1] == '\n') {
                ULONG n = i < cap - 1 ? i : cap - 1;
                memcpy(line, srv_rx, n);
                line[n] = 0;
                memmove(srv_rx, srv_rx + i + 2, srv_rx_len - i - 2);
                srv_rx_len -= i + 2;
                return NX_SUCCESS;
            }
        }
        NX_PACKET *p;
        UINT st = nx_tcp_socket_receive(&srv_socket, &p, 10 * NX_IP_PERIODIC_RATE);
        if (st != NX_SUCCESS)
            return st;
        ULONG got = 0;
        if (p->nx_packet_length <= sizeof srv_rx - srv_rx_len)
            nx_packet_data_retrieve(p, srv_rx + srv_rx_len, &got);
        srv_rx_len += got;
        nx_packet_release(p);
        if (got == 0)
            return NX_OVERFLOW;
    }
}

/* Expects the line `want` from the client, then answers. */
static int srv_expect(const char *want)
{
    char line[256];
    UINT st = srv_line(line, sizeof line);
    if (st != NX_SUCCESS) {
        SRV_FAIL("server: waiting for '%s': status 0x%02X", want, st);
        return 0;
    }
    if (strcmp(line, want) != 0) {
        SRV_FAIL("server: got '%s', expected '%s'", line, want);
        return 0;
    }
    srv_steps++;
    return 1;
}

/* ---------------------------------------------------------------- the server thread */

static void srv_session(void)
{
    char stat[64];
#ifdef SAMPLE_SERVER_REFUSES
    srv_send_str("-ERR not today\r\n");
    return;
#endif
    srv_send_str("+OK POP3 sample server ready " SRV_STAMP "\r\n");
    if (!srv_expect("APOP recipient@domain.com " SRV_DIGEST))
        return;
    srv_send_str("+OK maildrop has 2 messages\r\n");
    if (!srv_expect("STAT"))
        return;
    snprintf(stat, sizeof stat, "+OK 2 %lu\r\n", (unsigned long)(sizeof srv_msg1 - 1 + srv_msg2_len));
    srv_send_str(stat);
    if (!srv_expect("RETR 1"))
        return;
    srv_send_message(srv_msg1, sizeof srv_msg1 - 1);
    if (!srv_expect("DELE 1"))
        return;
    srv_send_str("+OK message 1 deleted\r\n");
    if (!srv_expect("RETR 2"))
        return;
    srv_send_message(srv_msg2, srv_msg2_len);
    if (!srv_expect("DELE 2"))
        return;
    srv_send_str("+OK message 2 deleted\r\n");
    if (!srv_expect("QUIT"))
        return;
    srv_send_str("+OK bye\r\n");
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

static void srv_check_pool(NX_PACKET_POOL *pool)
{
    int i;
    for (i = 0; i < 200 && pool->nx_packet_pool_available != pool->nx_packet_pool_total; i++)
        tx_thread_sleep(1);
    if (pool->nx_packet_pool_available != pool->nx_packet_pool_total)
        SRV_FAIL("pool '%s': %lu of %lu packets back (leak)", pool->nx_packet_pool_name,
                 (unsigned long)pool->nx_packet_pool_available, (unsigned long)pool->nx_packet_pool_total);
    if (pool->nx_packet_pool_invalid_releases != 0)
        SRV_FAIL("pool '%s': %lu invalid releases", pool->nx_packet_pool_name,
                 (unsigned long)pool->nx_packet_pool_invalid_releases);
}

static void srv_entry(ULONG input)
{
    UINT st;
    NX_PARAMETER_NOT_USED(input);
    st = nx_tcp_server_socket_accept(&srv_socket, 10 * NX_IP_PERIODIC_RATE);
    if (st != NX_SUCCESS) {
        SRV_FAIL("server: accept returned 0x%02X", st);
    } else {
        srv_session();
        /* The client closes (nx_pop3_client_delete); then we do. */
        {
            NX_PACKET *p;
            while ((st = nx_tcp_socket_receive(&srv_socket, &p, 10 * NX_IP_PERIODIC_RATE)) == NX_SUCCESS) {
                SRV_FAIL("server: %lu unexpected bytes after the script", (unsigned long)p->nx_packet_length);
                nx_packet_release(p);
            }
            if (st != NX_NOT_CONNECTED)
                SRV_FAIL("server: the client did not close (0x%02X)", st);
        }
        nx_tcp_socket_disconnect(&srv_socket, 2 * NX_IP_PERIODIC_RATE);
    }
    nx_tcp_server_socket_unaccept(&srv_socket);
    nx_tcp_server_socket_unlisten(&srv_ip, SRV_PORT);

    /* The sample's thread has ended: look at what it left. */
    tx_thread_join(&demo_client_thread);
#ifdef SAMPLE_SERVER_REFUSES
    if (srv_steps != 0)
        SRV_FAIL("the client went on after a -ERR greeting");
#else
    if (srv_steps != 7)
        SRV_FAIL("the session stopped after %d of 7 steps", srv_steps);
#endif
    if (srv_deletes != 1 || srv_delete_status != NX_SUCCESS)
        SRV_FAIL("the sample called nx_pop3_client_delete %d times, last status 0x%02X (want once, NX_SUCCESS)",
                 srv_deletes, srv_delete_status);
    if (!all_zero(&demo_client, sizeof demo_client))
        SRV_FAIL("the client struct is not cleared: nx_pop3_client_delete failed");
    srv_check_pool(&client_packet_pool);
    srv_check_pool(&srv_pool);
#ifdef SAMPLE_NETX_DRIVER
    if (nx_ram_netx_stats.attached != 2 || nx_ram_netx_stats.received_ip == 0 || nx_ram_netx_stats.received_arp == 0 ||
        nx_ram_netx_stats.unhandled != 0)
        SRV_FAIL("NetX-shaped driver: %lu attached, %lu IP and %lu ARP frames received, %lu commands unhandled",
                 (unsigned long)nx_ram_netx_stats.attached, (unsigned long)nx_ram_netx_stats.received_ip,
                 (unsigned long)nx_ram_netx_stats.received_arp, (unsigned long)nx_ram_netx_stats.unhandled);
#endif
    printf("%s: the NetX-shaped POP3 sample %s\n", srv_failures ? "FAIL" : "PASS",
#ifdef SAMPLE_SERVER_REFUSES
           "deletes its client after a refused login (NX_SUCCESS), nothing leaked"
#else
           "logs in with APOP, downloads and deletes both messages, quits, nothing leaked"
#endif
    );
    fflush(stdout);
    test_control_return(srv_failures ? 1 : 0);
}

static void srv_watchdog_entry(ULONG seconds)
{
    if (getenv("NX_TEST_SLOW") != NULL)
        seconds *= 10;
    tx_thread_sleep(seconds * NX_IP_PERIODIC_RATE);
    printf("FAIL: watchdog: the sample test did not finish within %lu s\n", (unsigned long)seconds);
    fflush(stdout);
    exit(2);
}

static void srv_setup_fail(const char *what, UINT st)
{
    printf("FAIL: setup: %s returned 0x%02X\n", what, st);
    fflush(stdout);
    exit(1);
}

/* Runs after the sample's tx_application_define, before any thread. */
VOID test_application_define(VOID *first_unused_memory)
{
    UINT st;
    NX_PARAMETER_NOT_USED(first_unused_memory);
    setvbuf(stdout, NULL, _IOLBF, 0);
    srv_make_msg2();
    if (client_ip.nx_ip_id != NX_IP_ID)
        srv_setup_fail("the sample's nx_ip_create", NX_NOT_CREATED);
    st = nx_packet_pool_create(&srv_pool, "sample server pool", SRV_PAYLOAD, srv_pool_mem, sizeof srv_pool_mem);
    if (st != NX_SUCCESS)
        srv_setup_fail("nx_packet_pool_create", st);
    st = nx_ip_create(&srv_ip, "sample server IP", SRV_ADDRESS, 0xFFFFFF00UL, &srv_pool, _nx_ram_network_driver,
                      srv_stack, sizeof srv_stack, 1);
    if (st != NX_SUCCESS)
        srv_setup_fail("nx_ip_create", st);
    if ((st = nx_arp_enable(&srv_ip, srv_arp, sizeof srv_arp)) != NX_SUCCESS)
        srv_setup_fail("nx_arp_enable", st);
    if ((st = nx_tcp_enable(&srv_ip)) != NX_SUCCESS)
        srv_setup_fail("nx_tcp_enable", st);
    st = nx_tcp_socket_create(&srv_ip, &srv_socket, "sample server", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE,
                              8192, NX_NULL, NX_NULL);
    if (st != NX_SUCCESS)
        srv_setup_fail("nx_tcp_socket_create", st);
    if ((st = nx_tcp_server_socket_listen(&srv_ip, SRV_PORT, &srv_socket, 5, NX_NULL)) != NX_SUCCESS)
        srv_setup_fail("nx_tcp_server_socket_listen", st);
    tx_thread_create(&srv_thread, "sample server", srv_entry, 0, NX_NULL, 0, 2, 2, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&srv_watchdog, "watchdog", srv_watchdog_entry, 60, NX_NULL, 0, 1, 1, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
}

#endif /* POP3_SAMPLE_SERVER_H */
