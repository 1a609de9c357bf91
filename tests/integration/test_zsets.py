"""Sorted-set commands against the real binary: behaviour, errors, score printing in RESP2 and
RESP3, range boundaries in both encodings (checked against a Python model), encoding conversions,
big sets, ZSCAN completeness, random members with huge counts, set operations, WATCH, COMMAND
INFO against the oracle and (Cardinal only) what the propagation point emits."""

import random
import time

import pytest
import redis

from conftest import RawConn, parse_reply, read_propagation_log

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


def test_basics(cardinal):
    r = cardinal.client()
    assert r.zadd("z", {"a": 1, "b": 2, "c": 3}) == 3
    assert r.zadd("z", {"a": 1}) == 0
    assert r.zcard("z") == 3 and r.zcard("nokey") == 0
    assert r.zscore("z", "b") == 2.0 and r.zscore("z", "zz") is None
    assert r.zmscore("z", ["a", "zz", "c"]) == [1.0, None, 3.0]
    assert r.zrank("z", "c") == 2 and r.zrevrank("z", "c") == 0 and r.zrank("z", "zz") is None
    assert r.type("z") == b"zset"
    assert r.object("encoding", "z") == b"listpack"
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 1.0), (b"b", 2.0), (b"c", 3.0)]
    assert r.zrem("z", "a", "zz", "a") == 1
    assert r.zrem("z", "b", "c") == 2
    assert r.exists("z") == 0  # an emptied sorted set disappears
    assert r.zrem("nokey", "a") == 0


def test_zadd_options(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 5})
    assert r.zadd("z", {"a": 6, "b": 1}, xx=True, ch=True) == 1
    assert r.zscore("z", "b") is None
    assert r.zadd("z", {"a": 1, "n": 1}, nx=True) == 1
    assert r.zscore("z", "a") == 6.0
    assert r.zadd("z", {"a": 3}, gt=True, ch=True) == 0
    assert r.zadd("z", {"a": 9}, gt=True, ch=True) == 1
    assert r.zadd("z", {"a": 10}, lt=True, ch=True) == 0
    assert r.execute_command("ZADD", "z", "INCR", "2", "a") == 11.0
    assert r.execute_command("ZADD", "z", "NX", "INCR", "2", "a") is None
    assert r.execute_command("ZADD", "z", "XX", "INCR", "2", "missing") is None
    assert r.execute_command("ZADD", "nokey", "XX", "1", "a") == 0
    assert r.exists("nokey") == 0
    assert r.zincrby("z", 0.5, "a") == 11.5
    assert r.zincrby("z", 1, "new") == 1.0
    errors = {
        ("ZADD", "z", "NX", "XX", "1", "a"): "XX and NX options at the same time are not compatible",
        ("ZADD", "z", "GT", "LT", "1", "a"): "GT, LT, and/or NX options at the same time are not compatible",
        ("ZADD", "z", "NX", "GT", "1", "a"): "GT, LT, and/or NX options at the same time are not compatible",
        ("ZADD", "z", "INCR", "1", "a", "2", "b"): "INCR option supports a single increment-element pair",
        ("ZADD", "z", "1", "a", "2"): "syntax error",
        ("ZADD", "z", "nan", "a"): "value is not a valid float",
        ("ZADD", "z", "1e400", "a"): "value is not a valid float",
        ("ZINCRBY", "z", "x", "a"): "value is not a valid float",
    }
    for cmd, msg in errors.items():
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*cmd)
        assert err(e) == msg, cmd


