"""rmn check: every problem in the vault's files, each with its file and line."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app
from rmnotes.i18n import _


@click.command(name="check", help=_("""Report every problem as FILE:LINE: MESSAGE; exit 1 if any is an error.

A clean vault prints nothing. Warnings (probable typos, a section after '## Log', a
client file that is a symbolic link or that others may read) are printed but do not
fail the check."""))
@json_option
@click.option("--fix-modes", is_flag=True,
              help=_("First make the vault owner-only: 0600 files, 0700 folders (.git aside); "
                   "each change is listed on stderr."))
@pass_app
def vault_check(app: App, as_json: bool, fix_modes: bool) -> None:
    from rmnotes.domain.check import check_vault

    if fix_modes:
        from rmnotes.vault import ensure_private

        for change in ensure_private(app.vault.root):
            click.echo(_("{file}: mode {old} -> {new}").format(file=change.rel, old=f"{change.old:04o}",
                                                                new=f"{change.new:04o}"), err=True)

    issues = check_vault(app.vault)
    if as_json:
        from rmnotes.render.jsonout import dumps

        click.echo(dumps([{"path": i.path, "line": i.line, "severity": i.severity,
                           "message": i.message} for i in issues]))
    else:
        for issue in issues:
            click.echo(str(issue))
    if any(i.is_error for i in issues):
        raise SystemExit(1)
