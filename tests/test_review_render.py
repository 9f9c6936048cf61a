"""The review rendered: PNG charts and the one-page PDF opened and read back (poppler's
pdfinfo/pdftotext/pdffonts), fonts chosen from what is installed, no missing glyphs."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import textwrap
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

# Load matplotlib's font list from the normal cache now, before the per-test HOME isolation,
# so that the run does not rebuild it in every temporary home.
import matplotlib.font_manager  # noqa: F401,E402

from rmnotes.config import Config
from rmnotes.domain.review import build_review
from rmnotes.parse.client import parse_client
from rmnotes.render.fonts import INSTALL_HINT, CJKFace, choose, is_truetype, setup_fonts
from rmnotes.render.review import (PdfInfo, chart_pngs, compact, held_text, review_pdf,
                                   words_for)

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")

CONFIG = Config(owner="陳經理", base_currency="TWD", fx={"USD": Decimal("31.2")}, region="TW")
TODAY = date(2026, 11, 28)
ASSETS = ("台幣定存", "富邦台灣科技基金", "美元結構型商品", "西屯自宅", "房貸")

CLIENT = textwrap.dedent("""\
    ---
    name: 王偉
    risk: {profile: 3}
    assets:
      - {name: 台幣定存, type: deposit, institution: ours, value: 3000000, since: 2024-01-15, risk: 1}
      - {name: 富邦台灣科技基金, type: fund, institution: ours, value: 1200000, since: 2021-05-10, risk: 4}
      - {name: 美元結構型商品, type: structured, institution: ours, value: 20000, currency: USD, risk: 4}
      - {name: 西屯自宅, type: property, institution: self, value: 18000000}
      - {name: 房貸, type: mortgage, institution: 國泰世華, value: 6500000}
    policies:
      - {name: 終身壽險, insurer: 富邦人壽, kind: life, sum_assured: 5000000, premium: 120000}
    ---

    ## Log
    - 2025-11-05 M 資產回顧
      review:
        total: 20000000
        assets: {台幣定存: 2800000, 富邦台灣科技基金: 1000000, 西屯自宅: 16200000, 房貸: 6900000}
    - 2026-05-05 M 資產回顧
      review:
        total: 21500000
        assets: {台幣定存: 3000000, 富邦台灣科技基金: 1100000, 西屯自宅: 17400000, 房貸: 6700000}
