/* The application hooks the library's bare-metal port calls (names as the
   embedded build defines them, issue 10): the tick clock and the panic hook.
   Linked into the POP3 firmware; the driver self-test does not need them. */
#include "tx_api.h"

#include "board.h"

ULONG nx_port_ticks_get(VOID);
VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line);

/* The tick clock: 100 Hz from SysTick, wrapping at 2^32. */
ULONG nx_port_ticks_get(VOID)
{
    return board_ticks();
}

/* A library bug (never bad input): report where, end the run. Must not return. */
VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line)
{
    char name[96];
    ULONG n = file_length < sizeof(name) - 1 ? file_length : sizeof(name) - 1;
    for (ULONG i = 0; i < n; i++)
        name[i] = file[i];
    name[n] = '\0';
    board_semihost_write0("\n*** nx_port_panic: ");
    board_semihost_write0(name);
    board_semihost_write0(" line ");
    board_semihost_write_hex(line);
    board_semihost_write0("\n");
    board_semihost_exit(BOARD_EXIT_FAULT);
}
