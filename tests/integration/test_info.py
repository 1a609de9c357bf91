"""INFO sections and the fields that monitoring tools parse."""

import re
import time

import pytest

from conftest import parse_info, parse_reply, wait_until

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Errorstats", "Cluster", "Keyspace"]

FIELDS = {
    "Server": ["redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port",
               "uptime_in_seconds"],
    "Clients": ["connected_clients", "blocked_clients"],
    "Memory": ["used_memory", "used_memory_rss", "maxmemory", "maxmemory_policy"],
    "Persistence": ["loading", "rdb_changes_since_last_save", "aof_enabled"],
    "Stats": ["total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
              "keyspace_hits", "keyspace_misses", "expired_keys", "evicted_keys"],
    "Replication": ["role", "connected_slaves", "master_replid"],
    "CPU": ["used_cpu_sys", "used_cpu_user"],
}

INT_FIELDS = ["arch_bits", "process_id", "tcp_port", "uptime_in_seconds", "connected_clients",
              "blocked_clients", "used_memory", "used_memory_rss", "maxmemory", "loading",
              "rdb_changes_since_last_save", "aof_enabled", "total_connections_received",
              "total_commands_processed", "instantaneous_ops_per_sec", "keyspace_hits",
              "keyspace_misses", "expired_keys", "evicted_keys", "connected_slaves"]


def info(srv, *section) -> dict:
    with srv.raw() as c:
        node = parse_reply(c.call("INFO", *section))
    assert node.type in ("bulk", "verbatim"), node
    return parse_info(node.value)


def section_names(srv, *section):
    return [k for k in info(srv, *section) if k != "_all"]


def test_default_sections(cardinal, oracle):
    names = section_names(cardinal)
    for s in DEFAULT_SECTIONS:
        assert s in names, (s, names)
    assert "Commandstats" not in names  # not in the default set
    assert set(section_names(oracle)) <= set(names)


def test_all_and_everything_sections(cardinal):
    for arg in ("all", "everything"):
        names = section_names(cardinal, arg)
        for s in DEFAULT_SECTIONS + ["Commandstats"]:
            assert s in names, (arg, s)


def test_single_section(cardinal):
    res = info(cardinal, "server")
    assert [k for k in res if k != "_all"] == ["Server"]
    res = info(cardinal, "keyspace")
    assert [k for k in res if k != "_all"] == ["Keyspace"]
    res = info(cardinal, "nosuchsection")
    assert [k for k in res if k != "_all"] == []


def test_multiple_sections(cardinal):
    res = info(cardinal, "server", "clients")
    assert [k for k in res if k != "_all"] == ["Server", "Clients"]


def test_required_fields(cardinal):
    sections = info(cardinal)
    for sec, fields in FIELDS.items():
        for f in fields:
            assert f in sections[sec], (sec, f)
    flat = sections["_all"]
    for f in INT_FIELDS:
        assert re.fullmatch(r"-?\d+", flat[f]), (f, flat[f])
    float(flat["used_cpu_sys"]), float(flat["used_cpu_user"])
    assert re.fullmatch(r"[0-9a-f]{40}", flat["run_id"]), flat["run_id"]
    assert re.fullmatch(r"[0-9a-f]{40}", flat["master_replid"]), flat["master_replid"]
    assert flat["role"] == "master"
    assert flat["redis_mode"] == "standalone"
    assert flat["arch_bits"] == "64"
    assert flat["os"].startswith("Linux")
    assert int(flat["process_id"]) == cardinal.pid
    assert int(flat["tcp_port"]) == cardinal.port
    assert flat["loading"] == "0"
    assert flat["aof_enabled"] == "0"
    assert flat["maxmemory_policy"] == "noeviction"
    assert int(flat["used_memory"]) > 0 and int(flat["used_memory_rss"]) > 0
    assert re.fullmatch(r"\d+\.\d+\.\d+", flat["redis_version"])


def test_run_id_stable_within_process(cardinal):
    assert info(cardinal)["_all"]["run_id"] == info(cardinal)["_all"]["run_id"]


