"""Differential check of the sorted-set commands against redis-server 7.0.15.

Seeded generated sequences of every sorted-set command (plus wrong-type keys made with SET,
RPUSH, HSET and SADD, and sets as ZUNION/ZINTER/ZDIFF inputs) run through DiffRunner in RESP2 and
RESP3; replies are compared byte for byte except for the legitimately random ones:

  * ZRANDMEMBER: same shape and length; members distinct when the count is positive; every
    returned member (and score) really in the set. A count >= the set size answers the whole set
    in a fixed order, so it is compared exactly.
  * ZSCAN: iterated to completion on each side with the same options; the sets of
    (member, score) pairs are compared (a compact set answers in one call, byte-exact anyway).

The generator mixes scores with decimals, exponents, inf/-inf, duplicates and invalid spellings,
exclusive bounds, LIMIT edge cases (negative offset/count, huge values), lex ranges (only on keys
whose members all share score 0: Redis leaves lex ranges over mixed scores unspecified), huge and
negative counts, and lowers zset-max-listpack-entries/-value with CONFIG SET on both servers so
keys convert both ways (OBJECT ENCODING is compared). The final state (type, encoding, ZRANGE 0 -1
WITHSCORES) of every key is compared at the end.

Seeds: ZSET_SEEDS plus DIFF_SEED from the environment (random when unset, printed on failure).
Steps per sequence: env ZDIFF_STEPS (default 1500).
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import RawConn, parse_reply
from test_differential import DiffRunner, Step, ENV_SEED, cmd_name, fmt, SeededChooser

ZSET_SEEDS = [1, 7, 42, 2024]
STEPS = int(os.environ.get("ZDIFF_STEPS", "1500"))

ZKEYS = [b"z0", b"z1", b"z2", b"z3", b"zbig"]
LEXKEYS = [b"lex0", b"lex1"]
# Keys lex ranges are asked on: all-score-0 sets, a wrong type, a missing key.
LEX_TARGETS = LEXKEYS + [b"hash", b"nokey"]
OTHER_KEYS = [b"str", b"list", b"hash", b"set0", b"set1", b"nokey"]
DSTKEYS = [b"dst0", b"dst1", b"z1", b"set0"]  # a set destination gets replaced by a zset

MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i", b"j", b"k", b"aa", b"ab", b"",
           b"1", b"2", b"10", b"-3", b"007", b"\x00\xff", b"m" * 70, b"space here"]
LEX_MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"f", b"alpha", b"beta", b"", b"ab", b"abc", b"b\x00",
               b"z", b"zz", b"\xff", b"1", b"10", b"2"]
SCORES = [b"0", b"1", b"2", b"3", b"-1", b"10", b"1.5", b"0.1", b"-2.25", b"1e3", b"2.5e-3",
          b"-1E2", b"inf", b"-inf", b"+inf", b"1e17", b"123456789012", b"0x10", b"-0", b"3.0",
          b"1e308", b"5e-324"]
BAD_SCORES = [b"abc", b"nan", b"", b" 1", b"1e400", b"1e-400", b"--1"]
BOUNDS = [b"-inf", b"+inf", b"inf", b"0", b"1", b"2", b"(1", b"(2", b"(0", b"1.5", b"(1.5", b"-1",
          b"10", b"(10", b"(-inf", b"(+inf", b"100", b"1e17", b"abc", b"(", b"", b"nan", b" 3",
          b"(inf"]
LEX_BOUNDS = [b"-", b"+", b"[a", b"(a", b"[b", b"(b", b"[alpha", b"(beta", b"[", b"(", b"[z",
              b"(zz", b"[c", b"a", b"", b"--", b"[\xff", b"(1"]
INDEXES = [b"0", b"1", b"2", b"3", b"5", b"-1", b"-2", b"-3", b"-100", b"100", b"200",
           b"9223372036854775807", b"-9223372036854775808", b"abc", b"1.5"]
COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"-1", b"-3", b"-10", b"-100", b"abc",
          b"9223372036854775807", b"-9223372036854775807", b"-9223372036854775808",
          b"4611686018427387904", b"4611686018427387903", b"200"]
WEIGHTS = [b"1", b"2", b"0", b"-1", b"0.5", b"inf", b"-inf", b"1e300", b"x", b"nan"]


class ZGen(SeededChooser):
    def zkey(self):
        r = self.rng.random()
        if r < 0.75:
            return self.pick(ZKEYS)
        if r < 0.85:
            return self.pick(LEXKEYS)
        return self.pick(OTHER_KEYS)

    def anykey(self):
        return self.pick(ZKEYS + LEXKEYS + OTHER_KEYS)

    def member(self):
        return self.pick(MEMBERS)

    def score(self):
        return self.pick(BAD_SCORES) if self.chance(0.04) else self.pick(SCORES)

    def limit(self) -> List[bytes]:
        if not self.chance(0.4):
            return []
        return [self.pick([b"LIMIT", b"limit"]), self.pick([b"0", b"1", b"2", b"-1", b"5", b"100",
                                                            b"x", b"9223372036854775807"]),
                self.pick([b"0", b"1", b"2", b"3", b"-1", b"-5", b"10", b"x",
                           b"-9223372036854775808"])]

    def zadd(self) -> List[bytes]:
        key = self.pick(ZKEYS + LEXKEYS + OTHER_KEYS[:1])
        lex = key in LEXKEYS
        flags: List[bytes] = []
        if self.chance(0.4):
            pool = [b"NX", b"XX", b"CH", b"GT", b"LT", b"ch", b"nx"] + ([] if lex else [b"INCR"])
            flags = [self.pick(pool) for _ in range(self.rng.randint(1, 2))]
        pairs: List[bytes] = []
        n = 1 if b"INCR" in flags else self.rng.randint(1, 5)
        if key == b"zbig" and self.chance(0.3):
            n = self.rng.randint(20, 160)
        for _ in range(n):
            if lex:
                pairs += [b"0", self.pick(LEX_MEMBERS)]
            elif key == b"zbig":
                pairs += [str(self.rng.randint(-50, 50) / 4).encode(),
                          b"m%d" % self.rng.randint(0, 400)]
            else:
                pairs += [self.score(), self.member()]
        if self.chance(0.03):
            pairs = pairs[:-1]  # odd: syntax error
        return [self.name("ZADD"), key] + flags + pairs

    def gen(self) -> List[Step]:
        n = self.name
        c: List[bytes]
        kind = "cmd"
        choice = self.pick([
            "ZADD", "ZADD", "ZADD", "ZADD", "ZINCRBY", "ZREM", "ZCARD", "ZSCORE", "ZMSCORE",
            "ZRANK", "ZREVRANK", "ZCOUNT", "ZLEXCOUNT", "ZRANGE", "ZRANGE", "ZRANGE",
            "ZRANGESTORE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX",
            "ZREVRANGE", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX", "ZPOPMIN",
            "ZPOPMAX", "ZMPOP", "ZRANDMEMBER", "ZRANDMEMBER", "ZUNION", "ZINTER", "ZDIFF",
            "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD", "ZSCAN", "OBJECT",
            "SETUP", "CONFIG", "DEL", "ARITY"])
        if choice == "ZADD":
            c = self.zadd()
        elif choice == "ZINCRBY":
            c = [n("ZINCRBY"), self.pick(ZKEYS + OTHER_KEYS[:1]), self.score(), self.member()]
        elif choice == "ZREM":
            key = self.zkey()
            pool = LEX_MEMBERS if key in LEXKEYS else MEMBERS
            c = [n("ZREM"), key] + [self.pick(pool) for _ in range(self.rng.randint(1, 4))]
        elif choice in ("ZCARD",):
            c = [n(choice), self.zkey()]
        elif choice in ("ZSCORE", "ZRANK", "ZREVRANK"):
            c = [n(choice), self.zkey(), self.member()]
        elif choice == "ZMSCORE":
            c = [n(choice), self.zkey()] + [self.member() for _ in range(self.rng.randint(1, 4))]
        elif choice == "ZCOUNT":
            c = [n(choice), self.zkey(), self.pick(BOUNDS), self.pick(BOUNDS)]
        elif choice == "ZLEXCOUNT":
            c = [n(choice), self.pick(LEX_TARGETS), self.pick(LEX_BOUNDS),
                 self.pick(LEX_BOUNDS)]
        elif choice in ("ZRANGE", "ZRANGESTORE"):
            mode = self.pick(["rank", "rank", "score", "lex"])
            key = self.pick(LEX_TARGETS) if mode == "lex" else self.zkey()
            if mode == "rank":
                a, bnd = self.pick(INDEXES), self.pick(INDEXES)
            elif mode == "score":
                a, bnd = self.pick(BOUNDS), self.pick(BOUNDS)
            else:
                a, bnd = self.pick(LEX_BOUNDS), self.pick(LEX_BOUNDS)
            opts: List[List[bytes]] = []
            if mode == "score":
                opts.append([b"BYSCORE"])
            elif mode == "lex":
                opts.append([b"BYLEX"])
            if self.chance(0.4):
                opts.append([b"REV"])
            lim = self.limit()
            if lim:
                opts.append(lim)
            if choice == "ZRANGE" and self.chance(0.4):
                opts.append([b"WITHSCORES"])
            if self.chance(0.05):
                opts.append([self.pick([b"FOO", b"BYSCORE", b"REV", b"LIMIT", b"WITHSCORES"])])
            self.rng.shuffle(opts)
            tail = [t for o in opts for t in o]
            if choice == "ZRANGE":
                c = [n("ZRANGE"), key, a, bnd] + tail
            else:
                dst = self.pick(DSTKEYS if mode != "lex" else [b"dst0", b"lex1"])
                c = [n("ZRANGESTORE"), dst, key, a, bnd] + tail
        elif choice in ("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"):
            c = [n(choice), self.zkey(), self.pick(BOUNDS), self.pick(BOUNDS)]
            opts = []
            if self.chance(0.4):
                opts.append([b"WITHSCORES"])
            lim = self.limit()
            if lim:
                opts.append(lim)
            self.rng.shuffle(opts)
            c += [t for o in opts for t in o]
        elif choice in ("ZRANGEBYLEX", "ZREVRANGEBYLEX"):
            c = [n(choice), self.pick(LEX_TARGETS), self.pick(LEX_BOUNDS),
                 self.pick(LEX_BOUNDS)] + self.limit()
            if self.chance(0.05):
                c.append(b"WITHSCORES")
        elif choice == "ZREVRANGE":
            c = [n(choice), self.zkey(), self.pick(INDEXES), self.pick(INDEXES)]
            if self.chance(0.4):
                c.append(b"WITHSCORES")
        elif choice == "ZREMRANGEBYRANK":
            c = [n(choice), self.zkey(), self.pick(INDEXES), self.pick(INDEXES)]
        elif choice == "ZREMRANGEBYSCORE":
            c = [n(choice), self.zkey(), self.pick(BOUNDS), self.pick(BOUNDS)]
        elif choice == "ZREMRANGEBYLEX":
            c = [n(choice), self.pick(LEX_TARGETS), self.pick(LEX_BOUNDS),
                 self.pick(LEX_BOUNDS)]
        elif choice in ("ZPOPMIN", "ZPOPMAX"):
            c = [n(choice), self.zkey()]
            if self.chance(0.6):
                c.append(self.pick(COUNTS))
        elif choice == "ZMPOP":
            keys = [self.zkey() for _ in range(self.rng.randint(1, 3))]
            nk = b"%d" % len(keys) if self.chance(0.9) else self.pick([b"0", b"-1", b"x", b"9"])
            c = [n("ZMPOP"), nk] + keys + [self.pick([b"MIN", b"MAX", b"min", b"FOO"])]
            if self.chance(0.5):
                c += [b"COUNT", self.pick(COUNTS)]
        elif choice == "ZRANDMEMBER":
            c = [n(choice), self.zkey()]
            if self.chance(0.8):
                # Redis answers a huge negative count without WITHSCORES by building the whole
                # reply (it never finishes), so that one only appears with WITHSCORES, which
                # Redis refuses as out of range.
                safe = [x for x in COUNTS if x != b"-9223372036854775807"]
                if self.chance(0.5):
                    c.append(self.pick(safe + [b"-9223372036854775807"]))
                    c.append(self.pick([b"WITHSCORES", b"withscores"]))
                else:
                    c.append(self.pick(safe))
                    if self.chance(0.1):
                        c.append(b"FOO")
        elif choice in ("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
                        "ZINTERCARD"):
            keys = [self.pick(ZKEYS + OTHER_KEYS + [b"set0", b"set1"])
                    for _ in range(self.rng.randint(1, 3))]
            nk = b"%d" % len(keys) if self.chance(0.92) else self.pick([b"0", b"-1", b"x", b"5"])
            c = [n(choice)]
            if choice.endswith("STORE"):
                c.append(self.pick(DSTKEYS))
            c += [nk] + keys
            opts = []
            if choice == "ZINTERCARD":
                if self.chance(0.5):
                    opts.append([b"LIMIT", self.pick([b"0", b"1", b"2", b"-1", b"x"])])
            else:
                if choice not in ("ZDIFF", "ZDIFFSTORE") or self.chance(0.05):
                    if self.chance(0.4):
                        opts.append([b"WEIGHTS"] + [self.pick(WEIGHTS) for _ in keys])
                    if self.chance(0.4):
                        opts.append([b"AGGREGATE", self.pick([b"SUM", b"MIN", b"MAX", b"max",
                                                              b"AVG"])])
                if not choice.endswith("STORE") and self.chance(0.5):
                    opts.append([b"WITHSCORES"])
            if self.chance(0.04):
                opts.append([b"FOO"])
            self.rng.shuffle(opts)
            c += [t for o in opts for t in o]
        elif choice == "ZSCAN":
            c = [n("ZSCAN"), self.zkey(), self.pick([b"0", b"0", b"0", b"x", b"-1"])]
            if self.chance(0.3):
                c += [b"MATCH", self.pick([b"*", b"a*", b"?", b"m1*", b"[ab]*"])]
            if self.chance(0.3):
                c += [b"COUNT", self.pick([b"1", b"5", b"100", b"0", b"x"])]
            kind = "zscan"
        elif choice == "OBJECT":
            c = [b"OBJECT", b"ENCODING", self.anykey()]
        elif choice == "SETUP":
            c = self.pick([[b"SET", b"str", b"v"], [b"RPUSH", b"list", b"a"],
                           [b"HSET", b"hash", b"f", b"v"], [b"SADD", b"set0", b"a", b"b", b"1"],
                           [b"SADD", b"set1", b"c", b"a", b"x", b"m" * 70],
                           [b"SADD", b"set0", b"2", b"10"]])
        elif choice == "CONFIG":
            c = [b"CONFIG", b"SET"] + self.pick([
                [b"zset-max-listpack-entries", self.pick([b"0", b"1", b"3", b"8", b"128"])],
                [b"zset-max-listpack-value", self.pick([b"0", b"2", b"8", b"64"])],
                [b"zset-max-ziplist-entries", b"128"]])
        elif choice == "DEL":
            c = [b"DEL", self.anykey()]
        else:  # wrong arity
            name = self.pick(["ZADD", "ZCARD", "ZSCORE", "ZRANGE", "ZUNIONSTORE", "ZMPOP",
                              "ZRANDMEMBER", "ZSCAN", "ZPOPMIN", "ZINTERCARD", "ZRANK"])
            c = [n(name)]
            if self.chance(0.5):
                c.append(self.zkey())
        return [Step(c, kind)]

    def sequence(self, steps: int) -> List[Step]:
        out: List[Step] = []
        while len(out) < steps:
            out.extend(self.gen())
        return out


# ---------------------------------------------------------------------------
# comparison


def _flat_pairs(node, resp3: bool, withscores: bool) -> List[Tuple[bytes, Optional[bytes]]]:
    if node.type != "array":
        return []
    if not withscores:
        return [(x.value, None) for x in node.value]
    if resp3:
        return [(p.value[0].value, p.value[1].raw) for p in node.value]
    vals = node.value
    return [(vals[i].value, vals[i + 1].raw) for i in range(0, len(vals), 2)]


class ZDiffRunner(DiffRunner):
    def contents(self, conn: RawConn, key: bytes) -> Dict[bytes, float]:
        node = parse_reply(conn.call("ZRANGE", key, "0", "-1", "WITHSCORES"))
        if node.type != "array":
            return {}
        out: Dict[bytes, float] = {}
        if node.value and node.value[0].type == "array":
            for p in node.value:
                out[p.value[0].value] = float(p.value[1].value)
        else:
            vals = node.value
            for i in range(0, len(vals), 2):
                out[vals[i].value] = float(vals[i + 1].value)
        return out

    def check_randmember(self, idx, cmd, ra: bytes, rc: bytes):
        if ra == rc:
            return
        a, c = parse_reply(ra), parse_reply(rc)
        if a.type != c.type or a.type in ("error", "null"):
            self.fail(idx, cmd, ra, rc)
        key = cmd[1]
        members = self.contents(self.c, key)
        if len(cmd) == 2:
            if c.value not in members:
                self.fail(idx, cmd, ra, rc, "ZRANDMEMBER member not in the set")
            return
        count = int(cmd[2])
        withscores = len(cmd) == 4
        pa = _flat_pairs(a, self.proto == 3, withscores)
        pc = _flat_pairs(c, self.proto == 3, withscores)
        if len(pa) != len(pc):
            self.fail(idx, cmd, ra, rc, "ZRANDMEMBER length")
        if count > 0 and len({m for m, _ in pc}) != len(pc):
            self.fail(idx, cmd, ra, rc, "ZRANDMEMBER duplicates")
        for m, s in pc:
            if m not in members:
                self.fail(idx, cmd, ra, rc, "ZRANDMEMBER member not in the set")
            if s is not None:
                sv = parse_reply(s).value
                if float(sv) != members[m]:
                    self.fail(idx, cmd, ra, rc, "ZRANDMEMBER score")

    def scan_all(self, conn: RawConn, cmd: List[bytes]):
        cursor = b"0"
        pairs = set()
        for _ in range(100000):
            raw = conn.call(*([cmd[0], cmd[1], cursor] + cmd[3:]))
            node = parse_reply(raw)
            if node.type != "array":
                return None, raw
            cursor = node.value[0].value
            vals = node.value[1].value
            for i in range(0, len(vals), 2):
                pairs.add((vals[i].value, vals[i + 1].value))
            if cursor == b"0":
                return pairs, b""
        raise AssertionError("ZSCAN did not finish")

    def run(self, steps: List[Step]):
        for idx, st in enumerate(steps):
            self.history.append(f"    [{idx}] {' '.join(fmt(x, 60) for x in st.cmd)}")
            if st.kind == "zscan":
                if st.cmd[2] != b"0":  # only malformed cursors: compare the error exactly
                    ra, rc = self.a.call(*st.cmd), self.c.call(*st.cmd)
                    if ra != rc and (ra.startswith(b"-") or rc.startswith(b"-")):
                        self.fail(idx, st.cmd, ra, rc)
                    continue
                pa, ea = self.scan_all(self.a, st.cmd)
                pc, ec = self.scan_all(self.c, st.cmd)
                if pa != pc or ea != ec:
                    self.fail(idx, st.cmd, repr(sorted(pa)).encode() if pa is not None else ea,
                              repr(sorted(pc)).encode() if pc is not None else ec, "ZSCAN pairs")
                continue
            ra = self.a.call(*st.cmd)
            rc = self.c.call(*st.cmd)
            if cmd_name(st.cmd) == "ZRANDMEMBER":
                self.check_randmember(idx, st.cmd, ra, rc)
            elif ra != rc:
                self.fail(idx, st.cmd, ra, rc)

    def compare_state(self):
        """Type, encoding and ZRANGE WITHSCORES of every key, on both servers."""
        keys = set()
        for conn in (self.a, self.c):
            keys |= {k.value for k in parse_reply(conn.call("KEYS", "*")).value}
        for key in sorted(keys):
            dumps = []
            for conn in (self.a, self.c):
                typ = conn.call("TYPE", key)
                enc = conn.call("OBJECT", "ENCODING", key)
                body = conn.call("ZRANGE", key, "0", "-1", "WITHSCORES") \
                    if typ == b"+zset\r\n" else b""
                dumps.append((typ, enc, body))
            if dumps[0] != dumps[1]:
                self.fail(-1, [b"DUMP", key], repr(dumps[0]).encode(), repr(dumps[1]).encode(),
                          "final state")


SEED_PARAMS = [pytest.param(s, id=f"seed{s}") for s in ZSET_SEEDS] + \
              [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")]


def _restore_config(*servers):
    for srv in servers:
        with RawConn(srv.port) as c:
            c.call("CONFIG", "SET", "zset-max-listpack-entries", "128")
            c.call("CONFIG", "SET", "zset-max-listpack-value", "64")


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", SEED_PARAMS)
def test_diff_zsets(oracle, cardinal, seed, proto):
    steps = ZGen(seed * 2 + proto).sequence(STEPS)
    try:
        ZDiffRunner(oracle.port, cardinal.port, proto, seed).check(steps)
    finally:
        _restore_config(oracle, cardinal)


def test_generator_covers_every_zset_command():
    names = set()
    for s in ZSET_SEEDS:
        for st in ZGen(s).sequence(STEPS):
            names.add(cmd_name(st.cmd))
    wanted = {"ZADD", "ZINCRBY", "ZREM", "ZCARD", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK",
              "ZCOUNT", "ZLEXCOUNT", "ZRANGE", "ZRANGESTORE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE",
              "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREVRANGE", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE",
              "ZREMRANGEBYLEX", "ZPOPMIN", "ZPOPMAX", "ZMPOP", "ZRANDMEMBER", "ZUNION", "ZINTER",
              "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD", "ZSCAN"}
    assert wanted <= names, sorted(wanted - names)


def test_scores_print_like_redis(oracle, cardinal):
    """Every score spelling through ZADD, ZINCRBY and ZSCORE in both encodings, both protocols."""
    values = ["0.1", "1.1", "3", "-0", "0", "1e300", "1e-5", "5e-324", "1.7976931348623157e308",
              "123456789012345678", "1e17", "1e18", "4611686018427387904", "9.2233720368547e18",
              "-1e18", "0.30000000000000004", "2.5e-3", "inf", "-inf", "1E2", "0x1p3", "100.5"]
    for enc_entries in ("128", "0"):
        for proto in (2, 3):
            replies = []
            for srv in (oracle, cardinal):
                with RawConn(srv.port) as c:
                    c.call("FLUSHALL")
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", enc_entries)
                    if proto == 3:
                        c.call("HELLO", "3")
                    out = []
                    for i, v in enumerate(values):
                        out.append(c.call("ZADD", "k", v, "m%d" % i))
                        out.append(c.call("ZSCORE", "k", "m%d" % i))
                        out.append(c.call("ZINCRBY", "k", "0.5", "m%d" % i))
                    out.append(c.call("ZRANGE", "k", "0", "-1", "WITHSCORES"))
                    out.append(c.call("ZSCAN", "k", "0", "COUNT", "1000"))
                    out.append(c.call("OBJECT", "ENCODING", "k"))
                    replies.append(out)
            if enc_entries == "0":  # skiplist ZSCAN order is the hash table's: compare sorted
                for r in replies:
                    node = parse_reply(r[-2])
                    vals = node.value[1].value
                    r[-2] = sorted((vals[i].value, vals[i + 1].value)
                                   for i in range(0, len(vals), 2))
            assert replies[0] == replies[1], (enc_entries, proto)
    _restore_config(oracle, cardinal)
