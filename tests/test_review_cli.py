"""rmn review end to end: terminal, JSON, PDF, PNG and --record in a real vault, and the
confidentiality promise checked on every output."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess

import pytest

# matplotlib's font list from the normal cache, before the per-test HOME isolation
import matplotlib.font_manager  # noqa: F401,E402

from conftest import git, run, write_client

WANG = """\
    ---
    name: 王偉
    aliases: [David Wang]
    tags: [secret-tag-golf]
    risk: {profile: 3}
    family:
      - {name: 林淑芬, relation: spouse, client: lin-shufen}
    assets:
      - {name: 台幣定存, type: deposit, institution: ours, value: 3000000, since: 2024-01-15, risk: 1}
      - {name: 富邦台灣科技基金, type: fund, institution: ours, value: 1200000, since: 2021-05-10, risk: 4}
      - {name: 美元債券, type: bond, institution: 花旗, value: 10000.5, currency: USD, risk: 2}
      - {name: 房貸, type: mortgage, institution: 國泰世華, value: 6500000}
    policies:
      - {name: 終身壽險, insurer: 富邦人壽, kind: life, sum_assured: 5000000, premium: 120000}
    ---

    機密備註：客戶不希望母親知道其資產。

    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案給客戶

    ## Log
    - 2026-05-02 M 客戶同意轉入平衡型基金
      review:
        total: 4000000
        assets: {台幣定存: 2800000, 富邦台灣科技基金: 1200000, 房貸: 6600000}
    - 2026-11-21 N 內部備註：客戶資產保密
"""

LIN = """\
    ---
    name: 林淑芬
    family:
      - {name: 王偉, relation: spouse, client: wang-wei}
    assets:
      - {name: 淑芬私房美元定存, type: deposit, institution: ours, value: 9990000}
    policies:
      - {name: 淑芬重大疾病險, insurer: 國泰人壽, kind: critical_illness, sum_assured: 1000000}
    ---

    淑芬的私人筆記。

    ## Log
    - 2026-11-01 T 淑芬談到贈與規劃
      review:
        total: 9990000
        assets: {淑芬私房美元定存: 9990000}
