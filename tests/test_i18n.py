"""The interface language: catalogs that cover every message, Chinese human output without
stray English, machine output (--json, exit codes, check's file:line form) the same in
every language, and ``language:`` in rmnotes.yaml chosen over the locale variables."""

from __future__ import annotations

import functools
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_sample, run
from rmnotes.cli import COMMANDS
from rmnotes import i18n
from rmnotes.i18n import Msg, N_, tr

LOCALE = REPO / "rmnotes" / "locale"
CHINESE = ("zh_TW", "zh_HK", "zh_CN")
AS_OF = "2026-11-28"


# ---------------------------------------------------------------------- the catalogs
@functools.cache
def _extracted() -> dict:
    """Every message in the code, as ``pybabel extract`` with babel.cfg finds it:
    {(context, msgid): msgid_plural or None}. Read once per test process (the code does
    not change while the tests run)."""
    from babel.messages.extract import extract_from_dir

    found = {}
    method_map = [("**.py", "python")]
    keywords = {"_": None, "N_": None, "Msg": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(REPO / "rmnotes"), method_map=method_map, keywords=keywords):
        if isinstance(message, tuple):
            found[(context, message[0])] = message[1]
        else:
            found[(context, message)] = None
    return found


def _catalog(language: str):
    from babel.messages.pofile import read_po

    with (LOCALE / language / "LC_MESSAGES" / "rmnotes.po").open("rb") as f:
        return read_po(f, locale=language)


def test_babel_cfg_finds_the_same_messages_as_this_test():
    """scripts/catalogs.sh extracts with babel.cfg; the test's own extraction must not miss
    what the script finds (and the committed rmnotes.pot holds every message)."""
    from babel.messages.pofile import read_po

    with (LOCALE / "rmnotes.pot").open("rb") as f:
        pot = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in read_po(f) if m.id}
    missing = sorted(str(k) for k in set(_extracted()) - pot)
    assert not missing, "rmnotes.pot is out of date (run scripts/catalogs.sh extract): " + "; ".join(missing[:10])


@pytest.mark.parametrize("language", CHINESE)
def test_every_message_has_a_translation(language):
    catalog = _catalog(language)
    have = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    problems = []
    for key, plural in sorted(_extracted().items(), key=str):
        m = have.get(key)
        if m is None:
            problems.append(f"missing: {key[1]!r}")
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(s.strip() or not key[1].strip() for s in strings) or not strings:
            problems.append(f"empty: {key[1]!r}")
        if m.fuzzy:
            problems.append(f"fuzzy: {key[1]!r}")
        if (plural is None) == isinstance(m.id, tuple):
            problems.append(f"plural form differs: {key[1]!r}")
    assert not problems, f"{language}: {len(problems)} messages untranslated, e.g. " + "; ".join(problems[:10])


