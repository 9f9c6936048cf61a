"""Generate a realistic rmnotes vault of any size, deterministically.

    python bench/generate.py DIR --clients 10000 [--seed 42] [--commits 3000]

Every client has a Chinese (sometimes English) name with a unique pinyin id, about 8
assets, about 2 policies, about 2 family members (some spouses are clients themselves,
linked by id), 25 to 55 log entries over the last two years, and a follow-up. Dates are
relative to a fixed as-of date (2026-11-28), so the same seed gives byte-identical files
on any day. A few files are saved the way Windows editors save them (CRLF, BOM).

``--commits N`` also makes DIR a git repository with N commits, written in one pass with
``git fast-import``: the first commit adopts the vault, each later one appends one log
entry to one client (the most recent entries of the book, in date order), so the final
tree is exactly the files on disk. Without it DIR is not a git repository.

The output passes ``rmn check``. This module needs only the standard library (and git for
``--commits``); ``bench/run.py`` imports :func:`generate`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

AS_OF = date(2026, 11, 28)
DEFAULT_SEED = 42
PARALLEL_FROM = 20_000  # clients: from here on, generate with a process per core
OWNER = "陳經理"
EMAIL = "rm@example.com"
TZ = timezone(timedelta(hours=8))

CONFIG = f"""\
# rmnotes vault settings (generated for benchmarks)
owner: {OWNER}
base_currency: TWD
fx: {{USD: 31.2, CNY: 4.35, HKD: 4.0}}   # units of base currency per one unit
tiers: {{A: 1m, B: 3m, C: 6m}}          # contact cadences: Nd, Nw, Nm, Ny
default_tier: B
region: TW
lookahead_days: 14
kyc_valid: 1y
"""
GITIGNORE = "# rmnotes caches: safe to delete\n.rmnotes/\n"
GITATTRIBUTES = "# keep every byte as written (BOM, CRLF): no line-ending conversion\n* -text\n"
CADENCE_DAYS = {"A": 30, "B": 91, "C": 182}

# Surnames (Taiwan's most common first), with their pinyin as a surname.
SURNAMES: list[tuple[str, str]] = [
    ("陳", "chen"), ("林", "lin"), ("黃", "huang"), ("張", "zhang"), ("李", "li"),
    ("王", "wang"), ("吳", "wu"), ("劉", "liu"), ("蔡", "cai"), ("楊", "yang"),
    ("許", "xu"), ("鄭", "zheng"), ("謝", "xie"), ("洪", "hong"), ("郭", "guo"),
    ("邱", "qiu"), ("曾", "zeng"), ("廖", "liao"), ("賴", "lai"), ("徐", "xu"),
    ("周", "zhou"), ("葉", "ye"), ("蘇", "su"), ("莊", "zhuang"), ("呂", "lv"),
    ("江", "jiang"), ("何", "he"), ("蕭", "xiao"), ("羅", "luo"), ("高", "gao"),
    ("潘", "pan"), ("簡", "jian"), ("朱", "zhu"), ("鍾", "zhong"), ("游", "you"),
    ("彭", "peng"), ("詹", "zhan"), ("胡", "hu"), ("施", "shi"), ("沈", "shen"),
    ("余", "yu"), ("盧", "lu"), ("梁", "liang"), ("趙", "zhao"), ("顏", "yan"),
    ("柯", "ke"), ("翁", "weng"), ("魏", "wei"), ("孫", "sun"), ("戴", "dai"),
    ("范", "fan"), ("方", "fang"), ("宋", "song"), ("鄧", "deng"), ("杜", "du"),
    ("傅", "fu"), ("侯", "hou"), ("曹", "cao"), ("薛", "xue"), ("丁", "ding"),
    ("卓", "zhuo"), ("馬", "ma"), ("董", "dong"), ("唐", "tang"), ("藍", "lan"),
    ("石", "shi"), ("蔣", "jiang"), ("古", "gu"), ("紀", "ji"), ("姚", "yao"),
    ("連", "lian"), ("馮", "feng"), ("單", "shan"), ("區", "ou"), ("歐陽", "ou-yang"),
    ("司馬", "si-ma"),
]
# Characters of given names with a single common reading.
GIVEN: list[tuple[str, str]] = [
    ("美", "mei"), ("玲", "ling"), ("志", "zhi"), ("明", "ming"), ("偉", "wei"),
    ("文", "wen"), ("俊", "jun"), ("傑", "jie"), ("家", "jia"), ("豪", "hao"),
    ("怡", "yi"), ("君", "jun"), ("雅", "ya"), ("婷", "ting"), ("淑", "shu"),
    ("芬", "fen"), ("惠", "hui"), ("秀", "xiu"), ("英", "ying"), ("麗", "li"),
    ("華", "hua"), ("建", "jian"), ("國", "guo"), ("宏", "hong"), ("信", "xin"),
    ("宗", "zong"), ("翰", "han"), ("承", "cheng"), ("恩", "en"), ("宇", "yu"),
    ("軒", "xuan"), ("佳", "jia"), ("蓉", "rong"), ("欣", "xin"), ("慧", "hui"),
    ("春", "chun"), ("嘉", "jia"), ("琪", "qi"), ("瑋", "wei"), ("哲", "zhe"),
    ("彥", "yan"), ("廷", "ting"), ("安", "an"), ("平", "ping"), ("德", "de"),
    ("仁", "ren"), ("福", "fu"), ("祥", "xiang"), ("榮", "rong"), ("瑞", "rui"),
    ("心", "xin"), ("如", "ru"), ("靜", "jing"), ("宜", "yi"), ("珍", "zhen"),
    ("鳳", "feng"), ("月", "yue"), ("蘭", "lan"), ("梅", "mei"), ("銘", "ming"),
    ("凱", "kai"), ("昌", "chang"), ("興", "xing"), ("勝", "sheng"), ("智", "zhi"),
    ("聰", "cong"), ("子", "zi"), ("晴", "qing"), ("思", "si"), ("涵", "han"),
    ("詩", "shi"), ("若", "ruo"), ("薇", "wei"), ("書", "shu"), ("維", "wei"),
    ("庭", "ting"), ("育", "yu"), ("誠", "cheng"), ("正", "zheng"), ("忠", "zhong"),
    ("立", "li"), ("振", "zhen"), ("耀", "yao"), ("芳", "fang"), ("秋", "qiu"),
]
ENGLISH = ["David", "Amy", "Kevin", "Grace", "Eric", "Vivian", "Jason", "Cindy", "Peter",
           "Tina", "Michael", "Irene", "Allen", "Wendy", "Frank", "Joyce", "Steven", "Sharon"]

# name, type, institution, currency, risk, low, high (value range), matures
ASSETS: list[tuple] = [
    ("台幣定存", "deposit", "ours", None, 1, 300_000, 5_000_000, True),
    ("美元定存", "deposit", "ours", "USD", 1, 10_000, 300_000, True),
    ("人民幣定存", "deposit", "ours", "CNY", 2, 50_000, 800_000, True),
    ("活期存款", "cash", "ours", None, 1, 50_000, 2_000_000, False),
    ("富邦台灣科技基金", "fund", "ours", None, 4, 100_000, 3_000_000, False),
    ("安聯收益成長基金", "fund", "ours", "USD", 3, 5_000, 200_000, False),
    ("國泰全球債券基金", "fund", "ours", None, 2, 100_000, 2_000_000, False),
    ("摩根亞洲增長基金", "fund", "ours", None, 4, 100_000, 1_500_000, False),
    ("元大台灣50", "stock", "富邦證券", None, 4, 100_000, 4_000_000, False),
    ("台積電股票", "stock", "元大證券", None, 5, 200_000, 8_000_000, False),
    ("美國公債", "bond", "ours", "USD", 2, 10_000, 500_000, True),
    ("公司債", "bond", "ours", None, 3, 500_000, 3_000_000, True),
    ("人民幣理財", "wmp", "ours", "CNY", 2, 50_000, 600_000, True),
    ("結構型商品", "structured", "ours", "USD", 4, 10_000, 200_000, True),
    ("儲蓄險", "insurance", "ours", None, 1, 200_000, 3_000_000, False),
    ("港幣定存", "deposit", "中國信託", "HKD", 1, 50_000, 800_000, True),
    ("台幣定存(他行)", "deposit", "玉山銀行", None, 1, 200_000, 3_000_000, True),
    ("現金", "cash", "self", None, None, 10_000, 500_000, False),
    ("自宅", "property", "self", None, None, 8_000_000, 40_000_000, False),
    ("房貸", "mortgage", "國泰世華", None, None, 1_000_000, 15_000_000, False),
    ("信貸", "loan", "台新銀行", None, None, 100_000, 1_500_000, False),
]
# name, kind, insurer, sum low, sum high, premium share
POLICIES: list[tuple] = [
    ("終身壽險", "life", "富邦人壽", 1_000_000, 10_000_000, 0.025),
    ("定期壽險", "life", "國泰人壽", 2_000_000, 20_000_000, 0.004),
    ("重大疾病險", "critical_illness", "南山人壽", 500_000, 3_000_000, 0.03),
    ("實支實付醫療險", "medical", "新光人壽", 100_000, 500_000, 0.05),
    ("意外險", "accident", "台灣人壽", 1_000_000, 5_000_000, 0.002),
    ("年金險", "annuity", "三商美邦人壽", 500_000, 3_000_000, 0.08),
    ("投資型保單", "investment_linked", "富邦人壽", 1_000_000, 5_000_000, 0.05),
    ("長照險", "long_term_care", "國泰人壽", 500_000, 2_000_000, 0.04),
]
OCCUPATIONS = [("工程師", "台積電"), ("教師", "台中一中"), ("醫師", "榮總"), ("會計師", "勤業眾信"),
               ("律師", "理律法律事務所"), ("業務經理", "統一企業"), ("公務員", "台北市政府"),
               ("自營商", "自家公司"), ("護理師", "長庚醫院"), ("設計師", "自由接案"),
               ("退休", None), ("家管", None), ("董事長", "振興實業"), ("主管", "鴻海")]
CITIES = ["台北市信義區松仁路", "台北市大安區敦化南路", "新北市板橋區文化路", "台中市西屯區市政路",
          "台中市南屯區公益路", "高雄市苓雅區四維三路", "台南市東區東門路", "桃園市中壢區中正路"]
HOBBIES = ["高爾夫", "紅酒", "登山", "茶道", "攝影", "旅遊", "書法", "瑜伽", "釣魚", "烹飪", "馬拉松"]
TAGS = ["likes-new-funds", "has-kids", "golf", "retired", "business-owner", "conservative",
        "vip", "referral", "prefers-line", "high-net-worth", "young-family", "overseas-kids"]
SCHOOLS = ["台中一中", "建國中學", "北一女中", "台大", "政大", "成大", "清大", "師大附中"]
LOG_TEXTS = {
    "T": ["電話問候，客戶近況良好", "定存到期提醒，客戶考慮續存", "基金淨值下跌，說明市場狀況",
          "確認下次見面時間", "客戶詢問美元匯率走勢", "保費扣款提醒", "說明新發行的平衡型基金",
          "客戶同意轉入債券基金", "生日問候", "提醒更新風險屬性問卷"],
    "E": ["寄送月報與基金績效", "寄送保險建議書", "寄送定存利率表", "回覆客戶關於配息的問題",
          "寄送年度資產對帳單"],
    "M": ["季度資產回顧", "到府拜訪，討論子女教育金規劃", "分行面談，簽署基金申購文件",
          "一起喝咖啡，聊退休規劃", "說明結構型商品風險", "陪同辦理房貸增貸"],
    "S": ["LINE 傳送節日祝福", "簡訊提醒到期日", "LINE 分享市場週報", "LINE 確認收到文件",
          "傳訊息約下週見面"],
    "N": ["內部備註：客戶對高風險商品保留", "內部備註：轉介自朋友", "內部備註：太太是主要決策者",
          "內部備註：不希望接到推銷電話", "內部備註：年底有大筆資金到期"],
}
CHANNEL_WEIGHTS = (("T", 35), ("S", 25), ("E", 15), ("M", 15), ("N", 10))
FOLLOWUPS = ["寄送保險提案", "確認基金轉換", "安排季度回顧面談", "提醒更新 KYC 問卷", "寄送新基金說明書",
             "回覆退休金試算", "準備子女教育金規劃", "確認定存續存意願"]
NOTES = ["重視穩定配息，對波動敏感。", "喜歡聽新基金的介紹，但決定很慢。", "太太負責家中理財決策。",
         "小孩在國外念書，每年需要匯款學費。", "自己經營公司，現金流變動大。", "退休規劃是最關心的話題。",
         "上午開會多，下午比較方便聯絡。", "對保險保障缺口有興趣。"]


@dataclass(frozen=True)
class Person:
    name: str
    slug: str
    alias: str | None
    surname: str
    female: bool


@dataclass(frozen=True)
class ClientFile:
    """A client file as its fixed head (front-matter .. '## Log') and its log entries."""

    slug: str
    name: str
    head: str  # everything up to and including the '## Log' line
    entries: tuple[tuple[date, str, str, str], ...]  # (date, "HH:MM" or "", channel, lines)
    newline: str
    bom: bool

    def text(self, entries: int | None = None) -> str:
        shown = self.entries if entries is None else self.entries[:entries]
        body = self.head + "".join(e[3] for e in shown)
        if self.newline != "\n":
            body = body.replace("\n", self.newline)
        return ("\ufeff" if self.bom else "") + body


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def people(n: int, seed: int = DEFAULT_SEED) -> list[Person]:
    """``n`` clients' names with unique ids (same seed: the same first ``k`` for any n >= k)."""
    out: list[Person] = []
    taken: set[str] = set()
    for i in range(n):
        rng = _rng(seed, "name", i)
        surname, sur_py = rng.choice(SURNAMES[:30]) if rng.random() < 0.8 else rng.choice(SURNAMES)
        female = rng.random() < 0.5
        if rng.random() < 0.04:  # an English-named client
            first = rng.choice(ENGLISH)
            name = f"{first} {sur_py.replace('-', '').capitalize()}"
            base = f"{first.lower()}-{sur_py}"
            alias = f"{surname}{rng.choice(GIVEN)[0]}{rng.choice(GIVEN)[0]}"
        else:
            given = [rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.08 else 2)]
            name = surname + "".join(c for c, _ in given)
            base = "-".join([sur_py, *(p for _, p in given)])
            alias = (f"{rng.choice(ENGLISH)} {sur_py.replace('-', '').capitalize()}"
                     if rng.random() < 0.3 else None)
        slug, k = base, 1
        while slug in taken:
            k += 1
            slug = f"{base}-{k}"
        taken.add(slug)
        out.append(Person(name, slug, alias, surname, female))
    return out


