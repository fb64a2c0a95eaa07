/* test_pop3_better: each item of docs/COMPAT.md "Deliberately better"
   (the connection is a byte stream, whatever the
   segmentation). Against the scripted server. */
#include "pop3_script.h"

/* 1. A reply line split over several segments: greeting, USER/PASS answers, STAT. */
static void t_reply_split(void)
{
    P3_STEP s[] = {SEND_SPLIT(P3_GREETING, 1, 3, 4, 10),
                   EXPECT("USER " P3_USER),
                   SEND_SPLIT("+OK user accepted\r\n", 3, 18),
                   EXPECT("PASS " P3_PASS),
                   SEND_SPLIT("+OK mailbox locked\r\n", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19),
                   EXPECT("STAT"),
                   SEND_SPLIT("+OK 12 34567\r\n", 4, 5, 7, 12, 13),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("a reply line split over several segments", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 12);
    CHECK_EQ(total, 34567);
    p3_end();
}

/* 1. Several replies in one segment: the USER and PASS answers sent together
   before PASS is asked. */
static void t_two_replies_one_segment(void)
{
    P3_STEP s[] = {SEND(P3_GREETING),
                   EXPECT("USER " P3_USER),
                   SEND("+OK user accepted\r\n+OK mailbox locked\r\n"),
                   EXPECT("PASS " P3_PASS),
                   EXPECT("STAT"),
                   SEND("+OK 1 10\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("several replies in one segment (USER and PASS answers together)", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    CHECK_EQ(total, 10);
    p3_end();
}

/* 1. The greeting and the USER answer in one segment, sent at once. */
static void t_greeting_and_user_reply(void)
{
    P3_STEP s[] = {SEND(P3_GREETING "+OK user accepted\r\n"), EXPECT("USER " P3_USER), EXPECT("PASS " P3_PASS),
                   SEND("+OK\r\n"), END};
    p3_begin("greeting and the USER answer in one segment", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    p3_end();
}

/* 1. A reply plus message data in one segment. */
static void t_reply_and_data(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 13\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 13 octets\r\nhello world\r\n.\r\n"), EXPECT("STAT"), SEND("+OK 1 13\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("a reply plus the whole message in one segment", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect(1, 13, "hello world\r\n");
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    p3_end();
}

/* 2. The terminator CRLF.CRLF split at every byte position between two
   segments (and every other position of the exchange): the message ends
   promptly, well before the reply timeout. */
#define SPLIT_RAW "+OK 20 octets\r\nline one\r\nline two\r\n.\r\n"
#define SPLIT_BODY "line one\r\nline two\r\n"
static void t_terminator_split_everywhere(void)
{
    enum { N = sizeof(SPLIT_RAW) - 1 };
    static ULONG cuts[N];
    static P3_STEP s[5 + 1 + 2 * N + 1];
    static char retr[N][24];
    int k = 0;
    P3_STEP login[] = {P3_LOGIN};
    for (size_t i = 0; i < sizeof login / sizeof login[0]; i++)
        s[k++] = login[i];
    s[k++] = (P3_STEP)EXPECT("STAT");
    s[k++] = (P3_STEP)SEND("+OK 40 800\r\n");
    for (ULONG pos = 1; pos < N; pos++) {
        cuts[pos] = pos;
        snprintf(retr[pos], sizeof retr[pos], "RETR %lu", (unsigned long)pos);
        s[k++] = (P3_STEP)EXPECT_STR(retr[pos]);
        s[k++] = (P3_STEP)SEND_SPLIT_BUF(SPLIT_RAW, N, &cuts[pos], 1);
    }
    s[k++] = (P3_STEP)END;
    UINT items = 0;
    ULONG total = 0;
    p3_begin("terminator (and the whole RETR exchange) split at every byte between two segments", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(500, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    for (UINT pos = 1; pos < N && !p3_case_failed; pos++) {
        ULONG t0 = tx_time_get();
        p3_retr_expect(pos, 20, SPLIT_BODY);
        ULONG el = tx_time_get() - t0;
        if (el > 100)
            p3_fail(__LINE__, "split at %u: the message took %lu ticks (reply timeout 500)", pos, (unsigned long)el);
    }
    p3_end();
}

/* 2. The terminator split over three segments at every pair of positions. */
static void t_terminator_three_pieces(void)
{
    /* body "abc\r\n", terminator ".\r\n" after it: cut inside the last 5 bytes. */
    static const char raw[] = "+OK 5 octets\r\nabc\r\n.\r\n";
    enum { N = sizeof(raw) - 1, T = N - 5 };
    static ULONG cuts[16][2];
    static P3_STEP s[5 + 2 + 2 * 16 + 1];
    static char retr[16][24];
    int k = 0, m = 0;
    P3_STEP login[] = {P3_LOGIN};
    for (size_t i = 0; i < sizeof login / sizeof login[0]; i++)
        s[k++] = login[i];
    s[k++] = (P3_STEP)EXPECT("STAT");
    s[k++] = (P3_STEP)SEND("+OK 16 80\r\n");
    for (ULONG a = T; a < N; a++)
        for (ULONG b = a + 1; b < N; b++) {
            cuts[m][0] = a;
            cuts[m][1] = b;
            snprintf(retr[m], sizeof retr[m], "RETR %d", m + 1);
            s[k++] = (P3_STEP)EXPECT_STR(retr[m]);
            s[k++] = (P3_STEP)SEND_SPLIT_BUF(raw, N, cuts[m], 2);
            m++;
        }
    s[k++] = (P3_STEP)END;
    UINT items = 0;
    ULONG total = 0;
    p3_begin("terminator split over three segments at every pair of positions", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(500, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    for (int i = 0; i < m && !p3_case_failed; i++) {
        ULONG t0 = tx_time_get();
        p3_retr_expect((UINT)i + 1, 5, "abc\r\n");
        CHECK_TICKS(tx_time_get() - t0, 0, 100);
    }
    p3_end();
}

/* 1. The APOP greeting (with its timestamp) split at every byte: the
   timestamp is found wherever the segment boundary falls. One connection
   per position. */
static void t_apop_greeting_split(void)
{
    static const char g[] = P3_APOP_GREETING;
    enum { N = sizeof(g) - 1 };
    static ULONG cuts[N];
    int failed_at = 0;
    for (ULONG pos = 1; pos < N; pos++) {
        char name[96];
        cuts[pos] = pos;
        P3_STEP s[] = {SEND_SPLIT_BUF(g, N, &cuts[pos], 1), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                       SEND("+OK\r\n"), END};
        snprintf(name, sizeof name, "APOP greeting split at byte %lu of %d", (unsigned long)pos, (int)N);
        p3_begin(name, s);
        CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
        CHECK(strcmp(p3_client.nx_pop3_server_process_id, P3_APOP_STAMP) == 0);
        if (p3_case_failed && !failed_at)
            failed_at = (int)pos;
        p3_end();
    }
    (void)failed_at;
}

/* 3. Dot-stuffing is undone. */
static void t_dot_unstuffing(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 49\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 49 octets\r\n"
                        "..x\r\n"
                        "...\r\n"
                        "..\r\n"
                        "a..b\r\n"
                        ".. not the end\r\n"
                        "....four\r\n"
                        " .x\r\n"
                        "..\r\n"
                        ".\r\n"),
                   END};
    static const char want[] = ".x\r\n"
                               "..\r\n"
                               ".\r\n"
                               "a..b\r\n"
                               ". not the end\r\n"
                               "...four\r\n"
                               " .x\r\n"
                               ".\r\n";
    UINT items = 0;
    ULONG total = 0;
    p3_begin("dot-unstuffing: ..x -> .x, .. -> ., a..b untouched", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(sizeof(want) - 1, 49);
    p3_retr_expect(1, 49, want);
    p3_end();
}

/* 4. bytes_retrieved == nx_packet_length on every packet (p3_read_message
   checks it), the sum == the octet count, the terminator line never
   delivered: a 30 KB dot-stuffed message in many segments. */
static void t_sizes_big_stuffed(void)
{
    static char body[30000];
    static char raw[32000];
    static char reply[64];
    static char got[32000];
    size_t n = 0, r = 0, stuffed = 0;
    for (int i = 0; n + 80 < sizeof body; i++) {
        if (i % 3 == 0)
            n += (size_t)snprintf(body + n, sizeof body - n, ".dotted line %d\r\n", i);
        else if (i % 7 == 0)
            n += (size_t)snprintf(body + n, sizeof body - n, ".\r\n");
        else
            n += (size_t)snprintf(body + n, sizeof body - n, "plain line %d with some text in it\r\n", i);
    }
    r = (size_t)snprintf(reply, sizeof reply, "+OK %u octets\r\n", (unsigned)n);
    memcpy(raw, reply, r);
    stuffed = r;
    for (size_t i = 0; i < n; i++) {
        if (body[i] == '.' && (i == 0 || body[i - 1] == '\n'))
            raw[stuffed++] = '.';
        raw[stuffed++] = body[i];
    }
    memcpy(raw + stuffed, ".\r\n", 3);
    stuffed += 3;
    ULONG cuts[] = {7, 100, 1461, 2921, 5000, 5001, 5002, 9000, 20000, (ULONG)stuffed - 4, (ULONG)stuffed - 2};
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 30000\r\n"), EXPECT("RETR 1"),
                   SEND_SPLIT_BUF(raw, stuffed, cuts, sizeof cuts / sizeof cuts[0]), EXPECT("QUIT"),
                   SEND("+OK\r\n"), END};
    P3_MSG m;
    UINT items = 0;
    ULONG total = 0, octets = 0;
    p3_begin("bytes_retrieved == packet length, sum == octet count (30 KB, dot-stuffed)", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_EQ(octets, n);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_EQ(m.total, octets);
    CHECK_BYTES(got, m.total, body, n);
    CHECK(m.packets > 5);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* 4. An empty message: the final packet holds 0 bytes; and a message whose
   only line is a stuffed dot. */
static void t_empty_message(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 2 3\r\n"), EXPECT("RETR 1"), SEND("+OK 0 octets\r\n.\r\n"),
                   EXPECT("RETR 2"), SEND("+OK 3 octets\r\n"), SLEEP(5), SEND("..\r\n"), SLEEP(5), SEND(".\r\n"), END};
    static char got[64];
    P3_MSG m;
    UINT items = 0;
    ULONG total = 0, octets = 9;
    p3_begin("an empty message (final packet of 0 bytes); a message that is one stuffed dot", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_EQ(octets, 0);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_EQ(m.total, 0);
    CHECK_EQ(m.packets, 1);
    p3_retr_expect(2, 3, ".\r\n");
    p3_end();
}

/* 7. A stuffed line split so that a segment is exactly "." CRLF is not the end. */
static void t_dotdot_split(void)
{
    static const char raw1[] = "+OK 9 octets\r\na\r\n..\r\nb\r\n.\r\n";
    /* cut after "a\r\n." and after the next ".\r\n": the middle segment is exactly ".\r\n" */
    static const ULONG c1[] = {18, 21};
    static const char raw2[] = "+OK 9 octets\r\na\r\n..\r\nb\r\n.\r\n";
    /* cut after "a\r\n.": the second segment starts with ".\r\n" */
    static const ULONG c2[] = {18};
    static const char raw3[] = "+OK 3 octets\r\n..\r\n.\r\n";
    /* the message is one stuffed line: the segments are "." and ".\r\n" then ".\r\n" */
    static const ULONG c3[] = {15, 18};
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 3 21\r\n"),
                   EXPECT("RETR 1"),
                   SEND_SPLIT_BUF(raw1, sizeof raw1 - 1, c1, 2),
                   EXPECT("RETR 2"),
                   SEND_SPLIT_BUF(raw2, sizeof raw2 - 1, c2, 1),
                   EXPECT("RETR 3"),
                   SEND_SPLIT_BUF(raw3, sizeof raw3 - 1, c3, 2),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("a .. line split into . and . CRLF is not the end of the message", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(300, 300), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect(1, 9, "a\r\n.\r\nb\r\n");
    p3_retr_expect(2, 9, "a\r\n.\r\nb\r\n");
    p3_retr_expect(3, 3, ".\r\n");
    p3_end();
}

/* 6. CR or LF in the user name or the password: NX_POP3_PARAM_ERROR, nothing sent. */
static void t_crlf_in_credentials(void)
{
    static const char *names[] = {"us\rer", "us\ner", "user\r\n", "\r", "user\r\nSTAT"};
    P3_STEP s[] = {NO_CONNECT(), END};
    p3_begin("CR or LF in user name or password: NX_POP3_PARAM_ERROR, no connection", s);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_ST(p3_create_as(NX_FALSE, names[i], P3_PASS), NX_POP3_PARAM_ERROR);
        CHECK_ST(p3_create_as(NX_FALSE, P3_USER, names[i]), NX_POP3_PARAM_ERROR);
        CHECK_ST(p3_create_as(NX_TRUE, names[i], P3_PASS), NX_POP3_PARAM_ERROR);
        CHECK_ST(p3_create_as(NX_TRUE, P3_USER, names[i]), NX_POP3_PARAM_ERROR);
    }
    CHECK_EQ(p3_created, 0);
    /* Delete after the failed creates: NX_SUCCESS once (as NetX), then refused. */
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
    p3_end();
}

/* 8. Every packet back on every path: a message left half-read, then delete
   (p3_end checks every pool). */
static void t_delete_mid_message(void)
{
    static char raw[6000];
    size_t n = 0;
    n += (size_t)snprintf(raw, sizeof raw, "+OK 5000 octets\r\n");
    while (n < 5000)
        n += (size_t)snprintf(raw + n, sizeof raw - n, "0123456789012345678901234567890123456789\r\n");
    ULONG cuts[] = {1000, 2000, 3000, 4000};
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 5000\r\n"), EXPECT("RETR 1"),
                   SEND_SPLIT_BUF(raw, n, cuts, 4), ANY_TAIL(), END};
    UINT items = 0;
    ULONG total = 0, octets = 0, bytes = 0;
    UINT final = 0;
    NX_PACKET *p = NX_NULL;
    p3_begin("delete in the middle of a message: every packet back", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, &final), NX_SUCCESS);
    CHECK_EQ(final, NX_FALSE);
    if (p != NX_NULL)
        nx_packet_release(p);
    tx_thread_sleep(15); /* more data arrives and is held by the client */
    p3_end();
}

static void p3_tests(void)
{
    t_reply_split();
    t_two_replies_one_segment();
    t_greeting_and_user_reply();
    t_apop_greeting_split();
    t_reply_and_data();
    t_terminator_split_everywhere();
    t_terminator_three_pieces();
    t_dot_unstuffing();
    t_sizes_big_stuffed();
    t_empty_message();
    t_dotdot_split();
    t_crlf_in_credentials();
    t_delete_mid_message();
}
