/* pop3_demo: the NetX POP3 client sample, on nx_pop3_client.

   Shaped like NetX Duo's demo_netx_pop3_client.c: tx_application_define
   creates the packet pools and two IP instances on the RAM driver, a client
   thread logs in with APOP and downloads every message, then deletes it.
   The difference: the POP3 server is here too, a small thread on the second
   IP instance serving three messages (one with lines starting with dots, one
   over 100 KB), so the demo runs anywhere with no network.

   Prints each message, then one line: messages, bytes, status. Exits 0 only
   if every message arrived exactly as the server holds it. */

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVER_ADDRESS IP_ADDRESS(192, 0, 2, 1)
#define CLIENT_ADDRESS IP_ADDRESS(192, 0, 2, 2)
#define POP3_PORT 110
#define PACKET_PAYLOAD 1536
#define POOL_MEMORY (PACKET_PAYLOAD + 128) * 64

/* RFC 1939's APOP example: the server's timestamp and the shared secret. */
#define USER_NAME "mrose"
#define PASSWORD "tanstaaf"
#define TIMESTAMP "<1896.697170952@dbc.mtview.ca.us>"
#define APOP_DIGEST "c4c9334bac560ecc979e58001b3e22fb"

#define MESSAGES 3
#define BIG_SIZE (120 * 1024)

static TX_THREAD client_thread, server_thread;
static NX_PACKET_POOL client_pool, server_pool, command_pool;
static NX_IP client_ip, server_ip;
static NX_TCP_SOCKET server_socket;
static NX_POP3_CLIENT pop3_client;

static ULONG client_pool_memory[POOL_MEMORY / sizeof(ULONG)];
static ULONG server_pool_memory[POOL_MEMORY / sizeof(ULONG)];
static ULONG command_pool_memory[(256 + 128) * 8 / sizeof(ULONG)];
/* Each IP instance's memory area holds its TCP/IP state and the buffers of
   every socket on it: NX_IP_MEMORY_OVERHEAD, two frames of scratch, and per
   socket (listen backlog included) at most NX_TCP_SOCKET_MEMORY_MAX. */
#define IP_MEMORY (NX_IP_MEMORY_OVERHEAD + 4096 + 4 * NX_TCP_SOCKET_MEMORY_MAX)
static ULONG client_ip_stack[IP_MEMORY / sizeof(ULONG)], server_ip_stack[IP_MEMORY / sizeof(ULONG)];
static ULONG client_arp[128], server_arp[128];

/* The maildrop, as the server stores it. */
static char big_message[BIG_SIZE + 1];
static const char *messages[MESSAGES];
static size_t message_sizes[MESSAGES];
static int deleted[MESSAGES];

/* What the client received. */
static char received[BIG_SIZE + 1024];

static void client_entry(ULONG input);
static void server_entry(ULONG input);

static void build_maildrop(void)
{
    static const char small[] =
        "From: alice@example.com\r\n"
        "To: mrose@example.com\r\n"
        "Subject: hello\r\n"
        "\r\n"
        "A short message.\r\n";
    static const char dotted[] =
        "From: bob@example.com\r\n"
        "Subject: lines that start with dots\r\n"
        "\r\n"
        ".hidden file names start with a dot\r\n"
        "..\r\n"
        ".\r\n"
        "...and this line starts with three\r\n"
        "The server stuffs each of them with one more dot; the client removes it.\r\n";
    size_t n = 0;
    int line = 0;

    n += (size_t)sprintf(big_message, "From: carol@example.com\r\nSubject: a big one\r\n\r\n");
    while (n + 80 < BIG_SIZE) {
        n += (size_t)sprintf(big_message + n, "%s%06d the quick brown fox jumps over the lazy dog 0123456789\r\n",
                             (line % 50 == 0) ? "." : "", line);
        line++;
    }
    messages[0] = small;
    messages[1] = dotted;
    messages[2] = big_message;
    for (int i = 0; i < MESSAGES; i++)
        message_sizes[i] = strlen(messages[i]);
}

