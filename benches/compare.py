#!/usr/bin/env python3
"""Why this exists: dpty claims to do what `docker run -it` / `docker exec -it` do, faster
and leaner. This script checks that claim on the machine at hand: it runs the same
scenarios through dpty and through the docker CLI, interleaved, against one engine and
one long-running busybox container, and prints medians and dpty/docker ratios as a
Markdown table, next to what a minimal raw client written here gets out of the engine
(the limit any client can reach). It never asserts timings; it exits non-zero only when
a run produced wrong output or a client failed, and says which.

Every client run is measured as a whole child process: wall time (perf_counter around
spawn .. reap), CPU (user+sys) and peak RSS (ru_maxrss), both from wait4(2).

One trap is avoided on purpose: Linux carries a process's peak RSS across fork and exec,
so a client forked straight from this (much larger) Python process would report Python's
RSS as its own. Clients are therefore forked by `setsid` (util-linux, a few hundred KiB),
which then exits; this script is the child subreaper, inherits the client and reaps it
with wait4 itself. The same `setsid` gives each client its own session and, for the
TTY scenarios, makes the pty its controlling terminal, as a shell would.

With --ssh-host ssh://..., scenario 8 runs start-up and throughput again through ssh
(both clients start the system's `ssh` to run `docker system dial-stdio` on that host):
scripts/bench.sh sets that up against a private sshd on loopback (scripts/sshd.sh).

With a swarm from scripts/swarm.sh (its `env` in the environment), scenario 10 compares
`dpty service exec` into a task on a worker node with the workaround the docker CLI leaves:
`docker -H ssh://NODE exec CONTAINER`, for start-up and throughput, and `--all` on three tasks
with a shell loop of the same. Both run in the manager's network namespace, where the nodes'
addresses answer, with the swarm's ssh client first on PATH.

Usage: python3 benches/compare.py [--quick] [--repeats N] ...   (scripts/bench.sh builds
dpty and provides the engine first; run with --help for all options)
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import errno
import fcntl
import hashlib
import http.client
import json
import os
import pty
import select
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.parse

MB = 1_000_000
MIB = 1 << 20
BLOCK = 1 << 20  # read buffer and stdin feed block
PR_SET_CHILD_SUBREAPER = 36
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENTS = ("dpty", "docker")


class BenchError(Exception):
    """A run that cannot be measured (setup failure, hang, wrong output)."""


# --- talking to the engine without a client (the raw limit) -------------------------------


def engine_address(host: str) -> tuple[str, object]:
    """DOCKER_HOST as ("unix", path) or ("tcp", (host, port))."""
    if host.startswith("unix://"):
        return "unix", host[len("unix://") :]
    if host.startswith("tcp://"):
        hostport = host[len("tcp://") :].rstrip("/")
        name, _, port = hostport.rpartition(":")
        return "tcp", (name, int(port))
    raise BenchError(f"unsupported DOCKER_HOST for the raw client: {host}")


def engine_socket(host: str) -> socket.socket:
    kind, addr = engine_address(host)
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(addr)
        return sock
    return socket.create_connection(addr)


class EngineConnection(http.client.HTTPConnection):
    """http.client over DOCKER_HOST (unix socket or tcp)."""

    def __init__(self, host: str):
        super().__init__("docker", timeout=60)
        self._docker_host = host

    def connect(self) -> None:
        self.sock = engine_socket(self._docker_host)


def api(host: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    conn = EngineConnection(host)
    try:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else None)
    finally:
        conn.close()


def raw_main(argv: list[str]) -> int:
    """The raw client: create an exec, start it hijacked, count bytes to EOF.

    This is the least any client has to do for `exec C head -c N /dev/zero`. The count
    is of every byte after the 101 response headers: with a TTY that is the output
    itself; without one it also includes the 8-byte frame header of each multiplexed
    frame (not parsed here, only checked to be a whole number of headers).
    With --true it runs `true` instead: the engine's floor for `exec -it C true`,
    up to the inspect that tells the exit code, as a client must do.
    """
    p = argparse.ArgumentParser(prog="compare.py _raw")
    p.add_argument("--host", required=True)
    p.add_argument("--container", required=True)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--tty", action="store_true")
    p.add_argument("--true", action="store_true", help="run `true` (start-up floor)")
    a = p.parse_args(argv)
    cmd = ["true"] if a.true else ["head", "-c", str(a.bytes), "/dev/zero"]

    t0 = time.perf_counter()
    status, created = api(
        a.host,
        "POST",
        f"/containers/{a.container}/exec",
        {
            "AttachStdin": False,
            "AttachStdout": True,
            "AttachStderr": True,
            "Tty": a.tty,
            "Cmd": cmd,
        },
    )
    if status != 201:
        print(f"exec create: HTTP {status}: {created}", file=sys.stderr)
        return 1
    exec_id = created["Id"]

    sock = engine_socket(a.host)
    body = json.dumps({"Detach": False, "Tty": a.tty}).encode()
    sock.sendall(
        (
            f"POST /exec/{exec_id}/start HTTP/1.1\r\n"
            "Host: docker\r\n"
            "Connection: Upgrade\r\n"
            "Upgrade: tcp\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
    )
    head = bytearray()
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            print("exec start: connection closed inside the response headers", file=sys.stderr)
            return 1
        head += chunk
    headers, _, rest = bytes(head).partition(b"\r\n\r\n")
    status_line = headers.split(b"\r\n", 1)[0].decode(errors="replace")
    if status_line.split()[1:2] != ["101"]:
        print(f"exec start: expected 101, got: {status_line}", file=sys.stderr)
        return 1
    total = len(rest)
    buf = bytearray(BLOCK)
    recv_into = sock.recv_into
    while True:
        n = recv_into(buf)
        if n == 0:
            break
        total += n
    t1 = time.perf_counter()
    sock.close()

    exit_code = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the engine may lag a moment behind EOF
        _, info = api(a.host, "GET", f"/exec/{exec_id}/json")
        if not info.get("Running"):
            exit_code = info.get("ExitCode")
            break
        time.sleep(0.001)
    t2 = time.perf_counter()
    print(json.dumps({"bytes": total, "seconds": t1 - t0, "done": t2 - t0, "exit_code": exit_code}))
    return 0


# --- spawning and measuring one client run ------------------------------------------------


@dataclasses.dataclass
class Outcome:
    wall: float  # seconds, spawn .. reaped
    cpu: float  # seconds, user + sys of the client
    rss_kib: int  # ru_maxrss of the client
    exit_code: int
    io: object  # whatever the scenario's I/O function returned
    io_error: BaseException | None
    timed_out: bool


_live: set[int] = set()  # clients not yet reaped, killed if we are interrupted


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(err)}")


def _stat(pid: int) -> list[bytes] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, ...)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _find_orphan(near: int) -> int:
    """The client that `setsid` (pid `near`) forked and left to us."""
    me = os.getpid()
    for pid in range(near + 1, near + 64):  # pids are handed out in order
        fields = _stat(pid)
        if fields and int(fields[1]) == me and pid not in _live:
            return pid
    for name in os.listdir("/proc"):
        if name.isdigit():
            pid = int(name)
            fields = _stat(pid)
            if fields and int(fields[1]) == me and pid not in _live and pid != near:
                return pid
    raise BenchError("could not find the client process that setsid started")


def _exited(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] in (b"Z", b"X")


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # its own session and group (setsid)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, signal.SIGKILL)


def _reap_strays() -> None:
    """Reap anything orphaned to us by an earlier client (should be nothing)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


