"""rmn list: the clients of the book, filtered."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app, status_option, tag_option, tier_option


@click.command(name="list")
@tier_option
@tag_option
@status_option
@json_option
@pass_app
def client_list(app: App, tier: tuple[str, ...], tag: tuple[str, ...], status: tuple[str, ...],
                as_json: bool) -> None:
    """List clients (id, name, tier, status, last contact, tags), sorted by id."""
    app.warn_skipped()
    profiles = app.index.profiles()
    if tier:
        profiles = [p for p in profiles if p.tier in tier]
    if tag:
        profiles = [p for p in profiles if set(tag) <= set(p.tags)]
    if status:
        profiles = [p for p in profiles if p.status in status]
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps([{"id": p.id, "name": p.name, "tier": p.tier, "status": p.status,
                           "tags": p.tags, "last_contact": p.last_contact} for p in profiles]))
        return
    from rmnotes.render.client import client_table
    from rmnotes.render.console import out

    out().print(client_table(profiles, app.today()))