"""

# Nothing of these may appear in any output of `rmn review wang-wei`.
SECRETS = ("林淑芬", "淑芬", "9,990,000", "9990000", "國泰人壽", "secret-tag-golf", "機密備註",
           "不希望母親", "平衡型基金", "內部備註", "保密", "寄送保險提案")
ASSETS = ("台幣定存", "富邦台灣科技基金", "美元債券", "房貸", "終身壽險")


@pytest.fixture
def book(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "lin-shufen", LIN)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two clients")
    return vault


def assert_confidential(text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"leaked: {leaked}"


def test_terminal_sheet(book):
    result = run(["review", "王偉", "--as-of", "2026-11-28"], book)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for name in ASSETS:
        assert name in out
    assert "asset review 2026-11-28 · risk profile 3/5 · last review 2026-05-02" in out
    assert "total assets   4,512,015.60 TWD  +512,015.60 (+12.8%) since 2026-05-02" in out
    assert "net worth     -1,987,984.40 TWD" in out
    assert "! above the client's risk profile 3: 富邦台灣科技基金 (risk 4)" in out
    assert "critical illness: NOT covered" in out
    assert result.stderr == ""
    assert_confidential(out)


def test_json_is_exact_and_complete(book):
    result = run(["review", "wang-wei", "--as-of", "2026-11-28", "--json"], book)
    assert result.exit_code == 0, result.output
    assert_confidential(result.stdout)
    data = json.loads(result.stdout)
    assert (data["client"], data["as_of"], data["currency"]) == ("wang-wei", "2026-11-28", "TWD")
    bond = next(a for a in data["assets"] if a["name"] == "美元債券")
    assert bond == {
        "name": "美元債券", "type": "bond", "institution": "花旗", "since": None, "held": "",
        "maturity": None, "value": "10000.5", "currency": "USD", "value_base": "312015.6",
        "weight": "0.0692", "risk": 2, "suitable": True, "liability": False, "previous": None,
        "change": None, "change_pct": None, "new": True,
    }
    fund = next(a for a in data["assets"] if a["name"] == "富邦台灣科技基金")
    assert (fund["suitable"], fund["change"], fund["change_pct"]) == (False, 0, 0)
    deposit = next(a for a in data["assets"] if a["name"] == "台幣定存")
    assert (deposit["value_base"], deposit["change"], deposit["change_pct"]) == (3000000, 200000, "7.14")
    assert data["totals"] == {"assets": "4512015.6", "liabilities": 6500000, "net_worth": "-1987984.4",
                              "aum_ours": 4200000, "previous": 4000000, "change": "512015.6",
                              "change_pct": "12.8"}
    assert data["history"] == [{"date": "2026-05-02", "total": 4000000, "recorded": True},
                               {"date": "2026-11-28", "total": "4512015.6", "recorded": False}]
    assert [p["name"] for p in data["policies"]] == ["終身壽險"]
    assert data["policies"][0]["sum_assured"] == 5000000
    for a in data["assets"]:
        assert {"name", "type", "institution", "value", "currency", "value_base", "weight", "risk",
                "suitable", "change", "change_pct"} <= set(a)
    assert "float" not in result.stdout and "e+" not in result.stdout


POPPLER = shutil.which("pdftotext")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_pdf_goes_to_the_clients_folder_private_and_committed(book, tmp_path):
    """Also: the same bytes written elsewhere, whatever the screen masks (--redact-json)."""
    result = run(["review", "wang", "--as-of", "2026-11-28", "--pdf"], book)
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote clients/wang-wei/reviews/2026-11-28.pdf\n"
    pdf = book / "clients" / "wang-wei" / "reviews" / "2026-11-28.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert stat.S_IMODE(pdf.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(pdf.parent.parent.stat().st_mode) == 0o700
    assert git(book, "log", "-1", "--format=%s") == "review: wang-wei sheet 2026-11-28\n"
    assert git(book, "status", "--porcelain") == ""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for name in ("王偉", "陳經理", *ASSETS):
        assert name in text
    assert_confidential(text)
    # every glyph from the face cut to the page's characters: the whole CJK font never read
    faces = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[0].endswith("-rmnotes") for line in faces.splitlines()[2:]), faces
    # --pdf FILE elsewhere: owner-only, outside git, and the same bytes (no creation time in
    # the file), so re-running a review never makes an empty-looking commit; --redact masks
    # the screen and --redact-json the JSON, never the sheet sent to the client
    target = tmp_path / "mail" / "wang.pdf"
    refused = run(["review", "wang-wei", "--as-of", "2026-11-28", "--pdf", str(target)], book)
    assert refused.exit_code == 1 and not target.parent.exists()  # a mistyped folder is never made
    assert refused.stderr == (f"rmn: error: {target}: the folder {target.parent} does not exist; create it or "
                              "choose another place\n")
    target.parent.mkdir()
    head = git(book, "rev-parse", "HEAD")
    wrong = run(["review", "wang-wei", "--as-of", "2026-11-28", "--update", "--json", "--pdf",
                 str(target.with_suffix(".txt"))], book)
    assert wrong.exit_code == 2 and "a PDF file's name ends in .pdf (e.g. wang-wei-2026-11-28.pdf)" in wrong.stderr
    assert list(target.parent.iterdir()) == []  # a PDF is never written under another name
    assert wrong.stdout == "" and git(book, "rev-parse", "HEAD") == head  # refused before anything is done
    target = target.parent / "wang-wei-2026-11-28.pdf"  # a folder that exists: the file in it, named so
    result = run(["--redact-json", "review", "wang-wei", "--as-of", "2026-11-28", "--json", "--pdf",
                  str(target.parent)], book)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)  # messages went to stderr
    assert shown["client"] == "wang-wei" and "3000000" not in result.stdout  # the JSON is masked
    assert result.stderr == f"wrote {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == pdf.read_bytes()  # the PDF is not
    assert "3,000,000" in text
    assert git(book, "status", "--porcelain") == ""


def test_png_charts(book, tmp_path):
    out = tmp_path / "charts"
    result = run(["review", "wang-wei", "--as-of", "2026-11-28", "--out", str(out)], book)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["wang-wei-2026-11-28-history.png", "wang-wei-2026-11-28-mix.png"]
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert p.read_bytes().startswith(b"\x89PNG")
    assert result.stdout.splitlines() == [f"wrote {out}/wang-wei-2026-11-28-mix.png",
                                          f"wrote {out}/wang-wei-2026-11-28-history.png"]
    assert git(book, "status", "--porcelain") == ""  # nothing written in the vault
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    mistyped = tmp_path / "no" / "such" / "charts"  # no folders made on the way
    refused = run(["review", "wang-wei", "--as-of", "2026-11-28", "--out", str(mistyped)], book)
    assert refused.exit_code == 1 and f"there is no folder {tmp_path / 'no' / 'such'}" in refused.stderr
    assert not (tmp_path / "no").exists()


def test_record_appends_the_review_and_the_next_review_compares_with_it(book):
    path = book / "clients" / "wang-wei.md"
    before = path.read_bytes()
    result = run(["review", "wang-wei", "--as-of", "2026-11-28", "--record", "--via", "t"], book)
    assert result.exit_code == 0, result.output
    assert "recorded the review of 王偉 on 2026-11-28 in clients/wang-wei.md" in result.stderr + result.stdout
    added = path.read_bytes()[len(before):].decode()
    assert path.read_bytes().startswith(before)
    assert added == (
        "- 2026-11-28 T 資產回顧 總資產 4,512,016 TWD\n"
        "  review:\n"
        "    total: 4512015.6\n"
        "    assets:\n"
        "      台幣定存: 3000000\n"
        "      富邦台灣科技基金: 1200000\n"
        "      美元債券: 312015.6\n"
        "      房貸: 6500000\n"
    )
    assert git(book, "log", "-1", "--format=%s") == "review: wang-wei 2026-11-28, total assets 4,512,016 TWD\n"
    assert git(book, "status", "--porcelain") == ""
    later = json.loads(run(["review", "wang-wei", "--as-of", "2026-12-31", "--json"], book).stdout)
    assert all(a["change"] == 0 and not a["new"] for a in later["assets"])
    assert [h["date"] for h in later["history"]] == ["2026-05-02", "2026-11-28", "2026-12-31"]
    assert run(["check"], book).exit_code == 0


def test_via_needs_record(book):
    result = run(["review", "wang-wei", "--via", "T"], book)
    assert result.exit_code == 2
    assert "--via goes with --record" in result.stderr


def test_missing_rate_exits_1_naming_asset_and_currency_and_writes_nothing(book):
    path = book / "clients" / "wang-wei.md"
    path.write_text(path.read_text(encoding="utf-8").replace("currency: USD", "currency: JPY"), encoding="utf-8")
    git(book, "commit", "-qam", "yen")
    before, head = path.read_bytes(), git(book, "rev-parse", "HEAD")
    result = run(["review", "wang-wei", "--record", "--pdf"], book)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: clients/wang-wei.md: 王偉 asset '美元債券': currency JPY has no rate")
    assert path.read_bytes() == before and git(book, "rev-parse", "HEAD") == head
    assert not (book / "clients" / "wang-wei").exists()


def test_unreadable_review_attribute_is_a_warning(book):
    path = book / "clients" / "wang-wei.md"
    path.write_text(path.read_text(encoding="utf-8").replace("total: 4000000", "total: AUTO"), encoding="utf-8")
    result = run(["review", "wang-wei", "--as-of", "2026-11-28", "--json"], book)
    assert result.exit_code == 0
    assert result.stderr == ("warning: clients/wang-wei.md:23: review total 'AUTO' is not a number; "
                             "this review is left out of the history chart\n")
    assert [h["date"] for h in json.loads(result.stdout)["history"]] == ["2026-11-28"]
