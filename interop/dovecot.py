#!/usr/bin/env python3
"""A Dovecot POP3 server to try pop3_fetch on, in a network namespace of its own.

    sudo python3 interop/dovecot.py up   [--netns pop3demo] [--tap tap0]
    sudo python3 interop/dovecot.py add  [N]      # N new messages for alice (default 1)
    sudo python3 interop/dovecot.py status
    sudo python3 interop/dovecot.py down

`up` creates the namespace with lo up and a TAP device whose kernel side is
192.0.2.1/24, and starts the interop suite's self-contained Dovecot there
(configuration, maildirs and log in a state directory; nothing under /etc is
read or written, except that the unprivileged user `nxpop3` is created once).
Users: alice (password Alice-pw-42, 8 messages: dot lines, 1 MiB, 8-bit...),
bob (Bob-pw-1337, 200 small messages), and a 64-byte user name with a
120-byte password (see interop/harness.py). USER/PASS and APOP both work.
It then prints the pop3_fetch command to run. `down` stops Dovecot, kills
whatever else runs in the namespace (only processes started there), deletes
the namespace and the state directory.

Same as `make dovecot-up` / `make dovecot-down`. Needs root, iproute2 and
dovecot-pop3d.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

DEFAULT_NETNS = "pop3demo"
DEFAULT_TAP = "tap0"


def state_dir(netns: str) -> str:
    base = "/run" if os.access("/run", os.W_OK) else "/tmp"
    return os.path.join(base, f"nx_pop3_dovecot-{netns}")


def load(netns: str) -> dict | None:
    try:
        with open(os.path.join(state_dir(netns), "state.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def netns_exists(name: str) -> bool:
    out = h.run(["ip", "netns", "list"], check=False).stdout
    return any(line.split()[0] == name for line in out.splitlines() if line.split())


def hint(st: dict) -> str:
    ns, tap = st["netns"], st["tap"]
    return f"""Dovecot is up in network namespace {ns}: POP3 on {h.SERVER_IP}:{h.DOVECOT_PORT}, TAP {tap}.
Users: alice / {h.PASSWORDS['alice']} (8 messages), bob / {h.PASSWORDS['bob']} (200 messages).

Fetch alice's mail with APOP (the password never travels):
  printf '%s\\n' '{h.PASSWORDS['alice']}' > alice.pw
  sudo ip netns exec {ns} build/pop3_fetch --tap {tap} --ip 192.0.2.2/24 \\
      --server {h.SERVER_IP} --user alice --pass-file alice.pw --apop --delete --out mail
New mail for alice:  sudo python3 interop/dovecot.py add 3{'' if ns == DEFAULT_NETNS else f' --netns {ns}'}
Stop everything:     sudo python3 interop/dovecot.py down{'' if ns == DEFAULT_NETNS else f' --netns {ns}'}
Server log:          {st['workdir']}/dovecot/server.log"""


def up(a) -> int:
    st = load(a.netns)
    if st and netns_exists(a.netns):
        print(hint(st))
        return 0
    if netns_exists(a.netns):
        print(f"dovecot.py: namespace {a.netns} exists but was not made by this tool; "
              f"pick another with --netns, or delete it: ip netns del {a.netns}", file=sys.stderr)
        return 1
    missing = [t for t in ("ip", "dovecot", "useradd") if not shutil.which(t)]
    if missing:
        print(f"dovecot.py: missing {', '.join(missing)} (apt-get install -y iproute2 dovecot-pop3d)",
              file=sys.stderr)
        return 1
    workdir = state_dir(a.netns)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir, mode=0o755)
    os.chmod(workdir, 0o755)  # the server's unprivileged processes traverse it
    ns = h.Netns(a.netns, a.tap)
    try:
        uid, gid = h.ensure_mail_user()
        ns.setup()
        server = h.Dovecot(ns, workdir, uid, gid)
        server.start()
    except Exception as e:  # noqa: BLE001
        print(f"dovecot.py: {e}", file=sys.stderr)
        ns.teardown()
        shutil.rmtree(workdir, ignore_errors=True)
        return 1
    st = {"netns": a.netns, "tap": a.tap, "workdir": workdir, "pid": server.proc.pid,
          "uid": uid, "gid": gid}
    with open(os.path.join(workdir, "state.json"), "w") as f:
        json.dump(st, f)
    print(hint(st))
    return 0


def attach(a) -> tuple[dict, h.Netns] | None:
    st = load(a.netns)
    if not st:
        print(f"dovecot.py: no Dovecot of this tool for namespace {a.netns} (dovecot.py up)", file=sys.stderr)
        return None
    ns = h.Netns(st["netns"], st["tap"])
    ns.created = netns_exists(st["netns"])
    return st, ns


def add(a) -> int:
    got = attach(a)
    if not got:
        return 1
    st, ns = got
    server = h.Dovecot(ns, st["workdir"], st["uid"], st["gid"], existing=True)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    server.deliver("alice", [f"From: dovecot.py@example.org\nSubject: new message {i} of {a.count} ({stamp})\n\n"
                             f"delivered by interop/dovecot.py add\n".encode() for i in range(1, a.count + 1)])
    print(f"{a.count} new message{'s' if a.count != 1 else ''} for alice")
    return 0


def status(a) -> int:
    got = attach(a)
    if not got:
        return 1
    st, ns = got
    alive = os.path.exists(f"/proc/{st['pid']}")
    print(hint(st) if alive and ns.created else f"dovecot.py: state in {st['workdir']} but Dovecot "
          f"{'runs' if alive else 'is not running'}, namespace {'exists' if ns.created else 'is gone'}: "
          f"dovecot.py down cleans up")
    return 0 if alive and ns.created else 1


def down(a) -> int:
    got = attach(a)
    if not got:
        return 1
    st, ns = got
    try:
        os.kill(st["pid"], signal.SIGTERM)  # the Dovecot master this tool started, by PID
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{st['pid']}") and time.monotonic() < deadline:
        time.sleep(0.05)
    ns.teardown()  # what is left in the namespace was started there, by us
    shutil.rmtree(st["workdir"], ignore_errors=True)
    print(f"Dovecot stopped, namespace {st['netns']} deleted")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("up", "add", "status", "down"))
    ap.add_argument("count", nargs="?", type=int, default=1, help="messages to add (add)")
    ap.add_argument("--netns", default=DEFAULT_NETNS)
    ap.add_argument("--tap", default=DEFAULT_TAP)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("dovecot.py: must run as root (network namespace, TAP device, server)", file=sys.stderr)
        return 1
    if a.command == "add" and not 1 <= a.count <= 10000:
        ap.error("count: 1 to 10000")
    return {"up": up, "add": add, "status": status, "down": down}[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
