#!/usr/bin/env bash
# Peak resident memory of a served runner under L0-miss load while it is reloaded
# with SIGHUP once a second: the README's "after repeated reloads" figure.
#
#   scripts/reload-rss.sh [RELOADS] [CONFIG]
#
# RELOADS defaults to 20; CONFIG (TOML) to the embedded defaults. The load is
# `promptgate bench --socket ... --scenarios miss --sizes 2k` for RELOADS + 5 seconds.
# Prints the runner's peak RSS (VmHWM) with and without the reloads.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
reloads="${1:-20}"
config="${2:-}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/promptgate"
work="$(mktemp -d)"
trap 'kill "${runner:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

# One measured run: start a runner, load it, send $1 SIGHUPs, print its VmHWM in MiB.
measure() {
  local hups="$1" socket="$work/runner-$1.sock"
  local args=(serve)
  [[ -n "$config" ]] && args=(--config "$config" serve)
  APISIX_LISTEN_ADDRESS="unix:$socket" PROMPTGATE_METRICS_ENABLED=false \
    "$bin" "${args[@]}" >"$work/runner-$hups.log" 2>&1 &
  runner=$!
  for _ in $(seq 100); do [[ -S "$socket" ]] && break; sleep 0.1; done
  [[ -S "$socket" ]] || { echo "reload-rss: the runner did not start" >&2; cat "$work/runner-$hups.log" >&2; exit 1; }
  "$bin" bench --socket "$socket" --pid "$runner" --scenarios miss --sizes 2k \
    --duration "$((reloads + 5))s" --warmup 1s >/dev/null &
  local load=$!
  sleep 2
  for _ in $(seq "$hups"); do kill -HUP "$runner"; sleep 1; done
  wait "$load"
  awk '/VmHWM/ { printf "%.1f\n", $2 / 1024 }' "/proc/$runner/status"
  kill "$runner"; wait "$runner" 2>/dev/null || true
}

without="$(measure 0)"
with="$(measure "$reloads")"
echo "peak RSS under 2 KB miss load: ${without} MiB without reloads, ${with} MiB with ${reloads} reloads"
