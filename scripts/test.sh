#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the test peers (a Python
# venv with the official APISIX bindings, the ONNX Runtime library), the system
# services when run as root on Debian (redis-server), then runs every test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup-system.sh
scripts/setup-test-env.sh
if [[ -x scripts/setup-onnxruntime.sh ]]; then
  scripts/setup-onnxruntime.sh
fi
exec cargo test --locked "$@"