def test_nan_results_are_errors(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": float("inf")})
    with pytest.raises(redis.ResponseError) as e:
        r.zincrby("z", float("-inf"), "a")
    assert err(e) == "resulting score is not a number (NaN)"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("ZADD", "z", "INCR", "-inf", "a")
    assert err(e) == "resulting score is not a number (NaN)"
    assert r.zscore("z", "a") == float("inf")


def test_score_printing_resp2_and_resp3(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 0.1, "b": 3, "c": float("inf"), "d": float("-inf"), "e": 1e300})
    with RawConn(cardinal.port) as c:
        assert c.call("ZSCORE", "z", "a") == b"$19\r\n0.10000000000000001\r\n"
        assert c.call("ZSCORE", "z", "b") == b"$1\r\n3\r\n"
        assert c.call("ZSCORE", "z", "c") == b"$3\r\ninf\r\n"
        assert c.call("ZSCORE", "z", "d") == b"$4\r\n-inf\r\n"
        assert c.call("ZSCORE", "z", "e") == b"$23\r\n1.0000000000000001e+300\r\n"
        assert c.call("ZINCRBY", "z", "0", "a") == b"$19\r\n0.10000000000000001\r\n"
    with RawConn(cardinal.port) as c:
        c.hello(3)
        assert c.call("ZSCORE", "z", "a") == b",0.10000000000000001\r\n"
        assert c.call("ZSCORE", "z", "nope") == b"_\r\n"
        assert c.call("ZRANGE", "z", "0", "1", "WITHSCORES") == \
            b"*2\r\n*2\r\n$1\r\nd\r\n,-inf\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"
        # ZPOPMIN without a count is a flat pair even in RESP3; with a count, pairs.
        assert c.call("ZPOPMIN", "z") == b"*2\r\n$1\r\nd\r\n,-inf\r\n"
        assert c.call("ZPOPMIN", "z", "1") == b"*1\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"
        assert c.call("ZMPOP", "1", "nokey", "MIN") == b"_\r\n"
        # ZSCAN scores stay bulk strings in RESP3.
        assert c.call("ZSCAN", "z", "0") == \
            b"*2\r\n$1\r\n0\r\n*6\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\ne\r\n$23\r\n1.0000000000000001e+300" \
            b"\r\n$1\r\nc\r\n$3\r\ninf\r\n"


class Model:
    """Sorted set model: dict member -> score, ordered by (score, member bytes)."""

    def __init__(self):
        self.d = {}

    def items(self):
        return sorted(self.d.items(), key=lambda kv: (kv[1], kv[0]))

    def by_score(self, lo, lo_ex, hi, hi_ex):
        out = []
        for m, s in self.items():
            if (s > lo if lo_ex else s >= lo) and (s < hi if hi_ex else s <= hi):
                out.append((m, s))
        return out


@pytest.mark.parametrize("entries", [128, 0], ids=["listpack", "skiplist"])
def test_ranges_at_boundaries_against_a_model(cardinal_factory, entries):
    srv = cardinal_factory("--zset-max-listpack-entries", str(entries))
    r = srv.client()
    rng = random.Random(5)
    model = Model()
    for i in range(100):
        m = b"m%03d" % i
        s = float(rng.randint(-5, 5))  # many ties: ordered by member
        model.d[m] = s
        r.zadd("z", {m: s})
    assert r.object("encoding", "z") == (b"listpack" if entries else b"skiplist")
    items = model.items()
    n = len(items)
    for start in [0, 1, -1, -n, -n - 1, n - 1, n, 5, -5, 2 ** 63 - 1, -2 ** 63]:
        for stop in [0, -1, n - 1, n, n + 5, 3, -3, -n - 1]:
            got = r.zrange("z", start, stop)
            s0 = start + n if start < 0 else start
            e0 = stop + n if stop < 0 else stop
            s0 = max(s0, 0)
            want = [m for m, _ in items[s0:e0 + 1]] if s0 <= e0 else []
            assert got == want, (start, stop)
            rev = [m for m, _ in items[::-1]]
            want_rev = rev[s0:e0 + 1] if s0 <= e0 else []
            assert r.zrevrange("z", start, stop) == want_rev, (start, stop)
    bounds = [(-10, False), (-5, False), (-5, True), (0, False), (0, True), (5, False), (5, True),
              (10, False), (float("-inf"), False), (float("inf"), False)]
    for lo, lo_ex in bounds:
        for hi, hi_ex in bounds:
            want = model.by_score(lo, lo_ex, hi, hi_ex)
            lo_s = ("(" if lo_ex else "") + repr(lo).replace("inf", "inf")
            hi_s = ("(" if hi_ex else "") + repr(hi)
            assert r.zrangebyscore("z", lo_s, hi_s) == [m for m, _ in want]
            assert r.zcount("z", lo_s, hi_s) == len(want)
            assert r.zrevrangebyscore("z", hi_s, lo_s) == [m for m, _ in want[::-1]]
            for off, cnt in [(0, 1), (1, 3), (len(want), 1), (0, -1), (2, -1), (-1, 5)]:
                got = r.zrangebyscore("z", lo_s, hi_s, start=off, num=cnt)
                exp = [] if off < 0 else [m for m, _ in want][off:(None if cnt < 0 else off + cnt)]
                assert got == exp, (lo_s, hi_s, off, cnt)
                got = r.zrevrangebyscore("z", hi_s, lo_s, start=off, num=cnt)
                exp = [] if off < 0 else [m for m, _ in want[::-1]][off:(None if cnt < 0 else off + cnt)]
                assert got == exp, (lo_s, hi_s, off, cnt, "rev")


