/* pop3_fetch: download a POP3 maildrop from a real server, through a TAP.

     pop3_fetch --tap IFNAME --ip ADDR/PREFIX [--gateway ADDR] --server ADDR[:PORT]
                --user NAME [--pass PASSWORD | --pass-file FILE]
                [--apop [--apop-fallback]] [--delete | --keep] [--timeout SECONDS]
                (--out DIR | --maildir DIR | --capa)

   The program is a NetX application like any other: tx_application_define
   creates a packet pool and an IP instance on the TAP driver
   (_nx_tap_network_driver, interface chosen with
   nx_tap_network_driver_interface_set), and a thread runs the POP3 client:
   log in (APOP with --apop), CAPA, STAT, then RETR each message into a file
   (the RETRs sent ahead when the server offers PIPELINING); with --delete,
   DELE each once every file is safe; QUIT. --capa prints the server's
   capabilities and stops there.

   --keep leaves the mail on the server and fetches only the messages whose
   unique-id (UIDL) is not in the state file DIR/.pop3_fetch-uidl. The state
   is an append-only log, each record fsync'd: "P uid name" before a message
   file gets its final name, "C uid" once the name and the directory are
   synced. A message counts as fetched when it has a C record, or when it has
   the last P record and its file exists (a run killed between the rename and
   the C record): a killed run neither loses nor fetches twice. A record cut
   short by a crash is cut off at the next start.

   --maildir DIR delivers into a Maildir: DIR/tmp/NAME, fsync'd, renamed to
   DIR/new/NAME, DIR/new fsync'd; NAME is "SECONDS.MMICROSPPIDQCOUNT.HOST"
   (the Maildir convention: unique per host).

   No mail is lost, whatever happens and however often it runs (cron):
   - A message file is never overwritten. Files are DIR/N.eml; a run numbers
     its messages after the highest N already in DIR (so names are never
     reused while the files are kept), and gives a file its name with
     renameat2(RENAME_NOREPLACE): if N.eml appeared meanwhile, the next free
     N is taken.
   - A message is written to DIR/.N.eml.part, fsync'd, renamed to N.eml, and
     the directory is fsync'd (with --keep after each message, before its C
     record; otherwise once, after the last message: a name the directory
     had not made durable can only be lost with the power, and then the
     message is still on the server); only then, with --delete, is DELE sent. A
     message is deleted on the server only when QUIT succeeds (RFC 1939), so
     a run that stops anywhere before QUIT deletes nothing: the next run
     fetches those messages again (a copy may then exist twice; never zero
     times).
   - One run at a time per DIR (flock on DIR); at start, stale .N.eml.part
     files of a killed run are removed (they never got a final name, and
     their messages are still on the server).

   Test hook (for the interop suite, not for users): with the environment
   variable POP3_FETCH_TEST_EXIT=POINT:K the program calls _exit(99) at POINT
   while handling the K-th message of the run (K = 1 if omitted), to check
   that a run killed there loses nothing. POINTs: part-written (half of the
   message is in the .part file), before-rename (whole file synced, not
   named), after-rename (named, directory not synced), before-state (named
   and synced, --keep's C record not written), before-dele (all done but
   DELE), after-dele (DELE answered), before-quit (every message done, QUIT
   not sent; K is ignored).

   Output: a progress line per message on stderr; one summary line on stdout,
   "N messages, B bytes, T s, R MB/s" ("1 message, ..."; T from connecting
   to QUIT). Exit status: 0 success; 1 failure, said in words with the
   server's own reply when there is one and the NetX status, e.g.
     pop3_fetch: login as alice refused by the server: -ERR [AUTH] Authentication failed.: NX_POP3_SERVER_ERROR_STATUS (0xB4)
   2 bad command line (checked before anything is sent, --out included). */

#define _GNU_SOURCE /* renameat2, fsync, getopt_long */

#include "tx_api.h"
#include "nx_api.h"

/* Settings for a command-line tool, before the POP3 header (NetX style; the
   create macro carries them to the precompiled library). The connection and
   reply timeouts are --timeout: a macro may name a variable. */
extern ULONG fetch_timeout_ticks;
#define NX_POP3_CLIENT_TCP_WINDOW_SIZE 65535
#define NX_POP3_CLIENT_CONNECTION_TIMEOUT (fetch_timeout_ticks)
#define NX_POP3_SERVER_REPLY_TIMEOUT (fetch_timeout_ticks)
#define NX_POP3_CLIENT_DISCONNECT_TIMEOUT (2 * NX_IP_PERIODIC_RATE)
#include "nxd_pop3_client.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PACKET_PAYLOAD 1536
#define PACKETS 512 /* about 60 KB in flight (the window) several times over */
#define COMMAND_PAYLOAD 256
#define COMMAND_PACKETS 16
#define DEFAULT_PORT 110
#define DEFAULT_TIMEOUT 30
#define MAX_TIMEOUT 3600

/* ------------------------------------------------------------------ options */

ULONG fetch_timeout_ticks = DEFAULT_TIMEOUT * NX_IP_PERIODIC_RATE;

