#!/usr/bin/env python3
"""Benchmark pop3_fetch against Python's poplib on Dovecot.

    python3 interop/bench.py --client CMD [--runs 5]

Sets up the same namespace and self-contained Dovecot as run.py and times
two maildrops: one holding only the 1 MiB message, and the 200 small
messages.  The client under test runs over its TAP device (its own TCP/IP
stack); poplib runs over the kernel's TCP, also inside the namespace.
Median of --runs runs each.  Client times are reported twice: wall clock of
the whole process (start-up, TAP, ARP included) and the time printed on its
summary line.  poplib is timed in-process from connect to QUIT.
"""

from __future__ import annotations

import argparse
import json
import os
import poplib
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

OUT_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

SUMMARY_RE = re.compile(r"^(\d+) messages?, (\d+) bytes, ([0-9.]+) s, ([0-9.]+) MB/s$", re.M)


def poplib_worker(server: str, user: str, password: str, runs: int) -> int:
    host, _, port = server.partition(":")
    times, total = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        c = poplib.POP3(host, int(port or 110), timeout=60)
        c.user(user)
        c.pass_(password)
        count, _ = c.stat()
        total = 0
        for n in range(1, count + 1):
            _, lines, octets = c.retr(n)
            total += octets
        c.quit()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times, "bytes": total, "count": count}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--client", help="client under test, e.g. build/pop3_fetch")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--poplib-worker", nargs=3, metavar=("SERVER", "USER", "PASS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.poplib_worker:
        return poplib_worker(*a.poplib_worker, a.runs)
    if not a.client:
        ap.error("--client is required")
    if os.geteuid() != 0:
        print("bench: must run as root", file=sys.stderr)
        return 1

    big = next(data for name, data in h.alice_messages() if name == "big-1MiB")
    h.PASSWORDS["carol"] = "Carol-pw-7"
    h.MAILDROPS["carol"] = lambda: [("big-1MiB", big)]
    cases = [("1 MiB message", "carol"), ("200 small messages", "bob")]

    def _sig(signum, _f):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _sig)
    signal.signal(signal.SIGHUP, _sig)

    ns = h.Netns()
    workdir = h.make_workdir()
    server = None
    rows = []
    failed = False
    try:
        ns.setup()
        uid, gid = h.ensure_mail_user()
        server = h.Dovecot(ns, workdir, uid, gid)
        server.start()
        for label, user in cases:
            wall, self_t, nbytes = [], [], 0
            for i in range(a.runs):
                # The client fsyncs and renames every file (never a half-written
                # N.eml); on tmpfs that costs nothing, so the figure is the
                # protocol and the stack, comparable with poplib (no files).
                out = tempfile.mkdtemp(prefix="nxpop3-bench-", dir=OUT_DIR)
                h.run(ns.wrap(["ip", "neigh", "flush", "dev", h.TAP]), check=False)
                t0 = time.perf_counter()
                r = subprocess.run(ns.wrap(shlex.split(a.client) + [
                    "--tap", h.TAP, "--ip", h.CLIENT_CIDR, "--server", server.address,
                    "--user", user, "--pass", h.PASSWORDS[user], "--out", out]),
                    capture_output=True, text=True, timeout=300)
                wall.append(time.perf_counter() - t0)
                m = SUMMARY_RE.search(r.stdout)
                if r.returncode != 0 or not m:
                    print(f"bench: client failed ({label}, run {i + 1}): exit {r.returncode}\n"
                          f"{r.stderr[-500:]}", file=sys.stderr)
                    failed = True
                    break
                self_t.append(float(m.group(3)))
                nbytes = int(m.group(2))
                shutil.rmtree(out)
            if failed:
                break
            r = subprocess.run(ns.wrap([sys.executable, os.path.abspath(__file__), "--runs", str(a.runs),
                                        "--poplib-worker", server.address, user, h.PASSWORDS[user]]),
                               capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                print(f"bench: poplib failed: {r.stderr[-500:]}", file=sys.stderr)
                failed = True
                break
            p = json.loads(r.stdout)
            rows.append((label, nbytes, statistics.median(wall), statistics.median(self_t),
                         statistics.median(p["times"])))
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        failed = True
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if server:
            server.stop()
        ns.teardown()
        shutil.rmtree(workdir, ignore_errors=True)

    if rows:
        print(f"\nDovecot, median of {a.runs} runs (client: {a.client}; its files on {OUT_DIR or 'the work dir'}, each fsynced and renamed; poplib keeps the messages in memory)\n")
        print(f"{'maildrop':20} {'bytes':>9} {'client wall':>12} {'client self':>12} {'poplib':>9} "
              f"{'client MB/s':>12} {'poplib MB/s':>12} {'self/poplib':>12}")
        for label, nbytes, w, s, p in rows:
            print(f"{label:20} {nbytes:9d} {w:11.3f}s {s:11.3f}s {p:8.3f}s "
                  f"{nbytes / s / 1e6 if s else 0:12.2f} {nbytes / p / 1e6:12.2f} {s / p:12.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
