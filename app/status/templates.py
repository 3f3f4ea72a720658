"""Renders the user-facing templates in `app/templates/` (the one place they are rendered)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from app.status.safe_text import neutralise

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def _environment(markdown: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        # HTML pages escape; Markdown is escaped field by field with `md`.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.jinja",)),
        # Every value put into a Markdown template may carry a model's words: defuse mentions,
        # closing keywords and remote images at the one place they are rendered.
        finalize=_defused if markdown else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def _defused(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def render(name: str, **context: Any) -> str:
    """Render `app/templates/<name>` with strict undefined variables."""
    template = _environment(name.endswith(".md.jinja")).get_template(name)
    return template.render(**context).strip() + "\n"
