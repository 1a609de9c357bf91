"""Active expiry: keys with a TTL disappear without being touched, and expired keys are counted;
lazy expiry on access. No timing thresholds: waits are bounded polls."""
import time

from conftest import parse_info, wait_until


def _dbsize(r):
    return r.dbsize()


def test_active_expiry_removes_untouched_keys(cardinal_factory):
    # A fresh server: the shared one may carry settings from other tests (e.g. maxmemory).
    r = cardinal_factory().client()
    p = r.pipeline(transaction=False)
    # Long enough that a loaded machine still finishes the pipeline before the first expiry.
    for i in range(20000):
        p.set(f"vol:{i}", "x", px=2000)
    for i in range(1000):
        p.set(f"keep:{i}", "y")
    p.execute()
    assert _dbsize(r) == 21000
    # Nobody reads the volatile keys; the active cycle must collect them.
    assert wait_until(lambda: _dbsize(r) == 1000, timeout=30, interval=0.2), _dbsize(r)
    info = r.info("stats")
    assert info["expired_keys"] >= 20000
    assert r.get("keep:5") == b"y"


def test_lazy_expiry_on_access(cardinal):
    r = cardinal.client()
    r.set("lazy", "v", px=30)
    time.sleep(0.1)
    assert r.get("lazy") is None
    assert r.exists("lazy") == 0
    assert r.ttl("lazy") == -2


def test_expire_keeps_non_volatile(cardinal):
    r = cardinal.client()
    r.set("a", "1")
    r.set("b", "2", ex=1000)
    assert r.persist("b")
    assert r.ttl("a") == -1 and r.ttl("b") == -1
    info = r.info("keyspace")
    assert info["db0"]["keys"] == 2 and info["db0"]["expires"] == 0
