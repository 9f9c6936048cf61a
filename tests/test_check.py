"""rmn check: every problem, with its place; nothing for a clean vault."""

from __future__ import annotations

import functools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run, write_client
from rmnotes.domain.check import load_schema, quick_schema

GOOD = """\
    ---
    name: 王偉
    tier: A
    profile: {birthday: 1975-06-12, mobile: 0912345678}
    family:
      - {name: 林淑芬, relation: spouse, client: "[[lin-shufen]]"}
    assets:
      - {name: 定存, type: deposit, value: 100, currency: USD}
    ---
    ## Log
    - 2026-11-05 M 回顧
"""

SPOUSE = """\
    ---
    name: 林淑芬
    ---
"""


def test_clean_vault_prints_nothing_and_exits_0(vault):
    write_client(vault, "wang-wei", GOOD)
    write_client(vault, "lin-shufen", SPOUSE)
    result = run(["check"], vault)
    assert (result.exit_code, result.output) == (0, "")


def test_every_kind_of_problem_is_reported_with_file_and_line(vault):
    write_client(vault, "bad", """\
        ---
        name: 壞檔
        birthdy: 1975-06-12
        profile:
          birthday: 1975-13-01
          income: abc
        risk: {profile: 7}
        status: activ
        family:
          - name: 林
            client: nobody
        assets:
          - {name: A, value: 1, currency: JPY}
          - {name: A, value: 2}
        ---
        ## Log
        - 2026-02-30 T x
        - 2026-01-01 X y
        ## After
    """)
    write_client(vault, "broken", "---\nname: [x\n---\n")
    result = run(["check"], vault)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "clients/bad.md:3: warning: unknown key 'birthdy': did you mean 'profile.birthday'?",
        'clients/bad.md:5: birthday "1975-13-01" is not a date',
        'clients/bad.md:6: profile.income: expected a number, got "abc"',
        "clients/bad.md:7: risk.profile: 7 is out of range (maximum 5)",
        'clients/bad.md:8: status: "activ" is not one of: active, prospect, dormant, closed',
        "clients/bad.md:11: family[0] 林: client 'nobody' has no file clients/nobody.md",
        "clients/bad.md:13: asset 'A': currency JPY has no rate in rmnotes.yaml; "
        "add it under fx (units of TWD per 1 JPY)",
        "clients/bad.md:14: duplicate asset name 'A' (first at line 13); give each holding its own name",
        'clients/bad.md:17: log date "2026-02-30" is not a date',
        "clients/bad.md:18: unknown channel 'X' (use T telephone, E email, M meeting in person, "
        "S short message, N internal note)",
        "clients/bad.md:19: warning: '## Log' (line 16) is not the last section; "
        "rmn log appends at the end of '## Log', move this section above it",
        "clients/broken.md:2: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts here)",
    ]


def test_duplicate_keys_and_wrong_types_point_at_the_value(vault):
    write_client(vault, "x", """\
        ---
        name: 陳
        tags: 5
        assets:
          - name: 基金
            value: "三百萬"
        name: 陳二
        ---
    """)
    lines = run(["check"], vault).output.splitlines()
    assert "clients/x.md:3: tags: expected text or a list of text, got 5" in lines
    assert 'clients/x.md:6: assets[0].value: expected a number, got "三百萬"' in lines
    assert "clients/x.md:7: duplicate key 'name' (first at line 2)" in lines


def test_warnings_alone_exit_0(vault):
    write_client(vault, "x", "---\nname: 陳\nprofile: {birthdy: 1975-06-12}\n---\n")
    result = run(["check"], vault)
    assert result.exit_code == 0
    assert result.output == "clients/x.md:3: warning: unknown key 'profile.birthdy': did you mean 'birthday'?\n"


def test_empty_values_count_as_absent(vault):
    write_client(vault, "x", "---\nname: 陳\nprofile:\n  birthday:\n  mobile:\nrisk: {profile: }\n---\n")
    assert run(["check"], vault).output == ""


def test_json_output(vault):
    write_client(vault, "x", "---\nname: 陳\ntier: A\ntier: B\n---\n")
    result = run(["check", "--json"], vault)
    assert result.exit_code == 1
    assert json.loads(result.output) == [
        {"path": "clients/x.md", "line": 4, "severity": "error",
         "message": "duplicate key 'tier' (first at line 3)"}]


def test_settings_file_is_checked(vault):
    (vault / "rmnotes.yaml").write_text("owner: 陳\nfx: {USD: -1}\nlookahead_days: soon\n", encoding="utf-8")
    lines = run(["check"], vault).output.splitlines()
    assert any(line.startswith("rmnotes.yaml:2: fx rate for USD") for line in lines)
    assert any(line.startswith("rmnotes.yaml:3: lookahead_days") for line in lines)