def test_counters_move(cardinal):
    r = cardinal.client()
    r.config_resetstat()
    before = info(cardinal, "stats")["_all"]
    r.set(b"h", b"1")
    r.get(b"h")
    r.get(b"h")
    r.get(b"miss")
    r.exists(b"h")
    after = info(cardinal, "stats")["_all"]
    assert int(after["keyspace_hits"]) - int(before["keyspace_hits"]) >= 2
    assert int(after["keyspace_misses"]) - int(before["keyspace_misses"]) >= 1
    assert int(after["total_commands_processed"]) - int(before["total_commands_processed"]) >= 5
    assert int(after["total_connections_received"]) >= 1


def test_connected_clients_counts(cardinal_factory):
    cardinal = cardinal_factory()  # fresh server: no lingering clients from other tests
    base = int(info(cardinal)["_all"]["connected_clients"])
    conns = [cardinal.raw() for _ in range(5)]
    for c in conns:
        c.call("PING")
    # info() opens one more connection of its own
    assert int(info(cardinal)["_all"]["connected_clients"]) == base + 5
    for c in conns:
        c.close()
    assert wait_until(lambda: int(info(cardinal)["_all"]["connected_clients"]) == base, timeout=10)


def test_expired_keys_counter(cardinal):
    r = cardinal.client()
    r.config_resetstat()
    r.set(b"e1", b"v", px=50)
    r.set(b"e2", b"v", px=50)
    time.sleep(0.2)
    assert r.get(b"e1") is None
    assert r.exists(b"e2") == 0
    assert int(info(cardinal, "stats")["_all"]["expired_keys"]) >= 2


def test_rdb_changes_since_last_save(cardinal):
    r = cardinal.client()
    before = int(info(cardinal)["_all"]["rdb_changes_since_last_save"])
    r.set(b"c1", b"v")
    r.incr(b"c2")
    assert int(info(cardinal)["_all"]["rdb_changes_since_last_save"]) >= before + 2


def test_keyspace_lines(cardinal):
    r = cardinal.client()
    r.set(b"a", b"1")
    r.set(b"b", b"1", ex=1000)
    with cardinal.raw() as c:
        c.call("SELECT", "3")
        c.call("SET", "x", "1")
    ks = info(cardinal, "keyspace")["Keyspace"]
    assert re.fullmatch(r"keys=2,expires=1,avg_ttl=\d+", ks["db0"]), ks
    assert re.fullmatch(r"keys=1,expires=0,avg_ttl=0", ks["db3"]), ks
    assert "db1" not in ks  # empty databases are not listed


def test_commandstats_and_errorstats(cardinal):
    r = cardinal.client()
    r.config_resetstat()
    r.set(b"s", b"abc")
    r.get(b"s")
    with cardinal.raw() as c:
        assert c.call("INCR", "s").startswith(b"-ERR")
        assert c.call("NOSUCHCOMMAND").startswith(b"-ERR")
        assert c.call("GET").startswith(b"-ERR")
    stats = info(cardinal, "commandstats")["Commandstats"]
    assert re.fullmatch(r"calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0",
                        stats["cmdstat_set"]), stats["cmdstat_set"]
    assert stats["cmdstat_get"].startswith("calls=1,")
    assert "rejected_calls=1" in stats["cmdstat_get"]      # the bad-arity GET
    assert "failed_calls=1" in stats["cmdstat_incr"]
    errs = info(cardinal, "errorstats")["Errorstats"]
    assert re.fullmatch(r"count=\d+", errs["errorstat_ERR"]), errs
    assert int(errs["errorstat_ERR"].split("=")[1]) >= 3
    assert "total_error_replies" in info(cardinal, "stats")["_all"]


def test_cmdstat_field_shape_matches_redis(cardinal, oracle):
    for srv in (cardinal, oracle):
        srv.client().config_resetstat()
        srv.client().set(b"k", b"v")
    a = info(oracle, "commandstats")["Commandstats"]["cmdstat_set"]
    c = info(cardinal, "commandstats")["Commandstats"]["cmdstat_set"]
    assert [kv.split("=")[0] for kv in a.split(",")] == [kv.split("=")[0] for kv in c.split(",")]


@pytest.mark.cardinal_only
def test_cardinal_identity_fields(cardinal):
    flat = info(cardinal, "server")["_all"]
    assert flat.get("server_name") == "cardinal", flat
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", flat.get("cardinal_version", "")), flat
