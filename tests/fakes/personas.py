"""Scripted model behaviour for runs over examples/calc, served by the fake Anthropic API:
agents play fixed personas, the summarizer names the persona it sees in a diff, and the judge
votes by a fixed preference. Used by `autofix solve` and by the App's Docker runs alike."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.anthropic_server import FakeMessage, FakeReply, FakeUsage, MessagesRequest
from tests.fakes.example_repo import FIXED_MEDIAN, MORE_TESTS, NEW_TEST, WRONG_MEDIAN


def write(path: str, text: str) -> str:
    """A bash command that writes `text` to `path`."""
    return f"mkdir -p $(dirname {path}) && cat > {path} <<'AUTOFIX_EOF'\n{text}AUTOFIX_EOF"


FORGED_CONFTEST = """import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""

# Each persona is the list of bash commands its agent runs before it submits.
PERSONAS: dict[str, list[str]] = {
    "CORRECT": [
        "python3 -m pytest -q || true",
        write("calc/stats.py", FIXED_MEDIAN),
        write("tests/test_even.py", NEW_TEST),
    ],
    "WRONG": [write("calc/stats.py", WRONG_MEDIAN)],
    "DELETER": [write("calc/stats.py", FIXED_MEDIAN), "rm tests/test_stats.py"],
    "FORGER": [write("calc/stats.py", FIXED_MEDIAN), write("tests/conftest.py", FORGED_CONFTEST)],
    "SKIPPER": [
        write("calc/stats.py", FIXED_MEDIAN),
        "sed -i 's/^def test_median_odd/@pytest.mark.skip\\ndef test_median_odd/' "
        "tests/test_stats.py",
    ],
    "NOTHING": ["python3 -m pytest -q || true"],
    "BREAKER": [write("calc/stats.py", "def mean(values):\n    return 0\n")],
    # What a refinement asked to "also cover unsorted input" does.
    "POLISHED": [
        write("calc/stats.py", FIXED_MEDIAN),
        write("tests/test_even.py", NEW_TEST),
        write("tests/test_unsorted.py", MORE_TESTS),
    ],
    # Outlives any test: for cancelling or killing a run mid-rollout.
    "SLEEPER": ["sleep 300"],
    # Looks everywhere a setup secret could have been left (tokens here start with `tok-`).
    "SNOOP": [
        "env; tr '\\0' '\\n' < /proc/1/environ; cat ~/.npmrc /root/.npmrc 2>&1",
        "grep -rsoI --exclude-dir=proc --exclude-dir=sys 'tok-[0-9a-f]*' / | head -20; true",
        write("calc/stats.py", FIXED_MEDIAN),
    ],
}

# How the summarizer recognises a persona from the diff it is shown (first match wins; POLISHED
# before CORRECT, whose fix it contains).
SIGNATURES = (
    ("FORGER", "conftest.py"),
    ("SKIPPER", "pytest.mark.skip"),
    ("DELETER", "deleted file mode"),
    ("POLISHED", "test_median_even_unsorted"),
    ("WRONG", "values == [1, 2, 3, 4]"),
    ("BREAKER", "return 0"),
    ("CORRECT", "(ordered[middle - 1] + ordered[middle]) / 2"),
)
# A rollout is a refinement when its prompt carries earlier summaries or a maintainer's words.
REFINEMENT_MARKS = ("Persona-", "Feedback from a maintainer")


def approach(persona: str) -> str:
    """A summary's approach text; unique enough to be found in later prompts."""
    return f"Persona-{persona}: attempt in the style {persona.lower()}."


def persona_of(approach_text: str) -> str:
    """The persona named in a summary's approach text, or "?"."""
    match = re.search(r"Persona-([A-Z]+)", approach_text)
    return match.group(1) if match else "?"


def is_refinement(prompt: str) -> bool:
    """Whether a rollout's first prompt is that of a refinement."""
    return any(mark in prompt for mark in REFINEMENT_MARKS)


@dataclass
class Script:
    """A responder for the fake Anthropic API that hands personas to new rollouts.

    First-round rollouts take personas from `round0` in turn, refinements (see `is_refinement`)
    from `refine`; either plays NOTHING once its list is used up. The judge votes for the first
    persona of `judge_prefers` among the candidates; every reply reports `usage`.
    """

    round0: list[str]
    refine: list[str] = field(default_factory=list)
    judge_prefers: tuple[str, ...] = ("POLISHED", "CORRECT")
    usage: FakeUsage = field(default_factory=FakeUsage)
    # Another repository's personas and how its diffs show them (defaults: examples/calc).
    personas: dict[str, list[str]] = field(default_factory=lambda: PERSONAS)
    signatures: tuple[tuple[str, str], ...] = SIGNATURES
    prompts: list[str] = field(default_factory=list)
    """The first prompt of every rollout, in arrival order."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def refine_prompts(self) -> list[str]:
        return [p for p in self.prompts if is_refinement(p)]

    def __call__(self, request: MessagesRequest) -> FakeReply:
        if request.forced_tool == "summary":
            diff = request.prompt_text.split("## Final diff", 1)[-1]
            persona = next((p for p, sign in self.signatures if sign in diff), "NOTHING")
            return self._tool("summary", {**EMPTY_SUMMARY, "approach": approach(persona)})
        if request.forced_tool == "vote":
            choice = self._choice(request.prompt_text)
            return self._tool("vote", {"choice": choice, "reason": "scripted preference"})
        return self._agent(request)

    def _agent(self, request: MessagesRequest) -> FakeReply:
        if request.step == 0:
            prompt = request.first_user_text
            with self._lock:
                self.prompts.append(prompt)
                queue = self.refine if is_refinement(prompt) else self.round0
                persona = queue.pop(0) if queue else "NOTHING"
        else:  # the persona rides along in the id of the previous tool call
            last = request.messages[-2]["content"]
            persona = next(b["id"] for b in last if b["type"] == "tool_use").split("_")[1]
        commands = self.personas.get(persona, PERSONAS["NOTHING"])
        if request.step < len(commands):
            call = {"name": "bash", "input": {"command": commands[request.step]}}
        else:
            call = {"name": "submit", "input": {}}
        block = {"type": "tool_use", "id": f"toolu_{persona}_{request.index}", **call}
        return FakeMessage((block,), usage=self.usage)

    def _choice(self, prompt: str) -> str:
        sections = re.split(r"^## Candidate ([A-Z])\s*$", prompt, flags=re.M)[1:]
        labelled = dict(zip(sections[::2], sections[1::2], strict=True))
        for persona in self.judge_prefers:
            for label, text in labelled.items():
                if approach(persona) in text:
                    return label
        return sorted(labelled)[0]

    def _tool(self, name: str, data: dict[str, Any]) -> FakeReply:
        block = {"type": "tool_use", "id": None, "name": name, "input": data}
        return FakeMessage((block,), usage=self.usage)


EMPTY_SUMMARY: dict[str, Any] = {
    "hypotheses": [],
    "locations": [],
    "changes": [],
    "evidence": [],
    "failure_modes": [],
    "risks": [],
    "confidence": 0.5,
}
