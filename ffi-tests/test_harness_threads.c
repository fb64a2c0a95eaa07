/* test_harness_threads: the host ThreadX harness behaves like ThreadX where
   NetX programs depend on it: a thread created inside tx_application_define
   (NetX's samples create theirs before the pools they use) runs only after
   tx_application_define has returned; printf works with only tx_api.h
   included; tx_thread_preemption_change answers as ThreadX does. */
#include "tx_api.h"

static TX_THREAD early_thread;
static volatile int define_returned;
static volatile int seen_by_thread = -1;
static int failures;

#define CHECK(c)                                                                                                  \
    do {                                                                                                          \
        if (!(c)) {                                                                                               \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                                                   \
            failures++;                                                                                           \
        }                                                                                                         \
    } while (0)

static void early_entry(ULONG input)
{
    UINT old = 99;
    (void)input;
    seen_by_thread = define_returned;
    /* Preemption threshold: the old one back, checks as in ThreadX. */
    CHECK(tx_thread_preemption_change(tx_thread_identify(), 0, &old) == TX_SUCCESS);
    CHECK(old == 5);
    CHECK(tx_thread_preemption_change(tx_thread_identify(), old, &old) == TX_SUCCESS);
    CHECK(old == 0);
    CHECK(tx_thread_preemption_change(tx_thread_identify(), 9, &old) == TX_THRESH_ERROR);
    CHECK(tx_thread_preemption_change(NULL, 0, &old) == TX_THREAD_ERROR);
    CHECK(tx_thread_preemption_change(tx_thread_identify(), 0, NULL) == TX_PTR_ERROR);
    CHECK(seen_by_thread == 1);
    printf("%s: a thread created in tx_application_define starts after it returns; preemption_change\n",
           failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

void tx_application_define(void *first_unused_memory)
{
    (void)first_unused_memory;
    CHECK(tx_thread_create(&early_thread, "early", early_entry, 0, first_unused_memory, 4096, 8, 5, TX_NO_TIME_SLICE,
                           TX_AUTO_START) == TX_SUCCESS);
    /* Long enough for a thread that started at once to run first. */
    tx_thread_sleep(20);
    define_returned = 1;
}

int main()
{
    tx_kernel_enter();
}
