"""The asset review sheet for people and machines: a rich table for the terminal, JSON, the
two charts as PNG, and a one-page A4 PDF to send to the client.

The PDF and the charts speak the client's language (Traditional Chinese, Simplified for
CN/SG/MY vaults) with English section names beside; the terminal sheet is the manager's
and reads like the rest of the CLI. Everything here shows only what the
:class:`~rmnotes.domain.review.ReviewSheet` holds: that client's own numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from rmnotes.domain.money import pct_text
from rmnotes.domain.review import TYPE_ORDER, ReviewSheet, HoldingRow
from rmnotes.i18n import _, pgettext, tr
from rmnotes.render import redact
from rmnotes.render.charts import (ACCENT, INK, MUTED, NAVY, RULE, Bar, MixSlice, color_for,
                                   draw_history, draw_mix, history_figure, mix_figure, png_bytes)
from rmnotes.words import duration_word, frequency_word, word

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from rmnotes.render.fonts import FontSetup

HISTORY_BARS = 12  # the bar chart shows the last reviews only; JSON has them all


# ---- words ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Words:
    types: Mapping[str, str]
    kinds: Mapping[str, str]
    frequency: Mapping[str, str]
    terms: Mapping[str, str]
    risk_prefix: str

    def type(self, key: str) -> str:
        return self.types.get(key, key)

    def kind(self, key: str) -> str:
        return self.kinds.get(key, key)

    def __getitem__(self, key: str) -> str:
        return self.terms[key]


HANT = Words(
    types={"deposit": "存款", "fund": "基金", "stock": "股票", "bond": "債券", "wmp": "理財商品",
           "structured": "結構型商品", "insurance": "保險", "property": "不動產", "cash": "現金",
           "other": "其他", "mortgage": "房貸", "loan": "貸款"},
    kinds={"life": "壽險", "critical_illness": "重大疾病險", "medical": "醫療險", "accident": "意外險",
           "annuity": "年金險", "investment_linked": "投資型保單", "long_term_care": "長期照顧險",
           "other": "其他"},
    frequency={"annual": "年繳", "semiannual": "半年繳", "quarterly": "季繳", "monthly": "月繳",
               "single": "躉繳"},
    terms={
        "title": "資產回顧報告", "title_en": "Asset Review",
        "client": "客戶", "manager": "理財經理", "date": "報告日期", "risk_profile": "風險屬性",
        "total_assets": "總資產", "aum_ours": "本行資產", "liabilities": "負債",
        "net_worth": "淨資產", "change": "較上次回顧", "first": "首次回顧",
        "mix": "資產配置", "mix_en": "Asset mix", "history": "總資產走勢", "history_en": "Total assets",
        "holdings": "資產明細", "holdings_en": "Holdings",
        "c_name": "名稱", "c_type": "類別", "c_inst": "機構", "c_held": "持有期間", "c_risk": "風險",
        "c_value": "原幣金額", "c_base": "折合", "c_weight": "占比", "c_change": "較上次",
        "subtotal": "小計", "total": "合計",
        "protection": "保障摘要", "protection_en": "Protection",
        "p_name": "保單", "p_insurer": "保險公司", "p_kind": "險種", "p_insured": "被保險人",
        "p_sum": "保額", "p_premium": "保費", "p_ci": "重大疾病",
        "yes": "有", "no": "無", "self": "本人", "ours": "本行", "own": "自有", "new": "新增",
        "no_policies": "尚無保單紀錄", "no_assets": "尚無資產紀錄",
        "ci_yes": "重大疾病保障：已涵蓋", "ci_no": "重大疾病保障：尚未涵蓋，建議檢視",
        "unsuitable": "※ 商品風險等級高於客戶風險屬性（{profile}），請留意適合度",
        "removed": "上次回顧後已不再持有：{items}",
        "fx": "匯率（折合 {base}）：{rates}",
        "previous": "上次回顧 {date}",
        "disclaimer": "本報告依理財經理紀錄整理，僅供{name}本人參考，並非對帳單；實際金額以各機構對帳單為準。",
        "year": "年", "month": "個月", "under_month": "未滿1個月",
        "wan": "萬", "yi": "億", "now": "本次",
    },
    risk_prefix="RR",
)

# Hong Kong writes Traditional characters with words of its own (the zh_HK screens say the same)
HANT_HK = replace(
    HANT,
    types={**HANT.types, "wmp": "理財產品", "structured": "結構性產品", "property": "物業", "mortgage": "按揭"},
    kinds={**HANT.kinds, "life": "人壽保險", "critical_illness": "危疾保險", "medical": "醫療保險",
           "accident": "意外保險", "annuity": "年金保險", "investment_linked": "投資相連保險",
           "long_term_care": "長期護理保險"},
    frequency={**HANT.frequency, "single": "整付"},
    terms={**HANT.terms,
           "manager": "客戶經理", "risk_profile": "風險取向", "c_weight": "佔比", "p_insured": "受保人",
           "p_ci": "危疾", "ci_yes": "危疾保障：已涵蓋", "ci_no": "危疾保障：尚未涵蓋，建議檢視",
           "unsuitable": "※ 產品風險等級高於客戶風險取向（{profile}），請留意適合性",
           "disclaimer": "本報告依客戶經理紀錄整理，僅供{name}本人參考，並非結單；實際金額以各機構結單為準。"},
)

HANS = Words(
    types={"deposit": "存款", "fund": "基金", "stock": "股票", "bond": "债券", "wmp": "理财产品",
           "structured": "结构性产品", "insurance": "保险", "property": "房产", "cash": "现金",
           "other": "其他", "mortgage": "房贷", "loan": "贷款"},
    kinds={"life": "寿险", "critical_illness": "重疾险", "medical": "医疗险", "accident": "意外险",
           "annuity": "年金险", "investment_linked": "投资连结险", "long_term_care": "长期护理险",
           "other": "其他"},
    frequency={"annual": "年缴", "semiannual": "半年缴", "quarterly": "季缴", "monthly": "月缴",
               "single": "趸缴"},
    terms={
        "title": "资产回顾报告", "title_en": "Asset Review",
        "client": "客户", "manager": "理财经理", "date": "报告日期", "risk_profile": "风险等级",
        "total_assets": "总资产", "aum_ours": "本行资产", "liabilities": "负债",
        "net_worth": "净资产", "change": "较上次回顾", "first": "首次回顾",
        "mix": "资产配置", "mix_en": "Asset mix", "history": "总资产走势", "history_en": "Total assets",
        "holdings": "资产明细", "holdings_en": "Holdings",
        "c_name": "名称", "c_type": "类别", "c_inst": "机构", "c_held": "持有期限", "c_risk": "风险",
        "c_value": "原币金额", "c_base": "折合", "c_weight": "占比", "c_change": "较上次",
        "subtotal": "小计", "total": "合计",
        "protection": "保障摘要", "protection_en": "Protection",
        "p_name": "保单", "p_insurer": "保险公司", "p_kind": "险种", "p_insured": "被保险人",
        "p_sum": "保额", "p_premium": "保费", "p_ci": "重疾",
        "yes": "有", "no": "无", "self": "本人", "ours": "本行", "own": "自有", "new": "新增",
        "no_policies": "暂无保单记录", "no_assets": "暂无资产记录",
        "ci_yes": "重大疾病保障：已涵盖", "ci_no": "重大疾病保障：尚未涵盖，建议检视",
        "unsuitable": "※ 产品风险等级高于客户风险等级（{profile}），请留意适当性",
        "removed": "上次回顾后已不再持有：{items}",
        "fx": "汇率（折合 {base}）：{rates}",
        "previous": "上次回顾 {date}",
        "disclaimer": "本报告依理财经理记录整理，仅供{name}本人参考，并非对账单；实际金额以各机构对账单为准。",
        "year": "年", "month": "个月", "under_month": "不满1个月",
        "wan": "万", "yi": "亿", "now": "本次",
    },
    risk_prefix="R",
)



def words_for(region: str | None) -> Words:
    """The sheet's wording: the interface language's when it is Chinese (zh_CN: Simplified;
    zh_TW: Taiwan's; zh_HK: Hong Kong's), else the region's."""
    from rmnotes.i18n import language, region_language

    by_language = {"zh_TW": HANT, "zh_HK": HANT_HK, "zh_CN": HANS}
    return by_language.get(language()) or by_language[region_language(region)]


