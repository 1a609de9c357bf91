"""Blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP,
CLIENT UNBLOCK, INFO blocked_clients.

Blocked clients use raw connections (one reply read per command) so a test controls exactly
when a client is blocked: `block()` sends the command and waits until INFO shows one more
blocked client, which also fixes the order in which clients blocked (first come, first served).
The server runs with several worker threads (CARDINAL_THREADS, default 2) and every test opens
several connections, so wake-ups cross threads. Waits are bounded; there are no upper timing
thresholds, only "not before the timeout" lower bounds.
"""

from __future__ import annotations

import time

import pytest

from conftest import RawConn, parse_reply, wait_until


def blocked_clients(r) -> int:
    return int(r.info("clients")["blocked_clients"])


@pytest.fixture
def srv(cardinal):
    return cardinal


@pytest.fixture
def r(srv):
    return srv.client()


class Blocker:
    """Raw connections that block; closed at teardown."""

    def __init__(self, srv, r):
        self.srv, self.r, self.conns = srv, r, []

    def conn(self, proto: int = 2) -> RawConn:
        c = self.srv.raw(timeout=10)
        if proto == 3:
            assert c.hello(3).startswith(b"%")
        self.conns.append(c)
        return c

    def block(self, *cmd, proto: int = 2) -> RawConn:
        c = self.conn(proto)
        before = blocked_clients(self.r)
        c.send(*cmd)
        assert wait_until(lambda: blocked_clients(self.r) == before + 1), cmd
        return c

    def close(self):
        for c in self.conns:
            c.close()


@pytest.fixture
def blk(srv, r):
    b = Blocker(srv, r)
    yield b
    b.close()
    assert wait_until(lambda: blocked_clients(r) == 0)


def reply(c: RawConn):
    return parse_reply(c.read_reply()).value


def values(node_value):
    """Flattens a parsed reply into Python values (bytes, ints, None, lists)."""
    if isinstance(node_value, list):
        return [values(n.value) for n in node_value]
    return node_value


def read(c: RawConn):
    return values(reply(c))


# ---------------------------------------------------------------------------
# lists

def test_blpop_answers_at_once_when_data_exists(r):
    r.rpush("l1", "a", "b")
    assert r.blpop(["nokey", "l1"], timeout=1) == (b"l1", b"a")
    assert r.brpop(["l1"], timeout=1) == (b"l1", b"b")
    assert r.exists("l1") == 0  # emptied list disappears


def test_blpop_times_out_with_null_and_fractional_timeouts(r, srv):
    t0 = time.monotonic()
    assert r.blpop(["nokey"], timeout=0.2) is None
    assert time.monotonic() - t0 >= 0.19  # not before the timeout
    with srv.raw() as c:
        assert c.call("BLPOP", "nokey", "0.05") == b"*-1\r\n"
        assert c.hello(3).startswith(b"%")
        assert c.call("BLPOP", "nokey", "0.05") == b"_\r\n"
        assert c.call("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.05") == b"_\r\n"
        c.hello(2)
        # A timed-out BLMOVE answers a null array (a null bulk only inside MULTI).
        assert c.call("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.05") == b"*-1\r\n"
        assert c.call("BRPOPLPUSH", "nokey", "d", "0.05") == b"*-1\r\n"


def test_huge_timeouts_block_like_forever(blk, r):
    a = blk.block("BLPOP", "huge", "1e15")
    b = blk.block("BZPOPMIN", "hugez", "9223372036854775")
    assert r.ping() and blocked_clients(r) == 2
    r.rpush("huge", "v")
    r.zadd("hugez", {"m": 2})
    assert read(a) == [b"huge", b"v"]
    assert read(b) == [b"hugez", b"m", b"2"]


def test_timeout_errors(r, srv):
    with srv.raw() as c:
        assert c.call("BLPOP", "k", "-1") == b"-ERR timeout is negative\r\n"
        assert c.call("BLPOP", "k", "abc") == b"-ERR timeout is not a float or out of range\r\n"
        assert c.call("BZPOPMIN", "k", "nan") == b"-ERR timeout is not a float or out of range\r\n"
        assert c.call("BLMPOP", "-1", "1", "k", "LEFT") == b"-ERR timeout is negative\r\n"


