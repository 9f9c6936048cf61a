"""rmn list: the clients of the book, filtered by segment options (shared with coverage and rank)."""

from __future__ import annotations

import functools

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app, status_option, tag_option, tier_option


class _Parsed(click.ParamType):
    """A click type around one of the segment parsers (ValueError -> usage error)."""

    def __init__(self, name: str, parser):
        self.name = name
        self.parser = parser

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self.parser(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _asset_type(text: str):
    from rmnotes.domain.segments import parse_asset_type

    return parse_asset_type(text)


def _range(text: str):
    from rmnotes.domain.segments import parse_range

    return parse_range(text)


def _condition(text: str):
    from rmnotes.domain.segments import parse_condition

    return parse_condition(text)


def _since(text: str) -> str:
    from datetime import date

    from rmnotes.domain.segments import parse_since

    parse_since(text, date.today())  # validate here; the cut-off day is worked out later
    return text


def segment_options(func):
    """``--tier --tag --status --risk --holds --has-children --no-contact-since --aum``."""
    options = [
        tier_option, tag_option, status_option,
        click.option("--risk", type=_Parsed("range", _range), metavar="RANGE",
                     help="Risk profile (1-5) in this range: 3..5, 4, ..2."),
        click.option("--holds", multiple=True, type=_Parsed("type", _asset_type), metavar="TYPE",
                     help="Holds an asset of this type: fund, stock, bond, deposit, ... "
                          "(repeatable: all of them)."),
        click.option("--has-children", is_flag=True, help="Has a child listed under family."),
        click.option("--no-contact-since", "no_contact", type=_Parsed("period", _since),
                     metavar="PERIOD|DATE",
                     help="No contact (T/E/M/S) within this period (90d, 6w, 3m) or since this date."),
        click.option("--aum", type=_Parsed("condition", _condition), metavar="COND",
                     help="Assets at this bank, base currency: '>=1000000', '<500k', '1m..5m', '>=300萬'."),
    ]
    for option in reversed(options):
        func = option(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        keys = ("tier", "tag", "status", "risk", "holds", "has_children", "no_contact", "aum")
        kwargs["segment_args"] = {k: kwargs.pop(k) for k in keys}
        return func(*args, **kwargs)

    return wrapper


def make_segment(app: App, args: dict, default_statuses: tuple[str, ...] = ()):
    """The domain Segment from the options; ``default_statuses`` apply when --status is not given."""
    from rmnotes.domain.segments import Segment, parse_since

    since = args["no_contact"]
    return Segment(
        tiers=tuple(args["tier"]), tags=tuple(args["tag"]),
        statuses=tuple(args["status"]) or default_statuses,
        risk=args["risk"], holds=tuple(args["holds"]),
        has_children=args["has_children"],
        no_contact_since=parse_since(since, app.today()) if since else None,
        aum=args["aum"],
    )


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
    segment = make_segment(app, segment_args)
    clients = select_clients(app, segment)
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps([{"id": c.id, "name": c.name, "tier": c.tier, "status": c.status,
                           "tags": c.tags, "last_contact": c.last_contact,
                           "risk": c.risk_profile, "children": c.children} for c in clients]))
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
