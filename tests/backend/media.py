"""Real test media made with ffmpeg (and sox/espeak-ng where useful), cached per session."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run(*argv: str) -> None:
    """Run a media tool, failing loudly."""
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *argv] if argv[0] != "raw" else list(argv[1:]), check=True)


def probe_duration(path: Path) -> float:
    """Container duration in seconds."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return float(out)


class MediaFactory:
    """Builds audio and video files on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _cached(self, name: str) -> tuple[Path, bool]:
        path = self.root / name
        return path, path.exists()

    def tone(self, seconds: float = 30.0, *, freq: int = 440, ext: str = "mp3", rate: int = 44100) -> Path:
        """A sine tone in the given container."""
        path, done = self._cached(f"tone_{seconds}_{freq}_{rate}.{ext}")
        if not done:
            codec = {"mp3": ["-c:a", "libmp3lame", "-b:a", "128k"], "wav": [], "m4a": ["-c:a", "aac"], "ogg": ["-c:a", "libvorbis"], "flac": [], "opus": ["-c:a", "libopus"], "webm": ["-c:a", "libopus"]}[ext]
            run("-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}:sample_rate={rate}", "-ac", "2", *codec, str(path))
        return path

    def clicks(self, seconds: float = 30.0, *, at: tuple[float, ...] = (10.0,), ext: str = "mp3") -> Path:
        """Quiet noise with loud clicks at known times, for alignment checks."""
        name = "_".join(f"{t:g}" for t in at)
        path, done = self._cached(f"clicks_{seconds}_{name}.{ext}")
        if not done:
            cond = "+".join(f"between(t,{t},{t + 0.01})" for t in at)
            expr = f"if({cond},0.9,0.02*sin(2*PI*220*t))"
            codec = ["-c:a", "libmp3lame", "-b:a", "192k"] if ext == "mp3" else []
            run("-f", "lavfi", "-i", f"aevalsrc='{expr}':s=44100:d={seconds}", "-ac", "1", *codec, str(path))
        return path

    def video(self, seconds: float = 8.0, *, size: str = "1280x720", fps: int = 24, audio: bool = False, name: str | None = None) -> Path:
        """An H.264 test-pattern clip."""
        path, done = self._cached(name or f"video_{seconds}_{size}_{fps}_{int(audio)}.mp4")
        if not done:
            args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}"]
            if audio:
                args += ["-f", "lavfi", "-i", f"sine=frequency=600:duration={seconds}", "-c:a", "aac", "-shortest"]
            run(*args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path))
        return path

    def image(self, *, size: str = "512x512", name: str = "character.png") -> Path:
        """A PNG test image."""
        path, done = self._cached(name)
        if not done:
            run("-f", "lavfi", "-i", f"testsrc2=size={size}:duration=1", "-frames:v", "1", str(path))
        return path

    def long_mp3(self, seconds: int) -> Path:
        """A long CBR mp3 without a length header, made by repeating ten seconds of frames (fast to build)."""
        path, done = self._cached(f"long_{seconds}.mp3")
        if not done:
            piece = self.root / "long_piece.mp3"
            run("-f", "lavfi", "-i", "sine=frequency=330:duration=10:sample_rate=44100", "-ac", "2",
                "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0", str(piece))
            path.write_bytes(piece.read_bytes() * (seconds // 10))
        return path

    def understated_mp3(self, *, holds: float = 2400.0, claims: float = 7.0) -> Path:
        """A CBR mp3 whose Info header claims `claims` seconds while its frames hold `holds` seconds of audio."""
        path, done = self._cached(f"understated_{holds:g}_{claims:g}.mp3")
        if not done:
            piece = self.root / "understated_piece.mp3"
            run("-f", "lavfi", "-i", "sine=frequency=440:duration=10:sample_rate=44100", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0", str(piece))
            data = piece.read_bytes()
            assert data[:2] == b"\xff\xfb", "an MPEG-1 Layer III frame first"
            length = 144000 * 64 // 44100 + ((data[2] >> 1) & 1)
            info = bytearray(data[:length])
            tag = info.index(b"Info")
            flags = int.from_bytes(info[tag + 4:tag + 8], "big")
            assert flags & 3 == 3, "frame and byte counts present"
            info[tag + 8:tag + 12] = round(claims * 44100 / 1152).to_bytes(4, "big")
            info[tag + 12:tag + 16] = bytes(4)  # no byte count, so nothing contradicts the frame count
            path.write_bytes(bytes(info) + data[length:] * round(holds / 10))
        return path

    def text(self, content: str, name: str) -> Path:
        """A non-media file under a media-looking name."""
        path = self.root / name
        path.write_text(content)
        return path
