#!/usr/bin/env bash
# System packages the tests use, on Debian 12 (bookworm):
#   redis-server, redis-sentinel  real Redis servers for the cache tests
#   python3, python3-venv         the Python test peer's venv (scripts/setup-test-env.sh)
#   python3-pip                   pip, which fetches the ONNX Runtime wheel from PyPI
#                                 (scripts/setup-onnxruntime.sh)
#   valgrind                      instruction counts of the cost check (scripts/cost-check.sh)
#   protobuf-compiler             protoc, for scripts/regen-onnx-proto.sh (the checked-in
#                                 ONNX model types; building promptgate does not need it)
#   luajit, lua-cjson, lua-socket the ai-promptgate Lua plugin's tests (tests/lua, run by
#                                 tests/e2e/lua_plugin.rs, which fails without them)
# Debian 12's python3 has neither venv (ensurepip) nor pip until those packages are there.
#
# Run as root: installs what is missing with apt-get. Run as another user: installs
# nothing; exits 0 when everything is present, otherwise names what is missing and the
# exact command to install it, and exits 1. Idempotent and quiet when nothing is missing.
set -euo pipefail

missing=()
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

for p in redis-server redis-sentinel valgrind; do
  if ! have_deb "$p" && ! command -v "$p" >/dev/null 2>&1; then missing+=("$p"); fi
done
if ! have_deb protobuf-compiler && ! command -v protoc >/dev/null 2>&1; then
  missing+=(protobuf-compiler)
fi
# LuaJIT: checked by what it can do, so modules installed another way (luarocks) count.
if ! command -v luajit >/dev/null 2>&1; then
  missing+=(luajit lua-cjson lua-socket)
else
  luajit -e 'require("cjson")' >/dev/null 2>&1 || missing+=(lua-cjson)
  luajit -e 'require("socket.unix")' >/dev/null 2>&1 || missing+=(lua-socket)
fi
# Python: checked by what it can do, so any python3 on PATH that can already make a venv
# and run pip is accepted (a distribution package is only asked for when it cannot).
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-venv python3-pip)
else
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "setup-system: missing: ${missing[*]}" >&2
  echo "setup-system: install them as root first:  sudo apt-get install -y ${missing[*]}" >&2
  echo "setup-system: (or run this script as root: it installs them itself)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing: ${missing[*]}, and no apt-get to install them (not Debian?)" >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Redis packages start system-wide services; the tests start their own servers.
if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now redis-server redis-sentinel >/dev/null 2>&1 || true
fi
