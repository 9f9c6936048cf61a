"""Dates as people write them: ``2026/11/30``, ``115/11/30``, ``民國115年11月30日``, ``11/30``,
``明天``, ``下週一``, in full-width digits or not.

One reader for every date a person types (the date options, ``--next``, imported cells).
Files and JSON keep ISO dates; this is only the way in.

The rules, in order:

- full-width digits and separators (``２０２６／１１／３０``) read as their ASCII forms
  (Unicode NFKC), and spaces around the parts are dropped;
- a four-digit year is a Gregorian year (``2026-11-30``, ``2026/11/30``, ``2026.11.30``,
  ``20261130``, ``2026年11月30日``);
- a year of one to three digits is a year of the Republic of China (民國), year 1 = 1912
  (``115/11/30``, ``064/06/12``, ``64/06/12``, ``1151130``, ``115年11月30日``,
  ``民國115年11月30日``);
- a month and day alone (``11/30``, ``11月30日``) falls in the reference date's year, or in
  the next year when that day has passed and the reader looks ahead (``ahead=True``);
- ``今天`` ``明天`` ``後天`` ``昨天`` ``前天`` (and ``today`` ``tomorrow`` ``yesterday``) count from the
  reference date;
- ``下週一`` is next week's Monday, ``本週五`` this week's Friday, ``上週三`` last week's
  Wednesday (weeks start on Monday; 週, 周, 星期, 禮拜 and 礼拜 are all the same word); a bare
  ``週五`` is the nearest Friday on or after the reference date when looking ahead, else on
  or before it;
- a day-month-year with the year last (``30/11/2026``) is read only when a single reading
  is a real date; ``01/02/2026`` could be either order, so it is an error that says both.

Those are Taiwan's ways. The vault's region sets the way (:func:`rmnotes.i18n.use_region`,
once per run, as the interface language is chosen): in Hong Kong, Macau, Singapore and
Malaysia the day comes first (``4/12`` is 4 December, ``30/11/26`` and ``30/11/2026`` are 30 November 2026,
a two-digit year falling within the 89 years before and the 10 after the reference year);
on the mainland and elsewhere the month does (``12/4`` is 4 December). Outside Taiwan a year
of one to three digits is no 民國 year (``115/11/30`` is an error there, ``民國115年`` is not).

Anything else is a :class:`DateInputError` whose message shows how the text was read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from rmnotes.i18n import _, date_order, region

ROC_OFFSET = 1911  # 民國 year 1 is 1912

EXAMPLE = "2026-11-30"


@dataclass(frozen=True, slots=True)
class Convention:
    """How people of a region write the dates they type."""

    roc: bool  # a year of one to three digits is a year of the Republic of China (Taiwan)
    day_first: bool  # 4/12 is 4 December; 30/11/26 is 30 November 2026


TAIWAN = Convention(roc=True, day_first=False)
DAY_FIRST = Convention(roc=False, day_first=True)  # Hong Kong, Macau, Singapore, Malaysia
MONTH_FIRST = Convention(roc=False, day_first=False)  # the mainland, and elsewhere
_BY_ORDER = {"roc": TAIWAN, "day": DAY_FIRST, "month": MONTH_FIRST}


def convention_for(region: str | None) -> Convention:
    """The way the vault's ``region`` writes dates (:func:`rmnotes.i18n.date_order`; none
    given: Taiwan's, the default region)."""
    return _BY_ORDER[date_order(region)]


def convention() -> Convention:
    """The way dates are read in this run: the vault's region's (:func:`rmnotes.i18n.use_region`)."""
    return convention_for(region())


class DateInputError(ValueError):
    """A typed date that is not a date, or could be more than one; the message says how it
    was read and how to write it."""


_SEP = r"[-/.]"
_ISO_LIKE = re.compile(rf"^(\d{{1,4}})({_SEP})(\d{{1,2}})\2(\d{{1,2}})$")
_YEAR_LAST = re.compile(rf"^(\d{{1,2}})({_SEP})(\d{{1,2}})\2(\d{{4}})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{3,4})(\d\d)(\d\d)$")
_CJK = re.compile(r"^(?:(民國|民国|西元|公元)?(\d{1,4})年)?(\d{1,2})月(\d{1,2})(?:日|號|号)?$")

_RELATIVE = {
    "今天": 0, "今日": 0, "today": 0,
    "明天": 1, "明日": 1, "tomorrow": 1,
    "後天": 2, "后天": 2,
    "昨天": -1, "昨日": -1, "yesterday": -1,
    "前天": -2,
}
_WEEK_WORD = r"(?:週|周|星期|禮拜|礼拜)"
_WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                  "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_WEEKDAY = re.compile(rf"^(下下|下|本|這|这|今|上)?(?:個|个)?{_WEEK_WORD}([一二三四五六日天1-7])$")
_WEEK_SHIFT = {None: None, "下下": 2, "下": 1, "本": 0, "這": 0, "这": 0, "今": 0, "上": -1}


