"""Keeping setup secrets out of what a build leaves behind: output, image layers, sandboxes."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping

import docker

from sandbox.errors import SandboxError
from sandbox.execution import Capture, run_exec

MASK = "***"
SCAN_LIST = "/opt/autofix/secret-scan.list"
_SCAN_PREFIX = "AUTOFIX_SCAN_"
# Print `NAME<TAB>PATH` for every changed file that holds a secret's value. The values come
# in through the environment of this one command: never argv, never a file.
_SCAN = f"""for name in $SCAN_NAMES; do
  var="{_SCAN_PREFIX}$name"
  xargs -0 -r grep -lsaF -e "${{!var}}" -- < {SCAN_LIST} | while IFS= read -r path; do
    printf '%s\\t%s\\n' "$name" "$path"
  done
done
rm -f {SCAN_LIST}
"""


class SecretLeaked(SandboxError):
    """Setup left a secret's value in the image it would become (e.g. a registry token file)."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        self.found = found
        where = ", ".join(f"{name} in {path}" for name, path in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        super().__init__(
            f"sandbox setup left setup secret values in the environment image ({where}{more}), "
            "so it was not kept: secrets listed in `sandbox.setup_secrets` may only be used "
            "while setup runs. Read them from the environment (e.g. `${NAME}` in .npmrc or "
            "pip's --index-url) instead of writing them to files, or delete such files in the "
            "same setup command."
        )


def redact(capture: Capture, values: Mapping[str, str]) -> str:
    """The capture's text with every secret value, and any part of one cut at the capture's
    head/tail boundary, replaced by ***."""
    text = capture.text()
    for value in sorted(values.values(), key=len, reverse=True):
        text = text.replace(value, MASK)
        # Output cut in the middle can end the head or start the tail with part of a value.
        for size in range(len(value) - 1, 3, -1):
            head, tail = value[:size], value[-size:]
            text = text.replace(head + "\n[...", MASK + "\n[...")
            text = text.replace("here ...]\n" + tail, "here ...]\n" + MASK)
            if text.endswith(head):
                text = text[: -len(head)] + MASK
    return text


def find_leaks(
    api: docker.APIClient, container_id: str, values: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(secret name, path) for every file the container added or changed that holds a value."""
    changed = [entry["Path"] for entry in api.diff(container_id) or () if entry["Kind"] != 2]
    if not changed or not values:
        return []
    found = [
        (name, _masked(path, values))
        for path in changed
        for name, value in values.items()
        if value in path
    ]
    listing = "\0".join(changed).encode() + b"\0"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(SCAN_LIST.rsplit("/", 1)[1])
        info.size = len(listing)
        tar.addfile(info, io.BytesIO(listing))
    api.put_archive(container_id, SCAN_LIST.rsplit("/", 1)[0], buf.getvalue())
    env = {f"{_SCAN_PREFIX}{name}": value for name, value in values.items()}
    env["SCAN_NAMES"] = " ".join(values)
    out = Capture(64_000)
    code = run_exec(
        api, container_id, ["bash", "-c", _SCAN], user="0:0", workdir="/", env=env, out=out,
        deadline_s=600,
    )  # fmt: skip
    if code != 0:
        raise SandboxError(f"checking the environment image for setup secrets failed: {out.text()}")
    for line in out.text().splitlines():
        name, _, path = line.partition("\t")
        if name in values and path:
            found.append((name, _masked(path, values)))
    return found


def _masked(text: str, values: Mapping[str, str]) -> str:
    for value in values.values():
        text = text.replace(value, MASK)
    return text
