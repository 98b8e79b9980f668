"""The command line's API client: following jobs, retrying busy answers safely, keeping the API key at home."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from encore_cli.client import EncoreClient, Started
from encore_cli.errors import ApiError, JobFailed, Unreachable
from encore_cli.follow import JobFollower, finish_all

JOB_A = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"
JOB_B = "0b7e4c1d-2a3f-4e5b-8c9d-1a2b3c4d5e6f"


def view(job_id: str, status: str, progress: float = 0.0, result: dict[str, Any] | None = None, error: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": job_id, "kind": "generate_video", "status": status, "progress": progress, "message": None, "result": result, "error": error}


def sse(*views: dict[str, Any]) -> bytes:
    return b"".join(b": keep-alive\n\n" + f"event: job\ndata: {json.dumps(v)}\n\n".encode() for v in views)


async def test_jobs_are_followed_on_the_event_stream() -> None:
    seen: list[tuple[str, str]] = []
    polled: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/jobs/events":
            assert request.url.params["ids"] == f"{JOB_A},{JOB_B}"
            stream = sse(view(JOB_A, "running", 0.5), view(JOB_B, "succeeded", 1, {"video_id": "b"}), view(JOB_A, "succeeded", 1, {"video_id": "a"}))
            return httpx.Response(200, content=stream, headers={"Content-Type": "text/event-stream"})
        polled.append(request.url.path)
        return httpx.Response(200, json=view(request.url.path.rsplit("/", 1)[1], "running"))

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        final = await JobFollower(client, [JOB_A, JOB_B], lambda v: seen.append((v["id"], v["status"]))).run()

    assert final[JOB_A]["result"] == {"video_id": "a"} and final[JOB_B]["result"] == {"video_id": "b"}
    assert seen == [(JOB_A, "running"), (JOB_B, "succeeded"), (JOB_A, "succeeded")]


async def test_without_a_stream_polling_finishes_the_jobs() -> None:
    polls = {JOB_A: 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/jobs/events":
            return httpx.Response(404, json={"error": "NotFound", "detail": "No such route."})
        polls[JOB_A] += 1
        done = polls[JOB_A] >= 2
        return httpx.Response(200, json=view(JOB_A, "succeeded" if done else "running", result={"ok": 1} if done else None))

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        final = await JobFollower(client, [JOB_A], lambda v: None).run()

    assert final[JOB_A]["status"] == "succeeded" and polls[JOB_A] == 2


async def test_a_failed_job_names_the_step_and_the_servers_reason() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/jobs/events":
            return httpx.Response(200, content=sse(view(JOB_A, "failed", error={"error": "UpstreamError", "detail": "The model refused the prompt."})))
        return httpx.Response(200, json=view(JOB_A, "running"))

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(JobFailed, match="Scene 2's clip failed: The model refused the prompt.") as caught:
            await finish_all(client, [Started(job_id=JOB_A)], ["Scene 2's clip"], lambda i, v: None)
    assert caught.value.code == "UpstreamError"


async def test_busy_answers_are_retried_after_retry_after_with_the_same_idempotency_key() -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        assert request.url.params["wait"] == "0"
        if len(keys) < 3:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "RateLimited", "detail": "Slow down."})
        return httpx.Response(202, json={"job_id": JOB_A, "status": "queued", "status_url": f"/api/jobs/{JOB_A}"})

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        started = await client.start("/api/mv/generate_video", {"prompt": "p"})

    assert started.job_id == JOB_A and len(keys) == 3 and len(set(keys)) == 1


async def test_server_errors_become_one_sentence_and_an_unknown_body_a_plain_status() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/mv/stitch_video":
            return httpx.Response(409, json={"error": "Conflict", "detail": "Clip 2 is not finished."})
        return httpx.Response(502, text="<html>Bad gateway</html>")

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ApiError, match="Clip 2 is not finished.") as conflict:
            await client.start("/api/mv/stitch_video", {"video_ids": []})
        with pytest.raises(ApiError, match="HTTP 502"):
            await client.flavors()
    assert conflict.value.status == 409 and conflict.value.code == "Conflict"


async def test_a_refused_first_connection_is_unreachable_at_once() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(Unreachable, match="cannot reach"):
            await client.health()
    assert calls == 1


async def test_the_api_key_never_follows_a_download_to_another_origin(tmp_path: Path) -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("X-API-Key")
        if request.url.host == "encore.test":
            return httpx.Response(307, headers={"Location": "https://bucket.s3.test/mv/jobs/x/video.mp4?X-Amz-Signature=abc"})
        return httpx.Response(200, content=b"mp4 bytes")

    async with EncoreClient("http://encore.test", "secret-key", transport=httpx.MockTransport(handler)) as client:
        size = await client.download("/api/mv/get_video/x", tmp_path / "video.mp4")

    assert seen == {"encore.test": "secret-key", "bucket.s3.test": None}
    assert size == 9 and (tmp_path / "video.mp4").read_bytes() == b"mp4 bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["video.mp4"]


async def test_a_failed_download_leaves_no_file(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "NotFound", "detail": "No video has that id."})

    async with EncoreClient("http://encore.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ApiError, match="No video has that id."):
            await client.download("/api/mv/get_video/x", tmp_path / "video.mp4")
    assert list(tmp_path.iterdir()) == []
