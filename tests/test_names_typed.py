"""Names as people type them: Traditional or Simplified, pinyin, Wade-Giles and Taiwanese
passport spellings, Hong Kong Cantonese surnames, and a family member's name."""

from __future__ import annotations

import json

import pytest

from conftest import run, write_client
from rmnotes import names


# ---------------------------------------------------------------------- the name rules
def test_fold_makes_traditional_simplified_in_place():
    assert names.fold("陳美玲") == "陈美玲"
    assert names.fold("基金轉換，臺灣") == "基金转换，台湾"
    assert names.fold("陈美玲 Amy") == "陈美玲 Amy"
    every = "".join(map(chr, names.fold_table()))
    folded = names.fold(every)
    assert len(folded) == len(every) == 4221  # places found in a folded line are the text's
    assert all(a != b for a, b in zip(every, folded))  # the table holds only what changes


@pytest.mark.parametrize("name, wade_giles", [
    ("許雅雯", ("hsu", "ya", "wen")), ("張志明", ("chang", "chih", "ming")), ("鄭家偉", ("cheng", "chia", "wei")),
    ("蔡明哲", ("tsai", "ming", "che")), ("謝佩珊", ("hsieh", "pei", "shan")), ("周文雄", ("chou", "wen", "hsiung")),
    ("郭志豪", ("kuo", "chih", "hao")), ("曾國強", ("tseng", "kuo", "chiang")), ("呂秀蓮", ("lu", "hsiu", "lien")),
])
def test_wade_giles_as_passports_write_it(name, wade_giles):
    assert names.reading(name).wade_giles == wade_giles


def test_client_keys_hold_every_spelling():
    keys = names.client_keys("xu-ya-wen", "許雅雯", ["Yvonne Hsu"])
    assert {"許雅雯", "许雅雯", "xuyawen", "hsuyawen", "yawenhsu", "yawenxu", "yvonnehsu", "xuyawen"} <= keys
    assert {"leezonghan", "zonghanlee", "litsunghan", "leetsunghan"} <= names.client_keys("x", "李宗翰", [])
    assert names.reading("歐陽娜娜").surname == 2
    assert "nanaouyang" in names.client_keys("x", "歐陽娜娜", [])


@pytest.mark.parametrize("name, spelled", [
    ("陳大文", ("chan",)), ("陈大文", ("chan",)), ("黃小明", ("wong",)), ("張家輝", ("cheung",)),
    ("劉德華", ("lau",)), ("吳君如", ("ng",)), ("區家豪", ("au",)), ("歐陽震華", ("auyeung",)), ("Zed", ()),
])
def test_cantonese_surnames(name, spelled):
    assert names.cantonese_surname(name) == spelled


# ---------------------------------------------------------------------- the sample vault
def hits(vault, *query):
    result = run(["find", "--json", *query], vault)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown(vault, who: str) -> tuple[str, str]:
    """(the client id `rmn show --json` opens, stderr)."""
    result = run(["show", "--json", who], vault)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["id"], result.stderr


def test_find_simplified_finds_traditional(sample):
    found = hits(sample, "陈美玲")
    assert {(h["client"], h["where"], h["text"]) for h in found} >= {
        ("chen-mei-ling", "name", "陳美玲"), ("lin-zhi-ming", "family", "陳美玲")}
    assert all("陳美玲" in h["text"] for h in found)
    assert found == hits(sample, "陳美玲")


def test_find_simplified_phrase_and_its_place_in_the_line(sample):
    found = hits(sample, "基金转换")
    assert found and all("基金轉換" in h["text"] for h in found)
    assert found == hits(sample, "基金轉換")
    table = run(["find", "基金转换"], sample)
    assert "基金轉換" in table.stdout


def test_find_two_simplified_characters(sample):
    assert hits(sample, "转换") == hits(sample, "轉換") != []
    assert [h["client"] for h in hits(sample, "雅雯")] == [h["client"] for h in hits(sample, "雅雯")]


@pytest.mark.parametrize("typed", ["Hsu Ya Wen", "Ya-Wen Hsu", "HSU YA-WEN", "hsuyawen", "xu ya wen",
                                   "许雅雯", "許雅雯", "Yvonne Hsu"])
