"""rmn calendar: the contact calendar, clients down and days across."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from rmnotes.app import App
from rmnotes.options import DATE, as_of_option, json_option, pass_app, tag_option, tier_option
from rmnotes.i18n import _, ngettext


@click.command(name="calendar", help=_("""The contact calendar: a row per client contacted in the range, a column per day,
and in each cell the channel letters of that day's contacts (T E M S; notes N are
not contacts). --all adds a row for every active client in the filter that nobody
contacted; it is on when --tier is given (--contacted-only turns it off).

In the terminal the month is split into as many pages of days as the width needs.
--xlsx FILE writes a workbook with the same grid, the entries' text as cell
comments, names and dates frozen, weekends shaded and each client's last contact
(the latest in the book, which may fall after the range)."""))
@click.option("--month", metavar="YYYY-MM", help=_("The month to show (default: this month)."))
@click.option("--from", "since", type=DATE, metavar="DATE", help=_("First day of the range (alone: to the end of its month)."))
@click.option("--to", "until", type=DATE, metavar="DATE", help=_("Last day of the range (alone: from the start of its month)."))
@tier_option
@tag_option
@click.option("--all/--contacted-only", "every", default=None,
              help=_("A row for every active client in the filter, also those nobody contacted "
                   "in the range (default: on with --tier, else off)."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=_("Write an Excel workbook instead of printing the table (FILE is relative "
                   "to the current directory)."))
@json_option
@as_of_option
@pass_app
def contact_calendar(app: App, month: str | None, since: date | None, until: date | None,
                     tier: tuple[str, ...], tag: tuple[str, ...], every: bool | None,
                     xlsx: Path | None, as_json: bool, as_of: date | None) -> None:
    from rmnotes.domain.calendar import RangeError, contact_grid, date_range

    today = as_of or app.today()
    try:
        start, end = date_range(today, month, since, until)
    except RangeError as exc:  # the options do not name a range: a usage error
        raise click.UsageError(str(exc)) from None
    app.warn_skipped()
    grid = contact_grid(app.index.clients(), app.index.entries(since=start, until=end),
                        start, end, tier, tag, every=bool(tier) if every is None else every)
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps({"from": start, "to": end, "clients": [
            {"id": r.client_id, "name": r.label, "tier": r.tier, "last_contact": r.last_contact,
             "days": {d.isoformat(): c.letters for d, c in r.cells.items()}}
            for r in grid.rows]}))
        return
    if xlsx is not None:
        from rmnotes.render.calendar import calendar_xlsx

        app.write_export(xlsx, calendar_xlsx(grid, app.vault.config.owner))
        n = len(grid.rows)
        counted = (ngettext("{n} client contacted", "{n} clients contacted", n) if grid.contacted == n
                   else ngettext("{n} client, {contacted} contacted", "{n} clients, {contacted} contacted", n))
        click.echo(_("wrote {file}: {counted}, {start} to {end}").format(
            file=xlsx, counted=counted.format(n=n, contacted=grid.contacted), start=start, end=end), err=True)
        return
    if not grid.rows:
        click.echo(_("no contacts from {start} to {end}").format(start=start, end=end), err=True)
        return
    from rmnotes.render.calendar import calendar_tables
    from rmnotes.render.console import out

    console = out()
    console.print(calendar_tables(grid, console.width, today, app.date_style))
