/* test_pop3_api: argument checks of the _nxe forms (the public names), index
   rules, state rules, create/delete twice, the run-time timeouts extension,
   and the command packet pool (too small, empty). */
#include "pop3_script.h"

static NX_PACKET_POOL tiny_pool, one_pool;
static ULONG tiny_mem[P3_POOL_BYTES(32, 4) / sizeof(ULONG) + 1] __attribute__((aligned(16)));
static ULONG one_mem[P3_POOL_BYTES(P3_CMD_PAYLOAD, 1) / sizeof(ULONG) + 1] __attribute__((aligned(16)));

#define NAME40 "n123456789012345678901234567890123456789"
#define NAME41 NAME40 "x"
#define PASS20 "p1234567890123456789"
#define PASS21 PASS20 "x"

static UINT create_with(NX_IP *ip, NX_PACKET_POOL *pool, ULONG address, ULONG port, const char *name, const char *pass)
{
    UINT st = nx_pop3_client_create(&p3_client, NX_FALSE, ip, pool, address, port, (CHAR *)name, (CHAR *)pass);
    if (st == NX_SUCCESS)
        p3_created = 1;
    return st;
}

static void t_create_args(void)
{
    static NX_IP not_created;
    static NX_IP wrong_id;
    static NX_PACKET_POOL pool_not_created;
    NXD_ADDRESS a;
    P3_STEP s[] = {NO_CONNECT(), END};
    p3_begin("create: NULL pointers, wrong IP id, zero address or port, long name or password", s);
    CHECK_ST(nx_pop3_client_create(NX_NULL, 0, &p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT,
                                   (CHAR *)P3_USER, (CHAR *)P3_PASS),
             NX_PTR_ERROR);
    CHECK_ST(create_with(NX_NULL, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS), NX_PTR_ERROR);
    CHECK_ST(create_with(&p3_client_ip, NX_NULL, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS), NX_PTR_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, NX_NULL, P3_PASS), NX_PTR_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, NX_NULL), NX_PTR_ERROR);
    CHECK_ST(create_with(&not_created, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS),
             NX_POP3_PARAM_ERROR);
    memcpy(&wrong_id, &p3_client_ip, sizeof wrong_id);
    wrong_id.nx_ip_id = NX_IP_ID + 1;
    CHECK_ST(create_with(&wrong_id, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS), NX_POP3_PARAM_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &pool_not_created, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS),
             NX_PTR_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, 0, P3_PORT, P3_USER, P3_PASS), NX_POP3_PARAM_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, 0, P3_USER, P3_PASS), NX_POP3_PARAM_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, NAME41, P3_PASS),
             NX_POP3_PARAM_ERROR);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, PASS21),
             NX_POP3_PARAM_ERROR);
    /* nxd form */
    CHECK_ST(nxd_pop3_client_create(&p3_client, NX_FALSE, &p3_client_ip, &p3_cmd_pool, NX_NULL, P3_PORT,
                                    (CHAR *)P3_USER, (CHAR *)P3_PASS),
             NX_PTR_ERROR);
    memset(&a, 0, sizeof a);
    a.nxd_ip_version = 5;
    a.nxd_ip_address.v4 = P3_SERVER_ADDRESS;
    CHECK_ST(nxd_pop3_client_create(&p3_client, NX_FALSE, &p3_client_ip, &p3_cmd_pool, &a, P3_PORT, (CHAR *)P3_USER,
                                    (CHAR *)P3_PASS),
             NX_POP3_PARAM_ERROR);
    a.nxd_ip_version = NX_IP_VERSION_V4;
    a.nxd_ip_address.v4 = 0;
    CHECK_ST(nxd_pop3_client_create(&p3_client, NX_FALSE, &p3_client_ip, &p3_cmd_pool, &a, P3_PORT, (CHAR *)P3_USER,
                                    (CHAR *)P3_PASS),
             NX_POP3_PARAM_ERROR);
    a.nxd_ip_address.v4 = P3_SERVER_ADDRESS;
    CHECK_ST(nxd_pop3_client_create(&p3_client, NX_FALSE, &p3_client_ip, &p3_cmd_pool, &a, 0, (CHAR *)P3_USER,
                                    (CHAR *)P3_PASS),
             NX_POP3_PARAM_ERROR);
    CHECK_EQ(p3_created, 0);
    /* The services on a client never created. */
    {
        UINT n;
        ULONG sz;
        NX_PACKET *p;
        UINT f;
        CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &n, &sz), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &sz), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &sz), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &sz, &f), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_quit(&p3_client), NX_PTR_ERROR);
        /* After the failed creates above, one delete succeeds, as in NetX
           (whose programs call it after a failed create); a further one is refused. */
        CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
        CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
        CHECK_ST(nx_pop3_client_timeouts_set(&p3_client, 100, 100, 100, 100, 100), NX_PTR_ERROR);
        CHECK_ST(_nxd_pop3_client_connect(&p3_client, &a, P3_PORT), NX_PTR_ERROR);
        CHECK_ST(_nxd_pop3_client_connect(NX_NULL, &a, P3_PORT), NX_PTR_ERROR);
        CHECK_ST(_nx_pop3_client_user_pass(NX_NULL), NX_PTR_ERROR);
        CHECK_ST(_nx_pop3_client_apop(NX_NULL), NX_PTR_ERROR);
    }
    p3_end();
}