SETSID = shutil.which("setsid") or "/usr/bin/setsid"


def run_client(argv, *, stdin, stdout, stderr, ctty, timeout, io=None, close_after_spawn=()):
    """Spawn argv as described in the module doc, run io(pid), reap it with wait4."""
    _reap_strays()
    actions = [
        (os.POSIX_SPAWN_DUP2, stdin, 0),
        (os.POSIX_SPAWN_DUP2, stdout, 1),
        (os.POSIX_SPAWN_DUP2, stderr, 2),
    ]
    setsid_argv = [SETSID] + (["--ctty"] if ctty else []) + ["--", *argv]
    t0 = time.perf_counter()
    mid = os.posix_spawn(
        SETSID,
        setsid_argv,
        os.environ,
        file_actions=actions,
        setpgroup=0,  # a group leader, so setsid forks (and then exits)
        setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),  # Python ignores SIGPIPE
        setsigmask=(),
    )
    _, status, _ = os.wait4(mid, 0)
    for fd in close_after_spawn:
        os.close(fd)
    if status != 0:
        raise BenchError(f"setsid failed ({os.waitstatus_to_exitcode(status)}) for {argv[0]}")
    pid = _find_orphan(mid)
    _live.add(pid)
    fired = threading.Event()

    def watchdog():
        fired.set()
        _kill(pid)

    timer = threading.Timer(timeout, watchdog)
    timer.daemon = True
    timer.start()
    io_result, io_error = None, None
    try:
        if io is not None:
            io_result = io(pid)
    except Exception as e:  # noqa: BLE001 - reported as a failed run
        io_error = e
        _kill(pid)
    except BaseException:  # Ctrl-C: do not wait for the client to finish on its own
        _kill(pid)
        raise
    finally:
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter()
        timer.cancel()
        _live.discard(pid)
    return Outcome(
        wall=t1 - t0,
        cpu=ru.ru_utime + ru.ru_stime,
        rss_kib=ru.ru_maxrss,
        exit_code=os.waitstatus_to_exitcode(status),
        io=io_result,
        io_error=io_error,
        timed_out=fired.is_set(),
    )


def drain(fd: int, keep: int = 4096) -> tuple[int, bytes]:
    """Read fd to EOF as fast as possible; the byte count and the first `keep` bytes."""
    buf = bytearray(BLOCK)
    bufs = [buf]
    head = bytearray()
    total = 0
    readv = os.readv
    while True:
        try:
            n = readv(fd, bufs)
        except OSError as e:
            if e.errno == errno.EIO:  # pty master after the last slave closed
                break
            raise
        if n == 0:
            break
        if len(head) < keep:
            head += buf[: min(n, keep - len(head))]
        total += n
    return total, bytes(head)


