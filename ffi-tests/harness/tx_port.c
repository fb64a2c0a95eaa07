#define _POSIX_C_SOURCE 200809L
/* ThreadX subset on POSIX threads (see tx_api.h). */
#include "tx_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TX_THREAD_ID 0x54485244UL

static __thread TX_THREAD *current_thread;
/* Inside tx_harness_isr_enter/exit: services do not suspend (tx_api.h). */
static __thread int in_isr;
static struct timespec epoch;
static pthread_once_t epoch_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t end_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t end_cond = PTHREAD_COND_INITIALIZER;
static int end_requested;
static UINT end_status;

/* Kernel state: 0 no kernel (a test with its own main: threads start at
   once), 1 inside tx_kernel_enter before tx_application_define returned
   (new threads wait), 2 running. */
static pthread_mutex_t kernel_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kernel_cond = PTHREAD_COND_INITIALIZER;
static int kernel_state;

static void epoch_init(void) { clock_gettime(CLOCK_MONOTONIC, &epoch); }

ULONG tx_time_get(VOID)
{
    struct timespec now;
    pthread_once(&epoch_once, epoch_init);
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(now.tv_sec - epoch.tv_sec) * 1000 + (now.tv_nsec - epoch.tv_nsec) / 1000000;
    return (ULONG)(ms / (1000 / TX_TIMER_TICKS_PER_SECOND));
}

static void deadline_after(struct timespec *ts, ULONG ticks)
{
    clock_gettime(CLOCK_REALTIME, ts);
    long long ns = (long long)ticks * (1000000000LL / TX_TIMER_TICKS_PER_SECOND);
    ts->tv_sec += (time_t)(ns / 1000000000LL);
    ts->tv_nsec += (long)(ns % 1000000000LL);
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *thread_trampoline(void *arg)
{
    TX_THREAD *t = (TX_THREAD *)arg;
    current_thread = t;
    /* Created during tx_application_define: run only once it has returned. */
    pthread_mutex_lock(&kernel_mutex);
    while (kernel_state == 1)
        pthread_cond_wait(&kernel_cond, &kernel_mutex);
    pthread_mutex_unlock(&kernel_mutex);
    t->tx_thread_entry(t->tx_thread_entry_input);
    return NULL;
}

UINT tx_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG entry_input),
                      ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                      UINT preempt_threshold, ULONG time_slice, UINT auto_start)
{
    pthread_attr_t attr;
    (void)stack_start;
    (void)stack_size;
    (void)time_slice;
    if (thread_ptr == NULL || entry_function == NULL)
        return TX_THREAD_ERROR;
    thread_ptr->tx_thread_id = TX_THREAD_ID;
    thread_ptr->tx_thread_name = name_ptr;
    thread_ptr->tx_thread_entry = entry_function;
    thread_ptr->tx_thread_entry_input = entry_input;
    thread_ptr->tx_thread_started = 0;
    thread_ptr->tx_thread_priority = priority;
    thread_ptr->tx_thread_preempt_threshold = preempt_threshold;
    if (!auto_start)
        return TX_SUCCESS;
    pthread_attr_init(&attr);
    /* Host threads get a real stack; the caller's stack area is not used. */
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    if (pthread_create(&thread_ptr->tx_thread_pthread, &attr, thread_trampoline, thread_ptr) != 0) {
        pthread_attr_destroy(&attr);
        return TX_THREAD_ERROR;
    }
    pthread_attr_destroy(&attr);
    thread_ptr->tx_thread_started = 1;
    return TX_SUCCESS;
}

UINT tx_thread_join(TX_THREAD *thread_ptr)
{
    if (thread_ptr == NULL || !thread_ptr->tx_thread_started)
        return TX_THREAD_ERROR;
    pthread_join(thread_ptr->tx_thread_pthread, NULL);
    thread_ptr->tx_thread_started = 0;
    return TX_SUCCESS;
}

UINT tx_thread_delete(TX_THREAD *thread_ptr)
{
    if (thread_ptr == NULL)
        return TX_THREAD_ERROR;
    if (thread_ptr->tx_thread_started && !pthread_equal(thread_ptr->tx_thread_pthread, pthread_self()))
        tx_thread_join(thread_ptr);
    thread_ptr->tx_thread_id = 0;
    return TX_SUCCESS;
}

UINT tx_thread_sleep(ULONG timer_ticks)
{
    struct timespec ts;
    if (in_isr)
        return TX_CALLER_ERROR;
    long long ns = (long long)timer_ticks * (1000000000LL / TX_TIMER_TICKS_PER_SECOND);
    ts.tv_sec = (time_t)(ns / 1000000000LL);
    ts.tv_nsec = (long)(ns % 1000000000LL);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return TX_SUCCESS;
}

