/* nx_port_threadx.c: the ThreadX services the nx_pop3_client library's
   ThreadX port (cargo feature `port-threadx`) calls.

   Compile this one file with your application, against YOUR tx_api.h (and
   tx_user.h / tx_port.h):

       arm-none-eabi-gcc -c -I<threadx>/common/inc -I<threadx>/ports/<port>/inc \
           src/port/nx_port_threadx.c

   Why a C file: ThreadX defines its services as macros (tx_event_flags_create
   is _txe_event_flags_create(..., sizeof(TX_EVENT_FLAGS_GROUP)) with error
   checking and _tx_event_flags_create with TX_DISABLE_ERROR_CHECKING), and
   the size of each control block depends on your configuration. This file follows your
   configuration, and the _Static_asserts below stop the build if a control
   block is larger than the room the library reserves for it.

   Forgetting this file fails at link time (undefined nx_port_tx_...).
   The library also needs one function from the application:
       VOID nx_port_panic(const CHAR *file, ULONG file_length, ULONG line);
   called on a library bug (never on bad input); it must not return. */

#include "tx_api.h"

/* Room the library reserves per control block, in pointer-sized words.
   Kept equal to the constants in src/port/threadx.rs by a unit test. */
#define NX_PORT_TX_FLAGS_WORDS 20
#define NX_PORT_TX_THREAD_WORDS 96
#define NX_PORT_TX_ALIGN 8

_Static_assert(sizeof(TX_EVENT_FLAGS_GROUP) <= NX_PORT_TX_FLAGS_WORDS * sizeof(void *),
               "TX_EVENT_FLAGS_GROUP is larger than nx_pop3_client's ThreadX port reserves (NX_PORT_TX_FLAGS_WORDS)");
_Static_assert(sizeof(TX_THREAD) <= NX_PORT_TX_THREAD_WORDS * sizeof(void *),
               "TX_THREAD is larger than nx_pop3_client's ThreadX port reserves (NX_PORT_TX_THREAD_WORDS)");
_Static_assert(_Alignof(TX_EVENT_FLAGS_GROUP) <= NX_PORT_TX_ALIGN && _Alignof(TX_THREAD) <= NX_PORT_TX_ALIGN,
               "a ThreadX control block needs more than 8-byte alignment");
_Static_assert(sizeof(ULONG) == 4 && sizeof(UINT) == 4, "ULONG and UINT must be 32 bits");

static CHAR nx_port_name[] = "nx_port";

UINT nx_port_tx_flags_create(VOID *group)
{
    return tx_event_flags_create((TX_EVENT_FLAGS_GROUP *)group, nx_port_name);
}

/* Waits for any of `requested` and clears the ones that satisfied it. */
UINT nx_port_tx_flags_get(VOID *group, ULONG requested, ULONG wait_option)
{
    ULONG actual;
    return tx_event_flags_get((TX_EVENT_FLAGS_GROUP *)group, requested, TX_OR_CLEAR, &actual, wait_option);
}

/* and_mask 0: OR `flags` in (wakes waiters); 1: AND `flags` (clears the others). */
UINT nx_port_tx_flags_set(VOID *group, ULONG flags, UINT and_mask)
{
    return tx_event_flags_set((TX_EVENT_FLAGS_GROUP *)group, flags, and_mask ? TX_AND : TX_OR);
}

UINT nx_port_tx_thread_create(VOID *thread, CHAR *name, VOID (*entry)(ULONG), VOID *stack, ULONG stack_size,
                              UINT priority)
{
    return tx_thread_create((TX_THREAD *)thread, name, entry, 0, stack, stack_size, priority, priority,
                            TX_NO_TIME_SLICE, TX_AUTO_START);
}

UINT nx_port_tx_thread_terminate(VOID *thread)
{
    return tx_thread_terminate((TX_THREAD *)thread);
}

UINT nx_port_tx_thread_delete(VOID *thread)
{
    return tx_thread_delete((TX_THREAD *)thread);
}

VOID *nx_port_tx_thread_identify(VOID)
{
    return (VOID *)tx_thread_identify();
}

UINT nx_port_tx_thread_sleep(ULONG ticks)
{
    return tx_thread_sleep(ticks);
}

ULONG nx_port_tx_time_get(VOID)
{
    return tx_time_get();
}

UINT nx_port_tx_interrupt_disable(VOID)
{
    return tx_interrupt_control(TX_INT_DISABLE);
}

VOID nx_port_tx_interrupt_restore(UINT posture)
{
    (VOID) tx_interrupt_control(posture);
}

ULONG nx_port_tx_ticks_per_second(VOID)
{
    return (ULONG)TX_TIMER_TICKS_PER_SECOND;
}