def _fields(text: str) -> set[str]:
    return {f"{name}!{conv}" if conv else name
            for _, name, _, conv in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", CHINESE)
def test_translations_keep_the_placeholders_and_click_markers(language):
    """A translation formats with the same values as its message (a missing or extra
    {field} would be a KeyError at run time) and keeps click's \\b no-rewrap markers."""
    problems = []
    for m in _catalog(language):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        wanted = set().union(*(_fields(i) for i in ids))
        for s in (m.string if isinstance(m.string, tuple) else (m.string,)):
            got = _fields(s)
            # a plural's one Chinese form may name the fields of either English form
            if not got <= wanted or (len(ids) == 1 and got != wanted):
                problems.append(f"{ids[0]!r}: {sorted(got)} vs {sorted(wanted)}")
            if ids[0].count("\b") != s.count("\b"):
                problems.append(f"{ids[0][:40]!r}: \\b markers")
    assert not problems, "; ".join(problems[:10])


@pytest.mark.parametrize("language", CHINESE)
def test_the_compiled_catalog_is_the_source(language):
    """conftest compiles a .mo older than its .po; the running code reads the catalog."""
    i18n.use(language)
    try:
        catalog = {m.id: m.string for m in _catalog(language) if m.id and not isinstance(m.id, tuple) and not m.context}
        assert i18n._("today") == catalog["today"] != "today"
    finally:
        i18n.use("en")


def test_zh_cn_is_mainland_wording_not_a_conversion_of_zh_tw():
    tw = {m.id: m.string for m in _catalog("zh_TW") if m.id and not m.context}
    hk = {m.id: m.string for m in _catalog("zh_HK") if m.id and not m.context}
    cn = {m.id: m.string for m in _catalog("zh_CN") if m.id and not m.context}
    assert (tw["sms"], hk["sms"], cn["sms"]) == ("簡訊", "短訊", "短信")
    assert (tw["email"], hk["email"], cn["email"]) == ("郵件", "電郵", "邮件")
    assert tw["contact"] == "聯絡方式" and cn["contact"] == "联系方式"
    assert "訊息" in tw["short message"] and "消息" in cn["short message"]
    assert (tw["critical_illness"], hk["critical_illness"], cn["critical_illness"]) == ("重大疾病險", "危疾保險", "重疾险")
    assert (tw["mortgage"], hk["mortgage"]) == ("房貸", "按揭")
    assert (tw["follow-up"], hk["follow-up"], cn["follow-up"]) == ("待辦", "跟進事項", "待办")
    # a row of a table is 列 in Taiwan and 行 on the mainland
    row = "Also write the agenda to FILE as iCalendar, one all-day event per row ('-': print it instead of the table)."
    assert "每列" in tw[row] and "每行" in cn[row]
    for word, term in (("maturity", "到期"), ("birthday", "生日"), ("premium", "保費"), ("telephone", "電話"),
                       ("meeting in person", "面談"), ("internal note", "備註")):
        assert tw[word] == term


# ---------------------------------------------------------------------- Msg and the locale variables
def test_msg_is_english_text_that_translates_when_shown():
    detail = Msg(N_("last contact {last}, every {period}"), last="2026-10-01", period=Msg(N_("{n}m"), n=3))
    assert detail == "last contact 2026-10-01, every 3m"
    try:
        i18n.use("zh_TW")
        assert tr(detail) == "上次聯絡 2026-10-01，每 3 個月聯絡一次"
        assert detail == "last contact 2026-10-01, every 3m"  # what --json prints
        assert tr("陳美玲") == "陳美玲"  # anything else is shown as written
    finally:
        i18n.use("en")


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "zh_TW.UTF-8"}, "zh_TW"),
    ({"LANG": "zh_HK.UTF-8"}, "zh_HK"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}, "zh_TW"),
    ({"LC_ALL": "C", "LANG": "zh_TW.UTF-8"}, None),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LANG": "fr_FR.UTF-8"}, None),
    ({}, None),
])
def test_the_locale_variables_are_read_as_text(environ, expected):
    assert i18n.from_environment(environ) == expected


# ---------------------------------------------------------------------- commands on the sample
@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """One committed copy of the sample vault per language (read-only runs share them)."""
    base = tmp_path_factory.mktemp("books")
    return {lang: copy_sample(base / lang, lang) for lang in ("en", "zh_TW", "zh_HK", "zh_CN")}


JSON_RUNS = [
    ["due", "--as-of", AS_OF, "--json"],
    ["due", "--as-of", AS_OF, "--days", "60", "--json"],
    ["list", "--json"],
    ["list", "--tag", "likes-new-funds", "--json"],
    ["find", "基金", "--json"],
    ["find", "wangwei", "--json"],
    ["coverage", "--as-of", AS_OF, "--json"],
    ["coverage", "--gaps", "--as-of", AS_OF, "--json"],
    ["rank", "--as-of", AS_OF, "--json"],
    ["rank", "--by", "premium", "--as-of", AS_OF, "--json"],
    ["tags", "--json"],
    ["tags", "--who", "--json"],
    ["show", "王偉", "--json"],
    ["review", "王偉", "--as-of", AS_OF, "--json"],
    ["review", "陳美玲", "--as-of", AS_OF, "--json"],
    ["log", "王偉", "--json"],
    ["log", "--since", "2026-11-01", "--until", AS_OF, "--json"],
    ["calendar", "--month", "2026-11", "--json"],
    ["check", "--json"],
    ["brief", "王偉", "--as-of", AS_OF, "--json"],
    ["brief", "陳美玲", "--as-of", AS_OF, "--json"],
    ["due", "王偉", "--as-of", AS_OF, "--json"],
]


