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


@dataclass(frozen=True)
class Layout:
    """Where each element of a draft sits in a frame of one size; no two regions share a pixel."""

    width: int
    height: int
    badge: Box
    section: Box
    character: Box
    visualizer: Box
    lyrics: Box
    lower_third: Box
    scene_text: Box
    scene_chars: int
    scene_lines: int
    lyric_chars: int
    lyric_lines: int
    badge_size: int = 34

    @property
    def regions(self) -> dict[str, Box]:
        """The regions that must never overlap."""
        return {"badge": self.badge, "section": self.section, "character": self.character, "visualizer": self.visualizer,
                "lyrics": self.lyrics, "lower_third": self.lower_third}

    @property
    def mouth(self) -> Box:
        """Where a draft lipsync draws its mouth: low in the character's square, about half its width."""
        c = self.character
        w = c.w * 11 // 21 // 2 * 2
        h = w * 84 // 220 // 2 * 2
        return Box(c.x + (c.w - w) // 2, c.y + c.h * 7 // 10 - h // 2, w, h)


def _landscape(width: int, height: int) -> Layout:
    lower = Box(0, height - 108, width, 108)
    lyric_lines = 1 if width >= 1000 else 2
    lyrics_h = 64 if lyric_lines == 1 else 108
    lyrics = Box(60, lower.y - 16 - lyrics_h, width - 120, lyrics_h)
    top = 96
    side = min(lyrics.y - 16 - top, width // 3)
    character = Box(width // 16, top, side, side)
    viz_x = character.x + side + 60
    return Layout(
        width, height, badge=Box(28, 24, width // 2 - 80, 52), section=Box(width // 2 + 60, 24, width // 2 - 88, 52),
        character=character, visualizer=Box(viz_x, top + 50, width - viz_x - width // 16, side - 100), lyrics=lyrics,
        lower_third=lower, scene_text=Box(60, lower.y + 16, width - 120, 78), scene_chars=(width - 120) // 16, scene_lines=2,
        lyric_chars=int((width - 120) / 21.5), lyric_lines=lyric_lines,
    )


def _upright(width: int, height: int) -> Layout:
    """Square and portrait frames: three lines of scene text, two of lyrics; portrait stacks the character over the spectrum."""
    lower = Box(0, height - 146, width, 146)
    lyrics = Box(30, lower.y - 16 - 108, width - 60, 108)
    top = 96
    room = lyrics.y - 16 - top
    if room >= width:
        side = min(width - 120, room * 62 // 100)
        character = Box((width - side) // 2, top, side, side)
        visualizer = Box(40, top + side + 24, width - 80, room - side - 24)
    else:
        side = min(room, width * 45 // 100)
        character = Box(30, top + (room - side) // 2, side, side)
        viz_x = character.x + side + 30
        visualizer = Box(viz_x, character.y + side // 6, width - viz_x - 30, side * 2 // 3)
    badge = Box(24, 24, width * 45 // 100, 52)
    return Layout(
        width, height, badge=badge, section=Box(badge.x + badge.w + 16, 24, width - badge.x - badge.w - 40, 52),
        character=character, visualizer=visualizer, lyrics=lyrics, lower_third=lower,
        scene_text=Box(30, lower.y + 16, width - 60, 118), scene_chars=(width - 60) // 16, scene_lines=3,
        lyric_chars=int((width - 60) / 21.5), lyric_lines=2, badge_size=28,
    )


def layout(width: int, height: int) -> Layout:
    """The draft layout for a frame of this size: side by side when wide, stacked when tall."""
    return _landscape(width, height) if width > height else _upright(width, height)


LANDSCAPE = layout(WIDTH, HEIGHT)

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
