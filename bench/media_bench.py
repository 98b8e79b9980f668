"""Media work that must not starve light requests, against a real Encore process on loopback; prints JSON.

- peaks: `/healthz` latency (p50/p99, from a separate process) while `/api/audio/info` computes the waveform
  peaks of a 15-minute song, vs idle; and how much the server's peak RSS grew.
- image_after_songs: the latency of a character image upload right after 12 song uploads (whose AAC
  tracks are then prepared in the background slot), vs the same upload on an idle server.

Usage: .venv/bin/python bench/media_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "backend"))

from live import start_server  # noqa: E402
from pipeline_bench import probe_in_process  # noqa: E402

SONGS = 12
MB = 2**20


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def upload(client: httpx.Client, route: str, path: Path, mime: str) -> httpx.Response:
    with path.open("rb") as handle:
        answer = client.post(route, files={"file": (path.name, handle, mime)})
    answer.raise_for_status()
    return answer


def bench_peaks(work: Path, song: Path) -> dict[str, Any]:
    proc, url = start_server(work)
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            audio_id = upload(client, "/api/audio/upload", song, "audio/mpeg").json()["audio_id"]
            idle = probe_in_process(url, lambda: time.sleep(3))
            Path(f"/proc/{proc.pid}/clear_refs").write_text("5")
            before = peak_rss(proc.pid)
            took = {"s": 0.0}

            def info() -> None:
                started = time.perf_counter()
                client.get(f"/api/audio/info/{audio_id}").raise_for_status()
                took["s"] = time.perf_counter() - started

            busy = probe_in_process(url, info)
            grown = peak_rss(proc.pid) - before
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {
        "idle_p50_ms": pct(idle, 0.5), "idle_p99_ms": pct(idle, 0.99),
        "busy_p50_ms": pct(busy, 0.5), "busy_p99_ms": pct(busy, 0.99), "busy_samples": len(busy),
        "info_seconds": round(took["s"], 2), "rss_growth_mb": round(grown / MB, 1),
    }


def bench_image_after_songs(work: Path, song: Path, image: Path) -> dict[str, Any]:
    proc, url = start_server(work)
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            started = time.perf_counter()
            upload(client, "/api/mv/upload_character_reference", image, "image/png")
            idle = time.perf_counter() - started
            for _ in range(SONGS):
                upload(client, "/api/audio/upload", song, "audio/mpeg")
            started = time.perf_counter()
            upload(client, "/api/mv/upload_character_reference", image, "image/png")
            busy = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"idle_s": round(idle, 3), "after_songs_s": round(busy, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    (ROOT / "bench" / ".work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / ".work") as tmp:
        work = Path(tmp)
        piece, long_song, song, image = work / "piece.mp3", work / "long.mp3", work / "song.mp3", work / "character.png"
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=10", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k",
               "-write_xing", "0", "-id3v2_version", "0", str(piece))
        long_song.write_bytes(piece.read_bytes() * 89)
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=180", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", str(song))
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1024x1024:duration=1", "-frames:v", "1", str(image))
        runs = []
        for index in range(max(1, args.runs)):
            run_dir = work / f"run{index}"
            runs.append({
                "peaks": bench_peaks(run_dir / "peaks", long_song),
                "image_after_songs": bench_image_after_songs(run_dir / "image", song, image),
            })

    def median(section: str, key: str) -> float:
        return round(statistics.median(r[section][key] for r in runs), 3)

    peaks = {key: median("peaks", key) for key in runs[0]["peaks"]}
    image = {key: median("image_after_songs", key) for key in runs[0]["image_after_songs"]}
    report = {
        "benchmark": "media",
        "runs": len(runs),
        "peaks": {**peaks, "song_seconds": 890, "target_p99_ms": 100, "target_met": peaks["busy_p99_ms"] < 100 and peaks["rss_growth_mb"] < 100},
        "image_after_songs": {**image, "songs": SONGS, "song_seconds": 180, "ratio_vs_idle": round(image["after_songs_s"] / image["idle_s"], 2),
                              "target_s": 2.0, "target_met": image["after_songs_s"] < 2.0},
        "all_runs": runs,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
