#!/usr/bin/env bash
# Set up, then run the whole test suite. Usage: scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${RMNOTES_VENV:-.venv}"
exec "$VENV/bin/python" -m pytest "$@"
