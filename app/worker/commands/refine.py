"""`/autofix refine <feedback>`: a refinement of the PR's winner, with the maintainer's words."""

from __future__ import annotations

from app.command_line import CommandLine
from app.worker.commands.table import Call, Command, command
from app.worker.refine_feedback import refine_feedback
from app.worker.starting import start_run


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
    return await start_run(
        call.deps,
        call.repo,
        call.issue_trigger,
        call.config,
        "refine",
        parent=run,
        feedback=feedback.text,
    )
