/* test_pop3_fetchext: the extensions a real client program needs (issue 8),
   against the scripted server:
   - nx_pop3_client_last_reply_get: the server's last status line, readable
     after a failed create and after delete;
   - nx_pop3_client_apop_fallback_set: APOP without the silent fallback to
     USER/PASS (NetX's fallback stays the default). */
#include "pop3_script.h"

static char reply[256];
static UINT reply_len;

static UINT last_reply(void)
{
    memset(reply, 'x', sizeof reply);
    reply_len = 0xDEAD;
    return nx_pop3_client_last_reply_get(&p3_client, reply, sizeof reply, &reply_len);
}

#define CHECK_REPLY(want)                                                                                         \
    do {                                                                                                          \
        CHECK_ST(last_reply(), NX_SUCCESS);                                                                       \
        CHECK_EQ(reply_len, strlen(want));                                                                        \
        CHECK_BYTES(reply, strlen(reply), want, strlen(want));                                                    \
    } while (0)

/* A refused password: create fails, the server's words stay readable. */
static void t_refused_password_text(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK\r\n"), EXPECT("PASS " P3_PASS),
                   SEND("-ERR [AUTH] Authentication failed.\r\n"), END};
    p3_begin("last reply: a refused password, read after the failed create", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_REPLY("-ERR [AUTH] Authentication failed.");
    CHECK_REPLY("-ERR [AUTH] Authentication failed."); /* reading does not consume it */
    /* Apart from the reply, the struct is zeroed as after any failed create. */
    {
        NX_POP3_CLIENT zero;
        memset(&zero, 0, sizeof zero);
        CHECK(memcmp(&p3_client, &zero, offsetof(NX_POP3_CLIENT, nx_pop3_client_private)) == 0);
    }
    p3_end();
}

/* Each command's reply replaces the previous one; split segments are joined;
   delete zeroes the struct, the reply too (contract: delete zeroes it). */
static void t_each_reply(void)
{
    P3_STEP s[] = {SEND_SPLIT(P3_GREETING, 3, 9), EXPECT("USER " P3_USER), SEND("+OK user accepted\r\n"),
                   EXPECT("PASS " P3_PASS), SEND_SPLIT("+OK mailbox locked\r\n", 1, 6, 19),
                   EXPECT("STAT"), SEND("+OK 2 320\r\n"), EXPECT("QUIT"), SEND("+OK bye\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("last reply: each status line, split segments joined, gone after delete", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_REPLY("+OK mailbox locked");
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_REPLY("+OK 2 320");
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    CHECK_REPLY("+OK bye");
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    p3_created = 0;
    CHECK_REPLY("");
    p3_end();
}

/* A line longer than the 127 bytes kept; a buffer smaller than the line. */
#define LONG_ERR "-ERR " "0123456789012345678901234567890123456789012345678901234567890123456789" \
                 "0123456789012345678901234567890123456789012345678901234567890123456789"
static void t_long_reply_and_small_buffer(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND_SPLIT(LONG_ERR "\r\n", 60, 130), END};
    char small[6];
    UINT n = 0;
    p3_begin("last reply: 127 bytes kept of a longer line; a small buffer gets its size - 1", s);
    CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(sizeof(LONG_ERR) - 1 > NX_POP3_CLIENT_LAST_REPLY_SIZE, 1);
    CHECK_ST(last_reply(), NX_SUCCESS);
    CHECK_EQ(reply_len, NX_POP3_CLIENT_LAST_REPLY_SIZE);
    CHECK_BYTES(reply, strlen(reply), LONG_ERR, NX_POP3_CLIENT_LAST_REPLY_SIZE);
    memset(small, 'x', sizeof small);
    CHECK_ST(nx_pop3_client_last_reply_get(&p3_client, small, sizeof small, &n), NX_SUCCESS);
    CHECK_EQ(n, 5);
    CHECK(strcmp(small, "-ERR ") == 0);
    CHECK_ST(nx_pop3_client_last_reply_get(&p3_client, small, 1, NX_NULL), NX_SUCCESS);
    CHECK_EQ(small[0], 0);
    p3_end();
}

/* A reply cut short by the reply timeout: what arrived is readable. */
static void t_partial_reply(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1"), SILENT(), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("last reply: the part of a reply that arrived before the timeout", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(p3_timeouts(30, 100), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_NO_PACKET);
    CHECK_REPLY("+OK 1");
    p3_end();
}

/* A connection refused (nothing listens): no reply, an empty string. */
static void t_no_reply(void)
{
    ULONG t0;
    p3_begin("last reply: empty when the connection is refused", NX_NULL);
    t0 = tx_time_get();
    CHECK_ST(nx_pop3_client_create(&p3_client, NX_FALSE, p3_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT + 1,
                                   (CHAR *)P3_USER, (CHAR *)P3_PASS),
             NX_NOT_CONNECTED);
    CHECK_TICKS(tx_time_get() - t0, 0, 2 * NX_IP_PERIODIC_RATE);
    CHECK_REPLY("");
    p3_end();
}

static void t_argument_checks(void)
{
    UINT n = 7;
    p3_begin("last reply / APOP fallback: argument checks", NX_NULL);
    CHECK_ST(nx_pop3_client_last_reply_get(NX_NULL, reply, sizeof reply, &n), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_last_reply_get(&p3_client, NX_NULL, 10, &n), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_last_reply_get(&p3_client, reply, 0, &n), NX_POP3_PARAM_ERROR);
    CHECK_ST(nx_pop3_client_apop_fallback_set(NX_NULL, NX_FALSE), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, 2), NX_POP3_PARAM_ERROR);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_TRUE), NX_SUCCESS);
    p3_end();
}

