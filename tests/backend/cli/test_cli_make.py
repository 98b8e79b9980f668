"""`encore make`: a whole video offline with an embedded Encore, and through a running server's API."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from encore_process import Encore
from live import live_server
from loopback_http import LoopbackServer, file_reply
from media import MediaFactory, probe_duration

IDEA = ["--idea", "a band plays its last show", "--character", "a singer with short silver hair"]


def streams(path: Path) -> list[str]:
    """The codec types of a file's streams."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "json", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return [s["codec_type"] for s in json.loads(out)["streams"]]


def test_make_offline_writes_a_video_as_long_as_the_song_with_the_chosen_scene_lipsynced(encore: Encore, media: MediaFactory, tmp_path: Path) -> None:
    song = media.tone(16.0)
    data = tmp_path / "kept"
    ran = encore("make", str(song), *IDEA, "--lipsync", "2", "-o", "out/video.mp4", "--json", "--data-dir", str(data))

    assert ran.code == 0, ran.err
    doc = ran.json()
    video = tmp_path / "out" / "video.mp4"
    assert doc["ok"] is True and doc["output"] == str(video) and doc["server"] == "embedded"
    assert abs(probe_duration(video) - probe_duration(song)) < 0.1
    assert sorted(streams(video)) == ["audio", "video"]
    assert doc["draft"] is True and doc["provider"] == "local"
    assert [(s["number"], s["start_time"], s["end_time"], s["lipsynced"]) for s in doc["scenes"]] == [(1, 0.0, 8.0, False), (2, 8.0, 16.0, True)]

    # The kept data directory holds the run: scene 2's clip is a lipsync of its own clip to the song's 8-16 s.
    with live_server(data) as url:
        first = httpx.get(f"{url}/api/jobs/{doc['scenes'][0]['video_id']}").json()
        second = httpx.get(f"{url}/api/jobs/{doc['scenes'][1]['video_id']}").json()
        final = httpx.get(f"{url}/api/jobs/{doc['video_id']}").json()
    assert first["kind"] == "generate_video" and first["status"] == "succeeded"
    assert second["kind"] == "lipsync" and second["status"] == "succeeded"
    meta = second["result"]["metadata"]
    assert (meta["start_time"], meta["end_time"], meta["audio_id"]) == (8.0, 16.0, doc["audio_id"])
    assert final["kind"] == "stitch_video" and final["result"]["metadata"]["num_clips"] == 2


def test_make_drives_a_running_server_with_its_api_key_and_imports_a_song_link(encore: Encore, media: MediaFactory, tmp_path: Path) -> None:
    song = media.tone(8.0, freq=330)
    with LoopbackServer({"/song.mp3": file_reply(song)}) as host:
        env = {"API_KEY": "cli-test-key", "MV_DOWNLOAD_HOSTS": f"127.0.0.1:{host.port}", "MV_DOWNLOAD_ALLOW_PRIVATE": "true"}
        with live_server(tmp_path / "server", **env) as url:
            link = host.url("/song.mp3")
            refused = encore("make", link, *IDEA, "-o", "refused.mp4", "--server", url)
            made = encore("make", link, *IDEA, "-o", "made.mp4", "--server", url, "--json", env={"API_KEY": "cli-test-key"})

    assert refused.code == 1
    assert "--api-key" in refused.one_error_line()
    assert not (tmp_path / "refused.mp4").exists()
    assert made.code == 0, made.err
    doc = made.json()
    assert doc["server"] == url and len(doc["scenes"]) == 1
    assert abs(probe_duration(tmp_path / "made.mp4") - 8.0) < 0.1
    assert host.paths.count("/song.mp3") >= 1
