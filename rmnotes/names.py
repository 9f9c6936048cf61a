"""Client names as keys: pinyin slugs for file names and the keys CLIENT resolves against.

pypinyin reads surnames as ordinary words (曾 ceng, 單 dan, 區 qu); the surname table
below fixes the first character (or two, for compound surnames). pypinyin is imported
only when a name is actually transliterated (~150 ms), i.e. when the index refreshes a
changed file or ``rmn new`` makes a file name, never on a warm read.

A name is matched however it is typed:

- Traditional and Simplified characters are one name: keys and queries are *folded*
  character by character to Simplified with OpenCC's ``t2s`` table (:func:`fold_table`,
  computed once per index and kept in it, so a query never imports OpenCC);
- Latin spellings: Hanyu pinyin, Wade-Giles as Taiwanese passports write it (no
  apostrophes or umlauts: 許 Hsu, 蔡 Tsai, 謝 Hsieh, 周 Chou, 郭 Kuo) with the common
  Taiwanese surname spellings beside it (李 Lee, 黃 Hwang), a Wade-Giles surname with a
  pinyin given name, and each with the surname last (``Ya Wen Hsu``); for a client of
  Hong Kong or Macau, the Cantonese surname (陳 Chan, 黃 Wong, 張 Cheung, 劉 Lau, 吳 Ng).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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

# Taiwanese passport spellings of surnames beside their Wade-Giles (Traditional and Simplified)
TAIWAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "李": ("lee",), "黃": ("hwang",), "黄": ("hwang",), "吳": ("woo",), "吴": ("woo",),
    "呂": ("lu", "lyu"), "吕": ("lu", "lyu"), "盧": ("lu",), "卢": ("lu",), "游": ("yu", "yew"),
    "郭": ("kuo",), "柯": ("ko",), "何": ("ho",), "許": ("hsu",), "许": ("hsu",), "徐": ("hsu",),
    "余": ("yu",), "魏": ("wei",), "葉": ("yeh",), "叶": ("yeh",), "羅": ("lo", "lou"), "罗": ("lo", "lou"),
}

# Hong Kong Government Cantonese romanisation of common surnames (Traditional; Simplified
# names are folded to these through OpenCC before the lookup, see :func:`cantonese_surname`)
CANTONESE_SURNAMES: dict[str, tuple[str, ...]] = {
    "陳": ("chan",), "黃": ("wong",), "王": ("wong",), "張": ("cheung",), "劉": ("lau",),
    "吳": ("ng",), "伍": ("ng",), "五": ("ng",), "李": ("lee", "li"), "林": ("lam",), "何": ("ho",),
    "梁": ("leung",), "周": ("chow",), "鄭": ("cheng",), "謝": ("tse",), "蔡": ("choi", "tsoi"),
    "郭": ("kwok",), "馬": ("ma",), "羅": ("law", "lo"), "楊": ("yeung",), "朱": ("chu",),
    "許": ("hui",), "徐": ("tsui",), "區": ("au",), "麥": ("mak",), "葉": ("yip",), "曾": ("tsang",),
    "鄧": ("tang",), "蕭": ("siu",), "潘": ("poon",), "彭": ("pang",), "袁": ("yuen",),
    "關": ("kwan",), "馮": ("fung",), "盧": ("lo",), "蘇": ("so",), "譚": ("tam",), "余": ("yu",),
    "文": ("man",), "莫": ("mok",), "霍": ("fok",), "鍾": ("chung",), "黎": ("lai",),
    "賴": ("lai",), "趙": ("chiu",), "江": ("kong",), "杜": ("to",), "方": ("fong",), "孔": ("hung",),
    "傅": ("fu", "foo"), "顧": ("koo",), "韓": ("hon",), "甘": ("kam",), "岑": ("sham", "shum"),
    "胡": ("wu",), "高": ("ko",), "龍": ("lung",), "石": ("shek",), "范": ("fan",), "邱": ("yau",),
    "丘": ("yau",), "姚": ("yiu",), "鄺": ("kwong",), "容": ("yung",), "溫": ("wan",),
    "唐": ("tong",), "湯": ("tong",), "魏": ("ngai",), "戴": ("tai",), "侯": ("hau",),
    "游": ("yau",), "廖": ("liu",), "蔣": ("cheung",), "簡": ("kan",), "洪": ("hung",),
    "嚴": ("yim",), "施": ("sze",), "程": ("ching",), "邵": ("shiu",), "任": ("yam",),
    "阮": ("yuen",), "翁": ("yung",), "呂": ("lui",), "雷": ("lui",), "孫": ("suen",),
    "沈": ("shum", "sum"), "姜": ("keung",), "鮑": ("pau",), "凌": ("ling",), "萬": ("man",),
    "曹": ("tso",), "鄒": ("chau",), "夏": ("ha",), "單": ("sin",), "冼": ("sin",), "柯": ("or",),
    "歐陽": ("auyeung",), "司徒": ("szeto",), "上官": ("sheungkwun",), "諸葛": ("chukot",),
}
CANTONESE_REGIONS = ("HK", "MO")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


# Two-character surnames: the compound ones above, and Taiwan's double surnames (張簡, 范姜,
# 張廖), which pypinyin reads right and so need no entry of their own.
COMPOUND_SURNAMES = frozenset(k for k in SURNAMES if len(k) == 2) | {
    "張簡", "张简", "范姜", "張廖", "张廖", "歐陽", "欧阳", "公孫", "公孙", "東方", "东方"}


def split_name(name: str) -> tuple[str, str]:
    """(family name, given name) as an address book wants them: 王偉 -> (王, 偉), 歐陽娜娜 ->
    (歐陽, 娜娜); a name in Latin letters is written given name first: David Lin -> (Lin, David)."""
    name = name.strip()
    if has_cjk(name) and " " not in name:
        size = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
        return name[:size], name[size:]
    given, _, family = name.rpartition(" ")
    return (family, given.strip()) if given else (name, "")


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


def wade_giles(pinyin: tuple[str, ...]) -> tuple[str, ...]:
    """Pinyin syllables in Wade-Giles as passports write it: no apostrophes, ü as u
    (zhang -> chang, xu -> hsu, cai -> tsai, guo -> kuo). Imports pypinyin's table."""
    from pypinyin.style.wadegiles import to_wade_glides

    out = []
    for syllable in pinyin:
        if not syllable.isalpha():
            out.append(syllable)
            continue
        wg = to_wade_glides(syllable).replace("'", "").replace("v", "u")
        out.append(_WG_FIXES.get(syllable, wg))
    return tuple(out)


