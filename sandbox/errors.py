"""The sandbox's exception tree: every message says what happened and what to do next."""

from __future__ import annotations


class SandboxError(Exception):
    """Anything that went wrong while preparing or using a sandbox."""


class DockerUnavailable(SandboxError):
    """The Docker engine could not be reached."""


class ImageError(SandboxError):
    """The sandbox image is missing or lacks a tool autofix needs."""


class CommitNotFound(SandboxError):
    """The base commit does not exist in the repository."""


class PatchTooLarge(SandboxError):
    """The workspace's changes come to a diff over the cap; none of it left the sandbox."""

    def __init__(self, cap_bytes: int, largest: str) -> None:
        self.cap_bytes = cap_bytes
        self.largest = largest
        where = f"; largest changed files: {largest}" if largest else ""
        super().__init__(
            f"the changes come to more than {cap_bytes:,} bytes of diff, over the patch cap, so "
            f"the patch was discarded{where}. Keep changes to source files; generated or "
            "downloaded files do not belong in a fix"
        )


class SetupFailed(SandboxError):
    """A repository setup command failed while building the environment image."""

    def __init__(self, command: str, exit_code: int, output: str, *, timed_out: bool = False):
        self.command = command
        self.exit_code = exit_code
        self.output = output
        self.timed_out = timed_out
        what = "timed out" if timed_out else f"exited with code {exit_code}"
        super().__init__(
            f"sandbox setup command {command!r} {what}; fix `sandbox.setup` in "
            f".github/autofix.yml (it runs in the sandbox image at /workspace). Output:\n{output}"
        )
