#!/usr/bin/env bash
# Install digest, then normalise, build and serve the bundled example with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .

.venv/bin/digest normalize
.venv/bin/digest build
exec .venv/bin/digest serve "$@"
