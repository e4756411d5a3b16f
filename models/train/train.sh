#!/usr/bin/env bash
# Rebuilds promptgate's default L2 model (models/<name>/) from the corpus beside the repo.
# Usage: models/train/train.sh [--name NAME] [--corpus DIR] [--no-cv]
# Creates a pinned venv in models/train/.venv (git-ignored) and caches downloads and the
# distilled table in models/train/.cache (git-ignored). CPU only; network: PyPI via pip
# only (and crates.io through cargo for the promptgate build).
#
# The threshold is calibrated for the whole waterfall, so the script first builds
# promptgate and records L1's verdicts on the dev corpus with L2 off (`promptgate eval
# --json`). Set L1_RESULTS=<file> to reuse such a file instead.
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

corpus="${PROMPTGATE_CORPUS_DIR:-}"
if [[ -z "${corpus}" ]]; then
  for c in "${repo}/../shared/corpus" "${repo}/../../shared/corpus"; do
    if [[ -f "${c}/attacks.jsonl" ]]; then corpus="$(cd "${c}" && pwd)"; break; fi
  done
fi
l1="${L1_RESULTS:-}"
if [[ -z "${l1}" && -n "${corpus}" ]]; then
  mkdir -p "${here}/.cache"
  (cd "${repo}" && cargo build --release --locked --bin promptgate)
  bin="${CARGO_TARGET_DIR:-${repo}/target}/release/promptgate"
  printf '[policy.l2]\nenabled = false\n' > "${here}/.cache/l2-off.toml"
  l1="${here}/.cache/l1-results.json"
  "${bin}" --config "${here}/.cache/l2-off.toml" eval --json \
    "${corpus}/attacks.jsonl" "${corpus}/benign.jsonl" > "${l1}"
fi

cd "${here}"
args=("$@")
if [[ -n "${corpus}" ]]; then args+=(--corpus "${corpus}"); fi
if [[ -n "${l1}" ]]; then args+=(--l1-results "${l1}"); fi
exec "${venv}/bin/python" train.py "${args[@]}"
