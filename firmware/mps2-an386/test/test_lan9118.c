/* test_lan9118: the LAN9118 NetX driver on QEMU's mps2-an386, without the
   library. A test double (nx_test_double.c) stands in for the few NetX
   services the driver calls; this program plays the IP instance: it sends
   the driver the requests NetX sends, serves NX_LINK_DEFERRED_PROCESSING
   when the driver's interrupt asks for it, and reads what the driver hands
   to _nx_ip_packet_deferred_receive / _nx_arp_packet_deferred_receive.

   Run by run_selftest.py inside a network namespace: a TAP (192.0.2.1/24,
   the Linux kernel) on the other end, the firmware at 192.0.2.2.

     1. attach / initialize / enable: MTU, MAC (the one QEMU gives the
        controller), address mapping, link up, status queries;
     2. SysTick against the controller's 25 MHz free-running counter;
     3. PHY loopback: address filter (unicast, broadcast, multicast hash
        join/leave), unknown EtherType, a packet too small for the frame, an
        empty pool, a pool whose payload is not word aligned;
     4. link disable: a send is refused and its packet released;
     5. the network: ARP request -> the kernel's reply; ICMP echo -> reply;
        a 1400-byte echo sent as a chain of two packets, the second unaligned;
        the host pulls the cable (QEMU monitor: set_link off): the PHY
        interrupt brings the link down, sends are refused; set_link on: the
        link comes back and an echo is answered again;
     6. "READY": the host floods pings; the firmware answers every echo
        request and ARP request itself and counts them, until the host sends
        the UDP datagram "END <n>" to port 7777 with the number it sent;
     7. every packet back in its pool, no double release, no error counted.

   Exit status 0 only if every check passed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"

#include "board.h"
#include "lan9118.h"
#include "nx_lan9118_driver.h"
#include "nx_test_double.h"

#define FW_IP        IP_ADDRESS(192, 0, 2, 2)
#define HOST_IP      IP_ADDRESS(192, 0, 2, 1)
#define CONTROL_PORT 7777
#define ECHO_ID      0x4E58 /* "NX" */

#define LAN9118_REG_TEST(offset) (*(volatile ULONG *)(0x40200000u + (offset)))

#define POOL_PAYLOAD 1536
#define POOL_PACKETS 128 /* more than the 64 small echo requests the last flood keeps in flight */
#define BURST_TIMEOUT_TICKS (180u * BOARD_TICKS_PER_SEC)

static NX_IP ip;
static NX_PACKET_POOL pool, small_pool, tiny_pool, odd_pool;
static ULONG pool_memory[POOL_PACKETS * (POOL_PAYLOAD + 64) / 4];
static ULONG small_memory[4 * (256 + 64) / 4];
static ULONG tiny_memory[(POOL_PAYLOAD + 64) / 4]; /* room for exactly one packet */
static ULONG odd_memory[4 * (POOL_PAYLOAD + 72) / 4];

static int failures;
static int checks;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        checks++;                                                                                                      \
        if (cond) {                                                                                                    \
            printf("PASS: " __VA_ARGS__);                                                                              \
        } else {                                                                                                       \
            failures++;                                                                                                \
            printf("FAIL: " __VA_ARGS__);                                                                              \
        }                                                                                                              \
        printf("\n");                                                                                                  \
    } while (0)

/* ------------------------------------------------------------------ helpers */

static void put16(UCHAR *p, ULONG v)
{
    p[0] = (UCHAR)(v >> 8);
    p[1] = (UCHAR)v;
}
static void put32(UCHAR *p, ULONG v)
{
    p[0] = (UCHAR)(v >> 24);
    p[1] = (UCHAR)(v >> 16);
    p[2] = (UCHAR)(v >> 8);
    p[3] = (UCHAR)v;
}
static ULONG get16(const UCHAR *p)
{
    return ((ULONG)p[0] << 8) | p[1];
}
static ULONG get32(const UCHAR *p)
{
    return ((ULONG)p[0] << 24) | ((ULONG)p[1] << 16) | ((ULONG)p[2] << 8) | p[3];
}

static ULONG checksum_add(ULONG sum, const UCHAR *p, ULONG len)
{
    for (ULONG i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (ULONG)p[len - 1] << 8;
    return sum;
}
static ULONG checksum_fold(ULONG sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return ~sum & 0xFFFFu;
}

static UINT driver_request(UINT command, NX_PACKET *packet, ULONG msw, ULONG lsw, ULONG *return_value)
{
    NX_IP_DRIVER request; /* on the caller's stack, as NetX does */
    memset(&request, 0, sizeof(request));
    request.nx_ip_driver_command = command;
    request.nx_ip_driver_ptr = &ip;
    request.nx_ip_driver_interface = &ip.nx_ip_interface[0];
    request.nx_ip_driver_packet = packet;
    request.nx_ip_driver_physical_address_msw = msw;
    request.nx_ip_driver_physical_address_lsw = lsw;
    request.nx_ip_driver_return_ptr = return_value;
    nx_lan9118_driver(&request);
    return request.nx_ip_driver_status;
}

static ULONG mac_msw, mac_lsw;      /* ours */
static ULONG host_msw, host_lsw;    /* the kernel's, learned by ARP */
static int host_mac_known;

/* Test-only register access (the driver's helpers are private). */
static ULONG test_mac_read(ULONG reg)
{
    while (LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) & LAN9118_MAC_CSR_BUSY)
        ;
    LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) = LAN9118_MAC_CSR_BUSY | LAN9118_MAC_CSR_READ | reg;
    while (LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) & LAN9118_MAC_CSR_BUSY)
        ;
    return LAN9118_REG_TEST(LAN9118_MAC_CSR_DATA);
}
static void test_mac_write(ULONG reg, ULONG value)
{
    while (LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) & LAN9118_MAC_CSR_BUSY)
        ;
    LAN9118_REG_TEST(LAN9118_MAC_CSR_DATA) = value;
    LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) = LAN9118_MAC_CSR_BUSY | reg;
    while (LAN9118_REG_TEST(LAN9118_MAC_CSR_CMD) & LAN9118_MAC_CSR_BUSY)
        ;
}
static void test_phy_write(ULONG reg, ULONG value)
{
    test_mac_write(LAN9118_MAC_MII_DATA, value);
    test_mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_ACC_PHY_ADDR(LAN9118_PHY_ADDR) | LAN9118_MII_ACC_REG(reg) |
                                            LAN9118_MII_ACC_WRITE | LAN9118_MII_ACC_BUSY);
    while (test_mac_read(LAN9118_MAC_MII_ACC) & LAN9118_MII_ACC_BUSY)
        ;
}

