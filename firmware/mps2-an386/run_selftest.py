#!/usr/bin/env python3
"""Run the firmware self-tests in QEMU (mps2-an386), bounded in time.

    python3 firmware/mps2-an386/run_selftest.py --driver-elf ELF --fault-elf ELF --options-elf ELF
        [--polling-elf ELF]
        [--flood 2000:1400:1,2000:1400:6,5000:56:64] [--timeout 300]

1. test_fault.elf: an undefined instruction must end QEMU with status 3 and a
   HardFault report (no network).
2. test_app_options.elf: pop3_app's options given with -append arrive
   through semihosting and parse as pop3_fetch's; a file written in --out
   (.part, then renamed) holds the exact bytes; bad options exit 1.
3. test_lan9118.elf: in a private network namespace with a TAP (192.0.2.1/24,
   the kernel's side), QEMU runs the driver self-test with a TAP netdev and
   a lan9118 NIC (`-nic tap,...,model=lan9118` spelled as -netdev + -net nic,
   so the monitor can name the link). When the firmware prints LINK-OFF? and
   LINK-ON?, the host pulls and restores the cable through QEMU's monitor
   (set_link n0 off / on). When the firmware prints READY, the host
   floods `ping -f -c COUNT -s SIZE -l PRELOAD 192.0.2.2` for each --flood
   COUNT:SIZE:PRELOAD (PRELOAD echo requests in flight at once; by default
   2000 x 1400 bytes with 1 and with 6 in flight, and 5000 x 56 bytes with 64
   in flight, many frames per interrupt), then tells the firmware how many
   echo requests it sent in all (UDP "END <n>" to port 7777). Passes only if the
   firmware exits 0 (it counted every request and every check passed), ping
   saw every reply, and the firmware reported the MAC address QEMU was given.

Why 6 full-size frames in flight at most: QEMU's LAN9118 model holds 2640 words of received
data (10.3 KiB, 7 frames of 1442 bytes) and silently discards a frame that
does not fit (its RX_DROP counter is not modelled), while QEMU hands the NIC
a whole burst from the TAP at once. With more than 7 full-size frames in
flight, frames are lost before any driver can see them; `--pcap FILE` records
what QEMU passed to the NIC, to tell such losses from the driver's.

Needs root (network namespace, TAP). Everything it starts is stopped by PID
and the namespace deleted, whatever happens (also on timeout or Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

NS_PREFIX = "firmware-selftest"
TAP = "fwtap0"
HOST_IP = "192.0.2.1"
FW_IP = "192.0.2.2"
FW_MAC = "52:54:00:a3:86:02"
CONTROL_PORT = 7777

QEMU_BASE = [
    "qemu-system-arm", "-M", "mps2-an386", "-nographic", "-serial", "none",
    "-semihosting-config", "enable=on,target=native",
]


def log(msg: str) -> None:
    print(f"[selftest] {msg}", flush=True)


class Interrupted(Exception):
    pass


def _on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def run(cmd: list[str], timeout: float = 30, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, check=check)


class Qemu:
    """QEMU with its semihosting output read line by line on a thread."""

    def __init__(self, cmd: list[str]):
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_line(self, pattern: str, deadline: float) -> str | None:
        rx = re.compile(pattern)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            self.output.append(line)
            print(f"  fw| {line}", flush=True)
            if rx.search(line):
                return line

    def finish(self, deadline: float) -> int | None:
        """Waits for exit (draining output) until the deadline; None on timeout."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                line = ""
            if line is None:
                break
            if line:
                self.output.append(line)
                print(f"  fw| {line}", flush=True)
        try:
            return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            log(f"stopping QEMU (pid {self.proc.pid})")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def fault_test(elf: str, timeout: float) -> bool:
    log("test_fault: an undefined instruction must end QEMU with status 3 and a register dump")
    q = Qemu(QEMU_BASE + ["-monitor", "none", "-kernel", elf])
    try:
        rc = q.finish(time.monotonic() + timeout)
    finally:
        q.stop()
    text = "\n".join(q.output)
    ok = rc == 3 and "*** HardFault" in text and "CFSR" in text and "5 ticks waited" in text
    log(f"{'PASS' if ok else 'FAIL'}: test_fault exit status {rc}")
    return ok


