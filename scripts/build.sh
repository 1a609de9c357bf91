#!/usr/bin/env bash
# Builds one configuration: scripts/build.sh release|debug|asan [targets...]
# Output in build/<config>. Parallelism follows the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-release}"
shift || true
case "$config" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug)   flags=(-DCMAKE_BUILD_TYPE=Debug) ;;
  asan)    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARDINAL_SANITIZE=ON) ;;
  # The libraries get -fsanitize=fuzzer-no-link too, so the fuzzer sees coverage inside them.
  fuzz)    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARDINAL_FUZZ=ON -DCARDINAL_SANITIZE=ON
                  -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
                  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "unknown configuration: $config" >&2; exit 2 ;;
esac
cmake -S . -B "build/$config" -G Ninja "${flags[@]}" >/dev/null
ninja -C "build/$config" "$@"
