"""The contact calendar as rich tables (paged to the terminal's width) or an Excel workbook."""

from __future__ import annotations

import math
from datetime import date
from io import BytesIO

from rmnotes.domain.calendar import ContactGrid
from rmnotes.model import CHANNELS
from rmnotes.render import redact

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
LEGEND = "  ".join(f"{k} {CHANNELS[k].split(' (')[0]}" for k in "TEMS")
NAME_MAX = 20
LAST_WIDTH = 10  # 2026-11-20


def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _day_width(grid: ContactGrid, day: date) -> int:
    widths = [len(r.cells[day].letters) for r in grid.rows if day in r.cells]
    return max([2, *widths])


def pages(grid: ContactGrid, width: int) -> list[list[date]]:
    """The days split into as few, as even, runs of columns as fit in ``width`` cells."""
    days = grid.days
    name_w = min(NAME_MAX, max([6, *(_cell_len(r.label) for r in grid.rows)]))
    fixed = name_w + 1 + LAST_WIDTH + 1
    cost = [_day_width(grid, d) + 1 for d in days]
    room = max(width - fixed, 3)
    parts = max(1, math.ceil(sum(cost) / room))
    while parts < len(days):
        size = math.ceil(len(days) / parts)
        starts = range(0, len(days), size)
        if all(sum(cost[i:i + size]) <= room for i in starts):
            return [days[i:i + size] for i in starts]
        parts += 1
    return [[d] for d in days]


def calendar_tables(grid: ContactGrid, width: int, today: date | None = None, style: str = "iso"):
    """One table per page of days: clients down, days across, channel letters in the cells."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from rmnotes.render.dates import show_date

    chunks = pages(grid, width)
    tables = []
    for chunk in chunks:
        title = (f"{show_date(chunk[0], style)} – {show_date(chunk[-1], style)}" if len(chunk) > 1
                 else show_date(chunk[0], style))
        table = Table(box=box.SIMPLE_HEAD, padding=0, show_edge=False,
                      title=title, title_justify="left")
        table.add_column("client", no_wrap=True, max_width=NAME_MAX, overflow="ellipsis")
        for d in chunk:
            weekend = d.weekday() >= 5
            head = Text(f"{d.day:>2}\n{WEEKDAYS[d.weekday()]}",
                        style="bold reverse" if d == today else ("red" if weekend else ""))
            table.add_column(head, justify="center", no_wrap=True, min_width=2,
                             style="on grey23" if weekend else None)
        table.add_column("last", no_wrap=True)
        for row in grid.rows:
            cells = [row.cells[d].letters if d in row.cells else "" for d in chunk]
            table.add_row(row.label, *cells, show_date(row.last_contact, style))
        if tables:
            tables.append(Text(""))
        tables.append(table)
    return Group(*tables, Text(LEGEND, no_wrap=True, overflow="ellipsis"))


# ---------------------------------------------------------------------- Excel
_WEEKEND_FILL = "E7E6E6"
_HEAD_FILL = "DDEBF7"


def _comment_size(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    widest = max(_cell_len(line) for line in lines)
    return min(480, max(160, widest * 7 + 20)), min(400, max(40, 20 * len(lines) + 10))


@redact.for_a_file
def calendar_xlsx(grid: ContactGrid, owner: str | None = None) -> bytes:
    """An .xlsx workbook: the grid with a comment per non-empty cell holding the entries'
    text, names and dates frozen, weekends shaded, and each client's last contact date."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"{grid.start:%Y-%m}" if grid.start.strftime("%Y-%m") == grid.end.strftime("%Y-%m") else "contacts"
    days = grid.days
    first_day_col = 3
    weekend = PatternFill("solid", fgColor=_WEEKEND_FILL)
    head_fill = PatternFill("solid", fgColor=_HEAD_FILL)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center")
    author = owner or "rmnotes"

    ws.cell(1, 1, "client").font = bold
    ws.cell(1, 2, "last contact").font = bold
    for c in (ws.cell(1, 1), ws.cell(1, 2), ws.cell(2, 1), ws.cell(2, 2)):
        c.fill = head_fill
    for j, d in enumerate(days):
        col = first_day_col + j
        top = ws.cell(1, col, d)
        top.number_format = "m/d" if d.day != 1 and j else "yyyy-mm-dd"
        top.font, top.alignment = bold, center
        below = ws.cell(2, col, WEEKDAYS[d.weekday()])
        below.alignment = center
        top.fill = below.fill = weekend if d.weekday() >= 5 else head_fill
        ws.column_dimensions[get_column_letter(col)].width = 10.5 if top.number_format != "m/d" else 5.5

    for i, row in enumerate(grid.rows):
        r = 3 + i
        ws.cell(r, 1, row.label)
        last = ws.cell(r, 2, row.last_contact)
        last.number_format = "yyyy-mm-dd"
        for j, d in enumerate(days):
            cell = ws.cell(r, first_day_col + j)
            cell.alignment = center
            if d.weekday() >= 5:
                cell.fill = weekend
            if d in row.cells:
                found = row.cells[d]
                cell.value = found.letters
                note = found.note()
                comment = Comment(note, author)
                comment.width, comment.height = _comment_size(note)
                cell.comment = comment

    legend_row = 3 + len(grid.rows) + 1
    ws.cell(legend_row, 1, LEGEND)
    ws.column_dimensions["A"].width = max(12, min(40, 2 + max([0, *(_cell_len(r.label) for r in grid.rows)])))
    ws.column_dimensions["B"].width = 12
    ws.freeze_panes = ws.cell(3, first_day_col)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()

