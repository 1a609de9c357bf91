"""Differential check of the list commands against redis-server 7.0.15.

Seeded, deterministic command sequences (LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE,
LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP, plus OBJECT ENCODING, TYPE,
EXISTS, DEL, SET over list keys, MULTI/EXEC blocks, bad arity, and CONFIG SET of
list-max-listpack-size to tiny and odd node sizes so nodes split and merge all the time) go to a
fresh Cardinal and a fresh redis-server, in RESP2 and RESP3. Lists are deterministic, so every
reply is compared byte for byte with no normalisation. Arguments include wrong-type keys (a
string, and a hash/set/zset when both servers have them), negative and out-of-range indexes,
huge and malformed counts (INT64_MIN/MAX, "-0", "01", "abc"), empty results and large values.

Final state: every key's TYPE and OBJECT ENCODING, and LRANGE 0 -1 of every list, are compared.
Seeds: DEFAULT_SEEDS plus env DIFF_SEED (random when unset); steps: env DIFF_LIST_STEPS.
"""

from __future__ import annotations

import os
import random
from typing import Dict, List

import pytest

from conftest import parse_reply
from test_differential import (DiffRunner, Step, SeededChooser, cmd_name, ENV_SEED, run_exact,
                               supported_other_types)

DEFAULT_SEEDS = [1, 2, 3, 42, 1337, 65537]
STEPS = int(os.environ.get("DIFF_LIST_STEPS", "3000"))

LIST_KEYS = [b"l0", b"l1", b"l2", b"l3"]
STRING_KEY = b"str"
OTHER_TYPE_SETUP = {  # used only when both servers know the command
    b"hash": [b"HSET", b"hash", b"f", b"v"],
    b"set": [b"SADD", b"set", b"m1", b"m2"],
    b"zset": [b"ZADD", b"zset", b"1", b"m"],
}

VALUES = [b"a", b"b", b"c", b"a", b"b", b"", b"0", b"1", b"-1", b"42", b"127", b"128", b"4095",
          b"-4096", b"65536", b"9223372036854775807", b"-9223372036854775808",
          b"9223372036854775808", b"007", b"-0", b"+1", b"1.5", b" 1", b"\x00", b"a\r\nb",
          b"\xff\xfe", b"x" * 63, b"y" * 64, b"z" * 300]
LARGE_VALUES = [b"L" * 5000, b"M" * 9000, bytes(range(256)) * 40]
INDEXES = [b"0", b"1", b"2", b"3", b"-1", b"-2", b"-3", b"5", b"-5", b"10", b"-10", b"50", b"-50",
           b"100", b"-100", b"250", b"-250", b"1000", b"-1000"]
ODD_INDEXES = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
               b"-9223372036854775809", b"abc", b"", b"1.5", b"-0", b"+1", b"01", b" 1"]
COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"9223372036854775807", b"-1",
          b"-9223372036854775808", b"abc", b"-0", b"01", b"", b"1.0"]
LREM_COUNTS = [b"0", b"1", b"2", b"-1", b"-2", b"3", b"-3", b"9223372036854775807",
               b"-9223372036854775808", b"abc", b"-0"]
RANKS = [b"1", b"2", b"3", b"-1", b"-2", b"-3", b"0", b"9223372036854775807",
         b"-9223372036854775807", b"-9223372036854775808", b"abc", b"9223372036854775808"]
POS_COUNTS = [b"0", b"1", b"2", b"5", b"-1", b"abc", b"9223372036854775807"]
MAXLENS = [b"0", b"1", b"2", b"3", b"10", b"-1", b"abc", b"9223372036854775807"]
FILLS = [b"1", b"2", b"3", b"4", b"7", b"-1", b"-2", b"-3", b"-5", b"128", b"0", b"-6",
         b"-100"]
ENDS = [b"LEFT", b"RIGHT", b"left", b"Right"]
BAD_ENDS = [b"UP", b"", b"LEFTX", b"0"]

