"""Dates in human output, in the style ``rmnotes.yaml`` asks for: ``date_style: iso`` shows
``2026-11-30``, ``date_style: roc`` the year of the Republic of China, as Taiwanese bank
forms write it: ``115/11/30``. Files, ``--json``, CSV and calendars keep ISO dates.

Every renderer shows a date through :func:`show_date`.
"""

from __future__ import annotations

from datetime import date

STYLES = ("iso", "roc")
ROC_OFFSET = 1911  # 民國 year 1 is 1912


def show_date(day: date | None, style: str = "iso") -> str:
    """``date(2026, 11, 30)`` -> ``2026-11-30`` (iso) or ``115/11/30`` (roc); None -> ``""``.
    A ROC year has three digits (``064/06/12``), so dates stay aligned in a column; a day
    before the Republic (1912) is shown in ISO."""
    if day is None:
        return ""
    if style == "roc" and day.year > ROC_OFFSET:
        return f"{day.year - ROC_OFFSET:03d}/{day.month:02d}/{day.day:02d}"
    return day.isoformat()
