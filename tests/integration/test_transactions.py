"""MULTI/EXEC/WATCH through redis-py and raw connections."""

import pytest
import redis



def test_pipeline_transaction(cardinal):
    r = cardinal.client()
    with r.pipeline(transaction=True) as p:
        p.set(b"a", b"1")
        p.incr(b"a")
        p.incrby(b"a", 10)
        p.get(b"a")
        p.append(b"s", b"xy")
        p.mget(b"a", b"s", b"none")
        res = p.execute()
    assert res == [True, 2, 12, b"12", 2, [b"12", b"xy", None]]


def test_watch_conflict_from_second_client(cardinal):
    r1 = cardinal.client()
    r2 = cardinal.client()
    r1.set(b"bal", 100)
    with r1.pipeline(transaction=True) as p:
        p.watch(b"bal")
        bal = int(p.get(b"bal"))
        r2.incrby(b"bal", 5)           # concurrent modification
        p.multi()
        p.set(b"bal", bal - 10)
        with pytest.raises(redis.WatchError):
            p.execute()
    assert r1.get(b"bal") == b"105"


def test_watch_no_conflict(cardinal):
    r1 = cardinal.client()
    r2 = cardinal.client()
    r1.set(b"bal", 100)
    with r1.pipeline(transaction=True) as p:
        p.watch(b"bal")
        bal = int(p.get(b"bal"))
        r2.set(b"other", 1)            # unrelated key
        r2.get(b"bal")                 # reads don't invalidate
        p.multi()
        p.set(b"bal", bal - 10)
        assert p.execute() == [True]
    assert r1.get(b"bal") == b"90"


def test_watch_then_expire_delete_flush_invalidates(cardinal):
    r2 = cardinal.client()
    for mutate in (lambda: r2.delete(b"w"), lambda: r2.expire(b"w", 1000), lambda: r2.flushdb(),
                   lambda: r2.rename(b"w", b"w2"), lambda: r2.append(b"w", b"x")):
        r2.set(b"w", b"1")
        with cardinal.raw() as c:
            assert c.call("WATCH", "w") == b"+OK\r\n"
            mutate()
            assert c.call("MULTI") == b"+OK\r\n"
            assert c.call("SET", "w", "mine") == b"+QUEUED\r\n"
            assert c.call("EXEC") == b"*-1\r\n"
        r2.delete(b"w", b"w2")


def test_watch_missing_key_then_created(cardinal):
    r2 = cardinal.client()
    with cardinal.raw() as c:
        assert c.call("WATCH", "newkey") == b"+OK\r\n"
        r2.set(b"newkey", b"1")
        c.call("MULTI")
        c.call("GET", "newkey")
        assert c.call("EXEC") == b"*-1\r\n"


def test_unwatch_and_exec_resets_watch(cardinal):
    r2 = cardinal.client()
    with cardinal.raw() as c:
        c.call("WATCH", "k")
        assert c.call("UNWATCH") == b"+OK\r\n"
        r2.set(b"k", b"x")
        c.call("MULTI")
        c.call("GET", "k")
        assert c.call("EXEC") == b"*1\r\n$1\r\nx\r\n"
        # EXEC also unwatches: a later change doesn't affect the next transaction
        c.call("WATCH", "k")
        c.call("MULTI")
        c.call("EXEC")
        r2.set(b"k", b"y")
        c.call("MULTI")
        c.call("GET", "k")
        assert c.call("EXEC") == b"*1\r\n$1\r\ny\r\n"


def test_execabort_on_queue_error(cardinal, oracle):
    script = [["MULTI"], ["SET", "a", "1"], ["SET", "a"], ["NOSUCHCMD"], ["INCR", "a"], ["EXEC"],
              ["GET", "a"]]
    replies = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            replies.append([c.call(*cmd) for cmd in script])
    assert replies[0] == replies[1]
    assert replies[1][-2].startswith(b"-EXECABORT Transaction discarded because of previous errors.")
    assert replies[1][-1] == b"$-1\r\n"


def test_execabort_redis_py(cardinal):
    r = cardinal.client()
    with r.pipeline(transaction=True) as p:
        p.set(b"x", b"1")
        p.execute_command("SET", b"x")   # wrong arity -> queue-time error
        with pytest.raises(redis.ResponseError) as ei:
            p.execute()
    assert "EXECABORT" in str(ei.value) or "wrong number of arguments" in str(ei.value)
    assert r.get(b"x") is None


