#!/usr/bin/env bash
# Checks promptgate.service with `systemd-analyze verify` and the sysusers file with
# `systemd-sysusers --dry-run` (run by .ci/run).
#
# The unit names /usr/local/bin/promptgate, which a build machine does not have, so the
# check runs on a copy whose commands point at an existing executable. systemd-analyze
# exits 0 even on unknown keys or bad values (it only prints "…, ignoring"), so any
# output at all is a failure. Skips with a message where systemd-analyze is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not installed: skipping the unit check"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stand_in="$(command -v true)"
sed "s#/usr/local/bin/promptgate#${stand_in}#g" "$here/promptgate.service" > "$work/promptgate.service"
status=0
out="$(systemd-analyze verify "$work/promptgate.service" 2>&1)" || status=$?
if [[ $status -ne 0 || -n "$out" ]]; then
  echo "$out" | sed "s#$work/##g" >&2
  echo "systemd-analyze verify: promptgate.service has problems (status $status)" >&2
  exit 1
fi
echo "promptgate.service: ok"
# The sysusers file: parsed and applied to nothing (--dry-run writes no file).
if command -v systemd-sysusers >/dev/null 2>&1; then
  out="$(systemd-sysusers --dry-run "$here/promptgate.sysusers.conf" 2>&1)" \
    || { echo "$out" >&2; echo "systemd-sysusers: promptgate.sysusers.conf has problems" >&2; exit 1; }
  echo "promptgate.sysusers.conf: ok"
fi
