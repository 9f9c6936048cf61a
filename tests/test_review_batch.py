"""rmn review without CLIENT: a segment's PDF sheets in one run, committed in one commit or
written into a folder; the CJK face cut once for the batch, with the full face behind it."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

# matplotlib's font list from the normal cache, before the per-test HOME isolation
import matplotlib.font_manager  # noqa: F401,E402

from conftest import git, run, write_client
from rmnotes.render.fonts import cut_fonts, setup_fonts

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
AS_OF = "2026-11-28"


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def selected(sample: Path, *segment: str) -> list[dict]:
    result = run(["list", *segment, "--json"], vault=sample)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def commits(vault: Path) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD"))


@needs_poppler
def test_a_segments_sheets_in_one_commit(sample):
    chosen = selected(sample, "--tag", "expat")
    assert len(chosen) >= 3
    before = commits(sample)
    result = run(["review", "--tag", "expat", "--pdf", "--as-of", AS_OF], vault=sample)
    assert result.exit_code == 0, result.output
    pdfs = sorted(sample.glob("clients/*/reviews/*.pdf"))
    assert [p.relative_to(sample).as_posix() for p in pdfs] == sorted(
        f"clients/{c['id']}/reviews/{AS_OF}.pdf" for c in chosen)
    assert commits(sample) == before + 1
    changed = git(sample, "-c", "core.quotePath=false", "show", "--name-only", "--format=%s", "HEAD").split()
    assert changed[:4] == ["review:", str(len(chosen)), "sheets", AS_OF]
    assert sorted(changed[4:]) == [p.relative_to(sample).as_posix() for p in pdfs]
    assert git(sample, "status", "--porcelain") == ""
    assert f"wrote {len(chosen)} review sheets to clients/<id>/reviews/" in result.stderr
    for pdf, client in zip(pdfs, sorted(chosen, key=lambda c: c["id"])):
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
        assert re.search(r"^Pages: +1$", poppler("pdfinfo", str(pdf)), re.M)
        assert client["name"] in poppler("pdftotext", str(pdf), "-")
        # every glyph from the face cut for the batch: the full font was never read
        fonts = [line.split()[0].split("+")[-1] for line in poppler("pdffonts", str(pdf)).splitlines()[2:]]
        assert fonts and all(f.endswith("-rmnotes") for f in fonts), fonts
    # rendered again the same day: replaced, again one commit
    again = run(["review", "--tag", "expat", "--pdf", "--as-of", AS_OF], vault=sample)
    assert again.exit_code == 0, again.output
    assert commits(sample) <= before + 2


@needs_poppler
def test_pdf_dir_writes_into_the_folder_and_commits_nothing(sample, tmp_path):
    out = tmp_path / "月檢視"
    before = commits(sample)
    result = run(["review", "--tag", "young-family", "--pdf", str(out), "--as-of", AS_OF], vault=sample)
    assert result.exit_code == 0, result.output
    chosen = selected(sample, "--tag", "young-family")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{c['id']}-{AS_OF}.pdf" for c in chosen)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert not list(sample.glob("clients/*/reviews"))
    assert commits(sample) == before


# a client whose only holding is in a currency rmnotes.yaml gives no rate for
NO_RATE = """\
    ---
    name: 李四
    tier: A
    assets: [{name: 瑞郎存款, type: deposit, institution: ours, value: 1000, currency: CHF}]
    ---
"""


def test_a_client_without_a_rate_is_named_and_left_out(vault, tmp_path):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        tier: A
        assets: [{name: 定存, type: deposit, institution: ours, value: 1000000}]
        ---
    """)
    write_client(vault, "li-si", NO_RATE)
    result = run(["review", "--tier", "A", "--pdf", str(tmp_path / "out"), "--as-of", AS_OF], vault=vault)
    assert result.exit_code == 0, result.output
    assert "李四 (li-si) left out" in result.stderr and "CHF" in result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"wang-wei-{AS_OF}.pdf"]
    assert "wrote 1 review sheet to" in result.stderr


def test_a_client_left_out_is_said_in_the_vaults_language(vault, tmp_path):
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: zh_TW\n", encoding="utf-8")
    write_client(vault, "li-si", NO_RATE)
    result = run(["review", "--tier", "A", "--pdf", str(tmp_path / "out"), "--as-of", AS_OF], vault=vault)
    assert result.exit_code == 0, result.output
    assert "李四（li-si）" in result.stderr and "rmnotes.yaml 中沒有 CHF 的匯率" in result.stderr, result.stderr
    assert "has no rate" not in result.stderr


def test_without_client_only_pdfs_and_segments_with_a_client_are_usage_errors(sample, tmp_path):
    for args in (["review"], ["review", "--tier", "A"], ["review", "--pdf", "--json"],
                 ["review", "--pdf", "--record"], ["review", "--update"], ["review", "--out", str(tmp_path)],
                 ["review", "王偉", "--tier", "A"]):
        result = run(args, vault=sample)
        assert result.exit_code == 2, (args, result.output)
    assert not list(sample.glob("clients/*/reviews"))
    afile = tmp_path / "a.pdf"
    afile.write_bytes(b"x")
    result = run(["review", "--tier", "A", "--pdf", str(afile)], vault=sample)
    assert result.exit_code == 2 and "takes a folder" in result.output
    named_like_a_file = tmp_path / "batch.pdf"  # never made into a folder of PDFs
    result = run(["review", "--tier", "A", "--pdf", str(named_like_a_file)], vault=sample)
    assert result.exit_code == 2 and "takes a folder" in result.output and not named_like_a_file.exists()


