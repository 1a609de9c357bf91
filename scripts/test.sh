#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. unit tests (GoogleTest, ctest -L unit) on the release build
#   2. integration + differential tests (pytest, real clients, redis-server 7.0 as oracle)
#   3. the integration tests again against the ASan+UBSan build
#   4. a bounded libFuzzer run of the RESP parser
# Exits non-zero if anything fails. Set CARDINAL_SKIP_ASAN=1 / CARDINAL_SKIP_FUZZ=1 to skip.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3

scripts/install-deps.sh --test || exit 1

failed=0
passed_stages=0
stage() { echo; echo "=== $* ==="; }
result() {
  if [ "$1" -eq 0 ]; then passed_stages=$((passed_stages + 1)); else failed=$((failed + 1)); echo "FAILED: $2"; fi
}

stage "build (release)"
scripts/build.sh release || exit 1

stage "unit tests"
ctest --test-dir build/release -L unit --output-on-failure -j "$(nproc)"
result $? "unit tests"

run_pytest() {
  local server="$1"; shift
  CARDINAL_SERVER="$server" $PY -m pytest -q -p no:cacheprovider "$@"
  local rc=$?
  # pytest exits 5 when it collected nothing: that must fail here, not pass silently.
  return $rc
}

stage "integration + differential tests (release, 2 worker threads)"
run_pytest "$PWD/build/release/src/server/cardinal-server" tests/
result $? "integration + differential tests"

# One worker runs the keyspace without shard locks (see Keyspace::Lock): check that mode too.
stage "differential + transaction tests (release, 1 worker thread)"
CARDINAL_THREADS=1 run_pytest "$PWD/build/release/src/server/cardinal-server" tests/compat \
  tests/integration/test_transactions.py tests/integration/test_many_clients.py
result $? "single-thread differential tests"

if [ "${CARDINAL_SKIP_ASAN:-0}" != "1" ]; then
  stage "build (asan+ubsan)"
  if scripts/build.sh asan cardinal-server cardinal-check-aof; then
    stage "integration tests (asan+ubsan)"
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      run_pytest "$PWD/build/asan/src/server/cardinal-server" tests/integration
    result $? "integration tests under ASan/UBSan"
  else
    result 1 "asan build"
  fi
fi

if [ "${CARDINAL_SKIP_FUZZ:-0}" != "1" ]; then
  stage "fuzz (libFuzzer, RESP parser, 60 s)"
  if scripts/build.sh fuzz resp_parser_fuzz; then
    mkdir -p build/fuzz/corpus
    build/fuzz/fuzz/resp_parser_fuzz -max_total_time=60 -rss_limit_mb=2048 \
      build/fuzz/corpus fuzz/corpus 2>&1 | tail -5
    result "${PIPESTATUS[0]}" "fuzzing"
  else
    result 1 "fuzz build"
  fi
fi

echo
echo "stages: ${passed_stages} passed, ${failed} failed"
[ "$failed" -eq 0 ]