/* The longest name and password accepted. */
static void t_longest_credentials(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " NAME40), SEND("+OK\r\n"), EXPECT("PASS " PASS20),
                   SEND("+OK\r\n"), END};
    p3_begin("create: a 40-byte name and a 20-byte password are accepted", s);
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, NAME40, PASS20), NX_SUCCESS);
    CHECK(strcmp(p3_client.nx_pop3_client_name, NAME40) == 0);
    CHECK(strcmp(p3_client.nx_pop3_client_password, PASS20) == 0);
    CHECK(p3_client.nx_pop3_client_packet_pool_ptr == &p3_cmd_pool);
    p3_end();
}

/* On a created client: NULL pointers, index rules, state rules, twice. */
static void t_session_args(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 2 200\r\n"), EXPECT("LIST 2"), SEND("+OK 2 120\r\n"),
                   EXPECT("QUIT"), SEND("+OK\r\n"), END};
    UINT items = 0, final = 7;
    ULONG total = 0, size = 7, bytes = 7;
    NX_PACKET *p = (NX_PACKET *)(uintptr_t)1;
    p3_begin("services: NULL pointers, index 0, index above STAT, message_get with no RETR, create twice", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    /* No STAT yet: every index is above the count (0). */
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_EQ(size, 0);
    size = 7;
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_EQ(size, 0);
    CHECK_ST(nx_pop3_client_mail_items_get(NX_NULL, &items, &total), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, NX_NULL, &total), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, NX_NULL), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_ST(nx_pop3_client_mail_item_size_get(NX_NULL, 1, &size), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, NX_NULL), NX_PTR_ERROR);
    size = 7;
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 0, &size), NX_POP3_CLIENT_INVALID_INDEX);
    CHECK_EQ(size, 0);
    size = 7;
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 3, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_EQ(size, 0);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 0xFFFFFFFFu, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &size), NX_SUCCESS);
    CHECK_EQ(size, 120);
    CHECK_ST(nx_pop3_client_mail_item_get(NX_NULL, 1, &size), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, NX_NULL), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 0, &size), NX_POP3_CLIENT_INVALID_INDEX);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 3, &size), NX_POP3_INVALID_MAIL_ITEM);
    CHECK_ST(nx_pop3_client_mail_item_delete(NX_NULL, 1), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 0), NX_POP3_CLIENT_INVALID_INDEX);
    CHECK_ST(nx_pop3_client_quit(NX_NULL), NX_PTR_ERROR);
    /* message_get with no RETR: invalid state, outputs cleared. */
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, &final), NX_POP3_CLIENT_INVALID_STATE);
    CHECK(p == NX_NULL);
    CHECK_EQ(bytes, 0);
    CHECK_EQ(final, NX_FALSE);
    CHECK_ST(nx_pop3_client_mail_item_message_get(NX_NULL, &p, &bytes, &final), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, NX_NULL, &bytes, &final), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, NX_NULL, &final), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, NX_NULL), NX_PTR_ERROR);
    /* timeouts_set */
    CHECK_ST(nx_pop3_client_timeouts_set(NX_NULL, 1, 1, 1, 1, 1), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_timeouts_set(&p3_client, 100, 100, 100, 100, 0), NX_POP3_PARAM_ERROR);
    CHECK_ST(nx_pop3_client_timeouts_set(&p3_client, 100, 100, 0, 100, 100), NX_POP3_PARAM_ERROR);
    CHECK_ST(nx_pop3_client_timeouts_set(&p3_client, 100, 1000, 3000, 1000, 1000), NX_SUCCESS);
    /* create twice: refused, the session goes on. */
    CHECK_ST(create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_delete(NX_NULL), NX_PTR_ERROR);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_delete_twice(void)
{
    P3_STEP s[] = {P3_LOGIN, END};
    p3_begin("delete twice: the second gives NX_PTR_ERROR", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    p3_created = 0;
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
    /* The struct is zeroed. */
    {
        const unsigned char *b = (const unsigned char *)&p3_client;
        size_t nonzero = 0;
        for (size_t i = 0; i < sizeof p3_client; i++)
            nonzero += b[i] != 0;
        CHECK_EQ(nonzero, 0);
    }
    p3_end();
}

/* A command that does not fit in one packet of the client's pool. */
static void t_insufficient_payload(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), END};
    p3_begin("a command larger than a packet of the command pool: NX_POP3_INSUFFICIENT_PACKET_PAYLOAD", s);
    CHECK_ST(create_with(&p3_client_ip, &tiny_pool, P3_SERVER_ADDRESS, P3_PORT, NAME40, P3_PASS),
             NX_POP3_INSUFFICIENT_PACKET_PAYLOAD);
    p3_end();
    CHECK(tiny_pool.nx_packet_pool_available == tiny_pool.nx_packet_pool_total);
}

