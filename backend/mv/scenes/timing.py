"""Where scenes sit in the song: the fixed grid, or cuts on the beat chosen from the song's analysis."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_WINDOW = 2.0
MAX_WINDOW = 8.0
DOWNBEAT_SCORE = 1.0
SECTION_SCORE = 4.0
LENGTH_WEIGHT = 0.35
FILLER_STEP = 1.0


@dataclass(frozen=True)
class Window:
    """One scene's window in the song, in seconds."""

    start: float
    end: float

    @property
    def length(self) -> float:
        """Seconds."""
        return self.end - self.start


def fixed_windows(count: int, scene_duration: float, song_seconds: float | None) -> list[Window]:
    """The seeds' grid: scene i covers `i × d` to `(i+1) × d`; a window the song ends inside ends with the song."""
    windows = []
    for index in range(count):
        start, end = index * scene_duration, (index + 1) * scene_duration
        if song_seconds and start < song_seconds < end:
            end = song_seconds
        windows.append(Window(round(start, 3), round(end, 3)))
    return windows


def scene_count(song_seconds: float, scene_duration: float, most: int) -> int:
    """One fixed scene per `scene_duration` of song (at least 1, at most `most`)."""
    return min(most, max(1, math.ceil(song_seconds / scene_duration - 1e-9)))


def _candidates(beats: Sequence[float], duration: float) -> list[float]:
    """Beat times inside the song, with evenly spaced fillers where the beat stops for longer than 2 s."""
    points = [0.0, *sorted(b for b in beats if 0.0 < b < duration), duration]
    filled = [points[0]]
    for here in points[1:]:
        gap = here - filled[-1]
        if gap > MIN_WINDOW:
            steps = math.ceil(gap / FILLER_STEP)
            filled += [filled[-1] + gap * k / steps for k in range(1, steps)]
        filled.append(here)
    return filled


def _target_length(energy: float, longest: float) -> float:
    """Busier music gets shorter shots: 2 bars-ish at high energy, the longest clip when calm."""
    return max(MIN_WINDOW, min(longest, longest - (longest - 3.0) * energy))


def music_windows(
    duration: float,
    beats: Sequence[float],
    downbeats: Sequence[float],
    section_starts: Sequence[float],
    energy_at: Sequence[float],
    *,
    longest: float = MAX_WINDOW,
) -> list[Window]:
    """Contiguous windows from 0 to `duration`, each 2 s to `longest`, cut on beats (downbeats and section changes preferred).

    `energy_at` holds the energy (0-1) of each beat. A dynamic programme picks the cuts that maximise the
    preference for downbeats and section starts while keeping each window near a length that follows the energy.
    """
    longest = max(MIN_WINDOW, min(MAX_WINDOW, longest))
    if duration <= longest:
        return [Window(0.0, round(duration, 3))]
    points = _candidates(beats, duration)
    tolerance = 0.07
    sorted_downbeats = sorted(downbeats)
    score = [0.0] * len(points)
    for i, t in enumerate(points):
        if any(abs(t - d) <= tolerance for d in _near(sorted_downbeats, t)):
            score[i] += DOWNBEAT_SCORE
        if any(abs(t - s) <= 0.3 for s in section_starts if s > 0):
            score[i] += SECTION_SCORE
    energy = _energy_per_point(points, beats, energy_at)

    best = [-math.inf] * len(points)
    previous = [-1] * len(points)
    best[0] = 0.0
    first = 0
    for j in range(1, len(points)):
        while points[j] - points[first] > longest + 1e-9:
            first += 1
        for i in range(first, j):
            length = points[j] - points[i]
            if length < MIN_WINDOW - 1e-9 or best[i] == -math.inf:
                continue
            target = _target_length(energy[i], longest)
            value = best[i] + score[j] - LENGTH_WEIGHT * abs(length - target)
            if value > best[j]:
                best[j], previous[j] = value, i
    if best[-1] == -math.inf:
        count = math.ceil(duration / longest)
        return [Window(round(duration * k / count, 3), round(duration * (k + 1) / count, 3)) for k in range(count)]
    cuts = []
    j = len(points) - 1
    while j > 0:
        cuts.append(points[j])
        j = previous[j]
    edges = [0.0, *reversed(cuts)]
    return [Window(round(a, 3), round(b, 3)) for a, b in zip(edges, edges[1:], strict=False)]


def _near(sorted_times: list[float], t: float) -> list[float]:
    """The one or two times in `sorted_times` closest to `t`."""
    k = bisect.bisect_left(sorted_times, t)
    return sorted_times[max(0, k - 1) : k + 1]


def _energy_per_point(points: list[float], beats: Sequence[float], energy_at: Sequence[float]) -> list[float]:
    """The energy of the beat at or before each point (0.5 when the song has no beats)."""
    beat_times = list(beats)
    if not beat_times or not energy_at:
        return [0.5] * len(points)
    values = []
    for t in points:
        k = max(0, bisect.bisect_right(beat_times, t + 1e-6) - 1)
        values.append(float(energy_at[min(k, len(energy_at) - 1)]))
    return values
