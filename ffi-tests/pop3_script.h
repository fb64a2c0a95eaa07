/* pop3_script.h: a scripted POP3 server for the C tests, in NetX style.

   Two IP instances on the RAM driver (or the driver the program names in
   P3_DRIVER before inclusion) in one process: the client at
   192.0.2.2/24 and the server at 192.0.2.1/24, each with its own default
   pool of 1536-byte packets, plus a small pool for the client's POP3
   commands. With P3_WITH_SMALL_IP defined before inclusion, a third instance
   (192.0.2.3) whose default pool holds only P3_SMALL_PACKETS packets.

   A server thread listens on port 110. A test case:

       P3_STEP s[] = { P3_LOGIN, EXPECT("STAT"), SEND("+OK 1 5\r\n"), END };
       p3_begin("name", s);          // the server accepts and runs the script
       CHECK_ST(p3_login(), NX_SUCCESS);
       ...client calls, CHECK...(...)...
       p3_end();                     // deletes the client, waits for the server,
                                     // checks every pool is full, prints PASS/FAIL

   Steps:
     SEND(lit) / SEND_BUF(p, n)  the bytes in ONE nx_tcp_socket_send (one segment
                                 when it fits; bigger data goes in 8 KB sends)
     SEND_SPLIT(lit, cut, ...)   one send per piece, cut at the given offsets,
                                 P3_SPLIT_GAP ticks apart so that each piece
                                 arrives on its own
     EXPECT(lit) / EXPECT_STR(s) read one line up to CRLF and compare it exactly
     SLEEP(ticks)                the client consumes what came before
     CLOSE()                     nx_tcp_socket_disconnect (FIN)
     RST()                       abort: nx_tcp_server_socket_unaccept resets the
                                 connection
     SILENT()                    send nothing more; keep the connection open
                                 until the client closes
     HOLD(ticks)                 when the client closes, do not close for ticks
     ANY_TAIL()                  bytes the client sends after the script are
                                 accepted (by default they are a failure)
     NO_CONNECT()                the client must not connect at all (checked for
                                 P3_NO_CONNECT_WAIT ticks)
     END

   After the script the server reads until the client closes (bounded),
   disconnects, unaccepts and relistens for the next case.

   The program defines `static void p3_tests(void)`, which runs the cases;
   the harness supplies tx_application_define and exits non-zero if any case
   failed. Every case must finish well within the watchdog (P3_WATCHDOG_TICKS).
*/
#ifndef POP3_SCRIPT_H
#define POP3_SCRIPT_H

#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P3_UNUSED __attribute__((unused))

#define P3_SERVER_ADDRESS IP_ADDRESS(192, 0, 2, 1)
#define P3_CLIENT_ADDRESS IP_ADDRESS(192, 0, 2, 2)
#define P3_SMALL_ADDRESS IP_ADDRESS(192, 0, 2, 3)
#define P3_NETMASK IP_ADDRESS(255, 255, 255, 0)
#define P3_PORT 110

/* The network driver of every instance (a test may define its own). */
#ifndef P3_DRIVER
#define P3_DRIVER _nx_ram_network_driver
#endif

#define P3_PAYLOAD 1536
#define P3_SERVER_PACKETS 96
#define P3_CLIENT_PACKETS 48
#ifndef P3_SMALL_PACKETS
#define P3_SMALL_PACKETS 3
#endif
#define P3_CMD_PAYLOAD 256
#define P3_CMD_PACKETS 8
/* Room for n packets: header + payload (rounded to 8 by the pool) + slack. */
#define P3_POOL_BYTES(payload, n) ((sizeof(NX_PACKET) + (payload) + 16) * (n) + 16)

#define P3_SPLIT_GAP 3            /* ticks between the pieces of SEND_SPLIT */
#define P3_EXPECT_WAIT 500        /* ticks an EXPECT waits for its line */
#define P3_ACCEPT_WAIT 1000       /* ticks the server waits for the client */
#define P3_NO_CONNECT_WAIT 30     /* ticks NO_CONNECT watches for a connection */
#define P3_CLOSE_WAIT 2000        /* ticks the server waits for the client to close */
#define P3_SEND_WAIT 500          /* ticks a server send may wait */
#define P3_SEND_CHUNK 8192
#ifndef P3_WATCHDOG_TICKS
#define P3_WATCHDOG_TICKS (90 * NX_IP_PERIODIC_RATE)
#endif

/* ---------------------------------------------------------------- script steps */

enum {
    P3_OP_END = 0,
    P3_OP_SEND,
    P3_OP_EXPECT,
    P3_OP_SLEEP,
    P3_OP_CLOSE,
    P3_OP_RST,
    P3_OP_SILENT,
    P3_OP_HOLD,
    P3_OP_ANY_TAIL,
    P3_OP_NO_CONNECT,
};

/* SEND flag: the send may fail (the client may be gone); not a failure. */
#define P3_F_MAYFAIL 1u

typedef struct P3_STEP {
    int op;
    const char *data;
    ULONG len;
    ULONG arg;
    const ULONG *cuts;
    UINT ncuts;
} P3_STEP;

