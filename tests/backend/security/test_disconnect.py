"""A client that disconnects mid-request does not lose its work: the job finishes anyway."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from live import live_server

@pytest.fixture
def live_url(tmp_path: Path) -> Iterator[str]:
    with live_server(tmp_path) as url:
        yield url


def test_disconnecting_client_does_not_cancel_its_job(live_url: str) -> None:
    body = {"prompt": "The singer walks on stage."}
    key = {"Idempotency-Key": "disconnect-test-0001"}
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{live_url}/api/mv/generate_video?wait=30", json=body, headers=key, timeout=0.3)
    again = httpx.post(f"{live_url}/api/mv/generate_video?wait=0", json=body, headers=key, timeout=30)
    assert again.status_code in (200, 202), again.text
    job_id = again.json().get("job_id") or again.json()["video_id"]
    events: list[dict] = []
    with httpx.Client(timeout=60) as sse, sse.stream("GET", f"{live_url}/api/jobs/events", params={"ids": job_id}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if events[-1]["status"] in ("succeeded", "failed"):
                    break
    assert events, "no job was reported"
    final = events[-1]
    assert final["id"] == job_id and final["status"] == "succeeded", final
    video_id = final["result"]["video_id"]
    clip = httpx.get(f"{live_url}/api/mv/get_video/{video_id}", timeout=30)
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4" and len(clip.content) > 10_000
