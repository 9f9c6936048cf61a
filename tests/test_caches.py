"""Caches hold data, never code: a planted, damaged or foreign file under ``.rmnotes/`` is
ignored and rebuilt, never trusted, and never changes an answer."""

from __future__ import annotations

import gc
import json
import os
import pickle
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run, write_client
from rmnotes.config import Config
from rmnotes.domain.calendar_cache import CACHE_VERSION as CALENDAR_VERSION, CalendarCache
from rmnotes.model import Issue
from rmnotes.periods import Period
from rmnotes.vault import CONFIG_CACHE, CONFIG_CACHE_VERSION, Vault, settings_from_json, settings_to_json

AS_OF = "2026-11-28"
READS = (
    ["due", "--as-of", AS_OF],
    ["list"],
    ["show", "wang-wei", "--as-of", AS_OF],
    ["check"],
    ["rank", "--as-of", AS_OF],
    ["coverage", "--as-of", AS_OF],
    ["find", "基金"],
)
# every name rmnotes reads or writes under .rmnotes/, and the old settings pickle
CACHE_NAMES = ("config.pickle", "config.json", "calendar.json", "index.sqlite",
               "index.sqlite-wal", "index.sqlite-shm", "index.sqlite-journal", "index.seal", "lock")
SIDE_FILES = ("config.pickle", "index.sqlite-wal", "index.sqlite-shm", "index.sqlite-journal",
              "index.seal")
GARBAGE = bytes(range(256)) * 64 + b"{\"version\": 1, [not json\n"


class _Plant:
    """Unpickling this creates ``marker``: proof that the bytes were unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def _payload(kind: str, marker: Path) -> bytes:
    return pickle.dumps(_Plant(marker)) if kind == "pickle" else GARBAGE


def _plant(vault: Path, data: bytes, names: tuple[str, ...]) -> None:
    gc.collect()  # no connection of an earlier run still holds the index open
    for name in names:
        path = vault / ".rmnotes" / name
        path.unlink(missing_ok=True)  # a new file, not bytes written under an open mapping
        path.write_bytes(data)


def test_the_planted_pickle_does_run_when_unpickled(tmp_path):
    """The check below can fail: unpickling the payload creates the marker."""
    marker = tmp_path / "ran"
    pickle.loads(_payload("pickle", marker)).close()
    assert marker.exists()


def _answer(args: list[str], vault: Path) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a run, and nothing that keeps its frames (and so its
    index connection) alive: a leftover connection would share the planted files in-process."""
    result = run(args, vault)
    return result.exit_code, result.stdout, result.stderr


_CLEAN: dict[tuple[str, ...], tuple[int, str, str]] = {}  # the sample's answers to READS


@pytest.mark.parametrize("kind", ["pickle", "garbage"])
@pytest.mark.parametrize("names", [CACHE_NAMES, SIDE_FILES], ids=["every-cache", "beside-a-sound-index"])
def test_planted_cache_files_never_run_and_never_change_an_answer(sample, tmp_path, kind, names):
    marker = tmp_path / "ran"
    payload = _payload(kind, marker)
    if not _CLEAN:  # every copy of the sample answers alike: asked once per test process
        _CLEAN.update({tuple(args): _answer(args, sample) for args in READS})
    clean = _CLEAN
    assert clean[("check",)][0] == 0 and clean[("due", "--as-of", AS_OF)][1]
    for args in READS:
        _plant(sample, payload, names)
        code, out, err = _answer(args, sample)
        assert (code, out) == clean[tuple(args)][:2], args
        assert "Traceback" not in err
        assert not marker.exists(), f"rmn {' '.join(args)} unpickled a cache file"


def test_a_planted_settings_cache_is_rebuilt_from_the_yaml(sample):
    _plant(sample, GARBAGE, (CONFIG_CACHE,))
    assert Vault(sample).config.owner == "陳經理"
    rebuilt = json.loads((sample / ".rmnotes" / CONFIG_CACHE).read_bytes())
    assert rebuilt["config"]["owner"] == "陳經理" and rebuilt["version"] == CONFIG_CACHE_VERSION


# ------------------------------------------------------------------ the settings cache

