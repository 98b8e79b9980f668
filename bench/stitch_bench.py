"""Stitch benchmark: Encore vs the older app's MoviePy method vs the ffmpeg stream-copy floor; prints JSON.

Usage: .venv/bin/python bench/stitch_bench.py [--runs 3] [--moviepy-runs 1] [--moviepy-32]
MoviePy comes from bench/requirements.txt (installed only for this benchmark).
Every measured run is a fresh child process, so peak memory (ru_maxrss of the child and of the
processes it started) belongs to that run alone; times exclude interpreter start and imports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
CLIP_SECONDS = 8.0
SONG_SECONDS = 300.0
DISTINCT = 8


# ---- media -------------------------------------------------------------------------------------


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_clip(path: Path, index: int, *, size: str = "1280x720", fps: int = 24) -> None:
    """An 8 s H.264 clip at a bitrate typical of hosted video models."""
    if path.exists():
        return
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={CLIP_SECONDS},hue=h={index * 45}",
        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path),
    )


def prepare() -> dict[str, Any]:
    """Clips for 8 and 32, a mixed set (two resolutions and frame rates), and a 5-minute song."""
    sources = WORK / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for i in range(DISTINCT):
        make_clip(sources / f"hd_{i}.mp4", i)
    for i in range(2):
        make_clip(sources / f"sd_{i}.mp4", i + 3, size="854x480", fps=30)
    song = sources / "song.mp3"
    if not song.exists():
        _ffmpeg("-f", "lavfi", "-i", f"sine=frequency=220:duration={SONG_SECONDS},volume=0.5", "-f", "lavfi",
                "-i", f"sine=frequency=330:duration={SONG_SECONDS},volume=0.3", "-filter_complex", "amix=inputs=2",
                "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "192k", str(song))
    track = song.with_suffix(".m4a")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", (
        "import asyncio, sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; from mv.stitch import engine; "
        "asyncio.run(engine.encode_song(Path(sys.argv[2]), Path(sys.argv[3])))"), str(ROOT / "backend"), str(song), str(track)], check=True)
    song_track_seconds = time.perf_counter() - started
    sets: dict[str, list[str]] = {}
    for count in (8, 32):
        folder = WORK / f"clips_{count}"
        folder.mkdir(exist_ok=True)
        names = []
        for i in range(count):
            target = folder / f"clip_{i:04d}.mp4"
            if not target.exists():
                shutil.copyfile(sources / f"hd_{i % DISTINCT}.mp4", target)
            names.append(str(target))
        sets[f"hd_{count}"] = names
    mixed = WORK / "clips_mixed"
    mixed.mkdir(exist_ok=True)
    order = ["hd_0", "sd_0", "hd_1", "hd_2", "hd_3", "sd_1", "hd_4", "hd_5"]
    names = []
    for i, name in enumerate(order):
        target = mixed / f"clip_{i:04d}.mp4"
        if not target.exists():
            shutil.copyfile(sources / f"{name}.mp4", target)
        names.append(str(target))
    sets["mixed_8"] = names
    return {"sets": sets, "song": str(song), "song_track_seconds": round(song_track_seconds, 3)}


# ---- methods (run inside a child process) --------------------------------------------------------


def run_encore(clips: list[Path], song: Path, out: Path, workdir: Path, *, cached: bool = False, probed: bool = False) -> dict[str, Any]:
    """Encore's stitch engine as the stitch job calls it; `cached`: the song's AAC track exists (made at import); `probed`: clip probes are remembered (re-stitch)."""
    sys.path.insert(0, str(ROOT / "backend"))
    from mv.core import ffmpeg
    from mv.stitch import engine

    ffmpeg.configure(ffmpeg.Limits(concurrency=2, timeout=1800))
    track = song.with_suffix(".m4a")
    encoded = (track, asyncio.run(engine.encoded_duration(track))) if cached else None

    async def remembered() -> list[Any]:
        return list(await asyncio.gather(*(engine.probe_clip(c) for c in clips)))

    known = asyncio.run(remembered()) if probed else None
    tracemalloc.start()
    started = time.perf_counter()
    report = asyncio.run(engine.stitch(clips, out, workdir, song=song, encoded_song=encoded, known=known))
    seconds = time.perf_counter() - started
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "python_peak_mb": python_peak / 2**20, "method": report.method, "normalized": report.normalized,
            "song_copied": report.song_copied, "timings": report.timings}


def _list_file(clips: list[Path], workdir: Path) -> Path:
    for i, clip in enumerate(clips):
        os.link(clip, workdir / f"c{i:04d}.mp4")
    listing = workdir / "list.txt"
    listing.write_text("".join(f"file 'c{i:04d}.mp4'\n" for i in range(len(clips))))
    return listing


def run_floor(clips: list[Path], song: Path, out: Path, workdir: Path, *, faststart: bool) -> dict[str, Any]:
    """The floor: concat demuxer with stream copy of the same files, plus the song (AAC) cut at the video's end."""
    started = time.perf_counter()
    listing = _list_file(clips, workdir)
    extra = ["-movflags", "+faststart"] if faststart else []
    _ffmpeg("-f", "concat", "-i", str(listing), "-i", str(song), "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", "-shortest", *extra, str(out))
    return {"seconds": time.perf_counter() - started}


