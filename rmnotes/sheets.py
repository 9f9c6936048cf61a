"""Spreadsheets as rows of cells: .xlsx, .xls, .ods (python-calamine) and .csv.

What a cell holds is left as the reader gives it (text, float, bool, date, datetime); the
meaning of a column is :mod:`rmnotes.domain.columns`' business. Every cell keeps its place,
so that a problem is reported as ``book.xlsx:客戶資料!C14`` or ``book.csv:14``.

CSV files are decoded by one deterministic rule: a UTF-8 byte-order mark, or bytes that
are valid UTF-8, are UTF-8; otherwise the file was saved by Excel on a Chinese Windows in
its ANSI code page, Big5 (cp950) in Taiwan and Hong Kong, GB18030 on the mainland. Both
decoders accept most byte strings, so the one whose text reads as Chinese wins: the one
with more of the most common characters (and header words) and fewer symbols, private-use
or rare characters; a tie goes to cp950.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from rmnotes.errors import RmnotesError
from rmnotes.i18n import _

# what Excel shows in a cell whose formula failed (and writes into a CSV file for it)
EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!",
                          "#FIELD!", "#GETTING_DATA", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
MAX_BYTES = 200 * 1024 * 1024  # a book of 100,000 rows is a few tens of MB


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet (or one CSV file): ``rows[i]`` is spreadsheet row ``i + 1``, each a list
    of cell values ("" or None for an empty cell)."""

    source: str  # the file as the user named it
    name: str | None  # the sheet's name; None for a CSV file
    rows: list[list[Any]]
    encoding: str | None = None  # a CSV file's, as decided

    def where(self, row: int, col: int | None = None) -> str:
        """The place of a cell (``row`` and ``col`` count from 0): ``book.xlsx:客戶資料!C14``,
        ``book.xlsx:客戶資料!14`` for a whole row, ``book.csv:14`` for CSV."""
        if self.name is None:
            return f"{self.source}:{row + 1}"
        cell = f"{column_letters(col)}{row + 1}" if col is not None else str(row + 1)
        return f"{self.source}:{self.name}!{cell}"


