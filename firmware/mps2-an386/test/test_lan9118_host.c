/* test_lan9118_host: the LAN9118 driver on the host, against a small model of
   the controller, for what QEMU's model cannot produce: frames the controller
   flags as errored (CRC, runt, too long, collision, ...), its RX_DROP counter,
   a receive FIFO that must stay in step whatever is dropped. Built with
   NX_LAN9118_REGISTER_HOOKS (every register access goes through
   nx_lan9118_register_read/write below) and run plain and under
   ASan+UBSan. The NetX side is the same test double as in QEMU.

   The model checks the driver as it goes: the data FIFO must be read exactly
   as far as each frame reaches (no word short, none past) before the next
   status word is taken; TX command words must be well formed; any access to
   a register the model does not know is an error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_api.h"
#include "nx_api.h"

#include "lan9118.h"
#include "nx_lan9118_driver.h"
#include "nx_test_double.h"

static int failures, checks;
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

/* ------------------------------------------------------------------ the controller model */

#define MAX_FRAMES 64
#define MAX_FRAME 2048

static const uint8_t model_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static struct
{
    /* receive: frames waiting, each a status word and its bytes (CRC included) */
    struct
    {
        uint32_t status;
        uint8_t data[MAX_FRAME];
        uint32_t length; /* bytes in the FIFO: frame + CRC */
    } rx[MAX_FRAMES];
    int rx_head, rx_count;
    /* the frame whose data the driver is reading */
    uint8_t cur[MAX_FRAME + 8];
    uint32_t cur_words, cur_read;
    int cur_active;
    uint32_t rx_drop;
    /* registers */
    uint32_t rx_cfg, tx_cfg, hw_cfg, irq_cfg, int_sts, int_en, fifo_int, afc_cfg;
    uint32_t mac_cmd, mac_data, mac[16], phy[32];
    /* transmit: command words and data being assembled */
    uint8_t tx[MAX_FRAME];
    uint32_t tx_len, tx_seg_left, tx_seg_offset, tx_frame_len, tx_state; /* 0 idle, 1 want B, 2 data */
    uint32_t tx_cmd_a;
    uint8_t sent[8][MAX_FRAME];
    uint32_t sent_len[8];
    int sent_count;
    /* errors the model saw in the driver's use of it */
    int desync, bad_access, bad_tx;
    int nvic_enabled;
} m;

static void model_reset(void)
{
    memset(&m, 0, sizeof(m));
    m.mac[LAN9118_MAC_ADDRL] = model_mac[0] | (model_mac[1] << 8) | (model_mac[2] << 16) | ((uint32_t)model_mac[3] << 24);
    m.mac[LAN9118_MAC_ADDRH] = model_mac[4] | (model_mac[5] << 8);
    m.phy[LAN9118_PHY_BSR] = 0x7809 | LAN9118_PHY_BSR_LINK | 0x20;
    m.phy[LAN9118_PHY_ANAR] = 0x01E1;
    m.phy[LAN9118_PHY_ANLPAR] = 0x01E1;
}

/* Queues a frame (without CRC; the model adds 4 bytes) with extra status bits. */
static void model_inject(const uint8_t *frame, uint32_t length, uint32_t status_bits)
{
    int i = (m.rx_head + m.rx_count) % MAX_FRAMES;
    memcpy(m.rx[i].data, frame, length);
    memset(m.rx[i].data + length, 0xC5, 4); /* "CRC" */
    m.rx[i].length = length + 4;
    m.rx[i].status = ((length + 4) << 16) | status_bits;
    m.rx_count++;
    m.int_sts |= LAN9118_INT_RSFL;
}

static uint32_t rx_bytes_waiting(void)
{
    uint32_t n = 0;
    for (int k = 0; k < m.rx_count; k++)
        n += m.rx[(m.rx_head + k) % MAX_FRAMES].length;
    return n + (m.cur_active ? (m.cur_words - m.cur_read) * 4 : 0);
}

