"""The sandbox's exception tree: every message says what happened and what to do next."""

from __future__ import annotations

import re


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


# What tools print when they cannot resolve or reach a host.
_OFFLINE = re.compile(
    r"Temporary failure in name resolution|Name or service not known|Could not resolve|"
    r"Network is unreachable|getaddrinfo|EAI_AGAIN|ENOTFOUND|ENETUNREACH|"
    r"Failed to establish a new connection|No address associated with hostname|"
    r"dial tcp: lookup|Couldn.t resolve host|Failed to fetch http|Temporary failure resolving|"
    r"\(from versions: none\)",
    re.IGNORECASE,
)
NETWORK_SETTING = "AUTOFIX_SETUP_NETWORK"


class SetupFailed(SandboxError):
    """A repository setup command failed while building the environment image."""

    def __init__(
        self,
        command: str,
        exit_code: int,
        output: str,
        *,
        timed_out: bool = False,
        network: str | None = None,
    ):
        self.command = command
        self.exit_code = exit_code
        self.output = output
        self.timed_out = timed_out
        self.offline = network == "none" and bool(_OFFLINE.search(output))
        what = "timed out" if timed_out else f"exited with code {exit_code}"
        why = ""
        if self.offline:
            why = (
                " It could not reach the network: setup runs with network 'none' in this "
                f"deployment. The operator chooses the setup network with {NETWORK_SETTING} "
                "(e.g. bridge, or a Docker network that reaches the package registries)."
            )
        elif network == "none":
            why = (
                " Setup runs without network in this deployment; if the step downloads "
                f"something, the operator chooses the setup network with {NETWORK_SETTING}."
            )
        super().__init__(
            f"sandbox setup command {command!r} {what}; fix `sandbox.setup` in "
            f".github/autofix.yml (it runs in the sandbox image at /workspace).{why} "
            f"Output:\n{output}"
        )
