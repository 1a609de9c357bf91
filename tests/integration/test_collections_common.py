"""Behaviour shared by every collection type: generic key commands on collections (TYPE,
OBJECT ENCODING, SCAN TYPE, RENAME, COPY, MOVE, DEL), lazy freeing of large collections, and
memory accounting returning to its baseline."""

from __future__ import annotations

import pytest

from conftest import wait_until


def fill_all(r, n: int, prefix: str = ""):
    """One key of each collection type with n elements (hashtable/skiplist encodings when n is
    large)."""
    p = r.pipeline(transaction=False)
    for start in range(0, n, 1000):
        chunk = range(start, min(n, start + 1000))
        p.rpush(prefix + "list", *[f"element:{i:08d}" for i in chunk])
        p.hset(prefix + "hash", mapping={f"field:{i}": f"value:{i}" for i in chunk})
        p.sadd(prefix + "set", *[f"member:{i}" for i in chunk])
        p.zadd(prefix + "zset", {f"member:{i}": i for i in chunk})
    p.execute()


def test_generic_commands_on_collections(cardinal):
    r = cardinal.client()
    fill_all(r, 10)
    r.sadd("ints", 1, 2, 3)
    assert [r.type(k) for k in ("list", "hash", "set", "zset", "ints")] == \
        [b"list", b"hash", b"set", b"zset", b"set"]
    assert [r.object("encoding", k) for k in ("list", "hash", "set", "zset", "ints")] == \
        [b"quicklist", b"listpack", b"hashtable", b"listpack", b"intset"]
    assert sorted(r.scan_iter(_type="zset")) == [b"zset"]
    assert sorted(r.scan_iter(_type="set")) == [b"ints", b"set"]
    # COPY is a deep copy: changing the copy leaves the source alone.
    for k in ("list", "hash", "set", "zset"):
        assert r.copy(k, k + ":copy")
    r.rpush("list:copy", "x")
    r.hset("hash:copy", "new", "1")
    r.sadd("set:copy", "new")
    r.zadd("zset:copy", {"new": 1})
    assert r.llen("list") == 10 and r.llen("list:copy") == 11
    assert r.hlen("hash") == 10 and r.hlen("hash:copy") == 11
    assert r.scard("set") == 10 and r.scard("set:copy") == 11
    assert r.zcard("zset") == 10 and r.zcard("zset:copy") == 11
    # RENAME and MOVE keep contents and encoding.
    r.rename("zset", "zset2")
    assert r.zrange("zset2", 0, 2) == [b"member:0", b"member:1", b"member:2"]
    assert r.object("encoding", "zset2") == b"listpack"
    assert r.move("hash", 1)
    c1 = cardinal.client(db=1)
    assert c1.hget("hash", "field:3") == b"value:3"
    assert r.delete("list", "set", "zset2", "ints") == 4


def lazyfreed(r) -> int:
    return int(r.info("memory")["lazyfreed_objects"])


@pytest.mark.parametrize("kind", ["list", "hash", "set", "zset"])
def test_unlink_frees_large_collections_in_the_background(cardinal, kind):
    r = cardinal.client()
    fill_all(r, 50_000, prefix="big:")
    before = lazyfreed(r)
    assert r.unlink("big:" + kind) == 1
    assert r.exists("big:" + kind) == 0
    assert wait_until(lambda: lazyfreed(r) == before + 1)
    # A small collection is freed at once, not counted.
    r.rpush("small", "a")
    assert r.unlink("small") == 1
    assert lazyfreed(r) == before + 1


@pytest.mark.cardinal_only
def test_dataset_memory_returns_to_baseline(cardinal_factory):
    """Every collection write accounts its memory; deleting everything brings the dataset
    figure back to where it started."""
    srv = cardinal_factory()
    r = srv.client()
    base = int(r.info("memory")["used_memory_dataset"])
    fill_all(r, 20_000)
    grown = int(r.info("memory")["used_memory_dataset"])
    assert grown - base > 20_000 * 4 * 10  # at least ~10 bytes per element per type
    # Mutate in place (growing and shrinking every structure), then delete it all.
    for i in range(0, 20_000, 7):
        r.lset("list", i, "x" * (i % 50))
        r.hset("hash", f"field:{i}", "y" * (i % 90))
        r.srem("set", f"member:{i}")
        r.zincrby("zset", 1.5, f"member:{i}")
    r.ltrim("list", 100, -100)
    r.zremrangebyrank("zset", 0, 999)
    assert r.delete("list", "hash", "set", "zset") == 4
    assert int(r.info("memory")["used_memory_dataset"]) == base
