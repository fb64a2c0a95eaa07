/* test_pop3_ext: the issue 12 services against the scripted server:
   CAPA (flags, values, raw lines), NOOP, RSET, UIDL n, the LIST and UIDL
   walks (10,000 entries, bad lines, bad unique-ids, a walk cut by FIN),
   TOP with dot lines, response codes, and RETR commands sent ahead
   (PIPELINING) with the replies coalesced and split. */
#include "pop3_script.h"

#define CAPA_LINES                                                                                                \
    "TOP\r\nUSER\r\nUIDL\r\nSASL PLAIN LOGIN X-FOO\r\nRESP-CODES\r\nPIPELINING\r\nLOGIN-DELAY 900 USER\r\n"        \
    "EXPIRE NEVER\r\nIMPLEMENTATION Test server 1.0\r\nX-UNKNOWN yes\r\n"
#define CAPA_RAW                                                                                                  \
    "TOP\nUSER\nUIDL\nSASL PLAIN LOGIN X-FOO\nRESP-CODES\nPIPELINING\nLOGIN-DELAY 900 USER\nEXPIRE NEVER\n"       \
    "IMPLEMENTATION Test server 1.0\nX-UNKNOWN yes\n"
#define CAPA_REPLY "+OK Capability list follows\r\n" CAPA_LINES ".\r\n"

static char lines[1024];

static UINT stat_ok(void)
{
    UINT items = 0;
    ULONG size = 0;
    return nx_pop3_client_mail_items_get(&p3_client, &items, &size);
}

