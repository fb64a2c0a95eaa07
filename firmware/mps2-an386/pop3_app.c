/* pop3_app: the POP3 firmware for mps2-an386, in the shape of NetX Duo's POP3
   client sample (demo_netxduo_pop3_client.c): a packet pool, an IP instance
   on the LAN9118 driver, ARP and TCP enabled, a POP3 client that logs in,
   STATs, downloads every message with nx_pop3_client_mail_item_message_get,
   optionally deletes it, QUITs and is deleted.

   What differs from the sample, because this is a test firmware:
   - No ThreadX: it runs on the library's bare-metal port, so what the
     sample does in tx_application_define and in its client thread runs
     here in main(), one after the other (application_define, then
     client_thread_entry). Under ThreadX, make application_define the body
     of tx_application_define and start client_thread_entry as a thread.
   - Options come from the QEMU command line through semihosting
     (qemu-system-arm ... -append "--user alice --pass secret --apop"):
       --server A.B.C.D[:PORT]  default 192.0.2.1:110
       --ip A.B.C.D             the firmware's address, default 192.0.2.2 (/24)
       --user NAME --pass PASSWORD
       --apop                   APOP login (else USER/PASS)
       --delete                 DELE each message once its file is written
       --out DIR                host directory for the files (must exist), default "."
       --stack                  measure each POP3 call's stack use by painting (slower)
   - Each message's exact bytes go to DIR/N.eml on the host (semihosting
     fopen/fwrite), written as DIR/N.eml.part and renamed when complete.
   - At the end every packet must be back in the pool; the exit status
     (through semihosting) is 0 on success, 1 on any failure (the step and
     the NetX status are printed), 3 on a fault.

   Compiled against include/ like any NetX program; links with the thumb
   libnx_pop3_client.a (bare-metal port) once it exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's bare-metal port: nx_ip_create's fixed part is
   NX_IP_MEMORY_OVERHEAD_BAREMETAL (no helper thread to carve for). */
#ifndef NX_POP3_PORT_BAREMETAL
#define NX_POP3_PORT_BAREMETAL 1
#endif
#include "tx_api.h"
#include "nx_api.h"
/* A server may hold its reply to a failed login for seconds, longer after
   each failure from the same address (Dovecot doubles it up to 15 s): with
   NetX's default 10 s an APOP refusal followed by USER/PASS could end in
   NX_NO_PACKET instead of the server's -ERR. Set as a NetX program does. */
#define NX_POP3_SERVER_REPLY_TIMEOUT (30 * NX_IP_PERIODIC_RATE)
#include "nxd_pop3_client.h"

#include "board.h"
#include "nx_lan9118_driver.h"

/* ------------------------------------------------------------------ sizes */

/* The driver needs packets that hold a whole Ethernet frame (1524 bytes). */
#define CLIENT_PACKET_SIZE    1536
/* The counts may be given on the command line (make firmware-app-m4ram:
   the smallest memory issue 10's m4_ram_bytes_one_client counts). */
#ifndef CLIENT_PACKET_COUNT
#define CLIENT_PACKET_COUNT   32
#endif
#ifndef CLIENT_PACKET_POOL_SIZE
#define CLIENT_PACKET_POOL_SIZE (CLIENT_PACKET_COUNT * (CLIENT_PACKET_SIZE + 64))
#endif
/* nx_ip_create's memory area (the IP thread's stack in NetX). The heap-free
   library takes the instance's state and every socket's buffers from it:
   its fixed part, two frames of scratch, and the POP3 client's one socket
   (window 1460 bytes and the embedded ports' 4 x 1460 transmit buffer, so
   the "small, embedded" socket size). Headers without these
   figures (before the heap-free build) get a plain stack-sized area. */
