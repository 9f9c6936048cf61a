#!/usr/bin/env bash
# Set up, then run the whole test suite. Usage: scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${RMNOTES_VENV:-.venv}"
# one worker per core (pytest-xdist): most tests are real rmn runs with real git processes;
# RMNOTES_TEST_WORKERS=0 runs them one at a time, in this process
exec "$VENV/bin/python" -m pytest -n "${RMNOTES_TEST_WORKERS:-auto}" "$@"
