/* mps2-an386 startup: vector table, reset handler, fault handlers.

   Reset: enable the FPU (the program is built for the hard-float ABI), copy
   .data from its load address, zero .bss, start SysTick, open the semihosting
   handles, run the C constructors, then main(); main's return value becomes
   the QEMU exit status through semihosting (newlib's exit -> SYS_EXIT_EXTENDED).

   A HardFault (or any exception without a handler) prints the stacked
   registers and the fault status registers through semihosting and ends the
   run with BOARD_EXIT_FAULT: a fault can never hang a test. */
#include "board.h"

#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__;
extern uint32_t __StackTop;

int main(void);
void board_init(void);
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);
void _init(void);
void _fini(void);

void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);
void reset_c(void);
void hardfault_c(const uint32_t *frame, uint32_t exc_return);

/* Handlers the program may provide; unprovided ones fall into Default_Handler. */
#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void ETHERNET_IRQHandler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

#define IRQ_COUNT 32 /* AN386: 32 external interrupts */

__attribute__((section(".vectors"), used)) const vector_t vector_table[16 + IRQ_COUNT] = {
    (vector_t)&__StackTop,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    /* External interrupts 0-31; 13 is the Ethernet controller. */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 0-3: UART0/1 */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 4-7: UART2, GPIO */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 8-11: timers, dual timer, SPI */
    Default_Handler, ETHERNET_IRQHandler, Default_Handler, Default_Handler, /* 12: UART overflow, 13: Ethernet */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};
_Static_assert(BOARD_IRQ_ETHERNET == 13, "vector table places the Ethernet handler at IRQ 13");

/* No FPU instruction may run before CPACR grants access: done in assembly. */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm volatile("ldr r0, =0xE000ED88\n\t" /* CPACR */
                   "ldr r1, [r0]\n\t"
                   "orr r1, r1, #(0xF << 20)\n\t" /* CP10, CP11: full access */
                   "str r1, [r0]\n\t"
                   "dsb\n\t"
                   "isb\n\t"
                   "b reset_c\n\t"
                   ".ltorg");
}

void reset_c(void)
{
    uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__;)
        *dst++ = *src++;
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;)
        *dst++ = 0;
    *(volatile uint32_t *)0xE000ED08u = 0x00000000u; /* VTOR: the table above */
    board_init();
    initialise_monitor_handles();
    __libc_init_array();
    exit(main());
}

/* crti/crtn are not linked (-nostartfiles); __libc_init_array calls these. */
void _init(void) {}
void _fini(void) {}

static void print_reg(const char *name, uint32_t value)
{
    board_semihost_write0(name);
    board_semihost_write_hex(value);
    board_semihost_write0("\n");
}

void hardfault_c(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    board_semihost_write0((ipsr & 0x1FFu) == 3 ? "\n*** HardFault\n" : "\n*** unexpected exception\n");
    print_reg("  exception ", ipsr & 0x1FFu);
    print_reg("  pc   ", frame[6]);
    print_reg("  lr   ", frame[5]);
    print_reg("  xpsr ", frame[7]);
    print_reg("  r0   ", frame[0]);
    print_reg("  r1   ", frame[1]);
    print_reg("  r2   ", frame[2]);
    print_reg("  r3   ", frame[3]);
    print_reg("  r12  ", frame[4]);
    print_reg("  sp   ", (uint32_t)(uintptr_t)frame);
    print_reg("  EXC_RETURN ", exc_return);
    print_reg("  CFSR ", *(volatile uint32_t *)0xE000ED28u);
    print_reg("  HFSR ", *(volatile uint32_t *)0xE000ED2Cu);
    print_reg("  MMFAR ", *(volatile uint32_t *)0xE000ED34u);
    print_reg("  BFAR ", *(volatile uint32_t *)0xE000ED38u);
    board_semihost_exit(BOARD_EXIT_FAULT);
}

/* Pass the stacked frame (MSP or PSP, from EXC_RETURN bit 2) to hardfault_c. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov r1, lr\n\t"
                   "b hardfault_c");
}

__attribute__((naked)) void Default_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov r1, lr\n\t"
                   "b hardfault_c");
}

void NMI_Handler(void)
{
    board_semihost_write0("\n*** NMI\n");
    board_semihost_exit(BOARD_EXIT_FAULT);
}
