/* Packet pools: carving, allocate/release, timed waits, double release,
   chains, bad input. */
#include "netx_test_common.h"

static ULONG mem[65536 / sizeof(ULONG)];
static NX_PACKET_POOL pool;
static TX_THREAD waiter;
static volatile UINT waiter_status = 0xFFFF;
static volatile ULONG waiter_ticks;
static volatile int waiter_started;

static ULONG expected_count(ULONG payload, ULONG bytes)
{
    ULONG header = (ULONG)((sizeof(NX_PACKET) + 7) & ~(size_t)7);
    ULONG pay = (payload + 7) & ~7UL;
    return bytes / (header + pay);
}

static void test_carve(void)
{
    int f = failures;
    ULONG sizes[] = { 1, 64, 100, 256, 1500, 1536, 9000 };
    unsigned i;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        CHECK_EQ(nx_packet_pool_create(&pool, "carve", sizes[i], mem, sizeof(mem)), NX_SUCCESS);
        CHECK_EQ(pool.nx_packet_pool_total, expected_count(sizes[i], sizeof(mem)));
        CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
        CHECK_EQ(pool.nx_packet_pool_payload_size, (sizes[i] + 7) & ~7UL);
        CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS);
    }
    /* Too small for one packet. */
    CHECK_EQ(nx_packet_pool_create(&pool, "small", 1536, mem, 200), NX_SIZE_ERROR);
    CHECK_EQ(nx_packet_pool_create(&pool, "zero", 0, mem, sizeof(mem)), NX_SIZE_ERROR);
    report("pool carve counts", f);
}

static void waiter_entry(ULONG input)
{
    NX_PACKET *p;
    ULONG t0 = tx_time_get();
    (void)input;
    waiter_started = 1;
    waiter_status = nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER);
    waiter_ticks = tx_time_get() - t0;
    if (waiter_status == NX_SUCCESS)
        nx_packet_release(p);
}

