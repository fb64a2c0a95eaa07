/* pop3_fetch: download a POP3 maildrop from a real server, through a TAP.

     pop3_fetch --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT]
                --user NAME --pass PASSWORD [--apop] [--delete] --out DIR

   The program is a NetX application like any other: tx_application_define
   creates a packet pool and an IP instance on the TAP driver
   (_nx_tap_network_driver, interface chosen with
   nx_tap_network_driver_interface_set), and a thread runs the POP3 client:
   log in (APOP with --apop), STAT, then for each message RETR, writing the
   packets as they come to DIR/.N.eml.part, renamed to DIR/N.eml once the final
   packet arrived and the file is safely on disk (fsync, fclose); with
   --delete, DELE N after that; QUIT.

   Output: a progress line per message on stderr; one summary line on stdout,
   "N messages, B bytes, T s, R MB/s" (T from connecting to QUIT).
   Exit status: 0 success; 1 failure (the NetX status is printed with what was
   being done, and no partial file is left as N.eml); 2 bad command line. */

#define _DEFAULT_SOURCE /* fsync, getopt_long */

#include "tx_api.h"
#include "nx_api.h"

/* Settings for a command-line tool, before the POP3 header (NetX style; the
   create macro carries them to the precompiled library). */
#define NX_POP3_CLIENT_TCP_WINDOW_SIZE 65535
#define NX_POP3_CLIENT_CONNECTION_TIMEOUT (10 * NX_IP_PERIODIC_RATE)
#define NX_POP3_SERVER_REPLY_TIMEOUT (10 * NX_IP_PERIODIC_RATE)
#define NX_POP3_CLIENT_DISCONNECT_TIMEOUT (2 * NX_IP_PERIODIC_RATE)
#include "nxd_pop3_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PACKET_PAYLOAD 1536
#define PACKETS 512 /* about 60 KB in flight (the window) several times over */
#define COMMAND_PAYLOAD 256
#define COMMAND_PACKETS 16
#define DEFAULT_PORT 110
#define NX_STRINGIFY_(x) #x
#define NX_STRINGIFY(x) NX_STRINGIFY_(x)

/* ------------------------------------------------------------------ options */

static struct {
    const char *tap;
    ULONG address, mask;
    ULONG server;
    UINT port;
    const char *server_text;
    const char *user, *pass;
    int apop, delete_after;
    const char *out;
} opt;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pop3_fetch --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT]\n"
            "                  --user NAME --pass PASSWORD [--apop] [--delete] --out DIR\n"
            "\n"
            "Downloads every message of a POP3 maildrop to DIR/1.eml, DIR/2.eml, ...\n"
            "(the message's exact bytes), over the nx_pop3_client TCP/IP stack on a\n"
            "Linux TAP interface.\n"
            "\n"
            "  --tap IFNAME           existing TAP interface to use (ip tuntap add dev IFNAME mode tap)\n"
            "  --ip ADDR/PREFIX       this client's IPv4 address on that link, e.g. 192.0.2.2/24\n"
            "                         (an address of its own, not the host's address of the TAP)\n"
            "  --server ADDR[:PORT]   POP3 server's IPv4 address, port %d by default\n"
            "  --user NAME            mailbox user name (at most %d bytes)\n"
            "  --pass PASSWORD        password (at most %d bytes)\n"
            "  --apop                 log in with APOP (the password is not sent; falls back\n"
            "                         to USER/PASS if the server refuses APOP)\n"
            "  --delete               delete each message on the server once it is written\n"
            "  --out DIR              where to write N.eml (created if missing)\n"
            "  --help                 this text\n"
            "\n"
            "Progress goes to stderr, one summary line to stdout:\n"
            "  N messages, B bytes, T s, R MB/s\n"
            "Exit status: 0 success, 1 failure (NetX status and step printed), 2 bad usage.\n",
            DEFAULT_PORT, NX_POP3_MAX_USERNAME, NX_POP3_MAX_PASSWORD);
}

static void bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "pop3_fetch: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(pop3_fetch --help for usage)\n");
    exit(2);
}

/* Whole-string unsigned decimal in [min, max]. */
static int parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && *end == 0 && *out >= min && *out <= max;
}

static int parse_ipv4(const char *s, ULONG *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return 0;
    *out = (ULONG)ntohl(a.s_addr);
    return 1;
}

