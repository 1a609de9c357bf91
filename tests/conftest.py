"""Shared pytest harness for Cardinal's integration and compatibility tests.

Provides:
  * ServerProcess  - start/stop a cardinal-server or redis-server on 127.0.0.1
                     with an ephemeral port, bounded startup wait, PID-based stop.
  * RawConn        - a raw RESP socket client that sends bytes / RESP multibulk
                     commands and reads exactly one reply (RESP2 + RESP3,
                     including attributes, pushes and streamed aggregates),
                     returning the reply's raw bytes.
  * parse_reply    - turn raw reply bytes into a small typed tree (Node).
  * fixtures       - cardinal, cardinal_factory, oracle, oracle_factory,
                     target_is_redis.

Target selection: env CARDINAL_TARGET (or --cardinal-target) = "cardinal"
(default) or "redis".  With "redis", the `cardinal` fixtures start a second
redis-server instead, which validates the tests themselves.  The Cardinal
binary is taken from env CARDINAL_SERVER, default
<repo>/build/release/src/server/cardinal-server.

Helpers are importable from test modules with `from conftest import ...`
(tests/ has no __init__.py, so pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Union

import pytest
import redis

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
DEFAULT_CARDINAL_BINARY = REPO_ROOT / "build" / "release" / "src" / "server" / "cardinal-server"
REDIS_SERVER_BINARY = os.environ.get("REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server")
REDIS_CLI_BINARY = os.environ.get("REDIS_CLI", shutil.which("redis-cli") or "/usr/bin/redis-cli")

STARTUP_ATTEMPTS = 5          # new port per attempt (bind races)
STARTUP_POLLS = 400           # PING polls per attempt
STARTUP_POLL_INTERVAL = 0.025  # seconds -> at most ~10 s per attempt
STOP_TIMEOUT = 10.0           # seconds to wait after SIGTERM before SIGKILL

sys.path.insert(0, str(TESTS_DIR))  # make `from conftest import ...` robust


# --------------------------------------------------------------------------
# target selection
# --------------------------------------------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("cardinal")
    group.addoption(
        "--cardinal-target",
        action="store",
        default=None,
        choices=("cardinal", "redis"),
        help="server started by the `cardinal` fixtures (default: env CARDINAL_TARGET or 'cardinal')",
    )


_TARGET: Optional[str] = None


def pytest_configure(config):
    global _TARGET
    config.addinivalue_line(
        "markers", "cardinal_only: assertion only meaningful for Cardinal; skipped when CARDINAL_TARGET=redis"
    )
    opt = None
    try:
        opt = config.getoption("--cardinal-target")
    except ValueError:
        opt = None
    _TARGET = (opt or os.environ.get("CARDINAL_TARGET") or "cardinal").strip().lower()
    if _TARGET not in ("cardinal", "redis"):
        raise pytest.UsageError(f"CARDINAL_TARGET must be 'cardinal' or 'redis', got {_TARGET!r}")


def target() -> str:
    return _TARGET or (os.environ.get("CARDINAL_TARGET") or "cardinal").strip().lower()


def target_is_redis() -> bool:
    return target() == "redis"


def cardinal_binary() -> Path:
    return Path(os.environ.get("CARDINAL_SERVER") or DEFAULT_CARDINAL_BINARY)


def pytest_report_header(config):
    t = target()
    binary = REDIS_SERVER_BINARY if t == "redis" else str(cardinal_binary())
    return f"cardinal target: {t} ({binary}); oracle: {REDIS_SERVER_BINARY}"


def pytest_collection_modifyitems(config, items):
    if not target_is_redis():
        return
    skip = pytest.mark.skip(reason="Cardinal-only assertion (CARDINAL_TARGET=redis)")
    for item in items:
        if "cardinal_only" in item.keywords:
            item.add_marker(skip)


# --------------------------------------------------------------------------
# small utilities
# --------------------------------------------------------------------------

def free_port() -> int:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def read_rss_kb(pid: int) -> int:
    """VmRSS of a process in kB (from /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status", "r") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def encode_command(*args) -> bytes:
    """Encode a command as a RESP multibulk."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        elif isinstance(a, float):
            a = repr(a).encode()
        elif not isinstance(a, (bytes, bytearray)):
            raise TypeError(f"cannot encode {type(a)}")
        out.append(b"$%d\r\n" % len(a))
        out.append(bytes(a))
        out.append(b"\r\n")
    return b"".join(out)


def parse_info(text: Union[str, bytes]) -> dict:
    """Parse INFO output into {section_name: {field: value}} plus a flat '_all'."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    sections: dict = {}
    flat: dict = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            current = line[1:].strip()
            sections.setdefault(current, {})
            continue
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        sections.setdefault(current or "", {})[k] = v
        flat[k] = v
    sections["_all"] = flat
    return sections


# --------------------------------------------------------------------------
# server processes
# --------------------------------------------------------------------------

class ServerStartError(RuntimeError):
    pass


_LIVE_SERVERS: "set" = set()


@atexit.register
def _stop_leftover_servers():
    """Safety net if pytest exits without running fixture teardowns."""
    for srv in list(_LIVE_SERVERS):
        try:
            srv.stop()
        except Exception:
            pass


def _die_with_parent():
    """preexec_fn: the server gets SIGTERM if the test process dies (Linux prctl)."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass


class ServerProcess:
    """A cardinal-server or redis-server child process on 127.0.0.1:<ephemeral>.

    kind: "cardinal" or "redis".  `args` are extra CLI args (redis-server
    style: ["--maxclients", "10"]).  `threads` is passed as `--threads N` only
    to Cardinal.  Use start()/stop() or as a context manager.
    """

    def __init__(self, kind: str, args: Sequence[str] = (), threads: Optional[int] = None,
                 binary: Optional[Union[str, Path]] = None, keep_dir: bool = False,
                 data_dir: Optional[Union[str, Path]] = None, env: Optional[dict] = None,
                 wait_ready: bool = True):
        if kind not in ("cardinal", "redis"):
            raise ValueError(kind)
        self.kind = kind
        self.extra_args = [str(a) for a in args]
        self.threads = threads
        if binary is None:
            binary = REDIS_SERVER_BINARY if kind == "redis" else cardinal_binary()
        self.binary = str(binary)
        # data_dir: a directory the test owns (kept at stop), so a restarted server finds the
        # files of the previous one.
        self.data_dir = str(data_dir) if data_dir is not None else None
        self.keep_dir = keep_dir or self.data_dir is not None or bool(
            os.environ.get("CARDINAL_KEEP_TEST_DIRS"))
        self.env = env
        self.wait_ready = wait_ready
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.dir: Optional[str] = None
        self.log_path: Optional[str] = None
        self._logfile = None

    # -- lifecycle ---------------------------------------------------------
    @property
    def pid(self) -> int:
        assert self.proc is not None, "server not started"
        return self.proc.pid

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def command_line(self, port: int) -> List[str]:
        cmd = [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", self.dir,
               "--save", "", "--appendonly", "no"]
        if self.kind == "redis":
            cmd += ["--daemonize", "no", "--protected-mode", "no"]
        elif self.threads is not None:
            cmd += ["--threads", str(self.threads)]
        cmd += self.extra_args
        return cmd

    def start(self) -> "ServerProcess":
        if not os.path.exists(self.binary):
            raise ServerStartError(
                f"{self.kind} binary not found: {self.binary}. Build it (or set CARDINAL_SERVER), "
                f"or run with CARDINAL_TARGET=redis to validate the tests against redis-server.")
        if self.data_dir is not None:
            os.makedirs(self.data_dir, exist_ok=True)
            self.dir = self.data_dir
        else:
            self.dir = tempfile.mkdtemp(prefix=f"{self.kind}-test-")
        self.log_path = os.path.join(self.dir, "server.log")
        last_log = ""
        for attempt in range(STARTUP_ATTEMPTS):
            port = free_port()
            self._logfile = open(self.log_path, "ab")
            env = None
            if self.env is not None:
                env = dict(os.environ)
                env.update(self.env)
            self.proc = subprocess.Popen(self.command_line(port), stdout=self._logfile,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=self.dir, preexec_fn=_die_with_parent, env=env)
            self.port = port
            if not self.wait_ready:
                _LIVE_SERVERS.add(self)
                return self
            if self._wait_ready():
                _LIVE_SERVERS.add(self)
                return self
            exited = self.proc.poll() is not None
            self._kill_proc()
            last_log = self.log_tail()
            if exited and ("in use" in last_log.lower() or "bind" in last_log.lower()):
                continue  # port race, retry on a new port
            break  # exited for another reason, or never answered PING: give up
        rc = self.proc.returncode if self.proc is not None else None
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        raise ServerStartError(f"could not start {self.kind} ({self.binary}, exit code {rc}, "
                               f"command {' '.join(self.command_line(self.port))!r}); log tail:\n{last_log}")

    def _wait_ready(self) -> bool:
        for _ in range(STARTUP_POLLS):
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as s:
                    s.settimeout(2.0)
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    data = b""
                    for _ in range(16):
                        chunk = s.recv(64)
                        if not chunk:
                            break
                        data += chunk
                        if data.endswith(b"\r\n"):
                            break
                    if data.startswith(b"+PONG"):
                        return True
                    if data.startswith(b"-LOADING"):
                        pass
            except OSError:
                pass
            time.sleep(STARTUP_POLL_INTERVAL)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        """SIGKILL by PID, as a crash would; the data directory stays."""
        _LIVE_SERVERS.discard(self)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
        if self._logfile is not None:
            self._logfile.close()
            self._logfile = None

    def _kill_proc(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                try:
                    self.proc.kill()
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=STOP_TIMEOUT)
        if self._logfile is not None:
            self._logfile.close()
            self._logfile = None

    def stop(self) -> Optional[int]:
        """Stop by PID (SIGTERM, then SIGKILL after a timeout); returns the exit code."""
        rc = None
        _LIVE_SERVERS.discard(self)
        if self.proc is not None:
            self._kill_proc()
            rc = self.proc.returncode
        if self.dir and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        return rc

    def log_tail(self, n: int = 40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except (OSError, TypeError):
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<ServerProcess {self.kind} port={self.port} pid={self.proc.pid if self.proc else None}>"

    # -- clients -----------------------------------------------------------
    def client(self, protocol: int = 2, **kwargs) -> redis.Redis:
        """redis-py client (bytes replies).  redis-py 4.3 speaks RESP2 only:
        use RawConn for RESP3."""
        if protocol != 2:
            raise ValueError("redis-py 4.3.4 only supports RESP2; use RawConn(...).hello(3) for RESP3")
        kwargs.setdefault("socket_timeout", 30)
        kwargs.setdefault("socket_connect_timeout", 10)
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=False, **kwargs)

    def raw(self, timeout: float = 10.0) -> "RawConn":
        return RawConn(self.port, timeout=timeout)

    def flushall(self):
        """Empty every database (FLUSHALL, falling back to per-db FLUSHDB)."""
        with RawConn(self.port, timeout=30) as c:
            r = c.call("FLUSHALL")
            if r != b"+OK\r\n":
                for db in range(16):
                    if c.call("SELECT", db) != b"+OK\r\n":
                        break
                    c.call("FLUSHDB")


# --------------------------------------------------------------------------
# RESP raw connection + parser
# --------------------------------------------------------------------------

class ConnectionClosed(Exception):
    """The peer closed the connection (EOF / reset) before a full reply."""


class ProtocolError(Exception):
    pass


class RawConn:
    """Raw RESP connection: send bytes or commands, read exactly one reply's raw bytes."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0,
                 rcvbuf: Optional[int] = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self._buf = bytearray()
        self._pos = 0

    # -- context / lifetime ------------------------------------------------
    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def settimeout(self, t: float):
        self.timeout = t
        self.sock.settimeout(t)

    # -- sending -------------------------------------------------------------
    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, *args):
        self.sock.sendall(encode_command(*args))

    def call(self, *args) -> bytes:
        self.send(*args)
        return self.read_reply()

    def call_parsed(self, *args) -> "Node":
        return parse_reply(self.call(*args))

    def hello(self, proto: int = 3) -> bytes:
        return self.call("HELLO", proto)

    # -- receiving -----------------------------------------------------------
    def _fill(self):
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError as e:
            raise ConnectionClosed(f"connection reset: {e}") from e
        if not data:
            raise ConnectionClosed("connection closed by peer")
        self._buf += data

    def _need(self, n: int):
        while len(self._buf) - self._pos < n:
            self._fill()

    def _line(self) -> bytes:
        """Return the line at the cursor without its CRLF; advance past CRLF."""
        while True:
            idx = self._buf.find(b"\r\n", self._pos)
            if idx >= 0:
                line = bytes(self._buf[self._pos:idx])
                self._pos = idx + 2
                return line
            self._fill()

    def _skip_value(self):
        self._need(1)
        t = self._buf[self._pos:self._pos + 1]
        line = self._line()
        body = line[1:]
        if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return
        if t in (b"$", b"!", b"="):
            if body == b"?":  # streamed string: ;len chunks until ;0
                for _ in range(1 << 30):
                    chunk = self._line()
                    if not chunk.startswith(b";"):
                        raise ProtocolError(f"bad streamed chunk header {chunk!r}")
                    n = int(chunk[1:])
                    if n == 0:
                        return
                    self._need(n + 2)
                    self._pos += n + 2
                return
            n = int(body)
            if n < 0:
                return
            self._need(n + 2)
            if self._buf[self._pos + n:self._pos + n + 2] != b"\r\n":
                raise ProtocolError("bulk string not terminated by CRLF")
            self._pos += n + 2
            return
        if t in (b"*", b"~", b">", b"%", b"|"):
            mult = 2 if t in (b"%", b"|") else 1
            if body == b"?":
                for _ in range(1 << 30):
                    self._need(3)
                    if self._buf[self._pos:self._pos + 3] == b".\r\n":
                        self._pos += 3
                        break
                    for _ in range(mult):
                        self._skip_value()
            else:
                n = int(body)
                for _ in range(max(n, 0) * mult):
                    self._skip_value()
            if t == b"|":  # attribute: followed by the actual reply
                self._skip_value()
            return
        raise ProtocolError(f"unknown RESP type byte {t!r} in line {line[:80]!r}")

    def read_reply(self, skip_push: bool = False) -> bytes:
        """Read exactly one reply and return its raw bytes (attribute + value together)."""
        for _ in range(1 << 20):
            start = self._pos
            try:
                self._skip_value()
            except ConnectionClosed:
                self._pos = start
                raise
            except socket.timeout:
                self._pos = start
                raise
            raw = bytes(self._buf[start:self._pos])
            del self._buf[:self._pos]
            self._pos = 0
            if skip_push and raw.startswith(b">"):
                continue
            return raw
        raise ProtocolError("too many push messages")

    def read_replies(self, n: int) -> List[bytes]:
        return [self.read_reply() for _ in range(n)]

    def pending(self) -> bytes:
        return bytes(self._buf[self._pos:])

    def wait_closed(self, timeout: float = 10.0, max_bytes: int = 1 << 30) -> int:
        """Drain until the peer closes; return bytes drained.  Raises TimeoutError
        if the connection is still open after `timeout` seconds (bounded)."""
        deadline = time.monotonic() + timeout
        drained = len(self._buf) - self._pos
        self._buf.clear()
        self._pos = 0
        old = self.sock.gettimeout()
        try:
            while drained <= max_bytes:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("connection still open")
                self.sock.settimeout(min(left, 1.0))
                try:
                    data = self.sock.recv(1 << 20)
                except socket.timeout:
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    return drained
                if not data:
                    return drained
                drained += len(data)
            raise TimeoutError(f"drained more than {max_bytes} bytes without close")
        finally:
            try:
                self.sock.settimeout(old)
            except OSError:
                pass


