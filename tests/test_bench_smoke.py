"""The benchmark harness must not rot: generate vaults, run every measurement once.

No timing assertions: the numbers depend on the machine. These check that the generator
is deterministic and writes files rmn reads cleanly, and that ``bench/run.py --quick``
runs every measurement group to the end and writes its Markdown table.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, run

BENCH = REPO / "bench"

# slow (~20 s): CI runs them with everything else; `pytest -m "not slow"` leaves them out
pytestmark = pytest.mark.slow


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(BENCH))
    try:
        yield _load("generate")
    finally:
        sys.path.remove(str(BENCH))


def _digest(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "clients").iterdir())}


def test_generator_is_deterministic_and_realistic(generate, tmp_path):
    big = generate.generate(tmp_path / "big", 400, seed=7, commits=30)  # 12 CRLF, 4 BOM, 1 homophone
    assert big.clients == 400
    files = sorted((tmp_path / "big" / "clients").iterdir())
    assert len(files) == 400
    names = [p.stem for p in files]
    assert len(set(names)) == 400
    assert any(n.endswith("-2") for n in names)  # homophones get -2, -3
    raw = [p.read_bytes() for p in files]
    assert sum(b"\r\n" in b for b in raw) > 5  # some files saved by Windows editors
    assert sum(b.startswith(b"\xef\xbb\xbf") for b in raw) > 2  # and some with a BOM
    text = files[0].read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert text.startswith("---\nname: ")
    assert "\n## Follow-ups\n- [" in text and "\n## Log\n" in text
    entries = [line for line in text.split("\n## Log\n", 1)[1].splitlines() if line.startswith("- 20")]
    assert 25 <= len(entries) <= 55

    # the same seed gives the same bytes, and a smaller book is the bigger one's beginning
    small = tmp_path / "small"
    generate.generate(small, 40, seed=7)
    ids = [p.slug for p in generate.people(40, 7)]
    assert sorted(ids) == sorted(p.stem for p in (small / "clients").iterdir())
    big_digest = _digest(tmp_path / "big")
    for name, digest in _digest(small).items():
        assert big_digest[name] == digest, name

    # history: 30 commits whose last tree is exactly the files on disk
    log = subprocess.run(["git", "log", "--format=%s"], cwd=tmp_path / "big", capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert len(log) == 30
    assert log[-1].startswith("init: adopt vault") and log[0].startswith("log: ")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path / "big",
                            capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_generated_vault_checks_clean(generate, tmp_path):
    root = tmp_path / "v"
    generate.generate(root, 60, seed=3, as_of=date(2026, 11, 28))
    result = run(["check"], vault=root)
    assert (result.exit_code, result.output) == (0, "")
    listed = run(["list", "--json"], vault=root)
    assert listed.exit_code == 0
    assert listed.output.count('"id"') == 60


def test_harness_quick_runs_every_measurement(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--sizes", "40", "--import-sizes", "10", "--workdir",
         str(tmp_path / "work"), "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# rmnotes benchmark results")
    assert "| clients | measurement" in text
    for what in ("`rmn --help`", "`rmn --version`", "front-matter floor", "stat floor",
                 "peak memory of the cold index build", "warm `rmn list --json`", "`rmn merge-file`",
                 "`rmn verify`", "`rmn import` of"):
        assert what in text, what
    # commands that exist are measured; a failure is reported in the table, never hidden
    assert "failed:" not in text, text
    assert proc.stdout.strip().startswith("| clients")