@pytest.mark.parametrize("entries", [128, 0], ids=["listpack", "skiplist"])
def test_lex_ranges(cardinal_factory, entries):
    srv = cardinal_factory("--zset-max-listpack-entries", str(entries))
    r = srv.client()
    members = [b"", b"a", b"aa", b"ab", b"b", b"ba", b"c", b"1", b"10", b"2", b"\xff"]
    r.zadd("l", {m: 0 for m in members})
    ordered = sorted(members)
    assert r.zrangebylex("l", "-", "+") == ordered
    assert r.zrangebylex("l", "[a", "(b") == [b"a", b"aa", b"ab"]
    assert r.zrangebylex("l", "(a", "[b") == [b"aa", b"ab", b"b"]
    assert r.zrangebylex("l", "[", "(1") == [b""]
    assert r.zrevrangebylex("l", "+", "[c") == [b"\xff", b"c"]
    assert r.zrangebylex("l", "-", "+", start=2, num=2) == ordered[2:4]
    assert r.zlexcount("l", "[a", "[b") == 4
    assert r.zlexcount("l", "+", "-") == 0
    assert r.zremrangebylex("l", "[1", "(a") == 3
    assert r.zcard("l") == len(members) - 3
    for bad in ["a", "", "-x"]:
        with pytest.raises(redis.ResponseError) as e:
            r.zrangebylex("l", bad, "+")
        assert err(e) == "min or max not valid string range item"
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES")
    assert err(e) == "syntax error, WITHSCORES not supported in combination with BYLEX"


def test_zrange_option_errors(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 1, "b": 2})
    cases = {
        ("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"):
            "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"): "syntax error",
        ("ZRANGE", "z", "0", "1", "REV", "REV"): "syntax error",
        ("ZRANGE", "z", "a", "1", "BYSCORE"): "min or max is not a float",
        ("ZRANGE", "z", "x", "1"): "value is not an integer or out of range",
        ("ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "0"): "syntax error",
        ("ZRANGEBYSCORE", "z", "0", "1", "REV"): "syntax error",
        ("ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES"): "syntax error",
        ("ZCOUNT", "z", "(nan", "1"): "min or max is not a float",
    }
    for cmd, msg in cases.items():
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*cmd)
        assert err(e) == msg, cmd
    # "LIMIT x -1" is accepted (and ignored) on a rank range, as in Redis.
    assert r.execute_command("ZRANGE", "z", "0", "-1", "LIMIT", "5", "-1") == [b"a", b"b"]
    # Redis's strtod-style bounds: empty is 0, leading blanks and hex are fine.
    assert r.zcount("z", "", "10") == 2
    assert r.zcount("z", " 1", "0x2") == 2


