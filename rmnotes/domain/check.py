"""``rmn check``: every problem of every file, each with its place.

Parse issues come from :mod:`rmnotes.parse`; the validators below add what needs the
schema, the settings or the other files. Each validator is a small function taking the
context and one parsed file and returning issues; ``VALIDATORS`` lists them.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from rmnotes.config import Config
from rmnotes.errors import DataError
from rmnotes.index import read_and_parse
from rmnotes.model import Issue
from rmnotes.parse import ParsedClient, cells, yamltree
from rmnotes.parse.client import client_id_from_path
from rmnotes.periods import LunarMonthDay
from rmnotes.vault import CLIENTS_DIR, CONFIG_FILE, Vault

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def schema_path(name: str) -> Path:
    """The JSON Schema file ``name`` (shipped in ``schema/``)."""
    local = SCHEMA_DIR / name
    if local.is_file():
        return local
    # installed from a wheel: schema/ goes to <prefix>/share/rmnotes/schema
    return Path(sys.prefix) / "share" / "rmnotes" / "schema" / name


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class CheckContext:
    config: Config | None  # None when rmnotes.yaml cannot be read: nothing is checked against it
    client_ids: frozenset[str]
    # a quick yes for a front-matter the client schema accepts (compiled for a whole vault's
    # check); for any other, jsonschema finds and names every problem
    schema_ok: Callable[[Any], bool] | None = None


QUICK_SCHEMA_MIN = 10  # client files from which the quick tests (~50 ms to compile) pay for themselves


Validator = Callable[[CheckContext, ParsedClient], Iterable[Issue]]


def check_vault(vault: Vault) -> list[Issue]:
    """Every issue in the vault, sorted by file and line."""
    _, config_issues = vault.settings
    issues: list[Issue] = list(config_issues)
    loaded = _config_loaded(vault)
    paths = sorted(rel for rel, _, _ in vault.stamps())
    quick = len(paths) >= QUICK_SCHEMA_MIN  # then jsonschema loads only for a file with a problem
    issues += schema_issues(loaded, "config.schema.json", CONFIG_FILE,
                            quick_schema("config.schema.json") if quick else None)
    issues += file_issues(vault)
    ctx = client_context(vault, loaded, paths)
    if quick:
        ctx = replace(ctx, schema_ok=quick_schema("client.schema.json"))
    for rel in paths:
        issues += client_issues(ctx, read_and_parse(vault, rel))
    return _unique_sorted(issues)


def client_context(vault: Vault, loaded: yamltree.Loaded | None = None,
                   paths: Iterable[str] | None = None) -> CheckContext:
    """What the checks of a client file need to know of the vault: its settings (None when
    rmnotes.yaml cannot be read) and the ids of its clients."""
    config, _ = vault.settings
    loaded = _config_loaded(vault) if loaded is None else loaded
    readable = not loaded.fatal and (loaded.value is None or isinstance(loaded.value, dict))
    paths = [rel for rel, _, _ in vault.stamps()] if paths is None else paths
    return CheckContext(config if readable else None, frozenset(client_id_from_path(rel) for rel in paths))


def client_issues(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    """Every issue ``rmn check`` reports for one parsed client file, in its order."""
    issues = list(parsed.issues)
    if parsed.loaded is None or parsed.loaded.fatal:
        return issues
    for validator in VALIDATORS:
        issues += validator(ctx, parsed)
    return _unique_sorted(issues)


def file_issues(vault: Vault) -> list[Issue]:
    """What the file system says of the client files: a symbolic link (which rmn reads but
    never writes through), and a file others may read or write (client data is private)."""
    try:
        entries = sorted(os.scandir(vault.clients_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    out = []
    for e in entries:
        if not e.name.endswith(".md") or e.name.startswith("."):
            continue
        rel = f"{CLIENTS_DIR}/{e.name}"
        if e.is_symlink():
            target = os.readlink(e.path)
            gone = "" if os.path.exists(e.path) else ", which does not exist"
            out.append(Issue(rel, None, f"a symbolic link to {target}{gone}: rmn reads it but never "
                                        "writes through it; put the file itself in its place", "warning"))
            continue
        mode = stat.S_IMODE(e.stat(follow_symlinks=False).st_mode)
        if mode & 0o066:
            out.append(Issue(rel, None, f"readable or writable by others (mode {mode:04o}); "
                                        "'rmn check --fix-modes' makes it owner-only (0600)", "warning"))
    return out


def _config_loaded(vault: Vault) -> yamltree.Loaded:
    """rmnotes.yaml's values and lines; fatal when it cannot be read (the settings' issues
    say why)."""
    try:
        text = vault.read_text(CONFIG_FILE)
    except (DataError, OSError):
        return yamltree.Loaded(fatal=True)
    return yamltree.load(text.removeprefix("\ufeff"), 1)


def _unique_sorted(issues: Iterable[Issue]) -> list[Issue]:
    seen: set[tuple] = set()
    out = []
    for i in issues:
        key = (i.path, i.line, i.message)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return sorted(out, key=lambda i: (i.path != CONFIG_FILE, i.path, i.line or 0))


# ---------------------------------------------------------------------- validators
def validate_schema(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    loaded = parsed.loaded
    path = _path_of_loaded(parsed)
    issues = schema_issues(loaded, "client.schema.json", path, ctx.schema_ok)
    # parse already reported a missing name, with the same words
    return [i for i in issues if "missing required key 'name'" not in i.message or i.line != loaded.line(())]


def _path_of_loaded(parsed: ParsedClient) -> str:
    if parsed.client is not None:
        return parsed.client.path
    for i in parsed.issues:
        return i.path
    return "?"


def schema_issues(loaded: yamltree.Loaded, schema_name: str, path: str,
                  ok: Callable[[Any], bool] | None = None) -> list[Issue]:
    """Every problem jsonschema finds under ``schema_name``; none without asking it when
    ``ok`` (:func:`quick_schema`) says the value has none."""
    if loaded.fatal or loaded.value is None:
        return []
    instance = _jsonable(loaded.value)
    if ok is not None and ok(instance):
        return []
    out = []
    for error in _validator(schema_name).iter_errors(instance):
        where = tuple(error.absolute_path)
        out.append(Issue(path, loaded.line(where), _friendly(error, where)))
    return out


@lru_cache(maxsize=None)
def _validator(schema_name: str):
    """jsonschema's validator of ``schema_name``, made once per process (~5 ms each)."""
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(schema_name))


