"""The format's codes as words a person reads: relations, channels, statuses, asset types,
policy kinds, agenda reasons. Standard library only.

A file keeps the code (``relation: spouse``), ``--json`` shows it as it is, and a human view
shows :func:`word` of it through :func:`rmnotes.i18n.tr`: the catalog's word for a code the
format defines, the text itself for anything else the user wrote. Each code is its own
English word (the msgid), so English output shows the codes as before.
"""

from __future__ import annotations

from rmnotes.i18n import Msg, N_

WORDS: dict[str, str] = {
    # family[].relation
    "spouse": N_("spouse"), "child": N_("child"), "parent": N_("parent"),
    "sibling": N_("sibling"), "other": N_("other"),
    # contact.prefer
    "phone": N_("phone"), "sms": N_("sms"), "line": N_("line"), "wechat": N_("wechat"),
    "whatsapp": N_("whatsapp"), "email": N_("email"), "meeting": N_("meeting"),
    # status
    "active": N_("active"), "prospect": N_("prospect"), "dormant": N_("dormant"),
    "closed": N_("closed"),
    # profile.marital_status
    "married": N_("married"), "single": N_("single"), "divorced": N_("divorced"),
    "widowed": N_("widowed"),
    # assets[].type
    "deposit": N_("deposit"), "fund": N_("fund"), "stock": N_("stock"), "bond": N_("bond"),
    "wmp": N_("wmp"), "structured": N_("structured"),
    "insurance": N_("insurance"), "property": N_("property"), "cash": N_("cash"),
    "mortgage": N_("mortgage"), "loan": N_("loan"),
    # policies[].kind
    "life": N_("life"), "critical_illness": N_("critical_illness"), "medical": N_("medical"),
    "accident": N_("accident"), "annuity": N_("annuity"),
    "investment_linked": N_("investment_linked"), "long_term_care": N_("long_term_care"),
    # the agenda's reasons (rmn due)
    "cadence": N_("cadence"), "never": N_("never"), "birthday": N_("birthday"),
    "holiday": N_("holiday"), "maturity": N_("maturity"), "premium": N_("premium"),
    "follow-up": N_("follow-up"), "kyc": N_("kyc"),
}

# the channel letters of log entries (rmnotes.model.CHANNELS), in full and short
CHANNEL_WORDS = {"T": N_("telephone"), "E": N_("email"), "M": N_("meeting in person"),
                 "S": N_("short message (SMS, LINE, WhatsApp, WeChat)"), "N": N_("internal note (not a contact)")}
CHANNEL_SHORT = {"T": N_("telephone"), "E": N_("email"), "M": N_("meeting in person"),
                 "S": N_("short message"), "N": N_("internal note")}


def word(code: object) -> str:
    """``code`` as a :class:`Msg` a renderer translates when the format defines it, else the
    text as written."""
    text = "" if code is None else str(code)
    return Msg(text) if text in WORDS else text

_UNITS = {"d": N_("{n}d"), "w": N_("{n}w"), "m": N_("{n}m"), "y": N_("{n}y")}


def period_word(period: object) -> str:
    """A cadence such as ``3m`` (:class:`rmnotes.periods.Period`): ``3m`` in English, the
    catalog's ``3 個月`` in Chinese."""
    unit = getattr(period, "unit", None)
    template = _UNITS.get(unit) if isinstance(unit, str) else None
    if template is None or str(period) != template.format(n=period.count):
        return "" if period is None else str(period)
    return Msg(template, n=period.count)


def duration_word(text: str) -> str:
    """A holding period such as ``2y 6m`` (:func:`rmnotes.periods.holding_period`), each part
    a cadence word (``2 年 6 個月``)."""
    import re

    parts = text.split()
    if not parts or not all(re.fullmatch(r"\d+[dwmy]", p) for p in parts):
        return text
    words = [Msg(_UNITS[p[-1]], n=int(p[:-1])) for p in parts]
    args = {"p%d" % i: w for i, w in enumerate(words)}
    return Msg(" ".join("{p%d}" % i for i in range(len(words))), **args)


def frequency_word(code: str | None) -> str:
    """A policy's ``premium_frequency`` in the reader's language (``single`` is a premium paid
    once here, not a marital status)."""
    from rmnotes.i18n import pgettext

    words = {"annual": pgettext("premium", "annual"), "semiannual": pgettext("premium", "semiannual"),
             "quarterly": pgettext("premium", "quarterly"), "monthly": pgettext("premium", "monthly"),
             "single": pgettext("premium", "single")}
    return words.get(code or "", code or "")


# the columns of the CSV and workbook exports: a code per column, its title in the reader's
# language (the code itself in English, as it always was)
COLUMNS = {
    "id": N_("id"), "name": N_("name"), "tier": N_("tier"), "status": N_("status"), "risk": N_("risk"),
    "children": N_("children"), "last_contact": N_("last_contact"), "tags": N_("tags"),
}


def column_title(code: str) -> str:
    """The header of an exported column, in the interface language."""
    from rmnotes.i18n import _

    return _(COLUMNS[code]) if code in COLUMNS else code


def column_code(title: str) -> str | None:
    """The column a header names, in any of the interface languages (an import reads a
    file written in another language than its own); None for a header of no column."""
    from rmnotes.i18n import LANGUAGES, catalog

    wanted = title.strip().casefold()
    for code, msgid in COLUMNS.items():
        if wanted in (code.casefold(), msgid.casefold()):
            return code
        for language in LANGUAGES:
            if catalog(language).gettext(msgid).casefold() == wanted:
                return code
    return None
