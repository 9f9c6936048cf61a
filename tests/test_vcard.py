"""Phone contacts: `rmn export vcf` read back with vobject, and phones' own cards read."""

from __future__ import annotations

import stat
import subprocess
import textwrap
from datetime import date

import pytest
import vobject

from rmnotes.domain.contacts import card_uid, client_of_uid, read_contacts
from rmnotes.names import split_name
from rmnotes.parse.client import parse_client
from tests.conftest import run


def _cards(path):
    return list(vobject.readComponents(path.read_text(encoding="utf-8")))


def _clients(vault):
    out = {}
    for path in sorted((vault / "clients").glob("*.md")):
        parsed = parse_client(path.read_text(encoding="utf-8-sig"), f"clients/{path.name}")
        out[parsed.client.id] = parsed.client
    return out


def _prop(card, name):
    items = card.contents.get(name, [])
    return [p.value for p in items]


def test_export_vcf_every_field_read_back(sample, tmp_path):
    target = tmp_path / "book.vcf"
    result = run(["export", "vcf", str(target), "--tier", "A"], sample)
    assert result.exit_code == 0, result.output
    clients = _clients(sample)
    tier_a = {cid for cid, c in clients.items() if c.tier == "A"}
    cards = _cards(target)
    assert len(cards) == len(tier_a) == 11
    assert f"wrote {target}: 11 contacts" in result.stderr
    seen = set()
    for card in cards:
        cid = card.uid.value.split(".")[0]
        seen.add(cid)
        c = clients[cid]
        profile = c.meta.get("profile", {})
        assert card.version.value == "3.0"
        assert card.fn.value == c.name
        family, given = split_name(c.name)
        assert (card.n.value.family, card.n.value.given) == (family, given)
        assert family + given == c.name.replace(" ", "") or c.name == f"{given} {family}"
        tels = {tuple(p.params["TYPE"]): p.value for p in card.contents.get("tel", [])}
        expected_tels = {}
        if profile.get("mobile"):
            expected_tels[("CELL",)] = profile["mobile"]  # as written, spaces and dashes kept
        if profile.get("phone"):
            expected_tels[("WORK",)] = profile["phone"]
        assert tels == expected_tels
        assert _prop(card, "email") == ([profile["email"]] if profile.get("email") else [])
        assert [a.street for a in _prop(card, "adr")] == ([profile["address"]] if profile.get("address") else [])
        assert _prop(card, "bday") == ([c.birthday.isoformat()] if c.birthday else [])
        assert _prop(card, "org") == ([[profile["employer"]]] if profile.get("employer") else [])
        assert _prop(card, "title") == ([profile["occupation"]] if profile.get("occupation") else [])
        assert _prop(card, "note") == ["tier A"]
        assert _prop(card, "nickname") == list(c.aliases)
    assert seen == tier_a
    # one known client spelled out, so the comparison above cannot pass vacuously
    wang = next(c for c in cards if c.fn.value == "王偉")
    assert wang.tel.value == "+886 912 345 678" and wang.tel.params["TYPE"] == ["CELL"]
    assert (wang.n.value.family, wang.n.value.given) == ("王", "偉")
    assert wang.org.value == ["台積電"] and wang.title.value == "工程師"
    assert wang.bday.value == "1975-06-12" and wang.adr.value.street == "台中市西屯區市政路 100 號"
    zhang = next(c for c in cards if c.fn.value == "張惠珍")
    assert {p.value: p.params["TYPE"] for p in zhang.contents["tel"]} == {
        "0912-006-381": ["CELL"], "02-2736-5521": ["WORK"]}


