#!/usr/bin/env python3
"""Flash and RAM of the library on Cortex-M4 (issue 10 item 6), from the
thumb library the firmware links (make firmware-lib: thumbv7em-none-eabihf,
bare-metal port, profile `embedded`: opt-level "s", LTO, panic = "abort").

    python3 bench/m4/m4_size.py [--lib build/thumbv7em/baremetal/libnx_pop3_client.a] [--markdown]

Links two C programs with arm-none-eabi-gcc -Os --gc-sections, as a firmware
would: m4_stack.c (pool, IP instance, ARP, one TCP client socket: every
NetX service the POP3 client stands on) and m4_pop3.c (the same plus every
POP3 client service). Sections come from the link maps (library origin only):

- the NetX subset with smoltcp = the library's part of m4_stack;
- the POP3 client = library(m4_pop3) - library(m4_stack): engine, client,
  C exports and the MD5 they pull in; MD5 = the `pop3::apop::Md5` methods
  (the APOP digest's glue, hex and decimal formatting are counted as POP3);
- RAM for one IP instance and one POP3 client (window 1,460, 16 packets of
  1,536 bytes) = the control blocks and memory areas m4_common.h gives
  (sizes read from the linked program) + the library's .data/.bss.

Prints tables, then key=value lines: m4_pop3_text_bytes,
m4_pop3_text_bytes_no_md5, m4_pop3_rodata_bytes, m4_md5_text_bytes,
m4_stack_text_bytes, m4_stack_rodata_bytes, m4_ram_bytes_one_client.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "firmware", "mps2-an386"))
import size_split  # noqa: E402

CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
OUT = os.path.join(ROOT, "build", "m4size")

# NetX Duo's figures (issue 10): Cortex-M4, -Os.
NETX = {"pop3_text": 3980, "pop3_rodata": 76, "NX_POP3_CLIENT": 576, "NX_IP": 3840, "NX_TCP_SOCKET": 316}
TARGET_NO_MD5, TARGET_MD5, TARGET_STACK = 6000, 8000, 2048


def link(lib: str, prog: str) -> tuple[str, str]:
    elf = os.path.join(OUT, f"{prog}.elf")
    mp = os.path.join(OUT, f"{prog}.map")
    cmd = (["arm-none-eabi-gcc"] + CPU + ["-std=c11", "-Os", "-ffunction-sections", "-fdata-sections",
           "-Wall", "-Wextra", "-Werror", f"-I{ROOT}/include", f"-I{ROOT}/firmware/include",
           "--specs=nano.specs", "--specs=nosys.specs", "-nostartfiles", "-Wl,-e,main", "-Wl,--gc-sections",
           f"-Wl,-Map={mp}", "-Wl,--no-warn-rwx-segments", "-o", elf, os.path.join(HERE, f"{prog}.c"), lib])
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"m4_size: linking {prog} failed:\n{r.stderr}")
    return elf, mp


def code_symbols(elf: str) -> dict[int, tuple[str, int]]:
    """address -> (demangled name, size) of code symbols (aliases once)."""
    out = subprocess.run(["arm-none-eabi-nm", "-C", "-S", elf], capture_output=True, text=True, check=True).stdout
    syms: dict[int, tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            addr = int(parts[0], 16) & ~1
            size = int(parts[1], 16)
            if addr not in syms or len(parts[3]) < len(syms[addr][0]):
                syms[addr] = (parts[3], size)
    return syms


def data_symbol_sizes(elf: str, names: list[str]) -> dict[str, int]:
    out = subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True, check=True).stdout
    got = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in names:
            got[parts[3]] = int(parts[1], 16)
    return got


def group(name: str) -> str:
    if "pop3::apop::Md5" in name:
        return "MD5 (pop3::apop::Md5)"
    if "pop3::apop" in name or "client::ops::apop" in name:
        return "APOP glue (digest, hex, timestamp)"
    if "pop3::body" in name:
        return "engine: body decoder (dot-unstuffing)"
    if "pop3::reply" in name:
        return "engine: reply parser"
    if "pop3::command" in name:
        return "engine: command encoder"
    if "nx_pop3_client::pop3" in name:
        return "engine: other"
    if "nx_pop3_client::client" in name:
        return "client (blocking calls over TCP)"
    if "::" not in name and re.match(r"_?nxe?_pop3_client_", name) or "nx_pop3_client::ffi" in name:
        return "C exports (ffi module)"
    if name == "main":
        return "(program)"
    if name.startswith("smoltcp::") or "<smoltcp::" in name:
        return "smoltcp"
    if "nx_pop3_client::netx" in name or re.match(r"_?nxe?_(ip|tcp|packet|arp|system)", name):
        return "NetX subset (netx + its C exports)"
    if "nx_pop3_client::drivers" in name:
        return "drivers"
    if "nx_pop3_client::port" in name:
        return "port (bare metal)"
    if "compiler_builtins" in name or re.match(r"__aeabi|mem(cpy|set|move|cmp)|__", name):
        return "compiler helpers (memcpy, division)"
    if "core::fmt" in name or "panic" in name:
        return "core: panic and formatting"
    return "core and generics (iterators, slices)"


def breakdown(syms: dict[int, tuple[str, int]]) -> list[tuple[str, int]]:
    g: dict[str, int] = collections.Counter()
    for name, size in syms.values():
        g[group(name)] += size
    return sorted(g.items(), key=lambda kv: -kv[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "thumbv7em", "baremetal", "libnx_pop3_client.a"))
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.lib):
        print(f"m4_size: {a.lib} missing (make firmware-lib)", file=sys.stderr)
        return 1
    os.makedirs(OUT, exist_ok=True)
    stack_elf, stack_map = link(a.lib, "m4_stack")
    pop3_elf, pop3_map = link(a.lib, "m4_pop3")
    lib_stack = size_split.split(stack_map)["library"]
    lib_pop3 = size_split.split(pop3_map)["library"]
    pop3 = {b: lib_pop3[b] - lib_stack[b] for b in size_split.BUCKETS}

    s_syms, p_syms = code_symbols(stack_elf), code_symbols(pop3_elf)
    s_names = {n for n, _ in s_syms.values()}
    added = {ad: (n, sz) for ad, (n, sz) in p_syms.items() if n not in s_names and n != "main"}
    md5 = sum(sz for n, sz in added.values() if "pop3::apop::Md5" in n)
    no_md5 = pop3["text"] - md5
    stack_lib_syms = {ad: v for ad, v in s_syms.items() if v[0] != "main" and not v[0].startswith("m4_")}

    names = ["pool", "ip", "client", "m4_pool_area", "m4_ip_area", "m4_arp_area"]
    ram_parts = data_symbol_sizes(pop3_elf, names)
    lib_rw = lib_pop3["data"] + lib_pop3["bss"]
    ram = sum(ram_parts.values()) + lib_rw

    md = a.markdown
    def row(*cells):
        print(("| " + " | ".join(str(c) for c in cells) + " |") if md else "  ".join(f"{str(c):<44}" if i == 0 else f"{str(c):>10}" for i, c in enumerate(cells)))
    def header(*cells):
        row(*cells)
        if md:
            print("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(cells))) + "|")

    print("Cortex-M4 (thumbv7em-none-eabihf, bare-metal port, opt-level \"s\", LTO; C programs at -Os, --gc-sections)")
    print()
    header("part", ".text", ".rodata", ".data", ".bss")
    row("POP3 client (engine + client + C exports, MD5 incl.)", pop3["text"], pop3["rodata"], pop3["data"], pop3["bss"])
    row("  of which MD5 (pop3::apop::Md5)", md5, "", "", "")
    row("POP3 client without MD5", no_md5, "", "", "")
    row("NetX subset with smoltcp (pool, IP, ARP, TCP)", lib_stack["text"], lib_stack["rodata"], lib_stack["data"], lib_stack["bss"])
    print()
    header("compared with NetX Duo", "ours", "NetX Duo", "target")
    row("POP3 client .text, MD5 included (B)", pop3["text"], f"{NETX['pop3_text']} (+ nx_md5.o)", f"<= {TARGET_MD5}")
    row("POP3 client .text without MD5 (B)", no_md5, NETX["pop3_text"], f"<= {TARGET_NO_MD5}")
    row("POP3 client .rodata (B)", pop3["rodata"], NETX["pop3_rodata"], "")
    print()
    header("RAM the program gives (one IP, one POP3 client)", "bytes", "NetX Duo", "")
    labels = {"client": "NX_POP3_CLIENT", "ip": "NX_IP", "pool": "NX_PACKET_POOL",
              "m4_pool_area": "pool memory: 16 x (NX_PACKET + 1,536)",
              "m4_ip_area": "nx_ip_create area (overhead + 2 x (MTU+20) + 1 socket)",
              "m4_arp_area": "nx_arp_enable area (one NetX entry)"}
    for n in names:
        row(labels[n], ram_parts.get(n, "?"), NETX.get(labels[n], ""), "")
    row("library .data + .bss", lib_rw, "", "")
    row("total", ram, "", "")
    print()
    print("Where the POP3 client's .text goes (code symbols m4_pop3 adds to m4_stack):")
    header("group", "bytes")
    for g, n in breakdown(added):
        row(g, n)
    print()
    print("Where the NetX subset's .text goes (code symbols of m4_stack):")
    header("group", "bytes")
    for g, n in breakdown(stack_lib_syms):
        row(g, n)
    print()
    print("Largest POP3 functions:")
    header("function", "bytes")
    for n, sz in sorted(added.values(), key=lambda v: -v[1])[:12]:
        row(n[:90], sz)
    print()
    print(f"m4_pop3_text_bytes={pop3['text']}")
    print(f"m4_pop3_text_bytes_no_md5={no_md5}")
    print(f"m4_pop3_rodata_bytes={pop3['rodata']}")
    print(f"m4_md5_text_bytes={md5}")
    print(f"m4_stack_text_bytes={lib_stack['text']}")
    print(f"m4_stack_rodata_bytes={lib_stack['rodata']}")
    print(f"m4_ram_bytes_one_client={ram}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
