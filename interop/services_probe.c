/* services_probe: the issue 12 services against a real server, for the
   interop suite (interop/run.py builds it against pop3_fetch's library).

     services_probe --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT] --user NAME --pass PASSWORD

   Logs in, then: CAPA, STAT, the UIDL walk, the LIST walk, UIDL 1, TOP 1 0,
   NOOP, DELE 1, RSET, STAT, QUIT. Prints one JSON object on stdout, which the
   suite compares with poplib's answers:
     {"capa_flags": F, "capa_uidl": 0|1, "capa_top": 0|1, "capa_pipelining": 0|1,
      "uidl": ["uid", ...], "list": [size, ...], "uidl_one": "uid",
      "top_headers": ["line", ...], "noop": status, "rset": status,
      "count_after_rset": N}
   Exit 1 with the failing step, the NetX status and the server's reply on
   stderr. Not a tool: no argument checking beyond what the suite needs. */

#define _GNU_SOURCE

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAYLOAD 1536
#define PACKETS 256

static TX_THREAD thread;
static NX_PACKET_POOL pool, command_pool;
static NX_IP ip;
static NX_POP3_CLIENT client;
static ULONG pool_memory[(PAYLOAD + 128) * PACKETS / sizeof(ULONG)];
static ULONG command_pool_memory[(256 + 128) * 16 / sizeof(ULONG)];
static ULONG ip_stack[2048];
static ULONG arp_cache[256];
static const char *tap, *user, *pass;
static ULONG address, mask, server;
static UINT port = 110;
/* IPv6 (the suite's second pass): --ip ADDR6/PREFIX, --server [ADDR6]:PORT. */
static int v6;
static NXD_ADDRESS address6, server6;
static ULONG prefix6;

static void die(const char *step, UINT status)
{
    char said[NX_POP3_CLIENT_LAST_REPLY_SIZE + 1] = "";
    UINT n = 0, code = 0;
    nx_pop3_client_last_reply_get(&client, said, sizeof said, &n);
    nx_pop3_client_last_reply_code_get(&client, &code);
    fprintf(stderr, "services_probe: %s: status 0x%02X, response code %u, last reply '%s'\n", step, status, code,
            said);
    exit(1);
}

