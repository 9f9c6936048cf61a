"""The book at a glance: coverage sheet (terminal and .xlsx), 80/20 ranking, dormant
potential, search hits, tags and segment CSV."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence, Union

from rich.cells import cell_len
from rich.text import Span, Text

from rmnotes.domain.money import money_text
from rmnotes.i18n import N_, _, ngettext, pgettext, tr
from rmnotes.words import period_word, word
from rmnotes.render import redact
from rmnotes.render.fit import FOLD_MIN, fold_pieces, joined, line_segments

if TYPE_CHECKING:  # the ranking, coverage and search rules load with their own commands, rich's
    # Table and Group with the views that use them (rank and list draw their own grid)
    from rich.console import Group
    from rich.table import Table

    from rmnotes.domain.coverage import Coverage, CoverageReport
    from rmnotes.domain.rank import Potential, Ranking
    from rmnotes.domain.find import Found, Hit

# column headers of the coverage table, short (each is its own catalog entry)
KIND_LABELS = {"life": N_("life"), "critical_illness": N_("CI"), "medical": N_("medical"),
               "accident": N_("accident"), "annuity": N_("annuity"), "long_term_care": N_("LTC")}
MARK = "bold yellow"
GAP_LABELS = {"no-critical-illness": N_("CI"), "no-medical": N_("med"),
              "life-below-income": N_("life"), "insured-not-in-family": N_("insured")}
# each gap said in words: English shows the code itself (what --json and --gaps write)
GAP_WORDS = {"no-critical-illness": N_("no-critical-illness"), "no-medical": N_("no-medical"),
             "life-below-income": N_("life-below-income"), "insured-not-in-family": N_("insured-not-in-family")}


def _money(amount: Decimal | None, blank_zero: bool = True, unit: int = 1) -> str:
    if amount is None:
        return "?"
    if blank_zero and amount == 0:
        return ""
    return redact.money(money_text(amount / unit if unit != 1 else amount))


def n_clients(n: int) -> str:
    return ngettext("{n} client", "{n} clients", n).format(n=n)


def _pct(share: Decimal) -> str:
    return f"{share * 100:.1f}%"


# ---------------------------------------------------------------------- coverage
def _sum_cell(row: Coverage, kind: str, unit: int) -> Cell:
    if row.sums is None:
        return ("?", "red")
    amount = row.sums[kind]
    if amount == 0 and kind in row.riders:
        return (_("rider"), "dim")
    if amount == 0 and kind in row.held:
        return (_("yes"), "dim")  # a policy with no sum assured (an annuity, say)
    return _money(amount, unit=unit)


def _family_cell(row: Coverage) -> str:
    """How many family members the client's own policies insure."""
    if row.family_sums is None:
        return "?"
    n = len(row.family_sums)
    return str(n) if n else ""


def family_cover_text(row: Coverage) -> str:
    if not row.family_sums:
        return ""
    return _("; ").join(f"{m}: " + _(", ").join(f"{tr(word(k))} {money_text(v)}" for k, v in kinds.items())
                        for m, kinds in row.family_sums.items())


COMPACT_KINDS = ("life", "critical_illness", "medical")


def coverage_table(report: CoverageReport, width: int | None = None) -> Text:
    """One row per client. Kind columns no row uses are left out (JSON and .xlsx keep all).
    On a screen narrower than the table, amounts go to thousands, then the clients are named
    without their ids (a name is a CLIENT too), then the table keeps only life, CI and
    medical cover; the gaps then fold to fit."""
    layouts = ((1, False, True), (1000, False, True), (1000, False, False), (1000, True, True))
    for unit, compact, ids in layouts:
        header, rows, justify, caption = _coverage_rows(report, unit, compact, ids)
        laid = Grid(header, rows, justify, width=width)
        if width is None or laid.width <= width:
            break
    table = laid.text()
    for line in caption.split("\n"):
        for piece in fold_pieces([(line, None)], width) if width and width >= FOLD_MIN else [[(line, None)]]:
            table.append("\n")
            table.append(piece[0][0], style="dim")
    return table


