#!/usr/bin/env bash
# Rebuilds promptgate's default L2 model (models/<name>/).
# Usage: models/train/train.sh [--name NAME] [--no-ablation]
# Creates a pinned venv in models/train/.venv (git-ignored) and caches downloads and the
# distilled table in models/train/.cache (git-ignored). CPU only; network: PyPI via pip
# only (and crates.io through cargo for the promptgate build).
#
# Inputs:
#   training pool  PROMPTGATE_TRAIN_POOL, else the development corpus's train_pool.jsonl
#                  at ../shared/corpus/train_pool.jsonl beside the repository when it is
#                  there (optional input, kept outside the repository: training data only);
#                  without a pool the script stops and says so. generate.py adds seeded
#                  generated texts.
#   corpus         attacks.jsonl + benign.jsonl of PROMPTGATE_CORPUS_DIR, else the
#                  repository's tests/corpus. `promptgate eval` splits them into the fixed
#                  calibration and holdout parts (src/eval/split.rs): the threshold is set on
#                  the calibration part only; the model card's numbers are the holdout part's.
# The model card names both.
#
# The threshold is calibrated for the whole waterfall, so the script first builds
# promptgate and records L1's verdicts on each part with L2 off (`promptgate eval --json
# --part calibration|holdout`, serving-path wrapping). Set L1_CALIBRATION=<file> and
# L1_HOLDOUT=<file> to reuse such files instead.
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
l1_cal="${L1_CALIBRATION:-}"
l1_hold="${L1_HOLDOUT:-}"
if [[ -z "${l1_cal}" || -z "${l1_hold}" ]]; then
  mkdir -p "${here}/.cache"
  (cd "${repo}" && cargo build --release --locked --bin promptgate)
  bin="${CARGO_TARGET_DIR:-${repo}/target}/release/promptgate"
  printf '[policy.l2]\nenabled = false\n' > "${here}/.cache/l2-off.toml"
  l1_cal="${here}/.cache/l1-calibration.json"
  l1_hold="${here}/.cache/l1-holdout.json"
  for part in calibration holdout; do
    "${bin}" --config "${here}/.cache/l2-off.toml" eval --json --part "${part}" \
      "${corpus}/attacks.jsonl" "${corpus}/benign.jsonl" > "${here}/.cache/l1-${part}.json"
  done
fi

cd "${here}"
exec "${venv}/bin/python" train.py "$@" --corpus "${corpus}" --pool "${pool}" \
  --l1-calibration "${l1_cal}" --l1-holdout "${l1_hold}"
