"""rmn list: the clients of the book, filtered by the segment options."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, make_segment, pass_app, segment_options


def select_clients(app: App, segment):
    """The index's clients in ``segment``; warnings for clients left out go to stderr."""
    from rmnotes.domain.segments import select_from_index

    app.warn_skipped()
    chosen = select_from_index(app.index, app.vault.config, segment)
    for warning in chosen.warnings:
        click.echo(warning, err=True)
    return list(chosen.clients)


@click.command(name="list")
@segment_options
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (for a spreadsheet) instead of a table.")
@json_option
@pass_app
def client_list(app: App, segment_args: dict, as_csv: bool, as_json: bool) -> None:
    """List clients (id, name, tier, status, last contact, tags), sorted by id.

    Segment options combine (a client must pass them all), e.g.

    \b
        rmn list --tag likes-new-funds --risk 3..5 --no-contact-since 90d
    """
    segment = make_segment(segment_args, app.today())
    clients = select_clients(app, segment)
    if as_json:
        from rmnotes.render.book import list_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(list_json(clients)))
        return
    if as_csv:
        from rmnotes.render.book import csv_text

        click.echo(csv_text(
            ["id", "name", "tier", "status", "risk", "children", "last_contact", "tags"],
            [[c.id, c.name, c.tier, c.status, c.risk_profile, c.children,
              c.last_contact, " ".join(c.tags)] for c in clients],
        ), nl=False)
        return
    from rmnotes.render.book import client_grid
    from rmnotes.render.console import out

    out().print(client_grid(clients, app.today()), no_wrap=True, overflow="ignore",
                crop=False)
