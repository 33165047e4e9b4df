#!/usr/bin/env bash
# Install digest, then normalise, build and serve the bundled example with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Debian's python3 needs python3-venv for `python3 -m venv`.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .

.venv/bin/digest normalize
.venv/bin/digest build
exec .venv/bin/digest serve "$@"
