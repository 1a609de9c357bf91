"""Differential check of the hash commands against redis-server 7.0.15.

Seeded, deterministic command sequences (HSET, HSETNX, HGET, HMGET, HMSET, HDEL, HEXISTS, HLEN,
HSTRLEN, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN, plus OBJECT ENCODING,
TYPE, DEL, wrong-type keys, bad arity and CONFIG SET of hash-max-listpack-entries/-value on both
servers) go to a fresh Cardinal and a fresh redis-server, in RESP2 and RESP3. Replies are compared
byte for byte except where Redis's answer is legitimately unordered or random:

  * HGETALL / HKEYS / HVALS on a hashtable-encoded hash (per the oracle's OBJECT ENCODING):
    compared as sorted pairs / sorted lists. Listpack order (insertion order) must match exactly.
  * HRANDFIELD with a count: same reply type and length; the fields are checked against the
    oracle's hash (distinct for a positive count, values match their fields, RESP3 pairs).
    Without a count: a field of the hash, or the same null/error. When the count covers a
    listpack hash whole, the reply must match exactly (Redis returns it in order).
  * HSCAN: on a listpack hash (one call, cursor 0) exactly; otherwise iterated to completion on
    both sides and the field -> value maps compared (no field twice). Errors exactly.

Huge negative HRANDFIELD counts are only generated where Redis answers with an error: an
accepted one makes redis-server build the whole reply and exhaust memory.

Final state: every key's TYPE, OBJECT ENCODING and sorted HGETALL (or GET) are compared.
Seeds: DEFAULT_SEEDS plus env DIFF_SEED (random when unset); steps: env DIFF_HASH_STEPS.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import RawConn, parse_reply, Node
from test_differential import DiffRunner, Step, cmd_name, fmt, ENV_SEED, INT_VALUES, BAD_NUMBERS, \
    FLOAT_VALUES, SeededChooser, run_exact, supported_other_types

DEFAULT_SEEDS = [1, 2, 3, 42, 1337, 65537]
STEPS = int(os.environ.get("DIFF_HASH_STEPS", "1200"))

HASH_KEYS = [b"h0", b"h1", b"h2", b"h3"]
STRING_KEY = b"str"
OTHER_TYPE_SETUP = {  # used only when both servers know the command
    b"list": [b"RPUSH", b"list", b"a", b"b"],
    b"set": [b"SADD", b"set", b"m1", b"m2"],
    b"zset": [b"ZADD", b"zset", b"1", b"m"],
}
KEYS = HASH_KEYS + [STRING_KEY, b"list", b"set", b"zset", b"missing"]

FIELDS = [b"f0", b"f1", b"f2", b"f3", b"f4", b"f5", b"f6", b"f7", b"1", b"-1", b"100", b"",
          b"a\x00b", b"\r\n", b"x" * 63, b"y" * 64, b"z" * 65, b"9223372036854775807", b"007",
          b"fieldname-long-" * 5]
VALUES = [b"", b"v", b"hello", b"0", b"1", b"-1", b"42", b"007", b"-0", b"+1", b"1.5", b"1e3",
          b"3.0", b"inf", b"nan", b" 1", b"9223372036854775807", b"-9223372036854775808",
          b"9223372036854775808", b"x" * 63, b"y" * 64, b"z" * 65, b"w" * 300, b"\x00\xff",
          b"0x10", b"10.50", b"-1e308"]
RAND_COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"1000", b"-1", b"-2", b"-5", b"-10",
               b"-100", b"-1000", b"9223372036854775807", b"abc", b"", b"1.5",
               b"-9223372036854775809"]
RAND_COUNTS_WITHVALUES_ONLY = [b"4611686018427387903", b"4611686018427387904",
                               b"-4611686018427387904", b"-9223372036854775807"]
ALWAYS_ERRORS = [b"-9223372036854775808"]
CONFIG_ENTRIES = [b"0", b"1", b"2", b"3", b"4", b"8", b"512"]
CONFIG_VALUES = [b"0", b"1", b"3", b"8", b"64"]
MATCHES = [b"*", b"f*", b"f[0-4]", b"*1*", b"", b"\\*", b"?", b"x*"]

ARITY = {"HSET": -4, "HSETNX": 4, "HGET": 3, "HMGET": -3, "HMSET": -4, "HDEL": -3, "HEXISTS": 3,
         "HLEN": 2, "HSTRLEN": 3, "HKEYS": 2, "HVALS": 2, "HGETALL": 2, "HINCRBY": 4,
         "HINCRBYFLOAT": 4, "HRANDFIELD": -2, "HSCAN": -3}


class HashGenerator(SeededChooser):
    def __init__(self, seed: int, with_other_types: List[bytes], allow_config: bool = True):
        super().__init__(seed)
        self.other_types = with_other_types
        self.allow_config = allow_config
        self.weights = {
            "HSET": 8, "HSETNX": 2, "HGET": 3, "HMGET": 2, "HMSET": 2, "HDEL": 4, "HEXISTS": 1.5,
            "HLEN": 1.5, "HSTRLEN": 1.5, "HKEYS": 1.5, "HVALS": 1.5, "HGETALL": 3, "HINCRBY": 3,
            "HINCRBYFLOAT": 3, "HRANDFIELD": 3, "HSCAN": 2.5, "ENC": 3, "TYPE": 0.5, "DEL": 0.6,
            "EXISTS": 0.5, "CONFIG": 0.8 if allow_config else 0, "ARITY": 1, "MULTI": 0.6,
            "BULK": 0.4, "WRONGTYPE": 0.8,
        }

    def key(self) -> bytes:
        r = self.rng.random()
        if r < 0.85:
            return self.pick(HASH_KEYS)
        if r < 0.95:
            return STRING_KEY if not self.other_types or self.chance(0.5) else self.pick(self.other_types)
        return b"missing"

    def field(self) -> bytes:
        return self.pick(FIELDS)

    def value(self) -> bytes:
        return self.pick(VALUES)

    def setup(self) -> List[Step]:
        steps = [Step([b"SET", STRING_KEY, b"text"])]
        for k in self.other_types:
            steps.append(Step(OTHER_TYPE_SETUP[k]))
        return steps

    def gen(self, name: str) -> List[Step]:
        n, k = self.name, self.key
        if name in ("HSET", "HMSET"):
            c = [n(name), k()]
            for _ in range(self.rng.randint(1, 4)):
                c += [self.field(), self.value()]
            if self.chance(0.05):
                c.append(self.field())  # odd: wrong number of arguments
            return [Step(c)]
        if name == "HSETNX":
            return [Step([n(name), k(), self.field(), self.value()])]
        if name in ("HGET", "HEXISTS", "HSTRLEN"):
            return [Step([n(name), k(), self.field()])]
        if name in ("HMGET", "HDEL"):
            return [Step([n(name), k()] + [self.field() for _ in range(self.rng.randint(1, 4))])]
        if name in ("HLEN", "HKEYS", "HVALS", "HGETALL", "TYPE", "EXISTS"):
            return [Step([n(name), k()])]
        if name == "DEL":
            return [Step([n(name), k()])] if self.chance(0.6) else [Step([n(name), self.pick(HASH_KEYS)])]
        if name == "HINCRBY":
            incr = self.pick(INT_VALUES + BAD_NUMBERS + [b"1", b"1", b"-1", b"5"])
            return [Step([n(name), k(), self.field(), incr])]
        if name == "HINCRBYFLOAT":
            incr = self.pick(FLOAT_VALUES + [b"1", b"0.1", b"-2.5", b"1e300", b"-1e300", b"0"])
            return [Step([n(name), k(), self.field(), incr])]
        if name == "HRANDFIELD":
            return [self.gen_hrandfield()]
        if name == "HSCAN":
            return [self.scan_step("HSCAN", self.key(), MATCHES, "hscan")]
        if name == "ENC":
            return [Step([b"OBJECT", b"ENCODING", k()])]
        if name == "CONFIG":
            if self.chance(0.5):
                p = self.pick([b"hash-max-listpack-entries", b"hash-max-ziplist-entries"])
                return [Step([b"CONFIG", b"SET", p, self.pick(CONFIG_ENTRIES)], kind="config")]
            p = self.pick([b"hash-max-listpack-value", b"hash-max-ziplist-value"])
            return [Step([b"CONFIG", b"SET", p, self.pick(CONFIG_VALUES)], kind="config")]
        if name == "ARITY":
            cmd = self.pick(sorted(ARITY))
            need = abs(ARITY[cmd])
            argc = self.rng.randint(1, need - 1)
            if ARITY[cmd] > 0 and self.chance(0.3):
                argc = need + 1
            return [Step([cmd.encode()] + [self.pick([b"h0", b"f0", b"1"]) for _ in range(argc - 1)],
                         tag="arity")]
        if name == "MULTI":
            steps = [Step([b"MULTI"])]
            for _ in range(self.rng.randint(1, 5)):
                sub = self.pick(["HSET", "HSETNX", "HGET", "HMGET", "HDEL", "HLEN", "HINCRBY",
                                 "HINCRBYFLOAT", "HEXISTS", "HSTRLEN"])
                steps += self.gen(sub)
            steps.append(Step([self.pick([b"EXEC", b"EXEC", b"DISCARD"])]))
            return steps
        if name == "BULK":
            # Grow one hash past the default thresholds (and sometimes shrink it again).
            key = self.pick(HASH_KEYS)
            n_fields = self.pick([100, 511, 512, 513, 600])
            base = self.rng.randint(0, 1000)
            steps = []
            for start in range(0, n_fields, 100):
                c = [b"HSET", key]
                for i in range(start, min(n_fields, start + 100)):
                    c += [b"bulk:%d" % (base + i), b"%d" % i]
                steps.append(Step(c))
            if self.chance(0.4):
                c = [b"HDEL", key] + [b"bulk:%d" % (base + i) for i in range(n_fields)]
                steps.append(Step(c))
            return steps
        if name == "WRONGTYPE":
            key = self.pick([STRING_KEY] + self.other_types)
            cmd = self.pick(sorted(ARITY))
            args = {"HSET": [b"f", b"v"], "HSETNX": [b"f", b"v"], "HGET": [b"f"], "HMGET": [b"f"],
                    "HMSET": [b"f", b"v"], "HDEL": [b"f"], "HEXISTS": [b"f"], "HLEN": [],
                    "HSTRLEN": [b"f"], "HKEYS": [], "HVALS": [], "HGETALL": [],
                    "HINCRBY": [b"f", b"1"], "HINCRBYFLOAT": [b"f", b"1.5"], "HRANDFIELD": [b"2"],
                    "HSCAN": [b"0"]}[cmd]
            # The key may have become a hash meanwhile (DEL, then a hash write).
            kind = {"HSCAN": "hscan", "HRANDFIELD": "hrand"}.get(cmd, "cmd")
            return [Step([cmd.encode(), key] + args, kind=kind)]
        raise AssertionError(name)

    def gen_hrandfield(self) -> Step:
        c = [self.name("HRANDFIELD"), self.key()]
        r = self.rng.random()
        if r < 0.2:
            return Step(c, kind="hrand")
        if r < 0.85:
            c.append(self.pick(RAND_COUNTS))
            if self.chance(0.4):
                c.append(self.pick([b"WITHVALUES", b"withvalues"]))
        elif r < 0.93:
            c += [self.pick(RAND_COUNTS_WITHVALUES_ONLY), b"WITHVALUES"]
        else:
            c.append(self.pick(ALWAYS_ERRORS + RAND_COUNTS_WITHVALUES_ONLY))
            c += self.pick([[b"WITHVALUES"], [b"foo"], [b"WITHVALUES", b"x"]])
        return Step(c, kind="hrand")

    def sequence(self, n_steps: int) -> List[Step]:
        return self.weighted_sequence(self.setup(), n_steps)


# ---------------------------------------------------------------------------
# normalisation helpers

def pairs_of(node: Node) -> List[Tuple[bytes, bytes]]:
    """Field/value pairs of an HGETALL reply (RESP3 map or RESP2 flat array)."""
    if node.type == "map":
        return [(k.value, v.value) for k, v in node.value]
    vals = [x.value for x in node.value]
    return list(zip(vals[0::2], vals[1::2]))


def hash_state(conn: RawConn, key: bytes) -> Optional[Dict[bytes, bytes]]:
    node = parse_reply(conn.call(b"HGETALL", key))
    if node.type == "error":
        return None
    return dict(pairs_of(node))


def encoding(conn: RawConn, key: bytes) -> bytes:
    node = parse_reply(conn.call(b"OBJECT", b"ENCODING", key))
    return node.value if node.type == "bulk" else b""


class HashDiffRunner(DiffRunner):
    def __init__(self, oracle_port: int, target_port: int, proto: int, seed: int):
        super().__init__(oracle_port, target_port, proto, seed)
        self.in_multi = False

    def run(self, steps: List[Step]):
        for idx, st in enumerate(steps):
            self.history.append(f"    [{idx}] {' '.join(fmt(x, 60) for x in st.cmd)}")
            if st.kind == "hscan" and not self.in_multi:
                self.check_hscan(idx, st.cmd)
                continue
            ra = self.a.call(*st.cmd)
            rc = self.c.call(*st.cmd)
            name = cmd_name(st.cmd)
            if ra != rc and not self.in_multi:
                if st.kind == "hrand":
                    self.check_hrandfield(idx, st.cmd, ra, rc)
                elif not self.unordered_equal(st.cmd, ra, rc):
                    self.fail(idx, st.cmd, ra, rc)
            elif ra != rc:
                self.fail(idx, st.cmd, ra, rc)
            if name == "MULTI" and ra == b"+OK\r\n":
                self.in_multi = True
            elif name in ("EXEC", "DISCARD") and len(st.cmd) == 1:
                self.in_multi = False

    def unordered_equal(self, cmd, ra: bytes, rc: bytes) -> bool:
        name = cmd_name(cmd)
        if name not in ("HGETALL", "HKEYS", "HVALS") or len(cmd) != 2:
            return False
        if encoding(self.a, cmd[1]) != b"hashtable":
            return False  # listpack order is insertion order: must match exactly
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type != nc.type:
            return False
        if name == "HGETALL":
            return sorted(pairs_of(na)) == sorted(pairs_of(nc))
        return sorted(x.value for x in na.value) == sorted(x.value for x in nc.value)

    def check_hrandfield(self, idx, cmd, ra: bytes, rc: bytes):
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type != nc.type or na.type in ("error", "null"):
            self.fail(idx, cmd, ra, rc)
        state = hash_state(self.a, cmd[1]) or {}
        if len(cmd) == 2:
            if nc.type != "bulk" or nc.value not in state:
                self.fail(idx, cmd, ra, rc, "HRANDFIELD field not in hash")
            return
        count = int(cmd[2])
        withvalues = len(cmd) == 4
        if len(na.value) != len(nc.value):
            self.fail(idx, cmd, ra, rc, "HRANDFIELD reply length")
        if withvalues and self.proto == 3:
            items = []
            for p in nc.value:
                if p.type != "array" or len(p.value) != 2:
                    self.fail(idx, cmd, ra, rc, "HRANDFIELD RESP3 pair shape")
                items.append((p.value[0].value, p.value[1].value))
        elif withvalues:
            vals = [x.value for x in nc.value]
            items = list(zip(vals[0::2], vals[1::2]))
        else:
            items = [(x.value, None) for x in nc.value]
        for f, v in items:
            if f not in state or (withvalues and state[f] != v):
                self.fail(idx, cmd, ra, rc, "HRANDFIELD pair not in hash")
        fields = [f for f, _ in items]
        if count > 0 and len(set(fields)) != len(fields):
            self.fail(idx, cmd, ra, rc, "HRANDFIELD positive count repeated a field")
        if count > 0 and count >= len(state) > 0 and encoding(self.a, cmd[1]) == b"listpack":
            self.fail(idx, cmd, ra, rc, "HRANDFIELD whole listpack hash must match exactly")

    def scan_all(self, conn: RawConn, cmd) -> Tuple[Optional[Dict[bytes, bytes]], bytes, bool]:
        """Iterates HSCAN to completion: (pairs, error reply, saw a duplicate field)."""
        cursor = cmd[2]
        pairs: Dict[bytes, bytes] = {}
        dup = False
        for _ in range(100000):
            raw = conn.call(*([cmd[0], cmd[1], cursor] + list(cmd[3:])))
            node = parse_reply(raw)
            if node.type != "array":
                return None, raw, dup
            cursor = node.value[0].value
            vals = [x.value for x in node.value[1].value]
            for f, v in zip(vals[0::2], vals[1::2]):
                dup = dup or f in pairs
                pairs[f] = v
            if cursor == b"0":
                return pairs, b"", dup
        raise AssertionError("HSCAN did not finish")

    def check_hscan(self, idx, cmd):
        ra = self.a.call(*cmd)
        rc = self.c.call(*cmd)
        if ra == rc:
            return
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type == "error" or nc.type == "error" or encoding(self.a, cmd[1]) != b"hashtable":
            self.fail(idx, cmd, ra, rc)
        if cmd[2] != b"0":
            # An arbitrary cursor means different things in the two tables: shape only.
            if nc.type != "array" or len(nc.value) != 2:
                self.fail(idx, cmd, ra, rc, "HSCAN shape")
            return
        pa, ea, _ = self.scan_all(self.a, cmd)
        pc, ec, dup = self.scan_all(self.c, cmd)
        if pa != pc or ea != ec or dup:
            self.fail(idx, cmd, repr(sorted((pa or {}).items())).encode() + ea,
                      repr(sorted((pc or {}).items())).encode() + ec, "HSCAN iteration")

    def compare_state(self):
        for conn in (self.a, self.c):
            conn.call("DISCARD")
        ka = sorted(parse_reply(self.a.call("KEYS", "*")).py())
        kc = sorted(parse_reply(self.c.call("KEYS", "*")).py())
        if ka != kc:
            self.fail(-1, [b"KEYS", b"*"], repr(ka).encode(), repr(kc).encode(), "final key set")
        for k in ka:
            dumps = []
            for conn in (self.a, self.c):
                typ = conn.call("TYPE", k)
                if typ == b"+hash\r\n":
                    val = repr(sorted(hash_state(conn, k).items())).encode()
                elif typ == b"+string\r\n":
                    val = conn.call("GET", k)
                else:
                    val = b""
                dumps.append((typ, encoding(conn, k), val))
            if dumps[0] != dumps[1]:
                self.fail(-1, [b"DUMP", k], repr(dumps[0]).encode(), repr(dumps[1]).encode(),
                          "final state")



SEED_PARAMS = [pytest.param(s, id=f"seed{s}") for s in DEFAULT_SEEDS] + \
              [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")]



@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", SEED_PARAMS)
def test_diff_hashes(server_pair, seed, proto):
    oracle, target = server_pair
    others = supported_other_types(oracle.port, target.port, OTHER_TYPE_SETUP)
    steps = HashGenerator(seed, others).sequence(STEPS)
    HashDiffRunner(oracle.port, target.port, proto, seed).check(steps)



def test_encoding_conversion_edges(server_pair):
    """OBJECT ENCODING after the writes at each threshold, compared with Redis."""
    oracle, target = server_pair
    cmds = []

    def enc(k):
        cmds.append([b"OBJECT", b"ENCODING", k])

    for n, key in ((512, b"e512"), (513, b"e513")):
        for i in range(n):
            cmds.append([b"HSET", key, b"f%d" % i, b"v"])
        enc(key)
        cmds.append([b"HGETALL", key] if n == 512 else [b"HLEN", key])
    for length in (63, 64, 65):
        cmds += [[b"HSET", b"v%d" % length, b"f", b"x" * length]]
        enc(b"v%d" % length)
        cmds += [[b"HSET", b"k%d" % length, b"x" * length, b"v"]]
        enc(b"k%d" % length)
    # HSETNX on an existing field never converts; on a new long one it does.
    cmds += [[b"HSET", b"nx", b"f", b"1"], [b"HSETNX", b"nx", b"f", b"z" * 100]]
    enc(b"nx")
    cmds += [[b"HSETNX", b"nx", b"g", b"z" * 100]]
    enc(b"nx")
    # HINCRBYFLOAT results longer than the value limit convert.
    cmds += [[b"HSET", b"fl", b"f", b"1"], [b"HINCRBYFLOAT", b"fl", b"f", b"0.5"]]
    enc(b"fl")
    cmds += [[b"HINCRBYFLOAT", b"fl", b"f", b"1e300"]]
    enc(b"fl")
    cmds += [[b"HGET", b"fl", b"f"]]
    # Lowered thresholds: the next write converts, reads and deletes do not.
    cmds += [[b"HSET", b"low", b"a", b"1", b"b", b"2", b"c", b"3"],
             [b"CONFIG", b"SET", b"hash-max-listpack-entries", b"2"],
             [b"HGET", b"low", b"a"], [b"HDEL", b"low", b"zz"]]
    enc(b"low")
    cmds += [[b"HDEL", b"low", b"c"]]
    enc(b"low")
    cmds += [[b"HSET", b"low", b"a", b"9"]]
    enc(b"low")
    cmds += [[b"HDEL", b"low", b"a"]]
    enc(b"low")  # never converts back
    cmds += [[b"CONFIG", b"SET", b"hash-max-listpack-entries", b"0"], [b"HSET", b"zero", b"a", b"1"]]
    enc(b"zero")
    cmds += [[b"CONFIG", b"SET", b"hash-max-listpack-entries", b"512"],
             [b"CONFIG", b"SET", b"hash-max-listpack-value", b"0"],
             [b"HSET", b"empty", b"", b""]]
    enc(b"empty")
    cmds += [[b"HSET", b"empty", b"", b"1"]]
    enc(b"empty")
    cmds += [[b"CONFIG", b"SET", b"hash-max-listpack-value", b"3"],
             [b"HSET", b"inc", b"f", b"1"], [b"HINCRBY", b"inc", b"f", b"998"]]
    enc(b"inc")
    cmds += [[b"HINCRBY", b"inc", b"f", b"1"]]
    enc(b"inc")
    cmds += [[b"HSET", b"inc2", b"f", b"1"], [b"HINCRBY", b"inc2", b"long", b"1"]]
    enc(b"inc2")
    cmds += [[b"HSET", b"mix", b"a", b"1", b"b", b"1234"]]
    enc(b"mix")
    run_exact(oracle.port, target.port, cmds)


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_big_hash_scan_and_random(oracle, cardinal, proto):
    """A 3000-field hash: HSCAN with each COUNT covers the same pairs; HRANDFIELD shapes."""
    n = 3000
    with RawConn(oracle.port) as a, RawConn(cardinal.port) as c:
        for conn in (a, c):
            if proto == 3:
                conn.call("HELLO", "3")
            for start in range(0, n, 500):
                args = [b"HSET", b"big"]
                for i in range(start, start + 500):
                    args += [b"field:%d" % i, b"value:%d" % i]
                conn.call(*args)
        runner = HashDiffRunner(oracle.port, cardinal.port, proto, 0)
        try:
            if proto == 3:
                runner.a.call("HELLO", "3")
                runner.c.call("HELLO", "3")
            for count in (b"1", b"10", b"1000", b"100000"):
                for match in (b"*", b"field:1*"):
                    runner.check_hscan(0, [b"HSCAN", b"big", b"0", b"COUNT", count, b"MATCH", match])
            for args in ([b"5"], [b"-5"], [b"2999", b"WITHVALUES"], [b"-3000", b"WITHVALUES"],
                         [b"3000"], [b"100000", b"WITHVALUES"], [b"999"], [b"1001"]):
                cmd = [b"HRANDFIELD", b"big"] + args
                runner.check_hrandfield(0, cmd, runner.a.call(*cmd), runner.c.call(*cmd))
            for cmd in ([b"HLEN", b"big"], [b"OBJECT", b"ENCODING", b"big"], [b"HGET", b"big", b"field:7"],
                        [b"HSTRLEN", b"big", b"field:2999"]):
                assert runner.a.call(*cmd) == runner.c.call(*cmd), cmd
            for cmd in ([b"HGETALL", b"big"], [b"HKEYS", b"big"], [b"HVALS", b"big"]):
                ra, rc = runner.a.call(*cmd), runner.c.call(*cmd)
                assert runner.unordered_equal(cmd, ra, rc), cmd
            # Delete everything: the key disappears on both.
            for start in range(0, n, 500):
                cmd = [b"HDEL", b"big"] + [b"field:%d" % i for i in range(start, start + 500)]
                assert runner.a.call(*cmd) == runner.c.call(*cmd) == b":500\r\n"
            assert runner.a.call("EXISTS", "big") == runner.c.call("EXISTS", "big") == b":0\r\n"
        finally:
            runner.close()


def test_command_info_matches_redis(oracle, cardinal):
    """Arity, flags, key positions and ACL categories of every hash command, as Redis has them
    (the 7.0 reply's tips, key specs and subcommands aside)."""
    with RawConn(oracle.port) as a, RawConn(cardinal.port) as c:
        for name in ARITY:
            ia = parse_reply(a.call("COMMAND", "INFO", name)).py()[0]
            ic = parse_reply(c.call("COMMAND", "INFO", name)).py()[0]
            assert ia[:7] == ic[:7], (name, ia[:7], ic[:7])


def test_generator_covers_every_hash_command():
    """With the default seeds every hash command is generated, valid and with a bad arity, and
    the thresholds are changed on the fly."""
    seen, arity, kinds = set(), set(), set()
    for s in DEFAULT_SEEDS:
        for st in HashGenerator(s, []).sequence(STEPS):
            (arity if st.tag == "arity" else seen).add(cmd_name(st.cmd))
            kinds.add(st.kind)
    assert set(ARITY) <= seen, set(ARITY) - seen
    assert set(ARITY) <= arity, set(ARITY) - arity
    assert {"config", "hscan", "hrand"} <= kinds