/* ------------------------------------------------------------------ receive side */

/* State the receive loop updates. */
static struct
{
    ULONG misaligned;          /* IP/ARP headers not 4-byte aligned (normal pool) */
    ULONG wrong_interface;     /* packets without the receive interface set */
    ULONG bad_ip_checksum;
    ULONG arp_requests_answered;
    ULONG echo_replies;        /* to our own requests */
    ULONG last_reply_seq;
    ULONG last_reply_length;
    int last_reply_payload_ok;
    ULONG echo_requests;       /* from the host, answered */
    ULONG echo_request_bytes;
    ULONG echo_reply_send_failures;
    ULONG distinct_seqs;       /* summed over ping runs (each run has its own ICMP id) */
    ULONG current_id;
    ULONG other;
    ULONG loop_marker_seen;    /* loopback frames recognised by their marker */
    ULONG loop_marker_length;
    int loop_marker_ok;
    long end_count;            /* from "END <n>", -1 before */
} rx;

static UCHAR seq_seen[65536 / 8];

static int expect_aligned = 1;

static void expected_payload(UCHAR *buf, ULONG len, ULONG seed)
{
    for (ULONG i = 0; i < len; i++)
        buf[i] = (UCHAR)(i * 7u + seed);
}

static void handle_arp(NX_PACKET *p)
{
    UCHAR *a = p->nx_packet_prepend_ptr;
    if (p->nx_packet_length >= 28 && get16(a) == 1 && get16(a + 2) == 0x0800) {
        ULONG op = get16(a + 6);
        ULONG sender_ip = get32(a + 14), target_ip = get32(a + 24);
        ULONG s_msw = get16(a + 8), s_lsw = get32(a + 10);
        if (op == 2 && sender_ip == HOST_IP && target_ip == FW_IP) {
            host_msw = s_msw;
            host_lsw = s_lsw;
            host_mac_known = 1;
        } else if (op == 1 && target_ip == FW_IP) {
            /* Answer in the same packet, as NetX's ARP does. */
            put16(a + 6, 2);
            put16(a + 18, s_msw);
            put32(a + 20, s_lsw);
            put32(a + 24, sender_ip);
            put16(a + 8, mac_msw);
            put32(a + 10, mac_lsw);
            put32(a + 14, FW_IP);
            p->nx_packet_length = 28;
            p->nx_packet_append_ptr = a + 28;
            p->nx_packet_ip_version = NX_IP_VERSION_V4;
            if (driver_request(NX_LINK_ARP_RESPONSE_SEND, p, s_msw, s_lsw, NX_NULL) == NX_SUCCESS)
                rx.arp_requests_answered++;
            return; /* the driver released it */
        }
    }
    nx_packet_release(p);
}

static void handle_ip(NX_PACKET *p)
{
    UCHAR *h = p->nx_packet_prepend_ptr;
    ULONG len = p->nx_packet_length;

    /* A loopback test frame: "LOOP" marker at the start. */
    if (len >= 8 && memcmp(h, "LOOP", 4) == 0) {
        UCHAR expect[1500];
        ULONG n = len - 8;
        expected_payload(expect, n, get32(h + 4));
        rx.loop_marker_seen++;
        rx.loop_marker_length = len;
        rx.loop_marker_ok = n <= sizeof(expect) && memcmp(h + 8, expect, n) == 0;
        nx_packet_release(p);
        return;
    }
    if (len < 20 || (h[0] >> 4) != 4 || (h[0] & 0xF) != 5 || get16(h + 2) > len) {
        rx.other++;
        nx_packet_release(p);
        return;
    }
    if (checksum_fold(checksum_add(0, h, 20)) != 0) {
        rx.bad_ip_checksum++;
        nx_packet_release(p);
        return;
    }
    ULONG total = get16(h + 2), proto = h[9], src = get32(h + 12), dst = get32(h + 16);
    UCHAR *l4 = h + 20;
    ULONG l4_len = total - 20;

    if (proto == 1 && dst == FW_IP && l4_len >= 8 && l4[0] == 0 && get16(l4 + 4) == ECHO_ID) {
        /* Echo reply to one of ours. */
        UCHAR expect[1500];
        ULONG seq = get16(l4 + 6), n = l4_len - 8;
        expected_payload(expect, n, seq);
        rx.echo_replies++;
        rx.last_reply_seq = seq;
        rx.last_reply_length = n;
        rx.last_reply_payload_ok = n <= sizeof(expect) && memcmp(l4 + 8, expect, n) == 0 &&
                                   checksum_fold(checksum_add(0, l4, l4_len)) == 0;
        nx_packet_release(p);
        return;
    }
    if (proto == 1 && dst == FW_IP && l4_len >= 8 && l4[0] == 8 && checksum_fold(checksum_add(0, l4, l4_len)) == 0) {
        /* Echo request from the host: answer in place (the Ethernet source is
           still in the headroom, before prepend_ptr). */
        ULONG seq = get16(l4 + 6), id = get16(l4 + 4);
        if (id != rx.current_id) { /* a new ping run: its sequence numbers start again */
            memset(seq_seen, 0, sizeof(seq_seen));
            rx.current_id = id;
        }
        if (!(seq_seen[seq >> 3] & (1u << (seq & 7)))) {
            seq_seen[seq >> 3] |= (UCHAR)(1u << (seq & 7));
            rx.distinct_seqs++;
        }
        rx.echo_requests++;
        rx.echo_request_bytes += len;
        const UCHAR *eth = h - 14;
        ULONG d_msw = get16(eth + 6), d_lsw = get32(eth + 8);
        l4[0] = 0;
        put16(l4 + 2, 0);
        put16(l4 + 2, checksum_fold(checksum_add(0, l4, l4_len)));
        put32(h + 12, dst);
        put32(h + 16, src);
        h[8] = 64;
        put16(h + 10, 0);
        put16(h + 10, checksum_fold(checksum_add(0, h, 20)));
        p->nx_packet_length = total;
        p->nx_packet_append_ptr = h + total;
        p->nx_packet_ip_version = NX_IP_VERSION_V4;
        if (driver_request(NX_LINK_PACKET_SEND, p, d_msw, d_lsw, NX_NULL) != NX_SUCCESS)
            rx.echo_reply_send_failures++;
        return;
    }
    if (proto == 17 && dst == FW_IP && l4_len >= 8 && get16(l4 + 2) == CONTROL_PORT) {
        char text[32];
        ULONG n = l4_len - 8 < sizeof(text) - 1 ? l4_len - 8 : sizeof(text) - 1;
        memcpy(text, l4 + 8, n);
        text[n] = '\0';
        long count = -1;
        if (sscanf(text, "END %ld", &count) == 1)
            rx.end_count = count;
        nx_packet_release(p);
        return;
    }
    rx.other++;
    nx_packet_release(p);
}

