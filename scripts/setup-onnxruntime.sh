#!/usr/bin/env bash
# Fetches the ONNX Runtime shared library that promptgate's L2 classifier loads at run
# time (ort with load-dynamic). The library comes from the PyPI wheel onnxruntime==1.31.1
# (MIT), fetched by package name with pip; Debian has no onnxruntime package and the
# runtime's own download CDN is not reachable from CI.
#
# Result: .runtime/onnxruntime/libonnxruntime.so.1.31.1 (sha256-checked) and
# .runtime/onnxruntime/path holding its absolute path, which promptgate reads when neither
# the config nor ORT_DYLIB_PATH names a library. Idempotent: does nothing when the library
# is already there with the right hash. Quiet on success; non-zero with a reason on failure.
set -euo pipefail

ORT_VERSION="1.31.1"
LIB_NAME="libonnxruntime.so.${ORT_VERSION}"
LIB_SHA256="fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"
# The wheel is tagged per Python version but the C library inside is the same build; pin
# one tag so the download (and the hash above) does not depend on the local Python.
WHEEL_TAGS=(--platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311)

fail() { echo "setup-onnxruntime: $*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/.runtime/onnxruntime"
lib="${dest}/${LIB_NAME}"

[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] \
  || fail "only Linux x86_64 is supported by this script (got $(uname -s)-$(uname -m)); set ORT_DYLIB_PATH to an ONNX Runtime ${ORT_VERSION} library instead"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "${lib}" && "$(sha_of "${lib}")" == "${LIB_SHA256}" ]]; then
  printf '%s\n' "${lib}" > "${dest}/path"
  exit 0
fi

python=""
for candidate in python3 python; do
  if command -v "${candidate}" >/dev/null 2>&1 && "${candidate}" -m pip --version >/dev/null 2>&1; then
    python="${candidate}"; break
  fi
done
[[ -n "${python}" ]] \
  || fail "needs python3 with pip to fetch the onnxruntime wheel from PyPI (Debian: apt-get install python3-pip)"
command -v unzip >/dev/null 2>&1 || "${python}" -c 'import zipfile' \
  || fail "needs unzip or Python's zipfile"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# --retries/--timeout: an unreachable index fails in well under a minute instead of
# pip's default of five retries.
"${python}" -m pip download --quiet --disable-pip-version-check --no-deps \
  --retries 1 --timeout 15 \
  --only-binary=:all: "${WHEEL_TAGS[@]}" "onnxruntime==${ORT_VERSION}" -d "${work}" \
  > "${work}/pip.log" 2>&1 \
  || { cat "${work}/pip.log" >&2; fail "pip could not download onnxruntime==${ORT_VERSION} from the package index (PyPI unreachable?)"; }

wheel="$(ls "${work}"/onnxruntime-"${ORT_VERSION}"-*.whl 2>/dev/null | head -n1)"
[[ -n "${wheel}" ]] || fail "pip finished but no onnxruntime-${ORT_VERSION} wheel is in ${work}"

"${python}" - "${wheel}" "onnxruntime/capi/${LIB_NAME}" "${work}/${LIB_NAME}" <<'PY' \
  || fail "the wheel does not contain onnxruntime/capi/${LIB_NAME}"
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY

got="$(sha_of "${work}/${LIB_NAME}")"
[[ "${got}" == "${LIB_SHA256}" ]] \
  || fail "sha256 mismatch for ${LIB_NAME}: expected ${LIB_SHA256}, got ${got}"

mkdir -p "${dest}"
install -m 0644 "${work}/${LIB_NAME}" "${lib}.tmp"
mv -f "${lib}.tmp" "${lib}"
printf '%s\n' "${lib}" > "${dest}/path"
