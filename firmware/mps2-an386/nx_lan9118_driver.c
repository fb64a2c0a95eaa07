/* NetX Ethernet driver for the SMSC LAN9118 / LAN9220, written to the NetX
   driver protocol (NetX Duo user guide, chapter 5): one entry point, a
   request switch on nx_ip_driver_command, packets owned as NetX says
   (a packet to send belongs to the driver, which gives it back with
   nx_packet_transmit_release; a received packet belongs to NetX once handed
   to _nx_ip_packet_deferred_receive / _nx_arp_packet_deferred_receive).
   See nx_lan9118_driver.h for how to use it.

   Receive: the controller keeps frames in its RX data FIFO with one status
   word each in the RX status FIFO. Every NX_LINK_DEFERRED_PROCESSING drains
   both until empty, so a burst is taken as fast as the CPU can read it;
   frames the controller flags as errored are read out, counted and dropped,
   as are frames no pool packet can take (the FIFO never stalls on one).

   Transmit: the frame is written to the TX data FIFO straight from the packet
   (one TX command pair per packet of a chain, the controller's data-offset
   field covers unaligned starts), then the packet is released at once. */

#include "nx_api.h"

#include "lan9118.h"
#include "nx_lan9118_driver.h"

#ifndef NX_LAN9118_BASE
#define NX_LAN9118_BASE 0x40200000u
#endif
#ifndef NX_LAN9118_IRQ
#define NX_LAN9118_IRQ 13
#endif
#ifndef NX_LAN9118_DEFAULT_MAC
#define NX_LAN9118_DEFAULT_MAC {0x02, 0x00, 0x00, 0x39, 0x21, 0x18}
#endif

#ifdef NX_LAN9118_REGISTER_HOOKS
/* Test builds only: every register access goes through two functions (a
   model of the controller on the host, to inject what QEMU cannot produce,
   such as frames with receive errors), and the NVIC through a third. */
ULONG nx_lan9118_register_read(ULONG offset);
VOID nx_lan9118_register_write(ULONG offset, ULONG value);
VOID nx_lan9118_nvic(UINT enable);
#define LAN9118_READ(offset)         nx_lan9118_register_read(offset)
#define LAN9118_WRITE(offset, value) nx_lan9118_register_write((offset), (value))
#else
#define LAN9118_READ(offset)         (*(volatile ULONG *)(NX_LAN9118_BASE + (offset)))
#define LAN9118_WRITE(offset, value) (*(volatile ULONG *)(NX_LAN9118_BASE + (offset)) = (value))

/* Cortex-M NVIC (architectural addresses, the same on every Cortex-M). */
#define NVIC_ISER(n) (*(volatile ULONG *)(0xE000E100u + 4u * (n)))
#define NVIC_ICER(n) (*(volatile ULONG *)(0xE000E180u + 4u * (n)))
#define NVIC_ICPR(n) (*(volatile ULONG *)(0xE000E280u + 4u * (n)))
#endif

#define ETHERNET_HEADER_SIZE 14u
#define ETHERNET_CRC_SIZE    4u
#define ETHERNET_MAX_FRAME   (ETHERNET_HEADER_SIZE + NX_LAN9118_MTU)
#define RX_ALIGN_OFFSET      2u /* RXDOFF: puts the IP header on a 4-byte boundary */

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP  0x0806u
#define ETHERTYPE_RARP 0x8035u
#define ETHERTYPE_IPV6 0x86DDu

/* Register waits: a LAN9118 finishes any of them within microseconds; the
   bound only keeps a dead controller from hanging the IP thread. */
#define SPIN_LIMIT 100000u

/* Interrupts the driver uses: a frame in the RX status FIFO, PHY events,
   receiver and transmitter errors. */
#define INT_USED (LAN9118_INT_RSFL | LAN9118_INT_PHY | LAN9118_INT_RXE | LAN9118_INT_TXE | LAN9118_INT_RXDF)

#define STATE_INITIALIZED 0x1u
#define STATE_ENABLED     0x2u

/* One controller, one driver instance. */
static struct
{
    NX_IP *ip_ptr;
    NX_INTERFACE *interface_ptr;
    ULONG state;
    ULONG mac_msw; /* bytes 0-1 of the MAC address */
    ULONG mac_lsw; /* bytes 2-5 */
    ULONG phy_link;
    ULONG tx_tag;
    UCHAR multicast_count[64]; /* joins per hash bucket */
    NX_LAN9118_STATISTICS stats;
} lan9118;

/* ------------------------------------------------------------ register access */

