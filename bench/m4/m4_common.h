/* Shared part of bench/m4's size programs. The globals are what a program
   gives the library for one IP instance and one POP3 client (default
   1,460-byte window) with a 16-packet pool of 1,536-byte payloads: their
   sizes (nm -S) are m4_ram_bytes_one_client's parts. */
#ifndef M4_COMMON_H
#define M4_COMMON_H
/* Linked with the bare-metal thumb library: its NX_IP_MEMORY_OVERHEAD. */
#ifndef NX_POP3_PORT_BAREMETAL
#define NX_POP3_PORT_BAREMETAL 1
#endif
#include "nx_api.h"
#include "nxd_pop3_client.h"

#define M4_PAYLOAD 1536
#define M4_PACKETS 16
/* nx_packet_pool_create: each packet is an NX_PACKET header + the payload
   rounded up to 8 (include/nx_pop3_client.h). */
#define M4_POOL_BYTES (M4_PACKETS * (sizeof(NX_PACKET) + ((M4_PAYLOAD + 7) & ~7u)))
/* nx_ip_create: NX_IP_MEMORY_OVERHEAD + 2 x (MTU + 20) + one TCP socket
   with a window up to 2,048 bytes (the POP3 client's). */
#ifdef NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED
#define M4_SOCKET_BYTES NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED /* embedded ports' transmit buffer (4 x 1460) */
#else
#define M4_SOCKET_BYTES NX_TCP_SOCKET_MEMORY_SMALL
#endif
#define M4_IP_AREA_BYTES (NX_IP_MEMORY_OVERHEAD + 2 * (1500 + 20) + M4_SOCKET_BYTES)

NX_PACKET_POOL pool;
NX_IP ip;
NX_TCP_SOCKET sock;
NX_POP3_CLIENT client;
ULONG m4_pool_area[M4_POOL_BYTES / sizeof(ULONG)];
ULONG m4_ip_area[M4_IP_AREA_BYTES / sizeof(ULONG)];
/* nx_arp_enable: at least one NetX ARP entry (52 bytes). */
ULONG m4_arp_area[52 / sizeof(ULONG)];

ULONG nx_port_ticks_get(VOID);
VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line);
ULONG nx_port_ticks_get(VOID) { return 0; }
VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line) { (void)file; (void)file_length; (void)line; for (;;) {} }

/* A driver that accepts every request (its bytes are the program's). */
static VOID m4_driver(NX_IP_DRIVER *req) { req->nx_ip_driver_status = NX_SUCCESS; }

static void m4_stack_services(NX_PACKET **p)
{
    nx_system_initialize();
    nx_packet_pool_create(&pool, "pool", M4_PAYLOAD, m4_pool_area, sizeof(m4_pool_area));
    nx_ip_create(&ip, "ip", IP_ADDRESS(192, 0, 2, 2), 0xFFFFFF00UL, &pool, m4_driver, m4_ip_area, sizeof(m4_ip_area), 1);
    nx_arp_enable(&ip, m4_arp_area, sizeof(m4_arp_area));
    nx_tcp_enable(&ip);
    nx_tcp_socket_create(&ip, &sock, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NX_NULL, NX_NULL);
    nx_tcp_client_socket_bind(&sock, NX_ANY_PORT, 0);
    nx_tcp_client_socket_connect(&sock, IP_ADDRESS(192, 0, 2, 1), 110, 0);
    if (nx_packet_allocate(&pool, p, NX_TCP_PACKET, 0) == NX_SUCCESS && nx_tcp_socket_send(&sock, *p, 0) != NX_SUCCESS)
        nx_packet_release(*p);
    if (nx_tcp_socket_receive(&sock, p, 0) == NX_SUCCESS)
        nx_packet_release(*p);
    nx_tcp_socket_disconnect(&sock, 0);
    nx_tcp_client_socket_unbind(&sock);
    nx_tcp_socket_delete(&sock);
}
#endif
