#!/usr/bin/env python3
"""Benchmark pop3_fetch against Python's poplib on Dovecot.

    python3 interop/bench.py --client CMD [--runs 5] [--against CMD2] [--timeline N]

Sets up the same namespace and self-contained Dovecot as run.py and times
two maildrops: one holding only the 1 MiB message, and the 200 small
messages.  The client under test runs over its TAP device (its own TCP/IP
stack); poplib runs over the kernel's TCP, also inside the namespace.
Median of --runs runs each.  Client times are reported twice: wall clock of
the whole process (start-up, TAP, ARP included) and the time printed on its
summary line.  poplib is timed in-process from connect to QUIT.
--against CMD2: a second client (another build, say), its runs interleaved
with the first's so that both see the same load; a row each.

--timeline N: instead, N runs of the client on the 200 small messages with
the frames on the TAP captured (a packet socket in the namespace), and the
median time of each step (ARP, SYN, greeting, USER, PASS, CAPA, STAT, the
pipelined RETRs, QUIT), each marked as the client's (a frame arrived, ours
left) or the server's; then, interleaved, poplib and a reference client
that pipelines over the kernel's TCP (CAPA, STAT, all RETRs in one write:
what any pipelining client could at best do against this server).
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
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


# ---------------------------------------------------------------- --timeline

def sniff_worker(tap: str, out_path: str) -> int:
    """Writes 'time pkttype hex' per frame seen on TAP until SIGTERM."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
    s.bind((tap, 0))
    s.setsockopt(socket.SOL_SOCKET, 35, 1)  # SO_TIMESTAMPNS: the kernel's time of the frame
    out = open(out_path, "w")

    def _stop(_s, _f):
        out.close()
        sys.exit(0)
    signal.signal(signal.SIGTERM, _stop)
    print("ready", flush=True)
    while True:
        data, anc, _flags, addr = s.recvmsg(65600, 256)
        ts = time.time()
        for _lvl, typ, d in anc:
            if typ == 35:
                sec, ns = struct.unpack("qq", d[:16])
                ts = sec + ns / 1e9
        out.write(f"{ts:.6f} {addr[2]} {data.hex()}\n")
        out.flush()


def frames(path: str) -> list[tuple[float, bool, str, bytes]]:
    """(time, from the client, kind, TCP payload) of the ARP and IPv4/TCP frames."""
    ev = []
    for line in open(path):
        ts, pkttype, hx = line.split()
        d = bytes.fromhex(hx)
        client = pkttype in ("0", "1")  # to the host, or broadcast: written by the client
        ethertype = struct.unpack("!H", d[12:14])[0]
        if ethertype == 0x0806:
            op = struct.unpack("!H", d[20:22])[0]
            ev.append((float(ts), client, "arp-request" if op == 1 else "arp-reply", b""))
        elif ethertype == 0x0800 and d[23] == 6:
            ip = d[14:]
            ihl = (ip[0] & 15) * 4
            tcp = ip[ihl:]
            payload = ip[ihl + (tcp[12] >> 4) * 4:struct.unpack("!H", ip[2:4])[0]]
            kind = "syn" if tcp[13] & 2 and client else ("data" if payload else "ack")
            ev.append((float(ts), client, kind, payload))
    return ev


TIMELINE = [  # (step, whose time)
    ("ARP request -> reply", "kernel"), ("ARP reply -> SYN", "client"), ("SYN -> greeting", "server"),
    ("greeting -> USER", "client"), ("USER -> +OK", "server"), ("+OK -> PASS", "client"),
    ("PASS -> +OK Logged in", "server"), ("+OK -> CAPA", "client"), ("CAPA -> its reply", "server"),
    ("reply -> STAT", "client"), ("STAT -> its reply", "server"), ("reply -> first RETR", "client"),
    ("first RETR -> last reply byte", "both"), ("last reply byte -> QUIT", "client"),
    ("QUIT -> +OK", "server")]


def timeline(ev: list[tuple[float, bool, str, bytes]]) -> list[float]:
    """The duration (ms) of each TIMELINE step in one capture."""
    def find(pred, start: int) -> int:
        return next(i for i in range(start, len(ev)) if pred(ev[i]))

    def cmd(word: bytes, start: int) -> int:
        return find(lambda e: e[1] and e[2] == "data" and e[3].startswith(word), start)

    def reply(start: int) -> int:
        return find(lambda e: not e[1] and e[2] == "data", start)
    arp = find(lambda e: e[1] and e[2] == "arp-request", 0)
    arp_reply = find(lambda e: not e[1] and e[2] == "arp-reply", arp)
    syn = find(lambda e: e[2] == "syn", arp_reply)
    greeting = reply(syn)
    user = cmd(b"USER", greeting)
    user_ok = reply(user)
    pw = cmd(b"PASS", user_ok)
    pw_ok = reply(pw)
    capa = cmd(b"CAPA", pw_ok)
    capa_ok = reply(capa)
    stat = cmd(b"STAT", capa_ok)
    stat_ok = reply(stat)
    retr = cmd(b"RETR", stat_ok)
    quit_ = cmd(b"QUIT", retr)
    last = max(i for i in range(retr, quit_) if not ev[i][1] and ev[i][2] == "data")
    quit_ok = reply(quit_)
    marks = [arp, arp_reply, syn, greeting, user, user_ok, pw, pw_ok, capa, capa_ok, stat, stat_ok, retr, last,
             quit_, quit_ok]
    return [(ev[b][0] - ev[a][0]) * 1e3 for a, b in zip(marks, marks[1:])]


