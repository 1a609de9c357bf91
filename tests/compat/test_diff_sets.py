"""Differential check of the set commands against redis-server 7.0.15.

Seeded, deterministic command sequences (SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD,
SPOP, SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF,
SDIFFSTORE, SSCAN, plus OBJECT ENCODING, TYPE, DEL, EXISTS, wrong-type keys, bad arity, MULTI
blocks and CONFIG SET set-max-intset-entries on both servers) go to a fresh Cardinal and a fresh
redis-server, in RESP2 and RESP3. Replies are compared byte for byte except where Redis's answer
is legitimately unordered or random:

  * SMEMBERS of a hashtable-encoded set (per the oracle's OBJECT ENCODING): same reply type,
    sorted members compared. An intset replies in ascending order on both: exact.
  * SINTER / SUNION / SDIFF: same reply type, sorted members (the order follows hash tables).
  * SRANDMEMBER: same type and length; members belong to the set, distinct for a positive
    count; a count covering an intset whole must match exactly (ascending order).
  * SPOP: same type and length; popped members belong to the set before the pop, distinct,
    and gone after it; the encoding of what is left follows Redis's rule (a set left with few
    members is rebuilt from them, so it can become an intset again). The two servers then
    hold different sets, so Cardinal's is brought back in line with the oracle's (SADD / SREM
    of the differences), or, where that could change an encoding, both are rebuilt
    identically.
  * SSCAN: on an intset exactly (one call, cursor 0); otherwise iterated to completion on both
    sides from cursor 0 and the member sets compared (Cardinal must not repeat a member).

Huge negative SRANDMEMBER counts are only generated where Redis answers with an error: an
accepted one makes redis-server build the whole reply and exhaust memory.

Final state: every key's TYPE, OBJECT ENCODING and sorted SMEMBERS (or GET) are compared.
Seeds: DEFAULT_SEEDS plus env DIFF_SEED (random when unset); steps: env DIFF_SET_STEPS.
"""

from __future__ import annotations

import os
from typing import List, Optional, Set, Tuple

import pytest

from conftest import RawConn, parse_reply
from test_differential import (DiffRunner, Step, SeededChooser, cmd_name, fmt, ENV_SEED, run_exact,
                               supported_other_types)

DEFAULT_SEEDS = [1, 2, 3, 42, 1337, 65537]
STEPS = int(os.environ.get("DIFF_SET_STEPS", "1200"))

SET_KEYS = [b"s0", b"s1", b"s2", b"s3"]
STRING_KEY = b"str"
OTHER_TYPE_SETUP = {  # used only when both servers know the command
    b"list": [b"RPUSH", b"list", b"a", b"b"],
    b"hash": [b"HSET", b"hash", b"f", b"v"],
    b"zset": [b"ZADD", b"zset", b"1", b"m"],
}
MISSING = b"missing"

INT_MEMBERS = [b"0", b"1", b"-1", b"2", b"3", b"5", b"7", b"10", b"42", b"100", b"-100", b"255",
               b"32767", b"-32768", b"32768", b"-32769", b"65536", b"2147483647", b"-2147483648",
               b"2147483648", b"-2147483649", b"4294967296", b"9223372036854775807",
               b"-9223372036854775808", b"123456789012"]
# Look like integers but are not canonical: always strings (hashtable).
NEAR_INTS = [b"01", b" 1", b"1 ", b"-0", b"+1", b"00", b"1.0", b"9223372036854775808",
             b"-9223372036854775809", b"0x10", b"1e3"]
STR_MEMBERS = [b"a", b"b", b"c", b"d", b"hello", b"", b"\x00", b"a\x00b", b"\r\n", b"\xff\xfe",
               b"x" * 63, b"y" * 300, b"member:1", b"member:2", b"member:3"]
SRAND_COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"1000", b"-1", b"-2", b"-5",
                b"-10", b"-100", b"-1000", b"9223372036854775807", b"-9223372036854775808",
                b"abc", b"", b"1.5", b"-9223372036854775809", b"9223372036854775808", b"+1"]
SPOP_COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"600", b"9223372036854775807", b"-1",
               b"-9223372036854775808", b"abc", b"", b"1.5", b"+1"]
CONFIG_ENTRIES = [b"0", b"1", b"2", b"3", b"4", b"8", b"16", b"512", b"512", b"512"]
MATCHES = [b"*", b"1*", b"*1", b"[a-c]", b"member:*", b"", b"\\*", b"?"]

