#!/usr/bin/env bash
# The interface language's catalogs (rmnotes/locale/). Usage:
#   scripts/catalogs.sh extract   rmnotes.pot from the code, then each language's .po updated
#                                 (new messages empty, for a translator; none marked fuzzy)
#   scripts/catalogs.sh compile   each .po -> rmnotes.mo (scripts/setup.sh runs this)
# Needs Babel (in the test extra: pip install -e '.[test]').
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-$(dirname "${PYTHON:-.venv/bin/python}")/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
LOCALE=rmnotes/locale
case "${1:-}" in
    extract)
        mkdir -p "$LOCALE"
        "$PYBABEL" --quiet extract -F babel.cfg -k Msg -k N_ -k ngettext:1,2 --no-location --sort-output \
            --no-wrap --project rmnotes -o "$LOCALE/rmnotes.pot" rmnotes
        for lang in zh_TW zh_HK zh_CN; do
            "$PYBABEL" --quiet update -D rmnotes -i "$LOCALE/rmnotes.pot" -d "$LOCALE" -l "$lang" \
                --init-missing --no-fuzzy-matching --ignore-obsolete --no-wrap
        done
        ;;
    compile)
        "$PYBABEL" --quiet compile -D rmnotes -d "$LOCALE"
        ;;
    *)
        echo "usage: scripts/catalogs.sh extract|compile" >&2
        exit 2
        ;;
esac