def test_every_json_option_is_exercised():
    """A command that gains --json joins JSON_RUNS (and the byte-identical check)."""
    from rmnotes.cli import COMMANDS, cli

    with_json = {name for name, _, _ in COMMANDS
                 if any("--json" in getattr(p, "opts", ()) for p in cli.get_command(None, name).params)}
    assert with_json <= {args[0] for args in JSON_RUNS} | {"import"}  # import: its own test below


@pytest.mark.parametrize("args", JSON_RUNS, ids=lambda a: " ".join(a))
def test_json_is_byte_identical_in_every_language(books, args):
    results = {lang: run(args, root) for lang, root in books.items()}
    en = results["en"]
    assert en.exit_code == 0, en.output
    if args[0] != "check":  # the sample is clean: check's own test breaks a file
        assert en.stdout.strip() not in ("", "[]"), "the sample should give this run something to say"
    for lang in ("zh_TW", "zh_HK", "zh_CN"):
        assert results[lang].exit_code == en.exit_code
        assert results[lang].stdout_bytes == en.stdout_bytes, f"--json differs in {lang}"


def test_check_keeps_its_file_line_form_and_exit_code_in_every_language(tmp_path):
    """check's lines are the machine form editors click on: the same in every language."""
    outputs = {}
    for lang in ("en", "zh_TW", "zh_CN"):
        root = copy_sample(tmp_path / lang, lang)
        path = root / "clients" / "wang-wei.md"
        path.write_text(path.read_text(encoding="utf-8").replace("birthday: 1975-06-12", "birthday: 1975-13-01"),
                        encoding="utf-8")
        result = run(["check"], root)
        outputs[lang] = (result.exit_code, result.stdout, run(["check", "--json"], root).stdout)
    assert outputs["en"][0] == 1 and "clients/wang-wei.md:" in outputs["en"][1]
    assert outputs["zh_TW"] == outputs["en"] == outputs["zh_CN"]


# human output: every command, in Chinese, finds no English word that is not data, a code or an id
HUMAN_RUNS = [
    ["due", "--as-of", AS_OF],
    ["due", "--as-of", AS_OF, "--all", "--days", "60"],
    ["due", "--as-of", AS_OF, "--reason", "holiday", "--days", "90"],
    ["list"],
    ["list", "--status", "dormant"],
    ["list", "--tag", "no-such-tag"],
    ["find", "基金"],
    ["find", "wangwei"],
    ["find", "zzzz-not-there"],
    ["coverage", "--as-of", AS_OF],
    ["coverage", "--gaps", "--as-of", AS_OF],
    ["rank", "--as-of", AS_OF],
    ["rank", "--by", "premium", "--as-of", AS_OF],
    ["tags"],
    ["tags", "--who"],
    ["show", "王偉", "--as-of", AS_OF],
    ["show", "陳美玲", "--as-of", AS_OF],
    ["show", "zha-mei-hua", "--as-of", AS_OF],
    ["review", "王偉", "--as-of", AS_OF],
    ["review", "陳美玲", "--as-of", AS_OF],
    ["log", "王偉"],
    ["log", "--since", "2026-11-01", "--until", AS_OF],
    ["log", "王偉", "--since", "2030-01-01"],
    ["calendar", "--month", "2026-11"],
    ["calendar", "--month", "2026-11", "--all"],
    ["check"],
    # errors: the message and its next step
    ["show", "nobody-like-this"],
    ["show", "zeng"],
    ["log", "王偉", "X", "文字"],
    ["log", "王偉", "T"],
    ["done", "王偉", "沒有這一筆"],
    ["due", "--days", "-1"],
    ["due", "--bogus"],
    ["list", "--risk", "5..1"],
    ["calendar", "--month", "2026-13"],
    ["review", "王偉", "--via", "M"],
    ["set", "王偉", "assets.沒有這筆.value", "1"],
    ["show", "林淑芬", "--as-of", AS_OF],
    ["brief", "王偉", "--as-of", AS_OF],
    ["brief", "陳美玲", "--as-of", AS_OF],
    ["brief", "zha-mei-hua", "--as-of", AS_OF],
    ["due", "王偉", "--as-of", AS_OF],
    ["verify"],
    ["review", "--json"],
    ["due", "--as-of", "115/11/28"],
    ["due", "--as-of", "13/13"],
    ["log", "王偉", "T", "測試", "--date", "2026-02-30"],
    ["log", "王偉", "T", "測試", "--next", "下下個月 寄資料"],
    ["set", "王偉", "tier"],
    ["tag", "王偉", "-no-such-tag"],
] + [[name, "--help"] for name, _module, _function in COMMANDS] + [["--help"]]

