"""Crash consistency: nothing acknowledged is lost, nothing never written appears.

Concurrent writers (INCR, RPUSH of increasing numbers, SET of unique values) record every
acknowledgement; the server is killed with SIGKILL at a random moment, restarted on the same
directory, and the data is checked against the acknowledgements:
  - a counter is at least its acknowledged INCRs and at most its attempted ones;
  - a list is exactly the first k pushed values, k at least the acknowledged pushes;
  - every acknowledged SET is present with its value; any other key present is one that was
    attempted (the in-flight command) with its exact value.
Power loss is emulated with tests/tools/powerloss_shim.c: after the kill every data file is cut
back to what its last fsync covered.
"""
import bisect
import os
import random
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT, cardinal_binary, target_is_redis

pytestmark = pytest.mark.skipif(target_is_redis(), reason="Cardinal's durability")

WRITERS = 4


class Writer(threading.Thread):
    """One connection writing until the server goes away; records what was acknowledged."""

    def __init__(self, port: int, name: str, rng_seed: int):
        super().__init__(daemon=True)
        self.port = port
        self.name_ = name
        self.rng = random.Random(rng_seed)
        self.incr_acked = self.incr_attempted = 0
        self.push_acked = self.push_attempted = 0
        self.sets_acked = {}      # key -> value
        self.set_in_flight = None
        # Monotonic times of the acknowledgements, for the power-loss window: the i-th INCR and
        # RPUSH acks, and each SET key's ack.
        self.incr_ack_times, self.push_ack_times, self.set_ack_time = [], [], {}
        self.stop = threading.Event()
        self.durable_before = None

    def call(self, sock, buf, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        sock.sendall(out)
        while b"\r\n" not in buf[0]:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            buf[0] += chunk
        line, buf[0] = buf[0].split(b"\r\n", 1)
        if line[:1] == b"-":
            raise AssertionError(f"error reply: {line!r}")
        return line

    def run(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError:
            return
        buf = [b""]
        try:
            for i in range(1_000_000):
                if self.stop.is_set():
                    break
                op = self.rng.randrange(3)
                if op == 0:
                    self.incr_attempted += 1
                    self.call(sock, buf, "INCR", f"{self.name_}:counter")
                    self.incr_acked += 1
                    self.incr_ack_times.append(time.monotonic())
                elif op == 1:
                    self.push_attempted += 1
                    self.call(sock, buf, "RPUSH", f"{self.name_}:list", self.push_attempted)
                    self.push_acked += 1
                    self.push_ack_times.append(time.monotonic())
                else:
                    key, value = f"{self.name_}:s:{i}", f"v{i}-{self.rng.random()}"
                    self.set_in_flight = (key, value)
                    self.call(sock, buf, "SET", key, value)
                    self.sets_acked[key] = value
                    self.set_in_flight = None
                    self.set_ack_time[key] = time.monotonic()
        except (OSError, ConnectionError):
            pass
        finally:
            sock.close()


def read_all(port, pattern):
    import redis
    r = redis.Redis(port=port, socket_timeout=30)
    keys = list(r.scan_iter(match=pattern, count=1000))
    return r, keys


def oldest_lost_ack(port, writers):
    """The monotonic time of the oldest acknowledged write that is missing (None: none lost)."""
    import redis
    r = redis.Redis(port=port, socket_timeout=30)
    times = []
    for w in writers:
        counter = int(r.get(f"{w.name_}:counter") or 0)
        if counter < len(w.incr_ack_times):
            times.append(w.incr_ack_times[counter])
        items = r.llen(f"{w.name_}:list")
        if items < len(w.push_ack_times):
            times.append(w.push_ack_times[items])
        for key, t in w.set_ack_time.items():
            if r.get(key) is None:
                times.append(t)
    return min(times) if times else None


def verify(port, writers):
    """Checks the restarted server against the writers' records. A writer with durable_before
    set (a monotonic time) only needs its acknowledgements older than that to have survived
    (everysec under power loss)."""
    import redis
    r = redis.Redis(port=port, socket_timeout=30)
    lost = 0
    for w in writers:
        durable_before = w.durable_before
        counter = int(r.get(f"{w.name_}:counter") or 0)
        assert counter <= w.incr_attempted, (w.name_, counter, w.incr_attempted)
        need = w.incr_acked
        if durable_before is not None:
            need = bisect.bisect_left(w.incr_ack_times, durable_before)
        if counter < need:
            lost += need - counter
        assert counter >= need, f"{w.name_}: counter {counter} < acknowledged {need}"
        items = [int(x) for x in r.lrange(f"{w.name_}:list", 0, -1)]
        assert items == list(range(1, len(items) + 1)), f"{w.name_}: list is not a prefix: {items[:20]}"
        assert len(items) <= w.push_attempted
        need = w.push_acked
        if durable_before is not None:
            need = bisect.bisect_left(w.push_ack_times, durable_before)
        assert len(items) >= need, f"{w.name_}: {len(items)} items < acknowledged {need}"
        present = {k.decode(): v.decode() for k, v in
                   ((k, r.get(k)) for k in r.scan_iter(match=f"{w.name_}:s:*", count=1000))}
        for key, value in w.sets_acked.items():
            if durable_before is None or w.set_ack_time[key] < durable_before:
                assert present.get(key) == value, f"acknowledged {key} lost or wrong: {present.get(key)!r}"
        for key, value in present.items():
            if key in w.sets_acked:
                assert value == w.sets_acked[key]
            else:
                assert w.set_in_flight == (key, value), f"{key}={value!r} was never written"
    return lost


def run_round(factory, data_dir, args, seed, rewrite=False, env=None, kill_after=None):
    srv = factory(*args, data_dir=data_dir, env=env)
    rng = random.Random(seed)
    writers = [Writer(srv.port, f"r{seed}w{i}", seed * 100 + i) for i in range(WRITERS)]
    for w in writers:
        w.start()
    if rewrite:
        time.sleep(rng.uniform(0.05, 0.2))
        srv.client().execute_command("BGREWRITEAOF")
    time.sleep(kill_after if kill_after is not None else rng.uniform(0.2, 0.7))
    kill_time = time.monotonic()
    srv.kill9()
    for w in writers:
        w.stop.set()
        w.join(timeout=30)
    acked = sum(w.incr_acked + w.push_acked + len(w.sets_acked) for w in writers)
    return writers, acked, kill_time


def test_kill9_under_concurrent_writers_fsync_always(cardinal_factory, tmp_path):
    """20 rounds on one directory: each round's data must survive every later crash too."""
    args = ("--appendonly", "yes", "--appendfsync", "always", "--rdb-key-save-delay", "20")
    history = []
    total_acked = 0
    for rnd in range(20):
        writers, acked, _ = run_round(cardinal_factory, tmp_path, args, seed=rnd + 1,
                                      rewrite=rnd % 4 == 3)
        total_acked += acked
        history.extend(writers)
        srv = cardinal_factory(*args, data_dir=tmp_path)
        verify(srv.port, history)
        srv.kill9()
    assert total_acked > 1000, total_acked


def build_shim(tmp_path) -> Path:
    out = tmp_path / "powerloss_shim.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(out),
                    str(REPO_ROOT / "tests" / "tools" / "powerloss_shim.c"), "-ldl"],
                   check=True, timeout=60)
    return out


