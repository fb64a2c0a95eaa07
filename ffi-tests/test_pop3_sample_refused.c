/* test_pop3_sample_refused: NetX's POP3 sample against a server that refuses
   it: the create fails and the sample's nx_pop3_client_delete after the failed
   create must succeed and leave nothing behind (see pop3_sample_server.h). */
#define SAMPLE_SERVER_REFUSES 1
#include "pop3_sample_server.h"
