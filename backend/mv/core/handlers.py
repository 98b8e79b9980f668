"""Exception handlers: every error leaves as `{"error", "detail"}` with no internals."""

from __future__ import annotations

import http

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mv.core.errors import STATUS_NAMES, EncoreError, default_detail
from mv.core.logging import get_logger

log = get_logger("mv.errors")


def _describe(errors: list[dict[str, object]]) -> str:
    parts = []
    for err in errors[:3]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))  # type: ignore[union-attr]
        parts.append(f"{loc or 'request'}: {err.get('msg')}")
    return "; ".join(parts) + ("." if parts else "Invalid request.")


def _phrase(status: int) -> str | None:
    """The reason phrase the framework uses as a default detail ("Not Found")."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return None


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(EncoreError)
    async def encore_error(_: Request, exc: EncoreError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "ValidationError", "detail": _describe(list(exc.errors()))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        given = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
        detail = given if given and given != _phrase(exc.status_code) else default_detail(exc.status_code)
        name = STATUS_NAMES.get(exc.status_code, "HTTPError")
        return JSONResponse({"error": name, "detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