#ifndef CLIENT_IP_MEMORY_SIZE
#if defined(NX_IP_MEMORY_OVERHEAD) && defined(NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED)
#define CLIENT_IP_MEMORY_SIZE (NX_IP_MEMORY_OVERHEAD + 2 * (1500 + 20) + NX_TCP_SOCKET_MEMORY_SMALL_EMBEDDED)
#elif defined(NX_IP_MEMORY_OVERHEAD)
#define CLIENT_IP_MEMORY_SIZE (NX_IP_MEMORY_OVERHEAD + 2 * (1500 + 20) + NX_TCP_SOCKET_MEMORY_SMALL)
#else
#define CLIENT_IP_MEMORY_SIZE (32 * 1024)
#endif
#endif
#ifndef CLIENT_ARP_CACHE_SIZE
#define CLIENT_ARP_CACHE_SIZE 1024
#endif

#define DEFAULT_SERVER_ADDRESS IP_ADDRESS(192, 0, 2, 1)
#define DEFAULT_SERVER_PORT    110
#define DEFAULT_CLIENT_ADDRESS IP_ADDRESS(192, 0, 2, 2)

static NX_PACKET_POOL client_packet_pool;
static NX_IP client_ip;
static NX_POP3_CLIENT demo_client;
static ULONG packet_pool_area[CLIENT_PACKET_POOL_SIZE / sizeof(ULONG)];
static ULONG ip_memory_area[CLIENT_IP_MEMORY_SIZE / sizeof(ULONG)];
static ULONG arp_cache_area[CLIENT_ARP_CACHE_SIZE / sizeof(ULONG)];

/* ------------------------------------------------------------------ options */

static struct
{
    ULONG server_address;
    ULONG server_port;
    ULONG client_address;
    CHAR user[NX_POP3_MAX_USERNAME + 1];
    CHAR password[NX_POP3_MAX_PASSWORD + 1];
    UINT apop;
    UINT delete_after;
    UINT measure_stack;
    char out[128];
} options;

static char command_line[512];

/* SYS_GET_CMDLINE: the text after -append. */
static int semihost_command_line(char *buffer, int size)
{
    struct
    {
        char *buffer;
        int size;
    } block = {buffer, size - 1};
    register int r0 __asm("r0") = 0x15;
    register void *r1 __asm("r1") = &block;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    if (r0 != 0)
        return -1;
    buffer[block.size] = '\0';
    return 0;
}

