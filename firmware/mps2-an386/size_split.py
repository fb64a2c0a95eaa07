#!/usr/bin/env python3
"""Where a firmware image's bytes go: .text/.rodata/.data/.bss per origin,
read from the GNU ld map file (link with -Wl,-Map=FILE).

    python3 size_split.py build/firmware/pop3_app.map [--markdown]

Origins: our library (libnx_pop3_client.a), the LAN9118 driver, the board
support (startup, SysTick, semihosting, port hooks), the application (or
test program), the C library (newlib, libgcc, rdimon), and linker padding.
"""

from __future__ import annotations

import re
import sys

OUTPUT_BUCKET = {
    ".vectors": "text", ".text": "text", ".ARM.extab": "text", ".ARM.exidx": "text", ".init_array": "text",
    ".rodata": "rodata", ".data": "data", ".bss": "bss",
}
BUCKETS = ["text", "rodata", "data", "bss"]
ORIGINS = ["library", "driver", "board", "application", "C library", "padding"]


def origin(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if "libnx_pop3_client.a" in path:
        return "library"
    if name.startswith("nx_lan9118_driver"):
        return "driver"
    if name.split("(")[0] in ("startup.o", "board.o", "nx_port_hooks.o") or "startup.c" in name or "board.c" in name:
        return "board"
    if re.search(r"lib(c|c_nano|g|g_nano|gcc|rdimon|rdimon_nano|m|nosys)\.a", path) or "crt" in name:
        return "C library"
    return "application"


# " .text.name  0xADDR  0xSIZE  file" (the name may sit alone on the line before)
INPUT_RE = re.compile(r"^ (\.\S+|COMMON)?\s*0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
OUTPUT_RE = re.compile(r"^(\.\S+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+")
FILL_RE = re.compile(r"^ \*fill\*\s+0x[0-9a-f]+\s+0x([0-9a-f]+)")


def split(map_path: str) -> dict[str, dict[str, int]]:
    table = {o: {b: 0 for b in BUCKETS} for o in ORIGINS}
    in_memory_map = False
    current = None
    pending_name = False
    covered_end = 0
    with open(map_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_memory_map = True
                continue
            if not in_memory_map:
                continue
            m = OUTPUT_RE.match(line)
            if m or (line.startswith(".") and len(line.split()) == 1):
                name = (m.group(1) if m else line.strip())
                current = OUTPUT_BUCKET.get(name)
                covered_end = 0
                continue
            if current is None:
                continue
            m = FILL_RE.match(line)
            if m:
                table["padding"][current] += int(m.group(1), 16)
                covered_end += int(m.group(1), 16)
                continue
            m = INPUT_RE.match(line)
            if m and (m.group(1) or pending_name):
                address, size = int(m.group(2), 16), int(m.group(3), 16)
                path = m.group(4).strip()
                # Merged strings list overlapping ranges: count each byte once.
                counted = max(0, address + size - max(address, covered_end))
                if counted and not path.startswith("load address"):
                    table[origin(path)][current] += counted
                    covered_end = address + size
                pending_name = False
                continue
            pending_name = bool(re.match(r"^ (\.\S+|COMMON)$", line))
    return table


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    table = split(sys.argv[1])
    markdown = "--markdown" in sys.argv
    if markdown:
        print("| origin | .text | .rodata | .data | .bss |")
        print("| --- | ---: | ---: | ---: | ---: |")
    else:
        print(f"{'origin':<12} {'.text':>9} {'.rodata':>9} {'.data':>9} {'.bss':>9}")
    totals = {b: 0 for b in BUCKETS}
    for o in ORIGINS:
        row = table[o]
        for b in BUCKETS:
            totals[b] += row[b]
        if markdown:
            print(f"| {o} | " + " | ".join(str(row[b]) for b in BUCKETS) + " |")
        else:
            print(f"{o:<12} " + " ".join(f"{row[b]:>9}" for b in BUCKETS))
    if markdown:
        print("| total | " + " | ".join(str(totals[b]) for b in BUCKETS) + " |")
    else:
        print(f"{'total':<12} " + " ".join(f"{totals[b]:>9}" for b in BUCKETS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
