"""The only way Encore runs ffmpeg/ffprobe: argv lists, local files, whitelists, timeouts, bounded concurrency."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mv.core.errors import EncoreError, InsufficientStorage
from mv.core.logging import get_logger

log = get_logger(__name__)

AUDIO_FORMATS = "mp3,wav,mov,mp4,m4a,3gp,3g2,mj2,aac,ogg,flac,matroska,webm"
VIDEO_FORMATS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm"
IMAGE_FORMATS = "png_pipe,jpeg_pipe,webp_pipe,image2"


class MediaError(EncoreError):
    """ffmpeg or ffprobe could not process a file."""

    status_code = 422


class MediaTimeout(EncoreError):
    """ffmpeg took longer than its time limit."""

    status_code = 504


@dataclass(frozen=True)
class Limits:
    """Process-wide limits for media tools."""

    concurrency: int = 2
    timeout: float = 300.0


_limits = Limits()
_semaphore: asyncio.Semaphore | None = None


def configure(limits: Limits) -> None:
    """Set concurrency and timeout for all later runs."""
    global _limits, _semaphore
    _limits = limits
    _semaphore = None


def _gate() -> asyncio.Semaphore:
    global _semaphore
    if _semaphore is None:
        _semaphore = asyncio.Semaphore(_limits.concurrency)
    return _semaphore


def local_input(path: Path, formats: str, *, fmt: str | None = None) -> list[str]:
    """Input arguments for a server-owned local file, restricted to `file:` and the given demuxers."""
    args = ["-protocol_whitelist", "file", "-format_whitelist", formats]
    if fmt:
        args += ["-f", fmt]
    return [*args, "-i", f"file:{Path(path).resolve()}"]


def _lower_priority() -> None:
    """Media work yields the CPU to the API so requests stay fast while ffmpeg runs."""
    os.nice(10)


async def _run(argv: list[str], timeout: float | None, gated: bool) -> bytes:
    limit = timeout or _limits.timeout

    async def go() -> bytes:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            preexec_fn=_lower_priority,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), limit)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            await proc.wait()
            raise
        if proc.returncode != 0:
            if b"No space left on device" in err:
                raise InsufficientStorage("The media storage is full.")
            log.warning("media_tool_failed", tool=Path(argv[0]).name, code=proc.returncode, stderr=err.decode(errors="replace")[-800:])
            raise MediaError("The media file could not be processed.")
        return out

    try:
        if gated:
            async with _gate():
                return await go()
        return await go()
    except asyncio.TimeoutError:
        raise MediaTimeout("Media processing took too long and was stopped.") from None


async def ffmpeg(args: list[str], *, timeout: float | None = None) -> None:
    """Run ffmpeg with safe defaults; outputs must be server-owned paths."""
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    await _run(argv, timeout, gated=True)


async def probe(path: Path, formats: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """ffprobe a local file under a format whitelist; raises MediaError when it is not media."""
    argv = [
        "ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        "-protocol_whitelist", "file", "-format_whitelist", formats, f"file:{Path(path).resolve()}",
    ]
    out = await _run(argv, timeout, gated=False)
    try:
        return json.loads(out or b"{}")
    except json.JSONDecodeError:
        raise MediaError("The media file could not be read.") from None


async def decode_pcm(path: Path, formats: str, *, rate: int = 8000, timeout: float | None = None) -> bytes:
    """Decode a local file to mono signed 16-bit PCM on stdout."""
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", *local_input(path, formats),
            "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"]
    return await _run(argv, timeout, gated=True)