#define SEND(s) {P3_OP_SEND, (s), (ULONG)(sizeof(s) - 1), 0, NULL, 0}
#define SEND_BUF(b, n) {P3_OP_SEND, (const char *)(b), (ULONG)(n), 0, NULL, 0}
#define SEND_BUF_MAYFAIL(b, n) {P3_OP_SEND, (const char *)(b), (ULONG)(n), P3_F_MAYFAIL, NULL, 0}
#define SEND_SPLIT(s, ...)                                                                                        \
    {P3_OP_SEND, (s), (ULONG)(sizeof(s) - 1), 0, (const ULONG[]){__VA_ARGS__},                                    \
     (UINT)(sizeof((const ULONG[]){__VA_ARGS__}) / sizeof(ULONG))}
#define SEND_SPLIT_BUF(b, n, cutp, ncut) {P3_OP_SEND, (const char *)(b), (ULONG)(n), 0, (cutp), (UINT)(ncut)}
#define EXPECT(s) {P3_OP_EXPECT, (s), (ULONG)(sizeof(s) - 1), 0, NULL, 0}
#define EXPECT_STR(s) {P3_OP_EXPECT, (s), (ULONG)strlen(s), 0, NULL, 0}
#define SLEEP(t) {P3_OP_SLEEP, NULL, 0, (ULONG)(t), NULL, 0}
#define CLOSE() {P3_OP_CLOSE, NULL, 0, 0, NULL, 0}
#define RST() {P3_OP_RST, NULL, 0, 0, NULL, 0}
#define SILENT() {P3_OP_SILENT, NULL, 0, 0, NULL, 0}
#define HOLD(t) {P3_OP_HOLD, NULL, 0, (ULONG)(t), NULL, 0}
#define ANY_TAIL() {P3_OP_ANY_TAIL, NULL, 0, 0, NULL, 0}
#define NO_CONNECT() {P3_OP_NO_CONNECT, NULL, 0, 0, NULL, 0}
#define END {P3_OP_END, NULL, 0, 0, NULL, 0}

/* The usual opening: greeting, USER user, PASS secret. */
#define P3_USER "user"
#define P3_PASS "secret"
#define P3_GREETING "+OK POP3 server ready\r\n"
#define P3_LOGIN                                                                                                  \
    SEND(P3_GREETING), EXPECT("USER " P3_USER), SEND("+OK user accepted\r\n"), EXPECT("PASS " P3_PASS),           \
        SEND("+OK mailbox locked\r\n")

/* RFC 1939's APOP example. */
#define P3_APOP_USER "mrose"
#define P3_APOP_PASS "tanstaaf"
#define P3_APOP_STAMP "<1896.697170952@dbc.mtview.ca.us>"
#define P3_APOP_GREETING "+OK POP3 server ready " P3_APOP_STAMP "\r\n"
#define P3_APOP_DIGEST "c4c9334bac560ecc979e58001b3e22fb"

/* ---------------------------------------------------------------- state */

static TX_THREAD p3_server_thread, p3_test_thread, p3_watchdog_thread;
static TX_SEMAPHORE p3_go, p3_done;
static NX_PACKET_POOL p3_server_pool, p3_client_pool, p3_cmd_pool;
static NX_IP p3_server_ip, p3_client_ip;
static NX_TCP_SOCKET p3_server_socket;
static NX_POP3_CLIENT p3_client;
static ULONG p3_server_pool_mem[P3_POOL_BYTES(P3_PAYLOAD, P3_SERVER_PACKETS) / sizeof(ULONG) + 1]
    __attribute__((aligned(16)));
static ULONG p3_client_pool_mem[P3_POOL_BYTES(P3_PAYLOAD, P3_CLIENT_PACKETS) / sizeof(ULONG) + 1]
    __attribute__((aligned(16)));
static ULONG p3_cmd_pool_mem[P3_POOL_BYTES(P3_CMD_PAYLOAD, P3_CMD_PACKETS) / sizeof(ULONG) + 1]
    __attribute__((aligned(16)));
/* IP memory areas: the instance's state plus every socket's buffers
   (NX_IP_MEMORY_OVERHEAD + frame scratch + NX_TCP_SOCKET_MEMORY_MAX for each
   socket, listen backlog included): room for 6 sockets of any window. */
#define P3_IP_MEMORY (NX_IP_MEMORY_OVERHEAD + 4096 + 6 * NX_TCP_SOCKET_MEMORY_MAX)
static ULONG p3_server_stack[P3_IP_MEMORY / sizeof(ULONG)], p3_client_stack[P3_IP_MEMORY / sizeof(ULONG)];
static ULONG p3_server_arp[256], p3_client_arp[256];
#ifdef P3_WITH_SMALL_IP
static NX_PACKET_POOL p3_small_pool;
static NX_IP p3_small_ip;
static ULONG p3_small_pool_mem[P3_POOL_BYTES(P3_PAYLOAD, P3_SMALL_PACKETS) / sizeof(ULONG) + 1]
    __attribute__((aligned(16)));
static ULONG p3_small_stack[P3_IP_MEMORY / sizeof(ULONG)];
static ULONG p3_small_arp[256];
#endif

/* The client IP instance the next p3_create uses. */
static NX_IP *p3_ip = &p3_client_ip;
/* Longest nx_pop3_client_delete allowed in p3_end (ticks). */
static ULONG p3_delete_max = 300;
/* Upper time bounds are multiplied by this under NX_TEST_SLOW (valgrind). */
static ULONG p3_slow = 1;
/* Set when p3_create succeeded: p3_end deletes the client. */
static int p3_created;

/* Per case. */
static const char *p3_case_name;
static const P3_STEP *p3_script;
static int p3_server_running;
static int p3_case_failed;
static char p3_msgs[4096];
static size_t p3_msgs_len;
/* Written by the server thread only while a case runs, read after p3_done. */
static char p3_server_msgs[2048];
static size_t p3_server_msgs_len;
static int p3_server_failed;
static ULONG p3_server_tail_bytes;  /* bytes the client sent after the script */
static int p3_cases, p3_failures;