def couples(n: int) -> dict[int, int]:
    """Clients married to each other (both have a file): every 25th pair."""
    pairs: dict[int, int] = {}
    for i in range(0, n - 1, 25):
        pairs[i], pairs[i + 1] = i + 1, i
    return pairs


def _day(d: date) -> str:
    return d.isoformat()


def _pick(rng: random.Random, weighted) -> str:
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for item, w in weighted:
        x -= w
        if x <= 0:
            return item
    return weighted[-1][0]


def _round(value: float, step: int) -> int:
    return max(step, int(value // step) * step)


def client_file(i: int, everyone: list[Person], pairs: dict[int, int], seed: int = DEFAULT_SEED,
                as_of: date = AS_OF) -> ClientFile:
    rng = _rng(seed, "client", i)
    me = everyone[i]
    lines: list[str] = ["---", f"name: {me.name}"]
    aliases = [me.alias] if me.alias else []
    if aliases:
        lines.append(f"aliases: [{', '.join(aliases)}]")
    tier = _pick(rng, (("A", 15), ("B", 45), ("C", 40)))
    status = _pick(rng, (("active", 85), ("prospect", 7), ("dormant", 6), ("closed", 2)))
    since = as_of - timedelta(days=rng.randint(400, 4000))
    lines += [f"tier: {tier}", f"status: {status}", f"since: {_day(since)}"]
    if rng.random() < 0.05:
        lines.append(f"cadence: {rng.choice(['2w', '6w', '2m'])}")
    tags = rng.sample(TAGS, rng.randint(0, 3))
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")

    age = rng.randint(28, 78)
    birthday = date(as_of.year - age, rng.randint(1, 12), rng.randint(1, 28))
    married = i in pairs or rng.random() < 0.6
    occupation, employer = rng.choice(OCCUPATIONS)
    lines += [
        "profile:",
        f'  mobile: "09{rng.randint(10, 99)}-{rng.randint(0, 999):03d}-{rng.randint(0, 999):03d}"',
        f"  email: {me.slug.replace('-', '.')}@example.com",
        f"  address: {rng.choice(CITIES)} {rng.randint(1, 300)} 號",
        f"  birthday: {_day(birthday)}" if rng.random() < 0.9 else f'  birthday: "{_day(birthday)}"',
    ]
    if rng.random() < 0.1:
        lines.append("  lunar_birthday: true")
    lines.append(f"  occupation: {occupation}")
    if employer:
        lines.append(f"  employer: {employer}")
    lines.append(f"  income: {_round(rng.lognormvariate(14.2, 0.6), 10_000)}")
    hobbies = rng.sample(HOBBIES, rng.randint(0, 3))
    if hobbies:
        lines.append(f"  hobbies: [{', '.join(hobbies)}]")
    lines += [
        f"  marital_status: {'married' if married else rng.choice(['single', 'divorced', 'widowed'])}",
    ]
    risk = rng.randint(1, 5)
    lines += ["risk:", f"  profile: {risk}",
              f"  assessed: {_day(as_of - timedelta(days=rng.randint(0, 420)))}"]
    prefer = rng.sample(["phone", "line", "email", "sms", "meeting"], rng.randint(1, 3))
    lines += ["contact:", f"  prefer: [{', '.join(prefer)}]"]
    if rng.random() < 0.3:
        lines += ['  no_calls: "09:00-18:00"', '  best_time: "12:00-13:30"']

    # family: a spouse (perhaps a client too), children, sometimes a parent
    family: list[str] = []
    if married:
        if i in pairs:
            other = everyone[pairs[i]]
            link = f'"[[{other.slug}]]"' if i % 2 else other.slug
            sp_name, sp_client = other.name, link
        else:
            sp_name = rng.choice(SURNAMES[:30])[0] + "".join(rng.choice(GIVEN)[0] for _ in range(2))
            sp_client = None
        family += ["  - name: " + sp_name, "    relation: spouse",
                   f"    birthday: {_day(birthday + timedelta(days=rng.randint(-2000, 2000)))}"]
        if sp_client:
            family.append(f"    client: {sp_client}")
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3]) if married else 0):
        born = as_of - timedelta(days=rng.randint(365, max(366, (age - 22) * 365)))
        family += ["  - name: " + me.surname + "".join(rng.choice(GIVEN)[0] for _ in range(2)),
                   "    relation: child", f"    birthday: {_day(born)}"]
        if rng.random() < 0.5:
            family.append(f"    school: {rng.choice(SCHOOLS)}")
    if rng.random() < 0.25:
        family += ["  - name: " + me.surname + rng.choice(GIVEN)[0] + rng.choice(GIVEN)[0],
                   "    relation: parent",
                   f"    birthday: {_day(birthday - timedelta(days=rng.randint(9000, 13000)))}"]
        if rng.random() < 0.3:
            family.append("    lunar_birthday: true")
    if family:
        lines.append("family:")
        lines += family

    # assets: about 8, no name twice
    chosen = rng.sample(ASSETS, max(2, min(len(ASSETS), round(rng.gauss(8, 2)))))
    lines.append("assets:")
    for name, kind, inst, cur, prisk, low, high, matures in chosen:
        value = rng.uniform(low, high)
        value_text = f"{value:.2f}" if cur == "USD" and rng.random() < 0.3 else str(_round(value, 1000))
        lines += [f"  - name: {name}", f"    type: {kind}", f"    institution: {inst}",
                  f"    value: {value_text}"]
        if cur:
            lines.append(f"    currency: {cur}")
        held = as_of - timedelta(days=rng.randint(30, max(31, (as_of - since).days)))
        lines.append(f"    since: {_day(held)}")
        if matures:
            lines.append(f"    maturity: {_day(as_of + timedelta(days=rng.randint(-10, 720)))}")
        if prisk is not None:
            lines.append(f"    risk: {prisk}")

    # policies: about 2
    count = rng.choice([0, 1, 2, 2, 2, 3, 4])
    if count:
        lines.append("policies:")
        for name, kind, insurer, low, high, share in rng.sample(POLICIES, count):
            sum_assured = _round(rng.uniform(low, high), 100_000)
            start = as_of - timedelta(days=rng.randint(100, 5000))
            lines += [f"  - name: {name}", f"    insurer: {insurer}", f"    kind: {kind}",
                      "    insured: self", f"    sum_assured: {sum_assured}",
                      f"    premium: {_round(sum_assured * share, 100)}",
                      "    premium_frequency: annual", f"    start: {_day(start)}",
                      f"    term_years: {rng.choice([10, 20, 30])}",
                      f"    next_premium: {_day(as_of + timedelta(days=rng.randint(0, 364)))}"]
            if kind == "life" and rng.random() < 0.4:
                lines.append("    riders: [critical_illness]")
    lines += ["---", "", rng.choice(NOTES), ""]

    # follow-ups: a promise per client, most of them kept, the open ones recent or ahead
    lines.append("## Follow-ups")
    if rng.random() < 0.3:
        lines.append(f"- [x] {_day(as_of - timedelta(days=rng.randint(60, 200)))} {rng.choice(FOLLOWUPS)}")
    if rng.random() < 0.4:
        lines.append(f"- [ ] {_day(as_of + timedelta(days=rng.randint(-10, 45)))} {rng.choice(FOLLOWUPS)}")
    else:
        lines.append(f"- [x] {_day(as_of - timedelta(days=rng.randint(5, 59)))} {rng.choice(FOLLOWUPS)}")
    lines += ["", "## Log", ""]
    head = "\n".join(lines)

    # log: 25..55 entries over up to two years; the last contact fits the tier's cadence
    cadence = CADENCE_DAYS[tier]
    if status == "dormant":
        last = as_of - timedelta(days=rng.randint(200, 500))
    else:
        last = as_of - timedelta(days=int(rng.uniform(0, 1.15 * cadence)))
    first = max(since, as_of - timedelta(days=730))
    if last < first:
        last = first
    span = (last - first).days
    days = sorted(rng.randint(0, span) for _ in range(rng.randint(24, 54))) + [span]
    entries = []
    spouse = None
    for member in family:
        if member.startswith("  - name: "):
            spouse = member[len("  - name: "):]
            break
    for k, d in enumerate(days):
        when = first + timedelta(days=d)
        ch = _pick(rng, CHANNEL_WEIGHTS) if k < len(days) - 1 else rng.choice("TEMS")
        hhmm = f"{rng.randint(9, 19):02d}:{rng.choice(['00', '15', '30', '45'])}" if rng.random() < 0.4 else ""
        text = rng.choice(LOG_TEXTS[ch])
        entry = f"- {_day(when)} {hhmm + ' ' if hhmm else ''}{ch} {text}\n"
        if ch == "M" and spouse and married and rng.random() < 0.3:
            entry += f"  with: [{spouse}]\n"
        elif rng.random() < 0.05:
            entry += "  客戶另外提到年底想調整資產配置\n"
        entries.append((when, hhmm, ch, entry))
    style = rng.random()
    newline = "\r\n" if style < 0.03 else "\n"
    bom = 0.03 <= style < 0.04
    return ClientFile(me.slug, me.name, head + "\n", tuple(entries), newline, bom)


