#!/bin/sh
# make bench: prints a table, then key=value lines (the last lines), and
# records both with the date in BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build
cargo run --quiet --release --example bench > build/bench-rust.txt
./scripts/pop3-text-size.sh > build/bench-size.txt
{
    grep -v '=' build/bench-rust.txt
    grep -v '=' build/bench-size.txt
    echo "pop3_text_bytes: scripts/pop3-text-size.sh (profile 'size', opt-level \"s\", --gc-sections, code symbols the POP3 services add)"
    grep '=' build/bench-rust.txt
    grep '=' build/bench-size.txt
} > build/bench.txt
cat build/bench.txt
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) ($(uname -m), $(nproc) cpus). Medians of 5 runs."
    echo "Targets (issue 5): engine_mb_s >= 1500, e2e_mb_s_w1460 >= 100, e2e_mb_s_w65535 >= 300,"
    echo "steady_state_allocs = 0, pop3_text_bytes <= 6000, sizeof_nx_pop3_client <= 1024."
    echo
    echo '```'
    cat build/bench.txt
    echo '```'
    echo
    echo "## Where the POP3 client's code bytes go (pop3_text_bytes)"
    echo
    echo '```'
    python3 scripts/text-breakdown.py build/size/added.syms
    echo '```'
    echo
    echo "NetX Duo's 5.6 KB POP3 object does not contain its MD5 (nx_md5.c is a separate object)."
    echo
    # MD5 decision (issue 10 item 6): measured once on Cortex-M4 by bench/md5size/build.sh.
    cat bench/md5size/RESULT.md
    echo
    echo "## Other figures (separate commands)"
    echo
    echo "- TCP alone, 64 MiB one way between two IP instances on the RAM driver:"
    echo "  \`cargo run --release --example tcp_throughput\`."
    echo "- pop3_fetch against Dovecot over a TAP device, compared with Python's poplib:"
    echo "  \`python3 interop/bench.py --client build/pop3_fetch\` (root; creates its own namespace)."
    echo
    # Measured by their own commands (each file says which), kept here as written.
    cat bench/pop3_fetch.md
    echo
    cat fuzz/RESULT.md
} > BENCHMARKS.md