def test_encoding_conversions(cardinal_factory):
    srv = cardinal_factory("--zset-max-listpack-entries", "4", "--zset-max-listpack-value", "8")
    r = srv.client()
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.object("encoding", "z") == b"listpack"
    r.zadd("z", {"e": 5})
    assert r.object("encoding", "z") == b"skiplist"
    r.zrem("z", "a", "b", "c", "d")
    assert r.object("encoding", "z") == b"skiplist"  # never back
    r.zadd("v", {"short": 1})
    assert r.object("encoding", "v") == b"listpack"
    r.zadd("v", {"a-longer-member": 1})
    assert r.object("encoding", "v") == b"skiplist"
    # Stored results pick their encoding from their own size.
    assert r.zrangestore("small", "z", 0, 0) == 1
    assert r.object("encoding", "small") == b"listpack"
    r.zadd("big", {str(i): i for i in range(10)})
    assert r.zunionstore("u", ["big"]) == 10
    assert r.object("encoding", "u") == b"skiplist"
    assert r.zinterstore("i", ["big", "z"]) == 0 and r.exists("i") == 0
    # The old ziplist names are aliases.
    r.config_set("zset-max-ziplist-entries", "0")
    assert r.config_get("zset-max-listpack-entries") == {"zset-max-listpack-entries": "0"}
    r.zadd("n", {"a": 1})
    assert r.object("encoding", "n") == b"skiplist"
    # Copies keep the encoding.
    r.copy("small", "small2")
    assert r.object("encoding", "small2") == b"listpack"
    assert r.zrange("small2", 0, -1, withscores=True) == r.zrange("small", 0, -1, withscores=True)


def test_big_zset(cardinal):
    r = cardinal.client()
    n = 20000
    pipe = r.pipeline(transaction=False)
    for i in range(0, n, 1000):
        pipe.zadd("big", {b"m%06d" % j: j for j in range(i, i + 1000)})
    pipe.execute()
    assert r.zcard("big") == n
    assert r.object("encoding", "big") == b"skiplist"
    assert r.zrank("big", "m012345") == 12345
    assert r.zrevrank("big", "m012345") == n - 1 - 12345
    assert r.zrange("big", 9998, 10001) == [b"m009998", b"m009999", b"m010000", b"m010001"]
    assert r.zrangebyscore("big", "(19997", "+inf") == [b"m019998", b"m019999"]
    assert r.zcount("big", 100, 199) == 100
    assert r.zremrangebyrank("big", 0, 999) == 1000
    assert r.zremrangebyscore("big", 19000, "+inf") == 1000
    assert r.zcard("big") == 18000
    assert r.zpopmin("big", 2) == [(b"m001000", 1000.0), (b"m001001", 1001.0)]
    assert r.zpopmax("big") == [(b"m018999", 18999.0)]
    assert r.zincrby("big", -100000, "m005000") == 5000 - 100000
    assert r.zrank("big", "m005000") == 0
    assert r.zrandmember("big") is not None
    assert r.delete("big") == 1


def test_zscan_big_returns_each_member_once(cardinal):
    r = cardinal.client()
    n = 5000
    r.zadd("z", {b"e%d" % i: i for i in range(n)})
    seen = {}
    cursor = 0
    for _ in range(100000):
        cursor, items = r.zscan("z", cursor, count=10)
        for m, s in items:
            seen[m] = seen.get(m, 0) + 1
            assert s == float(m[1:])
        if cursor == 0:
            break
    assert cursor == 0
    assert len(seen) == n and set(seen.values()) == {1}
    # MATCH filters members; a missing key is an empty scan; bad options are errors.
    cursor, items, found = 0, None, []
    for _ in range(100000):
        cursor, items = r.zscan("z", cursor, match="e12*", count=100)
        found += [m for m, _ in items]
        if cursor == 0:
            break
    assert sorted(found) == sorted(b"e12" + x for x in [b""] + [b"%d" % i for i in range(10)] +
                                   [b"%02d" % i for i in range(100)])
    assert r.zscan("nokey", 0) == (0, [])
    with pytest.raises(redis.ResponseError):
        r.execute_command("ZSCAN", "z", "0", "COUNT", "0")
    with pytest.raises(redis.ResponseError):
        r.execute_command("ZSCAN", "z", "x")