static void t_capa(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("CAPA"), SEND_SPLIT(CAPA_REPLY, 1, 30, 31, 60, 100, 150, 170, 176, 177, 179),
                   EXPECT("CAPA"), SEND(CAPA_REPLY), EXPECT("QUIT"), SEND("+OK bye\r\n"), END};
    NX_POP3_CAPABILITIES caps;
    UINT len = 0;
    p3_begin("CAPA: flags, SASL, LOGIN-DELAY, EXPIRE, raw lines, split anywhere", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    memset(&caps, 0xAA, sizeof caps);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, lines, sizeof lines, &len), NX_SUCCESS);
    CHECK_EQ(caps.nx_pop3_capabilities_flags,
             NX_POP3_CAPA_TOP | NX_POP3_CAPA_USER | NX_POP3_CAPA_UIDL | NX_POP3_CAPA_SASL | NX_POP3_CAPA_RESP_CODES |
                 NX_POP3_CAPA_PIPELINING | NX_POP3_CAPA_LOGIN_DELAY | NX_POP3_CAPA_EXPIRE |
                 NX_POP3_CAPA_IMPLEMENTATION | NX_POP3_CAPA_OTHER);
    CHECK_EQ(caps.nx_pop3_capabilities_sasl, NX_POP3_SASL_PLAIN | NX_POP3_SASL_LOGIN | NX_POP3_SASL_OTHER);
    CHECK_EQ(caps.nx_pop3_capabilities_login_delay, 900);
    CHECK_EQ(caps.nx_pop3_capabilities_expire, NX_POP3_EXPIRE_NEVER);
    CHECK_EQ(caps.nx_pop3_capabilities_per_user, NX_POP3_CAPA_LOGIN_DELAY_PER_USER);
    CHECK_EQ(len, strlen(CAPA_RAW));
    CHECK_BYTES(lines, strlen(lines), CAPA_RAW, strlen(CAPA_RAW));
    /* A small buffer: whole lines only, the length says how much there was. */
    memset(lines, 'x', sizeof lines);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, lines, 20, &len), NX_SUCCESS);
    CHECK_EQ(len, strlen(CAPA_RAW));
    CHECK_BYTES(lines, strlen(lines), "TOP\nUSER\nUIDL\n", 14);
    CHECK(lines[20] == 'x');
    CHECK_EQ(caps.nx_pop3_capabilities_login_delay, 900);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_capa_errors(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("CAPA"), SEND("-ERR unknown command\r\n"), EXPECT("NOOP"), SEND("+OK\r\n"),
                   EXPECT("CAPA"), SEND("+OK\r\nTOP\r\nLOGIN-DELAY soon\r\nUIDL\r\n.\r\n"), EXPECT("RSET"),
                   SEND("+OK\r\n"), EXPECT("NOOP"), SEND("-ERR [SYS/TEMP] try later\r\n"), END};
    NX_POP3_CAPABILITIES caps;
    UINT len = 7, code = 99;
    p3_begin("CAPA: -ERR, a malformed line (the session goes on); NOOP, RSET, response code", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(caps.nx_pop3_capabilities_flags, 0);
    CHECK_EQ(caps.nx_pop3_capabilities_expire, NX_POP3_EXPIRE_UNKNOWN);
    CHECK_EQ(len, 0);
    CHECK_ST(nx_pop3_client_noop(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, lines, sizeof lines, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(caps.nx_pop3_capabilities_flags, NX_POP3_CAPA_TOP); /* the good line before the bad one */
    CHECK_ST(nx_pop3_client_rset(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_noop(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_last_reply_code_get(&p3_client, &code), NX_SUCCESS);
    CHECK_EQ(code, NX_POP3_RESP_CODE_SYS_TEMP);
    p3_end();
}

/* Response codes after a failed create, and none on an ordinary reply. */
static void t_resp_codes(void)
{
    static const struct {
        const char *reply;
        UINT code;
    } cases[] = {
        {"-ERR [IN-USE] mailbox locked\r\n", NX_POP3_RESP_CODE_IN_USE},
        {"-ERR [AUTH] Authentication failed.\r\n", NX_POP3_RESP_CODE_AUTH},
        {"-ERR [LOGIN-DELAY] wait\r\n", NX_POP3_RESP_CODE_LOGIN_DELAY},
        {"-ERR [SYS/PERM] gone\r\n", NX_POP3_RESP_CODE_SYS_PERM},
        {"-ERR [SYS] hmm\r\n", NX_POP3_RESP_CODE_SYS},
        {"-ERR [X-OTHER] hmm\r\n", NX_POP3_RESP_CODE_OTHER},
        {"-ERR wrong password\r\n", NX_POP3_RESP_CODE_NONE},
        {"-ERR [IN-USE mailbox locked\r\n", NX_POP3_RESP_CODE_NONE},
    };
    for (UINT i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK\r\n"), EXPECT("PASS " P3_PASS),
                       {P3_OP_SEND, cases[i].reply, (ULONG)strlen(cases[i].reply), 0, NULL, 0}, END};
        UINT code = 99;
        static char names[8][96];
        char *name = names[i];
        snprintf(name, sizeof names[0], "response code after a failed create: %.40s", cases[i].reply);
        name[strcspn(name, "\r")] = 0;
        p3_begin(name, s);
        CHECK_ST(p3_login(), NX_POP3_SERVER_ERROR_STATUS);
        CHECK_ST(nx_pop3_client_last_reply_code_get(&p3_client, &code), NX_SUCCESS);
        CHECK_EQ(code, cases[i].code);
        p3_end();
    }
}

/* ---------------------------------------------------------------- walks */

#define BIG_N 10000
static char big[BIG_N * 40 + 64];

static void t_uidl_walk_10000(void)
{
    ULONG n = 0;
    n += (ULONG)sprintf(big + n, "+OK %d messages\r\n", BIG_N);
    for (int i = 1; i <= BIG_N; i++)
        n += (ULONG)sprintf(big + n, "%d %s%05d\r\n", i, i % 7 == 0 ? ".dot-uid-" : "uid-", i);
    n += (ULONG)sprintf(big + n, ".\r\n");
    P3_STEP s[] = {P3_LOGIN, EXPECT("UIDL"), SEND_BUF(big, n), EXPECT("NOOP"), SEND("+OK\r\n"), EXPECT("QUIT"),
                   SEND("+OK\r\n"), END};
    char uid[NX_POP3_MAX_UID + 1], want[32];
    UINT index = 0, len = 0, count = 0, st;
    p3_begin("UIDL walk: 10,000 entries one per call", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_start(&p3_client), NX_SUCCESS);
    while ((st = nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len)) == NX_SUCCESS) {
        count++;
        /* A '.' inside a line is no stuffing: the unique-id keeps it. */
        snprintf(want, sizeof want, "%s%05u", count % 7 == 0 ? ".dot-uid-" : "uid-", count);
        if (index != count || len != strlen(want) || strcmp(uid, want) != 0) {
            p3_fail(__LINE__, "entry %u: index %u uid '%s' (%u)", count, index, uid, len);
            break;
        }
    }
    CHECK_ST(st, NX_NO_MORE_ENTRIES);
    CHECK_EQ(count, BIG_N);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_POP3_CLIENT_INVALID_STATE);
    CHECK_ST(nx_pop3_client_noop(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_list_walk_split_and_bad(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("LIST"), SEND_SPLIT("+OK 3 messages\r\n1 120\r\n2 200 extra\r\n3 5\r\n.\r\n", 5, 17, 18, 25, 30, 40, 43),
                   EXPECT("LIST"), SEND("+OK\r\n1 120\r\n2 x200\r\n3 5\r\n.\r\n"), EXPECT("LIST"),
                   SEND("+OK\r\n2 120\r\n1 200\r\n.\r\n"), EXPECT("LIST"), SEND("+OK\r\n1 1\r\n2 2\r\n3 3\r\n.\r\n"),
                   EXPECT("NOOP"), SEND("+OK\r\n"), EXPECT("LIST"), SEND("-ERR [SYS/TEMP] busy\r\n"), END};
    UINT index = 0;
    ULONG size = 0;
    p3_begin("LIST walk: split anywhere, a bad line, out of order, abandoned mid-way", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_POP3_CLIENT_INVALID_STATE);
    CHECK_ST(nx_pop3_client_list_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK(index == 1 && size == 120);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK(index == 2 && size == 200);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK(index == 3 && size == 5);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_NO_MORE_ENTRIES);
    /* A malformed line: error, then the end of the listing, then the session goes on. */
    CHECK_ST(nx_pop3_client_list_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_POP3_SERVER_ERROR_STATUS);
    CHECK(index == 0 && size == 0);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_NO_MORE_ENTRIES);
    /* Out of order. */
    CHECK_ST(nx_pop3_client_list_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_POP3_SERVER_ERROR_STATUS);
    /* Abandoned walks: the next command skips the rest. */
    CHECK_ST(nx_pop3_client_list_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_next(&p3_client, &index, &size), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_noop(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_list_start(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

static void t_bad_uids(void)
{
    static char long_uid[200];
    memset(long_uid, 0, sizeof long_uid);
    strcpy(long_uid, "+OK\r\n1 ");
    memset(long_uid + 7, 'a', 71);
    strcat(long_uid, "\r\n2 ok\r\n.\r\n");
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 3 300\r\n"),
                   EXPECT("UIDL 1"), SEND("+OK 1 abc\x7f" "def\r\n"),
                   EXPECT("UIDL 2"), SEND("+OK 2 abc def\r\n"),
                   EXPECT("UIDL 3"), SEND("+OK 2 abcdef\r\n"),
                   EXPECT("UIDL 3"), SEND("-ERR [IN-USE] no such message\r\n"),
                   EXPECT("UIDL 3"), SEND("+OK 3 0123456789\r\n"),
                   EXPECT("UIDL 3"), SEND("+OK 3 0123456789\r\n"),
                   EXPECT("UIDL"), SEND_BUF(long_uid, strlen(long_uid)),
                   EXPECT("UIDL"), SEND("+OK\r\n1 a\x01z\r\n2 ok\r\n.\r\n"),
                   EXPECT("UIDL"), SEND("+OK\r\n1 0123456789\r\n2 ok\r\n.\r\n"),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    char uid[NX_POP3_MAX_UID + 1];
    UINT len = 99, index = 0, code = 0;
    p3_begin("UIDL: bad unique-ids are server errors; a unique-id too long for the buffer is never cut", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 1, uid, sizeof uid, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK(len == 0 && uid[0] == 0);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 2, uid, sizeof uid, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 3, uid, sizeof uid, &len), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 3, uid, sizeof uid, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_last_reply_code_get(&p3_client, &code), NX_SUCCESS);
    CHECK_EQ(code, NX_POP3_RESP_CODE_IN_USE);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 3, uid, 10, &len), NX_SIZE_ERROR);
    CHECK(len == 0 && uid[0] == 0);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 3, uid, 11, &len), NX_SUCCESS);
    CHECK(len == 10 && strcmp(uid, "0123456789") == 0);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 0, uid, 11, &len), NX_POP3_CLIENT_INVALID_INDEX);
    CHECK_ST(nx_pop3_client_mail_item_uidl_get(&p3_client, 4, uid, 11, &len), NX_POP3_INVALID_MAIL_ITEM);
    /* In walks: 71 bytes, a control byte, a buffer too small. */
    CHECK_ST(nx_pop3_client_uidl_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_NO_MORE_ENTRIES);
    CHECK_ST(nx_pop3_client_uidl_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_NO_MORE_ENTRIES);
    CHECK_ST(nx_pop3_client_uidl_start(&p3_client), NX_SUCCESS);
    memset(uid, 'x', sizeof uid);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, 10, &len), NX_SIZE_ERROR);
    CHECK(uid[0] == 0 && uid[10] == 'x' && len == 0);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_walk_fin(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("UIDL"), SEND("+OK\r\n1 abc\r\n2 de"), CLOSE(), END};
    char uid[NX_POP3_MAX_UID + 1];
    UINT len = 0, index = 0;
    p3_begin("UIDL walk cut off by FIN: NX_NOT_CONNECTED", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_start(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_uidl_next(&p3_client, &index, uid, sizeof uid, &len), NX_NOT_CONNECTED);
    p3_end();
}

