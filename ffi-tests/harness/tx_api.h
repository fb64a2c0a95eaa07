/* A ThreadX subset on POSIX threads, for host tests and examples.
   Not part of the library: real targets use ThreadX's own tx_api.h. */
#ifndef TX_API_H
#define TX_API_H

#include <stdint.h>
#include <pthread.h>
/* ThreadX's ports include the C library headers their users rely on: NetX
   programs call printf and memcpy after including only tx_api.h and nx_api.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VOID void
typedef char CHAR;
typedef unsigned char UCHAR;
typedef int INT;
typedef unsigned int UINT;
typedef uint32_t ULONG; /* 32 bits, as on every NetX port */
typedef unsigned short USHORT;

#define TX_SUCCESS 0x00
#define TX_NO_WAIT 0
#define TX_WAIT_FOREVER 0xFFFFFFFFUL
#define TX_AUTO_START 1
#define TX_DONT_START 0
#define TX_NO_TIME_SLICE 0
#define TX_TIMER_TICKS_PER_SECOND 100
#define TX_THREAD_ERROR 0x0E
#define TX_THRESH_ERROR 0x18
#define TX_PTR_ERROR 0x03
#define TX_MAX_PRIORITIES 32
#define TX_NO_INSTANCE 0x0D
#define TX_NOT_AVAILABLE 0x1D
#define TX_INHERIT 1
#define TX_NO_INHERIT 0
#define TX_OR 0
#define TX_OR_CLEAR 1
#define TX_AND 2
#define TX_AND_CLEAR 3

typedef struct TX_THREAD_STRUCT {
    ULONG tx_thread_id;
    CHAR *tx_thread_name;
    VOID (*tx_thread_entry)(ULONG);
    ULONG tx_thread_entry_input;
    pthread_t tx_thread_pthread;
    UINT tx_thread_started;
    UINT tx_thread_priority;
    UINT tx_thread_preempt_threshold;
} TX_THREAD;

typedef struct TX_SEMAPHORE_STRUCT {
    CHAR *tx_semaphore_name;
    ULONG tx_semaphore_count;
    pthread_mutex_t tx_semaphore_mutex;
    pthread_cond_t tx_semaphore_cond;
} TX_SEMAPHORE;

typedef struct TX_MUTEX_STRUCT {
    CHAR *tx_mutex_name;
    pthread_mutex_t tx_mutex_mutex;
} TX_MUTEX;

UINT tx_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG entry_input),
                      ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                      UINT preempt_threshold, ULONG time_slice, UINT auto_start);
UINT tx_thread_delete(TX_THREAD *thread_ptr);
UINT tx_thread_sleep(ULONG timer_ticks);
/* Records the thread's preemption threshold and returns the old one in
   *old_threshold (TX_THRESH_ERROR above its priority, TX_THREAD_ERROR for a
   NULL thread, as ThreadX). On the host it does not stop other threads: code
   that disables preemption to protect data must also be thread-safe. */
UINT tx_thread_preemption_change(TX_THREAD *thread_ptr, UINT new_threshold, UINT *old_threshold);
TX_THREAD *tx_thread_identify(VOID);
ULONG tx_time_get(VOID);
VOID tx_kernel_enter(VOID);
/* Waits for a thread created by tx_thread_create to return (host only). */
UINT tx_thread_join(TX_THREAD *thread_ptr);

UINT tx_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count);
UINT tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option);
UINT tx_semaphore_put(TX_SEMAPHORE *semaphore_ptr);
UINT tx_semaphore_delete(TX_SEMAPHORE *semaphore_ptr);
UINT tx_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit);
UINT tx_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option);
UINT tx_mutex_put(TX_MUTEX *mutex_ptr);
UINT tx_mutex_delete(TX_MUTEX *mutex_ptr);

/* Supplied by the application, called by tx_kernel_enter. As with ThreadX,
   threads created (with TX_AUTO_START) before it returns start running only
   once it has returned; outside tx_kernel_enter they start at once. */
VOID tx_application_define(VOID *first_unused_memory);

/* Host only, optional (weak): a second module of a test program may define it
   to create its own objects; tx_kernel_enter calls it right after
   tx_application_define (threads still held), with memory of its own. */
VOID test_application_define(VOID *first_unused_memory);

/* Test control: ends the process with status 0 (pass) or 1 (fail) once every
   thread is done. tx_kernel_enter returns only through this. */
VOID test_control_return(UINT status);

/* ---- Services the library's ThreadX port calls (src/port/nx_port_threadx.c) ---- */
#define TX_DELETED 0x01
#define TX_WAIT_ERROR 0x04
#define TX_NO_EVENTS 0x07
#define TX_OPTION_ERROR 0x08
#define TX_GROUP_ERROR 0x06
#define TX_CALLER_ERROR 0x13
#define TX_INT_DISABLE 1
#define TX_INT_ENABLE 0

typedef struct TX_EVENT_FLAGS_GROUP_STRUCT {
    ULONG tx_event_flags_group_id;
    CHAR *tx_event_flags_group_name;
    ULONG tx_event_flags_group_current;
    pthread_mutex_t tx_event_flags_group_mutex;
    pthread_cond_t tx_event_flags_group_cond;
    VOID *tx_event_flags_group_waiters; /* suspended threads (host) */
} TX_EVENT_FLAGS_GROUP;

UINT tx_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr);
UINT tx_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr);
/* Every waiter whose request the flags satisfy at the moment of a set wakes,
   even if an earlier one clears them (ThreadX evaluates the suspended
   threads against the flags as set). Unlike ThreadX, any host thread may
   wait (a test's main() is not a ThreadX thread). */
UINT tx_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option,
                        ULONG *actual_flags_ptr, ULONG wait_option);
UINT tx_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option);
/* Interrupts do not exist on the host: TX_INT_DISABLE takes one process-wide
   lock (held per thread, nesting), TX_INT_ENABLE releases it; returns the
   calling thread's previous posture. */
UINT tx_interrupt_control(UINT new_posture);
/* Interrupt context, simulated (harness only, not ThreadX API): between
   tx_harness_isr_enter and tx_harness_isr_exit the calling thread runs as
   an interrupt handler does: interrupts masked (the lock above is held, so
   no other thread is inside a critical section meanwhile), and a service
   that would suspend returns at once as ThreadX answers from an ISR:
   tx_event_flags_get with a wait gives TX_WAIT_ERROR, tx_thread_sleep
   TX_CALLER_ERROR. Unlike a real interrupt, other threads keep running
   outside critical sections: a thread may be in the middle of anything
   else (holding a lock that is not interrupt-safe, for one), which is what
   such a test is after. Not nested. */
VOID tx_harness_isr_enter(VOID);
VOID tx_harness_isr_exit(VOID);
/* The host cannot stop a thread from outside: waits for it to end (the
   library terminates only threads whose entry has returned). */
UINT tx_thread_terminate(TX_THREAD *thread_ptr);

#ifdef __cplusplus
}
#endif

#endif /* TX_API_H */
