#!/usr/bin/env python3
"""Tiny scripted POP3 server for the failure checks of the interop suite.

Runs inside the test namespace (``ip netns exec``) and serves ONE connection
with a fixed maildrop of two messages: a small one and a 1 MiB one.

Modes:
  close   RETR 2 sends the +OK line and half of message 2, then closes the
          connection.
  kill    RETR 2 sends the +OK line and half of message 2, creates the file
          given by --marker and then waits; the suite kills this process
          (SIGKILL, by PID) when the marker appears.
  dribble serves both messages completely but writes them in tiny TCP
          segments (TCP_NODELAY, 1..7 bytes, short pauses around line
          starts and the terminator) and with bytes real servers never send:
          a bare LF, a bare CR, ".\\r" lines and stuffed dots split across
          segments.  Used to check the client's stream handling over a real
          TCP connection.  ``--expect DIR`` writes the exact expected
          N.eml files.

  noapop  like a normal server, but the greeting has no APOP timestamp.
  apop-refused  answers every APOP with -ERR (USER/PASS works).

Accepts USER/PASS and APOP for user "mini" with password "mini-pw". Each
command's name is printed (one per line, "CMD NAME") to stdout, so that the
suite can check what the client sent (e.g. that no PASS followed a refused
APOP).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import socket
import sys
import time

USER, PASSWORD = "mini", "mini-pw"
TIMESTAMP = b"<4242.1700000000@mini.interop.test>"


def messages() -> list[bytes]:
    small = b"Subject: first\r\n\r\nsmall message\r\n"
    rnd = random.Random(7)
    lines = [b"Subject: big\r\n", b"\r\n"]
    size = sum(map(len, lines))
    while size < (1 << 20):
        line = bytes(rnd.choice(b"abcdefghij.. xyz") for _ in range(rnd.randint(0, 120))) + b"\r\n"
        lines.append(line)
        size += len(line)
    return [small, b"".join(lines)]


def dribble_messages() -> list[bytes]:
    return [
        b"Subject: wire edge cases\r\n\r\n.\r\n..\r\n...\r\n.x\r\nbare LF\ninside\r\nbare CR\rinside\r\n"
        b".\rdot CR\r\n\r\n.\r\n",
        b"Subject: ends with lone-dot lines\r\n\r\nx\r\n.\r\n.\r\n",
        b"",  # empty message: the reply body is just ".CRLF"
        b"no final CRLF in the stored data",  # sent with a CRLF appended
    ]


def stuff(msg: bytes) -> bytes:
    if msg and not msg.endswith(b"\r\n"):
        msg += b"\r\n"
    lines = re.split(b"(?<=\r\n)", msg)
    return b"".join(b"." + l if l.startswith(b".") else l for l in lines) + b".\r\n"


def expected(msg: bytes) -> bytes:
    return msg if (not msg or msg.endswith(b"\r\n")) else msg + b"\r\n"


class Session:
    def __init__(self, conn: socket.socket, mode: str, marker: str | None):
        self.c, self.mode, self.marker = conn, mode, marker
        self.f = conn.makefile("rb")
        self.msgs = dribble_messages() if mode == "dribble" else messages()
        self.rnd = random.Random(11)

    def send(self, data: bytes) -> None:
        self.c.sendall(data)

    def dribble(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            k = self.rnd.randint(1, 7)
            self.c.sendall(data[i:i + k])
            i += k
            time.sleep(0.002)

    def run(self) -> None:
        if self.mode == "noapop":
            self.send(b"+OK mini POP3 ready (no APOP here)\r\n")
        else:
            self.send(b"+OK mini POP3 ready " + TIMESTAMP + b"\r\n")
        authed = False
        while True:
            line = self.f.readline()
            if not line:
                return
            parts = line.strip().split(b" ")
            cmd = parts[0].upper()
            arg = parts[1:]
            print("CMD", cmd.decode(errors="replace"), flush=True)
            if cmd == b"USER":
                self.user = arg[0] if arg else b""
                self.send(b"+OK\r\n")
            elif cmd == b"PASS":
                authed = getattr(self, "user", b"") == USER.encode() and arg == [PASSWORD.encode()]
                self.send(b"+OK logged in\r\n" if authed else b"-ERR [AUTH] invalid\r\n")
            elif cmd == b"APOP" and self.mode == "apop-refused":
                self.send(b"-ERR [AUTH] APOP is not allowed here\r\n")
            elif cmd == b"APOP":
                good = hashlib.md5(TIMESTAMP + PASSWORD.encode()).hexdigest().encode()
                authed = arg == [USER.encode(), good]
                self.send(b"+OK logged in\r\n" if authed else b"-ERR [AUTH] invalid\r\n")
            elif cmd == b"QUIT":
                self.send(b"+OK bye\r\n")
                return
            elif not authed:
                self.send(b"-ERR not logged in\r\n")
            elif cmd == b"STAT":
                self.send(b"+OK %d %d\r\n" % (len(self.msgs), sum(map(len, self.msgs))))
            elif cmd == b"LIST" and not arg:
                body = b"".join(b"%d %d\r\n" % (i, len(m)) for i, m in enumerate(self.msgs, 1))
                self.send(b"+OK\r\n" + body + b".\r\n")
            elif cmd in (b"LIST", b"RETR", b"DELE") and arg and arg[0].isdigit() \
                    and 1 <= int(arg[0]) <= len(self.msgs):
                n = int(arg[0])
                msg = self.msgs[n - 1]
                if cmd == b"LIST":
                    self.send(b"+OK %d %d\r\n" % (n, len(msg)))
                elif cmd == b"DELE":
                    self.send(b"+OK deleted\r\n")
                elif self.mode == "dribble":
                    self.dribble(b"+OK %d octets\r\n" % len(msg) + stuff(msg))
                elif n == 2 and self.mode in ("close", "kill"):
                    data = b"+OK %d octets\r\n" % len(msg) + stuff(msg)
                    self.send(data[: len(data) // 2])
                    if self.mode == "close":
                        self.c.shutdown(socket.SHUT_RDWR)
                        self.c.close()
                        return
                    with open(self.marker, "w") as m:
                        m.write(str(os.getpid()))
                    time.sleep(3600)  # wait to be killed
                    return
                else:
                    self.send(b"+OK %d octets\r\n" % len(msg) + stuff(msg))
            elif cmd in (b"NOOP", b"RSET"):
                self.send(b"+OK\r\n")
            else:
                self.send(b"-ERR unknown command\r\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="192.0.2.1:3110")
    ap.add_argument("--mode", choices=("close", "kill", "dribble", "noapop", "apop-refused"), required=True)
    ap.add_argument("--marker", help="file created when half of message 2 was sent (kill mode)")
    ap.add_argument("--ready", help="file created once listening")
    ap.add_argument("--expect", help="write the expected N.eml files here and exit")
    ap.add_argument("--timeout", type=float, default=60.0, help="give up after this long")
    a = ap.parse_args()
    if a.expect:
        os.makedirs(a.expect, exist_ok=True)
        msgs = dribble_messages() if a.mode == "dribble" else messages()
        for n, m in enumerate(msgs, 1):
            with open(os.path.join(a.expect, f"{n}.eml"), "wb") as f:
                f.write(expected(m))
        return 0
    host, _, port = a.listen.partition(":")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(1)
    srv.settimeout(a.timeout)
    if a.ready:
        open(a.ready, "w").close()
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        return 1
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.settimeout(a.timeout)
    try:
        Session(conn, a.mode, a.marker).run()
    except OSError:
        pass
    finally:
        conn.close()
        srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
