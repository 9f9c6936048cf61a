"""A broken rmnotes.yaml stops every command that needs the settings, at its line.

The settings decide every answer (cadences, rates, how far ahead to look), so a setting
that cannot be read is never replaced by a default in silence: an *error* in rmnotes.yaml
(a YAML syntax error, a file that is not a mapping, a value that cannot be read) makes each
command that needs the settings exit 1 with ``rmnotes.yaml:LINE: ...`` and the next step.
A *warning* (a key that nearly spells a known one) keeps working; ``rmn check`` lists both.
Commands that need no settings (``find``, ``history``) still answer.
"""

from __future__ import annotations

import pytest

from conftest import CONFIG, git, run, write_client
from rmnotes.parse import parse_config

CLIENT = """\
    ---
    name: 王偉
    tier: A
    assets:
      - {name: 美元定存, type: deposit, value: 100, currency: USD}
    ---
    ## Log
    - 2026-11-05 M 回顧
"""
NEXT = "fix rmnotes.yaml, then run the command again (rmn check lists every problem)"


def _break(vault, text: str) -> int:
    """Append ``text`` to rmnotes.yaml; returns the line it starts on."""
    path = vault / "rmnotes.yaml"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


@pytest.mark.parametrize("command", [["due"], ["list"], ["show", "王偉"], ["review", "王偉"],
                                     ["log", "王偉", "T", "電話"], ["rank"], ["coverage"],
                                     ["new", "陳美玲"]])
def test_a_syntax_error_stops_every_command_that_needs_the_settings(vault, command):
    write_client(vault, "wang-wei", CLIENT)
    line = _break(vault, "tiers: [\n")
    before = (vault / "clients" / "wang-wei.md").read_bytes()
    result = run(command, vault)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == (f"rmn: error: rmnotes.yaml:{line}: YAML syntax error: did not find expected "
                             f"node content (while parsing a flow node that starts here); {NEXT}\n")
    assert (vault / "clients" / "wang-wei.md").read_bytes() == before
    assert not (vault / "clients" / "chen-mei-ling.md").exists()


def test_commands_that_need_no_settings_still_answer(vault):
    write_client(vault, "wang-wei", CLIENT)
    _break(vault, "tiers: [\n")
    assert run(["find", "回顧"], vault).exit_code == 0


def test_check_lists_the_settings_error_and_every_client_problem_without_default_noise(vault):
    write_client(vault, "wang-wei", CLIENT)
    write_client(vault, "bad", "---\nname: 壞\nsince: 2026-13-01\n---\n")
    line = _break(vault, "tiers: [\n")
    result = run(["check"], vault)
    assert result.exit_code == 1
    # the client problems still come; the USD asset is not blamed on rates that were never read
    assert result.stdout.splitlines() == [
        f"rmnotes.yaml:{line}: YAML syntax error: did not find expected node content "
        "(while parsing a flow node that starts here)",
        'clients/bad.md:3: since "2026-13-01" is not a date',
    ]


@pytest.mark.parametrize("text, line, message", [
    ("- owner\n- tiers\n", 1, "rmnotes.yaml must be a mapping of 'key: value' lines"),
    ("tiers: {A: 1m, B: weekly}\n", 1, "tier B cadence 'weekly' is not a period like 2w, 1m, 3m or 1y"),
    ("owner: x\nfx: {USD: lots}\n", 2, "fx rate for USD must be a positive number, not 'lots'"),
    ("owner: x\nbase_currency: NT$\n", 2, 'base_currency "NT$" is not a 3-letter currency code like TWD or USD'),
    ("owner: x\nowner: y\n", 2, "duplicate key 'owner' (first at line 1)"),
    ("lookahead_days: soon\n", 1, "lookahead_days must be a whole number of days, not 'soon'"),
])
def test_any_error_in_the_settings_stops_due_at_its_line(vault, text, line, message):
    (vault / "rmnotes.yaml").write_text(text, encoding="utf-8")
    result = run(["due"], vault)
    assert result.exit_code == 1
    assert result.stderr == f"rmn: error: rmnotes.yaml:{line}: {message}; {NEXT}\n"


def test_two_errors_name_the_first_and_check_lists_both(vault):
    (vault / "rmnotes.yaml").write_text("fx: {USD: -1}\ntiers: {A: weekly}\n", encoding="utf-8")
    result = run(["due"], vault)
    assert result.stderr.startswith("rmn: error: rmnotes.yaml:1: fx rate for USD")
    checked = run(["check"], vault)
    assert {line.split(":")[1] for line in checked.stdout.splitlines()} == {"1", "2"}


def test_settings_that_are_not_utf8_are_an_error_with_their_line(vault):
    (vault / "rmnotes.yaml").write_bytes(CONFIG.encode() + "owner: 陳經理\n".encode("big5"))
    result = run(["due"], vault)
    line = CONFIG.count("\n") + 1
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rmn: error: rmnotes.yaml:{line}: byte ")
    assert "is not UTF-8; save the file as UTF-8" in result.stderr
    checked = run(["check"], vault)
    assert checked.exit_code == 1 and checked.stdout.startswith(f"rmnotes.yaml:{line}: byte ")


def test_a_near_miss_key_is_a_warning_and_the_commands_keep_working(vault):
    write_client(vault, "wang-wei", CLIENT)
    line = _break(vault, "lookahed_days: 30\n")
    assert run(["due"], vault).exit_code == 0
    checked = run(["check"], vault)
    assert (checked.exit_code, checked.stdout) == (
        0, f"rmnotes.yaml:{line}: warning: unknown key 'lookahed_days': did you mean 'lookahead_days'?\n")


def test_parse_config_reports_but_never_raises():
    config, issues = parse_config("tiers: [\n")
    assert config.tiers == {} and [i.line for i in issues] == [1]


def test_init_of_a_folder_with_broken_settings_reports_it_and_writes_nothing(tmp_path):
    root = tmp_path / "adopt"
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text(CONFIG + "tiers: [\n", encoding="utf-8")
    result = run(["init", str(root)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rmn: error: rmnotes.yaml:{CONFIG.count(chr(10)) + 1}: YAML syntax error")
    assert sorted(p.name for p in root.iterdir()) == [".rmnotes", "clients", "rmnotes.yaml"]
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")  # fixed: init adopts it
    assert run(["init", str(root)]).exit_code == 0
    assert git(root, "log", "--format=%s").startswith("init: adopt vault of 陳經理")
