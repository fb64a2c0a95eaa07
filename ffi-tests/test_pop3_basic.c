/* test_pop3_basic: a normal session, the NetX regression situations (a mail
   in several packets; two mails with STAT, RETR, DELE, QUIT; the terminator
   alone in the last packet), APOP with the RFC 1939 vector and its
   fallbacks, and -ERR to each command. Against the scripted server. */
#include "pop3_script.h"

static void t_session(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 2 320\r\n"), EXPECT("LIST 2"), SEND("+OK 2 200\r\n"),
                   EXPECT("QUIT"), SEND("+OK bye\r\n"), END};
    UINT items = 0;
    ULONG total = 0, size = 0;
    p3_begin("session: login, STAT, LIST, QUIT", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 320);
    CHECK_EQ(p3_client.nx_pop3_client_maildrop_items, 2);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 320);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &size), NX_SUCCESS);
    CHECK_EQ(size, 200);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* NetX regression 1: a mail received in several packets. */
static void t_several_packets(void)
{
    static char body[4000 + 1];
    static char raw[4200];
    static char reply[64];
    size_t n = 0;
    for (int i = 0; n + 60 < sizeof body - 1; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "line %04d of a message sent in several packets\r\n", i);
    snprintf(reply, sizeof reply, "+OK %u octets\r\n", (unsigned)n);
    size_t r = strlen(reply);
    memcpy(raw, reply, r);
    memcpy(raw + r, body, n);
    memcpy(raw + r + n, ".\r\n", 3);
    ULONG total = (ULONG)(r + n + 3);
    ULONG cuts[] = {(ULONG)r, (ULONG)(r + 1000), (ULONG)(r + 2500), (ULONG)(r + 3900)};
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 4000\r\n"), EXPECT("RETR 1"),
                   SEND_SPLIT_BUF(raw, total, cuts, 4), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    static char got[8192];
    P3_MSG m;
    UINT items = 0;
    ULONG size = 0, octets = 0;
    p3_begin("NetX: a mail received in several packets", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &size), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_EQ(octets, n);
    CHECK_EQ(p3_client.nx_pop3_client_ready_to_download, NX_TRUE);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_BYTES(got, m.total, body, n);
    CHECK(m.packets >= 3);
    CHECK_EQ(m.finals, 1);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* NetX regression 2: two mails with STAT, RETR and DELE each, then QUIT. */
static void t_two_mails(void)
{
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 2 47\r\n"),
                   EXPECT("RETR 1"),
                   SEND("+OK 23 octets\r\nSubject: one\r\n\r\nfirst\r\n.\r\n"),
                   EXPECT("DELE 1"),
                   SEND("+OK message 1 deleted\r\n"),
                   EXPECT("RETR 2"),
                   SEND("+OK 24 octets\r\n"),
                   SLEEP(3),
                   SEND("Subject: two\r\n\r\nsecond\r\n.\r\n"),
                   EXPECT("DELE 2"),
                   SEND("+OK message 2 deleted\r\n"),
                   EXPECT("QUIT"),
                   SEND("+OK bye\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("NetX: two mails, STAT, RETR, DELE each, QUIT", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 47);
    p3_retr_expect(1, 23, "Subject: one\r\n\r\nfirst\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_SUCCESS);
    p3_retr_expect(2, 24, "Subject: two\r\n\r\nsecond\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 2), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* NetX regression 3: the terminator arrives alone in the last packet; the
   final packet reports 0 bytes. */
static void t_terminator_alone(void)
{
    P3_STEP s[] = {P3_LOGIN,         EXPECT("STAT"),  SEND("+OK 1 20\r\n"),
                   EXPECT("RETR 1"), SEND("+OK 20 octets\r\nSubject: x\r\n\r\nbody\r\n"),
                   SLEEP(60),        SEND(".\r\n"),   EXPECT("QUIT"),
                   SEND("+OK\r\n"),  END};
    static char got[256];
    P3_MSG m;
    UINT items = 0;
    ULONG total = 0, octets = 0;
    p3_begin("NetX: terminator alone in the last packet, final packet of 0 bytes", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &octets), NX_SUCCESS);
    CHECK_EQ(octets, 20);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_BYTES(got, m.total, "Subject: x\r\n\r\nbody\r\n", 20);
    CHECK_EQ(m.packets, 2);
    CHECK_EQ(m.last_len, 0);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* APOP with RFC 1939's example. */
static void t_apop_rfc(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("+OK maildrop has 1 message (369 octets)\r\n"), EXPECT("STAT"), SEND("+OK 1 369\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("APOP: RFC 1939 vector", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_enable_APOP_authentication, NX_TRUE);
    CHECK(strcmp(p3_client.nx_pop3_server_process_id, P3_APOP_STAMP) == 0);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    CHECK_EQ(total, 369);
    p3_end();
}

/* The same, through nxd_pop3_client_create with an NXD_ADDRESS. */
static void t_apop_nxd(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST), SEND("+OK\r\n"), END};
    NXD_ADDRESS a;
    memset(&a, 0, sizeof a);
    a.nxd_ip_version = NX_IP_VERSION_V4;
    a.nxd_ip_address.v4 = P3_SERVER_ADDRESS;
    p3_begin("APOP: RFC 1939 vector through nxd_pop3_client_create", s);
    UINT st = nxd_pop3_client_create(&p3_client, NX_TRUE, &p3_client_ip, &p3_cmd_pool, &a, P3_PORT,
                                     (CHAR *)P3_APOP_USER, (CHAR *)P3_APOP_PASS);
    CHECK_ST(st, NX_SUCCESS);
    p3_created = st == NX_SUCCESS;
    p3_end();
}

static void t_apop_err_fallback(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING),
                   EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("-ERR permission denied\r\n"),
                   EXPECT("USER " P3_APOP_USER),
                   SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS),
                   SEND("+OK\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 0 0\r\n"),
                   END};
    UINT items = 9;
    ULONG total = 9;
    p3_begin("APOP answered -ERR falls back to USER/PASS", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 0);
    CHECK_EQ(total, 0);
    p3_end();
}

static void t_apop_no_timestamp(void)
{
    P3_STEP s[] = {SEND("+OK POP3 server ready, no timestamp here\r\n"),
                   EXPECT("USER " P3_APOP_USER),
                   SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS),
                   SEND("+OK\r\n"),
                   END};
    p3_begin("APOP asked for, no timestamp: USER/PASS and the APOP flag cleared", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_enable_APOP_authentication, NX_FALSE);
    CHECK_EQ(p3_client.nx_pop3_server_process_id[0], 0);
    p3_end();
}

