"""Shared fixtures: real vaults (real git) in tmp_path, and a CLI runner pointed at them."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmnotes.cli import cli

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample-vault"

CONFIG = textwrap.dedent("""\
    owner: 陳經理
    base_currency: TWD
    fx: {USD: 31.2, CNY: 4.35}
    tiers: {A: 1m, B: 3m, C: 6m}
    default_tier: B
    region: TW
    lookahead_days: 14
    kyc_valid: 1y
""")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No test sees the developer's vault, editor, git identity or terminal width."""
    monkeypatch.setenv("RMNOTES_VAULT", str(tmp_path / "no-vault-here"))
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest -n workers run with COLUMNS=80
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)
    (tmp_path / "home").mkdir()


def run(args: list[str], vault: Path | None = None, input: str | None = None):
    """Invoke ``rmn`` in-process; returns click's Result (stdout, stderr, exit_code)."""
    runner = CliRunner()
    prefix = ["--vault", str(vault)] if vault is not None else []
    return runner.invoke(cli, prefix + list(args), input=input, catch_exceptions=False)


# a small client file with a holding, a follow-up and a log (indented: write_client dedents)
SMALL_CLIENT = """\
    ---
    name: 王偉
    assets:
      - {name: 定存, type: deposit, institution: ours, value: 1000000}
    ---
    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案

    ## Log
    - 2026-11-05 M 季度資產回顧
"""


def write_client(vault: Path, client_id: str, text: str) -> Path:
    """A client file, owner-only as rmn makes them (tests of modes set their own)."""
    path = vault / "clients" / f"{client_id}.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    path.chmod(0o600)
    return path


def git(vault: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=vault, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def vault(tmp_path) -> Path:
    """An empty, committed vault (made by ``rmn init``)."""
    root = tmp_path / "vault"
    root.mkdir()
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    result = run(["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def bare_vault(tmp_path) -> Path:
    """A vault folder without git, for tests of commands that only read."""
    root = tmp_path / "vault"
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture
def sample(tmp_path) -> Path:
    """A committed copy of sample-vault/ (never the original)."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".rmnotes", ".git"))
    result = run(["init", str(root)])
    assert result.exit_code == 0, result.output
    return root
