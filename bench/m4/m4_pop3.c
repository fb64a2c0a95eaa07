/* Cortex-M4 size (bench/m4/m4_size.py): m4_stack.c plus every POP3 client
   service. The library's part of this program minus m4_stack.c's is the POP3
   client: engine, client, C exports and the MD5 they pull in. */
#include "m4_common.h"

int main(void)
{
    NX_PACKET *p = NX_NULL;
    UINT n, last;
    ULONG size, bytes;
    m4_stack_services(&p);
    if (nx_pop3_client_create(&client, NX_TRUE, &ip, &pool, IP_ADDRESS(192, 0, 2, 1), 110, "u", "p") == NX_SUCCESS) {
        nx_pop3_client_mail_items_get(&client, &n, &size);
        nx_pop3_client_mail_item_size_get(&client, 1, &size);
        nx_pop3_client_mail_item_get(&client, 1, &size);
        if (nx_pop3_client_mail_item_message_get(&client, &p, &bytes, &last) == NX_SUCCESS)
            nx_packet_release(p);
        nx_pop3_client_mail_item_delete(&client, 1);
        nx_pop3_client_quit(&client);
        nx_pop3_client_delete(&client);
    }
    nx_ip_delete(&ip);
    return 0;
}