@dataclass
class Node:
    """A parsed RESP value.  type is one of: simple, error, int, bulk, null,
    double, bool, bignum, verbatim, blob_error, array, set, push, map.
    value: bytes / int / None / list[Node] / list[(Node, Node)] (map)."""
    type: str
    value: object
    raw: bytes
    attrs: Optional[list] = None

    def py(self):
        """Convert to plain Python (bytes, int, None, list, dict)."""
        if self.type in ("array", "set", "push"):
            return [x.py() for x in self.value]
        if self.type == "map":
            return {k.py() if not isinstance(k.py(), list) else tuple(k.py()): v.py() for k, v in self.value}
        return self.value


_SIMPLE_TYPES = {b"+": "simple", b"-": "error", b":": "int", b"_": "null", b",": "double",
                 b"#": "bool", b"(": "bignum"}
_BULK_TYPES = {b"$": "bulk", b"!": "blob_error", b"=": "verbatim"}
_AGG_TYPES = {b"*": "array", b"~": "set", b">": "push", b"%": "map", b"|": "attribute"}


def parse_reply(raw: bytes) -> Node:
    node, end = _parse_at(raw, 0)
    if end != len(raw):
        raise ProtocolError(f"trailing bytes after reply: {raw[end:end + 40]!r}")
    return node


