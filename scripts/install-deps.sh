#!/usr/bin/env bash
# Installs the Debian 12 packages Cardinal needs. Idempotent; nothing is downloaded but Debian
# packages.
#   scripts/install-deps.sh          build dependencies only (to build and run the server)
#   scripts/install-deps.sh --test   plus the test oracle (redis-server 7.0), Python test clients,
#                                    clang for the sanitizer/fuzz builds
set -euo pipefail

BUILD_PKGS=(build-essential g++ cmake ninja-build pkg-config libfmt-dev libxxhash-dev liblzf-dev
            libmimalloc-dev libgtest-dev libgmock-dev libbenchmark-dev)
TEST_PKGS=(redis-server redis-tools python3 python3-redis python3-pytest python3-hypothesis
           clang libclang-rt-14-dev procps util-linux)

pkgs=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then
  pkgs+=("${TEST_PKGS[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
# Keep package scripts from starting services (redis-server is only a test oracle here and must
# not take port 6379 from Cardinal): the standard policy-rc.d switch, removed afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
trap '[ $created_policy -eq 1 ] && $SUDO rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