/* The command pool is empty: NX_NO_PACKET after the packet timeout. */
static void t_no_command_packet(void)
{
    P3_STEP s[] = {SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK\r\n"), EXPECT("PASS " P3_PASS),
                   SEND("+OK\r\n"), EXPECT("STAT"), SEND("+OK 0 0\r\n"), END};
    NX_PACKET *held = NX_NULL;
    UINT items = 0, st;
    ULONG total = 0, t0, el;
    p3_begin("the command pool is empty: NX_NO_PACKET after the packet timeout, then it works again", s);
    CHECK_ST(create_with(&p3_client_ip, &one_pool, P3_SERVER_ADDRESS, P3_PORT, P3_USER, P3_PASS), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_timeouts_set(&p3_client, 20, 500, 500, 300, 300), NX_SUCCESS);
    CHECK_ST(nx_packet_allocate(&one_pool, &held, NX_RECEIVE_PACKET, NX_NO_WAIT), NX_SUCCESS);
    t0 = tx_time_get();
    st = nx_pop3_client_mail_items_get(&p3_client, &items, &total);
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NO_PACKET);
    CHECK_TICKS(el, 15, 120);
    if (held != NX_NULL)
        nx_packet_release(held);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    p3_end();
    CHECK(one_pool.nx_packet_pool_available == one_pool.nx_packet_pool_total);
}

/* Nobody listens on the port: the connection is refused at once. */
static void t_refused(void)
{
    ULONG t0, el;
    UINT st;
    p3_begin("create against a port nobody listens on: NX_NOT_CONNECTED promptly, nothing left behind", NX_NULL);
    t0 = tx_time_get();
    st = create_with(&p3_client_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT + 1, P3_USER, P3_PASS);
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NOT_CONNECTED);
    CHECK_TICKS(el, 0, 200);
    /* NetX programs delete after a failed create: NX_SUCCESS once, then refused. */
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_delete(&p3_client), NX_PTR_ERROR);
    p3_end();
}

/* _nx_pop3_client_user_pass / _nx_pop3_client_apop on a connected client. */
static void t_login_helpers(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING),
                   EXPECT("USER " P3_APOP_USER),
                   SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS),
                   SEND("+OK\r\n"),
                   EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("+OK\r\n"),
                   EXPECT("USER " P3_APOP_USER),
                   SEND("+OK\r\n"),
                   EXPECT("PASS " P3_APOP_PASS),
                   SEND("-ERR\r\n"),
                   EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("-ERR\r\n"),
                   END};
    p3_begin("_nx_pop3_client_user_pass and _nx_pop3_client_apop on a connected client", s);
    CHECK_ST(p3_create_as(NX_FALSE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    /* The greeting's timestamp is kept even when APOP is not used. */
    CHECK(strcmp(p3_client.nx_pop3_server_process_id, P3_APOP_STAMP) == 0);
    CHECK_ST(_nx_pop3_client_apop(&p3_client), NX_SUCCESS);
    CHECK_ST(_nx_pop3_client_user_pass(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    CHECK_ST(_nx_pop3_client_apop(&p3_client), NX_POP3_SERVER_ERROR_STATUS);
    p3_end();
}

static void p3_tests(void)
{
    UINT st = nx_packet_pool_create(&tiny_pool, "tiny command pool", 32, tiny_mem, sizeof tiny_mem);
    if (st != NX_SUCCESS)
        p3_setup_fail("tiny pool", st);
    st = nx_packet_pool_create(&one_pool, "one-packet command pool", P3_CMD_PAYLOAD, one_mem, sizeof one_mem);
    if (st != NX_SUCCESS || one_pool.nx_packet_pool_total != 1)
        p3_setup_fail("one-packet pool", st);
    t_create_args();
    t_longest_credentials();
    t_session_args();
    t_delete_twice();
    t_insufficient_payload();
    t_no_command_packet();
    t_login_helpers();
    t_refused();
}
