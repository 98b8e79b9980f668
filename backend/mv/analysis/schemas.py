"""Song analysis and lyrics shapes; every time is in seconds from the start of this song."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EXAMPLE_ID = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"


class Section(BaseModel):
    """A stretch of the song with one musical role."""

    start: float
    end: float
    label: str = Field(..., description="`A`, `B`, `C`… (sections alike share a letter), or `intro` / `outro`.")
    energy: float = Field(..., ge=0, le=1, description="Mean loudness of the section on the song's own 0-1 scale.")


class VocalStretch(BaseModel):
    """Where a voice probably sounds: an estimate from spectral cues, not a trained voice detector."""

    start: float
    end: float
    confidence: float = Field(..., ge=0, le=1)


class LyricLine(BaseModel):
    """One lyric line and its window."""

    start: float
    end: float
    text: str


class SongAnalysis(BaseModel):
    """What Encore heard in a song."""

    audio_id: str
    duration: float
    tempo: float = Field(..., description="Beats per minute (the median over the song).")
    beats_per_bar: Literal[4] = Field(4, description="Assumed, not detected: bars are taken to be 4/4.")
    beats: list[float] = Field(..., description="Beat times.")
    downbeats: list[float] = Field(..., description="Bar starts: every fourth beat, at the phase where bass and harmony change.")
    sections: list[Section]
    energy: list[float] = Field(..., description="One value per beat (0-1, the song's own range): loudness from that beat to the next.")
    vocals: list[VocalStretch] = Field(..., description="Estimated stretches with a voice.")
    lyrics: list[LyricLine] = Field(default_factory=list, description="Timed lyric lines, when lyrics were given.")
    lyrics_timing: Literal["lrc", "vocals", "speech"] | None = Field(
        None, description="`lrc`: timed by the LRC text; `vocals`: plain lines laid over the vocal stretches; `speech`: transcribed.",
    )

    model_config = {"json_schema_extra": {"examples": [{
        "audio_id": EXAMPLE_ID, "duration": 201.4, "tempo": 118.2, "beats_per_bar": 4,
        "beats": [0.52, 1.03, 1.54, 2.04], "downbeats": [0.52, 2.55],
        "sections": [{"start": 0.0, "end": 16.8, "label": "intro", "energy": 0.31}, {"start": 16.8, "end": 49.3, "label": "A", "energy": 0.66}],
        "energy": [0.3, 0.31, 0.35, 0.33], "vocals": [{"start": 17.1, "end": 31.9, "confidence": 0.7}],
        "lyrics": [{"start": 17.2, "end": 20.9, "text": "Hold on to the night"}], "lyrics_timing": "lrc",
    }]}}


class LyricsRequest(BaseModel):
    """Lyrics for a song: LRC (the contents of an `.lrc` file) or plain lines."""

    text: str = Field(..., min_length=1, max_length=100_000, description="LRC with `[mm:ss.xx]` stamps, or plain text, one line per lyric line.")
    format: Literal["auto", "lrc", "plain"] = Field("auto", description="`auto`: LRC when any line starts with a timestamp.")

    model_config = {"json_schema_extra": {"examples": [{"text": "[00:17.20]Hold on to the night\n[00:21.00]We are running", "format": "auto"}]}}


class Lyrics(BaseModel):
    """A song's stored, timed lyrics."""

    audio_id: str
    format: Literal["lrc", "plain"]
    timing: Literal["lrc", "vocals", "speech"]
    lines: list[LyricLine]
