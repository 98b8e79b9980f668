"""The analysis worker: its own niced process, killed and replaced when it overruns, capped in memory."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import numpy as np
import pytest

from mv.analysis import service as analysis_service
from mv.analysis.pool import AnalysisFailed, AnalysisPool, PoolLimits
from mv.core.ffmpeg import MediaTimeout

RATE = 22050


def noise(seconds: float) -> bytes:
    """Loud white noise as mono s16le PCM."""
    return np.random.default_rng(3).normal(0, 3000, int(seconds * RATE)).astype("<i2").tobytes()


def niceness(pid: int) -> int:
    """The nice value of a process."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


async def test_a_worker_that_overruns_is_killed_and_replaced(tmp_path: Path) -> None:
    pool = AnalysisPool(PoolLimits(workers=1, memory_mb=2048, timeout=2.0), str(tmp_path))
    try:
        with pytest.raises(MediaTimeout):
            await pool.run(noise(900), RATE)
        result = await pool.run(noise(2), RATE)
        assert result["duration"] == 2.0
        (worker,) = pool._idle
        assert worker.process.pid != os.getpid() and niceness(worker.process.pid) >= niceness(os.getpid()) + 10
    finally:
        pool.close()


async def test_a_song_past_the_memory_cap_fails_clearly_and_the_next_one_runs(tmp_path: Path) -> None:
    pool = AnalysisPool(PoolLimits(workers=1, memory_mb=800, timeout=120.0), str(tmp_path))
    try:
        with pytest.raises(AnalysisFailed):
            await pool.run(noise(900), RATE)
        assert (await pool.run(noise(2), RATE))["duration"] == 2.0
    finally:
        pool.close()



async def test_the_server_starts_a_warm_worker_before_the_first_song(app_client) -> None:  # type: ignore[no-untyped-def]
    client = await app_client(mv_analysis_workers=2)  # limits no other test uses: a pool of its own, empty at start
    pool = analysis_service.pool(client.app.state.services)
    for _ in range(3000):
        if pool._idle:
            break
        await asyncio.sleep(0.1)
    (worker,) = pool._idle
    assert worker.process.poll() is None
    pool.close()
