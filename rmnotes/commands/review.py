"""rmn review: the asset review sheet on screen, as JSON, as two PNG charts and as a one-page
PDF for the client; ``--record`` logs the review's numbers for the next one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from rmnotes.app import App, FileWrite
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _, error_text, ngettext, tr
from rmnotes.options import as_of_option, client_argument, json_option, pass_app, segment_options

_DEFAULT = "\0default"


@click.command(name="review", help=_("""The asset review sheet of CLIENT: every holding with its holding period, risk level,
weight and change since the last recorded review; subtotals by type; total assets,
liabilities, net worth and assets at this bank; the protection summary.

Only the client's own data appears: never a linked family member's file, nor the
client's notes, tags or log text. Amounts are converted with `fx` in rmnotes.yaml; a
currency without a rate is an error naming the asset.

--pdf takes an optional FILE, so write it after CLIENT: `rmn review 王偉 --pdf`.
--record appends `- DATE M 資產回顧 ...` with a `review:` attribute holding every
asset's value, which the next review compares with.

Without CLIENT, `--pdf [DIR]` renders the sheet of every client the segment options
select (closed ones only with --status), in one run: into each client's reviews/
folder, all committed in one commit, or into DIR as <id>-<date>.pdf."""))
@client_argument(required=False)
@as_of_option
@json_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help=_("Write the two charts as PNG files into DIR."))
@click.option("--pdf", "pdf", is_flag=False, flag_value=_DEFAULT, default=None, metavar="[FILE]",
              help=_("Write the one-page A4 sheet as PDF to FILE "
                   "(default: clients/<id>/reviews/<date>.pdf in the vault, committed)."))
@click.option("--record", is_flag=True,
              help=_("Append this review's numbers to the client's log (and commit), so the "
                   "next review shows the changes."))
@click.option("--via", type=click.Choice(["M", "T", "E"], case_sensitive=False), default=None,
              metavar="M|T|E",
              help=_("Channel of the recorded review: M meeting (default), T telephone, E email."))
@click.option("--update", is_flag=True,
              help=_("First ask for each holding's current value (Enter keeps the last one), "
                     "write them and record the review, all in one commit."))
@segment_options
@pass_app
def client_review(app: App, client: str | None, as_of, as_json: bool, out_dir: Path | None,
                  pdf: str | None, record: bool, via: str | None, update: bool,
                  segment_args: dict) -> None:
    if client is None:
        _batch_pdfs(app, segment_args, as_of or app.today(), pdf,
                    as_json or out_dir is not None or record or update or via is not None)
        return
    if any(v not in (None, False, ()) for v in segment_args.values()):
        raise click.UsageError(_("segment options (--tier, --tag, ...) select the clients of a batch "
                                 "without CLIENT: rmn review --tier A --pdf"))
    if via is not None and not (record or update):
        raise click.UsageError(_("--via goes with --record"))
    from rmnotes.domain.review import build_review

    config = app.vault.config
    today = as_of or app.today()
    if pdf == _DEFAULT:
        pdf_path = app.vault.root / "clients" / client / "reviews" / f"{today.isoformat()}.pdf"
    else:  # a wrong name refused before anything is done (--update commits)
        pdf_path = None if pdf is None else _pdf_file(Path(pdf), f"{client}-{today.isoformat()}.pdf")
    if update:
        _update(app, client, today, (via or "M").upper())
        record = False  # recorded with the new values
    c = app.load(client)
    sheet = build_review(c, config, today)
    for problem in sheet.problems:
        click.echo(_("warning: {problem}").format(problem=tr(problem)), err=True)

    messages_to_stderr = as_json
    if as_json:
        from rmnotes.render.jsonout import dumps
        from rmnotes.render.review import review_json

        click.echo(dumps(review_json(sheet)))
    elif pdf is None and out_dir is None:
        from rmnotes.render.console import Trimmed, out
        from rmnotes.render.review import review_console

        console = out()
        console.print(Trimmed(review_console(sheet, console.width, app.date_style)))

    if pdf is not None or out_dir is not None:
        from rmnotes.render.fonts import setup_fonts

        targets = [path for path in (pdf_path, out_dir and out_dir / "x") if path is not None]
        if any(_inside_vault(app, path) is not None for path in targets):
            app.refuse_unsafe_now()  # before the work: a PDF takes a second or two

        from rmnotes.render.fonts import missing_glyphs

        fonts = setup_fonts(config.region)
        if fonts.warning:
            click.echo(_("warning: {problem}").format(problem=tr(fonts.warning)), err=True)
        if out_dir is not None:
            from rmnotes.render.review import chart_pngs

            _folder(app, out_dir)

            with missing_glyphs() as missing:
                charts = chart_pngs(sheet, fonts, config.region)
            _say_missing(missing, sheet)
            for name, data in charts.items():
                path = out_dir / f"{sheet.client_id}-{today.isoformat()}-{name}.png"
                _write(app, path, data, f"review: {sheet.client_id} {name} chart {today}")
                click.echo(_("wrote {file}").format(file=_shown(app, path)), err=messages_to_stderr)
        if pdf is not None:
            from rmnotes.render.review import PdfInfo, review_pdfs

            with missing_glyphs() as missing:
                [data] = review_pdfs([sheet], fonts, PdfInfo(config.owner, config.region))
            _say_missing(missing, sheet)
            _write(app, pdf_path, data, f"review: {sheet.client_id} sheet {today}")
            click.echo(_("wrote {file}").format(file=_shown(app, pdf_path)), err=messages_to_stderr)

    if record:
        from rmnotes.domain.review import record_lines
        from rmnotes.textedit import append_log

        lines = record_lines(sheet, (via or "M").upper())
        rel = app.vault.rel(app.vault.client_path(c.id))
        commit = app.change_file(rel, lambda data: append_log(data, lines), _record_message(sheet, today)).commit
        sha = f" ({commit.sha[:7]})" if commit.sha else ""
        newest = max((e.date for e in c.entries), default=None)
        below = (_("; it is dated before the log's newest entry ({newest}) and went at the end of the log, "
                   "below newer entries").format(newest=newest) if newest is not None and newest > today else "")
        click.echo(_("recorded the review of {name} on {day} in {file}{sha}{below}").format(
            name=c.name, day=today, file=rel, sha=sha, below=below), err=messages_to_stderr)


def _record_message(sheet, today) -> str:
    return f"review: {sheet.client_id} {today}, total assets {sheet.totals.assets:,.0f} {sheet.currency}"


def _update(app: App, client: str, today, channel: str) -> None:
    """--update: ask for each holding's current value on standard input, then write the
    values and record the review in one commit."""
    from rmnotes import fmedit
    from rmnotes.domain import quickedit
    from rmnotes.domain.check import client_context

    c = app.load(client)
    values: dict[str, object] = {}
    for a in c.assets:
        last = f"{a.value:,}" if a.value is not None else "-"
        path = ("assets", fmedit.Named(a.name), "value")
        while True:
            text = click.prompt(_("{name} ({currency}) [{last}]").format(
                name=a.name, currency=a.currency or app.vault.config.base_currency, last=last),
                default="", show_default=False, err=True).strip()
            value = quickedit.typed_value(path, text, a.value) if text else None
            if not text or isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                break
            click.echo(_("'{text}' is not an amount; write a number such as 3200000, 3,200,000 or 320萬, "
                         "or press Enter to keep {last}").format(text=text, last=last), err=True)
        if value is not None and value != a.value:
            values[a.name] = value
    ctx = client_context(app.vault)
    rel = c.path
    done = app.change_file(rel, lambda data: quickedit.review_update(ctx, rel, data, values, today, channel),
                           lambda u: _record_message(u.sheet, today))
    for warning in done.value.warnings:
        click.echo(str(warning), err=True)
    sha = f" ({done.commit.sha[:7]})" if done.commit.sha else ""
    click.echo(ngettext("updated {n} holding of {name} and recorded the review in {rel}{sha}",
                        "updated {n} holdings of {name} and recorded the review in {rel}{sha}",
                        len(values)).format(n=len(values), name=c.name, rel=rel, sha=sha), err=True)


def _inside_vault(app: App, path: Path) -> str | None:
    """The vault-relative path when ``path`` lies in the vault's clients/ folder, else None."""
    try:
        rel = path.resolve().relative_to(app.vault.root.resolve())
    except ValueError:
        return None
    return rel.as_posix() if rel.parts[:1] == ("clients",) else None