/* A JSON string (the server's bytes: escape what JSON needs). */
static void json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7F)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void probe(ULONG input)
{
    NX_POP3_CAPABILITIES caps;
    char uid[NX_POP3_MAX_UID + 1];
    static char top[65536];
    ULONG top_len = 0, size = 0, total = 0;
    UINT status, count = 0, index = 0, len = 0, first = 1, noop, rset, after = 0;
    NX_PARAMETER_NOT_USED(input);

    if (v6)
        status = nxd_pop3_client_create(&client, NX_FALSE, &ip, &command_pool, &server6, port, (CHAR *)user,
                                        (CHAR *)pass);
    else
        status = nx_pop3_client_create(&client, NX_FALSE, &ip, &command_pool, server, port, (CHAR *)user,
                                       (CHAR *)pass);
    if (status != NX_SUCCESS)
        die("login", status);
    status = nx_pop3_client_capabilities_get(&client, &caps, NX_NULL, 0, NX_NULL);
    if (status != NX_SUCCESS)
        die("CAPA", status);
    status = nx_pop3_client_mail_items_get(&client, &count, &total);
    if (status != NX_SUCCESS)
        die("STAT", status);
    printf("{\"capa_flags\": %lu, \"capa_uidl\": %d, \"capa_top\": %d, \"capa_pipelining\": %d, \"uidl\": [",
           (unsigned long)caps.nx_pop3_capabilities_flags,
           !!(caps.nx_pop3_capabilities_flags & NX_POP3_CAPA_UIDL),
           !!(caps.nx_pop3_capabilities_flags & NX_POP3_CAPA_TOP),
           !!(caps.nx_pop3_capabilities_flags & NX_POP3_CAPA_PIPELINING));
    status = nx_pop3_client_uidl_start(&client);
    if (status != NX_SUCCESS)
        die("UIDL", status);
    while ((status = nx_pop3_client_uidl_next(&client, &index, uid, sizeof uid, &len)) == NX_SUCCESS) {
        printf(first ? "" : ", ");
        json_string(uid, len);
        first = 0;
    }
    if (status != NX_NO_MORE_ENTRIES)
        die("UIDL walk", status);
    printf("], \"list\": [");
    first = 1;
    status = nx_pop3_client_list_start(&client);
    if (status != NX_SUCCESS)
        die("LIST", status);
    while ((status = nx_pop3_client_list_next(&client, &index, &size)) == NX_SUCCESS) {
        printf(first ? "%lu" : ", %lu", (unsigned long)size);
        first = 0;
    }
    if (status != NX_NO_MORE_ENTRIES)
        die("LIST walk", status);
    printf("], \"uidl_one\": ");
    if (count > 0) {
        status = nx_pop3_client_mail_item_uidl_get(&client, 1, uid, sizeof uid, &len);
        if (status != NX_SUCCESS)
            die("UIDL 1", status);
        json_string(uid, len);
    } else {
        printf("\"\"");
    }
    printf(", \"top_headers\": [");
    if (count > 0) {
        UINT final = NX_FALSE;
        status = nx_pop3_client_mail_item_top_get(&client, 1, 0);
        if (status != NX_SUCCESS)
            die("TOP 1 0", status);
        while (!final) {
            NX_PACKET *p;
            ULONG n;
            status = nx_pop3_client_mail_item_message_get(&client, &p, &n, &final);
            if (status != NX_SUCCESS)
                die("TOP data", status);
            for (NX_PACKET *q = p; q; q = q->nx_packet_next) {
                ULONG k = (ULONG)(q->nx_packet_append_ptr - q->nx_packet_prepend_ptr);
                if (top_len + k <= sizeof top) {
                    memcpy(top + top_len, q->nx_packet_prepend_ptr, k);
                    top_len += k;
                }
            }
            nx_packet_release(p);
        }
        /* The header lines, up to the empty line (poplib's view: no CR LF). */
        first = 1;
        for (ULONG at = 0; at < top_len;) {
            char *nl = memchr(top + at, '\n', top_len - at);
            ULONG end = nl ? (ULONG)(nl - top) : top_len;
            ULONG e = end > at && top[end - 1] == '\r' ? end - 1 : end;
            if (e == at)
                break;
            printf(first ? "" : ", ");
            json_string(top + at, e - at);
            first = 0;
            at = end + 1;
        }
    }
    noop = nx_pop3_client_noop(&client);
    if (count > 0) {
        status = nx_pop3_client_mail_item_delete(&client, 1);
        if (status != NX_SUCCESS)
            die("DELE 1", status);
    }
    rset = nx_pop3_client_rset(&client);
    status = nx_pop3_client_mail_items_get(&client, &after, &total);
    if (status != NX_SUCCESS)
        die("STAT after RSET", status);
    printf("], \"noop\": %u, \"rset\": %u, \"count_after_rset\": %u}\n", noop, rset, after);
    fflush(stdout);
    status = nx_pop3_client_quit(&client);
    if (status != NX_SUCCESS)
        die("QUIT", status);
    nx_pop3_client_delete(&client);
    test_control_return(0);
}

