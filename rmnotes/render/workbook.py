"""Exported sheets as an .xlsx workbook (openpyxl) or CSV files for Excel."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Sequence

from rmnotes.domain.exporting import SheetRows
from rmnotes.render.book import csv_file

_WIDTH = {"date": 12, "amount": 14, "number": 8, "text": 14}


def xlsx_bytes(sheets: Sequence[SheetRows]) -> bytes:
    """One worksheet per sheet: a bold, frozen header row (and the id and name columns of
    the clients sheet frozen too), dates as date cells, amounts as numbers, text as text
    (a phone number keeps its leading zero)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = bold
        for values in sheet.rows:
            ws.append(values)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type != TYPE_STRING:
                    cell.data_type = TYPE_STRING  # text such as "=A1" stays text, never a formula
        for i, fmt in enumerate(sheet.formats, 1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(_WIDTH[fmt], min(40, 2 * len(sheet.headers[i - 1]) + 2))
            if fmt in ("date", "amount"):
                number_format = "yyyy-mm-dd" if fmt == "date" else "#,##0.##"
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    if cell.value is not None and not isinstance(cell.value, str):
                        cell.number_format = "#,##0" if fmt == "amount" and _whole(cell.value) else number_format
            elif fmt == "text":
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    if isinstance(cell.value, str):
                        cell.data_type = TYPE_STRING
                        cell.number_format = "@"
        ws.freeze_panes = "C2" if sheet.kind == "clients" else "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _whole(value) -> bool:
    return isinstance(value, int) or (isinstance(value, (float, Decimal)) and value == int(value))


def csv_bytes(sheet: SheetRows) -> bytes:
    """One sheet as CSV for Excel: UTF-8 with a byte-order mark, CRLF, dates as ISO text,
    amounts as plain digits."""
    rows = [[_csv(v) for v in row] for row in sheet.rows]
    return csv_file(sheet.headers, rows)


def _csv(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
