"""Container sniffing on real files: videos are recognised, everything else is not."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mv.core.sniff import is_video_container


def test_real_videos_are_recognised(media, tmp_path: Path) -> None:
    webm = tmp_path / "clip.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:duration=0.5", "-c:v", "libvpx", str(webm)], check=True)
    mov = tmp_path / "clip.mov"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(media.video(1.0, size="320x240")), "-c", "copy", str(mov)], check=True)
    for path in (media.video(1.0, size="320x240"), webm, mov):
        assert is_video_container(path), path.name


def test_everything_else_is_not(media, tmp_path: Path) -> None:
    others = {
        "page.html": b"<!doctype html><html><body>Not found</body></html>",
        "error.json": b'{"detail": "prediction output expired"}',
        "empty.mp4": b"",
        "short.mp4": b"\x00\x00\x00\x18ftyp",
        "zero-size-box.mp4": b"\x00\x00\x00\x04ftypisom",
    }
    paths = [media.tone(1.0), media.image()]
    for name, data in others.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    for path in paths:
        assert not is_video_container(path), path.name
