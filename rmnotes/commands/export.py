"""rmn export: the selected clients written out for other programs, one small function per
format (each takes the app, the selected clients and the target, writes through
App.write_export and returns what it says on stderr)."""

from __future__ import annotations

from typing import Callable, Sequence

import click

from rmnotes.app import App
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _, ngettext
from rmnotes.options import make_segment, pass_app, segment_options


def export_vcf(app: App, clients: Sequence, target: str) -> str:
    """vCard 3.0, one card per client, each with its stable UID."""
    from rmnotes import gitops
    from rmnotes.domain.contacts import card_uid, vault_key
    from rmnotes.render.vcard import client_card, vcard_file

    key = vault_key(gitops.first_commit(app.vault.root), str(app.vault.root))
    cards = [client_card(c, card_uid(key, c.id)) for c in clients]
    path = app.write_export(target, vcard_file(cards))
    return ngettext("wrote {path}: {n} contact", "wrote {path}: {n} contacts",
                    len(cards)).format(path=path, n=len(cards))


# format -> its writer (the app, the selected clients as parsed, the target): what it wrote
FORMATS: dict[str, Callable[[App, Sequence, str], str]] = {
    "vcf": export_vcf,
}


@click.command(name="export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument("target", metavar="FILE")
@segment_options
@pass_app
def book_export(app: App, fmt: str, target: str, segment_args: dict) -> None:
    """Write the selected clients to FILE (owner-only) for another program.

    vcf: phone contacts (vCard 3.0), the client's own details only: name (family name
    first), mobile and work phone, email, address, birthday, employer and occupation, the
    tier in the note; each card's UID stays the same on every export, so a phone that
    imports the file again updates its contacts.

    The segment options choose the clients as in rmn list (default: every client).
    """
    from rmnotes.commands.list import no_match, select_clients

    rows = select_clients(app, make_segment(segment_args, app.today()))
    if not rows:
        click.echo(no_match(segment_args), err=True)
    clients = []
    for row in rows:
        try:
            clients.append(app.load(row.id))
        except RmnotesError as exc:
            click.echo(_("warning: {why}; left out").format(why=exc), err=True)
    click.echo(FORMATS[fmt](app, clients, target), err=True)
