"""rmn history: a client's commits, newest first."""

from __future__ import annotations

import click

from rmnotes import gitops
from rmnotes.app import App
from rmnotes.options import client_argument, pass_app
from rmnotes.i18n import _


@click.command(name="history", help=_("""CLIENT's file history from the vault's git: date and message, newest first."""))
@client_argument()
@click.option("--patch", "-p", is_flag=True, help=_("Show each commit's changes to the file."))
@click.option("--limit", "-n", type=click.IntRange(min=1), help=_("At most N commits."))
@pass_app
def client_history(app: App, client: str, patch: bool, limit: int | None) -> None:
    rel = app.vault.rel(app.vault.client_path(client))
    for item in gitops.history(app.vault.root, rel, patch=patch, limit=limit):
        click.echo(f"{item.when:%Y-%m-%d %H:%M}  {item.sha[:8]}  {item.message.splitlines()[0]}")
        if patch and item.patch:
            click.echo(item.patch.rstrip("\n"))
            click.echo()
