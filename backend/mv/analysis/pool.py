"""Worker processes for analysis: bounded in number, started on first use, niced, killed on timeout and replaced."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mv.analysis.worker import ANSWER, REQUEST
from mv.core.errors import EncoreError
from mv.core.ffmpeg import MediaTimeout
from mv.core.logging import get_logger

log = get_logger(__name__)

_PIPES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="analysis")
START_SECONDS = 180.0
BACKEND_DIR = Path(__file__).resolve().parents[2]


class AnalysisFailed(EncoreError):
    """The analysis of a song failed."""

    status_code = 422


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_mb: int, cache_dir: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BACKEND_DIR), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "mv.analysis.worker", "--memory-mb", str(memory_mb), "--cache-dir", cache_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, process_group=0,
        )

    def receive(self) -> dict[str, Any]:
        """The next answer; EOFError when the worker is gone."""
        assert self.process.stdout is not None
        header = self.process.stdout.read(ANSWER.size)
        if len(header) < ANSWER.size:
            raise EOFError("analysis worker closed its pipe")
        (size,) = ANSWER.unpack(header)
        return json.loads(self.process.stdout.read(size))  # type: ignore[no-any-return]

    def exchange(self, pcm: bytes, rate: int) -> dict[str, Any]:
        """Send one song, wait for its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(REQUEST.pack(rate, len(pcm)))
        self.process.stdin.write(pcm)
        self.process.stdin.flush()
        return self.receive()

    def kill(self) -> None:
        """Stop the worker and everything it started."""
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
    memory_mb: int = 3072
    timeout: float = 120.0


class AnalysisPool:
    """Runs `song.analyse` in separate processes so the API's event loop and GIL stay free."""

    def __init__(self, limits: PoolLimits, cache_dir: str) -> None:
        self.limits = limits
        self.cache_dir = cache_dir
        self._idle: list[_Worker] = []
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._gates:
            self._gates[loop] = asyncio.Semaphore(self.limits.workers)
        return self._gates[loop]

    def _spawn(self) -> _Worker:
        w = _Worker(self.limits.memory_mb, self.cache_dir)
        try:
            if not w.receive().get("ready"):
                raise EOFError("no ready message")
        except (EOFError, OSError, ValueError):
            w.kill()
            raise AnalysisFailed("The analysis worker could not start.") from None
        return w

    async def run(self, pcm: bytes, rate: int) -> dict[str, Any]:
        """Analyse mono 16-bit PCM in a worker; a worker that fails or overruns is killed and replaced."""
        loop = asyncio.get_running_loop()
        async with self._semaphore():
            w = self._idle.pop() if self._idle else None
            try:
                if w is None:
                    w = await asyncio.wait_for(loop.run_in_executor(_PIPES, self._spawn), START_SECONDS)
                answer = await asyncio.wait_for(loop.run_in_executor(_PIPES, w.exchange, pcm, rate), self.limits.timeout)
            except asyncio.TimeoutError:
                if w is not None:
                    w.kill()
                raise MediaTimeout("The song analysis took too long and was stopped.") from None
            except (EOFError, OSError, ValueError):
                if w is not None:
                    w.kill()
                raise AnalysisFailed("The analysis worker stopped unexpectedly.") from None
            except asyncio.CancelledError:
                if w is not None:
                    w.kill()
                raise
            self._idle.append(w)
        if "ok" in answer:
            return answer["ok"]  # type: ignore[no-any-return]
        log.warning("analysis_failed", reason=answer.get("error"))
        if answer.get("error") == "memory":
            raise AnalysisFailed("The song needs more memory to analyse than Encore allows.")
        raise AnalysisFailed("The song could not be analysed.")

    def close(self) -> None:
        """Stop every idle worker."""
        while self._idle:
            self._idle.pop().kill()


_shared: AnalysisPool | None = None


def shared_pool(limits: PoolLimits, cache_dir: str) -> AnalysisPool:
    """The process-wide pool (workers are expensive to start), rebuilt when the limits change."""
    global _shared
    if _shared is None or _shared.limits != limits:
        if _shared is not None:
            _shared.close()
        _shared = AnalysisPool(limits, cache_dir)
    return _shared