TX_THREAD *tx_thread_identify(VOID) { return current_thread; }

UINT tx_thread_preemption_change(TX_THREAD *thread_ptr, UINT new_threshold, UINT *old_threshold)
{
    if (thread_ptr == NULL || thread_ptr->tx_thread_id != TX_THREAD_ID)
        return TX_THREAD_ERROR;
    if (old_threshold == NULL)
        return TX_PTR_ERROR;
    if (new_threshold > thread_ptr->tx_thread_priority)
        return TX_THRESH_ERROR;
    *old_threshold = thread_ptr->tx_thread_preempt_threshold;
    thread_ptr->tx_thread_preempt_threshold = new_threshold;
    return TX_SUCCESS;
}

UINT tx_semaphore_create(TX_SEMAPHORE *s, CHAR *name_ptr, ULONG initial_count)
{
    s->tx_semaphore_name = name_ptr;
    s->tx_semaphore_count = initial_count;
    pthread_mutex_init(&s->tx_semaphore_mutex, NULL);
    pthread_cond_init(&s->tx_semaphore_cond, NULL);
    return TX_SUCCESS;
}

UINT tx_semaphore_get(TX_SEMAPHORE *s, ULONG wait_option)
{
    struct timespec ts;
    UINT status = TX_SUCCESS;
    if (wait_option != TX_WAIT_FOREVER)
        deadline_after(&ts, wait_option);
    pthread_mutex_lock(&s->tx_semaphore_mutex);
    while (s->tx_semaphore_count == 0) {
        if (wait_option == TX_WAIT_FOREVER) {
            pthread_cond_wait(&s->tx_semaphore_cond, &s->tx_semaphore_mutex);
        } else if (wait_option == TX_NO_WAIT ||
                   pthread_cond_timedwait(&s->tx_semaphore_cond, &s->tx_semaphore_mutex, &ts) == ETIMEDOUT) {
            if (s->tx_semaphore_count == 0) {
                status = TX_NO_INSTANCE;
                break;
            }
        }
    }
    if (status == TX_SUCCESS)
        s->tx_semaphore_count--;
    pthread_mutex_unlock(&s->tx_semaphore_mutex);
    return status;
}

UINT tx_semaphore_put(TX_SEMAPHORE *s)
{
    pthread_mutex_lock(&s->tx_semaphore_mutex);
    s->tx_semaphore_count++;
    pthread_cond_signal(&s->tx_semaphore_cond);
    pthread_mutex_unlock(&s->tx_semaphore_mutex);
    return TX_SUCCESS;
}

UINT tx_semaphore_delete(TX_SEMAPHORE *s)
{
    pthread_cond_destroy(&s->tx_semaphore_cond);
    pthread_mutex_destroy(&s->tx_semaphore_mutex);
    return TX_SUCCESS;
}

UINT tx_mutex_create(TX_MUTEX *m, CHAR *name_ptr, UINT inherit)
{
    (void)inherit;
    m->tx_mutex_name = name_ptr;
    pthread_mutex_init(&m->tx_mutex_mutex, NULL);
    return TX_SUCCESS;
}

UINT tx_mutex_get(TX_MUTEX *m, ULONG wait_option)
{
    if (wait_option == TX_NO_WAIT)
        return pthread_mutex_trylock(&m->tx_mutex_mutex) == 0 ? TX_SUCCESS : TX_NOT_AVAILABLE;
    pthread_mutex_lock(&m->tx_mutex_mutex);
    return TX_SUCCESS;
}

UINT tx_mutex_put(TX_MUTEX *m)
{
    pthread_mutex_unlock(&m->tx_mutex_mutex);
    return TX_SUCCESS;
}

UINT tx_mutex_delete(TX_MUTEX *m)
{
    pthread_mutex_destroy(&m->tx_mutex_mutex);
    return TX_SUCCESS;
}

/* Weak, so a test with its own main() that never enters the kernel links
   without defining it. */
extern VOID tx_application_define(VOID *first_unused_memory) __attribute__((weak));
extern VOID test_application_define(VOID *first_unused_memory) __attribute__((weak));

/* The "first unused memory" handed to tx_application_define (the first
   half) and to test_application_define (the second half). */
#define FREE_MEMORY_BYTES (8 * 1024 * 1024)
static ULONG free_memory[FREE_MEMORY_BYTES / sizeof(ULONG)];

