"""rmn import contacts.vcf: a phone's own cards into the sample book, fill-only."""

from __future__ import annotations

import json
import textwrap
from datetime import date

from conftest import git, run, write_client
from rmnotes.parse.client import parse_client
from test_vcard import APPLE, GOOGLE


def commits(vault) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD").strip())


def client(vault, client_id):
    path = vault / "clients" / f"{client_id}.md"
    parsed = parse_client(path.read_text(encoding="utf-8-sig"), f"clients/{client_id}.md")
    assert parsed.client is not None, parsed.issues
    return parsed.client


# 張惠珍 as her phone knows her: another mobile and office number, an email and an employer
# the file does not have, another birthday
ZHANG = textwrap.dedent("""\
    BEGIN:VCARD
    VERSION:3.0
    N:張;惠珍;;;
    FN:張惠珍
    TEL;TYPE=CELL:0912 999 000
    TEL;TYPE=WORK:02-0000-0000
    EMAIL;TYPE=INTERNET:huizhen.chang@example.com
    ORG:台灣電力公司
    BDAY:1953-01-01
    END:VCARD
""")
# a card for a closed client, found by her mobile alone (the phone has a nickname for her)
CLOSED_BY_MOBILE = textwrap.dedent("""\
    BEGIN:VCARD
    VERSION:3.0
    FN:高太太
    TEL;TYPE=CELL:{mobile}
    EMAIL;TYPE=INTERNET:gao@example.com
    END:VCARD
""")


def test_phone_contacts_into_the_sample(sample, tmp_path):
    gao = client(sample, "gao-zhi-wei")
    assert gao.status == "closed" and "email" not in gao.meta.get("profile", {})
    cards = tmp_path / "iphone.vcf"
    cards.write_text(APPLE + GOOGLE + ZHANG + CLOSED_BY_MOBILE.format(mobile=gao.meta["profile"]["mobile"]),
                     encoding="utf-8")
    zhang_before = (sample / "clients" / "zhang-hui-zhen.md").read_bytes()
    lin_before = (sample / "clients" / "lin-zhi-ming.md").read_bytes()
    before = commits(sample)

    result = run(["import", str(cards)], sample)
    assert result.exit_code == 0, result.output
    assert commits(sample) == before + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == f"import: {cards.name}: 1 new, 3 updated"
    assert run(["check"], sample).exit_code == 0

    # a new person: a prospect, with the card's details as written
    nana = client(sample, "ou-yang-na-na")
    assert nana.name == "歐陽娜娜" and nana.status == "prospect" and nana.aliases == ("Nana",)
    assert nana.meta["profile"]["mobile"] == "+886 955 123 456"
    assert nana.meta["profile"]["phone"] == "02-2312-3456"
    assert nana.meta["profile"]["email"] == "nana@example.com"
    assert nana.meta["profile"]["employer"] == "台大醫院 小兒科"
    assert nana.birthday is None  # Apple omitted the year
    assert nana.notes.startswith("認識於醫院講座")
    assert nana.meta["imported"] == {"vcard": "TEL 02-2312-0000 (fax); BDAY 1604-06-12"}

    # an existing client: only the empty fields filled, nothing overwritten, status kept
    zhang = client(sample, "zhang-hui-zhen")
    profile = zhang.meta["profile"]
    assert profile["mobile"] == "0912-006-381" and profile["phone"] == "02-2736-5521"
    assert zhang.birthday == date(1952, 8, 8) and zhang.status == "active"
    assert profile["email"] == "huizhen.chang@example.com" and profile["employer"] == "台灣電力公司"
    after = (sample / "clients" / "zhang-hui-zhen.md").read_bytes()
    removed = [line for line in zhang_before.decode().splitlines() if line not in after.decode().splitlines()]
    assert removed == []  # lines only added
    assert len(after.decode().splitlines()) == len(zhang_before.decode().splitlines()) + 2

    # 林志明's card (Google): his office number filled, the rest of the card kept aside;
    # his own mobile and email stay, every line of his file stays
    lin = client(sample, "lin-zhi-ming")
    assert lin.meta["profile"]["mobile"] == "0932-118-406" and lin.meta["profile"]["email"] == "zm.lin@example.com"
    assert lin.meta["profile"]["phone"] == "(02) 2700-1234"
    assert lin.meta["imported"] == {"vcard": "TEL 0988 000 111; EMAIL zm@example.com"}
    lin_after = (sample / "clients" / "lin-zhi-ming.md").read_text(encoding="utf-8").splitlines()
    assert set(lin_before.decode().splitlines()) <= set(lin_after)
    # the closed client found by mobile: email filled, still closed, name kept
    gao_after = client(sample, "gao-zhi-wei")
    assert gao_after.status == "closed" and gao_after.name == gao.name
    assert gao_after.meta["profile"]["email"] == "gao@example.com"

    # the same file again: nothing to do, no commit
    head = git(sample, "rev-parse", "HEAD")
    again = run(["import", str(cards)], sample)
    assert again.exit_code == 0 and "0 new, 0 updated, 4 unchanged" in again.stderr
    assert git(sample, "rev-parse", "HEAD") == head


