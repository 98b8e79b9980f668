"""Offline drafts as visualizers, measured in their pixels: camera motion, beat pulses, lower third, lyrics, lipsync mouth."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import numpy as np

from analysis.helpers import to_mp3
from analysis.music import click_track, write_wav
from draft_frames import colour_frame, frame_at, grey_frames, region
from helpers_mv import add_audio, finish
from media import run
from mv.providers.base import ClipBrief, MusicWindow
from mv.flavors.formats import ASPECT_RATIOS, frame_size
from mv.providers.draft_layout import LANDSCAPE, WIDTH, Box, Layout, layout
from mv.providers.local import LocalProvider

LONG_PROMPT = ("Wide shot of the outdoor stadium stage at dusk, the full band performing under sweeping light beams, "
               "confetti falling through the haze while the crowd sings every word back. ") * 4
BADGE, CHARACTER, LOWER_THIRD, LYRICS = LANDSCAPE.badge, LANDSCAPE.character, LANDSCAPE.lower_third, LANDSCAPE.lyrics
SCENE_TEXT, VISUALIZER, MOUTH = LANDSCAPE.scene_text, LANDSCAPE.visualizer, LANDSCAPE.mouth
LEFT_MARGIN = Box(0, CHARACTER.y, CHARACTER.x - 16, CHARACTER.h)  # plain background: no text, no visualizer, no character
GAP = Box(0, LYRICS.y + LYRICS.h, WIDTH, LOWER_THIRD.y - LYRICS.y - LYRICS.h)
PARAMS: Any = SimpleNamespace(duration=8, aspect_ratio="16:9")


def _character(tmp_path: Path) -> Path:
    path = tmp_path / "character.png"
    run("-f", "lavfi", "-i", "testsrc2=s=768x768:d=1", "-frames:v", "1", str(path))
    return path


async def _render(
    tmp_path: Path, name: str, *, audio: Path | None, music: MusicWindow | None, prompt: str = "Close-up of the singer", image: Path | None = None,
    params: Any = PARAMS,
) -> Path:
    workdir = tmp_path / name
    workdir.mkdir()
    brief = ClipBrief(prompt=prompt, negative_prompt="", reference_image=image, audio_segment=audio, music=music)
    out, provenance = await LocalProvider().clip(None, brief, params, workdir)  # type: ignore[arg-type]
    assert provenance.draft is True
    return out


def _check_layout(frame: Layout) -> None:
    for (a, first), (b, second) in itertools.combinations(frame.regions.items(), 2):
        assert not first.overlaps(second), f"{frame.width}x{frame.height}: {a} overlaps {b}"
    for box in [*frame.regions.values(), frame.scene_text]:
        assert box.w > 0 and box.h > 0
        assert 0 <= box.x and box.x + box.w <= frame.width and 0 <= box.y and box.y + box.h <= frame.height
    character, lower, scene, mouth = frame.character, frame.lower_third, frame.scene_text, frame.mouth
    assert not scene.overlaps(frame.lyrics) and lower.y <= scene.y and scene.y + scene.h <= lower.y + lower.h
    assert lower.x <= scene.x and scene.x + scene.w <= lower.x + lower.w
    assert character.x <= mouth.x and mouth.x + mouth.w <= character.x + character.w
    assert character.y <= mouth.y and mouth.y + mouth.h <= character.y + character.h


def test_layout_regions_never_overlap_and_stay_inside_every_frame() -> None:
    for ratio in ASPECT_RATIOS:
        _check_layout(layout(*frame_size(ratio)))
    for size in [(1920, 1080), (1080, 1920), (1080, 1080), (640, 480), (480, 640), (800, 720)]:
        _check_layout(layout(*size))
    portrait = layout(720, 1280)
    assert portrait.character.y + portrait.character.h < portrait.visualizer.y < portrait.lyrics.y < portrait.lower_third.y


async def test_every_beat_pulses_and_downbeats_pulse_harder(tmp_path: Path) -> None:
    truth = click_track(tmp_path / "clicks.wav", [(120.0, 9.0)], offset=0.33, seconds=8.0)
    beats = tuple(float(b) for b in truth.beats)
    downbeats = tuple(float(b) for b in truth.downbeats)
    music = MusicWindow(tempo=120.0, beats=beats, downbeats=downbeats, energy=tuple(0.5 for _ in beats), sections=((0.0, 8.0, "A"),))
    frames = grey_frames(await _render(tmp_path, "pulsed", audio=tmp_path / "clicks.wav", music=music))
    luma = region(frames, LEFT_MARGIN).mean(axis=(1, 2))

    def lift(beat: float) -> float:
        return float(luma[frame_at(beat)] - luma[frame_at(beat + 0.25)])  # at the beat vs half a beat later

    plain = [lift(b) for b in beats if b not in downbeats and b + 0.25 < 8]
    strong = [lift(b) for b in downbeats if b + 0.25 < 8]
    assert all(value > 8 for value in plain), plain
    assert all(value > 8 for value in strong), strong
    assert np.mean(strong) > np.mean(plain) + 8

    still = grey_frames(await _render(tmp_path, "unpulsed", audio=tmp_path / "clicks.wav", music=None))
    assert np.ptp(region(still, LEFT_MARGIN).mean(axis=(1, 2))) < 2  # no analysis: no pulse, and nothing else moves there


async def test_the_camera_moves_and_long_text_stays_inside_the_lower_third(tmp_path: Path) -> None:
    frames = grey_frames(await _render(tmp_path, "long", audio=None, music=None, prompt=LONG_PROMPT, image=_character(tmp_path)))
    character = region(frames, CHARACTER)
    assert np.abs(character[0] - character[len(frames) // 2]).mean() > 4
    assert np.abs(character[len(frames) // 2] - character[-1]).mean() > 4

    band = region(frames, LOWER_THIRD)
    assert np.abs(band[0] - band[-1]).max() < 30  # the lower third holds still
    assert (band[0] > 100).mean() > 0.02  # white text on it
    text_edge = Box(SCENE_TEXT.x + SCENE_TEXT.w + 4, LOWER_THIRD.y, WIDTH - SCENE_TEXT.x - SCENE_TEXT.w - 4, LOWER_THIRD.h)
    assert (region(frames, text_edge) > 100).mean() == 0  # long text is clipped, not run off the side
    assert (region(frames, GAP) > 100).mean() == 0  # and never spills out of its band

    full = colour_frame(tmp_path / "long" / "clip.mp4", 1.0)
    badge = full[BADGE.y : BADGE.y + BADGE.h, BADGE.x : BADGE.x + 150].reshape(-1, 3).astype(int)
    assert ((badge[:, 0] > 150) & (badge[:, 1] < 80)).mean() > 0.3  # the red DRAFT badge


async def test_a_portrait_draft_fills_its_frame(tmp_path: Path) -> None:
    frame = layout(720, 1280)
    params: Any = SimpleNamespace(duration=8, aspect_ratio="9:16")
    out = await _render(tmp_path, "portrait", audio=None, music=None, prompt=LONG_PROMPT, image=_character(tmp_path), params=params)
    frames = grey_frames(out, 720, 1280)
    assert frames.shape[1:] == (1280 // 4, 720 // 4)
    character = region(frames, frame.character)
    assert np.abs(character[0] - character[len(frames) // 2]).mean() > 4  # the camera moves
    assert np.abs(character[len(frames) // 2] - character[-1]).mean() > 4

    band = region(frames, frame.lower_third)
    assert np.abs(band[0] - band[-1]).max() < 30
    assert (band[0] > 100).mean() > 0.02
    scene = frame.scene_text
    right = Box(scene.x + scene.w + 4, frame.lower_third.y, frame.width - scene.x - scene.w - 4, frame.lower_third.h)
    assert (region(frames, right) > 100).mean() == 0  # long text is clipped at its region's edge
    gap = Box(0, frame.lyrics.y + frame.lyrics.h, frame.width, frame.lower_third.y - frame.lyrics.y - frame.lyrics.h)
    assert (region(frames, gap) > 100).mean() == 0

    full = colour_frame(out, 1.0, 720, 1280)
    badge = full[frame.badge.y : frame.badge.y + frame.badge.h, frame.badge.x : frame.badge.x + 150].reshape(-1, 3).astype(int)
    assert ((badge[:, 0] > 150) & (badge[:, 1] < 80)).mean() > 0.3  # the badge at the top of the tall frame, not in a band


async def test_lyrics_show_while_they_are_sung(tmp_path: Path) -> None:
    music = MusicWindow(tempo=100.0, sections=((-2.0, 3.0, "intro"), (3.0, 20.0, "B")),
                        lyrics=((1.0, 3.5, "Hold on to the night " * 8), (5.0, 6.5, "We are running")))
    frames = grey_frames(await _render(tmp_path, "sung", audio=None, music=music))
    bright = (region(frames, LYRICS) > 150).mean(axis=(1, 2))
    assert bright[frame_at(0.5)] == 0 and bright[frame_at(4.2)] == 0 and bright[frame_at(7.5)] == 0
    assert bright[frame_at(2.0)] > 0.02 and bright[frame_at(5.5)] > 0.01
    assert bright[frame_at(2.0)] > bright[frame_at(5.5)]  # the long line fills the row, the short one does not
    intro, chorus = region(frames, LEFT_MARGIN)[frame_at(1.0)].mean(), region(frames, LEFT_MARGIN)[frame_at(4.0)].mean()
    assert abs(intro - chorus) > 3  # each section has its colour
    assert (region(frames, GAP) > 150).mean() == 0


async def test_a_draft_lipsync_has_a_mouth_that_follows_the_song(tmp_path: Path) -> None:
    rate = 48000
    t = np.arange(8 * rate) / rate
    song = np.where(t >= 4, 0.6 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)), 0.0)
    audio = write_wav(tmp_path / "half.wav", song, rate)
    source = await _render(tmp_path, "source", audio=audio, music=None)
    workdir = tmp_path / "lipsync"
    workdir.mkdir()
    synced, provenance = await LocalProvider().lipsync(None, source, audio, None, workdir)  # type: ignore[arg-type]
    assert provenance.draft is True and provenance.model == "local/draft-lipsync"

    before, after = grey_frames(source), grey_frames(synced)
    assert len(after) == len(before)
    mouth_before, mouth_after = region(before, MOUTH), region(after, MOUTH)
    assert np.abs(mouth_after - mouth_before).mean() > 20  # visibly not the clip it came from
    assert np.abs(region(after, VISUALIZER) - region(before, VISUALIZER)).mean() < 3  # the rest of the picture is kept
    lit = (mouth_after > 90).mean(axis=(1, 2))
    assert lit[frame_at(5.0):frame_at(7.5)].mean() > lit[frame_at(0.5):frame_at(3.5)].mean() + 0.05  # opens with the voice
    full = colour_frame(synced, 2.0)
    badge = full[BADGE.y : BADGE.y + BADGE.h, BADGE.x : BADGE.x + 300].reshape(-1, 3).astype(int)
    assert ((badge[:, 0] > 150) & (badge[:, 1] < 80)).mean() > 0.3  # still labelled as a draft


async def _analysed(client: httpx.AsyncClient, audio_id: str) -> dict[str, Any]:
    for _ in range(60):
        response = await client.get(f"/api/audio/analysis/{audio_id}", params={"wait": 10})
        if response.status_code == 200:
            return response.json()  # type: ignore[no-any-return]
    raise AssertionError("the analysis never finished")


async def test_a_clip_from_a_song_pulses_on_the_songs_own_beats(client: httpx.AsyncClient, tmp_path: Path) -> None:
    click_track(tmp_path / "song.wav", [(96.0, 30.0)], offset=0.41, seconds=24.0, seed=3)
    audio_id = await add_audio(client, to_mp3(tmp_path / "song.wav"))
    analysis = await _analysed(client, audio_id)
    response = await client.post("/api/mv/generate_video?wait=0", json={
        "prompt": "The drummer counts in", "audio_id": audio_id, "start_time": 6.0, "end_time": 14.0, "provider": "local"})
    assert response.status_code == 202, response.text
    job = await finish(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    body = job["result"]
    asset = await client.app.state.services.assets.get(body["video_id"])  # type: ignore[attr-defined]
    inputs = asset.info["provenance"]["inputs"]
    beats = [b - 6.0 for b in analysis["beats"] if 6.0 <= b < 14.0]
    assert inputs["beats"] == len(beats) and inputs["sections"]

    out = tmp_path / "clip.mp4"
    out.write_bytes((await client.get(body["video_url"])).content)
    luma = region(grey_frames(out), LEFT_MARGIN).mean(axis=(1, 2))
    lifts = [luma[frame_at(b)] - luma[frame_at(b + 0.3)] for b in beats if b + 0.3 < 8]
    assert len(lifts) >= 10 and np.mean([value > 8 for value in lifts]) >= 0.9