void tx_application_define(void *first_unused_memory)
{
    UINT status;
    ULONG actual;
    NX_PARAMETER_NOT_USED(first_unused_memory);
    nx_system_initialize();
    status = nx_packet_pool_create(&pool, "probe pool", PAYLOAD, pool_memory, sizeof pool_memory);
    if (status == NX_SUCCESS)
        status = nx_packet_pool_create(&command_pool, "probe commands", 256, command_pool_memory,
                                       sizeof command_pool_memory);
    if (status == NX_SUCCESS)
        status = nx_tap_network_driver_interface_set((CHAR *)tap);
    if (status == NX_SUCCESS)
        status = nx_ip_create(&ip, "probe IP", address, mask, &pool, _nx_tap_network_driver, ip_stack,
                              sizeof ip_stack, 1);
    if (status == NX_SUCCESS)
        status = nx_arp_enable(&ip, arp_cache, sizeof arp_cache);
    if (status == NX_SUCCESS)
        status = nx_tcp_enable(&ip);
    if (status == NX_SUCCESS && v6) {
        status = nxd_ipv6_enable(&ip);
        if (status == NX_SUCCESS)
            status = nxd_icmp_enable(&ip);
        if (status == NX_SUCCESS)
            status = nxd_ipv6_linklocal_address_set(&ip, NX_NULL);
        if (status == NX_SUCCESS)
            status = nxd_ipv6_global_address_set(&ip, &address6, prefix6);
    }
    if (status == NX_SUCCESS)
        status = nx_ip_status_check(&ip, NX_IP_LINK_ENABLED, &actual, NX_IP_PERIODIC_RATE);
    if (status != NX_SUCCESS)
        die("setting up the IP instance", status);
    tx_thread_create(&thread, "probe", probe, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START);
}

static ULONG ipv4(const char *s)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        fprintf(stderr, "services_probe: bad address %s\n", s);
        exit(2);
    }
    return (ULONG)ntohl(a.s_addr);
}

/* An IPv6 address in NetX Duo's form (four host-order ULONGs). */
static void ipv6(const char *s, NXD_ADDRESS *out)
{
    unsigned char b[16];
    if (inet_pton(AF_INET6, s, b) != 1) {
        fprintf(stderr, "services_probe: bad IPv6 address %s\n", s);
        exit(2);
    }
    out->nxd_ip_version = NX_IP_VERSION_V6;
    for (int i = 0; i < 4; i++)
        out->nxd_ip_address.v6[i] = ((ULONG)b[4 * i] << 24) | ((ULONG)b[4 * i + 1] << 16) |
                                    ((ULONG)b[4 * i + 2] << 8) | (ULONG)b[4 * i + 3];
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        char buf[64], *c;
        snprintf(buf, sizeof buf, "%s", argv[i + 1]);
        if (strcmp(argv[i], "--tap") == 0) {
            tap = argv[i + 1];
        } else if (strcmp(argv[i], "--ip") == 0) {
            c = strchr(buf, '/');
            if (!c)
                return 2;
            *c = 0;
            if (strchr(buf, ':')) {
                v6 = 1;
                ipv6(buf, &address6);
                prefix6 = (ULONG)atoi(c + 1);
                address = 0; /* no IPv4 address on the instance */
            } else {
                address = ipv4(buf);
                mask = 0xFFFFFFFFUL << (32 - atoi(c + 1));
            }
        } else if (strcmp(argv[i], "--server") == 0 && buf[0] == '[') {
            c = strstr(buf, "]:");
            if (c)
                port = (UINT)atoi(c + 2);
            if (strchr(buf, ']'))
                *strchr(buf, ']') = 0;
            ipv6(buf + 1, &server6);
            server = 1; /* given */
        } else if (strcmp(argv[i], "--server") == 0) {
            c = strchr(buf, ':');
            if (c) {
                *c = 0;
                port = (UINT)atoi(c + 1);
            }
            server = ipv4(buf);
        } else if (strcmp(argv[i], "--user") == 0) {
            user = argv[i + 1];
        } else if (strcmp(argv[i], "--pass") == 0) {
            pass = argv[i + 1];
        }
    }
    if (!tap || !(address || v6) || !server || !user || !pass) {
        fprintf(stderr, "usage: services_probe --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT] --user NAME --pass PW\n");
        return 2;
    }
    tx_kernel_enter();
    return 1;
}