def parse_replies(raw: bytes) -> List[Node]:
    out, pos = [], 0
    while pos < len(raw):
        node, pos = _parse_at(raw, pos)
        out.append(node)
    return out


def _parse_at(raw: bytes, pos: int):
    start = pos
    eol = raw.index(b"\r\n", pos)
    t = raw[pos:pos + 1]
    body = raw[pos + 1:eol]
    pos = eol + 2
    if t in _SIMPLE_TYPES:
        typ = _SIMPLE_TYPES[t]
        if typ == "int" or typ == "bignum":
            val = int(body)
        elif typ == "null":
            val = None
        elif typ == "bool":
            val = body == b"t"
        else:
            val = body
        return Node(typ, val, raw[start:pos]), pos
    if t in _BULK_TYPES:
        if body == b"?":
            parts = []
            while True:
                eol = raw.index(b"\r\n", pos)
                n = int(raw[pos + 1:eol])
                pos = eol + 2
                if n == 0:
                    break
                parts.append(raw[pos:pos + n])
                pos += n + 2
            return Node(_BULK_TYPES[t], b"".join(parts), raw[start:pos]), pos
        n = int(body)
        if n < 0:
            return Node("null", None, raw[start:pos]), pos
        val = raw[pos:pos + n]
        if raw[pos + n:pos + n + 2] != b"\r\n":
            raise ProtocolError("bulk not CRLF terminated")
        return Node(_BULK_TYPES[t], val, raw[start:pos + n + 2]), pos + n + 2
    if t in _AGG_TYPES:
        typ = _AGG_TYPES[t]
        items = []
        pair = t in (b"%", b"|")
        if body == b"?":
            while raw[pos:pos + 3] != b".\r\n":
                a, pos = _parse_at(raw, pos)
                if pair:
                    b, pos = _parse_at(raw, pos)
                    items.append((a, b))
                else:
                    items.append(a)
            pos += 3
        else:
            n = int(body)
            if n < 0:
                return Node("null", None, raw[start:pos]), pos
            for _ in range(n):
                a, pos = _parse_at(raw, pos)
                if pair:
                    b, pos = _parse_at(raw, pos)
                    items.append((a, b))
                else:
                    items.append(a)
        if typ == "attribute":
            inner, pos = _parse_at(raw, pos)
            inner.attrs = items
            inner.raw = raw[start:pos]
            return inner, pos
        return Node(typ, items, raw[start:pos]), pos
    raise ProtocolError(f"unknown RESP type {t!r}")


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

