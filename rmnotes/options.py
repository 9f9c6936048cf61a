"""Options and parameter types shared by the commands, defined once."""

from __future__ import annotations

import functools
import re
from datetime import date

import click

from rmnotes.app import App
from rmnotes.errors import RmnotesError
from rmnotes.i18n import _, tr

# a client id as file stems are made (rmnotes.names.slug), short enough to be a file name
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,251}$")


class ClientType(click.ParamType):
    """CLIENT: id, name, alias, pinyin or Wade-Giles, Traditional or Simplified, a family
    member's name or a name that reads like a client's (each said on stderr), or an
    unambiguous prefix; converts to the client id.

    An id whose file exists is taken as it is, without the index: a write never waits for
    an index refresh, and a file too broken to index is still found, so the command can
    show its parse error (and ``rmn edit`` can open it). Anything else is resolved through
    the index (:func:`rmnotes.domain.resolve.resolve`), which lists the candidates when
    the text names no client or several.
    """

    name = "client"

    def convert(self, value, param, ctx):
        app = ctx.find_object(App) if ctx else None
        if app is None:  # pragma: no cover - every command runs under the root group
            return value
        key = value.strip()
        if _ID.match(key) and app.vault.client_path(key).is_file():
            return key
        from rmnotes.domain.resolve import find_client, relative_line, sounds_like_line
        from rmnotes.errors import ClientNotFound

        try:
            found = find_client(app.index, value)
        except ClientNotFound:
            app.warn_skipped()  # a file the index could not read may be the one meant
            raise
        if found.via is not None:  # 林淑芬 is 王偉's spouse: the client's file it is
            click.echo(relative_line(found.via), err=True)
        if found.sounds_like is not None:  # 陳美鈴 reads like 陳美玲: a typing slip, or someone new
            click.echo(sounds_like_line(app.index, found.sounds_like, found.client_id), err=True)
            app.sounds_like = (found.sounds_like, found.client_id)  # read, but never written (App._writing)
        return found.client_id


class DateType(click.ParamType):
    """DATE: a date as people write it (:func:`rmnotes.parse.dates.read_date`): ``2026-11-30``,
    ``2026/11/30``, ``115/11/30``, ``民國115年11月30日``, ``11/30``, ``明天``, ``下週一``. The
    forms without a year or counting days count from today; ``ahead``: a month and day that
    has passed this year is next year's."""

    name = "date"

    def __init__(self, ahead: bool = False):
        self.ahead = ahead

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if len(text) == 10 and text[4] == text[7] == "-":  # YYYY-MM-DD, without importing the reader
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass  # the reader says how it was read
        from rmnotes.parse.dates import DateInputError, read_date

        try:
            return read_date(str(value), today=App.today(), ahead=self.ahead)
        except DateInputError as exc:
            self.fail(str(exc), param, ctx)


class TimeType(click.ParamType):
    """HH:MM: a time of day (``9:05`` is 09:05)."""

    name = "time"

    def convert(self, value, param, ctx):
        from rmnotes.domain.logbook import EntryError, parse_time

        try:
            return parse_time(str(value))
        except EntryError as exc:
            self.fail(str(exc), param, ctx)


TIME = TimeType()


class ChannelType(click.ParamType):
    """CH: one channel letter, any case; converts to the upper-case letter."""

    name = "channel"

    def convert(self, value, param, ctx):
        from rmnotes.domain.logbook import channel_letter
        from rmnotes.words import CHANNEL_WORDS

        letter = channel_letter(value)
        if letter is None:
            listed = _("; ").join(f"{k} {_(v)}" for k, v in CHANNEL_WORDS.items())
            self.fail(_("unknown channel '{value}'; CH is one of: {listed}").format(value=value, listed=listed),
                      param, ctx)
        return letter


CLIENT = ClientType()
CHANNEL = ChannelType()
DATE = DateType()

