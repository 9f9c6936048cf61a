"""Parsing client files as careful people write them by hand, in any editor."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from rmnotes.parse import parse_client, parse_config
from rmnotes.parse import yamltree

# The client file of the format specification, verbatim.
FORMAT_EXAMPLE = """\
---
name: 王偉
aliases: [Wang Wei, David Wang]
tier: A                 # contact cadence class; rmnotes.yaml maps tiers to cadences
status: active          # active | prospect | dormant | closed (closed: never due)
since: 2019-03-01
tags: [likes-new-funds, has-kids, golf]
profile:
  mobile: "+886 912 345 678"
  email: wang.wei@example.com
  address: 台中市西屯區市政路 100 號
  birthday: 1975-06-12
  lunar_birthday: false # true: celebrated on the lunar calendar (農曆生日)
  occupation: 工程師
  employer: 台積電
  income: 2400000       # yearly, base currency unless `currency` is given
  hobbies: [高爾夫, 紅酒]
  marital_status: married
risk:
  profile: 3            # 1 conservative .. 5 aggressive (KYC questionnaire result)
  assessed: 2025-12-01  # KYC date; re-assessment falls due per rmnotes.yaml
contact:
  prefer: [line, email] # phone | sms | line | wechat | email | meeting
  no_calls: "09:00-18:00"   # e.g. does not take calls at work
  best_time: "12:00-13:30"
family:
  - name: 林淑芬
    relation: spouse    # spouse | child | parent | sibling | other
    birthday: 1977-02-03
    occupation: 教師
    client: lin-shufen  # also a client: a link, never a shared ledger (see Privacy)
  - name: 王小明
    relation: child
    birthday: 2008-09-01
    school: 台中一中
assets:
  - name: 台幣定存
    type: deposit       # deposit | fund | stock | bond | wmp | structured | insurance
                        # | property | cash | other;  liabilities: mortgage | loan
    institution: ours   # "ours" = this bank; anything else names another institution
    value: 3000000
    currency: TWD       # default: base currency
    since: 2024-01-15
    maturity: 2026-12-15
    risk: 1             # product risk level 1..5 (RR1..RR5 / R1..R5)
  - name: 富邦台灣科技基金
    type: fund
    institution: ours
    value: 1200000
    since: 2021-05-10
    risk: 4
  - name: 西屯自宅
    type: property
    institution: self
    value: 18000000
  - name: 房貸
    type: mortgage
    institution: 國泰世華
    value: 6500000      # liabilities are written positive and subtracted from net worth
policies:
  - name: 終身壽險
    insurer: 富邦人壽
    kind: life          # life | critical_illness | medical | accident | annuity
                        # | investment_linked | long_term_care | other
    insured: self       # self, or a family member's name
    sum_assured: 5000000
    premium: 120000
    premium_frequency: annual   # annual | semiannual | quarterly | monthly | single
    start: 2020-01-01
    term_years: 20
    next_premium: 2027-01-01
    riders: [critical_illness]
---

Free notes in Markdown: what matters to this client, cautions, history.

## Follow-ups
- [ ] 2026-12-01 寄送保險提案
- [x] 2026-11-10 確認基金轉換

## Log
- 2026-11-05 M 季度資產回顧，太太也在場
  with: [林淑芬]
- 2026-11-20 14:30 T 基金到期續作，客戶同意轉入平衡型基金
- 2026-11-21 N 內部備註：客戶不希望母親知道其資產
"""

EXAMPLE = textwrap.dedent("""\
    ---
    name: 王偉
    aliases: [Wang Wei, David Wang]
    tier: A
    status: active
    since: 2019-03-01
    tags: [likes-new-funds, has-kids, golf]
    profile:
      mobile: "+886 912 345 678"
      birthday: 1975-06-12
      income: 2400000
    risk: {profile: 3, assessed: 2025-12-01}
    contact:
      prefer: [line, email]
      no_calls: "09:00-18:00"
    family:
      - name: 林淑芬
        relation: spouse
        client: lin-shufen
      - name: 王小明
        relation: child
        birthday: 2008-09-01
    assets:
      - name: 台幣定存
        type: deposit
        institution: ours
        value: 3000000
        maturity: 2026-12-15
        risk: 1
      - name: 美元債
        type: bond
        value: 10000.50
        currency: USD
    policies:
      - name: 終身壽險
        kind: life
        sum_assured: 5000000
        premium_frequency: annual
        riders: [critical_illness]
    ---

    Free notes.

    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案
    - [x] 2026-11-10 確認基金轉換

    ## Log
    - 2026-11-05 M 季度資產回顧，太太也在場
      with: [林淑芬]
    - 2026-11-20 14:30 T 基金到期續作
      客戶同意轉入平衡型基金
    - 2026-11-21 N 內部備註
