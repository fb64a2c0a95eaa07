/* limits_128: the layout limits as a build setting of the library (issue 8).
   Built only against the library build of build/fetch-lib (NX_POP3_MAX_USERNAME,
   NX_POP3_MAX_PASSWORD, NX_POP3_SERVER_PROCESS_ID_SIZE = 128, its generated
   nx_pop3_config.h first on the include path): `make check-layout-limits`.
   The struct the C compiler sees and the one the library writes must agree,
   and 128-byte names, passwords and timestamps must go through. */
#include "pop3_script.h"

_Static_assert(NX_POP3_LIB_MAX_USERNAME == 128 && NX_POP3_MAX_USERNAME == 128, "library built with 128");
_Static_assert(NX_POP3_LIB_MAX_PASSWORD == 128 && NX_POP3_MAX_PASSWORD == 128, "library built with 128");
_Static_assert(NX_POP3_SERVER_PROCESS_ID_SIZE == 128, "library built with 128");
_Static_assert(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_client_name) == 129, "name field");
_Static_assert(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_client_password) == 129, "password field");
_Static_assert(sizeof(((NX_POP3_CLIENT *)0)->nx_pop3_server_process_id) == 129, "process id field");

#define X32 "abcdefghijklmnopqrstuvwxyz012345"
#define USER128 X32 X32 X32 X32
#define PASS128 "P" X32 X32 X32 "bcdefghijklmnopqrstuvwxyz012345"
#define STAMP128 "<" X32 X32 X32 "abcdefghijklmnopqrstuvwxyz0123>"

_Static_assert(sizeof(USER128) - 1 == 128 && sizeof(PASS128) - 1 == 128 && sizeof(STAMP128) - 1 == 128, "128");

/* 128-byte user and password: sent whole; the struct fields hold them. */
static void t_user_pass_128(void)
{
    P3_STEP s[] = {SEND("+OK ready " STAMP128 "\r\n"), EXPECT("USER " USER128), SEND("+OK\r\n"),
                   EXPECT("PASS " PASS128), SEND("+OK locked\r\n"), EXPECT("STAT"), SEND("+OK 0 0\r\n"), END};
    UINT items = 1;
    ULONG total = 1;
    p3_begin("128-byte user name and password (library built with 128)", s);
    CHECK_ST(p3_create_as(NX_FALSE, USER128, PASS128), NX_SUCCESS);
    CHECK(strcmp(p3_client.nx_pop3_client_name, USER128) == 0);
    CHECK(strcmp(p3_client.nx_pop3_client_password, PASS128) == 0);
    /* A field after the three arrays, written by the library: the layouts agree. */
    CHECK(p3_client.nx_pop3_client_packet_pool_ptr == &p3_cmd_pool);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_maildrop_items, 0);
    p3_end();
}

/* A 128-byte APOP timestamp is kept whole; the digest is computed from it. */
static void t_stamp_128(void)
{
    P3_STEP s[] = {SEND("+OK ready " STAMP128 "\r\n"), EXPECT("USER u"), SEND("+OK\r\n"), EXPECT("PASS p"),
                   SEND("+OK\r\n"), END};
    p3_begin("128-byte greeting timestamp kept whole", s);
    CHECK_ST(p3_create_as(NX_FALSE, "u", "p"), NX_SUCCESS);
    CHECK(strcmp(p3_client.nx_pop3_server_process_id, STAMP128) == 0);
    p3_end();
}

/* One byte more than the library's limit is refused. */
static void t_limit_plus_one(void)
{
    p3_begin("129-byte password or user name: NX_POP3_PARAM_ERROR", NX_NULL);
    CHECK_ST(p3_create_as(NX_FALSE, USER128, PASS128 "x"), NX_POP3_PARAM_ERROR);
    CHECK_ST(p3_create_as(NX_FALSE, USER128 "x", PASS128), NX_POP3_PARAM_ERROR);
    p3_end();
}

static void p3_tests(void)
{
    t_user_pass_128();
    t_stamp_128();
    t_limit_plus_one();
}
