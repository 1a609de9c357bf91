"""Hash commands against the real binary: behaviour, errors, RESP3 shapes, encoding conversions,
HSCAN completeness on big hashes, HRANDFIELD with huge counts, TTL and WATCH interplay, and
(Cardinal only) what the propagation point emits."""

import time

import pytest
import redis

from conftest import parse_reply, read_propagation_log

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def err(excinfo) -> str:
    return str(excinfo.value)


def wait_until(pred, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def test_set_get_basics(cardinal):
    r = cardinal.client()
    assert r.hset("h", mapping={"a": "1", "b": "2"}) == 2
    assert r.hset("h", mapping={"a": "x", "c": "3"}) == 1
    assert r.hget("h", "a") == b"x"
    assert r.hget("h", "nope") is None
    assert r.hget("nokey", "a") is None
    assert r.hmget("h", ["a", "nope", "c"]) == [b"x", None, b"3"]
    assert r.hmget("nokey", ["a", "b"]) == [None, None]
    assert r.hlen("h") == 3 and r.hlen("nokey") == 0
    assert r.hexists("h", "b") is True and r.hexists("h", "zz") is False
    assert r.hstrlen("h", "c") == 1 and r.hstrlen("h", "zz") == 0 and r.hstrlen("nokey", "a") == 0
    # Listpack hashes keep insertion order.
    assert r.hkeys("h") == [b"a", b"b", b"c"]
    assert r.hvals("h") == [b"x", b"2", b"3"]
    assert r.hgetall("h") == {b"a": b"x", b"b": b"2", b"c": b"3"}
    assert r.hgetall("nokey") == {} and r.hkeys("nokey") == [] and r.hvals("nokey") == []
    assert r.execute_command("HMSET", "h", "d", "4", "a", "y") is True
    assert r.hget("h", "a") == b"y"
    assert r.type("h") == b"hash"


def test_duplicate_fields_in_one_hset(cardinal):
    r = cardinal.client()
    assert r.execute_command("HSET", "h", "a", "1", "a", "2", "b", "3") == 2
    assert r.hgetall("h") == {b"a": b"2", b"b": b"3"}


def test_integers_and_binary_safe(cardinal):
    r = cardinal.client()
    fields = {b"": b"", b"\x00": b"\x00\r\n", b"123": b"-9223372036854775808", b"007": b"007",
              b"-0": b"+1", b"\xff" * 70: b"v" * 1000}
    r.hset("b", mapping=fields)
    assert r.hgetall("b") == fields
    for f, v in fields.items():
        assert r.hget("b", f) == v
        assert r.hstrlen("b", f) == len(v)
    assert r.object("encoding", "b") == b"hashtable"  # a 70-byte field


def test_hsetnx(cardinal):
    r = cardinal.client()
    assert r.hsetnx("h", "f", "1") == 1
    assert r.hsetnx("h", "f", "2") == 0
    assert r.hget("h", "f") == b"1"


def test_hdel_and_empty_hash_disappears(cardinal):
    r = cardinal.client()
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    assert r.hdel("h", "a", "zz", "a") == 1
    assert r.hdel("nokey", "a") == 0
    assert r.hdel("h", "b", "c") == 2
    assert r.exists("h") == 0
    # The same for a hashtable-encoded hash.
    r.hset("big", mapping={f"f{i}": i for i in range(600)})
    assert r.object("encoding", "big") == b"hashtable"
    assert r.hdel("big", *[f"f{i}" for i in range(600)]) == 600
    assert r.exists("big") == 0


def test_hincrby(cardinal):
    r = cardinal.client()
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -10) == -5
    r.hset("h", "max", "9223372036854775807")
    with pytest.raises(redis.ResponseError) as e:
        r.hincrby("h", "max", 1)
    assert err(e) == "increment or decrement would overflow"
    assert r.hincrby("h", "min", -9223372036854775808) == -9223372036854775808
    with pytest.raises(redis.ResponseError) as e:
        r.hincrby("h", "min", -1)
    assert err(e) == "increment or decrement would overflow"
    for bad in ("abc", " 1", "1.5", "+1", "007"):
        r.hset("h", "bad", bad)
        with pytest.raises(redis.ResponseError) as e:
            r.hincrby("h", "bad", 1)
        assert err(e) == "hash value is not an integer"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("HINCRBY", "h", "n", "1.5")
    assert err(e) == "value is not an integer or out of range"


