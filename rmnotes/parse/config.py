"""``rmnotes.yaml`` text -> :class:`Config` + issues.

Every *error* here is a setting the user wrote that is not being used (the file is not
YAML, not a mapping, or a value cannot be read), so the vault refuses to answer with the
defaults in its place (see :attr:`rmnotes.vault.Vault.config`). A *warning* (a key that
nearly spells a known one) leaves the answers as the file says.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rmnotes.config import Config
from rmnotes.i18n import LANGUAGES
from rmnotes.model import Issue
from rmnotes.parse import coerce, yamltree
from rmnotes.periods import Period

CONFIG_FILE = "rmnotes.yaml"  # the vault layer names it too; parse cannot import it

# the keys rmnotes reads, and the ones the format names for what comes next
KNOWN_KEYS = ("owner", "base_currency", "fx", "tiers", "default_tier", "region", "lookahead_days",
              "kyc_valid", "coverage", "language", "date_style")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
DATE_STYLES = ("iso", "roc")  # how human output shows dates: 2026-11-30 or 115/11/30


_LANGUAGE_LINE = re.compile(r"^language:[ \t]*['\"]?([A-Za-z_]+)['\"]?[ \t]*(?:#.*)?$", re.M)


def _language_line(text: str) -> str | None:
    """The language a ``language:`` line of settings YAML cannot read names, when every
    such line names the same one."""
    found = set(_LANGUAGE_LINE.findall(text))
    return found.pop() if len(found) == 1 else None


def parse_config(text: str, path: str = CONFIG_FILE) -> tuple[Config, tuple[Issue, ...]]:
    """Read the vault settings; unreadable values fall back to defaults, each reported."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loaded = yamltree.load(text, 1)
    issues = [Issue(path, line, message) for line, message in loaded.problems]
    data = loaded.value if isinstance(loaded.value, dict) else {}
    if loaded.value is not None and not isinstance(loaded.value, dict) and not loaded.fatal:
        issues.append(Issue(path, 1, "rmnotes.yaml must be a mapping of 'key: value' lines"))

    def problem(key, message: str) -> None:
        issues.append(Issue(path, loaded.line((key,), 1), message))

    unknown = [key for key in data if key not in KNOWN_KEYS]
    if unknown:
        import difflib

        for key in unknown:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.75)
            if close:
                issues.append(Issue(path, loaded.line((key,), 1),
                                    f"unknown key '{key}': did you mean '{close[0]}'?", "warning"))

    fx: dict[str, Decimal] = {}
    for cur, rate in coerce.mapping(data.get("fx")).items():
        value = coerce.money(rate)
        if value is None or value <= 0:
            issues.append(Issue(path, loaded.line(("fx", cur), 1),
                                f"fx rate for {cur} must be a positive number, not {rate!r}"))
            continue
        fx[str(cur).upper()] = value

    tiers: dict[str, Period] = {}
    for tier, cadence in coerce.mapping(data.get("tiers")).items():
        period = Period.parse(cadence)
        if period is None:
            issues.append(Issue(path, loaded.line(("tiers", tier), 1),
                                f"tier {tier} cadence {cadence!r} is not a period like 2w, 1m, 3m or 1y"))
            continue
        tiers[str(tier)] = period

    default_tier = coerce.text(data.get("default_tier"))
    if default_tier is not None and tiers and default_tier not in tiers:
        problem("default_tier", f"default_tier {default_tier} is not one of the tiers ({', '.join(tiers)})")

    lookahead = data.get("lookahead_days", 14)
    if coerce.integer(lookahead) is None or coerce.integer(lookahead) < 0:
        problem("lookahead_days", f"lookahead_days must be a whole number of days, not {lookahead!r}")
        lookahead = 14

    kyc = Period(1, "y")
    if "kyc_valid" in data:
        kyc = Period.parse(data.get("kyc_valid")) or kyc
        if Period.parse(data.get("kyc_valid")) is None:
            problem("kyc_valid", f"kyc_valid {data.get('kyc_valid')!r} is not a period like 1y or 18m")

    language = coerce.text(data.get("language"))
    if loaded.fatal and language is None:  # a YAML error elsewhere (a merge's conflict markers):
        language = _language_line(text)     # the errors are said in the language still written
    if language is not None and language not in LANGUAGES:
        problem("language", f"language {language!r} is not one of {', '.join(LANGUAGES)}")
        language = None

    base = coerce.text(data.get("base_currency")) or "TWD"
    if not _CURRENCY.fullmatch(base):  # it is written into log lines: never anything but a code
        problem("base_currency", f'base_currency "{base}" is not a 3-letter currency code like TWD or USD')
        base = "TWD"
    base = base.upper()
    for cur in coerce.mapping(data.get("fx")):
        if str(cur).upper() == base and fx.get(base) not in (None, 1):
            # a rate of the base currency in itself: settings written for another base currency?
            issues.append(Issue(path, loaded.line(("fx", cur), 1),
                                f"fx gives {cur} a rate of {fx[base]}, but {base} is the base currency (1); "
                                "the rates are units of the base currency per one unit: check them all",
                                "warning"))
    fx.pop(base, None)
    date_style = coerce.text(data.get("date_style")) or "iso"
    if date_style.strip().lower() not in DATE_STYLES:
        problem("date_style", f"date_style must be iso or roc, not {data.get('date_style')!r}")
        date_style = "iso"
    config = Config(
        owner=coerce.text(data.get("owner")),
        base_currency=base,
        fx=fx,
        tiers=tiers,
        default_tier=default_tier,
        region=(coerce.text(data.get("region")) or None),
        lookahead_days=coerce.integer(lookahead) if coerce.integer(lookahead) is not None else 14,
        kyc_valid=kyc,
        coverage=coerce.mapping(data.get("coverage")),
        language=language,
        date_style=date_style.strip().lower(),
    )
    return config, tuple(issues)
