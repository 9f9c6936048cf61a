"""CLIENT arguments: id, name, alias, pinyin or Wade-Giles (with or without spaces),
Traditional or Simplified, a family member's name, or an unambiguous prefix."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rmnotes import names
from rmnotes.errors import AmbiguousClient, ClientNotFound, RmnotesError
from rmnotes.i18n import _
from rmnotes.index import Index


@dataclass(frozen=True, slots=True)
class Relative:
    """A family member named in a client's file, found by the name typed."""

    member: str
    relation: str | None
    client_id: str
    client_name: str


@dataclass(frozen=True, slots=True)
class Resolved:
    client_id: str
    via: Relative | None = None  # the client was found through this family member
    sounds_like: str | None = None  # the name typed, another name that reads the same


def _label(index: Index, ids: list[str]) -> str:
    known = index.names()
    return ", ".join(f"{known.get(i, i)} ({i})" for i in ids)


def resolve(index: Index, text: str) -> str:
    """The id of the one client ``text`` names; raises with the candidates otherwise."""
    return find_client(index, text).client_id


def find_client(index: Index, text: str) -> Resolved:
    """The one client ``text`` names, in this order: a client's own key (id, name, alias,
    their folded and romanised forms), a family member's name (the client whose family
    lists them; a member with a client file of their own is found by it first), a name
    that reads like a client's (Chinese written another way: said by the caller), then a
    prefix of a client's key. Raises with the candidates when there are none or several."""
    query = text.strip()
    key = names.normalise(query)
    if not key:
        raise ClientNotFound(_("no client given; name one by id, name, alias or pinyin"))
    keys = [key]
    cjk = names.has_cjk(query)
    if cjk:
        folded = names.normalise(index.fold(query))  # 陈美玲 finds 陳美玲
        if folded != key:
            keys.append(folded)
    found = _found(index, keys, prefix=False)
    if found:
        return Resolved(_one(index, text, query, found, prefix=False))
    unreadable = _unreadable(index, keys)
    if unreadable is not None:  # the client meant, though their file cannot be read: say why
        return Resolved(unreadable)
    relatives = index.relatives(names.normalise(index.fold(query)))
    if relatives:
        return _relative(index, text, relatives)
    if cjk:  # a homophone, written another way: taken, and said (陳美鈴 may be someone new)
        keys.append("".join(names.syllables(query)))
        found = _found(index, keys[-1:], prefix=False)
        if found:
            return Resolved(_one(index, text, query, found, prefix=False), sounds_like=query)
    found = _found(index, keys, prefix=True)
    if found:
        return Resolved(_one(index, text, query, found, prefix=True))
    all_keys: dict[str, str] = {}
    for k, cid in index.keys():
        all_keys.setdefault(k, cid)
    near: list[str] = []
    for k in difflib.get_close_matches(key, list(all_keys), n=8, cutoff=0.6):
        if all_keys[k] not in near:
            near.append(all_keys[k])
    if near:
        raise ClientNotFound(_("no client matches '{text}'; nearest: {clients}")
                             .format(text=text, clients=_label(index, near[:5])))
    raise ClientNotFound(_("no client matches '{text}'; see 'rmn list'").format(text=text))


_NAME_LINE = re.compile(r"^name:[ \t]*(.+?)[ \t]*(?:#.*)?$", re.MULTILINE)


def _unreadable(index: Index, keys: list[str]) -> str | None:
    """The id of the one client file the index could not read (a YAML error, a conflict)
    whose id, or whose ``name:`` line as written, is ``keys``: the command then opens that
    file and shows why it cannot be read, rather than a relative's file or "no client"."""
    hits = []
    for skipped in index.skipped():
        cid = skipped.path.removeprefix("clients/").removesuffix(".md")
        own = {names.normalise(cid)}
        try:
            m = _NAME_LINE.search(index.vault.read_text(skipped.path))
        except (OSError, RmnotesError):  # gone, too big, not UTF-8: it names nobody
            m = None
        if m:
            own.add(names.normalise(index.fold(m.group(1).strip("'\""))))
        if own & set(keys):
            hits.append(cid)
    return hits[0] if len(hits) == 1 else None


def _found(index: Index, keys: list[str], prefix: bool) -> list[str]:
    found: list[str] = []
    for k in keys:
        for cid in index.lookup(k, prefix=prefix):
            if cid not in found:
                found.append(cid)
    return found


def _one(index: Index, text: str, query: str, found: list[str], prefix: bool) -> str:
    if len(found) == 1:
        return found[0]
    if not prefix and query in found:
        return query
    shown = found[:12]
    more = _(" and {n} more").format(n=len(found) - 12) if len(found) > 12 else ""
    raise AmbiguousClient(
        _("'{text}' matches {n} clients: {clients}{more}; give more of the name or the id")
        .format(text=text, n=len(found), clients=_label(index, shown), more=more))


def _relative(index: Index, text: str, relatives: list[tuple[str, str, str | None]]) -> Resolved:
    known = index.names()
    ids: list[str] = []
    for cid, _member, _relation in relatives:
        if cid not in ids:
            ids.append(cid)
    if len(ids) == 1:
        cid, member, relation = relatives[0]
        return Resolved(cid, Relative(member, relation, cid, known.get(cid, cid)))
    listed = _("; ").join(relative_line(Relative(m, r, c, known.get(c, c))) + f" ({c})"
                       for c, m, r in relatives[:12])
    raise AmbiguousClient(_("'{text}' is in the family of {n} clients: {listed}; give the client's "
                            "name or id").format(text=text, n=len(ids), listed=listed))


def sounds_like_line(index: Index, typed: str, client_id: str) -> str:
    """``陳美鈴 reads like 陳美玲 (chen-mei-ling): taken as that client``."""
    name = index.names().get(client_id, client_id)
    return _("{typed} reads like {name} ({id}): taken as that client").format(typed=typed, name=name, id=client_id)


def relative_line(r: Relative) -> str:
    """``林淑芬 is 王偉's spouse``."""
    relations = {"spouse": _("spouse"), "child": _("child"), "parent": _("parent"),
                 "sibling": _("sibling"), "other": _("relative")}
    if r.relation in relations:
        return _("{member} is {client}'s {relation}").format(
            member=r.member, client=r.client_name, relation=relations[r.relation])
    return _("{member} is in {client}'s family").format(member=r.member, client=r.client_name)