@dataclass(frozen=True, slots=True)
class ErrorCell:
    """A cell that shows one of Excel's errors (``#N/A``, ``#REF!``, ...) instead of a value:
    a formula that failed. Readers give such a cell as empty or as its code as text; here it
    is told apart from both, so that nobody takes it for a value or for nothing."""

    code: str

    def __str__(self) -> str:
        return self.code


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26: the inverse of :func:`column_letters`."""
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - 64
    return col - 1


@lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_tables(path: Path, shown: str, sheets: Sequence[str] = ()) -> list[Table]:
    """The sheets of a workbook (only those named in ``sheets``, when given), or a CSV file
    as one table. Raises RmnotesError naming the file when it cannot be read."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RmnotesError(_("{file}: no such file").format(file=shown)) from None
    except OSError as exc:
        raise RmnotesError(_("{file}: cannot read it ({why})").format(file=shown, why=exc.strerror)) from None
    if size > MAX_BYTES:
        raise RmnotesError(_("{file}: the file is over {mb} MB; split it").format(
            file=shown, mb=MAX_BYTES // (1024 * 1024)))
    if suffix in CSV_SUFFIXES:
        return [read_csv(path.read_bytes(), shown)]
    if suffix in WORKBOOK_SUFFIXES:
        return _read_workbook(path, shown, sheets)
    raise RmnotesError(_("{file}: not a spreadsheet rmn reads; give a .xlsx, .xls, .ods or .csv file").format(
        file=shown))


def _read_workbook(path: Path, shown: str, sheets: Sequence[str]) -> list[Table]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RmnotesError(_("{file}: cannot read the workbook ({why}); open it in Excel and save it again").format(
            file=shown, why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None
    names = list(book.sheet_names)
    wanted = list(sheets) or names
    missing = [s for s in wanted if s not in names]
    if missing:
        raise RmnotesError(_("{file}: no sheet named {sheet}; its sheets are: {names}").format(
            file=shown, sheet=missing[0], names=", ".join(names)))
    errors = _xlsx_error_cells(path, wanted) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    out = []
    for name in wanted:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)  # from A1, so places stay Excel's
        for (r, c), code in errors.get(name, {}).items():
            rows += [[] for _r in range(r + 1 - len(rows))]
            rows[r] += [""] * (c + 1 - len(rows[r]))
            rows[r][c] = ErrorCell(code)
        out.append(Table(shown, name, _unmerged(_errors_marked(rows), sheet.merged_cell_ranges or ())))
    return out


def _errors_marked(rows: list[list[Any]]) -> list[list[Any]]:
    """Cells whose whole text is one of Excel's error codes, as :class:`ErrorCell`: how a
    CSV file, an .xls or an .ods file gives a failed formula."""
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str and value.startswith("#") and value.strip() in EXCEL_ERRORS:
                row[i] = ErrorCell(value.strip())
    return rows


_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# a cell's start tag (any namespace prefix), its place, its value and its end
_CELL_START = re.compile(rb"<(?:\w+:)?c\s")
_PLACE = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")


def _xlsx_error_cells(path: Path, names: Sequence[str]) -> dict[str, dict[tuple[int, int], str]]:
    """The error cells of the sheets ``names`` of an .xlsx file, by (row, column) from 0:
    python-calamine gives them as empty cells. Found in each sheet's XML by the start tags
    of its error cells (``<c r="C2" t="e">``) and the value after each, with regular
    expressions over the bytes (a sheet of a million cells: a tenth of a second, where a
    parsed tree took seconds and gigabytes). A sheet that cannot be read so has none found;
    calamine has read it and says what it could not."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PACKAGE_REL}Relationship")}
            members = {}
            for sheet in book.iter():
                if sheet.tag.endswith("}sheet") and sheet.get("name") in names:
                    target = targets.get(sheet.get(f"{_REL}id"), "")
                    members[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                                  else posixpath.normpath(f"xl/{target}"))
            for name, member in members.items():
                try:
                    found = _error_cells(z.read(member))
                except (OSError, KeyError, zipfile.BadZipFile, ValueError):
                    continue
                if found:
                    out[name] = found
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return out
    return out


def _error_cells(data: bytes) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for marker in (b't="e"', b"t='e'"):  # found by bytes.find: error cells are few
        at = data.find(marker)
        while at >= 0:
            start, end = data.rfind(b"<", 0, at), data.find(b">", at)
            if end < 0:
                break
            at = data.find(marker, end)
            tag = data[start:end + 1]
            place = _PLACE.search(tag)
            if not _CELL_START.match(tag) or place is None:
                continue
            value = None
            if not tag.endswith(b"/>"):  # <c ... t="e"><f>...</f><v>#N/A</v></c>
                close = _CELL_END.search(data, end)
                value = _VALUE.search(data, end, close.start() if close else len(data))
            code = value.group(1).decode("utf-8", "replace").strip() if value else ""
            found[(int(place.group(2)) - 1, column_index(place.group(1).decode()))] = code or "#N/A"
    return found


def _unmerged(rows: list[list[Any]], ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[Any]]:
    """A cell merged down several rows gives its value to each of them, as the sheet shows
    it (a client's name merged down the rows of their policies names each row). Across
    columns nothing is copied: a title or a header over two columns (電話 over the mobile
    and the office number) is one cell, not two. Ranges are 0-based ``((first row, first
    column), (last row, last column))``."""
    for (r0, c0), (r1, _c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c0 < len(row) and row[c0] in ("", None):
                row[c0] = value
    return rows


def read_csv(data: bytes, shown: str) -> Table:
    text, encoding = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            # a value spread over several lines still counts as the row it starts on
            while len(rows) < reader.line_num - 1 - _extra_lines(row):
                rows.append([])
            rows.append(row)
    except csv.Error as exc:
        raise RmnotesError(f"{shown}:{reader.line_num}: {exc}") from None
    return Table(shown, None, _errors_marked(rows), encoding)


def _extra_lines(row: list[str]) -> int:
    return sum(cell.count("\n") for cell in row)


# The most common characters of Chinese text (both scripts), and of the headers of the
# three sheets: what a correctly decoded book is full of.
_COMMON = frozenset(
    "的一是不了人我在有他這这中大來来上個个們们到說说時时要就出會会也你對对生能而子那得於于"
    "著着下自之年過过發发後后作裡里用道行所然家種种事成方多經经麼么去法學学如都同現现當当"
    "沒没動动面起看定天分還还進进好小部其些主樣样理心本前開开但因只從从想實实日者意無无力"
    "與与長长把機机十民第公此已工使情明性知全三又關关點点正業业外將将兩两高間间由問问很最重"
    "並并物手應应向頭头文體体新己身果加西月話话合回特代內内信表化老給给世位次度門门任常先"
    "海通教兒儿原東东提立及比員员名真處处各入口認认條条平系氣气題题活更別别打女變变四總总何"
    "電电數数安少報报才結结受目量再感建務务做接必場场件計计管期市直資资命山金指許许統统區区"
    "保至形社便空決决治展馬马科司五基書书非則则白界達达光放強强即像難难且權权思王象完設设式"
    "色路記记南品住告類类求據据程北邊边死張张該该交規规萬万取格望覺觉術术領领共確确傳传師师"
    "觀观清今切院讓让識识候帶带導导運运收根造言聯联持組组每濟济車车親亲極极林服快辦办議议往"
    "元英士證证近失轉转夫令準准始存未遠远台單单影具字愛爱連连調调深商算質质價价花華华城石級级"
    "整府離离況况請请技際际約约示復复病息究線线官火精滿满支視视消越容照須须增研寫写稱称企功"
    "包片史委乎查輕轻易早曾除農农找裝装廣广顯显李標标談谈圖图念六引歷历首醫医局突專专費费號号"
    "另周較较注語语考落青隨随選选列武紅红響响雖虽推勢势參参希古眾众構构房半節节土投某案黑維维"
    "姓客戶户機机歲岁齡龄址郵邮箱險险額额繳缴別别幣币息率債债股票基存款定貸贷壽寿醫医療疗意"
    "外年金照顧顾保單单被受益配偶子女父母兄弟姊妹備备註注等級级狀状態态險险評评估職职稱称興兴趣"
    "嗜好婚姻愛爱陳陈林黃黄張张吳吴劉刘蔡楊杨許许鄭郑謝谢郭洪邱曾廖賴赖周葉叶蘇苏莊庄呂吕江"
    "何蕭萧羅罗高潘簡简朱鍾钟彭游詹胡施沈余盧卢梁趙赵顏颜柯翁魏孫孙戴范方宋鄧邓杜傅侯曹薛丁"
    "卓阮馬马董溫温唐藍蓝石蔣蒋古紀纪姚連连馮冯歐欧程湯汤黎田康姜白汪鄒邹尤巫鐘钟黎涂龔龚嚴严"
    "，。、；：？！「」（）"
)


def _score(text: str) -> int:
    """How Chinese a decoding reads: common characters count for it; symbols, private-use
    and compatibility characters (what a wrong code page makes of the bytes) against it."""
    good = bad = 0
    for ch in text:
        if ch < "\u0080":
            continue
        if ch in _COMMON:
            good += 1
        elif not ("\u4e00" <= ch <= "\u9fff"):
            bad += 1
    return good - 2 * bad


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in (see the module's rule)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = []
    for encoding in ("cp950", "gb18030"):
        try:
            decoded.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not decoded:
        return data.decode("cp950", errors="replace"), "cp950"
    sample = slice(0, 20000)
    best = max(decoded, key=lambda d: _score(d[0][sample]))  # max keeps the first of a tie
    return best
