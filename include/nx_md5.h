/* NetX's MD5 header, included by the original nxd_pop3_client.h. NX_MD5 (the
   layout NX_POP3_CLIENT embeds) is declared in nx_api.h; the client computes
   its APOP digest itself, so no MD5 service is offered here. */
#ifndef NX_MD5_H
#define NX_MD5_H

#include "nx_api.h"

#endif /* NX_MD5_H */
