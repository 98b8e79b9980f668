"""Reading draft videos back as pixels: grey frames at a quarter of their size, and one full colour frame."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from mv.providers.draft_layout import FPS, HEIGHT, WIDTH, Box

SCALE = 4


def grey_frames(path: Path, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Every frame's luma at a quarter of the size: shape (frames, height / 4, width / 4)."""
    w, h = width // SCALE, height // SCALE
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"scale={w}:{h}:flags=area,format=gray", "-f", "rawvideo", "pipe:1"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, h, w).astype(np.float64)


def colour_frame(path: Path, seconds: float, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """One full-size RGB frame at `seconds`: shape (height, width, 3)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)


def region(frames: np.ndarray, box: Box) -> np.ndarray:
    """The part of quarter-size frames inside a full-size box."""
    return frames[..., box.y // SCALE : (box.y + box.h) // SCALE, box.x // SCALE : (box.x + box.w) // SCALE]


def frame_at(seconds: float) -> int:
    """The first frame showing `seconds` or later."""
    return int(np.ceil(seconds * FPS - 1e-6))
