/* test_fault: the fault path works. Prints a line, then executes an
   undefined instruction; the HardFault handler must print the registers and
   end QEMU with BOARD_EXIT_FAULT (3). Returning 0 would mean the fault was
   missed. */
#include <stdio.h>

#include "board.h"

int main(void)
{
    printf("test_fault: ticks running: %s\n", "checking");
    uint32_t t0 = board_ticks();
    board_delay_ticks(5);
    printf("test_fault: 5 ticks waited (%lu -> %lu)\n", (unsigned long)t0, (unsigned long)board_ticks());
    fflush(stdout);
    __asm volatile("udf #0");
    printf("test_fault: FAIL: no fault\n");
    return 0;
}
