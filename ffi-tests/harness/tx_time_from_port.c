/* For the single-threaded tests on a board with the bare-metal port (no
   ThreadX): tx_time_get() from the application's tick hook. Includes no
   tx_api.h on purpose (the harness's one next to this file is for POSIX
   hosts); ULONG is uint32_t-sized on every NetX target. */
#include <stdint.h>

uint32_t nx_port_ticks_get(void);
uint32_t tx_time_get(void);

uint32_t tx_time_get(void)
{
    return nx_port_ticks_get();
}
