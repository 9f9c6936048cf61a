"""rmn shell-init: an opt-in shell function so `rm due` reaches rmnotes."""

from __future__ import annotations

import click
from rmnotes.i18n import _

SCRIPT = """\
# rmnotes: `rm <subcommand>` runs rmnotes; every other `rm` is the system's, unchanged.
# To remove a file named like a subcommand, write `command rm due` or `rm ./due`.
rm() {{
  case "$1" in
    {names}) command rmn "$@" ;;
    *) command rm "$@" ;;
  esac
}}
"""


@click.command(name="shell-init", help=_("""Print a shell function that sends `rm SUBCOMMAND ...` to rmnotes.

Opt-in, for those who want to type `rm due`: add `eval "$(rmn shell-init bash)"` to
~/.bashrc (or zsh to ~/.zshrc). Anything that is not an rmnotes subcommand goes to
the system rm unchanged."""))
@click.argument("shell", type=click.Choice(["bash", "zsh"]))
def shell_init(shell: str) -> None:
    from rmnotes.cli import COMMANDS

    names = "|".join(sorted(name for name, _, _ in COMMANDS))
    click.echo(SCRIPT.format(names=names), nl=False)
