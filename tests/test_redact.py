"""--redact: a screen safe to share. Every human view of the sample book (due, brief, show,
list, review, find, coverage, rank, the log, the calendar) is scanned for the phone
numbers, emails and amounts its files hold; none may show."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pytest

from rmnotes.domain.money import money_text
from rmnotes.parse.client import parse_client
from rmnotes.render import redact
from tests.conftest import SAMPLE, run

AS_OF = "2026-11-28"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*[萬万]")  # 100 萬, written in notes and the log
_AMOUNT_KEYS = {"value", "sum_assured", "premium", "income", "total"}


def _walk(value, key=None, under_review=False):
    """(key, number) for every number in the front-matter or a review attribute."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, str(k), under_review)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key, under_review)
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        yield key, Decimal(value)


def _secrets():
    """What the sample's files hold that --redact must hide: phones (as digits), emails,
    amounts (front-matter money, every value a recorded review lists, 萬 amounts in the text)."""
    phones, emails, amounts, wan = set(), set(), set(), set()
    for path in sorted((SAMPLE / "clients").glob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        client = parse_client(text, f"clients/{path.name}").client
        profile = client.meta.get("profile", {})
        for key in ("mobile", "phone"):
            if profile.get(key):
                phones.add(str(profile[key]))
        emails.update(_EMAIL.findall(text))
        for key, number in _walk(client.meta):
            if key in _AMOUNT_KEYS and number >= 1000:
                amounts.add(number)
        for entry in client.entries:
            review = entry.attrs.get("review")
            if isinstance(review, dict):
                amounts.update(n for _, n in _walk(review) if n >= 1000)
        wan.update(m.group(1) for m in _WAN.finditer(text))
    return phones, emails, amounts, wan


PHONES, EMAILS, AMOUNTS, WAN = _secrets()


def _amounts_pattern() -> re.Pattern:
    """Every amount in every form a view writes it, as one pattern (one scan of a screen,
    not one per form): front-matter and review amounts, and the 萬 amounts of the text."""
    forms = set()
    for amount in AMOUNTS:
        forms |= {money_text(amount), format(amount.normalize(), "f")}
        if amount % 10000 == 0:
            forms.add(f"{amount / 10000:,.0f}萬")
    written = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    wan = "|".join(map(re.escape, sorted(WAN, key=len, reverse=True)))
    return re.compile(rf"(?<![\d,.\-/])(?P<written>{written})(?![\d,\-/])"  # not inside a date
                      rf"|(?<![\d.])(?P<wan>{wan})\s*[萬万]")


AMOUNTS_SHOWN = _amounts_pattern()


def _leaks(output: str) -> list[str]:
    """Every secret the output shows, in any form a view writes it."""
    found = []
    squeezed = re.sub(r"[\s\-().+]", "", output)
    for phone in PHONES:
        digits = re.sub(r"\D", "", phone)
        if phone in output or digits in squeezed:
            found.append(f"phone {phone}")
    found += [f"email {e}" for e in EMAILS if e in output]
    found += [f"amount {m['written'] or m['wan'] + '萬'}" for m in AMOUNTS_SHOWN.finditer(output)]
    return found


def test_the_secrets_are_collected():
    assert "+886 912 345 678" in PHONES and "0912-006-381" in PHONES and len(PHONES) >= 35
    assert "wang.wei@example.com" in EMAILS and len(EMAILS) >= 25
    assert Decimal(3000000) in AMOUNTS and Decimal(2400000) in AMOUNTS and len(AMOUNTS) > 100
    assert {"100", "20", "30"} <= WAN


# (command, arguments): every human view named in the issue (and the book's others)
VIEWS = [
    ["due", "--as-of", AS_OF, "--all"],
    ["due", "--as-of", AS_OF, "--days", "365", "--all"],
    ["list"],
    ["list", "--status", "closed"],
    ["find", "萬"], ["find", "定存"], ["find", "美元"], ["find", "09"], ["find", "路"],
    ["coverage", "--as-of", AS_OF],
    ["coverage", "--gaps", "--as-of", AS_OF],
    ["rank", "--top", "0"], ["rank", "--by", "net-worth", "--top", "0"],
    ["rank", "--by", "premium", "--top", "0"], ["rank", "--by", "assets", "--top", "0"],
    ["log", "--since", "2000-01-01"],
    ["calendar", "--month", "2026-11"], ["calendar", "--from", "2025-12-01", "--to", "2026-11-30", "--all"],
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """One committed copy of the sample for the read-only views (rmn init commits it)."""
    root = tmp_path_factory.mktemp("redact") / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".rmnotes", ".git"))
    assert run(["init", str(root)]).exit_code == 0
    return root


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # nothing cut off the right edge unscanned


def _ids(book):
    return sorted(p.stem for p in (book / "clients").glob("*.md"))


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: " ".join(a))
def test_book_views_show_nothing_redacted(book, args):
    plain = run(args, book)
    masked = run(["--redact", *args], book)
    assert plain.exit_code == masked.exit_code == 0, masked.output
    assert masked.stdout.strip()
    assert _leaks(masked.stdout) == []
    assert _leaks(masked.stderr) == []


