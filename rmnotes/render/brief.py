"""The brief (``rmn brief``) on one screen, and as JSON with stable English keys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from rmnotes.domain.brief import Brief
from rmnotes.domain.money import money_text, pct_text
from rmnotes.i18n import _, ngettext, tr
from rmnotes.render import redact
from rmnotes.render.client import size_text
from rmnotes.render.dates import show_date
from rmnotes.render.due import agenda_rows, days_text, detail_text
from rmnotes.words import word


def _money(amount: Decimal) -> str:  # on the screen: --redact masks it
    return redact.money(money_text(amount, 0 if amount == amount.to_integral_value() else 2))


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + _money(amount)


def brief_console(brief: Brief, style: str = "iso"):
    """Rich renderables: who, what is coming, where the client stands, what was said, what
    to talk about, documents. Long cells wrap to the terminal's width; dates in ``style``
    (``date_style`` of rmnotes.yaml)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list = []

    def section(title: str) -> None:
        parts.append(Text(""))
        parts.append(Text(title, style="bold underline"))

    def grid(*wrapping: bool) -> Table:
        table = Table.grid(padding=(0, 2))
        for wraps in wrapping:
            table.add_column(no_wrap=not wraps, overflow="fold")
        return table

    w = brief.who
    head = Text(w.name, style="bold")
    head.append(f"  {w.id}", style="dim")
    bits = [_("{age} years").format(age=w.age) if w.age is not None else "",
            _("tier {tier}").format(tier=w.tier) if w.tier else "",
            tr(word(w.status)) if w.status != "active" else "",
            _("client since {date}").format(date=show_date(w.since, style)) if w.since else ""]
    head.append("   " + " · ".join(b for b in bits if b))
    parts.append(head)
    facts = grid(False, True)
    work = " / ".join(x for x in (w.occupation, w.employer) if x)
    if work:
        facts.add_row(_("work"), work)
    if w.hint:
        facts.add_row(_("reach"), redact.text(tr(w.hint)))
    parts.append(facts)

    section(_("Coming up to {date} ({days} days)").format(
        date=show_date(brief.until, style), days=(brief.until - brief.as_of).days))
    if brief.coming:
        coming = grid(False, False, False, True)
        for item in brief.coming:
            urgency = "red" if item.days < 0 else ("bold" if item.days == 0 else "")
            coming.add_row(show_date(item.date, style), Text(days_text(item.days), style=urgency),
                           tr(word(item.reason)), redact.text(detail_text(item)))
        parts.append(coming)
    else:
        parts.append(Text(_("nothing due"), style="dim"))

    s = brief.standing
    section(_("Where they stand ({currency})").format(currency=s.currency))
    stand = grid(False, True)
    if s.totals is None:
        stand.add_row(_("holdings"), Text(tr(s.problem) if s.problem else "", style="red"))
    else:
        t = s.totals
        stand.add_row(_("total assets"), _money(t.assets))
        stand.add_row(_("at this bank"), _money(t.aum))
        stand.add_row(_("net worth"), _money(t.net_worth))
        if s.last_review is None:
            stand.add_row(_("since review"), Text(_("no review recorded yet"), style="dim"))
        elif s.change == 0:
            stand.add_row(_("since review"), _("no change since {date}").format(date=show_date(s.last_review, style)))
        elif s.change is not None:
            stand.add_row(_("since review"), _("{change}{pct} since {date}").format(
                change=_signed(s.change), pct=pct_text(s.change_pct), date=show_date(s.last_review, style)))
    if s.above_risk:
        listed = _(", ").join(_("{name} (risk {risk})").format(name=a.name, risk=a.risk) for a in s.above_risk)
        stand.add_row(_("above risk"), Text(_("profile {profile}: {items}").format(
            profile=s.risk_profile, items=listed), style="yellow"))
    for gap in s.gaps:
        stand.add_row(_("gap"), Text(redact.text(tr(gap.message)), style="yellow"))
    parts.append(stand)

    said = brief.said
    section(_("What was said"))
    if said.contacts:
        log = grid(False, False, True)
        for c in said.contacts:
            said_with = _("(with {names})") if c.channel == "M" else _("(involving {names})")  # who came; who it was about
            text = c.text + (" " + said_with.format(names=_(", ").join(c.present)) if c.present else "")
            log.add_row(f"{show_date(c.date, style)} {c.time or ''}".rstrip(), c.channel, redact.text(text))
        parts.append(log)
    else:
        parts.append(Text(_("no contact logged"), style="dim"))
    notes = grid(False, True)
    if said.internal_notes:
        notes.add_row(_("internal"), ngettext("{n} note marked internal (N)", "{n} notes marked internal (N)",
                                              said.internal_notes).format(n=said.internal_notes))
    if said.products:
        notes.add_row(_("products"), ", ".join(f"{p.name} ({show_date(p.last, style)})" for p in said.products))
    if notes.row_count:
        parts.append(notes)

    talk = brief.talk
    section(_("What to talk about"))
    topics = grid(False, True)
    if talk.hobbies:
        topics.add_row(_("hobbies"), "、".join(talk.hobbies))
    for child in talk.children:
        bits = [_("{age} years").format(age=child.age) if child.age is not None else "",
                child.school or child.occupation or ""]
        topics.add_row(_("child"), " · ".join([child.name] + [b for b in bits if b]))
    for m in talk.milestones:
        what = (_("{name} starts university").format(name=m.name) if m.what == "university"
                else _("{name} turns 18").format(name=m.name))
        topics.add_row(_("milestone"), Text(f"{show_date(m.date, style)} {what}", style="bold"))
    for e in talk.life_events:
        topics.add_row(_("life event"), f"{show_date(e.date, style)} {e.channel} {redact.text(e.text)}")
    if topics.row_count:
        parts.append(topics)
    else:
        parts.append(Text(_("nothing noted yet"), style="dim"))

    section(_("Documents"))
    if brief.documents:
        docs = grid(False, False, True)
        for d in brief.documents:
            docs.add_row(show_date(datetime.fromtimestamp(d.modified).date(), style), size_text(d.size), d.name)
        parts.append(docs)
    else:
        parts.append(Text(_("none in {folder}").format(folder=f"clients/{w.id}/"), style="dim"))
    return Group(*parts)


