"""List commands through redis-py and raw sockets: behaviour, reply shapes in RESP2 and RESP3,
error texts, OBJECT ENCODING, big lists that cross many nodes (LINDEX/LSET/LINSERT in the middle
of 100k elements), list-max-listpack-size variations, keyspace interplay (COPY, RENAME, EXPIRE,
WATCH) and the propagated effects (Cardinal only).

Every test also passes against redis-server (CARDINAL_TARGET=redis), except the propagation log.
"""

import random

import pytest
import redis

from conftest import parse_reply, wait_until, read_propagation_log

WRONGTYPE = b"WRONGTYPE Operation against a key holding the wrong kind of value"


def err(excinfo) -> str:
    return str(excinfo.value)


# --------------------------------------------------------------------------
# basics


def test_push_pop_len_range(cardinal):
    r = cardinal.client()
    assert r.rpush("l", "b", "c") == 2
    assert r.lpush("l", "a", "z") == 4          # z pushed last, so it is first
    assert r.lrange("l", 0, -1) == [b"z", b"a", b"b", b"c"]
    assert r.llen("l") == 4
    assert r.lpushx("l", "y") == 5
    assert r.rpushx("l", "d") == 6
    assert r.lpushx("nokey", "x") == 0 and r.rpushx("nokey", "x") == 0
    assert r.exists("nokey") == 0
    assert r.lpop("l") == b"y"
    assert r.rpop("l") == b"d"
    assert r.lpop("l", 2) == [b"z", b"a"]
    assert r.rpop("l", 10) == [b"c", b"b"]
    assert r.exists("l") == 0, "an emptied list disappears"
    assert r.lpop("l") is None
    assert r.llen("l") == 0
    assert r.lrange("l", 0, -1) == []


def test_binary_and_integer_like_values(cardinal):
    r = cardinal.client()
    vals = [b"", b"\x00", b"a\r\nb", bytes(range(256)), b"0", b"-1", b"007", b"-0", b"+1",
            b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808", b"1.5",
            b" 1", b"x" * 70000]
    r.rpush("l", *vals)
    assert r.lrange("l", 0, -1) == vals
    for i, v in enumerate(vals):
        assert r.lindex("l", i) == v
        assert r.lpos("l", v) == vals.index(v)
    assert r.lrem("l", 0, b"007") == 1
    assert r.lrem("l", 0, b"7") == 0
    assert r.lpos("l", b"1") is None