static void test_allocate_wait_release(void)
{
    int f = failures;
    NX_PACKET *pk[64];
    NX_PACKET *p, *dup;
    ULONG n = 0, t0, dt, total, freep, empty, susp, inval;
    CHECK_EQ(nx_packet_pool_create(&pool, "p", 1536, mem, 8 * 1700), NX_SUCCESS);
    total = pool.nx_packet_pool_total;
    CHECK(total >= 4 && total <= 64);
    while (n < 64 && nx_packet_allocate(&pool, &pk[n], NX_IPv4_TCP_PACKET, NX_NO_WAIT) == NX_SUCCESS) {
        CHECK_EQ(pk[n]->nx_packet_prepend_ptr - pk[n]->nx_packet_data_start, NX_IPv4_TCP_PACKET);
        CHECK_EQ(pk[n]->nx_packet_length, 0);
        CHECK(((size_t)pk[n] & 7) == 0);
        n++;
    }
    CHECK_EQ(n, total);
    CHECK_EQ(pool.nx_packet_pool_available, 0);
    CHECK_EQ(pool.nx_packet_pool_empty_requests, 1);
    /* A timed wait on the empty pool gives up after about the asked ticks. */
    t0 = tx_time_get();
    CHECK_EQ(nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, 20), NX_NO_PACKET);
    dt = tx_time_get() - t0;
    CHECK(dt >= 19 && dt <= slack(60));
    CHECK_EQ(pool.nx_packet_pool_empty_suspensions, 1);
    /* A release wakes a waiter. */
    tx_thread_create(&waiter, "waiter", waiter_entry, 0, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
    while (!waiter_started)
        tx_thread_sleep(1);
    /* Wait until it is suspended on the empty pool, then some more. */
    while (pool.nx_packet_pool_empty_suspensions < 2)
        tx_thread_sleep(1);
    tx_thread_sleep(10);
    CHECK_EQ(waiter_status, 0xFFFF);
    dup = pk[0];
    CHECK_EQ(nx_packet_release(pk[0]), NX_SUCCESS);
    CHECK(pk[0] == NULL); /* the macro clears the caller's pointer */
    tx_thread_join(&waiter);
    CHECK_EQ(waiter_status, NX_SUCCESS);
    CHECK(waiter_ticks >= 10);
    /* Double release: refused, counted, free list intact. */
    CHECK_EQ(nx_packet_release(dup), NX_PTR_ERROR);
    CHECK(dup != NULL);
    CHECK_EQ(pool.nx_packet_pool_invalid_releases, 1);
    CHECK_EQ(pool.nx_packet_pool_available, 1);
    for (n = 1; n < total; n++)
        CHECK_EQ(nx_packet_release(pk[n]), NX_SUCCESS);
    CHECK_EQ(pool.nx_packet_pool_available, total);
    /* Every packet can be allocated again exactly once. */
    for (n = 0; n < total; n++)
        CHECK_EQ(nx_packet_allocate(&pool, &pk[n], NX_RECEIVE_PACKET, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_allocate(&pool, &p, NX_RECEIVE_PACKET, NX_NO_WAIT), NX_NO_PACKET);
    for (n = 0; n < total; n++)
        CHECK_EQ(nx_packet_release(pk[n]), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_info_get(&pool, &total, &freep, &empty, &susp, &inval), NX_SUCCESS);
    CHECK_EQ(freep, total);
    CHECK_EQ(inval, 1);
    CHECK_EQ(nx_packet_pool_info_get(&pool, NULL, NULL, NULL, NULL, NULL), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS);
    report("pool allocate, timed wait, wake-up, double release", f);
}

static void test_chains(void)
{
    int f = failures;
    static UCHAR data[5000], back[6000];
    NX_PACKET *p, *c, *q;
    ULONG i, n, len, count;
    for (i = 0; i < sizeof(data); i++)
        data[i] = pattern(1, i);
    CHECK_EQ(nx_packet_pool_create(&pool, "chain", 256, mem, sizeof(mem)), NX_SUCCESS);
    CHECK_EQ(nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_data_append(p, data, 100, &pool, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(nx_packet_data_append(p, data + 100, sizeof(data) - 100, &pool, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(p->nx_packet_length, sizeof(data));
    CHECK_EQ(nx_packet_length_get(p, &len), NX_SUCCESS);
    CHECK_EQ(len, sizeof(data));
    /* 200 bytes in the head (256 - 56 headroom), then 256 per packet. */
    for (count = 0, q = p; q != NULL; q = q->nx_packet_next)
        count++;
    CHECK_EQ(count, 1 + (sizeof(data) - 200 + 255) / 256);
    CHECK(p->nx_packet_last != NULL && p->nx_packet_last->nx_packet_next == NULL);
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total - count);
    memset(back, 0, sizeof(back));
    CHECK_EQ(nx_packet_data_retrieve(p, back, &n), NX_SUCCESS);
    CHECK_EQ(n, sizeof(data));
    CHECK(memcmp(back, data, sizeof(data)) == 0);
    CHECK_EQ(nx_packet_data_extract_offset(p, 4990, back, 100, &n), NX_SUCCESS);
    CHECK_EQ(n, 10);
    CHECK(memcmp(back, data + 4990, 10) == 0);
    CHECK_EQ(nx_packet_data_extract_offset(p, 6000, back, 100, &n), NX_PACKET_OFFSET_ERROR);
    CHECK_EQ(nx_packet_copy(p, &c, &pool, NX_NO_WAIT), NX_SUCCESS);
    CHECK_EQ(c->nx_packet_length, sizeof(data));
    CHECK_EQ(nx_packet_data_retrieve(c, back, &n), NX_SUCCESS);
    CHECK(n == sizeof(data) && memcmp(back, data, sizeof(data)) == 0);
    /* An append that cannot get its packets changes nothing. */
    {
        NX_PACKET *hold[256];
        ULONG h = 0;
        while (h < 256 && nx_packet_allocate(&pool, &hold[h], 0, NX_NO_WAIT) == NX_SUCCESS)
            h++;
        if (h > 0) {
            nx_packet_release(hold[h - 1]); /* one free packet: not enough for 1000 bytes */
            h--;
        }
        CHECK_EQ(nx_packet_data_append(c, data, 1000, &pool, NX_NO_WAIT), NX_NO_PACKET);
        CHECK_EQ(c->nx_packet_length, sizeof(data));
        while (h > 0) {
            h--;
            nx_packet_release(hold[h]);
        }
    }
    CHECK_EQ(nx_packet_release(p), NX_SUCCESS);
    CHECK_EQ(nx_packet_release(c), NX_SUCCESS);
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS);
    report("chains: append, retrieve, extract, copy", f);
}

static void test_bad_input(void)
{
    int f = failures;
    NX_PACKET_POOL foreign;
    NX_PACKET *p = NULL, *q;
    ULONG n;
    memset(&foreign, 0x5A, sizeof(foreign));
    CHECK_EQ(nx_packet_pool_create(NULL, "x", 256, mem, sizeof(mem)), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_pool_create(&pool, "x", 256, NULL, sizeof(mem)), NX_PTR_ERROR);
    CHECK_EQ(_nxe_packet_pool_create(&pool, "x", 256, mem, sizeof(mem), sizeof(pool) - 8), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_allocate(NULL, &p, 0, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_allocate(&foreign, &p, 0, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_pool_delete(&foreign), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_pool_create(&pool, "x", 256, mem, sizeof(mem)), NX_SUCCESS);
    CHECK_EQ(nx_packet_pool_create(&pool, "x", 256, mem, sizeof(mem)), NX_PTR_ERROR); /* twice */
    CHECK_EQ(nx_packet_allocate(&pool, NULL, 0, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_allocate(&pool, &p, 3, NX_NO_WAIT), NX_OPTION_ERROR);
    CHECK_EQ(nx_packet_allocate(&pool, &p, 512, NX_NO_WAIT), NX_INVALID_PARAMETERS);
    p = NULL;
    CHECK_EQ(nx_packet_release(p), NX_PTR_ERROR);
    CHECK_EQ(_nxe_packet_release(NULL), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_allocate(&pool, &p, 16, NX_NO_WAIT), NX_SUCCESS);
    q = p;
    p->nx_packet_prepend_ptr = p->nx_packet_data_start - 1;
    CHECK_EQ(nx_packet_release(p), NX_UNDERFLOW);
    p->nx_packet_prepend_ptr = p->nx_packet_data_start;
    p->nx_packet_append_ptr = p->nx_packet_data_end + 1;
    CHECK_EQ(nx_packet_release(p), NX_OVERFLOW);
    p->nx_packet_append_ptr = p->nx_packet_prepend_ptr;
    CHECK_EQ(nx_packet_data_append(p, NULL, 10, &pool, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_data_append(p, mem, 0, &pool, NX_NO_WAIT), NX_SIZE_ERROR);
    CHECK_EQ(nx_packet_data_append(p, mem, 10, &foreign, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_data_retrieve(p, NULL, &n), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_length_get(NULL, &n), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_copy(p, NULL, &pool, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_transmit_release(p), NX_SUCCESS);
    CHECK(p == NULL);
    CHECK_EQ(nx_packet_transmit_release(q), NX_PTR_ERROR); /* already free */
    CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total);
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS);
    /* Use after delete, delete twice. */
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_allocate(&pool, &p, 0, NX_NO_WAIT), NX_PTR_ERROR);
    CHECK_EQ(nx_packet_release(q), NX_PTR_ERROR); /* owner pool gone */
    report("pool bad input", f);
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    (void)input;
    test_carve();
    test_allocate_wait_release();
    test_chains();
    test_bad_input();
    printf("%s test_netx_pool\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 30)
