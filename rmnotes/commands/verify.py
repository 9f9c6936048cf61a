"""rmn verify: the log is append-only across the whole history."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.i18n import _, ngettext
from rmnotes.options import pass_app


@click.command(name="verify", help=_("""Prove that no commit changed or removed a log entry.

For every commit, every log entry of its parent (each parent, for a merge) must still
be in the child, byte for byte. Each violation is printed as `SHA clients/ID.md: entry
"..." changed|removed` and the exit status is 1; otherwise one summary line. A client
file deleted in a commit is a warning on stderr."""))
@pass_app
def vault_verify(app: App) -> None:
    from rmnotes.domain.verify import SHORT
    from rmnotes.sync import verified

    result = verified(app.vault.root)
    for gone in result.deleted:
        click.echo(ngettext("warning: {sha} {path}: the file was deleted with {n} log entry (a client "
                            "who left the book?)",
                            "warning: {sha} {path}: the file was deleted with {n} log entries (a client "
                            "who left the book?)", gone.entries).format(
            sha=gone.commit[:SHORT], path=gone.path, n=gone.entries), err=True)
    for finding in result.findings:  # the machine form, like check's FILE:LINE: lines
        click.echo(str(finding))
    if result.findings:
        commits = len({f.commit for f in result.findings})
        click.echo(_("verify: {entries} in {commits}; the log is append-only: a correction is a new "
                     "entry").format(
            entries=ngettext("{n} log entry changed or removed", "{n} log entries changed or removed",
                             len(result.findings)).format(n=len(result.findings)),
            commits=ngettext("{n} commit", "{n} commits", commits).format(n=commits)), err=True)
        raise SystemExit(1)
    click.echo(_("verify: {commits} checked, {changes}: every log entry kept").format(
        commits=ngettext("{n} commit", "{n} commits", result.commits).format(n=result.commits),
        changes=ngettext("{n} client-file change", "{n} client-file changes", result.changes).format(
            n=result.changes)))