# where pypinyin's table keeps the pinyin but Wade-Giles differs (郭 Kuo, 羅 Lo, 火 Huo)
_WG_FIXES = {"guo": "kuo", "luo": "lo", "kuo": "kuo", "zhuo": "cho", "chuo": "cho", "ruo": "jo"}


@dataclass(frozen=True, slots=True)
class Reading:
    """How a Chinese name reads in Latin letters: its pinyin and Wade-Giles syllables, and
    how many of them are the surname (1, or 2 for a compound surname)."""

    pinyin: tuple[str, ...]
    wade_giles: tuple[str, ...]
    surname: int = 1

    def text(self) -> str:
        """One line for the index's cache; :meth:`parse` reads it back."""
        return f"{' '.join(self.pinyin)}|{' '.join(self.wade_giles)}|{self.surname}"

    @classmethod
    def parse(cls, text: str) -> Reading:
        pinyin, wg, surname = text.split("|")
        return cls(tuple(pinyin.split()), tuple(wg.split()), int(surname))


def reading(name: str) -> Reading:
    """The :class:`Reading` of a Chinese name (imports pypinyin)."""
    name = name.strip()
    pinyin = syllables(name)
    surname = 2 if len(name) >= 2 and len(SURNAMES.get(name[:2], ())) == 2 else 1
    return Reading(pinyin, wade_giles(pinyin), min(surname, len(pinyin)))


FoldTable = dict[int, int]  # a str.translate table: Traditional code point -> Simplified


@lru_cache(maxsize=1)
def fold_table() -> FoldTable:
    """Every CJK character OpenCC's ``t2s`` changes, mapped to its Simplified form
    (4,221 characters; ~140 ms with the import, so the index keeps the table)."""
    import opencc

    ranges = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
    chars = [chr(c) for start, end in ranges for c in range(start, end)]
    # one character a line: OpenCC converts phrases, and no phrase spans a line break
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    changed = [(a, b) for a, b in zip(chars, converted) if a != b and len(b) == 1]
    return str.maketrans("".join(a for a, _ in changed), "".join(b for _, b in changed))


