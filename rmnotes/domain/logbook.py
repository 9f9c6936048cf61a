"""The log book: new entries and follow-ups from command input, and ticking a follow-up.

Everything is checked before a byte is written: the channel (:func:`channel_letter`, where
the command line is parsed), the date (real, not in the future unless asked), the time,
the text (a continuation line must not read as an attribute), and finally the edited file
itself, which must parse back to the entries and follow-ups it had plus exactly the new
one. Raising leaves the file untouched.

The parser (with PyYAML) and the text editor are imported by the functions that read a
file, not by this module: ``rmn log`` checks its input first, then reads the file under
the vault lock, and the imports run while ``git status`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable, Sequence

from rmnotes.config import Config
from rmnotes.domain.cadence import next_contact
from rmnotes.errors import DataError
from rmnotes.i18n import N_, _
from rmnotes.model import CHANNELS, Client, Entry, FollowUp

if TYPE_CHECKING:
    from rmnotes.periods import Period

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_NEXT = re.compile(r"^(\S+)(?:\s+(.*))?$", re.DOTALL)
# an indented line the parser reads as an attribute (``with: ...``), not as text
_ATTR = re.compile(r"^[a-z_][a-z0-9_-]*:(?:\s|$)")
_PLAIN_NAME = re.compile(r"^[^\s\[\]{},:#&*!|>'\"%@`?-][^\[\]{},:#]*$")
SUMMARY_WIDTH = 48


class EntryError(DataError):
    """Input that cannot become a log entry or follow-up; nothing was written."""


class FollowUpError(DataError):
    """No follow-up, or more than one, matches what ``done`` was given."""


def channel_letter(text: str) -> str | None:
    """``"t"`` -> ``"T"``; anything that is not one of the channel letters -> None."""
    letter = text.strip().upper()
    return letter if letter in CHANNELS else None


def parse_time(text: str) -> str:
    """``"9:05"`` -> ``"09:05"``; raises for anything that is not a time of day."""
    m = _TIME.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise EntryError(_('"{text}" is not a time of day; write HH:MM, e.g. 14:30').format(text=text))
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _utf8(text: str, what: str) -> None:
    """Text a client file can keep: valid UTF-8, and no NUL or other control character
    (tabs and line breaks aside), which no editor shows and no line of the file means."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EntryError(_("{what} is not valid UTF-8 text; check your terminal's encoding")
                         .format(what=_(what))) from None
    bad = _CONTROL.search(text)
    if bad:
        what_char = (_("a NUL byte") if bad.group() == "\0"
                     else _("a control character (U+{code})").format(code=f"{ord(bad.group()):04X}"))
        raise EntryError(_("{what} holds {char}, which a client file cannot keep; remove it and try again "
                           "(nothing was written)").format(what=_(what), char=what_char))


