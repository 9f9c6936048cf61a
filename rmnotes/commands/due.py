"""rmn due: one agenda of everything owed to clients, most urgent first."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from rmnotes.app import App
from rmnotes.domain.due import REASONS
from rmnotes.errors import RmnotesError
from rmnotes.options import as_of_option, json_option, pass_app, tag_option, tier_option

CACHE_FILE = "calendar.json"
CACHE_VERSION = 1  # bump when the holiday or lunar rules change: old entries are dropped
TABLE_ROWS = 50  # the table's most urgent rows; --all shows every row
MAX_DAYS = 3660


@click.command(name="due")
@as_of_option
@click.option("--days", type=click.IntRange(min=0, max=MAX_DAYS), default=None, metavar="N",
              help="Look N days ahead (default: lookahead_days in rmnotes.yaml, else 14).")
@tier_option
@tag_option
@click.option("--reason", "reasons", multiple=True, type=click.Choice(REASONS),
              help="Only rows for this reason (repeatable).")
@click.option("--all", "show_all", is_flag=True,
              help=f"Show every row (the table shows the most urgent {TABLE_ROWS}).")
@json_option
@click.option("--ics", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FILE",
              help="Also write the agenda to FILE as iCalendar, one all-day event per row "
                   "('-': print it instead of the table).")
@pass_app
def client_due(app: App, as_of: date | None, days: int | None, tier: tuple[str, ...],
               tag: tuple[str, ...], reasons: tuple[str, ...], show_all: bool, as_json: bool,
               ics: str | None) -> None:
    """What is due: contact cadence, first contacts, birthdays, holidays, maturities,
    premiums, follow-ups and KYC reviews, most urgent (overdue) first.

    The table shows the most urgent rows and says how many more there are (--all shows
    them all); --json and --ics always hold every row. Reasons: cadence, never, birthday,
    holiday, maturity, premium, follow-up, kyc.
    """
    from rmnotes.domain.due import agenda_from_index
    from rmnotes.render import due as render

    app.warn_skipped()
    config = app.vault.config
    cache = CalendarCache(app.vault.cache_dir / CACHE_FILE, clock=app.today())
    everything = show_all or as_json or ics is not None
    agenda = agenda_from_index(
        app.index, config, as_of or app.today(), days=days, tiers=tier, tags=tag, reasons=reasons,
        holidays=cache.holidays(config.region) if config.region else None, lunar=cache.lunar,
        limit=None if everything else TABLE_ROWS,
    )
    cache.save()
    for problem in cache.problems():
        click.echo(f"warning: rmnotes.yaml: {problem}; holidays are left out until region is fixed",
                   err=True)

    if ics == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(render.agenda_ics(agenda))
        sys.stdout.buffer.flush()
        return
    if ics is not None:
        from rmnotes.vault import atomic_write

        try:
            atomic_write(Path(ics), render.agenda_ics(agenda))
        except OSError as exc:
            raise RmnotesError(f"{ics}: cannot write the calendar ({exc.strerror}); "
                               "choose another FILE") from None
        click.echo(f"wrote {len(agenda.items)} events to {ics}", err=True)
    if as_json:
        click.echo(render.agenda_json(agenda))
        return
    from rmnotes.render.console import out

    console = out()
    console.print(render.agenda_table(agenda, console.width), soft_wrap=True)


class CalendarCache:
    """Holiday and lunar-birthday answers kept in ``.rmnotes/calendar.json`` so a warm
    ``rmn due`` imports neither ``holidays`` nor ``lunardate``. Disposable: a missing,
    damaged or old-version file is simply rebuilt; failing to write it is not an error."""

    def __init__(self, path: Path, clock: date):
        self.path = path
        self.clock = clock
        self._data: dict[str, Any] | None = None
        self._holidays = None
        self._lunar = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                data = {"version": CACHE_VERSION}
            self._data = data
        return self._data

    def _section(self, name: str) -> dict:
        section = self.data.get(name)
        if not isinstance(section, dict):
            section = self.data[name] = {}
        return section

    def holidays(self, region: str):
        """``(start, end) -> [(day, name)]`` for ``region``; reads the cache on first use."""

        def between(start: date, end: date):
            if self._holidays is None:
                from rmnotes.domain.holidays import HolidayTable

                self._holidays = HolidayTable(region, self.clock, self._section("holidays"))
            return self._holidays.between(start, end)

        return between

    def lunar(self, born: date, start: date, end: date):
        if self._lunar is None:
            from rmnotes.domain.lunar import LunarTable

            self._lunar = LunarTable(self._section("lunar"))
        return self._lunar.between(born, start, end)

    def problems(self) -> list[str]:
        return list(self._holidays.problems) if self._holidays is not None else []

    def save(self) -> None:
        changed = any(t is not None and t.changed for t in (self._holidays, self._lunar))
        if not changed:
            return
        from rmnotes.vault import atomic_write

        oldest = str(self.clock.year - 1)  # years before last year are not asked for again
        for section in ("holidays", "lunar"):
            for per_key in self._section(section).values():
                if isinstance(per_key, dict):
                    for year in [y for y in per_key if y < oldest]:
                        del per_key[year]
        try:
            self.path.parent.mkdir(mode=0o700, exist_ok=True)
            atomic_write(self.path, json.dumps(self.data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write is only slower next time
