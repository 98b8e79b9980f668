"""Workspaces: which browser or operator a project or job belongs to, named only by a caller the API trusts."""

from __future__ import annotations

import contextvars
import hmac
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from mv.core.errors import BadRequest
from mv.core.middleware import send_error

WORKSPACE_HEADER = "x-encore-workspace"
"""The header the web app's server (or an `API_KEY` caller) names the workspace in."""

DEFAULT_WORKSPACE = "default"
"""The workspace of every request that names none, or names one without proving who it is."""

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("encore_workspace", default=DEFAULT_WORKSPACE)


def current_workspace() -> str:
    """The workspace of the request (or job) being served."""
    return _current.get()


def use_workspace(workspace: str) -> contextvars.Token[str]:
    """Make `workspace` current for this task and the tasks it starts."""
    return _current.set(workspace)


class WorkspaceMiddleware:
    """Read `X-Encore-Workspace` from a caller that proves it is the web app (`MV_PROXY_TOKEN`) or an operator
    (`API_KEY`); anyone else's header is ignored and they share the default workspace."""

    def __init__(self, app: ASGIApp, secrets: dict[str, str]) -> None:
        self.app = app
        self.secrets = {name.encode(): value.encode() for name, value in secrets.items() if value}

    def _proven(self, headers: dict[bytes, bytes]) -> bool:
        return any(hmac.compare_digest(headers.get(name, b""), secret) for name, secret in self.secrets.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        named = headers.get(WORKSPACE_HEADER.encode(), b"").decode(errors="replace")
        workspace = DEFAULT_WORKSPACE
        if named and self._proven(headers):
            if not _NAME.fullmatch(named):
                await send_error(send, BadRequest("X-Encore-Workspace must be 1-64 letters, digits, '-' or '_'."))
                return
            workspace = named
        token = _current.set(workspace)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