# Words a person reads as codes or names in any language: the channels and services by their
# own names, currencies, file formats, what a user types as an option's value (statuses,
# reasons, asset types, measures, gap codes, shells) and what click calls its parts.
CODES = {
    "LINE", "WeChat", "WhatsApp", "KYC", "TWD", "USD", "CNY", "HKD", "JSON", "CSV", "PDF", "PNG", "Excel",
    "iCalendar", "YAML", "Markdown", "git", "rmn", "rmnotes", "traceback", "Enter",
    "active", "prospect", "dormant", "closed", "cadence", "never", "birthday", "holiday", "maturity",
    "premium", "kyc", "fund", "stock", "bond", "deposit", "aum", "assets",
    "bash", "zsh", "bashrc", "zshrc", "rm", "tier", "default_tier", "lookahead_days", "coverage",
    "id", "clients", "reviews", "yaml", "gitignore", "gitattributes", "xlsx", "pinyin", "ISO",
    "chen", "mei", "wangwei", "ce", "shi", "ke", "hu", "wang",
    "xls", "ods", "vcf", "vCard", "mobile", "skip", "policies", "holdings",  # import and export: formats, columns, sheets
}
# codes written with hyphens (gap codes, reasons, tags in examples, section names), taken whole
CODE_TOKENS = ("no-critical-illness", "no-medical", "life-below-income", "insured-not-in-family", "follow-up",
               "net-worth", "likes-new-funds", "has-kids", "## Follow-ups", "## Log", "front-matter", "with:",
               "review:", "coverage:", "fx", "UTF-8", "byte-order")
WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
# command names, as usage lines and hints show them ("cli" is the test runner's name for rmn;
# "add" and "remove" are subcommands of rmn remote, which its help lists)
COMMAND_NAMES = {"cli", "shell", "eval", "add", "remove"} | {w for name, _m, _f in COMMANDS for w in name.split("-")}


def _data_words(root: Path) -> set[str]:
    """Every ASCII word the user wrote in the book's free text (names, aliases, notes, log
    entries, addresses, employers, insurers, ...), not the keys and codes of the format:
    output may show those words as written."""
    codes = {"type", "kind", "relation", "status", "prefer", "premium_frequency", "marital_status", "tier",
             "currency", "channel", "riders", "income_currency"}
    found: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in codes and not (key == "institution" and value in ("ours", "self")):
            found.update(WORD.findall(value))

    for path in (root / "clients").glob("*.md"):
        text = path.read_text(encoding="utf-8-sig")
        _, front, body = text.split("---", 2)
        walk(yaml.load(front, Loader=yaml.CSafeLoader))  # the C loader: 40 files, 7 times over
        found.update(WORD.findall(body.replace("## Follow-ups", "").replace("## Log", "")))
        found.update(WORD.findall(path.stem))
    return found


