"""Fuzz: whatever a file holds, parsing it is total, quick, and places every problem.

``parse_client`` and ``parse_config`` get arbitrary bytes (decoded as a reader might) and
arbitrary YAML-shaped text: front-matter-like keys, flow lists and mappings, anchors and
aliases, tags, quotes, block scalars, odd indentation and line breaks, log entries with
attributes. For each they must return (never raise), within a second, and every issue must
name a line of the file.
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rmnotes.model import Issue
from rmnotes.parse import parse_client, parse_config, yamltree

PATH = "clients/fuzz.md"
FUZZ = settings(max_examples=120, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def file_lines(text: str) -> int:
    """How many lines an editor shows: lines end at LF, CRLF or a lone CR."""
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _assert_placed(issues: tuple[Issue, ...], text: str, path: str) -> None:
    last = file_lines(text)
    for issue in issues:
        assert isinstance(issue, Issue) and issue.path == path
        assert isinstance(issue.message, str) and issue.message.strip()
        assert issue.severity in ("error", "warning")
        assert isinstance(issue.line, int) and 1 <= issue.line <= last, (issue, last)


def _parse_both(text: str) -> None:
    started = time.perf_counter()
    parsed = parse_client(text, PATH)
    _assert_placed(parsed.issues, text, PATH)
    for entry in parsed.client.entries if parsed.client else ():
        json.dumps(entry.attrs, ensure_ascii=False, default=str)  # as the index keeps them
    config, issues = parse_config(text)
    _assert_placed(issues, text, "rmnotes.yaml")
    assert time.perf_counter() - started < 1


# ---------------------------------------------------------------------- strategies

_ODD = ["", "~", "null", "true", "no", "On", "0912345678", "+886 912 345 678", "0712", "12:30",
        "1_000", "3,000,000", "1e999999999", "1.5e-999999999", "9" * 5000, "9" * 5000 + ".5", "-0",
        ".5", "1.", "NaN", ".nan", ".inf", "-.inf", "Infinity", "sNaN", "2026-13-01", "2026-02-29",
        "2026-11-28", "2026-11-28 14:30", "1975-06-12T10:00:00Z", "0x1F", "0o17", "0b101", "=", "<<",
        "|", ">", "-", "?", ":", "'", '"', "[", "]", "{", "}", "#", "&a", "*a", "&a [*a]", "!", "!!",
        "!!python/object:os.system", "!!python/object/apply:os.system [ls]", "!custom", "!!binary",
        "!!set", "!!int", "!!str", "!!timestamp", "!<tag:x>", "%YAML 1.1", "---", "...", "\t", "\u2028",
        "\u2029", "\x85", "\ufeff", "\x00", "\x7f", "\r", "\\", "王偉", "99999999999999y", "1" * 5000 + "d",
        "[[lin-shufen]]", "09:00-18:00", "10-19", "閏4-15"]
_KEYS = st.sampled_from(["name", "tier", "status", "since", "aliases", "tags", "profile", "birthday",
                         "lunar_birthday", "income", "risk", "assessed", "contact", "prefer", "family",
                         "relation", "client", "assets", "value", "currency", "maturity", "policies",
                         "premium", "start", "next_premium", "term_years", "cadence", "review", "with",
                         "products", "total", "fx", "tiers", "default_tier", "base_currency",
                         "lookahead_days", "kyc_valid", "coverage", "region", "<<", "?", "-", "a b",
                         "&a k", "*a", "!t k", '"q"', "'q'", "王偉", "k\u2028", "1", "true", "null", "~",
                         "2026-01-01", "2026-01-01 10:00", "1.5", "[a]", "{a: 1}"])
_SCALAR = st.sampled_from(_ODD) | st.text(max_size=10) | st.integers().map(str) | st.decimals().map(str)


def _flow(inner):
    items = st.lists(inner, max_size=4)
    return (items.map(lambda xs: "[" + ", ".join(xs) + "]")
            | st.lists(st.tuples(_KEYS, inner), max_size=3).map(
                lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"))


_VALUE = st.recursive(_SCALAR, _flow, max_leaves=12)
_DECORATED = st.tuples(st.sampled_from(["", "", "&a ", "&b ", "*a", "*b", "!custom ", "!!str ", "!!python/object:x ",
                                        "'", '"']), _VALUE).map(lambda t: t[0] + t[1])
_INDENT = st.sampled_from(["", "", "  ", "    ", " ", "\t", "- ", "  - ", "    - "])
_LINE = st.one_of(
    st.tuples(_INDENT, _KEYS, st.sampled_from([": ", ":", " : ", ":\t"]), _DECORATED,
              st.sampled_from(["", "", " # note", "#x"])).map("".join),
    st.tuples(_INDENT, _DECORATED).map("".join),
    st.tuples(_INDENT, _KEYS, st.just(": |"), st.lists(st.text(max_size=8), max_size=3)).map(
        lambda t: t[0] + t[1] + t[2] + "".join("\n" + t[0] + "  " + x for x in t[3])),
    st.sampled_from(["---", "...", "", "# comment", "%YAML 1.1", "? key", ": value", "\t\t", "\u2028"]),
)
_YAML = st.lists(_LINE, max_size=14).map("\n".join)
_LOG_LINE = st.one_of(
    st.tuples(st.sampled_from(["- 2026-11-05 M ", "- 2026-11-05 14:30 T ", "- 2026-13-45 E ", "- 2026-11-05 X ",
                               "- 2026-11-05 25:99 S ", "* 2026-11-05 N ", "- ", "-", "### 2026"]),
              st.text(max_size=10)).map("".join),
    st.tuples(st.sampled_from(["  ", "    ", "\t"]), _LINE).map("".join),
    st.sampled_from(["## Log", "## Follow-ups", "- [ ] 2026-12-01 寄送", "- [x] 2026-02-30 x", "- [ ] 無日期",
                     "## Notes", "  indented", ""]),
)
_BODY = st.lists(_LOG_LINE, max_size=10).map("\n".join)
_NEWLINE = st.sampled_from(["\n", "\n", "\r\n", "\r"])


@st.composite
def client_like(draw) -> str:
    front = draw(_YAML)
    body = draw(_BODY)
    start = draw(st.sampled_from(["---\n", "---\n", "\ufeff---\n", "--- \n", ""]))
    end = draw(st.sampled_from(["\n---\n", "\n---\n", "\n...\n", "\n"]))
    text = start + front + end + draw(st.sampled_from(["", "Notes.\n"])) + "## Log\n" + body + "\n"
    return text.replace("\n", draw(_NEWLINE))


# ---------------------------------------------------------------------- the properties

@FUZZ
@given(st.binary(max_size=600), st.sampled_from(["utf-8", "latin-1"]))
@example(b"---\nname: x\na: &a [*a]\n---\n", "utf-8")
@example(b"---\nname: x\na: 1\xc2\x85b: [\n---\n", "utf-8")
def test_arbitrary_bytes_never_raise_and_every_issue_has_a_line(data, encoding):
    _parse_both(data.decode(encoding, errors="replace"))


@FUZZ
@given(client_like())
@example("---\nname: x\nincome: " + "9" * 5000 + "\ncadence: " + "1" * 5000 + "d\n---\n")
@example("---\nname: x\nincome: 1e999999999\nrisk: {profile: 1e999999999}\n---\n")
@example("---\nname: x\na: \u2028\u2028[\n---\n")
@example('---\nname: x\nnote: "a\u2028b\x85c\u2029d"\nsince: 2026-13-01\n---\n')
@example("---\nname: x\n---\n## Log\n- 2026-11-01 M x\n  products:\n    2026-01-01: a\n    1.5: b\n    ~: c\n")
@example("fx: {USD: NaN, JPY: sNaN, EUR: Infinity}\nlookahead_days: 1e999999999\ntiers: {A: 99999999999y}\n")
@example("---\nname: x\n" + "a:\n" * 1 + "".join(" " * i + "k:\n" for i in range(1, 200)) + "---\n")
def test_yaml_shaped_text_never_raises_and_every_issue_has_a_line(text):
    _parse_both(text)


# ---------------------------------------------------------------------- what the fuzz found

def test_issue_lines_are_editor_lines_after_a_yaml_only_line_break():
    """YAML ends lines at U+0085, U+2028 and U+2029 as well; editors do not."""
    text = '---\nname: x\nnote: "a\u2028b\x85c\u2029d"\nsince: 2026-13-01\nalso: !custom 1\n---\n'
    assert [(i.line, i.message[:12]) for i in parse_client(text, PATH).issues] == [
        (4, 'since "2026-'), (5, "YAML tag !cu")]


def test_numbers_too_big_to_be_amounts_stay_text_and_cost_nothing():
    text = ("---\nname: x\nprofile: {income: 1e999999999}\nrisk: {profile: " + "9" * 5000 + "}\n"
            "cadence: " + "1" * 5000 + "d\nassets:\n  - {name: a, value: \"1e999999999\"}\n"
            "  - {name: b, value: NaN}\n---\n")
    started = time.perf_counter()
    client = parse_client(text, PATH).client
    assert time.perf_counter() - started < 0.5
    assert (client.income, client.risk_profile, client.cadence) == (None, None, None)
    assert [a.value for a in client.assets] == [None, None]
    config, issues = parse_config("fx: {USD: NaN, JPY: sNaN, EUR: Infinity}\nlookahead_days: 1e999999999\n"
                                  "tiers: {A: 99999y, B: " + "1" * 5000 + "d}\n")
    assert config.fx == {} and config.tiers == {} and config.lookahead_days == 14
    assert sorted(i.line for i in issues) == [1, 1, 1, 2, 3, 3]


def test_a_mapping_key_is_text_a_number_true_false_or_null():
    """Keys that are dates or decimals (which JSON cannot key) are kept as written."""
    loaded = yamltree.load("2026-01-01: a\n1.5: b\n7: c\ntrue: d\n~: e\n'x': f\n")
    assert loaded.value == {"2026-01-01": "a", "1.5": "b", 7: "c", True: "d", None: "e", "x": "f"}
