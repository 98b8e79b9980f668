"""Lyrics in the final video: a soft `mov_text` track (video still copied), `.srt`/`.vtt` downloads, or burned in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import numpy as np

from helpers_mv import ffprobe, result_of
from media import MediaFactory

LRC = "[00:01.00]Hold on to the night\n[00:04.50]We are running, we are free\n[00:09.00]"


async def song_with_clips(client: httpx.AsyncClient, media: MediaFactory) -> tuple[str, list[str]]:
    with media.tone(12.0, freq=300).open("rb") as handle:
        audio_id = (await client.post("/api/audio/upload", files={"file": ("song.mp3", handle, "audio/mpeg")})).json()["audio_id"]
    assert (await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": LRC})).status_code == 200
    ids = []
    for start, end in ((0.0, 6.0), (6.0, 12.0)):
        body = {"prompt": f"scene at {start}", "audio_id": audio_id, "start_time": start, "end_time": end, "config_flavor": "beats"}
        ids.append((await result_of(client, await client.post("/api/mv/generate_video?wait=0", json=body)))["video_id"])
    return audio_id, ids


def stored(client: httpx.AsyncClient, video_id: str) -> Path:
    return client.app.state.services.storage.path(f"jobs/{video_id}/video.mp4")  # type: ignore[attr-defined, no-any-return]


def top_third(path: Path, at: float) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1", "-vf", "scale=320:180,format=gray", "-f", "rawvideo", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(180, 320)[:60].astype(float)


async def test_lyrics_become_a_soft_subtitle_track_and_the_video_is_still_copied(client: httpx.AsyncClient, media: MediaFactory) -> None:
    audio_id, ids = await song_with_clips(client, media)
    result = await result_of(client, await client.post("/api/mv/stitch_video?wait=0", json={"video_ids": ids, "audio_id": audio_id}))
    assert result["metadata"]["lyrics"] == "soft" and result["metadata"]["method"] == "copy"
    path = stored(client, result["video_id"])
    subtitle = [s for s in ffprobe(path)["streams"] if s["codec_type"] == "subtitle"]
    assert [s["codec_name"] for s in subtitle] == ["mov_text"]
    cues = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-map", "0:s:0", "-f", "srt", "-"], check=True, capture_output=True, text=True).stdout
    assert "00:00:01,000 --> 00:00:04,500\nHold on to the night" in cues
    assert "00:00:04,500 --> 00:00:09,000\nWe are running, we are free" in cues

    vtt = await client.get(f"/api/audio/lyrics/{audio_id}.vtt")
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nHold on to the night\n")
    srt = await client.get(f"/api/audio/lyrics/{audio_id}.srt")
    assert srt.status_code == 200 and srt.text.startswith("1\n00:00:01,000 --> 00:00:04,500\nHold on to the night\n")
    assert 'filename="lyrics-' in srt.headers["content-disposition"]

    off = await result_of(client, await client.post("/api/mv/stitch_video?wait=0", json={"video_ids": ids, "audio_id": audio_id, "lyrics": "off"}))
    assert off["metadata"]["lyrics"] is None
    assert all(s["codec_type"] != "subtitle" for s in ffprobe(stored(client, off["video_id"]))["streams"])

    burned = await result_of(client, await client.post("/api/mv/stitch_video?wait=0", json={"video_ids": ids, "audio_id": audio_id, "lyrics": "burned"}))
    assert burned["metadata"]["lyrics"] == "burned"
    burned_path = stored(client, burned["video_id"])
    assert all(s["codec_type"] != "subtitle" for s in ffprobe(burned_path)["streams"])
    plain_frame, burned_frame = top_third(stored(client, off["video_id"]), 2.0), top_third(burned_path, 2.0)
    assert (np.abs(burned_frame - plain_frame) > 60).mean() > 0.01, "the lyric line is drawn into the picture"
    assert (np.abs(top_third(burned_path, 10.5) - top_third(stored(client, off["video_id"]), 10.5)) > 60).mean() < 0.005, "and only while it is sung"


async def test_subtitles_of_a_song_without_lyrics_are_404(client: httpx.AsyncClient, media: MediaFactory) -> None:
    with media.tone(5.0).open("rb") as handle:
        audio_id = (await client.post("/api/audio/upload", files={"file": ("song.mp3", handle, "audio/mpeg")})).json()["audio_id"]
    for ext in ("srt", "vtt"):
        response = await client.get(f"/api/audio/lyrics/{audio_id}.{ext}")
        assert response.status_code == 404 and response.json()["error"] == "NotFound"
    assert (await client.get("/api/audio/lyrics/not-a-uuid.vtt")).status_code == 422
