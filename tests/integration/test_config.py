"""CONFIG GET / SET / RESETSTAT.  CONFIG SET runs on fresh factory servers."""

import pytest

from conftest import parse_reply

# parameters that clients, tools and our own tests rely on
REQUIRED_PARAMS = [
    b"port", b"bind", b"dir", b"save", b"appendonly", b"databases", b"maxclients", b"maxmemory",
    b"maxmemory-policy", b"timeout", b"proto-max-bulk-len", b"client-query-buffer-limit",
    b"client-output-buffer-limit", b"hz", b"tcp-keepalive", b"loglevel",
]


def test_config_get_star_returns_pairs(cardinal):
    node = parse_reply(cardinal.raw().call("CONFIG", "GET", "*"))
    assert node.type == "array"
    items = [x.value for x in node.value]
    assert len(items) % 2 == 0 and items
    names = items[0::2]
    assert len(names) == len(set(names)), "duplicate parameter names"
    cfg = dict(zip(names, items[1::2]))
    for p in REQUIRED_PARAMS:
        assert p in cfg, p
    assert cfg[b"port"] == str(cardinal.port).encode()
    assert cfg[b"bind"].split()[0] == b"127.0.0.1"
    assert cfg[b"appendonly"] == b"no"
    assert cfg[b"save"] == b""
    assert cfg[b"databases"] == b"16"


def test_config_get_star_map_in_resp3(cardinal):
    with cardinal.raw() as c:
        c.hello(3)
        node = parse_reply(c.call("CONFIG", "GET", "*"))
        assert node.type == "map" and len(node.value) > len(REQUIRED_PARAMS)


def test_config_get_patterns(cardinal, oracle):
    for pattern in ("maxmemory", "max*", "*-max-*len", "nosuch", "timeout"):
        a = parse_reply(oracle.raw().call("CONFIG", "GET", pattern)).py()
        c = parse_reply(cardinal.raw().call("CONFIG", "GET", pattern)).py()
        if pattern in ("nosuch", "maxmemory", "timeout"):
            assert a == c, pattern
        else:  # the target may know more or fewer params; those it reports must match the pattern
            names = c[0::2]
            assert names, pattern
    c = parse_reply(cardinal.raw().call("CONFIG", "GET", "maxmemory", "timeout", "databases")).py()
    assert dict(zip(c[0::2], c[1::2])) == {b"maxmemory": b"0", b"timeout": b"0", b"databases": b"16"}


def test_config_set_several_pairs(cardinal_factory):
    srv = cardinal_factory()
    with srv.raw() as c:
        assert c.call("CONFIG", "SET", "maxmemory", "100mb", "timeout", "300",
                      "maxmemory-policy", "allkeys-lru") == b"+OK\r\n"
        got = parse_reply(c.call("CONFIG", "GET", "maxmemory", "timeout", "maxmemory-policy")).py()
        assert dict(zip(got[0::2], got[1::2])) == {b"maxmemory": b"104857600", b"timeout": b"300",
                                                    b"maxmemory-policy": b"allkeys-lru"}
        assert c.call("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"
        assert c.call("CONFIG", "SET", "maxmemory-policy", "noeviction") == b"+OK\r\n"
        # a failing multi-pair SET changes nothing
        r = c.call("CONFIG", "SET", "timeout", "5", "maxmemory", "notanumber")
        assert r.startswith(b"-ERR")
        assert c.call("CONFIG", "GET", "timeout") == b"*2\r\n$7\r\ntimeout\r\n$3\r\n300\r\n"
        info = parse_reply(c.call("INFO", "memory")).value
        assert b"maxmemory:0\r\n" in info and b"maxmemory_policy:noeviction\r\n" in info


@pytest.mark.parametrize("args", [
    ["CONFIG", "SET", "nosuchparam", "1"],
    ["CONFIG", "SET", "maxmemory", "1gb", "nosuch", "1"],
    ["CONFIG", "SET", "maxmemory", "abc"],
    ["CONFIG", "SET", "timeout", "5", "timeout", "6"],
    ["CONFIG", "SET", "maxmemory"],
    ["CONFIG", "SET", "maxmemory-policy", "foo"],
    ["CONFIG", "SET", "daemonize", "yes"],
    ["CONFIG", "SET", "hz", "abc"],
    ["CONFIG", "SET", "appendonly", "maybe"],
    ["CONFIG", "FOO"],
    ["CONFIG"],
    ["CONFIG", "GET"],
], ids=lambda a: "_".join(a[1:3]) + str(len(a)))
def test_config_errors_identical(cardinal_factory, oracle_factory, args):
    rc = cardinal_factory().raw().call(*args)
    ro = oracle_factory().raw().call(*args)
    assert rc == ro, (args, rc, ro)
    assert rc.startswith(b"-ERR")


def test_unknown_param_error_text(cardinal):
    assert cardinal.raw().call("CONFIG", "SET", "nosuchparam", "1") == \
        b"-ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparam'\r\n"


def test_config_set_case_insensitive_and_get_echoes_case(cardinal_factory, oracle_factory):
    replies = []
    for start in (oracle_factory, cardinal_factory):
        with start().raw() as c:
            replies.append([c.call("CONFIG", "SET", "MaxMemory", "2mb"), c.call("CONFIG", "GET", "MAXMEMORY")])
    assert replies[0] == replies[1]


def test_config_resetstat(cardinal):
    with cardinal.raw() as c:
        c.call("GET", "nokey")
        assert c.call("CONFIG", "RESETSTAT") == b"+OK\r\n"
        info = parse_reply(c.call("INFO", "stats")).value
        assert b"keyspace_misses:0\r\n" in info
