"""rmn coverage: every client's insurance cover per kind, yearly premium and gaps."""

from __future__ import annotations


import click

from rmnotes.app import App
from rmnotes.domain.segments import OPEN_STATUSES
from rmnotes.options import (as_of_option, json_option, make_segment, no_match, pass_app, segment_options,
                             select_clients)
from rmnotes.i18n import _, tr



@click.command(name="coverage", help=_("""The insurance coverage sheet: per client, marital status, children, the sum assured
per kind (life, CI, medical, accident, annuity, LTC), premiums per year, and gaps.

Gaps: no-critical-illness, no-medical, life-below-income (children under 25, life
cover below 10 x yearly income), insured-not-in-family (a policy insures someone not
listed under family). Set the rules under `coverage:` in
rmnotes.yaml. Closed clients are left out unless --status asks for them."""))
@segment_options
@click.option("--gaps", "gaps_only", is_flag=True, help=_("Only clients with a gap, each gap explained."))
@json_option
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help=_("Also write the sheet to FILE as an Excel workbook."))
@as_of_option
@pass_app
def book_coverage(app: App, segment_args: dict, gaps_only: bool, as_json: bool, xlsx: str | None,
                  as_of) -> None:
    from rmnotes.domain.coverage import Rules, coverage

    today = as_of or app.today()
    rules = Rules.from_config(app.vault.config.coverage)
    clients = select_clients(app, make_segment(segment_args, today, OPEN_STATUSES))
    report = coverage(clients, app.index.policies(), app.index.family(), app.vault.config, rules,
                      today, gaps_only=gaps_only)
    for warning in report.warnings:
        click.echo(tr(warning), err=True)
    if xlsx:
        from rmnotes.render.book import coverage_xlsx, n_clients

        target = app.write_export(xlsx, coverage_xlsx(report))
        click.echo(_("wrote {file} ({clients})").format(file=target, clients=n_clients(len(report.rows))), err=True)
    if as_json:
        from rmnotes.render.book import coverage_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(coverage_json(report)))
        return
    if not clients:
        click.echo(no_match(segment_args, OPEN_STATUSES), err=True)
        return
    from rmnotes.render.book import coverage_summary, coverage_table, gap_lines
    from rmnotes.render.console import out

    console = out()
    if report.rows:
        console.print(coverage_table(report, console.width), no_wrap=True, overflow="ignore", crop=False)
        if gaps_only:
            console.print()
            console.print(gap_lines(report))
    console.print(coverage_summary(report))
