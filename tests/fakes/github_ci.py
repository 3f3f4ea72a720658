"""The fake GitHub's CI side: other apps' check suites and runs, commit statuses, annotations,
Actions job logs, and a fake CI that runs a test-chosen command on every pushed head, as GitHub
Actions or as another CI app. Its endpoints are in `github_ci_routes`."""

from __future__ import annotations

import itertools
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakes.github_state import FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]
WebhookTarget = Callable[[str, Json], None]
"""Called with (event name, payload) for each CI webhook GitHub would send."""

ACTIONS_APP: Json = {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"}


@dataclass
class CiJob:
    """What the fake CI runs on every pushed head of a branch matching `branch_prefix`."""

    name: str
    command: str
    branch_prefix: str = ""
    flaky_failures: int = 0
    """Fail this many runs first whatever the command says (a flaky check)."""
    annotations: list[Json] = field(default_factory=list)
    app: Json = field(default_factory=lambda: dict(ACTIONS_APP))
    """The app reporting the check run: GitHub Actions unless set (e.g. another CI service)."""

    @property
    def actions(self) -> bool:
        return is_actions(self.app)


def is_actions(app: Json) -> bool:
    return bool(app.get("slug") == ACTIONS_APP["slug"])


@dataclass
class FakeCI:
    """Check suites, check runs, statuses, annotations and job logs of apps other than autofix."""

    fake: FakeGitHub
    jobs: list[CiJob] = field(default_factory=list)
    webhook: WebhookTarget | None = None
    suites: dict[int, Json] = field(default_factory=dict)
    runs: dict[int, Json] = field(default_factory=dict)
    statuses: dict[tuple[str, str], list[Json]] = field(default_factory=dict)
    """(repo, sha) -> commit statuses, newest last."""
    annotations: dict[int, list[Json]] = field(default_factory=dict)
    logs: dict[int, str] = field(default_factory=dict)
    """Actions job id (the check run id) -> its log text."""
    endless_logs: dict[int, int] = field(default_factory=dict)
    """Actions job id -> the size in bytes of a log served as a stream (a job that printed
    without end); `log_bytes_sent` counts what the download address sent of them."""
    log_bytes_sent: int = 0
    required: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(repo, branch) -> the check names its branch protection requires."""
    required_apps: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    """(repo, branch) -> required check names protection pins to one app's id."""
    reruns: list[int] = field(default_factory=list)
    """Job ids autofix asked to re-run, in order."""
    rerequests: list[int] = field(default_factory=list)
    """Check run ids GitHub accepted a re-request for, in order."""
    refuse_rerequests: bool = True
    """Answer every re-request with 403, as GitHub documents for a check run that belongs to
    an App other than the caller. False lets the fake accept one (and re-run the job), for the
    tests of what autofix does if GitHub ever does."""
    ran: list[tuple[str, str, str]] = field(default_factory=list)
    """(job name, sha, conclusion) for every run of the fake CI, in order."""
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(70_000))
    lock: threading.RLock = field(default_factory=threading.RLock)
    _threads: list[threading.Thread] = field(default_factory=list)

    # --- setting the scene ----------------------------------------------------------------
    def run_on_push(self, name: str, command: str, **options: Any) -> CiJob:
        """On every push, run `command` (bash, on the pushed tree) as check run `name`."""
        job = CiJob(name, command, **options)
        self.jobs.append(job)
        return job

    def add_check_run(
        self,
        repo: FakeRepo,
        sha: str,
        name: str,
        *,
        status: str = "completed",
        conclusion: str | None = "success",
        app: Json | None = None,
        text: str = "",
    ) -> Json:
        """A check run (in its own suite) of another app on `sha`."""
        with self.lock:
            suite = self._suite(repo, sha, app or ACTIONS_APP)
            run_id = next(self.ids)
            if is_actions(suite["app"]):
                page = f"{self.fake.git_url}/{repo.full_name}/actions/runs/1/job/{run_id}"
            else:
                page = f"{self.fake.git_url}/_ci/{suite['app'].get('slug')}/builds/{run_id}"
            run = {
                "id": run_id,
                "name": name,
                "head_sha": sha,
                "status": status,
                "conclusion": conclusion if status == "completed" else None,
                "url": f"{self.fake.api_url}/repos/{repo.full_name}/check-runs/{run_id}",
                "html_url": page,
                "details_url": page,
                "external_id": "",
                "started_at": "2026-12-07T09:00:00Z",
                "completed_at": "2026-12-07T09:01:00Z" if status == "completed" else None,
                "output": {
                    "title": f"{name} {conclusion or status}",
                    "summary": "",
                    "text": text or None,
                    "annotations_count": 0,
                    "annotations_url": f"{self.fake.api_url}/repos/{repo.full_name}"
                    f"/check-runs/{run_id}/annotations",
                },
                "check_suite": {"id": suite["id"]},
                "app": suite["app"],
                "pull_requests": [],
                "_repo": repo.full_name,
            }
            self.runs[run_id] = run
            self._settle(suite)
        self.notify("check_run", repo, run, "completed" if status == "completed" else "created")
        return run

    def add_status(
        self, repo: FakeRepo, sha: str, context: str, state: str, *, url: str | None = None
    ) -> Json:
        """A commit status (`pending`, `success`, `failure` or `error`) on `sha`."""
        status = {
            "id": next(self.ids),
            "context": context,
            "state": state,
            "description": f"{context}: {state}",
            "target_url": url or f"{self.fake.git_url}/ci/{context}",
            "created_at": "2026-12-07T09:00:00Z",
            "updated_at": "2026-12-07T09:00:00Z",
        }
        with self.lock:
            self.statuses.setdefault((repo.full_name, sha), []).append(status)
        if self.webhook is not None:
            self.webhook("status", {**status, "sha": sha, "repository": repo.data})
        return status

    # --- the fake CI ----------------------------------------------------------------------
    def pushed(self, repo: FakeRepo, before: dict[str, str], after: dict[str, str]) -> None:
        """Called after a push: start every matching job on every branch head that moved."""
        for branch, sha in after.items():
            if before.get(branch) == sha:
                continue
            for job in self.jobs:
                if branch.startswith(job.branch_prefix):
                    self.start(repo, sha, job)

    def start(self, repo: FakeRepo, sha: str, job: CiJob) -> Json:
        """Start `job` on `sha` in the background; the check run is in progress until it ends."""
        run = self.add_check_run(
            repo, sha, job.name, status="in_progress", conclusion=None, app=job.app
        )
        thread = threading.Thread(target=self._execute, args=(repo, sha, job, run), daemon=True)
        self._threads.append(thread)
        thread.start()
        return run

    def job_of(self, run_id: int) -> CiJob | None:
        """The job behind check run `run_id`, when the fake CI ran it."""
        run = self.runs.get(run_id)
        if run is None:
            return None
        same = (j for j in self.jobs if j.name == run["name"] and j.app["id"] == run["app"]["id"])
        return next(same, None)

    def rerun(self, repo: FakeRepo, run_id: int) -> Json:
        """Run a check run's job again on the same sha, as a new check run of the same name.

        GitHub Actions does this on "Re-run failed jobs"; another app does it when GitHub
        tells it its check run was re-requested.
        """
        old = self.runs[run_id]
        job = self.job_of(run_id)
        if job is None:
            raise KeyError(f"check run {run_id} was not run by the fake CI")
        return self.start(repo, old["head_sha"], job)

    def wait(self, timeout: float = 120.0) -> None:
        """Block until every job the fake CI started has finished."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _execute(self, repo: FakeRepo, sha: str, job: CiJob, run: Json) -> None:
        with tempfile.TemporaryDirectory(prefix="fake-ci-") as tmp:
            archive = subprocess.run(
                ["git", "archive", "--format=tar", sha],
                cwd=repo.bare,
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            try:
                done = subprocess.run(
                    ["bash", "-c", job.command],
                    cwd=tmp,
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                passed, output = done.returncode == 0, done.stdout + done.stderr
            except subprocess.TimeoutExpired:
                passed, output = False, b"timed out after 120 s"
        with self.lock:
            if job.flaky_failures > 0:
                job.flaky_failures -= 1
                passed = False
            conclusion = "success" if passed else "failure"
            text = output.decode(errors="replace")
            run.update(status="completed", conclusion=conclusion)
            run["completed_at"] = "2026-12-07T09:02:00Z"
            run["output"].update(title=f"{job.name}: {conclusion}", text=text[-4000:])
            if not passed and job.annotations:
                self.annotations[run["id"]] = list(job.annotations)
                run["output"]["annotations_count"] = len(job.annotations)
            if job.actions:
                self.logs[run["id"]] = f"##[group]Run {job.command}\n{text}\n##[error]exit\n"
            self._settle(self.suites[run["check_suite"]["id"]])
            self.ran.append((job.name, sha, conclusion))
        self.notify("check_run", repo, run, "completed")

    # --- internals ------------------------------------------------------------------------
    def _suite(self, repo: FakeRepo, sha: str, app: Json) -> Json:
        suite_id = next(self.ids)
        suite = {
            "id": suite_id,
            "head_sha": sha,
            "head_branch": None,
            "status": "queued",
            "conclusion": None,
            "app": app,
            "url": f"{self.fake.api_url}/repos/{repo.full_name}/check-suites/{suite_id}",
            "latest_check_runs_count": 0,
            "_repo": repo.full_name,
        }
        self.suites[suite_id] = suite
        return suite

    def _settle(self, suite: Json) -> None:
        runs = [r for r in self.runs.values() if r["check_suite"]["id"] == suite["id"]]
        suite["latest_check_runs_count"] = len(runs)
        if runs and all(r["status"] == "completed" for r in runs):
            failed = any(r["conclusion"] not in ("success", "neutral", "skipped") for r in runs)
            suite.update(status="completed", conclusion="failure" if failed else "success")
        else:
            suite.update(status="in_progress", conclusion=None)

    def notify(self, event: str, repo: FakeRepo, run: Json, action: str) -> None:
        """Send autofix the webhook GitHub would for `run` (when a target is set)."""
        if self.webhook is None:
            return
        public = {k: v for k, v in run.items() if not k.startswith("_")}
        payload = {"action": action, "check_run": public, "repository": repo.data}
        # GitHub names the pusher's App as the sender of check events for its pushes.
        payload["sender"] = self.fake.bot_user
        self.webhook(event, payload)


__all__ = ["ACTIONS_APP", "CiJob", "FakeCI", "is_actions"]