ARITY = {"SADD": -3, "SREM": -3, "SISMEMBER": 3, "SMISMEMBER": -3, "SMEMBERS": 2, "SCARD": 2,
         "SPOP": -2, "SRANDMEMBER": -2, "SMOVE": 4, "SINTER": -2, "SINTERCARD": -3,
         "SINTERSTORE": -3, "SUNION": -2, "SUNIONSTORE": -3, "SDIFF": -2, "SDIFFSTORE": -3,
         "SSCAN": -3}
# Commands whose replies are deterministic, safe inside MULTI/EXEC.
TXN_SAFE = ["SADD", "SREM", "SISMEMBER", "SMISMEMBER", "SCARD", "SMOVE", "SINTERCARD",
            "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ENC"]
UNORDERED = ("SINTER", "SUNION", "SDIFF")


class SetGenerator(SeededChooser):
    def __init__(self, seed: int, with_other_types: List[bytes], allow_config: bool = True):
        super().__init__(seed)
        self.other_types = with_other_types
        self.allow_config = allow_config
        self.weights = {
            "SADD": 8, "SREM": 4, "SISMEMBER": 1.5, "SMISMEMBER": 1.5, "SMEMBERS": 3,
            "SCARD": 1.5, "SPOP": 3, "SRANDMEMBER": 3, "SMOVE": 2, "SINTER": 2, "SUNION": 2,
            "SDIFF": 2, "SINTERSTORE": 1.5, "SUNIONSTORE": 1.5, "SDIFFSTORE": 1.5,
            "SINTERCARD": 2, "SSCAN": 2, "ENC": 3, "TYPE": 0.4, "DEL": 0.6, "EXISTS": 0.4,
            "CONFIG": 0.8 if allow_config else 0, "ARITY": 1, "MULTI": 0.6, "BULK": 0.4,
            "WRONGTYPE": 0.8,
        }

    def key(self) -> bytes:
        r = self.rng.random()
        if r < 0.86:
            return self.pick(SET_KEYS)
        if r < 0.95:
            if not self.other_types or self.chance(0.5):
                return STRING_KEY
            return self.pick(self.other_types)
        return MISSING

    def keys(self, lo: int = 1, hi: int = 4) -> List[bytes]:
        out = [self.pick(SET_KEYS) if self.chance(0.9) else self.key()
               for _ in range(self.rng.randint(lo, hi))]
        return out

    def member(self) -> bytes:
        r = self.rng.random()
        if r < 0.55:
            return self.pick(INT_MEMBERS)
        if r < 0.65:
            return self.pick(NEAR_INTS)
        return self.pick(STR_MEMBERS)

    def members(self, lo=1, hi=5) -> List[bytes]:
        # Keys lean integer-only or string-heavy so both encodings stay common.
        ints_only = self.chance(0.5)
        return [self.pick(INT_MEMBERS) if ints_only else self.member()
                for _ in range(self.rng.randint(lo, hi))]

    def setup(self) -> List[Step]:
        steps = [Step([b"SET", STRING_KEY, b"text"])]
        for k in self.other_types:
            steps.append(Step(OTHER_TYPE_SETUP[k]))
        return steps

    def gen(self, name: str) -> List[Step]:
        n, k = self.name, self.key
        if name in ("SADD", "SREM"):
            return [Step([n(name), k()] + self.members())]
        if name == "SISMEMBER":
            return [Step([n(name), k(), self.member()])]
        if name == "SMISMEMBER":
            return [Step([n(name), k()] + self.members(1, 4))]
        if name in ("SMEMBERS", "SCARD", "TYPE", "EXISTS"):
            return [Step([n(name), k()])]
        if name == "DEL":
            return [Step([n(name), k() if self.chance(0.6) else self.pick(SET_KEYS)])]
        if name == "SPOP":
            c = [n(name), k()]
            if self.chance(0.7):
                c.append(self.pick(SPOP_COUNTS))
            if self.chance(0.03):
                c.append(b"1")  # syntax error
            return [Step(c, kind="spop")]
        if name == "SRANDMEMBER":
            c = [n(name), k()]
            if self.chance(0.8):
                c.append(self.pick(SRAND_COUNTS))
            if self.chance(0.03):
                c.append(b"1")
            return [Step(c, kind="srand")]
        if name == "SMOVE":
            src = k()
            dst = src if self.chance(0.1) else k()
            return [Step([n(name), src, dst, self.member()])]
        if name in UNORDERED:
            return [Step([n(name)] + self.keys())]
        if name in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
            dst = self.pick(SET_KEYS + [STRING_KEY, MISSING, b"dst"])
            return [Step([n(name), dst] + self.keys())]
        if name == "SINTERCARD":
            return [self.gen_sintercard()]
        if name == "SSCAN":
            return [self.scan_step("SSCAN", self.key(), MATCHES, "sscan")]
        if name == "ENC":
            return [Step([b"OBJECT", b"ENCODING", k()])]
        if name == "CONFIG":
            return [Step([b"CONFIG", b"SET", b"set-max-intset-entries", self.pick(CONFIG_ENTRIES)])]
        if name == "ARITY":
            cmd = self.pick(sorted(ARITY))
            need = abs(ARITY[cmd])
            argc = self.rng.randint(1, need - 1)
            if ARITY[cmd] > 0 and self.chance(0.3):
                argc = need + 1
            return [Step([cmd.encode()] + [self.pick([b"s0", b"a", b"1"]) for _ in range(argc - 1)],
                         tag="arity")]
        if name == "MULTI":
            steps = [Step([b"MULTI"])]
            for _ in range(self.rng.randint(1, 5)):
                steps += self.gen(self.pick(TXN_SAFE))
            steps.append(Step([self.pick([b"EXEC", b"EXEC", b"DISCARD"])]))
            return steps
        if name == "BULK":
            # Grow one set across the default intset limit (and sometimes shrink it again).
            key = self.pick(SET_KEYS)
            n_members = self.pick([100, 511, 512, 513, 600])
            base = self.rng.randint(-1000, 1000)
            strings = self.chance(0.25)
            fmt_member = (lambda i: b"bulk:%d" % i) if strings else (lambda i: b"%d" % i)
            steps = []
            for start in range(0, n_members, 100):
                chunk = range(start, min(n_members, start + 100))
                steps.append(Step([b"SADD", key] + [fmt_member(base + i) for i in chunk]))
            if self.chance(0.4):
                steps.append(Step([b"SREM", key] + [fmt_member(base + i)
                                                    for i in range(0, n_members, 2)]))
            return steps
        if name == "WRONGTYPE":
            key = self.pick([STRING_KEY] + self.other_types)
            cmd = self.pick(sorted(ARITY))
            other = self.pick(SET_KEYS)
            args = {"SADD": [key, b"m"], "SREM": [key, b"m"], "SISMEMBER": [key, b"m"],
                    "SMISMEMBER": [key, b"m"], "SMEMBERS": [key], "SCARD": [key],
                    "SPOP": [key, b"1"], "SRANDMEMBER": [key, b"2"], "SMOVE": [other, key, b"1"],
                    "SINTER": [other, key], "SINTERCARD": [b"2", other, key],
                    "SINTERSTORE": [b"dst", other, key], "SUNION": [key, other],
                    "SUNIONSTORE": [b"dst", key], "SDIFF": [MISSING, key],
                    "SDIFFSTORE": [b"dst", other, key], "SSCAN": [key, b"0"]}[cmd]
            # The key may have become a set meanwhile (DEL, then a set write).
            kind = {"SSCAN": "sscan", "SRANDMEMBER": "srand", "SPOP": "spop"}.get(cmd, "cmd")
            return [Step([cmd.encode()] + args, kind=kind)]
        raise AssertionError(name)

    def gen_sintercard(self) -> Step:
        keys = self.keys(1, 3)
        r = self.rng.random()
        if r < 0.8:
            numkeys = b"%d" % len(keys)
        else:
            numkeys = self.pick([b"0", b"-1", b"abc", b"%d" % (len(keys) + 1),
                                 b"99999999999999999999", b"2147483648", b""])
        c = [self.name("SINTERCARD"), numkeys] + keys
        if self.chance(0.5):
            c += [self.pick([b"LIMIT", b"limit"]), self.pick([b"0", b"1", b"2", b"3", b"100", b"-1",
                                                              b"abc", b""])]
        if self.chance(0.05):
            c += self.pick([[b"LIMIT"], [b"FOO", b"1"], [b"LIMIT", b"1", b"x"]])
        return Step(c)

    def sequence(self, n_steps: int) -> List[Step]:
        return self.weighted_sequence(self.setup(), n_steps)