VOID test_control_return(UINT status)
{
    pthread_mutex_lock(&end_mutex);
    end_requested = 1;
    end_status = status;
    pthread_cond_broadcast(&end_cond);
    pthread_mutex_unlock(&end_mutex);
    /* When called from a thread, that thread stops here; tx_kernel_enter ends the process. */
    if (current_thread != NULL)
        pthread_exit(NULL);
}

VOID tx_kernel_enter(VOID)
{
    pthread_once(&epoch_once, epoch_init);
    pthread_mutex_lock(&kernel_mutex);
    kernel_state = 1;
    pthread_mutex_unlock(&kernel_mutex);
    if (tx_application_define != NULL)
        tx_application_define(free_memory);
    if (test_application_define != NULL)
        test_application_define(free_memory + sizeof(free_memory) / sizeof(free_memory[0]) / 2);
    /* Now the threads created so far run. */
    pthread_mutex_lock(&kernel_mutex);
    kernel_state = 2;
    pthread_cond_broadcast(&kernel_cond);
    pthread_mutex_unlock(&kernel_mutex);
    pthread_mutex_lock(&end_mutex);
    while (!end_requested)
        pthread_cond_wait(&end_cond, &end_mutex);
    pthread_mutex_unlock(&end_mutex);
    fflush(stdout);
    fflush(stderr);
    exit(end_status == 0 ? 0 : 1);
}

/* ---- Services the library's ThreadX port calls (src/port/nx_port_threadx.c) ---- */

#define TX_EVENTS_ID 0x4456444EUL

UINT tx_event_flags_create(TX_EVENT_FLAGS_GROUP *g, CHAR *name_ptr)
{
    if (g == NULL)
        return TX_GROUP_ERROR;
    g->tx_event_flags_group_id = TX_EVENTS_ID;
    g->tx_event_flags_group_name = name_ptr;
    g->tx_event_flags_group_current = 0;
    g->tx_event_flags_group_waiters = NULL;
    pthread_mutex_init(&g->tx_event_flags_group_mutex, NULL);
    pthread_cond_init(&g->tx_event_flags_group_cond, NULL);
    return TX_SUCCESS;
}

UINT tx_event_flags_delete(TX_EVENT_FLAGS_GROUP *g)
{
    if (g == NULL || g->tx_event_flags_group_id != TX_EVENTS_ID)
        return TX_GROUP_ERROR;
    g->tx_event_flags_group_id = 0;
    pthread_cond_destroy(&g->tx_event_flags_group_cond);
    pthread_mutex_destroy(&g->tx_event_flags_group_mutex);
    return TX_SUCCESS;
}

static ULONG flags_satisfied(ULONG current, ULONG requested, UINT option)
{
    ULONG got = current & requested;
    if ((option & TX_AND) == TX_AND)
        return got == requested ? got : 0;
    return got;
}

/* A thread suspended on an event flags group (lives on its stack). */
struct flags_waiter {
    ULONG requested;
    UINT option;
    int satisfied;
    ULONG actual;
    struct flags_waiter *next;
};

static void flags_unlink(TX_EVENT_FLAGS_GROUP *g, struct flags_waiter *w)
{
    struct flags_waiter **pp = (struct flags_waiter **)&g->tx_event_flags_group_waiters;
    while (*pp != NULL && *pp != w)
        pp = &(*pp)->next;
    if (*pp == w)
        *pp = w->next;
}