@dataclass(frozen=True)
class Summary:
    root: Path
    clients: int
    commits: int
    bytes: int
    seconds: float


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return len(data)


def generate(root: str | os.PathLike, clients: int, seed: int = DEFAULT_SEED, commits: int = 0,
             as_of: date = AS_OF) -> Summary:
    """Write a vault of ``clients`` clients into ``root`` (created; must be empty)."""
    started = time.perf_counter()
    root = Path(root)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"generate: {root} is not empty; give a new or empty folder")
    (root / "clients").mkdir(mode=0o700)
    size = _write(root / "rmnotes.yaml", CONFIG)
    size += _write(root / ".gitignore", GITIGNORE)
    size += _write(root / ".gitattributes", GITATTRIBUTES)
    global _SHARED
    _SHARED = (root, people(clients, seed), couples(clients), seed, as_of, commits > 0)
    chunks = [range(i, min(i + 2000, clients)) for i in range(0, clients, 2000)]
    workers = os.cpu_count() or 1
    try:
        if clients >= PARALLEL_FROM and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = pool.map(_write_chunk, chunks)
        else:
            done = [_write_chunk(chunk) for chunk in chunks]
    finally:
        _SHARED = None
    size += sum(n for n, _ in done)
    if commits > 0:
        _history(root, [f for _, files in done for f in files], commits, as_of)
    return Summary(root, clients, commits, size, time.perf_counter() - started)


