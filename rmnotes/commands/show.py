"""rmn show: one client at a glance before a call."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.i18n import _
from rmnotes.options import as_of_option, client_argument, json_option, pass_app


@click.command(name="show", help=_("""Show CLIENT: profile, family, holdings, open follow-ups, the latest log entries
and the documents in clients/<id>/ (newest first).

--json prints the parsed front-matter plus `id` (dates as ISO strings)."""))
@client_argument()
@json_option
@as_of_option
@pass_app
def client_show(app: App, client: str, as_json: bool, as_of) -> None:
    c = app.load(client)
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps({"id": c.id, **c.meta}))
        return
    from rmnotes.domain.money import MissingRate, totals
    from rmnotes.render.client import client_sheet
    from rmnotes.render.console import Trimmed, out

    try:
        sums = totals(app.vault.config, c)
    except MissingRate as exc:
        sums = exc
    out().print(Trimmed(client_sheet(c, app.vault.config, sums, as_of or app.today(),
                                     documents=app.vault.documents(c.id))))