def run_moviepy(clips: list[Path], song: Path, out: Path, workdir: Path) -> dict[str, Any]:
    """The older app's method: MoviePy concatenate_videoclips, song overlay, write_videofile(libx264, aac)."""
    os.environ.setdefault("FFMPEG_BINARY", shutil.which("ffmpeg") or "ffmpeg")
    from moviepy import AudioFileClip, VideoFileClip, concatenate_videoclips

    tracemalloc.start()
    started = time.perf_counter()
    videos = [VideoFileClip(str(c)) for c in clips]
    final = concatenate_videoclips(videos)
    audio = AudioFileClip(str(song))
    if audio.duration > final.duration:
        audio = audio.with_duration(final.duration)
    final = final.with_audio(audio)
    final.write_videofile(str(out), codec="libx264", audio_codec="aac", logger=None, temp_audiofile_path=str(workdir))
    for clip in videos:
        clip.close()
    audio.close()
    seconds = time.perf_counter() - started
    _, python_peak = tracemalloc.get_traced_memory()
    return {"seconds": seconds, "python_peak_mb": python_peak / 2**20}


def run_reencode_all(clips: list[Path], song: Path, out: Path, workdir: Path) -> dict[str, Any]:
    """Re-encoding everything to the majority spec in one ffmpeg concat-filter pass (same encoder settings as Encore)."""
    started = time.perf_counter()
    inputs: list[str] = []
    parts = []
    for i, clip in enumerate(clips):
        inputs += ["-i", str(clip)]
        parts.append(f"[{i}:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p[v{i}]")
    graph = ";".join(parts) + ";" + "".join(f"[v{i}]" for i in range(len(clips))) + f"concat=n={len(clips)}:v=1:a=0[v]"
    _ffmpeg(*inputs, "-i", str(song), "-filter_complex", graph, "-map", "[v]", "-map", f"{len(clips)}:a:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac", "-b:a", "192k", "-shortest",
            "-movflags", "+faststart", str(out))
    return {"seconds": time.perf_counter() - started}


METHODS = {
    "encore": lambda c, s, o, w: run_encore(c, s, o, w, cached=True),
    "encore_cold": run_encore,
    "encore_restitch": lambda c, s, o, w: run_encore(c, s, o, w, cached=True, probed=True),
    "floor": lambda c, s, o, w: run_floor(c, s, o, w, faststart=False),
    "floor_faststart": lambda c, s, o, w: run_floor(c, s, o, w, faststart=True),
    "moviepy": run_moviepy,
    "reencode_all": run_reencode_all,
}


