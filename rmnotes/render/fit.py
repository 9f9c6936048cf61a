"""Tables that fit the terminal without cutting a name or an amount.

rich shrinks every column of a table wider than the terminal, the ones marked ``no_wrap``
last but still, so at 80 columns a name became ``台 …`` and an amount ``37.…``. Here the
table is made to fit before rich sees it: columns whose cells must stay whole (names,
amounts, dates) keep their full width; a column of free text may wrap (folding a long run
of Chinese rather than cutting it); when that is still too wide, headers take their short
form, then columns are dropped in the order their ``drop`` rank says (highest first).
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Optional, Sequence

WRAP_MIN = 16  # cells a wrapping column keeps at the least


class Column(NamedTuple):
    header: str
    justify: str = "left"
    drop: int = 0  # 0: always shown; a higher rank is dropped before a lower one
    whole: bool = True  # never wrapped or cut (names, amounts); False: free text that may wrap
    short: str | None = None  # the header when the table is short of room
    style: str | None = None
    # whole while the table fits, folded when even the columns never dropped do not fit
    # (a holding named at length: its amounts stay whole beside it)
    fold_last: bool = False


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

    shown, headers, need = layout(columns, rows, width, padding, pad_edge)
    squeezed = need > width
    table = Table(box=None, padding=(0, padding), pad_edge=pad_edge, header_style="bold", **options)
    for k in shown:
        c = columns[k]
        whole = c.whole and not (squeezed and c.fold_last)
        natural = max([width_of(r[k]) for r in rows] + [width_of(headers[k])]) if whole else None
        if whole:
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
# the units a number is written with, which stay on its line (1 年, 6 個月, 27 位, 3 項)
UNITS = frozenset("年月個个天日週周歲岁萬万億亿千百元次項项位份張张筆笔倍號号時时分秒")


def fold_pieces(pieces: list[tuple[str, str | None]], room: int, first: int | None = None,
                hyphens: bool = True) -> list[list[tuple[str, str | None]]]:
    """Styled pieces as lines of at most ``room`` cells (the first line ``first`` cells,
    when given). A line breaks where the text allows, as late as it can: between two
    characters of which one is Chinese (not before a closing mark, not after an opening
    one, not between a number and the Chinese unit after it: ``1 年``), after a space;
    where the line has no such place, after a hyphen that follows a letter
    (``business-owner``, never a date; not with ``hyphens=False``: help names codes such
    as ``life-below-income``); a word longer than a line, anywhere. The last line never
    holds a character alone where the line before can give it one more."""
    from rich.cells import cell_len

    chars = [(ch, style) for text, style in pieces for ch in text]
    widths = [1 if ch.isascii() else cell_len(ch) for ch, _ in chars]
    lines: list[list[tuple[str, str | None]]] = []
    start, count = 0, len(chars)
    split = False  # the line before ended inside a word (after a hyphen, or anywhere)
    while start < count:
        used, end = 0, start
        fits = room if lines or first is None else first
        while end < count and used + widths[end] <= fits:
            used += widths[end]
            end += 1
        rest = None  # the rest of a split word ends its line: business- | owner | golf
        if split:
            rest = next((k for k in range(start, end) if chars[k][0] == " "), None)
        if rest is not None and rest > start:
            end, split = rest, False
        elif end < count:
            # after a space or beside a Chinese character if the line has such a place, else
            # after a hyphen: a tag or word is split only when it is longer than a line
            at = next((k for k in range(end, start, -1) if _breaks(chars, widths, start, k, False)), None)
            split = at is None
            end = at or next((k for k in range(end, start, -1) if _breaks(chars, widths, start, k, hyphens)), end)
            if end == count - 1 and end - 1 > start and _breaks(chars, widths, start, end - 1, hyphens):
                end -= 1  # not one character alone on the last line (來 / 電)
        else:
            split = False
        end = max(end, start + 1)
        stop = end
        while stop > start and chars[stop - 1][0] == " ":
            stop -= 1
        merged: list[tuple[str, str | None]] = []
        for ch, style in chars[start:stop]:
            if merged and merged[-1][1] == style:
                merged[-1] = (merged[-1][0] + ch, style)
            else:
                merged.append((ch, style))
        lines.append(merged or [("", None)])
        start = end
        while start < count and chars[start][0] == " ":
            start += 1
    return lines or [[("", None)]]


def _breaks(chars: list[tuple[str, str | None]], widths: list[int], start: int, k: int,
            hyphens: bool = True) -> bool:
    """Whether a line that starts at ``chars[start]`` may end before ``chars[k]``."""
    before, after = chars[k - 1][0], chars[k][0]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    # a number keeps its unit (1 年, 6 個月, 3年): not after the digit, nor at the space between
    if before.isdigit() and (after in UNITS or after == " " and k + 1 < len(chars) and chars[k + 1][0] in UNITS):
        return False
    if before == " " and after in UNITS and k - 2 >= start and chars[k - 2][0].isdigit():
        return False
    if before in UNITS and after in UNITS:  # 個月, 萬元
        return False
    if before == " " or after == " ":
        return True
    if before == "-":
        return hyphens and k - 2 >= start and chars[k - 2][0].isalpha()
    return widths[k - 1] == 2 or widths[k] == 2


def fold_text(text: str, room: int, first: int | None = None, hyphens: bool = True) -> list[str]:
    """Plain ``text`` as lines of at most ``room`` cells, the first ``first`` cells when
    given (see :func:`fold_pieces`)."""
    from rich.cells import cell_len

    if text.isprintable() and cell_len(text) <= (room if first is None else first):
        return [text.rstrip(" ")]  # one line, as fold_pieces would make it
    return ["".join(t for t, _ in line) for line in fold_pieces([(text, None)], room, first, hyphens)]


Piece = tuple[str, Optional[str]]  # text, and its rich style (None: plain)


def joined(pieces: Iterable[Piece]) -> list[Piece]:
    """A line of pieces as it is drawn: neighbours of one style as one piece, nothing
    empty, no spaces at the end."""
    line: list[Piece] = []
    run: list[str] = []  # the texts of the style being read, joined once it ends
    style: str | None = None
    for text, piece_style in pieces:
        if not text:
            continue
        if run and piece_style != style:
            line.append(("".join(run), style))
            run = []
        run.append(text)
        style = piece_style
    if run:
        line.append(("".join(run), style))
    while line:
        text, style = line[-1]
        if text.rstrip(" "):
            line[-1] = (text.rstrip(" "), style)
            break
        line.pop()
    return line


class Drawn:
    """A table drawn by hand: its lines of pieces, printed as they are laid out."""

    def __init__(self, lines: Iterable[list[Piece]]):
        self.lines = list(lines)

    def __rich_console__(self, console, options):
        return line_segments(self.lines)


def line_segments(lines: Iterable[list[Piece]]):
    """Lines of (text, style) pieces as rich Segments, a line break after each: how a table
    drawn by hand (``render.book.Grid``, the calendar) is printed, piece by piece, without
    rich measuring or wrapping it again."""
    from rich.segment import Segment
    from rich.style import Style

    styles: dict[str | None, Style | None] = {None: None}
    newline = Segment.line()
    for line in lines:
        for text, name in line:
            if name not in styles:
                styles[name] = Style.parse(name)
            yield Segment(text, styles[name])
        yield newline