def test_export_vcf_owner_only_stable_uid_and_clone(sample, tmp_path):
    first, second = tmp_path / "a.vcf", tmp_path / "b.vcf"
    assert run(["export", "vcf", str(first)], sample).exit_code == 0
    run(["log", "wang-wei", "T", "電話問候"], sample)  # the book changes between exports
    assert run(["export", "vcf", str(second)], sample).exit_code == 0
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(second.stat().st_mode) == 0o600
    uids = [c.uid.value for c in _cards(first)]
    assert len(uids) == len(set(uids)) == 40
    assert uids == [c.uid.value for c in _cards(second)]
    assert first.read_bytes() == second.read_bytes()
    # a clone of the vault on another device gives its clients the same UIDs
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(sample), str(clone)], check=True)
    third = tmp_path / "c.vcf"
    assert run(["export", "vcf", str(third)], clone).exit_code == 0
    assert [c.uid.value for c in _cards(third)] == uids
    # the UID names the client for this vault only
    key = uids[0].split(".")[1].split("@")[0]
    assert client_of_uid(uids[0], key) == uids[0].split(".")[0]
    assert client_of_uid(card_uid("0" * 12, "wang-wei"), key) is None


def test_export_vcf_segment_and_errors(sample, tmp_path):
    result = run(["export", "vcf", str(tmp_path / "x.vcf"), "--tag", "no-such-tag"], sample)
    assert result.exit_code == 0 and "no clients match --tag no-such-tag" in result.stderr
    assert (tmp_path / "x.vcf").read_bytes() == b""  # an empty selection: no contacts
    result = run(["export", "vcf", str(tmp_path / "missing" / "x.vcf")], sample)
    assert result.exit_code == 1 and "does not exist" in result.stderr
    result = run(["export", "pdf", str(tmp_path / "x.pdf")], sample)
    assert result.exit_code == 2


@pytest.mark.parametrize("name, parts", [
    ("王偉", ("王", "偉")), ("陳美玲", ("陳", "美玲")), ("歐陽娜娜", ("歐陽", "娜娜")),
    ("司馬光", ("司馬", "光")), ("諸葛亮", ("諸葛", "亮")), ("张简明", ("张简", "明")),
    ("司馬", ("司", "馬")), ("David Lin", ("Lin", "David")), ("Cher", ("Cher", "")),
])
def test_split_name(name, parts):
    assert split_name(name) == parts


APPLE = textwrap.dedent("""\
    BEGIN:VCARD
    VERSION:3.0
    PRODID:-//Apple Inc.//iPhone OS 17.5//EN
    N:歐陽;娜娜;;;
    FN:歐陽娜娜
    NICKNAME:Nana
    ORG:台大醫院;小兒科;
    TITLE:醫師
    item1.TEL;type=pref:+886 955 123 456
    item1.X-ABLabel:_$!<Mobile>!$_
    TEL;type=WORK;type=VOICE:02-2312-3456
    TEL;type=FAX:02-2312-0000
    item2.EMAIL;type=INTERNET;type=pref:nana@example.com
    item2.X-ABLabel:_$!<Home>!$_
    item3.ADR;type=HOME;type=pref:;;中山南路 7 號;台北市;中正區;100;台灣
    item3.X-ABADR:tw
    BDAY;X-APPLE-OMIT-YEAR=1604:1604-06-12
    X-SOCIALPROFILE;type=line;x-user=nana:x-apple:nana
    NOTE:認識於醫院講座，對兒童保險有興趣，請在下班時間聯繫，她很忙，週末較方便
     ，記得帶資料
    END:VCARD
""")

GOOGLE = textwrap.dedent("""\
    BEGIN:VCARD
    VERSION:3.0
    FN:林志明
    N:林;志明;;;
    EMAIL;TYPE=INTERNET;TYPE=WORK:zm.work@example.com
    EMAIL;TYPE=INTERNET;TYPE=HOME:zm@example.com
    TEL;TYPE=CELL:0932 118 406
    TEL;TYPE=CELL:0988 000 111
    item1.TEL:(02) 2700-1234
    item1.X-ABLabel:公司
    ADR;TYPE=HOME:;;信義路五段 7 號;台北市;;110;TW
    item2.ORG:Northbay
    BDAY:1979-03-21
    CATEGORIES:myContacts
    X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Jimmy;1;;;;;;;;;;;;;
    END:VCARD
""")

ANDROID_QP = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=99=B3;=E7=BE=8E=E7=8E=B2;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=99=B3=E7=BE=8E=E7=8E=B2\r\n"
    "TEL;CELL;PREF:0921338572\r\nTEL;HOME:02-2700-0000\r\n"
    "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;=E4=BB=81=E6=84=9B=E8=B7=AF=\r\n"
    "=E5=9B=9B=E6=AE=B5;=E5=8F=B0=E5=8C=97=E5=B8=82;;;\r\n"
    "END:VCARD\r\n"
)

