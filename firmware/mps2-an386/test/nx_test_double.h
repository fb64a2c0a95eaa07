/* TEST DOUBLE, not NetX and not shipped: the few NetX services the LAN9118
   driver calls, just enough to exercise the driver without the library
   (packet pool from a static array, deferred-receive queues the test reads,
   transmit release, the interface setters recording what the driver set).
   Only test_lan9118.c links it; the real firmware links libnx_pop3_client.a. */
#ifndef NX_TEST_DOUBLE_H
#define NX_TEST_DOUBLE_H

#include "nx_api.h"

/* Carves `memory` into packets of `payload` bytes; data_start of every packet
   is 8-byte aligned plus `misalign` bytes (0 for a normal pool). */
void td_pool_create(NX_PACKET_POOL *pool, const char *name, ULONG payload, void *memory, ULONG size, ULONG misalign);

/* Frames the driver handed over, oldest first (NULL when none). */
NX_PACKET *td_ip_dequeue(void);
NX_PACKET *td_arp_dequeue(void);

/* Nonzero once if the driver asked for NX_LINK_DEFERRED_PROCESSING since the last call. */
int td_deferred_requested(void);
/* Nonzero if a request is pending (does not clear it). */
int td_deferred_pending(void);

/* What the driver told the IP instance during NX_LINK_INITIALIZE. */
typedef struct
{
    ULONG mtu_calls, mtu, mtu_index;
    ULONG mac_calls, mac_msw, mac_lsw, mac_update_driver;
    ULONG mapping_calls, mapping_needed;
    ULONG transmit_releases;
    ULONG ip_received, arp_received;
    ULONG bad_calls; /* calls with a wrong IP, interface index, or packet */
} td_record_t;

extern td_record_t td_record;

#endif /* NX_TEST_DOUBLE_H */
