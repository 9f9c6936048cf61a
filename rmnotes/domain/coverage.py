"""The insurance coverage sheet: every client's cover per kind, yearly premium, and gaps.

A client's cover is what the policies in the client's own file insure on the client
(``insured: self``); policies there that insure a family member are that member's cover,
shown apart. Premiums count every policy in the file (the client pays them), normalised
per year: annual 1x, semiannual 2x, quarterly 4x, monthly 12x; single premiums apart.
A family member who is also a client is a link: nothing from the linked file is ever
mixed in.

Gap rules are configurable under ``coverage:`` in rmnotes.yaml::

    coverage:
      life_income_multiple: 10        # parents: life cover below N x yearly income
      dependent_age: 25               # children younger than this (or of unknown age) count
      life_kinds: [life]              # kinds that count as life cover
      critical_illness_riders: [critical_illness, ci, 重大疾病, 重疾]
      medical_riders: [medical, hospital, 醫療, 医疗, 住院]
      ignore: [no-medical]            # gap codes to switch off
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from rmnotes.config import Config
from rmnotes.domain.money import ZERO, MissingRate, money_text, to_base
from rmnotes.i18n import Msg, N_, _
from rmnotes.errors import DataError
from rmnotes.facts import ClientRow, ContactRow

if TYPE_CHECKING:  # the model's classes load only with a parsed file
    from rmnotes.model import FamilyMember, Policy

KINDS = ("life", "critical_illness", "medical", "accident", "annuity", "long_term_care")
PER_YEAR = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}
SINGLE = "single"
SELF = frozenset({"self", "本人", "自己"})

NO_CI = "no-critical-illness"
NO_MEDICAL = "no-medical"
LIFE_BELOW_INCOME = "life-below-income"
NOT_IN_FAMILY = "insured-not-in-family"
GAP_CODES = (NO_CI, NO_MEDICAL, LIFE_BELOW_INCOME, NOT_IN_FAMILY)


@dataclass(frozen=True, slots=True)
class Rules:
    life_income_multiple: Decimal = Decimal(10)
    dependent_age: int = 25
    life_kinds: frozenset[str] = frozenset({"life"})
    critical_illness_riders: frozenset[str] = frozenset({"critical_illness", "critical-illness", "ci",
                                                         "重大疾病", "重疾", "重大傷病"})
    medical_riders: frozenset[str] = frozenset({"medical", "hospital", "醫療", "医疗", "住院"})
    ignore: frozenset[str] = frozenset()

    def is_critical_illness(self, policy: Policy) -> bool:
        """A critical-illness policy, or a policy with a rider this book counts as one."""
        return policy.kind == "critical_illness" or any(r in self.critical_illness_riders for r in policy.riders)

    def is_medical(self, policy: Policy) -> bool:
        """A medical policy, or a policy with a rider this book counts as one."""
        return policy.kind == "medical" or any(r in self.medical_riders for r in policy.riders)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None) -> Rules:
        """Rules from the ``coverage:`` mapping; a bad value is a DataError naming the key."""
        raw = raw or {}
        known = {"life_income_multiple", "dependent_age", "life_kinds", "critical_illness_riders",
                 "medical_riders", "ignore"}
        for key in raw:
            if key not in known:
                raise DataError(_("rmnotes.yaml: coverage.{key} is not a coverage setting; use one of {known}")
                                .format(key=key, known=", ".join(sorted(known))))
        changes: dict[str, Any] = {}
        if "life_income_multiple" in raw:
            value = raw["life_income_multiple"]
            try:
                n = Decimal(str(value).strip())
            except InvalidOperation:
                n = None
            if n is None or not n.is_finite() or n < 0 or isinstance(value, bool):
                raise DataError(_("rmnotes.yaml: coverage.life_income_multiple must be a number like 10, "
                                  "not {value}").format(value=repr(value)))
            changes["life_income_multiple"] = n
        if "dependent_age" in raw:
            age = raw["dependent_age"]
            if isinstance(age, bool) or not isinstance(age, int) or age < 0:
                raise DataError(_("rmnotes.yaml: coverage.dependent_age must be a whole number of years like "
                                  "25, not {value}").format(value=repr(age)))
            changes["dependent_age"] = age
        for key in ("life_kinds", "critical_illness_riders", "medical_riders", "ignore"):
            if key in raw:
                changes[key] = _words(raw[key], f"coverage.{key}")
        bad = sorted(changes.get("ignore", frozenset()) - set(GAP_CODES))
        if bad:
            raise DataError(_("rmnotes.yaml: coverage.ignore: unknown gap code {bad}; the codes are {codes}")
                            .format(bad=", ".join(bad), codes=", ".join(GAP_CODES)))
        return replace(cls(), **changes)


def _words(value: Any, key: str) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise DataError(_("rmnotes.yaml: {key} must be a list of words like [a, b], not {value}")
                        .format(key=key, value=repr(value)))
    return frozenset(v.strip().lower() for v in value)


@dataclass(frozen=True, slots=True)
class Gap:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """One row of the coverage sheet. Money in the base currency; None when unknown."""

    client: str
    name: str
    tier: str | None
    status: str
    marital_status: str | None
    children: int
    policies: int
    sums: Mapping[str, Decimal] | None  # cover on the client, per kind in KINDS
    held: tuple[str, ...]  # kinds of the policies on the client (with or without a sum)
    riders: tuple[str, ...]  # kinds covered by a rider only (critical_illness, medical)
    family_sums: Mapping[str, Mapping[str, Decimal]] | None  # member -> kind -> sum
    premium_yearly: Decimal | None
    premium_single: Decimal | None
    gaps: tuple[Gap, ...]
    error: str | None = None  # why the money could not be computed

    @property
    def gap_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.gaps)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    rows: tuple[Coverage, ...]
    base_currency: str
    rules: Rules
    warnings: tuple[str, ...] = field(default=())


def insures_client(policy: Policy, name: str) -> bool:
    """Whether ``policy`` insures the client named ``name`` (``insured: self``, or the name)."""
    who = policy.insured.strip()
    return who.lower() in SELF or who == name


def on_client(policies: Iterable[Policy], name: str) -> list[Policy]:
    """The policies that insure the client; the others insure family members."""
    return [p for p in policies if insures_client(p, name)]


def covers_critical_illness(policies: Iterable[Policy], name: str, rules: Rules) -> bool:
    """The one rule for "critical illness: covered": some policy that insures the client is
    a critical-illness policy or has a rider the book counts as one. Cover on a spouse or a
    child is theirs, not the client's (``rmn coverage`` and ``rmn review`` both ask this)."""
    return any(rules.is_critical_illness(p) for p in on_client(policies, name))