static void t_apop_not_asked(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("USER " P3_APOP_USER), SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS), SEND("+OK\r\n"), END};
    p3_begin("APOP not asked for, timestamp present: USER/PASS", s);
    CHECK_ST(p3_create_as(NX_FALSE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_enable_APOP_authentication, NX_FALSE);
    p3_end();
}

/* The first timestamp of the greeting is the one used. */
static void t_apop_two_stamps(void)
{
    P3_STEP s[] = {SEND("+OK ready <1.2@x> and <3.4@y>\r\n"),
                   EXPECT("APOP " P3_APOP_USER " bb4c18526537e9d451a5b17b0ba7b221"), SEND("+OK\r\n"), END};
    p3_begin("APOP: the greeting's first timestamp is used", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK(strcmp(p3_client.nx_pop3_server_process_id, "<1.2@x>") == 0);
    p3_end();
}

/* The longest timestamp that fits NX_POP3_SERVER_PROCESS_ID_SIZE (75 bytes,
   brackets included) is used; one byte more and there is no usable timestamp: USER/PASS, flag cleared. */
#define STAMP73 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
static void t_apop_long_stamps(void)
{
    P3_STEP s[] = {SEND("+OK ready <" STAMP73 ">\r\n"),
                   EXPECT("APOP " P3_APOP_USER " 6d5b73ef899817ef16f108d3a1d131c6"),
                   SEND("+OK\r\n"),
                   END};
    P3_STEP s2[] = {SEND("+OK ready <a" STAMP73 ">\r\n"), EXPECT("USER " P3_APOP_USER), SEND("+OK\r\n"),
                    EXPECT("PASS " P3_APOP_PASS), SEND("+OK\r\n"), END};
    _Static_assert(sizeof("<" STAMP73 ">") - 1 == NX_POP3_SERVER_PROCESS_ID_SIZE, "75 bytes with brackets");
    p3_begin("APOP: a 75-byte timestamp (brackets included) is used", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    p3_end();
    p3_begin("APOP: a timestamp too long for the field: USER/PASS, APOP flag cleared", s2);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_enable_APOP_authentication, NX_FALSE);
    p3_end();
}

static void t_err_greeting(void)
{
    P3_STEP s[] = {SEND("-ERR go away\r\n"), END};
    p3_begin("-ERR greeting: create fails with NX_POP3_SERVER_ERROR_STATUS", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(p3_created, 0);
    /* The failed create left nothing; the delete NetX programs call next
       succeeds (as in NetX), a further one is refused. */
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
    p3_end();
}

static void t_err_user(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("-ERR no such user\r\n"), END};
    p3_begin("-ERR to USER: create fails with NX_POP3_SERVER_ERROR_STATUS", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

static void t_err_pass(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK\r\n"), EXPECT("PASS " P3_PASS),
                   SEND("-ERR invalid password\r\n"), END};
    p3_begin("-ERR to PASS: create fails with NX_POP3_SERVER_ERROR_STATUS", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
    p3_end();
}

static void t_err_commands(void)
{
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 3 300\r\n"),
                   EXPECT("RETR 1"),
                   SEND("-ERR no such message\r\n"),
                   EXPECT("LIST 2"),
                   SEND("-ERR no such message\r\n"),
                   EXPECT("DELE 3"),
                   SEND("-ERR message 3 already deleted\r\n"),
                   EXPECT("STAT"),
                   SEND("-ERR\r\n"),
                   EXPECT("LIST 1"),
                   SEND("+OK 1 100\r\n"),
                   EXPECT("QUIT"),
                   SEND("-ERR some deleted messages not removed\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0, size = 7;
    NX_PACKET *p = (NX_PACKET *)(uintptr_t)1;
    ULONG bytes = 7;
    UINT final = 7;
    p3_begin("-ERR to RETR, LIST, DELE, STAT, QUIT; the session goes on", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(size, 0);
    CHECK_EQ(p3_client.nx_pop3_client_ready_to_download, NX_FALSE);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, &final), NX_POP3_CLIENT_INVALID_STATE);
    CHECK(p == NX_NULL);
    size = 7;
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &size), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(size, 0);
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 3), NX_POP3_SERVER_ERROR_STATUS);
    items = 7;
    total = 7;
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(items, 0);
    CHECK_EQ(total, 0);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_EQ(size, 100);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

static void t_list_other_index(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 3 300\r\n"), EXPECT("LIST 2"), SEND("+OK 3 120\r\n"),
                   EXPECT("LIST 2"), SEND("+OK 2 120\r\n"), END};
    UINT items = 0;
    ULONG total = 0, size = 7;
    p3_begin("LIST reply naming another index: NX_POP3_INVALID_MAIL_ITEM", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_EQ(size, 0);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &size), NX_SUCCESS);
    CHECK_EQ(size, 120);
    p3_end();
}