def child(method: str, clips: list[str], song: str, out: str) -> None:
    """Run one method once and print its measurements as JSON."""
    workdir = Path(out).parent / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    result = METHODS[method]([Path(c) for c in clips], Path(song), Path(out), workdir)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.update(peak_rss_self_mb=self_kb / 1024, peak_rss_children_mb=children_kb / 1024)
    print(json.dumps(result))


# ---- parent ----------------------------------------------------------------------------------


def probe(path: Path) -> dict[str, Any]:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    video = next(s for s in data["streams"] if s["codec_type"] == "video")
    return {
        "duration": round(float(data["format"]["duration"]), 3),
        "video": f"{video['width']}x{video['height']}@{video['r_frame_rate']}",
        "streams": sorted(s["codec_type"] for s in data["streams"]),
    }


def measure(method: str, clips: list[str], song: str, runs: int, expected: float) -> dict[str, Any]:
    """Median of `runs` fresh child runs, each output checked."""
    results = []
    for n in range(runs):
        target = WORK / "out" / f"{method}_{len(clips)}_{n}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        out = target / "out.mp4"
        done = subprocess.run([sys.executable, __file__, "--child", method, "--song", song, "--out", str(out), *clips],
                              check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["output"] = probe(out)
        result["output"]["duration_ok"] = abs(result["output"]["duration"] - expected) <= 0.1
        results.append(result)
        shutil.rmtree(target, ignore_errors=True)
    seconds = [r["seconds"] for r in results]
    summary: dict[str, Any] = {
        "median_seconds": round(statistics.median(seconds), 3),
        "runs_seconds": [round(s, 3) for s in seconds],
        "peak_rss_self_mb": round(max(r["peak_rss_self_mb"] for r in results), 1),
        "peak_rss_children_mb": round(max(r["peak_rss_children_mb"] for r in results), 1),
        "output": results[-1]["output"],
    }
    for key in ("python_peak_mb",):
        if key in results[-1]:
            summary[key] = round(max(r[key] for r in results), 2)
    for key in ("method", "normalized", "song_copied", "timings"):
        if key in results[-1]:
            summary[key] = results[-1][key]
    return summary


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per fast method (median reported)")
    parser.add_argument("--moviepy-runs", type=int, default=1, help="MoviePy runs on 8 clips")
    parser.add_argument("--moviepy-32", action="store_true", help="also measure MoviePy on 32 clips instead of extrapolating")
    parser.add_argument("--reencode-runs", type=int, default=2)
    parser.add_argument("--child")
    parser.add_argument("--song")
    parser.add_argument("--out")
    parser.add_argument("clips", nargs="*")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.clips, args.song, args.out)
        return

    import importlib.util

    if importlib.util.find_spec("moviepy") is None:
        sys.exit("MoviePy is missing: .venv/bin/pip install -r bench/requirements.txt")
    began = time.perf_counter()
    data = prepare()
    sets, song = data["sets"], data["song"]
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0],
            "platform": platform.platform(),
        },
        "clip": {"seconds": CLIP_SECONDS, "size": "1280x720", "fps": 24, "codec": "h264", "bitrate": "4M"},
        "song_seconds": SONG_SECONDS,
        "prepare_seconds": round(time.perf_counter() - began, 1),
        "song_track_seconds": data["song_track_seconds"],
        "notes": {
            "encore": "first stitch with a song: the song's AAC track was made when the song was imported (a background job), every clip is probed, clips and track stream-copied",
            "encore_cold": "first stitch right after the import, before its AAC track exists: the song window decoded and AAC-encoded during the stitch",
            "encore_restitch": "any later stitch with the same song and clips: the song's AAC track (encoded once per song, in the background after the first stitch) is copied too, and clip probes are remembered in their assets",
            "floor": "ffmpeg concat demuxer, stream copy of the same files, song AAC-encoded, -shortest, no faststart",
            "floor_faststart": "the floor with +faststart, i.e. the same output properties as Encore's",
            "moviepy": "MoviePy 2.1.2 concatenate_videoclips + song overlay + write_videofile(libx264, aac), system ffmpeg",
            "memory": "peak_rss_self_mb: the measuring process; peak_rss_children_mb: the largest process it started (ffmpeg)",
        },
        "cases": {},
    }
    for count in (8, 32):
        clips = sets[f"hd_{count}"]
        expected = count * CLIP_SECONDS
        case: dict[str, Any] = {
            name: measure(name, clips, song, args.runs, expected) for name in ("encore", "encore_cold", "encore_restitch", "floor", "floor_faststart")
        }
        if count == 8 or args.moviepy_32:
            case["moviepy"] = measure("moviepy", clips, song, args.moviepy_runs, expected)
        else:
            base = report["cases"]["stitch_8"]["moviepy"]
            case["moviepy"] = {
                "median_seconds": round(base["median_seconds"] * count / 8, 3),
                "extrapolated": "measured on 8 clips and scaled linearly by clip count (MoviePy decodes and re-encodes every frame, so its time is linear in length)",
            }
        encore, restitch = case["encore"]["median_seconds"], case["encore_restitch"]["median_seconds"]
        moviepy, floor = case["moviepy"]["median_seconds"], case["floor"]["median_seconds"]
        case["ratios"] = {
            "moviepy_over_encore": ratio(moviepy, encore),
            "moviepy_over_encore_restitch": ratio(moviepy, restitch),
            "moviepy_over_encore_cold": ratio(moviepy, case["encore_cold"]["median_seconds"]),
            "moviepy_over_floor": ratio(moviepy, floor),
            "encore_over_floor": ratio(encore, floor),
            "encore_restitch_over_floor": ratio(restitch, floor),
            "encore_over_floor_same_output": ratio(encore, case["floor_faststart"]["median_seconds"]),
        }
        report["cases"][f"stitch_{count}"] = case
    mixed = sets["mixed_8"]
    mixed_case = {
        "clips": "6 × 1280x720@24 + 2 × 854x480@30, 8 s each",
        "encore": measure("encore", mixed, song, args.runs, 8 * CLIP_SECONDS),
        "reencode_all": measure("reencode_all", mixed, song, args.reencode_runs, 8 * CLIP_SECONDS),
    }
    mixed_case["ratios"] = {"reencode_all_over_encore": ratio(mixed_case["reencode_all"]["median_seconds"], mixed_case["encore"]["median_seconds"])}
    report["cases"]["mixed_8"] = mixed_case
    s8, s32 = report["cases"]["stitch_8"], report["cases"]["stitch_32"]
    report["targets"] = {
        "moviepy_50x_faster_8": s8["ratios"]["moviepy_over_encore"] >= 50,
        "moviepy_50x_faster_8_restitch": s8["ratios"]["moviepy_over_encore_restitch"] >= 50,
        "within_1_5x_floor_8": s8["ratios"]["encore_over_floor"] <= 1.5,
        "within_1_5x_floor_32": s32["ratios"]["encore_over_floor"] <= 1.5,
        "encore_peak_rss_mb_8_vs_32": [
            max(s8["encore"]["peak_rss_self_mb"], s8["encore"]["peak_rss_children_mb"]),
            max(s32["encore"]["peak_rss_self_mb"], s32["encore"]["peak_rss_children_mb"]),
        ],
        "memory_flat": max(s32["encore"]["peak_rss_self_mb"], s32["encore"]["peak_rss_children_mb"])
        <= 1.25 * max(s8["encore"]["peak_rss_self_mb"], s8["encore"]["peak_rss_children_mb"]),
        "mixed_outputs_correct": all(mixed_case[m]["output"]["duration_ok"] for m in ("encore", "reencode_all")),
    }
    report["total_seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
