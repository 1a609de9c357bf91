#!/bin/bash
# Regenerates the redis-server fixtures in this directory (see README.md) with the installed
# redis-server 7.0.15. Starts its own servers on PORT (default 23790) with OUTDIR as their dir.
# Usage: make_fixtures.sh OUTDIR [PORT]
set -euo pipefail
OUT=$(realpath "$1"); P=${2:-23790}
start() {  # extra redis-server arguments
  redis-server --port "$P" --dir "$OUT" --save "" --daemonize yes --enable-debug-command yes \
    --enable-protected-configs yes --pidfile "$OUT/fixture-redis.pid" --logfile "$OUT/fixture-redis.log" "$@"
  for _ in $(seq 50); do redis-cli -p "$P" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis-server did not start" >&2; exit 1
}
stop() { redis-cli -p "$P" shutdown nosave >/dev/null 2>&1 || true; sleep 0.3; }
trap stop EXIT
# Runs one command; an error reply stops the script (redis-cli itself exits 0 on those).
c() {
  local out
  out=$(redis-cli -p "$P" "$@")
  if [[ $out == ERR* || $out == WRONGTYPE* ]]; then echo "$* -> $out" >&2; exit 1; fi
}
save() { c CONFIG SET dbfilename "$1"; c SAVE; }

start
reset() {
  c FLUSHALL
  c CONFIG SET rdbcompression yes
  c CONFIG SET hash-max-listpack-entries 128
  c CONFIG SET hash-max-listpack-value 64
  c CONFIG SET set-max-intset-entries 512
  c CONFIG SET zset-max-listpack-entries 128
  c CONFIG SET zset-max-listpack-value 64
  c CONFIG SET list-max-listpack-size -2
  c DEBUG QUICKLIST-PACKED-THRESHOLD 1073741824
}

# strings.rdb: every string encoding, LZF, TTLs.
reset
c SET s:empty ""
c SET s:small hello
c SET s:int8 12
c SET s:neg8 -100
c SET s:int16 1234
c SET s:neg16 -30000
c SET s:int32 123456789
c SET s:min32 -2147483648
c SET s:int64 9223372036854775807
c SET s:lead0 007
c SET s:float 3.14
printf 'a\x00b\xffc\r\n' | redis-cli -p "$P" -x SET s:binary >/dev/null
c SET s:lzf "$(printf 'abcdefghij%.0s' $(seq 1 30))"
c SET s:nolzf "Zq8#kL2@pW9!xT4%mN7^vB1&cR6*yH3(gJ5)"
c SET s:big "$(printf 'Cardinal-%05d;' $(seq 1 2000))"
c SET s:ttl1 v1 PXAT 4102444800000
c SET s:ttl2 12345 PXAT 4102444800500
c SET s:ttl3 "$(printf 'x%.0s' $(seq 1 100))" PXAT 4102444801000
save strings.rdb

# compact.rdb: the compact encodings under the default thresholds.
reset
c RPUSH l:small a b c 1 -5 300 70000 4294967296 "" "$(printf 'q%.0s' $(seq 1 70))"
c CONFIG SET list-max-listpack-size 4
c RPUSH l:nodes $(seq 1 20)
c CONFIG SET list-max-listpack-size -2
c HSET h:small f1 v1 f2 2 f3 "" num 123456789012 neg -7
c SADD set:i16 1 2 3 -1 100
c SADD set:i32 100000 -100000 7
c SADD set:i64 5000000000 -5000000000 1
c ZADD z:small 1 a 2.5 b -3 c inf d -inf e 0 f 1e300 g 3.14159 pi 2.5 a2
c ZADD z:ints 10 x 20 y 30 z
c RPUSH l:enc 30000 -30000 1073741824 -1073741824 8388607 -8388608 4095 -4096 127 \
  "$(printf 'w%.0s' $(seq 1 4095))" "$(printf 'W%.0s' $(seq 1 5000))"
save compact.rdb

# plain_nodes.rdb: list elements above the packed threshold become PLAIN quicklist nodes.
reset
c DEBUG QUICKLIST-PACKED-THRESHOLD 100
c RPUSH l:mixed a "$(printf 'P%.0s' $(seq 1 150))" b c "$(printf 'R%.0s' $(seq 1 300))"
c DEBUG QUICKLIST-PACKED-THRESHOLD 1073741824
save plain_nodes.rdb

# full.rdb: the full encodings (hashtable, skiplist), forced by zero thresholds, plus a hash
# and a set big enough to be hashtables under the default thresholds.
reset
c CONFIG SET hash-max-listpack-entries 0
c CONFIG SET set-max-intset-entries 0
c CONFIG SET zset-max-listpack-entries 0
c HSET h:ht f1 v1 f2 2 f3 "" long "$(printf 'L%.0s' $(seq 1 100))"
c SADD set:ht a b c 1 2
c SADD set:htints 1 2 3
c ZADD z:sl 1 a 2.5 b -3 c inf d -inf e 0 f 1e300 g 3.14159 pi -0.1 m
c CONFIG SET hash-max-listpack-entries 128
c CONFIG SET set-max-intset-entries 512
c CONFIG SET zset-max-listpack-entries 128
for i in $(seq 1 200); do echo "HSET h:big field$i value$i"; done | redis-cli -p "$P" >/dev/null
for i in $(seq 1 600); do echo "SADD set:big $i"; done | redis-cli -p "$P" >/dev/null
for i in $(seq 1 150); do echo "ZADD z:big $i m$i"; done | redis-cli -p "$P" >/dev/null
c HLEN h:big
save full.rdb

# dbs.rdb: several databases, TTLs in each, checksum on.
reset
c -n 0 SET k0 v0
c -n 0 SET e0 x PXAT 4102444800000
c -n 1 SET k1 v1
c -n 1 RPUSH l1 a b
c -n 3 HSET h3 f v
c -n 3 SET e3 y PXAT 4102444900000
c -n 15 SADD s15 1 2 3
save dbs.rdb

# function.rdb / stream.rdb: features Cardinal does not support yet.
reset
c FUNCTION LOAD "#!lua name=cardlib
redis.register_function('cardfn', function(keys, args) return 1 end)"
c SET k v
save function.rdb
c FUNCTION FLUSH
reset
c XADD st '1-1' f v
save stream.rdb
reset
stop

# nochecksum.rdb: rdbchecksum no (the trailer is zero; the setting cannot change at run time)
# and rdbcompression no.
start --rdbchecksum no --rdbcompression no
c SET k "$(printf 'abcdefghij%.0s' $(seq 1 30))"
c RPUSH l x y
save nochecksum.rdb
stop
rm -f "$OUT/fixture-redis.log" "$OUT/fixture-redis.pid"