def app_options_test(elf: str, timeout: float) -> bool:
    """pop3_app's options through -append, and a host file written through semihosting."""
    log("test_app_options: pop3_app's -append options and host file writing")
    ok = True
    with tempfile.TemporaryDirectory(prefix="fw-app-options-") as out:
        args = f"--server 192.0.2.9:1110 --ip 192.0.2.7 --user bob --pass pw-1 --apop --delete --stack --out {out}"
        q = Qemu(QEMU_BASE + ["-monitor", "none", "-kernel", elf, "-append", args])
        try:
            rc = q.finish(time.monotonic() + timeout)
        finally:
            q.stop()
        want = ["server 192.0.2.9:1110", "ip 192.0.2.7", "user bob", "pass pw-1", "apop 1", "delete 1",
                "stack 1", f"out {out}", f"wrote {out}/1.eml"]
        missing = [w for w in want if w not in q.output]
        try:
            with open(os.path.join(out, "1.eml"), "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        if rc != 0 or missing or data != bytes(i % 256 for i in range(768)) or os.listdir(out) != ["1.eml"]:
            log(f"FAIL: exit {rc}, missing lines {missing}, file {len(data)} bytes, dir {os.listdir(out)}")
            ok = False
        for bad in ("--user bob --bogus 1", "--pass x", "--user bob --server 300.1.2.3"):
            q = Qemu(QEMU_BASE + ["-monitor", "none", "-kernel", elf, "-append", bad])
            try:
                rc = q.finish(time.monotonic() + timeout)
            finally:
                q.stop()
            if rc != 1:
                log(f"FAIL: options '{bad}': exit {rc}, expected 1")
                ok = False
    log(f"{'PASS' if ok else 'FAIL'}: test_app_options")
    return ok


class Netns:
    def __init__(self) -> None:
        self.name = f"{NS_PREFIX}-{os.getpid()}"
        self.created = False

    def create(self) -> None:
        run(["ip", "netns", "add", self.name])
        self.created = True
        self.exec(["ip", "link", "set", "lo", "up"])
        self.exec(["ip", "tuntap", "add", "dev", TAP, "mode", "tap"])
        # No IPv6 chatter (router solicitations, MLD) on the test link.
        self.exec(["sysctl", "-q", "-w", f"net.ipv6.conf.{TAP}.disable_ipv6=1"], check=False)
        self.exec(["ip", "addr", "add", f"{HOST_IP}/24", "dev", TAP])
        self.exec(["ip", "link", "set", TAP, "up"])

    def exec(self, cmd: list[str], timeout: float = 30, check: bool = True) -> subprocess.CompletedProcess:
        return run(["ip", "netns", "exec", self.name] + cmd, timeout=timeout, check=check)

    def delete(self) -> None:
        if self.created:
            subprocess.run(["ip", "netns", "del", self.name], check=False)
            self.created = False


def monitor(path: str, command: str) -> None:
    """One command on QEMU's human monitor (a unix socket)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        time.sleep(0.2)
        s.recv(4096)  # banner and prompt
        s.sendall((command + "\n").encode())
        time.sleep(0.2)
        try:
            s.recv(4096)
        except socket.timeout:
            pass


SEND_END = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(("END %d" % int(sys.argv[1])).encode(), (sys.argv[2], int(sys.argv[3])))
"""


def driver_test(elf: str, floods: list[tuple[int, int, int]], timeout: float, pcap: str | None = None) -> bool:
    deadline = time.monotonic() + timeout
    ns = Netns()
    q = None
    ok = True
    try:
        ns.create()
        log(f"namespace {ns.name}: {TAP} {HOST_IP}/24; firmware {FW_IP}, MAC {FW_MAC}")
        # -nic tap,...,model=lan9118 spelled as netdev + nic, so that the
        # monitor can name the link (set_link n0 off) and a filter can record it.
        nic = ["-netdev", f"tap,id=n0,ifname={TAP},script=no,downscript=no",
               "-net", f"nic,model=lan9118,netdev=n0,macaddr={FW_MAC}"]
        if pcap:
            nic += ["-object", f"filter-dump,id=d0,netdev=n0,file={pcap}"]
        monitor_path = f"/tmp/{ns.name}.monitor"
        cmd = ["ip", "netns", "exec", ns.name] + QEMU_BASE + [
            "-monitor", f"unix:{monitor_path},server=on,wait=off"] + nic + ["-kernel", elf]
        q = Qemu(cmd)
        for prompt, command in (("^LINK-OFF\\?$", "set_link n0 off"), ("^LINK-ON\\?$", "set_link n0 on")):
            if q.wait_line(prompt, min(deadline, time.monotonic() + 60)) is None:
                log(f"FAIL: the firmware never asked {prompt}")
                ok = False
                break
            log(f"monitor: {command}")
            monitor(monitor_path, command)
        if ok and q.wait_line(r"^READY$", min(deadline, time.monotonic() + 60)) is None:
            log("FAIL: the firmware never became READY")
            ok = False
        if ok:
            macs = [l for l in q.output if l.startswith("mac ")]
            if not macs or macs[-1] != f"mac {FW_MAC}":
                log(f"FAIL: firmware MAC {macs[-1] if macs else '?'}, QEMU was given {FW_MAC}")
                ok = False
            total_sent = 0
            for pings, size, preload in floods:
                flood = ["ping", "-q", "-f", "-c", str(pings), "-s", str(size), "-W", "1"]
                if preload > 1:
                    flood += ["-l", str(preload)]
                log("flood: " + " ".join(flood + [FW_IP]))
                t0 = time.monotonic()
                p = ns.exec(flood + [FW_IP], timeout=max(5, deadline - time.monotonic() - 20), check=False)
                elapsed = time.monotonic() - t0
                for line in p.stdout.splitlines():
                    if "packets transmitted" in line or line.startswith("rtt"):
                        print(f"  host| {line}", flush=True)
                m = re.search(r"(\d+) packets transmitted, (\d+) received", p.stdout)
                sent, received = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
                total_sent += sent
                if not m or received != sent or sent != pings:
                    log(f"FAIL: ping transmitted {sent}, received {received} (wanted {pings} and {pings})")
                    ok = False
                else:
                    rate = sent * (size + 28) / elapsed / 1e6
                    log(f"ping (preload {preload}): {sent} sent, {received} received in {elapsed:.2f} s "
                        f"({sent / elapsed:.0f} echo/s, {rate:.2f} MB/s of IP each way; emulator figure)")
            ns.exec(["python3", "-c", SEND_END, str(total_sent), FW_IP, str(CONTROL_PORT)], check=False)
            rc = q.finish(deadline)
            if rc != 0:
                log(f"FAIL: firmware exit status {rc}")
                ok = False
            else:
                log("firmware exit status 0")
    except Interrupted as e:
        log(f"interrupted: {e}")
        ok = False
    except subprocess.TimeoutExpired as e:
        log(f"FAIL: timeout: {e}")
        ok = False
    finally:
        if q is not None:
            q.stop()
        ns.delete()
        try:
            os.unlink(f"/tmp/{ns.name}.monitor")
        except OSError:
            pass
    fails = [l for l in (q.output if q else []) if l.startswith("FAIL")]
    if fails:
        ok = False
    log(f"{'PASS' if ok else 'FAIL'}: {os.path.basename(elf)}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver-elf", required=True)
    ap.add_argument("--fault-elf", required=True)
    ap.add_argument("--options-elf", required=True)
    ap.add_argument("--polling-elf", help="the driver self-test built with NX_LAN9118_POLLING, run as well")
    ap.add_argument("--flood", default="2000:1400:1,2000:1400:6,5000:56:64",
                    help="comma-separated COUNT:SIZE:PRELOAD, one ping flood each "
                         "(ping -f -c COUNT -s SIZE -l PRELOAD; PRELOAD requests in flight)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--pcap", help="record the frames between the TAP and the NIC model (diagnostics)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        log("needs root (network namespace, TAP)")
        return 2
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    results = [fault_test(args.fault_elf, 30),
               app_options_test(args.options_elf, 30),
               driver_test(args.driver_elf,
                           [tuple(int(v) for v in f.split(":")) for f in args.flood.split(",")],
                           args.timeout, args.pcap)]
    if args.polling_elf:
        results.append(driver_test(args.polling_elf,
                                   [tuple(int(v) for v in f.split(":")) for f in args.flood.split(",")],
                                   args.timeout))
    log("all passed" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
