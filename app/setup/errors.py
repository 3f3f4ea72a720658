"""The one error of `autofix setup`: what went wrong and what to do about it."""

from __future__ import annotations


class SetupError(Exception):
    """Setup cannot go on; the message names the flag or file to fix."""
