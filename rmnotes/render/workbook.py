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
    (a phone number keeps its leading zero; text such as ``=A1`` is never a formula).
    Written in openpyxl's streaming mode: a book of 100,000 rows in seconds, not minutes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        for i, fmt in enumerate(sheet.formats, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(
                _WIDTH[fmt], min(40, 2 * len(sheet.headers[i - 1]) + 2))
        ws.freeze_panes = "C2" if sheet.kind == "clients" else "A2"
        if sheet.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{len(sheet.rows) + 1}"
        header = []
        for text in sheet.headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for values in sheet.rows:
            row = []
            for value, fmt in zip(values, sheet.formats):
                if value is None:
                    row.append(None)
                    continue
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING  # text such as "=A1" stays text, never a formula
                    if fmt == "text":
                        cell.number_format = "@"
                elif fmt == "date":
                    cell.number_format = "yyyy-mm-dd"
                elif fmt == "amount":
                    cell.number_format = "#,##0" if _whole(value) else "#,##0.##"
                row.append(cell)
            ws.append(row)
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