# C0 controls and DEL, except tab and what splitlines() reads as a line break
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry about to be appended: normalised, with the lines it is written as."""

    date: date
    channel: str
    text: str  # lines joined by "\n", each stripped, no blank lines
    time: str | None = None
    with_: tuple[str, ...] = ()

    @property
    def attrs(self) -> dict[str, Any]:
        return {"with": list(self.with_)} if self.with_ else {}

    def lines(self) -> list[str]:
        first, *rest = self.text.split("\n")
        when = f"{self.date.isoformat()} {self.time}" if self.time else self.date.isoformat()
        out = [f"- {when} {self.channel} {first}"]
        out += [f"  {line}" for line in rest]
        if self.with_:
            out.append(f"  with: {_flow_list(self.with_)}")
        return out

    def matches(self, entry: Entry) -> bool:
        return _entry_key(entry) == (self.date, self.channel, self.text, self.time, self.attrs)


def _entry_key(e: Entry) -> tuple:
    return (e.date, e.channel, e.text, e.time, dict(e.attrs))


def _followup_key(f: FollowUp) -> tuple:
    return (f.done, f.date, f.text)


def _flow_list(names: Sequence[str]) -> str:
    """A YAML flow list that reads back as exactly ``names`` (quoted where YAML needs it)."""
    plain = f"[{', '.join(names)}]"
    if all(_PLAIN_NAME.match(n) for n in names) and _loads_as(plain, names):
        return plain
    import json

    parts = [n if _PLAIN_NAME.match(n) and _loads_as(f"[{n}]", [n]) else json.dumps(n, ensure_ascii=False)
             for n in names]
    return f"[{', '.join(parts)}]"


def _loads_as(flow: str, names: Sequence[str]) -> bool:
    from rmnotes.parse import yamltree

    loaded = yamltree.load(f"with: {flow}")
    return not loaded.problems and loaded.value == {"with": list(names)}


def make_entry(text: str, channel: str, today: date, day: date | None = None,
               time: str | None = None, with_: Sequence[str] = (), future: bool = False) -> NewEntry:
    """A checked entry. ``text`` may span lines: they become continuation lines.

    ``channel`` is a letter as :func:`channel_letter` gives it: the command line checks
    it once, where a wrong one is a usage error (and :func:`apply_entry` refuses any entry
    that would not read back)."""
    day = day or today
    if day > today and not future:
        raise EntryError(_("{day} is in the future (today is {today}); use --future to log a planned "
                           "contact").format(day=day, today=today))
    _utf8(text, N_("the text"))
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise EntryError(_("the text is empty; say what happened, e.g. rmn log wang T 基金到期續作"))
    for n, line in enumerate(lines[1:], 2):
        if _ATTR.match(line):
            raise EntryError(
                _('text line {n} "{line}" would be read as an attribute (an indented key: value); '
                  "reword it, e.g. start it with a capital letter or put it on the first line").format(n=n, line=line)
            )
    names = []
    for name in with_:
        _utf8(name, N_("--with"))
        name = name.strip()
        if not name or len(name.splitlines()) != 1:
            raise EntryError(_("--with needs one name on one line, not {name}").format(name=repr(name)))
        names.append(name)
    new = NewEntry(day, channel, "\n".join(lines), parse_time(time) if time else None, tuple(names))
    if new.with_ and not _loads_as(_flow_list(new.with_), new.with_):
        raise EntryError(_("--with names cannot be written as a list: {names}").format(names=", ".join(new.with_)))
    return new


@dataclass(frozen=True, slots=True)
class NextStep:
    """A promise for ``## Follow-ups``: ``- [ ] DATE TEXT``."""

    date: date
    text: str

    def line(self) -> str:
        return f"- [ ] {self.date.isoformat()} {self.text}"


def parse_next(text: str, today: date) -> NextStep:
    """``"2026-12-01 寄送保險提案"``, ``"12/20 寄資料"``, ``"下週一 回電"`` -> NextStep; raises with
    an example otherwise. The date is read as people write it
    (:func:`rmnotes.parse.dates.read_date`), counting from ``today`` (the entry's day) and
    looking ahead: ``12/20`` after December 20 is next year's. A date written against the
    text (``明天寄資料``) is read too."""
    from rmnotes.i18n import month_day_example, region
    from rmnotes.parse.dates import DateInputError, read_date

    _utf8(text, N_("--next"))
    example = _('write --next "YYYY-MM-DD TEXT", e.g. --next "{date} 寄送保險提案" or --next "{day} 寄資料"').format(
        date=(today + timedelta(days=7)).isoformat(), day=month_day_example(region()))  # a day ahead: one --next takes
    m = _NEXT.match(text.strip())
    if not m:
        raise EntryError(_('--next: "{text}" is not a date; {example}').format(text=text, example=example))
    word, rest = m.group(1), (m.group(2) or "").strip()
    try:
        when = read_date(word, today=today, ahead=True)
    except DateInputError as exc:
        # a date written against the text: the longest head of the word that is a date
        for end in range(len(word) - 1, 1, -1):
            if not _text_starts(word[end]):
                continue
            try:
                when = read_date(word[:end], today=today, ahead=True)
            except DateInputError:
                continue
            rest = (word[end:] + " " + rest).strip()
            break
        else:
            raise EntryError(_("--next: {problem}; {example}").format(problem=exc, example=example)) from None
    if not rest:
        raise EntryError(_("--next: say what is promised after the date; {example}").format(example=example))
    if len(rest.splitlines()) != 1:
        raise EntryError(_("--next: the follow-up must be one line of text"))
    if when < today:  # 昨天 寄資料: a promise made already overdue is a slip
        raise EntryError(_("--next: {when} is before the contact ({day}); a follow-up is a promise from then on").format(
            when=when, day=today))
    return NextStep(when, rest)


