"""The house keeps its shape: data flows files -> parse -> model -> index -> domain -> render -> CLI.

Each rule says which rmnotes modules and which outside libraries a layer may import
(anywhere in the file, including inside functions).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rmnotes"
STDLIB = set(sys.stdlib_module_names)

BASE = {"rmnotes.errors", "rmnotes.periods", "rmnotes.config", "rmnotes.model", "rmnotes.i18n", "rmnotes.words"}
PARSE = BASE | {"rmnotes.parse"}
VAULT = PARSE | {"rmnotes.vault", "rmnotes.textedit", "rmnotes.fmedit", "rmnotes.names", "rmnotes.facts",
                 "rmnotes.sheets"}
INDEX = VAULT | {"rmnotes.index"}
DOMAIN = INDEX | {"rmnotes.domain"}
RENDER = DOMAIN | {"rmnotes.render"}

# layer -> (rmnotes modules it may import, outside libraries it may import)
RULES: dict[str, tuple[set[str], set[str]]] = {
    "rmnotes.errors": (set(), set()),
    "rmnotes.i18n": (set(), set()),
    "rmnotes.words": ({"rmnotes.i18n"}, set()),
    "rmnotes.periods": (set(), set()),
    "rmnotes.config": (BASE, set()),
    "rmnotes.model": (BASE, set()),
    "rmnotes.facts": (BASE, set()),
    "rmnotes.parse": (PARSE, {"yaml"}),
    "rmnotes.names": (BASE, {"pypinyin", "opencc"}),
    "rmnotes.vault": (PARSE, set()),
    "rmnotes.textedit": (PARSE, set()),
    "rmnotes.sheets": (BASE, {"python_calamine"}),
    "rmnotes.fmedit": (PARSE | {"rmnotes.textedit"}, {"yaml"}),
    "rmnotes.index": (INDEX, set()),
    "rmnotes.domain": (DOMAIN, {"jsonschema", "fastjsonschema", "holidays", "lunardate", "yaml", "vobject"}),
    "rmnotes.gitops": (BASE, {"git"}),
    # a sync: git through gitops, the files' meaning through parse and domain; prints nothing
    "rmnotes.sync": (DOMAIN | {"rmnotes.gitops"}, set()),
    "rmnotes.render": (RENDER, {"rich", "matplotlib", "icalendar", "openpyxl", "vobject", "fontTools", "uharfbuzz"}),
}
FREE = ("rmnotes.cli", "rmnotes.app", "rmnotes.options", "rmnotes.commands", "rmnotes.__main__",
        "rmnotes.merge_driver")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> str | None:
    if name.startswith(FREE) or name == "rmnotes":
        return None
    for layer in sorted(RULES, key=len, reverse=True):
        if name == layer or name.startswith(layer + "."):
            return layer
    raise AssertionError(f"{name} belongs to no layer: add it to RULES in {__file__}")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "rmnotes" or node.module.startswith("rmnotes."):
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def allowed(name: str, internal: set[str]) -> bool:
    if name == "rmnotes":  # the package itself (its __version__)
        return True
    return any(name == m or name.startswith(m + ".") for m in internal)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_respects_its_layer(path: Path):
    name = module_name(path)
    layer = layer_of(name)
    if layer is None:
        return
    internal, outside = RULES[layer]
    internal = internal | {layer}
    bad = []
    for imported in sorted(imports(path)):
        top = imported.split(".")[0]
        if top == "rmnotes":
            if not allowed(imported, internal):
                bad.append(imported)
        elif top not in STDLIB and top not in outside and top != "__future__":
            bad.append(imported)
    assert not bad, f"{name} ({layer}) must not import {', '.join(bad)}"


def test_rule_check_catches_a_violation():
    """The rule check itself can fail: domain may not reach up to commands or out to click."""
    internal, outside = RULES[layer_of("rmnotes.domain.due")]
    assert "click" not in outside and "rich" not in outside and "git" not in outside
    assert not allowed("rmnotes.commands.log", internal)
    assert not allowed("rmnotes.render.charts", internal)
    assert allowed("rmnotes.index", internal)
    assert layer_of("rmnotes.render.charts") == "rmnotes.render"
