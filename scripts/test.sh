#!/usr/bin/env bash
# Set up, then run the whole test suite. Usage: scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${RMNOTES_VENV:-.venv}"
# The tests make thousands of small git repositories and SQLite files: in memory (tmpfs)
# they take about a fifth less time than on disk. Used when /dev/shm is a tmpfs that may
# run programs (the tests run git hooks from their folders), with 2 GB of room and 2 GB of
# memory available. A passing test's folder goes when it ends, and a passing run's whole
# folder (pyproject.toml); a failing test's stays, as on disk. TMPDIR set by the caller wins.
shm_ok() {
    [ -d /dev/shm ] && [ -w /dev/shm ] || return 1
    findmnt -no FSTYPE,OPTIONS /dev/shm 2>/dev/null | grep -q '^tmpfs ' || return 1
    ! findmnt -no OPTIONS /dev/shm | tr ',' '\n' | grep -qx noexec || return 1
    local room available
    room="$(df --output=avail -k /dev/shm | tail -n 1)"
    available="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
    [ "${room:-0}" -ge 2097152 ] && [ "${available:-0}" -ge 2097152 ]
}
if [ -z "${TMPDIR:-}" ] && shm_ok; then
    TMPDIR="/dev/shm/rmnotes-tests-$(id -u)"
    mkdir -p -m 700 "$TMPDIR"
    export TMPDIR
fi
# Hypothesis keeps what it works out outside the clone, as pip keeps its downloads: its
# table of Unicode categories (about 5 s for each test process to build), the constants
# it reads from rmnotes' modules (kept by each file's hash, so a changed module is read
# again) and the examples that once failed (tried first in every later run). A fresh
# clone on this machine starts with them; a new machine builds them once. A
# HYPOTHESIS_STORAGE_DIRECTORY set by the caller wins.
if [ -z "${HYPOTHESIS_STORAGE_DIRECTORY:-}" ]; then
    HYPOTHESIS_STORAGE_DIRECTORY="${XDG_CACHE_HOME:-$HOME/.cache}/rmnotes/hypothesis"
    mkdir -p "$HYPOTHESIS_STORAGE_DIRECTORY"
    export HYPOTHESIS_STORAGE_DIRECTORY
fi
# Bytecode is cached as usual, whatever the environment says: the suite starts hundreds of
# Python processes (rmn runs, git's merge driver, the workers), and with
# PYTHONDONTWRITEBYTECODE set each of them compiled rmnotes, and each worker the tests, anew
# (from a fresh clone: 117 s of pytest's time against 92 s). The caches are __pycache__
# folders, which git ignores.
unset PYTHONDONTWRITEBYTECODE
# one worker per core (pytest-xdist): most tests are real rmn runs with real git processes;
# RMNOTES_TEST_WORKERS=0 runs them one at a time, in this process
exec "$VENV/bin/python" -m pytest -n "${RMNOTES_TEST_WORKERS:-auto}" "$@"
