"""The one place prompt templates (`app/prompts/*.jinja`) are rendered."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).resolve().parent


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        # A missing variable is a bug in the caller, never an empty string in a prompt.
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def template_names() -> list[str]:
    """Every template shipped with autofix, by file name."""
    return sorted(p.name for p in TEMPLATE_DIR.glob("*.jinja"))


def render_prompt(name: str, **context: object) -> str:
    """Render `name` (e.g. "agent_system.jinja") with strict undefined variables."""
    return _environment().get_template(name).render(**context).strip() + "\n"