UINT tx_event_flags_get(TX_EVENT_FLAGS_GROUP *g, ULONG requested, UINT option, ULONG *actual, ULONG wait_option)
{
    struct timespec ts;
    struct flags_waiter w;
    UINT status = TX_SUCCESS;
    ULONG got;
    if (g == NULL || g->tx_event_flags_group_id != TX_EVENTS_ID)
        return TX_GROUP_ERROR;
    if (actual == NULL || requested == 0 || option > TX_AND_CLEAR)
        return TX_OPTION_ERROR;
    if (in_isr && wait_option != TX_NO_WAIT)
        return TX_WAIT_ERROR; /* ThreadX: no suspension from an ISR */
    pthread_mutex_lock(&g->tx_event_flags_group_mutex);
    got = flags_satisfied(g->tx_event_flags_group_current, requested, option);
    if (got) {
        *actual = g->tx_event_flags_group_current;
        if (option & 1) /* TX_OR_CLEAR, TX_AND_CLEAR */
            g->tx_event_flags_group_current &= ~requested;
        pthread_mutex_unlock(&g->tx_event_flags_group_mutex);
        return TX_SUCCESS;
    }
    if (wait_option == TX_NO_WAIT) {
        pthread_mutex_unlock(&g->tx_event_flags_group_mutex);
        return TX_NO_EVENTS;
    }
    if (wait_option != TX_WAIT_FOREVER)
        deadline_after(&ts, wait_option);
    /* Suspend: tx_event_flags_set decides for us, with the flags as set. */
    w.requested = requested;
    w.option = option;
    w.satisfied = 0;
    w.actual = 0;
    w.next = (struct flags_waiter *)g->tx_event_flags_group_waiters;
    g->tx_event_flags_group_waiters = &w;
    while (!w.satisfied) {
        if (wait_option == TX_WAIT_FOREVER) {
            pthread_cond_wait(&g->tx_event_flags_group_cond, &g->tx_event_flags_group_mutex);
        } else if (pthread_cond_timedwait(&g->tx_event_flags_group_cond, &g->tx_event_flags_group_mutex, &ts) ==
                       ETIMEDOUT &&
                   !w.satisfied) {
            flags_unlink(g, &w);
            status = TX_NO_EVENTS;
            break;
        }
    }
    if (status == TX_SUCCESS)
        *actual = w.actual;
    pthread_mutex_unlock(&g->tx_event_flags_group_mutex);
    return status;
}

UINT tx_event_flags_set(TX_EVENT_FLAGS_GROUP *g, ULONG flags, UINT set_option)
{
    struct flags_waiter **pp;
    ULONG snapshot, to_clear = 0;
    int woke = 0;
    if (g == NULL || g->tx_event_flags_group_id != TX_EVENTS_ID)
        return TX_GROUP_ERROR;
    if (set_option != TX_OR && set_option != TX_AND)
        return TX_OPTION_ERROR;
    pthread_mutex_lock(&g->tx_event_flags_group_mutex);
    if (set_option == TX_AND) {
        g->tx_event_flags_group_current &= flags;
        pthread_mutex_unlock(&g->tx_event_flags_group_mutex);
        return TX_SUCCESS;
    }
    g->tx_event_flags_group_current |= flags;
    /* Every suspended waiter is judged against the flags as set; clears
       requested by the ones satisfied are applied afterwards. */
    snapshot = g->tx_event_flags_group_current;
    pp = (struct flags_waiter **)&g->tx_event_flags_group_waiters;
    while (*pp != NULL) {
        struct flags_waiter *w = *pp;
        if (flags_satisfied(snapshot, w->requested, w->option)) {
            w->satisfied = 1;
            w->actual = snapshot;
            if (w->option & 1)
                to_clear |= w->requested;
            *pp = w->next;
            woke = 1;
        } else {
            pp = &w->next;
        }
    }
    g->tx_event_flags_group_current &= ~to_clear;
    if (woke)
        pthread_cond_broadcast(&g->tx_event_flags_group_cond);
    pthread_mutex_unlock(&g->tx_event_flags_group_mutex);
    return TX_SUCCESS;
}

/* The "interrupt lockout": one process-wide lock, held per thread. */
static pthread_mutex_t interrupt_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread UINT interrupt_posture = TX_INT_ENABLE;

UINT tx_interrupt_control(UINT new_posture)
{
    UINT old = interrupt_posture;
    if (new_posture == TX_INT_DISABLE && old == TX_INT_ENABLE)
        pthread_mutex_lock(&interrupt_mutex);
    else if (new_posture == TX_INT_ENABLE && old == TX_INT_DISABLE)
        pthread_mutex_unlock(&interrupt_mutex);
    interrupt_posture = new_posture == TX_INT_DISABLE ? TX_INT_DISABLE : TX_INT_ENABLE;
    return old;
}

/* Simulated interrupt context (tx_api.h). */
static __thread UINT isr_posture;

VOID tx_harness_isr_enter(VOID)
{
    isr_posture = tx_interrupt_control(TX_INT_DISABLE);
    in_isr = 1;
}

VOID tx_harness_isr_exit(VOID)
{
    in_isr = 0;
    tx_interrupt_control(isr_posture);
}

UINT tx_thread_terminate(TX_THREAD *thread_ptr)
{
    if (thread_ptr == NULL || thread_ptr->tx_thread_id != TX_THREAD_ID)
        return TX_THREAD_ERROR;
    if (thread_ptr->tx_thread_started && pthread_equal(thread_ptr->tx_thread_pthread, pthread_self()))
        pthread_exit(NULL);
    if (thread_ptr->tx_thread_started)
        tx_thread_join(thread_ptr);
    return TX_SUCCESS;
}
