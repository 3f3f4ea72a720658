"""A TCP proxy on 127.0.0.1 that can drop every connection, for transient outages of a service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType


class FlakyProxy:
    """Forwards to 127.0.0.1:`target_port`; while down, cuts and refuses every connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.is_down = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"redis://127.0.0.1:{port}/0"

    async def __aenter__(self) -> FlakyProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.down()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def down(self) -> None:
        """Cut every open connection; new ones are closed as soon as they arrive."""
        self.is_down = True
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def up(self) -> None:
        self.is_down = False

    @contextlib.asynccontextmanager
    async def outage(self, seconds: float) -> AsyncIterator[None]:
        """Down for `seconds`, then up again."""
        self.down()
        try:
            await asyncio.sleep(seconds)
            yield
        finally:
            self.up()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_down:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update((writer, up_writer))
        await asyncio.gather(
            _pump(reader, up_writer), _pump(up_reader, writer), return_exceptions=True
        )
        for w in (writer, up_writer):
            self._writers.discard(w)
            w.transport.abort()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.transport.abort()
