#!/bin/sh
# Doors point one way: ffi -> client -> {pop3, netx}; drivers -> netx; netx -> port.
# Fails when a room reaches a room it must not.
fail=0
deny() { # room pattern why
  hits=$(grep -rnE --exclude=tests.rs "$2" "src/$1" 2>/dev/null | grep -vE '^[^:]+:[0-9]+:\s*//' )
  if [ -n "$hits" ]; then echo "layering: src/$1 must not use $3:"; echo "$hits"; fail=1; fi
}
deny pop3    'crate::(netx|client|ffi|drivers|port)|std::|alloc::|extern "C"|unsafe[ {]' "other rooms, std, alloc, unsafe or extern \"C\""
deny netx    'crate::(client|ffi|drivers|pop3)|std::(thread|sync|time)|extern "C" fn [A-Za-z_]|no_mangle' "client/ffi/drivers/pop3, std threads/locks/clock or exports"
deny drivers 'crate::(client|ffi|pop3)|std::(thread|sync|time)|no_mangle' "client/ffi/pop3, std threads/locks/clock or exports"
deny client  'crate::(ffi|drivers)|std::(thread|sync|time)|extern "C" fn [A-Za-z_]|no_mangle' "ffi/drivers, std threads/locks/clock or exports"
for room in netx drivers client pop3; do
  hits=$(grep -rn 'no_mangle' "src/$room" 2>/dev/null)
  [ -n "$hits" ] && { echo "layering: exports belong in src/ffi:"; echo "$hits"; fail=1; }
done
# No `std` (nor `alloc`) outside the std port and the host-only drivers: every
# other room compiles unchanged in the no_std embedded builds (issue 10).
# Test code is exempt (tests.rs files, and everything after `#[cfg(test)]`).
HOST_ONLY='src/port/host.rs src/port/threadx_heap.rs src/drivers/tap.rs src/ffi/tap.rs'
for f in $(find src -name '*.rs' | sort); do
  case " $HOST_ONLY " in *" $f "*) continue ;; esac
  case $f in */tests.rs) continue ;; esac
  hits=$(awk '/^[[:space:]]*#\[cfg\(test\)\]/ {exit} {print FILENAME ":" FNR ":" $0}' "$f" \
    | grep -E '(^|[^A-Za-z0-9_:])(std|alloc)::|extern crate (std|alloc)|\b(Box|Vec|String)\b *(<|::)|\bvec!' \
    | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' \
    | grep -vE 'cfg\((all\()?feature = "std"' )
  [ -n "$hits" ] || continue
  echo "layering: std/alloc outside the std port and host-only drivers:"; echo "$hits"; fail=1
done
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
