#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo, without root: a Python venv
# in .runtime/venv with the official APISIX plugin-runner bindings (the
# interop peer). Idempotent and quiet; safe to run before every test run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.runtime/venv"
stamp="$venv/.promptgate-test-env-v1"
if [[ -f "$stamp" ]]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "a6pluginprotos==0.2.1" "flatbuffers==25.12.19"
"$venv/bin/python" -c "import A6.HTTPReqCall.Rewrite, flatbuffers" \
  || { echo "setup-test-env: a6pluginprotos did not install correctly" >&2; exit 1; }
touch "$stamp"
