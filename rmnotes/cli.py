"""The ``rmn`` root group: resolves the vault once, registers the commands, translates errors."""

from __future__ import annotations

import gc
import importlib
import sys

import click

from rmnotes import __version__
from rmnotes.app import App
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _

# (command name, module under rmnotes.commands, function). One explicit list, in the
# order `rmn --help` shows them: the working day first. A command's module is imported
# only when that command runs (or when help lists them all).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("due", "due", "client_due"),
    ("log", "log", "client_log"),
    ("done", "done", "followup_done"),
    ("show", "show", "client_show"),
    ("brief", "brief", "client_brief"),
    ("review", "review", "client_review"),
    ("attach", "attach", "client_attach"),
    ("calendar", "calendar", "contact_calendar"),
    ("list", "list", "client_list"),
    ("find", "find", "book_find"),
    ("coverage", "coverage", "book_coverage"),
    ("rank", "rank", "book_rank"),
    ("tags", "tags", "book_tags"),
    ("new", "new", "client_new"),
    ("edit", "edit", "client_edit"),
    ("set", "set_value", "client_set"),
    ("tag", "tag", "client_tag"),
    ("check", "check", "vault_check"),
    ("verify", "verify", "vault_verify"),
    ("history", "history", "client_history"),
    ("import", "import_book", "book_import"),
    ("export", "export", "book_export"),
    ("init", "init", "init_vault"),
    ("merge-file", "merge_file", "merge_file"),
    ("shell-init", "shell_init", "shell_init"),
)
_BY_NAME = {name: (module, function) for name, module, function in COMMANDS}


class RmnGroup(click.Group):
    """Loads commands from COMMANDS on demand, and turns every RmnotesError into one line
    on stderr and exit 1 (``--debug``: traceback)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, _, _ in COMMANDS]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _BY_NAME:
            return None
        module, function = _BY_NAME[name]
        command = getattr(importlib.import_module(f"rmnotes.commands.{module}"), function)
        if command.name != name:  # pragma: no cover - a registration mistake
            raise RuntimeError(f"rmnotes.commands.{module}.{function} is named {command.name!r}, not {name!r}")
        return command

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
@click.option("--redact", is_flag=True, envvar="RMNOTES_REDACT",
              help=_("A screen safe to share: mask phone numbers, emails, addresses, ID numbers "
                     "and amounts in what is printed (also RMNOTES_REDACT=1). Files written "
                     "(review PDFs, exports) are not masked; --json is refused unless "
                     "--redact-json is given."))
@click.option("--redact-json", is_flag=True,
              help=_("Mask the same things in --json answers too (implies --redact)."))
@click.version_option(__version__, "-V", "--version", prog_name="rmnotes")
@click.pass_context
def cli(ctx: click.Context, vault: str | None, debug: bool, redact: bool, redact_json: bool) -> None:
    """rmnotes: your client book as a private git vault of Markdown files.

    Each client is one file in clients/; edit them in any editor. rmn answers the
    questions of the working day and commits every change to the vault's git history.
    """
    from rmnotes.render import redact as masking

    ctx.obj = App(vault_option=vault, debug=debug, redact=redact or redact_json,
                  redact_json=redact_json)
    masking.use(screen=redact or redact_json, json=redact_json)


def main() -> None:
    # One run lasts well under a second and makes few reference cycles, while a book-wide
    # view makes a row per client: the cyclic collector runs rarely, over this run's objects
    # only (rmn rank at 10,000 clients: ~50 ms less; a long first build still collects).
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()
    cli(prog_name="rmn")
