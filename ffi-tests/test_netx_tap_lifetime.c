/* The TAP driver's transmit against NX_LINK_UNINITIALIZE (issue 9, found by
   reading): frames leave the TAP driver only from calls inside the IP
   instance or from its helper thread, and nx_ip_delete sends
   NX_LINK_UNINITIALIZE (which frees the driver's state) only after both
   are done. Rounds of: an instance on the TAP, threads connecting to the
   host side of the TAP and dropping their sockets (ARP, SYN, RST,
   retransmissions), then the instance deleted at once, with a connect
   still in progress until just before. No crash, no use of freed memory
   (run under ASan and valgrind), every packet back.

   Needs a TAP interface: NX_TEST_TAP=<name> (host side 192.0.2.1/24, the
   instance takes 192.0.2.2). Without it the test says SKIP and passes, so
   `make ctest` runs it anywhere; to run it for real (root):
     ip netns add coretest && ip netns exec coretest sh -c \
       'ip link set lo up; ip tuntap add dev coretap0 mode tap; \
        ip addr add 192.0.2.1/24 dev coretap0; ip link set coretap0 up; \
        NX_TEST_TAP=coretap0 build/plain/test_netx_tap_lifetime'; ip netns del coretest */
#include "netx_test_common.h"

#define HOST_SIDE IP_ADDRESS(192, 0, 2, 1)
#define OURS IP_ADDRESS(192, 0, 2, 2)
#define THREADS 3
#define ROUNDS (slow_mode() ? 4 : 20)

static NODE node;
static volatile int stop;
static TX_THREAD workers[THREADS];
static volatile UINT worker_bad[THREADS];

static void worker_entry(ULONG i)
{
    while (!stop) {
        NX_TCP_SOCKET s;
        UINT st;
        /* On the stack, not zeroed: the checked create must not read it. */
        st = nx_tcp_socket_create(&node.ip, &s, "w", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1460, NULL, NULL);
        if (st != NX_SUCCESS) {
            worker_bad[i] = st;
            return;
        }
        if (nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_NO_WAIT) == NX_SUCCESS) {
            /* Port 9 on the host side: refused (RST) or, with a firewall,
               unanswered (SYN retransmissions from the helper thread). */
            st = nx_tcp_client_socket_connect(&s, HOST_SIDE, 9, (i % 2) ? NX_NO_WAIT : 2);
            if (st != NX_SUCCESS && st != NX_NOT_CONNECTED && st != NX_IN_PROGRESS)
                worker_bad[i] = st;
            nx_tcp_socket_disconnect(&s, NX_NO_WAIT);
            nx_tcp_client_socket_unbind(&s);
        }
        if ((st = nx_tcp_socket_delete(&s)) != NX_SUCCESS) {
            worker_bad[i] = st;
            return;
        }
    }
}

static TX_THREAD main_thread;

static void main_entry(ULONG input)
{
    const char *tap = getenv("NX_TEST_TAP");
    int f = failures, round, i;
    (void)input;
    if (tap == NULL) {
        printf("SKIP test_netx_tap_lifetime: set NX_TEST_TAP to a TAP interface (see the file's comment)\n");
        printf("PASS test_netx_tap_lifetime\n");
        test_control_return(0);
        return;
    }
    CHECK_EQ(nx_tap_network_driver_interface_set((CHAR *)tap), NX_SUCCESS);
    for (round = 0; round < ROUNDS && failures == f; round++) {
        UINT st = node_create(&node, "tap", OURS, 64, _nx_tap_network_driver);
        if (st != NX_SUCCESS) {
            printf("FAIL round %d: node_create 0x%x (errno %d)\n", round, st, nx_tap_network_driver_last_error());
            failures++;
            break;
        }
        stop = 0;
        for (i = 0; i < THREADS; i++)
            tx_thread_create(&workers[i], "w", worker_entry, (ULONG)i, NULL, 0, 1, 1, TX_NO_TIME_SLICE, TX_AUTO_START);
        tx_thread_sleep(5 + (ULONG)(round % 7));
        stop = 1;
        for (i = 0; i < THREADS; i++) {
            tx_thread_join(&workers[i]);
            CHECK_EQ(worker_bad[i], 0);
        }
        /* At once: the helper may be retransmitting, frames may be queued. */
        node_delete(&node);
    }
    report("TAP: transmit never runs after NX_LINK_UNINITIALIZE (rounds of traffic, then delete)", f);
    printf("%s test_netx_tap_lifetime\n", failures ? "FAIL" : "PASS");
    test_control_return(failures ? 1 : 0);
}

NETX_TEST_MAIN(main_thread, main_entry, 120)
