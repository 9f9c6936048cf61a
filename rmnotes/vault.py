"""The vault on disk: find its root, list and read client files, write them atomically, lock.

This is the one narrow door every write goes through (then :mod:`rmnotes.gitops` commits).
"""

from __future__ import annotations

import contextlib
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

from rmnotes.config import Config
from rmnotes.errors import DataError, RmnotesError, VaultNotFound

if TYPE_CHECKING:
    from rmnotes.model import Issue

CONFIG_FILE = "rmnotes.yaml"
CONFIG_CACHE = "config.pickle"
CLIENTS_DIR = "clients"
CACHE_DIR = ".rmnotes"
ENV_VAR = "RMNOTES_VAULT"
FILE_MODE = 0o600
DIR_MODE = 0o700


def find_root(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
    """``--vault PATH``, else ``$RMNOTES_VAULT``, else walk up from ``cwd`` to ``rmnotes.yaml``."""
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise VaultNotFound(f"{root}: no {CONFIG_FILE} here; create a vault with 'rmn init {root}'")
        return root.resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env).expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise VaultNotFound(f"${ENV_VAR}={env}: no {CONFIG_FILE} there; fix the variable or run 'rmn init {env}'")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise VaultNotFound(
        f"no vault here: no {CONFIG_FILE} in {here} or above; "
        f"use --vault PATH, set ${ENV_VAR}, or create one with 'rmn init'"
    )


class FileStamp(NamedTuple):
    rel: str  # vault-relative posix path
    mtime_ns: int
    size: int


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
        """The parsed settings, cached in ``.rmnotes/`` by the file's mtime and size, so a
        warm command neither imports the YAML parser nor parses the file."""
        path = self.root / CONFIG_FILE
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        cache = self.cache_dir / CONFIG_CACHE
        import pickle

        try:
            with open(cache, "rb") as f:
                cached_stamp, config, issues = pickle.load(f)
            if cached_stamp == stamp and isinstance(config, Config):
                return config, issues
        except Exception:  # noqa: BLE001 - missing, damaged or old: parse the file again
            pass
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{CONFIG_FILE}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
        from rmnotes.parse.config import parse_config

        config, issues = parse_config(text)
        try:
            self.cache_dir.mkdir(mode=DIR_MODE, exist_ok=True)
            atomic_write(cache, pickle.dumps((stamp, config, issues)))
        except OSError:
            pass  # a read-only vault still answers
        return config, issues

    @property
    def config(self) -> Config:
        return self._config[0]

    @property
    def config_issues(self) -> tuple[Issue, ...]:
        return self._config[1]

    def client_path(self, client_id: str) -> Path:
        return self.clients_dir / f"{client_id}.md"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

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
        """A vault file as text (BOM kept); raises DataError if it is not UTF-8."""
        data = (self.root / rel).read_bytes()
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


def decode(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{rel}: byte {exc.start} is not UTF-8; save the file as UTF-8 and try again"
        ) from None


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temp file beside ``path``, then replace: never a half-written file.

    The file keeps its mode; a new file is created owner-only.
    """
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = FILE_MODE
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # owner-only
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def ensure_private(path: Path) -> None:
    """Owner-only modes for a vault's folders and files (0700 / 0600)."""
    for dirpath, dirnames, filenames in os.walk(path):
        if ".git" in dirnames:
            dirnames.remove(".git")
        os.chmod(dirpath, DIR_MODE)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), FILE_MODE)


__all__ = [
    "CACHE_DIR", "CLIENTS_DIR", "CONFIG_FILE", "FileStamp", "RmnotesError", "Vault",
    "atomic_write", "decode", "ensure_private", "find_root",
]
