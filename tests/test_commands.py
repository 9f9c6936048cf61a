"""The vault commands as a new user meets them: init, new, edit, show, list, history, shell-init."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import CONFIG, git, run, write_client

WANG = """\
    ---
    name: 王偉
    aliases: [David Wang]
    tier: A
    tags: [golf]
    profile: {mobile: 0912345678, birthday: 1975-06-12, occupation: 工程師}
    family:
      - {name: 林淑芬, relation: spouse, client: lin-shufen}
    assets:
      - {name: 定存, type: deposit, institution: ours, value: 3000000}
      - {name: 美元債, type: bond, value: 10000, currency: USD}
      - {name: 房貸, type: mortgage, value: 1000000}
    ---
    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案
    - [x] 2026-11-10 確認基金轉換

    ## Log
    - 2026-11-05 M 季度資產回顧
    - 2026-11-20 14:30 T 基金到期續作
"""


def commit_all(vault, message="setup"):
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", message)


def messages(vault) -> list[str]:
    return git(vault, "log", "--format=%s").splitlines()


# ---------------------------------------------------------------- init
def test_init_creates_a_private_committed_vault(tmp_path):
    root = tmp_path / "book"
    result = run(["init", str(root), "--owner", "陳經理"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in root.iterdir()) == [".git", ".gitattributes", ".gitignore", ".rmnotes", "clients",
                                                      "rmnotes.yaml"]
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "rmnotes.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "clients").stat().st_mode) == 0o700
    assert "owner: 陳經理" in (root / "rmnotes.yaml").read_text(encoding="utf-8")
    assert messages(root) == ["init: create vault of 陳經理 (0 client files)"]
    assert git(root, "remote").strip() == ""
    assert git(root, "config", "user.name").strip() == "陳經理"  # no global identity needed
    assert run(["check"], root).output == ""


def test_init_writes_example_rates_for_its_base_currency(tmp_path):
    """--currency CNY gets rates in yuan (USD 7.172), never the template's rates in TWD,
    which would make a USD 10,000 holding 312,000 yuan; the settings check clean."""
    from rmnotes.parse.config import parse_config

    for currency, region, usd, language in (("CNY", "CN", "7.172", "zh_CN"), ("TWD", "TW", "31.2", "zh_TW"),
                                            ("HKD", "HK", "7.8", "zh_HK")):
        root = tmp_path / currency
        assert run(["init", str(root), "--currency", currency, "--region", region]).exit_code == 0
        text = (root / "rmnotes.yaml").read_text(encoding="utf-8")
        config, issues = parse_config(text)
        assert str(config.fx["USD"]) == usd and currency not in config.fx and not issues, (currency, text)
        assert f"# language: {language} " in text
    assert run(["init", str(tmp_path / "eur"), "--currency", "EUR"]).exit_code == 0
    assert parse_config((tmp_path / "eur" / "rmnotes.yaml").read_text(encoding="utf-8"))[0].fx == {}


def test_settings_giving_the_base_currency_a_rate_are_a_warning(vault):
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("base_currency: TWD", "base_currency: CNY"),
                        encoding="utf-8")
    result = run(["check"], vault)
    assert "fx gives CNY a rate of 4.35, but CNY is the base currency (1)" in result.stdout, result.stdout


def test_init_adopts_existing_files(tmp_path):
    root = tmp_path / "book"
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    write_client(root, "wang-wei", WANG)
    result = run(["init", str(root)])
    assert result.exit_code == 0
    assert "adopted 1 client file in" in result.stderr
    assert git(root, "ls-files").split() == [".gitattributes", ".gitignore", "clients/wang-wei.md", "rmnotes.yaml"]
    assert messages(root) == ["init: adopt vault of 陳經理 (1 client files)"]
    assert stat.S_IMODE((root / "clients" / "wang-wei.md").stat().st_mode) == 0o600


def test_init_of_a_book_already_in_git_counts_its_client_files(tmp_path):
    """A folder whose files a user committed with git before: adopted, and its count is the
    book's, not the number of files this commit adds."""
    root = tmp_path / "book"
    (root / "clients").mkdir(parents=True)
    (root / "rmnotes.yaml").write_text(CONFIG, encoding="utf-8")
    write_client(root, "wang-wei", WANG)
    write_client(root, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    git_init = ["-c", "user.name=me", "-c", "user.email=me@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *git_init, "commit", "-q", "-m", "mine"], cwd=root, check=True)
    result = run(["init", str(root)])
    assert result.exit_code == 0, result.output
    assert "adopted 2 client files in" in result.stderr


def test_init_twice_changes_nothing(vault):
    before = git(vault, "rev-parse", "HEAD")
    assert run(["init", str(vault)]).exit_code == 0
    assert git(vault, "rev-parse", "HEAD") == before


# ---------------------------------------------------------------- new
def test_new_names_the_file_by_pinyin_and_commits(vault):
    result = run(["new", "測試客戶", "--no-edit", "--tier", "A"], vault)
    assert result.exit_code == 0, result.output
    path = vault / "clients" / "ce-shi-ke-hu.md"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "tier: A" in path.read_text(encoding="utf-8")
    assert messages(vault)[0] == "new: 測試客戶 (ce-shi-ke-hu)"
    assert run(["check"], vault).output == ""  # the template is valid
    run(["new", "測試客戶", "--no-edit", "--duplicate"], vault)
    assert (vault / "clients" / "ce-shi-ke-hu-2.md").exists()


def test_new_surname_readings(vault):
    for name in ("曾國強", "單志明", "區家豪"):
        assert run(["new", name, "--no-edit"], vault).exit_code == 0
    assert sorted(p.stem for p in (vault / "clients").glob("*.md")) == [
        "ou-jia-hao", "shan-zhi-ming", "zeng-guo-qiang"]


def test_new_english_name(vault):
    run(["new", "David Lin", "--no-edit"], vault)
    assert (vault / "clients" / "david-lin.md").read_text(encoding="utf-8").startswith("---\nname: David Lin\n")


# ---------------------------------------------------------------- edit and hand edits
def editor_script(tmp_path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\np = sys.argv[1]\n{body}\n", encoding="utf-8")
    return f"{sys.executable} {script}"


def edited(vault, tmp_path, monkeypatch, old: str, new: str):
    """``rmn edit wang`` of 王偉's committed file, the editor replacing ``old`` by ``new``."""
    write_client(vault, "wang-wei", WANG)
    commit_all(vault)
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, (
        f"t = open(p, encoding='utf-8').read().replace({old!r}, {new!r})\n"
        "open(p, 'w', encoding='utf-8').write(t)")))
    return run(["edit", "wang"], vault)


def test_edit_validates_and_commits_even_when_invalid(vault, tmp_path, monkeypatch):
    result = edited(vault, tmp_path, monkeypatch, "tier: A", "tier: A\ntier: B")
    assert result.exit_code == 0
    assert "clients/wang-wei.md:5: duplicate key 'tier' (first at line 4)" in result.stderr
    assert "committed so nothing is lost" in result.stderr
    assert messages(vault)[0] == "edit: 王偉 (wang-wei)"
    assert git(vault, "status", "--porcelain") == ""


def test_edit_reports_what_check_reports(vault, tmp_path, monkeypatch):
    """A tier the settings do not define is said at once, as rmn check says it."""
    result = edited(vault, tmp_path, monkeypatch, "tier: A", "tier: Q")
    assert result.exit_code == 0
    assert "clients/wang-wei.md:4: tier 'Q' is not one of the tiers in rmnotes.yaml (A, B, C)" in result.stderr
    assert run(["check"], vault).stdout.strip() in result.stderr


def test_hand_edits_get_their_own_commit_before_the_tools(vault, tmp_path, monkeypatch):
    write_client(vault, "wang-wei", WANG)
    commit_all(vault)
    write_client(vault, "lin-shufen", "---\nname: 林淑芬\n---\n")  # a hand-made file
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, (
        "open(p, 'a', encoding='utf-8').write('- 2026-11-25 S 已讀\\n')")))
    assert run(["edit", "wang-wei"], vault).exit_code == 0
    def commit(rev):
        return git(vault, "show", "--name-only", "--format=%s", rev).split()

    assert commit("HEAD") == ["edit:", "王偉", "(wang-wei)", "clients/wang-wei.md"]
    assert commit("HEAD~1") == ["hand", "edits:", "clients/lin-shufen.md", "clients/lin-shufen.md"]