def _cardinal_threads() -> int:
    return int(os.environ.get("CARDINAL_THREADS", "2"))


def make_target_server(args: Sequence[str] = (), threads: Optional[int] = None,
                       **kwargs) -> ServerProcess:
    """An un-started ServerProcess for the configured target (kwargs: data_dir, env,
    wait_ready; see ServerProcess)."""
    if target_is_redis():
        return ServerProcess("redis", args, **kwargs)
    return ServerProcess("cardinal", args,
                         threads=threads if threads is not None else _cardinal_threads(), **kwargs)


class _SessionServer:
    """Holds one long-lived server; restarts it if a previous test crashed it."""

    def __init__(self, factory: Callable[[], ServerProcess]):
        self.factory = factory
        self.server: Optional[ServerProcess] = None
        self.crashes: List[str] = []
        self.start_error: Optional[ServerStartError] = None

    def get(self) -> ServerProcess:
        if self.start_error is not None:  # don't pay the startup timeout for every test
            raise ServerStartError(f"(cached) {self.start_error}")
        if self.server is not None and not self.server.alive():
            self.crashes.append(f"{self.server!r} exited with {self.server.proc.returncode}:\n"
                                f"{self.server.log_tail()}")
            self.server.keep_dir = True
            self.server.stop()
            self.server = None
        if self.server is None:
            try:
                self.server = self.factory().start()
            except ServerStartError as e:
                self.start_error = e
                raise
        return self.server

    def close(self):
        if self.server is not None:
            self.server.stop()
            self.server = None


