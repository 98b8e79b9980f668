"""Fuzz targets for the parsers that see hostile input first: each takes raw bytes and raises only on a bug."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "backend"))

from mv.audio import media as audio_media  # noqa: E402
from mv.audio.urls import YOUTUBE_HOSTS, check_url  # noqa: E402
from mv.core import ffmpeg  # noqa: E402
from mv.core.errors import EncoreError  # noqa: E402
from mv.stitch import engine  # noqa: E402

ALLOWED = frozenset({"127.0.0.1:8080", "songs.example"})
_LOOP = asyncio.new_event_loop()
_PROBE_OUTPUT = {"stdout": b""}


def url(data: bytes) -> None:
    """The import URL check refuses with a 400 or returns an http(s) target it may fetch."""
    text = data.decode("utf-8", "replace")
    try:
        target = check_url(text, ALLOWED)
    except EncoreError as exc:
        if exc.status_code != 400:
            raise
        return
    if not target.url.lower().startswith(("http://", "https://")):
        raise AssertionError(f"accepted a non-http link: {text!r}")
    allowed = target.host in ALLOWED or f"{target.host}:{target.port}" in ALLOWED
    if not (allowed or (target.youtube and target.host in YOUTUBE_HOSTS)):
        raise AssertionError(f"accepted a host outside the allowlist: {text!r}")


async def _ffprobe_says(argv: list[str], timeout: float | None, gate: str) -> bytes:
    return _PROBE_OUTPUT["stdout"]


def probe(data: bytes) -> None:
    """Whatever ffprobe prints, the clip and audio readers answer with facts or a clear EncoreError."""
    _PROBE_OUTPUT["stdout"] = data
    real_run: Any = ffmpeg._run
    ffmpeg._run = _ffprobe_says  # type: ignore[assignment]
    try:
        for reader in (engine.probe_clip, audio_media.probe_audio):
            try:
                _LOOP.run_until_complete(reader(Path("/fuzz/input.mp4")))
            except EncoreError:
                pass
    finally:
        ffmpeg._run = real_run  # type: ignore[assignment]


TARGETS = {"url": url, "probe": probe}