static void t_retr_no_octets(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 7\r\n"), EXPECT("RETR 1"), SEND("+OK here it comes\r\nhello\r\n.\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("RETR reply without an octet count: item_size 0, message delivered", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_retr_expect(1, 0, "hello\r\n");
    p3_end();
}

/* QUIT, then the server closes first: delete is quick and clean. */
static void t_quit_then_close(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("QUIT"), SEND("+OK bye\r\n"), CLOSE(), END};
    p3_begin("QUIT answered, then the server closes: delete is quick", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    tx_thread_sleep(10);
    p3_delete_max = 100;
    p3_end();
}

/* A whole message followed at once by the server's FIN: the message is
   delivered whole; only the next command sees the closed connection. */
static void t_message_then_fin(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 7\r\n"), EXPECT("RETR 1"),
                   SEND("+OK 7 octets\r\nhello\r\n.\r\n"), CLOSE(), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("a message followed at once by FIN is delivered whole", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    tx_thread_sleep(1);
    p3_retr_expect(1, 7, "hello\r\n");
    tx_thread_sleep(10);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_NOT_CONNECTED);
    p3_end();
}

static void p3_tests(void)
{
    t_session();
    t_several_packets();
    t_two_mails();
    t_terminator_alone();
    t_apop_rfc();
    t_apop_nxd();
    t_apop_err_fallback();
    t_apop_no_timestamp();
    t_apop_not_asked();
    t_apop_two_stamps();
    t_apop_long_stamps();
    t_err_greeting();
    t_err_user();
    t_err_pass();
    t_err_commands();
    t_list_other_index();
    t_retr_no_octets();
    t_quit_then_close();
    t_message_then_fin();
}