def test_runtime_error_inside_exec(cardinal, oracle):
    script = [["SET", "s", "notanumber"], ["MULTI"], ["INCR", "s"], ["SET", "t", "1"], ["INCR", "t"],
              ["LCS", "s"], ["EXEC"], ["GET", "t"]]
    replies = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            replies.append([c.call(*cmd) for cmd in script])
    assert replies[0] == replies[1]
    # LCS with one key is a queue-time arity error -> abort; redo without it
    script2 = [["MULTI"], ["INCR", "s"], ["SET", "t", "1"], ["INCR", "t"], ["EXEC"]]
    r2 = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            r2.append([c.call(*cmd) for cmd in script2])
    assert r2[0] == r2[1]
    assert r2[1][-1] == (b"*3\r\n-ERR value is not an integer or out of range\r\n+OK\r\n:2\r\n")


def test_runtime_error_redis_py(cardinal):
    r = cardinal.client()
    r.set(b"s", b"abc")
    with r.pipeline(transaction=True) as p:
        p.incr(b"s")
        p.set(b"u", b"1")
        res = p.execute(raise_on_error=False)
    assert isinstance(res[0], redis.ResponseError)
    assert res[1] is True
    assert r.get(b"u") == b"1"


@pytest.mark.parametrize("script", [
    [["EXEC"]], [["DISCARD"]], [["MULTI"], ["MULTI"], ["EXEC"]], [["MULTI"], ["WATCH", "x"], ["EXEC"]],
    [["MULTI"], ["SET", "d", "1"], ["DISCARD"], ["GET", "d"]], [["MULTI"], ["EXEC"]],
    [["MULTI"], ["PING"], ["ECHO", "e"], ["SELECT", "1"], ["SET", "db1", "x"], ["EXEC"], ["GET", "db1"]],
    [["MULTI"], ["EXEC", "extra"], ["EXEC"]], [["EXEC", "x"]], [["MULTI", "x"]],
], ids=lambda s: "-".join(c[0] for c in s))
def test_transaction_edge_cases_identical(cardinal, oracle, script):
    replies = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            replies.append([c.call(*cmd) for cmd in script])
    assert replies[0] == replies[1]


def test_large_transaction(cardinal):
    n = 2000
    with cardinal.raw(timeout=30) as c:
        assert c.call("MULTI") == b"+OK\r\n"
        for i in range(n):
            assert c.call("INCR", "big") == b"+QUEUED\r\n"
        raw = c.call("EXEC")
    assert raw.startswith(b"*%d\r\n" % n)
    assert raw.endswith(b":%d\r\n" % n)


def test_multi_state_is_per_connection(cardinal):
    with cardinal.raw() as a, cardinal.raw() as b:
        a.call("MULTI")
        a.call("SET", "iso", "a")
        assert b.call("GET", "iso") == b"$-1\r\n"   # not applied yet
        assert b.call("SET", "iso", "b") == b"+OK\r\n"  # b is not in MULTI
        assert a.call("EXEC") == b"*1\r\n+OK\r\n"
        assert b.call("GET", "iso") == b"$1\r\na\r\n"


def test_unwatch_is_queued_identical(cardinal, oracle):
    """UNWATCH inside MULTI is queued (only EXEC/DISCARD/MULTI/WATCH/QUIT/RESET run at once)."""
    script = [["WATCH", "w"], ["MULTI"], ["UNWATCH"], ["SET", "w", "1"], ["EXEC"], ["GET", "w"]]
    out = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            out.append([c.call(*cmd) for cmd in script])
    assert out[0] == out[1]
    assert out[1][2] == b"+QUEUED\r\n"


def test_info_and_keys_inside_exec_do_not_deadlock(cardinal):
    """Commands that visit every shard run inside EXEC while EXEC holds the shard locks."""
    r = cardinal.client()
    r.set("k1", "v")
    with cardinal.raw(timeout=10) as c:
        for cmd in (["WATCH", "k1"], ["MULTI"], ["SET", "k1", "x"], ["INFO", "memory"],
                    ["KEYS", "*"], ["DBSIZE"], ["UNWATCH"]):
            c.call(*cmd)
        reply = c.call_parsed("EXEC").py()
    assert reply[0] == b"OK"
    assert b"used_memory" in reply[1]
    assert reply[2] == [b"k1"] and reply[3] == 1 and reply[4] == b"OK"
