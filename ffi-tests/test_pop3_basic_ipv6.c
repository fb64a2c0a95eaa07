/* The POP3 basic cases over IPv6 (issue 13): the same cases as
   test_pop3_basic.c, with every instance given IPv6 addresses and the
   client connecting to the scripted server at 2001:db8::1 through
   nxd_pop3_client_create (see P3_IPV6 in pop3_script.h). */
#define P3_IPV6 1
#include "test_pop3_basic.c"