def test_the_scan_finds_what_an_unmasked_screen_shows(book):
    """Without --redact the same views show the secrets: the scan is not blind."""
    shown = "".join(run(args, book).stdout for args in
                    (["show", "wang-wei"], ["review", "wang-wei", "--as-of", AS_OF], ["find", "萬"],
                     ["brief", "wang-wei", "--as-of", AS_OF],
                     ["rank", "--top", "0"], ["coverage", "--as-of", AS_OF]))
    leaks = _leaks(shown)
    assert "phone +886 912 345 678" in leaks and "email wang.wei@example.com" in leaks
    assert "amount 3,000,000" in leaks and "amount 100萬" in leaks


def test_every_client_shown_and_reviewed_redacted(book, monkeypatch):
    for client in _ids(book):
        for args in (["show", client, "--as-of", AS_OF], ["review", client, "--as-of", AS_OF],
                     ["log", client, "--since", "2000-01-01"], ["due", client, "--as-of", AS_OF],
                     ["brief", client, "--as-of", AS_OF, "--days", "365"]):
            masked = run(["--redact", *args], book)
            assert masked.exit_code == 0, (args, masked.output)
            assert _leaks(masked.stdout) == [], args
    monkeypatch.setenv("RMNOTES_REDACT", "1")  # the environment's switch, the same masks
    shown = run(["show", "wang-wei"], book).stdout
    assert "•••" in shown and _leaks(shown) == []
    monkeypatch.setenv("RMNOTES_REDACT", "0")
    assert "+886 912 345 678" in run(["show", "wang-wei"], book).stdout


JSON_VIEWS = [
    ["show", "wang-wei"], ["brief", "zeng-guo-qiang", "--as-of", AS_OF, "--days", "365"], ["review", "zeng-guo-qiang", "--as-of", AS_OF], ["due", "--as-of", AS_OF],
    ["list"], ["find", "萬"], ["find", "美元"], ["coverage", "--as-of", AS_OF], ["rank"],
    ["log", "--since", "2000-01-01"], ["calendar", "--month", "2026-11"],
]


@pytest.mark.parametrize("args", JSON_VIEWS, ids=lambda a: " ".join(a))
def test_json_refused_under_redact_unless_masked_too(book, args, monkeypatch):
    refused = run(["--redact", *args, "--json"], book)
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "--redact-json" in refused.stderr
    monkeypatch.setenv("RMNOTES_REDACT", "1")
    assert run([*args, "--json"], book).exit_code == 2
    masked = run(["--redact-json", *args, "--json"], book)
    assert masked.exit_code == 0, masked.output
    assert _leaks(masked.stdout) == []
    import json

    json.loads(masked.stdout)  # still JSON


def test_redact_json_keeps_what_is_not_secret(book):
    import json

    shown = json.loads(run(["--redact-json", "show", "wang-wei", "--json"], book).stdout)
    assert shown["profile"]["mobile"] == shown["profile"]["income"] == redact.MASK
    assert shown["profile"]["birthday"] == "1975-06-12" and shown["risk"]["profile"] == 3
    assert [a["risk"] for a in shown["assets"] if "risk" in a] == [1, 4]
    assert {a["value"] for a in shown["assets"]} == {redact.MASK}
    ranked = json.loads(run(["--redact-json", "rank", "--json"], book).stdout)
    assert ranked[0]["rank"] == 1 and ranked[0]["value"] == redact.MASK
    assert Decimal(str(ranked[-1]["cumulative"])) == 1


def test_exports_are_not_redacted(book, tmp_path):
    target = tmp_path / "book.vcf"
    assert run(["--redact", "export", "vcf", str(target), "--tier", "A"], book).exit_code == 0
    assert "+886 912 345 678" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("text, shown", [
    ("call +886 912 345 678 at 14:30 on 2026-11-28", "call ••• at 14:30 on 2026-11-28"),
    ("(02) 2700-1234 或 0912345678", "••• 或 •••"),
    ("mail wang.wei@example.com", "mail •••"),
    ("住 台中市西屯區市政路 100 號 5 樓", "住 •••"),
    ("身分證 A123456789；香港 A123456(7)；110101199003071234", "身分證 •••；香港 •••；•••"),
    ("借了 100 萬信貸，20 萬美元，USD 50,000，NT$300,000，1200000", "借了 •••信貸，•••，•••，•••，•••"),
    ("存到一千萬，四萬美元，兩萬", "存到•••，•••，•••"),
    ("美元定存 500 USD 到期，premium 800 TWD", "美元定存 ••• 到期，premium •••"),
    ("萬華老家，千萬不要", "萬華老家，千萬不要"),
    ("利率 4.1%，元大台灣50，KYC（4），12/18 到期，2027 年，2027/1/4，every 3m", None),
    ("#1 美元定存 12/4 到期，#2 美元保費 3 萬", "#1 美元定存 12/4 到期，#2 美元保費 •••"),  # a follow-up's number
    ("轉入 #300,000 到帳戶，金額#250萬", "轉入 #••• 到帳戶，金額#•••"),  # an amount after # is an amount
])
def test_free_text_masks(text, shown):
    redact.use(True)
    try:
        assert redact.text(text) == (text if shown is None else shown)
    finally:
        redact.use(False)
    assert redact.text(text) == text  # off: as written
