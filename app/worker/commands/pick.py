"""`/autofix pick <n>`: put candidate n of the last run on the PR, if it earned it."""

from __future__ import annotations

from app.command_line import CommandLine
from app.github.branch import BranchMoved
from app.worker.commands.table import Call, Command, command
from app.worker.publishing import publish_result
from scaling.result import Winner


def number(name: str, line: CommandLine) -> Command:
    if not line.argument.isdigit() or int(line.argument) < 1:
        return Command(name="help", problem="`pick` needs a candidate number, e.g. `pick 2`.")
    return Command(name=name, number=int(line.argument))


@command("pick", parse=number)
async def pick(call: Call) -> str:
    finished = await call.finished()
    if finished is None or call.command.number is None:
        return "ignored"
    run, result = finished
    n = call.command.number
    if not 1 <= n <= len(result.candidates):
        await call.say(f"There is no candidate {n}; `/autofix candidates` lists them.")
        return "ignored"
    candidate = result.candidates[n - 1]
    if candidate.gate != "passed":
        await call.say(
            f"Candidate {n} did not pass its test gate ({candidate.gate}), so it cannot be picked."
        )
        return "ignored"
    # Tests the agents never saw said this patch is wrong; a comment cannot overrule them.
    if candidate.holdout not in ("passed", "not_run"):
        await call.say(
            f"Candidate {n} failed the holdout tests ({candidate.holdout}), so it cannot be picked."
        )
        return "ignored"
    rollout_id = candidate.rollout_ids[0]
    patch = await call.deps.store.get_patch(run.id, rollout_id)
    if not patch:
        await call.say(f"The patch of candidate {n} is no longer stored; comment `/autofix retry`.")
        return "ignored"
    summary = next((s for s in result.summaries if s.rollout_id == rollout_id), None)
    picked = result.model_copy(
        update={
            "winner": Winner(rollout_id=rollout_id, round=candidate.round),
            "summary": summary,
            "patch": patch,
        }
    )
    try:
        link = await publish_result(call.deps, call.repo, run, picked, patch, call.config.pr.draft)
    except BranchMoved as exc:
        await call.say(str(exc))
        return "branch_moved"
    await call.say(f"Switched {link.url} to candidate {n} (`{candidate.id}`).")
    return "picked"
