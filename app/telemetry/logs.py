"""One JSON object per log line, with the run id and delivery id of the task that wrote it."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

from app.telemetry.context import current

# The queue library names jobs `run:ID:run_issue` or `evt:DELIVERY:handle_trigger` in its own
# lines, which are written outside the job's task; the ids are read back from those names.
_JOB_REF = re.compile(r"^(?:(run):(\d+)|(evt):([A-Za-z0-9-]{1,64})):[a-z_]+$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "run_id", "delivery_id", ...}`; extras are kept."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **current(),
        }
        if line["run_id"] is None and line["delivery_id"] is None:
            line.update(_job_ids(record))
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def _job_ids(record: logging.LogRecord) -> dict[str, str]:
    args = record.args if isinstance(record.args, tuple) else ()
    for arg in args:
        match = _JOB_REF.match(arg) if isinstance(arg, str) else None
        if match and match.group(1):
            return {"run_id": match.group(2)}
        if match:
            return {"delivery_id": match.group(4)}
    return {}


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every logger (uvicorn's and arq's included) through one JSON handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq", "arq.worker"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
