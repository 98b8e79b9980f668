"""uvicorn's HTTP protocol with bounds on idle, slow and oversized requests and on open connections."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mv.core.errors import STATUS_NAMES
from mv.core.logging import get_logger
from mv.core.settings import Settings

log = get_logger("mv.http")


class HeadersTooLarge(Exception):
    """Raised inside the parser to stop reading a request whose headers passed the cap."""


def error_bytes(status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> bytes:
    """A complete HTTP/1.1 error response in the API's shape that closes the connection."""
    body = json.dumps({"error": STATUS_NAMES.get(status, "HTTPError"), "detail": detail}).encode()
    lines = [STATUS_LINE[status]]
    for name, value in [
        *(headers or []),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]:
        lines += [name, b": ", value, b"\r\n"]
    return b"".join([*lines, b"\r\n", body])


async def _server_busy(scope: Any, receive: Any, send: Any) -> None:
    """ASGI app answering 503 while the server holds its maximum of connections."""
    body = json.dumps({"error": "ServiceUnavailable", "detail": "The server is busy; try again in a moment."}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close"), (b"retry-after", b"1")]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GuardedHttpProtocol(HttpToolsProtocol):
    """Closes connections that send no complete headers in time, go silent mid-body or send huge headers; caps connections."""

    header_timeout: float = 10.0
    read_timeout: float = 30.0
    max_header_bytes: int = 32 * 1024
    max_connections: int = 512

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._on_deadline: Callable[[], None] | None = None
        self._header_bytes = 0
        self._headers_over = False

    def _arm(self, seconds: float, handler: Callable[[], None]) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, handler)
        self._on_deadline = handler

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self._on_deadline = None

    def _client(self) -> str:
        return self.client[0] if self.client else "unknown"

    def _idle_between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._on_deadline == self._body_too_slow:
            self._arm(self.read_timeout, self._body_too_slow)
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._deadline is None:
            self._arm(self.header_timeout, self._headers_too_slow)

    def on_url(self, url: bytes) -> None:
        self._count_header_bytes(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_header_bytes(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_header_bytes(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.max_header_bytes:
            self._headers_over = True
            raise HeadersTooLarge()

    def on_headers_complete(self) -> None:
        self._disarm()
        if len(self.connections) <= self.max_connections and len(self.tasks) < self.max_connections:
            super().on_headers_complete()
        else:
            log.warning("connection_refused", reason="max_connections", client=self._client())
            app, self.app = self.app, _server_busy
            try:
                super().on_headers_complete()
            finally:
                self.app = app
        self._arm(self.read_timeout, self._body_too_slow)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """Answer unreadable requests (and oversized headers) in the API's error shape."""
        if self._headers_over:
            log.warning("connection_closed", reason="headers_too_large", client=self._client())
            detail = f"The request headers are larger than {self.max_header_bytes // 1024} KB."
            self.transport.write(error_bytes(431, detail))
        else:
            self.transport.write(error_bytes(400, "The request is not valid HTTP/1.1."))
        self.transport.close()

    def _headers_too_slow(self) -> None:
        """No complete request headers in time: answer 408 when nothing else is being answered, then close."""
        self._deadline = self._on_deadline = None
        if self.transport.is_closing():
            return
        log.info("connection_closed", reason="header_timeout", client=self._client())
        if self._idle_between_requests():
            self.transport.write(error_bytes(408, f"No complete request arrived within {self.header_timeout:g} s."))
        self.transport.close()

    def _body_too_slow(self) -> None:
        """The client went silent while sending a body: close (unless it is us who stopped reading)."""
        self._deadline = self._on_deadline = None
        if self.transport.is_closing():
            return
        if self.flow.read_paused:
            self._arm(self.read_timeout, self._body_too_slow)
            return
        log.info("connection_closed", reason="read_timeout", client=self._client())
        self.transport.close()


def guarded_protocol(settings: Settings) -> type[GuardedHttpProtocol]:
    """The protocol class with the bounds from settings."""
    return type(
        "EncoreHttpProtocol",
        (GuardedHttpProtocol,),
        {
            "header_timeout": settings.mv_header_timeout,
            "read_timeout": settings.mv_read_timeout,
            "max_header_bytes": settings.mv_max_header_kb * 1024,
            "max_connections": settings.mv_max_connections,
        },
    )
