"""The Replicate token never reaches the logs, even at DEBUG with Replicate failing."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from fake_replicate import Fault, FakeReplicate, install_standard_models
from live import live_server


def test_the_token_never_reaches_the_logs(tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(2.0).read_bytes(), seconds=0.2)
    fake.inject("GET", r"/v1/predictions/.+", Fault(500), Fault(429, {"Retry-After": "0"}))
    log = tmp_path / "server.log"
    env = {"MV_PROVIDER": "replicate", "REPLICATE_API_TOKEN": fake.token, "REPLICATE_BASE_URL": fake.base_url,
           "REPLICATE_POLL_INTERVAL": "0.1", "MV_LOG_LEVEL": "DEBUG", "MV_LOG_JSON": "true"}
    try:
        with live_server(tmp_path, log, **env) as url, httpx.Client(base_url=url, timeout=30) as client:
            answer = client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage"})
            assert answer.status_code == 202, answer.text
            deadline = time.time() + 60
            while time.time() < deadline:
                job = client.get(answer.json()["status_url"]).json()
                if job["status"] in ("succeeded", "failed"):
                    break
                time.sleep(0.1)
            assert job["status"] == "succeeded", job
    finally:
        fake.stop()
    assert all(r.headers.get("authorization") == f"Bearer {fake.token}" for r in fake.creates()), "the fake saw the token"
    output = log.read_text()
    assert "prediction" in output, "the log recorded the Replicate traffic"
    assert fake.token not in output
