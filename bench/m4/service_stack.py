#!/usr/bin/env python3
"""The bare-metal port's service stack (smoltcp's poll, port::run_on_stack),
painted: links the POP3 firmware (`make firmware-lib firmware-app` first)
once more with bench/m4/service_stack.c wrapped around _nxe_ip_create /
_nxe_ip_delete (paints the service stack's 3,072 bytes before create,
reports the deepest use at delete) and runs firmware_stack.py's Dovecot
runs with it. Prints firmware_stack.py's lines plus
m4_service_stack_bytes=N. Root (network namespace, Dovecot).

    python3 bench/m4/service_stack.py
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]


def main() -> int:
    app = os.path.join(ROOT, "build", "firmware", "app")
    lib = os.path.join(ROOT, "build", "thumbv7em", "baremetal", "libnx_pop3_client.a")
    objs = sorted(glob.glob(os.path.join(app, "*.o")))
    if not objs or not os.path.exists(lib):
        print("service_stack: run make firmware-lib firmware-app first", file=sys.stderr)
        return 1
    out = os.path.join(ROOT, "build", "firmware", "svc")
    os.makedirs(out, exist_ok=True)
    wrap_o = os.path.join(out, "service_stack.o")
    subprocess.run(["arm-none-eabi-gcc", *CPU, "-std=c11", "-Os", "-Wall", "-Wextra", "-Iinclude",
                    "-Ifirmware/include", "-c", os.path.join(HERE, "service_stack.c"), "-o", wrap_o],
                   cwd=ROOT, check=True)
    elf = os.path.join(out, "pop3_app_svc.elf")
    subprocess.run(["arm-none-eabi-gcc", *CPU, "--specs=rdimon.specs", "-nostartfiles",
                    "-T", "firmware/mps2-an386/mps2_an386.ld", "-Wl,--gc-sections",
                    "-Wl,--wrap=_nxe_ip_create,--wrap=_nxe_ip_delete", "-o", elf, *objs, wrap_o, lib],
                   cwd=ROOT, check=True)
    return subprocess.run([sys.executable, os.path.join(HERE, "firmware_stack.py"), "--elf", elf], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
