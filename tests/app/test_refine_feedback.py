"""`/autofix refine` feedback: unresolved threads by writers, capped, through the real facade."""

from __future__ import annotations

from app.github import GitHubClients, GitHubRepo
from app.worker.refine_feedback import MAX_THREAD_BYTES, MAX_THREADS, refine_feedback
from tests.fakes.github_fixtures import fake_settings
from tests.fakes.github_server import FakeGitHub


async def test_writer_threads_follow_the_feedback_and_each_author_is_checked_once(
    github: FakeGitHub, key_pem: str
) -> None:
    for n in range(3):
        github.add_review_thread("octo", "calc", 5, "a.py", [("wendy", f"w{n}")], line=n + 1)
        github.add_review_thread("octo", "calc", 5, "b.py", [("mallory", f"m{n}")], line=n + 1)
    github.set_permission("wendy", "maintain")
    async with GitHubClients(fake_settings(github, key_pem)) as clients:
        repo = GitHubRepo(clients, 1, "octo", "calc")
        text = (await refine_feedback(repo, 5, "be brief", "al")).text
    assert text == (
        "be brief\n\nUnresolved review threads:\n"
        "- `a.py` line 1: @wendy: w0\n- `a.py` line 2: @wendy: w1\n- `a.py` line 3: @wendy: w2"
    )
    checks = [r.path for r in github.api_requests("GET") if r.path.endswith("/permission")]
    assert sorted(checks) == sorted(
        f"/repos/octo/calc/collaborators/{u}/permission" for u in ("wendy", "mallory")
    )


async def test_threads_are_capped_in_count_and_size(github: FakeGitHub, key_pem: str) -> None:
    for n in range(MAX_THREADS + 5):
        github.add_review_thread("octo", "calc", 5, f"f{n}.py", [("alice", f"short {n}")])
    for n in range(10):
        github.add_review_thread("octo", "calc", 6, "big.py", [("alice", "x" * 1500 + str(n))])
    async with GitHubClients(fake_settings(github, key_pem)) as clients:
        repo = GitHubRepo(clients, 1, "octo", "calc")
        many = (await refine_feedback(repo, 5, "", "alice")).text
        big = (await refine_feedback(repo, 6, "go", "alice")).text
    assert many.count("\n- ") == MAX_THREADS and "short 19" in many and "short 20" not in many
    assert len(big.encode()) <= MAX_THREAD_BYTES + 100 and big.count("big.py") == 5
