"""Full-text search over the book: names, aliases, family, notes, follow-ups and log entries.

Answered from the index. Words separated by spaces must all appear in the same line, in
any order; case does not matter. Chinese has no spaces, so ``基金轉換`` is one word that
matches as a substring. Traditional and Simplified characters are the same (``基金转换``
finds ``基金轉換``): the index holds each line folded to Simplified (see
:mod:`rmnotes.names`). A query in Latin letters also matches Chinese names by their
pinyin or Wade-Giles (``wangwei``, ``wang wei``, ``chen``, ``Hsu Ya Wen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rmnotes import names
from rmnotes.index import Index, TextHit

_SPLIT = re.compile(r"[\s\u3000]+")
_PINYIN = re.compile(r"^[A-Za-z][A-Za-z\s'\-]*$")


@dataclass(frozen=True, slots=True)
class Hit:
    client: str
    name: str
    where: str  # name | alias | family | note | follow-up | log
    text: str
    spans: tuple[tuple[int, int], ...]  # [start, end) of each match in ``text``
    date: date | None = None
    time: str | None = None
    channel: str | None = None  # log letter; follow-up box "x"/" "; family relation
    line: int | None = None
    pinyin: bool = False  # matched by the name's pinyin, not its characters


@dataclass(frozen=True, slots=True)
class Found:
    query: str
    hits: tuple[Hit, ...]
    total: int  # hits in all; more than len(hits) when limited

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


def words(query: str) -> list[str]:
    return [w for w in _SPLIT.split(query.strip()) if w]


def spans(text: str, needles: list[str]) -> tuple[tuple[int, int], ...]:
    """Every place a needle occurs in ``text``, case-insensitively, merged and sorted."""
    low = text.lower()
    found: list[tuple[int, int]] = []
    for n in needles:
        n = n.lower()
        start = low.find(n)
        while n and start >= 0:
            found.append((start, start + len(n)))
            start = low.find(n, start + len(n))
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


def find(index: Index, query: str, limit: int | None = 100) -> Found:
    """Lines matching ``query``: name matches first, then notes, follow-ups, log (newest first)."""
    needles = words(query)
    if not needles:
        return Found(query, (), 0)
    known = index.names()
    rows, total = index.search(needles, limit)
    folded = [index.fold(n) for n in needles]
    hits = [_hit(r, known, folded) for r in rows]

    if _PINYIN.match(query.strip()):
        key = names.normalise(query)
        ids = index.lookup(key, prefix=True) if len(key) >= 2 else []
        named = {h.client for h in hits if h.where in ("name", "alias")}
        extra = [r for r in index.name_texts(i for i in ids if i not in named) if names.has_cjk(r.text)]
        total += len(extra)
        pinyin_hits = [Hit(r.client_id, known.get(r.client_id, r.client_id), "name", r.text,
                           ((0, len(r.text)),), pinyin=True) for r in extra]
        hits = pinyin_hits + hits
        if limit is not None:
            hits = hits[:limit]
    return Found(query, tuple(hits), total)


def _hit(r: TextHit, known: dict[str, str], folded: list[str]) -> Hit:
    # folding keeps every character in its place: the spans in the folded line are the text's
    return Hit(r.client_id, known.get(r.client_id, r.client_id), r.kind, r.text,
               spans(r.folded or r.text, folded), r.date, r.time, r.channel, r.line)
