/* test_pop3_handle: outputs that point into the client struct itself.

   The library turns the client pointer into one handle per call and writes
   the outputs of the NetX services from the values it returns, through the
   program's pointers, at the end of the call. A program may pass the
   client's own public fields as those outputs (they hold the same values);
   the results are the documented ones, success or failure. */
#include "pop3_script.h"

static void t_outputs_in_client(void)
{
    P3_STEP s[] = {P3_LOGIN,
                   EXPECT("STAT"),
                   SEND("+OK 2 40\r\n"),
                   EXPECT("LIST 2"),
                   SEND("+OK 2 27\r\n"),
                   EXPECT("RETR 1"),
                   SEND("+OK 6 octets\r\nhello\r\n.\r\n"),
                   EXPECT("STAT"),
                   SEND("-ERR maildrop locked\r\n"),
                   END};
    NX_PACKET *p = NX_NULL;
    UINT last = NX_FALSE;
    p3_begin("outputs pointing into the client struct: STAT, LIST, RETR, message, STAT -ERR", s);
    CHECK_ST(p3_login(), NX_SUCCESS);
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &p3_client.nx_pop3_client_maildrop_items,
                                           &p3_client.nx_pop3_client_total_message_size),
             NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_maildrop_items, 2);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 40);
    CHECK_ST(nx_pop3_client_mail_item_size_get(&p3_client, 2, &p3_client.nx_pop3_client_total_message_size),
             NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 27);
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &p3_client.nx_pop3_client_total_message_size), NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 6);
    CHECK_EQ(p3_client.nx_pop3_client_maildrop_index, 1);
    CHECK_ST(nx_pop3_client_mail_item_message_get(&p3_client, &p, &p3_client.nx_pop3_client_total_message_size,
                                                  &last),
             NX_SUCCESS);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 7);
    CHECK_EQ(last, NX_TRUE);
    if (p != NX_NULL) {
        CHECK_EQ(p->nx_packet_length, 7);
        CHECK_EQ(memcmp(p->nx_packet_prepend_ptr, "hello\r\n", 7), 0);
        nx_packet_release(p);
    }
    CHECK_EQ(p3_client.nx_pop3_client_ready_to_download, NX_FALSE);
    /* A failed STAT writes 0 to both outputs: here, the client's own fields. */
    CHECK_ST(nx_pop3_client_mail_items_get(&p3_client, &p3_client.nx_pop3_client_maildrop_items,
                                           &p3_client.nx_pop3_client_total_message_size),
             NX_POP3_SERVER_ERROR_STATUS);
    CHECK_EQ(p3_client.nx_pop3_client_maildrop_items, 0);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 0);
    /* With no message counted any more, an index is refused before any command. */
    CHECK_ST(nx_pop3_client_mail_item_get(&p3_client, 1, &p3_client.nx_pop3_client_total_message_size),
             NX_POP3_INVALID_MAIL_ITEM);
    CHECK_EQ(p3_client.nx_pop3_client_total_message_size, 0);
    p3_end();
}

static void p3_tests(void)
{
    t_outputs_in_client();
}
