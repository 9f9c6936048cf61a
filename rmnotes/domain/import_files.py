"""Importing, step 3: plan -> bytes.

A new client's file as a person writes one by hand (values written by the front-matter
editor's rule, read back before use), or an existing file edited in place by the one
front-matter editor (:mod:`rmnotes.fmedit`), every other byte kept. The plan comes from
:mod:`rmnotes.domain.importing`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from rmnotes.domain.importing import ClientPlan, Progress
from rmnotes.i18n import _
from rmnotes.parse import yamltree



def new_file_text(name: str, document: Mapping[str, Any], notes: str | None) -> str:
    """A new client's file as a person writes one by hand (and as ``rmn new``'s template
    lays it out): block mappings indented by two, lists of words in brackets, each policy,
    holding and family member a ``- name: ...`` item; the free notes, then the two
    sections. Values are written by the front-matter editor's own rule
    (:func:`rmnotes.fmedit.scalar_text`), and the text is read back before it is used.

    The YAML is parsed once: text that looks plain (:data:`_PLAIN`) is first written plain
    without asking YAML about each value, and the whole front-matter read back; only when
    it does not read back as ``document`` (a word YAML reads as true, a date, a number) is
    it written again value by value by the editor's rule, and read back again."""
    from rmnotes.errors import DataError

    for scalar in (_quick_scalar, _scalar):
        lines = ["---", *_yaml_lines(document, 0, scalar), "---"]
        front = "\n".join(lines[1:-1])
        loaded = yamltree.load(front, 2)
        if not (loaded.fatal or loaded.problems or loaded.value != document):
            break
    else:
        raise DataError(_("the file for {name} would not read back as the sheet says; nothing was written for it").format(
            name=name))
    body = f"\n{notes}\n" if notes else ""
    return "\n".join(lines) + f"\n{body}\n## Follow-ups\n\n## Log\n"


def _scalar(value: Any, flow: bool = False) -> str:
    """:func:`rmnotes.fmedit.scalar_text`, remembered for text (deciding whether text may
    be written plain costs a YAML parse; a book repeats its words thousands of times)."""
    if type(value) is str:
        return _text_scalar(value, flow)
    from rmnotes.fmedit import scalar_text

    return scalar_text(value, flow)


# text written plain on trust, the read-back of the whole file being the check: not
# starting with a YAML indicator, a quote or as a number would; no ``:#,[]{}``, control or
# line-break character; no space at either end
_PLAIN = re.compile(r"(?![-+.0-9?~:#,\[\]{}&*!|>'\"%@`\s])[^\x00-\x1f\x7f-\x9f:#,\[\]{}\\\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]+(?<!\s)")


def _quick_scalar(value: Any, flow: bool = False) -> str:
    if type(value) is str and _PLAIN.fullmatch(value):
        return value
    return _scalar(value, flow)


@lru_cache(maxsize=100_000)
def _text_scalar(value: str, flow: bool) -> str:
    from rmnotes.fmedit import scalar_text

    return scalar_text(value, flow)


def _yaml_lines(mapping: Mapping[str, Any], indent: int, scalar: Callable[..., str]) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for key, value in mapping.items():
        k = scalar(str(key))
        if isinstance(value, dict):
            out.append(f"{pad}{k}:")
            out.extend(_yaml_lines(value, indent + 2, scalar))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(f"{pad}{k}:")
            for item in value:
                inner = _yaml_lines(item, indent + 4, scalar)
                out.append(f"{pad}  - {inner[0].lstrip()}")
                out.extend(inner[1:])
        elif isinstance(value, list):
            out.append(f"{pad}{k}: [{', '.join(scalar(v, flow=True) for v in value)}]")
        else:
            out.append(f"{pad}{k}: {scalar(value)}")
    return out


def file_bytes(plan: ClientPlan, data: bytes | None) -> bytes:
    """The new bytes of the plan's file: a new one written as by hand, or an existing one
    (``data``) edited in place by the one front-matter editor."""
    from rmnotes.fmedit import edit

    if plan.action == "new":
        return new_file_text(plan.name, plan.document, plan.notes).encode("utf-8")
    if data is None:
        from rmnotes.errors import DataError

        raise DataError(_("{rel}: the file is gone; nothing was written").format(rel=plan.rel))
    return edit(data, plan.edits)


PARALLEL_MIN = 1000  # new files below this are written in this process (a fork costs more)


def new_files(plans: Sequence[ClientPlan], progress: Progress | None = None) -> dict[str, bytes | str]:
    """The bytes of every new client's file (``plan.rel`` -> bytes), or the reason one
    cannot be written (-> str). They depend on the sheet alone, so they are made before
    the vault is locked; a big import makes them in one process per core (forked, as the
    index's first build is), each reading its files back as one does alone."""
    new = [p for p in plans if p.action == "new"]
    out: dict[str, bytes | str] = {}
    workers = _workers(len(new))
    if workers == 1:
        for n, plan in enumerate(new, 1):
            out[plan.rel] = _new_bytes(plan)
            if progress is not None:
                progress(n, len(new))
        return out
    import multiprocessing

    size = -(-len(new) // (workers * 4))
    chunks = [new[at:at + size] for at in range(0, len(new), size)]
    done = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for part in pool.imap(_new_bytes_all, chunks):
            out.update(part)
            done += len(part)
            if progress is not None:
                progress(done, len(new))
    return out


def _workers(n: int) -> int:
    import os

    cores = min(os.cpu_count() or 1, 8)
    if n < PARALLEL_MIN or cores < 2:
        return 1
    import multiprocessing

    return cores if "fork" in multiprocessing.get_all_start_methods() else 1


def _new_bytes(plan: ClientPlan) -> bytes | str:
    from rmnotes.errors import RmnotesError

    try:
        return file_bytes(plan, None)
    except RmnotesError as exc:
        return str(exc)


def _new_bytes_all(plans: Sequence[ClientPlan]) -> dict[str, bytes | str]:
    return {plan.rel: _new_bytes(plan) for plan in plans}
