/* mps2-an386 board support: tick clock, interrupts, semihosting exit.
   Used by the firmware programs; the NetX driver needs only the NVIC calls. */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#define BOARD_SYSCLK_HZ     25000000u /* MPS2 FPGA system clock (QEMU: SYSCLK_FRQ) */
#define BOARD_TICKS_PER_SEC 100u      /* NX_IP_PERIODIC_RATE: one tick is 10 ms */

/* Interrupt numbers of the AN386 image (CMSIS IRQn). */
#define BOARD_IRQ_ETHERNET  13

/* Exit statuses of the firmware programs (QEMU exits with them). */
#define BOARD_EXIT_OK       0
#define BOARD_EXIT_FAIL     1
#define BOARD_EXIT_FAULT    3

/* Ticks since reset, counted by SysTick at BOARD_TICKS_PER_SEC. */
uint32_t board_ticks(void);
/* Wait until `ticks` ticks have passed (sleeps with WFI between ticks). */
void board_delay_ticks(uint32_t ticks);

void board_irq_enable(int irqn);
void board_irq_disable(int irqn);

/* Interrupt masking around data shared with an interrupt handler.
   Returns the previous PRIMASK, to give back to board_irq_restore. */
#if defined(__arm__)
static inline uint32_t board_irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}
static inline void board_irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}
#else
/* Host builds of the driver tests: no interrupts to mask. */
static inline uint32_t board_irq_save(void)
{
    return 0;
}
static inline void board_irq_restore(uint32_t primask)
{
    (void)primask;
}
#endif

/* Stack measurement by painting: board_stack_mark() fills the unused stack
   below the caller with a pattern and returns the caller's stack pointer;
   board_stack_used_since(mark) says how many bytes below that point were
   used since (the deepest call made after the mark, interrupts included). */
uint32_t board_stack_mark(void);
uint32_t board_stack_used_since(uint32_t mark);

/* Semihosting, without newlib (safe in a fault handler). */
void board_semihost_write0(const char *text);
void board_semihost_write_hex(uint32_t value);
/* Renames a host file (SYS_RENAME); 0 on success. newlib's rename() cannot be
   used: this newlib build implements it with link/unlink, which semihosting lacks. */
int board_semihost_rename(const char *from, const char *to);
/* Ends the QEMU run with `status` (SYS_EXIT_EXTENDED). Does not return. */
void board_semihost_exit(int status) __attribute__((noreturn));

#endif /* BOARD_H */
