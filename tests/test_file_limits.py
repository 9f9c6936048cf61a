"""A file over 5 MB is not read: it is reported, naming it, and the rest of the vault answers.

Reading is bounded before parsing starts, so a huge file (a mistaken export, a log pasted
in a loop) costs at most 5 MB of memory to learn that it is too big.
"""

from __future__ import annotations

from conftest import run, write_client

MAX_FILE_BYTES = 5 * 1024 * 1024  # the most rmnotes reads of one file


def test_a_client_file_over_the_size_limit_is_skipped_naming_it(vault):
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    big = vault / "clients" / "huge.md"
    big.write_bytes(b"---\nname: big\n---\n## Log\n" + b"- 2026-11-01 T x\n" * (MAX_FILE_BYTES // 17 + 1))
    listed = run(["list"], vault)
    assert listed.exit_code == 0 and "王偉" in listed.stdout
    assert listed.stderr == ("warning: skipped clients/huge.md: the file is over 5 MB, the most rmnotes "
                             "reads of one file; split it or move old material out of the vault; "
                             "run 'rmn check' for details\n")
    checked = run(["check"], vault)
    assert checked.exit_code == 1 and "clients/huge.md: the file is over 5 MB" in checked.stdout


def test_settings_over_the_size_limit_are_an_error(vault):
    with open(vault / "rmnotes.yaml", "a", encoding="utf-8") as f:
        f.write("#" * MAX_FILE_BYTES + "\n")
    result = run(["due"], vault)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: rmnotes.yaml: the file is over 5 MB")