static struct {
    const char *tap;
    ULONG address, mask;
    ULONG server;
    ULONG gateway;
    UINT port;
    const char *server_text;
    const char *user;
    char pass[NX_POP3_MAX_PASSWORD + 1];
    int apop, apop_fallback, delete_after, keep, capa;
    unsigned long timeout;
    const char *out;     /* --out or --maildir */
    int maildir;
    /* IPv6 (issue 13): --ip and --server given as IPv6 addresses. */
    int v6;
    NXD_ADDRESS address6, server6;
    ULONG prefix6;
} opt;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pop3_fetch --tap IFNAME --ip ADDR/PREFIX [--gateway ADDR] --server ADDR[:PORT]\n"
            "                  --user NAME [--pass PASSWORD | --pass-file FILE]\n"
            "                  [--apop [--apop-fallback]] [--delete | --keep] [--timeout SECONDS]\n"
            "                  (--out DIR | --maildir DIR | --capa)\n"
            "\n"
            "Downloads every message of a POP3 maildrop to DIR/N.eml (the message's exact\n"
            "bytes), over the nx_pop3_client TCP/IP stack on a Linux TAP interface.\n"
            "N continues after the highest N.eml already in DIR: no file is ever overwritten.\n"
            "\n"
            "  --tap IFNAME           existing TAP interface to use (ip tuntap add dev IFNAME mode tap)\n"
            "  --ip ADDR/PREFIX       this client's IPv4 or IPv6 address on that link, e.g.\n"
            "                         192.0.2.2/24 or 2001:db8::2/64\n"
            "                         (an address of its own, not the host's address of the TAP)\n"
            "  --gateway ADDR         router on that link for a server beyond it (the host routes\n"
            "                         or NATs the TAP: see README)\n"
            "  --server ADDR[:PORT]   POP3 server's address, port %d by default; IPv6 as\n"
            "                         [ADDR]:PORT or a bare ADDR\n"
            "  --user NAME            mailbox user name (at most %d bytes)\n"
            "  --pass PASSWORD        password (at most %d bytes); visible to other users in ps:\n"
            "                         prefer --pass-file or the POP3_PASSWORD environment variable\n"
            "  --pass-file FILE       read the password from the first line of FILE ('-': stdin)\n"
            "  --apop                 log in with APOP: the password is never sent; fails if the\n"
            "                         server refuses APOP or does not offer it\n"
            "  --apop-fallback        with --apop, fall back to USER/PASS (password in clear)\n"
            "                         when the server refuses APOP\n"
            "  --delete               delete the messages on the server once their files are\n"
            "                         safely on disk (the server deletes at QUIT)\n"
            "  --keep                 leave the mail on the server; fetch only messages whose\n"
            "                         unique-id is not in DIR/.pop3_fetch-uidl (needs UIDL)\n"
            "  --timeout SECONDS      connection and reply timeout, 1 to %d (default %d)\n"
            "  --out DIR              where to write N.eml (created, with its parents, if missing)\n"
            "  --maildir DIR          deliver into the Maildir DIR (tmp/ then new/) instead\n"
            "  --capa                 print the server's capabilities (CAPA) and exit\n"
            "  --help                 this text\n"
            "\n"
            "Without --pass or --pass-file the password comes from POP3_PASSWORD.\n"
            "Progress goes to stderr, one summary line to stdout:\n"
            "  N messages, B bytes, T s, R MB/s\n"
            "Exit status: 0 success, 1 failure (what happened, the server's reply and the\n"
            "NetX status are printed), 2 bad usage.\n",
            DEFAULT_PORT, NX_POP3_MAX_USERNAME, NX_POP3_MAX_PASSWORD, MAX_TIMEOUT, DEFAULT_TIMEOUT);
}

static void bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pop3_fetch: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
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

/* An IPv6 address in NXD_ADDRESS form (four host-order words). */
static int parse_ipv6(const char *s, NXD_ADDRESS *out)
{
    struct in6_addr a;
    int i;
    if (inet_pton(AF_INET6, s, &a) != 1)
        return 0;
    memset(out, 0, sizeof(*out));
    out->nxd_ip_version = NX_IP_VERSION_V6;
    for (i = 0; i < 4; i++)
        out->nxd_ip_address.v6[i] = ((ULONG)a.s6_addr[4 * i] << 24) | ((ULONG)a.s6_addr[4 * i + 1] << 16) |
                                    ((ULONG)a.s6_addr[4 * i + 2] << 8) | (ULONG)a.s6_addr[4 * i + 3];
    return 1;
}

/* Not unspecified, multicast or loopback: an address a host may have. */
static int ipv6_usable(const NXD_ADDRESS *a)
{
    const ULONG *w = a->nxd_ip_address.v6;
    if ((w[0] >> 24) == 0xff)
        return 0;
    if (w[0] == 0 && w[1] == 0 && w[2] == 0 && (w[3] == 0 || w[3] == 1))
        return 0;
    return 1;
}

static int parse_ipv4(const char *s, ULONG *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return 0;
    *out = (ULONG)ntohl(a.s_addr);
    return 1;
}

static void set_pass(const char *what, const char *pass)
{
    if (strlen(pass) > NX_POP3_MAX_PASSWORD)
        bad_usage("%s: the password is longer than %d bytes", what, NX_POP3_MAX_PASSWORD);
    strcpy(opt.pass, pass);
}

/* Reads the password: the first line of FILE ("-": stdin), without its line end. */
static void read_pass_file(const char *path)
{
    static char line[4096];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    size_t n;
    if (!f)
        bad_usage("--pass-file %s: %s", path, strerror(errno));
    if (!fgets(line, sizeof(line), f)) {
        if (ferror(f))
            bad_usage("--pass-file %s: %s", path, strerror(errno));
        line[0] = 0; /* an empty file: an empty password */
    }
    if (f != stdin)
        fclose(f);
    n = strlen(line);
    if (n == sizeof(line) - 1 && line[n - 1] != '\n')
        bad_usage("--pass-file %s: the first line is longer than %d bytes", path, NX_POP3_MAX_PASSWORD);
    if (n > 0 && line[n - 1] == '\n')
        line[--n] = 0;
    if (n > 0 && line[n - 1] == '\r')
        line[--n] = 0;
    set_pass("--pass-file", line);
    memset(line, 0, sizeof(line));
}

