/* TEST DOUBLE, not NetX and not shipped (see nx_test_double.h). */
#include "nx_test_double.h"

#include <stdint.h>

#include "board.h"

td_record_t td_record;

static NX_IP *recorded_ip;
static volatile int deferred_flag;

typedef struct
{
    NX_PACKET *head, *tail;
} queue_t;
static queue_t ip_queue, arp_queue;

#define ALLOCATED_MARK ((NX_PACKET *)(uintptr_t)NX_PACKET_ALLOCATED)
#define FREE_MARK ((NX_PACKET *)(uintptr_t)NX_PACKET_FREE)

void td_pool_create(NX_PACKET_POOL *pool, const char *name, ULONG payload, void *memory, ULONG size, ULONG misalign)
{
    uintptr_t start = ((uintptr_t)memory + 7u) & ~(uintptr_t)7u;
    uintptr_t end = (uintptr_t)memory + size;
    ULONG header = (sizeof(NX_PACKET) + 7u) & ~7u;
    ULONG block = (header + misalign + payload + 7u) & ~7u;

    pool->nx_packet_pool_id = NX_PACKET_POOL_ID;
    pool->nx_packet_pool_name = (CHAR *)name;
    pool->nx_packet_pool_available = 0;
    pool->nx_packet_pool_total = 0;
    pool->nx_packet_pool_empty_requests = 0;
    pool->nx_packet_pool_empty_suspensions = 0;
    pool->nx_packet_pool_invalid_releases = 0;
    pool->nx_packet_pool_available_list = NX_NULL;
    pool->nx_packet_pool_start = (CHAR *)start;
    pool->nx_packet_pool_size = (ULONG)(end - start);
    pool->nx_packet_pool_payload_size = payload;
    for (uintptr_t p = start; p + block <= end; p += block) {
        NX_PACKET *packet = (NX_PACKET *)p;
        packet->nx_packet_pool_owner = pool;
        packet->nx_packet_data_start = (UCHAR *)(p + header + misalign);
        packet->nx_packet_data_end = packet->nx_packet_data_start + payload;
        packet->nx_packet_union_next.nx_packet_tcp_queue_next = FREE_MARK;
        packet->nx_packet_queue_next = pool->nx_packet_pool_available_list;
        pool->nx_packet_pool_available_list = packet;
        pool->nx_packet_pool_total++;
        pool->nx_packet_pool_available++;
    }
}

UINT _nx_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type, ULONG wait_option)
{
    (void)wait_option; /* the driver always passes NX_NO_WAIT; the double never waits */
    uint32_t primask = board_irq_save();
    NX_PACKET *packet = pool_ptr->nx_packet_pool_available_list;
    if (packet == NX_NULL) {
        pool_ptr->nx_packet_pool_empty_requests++;
        board_irq_restore(primask);
        *packet_ptr = NX_NULL;
        return NX_NO_PACKET;
    }
    pool_ptr->nx_packet_pool_available_list = packet->nx_packet_queue_next;
    pool_ptr->nx_packet_pool_available--;
    board_irq_restore(primask);
    packet->nx_packet_union_next.nx_packet_tcp_queue_next = ALLOCATED_MARK;
    packet->nx_packet_next = NX_NULL;
    packet->nx_packet_last = NX_NULL;
    packet->nx_packet_queue_next = NX_NULL;
    packet->nx_packet_prepend_ptr = packet->nx_packet_data_start + packet_type;
    packet->nx_packet_append_ptr = packet->nx_packet_prepend_ptr;
    packet->nx_packet_length = 0;
    packet->nx_packet_ip_version = 0;
    *packet_ptr = packet;
    return NX_SUCCESS;
}

UINT _nxe_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type, ULONG wait_option)
{
    if (pool_ptr == NX_NULL || pool_ptr->nx_packet_pool_id != NX_PACKET_POOL_ID || packet_ptr == NX_NULL) {
        td_record.bad_calls++;
        return NX_PTR_ERROR;
    }
    return _nx_packet_allocate(pool_ptr, packet_ptr, packet_type, wait_option);
}

UINT _nx_packet_release(NX_PACKET *packet_ptr)
{
    while (packet_ptr != NX_NULL) {
        NX_PACKET *next = packet_ptr->nx_packet_next;
        NX_PACKET_POOL *pool = packet_ptr->nx_packet_pool_owner;
        uint32_t primask = board_irq_save();
        if (packet_ptr->nx_packet_union_next.nx_packet_tcp_queue_next != ALLOCATED_MARK) {
            pool->nx_packet_pool_invalid_releases++;
            board_irq_restore(primask);
            return NX_PTR_ERROR;
        }
        packet_ptr->nx_packet_union_next.nx_packet_tcp_queue_next = FREE_MARK;
        packet_ptr->nx_packet_queue_next = pool->nx_packet_pool_available_list;
        pool->nx_packet_pool_available_list = packet_ptr;
        pool->nx_packet_pool_available++;
        board_irq_restore(primask);
        packet_ptr = next;
    }
    return NX_SUCCESS;
}

