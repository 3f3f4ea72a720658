"""`autofix setup`: serve the manifest form locally, wait for GitHub's redirect, store the App."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import socket
import sys
from pathlib import Path

import httpx
import uvicorn

from app.setup.check import confirm_app
from app.setup.conversion import convert
from app.setup.credentials import AppCredentials
from app.setup.envfile import EnvFile
from app.setup.errors import SetupError
from app.setup.flow import ManifestFlow
from app.setup.manifest import DEFAULT_MANIFEST, fill_manifest, load_manifest
from app.setup.site import GitHubSite, github_site, public_url

IDENTITY = (
    "AUTOFIX_GITHUB_APP_ID",
    "AUTOFIX_GITHUB_PRIVATE_KEY",
    "AUTOFIX_WEBHOOK_SECRET",
    "AUTOFIX_GITHUB_CLIENT_ID",
    "AUTOFIX_GITHUB_CLIENT_SECRET",
)
# A session secret already in the file is kept.
GENERATED = ("AUTOFIX_SESSION_SECRET",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--public-url", required=True, help="where GitHub reaches autofix")
    parser.add_argument("--org", help="register the App for this organisation")
    parser.add_argument("--github-url", help="GitHub Enterprise Server root, e.g. https://HOST")
    parser.add_argument("--env-file", default=".env", help="file to store the credentials in")
    parser.add_argument("--port", type=int, default=0, help="local port (default: a free one)")
    parser.add_argument("--name", help="the App's name (default: the manifest's)")
    parser.add_argument(
        "--manifest",
        type=Path,
        default=DEFAULT_MANIFEST,
        help="App manifest template (default: deploy/app-manifest.json of this checkout)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace an App identity the env file holds"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds to wait for GitHub's redirect"
    )


def setup_main(args: argparse.Namespace) -> int:
    """Exit 0 once the App is registered and stored; 2 on bad input; 1 if nobody finished."""
    try:
        return asyncio.run(_setup(args))
    except SetupError as exc:
        print(f"autofix setup: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autofix setup: interrupted; nothing was written", file=sys.stderr)
        return 130


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise SetupError(
            f"cannot listen on 127.0.0.1:{port} ({exc}): choose another --port"
        ) from None
    sock.listen(16)  # connections wait in the backlog until the server takes over
    return sock


def _deployment_values(site: GitHubSite, public: str) -> dict[str, str]:
    """Where the App just registered lives; like its identity, a different value already in
    the env file is only replaced with --overwrite."""
    values = {"AUTOFIX_PUBLIC_URL": public}
    if not site.is_github_com:
        values.update({"AUTOFIX_GITHUB_API_URL": site.api, "AUTOFIX_GITHUB_WEB_URL": site.web})
    return values


def _check_free(env: EnvFile, deployment: dict[str, str], overwrite: bool) -> None:
    env.ensure_free((*IDENTITY, *deployment), overwrite, same=deployment)


async def _setup(args: argparse.Namespace) -> int:
    site = github_site(args.github_url)
    public = public_url(args.public_url)
    form_url = site.new_app_url(args.org)
    env = EnvFile(Path(args.env_file))
    deployment = _deployment_values(site, public)
    _check_free(env, deployment, args.overwrite)
    template = load_manifest(args.manifest)
    sock = _bind(args.port)
    port = sock.getsockname()[1]
    extra = {**deployment, "AUTOFIX_SESSION_SECRET": secrets.token_hex(32)}

    async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:

        async def exchange(code: str) -> AppCredentials:
            return await convert(client, site.api, code)

        def save(credentials: AppCredentials) -> None:
            # Check again: the file may have changed while the browser was away.
            _check_free(env, deployment, args.overwrite)
            env.update({**credentials.env(), **extra}, keep=GENERATED)

        flow = ManifestFlow(
            port=port,
            form_url=form_url,
            manifest={},
            convert=exchange,
            save=save,
            install_url=lambda slug: f"{site.web}/apps/{slug}/installations/new",
            notice=lambda message: print(f"autofix setup: {message}", file=sys.stderr, flush=True),
        )
        flow.manifest = fill_manifest(
            template, public_url=public, callback_url=flow.callback_url, name=args.name
        )
        server = uvicorn.Server(
            uvicorn.Config(flow.app(), log_level="warning", lifespan="off", access_log=False)
        )
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            print(
                f"Open {flow.local_url} in a browser on this machine to create the App", flush=True
            )
            print(f"(it posts the manifest to {form_url}; GitHub then redirects back here)")
            try:
                credentials = await asyncio.wait_for(asyncio.shield(flow.done), args.timeout)
            except TimeoutError:
                print(
                    f"autofix setup: no answer from GitHub within {args.timeout:.0f} s; "
                    "nothing was written",
                    file=sys.stderr,
                )
                return 1
        finally:
            server.should_exit = True
            with contextlib.suppress(Exception):
                await serving
            sock.close()
    written = ", ".join(IDENTITY)
    print(f"Registered the App {credentials.slug} (id {credentials.id}).")
    print(f"Wrote {written} to {env.path} (mode 0600).")
    print(await confirm_app(site.api, credentials))
    print(f"Install it on your repositories: {site.web}/apps/{credentials.slug}/installations/new")
    return 0
