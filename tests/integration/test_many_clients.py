"""Many concurrent clients (threads, one connection each): distinct and shared keys,
exact totals."""

import threading

from conftest import RawConn

THREADS = 50
OPS = 200
JOIN_TIMEOUT = 120  # seconds, bounded


def _run_threads(target):
    errors = []
    start = threading.Barrier(THREADS, timeout=60)

    def wrapper(i):
        try:
            start.wait()
            target(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=wrapper, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, f"threads still running after {JOIN_TIMEOUT}s: {len(alive)}"
    assert not errors, errors[:5]


def test_distinct_keys_and_shared_counters(cardinal):
    def work(i):
        r = cardinal.client()
        for j in range(OPS):
            key = b"t%d:k%d" % (i, j)
            val = b"v%d-%d" % (i, j)
            op = j % 5
            if op == 0:
                assert r.set(key, val) is True
                assert r.get(key) == val
            elif op == 1:
                r.incr(b"shared:ctr")
            elif op == 2:
                r.incrby(b"shared:by", 3)
                r.incr(b"t%d:own" % i)
            elif op == 3:
                r.append(b"t%d:log" % i, b"x")
                r.decr(b"shared:down")
            else:
                r.mset({b"t%d:m1" % i: val, b"t%d:m2" % i: val})
                assert r.mget(b"t%d:m1" % i, b"t%d:m2" % i) == [val, val]
        r.close()

    _run_threads(work)
    r = cardinal.client()
    per_op = OPS // 5
    assert int(r.get(b"shared:ctr")) == THREADS * per_op
    assert int(r.get(b"shared:by")) == THREADS * per_op * 3
    assert int(r.get(b"shared:down")) == -THREADS * per_op
    for i in range(THREADS):
        assert int(r.get(b"t%d:own" % i)) == per_op
        assert r.strlen(b"t%d:log" % i) == per_op
    assert r.dbsize() == THREADS * (per_op + 4) + 3  # per_op SET keys + own, log, m1, m2


def test_shared_incr_exact_raw_pipelined(cardinal):
    """Each thread pipelines its INCRs; the final total must be exact."""
    def work(i):
        with RawConn(cardinal.port, timeout=60) as c:
            c.send_raw(b"*2\r\n$4\r\nINCR\r\n$3\r\nhot\r\n" * OPS)
            for _ in range(OPS):
                rep = c.read_reply()
                assert rep.startswith(b":"), rep

    _run_threads(work)
    with RawConn(cardinal.port) as c:
        assert c.call("GET", "hot") == b"$%d\r\n%d\r\n" % (len(str(THREADS * OPS)), THREADS * OPS)


def test_concurrent_transactions_are_atomic(cardinal):
    """MULTI/EXEC blocks from many clients don't interleave: the two keys move together."""
    def work(i):
        r = cardinal.client()
        for _ in range(OPS // 10):
            with r.pipeline(transaction=True) as p:
                p.incr(b"tx:a")
                p.incr(b"tx:b")
                a, b = p.execute()
            assert a == b, (a, b)
        r.close()

    _run_threads(work)
    r = cardinal.client()
    assert int(r.get(b"tx:a")) == int(r.get(b"tx:b")) == THREADS * (OPS // 10)


def test_watch_retry_loop_counts_exactly(cardinal):
    """Optimistic-locking increments with WATCH from many clients: no lost updates."""
    per_thread = 10
    max_retries = 10_000

    def work(i):
        r = cardinal.client()
        done = 0
        for _ in range(max_retries):
            if done == per_thread:
                break
            with r.pipeline(transaction=True) as p:
                try:
                    p.watch(b"opt")
                    cur = int(p.get(b"opt") or 0)
                    p.multi()
                    p.set(b"opt", cur + 1)
                    p.execute()
                    done += 1
                except Exception as e:  # WatchError -> retry
                    if type(e).__name__ != "WatchError":
                        raise
        assert done == per_thread, f"thread {i} gave up after {max_retries} retries"
        r.close()

    _run_threads(work)
    assert int(cardinal.client().get(b"opt")) == THREADS * per_thread