# ---- numbers -------------------------------------------------------------------------

def amount(value: Decimal | None) -> str:
    """``1234567`` -> ``1,234,567``; cents only when there are some."""
    if value is None:
        return "—"
    places = 0 if value == value.to_integral_value() else 2
    return f"{value:,.{places}f}"


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + amount(value)


def compact(value: Decimal, w: Words) -> str:
    """For charts: ``25400000`` -> ``2,540萬``; ``254000000`` -> ``2.54億``."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 100_000_000:
        return f"{sign}{v / 100_000_000:,.2f}{w['yi']}"
    if v >= 10_000:
        return f"{sign}{v / 10_000:,.0f}{w['wan']}"
    return f"{sign}{v:,.0f}"


def percent(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def held_text(row: HoldingRow, as_of: date, w: Words) -> str:
    if row.since is None or row.since > as_of:
        return ""
    months = (as_of.year - row.since.year) * 12 + as_of.month - row.since.month
    if as_of.day < row.since.day:
        months -= 1
    years, months = divmod(months, 12)
    if not years and not months:
        return w["under_month"]
    return (f"{years}{w['year']}" if years else "") + (f"{months}{w['month']}" if months else "")


def institution_text(row: HoldingRow, w: Words) -> str:
    if row.institution == "ours":
        return w["ours"]
    if row.institution == "self":
        return w["own"]
    return row.institution or ""


def change_text(row: HoldingRow, w: Words) -> str:
    if row.new:
        return w["new"]
    if row.change is None:
        return ""
    return signed(row.change) + pct_text(row.change_pct)


def ordered_rows(sheet: ReviewSheet) -> list[HoldingRow]:
    """Rows grouped by type (the order of the format's type list), file order within a type."""
    rank = {k: i for i, k in enumerate(TYPE_ORDER)}
    return sorted(sheet.rows, key=lambda r: rank.get(r.type, len(rank)))


# ---- JSON ----------------------------------------------------------------------------

def review_json(sheet: ReviewSheet) -> dict[str, Any]:
    """The sheet for machines (made JSON-ready by ``jsonout.plain``: Decimals stay exact)."""
    t = sheet.totals
    return {
        "client": sheet.client_id,
        "name": sheet.client_name,
        "as_of": sheet.as_of,
        "currency": sheet.currency,
        "risk_profile": sheet.risk_profile,
        "assets": [
            {"name": r.name, "type": r.type, "institution": r.institution, "since": r.since,
             "held": r.held, "maturity": r.maturity, "value": r.value, "currency": r.currency,
             "value_base": r.value_base, "weight": r.weight, "risk": r.risk,
             "suitable": r.suitable, "liability": r.is_liability, "previous": r.previous,
             "change": r.change, "change_pct": r.change_pct, "new": r.new}
            for r in sheet.rows
        ],
        "subtotals": [
            {"type": s.type, "count": s.count, "value_base": s.value_base, "weight": s.weight,
             "liability": s.is_liability}
            for s in sheet.subtotals
        ],
        "totals": {"assets": t.assets, "liabilities": t.liabilities, "net_worth": t.net_worth,
                   "aum_ours": t.aum, "previous": t.previous, "change": t.change,
                   "change_pct": t.change_pct},
        "last_review": sheet.last_review.date if sheet.last_review else None,
        "removed": [{"name": r.name, "previous": r.previous} for r in sheet.removed],
        "history": [{"date": h.date, "total": h.total, "recorded": h.recorded}
                    for h in sheet.history],
        "policies": [
            {"name": p.name, "insurer": p.insurer, "kind": p.kind, "insured": p.insured,
             "sum_assured": p.sum_assured, "premium": p.premium,
             "premium_frequency": p.premium_frequency, "currency": p.currency,
             "next_premium": p.next_premium, "critical_illness": p.critical_illness}
            for p in sheet.protection.policies
        ],
        "critical_illness_covered": sheet.protection.critical_illness,
        "pie": [{"key": s.key, "value": s.value, "share": s.share, "members": list(s.members)}
                for s in sheet.slices],
        "fx": dict(sheet.fx),
    }


# ---- terminal ------------------------------------------------------------------------

def review_console(sheet: ReviewSheet, width: int = 160, style: str = "iso"):
    """The sheet as rich renderables for the manager's terminal, its tables fitted to
    ``width`` cells: columns are dropped by rank (the change in percent first; the name,
    amount, currency and amount in the base currency never), no name or amount is cut."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from rmnotes.i18n import _
    from rmnotes.render.dates import show_date
    from rmnotes.render.fit import Column, fit_table

    def shown_amount(value: Decimal | None) -> str:  # an amount on the screen (--redact masks it)
        return redact.money(amount(value))

    def shown_signed(value: Decimal) -> str:
        return redact.money(signed(value))

    cur = sheet.currency
    t = sheet.totals
    head = Text(sheet.client_name, style="bold")
    head.append(f"  {sheet.client_id}", style="dim")
    head.append("   " + _("asset review {date}").format(date=show_date(sheet.as_of, style)))
    if sheet.risk_profile is not None:
        head.append(" · " + _("risk profile {profile}/5").format(profile=sheet.risk_profile))
    if sheet.last_review is not None:
        head.append(" · " + _("last review {date}").format(date=show_date(sheet.last_review.date, style)), style="dim")
    else:
        head.append(" · " + _("first review (no review recorded before)"), style="dim")

    # dropped highest rank first; the type stays longer than the weight (a loan must read as one)
    columns = (Column(pgettext("holding", "name"), fold_last=True), Column(_("type"), drop=3), Column(_("institution"), drop=5, short=_("inst.")),
               Column(_("held"), drop=6), Column(_("risk"), "right", drop=2), Column(_("value"), "right"),
               Column(""), Column(cur, "right"), Column(_("weight"), "right", drop=4, short=_("wt")),
               Column(_("change"), "right", drop=1), Column("%", "right", drop=7))
    rows: list[tuple] = []
    for r in ordered_rows(sheet):
        risk = Text(str(r.risk) if r.risk is not None else "")
        if r.suitable is False:
            risk = Text(f"{r.risk}!", style="bold red")
        if r.new:
            change, pct = Text(_("new"), style="cyan"), ""
        elif r.change is None:
            change, pct = Text(""), ""
        else:
            style = "green" if r.change > 0 else "red" if r.change < 0 else ""
            change = Text(shown_signed(r.change), style=style)
            pct = pct_text(r.change_pct).strip(" ()")
        name = Text(r.name, style="dim" if r.is_liability else "")
        rows.append((name, tr(word(r.type)), _institution(r.institution), tr(duration_word(r.held)), risk,
                     shown_amount(r.value), r.currency, shown_amount(r.value_base), percent(r.weight), change, pct))
    table = fit_table(columns, rows, width)

    subs = Table(box=None, padding=(0, 1), header_style="bold", title=_("by type"),
                 title_justify="left", title_style="bold")
    subs.add_column(_("type"))
    subs.add_column(_("items"), justify="right")
    subs.add_column(cur, justify="right")
    subs.add_column(_("weight"), justify="right")
    for s in sheet.subtotals:
        kind = tr(word(s.type))
        subs.add_row(_("{type} (liability)").format(type=kind) if s.is_liability else kind, str(s.count),
                     shown_amount(s.value_base), percent(s.weight))

    sums = Table.grid(padding=(0, 2))
    sums.add_column(style="bold")
    sums.add_column(justify="right")
    sums.add_column(style="dim")
    change = ""
    if t.change is not None:
        change = _("{change} since {date}").format(change=f"{shown_signed(t.change)}{pct_text(t.change_pct)}",
                                                  date=show_date(sheet.last_review.date, style))
    sums.add_row(_("total assets"), f"{shown_amount(t.assets)} {cur}", change)
    sums.add_row(_("at our bank"), f"{shown_amount(t.aum)} {cur}", "")
    sums.add_row(_("liabilities"), f"{shown_amount(t.liabilities)} {cur}", "")
    sums.add_row(_("net worth"), f"{shown_amount(t.net_worth)} {cur}", "")

    parts: list[Any] = [head, Text(""), table, Text(""), subs, Text(""), sums]
    notes = []
    if sheet.unsuitable:
        names = _(", ").join(_("{name} (risk {risk})").format(name=r.name, risk=r.risk) for r in sheet.unsuitable)
        notes.append(Text(_("! above the client's risk profile {profile}: {names}").format(
            profile=sheet.risk_profile, names=names), style="red"))
    if sheet.removed:
        names = _(", ").join(f"{r.name} ({shown_amount(r.previous)})" for r in sheet.removed)
        notes.append(Text(_("no longer held since {date}: {names}").format(
            date=show_date(sheet.last_review.date, style), names=names),
                          style="dim"))
    if sheet.fx:
        notes.append(Text(_("fx: {rates}").format(rates=_(", ").join(f"{c} {r}" for c, r in sheet.fx.items())),
                          style="dim"))
    if notes:
        parts += [Text(""), *notes]

    # the payment (躉繳, 月繳) and the kind stay longest: a single premium must not read as a yearly one
    pol_columns = (Column(_("policy"), fold_last=True), Column(_("insurer"), drop=4), Column(_("kind"), drop=2),
                   Column(_("insured"), drop=3), Column(_("sum assured"), "right", short=_("sum")),
                   Column(_("premium"), "right"), Column(pgettext("premium", "paid"), drop=1), Column(_("CI"), drop=5))
    pol_rows = []
    for p in sheet.protection.policies:
        premium = f"{shown_amount(p.premium)} {p.currency}" if p.premium is not None else ""
        pol_rows.append((p.name, p.insurer or "", tr(word(p.kind)), _insured(p.insured),
                         f"{shown_amount(p.sum_assured)} {p.currency}" if p.sum_assured is not None else "",
                         premium, frequency_word(p.premium_frequency), _("yes") if p.critical_illness else ""))
    pol = fit_table(pol_columns, pol_rows, width, title=_("protection"), title_justify="left",
                    title_style="bold")
    parts.append(Text(""))
    if sheet.protection.policies:
        parts.append(pol)
    ci = _("critical illness: covered") if sheet.protection.critical_illness else _("critical illness: NOT covered")
    parts.append(Text(ci, style="" if sheet.protection.critical_illness else "yellow"))
    return Group(*parts)


def _institution(institution: str | None) -> str:
    """``ours`` (this bank) and ``self`` (held by the client) as words; a bank's name as written."""
    if institution == "ours":
        return _("our bank")
    if institution == "self":
        return _("self-held")
    return institution or ""


def _insured(insured: str) -> str:
    return _("self") if insured in ("self", "") else insured


# ---- charts --------------------------------------------------------------------------

def mix_slices(sheet: ReviewSheet, w: Words) -> list[MixSlice]:
    return [MixSlice(w.type(s.key), s.value, s.share, color_for(s.key, i))
            for i, s in enumerate(sheet.slices)]


def history_bars(sheet: ReviewSheet, w: Words, limit: int = HISTORY_BARS) -> list[Bar]:
    points = sheet.history[-limit:]
    short = len(points) > 6  # many bars: "2026-11" fits under a bar without turning it

    def label(day: date) -> str:
        return f"{day.year}-{day.month:02d}" if short else day.isoformat()

    return [Bar(label(h.date) if h.recorded else f"{label(h.date)}\n{w['now']}", h.total, not h.recorded)
            for h in points]


def mix_center(sheet: ReviewSheet, w: Words) -> str:
    return f"{w['total_assets']}\n{compact(sheet.totals.assets, w)}\n{sheet.currency}"


@redact.for_a_file
def chart_pngs(sheet: ReviewSheet, fonts: FontSetup, region: str | None) -> dict[str, bytes]:
    """``{"mix": png, "history": png}``: the two charts as pictures."""
    w = words_for(region)
    fmt: Callable[[Decimal], str] = lambda v: compact(v, w)  # noqa: E731
    with _glyph_guard(fonts):
        mix = mix_figure(mix_slices(sheet, w), f"{w['mix']}  {w['mix_en']}", mix_center(sheet, w), fonts)
        hist = history_figure(history_bars(sheet, w),
                              f"{w['history']}  {w['history_en']} ({sheet.currency})", fmt, fonts)
        return {"mix": png_bytes(mix, fonts), "history": png_bytes(hist, fonts)}


def _glyph_guard(fonts: FontSetup):
    from contextlib import nullcontext

    from rmnotes.render.fonts import quiet_missing_glyphs

    return nullcontext() if fonts.has_cjk else quiet_missing_glyphs()


# ---- the PDF page --------------------------------------------------------------------

A4 = (8.27, 11.69)  # inches
LEFT, RIGHT = 0.06, 0.94


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """What the page says about itself: the manager (``owner``) and the region's words."""

    manager: str | None
    region: str | None


def page_text(sheet: ReviewSheet, info: PdfInfo) -> str:
    """Every character the PDF page of ``sheet`` may print, as a superset: each text the
    sheet holds, the manager's name, the region's words, ASCII and the signs the page
    uses (for :func:`rmnotes.render.fonts.cut_fonts`; a character missed here is still
    drawn, from the full font)."""
    import dataclasses
    import string

    texts: list[str] = [string.printable, "—·※…，、：（）%✓", info.manager or ""]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, Mapping):
            for k, v in value.items():
                walk(k)
                walk(v)

    walk(sheet)
    w = words_for(info.region)
    for table in (w.types, w.kinds, w.frequency, w.terms):
        texts.extend(table.values())
    texts.append(w.risk_prefix)
    return "".join(texts)


