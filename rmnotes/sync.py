"""``rmn sync``: the vault and its remote brought level through git, under the vault lock.

One sync: commit the hand edits, ``git fetch`` the remote, merge its branch into ours (the
merge driver of ``.gitattributes`` merges client files by meaning; see the README for why
a merge and not a rebase), ``git push``. A real conflict stops the merge where git stops
it: the conflicts are returned, and every writing command refuses until
:func:`resume` (``--continue``, ``--ours``, ``--theirs``) concludes it.

Returns results; never prints (the command does). Runs git only through ``gitops``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from rmnotes import gitops
from rmnotes.domain import sync as plan
from rmnotes.domain.sync import Conflict, Side
from rmnotes.errors import DataError, GitError
from rmnotes.i18n import _, ngettext
from rmnotes.vault import atomic_write

if TYPE_CHECKING:
    from rmnotes.domain.verify import Verified


@dataclass(frozen=True, slots=True)
class Target:
    """Where a sync goes: the remote, our branch and the remote's branch it mirrors."""

    remote: str
    branch: str
    upstream: str
    set_upstream: bool  # our branch has no upstream yet: the first push sets it


@dataclass(frozen=True, slots=True)
class Synced:
    """What a sync did. ``conflicts`` not empty: it stopped at them, with the merge in
    progress; otherwise it completed (``pushed``: the remote got our commits)."""

    target: Target
    came: int = 0  # log entries in
    went: int = 0  # log entries out
    conflicts: tuple[Conflict, ...] = ()
    resolved: int = 0  # conflicted files resolved by this run
    pushed: bool = False
    hand: gitops.CommitResult = field(default_factory=gitops.CommitResult)
    notes: tuple[str, ...] = ()  # what was set up in this clone (its git identity, the merge driver)

    @property
    def stopped(self) -> bool:
        return bool(self.conflicts)


def target(config: Mapping[str, str], branch: str | None, remote: str | None) -> Target:
    """The remote to sync with: ``remote`` if given, else the branch's upstream remote, else
    the one remote there is; read from the repository's settings (:func:`gitops.config_list`).
    No remote at all is an error that says how to add one."""
    if branch is None:  # gitops.unsafe_state refuses first; kept for a direct call
        raise GitError(_("HEAD is detached: go back to a branch before syncing"))
    configured = config.get(f"branch.{branch}.remote")
    merge = config.get(f"branch.{branch}.merge")
    known = sorted(k[len("remote."):-len(".url")] for k in config if k.startswith("remote.") and k.endswith(".url"))
    if remote is None:
        remote = configured if configured in known else None
    if remote is None:
        if not known:
            raise GitError(_("the vault has no remote to sync with: add yours with 'rmn remote add URL' "
                             "(rmnotes never adds one by itself)"))
        if len(known) > 1:
            raise GitError(_("the vault has several remotes ({names}) and its branch follows none: "
                             "name one, e.g. 'rmn sync {first}'").format(names=", ".join(known), first=known[0]))
        remote = known[0]
    elif remote not in known:
        raise GitError(_("no remote named '{remote}' (the vault's remotes: {names}); add it with "
                         "'rmn remote add URL --name {remote}'").format(
                             remote=remote, names=", ".join(known) or _("none")))
    follows = configured == remote and merge is not None and merge.startswith("refs/heads/")
    upstream = merge.removeprefix("refs/heads/") if follows else branch
    return Target(remote, branch, upstream, set_upstream=configured is None)


def _only_remote(config: Mapping[str, str]) -> str | None:
    names = [k for k in config if k.startswith("remote.") and k.endswith(".url")]
    return names[0][len("remote."):-len(".url")] if len(names) == 1 else None


def _message(t: Target) -> str:
    return f"{gitops.SYNC_MERGE}{t.upstream} from {t.remote}\n"


def _target_of_merge(root: Path) -> Target:
    """The target a stopped sync was going to, read back from its merge message."""
    first = gitops.merge_message(root).split("\n", 1)[0]
    upstream, _sep, remote = first.removeprefix(gitops.SYNC_MERGE).rpartition(" from ")
    branch = gitops.current_branch(root) or upstream
    configured = gitops.config_get(root, f"branch.{branch}.remote")
    return Target(remote, branch, upstream, set_upstream=configured is None)


def _settle(root: Path, config: Mapping[str, str], owner: Callable[[], str | None]) -> list[str]:
    """What a fresh clone lacks, set in its own config: a git identity (from the vault's
    ``owner``) when git has none. Returns what was done, to say so."""
    notes = []
    if not config.get("user.name") or not config.get("user.email"):
        gitops.ensure_identity(root, owner())
        notes.append(_("this clone had no git identity: set one for the vault from its owner"))
    return notes