def test_hincrbyfloat(cardinal):
    r = cardinal.client()
    assert r.hincrbyfloat("h", "f", 10.5) == 10.5
    with cardinal.raw() as c:  # the exact text, as INCRBYFLOAT prints it
        assert c.call("HINCRBYFLOAT", "h", "f", "0.1") == b"$4\r\n10.6\r\n"
        assert c.call("HINCRBYFLOAT", "h", "f", "-10.6") == b"$1\r\n0\r\n"
        assert c.call("HINCRBYFLOAT", "h", "e", "5.0e3") == b"$4\r\n5000\r\n"
    r.hset("h", "s", "abc")
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("HINCRBYFLOAT", "h", "s", "1")
    assert err(e) == "hash value is not a float"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("HINCRBYFLOAT", "h", "f", "abc")
    assert err(e) == "value is not a valid float"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("HINCRBYFLOAT", "h", "f", "inf")
    assert err(e) == "value is NaN or Infinity"
    r.hset("h", "big", "inf")  # a stored infinity parses, but the result may not be one
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("HINCRBYFLOAT", "h", "big", "1")
    assert err(e) == "increment would produce NaN or Infinity"
    assert r.hget("h", "big") == b"inf"


def test_wrong_type_and_arity(cardinal):
    r = cardinal.client()
    r.set("s", "x")
    calls = [("HSET", "s", "f", "v"), ("HSETNX", "s", "f", "v"), ("HGET", "s", "f"),
             ("HMGET", "s", "f"), ("HMSET", "s", "f", "v"), ("HDEL", "s", "f"),
             ("HEXISTS", "s", "f"), ("HLEN", "s"), ("HSTRLEN", "s", "f"), ("HKEYS", "s"),
             ("HVALS", "s"), ("HGETALL", "s"), ("HINCRBY", "s", "f", "1"),
             ("HINCRBYFLOAT", "s", "f", "1"), ("HRANDFIELD", "s"), ("HRANDFIELD", "s", "0"),
             ("HSCAN", "s", "0")]
    for c in calls:
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*c)
        assert err(e) == WRONGTYPE, c
    for c in (("HSET", "h", "f", "v", "g"), ("HMSET", "h", "f"), ("HSET", "h", "f")):
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*c)
        assert err(e) == f"wrong number of arguments for '{c[0].lower()}' command"
    assert r.exists("h") == 0


def test_resp3_shapes(cardinal):
    with cardinal.raw() as c:
        c.hello(3)
        assert c.call("HGETALL", "nokey") == b"%0\r\n"
        assert c.call("HRANDFIELD", "nokey") == b"_\r\n"
        assert c.call("HRANDFIELD", "nokey", "3") == b"*0\r\n"
        c.call("HSET", "h", "a", "1", "b", "2")
        assert c.call("HGETALL", "h") == b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
        assert c.call("HRANDFIELD", "h", "5", "WITHVALUES") == \
            b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
        node = parse_reply(c.call("HRANDFIELD", "h", "-7", "WITHVALUES"))
        assert node.type == "array" and len(node.value) == 7
        for pair in node.py():
            assert pair in ([b"a", b"1"], [b"b", b"2"])
        assert c.call("HMGET", "h", "a", "zz") == b"*2\r\n$1\r\n1\r\n_\r\n"
        assert c.call("HSCAN", "h", "0") == \
            b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"


