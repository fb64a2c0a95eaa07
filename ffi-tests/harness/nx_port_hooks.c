/* The application hooks of the library's embedded ports, for host programs
   (the C tests and examples linked with build/threadx/ or a bare-metal host
   library). On a microcontroller the application writes its own. */
#define _POSIX_C_SOURCE 200809L
#include "tx_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Called on a library bug (never on bad input); must not return. */
VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line)
{
    fprintf(stderr, "nx_port_panic: %.*s:%lu\n", (int)file_length, file, (unsigned long)line);
    fflush(stderr);
    abort();
}

/* Bare-metal port: the tick clock (100 Hz, wraps at 2^32). On a board:
   a counter incremented by the SysTick handler. */
ULONG nx_port_ticks_get(VOID)
{
    static struct timespec epoch;
    struct timespec now;
    if (epoch.tv_sec == 0 && epoch.tv_nsec == 0)
        clock_gettime(CLOCK_MONOTONIC, &epoch);
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(now.tv_sec - epoch.tv_sec) * 1000 + (now.tv_nsec - epoch.tv_nsec) / 1000000;
    return (ULONG)(ms / 10);
}
