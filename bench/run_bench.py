#!/usr/bin/python3
"""Side-by-side benchmark: cardinal-server vs redis-server.

Both servers run pinned to one core (taskset -c 0 by default), redis-benchmark
runs pinned to another core (taskset -c 1).  Workloads: SET, GET, INCR, MSET
with -P 1 and -P 16, -c 50, -d 16 and -d 1024, -r 1000000; A/B order alternates
over N rounds.  Reports ops/s (median over rounds), server CPU microseconds per
request (utime+stime delta from /proc/<pid>/stat over the run / requests) and
the ratios.  Then a memory run: fresh instance of each, 3M keys of 16-byte key +
16-byte value loaded through pipelined raw RESP, VmRSS growth per key and
INFO used_memory growth per key.

  /usr/bin/python3 bench/run_bench.py                    # cardinal vs redis
  /usr/bin/python3 bench/run_bench.py --quick            # 1 round, shorter runs
  /usr/bin/python3 bench/run_bench.py --target-redis-twice --quick   # noise level
  /usr/bin/python3 bench/run_bench.py --json out.json
  /usr/bin/python3 bench/run_bench.py --tests lpush,zadd --skip-memory --mem-types list
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CARDINAL = REPO / "build" / "release" / "src" / "server" / "cardinal-server"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# servers
# ---------------------------------------------------------------------------

def free_port() -> int:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _die_with_parent():
    """preexec_fn: SIGTERM the server if this script dies (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)
    except Exception:
        pass