def test_encoding_thresholds_default(cardinal):
    r = cardinal.client()
    r.hset("h", mapping={f"f{i}": "v" for i in range(512)})
    assert r.object("encoding", "h") == b"listpack"
    r.hset("h", "f512", "v")
    assert r.object("encoding", "h") == b"hashtable"
    r.hdel("h", *[f"f{i}" for i in range(500)])
    assert r.object("encoding", "h") == b"hashtable"  # never converts back
    r.hset("v", "f", "x" * 64)
    assert r.object("encoding", "v") == b"listpack"
    r.hset("v", "g", "x" * 65)
    assert r.object("encoding", "v") == b"hashtable"
    assert r.hgetall("v") == {b"f": b"x" * 64, b"g": b"x" * 65}
    r.hset("w", "f", "1")
    r.hsetnx("w", "f", "y" * 100)  # existing field: nothing written, no conversion
    assert r.object("encoding", "w") == b"listpack"
    r.hincrbyfloat("w", "f", 1e300)  # a 301-character result
    assert r.object("encoding", "w") == b"hashtable"


def test_encoding_thresholds_config(cardinal_factory):
    srv = cardinal_factory("--hash-max-listpack-entries", "2", "--hash-max-listpack-value", "4")
    r = srv.client()
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.object("encoding", "h") == b"listpack"
    r.hset("h", "c", "3")
    assert r.object("encoding", "h") == b"hashtable"
    r.hset("i", "f", "1")
    r.hincrby("i", "f", 9999)  # "10000": 5 bytes
    assert r.object("encoding", "i") == b"hashtable"
    r.config_set("hash-max-ziplist-entries", "0")
    assert r.config_get("hash-max-listpack-entries") == {"hash-max-listpack-entries": "0"}
    r.hset("z", "a", "1")
    assert r.object("encoding", "z") == b"hashtable"
    assert r.hgetall("z") == {b"a": b"1"}


def test_ttl_survives_writes_and_conversion(cardinal):
    r = cardinal.client()
    r.hset("h", "a", "1")
    r.expire("h", 1000)
    r.hset("h", mapping={f"f{i}": i for i in range(600)})
    assert r.object("encoding", "h") == b"hashtable"
    r.hincrby("h", "a", 1)
    assert 0 < r.ttl("h") <= 1000
    r.hdel("h", "a", *[f"f{i}" for i in range(600)])
    assert r.exists("h") == 0 and r.ttl("h") == -2


def test_watch_sees_hash_writes(cardinal):
    r = cardinal.client()
    r.hset("h", "a", "1")
    with r.pipeline(transaction=True) as p:
        p.watch("h")
        cardinal.client().hincrby("h", "a", 1)
        p.multi()
        p.hget("h", "a")
        with pytest.raises(redis.WatchError):
            p.execute()
    with r.pipeline(transaction=True) as p:
        p.watch("h")
        cardinal.client().hdel("h", "nope")  # no change: EXEC goes through
        p.multi()
        p.hget("h", "a")
        assert p.execute() == [b"2"]


def test_hscan_big_hash_every_field_once(cardinal):
    r = cardinal.client()
    n = 20000
    for start in range(0, n, 1000):
        r.hset("big", mapping={f"field:{i}": f"v{i}" for i in range(start, start + 1000)})
    for count in (1, 10, 97, 1000):
        seen = {}
        cursor = 0
        for _ in range(10 * n):
            cursor, items = r.hscan("big", cursor, count=count)
            for f, v in items.items():
                assert f not in seen, f
                seen[f] = v
            if cursor == 0:
                break
        assert cursor == 0
        assert len(seen) == n
        assert all(seen[f"field:{i}".encode()] == f"v{i}".encode() for i in range(n))
    cursor, items = r.hscan("big", 0, match="field:1234*", count=100000)
    assert cursor == 0 and set(items) == {b"field:1234"} | {b"field:1234%d" % d for d in range(10)}