def _text_starts(char: str) -> bool:
    """Whether the text after a date may start with ``char``: not a digit, separator or
    Latin letter, which would belong to the date (``01/02/2026`` is not ``01/02/20`` + ``26``)."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", char)
    return not (folded.isdigit() or folded in "-/." or folded.isascii())


# ---------------------------------------------------------------------- file edits
def _parse(data: bytes, rel: str) -> Client:
    from rmnotes.parse import parse_client

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(_("{file}: byte {at} is not UTF-8; save the file as UTF-8; nothing was written")
                        .format(file=rel, at=exc.start)) from None
    parsed = parse_client(text, rel)
    if parsed.client is None:
        first = parsed.errors[0] if parsed.errors else rel
        raise DataError(_("{problem}; fix the file first (rmn check lists every problem); nothing was "
                          "written").format(problem=first))
    return parsed.client


def _unreadable(rel: str, what: str) -> DataError:
    return DataError(_("{file}: {what} would not read back as written; nothing was written (please report "
                       "this with the file's Log section)").format(file=rel, what=_(what)))


@dataclass(frozen=True, slots=True)
class Logged:
    """The file's new bytes and what they say."""

    data: bytes
    client: Client
    entry: Entry
    followup: FollowUp | None = None


def apply_entry(data: bytes | None, rel: str, entry: NewEntry, next_step: NextStep | None = None) -> Logged:
    """Append ``entry`` (and add ``next_step``) to a client file's bytes, checked both ways."""
    if data is None:
        raise DataError(_("{file}: the file is gone; nothing was written").format(file=rel))
    from rmnotes import textedit

    before = _parse(data, rel)
    if before.birthday is not None and entry.date < before.birthday:
        # a slip of the date's form (30/11/26 in Taiwan is 民國30年: 1941), never a contact
        from rmnotes.i18n import date_order, region
        from rmnotes.parse.dates import EXAMPLE as EXAMPLE_DAY, ROC_OFFSET

        if date_order(region()) == "roc" and entry.date.year > ROC_OFFSET:  # say how it may have been read
            raise EntryError(_("{day} is before {name} was born ({birthday}); a year of one to three digits is "
                               "read as a ROC (民國) year, so {roc}/{month}/{dd} is {day}; write the date as "
                               "YYYY-MM-DD, e.g. --date {example}").format(
                day=entry.date, name=before.name, birthday=before.birthday, roc=entry.date.year - ROC_OFFSET,
                month=f"{entry.date.month:02d}", dd=f"{entry.date.day:02d}", example=EXAMPLE_DAY))
        raise EntryError(_("{day} is before {name} was born ({birthday}); write the date as YYYY-MM-DD, "
                           "e.g. --date {example}").format(day=entry.date, name=before.name,
                                                            birthday=before.birthday, example=EXAMPLE_DAY))
    new = data
    if next_step is not None:
        new = textedit.add_followup(new, next_step.line())
    new = textedit.append_log(new, entry.lines())
    try:
        after = _parse(new, rel)
    except DataError:
        raise _unreadable(rel, N_("the file")) from None
    if (len(after.entries) != len(before.entries) + 1
            or [_entry_key(e) for e in after.entries[:-1]] != [_entry_key(e) for e in before.entries]
            or not entry.matches(after.entries[-1])):
        raise _unreadable(rel, N_("the new entry"))
    followup = None
    expected = [_followup_key(f) for f in before.followups]
    if next_step is not None:
        expected.append((False, next_step.date, next_step.text))
        followup = after.followups[-1] if after.followups else None
    if [_followup_key(f) for f in after.followups] != expected:
        raise _unreadable(rel, N_("the follow-ups"))
    return Logged(new, after, after.entries[-1], followup)


# ---------------------------------------------------------------------- cadence
@dataclass(frozen=True, slots=True)
class Due:
    """When the client is next due for a contact under the cadence."""

    cadence: Period | None
    last_contact: date | None
    date: date | None  # None: no cadence, closed, or never contacted (due now)
    closed: bool = False


def next_due(client: Client, config: Config) -> Due:
    cadence = config.cadence_for(client.tier, client.cadence)
    last = client.last_contact
    return Due(cadence, last, next_contact(cadence, last, client.status), client.status == "closed")


# ---------------------------------------------------------------------- follow-ups
def followup_label(f: FollowUp) -> str:
    """``3. 2026-12-01 寄送保險提案``: the number ``rmn show`` gives it, its date and text."""
    when = f"{f.date} " if f.date else ""
    return f"{f.number}. {when}{f.text}"


Fold = Callable[[str], str]  # text as compared: Traditional folded to Simplified (names.fold)


def _same_text(fold: Fold | None) -> Callable[[str, FollowUp], bool]:
    """Whether a query is in a follow-up's date or text, case aside (and the script, with
    ``fold``: 学费 finds 學費)."""
    def norm(text: str) -> str:
        return (fold(text) if fold else text).casefold()

    return lambda query, f: norm(query) in norm(f"{f.date or ''} {f.text}")


