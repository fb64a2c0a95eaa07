#!/usr/bin/env python3
"""m4_max_stack_bytes: the deepest stack any POP3 service (and the TCP and
driver work it does inline) uses on Cortex-M4, measured by stack painting in
the POP3 firmware (pop3_app --stack) in QEMU against a real Dovecot.

    python3 bench/m4/firmware_stack.py --elf build/firmware/pop3_app.elf

On the bare-metal port every POP3 call runs the client, the TCP/IP stack
(smoltcp under the NetX subset) and the LAN9118 driver's deferred processing
on the caller's stack, so the painted depth of each call is everything a
thread calling that service needs (interrupt frames included). Runs, each
with --stack: alice (8 messages with the 1 MiB one) USER/PASS and APOP;
bob (200 small ones) APOP with --delete; a wrong password (USER/PASS, the
error path). Prints one line per run and, last, key=value lines:

    m4_max_stack_bytes=N
    m4_max_stack_call=NAME

Root (namespace, TAP, Dovecot); reuses the interop suite's machinery.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "interop"))
import harness as h  # noqa: E402
import run as interop  # noqa: E402

STACK_RE = re.compile(r"deepest stack use of a POP3 call: (\d+) bytes \(([^)]*)\)")
PER_CALL_RE = re.compile(r"stack use of (\w+): (\d+) bytes")
# Printed by the firmware bench/m4/service_stack.py links (the bare-metal
# port's service stack, painted): reported as m4_service_stack_bytes.
SVC_RE = re.compile(r"service stack use: (\d+) of (\d+) bytes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--small-elf", help="the firmware built with the memory m4_size.py counts "
                    "(make firmware-app-m4ram): downloads alice's maildrop, files must equal the first run's")
    a = ap.parse_args()
    err = interop.preflight()
    if err:
        print(f"firmware_stack: {err}", file=sys.stderr)
        return 1
    qemu_fetch = os.path.join(ROOT, "firmware", "mps2-an386", "qemu_fetch.py")
    client = f"{shlex.quote(sys.executable)} {shlex.quote(qemu_fetch)} --elf {shlex.quote(os.path.abspath(a.elf))} --"
    suite = interop.Suite(client, None, "dovecot")
    best = (0, "none")
    svc: tuple[int, int] | None = None
    per_call: dict[str, int] = {}
    first_out = None
    failed = False
    try:
        suite.ns.setup()
        uid, gid = h.ensure_mail_user()
        s = h.Dovecot(suite.ns, suite.workdir, uid, gid)
        suite.servers.append(s)
        s.start()
        runs = [("alice-user", "alice", None, False, False, 0),
                ("alice-apop", "alice", None, True, False, 0),
                ("bob-apop-delete", "bob", None, True, True, 0),
                ("alice-badpass", "alice", "wrong-password", False, False, 1)]
        for label, user, pw, apop, delete, want_rc in runs:
            out = os.path.join(suite.newdir(label), "client")
            os.makedirs(out)
            password = pw or h.PASSWORDS[user]
            rc, so, se, dt = suite.run_client(label, s.address, s.login_name(user), password, out,
                                              apop=apop, delete=delete, extra=["--stack"], timeout=300)
            m = STACK_RE.search(se + so)
            if rc != want_rc or not m:
                failed = True
                print(f"{label}: exit {rc} (expected {want_rc}), stack line {'found' if m else 'missing'}: "
                      f"{(se.strip().splitlines() or [''])[-1]}")
                continue
            used, call = int(m.group(1)), m.group(2)
            for n, of in SVC_RE.findall(se + so):
                if svc is None or int(n) > svc[0]:
                    svc = (int(n), int(of))
            for c, n in PER_CALL_RE.findall(se + so):
                per_call[c] = max(per_call.get(c, 0), int(n))
            if first_out is None and want_rc == 0:
                first_out = out
            print(f"{label}: exit {rc} in {dt:.1f} s, deepest POP3 call {used} B ({call})")
            if used > best[0]:
                best = (used, call)
        if a.small_elf and first_out:
            out = os.path.join(suite.newdir("alice-m4ram"), "client")
            os.makedirs(out)
            suite.client_cmd = [sys.executable, qemu_fetch, "--elf", os.path.abspath(a.small_elf), "--"]
            rc, so, se, dt = suite.run_client("alice-m4ram", s.address, s.login_name("alice"), h.PASSWORDS["alice"],
                                              out, apop=True, timeout=300)
            want = sorted(os.listdir(first_out))
            got = sorted(os.listdir(out))
            same = rc == 0 and want == got and all(
                open(os.path.join(out, f), "rb").read() == open(os.path.join(first_out, f), "rb").read() for f in want)
            print(f"minimal-memory build (16 packets, 52-byte ARP cache, m4_size.py's RAM): exit {rc} in {dt:.1f} s, "
                  f"{len(got)} files, {'identical to' if same else 'DIFFERENT from'} the first run's "
                  f"({(so.strip().splitlines() or [''])[-1]})")
            failed |= not same
    finally:
        suite.cleanup()
    for c, n in sorted(per_call.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d} B  {c}")
    if failed:
        return 1
    print(f"m4_max_stack_bytes={best[0]}")
    print(f"m4_max_stack_call={best[1]}")
    if svc is not None:
        print(f"m4_service_stack_bytes={svc[0]}")
        print(f"m4_service_stack_size={svc[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
