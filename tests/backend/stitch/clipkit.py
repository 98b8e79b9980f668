"""Helpers shared by the stitch and lipsync tests: clips as assets, and measurements of real output."""

from __future__ import annotations

import array
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from media import run
from mv.core.ids import new_id
from mv.deps import Services

FLASH_AT = 2.0


def services_of(client: Any) -> Services:
    """The services of the app behind a test client."""
    return client.app.state.services  # type: ignore[no-any-return]


def flash_clip(root: Path, *, seconds: float = 4.0, at: float = FLASH_AT, size: str = "1280x720", fps: int = 24, rate: int = 48000) -> Path:
    """A black clip with one white frame and a 1 kHz beep starting at the same instant."""
    path = root / f"flash_{seconds}_{at}_{size}_{fps}_{rate}.mp4"
    if not path.exists():
        frame = 1 / fps
        run(
            "-f", "lavfi", "-i", f"color=c=black:s={size}:r={fps}:d={seconds},drawbox=enable='between(t,{at},{at + frame * 0.99})':color=white:t=fill",
            "-f", "lavfi", "-i", f"aevalsrc='if(between(t,{at},{at + 0.05}),0.9*sin(2*PI*1000*t),0)':s={rate}:d={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        )
    return path


def tone_clip(root: Path, *, seconds: float = 4.0, size: str = "1280x720", fps: int = 24) -> Path:
    """A test-pattern clip carrying a quiet 300 Hz tone (never loud enough to read as a beep)."""
    path = root / f"tone_clip_{seconds}_{size}_{fps}.mp4"
    if not path.exists():
        run(
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}:sample_rate=44100,volume=0.1",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        )
    return path


async def add_video(services: Services, source: Path, *, status: str = "succeeded") -> str:
    """Publish a file as a video asset the way generated clips are stored."""
    video_id = new_id()
    key = f"jobs/{video_id}/video.mp4"
    scratch = services.storage.scratch / f"{video_id}.mp4"
    shutil.copyfile(source, scratch)
    services.storage.publish(scratch, key)
    await services.assets.insert(asset_id=video_id, kind="video", status=status, storage_key=key)  # type: ignore[arg-type]
    return video_id


async def add_audio(services: Services, source: Path) -> str:
    """Import a file as an audio asset through the audio domain."""
    from mv.audio.service import ingest_file

    with services.storage.workspace() as workdir:
        upload = workdir / f"upload{source.suffix}"
        shutil.copyfile(source, upload)
        asset = await ingest_file(services, upload, filename=source.name, workdir=workdir)
    return asset.audio_id


def probe(path: Path) -> dict[str, Any]:
    """ffprobe streams and format as JSON."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def streams(path: Path, kind: str) -> list[dict[str, Any]]:
    """The streams of one type."""
    return [s for s in probe(path)["streams"] if s["codec_type"] == kind]


def decodes_cleanly(path: Path) -> str:
    """Decode every frame; returns ffmpeg's error output (empty when clean)."""
    return subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True).stderr


def frame_count(path: Path) -> int:
    """Decoded video frames."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return int(out.strip().strip(","))


def flash_times(path: Path) -> list[float]:
    """Presentation times of bright frames, from decoded luma."""
    video = streams(path, "video")[0]
    num, den = (int(x) for x in video["r_frame_rate"].split("/"))
    start = float(video.get("start_time") or 0)
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v:0", "-vf", "scale=16:16,format=gray", "-f", "rawvideo", "-"],
        check=True, capture_output=True,
    ).stdout
    frames = [raw[i : i + 256] for i in range(0, len(raw), 256)]
    return [start + n * den / num for n, f in enumerate(frames) if sum(f) / 256 > 200]


def beep_times(path: Path, rate: int = 48000, threshold: int = 8000) -> list[float]:
    """Onsets of loud sounds, from decoded samples in playing order."""
    audio = streams(path, "audio")[0]
    start = float(audio.get("start_time") or 0)
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout
    samples = array.array("h", raw)
    onsets: list[float] = []
    last = -1e9
    for index, value in enumerate(samples):
        if abs(value) > threshold:
            t = index / rate
            if t - last > 0.5:
                onsets.append(start + t)
            last = t
    return onsets


def audio_duration(path: Path) -> float:
    """The first audio stream's duration."""
    return float(streams(path, "audio")[0]["duration"])


def video_duration(path: Path) -> float:
    """The first video stream's duration."""
    return float(streams(path, "video")[0]["duration"])