# ---------------------------------------------------------------------------
# normalisation helpers

def set_state(conn: RawConn, key: bytes) -> Optional[Set[bytes]]:
    """Members of `key` (empty when absent), or None when it is not a set."""
    node = parse_reply(conn.call(b"SMEMBERS", key))
    if node.type == "error":
        return None
    return {x.value for x in node.value}


def encoding(conn: RawConn, key: bytes) -> bytes:
    node = parse_reply(conn.call(b"OBJECT", b"ENCODING", key))
    return node.value if node.type == "bulk" else b""


def max_intset(conn: RawConn) -> int:
    vals = parse_reply(conn.call(b"CONFIG", b"GET", b"set-max-intset-entries")).py()
    return int(vals[1]) if isinstance(vals, list) else int(list(vals.values())[0])


def is_int(m: bytes) -> bool:
    try:
        v = int(m)
    except ValueError:
        return False
    return str(v).encode() == m and -2**63 <= v < 2**63


class SetDiffRunner(DiffRunner):
    def __init__(self, oracle_port: int, target_port: int, proto: int, seed: int):
        super().__init__(oracle_port, target_port, proto, seed)
        self.in_multi = False
        self.resyncs = 0

    def run(self, steps: List[Step]):
        for idx, st in enumerate(steps):
            self.history.append(f"    [{idx}] {' '.join(fmt(x, 60) for x in st.cmd)}")
            name = cmd_name(st.cmd)
            if not self.in_multi and st.kind == "sscan":
                self.check_sscan(idx, st.cmd)
                continue
            if not self.in_multi and st.kind == "spop":
                self.check_spop(idx, st.cmd)
                continue
            ra = self.a.call(*st.cmd)
            rc = self.c.call(*st.cmd)
            if ra != rc:
                if self.in_multi:
                    self.fail(idx, st.cmd, ra, rc)
                elif st.kind == "srand":
                    self.check_srandmember(idx, st.cmd, ra, rc)
                elif not self.unordered_equal(st.cmd, ra, rc):
                    self.fail(idx, st.cmd, ra, rc)
            if name == "MULTI" and ra == b"+OK\r\n":
                self.in_multi = True
            elif name in ("EXEC", "DISCARD") and len(st.cmd) == 1:
                self.in_multi = False

    def unordered_equal(self, cmd, ra: bytes, rc: bytes) -> bool:
        name = cmd_name(cmd)
        if name == "SMEMBERS" and len(cmd) == 2:
            if encoding(self.a, cmd[1]) == b"intset":
                return False  # ascending on both: must match exactly
        elif name not in UNORDERED:
            return False
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type != nc.type or na.type not in ("array", "set"):
            return False
        return sorted(x.value for x in na.value) == sorted(x.value for x in nc.value)

    def check_srandmember(self, idx, cmd, ra: bytes, rc: bytes):
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type != nc.type or na.type in ("error", "null"):
            self.fail(idx, cmd, ra, rc)
        state = set_state(self.a, cmd[1]) or set()
        if len(cmd) == 2:
            if nc.type != "bulk" or nc.value not in state:
                self.fail(idx, cmd, ra, rc, "SRANDMEMBER member not in set")
            return
        count = int(cmd[2])
        got = [x.value for x in nc.value]
        if len(na.value) != len(got):
            self.fail(idx, cmd, ra, rc, "SRANDMEMBER reply length")
        if any(m not in state for m in got):
            self.fail(idx, cmd, ra, rc, "SRANDMEMBER member not in set")
        if count > 0 and len(set(got)) != len(got):
            self.fail(idx, cmd, ra, rc, "SRANDMEMBER positive count repeated a member")
        if count > 0 and count >= len(state) > 0 and encoding(self.a, cmd[1]) == b"intset":
            self.fail(idx, cmd, ra, rc, "SRANDMEMBER whole intset must match exactly")

    def check_spop(self, idx, cmd):
        key = cmd[1]
        before = set_state(self.a, key)
        enc_before = encoding(self.a, key)
        ra = self.a.call(*cmd)
        rc = self.c.call(*cmd)
        na, nc = parse_reply(ra), parse_reply(rc)
        if ra == rc and na.type in ("error", "null"):
            return
        if na.type != nc.type or na.type in ("error", "null"):
            self.fail(idx, cmd, ra, rc)
        popped_a = [na.value] if na.type == "bulk" else [x.value for x in na.value]
        popped_c = [nc.value] if nc.type == "bulk" else [x.value for x in nc.value]
        before = before or set()
        if len(popped_a) != len(popped_c) or len(set(popped_c)) != len(popped_c) or \
                any(m not in before for m in popped_c):
            self.fail(idx, cmd, ra, rc, "SPOP popped members")
        after_c = set_state(self.c, key)
        if after_c != before - set(popped_c):
            self.fail(idx, cmd, ra, rc, "SPOP left the wrong members")
        if after_c:
            # Redis's encoding rule: when few members stay (remaining * 5 <= count) the set is
            # rebuilt from the kept members (intset again if they are all integers, within the
            # limit); otherwise the encoding does not change.
            count, remaining = len(popped_c), len(after_c)
            if na.type != "bulk" and remaining * 5 <= count:
                want = b"intset" if all(is_int(m) for m in after_c) and \
                    remaining <= max_intset(self.c) else b"hashtable"
            else:
                want = enc_before
            if encoding(self.c, key) != want:
                self.fail(idx, cmd, want, encoding(self.c, key), "SPOP encoding of the rest")
        if set(popped_a) == set(popped_c):
            return
        self.resync(idx, cmd, key, set(popped_a), set(popped_c))

    def resync(self, idx, cmd, key: bytes, popped_a: Set[bytes], popped_c: Set[bytes]):
        """Makes Cardinal's `key` equal the oracle's after both popped different members."""
        self.resyncs += 1
        enc = encoding(self.a, key)
        target = set_state(self.a, key)
        to_add = sorted(popped_c - popped_a)
        to_remove = sorted(popped_a - popped_c)
        # Adds first, so Cardinal's set never empties (which would delete and recreate it); on
        # an intset that may only pass through sizes the oracle's intset limit allows.
        if enc == b"intset" and len(target) + len(to_remove) > max_intset(self.a):
            self.rebuild_both(key, target)
        else:
            if to_add:
                self.c.call(*([b"SADD", key] + to_add))
            if to_remove:
                self.c.call(*([b"SREM", key] + to_remove))
            if encoding(self.c, key) != enc:
                # The sets kept differ, and so may their encodings after a rebuilding SPOP.
                self.rebuild_both(key, target)
        ea, ec = encoding(self.a, key), encoding(self.c, key)
        sa, sc = set_state(self.a, key), set_state(self.c, key)
        if ea != ec or sa != sc:
            self.fail(idx, cmd, repr((ea, sorted(sa or ()))).encode(),
                      repr((ec, sorted(sc or ()))).encode(), "state after SPOP resync")

    def rebuild_both(self, key: bytes, members: Set[bytes]):
        """The same set, built the same way on both servers."""
        for conn in (self.a, self.c):
            conn.call(b"DEL", key)
            conn.call(*([b"SADD", key] + sorted(members)))

    def scan_all(self, conn: RawConn, cmd) -> Tuple[Optional[Set[bytes]], bytes, bool]:
        """Iterates SSCAN to completion: (members, error reply, saw a duplicate)."""
        cursor = cmd[2]
        members: Set[bytes] = set()
        dup = False
        for _ in range(100000):
            raw = conn.call(*([cmd[0], cmd[1], cursor] + list(cmd[3:])))
            node = parse_reply(raw)
            if node.type != "array":
                return None, raw, dup
            cursor = node.value[0].value
            for x in node.value[1].value:
                dup = dup or x.value in members
                members.add(x.value)
            if cursor == b"0":
                return members, b"", dup
        raise AssertionError("SSCAN did not finish")

    def check_sscan(self, idx, cmd):
        ra = self.a.call(*cmd)
        rc = self.c.call(*cmd)
        if ra == rc:
            if parse_reply(rc).type != "array" or encoding(self.a, cmd[1]) != b"hashtable" \
                    or cmd[2] != b"0":
                return
        na, nc = parse_reply(ra), parse_reply(rc)
        if na.type == "error" or nc.type == "error" or encoding(self.a, cmd[1]) != b"hashtable":
            self.fail(idx, cmd, ra, rc)
        if cmd[2] != b"0":
            # An arbitrary cursor means different things in the two tables: shape only.
            if nc.type != "array" or len(nc.value) != 2:
                self.fail(idx, cmd, ra, rc, "SSCAN shape")
            return
        ma, ea, _ = self.scan_all(self.a, cmd)
        mc, ec, dup = self.scan_all(self.c, cmd)
        if ma != mc or ea != ec or dup:
            self.fail(idx, cmd, repr(sorted(ma or ())).encode() + ea,
                      repr(sorted(mc or ())).encode() + ec, "SSCAN iteration")

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
                if typ == b"+set\r\n":
                    val = repr(sorted(set_state(conn, k))).encode()
                elif typ == b"+string\r\n":
                    val = conn.call("GET", k)
                else:
                    val = b""
                dumps.append((typ, encoding(conn, k), val))
            if dumps[0] != dumps[1]:
                self.fail(-1, [b"DUMP", k], repr(dumps[0]).encode(), repr(dumps[1]).encode(),
                          "final state")
            # An intset holds only canonical integers.
            if dumps[1][1] == b"intset":
                assert all(is_int(m) for m in set_state(self.c, k)), k