def cut_to_synced(data_dir: Path, journal: Path):
    """What a power cut leaves: each data file only as long as its last fsync covered."""
    synced = {}
    if journal.exists():
        for line in journal.read_text().splitlines():
            dev, ino, size = line.split()
            synced[(int(dev), int(ino))] = int(size)
    files = list((data_dir / "appendonlydir").glob("*")) + list(data_dir.glob("dump.rdb"))
    dropped = 0
    for f in files:
        st = f.stat()
        keep = synced.get((st.st_dev, st.st_ino), 0)
        if st.st_size > keep:
            dropped += st.st_size - keep
            os.truncate(f, keep)
    # The journal stays: a file synced by an earlier server (the manifest) is still durable.
    return dropped


def asan_build() -> bool:
    return "asan" in str(cardinal_binary())


@pytest.mark.skipif(asan_build(), reason="LD_PRELOAD shim and the ASan runtime do not mix")
@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_power_loss(cardinal_factory, tmp_path, fsync):
    shim = build_shim(tmp_path)
    data = tmp_path / "data"
    journal = tmp_path / "journal"
    env = {"LD_PRELOAD": str(shim), "CARDINAL_POWERLOSS_JOURNAL": str(journal)}
    args = ("--appendonly", "yes", "--appendfsync", fsync)
    history = []
    dropped_total = 0
    for rnd in range(6 if fsync == "always" else 3):
        writers, acked, kill_time = run_round(cardinal_factory, data, args, seed=100 + rnd, env=env,
                                              kill_after=None if fsync == "always" else 2.5)
        dropped_total += cut_to_synced(data, journal)
        history.extend(writers)
        srv = cardinal_factory(*args, data_dir=data, env=env)
        if fsync == "everysec":
            # What was acknowledged more than ~1 s (plus scheduling slack) before the cut
            # survives; the newest second may be lost.
            for w in writers:
                w.durable_before = kill_time - 2.0
            oldest = oldest_lost_ack(srv.port, writers)
            window = 0.0 if oldest is None else kill_time - oldest
            print(f"everysec power loss, round {rnd}: lost acknowledged writes from the last "
                  f"{window:.2f} s before the cut")
        verify(srv.port, history)
        srv.kill9()
        cut_to_synced(data, journal)
    if fsync == "everysec":
        # The emulation really cut something, or the test proves nothing about the window.
        assert dropped_total > 0
