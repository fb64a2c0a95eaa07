/* test_netx_headers: nx_api.h alone (no tx_api.h, no C library header) is
   enough for what NetX's own nx_api.h gives a driver: memset/memcpy (its port
   header includes <string.h>), the byte-order macros, IP_ADDRESS, the struct
   tags. Exit status 0 when every check holds. */
#include "nx_api.h"
#include "nx_link.h"

/* A driver declared by its tag after nx_api.h names the library's type. */
VOID _nx_ram_network_driver(struct NX_IP_DRIVER_STRUCT *driver_req_ptr);

/* Declared here: <stdio.h> is deliberately not included. */
int puts(const char *s);

int main(void)
{
    UCHAR frame[16];
    ULONG word = IP_ADDRESS(192, 0, 2, 1);
    struct NX_IP_DRIVER_STRUCT req;
    NX_IP_DRIVER *alias = &req;
    VOID (*driver)(NX_IP_DRIVER *) = _nx_ram_network_driver;
    int bad = 0;

    memset(frame, 0, sizeof frame);
    NX_CHANGE_ULONG_ENDIAN(word);
    memcpy(frame, &word, sizeof word);
    bad |= !(frame[0] == 192 && frame[1] == 0 && frame[2] == 2 && frame[3] == 1);
    memset(alias, 0, sizeof *alias);
    bad |= req.nx_ip_driver_command != NX_LINK_PACKET_SEND;
    bad |= driver == NX_NULL;
    bad |= strlen("abc") != 3;
    puts(bad ? "FAIL: nx_api.h alone: string functions, byte order, struct tags"
             : "PASS: nx_api.h alone: string functions, byte order, struct tags");
    return bad;
}
