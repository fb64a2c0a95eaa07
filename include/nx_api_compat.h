/* What NetX's nx_api.h and its port header (nx_port.h) offer to drivers and
   programs besides the services: the C library headers NetX brings in, byte
   order macros, the field aliases NetX keeps for source compatibility, and
   the names of the gateway, address and capability services. Included at the
   end of nx_pop3_client.h (generated); not meant to be included on its own. */
#ifndef NX_API_COMPAT_H
#define NX_API_COMPAT_H

/* NetX's nx_api.h includes its port header, which includes these: drivers
   call memset and memcpy with nothing else included. */
#include <string.h>

/* Byte order. NetX ports define NX_LITTLE_ENDIAN on little-endian targets;
   NX_CHANGE_ULONG_ENDIAN / NX_CHANGE_USHORT_ENDIAN then swap a variable in
   place between host and network order, and do nothing on big-endian ones. */
#if !defined(NX_LITTLE_ENDIAN) && defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NX_LITTLE_ENDIAN 1
#endif
#endif

#ifdef NX_LITTLE_ENDIAN
#define NX_CHANGE_ULONG_ENDIAN(arg)                                                                       \
    do {                                                                                                  \
        ULONG _nx_swap = (ULONG)(arg);                                                                    \
        (arg) = (ULONG)((_nx_swap >> 24) | ((_nx_swap >> 8) & 0x0000FF00UL) | ((_nx_swap << 8) & 0x00FF0000UL) | \
                        (_nx_swap << 24));                                                                \
    } while (0)
#define NX_CHANGE_USHORT_ENDIAN(arg)                                                                      \
    do {                                                                                                  \
        USHORT _nx_swap = (USHORT)(arg);                                                                  \
        (arg) = (USHORT)((USHORT)(_nx_swap >> 8) | (USHORT)(_nx_swap << 8));                              \
    } while (0)
#else
#define NX_CHANGE_ULONG_ENDIAN(arg) \
    do {                            \
    } while (0)
#define NX_CHANGE_USHORT_ENDIAN(arg) \
    do {                             \
    } while (0)
#endif

/* The interface a packet came in on, as NetX also names it. */
#define nx_packet_ip_interface nx_packet_address.nx_packet_interface_ptr

/* NetX's names for the fields of the primary interface, kept by NetX for
   programs and drivers written before multihoming. */
#define nx_ip_address nx_ip_interface[0].nx_interface_ip_address
#define nx_ip_driver_mtu nx_ip_interface[0].nx_interface_ip_mtu_size
#define nx_ip_driver_mapping_needed nx_ip_interface[0].nx_interface_address_mapping_needed
#define nx_ip_network_mask nx_ip_interface[0].nx_interface_ip_network_mask
#define nx_ip_network nx_ip_interface[0].nx_interface_ip_network
#define nx_ip_arp_physical_address_msw nx_ip_interface[0].nx_interface_physical_address_msw
#define nx_ip_arp_physical_address_lsw nx_ip_interface[0].nx_interface_physical_address_lsw
#define nx_ip_driver_link_up nx_ip_interface[0].nx_interface_link_up
#define nx_ip_link_driver_entry nx_ip_interface[0].nx_interface_link_driver_entry
#define nx_ip_additional_link_info nx_ip_interface[0].nx_interface_additional_link_info

/* Service names (checked forms unless NX_DISABLE_ERROR_CHECKING). */
#ifndef NX_DISABLE_ERROR_CHECKING
#define nx_ip_gateway_address_set _nxe_ip_gateway_address_set
#define nx_ip_gateway_address_get _nxe_ip_gateway_address_get
#define nx_ip_gateway_address_clear _nxe_ip_gateway_address_clear
#define nx_ip_address_get _nxe_ip_address_get
#define nx_ip_address_set _nxe_ip_address_set
#define nx_ip_interface_capability_set _nxe_ip_interface_capability_set
#define nx_ip_interface_capability_get _nxe_ip_interface_capability_get
#else
#define nx_ip_gateway_address_set _nx_ip_gateway_address_set
#define nx_ip_gateway_address_get _nx_ip_gateway_address_get
#define nx_ip_gateway_address_clear _nx_ip_gateway_address_clear
#define nx_ip_address_get _nx_ip_address_get
#define nx_ip_address_set _nx_ip_address_set
#define nx_ip_interface_capability_set _nx_ip_interface_capability_set
#define nx_ip_interface_capability_get _nx_ip_interface_capability_get
#endif

#endif /* NX_API_COMPAT_H */