def test_dry_run_and_json_plan(sample, tmp_path):
    cards = tmp_path / "google.vcf"
    cards.write_text(ZHANG, encoding="utf-8")
    head = git(sample, "rev-parse", "HEAD")
    result = run(["import", str(cards), "--dry-run", "--json"], sample)
    assert result.exit_code == 0 and git(sample, "rev-parse", "HEAD") == head
    plan = json.loads(result.stdout)
    (updated,) = plan["updated"]
    assert {c["field"] for c in updated["changes"]} == {"profile.email", "profile.employer"}
    assert not git(sample, "status", "--porcelain")


def test_export_then_import_changes_nothing(sample, tmp_path):
    cards = tmp_path / "book.vcf"
    assert run(["export", "vcf", str(cards)], sample).exit_code == 0
    head = git(sample, "rev-parse", "HEAD")
    result = run(["import", str(cards)], sample)
    assert result.exit_code == 0 and "0 new, 0 updated, 40 unchanged" in result.stderr
    assert git(sample, "rev-parse", "HEAD") == head


def test_a_card_exported_is_matched_by_its_uid(sample, tmp_path):
    """The UID names the client even when the phone renamed the contact."""
    cards = tmp_path / "one.vcf"
    run(["export", "vcf", str(cards), "--tag", "dentist"], sample)
    text = cards.read_text(encoding="utf-8")
    (cid,) = {line.split(":")[1].split(".")[0] for line in text.splitlines() if line.startswith("UID:")}
    cards.write_text(text.replace("FN:黃建華", "FN:黃醫師").replace("N:黃;建華;;;", "N:黃;醫師;;;"),
                     encoding="utf-8")
    result = run(["import", str(cards), "--dry-run"], sample)
    assert result.exit_code == 0 and "1 unchanged" in result.stderr and cid == "huang-jian-hua"


def test_an_ambiguous_card_is_an_error_and_the_others_import(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    write_client(vault, "wang-wei-2", "---\nname: 王偉\nprofile: {mobile: '0911'}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two 王偉")
    cards = tmp_path / "c.vcf"
    cards.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:王偉\nTEL:0922\nEND:VCARD\n" + GOOGLE
                     + "BEGIN:VCARD\nVERSION:3.0\nTEL:0933\nEND:VCARD\n", encoding="utf-8")
    result = run(["import", str(cards)], vault)
    assert result.exit_code == 1
    assert f"{cards}:1: 王偉 matches 2 clients" in result.stdout
    assert f"{cards}:{6 + len(GOOGLE.splitlines())}: a card with no name (FN or N); left out" in result.stdout
    assert client(vault, "lin-zhi-ming").status == "prospect"
    assert "mobile" not in client(vault, "wang-wei").meta.get("profile", {})


def test_contacts_go_alone(vault, tmp_path):
    cards = tmp_path / "c.vcf"
    cards.write_text(GOOGLE, encoding="utf-8")
    assert run(["import", str(cards), "--sheet", "x"], vault).exit_code == 2
    assert run(["import", str(tmp_path / "missing.vcf")], vault).exit_code == 1
    (tmp_path / "big5.vcf").write_bytes("BEGIN:VCARD\nFN:王偉\nEND:VCARD\n".encode("cp950"))
    result = run(["import", str(tmp_path / "big5.vcf")], vault)
    assert result.exit_code == 1 and "not UTF-8" in result.stderr


def test_the_plan_under_redact(sample, tmp_path):
    cards = tmp_path / "google.vcf"
    cards.write_text(ZHANG, encoding="utf-8")
    shown = run(["--redact", "import", str(cards), "--dry-run"], sample)
    assert shown.exit_code == 0 and "profile.email: + •••" in shown.stdout
    assert "huizhen" not in shown.stdout
    assert run(["--redact", "import", str(cards), "--dry-run", "--json"], sample).exit_code == 2
    masked = run(["--redact-json", "import", str(cards), "--dry-run", "--json"], sample)
    assert masked.exit_code == 0 and "huizhen" not in masked.stdout and "•••" in masked.stdout
