#!/usr/bin/env bash
# Installs what is missing, builds the release binary and starts Cardinal in the foreground with
# the default configuration (port 6379 on all interfaces, protected mode, data in ./data).
# Extra arguments are passed to the server, e.g. scripts/run-server.sh --port 7000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release cardinal-server
mkdir -p data
exec build/release/src/server/cardinal-server cardinal.conf "$@"