def test_zrandmember(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert r.zrandmember("z") in (b"a", b"b", b"c")
    assert r.zrandmember("nokey") is None
    assert r.zrandmember("z", 10) == [b"c", b"b", b"a"]  # whole set, highest first
    two = r.zrandmember("z", 2)
    assert len(two) == 2 and len(set(two)) == 2
    rep = r.zrandmember("z", -1000)
    assert len(rep) == 1000 and set(rep) <= {b"a", b"b", b"c"}
    ws = r.zrandmember("z", -4, withscores=True)
    assert len(ws) == 8
    assert r.zrandmember("z", 0) == []
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("ZRANDMEMBER", "z", "-9223372036854775808")
    assert "value is out of range" in err(e)
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES")
    assert err(e) == "value is out of range"
    # Distinct picks from a big set, few and many.
    r.zadd("big", {b"%d" % i: i for i in range(3000)})
    for count in (5, 2000):
        got = r.zrandmember("big", count)
        assert len(got) == count and len(set(got)) == count


@pytest.mark.cardinal_only
def test_zrandmember_huge_negative_count_is_bounded(cardinal):
    """Redis would try to build a 2^63-element reply; we refuse it at once and stay healthy."""
    r = cardinal.client()
    r.zadd("z", {"a": 1})
    for count in ("-9223372036854775807", "-4611686018427387904", "-1000000000000"):
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command("ZRANDMEMBER", "z", count)
        assert err(e) == "count too large: the reply would exceed proto-max-bulk-len"
    assert r.execute_command("ZRANDMEMBER", "z", "9223372036854775807") == [b"a"]
    assert r.ping()


@pytest.mark.cardinal_only
def test_zrandmember_reply_limit_follows_proto_max_bulk_len(cardinal_factory):
    srv = cardinal_factory("--proto-max-bulk-len", "1mb")
    r = srv.client()
    r.zadd("z", {"m" * 1000: 1})
    with srv.raw() as c:
        # 2000 picks of ~1 kB exceed 1 MB only once built: withdrawn, then an error.
        for args in (["-2000"], ["-2000", "WITHSCORES"]):
            assert c.call("ZRANDMEMBER", "z", *args).startswith(b"-ERR count too large")
            assert c.call("PING") == b"+PONG\r\n"
        assert len(parse_reply(c.call("ZRANDMEMBER", "z", "-500")).value) == 500


def test_set_operations(cardinal):
    r = cardinal.client()
    r.zadd("a", {"x": 1, "y": 2})
    r.zadd("b", {"y": 3, "z": 4})
    r.sadd("s", "y", "w")
    assert r.zunion(["a", "b"], withscores=True) == [(b"x", 1), (b"z", 4), (b"y", 5)]
    assert r.zunion(["a", "b"], aggregate="MAX", withscores=True) == \
        [(b"x", 1), (b"y", 3), (b"z", 4)]
    assert r.zinter(["a", "s"], withscores=True) == [(b"y", 3)]  # set members score 1
    assert r.execute_command("ZDIFF", "2", "a", "b", "WITHSCORES") == [b"x", b"1"]
    assert r.zunionstore("d", {"a": 2, "b": 1}) == 3
    assert r.zrange("d", 0, -1, withscores=True) == [(b"x", 2), (b"z", 4), (b"y", 7)]
    assert r.zinterstore("d", ["a", "b"], aggregate="MIN") == 1
    assert r.zrange("d", 0, -1, withscores=True) == [(b"y", 2)]
    assert r.zdiffstore("d", ["a", "a"]) == 0 and r.exists("d") == 0
    assert r.zintercard(2, ["a", "b"]) == 1
    assert r.execute_command("ZINTERCARD", "2", "a", "s", "LIMIT", "1") == 1
    # inf + -inf is 0 (Redis's rule for NaN sums), weight 0 * inf too.
    r.zadd("i", {"y": float("inf")})
    assert r.zunion({"i": 1, "a": float("-inf")}, withscores=True) == \
        [(b"x", float("-inf")), (b"y", 0)]
    cases = {
        ("ZUNION", "0", "a"): "at least 1 input key is needed for 'zunion' command",
        ("ZUNIONSTORE", "d", "0", "a"): "at least 1 input key is needed for 'zunionstore' command",
        ("ZUNION", "3", "a", "b"): "syntax error",
        ("ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"): "weight value is not a float",
        ("ZUNION", "2", "a", "b", "AGGREGATE", "avg"): "syntax error",
        ("ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"): "syntax error",
        ("ZINTERCARD", "2", "a", "b", "LIMIT", "-1"): "LIMIT can't be negative",
    }
    for cmd, msg in cases.items():
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*cmd)
        assert err(e) == msg, cmd


