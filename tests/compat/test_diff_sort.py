"""Differential check of SORT and SORT_RO against redis-server 7.0.15.

Each seed builds the same data on both servers — lists, an intset, a string set, listpack and
skiplist sorted sets, weight keys and hashes named after the elements — then sends generated
SORT / SORT_RO calls (BY with string and hash-field patterns, constant BY = no sorting, GET
with '#', string and hash patterns, LIMIT including negative and huge values, ASC/DESC, ALPHA,
STORE, bad syntax, wrong types) and compares the replies byte for byte in RESP2 and RESP3.
Stored results are compared with LRANGE, and OBJECT ENCODING of the sorted zsets too (SORT
converts a listpack zset, as Redis does).

Only orders Redis defines are generated: equal ALPHA BY weights are avoided (Redis leaves
their order to qsort), and "no sorting" of a hash-ordered set is only used with STORE (which
Redis then sorts).
"""

from __future__ import annotations

import os
import random
from typing import List

import pytest

from conftest import parse_reply
from test_differential import DiffRunner, Step, ENV_SEED

SEEDS = [1, 2, 3, 17, 99]
STEPS = int(os.environ.get("DIFF_SORT_STEPS", "600"))

NUMERIC = [b"3", b"1", b"2", b"10", b"-5", b"0", b"1.5", b"-0.25", b"1e3", b"007", b" 4",
           b"0x1A", b"inf", b"-inf", b"2"]
BAD_NUMERIC = [b"abc", b"5 ", b"1e400", b"nan", b"1,5"]
WORDS = [b"pear", b"apple", b"Banana", b"cherry", b"apple2", b"", b"z", b"\xc3\xa9t\xc3\xa9"]


def setup_commands(rng: random.Random) -> List[List[bytes]]:
    nums = rng.sample(NUMERIC, 10)
    words = rng.sample(WORDS, 6)
    elems = list(dict.fromkeys(nums + words))
    cmds = [
        [b"RPUSH", b"numlist"] + nums,
        [b"RPUSH", b"wordlist"] + words,
        [b"RPUSH", b"mixlist"] + rng.sample(nums + words, 8),
        [b"RPUSH", b"badlist"] + nums[:4] + [rng.choice(BAD_NUMERIC)],
        [b"SADD", b"intset"] + [str(rng.randrange(-50, 50)).encode() for _ in range(12)],
        [b"SADD", b"strset"] + words,
        [b"ZADD", b"zsmall"] + [x for i, e in enumerate(words) for x in (str(i % 3).encode(), e)],
        [b"SET", b"str", b"x"],
        [b"HSET", b"hash", b"f", b"v"],
    ]
    big = [b"ZADD", b"zbig"]
    for i in range(200):
        big += [str(rng.randrange(0, 50)).encode(), b"m%d" % i]
    cmds.append(big)
    # Unique weights so that every generated order is total, also under ALPHA.
    weights = rng.sample(range(1000), len(elems) + 220)
    for i, e in enumerate(elems + [str(v).encode() for v in range(-50, 50)] +
                          [b"m%d" % j for j in range(200)]):
        w = str(weights[i % len(weights)] - 500).encode()
        cmds.append([b"SET", b"w_" + e, w])
        if rng.random() < 0.7:
            cmds.append([b"HSET", b"h_" + e, b"f", w, b"g", e + b"!"])
    return cmds


class SortGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def sequence(self, n: int) -> List[Step]:
        return [Step(self.one()) for _ in range(n)]

    def one(self) -> List[bytes]:
        r = self.rng
        name = r.choice([b"SORT", b"SORT", b"SORT", b"sort_ro"])
        key = r.choice([b"numlist", b"wordlist", b"mixlist", b"badlist", b"intset", b"strset",
                        b"zsmall", b"zbig", b"missing", b"str", b"hash"])
        numeric_ok = key in (b"numlist", b"intset", b"zbig", b"missing")
        cmd = [name, key]
        alpha = not numeric_ok or r.random() < 0.4
        by = None
        # Stored results ("str", "dst" after STORE) hold GET values that have no w_ key: under
        # ALPHA their weights tie, and Redis leaves the order of ties to qsort.
        if r.random() < 0.5 and not (alpha and key in (b"str", b"dst")):
            if alpha:
                by = r.choice([b"w_*", b"nosort"])  # every element has a w_ key: a total order
            else:
                by = r.choice([b"w_*", b"h_*->f", b"missing_*", b"nosort", b"h_*->nofield"])
            if by == b"nosort" and key == b"strset":
                by = None  # hash order: only defined with STORE, generated below
        if by is not None:
            cmd += [b"BY", by]
        if alpha:
            cmd.append(r.choice([b"ALPHA", b"alpha"]))
        if r.random() < 0.5:
            cmd.append(r.choice([b"ASC", b"DESC", b"desc"]))
        if r.random() < 0.4:
            cmd += [b"LIMIT", r.choice([b"0", b"1", b"2", b"-1", b"5", b"100", b"x"]),
                    r.choice([b"1", b"3", b"-1", b"0", b"10", b"9223372036854775807"])]
        for _ in range(r.choice([0, 0, 1, 2])):
            cmd += [b"GET", r.choice([b"#", b"w_*", b"h_*->g", b"h_*->f", b"nostar", b"missing_*",
                                     b"h_*->"])]
        if name == b"SORT" and r.random() < 0.25:
            cmd += [b"STORE", r.choice([b"dst", b"dst", b"str"])]
            if key == b"strset" and r.random() < 0.5 and by is None and not alpha:
                cmd[2:2] = [b"BY", b"nosort"]
        elif name == b"sort_ro" and r.random() < 0.05:
            cmd += [b"STORE", b"dst"]  # syntax error for SORT_RO
        if r.random() < 0.03:
            cmd.append(b"BOGUS")
        return cmd


class SortDiffRunner(DiffRunner):
    def run(self, steps: List[Step]):
        for idx, st in enumerate(steps):
            ra, rb = self.a.call(*st.cmd), self.c.call(*st.cmd)
            self.history.append("    [%d] %s" % (idx, b" ".join(st.cmd)[:120]))
            if ra != rb:
                self.fail(idx, st.cmd, ra, rb)
            if b"STORE" in st.cmd and not ra.startswith(b"-"):
                la, lc = (c.call("LRANGE", "dst", 0, -1) for c in (self.a, self.c))
                if la != lc:
                    self.fail(idx, [b"LRANGE", b"dst"], la, lc, "stored list")
        for key in (b"zsmall", b"zbig", b"dst"):
            ea, ec = (c.call("OBJECT", "ENCODING", key) for c in (self.a, self.c))
            if ea != ec:
                self.fail(-1, [b"OBJECT", b"ENCODING", key], ea, ec, "encoding")


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed{s}") for s in SEEDS] +
                         [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")])
def test_diff_sort(oracle, cardinal, seed, proto):
    rng = random.Random(seed)
    runner = SortDiffRunner(oracle.port, cardinal.port, proto, seed)
    try:
        runner.setup()
        for cmd in setup_commands(rng):
            ra, rb = runner.a.call(*cmd), runner.c.call(*cmd)
            assert ra == rb, (cmd, ra, rb)
        runner.run(SortGenerator(seed).sequence(STEPS))
    finally:
        runner.close()


def test_sort_arity_and_command_info(oracle, cardinal):
    for srv_a, srv_b in [(oracle, cardinal)]:
        with srv_a.raw() as a, srv_b.raw() as b:
            for cmd in ([b"SORT"], [b"SORT_RO"]):
                assert a.call(*cmd) == b.call(*cmd)
            for name in (b"sort", b"sort_ro"):
                ia = parse_reply(a.call("COMMAND", "INFO", name)).value[0].value
                ib = parse_reply(b.call("COMMAND", "INFO", name)).value[0].value
                assert [n.value for n in ia[:2]] == [n.value for n in ib[:2]]
                assert [n.value for n in ia[3:6]] == [n.value for n in ib[3:6]]
