#!/bin/sh
# make check-symbols: the undefined symbols of an embedded libnx_pop3_client.a
# may only be
#   - the ThreadX services of the chosen port, reached through the shim the
#     application compiles (src/port/nx_port_threadx.c: nx_port_tx_*),
#   - the documented application hooks (nx_port_panic; nx_port_ticks_get on
#     bare metal; nx_port_interrupt_disable/restore on bare-metal targets
#     other than Cortex-M),
#   - memcpy/memset/memcmp-class and compiler helper functions (libgcc,
#     compiler-builtins: __aeabi_*, __*di3...).
# Anything else (pthread_*, malloc, free, __rust_alloc, std, libc I/O) fails.
#
# usage: scripts/check-symbols.sh threadx|baremetal|baremetal-tap LIB...
set -eu
port=$1; shift
NM=${NM:-}
if [ -z "$NM" ]; then
  for n in llvm-nm-22 llvm-nm arm-none-eabi-nm nm; do command -v $n >/dev/null 2>&1 && { NM=$n; break; }; done
fi
case $port in
  threadx)   hooks='nx_port_panic|nx_port_tx_[a-z_]+' ;;
  baremetal) hooks='nx_port_panic|nx_port_ticks_get|nx_port_interrupt_(disable|restore)' ;;
  # The host bare-metal library with the polled TAP driver (make
  # pop3_fetch_baremetal): the hooks, and the Linux calls the TAP makes.
  baremetal-tap) hooks='nx_port_panic|nx_port_ticks_get|open|open64|close|read|writev|poll|ioctl|socket|if_nametoindex|getpid|__errno_location' ;;
  *) echo "usage: $0 threadx|baremetal|baremetal-tap LIB..." >&2; exit 2 ;;
esac
helpers='memcpy|memmove|memset|memcmp|bcmp|strlen|__aeabi_[a-z0-9_]+|__[a-z]+[sdt]i[0-9]|__[a-z]+[sdt]f[0-9]|__[a-z]+[sd]f[sd]f[0-9]?|__clz[sd]i2|__ctz[sd]i2|__popcount[sd]i2|__bswap[sd]i2'
fail=0
for lib in "$@"; do
  [ -f "$lib" ] || { echo "check-symbols: $lib missing"; fail=1; continue; }
  tmp=$(mktemp -d)
  $NM -u "$lib" 2>/dev/null | awk 'NF && $NF !~ /:$/ {print $NF}' | sort -u > "$tmp/u"
  $NM --defined-only "$lib" 2>/dev/null | awk 'NF>=3 {print $NF}' | sort -u > "$tmp/d"
  comm -23 "$tmp/u" "$tmp/d" > "$tmp/need"
  bad=$(grep -vxE "($hooks|$helpers)" "$tmp/need" || true)
  echo "check-symbols: $lib ($port): needs $(tr '\n' ' ' < "$tmp/need")"
  # The TAP driver is for Linux hosts only (baremetal-tap): never in an embedded library.
  if [ "$port" != baremetal-tap ] && grep -qx '_nx_tap_network_driver' "$tmp/d"; then
    echo "check-symbols: $lib ($port) contains the host-only TAP driver (_nx_tap_network_driver)"; fail=1
  fi
  if [ -n "$bad" ]; then
    echo "check-symbols: $lib must not need:"; echo "$bad" | sed 's/^/    /'; fail=1
  fi
  rm -rf "$tmp"
done
[ $fail -eq 0 ] && echo "check-symbols: ok"
exit $fail
