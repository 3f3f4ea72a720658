"""Renders the dashboard's HTML templates (`app/web/templates/`), always autoescaped."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from starlette.responses import HTMLResponse

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def safe_url(url: str | None) -> str:
    """Links only to http(s) addresses; anything else (`javascript:`, `data:`) becomes inert."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return "#"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        # Every value from repositories and models is hostile text: escape all of it.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


def render_html(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


def page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_html(name, **context), status_code=status_code)


def problem(title: str, message: str, status_code: int, *, link: str | None = None) -> HTMLResponse:
    """A plain page explaining what went wrong and what to do; names no repository."""
    return page("problem.html.jinja", status_code, title=title, message=message, link=link)
