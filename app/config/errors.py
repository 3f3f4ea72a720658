"""The one error a bad repository config raises."""

from __future__ import annotations


class ConfigError(Exception):
    """A config file that cannot be used; each problem names the key, the line and the fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
