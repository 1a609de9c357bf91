"""Persistence: the write-ahead log, snapshots, recovery, shutdown (docs/PERSISTENCE.md).

Every test starts its own server in a directory it owns (`data_dir`), so a restarted server
finds the previous one's files. Crash-consistency under concurrent writers is in
test_durability.py.
"""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from conftest import cardinal_binary, dump_dataset as state, target_is_redis, wait_until

pytestmark = pytest.mark.skipif(target_is_redis(), reason="Cardinal's WAL format and tools")

AOF_DIR = "appendonlydir"
PREFIX = "appendonly.aof"


def check_aof_binary() -> Path:
    return cardinal_binary().parent.parent / "persistence" / "cardinal-check-aof"


def fill(r: redis.Redis, n: int = 50):
    """A bit of every type, TTLs, several databases, a transaction, binary data."""
    for i in range(n):
        r.set(f"s:{i}", f"value-{i}")
        r.set(f"int:{i}", i * 1000)
        r.rpush("list", *[f"e{i}-{j}" for j in range(3)])
        r.hset("hash", f"f{i}", f"v{i}")
        r.sadd("set", f"m{i}")
        r.sadd("intset", i)
        r.zadd("zset", {f"z{i}": i / 3})
    r.set("ttl", "x", px=600000)
    r.set("bin", b"\x00\r\n\xff" * 50)
    r.set("big", "y" * 100000)
    r.incrbyfloat("float", 1.5)
    r.lpop("list")
    r.hset("bighash", mapping={f"f{i}": "v" * 100 for i in range(200)})
    p = r.pipeline(transaction=True)
    p.set("tx:a", 1).incr("tx:a").rpush("tx:l", "a", "b")
    p.execute()
    r.execute_command("SELECT", 3)
    r.set("db3", "three")
    r.zadd("db3z", {"a": 1, "b": float("inf")})
    r.execute_command("SELECT", 0)
    r.set("gone", 1)
    r.delete("gone")
    r.set("expiring", 1, px=1)


def start(factory, data_dir, *args, **kwargs):
    return factory(*args, data_dir=data_dir, **kwargs)


def manifest_lines(data_dir):
    return (Path(data_dir) / AOF_DIR / f"{PREFIX}.manifest").read_text().splitlines()


def incr_files(data_dir):
    return sorted((Path(data_dir) / AOF_DIR).glob(f"{PREFIX}.*.incr.cwal"),
                  key=lambda p: int(p.name.split(".")[2]))


@pytest.mark.parametrize("fsync", ["always", "everysec", "no"])
def test_log_survives_kill9_for_every_policy(cardinal_factory, tmp_path, fsync):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--appendfsync", fsync)
    r = srv.client()
    fill(r)
    time.sleep(0.01)
    before = state(r)
    assert before, "nothing written"
    srv.kill9()
    srv2 = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    assert state(srv2.client()) == before
    info = srv2.client().info("persistence")
    assert info["aof_enabled"] == 1 and info["loading"] == 0
    assert info["rdb_changes_since_last_save"] == 0


