"""CLIENT arguments: id, name, alias, pinyin (with or without spaces) or an unambiguous prefix."""

from __future__ import annotations

import difflib

from rmnotes import names
from rmnotes.errors import AmbiguousClient, ClientNotFound
from rmnotes.i18n import _
from rmnotes.index import Index


def _label(index: Index, ids: list[str]) -> str:
    known = index.names()
    return ", ".join(f"{known.get(i, i)} ({i})" for i in ids)


def resolve(index: Index, text: str) -> str:
    """The id of the one client ``text`` names; raises with the candidates otherwise."""
    query = text.strip()
    key = names.normalise(query)
    if not key:
        raise ClientNotFound(_("no client given; name one by id, name, alias or pinyin"))
    keys = [key]
    if names.has_cjk(query):
        keys.append("".join(names.syllables(query)))  # 陈美玲 finds 陳美玲
    for prefix in (False, True):
        found: list[str] = []
        for k in keys:
            for cid in index.lookup(k, prefix=prefix):
                if cid not in found:
                    found.append(cid)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            if not prefix and query in found:
                return query
            shown = found[:12]
            more = _(" and {n} more").format(n=len(found) - 12) if len(found) > 12 else ""
            raise AmbiguousClient(
                _("'{text}' matches {n} clients: {clients}{more}; give more of the name or the id").format(
                    text=text, n=len(found), clients=_label(index, shown), more=more)
            )
    all_keys: dict[str, str] = {}
    for k, cid in index.keys():
        all_keys.setdefault(k, cid)
    near: list[str] = []
    for k in difflib.get_close_matches(key, list(all_keys), n=8, cutoff=0.6):
        if all_keys[k] not in near:
            near.append(all_keys[k])
    if near:
        raise ClientNotFound(_("no client matches '{text}'; nearest: {clients}").format(
            text=text, clients=_label(index, near[:5])))
    raise ClientNotFound(_("no client matches '{text}'; see 'rmn list'").format(text=text))
