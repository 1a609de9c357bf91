"""The stock redis-cli talking to the server under test."""

import subprocess

from conftest import REDIS_CLI_BINARY, parse_info

CLI_TIMEOUT = 30


def cli(srv, *args, stdin=None):
    cmd = [REDIS_CLI_BINARY, "-h", "127.0.0.1", "-p", str(srv.port)] + [str(a) for a in args]
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=CLI_TIMEOUT)
    assert p.returncode == 0, (cmd, p.returncode, p.stderr)
    return p.stdout


def test_ping(cardinal):
    assert cli(cardinal, "PING") == b"PONG\n"
    assert cli(cardinal, "PING", "hello") == b"hello\n"


def test_set_get(cardinal):
    assert cli(cardinal, "SET", "clikey", "some value") == b"OK\n"
    assert cli(cardinal, "GET", "clikey") == b"some value\n"
    assert cli(cardinal, "--no-raw", "GET", "clikey") == b'"some value"\n'
    assert cli(cardinal, "--no-raw", "GET", "missing") == b"(nil)\n"
    assert cli(cardinal, "--no-raw", "INCR", "n") == b"(integer) 1\n"
    assert cli(cardinal, "--no-raw", "SET", "k", "v", "BADOPT") == b"(error) ERR syntax error\n"
    assert cli(cardinal, "--no-raw", "MGET", "clikey", "missing") == b'1) "some value"\n2) (nil)\n'


def test_binary_value_escaped(cardinal):
    r = cardinal.client()
    r.set(b"b", b"a\x00\r\n\xff")
    assert cli(cardinal, "--no-raw", "GET", "b") == b'"a\\x00\\r\\n\\xff"\n'


def test_commands_from_stdin(cardinal):
    out = cli(cardinal, stdin=b"SET s1 v1\nINCR c\nINCR c\nGET s1\n")
    assert out.split(b"\n")[:4] == [b"OK", b"1", b"2", b"v1"]


def test_pipe_mode(cardinal):
    n = 5000
    payload = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\npk%d\r\n$1\r\nx\r\n" % (len(b"pk%d" % i), i) for i in range(n))
    out = cli(cardinal, "--pipe", stdin=payload)
    assert b"errors: 0, replies: %d" % n in out, out
    assert cardinal.client().dbsize() == n


def test_info_parse(cardinal):
    cardinal.client().get(b"x")
    out = cli(cardinal, "INFO")
    info = parse_info(out)["_all"]
    for field in ("redis_version", "connected_clients", "keyspace_hits", "keyspace_misses", "tcp_port"):
        assert field in info, field
    assert int(info["connected_clients"]) >= 1
    assert info["tcp_port"] == str(cardinal.port)
    assert int(info["keyspace_misses"]) >= 1


def test_info_section_via_cli(cardinal):
    out = cli(cardinal, "INFO", "server")
    assert out.startswith(b"# Server")
    assert b"redis_version:" in out


def test_dbsize_and_scan(cardinal):
    r = cardinal.client()
    r.mset({b"sc:%d" % i: b"v" for i in range(300)})
    assert cli(cardinal, "DBSIZE") == b"300\n"
    out = cli(cardinal, "--scan", "--pattern", "sc:*")
    assert sorted(out.split()) == sorted(b"sc:%d" % i for i in range(300))


def test_cli_with_resp3(cardinal):
    out = cli(cardinal, "-3", "--no-raw", "GET", "missing")
    assert out == b"(nil)\n"
