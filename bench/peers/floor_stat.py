"""Floor of a warm query: Python start-up, the imports a CLI that prints a table needs
(click, rich's console and table, sqlite3), and one stat per client file.

    python bench/peers/floor_stat.py VAULT
"""

import os
import sqlite3  # noqa: F401
import sys

import click  # noqa: F401
import rich.console  # noqa: F401
import rich.table  # noqa: F401

count = 0
with os.scandir(os.path.join(sys.argv[1], "clients")) as it:
    for entry in it:
        if entry.name.endswith(".md"):
            entry.stat()
            count += 1
print(count)
