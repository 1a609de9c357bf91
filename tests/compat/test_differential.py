"""Differential spec check: identical raw commands to Cardinal and to a real
redis-server 7.0.15, raw reply bytes compared exactly (after a few documented
normalisations), over RESP2 and RESP3.

Seeds: DEFAULT_SEEDS plus one from env DIFF_SEED (a fresh random seed when
unset; it is printed in the test id and in every failure message).
Sequence length: env DIFF_STEPS (default 2500).

Normalisations (everything else is byte-exact):
  * TTL / PTTL / EXPIRETIME / PEXPIRETIME: equal if both are negative and equal,
    or both >= 0 and within a tolerance (2 s / 2000 ms) - the two servers run a
    command a few microseconds apart.
  * KEYS: the array elements are sorted before comparing.
  * SCAN: iterated to completion on each side; the SETS of keys are compared.
    Only malformed SCAN calls (errors) are compared byte-exact.
  * EXEC: element-wise, with the normalisation of each queued command.

Timing safety: every relative or absolute expiry used in a sequence is
distinct from every other one by >= 60 s and is >= 100 s in the future (or
already in the past / invalid), so GT/LT comparisons never depend on the
few microseconds between the two servers and nothing expires mid-run.  Short
TTLs live only in test_short_ttl_expiry, which sleeps past expiry.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

from conftest import RawConn, parse_reply, Node, ConnectionClosed

# ---------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------

DEFAULT_SEEDS = [1, 2, 3, 7, 42, 1337, 2024, 65537, 424242, 9999991]
STEPS = int(os.environ.get("DIFF_STEPS", "2500"))


def _env_seed() -> int:
    s = os.environ.get("DIFF_SEED")
    if s:
        return int(s)
    return random.SystemRandom().randrange(1, 2**31)


ENV_SEED = _env_seed()

# Commands that create non-string keys, so that the string and generic commands meet
# wrong-type keys (and RENAME/COPY/MOVE/OBJECT/TYPE/SCAN TYPE meet collections). "{key}" is
# replaced by a key from the generator's key pool.
COLLECTION_SETUP_COMMANDS: List[Tuple[str, ...]] = [
    ("RPUSH", "{key}", "a", "b", "7"),
    ("HSET", "{key}", "f", "v", "n", "12"),
    ("SADD", "{key}", "m1", "m2"),
    ("SADD", "{key}", "1", "2", "3"),
    ("ZADD", "{key}", "1", "m", "2.5", "n"),
]

# Every command the generator must exercise (coverage is asserted below).
# name -> Redis arity (negative = "at least |n|").  test_arity_table_matches_redis
# checks this table against COMMAND INFO of the oracle.
ARITY: Dict[str, int] = {
    # strings
    "SET": -3, "GET": 2, "GETEX": -2, "GETDEL": 2, "GETSET": 3, "SETNX": 3, "SETEX": 4,
    "PSETEX": 4, "MSET": -3, "MSETNX": -3, "MGET": -2, "APPEND": 3, "STRLEN": 2,
    "GETRANGE": 4, "SUBSTR": 4, "SETRANGE": 4, "INCR": 2, "DECR": 2, "INCRBY": 3,
    "DECRBY": 3, "INCRBYFLOAT": 3, "LCS": -3,
    # generic
    "DEL": -2, "UNLINK": -2, "EXISTS": -2, "TYPE": 2, "KEYS": 2, "SCAN": -2, "RENAME": 3,
    "RENAMENX": 3, "COPY": -3, "MOVE": 3, "TOUCH": -2, "OBJECT": -2, "OBJECT|ENCODING": 3,
    "DBSIZE": 1, "SELECT": 2, "SWAPDB": 3, "FLUSHDB": -1,
    # ttl
    "EXPIRE": -3, "PEXPIRE": -3, "EXPIREAT": -3, "PEXPIREAT": -3, "TTL": 2, "PTTL": 2,
    "EXPIRETIME": 2, "PEXPIRETIME": 2, "PERSIST": 2,
    # transactions
    "MULTI": 1, "EXEC": 1, "DISCARD": 1, "WATCH": -2, "UNWATCH": 1,
    # connection
    "PING": -1, "ECHO": 2,
}
ALL_COMMANDS = sorted(ARITY)

TTL_TOLERANCE = {"TTL": 2, "PTTL": 2000, "EXPIRETIME": 2, "PEXPIRETIME": 2000}
NUM_DBS_USED = 3  # databases 0..2 are used by SELECT/MOVE/COPY/SWAPDB

# ---------------------------------------------------------------------------
# value pools
# ---------------------------------------------------------------------------

KEY_POOL = [b"k0", b"k1", b"k2", b"k3", b"n0", b"n1", b"", b"b\x00in\r\nkey"]
LCS_KEYS = [b"lcs:a", b"lcs:b"]

LONG_VALUES = [b"x" * 45, b"ab" * 300, bytes(range(256)) * 8, b"L" * 20000, b"\x00\r\n" * 30000]
STRING_VALUES = [
    b"", b"v", b"hello", b"Hello World", b"\x00", b"a\x00b", b"\r\n", b"line\r\nbreak", b"\xff\xfe\xfd",
    b"*1\r\n$4\r\nPING\r\n", b" ", b"abc", b"ohmytext", b"mynewtext", b"x" * 44, b"y" * 45,
]
INT_VALUES = [
    b"0", b"1", b"-1", b"10", b"42", b"100", b"-100", b"9999", b"10000", b"123456789",
    b"9223372036854775807", b"-9223372036854775808", b"9223372036854775806", b"-9223372036854775807",
    b"9223372036854775808", b"-9223372036854775809", b"18446744073709551616",
    b"+1", b"01", b"007", b"-0", b"00", b" 1", b"1 ", b"0x10", b"1e3", b"12345678901234567890",
    b"99999999999999999999", b"4294967296", b"2147483648",
]
FLOAT_VALUES = [
    b"1e308", b"-1e308", b"1.7976931348623157e308", b"3.0e3", b"3.0E3", b"-0", b"-0.0", b"0.0", b"0.1",
    b"1.5", b"-1.5", b"5e-324", b"1e-5", b"inf", b"-inf", b"+inf", b"Infinity", b"nan", b"NaN", b"1e",
    b" 1", b"1 ", b".5", b"5.", b"1.0000000000000001", b"10.50", b"1e400", b"0x1p3", b"+2.5", b"",
    b"3.14159265358979323846", b"123456789012345678901234567890",
]
BAD_NUMBERS = [b"abc", b"", b"1.5", b"1e", b" 1", b"9223372036854775808", b"-9223372036854775809", b"0x10"]
ALL_VALUES = STRING_VALUES + INT_VALUES + FLOAT_VALUES


# ---------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------

@dataclass
class Step:
    cmd: List[bytes]
    kind: str = "cmd"          # "cmd" | "scan" (iterate SCAN to completion)
    tag: str = ""              # "arity" | "unknown" | ""


def b(x) -> bytes:
    if isinstance(x, bytes):
        return x
    return str(x).encode()


class SeededChooser:
    """The random choices every sequence generator makes, from one seeded RNG (deterministic:
    a seed names a sequence). The per-type generators (test_diff_*.py) build on it."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def name(self, n: str) -> bytes:
        """A command name, sometimes in lower case (names are case-insensitive)."""
        return n.lower().encode() if self.chance(0.1) else n.encode()

    def weighted_sequence(self, setup: List[Step], n_steps: int) -> List[Step]:
        """`setup`, then n_steps commands drawn by self.weights and built by self.gen(name)."""
        names = list(self.weights)
        weights = [self.weights[x] for x in names]
        out = list(setup)
        for _ in range(n_steps):
            out.extend(self.gen(self.rng.choices(names, weights)[0]))
        return out

    def scan_step(self, command: str, key: bytes, matches: List[bytes], kind: str) -> Step:
        """HSCAN/SSCAN-style: a cursor (mostly 0, sometimes invalid), MATCH/COUNT options in any
        order, sometimes a malformed option."""
        cursor = b"0" if self.chance(0.8) else self.pick([b"abc", b"-1", b"5", b"", b"1 ",
                                                          b"18446744073709551616"])
        c = [self.name(command), key, cursor]
        for _ in range(self.rng.randint(0, 2)):
            if self.chance(0.5):
                c += [b"MATCH", self.pick(matches)]
            else:
                c += [b"COUNT", self.pick([b"1", b"2", b"10", b"100", b"0", b"-1", b"abc"])]
        if self.chance(0.05):
            c += self.pick([[b"FOO", b"1"], [b"COUNT"], [b"MATCH"]])
        return Step(c, kind=kind)


