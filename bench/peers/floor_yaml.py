"""Floor of a cold query: read every client file and parse its front-matter once with
PyYAML's C loader (libyaml), on one core. No index is written, nothing is printed but a count.

    python bench/peers/floor_yaml.py VAULT
"""

import os
import sys

import yaml

count = 0
folder = os.path.join(sys.argv[1], "clients")
with os.scandir(folder) as it:
    for entry in it:
        if not entry.name.endswith(".md"):
            continue
        with open(entry.path, encoding="utf-8-sig") as f:
            text = f.read()
        start = text.index("\n") + 1  # after the opening '---'
        end = text.find("\n---", start)
        yaml.load(text[start:end], Loader=yaml.CSafeLoader)
        count += 1
print(count)