def test_show_by_passport_spelling_or_either_script(sample, typed):
    assert shown(sample, typed) == ("xu-ya-wen", "")


@pytest.mark.parametrize("typed, client", [
    ("Tsai Ming Che", "cai-ming-zhe"), ("Chou Wen Hsiung", "zhou-wen-xiong"),
    ("Cheng Chia Wei", "zheng-jia-wei"), ("Chang Hui Chen", "zhang-hui-zhen"),
    ("Hsieh Pei Shan", "xie-pei-shan"), ("Tsai", "cai-ming-zhe"), ("蔡明哲", "cai-ming-zhe"),
])
def test_wade_giles_and_taiwanese_spellings(sample, typed, client):
    assert shown(sample, typed)[0] == client


def test_a_surname_shared_by_several_clients_lists_them(sample):
    result = run(["show", "Hsieh"], sample)
    assert result.exit_code == 1
    assert "謝佩珊 (xie-pei-shan)" in result.stderr and "解文彬 (xie-wen-bin)" in result.stderr


def test_show_a_family_member_says_whose_and_shows_that_client(sample):
    result = run(["show", "林淑芬"], sample)
    assert result.exit_code == 0, result.output
    assert result.stderr == "林淑芬 is 王偉's spouse\n"
    assert result.stdout.lstrip().startswith("王偉")
    assert shown(sample, "林淑芬") == ("wang-wei", "林淑芬 is 王偉's spouse\n")
    assert shown(sample, "林淑芬".replace("淑", "淑"))[0] == "wang-wei"


def test_a_family_member_with_a_file_of_her_own_is_her_file(sample):
    # 陳美玲 is 林志明's spouse, and a client herself
    assert shown(sample, "陳美玲") == ("chen-mei-ling", "")
    assert shown(sample, "陈美玲") == ("chen-mei-ling", "")


def test_the_cantonese_surname_of_a_client_of_hong_kong(sample):
    assert shown(sample, "Au Ka Ho".split()[0])[0] == "ou-jia-hao"  # region: HK in his file
    result = run(["show", "Chan"], sample)  # 詹 in Wade-Giles, and Chang; 陳 of Taiwan is Chen
    assert result.exit_code == 1 and "詹淑玲 (zhan-shu-ling)" in result.stderr
    assert "陳" not in result.stderr


# ---------------------------------------------------------------------- small vaults
def test_the_vault_region_makes_every_client_hong_kong(vault):
    write_client(vault, "chen-da-wen", "---\nname: 陳大文\naliases: [Peter]\n---\n")
    write_client(vault, "huang-mei", "---\nname: 黃美\nregion: TW\n---\n")
    assert run(["show", "--json", "Chan"], vault).exit_code == 1  # the vault is TW
    (vault / "rmnotes.yaml").write_text((vault / "rmnotes.yaml").read_text(encoding="utf-8")
                                        .replace("region: TW", "region: HK"), encoding="utf-8")
    assert shown(vault, "Chan")[0] == "chen-da-wen"
    assert shown(vault, "Peter Chan")[0] == "chen-da-wen"
    assert shown(vault, "Hwang")[0] == "huang-mei"  # her own region TW: the Taiwanese spelling
    assert run(["show", "--json", "Wong"], vault).exit_code == 1  # not the Cantonese one


def test_a_family_member_of_two_clients_is_ambiguous(vault):
    for cid, name in (("wang-wei", "王偉"), ("li-si", "李四")):
        write_client(vault, cid, f"---\nname: {name}\nfamily:\n  - {{name: 林淑芬, relation: sibling}}\n---\n")
    result = run(["show", "林淑芬"], vault)
    assert result.exit_code == 1
    assert ("'林淑芬' is in the family of 2 clients: 林淑芬 is 李四's sibling (li-si); "
            "林淑芬 is 王偉's sibling (wang-wei)") in result.stderr


def test_a_family_member_written_in_simplified_is_found_in_traditional(vault):
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily:\n  - {name: 陈丽华, relation: parent}\n---\n")
    assert shown(vault, "陳麗華") == ("wang-wei", "陈丽华 is 王偉's parent\n")