# ---------------------------------------------------------------- Cortex-M4 (issue 10 items 6-7, issue 11)
# Cortex-M4 figures (issue 10 items 6-7): flash and RAM of the thumb library
# (bench/m4/m4_size.py), the deepest stack of a POP3 call by painting in the
# firmware against Dovecot (bench/m4/firmware_stack.py, root), the firmware
# image per origin and QEMU download rates (make firmware-bench; emulator
# figures). Appends a section to BENCHMARKS.md; prints the table, then the
# m4_* key=value lines last.
m4_kv=build/bench-m4-kv.txt
: > "$m4_kv"
if make -s firmware-lib firmware-app firmware-app-m4ram > build/bench-m4-build.log 2>&1 && [ -f build/firmware/pop3_app.elf ]; then
    python3 bench/m4/m4_size.py --markdown > build/bench-m4-size.txt
    grep -E '^[a-z0-9_]+=' build/bench-m4-size.txt >> "$m4_kv"
    if [ "$(id -u)" -ne 0 ]; then
        echo "stack not measured (needs root, Dovecot and QEMU)" > build/bench-m4-stack.txt
    elif python3 bench/m4/firmware_stack.py --elf build/firmware/pop3_app.elf \
            --small-elf build/firmware/pop3_app_m4ram.elf \
            > build/bench-m4-stack.txt 2> build/bench-m4-stack.log; then
        grep -E '^[a-z0-9_]+=' build/bench-m4-stack.txt >> "$m4_kv"
    else
        echo "FAILED: bench/m4/firmware_stack.py (build/bench-m4-stack.log); no m4_max_stack_bytes" >> build/bench-m4-stack.txt
    fi
    if [ "$(id -u)" -eq 0 ] && make -s firmware-bench > build/bench-m4-fw.txt 2>&1; then
        awk '/^1 MiB message/ { print "m4_qemu_1mib_mb_s=" $(NF-2) }' build/bench-m4-fw.txt >> "$m4_kv"
    fi
    {
        echo
        echo "## Cortex-M4 (issue 10 items 6-7, issue 11)"
        echo
        echo "Written by \`make bench\` from \`make firmware-lib\`'s bare-metal library; commands:"
        echo "\`python3 bench/m4/m4_size.py --markdown\`, \`python3 bench/m4/firmware_stack.py --elf build/firmware/pop3_app.elf\`"
        echo "(root), \`make firmware-bench\` (root)."
        echo
        grep -Ev '^[a-z0-9_]+=' build/bench-m4-size.txt
        echo
        echo "Targets (issue 10): POP3 client .text <= 6,000 B without MD5, <= 8,000 B with it; stack <= 2,048 B."
        echo
        echo "### Stack (deepest POP3 call, painted, firmware in QEMU against Dovecot)"
        echo
        echo "On the bare-metal port each POP3 call runs the client, the TCP/IP stack and the LAN9118"
        echo "driver's deferred processing inline on the caller's stack (interrupt frames included)."
        echo "The TCP services the client calls (connect, send, receive, disconnect) run inside these calls."
        echo "Per call: the deepest use over all runs. The minimal-memory run proves m4_ram_bytes_one_client:"
        echo "the firmware with exactly that memory (make firmware-app-m4ram) downloads the maildrop."
        echo
        echo '```'
        cat build/bench-m4-stack.txt
        echo '```'
        echo
        echo "Which frames make it: \`python3 bench/m4/stack_graph.py\` (rustc -Z emit-stack-sizes frames, direct"
        echo "calls from the disassembly; indirect calls such as the driver entry not followed):"
        echo
        echo '```'
        if python3 bench/m4/stack_graph.py --top 12 > build/bench-m4-graph.txt 2> build/bench-m4-graph.log; then
            cat build/bench-m4-graph.txt
        else
            echo "(stack_graph.py failed: build/bench-m4-graph.log)"
        fi
        echo '```'
        echo
        # ThreadX port on Cortex-M (static): smoltcp's poll on the service stack.
        echo "### Stack on the ThreadX port (static, Cortex-M4)"
        echo
        echo "\`python3 bench/m4/stack_graph.py --port threadx\` (the ThreadX thumb library; no ThreadX on Cortex-M"
        echo "here, so not painted). smoltcp's poll runs on the instance's 3,072-byte service stack as on bare"
        echo "metal; the helper thread's figure is its own loop (driver and application callbacks not included)."
        echo
        echo '```'
        if python3 bench/m4/stack_graph.py --port threadx --top 0 > build/bench-m4-graph-tx.txt 2> build/bench-m4-graph-tx.log; then
            sed -n '/^Deepest/,/^$/p; /^helper thread/p; /^service stack/p' build/bench-m4-graph-tx.txt
        else
            echo "(stack_graph.py --port threadx failed: build/bench-m4-graph-tx.log)"
        fi
        echo '```'
        echo
        echo "### Firmware image per origin and download rate in QEMU (emulator figures)"
        echo
        echo "\`make firmware-bench\`: build/firmware/pop3_app.elf (mps2-an386, LAN9118 driver in C); rates from"
        echo "QEMU 7.2 TCG on a shared 2-core machine: not a hardware figure."
        echo
        if [ -s build/bench-m4-fw.txt ]; then
            grep '^|' build/bench-m4-fw.txt
            echo
            echo '```'
            sed -n '/^Dovecot, median/,$p' build/bench-m4-fw.txt
            echo '```'
        else
            echo "(not run: needs root)"
        fi
    } >> BENCHMARKS.md
    grep -Ev '^[a-z0-9_]+=' build/bench-m4-size.txt | sed -n '1,/^Where/p' | grep -v '^Where'
    cat build/bench-m4-stack.txt | grep -Ev '^[a-z0-9_]+='
else
    echo "Cortex-M4 figures not measured: make firmware-lib firmware-app failed (build/bench-m4-build.log)"
fi
cat "$m4_kv"
