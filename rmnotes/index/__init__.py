"""The SQLite cache in ``.rmnotes/``: never a source of truth, always safe to delete.

- :mod:`~rmnotes.index.schema`: the tables, the version, opening the file;
- :mod:`~rmnotes.index.build`: refreshing it from the client files (parse, rows, insert);
- :mod:`~rmnotes.index.queries`: :class:`Index`, the named questions the domain asks.

The index holds what the files say, flattened (see :mod:`rmnotes.facts`); it never holds
an answer to a business rule. The domain reads rows from it and decides in Python.
"""

from rmnotes.index.build import read_and_parse
from rmnotes.index.queries import Index, Skipped, TextHit

__all__ = ["Index", "Skipped", "TextHit", "read_and_parse"]
