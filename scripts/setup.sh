#!/usr/bin/env bash
# Set up rmnotes on a fresh Debian/Ubuntu machine: system packages, a venv, the package.
# Idempotent: a second run only checks. Usage: scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${RMNOTES_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

# (grep without -q: with pipefail, -q would stop reading early and fail the pipe.)
# System packages: git (the vault's history), a CJK font (Chinese in charts and PDFs),
# poppler-utils (pdftotext/pdftoppm, used by the rendering tests), git-remote-gcrypt and
# gnupg (an encrypted remote for `rmn sync`, and its tests).
need=()
command -v git-remote-gcrypt >/dev/null 2>&1 || need+=(git-remote-gcrypt)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
command -v git >/dev/null 2>&1 || need+=(git)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i "WenQuanYi Micro Hei" >/dev/null || need+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing ${need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
# pip runs when pyproject.toml (the dependencies, the commands) or the Python changed since
# the last install into this venv (~7 s saved on every test run); the editable install
# reads the source from here, so an edit of the code needs no reinstall. To force one:
# rm "$VENV/.rmnotes-installed"
stamp="$VENV/.rmnotes-installed"
installed="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" -V 2>&1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$installed" ]; then
    rm -f "$stamp"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    # compat: the editable install is a plain path in a .pth file, not an import hook that
    # loads pathlib and importlib.util (~20 ms) before every command. setuptools calls the
    # mode transitional: should a future one refuse it, the default editable mode still works.
    "$VENV/bin/python" -m pip install -q -e '.[test]' --config-settings editable_mode=compat 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q -e '.[test]'
    echo "$installed" > "$stamp"
fi
# The interface language's catalogs: rmnotes/locale/*/LC_MESSAGES/rmnotes.po -> .mo (not
# kept in git; without them rmn speaks English). Babel comes with the test extra.
PYTHON="$VENV/bin/python" scripts/catalogs.sh compile