def reference_client(server: str, user: str, password: str) -> float:
    """One session pipelined over the kernel's TCP: CAPA, STAT, every RETR in
    one write, QUIT; ms from connect to QUIT's reply."""
    host, _, port = server.partition(":")
    buf = bytearray()

    def line(s: socket.socket) -> bytes:
        while True:
            i = buf.find(b"\r\n")
            if i >= 0:
                out = bytes(buf[:i])
                del buf[:i + 2]
                return out
            d = s.recv(65536)
            if not d:
                raise EOFError("server closed")
            buf.extend(d)
    t0 = time.perf_counter()
    s = socket.create_connection((host, int(port or 110)), timeout=60)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    line(s)
    s.sendall(b"USER %s\r\n" % user.encode())
    line(s)
    s.sendall(b"PASS %s\r\n" % password.encode())
    if not line(s).startswith(b"+OK"):
        raise RuntimeError("login refused")
    s.sendall(b"CAPA\r\n")
    while line(s) != b".":
        pass
    s.sendall(b"STAT\r\n")
    count = int(line(s).split()[1])
    s.sendall(b"".join(b"RETR %d\r\n" % n for n in range(1, count + 1)))
    # The replies are counted by their terminators, not parsed line by line
    # (dot-stuffing keeps CRLF "." CRLF out of the message data).
    data, done = bytes(buf), 0
    while True:
        done = data.count(b"\r\n.\r\n")
        if done >= count:
            break
        d = s.recv(1 << 20)
        if not d:
            raise EOFError("server closed")
        data += d
    if done != count or not data.endswith(b"\r\n.\r\n"):
        raise RuntimeError("unexpected replies")
    buf.clear()
    s.sendall(b"QUIT\r\n")
    line(s)
    s.close()
    return (time.perf_counter() - t0) * 1e3


def reference_worker(server: str, user: str, password: str) -> int:
    print(json.dumps({"ms": reference_client(server, user, password)}))
    return 0


