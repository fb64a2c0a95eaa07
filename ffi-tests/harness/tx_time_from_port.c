/* For the single-threaded tests on a board with the bare-metal port (no
   ThreadX): tx_time_get() from the application's tick hook. */
#include "tx_api.h"

ULONG nx_port_ticks_get(VOID);

ULONG tx_time_get(VOID)
{
    return nx_port_ticks_get();
}
