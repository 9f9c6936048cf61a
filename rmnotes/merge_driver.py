"""git's merge driver for client files: ``python -m rmnotes merge-file %O %A %B %P``.

git runs it once for every client file both sides changed, so a sync that brings in a
day's work on another device may run it dozens of times. ``rmnotes/__main__.py`` hands
git's exact form (three or four arguments, none an option) straight to :func:`main`,
before click and the vault's settings are loaded: a driver run costs the merge and its
imports, about 100 ms less than a full command. ``rmn merge-file`` typed by a person (with
``--help``, say) is the command line's :mod:`rmnotes.commands.merge_file`, which calls the
same :func:`merge_into`.

It reads no settings and opens no index; the language is looked up only to say an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rmnotes.errors import RmnotesError
from rmnotes.i18n import N_, Msg


def merge_into(base: Path, ours: Path, theirs: Path) -> tuple:
    """Merge the three versions of a client file into ``ours`` (written only when the
    merge changed it, atomically) and return the conflicts (see
    :func:`rmnotes.domain.merge.merge_client`). A file that cannot be read or written
    raises RmnotesError, its message a :class:`~rmnotes.i18n.Msg`."""
    from rmnotes.domain.merge import merge_client
    from rmnotes.vault import atomic_write

    versions = [_read(p) for p in (base, ours, theirs)]
    merged = merge_client(*versions, merge_text=_merge_text)
    if merged.data != versions[1]:
        try:
            atomic_write(ours, merged.data)
        except OSError as exc:
            raise RmnotesError(Msg(N_("{path}: cannot write the merged file ({why})"),
                                   path=str(ours), why=exc.strerror or str(exc))) from None
    return merged.conflicts


def conflict_lines(name: str, conflicts) -> list[str]:
    """What the driver says of each conflict on stderr: ``PATH:LINE: KEY: ours ... theirs ...``."""
    return [f"{name}:{conflict}" for conflict in conflicts]


def main(args: list[str]) -> int:
    """Run as git runs the driver: ``BASE OURS THEIRS [PATH]``. Exit 1 at a conflict (OURS
    then holds the markers) or an error, as git expects of a merge driver."""
    base, ours, theirs = (Path(a) for a in args[:3])
    name = args[3] if len(args) > 3 else str(ours)
    try:
        conflicts = merge_into(base, ours, theirs)
    except RmnotesError as exc:
        from rmnotes import i18n

        i18n.use(_vault_language())
        print(i18n._("rmn: error: {message}").format(message=i18n.error_text(exc)), file=sys.stderr)
        return exc.exit_code
    for line in conflict_lines(name, conflicts):
        print(line, file=sys.stderr)
    return 1 if conflicts else 0


def _vault_language() -> str | None:
    """The language of the vault git runs the driver in (its work tree), as far as its
    settings can be read."""
    from rmnotes.vault import Vault, find_root

    try:
        return Vault(find_root(None)).settings[0].language
    except (RmnotesError, OSError):
        return None


def _merge_text(base: bytes, ours: bytes, theirs: bytes, favor: str | None = None) -> tuple[bytes, bool]:
    """git's text merge, for the notes; the git module is loaded only when both sides
    changed them (most merges need no git process)."""
    from rmnotes import gitops

    return gitops.merge_text(base, ours, theirs, favor=favor)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RmnotesError(Msg(N_("{path}: cannot read it ({why})"), path=str(path),
                               why=exc.strerror or str(exc))) from None
