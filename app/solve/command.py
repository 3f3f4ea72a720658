"""`autofix solve`: the whole engine on a local repository, in-process, no GitHub or Redis."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from rich.console import Console

from app.config import CONFIG_PATH, ConfigError, holdout_warnings
from app.engine import EngineJob, make_model, make_sandboxes, run_engine
from app.environment import setup_options
from app.llm.base import ClosableModel, ModelConfigError
from app.settings import Settings
from app.solve.output import write_outputs
from app.solve.preflight import BadInput, SolveArgs, prepare, require_local_image
from app.solve.progress import ProgressView
from sandbox.client import docker_client
from sandbox.errors import SandboxError
from sandbox.reaper import Reaper
from scaling.issue import Issue
from scaling.result import RunResult

EXIT = {"resolved": 0, "unresolved": 1, "error": 1}


def solve_main(args: argparse.Namespace, settings: Settings, console: Console | None = None) -> int:
    """Exit 0 resolved, 1 unresolved (or the run failed), 2 bad input."""
    console = console or Console()
    solve_args = SolveArgs(args.repo, args.issue_file, args.config, args.out, args.model)
    try:
        job, issue = prepare(solve_args, settings)
        model = make_model(job.model_spec, settings, job.config.prices)
    except (BadInput, ModelConfigError) as exc:
        print(f"autofix solve: {exc}", file=sys.stderr)
        return 2
    for warning in holdout_warnings(job.config.tests, args.config or CONFIG_PATH):
        print(f"autofix solve: warning: {warning}", file=sys.stderr)
    try:
        result = asyncio.run(_solve(job, issue, model, console, settings))
    except BadInput as exc:
        print(f"autofix solve: {exc}", file=sys.stderr)
        return 2
    write_outputs(job.out, result)
    winner = f" (winner {result.winner.rollout_id})" if result.winner else ""
    if result.reason:
        winner = f" ({result.reason})"
    console.print(
        f"autofix solve: {result.status}{winner}; wrote {job.out}/result.json, patch.diff, "
        f"summary.md; ${result.cost_usd:.4f}, {result.wall_s:.0f}s",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return EXIT[result.status]


async def _solve(
    job: EngineJob, issue: Issue, model: ClosableModel, console: Console, settings: Settings
) -> RunResult:
    client = None
    try:
        client = await _docker(job)
        # Sandboxes an interrupted earlier run left behind: expired ones and orphaned volumes.
        await Reaper(client).reap(scope=job.scope)
        try:
            options = setup_options(job.config, settings, client, service=False, repository=None)
            sandboxes = make_sandboxes(job, client, options)
        except ConfigError as exc:
            raise BadInput(str(exc)) from None
        try:
            # Builds the environment (setup commands) once, and reports a bad commit, image or
            # setup as bad input before any model call is paid for.
            async with sandboxes("preflight", job.config.tests.holdout):
                pass
        except SandboxError as exc:
            raise BadInput(str(exc)) from None
        with ProgressView(console) as progress:
            try:
                return await run_engine(job, issue, progress, model=model, sandboxes=sandboxes)
            except Exception as exc:  # the run's boundary: report it as a failed run
                return RunResult(status="error", error=f"{type(exc).__name__}: {exc}")
    finally:
        await model.aclose()
        if client is not None:
            client.close()


async def _docker(job: EngineJob) -> Any:
    try:
        client = await asyncio.to_thread(docker_client)
    except SandboxError as exc:
        raise BadInput(str(exc)) from None
    try:
        await asyncio.to_thread(require_local_image, client, job.config.sandbox.image)
    except BadInput:
        client.close()
        raise
    return client