static void p3_tests(void);

/* ---------------------------------------------------------------- reporting */

static P3_UNUSED void p3_vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
    if (*len + 1 >= cap)
        return;
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    if (n < 0)
        return;
    *len += (size_t)n;
    if (*len >= cap)
        *len = cap - 1;
}

static P3_UNUSED void p3_fail(int line, const char *fmt, ...)
{
    va_list ap;
    char head[32];
    p3_case_failed = 1;
    snprintf(head, sizeof head, "    line %d: ", line);
    size_t l = strlen(head);
    if (p3_msgs_len + l + 1 < sizeof p3_msgs) {
        memcpy(p3_msgs + p3_msgs_len, head, l + 1);
        p3_msgs_len += l;
    }
    va_start(ap, fmt);
    p3_vappend(p3_msgs, sizeof p3_msgs, &p3_msgs_len, fmt, ap);
    va_end(ap);
    if (p3_msgs_len + 2 < sizeof p3_msgs) {
        p3_msgs[p3_msgs_len++] = '\n';
        p3_msgs[p3_msgs_len] = 0;
    }
}

static P3_UNUSED void p3_sfail(const char *fmt, ...)
{
    va_list ap;
    p3_server_failed = 1;
    if (p3_server_msgs_len + 16 < sizeof p3_server_msgs) {
        memcpy(p3_server_msgs + p3_server_msgs_len, "    server: ", 12);
        p3_server_msgs_len += 12;
        p3_server_msgs[p3_server_msgs_len] = 0;
    }
    va_start(ap, fmt);
    p3_vappend(p3_server_msgs, sizeof p3_server_msgs, &p3_server_msgs_len, fmt, ap);
    va_end(ap);
    if (p3_server_msgs_len + 2 < sizeof p3_server_msgs) {
        p3_server_msgs[p3_server_msgs_len++] = '\n';
        p3_server_msgs[p3_server_msgs_len] = 0;
    }
}