/* One turn of the "IP thread": serve the driver's deferred-processing
   request, then consume what it handed over. */
static void pump(void)
{
    NX_PACKET *p;
#ifdef NX_LAN9118_POLLING
    /* A polling stack: ask the driver every turn. */
    (void)driver_request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
#else
    if (td_deferred_requested())
        (void)driver_request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
#endif
    for (;;) {
        int arp = 1;
        if ((p = td_arp_dequeue()) == NX_NULL) {
            arp = 0;
            if ((p = td_ip_dequeue()) == NX_NULL)
                break;
        }
        if (expect_aligned && ((uintptr_t)p->nx_packet_prepend_ptr & 3u))
            rx.misaligned++;
        if (p->nx_packet_address.nx_packet_interface_ptr != &ip.nx_ip_interface[0])
            rx.wrong_interface++;
        if (arp)
            handle_arp(p);
        else
            handle_ip(p);
    }
}

/* Pumps until cond() or `ticks` pass; returns cond(). */
static int pump_until(int (*cond)(void), ULONG ticks)
{
    ULONG start = board_ticks();
    while (!cond()) {
        if ((ULONG)(board_ticks() - start) >= ticks)
            return 0;
        pump();
#ifndef NX_LAN9118_POLLING
        /* Sleep until an interrupt, without losing one that comes between
           the check and the WFI: WFI wakes on a pending interrupt even with
           interrupts masked, and the handler runs once they are unmasked. */
        uint32_t primask = board_irq_save();
        if (!td_deferred_pending())
            __asm volatile("wfi");
        board_irq_restore(primask);
#endif
    }
    pump();
    return 1;
}

/* ------------------------------------------------------------------ transmit side */

static NX_PACKET *packet_new(NX_PACKET_POOL *from, ULONG headroom)
{
    NX_PACKET *p = NX_NULL;
    if (nx_packet_allocate(from, &p, headroom, NX_NO_WAIT) != NX_SUCCESS)
        return NX_NULL;
    return p;
}

static UINT send_arp_request(ULONG target_ip)
{
    NX_PACKET *p = packet_new(&pool, NX_PHYSICAL_HEADER);
    if (p == NX_NULL)
        return NX_NO_PACKET;
    UCHAR *a = p->nx_packet_prepend_ptr;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 1);
    put16(a + 8, mac_msw);
    put32(a + 10, mac_lsw);
    put32(a + 14, FW_IP);
    put16(a + 18, 0);
    put32(a + 20, 0);
    put32(a + 24, target_ip);
    p->nx_packet_append_ptr = a + 28;
    p->nx_packet_length = 28;
    p->nx_packet_ip_version = NX_IP_VERSION_V4;
    return driver_request(NX_LINK_ARP_SEND, p, 0x0000FFFFu, 0xFFFFFFFFu, NX_NULL);
}

/* ICMP echo request with `n` payload bytes; with `chain`, the payload after
   the first 100 bytes goes into a second packet starting at an odd address. */