def test_no_client_selected_says_so(sample):
    result = run(["review", "--tag", "no-such-tag", "--pdf"], vault=sample)
    assert result.exit_code == 0
    assert "no clients match --tag no-such-tag" in result.stderr


@needs_poppler
def test_a_character_the_cut_face_lacks_comes_from_the_full_face(tmp_path):
    from datetime import date
    from decimal import Decimal

    from rmnotes.config import Config
    from rmnotes.domain.review import build_review
    from rmnotes.parse.client import parse_client
    from rmnotes.render.review import PdfInfo, review_pdf

    fonts = setup_fonts("TW")
    if fonts.pdf_fonttype != 42:
        pytest.skip("no TrueType CJK font installed")
    parsed = parse_client("---\nname: 王偉\nassets: [{name: 鑫鑫定存, type: deposit, value: 100}]\n---\n",
                          "clients/wang-wei.md")
    sheet = build_review(parsed.client, Config(base_currency="TWD", fx={"USD": Decimal(31)}, region="TW"),
                         date(2026, 11, 28))
    cut = cut_fonts(fonts, "0123456789 ABC", str(tmp_path))  # none of the page's Chinese
    assert cut.pdf_families[1:] == fonts.pdf_families and cut.pdf_families[0].endswith(" rmnotes")
    path = tmp_path / "page.pdf"
    path.write_bytes(review_pdf(sheet, cut, PdfInfo("陳經理", "TW")))
    text = poppler("pdftotext", str(path), "-")
    assert "王偉" in text and "鑫鑫定存" in text
    names = poppler("pdffonts", str(path))
    assert "-rmnotes" in names and len(names.splitlines()) >= 4  # the cut face and the full one


@needs_poppler
def test_a_page_rasterises(sample, tmp_path):
    """The page as a picture (what a person looks at): A4, and not blank."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    result = run(["review", "--tag", "hk", "--pdf", str(tmp_path), "--as-of", AS_OF], vault=sample)
    assert result.exit_code == 0, result.output
    pdf = next(tmp_path.glob("*.pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    from matplotlib import image

    pixels = image.imread(str(tmp_path / "page.png"))
    height, width = pixels.shape[:2]
    assert abs(height / width - 297 / 210) < 0.02
    assert (pixels[..., :3].mean(axis=2) < 0.5).mean() > 0.02  # ink: the header band, text, charts


@needs_poppler
def test_the_page_prints_names_as_written(tmp_path):
    """Two dollar signs are not a formula (US$ ... NT$), and an accent written apart from its
    letter (José in decomposed form) is copied out of the PDF once, as é."""
    import unicodedata
    from datetime import date
    from decimal import Decimal

    from rmnotes.config import Config
    from rmnotes.domain.review import build_review
    from rmnotes.parse.client import parse_client
    from rmnotes.render.review import PdfInfo, review_pdfs

    name = unicodedata.normalize("NFD", "José Lin")
    parsed = parse_client(f"---\nname: {name}\nassets: [{{name: US$ 定存 轉 NT$ 定存, type: deposit, value: 100}}]\n---\n",
                          "clients/jose-lin.md")
    sheet = build_review(parsed.client, Config(base_currency="TWD", fx={"USD": Decimal(31)}, region="TW"),
                         date(2026, 11, 28))
    [data] = review_pdfs([sheet], setup_fonts("TW"), PdfInfo("陳經理", "TW"))
    path = tmp_path / "page.pdf"
    path.write_bytes(data)
    text = unicodedata.normalize("NFC", poppler("pdftotext", str(path), "-"))
    assert "US$ 定存 轉 NT$ 定存" in text
    assert "José Lin" in text and "éé" not in text


@needs_poppler
def test_a_character_no_font_draws_is_one_warning_naming_the_client(vault, tmp_path):
    """Not Python's warning with its source line, once per glyph: one line per client."""
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        tier: A
        assets: [{name: 🏠 自宅, type: property, institution: self, value: 1000000}]
        ---
    """)
    alone = run(["review", "wang-wei", "--as-of", AS_OF, "--pdf", str(tmp_path / "one.pdf")], vault=vault)
    batch = run(["review", "--tier", "A", "--as-of", AS_OF, "--pdf", str(tmp_path)], vault=vault)
    for result in (alone, batch):
        assert result.exit_code == 0, result.output
        said = [line for line in result.stderr.splitlines() if "🏠" in line]
        assert said == ["warning: 王偉 (wang-wei): no font installed here draws 🏠; they show as empty boxes"], result.stderr
        assert "UserWarning" not in result.stderr
