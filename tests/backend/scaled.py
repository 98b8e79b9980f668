"""Helpers for tests that run Encore as API and worker processes on PostgreSQL with S3 media."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from s3_bucket import s3_object


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


def assert_only_bucket_copies(s3_server: str, root: Path, name: str) -> None:
    """Every media file under a process's root is a byte-for-byte copy of the bucket's object for its key."""
    for path in media_files(root):
        key = path.relative_to(root).as_posix()
        in_bucket = s3_object(s3_server, f"mv/{key}" if key.startswith("jobs/") else f"mv/outputs/{key}")
        assert in_bucket == path.read_bytes(), f"{name} holds {key}, which is not a copy of the bucket's"
