#!/usr/bin/env python3
"""Issue 11's end-to-end test: the POP3 firmware in QEMU against a real Dovecot.

    python3 firmware/mps2-an386/run_firmware_test.py --elf build/firmware/pop3_app.elf [--keep-logs DIR]
    python3 firmware/mps2-an386/run_firmware_test.py --client "build/pop3_fetch"   # the same checks, host client

Reuses the interop suite's machinery (interop/harness.py and the Suite of
interop/run.py): a private network namespace with the TAP nxtap0
(192.0.2.1/24), a self-contained Dovecot seeded with the suite's maildrops
(dot lines, 8-bit data, a 1 MiB message, an empty message, 200 small ones),
the independent reference client. The client under test is the firmware
through qemu_fetch.py (pop3_fetch's command line, QEMU with the LAN9118 on
nxtap0). Checks:

- alice and bob, USER/PASS and APOP: every file the firmware wrote is
  byte for byte what the reference client downloads, and the summary line
  agrees with the maildrop;
- --delete (USER/PASS and APOP): every message fetched, the next session's
  STAT says 0;
- a wrong password (USER/PASS and APOP): exit status 1, the NetX status
  (NX_POP3_SERVER_ERROR_STATUS, 0xB4) in the output, no message file;
- no server on the port: exit status 1 within 40 s, no message file.

The interop suite's other checks are about pop3_fetch's command line
(password files, locks, messages in words) and are not run here. Bounded in
time; everything is torn down whatever happens.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "..", "..", "interop")
sys.path.insert(0, os.path.abspath(INTEROP))
import harness as h  # noqa: E402
import run as interop  # noqa: E402

NO_SERVER_BOUND = 40


class FirmwareSuite(interop.Suite):
    def run_client(self, *args, **kwargs):
        # The firmware takes the password on its command line only.
        kwargs["pass_mode"] = "arg"
        return super().run_client(*args, **kwargs)

    def check_wrong_password_fw(self, s: h.Server, apop: bool) -> None:
        auth = "APOP" if apop else "USER/PASS"
        d = self.newdir(f"{s.name}-badpass-{'apop' if apop else 'user'}")
        out = os.path.join(d, "client")
        os.makedirs(out)
        rc, so, se, dt = self.run_client("badpass", s.address, s.login_name("alice"), "wrong-password",
                                         out, apop=apop, timeout=90)
        problems = []
        if rc != 1:
            problems.append("timed out" if rc is None else f"exit {rc}, expected 1")
        if "0xB4" not in se:
            problems.append(f"no NX_POP3_SERVER_ERROR_STATUS (0xB4) in the output: {self.last_line(se)}")
        if self.eml_files(out):
            problems.append(f"left files {self.eml_files(out)[:5]}")
        ok = not problems
        self.record(s.name, f"wrong password {auth} -> exit 1", ok,
                    f"exit 1 in {dt:.1f} s: {self.last_line(se)}" if ok else "; ".join(problems))

    def check_no_server_fw(self) -> None:
        d = self.newdir("no-server")
        out = os.path.join(d, "client")
        os.makedirs(out)
        rc, so, se, dt = self.run_client("noserver", f"{h.SERVER_IP}:{h.DEAD_PORT}", "alice", "x", out,
                                         timeout=NO_SERVER_BOUND + 5)
        ok = rc == 1 and dt <= NO_SERVER_BOUND and not self.eml_files(out)
        self.record("none", f"no server on port {h.DEAD_PORT} -> exit 1 within {NO_SERVER_BOUND} s", ok,
                    f"exit {rc} after {dt:.1f} s: {self.last_line(se)}")

    def run(self) -> int:
        self.ns.setup()
        h.log(f"namespace {self.ns.name}, TAP {h.TAP} {h.SERVER_IP}/24, workdir {self.workdir}")
        uid, gid = h.ensure_mail_user()
        s = h.Dovecot(self.ns, self.workdir, uid, gid)
        self.servers.append(s)
        s.start()
        for user in ("alice", "bob"):
            for apop in (False, True):
                self.check_fetch(s, user, apop)
        self.check_delete(s, "alice", False)
        self.check_delete(s, "bob", True)
        for apop in (False, True):
            self.check_wrong_password_fw(s, apop)
        self.check_no_server_fw()
        # check_fetch names how it meant to pass the password; here it was always --pass.
        self.results = [(g, n, ok, d.replace("password by file", "password by arg")
                         .replace("password by env", "password by arg")) for g, n, ok, d in self.results]
        return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = ap.add_mutually_exclusive_group(required=True)
    who.add_argument("--elf", help="the POP3 firmware (run in QEMU through qemu_fetch.py)")
    who.add_argument("--client", help="another client with pop3_fetch's command line (to test this script)")
    ap.add_argument("--keep-logs", metavar="DIR")
    a = ap.parse_args()
    err = interop.preflight()
    if err:
        print(f"firmware-test: {err}", file=sys.stderr)
        return 1
    if a.elf:
        if not os.path.exists(a.elf):
            print(f"firmware-test: {a.elf} not found", file=sys.stderr)
            return 1
        client = f"{shlex.quote(sys.executable)} {shlex.quote(os.path.join(HERE, 'qemu_fetch.py'))} " \
                 f"--elf {shlex.quote(os.path.abspath(a.elf))} --"
    else:
        client = a.client
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, interop._on_signal)
    suite = FirmwareSuite(client, a.keep_logs, "dovecot")
    t0 = time.monotonic()
    try:
        suite.run()
    except interop.Interrupted as e:
        h.log(f"interrupted ({e}); cleaning up")
        suite.record("suite", "run completed", False, f"interrupted by {e}")
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        suite.record("suite", "run completed", False, f"{type(e).__name__}: {e}"[:300])
    finally:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        suite.cleanup()
    h.log(f"{time.monotonic() - t0:.0f} s")
    return suite.report()


if __name__ == "__main__":
    sys.exit(main())
