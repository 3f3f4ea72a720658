"""The writable-layer cap: asked for where the engine can give it, recorded where it cannot."""

from __future__ import annotations

import uuid

import docker.errors
import pytest

from sandbox.layer import LayerLimit

REFUSAL = "--storage-opt is supported only for overlay over xfs with 'pquota' mount option"


class Engine:
    """Creates containers like the Docker API does: refuses the cap when it cannot give it."""

    def __init__(self, supports_cap: bool, error: str = REFUSAL) -> None:
        self.supports_cap, self.error = supports_cap, error
        self.created: list[dict[str, str] | None] = []

    def create(self, storage_opt: dict[str, str] | None) -> str:
        if storage_opt and not self.supports_cap:
            raise docker.errors.APIError("500 Server Error", explanation=self.error)
        self.created.append(storage_opt)
        return f"container-{len(self.created)}"


def test_an_engine_that_can_cap_gets_asked_every_time() -> None:
    engine, layer = Engine(supports_cap=True), LayerLimit(f"engine-{uuid.uuid4()}", "8g")
    for _ in range(2):
        layer.create(lambda: engine.create(layer.storage_opt()))
    assert engine.created == [{"size": "8g"}, {"size": "8g"}]
    assert layer.label() == "8g"


def test_a_refusal_is_remembered_and_recorded_with_its_reason() -> None:
    name = f"engine-{uuid.uuid4()}"
    engine, layer = Engine(supports_cap=False), LayerLimit(name, "8g")
    assert layer.create(lambda: engine.create(layer.storage_opt())) == "container-1"
    again = LayerLimit(name, "8g")
    again.create(lambda: engine.create(again.storage_opt()))
    assert engine.created == [None, None], "asked once, then never again on that engine"
    assert again.label() == f"none: {REFUSAL}"
    assert LayerLimit(f"engine-{uuid.uuid4()}", "8g").storage_opt() == {"size": "8g"}


def test_other_engine_errors_are_not_mistaken_for_a_refusal() -> None:
    engine = Engine(supports_cap=False, error="No such image: autofix-sandbox:bookworm")
    layer = LayerLimit(f"engine-{uuid.uuid4()}", "8g")
    with pytest.raises(docker.errors.APIError, match="No such image"):
        layer.create(lambda: engine.create(layer.storage_opt()))
    assert layer.storage_opt() == {"size": "8g"}


def test_a_refusal_recorded_by_a_concurrent_sandbox_mid_call_still_retries() -> None:
    name = f"engine-{uuid.uuid4()}"
    engine, layer, other = (
        Engine(supports_cap=False),
        LayerLimit(name, "8g"),
        LayerLimit(name, "8g"),
    )
    calls: list[dict[str, str] | None] = []

    def make() -> str:
        asked = layer.storage_opt()
        calls.append(asked)
        if len(calls) == 1:  # another sandbox hits the refusal while this call is in flight
            other.refused(docker.errors.APIError("500", explanation=REFUSAL))
        return engine.create(asked)

    assert layer.create(make) == "container-1"
    assert calls == [{"size": "8g"}, None]