pass_app = click.make_pass_decorator(App)


def client_argument(required: bool = True):
    return click.argument("client", type=CLIENT, required=required)


def _json_unless_unmasked(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """--json under --redact would print everything --redact hides: refused, unless
    --redact-json masks the JSON too."""
    app = ctx.find_object(App)
    if value and app is not None and app.redact and not app.redact_json:
        from rmnotes.i18n import _

        raise click.UsageError(_("--json prints phone numbers and amounts unmasked, and --redact "
                                 "(or RMNOTES_REDACT) is on: add --redact-json to mask them in the "
                                 "JSON too, or leave out --json"), ctx)
    return value


json_option = click.option("--json", "as_json", is_flag=True, callback=_json_unless_unmasked,
                           help=_("Print JSON instead of a table."))
# the dates the help shows, as the vault's region writes them (rmnotes.i18n.date_order)
_DATE_EXAMPLES = {"roc": ("2026-11-30", "2026/11/30", "115/11/30", "民國115年11月30日", "11/30", "昨天"),
                  "day": ("2026-11-30", "30/11/2026", "30/11/26", "30/11", "2026年11月30日", "昨天"),
                  "month": ("2026-11-30", "2026/11/30", "2026年11月30日", "11/30", "昨天")}


def date_examples() -> str:
    """Examples of DATE for a help text, in the order of the vault's region."""
    from rmnotes.i18n import date_order, region

    return _(", ").join(_DATE_EXAMPLES[date_order(region())])


as_of_option = click.option(
    "--as-of", type=DATE, default=None, metavar="DATE",
    help=_("Answer as if today were DATE ({examples}), for reproducible runs.").format(examples=date_examples()),
)
class TierType(click.ParamType):
    """TIER: one of the tiers rmnotes.yaml defines, any case (``a`` is A): a tier it does
    not define would match nobody, and look like a clear agenda."""

    name = "tier"

    def convert(self, value, param, ctx):
        app = ctx.find_object(App) if ctx else None
        try:
            config = app.vault.config if app is not None else None
        except RmnotesError:
            return value  # settings that do not read: the command says so
        if config is None or not config.tiers:
            return value
        found = config.tier_named(str(value))
        if found is None:
            self.fail(_("{tier} is not one of the tiers in rmnotes.yaml ({tiers})").format(
                tier=value, tiers=", ".join(config.tiers)), param, ctx)
        return found


tier_option = click.option("--tier", multiple=True, type=TierType(), metavar="TIER",
                           help=_("Only clients of this tier (repeatable)."))
tag_option = click.option("--tag", multiple=True, help=_("Only clients with this tag (repeatable)."))


class Parsed(click.ParamType):
    """A value read by the parser of that name in :mod:`rmnotes.domain.segments`
    (``parse_range``, ``parse_amount``, ...); its ValueError is a usage error."""

    def __init__(self, name: str, parser: str):
        self.name = name
        self.parser = parser

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        # imported here: at the top it would cost every rmn log ~12 ms (rmn due ~4 ms)
        from rmnotes.domain import segments

        try:
            return getattr(segments, self.parser)(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


status_option = click.option(
    "--status", multiple=True, type=Parsed("status", "parse_status"), metavar="STATUS",
    help=_("Only clients of this status: active, prospect, dormant, closed.")
)


# each segment option: its key in ``segment_args``, and its flag as the user types it
SEGMENT_FLAGS = {"tier": "--tier", "tag": "--tag", "status": "--status", "risk": "--risk", "holds": "--holds",
                 "has_children": "--has-children", "no_contact": "--no-contact-since", "aum": "--aum"}
SEGMENT_KEYS = tuple(SEGMENT_FLAGS)


def segment_options(func):
    """``--tier --tag --status --risk --holds --has-children --no-contact-since --aum``,
    handed to the command as one ``segment_args`` dict (for :func:`make_segment`)."""
    options = [
        tier_option, tag_option, status_option,
        click.option("--risk", type=Parsed("range", "parse_range"), metavar="RANGE",
                     help=_("Risk profile (1-5) in this range: 3..5, 4, ..2.")),
        click.option("--holds", multiple=True, type=Parsed("type", "parse_asset_type"), metavar="TYPE",
                     help=_("Holds an asset of this type: fund, stock, bond, deposit, ... "
                            "(repeatable: all of them).")),
        click.option("--has-children", is_flag=True, help=_("Has a child listed under family.")),
        click.option("--no-contact-since", "no_contact", metavar="PERIOD|DATE",
                     help=_("No contact (T/E/M/S) within this period (90d, 6w, 3m) or since this date.")),
        click.option("--aum", type=Parsed("condition", "parse_condition"), metavar="COND",
                     help=_("Assets at this bank, base currency: '>=1000000', '<500k', '1m..5m', '>=300萬'.")),
    ]
    for option in reversed(options):
        func = option(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        kwargs["segment_args"] = {k: kwargs.pop(k) for k in SEGMENT_KEYS}
        return func(*args, **kwargs)

    return wrapper


def make_segment(args: dict, today: date, default_statuses: tuple[str, ...] = ()):
    """The domain Segment from :func:`segment_options`; ``default_statuses`` apply when
    --status is not given. --no-contact-since counts back from ``today`` (the command's
    --as-of, if it has one)."""
    from rmnotes.domain.segments import Segment, parse_since

    since = None
    if args["no_contact"]:
        try:
            since = parse_since(args["no_contact"], today)
        except ValueError as exc:
            raise click.BadParameter(str(exc), click.get_current_context(),
                                     param_hint="'--no-contact-since'") from None
    return Segment(
        tiers=tuple(args["tier"]), tags=tuple(args["tag"]),
        statuses=tuple(args["status"]) or default_statuses,
        risk=args["risk"], holds=tuple(args["holds"]),
        has_children=args["has_children"],
        no_contact_since=since,
        aum=args["aum"],
    )


def no_match(segment_args: dict, default_statuses: tuple[str, ...] = ()) -> str:
    """What an empty selection says instead of an empty table: the filters that matched
    nothing (and the statuses a command leaves out unless --status asks for them)."""
    filters = " ".join(_flag_texts(segment_args))
    left_out = not segment_args["status"] and default_statuses
    if filters:
        text = (_("no clients match {filters} (closed clients are left out unless --status asks for them)")
                if left_out else _("no clients match {filters}"))
        return text.format(filters=filters)
    if left_out:
        return _("no clients (closed clients are left out unless --status asks for them)")
    return _("no clients yet: add one with 'rmn new NAME'")


def _flag_texts(segment_args: dict):
    import shlex

    for key, flag in SEGMENT_FLAGS.items():
        value = segment_args[key]
        if value is True:
            yield flag
        elif value not in (None, False, ()):
            for v in value if isinstance(value, tuple) else (value,):
                yield f"{flag} {shlex.quote(_option_text(v))}"


def _option_text(value) -> str:
    from rmnotes.domain.segments import Condition

    if isinstance(value, Condition):  # as parsed: 1m is 1000000
        def amount(d) -> str:
            return format(d.normalize(), "f")
        return f"{amount(value.amount)}..{amount(value.high)}" if value.op == ".." else \
            f"{value.op}{amount(value.amount)}"
    return str(value)


def select_clients(app: App, segment, contacts: bool = False):
    """The index's clients in ``segment``; warnings for clients left out go to stderr.
    ``contacts``: the caller reads no more of a client than a ContactRow holds."""
    from rmnotes.domain.segments import select_from_index

    app.warn_skipped()
    chosen = select_from_index(app.index, app.vault.config, segment, contacts=contacts)
    for warning in chosen.warnings:
        click.echo(tr(warning), err=True)
    return list(chosen.clients)