def test_non_utf8_file_is_reported_not_fatal(vault):
    (vault / "clients" / "big5.md").write_bytes("---\nname: 王偉\n---\n".encode("big5"))
    (vault / "clients" / "big5.md").chmod(0o600)
    write_client(vault, "ok", "---\nname: 好\n---\n")
    result = run(["check"], vault)
    assert result.exit_code == 1
    assert result.output.startswith("clients/big5.md: byte ")
    assert "UTF-8" in result.output


def test_file_name_that_is_not_an_id_is_a_warning(vault):
    write_client(vault, "Wang Wei", "---\nname: 王偉\n---\n")
    result = run(["check"], vault)
    assert result.exit_code == 0
    assert "is not a lower-case ASCII id" in result.output


def test_a_family_name_a_sheet_cannot_carry_is_a_warning_at_its_line(vault):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        family:
          - name: 王小明 1990-01-01
            relation: child
          - {name: 王小明/Tom, relation: child}
          - {name: 王小華（17歲）, relation: child}
          - {name: 林淑芬（1977-02-03）, relation: spouse}
          - {name: 王大同（長子, relation: child}
        ---
    """)
    result = run(["check"], vault)
    assert result.exit_code == 0
    flagged = [line.split(": warning: ")[0] + " " + line.split("] ")[1].split(":")[0]
               for line in result.output.splitlines() if "a sheet cannot carry this name" in line]
    assert flagged == ["clients/wang-wei.md:4 王小明 1990-01-01", "clients/wang-wei.md:6 王小明/Tom",
                       "clients/wang-wei.md:8 林淑芬（1977-02-03）", "clients/wang-wei.md:9 王大同（長子"]


def test_a_lunar_month_day_that_disagrees_with_the_birthday_is_a_warning(vault):
    write_client(vault, "zha-mei-hua", """\
        ---
        name: 查美華
        profile:
          birthday: 1955-10-19   # the lunar date written as a solar one
          lunar_birthday: 十月十九
        family:
          - name: 查志寧
            birthday: 1984-09-19
            lunar_birthday: 8-24
          - name: 查志遠
            birthday: 1981-02-08
            lunar_birthday: true
        ---
    """)
    result = run(["check"], vault)
    assert result.exit_code == 0  # a warning, not an error
    assert result.output.splitlines() == [
        "clients/zha-mei-hua.md:5: warning: profile.lunar_birthday is lunar 10-19, but birthday "
        "1955-10-19 was lunar 9-4; rmn due keeps 10-19: correct the one that is wrong",
    ]


# ------------------------------------------------------------------ the quick schema test
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**7), st.floats(allow_nan=False, width=32),
                     st.sampled_from(["", "x", "2026-11-28", "2026-13-01", "3m", "2w", "active", "closed",
                                      "TWD", "usd", "+886 912 345 678", "09:00-18:00", "ours", "fund",
                                      "life", "monthly", "T", "A", "王偉", "閏4-15"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["name", "value", "type", "currency", "date", "kind",
                                                          "relation", "birthday", "premium", "profile", "x"]),
                                         inner, max_size=4), max_leaves=12)


@functools.cache
def _validator(name: str):
    """jsonschema's validator of the schema ``name``, made once (it words every problem)."""
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(name))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(load_schema("client.schema.json")["properties"])), _VALUES,
                       min_size=1, max_size=6))
def test_the_quick_schema_test_says_yes_exactly_when_jsonschema_finds_nothing(front):
    front.setdefault("name", "王偉")
    errors = list(_validator("client.schema.json").iter_errors(front))
    assert _QUICK(front) == (not errors), errors


_QUICK = quick_schema("client.schema.json")


def test_compiling_the_quick_test_leaves_the_schema_as_read():
    from rmnotes.domain.check import schema_path

    assert load_schema("client.schema.json") == json.loads(schema_path("client.schema.json").read_text(encoding="utf-8"))


_CONFIG_VALUES = st.one_of(_SCALARS, st.dictionaries(st.sampled_from(["USD", "CNY", "A", "B", "x", "life"]),
                                                     _SCALARS, max_size=3), st.lists(_SCALARS, max_size=3))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(load_schema("config.schema.json")["properties"]) + ["unknown"]),
                       _CONFIG_VALUES, max_size=6))
def test_the_quick_settings_test_says_yes_exactly_when_jsonschema_finds_nothing(settings_value):
    errors = list(_validator("config.schema.json").iter_errors(settings_value))
    assert _QUICK_CONFIG(settings_value) == (not errors), errors


_QUICK_CONFIG = quick_schema("config.schema.json")


def test_a_whole_vaults_check_still_words_every_problem(sample):
    """Past the quick tests' threshold: the settings' and a client's problems, in jsonschema's words."""
    settings = sample / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "lookahead_days: many\n", encoding="utf-8")
    write_client(sample, "wang-wei", "---\nname: 王偉\nstatus: asleep\nrisk: {profile: 9}\n---\n")
    out = run(["check"], sample).stdout
    assert "rmnotes.yaml:" in out and "lookahead_days" in out
    assert "clients/wang-wei.md:3:" in out and "clients/wang-wei.md:4:" in out
