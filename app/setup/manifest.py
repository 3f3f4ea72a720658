"""The App manifest of deploy/app-manifest.json with this deployment's URLs filled in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.setup.errors import SetupError

DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "app-manifest.json"


def load_manifest(path: Path = DEFAULT_MANIFEST) -> dict[str, Any]:
    """The manifest template; it must be a JSON object."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SetupError(
            f"no App manifest at {path}: run setup from an autofix checkout or pass --manifest"
        ) from None
    except (OSError, ValueError) as exc:
        raise SetupError(f"cannot read the App manifest {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SetupError(f"the App manifest {path} must be a JSON object")
    return data


def fill_manifest(
    template: dict[str, Any], *, public_url: str, callback_url: str, name: str | None = None
) -> dict[str, Any]:
    """Point webhooks, sign-in and post-install at `public_url`; the redirect at `callback_url`."""
    manifest = dict(template)
    if name:
        manifest["name"] = name
    manifest["url"] = public_url
    hook = dict(manifest.get("hook_attributes") or {})
    hook.update({"url": f"{public_url}/webhook", "active": True})
    manifest["hook_attributes"] = hook
    manifest["redirect_url"] = callback_url
    manifest["callback_urls"] = [f"{public_url}/auth/callback"]
    manifest["setup_url"] = f"{public_url}/"
    return manifest
