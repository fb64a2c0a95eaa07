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
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