def _fresh(holder: _SessionServer) -> ServerProcess:
    srv = holder.get()
    try:
        srv.flushall()
    except (OSError, ConnectionClosed):
        holder.server.stop()
        holder.server = None
        srv = holder.get()
    return srv


@pytest.fixture(scope="session")
def _cardinal_session():
    holder = _SessionServer(lambda: make_target_server())
    yield holder
    holder.close()
    if holder.crashes:
        print("\nWARNING: the shared cardinal server died during the session:\n" + "\n".join(holder.crashes))


@pytest.fixture(scope="session")
def _oracle_session():
    holder = _SessionServer(lambda: ServerProcess("redis"))
    yield holder
    holder.close()


@pytest.fixture
def cardinal(_cardinal_session) -> ServerProcess:
    """Shared server under test (Cardinal, or redis-server with CARDINAL_TARGET=redis),
    flushed before each test.  Do not change its CONFIG: use cardinal_factory."""
    srv = _fresh(_cardinal_session)
    yield srv
    assert srv.alive(), f"server under test died during the test:\n{srv.log_tail()}"


@pytest.fixture
def oracle(_oracle_session) -> ServerProcess:
    """Shared reference redis-server (--save '' --appendonly no), flushed before each test."""
    return _fresh(_oracle_session)


def _factory(make):
    started: List[ServerProcess] = []

    def start(*args, **kwargs) -> ServerProcess:
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            args = tuple(args[0])
        srv = make(args, **kwargs).start()
        started.append(srv)
        return srv

    return start, started


