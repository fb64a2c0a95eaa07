/* test_pop3_nx: NX_DISABLE_ERROR_CHECKING. The public names map to the
   unchecked _nx_ forms (POP3 and the NetX core); a normal session, including
   the scripted server and the stack setup, runs through them. */
#define NX_DISABLE_ERROR_CHECKING
#include "pop3_script.h"

#define P3_STR(x) #x
#define P3_XSTR(x) P3_STR(x)

static void t_names(void)
{
    static const struct {
        const char *expanded, *want;
    } names[] = {
        {P3_XSTR(nx_pop3_client_mail_items_get), "_nx_pop3_client_mail_items_get"},
        {P3_XSTR(nx_pop3_client_mail_item_size_get), "_nx_pop3_client_mail_item_size_get"},
        {P3_XSTR(nx_pop3_client_mail_item_get), "_nx_pop3_client_mail_item_get"},
        {P3_XSTR(nx_pop3_client_mail_item_message_get), "_nx_pop3_client_mail_item_message_get"},
        {P3_XSTR(nx_pop3_client_mail_item_delete), "_nx_pop3_client_mail_item_delete"},
        {P3_XSTR(nx_pop3_client_quit), "_nx_pop3_client_quit"},
        {P3_XSTR(nx_pop3_client_delete), "_nx_pop3_client_delete"},
        {P3_XSTR(nx_tcp_socket_receive), "_nx_tcp_socket_receive"},
        {P3_XSTR(nx_packet_allocate), "_nx_packet_allocate"},
    };
    p3_begin("NX_DISABLE_ERROR_CHECKING: the public names are the _nx_ forms", NX_NULL);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].expanded, names[i].want) != 0)
            p3_fail(__LINE__, "%s expands to %s", names[i].want, names[i].expanded);
    {
        const char *c = P3_XSTR(nx_pop3_client_create(a, b, c, d, e, f, g, h));
        if (strstr(c, "_nx_pop3_client_create(") != c)
            p3_fail(__LINE__, "nx_pop3_client_create expands to %s", c);
    }
    p3_end();
}

static void t_session(void)
{
    P3_STEP s[] = {SEND(P3_APOP_GREETING),
                   EXPECT("APOP " P3_APOP_USER " " P3_APOP_DIGEST),
                   SEND("+OK\r\n"),
                   EXPECT("STAT"),
                   SEND("+OK 2 40\r\n"),
                   EXPECT("LIST 1"),
                   SEND("+OK 1 15\r\n"),
                   EXPECT("RETR 1"),
                   SEND_SPLIT("+OK 15 octets\r\n..first\r\nbody\r\n.\r\n", 10, 20, 30),
                   EXPECT("DELE 1"),
                   SEND("+OK\r\n"),
                   EXPECT("RETR 2"),
                   SEND("+OK 6 octets\r\nhello\r\n.\r\n"),
                   EXPECT("DELE 2"),
                   SEND("+OK\r\n"),
                   EXPECT("QUIT"),
                   SEND("+OK bye\r\n"),
                   END};
    UINT items = 0;
    ULONG total = 0, size = 0;
    p3_begin("NX_DISABLE_ERROR_CHECKING: APOP, STAT, LIST, RETR, DELE, QUIT through the _nx_ forms", s);
    CHECK_ST(p3_create_as(NX_TRUE, P3_APOP_USER, P3_APOP_PASS), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 2);
    CHECK_EQ(total, 40);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 1, &size), NX_SUCCESS);
    CHECK_EQ(size, 15);
    p3_retr_expect(1, 15, ".first\r\nbody\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_SUCCESS);
    p3_retr_expect(2, 6, "hello\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 2), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void p3_tests(void)
{
    t_names();
    t_session();
}
