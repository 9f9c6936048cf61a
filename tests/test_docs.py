"""Docs cannot drift: every command has help text and a place in the README's reference."""

from __future__ import annotations

import re
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


SEGMENT_OPTIONS = ("--tier", "--tag", "--status", "--risk", "--holds", "--has-children",
                   "--no-contact-since", "--aum")


def _section(name: str) -> str:
    """The README's reference entry of ``rmn name``: its heading down to the next heading."""
    start = README.index(f"### `rmn {name}")
    ends = [i for i in (README.find("\n### ", start + 1), README.find("\n## ", start + 1)) if i > 0]
    return README[start:min(ends, default=len(README))]


@pytest.mark.parametrize("name", NAMES)
def test_every_option_of_a_command_appears_in_its_readme_entry(name):
    section = _section(name)
    documented = set(SEGMENT_OPTIONS) if "[segment options]" in section else set()
    command = cli.get_command(None, name)
    options = [opt for p in command.params for opt in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))
               if opt.startswith("--")]
    missing = [opt for opt in options
               if opt not in documented and not re.search(re.escape(opt) + r"(?![\w-])", section)]
    assert not missing, f"README's entry for rmn {name} does not mention {missing}"


def test_the_readmes_client_examples_find_chen_mei_ling_in_the_sample(sample):
    """The paragraph on CLIENT arguments names 陳美玲 of the sample in every way it lists."""
    paragraph = README[README.index("CLIENT arguments accept"):].split("\n\n", 1)[0]
    examples = re.findall(r"`([^`]+)`", paragraph.split("An ambiguous", 1)[0])
    assert len(examples) >= 6, examples
    for text in examples:
        result = run(["show", text, "--json"], vault=sample)
        assert result.exit_code == 0, (text, result.output)
        assert '"id": "chen-mei-ling"' in result.stdout, text