def test_push_wakes_blocked_client_on_another_connection(blk, r):
    waiters = [blk.block("BLPOP", f"wk{i}", "0") for i in range(6)]
    for i in range(6):
        assert r.lpush(f"wk{i}", f"v{i}") == 1
    for i, c in enumerate(waiters):
        assert read(c) == [f"wk{i}".encode(), f"v{i}".encode()]
    for i in range(6):
        assert r.exists(f"wk{i}") == 0  # the pushed element went to the waiter


def test_waiters_are_served_first_come_first_served(blk, r):
    a = blk.block("BLPOP", "fifo", "0")
    b = blk.block("BRPOP", "fifo", "0")
    c = blk.block("BLPOP", "other", "fifo", "0")
    r.rpush("fifo", "x", "y", "z")
    assert read(a) == [b"fifo", b"x"]
    assert read(b) == [b"fifo", b"z"]  # BRPOP takes from the tail
    assert read(c) == [b"fifo", b"y"]
    assert r.exists("fifo") == 0


def test_one_element_serves_only_the_first_waiter(blk, r):
    a = blk.block("BLPOP", "one", "0")
    b = blk.block("BLPOP", "one", "0")
    r.lpush("one", "only")
    assert read(a) == [b"one", b"only"]
    assert blocked_clients(r) == 1  # b still waits
    r.lpush("one", "second")
    assert read(b) == [b"one", b"second"]


def test_push_inside_multi_wakes_after_exec(blk, r):
    a = blk.block("BLPOP", "mk", "0")
    p = r.pipeline(transaction=True)
    p.lpush("mk", "x")
    p.lpop("mk")
    p.execute()
    # The transaction left the list empty: nothing to serve, the client still waits.
    assert blocked_clients(r) == 1
    p = r.pipeline(transaction=True)
    p.lpush("mk", "y")
    p.lpush("mk", "z")
    p.execute()
    assert read(a) == [b"mk", b"z"]
    assert r.lrange("mk", 0, -1) == [b"y"]


def test_blocking_command_inside_multi_does_not_block(r):
    p = r.pipeline(transaction=True)
    p.blpop(["nokey"], timeout=0)
    p.brpoplpush("nokey", "d", timeout=0)
    p.bzpopmin(["nokey"], timeout=0)
    assert p.execute() == [None, None, None]


def test_disconnect_while_blocked_leaves_no_trace(blk, r, srv):
    c = srv.raw()
    c.send("BLPOP", "gone", "0")
    assert wait_until(lambda: blocked_clients(r) == 1)
    c.close()
    assert wait_until(lambda: blocked_clients(r) == 0)
    assert r.lpush("gone", "v") == 1
    assert r.lrange("gone", 0, -1) == [b"v"]  # nobody consumed it
    # A waiter that arrives later is served normally.
    r.delete("gone")
    a = blk.block("BLPOP", "gone", "0")
    r.lpush("gone", "w")
    assert read(a) == [b"gone", b"w"]


def test_client_unblock(blk, r):
    a = blk.block("BLPOP", "ub", "0")
    a_id = None
    for cl in r.client_list():
        if "b" in cl["flags"]:
            a_id = int(cl["id"])
    assert a_id is not None
    assert r.execute_command("CLIENT", "UNBLOCK", a_id) == 1
    assert a.read_reply() == b"*-1\r\n"
    assert r.execute_command("CLIENT", "UNBLOCK", a_id) == 0  # no longer blocked
    a.send("BRPOPLPUSH", "ub", "dst", "0")
    assert wait_until(lambda: blocked_clients(r) == 1)
    assert r.execute_command("CLIENT", "UNBLOCK", a_id, "ERROR") == 1
    assert a.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    assert r.execute_command("CLIENT", "UNBLOCK", 999999) == 0
    with pytest.raises(Exception, match="TIMEOUT or ERROR"):
        r.execute_command("CLIENT", "UNBLOCK", a_id, "LATER")
    # The connection still works after being unblocked.
    assert a.call("PING") == b"+PONG\r\n"


