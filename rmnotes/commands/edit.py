"""rmn edit: open a client file in $EDITOR, then validate and commit it."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import client_argument, pass_app
from rmnotes.i18n import _


def commit_after_edit(app: App, rel: str, verb: str, client_id: str, fallback_name: str) -> None:
    """Report the file's problems on stderr, as ``rmn check`` finds them (a tier the
    settings do not define too), then commit it whatever its state."""
    from rmnotes.domain.check import client_context, client_issues
    from rmnotes.index import read_and_parse

    parsed = read_and_parse(app.vault, rel)
    for issue in client_issues(client_context(app.vault), parsed):
        click.echo(str(issue), err=True)
    name = parsed.client.name if parsed.client else fallback_name
    with app.vault.lock():
        result = app.commit([rel], f"{verb}: {name} ({client_id})")
    app.report_commit(result, rel)
    if parsed.errors:
        click.echo(_("{file} has errors (above); it is committed so nothing is lost. Fix it with "
                     "'rmn edit {id}'.").format(file=rel, id=client_id), err=True)


@click.command(name="edit", help=_("""Open CLIENT's file in $EDITOR; afterwards report its problems and commit it.

A file left with errors is still committed, so nothing is lost; the errors are
listed with their lines. A file too broken to read opens by its id, to be fixed."""))
@client_argument()
@pass_app
def client_edit(app: App, client: str) -> None:
    rel = app.vault.rel(app.vault.client_path(client))
    app.report_commit(app.commit_hand_edits(rel), "hand edits")  # refused mid-merge: no editor
    click.edit(filename=str(app.vault.root / rel))
    commit_after_edit(app, rel, "edit", client, client)
