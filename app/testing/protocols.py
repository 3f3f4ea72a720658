"""The sandbox operations test runs need; `DockerSandboxes` and its sandboxes provide them."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Output(Protocol):
    """What a sandbox command returns."""

    @property
    def exit_code(self) -> int: ...

    @property
    def output(self) -> str: ...

    @property
    def timed_out(self) -> bool: ...

    @property
    def truncated_bytes(self) -> int: ...


class RunSandbox(Protocol):
    """The sandbox operations a test run uses."""

    # The sandbox enforces the timeout inside the container (docker exec cannot be cancelled).
    async def exec(self, command: str, timeout: float, /) -> Output: ...  # noqa: ASYNC109

    async def apply(self, patch: str) -> Output: ...

    async def reset_paths(self, paths: tuple[str, ...]) -> None: ...


class SandboxOpener(Protocol):
    """Opens a fresh sandbox on the base commit with `hidden` paths removed."""

    def __call__(
        self, purpose: str, hidden: Sequence[str]
    ) -> AbstractAsyncContextManager[RunSandbox]: ...