static uint32_t rx_status_pop(void)
{
    if (m.cur_active && m.cur_read != m.cur_words)
        m.desync++; /* the previous frame was not read out completely */
    if (m.rx_count == 0) {
        m.desync++;
        return 0;
    }
    int i = m.rx_head;
    m.rx_head = (m.rx_head + 1) % MAX_FRAMES;
    m.rx_count--;
    uint32_t offset = (m.rx_cfg >> 8) & 0x1F;
    memset(m.cur, 0, sizeof(m.cur));
    memcpy(m.cur + offset, m.rx[i].data, m.rx[i].length);
    m.cur_words = (offset + m.rx[i].length + 3) / 4;
    m.cur_read = 0;
    m.cur_active = 1;
    return m.rx[i].status;
}

static uint32_t rx_data_pop(void)
{
    if (!m.cur_active || m.cur_read >= m.cur_words) {
        m.desync++; /* read past the frame */
        return 0;
    }
    uint32_t w;
    memcpy(&w, m.cur + 4 * m.cur_read, 4); /* FIFO bytes in memory order (little-endian host) */
    m.cur_read++;
    return w;
}

static void tx_push(uint32_t value)
{
    switch (m.tx_state) {
    case 0: /* command A */
        m.tx_cmd_a = value;
        m.tx_seg_left = value & 0x7FF;
        m.tx_seg_offset = (value >> 16) & 0x1F;
        if (value & LAN9118_TXA_FIRST_SEG)
            m.tx_len = 0;
        m.tx_state = 1;
        break;
    case 1: /* command B */
        if ((m.tx_cmd_a & LAN9118_TXA_FIRST_SEG))
            m.tx_frame_len = value & 0x7FF;
        else if ((value & 0x7FF) != m.tx_frame_len)
            m.bad_tx++; /* every segment repeats the frame length */
        m.tx_state = 2;
        if (m.tx_seg_left == 0)
            m.bad_tx++;
        break;
    default: { /* data */
        uint8_t b[4];
        memcpy(b, &value, 4);
        for (int k = 0; k < 4; k++) {
            if (m.tx_seg_offset) {
                m.tx_seg_offset--;
                continue;
            }
            if (m.tx_seg_left == 0)
                break;
            if (m.tx_len < MAX_FRAME)
                m.tx[m.tx_len++] = b[k];
            m.tx_seg_left--;
        }
        if (m.tx_seg_left == 0) {
            m.tx_state = 0;
            if (m.tx_cmd_a & LAN9118_TXA_LAST_SEG) {
                if (m.tx_len != m.tx_frame_len)
                    m.bad_tx++;
                if (m.sent_count < 8) {
                    memcpy(m.sent[m.sent_count], m.tx, m.tx_len);
                    m.sent_len[m.sent_count] = m.tx_len;
                }
                m.sent_count++;
            }
        }
    }
    }
}

static void mac_csr_command(uint32_t value)
{
    uint32_t reg = value & 0xF;
    if (!(value & LAN9118_MAC_CSR_BUSY))
        return;
    if (value & LAN9118_MAC_CSR_READ) {
        m.mac_data = reg == LAN9118_MAC_MII_ACC ? m.mac[reg] & ~1u : m.mac[reg];
        return;
    }
    m.mac[reg] = m.mac_data;
    if (reg == LAN9118_MAC_MII_ACC) {
        uint32_t phy_reg = (m.mac_data >> 6) & 0x1F;
        if (m.mac_data & LAN9118_MII_ACC_WRITE) {
            if (phy_reg == LAN9118_PHY_BCR && (m.mac[LAN9118_MAC_MII_DATA] & LAN9118_PHY_BCR_RESET))
                m.phy[LAN9118_PHY_BCR] = 0x3000;
            else if (phy_reg != LAN9118_PHY_BSR)
                m.phy[phy_reg] = m.mac[LAN9118_MAC_MII_DATA];
        } else {
            m.mac[LAN9118_MAC_MII_DATA] = m.phy[phy_reg];
            if (phy_reg == LAN9118_PHY_INT_SRC)
                m.phy[phy_reg] = 0;
        }
    }
}

