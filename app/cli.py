"""The `autofix` command line."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autofix", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="run the engine locally on a repository and an issue")
    solve.add_argument("--repo", required=True)
    solve.add_argument("--issue-file", required=True)
    solve.add_argument("--config")
    solve.add_argument("--out", default="autofix-out")
    solve.add_argument("--model")
    sub.add_parser("serve", help="run the webhook service")
    sub.add_parser("worker", help="run the queue worker")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(f"autofix {args.command}: not built yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
