"""Shared machinery for the interop suite: network namespace, seed messages,
self-contained Dovecot and GNU Mailutils pop3d instances.

Everything lives in a fresh temporary directory and a fresh network namespace
named ``nxpop3-<pid>``; nothing under /etc is read or written except that an
unprivileged system user ``nxpop3`` is created once (Dovecot refuses to serve
mail as root), with ``useradd --system`` if it does not exist yet.

Addresses: 192.0.2.0/24 only (TEST-NET-1).  The kernel side of the TAP device
``nxtap0`` in the namespace is 192.0.2.1 and every server listens there; the
client under test is 192.0.2.2 on the same TAP.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NS_PREFIX = "nxpop3-"
TAP = "nxtap0"
SERVER_IP = "192.0.2.1"
CLIENT_CIDR = "192.0.2.2/24"
# IPv6 (issue 13): the TAP also gets 2001:db8::1/64 (the documentation
# prefix), every server listens there too, the client is 2001:db8::2/64.
# While USE_V6 is set, Server.address is the bracketed IPv6 form.
SERVER_IP6 = "2001:db8::1"
CLIENT_CIDR6 = "2001:db8::2/64"


def client_cidr() -> str:
    """The client's --ip for the current pass (IPv6 while USE_V6 is set)."""
    return CLIENT_CIDR6 if USE_V6 else CLIENT_CIDR


USE_V6 = False
MAIL_USER = "nxpop3"
DOMAIN = "interop.test"  # Mailutils virtual domain; its users log in as NAME@interop.test

DOVECOT_PORT = 110
MAILUTILS_PORT = 1110
DEAD_PORT = 2110  # nobody listens here
MINI_PORT = 3110  # tiny Python server used for the killed-mid-download check

PASSWORDS = {"alice": "Alice-pw-42", "bob": "Bob-pw-1337"}

# A Dovecot-only user whose name and password pass NetX's default limits
# (40 / 20 bytes): pop3_fetch is built with 128-byte limits.
LONG_USER = "long-user-" + "n" * 54                       # 64 bytes
LONG_PASSWORD = "Long-pw-" + "0123456789abcdefghij" * 5 + "ABCDEFGHIJKL"  # 120 bytes


