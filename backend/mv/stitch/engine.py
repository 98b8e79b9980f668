"""Joining clips with ffmpeg: probe, normalize only the odd ones out, concat by stream copy, mux one soundtrack."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from mv.core import ffmpeg
from mv.core.ffmpeg import AUDIO_FORMATS, VIDEO_FORMATS, local_input
from mv.media.clips import ClipInfo, ClipSpec, positive, probe_clip
from mv.stitch.subtitles import burn_filter

__all__ = ["ClipInfo", "ClipSpec", "StitchReport", "choose_target", "concat", "encode_song", "encoded_duration", "probe_clip", "stitch"]

CONCAT_FORMATS = f"concat,{VIDEO_FORMATS}"
SUBTITLE_FORMATS = "srt"
ENCODERS = {"h264": "libx264", "hevc": "libx265"}
H264_PROFILES = {"Constrained Baseline": "baseline", "Baseline": "baseline", "Main": "main", "High": "high", "High 10": "high10", "High 4:2:2": "high422", "High 4:4:4 Predictive": "high444"}
FALLBACK = {"codec": "h264", "profile": "High", "pix_fmt": "yuv420p"}
AUDIO_RATE = 48000


@dataclass
class StitchReport:
    """What a stitch did and how long each step took."""

    duration: float
    method: str
    normalized: list[int]
    has_audio: bool
    song_copied: bool = False
    cut: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    probes: list[ClipInfo] = field(default_factory=list)


def choose_target(clips: list[ClipInfo]) -> ClipSpec:
    """The majority spec (the earliest clip's on a tie); an H.264 spec when that codec cannot be encoded."""
    counts = Counter(c.spec for c in clips)
    best = max(counts.values())
    target = next(c.spec for c in clips if counts[c.spec] == best)
    if target.codec not in ENCODERS:
        rate = Fraction(target.frame_rate)
        target = replace(target, **FALLBACK, sar="1:1", time_base=f"1/{rate.numerator * 512 if rate.denominator == 1 else 90000}")
    return target


def _encode_args(target: ClipSpec) -> list[str]:
    args = ["-c:v", ENCODERS[target.codec], "-preset", "veryfast", "-crf", "18"]
    if target.codec == "h264" and target.profile in H264_PROFILES:
        args += ["-profile:v", H264_PROFILES[target.profile]]
    return [*args, "-video_track_timescale", str(target.timescale)]


async def normalize(clip: ClipInfo, target: ClipSpec, out: Path, frames: int | None = None) -> ClipInfo:
    """Re-encode one clip to the target spec: fit inside the frame, pad, fps, SAR, pixel format; audio kept.

    `frames` cuts it to exactly that many frames of the target's rate (its window in the song).
    """
    w, h = target.width, target.height
    sar = target.sar.replace(":", "/")
    vf = (
        f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
        f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar={sar},fps={target.frame_rate},format={target.pix_fmt}"
    )
    audio = ["-map", "0:a:0?", "-c:a", "aac", "-b:a", "192k"] if clip.has_audio else []
    length = float(frames / Fraction(target.frame_rate)) if frames else clip.duration
    count = ["-frames:v", str(frames)] if frames else []
    await ffmpeg.ffmpeg([
        *local_input(clip.path, VIDEO_FORMATS), "-map", "0:v:0", *audio, "-vf", vf, *_encode_args(target), *count,
        "-t", f"{length:.6f}", "-f", "mp4", f"file:{out}",
    ])
    return await probe_clip(out)


def _place(source: Path, target: Path) -> None:
    """Put a clip under a server-chosen plain name: a hardlink, else a symlink, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        try:
            os.symlink(source.resolve(), target)
        except OSError:
            shutil.copyfile(source, target)


def write_list(clips: list[ClipInfo], workdir: Path) -> Path:
    """The concat demuxer's list: plain relative names (accepted with safe=1), each starting at 0 for its video length."""
    lines = []
    for index, clip in enumerate(clips):
        name = f"clip_{index:04d}.mp4"
        _place(clip.path, workdir / name)
        lines += [f"file '{name}'", "inpoint 0", f"duration {clip.duration:.6f}"]
    listing = workdir / "clips.txt"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


def _clip_audio_graph(clips: list[ClipInfo], first_input: int) -> tuple[list[str], str]:
    """Each clip's audio cut or padded to its video length, silence for clips without audio, then joined."""
    inputs: list[str] = []
    parts: list[str] = []
    index = first_input
    for n, clip in enumerate(clips):
        fit = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=end={clip.duration:.6f},asetpts=PTS-STARTPTS"
        if clip.has_audio:
            inputs += ["-vn", *local_input(clip.path, VIDEO_FORMATS)]
            parts.append(f"[{index}:a:0]{fit}[a{n}]")
            index += 1
        else:
            parts.append(f"anullsrc=r={AUDIO_RATE}:cl=stereo,{fit}[a{n}]")
    labels = "".join(f"[a{n}]" for n in range(len(clips)))
    return inputs, ";".join(parts) + f";{labels}concat=n={len(clips)}:v=0:a=1[aout]"


async def encode_song(song: Path, out: Path) -> float:
    """Encode a whole song once as the AAC track stitches copy; returns its duration."""
    part = out.with_name(out.name + ".part")
    await ffmpeg.ffmpeg([
        *local_input(song, AUDIO_FORMATS), "-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", "192k", "-ac", "2", "-f", "mp4", f"file:{part}",
    ], timeout=1800, gate=ffmpeg.BACKGROUND)
    os.replace(part, out)
    return await encoded_duration(out)


async def encoded_duration(track: Path) -> float:
    """The duration of an encoded song track."""
    data = await ffmpeg.probe(track, AUDIO_FORMATS)
    return positive(data.get("format", {}).get("duration")) or 0.0


@dataclass(frozen=True)
class Lyrics:
    """Lyrics for the output: an SRT file muxed as a `mov_text` track, or an ASS file burned into the picture."""

    path: Path
    burned: bool = False


async def concat(
    clips: list[ClipInfo], out: Path, workdir: Path, *, song: Path | None, clip_audio: bool, song_encoded: bool = False, length: float | None = None,
    lyrics: Lyrics | None = None, target: ClipSpec | None = None,
) -> bool:
    """Join same-spec clips by stream copy into `out` with at most one audio track; returns whether it has audio.

    `song_encoded` says `song` is already the AAC track (see `encode_song`) and covers the video: it is then copied.
    `length` cuts the output short of the clips' total (at the song's end).
    `lyrics` adds a soft subtitle track (video still copied) or burns styled lyrics in (video re-encoded to `target`).
    """
    listing = write_list(clips, workdir)
    total = sum(c.duration for c in clips) if length is None else length
    args = local_input(listing, CONCAT_FORMATS, fmt="concat")
    soft = lyrics is not None and not lyrics.burned
    if soft and lyrics is not None:
        args += local_input(lyrics.path, SUBTITLE_FORMATS, fmt="srt")
    audio_input = 2 if soft else 1
    has_audio = True
    if song is not None and song_encoded:
        args += [*local_input(song, AUDIO_FORMATS), "-map", "0:v:0", "-map", f"{audio_input}:a:0", "-c:a", "copy"]
    elif song is not None:
        args += [*local_input(song, AUDIO_FORMATS), "-map", "0:v:0", "-map", f"{audio_input}:a:0", "-af", "apad"]
    elif clip_audio and any(c.has_audio for c in clips):
        inputs, graph = _clip_audio_graph(clips, audio_input)
        args += [*inputs, "-filter_complex", graph, "-map", "0:v:0", "-map", "[aout]"]
    else:
        args += ["-map", "0:v:0"]
        has_audio = False
    if lyrics is not None and lyrics.burned and target is not None:
        args += ["-vf", burn_filter(lyrics.path), *_encode_args(target)]
    else:
        args += ["-c:v", "copy"]
    if soft:
        args += ["-map", "1:s:0", "-c:s", "mov_text", "-metadata:s:s:0", "language=und", "-metadata:s:s:0", "handler_name=Lyrics"]
    if not has_audio:
        args += ["-an"]
    elif not song_encoded:
        args += ["-c:a", "aac", "-b:a", "192k"]
    args += ["-t", f"{total:.6f}", "-movflags", "+faststart", "-f", "mp4", f"file:{out}"]
    await ffmpeg.ffmpeg(args)
    return has_audio


async def stitch(
    paths: list[Path],
    out: Path,
    workdir: Path,
    *,
    song: Path | None = None,
    song_seconds: float | None = None,
    clip_audio: bool = True,
    encoded_song: tuple[Path, float] | None = None,
    known: list[ClipInfo | None] | None = None,
    windows: list[tuple[float, float] | None] | None = None,
    lyrics: Lyrics | None = None,
) -> StitchReport:
    """Stitch clips in order into `out`; only clips that differ from the majority spec are re-encoded, in parallel.

    With a song the video ends where the clips or the song end, whichever is first (`song_seconds` is its length);
    clips that would start after the song's end are left out.
    `encoded_song` is the song's cached AAC track and its duration; it is copied when it covers the video.
    `known` holds earlier probes of some clips (see `ClipInfo.describe`); the others are probed now.
    `windows` holds each clip's window in the song, when it has one: a clip longer than its window is cut to it
    (re-encoded, to the frame: window edges are rounded to frames of the song's start, so cuts never drift).
    """
    started = time.perf_counter()
    known = known or [None] * len(paths)

    async def info(path: Path, remembered: ClipInfo | None) -> ClipInfo:
        return remembered if remembered is not None else await probe_clip(path)

    probes = list(await asyncio.gather(*(info(p, k) for p, k in zip(paths, known, strict=True))))
    song_length = (encoded_song[1] if encoded_song else song_seconds) if song is not None else None
    target = choose_target(probes)
    rate = Fraction(target.frame_rate)
    frames = [cut_frames(p, w, rate) for p, w in zip(probes, windows or [None] * len(probes), strict=True)]
    lengths = [float(f / rate) if f else p.duration for p, f in zip(probes, frames, strict=True)]
    clips = probes[: len(playing(lengths, song_length))]
    probed = time.perf_counter()
    odd = [i for i, c in enumerate(clips) if c.spec != target or frames[i]]
    if odd:
        done = await asyncio.gather(*(normalize(clips[i], target, workdir / f"norm_{i:04d}.mp4", frames[i]) for i in odd))
        for i, clip in zip(odd, done, strict=True):
            clips[i] = clip
    normalized_at = time.perf_counter()
    total = sum(c.duration for c in clips)
    length = min(total, song_length) if song_length else total
    copy_song = encoded_song is not None and song is not None and encoded_song[1] >= length
    has_audio = await concat(
        clips, out, workdir, song=encoded_song[0] if copy_song and encoded_song else song, clip_audio=clip_audio,
        song_encoded=copy_song, length=length, lyrics=lyrics, target=target,
    )
    finished = time.perf_counter()
    return StitchReport(
        duration=round(length, 3),
        method="normalized" if odd else "copy",
        normalized=odd,
        cut=[i for i in odd if frames[i]],
        has_audio=has_audio,
        song_copied=copy_song,
        probes=probes,
        timings={
            "probe_seconds": round(probed - started, 3),
            "normalize_seconds": round(normalized_at - probed, 3),
            "concat_seconds": round(finished - normalized_at, 3),
        },
    )


def playing(lengths: list[float], until: float | None) -> list[float]:
    """The lengths of the clips that start before `until` (all of them without a limit; always at least the first)."""
    if not until:
        return list(lengths)
    kept: list[float] = []
    start = 0.0
    for length in lengths:
        if kept and start >= until:
            break
        kept.append(length)
        start += length
    return kept


def cut_frames(clip: ClipInfo, window: tuple[float, float] | None, rate: Fraction) -> int | None:
    """How many frames a clip keeps to fill its window exactly (None: no window, or the clip already fits)."""
    if window is None or rate <= 0:
        return None
    start, end = window
    frames = round(end * rate) - round(start * rate)
    if frames <= 0 or clip.duration <= float(frames / rate) + float(0.5 / rate):
        return None
    return int(frames)
