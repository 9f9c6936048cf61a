"""The vault on disk: find its root, list and read client files, write them atomically, lock.

This is the one narrow door every write goes through (then :mod:`rmnotes.gitops` commits).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple

import rmnotes
from rmnotes.config import Config
from rmnotes.errors import DataError, RmnotesError, VaultNotFound
from rmnotes.i18n import N_, _
from rmnotes.periods import Period

if TYPE_CHECKING:
    from rmnotes.model import Issue

CONFIG_FILE = "rmnotes.yaml"
CONFIG_CACHE = "config.json"
CONFIG_CACHE_VERSION = 5  # bump when the layout below or the rules of parse_config change
CLIENTS_DIR = "clients"
CACHE_DIR = ".rmnotes"
ENV_VAR = "RMNOTES_VAULT"
FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_FILE_BYTES = 5 * 1024 * 1024  # the most rmnotes reads of one file: years of log fit in 1 MB


def is_client_file(rel: str) -> bool:
    """``clients/<id>.md``, as :meth:`Vault.stamps` finds client files (inlined there: it
    runs once per file on every command)."""
    folder, _, name = rel.partition("/")
    return folder == CLIENTS_DIR and "/" not in name and name[-3:] == ".md" and name[:1] not in (".", "")


def find_root(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
    """``--vault PATH``, else ``$RMNOTES_VAULT``, else walk up from ``cwd`` to ``rmnotes.yaml``."""
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise VaultNotFound(_("{root}: no {file} here; create a vault with 'rmn init {root}'").format(
                root=root, file=CONFIG_FILE))
        return root.resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env).expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise VaultNotFound(_("${var}={value}: no {file} there; fix the variable or run 'rmn init {value}'")
                                .format(var=ENV_VAR, value=env, file=CONFIG_FILE))
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise VaultNotFound(_("no vault here: no {file} in {here} or above; use --vault PATH, set ${var}, or create "
                          "one with 'rmn init'").format(file=CONFIG_FILE, here=here, var=ENV_VAR))


class FileStamp(NamedTuple):
    rel: str  # vault-relative posix path
    mtime_ns: int
    size: int


class Document(NamedTuple):
    """A file in a client's folder ``clients/<id>/`` (a proposal, a form, a review PDF)."""

    rel: str  # vault-relative posix path
    name: str  # relative to the client's folder: ``reviews/2026-11-28.pdf``
    size: int
    modified: float  # seconds since the epoch


