"""Access control, CORS, body limits, and the loopback-only default."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import free_port
from live import live_server

ROOT = Path(__file__).resolve().parents[3]


async def test_api_key_guards_every_api_route(app_client) -> None:
    client = await app_client(api_key="s3cret-key")
    assert (await client.get("/api/mv/get_config_flavors")).status_code == 401
    wrong = await client.get("/api/mv/get_config_flavors", headers={"X-API-Key": "s3cret-kez"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "Unauthorized"
    assert "s3cret" not in wrong.text
    ok = await client.get("/api/mv/get_config_flavors", headers={"X-API-Key": "s3cret-key"})
    assert ok.status_code == 200
    assert (await client.get("/healthz")).status_code == 200


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
    received = {"bytes": 0}

    async def chunks():
        for _ in range(3):
            received["bytes"] += 2**20
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


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mv"], cwd=ROOT / "backend", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    lines: list[str] = []
    deadline = time.time() + 30
    assert proc.stdout is not None
    while time.time() < deadline:
        line = proc.stdout.readline().decode()
        lines.append(line)
        if "Uvicorn running" in line or "Application startup complete" in line or not line:
            break
    return proc, "".join(lines)


def test_without_api_key_the_server_stays_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "MV_HOST": "0.0.0.0",
        "BACKEND_PORT": str(port),
        "MV_DATA_DIR": str(tmp_path / "data"),
        "MV_MEDIA_ROOT": str(tmp_path / "media"),
        "MV_LOG_JSON": "true",
        "REPLICATE_API_TOKEN": "r8_never_logged_token",
        "MV_PROVIDER": "local",
    }
    env.pop("API_KEY", None)
    proc, output = _serve(env)
    try:
        assert "listening_on_loopback_only" in output
        assert "r8_never_logged_token" not in output
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert response.status_code == 200 and response.json()["replicate_available"] is True
        events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        listening = [e for e in events if e.get("event") == "encore_listening"]
        assert listening and "127.0.0.1" in listening[0]["url"]
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=20)[0].decode()
    assert "r8_never_logged_token" not in rest