SETTINGS = textwrap.dedent("""\
    owner: 林經理
    fx: {USD: 31.20, JPY: -1}
    tiers: {A: 1m, B: 3m, C: weekly}
    default_tier: B
    lookahead_days: 21
    kyc_valid: 18m
    coverage:
      life_income_multiple: 10.50
      dependent_age: 25
      ignore: [no-medical]
      notes: {sure: true, never: false, nothing: null, codes: [1, "01", 2.0]}
""")


def _settings_file(tmp_path: Path, text: str = SETTINGS) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    (root / "rmnotes.yaml").write_text(text, encoding="utf-8")
    return root


def _stamp(root: Path) -> list[int]:
    st = (root / "rmnotes.yaml").stat()
    return [st.st_mtime_ns, st.st_size]


def _cache(root: Path) -> Path:
    return root / ".rmnotes" / CONFIG_CACHE


def test_settings_and_their_issues_come_back_from_the_cache_exactly(tmp_path):
    root = _settings_file(tmp_path)
    first = Vault(root)
    parsed = first.settings  # the settings hold two errors: commands would refuse them
    assert [i.message for i in parsed[1]] == [
        "fx rate for JPY must be a positive number, not -1",
        "tier C cadence 'weekly' is not a period like 2w, 1m, 3m or 1y",
    ]
    cached = settings_from_json(_cache(root).read_bytes(), _stamp(root))
    assert cached is not None
    # repr shows every type: Decimal('31.20') is not Decimal('31.2'), True is not 1
    assert repr(cached) == repr(parsed)
    assert cached[0].coverage["notes"]["codes"] == [1, "01", Decimal("2.0")]
    assert repr(Vault(root).settings) == repr(parsed)


def test_settings_follow_edits_of_the_yaml(tmp_path):
    root = _settings_file(tmp_path)
    assert Vault(root).settings[0].owner == "林經理"
    (root / "rmnotes.yaml").write_text("owner: 陳經理\nfx: {USD: 30}\n", encoding="utf-8")
    config = Vault(root).config
    assert (config.owner, config.fx, config.tiers) == ("陳經理", {"USD": Decimal(30)}, {})


def test_settings_with_a_date_under_coverage_are_read_but_not_cached(tmp_path):
    root = _settings_file(tmp_path, "coverage:\n  since: 2026-01-01\n")
    assert Vault(root).config.coverage == {"since": date(2026, 1, 1)}
    assert not _cache(root).exists()


def _good_doc(root: Path) -> dict:
    Vault(root).settings  # noqa: B018 - writes the cache
    doc = json.loads(_cache(root).read_bytes())
    doc["config"]["owner"] = "planted"
    return doc


def _set(path: tuple, value):
    def change(doc: dict) -> None:
        *parents, last = path
        for key in parents:
            doc = doc[key]
        doc[last] = value
    return change


def _drop(path: tuple):
    def change(doc: dict) -> None:
        *parents, last = path
        for key in parents:
            doc = doc[key]
        del doc[last]
    return change


BAD_SETTINGS = {
    "other version": _set(("version",), CONFIG_CACHE_VERSION + 1),
    "version true": _set(("version",), True),
    "other rmnotes": _set(("rmnotes",), "0.0.1"),
    "other stamp": _set(("stamp",), [0, 0]),
    "stamp as text": lambda d: d.update(stamp=[str(n) for n in d["stamp"]]),
    "no issues": _drop(("issues",)),
    "an extra key": _set(("config", "colour"), "blue"),
    "a missing field": _drop(("config", "region")),
    "owner a number": _set(("config", "owner"), 7),
    "rate a float": _set(("config", "fx", "USD"), 31.2),
    "rate not a number": _set(("config", "fx", "USD"), "lots"),
    "rate infinite": _set(("config", "fx", "USD"), "Infinity"),
    "rate padded": _set(("config", "fx", "USD"), " 31.20"),
    "tier a list": _set(("config", "tiers", "A"), [1, "m"]),
    "tier unknown unit": _set(("config", "tiers", "A"), "1q"),
    "lookahead as text": _set(("config", "lookahead_days"), "21"),
    "lookahead true": _set(("config", "lookahead_days"), True),
    "kyc null": _set(("config", "kyc_valid"), None),
    "coverage untagged": _set(("config", "coverage"), {"dependent_age": 25}),
    "coverage two tags": _set(("config", "coverage"), {"mapping": {}, "decimal": "1"}),
    "coverage decimal a float": _set(("config", "coverage"), {"mapping": {"x": {"decimal": 1.5}}}),
    "coverage a float": _set(("config", "coverage"), {"mapping": {"x": 1.5}}),
    "coverage a list": _set(("config", "coverage"), []),
    "issue line as text": _set(("issues",), [["rmnotes.yaml", "3", "m", "error"]]),
    "issue of no severity": _set(("issues",), [["rmnotes.yaml", 3, "m", "fatal"]]),
    "issue too short": _set(("issues",), [["rmnotes.yaml", 3, "m"]]),
}


