"""rmn list: the clients of the book, filtered by the segment options."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, make_segment, pass_app, segment_options
from rmnotes.i18n import _, tr


# the segment options as typed: (key in segment_args, flag)
_FLAGS = (("tier", "--tier"), ("tag", "--tag"), ("status", "--status"), ("risk", "--risk"),
          ("holds", "--holds"), ("has_children", "--has-children"),
          ("no_contact", "--no-contact-since"), ("aum", "--aum"))


def no_match(segment_args: dict, default_statuses: tuple[str, ...] = ()) -> str:
    """What an empty selection says instead of an empty table: the filters that matched
    nothing (and the statuses a command leaves out unless --status asks for them)."""
    filters = " ".join(_flag_texts(segment_args))
    left_out = not segment_args["status"] and default_statuses
    if filters:
        text = (_("no clients match {filters} (closed clients are left out unless --status asks for them)")
                if left_out else _("no clients match {filters}"))
        return text.format(filters=filters)
    if left_out:
        return _("no clients (closed clients are left out unless --status asks for them)")
    return _("no clients yet: add one with 'rmn new NAME'")


def _flag_texts(segment_args: dict):
    import shlex

    for key, flag in _FLAGS:
        value = segment_args[key]
        if value is True:
            yield flag
        elif value not in (None, False, ()):
            for v in value if isinstance(value, tuple) else (value,):
                yield f"{flag} {shlex.quote(_option_text(v))}"


def _option_text(value) -> str:
    from rmnotes.domain.segments import Condition

    if isinstance(value, Condition):  # as parsed: 1m is 1000000
        def amount(d) -> str:
            return format(d.normalize(), "f")
        return f"{amount(value.amount)}..{amount(value.high)}" if value.op == ".." else \
            f"{value.op}{amount(value.amount)}"
    return str(value)


def select_clients(app: App, segment, contacts: bool = False):
    """The index's clients in ``segment``; warnings for clients left out go to stderr.
    ``contacts``: the caller reads no more of a client than a ContactRow holds."""
    from rmnotes.domain.segments import select_from_index

    app.warn_skipped()
    chosen = select_from_index(app.index, app.vault.config, segment, contacts=contacts)
    for warning in chosen.warnings:
        click.echo(tr(warning), err=True)
    return list(chosen.clients)


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
    table = not as_json and csv_to is None  # the table's columns are a ContactRow's
    clients = select_clients(app, segment, contacts=table)
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

    from rmnotes.words import column_title

    header = [column_title(c) for c in ("id", "name", "tier", "status", "risk", "children", "last_contact", "tags")]
    rows = [[c.id, c.name, c.tier, c.status, c.risk_profile, c.children, c.last_contact, " ".join(c.tags)]
            for c in clients]
    if to == "-":
        click.echo(csv_text(header, rows), nl=False)
        return
    from rmnotes.render.book import n_clients

    target = App.write_export(to, csv_file(header, rows))
    click.echo(_("wrote {file} ({clients})").format(file=target, clients=n_clients(len(rows))), err=True)
