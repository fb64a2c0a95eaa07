/* SMSC LAN9118 / LAN9220 register map (32-bit bus mode), as far as the
   NetX driver uses it. From the SMSC LAN9118 datasheet; QEMU's model
   (hw/net/lan9118.c) implements the same registers. On mps2-an386 the
   controller sits at 0x40200000, interrupt line 13. */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>

/* System control and status registers (offsets from the base). */
#define LAN9118_RX_DATA_FIFO     0x00u /* 0x00-0x1C alias */
#define LAN9118_TX_DATA_FIFO     0x20u /* 0x20-0x3C alias */
#define LAN9118_RX_STATUS_FIFO   0x40u
#define LAN9118_RX_STATUS_PEEK   0x44u
#define LAN9118_TX_STATUS_FIFO   0x48u
#define LAN9118_TX_STATUS_PEEK   0x4Cu
#define LAN9118_ID_REV           0x50u
#define LAN9118_IRQ_CFG          0x54u
#define LAN9118_INT_STS          0x58u
#define LAN9118_INT_EN           0x5Cu
#define LAN9118_BYTE_TEST        0x64u
#define LAN9118_FIFO_INT         0x68u
#define LAN9118_RX_CFG           0x6Cu
#define LAN9118_TX_CFG           0x70u
#define LAN9118_HW_CFG           0x74u
#define LAN9118_RX_DP_CTRL       0x78u
#define LAN9118_RX_FIFO_INF      0x7Cu
#define LAN9118_TX_FIFO_INF      0x80u
#define LAN9118_PMT_CTRL         0x84u
#define LAN9118_GPIO_CFG         0x88u
#define LAN9118_FREE_RUN         0x9Cu
#define LAN9118_RX_DROP          0xA0u
#define LAN9118_MAC_CSR_CMD      0xA4u
#define LAN9118_MAC_CSR_DATA     0xA8u
#define LAN9118_AFC_CFG          0xACu
#define LAN9118_E2P_CMD          0xB0u
#define LAN9118_E2P_DATA         0xB4u

#define LAN9118_BYTE_TEST_VALUE  0x87654321u

/* IRQ_CFG */
#define LAN9118_IRQ_CFG_IRQ_EN   (1u << 8)
#define LAN9118_IRQ_CFG_IRQ_POL  (1u << 4) /* 1: active high */
#define LAN9118_IRQ_CFG_IRQ_TYPE (1u << 0) /* 1: push-pull */

/* INT_STS / INT_EN */
#define LAN9118_INT_SW           (1u << 31)
#define LAN9118_INT_TXSTOP       (1u << 25)
#define LAN9118_INT_RXSTOP       (1u << 24)
#define LAN9118_INT_TX_IOC       (1u << 21)
#define LAN9118_INT_RXD          (1u << 20)
#define LAN9118_INT_PHY          (1u << 18)
#define LAN9118_INT_TXSO         (1u << 16) /* TX status FIFO overflow */
#define LAN9118_INT_RWT          (1u << 15)
#define LAN9118_INT_RXE          (1u << 14) /* receiver error */
#define LAN9118_INT_TXE          (1u << 13) /* transmitter error */
#define LAN9118_INT_TDFO         (1u << 10) /* TX data FIFO overrun */
#define LAN9118_INT_RXDF         (1u << 6)  /* RX dropped frame */
#define LAN9118_INT_RSFF         (1u << 4)  /* RX status FIFO full */
#define LAN9118_INT_RSFL         (1u << 3)  /* RX status FIFO above its level */

/* RX_CFG */
#define LAN9118_RX_CFG_RXDOFF(n) ((uint32_t)(n) << 8) /* bytes of offset before each frame */
#define LAN9118_RX_CFG_RX_DUMP   (1u << 15)

/* TX_CFG */
#define LAN9118_TX_CFG_TXS_DUMP  (1u << 15)
#define LAN9118_TX_CFG_TXD_DUMP  (1u << 14)
#define LAN9118_TX_CFG_TXSAO     (1u << 2) /* TX status FIFO may overrun */
#define LAN9118_TX_CFG_TX_ON     (1u << 1)

/* HW_CFG */
#define LAN9118_HW_CFG_SRST      (1u << 0)
#define LAN9118_HW_CFG_TX_FIF_SZ(kib) ((uint32_t)(kib) << 16)
#define LAN9118_HW_CFG_MBO       (1u << 20)

/* PMT_CTRL */
#define LAN9118_PMT_CTRL_READY   (1u << 0)

/* RX_FIFO_INF / TX_FIFO_INF */
#define LAN9118_RX_FIFO_INF_RXSUSED(v) (((v) >> 16) & 0xFFu)
#define LAN9118_TX_FIFO_INF_TXSUSED(v) (((v) >> 16) & 0xFFu)
#define LAN9118_TX_FIFO_INF_TXFREE(v)  ((v) & 0xFFFFu)

