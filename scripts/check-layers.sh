#!/usr/bin/env bash
# Fails when a module imports against the flow. Each top-level module of src/
# may name (through `crate::` paths) only the modules its row below allows; the
# rows follow ARCHITECTURE.md's module graph:
#
#   protocol ← server ← runtime ← pipeline ← detect ← normalize / extract
#   policy and types are depended on and never depend (types is the vocabulary
#   several layers share; policy reads only it).
#
# Comment lines are skipped (a doc link is not a dependency); test code is
# checked like the rest. main.rs (the binary) sits on top and may use anything.
# Usage: scripts/check-layers.sh [src-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-src}"

declare -A allowed=(
  [types]=""
  [corpus]=""
  [protocol]=""
  [normalize]=""
  [policy]="types"
  [extract]="types"
  [telemetry]="types"
  [detect]="types corpus normalize extract telemetry"
  [pipeline]="types detect extract normalize policy telemetry"
  [runtime]="types detect pipeline policy telemetry"
  [server]="types protocol detect pipeline policy runtime telemetry"
  [eval]="types corpus detect extract normalize pipeline policy runtime"
  [loadgen]="types corpus protocol policy runtime eval"
)

status=0
while IFS= read -r file; do
  rel="${file#"$src"/}"
  module="${rel%%/*}"
  module="${module%.rs}"
  # main.rs and cli/ are the binary: they import the library as `promptgate::`.
  case "$rel" in lib.rs | main.rs | cli/* | protocol/generated/*) continue ;; esac
  if [[ ! -v "allowed[$module]" ]]; then
    echo "$file: top-level module \`$module\` has no row in scripts/check-layers.sh" >&2
    status=1
    continue
  fi
  while IFS=: read -r line target; do
    [[ "$target" == "$module" ]] && continue
    if [[ "$target" == "{" ]]; then
      echo "$file:$line: name each module in its own \`use crate::<module>::...\` so the direction can be checked" >&2
      status=1
    elif [[ " ${allowed[$module]} " != *" $target "* ]]; then
      echo "$file:$line: \`$module\` must not depend on \`$target\` (against the flow; see ARCHITECTURE.md)" >&2
      status=1
    fi
  done < <(awk '
    /^[[:space:]]*\/\// { next }
    {
      s = $0
      while (match(s, /crate::([a-z_]+|\{)/)) {
        print NR ":" substr(s, RSTART + 7, RLENGTH - 7)
        s = substr(s, RSTART + RLENGTH)
      }
    }' "$file")
done < <(find "$src" -name '*.rs' | sort)

if [[ $status -eq 0 ]]; then
  echo "layers: every import follows the flow"
fi
exit "$status"
