"""rmn find: full-text search over names, aliases, family, notes, follow-ups and the log."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app
from rmnotes.i18n import _


@click.command(name="find", help=_("""Find TEXT anywhere in the book: names, aliases, family, notes, follow-ups, log.

Every word must appear in the same line (case does not matter); Chinese needs no
spaces (基金轉換 matches as written), and pinyin finds Chinese names (wangwei,
"chen mei"). Name matches come first, then notes, follow-ups and the log, newest first."""))
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help=_("Show at most this many matches (0: all)."))
@json_option
@pass_app
def book_find(app: App, text: tuple[str, ...], limit: int, as_json: bool) -> None:
    from rmnotes.domain.find import find

    query = " ".join(text)
    if not query.strip():
        raise click.UsageError(_("TEXT must not be empty: give a word to look for"))
    app.warn_skipped()
    found = find(app.index, query, limit=limit or None)
    if found.more:
        click.echo(_("showing {shown} of {total} matches; use --limit 0 for all").format(
            shown=len(found.hits), total=found.total), err=True)
    if as_json:
        from rmnotes.render.book import find_json
        from rmnotes.render.jsonout import dumps

        click.echo(dumps(find_json(found)))
        return
    if not found.hits:
        click.echo(_("no match for '{query}'").format(query=query), err=True)
        return
    from rmnotes.render.book import find_table
    from rmnotes.render.console import Trimmed, out

    console = out()
    console.print(Trimmed(find_table(found, console.width, app.date_style)))