# ---------------------------------------------------------------- show, list
def test_show_at_a_glance(vault):
    write_client(vault, "wang-wei", WANG)
    out = run(["show", "王偉", "--as-of", "2026-11-28"], vault).stdout
    assert "王偉" in out and "wang-wei" in out
    assert "0912345678" in out
    assert "1975-06-12 (51)" in out
    assert "1. " in out and "寄送保險提案" in out and "確認基金轉換" not in out
    assert "assets 3,312,000 TWD" in out and "at our bank 3,000,000" in out
    assert "net worth 2,312,000" in out
    assert out.index("2026-11-20") < out.index("2026-11-05")  # newest first


def test_show_json_is_the_front_matter_plus_id(vault):
    write_client(vault, "wang-wei", WANG)
    data = json.loads(run(["show", "wang-wei", "--json"], vault).stdout)
    assert data["id"] == "wang-wei" and data["name"] == "王偉"
    assert data["profile"] == {"mobile": "0912345678", "birthday": "1975-06-12", "occupation": "工程師"}
    assert data["assets"][1]["value"] == 10000


def test_show_names_a_missing_rate_instead_of_a_wrong_total(vault):
    write_client(vault, "x", "---\nname: 陳\nassets:\n  - {name: 日圓存款, value: 100, currency: JPY}\n---\n")
    out = run(["show", "x"], vault).stdout
    assert "日圓存款" in out and "JPY has no rate" in out


