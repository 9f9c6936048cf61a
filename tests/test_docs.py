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


@pytest.mark.parametrize("name", NAMES)
def test_every_option_appears_in_the_readme(name):
    command = cli.get_command(None, name)
    options = [opt for param in command.params for opt in getattr(param, "opts", []) if opt.startswith("--")]
    missing = [opt for opt in options if opt not in README]
    assert not missing, f"README does not mention rmn {name} {', '.join(missing)}"


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
