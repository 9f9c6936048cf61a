#!/usr/bin/env bash
# Set up, then run the whole test suite. Usage: scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${RMNOTES_VENV:-.venv}"
# The tests make thousands of small git repositories and SQLite files: in memory (tmpfs)
# when the machine has one with room (2 GB), they take about a fifth less time than on
# disk. Each passing test's folder is removed when it ends (pyproject.toml), a failing
# one's is kept until the run ends. TMPDIR set by the caller wins.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] \
    && [ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -n 1)" -ge 2097152 ] 2>/dev/null; then
    TMPDIR="$(mktemp -d /dev/shm/rmnotes-tests.XXXXXX)"
    export TMPDIR
    trap 'rm -rf "$TMPDIR"' EXIT
fi
# one worker per core (pytest-xdist): most tests are real rmn runs with real git processes;
# RMNOTES_TEST_WORKERS=0 runs them one at a time, in this process
"$VENV/bin/python" -m pytest -n "${RMNOTES_TEST_WORKERS:-auto}" "$@"
