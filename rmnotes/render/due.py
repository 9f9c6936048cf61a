"""The agenda as a terminal table, JSON and an iCalendar file."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from rmnotes.domain.due import Agenda, DueItem
from rmnotes.i18n import N_, _, ngettext, tr
from rmnotes.words import word
from rmnotes.render import redact
from rmnotes.render.dates import show_date
from rmnotes.render.fit import WRAP_MIN, Drawn, Piece, fold_text, joined

HEADERS = (N_("date"), N_("days"), N_("reason"), N_("client"), N_("detail"), N_("how"))
SEQUENCE_EPOCH = date(2020, 1, 1).toordinal()
GAP = "  "
SIDE_BY_SIDE = 48  # cells for detail and how together, below which how goes under detail


def agenda_table(agenda: Agenda, width: int = 160, style: str = "iso") -> Drawn:
    """A summary line, then one aligned line per row (Chinese names count two cells), the
    detail and how-to-reach columns wrapped to fit ``width``, and a line saying how many
    rows are not shown. Dates, days, reasons and names are never cut; when the room left
    is short (80 columns), how-to-reach goes under the detail, in its column.

    Aligned by hand instead of by rich's Table: a rich Table of the same 50 rows gives the
    same lines (bar trailing spaces) at 40 to 120 columns, but took 14.6 ms instead of
    2.1 ms at 160 columns and 19.8 instead of 9.5 ms at 80; a warm ``rmn due`` at 10,000
    clients spent 12 ms more CPU (median of 60 runs), which its 1.5x floor cannot spare.
    Drawn as lines of pieces, like the other hand-made tables (:class:`Drawn`): as one
    rich Text it took 14 ms to lay out and print at 80 columns, as lines 4 ms."""
    return Drawn(_agenda_lines(agenda, width, style))


def _agenda_lines(agenda: Agenda, width: int, style: str) -> Iterator[list[Piece]]:
    from rich.cells import cell_len

    yield [(summary(agenda, style), "bold")]
    if not agenda.items:
        return
    cells = [(show_date(i.date, style), days_text(i.days), tr(word(i.reason)), i.name, redact.text(detail_text(i)),
              redact.text(tr(i.hint))) for i in agenda.items]
    headers = [_(h) for h in HEADERS]
    widths = [max(cell_len(h), *(cell_len(r[k]) for r in cells)) for k, h in enumerate(headers)]
    fixed = sum(widths[:4]) + 4 * len(GAP)
    room = max(width - fixed - len(GAP), 20)  # for detail + how
    stacked = room < SIDE_BY_SIDE and widths[4] + widths[5] + len(GAP) > room
    if stacked:
        detail_w = how_w = room + len(GAP)
    else:
        detail_w = _split(cells, room, widths[4], widths[5])
        how_w = max(room - detail_w, 10)
    widths[4] = detail_w

    def cell(text: str, k: int, style: str | None = None) -> list[Piece]:
        pad = " " * (widths[k] - cell_len(text))
        if k == 1:  # days: right-aligned
            return [(pad, None), (text, style), (GAP, None)]
        return [(text, style), (pad + GAP, None)]

    head = [piece for k, h in enumerate(headers[:4]) for piece in cell(h, k, "dim")]
    if stacked:
        yield joined([*head, (f"{headers[4]} · {headers[5]}", "dim")])
    else:
        yield joined([*head, *cell(headers[4], 4, "dim"), (headers[5], "dim")])
    blank = [(" " * fixed, None)]
    for item, row in zip(agenda.items, cells):
        days_style = "red" if item.days < 0 else ("bold" if item.days == 0 else None)
        first = [*cell(row[0], 0), *cell(row[1], 1, days_style), *cell(row[2], 2),
                 *cell(row[3], 3, "italic" if item.client is None else None)]
        details = fold_text(row[4], detail_w)
        hows = fold_text(row[5], how_w) if row[5] else []  # no hint: no line for it
        if stacked:  # how on the lines after the detail, dim, in the same column
            lines = [(d, None) for d in details] + [(h, "dim") for h in hows]
            for n, piece in enumerate(lines):
                yield joined([*(first if n == 0 else blank), piece])
            continue
        for n in range(max(len(details), len(hows))):
            how = [(hows[n], "dim")] if n < len(hows) else []
            yield joined([*(first if n == 0 else blank), *cell(details[n] if n < len(details) else "", 4), *how])
    shown = len(agenda.items)
    if shown < agenda.total:
        more = agenda.total - shown
        yield [(ngettext("… {n} more; rmn due --all shows every row",
                         "… {n} more; rmn due --all shows every row", more).format(n=more), "dim")]


def _split(cells: list[tuple[str, ...]], room: int, detail_most: int, how_most: int) -> int:
    """The detail's share of ``room`` (the rest is how-to-reach's): of a few widths (half
    each; the detail whole on four rows in five, or how-to-reach so; one of them whole on
    every row), the one whose rows take the fewest lines, counted as each cell's length
    over its width (a fold can take a line more; this only compares the widths)."""
    from rich.cells import cell_len

    details = [cell_len(r[4]) for r in cells]
    hows = [cell_len(r[5]) for r in cells]
    usual = (len(cells) - 1) * 4 // 5

    def lines(detail_w: int) -> int:
        how_w = room - detail_w
        return sum(max(-(-d // detail_w), -(-h // how_w)) for d, h in zip(details, hows))

    low, high = min(WRAP_MIN, room // 2), min(detail_most, max(room - WRAP_MIN, room // 2))
    wanted = {room // 2, sorted(details)[usual], room - sorted(hows)[usual], detail_most, room - how_most}
    choices = sorted({min(max(w, low), high) for w in wanted}, reverse=True)
    return min(choices, key=lines)  # the widest detail of those that take the fewest lines


def summary(agenda: Agenda, style: str = "iso") -> str:
    start, end = show_date(agenda.as_of, style), show_date(agenda.until, style)
    if not agenda.total:
        return _("nothing due from {start} to {end}").format(start=start, end=end)
    return _("due from {start} to {end}: {overdue} overdue, {coming} coming").format(
        start=start, end=end, overdue=agenda.overdue, coming=agenda.coming)


def detail_text(item: DueItem) -> str:
    """The row's detail, with the amount of a maturity or a premium: ``美元定存 80,000 USD``."""
    if item.amount is None:
        return tr(item.detail)
    from rmnotes.domain.money import money_text

    places = 0 if item.amount == item.amount.to_integral_value() else 2
    return f"{tr(item.detail)} {redact.money(money_text(item.amount, places))} {item.currency}"


