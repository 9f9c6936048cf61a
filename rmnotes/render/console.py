"""Rich consoles for stdout (data) and stderr (messages)."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def out() -> Console:
    """The data console. When piped, lines are not wrapped at 80 columns. Text is printed
    as written: a client's "[b]" or ":smile:" is not markup or an emoji (and rich's
    emoji table is never loaded)."""
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False, markup=False, emoji=False)


def err() -> Console:
    return Console(file=sys.stderr, highlight=False, markup=False, emoji=False)