_SHARED: tuple | None = None  # what the worker processes of generate() need (inherited by fork)


def _write_chunk(indexes: range) -> tuple[int, list[ClientFile]]:
    root, everyone, pairs, seed, as_of, keep = _SHARED
    size, kept = 0, []
    for i in indexes:
        f = client_file(i, everyone, pairs, seed, as_of)
        size += _write(root / "clients" / f"{f.slug}.md", f.text())
        if keep:
            kept.append(f)
    return size, kept


def _git(root: Path, *args: str, stdin: bytes | None = None) -> None:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    subprocess.run(["git", *args], cwd=root, env=env, input=stdin, check=True,
                   stdout=subprocess.DEVNULL)


def _history(root: Path, files: list[ClientFile], commits: int, as_of: date) -> None:
    """A repository whose last ``commits - 1`` commits each append one log entry."""
    # the book's most recent entries: per file a suffix of its log, so appends stay in order
    keyed = sorted((e[0], n, k) for n, f in enumerate(files) for k, e in enumerate(f.entries))
    late = keyed[len(keyed) - min(commits - 1, len(keyed)):] if commits > 1 else []
    held_back: dict[int, int] = {}
    for _, n, k in late:
        held_back[n] = min(held_back.get(n, k), k)
    shown = {n: held_back.get(n, len(f.entries)) for n, f in enumerate(files)}

    out: list[bytes] = []
    first_day = (late[0][0] if late else as_of) - timedelta(days=1)
    stamp = int(datetime.combine(first_day, datetime.min.time(), TZ).replace(hour=9).timestamp())

    def commit(message: str, when: int, changes: list[tuple[str, str]]) -> None:
        # fast-import chains each commit to the branch's previous one
        msg = message.encode("utf-8")
        out.append(b"commit refs/heads/main\n")
        who = f"{OWNER} <{EMAIL}> {when} +0800\n".encode("utf-8")
        out.append(b"author " + who + b"committer " + who)
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        for path, text in changes:
            data = text.encode("utf-8")
            out.append(b"M 100644 inline " + path.encode("utf-8") + b"\n")
            out.append(b"data %d\n%s\n" % (len(data), data))

    initial = [("rmnotes.yaml", CONFIG), (".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)]
    initial += [(f"clients/{f.slug}.md", f.text(shown[n])) for n, f in enumerate(files)]
    commit(f"init: adopt vault of {OWNER} ({len(files)} client files)", stamp, initial)
    for day, n, k in late:
        f = files[n]
        hhmm = f.entries[k][1]
        hour, minute = (int(x) for x in hhmm.split(":")) if hhmm else (18, 0)
        stamp = max(stamp + 1, int(datetime.combine(day, datetime.min.time(), TZ)
                                   .replace(hour=hour, minute=minute).timestamp()))
        commit(f"log: {f.name} ({f.slug}) {f.entries[k][2]} {day.isoformat()}", stamp,
               [(f"clients/{f.slug}.md", f.text(k + 1))])
    out.append(b"done\n")

    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", OWNER)
    _git(root, "config", "user.email", EMAIL)
    _git(root, "fast-import", "--quiet", "--done", stdin=b"".join(out))
    _git(root, "read-tree", "HEAD")
    _git(root, "update-index", "-q", "--refresh")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path, help="a new or empty folder for the vault")
    parser.add_argument("-n", "--clients", type=int, default=1000, help="number of clients (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--commits", type=int, default=0,
                        help="make a git repository with this many commits (default: no repository)")
    args = parser.parse_args(argv)
    s = generate(args.directory, args.clients, args.seed, args.commits)
    print(f"wrote {s.clients} clients ({s.bytes / 1e6:.1f} MB) to {s.root}"
          f"{f' with {s.commits} commits' if s.commits else ''} in {s.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