class Vault:
    """A vault root and its files. Cheap to create; reads lazily."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def clients_dir(self) -> Path:
        return self.root / CLIENTS_DIR

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @cached_property
    def _config(self) -> tuple[Config, tuple[Issue, ...]]:
        """The parsed settings and their issues; never raises for what the file holds. Kept
        in ``.rmnotes/config.json`` with the file's mtime and size, so a warm command neither
        imports the YAML parser nor parses the file: about 0.2 ms with the cache, 20 ms
        without it (mostly importing PyYAML and the parse modules)."""
        path = self.root / CONFIG_FILE
        st = path.stat()
        stamp = [st.st_mtime_ns, st.st_size]
        cache = self.cache_dir / CONFIG_CACHE
        try:
            cached = settings_from_json(cache.read_bytes(), stamp)
        except OSError:
            cached = None
        if cached is not None:
            return cached
        line, problem = None, None
        if st.st_size > MAX_FILE_BYTES:
            problem = _too_big()
        else:
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                problem = f"byte {exc.start} is not UTF-8; save the file as UTF-8"
        if problem is not None:
            from rmnotes.model import Issue

            config, issues = Config(), (Issue(CONFIG_FILE, line, problem),)
        else:
            from rmnotes.parse.config import parse_config

            config, issues = parse_config(text)
        data = settings_to_json(stamp, config, issues)
        if data is not None:
            try:
                atomic_write(cache, data)
            except OSError:
                pass  # a read-only vault still answers
        return config, issues

    @property
    def settings(self) -> tuple[Config, tuple[Issue, ...]]:
        """The settings as far as they could be read (defaults for the rest) and every issue
        of rmnotes.yaml: for ``rmn check``, which lists them all. Commands use :attr:`config`."""
        return self._config

    @property
    def config(self) -> Config:
        """The settings. An error in rmnotes.yaml is a setting the user wrote that is not
        being used, so it raises DataError naming its line rather than answer with a default
        in its place; warnings do not."""
        config, issues = self._config
        for issue in issues:
            if issue.is_error:
                raise DataError(_("{problem}; fix {file}, then run the command again (rmn check lists every "
                                  "problem)").format(problem=issue, file=CONFIG_FILE))
        return config

    @property
    def config_issues(self) -> tuple[Issue, ...]:
        return self._config[1]

    def client_path(self, client_id: str) -> Path:
        return self.clients_dir / f"{client_id}.md"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def documents_dir(self, client_id: str) -> Path:
        return self.clients_dir / client_id

    def documents(self, client_id: str) -> list[Document]:
        """The files in the client's folder, its subfolders included, newest first (then by
        name, last first: review PDFs are named by date). Hidden files, temp files and
        symbolic links are left out: a link may point anywhere, outside the vault too."""
        top = self.documents_dir(client_id)
        if top.is_symlink() or not top.is_dir():
            return []
        found: list[Document] = []
        for folder, dirs, files in os.walk(top):  # os.walk does not follow links to folders
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                path = Path(folder, name)
                if name.startswith(".") or path.is_symlink():
                    continue
                st = path.stat()
                found.append(Document(self.rel(path), path.relative_to(top).as_posix(),
                                      st.st_size, st.st_mtime))
        found.sort(key=lambda d: (d.modified, d.name), reverse=True)
        return found

    def stamps(self) -> list[tuple[str, int, int]]:
        """One stat per client file, as plain ``(rel, mtime_ns, size)`` tuples (what a
        :class:`FileStamp` holds; a tuple is cheaper to make 10,000 times): the only disk
        work of a warm command."""
        try:
            it = os.scandir(self.clients_dir)
        except FileNotFoundError:
            return []
        out = []
        append = out.append
        with it:
            for e in it:
                name = e.name
                if name[-3:] == ".md" and name[0] != ".":
                    try:
                        st = e.stat()
                    except FileNotFoundError:  # removed while we looked
                        continue
                    append(("clients/" + name, st.st_mtime_ns, st.st_size))
        return out

    def read_text(self, rel: str) -> str:
        """A vault file as text (BOM kept); raises DataError if it is not UTF-8 or is over
        :data:`MAX_FILE_BYTES` (never reading more than that)."""
        with open(self.root / rel, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise DataError(f"{rel}: {_too_big(_)}")
        return decode(data, rel)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive vault lock, held across a write and its commit."""
        self.cache_dir.mkdir(mode=DIR_MODE, exist_ok=True)
        path = self.cache_dir / "lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows
                fcntl = None
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


# The settings cache holds data only, and none of it is believed before it is checked: a
# file that is not JSON, of another version or rmnotes, for another stamp of rmnotes.yaml,
# or with one value of an unexpected type is ignored, and the settings are parsed again.
#
#   {"version": 2, "rmnotes": "0.1.0", "stamp": [mtime_ns, size],
#    "config": {"owner": ..., "fx": {"USD": "31.2"}, "tiers": {"A": "1m"}, ...,
#               "coverage": <value>},
#    "issues": [[path, line or null, message, "error" or "warning"], ...]}
#
# A coverage <value> is what the YAML loader gives, each type kept: text, whole numbers,
# true/false and null as themselves, a list as an array, and the two that JSON would blur
# as one-key objects, {"decimal": "1.50"} and {"mapping": {key: <value>}}. Settings whose
# coverage holds anything else (a date, say) are not cached.

_CONFIG_FIELDS = ("owner", "base_currency", "fx", "tiers", "default_tier", "region",
                  "lookahead_days", "kyc_valid", "coverage", "language", "date_style")
_CACHE_KEYS = {"version", "rmnotes", "stamp", "config", "issues"}
_SEVERITIES = ("error", "warning")


class _Malformed(Exception):
    """A value in the settings cache that is not what this version writes."""


def settings_to_json(stamp: list[int], config: Config, issues: tuple[Issue, ...]) -> bytes | None:
    """The settings cache for ``config`` parsed from a file of ``stamp``; None when a value
    cannot be kept exactly (a date under coverage, text that is not valid Unicode)."""
    try:
        doc = {
            "version": CONFIG_CACHE_VERSION,
            "rmnotes": rmnotes.__version__,
            "stamp": stamp,
            "config": {
                "owner": config.owner,
                "base_currency": config.base_currency,
                "fx": {currency: str(rate) for currency, rate in config.fx.items()},
                "tiers": {tier: str(period) for tier, period in config.tiers.items()},
                "default_tier": config.default_tier,
                "region": config.region,
                "lookahead_days": config.lookahead_days,
                "kyc_valid": str(config.kyc_valid),
                "coverage": _value_to_json(config.coverage),
                "language": config.language,
                "date_style": config.date_style,
            },
            "issues": [[i.path, i.line, i.message, i.severity] for i in issues],
        }
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except (_Malformed, ValueError, RecursionError):
        return None


