"""Errors that carry their own status and machine name, rendered as one JSON shape."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str
    detail: str


class EncoreError(Exception):
    """Base error: `status_code` and the class name become the response."""

    status_code: ClassVar[int] = 500
    registry: ClassVar[dict[str, type[EncoreError]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        EncoreError.registry[cls.__name__] = cls

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}

    @property
    def name(self) -> str:
        """The machine name clients switch on."""
        return type(self).__name__

    def body(self) -> dict[str, str]:
        """The JSON body for this error."""
        return {"error": self.name, "detail": self.detail}


class BadRequest(EncoreError):
    """The request is well-formed but cannot be honoured."""

    status_code = 400


class Unauthorized(EncoreError):
    """A missing or wrong API key."""

    status_code = 401


class NotFound(EncoreError):
    """The named resource does not exist."""

    status_code = 404


class Conflict(EncoreError):
    """The resource exists but is not in a usable state."""

    status_code = 409


class RangeNotSatisfiable(EncoreError):
    """A byte range that starts past the end of the file."""

    status_code = 416


class LengthRequired(EncoreError):
    """A body was sent without a Content-Length."""

    status_code = 411


class PayloadTooLarge(EncoreError):
    """The body or file exceeds a configured limit."""

    status_code = 413


class UnsupportedMediaType(EncoreError):
    """The content is not one of the accepted formats."""

    status_code = 415


class RateLimited(EncoreError):
    """Too many requests; retry after the given delay."""

    status_code = 429


class InternalError(EncoreError):
    """An unexpected failure; details are only in the logs."""

    status_code = 500


class UpstreamError(EncoreError):
    """A model provider or storage service failed."""

    status_code = 502


class ServiceUnavailable(EncoreError):
    """A dependency is temporarily unavailable."""

    status_code = 503


class InsufficientStorage(EncoreError):
    """The media root is full."""

    status_code = 507


STATUS_NAMES: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    409: "Conflict",
    411: "LengthRequired",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    416: "RangeNotSatisfiable",
    422: "ValidationError",
    429: "RateLimited",
    431: "HeadersTooLarge",
    500: "InternalError",
    502: "UpstreamError",
    503: "ServiceUnavailable",
}


DEFAULT_DETAILS: dict[int, str] = {
    400: "The request could not be understood.",
    404: "No such route.",
    405: "This route does not accept that method.",
    416: "The requested byte range lies outside the file.",
}
"""Sentences for errors raised without one of their own (by the framework, say)."""


def default_detail(status: int) -> str:
    """A sentence for an error of this status that came with none."""
    fallback = "Something went wrong on our side." if status >= 500 else "The request failed."
    return DEFAULT_DETAILS.get(status, fallback)


def error_from_body(body: dict[str, str] | None) -> EncoreError:
    """Rebuild an error stored with a job so the API answers with the same shape."""
    body = body or {}
    cls = EncoreError.registry.get(body.get("error", ""), InternalError)
    return cls(body.get("detail") or "The operation failed.")


def known_error(exc: BaseException) -> EncoreError | None:
    """The user-facing error for an exception we understand (a full disk), else None."""
    if isinstance(exc, EncoreError):
        return exc
    if isinstance(exc, OSError) and exc.errno == 28:
        return InsufficientStorage("The media storage is full.")
    return None
