#!/usr/bin/env bash
# Builds promptgate and serves on its embedded defaults: socket
# unix:/tmp/promptgate.sock (or $APISIX_LISTEN_ADDRESS), metrics on
# 127.0.0.1:9464. Extra arguments go to `promptgate serve`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ -x scripts/setup-onnxruntime.sh ]]; then
  scripts/setup-onnxruntime.sh
fi
exec cargo run --release --locked -- serve "$@"
