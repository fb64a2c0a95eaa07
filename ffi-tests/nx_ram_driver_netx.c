/* A simulated Ethernet driver written the way NetX's own RAM driver
   (common/src/nx_ram_network_driver.c of NetX Duo) and the vendor drivers
   modelled on it are written, compiled against our headers unchanged in
   shape: nx_api.h and nx_link.h, the request switch over nx_ip_driver_command
   with the interface looked up per request, the Ethernet header built as four
   ULONG words in the 16 bytes before prepend_ptr and swapped with
   NX_CHANGE_ULONG_ENDIAN, nx_packet_copy into the receiver's default pool,
   preemption "disabled" around delivery, the receive interface stored in
   nx_packet_address.nx_packet_interface_ptr and the frame handed on by
   EtherType to _nx_ip_packet_deferred_receive, _nx_arp_packet_deferred_receive
   or _nx_rarp_packet_deferred_receive.

   It is a test of the library's driver protocol, not part of the library: the
   entry point is _nx_ram_network_driver_netx (the library ships its own
   _nx_ram_network_driver). Every IP instance using it sits on one simulated
   segment, separate from the library's RAM driver. The counters at the end
   let tests check that their traffic really went through here. */

#include "tx_api.h"
#include "nx_api.h"
#include "nx_link.h"

#include "nx_ram_driver_netx.h"

/* Link MTU: the IP MTU plus the Ethernet header. */
#define NX_LINK_MTU 1514

/* The Ethernet header in front of IP, ARP and RARP payloads: destination MAC
   (6 bytes), source MAC (6), EtherType (2). The driver writes it as four
   32-bit words starting 2 bytes before the header, so it assumes 16 bytes of
   headroom before prepend_ptr, 4-byte aligned (NX_PHYSICAL_HEADER). */
#define NX_ETHERNET_IP 0x0800
#define NX_ETHERNET_ARP 0x0806
#define NX_ETHERNET_RARP 0x8035
#define NX_ETHERNET_IPV6 0x86DD
#define NX_ETHERNET_SIZE 14

/* MAC of the first instance; the next ones add 1, 2, 3. */
static ULONG simulated_address_msw = 0x0011;
static ULONG simulated_address_lsw = 0x22334456;

void _nx_ram_network_driver_netx_output(NX_PACKET *packet_ptr, UINT interface_instance_id);
void _nx_ram_network_driver_netx_receive(NX_IP *ip_ptr, NX_PACKET *packet_ptr, UINT interface_instance_id);

#define NX_MAX_RAM_INTERFACES 4
#define NX_RAM_DRIVER_MAX_MCAST_ADDRESSES 3

typedef struct MAC_ADDRESS_STRUCT {
    ULONG nx_mac_address_msw;
    ULONG nx_mac_address_lsw;
} MAC_ADDRESS;

/* One attached interface. */
typedef struct NX_RAM_NETX_INSTANCE_STRUCT {
    UINT nx_ram_network_driver_in_use;
    UINT nx_ram_network_driver_id;
    NX_INTERFACE *nx_ram_driver_interface_ptr;
    NX_IP *nx_ram_driver_ip_ptr;
    MAC_ADDRESS nx_ram_driver_mac_address;
    MAC_ADDRESS nx_ram_driver_mcast_address[NX_RAM_DRIVER_MAX_MCAST_ADDRESSES];
} NX_RAM_NETX_INSTANCE;

static NX_RAM_NETX_INSTANCE nx_ram_driver[NX_MAX_RAM_INTERFACES];

NX_RAM_NETX_STATS nx_ram_netx_stats;