def _folder(app: App, folder: Path) -> None:
    """A folder the user named for the files (``--out DIR``, ``--pdf DIR`` of a batch), made
    owner-only when missing, in a folder that exists (a mistyped path makes no folders on
    its way, as ``--pdf FILE`` does not); one inside the vault is made by the write door."""
    from rmnotes.vault import DIR_MODE

    if _inside_vault(app, folder / "x") is not None:
        return
    parent = folder.absolute().parent
    if not folder.is_dir() and not parent.is_dir():
        raise RmnotesError(_("{folder}: there is no folder {parent} to make it in; make that first, or choose "
                             "another place").format(folder=folder, parent=parent))
    try:
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    except OSError as exc:
        raise RmnotesError(_("{file}: cannot write ({why}); choose another place")
                           .format(file=folder, why=exc.strerror)) from None


def _write(app: App, path: Path, data: bytes, message: str) -> None:
    """Owner-only files in owner-only folders; inside the vault they go through the write
    door and are committed (nothing, not even a folder, when the door refuses)."""
    rel = _inside_vault(app, path)
    if rel is not None:
        app.change_file(rel, lambda _old: data, message, create=True)
        return
    app.write_export(path, data)  # outside the vault: into a folder that exists (a typo makes none)


def _shown(app: App, path: Path) -> str:
    rel = _inside_vault(app, path)
    return rel if rel is not None else str(path)


