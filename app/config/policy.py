"""What the operator lets a repository choose in the App; repository config never widens it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.config.errors import ConfigError
from app.config.schema import DEFAULT_MODEL, BudgetConfig, RepoConfig
from app.llm.base import ModelConfigError
from app.llm.spec import ModelSpec, parse_model_spec


class OperatorPolicy(BaseModel):
    """Operator-only limits on repository config (from AUTOFIX_* settings, never a repository)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_models: tuple[str, ...] = Field(default=(DEFAULT_MODEL,), min_length=1)
    """Model specs (with their base URLs) a repository's `model` may name; the first is the
    model of repositories that name none."""
    allow_repo_prices: bool = False
    """Whether a repository's `prices` may override the price table budgets are counted with."""
    max_budget_usd: float | None = Field(default=None, gt=0)
    """Ceiling on a repository's `budget.usd`; none means the repository's value stands."""
    allowed_images: tuple[str, ...] = ()
    setup_secrets: tuple[str, ...] = ()
    """Names of the operator's setup secrets (AUTOFIX_SETUP_SECRET_<NAME>), never values."""
    secret_repositories: dict[str, tuple[str, ...]] = {}
    """Per secret name, the repositories (`owner/name`, or `owner/*`) whose setup may use it
    (AUTOFIX_SECRET_REPOSITORIES); a secret listed for none is given to no repository."""
    """Images a repository's `sandbox.image` may name (AUTOFIX_ALLOWED_IMAGES, else the
    deployment's sandbox image); a repository that names none gets the deployment's."""

    def allowed_specs(self) -> tuple[ModelSpec, ...]:
        return tuple(parse_model_spec(spec) for spec in self.allowed_models)


def apply_policy(
    config: RepoConfig, policy: OperatorPolicy, source: str, repository: str
) -> RepoConfig:
    """`config` of `repository` (`owner/name`) within the operator's limits; a model the
    operator did not allow (a URL of the repository's choosing, above all, which would receive
    the deployment's key) is a ConfigError naming `model`, never silently replaced."""
    update: dict[str, object] = {"model": _allowed_model(config, policy, source)}
    check_image(config, policy, source)
    _check_secrets(config, policy, source)
    _check_secret_scope(config, policy, source, repository)
    if config.prices and not policy.allow_repo_prices:
        update["prices"] = {}
    ceiling = policy.max_budget_usd
    if ceiling is not None and config.budget.usd > ceiling:
        update["budget"] = BudgetConfig.model_validate(
            {**config.budget.model_dump(), "usd": ceiling}
        )
    return config.model_copy(update=update)


def _allowed_model(config: RepoConfig, policy: OperatorPolicy, source: str) -> str:
    allowed = policy.allowed_specs()
    if "model" not in config.model_fields_set:
        return str(allowed[0])
    try:
        wanted = parse_model_spec(config.model)
    except ModelConfigError as exc:
        raise ConfigError([f"`model` in {source}: {exc}"]) from None
    if wanted in allowed:
        return str(wanted)
    if wanted.base_url is None:
        # `provider:name` means the operator's endpoint for that model.
        for spec in allowed:
            if (spec.provider, spec.model) == (wanted.provider, wanted.model):
                return str(spec)
    # Named without their URLs: the operator's endpoints are not the repository's business.
    names = ", ".join(dict.fromkeys(f"`{spec.provider}:{spec.model}`" for spec in allowed))
    raise ConfigError(
        [
            f"`model` in {source} is {_without_url(wanted)!r}, which this deployment does not "
            f"allow: use one of {names}, or remove `model` (the operator widens the list with "
            "AUTOFIX_ALLOWED_MODELS)"
        ]
    )


def _without_url(spec: ModelSpec) -> str:
    return f"{spec.provider}:{spec.model}" + ("@<url>" if spec.base_url else "")


# Images autofix builds hold one repository's tree and setup output: never a starting point.
BUILT_IMAGES = frozenset({"autofix-env", "autofix-ws", "autofix-toolchains", "autofix-dockerfile"})


def check_image(config: RepoConfig, policy: OperatorPolicy, source: str) -> None:
    """A `sandbox.image` the operator did not allow, or an environment autofix built for some
    repository, is a ConfigError naming the key."""
    if "image" not in config.sandbox.model_fields_set:
        return
    image = config.sandbox.image
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    if image in policy.allowed_images and repository not in BUILT_IMAGES:
        return
    names = ", ".join(f"`{name}`" for name in policy.allowed_images) or "none"
    raise ConfigError(
        [
            f"`sandbox.image` in {source} is {image!r}, which this deployment does not allow: "
            f"use one of {names}, or remove `sandbox.image` (the operator widens the list "
            "with AUTOFIX_ALLOWED_IMAGES)"
        ]
    )


def _check_secrets(config: RepoConfig, policy: OperatorPolicy, source: str) -> None:
    missing = [name for name in config.sandbox.setup_secrets if name not in policy.setup_secrets]
    if missing:
        variables = ", ".join(f"AUTOFIX_SETUP_SECRET_{name}" for name in missing)
        raise ConfigError(
            [
                f"`sandbox.setup_secrets` in {source} lists {', '.join(missing)}, which this "
                f"deployment does not define: ask the operator to set {variables}, or remove "
                "the names"
            ]
        )


def _in_scope(repository: str, patterns: tuple[str, ...]) -> bool:
    owner = repository.split("/", 1)[0].lower()
    return any(p.lower() in (repository.lower(), f"{owner}/*") for p in patterns)


def _check_secret_scope(
    config: RepoConfig, policy: OperatorPolicy, source: str, repository: str
) -> None:
    """A setup step can send a secret anywhere, so only repositories the operator trusts with
    it may name it."""
    refused = [
        name
        for name in config.sandbox.setup_secrets
        if not _in_scope(repository, policy.secret_repositories.get(name, ()))
    ]
    if refused:
        entries = ", ".join(f"{name}={repository}" for name in refused)
        raise ConfigError(
            [
                f"`sandbox.setup_secrets` in {source} lists {', '.join(refused)}, which this "
                f"deployment does not give to {repository}: ask the operator to add {entries} "
                "to AUTOFIX_SECRET_REPOSITORIES, or remove the names"
            ]
        )
