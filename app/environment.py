"""What a run's sandboxes are built from: a repository's wishes under the operator's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from app.config import CONFIG_PATH, ConfigError, RepoConfig
from app.config.policy import check_image
from app.settings import SETUP_SECRET_PREFIX, Settings
from sandbox.client import docker_client


@dataclass(frozen=True)
class SetupOptions:
    """How environment images are built for one run (see SandboxSpec for each field)."""

    network: str = "none"
    secrets: dict[str, SecretStr] = field(default_factory=dict, repr=False)
    toolchains: tuple[str, ...] = ()
    dockerfile: str | None = None
    allowed_bases: tuple[str, ...] = ()
    identity: str | None = None


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
    if service:
        check_image(config, settings.policy(), CONFIG_PATH)
    secrets = setup_secrets(config, settings)
    bases = settings.policy().allowed_images
    if not service:  # the operator's own repository
        bases = (config.sandbox.image, *bases)
    host = urlsplit(settings.github_api_url).hostname or "github"
    return SetupOptions(
        network=setup_network(settings, client, service=service),
        secrets=secrets,
        toolchains=config.sandbox.toolchains,
        dockerfile=config.sandbox.dockerfile,
        allowed_bases=tuple(dict.fromkeys(bases)),
        identity=f"{host}/{repository}" if repository else None,
    )