def normalise(text: str) -> str:
    """Full-width forms to ASCII, all spaces dropped: ``" ２０２６／１１／３０ "`` -> ``2026/11/30``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def read_date(text: str, *, today: date | None = None, ahead: bool = False,
              way: Convention | None = None, whole_year: bool = False) -> date:
    """The date ``text`` names. ``today`` is the reference date for the forms that need one
    (``11/30``, ``明天``, ``下週一``); without it they are an error. ``ahead``: a month and day
    that has already passed this year means next year's, and a bare weekday the coming one.
    ``way``: how the region writes dates (default: this run's, :func:`convention`).
    ``whole_year``: a two-digit year of a day-first date is refused, not guessed (an
    imported cell: ``30/06/45`` may be a birthday in 1945 or a maturity in 2045).
    """
    way = way or convention()
    raw = text
    s = normalise(text)
    if not s:
        raise DateInputError(_("no date given; write YYYY-MM-DD (e.g. {example})").format(example=EXAMPLE))

    m = _ISO_LIKE.match(s)
    if m:
        year_text, month, day = m.group(1), int(m.group(3)), int(m.group(4))
        if len(year_text) < 4 and not way.roc:
            if way.day_first and len(year_text) <= 2 and len(m.group(4)) == 2:  # 30/11/26: DD/MM/YY
                return _short_year(raw, int(year_text), month, m.group(4), today, whole_year)
            raise _four_digits(raw, way)
        return _absolute(raw, _year(year_text), month, day, roc=len(year_text) < 4)

    m = _COMPACT.match(s)
    if m:
        year_text = m.group(1)
        if len(year_text) < 4 and not way.roc:
            raise _four_digits(raw, way)
        return _absolute(raw, _year(year_text), int(m.group(2)), int(m.group(3)),
                         roc=len(year_text) < 4)

    m = _CJK.match(s)
    if m:
        era, year_text, month, day = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
        if year_text is None:
            return _month_day(raw, month, day, today, ahead, way)
        if era is None and len(year_text) < 4 and not way.roc:
            raise _four_digits(raw, way)
        roc = era in ("民國", "民国") or (era is None and len(year_text) < 4)
        if era in ("民國", "民国") and len(year_text) == 4:
            raise DateInputError(
                _("'{text}' was read as ROC (民國) year {year}, which is not a year of the "
                  "Republic of China; write {year}年{month}月{day}日 without 民國, or the ROC year")
                .format(text=raw.strip(), year=year_text, month=month, day=day))
        if era in ("西元", "公元") and len(year_text) < 4:
            raise DateInputError(
                _("'{text}' was read as the Gregorian year {year}; write all four digits of "
                  "the year (e.g. {example})").format(text=raw.strip(), year=year_text,
                                                      example=EXAMPLE))
        year = int(year_text) + ROC_OFFSET if roc else int(year_text)
        return _absolute(raw, year, month, day, roc=roc)

    m = _MONTH_DAY.match(s)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        if way.day_first:
            return _month_day(raw, second, first, today, ahead, way)
        return _month_day(raw, first, second, today, ahead, way)

    m = _YEAR_LAST.match(s)
    if m:
        if way.day_first:
            return _absolute(raw, int(m.group(4)), int(m.group(3)), int(m.group(1)), roc=False)
        return _year_last(raw, int(m.group(1)), int(m.group(3)), int(m.group(4)))

    lowered = s.lower()
    if lowered in _RELATIVE:
        return _need(raw, today) + timedelta(days=_RELATIVE[lowered])

    m = _WEEKDAY.match(s)
    if m:
        return _weekday(raw, _WEEK_SHIFT[m.group(1)], _WEEKDAY_NAMES[m.group(2)], today, ahead)

    raise DateInputError(_("'{text}' is not a date; {forms}").format(text=raw.strip(), forms=forms(way)))


def forms(way: Convention | None = None) -> str:
    """The forms a date may take in ``way`` (default: this run's), as the errors list them."""
    way = way or convention()
    if way.roc:
        return _("write YYYY-MM-DD (e.g. {example}), YYYY/MM/DD, a ROC date (115/11/30, 民國115年11月30日), MM/DD, "
                 "今天, 明天 or 下週一").format(example=EXAMPLE)
    if way.day_first:
        return _("write YYYY-MM-DD (e.g. {example}), DD/MM/YYYY (30/11/2026), DD/MM/YY, DD/MM (30/11), "
                 "2026年11月30日, 今天, 明天 or 下週一").format(example=EXAMPLE)
    return _("write YYYY-MM-DD (e.g. {example}), YYYY/MM/DD, 2026年11月30日, MM/DD (11/30), 今天, 明天 or "
             "下周一").format(example=EXAMPLE)


def _four_digits(raw: str, way: Convention) -> DateInputError:
    """A year of one to three digits where no 民國 years are written."""
    return DateInputError(_("'{text}': write the year with all four digits; {forms}").format(
        text=raw.strip(), forms=forms(way)))


def _short_year(raw: str, day: int, month: int, yy: str, today: date | None, whole_year: bool) -> date:
    """A day-first date with a two-digit year (``30/11/26``): the year within 89 years back
    and 10 ahead, or with ``whole_year`` (an imported cell) an error naming both centuries."""
    if not whole_year:
        return _absolute(raw, _two_digit_year(int(yy), today), month, day, roc=False)
    if _try(2000, month, day) is None:  # a date in no century (2000 was a leap year)
        why = (_("there is no month {month}").format(month=month) if not 1 <= month <= 12
               else _("month {month} has no day {day}").format(month=month, day=day))
        raise DateInputError(_("'{text}' is not a date: {why}").format(text=raw.strip(), why=why))
    day_month = normalise(raw)[:-len(yy)]  # 30/06/ of 30/06/45, as written (ASCII digits)
    raise DateInputError(_("'{text}' has a two-digit year, which could be of either century; write all four "
                           "digits: {one} or {other}").format(text=raw.strip(), one=f"{day_month}19{yy}",
                                                               other=f"{day_month}20{yy}"))


def _two_digit_year(yy: int, today: date | None) -> int:
    """``26`` of ``30/11/26``: the year ending so within 89 years before and 10 after the
    reference year (a birthday in 1975 and a maturity in 2031 alike)."""
    ref = (today or date.today()).year
    year = ref - ref % 100 + yy
    if year > ref + 10:
        year -= 100
    elif year <= ref - 90:
        year += 100
    return year


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else int(text) + ROC_OFFSET


def _absolute(raw: str, year: int, month: int, day: int, *, roc: bool) -> date:
    if not roc or year > ROC_OFFSET:  # there is no ROC year 0
        found = _try(year, month, day)
        if found is not None:
            return found
    if roc:
        reading = _("ROC year {roc} (= {year}), month {month}, day {day}").format(
            roc=year - ROC_OFFSET, year=year, month=month, day=day)
    else:
        reading = _("year {year}, month {month}, day {day}").format(year=year, month=month, day=day)
    raise DateInputError(_("'{text}' was read as {reading}: {why}; write YYYY-MM-DD (e.g. {example})")
                         .format(text=raw.strip(), reading=reading, why=_why(year, month, day, roc),
                                 example=EXAMPLE))


def _why(year: int, month: int, day: int, roc: bool = False) -> str:
    if year <= ROC_OFFSET and roc:
        return _("there is no ROC year 0")
    if year < 1:
        return _("there is no year {year}").format(year=year)
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    return _("{year}-{month:02d} has no day {day}").format(year=year, month=month, day=day)


def _need(raw: str, today: date | None) -> date:
    if today is None:
        raise DateInputError(
            _("'{text}' needs a reference date to count from; write the full date, YYYY-MM-DD "
              "(e.g. {example})").format(text=raw.strip(), example=EXAMPLE))
    return today


def _month_day(raw: str, month: int, day: int, today: date | None, ahead: bool,
               way: Convention = TAIWAN) -> date:
    ref = _need(raw, today)
    year = ref.year
    found = _try(year, month, day)
    if found is not None and ahead and found < ref:
        year += 1
        found = _try(year, month, day)
    if found is None:
        if way.day_first:
            reading = _("day {day}, month {month} of {year}").format(month=month, day=day, year=year)
            written = "DD/MM"
        else:
            reading = _("month {month}, day {day} of {year}").format(month=month, day=day, year=year)
            written = "MM/DD"
        raise DateInputError(_("'{text}' was read as {reading}: {why}; write {form} or YYYY-MM-DD "
                               "(e.g. {example})")
                             .format(text=raw.strip(), reading=reading, why=_why(year, month, day),
                                     form=written, example=EXAMPLE))
    return found


def _year_last(raw: str, first: int, second: int, year: int) -> date:
    day_first = _try(year, second, first)
    month_first = _try(year, first, second)
    if day_first and month_first and day_first != month_first:
        raise DateInputError(
            _("'{text}' could be {one} (day/month/year) or {other} (month/day/year); "
              "write YYYY-MM-DD").format(text=raw.strip(), one=day_first.isoformat(),
                                         other=month_first.isoformat()))
    found = day_first or month_first
    if found is None:
        raise DateInputError(
            _("'{text}' was read as day/month/year and as month/day/year, and neither is a "
              "date; write YYYY-MM-DD (e.g. {example})").format(text=raw.strip(), example=EXAMPLE))
    return found


def _weekday(raw: str, weeks: int | None, weekday: int, today: date | None, ahead: bool) -> date:
    ref = _need(raw, today)
    if weeks is None:  # a bare 週五: the nearest one, forward when looking ahead, else back
        if ahead:
            return ref + timedelta(days=(weekday - ref.weekday()) % 7)
        return ref - timedelta(days=(ref.weekday() - weekday) % 7)
    monday = ref - timedelta(days=ref.weekday())
    return monday + timedelta(weeks=weeks, days=weekday)


def _try(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
