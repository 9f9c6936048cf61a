"""rmn verify: the log is append-only across the whole history."""

from __future__ import annotations

import contextlib

import click

from rmnotes.app import App
from rmnotes.i18n import _, ngettext
from rmnotes.options import pass_app


@click.command(name="verify")
@pass_app
def vault_verify(app: App) -> None:
    """Prove that no commit changed or removed a log entry.

    For every commit, every log entry of its parent (each parent, for a merge) must still
    be in the child, byte for byte. Each violation is printed as `SHA clients/ID.md: entry
    "..." changed|removed` and the exit status is 1; otherwise one summary line. A client
    file deleted in a commit is a warning on stderr.
    """
    from rmnotes import gitops
    from rmnotes.domain.verify import SHORT, blob_order, verify
    from rmnotes.vault import is_client_file

    root = app.vault.root
    commits, changes = gitops.file_changes(root, "clients/")
    changes = [c for c in changes if is_client_file(c.path)]
    with contextlib.closing(gitops.read_blobs(root, blob_order(changes))) as blobs:  # one git process
        result = verify(commits, changes, blobs)
    for gone in result.deleted:
        click.echo(_("warning: {sha} {path}: the file was deleted with {count} log entries "
                     "(a client who left the book?)").format(sha=gone.commit[:SHORT], path=gone.path,
                                                             count=gone.entries), err=True)
    for finding in result.findings:
        click.echo(str(finding))
    if result.findings:
        shas = {f.commit for f in result.findings}
        click.echo(ngettext("verify: {n} log entry changed or removed", "verify: {n} log entries changed or removed",
                            len(result.findings)).format(n=len(result.findings))
                   + ngettext(" in {c} commit", " in {c} commits", len(shas)).format(c=len(shas))
                   + _("; the log is append-only: add a correcting entry instead"), err=True)
        raise SystemExit(1)
    click.echo(ngettext("verify: {n} commit checked", "verify: {n} commits checked", result.commits).format(
        n=result.commits) + ngettext(", {c} client-file change", ", {c} client-file changes", result.changes).format(
        c=result.changes) + _(": every log entry kept"))
