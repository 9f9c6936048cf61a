"""rmn import: a book kept in Excel (or CSV) into the vault, in one commit."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Callable, TypeVar

import click

from rmnotes import i18n
from rmnotes.app import App, FileWrite
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _
from rmnotes.options import json_option, pass_app

T = TypeVar("T")


@click.command(name="import", help=_("""Import clients, insurance policies and holdings from FILE (.xlsx, .xls, .ods, .csv),
or phone contacts from FILE.vcf.

Sheets are recognised by their headers (Chinese or English), whatever their names and
order. Clients are matched by id, then name, then mobile; a changed cell updates only
that value in the client's file. Each problem is reported by its cell and writes
nothing for that client; the rest is imported, in one commit. Importing the same
book twice changes nothing. Exit status 1 when any row had an error.

Contacts (.vcf, as phones export them) add new clients as prospects; a card that
matches a client only fills the fields the file leaves empty: it never changes a
value, nor the status."""))
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--sheet", "sheets", multiple=True, metavar="NAME",
              help=_("Read only this sheet of a workbook (repeatable); default: every sheet."))
@click.option("--map", "map_file", metavar="MAP.yaml",
              help=_("A YAML file mapping headers the import does not recognise to columns "
                     "(客戶電話: mobile), or to skip."))
@click.option("--dry-run", is_flag=True, help=_("Print the plan and write nothing."))
@json_option
@pass_app
def book_import(app: App, files: tuple[str, ...], sheets: tuple[str, ...], map_file: str | None,
                dry_run: bool, as_json: bool) -> None:
    from rmnotes.domain import import_files, import_rows, importing
    from rmnotes.render import importing as show

    cards = [name for name in files if Path(name).suffix.lower() in CONTACT_SUFFIXES]
    if cards and (len(cards) != len(files) or sheets or map_file):
        raise click.UsageError(_("import contacts (.vcf) on their own: not with workbooks, --sheet or --map"))
    # the history names the workbook, not where it lay on this computer
    first = Path(files[0]).name
    source = first if len(files) == 1 else f"{first} +{len(files) - 1}"
    with _progress(_("planning")) as tick:
        plan = _in_json_english(as_json, partial(_planned, app, files, sheets, map_file, bool(cards), tick))
    if app.index.skipped():
        app.warn_skipped()
        click.echo(_("warning: a client in a file that cannot be read is not matched, and may be imported as a "
                     "new client; fix those files first (rmn check)"), err=True)
    commit = None
    if dry_run and plan.writes:
        app.refuse_unsafe_now()
        _in_json_english(as_json, partial(_refused_writes, app, plan))
    if not dry_run and plan.writes:
        with _progress(_("writing new clients")) as tick:
            made = import_files.new_files(plan.writes, progress=tick)
        writes = [FileWrite(c.rel, partial(_made, made[c.rel]), create=True) if c.action == "new"
                  else FileWrite(c.rel, partial(import_files.file_bytes, c)) for c in plan.writes]
        with _progress(_("writing")) as tick:
            written = app.write_files(writes, importing.commit_message(source, plan), progress=tick)
        if written.failed:
            plan.problems.extend(import_rows.Problem(rel, why) for rel, why in written.failed.items())
            done = set(written.paths)
            for c in plan.writes:
                if c.rel not in done and c.rel in written.failed:
                    c.action = "failed"
        commit = written.commit.sha if written.commit else None
    if as_json:
        from rmnotes.render.redact import json_value

        click.echo(json.dumps(json_value(show.plan_json(plan, dry_run, commit)), ensure_ascii=False, indent=2))
    else:
        for line in show.plan_lines(plan, dry_run):
            click.echo(line)
    click.echo(show.summary(plan, source, dry_run, commit), err=True)
    if plan.problems:
        sys.exit(1)


def _planned(app: App, files: tuple[str, ...], sheets: tuple[str, ...], map_file: str | None, cards: bool,
             tick: Callable[[int, int], None]):
    """The import's plan: every FILE's records matched to the vault and compared."""
    from rmnotes.domain import importing

    config = app.vault.config
    if cards:
        records, mode = contact_records(app, files), importing.CONTACTS
    else:
        mapping = read_map(map_file) if map_file else None
        records, mode = read_sources(files, sheets, config, mapping), importing.SHEET
        if not any(s.kind for s in records.sheets):
            raise RmnotesError(_("{files}: no sheet has the header row of client information, insurance policies "
                                 "or holdings (e.g. 姓名, 手機, 生日; 保單名稱, 保險公司; 名稱, 類別, 金額); name its "
                                 "columns with --map").format(files=", ".join(files)))
    return importing.make_plan(records, importing.VaultBook(app.vault, app.index), config,
                               mode=mode, today=app.today(), progress=tick)


def _in_json_english(as_json: bool, make: Callable[[], T]) -> T:
    """``make()``, in English for a ``--json`` answer: its messages are the same in every
    language. An error that stops it is said in the interface language (made again so)."""
    if not as_json:
        return make()
    try:
        with i18n.speaking("en"):
            return make()
    except RmnotesError:
        make()  # raises the same error, in the interface language
        raise


def _made(made: bytes | str, data: bytes | None) -> bytes:
    """A new file's bytes, made before the lock (or why they could not be)."""
    if isinstance(made, str):
        raise RmnotesError(made)
    return made


