#!/usr/bin/env python3
"""Static stack analysis of the POP3 services on Cortex-M4 (issue 10 item 7):
per-function frames from rustc's `-Z emit-stack-sizes` (.stack_sizes of the
linked program) and the direct call graph from the disassembly (bl/b.w/b to
function symbols). For each POP3 export: the deepest direct-call path and
its frames. Indirect calls (the driver entry, function pointers, vtables)
are not followed, so a path is a lower bound; the painted figure
(firmware_stack.py) is the measurement, this tells which frames make it.

    python3 bench/m4/stack_graph.py [--top 25] [--port threadx]

Builds the bare-metal thumb library with -Z emit-stack-sizes into
target/thumb-ss (about a minute) and links bench/m4/m4_pop3.c with it.
With --port threadx: the ThreadX thumb library (target/thumb-ss-threadx),
linked with the ThreadX services left undefined (their frames, and the
context ThreadX saves on a thread's stack, are not counted), and the
helper thread's entry (`thread_entry` + the instance's helper loop) as one
more root.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
T = "thumbv7em-none-eabihf"
ROOTS = ["_nxe_pop3_client_create", "_nxe_pop3_client_mail_items_get", "_nxe_pop3_client_mail_item_size_get",
         "_nxe_pop3_client_mail_item_get", "_nxe_pop3_client_mail_item_message_get",
         "_nxe_pop3_client_mail_item_delete", "_nxe_pop3_client_quit", "_nxe_pop3_client_delete"]


def build(port: str = "baremetal") -> str:
    tdir = "thumb-ss" if port == "baremetal" else f"thumb-ss-{port}"
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(ROOT, "target", tdir),
               RUSTFLAGS="-Z emit-stack-sizes", RUSTC="/usr/bin/rustc", RUSTC_BOOTSTRAP="1")
    subprocess.run(["/usr/bin/cargo", "build", "--quiet", "-Zbuild-std=core", "--target", T,
                    "--no-default-features", "--features", f"port-{port}", "--profile", "embedded", "--lib"],
                   cwd=ROOT, env=env, check=True)
    lib = os.path.join(ROOT, "target", tdir, T, "embedded", "libnx_pop3_client.a")
    out = os.path.join(ROOT, "build", "m4size")
    os.makedirs(out, exist_ok=True)
    elf = os.path.join(out, "ss_pop3.elf" if port == "baremetal" else f"ss_pop3_{port}.elf")
    # ThreadX: its services (nx_port_tx_*) stay undefined; nothing runs this.
    extra = ["-Wl,--unresolved-symbols=ignore-all"] if port != "baremetal" else []
    subprocess.run(["arm-none-eabi-gcc"] + CPU + ["-std=c11", "-Os", "-ffunction-sections", "-fdata-sections",
                    f"-I{ROOT}/include", f"-I{ROOT}/firmware/include", "--specs=nano.specs", "--specs=nosys.specs",
                    "-nostartfiles", "-Wl,-e,main", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments",
                    "-o", elf, os.path.join(HERE, "m4_pop3.c"), lib] + extra, check=True)
    return elf


def uleb(b: bytes, i: int) -> tuple[int, int]:
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return v, i


def stack_sizes(elf: str) -> dict[int, int]:
    tmp = elf + ".ss"
    subprocess.run(["arm-none-eabi-objcopy", "--dump-section", f".stack_sizes={tmp}", elf, tmp + ".junk"], check=True)
    data = open(tmp, "rb").read()
    sizes, i = {}, 0
    while i + 4 <= len(data):
        addr = int.from_bytes(data[i:i + 4], "little") & ~1
        size, i = uleb(data, i + 4)
        sizes[addr] = size
    return sizes


def symbols(elf: str) -> dict[int, str]:
    out = subprocess.run(["arm-none-eabi-nm", "-C", elf], capture_output=True, text=True, check=True).stdout
    names: dict[int, str] = {}
    for line in out.splitlines():
        p = line.split(None, 2)
        if len(p) == 3 and p[1] in "tTwW":
            a = int(p[0], 16) & ~1
            if a not in names or p[2].startswith("_nxe_"):
                names[a] = p[2]
    return names


def call_graph(elf: str, names: dict[int, str]) -> dict[int, set[int]]:
    out = subprocess.run(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf],
                         capture_output=True, text=True, check=True).stdout
    graph: dict[int, set[int]] = {}
    cur = None
    fn_re = re.compile(r"^([0-9a-f]+) <(.*)>:$")
    call_re = re.compile(r"^\s*[0-9a-f]+:\s+(bl|blx|b\.w|b|beq\.w|bne\.w)\s+([0-9a-f]+) <([^>+]+)>")
    for line in out.splitlines():
        m = fn_re.match(line)
        if m:
            cur = int(m.group(1), 16) & ~1
            graph.setdefault(cur, set())
            continue
        m = call_re.match(line)
        if m and cur is not None and "+" not in line.split("<", 1)[1]:
            tgt = int(m.group(2), 16) & ~1
            if tgt in names and tgt != cur:
                graph[cur].add(tgt)
    return graph


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--elf", help="an already linked program with .stack_sizes")
    ap.add_argument("--port", choices=["baremetal", "threadx"], default="baremetal")
    a = ap.parse_args()
    elf = a.elf or build(a.port)
    sizes = stack_sizes(elf)
    names = symbols(elf)
    graph = call_graph(elf, names)
    sys.setrecursionlimit(10000)

    memo: dict[int, tuple[int, tuple[int, ...]]] = {}
    on_path: set[int] = set()

    def deepest(f: int) -> tuple[int, tuple[int, ...]]:
        # Recursion (e.g. smoltcp's dispatch_ip -> lookup_hardware_addr ->
        # dispatch_ip for an ARP request) is counted once: edges back into
        # the current path are skipped.
        if f in memo:
            return memo[f]
        on_path.add(f)
        best: tuple[int, tuple[int, ...]] = (0, ())
        for g in graph.get(f, ()):
            if g in on_path:
                continue
            d = deepest(g)
            if d[0] > best[0]:
                best = d
        on_path.discard(f)
        memo[f] = (sizes.get(f, 0) + best[0], (f,) + best[1])
        return memo[f]

    print(f"Largest frames (of {len(sizes)} functions with a .stack_sizes entry):")
    for addr, sz in sorted(sizes.items(), key=lambda kv: -kv[1])[:a.top]:
        print(f"  {sz:6d}  {names.get(addr, hex(addr))[:110]}")
    print()
    rev = {v: k for k, v in names.items()}
    roots = ROOTS + sorted(n for n in rev if re.match(r"_nxe_(tcp|ip|arp|packet)_", n))
    results = [(r, deepest(rev[r])) for r in roots if r in rev]
    print("Deepest direct-call path per service (static upper bound of the direct calls; indirect calls not followed):")
    for r, (total, _) in results:
        print(f"  {total:6d}  {r}")
    print()
    shown = set()
    for prefix in ("_nxe_pop3_", "_nxe_tcp_", "_nxe_ip_"):
        group = [x for x in results if x[0].startswith(prefix)]
        if not group:
            continue
        r, (total, path) = max(group, key=lambda x: x[1][0])
        if r in shown:
            continue
        shown.add(r)
        print(f"{r}: {total} B")
        for f in path:
            print(f"  {sizes.get(f, 0):6d}  {names.get(f, hex(f))[:110]}")
        print()
    # The ThreadX port's helper thread: thread_entry calls the instance's
    # entry through the slot (an indirect call): both frames, the entry's
    # deepest path under it.
    te = [n for n in rev if n.endswith("port::threadx::thread_entry")]
    he = [n for n in rev if re.search(r"netx::ip::.*::entry$", n)]
    if te and he:
        t0 = sizes.get(rev[te[0]], 0)
        total, path = deepest(rev[he[0]])
        print(f"helper thread (thread_entry {t0} B + {he[0][:60]}): {t0 + total} B")
        for f in path:
            print(f"  {sizes.get(f, 0):6d}  {names.get(f, hex(f))[:110]}")
        print()
    # The embedded ports run smoltcp's poll on the instance's service
    # stack (port::run_on_stack, reached by `blx` from inline asm, so not on
    # the paths above): its own deepest path, against port::SERVICE_STACK.
    for r in sorted(n for n in rev if "run_on_stack" in n and "tramp" in n):
        total, path = deepest(rev[r])
        print(f"service stack ({r[:80]}): {total} B")
        for f in path:
            print(f"  {sizes.get(f, 0):6d}  {names.get(f, hex(f))[:110]}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
