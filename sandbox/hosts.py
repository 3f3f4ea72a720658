"""The hosts file of a sandbox with networking disabled.

A container created with networking disabled skips the engine's network setup, and with it
the hosts file the engine writes for network "none": `/etc/hosts` is left empty, so
`localhost` does not resolve (Vite, dev servers and database clients fail with
`getaddrinfo EAI_AGAIN localhost`). The sandbox gets the file the engine would have written,
plus its own host name, copied in as root before it starts; the agent cannot change it.
"""

from __future__ import annotations

import io
import tarfile

import docker
import docker.errors

from sandbox.errors import SandboxError

HOSTNAME = "sandbox"
HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n"
    "fe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\n"
    "ff02::1\tip6-allnodes\n"
    "ff02::2\tip6-allrouters\n"
    # Java's InetAddress.getLocalHost and similar look up the host's own name.
    f"127.0.1.1\t{HOSTNAME}\n"
)


def _archive() -> bytes:
    data = HOSTS.encode()
    info = tarfile.TarInfo("hosts")
    info.size, info.mode = len(data), 0o644
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


_ARCHIVE = _archive()


def write_hosts(api: docker.APIClient, container_id: str) -> None:
    """Put the hosts file into a created container (root-owned, mode 0644)."""
    try:
        api.put_archive(container_id, "/etc", _ARCHIVE)
    except docker.errors.APIError as exc:
        raise SandboxError(
            f"could not write the sandbox's /etc/hosts ({exc.explanation or exc}); "
            "the sandbox image (sandbox.image) needs an /etc directory"
        ) from exc