def _count(root: Path, ours: str, theirs: str | None, after: str) -> tuple[int, int]:
    """The log entries the sync brought in (in ``after``, the vault once merged, and not in
    ``ours``, the vault before) and sends (in ``after`` and not in ``theirs``, the remote's
    branch; every entry when the remote has nothing yet), over the client files that differ;
    the blobs are read by one ``git cat-file``. A client deleted on one side and left so
    brings nothing and sends nothing."""
    sides = [side for side in (ours, theirs) if side is not None and side != after]
    paths = sorted({p for side in sides for p in gitops.changed_files(root, side, after) if p.endswith(".md")}
                   | ({p for p in gitops.changed_files(root, None, after) if p.endswith(".md")}
                      if theirs is None else set()))
    revs = (ours, theirs, after)
    wanted = [f"{rev}:{p}" for p in paths for rev in revs if rev is not None]
    blobs = iter([data for _, data in gitops.read_blobs(root, wanted)])
    rows = [(p, *(next(blobs) if rev is not None else None for rev in revs)) for p in paths]
    return (plan.entries_added((p, before, now) for p, before, _, now in rows),
            plan.entries_added((p, remote, now) for p, _, remote, now in rows))


def sync(root: Path, change: gitops.Change, remote: str | None, owner: Callable[[], str | None]) -> Synced:
    """Commit hand edits, fetch, merge, push (see the module's text). ``change`` is the git
    side of the vault lock the caller holds; ``owner`` gives the vault's owner, asked only
    when a clone has no git identity yet."""
    config = gitops.config_list(root)  # runs while change's git status does
    with contextlib.ExitStack() as stack:
        # the fetch runs beside git status and the hand edits' commit when the remote is known
        # without the branch (named, or the only one); it changes nothing a sync may not undo
        early = remote or _only_remote(config)
        fetching = stack.enter_context(gitops.Fetch(root, early)) if early else None
        unsafe = change.state()
        if unsafe is not None:
            raise GitError(_("{state}; nothing was done").format(state=unsafe))
        to = target(config, change.status().branch, remote)
        notes = _settle(root, config, owner)
        hand = change.commit_hand_edits()
        if not hand.ok:
            raise GitError(_("the hand edits could not be committed, so nothing was synced: {error}").format(
                error=hand.error))
        try:
            if fetching is not None and fetching.remote == to.remote:
                fetching.wait()
            else:
                gitops.fetch(root, to.remote)
        except GitError as exc:
            done = (_("the hand edits are committed here, nothing else was done") if hand.sha
                    else _("nothing was done"))
            raise GitError(_("{remote} ({url}) cannot be read: {error}; check the address ('git remote -v' "
                             "shows it), that the server is reachable and that you may read it; {done}").format(
                                 remote=to.remote, url=config.get(f"remote.{to.remote}.url", "?"),
                                 error=" ".join(str(exc).split()), done=done)) from None  # one line
    ours, theirs = gitops.revs(root, "HEAD", f"refs/remotes/{to.remote}/{to.upstream}")
    if ours is None:
        raise GitError(_("the vault has no commit yet: run 'rmn init' first"))
    base = gitops.merge_base(root, ours, theirs) if theirs is not None and ours != theirs else None
    if theirs is not None and ours != theirs and base is None:
        raise GitError(_("{remote}'s branch {branch} shares no history with this vault: it holds another "
                         "book, or this vault was made with its own 'rmn init'; sync with a remote made "
                         "from this vault (an empty repository the first time), or clone the remote and "
                         "work in the clone").format(remote=to.remote, branch=to.upstream))
    head = ours
    if theirs is not None and ours != theirs and not gitops.is_ancestor(root, theirs, ours):
        _refuse_lost_entries(root, to, base, theirs)
        merged = gitops.merge(root, theirs, _message(to))
        if merged.sha is None:  # stopped: what came and went is counted when it is finished
            return Synced(to, conflicts=tuple(_conflicts(root, merged.unmerged)), hand=hand, notes=tuple(notes))
        head = gitops.rev(root, "HEAD")  # the merge commit, or theirs (a fast-forward)
    came, went = (0, 0) if ours == theirs else _count(root, ours, theirs, head)
    return _push(root, to, Synced(to, came, went, hand=hand, notes=tuple(notes)), theirs, head)


def verified(root: Path, between: tuple[str, str] | None = None) -> Verified:
    """``rmn verify``: every log entry of a commit's parent still in the commit, over the
    whole history; with ``between`` (two commits), every entry of the first still in the
    second. The blobs are read by one ``git cat-file``."""
    from rmnotes.domain.verify import blob_order, verify
    from rmnotes.vault import is_client_file

    if between is None:
        commits, changes = gitops.file_changes(root, "clients/")
    else:
        commits, changes = 1, gitops.tree_changes(root, *between)
    changes = [c for c in changes if is_client_file(c.path)]
    with contextlib.closing(gitops.read_blobs(root, blob_order(changes))) as blobs:
        return verify(commits, changes, blobs)


