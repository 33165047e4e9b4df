#!/usr/bin/env bash
# Install everything the tests need (Debian's chromium included) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Java runs the Nu HTML Checker that validates the built pages.
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
# Debian's python3 needs python3-venv for `python3 -m venv`.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,bench]'

.venv/bin/ruff check digest tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