def _english_words(text: str, allowed: set[str]) -> set[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for token in CODE_TOKENS:
        text = text.replace(token, " ")
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)  # options: --json, -C
    text = re.sub(r"`[^`]*`", " ", text)  # a machine form quoted in help: `SHA clients/ID.md: entry "..." removed`
    text = re.sub(r"#[\w-]+", " ", text)  # tags
    text = re.sub(r"\brmn [a-z-]+", " ", text)  # a command named in a hint: rmn due --all
    text = re.sub(r"\S+\.(?:md|pdf|png|yaml|json|sqlite|mo)\b|\S*/\S*", " ", text)  # files, paths
    text = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)  # e-mail addresses
    text = re.sub(r"\w+(?:\.\w+)+", " ", text)  # key paths of the format: profile.mobile, risk.assessed
    return {w for w in WORD.findall(text)
            if w not in allowed and not w.isupper() and w.lower() not in {a.lower() for a in allowed}}


@pytest.fixture(scope="module")
def english_exits(books) -> list[int]:
    """The exit code of each of HUMAN_RUNS in English, which each language must give too."""
    return [run(args, books["en"]).exit_code for args in HUMAN_RUNS]


@pytest.mark.parametrize("language", ["zh_TW", "zh_HK", "zh_CN"])
def test_no_english_in_chinese_human_output(books, english_exits, language):
    root = books[language]
    allowed = CODES | _data_words(root)
    leaks: dict[str, set[str]] = {}
    for args, english_exit in zip(HUMAN_RUNS, english_exits):
        result = run(args, root)
        assert result.exit_code == english_exit, f"rmn {' '.join(args)}: exit codes differ"
        typed = set(WORD.findall(" ".join(args)))  # what the user typed may be echoed
        words = _english_words(result.stdout + "\n" + result.stderr, allowed | typed | COMMAND_NAMES)
        if words:
            leaks[" ".join(args)] = words
        assert result.stdout + result.stderr or args == ["check"], f"rmn {' '.join(args)} printed nothing"
    assert not leaks, "English in {} output:\n{}".format(language, "\n".join(f"{k}: {sorted(v)}" for k, v in leaks.items()))


@pytest.mark.parametrize("language", ["zh_TW", "zh_HK", "zh_CN"])
def test_the_import_plan_speaks_the_vaults_language(books, tmp_path, language):
    """The plan of an import (new clients with their counts, a cell's error, the summary)."""
    from openpyxl import Workbook

    wb = Workbook()
    sheets = {"c": [["姓名", "手機", "配偶", "子女"], ["新客戶", "0912345678", "林淑芬（1977/2/3）", "王小明、王小華"],
                    ["王偉", "0912000111", "林淑芬 1977/2/3", None]],
              "p": [["客戶姓名", "保單名稱", "險種"], ["新客戶", "重疾險", "重大疾病"]],
              "h": [["客戶姓名", "名稱", "類別", "金額"], ["新客戶", "定存", "定存", 1000]]}
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "book.xlsx")
    result = run(["import", str(tmp_path / "book.xlsx"), "--dry-run"], books[language])
    assert result.exit_code == 1 and "新客戶" in result.stdout
    new_id = set(WORD.findall("xin-ke-hu"))  # the new client's id, made from its name
    words = _english_words(result.stdout + "\n" + result.stderr,
                           CODES | _data_words(books[language]) | COMMAND_NAMES | new_id)
    assert not words, result.output