def test_hscan_while_growing(cardinal):
    """Fields present for the whole iteration are returned; none twice (growth never repeats)."""
    r = cardinal.client()
    r.hset("g", mapping={f"old{i}": "v" for i in range(100)})
    r.hset("g", "x" * 100, "forces hashtable")
    seen = []
    cursor, added = 0, 0
    for _ in range(100000):
        cursor, items = r.hscan("g", cursor, count=5)
        seen += list(items)
        if added < 5000:
            r.hset("g", mapping={f"new{added + j}": "v" for j in range(50)})
            added += 50
        if cursor == 0:
            break
    assert cursor == 0
    assert len(seen) == len(set(seen))
    assert {f"old{i}".encode() for i in range(100)} <= set(seen)


def test_hscan_options_and_errors(cardinal):
    r = cardinal.client()
    r.hset("h", mapping={"a1": "1", "a2": "2", "b1": "3"})
    assert r.hscan("h", 0, match="a*") == (0, {b"a1": b"1", b"a2": b"2"})
    assert r.hscan("nokey", 0) == (0, {})
    with cardinal.raw() as c:
        assert c.call("HSCAN", "h", "abc") == b"-ERR invalid cursor\r\n"
        assert c.call("HSCAN", "h", "0", "COUNT", "0") == b"-ERR syntax error\r\n"
        assert c.call("HSCAN", "h", "0", "COUNT", "x") == \
            b"-ERR value is not an integer or out of range\r\n"
        assert c.call("HSCAN", "h", "0", "FOO", "1") == b"-ERR syntax error\r\n"
        assert c.call("HSCAN", "nokey", "0", "FOO", "1") == b"*2\r\n$1\r\n0\r\n*0\r\n"


def test_hrandfield_counts(cardinal):
    r = cardinal.client()
    fields = {f"f{i}": f"v{i}" for i in range(10)}
    r.hset("h", mapping=fields)
    assert r.hrandfield("h").decode() in fields
    assert r.hrandfield("nokey") is None
    assert r.hrandfield("nokey", 5) == []
    assert r.hrandfield("h", 0) == []
    got = r.hrandfield("h", 5)
    assert len(got) == 5 == len(set(got)) and all(f.decode() in fields for f in got)
    assert sorted(r.hrandfield("h", 100)) == sorted(f.encode() for f in fields)
    got = r.hrandfield("h", -50)
    assert len(got) == 50 and all(f.decode() in fields for f in got)
    flat = r.hrandfield("h", -20, withvalues=True)
    assert len(flat) == 40
    for f, v in zip(flat[0::2], flat[1::2]):
        assert fields[f.decode()] == v.decode()
    # Hashtable encoding: distinct picks at every ratio of count to size.
    r.hset("t", mapping={f"f{i}": i for i in range(1000)})
    for count in (1, 10, 300, 334, 999, 1000):
        got = r.hrandfield("t", count)
        assert len(got) == len(set(got)) == count
    with cardinal.raw() as c:
        assert c.call("HRANDFIELD", "h", "-9223372036854775808") == \
            b"-ERR value is out of range, value must between -9223372036854775807 and " \
            b"9223372036854775807\r\n"
        assert c.call("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES") == \
            b"-ERR value is out of range\r\n"
        assert c.call("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES") == \
            b"-ERR value is out of range\r\n"
        assert c.call("HRANDFIELD", "h", "1", "FOO") == b"-ERR syntax error\r\n"
        assert c.call("HRANDFIELD", "h", "x") == b"-ERR value is not an integer or out of range\r\n"
        node = parse_reply(c.call("HRANDFIELD", "h", "9223372036854775807"))
        assert len(node.value) == 10


@pytest.mark.cardinal_only
def test_hrandfield_huge_negative_counts_are_bounded(cardinal):
    """Redis builds these replies whole and runs out of memory; Cardinal refuses a reply larger
    than proto-max-bulk-len at once, and streams large ones it can answer."""
    r = cardinal.client()
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.hset("t", mapping={f"f{i}": i for i in range(600)})
    with cardinal.raw(timeout=10) as c:
        for key in ("h", "t"):
            for args in (["-9223372036854775807"], ["-4611686018427387903", "WITHVALUES"],
                         ["-1000000000000"]):
                reply = c.call("HRANDFIELD", key, *args)
                assert reply.startswith(b"-ERR count too large"), reply
        # The connection is still in sync and the server responsive.
        assert c.call("PING") == b"+PONG\r\n"
    got = r.hrandfield("t", -300000)
    assert len(got) == 300000
    assert set(got) <= {f"f{i}".encode() for i in range(600)}


