"""rmn new: the id is chosen and the file created under the vault lock, so parallel runs
each get their own; a client of the same name is refused unless --duplicate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import rmnotes
from conftest import git, run, write_client


def subjects(vault: Path) -> list[str]:
    return git(vault, "log", "--format=%s").splitlines()


def test_parallel_new_runs_get_an_id_each_committed_as_new(vault):
    """Four at once on two cores: each takes the vault's lock in turn for its id and commit."""
    env = dict(os.environ, PYTHONPATH=str(Path(rmnotes.__file__).resolve().parents[1]))  # the code under test
    procs = [subprocess.Popen([sys.executable, "-m", "rmnotes", "--vault", str(vault), "new", "測試客戶",
                               "--duplicate", "--no-edit"], cwd=vault, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    for code, err in results:
        assert code == 0, err
        assert "warning" not in err
    ids = ["ce-shi-ke-hu"] + [f"ce-shi-ke-hu-{n}" for n in range(2, 5)]
    assert sorted(p.stem for p in (vault / "clients").glob("*.md")) == sorted(ids)
    assert sorted(err.strip() for _, err in results) == sorted(f"created clients/{i}.md" for i in ids)
    log = subjects(vault)
    assert sorted(log[:4]) == sorted(f"new: 測試客戶 ({i})" for i in ids)
    assert not any(s.startswith("hand edits") for s in log)
    for i in ids:  # each file in the commit that names it, and only there
        assert git(vault, "log", "--format=%s", "--", f"clients/{i}.md").splitlines() == [f"new: 測試客戶 ({i})"]
    assert git(vault, "status", "--porcelain") == ""


def test_a_client_of_the_same_name_is_refused_naming_it(vault):
    assert run(["new", "陳美玲", "--no-edit"], vault).exit_code == 0
    head = git(vault, "rev-parse", "HEAD")
    result = run(["new", "陳美玲", "--no-edit"], vault)
    assert result.exit_code == 1
    assert result.stderr == ("rmn: error: a client named 陳美玲 exists: 陳美玲 (chen-mei-ling); add --duplicate "
                             "to make a second client of that name; nothing was written\n")
    assert sorted(p.name for p in (vault / "clients").iterdir()) == ["chen-mei-ling.md"]
    assert git(vault, "rev-parse", "HEAD") == head


def test_duplicate_makes_a_second_client(vault):
    run(["new", "陳美玲", "--no-edit"], vault)
    result = run(["new", "陳美玲", "--no-edit", "--duplicate"], vault)
    assert result.exit_code == 0, result.output
    assert result.stderr == "created clients/chen-mei-ling-2.md\n"
    assert subjects(vault)[0] == "new: 陳美玲 (chen-mei-ling-2)"


def test_the_same_name_is_found_whatever_its_file_and_case(vault):
    write_client(vault, "may", "---\nname: May Chen\n---\n")
    result = run(["new", "may chen", "--no-edit"], vault)
    assert result.exit_code == 1 and "exists: May Chen (may);" in result.stderr


def test_the_same_name_in_the_other_script_is_the_same_name(vault):
    """陈美玲 typed on a Simplified keyboard is 陳美玲, as every CLIENT argument reads it."""
    run(["new", "陳美玲", "--no-edit"], vault)
    result = run(["new", "陈美玲", "--no-edit"], vault)
    assert result.exit_code == 1 and "exists: 陳美玲 (chen-mei-ling);" in result.stderr
    assert sorted(p.name for p in (vault / "clients").iterdir()) == ["chen-mei-ling.md"]


def test_another_name_with_the_same_pinyin_is_not_a_duplicate(vault):
    run(["new", "陳美玲", "--no-edit"], vault)
    result = run(["new", "陳美鈴", "--no-edit"], vault)  # chen mei ling too, but another name
    assert result.exit_code == 0, result.output
    assert result.stderr == "created clients/chen-mei-ling-2.md\n"


def test_a_file_made_by_hand_meanwhile_is_never_replaced(vault):
    """The id is chosen among the files there; an untracked one is a hand edit, and taken."""
    write_client(vault, "wang-wei", "---\nname: 王偉 (by hand)\n---\n")
    result = run(["new", "王偉", "--no-edit"], vault)
    assert result.exit_code == 0, result.output
    assert result.stderr == "created clients/wang-wei-2.md\n"
    assert (vault / "clients" / "wang-wei.md").read_text(encoding="utf-8") == "---\nname: 王偉 (by hand)\n---\n"
    assert subjects(vault)[:2] == ["new: 王偉 (wang-wei-2)", "hand edits: clients/wang-wei.md"]


def test_the_tier_is_one_the_settings_define(vault):
    """--tier c is the settings' C; a tier they do not define is refused, nothing written."""
    assert run(["new", "陳美玲", "--tier", "c", "--no-edit"], vault).exit_code == 0
    assert "\ntier: C\n" in (vault / "clients" / "chen-mei-ling.md").read_text(encoding="utf-8")
    refused = run(["new", "王五", "--tier", "Z", "--no-edit"], vault)
    assert refused.exit_code == 2 and "--tier Z is not one of the tiers in rmnotes.yaml (A, B, C)" in refused.stderr
    assert not (vault / "clients" / "wang-wu.md").exists()
    assert run(["check"], vault).exit_code == 0