VOID _nx_ram_network_driver_netx(struct NX_IP_DRIVER_STRUCT *driver_req_ptr)
{
    UINT i = 0;
    NX_IP *ip_ptr;
    NX_PACKET *packet_ptr;
    ULONG *ethernet_frame_ptr;
    NX_INTERFACE *interface_ptr;
    UINT interface_index;
    USHORT ether_type;

    ip_ptr = driver_req_ptr->nx_ip_driver_ptr;
    driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;
    interface_ptr = driver_req_ptr->nx_ip_driver_interface;
    interface_index = interface_ptr->nx_interface_index;

    /* Every command but ATTACH is for an interface attached before. */
    if (driver_req_ptr->nx_ip_driver_command != NX_LINK_INTERFACE_ATTACH) {
        for (i = 0; i < NX_MAX_RAM_INTERFACES; i++) {
            if (nx_ram_driver[i].nx_ram_network_driver_in_use == 0)
                continue;
            if (nx_ram_driver[i].nx_ram_driver_ip_ptr != ip_ptr)
                continue;
            if (nx_ram_driver[i].nx_ram_driver_interface_ptr == interface_ptr)
                break;
        }
        if (i == NX_MAX_RAM_INTERFACES) {
            driver_req_ptr->nx_ip_driver_status = NX_INVALID_INTERFACE;
            return;
        }
    }

    switch (driver_req_ptr->nx_ip_driver_command) {

    case NX_LINK_INTERFACE_ATTACH:
        for (i = 0; i < NX_MAX_RAM_INTERFACES; i++) {
            if (nx_ram_driver[i].nx_ram_network_driver_in_use == 0)
                break;
        }
        if (i < NX_MAX_RAM_INTERFACES) {
            nx_ram_driver[i].nx_ram_network_driver_in_use = 1;
            nx_ram_driver[i].nx_ram_network_driver_id = i;
            nx_ram_driver[i].nx_ram_driver_interface_ptr = interface_ptr;
            nx_ram_driver[i].nx_ram_driver_ip_ptr = ip_ptr;
            nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_msw = simulated_address_msw;
            nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_lsw = simulated_address_lsw + i;
            nx_ram_netx_stats.attached++;
        } else {
            driver_req_ptr->nx_ip_driver_status = NX_INVALID_INTERFACE;
        }
        break;

    case NX_LINK_INTERFACE_DETACH:
    case NX_LINK_UNINITIALIZE:
        memset(&(nx_ram_driver[i]), 0, sizeof(NX_RAM_NETX_INSTANCE));
        nx_ram_netx_stats.uninitialized++;
        break;

    case NX_LINK_INITIALIZE:
#ifdef NX_DEBUG
        printf("NetX RAM Driver Initialization - %s\n", ip_ptr->nx_ip_name);
        printf("  IP Address =%08lX\n", (unsigned long)ip_ptr->nx_ip_address);
#endif
        /* The IP MTU excludes the Ethernet header. */
        nx_ip_interface_mtu_set(ip_ptr, interface_index, (NX_LINK_MTU - NX_ETHERNET_SIZE));
        nx_ip_interface_physical_address_set(ip_ptr, interface_index,
                                             nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_msw,
                                             nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_lsw, NX_FALSE);
        /* IP to MAC mapping (ARP) is needed on Ethernet. */
        nx_ip_interface_address_mapping_configure(ip_ptr, interface_index, NX_TRUE);
        /* No checksum offload: the stack computes them all. */
        nx_ip_interface_capability_set(ip_ptr, interface_index, 0);
        nx_ram_netx_stats.initialized++;
        break;

    case NX_LINK_ENABLE:
        interface_ptr->nx_interface_link_up = NX_TRUE;
        break;

    case NX_LINK_DISABLE:
        interface_ptr->nx_interface_link_up = NX_FALSE;
        break;

    case NX_LINK_PACKET_SEND:
    case NX_LINK_PACKET_BROADCAST:
    case NX_LINK_ARP_SEND:
    case NX_LINK_ARP_RESPONSE_SEND:
    case NX_LINK_RARP_SEND:
        packet_ptr = driver_req_ptr->nx_ip_driver_packet;

        if (driver_req_ptr->nx_ip_driver_command == NX_LINK_ARP_SEND ||
            driver_req_ptr->nx_ip_driver_command == NX_LINK_ARP_RESPONSE_SEND)
            ether_type = NX_ETHERNET_ARP;
        else if (driver_req_ptr->nx_ip_driver_command == NX_LINK_RARP_SEND)
            ether_type = NX_ETHERNET_RARP;
        else if (packet_ptr->nx_packet_ip_version == NX_IP_VERSION_V4)
            ether_type = NX_ETHERNET_IP;
        else
            ether_type = NX_ETHERNET_IPV6;

        /* Room for the Ethernet header in front of the IP/ARP header. */
        packet_ptr->nx_packet_prepend_ptr = packet_ptr->nx_packet_prepend_ptr - NX_ETHERNET_SIZE;
        packet_ptr->nx_packet_length = packet_ptr->nx_packet_length + NX_ETHERNET_SIZE;

        /* Two bytes further back the header is 32-bit aligned: build it as
           four words (destination, source, type), then put them in network
           byte order. */
        ethernet_frame_ptr = (ULONG *)(packet_ptr->nx_packet_prepend_ptr - 2);
        *ethernet_frame_ptr = driver_req_ptr->nx_ip_driver_physical_address_msw;
        *(ethernet_frame_ptr + 1) = driver_req_ptr->nx_ip_driver_physical_address_lsw;
        *(ethernet_frame_ptr + 2) = (interface_ptr->nx_interface_physical_address_msw << 16) |
                                    (interface_ptr->nx_interface_physical_address_lsw >> 16);
        *(ethernet_frame_ptr + 3) = (interface_ptr->nx_interface_physical_address_lsw << 16) | ether_type;
        NX_CHANGE_ULONG_ENDIAN(*(ethernet_frame_ptr));
        NX_CHANGE_ULONG_ENDIAN(*(ethernet_frame_ptr + 1));
        NX_CHANGE_ULONG_ENDIAN(*(ethernet_frame_ptr + 2));
        NX_CHANGE_ULONG_ENDIAN(*(ethernet_frame_ptr + 3));

        nx_ram_netx_stats.sent++;
        _nx_ram_network_driver_netx_output(packet_ptr, i);
        break;

    case NX_LINK_RAW_PACKET_SEND:
        /* The link header is built already. */
        _nx_ram_network_driver_netx_output(driver_req_ptr->nx_ip_driver_packet, i);
        break;

    case NX_LINK_MULTICAST_JOIN: {
        UINT mcast_index;
        for (mcast_index = 0; mcast_index < NX_RAM_DRIVER_MAX_MCAST_ADDRESSES; mcast_index++) {
            MAC_ADDRESS *m = &nx_ram_driver[i].nx_ram_driver_mcast_address[mcast_index];
            if (m->nx_mac_address_msw == 0 && m->nx_mac_address_lsw == 0) {
                m->nx_mac_address_msw = driver_req_ptr->nx_ip_driver_physical_address_msw;
                m->nx_mac_address_lsw = driver_req_ptr->nx_ip_driver_physical_address_lsw;
                break;
            }
        }
        if (mcast_index == NX_RAM_DRIVER_MAX_MCAST_ADDRESSES) {
            driver_req_ptr->nx_ip_driver_status = NX_NO_MORE_ENTRIES;
            nx_ram_netx_stats.multicast_errors++;
        } else {
            nx_ram_netx_stats.multicast_joined++;
        }
        break;
    }

    case NX_LINK_MULTICAST_LEAVE: {
        UINT mcast_index;
        for (mcast_index = 0; mcast_index < NX_RAM_DRIVER_MAX_MCAST_ADDRESSES; mcast_index++) {
            MAC_ADDRESS *m = &nx_ram_driver[i].nx_ram_driver_mcast_address[mcast_index];
            if (m->nx_mac_address_msw == driver_req_ptr->nx_ip_driver_physical_address_msw &&
                m->nx_mac_address_lsw == driver_req_ptr->nx_ip_driver_physical_address_lsw) {
                m->nx_mac_address_msw = 0;
                m->nx_mac_address_lsw = 0;
                break;
            }
        }
        if (mcast_index == NX_RAM_DRIVER_MAX_MCAST_ADDRESSES) {
            driver_req_ptr->nx_ip_driver_status = NX_ENTRY_NOT_FOUND;
            nx_ram_netx_stats.multicast_errors++;
        } else {
            nx_ram_netx_stats.multicast_joined--;
        }
        break;
    }

    case NX_LINK_GET_STATUS:
        *(driver_req_ptr->nx_ip_driver_return_ptr) = ip_ptr->nx_ip_driver_link_up;
        break;

    case NX_LINK_GET_SPEED:
    case NX_LINK_GET_DUPLEX_TYPE:
    case NX_LINK_GET_ERROR_COUNT:
    case NX_LINK_GET_RX_COUNT:
    case NX_LINK_GET_TX_COUNT:
    case NX_LINK_GET_ALLOC_ERRORS:
        /* Not counted by this driver. */
        *(driver_req_ptr->nx_ip_driver_return_ptr) = 0;
        break;

    case NX_LINK_GET_INTERFACE_TYPE:
        *(driver_req_ptr->nx_ip_driver_return_ptr) = NX_INTERFACE_TYPE_ETHERNET;
        break;

    case NX_LINK_DEFERRED_PROCESSING:
        /* Frames are delivered at once: nothing is ever deferred. */
        break;

    case NX_LINK_SET_PHYSICAL_ADDRESS:
        nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_msw =
            driver_req_ptr->nx_ip_driver_physical_address_msw;
        nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_lsw =
            driver_req_ptr->nx_ip_driver_physical_address_lsw;
        break;

    case NX_INTERFACE_CAPABILITY_GET:
        *(driver_req_ptr->nx_ip_driver_return_ptr) = interface_ptr->nx_interface_capability_flag;
        break;

    case NX_INTERFACE_CAPABILITY_SET:
        break;

    default:
        driver_req_ptr->nx_ip_driver_status = NX_UNHANDLED_COMMAND;
        nx_ram_netx_stats.unhandled++;
        break;
    }
}

