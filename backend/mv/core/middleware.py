"""Pure ASGI middleware: request ids, API key, body limits, one error shape, safe response headers."""

from __future__ import annotations

import hmac
import json
import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mv.core.errors import STATUS_NAMES, EncoreError, InternalError, LengthRequired, PayloadTooLarge, Unauthorized, default_detail, known_error
from mv.core.logging import get_logger

log = get_logger("mv.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


async def send_error(send: Send, error: EncoreError, extra_headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer with the standard error body straight from middleware."""
    body = json.dumps(error.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers + (extra_headers or [])})
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Give every request an id, bind it to every log line, and log one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode(errors="ignore")
        request_id = incoming if _SAFE_ID.fullmatch(incoming) else str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status["code"],
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()


class UnhandledErrorMiddleware:
    """Turn any unexpected exception into a generic 500 body; details go to the log only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except EncoreError as exc:
            if not started:
                await send_error(send, exc)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            known = known_error(exc)
            if known is None:
                log.error("unhandled_error", error=type(exc).__name__, exc_info=exc)
                known = InternalError("Something went wrong on our side.")
            if not started:
                await send_error(send, known)


class ApiKeyMiddleware:
    """When a key is configured, every route but `/healthz` and the signed webhook needs `X-API-Key` (constant time), docs included."""

    OPEN_PATHS = frozenset({"/healthz", "/api/webhooks/replicate"})

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self.OPEN_PATHS and scope["method"] != "OPTIONS":
            given = dict(scope["headers"]).get(b"x-api-key", b"")
            if not hmac.compare_digest(given, self.key):
                await send_error(send, Unauthorized("A valid X-API-Key header is required."))
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse bodies over the limit (413) and bodies sent without a length (411); count what arrives too."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PayloadTooLarge:
        """The 413 error for this limit."""
        return PayloadTooLarge(f"The request body is larger than {self.max_bytes // 2**20} MB.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, Any] = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is None and b"transfer-encoding" in headers:
            await send_error(send, LengthRequired("Send the request body with a Content-Length header."))
            return
        if length is None:
            await self.app(scope, receive, send)
            return
        try:
            declared = int(length)
        except ValueError:
            await send_error(send, LengthRequired("Content-Length must be a number."))
            return
        if declared > self.max_bytes:
            await send_error(send, self._too_large())
            return
        seen, answered, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if started:
                        raise self._too_large()
                    answered = True
                    await send_error(send, self._too_large())
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, guarded_send)


class ErrorShapeMiddleware:
    """Rewrite any error the app answers in another shape (a plain-text 400 from CORS, say) as `{"error", "detail"}`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None

        async def shaped_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] >= 400:
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if not content_type.startswith(b"application/json"):
                    held = message
                    return
            if held is None:
                await send(message)
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                await self._send_shaped(send, held)

        await self.app(scope, receive, shaped_send)

    @staticmethod
    async def _send_shaped(send: Send, start: Message) -> None:
        """Send the held error's status and headers with the standard body instead of its own."""
        status = start["status"]
        body = json.dumps({"error": STATUS_NAMES.get(status, "HTTPError"), "detail": default_detail(status)}).encode()
        kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")]
        headers = [*kept, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class NoSniffMiddleware:
    """Every answer carries `X-Content-Type-Options: nosniff`, so browsers trust only the declared media type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"]
                message["headers"] = [*headers, (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_header)