class Generator(SeededChooser):
    """Seeded generator of command sequences over a small key space."""

    TXN_SAFE = [
        "SET", "GET", "GETEX", "GETDEL", "GETSET", "SETNX", "SETEX", "PSETEX", "MSET", "MSETNX",
        "MGET", "APPEND", "STRLEN", "GETRANGE", "SUBSTR", "SETRANGE", "INCR", "DECR", "INCRBY",
        "DECRBY", "INCRBYFLOAT", "LCS", "DEL", "UNLINK", "EXISTS", "TYPE", "KEYS", "RENAME",
        "RENAMENX", "COPY", "MOVE", "TOUCH", "OBJECT", "DBSIZE", "SELECT", "SWAPDB", "EXPIRE",
        "PEXPIRE", "EXPIREAT", "PEXPIREAT", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME",
        "PERSIST", "PING", "ECHO",
    ]

    def __init__(self, seed: int, now_ms: Optional[int] = None):
        super().__init__(seed)
        self.seed = seed
        self.now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        self._durations = list(range(3000))
        self.rng.shuffle(self._durations)
        self._arity_order = list(ALL_COMMANDS)
        self.rng.shuffle(self._arity_order)
        self._arity_idx = 0
        self.past_expiry = False
        self.max_len = 0  # conservative upper bound of any string value's length
        self.weights = self._weights()

    # -- small helpers -------------------------------------------------------
    def key(self) -> bytes:
        return self.pick(KEY_POOL)

    def keys(self, lo=1, hi=4) -> List[bytes]:
        return [self.key() for _ in range(self.rng.randint(lo, hi))]

    def name(self, n: str) -> bytes:
        r = self.rng.random()
        if r < 0.08:
            return n.lower().encode()
        if r < 0.11:
            return n.capitalize().encode()
        return n.encode()

    def value(self) -> bytes:
        r = self.rng.random()
        if r < 0.02:
            v = self.pick(LONG_VALUES)
        elif r < 0.40:
            v = self.pick(STRING_VALUES)
        elif r < 0.75:
            v = self.pick(INT_VALUES)
        else:
            v = self.pick(FLOAT_VALUES)
        self.max_len = max(self.max_len, len(v))
        return v

    def duration_s(self) -> int:
        """A unique duration (seconds), >= 100 and >= 60 s away from all others."""
        if not self._durations:
            self._durations = [d + 3000 for d in range(3000)]
        return 100 + 60 * self._durations.pop()

    def expiry_arg(self, unit: str) -> bytes:
        """unit in EX, PX, EXAT, PXAT; mostly valid, sometimes edge/invalid."""
        r = self.rng.random()
        if r < 0.80:
            d = self.duration_s()
            if unit == "EX":
                return b(d)
            if unit == "PX":
                return b(d * 1000 + self.rng.randint(0, 999))
            if unit == "EXAT":
                return b(self.now_ms // 1000 + d)
            return b(self.now_ms + d * 1000 + self.rng.randint(0, 999))
        if r < 0.88 and unit in ("EXAT", "PXAT"):  # already in the past
            self.past_expiry = True
            return self.pick([b"1", b"100", b(self.now_ms // (1000 if unit == "EXAT" else 1) - 5000)])
        edges = [b"0", b"-1", b"-100", b"abc", b"", b"1.5", b"9223372036854775807",
                 b"-9223372036854775808", b"99999999999999999999"]
        if unit != "PX":  # a valid huge *relative* PX could tie under GT/LT when repeated
            edges.append(b"9223372036854775")
        return self.pick(edges)

    def set_options(self, allow_get=True) -> List[bytes]:
        opts: List[List[bytes]] = []
        r = self.rng.random()
        if r < 0.6:  # a sane combination
            if self.chance(0.3):
                opts.append([self.pick([b"NX", b"XX"])])
            if self.chance(0.5):
                u = self.pick(["EX", "PX", "EXAT", "PXAT"])
                opts.append([u.encode(), self.expiry_arg(u)])
            elif self.chance(0.2):
                opts.append([b"KEEPTTL"])
            if allow_get and self.chance(0.3):
                opts.append([b"GET"])
        else:  # random, often invalid, combination
            pool = [[b"NX"], [b"XX"], [b"GET"], [b"KEEPTTL"], [b"EX"], [b"PX"], [b"nx"], [b"get"],
                    [b"FOO"], [b"ex", self.expiry_arg("EX")], [b"EX", self.expiry_arg("EX")],
                    [b"PX", self.expiry_arg("PX")], [b"EXAT", self.expiry_arg("EXAT")],
                    [b"PXAT", self.expiry_arg("PXAT")]]
            for _ in range(self.rng.randint(1, 3)):
                opts.append(self.pick(pool))
        self.rng.shuffle(opts)
        return [t for o in opts for t in o]

    def expire_flags(self) -> List[bytes]:
        r = self.rng.random()
        if r < 0.45:
            return []
        if r < 0.85:
            return [self.pick([b"NX", b"XX", b"GT", b"LT", b"nx", b"gt"])]
        return [self.pick([b"NX", b"XX", b"GT", b"LT", b"FOO"]) for _ in range(self.rng.randint(2, 3))]

    def index(self) -> bytes:
        return self.pick([b"0", b"1", b"2", b"3", b"5", b"10", b"-1", b"-2", b"-5", b"-100", b"100",
                          b"9223372036854775807", b"-9223372036854775808", b"abc", b"1.5", b""])

    def db(self) -> bytes:
        if self.chance(0.85):
            return b(self.rng.randrange(NUM_DBS_USED))
        return self.pick([b"16", b"-1", b"abc", b"", b"99999999999999999999", b"15"])

    # -- per-command generators ----------------------------------------------
    def _weights(self) -> Dict[str, float]:
        w = {name: 1.0 for name in ALL_COMMANDS if "|" not in name}
        w.update({"SET": 6, "GET": 3, "GETEX": 2, "INCRBYFLOAT": 2, "INCRBY": 2, "EXPIRE": 2,
                  "PEXPIRE": 1.5, "TTL": 1.5, "MULTI": 3, "WATCH": 1.5, "FLUSHDB": 0.15,
                  "SWAPDB": 0.4, "SELECT": 0.6, "SCAN": 1.5, "KEYS": 1, "LCS": 1.5, "SETRANGE": 1.5,
                  "APPEND": 1.5, "OBJECT": 1.5})
        w["_arity"] = 3
        w["_unknown"] = 0.8
        if COLLECTION_SETUP_COMMANDS:
            w["_collection"] = 2
        return w

    def gen_cmd(self, name: str) -> List[Step]:
        n = self.name
        k = self.key
        v = self.value
        if name == "SET":
            self.past_expiry = False
            c = [n("SET"), k(), v()] + self.set_options()
            if self.past_expiry:
                # redis stores a key SET with a past EXAT/PXAT and reclaims it lazily or
                # by the active-expire cycle: DBSIZE would depend on that timing.
                # Touch it right away so both sides have deleted it.
                return [Step(c), Step([b"EXISTS", c[1]])]
        elif name == "GET":
            c = [n("GET"), k()]
        elif name == "GETEX":
            c = [n("GETEX"), k()]
            r = self.rng.random()
            if r < 0.7:
                u = self.pick(["EX", "PX", "EXAT", "PXAT", "PERSIST", None])
                if u == "PERSIST":
                    c.append(b"PERSIST")
                elif u:
                    c += [u.encode(), self.expiry_arg(u)]
            else:
                c += self.pick([[b"PERSIST", b"EX", b"100"], [b"EX"], [b"EX", b"200", b"PX", b"300"],
                                [b"FOO"], [b"persist"], [b"KEEPTTL"], [b"ex", self.expiry_arg("EX")]])
        elif name in ("GETDEL", "STRLEN", "INCR", "DECR", "TYPE", "TTL", "PTTL", "EXPIRETIME",
                      "PEXPIRETIME", "PERSIST"):
            c = [n(name), k()]
        elif name in ("GETSET", "SETNX", "APPEND"):
            c = [n(name), k(), v()]
            if name == "APPEND":
                self.max_len += len(c[2])
        elif name in ("SETEX", "PSETEX"):
            good = [self.expiry_arg("EX" if name == "SETEX" else "PX") for _ in range(3)]
            c = [n(name), k(), self.pick(good), v()]
        elif name in ("MSET", "MSETNX"):
            c = [n(name)]
            for _ in range(self.rng.randint(1, 3)):
                c += [k(), v()]
            if self.chance(0.1):
                c.append(k())  # odd number of args
        elif name in ("MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "WATCH"):
            c = [n(name)] + self.keys()
        elif name in ("GETRANGE", "SUBSTR"):
            c = [n(name), k(), self.index(), self.index()]
        elif name == "SETRANGE":
            off = self.pick([b"0", b"1", b"3", b"10", b"100", b"1000", b"5000", b"-1", b"abc",
                             b"536870912", b"4294967296", b"9223372036854775807", b""])
            val = self.pick([b"", b"x", b"hello", b"\x00\r\n", b"Z" * 100])
            c = [n(name), k(), off, val]
            if off.isdigit() and int(off) <= 5000:
                self.max_len = max(self.max_len, int(off) + len(val))
        elif name in ("INCRBY", "DECRBY"):
            c = [n(name), k(), self.pick(INT_VALUES + BAD_NUMBERS)]
        elif name == "INCRBYFLOAT":
            c = [n(name), k(), self.pick(FLOAT_VALUES + INT_VALUES[:12])]
        elif name == "LCS":
            return self.gen_lcs()
        elif name == "KEYS":
            c = [n(name), self.pick([b"*", b"k*", b"k[0-2]", b"?0", b"n?", b"*\x00*", b"", b"[a-z]*",
                                     b"k[^0]", b"\\*", b"*1", b"lcs:*"])]
        elif name == "SCAN":
            return self.gen_scan()
        elif name in ("RENAME", "RENAMENX"):
            c = [n(name), k(), k()]
        elif name == "COPY":
            c = [n(name), k(), k()]
            extra = []
            if self.chance(0.4):
                extra.append([b"DB", self.db()])
            if self.chance(0.4):
                extra.append([b"REPLACE"])
            if self.chance(0.1):
                extra.append(self.pick([[b"DB"], [b"FOO"], [b"replace"], [b"db", b"1"]]))
            self.rng.shuffle(extra)
            c += [t for e in extra for t in e]
        elif name == "MOVE":
            c = [n(name), k(), self.db()]
        elif name == "OBJECT":
            r = self.rng.random()
            if r < 0.85:
                c = [n("OBJECT"), self.pick([b"ENCODING", b"encoding"]), k()]
            else:
                c = [n("OBJECT"), self.pick([b"NOSUCHSUB", b"ENCODINGX"]), k()]
        elif name == "DBSIZE":
            c = [n(name)]
        elif name == "SELECT":
            c = [n(name), self.db()]
        elif name == "SWAPDB":
            c = [n(name), self.db(), self.db()]
        elif name == "FLUSHDB":
            c = [n(name)] + self.pick([[], [], [b"ASYNC"], [b"SYNC"], [b"sync"], [b"FOO"]])
        elif name in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
            unit = {"EXPIRE": "EX", "PEXPIRE": "PX", "EXPIREAT": "EXAT", "PEXPIREAT": "PXAT"}[name]
            c = [n(name), k(), self.expiry_arg(unit)] + self.expire_flags()
        elif name == "MULTI":
            return self.gen_multi()
        elif name == "EXEC":
            c = [n(name)]  # EXEC without MULTI
        elif name == "DISCARD":
            c = [n(name)]
        elif name == "UNWATCH":
            c = [n(name)]
        elif name == "PING":
            c = [n(name)] + ([v()] if self.chance(0.5) else [])
        elif name == "ECHO":
            c = [n(name), v()]
        elif name == "_arity":
            return [self.gen_arity()]
        elif name == "_unknown":
            return [self.gen_unknown()]
        elif name == "_collection":
            tmpl = self.pick(COLLECTION_SETUP_COMMANDS)
            key = k()
            c = [key if a == "{key}" else b(a) for a in tmpl]
        else:
            raise AssertionError(f"no generator for {name}")
        return [Step(c)]

    def gen_lcs(self) -> List[Step]:
        steps = []
        if self.max_len <= 3000 and self.chance(0.6):
            a, bk = self.key(), self.key()
        else:
            a, bk = LCS_KEYS
            if self.chance(0.5):
                pairs = [(b"ohmytext", b"mynewtext"), (b"", b"abc"), (b"abcdef", b"abcdef"),
                         (b"a\x00b\r\nc", b"\x00\r\n"), (b"GTAATTCCAGT", b"CATTACCAGTG"),
                         (b"x" * 300, b"y" * 300), (b"1234567890" * 20, b"0987654321" * 20)]
                va, vb = self.pick(pairs)
                steps.append(Step([b"MSET", a, va, bk, vb]))
        opts: List[bytes] = []
        r = self.rng.random()
        if r < 0.25:
            opts = [b"LEN"]
        elif r < 0.6:
            opts = [b"IDX"]
            if self.chance(0.5):
                opts += [b"MINMATCHLEN", self.pick([b"0", b"1", b"2", b"4", b"-1", b"abc"])]
            if self.chance(0.5):
                opts.append(b"WITHMATCHLEN")
            self.rng.shuffle(opts)
        elif r < 0.75:
            opts = self.pick([[b"LEN", b"IDX"], [b"MINMATCHLEN"], [b"FOO"], [b"WITHMATCHLEN"],
                              [b"len"], [b"idx", b"withmatchlen"], [b"MINMATCHLEN", b"3"]])
        steps.append(Step([self.name("LCS"), a, bk] + opts))
        return steps

    def gen_scan(self) -> List[Step]:
        if self.chance(0.25):  # malformed: compared byte-exact
            bad = self.pick([[b"abc"], [b"1.5"], [b" 1"], [b"0", b"COUNT", b"0"], [b"0", b"COUNT", b"abc"],
                             [b"0", b"COUNT"], [b"0", b"MATCH"], [b"0", b"FOO", b"x"], [b"0", b"TYPE"],
                             [b"0", b"COUNT", b"-1"], [b"0", b"MATCH", b"*", b"COUNT"]])
            return [Step([self.name("SCAN")] + bad)]
        opts: List[bytes] = []
        if self.chance(0.4):
            opts += [b"MATCH", self.pick([b"*", b"k*", b"n?", b"*\x00*", b"[kn]1", b"zzz*"])]
        if self.chance(0.4):
            opts += [b"COUNT", self.pick([b"1", b"2", b"10", b"1000"])]
        if self.chance(0.2):
            opts += [b"TYPE", self.pick([b"string", b"list", b"hash", b"none"])]
        return [Step([b"SCAN", b"0"] + opts, kind="scan")]

    def gen_arity(self) -> Step:
        """Wrong number of arguments for the next command in a shuffled round-robin."""
        name = self._arity_order[self._arity_idx % len(self._arity_order)]
        self._arity_idx += 1
        arity = ARITY[name]
        parts = name.split("|")
        base = [self.name(parts[0])] + [p.encode() for p in parts[1:]]
        need = abs(arity)
        can_few = need - 1 >= len(base)
        if arity > 0 and (not can_few or self.chance(0.5)):
            nargs = arity + self.rng.randint(1, 2)                 # too many
        elif can_few:
            nargs = self.rng.randint(len(base), need - 1)          # too few
        else:
            nargs = need + self.rng.randint(2, 3)                  # e.g. PING a b c
        args = list(base)
        fillers = [self.key(), b"1", b"v", b"EX", b"0"]
        while len(args) < nargs:
            args.append(self.pick(fillers))
        return Step(args, tag="arity")

    def gen_unknown(self) -> Step:
        name = self.pick([b"FOOBAR", b"getx", b"SETT", b"", b"\x00", b"x" * 200, b"GET\r\n", b"CARDINAL"])
        args = [self.pick([b"a", b"b\r\nc", b"x" * 150, b"", b"\x00\x01"]) for _ in range(self.rng.randint(0, 3))]
        return Step([name] + args, tag="unknown")

    def gen_multi(self) -> List[Step]:
        steps: List[Step] = []
        if self.chance(0.35):  # WATCH first
            wkeys = self.keys(1, 2)
            steps.append(Step([self.name("WATCH")] + wkeys))
            if self.chance(0.5):  # touch a watched key -> EXEC returns null
                w = self.pick(wkeys)
                steps.append(Step(self.pick([[b"SET", w, self.value()], [b"DEL", w], [b"INCR", w],
                                             [b"EXPIRE", w, b(self.duration_s())], [b"APPEND", w, b"x"],
                                             [b"GET", w], [b"SET", b"unrelated", b"1"]])))
            if self.chance(0.15):
                steps.append(Step([b"UNWATCH"]))
        steps.append(Step([self.name("MULTI")]))
        for _ in range(self.rng.randint(0, 6)):
            r = self.rng.random()
            if r < 0.06:
                steps.append(self.gen_arity())           # queue-time error -> EXECABORT
            elif r < 0.09:
                steps.append(self.gen_unknown())
            elif r < 0.12:
                steps.append(Step([b"MULTI"]))           # nested MULTI -> error
            elif r < 0.15:
                steps.append(Step([b"WATCH", self.key()]))  # WATCH inside MULTI -> error
            else:
                for s in self.gen_cmd(self.pick(self.TXN_SAFE)):
                    if s.kind == "cmd":
                        steps.append(s)
        steps.append(Step([self.pick([b"EXEC", b"EXEC", b"EXEC", b"exec", b"DISCARD"])]))
        return steps

    def sequence(self, n_steps: int = STEPS) -> List[Step]:
        names = list(self.weights)
        weights = [self.weights[x] for x in names]
        out: List[Step] = []
        for _ in range(n_steps):
            name = self.rng.choices(names, weights)[0]
            out.extend(self.gen_cmd(name))
        return out


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

def cmd_name(cmd: Sequence[bytes]) -> str:
    return cmd[0].decode("latin-1").upper() if cmd else ""


def _cmp_ttl(name):
    tol = TTL_TOLERANCE[name]

    def cmp(a: Node, c: Node) -> bool:
        if a.type == "int" and c.type == "int":
            if a.value < 0 or c.value < 0:
                return a.value == c.value
            return abs(a.value - c.value) <= tol
        return a.raw == c.raw
    return cmp


def _cmp_keys(a: Node, c: Node) -> bool:
    if a.type == "array" and c.type == "array":
        return sorted(x.raw for x in a.value) == sorted(x.raw for x in c.value)
    return a.raw == c.raw


def comparator(cmd: Sequence[bytes]) -> Optional[Callable[[Node, Node], bool]]:
    name = cmd_name(cmd)
    if name in TTL_TOLERANCE and len(cmd) == 2:
        return _cmp_ttl(name)
    if name == "KEYS" and len(cmd) == 2:
        return _cmp_keys
    return None


def replies_equal(cmd, ra: bytes, rb: bytes, queued: List[List[bytes]]) -> bool:
    if ra == rb:
        return True
    name = cmd_name(cmd)
    if name == "EXEC" and len(cmd) == 1 and queued is not None:
        try:
            a, c = parse_reply(ra), parse_reply(rb)
        except Exception:
            return False
        if a.type != "array" or c.type != "array" or len(a.value) != len(c.value) \
                or len(a.value) != len(queued):
            return False
        for qc, x, y in zip(queued, a.value, c.value):
            if x.raw == y.raw:
                continue
            f = comparator(qc)
            if f is None or not f(x, y):
                return False
        return True
    f = comparator(cmd)
    if f is None:
        return False
    try:
        return f(parse_reply(ra), parse_reply(rb))
    except Exception:
        return False


def scan_all(conn: RawConn, args: List[bytes], max_iters: int = 10000) -> Tuple[Optional[set], bytes]:
    """Iterate SCAN to completion; returns (set of keys, b"") or (None, error reply)."""
    cursor = b"0"
    keys = set()
    for _ in range(max_iters):
        raw = conn.call(*([args[0], cursor] + args[2:]))
        node = parse_reply(raw)
        if node.type != "array":
            return None, raw
        cursor = node.value[0].value
        for k in node.value[1].value:
            keys.add(k.value)
        if cursor == b"0":
            return keys, b""
    raise AssertionError(f"SCAN did not finish within {max_iters} iterations")


def fmt(x: bytes, limit: int = 400) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[:limit] + f"...<{len(x)} bytes>"


class Mismatch(AssertionError):
    pass


def dump_value(conn: RawConn, key: bytes, typ: bytes) -> bytes:
    """A key's value in a form that does not depend on hash iteration order."""
    if typ == b"+string\r\n":
        return conn.call("GET", key)
    if typ == b"+list\r\n":
        return conn.call("LRANGE", key, 0, -1)
    if typ == b"+zset\r\n":
        return conn.call("ZRANGE", key, 0, -1, "WITHSCORES")
    if typ == b"+hash\r\n":
        node = parse_reply(conn.call("HGETALL", key))
        if node.type == "map":  # RESP3
            return repr(sorted((k.value, v.value) for k, v in node.value)).encode()
        flat = [n.value for n in node.value]
        return repr(sorted(zip(flat[0::2], flat[1::2]))).encode()
    if typ == b"+set\r\n":
        return repr(sorted(n.value for n in parse_reply(conn.call("SMEMBERS", key)).value)).encode()
    return b""


def supported_other_types(oracle_port: int, target_port: int,
                          setups: Dict[bytes, List[bytes]]) -> List[bytes]:
    """The keys of `setups` (key -> creating command) whose command both servers know."""
    out = []
    with RawConn(oracle_port) as a, RawConn(target_port) as c:
        for key, setup in setups.items():
            ok = True
            for conn in (a, c):
                node = parse_reply(conn.call(b"COMMAND", b"INFO", setup[0]))
                if not node.value or node.value[0].type != "array":
                    ok = False
            if ok:
                out.append(key)
    return out


def run_exact(oracle_port: int, target_port: int, cmds, proto: int = 2):
    """Runs `cmds` on both servers and asserts byte-identical replies."""
    with RawConn(oracle_port) as a, RawConn(target_port) as c:
        if proto == 3:
            a.call("HELLO", "3")
            c.call("HELLO", "3")
        for cmd in cmds:
            ra, rc = a.call(*cmd), c.call(*cmd)
            assert ra == rc, f"RESP{proto} {cmd!r}: redis={ra!r} target={rc!r}"


class DiffRunner:
    def __init__(self, oracle_port: int, target_port: int, proto: int, seed: int):
        self.a = RawConn(oracle_port, timeout=30)
        self.c = RawConn(target_port, timeout=30)
        self.proto = proto
        self.seed = seed
        self.history: List[str] = []

    def close(self):
        self.a.close()
        self.c.close()

    def fail(self, idx, cmd, ra, rb, what="reply"):
        ctx = "\n".join(self.history[-8:])
        raise Mismatch(
            f"differential mismatch ({what}) seed={self.seed} proto=RESP{self.proto} step={idx}\n"
            f"  command: {' '.join(fmt(x, 80) for x in cmd)}\n"
            f"  redis:   {fmt(ra)}\n"
            f"  target:  {fmt(rb)}\n"
            f"  previous steps:\n{ctx}\n"
            f"  reproduce: DIFF_SEED={self.seed} /usr/bin/python3 -m pytest "
            f"tests/compat/test_differential.py -k 'env and resp{self.proto}'")

    def check(self, steps: List[Step]):
        """The whole differential run: setup, the steps, the final state; closes the runner."""
        try:
            self.setup()
            self.run(steps)
            self.compare_state()
        finally:
            self.close()

    def setup(self):
        # both servers were flushed by their fixtures
        for conn in (self.a, self.c):
            if self.proto == 3:
                r = conn.call("HELLO", "3")
                assert r.startswith(b"%"), r

    def run(self, steps: List[Step]):
        in_multi = False
        queued: List[List[bytes]] = []
        for idx, st in enumerate(steps):
            self.history.append(f"    [{idx}] {' '.join(fmt(x, 60) for x in st.cmd)}")
            if st.kind == "scan":
                ka, ea = scan_all(self.a, st.cmd)
                kc, ec = scan_all(self.c, st.cmd)
                if ka != kc or ea != ec:
                    self.fail(idx, st.cmd, repr(sorted(ka)).encode() if ka is not None else ea,
                              repr(sorted(kc)).encode() if kc is not None else ec, "SCAN key set")
                continue
            try:
                ra = self.a.call(*st.cmd)
            except ConnectionClosed as e:
                raise AssertionError(f"oracle closed connection at step {idx}: {st.cmd!r}") from e
            try:
                rb = self.c.call(*st.cmd)
            except ConnectionClosed as e:
                self.fail(idx, st.cmd, ra, f"<connection closed: {e}>".encode())
            name = cmd_name(st.cmd)
            if not replies_equal(st.cmd, ra, rb, queued if in_multi else None):
                self.fail(idx, st.cmd, ra, rb)
            # track MULTI state from the (agreed) reply
            arity_err = ra.startswith(b"-ERR wrong number of arguments")
            if name == "MULTI" and ra == b"+OK\r\n":
                in_multi, queued = True, []
            elif in_multi and name in ("EXEC", "DISCARD") and not arity_err:
                in_multi, queued = False, []
            elif in_multi and ra == b"+QUEUED\r\n":
                queued.append(st.cmd)

    def compare_state(self):
        """Full dump of databases 0..2 on both sides."""
        for conn in (self.a, self.c):
            conn.call("DISCARD")  # in case a sequence ended inside MULTI
        for db in range(NUM_DBS_USED):
            dumps = []
            for conn in (self.a, self.c):
                assert conn.call("SELECT", db) == b"+OK\r\n"
                keys = parse_reply(conn.call("KEYS", "*"))
                entries = {}
                for kn in keys.value:
                    kk = kn.value
                    typ = conn.call("TYPE", kk)
                    val = dump_value(conn, kk, typ)
                    pttl = parse_reply(conn.call("PTTL", kk)).value
                    entries[kk] = (typ, val, pttl)
                dumps.append(entries)
            da, dc = dumps
            if set(da) != set(dc):
                self.fail(-1, [b"KEYS", b"*", b"(db %d)" % db], repr(sorted(da)).encode(),
                          repr(sorted(dc)).encode(), "final key set")
            for kk in da:
                (ta, va, pa), (tc, vc, pc) = da[kk], dc[kk]
                ttl_ok = (pa == pc) if (pa < 0 or pc < 0) else abs(pa - pc) <= TTL_TOLERANCE["PTTL"]
                if ta != tc or va != vc or not ttl_ok:
                    self.fail(-1, [b"DUMP", kk, b"(db %d)" % db], repr(da[kk]).encode(),
                              repr(dc[kk]).encode(), "final state")


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------

SEED_PARAMS = [pytest.param(s, id=f"seed{s}") for s in DEFAULT_SEEDS] + \
              [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")]


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", SEED_PARAMS)
def test_differential(oracle, cardinal, seed, proto):
    DiffRunner(oracle.port, cardinal.port, proto, seed).check(Generator(seed).sequence(STEPS))


def _all_generated(seeds=DEFAULT_SEEDS) -> Tuple[Dict[str, int], Dict[str, int], int]:
    seen: Dict[str, int] = {}
    arity_seen: Dict[str, int] = {}
    unknown = 0
    for s in seeds:
        for st in Generator(s).sequence(STEPS):
            name = cmd_name(st.cmd)
            if name == "OBJECT" and len(st.cmd) > 1 and st.cmd[1].upper() == b"ENCODING":
                full = "OBJECT|ENCODING"
            else:
                full = name
            if st.tag == "unknown":
                unknown += 1
                continue
            if st.tag == "arity":
                arity_seen[full] = arity_seen.get(full, 0) + 1
                continue
            seen[full] = seen.get(full, 0) + 1
            if full == "OBJECT|ENCODING":
                seen["OBJECT"] = seen.get("OBJECT", 0) + 1
    return seen, arity_seen, unknown


def test_generator_covers_all_commands():
    """Every issue command gets generated calls, and a bad-arity call, with the default seeds."""
    seen, arity_seen, unknown = _all_generated()
    missing = [c for c in ALL_COMMANDS if c not in seen]
    assert not missing, f"commands never generated: {missing}"
    missing_arity = [c for c in ALL_COMMANDS if c not in arity_seen]
    assert not missing_arity, f"commands never generated with bad arity: {missing_arity}"
    assert unknown > 0
    # each seed on its own also gets decent breadth
    for s in DEFAULT_SEEDS:
        one, _, _ = _all_generated([s])
        assert len(one) >= len(ALL_COMMANDS) * 0.8, (s, sorted(set(ALL_COMMANDS) - set(one)))


def test_generator_is_deterministic():
    a = [s.cmd for s in Generator(123, now_ms=1_700_000_000_000).sequence(200)]
    c = [s.cmd for s in Generator(123, now_ms=1_700_000_000_000).sequence(200)]
    assert a == c


def test_arity_table_matches_redis(oracle):
    """Our ARITY table (used for bad-arity generation) matches COMMAND INFO of redis."""
    with oracle.raw() as conn:
        for name, arity in ARITY.items():
            node = parse_reply(conn.call("COMMAND", "INFO", name.lower()))
            info = node.value[0]
            assert info.type == "array", name
            assert info.value[1].value == arity, (name, info.value[1].value, arity)


def test_arity_errors_every_command(oracle, cardinal):
    """Deterministic sweep: too few (and too many, for fixed arity) args for every command."""
    a, c = oracle.raw(), cardinal.raw()
    try:
        for name, arity in ARITY.items():
            parts = name.split("|")
            base = [p.encode() for p in parts]
            need = abs(arity)
            variants = []
            if need - 1 >= len(base):
                variants.append(base + [b"x"] * (need - 1 - len(base)))
            if arity > 0:
                variants.append(base + [b"x"] * (arity + 1 - len(base)))
            for v in variants:
                ra, rb = a.call(*v), c.call(*v)
                assert ra == rb, f"{v!r}: redis={ra!r} target={rb!r}"
                # note: redis answers a bad-arity EXEC with -EXECABORT even outside MULTI
                assert b"wrong number of arguments" in ra, (v, ra)
    finally:
        a.close()
        c.close()


def test_short_ttl_expiry(oracle, cardinal):
    """Keys with short TTLs, set in every supported way, are gone after sleeping past expiry."""
    now_ms = int(time.time() * 1000)
    cmds = [
        [b"SET", b"s:px", b"v", b"PX", b"150"],
        [b"SET", b"s:ex", b"v", b"EX", b"1"],
        [b"SET", b"s:pxat", b"v", b"PXAT", b(now_ms + 200)],
        [b"SET", b"s:exat", b"v", b"EXAT", b(now_ms // 1000 + 1)],
        [b"SETEX", b"s:setex", b"1", b"v"],
        [b"PSETEX", b"s:psetex", b"100", b"v"],
        [b"SET", b"s:getex", b"v"], [b"GETEX", b"s:getex", b"PX", b"120"],
        [b"SET", b"s:expire", b"v"], [b"EXPIRE", b"s:expire", b"1"],
        [b"SET", b"s:pexpire", b"v"], [b"PEXPIRE", b"s:pexpire", b"100"],
        [b"SET", b"s:pexpireat", b"v"], [b"PEXPIREAT", b"s:pexpireat", b(now_ms + 150)],
        [b"SET", b"s:expireat", b"v"], [b"EXPIREAT", b"s:expireat", b(now_ms // 1000 + 1)],
        [b"SET", b"s:persist", b"v", b"PX", b"100"], [b"PERSIST", b"s:persist"],
        [b"SET", b"s:keepttl", b"v", b"PX", b"100"], [b"SET", b"s:keepttl", b"w", b"KEEPTTL"],
        [b"SET", b"s:reset", b"v", b"PX", b"100"], [b"SET", b"s:reset", b"w"],
        [b"SET", b"s:incr", b"1", b"PX", b"100"], [b"INCR", b"s:incr"],
        [b"SET", b"s:long", b"v", b"EX", b"1000"],
        [b"SET", b"s:none", b"v"],
        [b"SET", b"s:ren", b"v", b"PX", b"100"], [b"RENAME", b"s:ren", b"s:ren2"],
        [b"SET", b"s:copy", b"v", b"PX", b"100"], [b"COPY", b"s:copy", b"s:copy2"],
        [b"SET", b"s:db1", b"v", b"PX", b"100"], [b"MOVE", b"s:db1", b"1"],
    ]
    a, c = oracle.raw(), cardinal.raw()
    try:
        for cmd in cmds:
            ra, rb = a.call(*cmd), c.call(*cmd)
            assert ra == rb, f"{cmd!r}: redis={ra!r} target={rb!r}"
        # EXAT/EXPIREAT with now+1 s may be up to 2 s away: sleep past every expiry
        deadline_ms = (now_ms // 1000 + 2) * 1000 + 300
        time.sleep(max(0.0, min(3.5, (deadline_ms - time.time() * 1000) / 1000)))
        keys = sorted({cmd[1] for cmd in cmds} | {b"s:ren2", b"s:copy2"})
        for probe in ([b"KEYS", b"*"],):
            ra, rb = a.call(*probe), c.call(*probe)
            assert sorted(parse_reply(ra).py()) == sorted(parse_reply(rb).py()), (probe, ra, rb)
        ka, _ = scan_all(a, [b"SCAN", b"0"])
        kc, _ = scan_all(c, [b"SCAN", b"0"])
        assert ka == kc
        for k in keys:
            for cmd in ([b"EXISTS", k], [b"GET", k], [b"TTL", k]):
                ra, rb = a.call(*cmd), c.call(*cmd)
                assert ra == rb, f"{cmd!r}: redis={ra!r} target={rb!r}"
        expected_alive = {b"s:persist", b"s:reset", b"s:long", b"s:none"}
        alive = {k for k in keys if a.call(b"EXISTS", k) == b":1\r\n"}
        assert alive == expected_alive
        for cmd in ([b"DBSIZE"], [b"SELECT", b"1"], [b"EXISTS", b"s:db1"], [b"DBSIZE"]):
            ra, rb = a.call(*cmd), c.call(*cmd)
            assert ra == rb, f"{cmd!r}: redis={ra!r} target={rb!r}"
    finally:
        a.close()
        c.close()
