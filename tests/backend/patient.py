"""A test transport that gives a job the time it needs when the request asked to wait for it."""

from __future__ import annotations

import asyncio
import json

import httpx

from mv.core.errors import error_from_body

PATIENCE = 600.0
"""Seconds a job may take on a loaded machine before the test fails."""
MIN_WAIT = 5.0
"""Requests that asked to wait less than this want to see the 202: they get it."""


def _asked_wait(request: httpx.Request) -> float:
    try:
        return float(request.url.params.get("wait", "0"))
    except ValueError:
        return 0.0


class PatientTransport(httpx.AsyncBaseTransport):
    """Follow a 202 to its job's end when the request asked to wait, answering as the API would have."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    @property
    def client(self) -> tuple[str, int]:
        """The peer address the wrapped ASGI transport reports."""
        return self.inner.client  # type: ignore[attr-defined]

    @client.setter
    def client(self, peer: tuple[str, int]) -> None:
        self.inner.client = peer  # type: ignore[attr-defined]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on; turn a 202 for a waiting request into the job's final answer."""
        response = await self.inner.handle_async_request(request)
        if response.status_code != 202 or request.method != "POST" or _asked_wait(request) < MIN_WAIT:
            return response
        await response.aread()
        job_id = json.loads(response.content).get("job_id")
        if not job_id:
            return response
        job = await self._finished(request, job_id)
        if job["status"] == "succeeded":
            return httpx.Response(200, json=job.get("result") or {}, request=request)
        error = error_from_body(job.get("error"))
        return httpx.Response(error.status_code, json=error.body(), request=request)

    async def _finished(self, request: httpx.Request, job_id: str) -> dict:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        url = request.url.copy_with(path=f"/api/jobs/{job_id}", query=None)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "content-type", "idempotency-key")}
        while True:
            answer = await self.inner.handle_async_request(httpx.Request("GET", url, headers=headers))
            await answer.aread()
            job = json.loads(answer.content)
            if job.get("status") in ("succeeded", "failed", "canceled"):
                return job
            assert loop.time() < deadline, f"job {job_id} still {job.get('status')} after {PATIENCE} s"
            await asyncio.sleep(0.2)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