def _coverage_rows(report: CoverageReport, unit: int, compact: bool, ids: bool = True):
    from rmnotes.domain.coverage import KINDS

    kinds = [k for k in (COMPACT_KINDS if compact else KINDS)
             if any(r.sums is None or r.sums[k] or k in r.riders or k in r.held for r in report.rows)]
    family = not compact and any(r.family_sums is None or r.family_sums for r in report.rows)
    codes = sorted({c for r in report.rows for c in r.gap_codes}, key=list(GAP_LABELS).index)
    legend = _(", ").join(f"{_(GAP_LABELS[c])} = {_(GAP_WORDS[c])}" for c in codes)
    money = (report.base_currency if unit == 1
             else _("{currency} thousands").format(currency=report.base_currency))
    caption = (_("{money}; sums assured on the client; premiums per year").format(money=money)
               + (_("; fam: family members insured by the client's policies") if family else "")
               + (_("; a wider screen (or --json, --xlsx) shows every kind") if compact else "")
               + ("\n" + _("gaps: {legend}").format(legend=legend) if legend else ""))
    header = [_("client"), *([] if compact else [_("marital")]), _("kids"), *(_(KIND_LABELS[k]) for k in kinds),
              *([_("fam")] if family else []), _("premium"), *([] if compact else [pgettext("premium", "single")]), _("gaps")]
    justify = "l" + ("" if compact else "l") + "r" * (1 + len(kinds) + family + 1 + (not compact)) + "l"
    rows = []
    for row in report.rows:
        cells: list[Cell] = [[(row.name, None), (f" {row.client}", "dim")] if ids else row.name]
        if not compact:
            cells.append(tr(word(row.marital_status)))
        cells.append(str(row.children) if row.children else "")
        cells += [_sum_cell(row, k, unit) for k in kinds]
        if family:
            cells.append(_family_cell(row))
        cells.append((_money(row.premium_yearly, unit=unit), "red" if row.premium_yearly is None else None))
        if not compact:
            cells.append(_money(row.premium_single, unit=unit))
        cells.append((" ".join(_(GAP_LABELS[c]) for c in dict.fromkeys(row.gap_codes)), "red"))
        rows.append(cells)
    return header, rows, justify, caption


def gap_lines(report: CoverageReport) -> Table:
    """Each gap with its rule's message, one row per gap, for ``coverage --gaps``."""
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="red")
    table.add_column(overflow="fold")  # a run of Chinese (no spaces to break at) folds, never cut
    for row in report.rows:
        for i, gap in enumerate(row.gaps):
            name = Text(f"{row.name} {row.client}" if i == 0 else "")
            table.add_row(name, gap.code, Text(redact.text(tr(gap.message))))
    return table


