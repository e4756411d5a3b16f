#!/usr/bin/env bash
# Cost growth with the prompt (issue 16, item 3): instructions per decision, counted by
# valgrind's cachegrind like scripts/cost-check.sh, for OpenAI chat bodies of benign
# tests/corpus text from 1 KiB to 1 MiB, with the default waterfall and with L2 off.
# Prints a Markdown table: instructions per call, per KiB, and the ratio to the previous
# size against the linear ratio. Deterministic (no wall clock); takes a few minutes.
#
#   scripts/cost-curve.sh
#   COST_PROBE=/path/to/cost_probe scripts/cost-curve.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "cost-curve: valgrind is not installed" >&2; exit 2; }
probe="${COST_PROBE:-}"
if [[ -z "$probe" ]]; then
  cargo build --release --locked --quiet --example cost_probe
  probe="${CARGO_TARGET_DIR:-target}/release/examples/cost_probe"
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
python3 scripts/cost-inputs.py --curve "$dir"

instructions() { # mode input iterations
  local out
  out=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
          "$probe" "$1" "$2" "$3" 2>&1 >/dev/null) \
    || { echo "$out" >&2; echo "cost-curve: the probe failed on $2" >&2; exit 2; }
  echo "$out" | sed -n 's/.*I[[:space:]]*refs:[[:space:]]*\([0-9,]*\).*/\1/p' | tr -d ,
}

commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

echo "| body | KiB | default: instructions/call | per KiB | × previous (linear) | L2 off: instructions/call | per KiB | × previous (linear) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
prev_kib="" prev_d="" prev_l=""
for name in 1k 2k 8k 64k 256k 1m; do
  body="$dir/curve-$name.json"
  kib=$(( ($(stat -c %s "$body") + 1023) / 1024 ))
  # Start-up varies by up to about two million instructions from run to run: enough
  # calls between the two runs that it is under 1% of the difference.
  n2=241
  (( kib >= 64 )) && n2=11
  (( kib >= 256 )) && n2=3
  row="| $name | $kib"
  for mode in decide decide-l1; do
    i1=$(instructions "$mode" "$body" 1)
    i2=$(instructions "$mode" "$body" "$n2")
    per=$(( (i2 - i1) / (n2 - 1) ))
    ratio="—"
    prev="$prev_d"; [[ "$mode" == decide-l1 ]] && prev="$prev_l"
    if [[ -n "$prev" ]]; then
      ratio=$(awk -v a="$per" -v b="$prev" -v k="$kib" -v pk="$prev_kib" \
        'BEGIN { printf "%.1f× (%.0f×)", a / b, k / pk }')
    fi
    row+=" | $(commas "$per") | $(commas $(( per / kib ))) | $ratio"
    if [[ "$mode" == decide ]]; then prev_d=$per; else prev_l=$per; fi
  done
  prev_kib=$kib
  echo "$row |"
done
