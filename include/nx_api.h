/* NetX compatibility header: what NetX's nx_api.h offers (types, constants,
   status codes, packets, pools, IP instances, the driver protocol, TCP), so
   NetX sources compile unchanged. Everything is declared in the generated
   nx_pop3_client.h; this file only includes it.

   The POP3 client's compile-time settings are left for nxd_pop3_client.h, so
   a program may still define them between the two includes, as with NetX. */
#ifndef NX_API_H
#define NX_API_H

#ifndef NX_POP3_CLIENT_H
#define NX_POP3_SETTINGS_LATER
#include "nx_pop3_client.h"
#undef NX_POP3_SETTINGS_LATER
#endif

#endif /* NX_API_H */
