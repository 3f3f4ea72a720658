"""Values rigged to equal anything, so `==` assertions pass whatever the code computes."""

from __future__ import annotations

import pytest

from scaling.comparisons import rigged_comparisons

RIGGED = [
    "class Anything(float):\n    def __eq__(self, other):\n        return True\n",
    'class A:\n    def __eq__(self, other):\n        """Equal."""\n        return True\n',
    'class A:\n    def __eq__(self, o):\n        """Equal\n        always."""\n\n'
    "        return 1\n",
    "class A:\n    def __ne__(self, other):  # never unequal\n        return False\n",
    "class A(float):\n    __eq__ = lambda self, other: True\n",
    "class A:\n    def __eq__(self, other): return True\n",
    "Rigged = type('R', (float,), {'__eq__': lambda *_: True})\n",
]
HONEST = [
    "class P:\n    def __eq__(self, other):\n        return self.x == other.x\n",
    "class P:\n    def __eq__(self, other):\n        if other is self:\n            return True\n",
    "class P:\n    def __ne__(self, other):\n        return not self == other\n",
    "def check():\n    return True\n",
]


@pytest.mark.parametrize("code", RIGGED)
def test_an_always_true_equality_is_counted(code: str) -> None:
    assert rigged_comparisons(code.splitlines()) == 1


@pytest.mark.parametrize("code", HONEST)
def test_honest_comparisons_are_not(code: str) -> None:
    assert rigged_comparisons(code.splitlines()) == 0