def days_text(days: int) -> str:
    return _("today") if days == 0 else f"{days:+d}"


def agenda_rows(agenda: Agenda) -> list[dict]:
    from rmnotes.render.jsonout import decimal_text

    return [{"client": i.client, "name": i.name, "reason": i.reason, "date": i.date.isoformat(),
             "days": i.days, "detail": i.detail, "hint": i.hint,
             "amount": None if i.amount is None else decimal_text(i.amount), "currency": i.currency}
            for i in agenda.items]


def agenda_json(agenda: Agenda) -> str:
    """A JSON list, one object per line (fast for thousands of rows, easy to grep)."""
    rows = redact.json_value(agenda_rows(agenda))
    if not rows:
        return "[]"
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]"


def uid(item: DueItem) -> str:
    """Stable across runs for the same row, so a calendar re-import updates, not duplicates."""
    import hashlib

    return hashlib.sha1(item.key.encode("utf-8")).hexdigest()[:24] + "@rmnotes"


@redact.for_a_file
def agenda_ics(agenda: Agenda) -> bytes:
    """One all-day event per row. An overdue row is placed on the as-of day (where a phone
    shows it) and says when it fell due; its UID still names its own due date."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//rmnotes//rmn due//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "rmn due")
    stamp = datetime.combine(agenda.as_of, time(0, 0), tzinfo=timezone.utc)
    # a later export of the same row is a newer version of the event (calendars that check
    # SEQUENCE then update it instead of keeping the old one)
    sequence = max(agenda.as_of.toordinal() - SEQUENCE_EPOCH, 0)
    for item in agenda.items:
        day = max(item.date, agenda.as_of)
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        detail = detail_text(item)
        event.add("summary", _("{name} · {reason}: {detail}").format(
            name=item.name, reason=tr(word(item.reason)), detail=detail))
        lines = [detail]
        if item.days < 0:
            lines.append(ngettext("due {date} ({n} day overdue)", "due {date} ({n} days overdue)",
                                  -item.days).format(date=item.date.isoformat(), n=-item.days))
        if item.hint:
            lines.append(_("how: {hint}").format(hint=tr(item.hint)))
        if item.client:
            lines.append(_("client: {id}").format(id=item.client))
        event.add("description", "\n".join(lines))
        event.add("categories", [item.reason])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