def new_pty(rows: int = 24, cols: int = 80) -> tuple[int, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return master, slave


def read_available(fd: int) -> bytes:
    out = bytearray()
    while select.select([fd], [], [], 0)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return bytes(out)


def describe(outcome: Outcome, err_text: bytes) -> str:
    bits = []
    if outcome.timed_out:
        bits.append("timed out (killed)")
    if outcome.io_error is not None:
        bits.append(f"{outcome.io_error}")
    bits.append(f"exit {outcome.exit_code}")
    text = err_text.decode(errors="replace").strip()
    if text:
        bits.append("output: " + text[-300:].replace("\r", "").replace("\n", " | "))
    return "; ".join(bits)


# --- scenarios ----------------------------------------------------------------------------


@dataclasses.dataclass
class Sample:
    metrics: dict[str, float]
    error: str | None = None
    latencies_ms: list[float] = dataclasses.field(default_factory=list)  # echo only


class Bench:
    def __init__(self, args):
        self.args = args
        # "record" is dpty with --record, for scenario 9.
        self.paths = {"dpty": args.dpty, "docker": args.docker, "record": args.dpty}
        self.record_dir = tempfile.mkdtemp(prefix="dpty-bench-record-")
        self.container = f"dpty-bench-{os.getpid()}"
        self.samples: dict[tuple[str, str], list[Sample]] = {}
        self.failures: list[str] = []
        self.devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        # What is being measured, for the report's header.
        self.load_start = loadavg()
        with open(args.dpty, "rb") as f:
            self.dpty_sha = hashlib.sha256(f.read()).hexdigest()
        version = "{{.%s.Version}} (API {{.%s.APIVersion}})"
        self.docker_client = cmd_output([args.docker, "version", "--format", version % ("Client", "Client")])
        self.docker_server = cmd_output([args.docker, "version", "--format", version % ("Server", "Server")])
        head = cmd_output(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
        dirty = cmd_output(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
        self.git = head + (" (with uncommitted changes)" if dirty and not dirty.startswith("(") else "")
        wanted = set(args.scenarios)
        # Result keys: scenario 4 ("startup") yields two of them.
        self.keys = (wanted & {"tty", "notty", "stdin", "echo"}) | (
            {"rec-tty", "rec-echo"} if "record" in wanted else set()) | (
            {"exec-start", "run-start"} if "startup" in wanted else set()) | (
            {"ssh-exec-start", "ssh-run-start", "ssh-notty", "ssh-stdin"}
            if "ssh" in wanted and args.ssh_host else set()) | (
            {"swarm-start", "swarm-notty", "swarm-all"}
            if "swarm" in wanted and args.swarm else set()) | (
            {"debug-start"} if "debug" in wanted else set())
        # Scenario 10: the service made for it, and its tasks (filled in by setup).
        self.service = f"dptybench{os.getpid()}"
        self.swarm_tasks: list[dict] = []

    # bookkeeping

    def record(self, scenario: str, client: str, rep: int, measure, *args) -> None:
        """Run measure(client, *args) once and keep its sample; a crash is a failed run."""
        try:
            sample = measure(client, *args)
        except (BenchError, OSError, ValueError, KeyError) as e:
            sample = Sample({}, f"could not measure: {e!r}")
        self.samples.setdefault((scenario, client), []).append(sample)
        if sample.error:
            msg = f"{scenario} / {client} / run {rep + 1}: {sample.error}"
            self.failures.append(msg)
            print(f"  FAILED {msg}", file=sys.stderr, flush=True)
        else:
            shown = ", ".join(f"{k} {fmt_value(k, v)}" for k, v in sample.metrics.items())
            print(f"  {scenario:<10} {client:<6} run {rep + 1}: {shown}", file=sys.stderr, flush=True)

    def order(self, rep: int, with_raw: bool = False) -> list[str]:
        """A B, then B A, ...: interleaved, and neither client always goes first."""
        clients = list(CLIENTS) if rep % 2 == 0 else list(reversed(CLIENTS))
        return clients + (["raw"] if with_raw else [])

    def record_flags(self, client: str) -> list[str]:
        """For the client "record": dpty's --record, into a file that is removed after the run."""
        if client != "record":
            return []
        return ["--record", os.path.join(self.record_dir, "s.cast")]

    def drop_recording(self) -> int:
        """The size of the last recording, which is then removed (they can be large)."""
        path = os.path.join(self.record_dir, "s.cast")
        try:
            size = os.path.getsize(path)
            os.unlink(path)
            return size
        except OSError:
            return 0

    def timeout_for(self, nbytes: int) -> float:
        return 60 + nbytes / (5 * MB)  # generous: 5 MB/s would be a failure anyway

    # 1 and 2: output with and without a TTY

    def output(self, client: str, tty: bool, nbytes: int, host: str | None = None,
               text: bool = False) -> Sample:
        if client == "raw":
            return self.raw(tty, nbytes)
        cmd = [self.paths[client], *(["-H", host] if host else [])]
        cmd += ["exec", *self.record_flags(client), *(["-it"] if tty else []), self.container]
        if text:
            # Text, as a recorded session holds (a NUL would cost 6 bytes of JSON); no
            # newlines, whose conversion by the container's tty would be the bottleneck.
            cmd += ["sh", "-c", f"head -c {nbytes} /dev/zero | tr '\\0' x"]
        else:
            cmd += ["head", "-c", str(nbytes), "/dev/zero"]
        r, w = os.pipe()
        master = slave = None
        if tty:
            master, slave = new_pty()
        with tempfile.TemporaryFile() as errf:
            try:
                out = run_client(
                    cmd,
                    stdin=slave if tty else self.devnull,
                    stdout=w,
                    stderr=errf.fileno(),
                    ctty=tty,
                    timeout=self.timeout_for(nbytes),
                    io=lambda pid: drain(r),
                    close_after_spawn=[w] + ([slave] if tty else []),
                )
            finally:
                os.close(r)
                if master is not None:
                    os.close(master)
            errf.seek(0)
            err = errf.read()
        count, head = out.io if out.io else (None, b"")
        metrics = {"MB/s": nbytes / out.wall / MB, "CPU s": out.cpu, "RSS MiB": out.rss_kib / 1024}
        if client == "record":
            metrics["file MB"] = self.drop_recording() / MB
            if b"recording" in err:
                return Sample(metrics, f"recording incomplete: {err[:300]!r}")
        if out.exit_code != 0 or out.io_error or out.timed_out:
            return Sample(metrics, describe(out, err + head[:300]))
        if count != nbytes:
            return Sample(metrics, f"wrong byte count {count} (expected {nbytes}); {describe(out, err)}")
        return Sample(metrics)

    def raw(self, tty: bool, nbytes: int) -> Sample:
        cmd = [sys.executable, os.path.abspath(__file__), "_raw", "--host", self.args.host]
        cmd += ["--container", self.container, "--bytes", str(nbytes)] + (["--tty"] if tty else [])
        r, w = os.pipe()
        with tempfile.TemporaryFile() as errf:
            try:
                out = run_client(
                    cmd,
                    stdin=self.devnull,
                    stdout=w,
                    stderr=errf.fileno(),
                    ctty=False,
                    timeout=self.timeout_for(nbytes),
                    io=lambda pid: drain(r),
                    close_after_spawn=[w],
                )
            finally:
                os.close(r)
            errf.seek(0)
            err = errf.read()
        if out.exit_code != 0 or out.io_error or out.timed_out or not out.io:
            return Sample({}, describe(out, err))
        try:
            res = json.loads(out.io[1])
        except ValueError:
            return Sample({}, f"unreadable result {out.io[1][:200]!r}; {describe(out, err)}")
        counted, extra = res["bytes"], res["bytes"] - nbytes
        metrics = {
            "MB/s": nbytes / res["seconds"] / MB,
            "process wall s": out.wall,
            "CPU s": out.cpu,
            "RSS MiB": out.rss_kib / 1024,
            "header bytes": extra,
        }
        if res["exit_code"] != 0:
            return Sample(metrics, f"exec exit code {res['exit_code']}")
        if (tty and extra != 0) or (not tty and (extra < 0 or extra % 8)):
            what = "exactly" if tty else "N plus whole 8-byte frame headers, for N ="
            return Sample(metrics, f"wrong byte count {counted} (expected {what} {nbytes})")
        return Sample(metrics)

    def raw_startup(self) -> Sample:
        cmd = [sys.executable, os.path.abspath(__file__), "_raw", "--host", self.args.host]
        cmd += ["--container", self.container, "--tty", "--true"]
        r, w = os.pipe()
        with tempfile.TemporaryFile() as errf:
            try:
                out = run_client(cmd, stdin=self.devnull, stdout=w, stderr=errf.fileno(),
                                 ctty=False, timeout=60, io=lambda pid: drain(r),
                                 close_after_spawn=[w])
            finally:
                os.close(r)
            errf.seek(0)
            err = errf.read()
        if out.exit_code != 0 or out.io_error or out.timed_out or not out.io:
            return Sample({}, describe(out, err))
        res = json.loads(out.io[1])
        metrics = {"wall ms": res["done"] * 1000, "process wall s": out.wall}
        if res["exit_code"] != 0:
            return Sample(metrics, f"exec exit code {res['exit_code']}")
        return Sample(metrics)

    # 3: stdin

    def stdin(self, client: str, nbytes: int, host: str | None = None) -> Sample:
        cmd = [self.paths[client], *(["-H", host] if host else [])]
        cmd += ["exec", "-i", self.container, "wc", "-c"]
        r_in, w_in = os.pipe()
        r_out, w_out = os.pipe()
        block = memoryview(bytes(BLOCK))
        feed_errors: list[BaseException] = []

        def feed():
            try:
                left = nbytes
                while left:
                    left -= os.write(w_in, block[: min(BLOCK, left)])
            except OSError as e:
                feed_errors.append(e)
            finally:
                os.close(w_in)

        def io(pid):
            feeder = threading.Thread(target=feed, daemon=True)
            feeder.start()
            result = drain(r_out)
            feeder.join()
            return result

        with tempfile.TemporaryFile() as errf:
            try:
                out = run_client(
                    cmd,
                    stdin=r_in,
                    stdout=w_out,
                    stderr=errf.fileno(),
                    ctty=False,
                    timeout=self.timeout_for(nbytes),
                    io=io,
                    close_after_spawn=[r_in, w_out],
                )
            finally:
                os.close(r_out)
            errf.seek(0)
            err = errf.read()
        metrics = {"MB/s": nbytes / out.wall / MB, "CPU s": out.cpu, "RSS MiB": out.rss_kib / 1024}
        if out.exit_code != 0 or out.io_error or out.timed_out:
            return Sample(metrics, describe(out, err))
        if feed_errors:
            return Sample(metrics, f"feeding stdin: {feed_errors[0]}; {describe(out, err)}")
        text = out.io[1].decode(errors="replace").strip()
        if text != str(nbytes):
            return Sample(metrics, f"wc -c printed {text[:80]!r} (expected {nbytes}); {describe(out, err)}")
        return Sample(metrics)

    # 4: start-up, on a terminal like a user's

    def startup(self, client: str, argv_tail: list[str]) -> Sample:
        if client == "raw":
            return self.raw_startup()
        master, slave = new_pty()
        try:
            out = run_client(
                [self.paths[client], *argv_tail],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                ctty=True,
                timeout=60,
                io=lambda pid: drain(master),  # until EIO: the client closed the slave
                close_after_spawn=[slave],
            )
        finally:
            os.close(master)
        metrics = {"wall ms": out.wall * 1000, "CPU ms": out.cpu * 1000, "RSS MiB": out.rss_kib / 1024}
        if out.exit_code != 0 or out.io_error or out.timed_out:
            return Sample(metrics, describe(out, out.io[1] if out.io else b""))
        return Sample(metrics)

    # 11: debugging a running container, against what a user would type by hand

    def debug_startup(self, client: str) -> Sample:
        c, image = self.container, self.args.image
        tail = {
            "dpty": ["debug", "-q", "--image", image, "--pull", "never", c, "--", "true"],
            "docker": ["run", "--rm", "--pid", f"container:{c}", "--network", f"container:{c}",
                       image, "true"],
        }[client]
        return self.startup(client, tail)

    # 5: keystroke echo

    def echo(self, client: str, keystrokes: int) -> Sample:
        master, slave = new_pty()  # we keep `slave` open to watch its termios

        def wait_for(pid: int, byte: bytes, seen: bytearray, timeout: float = 10.0) -> None:
            deadline = time.monotonic() + timeout
            while byte not in seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError(f"no echo of {byte!r} within {timeout:.0f} s")
                if select.select([master], [], [], min(left, 0.1))[0]:
                    seen += os.read(master, 65536)
                elif _exited(pid):
                    raise BenchError("client exited during the session")

        def io(pid):
            seen = bytearray()
            # Ready 1: the client has put the terminal in raw mode (else our own line
            # discipline would echo the probe and hold it back until Enter).
            deadline = time.monotonic() + 30
            while termios.tcgetattr(slave)[3] & (termios.ICANON | termios.ECHO):
                if _exited(pid):
                    raise BenchError("client exited before setting raw mode")
                if time.monotonic() > deadline:
                    raise BenchError("client never put the terminal in raw mode")
                time.sleep(0.002)
            # Ready 2: a probe makes the round trip through the container's tty.
            os.write(master, b"p")
            wait_for(pid, b"p", seen, timeout=30)
            time.sleep(0.05)
            seen[:] = read_available(master)
            latencies = []
            for i in range(keystrokes):
                key = bytes([ord("a") + i % 26])
                seen.clear()
                t0 = time.perf_counter()
                os.write(master, key)
                wait_for(pid, key, seen)
                latencies.append(time.perf_counter() - t0)
                time.sleep(self.args.key_gap / 1000)
                read_available(master)
            # Enter hands the line to cat, ctrl-D at the start of a line ends it.
            os.write(master, b"\r")
            time.sleep(0.02)
            os.write(master, b"\x04")
            deadline = time.monotonic() + 10
            while not _exited(pid):
                read_available(master)
                if time.monotonic() > deadline:
                    raise BenchError("client did not exit after ctrl-D")
                time.sleep(0.005)
            return latencies

        try:
            out = run_client(
                [self.paths[client], "exec", *self.record_flags(client), "-it", self.container,
                 "cat"],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                ctty=True,
                timeout=60 + keystrokes * 0.2,
                io=io,
            )
            tail = read_available(master)
        finally:
            os.close(master)
            os.close(slave)
            self.drop_recording()
        lat = sorted(out.io or [])
        metrics = {"RSS MiB": out.rss_kib / 1024}
        if lat:
            metrics["p50 ms"] = statistics.median(lat) * 1000
            metrics["p99 ms"] = percentile(lat, 99) * 1000
        series = [v * 1000 for v in out.io or []]
        if out.exit_code != 0 or out.io_error or out.timed_out or len(lat) != keystrokes:
            return Sample(metrics, describe(out, tail), series)
        return Sample(metrics, None, series)

    # 10: a Swarm service's task on a worker, against docker -H ssh://NODE exec

    def in_swarm(self, argv: list[str]) -> list[str]:
        """argv run in the manager's network namespace with the swarm's ssh client on PATH."""
        sw = self.args.swarm
        path = f"PATH={sw['DPTY_SWARM_SSH_BIN']}:{os.environ.get('PATH', '')}"
        return ["ip", "netns", "exec", sw["DPTY_SWARM_MANAGER_NETNS"], "env", path, *argv]

    def worker_task(self) -> dict:
        return next(t for t in self.swarm_tasks if t["node"] != 1)

    def swarm_argv(self, client: str, dpty_tail: list[str], docker_tail: list[str],
                   task: dict) -> list[str]:
        if client == "dpty":
            return self.in_swarm([self.paths["dpty"], "-H", self.args.swarm["DPTY_SWARM_MANAGER"],
                                  *dpty_tail])
        return self.in_swarm([self.paths["docker"], "-H", f"ssh://root@{task['addr']}",
                              *docker_tail])

    def swarm_startup(self, client: str) -> Sample:
        task = self.worker_task()
        argv = self.swarm_argv(client, ["service", "exec", "-it", "-q", task["name"], "true"],
                               ["exec", "-it", task["container"], "true"], task)
        master, slave = new_pty()
        try:
            out = run_client(argv, stdin=slave, stdout=slave, stderr=slave, ctty=True, timeout=60,
                             io=lambda pid: drain(master), close_after_spawn=[slave])
        finally:
            os.close(master)
        metrics = {"wall ms": out.wall * 1000}
        if out.exit_code != 0 or out.io_error or out.timed_out:
            return Sample(metrics, describe(out, out.io[1] if out.io else b""))
        return Sample(metrics)

    def swarm_output(self, client: str, nbytes: int) -> Sample:
        task = self.worker_task()
        tail = ["head", "-c", str(nbytes), "/dev/zero"]
        argv = self.swarm_argv(client, ["service", "exec", "-q", task["name"], *tail],
                               ["exec", task["container"], *tail], task)
        return self.swarm_piped(argv, nbytes, lambda count: count == nbytes)

    def swarm_all(self, client: str) -> Sample:
        if client == "dpty":
            argv = self.swarm_argv(client, ["service", "exec", "--all", "-q", self.service,
                                            "hostname"], [], self.swarm_tasks[0])
        else:
            loop = "; ".join(
                f"{shlex.quote(self.paths['docker'])} -H ssh://root@{t['addr']} exec "
                f"{t['container']} hostname || exit" for t in self.swarm_tasks)
            argv = self.in_swarm(["sh", "-c", loop])
        # Three lines of 13 bytes (a short container id and its newline), prefixed or not.
        return self.swarm_piped(argv, None, None, lines=len(self.swarm_tasks))

    def swarm_piped(self, argv, nbytes, count_ok, lines=None) -> Sample:
        r, w = os.pipe()
        with tempfile.TemporaryFile() as errf:
            try:
                out = run_client(argv, stdin=self.devnull, stdout=w, stderr=errf.fileno(),
                                 ctty=False, timeout=self.timeout_for(nbytes or 0),
                                 io=lambda pid: drain(r, keep=1 << 16), close_after_spawn=[w])
            finally:
                os.close(r)
            errf.seek(0)
            err = errf.read()
        count, head = out.io if out.io else (None, b"")
        metrics = {"wall ms": out.wall * 1000}
        if nbytes:
            metrics = {"MB/s": nbytes / out.wall / MB}
        if out.exit_code != 0 or out.io_error or out.timed_out:
            return Sample(metrics, describe(out, err + head[:300]))
        if count_ok is not None and not count_ok(count):
            return Sample(metrics, f"wrong byte count {count} (expected {nbytes}); {describe(out, err)}")
        if lines is not None and head.count(b"\n") != lines:
            return Sample(metrics, f"expected {lines} lines, got {head[:300]!r}")
        return Sample(metrics)

    def swarm_setup(self) -> None:
        sw = self.args.swarm
        print(f"creating service {self.service} (3 tasks) on the swarm", file=sys.stderr, flush=True)
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "swarm.sh"), "service",
                        self.service, "3"], check=True, stdout=subprocess.DEVNULL)
        filters = json.dumps({"service": [self.service], "desired-state": ["running"]})
        status, tasks = api(sw["DPTY_SWARM_MANAGER"], "GET",
                            "/v1.41/tasks?filters=" + urllib.parse.quote(filters))
        if status != 200:
            raise BenchError(f"listing the tasks of {self.service}: HTTP {status}")
        nodes = {sw[f"DPTY_SWARM_NODE{n}_ID"]: n for n in (1, 2, 3)}
        for task in sorted(tasks, key=lambda t: t["Slot"]):
            n = nodes[task["NodeID"]]
            self.swarm_tasks.append({
                "name": f"{self.service}.{task['Slot']}",
                "node": n,
                "addr": sw[f"DPTY_SWARM_NODE{n}_ADDR"],
                "container": task["Status"]["ContainerStatus"]["ContainerID"],
            })

    def swarm_teardown(self) -> None:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "swarm.sh"), "service-rm",
                        self.service], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)

    def run_swarm(self) -> None:
        """Scenario 10: a service's task on a worker, reached by each client its own way."""
        a = self.args
        self.swarm_setup()
        task = self.worker_task()
        print(f"10. swarm: {task['name']} on node{task['node']} ({task['addr']}), and --all on "
              f"{len(self.swarm_tasks)} tasks", file=sys.stderr, flush=True)
        for client in CLIENTS:  # unmeasured: the nodes' page cache
            s = self.swarm_startup(client)
            if s.error:
                self.failures.append(f"warm-up / {client} in the swarm: {s.error}")
        for rep in range(a.startup_repeats):
            for c in self.order(rep):
                self.record("swarm-start", c, rep, self.swarm_startup)
        for rep in range(a.repeats):
            for c in self.order(rep):
                self.record("swarm-notty", c, rep, self.swarm_output, a.ssh_bytes)
        for rep in range(a.startup_repeats):
            for c in self.order(rep):
                self.record("swarm-all", c, rep, self.swarm_all)

    # the whole run

    def setup(self) -> None:
        print(f"creating container {self.container}", file=sys.stderr, flush=True)
        subprocess.run(
            [self.args.docker, "run", "-d", "--network", "none", "--name", self.container,
             self.args.image, "sleep", "3600"],
            check=True, stdout=subprocess.DEVNULL,
        )

    def teardown(self) -> None:
        for pid in list(_live):
            _kill(pid)
        shutil.rmtree(self.record_dir, ignore_errors=True)
        subprocess.run(
            [self.args.docker, "rm", "-f", self.container],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )
        if self.swarm_tasks:
            self.swarm_teardown()

    def warm_up(self) -> None:
        """One unmeasured exec and run per client: page cache, engine code paths."""
        for client in CLIENTS:
            for tail in (["exec", "-it", self.container, "true"],
                         ["run", "--rm", "-it", "--network", "none", self.args.image, "true"]):
                try:
                    s = self.startup(client, tail)
                except (BenchError, OSError) as e:
                    s = Sample({}, f"could not measure: {e!r}")
                if s.error:
                    self.failures.append(f"warm-up / {client} {' '.join(tail[:2])}: {s.error}")
                    print(f"  FAILED warm-up {client}: {s.error}", file=sys.stderr, flush=True)

    def run(self) -> None:
        a = self.args
        wanted = set(a.scenarios)
        self.warm_up()
        if "tty" in wanted:
            print(f"1. output through a TTY ({a.tty_bytes} bytes)", file=sys.stderr, flush=True)
            for rep in range(a.repeats):
                for c in self.order(rep, with_raw=not a.no_raw):
                    self.record("tty", c, rep, self.output, True, a.tty_bytes)
        if "notty" in wanted:
            print(f"2. output without a TTY ({a.bytes} bytes)", file=sys.stderr, flush=True)
            for rep in range(a.repeats):
                for c in self.order(rep, with_raw=not a.no_raw):
                    self.record("notty", c, rep, self.output, False, a.bytes)
        if "stdin" in wanted:
            print(f"3. stdin ({a.stdin_bytes} bytes)", file=sys.stderr, flush=True)
            for rep in range(a.repeats):
                for c in self.order(rep):
                    self.record("stdin", c, rep, self.stdin, a.stdin_bytes)
        if "startup" in wanted:
            print("4. start-up", file=sys.stderr, flush=True)
            exec_tail = ["exec", "-it", self.container, "true"]
            run_tail = ["run", "--rm", "-it", "--network", "none", a.image, "true"]
            for rep in range(a.startup_repeats):
                for c in self.order(rep, with_raw=not a.no_raw):
                    self.record("exec-start", c, rep, self.startup, exec_tail)
                for c in self.order(rep):
                    self.record("run-start", c, rep, self.startup, run_tail)
        if "echo" in wanted:
            print(f"5. keystroke echo ({a.keystrokes} keystrokes)", file=sys.stderr, flush=True)
            for rep in range(a.repeats):
                for c in self.order(rep):
                    self.record("echo", c, rep, self.echo, a.keystrokes)
        if "record" in wanted:
            print(f"9. --record: TTY text output ({a.tty_bytes} bytes) and keystroke echo, "
                  "dpty without and with it", file=sys.stderr, flush=True)
            for rep in range(a.repeats):
                for c in (("dpty", "record") if rep % 2 == 0 else ("record", "dpty")):
                    self.record("rec-tty", c, rep, self.output, True, a.tty_bytes, None, True)
                for c in (("dpty", "record") if rep % 2 == 0 else ("record", "dpty")):
                    self.record("rec-echo", c, rep, self.echo, a.keystrokes)
        if "ssh" in wanted and a.ssh_host:
            self.run_ssh()
        elif "ssh" in wanted:
            print("8. over ssh: skipped (no --ssh-host)", file=sys.stderr, flush=True)
        if "swarm" in wanted and a.swarm:
            self.run_swarm()
        elif "swarm" in wanted:
            print("10. swarm: skipped (no swarm: run it through scripts/bench.sh)",
                  file=sys.stderr, flush=True)
        if "debug" in wanted:
            print("11. debug start-up", file=sys.stderr, flush=True)
            for client in CLIENTS:  # unmeasured: the helper's code paths in the engine
                self.debug_startup(client)
            for rep in range(a.startup_repeats):
                for c in self.order(rep):
                    self.record("debug-start", c, rep, self.debug_startup)

    def run_ssh(self) -> None:
        """Scenario 8: the same engine reached through ssh by both clients."""
        a = self.args
        h = ["-H", a.ssh_host]
        print(f"8. over ssh ({a.ssh_host})", file=sys.stderr, flush=True)
        for client in CLIENTS:  # unmeasured: the remote side's page cache
            s = self.startup(client, [*h, "exec", "-it", self.container, "true"])
            if s.error:
                self.failures.append(f"warm-up / {client} over ssh: {s.error}")
        exec_tail = [*h, "exec", "-it", self.container, "true"]
        run_tail = [*h, "run", "--rm", "-it", "--network", "none", a.image, "true"]
        for rep in range(a.startup_repeats):
            for c in self.order(rep):
                self.record("ssh-exec-start", c, rep, self.startup, exec_tail)
            for c in self.order(rep):
                self.record("ssh-run-start", c, rep, self.startup, run_tail)
        for rep in range(a.repeats):
            for c in self.order(rep):
                self.record("ssh-notty", c, rep, self.output, False, a.ssh_bytes, a.ssh_host)
        for rep in range(a.repeats):
            for c in self.order(rep):
                self.record("ssh-stdin", c, rep, self.stdin, a.ssh_bytes, a.ssh_host)


