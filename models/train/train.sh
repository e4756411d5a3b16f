#!/usr/bin/env bash
# Rebuilds promptgate's default L2 model (models/<name>/).
# Usage: models/train/train.sh [--name NAME] [--no-cv]
# Creates a pinned venv in models/train/.venv (git-ignored) and caches downloads and the
# distilled table in models/train/.cache (git-ignored). CPU only; network: PyPI via pip
# only (and crates.io through cargo for the promptgate build).
#
# Inputs:
#   training pool  PROMPTGATE_TRAIN_POOL, else the development corpus's train_pool.jsonl
#                  at ../shared/corpus/train_pool.jsonl beside the repository when it is
#                  there (optional input, kept outside the repository: training data only);
#                  without a pool the script stops and says so.
#   calibration    attacks.jsonl + benign.jsonl of PROMPTGATE_CORPUS_DIR, else the
#                  repository's tests/corpus.
# The model card names both.
#
# The threshold is calibrated for the whole waterfall, so the script first builds
# promptgate and records L1's verdicts on the calibration files with L2 off (`promptgate
# eval --json`). Set L1_RESULTS=<file> to reuse such a file instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
venv="${here}/.venv"
if [[ ! -x "${venv}/bin/python" ]]; then
  python3 -m venv "${venv}"
fi
stamp="${venv}/.requirements.sha256"
want="$(sha256sum "${here}/requirements.txt" | cut -d' ' -f1)"
if [[ "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]]; then
  "${venv}/bin/pip" install --quiet --disable-pip-version-check -r "${here}/requirements.txt"
  echo "${want}" > "${stamp}"
fi

corpus="${PROMPTGATE_CORPUS_DIR:-${repo}/tests/corpus}"
corpus="$(cd "${corpus}" && pwd)"
pool="${PROMPTGATE_TRAIN_POOL:-}"
if [[ -z "${pool}" && -f "${repo}/../shared/corpus/train_pool.jsonl" ]]; then
  pool="$(cd "${repo}/../shared/corpus" && pwd)/train_pool.jsonl"
fi
if [[ -z "${pool}" || ! -f "${pool}" ]]; then
  echo "train.sh: no training pool: set PROMPTGATE_TRAIN_POOL=/path/to/train_pool.jsonl" >&2
  echo "train.sh: (the development corpus's pool is not part of the repository)" >&2
  exit 2
fi
echo "train.sh: training pool ${pool}; calibration files in ${corpus}"
l1="${L1_RESULTS:-}"
if [[ -z "${l1}" ]]; then
  mkdir -p "${here}/.cache"
  (cd "${repo}" && cargo build --release --locked --bin promptgate)
  bin="${CARGO_TARGET_DIR:-${repo}/target}/release/promptgate"
  printf '[policy.l2]\nenabled = false\n' > "${here}/.cache/l2-off.toml"
  l1="${here}/.cache/l1-results.json"
  "${bin}" --config "${here}/.cache/l2-off.toml" eval --json \
    "${corpus}/attacks.jsonl" "${corpus}/benign.jsonl" > "${l1}"
fi

cd "${here}"
args=("$@" --corpus "${corpus}" --pool "${pool}")
if [[ -n "${l1}" ]]; then args+=(--l1-results "${l1}"); fi
exec "${venv}/bin/python" train.py "${args[@]}"