def review_pdfs(sheets: Sequence[ReviewSheet], fonts: FontSetup, info: PdfInfo) -> Iterator[bytes]:
    """The PDF of each sheet in turn, the CJK face cut once for all of them to the
    characters their pages print (:func:`rmnotes.render.fonts.cut_fonts`): what each PDF
    embeds is then subset from that small face, not from the whole font file."""
    import tempfile

    from rmnotes.render.fonts import cut_fonts

    with tempfile.TemporaryDirectory(prefix="rmn-fonts-") as folder:
        cut = cut_fonts(fonts, "".join(page_text(sheet, info) for sheet in sheets), folder)
        for sheet in sheets:
            yield review_pdf(sheet, cut, info)


@redact.for_a_file
def review_pdf(sheet: ReviewSheet, fonts: FontSetup, info: PdfInfo) -> bytes:
    """The one-page A4 review sheet: header, key figures, both charts, holdings, protection."""
    from matplotlib import rc_context

    with rc_context(fonts.rc(pdf=True)), _glyph_guard(fonts):
        fig = review_page(sheet, fonts, info)
        buf = io.BytesIO()
        w = words_for(info.region)
        fig.savefig(buf, format="pdf", facecolor="white", metadata={
            "Title": f"{sheet.client_name} {w['title']} {sheet.as_of.isoformat()}",
            "Author": info.manager or "",
            "Subject": w["title_en"],
            "Creator": "rmnotes",
            "CreationDate": None,  # identical bytes for identical input
        })
    return buf.getvalue()