def _say_missing(missing: set[str], sheet) -> None:
    """One warning for the characters of ``sheet``'s charts or page that no installed font
    draws (they show as empty boxes), then forget them (the next sheet of a batch)."""
    if missing:
        click.echo(_("warning: {name} ({id}): no font installed here draws {chars}; they show as empty boxes").format(
            name=sheet.client_name, id=sheet.client_id, chars=" ".join(sorted(missing))), err=True)
        missing.clear()


# ---------------------------------------------------------------------- the batch
def _pdf_file(path: Path, name: str) -> Path:
    """Where ``--pdf PATH`` of one client writes: PATH, a file ending in .pdf, or ``name``
    in PATH when it is a folder. Any other ending is a usage error: the file would be a PDF
    under a name that says otherwise."""
    if path.is_dir():
        return path / name
    if path.suffix.lower() != ".pdf":
        raise click.UsageError(_("--pdf {path}: a PDF file's name ends in .pdf (e.g. {example}); or give a folder "
                                 "that exists").format(path=path, example=name))
    return path


def _batch_pdfs(app: App, segment_args: dict, today, pdf: str | None, single_only: bool) -> None:
    """Every selected client's PDF sheet in this one process (one matplotlib import, one
    font set-up), with a progress bar on a terminal; into the vault in one commit, or into
    a folder. A client whose sheet cannot be made (a missing rate) is named and left out."""
    if pdf is None or single_only:
        raise click.UsageError(_("without CLIENT, review renders PDFs for a segment: rmn review "
                                 "[--tier T ...] --pdf [DIR]; --json, --out, --record and --update need a CLIENT"))
    from rmnotes.options import no_match, select_clients
    from rmnotes.domain.money import MissingRate
    from rmnotes.domain.review import build_review
    from rmnotes.domain.segments import OPEN_STATUSES
    from rmnotes.errors import DataError
    from rmnotes.options import make_segment
    from rmnotes.render.fonts import missing_glyphs, setup_fonts
    from rmnotes.render.review import PdfInfo, review_pdfs

    config = app.vault.config
    clients = select_clients(app, make_segment(segment_args, today, OPEN_STATUSES))
    if not clients:
        click.echo(no_match(segment_args, OPEN_STATUSES), err=True)
        return
    target = None if pdf == _DEFAULT else Path(pdf)
    if target is not None and (target.exists() and not target.is_dir()
                               or not target.exists() and target.suffix.lower() == ".pdf"):
        # a file, or a folder yet to make named like one: the user meant one client's PDF
        raise click.UsageError(_("--pdf {path}: without CLIENT, --pdf takes a folder").format(path=pdf))
    if target is None or _inside_vault(app, target / "x") is not None:
        app.refuse_unsafe_now()  # before the work: each PDF takes a while
    sheets = []
    for row in clients:
        try:
            sheets.append(build_review(app.load(row.id), config, today))
        except (MissingRate, DataError) as exc:
            click.echo(_("warning: {name} ({id}) left out: {why}").format(
                name=row.name, id=row.id, why=error_text(exc)), err=True)
    info = PdfInfo(config.owner, config.region)
    fonts = setup_fonts(config.region)
    if fonts.warning:
        click.echo(_("warning: {problem}").format(problem=tr(fonts.warning)), err=True)
    rendered: list[tuple[Path, bytes]] = []
    with _progress(len(sheets)) as tick, missing_glyphs() as missing:
        for data, sheet in zip(review_pdfs(sheets, fonts, info), sheets):  # the PDFs first: run to their end
            for problem in sheet.problems:
                click.echo(_("warning: {problem}").format(problem=tr(problem)), err=True)
            _say_missing(missing, sheet)
            if target is None:
                path = app.vault.documents_dir(sheet.client_id) / "reviews" / f"{today.isoformat()}.pdf"
            else:
                path = target / f"{sheet.client_id}-{today.isoformat()}.pdf"
            rendered.append((path, data))
            tick(sheet.client_name)

    inside = [(rel, data) for path, data in rendered if (rel := _inside_vault(app, path)) is not None]
    outside = [(path, data) for path, data in rendered if _inside_vault(app, path) is None]
    if outside and target is not None:
        _folder(app, target)
    for path, data in outside:
        _write(app, path, data, "")
    sha = ""
    if inside:
        written = app.write_files([FileWrite(rel, lambda _old, data=data: data, create=None) for rel, data in inside],
                                  f"review: {len(inside)} sheets {today}", whole=True)
        sha = f" ({written.commit.sha[:7]})" if written.commit and written.commit.sha else ""
    where = _shown(app, target) if target is not None else "clients/<id>/reviews/"
    click.echo(ngettext("wrote {n} review sheet to {where}{sha}", "wrote {n} review sheets to {where}{sha}",
                        len(rendered)).format(n=len(rendered), where=where, sha=sha), err=True)


def _progress(total: int):
    """A progress bar on stderr (only when stderr is a terminal); yields ``tick(name)``."""
    import contextlib
    import sys

    @contextlib.contextmanager
    def bar():
        if not sys.stderr.isatty():
            yield lambda name: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task(_("review sheets"), total=total)
            yield lambda name: progress.update(task, advance=1, description=name)

    return bar()
