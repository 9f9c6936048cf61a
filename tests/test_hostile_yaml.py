"""Hostile YAML costs a bounded amount and comes back as an issue with its line.

A client file is read by every command that opens the index, so one file that makes the
YAML reader loop, recurse or allocate without end would stop the whole book. Aliases are
refused (a hand-written client file never needs them), YAML is nested at most
:data:`~rmnotes.parse.yamltree.MAX_DEPTH` levels and read up to
:data:`~rmnotes.parse.yamltree.MAX_YAML_CHARS` characters.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, run, write_client
from rmnotes.parse import parse_client, parse_config, yamltree


def billion_laughs(levels: int = 9) -> str:
    """Nine levels of ten aliases each: 10**9 strings if every alias were expanded."""
    lines = ["---", "name: 笑話", 'lol1: &lol1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(2, levels + 1):
        lines.append(f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 10) + "]")
    return "\n".join(lines + ["---", "", "## Log", "- 2026-11-01 T 測試", ""])


LAUGHS_ALIAS_LINE = 4  # the first alias: `lol2: &lol2 [*lol1, ...]`


# ---------------------------------------------------------------------- aliases

def test_an_alias_is_refused_with_its_line():
    loaded = yamltree.load("a: &x 1\nb: 2\nc: *x\n", 10)
    assert loaded.fatal and loaded.value is None
    assert loaded.problems == [(12, "YAML alias *x: rmnotes files do not use anchors and aliases; "
                                    "write the value out in full")]


def test_an_anchor_without_an_alias_is_harmless():
    loaded = yamltree.load("a: &x [1, 2]\nb: '*x'\nc: x*y\n")
    assert (loaded.value, loaded.problems) == ({"a": [1, 2], "b": "*x", "c": "x*y"}, [])


def test_billion_laughs_in_a_client_file_is_one_error_at_its_line():
    started = time.perf_counter()
    parsed = parse_client(billion_laughs(), "clients/laughs.md")
    assert time.perf_counter() - started < 1
    assert parsed.client is None
    assert [(i.line, i.message.split(":")[0]) for i in parsed.issues] == [(LAUGHS_ALIAS_LINE, "YAML alias *lol1")]


@pytest.mark.parametrize("text", ["a: &a [*a]", "a: &a {b: *a}", "a: &a\n  - x\n  - *a"])
def test_a_self_referencing_alias_is_an_error_not_a_recursion(text):
    parsed = parse_client(f"---\nname: 自己\n{text}\n---\n", "clients/self.md")
    assert parsed.client is None
    [issue] = parsed.issues
    assert issue.line == 3 + text.count("\n") and "YAML alias *a" in issue.message


def test_a_self_referencing_alias_in_a_log_attribute_is_an_error_at_its_line():
    parsed = parse_client("---\nname: 王偉\n---\n## Log\n- 2026-11-01 M 見面\n  with: [x]\n"
                          "  products: &p [*p]\n- 2026-11-02 T 電話\n", "clients/wang-wei.md")
    assert parsed.client is not None  # the rest of the file still counts
    assert [e.date.day for e in parsed.client.entries] == [1, 2]
    assert [(i.line, i.message.split(":")[:2]) for i in parsed.errors] == [
        (7, ["log attribute", " YAML alias *p"])]


def test_a_self_referencing_alias_in_the_settings_is_an_error_at_its_line():
    config, issues = parse_config("owner: 陳經理\ntiers: &t {A: 1m, B: *t}\n")
    assert [(i.line, i.message.split(":")[0]) for i in issues] == [(2, "YAML alias *t")]


def test_a_merge_key_is_read_only_when_it_is_plain():
    assert yamltree.load("a:\n  <<: {x: 1}\n  y: 2\n").value == {"a": {"x": 1, "y": 2}}
    assert yamltree.load("a:\n  '<<': {x: 1}\n").value == {"a": {"<<": {"x": 1}}}
    tagged = yamltree.load("!!merge x: 1\n")
    assert tagged.value == {"x": 1} and "YAML tag !!merge is not allowed" in tagged.problems[0][1]


# ---------------------------------------------------------------------- depth and size

@pytest.mark.parametrize("text", [
    "a: " + "[" * 900 + "]" * 900,
    "".join(" " * i + f"k{i}:\n" for i in range(490)),
    "a: " + "{<<: " * 500 + "{}" + "}" * 500,
])
def test_deep_nesting_is_an_error_not_a_recursion(text):
    loaded = yamltree.load(text, 2)
    assert loaded.fatal
    [(line, message)] = loaded.problems
    assert line >= 2 and f"nested deeper than {yamltree.MAX_DEPTH} levels" in message


def test_yaml_over_the_size_limit_is_not_read():
    text = "a: [" + "x, " * (yamltree.MAX_YAML_CHARS // 3) + "]"
    started = time.perf_counter()
    loaded = yamltree.load(text, 2)
    assert time.perf_counter() - started < 0.5
    assert loaded.fatal and loaded.problems[0][0] == 2
    assert f"over the {yamltree.MAX_YAML_CHARS // 1024} KB" in loaded.problems[0][1]


# ---------------------------------------------------------------------- whole commands

def test_other_clients_are_answered_beside_a_billion_laughs_file(sample):
    (sample / "clients" / "laughs.md").write_text(billion_laughs(), encoding="utf-8")
    (sample / "clients" / "laughs.md").chmod(0o600)  # owner-only, as rmn keeps client files
    warning = f"warning: skipped clients/laughs.md:{LAUGHS_ALIAS_LINE}: YAML alias *lol1"
    for args in (["list"], ["show", "王偉"], ["review", "王偉"]):
        started = time.perf_counter()
        result = run(args, sample)
        assert time.perf_counter() - started < 5
        assert result.exit_code == 0 and "王偉" in result.stdout, args
    listed = run(["list"], sample)
    assert listed.stderr.startswith(warning)
    checked = run(["check"], sample)
    assert checked.exit_code == 1
    assert checked.stdout.startswith(f"clients/laughs.md:{LAUGHS_ALIAS_LINE}: YAML alias *lol1: ")


def test_a_self_referencing_alias_does_not_stop_the_index(vault):
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    write_client(vault, "self", "---\nname: 自己\na: &a [*a]\n---\n")
    result = run(["list"], vault)
    assert result.exit_code == 0 and "王偉" in result.stdout
    assert result.stderr.startswith("warning: skipped clients/self.md:3: YAML alias *a")


def _run_measured(args: list[str], env: dict, kill_after: float = 15) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``args``; returns the result, the seconds it took and the child's peak RSS in
    MB: the high-water mark of its own memory (``VmHWM``, read while it runs), not
    ``ru_maxrss``, which for a forked child starts at the size of this test process."""
    out_path, err_path = (Path(env["RMNOTES_OUT"]) / name for name in ("stdout", "stderr"))
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(child.pid))
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > kill_after:
                os.kill(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    result = subprocess.CompletedProcess(args, child.returncode, out_path.read_text(encoding="utf-8"),
                                         err_path.read_text(encoding="utf-8"))
    return result, seconds, peak_kb // 1024


def _high_water_kb(pid: int) -> int:
    """The peak resident memory of process ``pid`` so far (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def test_due_beside_a_billion_laughs_file_answers_fast_in_little_memory(tmp_path):
    good = tmp_path / "good"
    shutil.copytree(SAMPLE, good, ignore=shutil.ignore_patterns(".rmnotes", ".git"))
    settings = good / "rmnotes.yaml"  # the sample speaks zh_TW; the warning below is read in English
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: zh_TW", "language: en"),
                        encoding="utf-8")
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    assert len(list((bad / "clients").glob("*.md"))) == 40
    (bad / "clients" / "laughs.md").write_text(billion_laughs(), encoding="utf-8")
    (bad / "clients" / "laughs.md").chmod(0o600)
    env = {**os.environ, "PYTHONPATH": str(REPO), "RMNOTES_OUT": str(tmp_path), "COLUMNS": "120"}
    env.pop("RMNOTES_VAULT", None)
    def due(root: Path) -> list[str]:
        return [sys.executable, "-m", "rmnotes", "--vault", str(root), "due", "--as-of", "2026-11-28"]

    expected, _, _ = _run_measured(due(good), env)
    result, seconds, peak_mb = _run_measured(due(bad), env)
    print(f"rmn due beside a billion-laughs file: {seconds:.2f} s, peak RSS {peak_mb} MB")
    assert seconds < 5
    assert peak_mb < 200
    assert result.returncode == 0
    assert result.stderr.startswith(f"warning: skipped clients/laughs.md:{LAUGHS_ALIAS_LINE}: YAML alias *lol1")
    assert result.stdout == expected.stdout and expected.stdout.strip()


def test_a_self_referencing_alias_in_the_settings_stops_due_at_its_line(vault):
    with open(vault / "rmnotes.yaml", "a", encoding="utf-8") as f:
        f.write("coverage: &c {more: *c}\n")
    line = (vault / "rmnotes.yaml").read_text(encoding="utf-8").count("\n")
    result = run(["due"], vault)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rmn: error: rmnotes.yaml:{line}: YAML alias *c: ")
    assert run(["check"], vault).stdout.startswith(f"rmnotes.yaml:{line}: YAML alias *c: ")


def test_a_self_referencing_alias_in_a_log_attribute_is_listed_by_check(vault):
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n## Log\n- 2026-11-01 M 見面\n  products: &p [*p]\n")
    assert run(["show", "王偉"], vault).exit_code == 0
    result = run(["check"], vault)
    assert (result.exit_code, result.stdout.split(": ")[:3]) == (1, ["clients/wang-wei.md:6", "log attribute", "YAML alias *p"])