def test_a_well_formed_cache_of_the_right_stamp_is_used(tmp_path):
    """The control for the next test: without a fault, the planted owner is believed."""
    root = _settings_file(tmp_path)
    _cache(root).write_text(json.dumps(_good_doc(root)), encoding="utf-8")
    assert Vault(root).settings[0].owner == "planted"


@pytest.mark.parametrize("fault", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_a_settings_cache_with_a_fault_is_rebuilt_and_the_answer_is_right(tmp_path, fault):
    root = _settings_file(tmp_path)
    doc = _good_doc(root)
    fault(doc)
    _cache(root).write_text(json.dumps(doc), encoding="utf-8")
    config, issues = Vault(root).settings
    assert config.owner == "林經理"
    assert config.fx == {"USD": Decimal("31.20")} and config.lookahead_days == 21
    assert len(issues) == 2
    assert json.loads(_cache(root).read_bytes())["config"]["owner"] == "林經理"  # rewritten


@pytest.mark.parametrize("raw", [b"", b"null", b"[]", b"\xff\xfe", b"[" * 100_000, b'{"version": 1}'])
def test_a_settings_cache_that_is_not_ours_is_ignored(tmp_path, raw):
    root = _settings_file(tmp_path)
    assert settings_from_json(raw, _stamp(root)) is None


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    root = _settings_file(tmp_path)
    (root / ".rmnotes").write_text("not a folder", encoding="utf-8")
    assert Vault(root).settings[0].owner == "林經理"


_SCALARS = (st.none() | st.booleans() | st.integers() | st.text(max_size=8)
            | st.decimals(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@given(st.dictionaries(st.text(max_size=6), _VALUES, max_size=5))
def test_any_coverage_mapping_of_yaml_values_round_trips_with_its_types(coverage):
    config = Config(owner="x", fx={"USD": Decimal("31.20")}, tiers={"A": Period(2, "w")}, coverage=coverage)
    issues = (Issue("rmnotes.yaml", None, "m", "warning"),)
    data = settings_to_json([1, 2], config, issues)
    assert data is not None
    assert repr(settings_from_json(data, [1, 2])) == repr((config, issues))


# ------------------------------------------------------------------ the calendar cache

BORN = "1955-10-19"
LUNAR_CLIENT = """\
    ---
    name: 查美華
    status: active
    profile:
      birthday: 1955-10-19
      lunar_birthday: true
    ---
"""


@pytest.fixture
def lunar_vault(bare_vault) -> Path:
    """One client who keeps her birthday on the lunar calendar, in a vault of region TW."""
    write_client(bare_vault, "zha-mei-hua", LUNAR_CLIENT)
    run(["list"], bare_vault)
    return bare_vault


def _birthdays(vault: Path) -> list[tuple[str, str]]:
    result = run(["due", "--as-of", "2026-10-01", "--days", "20", "--reason", "birthday", "--json"], vault)
    assert result.exit_code == 0, result.output
    return [(r["date"], r["detail"]) for r in json.loads(result.stdout)]


def _holidays(vault: Path) -> list[tuple[str, str]]:
    result = run(["due", "--as-of", "2026-12-20", "--days", "10", "--reason", "holiday", "--json"], vault)
    assert result.exit_code == 0, result.output
    return [(r["date"], r["name"]) for r in json.loads(result.stdout)]


def _calendar(vault: Path, doc) -> None:
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    (vault / ".rmnotes" / "calendar.json").write_text(text, encoding="utf-8")


def _planted_calendar() -> dict:
    made = date.today().isoformat()  # fresh on the real clock, so a sound entry is believed
    return {"version": CALENDAR_VERSION,
            "holidays": {"TW": {"2026": {"made": made, "days": [["2026-12-24", "planted"]]}}},
            "lunar": {BORN: {"2026": [["2026-10-14", 99]]}, "10-25": {"2026": [["2026-12-03", None]]}}}


def test_a_well_formed_calendar_cache_is_used(lunar_vault):
    """The control for the next test: without a fault, the planted answers are believed."""
    _calendar(lunar_vault, _planted_calendar())
    assert _birthdays(lunar_vault) == [("2026-10-14", "查美華 turns 99, lunar")]
    assert _holidays(lunar_vault) == [("2026-12-24", "planted")]


def _fault(path: tuple, value):
    def planted() -> dict:
        doc = _planted_calendar()
        _set(path, value)(doc)
        return doc
    return planted


BAD_CALENDARS = {
    "an older version": _fault(("version",), CALENDAR_VERSION - 1),
    "version as text": _fault(("version",), str(CALENDAR_VERSION)),
    "an extra section": _fault(("notes",), {}),
    "no lunar section": lambda: {k: v for k, v in _planted_calendar().items() if k != "lunar"},
    "age infinite": _fault(("lunar", BORN, "2026"), [["2026-10-14", 1e400]]),
    "age a float": _fault(("lunar", BORN, "2026"), [["2026-10-14", 99.5]]),
    "age true": _fault(("lunar", BORN, "2026"), [["2026-10-14", True]]),
    "age as text": _fault(("lunar", BORN, "2026"), [["2026-10-14", "99"]]),
    "day not iso": _fault(("lunar", BORN, "2026"), [["20261014", 99]]),
    "row too long": _fault(("lunar", BORN, "2026"), [["2026-10-14", 99, 1]]),
    "born not a day": _fault(("lunar", "someday"), {"2026": []}),
    "month-day not one": _fault(("lunar", "13-40"), {"2026": []}),
    "month-day not as written": _fault(("lunar", "10-05"), {"2026": []}),
    "month-day and born not a day": _fault(("lunar", "10-25 someday"), {"2026": []}),
    "year in wide digits": _fault(("lunar", BORN, "２０２６"), []),
    "holiday made a number": _fault(("holidays", "TW", "2026", "made"), 20261202),
    "holiday name a number": _fault(("holidays", "TW", "2026", "days"), [["2026-12-24", 1]]),
    "holiday error a list": _fault(("holidays", "TW", "2026", "error"), ["x"]),
    "holiday region a list": _fault(("holidays", "TW"), []),
}


@pytest.mark.parametrize("planted", BAD_CALENDARS.values(), ids=BAD_CALENDARS.keys())
def test_a_calendar_cache_with_a_fault_is_rebuilt_and_the_answer_is_right(lunar_vault, planted):
    _calendar(lunar_vault, planted())
    assert _birthdays(lunar_vault) == [("2026-10-13", "查美華 turns 71, lunar")]
    assert json.loads((lunar_vault / ".rmnotes" / "calendar.json").read_text(encoding="utf-8"))["version"] == CALENDAR_VERSION
    _calendar(lunar_vault, planted())
    assert _holidays(lunar_vault) == [("2026-12-25", "行憲紀念日")]


def test_a_calendar_cache_nested_past_reason_is_rebuilt(lunar_vault):
    _calendar(lunar_vault, "[" * 100_000)
    assert _holidays(lunar_vault) == [("2026-12-25", "行憲紀念日")]


def test_old_years_leave_the_calendar_cache(tmp_path):
    path = tmp_path / "calendar.json"
    cache = CalendarCache(path, clock=date(2026, 11, 28))
    cache.lunar(date(1955, 10, 19), None, date(2024, 1, 1), date(2026, 12, 31))
    cache.save()
    assert sorted(json.loads(path.read_text(encoding="utf-8"))["lunar"][BORN]) == ["2025", "2026"]
    assert os.stat(path).st_mode & 0o777 == 0o600
