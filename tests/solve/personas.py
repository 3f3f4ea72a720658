"""Scripted model behaviour for end-to-end runs: agents with fixed personas, a summarizer that
names the persona it sees in a diff, and a judge with a fixed preference."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.anthropic_server import FakeMessage, FakeReply, FakeUsage, MessagesRequest
from tests.solve.repo import FIXED_MEDIAN, NEW_TEST, WRONG_MEDIAN


def write(path: str, text: str) -> str:
    return f"mkdir -p $(dirname {path}) && cat > {path} <<'AUTOFIX_EOF'\n{text}AUTOFIX_EOF"


FORGED_CONFTEST = """import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""

# Each persona is a list of bash commands the agent runs before it submits.
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
}

# How a summarizer recognises a persona from the diff it is shown (first match wins).
SIGNATURES = [
    ("FORGER", "conftest.py"),
    ("SKIPPER", "pytest.mark.skip"),
    ("DELETER", "deleted file mode"),
    ("WRONG", "values == [1, 2, 3, 4]"),
    ("BREAKER", "return 0"),
    ("CORRECT", "(ordered[middle - 1] + ordered[middle]) / 2"),
]


def approach(persona: str) -> str:
    """A summary's approach text; unique enough to be found in later prompts."""
    return f"Persona-{persona}: attempt in the style {persona.lower()}."


def persona_of(approach_text: str) -> str:
    match = re.search(r"Persona-([A-Z]+)", approach_text)
    return match.group(1) if match else "?"


def _message(blocks: list[dict[str, Any]], usage: FakeUsage) -> FakeMessage:
    return FakeMessage(tuple(blocks), usage=usage)


@dataclass
class Script:
    """Hands personas to new rollouts (round 0 and refinement rounds separately)."""

    round0: list[str]
    refine: list[str] = field(default_factory=list)
    judge_prefers: tuple[str, ...] = ("WRONG", "CORRECT")
    usage: FakeUsage = field(default_factory=FakeUsage)
    refine_prompts: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: MessagesRequest) -> FakeReply:
        if request.forced_tool == "summary":
            return self._summary(request)
        if request.forced_tool == "vote":
            return self._vote(request)
        return self._agent(request)

    def _agent(self, request: MessagesRequest) -> FakeReply:
        if request.step == 0:
            refining = "Persona-" in request.first_user_text
            with self._lock:
                queue = self.refine if refining else self.round0
                persona = queue.pop(0) if queue else "NOTHING"
                if refining:
                    self.refine_prompts.append(request.first_user_text)
        else:
            last = request.messages[-2]["content"]
            persona, _, _ = next(b["id"] for b in last if b["type"] == "tool_use")[6:].partition(
                "_"
            )
        commands = PERSONAS[persona]
        step = request.step
        if step < len(commands):
            call = {"name": "bash", "input": {"command": commands[step]}}
        else:
            call = {"name": "submit", "input": {}}
        block = {"type": "tool_use", "id": f"toolu_{persona}_{request.index}", **call}
        return _message([block], self.usage)

    def _summary(self, request: MessagesRequest) -> FakeReply:
        diff = request.prompt_text.split("## Final diff", 1)[-1]
        persona = next((p for p, sign in SIGNATURES if sign in diff), "NOTHING")
        summary = {
            "approach": approach(persona),
            "hypotheses": [],
            "locations": [],
            "changes": [],
            "evidence": [],
            "failure_modes": [],
            "risks": [],
            "confidence": 0.5,
        }
        block = {"type": "tool_use", "id": None, "name": "summary", "input": summary}
        return _message([block], self.usage)

    def _vote(self, request: MessagesRequest) -> FakeReply:
        sections = re.split(r"^## Candidate ([A-Z])\s*$", request.prompt_text, flags=re.M)[1:]
        labelled = dict(zip(sections[::2], sections[1::2], strict=True))
        choice = _preferred(labelled, self.judge_prefers)
        vote = {"choice": choice, "reason": "scripted preference"}
        block = {"type": "tool_use", "id": None, "name": "vote", "input": vote}
        return _message([block], self.usage)


def _preferred(labelled: dict[str, str], order: Iterable[str]) -> str:
    for persona in order:
        for label, text in labelled.items():
            if f"Persona-{persona}" in text:
                return label
    return sorted(labelled)[0]
