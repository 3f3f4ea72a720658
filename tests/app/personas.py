"""Scripted model behaviour for App runs in Docker: agents by persona, summaries by diff, votes
by preference; a refinement (its prompt carries maintainer feedback) plays its own persona."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.anthropic_server import FakeMessage, FakeReply, MessagesRequest
from tests.solve.personas import write
from tests.solve.repo import FIXED_MEDIAN, NEW_TEST, WRONG_MEDIAN

MORE_TESTS = """from calc import median


def test_median_even_unsorted():
    assert median([4, 1, 3, 2]) == 2.5
"""
# Each persona is the bash commands its agent runs before it submits.
PERSONAS: dict[str, list[str]] = {
    "CORRECT": [write("calc/stats.py", FIXED_MEDIAN), write("tests/test_even.py", NEW_TEST)],
    "WRONG": [write("calc/stats.py", WRONG_MEDIAN)],
    # What a refinement asked to "also cover unsorted input" does.
    "POLISHED": [
        write("calc/stats.py", FIXED_MEDIAN),
        write("tests/test_even.py", NEW_TEST),
        write("tests/test_unsorted.py", MORE_TESTS),
    ],
    "SLEEPER": ["sleep 300"],
}
# How the summarizer tells personas apart in a diff (first match wins).
SIGNATURES = (
    ("POLISHED", "test_median_even_unsorted"),
    ("WRONG", "values == [1, 2, 3, 4]"),
    ("CORRECT", "(ordered[middle - 1] + ordered[middle]) / 2"),
)


@dataclass
class Responder:
    """Plays agents by persona, summarizes by the diff, and votes for `prefers` first.

    Rollouts of a first run take personas from `first` in turn; a rollout whose prompt carries
    maintainer feedback (a refinement) plays `refined`.
    """

    first: list[str]
    refined: str = "POLISHED"
    prefers: tuple[str, ...] = ("POLISHED", "CORRECT")
    prompts: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: MessagesRequest) -> FakeReply:
        if request.forced_tool == "summary":
            diff = request.prompt_text.split("## Final diff", 1)[-1]
            persona = next((p for p, sign in SIGNATURES if sign in diff), "NOTHING")
            return _tool("summary", {**EMPTY_SUMMARY, "approach": approach(persona)})
        if request.forced_tool == "vote":
            return _tool("vote", {"choice": self._choice(request.prompt_text), "reason": "script"})
        return self._agent(request)

    def _agent(self, request: MessagesRequest) -> FakeReply:
        if request.step == 0:
            with self._lock:
                self.prompts.append(request.first_user_text)
                if "Feedback from a maintainer" in request.first_user_text:
                    persona = self.refined
                else:
                    persona = self.first.pop(0) if self.first else "NOTHING"
        else:  # the persona rides along in the id of the previous tool call
            last = request.messages[-2]["content"]
            persona = next(b["id"] for b in last if b["type"] == "tool_use").split("_")[1]
        commands = PERSONAS.get(persona, [])
        if request.step < len(commands):
            call = {"name": "bash", "input": {"command": commands[request.step]}}
        else:
            call = {"name": "submit", "input": {}}
        block = {"type": "tool_use", "id": f"toolu_{persona}_{request.index}", **call}
        return FakeMessage((block,))

    def _choice(self, prompt: str) -> str:
        sections = re.split(r"^## Candidate ([A-Z])\s*$", prompt, flags=re.M)[1:]
        labelled = dict(zip(sections[::2], sections[1::2], strict=True))
        for persona in self.prefers:
            for label, text in labelled.items():
                if approach(persona) in text:
                    return label
        return sorted(labelled)[0]


EMPTY_SUMMARY: dict[str, Any] = {
    "hypotheses": [],
    "locations": [],
    "changes": [],
    "evidence": [],
    "failure_modes": [],
    "risks": [],
    "confidence": 0.5,
}


def approach(persona: str) -> str:
    return f"Persona-{persona}: the {persona.lower()} way."


def _tool(name: str, data: dict[str, Any]) -> FakeReply:
    return FakeMessage(({"type": "tool_use", "id": None, "name": name, "input": data},))