static UINT send_echo(ULONG seq, ULONG n, int chain)
{
    NX_PACKET *p = packet_new(&pool, NX_PHYSICAL_HEADER);
    if (p == NX_NULL)
        return NX_NO_PACKET;
    UCHAR payload[1500];
    expected_payload(payload, n, seq);
    UCHAR *h = p->nx_packet_prepend_ptr, *l4 = h + 20;
    ULONG total = 20 + 8 + n;
    h[0] = 0x45;
    h[1] = 0;
    put16(h + 2, total);
    put16(h + 4, seq);
    put16(h + 6, 0x4000); /* DF */
    h[8] = 64;
    h[9] = 1;
    put16(h + 10, 0);
    put32(h + 12, FW_IP);
    put32(h + 16, HOST_IP);
    put16(h + 10, checksum_fold(checksum_add(0, h, 20)));
    l4[0] = 8;
    l4[1] = 0;
    put16(l4 + 2, 0);
    put16(l4 + 4, ECHO_ID);
    put16(l4 + 6, seq);
    ULONG sum = checksum_add(0, l4, 8);
    sum = checksum_add(sum, payload, n); /* even split below keeps the sum valid */
    put16(l4 + 2, checksum_fold(sum));

    ULONG first = chain ? 100 : n;
    memcpy(l4 + 8, payload, first);
    p->nx_packet_append_ptr = l4 + 8 + first;
    p->nx_packet_length = total;
    p->nx_packet_ip_version = NX_IP_VERSION_V4;
    if (chain) {
        NX_PACKET *second = packet_new(&pool, NX_RECEIVE_PACKET);
        if (second == NX_NULL) {
            nx_packet_release(p);
            return NX_NO_PACKET;
        }
        second->nx_packet_prepend_ptr += 1; /* odd start: exercises the TX data-offset field */
        memcpy(second->nx_packet_prepend_ptr, payload + first, n - first);
        second->nx_packet_append_ptr = second->nx_packet_prepend_ptr + (n - first);
        p->nx_packet_next = second;
        p->nx_packet_last = second;
    }
    return driver_request(NX_LINK_PACKET_SEND, p, host_msw, host_lsw, NX_NULL);
}

/* A loopback frame: "LOOP", seed, then n pattern bytes. */
static NX_PACKET *loop_packet(ULONG n, ULONG seed)
{
    NX_PACKET *p = packet_new(&pool, NX_PHYSICAL_HEADER);
    if (p == NX_NULL)
        return NX_NULL;
    UCHAR *d = p->nx_packet_prepend_ptr;
    memcpy(d, "LOOP", 4);
    put32(d + 4, seed);
    expected_payload(d + 8, n, seed);
    p->nx_packet_append_ptr = d + 8 + n;
    p->nx_packet_length = 8 + n;
    p->nx_packet_ip_version = NX_IP_VERSION_V4;
    return p;
}

/* Sends a loopback frame as IPv4 EtherType (or RARP) to the given MAC. */
static UINT send_loop(ULONG msw, ULONG lsw, ULONG n, ULONG seed, UINT command)
{
    NX_PACKET *p = loop_packet(n, seed);
    if (p == NX_NULL)
        return NX_NO_PACKET;
    return driver_request(command, p, msw, lsw, NX_NULL);
}

static ULONG loop_seen_before;
static int loop_arrived(void)
{
    return rx.loop_marker_seen != loop_seen_before;
}
static int host_mac_learned(void)
{
    return host_mac_known;
}
static ULONG echo_replies_before;
static int echo_reply_arrived(void)
{
    return rx.echo_replies != echo_replies_before;
}
static int link_is_down(void)
{
    return ip.nx_ip_interface[0].nx_interface_link_up == NX_FALSE;
}
static int link_is_up(void)
{
    return ip.nx_ip_interface[0].nx_interface_link_up == NX_TRUE;
}
static int end_received(void)
{
    return rx.end_count >= 0;
}

/* Sends a loopback frame and reports whether it came back within 20 ticks. */
static int loop_roundtrip(ULONG msw, ULONG lsw, ULONG n, ULONG seed, UINT command)
{
    loop_seen_before = rx.loop_marker_seen;
    if (send_loop(msw, lsw, n, seed, command) != NX_SUCCESS)
        return -1;
    return pump_until(loop_arrived, 20);
}

/* ------------------------------------------------------------------ the test */

static void print_stats(void)
{
    const NX_LAN9118_STATISTICS *s = nx_lan9118_statistics_get();
    printf("stats: rx_frames=%lu rx_bytes=%lu rx_errors=%lu rx_no_packet=%lu rx_too_big=%lu rx_unknown_type=%lu "
           "rx_fifo_dropped=%lu tx_frames=%lu tx_bytes=%lu tx_errors=%lu interrupts=%lu deferred=%lu link_changes=%lu\n",
           (unsigned long)s->nx_lan9118_rx_frames, (unsigned long)s->nx_lan9118_rx_bytes,
           (unsigned long)s->nx_lan9118_rx_errors, (unsigned long)s->nx_lan9118_rx_no_packet,
           (unsigned long)s->nx_lan9118_rx_too_big, (unsigned long)s->nx_lan9118_rx_unknown_type,
           (unsigned long)s->nx_lan9118_rx_fifo_dropped, (unsigned long)s->nx_lan9118_tx_frames,
           (unsigned long)s->nx_lan9118_tx_bytes, (unsigned long)s->nx_lan9118_tx_errors,
           (unsigned long)s->nx_lan9118_interrupts, (unsigned long)s->nx_lan9118_deferred_requests,
           (unsigned long)s->nx_lan9118_link_changes);
}