def covers_medical(policies: Iterable[Policy], name: str, rules: Rules) -> bool:
    """Some policy that insures the client is a medical policy or has a medical rider."""
    return any(rules.is_medical(p) for p in on_client(policies, name))


def yearly(amount: Decimal, frequency: str) -> Decimal | None:
    """A premium per year: annual 1x, semiannual 2x, quarterly 4x, monthly 12x; single:
    None (a one-off, shown apart). Raises ValueError for an unknown frequency."""
    if frequency == SINGLE:
        return None
    if frequency not in PER_YEAR:
        raise ValueError(Msg(N_("premium_frequency {frequency} is not one of {known}"),
                             frequency=repr(frequency), known=", ".join([*PER_YEAR, SINGLE])))
    return amount * PER_YEAR[frequency]


def _what(client: ClientRow | ContactRow, policy: Policy) -> str:
    return Msg(N_("{path}: {name} policy '{policy}'"), path=client.path, name=client.name, policy=policy.name)


def premiums(config: Config, client: ClientRow | ContactRow, policies: Sequence[Policy]
             ) -> tuple[Decimal, Decimal, tuple[str, ...]]:
    """(yearly premium, single premiums, problems) in the base currency over every policy
    in the client's file. Raises MissingRate; an unknown frequency is a problem, not a 0."""
    per_year = single = ZERO
    problems: list[str] = []
    for p in policies:
        if p.premium is None:
            continue
        amount = to_base(config, p.premium, p.currency, _what(client, p))
        try:
            y = yearly(amount, p.premium_frequency)
        except ValueError as exc:
            problems.append(Msg(N_("{what}: {problem}; its premium is left out"), what=_what(client, p),
                                problem=exc.args[0]))
            continue
        if y is None:
            single += amount
        else:
            per_year += y
    return per_year, single, tuple(problems)


def age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def dependants(family: Iterable[FamilyMember], rules: Rules, today: date) -> int:
    """Children younger than ``dependent_age``, or of unknown age."""
    return sum(1 for m in family if m.relation == "child"
               and (m.birthday is None or age(m.birthday, today) < rules.dependent_age))