# --- reporting ----------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def fmt_value(metric: str, v: float | None) -> str:
    if v is None:
        return "n/a"
    if metric in ("MB/s",):
        return f"{v:.0f}"
    if metric in ("CPU s", "process wall s"):
        return f"{v:.3f}"
    if metric in ("wall ms", "CPU ms", "p50 ms", "p99 ms"):
        return f"{v:.2f}" if v < 10 else f"{v:.1f}"
    if metric == "RSS MiB":
        return f"{v:.1f}"
    return f"{v:g}"


def cmd_output(argv: list[str]) -> str:
    try:
        res = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"({e})"
    text = (res.stdout or res.stderr).strip()
    return text if res.returncode == 0 else f"(exit {res.returncode}: {text[:200]})"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


# (scenario, metric, label, target ratio, better when dpty/docker is "low" or "high")
ROWS = [
    ("tty", "MB/s", "1. output, TTY (exec -it, head -c)", 1.0, "high"),
    ("tty", "CPU s", "1. output, TTY: client CPU", 0.5, "low"),
    ("tty", "RSS MiB", "1. output, TTY: peak RSS", 1 / 3, "low"),
    ("notty", "MB/s", "2. output, no TTY (exec, head -c)", 1.0, "high"),
    ("notty", "CPU s", "2. output, no TTY: client CPU", 0.5, "low"),
    ("notty", "RSS MiB", "2. output, no TTY: peak RSS", 1 / 3, "low"),
    ("stdin", "MB/s", "3. stdin (exec -i wc -c)", 1.0, "high"),
    ("stdin", "CPU s", "3. stdin: client CPU", 0.5, "low"),
    ("stdin", "RSS MiB", "3. stdin: peak RSS", 1 / 3, "low"),
    ("exec-start", "wall ms", "4. start-up: exec -it C true", 0.8, "low"),
    ("exec-start", "CPU ms", "4. start-up: exec -it: client CPU", None, "low"),
    ("exec-start", "RSS MiB", "4. start-up: exec -it: peak RSS", 1 / 3, "low"),
    ("run-start", "wall ms", "4. start-up: run --rm -it busybox true", 0.9, "low"),
    ("run-start", "CPU ms", "4. start-up: run --rm -it: client CPU", None, "low"),
    ("run-start", "RSS MiB", "4. start-up: run --rm -it: peak RSS", 1 / 3, "low"),
    ("echo", "p50 ms", "5. keystroke echo p50 (exec -it cat)", 1.0, "low"),
    ("echo", "p99 ms", "5. keystroke echo p99", 1.0, "low"),
    ("echo", "RSS MiB", "5. keystroke echo: peak RSS", 1 / 3, "low"),
    # Over ssh, CPU and RSS would count whichever ssh processes a client happened to reap.
    ("ssh-exec-start", "wall ms", "8. over ssh: start-up, exec -it C true", None, "low"),
    ("ssh-run-start", "wall ms", "8. over ssh: start-up, run --rm -it busybox true", None, "low"),
    ("ssh-notty", "MB/s", "8. over ssh: output, no TTY (exec, head -c)", None, "high"),
    ("ssh-stdin", "MB/s", "8. over ssh: stdin (exec -i wc -c)", None, "high"),
    # docker: the workaround, with the task's node and container already known.
    ("swarm-start", "wall ms",
     "10. swarm: start-up, service exec -it TASK true (docker: -H ssh://NODE exec -it C true)",
     None, "low"),
    ("swarm-notty", "MB/s",
     "10. swarm: output, no TTY, from a worker's task (head -c; docker: -H ssh://NODE exec)",
     None, "high"),
    ("swarm-all", "wall ms",
     "10. swarm: --all on 3 tasks, hostname (docker: a shell loop of -H ssh://NODE exec)",
     None, "low"),
    # docker: a helper joined by hand, without dpty's chroot into the target's root.
    ("debug-start", "wall ms",
     "11. start-up: debug C -- true (docker: run --rm --pid/--network container:C busybox true)",
     None, "low"),
    ("debug-start", "CPU ms", "11. start-up: debug: client CPU", None, "low"),
    ("debug-start", "RSS MiB", "11. start-up: debug: peak RSS", None, "low"),
]