VCARD4 = textwrap.dedent("""\
    BEGIN:VCARD
    VERSION:4.0
    FN:David Lin
    N:Lin;David;;;
    TEL;VALUE=uri;TYPE="cell,voice";PREF=1:tel:+886-975-284-119
    EMAIL;TYPE=work:david.lin@example.com
    BDAY:19801211
    UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
    END:VCARD
""")


def test_read_apple_card():
    (r,) = read_contacts(APPLE, "apple.vcf").records
    assert r.name == "歐陽娜娜" and r.place == "apple.vcf:1"
    assert r.values == {
        ("profile", "mobile"): "+886 955 123 456",  # the Mobile label of its item1 group
        ("profile", "phone"): "02-2312-3456",
        ("profile", "email"): "nana@example.com",
        ("profile", "address"): "100中正區台北市中山南路 7 號",
        ("profile", "employer"): "台大醫院 小兒科",
        ("profile", "occupation"): "醫師",
        ("aliases",): ["Nana"],
    }  # a birthday whose year Apple omits is no birthday
    assert r.note.startswith("認識於醫院講座") and r.note.endswith("，記得帶資料")  # unfolded
    assert "TEL 02-2312-0000 (fax)" in r.left_out and "BDAY 1604-06-12" in r.left_out


def test_read_google_card():
    (r,) = read_contacts(GOOGLE, "google.vcf").records
    assert r.values == {
        ("profile", "mobile"): "0932 118 406",
        ("profile", "phone"): "(02) 2700-1234",  # a label the user typed: not a mobile
        ("profile", "email"): "zm.work@example.com",
        ("profile", "address"): "110台北市信義路五段 7 號",
        ("profile", "employer"): "Northbay",
        ("profile", "birthday"): date(1979, 3, 21),
    }
    assert r.left_out == ("TEL 0988 000 111", "EMAIL zm@example.com")


def test_read_android_quoted_printable_and_vcard4():
    (old,) = read_contacts(ANDROID_QP, "android.vcf").records
    assert old.name == "陳美玲"
    assert old.values == {("profile", "mobile"): "0921338572", ("profile", "phone"): "02-2700-0000",
                          ("profile", "address"): "台北市仁愛路四段"}
    (new,) = read_contacts(VCARD4, "v4.vcf").records
    assert new.values == {("profile", "mobile"): "+886-975-284-119",
                          ("profile", "email"): "david.lin@example.com",
                          ("profile", "birthday"): date(1980, 12, 11)}
    assert new.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"


def test_read_is_total_one_bad_card_alone():
    text = (APPLE + "BEGIN:VCARD\nVERSION:3.0\nTEL:0911\nEND:VCARD\n" + GOOGLE
            + "BEGIN:VCARD\nVERSION:3.0\nFN:X\nBEGIN:VCARD\nEND:VCARD\n")
    read = read_contacts(text, "mixed.vcf")
    assert [r.name for r in read.records] == ["歐陽娜娜", "林志明"]
    assert [i.line for i in read.issues] == [22, len(text.splitlines()) - 4, len(text.splitlines()) - 1]
    assert read.issues[0].message == "a card with no name (FN or N); left out"
    assert read.issues[1].message.startswith("a card that cannot be read")  # never ended
    assert read_contacts("hello\n", "empty.vcf").issues[0].message.startswith("no vCard")


def test_export_then_read_gives_the_file_values(sample, tmp_path):
    target = tmp_path / "book.vcf"
    run(["export", "vcf", str(target)], sample)
    clients = _clients(sample)
    records = read_contacts(target.read_text(encoding="utf-8"), "book.vcf").records
    assert len(records) == 40
    for r in records:
        c = clients[r.uid.split(".")[0]]
        profile = c.meta.get("profile", {})
        assert r.name == c.name
        for (_, *rest), value in r.values.items():
            key = rest[0] if rest else "aliases"
            expected = list(c.aliases) if key == "aliases" else (
                c.birthday if key == "birthday" else str(profile[key]))
            assert value == expected, (c.id, key)