def brief_json(brief: Brief) -> dict[str, Any]:
    """The brief for machines: English keys, dates as ISO text, money exact."""
    from rmnotes.domain.due import Agenda
    from rmnotes.render.jsonout import plain

    w, s, said, talk = brief.who, brief.standing, brief.said, brief.talk
    coming = agenda_rows(Agenda(brief.as_of, brief.until, brief.coming, len(brief.coming), 0))
    t = s.totals
    return plain({
        "client": w.id,
        "name": w.name,
        "as_of": brief.as_of,
        "until": brief.until,
        "who": {"age": w.age, "birthday": w.birthday, "tier": w.tier, "status": w.status,
                "since": w.since, "occupation": w.occupation, "employer": w.employer,
                "prefer": list(w.prefer), "no_calls": w.no_calls, "best_time": w.best_time,
                "hint": w.hint},
        "coming": [{k: v for k, v in r.items() if k not in ("client", "name", "hint")} for r in coming],
        "standing": {
            "currency": s.currency,
            "total_assets": t.assets if t else None,
            "aum_ours": t.aum if t else None,
            "liabilities": t.liabilities if t else None,
            "net_worth": t.net_worth if t else None,
            "problem": s.problem,
            "last_review": s.last_review,
            "change": s.change,
            "change_pct": s.change_pct,
            "risk_profile": s.risk_profile,
            "above_risk": [{"name": a.name, "risk": a.risk} for a in s.above_risk],
            "gaps": [{"code": g.code, "message": g.message} for g in s.gaps],
        },
        "said": {
            "contacts": [{"date": c.date, "time": c.time, "channel": c.channel, "text": c.text,
                          "with": list(c.present)} for c in said.contacts],
            "internal_notes": said.internal_notes,
            "products": [{"name": p.name, "last": p.last} for p in said.products],
        },
        "talk": {
            "hobbies": list(talk.hobbies),
            "children": [{"name": c.name, "age": c.age, "school": c.school, "occupation": c.occupation}
                         for c in talk.children],
            "milestones": [{"date": m.date, "name": m.name, "what": m.what} for m in talk.milestones],
            "life_events": [{"date": e.date, "channel": e.channel, "text": e.text, "matched": e.matched}
                            for e in talk.life_events],
        },
        "documents": [{"path": d.rel, "name": d.name, "size": d.size,
                       "modified": datetime.fromtimestamp(d.modified).isoformat(timespec="seconds")}
                      for d in brief.documents],
    })
