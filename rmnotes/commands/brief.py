"""rmn brief: one screen to read before a call or a meeting."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.i18n import _
from rmnotes.options import as_of_option, client_argument, json_option, pass_app

MAX_DAYS = 3660


@click.command(name="brief", help=_("""A brief on CLIENT before a call: who they are and how to reach them now; what is
coming (birthdays of the family too, maturities and premiums with amounts, KYC,
promises); where they stand (totals, change since the last review, holdings above the
risk profile, protection gaps); what was said; what to talk about; their documents.

Only the client's own file is read: never a linked family member's."""))
@client_argument()
@as_of_option
@click.option("--days", type=click.IntRange(min=0, max=MAX_DAYS), default=30, show_default=True,
              metavar="N", help=_("Look N days ahead for what is coming."))
@json_option
@pass_app
def client_brief(app: App, client: str, as_of, days: int, as_json: bool) -> None:
    from rmnotes.domain.brief import build_brief
    from rmnotes.domain.calendar_cache import CACHE_FILE, CalendarCache

    config = app.vault.config
    c = app.load(client)
    cache = CalendarCache(app.vault.cache_dir / CACHE_FILE, clock=app.today())
    brief = build_brief(c, config, as_of or app.today(), app.vault.documents(c.id), days=days,
                        lunar=cache.lunar)
    cache.save()
    if as_json:
        from rmnotes.render.brief import brief_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(brief_json(brief)))
        return
    from rmnotes.render.brief import brief_console
    from rmnotes.render.console import Trimmed, out

    out().print(Trimmed(brief_console(brief, config.date_style)))
