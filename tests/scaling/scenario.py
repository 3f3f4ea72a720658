"""A small repository scenario shared by the engine tests: patches and their test results."""

from __future__ import annotations

from scaling.config import Budget, EngineConfig
from scaling.testrun import Outcome
from tests.fakes.scaling import FakeTestRunner, make_patch, make_run

MEAN = "tests/test_stats.py::test_mean"
FLAKY = "tests/test_stats.py::test_timing"
NEW = "tests/test_median.py::test_median_odd"


def fix(marker: str, indent: str = "    ") -> str:
    """A code patch whose summary will mention `marker`."""
    return make_patch(
        "calc/stats.py", [f"{indent}return median_{marker}(xs)"], ["    return xs[0]"]
    )


GOOD = fix("GOOD")
GOOD_AGAIN = fix("GOOD", indent="        ")  # the same change, indented differently
BAD = fix("BAD")
BROKEN = fix("BROKEN")
CHEAT = fix("CHEAT") + make_patch(
    "tests/conftest.py",
    ["def pytest_collection_modifyitems(items):", "    items.clear()"],
    new=True,
)
WITH_TEST = fix("TESTED") + make_patch(
    "tests/test_median.py",
    [
        "from calc.stats import median",
        "def test_median_odd():",
        "    assert median([3, 1, 2]) == 2",
    ],
    new=True,
)


def outcomes(extra: dict[str, Outcome] | None = None) -> dict[str, Outcome]:
    return {MEAN: "passed", FLAKY: "passed", **(extra or {})}


def scenario() -> FakeTestRunner:
    """GOOD passes everything; BAD passes the gate but not the holdout; BROKEN breaks test_mean."""
    failing_holdout = make_run({"tests/holdout/test_even.py::test_even": "failed"})
    return FakeTestRunner(
        baselines=[make_run(outcomes()), make_run(outcomes({FLAKY: "failed"}))],
        candidates={
            GOOD: make_run(outcomes()),
            GOOD_AGAIN: make_run(outcomes()),
            BAD: make_run(outcomes({FLAKY: "failed"})),
            BROKEN: make_run(outcomes({MEAN: "failed"})),
            CHEAT: make_run(outcomes()),
            WITH_TEST: make_run(outcomes({NEW: "passed"})),
        },
        reproductions={WITH_TEST: make_run({NEW: "failed"})},
        holdouts={BAD: failing_holdout, BROKEN: failing_holdout},
    )


def config(**kwargs: object) -> EngineConfig:
    defaults: dict[str, object] = {"budget": Budget(usd=None, wall_s=None), "rounds": 1}
    return EngineConfig.model_validate({**defaults, **kwargs})
