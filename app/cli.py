"""The `autofix` command line."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import cast


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autofix", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="run the engine locally on a repository and an issue")
    solve.add_argument("--repo", required=True, help="git repository to fix (never modified)")
    solve.add_argument(
        "--issue-file", required=True, help="Markdown issue: first `# heading` is the title"
    )
    solve.add_argument("--config", help="config file instead of the repo's .github/autofix.yml")
    solve.add_argument("--out", default="autofix-out", help="directory for result.json etc.")
    solve.add_argument("--model", help="model spec, e.g. anthropic:NAME or openai:NAME@URL")
    serve = sub.add_parser("serve", help="run the webhook service")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8000)
    sub.add_parser("worker", help="run the queue worker")
    from app.setup.command import add_arguments

    add_arguments(sub.add_parser("setup", help="register the GitHub App (manifest flow)"))
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return exc.code if isinstance(exc.code, int) else 2
    if args.command == "setup":  # registers the App: needs none of the settings it creates
        return _entry("app.setup.command", "setup_main")(args)
    from app.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        if args.command == "solve":
            from app.solve.command import solve_main

            return solve_main(args, settings)
        settings.require_service()
        if args.command == "serve":
            return _entry("app.web.server", "serve_main")(settings, host=args.host, port=args.port)
        return _entry("app.worker.main", "worker_main")(settings)
    except SettingsError as exc:
        print(f"autofix {args.command}: {exc}", file=sys.stderr)
        return 2


def _entry(module: str, name: str) -> Callable[..., int]:
    # Imported only when chosen: `solve` must not need the web or queue stack.
    return cast("Callable[..., int]", getattr(importlib.import_module(module), name))


if __name__ == "__main__":
    sys.exit(main())
