"""rmn set: one front-matter value of a client, without opening the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rmnotes.app import App
from rmnotes.i18n import _
from rmnotes.options import client_argument, pass_app

if TYPE_CHECKING:
    from rmnotes.fmedit import KeyPath
    from rmnotes.model import Client


@click.command(name="set", help=_(
    "Set KEY of CLIENT's front-matter to VALUE (or remove it with --unset), and commit.\n\n"
    "KEY is a dotted path: profile.mobile, tier, risk.profile, risk.assessed, "
    "assets.台幣定存.value, policies.終身壽險.next_premium, family.0.school. VALUE is typed "
    "by the client file's schema: dates as YYYY-MM-DD, amounts as numbers (3,200,000 is "
    "3200000), phone numbers as text, lists as 'a, b'. Only that value's characters (or the "
    "key's lines) change; comments, order and every other line stay. A value 'rmn check' "
    "would call an error is refused and nothing is written, and so is a KEY that nearly "
    "spells a known one (profile.birthdy for profile.birthday): a key of your own is written as it is."))
@client_argument()
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="[VALUE]", required=False)
@click.option("--unset", is_flag=True, help=_("Remove KEY and its lines instead of setting it."))
@pass_app
def client_set(app: App, client: str, key: str, value: str | None, unset: bool) -> None:
    from rmnotes import fmedit
    from rmnotes.domain import quickedit
    from rmnotes.domain.check import client_context

    if unset == (value is not None):
        raise click.UsageError(_("give either KEY VALUE, or --unset KEY"))
    current = app.load(client)
    path = quickedit.key_path(key, current)
    shown = key.strip()
    if unset:
        change: fmedit.Change = fmedit.Unset(path)
    else:
        found, now = fmedit.lookup(current.meta, path)
        if not found:
            _refuse_a_probable_typo(current, key, path)
        change = fmedit.Set(path, quickedit.typed_value(path, value, now))
    ctx = client_context(app.vault)
    rel = current.path
    done = app.change_file(rel, lambda data: quickedit.checked_edit(ctx, rel, data, [change]),
                           quickedit.message("set", current, shown))
    for warning in done.value.warnings:
        click.echo(str(warning), err=True)
    who = f"{current.name} ({current.id})"
    if not done.commit.sha and not done.commit.error and unset:
        click.echo(_("{who} has no {key}; nothing to change").format(who=who, key=shown), err=True)
    elif not done.commit.sha and not done.commit.error:
        click.echo(_("{who}: {key} is already so; nothing to change").format(who=who, key=shown), err=True)
    elif unset:
        click.echo(_("unset {key} of {who}").format(key=shown, who=who), err=True)
    else:
        click.echo(_("set {key} of {who} to {value}").format(
            key=shown, who=who, value=fmedit.scalar_text(change.value) if not isinstance(
                change.value, list) else ", ".join(str(v) for v in change.value)), err=True)


def _refuse_a_probable_typo(client: Client, key: str, path: KeyPath) -> None:
    """A new key that nearly spells a known one (``teir``) is refused, naming the known one:
    ``rmn check`` would warn of it, and the value would be written where nothing reads it.
    (A key the file already has is the user's own: it is set.)"""
    from rmnotes.domain.check import near_miss
    from rmnotes.errors import DataError
    from rmnotes.fmedit import Named

    typo = near_miss(path)
    if typo is None:
        return
    place, known = typo
    before = [part.name if isinstance(part, Named) else str(part) for part in path[:place]]
    raise DataError(_("unknown key '{key}': did you mean '{known}'? Nothing was written; a key of your "
                      "own by that name can be written in the file (rmn edit {client})").format(
        key=key.strip(), known=".".join([*before, known]), client=client.id))