def log(msg: str) -> None:
    print(f"[interop] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)


# ---------------------------------------------------------------------------
# Seed messages
# ---------------------------------------------------------------------------

def _big_message(size: int = 1 << 20) -> bytes:
    """A deterministic message of exactly ``size`` bytes (LF line endings),
    with dot lines sprinkled through it so stuffing crosses segment borders."""
    rnd = random.Random(0x90913)
    head = b"From: big@example.org\nTo: alice@example.org\nSubject: 1 MiB message\n\n"
    parts = [head]
    n = len(head)
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_"
    i = 0
    while n < size:
        i += 1
        k = rnd.choice((0, 1, 2, 7, 60, 75, 76, 200, 998))
        line = bytes(rnd.choice(alphabet) for _ in range(k))
        if i % 17 == 0:
            line = b"." + line
        if i % 101 == 0:
            line = b"."
        line += b"\n"
        parts.append(line)
        n += len(line)
    data = b"".join(parts)[:size]
    return data[:-1] + b"\n"


def alice_messages() -> list[tuple[str, bytes]]:
    """The maildrop with the messages that matter (order = message number)."""
    eight_bit = bytes(b for b in range(1, 256) if b not in (10, 13))
    return [
        ("tiny", b"Subject: tiny\n\nx\n"),
        ("dots", b"From: dots@example.org\nSubject: dot lines\n\n"
                 b".\n..\n.x\n...\n. space\ntext\n.\nafter a lone dot\n.\r\n..\r\nlast line is a dot:\n.\n"),
        ("big-1MiB", _big_message()),
        ("utf8-8bit", "From: utf8@example.org\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\n"
                      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                      "Content-Transfer-Encoding: 8bit\n\n"
                      "Grüße aus Köln, 日本語のテキスト, emoji 🎉🚀, ½ € ß\n".encode()
                      + b"raw 8-bit:" + eight_bit + b"\n"
                      + b"latin-1: caf\xe9 na\xefve \xff\xfe\n"),
        ("bare-lf", b"Subject: bare LF inside\r\n\r\nCRLF line\r\nbare LF follows\nthen CRLF\r\n"
                    b".dot after bare LF\n.\r\nend\r\n"),
        ("no-final-newline", b"Subject: no final newline\n\nthe last line has no line ending"),
        ("long-line", b"Subject: long line\n\n" + b"L" * 4000 + b"\n.\n" + b"." * 1500 + b"\n"),
        ("empty-body", b"Subject: empty body\n\n"),
    ]


def bob_messages(count: int = 200) -> list[tuple[str, bytes]]:
    return [(f"small-{i}", f"From: bob@example.org\nSubject: small message {i}\n\nbody of message {i}\n".encode())
            for i in range(1, count + 1)]


MAILDROPS = {"alice": alice_messages, "bob": bob_messages}


# ---------------------------------------------------------------------------
# Unprivileged mail user
# ---------------------------------------------------------------------------

def hash_password(pw: str) -> str:
    """SHA-512 crypt(3) hash for the Mailutils virtual-domain passwd file."""
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt  # removed in Python 3.13
        return crypt.crypt(pw, crypt.mksalt(crypt.METHOD_SHA512))
    except ImportError:
        return run(["openssl", "passwd", "-6", pw]).stdout.strip()


def ensure_mail_user() -> tuple[int, int]:
    try:
        pw = pwd.getpwnam(MAIL_USER)
    except KeyError:
        log(f"creating system user {MAIL_USER}")
        run(["useradd", "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", MAIL_USER])
        pw = pwd.getpwnam(MAIL_USER)
    return pw.pw_uid, pw.pw_gid


def chown_tree(path: str, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)


# ---------------------------------------------------------------------------
# Network namespace
# ---------------------------------------------------------------------------

class Netns:
    def __init__(self, name: str | None = None, tap: str = TAP) -> None:
        self.name = name or f"{NS_PREFIX}{os.getpid()}"
        self.tap = tap
        self.created = False

    @staticmethod
    def remove_stale() -> None:
        """Delete nxpop3-<pid> namespaces left by runs whose process is gone."""
        out = run(["ip", "netns", "list"], check=False).stdout
        for line in out.splitlines():
            m = re.match(rf"({NS_PREFIX}(\d+))\b", line)
            if m and not os.path.exists(f"/proc/{m.group(2)}"):
                log(f"removing stale namespace {m.group(1)}")
                run(["ip", "netns", "del", m.group(1)], check=False)

    def setup(self) -> None:
        self.remove_stale()
        run(["ip", "netns", "add", self.name])
        self.created = True
        tap = self.tap
        self.exec_check(["ip", "link", "set", "lo", "up"])
        self.exec_check(["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
        # IPv6 on for the IPv6 cases, with as little chatter as the kernel
        # allows: no router solicitations, no RA processing, no DAD (the
        # client's stack drops IPv6 frames until it enables IPv6).
        for key, val in (("accept_ra", 0), ("router_solicitations", 0), ("accept_dad", 0),
                         ("dad_transmits", 0), ("disable_ipv6", 0)):
            run(self.wrap(["sysctl", "-q", "-w", f"net.ipv6.conf.{tap}.{key}={val}"]), check=False)
        self.exec_check(["ip", "addr", "add", f"{SERVER_IP}/24", "dev", tap])
        self.exec_check(["ip", "-6", "addr", "add", f"{SERVER_IP6}/64", "dev", tap, "nodad"])
        self.exec_check(["ip", "link", "set", tap, "up"])

    def exec_check(self, cmd: list[str]) -> None:
        run(self.wrap(cmd))

    def wrap(self, cmd: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name] + list(cmd)

    def pids(self) -> list[int]:
        if not self.created:
            return []
        out = run(["ip", "netns", "pids", self.name], check=False).stdout
        return [int(p) for p in out.split() if p.isdigit()]

    def teardown(self) -> None:
        if not self.created:
            return
        # Every process in this namespace was started by this run.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self.pids()
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 3
            while pids and time.monotonic() < deadline:
                pids = [p for p in pids if os.path.exists(f"/proc/{p}")]
                time.sleep(0.05)
        run(["ip", "netns", "del", self.name], check=False)
        self.created = False


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

class Server:
    name = "server"
    port = 0

    def __init__(self, ns: Netns, workdir: str, uid: int, gid: int, existing: bool = False):
        """``existing``: attach to an instance started earlier in ``workdir``
        (interop/dovecot.py), to deliver mail to it."""
        self.ns = ns
        self.dir = os.path.join(workdir, self.name)
        self.uid, self.gid = uid, gid
        self.proc: subprocess.Popen | None = None
        self.logfile = os.path.join(self.dir, "server.log")
        self.maildir_root = os.path.join(self.dir, "mail")
        os.makedirs(self.dir, exist_ok=existing)
        os.chmod(self.dir, 0o755)

    @property
    def address(self) -> str:
        if USE_V6:
            return f"[{SERVER_IP6}]:{self.port}"
        return f"{SERVER_IP}:{self.port}"

    def login_name(self, user: str) -> str:
        return user

    def _start(self, cmd: list[str]) -> None:
        with open(self.logfile, "ab") as lf:
            self.proc = subprocess.Popen(self.ns.wrap(cmd), stdin=subprocess.DEVNULL,
                                         stdout=lf, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        r = run(self.ns.wrap([sys.executable, os.path.join(HERE, "ref_client.py"),
                              "--server", self.address, "--wait-ready", "15"]), check=False)
        info = json.loads(r.stdout or "{}")
        if not info.get("ready"):
            self.stop()
            raise RuntimeError(f"{self.name} did not come up: {info}; log:\n{self.log_tail()}")
        self.greeting = info["greeting"]
        log(f"{self.name} ready on {self.address}: {self.greeting}")
        self.warm_up()

    def warm_up(self, users=None) -> None:
        """Download every maildrop once, so that first-access rewrites happen
        before anything is compared (Mailutils adds X-UIDL on first access and
        turns "Status: O" into "Status: OR" after RETR)."""
        for user in users or PASSWORDS:
            with tempfile.TemporaryDirectory(prefix="warmup-", dir=self.dir) as d:
                r = run(self.ns.wrap([sys.executable, os.path.join(HERE, "ref_client.py"),
                                      "--server", self.address, "--user", self.login_name(user),
                                      "--pass", PASSWORDS[user], "--out", d]), check=False)
                if r.returncode != 0:
                    raise RuntimeError(f"{self.name}: warm-up download for {user} failed: "
                                       f"{r.stdout.strip()} {r.stderr.strip()[-300:]}")

    def ref_stat(self, user: str, password: str | None = None) -> dict:
        r = run(self.ns.wrap([sys.executable, os.path.join(HERE, "ref_client.py"),
                              "--server", self.address, "--user", self.login_name(user),
                              "--pass", password or PASSWORDS[user], "--stat"]), check=False)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {"error": f"ref_client failed: {r.stderr.strip()[-500:]}"}

    def log_tail(self, n: int = 30) -> str:
        try:
            with open(self.logfile, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def seed(self, user: str) -> None:
        raise NotImplementedError

    def reseed(self, user: str) -> None:
        """Restore a user's maildrop (no session may be open)."""
        self.seed(user)
        self.warm_up([user])


class Dovecot(Server):
    """Dovecot 2.3, Maildir storage, passwd-file with PLAIN scheme (APOP)."""
    name = "dovecot"
    port = DOVECOT_PORT

    def start(self) -> None:
        d = self.dir
        for sub in ("run", "state"):
            os.makedirs(os.path.join(d, sub), mode=0o755)
        self.maildir_root = os.path.join(d, "mail")
        os.makedirs(self.maildir_root, mode=0o755)
        passwd = os.path.join(d, "passwd")
        with open(passwd, "w") as f:
            for user, pw in list(PASSWORDS.items()) + [(LONG_USER, LONG_PASSWORD)]:
                f.write(f"{user}:{{PLAIN}}{pw}::::::\n")
        # readable by the auth process (runs as user dovecot), not by others
        os.chown(passwd, 0, grp.getgrnam("dovecot").gr_gid)
        os.chmod(passwd, 0o640)
        conf = os.path.join(d, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"""# generated by interop/harness.py; self-contained, nothing from /etc
instance_name = {self.ns.name}-dovecot
base_dir = {d}/run
state_dir = {d}/state
protocols = pop3
listen = {SERVER_IP}, {SERVER_IP6}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain apop
log_path = {self.logfile}
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:{self.maildir_root}/%u
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passwd}
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.maildir_root}/%u
}}
service pop3-login {{
  inet_listener pop3 {{
    address = {SERVER_IP}, {SERVER_IP6}
    port = {self.port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
""")
        for user in PASSWORDS:
            self.seed(user)
        self.seed(LONG_USER)
        self._start(["dovecot", "-F", "-c", conf])

    def seed(self, user: str) -> None:
        box = os.path.join(self.maildir_root, user)
        shutil.rmtree(box, ignore_errors=True)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(box, sub))
        base = 1700000000
        drop = MAILDROPS[user]() if user in MAILDROPS else alice_messages()[:2]
        for i, (_, data) in enumerate(drop, 1):
            name = f"{base + i}.M{i:06d}P1.interop:2,S"
            with open(os.path.join(box, "cur", name), "wb") as f:
                f.write(data)
        chown_tree(box, self.uid, self.gid)

    delivered = 0

    def deliver(self, user: str, messages: list[bytes]) -> None:
        """New mail arrives (Maildir new/, as a local delivery agent writes it)."""
        box = os.path.join(self.maildir_root, user)
        for data in messages:
            Dovecot.delivered += 1
            name = f"{int(time.time())}.N{Dovecot.delivered:06d}P{os.getpid()}.interop"
            tmp = os.path.join(box, "tmp", name)
            with open(tmp, "wb") as f:
                f.write(data)
            os.chown(tmp, self.uid, self.gid)
            os.rename(tmp, os.path.join(box, "new", name))


class Mailutils(Server):
    """GNU Mailutils pop3d, mbox storage, virtual domain passwd + APOP database."""
    name = "mailutils"
    port = MAILUTILS_PORT

    def login_name(self, user: str) -> str:
        return f"{user}@{DOMAIN}"

    def start(self) -> None:
        d = self.dir
        self.spool = os.path.join(d, "mail")
        os.makedirs(self.spool, mode=0o755)
        vdir = os.path.join(d, "vdomains")
        os.makedirs(vdir, mode=0o755)
        with open(os.path.join(vdir, DOMAIN), "w") as f:
            for user, pw in PASSWORDS.items():
                f.write(f"{user}:{hash_password(pw)}:{self.uid}:{self.gid}:"
                        f"interop:{self.spool}/{user}:/bin/false\n")
        apop_db = os.path.join(d, "apop.db")
        for user, pw in PASSWORDS.items():
            run(["popauth", "--add", "--user", self.login_name(user), "--password", pw,
                 "--file", apop_db])
        os.chmod(apop_db, 0o600)
        self.lockdir = os.path.join(d, "locks")
        os.makedirs(self.lockdir, mode=0o1777)
        os.chmod(self.lockdir, 0o1777)
        conf = os.path.join(d, "pop3d.conf")
        with open(conf, "w") as f:
            f.write(f"""# generated by interop/harness.py; self-contained, nothing from /etc
logging {{
  syslog no;
}};
pidfile {d}/pop3d.pid;
tls-mode no;
auth {{
  authorization virtdomain;
  authentication generic;
}};
virtdomain {{
  passwd-dir {vdir};
}};
apop-database-file {apop_db};
apop-database-owner root;
mandatory-locking {{
  enable no;
  lock-directory {self.lockdir};
}};
tcp-wrappers {{
  enable no;
}};
server {SERVER_IP}:{self.port} {{
  tls-mode no;
  transcript no;
  timeout 600;
}};
server "inet6://[{SERVER_IP6}]:{self.port}" {{
  tls-mode no;
  transcript no;
  timeout 600;
}};
""")
        for user in PASSWORDS:
            self.seed(user)
        self._start(["pop3d", f"--config-file={conf}", "--daemon", "--foreground"])

    def seed(self, user: str) -> None:
        home = os.path.join(self.spool, user)
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        with open(os.path.join(home, "INBOX"), "wb") as f:
            for _, data in MAILDROPS[user]():
                # mbox is a Unix (LF) format: Mailutils sends a stored CRLF as
                # CR CR LF and mis-parses CR-terminated header lines, so store LF.
                data = data.replace(b"\r\n", b"\n")
                body = re.sub(rb"(?m)^(>*From )", rb">\1", data)
                if not body.endswith(b"\n"):
                    body += b"\n"
                f.write(b"From interop@example.org Mon Jan  1 00:00:00 2024\n" + body + b"\n")
        chown_tree(home, self.uid, self.gid)


def make_workdir() -> str:
    d = tempfile.mkdtemp(prefix="nxpop3-interop-")
    os.chmod(d, 0o755)  # the servers' unprivileged processes must traverse it
    return d