/* Printable form of bytes (at most 80 shown), for diffs. */
static P3_UNUSED const char *p3_show(const char *p, ULONG n, char *out, size_t cap)
{
    size_t o = 0;
    ULONG i;
    for (i = 0; i < n && o + 8 < cap && i < 80; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r') {
            out[o++] = '\\';
            out[o++] = 'r';
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c < 32 || c > 126 || c == '\\') {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (i < n && o + 4 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = 0;
    return out;
}

#define CHECK(cond)                                                                                               \
    do {                                                                                                          \
        if (!(cond))                                                                                              \
            p3_fail(__LINE__, "CHECK(%s) failed", #cond);                                                          \
    } while (0)

#define CHECK_ST(expr, expected)                                                                                  \
    do {                                                                                                          \
        UINT p3_st_ = (UINT)(expr);                                                                               \
        if (p3_st_ != (UINT)(expected))                                                                           \
            p3_fail(__LINE__, "%s returned 0x%02X, expected %s (0x%02X)", #expr, p3_st_, #expected,              \
                    (UINT)(expected));                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                                            \
    do {                                                                                                          \
        unsigned long long p3_a_ = (unsigned long long)(a), p3_b_ = (unsigned long long)(b);                      \
        if (p3_a_ != p3_b_)                                                                                       \
            p3_fail(__LINE__, "%s == %llu, expected %s == %llu", #a, p3_a_, #b, p3_b_);                          \
    } while (0)

/* elapsed ticks within [lo, hi] */
#define CHECK_TICKS(elapsed, lo, hi)                                                                              \
    do {                                                                                                          \
        ULONG p3_e_ = (ULONG)(elapsed);                                                                           \
        if (p3_e_ + 1 < (ULONG)(lo) + 1 || p3_e_ > (ULONG)(hi) * p3_slow)                                                           \
            p3_fail(__LINE__, "%s took %lu ticks, expected %lu..%lu", #elapsed, (unsigned long)p3_e_,             \
                    (unsigned long)(lo), (unsigned long)(hi));                                                    \
    } while (0)

#define CHECK_BYTES(got, gotlen, want, wantlen)                                                                   \
    do {                                                                                                          \
        ULONG p3_gl_ = (ULONG)(gotlen), p3_wl_ = (ULONG)(wantlen);                                                \
        if (p3_gl_ != p3_wl_ || memcmp((got), (want), p3_wl_) != 0) {                                             \
            char p3_g_[400], p3_w_[400];                                                                          \
            ULONG p3_i_ = 0;                                                                                      \
            while (p3_i_ < p3_gl_ && p3_i_ < p3_wl_ && ((const char *)(got))[p3_i_] == ((const char *)(want))[p3_i_]) \
                p3_i_++;                                                                                          \
            ULONG p3_from_ = p3_i_ > 20 ? p3_i_ - 20 : 0;                                                         \
            p3_fail(__LINE__, "%s: %lu bytes, expected %lu; first difference at %lu: got '%s' want '%s'", #got,  \
                    (unsigned long)p3_gl_, (unsigned long)p3_wl_, (unsigned long)p3_i_,                           \
                    p3_show((const char *)(got) + p3_from_, p3_gl_ - p3_from_, p3_g_, sizeof p3_g_),              \
                    p3_show((const char *)(want) + p3_from_, p3_wl_ - p3_from_, p3_w_, sizeof p3_w_));            \
        }                                                                                                         \
    } while (0)

/* ---------------------------------------------------------------- the server */

static char p3_rx[16384];
static ULONG p3_rx_len;
static int p3_dead; /* the connection ended under the script */

static P3_UNUSED UINT p3_server_send(const char *data, ULONG len, ULONG flags)
{
    ULONG off = 0;
    while (off < len || (len == 0 && off == 0)) {
        NX_PACKET *p = NX_NULL;
        ULONG chunk = len - off < P3_SEND_CHUNK ? len - off : P3_SEND_CHUNK;
        UINT st = nx_packet_allocate(&p3_server_pool, &p, NX_TCP_PACKET, P3_SEND_WAIT);
        if (st != NX_SUCCESS) {
            p3_sfail("nx_packet_allocate: 0x%02X", st);
            return st;
        }
        if (chunk > 0) {
            st = nx_packet_data_append(p, (VOID *)(data + off), chunk, &p3_server_pool, P3_SEND_WAIT);
            if (st != NX_SUCCESS) {
                p3_sfail("nx_packet_data_append: 0x%02X", st);
                nx_packet_release(p);
                return st;
            }
        }
        st = nx_tcp_socket_send(&p3_server_socket, p, (flags & P3_F_MAYFAIL) ? 200 : P3_SEND_WAIT);
        if (st != NX_SUCCESS) {
            nx_packet_release(p);
            if (!(flags & P3_F_MAYFAIL))
                p3_sfail("nx_tcp_socket_send of %lu bytes at offset %lu: 0x%02X", (unsigned long)chunk,
                         (unsigned long)off, st);
            p3_dead = 1;
            return st;
        }
        off += chunk;
        if (len == 0)
            break;
    }
    return NX_SUCCESS;
}

/* Receives more bytes into p3_rx, waiting up to `wait` ticks. */
static P3_UNUSED UINT p3_server_receive(ULONG wait)
{
    NX_PACKET *p = NX_NULL;
    ULONG copied = 0;
    UINT st = nx_tcp_socket_receive(&p3_server_socket, &p, wait);
    if (st != NX_SUCCESS)
        return st;
    if (p->nx_packet_length > sizeof(p3_rx) - p3_rx_len) {
        p3_sfail("receive buffer full (%lu bytes pending, %lu more came)", (unsigned long)p3_rx_len,
                 (unsigned long)p->nx_packet_length);
        nx_packet_release(p);
        p3_rx_len = 0;
        return NX_OVERFLOW;
    }
    st = nx_packet_data_retrieve(p, p3_rx + p3_rx_len, &copied);
    if (st != NX_SUCCESS)
        p3_sfail("nx_packet_data_retrieve: 0x%02X", st);
    p3_rx_len += copied;
    nx_packet_release(p);
    return NX_SUCCESS;
}

static P3_UNUSED void p3_server_expect(const char *line, ULONG len)
{
    char a[300], b[300];
    ULONG start = tx_time_get();
    for (;;) {
        for (ULONG i = 0; i + 1 < p3_rx_len; i++) {
            if (p3_rx[i] == '\r' && p3_rx[i + 1] == '\n') {
                if (i != len || memcmp(p3_rx, line, len) != 0)
                    p3_sfail("expected '%s', got '%s'", p3_show(line, len, a, sizeof a), p3_show(p3_rx, i, b, sizeof b));
                memmove(p3_rx, p3_rx + i + 2, p3_rx_len - i - 2);
                p3_rx_len -= i + 2;
                return;
            }
        }
        ULONG waited = tx_time_get() - start;
        UINT st = waited >= P3_EXPECT_WAIT ? NX_NO_PACKET : p3_server_receive(P3_EXPECT_WAIT - waited);
        if (st != NX_SUCCESS) {
            p3_sfail("expected '%s', got %s (status 0x%02X) with '%s' pending", p3_show(line, len, a, sizeof a),
                     st == NX_NOT_CONNECTED ? "the connection closed" : "nothing", st,
                     p3_show(p3_rx, p3_rx_len, b, sizeof b));
            p3_dead = 1;
            return;
        }
    }
}

static P3_UNUSED void p3_serve(const P3_STEP *script)
{
    int closed = 0, reset = 0, any_tail = 0;
    ULONG hold = 0;
    UINT st;
    p3_rx_len = 0;
    p3_dead = 0;
    p3_server_tail_bytes = 0;

    if (script[0].op == P3_OP_NO_CONNECT) {
        st = nx_tcp_server_socket_accept(&p3_server_socket, P3_NO_CONNECT_WAIT);
        if (st == NX_SUCCESS)
            p3_sfail("the client connected");
        nx_tcp_server_socket_unaccept(&p3_server_socket);
        st = nx_tcp_server_socket_relisten(&p3_server_ip, P3_PORT, &p3_server_socket);
        if (st != NX_SUCCESS)
            p3_sfail("relisten: 0x%02X", st);
        return;
    }

    st = nx_tcp_server_socket_accept(&p3_server_socket, P3_ACCEPT_WAIT);
    if (st != NX_SUCCESS) {
        p3_sfail("accept: 0x%02X", st);
        p3_dead = 1;
    }
    for (const P3_STEP *s = script; !p3_dead && s->op != P3_OP_END; s++) {
        switch (s->op) {
        case P3_OP_SEND:
            if (s->ncuts == 0) {
                p3_server_send(s->data, s->len, s->arg);
            } else {
                ULONG from = 0;
                for (UINT i = 0; i <= s->ncuts && !p3_dead; i++) {
                    ULONG to = i < s->ncuts ? s->cuts[i] : s->len;
                    if (to < from || to > s->len) {
                        p3_sfail("bad cut %lu", (unsigned long)to);
                        break;
                    }
                    if (i > 0)
                        tx_thread_sleep(P3_SPLIT_GAP);
                    if (to > from)
                        p3_server_send(s->data + from, to - from, s->arg);
                    from = to;
                }
            }
            break;
        case P3_OP_EXPECT:
            p3_server_expect(s->data, s->len);
            break;
        case P3_OP_SLEEP:
            tx_thread_sleep(s->arg);
            break;
        case P3_OP_CLOSE:
            st = nx_tcp_socket_disconnect(&p3_server_socket, P3_CLOSE_WAIT);
            if (st != NX_SUCCESS && st != NX_NOT_CONNECTED)
                p3_sfail("disconnect: 0x%02X", st);
            closed = 1;
            break;
        case P3_OP_RST:
            st = nx_tcp_server_socket_unaccept(&p3_server_socket);
            if (st != NX_SUCCESS)
                p3_sfail("unaccept (reset): 0x%02X", st);
            reset = 1;
            break;
        case P3_OP_SILENT:
            break;
        case P3_OP_HOLD:
            hold = s->arg;
            break;
        case P3_OP_ANY_TAIL:
            any_tail = 1;
            break;
        default:
            p3_sfail("bad step %d", s->op);
            break;
        }
        if (closed || reset)
            break;
    }
    if (!closed && !reset) {
        /* Wait for the client to close; whatever it sends now was not expected. */
        ULONG start = tx_time_get();
        for (;;) {
            ULONG waited = tx_time_get() - start;
            if (waited >= P3_CLOSE_WAIT) {
                p3_sfail("the client did not close within %u ticks", P3_CLOSE_WAIT);
                break;
            }
            ULONG before = p3_rx_len;
            st = p3_server_receive(P3_CLOSE_WAIT - waited);
            if (st == NX_SUCCESS) {
                p3_server_tail_bytes += p3_rx_len - before;
                if (p3_rx_len > 4096)
                    p3_rx_len = 0;
                continue;
            }
            if (st == NX_NOT_CONNECTED)
                break;
            if (st != NX_NO_PACKET) {
                p3_sfail("receive while waiting for the close: 0x%02X", st);
                break;
            }
        }
        if ((p3_rx_len > 0 || p3_server_tail_bytes > 0) && !any_tail) {
            char b[300];
            p3_sfail("the client sent %lu unexpected bytes after the script: '%s'",
                     (unsigned long)p3_server_tail_bytes + (p3_server_tail_bytes ? 0 : p3_rx_len),
                     p3_show(p3_rx, p3_rx_len, b, sizeof b));
        }
        if (hold)
            tx_thread_sleep(hold);
        st = nx_tcp_socket_disconnect(&p3_server_socket, 200);
        (void)st;
    }
    if (!reset)
        nx_tcp_server_socket_unaccept(&p3_server_socket);
    st = nx_tcp_server_socket_relisten(&p3_server_ip, P3_PORT, &p3_server_socket);
    if (st != NX_SUCCESS)
        p3_sfail("relisten: 0x%02X (a connection was already pending?)", st);
}

static P3_UNUSED void p3_server_entry(ULONG input)
{
    (void)input;
    for (;;) {
        tx_semaphore_get(&p3_go, TX_WAIT_FOREVER);
        p3_serve(p3_script);
        tx_semaphore_put(&p3_done);
    }
}

/* ---------------------------------------------------------------- pools */

static P3_UNUSED int p3_pool_full(NX_PACKET_POOL *p) { return p->nx_packet_pool_available == p->nx_packet_pool_total; }

static P3_UNUSED int p3_all_pools_full(void)
{
    int full = p3_pool_full(&p3_server_pool) && p3_pool_full(&p3_client_pool) && p3_pool_full(&p3_cmd_pool);
#ifdef P3_WITH_SMALL_IP
    full = full && p3_pool_full(&p3_small_pool);
#endif
    return full;
}

/* Waits (bounded) for in-flight packets to drain; records a failure per pool not full. */
static P3_UNUSED void p3_check_pools(int line)
{
    ULONG start = tx_time_get();
    while (!p3_all_pools_full() && tx_time_get() - start < 200)
        tx_thread_sleep(2);
    NX_PACKET_POOL *pools[] = {
        &p3_server_pool, &p3_client_pool, &p3_cmd_pool,
#ifdef P3_WITH_SMALL_IP
        &p3_small_pool,
#endif
    };
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++) {
        if (!p3_pool_full(pools[i]))
            p3_fail(line, "pool '%s': %lu of %lu packets available (leak)", pools[i]->nx_packet_pool_name,
                    (unsigned long)pools[i]->nx_packet_pool_available, (unsigned long)pools[i]->nx_packet_pool_total);
        if (pools[i]->nx_packet_pool_invalid_releases != 0)
            p3_fail(line, "pool '%s': %lu invalid releases", pools[i]->nx_packet_pool_name,
                    (unsigned long)pools[i]->nx_packet_pool_invalid_releases);
    }
}

/* ---------------------------------------------------------------- cases */

static P3_UNUSED void p3_begin(const char *name, const P3_STEP *script)
{
    p3_case_name = name;
    p3_case_failed = 0;
    p3_msgs_len = 0;
    p3_msgs[0] = 0;
    p3_server_msgs_len = 0;
    p3_server_msgs[0] = 0;
    p3_server_failed = 0;
    p3_created = 0;
    p3_delete_max = 300;
    p3_script = script;
    p3_server_running = script != NULL;
    if (script != NULL)
        tx_semaphore_put(&p3_go);
}

/* Deletes the client if created, waits for the server, checks the pools, prints. */
static P3_UNUSED void p3_end(void)
{
    if (p3_created) {
        ULONG t0 = tx_time_get();
        UINT st = nx_pop3_client_delete(&p3_client);
        ULONG el = tx_time_get() - t0;
        if (st != NX_SUCCESS)
            p3_fail(__LINE__, "nx_pop3_client_delete returned 0x%02X", st);
        if (el > p3_delete_max * p3_slow)
            p3_fail(__LINE__, "nx_pop3_client_delete took %lu ticks (max %lu)", (unsigned long)el,
                    (unsigned long)p3_delete_max);
        p3_created = 0;
    }
    if (p3_server_running) {
        if (tx_semaphore_get(&p3_done, P3_ACCEPT_WAIT + P3_CLOSE_WAIT + 1000) != TX_SUCCESS) {
            printf("FAIL: %s\n    the script server did not finish; giving up\n", p3_case_name);
            fflush(stdout);
            exit(1);
        }
        p3_server_running = 0;
        if (p3_server_failed) {
            p3_case_failed = 1;
            if (p3_msgs_len + p3_server_msgs_len + 1 < sizeof p3_msgs) {
                memcpy(p3_msgs + p3_msgs_len, p3_server_msgs, p3_server_msgs_len + 1);
                p3_msgs_len += p3_server_msgs_len;
            }
        }
    }
    p3_check_pools(__LINE__);
    p3_cases++;
    if (p3_case_failed)
        p3_failures++;
    printf("%s: %s\n%s", p3_case_failed ? "FAIL" : "PASS", p3_case_name, p3_msgs);
    fflush(stdout);
}

/* ---------------------------------------------------------------- client helpers */

#ifdef P3_IPV6
/* IPv6 mode (P3_IPV6 defined before inclusion): every instance also gets
   IPv6 (nxd_ipv6_enable, nxd_icmp_enable, the link-local address from its
   MAC and the global address 2001:db8::<last byte of its IPv4 address>/64),
   and p3_create_as connects through nxd_pop3_client_create to the server's
   IPv6 address 2001:db8::1; the connection is checked to be IPv6. */
static NXD_ADDRESS p3_v6_of(ULONG v4)
{
    NXD_ADDRESS a;
    memset(&a, 0, sizeof a);
    a.nxd_ip_version = NX_IP_VERSION_V6;
    a.nxd_ip_address.v6[0] = 0x20010db8UL;
    a.nxd_ip_address.v6[3] = v4 & 0xff;
    return a;
}

static UINT p3_make_v6(NX_IP *ip, ULONG v4)
{
    NXD_ADDRESS a = p3_v6_of(v4);
    UINT st = nxd_ipv6_enable(ip);
    if (st == NX_SUCCESS)
        st = nxd_icmp_enable(ip);
    if (st == NX_SUCCESS)
        st = nxd_ipv6_linklocal_address_set(ip, NX_NULL);
    if (st == NX_SUCCESS)
        st = nxd_ipv6_global_address_set(ip, &a, 64);
    return st;
}
#endif

static P3_UNUSED UINT p3_create_as(UINT apop, const char *name, const char *pass)
{
#ifdef P3_IPV6
    NXD_ADDRESS server = p3_v6_of(P3_SERVER_ADDRESS);
    UINT st = nxd_pop3_client_create(&p3_client, apop, p3_ip, &p3_cmd_pool, &server, P3_PORT, (CHAR *)name,
                                     (CHAR *)pass);
    if (st == NX_SUCCESS &&
        p3_client.nx_pop3_client_tcp_socket.nx_tcp_socket_connect_ip.nxd_ip_version != NX_IP_VERSION_V6) {
        p3_fail(__LINE__, "the POP3 connection is not IPv6");
    }
#else
    UINT st = nx_pop3_client_create(&p3_client, apop, p3_ip, &p3_cmd_pool, P3_SERVER_ADDRESS, P3_PORT, (CHAR *)name,
                                    (CHAR *)pass);
#endif
    if (st == NX_SUCCESS)
        p3_created = 1;
    return st;
}

static P3_UNUSED UINT p3_login(void) { return p3_create_as(NX_FALSE, P3_USER, P3_PASS); }

/* Changes the reply timeout (and the disconnect timeout) of the created client. */
static P3_UNUSED UINT p3_timeouts(ULONG reply, ULONG disconnect)
{
    return nx_pop3_client_timeouts_set(&p3_client, NX_POP3_CLIENT_PACKET_TIMEOUT, NX_POP3_TCP_SOCKET_SEND_WAIT,
                                       NX_POP3_CLIENT_CONNECTION_TIMEOUT, disconnect, reply);
}

typedef struct P3_MSG {
    ULONG total;    /* bytes delivered */
    UINT packets;   /* packets delivered */
    UINT finals;    /* packets marked final */
    ULONG last_len; /* bytes of the last packet */
    ULONG max_call; /* longest single message_get call (ticks) */
} P3_MSG;

/* Reads the message being downloaded to its final packet, appending to buf
   (cap bytes; the rest is counted, not stored). Checks on each packet that
   bytes_retrieved == nx_packet_length and that nothing follows the final
   packet. Returns the first status that is not NX_SUCCESS, or NX_SUCCESS. */
static P3_UNUSED UINT p3_read_message_at(int line, char *buf, ULONG cap, P3_MSG *m)
{
    memset(m, 0, sizeof *m);
    for (UINT guard = 0; guard < 1000000; guard++) {
        NX_PACKET *p = (NX_PACKET *)(uintptr_t)1;
        ULONG bytes = 0xDEAD;
        UINT final = 0xDEAD;
        ULONG t0 = tx_time_get();
        UINT st = nx_pop3_client_mail_item_message_get(&p3_client, &p, &bytes, &final);
        ULONG el = tx_time_get() - t0;
        if (el > m->max_call)
            m->max_call = el;
        if (st != NX_SUCCESS) {
            if (p != NX_NULL)
                p3_fail(line, "message_get failed (0x%02X) but left a packet pointer", st);
            return st;
        }
        if (p == NX_NULL) {
            p3_fail(line, "message_get succeeded with a NULL packet");
            return NX_PTR_ERROR;
        }
        if (bytes != p->nx_packet_length)
            p3_fail(line, "bytes_retrieved %lu != nx_packet_length %lu", (unsigned long)bytes,
                    (unsigned long)p->nx_packet_length);
        if (final != NX_TRUE && final != NX_FALSE)
            p3_fail(line, "final_packet = %u", final);
        if (p->nx_packet_next != NX_NULL)
            p3_fail(line, "message packet is a chain");
        ULONG n = (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
        if (n != p->nx_packet_length)
            p3_fail(line, "packet append - prepend = %lu, length %lu", (unsigned long)n,
                    (unsigned long)p->nx_packet_length);
        if (buf != NX_NULL && m->total < cap) {
            ULONG k = cap - m->total < n ? cap - m->total : n;
            memcpy(buf + m->total, p->nx_packet_prepend_ptr, k);
        }
        m->total += n;
        m->packets++;
        m->last_len = n;
        UINT rs = nx_packet_release(p);
        if (rs != NX_SUCCESS)
            p3_fail(line, "nx_packet_release of a message packet: 0x%02X", rs);
        if (final == NX_TRUE) {
            m->finals++;
            if (p3_client.nx_pop3_client_ready_to_download != NX_FALSE)
                p3_fail(line, "still ready to download after the final packet");
            /* Nothing more: the next call says no message is being downloaded. */
            NX_PACKET *q = NX_NULL;
            ULONG b2 = 1;
            UINT f2 = 1;
            UINT s2 = nx_pop3_client_mail_item_message_get(&p3_client, &q, &b2, &f2);
            if (s2 != NX_POP3_CLIENT_INVALID_STATE || q != NX_NULL || b2 != 0 || f2 != 0)
                p3_fail(line, "message_get after the final packet: 0x%02X (packet %p, bytes %lu, final %u)", s2,
                        (void *)q, (unsigned long)b2, f2);
            if (q != NX_NULL)
                nx_packet_release(q);
            return NX_SUCCESS;
        }
    }
    p3_fail(line, "message never ended");
    return NX_NOT_SUCCESSFUL;
}
#define p3_read_message(buf, cap, m) p3_read_message_at(__LINE__, (buf), (cap), (m))

/* RETR n, then read the message and compare it with `want` (wantlen bytes). */
static P3_UNUSED void p3_retr_expect_at(int line, UINT n, ULONG octets, const char *want, ULONG wantlen)
{
    static char got[256 * 1024];
    ULONG size = 0xDEAD;
    P3_MSG m;
    UINT st = nx_pop3_client_mail_item_get(&p3_client, n, &size);
    if (st != NX_SUCCESS) {
        p3_fail(line, "RETR %u: 0x%02X", n, st);
        return;
    }
    if (size != octets)
        p3_fail(line, "RETR %u: item_size %lu, expected %lu", n, (unsigned long)size, (unsigned long)octets);
    st = p3_read_message_at(line, got, sizeof got, &m);
    if (st != NX_SUCCESS) {
        p3_fail(line, "reading message %u: 0x%02X after %lu bytes", n, st, (unsigned long)m.total);
        return;
    }
    if (m.total != wantlen || memcmp(got, want, wantlen) != 0) {
        char a[400], b[400];
        ULONG i = 0;
        while (i < m.total && i < wantlen && got[i] == want[i])
            i++;
        ULONG from = i > 20 ? i - 20 : 0;
        p3_fail(line, "message %u: %lu bytes, expected %lu; first difference at %lu: got '%s' want '%s'", n,
                (unsigned long)m.total, (unsigned long)wantlen, (unsigned long)i,
                p3_show(got + from, m.total > from ? m.total - from : 0, a, sizeof a),
                p3_show(want + from, wantlen - from, b, sizeof b));
    }
}
#define p3_retr_expect(n, octets, want) p3_retr_expect_at(__LINE__, (n), (octets), (want), (ULONG)(sizeof(want) - 1))

/* ---------------------------------------------------------------- setup */

static P3_UNUSED void p3_setup_fail(const char *what, UINT st)
{
    printf("FAIL: setup: %s returned 0x%02X\n", what, st);
    fflush(stdout);
    test_control_return(1);
}

static P3_UNUSED UINT p3_make_ip(NX_IP *ip, CHAR *name, ULONG address, NX_PACKET_POOL *pool, ULONG *stack,
                                 ULONG stack_size, ULONG *arp, ULONG arp_size)
{
    UINT st = nx_ip_create(ip, name, address, P3_NETMASK, pool, P3_DRIVER, stack, stack_size, 1);
    if (st != NX_SUCCESS)
        return st;
    st = nx_arp_enable(ip, arp, arp_size);
    if (st != NX_SUCCESS)
        return st;
    st = nx_tcp_enable(ip);
    if (st != NX_SUCCESS)
        return st;
#ifdef P3_IPV6
    st = nx_icmp_enable(ip);
    if (st != NX_SUCCESS)
        return st;
    return p3_make_v6(ip, address);
#else
    return nx_icmp_enable(ip);
#endif
}

static P3_UNUSED void p3_watchdog_entry(ULONG input)
{
    (void)input;
    ULONG ticks = P3_WATCHDOG_TICKS;
    if (getenv("NX_TEST_SLOW") != NULL)
        ticks *= 10;
    tx_thread_sleep(ticks);
    printf("FAIL: watchdog: the program did not finish within %lu ticks (case '%s')\n", (unsigned long)ticks,
           p3_case_name ? p3_case_name : "?");
    fflush(stdout);
    exit(2);
}

static P3_UNUSED void p3_test_entry(ULONG input)
{
    ULONG actual = 0;
    UINT st;
    (void)input;
    if (getenv("NX_TEST_SLOW") != NULL)
        p3_slow = 5;
    st = nx_ip_status_check(&p3_client_ip, NX_IP_LINK_ENABLED, &actual, 300);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_ip_status_check (client)", st);
    st = nx_ip_status_check(&p3_server_ip, NX_IP_LINK_ENABLED, &actual, 300);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_ip_status_check (server)", st);
    p3_tests();
    printf("%s: %d of %d cases passed\n", p3_failures ? "FAIL" : "PASS", p3_cases - p3_failures, p3_cases);
    fflush(stdout);
    test_control_return(p3_failures ? 1 : 0);
}

VOID tx_application_define(VOID *first_unused_memory)
{
    UINT st;
    (void)first_unused_memory;
    setvbuf(stdout, NULL, _IOLBF, 0);
    nx_system_initialize();
    st = nx_packet_pool_create(&p3_server_pool, "server pool", P3_PAYLOAD, p3_server_pool_mem, sizeof p3_server_pool_mem);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_packet_pool_create (server)", st);
    st = nx_packet_pool_create(&p3_client_pool, "client pool", P3_PAYLOAD, p3_client_pool_mem, sizeof p3_client_pool_mem);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_packet_pool_create (client)", st);
    st = nx_packet_pool_create(&p3_cmd_pool, "command pool", P3_CMD_PAYLOAD, p3_cmd_pool_mem, sizeof p3_cmd_pool_mem);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_packet_pool_create (commands)", st);
    st = p3_make_ip(&p3_server_ip, "server ip", P3_SERVER_ADDRESS, &p3_server_pool, p3_server_stack,
                    sizeof p3_server_stack, p3_server_arp, sizeof p3_server_arp);
    if (st != NX_SUCCESS)
        p3_setup_fail("server IP instance", st);
    st = p3_make_ip(&p3_client_ip, "client ip", P3_CLIENT_ADDRESS, &p3_client_pool, p3_client_stack,
                    sizeof p3_client_stack, p3_client_arp, sizeof p3_client_arp);
    if (st != NX_SUCCESS)
        p3_setup_fail("client IP instance", st);
#ifdef P3_WITH_SMALL_IP
    st = nx_packet_pool_create(&p3_small_pool, "small pool", P3_PAYLOAD, p3_small_pool_mem, sizeof p3_small_pool_mem);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_packet_pool_create (small)", st);
    if (p3_small_pool.nx_packet_pool_total != P3_SMALL_PACKETS) {
        printf("FAIL: setup: the small pool holds %lu packets, not %d\n",
               (unsigned long)p3_small_pool.nx_packet_pool_total, P3_SMALL_PACKETS);
        test_control_return(1);
    }
    st = p3_make_ip(&p3_small_ip, "small ip", P3_SMALL_ADDRESS, &p3_small_pool, p3_small_stack, sizeof p3_small_stack,
                    p3_small_arp, sizeof p3_small_arp);
    if (st != NX_SUCCESS)
        p3_setup_fail("small IP instance", st);
#endif
    st = nx_tcp_socket_create(&p3_server_ip, &p3_server_socket, "pop3 server", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                              NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_tcp_socket_create (server)", st);
    st = nx_tcp_server_socket_listen(&p3_server_ip, P3_PORT, &p3_server_socket, 5, NX_NULL);
    if (st != NX_SUCCESS)
        p3_setup_fail("nx_tcp_server_socket_listen", st);
    tx_semaphore_create(&p3_go, "go", 0);
    tx_semaphore_create(&p3_done, "done", 0);
    tx_thread_create(&p3_server_thread, "pop3 server", p3_server_entry, 0, NX_NULL, 0, 3, 3, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
    tx_thread_create(&p3_watchdog_thread, "watchdog", p3_watchdog_entry, 0, NX_NULL, 0, 1, 1, TX_NO_TIME_SLICE,
                     TX_AUTO_START);
    tx_thread_create(&p3_test_thread, "tests", p3_test_entry, 0, NX_NULL, 0, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START);
}

int main(void)
{
    tx_kernel_enter();
    return 0;
}

#endif /* POP3_SCRIPT_H */
