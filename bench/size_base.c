/* pop3_text_bytes baseline: a program using the NetX services the POP3 client
   needs (pool, IP, TCP client socket), without the POP3 client. */
#include "nx_api.h"

NX_PACKET_POOL pool;
NX_IP ip;
NX_TCP_SOCKET sock;
static ULONG memory[4096];

int main(void)
{
    NX_PACKET *p = NX_NULL;
    nx_system_initialize();
    nx_packet_pool_create(&pool, "pool", 1536, memory, sizeof(memory));
    nx_ip_create(&ip, "ip", IP_ADDRESS(192, 0, 2, 2), 0xFFFFFF00UL, &pool, _nx_ram_network_driver, NX_NULL, 0, 1);
    nx_arp_enable(&ip, NX_NULL, 0);
    nx_tcp_enable(&ip);
    nx_tcp_socket_create(&ip, &sock, "s", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NX_NULL, NX_NULL);
    nx_tcp_client_socket_bind(&sock, NX_ANY_PORT, 0);
    nx_tcp_client_socket_connect(&sock, IP_ADDRESS(192, 0, 2, 1), 110, 0);
    nx_packet_allocate(&pool, &p, NX_TCP_PACKET, 0);
    if (p != NX_NULL && nx_tcp_socket_send(&sock, p, 0) != NX_SUCCESS)
        nx_packet_release(p);
    if (nx_tcp_socket_receive(&sock, &p, 0) == NX_SUCCESS)
        nx_packet_release(p);
    nx_tcp_socket_disconnect(&sock, 0);
    nx_tcp_client_socket_unbind(&sock);
    nx_tcp_socket_delete(&sock);
    nx_ip_delete(&ip);
    return 0;
}
