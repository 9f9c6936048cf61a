"""An encrypted remote: ``rmn sync`` through a ``gcrypt::`` URL (git-remote-gcrypt) holds
only ciphertext on the server. A throwaway GPG key without a passphrase lives in a
temporary ``GNUPGHOME``; the server is a bare repository reached by its path."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import git, run, write_client

pytestmark = pytest.mark.skipif(
    shutil.which("git-remote-gcrypt") is None or shutil.which("gpg") is None,
    reason="git-remote-gcrypt and gnupg are installed by scripts/setup.sh")

SECRET = """\
    ---
    name: 曾國強
    aliases: [Kenneth Tseng]
    profile:
      mobile: "0912987654"
    ---
    Notes nobody on the server may read.

    ## Log
    - 2026-11-05 M 季度資產回顧，談到遺產規劃
"""


@pytest.fixture
def gpg_key(monkeypatch) -> str:
    """A new key pair (sign + encrypt, no passphrase) in a temporary GNUPGHOME; its
    fingerprint. The GPG agent it starts is stopped afterwards."""
    home = Path(tempfile.mkdtemp(prefix="gpg", dir="/tmp"))  # short: the agent's socket lives there
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    quiet = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]
    try:
        subprocess.run([*quiet, "--quick-gen-key", "rmnotes test <test@example.invalid>", "ed25519",
                        "cert,sign", "never"], check=True, capture_output=True)
        listed = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], check=True,
                                capture_output=True, text=True).stdout
        fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:"))
        subprocess.run([*quiet, "--quick-add-key", fingerprint, "cv25519", "encr", "never"], check=True,
                       capture_output=True)
        yield fingerprint
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _objects(bare: Path) -> bytes:
    """Everything the server holds: every object's content, and every file's bytes."""
    contents = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=bare,
                              capture_output=True, check=True).stdout
    files = b"".join(p.read_bytes() for p in bare.rglob("*") if p.is_file())
    return contents + files


def test_sync_through_gcrypt_keeps_the_server_blind(vault, tmp_path, gpg_key):
    server = tmp_path / "server.git"
    server.mkdir()
    git(server, "init", "-q", "--bare")
    write_client(vault, "zeng-guo-qiang", SECRET)
    url = f"gcrypt::{server}"
    assert run(["remote", "add", url], vault=vault).exit_code == 0
    git(vault, "config", "remote.origin.gcrypt-participants", gpg_key)
    first = run(["sync"], vault=vault)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == "sync: 0 entries in, 1 out, 0 conflicts"

    held = _objects(server)
    assert len(held) > 1000  # the server did receive the book, encrypted
    for secret in ("曾國強", "Kenneth Tseng", "zeng-guo-qiang", "0912987654", "遺產規劃", "rmnotes.yaml"):
        assert secret.encode("utf-8") not in held, secret

    # a second device clones through the same URL, with the key, and both keep syncing
    laptop = tmp_path / "laptop"
    subprocess.run(["git", "clone", "-q", url, str(laptop)], check=True, capture_output=True)
    git(laptop, "config", "remote.origin.gcrypt-participants", gpg_key)
    assert (laptop / "clients/zeng-guo-qiang.md").read_bytes() == (vault / "clients/zeng-guo-qiang.md").read_bytes()
    assert run(["log", "zeng-guo-qiang", "T", "確認信託文件", "--date", "2026-11-20"], vault=laptop).exit_code == 0
    assert run(["sync"], vault=laptop).stdout.strip() == "sync: 0 entries in, 1 out, 0 conflicts"
    back = run(["sync"], vault=vault)
    assert back.stdout.strip() == "sync: 1 entry in, 0 out, 0 conflicts", back.stderr
    assert "確認信託文件" in (vault / "clients/zeng-guo-qiang.md").read_text(encoding="utf-8")
    assert "確認信託文件".encode("utf-8") not in _objects(server)