def test_pipelined_commands_wait_behind_the_blocked_one(blk, r, srv):
    c = blk.conn()
    c.send_raw(b"*3\r\n$5\r\nBLPOP\r\n$2\r\npk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
    assert wait_until(lambda: blocked_clients(r) == 1)
    r.rpush("pk", "v")
    assert read(c) == [b"pk", b"v"]
    assert c.read_reply() == b"+PONG\r\n"


def test_wrong_type_key_does_not_wake_and_errors_up_front(blk, r, srv):
    r.set("str", "x")
    with srv.raw() as c:
        assert c.call("BLPOP", "str", "0").startswith(b"-WRONGTYPE")
        assert c.call("BZPOPMIN", "str", "0").startswith(b"-WRONGTYPE")
    a = blk.block("BLPOP", "later", "0")
    r.set("later", "string")
    r.zadd("later2", {"m": 1})
    assert blocked_clients(r) == 1
    r.delete("later")
    r.rpush("later", "v")
    assert read(a) == [b"later", b"v"]


def test_blmove_chain_wakes_the_next_waiter(blk, r):
    mover = blk.block("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
    reader = blk.block("BLPOP", "dst", "0")
    r.rpush("src", "a", "b")
    assert read(mover) == b"b"
    assert read(reader) == [b"dst", b"b"]
    assert r.lrange("src", 0, -1) == [b"a"]
    assert r.exists("dst") == 0


def test_brpoplpush_and_blmove_into_wrong_type(blk, r):
    r.set("strdst", "x")
    a = blk.block("BRPOPLPUSH", "s2", "strdst", "0")
    r.rpush("s2", "v")
    assert a.read_reply().startswith(b"-WRONGTYPE")
    assert r.lrange("s2", 0, -1) == [b"v"]  # nothing was popped


def test_blmpop(blk, r, srv):
    r.rpush("mp2", "a", "b", "c")
    with srv.raw() as c:
        assert values(parse_reply(c.call("BLMPOP", "0", "2", "mp1", "mp2", "RIGHT", "COUNT", "2")).value) == \
            [b"mp2", [b"c", b"b"]]
        assert c.call("BLMPOP", "0.05", "1", "nokey", "LEFT") == b"*-1\r\n"
    a = blk.block("BLMPOP", "0", "2", "mpa", "mpb", "LEFT", "COUNT", "5")
    r.rpush("mpb", "x", "y")
    assert read(a) == [b"mpb", [b"x", b"y"]]


# ---------------------------------------------------------------------------
# sorted sets

def test_bzpopmin_bzpopmax_at_once_and_woken(blk, r, srv):
    r.zadd("z1", {"a": 1, "b": 2, "c": 3})
    assert r.bzpopmin(["nokey", "z1"], timeout=1) == (b"z1", b"a", 1.0)
    assert r.bzpopmax(["z1"], timeout=1) == (b"z1", b"c", 3.0)
    a = blk.block("BZPOPMIN", "zw", "0")
    b = blk.block("BZPOPMAX", "zw", "0", proto=3)
    r.zadd("zw", {"x": 1.5, "y": 2.5, "z": 3.5})
    assert read(a) == [b"zw", b"x", b"1.5"]
    assert b.read_reply() == b"*3\r\n$2\r\nzw\r\n$1\r\nz\r\n,3.5\r\n"
    assert r.zrange("zw", 0, -1) == [b"y"]


def test_bzmpop(blk, r, srv):
    r.zadd("zm", {"a": 1, "b": 2})
    with srv.raw() as c:
        assert read_call(c, "BZMPOP", "0", "1", "zm", "MAX", "COUNT", "5") == \
            [b"zm", [[b"b", b"2"], [b"a", b"1"]]]
        assert c.call("BZMPOP", "0.05", "1", "zm", "MIN") == b"*-1\r\n"
    a = blk.block("BZMPOP", "0", "2", "za", "zb", "MIN")
    r.zadd("zb", {"q": 7})
    assert read(a) == [b"zb", [[b"q", b"7"]]]


def read_call(c: RawConn, *cmd):
    return values(parse_reply(c.call(*cmd)).value)


def test_zadd_does_not_wake_list_waiter_and_vice_versa(blk, r):
    lw = blk.block("BLPOP", "mixed", "0")
    zw = blk.block("BZPOPMIN", "mixed", "0")
    r.zadd("mixed", {"m": 1})
    assert read(zw) == [b"mixed", b"m", b"1"]
    assert blocked_clients(r) == 1  # the list waiter still waits
    r.rpush("mixed", "v")
    assert read(lw) == [b"mixed", b"v"]


# ---------------------------------------------------------------------------
# bookkeeping

def test_info_and_client_list_show_blocked_clients(blk, r):
    assert blocked_clients(r) == 0
    blk.block("BLPOP", "i1", "0")
    blk.block("BZPOPMIN", "i2", "0")
    assert blocked_clients(r) == 2
    assert sum(1 for cl in r.client_list() if "b" in cl["flags"]) == 2
    r.rpush("i1", "x")
    r.zadd("i2", {"m": 1})
    assert wait_until(lambda: blocked_clients(r) == 0)


def test_timeout_fires_while_other_clients_keep_working(blk, r, srv):
    a = blk.block("BLPOP", "tk", "0.2")
    assert r.ping()
    assert a.read_reply() == b"*-1\r\n"
    assert blocked_clients(r) == 0
    assert r.rpush("tk", "v") == 1  # nobody is left to take it
    assert r.llen("tk") == 1


@pytest.mark.cardinal_only
def test_served_pop_propagates_as_the_non_blocking_command(tmp_path, cardinal_factory, target_is_redis):
    if target_is_redis:
        pytest.skip("propagation-log-file is Cardinal's")
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    b = Blocker(srv, r)
    try:
        a = b.block("BLPOP", "pl", "0")
        m = b.block("BLMOVE", "ps", "pd", "LEFT", "RIGHT", "0")
        r.rpush("pl", "x")
        r.rpush("ps", "y")
        assert read(a) == [b"pl", b"x"]
        assert read(m) == b"y"
        r.rpush("now", "z")
        assert r.blpop(["now"], timeout=1) == (b"now", b"z")
    finally:
        b.close()
    assert wait_until(lambda: path.exists() and path.read_bytes().count(b"LPOP") >= 2)
    data = path.read_bytes()
    assert b"BLPOP" not in data and b"BLMOVE" not in data
    assert b"LMOVE" in data


def test_command_info_and_getkeys_match_redis(cardinal, oracle):
    names = ["blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop",
             "sort", "sort_ro"]
    with cardinal.raw() as c, oracle.raw() as o:
        for name in names:
            mine = parse_reply(c.call("COMMAND", "INFO", name)).value[0].value
            ref = parse_reply(o.call("COMMAND", "INFO", name)).value[0].value
            # name, arity, flags, first/last/step keys, ACL categories
            for i in range(7):
                assert mine[i].raw == ref[i].raw, (name, i, mine[i].raw, ref[i].raw)
        for cmd in (["BLPOP", "a", "b", "0"], ["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"],
                    ["BLMPOP", "0", "2", "a", "b", "LEFT"], ["BZMPOP", "1", "1", "z", "MIN"],
                    ["BLMPOP", "0", "0", "a", "LEFT"], ["BZMPOP", "0", "5", "z", "MAX"],
                    ["SORT", "k", "BY", "w_*", "STORE", "d"], ["GET", "k"], ["PING", "x"]):
            assert c.call("COMMAND", "GETKEYS", *cmd) == o.call("COMMAND", "GETKEYS", *cmd), cmd


def test_swapdb_wakes_clients_blocked_on_keys_it_brings(blk, srv, r):
    r1 = srv.client(db=1)
    r1.rpush("sw", "from-db1")
    a = blk.block("BLPOP", "sw", "0")  # db 0, where "sw" does not exist
    assert r.swapdb(0, 1)
    assert read(a) == [b"sw", b"from-db1"]
    assert r.exists("sw") == 0 and r1.exists("sw") == 0


def test_blocked_client_input_stays_within_the_query_buffer_limit(cardinal_factory):
    srv = cardinal_factory()
    r = srv.client()
    assert r.config_set("client-query-buffer-limit", "1mb")
    c = srv.raw(timeout=10)
    try:
        c.send("BLPOP", "qb", "0")
        assert wait_until(lambda: blocked_clients(r) == 1)
        # Pipelined behind the blocked command: buffered, not executed, and bounded.
        chunk = b"*3\r\n$3\r\nSET\r\n$2\r\nqk\r\n$65536\r\n" + b"v" * 65536 + b"\r\n"
        try:
            for _ in range(64):  # 4 MiB in total
                c.send_raw(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert wait_until(lambda: blocked_clients(r) == 0)  # closed by the limit
        assert r.exists("qk") == 0
        if srv.kind != "redis":  # Redis 7.0 has no such INFO field
            assert int(r.info("stats")["client_query_buffer_limit_disconnections"]) >= 1
    finally:
        c.close()
