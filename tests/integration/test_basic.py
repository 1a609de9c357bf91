"""Basic behaviour through redis-py and raw sockets: PING/ECHO, binary-safe
SET/GET, large pipelines, inline commands, byte-by-byte delivery."""

import socket

import pytest

from conftest import ConnectionClosed, encode_command

ALL_BYTES = bytes(range(256))


def test_ping_echo(cardinal):
    r = cardinal.client()
    assert r.ping() is True
    with cardinal.raw() as c:
        assert c.call("PING") == b"+PONG\r\n"
        assert c.call("PING", "hello") == b"$5\r\nhello\r\n"
    assert r.echo(b"\x00\r\nabc") == b"\x00\r\nabc"
    assert r.echo(b"") == b""


@pytest.mark.parametrize("value", [b"", b"v", ALL_BYTES, b"\r\n" * 1000, b"\x00" * 70000,
                                   ALL_BYTES * 4096], ids=["empty", "1", "allbytes", "crlf", "nul70k", "1mb"])
def test_set_get_binary_safe(cardinal, value):
    r = cardinal.client()
    key = b"bin\x00\r\nkey" + value[:10]
    assert r.set(key, value) is True
    assert r.get(key) == value
    assert r.strlen(key) == len(value)
    assert r.get(b"missing\x00") is None


def test_binary_keys_listing(cardinal):
    r = cardinal.client()
    keys = [b"", b"\x00", b"a\r\nb", b"\xff\xfe", b" "]
    for i, k in enumerate(keys):
        r.set(k, i)
    assert sorted(r.keys(b"*")) == sorted(keys)
    for i, k in enumerate(keys):
        assert r.get(k) == str(i).encode()


def test_pipeline_10k_in_one_write(cardinal):
    n = 10_000
    buf = bytearray()
    for i in range(n):
        if i % 2 == 0:
            buf += encode_command("SET", f"pipe:{i}", f"value-{i}")
        else:
            buf += encode_command("GET", f"pipe:{i - 1}")
    with cardinal.raw(timeout=30) as c:
        c.send_raw(bytes(buf))  # a single sendall of ~400 kB
        for i in range(n):
            rep = c.read_reply()
            if i % 2 == 0:
                assert rep == b"+OK\r\n", (i, rep)
            else:
                v = f"value-{i - 1}".encode()
                assert rep == b"$%d\r\n%s\r\n" % (len(v), v), (i, rep)
        assert c.call("DBSIZE") == b":%d\r\n" % (n // 2)


def test_redis_py_pipeline_10k(cardinal):
    r = cardinal.client()
    p = r.pipeline(transaction=False)
    for i in range(10_000):
        p.incr(b"ctr")
    res = p.execute()
    assert res == list(range(1, 10_001))
    assert r.get(b"ctr") == b"10000"


def test_inline_commands(cardinal):
    with cardinal.raw() as c:
        c.send_raw(b"PING\r\n")
        assert c.read_reply() == b"+PONG\r\n"
        c.send_raw(b"SET a b\n")                 # LF only, like `nc` would send
        assert c.read_reply() == b"+OK\r\n"
        c.send_raw(b"GET a\r\n")
        assert c.read_reply() == b"$1\r\nb\r\n"
        c.send_raw(b"set   spaced    value  \r\n")  # runs of spaces
        assert c.read_reply() == b"+OK\r\n"
        assert c.call("GET", "spaced") == b"$5\r\nvalue\r\n"
        c.send_raw(b'SET "x y" \'z w\'\r\n')          # quoting
        assert c.read_reply() == b"+OK\r\n"
        assert c.call("GET", "x y") == b"$3\r\nz w\r\n"
        c.send_raw(b'SET q "\\x41\\n"\r\n')          # escapes in double quotes
        assert c.read_reply() == b"+OK\r\n"
        assert c.call("GET", "q") == b"$2\r\nA\n\r\n"
        c.send_raw(b"\r\n\r\nPING\r\n")              # empty lines produce no reply
        assert c.read_reply() == b"+PONG\r\n"
        c.send_raw(b"ECHO hi\r\n*1\r\n$4\r\nPING\r\nPING\n")  # inline + multibulk mixed
        assert c.read_replies(3) == [b"$2\r\nhi\r\n", b"+PONG\r\n", b"+PONG\r\n"]
        c.send_raw(b"NOSUCHCMD x\r\n")
        assert c.read_reply().startswith(b"-ERR unknown command 'NOSUCHCMD'")


def test_inline_compat_with_redis(cardinal, oracle):
    """Same inline inputs -> byte-identical replies, including the protocol error."""
    inputs = [b"PING\r\n", b"PING  hello\r\n", b"ECHO \"a\\tb\"\r\n", b"GET\r\n", b"  \r\n\r\nPING\r\n",
              b"SET k v EX\r\n", b"ECHO 'it''s'\r\n", b"ECHO \"unbalanced\r\n"]
    for data in inputs:
        got = []
        for srv in (oracle, cardinal):
            with srv.raw(timeout=5) as c:
                c.send_raw(data + encode_command("QUIT"))
                out = []
                for _ in range(10):  # bounded: read until QUIT's +OK or close
                    try:
                        rep = c.read_reply()
                    except (ConnectionClosed, socket.timeout):
                        out.append(b"<closed>")
                        break
                    out.append(rep)
                    if rep == b"+OK\r\n":
                        break
                got.append(out)
        assert got[0] == got[1], f"{data!r}: redis={got[0]!r} target={got[1]!r}"


def test_multibulk_byte_by_byte(cardinal):
    payload = encode_command("SET", "slow", ALL_BYTES) + encode_command("GET", "slow") + b"PING\r\n"
    with cardinal.raw() as c:
        for i in range(len(payload)):
            c.send_raw(payload[i:i + 1])
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$256\r\n" + ALL_BYTES + b"\r\n"
        assert c.read_reply() == b"+PONG\r\n"


def test_large_argument_split_writes(cardinal):
    value = ALL_BYTES * 20_000  # ~5 MB
    cmd = encode_command("SET", "big", value)
    with cardinal.raw(timeout=30) as c:
        for off in range(0, len(cmd), 65_536):
            c.send_raw(cmd[off:off + 65_536])
        assert c.read_reply() == b"+OK\r\n"
        assert c.call("STRLEN", "big") == b":%d\r\n" % len(value)
        assert c.call("GET", "big") == b"$%d\r\n%s\r\n" % (len(value), value)


def test_many_connections_open_close(cardinal):
    for i in range(200):
        with cardinal.raw(timeout=5) as c:
            assert c.call("INCR", "conns") == b":%d\r\n" % (i + 1)


def test_quit_closes(cardinal):
    with cardinal.raw(timeout=5) as c:
        assert c.call("QUIT") == b"+OK\r\n"
        c.wait_closed(timeout=10)