def settings_from_json(raw: bytes, stamp: list[int]) -> tuple[Config, tuple[Issue, ...]] | None:
    """The settings in a cache written by :func:`settings_to_json` for a file of ``stamp``,
    or None when ``raw`` is anything else."""
    try:
        doc = json.loads(raw)
        _expect(type(doc) is dict and doc.keys() == _CACHE_KEYS)
        _expect(type(doc["version"]) is int and doc["version"] == CONFIG_CACHE_VERSION)
        _expect(doc["rmnotes"] == rmnotes.__version__)
        _expect(type(doc["stamp"]) is list and [type(n) for n in doc["stamp"]] == [int, int]
                and doc["stamp"] == stamp)
        config, issues = doc["config"], doc["issues"]
        _expect(type(config) is dict and config.keys() == set(_CONFIG_FIELDS))
        _expect(type(issues) is list)
        return Config(
            owner=_text(config["owner"], optional=True),
            base_currency=_text(config["base_currency"]),
            fx={_text(k): _decimal(v) for k, v in _object(config["fx"]).items()},
            tiers={_text(k): _period(v) for k, v in _object(config["tiers"]).items()},
            default_tier=_text(config["default_tier"], optional=True),
            region=_text(config["region"], optional=True),
            lookahead_days=_whole(config["lookahead_days"]),
            kyc_valid=_period(config["kyc_valid"]),
            coverage=_object(_value_from_json(config["coverage"])),
            language=_language(config["language"]),
            date_style=_text(config["date_style"]),
        ), _issues(issues)
    except (_Malformed, ValueError, RecursionError):  # not JSON, or nested past all reason
        return None


def _expect(condition: bool) -> None:
    if not condition:
        raise _Malformed


def _text(value: Any, optional: bool = False) -> Any:
    _expect(type(value) is str or (optional and value is None))
    return value


def _language(value: Any) -> str | None:
    from rmnotes.i18n import LANGUAGES

    _expect(value is None or value in LANGUAGES)
    return value


def _whole(value: Any) -> int:
    _expect(type(value) is int)
    return value


def _object(value: Any) -> dict:
    _expect(type(value) is dict)
    return value


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(_text(value))
    except ArithmeticError:  # InvalidOperation: not a number
        raise _Malformed from None
    _expect(number.is_finite() and str(number) == value)
    return number


def _period(value: Any) -> Period:
    period = Period.parse(_text(value))
    _expect(period is not None and str(period) == value)
    return period


def _issues(rows: list) -> tuple[Issue, ...]:
    if not rows:
        return ()
    from rmnotes.model import Issue  # only now: building the model classes costs ~9 ms

    out = []
    for row in rows:
        _expect(type(row) is list and len(row) == 4)
        path, line, message, severity = row
        _expect(type(path) is str and (line is None or type(line) is int)
                and type(message) is str and severity in _SEVERITIES)
        out.append(Issue(path, line, message, severity))
    return tuple(out)


