#!/usr/bin/python3
"""Writes legacy.rdb: the encodings Redis 7.0 still loads but no longer writes (plain lists,
decimal-score sorted sets, zipmap, ziplist lists/hashes/sorted sets, ziplist quicklists), the
expire-in-seconds, IDLE and FREQ opcodes, an LZF string with a back reference, and ziplist
entries of every encoding. Built byte by byte from the RDB, ziplist and zipmap format
descriptions; redis-server 7.0.15 loads the result (see README.md for the check).

Usage: make_legacy.py OUT.rdb
"""
import struct
import sys


def crc64(data):
    # CRC-64/Jones, reflected, init 0, no final xor (the RDB trailer).
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 bit-reversed
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def length(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b'\x80' + struct.pack('>I', n)
    return b'\x81' + struct.pack('>Q', n)


def string(v):
    if isinstance(v, str):
        v = v.encode()
    return length(len(v)) + v


def ziplist_entry(v):
    if isinstance(v, int):
        if 0 <= v <= 12:
            return bytes([0xF1 + v])                       # 4-bit immediate
        if -128 <= v <= 127:
            return b'\xfe' + struct.pack('<b', v)          # int8
        if -32768 <= v <= 32767:
            return b'\xc0' + struct.pack('<h', v)          # int16
        if -(1 << 23) <= v < (1 << 23):
            return b'\xf0' + struct.pack('<i', v)[:3]      # int24
        if -(1 << 31) <= v < (1 << 31):
            return b'\xd0' + struct.pack('<i', v)          # int32
        return b'\xe0' + struct.pack('<q', v)              # int64
    if isinstance(v, str):
        v = v.encode()
    n = len(v)
    if n < 64:
        return bytes([n]) + v
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF]) + v
    return b'\x80' + struct.pack('>I', n) + v


def ziplist(values):
    body, prev, tail = b'', 0, 10
    for v in values:
        prevlen = bytes([prev]) if prev < 254 else b'\xfe' + struct.pack('<I', prev)
        entry = prevlen + ziplist_entry(v)
        tail = 10 + len(body)
        body += entry
        prev = len(entry)
    return struct.pack('<IIH', 10 + len(body) + 1, tail, len(values)) + body + b'\xff'


def zipmap(pairs):
    def zlen(n):
        return bytes([n]) if n < 254 else b'\xfe' + struct.pack('<I', n)
    out = bytes([len(pairs)])
    for k, v in pairs:
        k, v = k.encode(), v.encode()
        out += zlen(len(k)) + k + zlen(len(v)) + b'\x00' + v   # free = 0
    return out + b'\xff'


def key(type_byte, name, payload):
    return bytes([type_byte]) + string(name) + payload


def main():
    out = bytearray(b'REDIS0009')
    out += b'\xfa' + string('redis-ver') + string('5.0.0')
    out += b'\xfe' + length(0) + b'\xfb' + length(9) + length(1)
    # TYPE_LIST (1): plain strings, integer-encoded and LZF-compressed elements.
    lzf = b'\x02abc' + b'\xe0' + bytes([27 - 2 - 7]) + b'\x02'  # "abc" then copy 27 from 3 back
    out += key(1, 'list:plain', length(5) + string('a') + b'\xc0\x0c' + b'\xc1' +
               struct.pack('<h', -1234) + b'\xc2' + struct.pack('<i', 100000) +
               b'\xc3' + length(len(lzf)) + length(30) + lzf)
    # TYPE_ZSET (3): scores as decimal strings; 254 = +inf, 255 = -inf.
    out += key(3, 'zset:v1', length(5) + string('a') + b'\x031.5' + string('b') + b'\xfe' +
               string('c') + b'\xff' + string('d') + b'\x02-2' + string('e') + b'\x033e2')
    # TYPE_HASH_ZIPMAP (9), with a value long enough for the 5-byte length.
    out += key(9, 'hash:zipmap', string(zipmap([('f1', 'v1'), ('long', 'z' * 300), ('n', '42')])))
    # TYPE_LIST_ZIPLIST (10): every entry encoding, and a 5-byte prevlen after the long string.
    out += key(10, 'list:ziplist', string(ziplist(
        ['s6', 'm' * 100, 'L' * 16400, 0, 12, 13, -1, -128, 127, 200, -32768, 32767, 40000,
         -8388608, 8388607, 8388608, -2147483648, 2147483647, 2147483648, -(1 << 63),
         (1 << 63) - 1, 'after-long', ''])))
    # TYPE_ZSET_ZIPLIST (12): member, score pairs in score order.
    out += key(12, 'zset:ziplist', string(ziplist(['m0', -5, 'm1', 1, 'm2', '2.5', 'm3', 100000])))
    # TYPE_HASH_ZIPLIST (13).
    out += key(13, 'hash:ziplist', string(ziplist(['f', 'v', 'i', 7, 'big', 1 << 40])))
    # TYPE_LIST_QUICKLIST (14): two ziplist nodes.
    out += key(14, 'list:quicklist', length(2) + string(ziplist(['q1', 'q2', 3])) +
               string(ziplist(['q4', 5])))
    # EXPIRETIME (seconds, 4 bytes), IDLE and FREQ before keys.
    out += b'\xfd' + struct.pack('<i', 2000000000) + key(0, 'exp:sec', string('s'))
    out += b'\xf8' + length(1000) + key(0, 'idle:key', string('i'))
    out += b'\xf9' + bytes([200]) + key(0, 'freq:key', string('f'))
    out += b'\xff'
    out += struct.pack('<Q', crc64(bytes(out)))
    with open(sys.argv[1], 'wb') as f:
        f.write(out)


if __name__ == '__main__':
    main()