/* ---------------------------------------------------------------- TOP */

static void t_top(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 2 300\r\n"), EXPECT("TOP 2 1"),
                   SEND_SPLIT("+OK top of message follows\r\nSubject: x\r\n\r\n..dot line\r\n.\r\n", 30, 45, 46, 52, 55, 56),
                   EXPECT("TOP 1 0"), SEND("-ERR no such message\r\n"), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    static char got[256];
    P3_MSG m;
    p3_begin("TOP: streamed like RETR, dot-stuffing undone", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_item_top_get(&p3_client, 0, 1), NX_POP3_CLIENT_INVALID_INDEX);
    CHECK_ST(nx_pop3_client_mail_item_top_get(&p3_client, 2, 1), NX_SUCCESS);
    CHECK_ST(p3_read_message(got, sizeof got, &m), NX_SUCCESS);
    CHECK_BYTES(got, m.total, "Subject: x\r\n\r\n.dot line\r\n", 25);
    CHECK_ST(nx_pop3_client_mail_item_top_get(&p3_client, 1, 0), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* ---------------------------------------------------------------- pipelining */

#define PIPE_CAPA "+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n"
#define M1 "+OK 5 octets\r\nHello\r\n.\r\n"
#define M2 "+OK\r\n..dot\r\nline 2\r\n.\r\n"
#define M3 "+OK 3\r\nabc\r\n.\r\n"

static void t_pipelined_coalesced(void)
{
    /* The server reads all three RETRs before answering: a client sending one
       command at a time would never see a reply. */
    P3_STEP s[] = {P3_LOGIN, EXPECT("CAPA"), SEND(PIPE_CAPA), EXPECT("STAT"), SEND("+OK 3 40\r\n"),
                   EXPECT("RETR 1"), EXPECT("RETR 2"), EXPECT("RETR 3"), SEND(M1 M2 M3),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    NX_POP3_CAPABILITIES caps;
    p3_begin("pipelining: three RETRs sent ahead, the replies in one segment", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, NX_NULL), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, 0), NX_POP3_PARAM_ERROR);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 2, 3), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, 3), NX_SUCCESS);
    p3_retr_expect(1, 5, "Hello\r\n");
    p3_retr_expect(2, 0, ".dot\r\nline 2\r\n");
    p3_retr_expect(3, 3, "abc\r\n");
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_pipelined_split(void)
{
    static const char replies[] = M1 M2 M3;
    /* Cut inside each terminator and right after it. */
    static const ULONG cuts[] = {20, 21, 22, 23, 24, 25, 40, 44, 45, 46, 47, 48, 60};
    P3_STEP s[] = {P3_LOGIN, EXPECT("CAPA"), SEND(PIPE_CAPA), EXPECT("STAT"), SEND("+OK 3 40\r\n"),
                   EXPECT("RETR 1"), EXPECT("RETR 2"), EXPECT("RETR 3"),
                   SEND_SPLIT_BUF(replies, sizeof replies - 1, cuts, sizeof cuts / sizeof cuts[0]),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    NX_POP3_CAPABILITIES caps;
    p3_begin("pipelining: the replies split inside and after the terminators", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, NX_NULL), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, 3), NX_SUCCESS);
    p3_retr_expect(1, 5, "Hello\r\n");
    p3_retr_expect(2, 0, ".dot\r\nline 2\r\n");
    p3_retr_expect(3, 3, "abc\r\n");
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* 400 messages: 256 RETRs go ahead (the depth), more as replies are read
   (when half the pipeline is free); a -ERR in between is that message's. */