def _value_to_json(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return value
    if kind is Decimal:
        return {"decimal": str(value)}
    if kind is list:
        return [_value_to_json(v) for v in value]
    if kind is dict and all(type(k) is str for k in value):
        return {"mapping": {k: _value_to_json(v) for k, v in value.items()}}
    raise _Malformed  # a date, a BadDate, a key that is not text: not kept


def _value_from_json(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return value
    if kind is list:
        return [_value_from_json(v) for v in value]
    _expect(kind is dict and len(value) == 1)
    (tag, inner), = value.items()
    if tag == "decimal":
        return _decimal(inner)
    _expect(tag == "mapping")
    return {k: _value_from_json(v) for k, v in _object(inner).items()}


_TOO_BIG = N_("the file is over {mb} MB, the most rmnotes reads of one file; split it or move old material "
              "out of the vault")


def _too_big(translate: Callable[[str], str] = str) -> str:
    """The problem of a file over the limit: English for a file's issues (the ``file:line:``
    form), ``translate=_`` for a message."""
    return translate(_TOO_BIG).format(mb=MAX_FILE_BYTES // (1024 * 1024))


def decode(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(_("{file}: byte {at} is not UTF-8; save the file as UTF-8 and try again").format(
            file=rel, at=exc.start)) from None


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temp file beside ``path``, then replace: never a half-written file.

    The file keeps its mode; a new file is created owner-only, in owner-only folders.
    """
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = FILE_MODE
    tmp = _written_beside(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_create(path: Path, data: bytes) -> None:
    """A new owner-only file at ``path``, whole or not at all, and never in place of one:
    FileExistsError when ``path`` is taken (the temp file is linked to it, the O_EXCL of
    a complete file)."""
    tmp = _written_beside(path, data, FILE_MODE)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create it exclusively instead
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def atomic_write_many(writes: list[tuple[Path, bytes, bool]], workers: int = 8) -> None:
    """Several files, each whole or not at all, as :func:`atomic_write` (an existing file,
    its mode kept) and :func:`atomic_create` (``True``: a new file, never in place of one)
    write them: first every temp file is written and flushed to disk, by a few threads at
    once (the file system then groups their flushes: one flush per file, one after the
    other, costs a disk round trip each), then each is moved into place. A temp file that
    cannot be written (a full disk) stops it before any file is moved, and every temp file
    is removed; the OSError is raised."""
    from concurrent.futures import ThreadPoolExecutor

    def prepare(item: tuple[Path, bytes, bool]) -> str:
        path, data, create = item
        mode = FILE_MODE
        if not create:
            try:
                mode = os.stat(path).st_mode & 0o7777
            except FileNotFoundError:
                pass
        return _written_beside(path, data, mode)

    for folder in {write[0].parent for write in writes}:
        make_folders(folder)
    temps: list[str | None] = [None] * len(writes)
    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(writes)))) as pool:
        futures = [pool.submit(prepare, item) for item in writes]
        for i, future in enumerate(futures):
            try:
                temps[i] = future.result()
            except BaseException as exc:  # noqa: BLE001 - raised below, after the clean-up
                failure = failure or exc
    if failure is not None:
        for tmp in temps:
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        raise failure
    for (path, _data, create), tmp in zip(writes, temps):
        assert tmp is not None
        try:
            if create:
                os.link(tmp, path)  # never in place of a file that appeared meanwhile
            else:
                os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _written_beside(path: Path, data: bytes, mode: int) -> str:
    """A temp file of ``data`` and ``mode`` in ``path``'s folder (made, owner-only, if
    missing), flushed to disk; removed again if anything fails. Its name stays within the
    255 bytes a file name may have, whatever the length of ``path``'s."""
    make_folders(path.parent)
    import tempfile

    stem = path.name.encode("utf-8")[:64].decode("utf-8", "ignore")
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=path.parent)  # owner-only
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def make_folders(folder: Path) -> None:
    """``folder`` and any missing parents, each owner-only (``mkdir(parents=True)`` gives the
    parents the umask's mode)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir(mode=DIR_MODE, exist_ok=True)


class ModeChange(NamedTuple):
    rel: str  # vault-relative posix path; a folder's ends with '/'
    old: int
    new: int


def ensure_private(path: Path) -> list[ModeChange]:
    """Owner-only modes for a vault's folders and files (0700 / 0600), .git aside; returns
    what it changed. A symbolic link is left alone, and so is what it points to."""
    changed = []
    for dirpath, dirnames, filenames in os.walk(path):  # never into a linked folder
        if ".git" in dirnames:
            dirnames.remove(".git")
        here = Path(dirpath)
        rel = here.relative_to(path).as_posix()
        entries = [(here, DIR_MODE, "" if rel == "." else rel + "/")]
        entries += [(here / name, FILE_MODE, (here / name).relative_to(path).as_posix()) for name in filenames]
        for item, mode, shown in entries:
            st = os.lstat(item)
            if stat.S_ISLNK(st.st_mode):
                continue
            old = stat.S_IMODE(st.st_mode)
            if old != mode:
                os.chmod(item, mode)
                changed.append(ModeChange(shown or "./", old, mode))
    return changed


__all__ = [
    "CACHE_DIR", "CLIENTS_DIR", "CONFIG_FILE", "FileStamp", "ModeChange", "RmnotesError", "Vault",
    "atomic_create", "atomic_write", "decode", "ensure_private", "find_root", "make_folders",
]
