"""The client at a glance (``rmn show``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from rmnotes.config import Config
from rmnotes.domain.coverage import age
from rmnotes.domain.money import MissingRate, Totals, money_text
from rmnotes.i18n import _, ngettext, tr
from rmnotes.model import Client, newest_first
from rmnotes.render import redact
from rmnotes.render.dates import show_date
from rmnotes.vault import Document
from rmnotes.words import word


def _age(born: date | None, today: date) -> str:
    return f" ({age(born, today)})" if born else ""


def _birthday(born: date | None, lunar: bool, lunar_day, today: date, style: str = "iso") -> str:
    """``1955-12-02 (71) lunar 10-19`` (農曆 10-19 in Chinese); ``lunar 10-25`` when only the lunar month-day is known."""
    mark = _("lunar {day}").format(day=lunar_day) if lunar_day else (_("lunar") if lunar else "")
    solar = f"{show_date(born, style)}{_age(born, today)}" if born else ""
    return " ".join(part for part in (solar, mark) if part)


def client_sheet(client: Client, config: Config, totals: Totals | MissingRate, today: date,
                 recent: int = 5, documents: Sequence[Document] = ()) -> Group:
    parts: list = []
    style = config.date_style
    head = Text(client.name, style="bold")
    head.append(f"  {client.id}", style="dim")
    bits = [_("tier {tier}").format(tier=client.tier) if client.tier else "", tr(word(client.status)),
            _("since {date}").format(date=show_date(client.since, style)) if client.since else ""]
    head.append("   " + " · ".join(b for b in bits if b))
    if client.tags:
        head.append("   #" + " #".join(client.tags), style="cyan")
    parts.append(head)

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column(overflow="fold")
    profile = client.meta.get("profile") if isinstance(client.meta.get("profile"), dict) else {}
    labels = {"mobile": _("mobile"), "phone": _("phone"), "email": _("email"), "address": _("address")}
    for key in ("mobile", "phone", "email", "address"):
        if profile.get(key) not in (None, ""):
            facts.add_row(labels[key], redact.contact(profile[key]))
    if client.birthday or client.lunar_day:
        facts.add_row(_("birthday"), _birthday(client.birthday, client.lunar_birthday, client.lunar_day, today, style))
    work = " / ".join(str(profile[k]) for k in ("occupation", "employer") if profile.get(k))
    if work:
        facts.add_row(_("work"), work)
    hobbies = profile.get("hobbies")
    if hobbies:
        facts.add_row(_("hobbies"), "、".join(map(str, hobbies)) if isinstance(hobbies, list) else str(hobbies))
    if client.prefer or client.no_calls or client.best_time:
        how = [_(", ").join(tr(word(p)) for p in client.prefer)] if client.prefer else []
        if client.no_calls:
            how.append(_("no calls {hours}").format(hours=client.no_calls))
        if client.best_time:
            how.append(_("best {time}").format(time=client.best_time))
        facts.add_row(_("contact"), _("; ").join(how))
    if client.risk_profile or client.risk_assessed:
        if client.risk_assessed:
            facts.add_row(_("risk"), _("{profile} / 5, assessed {date}").format(
                profile=client.risk_profile or "?", date=show_date(client.risk_assessed, style)))
        else:
            facts.add_row(_("risk"), _("{profile} / 5, date of assessment not recorded").format(
                profile=client.risk_profile))
    if isinstance(totals, MissingRate):
        facts.add_row(_("holdings"), Text(tr(totals.args[0] if totals.args else totals), style="red"))
    elif client.assets:
        def money(amount) -> str:
            return redact.money(money_text(amount))

        facts.add_row(_("holdings"), ngettext(
            "{n} item; assets {assets} {currency}, at our bank {aum}, liabilities {liabilities}, net worth {net}",
            "{n} items; assets {assets} {currency}, at our bank {aum}, liabilities {liabilities}, net worth {net}",
            len(client.assets)).format(
                n=len(client.assets), assets=money(totals.assets), currency=config.base_currency,
                aum=money(totals.aum), liabilities=money(totals.liabilities), net=money(totals.net_worth)))
    if client.policies:
        kinds = sorted({p.kind for p in client.policies})
        facts.add_row(_("policies"), _("{n}: {kinds}").format(n=len(client.policies),
                                                               kinds=_(", ").join(tr(word(k)) for k in kinds)))
    parts.append(facts)

    if client.family:
        fam = _listing(_("family"), 5)
        for m in client.family:
            extra = m.school or m.occupation or ""
            link = f"→ {m.client}" if m.client else ""
            fam.add_row(m.name, tr(word(m.relation)), _birthday(m.birthday, m.lunar_birthday, m.lunar_day, today, style),
                        extra, link)
        parts.append(fam)

    open_items = [f for f in client.followups if not f.done]
    if open_items:
        todo = _listing(_("open follow-ups"), 3)
        for f in open_items:
            overdue = f.date is not None and f.date < today
            todo.add_row(f"{f.number}.", Text(show_date(f.date, style), style="red" if overdue else ""),
                         redact.text(f.text))
        parts.append(todo)

    if client.entries:
        log = _listing(_("latest log entries"), 4)
        for e in newest_first(client.entries)[:recent]:
            log.add_row(show_date(e.date, style), e.time or "", e.channel, redact.text(e.text.split("\n")[0]))
        parts.append(log)

    if documents:
        docs = _listing(_("documents"), 3)
        for d in documents:
            docs.add_row(show_date(datetime.fromtimestamp(d.modified).date(), style), size_text(d.size), d.name)
        parts.append(docs)
    return Group(*parts)


def _listing(title: str, columns: int) -> Table:
    """A titled table without borders or header whose cells fold where a line must break:
    rich cuts a cell of Chinese that ends exactly at the edge with an ellipsis otherwise."""
    table = Table(title=title, title_justify="left", box=None, padding=(0, 2), show_header=False)
    for _column in range(columns):
        table.add_column(overflow="fold")
    return table


def size_text(n: int) -> str:
    """``512 B``, ``120 KB``, ``3.4 MB``."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
