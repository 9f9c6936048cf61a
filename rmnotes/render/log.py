"""The log as ``rmn log`` prints it: entries as aligned lines or JSON, and the line that
confirms a logged contact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

from rmnotes.domain.logbook import Due, NewEntry, NextStep
from rmnotes.i18n import _, ngettext, tr
from rmnotes.model import Client, Entry
from rmnotes.render import redact
from rmnotes.render.dates import show_date
from rmnotes.words import CHANNEL_SHORT, period_word

Rows = Sequence[tuple[str, Entry]]  # (client id, entry), as the index lists them


def entry_lines(rows: Rows, names: Mapping[str, str], show_client: bool, style: str = "iso",
                width: int | None = None) -> list[str]:
    """``DATE HH:MM CH [NAME  ]TEXT``, continuation lines and attributes indented under the
    text; with ``width``, the text folds under itself to fit."""
    from rich.cells import cell_len  # here, not at the top: the write path never needs it (~2 ms)

    from rmnotes.render.fit import FOLD_MIN, fold_text

    labels = {cid: names.get(cid, cid) for cid, _ in rows}
    widest = max((cell_len(v) for v in labels.values()), default=0)
    out = []
    for cid, e in rows:
        head = f"{show_date(e.date, style)} {e.time or '     '} {e.channel} "
        if show_client:
            label = labels[cid]
            head += label + " " * (widest - cell_len(label) + 2)
        pad = " " * cell_len(head)
        room = (width or 0) - len(pad)
        lines = redact.text(e.text).split("\n") + [_attr_line(k, v, e.channel) for k, v in e.attrs.items()]
        if room >= FOLD_MIN:
            lines = [piece for line in lines for piece in fold_text(line, room)]
        out.append((head + lines[0]).rstrip())
        out += [pad + line for line in lines[1:]]
    return out


def _attr_line(key: str, value: Any, channel: str = "M") -> str:
    """An entry's attribute as a line a person reads: who was there (at a meeting; who it
    was about, for a call, an email or a message), the review recorded (its total); any
    other ``key: value`` as written."""
    if key == "with" and isinstance(value, list):
        names = _(", ").join(str(v) for v in value)
        return (_("with: {names}") if channel == "M" else _("involving: {names}")).format(names=names)
    if key == "review" and isinstance(value, dict) and value.get("total") is not None:
        total = value["total"]
        shown = f"{total:,}" if isinstance(total, (int, Decimal)) else str(total)
        return _("asset review recorded: total assets {total}").format(total=redact.money(shown))
    return f"{key}: {redact.text(_attr_text(value))}"


def _attr_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ngettext("({n} item)", "({n} items)", len(value)).format(n=len(value))
    return str(value)


def entries_json(rows: Rows, names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"client": cid, "name": names.get(cid, cid), "date": e.date, "time": e.time,
             "channel": e.channel, "text": e.text, "attrs": dict(e.attrs)} for cid, e in rows]


def no_entries(who: str | None, since: date | None, until: date | None) -> str:
    """``李娜 (li-na) has no log entries on 2026-11-28``; ``who`` None: the whole book."""
    if since and since == until:
        text = _("{who} has no log entries on {day}") if who else _("no log entries on {day}")
    elif since or until:
        text = (_("{who} has no log entries from {since} to {until}") if who
                else _("no log entries from {since} to {until}"))
    else:
        text = _("{who} has no log entries") if who else _("no log entries")
    return text.format(who=who, day=since, since=since or _("the start"), until=until or _("the end"))


def due_text(due: Due, style: str = "iso") -> str:
    if due.closed:
        return _("closed: never due")
    if due.cadence is None:
        return _("no contact cadence (set tier or cadence)")
    if due.date is None:
        return _("no contact yet: due now (cadence {cadence})").format(cadence=tr(period_word(due.cadence)))
    return _("next contact due {date} (cadence {cadence})").format(date=show_date(due.date, style),
                                                                   cadence=tr(period_word(due.cadence)))


def logged_line(client: Client, entry: NewEntry, due: Due, next_step: NextStep | None,
                style: str = "iso") -> str:
    """``logged 王偉 (wang-wei) 2026-11-25 T telephone; next contact due 2026-12-25 (cadence 1m)``."""
    channel = _(CHANNEL_SHORT[entry.channel])
    line = _("logged {name} ({id}) {date} {ch} {channel}; {due}").format(
        name=client.name, id=client.id, date=show_date(entry.date, style), ch=entry.channel, channel=channel,
        due=due_text(due, style))
    if next_step is not None:
        line += _("; follow-up {date} added").format(date=show_date(next_step.date, style))
    return line
