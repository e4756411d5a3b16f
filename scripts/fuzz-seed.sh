#!/usr/bin/env bash
# Prints the seed of CI's fuzz run: the first 15 hex digits of the checked-out
# commit, as a decimal number (60 bits, within the u64 the harness reads).
#
# Why: CI's fuzz step once drew a fresh seed per run, so a commit could fail
# on inputs no one could have tried before it landed. With the commit's own
# seed, every commit still explores new inputs, a failure repeats on the same
# commit, and the run CI will make can be made first:
#
#   PROMPTGATE_FUZZ_SEED=$(scripts/fuzz-seed.sh) PROMPTGATE_FUZZ_CASES=1000000000 \
#     PROMPTGATE_FUZZ_SECS=60 cargo test --locked --test fuzz
#
# (a longer budget than CI's covers CI's cases: the same seed generates the
# same cases in the same order). Outside a git checkout, a random seed.
set -euo pipefail
cd "$(dirname "$0")/.."
if commit=$(git rev-parse --verify --quiet HEAD 2>/dev/null) && [[ $commit =~ ^[0-9a-f]{15} ]]; then
  echo $((16#${commit:0:15}))
else
  od -An -N7 -tu8 /dev/urandom | tr -d ' '
fi