def run_timeline(a, ns, server, client_args) -> bool:
    """--timeline: captures, then the table; False if a run failed."""
    user = "bob"
    steps: list[list[float]] = []
    selfs, pops, refs = [], [], []
    me = os.path.abspath(__file__)
    for i in range(a.timeline):
        out = tempfile.mkdtemp(prefix="nxpop3-bench-", dir=OUT_DIR)
        cap = os.path.join(out, "frames.txt")
        h.run(ns.wrap(["ip", "neigh", "flush", "dev", h.TAP]), check=False)
        sniffer = subprocess.Popen(ns.wrap([sys.executable, me, "--sniff-worker", h.TAP, cap]),
                                   stdout=subprocess.PIPE, text=True)
        try:
            sniffer.stdout.readline()
            r = subprocess.run(ns.wrap(client_args + ["--server", server.address, "--user", user,
                                                      "--pass", h.PASSWORDS[user], "--out", out]),
                               capture_output=True, text=True, timeout=300)
            time.sleep(0.05)  # the last frames
        finally:
            sniffer.terminate()
            sniffer.wait()
        m = SUMMARY_RE.search(r.stdout)
        if r.returncode != 0 or not m:
            print(f"bench: client failed (timeline run {i + 1}): exit {r.returncode}\n{r.stderr[-500:]}",
                  file=sys.stderr)
            return False
        selfs.append(float(m.group(3)) * 1e3)
        try:
            steps.append(timeline(frames(cap)))
        except (StopIteration, ValueError) as e:
            print(f"bench: timeline run {i + 1}: capture incomplete ({e!r})", file=sys.stderr)
        shutil.rmtree(out)
        for worker, dest in ((["--runs", "1", "--poplib-worker"], pops), (["--reference-worker"], refs)):
            r = subprocess.run(ns.wrap([sys.executable, me] + worker + [server.address, user, h.PASSWORDS[user]]),
                               capture_output=True, text=True, timeout=300)
            if r.returncode != 0:
                print(f"bench: {worker[-1]} failed: {r.stderr[-500:]}", file=sys.stderr)
                return False
            p = json.loads(r.stdout)
            dest.append(p["ms"] if "ms" in p else p["times"][0] * 1e3)
    if not steps:
        return False
    med = statistics.median
    print(f"\nDovecot, 200 small messages: where the time goes (ms, median of {len(steps)} captured runs; "
          f"'client': a frame arrived and the client's next one left; 'server': Dovecot's)\n")
    print(f"{'step':32} {'whose':7} {'median':>7} {'min':>7} {'max':>7}")
    for k, (name, whose) in enumerate(TIMELINE):
        v = [s[k] for s in steps]
        print(f"{name:32} {whose:7} {med(v):7.2f} {min(v):7.2f} {max(v):7.2f}")
    for whose in ("client", "server", "both"):
        v = [sum(s[k] for k, (_, w) in enumerate(TIMELINE) if w == whose) for s in steps]
        print(f"{'sum: ' + whose:40} {med(v):7.2f} {min(v):7.2f} {max(v):7.2f}")
    print(f"\nconnect to QUIT, interleaved, median / min of {a.timeline} (ms):")
    for label, v in (("client under test (its own figure)", selfs), ("poplib", pops),
                     ("reference: pipelined over the kernel's TCP", refs)):
        print(f"  {label:44} {med(v):7.2f} {min(v):7.2f}")
    print(f"  poplib / client {med(pops) / med(selfs):.2f}; poplib / reference {med(pops) / med(refs):.2f}")
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--client", help="client under test, e.g. build/pop3_fetch")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--against", metavar="CMD2", help="a second client, runs interleaved with --client's")
    ap.add_argument("--timeline", type=int, metavar="N",
                    help="N captured runs on the 200 small messages: the time of each step (see above)")
    ap.add_argument("--poplib-worker", nargs=3, metavar=("SERVER", "USER", "PASS"), help=argparse.SUPPRESS)
    ap.add_argument("--reference-worker", nargs=3, metavar=("SERVER", "USER", "PASS"), help=argparse.SUPPRESS)
    ap.add_argument("--sniff-worker", nargs=2, metavar=("TAP", "FILE"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.poplib_worker:
        return poplib_worker(*a.poplib_worker, a.runs)
    if a.reference_worker:
        return reference_worker(*a.reference_worker)
    if a.sniff_worker:
        return sniff_worker(*a.sniff_worker)
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
        if a.timeline:
            failed = not run_timeline(a, ns, server, shlex.split(a.client) + ["--tap", h.TAP, "--ip", h.CLIENT_CIDR])
            cases = []
        clients = [a.client] + ([a.against] if a.against else [])
        for label, user in cases:
            wall = {c: [] for c in clients}
            self_t = {c: [] for c in clients}
            nbytes = 0
            for i in range(a.runs):
                for client in clients:
                    # The client fsyncs and renames every file (never a half-written
                    # N.eml); on tmpfs that costs nothing, so the figure is the
                    # protocol and the stack, comparable with poplib (no files).
                    out = tempfile.mkdtemp(prefix="nxpop3-bench-", dir=OUT_DIR)
                    h.run(ns.wrap(["ip", "neigh", "flush", "dev", h.TAP]), check=False)
                    t0 = time.perf_counter()
                    r = subprocess.run(ns.wrap(shlex.split(client) + [
                        "--tap", h.TAP, "--ip", h.CLIENT_CIDR, "--server", server.address,
                        "--user", user, "--pass", h.PASSWORDS[user], "--out", out]),
                        capture_output=True, text=True, timeout=300)
                    wall[client].append(time.perf_counter() - t0)
                    m = SUMMARY_RE.search(r.stdout)
                    if r.returncode != 0 or not m:
                        print(f"bench: client {client} failed ({label}, run {i + 1}): exit {r.returncode}\n"
                              f"{r.stderr[-500:]}", file=sys.stderr)
                        failed = True
                        break
                    self_t[client].append(float(m.group(3)))
                    nbytes = int(m.group(2))
                    shutil.rmtree(out)
                if failed:
                    break
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
            for client in clients:
                rows.append((label if len(clients) == 1 else f"{label} [{client}]", nbytes,
                             statistics.median(wall[client]), statistics.median(self_t[client]),
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
        also = f", interleaved with {a.against}" if a.against else ""
        print(f"\nDovecot, median of {a.runs} runs (client: {a.client}{also}; its files on {OUT_DIR or 'the work dir'}, each fsynced and renamed; poplib keeps the messages in memory)\n")
        print(f"{'maildrop':20} {'bytes':>9} {'client wall':>12} {'client self':>12} {'poplib':>9} "
              f"{'client MB/s':>12} {'poplib MB/s':>12} {'self/poplib':>12}")
        for label, nbytes, w, s, p in rows:
            print(f"{label:20} {nbytes:9d} {w:11.3f}s {s:11.3f}s {p:8.3f}s "
                  f"{nbytes / s / 1e6 if s else 0:12.2f} {nbytes / p / 1e6:12.2f} {s / p:12.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
