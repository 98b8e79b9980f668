"""Waveform peaks of a long song are computed inside ffmpeg: the server's memory hardly moves."""

from __future__ import annotations

from pathlib import Path

import httpx

from live import start_server

MB = 2**20


def peak_rss(pid: int) -> int:
    """The process's peak resident set size (VmHWM) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_info_for_a_15_minute_song_raises_the_servers_rss_by_less_than_100_mb(tmp_path: Path, media) -> None:
    song = media.long_mp3(890)  # just under the 15-minute limit
    proc, url = start_server(tmp_path)
    try:
        with httpx.Client(base_url=url, timeout=300) as client:
            with song.open("rb") as handle:
                uploaded = client.post("/api/audio/upload", files={"file": ("long.mp3", handle, "audio/mpeg")})
            assert uploaded.status_code == 200, uploaded.text
            assert uploaded.json()["duration"] > 885
            Path(f"/proc/{proc.pid}/clear_refs").write_text("5")  # restart the peak from the current size
            before = peak_rss(proc.pid)
            info = client.get(f"/api/audio/info/{uploaded.json()['audio_id']}")
            grown = peak_rss(proc.pid) - before
        assert info.status_code == 200, info.text
        peaks = info.json()["peaks"]
        assert len(peaks) == 400 and 0.05 < min(peaks) and max(peaks) < 1.1 * min(peaks), "a steady tone from start to end"
        assert grown < 100 * MB, f"peak RSS grew by {grown / MB:.0f} MB"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
