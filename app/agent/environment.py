"""What the agent needs from a sandbox: run a command, read a file, show the diff."""

from __future__ import annotations

from typing import Protocol


class CommandOutput(Protocol):
    """The result of one command, as the sandbox reports it."""

    @property
    def exit_code(self) -> int: ...

    @property
    def output(self) -> str: ...

    @property
    def truncated_bytes(self) -> int: ...

    @property
    def timed_out(self) -> bool: ...


class Environment(Protocol):
    """A repository checkout the agent works in; every command starts at its root."""

    async def exec(self, command: str, timeout_s: float, /) -> CommandOutput: ...

    async def read_file(self, path: str, /, max_bytes: int | None = None) -> bytes: ...

    async def diff(self) -> str: ...