@redact.for_a_file
def review_page(sheet: ReviewSheet, fonts: FontSetup, info: PdfInfo) -> Figure:
    """The page as a matplotlib Figure (call inside ``rc_context(fonts.rc(pdf=True))``)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    w = words_for(info.region)
    fig = Figure(figsize=A4, dpi=100, facecolor="white")
    t = sheet.totals
    cur = sheet.currency

    # header band
    fig.patches.append(Rectangle((0, 0.945), 1, 0.055, transform=fig.transFigure,
                                 facecolor=NAVY, edgecolor="none"))
    fig.text(LEFT, 0.9725, w["title"], fontsize=17, color="white", va="center", ha="left")
    fig.text(LEFT + 0.2, 0.9705, w["title_en"].upper(), fontsize=9, color="#c9d3e0",
             va="center", ha="left")
    fig.text(RIGHT, 0.9725, sheet.as_of.isoformat(), fontsize=11, color="white",
             va="center", ha="right")

    # who and when
    fig.text(LEFT, 0.915, f"{sheet.client_name}", fontsize=16, color=INK, va="center")
    meta = [f"{w['date']}  {sheet.as_of.isoformat()}"]
    if info.manager:
        meta.append(f"{w['manager']}  {info.manager}")
    if sheet.risk_profile is not None:
        meta.append(f"{w['risk_profile']}  {sheet.risk_profile} / 5")
    fig.text(RIGHT, 0.915, "    ".join(meta), fontsize=8.5, color=MUTED, va="center", ha="right")
    _rule(fig, 0.895)

    # key figures
    if t.change is not None:
        change_value = signed(t.change)
        change_note = w["previous"].format(date=sheet.last_review.date)
        if t.change_pct is not None:
            change_note = f"{t.change_pct:+.1f}%  ·  {sheet.last_review.date}"
    else:
        change_value, change_note = "—", w["first"]
    cards = [(w["total_assets"], amount(t.assets), cur), (w["aum_ours"], amount(t.aum), cur),
             (w["liabilities"], amount(t.liabilities), cur), (w["net_worth"], amount(t.net_worth), cur),
             (w["change"], change_value, change_note)]
    width = (RIGHT - LEFT) / len(cards)
    for i, (label, value, note) in enumerate(cards):
        x = LEFT + i * width
        fig.patches.append(Rectangle((x + 0.004, 0.823), width - 0.008, 0.062, transform=fig.transFigure,
                                     facecolor="#f3f5f8", edgecolor="none"))
        fig.patches.append(Rectangle((x + 0.004, 0.823), 0.003, 0.062, transform=fig.transFigure,
                                     facecolor=ACCENT if i == len(cards) - 1 else NAVY, edgecolor="none"))
        fig.text(x + 0.016, 0.870, label, fontsize=8, color=MUTED, va="center")
        fig.text(x + 0.016, 0.850, value, fontsize=10.5 if len(value) < 16 else 9, color=INK, va="center")
        fig.text(x + 0.016, 0.832, note, fontsize=6.5, color=MUTED, va="center")

    # charts: 0.20 of the page, down to 0.13 when a long list of holdings needs the room
    holdings = _holding_rows(sheet, w)
    policies = _policy_rows(sheet, w)
    need = (len(holdings) + len(policies) + 2) * ROW_H + TABLE_GAPS
    short = max(0.0, min(0.07, need - (0.565 - TABLES_BOTTOM)))
    scale = 1 - short / 0.20
    _heading(fig, 0.800, w["mix"], w["mix_en"])
    _heading(fig, 0.800, w["history"], f"{w['history_en']} ({cur})", x=0.53)
    pie_h = 0.185 * scale
    pie_ax = fig.add_axes((LEFT - 0.01, 0.785 - pie_h, 0.22, pie_h))
    draw_mix(pie_ax, mix_slices(sheet, w), mix_center(sheet, w), size=7.5 if scale > 0.8 else 6.5)
    bar_ax = fig.add_axes((0.585, 0.780 - 0.165 * scale, 0.355, 0.165 * scale))
    draw_history(bar_ax, history_bars(sheet, w), lambda v: compact(v, w), size=7.5, max_labels=6)

    # tables
    y = _tables(fig, sheet, w, holdings, policies, top=0.565 + short)

    # notes and footer
    notes = []
    if sheet.unsuitable:
        notes.append((w["unsuitable"].format(profile=sheet.risk_profile), ALERT))
    if sheet.removed:
        items = "、".join(f"{r.name}（{amount(r.previous)}）" for r in sheet.removed)
        notes.append((w["removed"].format(items=items), MUTED))
    if sheet.fx:
        rates = "、".join(f"1 {c} = {r} {cur}" for c, r in sheet.fx.items())
        notes.append((w["fx"].format(base=cur, rates=rates), MUTED))
    ny = y - 0.018
    for text, color in notes:
        fig.text(LEFT, ny, text, fontsize=7, color=color, va="center")
        ny -= 0.014
    _rule(fig, 0.045)
    fig.text(LEFT, 0.032, w["disclaimer"].format(name=sheet.client_name), fontsize=6.5,
             color=MUTED, va="center")
    fig.text(RIGHT, 0.018, "1 / 1", fontsize=6.5, color=MUTED, va="center", ha="right")
    return fig


def _rule(fig, y: float, color: str = RULE, x0: float = LEFT, x1: float = RIGHT) -> None:
    from matplotlib.lines import Line2D

    fig.lines.append(Line2D([x0, x1], [y, y], transform=fig.transFigure, color=color, linewidth=0.6))


@dataclass(frozen=True, slots=True)
class _Col:
    title: str
    width: float  # share of the text width
    align: str = "left"
    signed: bool = False  # color + green and - red


def _text_width(text: str, size: float) -> float:
    """Rough width of ``text`` at ``size`` points, as a fraction of the A4 page width."""
    points = sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)
    return points / 72 / A4[0]


def _heading(fig, y: float, title: str, title_en: str, x: float = LEFT) -> None:
    fig.text(x, y, title, fontsize=10.5, color=NAVY, va="center")
    fig.text(x + _text_width(title, 10.5) + 0.012, y, title_en, fontsize=7.5, color=MUTED, va="center")


def _table(fig, cols: Sequence[_Col], rows: Sequence[tuple[str, Sequence[str]]],
           top: float, row_h: float, size: float) -> float:
    """Draw a table whose header row is centred on ``top``; rows are (kind, cells) with kind
    ``row``, ``sub`` (a subtotal), ``total`` or ``liability``. Returns the y below it."""
    from matplotlib.patches import Rectangle

    span = RIGHT - LEFT
    xs, x = [], LEFT
    for c in cols:
        xs.append(x)
        x += c.width * span

    def band(y: float, color: str) -> None:
        fig.patches.append(Rectangle((LEFT, y - row_h / 2), span, row_h, transform=fig.transFigure,
                                     facecolor=color, edgecolor="none"))

    y = top
    band(y, NAVY)
    for c, x0 in zip(cols, xs):
        _cell(fig, c, x0, y, c.title, size, "white")
    stripe = 0
    for kind, cells in rows:
        y -= row_h
        if kind in ("row", "liability"):
            stripe += 1
            if stripe % 2 == 0:
                band(y, "#f6f8fa")
        elif kind == "sub":
            band(y, "#edf1f5")
            stripe = 0
        elif kind == "total":
            _rule(fig, y + row_h / 2, NAVY)
            stripe = 0
        for c, x0, text in zip(cols, xs, cells):
            color = MUTED if kind == "liability" else INK
            if text.endswith(FLAG):
                color = ALERT
            elif c.signed and kind == "row" and text[:1] in ("+", "-"):
                color = UP if text[0] == "+" else ALERT
            _cell(fig, c, x0, y, text, size + (0.6 if kind == "total" else 0), color)
    _rule(fig, y - row_h / 2, RULE)
    return y - row_h / 2


def _cell(fig, col: _Col, x0: float, y: float, text: str, size: float, color: str) -> None:
    if not text:
        return
    span = RIGHT - LEFT
    pad = 0.006
    if col.align == "right":
        x, ha = x0 + col.width * span - pad, "right"
    elif col.align == "center":
        x, ha = x0 + col.width * span / 2, "center"
    else:
        x, ha = x0 + pad, "left"
    lines, size = _fit(text, size, col.width * span - 2 * pad)
    fig.text(x, y, "\n".join(lines), fontsize=size, color=color, va="center", ha=ha, linespacing=1.0)


SMALLEST = 0.8  # a cell's text shrinks to this share of its size before it takes two lines
TWO_LINES = 0.74  # the size of each of two lines, as a share of the cell's size


def _fit(text: str, size: float, room: float) -> tuple[list[str], float]:
    """``text`` as the lines and size that fit ``room`` (a share of the page width): as it
    is; else smaller; else on two lines, smaller still, the second cut with an ellipsis if
    it must be. A long fund name never runs over the next column."""
    width = _text_width(text, size)
    if width <= room:
        return [text], size
    if width * SMALLEST <= room:
        return [text], size * room / width
    small = size * TWO_LINES
    first = _longest(text, small, room)
    rest = text[len(first):].lstrip()
    if not rest:  # it fits one line at the size of two
        return [text], small
    second = _longest(rest, small, room)
    if second != rest:
        second = _longest(rest, small, room - _text_width("…", small)).rstrip() + "…"
    return [first.rstrip(), second], small


def _longest(text: str, size: float, room: float) -> str:
    """The longest start of ``text`` that fits ``room``, broken after a space or a
    separator where one is near the end, else after any character."""
    n = 0
    while n < len(text) and _text_width(text[:n + 1], size) <= room:
        n += 1
    if n == len(text):
        return text
    after = max(text.rfind(sep, 0, n) + 1 for sep in (" ", "-", "/", "、"))  # breaks after these
    before = max(text.rfind(sep, 1, n + 1) for sep in ("(", "（"))  # and before these
    cut = max(after, before)
    return text[:cut] if cut >= n * 2 // 3 else text[:n]


ALERT = "#a23b2a"
FLAG = "※"  # the reference mark of Chinese documents: see the footnote
UP = "#2a7f4e"
ROW_H = 0.0165  # a comfortable row: about 14 points on A4
TABLES_BOTTOM = 0.10  # the notes and the footer live below
TABLE_GAPS = 0.028 + 0.040 + 0.028 + 0.016  # headings, the space between the tables, the CI line


def _holding_rows(sheet: ReviewSheet, w: Words, subtotals: bool = True) -> list[tuple[str, Sequence[str]]]:
    cur = sheet.currency

    def line(r: HoldingRow, kind: str) -> tuple[str, Sequence[str]]:
        risk = ""
        if r.risk is not None:
            risk = f"{w.risk_prefix}{r.risk}" + (f" {FLAG}" if r.suitable is False else "")
        # the amount in its own currency only when that is not the base currency
        value = f"{amount(r.value)} {r.currency}" if r.currency != cur and r.value is not None else ""
        return (kind, [r.name, w.type(r.type), institution_text(r, w), held_text(r, sheet.as_of, w),
                       risk, value, amount(r.value_base), percent(r.weight), change_text(r, w)])

    rows: list[tuple[str, Sequence[str]]] = []
    by_type = {s.type: s for s in sheet.subtotals}
    groups: dict[str, list[HoldingRow]] = {}
    for r in ordered_rows(sheet):
        groups.setdefault(r.type, []).append(r)
    assets = [(k, g) for k, g in groups.items() if not g[0].is_liability]
    debts = [(k, g) for k, g in groups.items() if g[0].is_liability]
    if not assets:
        rows.append(("row", [w["no_assets"], "", "", "", "", "", "", "", ""]))
    for kind, group in assets:
        rows += [line(r, "row") for r in group]
        if subtotals and len(group) > 1:
            s = by_type[kind]
            rows.append(("sub", [f"{w.type(kind)}{w['subtotal']}", "", "", "", "", "",
                                 amount(s.value_base), percent(s.weight), ""]))
    t = sheet.totals
    change = signed(t.change) + pct_text(t.change_pct) if t.change is not None else ""
    rows.append(("total", [w["total_assets"], "", "", "", "", "", amount(t.assets),
                           "100%" if t.assets else "", change]))
    if debts:
        for _kind, group in debts:
            rows += [line(r, "liability") for r in group]
        rows.append(("total", [w["net_worth"], "", "", "", "", "", amount(t.net_worth), "", ""]))
    return rows


def _policy_rows(sheet: ReviewSheet, w: Words) -> list[tuple[str, Sequence[str]]]:
    rows: list[tuple[str, Sequence[str]]] = []
    for p in sheet.protection.policies:
        def money(v: Decimal | None, cur: str = p.currency) -> str:
            return "" if v is None else amount(v) + (f" {cur}" if cur != sheet.currency else "")

        premium = money(p.premium)
        if premium:
            premium += f" {w.frequency.get(p.premium_frequency, p.premium_frequency)}"
        rows.append(("row", [p.name, p.insurer or "", w.kind(p.kind),
                             w["self"] if p.insured == "self" else p.insured,
                             money(p.sum_assured), premium, "✓" if p.critical_illness else ""]))
    if not rows:
        rows.append(("row", [w["no_policies"], "", "", "", "", "", ""]))
    return rows


def _tables(fig, sheet: ReviewSheet, w: Words, holdings: list, policies: list, top: float) -> float:
    """Holdings, then protection; rows shrink together when a long list must fit the page."""
    cur = sheet.currency
    room = top - TABLES_BOTTOM - TABLE_GAPS
    count = len(holdings) + len(policies) + 2
    if room / count < ROW_H * 0.8:  # a long list: the pie already shows the types' shares
        holdings = _holding_rows(sheet, w, subtotals=False)
        count = len(holdings) + len(policies) + 2
    row_h = min(ROW_H, room / count)
    size = max(4.0, min(7.5, row_h * A4[1] * 72 * 0.64))  # text fills about 2/3 of a row

    _heading(fig, top, w["holdings"], w["holdings_en"])
    cols = [_Col(w["c_name"], 0.19), _Col(w["c_type"], 0.085), _Col(w["c_inst"], 0.09),
            _Col(w["c_held"], 0.09), _Col(w["c_risk"], 0.055, "center"),
            _Col(w["c_value"], 0.13, "right"), _Col(f"{w['c_base']} {cur}", 0.12, "right"),
            _Col(w["c_weight"], 0.07, "right"), _Col(w["c_change"], 0.17, "right", signed=True)]
    y = _table(fig, cols, holdings, top - 0.028, row_h, size)

    y -= 0.040
    _heading(fig, y, w["protection"], w["protection_en"])
    cols = [_Col(w["p_name"], 0.22), _Col(w["p_insurer"], 0.14), _Col(w["p_kind"], 0.13),
            _Col(w["p_insured"], 0.11), _Col(w["p_sum"], 0.16, "right"),
            _Col(w["p_premium"], 0.16, "right"), _Col(w["p_ci"], 0.08, "center")]
    y = _table(fig, cols, policies, y - 0.028, row_h, size)
    covered = sheet.protection.critical_illness
    y -= 0.016
    fig.text(LEFT, y, w["ci_yes"] if covered else w["ci_no"], fontsize=7.5,
             color=INK if covered else ALERT, va="center")
    return y
