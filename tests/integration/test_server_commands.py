"""Connection and server commands: AUTH/HELLO AUTH with requirepass, RESET, CLIENT *, LASTSAVE,
TIME, SHUTDOWN and SIGTERM, COMMAND, DEBUG, IPv6, environment overrides, CONFIG REWRITE, and the
propagation log (Cardinal only)."""
import os
import signal
import socket
import subprocess
import time

import pytest
import redis

from conftest import RawConn, wait_until, read_propagation_log


def test_auth_with_requirepass_identical(cardinal_factory, oracle_factory):
    script = [["GET", "k"], ["AUTH", "wrong"], ["AUTH", "default", "wrong"], ["AUTH", "secret"],
              ["SET", "k", "v"], ["GET", "k"], ["AUTH", "a", "b", "c"]]
    out = []
    for factory in (oracle_factory, cardinal_factory):
        srv = factory()
        with srv.raw() as admin:
            assert admin.call("CONFIG", "SET", "requirepass", "secret") == b"+OK\r\n"
        with srv.raw() as c:
            out.append([c.call(*cmd) for cmd in script])
    assert out[0] == out[1]
    assert out[1][0].startswith(b"-NOAUTH")
    assert out[1][3] == b"+OK\r\n"


def test_auth_without_password_identical(cardinal, oracle):
    replies = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            replies.append([c.call("AUTH", "x"), c.call("AUTH", "default", "x")])
    assert replies[0] == replies[1]


