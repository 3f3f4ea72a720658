"""Renders the user-facing templates in `app/templates/` (the one place they are rendered)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        # HTML pages escape; Markdown is escaped field by field with `md`.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.jinja",)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, **context: Any) -> str:
    """Render `app/templates/<name>` with strict undefined variables."""
    return _environment().get_template(name).render(**context).strip() + "\n"