@lru_cache(maxsize=None)
def quick_schema(schema_name: str) -> Callable[[Any], bool]:
    """Whether an instance has no problem under ``schema_name``, as a function compiled by
    fastjsonschema (once per process, ~45 ms): ``rmn check`` of 300 clients spent 2.7 s in
    jsonschema finding nothing in files that have nothing to find. It answers yes or no
    only; jsonschema still finds and words every problem of a file it says no to. The
    schema uses only keywords both read alike (a test compares them)."""
    import fastjsonschema

    test = fastjsonschema.compile(copy.deepcopy(load_schema(schema_name)))  # it writes into what it reads

    def ok(instance: Any) -> bool:
        try:
            test(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return ok


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):  # `key:` with nothing after it counts as absent
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def label(where: tuple) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "front-matter"


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "array": "a list", "object": "a mapping of keys", "boolean": "true or false"}


def _friendly(error, where: tuple) -> str:
    name = label(where)
    value = error.instance
    kind = error.validator
    if kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        return f"{name}: expected {words}, got {json.dumps(value, ensure_ascii=False, default=str)}"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{name}: {json.dumps(value, ensure_ascii=False)} is not one of: {allowed}"
    if kind == "pattern":
        pattern = error.validator_value
        if "\\d{4}" in pattern:
            return f'{name} "{value}" is not a date (write YYYY-MM-DD)'
        if "dwmy" in pattern:
            return f'{name} "{value}" is not a period like 2w, 1m, 3m or 1y'
        if "A-Za-z]{3}" in pattern:
            return f'{name} "{value}" is not a 3-letter currency code like TWD or USD'
        if ":" in pattern:
            return f'{name} "{value}" is not a span of hours like 09:00-18:00'
        return f"{name}: {value!r} does not match {pattern}"
    if kind in ("minimum", "maximum", "exclusiveMinimum"):
        return f"{name}: {value} is out of range ({kind} {error.validator_value})"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{name}: missing required key '{missing}'" if where else f"missing required key '{missing}'"
    if kind == "oneOf":
        return f"{name}: expected text or a list of text, got {json.dumps(value, ensure_ascii=False, default=str)}"
    if kind == "minLength":
        return f"{name}: must not be empty"
    return f"{name}: {error.message}"