int main(void)
{
    build_maildrop();
    tx_kernel_enter();
    return 0;
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;
    NX_PARAMETER_NOT_USED(first_unused_memory);

    nx_system_initialize();
    status = nx_packet_pool_create(&client_pool, "client pool", PACKET_PAYLOAD, client_pool_memory,
                                   sizeof(client_pool_memory));
    status |= nx_packet_pool_create(&server_pool, "server pool", PACKET_PAYLOAD, server_pool_memory,
                                    sizeof(server_pool_memory));
    /* Commands are short: NetX's guide suggests 100 to 120 bytes of payload. */
    status |= nx_packet_pool_create(&command_pool, "POP3 command pool", 256, command_pool_memory,
                                    sizeof(command_pool_memory));
    status |= nx_ip_create(&client_ip, "client IP", CLIENT_ADDRESS, 0xFFFFFF00UL, &client_pool,
                           _nx_ram_network_driver, client_ip_stack, sizeof(client_ip_stack), 1);
    status |= nx_ip_create(&server_ip, "server IP", SERVER_ADDRESS, 0xFFFFFF00UL, &server_pool,
                           _nx_ram_network_driver, server_ip_stack, sizeof(server_ip_stack), 1);
    status |= nx_arp_enable(&client_ip, client_arp, sizeof(client_arp));
    status |= nx_arp_enable(&server_ip, server_arp, sizeof(server_arp));
    status |= nx_tcp_enable(&client_ip);
    status |= nx_tcp_enable(&server_ip);
    if (status != NX_SUCCESS) {
        printf("pop3_demo: setting up the network failed (0x%02x)\n", status);
        test_control_return(1);
        return;
    }
    /* The server listens before the client thread starts, so the client's
       connection request always finds it. */
    status = nx_tcp_socket_create(&server_ip, &server_socket, "POP3 server socket", NX_IP_NORMAL,
                                  NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);
    status |= nx_tcp_server_socket_listen(&server_ip, POP3_PORT, &server_socket, 5, NX_NULL);
    if (status != NX_SUCCESS) {
        printf("pop3_demo: server listen failed (0x%02x)\n", status);
        test_control_return(1);
        return;
    }
    tx_thread_create(&server_thread, "POP3 server", server_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
    tx_thread_create(&client_thread, "POP3 client", client_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
}

/* ------------------------------------------------------------------ client */

static void show(UINT index, const char *data, ULONG size)
{
    printf("---- message %u, %lu bytes ----\n", index, (unsigned long)size);
    if (size <= 2048) {
        fwrite(data, 1, size, stdout);
    } else {
        fwrite(data, 1, 400, stdout);
        printf("[... %lu more bytes ...]\n", (unsigned long)(size - 400));
    }
}

static void client_entry(ULONG input)
{
    UINT status, items = 0, index, final_packet, matched = 0;
    ULONG maildrop_size = 0, item_size, bytes, total = 0, got;
    NX_PACKET *packet;
    NX_PARAMETER_NOT_USED(input);

    /* Log in with APOP (the server's greeting carries a timestamp). */
    status = nx_pop3_client_create(&pop3_client, NX_TRUE, &client_ip, &command_pool, SERVER_ADDRESS, POP3_PORT,
                                   USER_NAME, PASSWORD);
    if (status != NX_SUCCESS) {
        printf("pop3_demo: 0 messages, 0 bytes, status 0x%02x (create)\n", status);
        test_control_return(1);
        return;
    }
    printf("logged in as %s with %s\n", USER_NAME,
           pop3_client.nx_pop3_client_enable_APOP_authentication ? "APOP" : "USER/PASS");

    status = nx_pop3_client_mail_items_get(&pop3_client, &items, &maildrop_size);
    if (status == NX_SUCCESS)
        printf("maildrop: %u messages, %lu bytes\n", items, (unsigned long)maildrop_size);

    for (index = 1; status == NX_SUCCESS && index <= items; index++) {
        status = nx_pop3_client_mail_item_get(&pop3_client, index, &item_size);
        if (status != NX_SUCCESS)
            break;
        got = 0;
        do {
            status = nx_pop3_client_mail_item_message_get(&pop3_client, &packet, &bytes, &final_packet);
            if (status != NX_SUCCESS)
                break;
            if (got + bytes <= sizeof(received))
                nx_packet_data_retrieve(packet, received + got, &bytes);
            got += bytes;
            nx_packet_release(packet);
        } while (!final_packet);
        if (status != NX_SUCCESS)
            break;
        show(index, received, got);
        if (index <= MESSAGES && got == message_sizes[index - 1] && got == item_size &&
            memcmp(received, messages[index - 1], got) == 0)
            matched++;
        else
            printf("pop3_demo: message %u differs from the server's copy\n", index);
        total += got;
        status = nx_pop3_client_mail_item_delete(&pop3_client, index);
    }
    if (status == NX_SUCCESS)
        status = nx_pop3_client_quit(&pop3_client);
    nx_pop3_client_delete(&pop3_client);

    printf("pop3_demo: %u messages, %lu bytes, status 0x%02x (%s)\n", matched, (unsigned long)total, status,
           (status == NX_SUCCESS && matched == MESSAGES && items == MESSAGES) ? "all messages match" : "FAILED");
    test_control_return((status == NX_SUCCESS && matched == MESSAGES && items == MESSAGES) ? 0 : 1);
}

/* ------------------------------------------------------------------ server */

static UINT send_text(const char *text, size_t length)
{
    NX_PACKET *packet;
    UINT status = nx_packet_allocate(&server_pool, &packet, NX_TCP_PACKET, NX_WAIT_FOREVER);
    if (status != NX_SUCCESS)
        return status;
    status = nx_packet_data_append(packet, (VOID *)text, (ULONG)length, &server_pool, NX_WAIT_FOREVER);
    if (status == NX_SUCCESS)
        status = nx_tcp_socket_send(&server_socket, packet, 10 * NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS)
        nx_packet_release(packet);
    return status;
}

static UINT send_line(const char *line) { return send_text(line, strlen(line)); }

/* Sends a message dot-stuffed (RFC 1939 section 3), then the terminator. */
static UINT send_message(const char *message, size_t size)
{
    static char chunk[1400];
    size_t used = 0, i = 0;
    int line_start = 1;
    UINT status = NX_SUCCESS;

    while (i < size && status == NX_SUCCESS) {
        if (line_start && message[i] == '.')
            chunk[used++] = '.';
        chunk[used++] = message[i];
        line_start = (message[i] == '\n');
        i++;
        if (used >= sizeof(chunk) - 2) {
            status = send_text(chunk, used);
            used = 0;
        }
    }
    if (status == NX_SUCCESS && used > 0)
        status = send_text(chunk, used);
    return status == NX_SUCCESS ? send_line(".\r\n") : status;
}

/* Reads one command line (commands are short; they arrive in one packet here). */
static UINT read_command(char *line, ULONG size)
{
    NX_PACKET *packet;
    ULONG length = 0;
    UINT status = nx_tcp_socket_receive(&server_socket, &packet, 30 * NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS)
        return status;
    if (packet->nx_packet_length < size)
        nx_packet_data_retrieve(packet, line, &length);
    nx_packet_release(packet);
    line[length] = 0;
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
        line[--length] = 0;
    return NX_SUCCESS;
}

static void server_entry(ULONG input)
{
    char line[256], reply[128];
    UINT status, n;
    int logged_in = 0;
    NX_PARAMETER_NOT_USED(input);

    status = nx_tcp_server_socket_accept(&server_socket, 30 * NX_IP_PERIODIC_RATE);
    if (status == NX_SUCCESS)
        status = send_line("+OK POP3 server ready " TIMESTAMP "\r\n");

    while (status == NX_SUCCESS && read_command(line, sizeof(line)) == NX_SUCCESS) {
        if (strcmp(line, "APOP " USER_NAME " " APOP_DIGEST) == 0) {
            logged_in = 1;
            status = send_line("+OK maildrop locked and ready\r\n");
        } else if (strncmp(line, "USER ", 5) == 0 || strncmp(line, "PASS ", 5) == 0) {
            status = send_line("-ERR use APOP\r\n");
        } else if (!logged_in) {
            status = send_line("-ERR not logged in\r\n");
        } else if (strcmp(line, "STAT") == 0) {
            unsigned count = 0;
            unsigned long size = 0;
            for (n = 0; n < MESSAGES; n++)
                if (!deleted[n]) {
                    count++;
                    size += (unsigned long)message_sizes[n];
                }
            sprintf(reply, "+OK %u %lu\r\n", count, size);
            status = send_line(reply);
        } else if (sscanf(line, "RETR %u", &n) == 1 && n >= 1 && n <= MESSAGES && !deleted[n - 1]) {
            sprintf(reply, "+OK %lu octets\r\n", (unsigned long)message_sizes[n - 1]);
            status = send_line(reply);
            if (status == NX_SUCCESS)
                status = send_message(messages[n - 1], message_sizes[n - 1]);
        } else if (sscanf(line, "DELE %u", &n) == 1 && n >= 1 && n <= MESSAGES && !deleted[n - 1]) {
            deleted[n - 1] = 1;
            sprintf(reply, "+OK message %u deleted\r\n", n);
            status = send_line(reply);
        } else if (strcmp(line, "QUIT") == 0) {
            send_line("+OK dewey POP3 server signing off\r\n");
            break;
        } else {
            status = send_line("-ERR unknown command\r\n");
        }
    }
    nx_tcp_socket_disconnect(&server_socket, 5 * NX_IP_PERIODIC_RATE);
    nx_tcp_server_socket_unaccept(&server_socket);
    nx_tcp_server_socket_unlisten(&server_ip, POP3_PORT);
    nx_tcp_socket_delete(&server_socket);
}
