#!/usr/bin/env python3
"""Groups the code symbols scripts/pop3-text-size.sh found (build/size/added.syms)."""
import subprocess
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "build/size/added.syms"
rows = []
for line in open(path):
    name, size = line.split()
    rows.append((int(size, 16), name))
names = subprocess.run(["c++filt"], input="\n".join(n for _, n in rows), capture_output=True, text=True).stdout.split("\n")
groups, biggest = {}, []
for (size, _), name in zip(rows, names):
    if "md5" in name or "pop3::apop" in name or "digest" in name or "hybrid" in name:
        group = "MD5 and APOP (src/pop3/apop.rs)"
    elif "nx_pop3_client::pop3::" in name:
        group = "engine (src/pop3)"
    elif "nx_pop3_client::client::" in name:
        group = "client (src/client)"
    elif "catch_panic" in name or name.startswith("_nx"):
        group = "C exports and their panic guards (src/ffi)"
    else:
        group = "other (core library, port)"
    groups[group] = groups.get(group, 0) + size
    biggest.append((size, name.rsplit("::h", 1)[0]))
for group, size in sorted(groups.items(), key=lambda g: -g[1]):
    print(f"{size:>7}  {group}")
print("largest functions:")
for size, name in sorted(biggest, reverse=True)[:10]:
    print(f"{size:>7}  {name}")
