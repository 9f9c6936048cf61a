"""Options and parameter types shared by the commands, defined once."""

from __future__ import annotations

import re
from datetime import date

import click

from rmnotes.app import App

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a client id as file stems are made (rmnotes.names.slug)


class ClientType(click.ParamType):
    """CLIENT: id, name, alias, pinyin or an unambiguous prefix; converts to the client id.

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
        from rmnotes.domain.resolve import resolve
        from rmnotes.errors import ClientNotFound

        try:
            return resolve(app.index, value)
        except ClientNotFound:
            app.warn_skipped()  # a file the index could not read may be the one meant
            raise


class DateType(click.ParamType):
    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write YYYY-MM-DD (e.g. 2026-11-28)", param, ctx)


class ChannelType(click.ParamType):
    """CH: one channel letter, any case; converts to the upper-case letter."""

    name = "channel"

    def convert(self, value, param, ctx):
        from rmnotes.domain.logbook import channel_letter
        from rmnotes.model import CHANNELS

        letter = channel_letter(value)
        if letter is None:
            listed = "; ".join(f"{k} {v}" for k, v in CHANNELS.items())
            self.fail(f"unknown channel '{value}'; CH is one of: {listed}", param, ctx)
        return letter


CLIENT = ClientType()
CHANNEL = ChannelType()
DATE = DateType()

pass_app = click.make_pass_decorator(App)


def client_argument(required: bool = True):
    return click.argument("client", type=CLIENT, required=required)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
as_of_option = click.option(
    "--as-of", type=DATE, default=None, metavar="DATE",
    help="Answer as if today were DATE (YYYY-MM-DD), for reproducible runs.",
)
tier_option = click.option("--tier", multiple=True, help="Only clients of this tier (repeatable).")
tag_option = click.option("--tag", multiple=True, help="Only clients with this tag (repeatable).")
status_option = click.option(
    "--status", multiple=True, help="Only clients of this status: active, prospect, dormant, closed."
)