static void parse_options(int argc, char **argv)
{
    static const struct option longs[] = {
        {"tap", required_argument, 0, 't'},      {"ip", required_argument, 0, 'i'},
        {"server", required_argument, 0, 's'},   {"user", required_argument, 0, 'u'},
        {"pass", required_argument, 0, 'p'},     {"pass-file", required_argument, 0, 'P'},
        {"apop", no_argument, 0, 'a'},           {"apop-fallback", no_argument, 0, 'F'},
        {"delete", no_argument, 0, 'd'},         {"timeout", required_argument, 0, 'T'},
        {"out", required_argument, 0, 'o'},      {"help", no_argument, 0, 'h'},
        {"keep", no_argument, 0, 'k'},           {"maildir", required_argument, 0, 'm'},
        {"capa", no_argument, 0, 'c'},           {"gateway", required_argument, 0, 'g'},
        {0, 0, 0, 0},
    };
    const char *ip_text = NULL, *pass = NULL, *pass_file = NULL, *timeout_text = NULL, *gateway_text = NULL;
    const char *out = NULL, *maildir = NULL;
    char buf[64], *slash, *colon;
    unsigned long n;
    ULONG host;
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
        case 'p': pass = optarg; break;
        case 'P': pass_file = optarg; break;
        case 'a': opt.apop = 1; break;
        case 'F': opt.apop_fallback = 1; break;
        case 'd': opt.delete_after = 1; break;
        case 'T': timeout_text = optarg; break;
        case 'o': out = optarg; break;
        case 'm': maildir = optarg; break;
        case 'k': opt.keep = 1; break;
        case 'c': opt.capa = 1; break;
        case 'g': gateway_text = optarg; break;
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
    if (out && maildir)
        bad_usage("give --out or --maildir, not both");
    opt.out = out ? out : maildir;
    opt.maildir = maildir != NULL;
    if (!opt.out && !opt.capa) bad_usage("%s is required", "--out DIR (or --maildir DIR, or --capa)");
    if (opt.capa && (opt.out || opt.keep || opt.delete_after))
        bad_usage("--capa only prints the capabilities: no --out, --maildir, --keep or --delete with it");
    if (opt.keep && opt.delete_after)
        bad_usage("--keep leaves the mail on the server: not with --delete");
    if (pass && pass_file)
        bad_usage("give --pass or --pass-file, not both");
    if (pass)
        set_pass("--pass", pass);
    else if (pass_file)
        read_pass_file(pass_file);
    else if (getenv("POP3_PASSWORD"))
        set_pass("POP3_PASSWORD", getenv("POP3_PASSWORD"));
    else
        bad_usage("no password: give --pass-file FILE, set POP3_PASSWORD, or --pass PASSWORD");
    if (strpbrk(opt.pass, "\r\n"))
        bad_usage("the password must not hold CR or LF");
    if (opt.apop_fallback && !opt.apop)
        bad_usage("--apop-fallback is for --apop");
    opt.timeout = DEFAULT_TIMEOUT;
    if (timeout_text && !parse_number(timeout_text, 1, MAX_TIMEOUT, &opt.timeout))
        bad_usage("--timeout '%s': a number of seconds, 1 to %d", timeout_text, MAX_TIMEOUT);
    fetch_timeout_ticks = (ULONG)(opt.timeout * NX_IP_PERIODIC_RATE);

    if (opt.tap[0] == 0 || strlen(opt.tap) > 15)
        bad_usage("--tap '%s': an interface name is 1 to 15 bytes", opt.tap);

    /* --ip ADDR/PREFIX */
    if (strlen(ip_text) >= sizeof(buf))
        bad_usage("--ip '%s': expected ADDR/PREFIX, e.g. 192.0.2.2/24", ip_text);
    strcpy(buf, ip_text);
    slash = strchr(buf, '/');
    if (slash)
        *slash = 0;
    if (strchr(buf, ':')) {
        /* IPv6: ADDR/PREFIX; the instance has no IPv4 address. */
        opt.v6 = 1;
        if (!parse_ipv6(buf, &opt.address6))
            bad_usage("--ip '%s': not an IPv6 address (expected ADDR/PREFIX, e.g. 2001:db8::2/64)", ip_text);
        if (!slash || !parse_number(slash + 1, 1, 128, &n))
            bad_usage("--ip '%s': the prefix length must be 1 to 128 (ADDR/PREFIX, e.g. 2001:db8::2/64)", ip_text);
        if (!ipv6_usable(&opt.address6))
            bad_usage("--ip '%s': an unspecified, multicast or loopback address, not a host address", ip_text);
        opt.prefix6 = n;
        goto server;
    }
    if (!parse_ipv4(buf, &opt.address))
        bad_usage("--ip '%s': not an IPv4 address (expected ADDR/PREFIX, e.g. 192.0.2.2/24)", ip_text);
    if (!slash)
        bad_usage("--ip '%s': the prefix length is missing (ADDR/PREFIX, e.g. %s/24)", ip_text, buf);
    if (!parse_number(slash + 1, 1, 32, &n))
        bad_usage("--ip '%s': the prefix length must be 1 to 32", ip_text);
    opt.mask = (n == 32) ? 0xFFFFFFFFUL : (ULONG)(0xFFFFFFFFUL << (32 - n));
    host = opt.address & ~opt.mask;
    if (opt.address == 0 || (opt.address >> 24) == 0)
        bad_usage("--ip '%s': not a usable host address (0.x.x.x)", ip_text);
    if (opt.address == 0xFFFFFFFFUL || (n <= 30 && host == (~opt.mask & 0xFFFFFFFFUL)))
        bad_usage("--ip '%s': that is the broadcast address of the link, not a host address", ip_text);
    if (n <= 30 && host == 0)
        bad_usage("--ip '%s': that is the network address of the link, not a host address", ip_text);
    if ((opt.address >> 28) == 0xE || (opt.address >> 28) == 0xF)
        bad_usage("--ip '%s': a multicast or reserved address, not a host address", ip_text);
    if ((opt.address >> 24) == 127)
        bad_usage("--ip '%s': a loopback address cannot be used on a TAP link", ip_text);

server:
    /* --server ADDR[:PORT] */
    if (strlen(opt.server_text) >= sizeof(buf))
        bad_usage("--server '%s': expected ADDR[:PORT]", opt.server_text);
    strcpy(buf, opt.server_text);
    if (buf[0] == '[' || strchr(buf, ':') != strrchr(buf, ':')) {
        /* IPv6: [ADDR]:PORT, [ADDR] or a bare ADDR (no port). */
        char *addr = buf, *end;
        opt.port = DEFAULT_PORT;
        if (buf[0] == '[') {
            addr = buf + 1;
            end = strchr(addr, ']');
            if (!end)
                bad_usage("--server '%s': expected [ADDR]:PORT", opt.server_text);
            *end = 0;
            if (end[1] == ':') {
                if (!parse_number(end + 2, 1, 65535, &n))
                    bad_usage("--server '%s': the port must be 1 to 65535", opt.server_text);
                opt.port = (UINT)n;
            } else if (end[1] != 0) {
                bad_usage("--server '%s': expected [ADDR]:PORT", opt.server_text);
            }
        }
        if (!parse_ipv6(addr, &opt.server6) || !ipv6_usable(&opt.server6))
            bad_usage("--server '%s': not a usable IPv6 address ([ADDR]:PORT or a bare ADDR)", opt.server_text);
        if (!opt.v6)
            bad_usage("--server '%s': an IPv6 server needs an IPv6 --ip", opt.server_text);
        if (memcmp(opt.server6.nxd_ip_address.v6, opt.address6.nxd_ip_address.v6, 16) == 0)
            bad_usage("--server '%s': the same address as --ip", opt.server_text);
        goto user;
    }
    if (opt.v6)
        bad_usage("--server '%s': an IPv4 server needs an IPv4 --ip", opt.server_text);
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
    if (gateway_text) {
        if (!parse_ipv4(gateway_text, &opt.gateway) || opt.gateway == 0)
            bad_usage("--gateway '%s': not an IPv4 address", gateway_text);
        if ((opt.gateway & opt.mask) != (opt.address & opt.mask))
            bad_usage("--gateway '%s': not on the link of --ip %s (a gateway is reached directly)", gateway_text,
                      ip_text);
        if (opt.gateway == opt.address)
            bad_usage("--gateway '%s': the same address as --ip", gateway_text);
    } else if ((opt.server & opt.mask) != (opt.address & opt.mask)) {
        bad_usage("--server '%s': not on the link of --ip %s; give --gateway ADDR (a router on the link)",
                  opt.server_text, ip_text);
    }

user:
    if (opt.user[0] == 0 || strlen(opt.user) > NX_POP3_MAX_USERNAME || strpbrk(opt.user, "\r\n"))
        bad_usage("--user '%s': 1 to %d bytes, no CR or LF", opt.user, NX_POP3_MAX_USERNAME);
    /* "APOP name digest\r\n" must fit in one command line. */
    if (opt.apop && strlen(opt.user) + 40 > NX_POP3_MAX_CLIENT_COMMAND)
        bad_usage("--user: with --apop at most %d bytes (the APOP command line is limited to %d)",
                  NX_POP3_MAX_CLIENT_COMMAND - 40, NX_POP3_MAX_CLIENT_COMMAND);
}

