"""rmn remote: the vault's remote, which rmn never adds by itself."""

from __future__ import annotations

from pathlib import Path

import click

from rmnotes.app import App
from rmnotes.errors import GitError
from rmnotes.i18n import _
from rmnotes.options import pass_app


@click.group(name="remote", help=_("""The vault's remote: where 'rmn sync' sends and fetches (none until you add one)."""))
def vault_remote() -> None:
    pass


@vault_remote.command(name="add", help=_("""Add the remote at URL (a path, ssh://, https://, git:// or `gcrypt::` URL)."""))
@click.argument("url")
@click.option("--name", default="origin", show_default=True, help=_("The remote's name."))
@pass_app
def remote_add(app: App, url: str, name: str) -> None:
    from rmnotes import gitops

    root = app.vault.root
    url = url.strip()
    if not url:
        raise click.UsageError(_("URL is empty; give the remote repository's address"))
    existing = gitops.remote_url(root, name)
    if existing is not None:
        raise GitError(_("the vault already has a remote named '{name}' ({url}); choose another name with "
                         "--name, or remove it first with 'rmn remote remove {name}'").format(name=name, url=existing))
    url = _absolute(url)
    gitops.remote_add(root, name, url)
    click.echo(_("added remote '{name}' ({url}); run 'rmn sync' to send the vault there").format(
        name=name, url=url), err=True)


@vault_remote.command(name="list", help=_("""List the vault's remotes: each name and its address."""))
@pass_app
def remote_list(app: App) -> None:
    from rmnotes import gitops

    root = app.vault.root
    names = gitops.remotes(root)
    if not names:
        click.echo(_("the vault has no remote yet; add yours with 'rmn remote add URL'"), err=True)
        return
    width = max(len(n) for n in names)
    for name in names:
        click.echo(f"{name.ljust(width)}  {gitops.remote_url(root, name) or ''}")


@vault_remote.command(name="remove", help=_("""Remove the remote NAME: 'rmn sync' no longer sends there. The vault and its
history stay as they are, here and at the remote's address."""))
@click.argument("name")
@pass_app
def remote_remove(app: App, name: str) -> None:
    from rmnotes import gitops

    root = app.vault.root
    url = gitops.remote_url(root, name)
    if url is None:
        names = gitops.remotes(root)
        raise GitError(_("the vault has no remote named '{name}' (its remotes: {names}); see 'rmn remote list'")
                       .format(name=name, names=", ".join(names) or _("none")))
    gitops.remote_remove(root, name)
    click.echo(_("removed remote '{name}' ({url}); nothing was deleted there").format(name=name, url=url), err=True)


_GCRYPT = "gcrypt::"


def _absolute(url: str) -> str:
    """A folder given by a path relative to here, as an absolute path: git would read it
    relative to the vault. URLs (``ssh://``, ``host:path``) stay as written."""
    prefix = _GCRYPT if url.startswith(_GCRYPT) else ""
    rest = url[len(prefix):]
    if "://" in rest:
        return url
    path = Path(rest).expanduser()
    return prefix + str(path.resolve()) if path.exists() else url