class Server:
    def __init__(self, label: str, kind: str, binary: str, cpu: Optional[str], extra: List[str]):
        self.label, self.kind, self.binary, self.cpu, self.extra = label, kind, binary, cpu, extra
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0
        self.dir = ""
        self._log = None

    def start(self) -> "Server":
        if not os.path.exists(self.binary):
            raise SystemExit(f"{self.label}: binary not found: {self.binary}")
        self.dir = tempfile.mkdtemp(prefix=f"bench-{self.kind}-")
        for _attempt in range(5):
            self.port = free_port()
            cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                   "--save", "", "--appendonly", "no"]
            if self.kind == "redis":
                cmd += ["--daemonize", "no", "--protected-mode", "no"]
            else:
                cmd += ["--threads", "1"]
            cmd += self.extra
            if self.cpu is not None:
                cmd = ["taskset", "-c", self.cpu] + cmd  # taskset execs: same pid
            self._log = open(os.path.join(self.dir, "server.log"), "ab")
            self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.dir,
                                         preexec_fn=_die_with_parent)
            if self._wait_ready():
                return self
            self.stop(remove=False)
        log = Path(self.dir, "server.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{self.label}: could not start; log:\n{log}")

    def _wait_ready(self) -> bool:
        for _ in range(400):  # ~10 s
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.settimeout(2)
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.025)
        return False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_ticks(self) -> int:
        with open(f"/proc/{self.pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return int(rest[11]) + int(rest[12])  # utime + stime (fields 14, 15)

    def rss_kb(self, field: str = "VmRSS") -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise RuntimeError("no " + field)

    def stop(self, remove: bool = True):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if self._log:
            self._log.close()
            self._log = None
        if remove and self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------
# raw RESP helpers
# ---------------------------------------------------------------------------

def resp(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += [b"$%d\r\n" % len(a), a, b"\r\n"]
    return b"".join(out)


class Conn:
    def __init__(self, port: int):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def recv_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.s.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        out, self.buf = self.buf.split(b"\r\n", 1)
        return out

    def bulk_call(self, *args) -> bytes:
        """For commands answering with a bulk string (INFO)."""
        self.s.sendall(resp(*args))
        head = self.line()
        if not head.startswith(b"$"):
            raise RuntimeError(f"unexpected reply {head!r}")
        return self.recv_exact(int(head[1:]) + 2)[:-2]

    def int_call(self, *args) -> int:
        self.s.sendall(resp(*args))
        head = self.line()
        if not head.startswith(b":"):
            raise RuntimeError(f"unexpected reply {head!r}")
        return int(head[1:])

    def close(self):
        self.s.close()


def info_fields(port: int, section: str = "") -> Dict[str, str]:
    c = Conn(port)
    try:
        text = c.bulk_call("INFO", *([section] if section else [])).decode(errors="replace")
    finally:
        c.close()
    out = {}
    for ln in text.splitlines():
        if ":" in ln and not ln.startswith("#"):
            k, v = ln.split(":", 1)
            out[k] = v.strip()
    return out


# ---------------------------------------------------------------------------
# throughput
# ---------------------------------------------------------------------------

STRING_TESTS = ("set", "get", "incr", "mset")
# Collection workloads. redis-benchmark's own -t tests: LPUSH/LPOP on one list "mylist"
# (LPOP runs after LPUSH pushed more than it pops), SADD "myset" element:__rand_int__,
# HSET "myhash" element:__rand_int__ <data>, ZADD "myzset" __rand_int__ element:__rand_int__.
# ZRANGE / ZRANGEBYSCORE are custom commands over a preloaded sorted set (ZSET_KEY, members
# m:0..m:ZSET_SIZE-1 with score = index): a 10-element window in the middle by rank, and the
# first 10 members at or above a random score.
COLLECTION_TESTS = ("lpush", "lpop", "sadd", "hset", "zadd", "zrange", "zrangebyscore")
ZSET_KEY = "bench:zset"
ZSET_SIZE = 10_000
CUSTOM_COMMANDS = {
    "zrange": ["ZRANGE", ZSET_KEY, str(ZSET_SIZE // 2), str(ZSET_SIZE // 2 + 9), "WITHSCORES"],
    "zrangebyscore": ["ZRANGEBYSCORE", ZSET_KEY, "__rand_int__", "+inf", "LIMIT", "0", "10"],
}
CUSTOM_KEYSPACE = {"zrangebyscore": ZSET_SIZE}


def workloads(n: int) -> List[dict]:
    out = []
    for test in STRING_TESTS + COLLECTION_TESTS:
        for pipeline in (1, 16):
            sizes = (16,) if test in ("incr",) + COLLECTION_TESTS else (16, 1024)
            for size in sizes:
                reqs = n * (5 if pipeline > 1 else 1)
                if test == "mset":
                    reqs //= 2
                out.append({"test": test, "pipeline": pipeline, "datasize": size, "requests": reqs})
    return out


def preload_zset(port: int):
    c = Conn(port)
    try:
        c.int_call("DEL", ZSET_KEY)
        for start in range(0, ZSET_SIZE, 1000):
            args = ["ZADD", ZSET_KEY]
            for i in range(start, min(ZSET_SIZE, start + 1000)):
                args += [str(i), f"m:{i}"]
            c.int_call(*args)
    finally:
        c.close()


def check_commands(cli: str, srv: Server, size: int):
    """redis-benchmark counts error replies as successes: make sure each command works."""
    def run(*args) -> str:
        p = subprocess.run([cli, "-h", "127.0.0.1", "-p", str(srv.port)] + list(args),
                           capture_output=True, timeout=30, text=True)
        return p.stdout.strip()
    val = "x" * size
    checks = [
        (("SET", "bench:check", val), "OK"),
        (("GET", "bench:check"), val),
        (("INCR", "bench:counter"), None),
        (("MSET", "bench:m1", val, "bench:m2", val), "OK"),
        (("DEL", "bench:check", "bench:counter", "bench:m1", "bench:m2"), "4"),
    ]
    for args, want in checks:
        got = run(*args)
        if want is None:
            ok = got.lstrip("-").isdigit()
        else:
            ok = got == want
        if not ok:
            raise SystemExit(f"{srv.label}: `{' '.join(args[:2])} ...` answered {got[:200]!r}; "
                             f"benchmark would count that as success - aborting")


def check_collection_commands(cli: str, srv: Server):
    def run(*args) -> str:
        p = subprocess.run([cli, "-h", "127.0.0.1", "-p", str(srv.port)] + list(args),
                           capture_output=True, timeout=30, text=True)
        return p.stdout.strip()
    checks = [
        (("LPUSH", "bench:l", "x"), "1"), (("LPOP", "bench:l"), "x"),
        (("SADD", "bench:s", "x"), "1"), (("HSET", "bench:h", "f", "x"), "1"),
        (("ZADD", "bench:z", "1", "x"), "1"), (("ZRANGE", "bench:z", "0", "-1"), "x"),
        (("ZRANGEBYSCORE", "bench:z", "0", "+inf", "LIMIT", "0", "10"), "x"),
        (("DEL", "bench:s", "bench:h", "bench:z"), "3"),
    ]
    for args, want in checks:
        got = run(*args)
        if got != want:
            raise SystemExit(f"{srv.label}: `{' '.join(args[:2])} ...` answered {got[:200]!r}; "
                             f"benchmark would count that as success - aborting")


def error_replies(srv: Server) -> Optional[int]:
    v = info_fields(srv.port, "stats").get("total_error_replies")
    return int(v) if v is not None else None


def run_one(bench: str, client_cpu: Optional[str], srv: Server, w: dict, clients: int, keyspace: int) -> dict:
    keyspace = CUSTOM_KEYSPACE.get(w["test"], keyspace)
    cmd = [bench, "-h", "127.0.0.1", "-p", str(srv.port), "-c", str(clients), "-n", str(w["requests"]),
           "-r", str(keyspace), "-d", str(w["datasize"]), "-P", str(w["pipeline"]), "--csv"]
    if w["test"] in CUSTOM_COMMANDS:
        cmd += CUSTOM_COMMANDS[w["test"]]
    else:
        cmd += ["-t", w["test"]]
    if client_cpu is not None:
        cmd = ["taskset", "-c", client_cpu] + cmd
    t0 = srv.cpu_ticks()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    t1 = srv.cpu_ticks()
    if p.returncode != 0:
        raise SystemExit(f"redis-benchmark failed on {srv.label}: {p.stderr[-1000:]}")
    rows = [r for r in csv.reader(io.StringIO(p.stdout)) if r and r[0] != "test"]
    if not rows:
        raise SystemExit(f"no CSV output from redis-benchmark on {srv.label}: {p.stdout[-500:]} {p.stderr[-500:]}")
    rps = float(rows[0][1])
    cpu_us = (t1 - t0) / CLK_TCK * 1e6
    return {"rps": rps, "cpu_us_per_req": cpu_us / w["requests"], "p50_ms": float(rows[0][4])}


def throughput(args, servers: List[Server]) -> List[dict]:
    wl = workloads(args.requests)
    if args.tests:
        wanted = {t.strip().lower() for t in args.tests.split(",")}
        wl = [w for w in wl if w["test"] in wanted]
    results = []
    for w in wl:
        results.append({**w, "runs": {s.label: [] for s in servers}})
    for srv in servers:
        for size in (16, 1024):
            check_commands(args.redis_cli, srv, size)
        if any(w["test"] in COLLECTION_TESTS for w in wl):
            check_collection_commands(args.redis_cli, srv)
            preload_zset(srv.port)
    errors_before = {s.label: error_replies(s) for s in servers}
    for rnd in range(args.rounds):
        order = servers if rnd % 2 == 0 else list(reversed(servers))
        for res in results:
            for srv in order:
                r = run_one(args.redis_benchmark, args.client_cpu, srv, res, args.clients, args.keyspace)
                res["runs"][srv.label].append(r)
                print(f"  round {rnd + 1}/{args.rounds} {res['test'].upper():5s} P{res['pipeline']:<2d} "
                      f"d{res['datasize']:<5d} {srv.label:9s} {r['rps']:>12,.0f} ops/s "
                      f"{r['cpu_us_per_req']:7.3f} us/req", flush=True)
    for srv in servers:
        after = error_replies(srv)
        before = errors_before[srv.label]
        if before is not None and after is not None and after != before:
            raise SystemExit(f"{srv.label}: {after - before} error replies during the benchmark")
    a, b = servers[0].label, servers[1].label
    for res in results:
        for lab in (a, b):
            runs = res["runs"][lab]
            res[lab] = {"rps": statistics.median(r["rps"] for r in runs),
                        "cpu_us_per_req": statistics.mean(r["cpu_us_per_req"] for r in runs)}
        res["rps_ratio"] = res[a]["rps"] / res[b]["rps"] if res[b]["rps"] else None
        res["cpu_ratio"] = (res[a]["cpu_us_per_req"] / res[b]["cpu_us_per_req"]
                            if res[b]["cpu_us_per_req"] else None)
    return results


# ---------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------

def load_keys(port: int, n: int, batch: int = 1000):
    c = Conn(port)
    ok = b"+OK\r\n" * batch
    head = b"*3\r\n$3\r\nSET\r\n$16\r\n"
    mid = b"\r\n$16\r\n"
    tail = b"\r\n"
    inflight = 0
    try:
        for start in range(0, n, batch):
            cnt = min(batch, n - start)
            payload = b"".join(head + b"key:%012d" % i + mid + b"val:%012d" % i + tail
                               for i in range(start, start + cnt))
            c.s.sendall(payload)
            inflight += cnt
            if inflight >= 2 * batch:  # keep two batches in flight
                got = c.recv_exact(5 * batch)
                if got != ok:
                    raise SystemExit(f"unexpected reply while loading: {got[:100]!r}")
                inflight -= batch
        while inflight:
            cnt = min(batch, inflight)
            got = c.recv_exact(5 * cnt)
            if got != b"+OK\r\n" * cnt:
                raise SystemExit(f"unexpected reply while loading: {got[:100]!r}")
            inflight -= cnt
        dbsize = c.int_call("DBSIZE")
        if dbsize != n:
            raise SystemExit(f"DBSIZE {dbsize} != {n} after loading")
    finally:
        c.close()


def memory(args, specs: List[dict]) -> dict:
    out = {}
    for spec in specs:
        srv = Server(spec["label"], spec["kind"], spec["binary"], args.server_cpu, []).start()
        try:
            c = Conn(srv.port)
            c.s.sendall(resp("PING"))
            c.line()
            c.close()
            rss0 = srv.rss_kb()
            used0 = int(info_fields(srv.port, "memory").get("used_memory", "0"))
            t0 = time.monotonic()
            load_keys(srv.port, args.mem_keys)
            load_s = time.monotonic() - t0
            time.sleep(0.5)
            rss1 = srv.rss_kb()
            # Peak RSS during the load: a table that doubles its bucket array at once shows a
            # peak well above the steady RSS; incremental growth keeps them close.
            peak1 = srv.rss_kb("VmHWM")
            used1 = int(info_fields(srv.port, "memory").get("used_memory", "0"))
            out[spec["label"]] = {
                "rss_before_kb": rss0, "rss_after_kb": rss1, "rss_peak_kb": peak1,
                "peak_over_steady": peak1 / rss1,
                "rss_bytes_per_key": (rss1 - rss0) * 1024 / args.mem_keys,
                "used_memory_before": used0, "used_memory_after": used1,
                "used_memory_bytes_per_key": (used1 - used0) / args.mem_keys,
                "load_seconds": load_s,
            }
            print(f"  {srv.label:9s} RSS {rss0 / 1024:8.1f} -> {rss1 / 1024:8.1f} MiB  "
                  f"{out[spec['label']]['rss_bytes_per_key']:6.1f} B/key (RSS)  "
                  f"{out[spec['label']]['used_memory_bytes_per_key']:6.1f} B/key (used_memory)  "
                  f"peak/steady RSS {peak1 / rss1:.3f}  load {load_s:.1f}s", flush=True)
        finally:
            srv.stop()
    a, b = specs[0]["label"], specs[1]["label"]
    out["rss_ratio"] = out[a]["rss_bytes_per_key"] / out[b]["rss_bytes_per_key"]
    out["used_memory_ratio"] = (out[a]["used_memory_bytes_per_key"] / out[b]["used_memory_bytes_per_key"]
                                if out[b]["used_memory_bytes_per_key"] else None)
    return out


def pipeline_commands(port: int, commands, batch: int = 200) -> int:
    """Sends the commands (lists of args) pipelined, `batch` in flight; every reply must be an
    integer. Returns how many were sent."""
    c = Conn(port)
    sent = 0
    try:
        pending = []
        def drain(k):
            for _ in range(k):
                ln = c.line()
                if not ln.startswith(b":"):
                    raise SystemExit(f"unexpected reply while loading: {ln[:100]!r}")
        for cmd in commands:
            pending.append(resp(*cmd))
            if len(pending) == batch:
                c.s.sendall(b"".join(pending))
                drain(batch)
                sent += batch
                pending = []
        if pending:
            c.s.sendall(b"".join(pending))
            drain(len(pending))
            sent += len(pending)
    finally:
        c.close()
    return sent


def collection_loads(n: int) -> Dict[str, tuple]:
    """name -> (elements, command generator). Elements are ~16-byte strings, like the string
    memory test; the sorted set has integer scores; small hashes have 5 fields each."""
    per = 1000
    def big(cmd, key, fmt):
        def gen():
            for start in range(0, n, per):
                args = [cmd, key]
                for i in range(start, min(n, start + per)):
                    args += fmt(i)
                yield args
        return gen
    def small_hashes():
        for i in range(n):
            yield ["HSET", "hash:%09d" % i] + [x for f in range(5)
                                                for x in ("f%d" % f, "value:%09d" % (i * 5 + f))]
    return {
        "list": (n, big("RPUSH", "bench:list", lambda i: ["element:%08d" % i])),
        "hash": (n, big("HSET", "bench:hash", lambda i: ["field:%010d" % i, "value:%010d" % i])),
        "set": (n, big("SADD", "bench:set", lambda i: ["member:%09d" % i])),
        "zset": (n, big("ZADD", "bench:zset", lambda i: [str(i), "member:%09d" % i])),
        "small-hashes": (n * 5, small_hashes),
    }


def collection_memory(args, specs: List[dict]) -> dict:
    out = {}
    loads = collection_loads(args.mem_elements)
    for name, (elements, gen) in loads.items():
        if args.mem_types and name not in args.mem_types.split(","):
            continue
        row = {}
        for spec in specs:
            srv = Server(spec["label"], spec["kind"], spec["binary"], args.server_cpu, []).start()
            try:
                rss0 = srv.rss_kb()
                used0 = int(info_fields(srv.port, "memory").get("used_memory", "0"))
                pipeline_commands(srv.port, gen())
                time.sleep(0.5)
                rss1 = srv.rss_kb()
                used1 = int(info_fields(srv.port, "memory").get("used_memory", "0"))
                row[spec["label"]] = {"rss_bytes_per_element": (rss1 - rss0) * 1024 / elements,
                                      "used_memory_bytes_per_element": (used1 - used0) / elements}
            finally:
                srv.stop()
        a, b = specs[0]["label"], specs[1]["label"]
        row["rss_ratio"] = row[a]["rss_bytes_per_element"] / row[b]["rss_bytes_per_element"]
        out[name] = row
        print(f"  {name:13s} {elements:>9,} elements: {a} {row[a]['rss_bytes_per_element']:6.1f} B, "
              f"{b} {row[b]['rss_bytes_per_element']:6.1f} B per element (RSS), "
              f"ratio {row['rss_ratio']:.2f}", flush=True)
    return out


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cardinal", default=os.environ.get("CARDINAL_SERVER") or str(DEFAULT_CARDINAL))
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    ap.add_argument("--redis-benchmark", default=shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark")
    ap.add_argument("--redis-cli", default=shutil.which("redis-cli") or "/usr/bin/redis-cli")
    ap.add_argument("--target-redis-twice", action="store_true",
                    help="benchmark redis-server against redis-server (shows the noise level)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", "-n", type=int, default=200_000, help="requests per -P 1 run (x5 for -P 16)")
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--keyspace", "-r", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="1 round, -n 30000")
    ap.add_argument("--server-cpu", default="0", help="taskset CPU list for the servers ('' = no pinning)")
    ap.add_argument("--client-cpu", default="1", help="taskset CPU list for redis-benchmark ('' = no pinning)")
    ap.add_argument("--mem-keys", type=int, default=3_000_000)
    ap.add_argument("--tests", help="comma-separated subset of " + ",".join(STRING_TESTS + COLLECTION_TESTS))
    ap.add_argument("--mem-elements", type=int, default=1_000_000,
                    help="elements per collection in the collection memory run")
    ap.add_argument("--mem-types", help="comma-separated subset of list,hash,set,zset,small-hashes")
    ap.add_argument("--skip-collection-memory", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--json", help="write results as JSON to this path")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds = 1
        args.requests = min(args.requests, 30_000)
    args.server_cpu = args.server_cpu or None
    args.client_cpu = args.client_cpu or None
    if (args.server_cpu or args.client_cpu) and not shutil.which("taskset"):
        raise SystemExit("taskset not found (util-linux); use --server-cpu '' --client-cpu ''")

    if args.target_redis_twice:
        specs = [{"label": "redis-A", "kind": "redis", "binary": args.redis_server},
                 {"label": "redis-B", "kind": "redis", "binary": args.redis_server}]
    else:
        specs = [{"label": "cardinal", "kind": "cardinal", "binary": args.cardinal},
                 {"label": "redis", "kind": "redis", "binary": args.redis_server}]
    a, b = specs[0]["label"], specs[1]["label"]
    report = {
        "meta": {"a": a, "b": b, "rounds": args.rounds, "requests": args.requests, "clients": args.clients,
                 "keyspace": args.keyspace, "server_cpu": args.server_cpu, "client_cpu": args.client_cpu,
                 "host": platform.node(), "nproc": os.cpu_count(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
                 "binaries": {s["label"]: s["binary"] for s in specs}},
    }
    t_start = time.monotonic()

    if not args.skip_throughput:
        print(f"== throughput: {a} vs {b}, {args.rounds} round(s), -c {args.clients} -r {args.keyspace}")
        servers = [Server(s["label"], s["kind"], s["binary"], args.server_cpu, []).start() for s in specs]
        try:
            for s in servers:
                ver = info_fields(s.port, "server")
                report["meta"].setdefault("versions", {})[s.label] = {
                    k: ver[k] for k in ("redis_version", "cardinal_version", "server_name") if k in ver}
            res = throughput(args, servers)
        finally:
            for s in servers:
                s.stop()
        report["throughput"] = res
        print()
        print(f"{'test':6s} {'P':>3s} {'size':>5s} | {a + ' ops/s':>15s} {b + ' ops/s':>15s} {'ratio':>6s} | "
              f"{a + ' us/req':>15s} {b + ' us/req':>15s} {'ratio':>6s}")
        for r in res:
            print(f"{r['test'].upper():6s} {r['pipeline']:>3d} {r['datasize']:>5d} | {r[a]['rps']:>15,.0f} "
                  f"{r[b]['rps']:>15,.0f} {r['rps_ratio']:>6.2f} | {r[a]['cpu_us_per_req']:>15.3f} "
                  f"{r[b]['cpu_us_per_req']:>15.3f} {(r['cpu_ratio'] or 0):>6.2f}")
        print()

    if not args.skip_memory:
        print(f"== memory: {args.mem_keys:,} keys of 16-byte key + 16-byte value, fresh instances")
        mem = memory(args, specs)
        report["memory"] = mem
        print(f"  bytes/key ratio {a}/{b}: RSS {mem['rss_ratio']:.2f}"
              + (f", used_memory {mem['used_memory_ratio']:.2f}" if mem["used_memory_ratio"] else ""))

    if not args.skip_memory and not args.skip_collection_memory:
        print(f"== collection memory: {args.mem_elements:,} elements per collection, fresh instances")
        report["collection_memory"] = collection_memory(args, specs)

    report["meta"]["seconds"] = round(time.monotonic() - t_start, 1)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