def read_sources(files: tuple[str, ...], sheets: tuple[str, ...], config, mapping):
    """The records of every FILE: step one of the import pipeline
    (:mod:`rmnotes.domain.import_rows`), by the kind of file."""
    from rmnotes import sheets as sheet_reader
    from rmnotes.domain import import_rows

    tables = []
    for name in files:
        tables.extend(sheet_reader.read_tables(Path(name), name, sheets))
    return import_rows.read_records(tables, config, mapping)


CONTACT_SUFFIXES = (".vcf", ".vcard")


def _refused_writes(app: App, plan) -> None:
    """What writing would refuse of each file, said by the dry run too (after the state of
    the repository, refused as the import is): a file or folder that is a symbolic link,
    and each updated client's edits, made in memory on its file as it is (a front-matter
    the editor cannot change byte-safely, a family that is not a list); each refused file a
    problem as the import reports it."""
    from rmnotes.domain import import_files, import_rows

    for c in plan.writes:
        try:
            app.refuse_links(c.rel)
            if c.action == "updated":
                import_files.file_bytes(c, (app.vault.root / c.rel).read_bytes())
        except (RmnotesError, OSError) as exc:
            plan.problems.append(import_rows.Problem(c.rel, str(exc)))
            c.action = "failed"


def contact_records(app: App, files: tuple[str, ...]):
    """Phone contacts (vCard) as the pipeline's records, every file's cards together; a
    card this vault exported is matched by its UID."""
    from rmnotes import gitops
    from rmnotes.domain import contacts, import_rows

    key = contacts.vault_key(gitops.first_commit(app.vault.root), str(app.vault.root))
    out = import_rows.Records()
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise RmnotesError(_("{file}: cannot read it ({why})").format(file=name, why=exc.strerror)) from None
        read = contacts.import_records(contacts.decode(data, name), name, key)
        out.clients.extend(read.clients)
        out.problems.extend(read.problems)
    return out


def read_map(path: str) -> dict[str, str]:
    """``--map MAP.yaml``: headers as written -> column keys (or ``skip``)."""
    from rmnotes.domain.columns import mapping_key, mapping_keys
    from rmnotes.parse import yamltree

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RmnotesError(_("{file}: no such file").format(file=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RmnotesError(_("{file}: cannot read it ({why})").format(file=path, why=exc)) from None
    loaded = yamltree.load(text)
    if loaded.problems:
        line, message = loaded.problems[0]
        raise RmnotesError(f"{path}:{line}: {message}")
    if not isinstance(loaded.value, dict):
        raise RmnotesError(_("{file}: write one 'header: column' line per header, e.g. 客戶電話: mobile").format(file=path))
    out = {}
    for header, key in loaded.value.items():
        column = mapping_key(str(key))
        if column is None:
            line = loaded.line((header,))
            raise RmnotesError(_("{file}:{line}: {key} is not a column; use one of: {keys}").format(
                file=path, line=line, key=key, keys=", ".join(sorted({*mapping_keys(), "skip"}))))
        out[str(header)] = column
    return out


class _progress:
    """A progress bar on stderr for a long import (only at a terminal, past 200 clients)."""

    def __init__(self, what: str):
        self.what = what
        self.bar = None
        self.task = None

    def __enter__(self):
        return self.tick

    def tick(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 200 or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=Console(stderr=True))
            self.task = self.bar.add_task(self.what, total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
