#!/usr/bin/env bash
# The repository on its own, as a new user gets it: clones the current commit (HEAD) into
# an empty temporary folder, with nothing beside it (no development corpus, no
# PROMPTGATE_CORPUS_DIR), and there
#   1. checks that no code, test, script or doc names a path into the development
#      folder beside the repository except the two allowed inputs: the training
#      script's optional pool and the script that refreshes tests/corpus;
#   2. starts scripts/run.sh with the package index unreachable: it must warn once that
#      L2 is off and serve on L0-L1.5 (`promptgate health` gets a conf token back);
#   3. runs scripts/test.sh on the tests that read the corpus (every unit test, the
#      corpus and classifier floors, the load generator and the privacy test).
# CARGO_TARGET_DIR defaults to this checkout's target/ so dependencies are not rebuilt.
# Run by .ci/run after the main suite; developers can run it as is (commit first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
unset PROMPTGATE_CORPUS_DIR PROMPTGATE_TRAIN_POOL ORT_DYLIB_PATH

work="$(mktemp -d "${TMPDIR:-/tmp}/promptgate-standalone.XXXXXX")"
runner_pid=""
cleanup() {
  if [[ -n "$runner_pid" ]]; then kill -- "-$runner_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

clone="$work/promptgate"
git clone --quiet "$root" "$clone"
[[ ! -e "$work/shared" ]] || { echo "standalone: $work/shared exists" >&2; exit 1; }
cd "$clone"
echo "standalone: clone of $(git rev-parse --short HEAD) in $clone, nothing beside it"

echo "standalone: 1. no path outside the repository"
outside="shared"/  # written in two parts so this line does not match itself
hits="$(grep -rn "$outside" --include='*.rs' --include='*.sh' --include='*.md' --include='*.py' . \
  | grep -v -e '^\./scripts/refresh-corpus\.py:' -e '^\./models/train/train\.sh:' || true)"
if [[ -n "$hits" ]]; then
  printf '%s\n' "$hits" >&2
  echo "standalone: the lines above name a path outside the repository" >&2
  exit 1
fi

echo "standalone: 2. scripts/run.sh with the package index unreachable"
cargo build --release --locked --quiet
sock="$work/promptgate.sock"
log="$work/run.log"
# Port 9 on loopback refuses at once: pip fails as it would without PyPI.
setsid env PIP_INDEX_URL=http://127.0.0.1:9/simple/ PIP_NO_CACHE_DIR=1 \
  APISIX_LISTEN_ADDRESS="unix:$sock" PROMPTGATE_METRICS_ENABLED=false PROMPTGATE_LOG_FORMAT=text \
  scripts/run.sh </dev/null >"$log" 2>&1 &
runner_pid=$!
for _ in $(seq 1 600); do
  [[ -S "$sock" ]] && break
  kill -0 "$runner_pid" 2>/dev/null || break
  sleep 0.5
done
if ! APISIX_LISTEN_ADDRESS="unix:$sock" "$CARGO_TARGET_DIR/release/promptgate" health; then
  cat "$log" >&2
  echo "standalone: run.sh did not serve" >&2
  exit 1
fi
warnings="$(grep -c 'WARNING: L2 is off' "$log" || true)"
others="$(grep -ci 'L2 classifier disabled' "$log" || true)"
if [[ "$warnings" != 1 || "$others" != 0 ]]; then
  cat "$log" >&2
  echo "standalone: expected one L2 warning from run.sh and none from the runner" >&2
  exit 1
fi
kill -- "-$runner_pid"
wait "$runner_pid" 2>/dev/null || true
runner_pid=""
echo "standalone: run.sh served L0-L1.5 with one warning"

echo "standalone: 3. the corpus tests (scripts/test.sh)"
scripts/test.sh --lib --test corpus --test classifier
cargo test --locked --test e2e -- loadgen:: ops_privacy::
echo "standalone: ok"
