"""Test songs with known ground truth: click tracks (numpy) and multi-instrument songs (MIDI → fluidsynth)."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import mido
import numpy as np

RATE = 44100
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
TICKS = 480


@dataclass(frozen=True)
class Truth:
    """What a generated song really contains, in seconds."""

    beats: np.ndarray
    downbeats: np.ndarray
    boundaries: np.ndarray = field(default_factory=lambda: np.array([]))
    labels: tuple[str, ...] = ()
    vocals: tuple[tuple[float, float], ...] = ()

    @property
    def tempo(self) -> float:
        """Median tempo in BPM."""
        return float(60.0 / np.median(np.diff(self.beats)))


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Write mono float samples as 16-bit PCM."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def click_track(path: Path, tempos: list[tuple[float, float]], *, offset: float, seconds: float, seed: int = 0) -> Truth:
    """A metronome (accented first beat of each bar) over faint noise; `tempos` are (bpm, until-second) runs."""
    rng = np.random.default_rng(seed)
    samples = rng.normal(0, 0.003, int(seconds * RATE))
    times: list[float] = []
    t = offset
    for bpm, until in tempos:
        while t < min(until, seconds - 0.1):
            times.append(t)
            t += 60.0 / bpm
    n = int(0.03 * RATE)
    envelope = np.exp(-np.arange(n) / (0.004 * RATE))
    for i, when in enumerate(times):
        start = int(round(when * RATE))
        pitch = 1600.0 if i % 4 == 0 else 1000.0
        chunk = samples[start : start + n]
        chunk += 0.6 * envelope[: chunk.size] * np.sin(2 * np.pi * pitch * np.arange(chunk.size) / RATE)
    write_wav(path, samples)
    beats = np.array(times)
    return Truth(beats=beats, downbeats=beats[::4])


@dataclass(frozen=True)
class Part:
    """A run of bars played with one arrangement."""

    name: str
    bars: int
    drums: bool
    bass: bool
    chords: int | None
    progression: tuple[int, ...] = (0, 5, 3, 4)
    crash: bool = False


CHORD_ROOTS = (57, 50, 53, 55, 52, 48)
MAJOR = (0, 4, 7)
MINOR = (0, 3, 7)


def _note(track: list[tuple[int, mido.Message]], tick: int, length: int, channel: int, note: int, velocity: int) -> None:
    track.append((tick, mido.Message("note_on", channel=channel, note=note, velocity=velocity)))
    track.append((tick + length, mido.Message("note_off", channel=channel, note=note, velocity=0)))


def _events_to_track(events: list[tuple[int, mido.Message]], programs: dict[int, int], bpm: float) -> mido.MidiTrack:
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    for channel, program in programs.items():
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
    now = 0
    for tick, message in sorted(events, key=lambda e: (e[0], e[1].type == "note_on")):
        track.append(message.copy(time=tick - now))
        now = tick
    return track


def song_midi(parts: list[Part], bpm: float) -> tuple[mido.MidiFile, list[int]]:
    """A MIDI song of the given parts; returns it and the bar index where each part starts."""
    beat = TICKS
    chord_channels = {program: channel for channel, program in zip((0, 2, 3, 4, 5), dict.fromkeys(p.chords for p in parts if p.chords is not None))}
    events: list[tuple[int, mido.Message]] = []
    starts: list[int] = []
    bar = 0
    for part in parts:
        starts.append(bar)
        for local in range(part.bars):
            base = (bar + local) * 4 * beat
            degree = part.progression[local % len(part.progression)]
            root = CHORD_ROOTS[degree % len(CHORD_ROOTS)]
            shape = MINOR if degree in (0, 4) else MAJOR
            if part.chords is not None:
                channel = chord_channels[part.chords]
                for b in range(4):
                    velocity = 92 if b == 0 else 70
                    for interval in shape:
                        _note(events, base + b * beat, beat - 40, channel, root + interval + 12, velocity)
            if part.bass:
                for b in (0, 2, 3):
                    _note(events, base + b * beat, beat - 60, 1, root - 24 + (7 if b == 3 else 0), 100 if b == 0 else 85)
            if part.drums:
                for b in range(4):
                    _note(events, base + b * beat, 60, 9, 36 if b in (0, 2) else 38, 115 if b == 0 else 100)
                    for half in (0, beat // 2):
                        _note(events, base + b * beat + half, 40, 9, 42, 60)
                if part.crash and local % 4 == 0:
                    _note(events, base, beat, 9, 49, 100)
        bar += part.bars
    programs = {1: 33, **{channel: program for program, channel in chord_channels.items()}}
    midi = mido.MidiFile(ticks_per_beat=TICKS)
    midi.tracks.append(_events_to_track(events, programs, bpm))
    return midi, starts


def render_song(path: Path, parts: list[Part], bpm: float, *, lead_in: float = 0.5) -> Truth:
    """Render the parts with fluidsynth and the General MIDI soundfont after `lead_in` s of silence; returns the truth."""
    midi, starts = song_midi(parts, bpm)
    mid = path.with_suffix(".mid")
    rendered = path.with_suffix(".raw.wav")
    midi.save(str(mid))
    subprocess.run(
        ["fluidsynth", "-ni", "-q", "-g", "0.8", "-r", str(RATE), "-F", str(rendered), str(SOUNDFONT), str(mid)],
        check=True, capture_output=True,
    )
    with wave.open(str(rendered)) as source:
        channels = source.getnchannels()
        pcm = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    mono = pcm.reshape(-1, channels).mean(axis=1)
    write_wav(path, np.concatenate([np.zeros(int(round(lead_in * RATE))), mono]))
    rendered.unlink()
    spb = 60.0 / bpm
    total_bars = sum(p.bars for p in parts)
    beats = lead_in + np.arange(total_bars * 4) * spb
    downbeats = beats[::4]
    boundaries = np.array([downbeats[s] for s in starts[1:]])
    return Truth(beats=beats, downbeats=downbeats, boundaries=boundaries, labels=tuple(p.name for p in parts))
