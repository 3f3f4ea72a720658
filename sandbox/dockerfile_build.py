"""Building a repository Dockerfile step by step in a hardened build container (blocking).

The engine's own builder would run `RUN` steps with Docker's default capabilities and no
process limit; here every step runs in the same kind of container as setup commands.
"""

from __future__ import annotations

import fnmatch
import io
import json
import posixpath
import re
import shlex
import tarfile
from dataclasses import dataclass, field

import docker
import docker.errors

from sandbox import labels as L
from sandbox.builder import create_build_container
from sandbox.dockerfile import KEY, DockerfileRefused, Recipe, Step
from sandbox.errors import SandboxError
from sandbox.execution import Capture, run_exec
from sandbox.layer import LayerLimit
from sandbox.models import Limits

_VARIABLE = re.compile(
    r"\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_FLAG = re.compile(r"^--(chown|chmod)=(\S+)$")


@dataclass(frozen=True)
class RecipeBuild:
    """A checked Dockerfile with its context, built on the setup network into repository:tag."""

    recipe: Recipe
    base_id: str
    context: bytes  # a tar of the Dockerfile's folder
    repository: str
    tag: str
    network: str
    limits: Limits
    timeout_s: float
    run_id: str = "build"
    labels: dict[str, str] = field(default_factory=dict)
    layer_size: str | None = "20g"


class DockerfileFailed(SandboxError):
    """A step of the repository's Dockerfile failed."""

    def __init__(self, step: Step, why: str, output: str, network: str) -> None:
        hint = ""
        if network == "none":
            hint = (
                " It ran with network 'none' in this deployment: steps that download need the "
                "operator's AUTOFIX_SETUP_NETWORK."
            )
        super().__init__(
            f"building the environment from `{KEY}` failed at line {step.line} "
            f"({step.instruction} {step.args[:200]}): {why}; fix the Dockerfile.{hint}"
            + (f" Output:\n{output}" if output else "")
        )


def expand(text: str, env: dict[str, str]) -> str:
    """Dockerfile variable substitution: $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word}, \\$."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "\\$":
            return "$"
        name = match.group(1) or match.group(4)
        value = env.get(name, "")
        if match.group(2) == "-":
            return value or match.group(3)
        if match.group(2) == "+":
            return match.group(3) if value else ""
        return value

    return _VARIABLE.sub(one, text)


class _Builder:
    def __init__(self, api: docker.APIClient, cid: str, build: RecipeBuild) -> None:
        self.api, self.cid, self.build = api, cid, build
        config = api.inspect_image(build.base_id)["Config"] or {}
        self.base_config = config
        self.env: dict[str, str] = dict(
            item.split("=", 1) for item in config.get("Env") or [] if "=" in item
        )
        self.args: dict[str, str] = {}
        self.user = str(config.get("User") or "0:0")
        self.workdir = str(config.get("WorkingDir") or "/")
        with tarfile.open(fileobj=io.BytesIO(build.context)) as tar:
            self.files = {
                m.name: (m, (tar.extractfile(m) or io.BytesIO()).read() if m.isfile() else b"")
                for m in tar.getmembers()
            }

    def exec(self, step: Step, argv: list[str], user: str, workdir: str = "/") -> str:
        out = Capture(16_000)
        wrapped = ["timeout", "-k", "5", f"{self.build.timeout_s:g}s", *argv]
        try:
            code = run_exec(
                self.api, self.cid, wrapped, user=user, workdir=workdir,
                env={**self.env, **self.args}, out=out, deadline_s=self.build.timeout_s + 60,
            )  # fmt: skip
        except docker.errors.APIError as exc:
            raise DockerfileFailed(step, str(exc.explanation), "", self.build.network) from exc
        if code != 0:
            why = "timed out" if code in (124, 137) else f"exit code {code}"
            raise DockerfileFailed(step, why, out.text(), self.build.network)
        return out.text()

    def run(self, step: Step) -> None:
        args = step.args
        if step.instruction == "RUN":
            argv = _exec_form(args) or ["/bin/sh", "-c", args]
            self.exec(step, [str(a) for a in argv], self.user, self.workdir)
        elif step.instruction in ("ENV", "ARG"):
            target = self.env if step.instruction == "ENV" else self.args
            for key, value in _pairs(args, {**self.env, **self.args}, step):
                if step.instruction == "ARG" and value is None:
                    value = self.args.get(key, "")
                target[key] = value or ""
        elif step.instruction == "WORKDIR":
            path = posixpath.join(self.workdir, expand(args, self.env).strip())
            self.exec(step, ["mkdir", "-p", path], "0:0")
            self.workdir = posixpath.normpath(path)
        elif step.instruction == "USER":
            self.user = expand(args, {**self.env, **self.args}).strip()
        else:
            self.copy(step)

    def copy(self, step: Step) -> None:
        where = f"{KEY} line {step.line}: {step.instruction}"
        words = shlex.split(step.args)
        flags: dict[str, str] = {}
        while words and words[0].startswith("--"):
            match = _FLAG.match(words.pop(0))
            if not match:
                raise DockerfileRefused(f"{where}: only --chown and --chmod are supported")
            flags[match.group(1)] = match.group(2)
        if listed := _exec_form(step.args.lstrip()):
            words = listed
        if len(words) < 2:
            raise DockerfileRefused(f"{where} needs a source and a destination")
        env = {**self.env, **self.args}
        *sources, dest = (expand(w, env) for w in words)
        if any("://" in s for s in sources):
            raise DockerfileRefused(f"{where} from a URL is not supported; download in RUN")
        into = dest.endswith("/") or len(sources) > 1
        dest = posixpath.normpath(posixpath.join("/", self.workdir, dest))
        uid, gid = self._owner(step, flags.get("chown"))
        try:
            mode = int(flags["chmod"], 8) if "chmod" in flags else None
        except ValueError:
            raise DockerfileRefused(f"{where} --chmod needs an octal mode") from None
        entries = self._select(step, sources, dest, into)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for target, member, body in entries:
                info = tarfile.TarInfo(target.lstrip("/"))
                info.type, info.linkname = member.type, member.linkname
                info.mode = mode if mode is not None else member.mode
                info.uid, info.gid, info.size = uid, gid, len(body) if member.isfile() else 0
                tar.addfile(info, io.BytesIO(body) if member.isfile() else None)
        try:
            self.api.put_archive(self.cid, "/", buf.getvalue())
        except docker.errors.APIError as exc:
            raise DockerfileFailed(step, str(exc.explanation), "", self.build.network) from exc

    def _select(
        self, step: Step, sources: list[str], dest: str, into: bool
    ) -> list[tuple[str, tarfile.TarInfo, bytes]]:
        chosen: list[tuple[str, tarfile.TarInfo, bytes]] = []
        matched = []
        for source in sources:
            pattern = posixpath.normpath(source.lstrip("/")) if source not in (".", "./") else "."
            hits = [n for n in self.files if n == pattern or fnmatch.fnmatchcase(n, pattern)]
            if pattern == ".":
                hits = ["."]
            if not hits:
                raise DockerfileFailed(step, f"{source!r} is not in the build context", "", "")
            matched.extend(hits)
        into = into or len(matched) > 1 or self._is_dir(dest)
        for name in matched:
            member = self.files[name][0] if name in self.files else None
            if name == "." or (member is not None and member.isdir()):
                prefix = "" if name == "." else name + "/"
                for inner, (m, body) in self.files.items():
                    if inner.startswith(prefix) and inner != name:
                        chosen.append((posixpath.join(dest, inner[len(prefix) :]), m, body))
            elif member is not None:
                target = posixpath.join(dest, posixpath.basename(name)) if into else dest
                chosen.append((target, member, self.files[name][1]))
        return chosen

    def _is_dir(self, path: str) -> bool:
        out = Capture(200)
        code = run_exec(
            self.api, self.cid, ["test", "-d", path], user="0:0", workdir="/", env={}, out=out,
            deadline_s=60,
        )  # fmt: skip
        return code == 0

    def _owner(self, step: Step, chown: str | None) -> tuple[int, int]:
        if not chown:
            return 0, 0
        user, _, group = chown.partition(":")
        ids = self.exec(step, ["sh", "-c", 'id -u "$0"; getent group "$1" | cut -d: -f3 || true',
                               user, group or user], "0:0").split()  # fmt: skip
        try:
            uid = int(user) if user.isdigit() else int(ids[0])
            gid = int(group) if group.isdigit() else int(ids[1]) if len(ids) > 1 else uid
        except (IndexError, ValueError):
            raise DockerfileFailed(
                step, f"unknown user or group in --chown={chown}", "", ""
            ) from None
        return uid, gid


def _exec_form(args: str) -> list[str] | None:
    """`["cmd", "arg"]` as argv; anything else (invalid JSON too) is shell form, as in Docker."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def _pairs(args: str, env: dict[str, str], step: Step) -> list[tuple[str, str | None]]:
    """KEY=value pairs of ENV or ARG (the old `ENV KEY value` form too), expanded."""
    try:
        words = shlex.split(args)
    except ValueError as exc:
        raise DockerfileRefused(f"{KEY} line {step.line}: {exc}") from None
    if step.instruction == "ENV" and words and "=" not in words[0]:
        key, _, value = args.strip().partition(" ")
        return [(key, expand(value.strip(), env))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, eq, value = word.partition("=")
        pairs.append((key, expand(value, env) if eq else None))
    return pairs


def build_recipe(client: docker.DockerClient, build: RecipeBuild) -> str:
    """Run the recipe's steps in a hardened build container and commit it; return the id."""
    api = client.api
    ttl = (len(build.recipe.steps) + 1) * (build.timeout_s + 60)
    layer = LayerLimit(str(api.base_url), build.layer_size)
    cid = layer.create(
        lambda: create_build_container(
            api, build.base_id, build.network, build.limits, build.run_id, ttl, layer
        )
    )
    try:
        api.start(cid)
        builder = _Builder(api, cid, build)
        for step in build.recipe.steps:
            builder.run(step)
        conf = {
            "User": builder.user,
            "Env": [f"{k}={v}" for k, v in builder.env.items()],
            "WorkingDir": builder.workdir,
            "Cmd": builder.base_config.get("Cmd"),
            # Blank the build container's lifecycle labels; the image carries its own.
            "Labels": {L.MANAGED: "", L.RUN_ID: "", L.EXPIRES_AT: "", L.KIND: "", **build.labels},
        }
        return str(api.commit(cid, repository=build.repository, tag=build.tag, conf=conf)["Id"])
    finally:
        api.remove_container(cid, force=True, v=True)
