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


class Trimmed:
    """``renderable`` without the spaces rich pads its tables' lines with at the right
    (a cell is padded to its column's width): lines end where their text ends, in a file
    or a copied screen as on the terminal. A space with a background colour stays."""

    def __init__(self, renderable):
        self.renderable = renderable

    def __rich_console__(self, console: Console, options):
        from rich.segment import Segment

        def unseen(segment: Segment) -> bool:  # spaces here show nothing
            return not segment.control and (segment.style is None or segment.style.bgcolor is None)

        newline = Segment.line()
        for line in console.render_lines(self.renderable, options, pad=False):
            while line and unseen(line[-1]) and not line[-1].text.rstrip(" "):
                line.pop()
            if line and unseen(line[-1]) and line[-1].text.endswith(" "):
                last = line[-1]
                line[-1] = Segment(last.text.rstrip(" "), last.style, last.control)
            yield from line
            yield newline
