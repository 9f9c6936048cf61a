#!/usr/bin/env bash
# Set up, then run the main job: `rmn due` on a fresh copy of the sample vault.
# The sample vault is never modified; the copy lives in a temporary folder.
# Usage: scripts/demo.sh [extra rmn due options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${RMNOTES_VENV:-.venv}"
copy="$(mktemp -d)/my-vault"
cp -r sample-vault "$copy"
"$VENV/bin/rmn" init "$copy" >/dev/null 2>&1
echo "sample vault copied to $copy (try: export RMNOTES_VAULT=$copy)" >&2
# The sample book is dated around 2026-11-28; answer as of that day unless told otherwise.
"$VENV/bin/rmn" --vault "$copy" due --as-of "${RMNOTES_AS_OF:-2026-11-28}" "$@"