def known_key_near(key: Any, known: Iterable[str]) -> str | None:
    """The known key that ``key`` nearly spells (``birthdy``: ``birthday``), or None: an
    unknown key is kept, but a near miss of a known one is probably a typo."""
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _nested_key_near(key: Any) -> str | None:
    """A top-level key that nearly spells a key of profile, risk or contact (``birthdy``):
    that key's dotted path (``profile.birthday``), or None."""
    props = load_schema("client.schema.json")["properties"]
    nested = {name: f"{section}.{name}" for section in ("profile", "risk", "contact")
              for name in props[section]["properties"]}
    close = known_key_near(key, nested)
    return nested[close] if close else None


def _sub_keys(schema: dict) -> tuple[dict | None, bool]:
    """The known keys under a key described by ``schema``, and whether they are the keys of
    each item of a list."""
    if schema.get("type") == "object" and "properties" in schema:
        return schema["properties"], False
    if schema.get("type") == "array" and "properties" in schema.get("items", {}):
        return schema["items"]["properties"], True
    return None, False


def validate_near_miss_keys(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    """Unknown keys are kept, but one that nearly spells a known key is probably a typo."""
    meta = parsed.loaded.value
    if not isinstance(meta, dict):
        return []
    path = _path_of_loaded(parsed)
    schema = load_schema("client.schema.json")
    out: list[Issue] = []

    def walk(node: Any, props: dict, where: tuple) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in props:
                sub, listed = _sub_keys(props[key])
                if sub is not None and not listed:
                    walk(value, sub, where + (key,))
                elif sub is not None and isinstance(value, list):
                    for i, item in enumerate(value):
                        walk(item, sub, where + (key, i))
                continue
            close = known_key_near(key, props) or (None if where else _nested_key_near(key))
            if close:
                out.append(Issue(path, parsed.loaded.line(where + (key,)),
                                 f"unknown key '{label(where + (key,))}': did you mean '{close}'?",
                                 "warning"))

    walk(meta, schema["properties"], ())
    return out


def near_miss(path: Sequence[Any]) -> tuple[int, str] | None:
    """For a key path about to be written (``rmn set``): the place in ``path`` of its first
    unknown key and the known key it nearly spells, by the rule :func:`validate_near_miss_keys`
    reports (``("teir",)``: ``(0, "tier")``; ``("birthdy",)``: ``(0, "profile.birthday")``);
    None when each key is known, or an unknown one is no near miss (a key of the user's own).
    ``path`` holds keys, and list items (an index or a named item) where the schema has a list."""
    props: dict | None = load_schema("client.schema.json")["properties"]
    listed = False
    for place, part in enumerate(path):
        if props is None:
            return None  # under a value the schema does not describe further
        if listed:  # the item of a list: its keys come next
            listed = False
            continue
        if part not in props:
            close = known_key_near(part, props) or (None if place else _nested_key_near(part))
            return (place, close) if close else None
        props, listed = _sub_keys(props[part])
    return None


def validate_family_links(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    c = parsed.client
    if c is None:
        return []
    out = []
    for i, m in enumerate(c.family):
        if m.client and m.client not in ctx.client_ids:
            out.append(Issue(c.path, parsed.loaded.line(("family", i, "client")),
                             f"family[{i}] {m.name}: client '{m.client}' has no file clients/{m.client}.md"))
        elif m.client == c.id:
            out.append(Issue(c.path, m.line, f"family[{i}] {m.name}: links to this client's own file"))
    return out


def validate_family_names(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    """A family member's name that a sheet could not carry as itself (``rmn export``, then
    ``rmn import``): one holding a date, a bracket left open, or a list separator."""
    c = parsed.client
    if c is None:
        return []
    out = []
    for i, m in enumerate(c.family):
        try:
            readable = cells.members(m.name, "name") == [(m.name, None)]
        except cells.CellError:
            readable = False
        if not readable:
            out.append(Issue(c.path, parsed.loaded.line(("family", i, "name")) or m.line,
                             f"family[{i}] {m.name}: a sheet cannot carry this name as it is (a date, a bracket left "
                             "open or a list separator such as 、 , / in it); keep the name alone and the date under "
                             "birthday:", "warning"))
    return out


def validate_lunar_birthdays(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    """A lunar month-day written beside a solar ``birthday`` that was another lunar day: one
    of the two is wrong (often the lunar date written into ``birthday``). A leap month
    alone is no disagreement: a leap-month birthday is kept in the ordinary month."""
    c = parsed.client
    if c is None:
        return []
    from rmnotes.domain.lunar import lunar_day

    people = [(("profile",), c.birthday, c.lunar_day)]
    people += [(("family", i), m.birthday, m.lunar_day) for i, m in enumerate(c.family)]
    out = []
    for where, born, written in people:
        if born is None or written is None:
            continue
        was = lunar_day(born)
        if was is None or (was.month, was.day) == (written.month, written.day):
            continue
        key = where + ("lunar_birthday",)
        was_text = LunarMonthDay(was.month, was.day, was.leap)
        out.append(Issue(c.path, parsed.loaded.line(key),
                         f"{label(key)} is lunar {written}, but birthday {born} was lunar {was_text}; "
                         f"rmn due keeps {written}: correct the one that is wrong", "warning"))
    return out


def validate_unique_assets(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    c = parsed.client
    if c is None:
        return []
    seen: dict[str, int | None] = {}
    out = []
    for a in c.assets:
        if a.name in seen:
            first = seen[a.name]
            where = f" (first at line {first})" if first else ""
            out.append(Issue(c.path, a.line, f"duplicate asset name '{a.name}'{where}; give each holding its own name"))
        else:
            seen[a.name] = a.line
    return out


def validate_currencies(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    c = parsed.client
    cfg = ctx.config
    if c is None or cfg is None:
        return []
    out = []
    for kind, items in (("asset", c.assets), ("policy", c.policies)):
        for item in items:
            if item.currency and cfg.rate(item.currency) is None:
                out.append(Issue(
                    c.path, item.line,
                    f"{kind} '{item.name}': currency {item.currency} has no rate in rmnotes.yaml; "
                    f"add it under fx (units of {cfg.base_currency} per 1 {item.currency})"))
    return out


def validate_tier(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    """A tier rmnotes.yaml does not define would give the client the default cadence."""
    c = parsed.client
    cfg = ctx.config
    if c is None or cfg is None or not cfg.tiers or c.tier is None or c.tier in cfg.tiers:
        return []
    return [Issue(c.path, parsed.loaded.line(("tier",)),
                  f"tier '{c.tier}' is not one of the tiers in rmnotes.yaml ({', '.join(cfg.tiers)}); "
                  f"use one of them, or add '{c.tier}' under tiers")]


def validate_file_name(ctx: CheckContext, parsed: ParsedClient) -> list[Issue]:
    c = parsed.client
    if c is None or _SLUG.match(c.id):
        return []
    return [Issue(c.path, None, f"file name '{c.id}' is not a lower-case ASCII id like wang-wei; "
                                "rename the file (rmn new makes one from the name)", "warning")]


VALIDATORS: tuple[Validator, ...] = (
    validate_schema,
    validate_near_miss_keys,
    validate_family_links,
    validate_family_names,
    validate_lunar_birthdays,
    validate_unique_assets,
    validate_currencies,
    validate_tier,
    validate_file_name,
)
