"""Choosing the model for a local run from the injected settings (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import make_model
from app.llm.base import ModelConfigError
from app.settings import Settings


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return Settings()


async def test_openai_compatible_spec_needs_no_anthropic_key(settings: Settings) -> None:
    model = make_model("openai:qwen2.5-coder@http://127.0.0.1:9/v1", settings)
    try:
        assert model.name.startswith("openai:qwen2.5-coder")
    finally:
        await model.aclose()


async def test_anthropic_key_and_address_come_from_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-x")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    configured = Settings()
    # Settings are read once; the model is built from them, whatever the environment says now.
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    model = make_model("anthropic:claude-sonnet-4-6", configured)
    try:
        assert model.name == "anthropic:claude-sonnet-4-6"
        assert getattr(model, "base_url", "").startswith("http://127.0.0.1:9")
    finally:
        await model.aclose()


def test_anthropic_without_a_key_says_how_to_get_one(settings: Settings) -> None:
    with pytest.raises(ModelConfigError, match="ANTHROPIC_API_KEY"):
        make_model("anthropic:claude-sonnet-4-6", settings)