def _refuse_lost_entries(root: Path, to: Target, base: str, theirs: str) -> None:
    """Every log entry of the common commit is still in the remote's, or nothing is merged:
    an entry lost or changed on another device (a hand edit, a rewritten commit) would come
    in unseen wherever git takes their file whole (a fast-forward, a file only they changed)."""
    found = verified(root, (base, theirs)).findings
    if found:
        raise GitError(ngettext(
            "{remote}'s branch lost or changed {n} log entry this vault holds ({first}); nothing was "
            "merged. The log is append-only: restore it on the device that changed it (a correction is a "
            "new entry), sync there, then here",
            "{remote}'s branch lost or changed {n} log entries this vault holds (first: {first}); nothing "
            "was merged. The log is append-only: restore them on the device that changed them (a "
            "correction is a new entry), sync there, then here", len(found)).format(
                remote=to.remote, n=len(found), first=found[0]))


def _lost_entries_warning(root: Path, to: Target, theirs: str, head: str) -> str | None:
    """A warning when what is sent lost or changed log entries the remote holds: the other
    devices will refuse to merge it (as this one refuses such a branch), so it is said here,
    where it can be put right. Sent all the same: putting back an entry another device
    rewrote is such a change too."""
    found = verified(root, (theirs, head)).findings
    if not found:
        return None
    return ngettext(
        "warning: this vault lost or changed {n} log entry that {remote} holds ({first}); sent all the same, "
        "but the other devices will not merge it until it is as it was: the log is append-only (a correction "
        "is a new entry)",
        "warning: this vault lost or changed {n} log entries that {remote} holds (first: {first}); sent all "
        "the same, but the other devices will not merge them until they are as they were: the log is "
        "append-only (a correction is a new entry)", len(found)).format(remote=to.remote, n=len(found), first=found[0])


def _push(root: Path, to: Target, done: Synced, theirs: str | None, head: str | None = None) -> Synced:
    """Push ``head`` (None: read HEAD) unless the remote's branch is it already."""
    head = head or gitops.rev(root, "HEAD")
    if head == theirs and not to.set_upstream:
        return done
    warning = _lost_entries_warning(root, to, theirs, head) if theirs is not None else None
    pushed = gitops.push(root, to.remote, to.branch, to.upstream, to.set_upstream)
    if not pushed.ok:
        raise GitError(_("{remote} refused the push: {error}; this vault keeps its commits: run 'rmn sync' "
                         "again (someone may have pushed meanwhile)").format(remote=to.remote, error=pushed.error))
    return Synced(to, done.came, done.went, resolved=done.resolved, pushed=head != theirs, hand=done.hand,
                  notes=done.notes + ((warning,) if warning else ()))


def _conflicts(root: Path, paths: tuple[str, ...]) -> list[Conflict]:
    out: list[Conflict] = []
    for rel in paths:
        path = root / rel
        found = plan.conflicts_in(path.read_bytes().decode("utf-8", "replace"), rel) if path.is_file() else []
        # no markers: changed on one side, deleted on the other (git leaves the changed file)
        out += found or [Conflict(rel, None, _("changed on one side and deleted on the other: keep the file "
                                               "or delete it, then run 'rmn sync --continue'"), "", "")]
    return out


def _check_resolved(root: Path, rel: str) -> None:
    """A conflicted file the user says is resolved: no conflict marker left, and a client
    file that parses. Raises naming the first line that is not."""
    from rmnotes.parse.client import conflict_markers, parse_client

    path = root / rel
    if not path.exists():
        return
    text = path.read_bytes().decode("utf-8", "replace")
    left = conflict_markers(text)
    if left:
        raise DataError(_("{rel}:{line}: a conflict marker is still there: keep the lines you mean, delete "
                          "the marker lines, then run 'rmn sync --continue' again").format(rel=rel, line=left[0][0]))
    if rel.startswith("clients/") and rel.endswith(".md"):
        parsed = parse_client(text, rel)
        if parsed.client is None:
            first = parsed.errors[0] if parsed.errors else rel
            raise DataError(_("{first}; fix it, then run 'rmn sync --continue' again").format(first=first))


