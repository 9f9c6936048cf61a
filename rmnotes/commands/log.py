"""rmn log: write down a contact in one line (and commit it), or read the log back."""

from __future__ import annotations

import sys
from datetime import date

import click

from rmnotes.app import App
from rmnotes.i18n import _, month_day_example, region
from rmnotes.options import CHANNEL, DATE, TIME, client_argument, date_examples, json_option, pass_app


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message, click.get_current_context())


@click.command(name="log", help=_("""Log a contact with CLIENT, or read the log.

\b
rmn log CLIENT CH TEXT...  append '- DATE [HH:MM] CH TEXT' to ## Log, commit
rmn log CLIENT             CLIENT's entries, newest first
rmn log                    today's entries across the book (--since and
                           --until widen it)

\b
CH is one letter (any case):
  T telephone   E email   M meeting in person
  S short message (SMS, LINE, WhatsApp, WeChat)
  N internal note (not a contact)

TEXT '-' reads the text from standard input; --edit opens $EDITOR. Extra lines
become continuation lines of the entry. The date defaults to today; a date after
today needs --future."""))
@client_argument(required=False)
@click.argument("channel", metavar="[CH]", type=CHANNEL, required=False)
@click.argument("text", metavar="[TEXT]...", nargs=-1)
@click.option("--date", "day", type=DATE, metavar="DATE",
              help=_("The day of the contact (default: today): {examples}.").format(examples=date_examples()))
@click.option("--time", "at", type=TIME, metavar="HH:MM", help=_("The time of the contact."))
@click.option("--with", "with_", multiple=True, metavar="NAME",
              help=_("A family member who was there (repeatable): a 'with:' line."))
@click.option("--next", "next_", metavar='"DATE TEXT"',
              help=_("Also promise a follow-up: '- [ ] DATE TEXT' in ## Follow-ups. DATE as for "
                     "--date, counted from the contact's day and looking ahead: '{day} 寄資料', "
                     "'下週一 回電'.").format(day=month_day_example(region())))
@click.option("--edit", is_flag=True, help=_("Write the text in $EDITOR (several lines allowed)."))
@click.option("--future", is_flag=True, help=_("Allow a date after today (a planned contact)."))
@click.option("--since", type=DATE, metavar="DATE", help=_("Reading: entries from this day."))
@click.option("--until", type=DATE, metavar="DATE", help=_("Reading: entries up to this day."))
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help=_("Reading: only the N newest entries."))
@json_option
@pass_app
def client_log(app: App, client: str | None, channel: str | None, text: tuple[str, ...],
               day: date | None, at: str | None, with_: tuple[str, ...], next_: str | None,
               edit: bool, future: bool, since: date | None, until: date | None,
               limit: int | None, as_json: bool) -> None:
    writing = {"--date": day, "--time": at, "--with": with_, "--next": next_, "--edit": edit,
               "--future": future}
    reading = {"--since": since, "--until": until, "--limit": limit, "--json": as_json}
    if channel is None:
        used = [k for k, v in writing.items() if v]
        if used:
            raise _usage(_("{options} need a channel and text: rmn log CLIENT CH TEXT...").format(
                options=_(" and ").join(used)))
        _read(app, client, since, until, limit, as_json)
        return
    used = [k for k, v in reading.items() if v]
    if used:
        raise _usage(_("{options} are for reading the log: rmn log [CLIENT] without CH TEXT").format(
            options=_(" and ").join(used)))
    _write(app, client, channel, text, day, at, with_, next_, edit, future)


# ---------------------------------------------------------------------- writing
def _text(words: tuple[str, ...], edit: bool) -> str:
    if words == ("-",):
        if edit:
            raise _usage(_("give either '-' (standard input) or --edit, not both"))
        return sys.stdin.read()
    given = " ".join(words)
    if edit:
        written = click.edit(given + "\n" if given else "", extension=".md")
        if written is None or not written.strip():
            raise _usage(_("nothing logged: the editor was closed without text"))
        return written
    if not given.strip():
        raise _usage(_("TEXT missing: rmn log CLIENT CH TEXT... ('-' reads standard input, --edit opens $EDITOR)"))
    return given


def _write(app: App, client_id: str, channel: str, words: tuple[str, ...], day: date | None,
           at: str | None, with_: tuple[str, ...], next_: str | None, edit: bool, future: bool) -> None:
    from rmnotes.domain import logbook
    from rmnotes.render.log import logged_line

    text = _text(words, edit)
    try:
        entry = logbook.make_entry(text, channel, app.today(), day, at, with_, future)
        next_step = logbook.parse_next(next_, entry.date) if next_ else None
    except logbook.EntryError:
        if edit:  # never lose what was typed in the editor
            click.echo(text.rstrip("\n"), err=True)
        raise
    config = app.vault.config  # needed below: broken settings stop the command before it writes
    rel = app.vault.rel(app.vault.client_path(client_id))
    # the file is parsed in the transform only, under the lock, while git status runs
    logged = app.change_file(rel, lambda data: logbook.apply_entry(data, rel, entry, next_step),
                             lambda logged: logbook.log_message(logged.client, entry, next_step)).value
    due = logbook.next_due(logged.client, config)
    click.echo(logged_line(logged.client, entry, due, next_step, config.date_style), err=True)


# ---------------------------------------------------------------------- reading
def _read(app: App, client_id: str | None, since: date | None, until: date | None,
          limit: int | None, as_json: bool) -> None:
    from rmnotes.render import log as render

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

        click.echo(dumps(render.entries_json(rows, names)))
    elif not rows:
        who = f"{names[client_id]} ({client_id})" if client_id else None
        click.echo(render.no_entries(who, since, until), err=True)
    else:
        from rmnotes.render.console import out

        click.echo("\n".join(render.entry_lines(rows, names, show_client=client_id is None, style=app.date_style,
                                                width=out().width)))
