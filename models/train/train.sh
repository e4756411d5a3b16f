#!/usr/bin/env bash
# Rebuilds promptgate's default L2 model (models/<name>/) from the corpus beside the repo.
# Usage: models/train/train.sh [--name NAME] [--corpus DIR]
# Creates a pinned venv in models/train/.venv (git-ignored) and caches downloads and
# embeddings in models/train/.cache (git-ignored). CPU only; network: PyPI via pip only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
cd "${here}"
exec "${venv}/bin/python" train.py "$@"
