"""A repository's own environment Dockerfile: checked base images, its context, its build."""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from sandbox.errors import ImageError

KEY = "sandbox.dockerfile"
_FROM_FLAG = re.compile(r"--from=(\S+)", re.IGNORECASE)


class DockerfileRefused(ImageError):
    """The Dockerfile names an image it may not use, or cannot be read safely."""


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


# Run by the hardened build: RUN, the environment, the user, the folder and files.
STEPS = frozenset({"RUN", "ENV", "ARG", "WORKDIR", "USER", "COPY", "ADD"})
# Metadata a sandbox never uses (it has its own command and user).
IGNORED = frozenset(
    {"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "VOLUME", "STOPSIGNAL", "MAINTAINER"}
)


@dataclass(frozen=True)
class Step:
    """One instruction of the Dockerfile that changes the image."""

    line: int
    instruction: str
    args: str


@dataclass(frozen=True)
class Recipe:
    """A checked Dockerfile: one allowed base image and the steps on top of it."""

    base: str
    steps: tuple[Step, ...]


def read_recipe(text: str, allowed: Iterable[str]) -> Recipe:
    """The Dockerfile as a base and steps; DockerfileRefused naming the line for a base that
    is not an allowed image, and for what the hardened build does not do."""
    allowed_set, base, steps = set(allowed), "", []
    for line, instruction, args in _instructions(text):
        where = f"{KEY} line {line}"
        if instruction == "FROM":
            if base:
                raise DockerfileRefused(
                    f"{where}: multi-stage Dockerfiles are not supported; build from one FROM"
                )
            words = [w for w in args.split() if not w.startswith("--")]
            if not words:
                raise DockerfileRefused(f"{where}: FROM names no image")
            if "$" in words[0]:
                raise DockerfileRefused(
                    f"{where}: FROM {words[0]!r} uses a variable; name the image literally"
                )
            if words[0] not in allowed_set:
                choices = ", ".join(sorted(allowed_set)) or "none"
                raise DockerfileRefused(
                    f"{where}: FROM {words[0]!r} is not an allowed image; a repository "
                    f"Dockerfile may start FROM: {choices} (the operator's "
                    "AUTOFIX_ALLOWED_IMAGES)"
                )
            base = words[0]
        elif not base and instruction != "ARG":
            raise DockerfileRefused(f"{where}: {instruction} comes before FROM")
        elif instruction in ("COPY", "ADD") and _FROM_FLAG.search(args):
            raise DockerfileRefused(
                f"{where}: {instruction} --from is not supported; copy from the build context"
            )
        elif instruction == "RUN" and args.startswith("--"):
            raise DockerfileRefused(f"{where}: RUN {args.split()[0]} is not supported")
        elif instruction in STEPS:
            if base:
                steps.append(Step(line, instruction, args))
        elif instruction not in IGNORED:
            raise DockerfileRefused(f"{where}: {instruction} is not supported; remove it")
    if not base:
        raise DockerfileRefused(f"{KEY}: the Dockerfile has no FROM line")
    return Recipe(base, tuple(steps))


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
