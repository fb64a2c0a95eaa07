/* Paints the bare-metal port's service stack (smoltcp's poll runs there,
   port::run_on_stack) and reports its deepest use when the instance is
   deleted. Linked into the POP3 firmware with
   -Wl,--wrap=_nxe_ip_create,--wrap=_nxe_ip_delete by
   bench/m4/service_stack.py; prints "service stack use: N of M bytes".
   Layout (src/netx/ip.rs, Layout::carve): the service stack is the first
   thing carved on bare metal (the thread slot is empty there), at the
   area's start rounded up to 8 bytes, SERVICE_STACK_BYTES long. */
#include <stdint.h>
#include <stdio.h>
#include "tx_api.h"
#include "nx_api.h"

#define SERVICE_STACK_BYTES 3072u /* port::SERVICE_STACK */
#define PAINT 0xA5A5A5A5u

static uint32_t *svc_base;

UINT __real__nxe_ip_create(NX_IP *ip, CHAR *name, ULONG ip_address, ULONG network_mask, NX_PACKET_POOL *pool,
                           NX_IP_DRIVER_ENTRY driver, VOID *memory_ptr, ULONG memory_size, UINT priority,
                           UINT ip_control_block_size);
UINT __real__nxe_ip_delete(NX_IP *ip);

UINT __wrap__nxe_ip_create(NX_IP *ip, CHAR *name, ULONG ip_address, ULONG network_mask, NX_PACKET_POOL *pool,
                           NX_IP_DRIVER_ENTRY driver, VOID *memory_ptr, ULONG memory_size, UINT priority,
                           UINT ip_control_block_size)
{
    uintptr_t a = ((uintptr_t)memory_ptr + 7u) & ~(uintptr_t)7u;
    if (memory_ptr != NULL && memory_size >= SERVICE_STACK_BYTES + 8u) {
        svc_base = (uint32_t *)a;
        for (unsigned i = 0; i < SERVICE_STACK_BYTES / 4u; i++)
            svc_base[i] = PAINT;
    }
    return __real__nxe_ip_create(ip, name, ip_address, network_mask, pool, driver, memory_ptr, memory_size, priority,
                                 ip_control_block_size);
}

UINT __wrap__nxe_ip_delete(NX_IP *ip)
{
    if (svc_base != NULL) {
        unsigned untouched = 0;
        while (untouched < SERVICE_STACK_BYTES / 4u && svc_base[untouched] == PAINT)
            untouched++;
        printf("service stack use: %u of %u bytes\n", SERVICE_STACK_BYTES - untouched * 4u, SERVICE_STACK_BYTES);
        fflush(stdout);
    }
    return __real__nxe_ip_delete(ip);
}