@pytest.fixture
def cardinal_factory():
    """start(*args, threads=None) -> a fresh started server for the target; stopped at teardown."""
    start, started = _factory(lambda a, **kw: make_target_server(a, **kw))
    yield start
    for srv in started:
        srv.stop()


@pytest.fixture
def oracle_factory():
    """start(*args) -> a fresh started redis-server; stopped at teardown."""
    start, started = _factory(lambda a, **kw: ServerProcess("redis", a, **kw))
    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(name="target_is_redis")
def _target_is_redis_fixture() -> bool:
    return target_is_redis()


def read_propagation_log(path) -> List[List[bytes]]:
    """The commands written by Cardinal's `propagation-log-file` (RESP arrays of bulks), as
    lists of arguments."""
    data = Path(path).read_bytes()
    cmds: List[List[bytes]] = []
    pos = 0
    while pos < len(data):
        assert data[pos:pos + 1] == b"*", data[pos:pos + 20]
        end = data.index(b"\r\n", pos)
        n = int(data[pos + 1:end])
        pos = end + 2
        argv = []
        for _ in range(n):
            end = data.index(b"\r\n", pos)
            ln = int(data[pos + 1:end])
            argv.append(data[end + 2:end + 2 + ln])
            pos = end + 2 + ln + 2
        cmds.append(argv)
    return cmds


def dump_dataset(r: redis.Redis) -> dict:
    """Every key of every non-empty database with its type, value and TTL presence."""
    out = {}
    for db in range(16):
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            t = r.type(key).decode()
            if t == "none":
                continue  # expired between SCAN and TYPE
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "hash":
                v = sorted(r.hgetall(key).items())
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            else:
                v = None
            out[(db, key)] = (t, v, r.pttl(key) > 0)
    r.execute_command("SELECT", 0)
    return out


def wait_until(pred: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll pred() until true or the (bounded) timeout passes; returns the last result."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 2):
        if pred():
            return True
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    return bool(pred())


@pytest.fixture
def server_pair(cardinal_factory, oracle_factory):
    """(oracle, target): a fresh redis-server and a fresh target each, for differential tests
    that change CONFIG."""
    return oracle_factory(), cardinal_factory()
