"""Probing clips: the spec that decides whether clips can be joined by stream copy, and their length."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from mv.core import ffmpeg
from mv.core.ffmpeg import VIDEO_FORMATS, MediaError


@dataclass(frozen=True)
class ClipSpec:
    """Everything that must match for the concat demuxer to join clips by stream copy."""

    codec: str
    profile: str
    width: int
    height: int
    pix_fmt: str
    frame_rate: str
    time_base: str
    sar: str

    @property
    def timescale(self) -> int:
        """The MP4 track timescale (the denominator of the time base)."""
        return Fraction(self.time_base).denominator


@dataclass(frozen=True)
class ClipInfo:
    """One probed clip."""

    path: Path
    spec: ClipSpec
    duration: float
    has_audio: bool

    def describe(self) -> dict[str, Any]:
        """Plain data to remember a probe by (without the path)."""
        return {"spec": asdict(self.spec), "duration": self.duration, "has_audio": self.has_audio, "size": self.path.stat().st_size}

    @classmethod
    def remembered(cls, path: Path, data: Any) -> ClipInfo | None:
        """A probe remembered by `describe`, if it still matches the file."""
        try:
            if not isinstance(data, dict) or data["size"] != path.stat().st_size:
                return None
            return cls(path, ClipSpec(**data["spec"]), float(data["duration"]), bool(data["has_audio"]))
        except (KeyError, TypeError, ValueError, OSError):
            return None


def _sar(value: Any) -> str:
    text = str(value or "1:1")
    return "1:1" if text in ("0:1", "N/A", "1:1") else text


def positive(value: Any) -> float | None:
    """A positive number, or None."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result > 0 else None


async def probe_clip(path: Path) -> ClipInfo:
    """ffprobe a clip's first video stream and whether it carries audio."""
    data = await ffmpeg.probe(path, VIDEO_FORMATS)
    try:
        return read_clip_probe(path, data)
    except (TypeError, ValueError, AttributeError, OverflowError):
        raise MediaError("A clip could not be read.") from None


def read_clip_probe(path: Path, data: Any) -> ClipInfo:
    """The clip facts in ffprobe's JSON; unexpected shapes raise TypeError or ValueError."""
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise MediaError("A clip has no video stream.")
    duration = positive(video.get("duration")) or positive(data.get("format", {}).get("duration"))
    if duration is None:
        raise MediaError("A clip has no readable duration.")
    spec = ClipSpec(
        codec=str(video.get("codec_name")),
        profile=str(video.get("profile", "")),
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        pix_fmt=str(video.get("pix_fmt")),
        frame_rate=str(video.get("r_frame_rate")),
        time_base=str(video.get("time_base")),
        sar=_sar(video.get("sample_aspect_ratio")),
    )
    return ClipInfo(path, spec, duration, any(s.get("codec_type") == "audio" for s in streams))
