"""Check runs on a commit: how a run shows up next to the code it is about."""

from __future__ import annotations

from githubkit.utils import UNSET, Unset
from githubkit_schemas.latest.types import (
    ReposOwnerRepoCheckRunsCheckRunIdPatchBodyPropOutputType as UpdateOutput,
)
from githubkit_schemas.latest.types import (
    ReposOwnerRepoCheckRunsPostBodyPropOutputType as CreateOutput,
)

from app.github.convert import check_run_info, fit
from app.github.models import CheckConclusion, CheckRunInfo, CheckStatus
from app.github.reads import RepoReads


class RepoChecks(RepoReads):
    """Check run writes of `GitHubRepo`."""

    async def create_check_run(
        self,
        head_sha: str,
        name: str,
        *,
        status: CheckStatus = "in_progress",
        conclusion: CheckConclusion | None = None,
        title: str = "",
        summary: str = "",
        details_url: str | None = None,
        external_id: str | None = None,
    ) -> CheckRunInfo:
        """A check run on `head_sha`; `completed` needs a conclusion."""
        output: CreateOutput = {"title": title or name, "summary": fit(summary or title or name)}
        checks = self._gh.rest.checks
        if status == "completed":
            if conclusion is None:
                raise ValueError("a completed check run needs a conclusion")
            response = await checks.async_create(
                self.owner,
                self.name,
                name=name,
                head_sha=head_sha,
                status="completed",
                conclusion=conclusion,
                output=output,
                details_url=details_url or UNSET,
                external_id=external_id or UNSET,
            )
        else:
            response = await checks.async_create(
                self.owner,
                self.name,
                name=name,
                head_sha=head_sha,
                status=status,
                output=output,
                details_url=details_url or UNSET,
                external_id=external_id or UNSET,
            )
        return check_run_info(response.parsed_data)

    async def update_check_run(
        self,
        check_run_id: int,
        *,
        status: CheckStatus | None = None,
        conclusion: CheckConclusion | None = None,
        title: str | None = None,
        summary: str | None = None,
    ) -> CheckRunInfo:
        """Move a check run along; a conclusion implies `completed`."""
        output: UpdateOutput | Unset = UNSET
        if title is not None or summary is not None:
            output = {"title": title or "", "summary": fit(summary or title or "")}
        checks = self._gh.rest.checks
        if conclusion is not None:
            response = await checks.async_update(
                self.owner,
                self.name,
                check_run_id,
                status="completed",
                conclusion=conclusion,
                output=output,
            )
        elif status == "completed":
            raise ValueError("a completed check run needs a conclusion")
        else:
            response = await checks.async_update(
                self.owner, self.name, check_run_id, status=status or UNSET, output=output
            )
        return check_run_info(response.parsed_data)
