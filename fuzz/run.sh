#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, one after the other,
# and fails if any target crashes (panic, failed invariant, ASan report,
# timeout or out-of-memory). Needs cargo-fuzz (`cargo install cargo-fuzz
# --locked`; 0.13.2 builds on stable) and uses the stable toolchain with
# RUSTC_BOOTSTRAP=1 for the nightly-only flags (-Zsanitizer=address,
# sanitizer coverage). Crashes land in fuzz/artifacts/<target>/; the
# growing corpus in fuzz/corpus/<target>/ (both git-ignored), started from
# the small seeds in fuzz/seeds/<target>/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(engine split parse_response pool walks api frames session)
fi
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run.sh: cargo-fuzz missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
cargo fuzz build
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    log="target/fuzz-$t.log"
    echo "== fuzz $t for ${secs}s"
    if cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^Done|stat::number_of_executed_units|stat::average_exec_per_sec' "$log" | sed 's/^/   /'
    else
        echo "   CRASH in $t (log: fuzz/$log)"
        grep -E 'panicked at|^SUMMARY|Test unit written' -A3 "$log" | head -20 | sed 's/^/   /'
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no crash"
