"""rmn export: the book as an Excel workbook or CSV files (owner-only), for Excel and back,
or as phone contacts (vCard)."""

from __future__ import annotations

from pathlib import Path

import click

from rmnotes.app import App
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _, error_text, ngettext
from rmnotes.options import make_segment, pass_app, segment_options

FORMATS = ("xlsx", "csv", "vcf")
CSV_SHEETS = ("clients", "policies", "holdings")


@click.command(name="export", help=_("""Export the clients in the selection (all of them by default) for Excel.

\b
xlsx FILE  a workbook of three sheets: client information, insurance
           policies and holdings, headers in the vault's language
csv DIR    clients.csv, policies.csv and holdings.csv (UTF-8 with a
           byte-order mark)
vcf FILE   phone contacts (vCard 3.0): name (family name first), phones,
           email, address, birthday, employer and occupation, the tier in
           the note; each card's UID stays the same, so a phone updates
           its contacts

Importing the file again changes nothing. Files are written owner-only (0600)."""))
@click.argument("format", type=click.Choice(FORMATS), metavar="FORMAT")
@click.argument("target", metavar="FILE|DIR")
@segment_options
@click.option("--sheet", "only", type=click.Choice(CSV_SHEETS), default=None,
              help=_("csv: write only this sheet (clients, policies or holdings)."))
@pass_app
def book_export(app: App, format: str, target: str, segment_args: dict, only: str | None) -> None:
    from rmnotes.options import no_match, select_clients
    from rmnotes.domain import columns, exporting

    if only and format != "csv":
        raise click.UsageError(_("--sheet is for csv; a workbook holds the three sheets"))
    suffix = Path(target).suffix.lower()
    if format in ("xlsx", "vcf") and suffix not in ((".xlsx",) if format == "xlsx" else (".vcf", ".vcard")):
        # a workbook named book.csv would not open in Excel, nor import again
        raise click.UsageError(_("FILE of {format} ends in .{format}, not '{suffix}': e.g. book.{format}").format(
            format=format, suffix=suffix or target))
    segment = make_segment(segment_args, app.today())
    rows = select_clients(app, segment)
    if not rows:
        click.echo(no_match(segment_args), err=True)
    clients = []
    for row in rows:
        try:
            clients.append(app.load(row.id))
        except RmnotesError as exc:
            click.echo(_("warning: {why}; left out").format(why=error_text(exc)), err=True)
    if format == "vcf":
        click.echo(export_vcf(app, clients, target), err=True)
        return
    config = app.vault.config
    lang = columns.language_of(getattr(config, "language", None), config.region)
    linked = {m.client for c in clients for m in c.family if m.client}
    sheets = exporting.book_sheets(clients, config, lang, app.index.own_birthdays(linked) if linked else frozenset())
    n = ngettext("{n} client", "{n} clients", len(clients)).format(n=len(clients))
    if format == "xlsx":
        from rmnotes.render.workbook import xlsx_bytes

        path = App.write_export(target, xlsx_bytes(sheets))
        click.echo(_("wrote {path} ({n})").format(path=path, n=n), err=True)
        return
    from rmnotes.render.workbook import csv_bytes

    folder = Path(target)
    if not folder.is_dir():
        raise RmnotesError(_("{folder} is not a folder; create it or give one (csv writes clients.csv, "
                             "policies.csv and holdings.csv into it)").format(folder=folder))
    for sheet in sheets:
        if only and sheet.kind != only:
            continue
        path = App.write_export(folder / f"{sheet.kind}.csv", csv_bytes(sheet))
        rows = n if sheet.kind == "clients" else ngettext("{n} row", "{n} rows", len(sheet.rows)).format(
            n=len(sheet.rows))  # a policy or a holding a row
        click.echo(_("wrote {path} ({n})").format(path=path, n=rows), err=True)


def export_vcf(app: App, clients: list, target: str) -> str:
    """vCard 3.0, one card per client, each with its stable UID."""
    from rmnotes import gitops
    from rmnotes.domain.contacts import card_uid, vault_key
    from rmnotes.render.vcard import client_card, vcard_file

    key = vault_key(gitops.first_commit(app.vault.root), str(app.vault.root))
    cards = [client_card(c, card_uid(key, c.id)) for c in clients]
    path = app.write_export(target, vcard_file(cards))
    return ngettext("wrote {path}: {n} contact", "wrote {path}: {n} contacts",
                    len(cards)).format(path=path, n=len(cards))
