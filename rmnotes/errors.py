"""The one exception family. The root CLI group turns these into a one-line message."""

from __future__ import annotations


class RmnotesError(Exception):
    """A user or data error: the message names the file or client and the next step."""

    exit_code = 1


class VaultNotFound(RmnotesError):
    pass


class ClientNotFound(RmnotesError):
    pass


class AmbiguousClient(RmnotesError):
    pass


class DataError(RmnotesError):
    """A file the CLI cannot fully understand; nothing was written."""


class GitError(RmnotesError):
    pass
