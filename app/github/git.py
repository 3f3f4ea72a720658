"""Running git on the host for publishing: no hooks, no user config, token only in memory."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

from app.github.errors import GitHubError

# Settings every git command gets: repository hooks and fsmonitor daemons are code that a
# patch could plant, so they never run; signing or user config would make commits differ.
_SAFE_CONFIG = {
    "core.hooksPath": "/dev/null",
    "core.fsmonitor": "false",
    "commit.gpgSign": "false",
    "protocol.file.allow": "never",
    "http.followRedirects": "false",
}


class GitError(GitHubError):
    """A git command failed; its output is included with the token removed."""


class Git:
    """Runs git commands in one work tree with the installation token as HTTP basic auth."""

    def __init__(self, workdir: Path, token: str, *, timeout_s: float = 300.0) -> None:
        self.workdir = workdir
        self._token = token
        self.timeout_s = timeout_s

    def _env(self) -> dict[str, str]:
        # The token travels in an environment-level config entry: never in argv (visible in
        # the process list), never in .git/config, never in a remote URL that git may echo.
        basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
        config = {**_SAFE_CONFIG, "http.extraHeader": f"Authorization: Basic {basic}"}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir.parent),
            "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_COUNT": str(len(config)),
        }
        for i, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{i}"] = key
            env[f"GIT_CONFIG_VALUE_{i}"] = value
        return env

    def redact(self, text: str) -> str:
        basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
        return text.replace(self._token, "***").replace(basic, "***")

    async def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> str:
        """Run `git ARGS` in the work tree; returns stdout, raises `GitError` on failure."""
        proc = await asyncio.create_subprocess_exec(
            "git",
            *args,
            cwd=self.workdir if self.workdir.exists() else self.workdir.parent,
            env={**self._env(), **(env or {})},
            stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(input), self.timeout_s)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise GitError(f"git {args[0]} took longer than {self.timeout_s:.0f}s") from None
        if check and proc.returncode != 0:
            detail = self.redact(err.decode(errors="replace").strip())[-2000:]
            raise GitError(f"git {args[0]} failed (exit {proc.returncode}): {detail}")
        return out.decode(errors="replace")
