#!/usr/bin/env bash
# Loads the runner through its socket the way APISIX does and prints the table:
# noop floor, L0 miss and L0 hit for 2 KB prompts, closed loop and open loop at
# half the closed-loop throughput. Arguments replace those defaults and go to
# `promptgate bench`, e.g.  scripts/loadgen.sh --sizes 1k,8k,64k --duration 10s --json
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
if [[ $# -eq 0 ]]; then
  set -- --sizes 2k --duration 10s --warmup 2s --rate 50%
fi
exec "${CARGO_TARGET_DIR:-target}/release/promptgate" bench "$@"
