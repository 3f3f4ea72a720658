"""The env file: private from its first byte, never through a link, other lines kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.setup.envfile import EnvFile
from app.setup.errors import SetupError


def test_a_new_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        EnvFile(tmp_path / ".env").update({"AUTOFIX_WEBHOOK_SECRET": "s" * 40})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [".env"]  # no temporary file left


def test_a_readable_file_becomes_private(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("ANTHROPIC_API_KEY=sk-1\n")
    path.chmod(0o644)
    EnvFile(path).update({"AUTOFIX_WEBHOOK_SECRET": "s" * 40})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == f"ANTHROPIC_API_KEY=sk-1\nAUTOFIX_WEBHOOK_SECRET='{'s' * 40}'\n"


def test_a_symlink_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("KEEP=1\n")
    link = tmp_path / ".env"
    link.symlink_to(target)
    with pytest.raises(SetupError, match="symlink"):
        EnvFile(link).update({"AUTOFIX_WEBHOOK_SECRET": "s" * 40})
    assert target.read_text() == "KEEP=1\n" and link.is_symlink()


def test_existing_values_are_refused_unless_overwriting(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("export AUTOFIX_GITHUB_APP_ID=7\nAUTOFIX_WEBHOOK_SECRET=\n")
    env = EnvFile(path)
    keys = ("AUTOFIX_GITHUB_APP_ID", "AUTOFIX_WEBHOOK_SECRET")
    with pytest.raises(SetupError, match="AUTOFIX_GITHUB_APP_ID") as refused:
        env.ensure_free(keys, overwrite=False)
    assert "AUTOFIX_WEBHOOK_SECRET" not in str(refused.value)  # empty values are free
    env.ensure_free(keys, overwrite=True)


def test_a_multiline_value_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        'A=1\nAUTOFIX_GITHUB_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\nQUJD\n'
        '-----END RSA PRIVATE KEY-----"\nB=2\n'
    )
    EnvFile(path).update({"AUTOFIX_GITHUB_PRIVATE_KEY": "new"})
    assert path.read_text() == "A=1\nB=2\nAUTOFIX_GITHUB_PRIVATE_KEY='new'\n"


def test_kept_keys_are_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("AUTOFIX_PUBLIC_URL=https://mine.example\n")
    EnvFile(path).update(
        {"AUTOFIX_PUBLIC_URL": "https://other.example", "AUTOFIX_SESSION_SECRET": "x" * 64},
        keep=("AUTOFIX_PUBLIC_URL", "AUTOFIX_SESSION_SECRET"),
    )
    assert path.read_text() == (
        f"AUTOFIX_PUBLIC_URL=https://mine.example\nAUTOFIX_SESSION_SECRET='{'x' * 64}'\n"
    )


@pytest.mark.parametrize("value", ["a'b", "a\nB=1", "a\rb", "a\0b"])
def test_values_that_would_break_out_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(SetupError, match="quote or line break"):
        EnvFile(tmp_path / ".env").update({"AUTOFIX_GITHUB_CLIENT_ID": value})
    assert not (tmp_path / ".env").exists()


def test_a_value_equal_to_the_new_one_is_no_conflict(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("AUTOFIX_PUBLIC_URL='https://a.example'\nAUTOFIX_GITHUB_API_URL=https://x\n")
    env = EnvFile(path)
    env.ensure_free(["AUTOFIX_PUBLIC_URL"], False, same={"AUTOFIX_PUBLIC_URL": "https://a.example"})
    with pytest.raises(SetupError, match="AUTOFIX_PUBLIC_URL"):
        env.ensure_free(
            ["AUTOFIX_PUBLIC_URL"], False, same={"AUTOFIX_PUBLIC_URL": "https://b.example"}
        )
