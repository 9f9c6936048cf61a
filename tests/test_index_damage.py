"""A damaged index is a silent rebuild, wherever the damage shows: at open, in the refresh,
or in any later query; an index that cannot be written is one warning line and an index in
memory. Never a traceback, never another answer."""

from __future__ import annotations

import gc
import random
import shutil
import sqlite3
import struct
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLE, run, write_client
from rmnotes.facts import Totals
from rmnotes.index import Index, schema
from rmnotes.vault import Vault

AS_OF = "2026-11-28"
READS = (["due", "--as-of", AS_OF], ["list"], ["find", "基金"])


def _book(root: Path) -> Path:
    """A quarter of the sample vault's clients (each rebuild parses them all: a damage test
    rebuilds three times), with its settings and without git: these commands only read."""
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".rmnotes", ".git", "clients"))
    (root / "clients").mkdir()
    for path in sorted((SAMPLE / "clients").glob("*.md"))[::4]:
        shutil.copy2(path, root / "clients" / path.name)
    settings = root / "rmnotes.yaml"  # the sample speaks zh_TW; these tests read English warnings
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: zh_TW", "language: en"),
                        encoding="utf-8")
    return root


@pytest.fixture
def book(tmp_path) -> Path:
    return _book(tmp_path / "book")


_BUILT: list[tuple[Path, dict]] = []  # the sample book with its index built, and its answers


