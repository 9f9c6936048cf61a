"""The interface language: gettext catalogs chosen once per run. Standard library only.

Every message a person reads goes through :func:`_` (or :func:`ngettext`); machine output
(``--json``, ``check``'s ``file:line:`` form, exit codes) never does. The language is chosen
by :func:`use`, else read from the locale variables' text (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``) without calling ``setlocale``, so a machine with only the ``C``
locale installed still speaks Chinese when asked to. A language without a catalog, or a
catalog that is missing, speaks English (gettext's fallback).

The run's region (:func:`use_region`, the vault's ``region``) is kept here beside the
language: it decides how typed dates are read (``4/12`` is 4 December in Hong Kong).
"""

from __future__ import annotations

import gettext as _gettext
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

LANGUAGES = ("zh_TW", "zh_HK", "zh_CN", "en")
# where Chinese is written in Simplified characters, and where in Hong Kong's words
SIMPLIFIED_REGIONS = frozenset({"CN", "SG", "MY"})
HONG_KONG_REGIONS = frozenset({"HK", "MO"})
CHINESE_REGIONS = frozenset({"TW"}) | SIMPLIFIED_REGIONS | HONG_KONG_REGIONS
# where people write the day before the month (4/12 is 4 December)
DAY_FIRST_REGIONS = frozenset({"HK", "MO", "SG", "MY"})


def region_language(region: str | None) -> str:
    """The Chinese a region reads: zh_CN where Simplified is written, zh_HK in Hong Kong and
    Macau, else zh_TW."""
    region = (region or "").upper()
    return "zh_CN" if region in SIMPLIFIED_REGIONS else "zh_HK" if region in HONG_KONG_REGIONS else "zh_TW"


def date_order(region: str | None) -> str:
    """How people of a region write the dates they type: ``roc`` in Taiwan (民國 years, the
    month first; also when no region is known, Taiwan being the default), ``day`` where the
    day comes first, ``month`` elsewhere (the month first, four-digit years)."""
    region = (region or "TW").strip().upper()
    return "roc" if region == "TW" else "day" if region in DAY_FIRST_REGIONS else "month"
DOMAIN = "rmnotes"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")

_translations: _gettext.NullTranslations | None = None
_language: str | None = None


def normalise(text: str | None) -> str | None:
    """``zh_TW.UTF-8``, ``zh-tw``, ``zh_Hant_TW`` -> ``zh_TW``; ``en_US`` -> ``en``; else None."""
    if not text:
        return None
    tag = text.split(".")[0].split("@")[0].replace("-", "_").lower()
    if tag in ("c", "posix"):
        return None
    parts = tag.split("_")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    rest = set(parts[1:])
    if rest & {"tw", "hant"} and "hk" not in rest and "mo" not in rest:
        return "zh_TW"
    if rest & {"hk", "mo"}:
        return "zh_HK"
    if rest & {"cn", "sg", "hans"}:
        return "zh_CN"
    return "zh_CN" if not rest else None


def from_environment(environ: dict[str, str] | None = None) -> str | None:
    """The first language the locale variables name, read as text."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if not value:
            continue
        for part in value.split(":"):  # LANGUAGE may list several: zh_TW:en
            found = normalise(part)
            if found:
                return found
        if var != "LANGUAGE":  # LC_ALL=C means C; LANGUAGE is only a list of wishes
            return None
    return None


def use(language: str | None) -> str:
    """Speak ``language`` (one of :data:`LANGUAGES`) from now on; None: the environment's,
    else English. Returns the language chosen."""
    global _translations, _language
    chosen = language if language in LANGUAGES else from_environment() or "en"
    _language = chosen
    _translations = catalog(chosen)
    return chosen


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Speak ``language`` for a while (``--json`` answers carry English), then the language
    spoken before."""
    before = _language
    try:
        yield use(language)
    finally:
        use(before)


_catalogs: dict[str, _gettext.NullTranslations] = {}


def catalog(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (also one this run does not speak, to read text
    written in another language, such as an imported file's headers); English, or a
    catalog that is missing, translates nothing. Read straight from its path: gettext's
    own search (locale aliases, several candidate files) cost a warm ``rmn due`` ~3 ms."""
    found = _catalogs.get(language)
    if found is None:
        found = _gettext.NullTranslations()
        if language != "en" and language in LANGUAGES:
            try:
                with open(os.path.join(LOCALE_DIR, language, "LC_MESSAGES", DOMAIN + ".mo"), "rb") as f:
                    found = _gettext.GNUTranslations(f)
            except OSError:
                pass
        _catalogs[language] = found
    return found


def month_day_example(region: str | None) -> str:
    """A month and day (20 December) as people of ``region`` write it: 20/12 or 12/20."""
    return "20/12" if date_order(region) == "day" else "12/20"


_region: str | None = None


def use_region(region: str | None) -> None:
    """The vault's ``region`` for the rest of the run (None: none known, Taiwan's ways): how
    typed dates are read (:func:`rmnotes.parse.dates.convention`)."""
    global _region
    _region = region


def region() -> str | None:
    """The region :func:`use_region` chose for this run."""
    return _region


def language() -> str:
    if _language is None:
        use(None)
    return _language  # type: ignore[return-value]


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs without translating it (a template kept in English
    until it is shown)."""
    return message


class Msg(str):
    """Text kept in English (what ``--json`` and calendar UIDs carry) that remembers its
    template and values, so a renderer can show it in the reader's language with :func:`tr`.

    ``Msg(N_("last contact {last}, every {period}"), last=..., period=...)`` is the string
    ``"last contact 2026-10-01, every 1m"``; ``tr()`` of it is the catalog's wording with the
    same values (each value that is itself a :class:`Msg` translated too)."""

    __slots__ = ("template", "args")

    def __new__(cls, template: str, **args: object) -> "Msg":
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template = template
        self.args = args
        return self

    def __reduce__(self):  # pickled and copied with its template and values
        return (_rebuild, (self.template, dict(self.args)))


def _rebuild(template: str, args: dict) -> Msg:
    return Msg(template, **args)


def tr(text: object) -> str:
    """``text`` in the interface language when it is a :class:`Msg`, else as it is (a name,
    an id, a value the user wrote)."""
    if isinstance(text, Msg):
        if not text.args:
            return _(text.template)
        return _(text.template).format(**{k: tr(v) for k, v in text.args.items()})
    return "" if text is None else str(text)


def error_text(exc: BaseException) -> str:
    """An error's message in the interface language: an rmnotes error carries a :class:`Msg`
    (``str(exc)`` stays English, as ``--json`` writes it)."""
    return tr(exc.args[0] if len(exc.args) == 1 else exc)


def _(message: str) -> str:
    if _translations is None:
        use(None)
    return _translations.gettext(message)  # type: ignore[union-attr]


def ngettext(singular: str, plural: str, n: int) -> str:
    if _translations is None:
        use(None)
    return _translations.ngettext(singular, plural, n)  # type: ignore[union-attr]


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (one English word, two meanings: ``single``)."""
    if _translations is None:
        use(None)
    return _translations.pgettext(context, message)  # type: ignore[union-attr]

