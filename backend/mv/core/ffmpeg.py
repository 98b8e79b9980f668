"""The only way Encore runs ffmpeg/ffprobe: argv lists, local files, whitelists, timeouts, bounded concurrency."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
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


PROBE_CONCURRENCY = 4
FOREGROUND = "ffmpeg"
BACKGROUND = "background"
"""Gate for work nobody waits for (preparing caches): one run at a time, at the lowest priority."""
ANALYSIS = "analysis"
"""Gate for decoding songs for analysis: one run at a time, never taking a slot from a request or a cache."""
NICENESS = {BACKGROUND: 19}
_limits = Limits()
_gates: dict[str, asyncio.Semaphore] = {}


def configure(limits: Limits) -> None:
    """Set concurrency and timeout for all later runs."""
    global _limits
    _limits = limits
    _gates.clear()


def _gate(kind: str) -> asyncio.Semaphore:
    """Bounded concurrency per kind of work: heavy ffmpeg runs, quick probes, and background work in its own slot."""
    if kind not in _gates:
        sizes = {FOREGROUND: _limits.concurrency, BACKGROUND: 1, ANALYSIS: 1}
        _gates[kind] = asyncio.Semaphore(sizes.get(kind, PROBE_CONCURRENCY))
    return _gates[kind]


def local_input(path: Path, formats: str, *, fmt: str | None = None) -> list[str]:
    """Input arguments for a server-owned local file, restricted to `file:` and the given demuxers."""
    args = ["-protocol_whitelist", "file", "-format_whitelist", formats]
    if fmt:
        args += ["-f", fmt]
    return [*args, "-i", f"file:{Path(path).resolve()}"]


_PROCESSES = ThreadPoolExecutor(max_workers=64, thread_name_prefix="media")
"""Media tools are started and awaited from these threads: forking under load never stalls the event loop."""


def _start(argv: list[str], niceness: int = 10) -> subprocess.Popen[bytes]:
    """Start a tool niced, in its own process group but the server's session, where nice takes effect."""
    return subprocess.Popen(
        ["nice", "-n", str(niceness), *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=0,
    )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _discard(starting: asyncio.Future[subprocess.Popen[bytes]]) -> None:
    """A tool that finished starting after its caller gave up: killed and reaped, never left running."""
    if not starting.cancelled() and starting.exception() is None:
        proc = starting.result()
        _kill(proc)
        _PROCESSES.submit(proc.communicate)


async def _run(argv: list[str], timeout: float | None, gate: str) -> bytes:
    limit = timeout or _limits.timeout
    loop = asyncio.get_running_loop()

    async def go() -> bytes:
        starting = loop.run_in_executor(_PROCESSES, _start, argv, NICENESS.get(gate, 10))
        try:
            proc = await asyncio.shield(starting)
        except asyncio.CancelledError:
            starting.add_done_callback(_discard)
            raise
        try:
            out, err = await asyncio.wait_for(loop.run_in_executor(_PROCESSES, proc.communicate), limit)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            _kill(proc)
            await loop.run_in_executor(_PROCESSES, proc.wait)
            raise
        if proc.returncode != 0:
            if b"No space left on device" in err:
                raise InsufficientStorage("The media storage is full.")
            log.warning("media_tool_failed", tool=Path(argv[0]).name, code=proc.returncode, stderr=err.decode(errors="replace")[-800:])
            raise MediaError("The media file could not be processed.")
        return out

    try:
        async with _gate(gate):
            return await go()
    except asyncio.TimeoutError:
        raise MediaTimeout("Media processing took too long and was stopped.") from None


async def ffmpeg(args: list[str], *, timeout: float | None = None, gate: str = FOREGROUND) -> None:
    """Run ffmpeg with safe defaults; outputs must be server-owned paths. `gate=BACKGROUND` for work nobody waits for."""
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    await _run(argv, timeout, gate)


async def probe(path: Path, formats: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """ffprobe a local file under a format whitelist; raises MediaError when it is not media."""
    argv = [
        "ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        "-protocol_whitelist", "file", "-format_whitelist", formats, f"file:{Path(path).resolve()}",
    ]
    out = await _run(argv, timeout, "probe")
    try:
        data = json.loads(out.decode("utf-8", "replace") or "{}")
    except json.JSONDecodeError:
        raise MediaError("The media file could not be read.") from None
    if not isinstance(data, dict):
        raise MediaError("The media file could not be read.")
    return data


async def peak_levels(path: Path, formats: str, *, window: int, rate: int = 8000, timeout: float | None = None) -> list[float]:
    """Peak amplitude (0..1) of every `window` samples of the file decoded to mono at `rate`, computed inside ffmpeg."""
    graph = (
        f"aresample={rate},aformat=sample_fmts=flt:channel_layouts=mono,asetnsamples=n={window}:p=0,"
        "astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=Peak_level,"
        "ametadata=mode=print:key=lavfi.astats.Overall.Peak_level:file=-"
    )
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", *local_input(path, formats),
            "-map", "0:a:0", "-vn", "-af", graph, "-f", "null", "-"]
    out = await _run(argv, timeout, FOREGROUND)
    return [_linear(line.split("=", 1)[1]) for line in out.decode("ascii", "replace").splitlines() if line.startswith("lavfi.astats.")]


def _linear(decibels: str) -> float:
    """dBFS as a 0..1 amplitude; silence (-inf) and anything unreadable are 0."""
    try:
        value = 10 ** (float(decibels) / 20)
    except (ValueError, OverflowError):
        return 0.0
    return min(1.0, value) if value == value else 0.0


async def decode_pcm(path: Path, formats: str, *, rate: int = 8000, timeout: float | None = None, gate: str = FOREGROUND) -> bytes:
    """Decode a local file to mono signed 16-bit PCM on stdout, in the given gate's slots."""
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", *local_input(path, formats),
            "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"]
    return await _run(argv, timeout, gate)