ULONG nx_lan9118_register_read(ULONG offset)
{
    if (offset < 0x20)
        return rx_data_pop();
    switch (offset) {
    case LAN9118_RX_STATUS_FIFO: return rx_status_pop();
    case LAN9118_TX_STATUS_FIFO: return 0;
    case LAN9118_BYTE_TEST: return LAN9118_BYTE_TEST_VALUE;
    case LAN9118_HW_CFG: return m.hw_cfg;
    case LAN9118_PMT_CTRL: return LAN9118_PMT_CTRL_READY;
    case LAN9118_IRQ_CFG: return m.irq_cfg;
    case LAN9118_INT_STS: return m.int_sts;
    case LAN9118_INT_EN: return m.int_en;
    case LAN9118_RX_CFG: return m.rx_cfg;
    case LAN9118_TX_CFG: return m.tx_cfg;
    case LAN9118_FIFO_INT: return m.fifo_int;
    case LAN9118_RX_FIFO_INF: return ((uint32_t)m.rx_count << 16) | (rx_bytes_waiting() & 0xFFFF);
    case LAN9118_TX_FIFO_INF: return 4608; /* all free, no TX status waiting */
    case LAN9118_RX_DROP: {
        uint32_t v = m.rx_drop;
        m.rx_drop = 0;
        return v;
    }
    case LAN9118_MAC_CSR_CMD: return m.mac_cmd & ~LAN9118_MAC_CSR_BUSY;
    case LAN9118_MAC_CSR_DATA: return m.mac_data;
    case LAN9118_AFC_CFG: return m.afc_cfg;
    default: m.bad_access++; return 0;
    }
}

VOID nx_lan9118_register_write(ULONG offset, ULONG value)
{
    if (offset >= 0x20 && offset < 0x40) {
        tx_push(value);
        return;
    }
    switch (offset) {
    case LAN9118_HW_CFG: m.hw_cfg = value & ~LAN9118_HW_CFG_SRST; break;
    case LAN9118_IRQ_CFG: m.irq_cfg = value; break;
    case LAN9118_INT_STS: m.int_sts &= ~value; break;
    case LAN9118_INT_EN: m.int_en = value; break;
    case LAN9118_RX_CFG: m.rx_cfg = value; break;
    case LAN9118_TX_CFG: m.tx_cfg = value; break;
    case LAN9118_FIFO_INT: m.fifo_int = value; break;
    case LAN9118_AFC_CFG: m.afc_cfg = value; break;
    case LAN9118_MAC_CSR_DATA: m.mac_data = value; break;
    case LAN9118_MAC_CSR_CMD: m.mac_cmd = value; mac_csr_command(value); break;
    default: m.bad_access++; break;
    }
}

VOID nx_lan9118_nvic(UINT enable)
{
    m.nvic_enabled = (int)enable;
}

/* ------------------------------------------------------------------ the IP instance side */

static NX_IP ip;
static NX_PACKET_POOL pool, small_pool;
static uint64_t pool_memory[24 * (1536 + 64) / 8];
static uint64_t small_memory[2 * (256 + 128) / 8]; /* two packets */

static UINT request(UINT command, NX_PACKET *packet, ULONG msw, ULONG lsw, ULONG *ret)
{
    NX_IP_DRIVER r;
    memset(&r, 0, sizeof(r));
    r.nx_ip_driver_command = command;
    r.nx_ip_driver_ptr = &ip;
    r.nx_ip_driver_interface = &ip.nx_ip_interface[0];
    r.nx_ip_driver_packet = packet;
    r.nx_ip_driver_physical_address_msw = msw;
    r.nx_ip_driver_physical_address_lsw = lsw;
    r.nx_ip_driver_return_ptr = ret;
    nx_lan9118_driver(&r);
    return r.nx_ip_driver_status;
}