@pytest.mark.cardinal_only
def test_hrandfield_reply_limit_follows_proto_max_bulk_len(cardinal_factory):
    srv = cardinal_factory("--proto-max-bulk-len", "1mb")
    r = srv.client()
    r.hset("h", "f" * 1000, "v" * 1000)
    with srv.raw() as c:
        # 2000 picks of ~1 kB each exceed 1 MB only once built: withdrawn, then an error.
        assert c.call("HRANDFIELD", "h", "-2000").startswith(b"-ERR count too large")
        assert c.call("PING") == b"+PONG\r\n"
        assert len(parse_reply(c.call("HRANDFIELD", "h", "-500")).value) == 500


def test_multi_exec_with_hashes(cardinal):
    r = cardinal.client()
    with r.pipeline(transaction=True) as p:
        p.hset("h", "a", "1")
        p.hincrby("h", "a", 2)
        p.hincrbyfloat("h", "b", "1.5")
        p.hgetall("h")
        assert p.execute() == [1, 3, 1.5, {b"a": b"3", b"b": b"1.5"}]


@pytest.mark.cardinal_only
def test_propagation(tmp_path, cardinal_factory):
    """Writes propagate as commands with the same effect; no-op writes and reads propagate
    nothing; HINCRBYFLOAT becomes HSET of its result."""
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.hsetnx("h", "a", "9")        # no-op
    r.hsetnx("h", "c", "3")
    r.hdel("h", "zz")              # no-op
    r.hdel("h", "c", "zz")
    r.hincrby("h", "a", 5)
    r.hincrbyfloat("h", "f", "0.1")
    r.execute_command("HMSET", "h", "d", "4")
    r.hget("h", "a")
    r.hgetall("h")
    r.hdel("h", "a", "b", "f", "d")
    r.set("end", "1")
    assert wait_until(lambda: path.exists() and b"end" in path.read_bytes())
    cmds = read_propagation_log(path)
    assert cmds == [
        [b"SELECT", b"0"],
        [b"HSET", b"h", b"a", b"1", b"b", b"2"],
        [b"HSETNX", b"h", b"c", b"3"],
        [b"HDEL", b"h", b"c", b"zz"],
        [b"HINCRBY", b"h", b"a", b"5"],
        [b"HSET", b"h", b"f", b"0.1"],
        [b"HMSET", b"h", b"d", b"4"],
        [b"HDEL", b"h", b"a", b"b", b"f", b"d"],
        [b"SET", b"end", b"1"],
    ]


def test_copy_rename_move_keep_hashes_independent(cardinal):
    r = cardinal.client()
    r.hset("small", mapping={"a": "1", "b": "2"})
    r.hset("big", mapping={"a": "1", "b": "2", **{f"f{i}": i for i in range(998)}})
    for key in ("small", "big"):
        assert r.copy(key, key + ":copy") is True
        r.hset(key + ":copy", "a", "changed")
        r.hdel(key + ":copy", "b")
        assert r.hget(key, "a") == b"1" and r.hget(key, "b") == b"2"
        assert r.object("encoding", key + ":copy") == r.object("encoding", key)
    assert r.hlen("big") == 1000 and r.hlen("big:copy") == 999
    assert r.hgetall("small") == {b"a": b"1", b"b": b"2"}
    r.rename("big", "big2")
    assert r.hlen("big2") == 1000 and r.exists("big") == 0
    assert r.move("small", 1) is True
    r.execute_command("SELECT", 1)
    assert r.hgetall("small") == {b"a": b"1", b"b": b"2"}
