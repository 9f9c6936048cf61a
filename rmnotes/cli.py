"""The ``rmn`` root group: resolves the vault once, registers the commands, translates errors."""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys

import click

from rmnotes import __version__, i18n
from rmnotes.app import App
from rmnotes.errors import RmnotesError
from rmnotes.i18n import N_, _, ngettext

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
    ("sync", "sync", "vault_sync"),
    ("remote", "remote", "vault_remote"),
    ("import", "import_book", "book_import"),
    ("export", "export", "book_export"),
    ("init", "init", "init_vault"),
    ("merge-file", "merge_file", "merge_file"),
    ("shell-init", "shell_init", "shell_init"),
)
_BY_NAME = {name: (module, function) for name, module, function in COMMANDS}
_LANGUAGE_KEY = "rmnotes.language"
_VAULT_KEY = "rmnotes.vault"
# module -> the language and date order its help texts were read in (they are read when it is imported)
_READ_IN: dict[str, tuple[str, str]] = {}


def speak(ctx: click.Context | None) -> str:
    """Choose the interface language once per run, before any command module is imported:
    ``language:`` in the vault's rmnotes.yaml, else the locale variables, else English. The
    way typed dates are read is chosen with it, by the vault's ``region``.

    The vault is looked for as the command will look for it (``--vault``, else
    ``$RMNOTES_VAULT``, else the folders above); no vault, or settings that cannot be read,
    leave the choice to the environment (the command itself reports a broken rmnotes.yaml).
    The settings come from their cache, and the vault found is handed to the command."""
    root = ctx.find_root() if ctx is not None else None
    if root is not None and _LANGUAGE_KEY in root.meta:
        return root.meta[_LANGUAGE_KEY]
    wanted = region = None
    if root is not None:
        from rmnotes.vault import Vault, find_root

        try:
            vault = Vault(find_root(root.params.get("vault")))
            wanted, region = vault.settings[0].language, vault.settings[0].region
            root.meta[_VAULT_KEY] = vault
        except (RmnotesError, OSError):
            pass
    i18n.use_region(region)  # typed dates are read as the vault's region writes them
    language = i18n.use(wanted)
    if root is not None:
        root.meta[_LANGUAGE_KEY] = language
    _speak_for_click()
    return language


def _read_in(module_name: str, language: str):
    """The module, its help texts in ``language`` (and with dates as the vault's region
    writes them): imported now, or, when it was read in another language or for another
    region (the test suite runs several in one process) or imported by someone else first
    (a test), read again. The shared options (``rmnotes.options``) go first: a command
    module takes their help texts as they are when it is read."""
    reading = (language, i18n.date_order(i18n.region()))
    for name in ("rmnotes.options", module_name):
        if name in sys.modules and _READ_IN.get(name) != reading:
            importlib.reload(sys.modules[name])
        _READ_IN[name] = reading
    return importlib.import_module(module_name)


# click's own words that a user meets (help headings, usage errors), for the catalogs; click
# asks for them by these very texts (see _speak_for_click)
CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing command."),
    N_("No such command {name!r}."), N_("No such option {name!r}."), N_("Option {name!r} does not take a value."),
    N_("default: {default}"), N_("Aborted!"), N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."), N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is a file."), N_("file"),
    N_("directory"), N_("path"),
)
# the names click's number types give themselves in "'abc' is not a valid integer range."
CLICK_TYPE_NAMES = ((click.types.IntParamType, N_("integer")), (click.types.IntRange, N_("integer range")))


def _click_plurals() -> None:  # pragma: no cover - never called: click's plural words, for the catalogs
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)


def _wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in "WF"


def _fill_words(text: str, width: int, first: str, rest: str) -> str:
    """``text`` folded to ``width`` cells after the indents, by the rule every table's
    last column folds by (:func:`rmnotes.render.fit.fold_text`), codes kept whole."""
    from rich.cells import cell_len

    from rmnotes.render.fit import fold_text

    lines = fold_text(text, max(width - cell_len(rest), 1), max(width - cell_len(first), 1), hyphens=False)
    return "\n".join((first if i == 0 else rest) + line for i, line in enumerate(lines)).rstrip()


def _join_lines(lines: list[str]) -> str:
    """A paragraph's lines as one: a space between Latin words, none beside Chinese."""
    text = ""
    for line in lines:
        line = line.strip()
        if text and line and not (_wide(text[-1]) or _wide(line[0])):
            text += " "
        text += line
    return text


