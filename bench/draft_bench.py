"""A 60 s song's whole offline draft (every scene's clip, then the stitch): Encore's visualizer drafts beside the previous renderer.

Both renderers get the same song windows, character image and prompts, run with the same ffmpeg concurrency
(2, the default) and are stitched by the same engine; runs alternate so a busy machine slows both alike.
The song's analysis is given (a 120 BPM song with known beats): its time is `bench/analysis_bench.py`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Awaitable, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from draft_baseline import previous_clip  # noqa: E402
from mv.core import ffmpeg  # noqa: E402
from mv.providers.base import ClipBrief, MusicWindow  # noqa: E402
from mv.providers.local import LocalProvider  # noqa: E402
from mv.stitch import engine  # noqa: E402

SONG_SECONDS, SCENE_SECONDS, BPM = 60.0, 8.0, 120.0
PROMPT = "Wide shot of the outdoor stadium stage at dusk, the band performing under sweeping light beams, scene {i}."


def make_media(work: Path) -> tuple[Path, Path]:
    """A 60 s song (a beat over a chord) and a character image."""
    song, image = work / "song.mp3", work / "character.png"
    beat = f"0.7*exp(-30*mod(t,{60 / BPM}))*sin(2*PI*90*t)+0.15*sin(2*PI*220*t)+0.1*sin(2*PI*277*t)+0.1*sin(2*PI*330*t)"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"aevalsrc='{beat}':s=44100:d={SONG_SECONDS}", "-ac", "2",
                    "-c:a", "libmp3lame", "-b:a", "192k", str(song)], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=768x768:d=1", "-frames:v", "1", str(image)], check=True)
    return song, image


def music_at(start: float) -> MusicWindow:
    """The known analysis of the song around a clip starting at `start`."""
    beats = [i * 60 / BPM for i in range(int(SONG_SECONDS * BPM / 60))]
    inside = tuple(round(b - start, 3) for b in beats if start <= b < start + SCENE_SECONDS)
    labels = [(0.0, 8.0, "intro"), (8.0, 24.0, "A"), (24.0, 40.0, "B"), (40.0, 52.0, "A"), (52.0, 60.0, "outro")]
    return MusicWindow(
        tempo=BPM, beats=inside, downbeats=inside[::4] if inside else (), energy=tuple(0.6 for _ in inside),
        sections=tuple((a - start, b - start, label) for a, b, label in labels if b > start and a < start + SCENE_SECONDS),
        lyrics=((1.0, 4.0, f"A line sung at {start:g} seconds"),),
    )


async def cut(song: Path, start: float, out: Path) -> Path:
    """The song window as WAV, as the clip job cuts it."""
    end = min(start + SCENE_SECONDS, SONG_SECONDS)
    await ffmpeg.ffmpeg([*ffmpeg.local_input(song, ffmpeg.AUDIO_FORMATS), "-ss", f"{start}", "-t", f"{end - start}", "-f", "wav", f"file:{out}"])
    return out


async def encore_clip(i: int, song: Path, image: Path, workdir: Path) -> Path:
    segment = await cut(song, i * SCENE_SECONDS, workdir / "segment.wav")
    brief = ClipBrief(prompt=PROMPT.format(i=i), negative_prompt="", reference_image=image, audio_segment=segment, music=music_at(i * SCENE_SECONDS))
    out, _ = await LocalProvider().clip(None, brief, SimpleNamespace(duration=int(SCENE_SECONDS), aspect_ratio="16:9"), workdir)  # type: ignore[arg-type]
    return out


async def previous(i: int, song: Path, image: Path, workdir: Path) -> Path:
    segment = await cut(song, i * SCENE_SECONDS, workdir / "segment.wav")
    return await previous_clip(PROMPT.format(i=i), image, segment, workdir, SCENE_SECONDS)


def cpu_seconds() -> float:
    """CPU time of every finished child process so far (the ffmpeg runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def full_draft(
    render: Callable[[int, Path, Path, Path], Awaitable[Path]], song: Path, track: tuple[Path, float], image: Path, work: Path
) -> dict[str, float]:
    """Every scene's clip in parallel, then the stitch with the song (its AAC track prepared at import, as in Encore)."""
    ffmpeg.configure(ffmpeg.Limits(concurrency=2, timeout=600))  # gates belong to one event loop
    cpu = cpu_seconds()
    started = time.perf_counter()
    scenes = int(-(-SONG_SECONDS // SCENE_SECONDS))
    dirs = [work / f"scene_{i}" for i in range(scenes)]
    for d in dirs:
        d.mkdir(parents=True)
    clips = await asyncio.gather(*(render(i, song, image, d) for i, d in enumerate(dirs)))
    clips_done = time.perf_counter()
    await engine.stitch(list(clips), work / "final.mp4", work, song=song, song_seconds=SONG_SECONDS, clip_audio=False, encoded_song=track)
    total = time.perf_counter() - started
    used = cpu_seconds() - cpu
    return {"clips_s": round(clips_done - started, 3), "total_s": round(total, 3), "ratio": round(total / SONG_SECONDS, 3),
            "cpu_s": round(used, 3), "cpu_ratio_2_cores": round(used / 2 / SONG_SECONDS, 3)}


async def encode_track(song: Path, out: Path) -> float:
    """The song's AAC track, which Encore prepares in the background when a song is imported."""
    ffmpeg.configure(ffmpeg.Limits(concurrency=2, timeout=600))
    return await engine.encode_song(song, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    (ROOT / "bench" / ".work").mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {"encore": [], "previous": []}
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / ".work") as tmp:
        work = Path(tmp)
        song, image = make_media(work)
        track = (work / "song.m4a", asyncio.run(encode_track(song, work / "song.m4a")))
        for index in range(max(1, args.runs)):
            for name, render in (("encore", encore_clip), ("previous", previous)):
                runs[name].append(asyncio.run(full_draft(render, song, track, image, work / f"{name}_{index}")))

    def median(name: str, key: str) -> float:
        return round(statistics.median(r[key] for r in runs[name]), 3)

    keys = ("clips_s", "total_s", "ratio", "cpu_s", "cpu_ratio_2_cores")
    encore = {k: median("encore", k) for k in keys}
    before = {k: median("previous", k) for k in keys}
    print(json.dumps({
        "benchmark": "draft", "song_seconds": SONG_SECONDS, "scenes": int(-(-SONG_SECONDS // SCENE_SECONDS)), "runs": args.runs,
        "load_average_at_start": round(load, 1), "encore": encore, "previous": before,
        "encore_over_previous": round(encore["total_s"] / before["total_s"], 2),
        "encore_over_previous_cpu": round(encore["cpu_s"] / before["cpu_s"], 2),
        "target_ratio": 0.3, "target_met": encore["ratio"] < 0.3, "target_met_cpu": encore["cpu_ratio_2_cores"] < 0.3, "all_runs": runs,
    }, indent=2))


if __name__ == "__main__":
    main()
