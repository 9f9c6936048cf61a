"""A client file's text -> :class:`Client` + issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rmnotes.model import Asset, Client, FamilyMember, Issue, Policy
from rmnotes.parse import coerce, yamltree
from rmnotes.parse.body import parse_body
from rmnotes.periods import Period

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class ParsedClient:
    """What one file says: the client (None when unusable), every issue, and key lines."""

    client: Client | None
    issues: tuple[Issue, ...]
    loaded: yamltree.Loaded | None = None  # front-matter values and their lines, for check

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)


@dataclass(frozen=True, slots=True)
class Split:
    """A file cut into front-matter and body; line numbers are 1-based file lines."""

    front: str | None
    front_line: int  # file line of the front-matter's first YAML line
    body: list[str]
    body_line: int
    problem: str | None = None


def split(text: str) -> Split:
    if text.startswith(BOM):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Split(None, 1, lines, 1, "no front-matter: the file must start with a '---' line")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return Split("\n".join(lines[1:i]), 2, lines[i + 1 :], i + 2)
    return Split(None, 1, lines, 1, "front-matter is not closed by a '---' line")


def client_id_from_path(path: str) -> str:
    stem = path.replace("\\", "/").rsplit("/", 1)[-1]
    return stem[:-3] if stem.endswith(".md") else stem


def conflict_markers(text: str) -> list[tuple[int, str]]:
    """The lines of an unresolved git conflict: ``<<<<<<< ``, ``>>>>>>> `` anywhere, and
    ``=======`` (and diff3's ``||||||| ``) between them, so that a Markdown heading's
    underline elsewhere is not taken for one."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return []
    out = []
    inside = False
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        head, rest = line[:7], line[7:]
        if head in ("<<<<<<<", ">>>>>>>") and rest[:1] in ("", " "):
            inside = head == "<<<<<<<"
        elif not inside or not (head == "|||||||" and rest[:1] in ("", " ")
                                or head == "=======" and not rest.strip()):
            continue
        out.append((n, f"git conflict marker '{head}': the file holds both sides of a merge; keep "
                       "the lines you mean, delete the marker lines, then run 'rmn sync --continue' (after a merge "
                       "of your own: 'git add' the file)"))
    return out


def parse_client(text: str, path: str) -> ParsedClient:
    """Parse one client file. ``path`` is vault-relative (``clients/wang-wei.md``)."""
    markers = conflict_markers(text)
    if markers:  # both sides of a merge: what the file says is not yet decided
        return ParsedClient(None, tuple(Issue(path, line, message) for line, message in markers))
    issues: list[Issue] = []
    parts = split(text)
    if parts.front is None:
        issues.append(Issue(path, 1, parts.problem or "no front-matter"))
        return ParsedClient(None, tuple(issues))
    loaded = yamltree.load(parts.front, parts.front_line)
    for line, message in loaded.problems:
        issues.append(Issue(path, line, message))
    if loaded.fatal:
        return ParsedClient(None, tuple(issues), loaded)
    meta = loaded.value if loaded.value is not None else {}
    if not isinstance(meta, dict):
        issues.append(Issue(path, parts.front_line, "front-matter must be a mapping of 'key: value' lines"))
        return ParsedClient(None, tuple(issues), loaded)

    def reporter(*keys: Any):
        line = loaded.line(tuple(keys), parts.front_line)
        return lambda message: issues.append(Issue(path, line, message))

    name = coerce.text(meta.get("name"))
    if not name or not name.strip():
        issues.append(Issue(path, parts.front_line, "missing required key 'name'"))
        return ParsedClient(None, tuple(issues), loaded)

    profile = coerce.mapping(meta.get("profile"))
    risk = coerce.mapping(meta.get("risk"))
    contact = coerce.mapping(meta.get("contact"))

    lunar = coerce.lunar_birthday(profile.get("lunar_birthday"), reporter("profile", "lunar_birthday"))
    body = parse_body(parts.body, parts.body_line)
    for line, severity, message in body.problems:
        issues.append(Issue(path, line, message, severity))

    client = Client(
        id=client_id_from_path(path),
        path=path,
        name=name.strip(),
        aliases=coerce.texts(meta.get("aliases")),
        tier=coerce.text(meta.get("tier")),
        status=(coerce.text(meta.get("status")) or "active").lower(),
        since=coerce.day(meta.get("since"), "since", reporter("since")),
        cadence=Period.parse(meta.get("cadence")),
        tags=coerce.texts(meta.get("tags")),
        region=(coerce.text(meta.get("region")) or "").strip().upper() or None,
        birthday=coerce.day(profile.get("birthday"), "birthday", reporter("profile", "birthday")),
        lunar_birthday=lunar[0],
        lunar_day=lunar[1],
        marital_status=coerce.text(profile.get("marital_status")),
        income=coerce.money(profile.get("income")),
        risk_profile=coerce.integer(risk.get("profile")),
        risk_assessed=coerce.day(risk.get("assessed"), "assessed", reporter("risk", "assessed")),
        prefer=tuple(p.lower() for p in coerce.texts(contact.get("prefer"))),
        no_calls=coerce.text(contact.get("no_calls")),
        best_time=coerce.text(contact.get("best_time")),
        family=tuple(_family(meta, reporter, loaded)),
        assets=tuple(_assets(meta, reporter, loaded)),
        policies=tuple(_policies(meta, reporter, loaded)),
        notes=body.notes,
        followups=tuple(body.followups),
        entries=tuple(body.entries),
        meta=meta,
    )
    return ParsedClient(client, tuple(issues), loaded)


def _family(meta: dict, reporter, loaded: yamltree.Loaded) -> list[FamilyMember]:
    out = []
    for i, m in enumerate(coerce.items(meta.get("family"))):
        if not isinstance(m, dict):
            continue
        name = coerce.text(m.get("name"))
        if not name:
            continue
        lunar, lunar_day = coerce.lunar_birthday(m.get("lunar_birthday"), reporter("family", i, "lunar_birthday"))
        out.append(FamilyMember(
            name=name,
            relation=coerce.text(m.get("relation")),
            birthday=coerce.day(m.get("birthday"), "birthday", reporter("family", i, "birthday")),
            lunar_birthday=lunar,
            lunar_day=lunar_day,
            occupation=coerce.text(m.get("occupation")),
            school=coerce.text(m.get("school")),
            client=coerce.link(m.get("client")),
            line=loaded.line(("family", i)),
        ))
    return out


def _assets(meta: dict, reporter, loaded: yamltree.Loaded) -> list[Asset]:
    out = []
    for i, a in enumerate(coerce.items(meta.get("assets"))):
        if not isinstance(a, dict):
            continue
        name = coerce.text(a.get("name"))
        if not name:
            continue
        currency = coerce.text(a.get("currency"))
        out.append(Asset(
            name=name,
            type=(coerce.text(a.get("type")) or "other").lower(),
            institution=coerce.text(a.get("institution")),
            value=coerce.money(a.get("value")),
            currency=currency.upper() if currency else None,
            since=coerce.day(a.get("since"), "since", reporter("assets", i, "since")),
            maturity=coerce.day(a.get("maturity"), "maturity", reporter("assets", i, "maturity")),
            risk=coerce.integer(a.get("risk")),
            line=loaded.line(("assets", i)),
        ))
    return out


def _policies(meta: dict, reporter, loaded: yamltree.Loaded) -> list[Policy]:
    out = []
    for i, p in enumerate(coerce.items(meta.get("policies"))):
        if not isinstance(p, dict):
            continue
        name = coerce.text(p.get("name")) or coerce.text(p.get("kind")) or f"policy {i + 1}"
        currency = coerce.text(p.get("currency"))
        out.append(Policy(
            name=name,
            insurer=coerce.text(p.get("insurer")),
            kind=(coerce.text(p.get("kind")) or "other").lower(),
            insured=coerce.text(p.get("insured")) or "self",
            sum_assured=coerce.money(p.get("sum_assured")),
            premium=coerce.money(p.get("premium")),
            premium_frequency=(coerce.text(p.get("premium_frequency")) or "annual").lower(),
            currency=currency.upper() if currency else None,
            start=coerce.day(p.get("start"), "start", reporter("policies", i, "start")),
            term_years=coerce.integer(p.get("term_years")),
            next_premium=coerce.day(p.get("next_premium"), "next_premium",
                                    reporter("policies", i, "next_premium")),
            riders=tuple(r.lower() for r in coerce.texts(p.get("riders"))),
            line=loaded.line(("policies", i)),
        ))
    return out