def match_followups(followups: Sequence[FollowUp], query: str | None, fold: Fold | None = None) -> list[FollowUp]:
    """The follow-ups ``query`` names: a number (up to three digits) as ``rmn show``
    numbers them, and nothing else (``6`` is never the ``6`` of a date); a date as people
    type it (``12/20``, ``明天``), the open ones of that day; else the open ones whose date
    or text contains it (case-insensitive); no query: every open one."""
    open_ = [f for f in followups if not f.done]
    q = (query or "").strip()
    if not q:
        return open_
    if _is_number(q):
        return [f for f in followups if f.number == int(q)]
    days = _days_named(q)
    on_day = [f for f in open_ if f.date in days]
    if on_day:  # 12/20, 明天, 115/12/20: the follow-ups of that day, as --next wrote them
        return on_day
    contains = _same_text(fold)
    return [f for f in open_ if contains(q, f)]


def _days_named(query: str) -> set[date]:
    """The days ``query`` names when it is a date as people type it (a month and day alone:
    this year's or the coming one); none when it is not a date."""
    from rmnotes.parse.dates import DateInputError, read_date

    today = date.today()
    try:
        return {read_date(query, today=today), read_date(query, today=today, ahead=True)}
    except DateInputError:
        return set()


def _is_number(query: str) -> bool:
    return query.isascii() and query.isdigit() and len(query) <= 3


def pick_followup(client: Client, query: str | None, fold: Fold | None = None) -> FollowUp:
    """The one open follow-up ``query`` names; raises listing the candidates otherwise."""
    who = f"{client.name} ({client.id})"
    found = match_followups(client.followups, query, fold)
    open_ = [f for f in client.followups if not f.done]
    shown = _("; ").join(followup_label(f) for f in open_) or _("none")
    q = (query or "").strip()
    if len(found) == 1:
        if found[0].done:
            raise FollowUpError(_("{who}: follow-up {label} is already done").format(
                who=who, label=followup_label(found[0])))
        return found[0]
    if not found:
        if not open_:
            raise FollowUpError(_("{who} has no open follow-ups").format(who=who))
        if _is_number(q):
            raise FollowUpError(_("{who} has no follow-up number {n}; open ones: {open}").format(
                who=who, n=q, open=shown))
        done = [f for f in client.followups if f.done and _same_text(fold)(q, f)]
        if done:
            raise FollowUpError(_("{who}: {label} is already done; open ones: {open}").format(
                who=who, label=followup_label(done[0]), open=shown))
        raise FollowUpError(_("{who}: no open follow-up matches '{query}'; open ones: {open}").format(
            who=who, query=q, open=shown))
    listed = _("; ").join(followup_label(f) for f in found)
    if q:
        text = _("{who} '{query}' matches {n} open follow-ups: {listed}; give its number")
    else:
        text = _("{who} has {n} open follow-ups: {listed}; give its number")
    raise FollowUpError(text.format(who=who, query=q, n=len(found), listed=listed))


@dataclass(frozen=True, slots=True)
class Ticked:
    data: bytes
    client: Client
    followup: FollowUp  # as it was before ticking


def tick_followup(data: bytes | None, rel: str, query: str | None, fold: Fold | None = None) -> Ticked:
    """Tick the follow-up ``query`` names in a client file's bytes, checked both ways."""
    if data is None:
        raise DataError(_("{file}: the file is gone; nothing was written").format(file=rel))
    from rmnotes import textedit

    before = _parse(data, rel)
    chosen = pick_followup(before, query, fold)
    new = textedit.tick(data, chosen.line)
    after = _parse(new, rel)
    expected = [(True, f.date, f.text) if f.number == chosen.number else _followup_key(f)
                for f in before.followups]
    if ([_followup_key(f) for f in after.followups] != expected
            or [_entry_key(e) for e in after.entries] != [_entry_key(e) for e in before.entries]):
        raise _unreadable(rel, N_("the ticked follow-up"))
    return Ticked(new, after, chosen)


# ---------------------------------------------------------------------- commit messages
def _short(text: str, width: int = SUMMARY_WIDTH) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= width and "\n" not in text else first[: width - 1].rstrip() + "…"


def log_message(client: Client, entry: NewEntry, next_step: NextStep | None = None) -> str:
    """``log: 陳美玲 (chen-mei-ling) T 基金到期續作…`` and the written lines as the body."""
    subject = f"log: {client.name} ({client.id}) {entry.channel} {_short(entry.text)}"
    body = list(entry.lines())
    if next_step is not None:
        body.append(next_step.line())
    return subject + "\n\n" + "\n".join(body) + "\n"


def done_message(client: Client, followup: FollowUp) -> str:
    when = f"{followup.date} " if followup.date else ""
    return f"done: {client.name} ({client.id}) {when}{_short(followup.text)}"
