"""rmn list: the clients of the book, filtered by the segment options."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, make_segment, no_match, pass_app, segment_options, select_clients
from rmnotes.i18n import _


@click.command(name="list", help=_("""List clients (id, name, tier, status, last contact, tags), sorted by id.

Segment options combine (a client must pass them all), e.g.

\b
    rmn list --tag likes-new-funds --risk 3..5 --no-contact-since 90d"""))
@segment_options
@click.option("--csv", "csv_to", is_flag=False, flag_value="-", default=None, metavar="[FILE]",
              help=_("CSV (for a spreadsheet) instead of a table: to FILE with a UTF-8 byte-order "
                   "mark, which Excel needs to read Chinese; alone or with '-', to stdout without "
                   "it. Lines end in CRLF."))
@json_option
@pass_app
def client_list(app: App, segment_args: dict, csv_to: str | None, as_json: bool) -> None:
    segment = make_segment(segment_args, app.today())
    clients = select_clients(app, segment, contacts=True)  # the table, JSON and CSV read a ContactRow's fields
    if as_json:
        from rmnotes.render.book import list_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(list_json(clients)))
        return
    if csv_to is not None:
        _csv(csv_to, clients)
        if not clients:
            click.echo(no_match(segment_args), err=True)
        return
    if not clients:
        click.echo(no_match(segment_args), err=True)
        return
    from rmnotes.render.book import client_grid
    from rmnotes.render.console import out

    console = out()
    console.print(client_grid(clients, app.today(), app.date_style, console.width), end="", crop=False)


def _csv(to: str, clients) -> None:
    """The clients as CSV on stdout (``to`` is ``-``) or in the file ``to``, owner-only."""
    from rmnotes.render.book import csv_file, csv_text

    from rmnotes.i18n import tr
    from rmnotes.words import column_title, word

    header = [column_title(c) for c in ("id", "name", "tier", "status", "risk", "children", "last_contact", "tags")]
    # the status in the headers' language (English: the code, as the file has it)
    rows = [[c.id, c.name, c.tier, tr(word(c.status)), c.risk_profile, c.children, c.last_contact, " ".join(c.tags)]
            for c in clients]
    if to == "-":
        click.echo(csv_text(header, rows), nl=False)
        return
    from rmnotes.render.book import n_clients

    target = App.write_export(to, csv_file(header, rows))
    click.echo(_("wrote {file} ({clients})").format(file=target, clients=n_clients(len(rows))), err=True)