static void parse_options(int argc, char **argv)
{
    static const struct option longs[] = {
        {"tap", required_argument, 0, 't'},    {"ip", required_argument, 0, 'i'},
        {"server", required_argument, 0, 's'}, {"user", required_argument, 0, 'u'},
        {"pass", required_argument, 0, 'p'},   {"apop", no_argument, 0, 'a'},
        {"delete", no_argument, 0, 'd'},       {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *ip_text = NULL;
    char buf[64], *slash, *colon;
    unsigned long n;
    int c;

    opterr = 0;
    /* A leading ':' makes a missing value ':' rather than '?'. */
    while ((c = getopt_long(argc, argv, ":", longs, NULL)) != -1) {
        if (optarg && optarg == argv[optind - 1] && optarg[0] == '-' && optarg[1] == '-')
            bad_usage("option %s needs a value", argv[optind - 2]);
        switch (c) {
        case 't': opt.tap = optarg; break;
        case 'i': ip_text = optarg; break;
        case 's': opt.server_text = optarg; break;
        case 'u': opt.user = optarg; break;
        case 'p': opt.pass = optarg; break;
        case 'a': opt.apop = 1; break;
        case 'd': opt.delete_after = 1; break;
        case 'o': opt.out = optarg; break;
        case 'h': usage(stdout); exit(0);
        case ':': bad_usage("option %s needs a value", argv[optind - 1]); break;
        default: bad_usage("unknown option %s", argv[optind - 1]); break;
        }
    }
    if (optind < argc)
        bad_usage("unexpected argument '%s'", argv[optind]);
    if (!opt.tap) bad_usage("%s is required", "--tap IFNAME");
    if (!ip_text) bad_usage("%s is required", "--ip ADDR/PREFIX");
    if (!opt.server_text) bad_usage("%s is required", "--server ADDR[:PORT]");
    if (!opt.user) bad_usage("%s is required", "--user NAME");
    if (!opt.pass) bad_usage("%s is required", "--pass PASSWORD");
    if (!opt.out) bad_usage("%s is required", "--out DIR");

    if (opt.tap[0] == 0 || strlen(opt.tap) > 15)
        bad_usage("--tap '%s': an interface name is 1 to 15 bytes", opt.tap);

    /* --ip ADDR/PREFIX */
    if (strlen(ip_text) >= sizeof(buf))
        bad_usage("--ip '%s': expected ADDR/PREFIX, e.g. 192.0.2.2/24", ip_text);
    strcpy(buf, ip_text);
    slash = strchr(buf, '/');
    if (!slash)
        bad_usage("--ip '%s': the prefix length is missing (ADDR/PREFIX, e.g. 192.0.2.2/24)", ip_text);
    *slash = 0;
    if (!parse_ipv4(buf, &opt.address) || opt.address == 0)
        bad_usage("--ip '%s': not an IPv4 address", ip_text);
    if (!parse_number(slash + 1, 1, 32, &n))
        bad_usage("--ip '%s': the prefix length must be 1 to 32", ip_text);
    opt.mask = (n == 32) ? 0xFFFFFFFFUL : (ULONG)(0xFFFFFFFFUL << (32 - n));

    /* --server ADDR[:PORT] */
    if (strlen(opt.server_text) >= sizeof(buf))
        bad_usage("--server '%s': expected ADDR[:PORT]", opt.server_text);
    strcpy(buf, opt.server_text);
    colon = strchr(buf, ':');
    opt.port = DEFAULT_PORT;
    if (colon) {
        *colon = 0;
        if (!parse_number(colon + 1, 1, 65535, &n))
            bad_usage("--server '%s': the port must be 1 to 65535", opt.server_text);
        opt.port = (UINT)n;
    }
    if (!parse_ipv4(buf, &opt.server) || opt.server == 0)
        bad_usage("--server '%s': not an IPv4 address (ADDR[:PORT])", opt.server_text);
    if (opt.server == opt.address)
        bad_usage("--server '%s': the same address as --ip", opt.server_text);

    if (opt.user[0] == 0 || strlen(opt.user) > NX_POP3_MAX_USERNAME || strpbrk(opt.user, "\r\n"))
        bad_usage("--user '%s': 1 to " NX_STRINGIFY(NX_POP3_MAX_USERNAME) " bytes, no CR or LF", opt.user);
    if (strlen(opt.pass) > NX_POP3_MAX_PASSWORD || strpbrk(opt.pass, "\r\n"))
        bad_usage("--pass: at most " NX_STRINGIFY(NX_POP3_MAX_PASSWORD) " bytes, no CR or LF%s", "");
}

/* ------------------------------------------------------------------ statuses */

static const struct {
    UINT status;
    const char *name;
} status_names[] = {
    {NX_SUCCESS, "NX_SUCCESS"},
    {NX_NO_PACKET, "NX_NO_PACKET"},
    {NX_UNDERFLOW, "NX_UNDERFLOW"},
    {NX_OVERFLOW, "NX_OVERFLOW"},
    {NX_NO_MAPPING, "NX_NO_MAPPING"},
    {NX_DELETED, "NX_DELETED"},
    {NX_POOL_ERROR, "NX_POOL_ERROR"},
    {NX_PTR_ERROR, "NX_PTR_ERROR"},
    {NX_WAIT_ERROR, "NX_WAIT_ERROR"},
    {NX_SIZE_ERROR, "NX_SIZE_ERROR"},
    {NX_OPTION_ERROR, "NX_OPTION_ERROR"},
    {NX_DELETE_ERROR, "NX_DELETE_ERROR"},
    {NX_CALLER_ERROR, "NX_CALLER_ERROR"},
    {NX_INVALID_PACKET, "NX_INVALID_PACKET"},
    {NX_NOT_ENABLED, "NX_NOT_ENABLED"},
    {NX_ALREADY_ENABLED, "NX_ALREADY_ENABLED"},
    {NX_ENTRY_NOT_FOUND, "NX_ENTRY_NOT_FOUND"},
    {NX_NO_MORE_ENTRIES, "NX_NO_MORE_ENTRIES"},
    {NX_IP_ADDRESS_ERROR, "NX_IP_ADDRESS_ERROR"},
    {NX_ALREADY_BOUND, "NX_ALREADY_BOUND"},
    {NX_PORT_UNAVAILABLE, "NX_PORT_UNAVAILABLE"},
    {NX_NOT_BOUND, "NX_NOT_BOUND"},
    {NX_NOT_CREATED, "NX_NOT_CREATED"},
    {NX_ALREADY_RELEASED, "NX_ALREADY_RELEASED"},
    {NX_DUPLICATE_LISTEN, "NX_DUPLICATE_LISTEN"},
    {NX_NOT_CLOSED, "NX_NOT_CLOSED"},
    {NX_NOT_LISTEN_STATE, "NX_NOT_LISTEN_STATE"},
    {NX_IN_PROGRESS, "NX_IN_PROGRESS"},
    {NX_NOT_CONNECTED, "NX_NOT_CONNECTED"},
    {NX_STILL_BOUND, "NX_STILL_BOUND"},
    {NX_NOT_SUCCESSFUL, "NX_NOT_SUCCESSFUL"},
    {NX_UNHANDLED_COMMAND, "NX_UNHANDLED_COMMAND"},
    {NX_INVALID_PORT, "NX_INVALID_PORT"},
    {NX_CONNECTION_PENDING, "NX_CONNECTION_PENDING"},
    {NX_TX_QUEUE_DEPTH, "NX_TX_QUEUE_DEPTH"},
    {NX_NOT_SUPPORTED, "NX_NOT_SUPPORTED"},
    {NX_INVALID_INTERFACE, "NX_INVALID_INTERFACE"},
    {NX_INVALID_PARAMETERS, "NX_INVALID_PARAMETERS"},
    {NX_NOT_FOUND, "NX_NOT_FOUND"},
    {NX_PACKET_OFFSET_ERROR, "NX_PACKET_OFFSET_ERROR"},
    {NX_POP3_CLIENT_ERROR_CONSTANT, "NX_POP3_CLIENT_ERROR_CONSTANT"},
    {NX_POP3_PARAM_ERROR, "NX_POP3_PARAM_ERROR"},
    {NX_POP3_INVALID_MAIL_ITEM, "NX_POP3_INVALID_MAIL_ITEM"},
    {NX_POP3_APOP_FAILED_MD5_DIGEST, "NX_POP3_APOP_FAILED_MD5_DIGEST"},
    {NX_POP3_SERVER_ERROR_STATUS, "NX_POP3_SERVER_ERROR_STATUS"},
    {NX_POP3_MAIL_BUFFER_OVERFLOW, "NX_POP3_MAIL_BUFFER_OVERFLOW"},
    {NX_POP3_INSUFFICIENT_PACKET_PAYLOAD, "NX_POP3_INSUFFICIENT_PACKET_PAYLOAD"},
    {NX_POP3_CLIENT_INVALID_STATE, "NX_POP3_CLIENT_INVALID_STATE"},
    {NX_POP3_CLIENT_INVALID_INDEX, "NX_POP3_CLIENT_INVALID_INDEX"},
};

static const char *status_name(UINT status)
{
    for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
        if (status_names[i].status == status)
            return status_names[i].name;
    return "unknown NetX status";
}

/* ------------------------------------------------------------------ NetX objects */

static TX_THREAD fetch_thread;
static NX_PACKET_POOL pool, command_pool;
static NX_IP ip;
static NX_POP3_CLIENT client;
static int client_created;
static ULONG pool_memory[(PACKET_PAYLOAD + 128) * PACKETS / sizeof(ULONG)];
static ULONG command_pool_memory[(COMMAND_PAYLOAD + 128) * COMMAND_PACKETS / sizeof(ULONG)];
/* The IP instance's state and its socket's buffers (see nx_ip_create). */
static ULONG ip_stack[(NX_IP_MEMORY_OVERHEAD + 20000 + 2 * NX_TCP_SOCKET_MEMORY_MAX) / sizeof(ULONG)];
static ULONG arp_cache[256];

static char part_path[4096], final_path[4096];
static FILE *part_file;

static void fetch_entry(ULONG input);

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    tx_kernel_enter(); /* returns only through exit */
    return 1;
}

/* Failure: say what was being done and the status, leave no partial file,
   close the session, exit 1. */
static void fail(UINT status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail_file(const char *what, const char *path) __attribute__((noreturn));

static void fail(UINT status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pop3_fetch: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s (0x%02X)\n", status_name(status), status);
    if (part_file) {
        fclose(part_file);
        part_file = NULL;
        unlink(part_path);
    }
    if (client_created)
        nx_pop3_client_delete(&client);
    test_control_return(1); /* ends the program; the fetch thread stops here */
    exit(1);                /* reached from tx_application_define only */
}

/* Failure of the host's file system. */
static void fail_file(const char *what, const char *path)
{
    int e = errno;
    fprintf(stderr, "pop3_fetch: %s %s: %s\n", what, path, strerror(e));
    if (part_file) {
        fclose(part_file);
        part_file = NULL;
    }
    unlink(part_path);
    if (client_created)
        nx_pop3_client_delete(&client);
    test_control_return(1); /* ends the program; the fetch thread stops here */
    exit(1);                /* reached from tx_application_define only */
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;
    ULONG actual;
    NX_PARAMETER_NOT_USED(first_unused_memory);

    nx_system_initialize();
    status = nx_packet_pool_create(&pool, "pop3_fetch pool", PACKET_PAYLOAD, pool_memory, sizeof(pool_memory));
    if (status == NX_SUCCESS)
        status = nx_packet_pool_create(&command_pool, "pop3_fetch commands", COMMAND_PAYLOAD, command_pool_memory,
                                       sizeof(command_pool_memory));
    if (status != NX_SUCCESS) {
        fail(status, "creating the packet pools");
    }

    /* The TAP driver opens the interface named here when nx_ip_create
       initializes it. */
    status = nx_tap_network_driver_interface_set((CHAR *)opt.tap);
    if (status != NX_SUCCESS) {
        fail(status, "choosing TAP interface %s", opt.tap);
    }
    status = nx_ip_create(&ip, "pop3_fetch IP", opt.address, opt.mask, &pool, _nx_tap_network_driver, ip_stack,
                          sizeof(ip_stack), 1);
    if (status != NX_SUCCESS) {
        int e = nx_tap_network_driver_last_error();
        fprintf(stderr, "pop3_fetch: opening TAP %s: %s%s\n", opt.tap, e ? strerror(e) : "failed",
                e == ENODEV  ? " (create it first: ip tuntap add dev IFNAME mode tap)"
                : e == EPERM ? " (run as root, or create the TAP with 'user' set to you)"
                : e == EBUSY ? " (another program has it open)"
                : e == EINVAL ? " (not a TAP interface)"
                              : "");
        fail(status, "creating the IP instance on TAP %s", opt.tap);
    }
    status = nx_arp_enable(&ip, arp_cache, sizeof(arp_cache));
    if (status == NX_SUCCESS)
        status = nx_icmp_enable(&ip);
    if (status == NX_SUCCESS)
        status = nx_tcp_enable(&ip);
    if (status == NX_SUCCESS)
        status = nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &actual, 1 * NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS) {
        fail(status, "enabling the IP instance on TAP %s", opt.tap);
    }
    tx_thread_create(&fetch_thread, "pop3_fetch", fetch_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
}

/* ------------------------------------------------------------------ fetching */

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Downloads the message RETR has announced into part_file; returns bytes. */
static unsigned long long download(UINT index)
{
    unsigned long long bytes = 0;
    UINT status, final_packet = NX_FALSE;
    ULONG length;
    NX_PACKET *packet, *p;

    while (!final_packet) {
        status = nx_pop3_client_mail_item_message_get(&client, &packet, &length, &final_packet);
        if (status != NX_SUCCESS)
            fail(status, "RETR %u (after %llu bytes)", index, bytes);
        /* The packet may be a chain: write every piece. */
        for (p = packet; p != NX_NULL; p = p->nx_packet_next) {
            size_t n = (size_t)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
            if (n > 0 && fwrite(p->nx_packet_prepend_ptr, 1, n, part_file) != n) {
                nx_packet_release(packet);
                fail_file("writing", part_path);
            }
        }
        bytes += length;
        nx_packet_release(packet);
    }
    return bytes;
}

static void fetch_entry(ULONG input)
{
    UINT status, count = 0, index;
    ULONG maildrop_size = 0, item_size;
    unsigned long long total = 0, bytes;
    double start, elapsed;
    char server[32];
    NX_PARAMETER_NOT_USED(input);

    if (mkdir(opt.out, 0700) != 0 && errno != EEXIST)
        fail_file("creating", opt.out);

    snprintf(server, sizeof(server), strchr(opt.server_text, ':') ? "%s" : "%s:110", opt.server_text);
    start = seconds_now();
    status = nx_pop3_client_create(&client, opt.apop ? NX_TRUE : NX_FALSE, &ip, &command_pool, opt.server,
                                   opt.port, (CHAR *)opt.user, (CHAR *)opt.pass);
    if (status != NX_SUCCESS)
        fail(status, "connecting to %s and logging in as %s%s", server, opt.user, opt.apop ? " with APOP" : "");
    client_created = 1;

    status = nx_pop3_client_mail_items_get(&client, &count, &maildrop_size);
    if (status != NX_SUCCESS)
        fail(status, "STAT");
    fprintf(stderr, "pop3_fetch: %u messages, %lu bytes on %s\n", count, (unsigned long)maildrop_size, server);

    for (index = 1; index <= count; index++) {
        status = nx_pop3_client_mail_item_get(&client, index, &item_size);
        if (status != NX_SUCCESS)
            fail(status, "RETR %u", index);

        snprintf(part_path, sizeof(part_path), "%s/.%u.eml.part", opt.out, index);
        snprintf(final_path, sizeof(final_path), "%s/%u.eml", opt.out, index);
        part_file = fopen(part_path, "wb");
        if (!part_file)
            fail_file("creating", part_path);
        bytes = download(index);
        /* On disk before it gets its final name. */
        if (fflush(part_file) != 0 || fsync(fileno(part_file)) != 0)
            fail_file("writing", part_path);
        if (fclose(part_file) != 0) {
            part_file = NULL;
            fail_file("closing", part_path);
        }
        part_file = NULL;
        if (rename(part_path, final_path) != 0)
            fail_file("renaming to N.eml", part_path);
        total += bytes;
        fprintf(stderr, "pop3_fetch: message %u/%u: %llu bytes -> %s\n", index, count, bytes, final_path);

        if (opt.delete_after) {
            status = nx_pop3_client_mail_item_delete(&client, index);
            if (status != NX_SUCCESS)
                fail(status, "DELE %u", index);
        }
    }

    status = nx_pop3_client_quit(&client);
    if (status != NX_SUCCESS)
        fail(status, "QUIT");
    elapsed = seconds_now() - start;
    nx_pop3_client_delete(&client);
    client_created = 0;

    if (elapsed < 1e-6)
        elapsed = 1e-6;
    printf("%u messages, %llu bytes, %.3f s, %.2f MB/s\n", count, total, elapsed, (double)total / elapsed / 1e6);
    fflush(stdout);
    nx_ip_delete(&ip);
    test_control_return(0);
}