def resume(root: Path, change: gitops.Change, sides: Mapping[str, Side]) -> Synced:
    """Conclude a stopped sync: ``sides`` maps conflicted files to the side whose values
    they keep (``--ours``/``--theirs``); the other conflicted files must have been edited
    (``--continue``). Files still in conflict stop it again; otherwise the merge is
    committed and pushed."""
    st = change.status()
    merging = gitops.merge_head(root)
    if merging is None or not gitops.merge_message(root).startswith(gitops.SYNC_MERGE):
        unsafe = change.state()
        if unsafe is not None:
            raise GitError(_("{state}; this is not a stopped sync, so 'rmn sync' leaves it to you").format(state=unsafe))
        raise GitError(_("no sync is waiting to be continued: run 'rmn sync'"))
    to = _target_of_merge(root)
    unmerged = list(st.unmerged)
    for rel, side in sides.items():
        if rel not in unmerged:
            listed = ", ".join(unmerged) or _("none")
            raise DataError(_("{rel} has no conflict left to resolve (the conflicted files: {listed})").format(
                rel=rel, listed=listed))
        _take(root, rel, side)
    resolved = list(sides)
    if sides:
        gitops.mark_resolved(root, resolved)
        unmerged = [p for p in unmerged if p not in sides]
        left = _conflicts(root, tuple(unmerged))
        if left:
            return Synced(to, conflicts=tuple(left), resolved=len(resolved))
    for rel in unmerged:
        _check_resolved(root, rel)
    ours = gitops.rev(root, "HEAD")
    concluded = gitops.conclude_merge(root, unmerged, gitops.merge_message(root))
    if not concluded.ok:
        raise GitError(_("the sync's merge could not be committed: {error}").format(error=concluded.error))
    came, went = _count(root, ours, merging, gitops.rev(root, "HEAD"))
    done = Synced(to, came, went, resolved=len(resolved) + len(unmerged))
    return _push(root, to, done, merging)


def conflicted_client(root: Path, text: str) -> str | None:
    """The id of the conflicted client file ``text`` names (its id, name or an alias, on
    either side of the conflict): such a file cannot be read while it holds both sides, so
    the index does not know it."""
    from rmnotes import names
    from rmnotes.parse.client import parse_client

    key = names.normalise(text)
    unmerged = [p for p in gitops.status(root).unmerged if p.startswith("clients/") and p.endswith(".md")]
    blobs = [data for _, data in gitops.read_blobs(root, [f":{stage}:{p}" for p in unmerged for stage in (2, 3)])]
    found = []
    for i, rel in enumerate(unmerged):
        client_id = rel[len("clients/"):-3]
        keys = {names.normalise(client_id)}
        for data in blobs[2 * i:2 * i + 2]:
            parsed = parse_client(data.decode("utf-8", "replace"), rel) if data else None
            if parsed is not None and parsed.client is not None:
                keys |= names.client_keys(client_id, parsed.client.name, parsed.client.aliases)
        if key in keys:
            found.append(client_id)
    return found[0] if len(found) == 1 else None


def _take(root: Path, rel: str, side: Side) -> None:
    """Settle every conflict of ``rel`` for ``side``; the file must then parse.

    While the file is as the merge left it, it is merged again from git's three versions,
    every conflict settled for ``side`` by the merge driver's own rule: the changes of both
    sides that did not conflict stay. A file edited since keeps its edits, and ``side``'s
    lines between each pair of markers. A file deleted on one side is deleted (for the side
    that deleted it) or kept as the other side has it."""
    from rmnotes.domain.merge import merge_client
    from rmnotes.parse.client import parse_client

    path = root / rel
    base, ours, theirs = (data for _, data in gitops.read_blobs(root, [f":{n}:{rel}" for n in (1, 2, 3)]))
    kept = ours if side == "ours" else theirs
    if ours is None or theirs is None:  # deleted on one side, changed on the other
        if kept is None:
            path.unlink(missing_ok=True)
            return
        data = kept
    elif not path.is_file():
        raise DataError(_("{rel} is gone from the folder: get it back with 'git checkout --merge -- {rel}', "
                          "then run the command again").format(rel=rel))
    elif path.read_bytes() == merge_client(base or b"", ours, theirs, gitops.merge_text).data:
        data = merge_client(base or b"", ours, theirs, gitops.merge_text, prefer=side).data
    else:
        data, count = plan.take_side(path.read_bytes(), side)
        if count == 0:
            raise DataError(_("{rel} shows no conflict to resolve: edit it, then run 'rmn sync --continue'").format(
                rel=rel))
    parsed = parse_client(data.decode("utf-8", "replace"), rel)
    if parsed.client is None:
        first = parsed.errors[0] if parsed.errors else rel
        raise DataError(_("{first} (with {side}'s side of each conflict); nothing was written: edit the file, "
                          "then run 'rmn sync --continue'").format(first=first, side=side))
    atomic_write(path, data)

