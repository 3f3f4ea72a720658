"""Running one command through the Docker exec API, streaming and capping its output."""

from __future__ import annotations

import io
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

import docker

from sandbox.errors import SandboxError


class Capture:
    """Keeps the head and tail of a byte stream within a cap and counts the bytes cut."""

    def __init__(self, cap: int | None) -> None:
        self._head_cap = None if cap is None else cap // 2
        self._tail_cap = 0 if cap is None else cap - cap // 2
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        if self._head_cap is None or len(self._head) < self._head_cap:
            room = len(data) if self._head_cap is None else self._head_cap - len(self._head)
            self._head += data[:room]
            data = data[room:]
        if data and self._tail_cap:
            self._tail += data
            # Trim lazily so a chatty command costs amortised O(1) per byte.
            if len(self._tail) > 2 * self._tail_cap:
                del self._tail[: len(self._tail) - self._tail_cap]

    @property
    def truncated(self) -> int:
        return self.total - len(self._head) - min(len(self._tail), self._tail_cap)

    def raw(self) -> bytes:
        return bytes(self._head) + bytes(self._tail[-self._tail_cap :] if self._tail_cap else b"")

    def text(self) -> str:
        tail = bytes(self._tail[-self._tail_cap :]) if self._tail_cap else b""
        head = bytes(self._head).decode("utf-8", errors="replace")
        if not self.truncated:
            return head + tail.decode("utf-8", errors="replace")
        marker = f"\n[... {self.truncated} bytes of output cut here ...]\n"
        return head + marker + tail.decode("utf-8", errors="replace")


class ExecHung(SandboxError):
    """The command's output stream did not end within the outer deadline."""


def _recv_exactly(recv: Callable[[int], bytes], n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def _receiver(handle: Any, raw: socket.socket) -> Callable[[int], bytes]:
    """Read the hijacked stream starting with what the HTTP reader already buffered.

    On a busy host the engine's first output can arrive in one read with its `101 UPGRADED`
    answer; the headers are parsed through a buffered file, which then holds that output, and
    reading the raw socket alone would lose it (a quick command seemed to print nothing).
    read1 hands out those buffered bytes first, then reads the socket without buffering more.
    """
    response = getattr(handle, "_response", None)
    buffered = getattr(getattr(getattr(response, "raw", None), "_fp", None), "fp", None)
    if isinstance(buffered, io.BufferedReader):
        return buffered.read1
    return raw.recv


def run_exec(
    api: docker.APIClient,
    container_id: str,
    argv: list[str],
    *,
    user: str,
    workdir: str,
    env: dict[str, str],
    out: Capture,
    err: Capture | None = None,
    deadline_s: float,
) -> int:
    """Run argv, feeding stdout to `out` and stderr to `err` (or `out`); return the exit code.

    Raises ExecHung when no end of stream arrives within deadline_s of silence.
    """
    exec_id = api.exec_create(
        container_id, argv, stdout=True, stderr=True, user=user, workdir=workdir, environment=env
    )["Id"]
    handle: Any = api.exec_start(exec_id, socket=True)
    try:
        read_frames(handle, out, err, deadline_s)
    except TimeoutError as exc:
        raise ExecHung(f"command {argv[:3]} gave no end of output in {deadline_s:.0f}s") from exc
    finally:
        close_hijacked(handle)
    return _exit_code(api, exec_id)


def close_hijacked(handle: Any) -> None:
    """Close a hijacked stream: closing the file object alone leaves the socket open."""
    response = getattr(handle, "_response", None)
    raw = getattr(handle, "_sock", None)
    if response is not None:
        response.close()
    handle.close()
    if raw is not None:
        raw.close()


def read_frames(
    handle: Any, out: Capture, err: Capture | None, deadline_s: float, until: bytes | None = None
) -> bool:
    """Demultiplex a hijacked Docker stream into captures; True if `until` was seen in stdout.

    docker-py's own reader polls without a timeout, so the raw socket is read with one.
    """
    raw: socket.socket = getattr(handle, "_sock", handle)
    raw.settimeout(deadline_s)
    recv = _receiver(handle, raw)
    while True:
        header = _recv_exactly(recv, 8)
        if len(header) < 8:
            return False
        stream, size = struct.unpack(">BxxxL", header)
        payload = _recv_exactly(recv, size)
        (err if stream == 2 and err is not None else out).feed(payload)
        if until is not None and stream == 1 and until in out.raw():
            return True
        if len(payload) < size:
            return False


def _exit_code(api: docker.APIClient, exec_id: str) -> int:
    # The stream can end a moment before the engine records the exit code.
    for _ in range(500):
        info = api.exec_inspect(exec_id)
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        time.sleep(0.01)
    raise SandboxError("the Docker engine did not report the command's exit code")
