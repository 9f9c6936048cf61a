"""rmn init: create a vault, or adopt a folder that already holds one."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import click

from rmnotes import gitops, i18n
from rmnotes.app import driver_registered_message
from rmnotes.errors import GitError
from rmnotes.vault import CACHE_DIR, CLIENTS_DIR, CONFIG_FILE, DIR_MODE, atomic_write, ensure_private
from rmnotes.i18n import _, ngettext

CONFIG_TEMPLATE = """\
# rmnotes vault settings. See the README for every key.
owner: {owner}
base_currency: {currency}
fx: {fx}   # units of base currency per one unit: set today's
tiers: {{A: 1m, B: 3m, C: 6m}}          # contact cadences: Nd, Nw, Nm, Ny
default_tier: B
region: {region}                        # public holidays for greetings: TW, CN, HK, SG, ...
lookahead_days: 14                      # how far ahead `rmn due` looks
kyc_valid: 1y                           # a risk assessment older than this falls due
# language: {language}                       # zh_TW, zh_HK, zh_CN or en (default: from LANG)
"""

# example rates, in TWD per one unit: the template's fx, for whichever base currency
_TWD_PER = {"TWD": 1.0, "USD": 31.2, "CNY": 4.35, "HKD": 4.0}


def fx_template(base: str) -> str:
    """The template's example rates for ``base``, in units of ``base`` per one unit: the
    other three of TWD, USD, CNY and HKD, as TWD rates converted (a base none of them is:
    none: the owner adds the rates the book needs)."""
    if base not in _TWD_PER:
        return "{}"
    others = [c for c in ("USD", "CNY", "HKD", "TWD") if c != base][:3]
    return "{" + ", ".join(f"{c}: {_TWD_PER[c] / _TWD_PER[base]:.4g}" for c in others) + "}"

GITIGNORE = (f"# rmnotes caches: safe to delete\n{CACHE_DIR}/\n"
             "# a write's temporary file, should one ever be left behind\nclients/.*.tmp\n")
GITATTRIBUTES = ("# keep every byte as written (BOM, CRLF): no line-ending conversion\n* -text\n"
                 "# client files merge by meaning: rmn merge-file\n" + gitops.MERGE_ATTRIBUTE + "\n")


@click.command(name="init", help=_("""Create a vault in DIRECTORY (default: here), or adopt existing files.

Makes the folder a private git repository (owner-only: 0700/0600) with rmnotes.yaml,
clients/, .gitignore and .gitattributes, and commits everything as the first commit.
A folder that already holds rmnotes.yaml and client files is adopted as it is."""))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--owner", help=_("Your name (the vault's git identity and review sheets)."))
@click.option("--currency", default="TWD", show_default=True, help=_("Base currency."))
@click.option("--region", default="TW", show_default=True, help=_("Holidays region: TW, CN, HK, SG, ..."))
def init_vault(directory: Path, owner: str | None, currency: str, region: str) -> None:
    root = directory.expanduser()
    unsafe = gitops.repo_state(root) if gitops.is_repo(root) else None
    if unsafe is not None:  # adopting would commit in the middle of it
        raise GitError(_("{state}; nothing was written").format(state=unsafe))
    old_umask = os.umask(0o077)
    try:
        root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        config = root / CONFIG_FILE
        adopted = config.exists()
        if adopted:
            from rmnotes.vault import Vault

            Vault(root).config  # noqa: B018 - broken settings stop here, before anything is written
        if not adopted:
            name = owner or _default_owner()
            base = currency.upper()
            atomic_write(config, CONFIG_TEMPLATE.format(owner=name, currency=base, fx=fx_template(base),
                                                       region=region.upper(),
                                                       language=i18n.region_language(region)).encode())
        (root / CLIENTS_DIR).mkdir(mode=DIR_MODE, exist_ok=True)
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
            if not (root / name).exists():
                atomic_write(root / name, text.encode())
        attributes = gitops.with_merge_attribute((root / ".gitattributes").read_text(encoding="utf-8"))
        if attributes is not None:  # a vault made before client files merged by meaning
            atomic_write(root / ".gitattributes", attributes.encode())
        ensure_private(root)
        from rmnotes.vault import Vault

        vault = Vault(root)
        gitops.init(root, owner or vault.config.owner)
        registered = gitops.register_merge_driver(root)  # a fresh clone has no driver yet
        paths = gitops.changed_paths(root)
        count = len(vault.stamps())  # the book's client files, committed before or now
        verb = "adopt" if adopted else "create"
        result = gitops.commit(root, paths, f"init: {verb} vault of {vault.config.owner or 'rmnotes'}"
                               f" ({count} client files)")
    finally:
        os.umask(old_umask)
    if not result.ok:
        click.echo(_("warning: vault files written but not committed: {why}").format(why=result.error), err=True)
    if adopted:
        click.echo(ngettext("adopted {n} client file in {folder}", "adopted {n} client files in {folder}", count)
                   .format(n=count, folder=root.resolve()), err=True)
    else:
        click.echo(_("created vault {folder}").format(folder=root.resolve()), err=True)
    if registered and adopted:
        click.echo(driver_registered_message(), err=True)


def _default_owner() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry
        return "rmnotes"
