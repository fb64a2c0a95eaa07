/* NetX Duo compatibility header for the POP3 client (the original's name).
   Includes the generated nx_pop3_client.h and the POP3 settings. */
#ifndef NXD_POP3_CLIENT_H
#define NXD_POP3_CLIENT_H

#include "nx_api.h"
#include "nx_pop3_settings.h"

#endif /* NXD_POP3_CLIENT_H */
