#!/usr/bin/env python3
"""pop3_fetch's command line, run by the POP3 firmware inside QEMU.

    qemu_fetch.py --elf build/firmware/pop3_app.elf -- \\
        --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT] --user NAME --pass PASSWORD \\
        [--apop] [--delete] --out DIR

Takes the options pop3_fetch takes (the ones interop/run.py passes to the
client under test), starts qemu-system-arm -M mps2-an386 with the LAN9118 on
the existing TAP device IFNAME, and hands the POP3 options to the firmware
through semihosting (-append). The firmware writes DIR/N.eml on the host.
Its summary line ("N messages, B bytes, T s, R MB/s") goes to stdout, the
rest of its output to stderr; the exit status is the firmware's (0 success,
1 failure, 3 fault), or 124 if QEMU had to be stopped after --timeout seconds.

So the interop suite runs the firmware against real servers:

    python3 interop/run.py --only dovecot \\
        --client "python3 firmware/mps2-an386/qemu_fetch.py --elf build/firmware/pop3_app.elf --"
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import signal
import subprocess
import sys

SUMMARY_RE = re.compile(r"^\d+ messages, \d+ bytes, [0-9.]+ s, [0-9.]+ MB/s$")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--tap", required=True)
    ap.add_argument("--ip", default="192.0.2.2/24")
    ap.add_argument("--server", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--pass", dest="password", required=True)
    ap.add_argument("--apop", action="store_true")
    ap.add_argument("--delete", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("--mac", default="52:54:00:a3:86:02")
    ap.add_argument("--stack", action="store_true", help="have the firmware measure each POP3 call's stack use")
    argv = [a for a in sys.argv[1:] if a != "--"]
    args = ap.parse_args(argv)

    ip, _, prefix = args.ip.partition("/")
    if prefix and prefix != "24":
        print(f"qemu_fetch: the firmware uses a /24 network, not /{prefix}", file=sys.stderr)
        return 1
    for value in (args.user, args.password, args.out):
        if not value or any(c.isspace() for c in value):
            # -append is split on spaces by the firmware
            print("qemu_fetch: --user, --pass and --out must be non-empty and without spaces", file=sys.stderr)
            return 1
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)

    firmware_args = ["--server", args.server, "--ip", ip, "--user", args.user, "--pass", args.password,
                     "--out", out]
    if args.apop:
        firmware_args.append("--apop")
    if args.delete:
        firmware_args.append("--delete")
    if args.stack:
        firmware_args.append("--stack")
    cmd = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-serial", "none", "-monitor", "none",
           "-semihosting-config", "enable=on,target=native",
           "-nic", f"tap,ifname={args.tap},script=no,downscript=no,model=lan9118,mac={args.mac}",
           "-kernel", args.elf, "-append", " ".join(firmware_args)]
    def die_with_parent() -> None:
        # If this wrapper is killed (the interop suite uses SIGKILL on a
        # timeout), QEMU must not live on holding the TAP: PR_SET_PDEATHSIG.
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", bufsize=1, preexec_fn=die_with_parent)

    def stop(signum, _frame):
        if proc.poll() is None:
            proc.terminate()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer_fired = False

    def on_timeout(signum, _frame):
        nonlocal timer_fired
        timer_fired = True
        if proc.poll() is None:
            proc.terminate()

    signal.signal(signal.SIGALRM, on_timeout)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if SUMMARY_RE.match(line):
            print(line, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    signal.setitimer(signal.ITIMER_REAL, 0)
    if timer_fired:
        print(f"qemu_fetch: QEMU stopped after {args.timeout} s", file=sys.stderr)
        return 124
    return rc


if __name__ == "__main__":
    sys.exit(main())