#define MANY 400
#define AHEAD 256
static char many[MANY * 24];
static void t_pipelined_many(void)
{
    static P3_STEP s[MANY + 40];
    static char expects[MANY][16];
    UINT k = 0, n = 0, answered = 0;
    P3_STEP login[] = {P3_LOGIN, EXPECT("CAPA"), SEND(PIPE_CAPA), EXPECT("STAT"), SEND("+OK 400 4000\r\n")};
    for (UINT i = 0; i < sizeof login / sizeof login[0]; i++)
        s[k++] = login[i];
    for (UINT i = 1; i <= MANY; i++) {
        snprintf(expects[i - 1], sizeof expects[0], "RETR %u", i);
        s[k++] = (P3_STEP)EXPECT_STR(expects[i - 1]);
        /* After AHEAD RETRs, and then after each AHEAD / 2 more: answer
           AHEAD / 2 (all the client waits for before it may send more). */
        if (i == AHEAD || (i > AHEAD && (i - AHEAD) % (AHEAD / 2) == 0) || i == MANY) {
            ULONG len = 0;
            UINT upto = i == MANY ? MANY : answered + AHEAD / 2;
            for (UINT j = answered + 1; j <= upto; j++)
                len += (ULONG)sprintf(many + n + len, j == 20 ? "-ERR [SYS/TEMP] no\r\n" : "+OK\r\nmsg %03u\r\n.\r\n", j);
            answered = upto;
            s[k++] = (P3_STEP)SEND_BUF(many + n, len);
            n += len;
        }
    }
    s[k++] = (P3_STEP)EXPECT("QUIT");
    s[k++] = (P3_STEP)SEND("+OK\r\n");
    s[k++] = (P3_STEP)END;
    NX_POP3_CAPABILITIES caps;
    p3_begin("pipelining: 400 messages, 256 ahead, topped up as replies are read, a -ERR in between", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, NX_NULL), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, MANY), NX_SUCCESS);
    for (UINT i = 1; i <= MANY; i++) {
        char want[16];
        snprintf(want, sizeof want, "msg %03u\r\n", i);
        if (i == 20) {
            ULONG size = 1;
            CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, i, &size), NX_POP3_SERVER_ERROR_STATUS);
            continue;
        }
        p3_retr_expect_at(__LINE__, i, 0, want, 9);
    }
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

