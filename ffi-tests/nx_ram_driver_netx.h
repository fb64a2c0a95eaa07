/* The NetX-shaped simulated Ethernet driver of nx_ram_driver_netx.c (a test
   driver, not part of the library). Declared the way NetX programs declare
   their driver: with the struct tag. */
#ifndef NX_RAM_DRIVER_NETX_H
#define NX_RAM_DRIVER_NETX_H

VOID _nx_ram_network_driver_netx(struct NX_IP_DRIVER_STRUCT *driver_req_ptr);

/* What went through the driver (updated without locks: read them once the
   traffic is over). */
typedef struct NX_RAM_NETX_STATS_STRUCT {
    ULONG attached, initialized, uninitialized;
    ULONG sent;          /* frames built for PACKET_SEND/BROADCAST/ARP/RARP */
    ULONG received_ip;   /* IPv4/IPv6 frames handed to the IP instance */
    ULONG received_arp;  /* ARP frames handed to the IP instance */
    ULONG copy_failures; /* receiver's pool empty: frame lost */
    ULONG unhandled;     /* commands answered NX_UNHANDLED_COMMAND */
    ULONG received_ipv6; /* of received_ip: EtherType 0x86DD */
    ULONG multicast_joined; /* groups joined now (JOIN minus LEAVE) */
    ULONG multicast_errors; /* JOIN with no free slot, LEAVE of a group not joined */
} NX_RAM_NETX_STATS;

extern NX_RAM_NETX_STATS nx_ram_netx_stats;

#endif
