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
} > BENCHMARKS.md
