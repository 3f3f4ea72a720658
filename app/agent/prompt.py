"""The first prompt of a rollout: issue, repository guidance, test command, earlier attempts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.agent.config import PromptOptions
from app.agent.environment import Environment
from app.issue_text import sanitize, sanitize_issue, strip_invisible
from app.prompts import render_prompt
from app.summary.markdown import render_markdown
from sandbox.errors import SandboxError
from scaling.issue import Issue
from scaling.rollout import RolloutRequest


class GuidanceFile(BaseModel):
    """An instructions file found in the repository, possibly cut to size."""

    model_config = ConfigDict(frozen=True)

    path: str
    text: str
    truncated: bool = False


async def read_guidance(env: Environment, options: PromptOptions) -> list[GuidanceFile]:
    """Guidance files that exist in the sandbox, each capped at `guidance_max_bytes`."""
    found: list[GuidanceFile] = []
    for path in options.guidance_files:
        cap = options.guidance_max_bytes
        try:
            # Cut in the sandbox (one byte over says it was cut): a repository's guidance file
            # may be gigabytes of zeros.
            data = await env.read_file(path, max_bytes=cap + 1)
        # A directory or unreadable entry under a guidance name is no guidance.
        except (FileNotFoundError, SandboxError):
            continue
        text = strip_invisible(data[:cap].decode("utf-8", errors="ignore")).strip()
        if text:
            found.append(GuidanceFile(path=path, text=text, truncated=len(data) > cap))
    return found


def render_system() -> str:
    return render_prompt("agent_system.jinja")


def render_task(
    issue: Issue,
    request: RolloutRequest,
    guidance: list[GuidanceFile],
    test_command: str | None,
    options: PromptOptions,
) -> str:
    """The first user message; issue text is sanitised here whatever the caller did."""
    priors = request.prior_summaries[: options.max_prior_summaries]
    return render_prompt(
        "agent_task.jinja",
        issue=sanitize_issue(issue),
        guidance=guidance,
        test_command=test_command,
        prior_summaries=[render_markdown(s, heading_level=3) for s in priors],
        approach_hint=request.approach_hint and strip_invisible(request.approach_hint).strip(),
        # Maintainer feedback arrives through comments, so it is sanitised like them.
        feedback=request.feedback and sanitize(request.feedback),
    )
