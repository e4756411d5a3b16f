#!/usr/bin/env bash
# Fuzz the inbound protocol decoders for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]    (default 60)
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). When
# either is missing it says so and exits 0: the same decoders are also covered by
# the proptest in src/protocol/tests.rs, which runs in the normal test suite.
# Crashes are written to fuzz/artifacts/decode_inbound/ and make this script fail.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
if ! [[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || [[ "$SECONDS_TO_RUN" -eq 0 ]]; then
  echo "usage: $0 [SECONDS]  (a positive whole number)" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
  exit 0
fi

# The fuzz build uses nightly and sanitizer flags: keep it out of the shared stable
# target dir unless the caller chose one for it.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$ROOT/fuzz/target}"
mkdir -p "$ROOT/fuzz/corpus/decode_inbound"
cd "$ROOT"
echo "fuzz: running decode_inbound for ${SECONDS_TO_RUN}s"
cargo +nightly fuzz run decode_inbound "$ROOT/fuzz/corpus/decode_inbound" -- \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -rss_limit_mb=2048
