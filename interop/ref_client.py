#!/usr/bin/env python3
"""Independent reference POP3 client for the interop suite (stdlib only).

Talks raw POP3 over the kernel's TCP and returns each message as the exact
bytes the server sent between the ``+OK`` line of ``RETR`` and the final
``.CRLF`` line, with dot-stuffing undone and nothing else changed (no line
ending conversion).  That is exactly what ``pop3_fetch`` must write to
``N.eml``.

Lines are CRLF-terminated as RFC 1939 says: the terminator is the first
``CRLF . CRLF`` (or ``. CRLF`` at the very start of the data) and a byte
``.`` is removed only at the start of the data or right after a CRLF.

Used as a library by run.py / bench.py and as a CLI (run it inside the test
namespace with ``ip netns exec``):

    ref_client.py --server 192.0.2.1:110 --user U --pass P [--apop]
                  (--out DIR | --stat | --wait-ready SECS) [--delete]

The CLI prints one JSON object on stdout describing what it saw.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import socket
import sys
import time

TERMINATOR = b"\r\n.\r\n"


class Pop3Error(Exception):
    """The server answered -ERR or broke the protocol."""


def unstuff(data: bytes) -> bytes:
    """Undo dot-stuffing on CRLF-delimited lines of ``data``."""
    lines = re.split(b"(?<=\r\n)", data)
    return b"".join(l[1:] if l.startswith(b".") else l for l in lines)


class RawPop3:
    def __init__(self, host: str, port: int = 110, timeout: float = 30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = bytearray()
        self.greeting = self._line()
        if not self.greeting.startswith(b"+OK"):
            raise Pop3Error(f"bad greeting {self.greeting!r}")
        m = re.search(rb"<[^<>]*>", self.greeting)
        self.timestamp = m.group(0) if m else None

    # -- low level -------------------------------------------------------
    def _fill(self) -> None:
        chunk = self.sock.recv(256 * 1024)
        if not chunk:
            raise Pop3Error("connection closed by server")
        self.buf += chunk

    def _line(self) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[: i + 2])
                del self.buf[: i + 2]
                return line
            if len(self.buf) > 1 << 20:
                raise Pop3Error("reply line too long")
            self._fill()

    def cmd(self, line: str | bytes) -> bytes:
        if isinstance(line, str):
            line = line.encode()
        self.sock.sendall(line + b"\r\n")
        reply = self._line()
        if not reply.startswith(b"+OK"):
            raise Pop3Error(f"{line.split(b' ')[0].decode()}: {reply.strip().decode(errors='replace')}")
        return reply

    def multiline(self) -> bytes:
        """Read a multi-line body; return it dot-unstuffed, terminator stripped."""
        start = 0
        while True:
            if self.buf.startswith(b".\r\n"):
                del self.buf[:3]
                return b""
            i = self.buf.find(TERMINATOR, max(0, start))
            if i >= 0:
                raw = bytes(self.buf[: i + 2])
                del self.buf[: i + len(TERMINATOR)]
                return unstuff(raw)
            start = max(0, len(self.buf) - len(TERMINATOR) + 1)
            self._fill()

    # -- commands --------------------------------------------------------
    def login(self, user: str, password: str, apop: bool = False) -> None:
        if apop:
            if not self.timestamp:
                raise Pop3Error("server greeting has no APOP timestamp")
            digest = hashlib.md5(self.timestamp + password.encode()).hexdigest()
            self.cmd(f"APOP {user} {digest}")
        else:
            self.cmd(f"USER {user}")
            self.cmd(f"PASS {password}")

    def stat(self) -> tuple[int, int]:
        parts = self.cmd("STAT").split()
        return int(parts[1]), int(parts[2])

    def list(self) -> dict[int, int]:
        self.cmd("LIST")
        out = {}
        for line in self.multiline().split(b"\r\n"):
            if line.strip():
                n, size = line.split()[:2]
                out[int(n)] = int(size)
        return out

    def retr(self, n: int) -> tuple[bytes, int | None]:
        """Return (message bytes, octet count announced on the +OK line)."""
        reply = self.cmd(f"RETR {n}")
        m = re.match(rb"\+OK\s+(\d+)", reply)
        return self.multiline(), (int(m.group(1)) if m else None)

    def dele(self, n: int) -> None:
        self.cmd(f"DELE {n}")

    def quit(self) -> None:
        try:
            self.cmd("QUIT")
        finally:
            self.sock.close()

    def close(self) -> None:
        self.sock.close()


def parse_server(s: str) -> tuple[str, int]:
    """ADDR[:PORT]; IPv6 as [ADDR]:PORT, [ADDR] or a bare ADDR."""
    if s.startswith("["):
        host, _, rest = s[1:].partition("]")
        return host, int(rest[1:] or 110) if rest.startswith(":") else 110
    if s.count(":") > 1:
        return s, 110
    host, _, port = s.partition(":")
    return host, int(port or 110)


def fetch_all(host, port, user, password, apop=False, out_dir=None, delete=False, timeout=30.0):
    """Download the whole maildrop.  Returns a dict describing it."""
    c = RawPop3(host, port, timeout)
    try:
        c.login(user, password, apop)
        count, total = c.stat()
        sizes = c.list()
        msgs = []
        for n in range(1, count + 1):
            data, octets = c.retr(n)
            msgs.append({"n": n, "len": len(data), "octets": octets, "list": sizes.get(n),
                         "sha256": hashlib.sha256(data).hexdigest()})
            if out_dir:
                with open(os.path.join(out_dir, f"{n}.eml"), "wb") as f:
                    f.write(data)
            if delete:
                c.dele(n)
        c.quit()
    except BaseException:
        c.close()
        raise
    return {"count": count, "stat_size": total, "messages": msgs,
            "greeting": c.greeting.decode(errors="replace").strip()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="ADDR[:PORT]")
    ap.add_argument("--user")
    ap.add_argument("--pass", dest="password")
    ap.add_argument("--apop", action="store_true")
    ap.add_argument("--delete", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", help="write N.eml files here")
    g.add_argument("--stat", action="store_true", help="only log in and print STAT")
    g.add_argument("--wait-ready", type=float, metavar="SECS",
                   help="poll until the server greets (no login)")
    a = ap.parse_args(argv)
    host, port = parse_server(a.server)
    try:
        if a.wait_ready is not None:
            deadline = time.monotonic() + a.wait_ready
            while True:
                try:
                    c = RawPop3(host, port, 5.0)
                    c.quit()
                    print(json.dumps({"ready": True, "greeting": c.greeting.decode(errors="replace").strip()}))
                    return 0
                except (OSError, Pop3Error) as e:
                    if time.monotonic() > deadline:
                        print(json.dumps({"ready": False, "error": str(e)}))
                        return 1
                    time.sleep(0.1)
        if a.stat:
            c = RawPop3(host, port, a.timeout)
            try:
                c.login(a.user, a.password, a.apop)
                count, size = c.stat()
                c.quit()
            except BaseException:
                c.close()
                raise
            print(json.dumps({"count": count, "stat_size": size}))
            return 0
        os.makedirs(a.out, exist_ok=True)
        print(json.dumps(fetch_all(host, port, a.user, a.password, a.apop, a.out, a.delete, a.timeout)))
        return 0
    except (OSError, Pop3Error) as e:
        print(json.dumps({"error": str(e)}))
        return 1


if __name__ == "__main__":
    sys.exit(main())