@pytest.fixture
def clean(tmp_path, tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the sample book with a sound index, sealed as rmn's own, and the book's
    answers to READS (the first build and the clean answers are made once per process)."""
    if not _BUILT:
        template = _book(tmp_path_factory.mktemp("built") / "book")
        _BUILT.append((template, {tuple(args): _answer(args, template) for args in READS}))
    template, answers = _BUILT[0]
    root = shutil.copytree(template, tmp_path / "book")
    schema.write_seal(_db(root))
    assert not schema.foreign(_db(root))  # rmn takes the copy for its own: damage is what it finds
    return root, answers


def _db(vault: Path) -> Path:
    return vault / ".rmnotes" / schema.DB_NAME


def _answer(args: list[str], vault: Path) -> tuple[int, str, str]:
    result = run(args, vault)
    return result.exit_code, result.stdout, result.stderr


def _write(db: Path, offset: int, data: bytes) -> None:
    with open(db, "r+b") as f:
        f.seek(offset)
        f.write(data)


def _page_size(db: Path) -> int:
    return struct.unpack(">H", db.read_bytes()[16:18])[0]


def _random(fraction: float):
    def damage(db: Path) -> None:
        size = db.stat().st_size
        _write(db, int(size * fraction), random.Random(fraction).randbytes(512))
    return damage


def _truncate(size: int | None):
    def damage(db: Path) -> None:
        with open(db, "r+b") as f:
            f.truncate(db.stat().st_size // 2 if size is None else size)
    return damage


def _zero_page(number: int):
    def damage(db: Path) -> None:
        page = _page_size(db)
        _write(db, (number - 1) * page, bytes(page))
    return damage


def _wal(data: bytes):
    def damage(db: Path) -> None:
        Path(f"{db}-wal").write_bytes(data)
    return damage


# a WAL header as SQLite writes it (magic, version, page size 4096), then garbage frames
WAL_HEADER = struct.pack(">IIII", 0x377F0682, 3007000, 4096, 0) + bytes(16)

DAMAGE = {
    "ff-x4096-at-8192": lambda db: _write(db, 8192, b"\xff" * 4096),  # the case in the issue
    "ff-x4096-at-4096": lambda db: _write(db, 4096, b"\xff" * 4096),
    "header": lambda db: _write(db, 0, b"\xff" * 100),
    "random-at-a-tenth": _random(0.1),
    "random-at-a-third": _random(0.33),
    "random-at-two-thirds": _random(0.67),
    "zero-page-3": _zero_page(3),
    "truncated-to-half": _truncate(None),
    "truncated-to-5000": _truncate(5000),
    "truncated-to-nothing": _truncate(0),
    "wal-of-garbage": _wal(random.Random(1).randbytes(50_000)),
    "wal-header-then-garbage": _wal(WAL_HEADER + random.Random(2).randbytes(50_000)),
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_damage_inside_the_index_file_is_a_silent_rebuild(clean, damage):
    book, answers = clean
    assert all(out for _, out, _ in answers.values()) and not any(err for _, _, err in answers.values())
    for args in READS:
        gc.collect()  # no connection of an earlier run still holds the file
        damage(_db(book))
        assert _answer(args, book) == answers[tuple(args)], args


def _leaf_of(db: Path, name: str) -> int:
    """The right-most leaf page of the b-tree ``name``."""
    conn = sqlite3.connect(db)
    (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    conn.close()
    size, data = _page_size(db), db.read_bytes()
    while data[(page - 1) * size] in (0x02, 0x05):  # an interior page: its right-most child
        page = struct.unpack(">I", data[(page - 1) * size + 8:(page - 1) * size + 12])[0]
    return page


def test_an_index_changed_behind_rmns_back_is_rebuilt_though_sqlite_sees_nothing(vault):
    """A misordered page of the names index finds another client without any error, and
    ``PRAGMA quick_check`` passes it: a file that changed since rmn closed it is rebuilt."""
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\naliases: [Mei]\n---\n")
    write_client(vault, "lin-zhi-ming", "---\nname: 林志明\n---\n")
    assert run(["show", "王偉"], vault).stdout.startswith("王偉")
    db = _db(vault)
    page, size = _leaf_of(db, "keys_key"), _page_size(db)
    data = bytearray(db.read_bytes()[(page - 1) * size:page * size])
    cells = struct.unpack(">H", data[3:5])[0]
    pointers = [bytes(data[8 + 2 * i:10 + 2 * i]) for i in range(cells)]
    _write(db, (page - 1) * size + 8, b"".join(reversed(pointers)))  # the cells in reverse order
    result = run(["show", "王偉"], vault)
    assert result.exit_code == 0 and result.stdout.startswith("王偉"), result.output
    assert result.stderr == ""


# ------------------------------------------------------------ damage a query finds
def _every_root_page(db: Path) -> None:
    """Overwrite the root page of every table and index but the schema's own."""
    conn = sqlite3.connect(db)
    roots = [r for (r,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE rootpage > 1")]
    conn.close()
    size = _page_size(db)
    for root in roots:
        _write(db, (root - 1) * size, b"\xff" * size)


def _undecodable_name(db: Path) -> None:
    """王偉 becomes bytes that are not UTF-8, wherever the file holds it."""
    name = "王偉".encode()
    db.write_bytes(db.read_bytes().replace(name, b"\xff" * len(name)))


def _fold_not_pairs(db: Path) -> None:
    """The kept Traditional -> Simplified table is a text of odd length: not pairs."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = '陳' WHERE key = 'fold'")
    conn.close()


_TOTALS = Totals(Decimal(3120), Decimal(0), Decimal(3120), Decimal(0))

QUESTIONS = {
    "refresh": lambda idx: idx.refresh(),
    "skipped": lambda idx: idx.skipped(),
    "issues": lambda idx: idx.issues(),
    "client_ids": lambda idx: idx.client_ids(),
    "keys": lambda idx: sorted(idx.keys()),
    "lookup": lambda idx: idx.lookup("wangwei"),
    "fold": lambda idx: idx.fold("陳美玲"),
    "fold_table": lambda idx: idx.fold_table(),
    "relatives": lambda idx: idx.relatives("林淑芬"),
    "names": lambda idx: idx.names(),
    "clients": lambda idx: idx.clients(),
    "contacts": lambda idx: idx.contacts(),
    "contact_groups": lambda idx: idx.contact_groups(True),
    "contacts_in": lambda idx: idx.contacts_in(None),
    "reach": lambda idx: idx.reach(["wang-wei", "chen-mei-ling"]),
    "holdings": lambda idx: idx.holdings(),
    "save_totals": lambda idx: idx.save_totals("TWD;USD=31.2", {"client-1": _TOTALS})
    or idx.saved_totals("TWD;USD=31.2"),
    "saved_totals-after-saving": lambda idx: idx.save_totals("TWD;USD=31.2", {"client-1": _TOTALS})
    or idx.saved_totals("TWD;USD=31.2"),
    "policies": lambda idx: idx.policies(),
    "family": lambda idx: idx.family(),
    "tag_counts": lambda idx: idx.tag_counts(),
    "fact_groups": lambda idx: idx.fact_groups(["follow-up", "maturity", "premium", "kyc"], None, None, True),
    "facts_in": lambda idx: idx.facts_in(idx.fact_groups(["follow-up"], None, None, False)),
    "birthday_groups": lambda idx: idx.birthday_groups(False, None, True),
    "birthdays_in": lambda idx: idx.birthdays_in(idx.birthday_groups(False, None, False)),
    "own_birthdays": lambda idx: idx.own_birthdays(["client-0", "client-1"]),
    "entries": lambda idx: idx.entries(),
    "followups": lambda idx: idx.followups(),
    "search": lambda idx: idx.search(["基金"]),
    "search-short": lambda idx: idx.search(["基"]),
    "name_texts": lambda idx: idx.name_texts(["wang-wei"]),
}


def test_every_public_method_of_the_index_is_a_question():
    """A method added to Index is covered by the rebuild without a word (see _asking)."""
    public = {n for n in vars(Index) if not n.startswith("_") and callable(getattr(Index, n))}
    assert public - {"open", "close"} <= {q.split("-")[0] for q in QUESTIONS}


def _small_book(root: Path) -> Vault:
    """Six clients with a row in every table."""
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text("owner: x\nfx: {USD: 31.2}\n", encoding="utf-8")
    names = ["王偉", "陳美玲", "林志明", "張惠珍", "李宗翰", "Amy Chen"]
    for i, name in enumerate(names):
        write_client(root, f"client-{i}",
                     f"---\nname: {name}\naliases: [Alias{i}]\ntags: [t{i % 2}]\n"
                     f"profile: {{birthday: 1980-12-0{1 + i}}}\n"
                     f"assets:\n  - {{name: 基金, institution: ours, value: {i}00, currency: USD}}\n"
                     f"policies:\n  - {{name: 壽險, kind: life, sum_assured: {i}000}}\n"
                     f"family:\n  - {{name: 小{i}, relation: child}}\n---\nnote {i}\n"
                     f"## Follow-ups\n- [ ] 2026-12-0{1 + i} 寄基金提案\n"
                     f"## Log\n- 2026-11-0{1 + i} T 電話談基金 {i}\n")
    write_client(root, "broken", "---\nname: [x\n---\n")
    return Vault(root)


@pytest.mark.parametrize("damage", [_every_root_page, _undecodable_name, _fold_not_pairs],
                         ids=["root-pages", "not-utf-8", "fold-not-pairs"])
def test_damage_found_by_any_query_rebuilds_once_and_answers(tmp_path, damage):
    """Damage the file's stat does not show (a fault of the disk, or a file in use) is found
    by the query that reads it: the index is built anew and the question asked again."""
    vault = _small_book(tmp_path / "book")
    index = Index.open(vault)
    expected = {name: question(index) for name, question in QUESTIONS.items()}
    assert all(expected.values()) or expected["refresh"] == 0
    index.close()
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(_db(vault.root), damaged)
    damage(damaged)
    for name, question in QUESTIONS.items():
        copy = tmp_path / f"{name}.sqlite"
        shutil.copyfile(damaged, copy)
        index = Index(vault, sqlite3.connect(copy))  # opened before the damage showed
        assert question(index) == expected[name], name
        assert question(index) == expected[name], name
        index.close()


# ------------------------------------------------------------ an index that cannot be written
WARNING = ("warning: the index cannot be saved in .rmnotes/ ({}); every command reads all "
           "client files until .rmnotes is a folder rmn can write\n")


def _unwritable_answers(clean, reason: str) -> None:
    sample, answers = clean
    for args, (code, out, _) in answers.items():
        assert _answer(list(args), sample) == (code, out, WARNING.format(reason)), args


def test_a_cache_folder_that_is_a_file_gives_an_index_in_memory(clean):
    vault = clean[0]
    shutil.rmtree(vault / ".rmnotes")
    (vault / ".rmnotes").write_text("not a folder\n", encoding="utf-8")
    _unwritable_answers(clean, "File exists")
    assert (vault / ".rmnotes").read_text(encoding="utf-8") == "not a folder\n"


def test_an_index_path_that_is_a_folder_gives_an_index_in_memory(clean):
    schema.remove(_db(clean[0]))
    _db(clean[0]).mkdir()
    _unwritable_answers(clean, "Is a directory")


def _immutable(path: Path, on: bool) -> None:
    subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True, capture_output=True)


@pytest.fixture
def immutable_cache(clean):
    """``.rmnotes/`` that nobody may change, root included (``chattr +i``); mode 000 would
    not stop root, who runs these tests."""
    folder = clean[0] / ".rmnotes"
    DAMAGE["ff-x4096-at-8192"](_db(clean[0]))
    try:
        _immutable(folder, True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("chattr +i is not available here (a file system without it, or not root)")
    yield clean
    _immutable(folder, False)


def test_a_damaged_index_in_a_folder_that_cannot_change_gives_an_index_in_memory(immutable_cache):
    """The damaged file cannot be deleted, so the index is built in memory."""
    _unwritable_answers(immutable_cache, "Operation not permitted")
