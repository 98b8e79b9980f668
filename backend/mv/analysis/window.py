"""The part of a song's analysis one clip plays over, in the clip's own time."""

from __future__ import annotations

from mv.analysis import service
from mv.analysis.schemas import SongAnalysis
from mv.core.errors import EncoreError
from mv.core.logging import get_logger
from mv.deps import Services
from mv.providers.base import MusicWindow

log = get_logger(__name__)


def music_window(song: SongAnalysis, start: float, seconds: float) -> MusicWindow:
    """Beats, downbeats, energy, sections and lyric lines within `[start, start + seconds)`, shifted so the clip starts at 0."""
    end = start + seconds
    inside = [(i, b) for i, b in enumerate(song.beats) if start <= b < end]
    return MusicWindow(
        tempo=song.tempo,
        beats=tuple(round(b - start, 3) for _, b in inside),
        downbeats=tuple(round(d - start, 3) for d in song.downbeats if start <= d < end),
        energy=tuple(song.energy[i] if i < len(song.energy) else 0.5 for i, _ in inside),
        sections=tuple((round(s.start - start, 3), round(s.end - start, 3), s.label) for s in song.sections if s.end > start and s.start < end),
        lyrics=tuple((round(l.start - start, 3), round(l.end - start, 3), l.text) for l in song.lyrics if l.end > start and l.start < end),
    )


async def music_for_clip(services: Services, audio_id: str, start: float, seconds: float, *, wait: float) -> MusicWindow | None:
    """The song's analysis around a clip, waiting up to `wait` seconds for a running one; None when there is none to have."""
    try:
        result = await service.analysis(services, audio_id)
        if not isinstance(result, SongAnalysis):
            result = await service.analysis_after(services, result, wait)
    except EncoreError as exc:
        log.warning("clip_without_analysis", audio_id=audio_id, error=exc.body()["error"])
        return None
    if not isinstance(result, SongAnalysis):
        log.warning("clip_without_analysis", audio_id=audio_id, error="still running")
        return None
    return music_window(result, start, seconds)
