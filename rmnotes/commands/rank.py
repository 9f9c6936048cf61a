"""rmn rank: the 80/20 check, and the dormant clients with potential."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.domain.segments import OPEN_STATUSES
from rmnotes.options import Parsed, as_of_option, json_option, make_segment, pass_app, segment_options
from rmnotes.i18n import _, tr

SHOW_ALL = 100  # a book this size is shown whole
SHOW = 50
PLAIN = {"no_wrap": True, "overflow": "ignore", "crop": False}  # long lines: the terminal wraps them


@click.command(name="rank", help=_("""Rank clients by what they bring, with each one's share and the cumulative share,
and mark where the top clients reach 80% (the 80/20 check).

Then lists dormant potential: clients with more financial assets elsewhere than at
this bank, and a large sum (property aside); clients marked dormant who still hold
large assets; and clients with no contact for two cadences. A client whose value needs
a currency with no rate is named in a warning and left out, never counted as zero.
Closed clients are left out unless --status asks for them."""))
@click.option("--by", type=click.Choice(["aum", "assets", "net-worth", "premium"]), default="aum",
              show_default=True,
              help=_("aum: assets at this bank; assets: all assets; net-worth: assets less "
                   "liabilities; premium: yearly premium of the client's policies."))
@segment_options
@click.option("--top", type=click.IntRange(min=0), default=None, metavar="N",
              help=_("Rows to show in each table (0: all); by default all when there are at most "
                     "{all}, else {some}. The 80/20 line and --json count everyone.").format(all=SHOW_ALL, some=SHOW))
@click.option("--elsewhere-min", type=Parsed("amount", "parse_amount"), default=None, metavar="AMOUNT",
              help=_("How much money counts as large potential (default: the median of what "
                   "clients hold at this bank)."))
@as_of_option
@json_option
@pass_app
def book_rank(app: App, by: str, segment_args: dict, top: int | None, elsewhere_min, as_of,
              as_json: bool) -> None:
    from rmnotes.domain.rank import rank_from_index

    config = app.vault.config
    today = as_of or app.today()
    segment = make_segment(segment_args, today, OPEN_STATUSES)
    app.warn_skipped()
    ranking = rank_from_index(app.index, config, today, segment, by=by, elsewhere_min=elsewhere_min)
    for warning in ranking.warnings:
        click.echo(tr(warning), err=True)
    if as_json:
        from rmnotes.render.book import rank_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(rank_json(ranking)))
        return
    if not (ranking.rows or ranking.potential or ranking.warnings):  # the segment matched no one
        from rmnotes.options import no_match

        click.echo(no_match(segment_args, OPEN_STATUSES), err=True)
        return
    from rmnotes.render.book import potential_table, rank_summary, rank_table
    from rmnotes.render.console import out

    console = out()
    cur = config.base_currency

    def shown(n: int) -> int:
        return n if top == 0 or (top is None and n <= SHOW_ALL) else min(n, top or SHOW)

    if ranking.rows:
        n = shown(ranking.count)
        console.print(rank_table(ranking, cur, n), **PLAIN)
        if n < ranking.count:
            console.print(_("… and {n} more (--top 0 shows all)").format(n=ranking.count - n))
    console.print(rank_summary(ranking, cur))
    if ranking.potential:
        n = shown(len(ranking.potential))
        console.print()
        console.print(potential_table(ranking.potential[:n], cur, today, len(ranking.potential), console.width),
                      **PLAIN)
        if n < len(ranking.potential):
            console.print(_("… and {n} more (--top 0 shows all)").format(n=len(ranking.potential) - n))