UINT _nxe_packet_release(NX_PACKET **packet_ptr_ptr)
{
    if (packet_ptr_ptr == NX_NULL || *packet_ptr_ptr == NX_NULL) {
        td_record.bad_calls++;
        return NX_PTR_ERROR;
    }
    UINT status = _nx_packet_release(*packet_ptr_ptr);
    if (status == NX_SUCCESS)
        *packet_ptr_ptr = NX_NULL;
    return status;
}

UINT _nx_packet_transmit_release(NX_PACKET *packet_ptr)
{
    td_record.transmit_releases++;
    return _nx_packet_release(packet_ptr);
}

UINT _nxe_packet_transmit_release(NX_PACKET **packet_ptr_ptr)
{
    if (packet_ptr_ptr == NX_NULL || *packet_ptr_ptr == NX_NULL) {
        td_record.bad_calls++;
        return NX_PTR_ERROR;
    }
    UINT status = _nx_packet_transmit_release(*packet_ptr_ptr);
    if (status == NX_SUCCESS)
        *packet_ptr_ptr = NX_NULL;
    return status;
}

static int interface_ok(NX_IP *ip_ptr, UINT interface_index)
{
    if (ip_ptr == NX_NULL || ip_ptr->nx_ip_id != NX_IP_ID || interface_index >= NX_MAX_PHYSICAL_INTERFACES) {
        td_record.bad_calls++;
        return 0;
    }
    recorded_ip = ip_ptr;
    return 1;
}

UINT _nxe_ip_interface_mtu_set(NX_IP *ip_ptr, UINT interface_index, ULONG mtu_size)
{
    if (!interface_ok(ip_ptr, interface_index))
        return NX_PTR_ERROR;
    td_record.mtu_calls++;
    td_record.mtu = mtu_size;
    td_record.mtu_index = interface_index;
    ip_ptr->nx_ip_interface[interface_index].nx_interface_ip_mtu_size = mtu_size;
    return NX_SUCCESS;
}

UINT _nxe_ip_interface_physical_address_set(NX_IP *ip_ptr, UINT interface_index, ULONG physical_msw,
                                            ULONG physical_lsw, UINT update_driver)
{
    if (!interface_ok(ip_ptr, interface_index))
        return NX_PTR_ERROR;
    td_record.mac_calls++;
    td_record.mac_msw = physical_msw;
    td_record.mac_lsw = physical_lsw;
    td_record.mac_update_driver = update_driver;
    ip_ptr->nx_ip_interface[interface_index].nx_interface_physical_address_msw = physical_msw;
    ip_ptr->nx_ip_interface[interface_index].nx_interface_physical_address_lsw = physical_lsw;
    return NX_SUCCESS;
}

UINT _nxe_ip_interface_address_mapping_configure(NX_IP *ip_ptr, UINT interface_index, UINT mapping_needed)
{
    if (!interface_ok(ip_ptr, interface_index))
        return NX_PTR_ERROR;
    td_record.mapping_calls++;
    td_record.mapping_needed = mapping_needed;
    ip_ptr->nx_ip_interface[interface_index].nx_interface_address_mapping_needed = (UCHAR)mapping_needed;
    return NX_SUCCESS;
}

static void enqueue(queue_t *q, NX_IP *ip_ptr, NX_PACKET *packet_ptr)
{
    if (ip_ptr != recorded_ip || packet_ptr == NX_NULL ||
        packet_ptr->nx_packet_union_next.nx_packet_tcp_queue_next != ALLOCATED_MARK) {
        td_record.bad_calls++;
        return;
    }
    packet_ptr->nx_packet_queue_next = NX_NULL;
    uint32_t primask = board_irq_save();
    if (q->tail)
        q->tail->nx_packet_queue_next = packet_ptr;
    else
        q->head = packet_ptr;
    q->tail = packet_ptr;
    board_irq_restore(primask);
}

static NX_PACKET *dequeue(queue_t *q)
{
    uint32_t primask = board_irq_save();
    NX_PACKET *packet = q->head;
    if (packet) {
        q->head = packet->nx_packet_queue_next;
        if (q->head == NX_NULL)
            q->tail = NX_NULL;
        packet->nx_packet_queue_next = NX_NULL;
    }
    board_irq_restore(primask);
    return packet;
}

void _nx_ip_packet_deferred_receive(NX_IP *ip_ptr, NX_PACKET *packet_ptr)
{
    td_record.ip_received++;
    enqueue(&ip_queue, ip_ptr, packet_ptr);
}

void _nx_arp_packet_deferred_receive(NX_IP *ip_ptr, NX_PACKET *packet_ptr)
{
    td_record.arp_received++;
    enqueue(&arp_queue, ip_ptr, packet_ptr);
}

void _nx_ip_driver_deferred_processing(NX_IP *ip_ptr)
{
    if (ip_ptr != recorded_ip)
        td_record.bad_calls++;
    deferred_flag = 1;
}

NX_PACKET *td_ip_dequeue(void)
{
    return dequeue(&ip_queue);
}

NX_PACKET *td_arp_dequeue(void)
{
    return dequeue(&arp_queue);
}

int td_deferred_requested(void)
{
    uint32_t primask = board_irq_save();
    int flag = deferred_flag;
    deferred_flag = 0;
    board_irq_restore(primask);
    return flag;
}

int td_deferred_pending(void)
{
    return deferred_flag;
}
