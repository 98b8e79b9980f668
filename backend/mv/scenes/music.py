"""Each scene's musical context (section, energy, vocals, lyric lines) from the song's analysis, and how it is told."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mv.analysis.schemas import SongAnalysis
from mv.scenes.timing import Window

Energy = Literal["low", "mid", "high"]
LOW_BELOW, HIGH_FROM = 0.35, 0.65
VOCAL_SHARE = 0.25
"""A scene has vocals when the estimated voice covers at least this share of its window."""

CAMERA = {
    "low": "slow, steady camera (a gentle push-in or a still frame), calm action",
    "mid": "a measured camera move (tracking or a slow orbit), steady action",
    "high": "fast, energetic camera (quick dolly, handheld, whip pans), big movement",
}


@dataclass(frozen=True)
class SceneMusic:
    """What the music does during one scene's window."""

    start: float
    end: float
    section: str | None = None
    energy: Energy | None = None
    vocals: bool | None = None
    chorus: bool = False
    lyrics: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        """The scene fields `create_scenes` answers with."""
        return {
            "start_time": self.start,
            "end_time": self.end,
            "section": self.section,
            "energy": self.energy,
            "vocals": self.vocals,
            "lyrics": [dict(line) for line in self.lyrics],
            "lipsync_suggested": bool(self.vocals),
        }


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def energy_level(value: float) -> Energy:
    """The song's own 0-1 energy as low, mid or high."""
    return "low" if value < LOW_BELOW else "high" if value >= HIGH_FROM else "mid"


def chorus_label(song: SongAnalysis) -> str | None:
    """The repeated section label with the most energy: what a listener would likely call the chorus (a guess, named as one)."""
    groups: dict[str, list[float]] = {}
    for section in song.sections:
        if section.label not in ("intro", "outro"):
            groups.setdefault(section.label, []).append(section.energy)
    repeated = {label: sum(values) / len(values) for label, values in groups.items() if len(values) > 1}
    return max(repeated, key=lambda label: repeated[label]) if repeated else None


def describe(song: SongAnalysis, windows: Sequence[Window]) -> list[SceneMusic]:
    """Section (most overlap), energy (mean over the window's beats), vocals and lyric lines for every window."""
    chorus = chorus_label(song)
    scenes = []
    for window in windows:
        a, b = window.start, window.end
        section = max(song.sections, key=lambda s: _overlap(a, b, s.start, s.end), default=None)
        label = section.label if section is not None and _overlap(a, b, section.start, section.end) > 0 else None
        levels = [e for t, e in zip(song.beats, song.energy, strict=False) if a - 1e-6 <= t < b]
        if not levels and song.beats:
            before = [e for t, e in zip(song.beats, song.energy, strict=False) if t < a]
            levels = before[-1:] or song.energy[:1]
        mean = sum(levels) / len(levels) if levels else (section.energy if section is not None else 0.5)
        voiced = sum(_overlap(a, b, v.start, v.end) for v in song.vocals)
        lines = tuple(
            {"start": line.start, "end": line.end, "text": line.text}
            for line in song.lyrics if _overlap(a, b, line.start, line.end) > 0
        )
        scenes.append(SceneMusic(
            start=a, end=b, section=label, energy=energy_level(mean),
            vocals=voiced >= VOCAL_SHARE * (b - a) or bool(lines), chorus=label is not None and label == chorus, lyrics=lines,
        ))
    return scenes


def plain_windows(windows: Sequence[Window]) -> list[SceneMusic]:
    """Windows without a song to listen to: no musical context."""
    return [SceneMusic(start=w.start, end=w.end) for w in windows]


def scene_line(number: int, scene: SceneMusic) -> str:
    """One line of the plan's music sheet for the LLM."""
    parts = [f"Scene {number} ({scene.start:.1f}-{scene.end:.1f} s, {scene.end - scene.start:.1f} s)"]
    if scene.section:
        parts.append(f"section {scene.section}{' (the chorus, most likely)' if scene.chorus else ''}")
    if scene.energy:
        parts.append(f"{scene.energy} energy: {CAMERA[scene.energy]}")
    if scene.vocals is not None:
        parts.append("vocals" if scene.vocals else "instrumental")
    if scene.lyrics:
        parts.append("lyrics: " + " / ".join(f"\"{line['text']}\"" for line in scene.lyrics))
    return "; ".join(parts)


def prompt_text(tempo: float | None, scenes: Sequence[SceneMusic]) -> str:
    """The musical context for the scene prompt: tempo, then one line per scene, with what to do with it."""
    if not scenes or all(s.energy is None for s in scenes):
        return ""
    header = (
        f"The song runs at about {tempo:.0f} BPM. Each scene plays over its own part of the song; match the camera motion "
        "and the action to the music: faster, bigger motion on high energy, slow and still on low energy; the chorus gets "
        "the wide performance shot; where lyrics are sung, draw the imagery from those words.\n"
        if tempo else "Each scene plays over its own part of the song; match the camera motion and the action to the music.\n"
    )
    return header + "\n".join(scene_line(i + 1, s) for i, s in enumerate(scenes))


def draft_sentence(scene: SceneMusic) -> str:
    """The same context in one sentence for an offline draft's scene text."""
    if scene.energy is None:
        return ""
    where = "The chorus" if scene.chorus else f"Section {scene.section}" if scene.section else "This part"
    motion = CAMERA[scene.energy].split(",")[0]
    sung = f", sung: \u201c{scene.lyrics[0]['text']}\u201d" if scene.lyrics else " with vocals" if scene.vocals else ", instrumental"
    return f"{where}, {scene.energy} energy{sung}; {motion}."