def test_english_output_is_still_english(books):
    """The same runs in English print English: the check above can fail."""
    allowed = CODES | _data_words(books["en"])
    result = run(["due", "--as-of", AS_OF], books["en"])
    assert {"due", "from", "overdue", "coming"} <= _english_words(result.stdout, allowed)
    assert "Usage:" in run(["due", "--bogus"], books["en"]).stderr


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("language", ["zh_TW", "zh_CN", "en"])
def test_tables_align_with_chinese_headers(books, monkeypatch, language, width):
    """Every line of the agenda fits the width, and the columns start at the same screen
    cell on the header and on each row's first line (Chinese characters count two)."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", str(width))
    lines = run(["due", "--as-of", AS_OF], books[language]).stdout.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    header = lines[1]
    starts = [cell_len(header[:m.start()]) for m in re.finditer(r"(?<=  )\S", header)]
    for line in lines[2:]:
        if not line[:4].isdigit():
            continue  # a continuation line of a wrapped detail
        for start in starts[:3]:  # days, reason and client begin where their headers do
            prefix = _cells_prefix(line, start)
            assert prefix.endswith(" ") or prefix == "", (language, width, line)


def _cells_prefix(line: str, cells: int) -> str:
    from rich.cells import cell_len

    out = ""
    for ch in line:
        if cell_len(out + ch) > cells:
            break
        out += ch
    return out


# ---------------------------------------------------------------------- language: in rmnotes.yaml
def _settings(root: Path, language: str | None) -> None:
    path = root / "rmnotes.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("language:")]
    if language is not None:
        lines.append(f"language: {language}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "zh_TW", "zh_HK", "zh_CN"])
def test_every_help_fits_80_columns(books, monkeypatch, language):
    """The preformatted blocks of a help (the forms of rmn log, export's formats) too."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    for name in ["", *(c[0] if isinstance(c, tuple) else c for c in COMMANDS)]:
        out = run([*([name] if name else []), "--help"], books[language]).stdout
        wide = [line for line in out.splitlines() if cell_len(line) > 80]
        assert not wide, (name, wide)


def test_coverage_says_its_gaps_in_words(books):
    chinese = run(["coverage", "--as-of", AS_OF], books["zh_TW"]).stdout
    assert "無重大疾病險" in chinese and "no-critical-illness" not in chinese and "no-medical" not in chinese
    english = run(["coverage", "--as-of", AS_OF], books["en"]).stdout
    assert "no-critical-illness" in english  # English shows the codes --gaps and --json write


def test_a_number_option_given_a_word_says_so_in_the_vaults_language(books):
    """click names its number type in English ("integer range") inside a translated sentence."""
    chinese = run(["due", "--days", "abc"], books["zh_TW"])
    assert chinese.exit_code == 2 and "'abc' 不是有效的整數。" in chinese.stderr, chinese.stderr
    english = run(["due", "--days", "abc"], books["en"])
    assert "'abc' is not a valid integer range." in english.stderr


def test_settings_that_do_not_read_still_speak_their_language(sample):
    """A merge stopped on rmnotes.yaml leaves its conflict markers: the error that says so
    is in the language the file still names, not English."""
    _settings(sample, "zh_TW")
    path = sample / "rmnotes.yaml"
    text = path.read_text(encoding="utf-8")
    fx = next(line for line in text.splitlines() if line.startswith("fx:"))
    path.write_text(text.replace(fx, f"<<<<<<< ours\n{fx}\n=======\n{fx.replace('31.2', '31.8')}\n>>>>>>> theirs"),
                    encoding="utf-8")
    result = run(["due", "--as-of", AS_OF], sample)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn：錯誤：rmnotes.yaml:"), result.stderr


def test_the_setting_beats_the_locale_variables(sample, monkeypatch):
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    args = ["due", "--as-of", AS_OF]
    _settings(sample, "zh_CN")
    assert run(args, sample).stdout.startswith("2026-11-28 至 2026-12-12 的待办")
    _settings(sample, None)
    assert run(args, sample).stdout.startswith("2026-11-28 至 2026-12-12 的待辦")
    _settings(sample, "en")
    assert run(args, sample).stdout.startswith("due from 2026-11-28")
    monkeypatch.setenv("LANG", "C.UTF-8")
    _settings(sample, "zh_HK")
    out = run(args, sample).stdout
    assert out.startswith("2026-11-28 至 2026-12-12 的跟進事項") and "電郵" in out


def test_an_unknown_language_is_an_error_at_its_line(sample):
    _settings(sample, "fr")
    result = run(["due", "--as-of", AS_OF], sample)
    assert result.exit_code == 1
    assert "rmnotes.yaml:" in result.stderr and "language 'fr' is not one of zh_TW, zh_HK, zh_CN, en" in result.stderr
    check = run(["check", "--json"], sample)
    assert check.exit_code == 1 and "language 'fr' is not one of" in check.stdout


def _rmn(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "RMNOTES_VAULT", "COLUMNS")}
    environ.update(PYTHONPATH=str(REPO), **env)
    return subprocess.run([sys.executable, "-m", "rmnotes", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=60)


def test_help_inside_a_vault_speaks_its_language(sample):
    """Help texts are read when a command's module is imported: the language is chosen
    first, from the vault found from the current folder, for the root group's help too."""
    _settings(sample, "zh_TW")
    due = _rmn(["due", "--help"], sample / "clients")
    assert due.returncode == 0
    assert "用法: rmn due" in due.stdout and "該做的事" in due.stdout and "顯示此說明後結束。" in due.stdout
    root = _rmn(["--help"], sample, LANG="en_US.UTF-8")
    assert "指令" in root.stdout and "把客戶名冊存成私人的 git 儲存庫" in root.stdout
    outside = _rmn(["due", "--help"], sample.parent, LANG="zh_CN.UTF-8")
    assert "该做的事" in outside.stdout  # no vault here: the environment's language


@pytest.mark.parametrize("width", [54, 58, 80])
@pytest.mark.parametrize("language", CHINESE)
def test_the_list_of_commands_sums_each_up_in_whole_sentences(books, monkeypatch, language, width):
    """Chinese has no spaces for click to cut a summary at: each command's line is its
    first sentence, or as much as two lines hold and an ellipsis; never a word or two."""
    monkeypatch.setenv("COLUMNS", str(width))
    out = run(["--help"], books[language]).stdout
    listed = out.split("\n\n")[-1].splitlines()[1:]  # the last section: the commands
    summaries: dict[str, list[str]] = {}
    for line in listed:
        name, text = line[2:14].strip(), line[14:]
        if name:
            summaries[name] = []
        summaries[list(summaries)[-1]].append(text)
    assert set(summaries) == {name for name, _, _ in COMMANDS}
    for name, lines in summaries.items():
        assert len(lines) <= 2 and lines[-1].endswith(("。", "…")), (name, lines)
        assert len("".join(lines)) > 12, (name, lines)


def test_a_day_of_due_loads_no_babel_and_reads_one_catalog(sample):
    """Babel is for building the catalogs; a run only reads its compiled .mo."""
    _settings(sample, "zh_TW")
    code = ("import sys, atexit\n"
            "atexit.register(lambda: sys.stderr.write('BABEL' if any(m == 'babel' or m.startswith('babel.') "
            "for m in sys.modules) else 'NO-BABEL'))\n"
            "from rmnotes.cli import main\n"
            f"sys.argv = ['rmn', '--vault', {str(sample)!r}, 'due', '--as-of', '{AS_OF}']\n"
            "main()\n")
    environ = {k: v for k, v in os.environ.items() if k != "RMNOTES_VAULT"}
    environ["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("NO-BABEL") and "的待辦" in done.stdout


def test_export_headers_follow_the_language_and_read_back_in_any(books):
    from rmnotes.words import column_code

    header = {lang: run(["list", "--csv"], root).stdout.splitlines()[0] for lang, root in books.items()}
    assert header["en"] == "id,name,tier,status,risk,children,last_contact,tags"
    assert header["zh_TW"] == "代號,姓名,等級,狀態,風險,子女數,上次聯絡,標籤"
    assert header["zh_CN"].startswith("编号,姓名,等级,状态")
    for line in header.values():
        assert [column_code(t) for t in line.split(",")] == header["en"].split(",")
    assert column_code("Last_Contact") == "last_contact" and column_code("備註欄") is None


def test_calendar_events_keep_their_uids_in_every_language(books):
    """A phone calendar that imported the English agenda updates, not duplicates, the
    events of a Chinese one: the UIDs hash the English row; the text is translated."""
    def events(lang):
        ics = run(["due", "--as-of", AS_OF, "--ics", "-"], books[lang]).stdout_bytes.decode("utf-8")
        unfolded = ics.replace("\r\n ", "")
        return [line for line in unfolded.splitlines() if line.startswith("UID:")], unfolded

    (uids_en, text_en), (uids_tw, text_tw) = events("en"), events("zh_TW")
    assert uids_en and uids_en == uids_tw
    assert "risk assessed" in text_en and "風險屬性評估於" in text_tw and "risk assessed" not in text_tw


def test_an_import_plans_problems_and_notes_are_english_in_json_and_the_vaults_language_on_screen(books, tmp_path):
    """The README's promise for --json: the same bytes in every language, errors and notes
    included; on screen each is said in the vault's language (the premium's frequency too)."""
    from openpyxl import Workbook

    book = Workbook()
    clients = book.active
    clients.title = "c"
    for row in (["姓名", "手機", "狀態"], ["新客戶甲", "0911111111", "暫停"], ["新客戶乙", "0922222222", "往來中"]):
        clients.append(row)
    policies = book.create_sheet("p")
    for row in (["客戶姓名", "保單名稱", "保險公司", "年繳保費", "繳別"], ["新客戶乙", "終身壽險", "富邦人壽", 36000, "月繳"]):
        policies.append(row)
    sheet = tmp_path / "b.xlsx"
    book.save(sheet)
    plans = {lang: run(["import", str(sheet), "--dry-run", "--json"], books[lang]) for lang in ("en", "zh_TW", "zh_CN")}
    assert {p.exit_code for p in plans.values()} == {1}
    assert len({p.stdout for p in plans.values()}) == 1
    assert '"message": "狀態 \\"暫停\\" is not one of: active, prospect, dormant, closed"' in plans["en"].stdout
    assert "yearly premium 36000 is 3000 per monthly payment" in plans["en"].stdout
    shown = run(["import", str(sheet), "--dry-run"], books["zh_TW"]).stdout
    assert "年繳保費 36000 即月繳每期 3000" in shown and "monthly" not in shown
    assert "狀態「暫停」不是下列之一：往來中, 潛在客戶, 靜止戶, 已結清" in shown  # the words the sheet may hold


def test_export_then_import_dry_run_is_the_same_json_in_every_language(books, tmp_path):
    """Each language's workbook (headers in its language) imports back into each book
    without an error, and the plan's JSON is byte-identical whichever language reads it."""
    plans = {}
    for lang in ("en", "zh_TW", "zh_CN"):
        workbook = tmp_path / f"{lang}.xlsx"
        assert run(["export", "xlsx", str(workbook)], books[lang]).exit_code == 0
        for reader in ("en", "zh_TW", "zh_CN"):
            result = run(["import", str(workbook), "--dry-run", "--json"], books[reader])
            assert result.exit_code == 0, result.output
            plans[lang, reader] = result.stdout.replace(str(workbook), "FILE")
    for lang in ("en", "zh_TW", "zh_CN"):  # the sheets' names are the workbook's own language
        assert len({plans[lang, reader] for reader in ("en", "zh_TW", "zh_CN")}) == 1
        assert '"errors": []' in plans[lang, "en"]
    human = run(["import", str(tmp_path / "en.xlsx"), "--dry-run"], books["zh_TW"])
    assert human.exit_code == 0 and "試跑：未寫入任何內容" in human.stdout + human.stderr