# Scenario 9: dpty against itself with --record.
REC_ROWS = [
    ("rec-tty", "MB/s", "9. TTY text output (exec -it, head -c, tr)"),
    ("rec-tty", "CPU s", "9. TTY text output: client CPU"),
    ("rec-tty", "RSS MiB", "9. TTY text output: peak RSS"),
    ("rec-tty", "file MB", "9. TTY text output: recording size"),
    ("rec-echo", "p50 ms", "9. keystroke echo p50 (exec -it cat)"),
    ("rec-echo", "p99 ms", "9. keystroke echo p99"),
]


def report(bench: Bench, started: float) -> None:
    a = bench.args

    def values(scenario, client, metric):
        return [s.metrics[metric] for s in bench.samples.get((scenario, client), [])
                if not s.error and metric in s.metrics]

    def med(scenario, client, metric):
        if scenario in ("echo", "rec-echo") and metric in ("p50 ms", "p99 ms"):
            # Pooled over all runs: a p99 of one run's 150 keystrokes is mostly noise.
            pooled = sorted(v for s in bench.samples.get((scenario, client), [])
                            if not s.error for v in s.latencies_ms)
            return percentile(pooled, 50 if metric == "p50 ms" else 99) if pooled else None
        v = values(scenario, client, metric)
        return statistics.median(v) if v else None

    def ratio_text(d, k):
        return f"{d / k:.2f}x" if d is not None and k else "n/a"

    def target_text(t, better):
        if t is None:
            return ""
        op = "≥" if better == "high" else "≤"
        return f"{op} {t:.2f}x" if t not in (1 / 3,) else f"{op} 1/3x"

    print("## dpty vs docker CLI: side-by-side benchmark\n")
    print(f"- command: `{bench.args.command_line}`")
    print(f"- machine: {os.cpu_count()} CPUs (nproc {cmd_output(['nproc'])}), {cpu_model()}; "
          f"load average at start {bench.load_start}, at end {loadavg()}")
    print(f"- dpty: `{cmd_output([a.dpty, '--version'])}` ({a.dpty}, sha256 {bench.dpty_sha[:12]}); "
          f"git {bench.git}")
    print(f"- docker: client {bench.docker_client}, server {bench.docker_server}; DOCKER_HOST={a.host}")
    print(f"- repeats: {a.repeats} per client for scenarios 1-3 and 5, {a.startup_repeats} for 4 and 11; "
          f"interleaved (A B, then B A, ...); medians of successful runs")
    print(f"- sizes: TTY output {a.tty_bytes / MB:g} MB, output {a.bytes / MB:g} MB, "
          f"stdin {a.stdin_bytes / MB:g} MB, {a.keystrokes} keystrokes {a.key_gap:g} ms apart")
    if "ssh" in a.scenarios:
        print(f"- over ssh (8): {a.ssh_host or 'skipped, no --ssh-host'}; "
              f"{a.ssh_bytes / MB:g} MB each way; ssh: {cmd_output(['ssh', '-V'])}")
    if "swarm" in a.scenarios:
        swarm = (f"three nodes of scripts/swarm.sh, manager {a.swarm['DPTY_SWARM_MANAGER']}; "
                 f"{a.ssh_bytes / MB:g} MB of output" if a.swarm else "skipped, no swarm")
        print(f"- swarm (10): {swarm}")
    print(f"- took {time.monotonic() - started:.0f} s\n")

    print("| scenario | metric | dpty | docker | dpty/docker | raw limit | dpty % of raw | "
          "docker % of raw | target (dpty) | met? |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    verdicts = []
    for scenario, metric, label, target, better in ROWS:
        if scenario not in bench.keys:
            continue
        d, k = med(scenario, "dpty", metric), med(scenario, "docker", metric)
        raw = None
        if (scenario, metric) in (("tty", "MB/s"), ("notty", "MB/s"), ("exec-start", "wall ms")):
            raw = med(scenario, "raw", metric)
        # "% of raw" is speed relative to the raw client: rate/rate, or time/time inverted.
        share = (lambda v: v / raw) if metric == "MB/s" else (lambda v: raw / v)
        pd = f"{100 * share(d):.0f}%" if raw and d else ""
        pk = f"{100 * share(k):.0f}%" if raw and k else ""
        met = ""
        if target is not None and d is not None and k:
            r = d / k
            ok = r >= target if better == "high" else r <= target
            tt = target_text(target, better)
            if raw and metric == "MB/s":
                ok = ok and d / raw >= 0.95
                tt += ", ≥ 95% of raw"
            met = "yes" if ok else "**no**"
            verdicts.append((label, metric, ok, d, k, raw))
        else:
            tt = target_text(target, better)
        print(f"| {label} | {metric} | {fmt_value(metric, d)} | {fmt_value(metric, k)} | "
              f"{ratio_text(d, k)} | {fmt_value(metric, raw) if raw else ''} | {pd} | {pk} | {tt} | {met} |")

    # 6: peak RSS over everything that was measured locally
    peak = {}
    for c in CLIENTS:
        vals = [s.metrics["RSS MiB"] for (sc, cl), ss in bench.samples.items() if cl == c
                and not sc.startswith("ssh-")
                for s in ss if not s.error and "RSS MiB" in s.metrics]
        peak[c] = max(vals) if vals else None
    d, k = peak["dpty"], peak["docker"]
    met = ("yes" if d / k <= 1 / 3 else "**no**") if d is not None and k else ""
    if d is not None or k is not None:
        print(f"| 6. peak RSS, max over all runs | RSS MiB | {fmt_value('RSS MiB', d)} | "
              f"{fmt_value('RSS MiB', k)} | {ratio_text(d, k)} |  |  |  | ≤ 1/3x | {met} |")

    # 7: the raw limit itself
    for scenario, label in (("tty", "7. raw client (this script), TTY output"),
                            ("notty", "7. raw client (this script), output, no TTY")):
        if scenario not in bench.keys or a.no_raw:
            continue
        raw = med(scenario, "raw", "MB/s")
        hdr = med(scenario, "raw", "header bytes")
        note = ("exact byte count" if scenario == "tty"
                else f"count includes {fmt_value('', hdr)} bytes of frame headers (median)")
        print(f"| {label} | MB/s | | | | {fmt_value('MB/s', raw)} | | | {note} | |")

    if "record" in a.scenarios:
        print("\n### 9. --record: dpty without and with a recording\n")
        print("| scenario | metric | dpty | dpty --record | with/without |")
        print("|---|---|---:|---:|---:|")
        for scenario, metric, label in REC_ROWS:
            d, r = med(scenario, "dpty", metric), med(scenario, "record", metric)
            print(f"| {label} | {metric} | {fmt_value(metric, d)} | {fmt_value(metric, r)} | "
                  f"{ratio_text(r, d)} |")

    print("\nNotes:")
    print("- MB = 10^6 bytes. Client throughput = bytes / wall time of the whole client process "
          "(start-up, exec create, start, transfer, exit).")
    print("- The raw limit is timed inside the raw client, from exec create to EOF (no interpreter "
          "start-up), so it is a strict bar. Without a TTY its byte count includes the 8-byte "
          "header of every multiplexed frame (not parsed; checked to be a whole number of headers). "
          "For exec start-up it is create, start, EOF and the inspect that reads the exit code: "
          "the engine's own time. \"% of raw\" is speed relative to it (raw time / client time).")
    print("- CPU = user + sys of the client process (wait4). RSS = ru_maxrss of the client, "
          "forked by setsid rather than by Python (see the script's doc).")
    print("- Start-up and echo run with stdin, stdout and stderr on a pty (80x24) that is the "
          "client's controlling terminal; scenario 1 has only stdin on a pty, stdout a pipe.")
    if "ssh" in a.scenarios and a.ssh_host:
        print("- Over ssh (8) both clients start the same `ssh` for each connection they open; "
              "CPU and RSS are left out there, as wait4 counts the ssh processes a client reaped "
              "itself (dpty reaps all of its own) and not those it left behind.")
    if "swarm" in a.scenarios and a.swarm:
        print("- Swarm (10): dpty is given the manager and finds the task and its node itself; "
              "the docker CLI is given the node's address and the container, which its user "
              "would have had to look up first. Both run in the manager's network namespace "
              "(ip netns exec), reach the worker through ssh, and are timed as a whole process.")
    print(f"- Echo latency: time from writing one byte to the pty master until the container's tty "
          f"echo of it is read back; in the table p50/p99 of all keystrokes of all runs pooled "
          f"({a.repeats} x {a.keystrokes}), below per run.")

    print("\n### Targets\n")
    for label, metric, ok, d, k, raw in verdicts:
        extra = f", {100 * d / raw:.0f}% of raw" if raw and metric == "MB/s" else ""
        print(f"- {'met' if ok else 'MISSED'}: {label} ({metric}): dpty {fmt_value(metric, d)} vs "
              f"docker {fmt_value(metric, k)} = {d / k:.2f}x{extra}")
    pd, pk = peak["dpty"], peak["docker"]
    if pd is not None and pk:
        print(f"- {'met' if pd / pk <= 1 / 3 else 'MISSED'}: peak RSS over all runs: dpty "
              f"{fmt_value('RSS MiB', pd)} MiB vs docker {fmt_value('RSS MiB', pk)} MiB = {pd / pk:.2f}x")

    print("\n### All runs (successful ones; in run order)\n")
    for (scenario, client), ss in bench.samples.items():
        metrics = sorted({m for s in ss for m in s.metrics})
        for m in metrics:
            vals = [fmt_value(m, s.metrics[m]) for s in ss if not s.error and m in s.metrics]
            print(f"- {scenario} / {client} / {m}: {' '.join(vals)}")

    if bench.failures:
        print("\n### Failures\n")
        for f in bench.failures:
            print(f"- {f}")


def parse_args(argv: list[str]):
    p = argparse.ArgumentParser(
        description="Compare dpty with the docker CLI, side by side (see the module doc).",
    )
    p.add_argument("--quick", action="store_true",
                   help="smoke run: smaller transfers, 3 repeats, 50 keystrokes (under a minute)")
    p.add_argument("--repeats", type=int, help="runs per client for scenarios 1-3 and 5 (default 5)")
    p.add_argument("--startup-repeats", type=int,
                   help="runs per client for scenarios 4 and 11 (default 11)")
    p.add_argument("--tty-bytes", type=int, help="bytes for scenario 1 (default 200000000)")
    p.add_argument("--bytes", type=int, help="bytes for scenario 2 (default 400000000)")
    p.add_argument("--stdin-bytes", type=int, help="bytes for scenario 3 (default 400000000)")
    p.add_argument("--keystrokes", type=int, help="keystrokes per echo run (default 150)")
    p.add_argument("--key-gap", type=float, default=20, help="ms between keystrokes (default 20)")
    p.add_argument("--scenarios", default="tty,notty,stdin,startup,echo,ssh,record,swarm,debug",
                   help="comma-separated subset of tty,notty,stdin,startup,echo,ssh,record,swarm,"
                        "debug (default all)")
    p.add_argument("--ssh-host", default=os.environ.get("DPTY_BENCH_SSH_HOST"),
                   help="ssh:// address of the same engine for scenario 8 "
                        "(default $DPTY_BENCH_SSH_HOST; without one scenario 8 is skipped)")
    p.add_argument("--ssh-bytes", type=int, help="bytes each way for scenario 8 (default 100000000)")
    p.add_argument("--no-raw", action="store_true", help="skip the raw-client limit")
    p.add_argument("--dpty", default=os.path.join(ROOT, "target", "release", "dpty"),
                   help="dpty binary (default target/release/dpty)")
    p.add_argument("--docker", default=shutil.which("docker") or "docker",
                   help="docker CLI (default: docker on PATH)")
    p.add_argument("--image", default="busybox:latest", help="image (default busybox:latest)")
    p.add_argument("--json", metavar="PATH", help="also write every sample to this file")
    a = p.parse_args(argv)
    quick = a.quick
    defaults = {
        "repeats": 3 if quick else 5,
        "startup_repeats": 3 if quick else 11,
        "tty_bytes": 20 * MB if quick else 200 * MB,
        "bytes": 50 * MB if quick else 400 * MB,
        "stdin_bytes": 50 * MB if quick else 400 * MB,
        "keystrokes": 50 if quick else 150,
        "ssh_bytes": 20 * MB if quick else 100 * MB,
    }
    for k, v in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    a.scenarios = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    unknown = set(a.scenarios) - {"tty", "notty", "stdin", "startup", "echo", "ssh", "record",
                                  "swarm", "debug"}
    if unknown:
        p.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if a.repeats < 1 or a.startup_repeats < 1:
        p.error("repeats must be at least 1")
    # Scenario 10's swarm, as `scripts/swarm.sh env` describes it (scripts/bench.sh exports it).
    a.swarm = ({k: v for k, v in os.environ.items() if k.startswith("DPTY_SWARM_")}
               if os.environ.get("DPTY_SWARM_MANAGER") else None)
    a.dpty = os.path.abspath(a.dpty)
    a.host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    os.environ["DOCKER_HOST"] = a.host  # both clients and the raw one use the same engine
    a.command_line = os.environ.get("DPTY_BENCH_COMMAND") or shlex.join(
        ["python3", os.path.relpath(os.path.abspath(__file__)), *argv])
    return a


def interrupted(signum, frame):
    """SIGTERM unwinds like Ctrl-C, so the container is removed either way."""
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    for path in (args.dpty, args.docker):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            print(f"compare.py: not an executable: {path}", file=sys.stderr)
            return 2
    become_subreaper()
    signal.signal(signal.SIGTERM, interrupted)

    started = time.monotonic()
    bench = Bench(args)

    try:
        bench.setup()
        bench.run()
    except KeyboardInterrupt:
        print("compare.py: interrupted; cleaning up", file=sys.stderr)
        return 130
    except subprocess.CalledProcessError as e:
        print(f"compare.py: setup failed: {e}", file=sys.stderr)
        return 2
    finally:
        bench.teardown()

    report(bench, started)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{s}/{c}": [dataclasses.asdict(x) for x in ss]
                       for (s, c), ss in bench.samples.items()}, f, indent=1)
    if bench.failures:
        print(f"\ncompare.py: {len(bench.failures)} run(s) failed or produced wrong output:", file=sys.stderr)
        for f in bench.failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["_raw"]:
        sys.exit(raw_main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
