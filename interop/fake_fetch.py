#!/usr/bin/env python3
"""Stand-in for build/pop3_fetch, used to develop and verify the interop suite.

Same command line and the same observable contract as the real client:

    fake_fetch.py --tap IFNAME --ip ADDR/PREFIX --server ADDR[:PORT]
                  --user NAME --pass PASSWORD [--apop] [--delete] --out DIR

but --tap and --ip are ignored: it connects with the kernel's TCP.  It
downloads every message to DIR/N.eml (exact message bytes, dot-unstuffed,
without the final ".CRLF" line), writing through a temporary name and a
rename so that no N.eml exists for a message that did not arrive whole; with
--delete it sends DELE n after N.eml is written; then QUIT.  Progress goes to
stderr, one summary line to stdout:

    N messages, B bytes, T s, R MB/s

Exit status: 0 success, 1 failure (the NetX status that the real client
would report is printed), 2 bad usage.

The message parser is a streaming state machine that is deliberately written
independently of ref_client.py, so the suite compares two implementations.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import socket
import sys
import time

NX_NOT_CONNECTED = (0x38, "NX_NOT_CONNECTED")
NX_NO_PACKET = (0x01, "NX_NO_PACKET")
NX_SERVER_ERROR = (0xB4, "NX_POP3_SERVER_ERROR_STATUS")
NX_APOP_FAILED = (0xB3, "NX_POP3_APOP_FAILED_MD5_DIGEST")
NX_PARAM_ERROR = (0xB1, "NX_POP3_PARAM_ERROR")

# Deliberate bugs for checking that the suite catches them (comma separated):
# keep-dot (no dot-unstuffing), no-atomic (write N.eml directly, keep partial
# files), exit0 (exit 0 on failure).
BUGS = set(filter(None, os.environ.get("FAKE_FETCH_BUG", "").split(",")))

CONNECT_TIMEOUT = 30.0
RECV_TIMEOUT = 20.0


class Failure(Exception):
    def __init__(self, what: str, status: tuple[int, str]):
        super().__init__(what)
        self.status = status


class Conn:
    def __init__(self, host: str, port: int):
        try:
            self.s = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
        except OSError as e:
            raise Failure(f"connect to {host}:{port}: {e}", NX_NOT_CONNECTED)
        self.s.settimeout(RECV_TIMEOUT)
        self.pending = b""

    def recv(self) -> bytes:
        if self.pending:
            data, self.pending = self.pending, b""
            return data
        try:
            data = self.s.recv(65536)
        except socket.timeout:
            raise Failure("receive timed out", NX_NO_PACKET)
        except OSError as e:
            raise Failure(f"receive: {e}", NX_NOT_CONNECTED)
        if not data:
            raise Failure("connection closed by server", NX_NOT_CONNECTED)
        return data

    def reply(self) -> bytes:
        buf = b""
        while True:
            buf += self.recv()
            i = buf.find(b"\r\n")
            if i >= 0:
                self.pending = buf[i + 2:]
                return buf[:i]
            if len(buf) > 4096:
                raise Failure("reply line too long", NX_SERVER_ERROR)

    def command(self, line: str, what: str) -> bytes:
        try:
            self.s.sendall(line.encode() + b"\r\n")
        except OSError as e:
            raise Failure(f"{what}: send: {e}", NX_NOT_CONNECTED)
        r = self.reply()
        if not r.startswith(b"+OK"):
            raise Failure(f"{what}: server said {r.decode(errors='replace')!r}", NX_SERVER_ERROR)
        return r

    def message(self, sink) -> int:
        """Stream one multi-line body into sink(bytes); return bytes delivered."""
        LINE_START, DOT, DOT_CR, MID, CR = range(5)
        state, total = LINE_START, 0
        while True:
            chunk = self.recv()
            out = []
            i, n = 0, len(chunk)
            while i < n:
                if state == MID:
                    j = chunk.find(b"\r\n", i)
                    if j < 0:
                        out.append(chunk[i:])
                        state = CR if chunk.endswith(b"\r") else MID
                        i = n
                    else:
                        out.append(chunk[i:j + 2])
                        state, i = LINE_START, j + 2
                    continue
                b = chunk[i]
                i += 1
                if state == LINE_START:
                    if b == 0x2E:
                        state = DOT  # maybe stuffing, maybe the terminator
                        continue
                    out.append(bytes((b,)))
                    state = CR if b == 0x0D else MID
                elif state == DOT:
                    if b == 0x0D:
                        state = DOT_CR
                        continue
                    if "keep-dot" in BUGS:
                        out.append(b".")
                    out.append(bytes((b,)))  # stuffed dot dropped
                    state = MID
                elif state == DOT_CR:
                    if b == 0x0A:  # ".CRLF": end of message
                        data = b"".join(out)
                        sink(data)
                        total += len(data)
                        self.pending = chunk[i:]
                        return total
                    out.append(b"\r")
                    i -= 1
                    state = CR
                elif state == CR:
                    out.append(bytes((b,)))
                    state = LINE_START if b == 0x0A else (CR if b == 0x0D else MID)
            data = b"".join(out)
            sink(data)
            total += len(data)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="pop3_fetch")
    ap.add_argument("--tap", required=True)
    ap.add_argument("--ip", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--pass", dest="password", required=True)
    ap.add_argument("--apop", action="store_true")
    ap.add_argument("--delete", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)  # exits 2 on bad usage
    m = re.fullmatch(r"(\d+\.\d+\.\d+\.\d+)(?::(\d+))?", a.server)
    if not m or not re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", a.ip):
        ap.error("bad --server or --ip")
    a.host, a.port = m.group(1), int(m.group(2) or 110)
    return a


def fetch(a) -> tuple[int, int]:
    if any(c in a.user + a.password for c in "\r\n"):
        raise Failure("user name or password holds CR/LF", NX_PARAM_ERROR)
    c = Conn(a.host, a.port)
    greeting = c.reply()
    if not greeting.startswith(b"+OK"):
        raise Failure("bad greeting", NX_SERVER_ERROR)
    if a.apop:
        m = re.search(rb"<[^<>]*>", greeting)
        if not m:
            raise Failure("no APOP timestamp in greeting", NX_APOP_FAILED)
        digest = hashlib.md5(m.group(0) + a.password.encode()).hexdigest()
        c.command(f"APOP {a.user} {digest}", "APOP")
    else:
        c.command(f"USER {a.user}", "USER")
        c.command(f"PASS {a.password}", "PASS")
    stat = c.command("STAT", "STAT").split()
    count = int(stat[1])
    os.makedirs(a.out, exist_ok=True)
    total = 0
    for n in range(1, count + 1):
        c.command(f"RETR {n}", f"RETR {n}")
        final = os.path.join(a.out, f"{n}.eml")
        tmp = final if "no-atomic" in BUGS else os.path.join(a.out, f".{n}.eml.part")
        f = open(tmp, "wb")
        try:
            size = c.message(f.write)
            f.close()
            os.replace(tmp, final)
        except BaseException:
            f.close()
            if "no-atomic" not in BUGS:
                os.unlink(tmp)
            raise
        total += size
        print(f"pop3_fetch: message {n}/{count}: {size} bytes", file=sys.stderr, flush=True)
        if a.delete:
            c.command(f"DELE {n}", f"DELE {n}")
    c.command("QUIT", "QUIT")
    c.s.close()
    return count, total


def main(argv=None) -> int:
    a = parse_args(argv)
    t0 = time.monotonic()
    try:
        count, total = fetch(a)
    except Failure as e:
        code, name = e.status
        print(f"pop3_fetch: {e}: NetX status 0x{code:02X} ({name})", file=sys.stderr)
        return 0 if "exit0" in BUGS else 1
    dt = max(time.monotonic() - t0, 1e-6)
    print(f"{count} messages, {total} bytes, {dt:.3f} s, {total / dt / 1e6:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
