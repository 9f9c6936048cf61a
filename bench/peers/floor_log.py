"""Floor of a logged line: the least a Python tool can do with ``rmn log``'s git discipline.

Start Python, take the vault lock, start ``git status`` (to find hand edits to commit
first), append the line, replace the file through a temp file while the status runs,
then ``git commit --include`` the file. No argument parser, no check that the file reads
back, no confirmation line. ``--imports`` adds the import of modules a real tool needs
(e.g. ``click,yaml``: its command line and the YAML check of the file).

    python bench/peers/floor_log.py [--imports click,yaml] VAULT REL LINE MESSAGE
"""

import fcntl
import os
import subprocess
import sys

args = sys.argv[1:]
if args[0] == "--imports":
    for name in args[1].split(","):
        __import__(name)
    args = args[2:]
vault, rel, line, message = args
env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
os.makedirs(os.path.join(vault, ".rmnotes"), exist_ok=True)
lock = os.open(os.path.join(vault, ".rmnotes", "lock"), os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(lock, fcntl.LOCK_EX)
status = subprocess.Popen(["git", "status", "--porcelain", "-z", "--untracked-files=all"], cwd=vault,
                          env=env, stdout=subprocess.PIPE)
path = os.path.join(vault, rel)
with open(path, "rb") as f:
    data = f.read()
temp = path + ".floor.tmp"
with open(temp, "wb") as f:
    f.write(data + line.encode("utf-8") + b"\n")
os.replace(temp, path)
status.communicate()
subprocess.run(["git", "commit", "-q", "--no-edit", "--no-status", "-F", "-", "--include", "--", rel],
               cwd=vault, env=env, input=message.encode("utf-8"), check=True)
