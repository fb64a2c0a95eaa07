/* test_pop3_settings: a compile-time setting defined before the header
   reaches the precompiled library through the create macro, as in NetX.
   NX_POP3_SERVER_REPLY_TIMEOUT is 30 ticks here: a silent server gives
   NX_NO_PACKET after about 0.3 s, not the default 10 s. Likewise the
   disconnect timeout (40 ticks) bounds delete against a server that never
   closes. */
#define NX_POP3_SERVER_REPLY_TIMEOUT 30
#define NX_POP3_CLIENT_DISCONNECT_TIMEOUT 40
#define NX_POP3_CLIENT_TCP_WINDOW_SIZE 8192
#include "pop3_script.h"

_Static_assert(NX_POP3_SERVER_REPLY_TIMEOUT == 30, "the program's value wins");
_Static_assert(NX_POP3_CLIENT_PACKET_TIMEOUT == NX_IP_PERIODIC_RATE, "other settings keep their defaults");

static void t_silent_greeting(void)
{
    /* The greeting comes after 150 ticks: by then the client must have given up. */
    static const char g[] = P3_GREETING;
    P3_STEP s[] = {SLEEP(150), SEND_BUF_MAYFAIL(g, sizeof g - 1), ANY_TAIL(), END};
    ULONG t0, el;
    UINT st;
    p3_begin("settings: no greeting within NX_POP3_SERVER_REPLY_TIMEOUT (30 ticks): NX_NO_PACKET", s);
    t0 = tx_time_get();
    st = p3_login();
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NO_PACKET);
    CHECK_TICKS(el, 25, 120);
    p3_end();
}

/* The receive window setting reaches the socket; a 100 KB message comes through it. */
static void t_window(void)
{
    static char body[100 * 1024 + 64], raw[100 * 1024 + 200], got[100 * 1024 + 64];
    size_t n = 0, r;
    while (n < 100 * 1024)
        n += (size_t)snprintf(body + n, sizeof body - n, "window test line %07u\r\n", (unsigned)n);
    r = (size_t)snprintf(raw, sizeof raw, "+OK %u octets\r\n", (unsigned)n);
    memcpy(raw + r, body, n);
    memcpy(raw + r + n, ".\r\n", 3);
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 1\r\n"), EXPECT("RETR 1"), SEND_BUF(raw, r + n + 3), END};
    UINT items = 0;
    ULONG total = 0, size = 0;
    P3_MSG m;
    p3_begin("settings: NX_POP3_CLIENT_TCP_WINDOW_SIZE 8192 reaches the socket", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_tcp_socket.nx_tcp_socket_rx_window_default, 8192);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_BYTES(got, m.total, body, n);
    p3_end();
}

static void t_silent_stat(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SILENT(), END};
    UINT items = 7, st;
    ULONG total = 7, t0, el;
    p3_begin("settings: silent server after STAT, NX_POP3_SERVER_REPLY_TIMEOUT 30 ticks", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    t0 = tx_time_get();
    st = nx_pop3_client_mail_items_get(&p3_client, &items, &total);
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NO_PACKET);
    CHECK_TICKS(el, 25, 120);
    p3_end();
}

static void t_disconnect_timeout(void)
{
    P3_STEP s[] = {P3_LOGIN, HOLD(300), END};
    p3_begin("settings: NX_POP3_CLIENT_DISCONNECT_TIMEOUT 40 ticks bounds delete", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    p3_delete_max = 130;
    p3_end();
}

/* The unchecked create carries the settings too. */
static void t_unchecked_create(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SILENT(), END};
    UINT items = 7, st;
    ULONG total = 7, t0, el;
    p3_begin("settings: carried through nxd_pop3_client_create too", s);
    {
        NXD_ADDRESS a;
        memset(&a, 0, sizeof a);
        a.nxd_ip_version = NX_IP_VERSION_V4;
        a.nxd_ip_address.v4 = P3_SERVER_ADDRESS;
        st = nxd_pop3_client_create(&p3_client, NX_FALSE, &p3_client_ip, &p3_cmd_pool, &a, P3_PORT, (CHAR *)P3_USER,
                                    (CHAR *)P3_PASS);
        CHECK_ST(st, NX_SUCCESS);
        p3_created = st == NX_SUCCESS;
    }
    t0 = tx_time_get();
    st = nx_pop3_client_mail_items_get(&p3_client, &items, &total);
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NO_PACKET);
    CHECK_TICKS(el, 25, 120);
    p3_end();
}

static void p3_tests(void)
{
    t_silent_greeting();
    t_silent_stat();
    t_window();
    t_disconnect_timeout();
    t_unchecked_create();
}
