"""A tiny statistics library used as autofix's bundled example."""

from calc.stats import mean, median

__all__ = ["mean", "median"]
