#!/usr/bin/env bash
# The whole test suite, from a fresh clone on Debian 12:
#   1. system packages (scripts/setup-system.sh): redis-server, redis-sentinel,
#      luajit, lua-cjson, lua-socket,
#      python3-venv, python3-pip. As root they are installed when missing; as another
#      user the script stops here, naming exactly what to install, unless they are
#      all present already.
#   2. the Python test peer (scripts/setup-test-env.sh): a venv in .runtime/venv with
#      the official APISIX bindings from PyPI.
#   3. the ONNX Runtime library (scripts/setup-onnxruntime.sh) from PyPI: the L2 tests
#      need it (PROMPTGATE_SKIP_L2=1 skips them on a machine without it).
#   4. cargo test --locked, with any arguments given here (e.g. --lib, --test corpus).
# The corpus tests read tests/corpus (PROMPTGATE_CORPUS_DIR overrides); nothing outside
# the repository is needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup-system.sh
scripts/setup-test-env.sh
if [[ "${PROMPTGATE_SKIP_L2:-}" == 1 ]]; then
  scripts/setup-onnxruntime.sh || echo "test.sh: no ONNX Runtime library; PROMPTGATE_SKIP_L2=1 skips the L2 tests" >&2
else
  scripts/setup-onnxruntime.sh
fi
exec cargo test --locked "$@"