/* Puts a frame "on the wire": a copy for every other instance whose MAC
   matches, or all of them for a broadcast; then the sender's packet is done. */
void _nx_ram_network_driver_netx_output(NX_PACKET *packet_ptr, UINT interface_instance_id)
{
    NX_IP *next_ip;
    NX_PACKET *packet_copy;
    ULONG destination_address_msw;
    ULONG destination_address_lsw;
    UINT old_threshold = 0;
    UINT i;
    UINT mcast_index;

    destination_address_msw = (ULONG)*(packet_ptr->nx_packet_prepend_ptr);
    destination_address_msw = (destination_address_msw << 8) | (ULONG)*(packet_ptr->nx_packet_prepend_ptr + 1);
    destination_address_lsw = (ULONG)*(packet_ptr->nx_packet_prepend_ptr + 2);
    destination_address_lsw = (destination_address_lsw << 8) | (ULONG)*(packet_ptr->nx_packet_prepend_ptr + 3);
    destination_address_lsw = (destination_address_lsw << 8) | (ULONG)*(packet_ptr->nx_packet_prepend_ptr + 4);
    destination_address_lsw = (destination_address_lsw << 8) | (ULONG)*(packet_ptr->nx_packet_prepend_ptr + 5);

    /* Disable preemption (on ThreadX; the host harness only records it). */
    tx_thread_preemption_change(tx_thread_identify(), 0, &old_threshold);

    for (i = 0; i < NX_MAX_RAM_INTERFACES; i++) {
        int deliver = 0;
        if (i == interface_instance_id)
            continue;
        if (nx_ram_driver[i].nx_ram_network_driver_in_use == 0)
            continue;
        next_ip = nx_ram_driver[i].nx_ram_driver_ip_ptr;

        if ((destination_address_msw == (ULONG)0x0000FFFF && destination_address_lsw == (ULONG)0xFFFFFFFF) ||
            (destination_address_msw == nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_msw &&
             destination_address_lsw == nx_ram_driver[i].nx_ram_driver_mac_address.nx_mac_address_lsw) ||
            destination_address_msw == (ULONG)0x00003333 ||
            (destination_address_msw == 0 && destination_address_lsw == 0)) {
            deliver = 1;
        } else {
            for (mcast_index = 0; mcast_index < NX_RAM_DRIVER_MAX_MCAST_ADDRESSES; mcast_index++) {
                if (destination_address_msw ==
                        nx_ram_driver[i].nx_ram_driver_mcast_address[mcast_index].nx_mac_address_msw &&
                    destination_address_lsw ==
                        nx_ram_driver[i].nx_ram_driver_mcast_address[mcast_index].nx_mac_address_lsw)
                    deliver = 1;
            }
        }
        if (!deliver)
            continue;

        /* A copy for the receiver, from its own default pool; none left: the
           frame is lost for it, as on a real segment. */
        if (nx_packet_copy(packet_ptr, &packet_copy, next_ip->nx_ip_default_packet_pool, NX_NO_WAIT)) {
            nx_ram_netx_stats.copy_failures++;
            continue;
        }
        _nx_ram_network_driver_netx_receive(next_ip, packet_copy, i);
    }

    /* Take the Ethernet header off again and give the packet back. */
    packet_ptr->nx_packet_prepend_ptr = packet_ptr->nx_packet_prepend_ptr + NX_ETHERNET_SIZE;
    packet_ptr->nx_packet_length = packet_ptr->nx_packet_length - NX_ETHERNET_SIZE;
    nx_packet_transmit_release(packet_ptr);

    tx_thread_preemption_change(tx_thread_identify(), old_threshold, &old_threshold);
}