def coverage_of(client: ClientRow, policies: Sequence[Policy], family: Sequence[FamilyMember],
                config: Config, rules: Rules, today: date) -> tuple[Coverage, tuple[str, ...]]:
    """The client's coverage row (from its row, its policies and its family) and any
    warnings about it."""
    warnings: list[str] = []
    own = on_client(policies, client.name)
    members = {m.name.strip() for m in family}
    others = [p for p in policies if not insures_client(p, client.name)]
    ci_kind = any(p.kind == "critical_illness" for p in own)
    med_kind = any(p.kind == "medical" for p in own)
    has_ci = covers_critical_illness(own, client.name, rules)
    has_medical = covers_medical(own, client.name, rules)
    rider_only = tuple(k for k, by_kind, covered in (("critical_illness", ci_kind, has_ci),
                                                      ("medical", med_kind, has_medical))
                       if covered and not by_kind)

    sums: dict[str, Decimal] | None = None
    family_sums: dict[str, dict[str, Decimal]] | None = None
    life = ZERO
    per_year = single = None
    error = None
    try:
        sums = {k: ZERO for k in KINDS}
        for p in own:
            if p.sum_assured is None:
                continue
            amount = to_base(config, p.sum_assured, p.currency, _what(client, p))
            if p.kind in sums:
                sums[p.kind] += amount
            if p.kind in rules.life_kinds:
                life += amount
        family_sums = {}
        for p in others:
            if p.sum_assured is None:
                continue
            amount = to_base(config, p.sum_assured, p.currency, _what(client, p))
            kinds = family_sums.setdefault(p.insured.strip(), {})
            kinds[p.kind] = kinds.get(p.kind, ZERO) + amount
        per_year, single, problems = premiums(config, client, policies)
        warnings += [Msg(N_("warning: {problem}"), problem=m) for m in problems]
    except MissingRate as exc:
        sums = family_sums = per_year = single = None
        error = exc.args[0]  # English in --json, translated when shown
        warnings.append(Msg(N_("warning: {name} ({id}): sums and premiums not shown: {problem}"),
                            name=client.name, id=client.id, problem=error))

    gaps: list[Gap] = []
    if not has_ci:
        gaps.append(Gap(NO_CI, Msg(N_("no critical-illness cover (no critical_illness policy or rider on "
                                      "the client)"))))
    if not has_medical:
        gaps.append(Gap(NO_MEDICAL, Msg(N_("no medical cover (no medical policy or rider on the client)"))))
    young = dependants(family, rules, today)
    if young and client.income is not None and client.income > 0 and error is None:
        try:
            income = to_base(config, client.income, client.income_currency,
                             Msg(N_("{path}: {name} income"), path=client.path, name=client.name))
        except MissingRate as exc:
            warnings.append(Msg(N_("warning: {name} ({id}): life cover not checked: {problem}"),
                                name=client.name, id=client.id, problem=exc.args[0]))
        else:
            need = income * rules.life_income_multiple
            if life < need:
                unknown = any(m.relation == "child" and m.birthday is None for m in family)
                if unknown:  # counted as young, and said so: the file has no birthday to tell
                    template = (N_("1 child under {age} or of unknown age; life cover {life} is below "
                                   "{multiple} x yearly income {income} = {need}") if young == 1 else
                                N_("{n} children under {age} or of unknown age; life cover {life} is below "
                                   "{multiple} x yearly income {income} = {need}"))
                else:
                    template = (N_("1 child under {age}; life cover {life} is below {multiple} x yearly income "
                                   "{income} = {need}") if young == 1 else
                                N_("{n} children under {age}; life cover {life} is below {multiple} x yearly "
                                   "income {income} = {need}"))
                gaps.append(Gap(LIFE_BELOW_INCOME, Msg(
                    template, n=young, age=rules.dependent_age, life=money_text(life),
                    multiple=_multiple(rules.life_income_multiple), income=money_text(income),
                    need=money_text(need))))
    for p in others:
        who = p.insured.strip()
        if who not in members:
            if p.line:
                text = Msg(N_("policy '{policy}' (line {line}) insures {who}, who is not listed under family"),
                           policy=p.name, line=p.line, who=who)
            else:
                text = Msg(N_("policy '{policy}' insures {who}, who is not listed under family"),
                           policy=p.name, who=who)
            gaps.append(Gap(NOT_IN_FAMILY, text))
    gaps = [g for g in gaps if g.code not in rules.ignore]

    row = Coverage(
        client=client.id, name=client.name, tier=client.tier, status=client.status,
        marital_status=client.marital_status, children=client.children, policies=len(policies),
        sums=sums, held=tuple(k for k in KINDS if any(p.kind == k for p in own)), riders=rider_only,
        family_sums=family_sums,
        premium_yearly=per_year, premium_single=single, gaps=tuple(gaps), error=error,
    )
    return row, tuple(warnings)


def _multiple(n: Decimal) -> str:
    return format(n.normalize(), "f")


def coverage(clients: Iterable[ClientRow], policies: Mapping[str, Sequence[Policy]],
             family: Mapping[str, Sequence[FamilyMember]], config: Config, rules: Rules, today: date,
             gaps_only: bool = False) -> CoverageReport:
    """The coverage sheet of ``clients`` (with each one's policies and family by id)."""
    rows: list[Coverage] = []
    warnings: list[str] = []
    for c in clients:
        row, notes = coverage_of(c, policies.get(c.id, ()), family.get(c.id, ()), config, rules, today)
        warnings += notes
        if gaps_only and not row.gaps:
            continue
        rows.append(row)
    return CoverageReport(tuple(rows), config.base_currency, rules, tuple(warnings))
