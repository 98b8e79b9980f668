"""Where everything sits in an offline draft, and the expressions that make it move with the music."""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass

from mv.providers.base import MusicWindow

WIDTH, HEIGHT, FPS = 1280, 720, 24


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame, in pixels."""

    x: int
    y: int
    w: int
    h: int

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any pixel."""
        return self.x < other.x + other.w and other.x < self.x + self.w and self.y < other.y + other.h and other.y < self.y + self.h


# Regions of the 1280x720 frame; no two of them share a pixel, so no text ever covers another element.
BADGE = Box(28, 24, 560, 52)
SECTION_TAG = Box(700, 24, 552, 52)
CHARACTER = Box(80, 96, 420, 420)
VISUALIZER = Box(560, 146, 640, 320)
LYRICS = Box(60, 532, 1160, 64)
LOWER_THIRD = Box(0, 612, 1280, 108)
SCENE_TEXT = Box(60, 628, 1160, 78)
REGIONS = {"badge": BADGE, "section": SECTION_TAG, "character": CHARACTER, "visualizer": VISUALIZER, "lyrics": LYRICS, "lower_third": LOWER_THIRD}

# The character's mouth in a draft, as fractions of the frame, where a draft lipsync draws its level element.
MOUTH_CENTRE = ((CHARACTER.x + CHARACTER.w / 2) / WIDTH, (CHARACTER.y + CHARACTER.h * 0.7) / HEIGHT)
MOUTH_SIZE = (220, 84)

PAN_MARGIN = 60
PULSE_DECAY = 0.12
BEAT_PULSE = 0.07
BEAT_PULSE_ENERGY = 0.06
DOWNBEAT_PULSE = 0.2
MAX_PULSES = 96

SECTION_COLOURS = {"intro": "0x1d2b53", "outro": "0x2a1d53", "A": "0x7e2553", "B": "0x0b5d4a", "C": "0x8a4a12", "D": "0x3d3f8f"}
NO_SECTION_COLOUR = "0x202030"


def section_colour(label: str) -> str:
    """A dark colour per section label, so white text reads on it; unknown labels get a stable one of their own."""
    if label in SECTION_COLOURS:
        return SECTION_COLOURS[label]
    raw = hashlib.sha256(label.encode()).digest()
    return "0x" + bytes(40 + b % 90 for b in raw[:3]).hex()


def section_name(label: str) -> str:
    """How a section label reads on screen."""
    return label.capitalize() if label in ("intro", "outro") else f"Section {label}"


def wrap(text: str, width: int, max_lines: int) -> str:
    """Wrap to `width` characters on at most `max_lines` lines; a cut ends with an ellipsis."""
    words = " ".join(text.split())
    lines = textwrap.wrap(words, width=width, break_long_words=True) or [" "]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


def pan_expression(axis: str, seconds: float) -> str:
    """A slow ease-in-out drift across the pan margin over the whole clip (x one way, y the other)."""
    progress = f"(1-cos(PI*t/{seconds:.3f}))/2"
    return f"{PAN_MARGIN}*{progress}" if axis == "x" else f"{PAN_MARGIN}*(1-{progress})"


def _pulses(music: MusicWindow, seconds: float) -> list[tuple[float, float]]:
    downbeats = {round(d, 3) for d in music.downbeats}
    pulses = []
    for index, beat in enumerate(music.beats):
        if not 0 <= beat < seconds:
            continue
        energy = music.energy[index] if index < len(music.energy) else 0.5
        strength = DOWNBEAT_PULSE if round(beat, 3) in downbeats else BEAT_PULSE + BEAT_PULSE_ENERGY * energy
        pulses.append((beat, strength))
    return pulses[:MAX_PULSES]


def pulse_expression(music: MusicWindow | None, seconds: float) -> str:
    """Brightness added after each beat (more on downbeats and loud beats), decaying until the next: an `eq` expression of t."""
    pulses = _pulses(music, seconds) if music else []
    expression = "0"
    for beat, strength in pulses:
        expression = f"if(gte(t,{beat:.3f}),{strength:.3f}*exp(({beat:.3f}-t)/{PULSE_DECAY}),{expression})"
    return expression


def section_spans(music: MusicWindow | None, seconds: float) -> list[tuple[float, float, str]]:
    """The sections inside the clip, clipped to [0, seconds]; one unnamed span without an analysis."""
    spans = [(max(0.0, s), min(seconds, e), label) for s, e, label in (music.sections if music else ()) if e > 0 and s < seconds]
    return spans or [(0.0, seconds, "")]


def lyric_spans(music: MusicWindow | None, seconds: float) -> list[tuple[float, float, str]]:
    """The lyric lines sung inside the clip, clipped to [0, seconds]."""
    return [(max(0.0, s), min(seconds, e), text) for s, e, text in (music.lyrics if music else ()) if e > 0 and s < seconds and text.strip()]
