#!/bin/sh
# Installs what `make test` needs on a fresh Debian/Ubuntu machine, and
# nothing when it is all there already (so a second run is a few checks).
#
#   sh scripts/setup.sh          everything `make test` uses
#   sh scripts/setup.sh --check  only report what is missing (exit 1 if anything)
#
# apt packages need root (or sudo); cargo tools go to ~/.cargo/bin.
set -eu

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# command-or-file  package
apt_needs="
clang clang
valgrind valgrind
ip iproute2
python3 python3
/usr/lib/dovecot/pop3 dovecot-pop3d
/usr/sbin/pop3d mailutils-pop3d
arm-none-eabi-gcc gcc-arm-none-eabi
/usr/lib/arm-none-eabi/newlib/thumb/v7e-m+fp/hard/libc.a libnewlib-arm-none-eabi
qemu-system-arm qemu-system-arm
cmake cmake
ping iputils-ping
/usr/bin/rustc rustc-web
/usr/bin/cargo cargo-web
/usr/lib/rustlib/src/rust/library/core/Cargo.toml rust-web-src
"

missing=""
set -f
echo "$apt_needs" | { while read -r what pkg; do
    [ -n "$what" ] || continue
    case "$what" in
        /*) [ -e "$what" ] && continue ;;
        *) command -v "$what" >/dev/null 2>&1 && continue ;;
    esac
    printf '%s ' "$pkg"
done; } > /tmp/nx_setup_missing.$$ || true
missing=$(cat /tmp/nx_setup_missing.$$); rm -f /tmp/nx_setup_missing.$$

cargo_missing=""
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust) is required: https://rustup.rs"; exit 1; }
cargo clippy --version >/dev/null 2>&1 || cargo_missing="$cargo_missing clippy"
cbindgen --version 2>/dev/null | grep -q '0.29.2' || cargo_missing="$cargo_missing cbindgen"
cargo fuzz --version 2>/dev/null | grep -q '0.13.2' || cargo_missing="$cargo_missing cargo-fuzz"

if [ $check_only -eq 1 ]; then
    [ -z "$missing$cargo_missing" ] && { echo "setup: nothing missing"; exit 0; }
    echo "setup: missing apt packages: ${missing:-none}; cargo tools: ${cargo_missing:-none}"
    exit 1
fi

if [ -n "$missing" ]; then
    echo "setup: installing $missing"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
for t in $cargo_missing; do
    case $t in
        clippy) rustup component add clippy ;;
        cbindgen) echo "setup: installing cbindgen 0.29.2"; cargo install cbindgen --version 0.29.2 --locked --quiet ;;
        cargo-fuzz) echo "setup: installing cargo-fuzz 0.13.2"; cargo install cargo-fuzz --version 0.13.2 --locked --quiet ;;
    esac
done
echo "setup: ok"
