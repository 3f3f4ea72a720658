"""Locates the JSON document a JavaScript runner printed, alone or among other output."""

from __future__ import annotations

import json
from typing import Any

from scaling.reports.model import ReportError


def load_json(text: str, marker: str, what: str) -> dict[str, Any]:
    """The last JSON object in `text` that starts with `marker`, else the whole text.

    Runners that print their report on stdout share it with whatever the tests print, so
    the report is found by the key it starts with rather than assumed to be all of it.
    """
    at = text.rfind(marker)
    body = text[at:] if at >= 0 else text.lstrip()
    if not body.startswith("{"):
        raise ReportError(f"no {what} JSON report found in the output")
    try:
        data, _ = json.JSONDecoder().raw_decode(body)
    except RecursionError as exc:
        raise ReportError(f"{what} JSON report nests too deeply") from exc
    except ValueError as exc:
        raise ReportError(f"{what} JSON report is cut short or garbled: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{what} JSON report is not an object")
    return data
