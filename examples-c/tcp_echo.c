/* tcp_echo: two NetX IP instances on the in-memory RAM driver, an echo
   server on one and a client on the other. Written as a NetX program is:
   everything is set up in tx_application_define, the work runs in threads.

   make build/tcp_echo && build/tcp_echo */
#include "tx_api.h"
#include "nx_api.h"

#include <stdio.h>
#include <string.h>

#define SERVER_ADDRESS IP_ADDRESS(192, 168, 1, 1)
#define CLIENT_ADDRESS IP_ADDRESS(192, 168, 1, 2)
#define ECHO_PORT 7
#define POOL_SIZE (32 * (1536 + sizeof(NX_PACKET) + 8))

static NX_PACKET_POOL server_pool, client_pool;
static NX_IP server_ip, client_ip;
static NX_TCP_SOCKET server_socket, client_socket;
static TX_THREAD server_thread, client_thread;
static ULONG server_pool_area[POOL_SIZE / sizeof(ULONG)], client_pool_area[POOL_SIZE / sizeof(ULONG)];
/* IP memory areas: state, frame scratch and the sockets' buffers. */
#define IP_MEMORY (NX_IP_MEMORY_OVERHEAD + 4096 + 2 * NX_TCP_SOCKET_MEMORY_MAX)
static ULONG server_stack[IP_MEMORY / sizeof(ULONG)], client_stack[IP_MEMORY / sizeof(ULONG)];
static ULONG server_arp[1024 / sizeof(ULONG)], client_arp[1024 / sizeof(ULONG)];

/* Echoes whatever arrives until the client closes. */
static void server_entry(ULONG input)
{
    NX_PACKET *packet;
    NX_PARAMETER_NOT_USED(input);

    nx_tcp_server_socket_accept(&server_socket, NX_WAIT_FOREVER);
    while (nx_tcp_socket_receive(&server_socket, &packet, NX_WAIT_FOREVER) == NX_SUCCESS) {
        /* A successful send passes the packet on; a failed one leaves it with us. */
        if (nx_tcp_socket_send(&server_socket, packet, NX_IP_PERIODIC_RATE) != NX_SUCCESS)
            nx_packet_release(packet);
    }
    /* The client closed: close our side, get ready for the next one. */
    nx_tcp_socket_disconnect(&server_socket, NX_IP_PERIODIC_RATE);
    nx_tcp_server_socket_unaccept(&server_socket);
    nx_tcp_server_socket_unlisten(&server_ip, ECHO_PORT);
}

static void client_entry(ULONG input)
{
    NX_PACKET *packet;
    char line[64], reply[64];
    ULONG length;
    UINT status, i;
    NX_PARAMETER_NOT_USED(input);

    nx_tcp_client_socket_bind(&client_socket, NX_ANY_PORT, NX_WAIT_FOREVER);
    status = nx_tcp_client_socket_connect(&client_socket, SERVER_ADDRESS, ECHO_PORT, 5 * NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS) {
        printf("connect failed: 0x%02x\n", status);
        test_control_return(1);
    }
    for (i = 1; i <= 3; i++) {
        snprintf(line, sizeof(line), "hello number %u", i);
        nx_packet_allocate(&client_pool, &packet, NX_TCP_PACKET, NX_WAIT_FOREVER);
        nx_packet_data_append(packet, line, (ULONG)strlen(line), &client_pool, NX_WAIT_FOREVER);
        status = nx_tcp_socket_send(&client_socket, packet, NX_IP_PERIODIC_RATE);
        if (status != NX_SUCCESS)
            nx_packet_release(packet);

        /* Short messages come back in one packet on this link. */
        status = nx_tcp_socket_receive(&client_socket, &packet, 5 * NX_IP_PERIODIC_RATE);
        if (status != NX_SUCCESS) {
            printf("no echo: 0x%02x\n", status);
            test_control_return(1);
        }
        nx_packet_data_retrieve(packet, reply, &length);
        reply[length] = '\0';
        nx_packet_release(packet);
        printf("sent \"%s\", got back \"%s\"\n", line, reply);
    }
    nx_tcp_socket_disconnect(&client_socket, 5 * NX_IP_PERIODIC_RATE);
    nx_tcp_client_socket_unbind(&client_socket);
    tx_thread_join(&server_thread);
    printf("pools: server %lu/%lu, client %lu/%lu packets free\n",
           (unsigned long)server_pool.nx_packet_pool_available, (unsigned long)server_pool.nx_packet_pool_total,
           (unsigned long)client_pool.nx_packet_pool_available, (unsigned long)client_pool.nx_packet_pool_total);
    test_control_return(0);
}

void tx_application_define(void *first_unused_memory)
{
    NX_PARAMETER_NOT_USED(first_unused_memory);
    nx_system_initialize();

    /* One packet pool and one IP instance per side, both on the RAM driver. */
    nx_packet_pool_create(&server_pool, "server pool", 1536, server_pool_area, sizeof(server_pool_area));
    nx_packet_pool_create(&client_pool, "client pool", 1536, client_pool_area, sizeof(client_pool_area));
    nx_ip_create(&server_ip, "server", SERVER_ADDRESS, 0xFFFFFF00UL, &server_pool, _nx_ram_network_driver,
                 server_stack, sizeof(server_stack), 1);
    nx_ip_create(&client_ip, "client", CLIENT_ADDRESS, 0xFFFFFF00UL, &client_pool, _nx_ram_network_driver,
                 client_stack, sizeof(client_stack), 1);
    nx_arp_enable(&server_ip, server_arp, sizeof(server_arp));
    nx_arp_enable(&client_ip, client_arp, sizeof(client_arp));
    nx_tcp_enable(&server_ip);
    nx_tcp_enable(&client_ip);

    /* The server listens before the client thread starts. */
    nx_tcp_socket_create(&server_ip, &server_socket, "echo server", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                         NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);
    nx_tcp_server_socket_listen(&server_ip, ECHO_PORT, &server_socket, 5, NX_NULL);
    nx_tcp_socket_create(&client_ip, &client_socket, "echo client", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                         NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);

    tx_thread_create(&server_thread, "server", server_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START);
    tx_thread_create(&client_thread, "client", client_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START);
}

int main(void)
{
    tx_kernel_enter();
    return 0;
}
