/* test_pop3_hostile: a hostile or broken server. Each case asserts the exact
   status, a bound on the time taken, every packet back in every pool and the
   client still deletable (p3_end). */
#define P3_WITH_SMALL_IP
#include "pop3_script.h"

static char big[300 * 1024];
static char big_raw[310 * 1024];
static char got[300 * 1024];

/* Times one call: `el` gets the ticks it took. */
#define TIMED(el, expr) ((el) = tx_time_get(), p3_timed_st_ = (expr), (el) = tx_time_get() - (el), p3_timed_st_)
static UINT p3_timed_st_;

/* A status line split at every byte: one STAT per cut position, then one
   sent a byte per segment. */
static void t_status_split_every_byte(void)
{
    static const char reply[] = "+OK 2 320\r\n";
    enum { N = sizeof(reply) - 1 };
    static ULONG cuts[N];
    static const ULONG all[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static P3_STEP s[5 + 2 * N + 2 + 1];
    int k = 0;
    P3_STEP login[] = {P3_LOGIN};
    for (size_t i = 0; i < sizeof login / sizeof login[0]; i++)
        s[k++] = login[i];
    for (ULONG pos = 1; pos < N; pos++) {
        cuts[pos] = pos;
        s[k++] = (P3_STEP)EXPECT("STAT");
        s[k++] = (P3_STEP)SEND_SPLIT_BUF(reply, N, &cuts[pos], 1);
    }
    s[k++] = (P3_STEP)EXPECT("STAT");
    s[k++] = (P3_STEP)SEND_SPLIT_BUF(reply, N, all, N - 1);
    s[k++] = (P3_STEP)END;
    p3_begin("hostile: a status line split at every byte", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    for (ULONG pos = 1; pos <= N && !p3_case_failed; pos++) {
        UINT items = 0;
        ULONG total = 0, el;
        CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_SUCCESS);
        CHECK_EQ(items, 2);
        CHECK_EQ(total, 320);
        CHECK_TICKS(el, 0, 150);
    }
    p3_end();
}

/* A 600-byte reply line: NX_POP3_SERVER_ERROR_STATUS; the next command still works. */
static void t_long_line_600(void)
{
    static char line[601];
    memset(line, 'x', sizeof line);
    memcpy(line, "+OK ", 4);
    line[598] = '\r';
    line[599] = '\n';
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND_BUF(line, 600), EXPECT("STAT"), SEND("+OK 3 33\r\n"), END};
    UINT items = 7;
    ULONG total = 7, el;
    p3_begin("hostile: a 600-byte reply line", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_TICKS(el, 0, 150);
    CHECK_EQ(items, 0);
    CHECK_EQ(total, 0);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 3);
    CHECK_EQ(total, 33);
    p3_end();
}

/* The longest line accepted: NX_POP3_MAX_SERVER_REPLY bytes with its CRLF; one more is refused. */
static void t_line_limit(void)
{
    static char ok512[512], ok513[513];
    memset(ok512, 'y', sizeof ok512);
    memcpy(ok512, "+OK ", 4);
    ok512[510] = '\r';
    ok512[511] = '\n';
    memset(ok513, 'y', sizeof ok513);
    memcpy(ok513, "+OK ", 4);
    ok513[511] = '\r';
    ok513[512] = '\n';
    P3_STEP s[] = {P3_LOGIN, EXPECT("QUIT"), SEND_BUF(ok512, 512), EXPECT("QUIT"), SEND_BUF(ok513, 513), END};
    p3_begin("hostile: a 512-byte reply line is accepted, 513 bytes is not", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

/* A 64 KiB reply line. */
static void t_long_line_64k(void)
{
    static char line[65536];
    memset(line, 'z', sizeof line);
    memcpy(line, "+OK ", 4);
    line[sizeof line - 2] = '\r';
    line[sizeof line - 1] = '\n';
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND_BUF_MAYFAIL(line, sizeof line), ANY_TAIL(), END};
    UINT items = 7;
    ULONG total = 7, el;
    p3_begin("hostile: a 64 KiB reply line", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(300, 200), NX_SUCCESS);
    p3_delete_max = 350;
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_TICKS(el, 0, 150);
    CHECK_EQ(items, 0);
    p3_end();
}

static void t_okjunk(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OKjunk 1 2\r\n"), EXPECT("STAT"), SEND("+OK1 2\r\n"),
                   EXPECT("STAT"), SEND("+ok 1 2\r\n"), EXPECT("STAT"), SEND("OK 1 2\r\n"), EXPECT("STAT"),
                   SEND("-ERRjunk\r\n"), EXPECT("STAT"), SEND("+OK 1 2\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: +OKjunk, +OK1, +ok, OK, -ERRjunk are not replies", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    for (int i = 0; i < 5; i++)
        CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    CHECK_EQ(total, 2);
    p3_end();
}

static void t_okjunk_greeting(void)
{
    P3_STEP s[] = {SEND("+OKjunk ready\r\n"), END};
    ULONG el;
    p3_begin("hostile: +OKjunk greeting", s);
    CHECK_ST(TIMED(el, p3_login()), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_TICKS(el, 0, 150);
    p3_end();
}

/* Numbers beyond 32 bits in STAT, LIST and RETR replies. */
static void t_huge_numbers(void)
{
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 4294967296 10\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 1 4294967296\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 99999999999999999999999999 1\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 4294967295 4294967295\r\n"),
                   EXPECT("LIST 1"),
                   SEND("+OK 1 18446744073709551616\r\n"),
                   EXPECT("LIST 1"),
                   SEND("+OK 4294967297 5\r\n"),
                   EXPECT("RETR 1"),
                   SEND("+OK 4294967296 octets\r\nsome body\r\n.\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 2 20\r\n"),
                   EXPECT("RETR 2"),
                   SEND("+OK 6 octets\r\nhello\r\n.\r\n"),
                   END};
    UINT items = 7;
    ULONG total = 7, size = 7;
    p3_begin("hostile: numbers beyond 32 bits in STAT, LIST, RETR", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(items, 0);
    CHECK_EQ(total, 0);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 4294967295u);
    CHECK_EQ(total, 4294967295u);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(size, 0);
    size = 7;
    CHECK(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size) != NX_SUCCESS);
    CHECK_EQ(size, 0);
    size = 7;
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(size, 0);
    /* The message that followed is drained before the next command. */
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 20);
    p3_retr_expect(2, 6, "hello\r\n");
    p3_end();
}