def test_reply_shapes_resp2_and_resp3(cardinal):
    with cardinal.raw() as c:
        assert c.call("LPOP", "nokey") == b"$-1\r\n"
        assert c.call("LPOP", "nokey", "0") == b"*-1\r\n"
        assert c.call("RPOP", "nokey", "3") == b"*-1\r\n"
        assert c.call("LMPOP", "1", "nokey", "LEFT") == b"*-1\r\n"
        assert c.call("LMOVE", "nokey", "d", "LEFT", "RIGHT") == b"$-1\r\n"
        assert c.call("LINDEX", "nokey", "0") == b"$-1\r\n"
        assert c.call("LPOS", "nokey", "a") == b"$-1\r\n"
        assert c.call("LPOS", "nokey", "a", "COUNT", "0") == b"*0\r\n"
        assert c.call("RPUSH", "l", "a", "b") == b":2\r\n"
        assert c.call("LPOP", "l", "0") == b"*0\r\n"
        assert c.call("LPOP", "l", "1") == b"*1\r\n$1\r\na\r\n"
        assert c.call("LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "5") == \
            b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\nb\r\n"
        assert c.call("HELLO", "3").startswith(b"%")
        assert c.call("LPOP", "nokey") == b"_\r\n"
        assert c.call("LPOP", "nokey", "0") == b"_\r\n"
        assert c.call("LMPOP", "1", "nokey", "LEFT") == b"_\r\n"
        assert c.call("RPOPLPUSH", "nokey", "d") == b"_\r\n"
        assert c.call("LPOS", "nokey", "a") == b"_\r\n"
        assert c.call("RPUSH", "l", "a", "b") == b":2\r\n"
        assert c.call("LPOP", "l", "0") == b"*0\r\n"
        assert c.call("LPOS", "l", "b", "COUNT", "0") == b"*1\r\n:1\r\n"
        assert c.call("LMPOP", "1", "l", "LEFT", "COUNT", "9") == \
            b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"


def test_error_texts(cardinal):
    with cardinal.raw() as c:
        c.call("RPUSH", "l", "a", "b", "c")
        c.call("SET", "s", "v")
        expect = {
            ("LPOP", "l", "-1"): b"-ERR value is out of range, must be positive\r\n",
            ("RPOP", "l", "x"): b"-ERR value is out of range, must be positive\r\n",
            ("LRANGE", "nokey", "a", "1"): b"-ERR value is not an integer or out of range\r\n",
            ("LINDEX", "l", "1.5"): b"-ERR value is not an integer or out of range\r\n",
            ("LINDEX", "nokey", "x"): b"$-1\r\n",            # key looked up first
            ("LSET", "nokey", "x", "v"): b"-ERR no such key\r\n",
            ("LSET", "l", "x", "v"): b"-ERR value is not an integer or out of range\r\n",
            ("LSET", "l", "3", "v"): b"-ERR index out of range\r\n",
            ("LSET", "l", "-4", "v"): b"-ERR index out of range\r\n",
            ("LINSERT", "l", "MIDDLE", "a", "v"): b"-ERR syntax error\r\n",
            ("LINSERT", "s", "MIDDLE", "a", "v"): b"-ERR syntax error\r\n",
            ("LREM", "nokey", "x", "a"): b"-ERR value is not an integer or out of range\r\n",
            ("LTRIM", "s", "x", "1"): b"-ERR value is not an integer or out of range\r\n",
            ("LMOVE", "l", "d", "UP", "LEFT"): b"-ERR syntax error\r\n",
            ("LMPOP", "0", "l", "LEFT"): b"-ERR numkeys should be greater than 0\r\n",
            ("LMPOP", "x", "l", "LEFT"): b"-ERR numkeys should be greater than 0\r\n",
            ("LMPOP", "2", "l", "LEFT"): b"-ERR syntax error\r\n",
            ("LMPOP", "1", "l", "UP"): b"-ERR syntax error\r\n",
            ("LMPOP", "1", "l", "LEFT", "COUNT", "0"): b"-ERR count should be greater than 0\r\n",
            ("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"): b"-ERR syntax error\r\n",
            ("LPOS", "l", "a", "RANK", "0"):
                b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                b"second ... or use negative to start from the end of the list\r\n",
            ("LPOS", "l", "a", "RANK", "x"): b"-ERR value is not an integer or out of range\r\n",
            ("LPOS", "l", "a", "COUNT", "-1"): b"-ERR COUNT can't be negative\r\n",
            ("LPOS", "l", "a", "COUNT", "x"): b"-ERR COUNT can't be negative\r\n",
            ("LPOS", "l", "a", "MAXLEN", "-1"): b"-ERR MAXLEN can't be negative\r\n",
            ("LPOS", "l", "a", "RANK"): b"-ERR syntax error\r\n",
            ("LPOS", "l", "a", "FOO", "1"): b"-ERR syntax error\r\n",
            ("LPOS", "s", "a", "RANK", "0"):             # options are parsed before the lookup
                b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                b"second ... or use negative to start from the end of the list\r\n",
            ("LPUSH", "l"): b"-ERR wrong number of arguments for 'lpush' command\r\n",
            ("LMPOP", "1", "l"): b"-ERR wrong number of arguments for 'lmpop' command\r\n",
        }
        for cmd, reply in expect.items():
            assert c.call(*cmd) == reply, cmd
        assert c.call("LRANGE", "l", "0", "-1") == b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"


@pytest.mark.parametrize("cmd", [
    ("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"), ("RPUSHX", "s", "a"),
    ("LPOP", "s"), ("RPOP", "s", "0"), ("LLEN", "s"), ("LRANGE", "s", "0", "1"),
    ("LINDEX", "s", "x"), ("LSET", "s", "x", "v"), ("LINSERT", "s", "BEFORE", "a", "b"),
    ("LREM", "s", "0", "a"), ("LTRIM", "s", "0", "1"), ("LPOS", "s", "a"),
    ("LMOVE", "s", "l", "LEFT", "LEFT"), ("LMOVE", "l", "s", "LEFT", "LEFT"),
    ("RPOPLPUSH", "s", "l"), ("RPOPLPUSH", "l", "s"), ("LMPOP", "2", "nokey", "s", "LEFT"),
])
def test_wrongtype(cardinal, cmd):
    with cardinal.raw() as c:
        c.call("SET", "s", "v")
        c.call("RPUSH", "l", "x")
        assert c.call(*cmd) == b"-" + WRONGTYPE + b"\r\n"
        assert c.call("GET", "s") == b"$1\r\nv\r\n"
        assert c.call("LRANGE", "l", "0", "-1") == b"*1\r\n$1\r\nx\r\n"


def test_wrongtype_not_checked_when_source_missing_or_earlier_key_has_data(cardinal):
    r = cardinal.client()
    r.set("s", "v")
    assert r.lmove("nokey", "s", "LEFT", "RIGHT") is None
    assert r.rpoplpush("nokey", "s") is None
    r.rpush("l", "a")
    # LMPOP stops at the first non-empty list: a later wrong-type key is never looked at.
    assert r.execute_command("LMPOP", "2", "l", "s", "LEFT") == [b"l", [b"a"]]


def test_object_encoding_is_quicklist(cardinal):
    r = cardinal.client()
    r.rpush("small", "a")
    r.rpush("big", *[str(i) for i in range(10000)])
    r.rpush("wide", "x" * 100000)
    for k in ("small", "big", "wide"):
        assert r.object("encoding", k) == b"quicklist"
        assert r.type(k) == b"list"


# --------------------------------------------------------------------------
# individual commands


def test_lrange_index_normalisation(cardinal):
    r = cardinal.client()
    vals = [str(i).encode() for i in range(10)]
    r.rpush("l", *vals)
    cases = [(0, -1), (-100, 100), (2, 4), (-3, -1), (5, 2), (10, 20), (-20, -15), (9, 9),
             (-9223372036854775808, 9223372036854775807), (0, -11), (-1, 0)]
    for start, end in cases:
        n = len(vals)
        s = start + n if start < 0 else start
        e = end + n if end < 0 else end
        s = max(s, 0)
        expect = [] if s > e or s >= n else vals[s:min(e, n - 1) + 1]
        assert r.lrange("l", start, end) == expect, (start, end)


def test_lindex_and_lset(cardinal):
    r = cardinal.client()
    r.rpush("l", "a", "b", "c")
    assert r.lindex("l", 0) == b"a"
    assert r.lindex("l", -1) == b"c"
    assert r.lindex("l", 3) is None
    assert r.lindex("l", -4) is None
    assert r.lindex("l", 9223372036854775807) is None
    assert r.lset("l", -1, "C") is True
    assert r.lset("l", 0, "A" * 50000) is True
    assert r.lrange("l", 0, -1) == [b"A" * 50000, b"b", b"C"]


def test_linsert(cardinal):
    r = cardinal.client()
    assert r.linsert("nokey", "BEFORE", "a", "x") == 0
    assert r.exists("nokey") == 0
    r.rpush("l", "a", "b", "a")
    assert r.linsert("l", "BEFORE", "a", "x") == 4   # first occurrence only
    assert r.linsert("l", "after", "a", "y") == 5
    assert r.linsert("l", "AFTER", "zz", "y") == -1
    assert r.lrange("l", 0, -1) == [b"x", b"a", b"y", b"b", b"a"]


def test_lrem(cardinal):
    r = cardinal.client()
    r.rpush("l", "a", "b", "a", "c", "a", "b")
    assert r.lrem("l", 1, "a") == 1
    assert r.lrange("l", 0, -1) == [b"b", b"a", b"c", b"a", b"b"]
    assert r.lrem("l", -1, "b") == 1
    assert r.lrange("l", 0, -1) == [b"b", b"a", b"c", b"a"]
    assert r.lrem("l", -9223372036854775808, "a") == 2
    assert r.lrem("l", 0, "nothing") == 0
    assert r.lrem("l", 0, "b") == 1
    assert r.lrem("l", 0, "c") == 1
    assert r.exists("l") == 0


def test_ltrim(cardinal):
    r = cardinal.client()
    assert r.ltrim("nokey", 0, 1) is True
    r.rpush("l", *range(10))
    assert r.ltrim("l", 2, -3) is True
    assert r.lrange("l", 0, -1) == [b"2", b"3", b"4", b"5", b"6", b"7"]
    assert r.ltrim("l", -100, 100) is True
    assert r.llen("l") == 6
    assert r.ltrim("l", 4, 2) is True
    assert r.exists("l") == 0


def test_lpos(cardinal):
    r = cardinal.client()
    r.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r.lpos("l", "c") == 2
    assert r.lpos("l", "c", rank=2) == 6
    assert r.lpos("l", "c", rank=-1) == 7
    assert r.lpos("l", "c", rank=-2) == 6
    assert r.lpos("l", "c", count=2) == [2, 6]
    assert r.lpos("l", "c", count=0) == [2, 6, 7]
    assert r.lpos("l", "c", rank=-1, count=2) == [7, 6]
    assert r.lpos("l", "c", count=0, maxlen=3) == [2]
    assert r.lpos("l", "c", rank=-1, maxlen=1) == 7
    assert r.lpos("l", "c", rank=4) is None
    assert r.lpos("l", "x", count=5) == []
    assert r.lpos("l", "1") == 3
    # Redis 7.0 treats RANK LONG_MIN as -1.
    assert r.execute_command("LPOS", "l", "c", "RANK", "-9223372036854775808") == 7
    assert r.execute_command("LPOS", "l", "c", "RANK", "-9223372036854775807") is None
    # The last option of a kind wins.
    assert r.execute_command("LPOS", "l", "c", "RANK", "1", "RANK", "2") == 6


def test_lmove_and_rpoplpush(cardinal):
    r = cardinal.client()
    r.rpush("src", "a", "b", "c")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == b"a"
    assert r.lmove("src", "dst", "right", "left") == b"c"
    assert r.lrange("dst", 0, -1) == [b"c", b"a"]
    assert r.rpoplpush("src", "dst") == b"b"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == [b"b", b"c", b"a"]
    # Rotation of one list, including a one-element list that must survive.
    assert r.rpoplpush("dst", "dst") == b"a"
    assert r.lrange("dst", 0, -1) == [b"a", b"b", b"c"]
    assert r.lmove("dst", "dst", "LEFT", "RIGHT") == b"a"
    assert r.lrange("dst", 0, -1) == [b"b", b"c", b"a"]
    r.rpush("one", "x")
    assert r.lmove("one", "one", "LEFT", "LEFT") == b"x"
    assert r.lrange("one", 0, -1) == [b"x"]


def test_lmpop(cardinal):
    r = cardinal.client()
    r.rpush("b", "1", "2", "3")
    assert r.execute_command("LMPOP", "3", "a", "b", "c", "LEFT") == [b"b", [b"1"]]
    assert r.execute_command("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "9223372036854775807") == \
        [b"b", [b"3", b"2"]]
    assert r.execute_command("LMPOP", "2", "a", "b", "RIGHT") is None
    assert r.exists("b") == 0
    # The same key twice is fine.
    r.rpush("a", "x")
    assert r.execute_command("LMPOP", "2", "a", "a", "left", "count", "2") == [b"a", [b"x"]]


def test_huge_counts_are_bounded(cardinal):
    r = cardinal.client()
    r.rpush("l", *range(100))
    assert len(r.lpop("l", 9223372036854775807)) == 100
    r.rpush("l", *range(100))
    assert r.lrem("l", 9223372036854775807, "5") == 1
    assert r.lrem("l", -9223372036854775808, "6") == 1
    assert r.lpos("l", "7", count=9223372036854775807, maxlen=9223372036854775807) == [5]
    assert len(r.lrange("l", -9223372036854775808, 9223372036854775807)) == 98
    assert r.ltrim("l", -9223372036854775808, 9223372036854775807) is True
    assert r.llen("l") == 98


# --------------------------------------------------------------------------
# big lists: many nodes


def test_big_list_middle_operations(cardinal):
    """100k elements: LINDEX/LSET/LINSERT/LREM in the middle, checked against a Python model."""
    r = cardinal.client()
    n = 100_000
    model = [b"e%d" % i for i in range(n)]
    p = r.pipeline(transaction=False)
    for i in range(0, n, 5000):
        p.rpush("big", *model[i:i + 5000])
    p.execute()
    assert r.llen("big") == n
    rng = random.Random(5)
    probes = [0, 1, n // 2, n - 1, -1, -n] + [rng.randrange(n) for _ in range(200)]
    p = r.pipeline(transaction=False)
    for i in probes:
        p.lindex("big", i)
    assert p.execute() == [model[i] for i in probes]
    # LSET in the middle, including values larger than a node.
    for i, v in [(n // 2, b"mid"), (n // 3, b"L" * 20000), (n - 5, b"12345"), (7, b"")]:
        assert r.lset("big", i, v)
        model[i] = v
    # LINSERT around a unique pivot in the middle.
    assert r.linsert("big", "BEFORE", "mid", "before-mid") == len(model) + 1
    model.insert(model.index(b"mid"), b"before-mid")
    assert r.linsert("big", "AFTER", "mid", "after-mid") == len(model) + 1
    model.insert(model.index(b"mid") + 1, b"after-mid")
    assert r.lpos("big", "after-mid") == model.index(b"after-mid")
    # Removals spread over the whole list merge nodes back.
    assert r.lrem("big", 0, "e77777") == 1
    model.remove(b"e77777")
    got = []
    for start in range(0, len(model), 20000):
        got += r.lrange("big", start, start + 19999)
    assert got == model
    assert r.lrange("big", n // 2 - 2, n // 2 + 2) == model[n // 2 - 2:n // 2 + 3]


def test_pops_across_node_boundaries(cardinal):
    r = cardinal.client()
    model = [b"v%d" % i for i in range(20000)]
    r.rpush("l", *model)
    got_front = r.lpop("l", 7777)
    got_back = r.rpop("l", 5555)
    assert got_front == model[:7777]
    assert got_back == model[::-1][:5555]
    rest = model[7777:len(model) - 5555]
    assert r.lrange("l", 0, -1) == rest
    assert r.execute_command("LMPOP", "1", "l", "LEFT", "COUNT", "100000") == [b"l", rest]
    assert r.exists("l") == 0


def test_large_elements(cardinal):
    r = cardinal.client()
    big = [bytes([65 + i]) * (1 << (10 + i)) for i in range(8)]   # 1 KiB .. 128 KiB
    r.rpush("l", "small", *big, "tail")
    assert r.lrange("l", 0, -1) == [b"small"] + big + [b"tail"]
    assert r.lindex("l", 5) == big[4]
    assert r.linsert("l", "BEFORE", big[3], "x" * 9000) == 11
    assert r.lrem("l", 0, big[6]) == 1
    assert r.rpop("l", 3) == [b"tail", big[7], big[5]]


@pytest.mark.parametrize("fill", [1, 2, 3, 16, -1, -2, -5, 0, -6, 100000])
def test_list_max_listpack_size_variations(cardinal_factory, fill):
    """Random operations with small and odd node sizes, against a Python model."""
    srv = cardinal_factory()
    r = srv.client()
    assert r.config_set("list-max-listpack-size", fill) is True
    assert r.config_get("list-max-listpack-size") == {"list-max-listpack-size": str(fill)}
    assert r.config_get("list-max-ziplist-size") == {"list-max-ziplist-size": str(fill)}
    rng = random.Random(fill)
    model = []
    values = [b"a", b"b", b"12", b"-7", b"x" * 300, b"y" * 5000]
    for step in range(1500):
        op = rng.randrange(9)
        v = rng.choice(values)
        if op == 0:
            assert r.lpush("l", v) == len(model) + 1
            model.insert(0, v)
        elif op == 1:
            assert r.rpush("l", v, v) == len(model) + 2
            model += [v, v]
        elif op == 2 and model:
            cnt = rng.randrange(1, 4)
            assert r.lpop("l", cnt) == model[:cnt]
            del model[:cnt]
        elif op == 3 and model:
            assert r.rpop("l") == model.pop()
        elif op == 4 and model:
            i = rng.randrange(-len(model), len(model))
            assert r.lset("l", i, v) is True
            model[i] = v
        elif op == 5 and model:
            pivot = rng.choice(model)
            where = rng.choice(["BEFORE", "AFTER"])
            assert r.linsert("l", where, pivot, v) == len(model) + 1
            k = model.index(pivot)
            model.insert(k + (where == "AFTER"), v)
        elif op == 6 and model:
            cnt = rng.randrange(-2, 3)
            expect = 0
            if cnt >= 0:
                out, left = [], cnt if cnt else len(model)
                for x in model:
                    if x == v and left:
                        left -= 1
                        expect += 1
                    else:
                        out.append(x)
                model = out
            else:
                out, left = [], -cnt
                for x in reversed(model):
                    if x == v and left:
                        left -= 1
                        expect += 1
                    else:
                        out.append(x)
                model = out[::-1]
            assert r.lrem("l", cnt, v) == expect
        elif op == 7 and model:
            i = rng.randrange(-len(model) - 2, len(model) + 2)
            assert r.lindex("l", i) == (model[i] if -len(model) <= i < len(model) else None)
        elif op == 8 and len(model) > 4:
            a, b = sorted(rng.randrange(len(model)) for _ in range(2))
            assert r.ltrim("l", a, b + 3) is True
            model = model[a:b + 4]
        if step % 100 == 0:
            assert r.lrange("l", 0, -1) == model
    assert r.lrange("l", 0, -1) == model
    assert r.object("encoding", "l") == b"quicklist" or not model


def test_config_change_keeps_existing_lists(cardinal_factory):
    srv = cardinal_factory()
    r = srv.client()
    r.rpush("l", *range(1000))
    r.config_set("list-max-listpack-size", 1)
    r.rpush("l", *range(1000, 1100))
    r.config_set("list-max-listpack-size", -5)
    r.lpush("l", "head")
    assert r.llen("l") == 1101
    assert r.lrange("l", 0, 2) == [b"head", b"0", b"1"]
    assert r.lindex("l", -1) == b"1099"


# --------------------------------------------------------------------------
# keyspace interplay


def test_copy_rename_expire(cardinal):
    r = cardinal.client()
    r.rpush("l", *range(5000))
    assert r.copy("l", "c") is True
    r.lset("c", 0, "changed")
    r.rpop("c")
    assert r.lindex("l", 0) == b"0" and r.llen("l") == 5000
    assert r.lindex("c", 0) == b"changed" and r.llen("c") == 4999
    assert r.rename("c", "d") is True
    assert r.llen("d") == 4999 and r.exists("c") == 0
    assert r.pexpire("d", 100_000) is True
    r.rpush("d", "x")
    assert r.ttl("d") > 0, "pushing keeps the TTL"
    assert r.unlink("l") == 1 and r.exists("l") == 0
    r.set("d", "string now")
    assert r.get("d") == b"string now"


def test_watch_sees_list_writes(cardinal):
    r = cardinal.client()
    r.rpush("l", "a", "b")
    for write in (lambda: r.rpush("l", "c"), lambda: r.lpop("l"),
                  lambda: r.lset("l", 0, "z"), lambda: r.ltrim("l", 0, -1)):
        p = r.pipeline(transaction=True)
        p.watch("l")
        write()               # from another connection of the pool
        p.multi()
        p.llen("l")
        with pytest.raises(redis.WatchError):
            p.execute()
    # A write that changes nothing does not abort the transaction.
    p = r.pipeline(transaction=True)
    p.watch("l")
    r.lrem("l", 0, "absent")
    r.linsert("l", "BEFORE", "absent", "x")
    r.lpushx("nokey", "x")
    p.multi()
    p.llen("l")
    assert p.execute() == [r.llen("l")]


def test_lists_in_multi_exec(cardinal):
    with cardinal.raw() as c:
        assert c.call("MULTI") == b"+OK\r\n"
        assert c.call("RPUSH", "l", "a", "b", "c") == b"+QUEUED\r\n"
        assert c.call("LMOVE", "l", "m", "LEFT", "LEFT") == b"+QUEUED\r\n"
        assert c.call("LMPOP", "2", "m", "l", "RIGHT", "COUNT", "2") == b"+QUEUED\r\n"
        reply = parse_reply(c.call("EXEC"))
        assert [x.raw for x in reply.value] == [
            b":3\r\n", b"$1\r\na\r\n", b"*2\r\n$1\r\nm\r\n*1\r\n$1\r\na\r\n"]
        assert c.call("LRANGE", "l", "0", "-1") == b"*2\r\n$1\r\nb\r\n$1\r\nc\r\n"


def test_command_info_and_getkeys(cardinal, oracle):
    names = ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex",
             "lset", "linsert", "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop"]
    with cardinal.raw() as c, oracle.raw() as o:
        for name in names:
            mine = parse_reply(c.call("COMMAND", "INFO", name)).value[0].value
            ref = parse_reply(o.call("COMMAND", "INFO", name)).value[0].value
            # name, arity, flags, first/last/step keys, ACL categories
            for i in range(7):
                assert mine[i].raw == ref[i].raw, (name, i, mine[i].raw, ref[i].raw)
        for cmd in (["LMPOP", "2", "a", "b", "LEFT", "COUNT", "3"],
                    ["LMOVE", "a", "b", "LEFT", "RIGHT"], ["RPOPLPUSH", "a", "b"],
                    ["LPUSH", "a", "1", "2"]):
            assert c.call("COMMAND", "GETKEYS", *cmd) == o.call("COMMAND", "GETKEYS", *cmd), cmd


@pytest.mark.cardinal_only
def test_propagated_effects(tmp_path, cardinal_factory, target_is_redis):
    if target_is_redis:
        pytest.skip("propagation-log-file is Cardinal's")
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    r.rpush("l", "a", "b", "c", "d")
    r.execute_command("LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "10")  # pops 4
    r.rpush("l", "a", "b")
    r.rpoplpush("l", "m")
    r.lpop("l", 0)                       # no effect
    r.lrem("l", 0, "zz")                 # no effect
    r.ltrim("l", 0, -1)                  # no effect
    r.lpop("l")
    r.set("end", "1")
    assert wait_until(lambda: path.exists() and b"end" in path.read_bytes())
    cmds = read_propagation_log(path)
    assert cmds == [
        [b"SELECT", b"0"],
        [b"RPUSH", b"l", b"a", b"b", b"c", b"d"],
        [b"RPOP", b"l", b"4"],
        [b"RPUSH", b"l", b"a", b"b"],
        [b"LMOVE", b"l", b"m", b"RIGHT", b"LEFT"],
        [b"LPOP", b"l"],
        [b"SET", b"end", b"1"],
    ]
