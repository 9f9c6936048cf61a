"""rmn tags: the tags of the book with how many clients carry each."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app
from rmnotes.i18n import _


@click.command(name="tags", help=_("""Tags with their client counts, most used first (filter with rmn list --tag TAG)."""))
@click.option("--who", is_flag=True, help=_("Also name the first clients carrying each tag."))
@json_option
@pass_app
def book_tags(app: App, who: bool, as_json: bool) -> None:
    app.warn_skipped()
    counts = app.index.tag_counts()
    examples: dict[str, list[str]] | None = None
    if who or as_json:
        examples = {}
        for p in app.index.clients():
            for t in dict.fromkeys(p.tags):
                examples.setdefault(t, []).append(p.name if not as_json else p.id)
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps([{"tag": t, "count": n, "clients": examples.get(t, [])} for t, n in counts]))
        return
    from rmnotes.render.book import tags_table
    from rmnotes.render.console import out

    if not counts:
        click.echo(_("no tags yet; add them in a client file, e.g. 'tags: [likes-new-funds, has-kids]'"))
        return
    out().print(tags_table(counts, examples))