/* NetX's default is unchanged: APOP refused, USER/PASS follows. */
static void t_apop_fallback_default(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("-ERR APOP not allowed\r\n"), EXPECT("USER " P3_APOP_USER), SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS), SEND("+OK\r\n"), END};
    p3_begin("APOP refused: falls back to USER/PASS by default (NetX)", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    p3_end();
}

/* Fallback refused: APOP -ERR fails the create; nothing else is sent (the
   script server fails the case on any byte after the APOP line). */
static void t_apop_no_fallback_refused(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("-ERR [AUTH] Authentication failed.\r\n"), END};
    p3_begin("APOP refused without fallback: create fails, the password is never sent", s);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_FALSE), NX_SUCCESS);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_REPLY("-ERR [AUTH] Authentication failed.");
    p3_end();
}

/* Fallback refused and the greeting offers no APOP (no timestamp). */
static void t_apop_no_fallback_no_timestamp(void)
{
    P3_STEP s[] = {SEND("+OK no timestamp here\r\n"), END};
    p3_begin("APOP without fallback, greeting without timestamp: NX_POP3_APOP_FAILED_MD5_DIGEST", s);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_FALSE), NX_SUCCESS);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_POP3_APOP_FAILED_MD5_DIGEST);
    CHECK_REPLY("+OK no timestamp here");
    p3_end();
}

/* Fallback refused, APOP accepted: a normal session. */
static void t_apop_no_fallback_accepted(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("+OK maildrop locked\r\n"), EXPECT("STAT"), SEND("+OK 0 0\r\n"), END};
    UINT items = 9;
    ULONG total = 9;
    p3_begin("APOP without fallback, accepted: the session works", s);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_FALSE), NX_SUCCESS);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 0);
    p3_end();
}

/* Refused, then allowed again before create: the fallback is back. */
static void t_apop_fallback_reallowed(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("-ERR no\r\n"), EXPECT("USER " P3_APOP_USER), SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS), SEND("+OK\r\n"), END};
    p3_begin("APOP fallback refused then allowed again: falls back", s);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_FALSE), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_TRUE), NX_SUCCESS);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    p3_end();
}

/* A delete zeroes the struct, the switch included: the next create falls back. */
static void t_apop_switch_per_create(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("+OK\r\n"), END};
    P3_STEP s2[] = {SEND(P3_APOP_GREETING), EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                    SEND("-ERR no\r\n"), EXPECT("USER " P3_APOP_USER), SEND("+OK\r\n"),
                    EXPECT("PASS " P3_APOP_PASS), SEND("+OK\r\n"), END};
    p3_begin("APOP switch: applies to one create", s);
    CHECK_ST(nx_pop3_client_apop_fallback_set(&p3_client, NX_FALSE), NX_SUCCESS);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    p3_end();
    p3_begin("APOP switch: the next create after delete falls back again", s2);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    p3_end();
}

static void p3_tests(void)
{
    t_refused_password_text();
    t_each_reply();
    t_long_reply_and_small_buffer();
    t_partial_reply();
    t_no_reply();
    t_argument_checks();
    t_apop_fallback_default();
    t_apop_no_fallback_refused();
    t_apop_no_fallback_no_timestamp();
    t_apop_no_fallback_accepted();
    t_apop_fallback_reallowed();
    t_apop_switch_per_create();
}
