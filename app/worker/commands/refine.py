"""`/autofix refine <feedback>`: a refinement of the PR's winner, with the maintainer's words."""

from __future__ import annotations

import logging

from app.command_line import CommandLine
from app.github.publish import branch_of
from app.worker.ci_fix import current_ci_failures
from app.worker.commands.table import Call, Command, command
from app.worker.refine_feedback import refine_feedback
from app.worker.starting import start_run

log = logging.getLogger(__name__)


def feedback(name: str, line: CommandLine) -> Command:
    """Feedback may continue on the lines after the command."""
    text = "\n".join(part for part in (line.argument, line.following) if part)
    if not text:
        return Command(name="help", problem="`refine` needs feedback after it.")
    return Command(name=name, argument=text)


@command("refine", parse=feedback)
async def refine(call: Call) -> str:
    run = call.run
    if run is None or run.pr_number is None:
        await call.say("There is no autofix pull request to refine yet.")
        return "ignored"
    feedback = await refine_feedback(
        call.repo, run.pr_number, call.command.argument, call.trigger.sender
    )
    if feedback.threads_problem is not None:
        await call.say(
            "The review threads of this pull request could not be read "
            f"({feedback.threads_problem}), so the refinement goes on with your words only.",
            topic="threads",
        )
    text = feedback.text
    pr = await call.repo.find_pull_request(branch_of(run.issue_number))
    if pr is not None:
        try:
            failures = await current_ci_failures(call.deps, call.repo, call.config, pr.head_sha)
        except Exception:  # the maintainer's words are the request; CI only adds to them
            log.warning("CI of PR #%s could not be read", run.pr_number, exc_info=True)
            failures = ""
        text = "\n\n".join(part for part in (text, failures) if part)
    return await start_run(
        call.deps,
        call.repo,
        call.issue_trigger,
        call.config,
        "refine",
        parent=run,
        feedback=text,
    )
