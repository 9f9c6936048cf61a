"""The ``rmn`` root group: resolves the vault once, registers the commands, translates errors."""

from __future__ import annotations

import importlib
import sys

import click

from rmnotes import __version__
from rmnotes.app import App
from rmnotes.errors import RmnotesError

# (module under rmnotes.commands, function name). One explicit list; order is help order.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("init", "init_vault"),
    ("new", "client_new"),
    ("show", "client_show"),
    ("edit", "client_edit"),
    ("list", "client_list"),
    ("tags", "book_tags"),
    ("find", "book_find"),
    ("coverage", "book_coverage"),
    ("rank", "book_rank"),
    ("check", "vault_check"),
    ("history", "client_history"),
    ("shell_init", "shell_init"),
)


class RmnGroup(click.Group):
    """Turns every RmnotesError into one line on stderr and exit 1 (``--debug``: traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RmnotesError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(f"rmn: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # `rmn list | head`
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=RmnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "--vault", "vault", metavar="PATH", envvar=None,
              help="The vault folder (else $RMNOTES_VAULT, else the nearest folder above "
                   "holding rmnotes.yaml).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, "-V", "--version", prog_name="rmnotes")
@click.pass_context
def cli(ctx: click.Context, vault: str | None, debug: bool) -> None:
    """rmnotes: your client book as a private git vault of Markdown files.

    Each client is one file in clients/; edit them in any editor. rmn answers the
    questions of the working day and commits every change to the vault's git history.
    """
    ctx.obj = App(vault_option=vault, debug=debug)


for _module, _function in COMMANDS:
    cli.add_command(getattr(importlib.import_module(f"rmnotes.commands.{_module}"), _function))


def main() -> None:
    cli(prog_name="rmn")
