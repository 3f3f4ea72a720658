"""A compact text rendering of a trajectory: the summarizer's input, bounded in size."""

from __future__ import annotations

from collections.abc import Sequence

from app.trajectory import EndRecord, StartRecord, StepRecord

AnyRecord = StartRecord | StepRecord | EndRecord


def estimate_tokens(text: str) -> int:
    """Rough token count (about four characters per token), good enough for budgets."""
    return (len(text) + 3) // 4


def head_tail(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its head and tail around a marker."""
    if len(text) <= limit:
        return text
    marker = f"\n[... {len(text) - limit} characters omitted ...]\n"
    keep = max(0, limit - len(marker))
    head = keep // 2
    return text[:head] + marker + text[len(text) - (keep - head) :]


def render_step(step: StepRecord, output_chars: int | None = None) -> str:
    """One step as text; outputs longer than `output_chars` keep their head and tail."""

    def cap(text: str) -> str:
        return text if output_chars is None else head_tail(text, output_chars)

    lines = [f"### Step {step.step}"]
    if step.text.strip():
        lines.append(f"Agent: {cap(step.text.strip())}")
    for obs in step.observations:
        status = f"exit {obs.exit_code}" + (", timed out" if obs.timed_out else "")
        lines.append(f"$ {cap(obs.command)}\n[{status}]\n{cap(obs.output.rstrip())}")
    if step.format_problems:
        lines.append("Malformed answer: " + "; ".join(step.format_problems))
    if step.submitted:
        lines.append("The agent submitted.")
    return "\n".join(lines)


def steps_of(records: Sequence[AnyRecord]) -> list[StepRecord]:
    return [r for r in records if isinstance(r, StepRecord)]


def trajectory_tokens(records: Sequence[AnyRecord]) -> int:
    """Estimated tokens of the whole, uncompressed trajectory (prompt, answers, outputs)."""
    task = sum(estimate_tokens(r.task) for r in records if isinstance(r, StartRecord))
    return task + sum(estimate_tokens(render_step(s)) for s in steps_of(records))


def render_trajectory(records: Sequence[AnyRecord], max_chars: int, output_chars: int) -> str:
    """Early and late steps in full (outputs capped); middle steps give way when too long."""
    rendered = [render_step(s, output_chars) for s in steps_of(records)]
    if not rendered:
        return "(the agent took no steps)"
    if sum(len(r) + 2 for r in rendered) <= max_chars:
        return "\n\n".join(rendered)
    # The start shows how the agent oriented itself, the end what it settled on: keep both.
    head_budget, tail_budget = max_chars // 3, max_chars - max_chars // 3 - 80
    head: list[str] = []
    used = 0
    for text in rendered:
        if used + len(text) + 2 > head_budget:
            break
        head.append(text)
        used += len(text) + 2
    tail: list[str] = []
    used = 0
    for text in reversed(rendered[len(head) :]):
        if used + len(text) + 2 > tail_budget:
            break
        tail.insert(0, text)
        used += len(text) + 2
    omitted = len(rendered) - len(head) - len(tail)
    joined = "\n\n".join([*head, f"[... {omitted} steps omitted ...]", *tail])
    return head_tail(joined, max_chars)