def test_hello_auth_and_setname(cardinal_factory):
    srv = cardinal_factory()
    with srv.raw() as admin:
        admin.call("CONFIG", "SET", "requirepass", "pw")
    with srv.raw() as c:
        assert c.call("HELLO", "3").startswith(b"-NOAUTH HELLO must be called")
        reply = c.call_parsed("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "me")
        assert reply.py()[b"proto"] == 3
        assert c.call("CLIENT", "GETNAME") == b"$2\r\nme\r\n"
        assert c.call("HELLO", "2", "AUTH", "default", "bad").startswith(b"-WRONGPASS")


def test_reset_identical(cardinal, oracle):
    script = [["SELECT", "3"], ["MULTI"], ["SET", "a", "1"], ["RESET"], ["EXEC"],
              ["CLIENT", "GETNAME"], ["SET", "in0", "x"], ["SELECT", "0"], ["GET", "in0"]]
    out = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            c.call("CLIENT", "SETNAME", "n")
            out.append([c.call(*cmd) for cmd in script])
    assert out[0] == out[1]
    assert out[1][3] == b"+RESET\r\n"


def test_client_commands(cardinal):
    r = cardinal.client()
    cid = r.client_id()
    assert cid > 0
    assert r.client_setname("worker-1")
    assert r.execute_command("CLIENT", "GETNAME") == b"worker-1"
    with pytest.raises(redis.ResponseError, match="cannot contain spaces"):
        r.execute_command("CLIENT", "SETNAME", "a b")
    listing = r.execute_command("CLIENT", "LIST")
    line = [l for l in listing.decode().splitlines() if f"id={cid} " in l][0]
    for field in ("addr=", "laddr=", "fd=", "name=worker-1", "age=", "idle=", "flags=", "db=0",
                  "cmd=client|list", "resp=2"):
        assert field in line
    info = r.execute_command("CLIENT", "INFO").decode()
    assert f"id={cid} " in info
    assert r.execute_command("CLIENT", "NO-EVICT", "on") == b"OK"
    assert r.execute_command("CLIENT", "LIST", "ID", str(cid)).decode().count("\n") == 1


def test_client_kill(cardinal):
    victim = RawConn(cardinal.port)
    victim_id = int(victim.call("CLIENT", "ID")[1:-2])
    r = cardinal.client()
    assert r.execute_command("CLIENT", "KILL", "ID", str(victim_id)) == 1
    assert victim.wait_closed(timeout=10) >= 0
    assert r.execute_command("CLIENT", "KILL", "ID", "999999") == 0
    with pytest.raises(redis.ResponseError, match="No such client"):
        r.execute_command("CLIENT", "KILL", "1.2.3.4:5")


def test_client_reply_off_skip(cardinal):
    with cardinal.raw() as c:
        c.send("CLIENT", "REPLY", "SKIP")
        c.send("SET", "skipped", "1")
        assert c.call("GET", "skipped") == b"$1\r\n1\r\n"
        c.send("CLIENT", "REPLY", "OFF")
        c.send("SET", "off", "2")
        c.send("GET", "off")
        assert c.call("CLIENT", "REPLY", "ON") == b"+OK\r\n"
        assert c.call("GET", "off") == b"$1\r\n2\r\n"


def test_time_and_lastsave(cardinal):
    r = cardinal.client()
    secs, micros = r.execute_command("TIME")
    assert abs(int(secs) - time.time()) < 5
    assert 0 <= int(micros) < 1_000_000
    with cardinal.raw() as c:
        reply = c.call("LASTSAVE")
    assert reply.startswith(b":") and int(reply[1:-2]) <= time.time() + 1


def test_command_introspection(cardinal, oracle):
    rc = cardinal.client()
    with cardinal.raw() as c, oracle.raw() as o:
        info_c = c.call_parsed("COMMAND", "INFO", "get", "mset", "nosuch").py()
        info_o = o.call_parsed("COMMAND", "INFO", "get", "mset", "nosuch").py()
    # name, arity, flags, first, last, step, acl categories match Redis for these commands
    for a, b in zip(info_c[:2], info_o[:2]):
        assert a[:7] == b[:7]
    assert info_c[2] is None
    with cardinal.raw() as c:
        count = c.call_parsed("COMMAND", "COUNT").py()
        assert count > 50
        assert c.call_parsed("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2").py() == [b"a", b"b"]
        assert c.call("COMMAND", "GETKEYS", "NOSUCH", "x").startswith(b"-ERR Invalid command specified")
        names = c.call_parsed("COMMAND", "LIST", "FILTERBY", "PATTERN", "get*").py()
        assert b"get" in names and b"getrange" in names and b"set" not in names
        docs = c.call_parsed("COMMAND", "DOCS", "get").py()
        assert b"get" in (docs if isinstance(docs, dict) else docs[::2])
        # Every command has docs (redis-cli reads them for its hints).
        all_docs = c.call_parsed("COMMAND", "DOCS").py()
        assert len(all_docs if isinstance(all_docs, dict) else all_docs[::2]) == count
        assert len(c.call_parsed("COMMAND").py()) == count


def test_debug_sleep(cardinal, target_is_redis):
    if target_is_redis:
        pytest.skip("redis-server 7.0 disables DEBUG by default (enable-debug-command no)")
    r = cardinal.client()
    assert r.execute_command("DEBUG", "SLEEP", "0") == b"OK"


def test_shutdown_exits_zero(cardinal_factory):
    srv = cardinal_factory()
    with srv.raw() as c:
        c.send("SHUTDOWN", "NOSAVE")
        c.wait_closed(timeout=10)
    assert srv.proc.wait(timeout=10) == 0


@pytest.mark.cardinal_only
def test_sigterm_exits_zero_and_logs(cardinal_factory, target_is_redis):
    if target_is_redis:
        pytest.skip("Cardinal log text")
    srv = cardinal_factory()
    os.kill(srv.pid, signal.SIGTERM)
    assert srv.proc.wait(timeout=10) == 0
    log = open(srv.log_path, "rb").read()
    assert b"Received SIGTERM scheduling shutdown" in log
    assert b"ready to exit, bye bye" in log


def test_ipv6_loopback(cardinal_factory):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError:
        pytest.skip("no IPv6 loopback")
    srv = cardinal_factory("--bind", "127.0.0.1", "::1")
    c = socket.create_connection(("::1", srv.port), timeout=10)
    c.sendall(b"PING\r\n")
    assert c.recv(100) == b"+PONG\r\n"
    c.close()


@pytest.mark.cardinal_only
def test_environment_overrides(cardinal_factory, target_is_redis, monkeypatch):
    if target_is_redis:
        pytest.skip("CARDINAL_* variables are Cardinal's")
    monkeypatch.setenv("CARDINAL_MAXCLIENTS", "77")
    monkeypatch.setenv("CARDINAL_HZ", "15")
    srv = cardinal_factory("--hz", "20")  # flags beat the environment
    r = srv.client()
    assert r.config_get("maxclients")["maxclients"] == "77"
    assert r.config_get("hz")["hz"] == "20"


@pytest.mark.cardinal_only
def test_config_file_and_rewrite(tmp_path, target_is_redis):
    if target_is_redis:
        pytest.skip("starts the Cardinal binary directly")
    from conftest import ServerProcess
    conf = tmp_path / "c.conf"
    conf.write_text("# my settings\nmaxclients 123\nhz 12\n")
    srv = ServerProcess("cardinal", [], threads=1)
    # The config file must come first on the command line, like redis-server.
    orig = srv.command_line
    srv.command_line = lambda port: [orig(port)[0], str(conf)] + orig(port)[1:]
    srv.start()
    try:
        r = srv.client()
        assert r.config_get("maxclients")["maxclients"] == "123"
        assert r.config_set("maxclients", "456")
        assert r.execute_command("CONFIG", "REWRITE") == b"OK"
        text = conf.read_text()
        assert "# my settings" in text and "maxclients 456" in text
    finally:
        srv.stop()


@pytest.mark.cardinal_only
def test_propagation_log(tmp_path, cardinal_factory, target_is_redis):
    """The propagation point emits effects: relative TTLs become absolute, INCRBYFLOAT becomes
    SET, expiry becomes DEL, MULTI/EXEC stays one batch."""
    if target_is_redis:
        pytest.skip("propagation-log-file is Cardinal's")
    path = tmp_path / "prop.resp"
    srv = cardinal_factory("--propagation-log-file", str(path))
    r = srv.client()
    before = int(time.time() * 1000)
    r.set("a", "1", ex=100)
    r.incrbyfloat("f", "1.5")
    r.expire("a", 50)
    r.get("nokey")  # reads propagate nothing
    r.set("gone", "x", px=1)
    time.sleep(0.05)
    assert r.get("gone") is None  # lazy expiry
    p = r.pipeline(transaction=True)
    p.execute_command("INCR", "c")
    p.execute_command("INCR", "c")
    p.execute()
    assert wait_until(lambda: path.exists() and b"EXEC" in path.read_bytes())
    cmds = read_propagation_log(path)
    assert cmds[0] == [b"SELECT", b"0"]
    assert cmds[1][:3] == [b"SET", b"a", b"1"] and cmds[1][3] == b"PXAT"
    assert int(cmds[1][4]) >= before + 99_000
    assert cmds[2] == [b"SET", b"f", b"1.5"]
    assert cmds[3][:2] == [b"PEXPIREAT", b"a"] and int(cmds[3][2]) >= before + 49_000
    assert cmds[4][:3] == [b"SET", b"gone", b"x"]
    assert cmds[5] == [b"DEL", b"gone"]
    assert cmds[6:] == [[b"MULTI"], [b"INCR", b"c"], [b"INCR", b"c"], [b"EXEC"]]


def test_client_list_shows_multi_state(cardinal):
    with cardinal.raw() as a:
        a_id = int(a.call("CLIENT", "ID")[1:-2])
        assert a.call("MULTI") == b"+OK\r\n"
        assert a.call("SET", "x", "1") == b"+QUEUED\r\n"
        listing = cardinal.client().execute_command("CLIENT", "LIST").decode()
        line = [l for l in listing.splitlines() if l.startswith(f"id={a_id} ")][0]
        assert " flags=x " in line and " multi=1 " in line
        a.call("DISCARD")


def test_slowlog_identical_shape(cardinal, oracle):
    """SLOWLOG GET/LEN/RESET: same entries as Redis except id, time, duration and address."""
    long_arg = "z" * 200
    many = ["DEL"] + [f"k{i}" for i in range(40)]
    out = []
    for srv in (oracle, cardinal):
        with srv.raw() as c:
            c.call("CLIENT", "SETNAME", "slowpoke")
            c.call("SLOWLOG", "RESET")
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
            c.call("SET", "k", long_arg)
            c.call(*many)
            entries = c.call_parsed("SLOWLOG", "GET", "3").py()
            length = c.call_parsed("SLOWLOG", "LEN").py()
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000")
            err = c.call("SLOWLOG", "GET", "-2")
            c.call("SLOWLOG", "RESET")
        out.append(([(e[3], e[5]) for e in entries], length, err))
        assert all(e[4].startswith(b"127.0.0.1:") for e in entries)
    assert out[0] == out[1]
    # The 40-key DEL keeps 31 arguments and a count of the rest; the long value is cut at 128.
    assert out[1][0][0][0][-1] == b"... (10 more arguments)"
    assert out[1][0][1][0][2] == b"z" * 128 + b"... (72 more bytes)"


def test_latency_views_empty(cardinal):
    with cardinal.raw() as c:
        assert c.call("LATENCY", "LATEST") == b"*0\r\n"
        assert c.call("LATENCY", "RESET") == b":0\r\n"