def test_pops(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.zpopmin("z") == [(b"a", 1.0)]
    assert r.zpopmax("z", 2) == [(b"d", 4.0), (b"c", 3.0)]
    assert r.zpopmin("nokey") == []
    assert r.execute_command("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "5") == \
        [b"z", [[b"b", b"2"]]]
    assert r.exists("z") == 0
    assert r.execute_command("ZMPOP", "1", "z", "MIN") is None
    cases = {
        ("ZPOPMIN", "z", "-1"): "value is out of range, must be positive",
        ("ZPOPMIN", "z", "1", "2"): "syntax error",
        ("ZMPOP", "0", "z", "MIN"): "numkeys should be greater than 0",
        ("ZMPOP", "1", "z", "MIN", "COUNT", "0"): "count should be greater than 0",
        ("ZMPOP", "1", "z", "LEFT"): "syntax error",
    }
    for cmd, msg in cases.items():
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*cmd)
        assert err(e) == msg, cmd


def test_remrange(cardinal):
    r = cardinal.client()
    r.zadd("z", {c: i for i, c in enumerate("abcdefgh")})
    assert r.zremrangebyrank("z", -2, -1) == 2
    assert r.zremrangebyscore("z", "(0", 2) == 2
    assert r.zremrangebylex("z", "[d", "[e") == 2
    assert r.zrange("z", 0, -1) == [b"a", b"f"]
    assert r.zremrangebyrank("z", 5, 10) == 0
    assert r.zremrangebyrank("z", 0, -1) == 2
    assert r.exists("z") == 0


def test_wrong_type_everywhere(cardinal):
    r = cardinal.client()
    r.set("s", "v")
    cmds = [
        ("ZADD", "s", "1", "a"), ("ZINCRBY", "s", "1", "a"), ("ZREM", "s", "a"), ("ZCARD", "s"),
        ("ZSCORE", "s", "a"), ("ZMSCORE", "s", "a"), ("ZRANK", "s", "a"), ("ZREVRANK", "s", "a"),
        ("ZCOUNT", "s", "0", "1"), ("ZLEXCOUNT", "s", "-", "+"), ("ZRANGE", "s", "0", "1"),
        ("ZRANGESTORE", "d", "s", "0", "1"), ("ZRANGEBYSCORE", "s", "0", "1"),
        ("ZREVRANGEBYSCORE", "s", "1", "0"), ("ZRANGEBYLEX", "s", "-", "+"),
        ("ZREVRANGEBYLEX", "s", "+", "-"), ("ZREVRANGE", "s", "0", "1"),
        ("ZREMRANGEBYRANK", "s", "0", "1"), ("ZREMRANGEBYSCORE", "s", "0", "1"),
        ("ZREMRANGEBYLEX", "s", "-", "+"), ("ZPOPMIN", "s"), ("ZPOPMAX", "s"),
        ("ZMPOP", "1", "s", "MIN"), ("ZRANDMEMBER", "s"), ("ZUNION", "1", "s"),
        ("ZINTER", "1", "s"), ("ZDIFF", "1", "s"), ("ZUNIONSTORE", "d", "1", "s"),
        ("ZINTERSTORE", "d", "1", "s"), ("ZDIFFSTORE", "d", "1", "s"), ("ZINTERCARD", "1", "s"),
        ("ZSCAN", "s", "0"),
    ]
    for cmd in cmds:
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*cmd)
        assert err(e) == WRONGTYPE, cmd
    assert r.get("s") == b"v" and r.exists("d") == 0