ARITY = {"LPUSH": -3, "RPUSH": -3, "LPUSHX": -3, "RPUSHX": -3, "LPOP": -2, "RPOP": -2,
         "LLEN": 2, "LRANGE": 4, "LINDEX": 3, "LSET": 4, "LINSERT": 5, "LREM": 4, "LTRIM": 4,
         "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3, "LMPOP": -4}
LIST_COMMANDS = sorted(ARITY)


class ListGenerator(SeededChooser):
    def __init__(self, seed: int, other_types: List[bytes], allow_config: bool = True):
        super().__init__(seed)
        self.other_types = other_types
        self.allow_config = allow_config
        self.keys = LIST_KEYS + [STRING_KEY, b"missing"] + other_types
        self.weights: Dict[str, float] = {
            "LPUSH": 8, "RPUSH": 8, "LPUSHX": 1.5, "RPUSHX": 1.5, "BULK": 2, "LPOP": 4, "RPOP": 4,
            "LLEN": 1.5, "LRANGE": 5, "LINDEX": 4, "LSET": 3, "LINSERT": 4, "LREM": 3,
            "LTRIM": 1.5, "LPOS": 4, "LMOVE": 3, "RPOPLPUSH": 2, "LMPOP": 3, "ENC": 1,
            "TYPE": 0.4, "EXISTS": 0.4, "DEL": 0.5, "SET": 0.4, "ARITY": 1, "MULTI": 0.6,
            "CONFIG": 0.8 if allow_config else 0,
        }
        self._arity_order = list(LIST_COMMANDS)
        self.rng.shuffle(self._arity_order)
        self._arity_idx = 0

    # -- pickers ------------------------------------------------------------
    def key(self) -> bytes:
        # Mostly list keys, so lists grow; sometimes a wrong-type or missing key.
        return self.pick(LIST_KEYS) if self.chance(0.8) else self.pick(self.keys)

    def value(self) -> bytes:
        return self.pick(LARGE_VALUES) if self.chance(0.02) else self.pick(VALUES)

    def index(self) -> bytes:
        return self.pick(ODD_INDEXES) if self.chance(0.06) else self.pick(INDEXES)

    def end(self) -> bytes:
        return self.pick(BAD_ENDS) if self.chance(0.04) else self.pick(ENDS)

    # -- commands -----------------------------------------------------------
    def gen(self, name: str) -> List[Step]:
        n, k, v = self.name, self.key, self.value
        if name in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
            return [Step([n(name), k()] + [v() for _ in range(self.rng.randint(1, 4))])]
        if name == "BULK":  # enough elements to span several nodes
            vals = [self.pick(VALUES) for _ in range(self.rng.randint(20, 200))]
            return [Step([n(self.pick(["LPUSH", "RPUSH"])), self.pick(LIST_KEYS)] + vals)]
        if name in ("LPOP", "RPOP"):
            c = [n(name), k()]
            if self.chance(0.5):
                c.append(self.pick(COUNTS))
            return [Step(c)]
        if name == "LLEN":
            return [Step([n(name), k()])]
        if name == "LRANGE":
            if self.chance(0.3):
                return [Step([n(name), k(), b"0", b"-1"])]
            return [Step([n(name), k(), self.index(), self.index()])]
        if name == "LINDEX":
            return [Step([n(name), k(), self.index()])]
        if name == "LSET":
            return [Step([n(name), k(), self.index(), v()])]
        if name == "LINSERT":
            where = self.pick([b"BEFORE", b"AFTER", b"before", b"After"]) if self.chance(0.95) \
                else self.pick([b"MIDDLE", b""])
            return [Step([n(name), k(), where, v(), v()])]
        if name == "LREM":
            return [Step([n(name), k(), self.pick(LREM_COUNTS), v()])]
        if name == "LTRIM":
            # Mostly gentle trims so the lists keep some length.
            if self.chance(0.7):
                return [Step([n(name), k(), self.pick([b"0", b"1", b"2", b"-300"]),
                              self.pick([b"-1", b"-2", b"-3", b"300", b"150"])])]
            return [Step([n(name), k(), self.index(), self.index()])]
        if name == "LPOS":
            c = [n(name), k(), v()]
            for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
                opt = self.pick(["RANK", "COUNT", "MAXLEN", "rank", "count", "BAD"])
                vals = {"RANK": RANKS, "COUNT": POS_COUNTS,
                        "MAXLEN": MAXLENS}.get(opt.upper(), [b"1"])
                c += [opt.encode(), self.pick(vals)]
            if self.chance(0.03):
                c.append(b"RANK")  # option without its value
            return [Step(c)]
        if name == "LMOVE":
            src = k()
            dst = src if self.chance(0.2) else k()
            return [Step([n(name), src, dst, self.end(), self.end()])]
        if name == "RPOPLPUSH":
            src = k()
            dst = src if self.chance(0.2) else k()
            return [Step([n(name), src, dst])]
        if name == "LMPOP":
            keys = [k() for _ in range(self.rng.randint(1, 3))]
            r = self.rng.random()
            if r < 0.85:
                numkeys = str(len(keys)).encode()
            elif r < 0.92:
                numkeys = self.pick([b"0", b"-1", b"abc", b"9223372036854775807", b"1.5"])
            else:
                numkeys = str(len(keys) + 1).encode()  # one key short: syntax error
            c = [n(name), numkeys] + keys + [self.end()]
            if self.chance(0.5):
                c += [self.pick([b"COUNT", b"count"]), self.pick(COUNTS)]
            if self.chance(0.05):
                c += self.pick([[b"COUNT", b"2"], [b"FOO"], [b"COUNT"]])
            return [Step(c)]
        if name == "ENC":
            return [Step([b"OBJECT", b"ENCODING", k()])]
        if name == "TYPE":
            return [Step([b"TYPE", k()])]
        if name == "EXISTS":
            return [Step([b"EXISTS", k(), k()])]
        if name == "DEL":
            return [Step([b"DEL", k()])]
        if name == "SET":  # a list is overwritten by a string, then deleted so it can come back
            key = self.pick(LIST_KEYS)
            return [Step([b"SET", key, v()]), Step([n("LPUSH"), key, v()]),
                    Step([b"TYPE", key]), Step([b"DEL", key])]
        if name == "CONFIG":
            return [Step([b"CONFIG", b"SET", b"list-max-listpack-size", self.pick(FILLS)])]
        if name == "ARITY":
            return [self.gen_arity()]
        if name == "MULTI":
            steps = [Step([b"MULTI"])]
            for _ in range(self.rng.randint(1, 5)):
                inner = self.pick(["LPUSH", "RPOP", "LMOVE", "LMPOP", "LRANGE", "LSET", "LREM"])
                steps += self.gen(inner)
            steps.append(Step([self.pick([b"EXEC", b"EXEC", b"DISCARD"])]))
            return steps
        raise ValueError(name)

    def gen_arity(self) -> Step:
        name = self._arity_order[self._arity_idx % len(self._arity_order)]
        self._arity_idx += 1
        arity = ARITY[name]
        need = abs(arity)
        if arity > 0 and self.chance(0.5):
            nargs = arity + 1
        else:
            nargs = self.rng.randint(1, need - 1)
        args = [self.name(name)] + [self.pick([self.key(), b"1", b"LEFT"])
                                       for _ in range(nargs - 1)]
        return Step(args, tag="arity")

    def sequence(self, n_steps: int) -> List[Step]:
        setup = [Step([b"SET", STRING_KEY, b"a string"])]
        setup += [Step(OTHER_TYPE_SETUP[t]) for t in self.other_types]
        return self.weighted_sequence(setup, n_steps)


class ListDiffRunner(DiffRunner):
    def compare_state(self):
        for conn in (self.a, self.c):
            conn.call("DISCARD")  # in case a sequence ended inside MULTI
        dumps = []
        for conn in (self.a, self.c):
            keys = sorted(x.value for x in parse_reply(conn.call("KEYS", "*")).value)
            state = {}
            for kk in keys:
                typ = conn.call("TYPE", kk)
                val = conn.call("LRANGE", kk, "0", "-1") if typ == b"+list\r\n" else b""
                state[kk] = (typ, conn.call("OBJECT", "ENCODING", kk), val)
            dumps.append(state)
        da, dc = dumps
        if sorted(da) != sorted(dc):
            self.fail(-1, [b"KEYS", b"*"], repr(sorted(da)).encode(), repr(sorted(dc)).encode(),
                      "final key set")
        for kk in da:
            if da[kk] != dc[kk]:
                self.fail(-1, [b"LRANGE", kk, b"0", b"-1"], repr(da[kk]).encode(),
                          repr(dc[kk]).encode(), "final state")




SEED_PARAMS = [pytest.param(s, id=f"seed{s}") for s in DEFAULT_SEEDS] + \
              [pytest.param(ENV_SEED, id=f"env{ENV_SEED}")]



@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("seed", SEED_PARAMS)
def test_diff_lists(server_pair, seed, proto):
    oracle, target = server_pair
    others = supported_other_types(oracle.port, target.port, OTHER_TYPE_SETUP)
    steps = ListGenerator(seed, others).sequence(STEPS)
    ListDiffRunner(oracle.port, target.port, proto, seed).check(steps)


def test_generator_covers_all_commands():
    seen, arity_seen = set(), set()
    for s in DEFAULT_SEEDS:
        for st in ListGenerator(s, []).sequence(STEPS):
            name = cmd_name(st.cmd)
            (arity_seen if st.tag == "arity" else seen).add(name)
    assert not set(LIST_COMMANDS) - seen
    assert not set(LIST_COMMANDS) - arity_seen
    assert "CONFIG" in seen and "MULTI" in seen


def test_generator_is_deterministic():
    a = [s.cmd for s in ListGenerator(7, [b"hash"]).sequence(300)]
    b = [s.cmd for s in ListGenerator(7, [b"hash"]).sequence(300)]
    assert a == b


def test_arity_table_matches_redis(oracle):
    with oracle.raw() as conn:
        for name, arity in ARITY.items():
            info = parse_reply(conn.call("COMMAND", "INFO", name.lower())).value[0]
            assert info.value[1].value == arity, name


@pytest.mark.parametrize("fill", [b"1", b"3", b"-1", b"-2"])
def test_big_list_middle_exact(server_pair, fill):
    """A 5000-element list under several node sizes: index, set, insert, remove and range in
    the middle and near both ends, every reply byte-exact."""
    oracle, target = server_pair
    rng = random.Random(int(fill))
    cmds = [[b"CONFIG", b"SET", b"list-max-listpack-size", fill]]
    for start in range(0, 5000, 500):
        cmds.append([b"RPUSH", b"big"] + [b"e%d" % i for i in range(start, start + 500)])
    for _ in range(300):
        i = str(rng.randrange(-5200, 5200)).encode()
        op = rng.randrange(7)
        if op == 0:
            cmds.append([b"LINDEX", b"big", i])
        elif op == 1:
            cmds.append([b"LSET", b"big", i, rng.choice(VALUES + LARGE_VALUES)])
        elif op == 2:
            cmds.append([b"LINSERT", b"big", rng.choice([b"BEFORE", b"AFTER"]),
                         b"e%d" % rng.randrange(5000), rng.choice(VALUES)])
        elif op == 3:
            cmds.append([b"LRANGE", b"big", i, str(int(i) + rng.randrange(0, 40)).encode()])
        elif op == 4:
            cmds.append([b"LREM", b"big", rng.choice(LREM_COUNTS[:7]), rng.choice(VALUES)])
        elif op == 5:
            cmds.append([b"LPOS", b"big", rng.choice(VALUES), b"RANK", rng.choice(RANKS[:6]),
                         b"COUNT", b"3"])
        else:
            cmds.append([rng.choice([b"LPOP", b"RPOP"]), b"big", rng.choice(COUNTS[:6])])
    cmds += [[b"LLEN", b"big"], [b"LRANGE", b"big", b"0", b"-1"],
             [b"LTRIM", b"big", b"1000", b"-1000"], [b"LRANGE", b"big", b"0", b"-1"]]
    run_exact(oracle.port, target.port, cmds)


@pytest.mark.parametrize("proto", [2, 3])
def test_edge_cases_exact(oracle, cardinal, proto):
    """Reply shapes and error precedence found by asking the oracle."""
    cmds = [
        [b"LPOP", b"nokey"], [b"LPOP", b"nokey", b"0"], [b"RPOP", b"nokey", b"1"],
        [b"SET", b"s", b"v"], [b"LPOP", b"s", b"0"], [b"LPOP", b"s", b"-1"],
        [b"RPUSH", b"l", b"a", b"c", b"b", b"c", b"d", b"c"],
        [b"LPOP", b"l", b"0"], [b"LPOS", b"l", b"c", b"RANK", b"-9223372036854775808"],
        [b"LPOS", b"l", b"c", b"RANK", b"-9223372036854775808", b"COUNT", b"0"],
        [b"LPOS", b"l", b"c", b"RANK", b"0", b"COUNT", b"-1"],
        [b"LPOS", b"l", b"c", b"COUNT", b"-1", b"RANK", b"0"],
        [b"LPOS", b"l", b"c", b"MAXLEN", b"2", b"RANK", b"-1", b"COUNT", b"0"],
        [b"LPOS", b"s", b"c", b"RANK", b"0"], [b"LPOS", b"s", b"c"],
        [b"LPOS", b"nokey", b"c"], [b"LPOS", b"nokey", b"c", b"COUNT", b"1"],
        [b"LINDEX", b"s", b"abc"], [b"LINDEX", b"nokey", b"abc"], [b"LSET", b"s", b"abc", b"v"],
        [b"LSET", b"nokey", b"abc", b"v"], [b"LTRIM", b"nokey", b"abc", b"1"],
        [b"LREM", b"s", b"abc", b"a"], [b"LINSERT", b"s", b"MIDDLE", b"a", b"b"],
        [b"LINSERT", b"nokey", b"BEFORE", b"a", b"b"], [b"LINSERT", b"l", b"AFTER", b"zz", b"b"],
        [b"LMOVE", b"nokey", b"s", b"LEFT", b"RIGHT"], [b"LMOVE", b"l", b"s", b"LEFT", b"RIGHT"],
        [b"LMOVE", b"s", b"l", b"UP", b"RIGHT"], [b"RPOPLPUSH", b"l", b"l"],
        [b"LMPOP", b"2", b"nokey", b"s", b"LEFT"], [b"LMPOP", b"2", b"l", b"s", b"LEFT"],
        [b"LMPOP", b"1", b"l", b"LEFT", b"COUNT", b"0", b"COUNT", b"1"],
        [b"LMPOP", b"1", b"l", b"LEFT", b"COUNT", b"1", b"COUNT"],
        [b"LMPOP", b"2147483648", b"l", b"LEFT"],
        [b"LMPOP", b"99999999999999999999", b"l", b"LEFT"],
        [b"LMPOP", b"1", b"nokey", b"LEFT"], [b"LMPOP", b"1", b"l", b"RIGHT", b"COUNT", b"100"],
        [b"EXISTS", b"l"], [b"LRANGE", b"nokey", b"abc", b"1"], [b"LRANGE", b"nokey", b"0", b"1"],
        [b"LLEN", b"s"], [b"LLEN", b"nokey"],
    ]
    run_exact(oracle.port, cardinal.port, cmds, proto)