static UINT mac_csr_wait(VOID)
{
    for (ULONG i = 0; i < SPIN_LIMIT; i++)
        if ((LAN9118_READ(LAN9118_MAC_CSR_CMD) & LAN9118_MAC_CSR_BUSY) == 0)
            return NX_SUCCESS;
    return NX_NOT_SUCCESSFUL;
}

static UINT mac_read(ULONG reg, ULONG *value)
{
    if (mac_csr_wait() != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    LAN9118_WRITE(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY | LAN9118_MAC_CSR_READ | reg);
    if (mac_csr_wait() != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    *value = LAN9118_READ(LAN9118_MAC_CSR_DATA);
    return NX_SUCCESS;
}

static UINT mac_write(ULONG reg, ULONG value)
{
    if (mac_csr_wait() != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    LAN9118_WRITE(LAN9118_MAC_CSR_DATA, value);
    LAN9118_WRITE(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY | reg);
    return mac_csr_wait();
}

static UINT mii_wait(VOID)
{
    ULONG acc;
    for (ULONG i = 0; i < SPIN_LIMIT; i++) {
        if (mac_read(LAN9118_MAC_MII_ACC, &acc) != NX_SUCCESS)
            return NX_NOT_SUCCESSFUL;
        if ((acc & LAN9118_MII_ACC_BUSY) == 0)
            return NX_SUCCESS;
    }
    return NX_NOT_SUCCESSFUL;
}

static UINT phy_read(ULONG reg, ULONG *value)
{
    if (mii_wait() != NX_SUCCESS ||
        mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_ACC_PHY_ADDR(LAN9118_PHY_ADDR) | LAN9118_MII_ACC_REG(reg) |
                                           LAN9118_MII_ACC_BUSY) != NX_SUCCESS ||
        mii_wait() != NX_SUCCESS || mac_read(LAN9118_MAC_MII_DATA, value) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    *value &= 0xFFFFu;
    return NX_SUCCESS;
}

static UINT phy_write(ULONG reg, ULONG value)
{
    if (mii_wait() != NX_SUCCESS || mac_write(LAN9118_MAC_MII_DATA, value & 0xFFFFu) != NX_SUCCESS ||
        mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_ACC_PHY_ADDR(LAN9118_PHY_ADDR) | LAN9118_MII_ACC_REG(reg) |
                                           LAN9118_MII_ACC_WRITE | LAN9118_MII_ACC_BUSY) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    return mii_wait();
}

/* Link state from the PHY (the link bit latches low: read twice). */
static ULONG phy_link_up(VOID)
{
    ULONG bsr = 0;
    if (phy_read(LAN9118_PHY_BSR, &bsr) != NX_SUCCESS || phy_read(LAN9118_PHY_BSR, &bsr) != NX_SUCCESS)
        return NX_FALSE;
    return (bsr & LAN9118_PHY_BSR_LINK) ? NX_TRUE : NX_FALSE;
}

static VOID irq_enable(VOID)
{
#if defined(NX_LAN9118_POLLING)
#elif defined(NX_LAN9118_REGISTER_HOOKS)
    nx_lan9118_nvic(NX_TRUE);
#else
    NVIC_ICPR(NX_LAN9118_IRQ >> 5) = 1u << (NX_LAN9118_IRQ & 31);
    NVIC_ISER(NX_LAN9118_IRQ >> 5) = 1u << (NX_LAN9118_IRQ & 31);
#endif
}

static VOID irq_disable(VOID)
{
#ifdef NX_LAN9118_REGISTER_HOOKS
    nx_lan9118_nvic(NX_FALSE);
#else
    NVIC_ICER(NX_LAN9118_IRQ >> 5) = 1u << (NX_LAN9118_IRQ & 31);
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
}

/* Ethernet CRC-32 as the MAC's hash filter computes it (bit-serial, MSB
   first); the top 6 bits select one of 64 hash bits. */
static UINT multicast_hash(const UCHAR mac[6])
{
    ULONG crc = 0xFFFFFFFFu;
    for (UINT i = 0; i < 6; i++) {
        UCHAR byte = mac[i];
        for (UINT bit = 0; bit < 8; bit++, byte >>= 1) {
            ULONG carry = ((crc >> 31) ^ byte) & 1u;
            crc <<= 1;
            if (carry)
                crc ^= 0x04C11DB7u;
        }
    }
    return (UINT)(crc >> 26);
}

static UINT multicast_filter_write(VOID)
{
    ULONG high = 0, low = 0;
    for (UINT i = 0; i < 64; i++) {
        if (lan9118.multicast_count[i] == 0)
            continue;
        if (i & 0x20)
            high |= 1u << (i & 31);
        else
            low |= 1u << (i & 31);
    }
    if (mac_write(LAN9118_MAC_HASHH, high) != NX_SUCCESS || mac_write(LAN9118_MAC_HASHL, low) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    return NX_SUCCESS;
}

static UINT mac_address_write(ULONG msw, ULONG lsw)
{
    /* ADDRL holds bytes 0-3 (byte 0 lowest), ADDRH bytes 4-5. */
    ULONG addrl = ((msw >> 8) & 0xFFu) | ((msw & 0xFFu) << 8) | (((lsw >> 24) & 0xFFu) << 16) |
                  (((lsw >> 16) & 0xFFu) << 24);
    ULONG addrh = ((lsw >> 8) & 0xFFu) | ((lsw & 0xFFu) << 8);
    if (mac_write(LAN9118_MAC_ADDRL, addrl) != NX_SUCCESS || mac_write(LAN9118_MAC_ADDRH, addrh) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    lan9118.mac_msw = msw & 0xFFFFu;
    lan9118.mac_lsw = lsw;
    return NX_SUCCESS;
}

/* ------------------------------------------------------------ initialize */

static UINT hardware_initialize(VOID)
{
    ULONG i;

    if (LAN9118_READ(LAN9118_BYTE_TEST) != LAN9118_BYTE_TEST_VALUE)
        return NX_NOT_SUCCESSFUL; /* no controller, or the bus is misconfigured */

    LAN9118_WRITE(LAN9118_IRQ_CFG, 0); /* interrupt output off while we set up */
    LAN9118_WRITE(LAN9118_INT_EN, 0);

    LAN9118_WRITE(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST);
    for (i = 0; i < SPIN_LIMIT && (LAN9118_READ(LAN9118_HW_CFG) & LAN9118_HW_CFG_SRST); i++)
        ;
    for (i = 0; i < SPIN_LIMIT && !(LAN9118_READ(LAN9118_PMT_CTRL) & LAN9118_PMT_CTRL_READY); i++)
        ;
    if (i == SPIN_LIMIT)
        return NX_NOT_SUCCESSFUL;

    /* 5 KiB TX FIFO (the rest, 11 KiB, for receive); automatic flow control
       thresholds as the datasheet recommends. */
    LAN9118_WRITE(LAN9118_HW_CFG, LAN9118_HW_CFG_TX_FIF_SZ(5) | LAN9118_HW_CFG_MBO);
    LAN9118_WRITE(LAN9118_AFC_CFG, 0x006E3740u);

    /* MAC address: the one the controller loaded from its EEPROM, else ours. */
    ULONG addrl = 0, addrh = 0;
    if (mac_read(LAN9118_MAC_ADDRL, &addrl) != NX_SUCCESS || mac_read(LAN9118_MAC_ADDRH, &addrh) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    UCHAR mac[6] = {(UCHAR)addrl, (UCHAR)(addrl >> 8), (UCHAR)(addrl >> 16), (UCHAR)(addrl >> 24), (UCHAR)addrh,
                    (UCHAR)(addrh >> 8)};
    UINT all_zero = 1, all_ones = 1;
    for (i = 0; i < 6; i++) {
        all_zero &= mac[i] == 0x00;
        all_ones &= mac[i] == 0xFF;
    }
    if (all_zero || all_ones || (mac[0] & 0x01)) {
        static const UCHAR fallback[6] = NX_LAN9118_DEFAULT_MAC;
        for (i = 0; i < 6; i++)
            mac[i] = fallback[i];
    }
    if (mac_address_write(((ULONG)mac[0] << 8) | mac[1],
                          ((ULONG)mac[2] << 24) | ((ULONG)mac[3] << 16) | ((ULONG)mac[4] << 8) | mac[5]) !=
        NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;

    /* PHY: reset, advertise everything, autonegotiate; interrupt on link changes. */
    ULONG bcr = LAN9118_PHY_BCR_RESET;
    if (phy_write(LAN9118_PHY_BCR, bcr) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;
    for (i = 0; i < SPIN_LIMIT; i++) {
        if (phy_read(LAN9118_PHY_BCR, &bcr) != NX_SUCCESS)
            return NX_NOT_SUCCESSFUL;
        if ((bcr & LAN9118_PHY_BCR_RESET) == 0)
            break;
    }
    if (phy_write(LAN9118_PHY_ANAR, LAN9118_PHY_ANAR_DEFAULT) != NX_SUCCESS ||
        phy_write(LAN9118_PHY_BCR, LAN9118_PHY_BCR_ANENABLE | LAN9118_PHY_BCR_ANRESTART) != NX_SUCCESS ||
        phy_write(LAN9118_PHY_INT_MASK, LAN9118_PHY_INT_ANCOMP | LAN9118_PHY_INT_DOWN) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;

    /* Frames start 2 bytes into the FIFO's first word; interrupt as soon as
       one status word is waiting (RX status level 0). */
    LAN9118_WRITE(LAN9118_RX_CFG, LAN9118_RX_CFG_RXDOFF(RX_ALIGN_OFFSET));
    LAN9118_WRITE(LAN9118_FIFO_INT, 0x48000000u);
    /* Transmitter on; TX status words may overrun (we read them only to count errors). */
    LAN9118_WRITE(LAN9118_TX_CFG, LAN9118_TX_CFG_TX_ON | LAN9118_TX_CFG_TXSAO);

    /* Receive: our address, broadcast, and multicast through the hash table
       (empty until NX_LINK_MULTICAST_JOIN). Not promiscuous. MAC off until enable. */
    for (i = 0; i < 64; i++)
        lan9118.multicast_count[i] = 0;
    if (multicast_filter_write() != NX_SUCCESS || mac_write(LAN9118_MAC_CR, LAN9118_MAC_CR_HPFILT) != NX_SUCCESS)
        return NX_NOT_SUCCESSFUL;

    /* Interrupt output: active high, push-pull (what the NVIC input expects). */
    LAN9118_WRITE(LAN9118_INT_STS, 0xFFFFFFFFu);
    LAN9118_WRITE(LAN9118_IRQ_CFG, LAN9118_IRQ_CFG_IRQ_EN | LAN9118_IRQ_CFG_IRQ_POL | LAN9118_IRQ_CFG_IRQ_TYPE);
    (VOID) LAN9118_READ(LAN9118_RX_DROP); /* clear on read */
    lan9118.phy_link = phy_link_up();
    return NX_SUCCESS;
}

static VOID driver_initialize(NX_IP_DRIVER *driver_req_ptr)
{
    NX_IP *ip_ptr = driver_req_ptr->nx_ip_driver_ptr;
    NX_INTERFACE *interface_ptr = driver_req_ptr->nx_ip_driver_interface;
    UINT index = interface_ptr->nx_interface_index;

    if (lan9118.state & STATE_INITIALIZED) {
        driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;
        return;
    }
    lan9118.ip_ptr = ip_ptr;
    lan9118.interface_ptr = interface_ptr;
    if (hardware_initialize() != NX_SUCCESS) {
        driver_req_ptr->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        return;
    }
    interface_ptr->nx_interface_link_up = NX_FALSE;
    nx_ip_interface_mtu_set(ip_ptr, index, NX_LAN9118_MTU);
    nx_ip_interface_physical_address_set(ip_ptr, index, lan9118.mac_msw, lan9118.mac_lsw, NX_FALSE);
    nx_ip_interface_address_mapping_configure(ip_ptr, index, NX_TRUE);
    lan9118.state = STATE_INITIALIZED;
    driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;
}

static VOID driver_enable(NX_IP_DRIVER *driver_req_ptr)
{
    ULONG anar = 0, anlpar = 0, mac_cr = LAN9118_MAC_CR_HPFILT | LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN;

    if (!(lan9118.state & STATE_INITIALIZED)) {
        driver_req_ptr->nx_ip_driver_status = NX_NOT_ENABLED;
        return;
    }
    /* Full duplex if both ends offer it (10FD 0x0040, 100FD 0x0100). */
    if (phy_read(LAN9118_PHY_ANAR, &anar) == NX_SUCCESS && phy_read(LAN9118_PHY_ANLPAR, &anlpar) == NX_SUCCESS &&
        (anar & anlpar & 0x0140u))
        mac_cr |= LAN9118_MAC_CR_FDPX;
    if (mac_write(LAN9118_MAC_CR, mac_cr) != NX_SUCCESS) {
        driver_req_ptr->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        return;
    }
    lan9118.state |= STATE_ENABLED;
    lan9118.phy_link = phy_link_up();
    lan9118.interface_ptr->nx_interface_link_up = (UCHAR)lan9118.phy_link;
    LAN9118_WRITE(LAN9118_INT_STS, INT_USED);
    LAN9118_WRITE(LAN9118_INT_EN, INT_USED);
    irq_enable();
    driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;
}

static VOID driver_disable(VOID)
{
    ULONG mac_cr = 0;
    irq_disable();
    LAN9118_WRITE(LAN9118_INT_EN, 0);
    if (mac_read(LAN9118_MAC_CR, &mac_cr) == NX_SUCCESS)
        (VOID) mac_write(LAN9118_MAC_CR, mac_cr & ~(LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN));
    lan9118.state &= ~STATE_ENABLED;
    if (lan9118.interface_ptr)
        lan9118.interface_ptr->nx_interface_link_up = NX_FALSE;
}

/* ------------------------------------------------------------ transmit */

static VOID tx_status_drain(VOID)
{
    while (LAN9118_TX_FIFO_INF_TXSUSED(LAN9118_READ(LAN9118_TX_FIFO_INF)) != 0) {
        if (LAN9118_READ(LAN9118_TX_STATUS_FIFO) & LAN9118_TXS_ES)
            lan9118.stats.nx_lan9118_tx_errors++;
    }
}

/* Writes the frame in `packet_ptr` (Ethernet header first, possibly a chain)
   to the TX data FIFO. */
static UINT tx_frame_write(NX_PACKET *packet_ptr)
{
    ULONG frame_length = packet_ptr->nx_packet_length;
    ULONG needed = 0, free_bytes = 0;
    NX_PACKET *last = NX_NULL;
    NX_PACKET *p;

    if (frame_length < ETHERNET_HEADER_SIZE || frame_length > ETHERNET_MAX_FRAME)
        return NX_INVALID_PACKET;
    /* FIFO room: two command words and the data words of each buffer. */
    for (p = packet_ptr; p != NX_NULL; p = p->nx_packet_next) {
        ULONG length = (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
        if (length == 0)
            continue;
        needed += 8u + (((ULONG)(uintptr_t)p->nx_packet_prepend_ptr & 3u) + length + 3u) / 4u * 4u;
        last = p;
    }
    if (last == NX_NULL)
        return NX_INVALID_PACKET;
    for (ULONG i = 0; i < SPIN_LIMIT; i++) {
        free_bytes = LAN9118_TX_FIFO_INF_TXFREE(LAN9118_READ(LAN9118_TX_FIFO_INF));
        if (free_bytes >= needed)
            break;
    }
    if (free_bytes < needed)
        return NX_TX_QUEUE_DEPTH;

    ULONG tag = (++lan9118.tx_tag) & 0xFFFFu;
    ULONG first = LAN9118_TXA_FIRST_SEG;
    for (p = packet_ptr; p != NX_NULL; p = p->nx_packet_next) {
        ULONG length = (ULONG)(p->nx_packet_append_ptr - p->nx_packet_prepend_ptr);
        if (length == 0)
            continue;
        ULONG offset = (ULONG)(uintptr_t)p->nx_packet_prepend_ptr & 3u;
        const volatile ULONG *word = (const volatile ULONG *)(p->nx_packet_prepend_ptr - offset);
        ULONG words = (offset + length + 3u) / 4u;
        LAN9118_WRITE(LAN9118_TX_DATA_FIFO, LAN9118_TXA_OFFSET(offset) | first |
                                                (p == last ? LAN9118_TXA_LAST_SEG : 0) | LAN9118_TXA_SIZE(length));
        LAN9118_WRITE(LAN9118_TX_DATA_FIFO, LAN9118_TXB_TAG(tag) | LAN9118_TXB_LENGTH(frame_length));
        /* Whole words from the aligned address: the controller skips `offset`
           bytes of the first and ignores what follows the last byte. */
        for (ULONG i = 0; i < words; i++)
            LAN9118_WRITE(LAN9118_TX_DATA_FIFO, word[i]);
        first = 0;
        if (p == last)
            break;
    }
    return NX_SUCCESS;
}

static VOID driver_packet_send(NX_IP_DRIVER *driver_req_ptr, ULONG ether_type)
{
    NX_PACKET *packet_ptr = driver_req_ptr->nx_ip_driver_packet;
    UINT status;

    if (!(lan9118.state & STATE_ENABLED) || lan9118.interface_ptr->nx_interface_link_up == NX_FALSE) {
        lan9118.stats.nx_lan9118_tx_errors++;
        driver_req_ptr->nx_ip_driver_status = NX_NOT_ENABLED;
        nx_packet_transmit_release(packet_ptr);
        return;
    }
    if (packet_ptr->nx_packet_prepend_ptr - packet_ptr->nx_packet_data_start < (long)ETHERNET_HEADER_SIZE) {
        lan9118.stats.nx_lan9118_tx_errors++;
        driver_req_ptr->nx_ip_driver_status = NX_UNDERFLOW;
        nx_packet_transmit_release(packet_ptr);
        return;
    }

    /* The Ethernet header goes into the headroom NetX left before the IP/ARP header. */
    packet_ptr->nx_packet_prepend_ptr -= ETHERNET_HEADER_SIZE;
    packet_ptr->nx_packet_length += ETHERNET_HEADER_SIZE;
    UCHAR *eth = packet_ptr->nx_packet_prepend_ptr;
    ULONG dst_msw = driver_req_ptr->nx_ip_driver_physical_address_msw;
    ULONG dst_lsw = driver_req_ptr->nx_ip_driver_physical_address_lsw;
    eth[0] = (UCHAR)(dst_msw >> 8);
    eth[1] = (UCHAR)dst_msw;
    eth[2] = (UCHAR)(dst_lsw >> 24);
    eth[3] = (UCHAR)(dst_lsw >> 16);
    eth[4] = (UCHAR)(dst_lsw >> 8);
    eth[5] = (UCHAR)dst_lsw;
    eth[6] = (UCHAR)(lan9118.mac_msw >> 8);
    eth[7] = (UCHAR)lan9118.mac_msw;
    eth[8] = (UCHAR)(lan9118.mac_lsw >> 24);
    eth[9] = (UCHAR)(lan9118.mac_lsw >> 16);
    eth[10] = (UCHAR)(lan9118.mac_lsw >> 8);
    eth[11] = (UCHAR)lan9118.mac_lsw;
    eth[12] = (UCHAR)(ether_type >> 8);
    eth[13] = (UCHAR)ether_type;

    status = tx_frame_write(packet_ptr);
    if (status == NX_SUCCESS) {
        lan9118.stats.nx_lan9118_tx_frames++;
        lan9118.stats.nx_lan9118_tx_bytes += packet_ptr->nx_packet_length;
    } else {
        lan9118.stats.nx_lan9118_tx_errors++;
    }
    tx_status_drain();

    /* Back to the IP header before the release, as NetX expects. */
    packet_ptr->nx_packet_prepend_ptr += ETHERNET_HEADER_SIZE;
    packet_ptr->nx_packet_length -= ETHERNET_HEADER_SIZE;
    driver_req_ptr->nx_ip_driver_status = status;
    nx_packet_transmit_release(packet_ptr);
}

/* ------------------------------------------------------------ receive */

static VOID rx_discard(ULONG words)
{
    /* Read the frame out word by word. (The controller's RX fast-forward
       would do it too, but only for frames of 4 words or more, and QEMU's
       model of it loses count of the FIFO; reading is always right.) */
    while (words--)
        (VOID) LAN9118_READ(LAN9118_RX_DATA_FIFO);
}

static VOID rx_dispatch(NX_PACKET *packet_ptr)
{
    NX_IP *ip_ptr = lan9118.ip_ptr;
    UCHAR *eth = packet_ptr->nx_packet_prepend_ptr;
    ULONG ether_type = ((ULONG)eth[12] << 8) | eth[13];

    packet_ptr->nx_packet_address.nx_packet_interface_ptr = lan9118.interface_ptr;
    if (ether_type == ETHERTYPE_IPV4 || ether_type == ETHERTYPE_IPV6 || ether_type == ETHERTYPE_ARP) {
        lan9118.stats.nx_lan9118_rx_frames++;
        lan9118.stats.nx_lan9118_rx_bytes += packet_ptr->nx_packet_length;
        packet_ptr->nx_packet_prepend_ptr += ETHERNET_HEADER_SIZE;
        packet_ptr->nx_packet_length -= ETHERNET_HEADER_SIZE;
        if (ether_type == ETHERTYPE_ARP)
            _nx_arp_packet_deferred_receive(ip_ptr, packet_ptr);
        else
            _nx_ip_packet_deferred_receive(ip_ptr, packet_ptr);
    } else {
        /* RARP and anything else: not for this stack. */
        lan9118.stats.nx_lan9118_rx_unknown_type++;
        nx_packet_release(packet_ptr);
    }
}

static VOID rx_drain(VOID)
{
    NX_PACKET_POOL *pool_ptr = lan9118.ip_ptr->nx_ip_default_packet_pool;

    while (LAN9118_RX_FIFO_INF_RXSUSED(LAN9118_READ(LAN9118_RX_FIFO_INF)) != 0) {
        ULONG rx_status = LAN9118_READ(LAN9118_RX_STATUS_FIFO);
        ULONG length = LAN9118_RXS_LENGTH(rx_status); /* frame + CRC */
        ULONG words = (RX_ALIGN_OFFSET + length + 3u) / 4u;
        NX_PACKET *packet_ptr = NX_NULL;

        if ((rx_status & LAN9118_RXS_ERRORS) || length < ETHERNET_HEADER_SIZE + ETHERNET_CRC_SIZE) {
            lan9118.stats.nx_lan9118_rx_errors++;
            rx_discard(words);
            continue;
        }
        if (rx_status & LAN9118_RXS_FILTER_FAIL) { /* only with MAC_CR RXALL, which we never set */
            lan9118.stats.nx_lan9118_rx_unknown_type++;
            rx_discard(words);
            continue;
        }
        if (pool_ptr == NX_NULL || nx_packet_allocate(pool_ptr, &packet_ptr, NX_RECEIVE_PACKET, NX_NO_WAIT) != NX_SUCCESS) {
            lan9118.stats.nx_lan9118_rx_no_packet++;
            rx_discard(words);
            continue;
        }
        UCHAR *start = packet_ptr->nx_packet_data_start;
        if ((ULONG)(packet_ptr->nx_packet_data_end - start) < words * 4u) {
            lan9118.stats.nx_lan9118_rx_too_big++;
            nx_packet_release(packet_ptr);
            rx_discard(words);
            continue;
        }
        if (((uintptr_t)start & 3u) == 0) {
            volatile ULONG *dst = (volatile ULONG *)start; /* volatile: keep the stores word-sized and in order */
            for (ULONG i = 0; i < words; i++)
                dst[i] = LAN9118_READ(LAN9118_RX_DATA_FIFO);
        } else {
            for (ULONG i = 0; i < words; i++) {
                ULONG w = LAN9118_READ(LAN9118_RX_DATA_FIFO); /* FIFO bytes are in memory order */
                start[4 * i] = (UCHAR)w;
                start[4 * i + 1] = (UCHAR)(w >> 8);
                start[4 * i + 2] = (UCHAR)(w >> 16);
                start[4 * i + 3] = (UCHAR)(w >> 24);
            }
        }
        packet_ptr->nx_packet_prepend_ptr = start + RX_ALIGN_OFFSET;
        packet_ptr->nx_packet_length = length - ETHERNET_CRC_SIZE;
        packet_ptr->nx_packet_append_ptr = packet_ptr->nx_packet_prepend_ptr + packet_ptr->nx_packet_length;
        rx_dispatch(packet_ptr);
    }
}

static VOID phy_event(VOID)
{
    ULONG source = 0;
    (VOID) phy_read(LAN9118_PHY_INT_SRC, &source); /* reading clears it */
    ULONG link = phy_link_up();
    if (link != lan9118.phy_link) {
        lan9118.phy_link = link;
        lan9118.stats.nx_lan9118_link_changes++;
    }
    if (lan9118.interface_ptr)
        lan9118.interface_ptr->nx_interface_link_up =
            (UCHAR)((lan9118.state & STATE_ENABLED) && lan9118.phy_link ? NX_TRUE : NX_FALSE);
}

static VOID driver_deferred_processing(VOID)
{
    if (!(lan9118.state & STATE_INITIALIZED))
        return;
    lan9118.stats.nx_lan9118_deferred_requests++;
    /* Acknowledge first: a frame arriving during the drain sets RSFL again,
       and the interrupt fires again when it is unmasked below. */
    ULONG events = LAN9118_READ(LAN9118_INT_STS) & INT_USED;
    LAN9118_WRITE(LAN9118_INT_STS, events);
    if (events & LAN9118_INT_PHY)
        phy_event();
    rx_drain();
    tx_status_drain();
    lan9118.stats.nx_lan9118_rx_fifo_dropped += LAN9118_READ(LAN9118_RX_DROP); /* clear on read */
    if (lan9118.state & STATE_ENABLED)
        LAN9118_WRITE(LAN9118_INT_EN, INT_USED);
}

VOID ETHERNET_IRQHandler(VOID)
{
    /* Mask the controller and let the IP thread do the work
       (NX_LINK_DEFERRED_PROCESSING unmasks it). */
    LAN9118_WRITE(LAN9118_INT_EN, 0);
    lan9118.stats.nx_lan9118_interrupts++;
    if (lan9118.ip_ptr != NX_NULL)
        _nx_ip_driver_deferred_processing(lan9118.ip_ptr);
}

/* ------------------------------------------------------------ entry */

static VOID return_value(NX_IP_DRIVER *driver_req_ptr, ULONG value)
{
    if (driver_req_ptr->nx_ip_driver_return_ptr == NX_NULL) {
        driver_req_ptr->nx_ip_driver_status = NX_PTR_ERROR;
        return;
    }
    *driver_req_ptr->nx_ip_driver_return_ptr = value;
    driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;
}

VOID nx_lan9118_driver(NX_IP_DRIVER *driver_req_ptr)
{
    driver_req_ptr->nx_ip_driver_status = NX_SUCCESS;

    switch (driver_req_ptr->nx_ip_driver_command) {
    case NX_LINK_INTERFACE_ATTACH:
        lan9118.ip_ptr = driver_req_ptr->nx_ip_driver_ptr;
        lan9118.interface_ptr = driver_req_ptr->nx_ip_driver_interface;
        break;

    case NX_LINK_INITIALIZE:
        driver_initialize(driver_req_ptr);
        break;

    case NX_LINK_ENABLE:
        driver_enable(driver_req_ptr);
        break;

    case NX_LINK_DISABLE:
        driver_disable();
        break;

    case NX_LINK_PACKET_SEND:
    case NX_LINK_PACKET_BROADCAST:
        driver_packet_send(driver_req_ptr, driver_req_ptr->nx_ip_driver_packet->nx_packet_ip_version == NX_IP_VERSION_V6
                                              ? ETHERTYPE_IPV6
                                              : ETHERTYPE_IPV4);
        break;

    case NX_LINK_ARP_SEND:
    case NX_LINK_ARP_RESPONSE_SEND:
        driver_packet_send(driver_req_ptr, ETHERTYPE_ARP);
        break;

    case NX_LINK_RARP_SEND:
        driver_packet_send(driver_req_ptr, ETHERTYPE_RARP);
        break;

    case NX_LINK_MULTICAST_JOIN:
    case NX_LINK_MULTICAST_LEAVE: {
        ULONG msw = driver_req_ptr->nx_ip_driver_physical_address_msw;
        ULONG lsw = driver_req_ptr->nx_ip_driver_physical_address_lsw;
        UCHAR mac[6] = {(UCHAR)(msw >> 8), (UCHAR)msw, (UCHAR)(lsw >> 24), (UCHAR)(lsw >> 16), (UCHAR)(lsw >> 8),
                        (UCHAR)lsw};
        UINT hash = multicast_hash(mac);
        if (driver_req_ptr->nx_ip_driver_command == NX_LINK_MULTICAST_JOIN) {
            if (lan9118.multicast_count[hash] == 0xFF) {
                driver_req_ptr->nx_ip_driver_status = NX_OVERFLOW;
                break;
            }
            lan9118.multicast_count[hash]++;
        } else if (lan9118.multicast_count[hash] != 0) {
            lan9118.multicast_count[hash]--;
        }
        if (multicast_filter_write() != NX_SUCCESS)
            driver_req_ptr->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        break;
    }

    case NX_LINK_GET_STATUS:
        return_value(driver_req_ptr, driver_req_ptr->nx_ip_driver_interface->nx_interface_link_up);
        break;

    case NX_LINK_GET_ERROR_COUNT:
        return_value(driver_req_ptr, lan9118.stats.nx_lan9118_rx_errors + lan9118.stats.nx_lan9118_tx_errors);
        break;

    case NX_LINK_GET_RX_COUNT:
        return_value(driver_req_ptr, lan9118.stats.nx_lan9118_rx_frames);
        break;

    case NX_LINK_GET_TX_COUNT:
        return_value(driver_req_ptr, lan9118.stats.nx_lan9118_tx_frames);
        break;

    case NX_LINK_GET_ALLOC_ERRORS:
        return_value(driver_req_ptr, lan9118.stats.nx_lan9118_rx_no_packet);
        break;

    case NX_LINK_GET_INTERFACE_TYPE:
        return_value(driver_req_ptr, NX_INTERFACE_TYPE_ETHERNET);
        break;

    case NX_LINK_SET_PHYSICAL_ADDRESS:
        if (mac_address_write(driver_req_ptr->nx_ip_driver_physical_address_msw,
                              driver_req_ptr->nx_ip_driver_physical_address_lsw) != NX_SUCCESS)
            driver_req_ptr->nx_ip_driver_status = NX_NOT_SUCCESSFUL;
        break;

    case NX_LINK_DEFERRED_PROCESSING:
        driver_deferred_processing();
        break;

    case NX_LINK_UNINITIALIZE:
    case NX_LINK_INTERFACE_DETACH:
        driver_disable();
        LAN9118_WRITE(LAN9118_IRQ_CFG, 0);
        LAN9118_WRITE(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST);
        lan9118.state = 0;
        lan9118.ip_ptr = NX_NULL;
        lan9118.interface_ptr = NX_NULL;
        break;

    default:
        /* NX_LINK_GET_SPEED, NX_LINK_GET_DUPLEX_TYPE, NX_LINK_USER_COMMAND, ... */
        driver_req_ptr->nx_ip_driver_status = NX_UNHANDLED_COMMAND;
        break;
    }
}

const NX_LAN9118_STATISTICS *nx_lan9118_statistics_get(VOID)
{
    return &lan9118.stats;
}