""")


@pytest.fixture(scope="module")
def sheet():
    parsed = parse_client(CLIENT, "clients/wang-wei.md")
    assert parsed.client is not None, parsed.errors
    return build_review(parsed.client, CONFIG, TODAY)


@pytest.fixture(scope="module")
def fonts():
    setup = setup_fonts("TW")
    if not setup.has_cjk:
        pytest.skip("no CJK font installed (install fonts-noto-cjk or fonts-wqy-microhei)")
    return setup


def _quietly(make):
    """Run ``make()``, returning its result and every warning or matplotlib log record."""
    records: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    log = logging.getLogger("matplotlib")
    log.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = make()
    finally:
        log.removeHandler(handler)
    return result, records + [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def pdf(sheet, fonts, tmp_path_factory) -> tuple[Path, list[str]]:
    data, noise = _quietly(lambda: review_pdf(sheet, fonts, PdfInfo("陳經理", "TW")))
    path = tmp_path_factory.mktemp("pdf") / "review.pdf"
    path.write_bytes(data)
    return path, noise


def poppler(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True)


def test_pngs_open_at_their_size_without_missing_glyphs(sheet, fonts):
    from PIL import Image

    pngs, noise = _quietly(lambda: chart_pngs(sheet, fonts, "TW"))
    assert noise == []
    assert sorted(pngs) == ["history", "mix"]
    for data in pngs.values():
        with Image.open(io.BytesIO(data)) as img:
            assert img.format == "PNG"
            assert img.size == (960, 540)  # 6.4 x 3.6 inches at 150 dpi
            colors = img.convert("RGB").getcolors(maxcolors=1_000_000)
            assert colors is not None and len(colors) > 50  # drawn, not blank


@needs_poppler
def test_pdf_is_one_a4_page(pdf):
    path, noise = pdf
    assert noise == []  # no "Glyph ... missing from font(s)", no findfont fallbacks
    assert path.read_bytes().startswith(b"%PDF")
    info = poppler("pdfinfo", str(path))
    assert "Pages:           1" in info.stdout
    assert "(A4)" in info.stdout
    assert "王偉 資產回顧報告 2026-11-28" in info.stdout  # the title
    assert info.stderr == ""


@needs_poppler
def test_pdf_text_is_searchable_chinese(pdf):
    path, _ = pdf
    out = poppler("pdftotext", "-layout", str(path), "-")
    assert out.stderr == ""  # no "Syntax Warning: Mismatch between font type and embedded font file"
    text = out.stdout
    for expected in ("王偉", "陳經理", "資產回顧報告", "資產明細", "保障摘要", "終身壽險", "富邦人壽",
                     "22,824,000", "624,000", "20,000 USD", "RR4 ※", "+600,000", "+1,324,000", "新增", *ASSETS):
        assert expected in text, expected


@needs_poppler
def test_pdf_fonts_are_embedded_as_their_own_type(pdf, fonts):
    path, _ = pdf
    out = poppler("pdffonts", str(path))
    lines = out.stdout.splitlines()[2:]
    assert lines, out.stdout
    for line in lines:
        assert " yes yes yes " in line, line  # embedded, subset, with a Unicode map
        assert ("CID TrueType" if fonts.pdf_fonttype == 42 else "Type 3") in line, line
    assert out.stderr == ""


@needs_poppler
def test_pdf_renders_without_complaints(pdf, tmp_path):
    path, _ = pdf
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    out = subprocess.run(["pdftoppm", "-png", "-r", "20", str(path), str(tmp_path / "page")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""
    assert (tmp_path / "page-1.png").is_file()


@needs_poppler
def test_only_cff_fonts_embed_as_type3_and_stay_searchable(sheet, tmp_path):
    """Noto Sans CJK is CFF-flavoured: embedded as TrueType it would be the wrong font type."""
    noto = [f for f in setup_fonts("TW").faces if not f.truetype]
    if not noto:
        pytest.skip("no CFF-flavoured CJK font installed")
    only_cff = choose(noto, "TW")
    assert only_cff.pdf_fonttype == 3
    data, noise = _quietly(lambda: review_pdf(sheet, only_cff, PdfInfo("陳經理", "TW")))
    assert noise == []
    path = tmp_path / "type3.pdf"
    path.write_bytes(data)
    text = poppler("pdftotext", str(path), "-")
    assert text.stderr == "" and "王偉" in text.stdout and "富邦台灣科技基金" in text.stdout
    assert "Type 3" in poppler("pdffonts", str(path)).stdout


def test_without_a_cjk_font_one_hint_and_no_glyph_warnings(sheet):
    bare = choose([], "TW")
    assert bare.warning == INSTALL_HINT and "fonts-noto-cjk" in bare.warning
    assert bare.families == ("DejaVu Sans",) and not bare.has_cjk
    pngs, noise = _quietly(lambda: chart_pngs(sheet, bare, "TW"))
    assert noise == []  # the user was told once; matplotlib does not add one line per glyph
    assert set(pngs) == {"mix", "history"}


NOTO_TC = CJKFace("Noto Sans CJK TC", "/f/NotoSansCJK-Regular.ttc", 3, "TC", False)
NOTO_HK = CJKFace("Noto Sans CJK HK", "/f/NotoSansCJK-Regular.ttc", 4, "HK", False)
NOTO_SC = CJKFace("Noto Sans CJK SC", "/f/NotoSansCJK-Regular.ttc", 2, "SC", False)
WQY = CJKFace("WenQuanYi Micro Hei", "/f/wqy-microhei.ttc", 0, "any", True)


def test_region_picks_the_glyph_forms_and_the_pdf_picks_truetype():
    faces = [WQY, NOTO_SC, NOTO_HK, NOTO_TC]
    tw = choose(faces, "TW")
    # the fallback face comes from another file: a collection's faces cover the same characters
    assert tw.families == ("Noto Sans CJK TC", "WenQuanYi Micro Hei", "DejaVu Sans")
    assert [f.family for f in tw.faces] == ["Noto Sans CJK TC", "Noto Sans CJK HK",
                                            "WenQuanYi Micro Hei", "Noto Sans CJK SC"]
    assert tw.pdf_families == ("WenQuanYi Micro Hei", "DejaVu Sans") and tw.pdf_fonttype == 42
    assert tw.rc(pdf=True)["ps.fonttype"] == 42  # one font subset per font (see FontSetup.rc)
    assert choose(faces, "HK").families[0] == "Noto Sans CJK HK"
    assert choose(faces, "CN").families == ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans")
    assert choose(faces, None).families[0] == "Noto Sans CJK TC"
    cff = choose([NOTO_SC, NOTO_TC], "TW")
    assert cff.pdf_fonttype == 3 and cff.pdf_families[0] == "Noto Sans CJK TC"
    assert choose([WQY], "TW").families == ("WenQuanYi Micro Hei", "DejaVu Sans")


@pytest.mark.parametrize("path,truetype", [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", True),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", False),
])
def test_outline_kind_is_read_from_the_file(path, truetype):
    if not Path(path).is_file():
        pytest.skip(f"{path} not installed")
    assert is_truetype(path, 0) is truetype
    assert is_truetype(path, 99) is False
    assert is_truetype("/no/such/font.ttf") is False


def test_words_and_numbers():
    w = words_for("TW")
    assert compact(Decimal(25400000), w) == "2,540萬"
    assert compact(Decimal(254000000), w) == "2.54億"
    assert compact(Decimal(-9000), w) == "-9,000"
    assert words_for("CN")["title"] == "资产回顾报告" and words_for("HK")["title"] == "資產回顧報告"
    assert compact(Decimal(25400000), words_for("CN")) == "2,540万"


def test_held_text_in_chinese(sheet):
    rows = {r.name: r for r in sheet.rows}
    w = words_for("TW")
    assert held_text(rows["台幣定存"], TODAY, w) == "2年10個月"
    assert held_text(rows["西屯自宅"], TODAY, w) == ""


def test_bar_labels_are_dates_then_months_when_there_are_many(sheet):
    from dataclasses import replace

    from rmnotes.domain.review import HistoryPoint
    from rmnotes.render.review import history_bars

    w = words_for("TW")
    assert [b.label for b in history_bars(sheet, w)] == ["2025-11-05", "2026-05-05", "2026-11-28\n本次"]
    many = replace(sheet, history=tuple(HistoryPoint(date(2020 + i, 1, 15), Decimal(i), True) for i in range(14))
                   + (HistoryPoint(TODAY, Decimal(99), False),))
    bars = history_bars(many, w)
    assert len(bars) == 12 and bars[0].label == "2023-01" and bars[-1].label == "2026-11\n本次"
    assert [b.current for b in bars] == [False] * 11 + [True]


def test_a_long_name_stays_in_its_column(fonts):
    """A fund's full name, an institution's: smaller, or on two lines, never over the next
    column (measured on the page as matplotlib lays it out)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from rmnotes.render.review import review_page

    long = CLIENT.replace("assets:\n", "assets:\n"
                          "  - {name: 安聯收益成長基金-AM穩定月收類股(美元)避險級別, type: fund, institution: ours, "
                          "value: 50000, currency: USD, risk: 4}\n"
                          "  - {name: 摩根士丹利環球可持續發展股票基金累積型新台幣計價, type: fund, "
                          "institution: 摩根士丹利證券投資信託股份有限公司, value: 1234567, risk: 5}\n", 1)
    parsed = parse_client(long, "clients/wang-wei.md")
    w = words_for("TW")
    with rc_context(fonts.rc(pdf=True)):
        fig = review_page(build_review(parsed.client, CONFIG, TODAY), fonts, PdfInfo("陳經理", "TW"))
        renderer = FigureCanvasAgg(fig).get_renderer()

        def edge(start: str, side: str) -> float:
            text = next(t for t in fig.texts if t.get_text().startswith(start))
            return getattr(text.get_window_extent(renderer), side)

        for name in ("安聯收益", "摩根士丹利環球"):
            assert edge(name, "x1") < edge(w["c_type"], "x0"), name
        assert edge("摩根士丹利證券", "x1") < edge(w["c_held"], "x0")
        shown = " ".join(t.get_text() for t in fig.texts)
        assert "避險級別" in shown and "新台幣計價" in shown  # the names kept whole, on two lines


