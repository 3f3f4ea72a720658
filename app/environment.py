"""What a run's sandboxes are built from: a repository's wishes under the operator's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from app.config import ConfigError, RepoConfig
from app.settings import SETUP_SECRET_PREFIX, Settings
from sandbox.client import docker_client

# Images autofix builds hold one repository's tree and setup output: never a starting point.
BUILT_REPOSITORIES = frozenset(
    {"autofix-env", "autofix-ws", "autofix-toolchains", "autofix-dockerfile"}
)


@dataclass(frozen=True)
class SetupOptions:
    """How environment images are built for one run (see SandboxSpec for each field)."""

    network: str = "none"
    secrets: dict[str, SecretStr] = field(default_factory=dict, repr=False)
    toolchains: tuple[str, ...] = ()
    dockerfile: str | None = None
    allowed_bases: tuple[str, ...] = ()
    identity: str | None = None


def allowed_images(settings: Settings) -> tuple[str, ...]:
    """AUTOFIX_ALLOWED_IMAGES, or else the deployment's own sandbox image."""
    return settings.allowed_images or (settings.sandbox_image,)


def image_problems(config: RepoConfig, settings: Settings) -> list[str]:
    """In the App, `sandbox.image` must be one of the operator's allowed images."""
    image = config.sandbox.image
    allowed = allowed_images(settings)
    if _repository(image) in BUILT_REPOSITORIES or image not in allowed:
        return [
            f"`sandbox.image` {image!r} is not an image this deployment allows; use one of "
            f"{', '.join(allowed)} or remove the key (the operator lists images in "
            "AUTOFIX_ALLOWED_IMAGES)"
        ]
    return []


def setup_secrets(config: RepoConfig, settings: Settings) -> dict[str, SecretStr]:
    """The values of the secrets the repository lists; ConfigError for unknown names."""
    wanted = config.sandbox.setup_secrets
    missing = [name for name in wanted if name not in settings.setup_secrets]
    if missing:
        raise ConfigError(
            [
                f"`sandbox.setup_secrets` lists {', '.join(missing)}, which this deployment does "
                "not define: ask the operator to set "
                + ", ".join(SETUP_SECRET_PREFIX + name for name in missing)
                + ", or remove the names"
            ]
        )
    return {name: settings.setup_secrets[name] for name in wanted}


def setup_network(settings: Settings, client: Any | None, *, service: bool) -> str:
    """AUTOFIX_SETUP_NETWORK; unset: the host's for `autofix solve`, and in the App Docker's
    `bridge` where the engine has one, else `none` (never the host's unless the operator says).
    Blocking when it has to ask the engine."""
    if settings.setup_network:
        return settings.setup_network
    if not service:
        return "host"
    own = client is None
    engine = docker_client() if client is None else client
    try:
        names = {n.get("Name") for n in engine.api.networks(names=["bridge"]) or ()}
    finally:
        if own:
            engine.close()
    return "bridge" if "bridge" in names else "none"


def setup_options(
    config: RepoConfig,
    settings: Settings,
    client: Any | None,
    *,
    service: bool,
    repository: str | None,
) -> SetupOptions:
    """The options for this run; ConfigError when the repository asks for what it may not.
    Blocking (it may ask the Docker engine which networks it has)."""
    problems = image_problems(config, settings) if service else []
    if problems:
        raise ConfigError(problems)
    secrets = setup_secrets(config, settings)
    if service:
        bases = allowed_images(settings)
    else:
        bases = (config.sandbox.image, settings.sandbox_image, *settings.allowed_images)
    host = urlsplit(settings.github_api_url).hostname or "github"
    return SetupOptions(
        network=setup_network(settings, client, service=service),
        secrets=secrets,
        toolchains=config.sandbox.toolchains,
        dockerfile=config.sandbox.dockerfile,
        allowed_bases=tuple(dict.fromkeys(bases)),
        identity=f"{host}/{repository}" if repository else None,
    )


def _repository(image: str) -> str:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]
