"""Docs cannot drift: every command has help text and a place in the README's reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from rmnotes.cli import COMMANDS, cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


NAMES = [name for name, _, _ in COMMANDS]


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_help_and_a_readme_entry(name):
    command = cli.get_command(None, name)
    assert command is not None and command.name == name
    assert command.help and command.help.strip(), f"rmn {name} has no help text"
    assert f"### `rmn {name}" in README, f"README's command reference lacks '### `rmn {name}'"
    assert run([name, "--help"]).exit_code == 0


def test_every_command_module_is_registered_once():
    modules = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "rmnotes" / "commands").glob("*.py")
                     if p.stem != "__init__")
    registered = [module for _, module, _ in COMMANDS]
    assert len(registered) == len(set(registered))
    assert sorted(registered) == modules


def test_help_lists_every_command_in_order():
    out = run(["--help"]).stdout
    listed = [line.split()[0] for line in out.split("Commands:\n", 1)[1].splitlines() if line.strip()]
    assert listed == NAMES


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ", 1)[0]
    assert "scripts/demo.sh" in head and "scripts/test.sh" in head


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci


def _entry(name: str) -> str:
    """The README's reference entry of ``rmn name``: its heading and text."""
    import re

    found = re.search(rf"\n### `rmn {re.escape(name)}[ `].*?(?=\n### |\n## |\Z)", README, re.S)
    assert found, f"README's command reference lacks '### `rmn {name}'"
    return found.group(0)


@pytest.mark.parametrize("name", NAMES)
def test_every_option_appears_in_its_commands_readme_entry(name):
    """Each option by one of its names; the segment options are explained once, under
    `rmn list`, and an entry that says "[segment options]" takes them all."""
    import re

    import click

    from rmnotes.options import SEGMENT_KEYS

    entry = _entry(name)
    missing = []
    for param in cli.get_command(None, name).params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        if param.name in SEGMENT_KEYS and "[segment options]" in entry:
            continue
        if not any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", entry) for opt in param.opts):
            missing.append(param.opts[-1])
    assert not missing, f"README's entry for rmn {name} does not mention {', '.join(missing)}"
