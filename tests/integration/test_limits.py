"""Server limits and hostile clients.  Every server whose CONFIG is changed is a
fresh one from cardinal_factory / oracle_factory.  All waits are bounded; no
assertion depends on how fast something happens."""

import socket
import time

import pytest

from conftest import RawConn, ConnectionClosed, encode_command, read_rss_kb, parse_reply, parse_info, wait_until

MB = 1024 * 1024
RSS_GROWTH_LIMIT_KB = 100 * 1024   # far below any of the claimed sizes (>= 512 MB)


def _reply_or_closed(conn: RawConn, timeout: float = 10.0) -> bytes:
    """One reply, b'<closed>' if the peer closed first, b'<waiting>' after a bounded wait."""
    conn.settimeout(timeout)
    try:
        return conn.read_reply()
    except ConnectionClosed:
        return b"<closed>"
    except socket.timeout:
        return b"<waiting>"


def _send_ignoring_reset(conn: RawConn, data: bytes):
    try:
        conn.send_raw(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _still_serves(srv):
    with srv.raw(timeout=10) as c:
        assert c.call("PING") == b"+PONG\r\n"
        assert c.call("SET", "alive", "yes") == b"+OK\r\n"
        assert c.call("GET", "alive") == b"$3\r\nyes\r\n"


# --------------------------------------------------------------------------
# protocol errors: byte-identical with redis, connection closed
# --------------------------------------------------------------------------

PROTOCOL_ERROR_INPUTS = [
    b"*1\r\n$-1\r\n",
    b"*1\r\nfoo\r\n",
    b"*abc\r\n",
    b"*2147483648\r\n",
    b"*1\r\n$536870913\r\n",
    b"*1\r\n$abc\r\n",
    b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2147483647\r\n",
    b"SET \"unbalanced\r\n",
    b"x" * 70_000,                  # inline request without newline, > 64 kB
]


@pytest.mark.parametrize("data", PROTOCOL_ERROR_INPUTS, ids=lambda d: repr(d[:24]))
def test_protocol_errors_identical(cardinal, oracle, data):
    got = []
    for srv in (oracle, cardinal):
        with srv.raw(timeout=10) as c:
            _send_ignoring_reset(c, data)
            rep = _reply_or_closed(c)
            closed = False
            if rep.startswith(b"-"):
                try:
                    c.wait_closed(timeout=10)
                    closed = True
                except TimeoutError:
                    closed = False
            got.append((rep, closed))
    assert got[0] == got[1], f"{data[:40]!r}: redis={got[0]!r} target={got[1]!r}"
    assert got[1][0].startswith(b"-ERR Protocol error") and got[1][1]
    _still_serves(cardinal)


def test_negative_multibulk_is_ignored(cardinal, oracle):
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            c.send_raw(b"*-5\r\n*0\r\nPING\r\n")
            assert c.read_reply() == b"+PONG\r\n"


# --------------------------------------------------------------------------
# proto-max-bulk-len
# --------------------------------------------------------------------------

def test_proto_max_bulk_len(cardinal_factory, oracle_factory):
    results = []
    for start in (oracle_factory, cardinal_factory):
        srv = start()
        other = srv.raw()
        assert other.call("CONFIG", "SET", "proto-max-bulk-len", "1mb") == b"+OK\r\n"
        assert other.call("CONFIG", "GET", "proto-max-bulk-len") == \
            b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n"
        # exactly at the limit is accepted
        with srv.raw(timeout=30) as c:
            assert c.call("SET", "atlimit", b"a" * MB) == b"+OK\r\n"
        # one byte over: error, then the connection is closed
        with srv.raw(timeout=10) as c:
            _send_ignoring_reset(c, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % (MB + 1))
            rep = _reply_or_closed(c)
            c.wait_closed(timeout=10)
        results.append(rep)
        # an already connected client keeps working
        assert other.call("PING") == b"+PONG\r\n"
        assert other.call("STRLEN", "atlimit") == b":%d\r\n" % MB
        assert other.call("EXISTS", "k") == b":0\r\n"
        other.close()
    assert results[0] == results[1] == b"-ERR Protocol error: invalid bulk length\r\n"


def test_config_limits_min_values_identical(cardinal, oracle):
    """Both refuse values below the 1 MB minimum with the same message."""
    for param in ("proto-max-bulk-len", "client-query-buffer-limit"):
        ro = oracle.raw().call("CONFIG", "SET", param, "1000")
        rc = cardinal.raw().call("CONFIG", "SET", param, "1000")
        assert ro == rc, (param, ro, rc)
        assert rc.startswith(b"-ERR")


# --------------------------------------------------------------------------
# client-query-buffer-limit
# --------------------------------------------------------------------------

def test_client_query_buffer_limit(cardinal_factory):
    srv = cardinal_factory()
    other = srv.raw()
    assert other.call("CONFIG", "SET", "client-query-buffer-limit", "1mb") == b"+OK\r\n"
    with srv.raw(timeout=10) as c:
        payload = b"*3\r\n$3\r\nSET\r\n$3\r\nqbk\r\n$%d\r\n" % (2 * MB) + b"q" * (2 * MB) + b"\r\n"
        for off in range(0, len(payload), 256 * 1024):
            try:
                c.send_raw(payload[off:off + 256 * 1024])
            except (BrokenPipeError, ConnectionResetError):
                break
        rep = _reply_or_closed(c)
        assert rep == b"<closed>" or rep.startswith(b"-"), rep
        if rep != b"<closed>":
            c.wait_closed(timeout=10)
    assert other.call("PING") == b"+PONG\r\n"
    assert other.call("EXISTS", "qbk") == b":0\r\n"
    # below the limit still works
    with srv.raw(timeout=30) as c:
        assert c.call("SET", "small", b"s" * (MB // 2)) == b"+OK\r\n"
    other.close()


def test_inline_too_big(cardinal):
    with cardinal.raw(timeout=10) as c:
        _send_ignoring_reset(c, b"GET " + b"k" * 70_000)
        assert _reply_or_closed(c) == b"-ERR Protocol error: too big inline request\r\n"
        c.wait_closed(timeout=10)
    _still_serves(cardinal)


# --------------------------------------------------------------------------
# maxclients
# --------------------------------------------------------------------------

def test_maxclients(cardinal_factory):
    n = 5
    srv = cardinal_factory("--maxclients", str(n))
    conns = []
    try:
        for _ in range(n):
            c = srv.raw(timeout=10)
            assert c.call("PING") == b"+PONG\r\n"
            conns.append(c)
        # the (n+1)th connection gets the error without sending anything, then is closed
        extra = srv.raw(timeout=10)
        assert _reply_or_closed(extra) == b"-ERR max number of clients reached\r\n"
        extra.wait_closed(timeout=10)
        extra.close()
        # existing clients are unaffected
        for c in conns:
            assert c.call("PING") == b"+PONG\r\n"
        # after one leaves, a new client is accepted (bounded retry: the close is async)
        conns.pop().close()

        def can_connect():
            c = srv.raw(timeout=10)
            c.send(b"PING")
            rep = _reply_or_closed(c)
            if rep == b"+PONG\r\n":
                conns.append(c)
                return True
            c.close()
            return False
        assert wait_until(can_connect, timeout=10, interval=0.1)
    finally:
        for c in conns:
            c.close()


# --------------------------------------------------------------------------
# idle timeout
# --------------------------------------------------------------------------

def test_idle_timeout_closes_connection(cardinal_factory):
    srv = cardinal_factory()
    with srv.raw() as admin:
        assert admin.call("CONFIG", "SET", "timeout", "1") == b"+OK\r\n"
        assert admin.call("CONFIG", "GET", "timeout") == b"*2\r\n$7\r\ntimeout\r\n$1\r\n1\r\n"
    idle = srv.raw(timeout=10)
    assert idle.call("PING") == b"+PONG\r\n"
    idle.wait_closed(timeout=20)  # raises TimeoutError if never closed
    idle.close()
    with srv.raw() as admin:  # new connections still work
        assert admin.call("CONFIG", "SET", "timeout", "0") == b"+OK\r\n"
        assert admin.call("PING") == b"+PONG\r\n"


# --------------------------------------------------------------------------
# huge length claims must not allocate
# --------------------------------------------------------------------------

def _max_rss_kb(pid, samples=10, interval=0.05):
    best = 0
    for _ in range(samples):
        best = max(best, read_rss_kb(pid))
        time.sleep(interval)
    return best


@pytest.mark.parametrize("header", [
    b"*2147483647\r\n",
    b"$2147483647\r\n",
    b"*2\r\n$2147483647\r\n",
    b"*1\r\n$536870912\r\n",          # exactly proto-max-bulk-len: valid, server must wait
    b"*1048576\r\n" + b"$1\r\nx\r\n" * 1000,
], ids=["mbulk-2G", "bulk-2G-inline", "mbulk2-bulk-2G", "bulk-512M", "mbulk-1M-partial"])
def test_huge_length_claims_do_not_allocate(cardinal_factory, header):
    srv = cardinal_factory()
    with srv.raw() as warm:
        assert warm.call("PING") == b"+PONG\r\n"
    before = read_rss_kb(srv.pid)
    conns = []
    for _ in range(4):  # several clients making the same claim
        c = srv.raw(timeout=2)
        _send_ignoring_reset(c, header)
        conns.append(c)
    with srv.raw() as probe:  # the server has processed the headers by the time it answers others
        assert probe.call("PING") == b"+PONG\r\n"
    after = _max_rss_kb(srv.pid)
    for c in conns:
        rep = _reply_or_closed(c, timeout=0.5)
        assert rep in (b"<waiting>", b"<closed>") or rep.startswith(b"-"), rep
        c.close()
    assert after - before < RSS_GROWTH_LIMIT_KB, f"RSS grew {after - before} kB for header {header[:30]!r}"
    _still_serves(srv)
    assert srv.alive()


# --------------------------------------------------------------------------
# client-output-buffer-limit
# --------------------------------------------------------------------------

def test_output_buffer_limit_disconnects_slow_reader(cardinal_factory):
    srv = cardinal_factory()
    admin = srv.raw(timeout=30)
    assert admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0") == b"+OK\r\n"
    cfg = parse_reply(admin.call("CONFIG", "GET", "client-output-buffer-limit")).py()
    assert cfg[1].startswith(b"normal 1048576 0 0"), cfg
    value = b"v" * (512 * 1024)
    assert admin.call("SET", "big", value) == b"+OK\r\n"
    n_gets = 200
    expected_total = n_gets * (len(value) + 12)  # ~100 MB if every reply were delivered
    slow = RawConn(srv.port, timeout=10, rcvbuf=4096)  # never reads while sending
    _send_ignoring_reset(slow, encode_command("GET", "big") * n_gets)
    drained = slow.wait_closed(timeout=30, max_bytes=expected_total)
    slow.close()
    assert drained < expected_total // 2, drained
    # the server and other clients are fine
    assert admin.call("PING") == b"+PONG\r\n"
    assert admin.call("STRLEN", "big") == b":%d\r\n" % len(value)

    def only_admin_left():
        info = parse_info(parse_reply(admin.call("INFO", "clients")).value)
        return info["_all"].get("connected_clients") == "1"
    assert wait_until(only_admin_left, timeout=10, interval=0.1)
    admin.close()


def test_output_buffer_unlimited_delivers_everything(cardinal):
    """Control for the test above: with the default 'normal 0 0 0' a slow reader gets all."""
    value = b"w" * (256 * 1024)
    with cardinal.raw(timeout=30) as admin:
        assert admin.call("SET", "big", value) == b"+OK\r\n"
    c = RawConn(cardinal.port, timeout=30, rcvbuf=4096)
    c.send_raw(encode_command("GET", "big") * 50)
    for _ in range(50):
        assert c.read_reply() == b"$%d\r\n%s\r\n" % (len(value), value)
    c.close()