def fold(text: str, table: FoldTable | None = None) -> str:
    """``text`` with Traditional characters as Simplified, character by character
    (陳美玲 -> 陈美玲; the length never changes, so places found in the folded text are
    places in ``text``)."""
    return text.translate(fold_table() if table is None else table)


def name_key(text: str, table: FoldTable | None = None) -> str:
    """The one form two names are compared in, as CLIENT input and the index compare them:
    folded to Simplified, then :func:`normalise` (陳美玲, 陈美玲 and ``陳 美玲`` are one name)."""
    return normalise(fold(text, table))


def cantonese_surname(name: str, table: FoldTable | None = None) -> tuple[str, ...]:
    """The Hong Kong spellings of the surname of ``name`` (陳大文 -> chan), if known."""
    if table is None:
        table = fold_table()
    for length in (2, 1):
        head = name.strip()[:length]
        if len(head) < length:
            continue
        if head in CANTONESE_SURNAMES:
            return CANTONESE_SURNAMES[head]
        folded = fold(head, table)
        for written, spelled in CANTONESE_SURNAMES.items():
            if fold(written, table) == folded and len(written) == length:
                return spelled
    return ()


def normalise(text: str) -> str:
    """The form CLIENT input and keys are compared in: lower case, no spaces or dashes."""
    return re.sub(r"[\s\-_.·・]+", "", unicodedata.normalize("NFKC", text).lower())


def latin_keys(r: Reading) -> set[str]:
    """The Latin spellings of a name read as ``r``: pinyin and Wade-Giles, each also with
    the surname last, and a Wade-Giles surname with a pinyin given name (Taiwanese
    passports since 2009 keep the family's old spelling): 張志明 -> zhangzhiming,
    zhimingzhang, changchihming, chihmingchang, changzhiming."""
    n = r.surname
    keys = {"".join(r.wade_giles[:n] + r.pinyin[n:])}
    for syllables in (r.pinyin, r.wade_giles):
        keys.add("".join(syllables))
        if syllables[n:]:
            keys.add("".join(syllables[n:] + syllables[:n]))
    return keys


def client_keys(client_id: str, name: str, aliases: Iterable[str],
                read: Callable[[str], Reading] | None = None,
                table: FoldTable | None = None) -> set[str]:
    """The keys CLIENT input is matched against: id, name and aliases as written and
    folded, and the Latin spellings of the Chinese ones (:func:`latin_keys`; surnames
    from :data:`TAIWAN_SURNAMES` too). ``read`` may be a cached :func:`reading`."""
    read = read or reading
    keys = {normalise(client_id)}
    for text in (name, *aliases):
        keys.add(normalise(text))
        if has_cjk(text):
            keys.add(normalise(fold(text, table)))
            r = read(text)
            keys |= latin_keys(r)
            given = {"".join(r.pinyin[r.surname:]), "".join(r.wade_giles[r.surname:])}
            for spelled in _surname_spellings(text, TAIWAN_SURNAMES, table):
                keys |= {spelled + g for g in given} | {g + spelled for g in given if g}
    keys.discard("")
    return keys


def cantonese_keys(name: str, aliases: Iterable[str], table: FoldTable | None = None) -> set[str]:
    """Keys for a client of Hong Kong or Macau: the Cantonese surname alone, and before or
    after the Latin words of an English alias (陳大文 with alias Peter -> chan, peterchan)."""
    spelled = set()
    for text in (name, *aliases):
        if has_cjk(text):
            spelled |= set(cantonese_surname(text, table))
    keys = set(spelled)
    for alias in aliases:
        if not has_cjk(alias):
            for s in spelled:
                keys |= {normalise(alias) + s, s + normalise(alias)}
    return keys


def _surname_spellings(name: str, table: dict[str, tuple[str, ...]], fold_with) -> tuple[str, ...]:
    head = name.strip()[:1]
    if head in table:
        return table[head]
    return table.get(fold(head, fold_with), ())


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
