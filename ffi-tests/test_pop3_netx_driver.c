/* test_pop3_netx_driver: the POP3 client and the scripted server on two IP
   instances linked by the NetX-shaped RAM driver written in C
   (nx_ram_driver_netx.c), not the library's own: login (USER/PASS and APOP),
   STAT, LIST, a message in several segments with dot-stuffing split across
   them, a 200 KB message, DELE, QUIT; every packet back in its pool after each
   case; at the end, the driver's counters show the traffic went through it. */
#include "tx_api.h"
#include "nx_api.h"
#include "nx_ram_driver_netx.h"

#define P3_DRIVER _nx_ram_network_driver_netx
#include "pop3_script.h"

static void t_session(void)
{
    static const char body[] = "Subject: over a NetX driver\r\n\r\n..dot line\r\nplain\r\n";
    static const char want[] = "Subject: over a NetX driver\r\n\r\n.dot line\r\nplain\r\n";
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 1 49\r\n"),
                   EXPECT("LIST 1"),
                   SEND("+OK 1 49\r\n"),
                   EXPECT("RETR 1"),
                   SEND("+OK 49 octets\r\n"),
                   SEND_SPLIT(body, 20, 32, 33),
                   SEND(".\r\n"),
                   EXPECT("DELE 1"),
                   SEND("+OK deleted\r\n"),
                   EXPECT("QUIT"),
                   SEND("+OK bye\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0, size = 0;
    p3_begin("over the NetX-shaped driver: login, STAT, LIST, RETR (split, dot-stuffed), DELE, QUIT", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    CHECK_EQ(total, 49);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_EQ(size, 49);
    p3_retr_expect(1, 49, want);
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_apop(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST), SEND("+OK\r\n"),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    p3_begin("over the NetX-shaped driver: APOP login (RFC 1939 vector)", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* Many full-size frames each way through the driver's copy and receive path. */
static void t_large(void)
{
    enum { SIZE = 200 * 1024 };
    static char body[SIZE + 64], wire[SIZE + 256], got[SIZE + 64];
    ULONG n = 0, w;
    P3_MSG m;
    ULONG octets = 0;
    while (n + 64 < SIZE)
        n += (ULONG)snprintf(body + n, sizeof body - n, "%06lu: the quick brown fox jumps over the lazy dog\r\n",
                             (unsigned long)n);
    w = (ULONG)snprintf(wire, sizeof wire, "+OK %lu octets\r\n", (unsigned long)n);
    memcpy(wire + w, body, n);
    w += n;
    memcpy(wire + w, ".\r\n", 3);
    w += 3;
    P3_STEP s[] = {P3_LOGIN, EXPECT("RETR 1"), SEND_BUF(wire, w), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    p3_begin("over the NetX-shaped driver: a 200 KB message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    p3_client.nx_pop3_client_maildrop_items = 1;
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_EQ(octets, n);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_BYTES(got, m.total, body, n);
    CHECK_EQ(m.finals, 1);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_driver_counters(void)
{
    p3_begin("the traffic went through the NetX-shaped driver", NX_NULL);
    CHECK_EQ(nx_ram_netx_stats.attached, 2);
    CHECK_EQ(nx_ram_netx_stats.initialized, 2);
    CHECK(nx_ram_netx_stats.received_arp >= 2);
    CHECK(nx_ram_netx_stats.received_ip > 200);
    CHECK(nx_ram_netx_stats.sent >= nx_ram_netx_stats.received_ip);
    CHECK_EQ(nx_ram_netx_stats.unhandled, 0);
    p3_end();
}

static void p3_tests(void)
{
    t_session();
    t_apop();
    t_large();
    t_driver_counters();
}
