"""rmn merge-file: git's merge driver for client files (``%O %A %B %P``).

Runs inside ``git merge``, ``git rebase`` and ``git pull``, in or out of a vault: it reads
no settings and opens no index. git's own runs skip the command line: see
:mod:`rmnotes.merge_driver`, which does the work for both.
"""

from __future__ import annotations

from pathlib import Path

import click

from rmnotes.i18n import _

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command(name="merge-file", help=_("""Merge two versions of a client file with their common BASE, into OURS.

git runs it as the merge driver of client files (`rmn init` registers it): the log and
the follow-ups become the union of both sides, the front-matter merges key by key and
the notes line by line. PATH is the file's name in the vault, for messages. Exit 1 when
the same thing was changed differently on both sides: OURS then holds git's conflict
markers around those lines only, and each conflict is listed on stderr."""))
@click.argument("base", type=_FILE)
@click.argument("ours", type=_FILE)
@click.argument("theirs", type=_FILE)
@click.argument("path", required=False)
def merge_file(base: Path, ours: Path, theirs: Path, path: str | None) -> None:
    from rmnotes import merge_driver

    conflicts = merge_driver.merge_into(base, ours, theirs)
    for line in merge_driver.conflict_lines(path or str(ours), conflicts):
        click.echo(line, err=True)
    if conflicts:
        raise click.exceptions.Exit(1)
