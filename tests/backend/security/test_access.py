"""Access control, CORS, body limits, and the loopback-only default."""

from __future__ import annotations

import asyncio
import http.client
import json
import signal
import uuid
from pathlib import Path

import httpx

from live import live_server, start_server


async def test_api_key_guards_every_api_route(app_client) -> None:
    client = await app_client(api_key="s3cret-key")
    assert (await client.get("/api/mv/get_config_flavors")).status_code == 401
    wrong = await client.get("/api/mv/get_config_flavors", headers={"X-API-Key": "s3cret-kez"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "Unauthorized"
    assert "s3cret" not in wrong.text
    ok = await client.get("/api/mv/get_config_flavors", headers={"X-API-Key": "s3cret-key"})
    assert ok.status_code == 200
    assert (await client.get("/healthz")).status_code == 200


async def test_api_key_guards_the_docs_and_the_schema(app_client) -> None:
    guarded = await app_client(api_key="s3cret-key")
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect", "/no/such/page"):
        refused = await guarded.get(path)
        assert refused.status_code == 401 and refused.json()["error"] == "Unauthorized", path
    schema = await guarded.get("/openapi.json", headers={"X-API-Key": "s3cret-key"})
    assert schema.status_code == 200 and "/api/jobs/events" in schema.json()["paths"]
    assert (await guarded.get("/docs", headers={"X-API-Key": "s3cret-key"})).status_code == 200
    open_instance = await app_client()
    assert (await open_instance.get("/openapi.json")).status_code == 200, "without a key the docs stay open on loopback"


async def test_the_job_stream_follows_only_named_jobs(client) -> None:
    for query in ("", "?ids=", "?ids=,,", "?ids=not-a-uuid", "?ids=" + ",".join(str(uuid.uuid4()) for _ in range(201))):
        refused = await asyncio.wait_for(client.get(f"/api/jobs/events{query}"), 10)  # a stream would never end
        assert refused.status_code == 400 and refused.json()["error"] == "BadRequest", query


async def test_cors_allows_only_configured_origins(app_client) -> None:
    client = await app_client(cors_origins="https://encore.example")
    allowed = await client.options(
        "/api/mv/get_config_flavors",
        headers={"Origin": "https://encore.example", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "https://encore.example"
    denied = await client.options(
        "/api/mv/get_config_flavors",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_oversized_bodies_are_refused_before_reading(app_client) -> None:
    client = await app_client(mv_max_body_mb=1)
    big = b"x" * (2 * 2**20)
    response = await client.post("/api/jobs/events", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"


async def test_a_body_without_content_length_is_411(app_client) -> None:
    client = await app_client(mv_max_body_mb=1)

    async def chunks():
        yield b'{"idea": "a song"}'

    response = await client.post("/api/mv/create_scenes", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 411
    assert response.json()["error"] == "LengthRequired"


async def test_streamed_body_over_the_limit_is_cut_off(app_client) -> None:
    client = await app_client(mv_max_body_mb=1)
    async def chunks():
        for _ in range(3):
            yield b"x" * 2**20

    # The declared length is a lie; what arrives is counted and the body is refused at the cap.
    response = await client.post("/api/mv/create_scenes", content=chunks(), headers={"Content-Type": "application/json", "Content-Length": "100"})
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"


def test_a_live_server_answers_411_to_a_chunked_post(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
        connection.request("POST", "/api/audio/upload", body=iter([b"--b\r\n", b"hello"]), encode_chunked=True,
                           headers={"Content-Type": "multipart/form-data; boundary=b"})
        answer = connection.getresponse()
        body = json.loads(answer.read())
        connection.close()
    assert answer.status == 411
    assert body["error"] == "LengthRequired"


def test_without_api_key_the_server_stays_on_loopback(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc, url = start_server(
        tmp_path, log, MV_HOST="0.0.0.0", MV_LOG_JSON="true", MV_LOG_LEVEL="INFO", REPLICATE_API_TOKEN="r8_never_logged_token"
    )
    try:
        response = httpx.get(f"{url}/healthz", timeout=10)
        assert response.status_code == 200 and response.json()["replicate_available"] is True
        output = log.read_text()
        assert "listening_on_loopback_only" in output
        assert "r8_never_logged_token" not in output
        events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        listening = [e for e in events if e.get("event") == "encore_listening"]
        assert listening and "127.0.0.1" in listening[0]["url"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert "r8_never_logged_token" not in log.read_text()
