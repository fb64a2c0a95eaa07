#!/bin/sh
# Flash cost of the engine's parts on Cortex-M4F (thumbv7em-none-eabihf,
# opt-level "s", LTO, panic=abort), each linked alone with --gc-sections
# (the wrapper's few dozen bytes included). Needs rustc-web, cargo-web,
# rust-web-src and gcc-arm-none-eabi.
set -e
cd "$(dirname "$0")"
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
T=thumbv7em-none-eabihf
/usr/bin/cargo build -q --release -Zbuild-std=core --target $T
lib=target/$T/release/libenginesize.a
for e in e_reply e_list e_uidl e_one e_capa e_pipe e_cmd; do
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -nostartfiles -nostdlib -Wl,--gc-sections \
    -Wl,-e,$e -Wl,--undefined=$e -o target/$e.elf $lib -lgcc
  printf "%-8s text=%5d rodata=%4d\n" $e \
    "$(arm-none-eabi-size -A target/$e.elf | awk '$1==".text"{print $2}')" \
    "$(arm-none-eabi-size -A target/$e.elf | awk '$1==".rodata"{print $2}')"
done
