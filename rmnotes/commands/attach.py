"""rmn attach: documents (proposals, forms, statements) into the client's folder, committed."""

from __future__ import annotations

from pathlib import Path

import click

from rmnotes.app import App, FileWrite
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _, ngettext
from rmnotes.options import client_argument, pass_app

LARGE = 50 * 1024 * 1024  # bytes: above this, a file is worth a word about git LFS


@click.command(name="attach", help=_("""Copy FILE... into CLIENT's folder clients/<id>/ (owner-only) and commit them, all in
one commit. A file of the same name already there is an error (nothing is written):
rename the new one first. `rmn show` and `rmn brief` list the folder, newest first."""))
@client_argument()
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@pass_app
def client_attach(app: App, client: str, files: tuple[Path, ...]) -> None:
    c = app.load(client)
    folder = app.vault.rel(app.vault.documents_dir(c.id))
    names: dict[str, Path] = {}
    for f in files:
        if f.name.startswith("."):
            raise RmnotesError(_("{file}: a name starting with '.' is hidden from every listing; "
                                 "rename it; nothing was written").format(file=f))
        if f.name in names:
            raise RmnotesError(_("{a} and {b} have the same name; rename one; nothing was "
                                 "written").format(a=names[f.name], b=f))
        names[f.name] = f
    batch = []
    for name, f in names.items():
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise RmnotesError(_("{file}: cannot read ({why}); nothing was written").format(
                file=f, why=exc.strerror)) from None
        if len(data) > LARGE:
            click.echo(_("warning: {file} is {mb} MB; every version of it stays in the vault's "
                         "history (see git LFS in the README)").format(
                file=f, mb=len(data) // (1024 * 1024)), err=True)
        rel = f"{folder}/{name}"
        if (app.vault.root / rel).exists():
            raise RmnotesError(_("{rel} exists already: rename {file} and attach it again; "
                                 "nothing was written").format(rel=rel, file=f))
        batch.append((rel, data))
    listed = ", ".join(names)
    written = app.write_files([FileWrite(rel, lambda _old, data=data: data, create=True) for rel, data in batch],
                              f"attach: {c.name} ({c.id}) {listed}", whole=True)
    sha = f" ({written.commit.sha[:7]})" if written.commit and written.commit.sha else ""
    click.echo(ngettext("attached {n} file to {folder}/{sha}", "attached {n} files to {folder}/{sha}",
                        len(batch)).format(n=len(batch), folder=folder, sha=sha), err=True)