def test_list_json_and_filters(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\ntier: B\nstatus: prospect\n---\n")
    data = json.loads(run(["list", "--json"], vault).stdout)
    assert [(d["id"], d["name"]) for d in data] == [("chen-mei-ling", "陳美玲"), ("wang-wei", "王偉")]
    assert [d["id"] for d in json.loads(run(["list", "--json", "--tier", "A"], vault).stdout)] == ["wang-wei"]
    assert [d["id"] for d in json.loads(run(["list", "--json", "--status", "prospect"], vault).stdout)] == ["chen-mei-ling"]
    assert [d["id"] for d in json.loads(run(["list", "--json", "--tag", "golf"], vault).stdout)] == ["wang-wei"]


def test_list_table_aligns_chinese_names(vault):
    from rich.cells import cell_len

    write_client(vault, "wang-wei", WANG)
    write_client(vault, "david-lin", "---\nname: David Lin\n---\n")
    write_client(vault, "ou-yang-na-na", "---\nname: 歐陽娜娜\n---\n")
    lines = run(["list"], vault).stdout.splitlines()
    assert len(lines) == 4
    # the status column starts at the same screen cell on every row, whatever the name's width
    starts = {cell_len(line[: line.index("active")]) for line in lines[1:]}
    assert len(starts) == 1
    assert cell_len(lines[0][: lines[0].index("status")]) in starts


# ---------------------------------------------------------------- history
def test_history_newest_first_with_patch(vault, tmp_path, monkeypatch):
    run(["new", "王偉", "--no-edit"], vault)
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, (
        "open(p, 'a', encoding='utf-8').write('- 2026-11-25 S 已讀\\n')")))
    run(["edit", "wang-wei"], vault)
    out = run(["history", "wangwei"], vault).stdout.splitlines()
    assert [line.split("  ")[-1] for line in out] == ["edit: 王偉 (wang-wei)", "new: 王偉 (wang-wei)"]
    patch = run(["history", "wang-wei", "--patch", "-n", "1"], vault).stdout
    assert "+- 2026-11-25 S 已讀" in patch


# ---------------------------------------------------------------- resolution and errors
@pytest.mark.parametrize("query", ["wang-wei", "王偉", "David Wang", "davidwang", "wangwei", "wang wei", "wang", "王"])
def test_client_resolution(vault, query):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    assert json.loads(run(["show", query, "--json"], vault).stdout)["id"] == "wang-wei"


def test_simplified_characters_find_traditional_names(vault):
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    assert json.loads(run(["show", "陈美玲", "--json"], vault).stdout)["id"] == "chen-mei-ling"