def test_layout_and_manifest(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    srv.client().set("k", "v")
    lines = manifest_lines(tmp_path)
    assert lines == [f"file {PREFIX}.1.base.rdb seq 1 type b", f"file {PREFIX}.1.incr.cwal seq 1 type i"]
    data = (Path(tmp_path) / AOF_DIR / f"{PREFIX}.1.incr.cwal").read_bytes()
    assert data[:8] == b"CWAL\x01\x00\x00\x00"
    assert b"SET" in data and b"k" in data
    base = (Path(tmp_path) / AOF_DIR / f"{PREFIX}.1.base.rdb").read_bytes()
    assert base.startswith(b"REDIS0010")


def test_relative_ttl_is_logged_as_absolute(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    r.set("k", "v", ex=100)
    r.set("k2", "v")
    r.expire("k2", 100)
    deadline = r.pttl("k")
    srv.kill9()
    time.sleep(0.3)
    r2 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    # Replay must not restart the clock: the TTL kept running while the server was down.
    assert 0 < r2.pttl("k") <= deadline - 250
    assert 0 < r2.pttl("k2") <= 100_000 - 250  # EXPIRE is logged as PEXPIREAT


def test_rewrite_compacts_and_keeps_writes_made_during_it(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    for i in range(300):
        r.set(f"k{i}", i)
        r.incr("counter")
    size_before = sum(p.stat().st_size for p in incr_files(tmp_path))
    r.config_set("rdb-key-save-delay", 2000)  # 300 keys -> the child takes ~0.6 s
    with srv.raw() as c:
        assert c.call("BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    assert r.info("persistence")["aof_rewrite_in_progress"] == 1
    # A second rewrite is refused; BGSAVE can only be scheduled meanwhile.
    with pytest.raises(redis.ResponseError, match="already in progress"):
        r.bgrewriteaof()
    with pytest.raises(redis.ResponseError, match="Use BGSAVE SCHEDULE"):
        r.execute_command("BGSAVE")
    with srv.raw() as c:
        assert c.call("BGSAVE", "SCHEDULE") == b"+Background saving scheduled\r\n"
    for i in range(100):
        r.set(f"during{i}", i)
        r.incr("counter")
    # During the rewrite the manifest lists the old files and the new incremental file.
    assert len([l for l in manifest_lines(tmp_path) if "type i" in l]) == 2
    assert wait_until(lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0,
                      timeout=30)
    info = r.info("persistence")
    assert info["aof_last_bgrewrite_status"] == "ok" and info["aof_rewrites"] == 1
    lines = manifest_lines(tmp_path)
    assert lines == [f"file {PREFIX}.2.base.rdb seq 2 type b", f"file {PREFIX}.2.incr.cwal seq 2 type i"]
    names = sorted(p.name for p in (Path(tmp_path) / AOF_DIR).iterdir())
    assert names == [f"{PREFIX}.2.base.rdb", f"{PREFIX}.2.incr.cwal", f"{PREFIX}.manifest"]
    assert sum(p.stat().st_size for p in incr_files(tmp_path)) < size_before
    # The scheduled BGSAVE runs once the rewrite is done.
    assert wait_until(lambda: (Path(tmp_path) / "dump.rdb").exists(), timeout=30)
    r.config_set("rdb-key-save-delay", 0)
    before = state(r)
    srv.kill9()
    r2 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert state(r2) == before
    assert r2.get("counter") == b"400"


def test_crash_during_rewrite_loses_nothing(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--rdb-key-save-delay", "100000")
    r = srv.client()
    for i in range(50):
        r.set(f"k{i}", i)
    r.bgrewriteaof()
    for i in range(50):
        r.set(f"after{i}", i)
    before = state(r)
    srv.kill9()  # the child dies with the parent's death signal or stays orphaned: either way
    r2 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert state(r2) == before
    # The interrupted rewrite's leftovers are gone; the manifest names what is there.
    names = {p.name for p in (Path(tmp_path) / AOF_DIR).iterdir()}
    listed = {l.split()[1] for l in manifest_lines(tmp_path)}
    assert names == listed | {f"{PREFIX}.manifest"}


def test_auto_rewrite_on_growth(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--auto-aof-rewrite-min-size",
                "20kb", "--auto-aof-rewrite-percentage", "100")
    r = srv.client()
    for i in range(2000):
        r.set("same-key", "v" * 20)
    assert wait_until(lambda: r.info("persistence")["aof_rewrites"] >= 1, timeout=20)
    assert r.get("same-key") == b"v" * 20


def test_torn_tail_is_truncated_with_a_log_line(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    for i in range(20):
        r.set(f"k{i}", i)
    srv.kill9()
    f = incr_files(tmp_path)[-1]
    good = f.stat().st_size
    with open(f, "ab") as fh:
        fh.write(b"\x12\x34\x56\x78\x40\x00\x00\x00\x01partial record")
    srv2 = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    assert srv2.client().dbsize() == 20
    assert f.stat().st_size == good
    log = Path(srv2.log_path).read_text()
    assert re.search(rf"Truncating 23 bytes at offset {good}", log), log[-2000:]


def test_torn_tail_refused_with_aof_load_truncated_no(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    srv.client().set("k", "v")
    srv.kill9()
    f = incr_files(tmp_path)[-1]
    data = f.read_bytes()
    f.write_bytes(data[:-2])
    bad = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--aof-load-truncated", "no",
                wait_ready=False)
    assert bad.proc.wait(timeout=30) == 1
    log = Path(bad.log_path).read_text()
    assert "Unexpected end of file" in log and f.name in log


@pytest.mark.parametrize("where", ["header", "value"])
def test_flipped_bit_in_the_middle_refuses_to_start(cardinal_factory, tmp_path, where):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    r.set("first", "a" * 40)
    r.set("second", "b" * 40)
    r.set("third", "c" * 40)
    srv.kill9()
    f = incr_files(tmp_path)[-1]
    data = bytearray(f.read_bytes())
    # A byte of the first record's value, or of its length field (header bytes 4-7 of the record
    # that starts right after the 8-byte file header).
    pos = data.index(b"a" * 40) + 7 if where == "value" else 8 + 5
    data[pos] ^= 0x04
    f.write_bytes(bytes(data))
    bad = start(cardinal_factory, tmp_path, "--appendonly", "yes", wait_ready=False)
    assert bad.proc.wait(timeout=30) == 1
    log = Path(bad.log_path).read_text()
    assert "Bad file format reading the append only file" in log, log[-2000:]
    assert f.name in log  # the file is named
    assert "at offset 8 " in log  # the first record starts right after the 8-byte header


def test_check_aof_tool(cardinal_factory, tmp_path):
    tool = check_aof_binary()
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    for i in range(10):
        srv.client().set(f"k{i}", i)
    srv.kill9()
    manifest = Path(tmp_path) / AOF_DIR / f"{PREFIX}.manifest"
    f = incr_files(tmp_path)[-1]
    ok = subprocess.run([tool, str(manifest)], capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stdout
    assert "is valid" in ok.stdout
    good = f.stat().st_size
    with open(f, "ab") as fh:
        fh.write(b"garbage")
    torn = subprocess.run([tool, str(f)], capture_output=True, text=True, timeout=30)
    assert torn.returncode == 1 and "torn tail" in torn.stdout and "--fix" in torn.stdout
    fixed = subprocess.run([tool, "--fix", str(f)], capture_output=True, text=True, timeout=30)
    assert fixed.returncode == 0 and f.stat().st_size == good
    data = bytearray(f.read_bytes())
    data[20] ^= 1
    f.write_bytes(bytes(data))
    corrupt = subprocess.run([tool, "--fix", str(f)], capture_output=True, text=True, timeout=30)
    assert corrupt.returncode == 1 and "corrupt at offset 8" in corrupt.stdout
    assert f.stat().st_size == good  # not cut without --truncate-to-corruption


def test_save_bgsave_lastsave_and_info(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path)
    r = srv.client()
    fill(r, 10)
    info = r.info("persistence")
    assert info["rdb_changes_since_last_save"] > 0 and info["aof_enabled"] == 0
    t0 = r.lastsave()
    time.sleep(1.1)
    assert r.save()
    assert r.lastsave() > t0
    info = r.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0 and info["rdb_saves"] == 1
    assert (Path(tmp_path) / "dump.rdb").read_bytes().startswith(b"REDIS0010")
    r.set("after-save", 1)
    r.config_set("rdb-key-save-delay", 20000)
    with srv.raw() as c:
        assert c.call("BGSAVE") == b"+Background saving started\r\n"
    assert r.info("persistence")["rdb_bgsave_in_progress"] == 1
    with pytest.raises(redis.ResponseError, match="Background save already in progress"):
        r.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="Background save already in progress"):
        r.save()
    r.set("during-bgsave", 1)  # clients keep being served
    assert wait_until(lambda: r.info("persistence")["rdb_bgsave_in_progress"] == 0,
                      timeout=30)
    info = r.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok" and info["rdb_saves"] == 2
    assert info["rdb_last_cow_size"] > 0  # the child's own buffers at least
    assert info["rdb_changes_since_last_save"] == 1  # the write made during the save
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("BGSAVE", "NOW")


def test_snapshot_round_trip_through_restart(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path)
    r = srv.client()
    fill(r)
    r.config_set("hash-max-listpack-entries", 4)  # both encodings of hashes in the file
    r.hset("h2", mapping={f"f{i}": i for i in range(10)})
    before = state(r)
    r.save()
    srv.kill9()
    r2 = start(cardinal_factory, tmp_path).client()
    assert state(r2) == before
    assert r2.object("encoding", "h2") == b"listpack"  # re-encoded by the loader's thresholds


def test_sigterm_saves_with_save_rules_and_removes_pidfile(cardinal_factory, tmp_path):
    pidfile = Path(tmp_path) / "cardinal.pid"
    srv = start(cardinal_factory, tmp_path, "--save", "3600 1", "--pidfile", str(pidfile))
    r = srv.client()
    r.set("k", "v")
    assert pidfile.exists()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=30) == 0
    assert not pidfile.exists()
    assert (Path(tmp_path) / "dump.rdb").exists()
    log = Path(srv.log_path).read_text()
    assert "Saving the final RDB snapshot before exiting." in log
    r2 = start(cardinal_factory, tmp_path).client()
    assert r2.get("k") == b"v"


def test_shutdown_nosave_and_save(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--save", "3600 1")
    srv.client().set("k", "v")
    srv.client().shutdown(nosave=True)  # redis-py swallows the closed connection
    assert srv.proc.wait(timeout=30) == 0
    assert not (Path(tmp_path) / "dump.rdb").exists()
    srv2 = start(cardinal_factory, tmp_path)  # no save rules
    srv2.client().set("k", "v2")
    srv2.client().shutdown(save=True)
    assert srv2.proc.wait(timeout=30) == 0
    assert start(cardinal_factory, tmp_path).client().get("k") == b"v2"


def test_shutdown_flushes_the_log(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--appendfsync", "no")
    srv.client().set("k", "v")
    srv.proc.send_signal(signal.SIGINT)
    assert srv.proc.wait(timeout=30) == 0
    assert start(cardinal_factory, tmp_path, "--appendonly", "yes").client().get("k") == b"v"


def test_save_rules_trigger_bgsave(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--save", "1 3")
    r = srv.client()
    for i in range(3):
        r.set(f"k{i}", i)
    assert wait_until(lambda: (Path(tmp_path) / "dump.rdb").exists(), timeout=15)
    assert wait_until(lambda: r.info("persistence")["rdb_changes_since_last_save"] == 0,
                      timeout=15)


def test_loading_state_answers_loading(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    for i in range(300):
        r.set(f"k{i}", i)
    srv.kill9()
    slow = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--key-load-delay", "10000",
                 wait_ready=False)
    with_loading = False
    for _ in range(200):
        try:
            c = redis.Redis(port=slow.port, socket_timeout=5)
            try:
                c.ping()
                break
            except redis.exceptions.BusyLoadingError:
                with_loading = True
                assert c.info("persistence")["loading"] == 1
                with pytest.raises(redis.exceptions.BusyLoadingError):
                    c.get("k1")
                break
        except redis.ConnectionError:
            time.sleep(0.02)
    assert with_loading
    assert wait_until(lambda: _ping(slow.port), timeout=30)
    assert redis.Redis(port=slow.port).dbsize() == 300


def _ping(port):
    try:
        return redis.Redis(port=port, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def test_kill9_during_loading_loses_nothing(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    r = srv.client()
    for i in range(200):
        r.rpush("l", i)
    srv.kill9()
    for _ in range(3):
        s = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--key-load-delay", "2000",
                  wait_ready=False)
        time.sleep(0.15)
        s.kill9()
    final = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert final.lrange("l", 0, -1) == [str(i).encode() for i in range(200)]


@pytest.mark.parametrize("op,errno_name,text", [("WRITE", "EIO", "Input/output error"),
                                                ("WRITE", "ENOSPC", "No space left on device"),
                                                ("SYNC", "EIO", "Input/output error")])
def test_disk_errors_refuse_writes_until_healthy(cardinal_factory, tmp_path, op, errno_name, text):
    srv = start(cardinal_factory, tmp_path, "--appendonly", "yes", "--appendfsync", "always")
    r = srv.client()
    r.set("before", 1)
    admin = srv.client()
    admin.execute_command("DEBUG", "FAULT", op, "incr.cwal", errno_name)
    # The write that meets the fault is never acknowledged while the disk fails...
    pending = srv.client(socket_timeout=1.5)
    with pytest.raises(redis.TimeoutError):
        pending.set("unacked", 1)
    info = admin.info("persistence")
    assert info["aof_last_write_status"] == "err"
    # ...and later writes (and PING, as in Redis) are refused with MISCONF.
    with pytest.raises(redis.ResponseError, match=f"MISCONF Errors writing to the AOF file: {text}"):
        r.set("refused", 1)
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        r.ping()
    # Replies that could show data the log does not hold yet wait (no dirty reads); replies
    # that cannot (INFO above, CONFIG, PING's MISCONF) are served.
    with pytest.raises(redis.TimeoutError):
        srv.client(socket_timeout=1.0).get("before")
    assert admin.config_get("appendfsync")
    admin.execute_command("DEBUG", "FAULT", "OFF")
    assert wait_until(lambda: admin.info("persistence")["aof_last_write_status"] == "ok",
                      timeout=10)
    r.set("after", 1)
    srv.kill9()
    r2 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert r2.get("before") == b"1" and r2.get("after") == b"1"
    assert r2.get("unacked") == b"1"  # retried once the disk healed; never lost
    assert r2.get("refused") is None


def test_config_set_appendonly_at_runtime(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path)
    r = srv.client()
    fill(r, 10)
    r.config_set("appendonly", "yes")
    assert wait_until(lambda: r.info("persistence")["aof_enabled"] == 1, timeout=10)
    r.set("logged", 1)
    before = state(r)
    srv.kill9()
    r2 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert state(r2) == before


def test_dump_rdb_seeds_a_new_log(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path)
    srv.client().set("from-rdb", 1)
    srv.client().save()
    srv.kill9()
    srv2 = start(cardinal_factory, tmp_path, "--appendonly", "yes")
    assert srv2.client().get("from-rdb") == b"1"
    srv2.client().set("from-log", 1)
    srv2.kill9()
    (Path(tmp_path) / "dump.rdb").unlink()
    r3 = start(cardinal_factory, tmp_path, "--appendonly", "yes").client()
    assert r3.get("from-rdb") == b"1" and r3.get("from-log") == b"1"


@pytest.mark.parametrize("damage", ["truncate", "flip-value", "flip-header"])
def test_damaged_snapshot_refuses_to_start(cardinal_factory, tmp_path, damage):
    srv = start(cardinal_factory, tmp_path)
    r = srv.client()
    for i in range(100):
        r.set(f"key:{i}", f"value-{i}-" + "z" * 30)
    r.save()
    srv.kill9()
    f = Path(tmp_path) / "dump.rdb"
    data = bytearray(f.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip-value":
        data[data.index(b"value-50-") + 3] ^= 0x20
    else:
        data[5] = ord("9") + 1  # version "00:0": not a number
    f.write_bytes(bytes(data))
    bad = start(cardinal_factory, tmp_path, wait_ready=False)
    assert bad.proc.wait(timeout=30) == 1
    log = Path(bad.log_path).read_text()
    assert "Fatal error loading the DB" in log and "dump.rdb" in log, log[-1500:]


def test_backup_dir_keeps_the_newest_snapshots(cardinal_factory, tmp_path):
    backups = Path(tmp_path) / "backups"
    srv = start(cardinal_factory, tmp_path / "data", "--backup-dir", str(backups), "--backup-keep", "2")
    r = srv.client()
    for i in range(3):
        r.set("generation", i)
        if i == 1:
            r.execute_command("BGSAVE")
            assert wait_until(lambda: r.info("persistence")["rdb_bgsave_in_progress"] == 0, timeout=30)
        else:
            r.save()
        time.sleep(0.01)
    files = sorted(backups.glob("dump-*.rdb"), key=lambda p: int(p.stem.split("-")[1]))
    assert len(files) == 2
    assert files[-1].read_bytes() == (Path(tmp_path) / "data" / "dump.rdb").read_bytes()
    # Restoring the older backup brings back that generation.
    srv.kill9()
    restore = Path(tmp_path) / "restore"
    restore.mkdir()
    (restore / "dump.rdb").write_bytes(files[0].read_bytes())
    assert start(cardinal_factory, restore).client().get("generation") == b"1"


def test_sigterm_while_loading_exits_without_saving(cardinal_factory, tmp_path):
    srv = start(cardinal_factory, tmp_path, "--save", "3600 1")
    r = srv.client()
    for i in range(500):
        r.set(f"k{i}", i)
    r.save()
    srv.kill9()
    before = (Path(tmp_path) / "dump.rdb").read_bytes()
    slow = start(cardinal_factory, tmp_path, "--save", "3600 1", "--key-load-delay", "20000",
                 wait_ready=False)
    assert wait_until(lambda: b"Listening" in Path(slow.log_path).read_bytes(), timeout=10)
    time.sleep(0.2)
    slow.proc.send_signal(signal.SIGTERM)
    assert slow.proc.wait(timeout=10) == 0
    assert (Path(tmp_path) / "dump.rdb").read_bytes() == before  # no half-loaded save
    assert start(cardinal_factory, tmp_path).client().dbsize() == 500