/* ------------------------------------------------------------------ progress lines */

/* The line per message goes out in batches, at most every PROGRESS_PERIOD
   seconds (and before any other message, and at exit): a write per message
   to a pipe or a terminal wakes its reader each time, which cost a small
   download more time than its fsyncs on tmpfs (issue 12: 7-9 us of 30 per
   message, measured with the bench's pipe). */
#define PROGRESS_PERIOD 0.1
static char progress_buf[8192];
static size_t progress_len;
static double progress_last;
static double seconds_now(void);

static void progress_flush(void)
{
    size_t off = 0;
    while (off < progress_len) {
        ssize_t w = write(STDERR_FILENO, progress_buf + off, progress_len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* stderr gone: the lines are only informative */
        off += (size_t)w;
    }
    progress_len = 0;
    progress_last = seconds_now();
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
    va_list ap;
    int n;
    for (int tries = 0; tries < 2; tries++) {
        va_start(ap, fmt);
        n = vsnprintf(progress_buf + progress_len, sizeof progress_buf - progress_len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < sizeof progress_buf - progress_len) {
            progress_len += (size_t)n;
            break;
        }
        progress_flush(); /* full: out with the earlier lines, then again */
        if (tries == 1 && n > 0) {
            /* Longer than the whole buffer: straight out. */
            va_start(ap, fmt);
            vfprintf(stderr, fmt, ap);
            va_end(ap);
        }
    }
    if (seconds_now() - progress_last >= PROGRESS_PERIOD)
        progress_flush();
}

/* ------------------------------------------------------------------ test hook */

static const char *test_exit_point;
static unsigned long test_exit_message = 1;

static void test_hook_init(void)
{
    static char point[32];
    const char *e = getenv("POP3_FETCH_TEST_EXIT");
    const char *colon;
    if (!e || !*e)
        return;
    colon = strchr(e, ':');
    snprintf(point, sizeof(point), "%.*s", colon ? (int)(colon - e) : (int)strlen(e), e);
    if (colon && !parse_number(colon + 1, 1, 1000000, &test_exit_message))
        bad_usage("POP3_FETCH_TEST_EXIT '%s': POINT[:K]", e);
    test_exit_point = point;
}

/* The K-th message of this run (k, from 1; 0: any K) reached POINT: exit if asked to. */
static void test_hook(const char *point, unsigned long k)
{
    if (test_exit_point && (k == test_exit_message || k == 0) && strcmp(point, test_exit_point) == 0) {
        progress_flush();
        fprintf(stderr, "pop3_fetch: test hook: exit at %s of message %lu\n", point, k);
        _exit(99);
    }
}

/* ------------------------------------------------------------------ the output directory */

static int out_fd = -1; /* DIR, opened, flock'ed for the whole run */
static int tmp_fd = -1, new_fd = -1; /* --maildir: DIR/tmp and DIR/new */
static unsigned long next_n = 1;

/* mkdir -p; 0 or errno, with the path that failed in *failed. */
static int make_dirs(const char *path, char *failed, size_t cap)
{
    char p[4096];
    size_t len = strlen(path);
    if (len >= sizeof(p))
        return ENAMETOOLONG;
    memcpy(p, path, len + 1);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char saved = *s;
            *s = 0;
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                snprintf(failed, cap, "%s", p);
                return errno;
            }
            *s = saved;
            if (saved == 0)
                return 0;
        }
    }
}

/* "N.eml" with N a decimal without leading zero: N, else 0. */
static unsigned long eml_number(const char *name)
{
    unsigned long n = 0;
    const char *s = name;
    if (*s < '1' || *s > '9')
        return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > 100000000UL)
            return 0;
        n = n * 10 + (unsigned long)(*s - '0');
    }
    return strcmp(s, ".eml") == 0 ? n : 0;
}

/* ".N.eml.part": a file a run was writing. */
static int is_part(const char *name)
{
    char num[64];
    size_t len = strlen(name);
    if (name[0] != '.' || len < 11 || len >= sizeof(num) || strcmp(name + len - 5, ".part") != 0)
        return 0;
    memcpy(num, name + 1, len - 6); /* "N.eml" */
    num[len - 6] = 0;
    return eml_number(num) != 0;
}

/* ------------------------------------------------------------------ --keep's state */

#define STATE_NAME ".pop3_fetch-uidl"

static int state_fd = -1;
static char **done_uids; /* sorted */
static size_t done_count, done_cap;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int uid_done(const char *uid)
{
    return done_count && bsearch(&uid, done_uids, done_count, sizeof(char *), cmp_str) != NULL;
}

static void done_add(const char *uid)
{
    if (done_count == done_cap) {
        done_cap = done_cap ? 2 * done_cap : 256;
        done_uids = realloc(done_uids, done_cap * sizeof(char *));
        if (!done_uids) {
            progress_flush();
            fprintf(stderr, "pop3_fetch: out of memory\n");
            exit(1);
        }
    }
    done_uids[done_count] = strdup(uid);
    if (!done_uids[done_count]) {
        progress_flush();
        fprintf(stderr, "pop3_fetch: out of memory\n");
        exit(1);
    }
    done_count++;
}

static void state_fail(const char *what) __attribute__((noreturn));
static void state_fail(const char *what)
{
    progress_flush();
    fprintf(stderr, "pop3_fetch: %s %s/%s: %s\n", what, opt.out, STATE_NAME, strerror(errno));
    exit(1);
}

/* Appends one record and makes it durable. */
static int state_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int state_append(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    for (int off = 0; off < n;) {
        ssize_t w = write(state_fd, line + off, (size_t)(n - off));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        off += (int)w;
    }
    return fsync(state_fd);
}

