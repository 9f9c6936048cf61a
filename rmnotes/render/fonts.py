"""Chinese text in charts and PDFs: find the CJK fonts that are installed and tell
matplotlib to fall back to them glyph by glyph.

matplotlib (3.6+) walks ``font.family`` for each glyph, so the family list is
``[Latin face, CJK faces...]``. Its font list is cached on disk; a font installed after the
cache was built is not in it, so the few well-known CJK font files are registered with
``fontManager.addfont`` when the cache lacks them (a stat per known path and an open per
missing file: no directory scan).

Two rankings:

- for pictures (PNG), the face whose glyph forms match the region (Traditional for TW, HK
  and MO; Simplified for CN and SG);
- for the PDF, a face with TrueType outlines first, since matplotlib embeds fonts as
  TrueType (``pdf.fonttype`` 42) and a CFF-flavoured OpenType face such as Noto Sans CJK
  would be embedded under the wrong font type. With only CFF faces installed the PDF
  uses Type 3 fonts, which embed correctly and stay searchable.

matplotlib is imported inside :func:`setup_fonts` only.
"""

from __future__ import annotations

import os
import struct
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator

from rmnotes.i18n import SIMPLIFIED_REGIONS

LATIN = "DejaVu Sans"
INSTALL_HINT = (
    "no Chinese font is installed, so Chinese text in the charts would show as empty boxes; "
    "install one and run again (Debian/Ubuntu: 'sudo apt-get install fonts-noto-cjk', or the "
    "small 'fonts-wqy-microhei'; Fedora: 'google-noto-sans-cjk-fonts'; macOS and Windows "
    "include one)"
)


# Family name -> the glyph forms it draws: TC (Traditional, Taiwan), HK, SC (Simplified),
# JP/KR (Han forms of Japan/Korea: a last resort), "any" (covers both without a regional
# preference). Order is the tie-break.
KNOWN_FAMILIES: tuple[tuple[str, str], ...] = (
    ("Noto Sans CJK TC", "TC"), ("Noto Sans CJK HK", "HK"), ("Noto Sans CJK SC", "SC"),
    ("Noto Sans TC", "TC"), ("Noto Sans HK", "HK"), ("Noto Sans SC", "SC"),
    ("Source Han Sans TC", "TC"), ("Source Han Sans TW", "TC"), ("Source Han Sans HK", "HK"),
    ("Source Han Sans SC", "SC"), ("Source Han Sans CN", "SC"),
    ("Microsoft JhengHei", "TC"), ("Microsoft YaHei", "SC"),
    ("PingFang TC", "TC"), ("PingFang HK", "HK"), ("PingFang SC", "SC"),
    ("Heiti TC", "TC"), ("Heiti SC", "SC"), ("Hiragino Sans GB", "SC"),
    ("WenQuanYi Micro Hei", "any"), ("WenQuanYi Zen Hei", "any"), ("Droid Sans Fallback", "any"),
    ("AR PL UMing TW", "TC"), ("AR PL UMing HK", "HK"), ("AR PL UMing CN", "SC"),
    ("PMingLiU", "TC"), ("MingLiU", "TC"), ("SimHei", "SC"), ("SimSun", "SC"),
    ("Noto Serif CJK TC", "TC"), ("Noto Serif CJK SC", "SC"),
    ("Noto Sans CJK JP", "JP"), ("Noto Sans CJK KR", "KR"),
)

# Well-known files of those families (Debian/Ubuntu, Fedora/Arch, macOS, Windows), plus the
# same file names in the user's own font folders.
KNOWN_FILES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msjh.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/mingliu.ttc",
)
USER_FONT_DIRS: tuple[str, ...] = ("~/.local/share/fonts", "~/.fonts", "~/Library/Fonts")

MAX_FALLBACK = 2

_RANK = {  # region preference -> order of glyph forms
    "TC": ("TC", "HK", "any", "SC", "JP", "KR"),
    "HK": ("HK", "TC", "any", "SC", "JP", "KR"),
    "SC": ("SC", "any", "TC", "HK", "JP", "KR"),
}


@dataclass(frozen=True, slots=True)
class CJKFace:
    family: str
    path: str
    index: int  # face index inside a .ttc collection
    forms: str  # TC | HK | SC | JP | KR | any
    truetype: bool  # TrueType (glyf) outlines: embeds as TrueType in a PDF


