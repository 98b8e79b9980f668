"""A client that disconnects mid-request does not lose its work: the job finishes anyway."""

from __future__ import annotations

import json
import threading
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
    events: list[dict] = []
    listening = threading.Event()

    def listen() -> None:
        with httpx.Client(timeout=60) as sse, sse.stream("GET", f"{live_url}/api/jobs/events") as stream:
            listening.set()
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    events.append(event)
                    if event["status"] in ("succeeded", "failed"):
                        return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert listening.wait(10)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{live_url}/api/mv/generate_video?wait=30", json={"prompt": "The singer walks on stage."}, timeout=0.3)
    thread.join(60)
    assert events, "no job was reported"
    final = events[-1]
    assert final["status"] == "succeeded", final
    video_id = final["result"]["video_id"]
    clip = httpx.get(f"{live_url}/api/mv/get_video/{video_id}", timeout=30)
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4" and len(clip.content) > 10_000