/* A frame arrives: record the interface, strip the Ethernet header and hand
   the payload to the IP instance by EtherType. */
void _nx_ram_network_driver_netx_receive(NX_IP *ip_ptr, NX_PACKET *packet_ptr, UINT interface_instance_id)
{
    UINT packet_type;

    packet_type = (((UINT)(*(packet_ptr->nx_packet_prepend_ptr + 12))) << 8) |
                  ((UINT)(*(packet_ptr->nx_packet_prepend_ptr + 13)));

    packet_ptr->nx_packet_address.nx_packet_interface_ptr = nx_ram_driver[interface_instance_id].nx_ram_driver_interface_ptr;

    if (packet_type == NX_ETHERNET_IP || packet_type == NX_ETHERNET_IPV6) {
        packet_ptr->nx_packet_prepend_ptr = packet_ptr->nx_packet_prepend_ptr + NX_ETHERNET_SIZE;
        packet_ptr->nx_packet_length = packet_ptr->nx_packet_length - NX_ETHERNET_SIZE;
        nx_ram_netx_stats.received_ip++;
        if (packet_type == NX_ETHERNET_IPV6)
            nx_ram_netx_stats.received_ipv6++;
#ifdef NX_DIRECT_ISR_CALL
        _nx_ip_packet_receive(ip_ptr, packet_ptr);
#else
        _nx_ip_packet_deferred_receive(ip_ptr, packet_ptr);
#endif
    } else if (packet_type == NX_ETHERNET_ARP) {
        packet_ptr->nx_packet_prepend_ptr = packet_ptr->nx_packet_prepend_ptr + NX_ETHERNET_SIZE;
        packet_ptr->nx_packet_length = packet_ptr->nx_packet_length - NX_ETHERNET_SIZE;
        nx_ram_netx_stats.received_arp++;
        _nx_arp_packet_deferred_receive(ip_ptr, packet_ptr);
    } else if (packet_type == NX_ETHERNET_RARP) {
        packet_ptr->nx_packet_prepend_ptr = packet_ptr->nx_packet_prepend_ptr + NX_ETHERNET_SIZE;
        packet_ptr->nx_packet_length = packet_ptr->nx_packet_length - NX_ETHERNET_SIZE;
        _nx_rarp_packet_deferred_receive(ip_ptr, packet_ptr);
    } else {
        /* Not a frame type this link carries. */
        nx_packet_release(packet_ptr);
    }
}
