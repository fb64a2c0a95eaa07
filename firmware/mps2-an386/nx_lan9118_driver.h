/* NetX Ethernet driver for the SMSC LAN9118 / LAN9220 (mps2-an386 in QEMU).

   Give the entry to nx_ip_create (or nx_ip_interface_attach):

       nx_ip_create(&ip, "ip", IP_ADDRESS(192, 0, 2, 2), 0xFFFFFF00UL, &pool,
                    nx_lan9118_driver, stack, sizeof(stack), 1);

   and route the controller's interrupt (IRQ 13 on mps2-an386) to
   ETHERNET_IRQHandler, which this driver defines. The driver then works the
   NetX way: the interrupt handler masks the controller's interrupt and calls
   _nx_ip_driver_deferred_processing(); the IP instance answers with an
   NX_LINK_DEFERRED_PROCESSING request, in which the driver drains the
   receive FIFO completely into packets from the IP instance's default pool
   and hands them on with _nx_ip_packet_deferred_receive() (IPv4, IPv6) or
   _nx_arp_packet_deferred_receive() (ARP), then unmasks the interrupt.
   A stack that polls may send NX_LINK_DEFERRED_PROCESSING at any time; it
   is always safe.

   The default pool's payload must hold a whole frame plus 6 bytes
   (2 alignment bytes, 4 CRC bytes): at least NX_LAN9118_MIN_PAYLOAD.
   Frames are received 2 bytes into the packet, so that the IP or ARP header
   after the 14-byte Ethernet header is 4-byte aligned, as NetX requires.

   Configuration (define before compiling the driver):
     NX_LAN9118_BASE         register base, default 0x40200000
     NX_LAN9118_IRQ          NVIC interrupt number, default 13
     NX_LAN9118_DEFAULT_MAC  six bytes used when the controller has no MAC
                             address (no EEPROM), default 02:00:00:39:21:18
     NX_LAN9118_POLLING      define to run without the interrupt: the stack
                             must then send NX_LINK_DEFERRED_PROCESSING often. */
#ifndef NX_LAN9118_DRIVER_H
#define NX_LAN9118_DRIVER_H

#include "nx_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MTU given to NetX, and the smallest packet payload the receive pool must have. */
#define NX_LAN9118_MTU          1500u
#define NX_LAN9118_MIN_PAYLOAD  (2u + 14u + NX_LAN9118_MTU + 4u + 4u)

/* Counters, also answered to NX_LINK_GET_RX_COUNT, _TX_COUNT, _ERROR_COUNT
   and _ALLOC_ERRORS. */
typedef struct NX_LAN9118_STATISTICS_STRUCT
{
    ULONG nx_lan9118_rx_frames;          /* frames handed to NetX */
    ULONG nx_lan9118_rx_bytes;           /* their bytes, Ethernet header included */
    ULONG nx_lan9118_rx_errors;          /* frames the controller flagged (CRC, runt, too long, ...): dropped */
    ULONG nx_lan9118_rx_no_packet;       /* frames dropped because the pool was empty */
    ULONG nx_lan9118_rx_too_big;         /* frames dropped because a pool packet could not hold them */
    ULONG nx_lan9118_rx_unknown_type;    /* frames of another EtherType: released */
    ULONG nx_lan9118_rx_fifo_dropped;    /* the controller's RX_DROP counter (frames it had no room for) */
    ULONG nx_lan9118_tx_frames;
    ULONG nx_lan9118_tx_bytes;
    ULONG nx_lan9118_tx_errors;          /* not sent: link disabled, no headroom, FIFO full, or TX status error */
    ULONG nx_lan9118_interrupts;
    ULONG nx_lan9118_deferred_requests;  /* NX_LINK_DEFERRED_PROCESSING requests served */
    ULONG nx_lan9118_link_changes;       /* PHY link up/down events seen */
} NX_LAN9118_STATISTICS;

/* The driver entry, written to the NetX driver protocol. */
VOID nx_lan9118_driver(NX_IP_DRIVER *driver_req_ptr);

/* The controller's interrupt handler (put in the vector table for IRQ 13). */
VOID ETHERNET_IRQHandler(VOID);

/* The counters above (read-only view). */
const NX_LAN9118_STATISTICS *nx_lan9118_statistics_get(VOID);

#ifdef __cplusplus
}
#endif

#endif /* NX_LAN9118_DRIVER_H */