def coverage_summary(report: CoverageReport) -> str:
    counts: dict[str, int] = {}
    for row in report.rows:
        for code in dict.fromkeys(row.gap_codes):
            counts[code] = counts.get(code, 0) + 1
    with_gaps = sum(1 for r in report.rows if r.gaps)
    parts = _(", ").join(f"{_(GAP_WORDS.get(code, code))} {n}"
                         for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    text = _("{clients}, {n} with a gap: {codes}") if parts else _("{clients}, {n} with a gap")
    return text.format(clients=n_clients(len(report.rows)), n=with_gaps, codes=parts)


def coverage_json(report: CoverageReport) -> list[dict]:
    return [{
        "client": r.client, "name": r.name, "tier": r.tier, "status": r.status,
        "marital_status": r.marital_status, "children": r.children, "policies": r.policies,
        "sums": dict(r.sums) if r.sums is not None else None,
        "held": list(r.held), "riders": list(r.riders),
        "family_sums": {m: dict(k) for m, k in r.family_sums.items()} if r.family_sums is not None else None,
        "premium_yearly": r.premium_yearly, "premium_single": r.premium_single,
        "currency": report.base_currency,
        "gaps": [{"code": g.code, "message": g.message} for g in r.gaps],
        "error": r.error,
    } for r in report.rows]


@redact.for_a_file
def coverage_xlsx(report: CoverageReport, title: str | None = None) -> bytes:
    """The coverage sheet as an .xlsx workbook: one row per client, gaps with their rules,
    sums as numbers (exact decimals written as numbers for Excel to add up)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from rmnotes.domain.coverage import KINDS

    wb = Workbook()
    ws = wb.active
    ws.title = (title or _("coverage"))[:31]
    header = [_("client"), _("name"), _("tier"), _("status"), _("marital status"), _("children"), _("policies"),
              *(tr(word(k)) for k in KINDS), _("family cover"), _("premium / year"), _("single premiums"),
              _("gaps")]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    gap_fill = PatternFill("solid", fgColor="FDE2E1")
    # the codes in the reader's words (English: the codes themselves, as --json has them)
    separator = _(", ")
    for r in report.rows:
        sums = [(_xl(r.sums[k]) if r.sums is not None else None) for k in KINDS]
        ws.append([r.client, r.name, r.tier, tr(word(r.status)), tr(word(r.marital_status)) or None, r.children,
                   r.policies, *sums, family_cover_text(r) or None, _xl(r.premium_yearly), _xl(r.premium_single),
                   separator.join(_(GAP_WORDS.get(c, c)) for c in dict.fromkeys(r.gap_codes))])
        row = ws.max_row
        for col in (*range(8, 8 + len(KINDS)), 9 + len(KINDS), 10 + len(KINDS)):
            ws.cell(row, col).number_format = "#,##0"
        if r.gaps:
            cell = ws.cell(row, len(header))
            cell.fill = gap_fill
            cell.comment = Comment("\n".join(tr(g.message) for g in r.gaps), "rmnotes", width=360, height=120)
        if r.error:
            ws.cell(row, 8).comment = Comment(tr(r.error), "rmnotes", width=360, height=120)
    widths = [16, 10, 6, 9, 14, 9, 9, *([14] * len(KINDS)), 28, 15, 15, 40]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append([_("amounts in {currency}; sums assured on the client; premiums normalised per year (single "
                 "premiums apart)").format(currency=report.base_currency)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xl(amount: Decimal | None):
    """Excel stores numbers as doubles: a whole amount as an int, others as Decimal."""
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else amount


# ---------------------------------------------------------------------- ranking
BY_HEADER = {"aum": N_("aum"), "assets": N_("assets"), "net-worth": N_("net-worth"), "premium": N_("premium")}
BY_LABEL = {"aum": N_("assets at this bank"), "assets": N_("total assets"), "net-worth": N_("net worth"),
            "premium": N_("yearly premium")}


Cell = Union[str, tuple[str, Optional[str]], list[tuple[str, Optional[str]]]]  # text, or (text, style) pieces


def _pieces(cell: Cell) -> list[tuple[str, str | None]]:
    if isinstance(cell, str):
        return [(cell, None)]
    return [cell] if isinstance(cell, tuple) else cell


def _size(cell: Cell) -> int:
    """The screen cells a cell takes (wide CJK characters count two)."""
    text = cell if isinstance(cell, str) else "".join(t for t, _ in _pieces(cell))
    return len(text) if text.isascii() else cell_len(text)


class Grid:
    """A plain table: columns padded by screen cells (wide CJK characters count two), two
    spaces apart, the last column unpadded; ``justify`` is l or r per column. A cell is a
    string or (text, style) pieces.

    Kept instead of rich's Table, which measures and renders every cell as its own object:
    printing ``rmn list`` of 10,000 clients took 0.31 s with this grid and 2.95 s with a
    rich Table of the same columns (50 rows, as ``rank`` shows: 0.8 vs 12 ms). ``list``
    and ``coverage`` draw every client; ``rank`` uses the same grid for its 50 rows."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[Cell]], justify: str,
                 title: str | None = None, width: int | None = None):
        self.justify = justify
        self.title = title
        self.fold = width  # the last column (free text: tags, a reason) folds to fit this width
        self.rows: list[Sequence[Cell]] = [[[(h, "bold")] for h in header], *rows]  # cells as given
        self.sizes = [[_size(c) for c in row] for row in self.rows]
        self.widths = [max(column) for column in zip(*self.sizes)]

    @property
    def width(self) -> int:
        return sum(self.widths) + 2 * (len(self.widths) - 1)

    def lines(self) -> Iterator[list[tuple[str, str | None]]]:
        """Each line as (text, style) pieces, padded, without trailing spaces: the title,
        the header, then the rows (a row whose last column folds takes several lines)."""
        if self.title:
            yield [(self.title, "bold")]
        last = len(self.widths) - 1
        start = sum(self.widths[:-1]) + 2 * last  # where the last column begins
        room = (self.fold or 0) - start
        # too little room beside the other columns (long words of a language): the last
        # column goes under its row, from the second column on, folded to the width
        under = min(self.widths[0] + 2, (self.fold or 0) // 2) if last else 0
        for row, sizes in zip(self.rows, self.sizes):
            if not (self.fold and self.justify[last] == "l" and sizes[last] > max(room, 0)):
                yield self._line(row, sizes)
            elif room >= FOLD_MIN:
                first, *more = fold_pieces(_pieces(row[last]), room)
                yield self._line([*row[:-1], first], [*sizes[:-1], room])
                for pieces in more:
                    yield self._line([""] * last + [pieces], [0] * last + [room])
            else:
                yield self._line([*row[:-1], ""], [*sizes[:-1], 0])
                for pieces in fold_pieces(_pieces(row[last]), max(self.fold - under, FOLD_MIN)):
                    yield [(" " * under, None), *pieces]

    def _line(self, row: Sequence[Cell], sizes: Sequence[int]) -> list[tuple[str, str | None]]:
        """A row as pieces: cells padded, two spaces between columns (see :func:`joined`).
        A row of plain texts is one piece, made by one join (``rmn list``'s rows are)."""
        if all(isinstance(cell, str) for cell in row):
            text = "  ".join(" " * (width - size) + cell if justify == "r" else cell + " " * (width - size)
                             for cell, size, width, justify in zip(row, sizes, self.widths, self.justify))
            text = text.rstrip(" ")
            return [(text, None)] if text else []
        last = len(row) - 1
        pieces: list[tuple[str, str | None]] = []
        for i, cell in enumerate(row):
            right = self.justify[i] == "r"
            pad = (" " * (self.widths[i] - sizes[i]), None) if i < last or right else ("", None)
            pieces += [pad, *_pieces(cell)] if right else [*_pieces(cell), pad]
            if i < last:
                pieces.append(("  ", None))
        return joined(pieces)

    def text(self) -> Text:
        """The grid as one rich Text (to add a caption below it)."""
        out: list[str] = []
        spans: list[Span] = []
        at = 0
        for line in self.lines():
            for t, style in line:
                if style and t:
                    spans.append(Span(at, at + len(t), style))
                out.append(t)
                at += len(t)
            out.append("\n")
            at += 1
        return Text("".join(out)[:-1], spans=spans)

    def __rich_console__(self, console, options):
        """Printed as it is laid out, a segment per piece: as one Text, rich would split a
        whole book's grid into a Text per line again to wrap it (``rmn list`` of 10,000
        clients, piped: 0.98 s against 0.44 s)."""
        return line_segments(self.lines())


def grid(header: Sequence[str], rows: Sequence[Sequence[Cell]], justify: str,
         title: str | None = None, width: int | None = None) -> Text:
    """A :class:`Grid` as text; with ``width``, its last column folds to fit."""
    return Grid(header, rows, justify, title, width).text()


def rank_table(ranking: Ranking, currency: str, limit: int | None = None) -> Text:
    rows = ranking.rows if limit is None else ranking.rows[:limit]
    last_top = ranking.top80_count  # the top group leads the ranking
    body = []
    for r in rows:
        name = [(r.name, "bold" if r.top80 else None), (f" {r.client}", "dim")]
        mark = ("◀ 80%", "yellow") if r.rank == last_top else ""
        body.append([str(r.rank), name, _money(r.value, blank_zero=False), _pct(r.share), _pct(r.cumulative), mark])
    by = _("{by} ({currency})").format(by=_(BY_HEADER[ranking.by]), currency=currency)
    return grid(["#", _("client"), by, _("share"), _("cumulative"), ""], body, "rlrrrl")


def rank_summary(ranking: Ranking, currency: str) -> str:
    if not ranking.rows:
        return _("no clients to rank")
    n, m = ranking.top80_count, ranking.count
    by = _(BY_LABEL[ranking.by])
    if ranking.total <= 0:
        return _("{clients}, none with any {by}").format(clients=n_clients(m), by=by)
    share = Decimal(n) / Decimal(m) * 100
    text = ngettext("{n} of {clients} ({share}) brings {top} of their {total} {currency} of {by}",
                    "{n} of {clients} ({share}) bring {top} of their {total} {currency} of {by}", n)
    return text.format(n=n, clients=n_clients(m), share=f"{share:.0f}%", top="80%", by=by,
                       total=_money(ranking.total, blank_zero=False), currency=currency)


def potential_table(potential: Sequence[Potential], currency: str, today: date,
                    total: int | None = None, width: int | None = None) -> Text:
    count = len(potential) if total is None else total
    body = []
    for p in potential:
        body.append([[(p.name, None), (f" {p.client}", "dim")], tr(word(p.status)), _money(p.aum, blank_zero=False),
                     _("; ").join(potential_reasons(p, today))])
    return grid([_("client"), _("status"), _("here ({currency})").format(currency=currency), _("why")], body, "llrl",
                title=_("dormant potential ({clients})").format(clients=n_clients(count)), width=width)


def potential_reasons(p: Potential, today: date) -> list[str]:
    out = []
    if p.elsewhere is not None:
        out.append(_("{amount} elsewhere").format(amount=_money(p.elsewhere, blank_zero=False)))
    if p.dormant_assets is not None:
        out.append(_("dormant with {amount} in assets").format(amount=_money(p.dormant_assets, blank_zero=False)))
    if p.silent_since is not None:
        days = (today - p.silent_since).days
        text = (_("never contacted, client since {date} ({days}d; cadence {cadence})") if p.never_contacted
                else _("no contact since {date} ({days}d; cadence {cadence})"))
        out.append(text.format(date=p.silent_since, days=days, cadence=tr(period_word(p.cadence))))
    return out


def rank_json(ranking: Ranking) -> list[dict]:
    potential = {p.client: p for p in ranking.potential}
    out = []
    for r in ranking.rows:
        p = potential.get(r.client)
        out.append({
            "rank": r.rank, "client": r.client, "name": r.name, "value": r.value,
            "share": r.share, "cumulative": r.cumulative, "top80": r.top80,
            "potential": None if p is None else {
                "aum": p.aum, "elsewhere": p.elsewhere, "dormant_assets": p.dormant_assets,
                "silent_since": p.silent_since, "never_contacted": p.never_contacted,
                "cadence": p.cadence,
            },
        })
    return out


# ---------------------------------------------------------------------- find
WINDOW = 60
WHERE_LABELS = {"name": N_("name"), "alias": N_("alias"), "note": N_("note")}


def where_label(hit: Hit, style: str = "iso") -> str:
    from rmnotes.render.dates import show_date

    if hit.where == "log":
        return " ".join(x for x in (_("log"), show_date(hit.date, style), hit.time, hit.channel) if x)
    if hit.where == "follow-up":
        box = "[x]" if hit.channel == "x" else "[ ]"
        return f"{_('follow-up')} {box} {show_date(hit.date, style)}".rstrip()
    if hit.where == "family":
        return _("family ({relation})").format(relation=tr(word(hit.channel))) if hit.channel else _("family")
    if hit.where == "name" and hit.pinyin:
        return _("name (pinyin)")
    return _(WHERE_LABELS[hit.where]) if hit.where in WHERE_LABELS else hit.where


def snippet(hit: Hit, window: int = WINDOW, cells: int | None = None) -> Text:
    """The matched text with each match highlighted, cut to a window of at most ``window``
    characters (and ``cells`` terminal cells, the marks included) around the first match, a
    third of it before (continuation lines of a log entry are joined by spaces, one
    character for one). The match itself is always whole."""
    from rich.cells import cell_len

    raw = hit.text.replace("\n", " ")
    room = cells if cells is not None else 4 * window

    def fits(a: int, b: int) -> bool:
        return b - a <= window and cell_len(raw[a:b]) + (a > 0) + (b < len(raw)) <= room

    if fits(0, len(raw)) or not hit.spans:
        start, end = 0, len(raw)
        while not fits(start, end) and end > start:
            end -= 1
    else:
        start, end = hit.spans[0]
        while start > 0 and fits(start - 1, end) and (
                hit.spans[0][0] - start < window // 3 and cell_len(raw[start:hit.spans[0][0]]) < room // 3):
            start -= 1
        while end < len(raw) and fits(start, end + 1):
            end += 1
        while start > 0 and fits(start - 1, end):
            start -= 1
    lead = "…" if start else ""
    shown = lead + raw[start:end] + ("…" if end < len(raw) else "")
    masked = redact.text(shown)
    text = Text(masked)
    if masked != shown:  # the matches are found again in what is left
        for word in {raw[s:e] for s, e in hit.spans if s < e}:
            text.highlight_words([word], MARK)
        return text
    for s, e in hit.spans:
        s, e = max(s, start), min(e, end)
        if s < e:
            text.stylize(MARK, s - start + len(lead), e - start + len(lead))
    return text


def find_table(found: Found, width: int = 160, style: str = "iso") -> Table:
    """The hits fitted to ``width`` cells, one line each: the client's name is never cut (its
    id is left out when room is short), and the text is a window around the match sized to
    the room left, so the match is never cut out of its row."""
    from rmnotes.render.fit import Column, fit_table, width_of

    wheres = [Text(where_label(h, style)) for h in found.hits]

    def names(with_id: bool) -> list[Text]:
        out = []
        for h in found.hits:
            name = Text(h.name)
            if with_id:
                name.append(f" {h.client}", style="dim")
            out.append(name)
        return out

    def room(clients: list[Text], where: bool) -> int:
        fixed = max([width_of(c) for c in clients] + [6])
        if where:
            fixed += max([width_of(w) for w in wheres] + [5]) + 2
        return width - fixed - 2  # a gap of two cells between the columns

    clients, where = names(True), True
    if room(clients, where) < MIN_TEXT:
        clients = names(False)
    if room(clients, where) < MIN_TEXT:
        where = False
    cells = max(room(clients, where), MIN_TEXT)
    texts = [snippet(h, cells=cells) for h in found.hits]
    if where:
        return fit_table((Column(_("client")), Column(_("where")), Column(_("text"))),
                         list(zip(clients, wheres, texts)), width, pad_edge=False)
    return fit_table((Column(_("client")), Column(_("text"))), list(zip(clients, texts)), width, pad_edge=False)


MIN_TEXT = 30  # cells of text a row of find shows at the least


def find_json(found: Found) -> list[dict]:
    return [{
        "client": h.client, "name": h.name, "where": h.where, "text": h.text,
        "date": h.date, "time": h.time,
        "channel": h.channel if h.where == "log" else None,
        "done": (h.channel == "x") if h.where == "follow-up" else None,
        "relation": h.channel if h.where == "family" else None,
        "line": h.line, "pinyin": h.pinyin,
    } for h in found.hits]


# ---------------------------------------------------------------------- tags & segments
def tags_table(counts: Iterable[tuple[str, int]], examples: dict[str, list[str]] | None = None) -> Table:
    from rich.table import Table

    table = Table(box=None, padding=(0, 2), pad_edge=False, header_style="bold")
    table.add_column(_("tag"), no_wrap=True)
    table.add_column(_("clients"), justify="right")
    if examples is not None:
        table.add_column(_("who"))
    for tag, n in counts:
        cells = [Text(tag), str(n)]
        if examples is not None:
            who = examples.get(tag, [])
            cells.append(Text("、".join(who[:5]) + ("…" if n > 5 else "")))
        table.add_row(*cells)
    return table


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """CSV for spreadsheets: a header line, one line per row, CRLF line ends (RFC 4180)."""
    buf = io.StringIO()
    import csv

    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def csv_file(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """:func:`csv_text` as a file for Excel: UTF-8 with a byte-order mark, without which
    Excel on a Traditional-Chinese Windows reads the bytes as Big5 and shows mojibake."""
    return csv_text(header, rows).encode("utf-8-sig")


def group(*parts) -> Group:
    from rich.console import Group

    return Group(*parts)


def list_json(clients: Iterable) -> list[dict]:
    """``rmn list --json``: a plain object per client (dates as ISO text already, so the
    JSON encoder runs in C without a call back per client)."""
    return [{"id": c.id, "name": c.name, "tier": c.tier, "status": c.status, "tags": c.tags,
             "last_contact": c.last_contact.isoformat() if c.last_contact else None,
             "risk": c.risk_profile, "children": c.children} for c in clients]


def client_grid(profiles: Iterable, today: date, style: str = "iso", width: int | None = None) -> Grid:
    """``rmn list``: id, name, tier, status, last contact and tags, one line per client
    (the same columns as the client table, drawn fast enough for a whole branch)."""
    from rmnotes.render.dates import show_date

    rows = []
    statuses = {s: tr(word(s)) for s in ("active", "prospect", "dormant", "closed")}
    lasts = {None: _("never")}  # the text of each last-contact day, made once: days repeat
    for p in profiles:
        last = lasts.get(p.last_contact)
        if last is None:
            last = lasts[p.last_contact] = _("{date} ({days}d)").format(
                date=show_date(p.last_contact, style), days=(today - p.last_contact).days)
        rows.append([p.id, p.name, p.tier or "", statuses.get(p.status, p.status), last, " ".join(p.tags)])
    return Grid([_("id"), _("name"), _("tier"), _("status"), _("last contact"), _("tags")], rows, "llllll",
                width=width)
