"""Shared fixtures: real vaults (real git) in tmp_path, and a CLI runner pointed at them."""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from rmnotes.cli import cli
from rmnotes.index.schema import DB_NAME, write_seal
from rmnotes.vault import CACHE_DIR

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample-vault"
LOCALE = REPO / "rmnotes" / "locale"


def compile_catalogs() -> None:
    """Each language's .mo made from its .po when missing or older (scripts/setup.sh
    compiles them at install; this keeps the tests honest after a .po is edited)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALE.glob("*/LC_MESSAGES/rmnotes.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)


compile_catalogs()

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


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A test's garbage is collected when it ends, and what outlives it (modules, fonts,
    templates) is frozen out of every later collection: a test process that has loaded
    matplotlib holds millions of objects, and each full collection would walk them all
    again (about 12 s of the suite)."""
    gc.collect()
    gc.freeze()


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
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):  # English unless a test asks
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    (tmp_path / "home").mkdir()
    from rmnotes import i18n

    i18n.use("en")  # a test that ran a command in Chinese leaves no language behind
    i18n.use_region(None)  # nor a region: dates are read as Taiwan writes them unless a vault says


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


def read_client(vault: Path, client_id: str):
    """The client of ``clients/<client_id>.md``, parsed as rmn parses it (it must parse)."""
    from rmnotes.parse.client import parse_client

    rel = f"clients/{client_id}.md"
    parsed = parse_client((vault / rel).read_text(encoding="utf-8"), rel)
    assert parsed.client is not None, parsed.issues
    return parsed.client


def git(vault: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=vault, capture_output=True, text=True, check=True).stdout


_TEMPLATES: dict[tuple, Path] = {}


def _from_template(root: Path, key: tuple, make) -> Path:
    """``root`` as ``make(folder)`` makes it, made once per test process and copied after:
    each copy is a whole vault with its own .git, every file's mtime kept. ``rmn init`` (git
    init, the settings, the first commit) is paid once, and so is the first build of the
    index: rmn rebuilds an index file that was copied, as it must, so each copy's index is
    sealed here as the one this process built. (The tests of first builds and of copied
    indexes make their own.)"""
    if key not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="rmnotes-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        (folder / "home").mkdir()
        # made as in a fresh test, whatever the test that asks first has set up (a git
        # identity of its own in $HOME would leave the vault without one)
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "RMNOTES_"))}
        clean.update(HOME=str(folder / "home"), GIT_CONFIG_NOSYSTEM="1", RMNOTES_VAULT=str(folder / "none"))
        with mock.patch.dict(os.environ, clean, clear=True):
            made = make(folder / "vault")
            result = run(["list", "--json"], vault=made)  # builds and seals the index
            assert result.exit_code == 0, result.output
            _TEMPLATES[key] = made
    return copy_vault(_TEMPLATES[key], root)


def copy_vault(source: Path, root: Path) -> Path:
    """A copy of the vault (or any repository) ``source`` at ``root``: its own .git, every
    file's mtime kept, and its index sealed as this process's own (rmn rebuilds an index
    file that was copied, as it must). ``cp -a`` where there is one: a third of the time of
    shutil.copytree, which stats each file several times (~6 against ~15 ms a vault)."""
    if _CP is not None:
        subprocess.run([_CP, "-a", "--", str(source), str(root)], check=True)
    else:
        shutil.copytree(source, root, symlinks=True)
    index = root / CACHE_DIR / DB_NAME
    if index.exists():
        write_seal(index)
    return root


_CP = shutil.which("cp")


def _new_vault(root: Path) -> Path:
    root.mkdir()
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    result = run(["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def vault(tmp_path) -> Path:
    """An empty, committed vault (made by ``rmn init``)."""
    return _from_template(tmp_path / "vault", ("vault",), _new_vault)


@pytest.fixture
def bare_vault(tmp_path) -> Path:
    """A vault folder without git, for tests of commands that only read."""
    root = tmp_path / "vault"
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def _new_sample(root: Path, language: str) -> Path:
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".rmnotes", ".git"))
    settings = root / "rmnotes.yaml"
    text = settings.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("language:")]
    settings.write_text("\n".join(lines) + f"\nlanguage: {language}\n", encoding="utf-8")
    result = run(["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


def copy_sample(root: Path, language: str = "en") -> Path:
    """A committed copy of sample-vault/ at ``root`` speaking ``language`` (the sample book
    speaks zh_TW; the tests that read English output ask for ``en``)."""
    return _from_template(root, ("sample", language), lambda folder: _new_sample(folder, language))


@pytest.fixture
def sample(tmp_path) -> Path:
    """A committed copy of sample-vault/ (never the original), in English."""
    return copy_sample(tmp_path / "sample")
