"""Set commands against the real binary: behaviour, errors, RESP3 shapes, encoding conversions,
SSCAN completeness on big sets, SRANDMEMBER/SPOP with huge counts, TTL and WATCH interplay, and
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


def test_basics(cardinal):
    r = cardinal.client()
    assert r.sadd("s", "b", "a", "b") == 2
    assert r.sadd("s", "a") == 0
    assert r.scard("s") == 2 and r.scard("nokey") == 0
    assert r.sismember("s", "a") is True and r.sismember("s", "zz") is False
    assert r.sismember("nokey", "a") is False
    assert r.smismember("s", ["a", "zz", "b"]) == [1, 0, 1]
    assert r.smismember("nokey", ["a"]) == [0]
    assert r.smembers("s") == {b"a", b"b"}
    assert r.smembers("nokey") == set()
    assert r.type("s") == b"set"
    assert r.srem("s", "a", "zz", "a") == 1
    assert r.srem("nokey", "a") == 0
    assert r.srem("s", "b") == 1
    assert r.exists("s") == 0  # an emptied set disappears


def test_binary_safe_members(cardinal):
    r = cardinal.client()
    members = {b"", b"\x00", b"a\x00b", b"\r\n", b"\xff" * 300, b"x" * 100000, b"01", b"-0"}
    assert r.sadd("b", *members) == len(members)
    assert r.smembers("b") == members
    for m in members:
        assert r.sismember("b", m) is True
    assert r.object("encoding", "b") == b"hashtable"


def test_wrong_type_and_errors(cardinal):
    r = cardinal.client()
    r.set("str", "x")
    r.sadd("s", "1")
    for args in (["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"],
                 ["SMISMEMBER", "str", "a"], ["SCARD", "str"], ["SMEMBERS", "str"],
                 ["SPOP", "str"], ["SPOP", "str", "0"], ["SRANDMEMBER", "str"],
                 ["SRANDMEMBER", "str", "0"], ["SINTER", "nokey", "str"], ["SUNION", "s", "str"],
                 ["SDIFF", "nokey", "str"], ["SINTERSTORE", "d", "s", "str"],
                 ["SUNIONSTORE", "d", "str"], ["SDIFFSTORE", "d", "nokey", "str"],
                 ["SINTERCARD", "2", "nokey", "str"], ["SSCAN", "str", "0"],
                 ["SMOVE", "str", "s", "a"], ["SMOVE", "s", "str", "1"]):
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*args)
        assert err(e) == WRONGTYPE, args
    assert r.smove("nokey", "str", "a") is False  # absent source: 0 before any type check
    for args, msg in (
            (["SPOP", "s", "-1"], "value is out of range, must be positive"),
            (["SPOP", "s", "abc"], "value is out of range, must be positive"),
            (["SPOP", "s", "1", "2"], "syntax error"),
            (["SRANDMEMBER", "s", "abc"], "value is not an integer or out of range"),
            (["SRANDMEMBER", "s", "1", "2"], "syntax error"),
            (["SRANDMEMBER", "s", "-9223372036854775808"],
             "value is out of range, value must between -9223372036854775807 and "
             "9223372036854775807"),
            (["SINTERCARD", "0", "s"], "numkeys should be greater than 0"),
            (["SINTERCARD", "x", "s"], "numkeys should be greater than 0"),
            (["SINTERCARD", "2", "s"], "Number of keys can't be greater than number of args"),
            (["SINTERCARD", "1", "s", "LIMIT", "-1"], "LIMIT can't be negative"),
            (["SINTERCARD", "1", "s", "LIMIT"], "syntax error"),
            (["SSCAN", "s", "abc"], "invalid cursor"),
            (["SSCAN", "s", "0", "COUNT", "0"], "syntax error"),
            (["SADD", "s"], "wrong number of arguments for 'sadd' command"),
            (["SMOVE", "a", "b"], "wrong number of arguments for 'smove' command"),
    ):
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*args)
        assert err(e) == msg, args


def test_resp3_shapes(cardinal):
    r = cardinal.client()
    r.sadd("s", "2", "1")
    with cardinal.raw() as c:
        c.hello(3)
        assert c.call("SMEMBERS", "s") == b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"
        assert c.call("SMEMBERS", "nokey") == b"~0\r\n"
        assert c.call("SINTER", "s", "s") == b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"
        assert c.call("SUNION", "nokey") == b"~0\r\n"
        assert c.call("SDIFF", "s", "nokey") == b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"
        assert c.call("SPOP", "nokey") == b"_\r\n"
        assert c.call("SRANDMEMBER", "nokey") == b"_\r\n"
        assert c.call("SPOP", "s", "0") == b"~0\r\n"
        assert c.call("SRANDMEMBER", "s", "-3").startswith(b"*3\r\n")
        assert c.call("SRANDMEMBER", "s", "5") == b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"
        assert parse_reply(c.call("SPOP", "s", "1")).type == "set"
        assert c.call("SMISMEMBER", "s", "1", "2").startswith(b"*2\r\n")


def test_encoding_thresholds_default(cardinal):
    r = cardinal.client()
    r.sadd("i", *range(512))
    assert r.object("encoding", "i") == b"intset"
    assert r.smembers("i") == {str(x).encode() for x in range(512)}
    r.sadd("i", 512)
    assert r.object("encoding", "i") == b"hashtable"
    r.srem("i", *range(10, 513))
    assert r.object("encoding", "i") == b"hashtable"  # never back
    for member, enc in ((b"9223372036854775807", b"intset"), (b"-9223372036854775808", b"intset"),
                        (b"9223372036854775808", b"hashtable"), (b"01", b"hashtable"),
                        (b" 1", b"hashtable"), (b"-0", b"hashtable"), (b"+1", b"hashtable"),
                        (b"1.0", b"hashtable"), (b"a", b"hashtable")):
        r.delete("t")
        r.sadd("t", 5, member)
        assert r.object("encoding", "t") == enc, member
    # Intsets reply in ascending order.
    r.sadd("o", 10, -3, 7, 70000, -5000000000)
    with cardinal.raw() as c:
        assert parse_reply(c.call("SMEMBERS", "o")).py() == [b"-5000000000", b"-3", b"7", b"10",
                                                             b"70000"]


def test_encoding_thresholds_config(cardinal_factory):
    srv = cardinal_factory("--set-max-intset-entries", "4")
    r = srv.client()
    assert r.config_get("set-max-intset-entries") == {"set-max-intset-entries": "4"}
    r.sadd("a", 1, 2, 3, 4)
    assert r.object("encoding", "a") == b"intset"
    r.sadd("a", 5)
    assert r.object("encoding", "a") == b"hashtable"
    r.sadd("b", 1, 2, 3)
    r.config_set("set-max-intset-entries", 2)
    r.sadd("b", 1)   # not added: no conversion
    r.srem("b", 3)
    assert r.object("encoding", "b") == b"intset"
    r.sadd("b", 9)
    assert r.object("encoding", "b") == b"hashtable"
    # *STORE results follow the limit too.
    r.sadd("c", 1, 2)
    r.sunionstore("d", "c")
    assert r.object("encoding", "d") == b"intset"
    r.sadd("c", 3)
    r.sunionstore("d", "c")
    assert r.object("encoding", "d") == b"hashtable"


def test_set_algebra_and_stores(cardinal):
    r = cardinal.client()
    r.sadd("a", 1, 2, 3, "x")
    r.sadd("b", 2, 3, 4)
    r.sadd("c", 3, "x", "y")
    assert r.sinter("a", "b") == {b"2", b"3"}
    assert r.sinter("a", "b", "c") == {b"3"}
    assert r.sinter("a", "nokey") == set()
    assert r.sunion("a", "b", "nokey") == {b"1", b"2", b"3", b"4", b"x"}
    assert r.sdiff("a", "b", "c") == {b"1"}
    assert r.sdiff("nokey", "a") == set()
    assert r.execute_command("SINTERCARD", 3, "a", "b", "c") == 1
    assert r.execute_command("SINTERCARD", 2, "a", "b", "LIMIT", 1) == 1
    assert r.sinterstore("d", ["a", "b"]) == 2
    assert r.smembers("d") == {b"2", b"3"}
    assert r.object("encoding", "d") == b"intset"
    r.set("e", "string", ex=100)
    assert r.sunionstore("e", ["a", "c"]) == 5  # replaces any type, drops the TTL
    assert r.type("e") == b"set" and r.ttl("e") == -1
    assert r.sdiffstore("e", ["a", "a"]) == 0  # empty result deletes the destination
    assert r.exists("e") == 0
    assert r.sinterstore("a", ["a", "b"]) == 2  # destination among the sources
    assert r.smembers("a") == {b"2", b"3"}


def test_smove(cardinal):
    r = cardinal.client()
    r.sadd("s", 1, 2)
    assert r.smove("s", "s", 1) is True
    assert r.smove("s", "d", 9) is False
    assert r.smove("s", "d", 1) is True
    assert r.object("encoding", "d") == b"intset"
    assert r.smove("s", "d", 2) is True
    assert r.exists("s") == 0
    r.sadd("h", "a")
    assert r.smove("h", "d", "a") is True
    assert r.object("encoding", "d") == b"hashtable"
    assert r.smembers("d") == {b"1", b"2", b"a"}


def test_spop_srandmember(cardinal):
    r = cardinal.client()
    members = {str(i).encode() for i in range(50)} | {b"m%d" % i for i in range(50)}
    r.sadd("s", *members)
    one = r.srandmember("s")
    assert one in members
    got = r.srandmember("s", 10)
    assert len(got) == 10 and len(set(got)) == 10 and set(got) <= members
    got = r.srandmember("s", 90)
    assert len(got) == 90 and len(set(got)) == 90 and set(got) <= members
    got = r.srandmember("s", -500)
    assert len(got) == 500 and set(got) <= members
    assert set(r.srandmember("s", 1000)) == members
    assert r.srandmember("s", 0) == [] and r.srandmember("nokey", 5) == []
    assert r.srandmember("nokey") is None
    popped = set(r.spop("s", 30))
    assert len(popped) == 30 and popped <= members
    rest = r.smembers("s")
    assert rest == members - popped
    one = r.spop("s")
    assert one in rest and r.sismember("s", one) is False
    popped = set(r.spop("s", 60))  # most of what is left: the keep-the-rest strategy
    assert len(popped) == 60
    assert r.smembers("s") | popped == rest - {one}
    assert set(r.spop("s", 100)) == rest - {one} - popped
    assert r.exists("s") == 0
    assert r.spop("nokey") is None and r.spop("nokey", 3) == []
    # Intset pops and whole-set replies.
    r.sadd("i", *range(20))
    assert r.execute_command("SRANDMEMBER", "i", 50) == [str(x).encode() for x in range(20)]
    got = r.spop("i", 5)
    assert len(set(got)) == 5 and r.scard("i") == 15


def test_huge_counts_are_bounded(cardinal):
    """Random-member commands answer at once whatever the count (Redis wedges on the huge
    negative SRANDMEMBER counts; for those Cardinal answers an error instead)."""
    r = cardinal.client()
    r.sadd("s", "a", "b", "c")
    r.sadd("i", *range(10))
    with cardinal.raw(timeout=20) as c:
        for key in ("s", "i"):
            assert c.call("SPOP", key, "0") == b"*0\r\n"
            assert len(parse_reply(c.call("SRANDMEMBER", key, "9223372036854775807")).value) == \
                r.scard(key)
            assert c.call("SRANDMEMBER", key, "-9223372036854775808").startswith(
                b"-ERR value is out of range")
        if not cardinal.kind == "redis":
            for count in ("-9223372036854775807", "-4611686018427387904", "-1000000000000"):
                reply = c.call("SRANDMEMBER", "s", count)
                assert reply.startswith(b"-ERR count too large"), reply
        assert c.call("PING") == b"+PONG\r\n"
        assert len(parse_reply(c.call("SPOP", "i", "9223372036854775807")).value) == 10
        assert c.call("EXISTS", "i") == b":0\r\n"
    got = r.srandmember("s", -300000)
    assert len(got) == 300000 and set(got) == {b"a", b"b", b"c"}


@pytest.mark.cardinal_only
def test_srandmember_reply_limit_follows_proto_max_bulk_len(cardinal_factory):
    srv = cardinal_factory("--proto-max-bulk-len", "1mb")
    r = srv.client()
    r.sadd("s", "m" * 1000)
    with srv.raw() as c:
        # 2000 picks of ~1 kB exceed 1 MB only once built: withdrawn, then an error.
        assert c.call("SRANDMEMBER", "s", "-2000").startswith(b"-ERR count too large")
        assert c.call("PING") == b"+PONG\r\n"
        assert len(parse_reply(c.call("SRANDMEMBER", "s", "-500")).value) == 500


def test_sscan_big_set_every_member_once(cardinal):
    r = cardinal.client()
    n = 100000
    for start in range(0, n, 10000):
        r.sadd("big", *[b"member:%d" % i for i in range(start, start + 10000)])
    assert r.object("encoding", "big") == b"hashtable"
    for count in (10, 1000):
        seen = {}
        cursor = 0
        for _ in range(n * 2):
            cursor, page = r.sscan("big", cursor, count=count)
            for m in page:
                seen[m] = seen.get(m, 0) + 1
            if cursor == 0:
                break
        assert cursor == 0
        assert len(seen) == n and max(seen.values()) == 1
    cursor, page = r.sscan("big", 0, match="member:1234*", count=1000000)
    assert cursor == 0 and set(page) == {b"member:1234"} | {b"member:1234%d" % i for i in range(10)}


def test_sscan_while_changing(cardinal):
    """Members present for the whole scan are returned, while others come and go in bulk (so the
    set grows, shrinks and changes its index layout mid-scan)."""
    r = cardinal.client()
    stable = [b"stable:%d" % i for i in range(2000)]
    r.sadd("s", *stable)
    seen = set()
    cursor, step, churn = 0, 0, 0
    for _ in range(100000):
        cursor, page = r.sscan("s", cursor, count=20)
        seen.update(page)
        if step % 20 < 10:
            r.sadd("s", *[b"churn:%d" % (churn + i) for i in range(300)])
            churn += 300
        else:
            r.srem("s", *[b"churn:%d" % i for i in range(churn - 3000, churn)])
        step += 1
        if cursor == 0:
            break
    assert cursor == 0
    assert set(stable) <= seen


def test_sscan_intset_and_options(cardinal):
    r = cardinal.client()
    r.sadd("i", 3, 1, 2, 11)
    assert r.sscan("i", 0, count=1) == (0, [b"1", b"2", b"3", b"11"])
    assert r.sscan("i", 77, match="1*") == (0, [b"1", b"11"])
    assert r.sscan("nokey", 0) == (0, [])


def test_ttl_and_expiry(cardinal):
    r = cardinal.client()
    r.sadd("s", "a", "b")
    r.expire("s", 100)
    r.sadd("s", "c")
    r.srem("s", "a")
    r.sadd("s", *range(600))  # conversion keeps the TTL
    assert 0 < r.ttl("s") <= 100
    r.pexpire("s", 50)
    assert wait_until(lambda: r.exists("s") == 0)
    assert r.smembers("s") == set()


def test_watch_sees_set_writes(cardinal):
    r = cardinal.client()
    r.sadd("w", "a")
    with r.pipeline() as p:
        p.watch("w")
        cardinal.client().sadd("w", "a")  # no-op: the key is not modified
        p.multi()
        p.scard("w")
        assert p.execute() == [1]
    with r.pipeline() as p:
        p.watch("w")
        cardinal.client().spop("w")
        p.multi()
        p.scard("w")
        with pytest.raises(redis.WatchError):
            p.execute()


def test_multi_exec_with_sets(cardinal):
    r = cardinal.client()
    with r.pipeline(transaction=True) as p:
        p.sadd("a", 1, 2, 3)
        p.sadd("b", 2, 3, 4)
        p.sinterstore("c", ["a", "b"])
        p.smove("a", "c", 1)
        p.scard("c")
        p.execute_command("SINTERCARD", 2, "a", "c")
        assert p.execute() == [3, 3, 2, True, 3, 2]


def test_copy_rename_move_keep_sets_independent(cardinal):
    r = cardinal.client()
    r.sadd("small", 1, 2)
    r.sadd("strs", "a", "b")
    r.sadd("big", *[b"m%d" % i for i in range(5000)])
    for key in ("small", "strs", "big"):
        assert r.copy(key, key + ":copy") is True
        assert r.object("encoding", key + ":copy") == r.object("encoding", key)
        before = r.smembers(key)
        assert r.smembers(key + ":copy") == before
        r.sadd(key + ":copy", "new")
        r.spop(key + ":copy", 2)
        assert r.smembers(key) == before
    r.rename("big", "big2")
    assert r.scard("big2") == 5000 and r.exists("big") == 0
    assert r.move("small", 1) is True
    r.execute_command("SELECT", 1)
    assert r.smembers("small") == {b"1", b"2"}


def test_unlink_big_set(cardinal):
    r = cardinal.client()
    for start in range(0, 200000, 20000):
        r.sadd("huge", *[b"member:%d" % i for i in range(start, start + 20000)])
    assert r.unlink("huge") == 1
    assert r.exists("huge") == 0
    assert r.ping()


@pytest.mark.cardinal_only
def test_propagation(tmp_path, cardinal_factory):
    """Writes propagate as commands with the same effect; no-op writes and reads propagate
    nothing; SPOP becomes SREM of the popped members (DEL when it takes the whole set)."""
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    r.sadd("s", 1, 2, 3, "a")
    r.sadd("s", 1)            # no-op
    r.srem("s", "zz")         # no-op
    popped = r.spop("s")
    r.smove("s", "s", "zz")   # no-op
    r.sinterstore("none", ["nokey"])  # no-op
    r.smembers("s")
    popped_many = r.spop("s", 2)
    r.sadd("t", *range(3))
    r.spop("t", 10)
    r.set("end", "1")
    assert wait_until(lambda: path.exists() and b"end" in path.read_bytes())
    cmds = read_propagation_log(path)
    assert cmds[:3] == [[b"SELECT", b"0"], [b"SADD", b"s", b"1", b"2", b"3", b"a"],
                        [b"SREM", b"s", popped]]
    assert cmds[3][:2] == [b"SREM", b"s"] and sorted(cmds[3][2:]) == sorted(popped_many)
    assert cmds[4:] == [[b"SADD", b"t", b"0", b"1", b"2"], [b"DEL", b"t"], [b"SET", b"end", b"1"]]
