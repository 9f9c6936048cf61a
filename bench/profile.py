"""Where does an rmn command spend its time? Import times and a function profile.

    python bench/profile.py VAULT due --as-of 2026-11-28
    python bench/profile.py --cold VAULT list --json      # with no index (a full build)
    python bench/profile.py --imports-only VAULT --version

Prints (1) the import time of each module that costs more than ``--min-ms`` (the least of
``--repeat`` runs of ``python -X importtime``, so a busy machine matters less), and (2) the
functions with the most cumulative and own time under cProfile (one run; cProfile makes
Python code look slower than C code, so read it for proportions). Runs the ``rmn`` of this
Python (``python -m rmnotes``) with its bytecode cached, as an installed rmn would.
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def _env() -> dict[str, str]:
    drop = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "RMNOTES_VAULT")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.setdefault("COLUMNS", "160")
    return env


def imports(argv: list[str], env: dict[str, str], repeat: int, min_ms: float, cold: Path | None) -> None:
    best: dict[tuple[int, str], tuple[int, int]] = {}
    order: list[tuple[int, str]] = []
    for _ in range(repeat):
        if cold:
            shutil.rmtree(cold, ignore_errors=True)
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rmnotes", *argv], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr.splitlines():
            m = _LINE.match(line)
            if not m:
                continue
            own, total, depth, name = int(m[1]), int(m[2]), len(m[3]) // 2, m[4]
            key = (depth, name)
            if key not in best:
                order.append(key)
                best[key] = (own, total)
            else:
                best[key] = (min(best[key][0], own), min(best[key][1], total))
    print(f"Import time (least of {repeat} runs; cumulative, own), modules over {min_ms:g} ms:")
    grand = sum(total for (depth, _), (_, total) in best.items() if depth == 0)
    for key in order:
        own, total = best[key]
        if total >= min_ms * 1000:
            depth, name = key
            print(f"  {total / 1000:7.1f} ms {own / 1000:6.1f} ms  {'  ' * depth}{name}")
    print(f"  {grand / 1000:7.1f} ms in all top-level imports")


def profile(argv: list[str], env: dict[str, str], top: int, cold: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rmn.prof"
        if cold:
            shutil.rmtree(cold, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "rmnotes", *argv],
                       env=env, stdout=subprocess.DEVNULL, check=False)
        stats = pstats.Stats(str(out))
        stats.strip_dirs()
        print(f"\nFunctions by cumulative time (cProfile, {top} shown):")
        stats.sort_stats("cumulative").print_stats(top)
        print(f"Functions by own time (cProfile, {top} shown):")
        stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the rmn command and its options")
    parser.add_argument("--cold", action="store_true", help="remove the index before each run")
    parser.add_argument("--repeat", type=int, default=5, help="import-time runs (default 5)")
    parser.add_argument("--min-ms", type=float, default=2.0, help="hide cheaper imports (default 2 ms)")
    parser.add_argument("--top", type=int, default=25, help="functions shown (default 25)")
    parser.add_argument("--imports-only", action="store_true", help="skip the function profile")
    args = parser.parse_args(argv)
    env = _env()
    command = ["-C", str(args.vault), *args.args]
    cold = args.vault / ".rmnotes" if args.cold else None
    if not cold:  # warm: build the index and the bytecode first
        subprocess.run([sys.executable, "-m", "rmnotes", *command], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    imports(command, env, args.repeat, args.min_ms, cold)
    if not args.imports_only:
        profile(command, env, args.top, cold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
