"""`python -m mv worker`: run queued jobs from PostgreSQL until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import uvloop

from mv.core import ffmpeg
from mv.core.db.url import engine_url
from mv.core.logging import configure_logging, get_logger
from mv.core.settings import Settings, get_settings
from mv.jobs.queue import QueuedJobRunner

log = get_logger("mv.worker")


async def serve(settings: Settings) -> None:
    """Build the same services the API builds and run their jobs from the queue."""
    from mv.app import build_services

    services = build_services(settings)
    runner = services.runner
    assert isinstance(runner, QueuedJobRunner)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, runner.stop)
    try:
        while True:
            try:
                await services.store.open()
                break
            except Exception as exc:
                log.warning("database_unreachable", error=type(exc).__name__)
                await asyncio.sleep(1.0)
        for started in services.on_started:
            await started()
        log.info("worker_started", concurrency=runner.concurrency, stalled_seconds=runner.times.stalled)
        await runner.serve()
    finally:
        await services.providers.close()
        await services.storage.close()
        await services.store.close()
        log.info("worker_stopped")


def main() -> None:
    """Refuse without PostgreSQL (the embedded shape runs jobs in the API process), else serve."""
    settings = get_settings()
    configure_logging(json=settings.mv_log_json, level=settings.mv_log_level)
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    if engine_url(settings.database_url).get_backend_name() != "postgresql":
        log.error("worker_needs_postgresql", detail="Set MV_DATABASE_URL=postgresql://…; with SQLite the API runs jobs itself.")
        sys.exit(2)
    ffmpeg.configure(ffmpeg.Limits(concurrency=settings.mv_ffmpeg_concurrency, timeout=settings.mv_ffmpeg_timeout))
    uvloop.run(serve(settings))
