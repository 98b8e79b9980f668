"""The whole analysis of one song's samples: a plain dict of seconds, ready to store as JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from mv.analysis import bars, beats, features, sections, tempo, vocals

ONSET_DELAY_FRAMES = 1.5
"""The onset envelope peaks about this many frames after an attack; beat times are moved back by it."""


def _round(values: Any, digits: int = 3) -> list[float]:
    return [round(float(v), digits) for v in values]


def _loudness_db(f: features.Features, edges: np.ndarray) -> np.ndarray:
    """Mean power in dB between consecutive frame edges."""
    power = f.rms.astype(float) ** 2
    return np.array([10 * np.log10(power[a : max(b, a + 1)].mean() + 1e-10) for a, b in zip(edges[:-1], edges[1:])])


def _energy(f: features.Features, edges: np.ndarray) -> np.ndarray:
    """Loudness between consecutive frame edges, 0-1 over the song's own range (3 dB below its quiet end, 9 dB at least)."""
    db = _loudness_db(f, edges)
    if db.size == 0:
        return db
    lo, hi = np.percentile(db, 5) - 3.0, np.percentile(db, 95)
    return np.clip((db - lo) / max(hi - lo, 9.0), 0.0, 1.0)


def analyse(samples: np.ndarray, rate: int = features.RATE) -> dict[str, Any]:
    """Tempo, beats, downbeats, sections, per-beat energy and estimated vocal stretches."""
    f = features.extract(samples, rate)
    frame_rate = 1.0 / f.frame_seconds
    duration = f.duration
    bpm = tempo.global_tempo(f.onset, frame_rate) if f.onset.any() else 0.0
    beat_frames = np.array([], dtype=int)
    if bpm > 0:
        beat_frames = beats.refine(beats.track(f.onset, tempo.local_periods(f.onset, frame_rate, bpm)), f.onset)
    beat_times = np.clip(f.times(beat_frames) - ONSET_DELAY_FRAMES * f.frame_seconds, 0.0, duration)
    phase = bars.downbeat_phase(beat_frames, f.bass_onset, f.chroma)
    downbeat_times = beat_times[phase :: bars.BEATS_PER_BAR]

    beat_edges = np.append(beat_frames, f.onset.size)
    energy = _energy(f, beat_edges) if beat_frames.size else np.array([])

    bar_edges_s = _bar_edges(downbeat_times, duration)
    bar_edges = f.frames(bar_edges_s)
    rms_db = 20 * np.log10(f.rms + 1e-6)
    rows = sections.bar_features(bar_edges, f.mfcc, f.chroma, rms_db)
    bar_energy = _energy(f, bar_edges)
    found = sections.segment(bar_edges_s, rows, _loudness_db(f, bar_edges))

    score = vocals.activity(f.magnitude, f.rate, features.N_FFT, frame_rate)
    return {
        "duration": round(duration, 3),
        "tempo": round(beats.tempo_from_beats(beat_times) if beat_times.size > 1 else bpm, 2),
        "beats_per_bar": bars.BEATS_PER_BAR,
        "beats": _round(beat_times),
        "downbeats": _round(downbeat_times),
        "sections": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "label": s.label, "energy": round(float(bar_energy[s.first_bar : s.last_bar + 1].mean()), 3)}
            for s in found
        ],
        "energy": _round(energy),
        "vocals": [{"start": round(a, 3), "end": round(b, 3), "confidence": round(c, 2)} for a, b, c in vocals.stretches(score, f.frame_seconds)],
    }


def _bar_edges(downbeats: np.ndarray, duration: float, fallback: float = 4.0) -> np.ndarray:
    """Bar edges in seconds from 0 to the end: the downbeats extended by whole bars before and after, or fixed blocks."""
    if downbeats.size < 2:
        return np.append(np.arange(0.0, duration - fallback / 2, fallback) if duration > fallback else [0.0], duration)
    bar = float(np.median(np.diff(downbeats)))
    before = np.arange(downbeats[0] - bar, bar / 2, -bar)[::-1]
    after = np.arange(downbeats[-1] + bar, duration - bar / 2, bar)
    inner = np.concatenate([before, downbeats, after])
    inner = inner[(inner > bar / 2) & (inner < duration - bar / 2)]
    return np.concatenate([[0.0], inner, [duration]])
