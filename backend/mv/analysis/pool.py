"""Worker processes for analysis: bounded in number, started on first use, niced, killed on timeout and replaced.

Each song is handled start to finish by one daemon thread (send, wait with a deadline, take the answer,
return the worker), so a job cancelled mid-song, or an event loop that has gone away, never strands a
worker or a slot; a song whose job is cancelled while it waits for a worker is dropped.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from mv.analysis.worker import ANSWER, REQUEST
from mv.core.errors import EncoreError
from mv.core.ffmpeg import MediaTimeout
from mv.core.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")

START_SECONDS = 300.0
BACKEND_DIR = Path(__file__).resolve().parents[2]


class AnalysisFailed(EncoreError):
    """The analysis of a song failed."""

    status_code = 422


_LIVE: set[_Worker] = set()
"""Every worker process of this server, so none outlives it."""


def _in_thread(fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run `fn` in a daemon thread (never joined at exit, unlike an executor's) and await its result."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(setter: Callable[[Any], None], value: Any) -> None:
        if not future.done():
            setter(value)

    def body() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            outcome: tuple[Callable[[Any], None], Any] = (future.set_exception, exc)
        else:
            outcome = (future.set_result, result)
        try:
            loop.call_soon_threadsafe(deliver, *outcome)
        except RuntimeError:
            pass

    threading.Thread(target=body, name="analysis", daemon=True).start()
    return future


@atexit.register
def _kill_all() -> None:
    for w in list(_LIVE):
        w.kill()


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_mb: int, cache_dir: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BACKEND_DIR), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "mv.analysis.worker", "--memory-mb", str(memory_mb), "--cache-dir", cache_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, process_group=0,
        )
        _LIVE.add(self)

    def receive(self, deadline: float) -> dict[str, Any]:
        """The next answer; TimeoutError past the deadline, EOFError when the worker is gone."""
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError("analysis worker overran its time")
        header = stdout.read(ANSWER.size)
        if len(header) < ANSWER.size:
            raise EOFError("analysis worker closed its pipe")
        (size,) = ANSWER.unpack(header)
        return json.loads(stdout.read(size))  # type: ignore[no-any-return]

    def send(self, pcm: bytes, rate: int) -> None:
        """Hand the worker one song."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(REQUEST.pack(rate, len(pcm)))
        stdin.write(pcm)
        stdin.flush()

    def kill(self) -> None:
        """Stop the worker and everything it started."""
        _LIVE.discard(self)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@dataclass(frozen=True)
class PoolLimits:
    """How many workers, how much memory each, how long one song may take."""

    workers: int = 1
    memory_mb: int = 2048
    timeout: float = 120.0


class AnalysisPool:
    """Runs `song.analyse` in separate processes so the API's event loop and GIL stay free."""

    def __init__(self, limits: PoolLimits, cache_dir: str) -> None:
        self.limits = limits
        self.cache_dir = cache_dir
        self._idle: list[_Worker] = []
        self._alive = 0
        self.closed = False
        self._slots = threading.Condition()

    def _checkout(self, abandoned: threading.Event) -> _Worker | None:
        """A free worker (started if the pool has room), or None once the song is no longer wanted."""
        with self._slots:
            while not self._idle and self._alive >= self.limits.workers:
                if abandoned.is_set():
                    return None
                self._slots.wait(0.5)
            if abandoned.is_set():
                return None
            if self._idle:
                return self._idle.pop()
            self._alive += 1
        try:
            return self._spawn()
        except BaseException:
            self._checkin(None)
            raise

    def _checkin(self, w: _Worker | None) -> None:
        """Return a healthy worker to the pool, or free the slot of a dead one."""
        with self._slots:
            if w is not None and not self.closed:
                self._idle.append(w)
            else:
                self._alive -= 1
                if w is not None:
                    w.kill()
            self._slots.notify()

    def _spawn(self) -> _Worker:
        w = _Worker(self.limits.memory_mb, self.cache_dir)
        try:
            if not w.receive(time.monotonic() + START_SECONDS).get("ready"):
                raise EOFError("no ready message")
        except (EOFError, OSError, ValueError, TimeoutError):
            w.kill()
            raise AnalysisFailed("The analysis worker could not start.") from None
        log.info("analysis_worker_started", pid=w.process.pid)
        return w

    def _analyse(self, pcm: bytes, rate: int, abandoned: threading.Event) -> dict[str, Any]:
        w = self._checkout(abandoned)
        if w is None:
            return {"error": "abandoned"}
        try:
            w.send(pcm, rate)
            answer = w.receive(time.monotonic() + self.limits.timeout)
        except TimeoutError:
            w.kill()
            self._checkin(None)
            raise MediaTimeout("The song analysis took too long and was stopped.") from None
        except (EOFError, OSError, ValueError):
            w.kill()
            self._checkin(None)
            raise AnalysisFailed("The analysis worker stopped unexpectedly.") from None
        self._checkin(w)
        return answer

    def _prestart(self) -> None:
        with self._slots:
            if self._idle or self._alive >= self.limits.workers:
                return
            self._alive += 1
        try:
            w = self._spawn()
        except Exception:  # noqa: BLE001 - the first song will try again and report it
            self._checkin(None)
            log.warning("analysis_worker_prestart_failed")
            return
        self._checkin(w)

    def prestart(self) -> None:
        """Start one worker in the background when none exists, so the first song finds it warm."""
        threading.Thread(target=self._prestart, name="analysis-prestart", daemon=True).start()

    async def run(self, pcm: bytes, rate: int) -> dict[str, Any]:
        """Analyse mono 16-bit PCM in a worker; a worker that fails or overruns is killed and replaced."""
        abandoned = threading.Event()
        try:
            answer = await _in_thread(self._analyse, pcm, rate, abandoned)
        except asyncio.CancelledError:
            abandoned.set()
            raise
        if "ok" in answer:
            return answer["ok"]  # type: ignore[no-any-return]
        log.warning("analysis_failed", reason=answer.get("error"))
        if answer.get("error") == "memory":
            raise AnalysisFailed("The song needs more memory to analyse than Encore allows.")
        raise AnalysisFailed("The song could not be analysed.")

    def close(self) -> None:
        """Stop every idle worker now and each busy one when it finishes."""
        with self._slots:
            self.closed = True
            idle, self._idle = self._idle, []
            self._alive -= len(idle)
        for w in idle:
            w.kill()


_shared: AnalysisPool | None = None


def shared_pool(limits: PoolLimits, cache_dir: str) -> AnalysisPool:
    """The process-wide pool (workers are expensive to start), rebuilt when the limits change or it was closed."""
    global _shared
    if _shared is None or _shared.limits != limits or _shared.closed:
        if _shared is not None:
            _shared.close()
        _shared = AnalysisPool(limits, cache_dir)
    return _shared
