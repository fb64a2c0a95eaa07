/* test_pop3_sample: a program in the exact shape of NetX Duo's POP3 sample
   (netx_pop3_sample.c, linked in, compiled with -Wall -Wextra -Werror like
   every test) runs against a scripted server on a second IP instance that
   this module creates (see pop3_sample_server.h). */
#include "pop3_sample_server.h"