static void make_frame(uint8_t *f, uint32_t length, uint16_t type, uint32_t seed)
{
    memcpy(f, model_mac, 6);
    static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    for (uint32_t i = 14; i < length; i++)
        f[i] = (uint8_t)(i * 13 + seed);
}

/* Takes every delivered packet; checks the first `n` against `frames`. */
static int delivered_match(uint8_t frames[][MAX_FRAME], const uint32_t *lengths, int n)
{
    int ok = 1, got = 0;
    NX_PACKET *p;
    while ((p = td_ip_dequeue()) != NX_NULL || (p = td_arp_dequeue()) != NX_NULL) {
        if (got < n) {
            uint32_t len = lengths[got] - 14;
            ok &= p->nx_packet_length == len && p->nx_packet_append_ptr - p->nx_packet_prepend_ptr == (long)len &&
                  memcmp(p->nx_packet_prepend_ptr, frames[got] + 14, len) == 0;
        }
        got++;
        nx_packet_release(p);
    }
    return ok && got == n;
}

int main(void)
{
    static uint8_t frames[8][MAX_FRAME];
    static uint32_t lengths[8];
    ULONG value;
    const NX_LAN9118_STATISTICS *s = nx_lan9118_statistics_get();

    printf("test_lan9118_host: the driver against a model of the controller\n");
    model_reset();
    td_pool_create(&pool, "pool", 1536, pool_memory, sizeof(pool_memory), 0);
    td_pool_create(&small_pool, "small", 256, small_memory, sizeof(small_memory), 0);
    ip.nx_ip_id = NX_IP_ID;
    ip.nx_ip_default_packet_pool = &pool;
    ip.nx_ip_interface[0].nx_interface_valid = NX_TRUE;
    ip.nx_ip_interface[0].nx_interface_link_driver_entry = nx_lan9118_driver;

    UINT st = request(NX_LINK_INTERFACE_ATTACH, NX_NULL, 0, 0, NX_NULL);
    st |= request(NX_LINK_INITIALIZE, NX_NULL, 0, 0, NX_NULL);
    st |= request(NX_LINK_ENABLE, NX_NULL, 0, 0, NX_NULL);
    CHECK(st == NX_SUCCESS && m.nvic_enabled && ip.nx_ip_interface[0].nx_interface_link_up == NX_TRUE &&
              td_record.mac_msw == 0x5254 && td_record.mac_lsw == 0x00123456 && (m.rx_cfg & 0x1F00) == 0x200 &&
              (m.mac[LAN9118_MAC_CR] & (LAN9118_MAC_CR_RXEN | LAN9118_MAC_CR_TXEN)) ==
                  (LAN9118_MAC_CR_RXEN | LAN9118_MAC_CR_TXEN) &&
              !(m.mac[LAN9118_MAC_CR] & LAN9118_MAC_CR_PRMS) && (m.int_en & LAN9118_INT_RSFL),
          "bring-up on the model: MAC 52:54:00:12:34:56, RXDOFF 2, RX/TX on, not promiscuous, RSFL interrupt");

    /* 1. Errored frames among good ones: every error bit, a runt by length. */
    {
        static const struct
        {
            uint32_t bits;
            const char *name;
        } errors[] = {
            {LAN9118_RXS_ES | LAN9118_RXS_CRC_ERR, "CRC error"},
            {LAN9118_RXS_ES | LAN9118_RXS_RUNT, "runt frame"},
            {LAN9118_RXS_ES | LAN9118_RXS_TOO_LONG, "frame too long"},
            {LAN9118_RXS_ES | LAN9118_RXS_COLLISION, "late collision"},
            {LAN9118_RXS_ES | LAN9118_RXS_MII_ERR, "MII error"},
            {LAN9118_RXS_ES | LAN9118_RXS_WATCHDOG, "receive watchdog"},
            {LAN9118_RXS_LENGTH_ERR, "length error"},
        };
        int good = 0;
        ULONG errors_before = s->nx_lan9118_rx_errors;
        for (unsigned k = 0; k < sizeof(errors) / sizeof(errors[0]); k++) {
            uint8_t bad[1514];
            make_frame(bad, 60 + 97 * k, 0x0800, 100 + k);
            model_inject(bad, 60 + 97 * k, errors[k].bits);
            if (k % 2 == 0 && good < 8) {
                lengths[good] = 61 + 211 * k; /* odd lengths: partial last word */
                make_frame(frames[good], lengths[good], 0x0800, k);
                model_inject(frames[good], lengths[good], 0);
                good++;
            }
        }
        uint8_t runt[10] = {0};
        model_inject(runt, 10, 0); /* shorter than an Ethernet header, without an error bit */
        lengths[good] = 1514;
        make_frame(frames[good], 1514, 0x86DD, 77);
        model_inject(frames[good], 1514, 0);
        good++;
        (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
        ULONG counted = s->nx_lan9118_rx_errors - errors_before;
        CHECK(counted == 8, "7 flagged frames and a runt: all 8 counted as receive errors (%lu)", (unsigned long)counted);
        CHECK(delivered_match(frames, lengths, good), "the %d good frames between them delivered intact", good);
        CHECK(m.rx_count == 0 && m.desync == 0, "FIFO drained and in step (every frame read to its last word)");
        st = request(NX_LINK_GET_ERROR_COUNT, NX_NULL, 0, 0, &value);
        CHECK(st == NX_SUCCESS && value == 8, "NX_LINK_GET_ERROR_COUNT = %lu", (unsigned long)value);
    }

    /* 2. Every frame length from 14 to 1514: exact bytes. */
    {
        int ok = 1;
        for (uint32_t len = 14; len <= 1514; len += (len < 80 ? 1 : 37)) {
            make_frame(frames[0], len, 0x0800, len);
            lengths[0] = len;
            model_inject(frames[0], len, 0);
            (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
            ok &= delivered_match(frames, lengths, 1);
        }
        CHECK(ok && m.desync == 0, "frames of every length class 14..1514 delivered exactly");
    }

    /* 3. The controller's RX_DROP counter reaches the statistics. */
    m.rx_drop = 5;
    model_inject(frames[0], 100, 0);
    (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
    (void)delivered_match(frames, lengths, 1);
    CHECK(s->nx_lan9118_rx_fifo_dropped == 5, "RX_DROP (5 frames the controller had no room for) counted");

    /* 4. No packet big enough / pool empty: dropped, counted, FIFO in step. */
    {
        ULONG big = s->nx_lan9118_rx_too_big, none = s->nx_lan9118_rx_no_packet;
        ip.nx_ip_default_packet_pool = &small_pool;
        make_frame(frames[0], 600, 0x0800, 1);
        model_inject(frames[0], 600, 0);
        NX_PACKET *a = NX_NULL, *b = NX_NULL;
        (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
        nx_packet_allocate(&small_pool, &a, 0, NX_NO_WAIT);
        nx_packet_allocate(&small_pool, &b, 0, NX_NO_WAIT);
        make_frame(frames[0], 100, 0x0800, 2);
        model_inject(frames[0], 100, 0);
        (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
        CHECK(a != NX_NULL && b != NX_NULL && small_pool.nx_packet_pool_available == 0, "small pool emptied by the test");
        nx_packet_release(a);
        nx_packet_release(b);
        lengths[0] = 100;
        model_inject(frames[0], 100, 0);
        (void)request(NX_LINK_DEFERRED_PROCESSING, NX_NULL, 0, 0, NX_NULL);
        CHECK(s->nx_lan9118_rx_too_big == big + 1 && s->nx_lan9118_rx_no_packet == none + 1 &&
                  delivered_match(frames, lengths, 1) && m.desync == 0,
              "too big for the pool, then pool empty: both dropped and counted; the next frame arrives intact");
        ip.nx_ip_default_packet_pool = &pool;
    }

    /* 5. Transmit a chain whose packets start at every alignment. */
    {
        int ok = 1;
        for (uint32_t a1 = 0; a1 < 4; a1++)
            for (uint32_t a2 = 0; a2 < 4; a2++) {
                NX_PACKET *p = NX_NULL, *q = NX_NULL;
                nx_packet_allocate(&pool, &p, NX_PHYSICAL_HEADER + a1, NX_NO_WAIT);
                nx_packet_allocate(&pool, &q, a2, NX_NO_WAIT);
                uint8_t expect[1514];
                for (uint32_t i = 0; i < 700; i++)
                    p->nx_packet_prepend_ptr[i] = (uint8_t)(i + a1);
                for (uint32_t i = 0; i < 501; i++)
                    q->nx_packet_prepend_ptr[i] = (uint8_t)(i * 3 + a2);
                p->nx_packet_append_ptr = p->nx_packet_prepend_ptr + 700;
                q->nx_packet_append_ptr = q->nx_packet_prepend_ptr + 501;
                p->nx_packet_next = q;
                p->nx_packet_last = q;
                p->nx_packet_length = 1201;
                p->nx_packet_ip_version = NX_IP_VERSION_V4;
                memcpy(expect + 14, p->nx_packet_prepend_ptr, 700);
                memcpy(expect + 714, q->nx_packet_prepend_ptr, 501);
                int before = m.sent_count;
                st = request(NX_LINK_PACKET_SEND, p, 0x0211, 0x22334455, NX_NULL);
                static const uint8_t dst[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
                ok &= st == NX_SUCCESS && m.sent_count == before + 1 && m.sent_len[before % 8] == 1215 &&
                      memcmp(m.sent[before % 8], dst, 6) == 0 && memcmp(m.sent[before % 8] + 6, model_mac, 6) == 0 &&
                      m.sent[before % 8][12] == 0x08 && m.sent[before % 8][13] == 0x00 &&
                      memcmp(m.sent[before % 8] + 14, expect + 14, 1201) == 0;
                m.sent_count = 0;
            }
        CHECK(ok && m.bad_tx == 0 && pool.nx_packet_pool_available == pool.nx_packet_pool_total,
              "chains at all 16 alignment pairs sent byte for byte, packets released");
    }

    /* 6. A frame too long to send is refused and released. */
    {
        NX_PACKET *p = NX_NULL;
        nx_packet_allocate(&pool, &p, NX_PHYSICAL_HEADER, NX_NO_WAIT);
        p->nx_packet_append_ptr = p->nx_packet_prepend_ptr + 1501;
        p->nx_packet_length = 1501;
        st = request(NX_LINK_PACKET_SEND, p, 0x0211, 0x22334455, NX_NULL);
        CHECK(st == NX_INVALID_PACKET && m.sent_count == 0 && pool.nx_packet_pool_available == pool.nx_packet_pool_total,
              "a 1515-byte frame is refused (0x%02X), nothing written, packet released", st);
    }

    (void)request(NX_LINK_UNINITIALIZE, NX_NULL, 0, 0, NX_NULL);
    CHECK(m.bad_access == 0 && td_record.bad_calls == 0 && pool.nx_packet_pool_invalid_releases == 0 &&
              pool.nx_packet_pool_available == pool.nx_packet_pool_total &&
              small_pool.nx_packet_pool_available == small_pool.nx_packet_pool_total,
          "no unknown register touched, no bad call, every packet back in its pool");
    printf("test_lan9118_host: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
