/* test_pop3_sample_netx_driver: NetX's POP3 sample with its driver replaced by
   the NetX-shaped RAM driver in C (nx_ram_driver_netx.c), as the sample's
   comment tells users to do with their own Ethernet driver: the whole session
   runs over a driver written to NetX's protocol (see pop3_sample_server.h). */
#define SAMPLE_NETX_DRIVER 1
#include "pop3_sample_server.h"
