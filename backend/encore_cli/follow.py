"""Following jobs to their end: the server-sent event stream, with polling beside it as a safety net."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import httpx

from encore_cli.client import EncoreClient, Started
from encore_cli.errors import ApiError, CliError, JobFailed

FINISHED = frozenset({"succeeded", "failed", "canceled"})
POLL_WHILE_STREAMING = 5.0
POLL_WITHOUT_STREAM = 1.0

JobUpdate = Callable[[dict[str, Any]], None]


class JobFollower:
    """Waits for a set of jobs (until the first one fails); each change is passed to `on_update` (the job view)."""

    def __init__(self, client: EncoreClient, job_ids: list[str], on_update: JobUpdate) -> None:
        self.client = client
        self.pending = set(job_ids)
        self.order = list(job_ids)
        self.final: dict[str, dict[str, Any]] = {}
        self.on_update = on_update
        self.failed: dict[str, Any] | None = None
        self.streaming = False
        self._changed = asyncio.Event()

    def _take(self, view: dict[str, Any]) -> None:
        job_id = view.get("id")
        if job_id not in self.pending:
            return
        self.on_update(view)
        if view.get("status") in FINISHED:
            self.pending.discard(job_id)
            self.final[job_id] = view
            if view.get("status") != "succeeded" and self.failed is None:
                self.failed = view
            self._changed.set()

    async def _stream(self) -> None:
        try:
            async for view in self.client.job_events(self.order):
                self.streaming = True
                self._take(view)
                if not self.pending:
                    return
        except (CliError, ValueError, httpx.HTTPError):
            pass
        finally:
            self.streaming = False

    async def run(self) -> dict[str, dict[str, Any]]:
        """The final view of every job by id; returns early when one fails (see `failed`)."""
        stream = asyncio.create_task(self._stream())
        try:
            while self.pending and self.failed is None:
                self._changed.clear()
                interval = POLL_WHILE_STREAMING if self.streaming else POLL_WITHOUT_STREAM
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), interval)
                for job_id in sorted(self.pending):
                    self._take(await self.client.job(job_id))
        finally:
            stream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stream
        return self.final


def failure_of(view: dict[str, Any], what: str) -> JobFailed:
    """The error of a job that did not succeed, naming `what` failed and the server's reason."""
    error = view.get("error") or {}
    detail = error.get("detail") or f"it ended {view.get('status')}"
    return JobFailed(error.get("error") or "JobFailed", f"{what} failed: {detail}")


def result_of(view: dict[str, Any], what: str) -> dict[str, Any]:
    """A finished job's result, or its `failure_of`."""
    if view.get("status") == "succeeded" and isinstance(view.get("result"), dict):
        return view["result"]
    raise failure_of(view, what)


async def finish_all(
    client: EncoreClient, started: list[Started], names: list[str], on_update: Callable[[int, dict[str, Any]], None]
) -> list[dict[str, Any]]:
    """The results of several started operations (finished at once or followed as jobs), in order."""
    results: list[dict[str, Any] | None] = [s.result for s in started]
    index_of = {s.job_id: i for i, s in enumerate(started) if s.job_id}
    if index_of:
        follower = JobFollower(client, list(index_of), lambda view: on_update(index_of[view["id"]], view))
        final = await follower.run()
        if follower.failed is not None:
            raise failure_of(follower.failed, names[index_of[follower.failed["id"]]])
        for job_id, view in final.items():
            results[index_of[job_id]] = result_of(view, names[index_of[job_id]])
    if any(r is None for r in results):
        raise ApiError(200, "NoResult", "The server finished an operation without a result.")
    return [r for r in results if r is not None]
