"""Audio media operations through `mv.core.ffmpeg`: probing, canonical mp3, segments and peaks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mv.core import ffmpeg
from mv.core.errors import UnsupportedMediaType
from mv.core.ffmpeg import AUDIO_FORMATS, MediaError

CANONICAL_FORMATS = "mp3"
MP3_RATES = (32000, 44100, 48000)
DEFAULT_BITRATE_K = 192
PEAK_COUNT = 400
PEAK_RATE = 8000
SEGMENT_CODECS: dict[str, list[str]] = {
    "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", f"{DEFAULT_BITRATE_K}k", "-f", "mp3"],
    "flac": ["-c:a", "flac", "-f", "flac"],
    "m4a": ["-c:a", "aac", "-b:a", "192k", "-f", "ipod"],
}


@dataclass(frozen=True)
class AudioProbe:
    """What ffprobe says about an audio file."""

    format: str
    codec: str
    duration: float
    sample_rate: int
    channels: int
    bit_rate: int | None
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """The fields stored in an asset's info."""
        return {
            "format": self.format,
            "codec": self.codec,
            "duration": round(self.duration, 3),
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "bit_rate": self.bit_rate,
        }


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None


NOT_AUDIO = "The file is not audio in a supported format (mp3, wav, m4a, aac, ogg, opus, flac, webm)."


async def probe_audio(path: Path, formats: str = AUDIO_FORMATS) -> AudioProbe:
    """Probe a local file under a format whitelist; anything that is not playable audio is a 415."""
    try:
        data = await ffmpeg.probe(path, formats)
    except MediaError:
        raise UnsupportedMediaType(NOT_AUDIO) from None
    try:
        return _read_audio_probe(data)
    except (TypeError, ValueError, AttributeError, OverflowError):
        raise UnsupportedMediaType(NOT_AUDIO) from None


def _read_audio_probe(data: Any) -> AudioProbe:
    """The audio facts in ffprobe's JSON; unexpected shapes raise TypeError or ValueError."""
    fmt = data.get("format") or {}
    stream = next((s for s in data.get("streams") or [] if s.get("codec_type") == "audio"), None)
    if stream is None:
        raise UnsupportedMediaType("The file has no audio track.")
    start = _number(stream.get("start_time")) or 0.0
    duration = _number(stream.get("duration")) or _number(fmt.get("duration"))
    if not duration or duration - start <= 0:
        raise UnsupportedMediaType("The audio track has no length.")
    rate = int(_number(stream.get("sample_rate")) or 0)
    channels = int(stream.get("channels") or 0)
    if rate <= 0 or channels <= 0:
        raise UnsupportedMediaType("The audio track cannot be decoded.")
    tags = {str(k).lower(): str(v) for k, v in {**(fmt.get("tags") or {}), **(stream.get("tags") or {})}.items()}
    bit_rate = _number(stream.get("bit_rate")) or _number(fmt.get("bit_rate"))
    return AudioProbe(
        format=str(fmt.get("format_name") or "unknown").split(",")[0],
        codec=str(stream.get("codec_name") or "unknown"),
        duration=duration - start,
        sample_rate=rate,
        channels=channels,
        bit_rate=int(bit_rate) if bit_rate else None,
        tags=tags,
    )


def canonical_args(probe: AudioProbe, *, bitrate_k: int = DEFAULT_BITRATE_K) -> list[str]:
    """Output arguments for the canonical mp3: stream copy when already mp3, else constant-bitrate LAME."""
    if probe.format == "mp3" and probe.codec == "mp3":
        codec = ["-c:a", "copy"]
    else:
        rate = probe.sample_rate if probe.sample_rate in MP3_RATES else 44100
        codec = ["-c:a", "libmp3lame", "-b:a", f"{bitrate_k}k", "-ar", str(rate), "-ac", str(min(probe.channels, 2))]
    return ["-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1", *codec,
            "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3"]


async def make_canonical(
    source: Path, target: Path, probe: AudioProbe, *, formats: str = AUDIO_FORMATS, bitrate_k: int = DEFAULT_BITRATE_K, max_seconds: float | None = None
) -> None:
    """Write the canonical playable mp3 for a probed source, cut at `max_seconds` of decoded audio whatever its header says."""
    cut = ["-t", f"{max_seconds:.3f}"] if max_seconds is not None else []
    await ffmpeg.ffmpeg([*ffmpeg.local_input(source, formats), *canonical_args(probe, bitrate_k=bitrate_k), *cut, str(target)])


async def render_segment(source: Path, target: Path, *, start: float, length: float | None, fmt: str, pad_to: float | None = None) -> None:
    """Decode `source` from `start` (sample-accurate) for `length` seconds, padded with silence to `pad_to`."""
    # Seek the input to just before `start`, then discard the rest while decoding so the decoder is primed.
    preroll = min(start, 1.0)
    args = ["-ss", f"{start - preroll:.6f}", "-accurate_seek", *ffmpeg.local_input(source, CANONICAL_FORMATS)]
    if preroll > 0:
        args += ["-ss", f"{preroll:.6f}"]
    args += ["-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"]
    if pad_to is not None:
        args += ["-af", f"apad=whole_dur={pad_to + preroll:.6f}", "-t", f"{pad_to:.6f}"]
    elif length is not None:
        args += ["-t", f"{length:.6f}"]
    await ffmpeg.ffmpeg([*args, *SEGMENT_CODECS[fmt], str(target)])


async def waveform_peaks(path: Path, duration: float, count: int = PEAK_COUNT) -> list[float]:
    """`count` peak amplitudes in 0..1 across the track, for drawing it; computed inside ffmpeg at a low sample rate."""
    window = max(1, math.ceil(max(duration, 0.0) * PEAK_RATE / count))
    levels = await ffmpeg.peak_levels(path, CANONICAL_FORMATS, window=window, rate=PEAK_RATE)
    if len(levels) > count:
        levels = [*levels[: count - 1], max(levels[count - 1 :])]
    return [round(v, 4) for v in levels] + [0.0] * (count - len(levels))
