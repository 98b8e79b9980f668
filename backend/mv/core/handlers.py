"""Exception handlers: every error leaves as `{"error", "detail"}` with no internals."""

from __future__ import annotations

import http
from collections.abc import Iterator
from typing import Any

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


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else (route,)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (the framework names only the first route's)."""
    methods: set[str] = set()
    for route in _routes(request.app.router.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(EncoreError)
    async def encore_error(_: Request, exc: EncoreError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "ValidationError", "detail": _describe(list(exc.errors()))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        given = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
        detail = given if given and given != _phrase(exc.status_code) else default_detail(exc.status_code)
        name = STATUS_NAMES.get(exc.status_code, "HTTPError")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return JSONResponse({"error": name, "detail": detail}, status_code=exc.status_code, headers=headers or None)