""")


def parse(text: str, path: str = "clients/wang-wei.md"):
    return parse_client(textwrap.dedent(text), path)


def test_the_format_example_parses_without_issues():
    result = parse_client(FORMAT_EXAMPLE, "clients/wang-wei.md")
    assert result.issues == ()
    c = result.client
    assert (c.id, c.name, c.tier, c.birthday) == ("wang-wei", "王偉", "A", date(1975, 6, 12))
    assert [e.channel for e in c.entries] == ["M", "T", "N"]
    assert c.entries[0].attrs == {"with": ["林淑芬"]}
    assert c.entries[1].time == "14:30"
    assert [f.done for f in c.followups] == [False, True]
    assert c.family[0].client == "lin-shufen"
    assert c.assets[3].is_liability


def test_fields_and_exact_money():
    c = parse(EXAMPLE).client
    assert c.aliases == ("Wang Wei", "David Wang")
    assert c.risk_profile == 3 and c.risk_assessed == date(2025, 12, 1)
    assert c.prefer == ("line", "email") and c.no_calls == "09:00-18:00"
    assert c.assets[1].value == Decimal("10000.50") and isinstance(c.assets[1].value, Decimal)
    assert c.assets[1].currency == "USD" and c.assets[0].currency is None
    assert c.assets[0].maturity == date(2026, 12, 15)
    assert c.policies[0].riders == ("critical_illness",)
    assert c.notes == "Free notes."
    assert c.entries[1].text == "基金到期續作\n客戶同意轉入平衡型基金"
    assert c.last_contact == date(2026, 11, 20)  # the N note does not count


def test_bom_and_crlf_give_the_same_client_and_lines():
    plain = parse(EXAMPLE)
    windows = parse_client("\ufeff" + EXAMPLE.replace("\n", "\r\n"), "clients/wang-wei.md")
    assert windows.issues == ()
    assert windows.client.entries == plain.client.entries
    assert windows.client.assets == plain.client.assets


def test_phone_numbers_come_back_exactly_as_written():
    c = parse("""\
        ---
        name: 陳
        profile:
          mobile: 0912345678
          phone: 0212345678
          fax: +886223456789
          other: 0800_123
        best: 12:30
        ---
    """).client
    profile = c.meta["profile"]
    assert profile["mobile"] == "0912345678"
    assert profile["phone"] == "0212345678"  # YAML 1.1 would read octal
    assert profile["fax"] == "+886223456789"
    assert profile["other"] == "0800_123"
    assert c.meta["best"] == "12:30"  # YAML 1.1 would read base 60


def test_yaml_1_1_surprises_are_text():
    loaded = yamltree.load("a: no\nb: on\nc: NO\nd: true\ne: 1.10\nf: .inf\ng: ~\n")
    assert loaded.value == {"a": "no", "b": "on", "c": "NO", "d": True, "e": Decimal("1.10"),
                            "f": ".inf", "g": None}


def test_quoted_and_unquoted_dates():
    c = parse("""\
        ---
        name: 陳
        since: "2019-03-01"
        profile: {birthday: '1980-02-29'}
        ---
    """).client
    assert c.since == date(2019, 3, 1) and c.birthday == date(1980, 2, 29)


def test_impossible_dates_are_reported_with_their_line():
    result = parse("""\
        ---
        name: 陳
        profile:
          birthday: 1975-13-01
        since: "2019-02-30"
        ---
    """)
    messages = [(i.line, i.message) for i in result.issues]
    assert (4, 'birthday "1975-13-01" is not a date') in messages
    assert any(line == 5 and "2019-02-30" in m for line, m in messages)
    assert result.client is not None and result.client.birthday is None


def test_yaml_syntax_error_has_the_line_and_no_client():
    result = parse("""\
        ---
        name: 陳
        tags: [a, b
        ---
    """)
    assert result.client is None
    assert result.issues[0].line == 3
    assert result.issues[0].message.startswith("YAML syntax error")


def test_duplicate_keys_are_errors():
    result = parse("""\
        ---
        name: 陳
        tier: A
        tier: B
        ---
    """)
    assert [(i.line, i.message) for i in result.issues] == [(4, "duplicate key 'tier' (first at line 3)")]


def test_missing_name_and_missing_front_matter():
    assert parse("---\ntier: A\n---\n").issues[0].message == "missing required key 'name'"
    no_front = parse("# just notes\n")
    assert no_front.client is None and "front-matter" in no_front.issues[0].message
    unclosed = parse("---\nname: x\n")
    assert unclosed.client is None and "not closed" in unclosed.issues[0].message


def test_wiki_links_in_family():
    c = parse("""\
        ---
        name: 王偉
        family:
          - {name: 林淑芬, client: "[[lin-shufen]]"}
          - {name: 王母, client: "[[wang-mu|王媽媽]]"}
        ---
    """).client
    assert [m.client for m in c.family] == ["lin-shufen", "wang-mu"]


def test_log_problems():
    result = parse("""\
        ---
        name: 陳
        ---
        ## Log
        - 2026-02-30 T impossible
        - 2026-01-01 X unknown letter
        - someday T no date
        - 2026-01-02 25:00 T bad time
        - 2026-01-03 t lower case is fine
        ## Later
    """)
    lines = {i.line: i.message for i in result.issues}
    assert lines[5] == 'log date "2026-02-30" is not a date'
    assert lines[6].startswith("unknown channel 'X'")
    assert "must start with a date" in lines[7]
    assert "not a time" in lines[8]
    assert "not the last section" in lines[10]
    assert [i.severity for i in result.issues if i.line == 10] == ["warning"]
    assert [(e.date, e.channel) for e in result.client.entries] == [(date(2026, 1, 3), "T")]


def test_attributes_and_continuation_lines():
    c = parse("""\
        ---
        name: 陳
        ---
        ## Log
        - 2026-11-05 M 季度回顧
          with: [林淑芬, 王小明]
          客戶很滿意
          review:
            total: 1200000
            assets:
              台幣定存: 1000000
              基金: 200000.5
    """).client
    e = c.entries[0]
    assert e.text == "季度回顧\n客戶很滿意"
    assert e.attrs["with"] == ["林淑芬", "王小明"]
    assert e.attrs["review"]["assets"]["基金"] == Decimal("200000.5")


def test_out_of_order_entries_keep_file_order_and_sort_by_date():
    c = parse("""\
        ---
        name: 陳
        ---
        ## Log
        - 2026-11-20 T later
        - 2026-11-05 09:00 E earlier, logged late
    """).client
    assert [e.text for e in c.entries] == ["later", "earlier, logged late"]
    assert sorted(c.entries, key=lambda e: e.sort_key)[0].channel == "E"


def test_unknown_keys_are_kept():
    c = parse("---\nname: 陳\nfavourite_tea: 烏龍\n---\n").client
    assert c.meta["favourite_tea"] == "烏龍"


def test_config():
    config, issues = parse_config("owner: 陳經理\nfx: {USD: 31.2, cny: 4.35}\ntiers: {A: 1m, B: 3m}\n"
                                  "default_tier: B\nlookahead_days: 7\nkyc_valid: 18m\n")
    assert issues == ()
    assert config.fx == {"USD": Decimal("31.2"), "CNY": Decimal("4.35")}
    assert config.rate("TWD") == 1 and config.rate("JPY") is None
    assert str(config.cadence_for("A")) == "1m" and str(config.cadence_for("Z")) == "3m"
    assert config.lookahead_days == 7 and str(config.kyc_valid) == "18m"


def test_config_problems_have_lines():
    _, issues = parse_config("fx: {USD: abc}\ntiers: {A: monthly}\n")
    assert [(i.line, i.message.split(" ")[0]) for i in issues] == [(1, "fx"), (2, "tier")]


def test_parse_never_raises_on_garbage():
    for text in ["", "---", "---\n---\n", "---\n- a\n- b\n---\n", "---\n: :\n---\n",
                 "---\nname: [1, 2]\n---\n", "\x00\x01", "---\nname: 陳\nassets: 5\nfamily: [1]\n---\n"]:
        parse_client(text, "clients/x.md")


from hypothesis import given, settings, strategies as st  # noqa: E402

from rmnotes.parse.body import _simple_attr  # noqa: E402

_ITEM = st.text(alphabet=st.sampled_from(list("林淑芬王小明 abcXYZ09-_.+~:#'\"[]{}")), max_size=6)


@settings(max_examples=100, deadline=None)
@given(key=st.sampled_from(["with", "products", "x_y"]), items=st.lists(_ITEM, max_size=4))
def test_the_fast_attribute_reader_agrees_with_yaml(key, items):
    """The shortcut for `with: [a, b]` either declines or reads exactly what YAML reads."""
    text = f"{key}: [{', '.join(items)}]"
    fast = _simple_attr(text)
    if fast is not None:
        assert fast == yamltree.load(text).value


@pytest.mark.parametrize("value", [
    "name", "no", "No", "n", "yes", "~", "null", "", "12:30", "1_000", "0x1F", ".5", "+1", "-3",
    "1.5e3", ".inf", "abc", "林淑芬", "=", "<<", "on", "Off", "true", "0", "007", "2026-11-05",
    "2026-11-05 10:00", "1975-13-01", "3000000", "0912345678", "2026-1-5"])
def test_the_fast_resolver_agrees_with_pyyaml(value):
    """Skipping the regex loop changes no tag, except two on purpose: all-digit text is
    tagged int (and kept as text when it would not round-trip), and dates with one-digit
    months or days are dates."""
    import yaml

    ours = yamltree._Loader.resolve(yamltree._Loader(""), yaml.ScalarNode, value, (True, False))
    theirs = yaml.SafeLoader.resolve(yaml.SafeLoader(""), yaml.ScalarNode, value, (True, False))
    on_purpose = {"0912345678": "tag:yaml.org,2002:int", "2026-1-5": "tag:yaml.org,2002:timestamp"}
    assert ours == on_purpose.get(value, theirs)


def test_the_two_resolver_differences_read_as_a_person_means():
    assert yamltree.load("k: 0912345678").value == {"k": "0912345678"}
    assert yamltree.load("k: 2026-1-5").value == {"k": date(2026, 1, 5)}


@pytest.mark.parametrize("written, month, day, leap", [
    ("true", None, None, False),
    ('"10-19"', 10, 19, False),
    ("10/19", 10, 19, False),
    ("十月十九", 10, 19, False),
    ("農曆十月廿五", 10, 25, False),
    ("正月初五", 1, 5, False),
    ("冬月初十", 11, 10, False),
    ("臘月三十", 12, 30, False),
    ("腊月廿三", 12, 23, False),
    ("二月二十", 2, 20, False),
    ("閏4-15", 4, 15, True),
    ("闰四月十五", 4, 15, True),
    ("１０月１９日", 10, 19, False),
])
def test_lunar_birthday_is_true_or_the_lunar_month_and_day(written, month, day, leap):
    c = parse(f"---\nname: 查美華\nprofile:\n  lunar_birthday: {written}\n"
              f"family:\n  - name: 查志寧\n    lunar_birthday: {written}\n---\n")
    assert c.issues == ()
    for who in (c.client, c.client.family[0]):
        assert who.lunar_birthday is True
        assert (who.lunar_day and tuple(who.lunar_day)) == ((month, day, leap) if month else None)


@pytest.mark.parametrize("written", ["yes", "13-01", "10-31", "十月三十一", "someday", "閏"])
def test_a_lunar_birthday_that_is_no_lunar_day_is_reported_at_its_line(written):
    result = parse(f"---\nname: 查美華\nprofile:\n  birthday: 1955-12-02\n  lunar_birthday: {written}\n---\n")
    assert [(i.line, i.severity) for i in result.issues] == [(5, "error")]
    assert f'lunar_birthday "{written}" is not a lunar month and day' in result.issues[0].message
    assert result.client.lunar_birthday is False and result.client.lunar_day is None
