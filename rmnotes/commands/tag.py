"""rmn tag: add and remove a client's tags."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.i18n import _
from rmnotes.options import client_argument, pass_app


@click.command(name="tag", context_settings={"ignore_unknown_options": True}, help=_(
    "Add (+TAG) and remove (-TAG) CLIENT's tags, and commit: rmn tag 王偉 +golf "
    "-likes-new-funds. A tag without a sign is added. Only the tags line (or the lines of the "
    "tags that go and come) changes."))
@client_argument()
@click.argument("changes", metavar="+TAG|-TAG...", nargs=-1, required=True, type=click.UNPROCESSED)
@pass_app
def client_tag(app: App, client: str, changes: tuple[str, ...]) -> None:
    from rmnotes import fmedit
    from rmnotes.domain import quickedit
    from rmnotes.domain.check import client_context
    from rmnotes.parse import parse_client

    current = app.load(client)
    quickedit.retag(current.tags, changes)  # an empty tag fails here, before the lock
    ctx = client_context(app.vault)
    rel = current.path
    outcome: list[quickedit.Retag] = []

    def transform(data: bytes) -> quickedit.Edited:
        parsed = parse_client(data.decode("utf-8"), rel)
        tags = parsed.client.tags if parsed.client is not None else current.tags
        retag = quickedit.retag(tags, changes)
        outcome.append(retag)
        if not retag.applied:
            return quickedit.Edited(data)
        return quickedit.checked_edit(ctx, rel, data, [fmedit.Set(("tags",), retag.tags)])

    def message(_edited: quickedit.Edited) -> str:
        return quickedit.message("tag", current, " ".join(outcome[-1].applied))

    done = app.change_file(rel, transform, message)
    retag = outcome[-1]
    who = f"{current.name} ({current.id})"
    for op in retag.unchanged:
        if op.startswith("+"):
            click.echo(_("{who} is already tagged {tag}").format(who=who, tag=op[1:]), err=True)
        else:
            click.echo(_("{who} is not tagged {tag}").format(who=who, tag=op[1:]), err=True)
    for warning in done.value.warnings:
        click.echo(str(warning), err=True)
    if retag.applied:
        click.echo(_("tags of {who}: {tags}").format(who=who, tags=", ".join(retag.tags) or "-"), err=True)
