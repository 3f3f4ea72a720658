"""`autofix setup` as a real process, and a client that walks its pages as a browser would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parents[2]


class SetupProcess:
    """Runs `python -m app.cli setup ARGS` and collects what it prints."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "setup", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr = ""
        self._url = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.stdout.append(line)
            if line.startswith("Open "):
                self._url.set()
        self._url.set()

    def local_url(self, timeout: float = 30.0) -> str:
        """The setup page the command printed."""
        self._url.wait(timeout)
        for line in self.stdout:
            if match := re.match(r"Open (http://127\.0\.0\.1:\d+/) ", line):
                return match.group(1)
        raise AssertionError(f"no setup URL printed: {self.output()}")

    def wait(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(10)
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()
        return code

    def output(self) -> str:
        return "".join(self.stdout) + self.stderr

    def __enter__(self) -> SetupProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self.forms and "name" in values:
            self.forms[-1][1][values["name"]] = values.get("value", "")


def first_form(page: str, base: str) -> tuple[str, dict[str, str]]:
    """The first form of an HTML page: its absolute action URL and its fields."""
    parser = _Forms()
    parser.feed(page)
    assert parser.forms, page
    action, fields = parser.forms[0]
    return str(httpx.URL(base).join(action)), fields


def register(client: httpx.Client, local_url: str) -> httpx.Response:
    """What a person does: open the setup page, send the form, confirm on GitHub, come back."""
    start = client.get(local_url)
    start.raise_for_status()
    action, fields = first_form(start.text, local_url)
    review = client.post(action, data=fields)
    review.raise_for_status()
    create, confirm = first_form(review.text, action)
    redirect = client.post(create, data=confirm)
    assert redirect.status_code == 302, redirect.text
    return client.get(redirect.headers["location"])