SEED_PARAMS = [pytest.param(s, id=f"seed{s}") for s in DEFAULT_SEEDS] + \
              [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")]



@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", SEED_PARAMS)
def test_diff_sets(server_pair, seed, proto):
    oracle, target = server_pair
    others = supported_other_types(oracle.port, target.port, OTHER_TYPE_SETUP)
    steps = SetGenerator(seed, others).sequence(STEPS)
    SetDiffRunner(oracle.port, target.port, proto, seed).check(steps)


def test_generator_covers_every_set_command():
    seen = set()
    for s in DEFAULT_SEEDS:
        for st in SetGenerator(s, [b"list", b"hash", b"zset"]).sequence(STEPS):
            if st.tag != "arity":
                seen.add(cmd_name(st.cmd))
    assert set(ARITY) <= seen, sorted(set(ARITY) - seen)



@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_encoding_conversion_edges(server_pair, proto):
    """OBJECT ENCODING (and intset contents, ascending) at each conversion point."""
    oracle, target = server_pair
    cmds = []

    def enc(k):
        cmds.append([b"OBJECT", b"ENCODING", k])

    for n, key in ((512, b"e512"), (513, b"e513")):
        for start in range(0, n, 100):
            chunk = range(start, min(n, start + 100))
            cmds.append([b"SADD", key] + [b"%d" % (i * 7 - 1000) for i in chunk])
        enc(key)
        cmds.append([b"SMEMBERS", key] if n == 512 else [b"SCARD", key])
    for m in INT_MEMBERS + NEAR_INTS + [b"a"]:
        cmds += [[b"DEL", b"t"], [b"SADD", b"t", b"5", m]]
        enc(b"t")
        cmds.append([b"SMEMBERS", b"t"] if is_int(m) else [b"SISMEMBER", b"t", m])
    # Widths 16 -> 32 -> 64 bits, negative values going first.
    cmds += [[b"SADD", b"w", b"1", b"-32768", b"32767"], [b"SADD", b"w", b"-32769"],
             [b"SADD", b"w", b"2147483648"], [b"SADD", b"w", b"-9223372036854775808"],
             [b"SMEMBERS", b"w"], [b"SREM", b"w", b"-9223372036854775808", b"2147483648"],
             [b"SMEMBERS", b"w"]]
    enc(b"w")
    # Lowered threshold: the next addition converts; removals and no-op adds do not.
    cmds += [[b"SADD", b"low", b"1", b"2", b"3"],
             [b"CONFIG", b"SET", b"set-max-intset-entries", b"2"],
             [b"SREM", b"low", b"3"], [b"SADD", b"low", b"1"]]
    enc(b"low")
    cmds += [[b"SADD", b"low", b"9"]]
    enc(b"low")
    cmds += [[b"SREM", b"low", b"9", b"1"]]
    enc(b"low")  # never back
    # *STORE results: built member by member from an intset.
    cmds += [[b"CONFIG", b"SET", b"set-max-intset-entries", b"4"],
             [b"SADD", b"a", b"1", b"2", b"3", b"4", b"5", b"6"], [b"SADD", b"b", b"1", b"2", b"x"],
             [b"SADD", b"c", b"3"], [b"SINTERSTORE", b"r1", b"a", b"b"],
             [b"SUNIONSTORE", b"r2", b"b"],
             [b"SUNIONSTORE", b"r3", b"c", b"c"], [b"SDIFFSTORE", b"r4", b"a", b"c"],
             [b"SDIFFSTORE", b"r5", b"b", b"x1"], [b"SADD", b"x1", b"x"],
             [b"SDIFFSTORE", b"r6", b"b", b"x1", b"x1", b"x1"], [b"SDIFFSTORE", b"r7", b"b", b"x1"],
             [b"SMOVE", b"a", b"r8", b"1"], [b"SMOVE", b"b", b"r9", b"x"]]
    for r in range(1, 10):
        enc(b"r%d" % r)
    cmds += [[b"CONFIG", b"SET", b"set-max-intset-entries", b"0"], [b"SADD", b"zero", b"1"]]
    enc(b"zero")
    cmds += [[b"SINTERSTORE", b"zero2", b"c"]]
    enc(b"zero2")
    cmds += [[b"CONFIG", b"SET", b"set-max-intset-entries", b"512"]]
    run_exact(oracle.port, target.port, cmds, proto)


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_big_set_scan_and_random(oracle, cardinal, proto):
    """A 5000-member set: SSCAN with each COUNT covers the same members; random-member shapes;
    set algebra against an intset and a second hashtable set."""
    n = 5000
    with RawConn(oracle.port) as a, RawConn(cardinal.port) as c:
        for conn in (a, c):
            for start in range(0, n, 500):
                chunk = range(start, start + 500)
                conn.call(*([b"SADD", b"big"] + [b"member:%d" % i for i in chunk]))
                conn.call(*([b"SADD", b"nums"] + [b"%d" % i for i in range(start, start + 500, 7)]))
            few = [b"member:%d" % i for i in range(0, n, 97)] + [b"1", b"2"]
            conn.call(*([b"SADD", b"few"] + few))
        runner = SetDiffRunner(oracle.port, cardinal.port, proto, 0)
        try:
            runner.setup()
            for count in (b"1", b"10", b"1000", b"100000"):
                for match in (b"*", b"member:1*"):
                    cmd = [b"SSCAN", b"big", b"0", b"COUNT", count, b"MATCH", match]
                    runner.check_sscan(0, cmd)
            for args in ([b"5"], [b"-5"], [b"4999"], [b"-5000"], [b"5000"], [b"100000"], [b"1665"],
                         [b"1667"], []):
                cmd = [b"SRANDMEMBER", b"big"] + args
                ra, rc = runner.a.call(*cmd), runner.c.call(*cmd)
                runner.check_srandmember(0, cmd, ra, rc)
            for cmd in ([b"SCARD", b"big"], [b"OBJECT", b"ENCODING", b"big"],
                        [b"SISMEMBER", b"big", b"member:7"], [b"SINTERCARD", b"2", b"big", b"few"],
                        [b"SINTERCARD", b"2", b"big", b"few", b"LIMIT", b"10"],
                        [b"SINTERSTORE", b"i", b"big", b"few"],
                        [b"SUNIONSTORE", b"u", b"big", b"nums"],
                        [b"SDIFFSTORE", b"d", b"big", b"few"],
                        [b"SDIFFSTORE", b"d2", b"few", b"big", b"nums"],
                        [b"SCARD", b"u"], [b"SCARD", b"d"], [b"OBJECT", b"ENCODING", b"d2"]):
                assert runner.a.call(*cmd) == runner.c.call(*cmd), cmd
            for cmd in ([b"SMEMBERS", b"big"], [b"SINTER", b"big", b"few"],
                        [b"SUNION", b"few", b"nums"],
                        [b"SDIFF", b"few", b"big"], [b"SDIFF", b"big", b"few", b"nums"]):
                ra, rc = runner.a.call(*cmd), runner.c.call(*cmd)
                assert ra == rc or runner.unordered_equal(cmd, ra, rc), cmd
            # Pops in both directions of PopRandom's strategies, then emptying the set.
            for count in (b"10", b"4000", b"900", b"100000"):
                runner.check_spop(0, [b"SPOP", b"big", count])
            assert runner.a.call("EXISTS", "big") == runner.c.call("EXISTS", "big") == b":0\r\n"
            runner.compare_state()
        finally:
            runner.close()


def test_command_info_matches_redis(oracle, cardinal):
    """Arity, flags, key positions and ACL categories of every set command, as Redis has them
    (the 7.0 reply's tips, key specs and subcommands aside)."""
    with RawConn(oracle.port) as a, RawConn(cardinal.port) as c:
        for name in ARITY:
            ia = parse_reply(a.call("COMMAND", "INFO", name)).py()[0]
            ic = parse_reply(c.call("COMMAND", "INFO", name)).py()[0]
            assert ia[:7] == ic[:7], (name, ia[:7], ic[:7])
