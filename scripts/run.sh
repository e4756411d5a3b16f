#!/usr/bin/env bash
# Builds promptgate and serves on its embedded defaults: socket
# unix:/tmp/promptgate.sock (or $APISIX_LISTEN_ADDRESS), metrics on
# 127.0.0.1:9464. Extra arguments go to `promptgate serve`.
#
# L2 (the classifier) needs the ONNX Runtime library, which
# scripts/setup-onnxruntime.sh fetches from PyPI. L2 is optional by design: when
# the library cannot be fetched (no pip, PyPI unreachable), this script prints one
# warning and serves L0-L1.5 (cache, keywords, PII) with L2 off. ORT_DYLIB_PATH
# set to an existing library skips the fetch.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ -n "${ORT_DYLIB_PATH:-}" && -f "${ORT_DYLIB_PATH}" ]]; then
  :
elif ! reason="$(scripts/setup-onnxruntime.sh 2>&1 >/dev/null)"; then
  reason="$(printf '%s\n' "$reason" | grep -v '^[[:space:]]*$' | tail -n 1)"
  echo "run.sh: WARNING: L2 is off: the ONNX Runtime library could not be fetched (${reason:-no reason given})." >&2
  echo "run.sh: serving with L0-L1.5 (cache, keywords, PII) only; run scripts/setup-onnxruntime.sh or set ORT_DYLIB_PATH, then restart, to turn L2 on." >&2
  # L2 off in the configuration, so the runner does not warn a second time.
  export PROMPTGATE_POLICY_L2_ENABLED="${PROMPTGATE_POLICY_L2_ENABLED:-false}"
fi
exec cargo run --release --locked -- serve "$@"