def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """click's ``wrap_text`` for help that holds Chinese: widths in screen cells (a Chinese
    character is two), lines joined without spaces, Latin words never split. Text without
    Chinese goes to click's own."""
    if not any(_wide(ch) for ch in text):
        return _CLICK_WRAP(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    if not preserve_paragraphs:
        return _fill_words(_join_lines(text.splitlines()), width, initial_indent, subsequent_indent)
    out: list[str] = []
    for block in text.expandtabs().split("\n\n"):
        lines = block.split("\n")
        if not block.strip():
            continue
        indent = " " * (len(lines[0]) - len(lines[0].lstrip()))
        if lines[0].strip() == "\b":
            out.append("\n".join(initial_indent + indent + line for line in lines[1:]))
        else:
            out.append(_fill_words(_join_lines(lines), width, initial_indent + indent,
                                   subsequent_indent + indent))
    return "\n\n".join(out)


_CLICK_WRAP = click.formatting.wrap_text


def _speak_for_click() -> None:
    """click's own words (Usage:, Options:, its usage errors) through the same catalogs:
    each click module looked its gettext functions up by name when it was imported. Its
    help wraps Chinese by screen cells (:func:`wrap_text`)."""
    click.formatting.wrap_text = wrap_text
    for kind, name in CLICK_TYPE_NAMES:
        kind.name = _(name)
    for name in _click_modules():
        module = sys.modules.get(name)
        if module is not None:
            if getattr(module, "_", None) is not None and getattr(module, "_", None) is not _:
                module._ = _
            if getattr(module, "ngettext", None) is not None:
                module.ngettext = i18n.ngettext


@functools.cache
def _click_modules() -> tuple[str, ...]:
    """The names of click's modules, read from its folder once (the test suite's processes
    hold thousands of modules, and each command run would walk them all)."""
    folder = os.path.dirname(click.__file__)
    return tuple(f"click.{name[:-3]}" for name in sorted(os.listdir(folder)) if name.endswith(".py"))


def short_help(command: click.Command, room: int) -> str:
    """The line of ``rmn --help`` that sums up ``command``, ``room`` cells wide: click's own
    (its first sentence, cut between words) for English; for Chinese, which has no spaces
    to cut at, the first sentence (to 。), or as much of it as two lines hold (folded as
    :func:`wrap_text` folds them) and an ellipsis."""
    text = command.help or ""
    if command.short_help or i18n.language() == "en":
        return command.get_short_help_str(room)
    from rmnotes.render.fit import fold_text

    lines = [line for line in text.partition("\n\n")[0].splitlines() if line.strip() != "\b"]
    summary = "".join(_join_lines(lines).partition("。")[:2])
    if len(fold_text(summary, room, hyphens=False)) <= 2:
        return summary
    kept = summary
    while kept and len(fold_text(kept.rstrip() + "…", room, hyphens=False)) > 2:
        kept = kept[:-1]
    if kept and _latin(kept[-1]) and _latin(summary[len(kept)]):  # not half a word: $EDIT…
        while kept and _latin(kept[-1]):
            kept = kept[:-1]
    return kept.rstrip() + "…"


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "$_-/<>.")


class RmnGroup(click.Group):
    """Loads commands from COMMANDS on demand, and turns every RmnotesError into one line
    on stderr and exit 1 (``--debug``: traceback)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's list of the commands, each summed up by :func:`short_help`."""
        commands = [(name, command) for name in self.list_commands(ctx)
                    if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if commands:
            room = formatter.width - 6 - max(len(name) for name, _command in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, short_help(command, room)) for name, command in commands])

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, _, _ in COMMANDS]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _BY_NAME:
            return None
        module, function = _BY_NAME[name]
        language = speak(ctx)
        command = getattr(_read_in(f"rmnotes.commands.{module}", language), function)
        if command.name != name:  # pragma: no cover - a registration mistake
            raise RuntimeError(f"rmnotes.commands.{module}.{function} is named {command.name!r}, not {name!r}")
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        speak(ctx)
        self.help = _(ROOT_HELP)
        for param in self.params:
            english = getattr(param, "english_help", None)
            if english:
                param.help = _(english)
        help_option = self.get_help_option(ctx)  # made (by click, in its words) before the language was known
        if help_option is not None:
            help_option.help = _("Show this message and exit.")
        super().format_help(ctx, formatter)

    def invoke(self, ctx: click.Context):
        try:
            speak(ctx)
            return super().invoke(ctx)
        except RmnotesError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(_("rmn: error: {message}").format(message=i18n.error_text(exc)), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # `rmn list | head`
            sys.stderr.close()
            ctx.exit(0)


ROOT_HELP = N_("""rmnotes: your client book as a private git vault of Markdown files.

Each client is one file in clients/; edit them in any editor. rmn answers the
questions of the working day and commits every change to the vault's git history.""")


class _Option(click.Option):
    """An option of the root group, whose help is read (in the run's language) only when
    help is shown: the root group exists before the language is chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.english_help = self.help


@click.group(cls=RmnGroup, help=ROOT_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "--vault", "vault", metavar="PATH", envvar=None, cls=_Option, is_eager=True,
              help=N_("The vault folder (else $RMNOTES_VAULT, else the nearest folder above "
                      "holding rmnotes.yaml)."))
@click.option("--debug", is_flag=True, cls=_Option, help=N_("Show tracebacks for errors."))
@click.option("--redact", is_flag=True, envvar="RMNOTES_REDACT", cls=_Option,
              help=N_("A screen safe to share: mask phone numbers, emails, addresses, ID numbers "
                      "and amounts in what is printed (also RMNOTES_REDACT=1). Files written "
                      "(review PDFs, exports) are not masked; --json is refused unless "
                      "--redact-json is given."))
@click.option("--redact-json", is_flag=True, cls=_Option,
              help=N_("Mask the same things in --json answers too (implies --redact)."))
@click.version_option(__version__, "-V", "--version", prog_name="rmnotes", cls=_Option,
                      help=N_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, vault: str | None, debug: bool, redact: bool, redact_json: bool) -> None:
    from rmnotes.render import redact as masking

    app = App(vault_option=vault, debug=debug, redact=redact or redact_json, redact_json=redact_json)
    found = ctx.meta.get(_VAULT_KEY)
    if found is not None:  # the vault the language was read from: its settings already read
        app.__dict__["vault"] = found
    ctx.obj = app
    masking.use(screen=redact or redact_json, json=redact_json)


def main() -> None:
    # One run lasts well under a second and makes few reference cycles, while a book-wide
    # view makes a row per client: the cyclic collector runs rarely, over this run's objects
    # only (rmn rank at 10,000 clients: ~50 ms less; a long first build still collects).
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()
    cli(prog_name="rmn")
