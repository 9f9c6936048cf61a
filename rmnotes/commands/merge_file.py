"""rmn merge-file: git's merge driver for client files (``%O %A %B %P``).

Runs inside ``git merge``, ``git rebase`` and ``git pull``, in or out of a vault: it reads
no settings and opens no index.
"""

from __future__ import annotations

from pathlib import Path

import click

from rmnotes.errors import RmnotesError
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
    from rmnotes.domain.merge import merge_client
    from rmnotes.vault import atomic_write

    versions = [_read(p) for p in (base, ours, theirs)]
    merged = merge_client(*versions, merge_text=_merge_text)
    if merged.data != versions[1]:
        try:
            atomic_write(ours, merged.data)
        except OSError as exc:
            raise RmnotesError(_("{path}: cannot write the merged file ({why})").format(
                path=ours, why=exc.strerror)) from None
    name = path or str(ours)
    for conflict in merged.conflicts:
        click.echo(f"{name}:{conflict}", err=True)
    if merged.conflicts:
        raise click.exceptions.Exit(1)


def _merge_text(base: bytes, ours: bytes, theirs: bytes, favor: str | None = None) -> tuple[bytes, bool]:
    """git's text merge, for the notes; the git module is loaded only when both sides
    changed them (most merges need no git process)."""
    from rmnotes import gitops

    return gitops.merge_text(base, ours, theirs, favor=favor)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RmnotesError(_("{path}: cannot read it ({why})").format(path=path, why=exc.strerror)) from None
