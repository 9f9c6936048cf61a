"""Rich consoles for stdout (data) and stderr (messages)."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def out() -> Console:
    """The data console. When piped, lines are not wrapped at 80 columns."""
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def err() -> Console:
    return Console(file=sys.stderr, highlight=False)
