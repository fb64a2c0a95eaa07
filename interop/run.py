#!/usr/bin/env python3
"""Real-server interop suite for pop3_fetch (the nx_pop3_client demo client).

    python3 interop/run.py --client CMD [--client-baremetal CMD2] [--keep-logs DIR] [--only SERVER]

CMD is the client under test, split like a shell word list (for example
"build/pop3_fetch" or "python3 interop/fake_fetch.py").  It is run inside a
private network namespace as

    CMD --tap nxtap0 --ip 192.0.2.2/24 --server 192.0.2.1:PORT
        --user NAME --pass PASSWORD [--apop] [--delete] --out DIR

Needs root, iproute2, dovecot-pop3d and mailutils-pop3d.  Creates the
namespace nxpop3-<pid> with a TAP device nxtap0 (192.0.2.1/24 on the kernel
side), starts Dovecot (port 110) and GNU Mailutils pop3d (port 1110) from
configuration written to a fresh temporary directory, seeds the maildrops,
and checks the client against an independent reference client
(ref_client.py) byte for byte.  Every server case runs twice: over IPv4,
then over IPv6 (the TAP also has 2001:db8::1/64, the client gets
--ip 2001:db8::2/64 --server [2001:db8::1]:PORT; groups "dovecot-v6",
"mailutils-v6").  With --client-baremetal, CMD2 (pop3_fetch on the
bare-metal port: make pop3_fetch_baremetal) runs a handful of Dovecot cases
too (group "dovecot-baremetal": USER/PASS and APOP fetches byte for byte,
--delete, a wrong password, one IPv6 fetch).  Everything is torn down at the end, also on
failure or Ctrl-C.  Exit status 0 only if every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

SUMMARY_RE = re.compile(r"^(\d+) messages?, (\d+) bytes, ([0-9.]+) s, ([0-9.]+) MB/s$")
FETCH_TIMEOUT = 300      # generous bound for a whole maildrop
NO_SERVER_BOUND = 40     # "exit 1 within the connection timeout"
MID_KILL_BOUND = 30      # "no hang" bound for a server dying mid-download


class Interrupted(Exception):
    pass


def _on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


class Suite:
    def __init__(self, client: str, keep_logs: str | None, only: str | None,
                 client_baremetal: str | None = None):
        self.client_cmd = shlex.split(client)
        self.client_baremetal = shlex.split(client_baremetal) if client_baremetal else None
        self.keep_logs = keep_logs
        self.only = only
        self.results: list[tuple[str, str, bool, str]] = []
        self.notes: list[str] = []
        self.ns = h.Netns()
        self.workdir = h.make_workdir()
        self.logdir = os.path.join(self.workdir, "runs")
        os.makedirs(self.logdir)
        self.servers: list[h.Server] = []
        self.mini: list[subprocess.Popen] = []
        self.seq = 0
        self.probe = self.build_probe()

    def build_probe(self) -> list[str] | None:
        """Builds interop/services_probe.c against pop3_fetch's library build
        (make build/pop3_fetch first); None if that fails."""
        root = os.path.dirname(HERE)
        lib = os.path.join(root, "build", "fetch-lib", "release", "libnx_pop3_client.a")
        exe = os.path.join(self.workdir, "services_probe")
        cmd = ["cc", "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror",
               "-I" + os.path.join(root, "build", "fetch-lib", "include"), "-I" + os.path.join(root, "include"),
               "-I" + os.path.join(root, "ffi-tests", "harness"), "-o", exe, os.path.join(HERE, "services_probe.c"),
               os.path.join(root, "ffi-tests", "harness", "tx_port.c"), lib,
               "-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]
        r = h.run(cmd, check=False)
        if r.returncode != 0:
            h.log(f"services_probe.c did not build: {r.stderr.strip()[-400:]}")
            return None
        return [exe]

    # -- bookkeeping ------------------------------------------------------
    def record(self, group: str, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((group, name, ok, detail))
        h.log(f"{'PASS' if ok else 'FAIL'}  {group:10} {name}  {detail}")

    def newdir(self, label: str) -> str:
        self.seq += 1
        d = os.path.join(self.logdir, f"{self.seq:02d}-{label}")
        os.makedirs(d)
        return d

    # -- running things in the namespace -----------------------------------
    def run_client(self, label: str, server: str, user: str, password: str, out: str,
                   apop: bool = False, delete: bool = False, timeout: float = FETCH_TIMEOUT,
                   extra: list[str] | None = None, raw_args: list[str] | None = None,
                   during=None, pass_mode: str = "arg", env: dict | None = None,
                   log_dir: str | None = None, command: list[str] | None = None):
        """Run the client in the namespace.  Returns (rc or None on timeout,
        stdout, stderr, seconds).  ``during`` is polled while it runs.
        ``pass_mode``: the password as --pass ("arg"), in POP3_PASSWORD
        ("env") or in a file given with --pass-file ("file")."""
        # A new client run may bring a new MAC address: forget the old one.
        h.run(self.ns.wrap(["ip", "neigh", "flush", "dev", h.TAP]), check=False)
        h.run(self.ns.wrap(["ip", "-6", "neigh", "flush", "dev", h.TAP]), check=False)
        base = os.path.join(log_dir or (os.path.dirname(out) if out else self.logdir), f"client-{label}")
        child_env = dict(os.environ)
        child_env.pop("POP3_PASSWORD", None)
        child_env.pop("POP3_FETCH_TEST_EXIT", None)
        child_env.update(env or {})
        if raw_args is None:
            cidr = h.CLIENT_CIDR6 if h.USE_V6 else h.CLIENT_CIDR
            args = ["--tap", h.TAP, "--ip", cidr, "--server", server, "--user", user]
            if pass_mode == "env":
                child_env["POP3_PASSWORD"] = password
            elif pass_mode == "file":
                with open(base + ".pw", "w") as f:
                    f.write(password + "\n")
                args += ["--pass-file", base + ".pw"]
            else:
                args += ["--pass", password]
            if apop:
                args.append("--apop")
            if delete:
                args.append("--delete")
            args += ["--out", out] + (extra or [])
        else:
            args = raw_args
        with open(base + ".stdout", "wb") as so, open(base + ".stderr", "wb") as se:
            so_path, se_path = so.name, se.name
            t0 = time.monotonic()
            p = subprocess.Popen(self.ns.wrap((command or self.client_cmd) + args), stdin=subprocess.DEVNULL,
                                 stdout=so, stderr=se, env=child_env)
            rc = None
            try:
                while True:
                    rc = p.poll()
                    if rc is not None:
                        break
                    if time.monotonic() - t0 > timeout:
                        p.kill()
                        p.wait()
                        rc = None
                        break
                    if during:
                        during()
                    time.sleep(0.02)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            dt = time.monotonic() - t0
        with open(so_path, "rb") as f:
            out_text = f.read().decode(errors="replace")
        with open(se_path, "rb") as f:
            err_text = f.read().decode(errors="replace")
        return rc, out_text, err_text, dt

    def ref_fetch(self, server: h.Server, user: str, apop: bool, out: str,
                  password: str | None = None) -> dict:
        os.makedirs(out, exist_ok=True)
        cmd = [sys.executable, os.path.join(HERE, "ref_client.py"), "--server", server.address,
               "--user", server.login_name(user), "--pass", password or h.PASSWORDS[user],
               "--out", out] + (["--apop"] if apop else [])
        r = h.run(self.ns.wrap(cmd), check=False)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {"error": f"ref_client crashed: {r.stderr.strip()[-300:]}"}

    # -- comparisons --------------------------------------------------------
    @staticmethod
    def eml_files(d: str) -> list[str]:
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def compare_dirs(self, got: str, ref: str, count: int) -> list[str]:
        problems = []
        want = {f"{n}.eml" for n in range(1, count + 1)}
        have = set(self.eml_files(got))
        if have - want:
            problems.append(f"unexpected files {sorted(have - want)[:5]}")
        missing = sorted(want - have, key=lambda s: int(s.split(".")[0]))
        if missing:
            problems.append(f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}")
        bad = []
        for name in sorted(want & have, key=lambda s: int(s.split(".")[0])):
            with open(os.path.join(got, name), "rb") as a, open(os.path.join(ref, name), "rb") as b:
                x, y = a.read(), b.read()
            if x != y:
                i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
                bad.append(f"{name}: {len(x)} vs {len(y)} bytes, first difference at offset {i} "
                           f"(got {x[i:i + 12]!r}, want {y[i:i + 12]!r})")
        if bad:
            problems.append(f"{len(bad)} differ: " + "; ".join(bad[:3]))
        return problems

    def check_summary(self, stdout: str, count: int, total: int) -> list[str]:
        lines = [l for l in stdout.splitlines() if l.strip()]
        if not lines:
            return ["no summary line on stdout"]
        m = SUMMARY_RE.match(lines[-1].strip())
        if not m:
            return [f"summary line malformed: {lines[-1][:80]!r}"]
        problems = []
        if int(m.group(1)) != count:
            problems.append(f"summary says {m.group(1)} messages, expected {count}")
        if int(m.group(2)) != total:
            problems.append(f"summary says {m.group(2)} bytes, expected {total}")
        return problems

    @staticmethod
    def last_line(text: str) -> str:
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        return lines[-1][:160] if lines else "(nothing)"

    # -- the checks ---------------------------------------------------------
    def check_fetch(self, s: h.Server, user: str, apop: bool) -> None:
        auth = "APOP" if apop else "USER/PASS"
        name = f"fetch {user} {auth}"
        d = self.newdir(f"{s.name}-{user}-{'apop' if apop else 'user'}")
        before = self.ref_fetch(s, user, apop, os.path.join(d, "ref-before"))
        if "error" in before:
            self.record(s.name, name, False, f"reference client failed before: {before['error']}")
            return
        out = os.path.join(d, "client")
        os.makedirs(out)
        # The password travels each way a user may give it.
        pass_mode = {("alice", False): "arg", ("alice", True): "file",
                     ("bob", False): "env", ("bob", True): "file"}[(user, apop)]
        rc, so, se, dt = self.run_client("fetch", s.address, s.login_name(user), h.PASSWORDS[user],
                                         out, apop=apop, pass_mode=pass_mode)
        after = self.ref_fetch(s, user, apop, os.path.join(d, "ref-after"))
        if "error" in after:
            self.record(s.name, name, False, f"reference client failed after: {after['error']}")
            return
        count = after["count"]
        total = sum(m["len"] for m in after["messages"])
        problems = []
        if rc != 0:
            problems.append("timed out" if rc is None else f"exit {rc}: {self.last_line(se)}")
        problems += self.compare_dirs(out, os.path.join(d, "ref-after"), count)
        if rc == 0:
            problems += self.check_summary(so, count, total)
        if before["messages"] != after["messages"]:
            self.notes.append(f"{s.name}: maildrop of {user} changed between the reference "
                              f"sessions around the {auth} fetch")
        self.observe(s, user, after)
        ok = not problems
        self.record(s.name, f"{name} ({count} msgs)", ok,
                    f"{count} files identical to reference, {total} bytes, {dt:.2f} s, "
                    f"password by {pass_mode}" if ok
                    else "; ".join(problems))

    observed: set = set()

    def observe(self, s: h.Server, user: str, info: dict) -> None:
        key = (s.name, user)
        if key in self.observed:
            return
        self.observed.add(key)
        for m in info["messages"]:
            if m["octets"] is not None and m["octets"] != m["len"]:
                self.notes.append(f"{s.name}: {user} message {m['n']}: RETR announces {m['octets']} "
                                  f"octets but sends {m['len']}")
            if m["list"] is not None and m["list"] != m["len"]:
                self.notes.append(f"{s.name}: {user} message {m['n']}: LIST size {m['list']} "
                                  f"!= {m['len']} bytes sent")
        if info["messages"] and all(m["octets"] is None for m in info["messages"]):
            self.notes.append(f"{s.name}: RETR's +OK line carries no octet count")

    def check_delete(self, s: h.Server, user: str, apop: bool) -> None:
        auth = "APOP" if apop else "USER/PASS"
        d = self.newdir(f"{s.name}-{user}-delete")
        before = self.ref_fetch(s, user, apop, os.path.join(d, "ref-before"))
        problems = []
        if "error" in before:
            self.record(s.name, f"delete {user} {auth}", False, f"reference failed: {before['error']}")
            return
        out = os.path.join(d, "client")
        os.makedirs(out)
        rc, so, se, dt = self.run_client("delete", s.address, s.login_name(user), h.PASSWORDS[user],
                                         out, apop=apop, delete=True)
        if rc != 0:
            problems.append("timed out" if rc is None else f"exit {rc}: {self.last_line(se)}")
        problems += self.compare_dirs(out, os.path.join(d, "ref-before"), before["count"])
        st = s.ref_stat(user)
        if st.get("count") != 0:
            problems.append(f"second session sees {st.get('count', st.get('error'))} messages, expected 0")
        ok = not problems
        self.record(s.name, f"delete {user} {auth} ({before['count']} msgs)", ok,
                    f"all {before['count']} fetched and deleted; next session: STAT 0" if ok
                    else "; ".join(problems))
        s.reseed(user)

    def check_wrong_password(self, s: h.Server, apop: bool) -> None:
        auth = "APOP" if apop else "USER/PASS"
        d = self.newdir(f"{s.name}-badpass")
        out = os.path.join(d, "client")
        os.makedirs(out)
        rc, so, se, dt = self.run_client("badpass", s.address, s.login_name("alice"), "wrong-password",
                                         out, apop=apop, timeout=60)
        problems = []
        if rc != 1:
            problems.append("timed out" if rc is None else f"exit {rc}, expected 1")
        # In words, with the server's own reply and the NetX status.
        want = ("APOP login as " if apop else "login as ") + s.login_name("alice") + " refused by the server: -ERR"
        if want not in se or "NX_POP3_SERVER_ERROR_STATUS (0xB4)" not in se:
            problems.append(f"message lacks '{want} ...: NX_POP3_SERVER_ERROR_STATUS (0xB4)': {self.last_line(se)}")
        if self.eml_files(out):
            problems.append(f"left files {self.eml_files(out)[:5]}")
        ok = not problems
        self.record(s.name, f"wrong password {auth} -> exit 1", ok,
                    f"exit 1 in {dt:.1f} s: {self.last_line(se)}" if ok else "; ".join(problems))

    def check_no_server(self) -> None:
        d = self.newdir("no-server")
        out = os.path.join(d, "client")
        os.makedirs(out)
        rc, so, se, dt = self.run_client("noserver", f"{h.SERVER_IP}:{h.DEAD_PORT}", "alice", "x", out,
                                         timeout=NO_SERVER_BOUND + 5)
        ok = rc == 1 and dt <= 10 and not self.eml_files(out) and "connection refused" in se
        self.record("none", f"no server on port {h.DEAD_PORT} -> exit 1, 'connection refused'", ok,
                    f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")

    def start_mini(self, mode: str, d: str, listen: str | None = None) -> tuple[subprocess.Popen, str]:
        k = len(self.mini) + 1  # each instance gets its own ready/marker files
        ready = os.path.join(d, f"mini{k}-{mode}.ready")
        marker = os.path.join(d, f"mini{k}-{mode}.half-sent")
        logf = open(os.path.join(d, f"mini{k}-{mode}.log"), "wb")
        p = subprocess.Popen(self.ns.wrap([sys.executable, os.path.join(HERE, "mini_pop3.py"),
                                           "--listen", listen or f"{h.SERVER_IP}:{h.MINI_PORT}", "--mode", mode,
                                           "--ready", ready, "--marker", marker, "--timeout", "90"]),
                             stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                             start_new_session=True)
        logf.close()
        self.mini.append(p)
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            if p.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mini POP3 server ({mode}) did not start")
            time.sleep(0.02)
        return p, marker

    def stop_mini(self, p: subprocess.Popen) -> None:
        if p.poll() is None:
            p.kill()
        p.wait()

    def check_mid_download(self, mode: str) -> None:
        label = {"close": "server closes mid-download",
                 "kill": "server killed mid-download"}[mode]
        d = self.newdir(f"mini-{mode}")
        expect = os.path.join(d, "expected")
        h.run([sys.executable, os.path.join(HERE, "mini_pop3.py"), "--mode", mode, "--expect", expect])
        p, marker = self.start_mini(mode, d)
        killed = []

        def during():
            if mode == "kill" and not killed and os.path.exists(marker):
                os.kill(p.pid, signal.SIGKILL)  # our own mini server, by PID
                killed.append(time.monotonic())

        out = os.path.join(d, "client")
        os.makedirs(out)
        try:
            rc, so, se, dt = self.run_client(mode, f"{h.SERVER_IP}:{h.MINI_PORT}", "mini", "mini-pw", out,
                                             timeout=MID_KILL_BOUND, during=during)
        finally:
            self.stop_mini(p)
        problems = []
        if rc is None:
            problems.append(f"hung: still running after {MID_KILL_BOUND} s")
        elif rc != 1:
            problems.append(f"exit {rc}, expected 1")
        files = self.eml_files(out)
        if "2.eml" in files:
            problems.append("2.eml exists for the partial message")
        if "1.eml" not in files:
            problems.append("1.eml (complete message before the break) missing")
        else:
            with open(os.path.join(out, "1.eml"), "rb") as a, open(os.path.join(expect, "1.eml"), "rb") as b:
                if a.read() != b.read():
                    problems.append("1.eml differs from message 1")
        if mode == "kill" and not killed:
            problems.append("server never reached the half-sent point")
        leftovers = [f for f in files if f not in ("1.eml", "2.eml")]
        if leftovers:
            self.notes.append(f"client left {leftovers} in --out after '{label}'")
        ok = not problems
        self.record("python", f"{label} -> exit 1, no 2.eml", ok,
                    f"exit 1 after {dt:.1f} s: {self.last_line(se)}" if ok else "; ".join(problems))

    def check_dribble(self, apop: bool) -> None:
        auth = "APOP" if apop else "USER/PASS"
        d = self.newdir(f"mini-dribble-{'apop' if apop else 'user'}")
        expect = os.path.join(d, "expected")
        h.run([sys.executable, os.path.join(HERE, "mini_pop3.py"), "--mode", "dribble", "--expect", expect])
        count = len(self.eml_files(expect))
        total = sum(os.path.getsize(os.path.join(expect, f)) for f in self.eml_files(expect))
        # reference client self-check against the known bytes
        if not apop:
            p, _ = self.start_mini("dribble", d)
            try:
                ref = os.path.join(d, "ref")
                r = h.run(self.ns.wrap([sys.executable, os.path.join(HERE, "ref_client.py"), "--server",
                                        f"{h.SERVER_IP}:{h.MINI_PORT}", "--user", "mini", "--pass", "mini-pw",
                                        "--out", ref]), check=False)
            finally:
                self.stop_mini(p)
            problems = self.compare_dirs(ref, expect, count) if r.returncode == 0 else [r.stdout.strip()]
            self.record("python", "reference client self-check (tiny segments)", not problems,
                        "; ".join(problems) or f"{count} messages exact")
        p, _ = self.start_mini("dribble", d)
        out = os.path.join(d, "client")
        os.makedirs(out)
        try:
            rc, so, se, dt = self.run_client("dribble", f"{h.SERVER_IP}:{h.MINI_PORT}", "mini", "mini-pw",
                                             out, apop=apop, timeout=120)
        finally:
            self.stop_mini(p)
        problems = []
        if rc != 0:
            problems.append("timed out" if rc is None else f"exit {rc}: {self.last_line(se)}")
        problems += self.compare_dirs(out, expect, count)
        if rc == 0:
            problems += self.check_summary(so, count, total)
        ok = not problems
        self.record("python", f"tiny segments, bare CR/LF, lone dots {auth}", ok,
                    f"{count} messages exact in {dt:.1f} s" if ok else "; ".join(problems))

    def check_usage(self) -> None:
        d = self.newdir("usage")
        rc1, _, se1, _ = self.run_client("usage-none", "", "", "", os.path.join(d, "x"), raw_args=[],
                                         timeout=30)
        rc2, _, se2, _ = self.run_client("usage-noout", "", "", "", os.path.join(d, "x"),
                                         raw_args=["--tap", h.TAP, "--ip", h.CLIENT_CIDR, "--server",
                                                   f"{h.SERVER_IP}:{h.DOVECOT_PORT}", "--user", "a",
                                                   "--pass", "b"], timeout=30)
        ok = rc1 == 2 and rc2 == 2
        self.record("none", "bad usage -> exit 2", ok, f"no arguments: exit {rc1}; no --out: exit {rc2}")


    # -- issue 8: no mail loss, errors in words, options -------------------
    @staticmethod
    def contents(d: str) -> list[bytes]:
        out = []
        for name in Suite.eml_files(d):
            if name.endswith(".eml"):
                with open(os.path.join(d, name), "rb") as f:
                    out.append(f.read())
        return out

    @staticmethod
    def parts(d: str) -> list[str]:
        return [n for n in Suite.eml_files(d) if n.endswith(".part")]

    def check_two_delete_runs(self, s: h.Server) -> None:
        """Cron-like: two --delete runs into one directory, mail arriving in
        between: every message kept, nothing overwritten."""
        name = "two --delete runs into one dir, new mail between"
        d = self.newdir(f"{s.name}-two-runs")
        s.reseed("alice")
        first = self.ref_fetch(s, "alice", False, os.path.join(d, "ref-first"))
        out = os.path.join(d, "client")
        rc1, so1, se1, _ = self.run_client("run1", s.address, "alice", h.PASSWORDS["alice"], out, delete=True)
        new_mail = [b"Subject: arrived between the runs\n\nnew message body\n"]
        s.deliver("alice", new_mail)
        second = self.ref_fetch(s, "alice", False, os.path.join(d, "ref-second"))
        rc2, so2, se2, _ = self.run_client("run2", s.address, "alice", h.PASSWORDS["alice"], out, delete=True)
        problems = []
        for i, (rc, se) in enumerate(((rc1, se1), (rc2, se2)), 1):
            if rc != 0:
                problems.append(f"run {i}: exit {rc}: {self.last_line(se)}")
        if "error" in first or "error" in second:
            problems.append(f"reference failed: {first.get('error') or second.get('error')}")
        else:
            n1 = first["count"]
            want_names = [f"{n}.eml" for n in range(1, n1 + second["count"] + 1)]
            have = sorted(self.eml_files(out), key=lambda x: (len(x), x))
            if have != want_names:
                problems.append(f"files {have[:12]}, expected {want_names}")
            else:
                for n in range(1, n1 + 1):
                    if open(os.path.join(out, f"{n}.eml"), "rb").read() != \
                            open(os.path.join(d, "ref-first", f"{n}.eml"), "rb").read():
                        problems.append(f"{n}.eml (first run) differs from its message")
                for k in range(1, second["count"] + 1):
                    if open(os.path.join(out, f"{n1 + k}.eml"), "rb").read() != \
                            open(os.path.join(d, "ref-second", f"{k}.eml"), "rb").read():
                        problems.append(f"{n1 + k}.eml (second run) differs from its message")
            if second["count"] != len(new_mail):
                problems.append(f"second session saw {second['count']} messages, expected {len(new_mail)}")
        if rc2 == 0 and not so2.strip().startswith("1 message, "):
            problems.append(f"second summary should say '1 message': {so2.strip()[:60]!r}")
        st = s.ref_stat("alice")
        if st.get("count") != 0:
            problems.append(f"server still holds {st.get('count', st.get('error'))} messages")
        ok = not problems
        self.record(s.name, name, ok, f"{len(self.eml_files(out))} files, none overwritten; "
                    f"second summary '{so2.strip()[:30]}'" if ok else "; ".join(problems))
        s.reseed("alice")

    KILL_POINTS = (("part-written", 3), ("before-rename", 2), ("after-rename", 2),
                   ("before-dele", 2), ("after-dele", 2), ("before-quit", 1))

    def fresh_alice(self, s: h.Server, slug: str, name: str) -> tuple[str, list[bytes]] | None:
        """A check's start: its directory, alice's maildrop reseeded and
        fetched by the reference client into DIR/ref. Returns (DIR, the
        messages) or None after recording the check as failed."""
        d = self.newdir(f"{s.name}-{slug}")
        s.reseed("alice")
        ref = self.ref_fetch(s, "alice", False, os.path.join(d, "ref"))
        if "error" in ref:
            self.record(s.name, name, False, f"reference failed: {ref['error']}")
            return None
        return d, self.contents(os.path.join(d, "ref"))

    def check_killed_run(self, s: h.Server, point: str, k: int) -> None:
        """A --delete run killed at POINT of message K, then a normal run: no
        message lost, no partial file under a final name, no .part left."""
        name = f"killed at {point} (message {k}), then rerun: nothing lost"
        fresh = self.fresh_alice(s, f"kill-{point}", name)
        if fresh is None:
            return
        d, originals = fresh
        out = os.path.join(d, "client")
        rc1, _, se1, _ = self.run_client("killed", s.address, "alice", h.PASSWORDS["alice"], out, delete=True,
                                         env={"POP3_FETCH_TEST_EXIT": f"{point}:{k}"})
        problems = []
        if rc1 != 99:
            problems.append(f"hooked run: exit {rc1}, expected 99 (_exit at {point}): {self.last_line(se1)}")
        partial = []
        for n in self.eml_files(out):
            if n.endswith(".eml"):
                with open(os.path.join(out, n), "rb") as f:
                    if f.read() not in originals:
                        partial.append(n)
        if partial:
            problems.append(f"after the kill, {partial[:3]} hold no complete message")
        left_parts = self.parts(out)
        rc2, _, se2, _ = self.run_client("rerun", s.address, "alice", h.PASSWORDS["alice"], out, delete=True)
        if rc2 != 0:
            problems.append(f"rerun: exit {rc2}: {self.last_line(se2)}")
        got = self.contents(out)
        missing = [i + 1 for i, m in enumerate(originals) if m not in got]
        if missing:
            problems.append(f"LOST messages {missing}")
        strangers = [i for i, c in enumerate(got) if c not in originals]
        if strangers:
            problems.append(f"{len(strangers)} files hold no complete message")
        if self.parts(out):
            problems.append(f".part files left after the rerun: {self.parts(out)}")
        st = s.ref_stat("alice")
        if st.get("count") != 0:
            problems.append(f"server still holds {st.get('count', st.get('error'))} messages after the rerun")
        ok = not problems
        dup = len(got) - len(originals)
        self.record(s.name, name, ok,
                    f"all {len(originals)} kept ({dup} fetched twice), stale parts {left_parts or 'none'} "
                    f"cleaned" if ok else "; ".join(problems))
        s.reseed("alice")

    def check_timeout_words(self, s: h.Server) -> None:
        """--timeout 1 against Dovecot's delayed answer to a wrong password:
        says there was no reply within 1 s; then the right password works at
        once with the default timeout."""
        d = self.newdir(f"{s.name}-timeout")
        out = os.path.join(d, "client")
        rc, _, se, dt = self.run_client("timeout1", s.address, "alice", "wrong-password", out,
                                        extra=["--timeout", "1"], timeout=30)
        problems = []
        if rc != 1 or "no reply within 1 s" not in se or "NX_NO_PACKET" not in se:
            problems.append(f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")
        if dt > 8:
            problems.append(f"took {dt:.1f} s with --timeout 1")
        out2 = os.path.join(d, "client2")
        rc2, _, se2, dt2 = self.run_client("after", s.address, "alice", h.PASSWORDS["alice"], out2,
                                           apop=True, timeout=120)
        if rc2 != 0:
            problems.append(f"right password after failures: exit {rc2}: {self.last_line(se2)}")
        ok = not problems
        self.record(s.name, "--timeout 1 on a delayed reply; right password after failures", ok,
                    f"{self.last_line(se)[:90]} | then exit 0 in {dt2:.1f} s" if ok else "; ".join(problems))

    def check_long_credentials(self, s: h.Server) -> None:
        """A 64-byte user name and a 120-byte password (NetX's defaults: 40 / 20)."""
        for apop in (False, True):
            d = self.newdir(f"{s.name}-long-{'apop' if apop else 'user'}")
            ref = self.ref_fetch(s, h.LONG_USER, apop, os.path.join(d, "ref"), password=h.LONG_PASSWORD)
            out = os.path.join(d, "client")
            rc, so, se, dt = self.run_client("long", s.address, h.LONG_USER, h.LONG_PASSWORD, out, apop=apop,
                                             pass_mode="file")
            problems = []
            if "error" in ref:
                problems.append(f"reference failed: {ref['error']}")
            elif rc != 0:
                problems.append(f"exit {rc}: {self.last_line(se)}")
            else:
                problems += self.compare_dirs(out, os.path.join(d, "ref"), ref["count"])
            ok = not problems
            self.record(s.name, f"64-byte user, 120-byte password {'APOP' if apop else 'USER/PASS'}", ok,
                        f"{ref.get('count')} messages exact" if ok else "; ".join(problems))

    def check_out_created(self, s: h.Server) -> None:
        d = self.newdir(f"{s.name}-out-parents")
        out = os.path.join(d, "a", "b", "c")
        rc, so, se, dt = self.run_client("parents", s.address, "bob", h.PASSWORDS["bob"], out, log_dir=d)
        n = len(self.eml_files(out))
        ok = rc == 0 and n == 200
        self.record(s.name, "--out a/b/c: missing parents created", ok,
                    f"exit {rc}, {n} files in a/b/c" + ("" if ok else f": {self.last_line(se)}"))

    def check_unreachable(self) -> None:
        d = self.newdir("unreachable")
        out = os.path.join(d, "client")
        rc, _, se, dt = self.run_client("unreach", "192.0.2.99:110", "alice", "x", out,
                                        extra=["--timeout", "3"], timeout=30)
        ok = rc == 1 and "no answer within 3 s" in se and 2.5 <= dt <= 12
        self.record("none", "unreachable host -> 'no answer within 3 s'", ok,
                    f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")

    def check_ipv6_python(self) -> None:
        """IPv6 (issue 13): an unreachable IPv6 server ends in words within
        the timeout (no neighbor answers); a refused port too; IPv6 --ip or
        --server given wrong are refused in words."""
        h.USE_V6 = True
        try:
            d = self.newdir("unreachable-v6")
            out = os.path.join(d, "client")
            rc, _, se, dt = self.run_client("unreach6", "[2001:db8::99]:110", "alice", "x", out,
                                            extra=["--timeout", "3"], timeout=30)
            ok = rc == 1 and "no answer within 3 s" in se and 2.5 <= dt <= 12
            self.record("none", "IPv6: unreachable host -> 'no answer within 3 s'", ok,
                        f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")
            d = self.newdir("refused-v6")
            out = os.path.join(d, "client")
            rc, _, se, dt = self.run_client("refused6", f"[{h.SERVER_IP6}]:{h.DEAD_PORT}", "alice", "x", out,
                                            extra=["--timeout", "3"], timeout=30)
            ok = rc == 1 and dt < 5
            self.record("none", "IPv6: nobody on the port -> exit 1 at once", ok,
                        f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")
        finally:
            h.USE_V6 = False
        afile = os.path.join(self.newdir("usage-v6"), "f")
        cases = [
            (["--ip", "2001:db8::2/64", "--server", h.SERVER_IP], "an IPv4 server needs an IPv4 --ip"),
            (["--ip", h.CLIENT_CIDR, "--server", f"[{h.SERVER_IP6}]:110"], "an IPv6 server needs an IPv6 --ip"),
            (["--ip", "2001:db8::2/129", "--server", h.SERVER_IP6], "prefix length must be 1 to 128"),
            (["--ip", "ff02::1/64", "--server", h.SERVER_IP6], "not a host address"),
            (["--ip", "2001:db8::2/64", "--server", "[ff02::1]:110"], "not a usable IPv6 address"),
            (["--ip", "2001:db8::2/64", "--server", f"[{h.SERVER_IP6}]:0"], "the port must be 1 to 65535"),
            (["--ip", "2001:db8::2/64", "--server", f"[{h.SERVER_IP6}"], "expected [ADDR]:PORT"),
        ]
        problems = []
        for extra, want in cases:
            rc, _, se, _ = self.run_client("usage-v6", "", "", "", afile, timeout=30, raw_args=[
                "--tap", h.TAP, "--user", "a", "--pass", "b", "--out", os.path.dirname(afile)] + extra)
            if rc != 2 or want not in se:
                problems.append(f"{' '.join(extra)}: exit {rc}: {self.last_line(se)}")
        self.record("none", "IPv6: bad --ip/--server refused in words (exit 2)", not problems,
                    f"{len(cases)} cases" if not problems else "; ".join(problems))

    def check_apop_refusal(self, mode: str, fallback: bool) -> None:
        """--apop never sends the password unless --apop-fallback."""
        label = {"noapop": "server offers no APOP", "apop-refused": "server refuses APOP"}[mode]
        d = self.newdir(f"mini-{mode}-{'fb' if fallback else 'strict'}")
        p, _ = self.start_mini(mode, d)
        out = os.path.join(d, "client")
        try:
            rc, so, se, dt = self.run_client(mode, f"{h.SERVER_IP}:{h.MINI_PORT}", "mini", "mini-pw", out,
                                             apop=True, extra=["--apop-fallback"] if fallback else [],
                                             timeout=60)
        finally:
            self.stop_mini(p)
        with open(os.path.join(d, f"mini{len(self.mini)}-{mode}.log"), errors="replace") as f:
            cmds = [l.split()[1] for l in f if l.startswith("CMD ")]
        problems = []
        if fallback:
            if rc != 0:
                problems.append(f"exit {rc}: {self.last_line(se)}")
            if "PASS" not in cmds:
                problems.append(f"no USER/PASS fallback seen: {cmds}")
        else:
            if rc != 1:
                problems.append(f"exit {rc}, expected 1")
            if "PASS" in cmds or "USER" in cmds:
                problems.append(f"the password was sent: commands {cmds}")
            want = "does not offer APOP" if mode == "noapop" else "APOP login as mini refused by the server: -ERR"
            if want not in se:
                problems.append(f"message lacks '{want}': {self.last_line(se)}")
        ok = not problems
        self.record("python", f"--apop{' --apop-fallback' if fallback else ''}, {label}", ok,
                    (f"exit {rc}; commands {cmds}; " + self.last_line(se)[:100]) if ok else "; ".join(problems))

    def check_out_locked(self) -> None:
        """One run at a time per --out: a second one is refused, nothing sent."""
        import fcntl
        d = self.newdir("out-locked")
        out = os.path.join(d, "client")
        os.makedirs(out)
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            rc, _, se, dt = self.run_client("locked", f"{h.SERVER_IP}:{h.DEAD_PORT}", "alice", "x", out,
                                            log_dir=d, timeout=30)
        finally:
            os.close(fd)
        ok = rc == 1 and "another pop3_fetch is writing there" in se and dt < 5
        self.record("none", "--out in use by another run -> refused", ok,
                    f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")

    def check_dovecot_tool(self) -> None:
        """The README walkthrough: interop/dovecot.py up, fetch, add, fetch, down."""
        d = self.newdir("dovecot-tool")
        ns, tap = f"nxpop3dc-{os.getpid()}", "nxdctap0"
        tool = [sys.executable, os.path.join(HERE, "dovecot.py")]
        opts = ["--netns", ns, "--tap", tap]
        problems = []
        try:
            r = h.run(tool + ["up"] + opts, check=False)
            if r.returncode != 0 or "--pass-file alice.pw" not in r.stdout:
                problems.append(f"up: exit {r.returncode}: {(r.stdout + r.stderr).strip()[-200:]}")
            else:
                pw = os.path.join(d, "alice.pw")
                with open(pw, "w") as f:
                    f.write(h.PASSWORDS["alice"] + "\n")
                out = os.path.join(d, "mail")
                fetch = ["ip", "netns", "exec", ns] + self.client_cmd + [
                    "--tap", tap, "--ip", h.CLIENT_CIDR, "--server", h.SERVER_IP, "--user", "alice",
                    "--pass-file", pw, "--apop", "--delete", "--out", out]
                r1 = h.run(fetch, check=False, timeout=120)
                ra = h.run(tool + ["add", "3"] + opts, check=False)
                r2 = h.run(fetch, check=False, timeout=120)
                n = len([f for f in self.eml_files(out) if f.endswith(".eml")])
                if r1.returncode != 0 or r2.returncode != 0 or ra.returncode != 0:
                    problems.append(f"fetch/add/fetch exits {r1.returncode}/{ra.returncode}/{r2.returncode}: "
                                    f"{(r1.stderr + r2.stderr).strip()[-200:]}")
                if n != 11 or not r2.stdout.startswith("3 messages,"):
                    problems.append(f"{n} files (expected 11), second summary {r2.stdout.strip()[:40]!r}")
        finally:
            r = h.run(tool + ["down"] + opts, check=False)
            if r.returncode != 0:
                problems.append(f"down: exit {r.returncode}: {r.stderr.strip()[-200:]}")
        left = h.run(["ip", "netns", "list"], check=False).stdout
        if ns in left.split():
            problems.append(f"namespace {ns} left behind")
            h.run(["ip", "netns", "del", ns], check=False)
        ok = not problems
        self.record("dovecot", "interop/dovecot.py up, fetch, add 3, fetch, down", ok,
                    "8 + 3 messages in 11 files; namespace removed" if ok else "; ".join(problems))

    def check_usage_words(self) -> None:
        """Bad values are refused with a useful message, before connecting."""
        d = self.newdir("usage-words")
        afile = os.path.join(d, "a-file")
        open(afile, "w").close()
        base = ["--tap", h.TAP, "--server", f"{h.SERVER_IP}:{h.DOVECOT_PORT}", "--user", "a", "--pass", "b"]
        cases = [
            (["--ip", "abc", "--out", d], "not an IPv4 address"),
            (["--ip", "192.0.2.2", "--out", d], "prefix length is missing"),
            (["--ip", "192.0.2.255/24", "--out", d], "broadcast"),
            (["--ip", "255.255.255.255/24", "--out", d], "broadcast"),
            (["--ip", h.CLIENT_CIDR, "--out", afile], "not a directory"),
            (["--ip", h.CLIENT_CIDR, "--out", d, "--timeout", "0"], "--timeout"),
            (["--ip", h.CLIENT_CIDR, "--out", d, "--apop-fallback"], "--apop-fallback is for --apop"),
        ]
        problems = []
        for extra, want in cases:
            rc, _, se, dt = self.run_client("usage-w", "", "", "", afile, raw_args=base + extra, timeout=30)
            if rc != 2 or want not in se:
                problems.append(f"{' '.join(extra)}: exit {rc}: {self.last_line(se)}")
        rc, _, se, _ = self.run_client("usage-nopass", "", "", "", afile, timeout=30, raw_args=[
            "--tap", h.TAP, "--ip", h.CLIENT_CIDR, "--server", h.SERVER_IP, "--user", "a", "--out", d])
        if rc != 2 or "no password" not in se:
            problems.append(f"no password: exit {rc}: {self.last_line(se)}")
        ok = not problems
        self.record("none", "bad --ip/--out/--timeout/password refused in words (exit 2)", ok,
                    f"{len(cases) + 1} cases" if ok else "; ".join(problems))

    # -- issue 12: --capa, --keep, --maildir, the services ------------------
    MAILDIR_NAME = re.compile(r"^\d+\.M\d{6}P\d+Q\d+\..+$")
    # Headers GNU Mailutils adds or rewrites when a session touches a mailbox.
    VOLATILE = (b"x-uidl:", b"x-imapbase:", b"x-uid:", b"status:")

    @classmethod
    def stable(cls, s: h.Server, messages: list[bytes]) -> list[bytes]:
        """The messages as a sorted list, without the headers the server
        rewrites between sessions (Mailutils); as they are for Dovecot."""
        if isinstance(s, h.Dovecot):
            return sorted(messages)
        out = []
        for m in messages:
            head, sep, body = m.partition(b"\r\n\r\n") if b"\r\n\r\n" in m else m.partition(b"\n\n")
            lines = [l for l in head.splitlines(keepends=True) if not l.lower().startswith(cls.VOLATILE)]
            out.append(b"".join(lines) + sep + body)
        return sorted(out)

    def check_capa(self, s: h.Server) -> None:
        """--capa prints the server's CAPA lines (UIDL and TOP among them) and
        downloads nothing."""
        d = self.newdir(f"{s.name}-capa")
        rc, so, se, _ = self.run_client("capa", s.address, s.login_name("alice"), h.PASSWORDS["alice"], "",
                                        raw_args=["--tap", h.TAP, "--ip", h.client_cidr(), "--server", s.address,
                                                  "--user", s.login_name("alice"), "--pass",
                                                  h.PASSWORDS["alice"], "--capa"], log_dir=d)
        lines = [l.split(" ")[0].upper() for l in so.splitlines() if l.strip()]
        ok = rc == 0 and "UIDL" in lines and "TOP" in lines
        self.record(s.name, "--capa prints the capabilities", ok,
                    f"{', '.join(lines)}" if ok else f"exit {rc}: {self.last_line(se)}; stdout {so[:120]!r}")

    def check_keep_twice(self, s: h.Server) -> None:
        """--keep twice: the second run fetches nothing and the mail stays;
        (Dovecot) a message added between runs is then fetched alone."""
        name = "--keep twice: nothing new the second time, mail stays" + \
            ("; a new message fetched alone" if isinstance(s, h.Dovecot) else "")
        fresh = self.fresh_alice(s, "keep-twice", name)
        if fresh is None:
            return
        d, originals = fresh
        out = os.path.join(d, "client")
        user = s.login_name("alice")
        problems = []
        rc1, so1, se1, _ = self.run_client("keep1", s.address, user, h.PASSWORDS["alice"], out, extra=["--keep"])
        if rc1 != 0:
            problems.append(f"run 1: exit {rc1}: {self.last_line(se1)}")
        if self.stable(s, self.contents(out)) != self.stable(s, originals):
            problems.append(f"run 1: {len(self.contents(out))} files, not the {len(originals)} messages")
        rc2, so2, se2, _ = self.run_client("keep2", s.address, user, h.PASSWORDS["alice"], out, extra=["--keep"])
        if rc2 != 0 or not so2.startswith("0 messages, "):
            problems.append(f"run 2: exit {rc2}, summary {so2.strip()[:40]!r}: {self.last_line(se2)}")
        if len(self.contents(out)) != len(originals):
            problems.append(f"run 2 wrote files: {len(self.contents(out))} now")
        st = s.ref_stat("alice")
        if st.get("count") != len(originals):
            problems.append(f"server holds {st.get('count', st.get('error'))} messages, expected {len(originals)}")
        if isinstance(s, h.Dovecot):
            new = b"Subject: arrived between --keep runs\n\nonly this one is new\n"
            s.deliver("alice", [new])
            rc3, so3, se3, _ = self.run_client("keep3", s.address, user, h.PASSWORDS["alice"], out,
                                               extra=["--keep"])
            got = self.contents(out)
            added = [c for c in got if c not in originals]
            if rc3 != 0 or not so3.startswith("1 message, "):
                problems.append(f"run 3: exit {rc3}, summary {so3.strip()[:40]!r}: {self.last_line(se3)}")
            if len(got) != len(originals) + 1 or len(added) != 1 or \
                    added[0].replace(b"\r\n", b"\n").rstrip(b"\n") != new.rstrip(b"\n"):
                problems.append(f"run 3: {len(got)} files, {len(added)} new")
        ok = not problems
        self.record(s.name, name, ok, f"{len(self.contents(out))} files" if ok else "; ".join(problems))
        s.reseed("alice")

    KEEP_KILL_POINTS = (("before-rename", 2), ("after-rename", 2), ("before-state", 3))

    def check_keep_killed(self, s: h.Server, point: str, k: int) -> None:
        """--keep killed at POINT of message K, then --keep again: every message
        exactly once (none lost, none fetched twice), all still on the server."""
        name = f"--keep killed at {point} (message {k}), rerun: each message once"
        fresh = self.fresh_alice(s, f"keep-kill-{point}", name)
        if fresh is None:
            return
        d, originals = fresh
        out = os.path.join(d, "client")
        user = s.login_name("alice")
        problems = []
        uids_before = self.ref_services(s, "alice").get("uidl")
        rc1, _, se1, _ = self.run_client("killed", s.address, user, h.PASSWORDS["alice"], out, extra=["--keep"],
                                         env={"POP3_FETCH_TEST_EXIT": f"{point}:{k}"})
        if rc1 != 99:
            problems.append(f"hooked run: exit {rc1}, expected 99: {self.last_line(se1)}")
        rc2, _, se2, _ = self.run_client("rerun", s.address, user, h.PASSWORDS["alice"], out, extra=["--keep"])
        if rc2 != 0:
            problems.append(f"rerun: exit {rc2}: {self.last_line(se2)}")
        uids_after = self.ref_services(s, "alice").get("uidl")
        got = self.contents(out)
        note = ""
        if self.stable(s, got) != self.stable(s, originals):
            stable_got = self.stable(s, got)
            missing = sum(1 for m in self.stable(s, originals) if m not in stable_got)
            if missing == 0 and uids_before != uids_after:
                # GNU Mailutils builds unique-ids from a UIDVALIDITY it takes from
                # the clock until a session writes it into the mailbox, so a
                # session killed before QUIT leaves ids the next session does
                # not repeat (against RFC 1939 section 7). --keep can only go by
                # the ids: refetching is right then; losing would not be.
                note = f" (the server changed its unique-ids between sessions: {len(got) - len(originals)} refetched, none lost)"
            else:
                problems.append(f"{len(got)} files for {len(originals)} messages ({missing} missing)")
        if self.parts(out):
            problems.append(f".part files left: {self.parts(out)}")
        st = s.ref_stat("alice")
        if st.get("count") != len(originals):
            problems.append(f"server holds {st.get('count', st.get('error'))} messages")
        ok = not problems
        self.record(s.name, name, ok, (f"{len(got)} files, none twice" if not note else f"{len(got)} files{note}")
                    if ok else "; ".join(problems))
        s.reseed("alice")

    def check_maildir(self, s: h.Server) -> None:
        """--maildir: every message in new/ under a Maildir name, tmp/ empty."""
        fresh = self.fresh_alice(s, "maildir", "--maildir")
        if fresh is None:
            return
        d, originals = fresh
        md = os.path.join(d, "Maildir")
        rc, _, se, _ = self.run_client("maildir", s.address, s.login_name("alice"), h.PASSWORDS["alice"], "",
                                       raw_args=["--tap", h.TAP, "--ip", h.client_cidr(), "--server", s.address,
                                                 "--user", s.login_name("alice"), "--pass", h.PASSWORDS["alice"],
                                                 "--maildir", md], log_dir=d)
        problems = []
        if rc != 0:
            problems.append(f"exit {rc}: {self.last_line(se)}")
        names = sorted(os.listdir(os.path.join(md, "new"))) if os.path.isdir(os.path.join(md, "new")) else []
        got = []
        for n in names:
            with open(os.path.join(md, "new", n), "rb") as f:
                got.append(f.read())
        if self.stable(s, got) != self.stable(s, originals):
            problems.append(f"new/ holds {len(got)} files, not the {len(originals)} messages")
        bad = [n for n in names if not self.MAILDIR_NAME.match(n)]
        if bad:
            problems.append(f"not Maildir names: {bad[:3]}")
        for sub in ("tmp", "cur"):
            p = os.path.join(md, sub)
            if not os.path.isdir(p) or os.listdir(p):
                problems.append(f"{sub}/ missing or not empty")
        ok = not problems
        self.record(s.name, "--maildir: new/ holds every message, tmp/ empty", ok,
                    f"{len(names)} files, e.g. new/{names[0] if names else ''}" if ok else "; ".join(problems))

    def check_keep_no_uidl(self) -> None:
        """--keep against a server without UIDL: refused in words, nothing fetched."""
        d = self.newdir("mini-keep-no-uidl")
        p, _ = self.start_mini("noapop", d)
        out = os.path.join(d, "client")
        try:
            rc, _, se, _ = self.run_client("keep-no-uidl", f"{h.SERVER_IP}:{h.MINI_PORT}", "mini", "mini-pw", out,
                                           extra=["--keep"], timeout=30)
        finally:
            self.stop_mini(p)
        ok = rc == 1 and "--keep needs unique-ids" in se and not self.contents(out)
        self.record("python", "--keep refused when the server has no UIDL", ok,
                    self.last_line(se) if not ok else self.last_line(se)[:100])

    def check_gateway(self) -> None:
        """--gateway: a server off the TAP link (198.51.100.7, an address of the
        namespace behind its TAP address 192.0.2.1) is reached through the
        gateway; without --gateway the tool refuses in words."""
        far = "198.51.100.7"
        d = self.newdir("mini-gateway")
        self.ns.exec_check(["ip", "addr", "add", f"{far}/32", "dev", "lo"])
        p, _ = self.start_mini("noapop", d, listen=f"{far}:{h.MINI_PORT}")
        out = os.path.join(d, "client")
        try:
            rc, so, se, _ = self.run_client("gateway", f"{far}:{h.MINI_PORT}", "mini", "mini-pw", out,
                                            extra=["--gateway", h.SERVER_IP], timeout=60)
        finally:
            self.stop_mini(p)
        rc2, _, se2, _ = self.run_client("no-gateway", f"{far}:{h.MINI_PORT}", "mini", "mini-pw",
                                         os.path.join(d, "client2"), timeout=30)
        self.ns.exec_check(["ip", "addr", "del", f"{far}/32", "dev", "lo"])
        problems = []
        if rc != 0 or len(self.contents(out)) != 2:
            problems.append(f"with --gateway: exit {rc}, {len(self.contents(out))} files: {self.last_line(se)}")
        if rc2 != 2 or "--gateway" not in se2:
            problems.append(f"without --gateway: exit {rc2}: {self.last_line(se2)}")
        ok = not problems
        self.record("python", "--gateway reaches a server off the link; refused without it", ok,
                    f"2 messages via {h.SERVER_IP}" if ok else "; ".join(problems))

    def check_services(self, s: h.Server) -> None:
        """The C services through interop/services_probe.c: CAPA, STAT, the
        UIDL and LIST walks, UIDL n, TOP n 0, NOOP, DELE + RSET, compared
        with poplib's answers."""
        name = "services: CAPA, UIDL/LIST walks, UIDL n, TOP, NOOP, RSET"
        if not self.probe:
            self.record(s.name, name, False, "interop/services_probe.c did not build")
            return
        d = self.newdir(f"{s.name}-services")
        s.reseed("alice")
        before = self.ref_services(s, "alice")
        rc, so, se, _ = self.run_client("probe", s.address, "", "", "", log_dir=d, raw_args=[
            "--tap", h.TAP, "--ip", h.client_cidr(), "--server", s.address, "--user", s.login_name("alice"),
            "--pass", h.PASSWORDS["alice"]], command=self.probe)
        after = self.ref_services(s, "alice")
        if "error" in before or "error" in after:
            self.record(s.name, name, False, f"reference failed: {before.get('error') or after.get('error')}")
            return
        problems = []
        try:
            got = json.loads(so)
        except ValueError:
            got = {}
            problems.append(f"exit {rc}: {self.last_line(se)}; stdout {so[:100]!r}")
        # Mailutils rewrites a mailbox when a session ends: the probe's view
        # must be poplib's view of the session before it or after it.
        def view(v: dict, key: str):
            x = v.get(key)
            if key == "top_headers" and isinstance(x, list) and not isinstance(s, h.Dovecot):
                x = [l for l in x if not l.lower().encode().startswith(self.VOLATILE)]
            return x
        for key in ("uidl", "list", "uidl_one", "top_headers", "count_after_rset"):
            if view(got, key) not in (view(before, key), view(after, key)):
                problems.append(f"{key}: {str(got.get(key))[:80]} != {str(after.get(key))[:80]}")
        if not got.get("capa_uidl") or not got.get("capa_top"):
            problems.append(f"CAPA flags: {got.get('capa_flags')}")
        if got.get("noop") != 0 or got.get("rset") != 0:
            problems.append(f"NOOP {got.get('noop')} RSET {got.get('rset')}")
        ok = not problems and rc == 0
        self.record(s.name, name, ok, f"{len(got.get('uidl', []))} unique-ids, pipelining "
                    f"{'offered' if got.get('capa_pipelining') else 'not offered'}" if ok else "; ".join(problems))
        s.reseed("alice")

    def ref_services(self, s: h.Server, user: str) -> dict:
        code = r"""
import json, poplib, sys
a = sys.argv[1]
if a.startswith('['):  # [IPv6]:PORT
    host, _, port = a[1:].partition(']:')
else:
    host, _, port = a.partition(':')
c = poplib.POP3(host, int(port) if port else 110)
c.user(sys.argv[2]); c.pass_(sys.argv[3])
n, _ = c.stat()
uidl = [l.decode().split(' ', 1)[1] for l in c.uidl()[1]]
lst = [int(l.split()[1]) for l in c.list()[1]]
one = c.uidl(1).decode().split()[2] if n else ''
top = [l.decode('latin-1') for l in c.top(1, 0)[1]] if n else []
hdr = top[:top.index('')] if '' in top else top
c.dele(1); c.rset()
after = c.stat()[0]
c.quit()
print(json.dumps({'uidl': uidl, 'list': lst, 'uidl_one': one, 'top_headers': hdr, 'count_after_rset': after}))
"""
        r = h.run(self.ns.wrap([sys.executable, "-c", code, s.address, s.login_name(user), h.PASSWORDS[user]]),
                  check=False)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {"error": r.stderr.strip()[-300:]}

    # -- driver ------------------------------------------------------------
    def server_cases(self, s: h.Server) -> None:
        for user in ("alice", "bob"):
            for apop in (False, True):
                self.check_fetch(s, user, apop)
        self.check_delete(s, "alice", False)
        self.check_delete(s, "bob", True)
        self.check_fetch(s, "alice", True)  # maildrop is whole again after reseeding
        self.check_capa(s)
        self.check_services(s)
        self.check_keep_twice(s)
        for point, k in self.KEEP_KILL_POINTS:
            self.check_keep_killed(s, point, k)
        self.check_maildir(s)
        for apop in (False, True):
            self.check_wrong_password(s, apop)
        if isinstance(s, h.Dovecot):
            self.check_timeout_words(s)
            self.check_two_delete_runs(s)
            for point, k in self.KILL_POINTS:
                self.check_killed_run(s, point, k)
            self.check_long_credentials(s)
            self.check_out_created(s)

    def baremetal_cases(self, s: h.Server) -> None:
        """pop3_fetch on the bare-metal port (issue 10, item 4: no thread of
        the library's own; every blocking call drives the polled TAP driver
        and the stack): a handful of the Dovecot cases, not the whole matrix."""
        saved = self.client_cmd
        self.client_cmd = self.client_baremetal
        s.name = "dovecot-baremetal"
        try:
            self.check_fetch(s, "alice", False)
            self.check_fetch(s, "alice", True)
            self.check_fetch(s, "bob", False)
            self.check_delete(s, "alice", False)
            self.check_wrong_password(s, False)
            h.USE_V6 = True
            s.name = "dovecot-baremetal-v6"
            self.check_fetch(s, "alice", True)
        finally:
            h.USE_V6 = False
            self.client_cmd = saved
            s.name = h.Dovecot.name

    def run(self) -> int:
        self.ns.setup()
        h.log(f"namespace {self.ns.name}, TAP {h.TAP} {h.SERVER_IP}/24, workdir {self.workdir}")
        uid, gid = h.ensure_mail_user()
        if self.only == "dovecot-baremetal" and not self.client_baremetal:
            self.record("dovecot-baremetal", "client given", False, "--only dovecot-baremetal needs --client-baremetal")
        for cls in (h.Dovecot, h.Mailutils):
            baremetal_only = self.only == "dovecot-baremetal"
            if self.only and cls.name != self.only and not (baremetal_only and cls is h.Dovecot):
                continue
            s = cls(self.ns, self.workdir, uid, gid)
            self.servers.append(s)
            try:
                s.start()
            except Exception as e:  # noqa: BLE001
                self.record(s.name, "server starts", False, str(e)[:300])
                continue
            if not baremetal_only:
                self.server_cases(s)
                # IPv6 (issue 13): every case again, client and reference client
                # connecting to [2001:db8::1]:PORT, the client at 2001:db8::2/64.
                h.USE_V6 = True
                s.name = cls.name + "-v6"
                try:
                    self.server_cases(s)
                finally:
                    h.USE_V6 = False
                    s.name = cls.name
            if cls is h.Dovecot and self.client_baremetal:
                self.baremetal_cases(s)
        if not self.only or self.only == "dovecot":
            self.check_dovecot_tool()
        if not self.only or self.only == "python":
            self.check_no_server()
            self.check_unreachable()
            self.check_ipv6_python()
            for mode in ("noapop", "apop-refused"):
                for fallback in (False, True):
                    self.check_apop_refusal(mode, fallback)
            self.check_usage_words()
            self.check_keep_no_uidl()
            self.check_gateway()
            self.check_out_locked()
            self.check_mid_download("close")
            self.check_mid_download("kill")
            self.check_dribble(False)
            self.check_dribble(True)
            self.check_usage()
        return 0

    def cleanup(self) -> None:
        for p in self.mini:
            if p.poll() is None:
                p.kill()
                p.wait()
        for s in self.servers:
            try:
                s.stop()
            except Exception as e:  # noqa: BLE001
                h.log(f"stopping {s.name}: {e}")
        self.ns.teardown()
        if self.keep_logs:
            dest = os.path.abspath(self.keep_logs)
            os.makedirs(dest, exist_ok=True)

            def ignore(path, names):
                return [n for n in names if not (os.path.isdir(os.path.join(path, n))
                                                 or os.path.isfile(os.path.join(path, n)))
                        or os.path.islink(os.path.join(path, n))]
            shutil.copytree(self.workdir, dest, ignore=ignore, dirs_exist_ok=True)
            h.log(f"logs, server configs and downloads kept in {dest}")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def report(self) -> int:
        passed = sum(1 for r in self.results if r[2])
        failed = len(self.results) - passed
        w = max([len(r[1]) for r in self.results] + [10])
        print()
        print(f"{'SERVER':10} {'CHECK':{w}} RESULT  DETAIL")
        print(f"{'-' * 10} {'-' * w} ------  ------")
        for group, name, ok, detail in self.results:
            print(f"{group:10} {name:{w}} {'PASS' if ok else 'FAIL':6}  {detail}")
        if self.notes:
            print("\nServer observations:")
            for n in dict.fromkeys(self.notes):
                print(f"  - {n}")
        print()
        print(f"interop: {passed} passed, {failed} failed")
        return 0 if failed == 0 and passed > 0 else 1


def preflight() -> str | None:
    if os.geteuid() != 0:
        return "must run as root (network namespaces, TAP devices, servers)"
    missing = [t for t in ("ip", "dovecot", "pop3d", "popauth", "useradd") if not shutil.which(t)]
    if missing:
        return (f"missing tools: {', '.join(missing)} "
                "(apt-get install -y iproute2 dovecot-pop3d mailutils-pop3d)")
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description="POP3 client interop suite (Dovecot, GNU Mailutils)")
    ap.add_argument("--client", required=True, help="client under test, e.g. build/pop3_fetch")
    ap.add_argument("--keep-logs", metavar="DIR", help="copy logs, configs and downloads here")
    ap.add_argument("--client-baremetal", metavar="CMD2",
                    help="pop3_fetch on the bare-metal port (build/pop3_fetch_baremetal): "
                         "group dovecot-baremetal")
    ap.add_argument("--only", choices=("dovecot", "mailutils", "python", "dovecot-baremetal"),
                    help="run only one server's checks (for debugging)")
    a = ap.parse_args()
    err = preflight()
    if err:
        print(f"interop: {err}", file=sys.stderr)
        return 1
    for c in (a.client, a.client_baremetal):
        exe = shlex.split(c)[0] if c else None
        if exe and not shutil.which(exe) and not os.path.exists(exe):
            print(f"interop: client {exe!r} not found", file=sys.stderr)
            return 1
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _on_signal)
    suite = Suite(a.client, a.keep_logs, a.only, a.client_baremetal)
    rc = 1
    try:
        suite.run()
        rc = 0
    except Interrupted as e:
        h.log(f"interrupted ({e}); cleaning up")
        suite.record("suite", "run completed", False, f"interrupted by {e}")
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        suite.record("suite", "run completed", False, f"{type(e).__name__}: {e}"[:300])
    finally:
        # a second Ctrl-C must not abort the cleanup
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        suite.cleanup()
    return suite.report()


if __name__ == "__main__":
    sys.exit(main())