def test_a_hong_kong_sheet_says_hong_kongs_words(fonts):
    """The page a Hong Kong manager sends says 按揭, 物業, 人壽保險 and 客戶經理, as their
    screens do, not Taiwan's 房貸 (here only the holding's own name), 不動產 and 理財經理."""
    from matplotlib import rc_context

    from rmnotes import i18n
    from rmnotes.render.review import HANT, HANT_HK, review_page

    parsed = parse_client(CLIENT, "clients/wang-wei.md")
    with rc_context(fonts.rc(pdf=True)):
        fig = review_page(build_review(parsed.client, CONFIG, TODAY), fonts, PdfInfo("陳經理", "HK"))
    shown = " ".join(t.get_text() for t in fig.texts)
    for word in ("按揭", "物業", "人壽保險", "客戶經理", "風險取向", "結構性產品"):
        assert word in shown, word
    for word in ("不動產", "理財經理", "風險屬性", "重大疾病"):
        assert word not in shown, word
    with i18n.speaking("zh_HK"):  # a Hong Kong interface over a Taiwan vault: its own words
        assert words_for("TW") is HANT_HK
    with i18n.speaking("zh_TW"):
        assert words_for("HK") is HANT


def test_a_cell_that_fits_one_line_at_the_smaller_size_is_one_line():
    from rmnotes.render.review import _fit, _text_width

    text = "富蘭克林坦伯頓全球債券基金"
    for share in (1.2, 1.3, 1.34, 1.6, 3.0):
        lines, size = _fit(text, 8, _text_width(text, 8) / share)
        assert all(lines) and size < 8, (share, lines)
        assert "".join(lines).replace("…", "") in text or lines[-1].endswith("…")
