#!/bin/sh
# The layout limits are build settings of the library (issue 8): a program
# whose -D value differs from the library's must not compile; the same value
# must compile cleanly (-Werror). Checked against the default headers
# (include/, 40/20/75) and against build/fetch-lib (128/128/128, its
# generated nx_pop3_config.h first on the include path). A program compiled
# against one build's headers does not link with the other build.
#   sh ffi-tests/check_layout_limits.sh   (after `make fetch-lib`)
set -u
CC=${CC:-cc}
FETCH_INC=${FETCH_INC:-build/fetch-lib/include}
LIB=${LIB:-target/release/libnx_pop3_client.a}
FETCH_LIB=${FETCH_LIB:-build/fetch-lib/release/libnx_pop3_client.a}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

cat > "$tmp/early.c" <<'C'
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"
int main(void) { return (int)sizeof(NX_POP3_CLIENT) == 0; }
C
cat > "$tmp/late.c" <<'C'
#include "tx_api.h"
#include "nx_api.h"
#define NX_POP3_MAX_PASSWORD LATE_VALUE
#include "nxd_pop3_client.h"
int main(void) { return (int)sizeof(NX_POP3_CLIENT) == 0; }
C

cat > "$tmp/link.c" <<'C'
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"
NX_POP3_CLIENT client;
/* Only linked, never run. */
int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 100)
        return (int)nx_pop3_client_create(&client, NX_FALSE, NX_NULL, NX_NULL, 1, 110, "u", "p");
    return 0;
}
C

# link ok|error  description  library  flags...: compiled against the headers
# the flags select, linked with the library given.
link() {
    want=$1 what=$2 lib=$3
    shift 3
    if $CC -std=c11 -Wall -Wextra -Werror -o "$tmp/link" "$@" -Iinclude -Iffi-tests/harness "$tmp/link.c" \
        ffi-tests/harness/tx_port.c "$lib" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc > "$tmp/log" 2>&1
    then got=ok; else got=error; fi
    if [ "$got" = "$want" ] && { [ "$want" = ok ] || grep -q "settings_carry_layout" "$tmp/log"; }; then
        echo "PASS: $what"
    else
        echo "FAIL: $what (expected $want, got $got)"; sed 's/^/    /' "$tmp/log" | head -8
        fail=1
    fi
}

# expect ok|error  description  source  flags...
expect() {
    want=$1 what=$2 src=$3
    shift 3
    if $CC -std=c11 -Wall -Wextra -Werror -c -o "$tmp/x.o" "$@" -Iinclude -Iffi-tests/harness "$tmp/$src" \
        > "$tmp/log" 2>&1; then got=ok; else got=error; fi
    if [ "$got" = "$want" ] && { [ "$want" = ok ] || grep -q "differs from the library's" "$tmp/log"; }; then
        echo "PASS: $what"
    else
        echo "FAIL: $what (expected $want, got $got)"; sed 's/^/    /' "$tmp/log" | head -8
        fail=1
    fi
}

expect error "default library: -DNX_POP3_MAX_PASSWORD=64 is an error" early.c -DNX_POP3_MAX_PASSWORD=64
expect error "default library: -DNX_POP3_MAX_USERNAME=128 is an error" early.c -DNX_POP3_MAX_USERNAME=128
expect error "default library: -DNX_POP3_SERVER_PROCESS_ID_SIZE=80 is an error" early.c -DNX_POP3_SERVER_PROCESS_ID_SIZE=80
expect ok "default library: -DNX_POP3_MAX_PASSWORD=20 (its value) compiles" early.c -DNX_POP3_MAX_PASSWORD=20
expect ok "default library: no -D compiles" early.c
expect error "default library: NX_POP3_MAX_PASSWORD 64 defined after nx_api.h is an error" late.c -DLATE_VALUE=64
if [ -f "$FETCH_INC/nx_pop3_config.h" ]; then
    expect ok "128 library: -DNX_POP3_MAX_PASSWORD=128 compiles" early.c -I"$FETCH_INC" -DNX_POP3_MAX_PASSWORD=128 \
        -DNX_POP3_MAX_USERNAME=128 -DNX_POP3_SERVER_PROCESS_ID_SIZE=128
    expect error "128 library: -DNX_POP3_MAX_PASSWORD=20 is an error" early.c -I"$FETCH_INC" -DNX_POP3_MAX_PASSWORD=20
    expect error "128 library: NX_POP3_MAX_PASSWORD 20 after nx_api.h is an error" late.c -I"$FETCH_INC" -DLATE_VALUE=20
    link ok "default headers link with the default library" "$LIB"
    link ok "128 headers link with the 128 library" "$FETCH_LIB" -I"$FETCH_INC"
    link error "default headers with the 128 library: link error" "$FETCH_LIB"
    link error "128 headers with the default library: link error" "$LIB" -I"$FETCH_INC"
else
    echo "FAIL: $FETCH_INC/nx_pop3_config.h missing (make fetch-lib)"; fail=1
fi
exit $fail
