"""rmn new: a client file from a template, named by the pinyin of the client's name."""

from __future__ import annotations

import sys
import unicodedata
from datetime import date

import click

from rmnotes import names
from rmnotes.app import App
from rmnotes.commands.edit import commit_after_edit
from rmnotes.errors import DataError
from rmnotes.names import unique_id
from rmnotes.i18n import _
from rmnotes.options import pass_app
from rmnotes.parse.yamltree import plain_value as yaml_value
from rmnotes.parse.client import client_id_from_path

TEMPLATE = """\
---
name: {name}
aliases: []
tier: {tier}
status: active
since: {today}
tags: []
profile:
  mobile:
  email:
  birthday:
  occupation:
  employer:
risk:
  profile:
  assessed:
contact:
  prefer: []
family: []
assets: []
policies: []
---

{notes}

## Follow-ups

## Log
"""


@click.command(name="new", help=_("""Add a client named NAME: clients/<pinyin-id>.md from a template, committed; then
edit it in $EDITOR and commit the edit.

The file name is the pinyin of a Chinese name (測試客戶 -> ce-shi-ke-hu.md), with -2,
-3, ... when taken. A client of the same name is refused unless --duplicate: then it
is a second client, in a file of its own. $EDITOR opens unless --no-edit or not at a
terminal; afterwards the file's problems are reported, as after 'rmn edit'."""))
@click.argument("name")
@click.option("--tier", help=_("Contact cadence class (default: the vault's default_tier)."))
@click.option("--no-edit", is_flag=True, help=_("Do not open $EDITOR."))
@click.option("--duplicate", is_flag=True,
              help=_("Add the client even when a client of that name exists (a second file, -2)."))
@pass_app
def client_new(app: App, name: str, tier: str | None, no_edit: bool, duplicate: bool) -> None:
    name = name.strip()
    if not name:
        raise click.UsageError(_("NAME must not be empty"))
    for what, text in (("NAME", name), ("--tier", tier or "")):
        bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise click.UsageError(_("{what} holds a control character (U+{code}); write it without")
                                   .format(what=what, code=f"{ord(bad):04X}"))
    vault = app.vault
    if tier is not None:
        named = vault.config.tier_named(tier)
        if named is None:
            raise click.UsageError(_("--tier {tier} is not one of the tiers in rmnotes.yaml ({tiers})").format(
                tier=tier, tiers=", ".join(vault.config.tiers)))
        tier = named
    tier = tier or vault.config.new_client_tier
    data = TEMPLATE.format(name=yaml_value("name", name), tier=yaml_value("tier", tier) if tier else "",
                           today=date.today().isoformat(),
                           notes=_("What matters to this client, cautions, history.")).encode("utf-8")

    def pick() -> str:
        """Under the vault lock: no other rmn is creating a client meanwhile."""
        if not duplicate:
            same = same_name(app, name)
            if same:
                raise DataError(_("a client named {name} exists: {same}; add --duplicate to make a second "
                                  "client of that name; nothing was written").format(name=name, same=same))
        existing = {p.stem for p in vault.clients_dir.glob("*.md")}
        return vault.rel(vault.client_path(unique_id(existing, name)))

    def message(rel: str) -> str:
        return f"new: {name} ({client_id_from_path(rel)})"

    rel, _commit = app.create_file(pick, data, message)
    client_id = client_id_from_path(rel)
    click.echo(_("created {file}").format(file=rel), err=True)
    if not no_edit and sys.stdin.isatty() and sys.stdout.isatty():
        click.edit(filename=str(vault.root / rel))
        commit_after_edit(app, rel, "edit", client_id, name)


def same_name(app: App, name: str) -> str | None:
    """The clients already named ``name`` as names are compared everywhere
    (:func:`rmnotes.names.name_key`: case, spaces and Traditional or Simplified aside), as
    'name (id)', or None."""
    table = app.index.fold_table()
    key = names.name_key(name, table)
    found = [f"{n} ({cid})" for cid, n in sorted(app.index.names().items()) if names.name_key(n, table) == key]
    return ", ".join(found) or None
