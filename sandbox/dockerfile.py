"""A repository's own environment Dockerfile: checked base images, its context, its build."""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import docker
import docker.errors

from sandbox.errors import ImageError, SandboxError
from sandbox.models import Limits

KEY = "sandbox.dockerfile"
_FROM_FLAG = re.compile(r"--from=(\S+)", re.IGNORECASE)


class DockerfileRefused(ImageError):
    """The Dockerfile names an image it may not use, or cannot be read safely."""


@dataclass(frozen=True)
class DockerfileBuild:
    """One build of a repository Dockerfile with its context, on the setup network."""

    context: bytes  # a tar with the Dockerfile's folder; the Dockerfile is at `dockerfile`
    dockerfile: str
    repository: str
    tag: str
    network: str
    limits: Limits
    timeout_s: float
    labels: dict[str, str] = field(default_factory=dict)


def _instructions(text: str) -> Iterable[tuple[int, str, str]]:
    """(line number, INSTRUCTION, arguments) with continuation lines joined."""
    start, parts = 0, list[str]()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not parts and (not stripped or stripped.startswith("#")):
            # A directive changing the escape character would make this reading differ
            # from the builder's.
            if not start and re.match(r"#\s*escape\s*=", stripped, re.IGNORECASE):
                raise DockerfileRefused(
                    f"{KEY}: the `# escape=` parser directive is not supported; remove it"
                )
            continue
        if parts and stripped.startswith("#"):
            continue  # a comment between continuation lines
        if not parts:
            start = number
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(stripped)
        words = " ".join(parts).split(None, 1)
        parts = []
        yield start, words[0].upper(), words[1] if len(words) > 1 else ""


def check_bases(text: str, allowed: Iterable[str]) -> tuple[str, ...]:
    """The images the Dockerfile starts from, each an allowed image; DockerfileRefused naming
    the line otherwise (a later stage may start from an earlier one)."""
    allowed_set, stages, bases = set(allowed), set[str](), []

    def usable(name: str, line: int, what: str) -> None:
        if "$" in name:
            raise DockerfileRefused(
                f"{KEY} line {line}: {what} {name!r} uses a variable; name the image literally"
            )
        if name.lower() not in stages and name not in allowed_set:
            choices = ", ".join(sorted(allowed_set)) or "none"
            raise DockerfileRefused(
                f"{KEY} line {line}: {what} {name!r} is not an allowed image; a repository "
                f"Dockerfile may start FROM: {choices} (the operator's AUTOFIX_ALLOWED_IMAGES)"
            )

    for line, instruction, args in _instructions(text):
        if instruction == "ONBUILD":
            raise DockerfileRefused(f"{KEY} line {line}: ONBUILD is not supported; remove it")
        if instruction == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            if not words:
                raise DockerfileRefused(f"{KEY} line {line}: FROM names no image")
            usable(words[0], line, "FROM")
            bases.append(words[0])
            if len(words) >= 3 and words[1].upper() == "AS":
                stages.add(words[2].lower())
            stages.add(str(len(bases) - 1))
        elif instruction in ("COPY", "ADD"):
            for source in _FROM_FLAG.findall(args):
                usable(source, line, "--from")
        elif instruction == "RUN" and "--mount" in args.split(None, 1)[0:1]:
            raise DockerfileRefused(f"{KEY} line {line}: RUN --mount is not supported")
    if not bases:
        raise DockerfileRefused(f"{KEY}: the Dockerfile has no FROM line")
    return tuple(bases)


@dataclass(frozen=True)
class Context:
    """The Dockerfile's folder as the snapshot holds it (hidden paths are already gone)."""

    tarball: bytes
    dockerfile: str  # its path inside the tarball
    text: str  # the Dockerfile itself
    digest: str  # of every path, mode and content


def context_of(snapshot_tar: bytes, dockerfile: str) -> Context:
    """The build context of `dockerfile` (a path in the repository), without .git."""
    path = PurePosixPath(dockerfile)
    folder = path.parent
    prefix = "" if str(folder) == "." else f"{folder}/"
    digest = hashlib.sha256()
    out = io.BytesIO()
    text: str | None = None
    with (
        tarfile.open(fileobj=io.BytesIO(snapshot_tar)) as source,
        tarfile.open(fileobj=out, mode="w") as target,
    ):
        for member in sorted(source.getmembers(), key=lambda m: m.name):
            name = member.name.removeprefix("./")
            if not name.startswith(prefix) or name == prefix.rstrip("/"):
                continue
            inner = name[len(prefix) :]
            if inner == ".git" or inner.startswith(".git/") or not inner:
                continue
            if not (member.isfile() or member.isdir() or member.issym()):
                continue
            copy = tarfile.TarInfo(inner)
            copy.type, copy.mode, copy.linkname = member.type, member.mode, member.linkname
            copy.size = member.size if member.isfile() else 0
            data = source.extractfile(member) if member.isfile() else None
            body = data.read() if data else b""
            if inner == path.name and member.isfile():
                text = body.decode("utf-8", errors="replace")
            digest.update(f"{inner}\0{member.type!r}\0{member.mode}\0{member.linkname}\0".encode())
            digest.update(hashlib.sha256(body).digest())
            target.addfile(copy, io.BytesIO(body) if member.isfile() else None)
    if text is None:
        raise DockerfileRefused(
            f"{KEY}: {dockerfile} is not a file in the repository at this commit; fix the path"
        )
    return Context(out.getvalue(), path.name, text, digest.hexdigest())


def build_dockerfile(client: docker.DockerClient, build: DockerfileBuild) -> str:
    """Build it with the legacy builder (no registry pulls, setup network) and return the id."""
    api = client.api
    lines: list[str] = []
    image_id: str | None = None
    try:
        stream: Any = api.build(
            fileobj=io.BytesIO(build.context),
            custom_context=True,
            dockerfile=build.dockerfile,
            tag=f"{build.repository}:{build.tag}",
            network_mode=build.network,
            labels=build.labels,
            pull=False,
            rm=True,
            forcerm=True,
            decode=True,
            timeout=int(build.timeout_s),
            container_limits={"memory": _bytes(build.limits.memory), "memswap": -1},
        )
        for chunk in stream:
            if "error" in chunk:
                raise _failed(build, [*lines, str(chunk["error"])])
            if text := chunk.get("stream"):
                lines.extend(str(text).splitlines())
                del lines[:-60]
            image_id = (chunk.get("aux") or {}).get("ID") or image_id
    except docker.errors.APIError as exc:
        raise _failed(build, [*lines, str(exc.explanation)]) from exc
    if image_id is None:
        raise _failed(build, [*lines, "the engine reported no image"])
    return image_id


def _failed(build: DockerfileBuild, lines: list[str]) -> SandboxError:
    output = "\n".join(lines[-40:])
    hint = ""
    if build.network == "none":
        hint = (
            " It ran with network 'none' in this deployment: steps that download need the "
            "operator's AUTOFIX_SETUP_NETWORK."
        )
    return SandboxError(
        f"building the environment from `{KEY}` failed; fix the Dockerfile.{hint} Output:\n{output}"
    )


def _bytes(size: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = size.strip().lower().removesuffix("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)
