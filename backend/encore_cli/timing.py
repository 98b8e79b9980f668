"""Where each scene sits in the song: the fixed grid of one clip per CLIP_SECONDS, or the plan's own windows."""

from __future__ import annotations

import math
from typing import Any

CLIP_SECONDS = 8.0
MAX_SCENES = 24


def scene_count(duration: float) -> int:
    """One scene per CLIP_SECONDS of song (at least 1, at most MAX_SCENES)."""
    if not math.isfinite(duration) or duration <= 0:
        return 1
    return min(MAX_SCENES, max(1, math.ceil(duration / CLIP_SECONDS - 1e-9)))


def scene_window(index: int, scene: dict[str, Any]) -> tuple[float, float]:
    """The song window of the scene at `index` (0-based): its own `start_time`/`end_time` when planned to the music, else the grid."""
    start, end = scene.get("start_time"), scene.get("end_time")
    if isinstance(start, (int, float)) and isinstance(end, (int, float)) and end > start >= 0:
        return float(start), float(end)
    return index * CLIP_SECONDS, (index + 1) * CLIP_SECONDS


def inside_song(window: tuple[float, float], duration: float) -> bool:
    """Whether a window starts before the song ends."""
    return window[0] < duration