def test_surname_pinyin_resolution(vault):
    write_client(vault, "zeng-guo-qiang", "---\nname: 曾國強\n---\n")
    write_client(vault, "shan-zhi-ming", "---\nname: 單志明\n---\n")
    assert json.loads(run(["show", "zengguoqiang", "--json"], vault).stdout)["name"] == "曾國強"
    assert json.loads(run(["show", "shan zhi ming", "--json"], vault).stdout)["name"] == "單志明"


def test_ambiguous_and_unknown_clients_are_errors_listing_candidates(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "wang-mei-hua", "---\nname: 王美華\n---\n")
    result = run(["show", "wang"], vault)
    assert result.exit_code == 1
    assert result.stderr == ("rmn: error: 'wang' matches 2 clients: 王美華 (wang-mei-hua), 王偉 (wang-wei); "
                             "give more of the name or the id\n")
    result = run(["show", "wangwie"], vault)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: no client matches 'wangwie'; nearest: 王偉 (wang-wei)")


def test_no_vault_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("RMNOTES_VAULT")
    monkeypatch.chdir(tmp_path)
    result = run(["list"])
    assert result.exit_code == 1
    assert "no vault here" in result.stderr and "rmn init" in result.stderr


def test_vault_found_from_env_and_by_walking_up(vault, monkeypatch):
    write_client(vault, "wang-wei", WANG)
    monkeypatch.setenv("RMNOTES_VAULT", str(vault))
    assert run(["list", "--json"]).exit_code == 0
    monkeypatch.delenv("RMNOTES_VAULT")
    monkeypatch.chdir(vault / "clients")
    assert json.loads(run(["list", "--json"]).stdout)[0]["id"] == "wang-wei"


def test_usage_errors_exit_2(vault):
    assert run(["show"], vault).exit_code == 2
    assert run(["list", "--bogus"], vault).exit_code == 2


def test_debug_shows_the_traceback(vault):
    from rmnotes.errors import ClientNotFound
    with pytest.raises(ClientNotFound):
        run(["--debug", "show", "nobody"], vault)


def test_version():
    from rmnotes import __version__
    assert run(["--version"]).stdout == f"rmnotes, version {__version__}\n"


# ---------------------------------------------------------------- shell-init
def test_shell_init_sends_subcommands_to_rmnotes_and_the_rest_to_rm(tmp_path):
    script = run(["shell-init", "bash"]).stdout
    assert "command rm \"$@\"" in script and "check|" in script
    victim = tmp_path / "victim.txt"
    victim.write_text("x")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "rmn"
    fake.write_text("#!/bin/sh\necho \"rmn got: $*\"\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    out = subprocess.run(["bash", "-c", f"{script}\nrm list --json\nrm {victim}\necho gone=$?"],
                         capture_output=True, text=True, env=env).stdout
    assert "rmn got: list --json" in out
    assert "gone=0" in out and not victim.exists()


def test_list_json_of_the_whole_book_equals_the_filtered_path(sample):
    """`rmn list --json` with no filter is written by SQLite; it must say exactly what the
    filtered path says when the filter keeps everyone."""
    whole = run(["list", "--json"], sample).stdout
    every = run(["list", "--json", "--status", "active", "--status", "prospect", "--status", "dormant",
                 "--status", "closed"], sample).stdout
    assert whole == every
    assert len(json.loads(whole)) == 40


def test_new_at_a_terminal_commits_the_template_then_the_edit(vault, tmp_path):
    """At a terminal `rmn new` opens $EDITOR; the tool's file and the user's edit are two commits."""
    import pty

    editor = editor_script(tmp_path, "t = open(p, encoding='utf-8').read().replace('tags: []', 'tags: [golf]')\n"
                                     "open(p, 'w', encoding='utf-8').write(t)")
    leader, follower = pty.openpty()
    env = dict(os.environ, EDITOR=editor)
    proc = subprocess.run([sys.executable, "-m", "rmnotes", "--vault", str(vault), "new", "王偉"],
                          stdin=follower, stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(follower)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.decode() == "created clients/wang-wei.md\n"
    assert messages(vault)[:2] == ["edit: 王偉 (wang-wei)", "new: 王偉 (wang-wei)"]
    assert "tags: [golf]" in (vault / "clients" / "wang-wei.md").read_text(encoding="utf-8")
    assert git(vault, "status", "--porcelain") == ""
