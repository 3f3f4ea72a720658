"""Every log line is one JSON object carrying the run and delivery of the task that wrote it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from app.telemetry.context import bind
from app.telemetry.delivery import delivery_id
from app.telemetry.logs import JsonFormatter


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("autofix.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_concurrent_tasks_keep_their_own_ids(captured: io.StringIO) -> None:
    log = logging.getLogger("autofix.test.logs")

    async def job(run: int, delivery: str) -> None:
        bind(run_id=run, delivery_id=delivery)
        for step in range(3):
            log.info("step %d", step, extra={"step": step})
            await asyncio.sleep(0)

    await asyncio.gather(job(1, "d-1"), job(2, "d-2"))
    log.info("outside any job")
    found = lines(captured)
    assert len(found) == 7
    for line in found[:-1]:
        assert line["delivery_id"] == f"d-{line['run_id']}"
        assert isinstance(line["step"], int)
    assert found[-1]["run_id"] is None and found[-1]["delivery_id"] is None
    assert {line["level"] for line in found} == {"info"}


def test_hostile_messages_stay_one_line(captured: io.StringIO) -> None:
    log = logging.getLogger("autofix.test.logs")
    try:
        raise ValueError('boom\n{"run_id": 99}')
    except ValueError:
        log.exception("title: %s", 'x"}\n{"level": "critical"')
    (line,) = lines(captured)
    assert line["message"] == 'title: x"}\n{"level": "critical"'
    assert line["level"] == "error" and "ValueError" in str(line["exception"])


def test_delivery_header_is_cut_to_a_safe_token() -> None:
    assert delivery_id(b"72d3162e-cc78-11e3-81ab-4c9367dc0958") == (
        "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    )
    assert delivery_id(b"a\nb\x00c" + b"x" * 500) == "abc" + "x" * 61
    assert delivery_id(b"\n\n") == "invalid"


def test_queue_lines_about_a_job_name_its_run_or_delivery(captured: io.StringIO) -> None:
    log = logging.getLogger("autofix.test.logs")
    # The shapes the queue library logs a job's start and end in, from outside the job.
    log.info("%6.2fs → %s(%s)%s", 0.5, "run:42:run_issue", "42", "")
    log.info("%6.2fs ← %s ● %s", 1.0, "evt:72d3162e-cc78-11e3:handle_trigger", "started")
    log.info("%6.2fs → %s(%s)%s", 0.5, "run:42; rm:run_issue", "", "")
    first, second, odd = lines(captured)
    assert (first["run_id"], first["delivery_id"]) == ("42", None)
    assert (second["run_id"], second["delivery_id"]) == (None, "72d3162e-cc78-11e3")
    assert (odd["run_id"], odd["delivery_id"]) == (None, None)
