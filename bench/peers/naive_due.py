"""The naive peer of ``rmn due``: load every client file with python-frontmatter on every
query and work out who is due (cadence from the last logged contact, birthdays, maturities,
premiums, open follow-ups) within the lookahead. What a quick script would do.

    python bench/peers/naive_due.py VAULT [YYYY-MM-DD]
"""

import calendar
import os
import re
import sys
from datetime import date, timedelta

import frontmatter
import yaml

ENTRY = re.compile(r"^- (\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2})? ([TEMSN]) ", re.M)
TASK = re.compile(r"^- \[ \] (\d{4}-\d{2}-\d{2}) (.*)$", re.M)


def add_months(d: date, months: int) -> date:
    i = d.year * 12 + d.month - 1 + months
    y, m = divmod(i, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def as_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def next_birthday(born: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            d = born.replace(year=year)
        except ValueError:  # 29 February
            d = date(year, 3, 1)
        if d >= today:
            return d
    return d


def main() -> None:
    root = sys.argv[1]
    today = date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date.today()
    with open(os.path.join(root, "rmnotes.yaml"), encoding="utf-8") as f:
        config = yaml.safe_load(f)
    months = {t: int(str(c)[:-1]) for t, c in config["tiers"].items()}
    until = today + timedelta(days=int(config.get("lookahead_days", 14)))
    rows = []
    folder = os.path.join(root, "clients")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        post = frontmatter.load(os.path.join(folder, name))
        meta, cid = post.metadata, name[:-3]
        if meta.get("status") == "closed":
            continue
        contacts = [m.group(1) for m in ENTRY.finditer(post.content) if m.group(2) != "N"]
        if contacts:
            due = add_months(date.fromisoformat(max(contacts)),
                             months.get(str(meta.get("tier")), months[config["default_tier"]]))
            if due <= until:
                rows.append((due, cid, "cadence"))
        else:
            rows.append((today, cid, "never"))
        born = as_date((meta.get("profile") or {}).get("birthday"))
        people = [born] + [as_date(m.get("birthday")) for m in meta.get("family") or []]
        for b in people:
            if b and next_birthday(b, today) <= until:
                rows.append((next_birthday(b, today), cid, "birthday"))
        for a in meta.get("assets") or []:
            d = as_date(a.get("maturity"))
            if d and today <= d <= until:
                rows.append((d, cid, "maturity"))
        for p in meta.get("policies") or []:
            d = as_date(p.get("next_premium"))
            if d and today <= d <= until:
                rows.append((d, cid, "premium"))
        for when, _ in TASK.findall(post.content):
            if date.fromisoformat(when) <= until:
                rows.append((date.fromisoformat(when), cid, "follow-up"))
    rows.sort()
    for d, cid, reason in rows:
        print(d.isoformat(), cid, reason)


main()