/* Reads the state: C records are fetched messages; the last P record without
   its C is fetched if its file exists (the run stopped between the rename and
   the C record); a record cut short by a crash is cut off. */
static void state_load(void)
{
    struct stat st;
    char *data, *line, *end, *pending_uid = NULL, *pending_name = NULL;
    off_t good = 0;
    state_fd = openat(out_fd, STATE_NAME, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (state_fd < 0 || fstat(state_fd, &st) != 0)
        state_fail("opening");
    data = malloc((size_t)st.st_size + 1);
    if (!data)
        state_fail("reading");
    for (off_t got = 0; got < st.st_size;) {
        ssize_t r = pread(state_fd, data + got, (size_t)(st.st_size - got), got);
        if (r <= 0)
            state_fail("reading");
        got += r;
    }
    data[st.st_size] = 0;
    for (line = data; (end = memchr(line, '\n', (size_t)(data + st.st_size - line))) != NULL; line = end + 1) {
        char *sp;
        *end = 0;
        good = end + 1 - data;
        if (line[0] == 'C' && line[1] == ' ') {
            done_add(line + 2);
            if (pending_uid && strcmp(pending_uid, line + 2) == 0)
                pending_uid = NULL;
        } else if (line[0] == 'P' && line[1] == ' ' && (sp = strchr(line + 2, ' ')) != NULL) {
            *sp = 0;
            pending_uid = line + 2;
            pending_name = sp + 1;
        } else if (line[0] != 0) {
            fprintf(stderr, "pop3_fetch: %s/%s: ignoring a line that is not a record\n", opt.out, STATE_NAME);
        }
    }
    if (good != st.st_size) {
        /* A record cut short: the crash came before its fsync returned. */
        if (ftruncate(state_fd, good) != 0 || fsync(state_fd) != 0)
            state_fail("repairing");
        fprintf(stderr, "pop3_fetch: %s/%s: removed a record cut short by an interrupted run\n", opt.out,
                STATE_NAME);
    }
    if (pending_uid) {
        struct stat f;
        if (fstatat(out_fd, pending_name, &f, AT_SYMLINK_NOFOLLOW) == 0) {
            if (state_append("C %s\n", pending_uid) != 0)
                state_fail("writing");
            done_add(pending_uid);
            fprintf(stderr, "pop3_fetch: %s/%s was saved by an interrupted run: not fetched again\n", opt.out,
                    pending_name);
        }
    }
    free(data);
    qsort(done_uids, done_count, sizeof(char *), cmp_str);
}

/* Before connecting: DIR exists (made with its parents), is a directory we
   can write, no other run uses it; stale parts removed; next N found. */
static void prepare_out(void)
{
    char failed[4096];
    struct stat st;
    DIR *d;
    struct dirent *e;
    int err;

    if (stat(opt.out, &st) == 0 && !S_ISDIR(st.st_mode))
        bad_usage("--out %s: exists and is not a directory", opt.out);
    err = make_dirs(opt.out, failed, sizeof(failed));
    if (err) {
        fprintf(stderr, "pop3_fetch: creating %s: %s\n", failed, strerror(err));
        exit(1);
    }
    if (stat(opt.out, &st) != 0 || !S_ISDIR(st.st_mode))
        bad_usage("--out %s: not a directory", opt.out);
    if (access(opt.out, W_OK | X_OK) != 0) {
        fprintf(stderr, "pop3_fetch: --out %s: %s\n", opt.out, strerror(errno));
        exit(1);
    }
    out_fd = open(opt.out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (out_fd < 0) {
        fprintf(stderr, "pop3_fetch: opening %s: %s\n", opt.out, strerror(errno));
        exit(1);
    }
    if (opt.maildir) {
        static const char *const sub[] = {"tmp", "new", "cur"};
        for (int i = 0; i < 3; i++) {
            if (mkdirat(out_fd, sub[i], 0700) != 0 && errno != EEXIST) {
                fprintf(stderr, "pop3_fetch: creating %s/%s: %s\n", opt.out, sub[i], strerror(errno));
                exit(1);
            }
        }
        tmp_fd = openat(out_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        new_fd = openat(out_fd, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (tmp_fd < 0 || new_fd < 0) {
            fprintf(stderr, "pop3_fetch: --maildir %s: tmp/ and new/ must be directories: %s\n", opt.out,
                    strerror(errno));
            exit(1);
        }
        if (fsync(out_fd) != 0) {
            fprintf(stderr, "pop3_fetch: syncing %s: %s\n", opt.out, strerror(errno));
            exit(1);
        }
    }
    if (flock(out_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            fprintf(stderr, "pop3_fetch: %s: another pop3_fetch is writing there\n", opt.out);
            exit(1);
        }
        /* A file system without locks: names still never collide (RENAME_NOREPLACE). */
        fprintf(stderr, "pop3_fetch: %s: cannot lock (%s); run one pop3_fetch at a time there\n", opt.out,
                strerror(errno));
    }
    d = fdopendir(dup(out_fd));
    if (!d) {
        fprintf(stderr, "pop3_fetch: reading %s: %s\n", opt.out, strerror(errno));
        exit(1);
    }
    while (!opt.maildir && (e = readdir(d)) != NULL) {
        unsigned long n = eml_number(e->d_name);
        if (n >= next_n)
            next_n = n + 1;
        if (is_part(e->d_name)) {
            /* A killed run's file: never named, its message still on the server. */
            if (unlinkat(out_fd, e->d_name, 0) == 0)
                fprintf(stderr, "pop3_fetch: removed %s/%s left by an interrupted run\n", opt.out, e->d_name);
        }
    }
    closedir(d);
    if (opt.keep)
        state_load();
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

static char part_name[256], final_name[256];
static FILE *part_file;

static void fetch_entry(ULONG input);

/* Where part files are written: DIR, or DIR/tmp for --maildir. */
static int part_dir_fd(void) { return opt.maildir ? tmp_fd : out_fd; }

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    test_hook_init();
    atexit(progress_flush); /* a path that exits without a message of its own */
    if (opt.out)
        prepare_out();
    tx_kernel_enter(); /* returns only through exit */
    return 1;
}

/* The server's last reply, printable (control bytes shown as '?'); "" if none. */
static const char *server_said(void)
{
    static char text[NX_POP3_CLIENT_LAST_REPLY_SIZE + 1];
    UINT n = 0;
    if (nx_pop3_client_last_reply_get(&client, text, sizeof(text), &n) != NX_SUCCESS)
        return "";
    for (UINT i = 0; i < n; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F)
            text[i] = '?';
    return text;
}

/* Failure: say what happened and the status, leave no partial file, close
   the session, exit 1. */
static void fail(UINT status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail_file(const char *what, const char *name) __attribute__((noreturn));

static void finish_failure(void) __attribute__((noreturn));
static const char *code_name(UINT code);
static void finish_failure(void)
{
    if (part_file) {
        fclose(part_file);
        part_file = NULL;
        unlinkat(part_dir_fd(), part_name, 0);
    }
    if (client_created)
        nx_pop3_client_delete(&client);
    test_control_return(1); /* ends the program; the fetch thread stops here */
    exit(1);                /* reached from tx_application_define only */
}

static void fail(UINT status, const char *fmt, ...)
{
    va_list ap;
    progress_flush();
    fprintf(stderr, "pop3_fetch: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s (0x%02X)", status_name(status), status);
    if (status == NX_POP3_SERVER_ERROR_STATUS) {
        UINT code = NX_POP3_RESP_CODE_NONE;
        if (nx_pop3_client_last_reply_code_get(&client, &code) == NX_SUCCESS && code_name(code))
            fprintf(stderr, "; response code %s", code_name(code));
    }
    fprintf(stderr, "\n");
    finish_failure();
}

/* Failure of the host's file system. */
static void fail_file(const char *what, const char *name)
{
    progress_flush();
    fprintf(stderr, "pop3_fetch: %s %s/%s: %s\n", what, opt.out, name, strerror(errno));
    finish_failure();
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
    if (opt.gateway) {
        status = nx_ip_gateway_address_set(&ip, opt.gateway);
        if (status != NX_SUCCESS)
            fail(status, "setting the gateway");
    }
    status = nx_arp_enable(&ip, arp_cache, sizeof(arp_cache));
    if (status == NX_SUCCESS)
        status = nx_icmp_enable(&ip);
    if (status == NX_SUCCESS)
        status = nx_tcp_enable(&ip);
    if (status == NX_SUCCESS && opt.v6) {
        /* IPv6: link-local from the MAC, then the address given. */
        status = nxd_ipv6_enable(&ip);
        if (status == NX_SUCCESS)
            status = nxd_icmp_enable(&ip);
        if (status == NX_SUCCESS)
            status = nxd_ipv6_linklocal_address_set(&ip, NX_NULL);
        if (status == NX_SUCCESS)
            status = nxd_ipv6_global_address_set(&ip, &opt.address6, opt.prefix6);
    }
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

/* A command failed: the server's words if it answered, else what the status means. */
static void fail_command(UINT status, const char *command)
{
    if (status == NX_POP3_SERVER_ERROR_STATUS && server_said()[0] == '-')
        fail(status, "%s refused by the server: %s", command, server_said());
    if (status == NX_POP3_SERVER_ERROR_STATUS)
        fail(status, "%s: the server's reply is not valid POP3: %s", command, server_said());
    if (status == NX_NO_PACKET)
        fail(status, "%s: no reply from the server within %lu s (--timeout)", command, opt.timeout);
    if (status == NX_NOT_CONNECTED)
        fail(status, "%s: the server closed the connection", command);
    fail(status, "%s", command);
}

/* Create failed: refused connection, unreachable host, login refused... */
static void fail_login(UINT status, const char *server, double elapsed)
{
    const char *said = server_said();
    const char *how = opt.apop ? " with APOP" : "";

    if (status == NX_NOT_CONNECTED && said[0] == 0) {
        /* The stack gives NX_NOT_CONNECTED both for a reset (RST: the host is
           there, the port closed) and for a connect timeout; only a reset
           ends the wait before the timeout. */
        if (elapsed + 0.25 < (double)opt.timeout)
            fail(status, "connecting to %s: connection refused (the host answered; no POP3 server listens on "
                 "that port)", server);
        fail(status, "connecting to %s: no answer within %lu s (host down or unreachable, or a firewall drops "
             "the connection; --timeout)", server, opt.timeout);
    }
    if (status == NX_NO_PACKET)
        fail(status, "logging in to %s as %s%s: no reply within %lu s%s%s (servers delay answers after failed "
             "logins; --timeout)", server, opt.user, how, opt.timeout, said[0] ? "; last reply: " : "", said);
    if (status == NX_NOT_CONNECTED)
        fail(status, "logging in to %s as %s%s: the server closed the connection; last reply: %s", server,
             opt.user, how, said);
    if (status == NX_POP3_APOP_FAILED_MD5_DIGEST && opt.apop && !opt.apop_fallback)
        fail(status, "%s does not offer APOP (no <timestamp> in its greeting: %s); the password was not sent "
             "(--apop-fallback allows USER/PASS, which sends it in clear)", server, said);
    if (status == NX_POP3_SERVER_ERROR_STATUS && said[0] == '-' && opt.apop && !opt.apop_fallback)
        fail(status, "APOP login as %s refused by the server: %s (the password was not sent in clear; "
             "--apop-fallback would try USER/PASS)", opt.user, said);
    if (status == NX_POP3_SERVER_ERROR_STATUS && said[0] == '-')
        fail(status, "login as %s%s refused by the server: %s", opt.user, how, said);
    if (status == NX_POP3_SERVER_ERROR_STATUS)
        fail(status, "logging in to %s as %s%s: the server's reply is not valid POP3: %s", server, opt.user, how,
             said);
    fail(status, "connecting to %s and logging in as %s%s", server, opt.user, how);
}

/* Downloads the message RETR has announced into part_file; returns bytes. */
static unsigned long long download(UINT index, unsigned long k)
{
    unsigned long long bytes = 0;
    UINT status, final_packet = NX_FALSE;
    ULONG length;
    NX_PACKET *packet, *p;
    char what[32];

    while (!final_packet) {
        status = nx_pop3_client_mail_item_message_get(&client, &packet, &length, &final_packet);
        if (status != NX_SUCCESS) {
            snprintf(what, sizeof(what), "RETR %u", index);
            if (status == NX_NO_PACKET)
                fail(status, "%s: no data from the server for %lu s after %llu bytes (--timeout)", what,
                     opt.timeout, bytes);
            if (status == NX_NOT_CONNECTED)
                fail(status, "%s: the server closed the connection after %llu bytes", what, bytes);
            fail(status, "%s (after %llu bytes)", what, bytes);
        }
        /* The packet may be a chain: write every piece. */
        for (p = packet; p != NX_NULL; p = p->nx_packet_next) {
            size_t n = (size_t)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
            if (n > 0 && fwrite(p->nx_packet_prepend_ptr, 1, n, part_file) != n) {
                nx_packet_release(packet);
                fail_file("writing", part_name);
            }
        }
        bytes += length;
        nx_packet_release(packet);
        if (test_exit_point && bytes > 0 && !final_packet) {
            fflush(part_file); /* the half-written file really is on disk */
            test_hook("part-written", k);
        }
    }
    return bytes;
}

/* A Maildir name, unique on this host: SECONDS.MMICROSPPIDQCOUNT.HOST, with
   '/' and ':' of the host name written \057 and \072 (the convention). */
static void maildir_name(char *out, size_t cap)
{
    static unsigned long deliveries;
    char host[256], safe[512];
    size_t j = 0;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "localhost");
    host[sizeof host - 1] = 0;
    for (size_t i = 0; host[i] && j + 5 < sizeof safe; i++) {
        if (host[i] == '/' || host[i] == ':') {
            j += (size_t)snprintf(safe + j, sizeof safe - j, "\\%03o", (unsigned)(unsigned char)host[i]);
        } else {
            safe[j++] = host[i];
        }
    }
    safe[j] = 0;
    snprintf(out, cap, "%ld.M%06ldP%ldQ%lu.%.100s", (long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
             ++deliveries, safe);
}

/* A fresh part file for the next message (part_name, in part_dir_fd()). */
static void open_part(void)
{
    int fd;
    if (opt.maildir)
        maildir_name(part_name, sizeof part_name);
    else
        snprintf(part_name, sizeof(part_name), ".%lu.eml.part", next_n);
    fd = openat(part_dir_fd(), part_name, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST && !opt.maildir) /* a part left by this run's own failure path */
        fd = openat(part_dir_fd(), part_name, O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(part_file = fdopen(fd, "wb"))) {
        if (fd >= 0)
            close(fd);
        fail_file("creating", part_name);
    }
}

/* Renames not yet made durable (no --keep): see name_message. */
static int names_unsynced;

/* Makes the final names durable: the directory of the messages fsync'd. */
static void sync_names(void)
{
    if (!names_unsynced)
        return;
    if (fsync(opt.maildir ? new_fd : out_fd) != 0)
        fail_file("syncing the directory of", final_name);
    names_unsynced = 0;
}

/* Gives the synced part file its final name, never replacing a file: the
   first N.eml free from next_n on, or new/NAME for --maildir; syncs the
   directory. With --keep (uid given) the name is recorded (P) before the
   rename, and the message marked fetched (C) once the directory is synced. */
static void name_message(unsigned long k, const char *uid)
{
    int dir_fd = opt.maildir ? new_fd : out_fd;
    for (;;) {
        if (opt.maildir) {
            snprintf(final_name, sizeof final_name, "%s", part_name);
        } else {
            /* With --keep the name is recorded before the rename: take one
               that is free now (the rename still never replaces a file). */
            for (;;) {
                snprintf(final_name, sizeof(final_name), "%lu.eml", next_n);
                if (!uid || (faccessat(out_fd, final_name, F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT))
                    break;
                next_n++;
            }
        }
        if (uid && state_append("P %s %s%s\n", uid, opt.maildir ? "new/" : "", final_name) != 0)
            fail_file("writing", STATE_NAME);
        if (renameat2(part_dir_fd(), part_name, dir_fd, final_name, RENAME_NOREPLACE) == 0)
            break;
        if (errno != EEXIST)
            fail_file("naming", final_name);
        if (opt.maildir) {
            /* Taken (not by this host's deliveries): another unique name. */
            char other[256];
            maildir_name(other, sizeof other);
            if (renameat(tmp_fd, part_name, tmp_fd, other) != 0)
                fail_file("naming", other);
            snprintf(part_name, sizeof part_name, "%s", other);
        } else {
            next_n++;
        }
    }
    if (!opt.maildir)
        next_n++;
    test_hook("after-rename", k);
    if (!uid) {
        /* Synced once for all, by sync_names(), before any DELE and before
           the summary: a sync per message cost ~6 ms of disk each. */
        names_unsynced = 1;
        return;
    }
    if (fsync(dir_fd) != 0)
        fail_file("syncing the directory of", final_name);
    test_hook("before-state", k);
    if (state_append("C %s\n", uid) != 0)
        fail_file("writing", STATE_NAME);
}

static const char *code_name(UINT code)
{
    switch (code) {
    case NX_POP3_RESP_CODE_IN_USE: return "IN-USE (the mailbox is in use by another session)";
    case NX_POP3_RESP_CODE_LOGIN_DELAY: return "LOGIN-DELAY (logged in too recently)";
    case NX_POP3_RESP_CODE_SYS_TEMP: return "SYS/TEMP (temporary failure: try again later)";
    case NX_POP3_RESP_CODE_SYS_PERM: return "SYS/PERM (permanent failure)";
    case NX_POP3_RESP_CODE_SYS: return "SYS (system failure)";
    case NX_POP3_RESP_CODE_AUTH: return "AUTH (the credentials were refused)";
    case NX_POP3_RESP_CODE_OTHER: return "another code";
    default: return NULL;
    }
}

/* Prints CAPA's lines on stdout. */
static void print_capa(void)
{
    static char lines[8192];
    NX_POP3_CAPABILITIES caps;
    UINT len = 0;
    UINT status = nx_pop3_client_capabilities_get(&client, &caps, lines, sizeof lines, &len);
    if (status != NX_SUCCESS)
        fail_command(status, "CAPA");
    fputs(lines, stdout);
    if (len >= sizeof lines)
        printf("... (%u bytes in all)\n", len);
}

typedef struct {
    UINT index;
    char uid[NX_POP3_MAX_UID + 1];
} WANTED;

static void fetch_entry(ULONG input)
{
    UINT status, count = 0, index, fetched = 0, wanted_count = 0;
    ULONG maildrop_size = 0, item_size;
    unsigned long long total = 0, bytes;
    double start, elapsed;
    char server[80];
    WANTED *wanted = NULL;
    NX_POP3_CAPABILITIES caps;
    NX_PARAMETER_NOT_USED(input);

    if (opt.v6)
        snprintf(server, sizeof(server), opt.server_text[0] == '[' && strstr(opt.server_text, "]:") ? "%s" : "[%s]:110",
                 opt.server_text);
    else
        snprintf(server, sizeof(server), strchr(opt.server_text, ':') ? "%s" : "%s:110", opt.server_text);
    if (opt.apop && !opt.apop_fallback) {
        status = nx_pop3_client_apop_fallback_set(&client, NX_FALSE);
        if (status != NX_SUCCESS)
            fail(status, "refusing APOP's fallback to USER/PASS");
    }
    start = seconds_now();
    if (opt.v6)
        status = nxd_pop3_client_create(&client, opt.apop ? NX_TRUE : NX_FALSE, &ip, &command_pool, &opt.server6,
                                        opt.port, (CHAR *)opt.user, opt.pass);
    else
        status = nx_pop3_client_create(&client, opt.apop ? NX_TRUE : NX_FALSE, &ip, &command_pool, opt.server,
                                       opt.port, (CHAR *)opt.user, opt.pass);
    memset(opt.pass, 0, sizeof(opt.pass));
    if (status != NX_SUCCESS)
        fail_login(status, server, seconds_now() - start);
    client_created = 1;
    if (opt.apop && !client.nx_pop3_client_enable_APOP_authentication)
        fprintf(stderr, "pop3_fetch: %s offers no APOP: logged in with USER/PASS (--apop-fallback)\n", server);

    if (opt.capa) {
        print_capa();
        status = nx_pop3_client_quit(&client);
        if (status != NX_SUCCESS)
            fail_command(status, "QUIT");
        nx_pop3_client_delete(&client);
        client_created = 0;
        fflush(stdout);
        nx_ip_delete(&ip);
        test_control_return(0);
        return;
    }

    /* CAPA: PIPELINING lets the RETRs go ahead. A server without CAPA is fine. */
    status = nx_pop3_client_capabilities_get(&client, &caps, NX_NULL, 0, NX_NULL);
    if (status != NX_SUCCESS && status != NX_POP3_SERVER_ERROR_STATUS)
        fail_command(status, "CAPA");

    status = nx_pop3_client_mail_items_get(&client, &count, &maildrop_size);
    if (status != NX_SUCCESS)
        fail_command(status, "STAT");
    fprintf(stderr, "pop3_fetch: %u message%s, %lu bytes on %s%s\n", count, count == 1 ? "" : "s",
            (unsigned long)maildrop_size, server,
            (status == NX_SUCCESS && (caps.nx_pop3_capabilities_flags & NX_POP3_CAPA_PIPELINING)) ? " (pipelining)"
                                                                                                 : "");

    wanted = calloc(count ? count : 1, sizeof *wanted);
    if (!wanted)
        fail(NX_SUCCESS, "out of memory for %u messages", count);
    if (opt.keep && count > 0) {
        /* The unique-ids of the maildrop; only those not fetched yet. */
        UINT n = 0, len = 0, seen = 0;
        char uid[NX_POP3_MAX_UID + 1];
        status = nx_pop3_client_uidl_start(&client);
        if (status == NX_POP3_SERVER_ERROR_STATUS)
            fail(status, "--keep needs unique-ids, and %s does not give them (UIDL refused: %s); nothing was "
                 "fetched", server, server_said());
        if (status != NX_SUCCESS)
            fail_command(status, "UIDL");
        while ((status = nx_pop3_client_uidl_next(&client, &n, uid, sizeof uid, &len)) == NX_SUCCESS) {
            if (n < 1 || n > count)
                fail(NX_POP3_INVALID_MAIL_ITEM, "UIDL: message %u listed, but STAT said %u messages", n, count);
            seen++;
            if (!uid_done(uid)) {
                wanted[wanted_count].index = n;
                memcpy(wanted[wanted_count].uid, uid, len + 1);
                wanted_count++;
            }
        }
        if (status != NX_NO_MORE_ENTRIES)
            fail_command(status, "UIDL");
        fprintf(stderr, "pop3_fetch: %u new (%u already fetched)\n", wanted_count, seen - wanted_count);
    } else {
        for (index = 1; index <= count; index++)
            wanted[wanted_count++].index = index;
    }

    for (UINT j = 0; j < wanted_count; j++) {
        unsigned long k = j + 1; /* the K of the test hook */
        char what[32];
        index = wanted[j].index;
        if (j == 0 || wanted[j - 1].index + 1 != index) {
            /* A run of consecutive messages: sent ahead when the server pipelines. */
            UINT run = 1;
            while (j + run < wanted_count && wanted[j + run].index == index + run)
                run++;
            status = nx_pop3_client_mail_items_request(&client, index, run);
            if (status != NX_SUCCESS)
                fail_command(status, "RETR (sending ahead)");
        }
        snprintf(what, sizeof(what), "RETR %u", index);
        status = nx_pop3_client_mail_item_get(&client, index, &item_size);
        if (status != NX_SUCCESS)
            fail_command(status, what);

        open_part();
        bytes = download(index, k);
        /* On disk before it gets its final name. */
        if (fflush(part_file) != 0 || fsync(fileno(part_file)) != 0)
            fail_file("writing", part_name);
        if (fclose(part_file) != 0) {
            part_file = NULL;
            fail_file("closing", part_name);
        }
        part_file = NULL;
        test_hook("before-rename", k);
        name_message(k, opt.keep ? wanted[j].uid : NULL);
        total += bytes;
        fetched++;
        progress("pop3_fetch: message %u/%u: %llu bytes -> %s/%s%s\n", index, count, bytes, opt.out,
                 opt.maildir ? "new/" : "", final_name);
    }

    progress_flush();
    sync_names(); /* every file safe before a DELE, and before the summary */

    if (opt.delete_after) {
        /* Every file is safe; the server deletes at QUIT only. */
        for (UINT j = 0; j < wanted_count; j++) {
            char what[32];
            index = wanted[j].index;
            test_hook("before-dele", j + 1);
            snprintf(what, sizeof(what), "DELE %u", index);
            status = nx_pop3_client_mail_item_delete(&client, index);
            if (status != NX_SUCCESS)
                fail_command(status, what);
            test_hook("after-dele", j + 1);
        }
    }
    free(wanted);

    test_hook("before-quit", 0);
    status = nx_pop3_client_quit(&client);
    if (status != NX_SUCCESS)
        fail_command(status, opt.delete_after && count
                                 ? "QUIT (the files are safe; the server deletes only at QUIT, so the messages "
                                   "may still be there)"
                                 : "QUIT");
    elapsed = seconds_now() - start;
    nx_pop3_client_delete(&client);
    client_created = 0;

    if (elapsed < 1e-6)
        elapsed = 1e-6;
    printf("%u message%s, %llu bytes, %.3f s, %.2f MB/s\n", fetched, fetched == 1 ? "" : "s", total, elapsed,
           (double)total / elapsed / 1e6);
    fflush(stdout);
    nx_ip_delete(&ip);
    test_control_return(0);
}
