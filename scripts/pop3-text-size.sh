#!/bin/sh
# pop3_text_bytes: the machine code the POP3 client adds to a linked C program.
#
# Builds the library with the `size` profile (release, opt-level "s"), links
# two programs with --gc-sections: bench/size_base.c uses the NetX services
# the client needs (pool, IP, TCP client socket); bench/size_pop3.c is the same
# plus every POP3 service. The difference of their .text sections is the
# engine, the client, its FFI layer and the MD5 code they pull in.
set -eu
cd "$(dirname "$0")/.."
CC=${CC:-cc}
out=build/size
mkdir -p "$out"
cargo build --quiet --profile size --lib
lib=target/size/libnx_pop3_client.a
libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
for p in base pop3; do
    $CC -Os -ffunction-sections -fdata-sections -Wl,--gc-sections -Iinclude -Iffi-tests/harness \
        -o "$out/size_$p" "bench/size_$p.c" "$lib" $libs
done
text() { size -A "$1" | awk '$1 == ".text" { print $2 }'; }
base=$(text "$out/size_base")
pop3=$(text "$out/size_pop3")
echo "text bytes: base=$base with_pop3=$pop3"
echo "pop3_text_bytes=$((pop3 - base))"