int main(void)
{
    ULONG value = 0;
    UINT status;

    rx.end_count = -1;
#ifdef NX_LAN9118_POLLING
    printf("test_lan9118: LAN9118 NetX driver self-test on mps2-an386 (polling build)\n");
#else
    printf("test_lan9118: LAN9118 NetX driver self-test on mps2-an386 (interrupt build)\n");
#endif

    td_pool_create(&pool, "rx/tx pool", POOL_PAYLOAD, pool_memory, sizeof(pool_memory), 0);
    td_pool_create(&small_pool, "small pool", 256, small_memory, sizeof(small_memory), 0);
    td_pool_create(&tiny_pool, "tiny pool", POOL_PAYLOAD, tiny_memory, sizeof(tiny_memory), 0);
    td_pool_create(&odd_pool, "odd pool", POOL_PAYLOAD, odd_memory, sizeof(odd_memory), 1);
    CHECK(pool.nx_packet_pool_total >= 32 && small_pool.nx_packet_pool_total >= 2 && tiny_pool.nx_packet_pool_total == 1 &&
              odd_pool.nx_packet_pool_total >= 2,
          "test pools: %lu, %lu, %lu, %lu packets", (unsigned long)pool.nx_packet_pool_total,
          (unsigned long)small_pool.nx_packet_pool_total, (unsigned long)tiny_pool.nx_packet_pool_total,
          (unsigned long)odd_pool.nx_packet_pool_total);

    /* The IP instance as nx_ip_create leaves it before calling the driver. */
    ip.nx_ip_id = NX_IP_ID;
    ip.nx_ip_name = "firmware ip";
    ip.nx_ip_default_packet_pool = &pool;
    NX_INTERFACE *ifp = &ip.nx_ip_interface[0];
    ifp->nx_interface_name = "lan9118";
    ifp->nx_interface_valid = NX_TRUE;
    ifp->nx_interface_index = 0;
    ifp->nx_interface_ip_instance = &ip;
    ifp->nx_interface_ip_address = FW_IP;
    ifp->nx_interface_ip_network_mask = 0xFFFFFF00u;
    ifp->nx_interface_ip_network = FW_IP & 0xFFFFFF00u;
    ifp->nx_interface_link_driver_entry = nx_lan9118_driver;

    /* ---------------------------------------------------------- 1. bring-up */
    status = driver_request(NX_LINK_INTERFACE_ATTACH, NX_NULL, 0, 0, NX_NULL);
    CHECK(status == NX_SUCCESS, "NX_LINK_INTERFACE_ATTACH (status 0x%02X)", status);
    status = driver_request(NX_LINK_INITIALIZE, NX_NULL, 0, 0, NX_NULL);
    CHECK(status == NX_SUCCESS, "NX_LINK_INITIALIZE (status 0x%02X)", status);
    CHECK(td_record.mtu_calls == 1 && td_record.mtu == 1500 && td_record.mtu_index == 0,
          "initialize: nx_ip_interface_mtu_set(ip, 0, 1500) (calls %lu, mtu %lu)", (unsigned long)td_record.mtu_calls,
          (unsigned long)td_record.mtu);
    CHECK(td_record.mapping_calls == 1 && td_record.mapping_needed == NX_TRUE,
          "initialize: nx_ip_interface_address_mapping_configure(ip, 0, NX_TRUE)");
    ULONG addrl = test_mac_read(LAN9118_MAC_ADDRL), addrh = test_mac_read(LAN9118_MAC_ADDRH);
    mac_msw = ((addrl & 0xFFu) << 8) | ((addrl >> 8) & 0xFFu);
    mac_lsw = (((addrl >> 16) & 0xFFu) << 24) | (((addrl >> 24) & 0xFFu) << 16) | ((addrh & 0xFFu) << 8) |
              ((addrh >> 8) & 0xFFu);
    CHECK(td_record.mac_calls == 1 && td_record.mac_msw == mac_msw && td_record.mac_lsw == mac_lsw &&
              td_record.mac_update_driver == NX_FALSE,
          "initialize: nx_ip_interface_physical_address_set with the controller's MAC");
    printf("mac %02lx:%02lx:%02lx:%02lx:%02lx:%02lx\n", (unsigned long)(mac_msw >> 8), (unsigned long)(mac_msw & 0xFF),
           (unsigned long)(mac_lsw >> 24), (unsigned long)((mac_lsw >> 16) & 0xFF),
           (unsigned long)((mac_lsw >> 8) & 0xFF), (unsigned long)(mac_lsw & 0xFF));
    CHECK(ifp->nx_interface_link_up == NX_FALSE, "link not up before NX_LINK_ENABLE");
    status = driver_request(NX_LINK_ENABLE, NX_NULL, 0, 0, NX_NULL);
    CHECK(status == NX_SUCCESS && ifp->nx_interface_link_up == NX_TRUE, "NX_LINK_ENABLE: link up (status 0x%02X)",
          status);
    status = driver_request(NX_LINK_GET_STATUS, NX_NULL, 0, 0, &value);
    CHECK(status == NX_SUCCESS && value == NX_TRUE, "NX_LINK_GET_STATUS = %lu", (unsigned long)value);
    status = driver_request(NX_LINK_GET_INTERFACE_TYPE, NX_NULL, 0, 0, &value);
    CHECK(status == NX_SUCCESS && value == 2, "NX_LINK_GET_INTERFACE_TYPE = %lu (Ethernet)", (unsigned long)value);
    status = driver_request(NX_LINK_GET_STATUS, NX_NULL, 0, 0, NX_NULL);
    CHECK(status == NX_PTR_ERROR, "NX_LINK_GET_STATUS without a return pointer: NX_PTR_ERROR (0x%02X)", status);
    status = driver_request(NX_LINK_USER_COMMAND, NX_NULL, 0, 0, &value);
    CHECK(status == NX_UNHANDLED_COMMAND, "NX_LINK_USER_COMMAND: NX_UNHANDLED_COMMAND (0x%02X)", status);
    status = driver_request(99, NX_NULL, 0, 0, &value);
    CHECK(status == NX_UNHANDLED_COMMAND, "unknown command 99: NX_UNHANDLED_COMMAND (0x%02X)", status);

    /* ---------------------------------------------------------- 2. tick clock */
    {
        board_delay_ticks(1);
        ULONG t0 = board_ticks(), f0 = LAN9118_REG_TEST(LAN9118_FREE_RUN);
        board_delay_ticks(50);
        ULONG t1 = board_ticks(), f1 = LAN9118_REG_TEST(LAN9118_FREE_RUN);
        ULONG per_tick = (f1 - f0) / (t1 - t0); /* 25 MHz counter: 250000 per 10 ms tick */
        CHECK(per_tick > 225000 && per_tick < 275000,
              "SysTick at 100 Hz: %lu free-running counts (25 MHz) per tick, expected 250000 +-10%%",
              (unsigned long)per_tick);
    }

    /* ---------------------------------------------------------- 3. PHY loopback */
    test_phy_write(LAN9118_PHY_BCR, 1u << 14); /* loopback: frames we send come back to us */
    {
        const ULONG mc_msw = 0x0100, mc_lsw = 0x5E0000FB; /* 01:00:5e:00:00:fb */
        int r;
        r = loop_roundtrip(mac_msw, mac_lsw, 1000, 1, NX_LINK_PACKET_SEND);
        CHECK(r == 1 && rx.loop_marker_ok && rx.loop_marker_length == 1008,
              "loopback: a 1022-byte frame to our MAC comes back intact (length %lu)",
              (unsigned long)rx.loop_marker_length);
        r = loop_roundtrip(0x0200, 0x00000099, 100, 2, NX_LINK_PACKET_SEND);
        CHECK(r == 0, "loopback: a frame to another unicast MAC is filtered out");
        r = loop_roundtrip(0xFFFF, 0xFFFFFFFF, 100, 3, NX_LINK_PACKET_BROADCAST);
        CHECK(r == 1 && rx.loop_marker_ok, "loopback: broadcast is received");
        r = loop_roundtrip(mc_msw, mc_lsw, 100, 4, NX_LINK_PACKET_SEND);
        CHECK(r == 0, "loopback: multicast 01:00:5e:00:00:fb not joined is filtered out");
        status = driver_request(NX_LINK_MULTICAST_JOIN, NX_NULL, mc_msw, mc_lsw, NX_NULL);
        r = loop_roundtrip(mc_msw, mc_lsw, 100, 5, NX_LINK_PACKET_SEND);
        CHECK(status == NX_SUCCESS && r == 1 && rx.loop_marker_ok, "loopback: after NX_LINK_MULTICAST_JOIN it is received");
        status = driver_request(NX_LINK_MULTICAST_JOIN, NX_NULL, mc_msw, mc_lsw, NX_NULL);
        (void)driver_request(NX_LINK_MULTICAST_LEAVE, NX_NULL, mc_msw, mc_lsw, NX_NULL);
        r = loop_roundtrip(mc_msw, mc_lsw, 100, 6, NX_LINK_PACKET_SEND);
        CHECK(status == NX_SUCCESS && r == 1, "loopback: joined twice, left once: still received");
        status = driver_request(NX_LINK_MULTICAST_LEAVE, NX_NULL, mc_msw, mc_lsw, NX_NULL);
        r = loop_roundtrip(mc_msw, mc_lsw, 100, 7, NX_LINK_PACKET_SEND);
        CHECK(status == NX_SUCCESS && r == 0, "loopback: after the last NX_LINK_MULTICAST_LEAVE it is filtered out");

        const NX_LAN9118_STATISTICS *s = nx_lan9118_statistics_get();
        ULONG unknown = s->nx_lan9118_rx_unknown_type, avail = pool.nx_packet_pool_available;
        r = loop_roundtrip(mac_msw, mac_lsw, 100, 8, NX_LINK_RARP_SEND);
        pump_until(loop_arrived, 5);
        CHECK(r == 0 && s->nx_lan9118_rx_unknown_type == unknown + 1 && pool.nx_packet_pool_available == avail,
              "loopback: a RARP frame is counted as unknown type and its packet released");

        ULONG too_big = s->nx_lan9118_rx_too_big;
        ip.nx_ip_default_packet_pool = &small_pool;
        r = loop_roundtrip(mac_msw, mac_lsw, 600, 9, NX_LINK_PACKET_SEND);
        CHECK(r == 0 && s->nx_lan9118_rx_too_big == too_big + 1 &&
                  small_pool.nx_packet_pool_available == small_pool.nx_packet_pool_total,
              "loopback: a frame larger than the pool's payload is dropped and counted");
        r = loop_roundtrip(mac_msw, mac_lsw, 100, 10, NX_LINK_PACKET_SEND);
        CHECK(r == 1 && rx.loop_marker_ok, "loopback: the next frame that fits is received (FIFO still in step)");

        ULONG no_packet = s->nx_lan9118_rx_no_packet;
        NX_PACKET *hold = packet_new(&tiny_pool, 0);
        ip.nx_ip_default_packet_pool = &tiny_pool;
        r = loop_roundtrip(mac_msw, mac_lsw, 100, 11, NX_LINK_PACKET_SEND);
        CHECK(hold != NX_NULL && r == 0 && s->nx_lan9118_rx_no_packet == no_packet + 1,
              "loopback: with the pool empty the frame is dropped and counted");
        if (hold)
            nx_packet_release(hold);
        r = loop_roundtrip(mac_msw, mac_lsw, 100, 12, NX_LINK_PACKET_SEND);
        CHECK(r == 1 && rx.loop_marker_ok, "loopback: with a packet free again the next frame is received");
        status = driver_request(NX_LINK_GET_ALLOC_ERRORS, NX_NULL, 0, 0, &value);
        CHECK(status == NX_SUCCESS && value == s->nx_lan9118_rx_no_packet, "NX_LINK_GET_ALLOC_ERRORS = %lu",
              (unsigned long)value);

        ip.nx_ip_default_packet_pool = &odd_pool;
        expect_aligned = 0;
        r = loop_roundtrip(mac_msw, mac_lsw, 1200, 13, NX_LINK_PACKET_SEND);
        CHECK(r == 1 && rx.loop_marker_ok && rx.loop_marker_length == 1208,
              "loopback: into a pool whose payload is not word aligned, the frame is intact");
        expect_aligned = 1;
        ip.nx_ip_default_packet_pool = &pool;
    }
    test_phy_write(LAN9118_PHY_BCR, LAN9118_PHY_BCR_ANENABLE | LAN9118_PHY_BCR_ANRESTART); /* loopback off */

    /* ---------------------------------------------------------- 4. disable */
    {
        status = driver_request(NX_LINK_DISABLE, NX_NULL, 0, 0, NX_NULL);
        ULONG avail = pool.nx_packet_pool_available;
        UINT send_status = send_loop(mac_msw, mac_lsw, 100, 14, NX_LINK_PACKET_SEND);
        CHECK(status == NX_SUCCESS && ifp->nx_interface_link_up == NX_FALSE && send_status == NX_NOT_ENABLED &&
                  pool.nx_packet_pool_available == avail,
              "NX_LINK_DISABLE: link down, a send is refused (0x%02X) and its packet released", send_status);
        status = driver_request(NX_LINK_ENABLE, NX_NULL, 0, 0, NX_NULL);
        CHECK(status == NX_SUCCESS && ifp->nx_interface_link_up == NX_TRUE, "NX_LINK_ENABLE again: link up");
    }
    CHECK(nx_lan9118_statistics_get()->nx_lan9118_tx_errors == 1, "the refused send is counted as a transmit error");

    /* ---------------------------------------------------------- 5. the network */
    status = send_arp_request(HOST_IP);
    CHECK(status == NX_SUCCESS && pool.nx_packet_pool_available == pool.nx_packet_pool_total,
          "NX_LINK_ARP_SEND: ARP request for 192.0.2.1 sent, packet released");
    if (!pump_until(host_mac_learned, 3 * BOARD_TICKS_PER_SEC)) {
        /* The kernel may have been busy bringing the TAP up: ask once more. */
        (void)send_arp_request(HOST_IP);
        pump_until(host_mac_learned, 3 * BOARD_TICKS_PER_SEC);
    }
    CHECK(host_mac_known, "ARP reply from 192.0.2.1 received (host MAC %04lx%08lx)", (unsigned long)host_msw,
          (unsigned long)host_lsw);

    echo_replies_before = rx.echo_replies;
    status = send_echo(1, 56, 0);
    int got = pump_until(echo_reply_arrived, 3 * BOARD_TICKS_PER_SEC);
    CHECK(status == NX_SUCCESS && got && rx.last_reply_seq == 1 && rx.last_reply_length == 56 &&
              rx.last_reply_payload_ok,
          "NX_LINK_PACKET_SEND: ICMP echo request answered by 192.0.2.1 (seq 1, 56 bytes, payload intact)");

    echo_replies_before = rx.echo_replies;
    status = send_echo(2, 1400, 1);
    got = pump_until(echo_reply_arrived, 3 * BOARD_TICKS_PER_SEC);
    CHECK(status == NX_SUCCESS && got && rx.last_reply_seq == 2 && rx.last_reply_length == 1400 &&
              rx.last_reply_payload_ok,
          "chained send (100 + 1300 bytes, second packet at an odd address): 1400-byte echo answered intact");
    CHECK(pool.nx_packet_pool_available == pool.nx_packet_pool_total, "every packet back in the pool after the echoes");

    /* ---------------------------------------------------------- 5b. cable pulled (QEMU set_link off) */
    {
        const NX_LAN9118_STATISTICS *st = nx_lan9118_statistics_get();
        ULONG changes = st->nx_lan9118_link_changes, tx_errors = st->nx_lan9118_tx_errors;
        printf("LINK-OFF?\n"); /* the host answers with the monitor command set_link off */
        fflush(stdout);
        int down = pump_until(link_is_down, 20 * BOARD_TICKS_PER_SEC);
        status = driver_request(NX_LINK_GET_STATUS, NX_NULL, 0, 0, &value);
        CHECK(down && status == NX_SUCCESS && value == NX_FALSE && st->nx_lan9118_link_changes == changes + 1,
              "link down seen through the PHY interrupt: NX_LINK_GET_STATUS = %lu", (unsigned long)value);
        ULONG avail = pool.nx_packet_pool_available;
        status = send_echo(3, 56, 0);
        CHECK(status == NX_NOT_ENABLED && pool.nx_packet_pool_available == avail &&
                  st->nx_lan9118_tx_errors == tx_errors + 1,
              "link down: a send is refused (0x%02X), counted, its packet released", status);
        printf("LINK-ON?\n");
        fflush(stdout);
        int up = pump_until(link_is_up, 20 * BOARD_TICKS_PER_SEC);
        CHECK(up && st->nx_lan9118_link_changes == changes + 2, "link up again seen through the PHY interrupt");
        echo_replies_before = rx.echo_replies;
        status = send_echo(4, 56, 0);
        got = pump_until(echo_reply_arrived, 3 * BOARD_TICKS_PER_SEC);
        CHECK(status == NX_SUCCESS && got && rx.last_reply_seq == 4 && rx.last_reply_payload_ok,
              "after the link returns, an echo request is answered again");
    }

    /* Errors counted so far were provoked on purpose; from here on there must be none. */
    const ULONG tx_errors_provoked = nx_lan9118_statistics_get()->nx_lan9118_tx_errors;
    const ULONG rx_errors_provoked = nx_lan9118_statistics_get()->nx_lan9118_rx_errors;

    /* ---------------------------------------------------------- 6. burst */
    const NX_LAN9118_STATISTICS *s = nx_lan9118_statistics_get();
    ULONG rx_frames_before = s->nx_lan9118_rx_frames;
    ULONG burst_start = board_ticks();
    printf("READY\n");
    fflush(stdout);
    int ended = pump_until(end_received, BURST_TIMEOUT_TICKS);
    ULONG burst_ticks = board_ticks() - burst_start;
    /* Let the last replies drain. */
    board_delay_ticks(2);
    pump();
    CHECK(ended, "host sent END (after %lu ticks)", (unsigned long)burst_ticks);
    printf("burst: host sent %ld echo requests; firmware received %lu (%lu distinct), %lu bytes, answered ARP %lu, "
           "reply send failures %lu, other %lu\n",
           rx.end_count, (unsigned long)rx.echo_requests, (unsigned long)rx.distinct_seqs,
           (unsigned long)rx.echo_request_bytes, (unsigned long)rx.arp_requests_answered,
           (unsigned long)rx.echo_reply_send_failures, (unsigned long)rx.other);
    CHECK(ended && rx.end_count > 0 && (long)rx.echo_requests == rx.end_count && (long)rx.distinct_seqs == rx.end_count,
          "burst: every echo request the host sent was received (%lu of %ld)", (unsigned long)rx.echo_requests,
          rx.end_count);
    CHECK(rx.echo_reply_send_failures == 0, "burst: every echo request answered");
    printf("burst: %lu frames received in %lu ticks\n", (unsigned long)(s->nx_lan9118_rx_frames - rx_frames_before),
           (unsigned long)burst_ticks);

    /* ---------------------------------------------------------- 6b. the driver's stack */
    {
        /* Painted below the caller; what a send and a deferred-processing
           request (8 frames waiting) use, the test double's calls and any
           interrupt included. */
        test_phy_write(LAN9118_PHY_BCR, 1u << 14);
        NX_PACKET *p = loop_packet(1000, 20);
        uint32_t mark = board_stack_mark();
        status = driver_request(NX_LINK_PACKET_SEND, p, mac_msw, mac_lsw, NX_NULL);
        ULONG send_stack = board_stack_used_since(mark);
        for (ULONG k = 0; k < 7; k++)
            (void)send_loop(mac_msw, mac_lsw, 300, 21 + k, NX_LINK_PACKET_SEND);
        mark = board_stack_mark();
        (void)driver_request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
        ULONG deferred_stack = board_stack_used_since(mark);
        pump();
        test_phy_write(LAN9118_PHY_BCR, LAN9118_PHY_BCR_ANENABLE | LAN9118_PHY_BCR_ANRESTART);
        printf("driver stack: NX_LINK_PACKET_SEND %lu bytes, NX_LINK_DEFERRED_PROCESSING (8 frames) %lu bytes\n",
               (unsigned long)send_stack, (unsigned long)deferred_stack);
        CHECK(status == NX_SUCCESS && send_stack > 0 && send_stack <= 512 && deferred_stack > 0 && deferred_stack <= 512,
              "driver stack use measured by painting: send %lu B, deferred processing %lu B (at most 512)",
              (unsigned long)send_stack, (unsigned long)deferred_stack);
    }

    /* ---------------------------------------------------------- 7. final accounting */
    print_stats();
    CHECK(s->nx_lan9118_rx_errors == rx_errors_provoked && s->nx_lan9118_tx_errors == tx_errors_provoked &&
              s->nx_lan9118_rx_fifo_dropped == 0,
          "no receive or transmit error on the network, controller dropped no frame");
#ifdef NX_LAN9118_POLLING
    CHECK(s->nx_lan9118_interrupts == 0 && s->nx_lan9118_deferred_requests > 0,
          "polling build: no interrupt taken, frames drained by %lu deferred-processing requests",
          (unsigned long)s->nx_lan9118_deferred_requests);
#else
    CHECK(s->nx_lan9118_interrupts > 0 && s->nx_lan9118_deferred_requests > 0,
          "frames arrived by interrupt and deferred processing (%lu interrupts)", (unsigned long)s->nx_lan9118_interrupts);
#endif
    CHECK(rx.misaligned == 0 && rx.wrong_interface == 0 && rx.bad_ip_checksum == 0,
          "every received IP/ARP header 4-byte aligned, receive interface set, IP checksums right");
    status = driver_request(NX_LINK_GET_RX_COUNT, NX_NULL, 0, 0, &value);
    CHECK(status == NX_SUCCESS && value == s->nx_lan9118_rx_frames, "NX_LINK_GET_RX_COUNT = %lu", (unsigned long)value);
    status = driver_request(NX_LINK_GET_TX_COUNT, NX_NULL, 0, 0, &value);
    CHECK(status == NX_SUCCESS && value == s->nx_lan9118_tx_frames, "NX_LINK_GET_TX_COUNT = %lu", (unsigned long)value);
    status = driver_request(NX_LINK_GET_ERROR_COUNT, NX_NULL, 0, 0, &value);
    CHECK(status == NX_SUCCESS && value == s->nx_lan9118_rx_errors + s->nx_lan9118_tx_errors,
          "NX_LINK_GET_ERROR_COUNT = %lu (receive + transmit errors)", (unsigned long)value);

    status = driver_request(NX_LINK_DISABLE, NX_NULL, 0, 0, NX_NULL);
    UINT status2 = driver_request(NX_LINK_UNINITIALIZE, NX_NULL, 0, 0, NX_NULL);
    board_delay_ticks(2);
    pump();
    CHECK(status == NX_SUCCESS && status2 == NX_SUCCESS, "NX_LINK_DISABLE, NX_LINK_UNINITIALIZE");
    CHECK(pool.nx_packet_pool_available == pool.nx_packet_pool_total &&
              small_pool.nx_packet_pool_available == small_pool.nx_packet_pool_total &&
              tiny_pool.nx_packet_pool_available == tiny_pool.nx_packet_pool_total &&
              odd_pool.nx_packet_pool_available == odd_pool.nx_packet_pool_total,
          "every packet back in its pool (%lu/%lu)", (unsigned long)pool.nx_packet_pool_available,
          (unsigned long)pool.nx_packet_pool_total);
    CHECK(pool.nx_packet_pool_invalid_releases == 0 && td_record.bad_calls == 0,
          "no double release, no call with a wrong IP, interface or packet");

    printf("test_lan9118: %d checks, %d failed\n", checks, failures);
    return failures ? BOARD_EXIT_FAIL : BOARD_EXIT_OK;
}
