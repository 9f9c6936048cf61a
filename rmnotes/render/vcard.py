"""Clients as phone contacts: one vCard 3.0 per client (what phones import best), built
with vobject, which escapes, folds and encodes each property as the standard says.

A card holds the client's own contact details only: the name in Chinese order (family
name first) and the aliases, mobile and work phone, email, address, birthday, employer and occupation, the
tier in the note, and a UID that stays the same on every export (:func:`card_uid`).
Family members, holdings and notes are never in it.
"""

from __future__ import annotations

from typing import Iterable

from rmnotes.i18n import _
from rmnotes.model import Client
from rmnotes.names import split_name
from rmnotes.render import redact

PRODID = "-//rmnotes//rmn export vcf//EN"


@redact.for_a_file
def client_card(client: Client, uid: str):
    """The client's vCard (a vobject component)."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("prodid").value = PRODID
    card.add("uid").value = uid
    card.add("fn").value = client.name
    family, given = split_name(client.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    for alias in client.aliases:
        card.add("nickname").value = alias
    profile = client.meta.get("profile")
    profile = profile if isinstance(profile, dict) else {}

    def text(key: str) -> str:
        value = profile.get(key)
        return "" if value is None else str(value).strip()

    for key, kind in (("mobile", "CELL"), ("phone", "WORK")):
        if text(key):
            tel = card.add("tel")
            tel.value = text(key)  # as written: +886 912 345 678 stays so
            tel.type_param = kind
    if text("email"):
        email = card.add("email")
        email.value = text("email")
        email.type_param = "INTERNET"
    if text("address"):  # one line in the file: the whole of it is the street
        card.add("adr").value = vobject.vcard.Address(street=text("address"))
    if client.birthday:
        card.add("bday").value = client.birthday.isoformat()
    if text("employer"):
        card.add("org").value = [text("employer")]
    if text("occupation"):
        card.add("title").value = text("occupation")
    if client.tier:
        card.add("note").value = _("tier {tier}").format(tier=client.tier)
    return card


def vcard_file(cards: Iterable) -> bytes:
    """The cards one after another, as a .vcf file (UTF-8, CRLF line endings)."""
    return "".join(card.serialize() for card in cards).encode("utf-8")
