"""Snapshot interoperability with redis-server 7.0.15, both ways.

Redis -> Cardinal: redis-server writes dump.rdb (every type in both of its encodings, LZF and
integer-encoded strings, TTLs, several databases), Cardinal starts on it and must hold exactly
the same data. Cardinal -> Redis: Cardinal's dump.rdb (and the base file of its log) must pass
redis-check-rdb, and redis-server must load it to exactly the same data.
"""
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import dump_dataset, target_is_redis

pytestmark = pytest.mark.skipif(target_is_redis(), reason="needs both servers")

REDIS_CHECK_RDB = shutil.which("redis-check-rdb") or "/usr/bin/redis-check-rdb"

# (config, value) pairs that make the next keys use the compact or the full encoding.
SMALL = {"hash-max-listpack-entries": 128, "zset-max-listpack-entries": 128,
         "set-max-intset-entries": 512, "list-max-listpack-size": -2}
TINY = {"hash-max-listpack-entries": 2, "zset-max-listpack-entries": 2,
        "set-max-intset-entries": 2, "list-max-listpack-size": 4}


def configure(r, settings):
    for k, v in settings.items():
        r.config_set(k, v)


def fill_every_encoding(r):
    for tag, settings in (("compact", SMALL), ("full", TINY)):
        configure(r, settings)
        for i in range(8):
            r.rpush(f"{tag}:list:{i}", *[f"item-{j}" for j in range(i * 3 + 1)], 12345, -7)
            r.hset(f"{tag}:hash:{i}", mapping={f"field{j}": f"value{j}" * (j + 1) for j in range(i + 1)})
            r.sadd(f"{tag}:intset:{i}", *range(-i, i + 5))
            r.sadd(f"{tag}:set:{i}", *[f"member{j}" for j in range(i + 3)])
            r.zadd(f"{tag}:zset:{i}", {f"m{j}": j * 1.25 - 3 for j in range(i + 3)})
    configure(r, SMALL)
    r.zadd("zset:special", {"ninf": float("-inf"), "pinf": float("inf"), "zero": 0, "frac": 0.1})
    r.hset("hash:longvalue", "f", "x" * 200)  # past hash-max-listpack-value
    r.rpush("list:big", *[f"element-{i}" for i in range(3000)])  # several quicklist nodes
    for v in (0, 1, -1, 127, -128, 32767, -32768, 2**31 - 1, -2**31, 2**31, 2**63 - 1, -2**63):
        r.set(f"int:{v}", v)
    r.set("compressible", "abc" * 1000)
    r.set("random", bytes(range(256)) * 4)
    r.set("empty", "")
    r.set("with-ttl", "v", px=3_600_000)
    r.hset("hash-with-ttl", "a", "b")
    r.pexpire("hash-with-ttl", 3_600_000)
    r.set("bitmap-like", b"\x00" * 125 + b"\x40")  # what SETBIT k 1001 1 stores
    for db in (1, 15):
        r.execute_command("SELECT", db)
        r.set(f"in-db-{db}", db)
        r.rpush(f"list-db-{db}", "a", "b")
    r.execute_command("SELECT", 0)


def copy_dump(src_dir, dst_dir):
    Path(dst_dir).mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(src_dir) / "dump.rdb", Path(dst_dir) / "dump.rdb")


def check_rdb(path):
    p = subprocess.run([REDIS_CHECK_RDB, str(path)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "RDB looks OK" in p.stdout, p.stdout + p.stderr


@pytest.mark.parametrize("options", [[], ["--rdbcompression", "no", "--rdbchecksum", "no"]],
                         ids=["default", "no-compression-no-checksum"])
def test_cardinal_loads_redis_dump(oracle_factory, cardinal_factory, tmp_path, options):
    redis_srv = oracle_factory(*options, data_dir=tmp_path / "redis")
    rr = redis_srv.client()
    fill_every_encoding(rr)
    expected = dump_dataset(rr)
    rr.save()
    copy_dump(tmp_path / "redis", tmp_path / "cardinal")
    card = cardinal_factory(data_dir=tmp_path / "cardinal")
    rc = card.client()
    assert dump_dataset(rc) == expected
    assert rc.info("persistence")["rdb_changes_since_last_save"] == 0
    ttl = rc.pttl("with-ttl")
    assert 3_500_000 < ttl <= 3_600_000


@pytest.mark.parametrize("options", [[], ["--rdbcompression", "no", "--rdbchecksum", "no"]],
                         ids=["default", "no-compression-no-checksum"])
def test_redis_loads_cardinal_dump(oracle_factory, cardinal_factory, tmp_path, options):
    card = cardinal_factory(*options, data_dir=tmp_path / "cardinal")
    rc = card.client()
    fill_every_encoding(rc)
    expected = dump_dataset(rc)
    rc.save()
    check_rdb(tmp_path / "cardinal" / "dump.rdb")
    copy_dump(tmp_path / "cardinal", tmp_path / "redis")
    redis_srv = oracle_factory(data_dir=tmp_path / "redis")
    assert dump_dataset(redis_srv.client()) == expected


def test_log_base_file_is_a_redis_rdb(cardinal_factory, tmp_path):
    card = cardinal_factory("--appendonly", "yes", data_dir=tmp_path)
    rc = card.client()
    fill_every_encoding(rc)
    rc.bgrewriteaof()
    bases = []
    for _ in range(300):
        bases = sorted((tmp_path / "appendonlydir").glob("*.2.base.rdb"))
        if bases and rc.info("persistence")["aof_rewrite_in_progress"] == 0:
            break
        time.sleep(0.05)
    assert bases, "rewrite did not produce a base file"
    check_rdb(bases[0])


def test_round_trip_redis_cardinal_redis(oracle_factory, cardinal_factory, tmp_path):
    """Redis's dump through Cardinal and back: nothing is lost or changed on the way."""
    r1 = oracle_factory(data_dir=tmp_path / "r1")
    fill_every_encoding(r1.client())
    expected = dump_dataset(r1.client())
    r1.client().save()
    copy_dump(tmp_path / "r1", tmp_path / "c")
    c = cardinal_factory(data_dir=tmp_path / "c")
    c.client().save()
    copy_dump(tmp_path / "c", tmp_path / "r2")
    r2 = oracle_factory(data_dir=tmp_path / "r2")
    assert dump_dataset(r2.client()) == expected


def test_background_save_replies_match_redis(oracle_factory, cardinal_factory, tmp_path):
    """The replies of the snapshot commands while a child is busy (slowed by
    rdb-key-save-delay), byte for byte."""
    replies = []
    for i, factory in enumerate((oracle_factory, cardinal_factory)):
        srv = factory("--rdb-key-save-delay", "100000", data_dir=tmp_path / f"s{i}")
        with srv.raw() as c:
            for k in range(5):
                c.call("SET", f"k{k}", "v")
            got = [c.call(*cmd) for cmd in (["BGSAVE"], ["BGSAVE"], ["BGSAVE", "SCHEDULE"], ["SAVE"],
                                            ["BGSAVE", "NOW"], ["BGSAVE", "SCHEDULE", "X"])]
            c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        replies.append(got)
    assert replies[0] == replies[1]
