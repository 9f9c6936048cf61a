"""rmn sync: bring the vault and its remote level (commit, fetch, merge, push)."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.errors import GitError
from rmnotes.i18n import _, ngettext
from rmnotes.options import CLIENT, pass_app


class ConflictedClient(click.ParamType):
    """CLIENT of --ours/--theirs: a client whose file is in conflict cannot be indexed, so
    it is found among the conflicted files first (id, name, alias or pinyin of either
    side), then as any CLIENT is."""

    name = "client"

    def convert(self, value, param, ctx):
        from rmnotes import sync

        app = ctx.find_object(App)
        found = sync.conflicted_client(app.vault.root, value)
        return found if found is not None else CLIENT.convert(value, param, ctx)


@click.command(name="sync", help=_("""Sync the vault with its remote: commit, fetch, merge, push.

Hand edits are committed first; client files merge by meaning (log and follow-ups
are unions, the front-matter merges key by key). On a real conflict (one key given
two values) the sync stops and lists each one as `FILE:LINE: KEY: ours "..." theirs
"..."`; until it is finished (--continue, --ours CLIENT, --theirs CLIENT) every
writing command refuses. REMOTE defaults to the branch's upstream, else the only
remote; add one with `rmn remote add URL`."""))
@click.argument("remote", required=False)
@click.option("--continue", "resume", is_flag=True,
              help=_("Finish a sync stopped at conflicts, after editing the conflicted files."))
@click.option("--ours", "ours", type=ConflictedClient(), multiple=True, metavar="CLIENT",
              help=_("Keep this device's values in CLIENT's conflicts, then finish the sync (repeatable)."))
@click.option("--theirs", "theirs", type=ConflictedClient(), multiple=True, metavar="CLIENT",
              help=_("Keep the remote's values in CLIENT's conflicts, then finish the sync (repeatable)."))
@pass_app
def vault_sync(app: App, remote: str | None, resume: bool, ours: tuple[str, ...], theirs: tuple[str, ...]) -> None:
    from rmnotes import sync

    both = set(ours) & set(theirs)
    if both:
        raise click.UsageError(_("{clients}: give --ours or --theirs for a client, not both").format(
            clients=", ".join(sorted(both))))
    if (resume or ours or theirs) and remote:
        raise click.UsageError(_("REMOTE is for a new sync; --continue, --ours and --theirs finish the "
                                 "stopped one, whose remote is known"))
    registered = app.ensure_merge_driver()  # before the sync's lock: it may commit .gitattributes
    if registered:  # a fresh clone: git made its files with the umask's modes
        from rmnotes.vault import ensure_private

        if ensure_private(app.vault.root):
            registered.append(_("made the clone's files owner-only (0600, folders 0700)"))
    with app.syncing() as change:
        if resume or ours or theirs:
            sides = {**{app.vault.rel(app.vault.client_path(c)): "ours" for c in ours},
                     **{app.vault.rel(app.vault.client_path(c)): "theirs" for c in theirs}}
            done = sync.resume(app.vault.root, change, sides)
        else:
            done = sync.sync(app.vault.root, change, remote, lambda: app.vault.config.owner)
    for note in (*registered, *done.notes):
        click.echo(note, err=True)
    app.report_commit(done.hand, _("hand edits"))
    if done.stopped:
        for conflict in done.conflicts:
            click.echo(str(conflict))
        raise GitError(ngettext(
            "sync stopped at {n} conflict: edit the file, then run 'rmn sync --continue'; or keep one "
            "side of a client's conflicts with 'rmn sync --ours CLIENT' or 'rmn sync --theirs CLIENT'. "
            "Until then rmn reads but does not write",
            "sync stopped at {n} conflicts: edit the files, then run 'rmn sync --continue'; or keep one "
            "side of a client's conflicts with 'rmn sync --ours CLIENT' or 'rmn sync --theirs CLIENT'. "
            "Until then rmn reads but does not write", len(done.conflicts)).format(n=len(done.conflicts)))
    click.echo(_("sync: {came} in, {went} out, {conflicts}").format(
        came=ngettext("{n} entry", "{n} entries", done.came).format(n=done.came),
        went=done.went,
        conflicts=ngettext("{n} conflict", "{n} conflicts", done.resolved).format(n=done.resolved)))
