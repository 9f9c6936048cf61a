"""rmn log: write down a contact in one line (and commit it), or read the log back."""

from __future__ import annotations

import sys
from datetime import date

import click

from rmnotes.app import App
from rmnotes.model import CHANNELS
from rmnotes.options import DATE, client_argument, json_option, pass_app

CHANNEL_LINES = "; ".join(f"{k} {v}" for k, v in CHANNELS.items())


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message, click.get_current_context())


@click.command(name="log")
@client_argument(required=False)
@click.argument("channel", metavar="[CH]", required=False)
@click.argument("text", metavar="[TEXT]...", nargs=-1)
@click.option("--date", "day", type=DATE, metavar="YYYY-MM-DD", help="The day of the contact (default: today).")
@click.option("--time", "at", metavar="HH:MM", help="The time of the contact.")
@click.option("--with", "with_", multiple=True, metavar="NAME",
              help="A family member who was there (repeatable): a 'with:' line.")
@click.option("--next", "next_", metavar='"YYYY-MM-DD TEXT"',
              help="Also promise a follow-up: '- [ ] DATE TEXT' in ## Follow-ups.")
@click.option("--edit", is_flag=True, help="Write the text in $EDITOR (several lines allowed).")
@click.option("--future", is_flag=True, help="Allow a date after today (a planned contact).")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Reading: entries from this day.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Reading: entries up to this day.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Reading: only the N newest entries.")
@json_option
@pass_app
def client_log(app: App, client: str | None, channel: str | None, text: tuple[str, ...],
               day: date | None, at: str | None, with_: tuple[str, ...], next_: str | None,
               edit: bool, future: bool, since: date | None, until: date | None,
               limit: int | None, as_json: bool) -> None:
    """Log a contact with CLIENT, or read the log.

    \b
    rmn log CLIENT CH TEXT...   append '- DATE [HH:MM] CH TEXT' to ## Log and commit
    rmn log CLIENT              CLIENT's entries, newest first
    rmn log                     today's entries across the book (--since/--until widen it)

    \b
    CH is one letter (any case):
      T telephone   E email   M meeting in person
      S short message (SMS, LINE, WeChat)   N internal note (not a contact)

    TEXT '-' reads the text from standard input; --edit opens $EDITOR. Extra lines
    become continuation lines of the entry. The date defaults to today; a date after
    today needs --future.
    """
    writing = {"--date": day, "--time": at, "--with": with_, "--next": next_, "--edit": edit,
               "--future": future}
    reading = {"--since": since, "--until": until, "--limit": limit, "--json": as_json}
    if channel is None:
        used = [k for k, v in writing.items() if v]
        if used:
            raise _usage(f"{' and '.join(used)} need a channel and text: rmn log CLIENT CH TEXT...")
        _read(app, client, since, until, limit, as_json)
        return
    used = [k for k, v in reading.items() if v]
    if used:
        raise _usage(f"{' and '.join(used)} are for reading the log: rmn log [CLIENT] without CH TEXT")
    _write(app, client, channel, text, day, at, with_, next_, edit, future)


# ---------------------------------------------------------------------- writing
def _text(words: tuple[str, ...], edit: bool) -> str:
    if words == ("-",):
        if edit:
            raise _usage("give either '-' (standard input) or --edit, not both")
        return sys.stdin.read()
    given = " ".join(words)
    if edit:
        written = click.edit(given + "\n" if given else "", extension=".md")
        if written is None or not written.strip():
            raise _usage("nothing logged: the editor was closed without text")
        return written
    if not given.strip():
        raise _usage("TEXT missing: rmn log CLIENT CH TEXT... ('-' reads standard input, --edit opens $EDITOR)")
    return given


def _write(app: App, client_id: str, channel: str, words: tuple[str, ...], day: date | None,
           at: str | None, with_: tuple[str, ...], next_: str | None, edit: bool, future: bool) -> None:
    from rmnotes.domain import logbook

    letter = logbook.channel_letter(channel)
    if letter is None:
        raise _usage(f"unknown channel '{channel}'; CH is one of: {CHANNEL_LINES}")
    text = _text(words, edit)
    try:
        entry = logbook.make_entry(text, letter, app.today(), day, at, with_, future)
        next_step = logbook.parse_next(next_) if next_ else None
    except logbook.EntryError:
        if edit:  # never lose what was typed in the editor
            click.echo(text.rstrip("\n"), err=True)
        raise
    rel = app.vault.rel(app.vault.client_path(client_id))
    # the file is parsed in the transform only, under the lock, while git status runs
    logged = app.change_file(rel, lambda data: logbook.apply_entry(data, rel, entry, next_step),
                             lambda logged: logbook.log_message(logged.client, entry, next_step)).value
    due = logbook.next_due(logged.client, app.vault.config)
    line = (f"logged {logged.client.name} ({client_id}) {entry.date} {entry.channel} "
            f"{CHANNELS[entry.channel].split(' (')[0]}; {_due_text(due)}")
    if next_step is not None:
        line += f"; follow-up {next_step.date} added"
    click.echo(line, err=True)


def _due_text(due) -> str:
    if due.closed:
        return "closed: never due"
    if due.cadence is None:
        return "no contact cadence (set tier or cadence)"
    if due.date is None:
        return f"no contact yet: due now (cadence {due.cadence})"
    return f"next contact due {due.date} (cadence {due.cadence})"


# ---------------------------------------------------------------------- reading
def _read(app: App, client_id: str | None, since: date | None, until: date | None,
          limit: int | None, as_json: bool) -> None:
    names = app.index.names()
    if client_id is not None and client_id not in names:
        app.load(client_id)  # a file the index could not read: raises its parse error
    app.warn_skipped()
    if client_id is None and since is None and until is None:
        since = until = app.today()
    elif client_id is None:
        until = until or app.today()
        since = since or until
    rows = app.index.entries(client_id, since, until)
    rows.reverse()  # newest first
    if limit:
        rows = rows[:limit]
    if client_id is None:
        rows.reverse()  # the day's record reads in order
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps([{"client": cid, "name": names.get(cid, cid), "date": e.date, "time": e.time,
                           "channel": e.channel, "text": e.text, "attrs": dict(e.attrs)}
                          for cid, e in rows]))
        return
    if not rows:
        what = f"{names.get(client_id, client_id)} ({client_id}) has no log entries" if client_id \
            else "no log entries"
        if since and since == until:
            what += f" on {since}"
        elif since or until:
            what += f" from {since or 'the start'} to {until or 'the end'}"
        click.echo(what, err=True)
        return
    click.echo("\n".join(_lines(rows, names, show_client=client_id is None)))


def _lines(rows, names: dict[str, str], show_client: bool) -> list[str]:
    from rich.cells import cell_len

    labels = {cid: names.get(cid, cid) for cid, _ in rows}
    width = max((cell_len(v) for v in labels.values()), default=0)
    out = []
    for cid, e in rows:
        head = f"{e.date} {e.time or '     '} {e.channel} "
        if show_client:
            label = labels[cid]
            head += label + " " * (width - cell_len(label) + 2)
        first, *rest = e.text.split("\n")
        out.append((head + first).rstrip())
        pad = " " * cell_len(head)
        out += [pad + line for line in rest]
        out += [pad + f"{k}: {_attr_text(v)}" for k, v in e.attrs.items()]
    return out


def _attr_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return f"({len(value)} items)"
    return str(value)

