#!/bin/sh
# Builds md5size for Cortex-M4F with each MD5 variant and profile; prints the
# linked ELF's .text/.rodata and the MD5 symbols. Needs the Debian packages
# rustc-web, cargo-web, rust-web-src and gcc-arm-none-eabi.
set -e
cd "$(dirname "$0")"
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
T=thumbv7em-none-eabihf
for variant in none md5crate compact; do
  feat=""; [ $variant != md5crate ] && feat="--features $variant"
  for prof in release relz mixed; do
    [ $variant != md5crate ] && [ $prof = mixed ] && continue
    /usr/bin/cargo build -q -Zbuild-std=core --target $T --profile $prof $feat --target-dir target/$variant
    lib=target/$variant/$T/$prof/libmd5size.a
    elf=target/$variant-$prof.elf
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -nostartfiles -nostdlib \
      -Wl,--gc-sections -Wl,-e,md5size_apop -Wl,--undefined=md5size_apop -o $elf $lib -lgcc
    text=$(arm-none-eabi-size -A $elf | awk '$1==".text"{print $2}')
    ro=$(arm-none-eabi-size -A $elf | awk '$1==".rodata"{print $2}')
    md5=$(arm-none-eabi-nm -S -C $elf | grep -iE 'md5|compact|apop_digest' | grep -v md5size_apop | while read a s t n; do echo $((0x$s)); done | paste -sd+ | bc)
    printf "%-9s %-8s text=%5d rodata=%5d md5_symbols=%5d\n" $variant $prof $text $ro ${md5:-0}
  done
done