@dataclass(frozen=True, slots=True)
class FontSetup:
    """What to tell matplotlib: ``families`` for PNG, ``pdf_families`` and ``pdf_fonttype``
    for the PDF; ``warning`` (once, on stderr) when no CJK font is installed."""

    faces: tuple[CJKFace, ...]
    families: tuple[str, ...]
    pdf_families: tuple[str, ...]
    pdf_fonttype: int
    warning: str | None = None

    @property
    def has_cjk(self) -> bool:
        return bool(self.faces)

    def rc(self, pdf: bool = False) -> dict:
        """rcParams for ``matplotlib.rc_context``."""
        return {
            "font.family": list(self.pdf_families if pdf else self.families),
            "pdf.fonttype": self.pdf_fonttype,
            # matplotlib sizes the PDF's font subsets by ps.fonttype: at its default (3) every
            # character beyond Latin-1 starts a second subset, so the CJK font would be
            # subsetted and embedded twice. The same type keeps one subset per font.
            "ps.fonttype": self.pdf_fonttype,
            "axes.unicode_minus": False,
            # text as written: a holding named "US$ 定存 轉 NT$ 定存" is not a formula
            "text.parse_math": False,
        }


def preferred_forms(region: str | None) -> str:
    region = (region or "").upper()
    if region in SIMPLIFIED_REGIONS:
        return "SC"
    if region == "HK" or region == "MO":
        return "HK"
    return "TC"  # TW, and the default of a vault made for Taiwan


def choose(faces: Iterable[CJKFace], region: str | None) -> FontSetup:
    """Rank the installed CJK ``faces`` for ``region``. Pure: the tests feed it any list."""
    order = _RANK[preferred_forms(region)]
    known = [f for f, _ in KNOWN_FAMILIES]
    unique: dict[str, CJKFace] = {}
    for face in faces:
        unique.setdefault(face.family, face)

    def picture_key(f: CJKFace):  # sans before serif, then the region's glyph forms
        serif = any(w in f.family for w in ("Serif", "Ming", "Song", "Sun"))
        return (serif, order.index(f.forms) if f.forms in order else len(order),
                known.index(f.family) if f.family in known else len(known))

    ranked = sorted(unique.values(), key=picture_key)
    if not ranked:
        return FontSetup((), (LATIN,), (LATIN,), 42, INSTALL_HINT)
    for_pdf = sorted(ranked, key=lambda f: (not f.truetype, picture_key(f)))
    fonttype = 42 if for_pdf[0].truetype else 3
    if fonttype == 42:  # never embed a CFF face as TrueType: keep the TrueType ones only
        for_pdf = [f for f in for_pdf if f.truetype]
    return FontSetup(
        faces=tuple(ranked),
        families=(*_fallback(ranked), LATIN),
        pdf_families=(*_fallback(for_pdf), LATIN),
        pdf_fonttype=fonttype,
    )


def _fallback(ranked: list[CJKFace]) -> list[str]:
    """The best face, then the best one from another file (faces of one collection cover
    the same characters); each family in the list costs a lookup per text, so no more."""
    out = [ranked[0]]
    for face in ranked[1:]:
        if len(out) == MAX_FALLBACK:
            break
        if all(face.path != o.path for o in out):
            out.append(face)
    return [f.family for f in out]


_FORMS = dict(KNOWN_FAMILIES)


def is_truetype(path: str, index: int = 0) -> bool:
    """True when face ``index`` of the font file has TrueType outlines (not CFF), read from
    the file's header: a few bytes, no font library."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if index >= count:
                    return False
                f.seek(12 + 4 * index)
                offset = struct.unpack(">I", f.read(4))[0]
                f.seek(offset)
                head = f.read(4)
            return head[:4] in (b"\x00\x01\x00\x00", b"true")
    except (OSError, struct.error):
        return False


def candidate_files(extra_dirs: Iterable[str] = USER_FONT_DIRS) -> list[str]:
    """Known CJK font files that exist: the system paths, and their names in user folders."""
    names = {os.path.basename(p) for p in KNOWN_FILES}
    found = [p for p in KNOWN_FILES if os.path.isfile(p)]
    for folder in extra_dirs:
        base = os.path.expanduser(folder)
        for name in names:
            path = os.path.join(base, name)
            if os.path.isfile(path):
                found.append(path)
    return found


def setup_fonts(region: str | None) -> FontSetup:
    """Register known CJK font files the matplotlib cache lacks, then rank what is installed."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    cached = {e.fname for e in manager.ttflist}
    for path in candidate_files():
        if path not in cached and os.path.realpath(path) not in cached:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file: skip it
                continue
    return choose(_installed(manager.ttflist), region)


def _installed(entries) -> list[CJKFace]:
    """One face per known CJK family (its regular weight when there is one)."""
    found = [(e.name, e.fname, getattr(e, "index", 0) or 0) for e in entries
             if e.name in _FORMS and e.style == "normal"]
    found.sort(key=lambda f: "Bold" in os.path.basename(f[1]))  # stable: regular first
    first: dict[str, tuple[str, str, int]] = {}
    for face in found:
        first.setdefault(face[0], face)
    return [CJKFace(name, path, index, _FORMS[name], is_truetype(path, index))
            for name, path, index in first.values()]


