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
# Code symbols present only in the POP3 program, except main (the caller's
# own code, not the library's).
syms() { nm -S --size-sort "$1" | awk '$3 ~ /^[tTwW]$/ && $4 != "main" { print $4, $2 }' | sort; }
syms "$out/size_base" > "$out/base.syms"
syms "$out/size_pop3" > "$out/pop3.syms"
join -v 2 "$out/base.syms" "$out/pop3.syms" > "$out/added.syms"
total=0; md5=0
while read -r name hex; do
    n=$((0x$hex)); total=$((total + n))
    case "$name" in *md5*|*Md5*) md5=$((md5 + n)) ;; esac
done < "$out/added.syms"
echo "text bytes added by the POP3 client: $total (of which MD5: $md5; symbols in $out/added.syms)"
echo "pop3_text_bytes=$total"
