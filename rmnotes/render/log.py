"""The log as ``rmn log`` prints it: entries as aligned lines or JSON, and the line that
confirms a logged contact."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

from rmnotes.domain.logbook import Due, NewEntry, NextStep
from rmnotes.model import CHANNELS, Client, Entry
from rmnotes.render import redact
from rmnotes.render.dates import show_date

Rows = Sequence[tuple[str, Entry]]  # (client id, entry), as the index lists them


def entry_lines(rows: Rows, names: Mapping[str, str], show_client: bool, style: str = "iso") -> list[str]:
    """``DATE HH:MM CH [NAME  ]TEXT``, continuation lines and attributes indented under the text."""
    from rich.cells import cell_len  # here, not at the top: the write path never needs it (~2 ms)

    labels = {cid: names.get(cid, cid) for cid, _ in rows}
    width = max((cell_len(v) for v in labels.values()), default=0)
    out = []
    for cid, e in rows:
        head = f"{show_date(e.date, style)} {e.time or '     '} {e.channel} "
        if show_client:
            label = labels[cid]
            head += label + " " * (width - cell_len(label) + 2)
        first, *rest = redact.text(e.text).split("\n")
        out.append((head + first).rstrip())
        pad = " " * cell_len(head)
        out += [pad + line for line in rest]
        out += [pad + f"{k}: {redact.text(_attr_text(v))}" for k, v in e.attrs.items()]
    return out


def _attr_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return f"({len(value)} items)"
    return str(value)


def entries_json(rows: Rows, names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"client": cid, "name": names.get(cid, cid), "date": e.date, "time": e.time,
             "channel": e.channel, "text": e.text, "attrs": dict(e.attrs)} for cid, e in rows]


def no_entries(who: str | None, since: date | None, until: date | None) -> str:
    """``李娜 (li-na) has no log entries on 2026-11-28``; ``who`` None: the whole book."""
    what = f"{who} has no log entries" if who else "no log entries"
    if since and since == until:
        return f"{what} on {since}"
    if since or until:
        return f"{what} from {since or 'the start'} to {until or 'the end'}"
    return what


def due_text(due: Due, style: str = "iso") -> str:
    if due.closed:
        return "closed: never due"
    if due.cadence is None:
        return "no contact cadence (set tier or cadence)"
    if due.date is None:
        return f"no contact yet: due now (cadence {due.cadence})"
    return f"next contact due {show_date(due.date, style)} (cadence {due.cadence})"


def logged_line(client: Client, entry: NewEntry, due: Due, next_step: NextStep | None,
                style: str = "iso") -> str:
    """``logged 王偉 (wang-wei) 2026-11-25 T telephone; next contact due 2026-12-25 (cadence 1m)``."""
    channel = CHANNELS[entry.channel].split(" (")[0]
    line = (f"logged {client.name} ({client.id}) {show_date(entry.date, style)} {entry.channel} {channel}; "
            f"{due_text(due, style)}")
    if next_step is not None:
        line += f"; follow-up {show_date(next_step.date, style)} added"
    return line