static int parse_ipv4(const char *text, ULONG *address, ULONG *port)
{
    unsigned a, b, c, d, p = 0;
    char tail = 0;
    int n = sscanf(text, "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &p, &tail);
    if ((n != 4 && n != 5) || a > 255 || b > 255 || c > 255 || d > 255 || p > 65535)
        return -1;
    *address = IP_ADDRESS(a, b, c, d);
    if (port && n == 5)
        *port = p;
    return (port == NX_NULL && n == 5) ? -1 : 0;
}

static int copy_option(char *dst, size_t size, const char *value)
{
    if (value == NX_NULL || strlen(value) >= size)
        return -1;
    strcpy(dst, value);
    return 0;
}

static int parse_options(void)
{
    options.server_address = DEFAULT_SERVER_ADDRESS;
    options.server_port = DEFAULT_SERVER_PORT;
    options.client_address = DEFAULT_CLIENT_ADDRESS;
    strcpy(options.out, ".");
    if (semihost_command_line(command_line, sizeof(command_line)) != 0) {
        printf("pop3_app: no command line (semihosting SYS_GET_CMDLINE failed)\n");
        return -1;
    }
    /* The first word is the program name. */
    char *word = strtok(command_line, " ");
    while ((word = strtok(NX_NULL, " ")) != NX_NULL) {
        char *value = NX_NULL;
        int bad = 0;
        if (strcmp(word, "--apop") == 0) {
            options.apop = NX_TRUE;
            continue;
        }
        if (strcmp(word, "--delete") == 0) {
            options.delete_after = NX_TRUE;
            continue;
        }
        if (strcmp(word, "--stack") == 0) {
            options.measure_stack = NX_TRUE;
            continue;
        }
        value = strtok(NX_NULL, " ");
        if (strcmp(word, "--server") == 0)
            bad = value == NX_NULL || parse_ipv4(value, &options.server_address, &options.server_port) != 0;
        else if (strcmp(word, "--ip") == 0)
            bad = value == NX_NULL || parse_ipv4(value, &options.client_address, NX_NULL) != 0;
        else if (strcmp(word, "--user") == 0)
            bad = copy_option(options.user, sizeof(options.user), value) != 0;
        else if (strcmp(word, "--pass") == 0)
            bad = copy_option(options.password, sizeof(options.password), value) != 0;
        else if (strcmp(word, "--out") == 0)
            bad = copy_option(options.out, sizeof(options.out), value) != 0;
        else
            bad = 1;
        if (bad) {
            printf("pop3_app: bad option %s %s\n", word, value ? value : "");
            return -1;
        }
    }
    if (options.user[0] == '\0') {
        printf("pop3_app: --user is required\n");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ stack measurement */

/* With --stack, each POP3 call runs between stack_begin and stack_end: the
   stack below the caller is painted before and inspected after, so the
   figure is what the call itself used (the library, the driver and the
   stack work it does inline on the bare-metal port, interrupts included). */
static uint32_t stack_mark;
static ULONG stack_max;
static const char *stack_max_call = "none";
/* The deepest use of each call, printed at the end (bench/m4/firmware_stack.py). */
#define STACK_CALLS 8
static struct
{
    const char *call;
    ULONG used;
} stack_per_call[STACK_CALLS];

static void stack_begin(void)
{
    if (options.measure_stack)
        stack_mark = board_stack_mark();
}

static void stack_end(const char *call)
{
    if (!options.measure_stack)
        return;
    ULONG used = board_stack_used_since(stack_mark);
    for (int i = 0; i < STACK_CALLS; i++) {
        if (stack_per_call[i].call == NULL || strcmp(stack_per_call[i].call, call) == 0) {
            stack_per_call[i].call = call;
            if (used > stack_per_call[i].used)
                stack_per_call[i].used = used;
            break;
        }
    }
    if (used > stack_max) {
        stack_max = used;
        stack_max_call = call;
    }
}

/* ------------------------------------------------------------------ the sample's two halves */

static UINT fail(const char *step, UINT status)
{
    printf("pop3_app: %s failed: status 0x%02X\n", step, status);
    return status == NX_SUCCESS ? NX_NOT_SUCCESSFUL : status;
}

/* What NetX's sample does in tx_application_define. */
static UINT application_define(void)
{
    UINT status;

    nx_system_initialize();
    status = nx_packet_pool_create(&client_packet_pool, "POP3 Client Packet Pool", CLIENT_PACKET_SIZE,
                                   packet_pool_area, sizeof(packet_pool_area));
    if (status != NX_SUCCESS)
        return fail("nx_packet_pool_create", status);
    status = nx_ip_create(&client_ip, "POP3 Client IP Instance", options.client_address, 0xFFFFFF00UL,
                          &client_packet_pool, nx_lan9118_driver, ip_memory_area, sizeof(ip_memory_area), 1);
    if (status != NX_SUCCESS)
        return fail("nx_ip_create", status);
    status = nx_arp_enable(&client_ip, arp_cache_area, sizeof(arp_cache_area));
    if (status != NX_SUCCESS)
        return fail("nx_arp_enable", status);
    status = nx_tcp_enable(&client_ip);
    if (status != NX_SUCCESS)
        return fail("nx_tcp_enable", status);
    return NX_SUCCESS;
}

/* Writes one message to DIR/N.eml; returns NX_SUCCESS and the byte count. */
static UINT download_message(UINT index, ULONG *bytes_total)
{
    char final_name[160], part[sizeof(final_name) + 8];
    UINT final_packet = NX_FALSE;
    UINT status = NX_SUCCESS;
    int io_error = 0;

    *bytes_total = 0;
    snprintf(final_name, sizeof(final_name), "%s/%u.eml", options.out, index);
    snprintf(part, sizeof(part), "%s.part", final_name);
    FILE *file = fopen(part, "wb");
    if (file == NX_NULL) {
        printf("pop3_app: cannot create %s on the host\n", part);
        io_error = 1;
    }
    while (final_packet == NX_FALSE) {
        NX_PACKET *packet_ptr = NX_NULL;
        ULONG bytes = 0;
        stack_begin();
        status = nx_pop3_client_mail_item_message_get(&demo_client, &packet_ptr, &bytes, &final_packet);
        stack_end("nx_pop3_client_mail_item_message_get");
        if (status != NX_SUCCESS)
            break;
        ULONG written = 0;
        for (NX_PACKET *p = packet_ptr; p != NX_NULL; p = p->nx_packet_next) {
            ULONG length = (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
            if (file != NX_NULL && length != 0 && fwrite(p->nx_packet_prepend_ptr, 1, length, file) != length)
                io_error = 1;
            written += length;
        }
        if (written != bytes) {
            printf("pop3_app: message %u: packet holds %lu bytes, bytes_retrieved says %lu\n", index,
                   (unsigned long)written, (unsigned long)bytes);
            io_error = 1;
        }
        *bytes_total += bytes;
        nx_packet_release(packet_ptr);
    }
    if (file != NX_NULL && fclose(file) != 0)
        io_error = 1;
    if (status != NX_SUCCESS)
        return fail("nx_pop3_client_mail_item_message_get", status);
    if (io_error)
        return fail("writing the message file", NX_NOT_SUCCESSFUL);
    if (board_semihost_rename(part, final_name) != 0)
        return fail("renaming the message file", NX_NOT_SUCCESSFUL);
    return NX_SUCCESS;
}

/* What NetX's sample does in its client thread. */
static UINT client_thread_entry(void)
{
    UINT status, mail_count = 0;
    ULONG mail_size = 0, actual = 0, total_bytes = 0;

    /* Let the driver bring the link up. */
    status = nx_ip_status_check(&client_ip, NX_IP_LINK_ENABLED, &actual, 5 * NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS)
        return fail("nx_ip_status_check (link)", status);

    stack_begin();
    status = nx_pop3_client_create(&demo_client, options.apop, &client_ip, &client_packet_pool,
                                   options.server_address, options.server_port, options.user, options.password);
    stack_end("nx_pop3_client_create");
    if (status != NX_SUCCESS) {
        /* As the sample does: delete the client after a failed create. */
        nx_pop3_client_delete(&demo_client);
        return fail(options.apop ? "nx_pop3_client_create (APOP login)" : "nx_pop3_client_create (USER/PASS login)",
                    status);
    }
    printf("pop3_app: logged in as %s (%s)\n", options.user, options.apop ? "APOP" : "USER/PASS");

    stack_begin();
    status = nx_pop3_client_mail_items_get(&demo_client, &mail_count, &mail_size);
    stack_end("nx_pop3_client_mail_items_get");
    if (status != NX_SUCCESS) {
        nx_pop3_client_delete(&demo_client);
        return fail("nx_pop3_client_mail_items_get", status);
    }
    printf("pop3_app: %u messages, %lu bytes\n", mail_count, (unsigned long)mail_size);

    ULONG start = board_ticks();
    for (UINT index = 1; index <= mail_count; index++) {
        ULONG listed = 0, item_size = 0, bytes = 0;
        stack_begin();
        status = nx_pop3_client_mail_item_size_get(&demo_client, index, &listed);
        stack_end("nx_pop3_client_mail_item_size_get");
        if (status == NX_SUCCESS) {
            stack_begin();
            status = nx_pop3_client_mail_item_get(&demo_client, index, &item_size);
            stack_end("nx_pop3_client_mail_item_get");
        }
        if (status != NX_SUCCESS) {
            nx_pop3_client_delete(&demo_client);
            return fail("nx_pop3_client_mail_item_get", status);
        }
        status = download_message(index, &bytes);
        if (status != NX_SUCCESS) {
            nx_pop3_client_delete(&demo_client);
            return status;
        }
        printf("pop3_app: message %u: %lu bytes (LIST said %lu)\n", index, (unsigned long)bytes,
               (unsigned long)listed);
        total_bytes += bytes;
        if (options.delete_after) {
            stack_begin();
            status = nx_pop3_client_mail_item_delete(&demo_client, index);
            stack_end("nx_pop3_client_mail_item_delete");
            if (status != NX_SUCCESS) {
                nx_pop3_client_delete(&demo_client);
                return fail("nx_pop3_client_mail_item_delete", status);
            }
        }
    }
    ULONG ticks = board_ticks() - start;

    stack_begin();
    status = nx_pop3_client_quit(&demo_client);
    stack_end("nx_pop3_client_quit");
    stack_begin();
    UINT delete_status = nx_pop3_client_delete(&demo_client);
    stack_end("nx_pop3_client_delete");
    if (status != NX_SUCCESS)
        return fail("nx_pop3_client_quit", status);
    if (delete_status != NX_SUCCESS)
        return fail("nx_pop3_client_delete", delete_status);

    /* Same line as pop3_fetch; the rate is an emulator figure. */
    ULONG ms = ticks * (1000 / BOARD_TICKS_PER_SEC);
    printf("%u messages, %lu bytes, %lu.%03lu s, %lu.%02lu MB/s\n", mail_count, (unsigned long)total_bytes,
           (unsigned long)(ms / 1000), (unsigned long)(ms % 1000),
           (unsigned long)(ms ? total_bytes / 1000 / ms : 0),
           (unsigned long)(ms ? (total_bytes / 10 / ms) % 100 : 0));
    return NX_SUCCESS;
}

int main(void)
{
    if (parse_options() != 0)
        return BOARD_EXIT_FAIL;
    if (application_define() != NX_SUCCESS)
        return BOARD_EXIT_FAIL;
    UINT status = client_thread_entry();

    /* Every packet back in its pool, on success and on failure. */
    if (client_packet_pool.nx_packet_pool_available != client_packet_pool.nx_packet_pool_total) {
        printf("pop3_app: packets leaked: %lu of %lu available\n",
               (unsigned long)client_packet_pool.nx_packet_pool_available,
               (unsigned long)client_packet_pool.nx_packet_pool_total);
        status = NX_NOT_SUCCESSFUL;
    }
    if (options.measure_stack) {
        for (int i = 0; i < STACK_CALLS && stack_per_call[i].call != NULL; i++)
            printf("pop3_app: stack use of %s: %lu bytes\n", stack_per_call[i].call,
                   (unsigned long)stack_per_call[i].used);
        printf("pop3_app: deepest stack use of a POP3 call: %lu bytes (%s)\n", (unsigned long)stack_max,
               stack_max_call);
    }
    const NX_LAN9118_STATISTICS *s = nx_lan9118_statistics_get();
    printf("pop3_app: driver: rx %lu frames, tx %lu frames, rx errors %lu, rx no packet %lu, fifo dropped %lu\n",
           (unsigned long)s->nx_lan9118_rx_frames, (unsigned long)s->nx_lan9118_tx_frames,
           (unsigned long)s->nx_lan9118_rx_errors, (unsigned long)s->nx_lan9118_rx_no_packet,
           (unsigned long)s->nx_lan9118_rx_fifo_dropped);
    UINT delete_ip = nx_ip_delete(&client_ip);
    if (delete_ip != NX_SUCCESS)
        printf("pop3_app: nx_ip_delete: status 0x%02X\n", delete_ip);
    return status == NX_SUCCESS ? BOARD_EXIT_OK : BOARD_EXIT_FAIL;
}