@contextmanager
def quiet_missing_glyphs() -> Iterator[None]:
    """Silence matplotlib's per-glyph "missing from font" warnings (used when no CJK font
    is installed: the user was told once, with the install hint)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        yield


@contextmanager
def missing_glyphs() -> Iterator[set[str]]:
    """The characters no installed font could draw while the block runs, gathered as they
    come (matplotlib warns for each, as a Python warning with its source line; the caller
    says it in the user's language instead). Other warnings are shown as usual."""
    import re

    missing: set[str] = set()
    with warnings.catch_warnings():
        warnings.filterwarnings("always", message=r"Glyph .* missing from font")
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            glyph = re.match(r"Glyph (\d+) ", str(message))
            if glyph:
                missing.add(chr(int(glyph.group(1))))
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield missing


# Tables a cut face leaves out: what matplotlib's own subsetting drops too. The layout
# tables stay: matplotlib shapes text with them (an "e" and a combining accent written
# apart are drawn as the one glyph é, and copied out of the PDF as é).
_CUT_DROPS = ("FFTM", "PfEd", "BDF ", "meta", "MERG", "TSIV", "Zapf", "bdat", "bloc", "cidg", "fdsc", "feat",
              "fmtx", "fond", "just", "kerx", "ltag", "morx", "trak", "xref", "DSIG")
CUT_SUFFIX = "rmnotes"  # the cut face's family: "<family> rmnotes"


def cut_fonts(fonts: FontSetup, text: str, folder: str) -> FontSetup:
    """The PDF fonts with the PDF's first CJK face cut down to the characters of ``text``
    (the page's, or a whole batch's), saved in ``folder`` as a face of its own and put
    first; the full faces stay behind it, so a character the cut lacks is still drawn, from
    them (matplotlib falls back glyph by glyph).

    matplotlib embeds a subset of each face a PDF uses, and to subset the full face it reads
    all of it (megabytes, tens of thousands of glyphs), about half a second for every PDF;
    HarfBuzz's subsetter cuts the face in about a millisecond, and matplotlib then subsets
    the small face. Only for TrueType embedding (``pdf_fonttype`` 42); otherwise, or when
    the face cannot be cut, ``fonts`` as they are. The cut face has no hinting, which a
    PDF's vector text does not use. Keep ``folder`` until the PDFs are written: matplotlib
    reads the face from it."""
    if fonts.pdf_fonttype != 42 or not fonts.has_cjk:
        return fonts
    face = next((f for f in fonts.faces if f.family == fonts.pdf_families[0]), None)
    if face is None:
        return fonts
    from dataclasses import replace

    family = f"{face.family} {CUT_SUFFIX}"
    path = os.path.join(folder, "cut-face.ttf")
    try:
        data = _cut(face, text)
        with open(path, "wb") as f:
            f.write(_renamed(data, family))
        from matplotlib import font_manager

        manager = font_manager.fontManager
        # a face cut earlier in this process (its folder gone) would be found first, and a
        # missing file makes matplotlib rebuild its list without this one
        manager.ttflist = [entry for entry in manager.ttflist if entry.name != family]
        manager.addfont(path)
    except Exception:  # noqa: BLE001 - a face that cannot be cut: each PDF reads the full one
        return fonts
    return replace(fonts, pdf_families=(family, *fonts.pdf_families))


def _cut(face: CJKFace, text: str) -> bytes:
    """Face ``face.index`` of the font file, cut to the characters of ``text`` (HarfBuzz)."""
    import unicodedata

    import uharfbuzz as hb

    # with each character's composed and decomposed forms: text shaping draws an "e" and a
    # combining accent as the glyph of "é", which the cut must map to its character
    wanted = {ord(c) for form in ("NFC", "NFD") for c in unicodedata.normalize(form, text)} | {ord(c) for c in text}
    cut = hb.SubsetInput()
    cut.unicode_set.update(sorted(wanted))
    cut.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in _CUT_DROPS)
    cut.flags = hb.SubsetFlags.NO_HINTING
    result = hb.subset(hb.Face(hb.Blob.from_file_path(face.path), face.index), cut)
    if result is None:
        raise ValueError(f"{face.path}: HarfBuzz could not cut face {face.index}")
    return result.blob.data


def _renamed(data: bytes, family: str) -> bytes:
    """The font ``data`` with the family and full name ``family`` (so matplotlib tells the
    cut face from the full one); fontTools reads the small face in milliseconds."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes for the same page
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "-")
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
