"""Client names as keys: pinyin slugs for file names and the keys CLIENT resolves against.

pypinyin reads surnames as ordinary words (曾 ceng, 單 dan, 區 qu); the surname table
below fixes the first character (or two, for compound surnames). pypinyin is imported
only when a name is actually transliterated (~150 ms), i.e. when the index refreshes a
changed file or ``rmn new`` makes a file name, never on a warm read.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterable

# Surnames whose reading differs from the character's common reading (traditional and
# simplified forms both listed), and compound surnames.
SURNAMES: dict[str, list[str]] = {
    "曾": ["zeng"], "單": ["shan"], "单": ["shan"], "區": ["ou"], "区": ["ou"],
    "解": ["xie"], "仇": ["qiu"], "查": ["zha"], "樂": ["yue"], "乐": ["yue"],
    "朴": ["piao"], "繆": ["miao"], "缪": ["miao"], "蓋": ["ge"], "盖": ["ge"],
    "覃": ["qin"], "秘": ["bi"], "召": ["shao"], "任": ["ren"], "沈": ["shen"],
    "莘": ["shen"], "員": ["yun"], "员": ["yun"], "種": ["chong"], "种": ["chong"],
    "翟": ["zhai"], "祭": ["zhai"], "隗": ["wei"], "万": ["wan"], "萬": ["wan"],
    "華": ["hua"], "华": ["hua"], "紀": ["ji"], "纪": ["ji"], "冼": ["xian"],
    "尉": ["wei"], "殷": ["yin"], "柏": ["bai"], "藏": ["zang"], "長": ["zhang"],
    "長孫": ["zhang", "sun"], "长孙": ["zhang", "sun"], "尉遲": ["yu", "chi"],
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "歐陽": ["ou", "yang"], "欧阳": ["ou", "yang"],
    "司馬": ["si", "ma"], "司马": ["si", "ma"], "諸葛": ["zhu", "ge"], "诸葛": ["zhu", "ge"],
    "上官": ["shang", "guan"], "夏侯": ["xia", "hou"], "皇甫": ["huang", "fu"],
    "令狐": ["ling", "hu"], "澹臺": ["tan", "tai"], "澹台": ["tan", "tai"],
    "單于": ["chan", "yu"], "单于": ["chan", "yu"],
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=4096)
def syllables(name: str) -> tuple[str, ...]:
    """Pinyin syllables of a name, surname read as a surname: 曾國強 -> zeng guo qiang."""
    name = name.strip()
    head: list[str] = []
    rest = name
    for length in (2, 1):
        if len(name) >= length and name[:length] in SURNAMES:
            head = SURNAMES[name[:length]]
            rest = name[length:]
            break
    from pypinyin import Style, lazy_pinyin

    tail = lazy_pinyin(rest, style=Style.NORMAL, errors=lambda s: [s])
    out = list(head)
    for part in tail:
        part = part.strip().lower()
        if part:
            out.extend(part.split())
    return tuple(_ascii(p) for p in out if _ascii(p))


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii()).lower()


def slug(name: str) -> str:
    """A lower-case ASCII file stem: 陳美玲 -> chen-mei-ling, David Wang -> david-wang."""
    words = syllables(name) if has_cjk(name) else (_ascii(name),)
    text = "-".join(words)
    return _NON_SLUG.sub("-", text).strip("-") or "client"


def normalise(text: str) -> str:
    """The form CLIENT input and keys are compared in: lower case, no spaces or dashes."""
    return re.sub(r"[\s\-_.·・]+", "", unicodedata.normalize("NFKC", text).lower())


def client_keys(client_id: str, name: str, aliases: Iterable[str],
                pinyin: Callable[[str], tuple[str, ...]] | None = None) -> set[str]:
    """The keys CLIENT input is matched against; ``pinyin`` may be a cached :func:`syllables`."""
    pinyin = pinyin or syllables
    keys = {normalise(client_id), normalise(name)}
    for alias in aliases:
        keys.add(normalise(alias))
        if has_cjk(alias):
            keys.add("".join(pinyin(alias)))
    if has_cjk(name):
        keys.add("".join(pinyin(name)))
    keys.discard("")
    return keys


MAX_ID = 80  # characters of an id (ASCII): a file name has at most 255 bytes, and -2 ... must fit


def unique_id(existing: set[str], name: str) -> str:
    """The name's slug, cut to :data:`MAX_ID` at a word break, then -2, -3, ... when taken."""
    base = slug(name)
    if len(base) > MAX_ID:
        cut = base[:MAX_ID]
        base = (cut[:cut.rfind("-")] if cut.rfind("-") > MAX_ID // 2 else cut).strip("-")
    candidate, n = base, 2
    while candidate in existing:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