/* Another command while RETRs are in flight: their replies are read and
   dropped first. Without PIPELINING, one command at a time. */
static void t_pipelined_cancel_and_off(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("CAPA"), SEND(PIPE_CAPA), EXPECT("STAT"), SEND("+OK 3 40\r\n"),
                   EXPECT("RETR 1"), EXPECT("RETR 2"), EXPECT("RETR 3"), SEND(M1), SLEEP(5), SEND(M2 M3),
                   EXPECT("DELE 1"), SEND("+OK\r\n"), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    P3_STEP s2[] = {P3_LOGIN, EXPECT("CAPA"), SEND("+OK\r\nUIDL\r\n.\r\n"), EXPECT("STAT"), SEND("+OK 3 40\r\n"),
                    EXPECT("RETR 1"), SEND(M1), EXPECT("RETR 2"), SEND(M2), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    NX_POP3_CAPABILITIES caps;
    p3_begin("pipelining: DELE while RETRs are in flight drops their replies first", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, NX_NULL), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, 3), NX_SUCCESS);
    p3_retr_expect(1, 5, "Hello\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();

    p3_begin("pipelining: not offered, one command at a time", s2);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_capabilities_get(&p3_client, &caps, NX_NULL, 0, NX_NULL), NX_SUCCESS);
    CHECK_ST(stat_ok(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_request(&p3_client, 1, 3), NX_SUCCESS);
    p3_retr_expect(1, 5, "Hello\r\n");
    p3_retr_expect(2, 0, ".dot\r\nline 2\r\n");
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void p3_tests(void)
{
    t_capa();
    t_capa_errors();
    t_resp_codes();
    t_uidl_walk_10000();
    t_list_walk_split_and_bad();
    t_bad_uids();
    t_walk_fin();
    t_top();
    t_pipelined_coalesced();
    t_pipelined_split();
    t_pipelined_many();
    t_pipelined_cancel_and_off();
}
