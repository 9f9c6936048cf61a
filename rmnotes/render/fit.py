"""Tables that fit the terminal without cutting a name or an amount.

rich shrinks every column of a table wider than the terminal, the ones marked ``no_wrap``
last but still, so at 80 columns a name became ``台 …`` and an amount ``37.…``. Here the
table is made to fit before rich sees it: columns whose cells must stay whole (names,
amounts, dates) keep their full width; a column of free text may wrap (folding a long run
of Chinese rather than cutting it); when that is still too wide, headers take their short
form, then columns are dropped in the order their ``drop`` rank says (highest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

WRAP_MIN = 16  # cells a wrapping column keeps at the least


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    justify: str = "left"
    drop: int = 0  # 0: always shown; a higher rank is dropped before a lower one
    whole: bool = True  # never wrapped or cut (names, amounts); False: free text that may wrap
    short: str | None = None  # the header when the table is short of room
    style: str | None = None


def width_of(cell: Any) -> int:
    from rich.cells import cell_len

    if cell is None:
        return 0
    if isinstance(cell, str):
        return max((cell_len(line) for line in cell.split("\n")), default=0)
    return max((line.cell_len for line in cell.split("\n")), default=0)  # a rich Text


def layout(columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: int,
           padding: int = 1, pad_edge: bool = True) -> tuple[list[int], list[str], int]:
    """Which columns to show (their indexes), with which headers, and the width the table
    then needs (more than ``width`` only when the columns that are never dropped need it)."""
    natural = [max([width_of(r[k]) for r in rows] or [0]) for k in range(len(columns))]
    headers = [c.header for c in columns]
    shown = list(range(len(columns)))

    def need() -> int:
        cells = 0
        for k in shown:
            head = width_of(headers[k])
            body = natural[k] if columns[k].whole else min(natural[k], WRAP_MIN)
            cells += max(head if columns[k].whole else min(head, WRAP_MIN), body)
        gaps = 2 * padding * len(shown) - (0 if pad_edge else 2 * padding)
        return cells + max(gaps, 0)

    if need() > width:
        headers = [c.short or c.header for c in columns]
    while need() > width:
        droppable = [k for k in shown if columns[k].drop > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda k: (columns[k].drop, k)))
    return shown, headers, need()


def fit_table(columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: int,
              padding: int = 1, pad_edge: bool = True, **options):
    """A rich Table of ``rows`` that fits ``width`` cells as :func:`layout` decides."""
    from rich.table import Table

    shown, headers, _need = layout(columns, rows, width, padding, pad_edge)
    table = Table(box=None, padding=(0, padding), pad_edge=pad_edge, header_style="bold", **options)
    for k in shown:
        c = columns[k]
        natural = max([width_of(r[k]) for r in rows] + [width_of(headers[k])]) if c.whole else None
        if c.whole:
            table.add_column(headers[k], justify=c.justify, no_wrap=True, min_width=natural,
                             style=c.style)
        else:
            table.add_column(headers[k], justify=c.justify, overflow="fold", style=c.style,
                             min_width=min(WRAP_MIN, max(width_of(headers[k]), 1)))
    for r in rows:
        table.add_row(*(r[k] for k in shown))
    return table


FOLD_MIN = 10  # the least room in which the last column folds (else it runs on)


# a line never starts with these (they close what the line before opened), nor ends with these
NO_LINE_START = frozenset("，。、；：）」』！？》〉,.;:)!?")
NO_LINE_END = frozenset("（「『《〈(")


def fold_pieces(pieces: list[tuple[str, str | None]], room: int) -> list[list[tuple[str, str | None]]]:
    """Styled pieces as lines of at most ``room`` cells. A line breaks where the text
    allows, as late as it can: between two characters of which one is Chinese (not before
    a closing mark, not after an opening one), after a space, after a hyphen that follows a
    letter (``business-owner``, never a date); a word longer than a line, anywhere."""
    lines: list[list[tuple[str, str | None]]] = []
    chars = [(ch, style) for text, style in pieces for ch in text]
    while chars:
        used, end = 0, 0
        while end < len(chars) and used + _cells(chars[end][0]) <= room:
            used += _cells(chars[end][0])
            end += 1
        if end < len(chars):
            end = next((k for k in range(end, 0, -1) if _breaks(chars, k)), end)
        end = max(end, 1)
        line, chars = chars[:end], chars[end:]
        while line and line[-1][0] == " ":
            line.pop()
        while chars and chars[0][0] == " ":
            chars.pop(0)
        merged: list[tuple[str, str | None]] = []
        for ch, style in line:
            if merged and merged[-1][1] == style:
                merged[-1] = (merged[-1][0] + ch, style)
            else:
                merged.append((ch, style))
        lines.append(merged or [("", None)])
    return lines or [[("", None)]]


def _breaks(chars: list[tuple[str, str | None]], k: int) -> bool:
    """Whether a line may end before ``chars[k]``."""
    before, after = chars[k - 1][0], chars[k][0]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == " " or after == " ":
        return True
    if before == "-":
        return k >= 2 and chars[k - 2][0].isalpha()
    return _cells(before) == 2 or _cells(after) == 2


def fold_text(text: str, room: int) -> list[str]:
    """Plain ``text`` as lines of at most ``room`` cells (see :func:`fold_pieces`)."""
    return ["".join(t for t, _ in line) for line in fold_pieces([(text, None)], room)]


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return len(text) if text.isascii() else cell_len(text)
