/* Cortex-M4 size baseline (bench/m4/m4_size.py): the NetX services the POP3
   client stands on (pool, IP instance, ARP, a TCP client socket), called by
   a C program with its own driver, as a firmware would. m4_stack_text_bytes
   is the library's part of this program. */
#include "m4_common.h"

int main(void)
{
    NX_PACKET *p = NX_NULL;
    m4_stack_services(&p);
    nx_ip_delete(&ip);
    return 0;
}
