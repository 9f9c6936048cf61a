"""rmn done: tick a follow-up (the one in-place edit of a file's body)."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.i18n import _
from rmnotes.options import client_argument, pass_app


@click.command(name="done", help=_("""Tick one of CLIENT's follow-ups ('- [ ]' becomes '- [x]') and commit.

N is the follow-up's number as 'rmn show' lists it; TEXT is its day as --next takes
it ('12/20', '明天'), else any part of its date or text. With neither, the one open
follow-up is ticked. When several match, nothing is changed and they are listed with
their numbers."""))
@client_argument()
@click.argument("what", metavar="[TEXT|N]", nargs=-1)
@pass_app
def followup_done(app: App, client: str, what: tuple[str, ...]) -> None:
    from rmnotes.domain import logbook
    from rmnotes.errors import DataError

    from rmnotes.names import fold as folded

    query = " ".join(what).strip() or None
    current = app.load(client)
    table = app.index.fold_table() if query and any(ord(c) > 0x2E7F for c in query) else None
    fold = (lambda text: folded(text, table)) if table is not None else None  # 学费 finds 學費
    chosen = logbook.pick_followup(current, query, fold)  # fails early, before the lock
    rel = current.path

    def transform(data: bytes | None) -> logbook.Ticked:
        ticked = logbook.tick_followup(data, rel, query, fold)
        if (ticked.followup.date, ticked.followup.text) != (chosen.date, chosen.text):
            raise DataError(_("{file} changed while ticking; run the command again").format(file=rel))
        return ticked

    ticked = app.change_file(rel, transform, logbook.done_message(current, chosen)).value
    click.echo(_("done: {name} ({id}) {label}").format(name=current.name, id=client,
                                                       label=logbook.followup_label(ticked.followup)), err=True)
