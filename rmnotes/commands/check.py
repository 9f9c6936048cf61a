"""rmn check: every problem in the vault's files, each with its file and line."""

from __future__ import annotations

import click

from rmnotes.app import App
from rmnotes.options import json_option, pass_app


@click.command(name="check")
@json_option
@pass_app
def vault_check(app: App, as_json: bool) -> None:
    """Report every problem as FILE:LINE: MESSAGE; exit 1 if any is an error.

    A clean vault prints nothing. Warnings (probable typos, a section after '## Log')
    are printed but do not fail the check.
    """
    from rmnotes.domain.check import check_vault

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
