/* netx_bulk.h: two-way bulk transfer threads for the TCP tests. A test
   defines BULK_BYTES (and BULK_PACKET_TYPE, the headroom of the packets it
   sends: NX_IPv4_TCP_PACKET by default) before including this, fills
   streams[i] (socket, pool, seed) and starts sender_entry / receiver_entry
   with the index i as their input (ULONG is 32 bits: not a pointer). The
   sender sends pattern(seed) in packets of varying sizes, the receiver
   checksums what arrives (one packet per receive, never a chain or an empty
   one); status is NX_SUCCESS or the first failing call's status. */
#ifndef NETX_BULK_H
#define NETX_BULK_H

#include "netx_test_common.h"

#ifndef BULK_PACKET_TYPE
#define BULK_PACKET_TYPE NX_IPv4_TCP_PACKET
#endif

typedef struct STREAM {
    NX_TCP_SOCKET *sock;
    NX_PACKET_POOL *pool;
    ULONG seed;
    SUM sum;
    UINT status;
    TX_THREAD thread;
} STREAM;

static STREAM streams[4];

static void sender_entry(ULONG input)
{
    STREAM *st = &streams[input];
    static __thread UCHAR buf[4000];
    unsigned long long off = 0;
    st->status = NX_SUCCESS;
    while (off < BULK_BYTES) {
        NX_PACKET *p;
        ULONG n = 1 + (ULONG)((off * 7) % sizeof(buf)), i;
        UINT s;
        if (n > BULK_BYTES - off)
            n = (ULONG)(BULK_BYTES - off);
        for (i = 0; i < n; i++)
            buf[i] = pattern(st->seed, off + i);
        s = nx_packet_allocate(st->pool, &p, BULK_PACKET_TYPE, 5 * NX_IP_PERIODIC_RATE);
        if (s == NX_SUCCESS)
            s = nx_packet_data_append(p, buf, n, st->pool, 5 * NX_IP_PERIODIC_RATE);
        if (s == NX_SUCCESS) {
            s = nx_tcp_socket_send(st->sock, p, 10 * NX_IP_PERIODIC_RATE);
            if (s != NX_SUCCESS)
                nx_packet_release(p);
        }
        if (s != NX_SUCCESS) {
            printf("sender: status 0x%x at %llu\n", s, off);
            st->status = s;
            return;
        }
        sum_add(&st->sum, buf, n);
        off += n;
    }
}

static void receiver_entry(ULONG input)
{
    STREAM *st = &streams[input];
    st->status = NX_SUCCESS;
    while (st->sum.bytes < BULK_BYTES) {
        NX_PACKET *p;
        UINT s = nx_tcp_socket_receive(st->sock, &p, 10 * NX_IP_PERIODIC_RATE);
        if (s != NX_SUCCESS) {
            printf("receiver: status 0x%x at %llu\n", s, st->sum.bytes);
            st->status = s;
            return;
        }
        if (p->nx_packet_next != NULL || p->nx_packet_length == 0)
            st->status = NX_INVALID_PACKET;
        sum_packet(&st->sum, p);
        nx_packet_release(p);
    }
}

#endif /* NETX_BULK_H */