/* MAC_CSR_CMD */
#define LAN9118_MAC_CSR_BUSY     (1u << 31)
#define LAN9118_MAC_CSR_READ     (1u << 30)

/* MAC control and status registers (indirect, through MAC_CSR_CMD/DATA). */
#define LAN9118_MAC_CR           1u
#define LAN9118_MAC_ADDRH        2u
#define LAN9118_MAC_ADDRL        3u
#define LAN9118_MAC_HASHH        4u
#define LAN9118_MAC_HASHL        5u
#define LAN9118_MAC_MII_ACC      6u
#define LAN9118_MAC_MII_DATA     7u
#define LAN9118_MAC_FLOW         8u

/* MAC_CR */
#define LAN9118_MAC_CR_RXALL     (1u << 31)
#define LAN9118_MAC_CR_FDPX      (1u << 20)
#define LAN9118_MAC_CR_MCPAS     (1u << 19) /* pass all multicast */
#define LAN9118_MAC_CR_PRMS      (1u << 18) /* promiscuous */
#define LAN9118_MAC_CR_HPFILT    (1u << 13) /* multicast through the hash table */
#define LAN9118_MAC_CR_BCAST     (1u << 11) /* 1: refuse broadcast */
#define LAN9118_MAC_CR_TXEN      (1u << 3)
#define LAN9118_MAC_CR_RXEN      (1u << 2)

/* MII_ACC */
#define LAN9118_MII_ACC_PHY_ADDR(a) ((uint32_t)(a) << 11)
#define LAN9118_MII_ACC_REG(r)      ((uint32_t)(r) << 6)
#define LAN9118_MII_ACC_WRITE       (1u << 1)
#define LAN9118_MII_ACC_BUSY        (1u << 0)
#define LAN9118_PHY_ADDR            1u /* the internal PHY */

/* PHY registers (IEEE 802.3 clause 22 plus SMSC's) */
#define LAN9118_PHY_BCR          0u
#define LAN9118_PHY_BSR          1u
#define LAN9118_PHY_ANAR         4u
#define LAN9118_PHY_ANLPAR       5u
#define LAN9118_PHY_INT_SRC      29u
#define LAN9118_PHY_INT_MASK     30u
#define LAN9118_PHY_BCR_RESET    (1u << 15)
#define LAN9118_PHY_BCR_ANENABLE (1u << 12)
#define LAN9118_PHY_BCR_ANRESTART (1u << 9)
#define LAN9118_PHY_BSR_LINK     (1u << 2)
#define LAN9118_PHY_ANAR_DEFAULT 0x01E1u /* 100FD, 100HD, 10FD, 10HD, 802.3 */
#define LAN9118_PHY_INT_ANCOMP   (1u << 6)
#define LAN9118_PHY_INT_DOWN     (1u << 4)

/* RX status word */
#define LAN9118_RXS_FILTER_FAIL  (1u << 30)
#define LAN9118_RXS_LENGTH(s)    (((s) >> 16) & 0x3FFFu) /* frame length including the 4-byte CRC */
#define LAN9118_RXS_ES           (1u << 15) /* error summary */
#define LAN9118_RXS_BROADCAST    (1u << 13)
#define LAN9118_RXS_LENGTH_ERR   (1u << 12)
#define LAN9118_RXS_RUNT         (1u << 11)
#define LAN9118_RXS_MULTICAST    (1u << 10)
#define LAN9118_RXS_TOO_LONG     (1u << 7)
#define LAN9118_RXS_COLLISION    (1u << 6)
#define LAN9118_RXS_WATCHDOG     (1u << 4)
#define LAN9118_RXS_MII_ERR      (1u << 3)
#define LAN9118_RXS_CRC_ERR      (1u << 1)
#define LAN9118_RXS_ERRORS       (LAN9118_RXS_ES | LAN9118_RXS_LENGTH_ERR | LAN9118_RXS_RUNT | \
                                  LAN9118_RXS_TOO_LONG | LAN9118_RXS_COLLISION | LAN9118_RXS_WATCHDOG | \
                                  LAN9118_RXS_MII_ERR | LAN9118_RXS_CRC_ERR)

/* TX command A / B */
#define LAN9118_TXA_IOC          (1u << 31)
#define LAN9118_TXA_OFFSET(n)    ((uint32_t)(n) << 16) /* data start offset, bytes (0-31) */
#define LAN9118_TXA_FIRST_SEG    (1u << 13)
#define LAN9118_TXA_LAST_SEG     (1u << 12)
#define LAN9118_TXA_SIZE(n)      ((uint32_t)(n) & 0x7FFu)
#define LAN9118_TXB_TAG(t)       ((uint32_t)(t) << 16)
#define LAN9118_TXB_LENGTH(n)    ((uint32_t)(n) & 0x7FFu)

/* TX status word */
#define LAN9118_TXS_ES           (1u << 15)

#endif /* LAN9118_H */
