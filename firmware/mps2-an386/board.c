/* mps2-an386 board support: SysTick tick clock, NVIC, semihosting calls. */
#include "board.h"

#include <errno.h>
#include <stddef.h>

#define SYST_CSR   (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR   (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR   (*(volatile uint32_t *)0xE000E018u)
#define NVIC_ISER  ((volatile uint32_t *)0xE000E100u)
#define NVIC_ICER  ((volatile uint32_t *)0xE000E180u)
#define NVIC_ICPR  ((volatile uint32_t *)0xE000E280u)
#define SCB_SHPR3  (*(volatile uint32_t *)0xE000ED20u)

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* processor clock */

/* Semihosting operations (ARM "Semihosting for AArch32 and AArch64"). */
#define SH_SYS_WRITE0        0x04
#define SH_SYS_RENAME        0x0F
#define SH_SYS_EXIT          0x18
#define SH_SYS_EXIT_EXTENDED 0x20
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026

static volatile uint32_t tick_count;

extern uint32_t __StackLimit;
#define STACK_PAINT 0xC5AC5AC5u

void board_init(void);
void SysTick_Handler(void);

void board_init(void)
{
    /* SysTick from the 25 MHz processor clock, lowest priority. */
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (0xFFu << 24);
    SYST_RVR = BOARD_SYSCLK_HZ / BOARD_TICKS_PER_SEC - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void SysTick_Handler(void)
{
    tick_count++;
}

uint32_t board_ticks(void)
{
    return tick_count;
}

void board_delay_ticks(uint32_t ticks)
{
    uint32_t start = tick_count;
    while ((uint32_t)(tick_count - start) < ticks)
        __asm volatile("wfi");
}

/* newlib's heap (stdio buffers): from the end of .bss up to the stack's
   reserved area, never into it (semihosting's own _sbrk would let it grow up
   to the current stack pointer). */
void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    extern char end;
    static char *heap_end;
    if (heap_end == NULL)
        heap_end = &end;
    if (increment > (char *)&__StackLimit - heap_end || increment < &end - heap_end) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *previous = heap_end;
    heap_end += increment;
    return previous;
}

__attribute__((noinline)) uint32_t board_stack_mark(void)
{
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    /* Leave 64 bytes below this frame for the rest of this function. */
    for (volatile uint32_t *p = &__StackLimit; (uint32_t)(uintptr_t)p < sp - 64; p++)
        *p = STACK_PAINT;
    return sp;
}

uint32_t board_stack_used_since(uint32_t mark)
{
    const volatile uint32_t *p = &__StackLimit;
    while ((uint32_t)(uintptr_t)p < mark && *p == STACK_PAINT)
        p++;
    return mark > (uint32_t)(uintptr_t)p ? mark - (uint32_t)(uintptr_t)p : 0;
}

void board_irq_enable(int irqn)
{
    NVIC_ICPR[irqn >> 5] = 1u << (irqn & 31);
    NVIC_ISER[irqn >> 5] = 1u << (irqn & 31);
}

void board_irq_disable(int irqn)
{
    NVIC_ICER[irqn >> 5] = 1u << (irqn & 31);
    __asm volatile("dsb\n\tisb" ::: "memory");
}

static int semihost_call(int op, void *arg)
{
    register int r0 __asm("r0") = op;
    register void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_semihost_write0(const char *text)
{
    semihost_call(SH_SYS_WRITE0, (void *)text);
}

void board_semihost_write_hex(uint32_t value)
{
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++) {
        uint32_t nibble = (value >> (28 - 4 * i)) & 0xFu;
        buf[2 + i] = (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
    buf[10] = '\0';
    board_semihost_write0(buf);
}

static uint32_t length_of(const char *text)
{
    uint32_t n = 0;
    while (text[n] != '\0')
        n++;
    return n;
}

int board_semihost_rename(const char *from, const char *to)
{
    uint32_t block[4] = {(uint32_t)(uintptr_t)from, length_of(from), (uint32_t)(uintptr_t)to, length_of(to)};
    return semihost_call(SH_SYS_RENAME, block) == 0 ? 0 : -1;
}

void board_semihost_exit(int status)
{
    uint32_t block[2] = {SH_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihost_call(SH_SYS_EXIT_EXTENDED, block);
    /* A host without SYS_EXIT_EXTENDED: plain SYS_EXIT can only say success or not. */
    semihost_call(SH_SYS_EXIT, (void *)(uintptr_t)(status == 0 ? SH_ADP_STOPPED_APPLICATION_EXIT : 0x20023));
    for (;;)
        __asm volatile("wfi");
}
