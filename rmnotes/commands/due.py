"""rmn due: one agenda of everything owed to clients, most urgent first."""

from __future__ import annotations

import sys
from datetime import date

import click

from rmnotes.app import App
from rmnotes.domain.calendar_cache import CACHE_FILE, CalendarCache
from rmnotes.domain.due import REASONS
from rmnotes.i18n import _, ngettext
from rmnotes.options import (as_of_option, client_argument, json_option, pass_app, tag_option,
                             tier_option)

TABLE_ROWS = 50  # the table's most urgent rows; --all shows every row
MAX_DAYS = 3660


@click.command(name="due", help=_("""What is due: contact cadence, first contacts, birthdays, holidays, maturities,
premiums, follow-ups and KYC reviews, most urgent (overdue) first.

The table shows the most urgent rows and says how many more there are (--all shows
them all); --json and --ics always hold every row. Reasons: cadence, never, birthday,
holiday, maturity, premium, follow-up, kyc. Maturities and premiums show their amount.

With CLIENT, the agenda of that client alone (no holidays): every row is theirs,
including the birthdays of every family member their file lists."""))
@client_argument(required=False)
@as_of_option
@click.option("--days", type=click.IntRange(min=0, max=MAX_DAYS), default=None, metavar="N",
              help=_("Look N days ahead (default: lookahead_days in rmnotes.yaml, else 14)."))
@tier_option
@tag_option
@click.option("--reason", "reasons", multiple=True, type=click.Choice(REASONS),
              help=_("Only rows for this reason (repeatable)."))
@click.option("--all", "show_all", is_flag=True,
              help=_("Show every row (the table shows the most urgent {n}).").format(n=TABLE_ROWS))
@json_option
@click.option("--ics", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FILE",
              help=_("Also write the agenda to FILE as iCalendar, one all-day event per row "
                     "('-': print it instead of the table)."))
@pass_app
def client_due(app: App, client: str | None, as_of: date | None, days: int | None, tier: tuple[str, ...],
               tag: tuple[str, ...], reasons: tuple[str, ...], show_all: bool, as_json: bool,
               ics: str | None) -> None:
    from rmnotes.domain.due import agenda_from_index, client_agenda
    from rmnotes.render import due as render

    config = app.vault.config
    cache = CalendarCache(app.vault.cache_dir / CACHE_FILE, clock=app.today())
    everything = show_all or as_json or ics is not None  # the table alone shows the first rows
    limit = None if everything else TABLE_ROWS
    if client is not None:
        agenda = client_agenda(app.load(client), config, as_of or app.today(), days=days,
                               tiers=tier, tags=tag, reasons=reasons, lunar=cache.lunar, limit=limit)
    else:
        app.warn_skipped()
        agenda = agenda_from_index(
            app.index, config, as_of or app.today(), days=days, tiers=tier, tags=tag, reasons=reasons,
            holidays=cache.holidays(config.region) if config.region else None, lunar=cache.lunar,
            limit=limit,
        )
    cache.save()
    for problem in cache.problems():
        click.echo(_("warning: rmnotes.yaml: {problem}; holidays are left out until region is fixed")
                   .format(problem=problem), err=True)

    if ics == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(render.agenda_ics(agenda))
        sys.stdout.buffer.flush()
        return
    if ics is not None:
        app.write_export(ics, render.agenda_ics(agenda))
        click.echo(ngettext("wrote {n} event to {file}", "wrote {n} events to {file}", len(agenda.items))
                   .format(n=len(agenda.items), file=ics), err=True)
    if as_json:
        click.echo(render.agenda_json(agenda))
        return
    from rmnotes.render.console import out

    if not show_all:  # --ics asked for every row; the table still shows the most urgent
        agenda = agenda._replace(items=agenda.items[:TABLE_ROWS])
    console = out()
    console.print(render.agenda_table(agenda, console.width, app.date_style), soft_wrap=True)
