"""Plumbing shared by the LLM fakes: a loopback JSON server in a thread and a reply script."""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar


@dataclass(frozen=True)
class WireReply:
    """One HTTP answer: status, JSON body, extra headers and an optional delay before it."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def estimate_tokens(value: Any) -> int:
    """About four bytes of JSON a token: enough for budgets in tests to move."""
    return max(1, len(json.dumps(value)) // 4)


Route = Callable[[Any, dict[str, str]], WireReply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    server: _Server

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        headers = {k.lower(): v for k, v in self.headers.items()}
        if route is None:
            reply = WireReply(404, {"error": f"no route {self.path}"})
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                reply = WireReply(400, {"error": "request body is not JSON"})
            else:
                reply = route(body, headers)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet; requests are recorded by the fakes


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name, which can hang without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is expected in retry tests


@contextmanager
def serve(routes: Mapping[str, Route]) -> Iterator[str]:
    """Serve `routes` on a free loopback port; yields `http://127.0.0.1:PORT`."""
    server = _Server(routes)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="llm-fake", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


Req = TypeVar("Req")
Rep = TypeVar("Rep")


class Script(Generic[Req, Rep]):
    """Replies in order from a queue, then from a responder; records every request.

    Thread-safe: the server answers concurrent rollouts from several threads, and the
    responder is called under a lock so it may keep plain state.
    """

    def __init__(self, responder: Callable[[Req], Rep] | None = None) -> None:
        self.requests: list[Req] = []
        self.problems: list[str] = []
        self._queue: deque[Rep] = deque()
        self._responder = responder
        self._lock = threading.Lock()

    def enqueue(self, *replies: Rep | Iterable[Rep]) -> None:
        with self._lock:
            for reply in replies:
                if isinstance(reply, list | tuple):
                    self._queue.extend(reply)
                else:
                    self._queue.append(reply)  # type: ignore[arg-type]

    def respond_with(self, responder: Callable[[Req], Rep] | None) -> None:
        with self._lock:
            self._responder = responder

    @property
    def pending(self) -> int:
        return len(self._queue)

    def record(self, request: Req) -> None:
        with self._lock:
            self.requests.append(request)

    def problem(self, text: str) -> None:
        with self._lock:
            self.problems.append(text)

    def next_reply(self, request: Req) -> Rep | str:
        """The next reply, or a description of why there is none (also kept in `problems`)."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            responder = self._responder
            if responder is None:
                text = "script is empty: enqueue more replies or set a responder"
            else:
                try:
                    return responder(request)
                except Exception as exc:
                    text = f"responder raised {type(exc).__name__}: {exc}"
            self.problems.append(text)
            return text

    def check(self) -> None:
        """Fail if anything went wrong that the client may have swallowed."""
        if self.problems:
            raise AssertionError("LLM fake problems:\n" + "\n".join(self.problems))
