"""Helpers for tests that run Encore as API and worker processes on PostgreSQL with S3 media."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx


def s3_env(s3_settings: dict[str, Any], database: str, **extra: str) -> dict[str, str]:
    """The environment of an Encore process on this database with the bucket as its only media store."""
    return {
        **{k.upper(): str(v) for k, v in s3_settings.items()},
        "MV_MEDIA_BACKEND": "s3", "MV_DATABASE_URL": database, "MV_WORKER_POLL_SECONDS": "1", **extra,
    }


def finished(url: str, job_id: str, seconds: float = 120) -> dict[str, Any]:
    """Poll a job on `url` until it reaches a final status."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        job = httpx.get(f"{url}/api/jobs/{job_id}", timeout=10).json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def media_files(root: Path) -> list[Path]:
    """Every media file a process keeps under its media root."""
    return [p for folder in ("audio", "jobs", "character_reference") for p in (root / folder).rglob("*") if p.is_file()]
