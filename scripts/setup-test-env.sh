#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo, without root: a Python venv
# in .runtime/venv with the official APISIX plugin-runner bindings (the
# interop peer). Idempotent and quiet; safe to run before every test run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.runtime/venv"
stamp="$venv/.promptgate-test-env-v1"
mkdir -p "$root/.runtime"
if [[ -f "$stamp" ]]; then
  exit 0
fi
if ! python3 -m venv "$venv" >/dev/null 2>"$root/.runtime/venv.log"; then
  cat "$root/.runtime/venv.log" >&2
  echo "setup-test-env: python3 cannot create a venv; on Debian: apt-get install python3-venv python3-pip (scripts/setup-system.sh does it as root)" >&2
  rm -rf "$venv"
  exit 1
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "a6pluginprotos==0.2.1" "flatbuffers==25.12.19"
"$venv/bin/python" -c "import A6.HTTPReqCall.Rewrite, flatbuffers" \
  || { echo "setup-test-env: a6pluginprotos did not install correctly" >&2; exit 1; }
touch "$stamp"