def test_watch_sees_only_real_changes(cardinal):
    r = cardinal.client()
    r.zadd("z", {"a": 1})
    for noop, expect_abort in [(("ZADD", "z", "NX", "5", "a"), False),
                               (("ZADD", "z", "2", "a"), True),
                               (("ZREM", "z", "nope"), False),
                               (("ZINCRBY", "z", "1", "a"), True)]:
        p = r.pipeline()
        p.watch("z")
        r.execute_command(*noop)
        p.multi()
        p.zcard("z")
        if expect_abort:
            with pytest.raises(redis.WatchError):
                p.execute()
        else:
            assert p.execute() == [1]
        p.reset()


def test_command_info_matches_redis(cardinal, oracle):
    names = ["zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank",
             "zcount", "zlexcount", "zrange", "zrangestore", "zrangebyscore", "zrevrangebyscore",
             "zrangebylex", "zrevrangebylex", "zrevrange", "zremrangebyrank", "zremrangebyscore",
             "zremrangebylex", "zpopmin", "zpopmax", "zmpop", "zrandmember", "zunion", "zinter",
             "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard", "zscan"]
    with RawConn(cardinal.port) as c, RawConn(oracle.port) as o:
        for name in names:
            mine = parse_reply(c.call("COMMAND", "INFO", name)).value[0].value
            ref = parse_reply(o.call("COMMAND", "INFO", name)).value[0].value
            for i in range(7):  # name, arity, flags, first/last/step, ACL categories
                assert mine[i].raw == ref[i].raw, (name, i, mine[i].raw, ref[i].raw)
        for cmd in (["ZUNIONSTORE", "d", "2", "a", "b"], ["ZINTER", "2", "a", "b"],
                    ["ZMPOP", "2", "a", "b", "MIN"], ["ZRANGESTORE", "d", "s", "0", "1"],
                    ["ZINTERCARD", "1", "a"], ["ZDIFFSTORE", "d", "1", "a"]):
            assert c.call("COMMAND", "GETKEYS", *cmd) == o.call("COMMAND", "GETKEYS", *cmd), cmd


@pytest.mark.cardinal_only
def test_propagated_effects(tmp_path, cardinal_factory, target_is_redis):
    if target_is_redis:
        pytest.skip("propagation-log-file is Cardinal's")
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    r.zadd("z", {"a": 1})                         # no effect
    r.zpopmin("z", 10 ** 6)                       # pops 3
    r.zadd("z", {"a": 1, "b": 2})
    r.execute_command("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "1")
    r.zrem("z", "nope")                           # no effect
    r.zunionstore("d", ["nokey"])                 # empty result, no destination: no effect
    r.zincrby("z", 2, "a")
    r.set("end", "1")
    assert wait_until(lambda: path.exists() and b"end" in path.read_bytes())
    cmds = read_propagation_log(path)
    assert cmds == [
        [b"SELECT", b"0"],
        [b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"],
        [b"ZPOPMIN", b"z", b"3"],
        [b"ZADD", b"z", b"1", b"a", b"2", b"b"],
        [b"ZPOPMAX", b"z", b"1"],
        [b"ZINCRBY", b"z", b"2", b"a"],
        [b"SET", b"end", b"1"],
    ]