/* A NUL byte in a reply line is an error; the session goes on. */
static void t_nul_in_reply(void)
{
    P3_STEP s[] = {P3_LOGIN,          EXPECT("STAT"), SEND("+OK 1\0 10\r\n"),   EXPECT("STAT"),
                   SEND("\0+OK 1 10\r\n"), EXPECT("STAT"), SEND("+OK 1 10\r\n"), END};
    UINT items = 7;
    ULONG total = 7, el;
    p3_begin("hostile: NUL bytes in a reply", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_TICKS(el, 0, 150);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    CHECK_EQ(total, 10);
    p3_end();
}

static void t_nul_in_greeting(void)
{
    P3_STEP s[] = {SEND("+OK ready\0\r\n"), END};
    p3_begin("hostile: NUL byte in the greeting", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

/* NUL bytes in message data are delivered as they are. */
static void t_nul_in_data(void)
{
    static const char raw[] = "+OK 15 octets\r\na\0b\r\n\0\0\0\r\n\0.x\r\n.\r\n";
    static const char want[] = "a\0b\r\n\0\0\0\r\n\0.x\r\n";
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 15\r\n"), EXPECT("RETR 1"), SEND_BUF(raw, sizeof raw - 1),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: NUL bytes in message data are delivered as they are", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect_at(__LINE__, 1, 15, want, sizeof want - 1);
    p3_end();
}

/* A bare-LF message body is delivered as it is (a dot after a bare LF is not a line start). */
static void t_bare_lf(void)
{
    static const char raw[] = "+OK 33 octets\r\nline 1\nline 2\n.\n..x\nnot the end\r\n.\r\n";
    static const char want[] = "line 1\nline 2\n.\n..x\nnot the end\r\n";
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 33\r\n"), EXPECT("RETR 1"), SEND_BUF(raw, sizeof raw - 1),
                   EXPECT("STAT"), SEND("+OK 1 33\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: a bare-LF message body is delivered as it is", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(200, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(sizeof want - 1, 33);
    p3_retr_expect_at(__LINE__, 1, 33, want, sizeof want - 1);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_end();
}

/* RFC 1939 lines end with CRLF: a "." CRLF that follows a bare LF is not a
   line of its own, so it is not the terminator. */
static void t_bare_lf_dot_crlf(void)
{
    static const char raw[] = "+OK 18 octets\r\nabc\n.\r\nmore text\r\n.\r\n";
    static const char want[] = "abc\n.\r\nmore text\r\n";
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 18\r\n"), EXPECT("RETR 1"), SEND_BUF(raw, sizeof raw - 1),
                   EXPECT("STAT"), SEND("+OK 1 18\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: bare LF then . CRLF is not the end of the message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(200, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(sizeof want - 1, 18);
    p3_retr_expect_at(__LINE__, 1, 18, want, sizeof want - 1);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_end();
}

/* A line that starts with "." CR and a byte other than LF: RFC 1939 removes
   the dot only ("..\rx" stuffed, or ".\rx" from a careless server, gives
   "\rx"-style data with its CR kept). */
static void t_dot_cr(void)
{
    static const char raw[] = "+OK 9 octets\r\n..\rx\r\n.\ry\r\n.\r\n";
    static const char want[] = ".\rx\r\n\ry\r\n";
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 9\r\n"), EXPECT("RETR 1"), SEND_BUF(raw, sizeof raw - 1),
                   EXPECT("STAT"), SEND("+OK 1 9\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: a line starting with . CR x keeps its CR", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(200, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect_at(__LINE__, 1, 9, want, sizeof want - 1);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_end();
}

/* Bytes after the terminator, before the next command: dropped; the next command works. */
static void t_bytes_after_terminator(void)
{
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 2 20\r\n"),
                   EXPECT("RETR 1"),
                   SEND("+OK 6 octets\r\nhello\r\n.\r\n+OK 99 99\r\njunk\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 2 20\r\n"),
                   EXPECT("RETR 2"),
                   SEND("+OK 6 octets\r\nworld\r\n.\r\n"),
                   SLEEP(10),
                   SEND("+OK 77 77\r\n"),
                   SLEEP(10),
                   SEND("-ERR more junk\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 2 21\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("hostile: bytes after the terminator before the next command are dropped", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect(1, 6, "hello\r\n");
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 20);
    p3_retr_expect(2, 6, "world\r\n");
    tx_thread_sleep(100); /* the junk (sent 10 and 20 ticks after the message) arrives */
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 21);
    p3_end();
}

/* FIN in the middle of a reply (a reply without CRLF followed by a close). */
static void t_fin_mid_reply(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 2 3"), SLEEP(5), CLOSE(), END};
    UINT items = 7;
    ULONG total = 7, el;
    p3_begin("hostile: FIN in the middle of a reply", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 150);
    CHECK_EQ(items, 0);
    /* Later calls fail at once too. */
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 150);
    p3_end();
}

static void t_fin_after_greeting(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK"), CLOSE(), END};
    ULONG el;
    p3_begin("hostile: FIN in the middle of the USER reply: create fails", s);
    CHECK_ST(TIMED(el, p3_login()), NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 200);
    p3_end();
}

/* FIN in the middle of a message. */
static void t_fin_mid_message(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 100\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 100 octets\r\npartial line\r\nand more"), SLEEP(5), CLOSE(), END};
    UINT items = 0;
    ULONG total = 0, size = 0, el;
    P3_MSG m;
    p3_begin("hostile: FIN in the middle of a message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(TIMED(el, p3_read_message(got, sizeof got, &m)), NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 150);
    CHECK_EQ(m.finals, 0);
    CHECK(m.total <= 22);
    CHECK_BYTES(got, m.total, "partial line\r\nand more", m.total);
    p3_end();
}

/* RST in the middle of a message. */
static void t_rst_mid_message(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 100\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 100 octets\r\npartial line\r\n"), SLEEP(5), RST(), END};
    UINT items = 0;
    ULONG total = 0, size = 0, el;
    P3_MSG m;
    p3_begin("hostile: RST in the middle of a message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(TIMED(el, p3_read_message(got, sizeof got, &m)), NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 150);
    CHECK_EQ(m.finals, 0);
    p3_end();
}

/* A silent server: NX_NO_PACKET after the (shortened) reply timeout. */
static void t_silent(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SILENT(), END};
    UINT items = 7;
    ULONG total = 7, el;
    p3_begin("hostile: a silent server (reply timeout 50 ticks)", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(50, 300), NX_SUCCESS);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_NO_PACKET);
    CHECK_TICKS(el, 45, 150);
    CHECK_EQ(items, 0);
    CHECK_EQ(total, 0);
    p3_end();
}

/* A server silent in the middle of a message. */
static void t_silent_mid_message(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 100\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 100 octets\r\nthe start\r\n"), SILENT(), END};
    UINT items = 0;
    ULONG total = 0, size = 0, el;
    P3_MSG m;
    p3_begin("hostile: a server silent in the middle of a message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(50, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(TIMED(el, p3_read_message(got, sizeof got, &m)), NX_NO_PACKET);
    CHECK_TICKS(el, 45, 200);
    CHECK_EQ(m.finals, 0);
    p3_end();
}

/* A server that never closes when the client is deleted: delete returns
   within the disconnect timeout. */
static void t_never_closes(void)
{
    P3_STEP s[] = {P3_LOGIN, HOLD(400), END};
    p3_begin("hostile: the server never closes; delete returns within the disconnect timeout (50 ticks)", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(300, 50), NX_SUCCESS);
    p3_delete_max = 150;
    p3_end();
}

/* A client IP whose default (receive) pool holds only 3 packets downloads a
   200 KB dot-stuffed message correctly. */
static void t_small_pool_200k(void)
{
    size_t n = 0, r, raw = 0;
    for (int i = 0; n < 200 * 1024; i++) {
        if (i % 5 == 0)
            n += (size_t)snprintf(big + n, sizeof big - n, ".line %06d starts with a dot\r\n", i);
        else
            n += (size_t)snprintf(big + n, sizeof big - n, "line %06d of a big message through a tiny pool %d\r\n", i,
                                  i * 7919);
    }
    r = (size_t)snprintf(big_raw, sizeof big_raw, "+OK %u octets\r\n", (unsigned)n);
    raw = r;
    for (size_t i = 0; i < n; i++) {
        if (big[i] == '.' && (i == 0 || big[i - 1] == '\n'))
            big_raw[raw++] = '.';
        big_raw[raw++] = big[i];
    }
    memcpy(big_raw + raw, ".\r\n", 3);
    raw += 3;
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 210000\r\n"), EXPECT("RETR 1"), SEND_BUF(big_raw, raw),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    UINT items = 0;
    ULONG total = 0, size = 0, el;
    P3_MSG m;
    p3_begin("hostile: a 3-packet client receive pool downloads a 200 KB message", s);
    p3_ip = &p3_small_ip;
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(500, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_EQ(size, n);
    CHECK_ST(TIMED(el, p3_read_message(got, sizeof got, &m)), NX_SUCCESS);
    CHECK_BYTES(got, m.total, big, n);
    CHECK_TICKS(el, 0, 1500);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
    p3_ip = &p3_client_ip;
}

/* A message read only partly, then the next command: the rest is drained. */
static void t_partial_read(void)
{
    static char raw[12000];
    static char body1[11000];
    size_t n = 0, r;
    while (n < 10000)
        n += (size_t)snprintf(body1 + n, sizeof body1 - n, "..stuffed and long line number %05u\r\n", (unsigned)n);
    r = (size_t)snprintf(raw, sizeof raw, "+OK %u octets\r\n", (unsigned)(n - n / 40));
    memcpy(raw + r, body1, n);
    memcpy(raw + r + n, ".\r\n", 3);
    ULONG total_raw = (ULONG)(r + n + 3);
    ULONG cuts[] = {(ULONG)r + 100, (ULONG)r + 3000, (ULONG)r + 6000, total_raw - 2};
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 2 10010\r\n"),
                   EXPECT("RETR 1"),
                   SEND_SPLIT_BUF(raw, total_raw, cuts, 4),
                   EXPECT("RETR 2"),
                   SEND("+OK 8 octets\r\nsecond\r\n.\r\n"),
                   EXPECT("RETR 1"),
                   SEND_BUF(raw, total_raw),
                   EXPECT("STAT"),
                   SEND("+OK 2 10010\r\n"),
                   END};
    UINT items = 0, final = 0;
    ULONG total = 0, size = 0, bytes = 0, el;
    NX_PACKET *p = NX_NULL;
    p3_begin("hostile: a message read only partly, then the next command", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, &final), NX_SUCCESS);
    CHECK_EQ(final, NX_FALSE);
    if (p != NX_NULL)
        nx_packet_release(p);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_item_get(&p3_client, 2, &size)), NX_SUCCESS);
    CHECK_TICKS(el, 0, 200);
    CHECK_EQ(size, 8);
    {
        P3_MSG m;
        CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
        CHECK_BYTES(got, m.total, "second\r\n", 8);
    }
    /* Again, with no message packet read at all. */
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_ST(TIMED(el, nx_pop3_client_mail_items_get(&p3_client, &items, &total)), NX_SUCCESS);
    CHECK_TICKS(el, 0, 200);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 10010);
    p3_end();
}

static void p3_tests(void)
{
    t_status_split_every_byte();
    t_long_line_600();
    t_line_limit();
    t_long_line_64k();
    t_okjunk();
    t_okjunk_greeting();
    t_huge_numbers();
    t_nul_in_reply();
    t_nul_in_greeting();
    t_nul_in_data();
    t_bare_lf();
    t_bare_lf_dot_crlf();
    t_dot_cr();
    t_bytes_after_terminator();
    t_fin_mid_reply();
    t_fin_after_greeting();
    t_fin_mid_message();
    t_rst_mid_message();
    t_silent();
    t_silent_mid_message();
    t_never_closes();
    t_small_pool_200k();
    t_partial_read();
}
