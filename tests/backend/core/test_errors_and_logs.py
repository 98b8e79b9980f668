"""One error shape everywhere, no internals, structured logs with request ids."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import APIRouter

from mv.core.errors import NotFound


async def test_unknown_route_uses_the_error_shape(client) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": "No such route."}


async def test_non_uuid_id_is_422_with_the_error_shape(client) -> None:
    for bad in ("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%2e%2e"):
        response = await client.get(f"/api/jobs/{bad}")
        assert response.status_code in (404, 422), bad
        body = response.json()
        assert set(body) == {"error", "detail"}
    response = await client.get("/api/jobs/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


async def test_unknown_job_is_404(client) -> None:
    response = await client.get("/api/jobs/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


async def test_unexpected_errors_hide_internals(app_client) -> None:
    client = await app_client()
    router = APIRouter()

    @router.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("/secret/path/to/db.sqlite token=r8_abc")

    @router.get("/api/gone")
    async def gone() -> None:
        raise NotFound("No video has that id.")

    client.app.include_router(router)
    response = await client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "InternalError", "detail": "Something went wrong on our side."}
    assert "secret" not in response.text
    response = await client.get("/api/gone")
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": "No video has that id."}


async def test_health_and_request_id(client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["default_provider"] == "local"
    assert body["replicate_available"] is False
    assert len(response.headers["x-request-id"]) == 36


async def test_json_logs_carry_the_request_id(app_client, capfd: pytest.CaptureFixture[str]) -> None:
    client = await app_client(mv_log_json=True)
    capfd.readouterr()
    response = await client.get("/api/mv/get_config_flavors", headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    request_lines = [line for line in lines if line.get("event") == "request"]
    assert request_lines, lines
    assert request_lines[-1]["request_id"] == "req-12345678"
    assert request_lines[-1]["path"] == "/api/mv/get_config_flavors"


async def test_stdlib_loggers_go_through_structlog(app_client, capfd: pytest.CaptureFixture[str]) -> None:
    await app_client(mv_log_json=True)
    capfd.readouterr()
    logging.getLogger("some.library").warning("library says %s", "hello")
    err = capfd.readouterr().err.strip().splitlines()
    assert json.loads(err[-1])["event"] == "library says hello"
