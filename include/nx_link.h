/* NetX Duo 6.4's link-layer header (nx_link.h). Its services serve VLAN and
   TSN, which this library does not offer; with NX_ENABLE_VLAN off (the
   default) a driver includes it but uses nothing from it, so it only needs to
   exist. Everything a driver uses comes from nx_api.h. */
#ifndef _NX_LINK_H_
#define _NX_LINK_H_

#include "nx_api.h"

#ifdef NX_ENABLE_VLAN
#error "NX_ENABLE_VLAN: VLAN and the nx_link services are not supported by this library"
#endif

#endif /* _NX_LINK_H_ */
