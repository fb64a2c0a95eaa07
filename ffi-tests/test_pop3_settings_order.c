/* test_pop3_settings_order: NetX include order. tx_api.h, then nx_api.h,
   then a POP3 setting, then nxd_pop3_client.h: the setting still applies
   (nx_api.h must not have fixed the POP3 defaults already). */
#include "tx_api.h"
#include "nx_api.h"
#define NX_POP3_SERVER_REPLY_TIMEOUT 40
#include "nxd_pop3_client.h"
#include "pop3_script.h"

_Static_assert(NX_POP3_SERVER_REPLY_TIMEOUT == 40, "the program's value wins");

static void t_session(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 5\r\n"), EXPECT("RETR 1"), SEND("+OK 5 octets\r\nabc\r\n.\r\n"),
                   EXPECT("DELE 1"), SEND("+OK\r\n"), EXPECT("QUIT"), SEND("+OK\r\n"), END};
    UINT items = 0;
    ULONG total = 0;
    p3_begin("NetX include order: a normal session", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &items, &total), NX_SUCCESS);
    CHECK_EQ(items, 1);
    p3_retr_expect(1, 5, "abc\r\n");
    CHECK_ST(nx_pop3_client_mail_item_delete(&p3_client, 1), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_quit(&p3_client), NX_SUCCESS);
    p3_end();
}

static void t_silent(void)
{
    P3_STEP s[] = {P3_LOGIN, EXPECT("STAT"), SILENT(), END};
    UINT items = 7, st;
    ULONG total = 7, t0, el;
    p3_begin("NetX include order: the setting defined after nx_api.h applies (40 ticks)", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    t0 = tx_time_get();
    st = nx_pop3_client_mail_items_get(&p3_client, &items, &total);
    el = tx_time_get() - t0;
    CHECK_ST(st, NX_NO_PACKET);
    CHECK_TICKS(el, 35, 130);
    p3_end();
}

static void p3_tests(void)
{
    t_session();
    t_silent();
}
