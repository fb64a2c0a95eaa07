#!/bin/sh
# The public headers declare only NetX's names (and the basic ThreadX types),
# so that a program's own names and the system headers it includes first
# (<net/if.h> defines IFNAMSIZ) never clash with ours. Fails on any other
# macro, typedef, struct/union tag or function name.
fail=0
allowed='^(NX_|NXD_|nx_|nxd_|_nx_|_nxe_|_nxd_|_nxde_|_NX_|IP_ADDRESS$|VOID$|CHAR$|UCHAR$|INT$|UINT$|ULONG$|USHORT$|ALIGN_TYPE$)'
for h in include/*.h; do
  names=$( {
    sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$h"
    sed -n 's/^typedef .*[[:space:]*]\([A-Za-z_][A-Za-z0-9_]*\)\(\[.*\]\)\{0,1\};$/\1/p' "$h"
    sed -n 's/^typedef [^(]*(\*\([A-Za-z_][A-Za-z0-9_]*\)).*/\1/p' "$h"
    sed -n 's/^\(struct\|union\) \([A-Za-z_][A-Za-z0-9_]*\) {$/\2/p' "$h"
    sed -n 's/^[A-Za-z_][A-Za-z0-9_ *]* \**\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' "$h"
  } | sort -u )
  for n in $names; do
    # Include guards of the hand-written headers and the generated one.
    case "$n" in *_H|*_H_) continue ;; esac
    if ! echo "$n" | grep -qE "$allowed"; then
      echo "header names: $h declares '$n', which is not a NetX name"; fail=1
    fi
  done
done
[ $fail -eq 0 ] && echo "header names: ok"
exit $fail
